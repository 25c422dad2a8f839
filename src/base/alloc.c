/*
 * Checked array allocation (see util.h). Arrays of millions of events are touched page
 * by page; on virtual machines each 4 KiB page fault is costly, so arrays from 4 MiB up
 * are advised onto transparent huge pages (2 MiB), which cuts the faults ~500-fold where
 * the kernel runs THP in "madvise" mode. The advice is only a hint: without it, or on
 * other systems, nothing changes but speed.
 *
 * An array of a few MiB written through at once (a table reader's columns) is given
 * whole huge pages, at the price of rounding it up to them: with malloc's placement its
 * head and tail would stay on 4 KiB pages. On the 2-core VM of the benchmarks (kernel
 * 6.18, THP "madvise") copying 160 MB into fresh memory took 0.48-0.58 s on 4 KiB pages
 * and 0.02-0.37 s on huge pages.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/util.h"

#define HUGE_PAGE   ((uintptr_t)2 << 20)
#define ADVISE_FROM ((size_t)4 << 20)

static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (p == NULL || bytes < ADVISE_FROM)
        return;
    uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t hi = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

void *ck__alloc_array(size_t n, size_t size)
{
    if (size != 0 && n > PTRDIFF_MAX / size)
        return NULL;
    size_t bytes = n * size;
    void *p = malloc(bytes != 0 ? bytes : 1);
    advise_huge(p, bytes);
    return p;
}

void *ck__realloc_array(void *ptr, size_t n, size_t size)
{
    if (size != 0 && n > PTRDIFF_MAX / size)
        return NULL;
    size_t bytes = n * size;
    void *p = realloc(ptr, bytes != 0 ? bytes : 1);
    advise_huge(p, bytes);
    return p;
}

void *ck__alloc_huge_array(size_t n, size_t size)
{
    if (size != 0 && n > PTRDIFF_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes < HUGE_PAGE)
        return ck__alloc_array(n, size);
    size_t whole = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    void *p = NULL;
    if (whole < bytes || posix_memalign(&p, HUGE_PAGE, whole) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}

void *ck__move_to_huge_array(void *ptr, size_t n_kept, size_t n, size_t size)
{
    void *p = ck__alloc_huge_array(n, size);
    if (p == NULL)
        return NULL;
    if (n_kept > 0)
        memcpy(p, ptr, (n_kept < n ? n_kept : n) * size);
    free(ptr);
    return p;
}

/*
 * Checked array allocation (see util.h). Arrays of millions of events are touched page
 * by page; on virtual machines each 4 KiB page fault is costly, so arrays from 4 MiB up
 * are advised onto transparent huge pages (2 MiB), which cuts the faults ~500-fold where
 * the kernel runs THP in "madvise" mode. The advice is only a hint: without it, or on
 * other systems, nothing changes but speed.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */

#include <stdint.h>
#include <stdlib.h>
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

/*
 * Small internal helpers shared by several modules: checked size arithmetic and
 * growable arrays. Nothing here is public.
 */
#ifndef CK_UTIL_H
#define CK_UTIL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Every size product goes through these two: n items of `size` bytes, NULL when the
 * product would pass PTRDIFF_MAX (no object can be that large). At least one byte is
 * asked for, so a zero-length array is still a valid pointer. Large arrays are placed on
 * transparent huge pages where the system allows it (alloc.c). */
void *ck__alloc_array(size_t n, size_t size);
void *ck__realloc_array(void *ptr, size_t n, size_t size);

/* n items on whole huge pages (from 2 MiB: aligned to 2 MiB and rounded up to whole ones),
 * for an array about to be written through at once; free() and realloc() it as any. The
 * move keeps the first n_kept items of ptr and frees it; NULL (ptr kept) when out of
 * memory. */
void *ck__alloc_huge_array(size_t n, size_t size);
void *ck__move_to_huge_array(void *ptr, size_t n_kept, size_t n, size_t size);

/* *out = a * b; false (and *out untouched) when the product would not fit in a size_t.
 * Products of sizes are computed here before an allocator sees them. */
static inline bool ck__mul_size(size_t *out, size_t a, size_t b)
{
    if (b != 0 && a > SIZE_MAX / b)
        return false;
    *out = a * b;
    return true;
}

/* Grow *ptr (an array of elem-byte items with capacity *cap) to hold at least need items,
 * doubling so that n appends cost O(n). Returns false when memory runs out (*ptr kept). */
static inline bool ck__grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t new_cap = *cap ? *cap : 16;
    while (new_cap < need) {
        if (new_cap > SIZE_MAX / 2)
            return false;
        new_cap *= 2;
    }
    void *p = ck__realloc_array(*ptr, new_cap, elem);
    if (p == NULL)
        return false;
    *ptr = p;
    *cap = new_cap;
    return true;
}

/* 1 / (1 + e^(−z)) without overflow: exp of a positive argument never runs. */
static inline double ck__logistic(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

/* Seconds in a day: days in every feature are decimal numbers of 86,400 s. */
#define CK__DAY_SECONDS 86400

#endif

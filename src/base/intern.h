/*
 * String interning: each distinct string gets a dense index 0, 1, 2, ... in order of
 * first appearance. Used for customer ids, channels, categories and categorical levels.
 * Open addressing with linear probing over a power-of-two table kept at most half full;
 * strings live NUL-terminated in one growing arena, addressed by offset.
 */
#ifndef CK_INTERN_H
#define CK_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct ck__intern {
    char *arena;
    size_t arena_len, arena_cap;
    size_t *offsets; /* offsets[i]: start of string i in the arena */
    uint32_t *lengths;
    uint32_t *hashes;
    size_t count, cap;
    uint64_t *slots; /* hash << 32 | (index + 1), 0 = empty: probes compare hashes in place */
    size_t n_slots;
} ck__intern;

#define CK__INTERN_INIT                                                                            \
    {                                                                                              \
        0                                                                                          \
    }

/* The index of s[0..len), adding it when new; -1 when memory runs out. */
long ck__intern_put(ck__intern *t, const char *s, size_t len);
/* The index of s[0..len), or -1 when absent. */
long ck__intern_find(const ck__intern *t, const char *s, size_t len);
/* String i, valid until the next put. */
const char *ck__intern_str(const ck__intern *t, size_t i);
void ck__intern_free(ck__intern *t);

#endif

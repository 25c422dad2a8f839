/*
 * String interning (see intern.h). The hash is 64-bit FNV-1a (Fowler, Noll, Vo), folded
 * to 32 bits; ids and level names are short, where FNV is as fast as anything.
 */
#include "base/intern.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return (uint32_t)(h ^ (h >> 32));
}

static long probe(const ck__intern *t, const char *s, size_t len, uint32_t h, size_t *slot_out)
{
    size_t mask = t->n_slots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint64_t v = t->slots[i];
        if (v == 0) {
            *slot_out = i;
            return -1;
        }
        size_t k = (uint32_t)v - 1;
        if ((uint32_t)(v >> 32) == h && t->lengths[k] == len &&
            memcmp(t->arena + t->offsets[k], s, len) == 0)
            return (long)k;
    }
}

static bool rehash(ck__intern *t, size_t n_slots)
{
    uint64_t *slots = calloc(n_slots, sizeof *slots);
    if (slots == NULL)
        return false;
    size_t mask = n_slots - 1;
    for (size_t k = 0; k < t->count; k++) {
        size_t i = t->hashes[k] & mask;
        while (slots[i] != 0)
            i = (i + 1) & mask;
        slots[i] = (uint64_t)t->hashes[k] << 32 | (k + 1);
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    return true;
}

long ck__intern_find(const ck__intern *t, const char *s, size_t len)
{
    if (t->n_slots == 0)
        return -1;
    size_t slot;
    return probe(t, s, len, hash_bytes(s, len), &slot);
}

long ck__intern_put(ck__intern *t, const char *s, size_t len)
{
    if (t->n_slots == 0 && !rehash(t, 64))
        return -1;
    uint32_t h = hash_bytes(s, len);
    size_t slot;
    long found = probe(t, s, len, h, &slot);
    if (found >= 0)
        return found;
    if (t->count >= UINT32_MAX - 1 || len >= UINT32_MAX)
        return -1;
    size_t cap = t->cap;
    if (!ck__grow((void **)&t->offsets, &cap, t->count + 1, sizeof *t->offsets))
        return -1;
    cap = t->cap;
    if (!ck__grow((void **)&t->lengths, &cap, t->count + 1, sizeof *t->lengths))
        return -1;
    cap = t->cap;
    if (!ck__grow((void **)&t->hashes, &cap, t->count + 1, sizeof *t->hashes))
        return -1;
    t->cap = cap;
    if (!ck__grow((void **)&t->arena, &t->arena_cap, t->arena_len + len + 1, 1))
        return -1;
    memcpy(t->arena + t->arena_len, s, len);
    t->arena[t->arena_len + len] = '\0';
    t->offsets[t->count] = t->arena_len;
    t->lengths[t->count] = (uint32_t)len;
    t->hashes[t->count] = h;
    t->arena_len += len + 1;
    t->slots[slot] = (uint64_t)h << 32 | (t->count + 1);
    t->count++;
    /* keep the table at most half full so probes stay short */
    if (2 * t->count > t->n_slots && !rehash(t, 2 * t->n_slots)) {
        t->count--;
        t->slots[slot] = 0;
        return -1;
    }
    return (long)(t->count - 1);
}

const char *ck__intern_str(const ck__intern *t, size_t i)
{
    return t->arena + t->offsets[i];
}

void ck__intern_free(ck__intern *t)
{
    free(t->arena);
    free(t->offsets);
    free(t->lengths);
    free(t->hashes);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

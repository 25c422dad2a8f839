/* Block-partitioned parallel for on POSIX threads (see parallel.h). */
#include "base/parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct block {
    size_t lo, hi;
    ck__range_fn fn;
    void *ctx;
    int result;
    bool started; /* runs on its own thread, to be joined */
    pthread_t thread;
} block;

static void *run_block(void *arg)
{
    block *b = arg;
    b->result = b->fn(b->lo, b->hi, b->ctx);
    return NULL;
}

int ck__parallel_for(size_t n, size_t grain, int n_threads, ck__range_fn fn, void *ctx)
{
    size_t workers = n_threads < 1 ? 1 : (size_t)n_threads;
    if (grain > 0 && workers > n / grain) /* too little work for that many threads */
        workers = n / grain > 0 ? n / grain : 1;
    block *blocks = workers > 1 ? calloc(workers, sizeof *blocks) : NULL;
    if (blocks == NULL)
        return fn(0, n, ctx);
    for (size_t w = 0; w < workers; w++) {
        blocks[w] =
            (block){ .lo = n * w / workers, .hi = n * (w + 1) / workers, .fn = fn, .ctx = ctx };
        /* block 0 runs on the calling thread; a thread that cannot start runs inline */
        if (w > 0)
            blocks[w].started = pthread_create(&blocks[w].thread, NULL, run_block, &blocks[w]) == 0;
        if (w > 0 && !blocks[w].started)
            run_block(&blocks[w]);
    }
    run_block(&blocks[0]);
    int result = 0;
    for (size_t w = 0; w < workers; w++) {
        if (blocks[w].started)
            pthread_join(blocks[w].thread, NULL);
        if (result == 0)
            result = blocks[w].result;
    }
    free(blocks);
    return result;
}

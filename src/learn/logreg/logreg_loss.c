/*
 * The logistic-regression objective, its gradient and Hessian, over row blocks (see
 * logreg_int.h and logreg.h for the objective).
 *
 *     f(β) = C Σᵢ wᵢ ℓᵢ + ½‖β‖²,   ℓᵢ = log(1 + e^{zᵢ}) − yᵢ zᵢ,   z = Xβ,
 *     ∇f = C Xᵀ (w ∘ (σ(z) − y)) + β,    ∇²f = C Xᵀ D X + I,   D = diag(wᵢ σᵢ (1 − σᵢ)).
 *
 * Rows are cut into blocks of BLOCK_ROWS, whose design rows are made from the dataset
 * (ck__logreg_block) into a scratch block that stays in cache for the BLAS calls on it: one
 * dgemv for z and one for Xᵀr (level 2), and for the Hessian a dsyrk on the block's rows
 * scaled by √dᵢ (level 3). Blocks are grouped into at most MAX_CHUNKS chunks, fixed by the
 * number of rows and columns only; each chunk sums its blocks in order into its own
 * partial sums, the chunks run on the threads, and the partial sums are then added in
 * chunk order. The order of every floating-point addition is thus fixed by the data, and
 * the result is the same bit for bit for any thread count.
 *
 * ℓ and σ without overflow at any z: with e = e^{−|z|} ∈ (0, 1],
 *     log(1 + e^z) = max(z, 0) + log1p(e),   σ(z) = 1/(1 + e) for z ≥ 0, e/(1 + e) below,
 * so e^{|z|} is never formed (the usual stable forms; e.g. Mächler, "Accurately computing
 * log(1 − exp(−|a|))", R package Rmpfr vignette, 2012, for log1p).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/blas.h"
#include "base/parallel.h"
#include "base/util.h"
#include "learn/logreg/logreg_int.h"

#define BLOCK_ROWS CK__LR_BLOCK_ROWS
#define MAX_CHUNKS 64
/* The chunks' partial Hessians together stay under this many bytes. */
#define HESS_BUDGET ((size_t)64 << 20)

static void block_range(const ck__lr_problem *pb, size_t b, size_t *lo, size_t *hi)
{
    *lo = b * BLOCK_ROWS;
    *hi = *lo + BLOCK_ROWS < pb->n ? *lo + BLOCK_ROWS : pb->n;
}

static void chunk_blocks(const ck__lr_problem *pb, size_t c, size_t *first, size_t *last)
{
    *first = pb->n_blocks * c / pb->n_chunks;
    *last = pb->n_blocks * (c + 1) / pb->n_chunks;
}

int ck__lr_problem_init(ck__lr_problem *pb, const ck_logreg *m, const ck_dataset *d, double C,
                        double pos_weight, int n_threads, ck_error *err)
{
    memset(pb, 0, sizeof *pb);
    size_t p = m->n_columns;
    pb->n = ck_dataset_n_rows(d);
    pb->p = p;
    pb->m = m;
    pb->d = d;
    pb->y = ck_dataset_labels(d);
    pb->row_w = ck_dataset_weights(d);
    pb->C = C;
    pb->pos_weight = pos_weight;
    pb->n_threads = n_threads;
    pb->n_blocks = (pb->n + BLOCK_ROWS - 1) / BLOCK_ROWS;
    /* sizes that overflow leave the arrays NULL, refused below as out of memory */
    size_t hess_bytes, sums = 0, block_items = 0;
    bool sized = ck__mul_size(&hess_bytes, p, p) &&
                 ck__mul_size(&hess_bytes, hess_bytes, sizeof(double)) && hess_bytes > 0;
    size_t by_memory = sized ? HESS_BUDGET / hess_bytes : 0;
    size_t n_chunks = pb->n_blocks < MAX_CHUNKS ? pb->n_blocks : MAX_CHUNKS;
    n_chunks = n_chunks < by_memory ? n_chunks : by_memory;
    pb->n_chunks = n_chunks > 0 ? n_chunks : 1;
    if (ck__mul_size(&sums, pb->n_chunks, 1 + p))
        pb->chunk_sums = calloc(sums, sizeof *pb->chunk_sums);
    /* a chunk is worked on by one thread at a time, so its scratch block is its own */
    if (ck__mul_size(&block_items, pb->n_chunks * BLOCK_ROWS, p))
        pb->blocks = ck__alloc_array(block_items, sizeof *pb->blocks);
    if (pb->chunk_sums == NULL || pb->blocks == NULL) {
        ck__lr_problem_free(pb);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    return CK_OK;
}

void ck__lr_problem_free(ck__lr_problem *pb)
{
    free(pb->chunk_sums);
    free(pb->chunk_hess);
    free(pb->blocks);
    memset(pb, 0, sizeof *pb);
}

/* ---- loss and gradient -------------------------------------------------------------- */

typedef struct eval_job {
    ck__lr_problem *pb;
    const double *beta;
    double *z;     /* n, or NULL */
    bool gradient; /* also Xᵀr */
} eval_job;

static int eval_chunks(size_t c_lo, size_t c_hi, void *arg)
{
    const eval_job *job = arg;
    const ck__lr_problem *pb = job->pb;
    size_t p = pb->p;
    double zb[BLOCK_ROWS], rb[BLOCK_ROWS];
    for (size_t c = c_lo; c < c_hi; c++) {
        double *xb = pb->blocks + c * BLOCK_ROWS * p;
        double *sums = pb->chunk_sums + c * (1 + p);
        memset(sums, 0, (1 + p) * sizeof *sums);
        size_t first, last;
        chunk_blocks(pb, c, &first, &last);
        for (size_t b = first; b < last; b++) {
            size_t lo, hi;
            block_range(pb, b, &lo, &hi);
            ck__logreg_block(pb->m, pb->d, lo, hi, xb);
            double *z = job->z ? job->z + lo : zb;
            ck__blas_gemv(hi - lo, p, xb, p, job->beta, z);
            double loss = 0;
            for (size_t i = lo; i < hi; i++) {
                double zi = z[i - lo], y = pb->y[i];
                double w = ck__logreg_row_weight(pb->row_w, pb->y, i, pb->pos_weight);
                double e = exp(-fabs(zi));
                loss += w * ((zi > 0 ? zi : 0) + log1p(e) - y * zi);
                double sigma = zi >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
                rb[i - lo] = w * (sigma - y);
            }
            sums[0] += loss;
            if (job->gradient)
                ck__blas_gemv_t_add(hi - lo, p, xb, p, rb, sums + 1);
        }
    }
    return 0;
}

/* Run the pass and add the chunks' loss sums (returned) and gradients (into grad). */
static double run_eval(ck__lr_problem *pb, const double *beta, double *grad, double *z)
{
    eval_job job = { pb, beta, z, grad != NULL };
    ck__parallel_for(pb->n_chunks, 1, pb->n_threads, eval_chunks, &job);
    size_t p = pb->p;
    double loss = 0;
    if (grad)
        memset(grad, 0, p * sizeof *grad);
    for (size_t c = 0; c < pb->n_chunks; c++) {
        const double *sums = pb->chunk_sums + c * (1 + p);
        loss += sums[0];
        for (size_t k = 0; grad && k < p; k++)
            grad[k] += sums[1 + k];
    }
    return loss;
}

double ck__lr_eval(ck__lr_problem *pb, const double *beta, double *grad, double *z)
{
    size_t p = pb->p;
    double loss = run_eval(pb, beta, grad, z);
    for (size_t k = 0; grad && k < p; k++)
        grad[k] = pb->C * grad[k] + beta[k];
    double norm = ck__lr_norm(beta, p);
    return pb->C * loss + 0.5 * norm * norm;
}

double ck__lr_loss(ck__lr_problem *pb, const double *beta, double *z)
{
    return run_eval(pb, beta, NULL, z);
}

/* ---- Hessian ------------------------------------------------------------------------ */

typedef struct hess_job {
    ck__lr_problem *pb;
    const double *z;
    size_t stride;
} hess_job;

static int hess_chunks(size_t c_lo, size_t c_hi, void *arg)
{
    const hess_job *job = arg;
    const ck__lr_problem *pb = job->pb;
    size_t p = pb->p;
    for (size_t c = c_lo; c < c_hi; c++) {
        double *xb = pb->blocks + c * BLOCK_ROWS * p;
        double *h = pb->chunk_hess + c * p * p;
        memset(h, 0, p * p * sizeof *h);
        size_t first, last;
        chunk_blocks(pb, c, &first, &last);
        for (size_t b = first; b < last; b++) {
            if (b % job->stride != 0)
                continue;
            size_t lo, hi;
            block_range(pb, b, &lo, &hi);
            ck__logreg_block(pb->m, pb->d, lo, hi, xb);
            /* the rows scaled by √dᵢ: dsyrk then sums dᵢ xᵢ xᵢᵀ */
            for (size_t i = lo; i < hi; i++) {
                double zi = job->z[i], e = exp(-fabs(zi));
                double sigma = 1.0 / (1.0 + e); /* σ(|z|): σ(1 − σ) is even in z */
                double w = ck__logreg_row_weight(pb->row_w, pb->y, i, pb->pos_weight);
                double s = sqrt(w * sigma * (1.0 - sigma));
                double *x = xb + (i - lo) * p;
                for (size_t k = 0; k < p; k++)
                    x[k] *= s;
            }
            ck__blas_syrk_t_add(hi - lo, p, xb, p, h);
        }
    }
    return 0;
}

int ck__lr_hessian(ck__lr_problem *pb, const double *z, size_t stride, double *h, ck_error *err)
{
    size_t p = pb->p;
    size_t hess_items;
    if (pb->chunk_hess == NULL) {
        if (ck__mul_size(&hess_items, p, p) && ck__mul_size(&hess_items, hess_items, pb->n_chunks))
            pb->chunk_hess = ck__alloc_array(hess_items, sizeof *pb->chunk_hess);
        if (pb->chunk_hess == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    stride = stride > 0 ? stride : 1;
    hess_job job = { pb, z, stride };
    ck__parallel_for(pb->n_chunks, 1, pb->n_threads, hess_chunks, &job);
    /* rows in the sample: every stride-th block, the last one possibly short */
    size_t sampled = 0;
    for (size_t b = 0; b < pb->n_blocks; b += stride) {
        size_t lo, hi;
        block_range(pb, b, &lo, &hi);
        sampled += hi - lo;
    }
    double scale = pb->C * ((double)pb->n / (double)(sampled ? sampled : 1));
    memset(h, 0, p * p * sizeof *h);
    for (size_t c = 0; c < pb->n_chunks; c++) {
        const double *hc = pb->chunk_hess + c * p * p;
        for (size_t r = 0; r < p; r++)
            for (size_t k = 0; k <= r; k++)
                h[r * p + k] += hc[r * p + k];
    }
    for (size_t r = 0; r < p; r++) {
        for (size_t k = 0; k < r; k++) {
            h[r * p + k] *= scale;
            h[k * p + r] = h[r * p + k];
        }
        h[r * p + r] = h[r * p + r] * scale + 1.0;
    }
    return CK_OK;
}

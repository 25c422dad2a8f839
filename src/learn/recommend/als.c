/*
 * Implicit-feedback alternating least squares (Hu, Koren & Volinsky, "Collaborative
 * Filtering for Implicit Feedback Datasets", ICDM 2008; HKV).
 *
 * Data layout. The interactions come as CSR rows of users (ck_interactions); the fit
 * builds the transpose once (items × users, users ascending) so that the item half-step
 * reads its rows the same way. Factors are row-major: X n_users × k, Y n_items × k.
 *
 * A half-step (HKV section 4, eq. 4 and the speed-up after it). With Y fixed, user u's
 * factors solve
 *     (YᵀY + Yᵀ(C_u − I)Y + λI) x_u = Yᵀ C_u p(u),
 * where C_u − I and p(u) are zero outside u's own items, so
 *     A_u = YᵀY + Σ_{i in u} α w_ui y_i y_iᵀ + λI,    b_u = Σ_{i in u} (1 + α w_ui) y_i.
 * YᵀY is computed once per half-step (ck__als_gram); the correction is a rank-n_u update
 * done by dsyrk on the rows √(α w_ui) y_i gathered into per-worker scratch in chunks of
 * CHUNK rows, so no row allocates; A_u is then solved by Cholesky (dpotrf + dpotrs).
 * Cost per row O(n_u k² + k³). Items are the same with X fixed and the transpose.
 *
 * The conjugate-gradient half-step (Takács, Pilászy & Tikk, "Applications of the
 * conjugate gradient method for implicit feedback collaborative filtering", RecSys 2011,
 * section 3). The same system A_u x_u = b_u, but never formed: each row starts from its
 * factors of the previous sweep (zero before the first) and takes a fixed number of CG
 * steps, each needing one product
 *     A_u p = (YᵀY + λI) p + Σ_{i in u} α w_ui (y_iᵀ p) y_i,
 * O(k² + n_u k): a k × k dgemv with the shared YᵀY + λI, then t = Z p and Zᵀ (αw ⊙ t) with
 * Z the row's fixed factors gathered once into per-worker scratch (rows past the scratch's
 * capacity are gathered again, chunk by chunk, for each product). CG minimises the
 * quadratic ½ xᵀA_u x − b_uᵀx over a growing Krylov space, so each step can only lower the
 * objective of the half-step, and k steps give A_u⁻¹ b_u up to rounding. A row stops early
 * only at an exact zero residual or a non-positive curvature pᵀA_u p (the empty row from
 * zero, or a converged one). Cost per row O(steps (n_u k + k²)).
 *
 * Determinism. Every row's solve reads only the shared fixed factors and the Gram matrix
 * and writes only its own output row, and BLAS runs single-threaded on each worker, so a
 * row's bits do not depend on which thread solves it. Rows are visited in a fixed
 * permutation (p → p·s mod n, s coprime to n) so that the contiguous blocks of
 * ck__parallel_for get a similar mix of light and heavy rows (popular items are often
 * numbered first); the permutation changes only who computes a row, not its value. Sums
 * across rows (the Gram matrix, the objective) run over fixed blocks of rows whose partial
 * sums are added in block order.
 *
 * The objective. Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² over all pairs is, per user,
 *     Σ_i (x_uᵀ y_i)² + Σ_{i in u} [c_ui (1 − x_uᵀ y_i)² − (x_uᵀ y_i)²]
 *     = x_uᵀ (YᵀY) x_u + Σ_{i in u} [c_ui (1 − s_ui)² − s_ui²],   s_ui = x_uᵀ y_i,
 * O(n_u k + k²) per user, plus λ (‖X‖² + ‖Y‖²).
 */
/* madvise(MADV_HUGEPAGE) is Linux's, beyond POSIX */
#define _DEFAULT_SOURCE
#include "churnkit/als.h"

#include <assert.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "base/blas.h"
#include "base/parallel.h"
#include "base/rng.h"
#include "base/util.h"
#include "learn/recommend/als_int.h"

/* Rows of √(α w) f gathered per dsyrk call: bounds the scratch (CHUNK × k doubles) while
 * keeping each call large enough for the kernel to run at speed. */
#define CHUNK 256
/* Rows per block of the Gram and objective sums: fixed, so the sums do not depend on the
 * thread count; large enough that a block is worth a task. */
#define SUM_BLOCK   ((size_t)65536)
#define MAX_FACTORS 1024

/* Scratch aligned to a cache line, so that the BLAS kernels see the same alignment on
 * every worker (their results could otherwise differ in the last bit between aligned and
 * unaligned peels). */
static double *alloc_scratch(size_t n)
{
    size_t bytes;
    if (!ck__mul_size(&bytes, n, sizeof(double)))
        return NULL;
    bytes = (bytes + 63) / 64 * 64;
    return aligned_alloc(64, bytes != 0 ? bytes : 64);
}

/* Rows of the fixed factors are read in the order of a row's columns, all over memory
 * (the user factors of a 1M-user matrix are 512 MB): fetching the row PREFETCH columns
 * ahead hides most of that latency, which otherwise dominates the light rows. */
#define PREFETCH 4

static inline void prefetch_row(const double *f, size_t k)
{
#if defined(__GNUC__)
    for (size_t d = 0; d < k; d += 8)
        __builtin_prefetch(f + d, 0, 1);
#else
    (void)f;
    (void)k;
#endif
}

/* Solve one row (see the top of the file): x = A⁻¹ b for the n items cols/w. a is k × k
 * and z CHUNK × k scratch. One pass over the row's fixed factors gathers both b and the
 * rows √(α w) f of the rank-n update. Returns 0, or non-zero when A is not positive
 * definite. */
static int solve_row(const double *gram, const double *fixed, size_t k, double lambda, double alpha,
                     const uint32_t *cols, const float *w, size_t n, double *a, double *z,
                     double *x)
{
    memcpy(a, gram, k * k * sizeof *a);
    for (size_t d = 0; d < k; d++) {
        a[d * k + d] += lambda;
        x[d] = 0.0;
    }
    for (size_t j = 0; j < n && j < PREFETCH; j++)
        prefetch_row(fixed + (size_t)cols[j] * k, k);
    for (size_t j0 = 0; j0 < n; j0 += CHUNK) {
        size_t m = n - j0 < CHUNK ? n - j0 : CHUNK;
        for (size_t j = 0; j < m; j++) {
            if (j0 + j + PREFETCH < n)
                prefetch_row(fixed + (size_t)cols[j0 + j + PREFETCH] * k, k);
            const double *f = fixed + (size_t)cols[j0 + j] * k;
            double aw = alpha * (double)w[j0 + j], c = 1.0 + aw, s = sqrt(aw);
            double *zr = z + j * k;
            for (size_t d = 0; d < k; d++) {
                x[d] += c * f[d];
                zr[d] = s * f[d];
            }
        }
        if (alpha > 0)
            ck__blas_syrk_t_add(m, k, z, k, a);
    }
    if (alpha > 0) {
        /* dsyrk filled the lower triangle; the solver reads the upper one */
        for (size_t r = 0; r < k; r++)
            for (size_t c = r + 1; c < k; c++)
                a[r * k + c] = a[c * k + r];
    }
    return ck__blas_cholesky_solve(k, a, x);
}

/* A stride coprime to n near n/φ, so p → p·s mod n is a permutation that spreads
 * neighbouring rows apart; 1 (the identity) where p·s could overflow. */
static size_t spread_stride(size_t n)
{
    if (n < 3 || n > UINT32_MAX)
        return 1;
    size_t s = (size_t)((double)n * 0.6180339887498949) | 1;
    for (;; s++) {
        size_t a = n, b = s;
        while (b != 0) {
            size_t t = a % b;
            a = b;
            b = t;
        }
        if (a == 1)
            return s;
    }
}

typedef struct half_ctx {
    const ck_interactions *rows;
    const double *fixed, *gram;
    size_t k, stride;
    double lambda, alpha;
    double *out;
    atomic_size_t failed_row; /* the smallest row whose solve failed, or SIZE_MAX */
    atomic_int nomem;
} half_ctx;

static void note_failure(atomic_size_t *slot, size_t row)
{
    size_t cur = atomic_load(slot);
    while (row < cur && !atomic_compare_exchange_weak(slot, &cur, row))
        ;
}

static int half_block(size_t lo, size_t hi, void *arg)
{
    half_ctx *c = arg;
    const ck_interactions *x = c->rows;
    size_t k = c->k, n = x->n_users;
    double *a = alloc_scratch(k * k);
    double *z = alloc_scratch((size_t)CHUNK * k);
    if (a == NULL || z == NULL) {
        free(a);
        free(z);
        atomic_store(&c->nomem, 1);
        return 1;
    }
    int rc = 0;
    for (size_t p = lo; p < hi; p++) {
        size_t r = c->stride == 1 ? p : p * c->stride % n;
        size_t s = x->row_start[r], e = x->row_start[r + 1];
        if (solve_row(c->gram, c->fixed, k, c->lambda, c->alpha, x->items + s, x->weights + s,
                      e - s, a, z, c->out + r * k) != 0) {
            note_failure(&c->failed_row, r);
            rc = 1;
        }
    }
    free(z);
    free(a);
    return rc;
}

int ck__als_half_step(const ck_interactions *rows, const double *fixed, size_t n_fixed, int k,
                      double lambda, double alpha, int n_threads, double *out, ck_error *err)
{
    size_t kk = (size_t)k;
    double *gram = alloc_scratch(kk * kk);
    if (gram == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    int rc = ck__als_gram(n_fixed, k, fixed, n_threads, gram, err);
    if (rc < 0)
        goto done;
    half_ctx c = { .rows = rows,
                   .fixed = fixed,
                   .gram = gram,
                   .k = kk,
                   .stride = spread_stride(rows->n_users),
                   .lambda = lambda,
                   .alpha = alpha,
                   .out = out };
    atomic_init(&c.failed_row, SIZE_MAX);
    atomic_init(&c.nomem, 0);
    ck__blas_single_threaded();
    /* rows cost ~k³ flops each at least: 16 is plenty of work per thread */
    if (ck__parallel_for(rows->n_users, 16, n_threads, half_block, &c) != 0) {
        if (atomic_load(&c.nomem))
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        else
            rc = ck_error_set(err, CK_EINVAL, NULL, 0,
                              "als: row %zu: matrix not positive definite (non-finite factors?)",
                              atomic_load(&c.failed_row));
    }
done:
    free(gram);
    return rc;
}

/* Scratch of one worker for the CG rows: gl = YᵀY + λI (k × k, copied once per worker),
 * z (cap × k) the gathered fixed rows, cw (cap) their α w, t (cap), and r, p, q (k). */
typedef struct cg_scratch {
    double *gl, *z, *cw, *t, *r, *p, *q;
    const double **src; /* cap: the addresses of a batch's fixed rows */
    size_t cap;
} cg_scratch;

/* Fixed rows fetched ahead in a batch's gather (each k doubles). */
#define GATHER_AHEAD 8

/* Rows of Z kept gathered per worker: 4 MB whatever k, at least CHUNK rows. A longer row
 * is gathered again, in chunks of cap, for each product (only the most popular items). */
static size_t cg_capacity(size_t k)
{
    size_t cap = ((size_t)1 << 19) / k;
    return cap < CHUNK ? CHUNK : cap;
}

static void cg_scratch_free(cg_scratch *s)
{
    free(s->gl);
    free(s->z);
    free(s->cw);
    free(s->t);
    free(s->r);
    free(s->src);
}

static int cg_scratch_init(cg_scratch *s, const double *gram, size_t k, double lambda)
{
    memset(s, 0, sizeof *s);
    s->cap = cg_capacity(k);
    s->gl = alloc_scratch(k * k);
    s->z = alloc_scratch(s->cap * k);
    s->cw = alloc_scratch(s->cap);
    s->t = alloc_scratch(s->cap);
    s->r = alloc_scratch(3 * k + 16);
    s->src = ck__alloc_array(s->cap, sizeof *s->src);
    if (s->gl == NULL || s->z == NULL || s->cw == NULL || s->t == NULL || s->r == NULL ||
        s->src == NULL) {
        cg_scratch_free(s);
        return -1;
    }
    /* p and q each on their own cache line, as r */
    size_t stride = (k + 7) / 8 * 8;
    s->p = s->r + stride;
    s->q = s->p + stride;
    memcpy(s->gl, gram, k * k * sizeof *s->gl);
    for (size_t d = 0; d < k; d++)
        s->gl[d * k + d] += lambda;
    return 0;
}

/* Gather rows j0 .. j0 + m − 1 of the row's items into s->z and their α w into s->cw, from
 * scratch row `at` on; when b is not NULL, add Σ (1 + α w) f to it (summed in item order). */
static void cg_gather(cg_scratch *s, const double *fixed, size_t k, double alpha,
                      const uint32_t *cols, const float *w, size_t j0, size_t m, size_t n,
                      size_t at, double *b)
{
    for (size_t j = 0; j < m && j0 + j < n && j < PREFETCH; j++)
        prefetch_row(fixed + (size_t)cols[j0 + j] * k, k);
    for (size_t j = 0; j < m; j++) {
        if (j + PREFETCH < m)
            prefetch_row(fixed + (size_t)cols[j0 + j + PREFETCH] * k, k);
        const double *f = fixed + (size_t)cols[j0 + j] * k;
        double *zr = s->z + (at + j) * k;
        double aw = alpha * (double)w[j0 + j];
        s->cw[at + j] = aw;
        memcpy(zr, f, k * sizeof *zr);
        if (b != NULL) {
            double c = 1.0 + aw;
            for (size_t d = 0; d < k; d++)
                b[d] += c * f[d];
        }
    }
}

/* q += Σ_j cw_j (z_jᵀ v) z_j over the n rows of z (row stride k), t scratch of n: two
 * dgemv calls (t = Z v, then q += Zᵀ (cw ⊙ t)); faster here, even at a few dozen rows,
 * than a loop compiled for the baseline instruction set. */
static void sparse_add(const double *z, const double *cw, size_t n, size_t k, const double *v,
                       double *t, double *q)
{
    if (n == 0)
        return;
    ck__blas_gemv(n, k, z, k, v, t);
    for (size_t j = 0; j < n; j++)
        t[j] *= cw[j];
    ck__blas_gemv_t_add(n, k, z, k, t, q);
}

/* q = A v = (YᵀY + λI) v + Σ_j α w_j (z_jᵀ v) z_j for the row's n items (see the top of the
 * file). When the row fits the scratch (n ≤ cap) its rows are already in s->z. */
static void cg_apply(cg_scratch *s, const double *fixed, size_t k, double alpha,
                     const uint32_t *cols, const float *w, size_t n, const double *v, double *q)
{
    ck__blas_gemv(k, k, s->gl, k, v, q);
    if (alpha == 0)
        return;
    for (size_t j0 = 0; j0 < n; j0 += s->cap) {
        size_t m = n - j0 < s->cap ? n - j0 : s->cap;
        if (n > s->cap)
            cg_gather(s, fixed, k, alpha, cols, w, j0, m, n, 0, NULL);
        sparse_add(s->z, s->cw, m, k, v, s->t, q);
    }
}

static double dot(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* `steps` CG steps on A x = b for one row (see the top of the file), from x as it is. */
static void cg_row(cg_scratch *s, const double *fixed, size_t k, double alpha, const uint32_t *cols,
                   const float *w, size_t n, int steps, double *x)
{
    double *r = s->r, *p = s->p, *q = s->q;
    for (size_t d = 0; d < k; d++)
        r[d] = 0.0;
    if (n <= s->cap) {
        cg_gather(s, fixed, k, alpha, cols, w, 0, n, n, 0, r);
    } else {
        for (size_t j0 = 0; j0 < n; j0 += s->cap) {
            size_t m = n - j0 < s->cap ? n - j0 : s->cap;
            cg_gather(s, fixed, k, alpha, cols, w, j0, m, n, 0, r);
        }
    }
    /* r = b − A x, p = r */
    cg_apply(s, fixed, k, alpha, cols, w, n, x, q);
    for (size_t d = 0; d < k; d++) {
        r[d] -= q[d];
        p[d] = r[d];
    }
    double rs = dot(k, r, r);
    for (int it = 0; it < steps && rs > 0; it++) {
        cg_apply(s, fixed, k, alpha, cols, w, n, p, q);
        double pq = dot(k, p, q);
        if (!(pq > 0))
            break;
        double a = rs / pq;
        for (size_t d = 0; d < k; d++) {
            x[d] += a * p[d];
            r[d] -= a * q[d];
        }
        double rs_next = dot(k, r, r), beta = rs_next / rs;
        for (size_t d = 0; d < k; d++)
            p[d] = r[d] + beta * p[d];
        rs = rs_next;
    }
}

/* Rows per lockstep batch, and the longest row batched: a batch's products with
 * YᵀY + λI are one dgemm (up to BATCH × k by k × k) instead of one dgemv per row that
 * streams the k × k matrix from L2, which dominated the short rows. A batch is the short
 * rows among BATCH consecutive positions of the visiting order, cut where their gathered
 * rows would overflow the scratch: fixed by the data, whatever the thread count, so a
 * row's bits do not depend on it. Longer rows (where the O(n_u k) part dominates anyway)
 * go one at a time. */
#define BATCH     32
#define SHORT_ROW 256

typedef struct cg_batch {
    double *x, *r, *p, *q; /* BATCH × k each */
    double rs[BATCH];
    size_t row[BATCH], n[BATCH], zoff[BATCH];
    bool active[BATCH];
} cg_batch;

/* q_i += Σ_j α w_j (z_jᵀ v_i) z_j for the batched row i (its rows gathered at zoff). */
static void cg_sparse_add(cg_scratch *s, size_t k, size_t n, size_t zoff, const double *v,
                          double *q)
{
    sparse_add(s->z + zoff * k, s->cw + zoff, n, k, v, s->t, q);
}

/* CG on the short rows of one batch in lockstep: the same steps as cg_row(), row by row,
 * except that the products with YᵀY + λI of all the batch's rows are one dgemm. */
static void cg_batch_rows(cg_scratch *s, cg_batch *bt, size_t m, const ck_interactions *x,
                          const double *fixed, size_t k, double alpha, int steps, double *out)
{
    /* the addresses of all the batch's fixed rows first, so that the gather can fetch
     * GATHER_AHEAD rows ahead across the rows of the batch: these reads all over memory
     * are most of a short row's cost */
    size_t zn = 0;
    for (size_t i = 0; i < m; i++) {
        size_t b = x->row_start[bt->row[i]];
        bt->zoff[i] = zn;
        for (size_t j = 0; j < bt->n[i]; j++) {
            s->src[zn + j] = fixed + (size_t)x->items[b + j] * k;
            s->cw[zn + j] = alpha * (double)x->weights[b + j];
        }
        zn += bt->n[i];
    }
    for (size_t j = 0; j < zn && j < GATHER_AHEAD; j++)
        prefetch_row(s->src[j], k);
    for (size_t i = 0; i < m; i++) {
        double *r = bt->r + i * k;
        for (size_t d = 0; d < k; d++)
            r[d] = 0.0;
        for (size_t j = bt->zoff[i]; j < bt->zoff[i] + bt->n[i]; j++) {
            if (j + GATHER_AHEAD < zn)
                prefetch_row(s->src[j + GATHER_AHEAD], k);
            const double *f = s->src[j];
            double *zr = s->z + j * k, c = 1.0 + s->cw[j];
            for (size_t d = 0; d < k; d++) {
                zr[d] = f[d];
                r[d] += c * f[d];
            }
        }
        memcpy(bt->x + i * k, out + bt->row[i] * k, k * sizeof *bt->x);
    }
    /* r = b − A x, p = r */
    ck__blas_gemm_nt(m, k, k, 1.0, bt->x, k, s->gl, k, 0.0, bt->q, k);
    for (size_t i = 0; i < m; i++) {
        double *r = bt->r + i * k, *p = bt->p + i * k, *q = bt->q + i * k;
        if (alpha != 0)
            cg_sparse_add(s, k, bt->n[i], bt->zoff[i], bt->x + i * k, q);
        for (size_t d = 0; d < k; d++) {
            r[d] -= q[d];
            p[d] = r[d];
        }
        bt->rs[i] = dot(k, r, r);
        bt->active[i] = bt->rs[i] > 0;
    }
    for (int it = 0; it < steps; it++) {
        ck__blas_gemm_nt(m, k, k, 1.0, bt->p, k, s->gl, k, 0.0, bt->q, k);
        bool any = false;
        for (size_t i = 0; i < m; i++) {
            if (!bt->active[i])
                continue;
            double *xi = bt->x + i * k, *r = bt->r + i * k, *p = bt->p + i * k, *q = bt->q + i * k;
            if (alpha != 0)
                cg_sparse_add(s, k, bt->n[i], bt->zoff[i], p, q);
            double pq = dot(k, p, q);
            if (!(pq > 0)) {
                bt->active[i] = false;
                continue;
            }
            double a = bt->rs[i] / pq;
            for (size_t d = 0; d < k; d++) {
                xi[d] += a * p[d];
                r[d] -= a * q[d];
            }
            double rs_next = dot(k, r, r), beta = rs_next / bt->rs[i];
            for (size_t d = 0; d < k; d++)
                p[d] = r[d] + beta * p[d];
            bt->rs[i] = rs_next;
            bt->active[i] = rs_next > 0;
            any |= bt->active[i];
        }
        if (!any)
            break;
    }
    for (size_t i = 0; i < m; i++)
        memcpy(out + bt->row[i] * k, bt->x + i * k, k * sizeof *bt->x);
}

typedef struct cg_ctx {
    const ck_interactions *rows;
    const double *fixed, *gram;
    size_t k, stride;
    double lambda, alpha;
    int steps;
    double *out;
    atomic_int nomem;
} cg_ctx;

/* Batches lo .. hi − 1: positions [BATCH b, BATCH (b + 1)) of the visiting order. */
static int cg_block(size_t lo, size_t hi, void *arg)
{
    cg_ctx *c = arg;
    const ck_interactions *x = c->rows;
    size_t k = c->k, n = x->n_users;
    cg_scratch s;
    cg_batch bt;
    bt.x = alloc_scratch(4 * BATCH * k);
    if (bt.x == NULL || cg_scratch_init(&s, c->gram, k, c->lambda) != 0) {
        free(bt.x);
        atomic_store(&c->nomem, 1);
        return 1;
    }
    bt.r = bt.x + BATCH * k;
    bt.p = bt.r + BATCH * k;
    bt.q = bt.p + BATCH * k;
    for (size_t b = lo; b < hi; b++) {
        size_t p1 = (b + 1) * BATCH < n ? (b + 1) * BATCH : n, m = 0, zn = 0;
        for (size_t p = b * BATCH; p < p1; p++) {
            size_t r = c->stride == 1 ? p : p * c->stride % n;
            size_t s0 = x->row_start[r], len = x->row_start[r + 1] - s0;
            if (len <= SHORT_ROW) {
                if (zn + len > s.cap) {
                    cg_batch_rows(&s, &bt, m, x, c->fixed, k, c->alpha, c->steps, c->out);
                    m = zn = 0;
                }
                bt.row[m] = r;
                bt.n[m++] = len;
                zn += len;
            } else {
                cg_row(&s, c->fixed, k, c->alpha, x->items + s0, x->weights + s0, len, c->steps,
                       c->out + r * k);
            }
        }
        if (m > 0)
            cg_batch_rows(&s, &bt, m, x, c->fixed, k, c->alpha, c->steps, c->out);
    }
    cg_scratch_free(&s);
    free(bt.x);
    return 0;
}

int ck__als_half_step_cg(const ck_interactions *rows, const double *fixed, size_t n_fixed, int k,
                         double lambda, double alpha, int steps, int n_threads, double *out,
                         ck_error *err)
{
    size_t kk = (size_t)k;
    double *gram = alloc_scratch(kk * kk);
    if (gram == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    int rc = ck__als_gram(n_fixed, k, fixed, n_threads, gram, err);
    if (rc < 0)
        goto done;
    cg_ctx c = { .rows = rows,
                 .fixed = fixed,
                 .gram = gram,
                 .k = kk,
                 .stride = spread_stride(rows->n_users),
                 .lambda = lambda,
                 .alpha = alpha,
                 .steps = steps,
                 .out = out };
    atomic_init(&c.nomem, 0);
    ck__blas_single_threaded();
    if (ck__parallel_for((rows->n_users + BATCH - 1) / BATCH, 4, n_threads, cg_block, &c) != 0)
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
done:
    free(gram);
    return rc;
}

typedef struct gram_ctx {
    size_t n, k;
    const double *f;
    double *partial; /* one k × k per block */
} gram_ctx;

static int gram_block(size_t lo, size_t hi, void *arg)
{
    gram_ctx *c = arg;
    for (size_t b = lo; b < hi; b++) {
        size_t r0 = b * SUM_BLOCK, m = c->n - r0 < SUM_BLOCK ? c->n - r0 : SUM_BLOCK;
        ck__blas_gram(m, c->k, c->f + r0 * c->k, c->k, c->partial + b * c->k * c->k);
    }
    return 0;
}

int ck__als_gram(size_t n, int k, const double *f, int n_threads, double *gram, ck_error *err)
{
    size_t kk = (size_t)k * (size_t)k;
    size_t blocks = (n + SUM_BLOCK - 1) / SUM_BLOCK;
    if (blocks <= 1) {
        ck__blas_single_threaded();
        ck__blas_gram(n, (size_t)k, f, (size_t)k, gram);
        return CK_OK;
    }
    size_t total;
    if (!ck__mul_size(&total, blocks, kk))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    double *partial = alloc_scratch(total);
    if (partial == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    gram_ctx c = { .n = n, .k = (size_t)k, .f = f, .partial = partial };
    ck__blas_single_threaded();
    ck__parallel_for(blocks, 1, n_threads, gram_block, &c);
    memcpy(gram, partial, kk * sizeof *gram);
    for (size_t b = 1; b < blocks; b++)
        for (size_t i = 0; i < kk; i++)
            gram[i] += partial[b * kk + i];
    free(partial);
    return CK_OK;
}

int ck__als_transpose(const ck_interactions *x, ck_interactions *t, size_t **row_start_out,
                      uint32_t **cols_out, float **weights_out, ck_error *err)
{
    *row_start_out = NULL;
    *cols_out = NULL;
    *weights_out = NULL;
    if (x->n_users > UINT32_MAX)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "als: %zu users, more than %u", x->n_users,
                            (unsigned)UINT32_MAX);
    size_t nnz = x->row_start[x->n_users];
    size_t *start = ck__alloc_array(x->n_items + 1, sizeof *start);
    uint32_t *cols = ck__alloc_array(nnz, sizeof *cols);
    float *w = ck__alloc_array(nnz, sizeof *w);
    if (start == NULL || cols == NULL || w == NULL) {
        free(start);
        free(cols);
        free(w);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    memset(start, 0, (x->n_items + 1) * sizeof *start);
    for (size_t j = 0; j < nnz; j++)
        start[x->items[j] + 1]++;
    for (size_t i = 0; i < x->n_items; i++)
        start[i + 1] += start[i];
    /* fill with start[i] as the cursor of item i, then shift back */
    for (size_t u = 0; u < x->n_users; u++) {
        for (size_t j = x->row_start[u]; j < x->row_start[u + 1]; j++) {
            size_t pos = start[x->items[j]]++;
            cols[pos] = (uint32_t)u;
            w[pos] = x->weights[j];
        }
    }
    for (size_t i = x->n_items; i > 0; i--)
        start[i] = start[i - 1];
    start[0] = 0;
    *t = (ck_interactions){ .n_users = x->n_items,
                            .n_items = x->n_users,
                            .row_start = start,
                            .items = cols,
                            .weights = w };
    *row_start_out = start;
    *cols_out = cols;
    *weights_out = w;
    return CK_OK;
}

typedef struct obj_ctx {
    const ck_interactions *x;
    const double *xf, *yf, *gram;
    size_t k;
    double alpha;
    double *partial; /* per block of SUM_BLOCK users */
    atomic_int nomem;
} obj_ctx;

static int obj_block(size_t lo, size_t hi, void *arg)
{
    obj_ctx *c = arg;
    size_t k = c->k;
    double *t = alloc_scratch(k);
    if (t == NULL) {
        atomic_store(&c->nomem, 1);
        return 1;
    }
    for (size_t b = lo; b < hi; b++) {
        size_t u0 = b * SUM_BLOCK,
               u1 = c->x->n_users - u0 < SUM_BLOCK ? c->x->n_users : u0 + SUM_BLOCK;
        double sum = 0.0;
        for (size_t u = u0; u < u1; u++) {
            const double *xu = c->xf + u * k;
            ck__blas_gemv(k, k, c->gram, k, xu, t);
            double term = ck__blas_dot(k, xu, t);
            for (size_t j = c->x->row_start[u]; j < c->x->row_start[u + 1]; j++) {
                double s = ck__blas_dot(k, xu, c->yf + (size_t)c->x->items[j] * k);
                double conf = 1.0 + c->alpha * (double)c->x->weights[j];
                term += conf * (1.0 - s) * (1.0 - s) - s * s;
            }
            sum += term;
        }
        c->partial[b] = sum;
    }
    free(t);
    return 0;
}

static double sum_squares(size_t n, const double *v)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return s;
}

double ck__als_objective(const ck_interactions *x, const double *user_factors,
                         const double *item_factors, int k, double lambda, double alpha,
                         int n_threads)
{
    size_t kk = (size_t)k;
    size_t blocks = (x->n_users + SUM_BLOCK - 1) / SUM_BLOCK;
    double *gram = alloc_scratch(kk * kk);
    double *partial = ck__alloc_array(blocks, sizeof *partial);
    double result = NAN;
    if (gram == NULL || partial == NULL)
        goto done;
    if (ck__als_gram(x->n_items, k, item_factors, n_threads, gram, NULL) < 0)
        goto done;
    obj_ctx c = { .x = x,
                  .xf = user_factors,
                  .yf = item_factors,
                  .gram = gram,
                  .k = kk,
                  .alpha = alpha,
                  .partial = partial };
    atomic_init(&c.nomem, 0);
    ck__blas_single_threaded();
    if (ck__parallel_for(blocks, 1, n_threads, obj_block, &c) != 0)
        goto done;
    double loss = 0.0;
    for (size_t b = 0; b < blocks; b++)
        loss += partial[b];
    result = loss + lambda * (sum_squares(x->n_users * kk, user_factors) +
                              sum_squares(x->n_items * kk, item_factors));
done:
    free(partial);
    free(gram);
    return result;
}

/* The factor matrices of a fit (n doubles; free with free()). Each half-step reads one
 * side's rows all over memory, one per interaction: with 4 KB pages most of those reads
 * also miss the TLB (the item factors of 50k items at k 64 are 6,400 pages). Where the
 * system allows it, matrices of 2 MB and more are asked for transparent huge pages
 * (Linux's madvise mode); measured: a CG sweep at 1M users x 50k items used ~20% less
 * CPU. Only speed depends on it: a refusal is ignored. */
static double *alloc_factors(size_t n)
{
    size_t bytes, huge = (size_t)2 << 20;
    if (!ck__mul_size(&bytes, n, sizeof(double)))
        return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= huge) {
        bytes = (bytes + huge - 1) / huge * huge;
        double *p = aligned_alloc(huge, bytes);
        if (p != NULL)
            (void)madvise(p, bytes, MADV_HUGEPAGE);
        return p;
    }
#else
    (void)huge;
#endif
    return malloc(bytes != 0 ? bytes : 1);
}

/* CK_OK when x is a well-formed matrix (rows ascending, items in range, weights positive
 * and finite) with at least one interaction. */
static int check_matrix(const ck_interactions *x, ck_error *err)
{
    if (x->n_users == 0 || x->n_items == 0 || x->row_start[x->n_users] == 0)
        return ck_error_set(
            err, CK_EINVAL, NULL, 0, "als: empty matrix (%zu users, %zu items, %zu interactions)",
            x->n_users, x->n_items, x->n_users ? x->row_start[x->n_users] : (size_t)0);
    if (x->n_users > UINT32_MAX)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "als: %zu users, more than %u", x->n_users,
                            (unsigned)UINT32_MAX);
    for (size_t u = 0; u < x->n_users; u++) {
        if (x->row_start[u + 1] < x->row_start[u])
            return ck_error_set(err, CK_EINVAL, NULL, 0, "als: user %zu: row ends before it starts",
                                u);
        for (size_t j = x->row_start[u]; j < x->row_start[u + 1]; j++) {
            if (x->items[j] >= x->n_items)
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "als: user %zu: item %u out of range (%zu items)", u,
                                    (unsigned)x->items[j], x->n_items);
            if (j > x->row_start[u] && x->items[j] <= x->items[j - 1])
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "als: user %zu: items not ascending at item %u", u,
                                    (unsigned)x->items[j]);
            if (!(x->weights[j] > 0) || !isfinite(x->weights[j]))
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "als: user %zu: item %u: weight %g not positive and finite", u,
                                    (unsigned)x->items[j], (double)x->weights[j]);
        }
    }
    return CK_OK;
}

static int check_params(const ck_als_params *p, ck_error *err)
{
    if (p->factors < 1 || p->factors > MAX_FACTORS)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "als: factors %d not in 1 to %d", p->factors,
                            MAX_FACTORS);
    if (!(p->regularization > 0) || !isfinite(p->regularization))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "als: regularization %g not positive",
                            p->regularization);
    if (!(p->alpha >= 0) || !isfinite(p->alpha))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "als: alpha %g negative or not finite",
                            p->alpha);
    if (p->iterations < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "als: iterations %d below 1", p->iterations);
    if (p->n_threads < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "als: threads %d below 1", p->n_threads);
    if (p->solver != CK_ALS_CHOLESKY && p->solver != CK_ALS_CG)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "als: solver %d not CK_ALS_CHOLESKY (0) or CK_ALS_CG (1)",
                            (int)p->solver);
    if (p->solver == CK_ALS_CG && p->cg_steps < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "als: cg_steps %d below 1", p->cg_steps);
    return CK_OK;
}

int ck_als_fit(ck_als **out, const ck_interactions *x, const ck_als_params *params,
               double *objective, ck_error *err)
{
    assert(out != NULL && x != NULL && params != NULL);
    *out = NULL;
    int rc;
    if ((rc = check_params(params, err)) < 0 || (rc = check_matrix(x, err)) < 0)
        return rc;
    size_t k = (size_t)params->factors, xn, yn;
    ck_interactions t;
    size_t *t_start = NULL;
    uint32_t *t_cols = NULL;
    float *t_w = NULL;
    ck_als *m = calloc(1, sizeof *m);
    if (m == NULL || !ck__mul_size(&xn, x->n_users, k) || !ck__mul_size(&yn, x->n_items, k)) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    m->n_users = x->n_users;
    m->n_items = x->n_items;
    m->factors = params->factors;
    m->regularization = params->regularization;
    m->alpha = params->alpha;
    m->user_factors = alloc_factors(xn);
    m->item_factors = alloc_factors(yn);
    if (m->user_factors == NULL || m->item_factors == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    if ((rc = ck__als_transpose(x, &t, &t_start, &t_cols, &t_w, err)) < 0)
        goto fail;
    /* small uniform start, |y| ≈ 0.06 per row whatever k: the first user half-step then
     * sees a well-conditioned YᵀY + λI dominated by λ */
    ck__rng rng;
    ck__rng_seed(&rng, params->seed, 0);
    double scale = 0.1 / sqrt((double)k);
    for (size_t i = 0; i < yn; i++)
        m->item_factors[i] = scale * (2.0 * ck__rng_uniform(&rng) - 1.0);
    /* CG starts each user row from its previous factors: zero before the first sweep */
    memset(m->user_factors, 0, xn * sizeof *m->user_factors);
    for (int it = 0; it < params->iterations; it++) {
        if (params->solver == CK_ALS_CG) {
            if ((rc = ck__als_half_step_cg(x, m->item_factors, x->n_items, params->factors,
                                           params->regularization, params->alpha, params->cg_steps,
                                           params->n_threads, m->user_factors, err)) < 0 ||
                (rc = ck__als_half_step_cg(&t, m->user_factors, x->n_users, params->factors,
                                           params->regularization, params->alpha, params->cg_steps,
                                           params->n_threads, m->item_factors, err)) < 0)
                goto fail;
        } else if ((rc = ck__als_half_step(x, m->item_factors, x->n_items, params->factors,
                                           params->regularization, params->alpha, params->n_threads,
                                           m->user_factors, err)) < 0 ||
                   (rc = ck__als_half_step(&t, m->user_factors, x->n_users, params->factors,
                                           params->regularization, params->alpha, params->n_threads,
                                           m->item_factors, err)) < 0) {
            goto fail;
        }
        if (objective != NULL) {
            objective[it] =
                ck__als_objective(x, m->user_factors, m->item_factors, params->factors,
                                  params->regularization, params->alpha, params->n_threads);
            if (isnan(objective[it])) {
                rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
                goto fail;
            }
        }
    }
    free(t_start);
    free(t_cols);
    free(t_w);
    *out = m;
    return CK_OK;
fail:
    free(t_start);
    free(t_cols);
    free(t_w);
    ck_als_free(m);
    return rc;
}

void ck_als_free(ck_als *m)
{
    if (m == NULL)
        return;
    free(m->user_factors);
    free(m->item_factors);
    free(m);
}

double ck_als_objective(const ck_als *m, const ck_interactions *x)
{
    assert(m != NULL && x != NULL);
    assert(x->n_users == m->n_users && x->n_items == m->n_items);
    return ck__als_objective(x, m->user_factors, m->item_factors, m->factors, m->regularization,
                             m->alpha, 1);
}

void ck_als_gram(const ck_als *m, double *gram)
{
    assert(m != NULL && gram != NULL);
    /* one thread gives the bits of any thread count (fixed blocks); only memory can fail,
     * and then the blockless path below still gives a valid, if differently rounded, sum */
    if (ck__als_gram(m->n_items, m->factors, m->item_factors, 1, gram, NULL) < 0) {
        ck__blas_single_threaded();
        ck__blas_gram(m->n_items, (size_t)m->factors, m->item_factors, (size_t)m->factors, gram);
    }
}

int ck_als_fold_in(const ck_als *m, const double *gram, const uint32_t *items, const float *weights,
                   size_t n, double *user, ck_error *err)
{
    assert(m != NULL && gram != NULL && user != NULL && (n == 0 || (items && weights)));
    for (size_t j = 0; j < n; j++) {
        if (items[j] >= m->n_items)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "als: item %u out of range (%zu items)",
                                (unsigned)items[j], m->n_items);
        if (j > 0 && items[j] <= items[j - 1])
            return ck_error_set(err, CK_EINVAL, NULL, 0, "als: items not ascending at item %u",
                                (unsigned)items[j]);
        if (!(weights[j] > 0) || !isfinite(weights[j]))
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "als: item %u: weight %g not positive and finite",
                                (unsigned)items[j], (double)weights[j]);
    }
    size_t k = (size_t)m->factors;
    double *a = alloc_scratch(k * k);
    double *z = alloc_scratch((size_t)CHUNK * k);
    int rc = CK_OK;
    if (a == NULL || z == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    ck__blas_single_threaded();
    if (solve_row(gram, m->item_factors, k, m->regularization, m->alpha, items, weights, n, a, z,
                  user) != 0)
        rc = ck_error_set(err, CK_EINVAL, NULL, 0,
                          "als: fold-in matrix not positive definite (non-finite factors?)");
done:
    free(z);
    free(a);
    return rc;
}

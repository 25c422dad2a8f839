/*
 * Training gradient-boosted stumps for log loss (see gbm.h); the model object is in
 * gbm_model.c, its scoring in gbm_score.c.
 *
 * Each round: gradients g = w(p − y) and hessians h = w p(1 − p) of every row; one
 * histogram of (Σg, Σh) per feature over its bins; for each feature the split with the
 * largest gain G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ) (Chen & Guestrin 2016, eq. 7),
 * missing values tried on both sides; the best feature's stump is added with leaf values
 * −η G/(H + λ), and the scores move by them.
 *
 * Histograms are built from quantised gradients (Shi et al., "Quantized Training of
 * Gradient Boosting Decision Trees", NeurIPS 2022): g and h are rounded stochastically
 * (unbiased) to small integers and packed into one 64-bit word, g in the high half and h
 * in the low half, so a bin update is a single integer add, and integer sums are exact
 * and independent of the order of addition, hence of the thread count. The quantisation
 * only chooses the split: the leaf values of the chosen split are then computed from the
 * exact gradients. Categorical levels are ordered by G/(H + λ) and split as a prefix of
 * that order against the rest (Fisher 1958; LightGBM's many-vs-many split).
 *
 * Histograms are kept per slot of the bins (bins.h): a byte holding the bins of two
 * features is counted once, and its histogram is then summed by each feature's bin into
 * that feature's own, exactly (integers), so pairing changes the cost, never the model.
 */
#include "churnkit/gbm.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/rng.h"
#include "base/util.h"
#include "churnkit/metrics.h"
#include "data/bins.h"
#include "learn/gbm/gbm_int.h"

/* Packed quantised gradient: g · 2³² + h, h ≥ 0. Sums of up to 2^31 / QMAX rows fit. */
typedef int64_t packed_gh;

static void unpack(packed_gh v, double *g, double *h)
{
    int64_t hq = v & 0xFFFFFFFF;
    *h = (double)hq;
    *g = (double)((v - hq) / 4294967296LL);
}

/* A counter-based uniform in [0, 1): splitmix64's mixer of (seed, round, row), so every
 * row's draw is fixed whatever thread computes it. */
static double uniform_at(uint64_t seed, uint64_t round, uint64_t row)
{
    uint64_t z = ck__mix64(seed ^ (round * 0xD1B54A32D192ED03ull) ^ (row * 0x9E3779B97F4A7C15ull));
    return (double)(z >> 11) * 0x1.0p-53;
}

typedef struct split {
    double gain;
    size_t feature;
    int threshold_bin;     /* numeric: bins <= this go left */
    uint8_t left_set[256]; /* categorical: 1 for bins going left */
    bool missing_left;
    bool valid;
} split;

/* Rows are cut into fixed blocks for sums of doubles, so that the order of addition, and
 * so every bit of the model, does not depend on the thread count. */
#define SUM_BLOCK 65536
/* Rows quantised at a time before their histogram updates: 32 KiB of packed values,
 * reread from L1 for each group of eight features. */
#define CHUNK 4096

typedef struct trainer {
    const ck_gbm_params *p;
    const ck__bins *bins;
    size_t n, n_features;
    int n_workers;
    const float *y;
    double *w;               /* row weights incl. pos_weight */
    double *odds;            /* e^(−logit) of each row: p = 1 / (1 + odds) */
    float *g, *h;            /* gradients this round (0 for rows left out); floats halve
                                the memory, and their sums are taken in double */
    double *g_max, *h_max;   /* per worker */
    double g_scale, h_scale; /* real value of one quantum */
    int qmax;
    uint32_t (*counts)[256];        /* rows per bin per feature (all training rows) */
    packed_gh (*hist)[256];         /* n_workers × 2 × (n_groups × 8) slot histograms */
    size_t hist_stride;             /* histograms per worker */
    packed_gh (*feature_hist)[256]; /* per feature, from the slots' */
    split *best;                    /* per feature */
    double *block_sums;             /* 4 per SUM_BLOCK */
    /* the stump of the previous round, applied while computing this round's gradients */
    bool has_update;
    size_t update_feature;
    double update_by_bin[256];
    double update_factor[256]; /* exp(−value) by the byte of the feature's slot: the odds
                                  move by a product, with no exp */
    const split *chosen;
    double chosen_left[256]; /* by the byte: 1 where the chosen split sends it left, else 0 */
    int round;
} trainer;

static void worker_range(const trainer *t, size_t k, size_t *lo, size_t *hi)
{
    *lo = t->n * k / (size_t)t->n_workers;
    *hi = t->n * (k + 1) / (size_t)t->n_workers;
}

/* Pass one: apply last round's stump, then this round's gradients and their maxima. No
 * branch on the data (the sign of g would mispredict), so the loop is vectorised. */
static int gradients(size_t first, size_t last, void *arg)
{
    trainer *t = arg;
    for (size_t k = first; k < last; k++) {
        size_t lo, hi;
        worker_range(t, k, &lo, &hi);
        if (t->has_update) {
            const uint8_t *bin = t->bins->data + ck__bin_offset(t->bins, t->update_feature, lo);
            for (size_t i = lo; i < hi; i++, bin += CK__GROUP)
                t->odds[i] *= t->update_factor[*bin];
        }
        /* the maxima of |g| and h taken on their bits: for floats ≥ 0 the order of the
         * bits is that of the values, and integer maxima vectorise where fmax() cannot */
        uint32_t g_max = 0, h_max = 0;
        for (size_t i = lo; i < hi; i++) {
            double prob = 1.0 / (1.0 + t->odds[i]);
            float g = (float)(t->w[i] * (prob - t->y[i]));
            float h = (float)(t->w[i] * prob * (1.0 - prob));
            t->g[i] = g;
            t->h[i] = h;
            uint32_t g_bits, h_bits;
            memcpy(&g_bits, &g, sizeof g_bits);
            memcpy(&h_bits, &h, sizeof h_bits);
            g_bits &= 0x7FFFFFFF;
            g_max = g_bits > g_max ? g_bits : g_max;
            h_max = h_bits > h_max ? h_bits : h_max;
        }
        float g_top, h_top;
        memcpy(&g_top, &g_max, sizeof g_top);
        memcpy(&h_top, &h_max, sizeof h_top);
        t->g_max[k] = g_top;
        t->h_max[k] = h_top;
        /* rows not drawn this round weigh nothing (the maxima above include them: a scale
         * at most slightly coarser than the drawn rows' own) */
        if (t->p->subsample < 1.0)
            for (size_t i = lo; i < hi; i++)
                if (uniform_at(t->p->seed, 2 * (uint64_t)t->round, i) >= t->p->subsample)
                    t->g[i] = t->h[i] = 0;
    }
    return 0;
}

/* Stochastic rounding, E[q] = x / scale, packed as g · 2³² + h. The dither of row i is
 * frac(o + i φ) on 32 bits, a Weyl sequence from an offset o hashed from (seed, round):
 * uniform for every row over the rounds, so unbiased; evenly spread over the rows within
 * a round, so a bin's rounding errors tend to cancel; and free of 64-bit multiplies, so
 * the loop is vectorised. */
static void quantise(const trainer *t, size_t lo, size_t hi, packed_gh *out)
{
    const uint32_t golden = 0x9E3779B9u; /* 2³² / φ */
    uint64_t round_hash =
        ck__mix64(t->p->seed ^ (0xD1B54A32D192ED03ull * (2 * (uint64_t)t->round + 1)));
    uint32_t first = (uint32_t)(round_hash >> 32) + golden * (uint32_t)lo;
    double gs = 1.0 / t->g_scale, hs = 1.0 / t->h_scale, qmax = t->qmax;
    /* floor(x) as a truncation of x + qmax once x is clamped to [−qmax, qmax] */
    const float *g = t->g + lo, *h = t->h + lo;
    size_t n = hi - lo;
    for (size_t i = 0; i < n; i++) {
        /* the draw's top 31 bits: a signed integer's conversion, which SSE2 has */
        double u = (int32_t)((first + golden * (uint32_t)i) >> 1) * 0x1.0p-31;
        double gx = g[i] * gs + u, hx = h[i] * hs + u;
        gx = gx > qmax ? qmax : gx < -qmax ? -qmax : gx;
        hx = hx > qmax ? qmax : hx;
        int32_t gq = (int32_t)(gx + qmax) - t->qmax, hq = (int32_t)hx;
        out[i] = (packed_gh)gq * 4294967296LL + hq;
    }
}

/* The histograms of one group's first n_lanes features over n rows of bins r (rows
 * CK__GROUP bytes apart) with packed gradients v. Even and odd rows go to two copies:
 * rows in a run with the same bin would otherwise wait on each other's read-modify-write
 * of one counter. Inlined with n_lanes a constant, the lane loop unrolls. */
static inline void group_histograms(packed_gh (*h0)[256], packed_gh (*h1)[256], const uint8_t *r,
                                    const packed_gh *v, size_t n, int n_lanes)
{
    size_t i = 0;
    for (; i + 1 < n; i += 2, r += 2 * CK__GROUP) {
        packed_gh v0 = v[i], v1 = v[i + 1];
        for (int lane = 0; lane < n_lanes; lane++) {
            h0[lane][r[lane]] += v0;
            h1[lane][r[CK__GROUP + lane]] += v1;
        }
    }
    if (i < n)
        for (int lane = 0; lane < n_lanes; lane++)
            h0[lane][r[lane]] += v[i];
}

/* Pass two: each worker's histograms of every slot over its rows. Integer sums, so adding
 * the workers' histograms gives the same totals for any split of the rows. A last group
 * of fewer than CK__GROUP slots skips its empty lanes. */
static int histograms(size_t first, size_t last, void *arg)
{
    trainer *t = arg;
    const ck__bins *b = t->bins;
    packed_gh packed[CHUNK];
    for (size_t k = first; k < last; k++) {
        packed_gh(*even)[256] = t->hist + 2 * k * t->hist_stride;
        packed_gh(*odd)[256] = even + t->hist_stride;
        memset(even, 0, 2 * t->hist_stride * sizeof *even);
        size_t lo, hi;
        worker_range(t, k, &lo, &hi);
        for (size_t start = lo; start < hi; start += CHUNK) {
            size_t end = start + CHUNK < hi ? start + CHUNK : hi;
            quantise(t, start, end, packed);
            for (size_t grp = 0; grp < b->n_groups; grp++) {
                const uint8_t *r = b->data + (grp * b->n_rows + start) * CK__GROUP;
                size_t n_lanes = b->n_slots - grp * CK__GROUP;
                if (n_lanes >= CK__GROUP)
                    group_histograms(even + grp * CK__GROUP, odd + grp * CK__GROUP, r, packed,
                                     end - start, CK__GROUP);
                else
                    group_histograms(even + grp * CK__GROUP, odd + grp * CK__GROUP, r, packed,
                                     end - start, (int)n_lanes);
            }
        }
        for (size_t j = 0; j < t->hist_stride; j++)
            for (int bin = 0; bin < 256; bin++)
                even[j][bin] += odd[j][bin];
    }
    return 0;
}

static double leaf_score(double g, double h, double lambda)
{
    return g * g / (h + lambda);
}

/* Consider one partition; keep it when it beats *best. Sums are in real units. */
static void consider(split *best, const trainer *t, double gl, double hl, size_t cl, double gt,
                     double ht, size_t ct, double parent)
{
    double gr = gt - gl, hr = ht - hl;
    size_t cr = ct - cl;
    const ck_gbm_params *p = t->p;
    if (hl < p->min_child_weight || hr < p->min_child_weight || cl < (size_t)p->min_samples_leaf ||
        cr < (size_t)p->min_samples_leaf)
        return;
    double gain = leaf_score(gl, hl, p->lambda) + leaf_score(gr, hr, p->lambda) - parent;
    if (gain > best->gain) {
        best->gain = gain;
        best->valid = true;
    }
}

typedef struct level_stat {
    double g, h, ratio;
    size_t count;
    int bin;
} level_stat;

static int compare_ratio(const void *pa, const void *pb)
{
    const level_stat *a = pa, *b = pb;
    if (a->ratio != b->ratio)
        return a->ratio < b->ratio ? -1 : 1;
    return a->bin - b->bin;
}

static void best_split_of(trainer *t, size_t j)
{
    split *best = &t->best[j];
    memset(best, 0, sizeof *best);
    best->feature = j;
    const packed_gh *hist = t->feature_hist[j];
    const uint32_t *count = t->counts[j];
    double g[256], h[256];
    double gt = 0, ht = 0;
    size_t ct = 0;
    for (int b = 0; b < 256; b++) {
        unpack(hist[b], &g[b], &h[b]);
        g[b] *= t->g_scale;
        h[b] *= t->h_scale;
        gt += g[b];
        ht += h[b];
        ct += count[b];
    }
    double parent = leaf_score(gt, ht, t->p->lambda);
    double gm = g[CK__BIN_MISSING], hm = h[CK__BIN_MISSING];
    size_t cm = count[CK__BIN_MISSING];
    if (!t->bins->categorical[j]) {
        size_t n_bins = t->bins->n_edges[j] + 1;
        double gl = 0, hl = 0;
        size_t cl = 0;
        for (size_t k = 0; k < n_bins; k++) {
            gl += g[k];
            hl += h[k];
            cl += count[k];
            /* k = n_bins − 1 puts every present value left: a split on missingness */
            if (k + 1 == n_bins && cm == 0)
                break;
            double before = best->gain;
            consider(best, t, gl, hl, cl, gt, ht, ct, parent);
            if (best->gain > before) {
                best->threshold_bin = (int)k;
                best->missing_left = false;
            }
            if (cm > 0 && k + 1 < n_bins) {
                before = best->gain;
                consider(best, t, gl + gm, hl + hm, cl + cm, gt, ht, ct, parent);
                if (best->gain > before) {
                    best->threshold_bin = (int)k;
                    best->missing_left = true;
                }
            }
        }
        return;
    }
    level_stat levels[256];
    int n_levels = 0;
    for (int b = 0; b < CK__BIN_OTHER; b++)
        if (count[b] > 0)
            levels[n_levels++] =
                (level_stat){ g[b], h[b], g[b] / (h[b] + t->p->lambda), count[b], b };
    qsort(levels, (size_t)n_levels, sizeof *levels, compare_ratio);
    double gl = 0, hl = 0;
    size_t cl = 0;
    for (int k = 0; k + 1 < n_levels || (k + 1 == n_levels && (cm > 0 || count[CK__BIN_OTHER]));
         k++) {
        gl += levels[k].g;
        hl += levels[k].h;
        cl += levels[k].count;
        for (int side = 0; side < 2; side++) {
            if (side == 1 && cm == 0)
                break;
            double before = best->gain;
            consider(best, t, gl + side * gm, hl + side * hm, cl + (side ? cm : 0), gt, ht, ct,
                     parent);
            if (best->gain > before) {
                memset(best->left_set, 0, sizeof best->left_set);
                for (int q = 0; q <= k; q++)
                    best->left_set[levels[q].bin] = 1;
                best->missing_left = side == 1;
            }
        }
    }
}

static int find_splits(size_t lo, size_t hi, void *arg)
{
    trainer *t = arg;
    for (size_t j = lo; j < hi; j++)
        best_split_of(t, j);
    return 0;
}

static bool goes_left(const split *s, bool categorical, uint8_t bin)
{
    if (bin == CK__BIN_MISSING)
        return s->missing_left;
    if (categorical)
        return s->left_set[bin] != 0;
    return bin <= s->threshold_bin;
}

/* Exact (Σg, Σh) of each side of the chosen split, per fixed block of rows. */
static int side_sums(size_t first, size_t last, void *arg)
{
    trainer *t = arg;
    for (size_t blk = first; blk < last; blk++) {
        size_t lo = blk * SUM_BLOCK, hi = lo + SUM_BLOCK < t->n ? lo + SUM_BLOCK : t->n;
        const uint8_t *bin = t->bins->data + ck__bin_offset(t->bins, t->chosen->feature, lo);
        /* sums of the left side and of all rows, no branch on the side (it would mispredict) */
        double gl = 0, hl = 0, g = 0, h = 0;
        for (size_t i = lo; i < hi; i++, bin += CK__GROUP) {
            double left = t->chosen_left[*bin];
            gl += left * t->g[i];
            hl += left * t->h[i];
            g += t->g[i];
            h += t->h[i];
        }
        double *out = t->block_sums + 4 * blk;
        out[0] = gl, out[1] = hl, out[2] = g - gl, out[3] = h - hl;
    }
    return 0;
}

/* Turn the chosen split into a stump with leaf values from the exact gradients. */
static int make_stump(ck__stump *out, trainer *t, const split *s, const ck_schema *schema)
{
    size_t j = s->feature;
    bool categorical = t->bins->categorical[j];
    size_t n_blocks = (t->n + SUM_BLOCK - 1) / SUM_BLOCK;
    t->chosen = s;
    double left_by_bin[256];
    for (int b = 0; b < 256; b++)
        left_by_bin[b] = goes_left(s, categorical, (uint8_t)b);
    ck__bins_by_byte(t->bins, j, left_by_bin, t->chosen_left);
    ck__parallel_for(n_blocks, 1, t->p->n_threads, side_sums, t);
    double gl = 0, hl = 0, gr = 0, hr = 0;
    for (size_t blk = 0; blk < n_blocks; blk++) {
        const double *sum = t->block_sums + 4 * blk;
        gl += sum[0], hl += sum[1], gr += sum[2], hr += sum[3];
    }
    const ck_gbm_params *p = t->p;
    memset(out, 0, sizeof *out);
    out->feature = (uint32_t)j;
    out->missing_left = s->missing_left;
    out->left_value = -p->learning_rate * gl / (hl + p->lambda);
    out->right_value = -p->learning_rate * gr / (hr + p->lambda);
    out->gain = leaf_score(gl, hl, p->lambda) + leaf_score(gr, hr, p->lambda) -
                leaf_score(gl + gr, hl + hr, p->lambda);
    if (!categorical) {
        size_t n_edges = t->bins->n_edges[j];
        /* past the last edge: every present value goes left (a split on missingness) */
        out->threshold =
            (size_t)s->threshold_bin < n_edges ? t->bins->edges[j][s->threshold_bin] : DBL_MAX;
        return CK_OK;
    }
    size_t n_levels = ck_schema_n_levels(schema, j);
    out->left_levels = ck__alloc_array(n_levels, sizeof *out->left_levels);
    if (out->left_levels == NULL)
        return CK_ENOMEM;
    for (size_t code = 0; code < n_levels && code < CK__BIN_OTHER; code++)
        if (s->left_set[code])
            out->left_levels[out->n_left_levels++] = (uint32_t)code;
    return CK_OK;
}

/* The stump's value for each bin of its feature. */
static void stump_by_bin(double by_bin[256], const ck__bins *bins, const ck__stump *st,
                         const split *s)
{
    bool categorical = bins->categorical[st->feature];
    for (int b = 0; b < 256; b++)
        by_bin[b] = goes_left(s, categorical, (uint8_t)b) ? st->left_value : st->right_value;
}

/* Validation: scores moved by the stump, and the log loss, in fixed blocks. */
typedef struct valid_job {
    const ck__bins *bins;
    size_t feature;
    double by_byte[256]; /* the stump's value by the byte of the feature's slot */
    double *score;
    const float *y;
    const double *w;
    double *block_sums; /* 2 per block: loss, weight */
} valid_job;

static int valid_update(size_t first, size_t last, void *arg)
{
    valid_job *v = arg;
    for (size_t blk = first; blk < last; blk++) {
        size_t lo = blk * SUM_BLOCK, hi = lo + SUM_BLOCK;
        if (hi > v->bins->n_rows)
            hi = v->bins->n_rows;
        double loss = 0, weight = 0;
        const uint8_t *byte = v->bins->data + ck__bin_offset(v->bins, v->feature, lo);
        for (size_t i = lo; i < hi; i++, byte += CK__GROUP) {
            double z = v->score[i] += v->by_byte[*byte];
            /* log(1 + e^z) − y z, stable for large |z| */
            double softplus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
            loss += v->w[i] * (softplus - v->y[i] * z);
            weight += v->w[i];
        }
        v->block_sums[2 * blk] = loss;
        v->block_sums[2 * blk + 1] = weight;
    }
    return 0;
}

/* Rows per bin of every feature: per byte of every slot, then by the bin of each feature
 * that the byte holds. */
static void count_bins(uint32_t (*counts)[256], const ck__bins *b)
{
    uint32_t by_byte[CK__GROUP][256];
    for (size_t grp = 0; grp < b->n_groups; grp++) {
        memset(by_byte, 0, sizeof by_byte);
        const uint8_t *r = b->data + grp * b->n_rows * CK__GROUP;
        for (size_t i = 0; i < b->n_rows; i++, r += CK__GROUP)
            for (int lane = 0; lane < CK__GROUP; lane++)
                by_byte[lane][r[lane]]++;
        for (size_t j = 0; j < b->n_features; j++)
            if (b->slot[j] / CK__GROUP == grp)
                for (int c = 0; c < 256; c++)
                    counts[j][b->decode[j][c]] += by_byte[b->slot[j] % CK__GROUP][c];
    }
}

static int row_weights(double **out, const ck__gbm_rows *rows, double pos_weight)
{
    size_t n = rows->bins->n_rows;
    const float *y = rows->labels, *w = rows->weights;
    *out = ck__alloc_array(n, sizeof **out);
    if (*out == NULL)
        return CK_ENOMEM;
    for (size_t i = 0; i < n; i++)
        (*out)[i] = (w ? w[i] : 1.0) * (y[i] > 0.5 ? pos_weight : 1.0);
    return CK_OK;
}

static int check_params(const ck_gbm_params *p, ck_error *err)
{
    const char *bad = NULL;
    if (p->rounds < 1)
        bad = "rounds must be at least 1";
    else if (!(p->learning_rate > 0 && p->learning_rate <= 1))
        bad = "learning_rate must be in (0, 1]";
    else if (p->max_bins < 2 || p->max_bins > 255)
        bad = "max_bins must be 2 to 255";
    else if (!(p->lambda >= 0) || !(p->min_child_weight >= 0) || p->min_samples_leaf < 1)
        bad = "lambda and min_child_weight must be >= 0, min_samples_leaf >= 1";
    else if (!(p->pos_weight > 0) || !(p->subsample > 0 && p->subsample <= 1))
        bad = "pos_weight must be > 0 and subsample in (0, 1]";
    else if (p->patience < 0 || p->n_threads < 1)
        bad = "patience must be >= 0 and n_threads >= 1";
    return bad != NULL ? ck_error_set(err, CK_EINVAL, NULL, 0, "%s", bad) : CK_OK;
}

int ck__gbm_measure(ck_gbm_report *r, const ck_gbm *m, const ck__gbm_rows *train,
                    const ck__gbm_rows *valid, double pos_weight, int n_threads, ck_error *err)
{
    const ck__gbm_rows *sets[2] = { train, valid };
    double *loss[2] = { &r->train_logloss, &r->valid_logloss };
    double *auc[2] = { &r->train_auc, &r->valid_auc };
    int rc = CK_OK;
    for (int k = 0; k < 2 && rc == CK_OK; k++) {
        *loss[k] = *auc[k] = NAN;
        const ck__gbm_rows *rows = sets[k];
        if (rows == NULL)
            continue;
        size_t n = rows->values ? ck_dataset_n_rows(rows->values) : rows->bins->n_rows;
        double *prob = ck__alloc_array(n, sizeof *prob);
        float *fw = ck__alloc_array(n, sizeof *fw);
        if (prob == NULL || fw == NULL)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        else if (rows->values != NULL)
            rc = ck_gbm_predict(m, rows->values, prob, n_threads, err);
        else if (ck__gbm_predict_bins(m, rows->bins, prob, n_threads) != CK_OK)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        if (rc == CK_OK) {
            for (size_t i = 0; i < n; i++)
                fw[i] = (float)((rows->weights ? rows->weights[i] : 1.0) *
                                (rows->labels[i] > 0.5 ? pos_weight : 1.0));
            *loss[k] = ck_metrics_logloss(prob, rows->labels, fw, n);
            rc = ck_metrics_auc(auc[k], prob, rows->labels, fw, n, err);
        }
        free(prob);
        free(fw);
    }
    return rc;
}

int ck_gbm_train(ck_gbm **out, const ck_dataset *train, const ck_dataset *valid,
                 const ck_gbm_params *params, ck_gbm_report *report, ck_progress_fn progress,
                 void *payload, ck_error *err)
{
    return ck__gbm_train_like(out, train, valid, NULL, params, report, progress, payload, err);
}

int ck__gbm_train_like(ck_gbm **out, const ck_dataset *train, const ck_dataset *valid,
                       const ck__bins *like, const ck_gbm_params *params, ck_gbm_report *report,
                       ck_progress_fn progress, void *payload, ck_error *err)
{
    *out = NULL;
    int rc = check_params(params, err);
    if (rc < 0)
        return rc;
    if (ck_dataset_labels(train) == NULL || ck_dataset_n_rows(train) == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no labelled rows to train on");
    if (valid != NULL && ck_dataset_labels(valid) == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the validation rows have no labels");
    int threads = params->n_threads;
    ck__bins bins = { 0 }, vbins = { 0 };
    ck__gbm_rows rows = { &bins, ck_dataset_labels(train), ck_dataset_weights(train), NULL };
    ck__gbm_rows vrows = { &vbins, valid ? ck_dataset_labels(valid) : NULL,
                           valid ? ck_dataset_weights(valid) : NULL, NULL };
    if ((rc = like ? ck__bins_apply(&bins, like, train, threads, err)
                   : ck__bins_fit(&bins, train, params->max_bins, threads, err)) == CK_OK &&
        (valid == NULL || (rc = ck__bins_apply(&vbins, &bins, valid, threads, err)) == CK_OK))
        rc = ck__gbm_train_bins(out, ck_dataset_schema(train), &rows, valid ? &vrows : NULL, params,
                                report, progress, payload, err);
    /* the bins go before the rows are scored, from their values: memory peaks at the values
     * and their bins, not at the bins and the scoring's sort */
    ck__bins_free(&bins);
    ck__bins_free(&vbins);
    rows.bins = vrows.bins = NULL;
    rows.values = train;
    vrows.values = valid;
    if (rc == CK_OK && report != NULL &&
        (rc = ck__gbm_measure(report, *out, &rows, valid ? &vrows : NULL, params->pos_weight,
                              threads, err)) < 0) {
        ck_gbm_free(*out);
        *out = NULL;
    }
    return rc;
}

int ck__gbm_train_bins(ck_gbm **out, const ck_schema *schema, const ck__gbm_rows *train,
                       const ck__gbm_rows *valid, const ck_gbm_params *params,
                       ck_gbm_report *report, ck_progress_fn progress, void *payload, ck_error *err)
{
    *out = NULL;
    int rc = check_params(params, err);
    if (rc < 0)
        return rc;
    if (train->labels == NULL || train->bins->n_rows == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no labelled rows to train on");
    const ck__bins *bins = train->bins;
    size_t n = bins->n_rows, n_features = bins->n_features;
    size_t nv = valid ? valid->bins->n_rows : 0;
    int threads = params->n_threads;
    trainer t = { .p = params, .n = n, .n_features = n_features, .y = train->labels };
    /* one worker per thread, but never rows so few that a thread is not worth it */
    t.n_workers = n / threads >= 16384 ? threads : (int)(n / 16384) + 1;
    double *vscore = NULL, *vw = NULL, *vsums = NULL;
    ck_gbm *m = calloc(1, sizeof *m);
    size_t stump_cap = 0, n_blocks = (n + SUM_BLOCK - 1) / SUM_BLOCK;
    size_t nv_blocks = (nv + SUM_BLOCK - 1) / SUM_BLOCK;
    if (m == NULL)
        goto nomem;
    if ((rc = ck_schema_copy(&m->schema, schema, err)) < 0)
        goto fail;
    t.bins = bins;
    t.hist_stride = bins->n_groups * CK__GROUP;
    if (row_weights(&t.w, train, params->pos_weight) != CK_OK ||
        (valid && row_weights(&vw, valid, params->pos_weight) != CK_OK))
        goto nomem;
    t.odds = ck__alloc_array(n, sizeof *t.odds);
    t.g = ck__alloc_array(n, sizeof *t.g);
    t.h = ck__alloc_array(n, sizeof *t.h);
    t.g_max = calloc((size_t)t.n_workers, sizeof *t.g_max);
    t.h_max = calloc((size_t)t.n_workers, sizeof *t.h_max);
    t.counts = calloc(n_features + 1, sizeof *t.counts);
    t.hist = calloc(2 * t.hist_stride * (size_t)t.n_workers + 1, sizeof *t.hist);
    t.feature_hist = calloc(n_features + 1, sizeof *t.feature_hist);
    t.best = calloc(n_features + 1, sizeof *t.best);
    t.block_sums = calloc(4 * n_blocks + 4, sizeof *t.block_sums);
    vscore = valid ? ck__alloc_array(nv, sizeof *vscore) : NULL;
    vsums = valid ? calloc(2 * nv_blocks + 2, sizeof *vsums) : NULL;
    if (!t.odds || !t.g || !t.h || !t.g_max || !t.h_max || !t.counts || !t.hist ||
        !t.feature_hist || !t.best || !t.block_sums || (valid && (!vscore || !vsums)))
        goto nomem;

    /* the base score: the logit of the weighted positive rate */
    double pos = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        pos += t.w[i] * t.y[i];
        total += t.w[i];
    }
    if (pos <= 0 || pos >= total) {
        rc = ck_error_set(err, CK_EINVAL, NULL, 0,
                          "the training labels are all %s: nothing to learn",
                          pos <= 0 ? "0 (retained)" : "1 (churned)");
        goto fail;
    }
    m->base_score = log(pos / (total - pos));
    for (size_t i = 0; i < n; i++)
        t.odds[i] = exp(-m->base_score);
    for (size_t i = 0; i < nv; i++)
        vscore[i] = m->base_score;
    count_bins(t.counts, bins);
    /* quanta: the largest |g| and h map to qmax, small enough that Σ over n rows fits */
    int64_t fit = (int64_t)(2147483647 / (n ? n : 1));
    t.qmax = (int)(fit < 127 ? (fit < 1 ? 1 : fit) : 127);

    double best_loss = HUGE_VAL;
    int best_rounds = 0, since_best = 0;
    for (t.round = 0; t.round < params->rounds; t.round++) {
        ck__parallel_for((size_t)t.n_workers, 1, threads, gradients, &t);
        double g_max = 0, h_max = 0;
        for (int k = 0; k < t.n_workers; k++) {
            g_max = t.g_max[k] > g_max ? t.g_max[k] : g_max;
            h_max = t.h_max[k] > h_max ? t.h_max[k] : h_max;
        }
        if (g_max == 0 || h_max == 0)
            break;
        t.g_scale = g_max / t.qmax;
        t.h_scale = h_max / t.qmax;
        ck__parallel_for((size_t)t.n_workers, 1, threads, histograms, &t);
        for (int k = 1; k < t.n_workers; k++)
            for (size_t j = 0; j < t.hist_stride; j++)
                for (int b = 0; b < 256; b++)
                    t.hist[j][b] += t.hist[2 * (size_t)k * t.hist_stride + j][b];
        for (size_t j = 0; j < n_features; j++) {
            memset(t.feature_hist[j], 0, sizeof t.feature_hist[j]);
            for (int c = 0; c < 256; c++)
                t.feature_hist[j][bins->decode[j][c]] += t.hist[bins->slot[j]][c];
        }
        ck__parallel_for(n_features, 1, threads, find_splits, &t);
        const split *chosen = NULL;
        for (size_t j = 0; j < n_features; j++)
            if (t.best[j].valid && (chosen == NULL || t.best[j].gain > chosen->gain))
                chosen = &t.best[j];
        if (chosen == NULL || chosen->gain <= 0)
            break;
        if (!ck__grow((void **)&m->stumps, &stump_cap, m->n_stumps + 1, sizeof *m->stumps))
            goto nomem;
        ck__stump *st = &m->stumps[m->n_stumps];
        if (make_stump(st, &t, chosen, m->schema) != CK_OK)
            goto nomem;
        m->n_stumps++;
        /* the training scores move at the start of the next round's gradient pass */
        stump_by_bin(t.update_by_bin, bins, st, chosen);
        double factor[256];
        for (int b = 0; b < 256; b++)
            factor[b] = exp(-t.update_by_bin[b]);
        ck__bins_by_byte(bins, st->feature, factor, t.update_factor);
        t.update_feature = st->feature;
        t.has_update = true;
        if (valid) {
            valid_job v = { .bins = valid->bins,
                            .feature = st->feature,
                            .score = vscore,
                            .y = valid->labels,
                            .w = vw,
                            .block_sums = vsums };
            ck__bins_by_byte(valid->bins, st->feature, t.update_by_bin, v.by_byte);
            ck__parallel_for(nv_blocks, 1, threads, valid_update, &v);
            double loss = 0, weight = 0;
            for (size_t blk = 0; blk < nv_blocks; blk++) {
                loss += vsums[2 * blk];
                weight += vsums[2 * blk + 1];
            }
            loss /= weight;
            if (loss < best_loss - 1e-12) {
                best_loss = loss;
                best_rounds = (int)m->n_stumps;
                since_best = 0;
            } else if (params->patience > 0 && ++since_best >= params->patience) {
                t.round++;
                break;
            }
        }
        if (progress && t.round % 10 == 0)
            progress((double)t.round / params->rounds, payload);
    }
    int rounds_run = t.round < params->rounds ? t.round : params->rounds;
    if (valid && params->patience > 0) {
        for (size_t s = (size_t)best_rounds; s < m->n_stumps; s++)
            free(m->stumps[s].left_levels);
        m->n_stumps = (size_t)best_rounds;
    }
    if ((rc = ck__gbm_compile(m, err)) < 0)
        goto fail;
    free(t.g);
    free(t.h);
    free(t.odds);
    t.g = t.h = NULL;
    t.odds = NULL;
    if (report != NULL) {
        report->rounds_run = rounds_run;
        report->rounds_kept = (int)m->n_stumps;
        report->train_logloss = report->valid_logloss = NAN;
        report->train_auc = report->valid_auc = NAN;
    }
    if (progress)
        progress(1.0, payload);
    *out = m;
    rc = CK_OK;
    goto done;
nomem:
    rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
fail:
    ck_gbm_free(m);
done:
    free(t.w);
    free(t.odds);
    free(t.g);
    free(t.h);
    free(t.g_max);
    free(t.h_max);
    free(t.counts);
    free(t.hist);
    free(t.feature_hist);
    free(t.best);
    free(t.block_sums);
    free(vscore);
    free(vsums);
    free(vw);
    return rc;
}

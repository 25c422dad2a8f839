/*
 * Recommendations from a behaviour history (pipeline.h, "Recommendations"): the matrices a
 * recommender is trained on (everything before the cutoff; the recent window for
 * popularity; for the blend, everything before a validation window and the purchases in
 * it), scoring every customer's top K, and the out-of-time evaluation against the
 * popularity (over the whole history before the cutoff) and repeat-purchase baselines.
 */
#include "churnkit/pipeline.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/util.h"
#include "churnkit/recommend_eval.h"
#include "churnkit/timestamp.h"
#include "pipeline/flush.h"
#include "pipeline/recommendations.h"

#define DAY 86400

/* Purchases only, each weighing 1: what a customer bought in a window (the truth). */
static ck_recommend_config purchases_only(void)
{
    ck_recommend_config rc;
    memset(&rc, 0, sizeof rc);
    rc.weights[CK_EV_PURCHASE] = 1.0;
    return rc;
}

static int build(ck_interaction_matrix **out, const ck_events *ev, int64_t from, int64_t to,
                 const ck_recommend_config *weights, const ck_interaction_matrix *catalogue,
                 ck_error *err)
{
    ck_interaction_opts o = CK_INTERACTION_OPTS_INIT;
    o.start_ts = from;
    o.cutoff_ts = to;
    o.recommend = weights;
    if (catalogue != NULL) {
        o.item_ids = catalogue->item_ids;
        o.n_item_ids = catalogue->view.n_items;
    }
    return ck_interaction_matrix_build(out, ev, &o, err);
}

/* Rows of `m` for the customers of `rows` (same store), empty where `m` has none: a CSR
 * aligned with `rows`, in `storage` (freed by the caller: start, items, weights). */
typedef struct aligned {
    ck_interactions view;
    size_t *start;
    uint32_t *items;
    float *weights;
} aligned;

static void aligned_free(aligned *a)
{
    free(a->start);
    free(a->items);
    free(a->weights);
}

static int align(aligned *out, const ck_interaction_matrix *m, const ck_interaction_matrix *rows,
                 ck_error *err)
{
    size_t n = rows->view.n_users, total = 0;
    memset(out, 0, sizeof *out);
    out->start = ck__alloc_array(n + 1, sizeof *out->start);
    out->items = ck__alloc_array(m->view.row_start[m->view.n_users] + 1, sizeof *out->items);
    out->weights = ck__alloc_array(m->view.row_start[m->view.n_users] + 1, sizeof *out->weights);
    if (!out->start || !out->items || !out->weights)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t u = 0; u < n; u++) {
        out->start[u] = total;
        long r = m->row_of_customer[rows->user_customer[u]];
        if (r < 0)
            continue;
        for (size_t k = m->view.row_start[r]; k < m->view.row_start[r + 1]; k++) {
            out->items[total] = m->view.items[k];
            out->weights[total++] = m->view.weights[k];
        }
    }
    out->start[n] = total;
    out->view = (ck_interactions){ n, m->view.n_items, out->start, out->items, out->weights };
    return CK_OK;
}

int ck_pipeline_recommend_train(ck_model **out, const ck_events *ev,
                                const ck_pipeline_recommend_opts *o, const ck_model_spec *spec,
                                const ck_model_training *training, ck_error *err)
{
    ck_interaction_matrix *all = NULL, *recent = NULL, *before = NULL, *window = NULL;
    ck_dataset *rows = NULL;
    aligned truth = { 0 };
    const ck_recommend_config *weights = &spec->config.recommend;
    ck_recommend_params p = o->params;
    bool blend = p.method == CK_RECOMMEND_BLEND;
    int64_t valid_from = o->cutoff - (int64_t)o->valid_days * DAY;
    ck_recommend_config bought = purchases_only();
    *out = NULL;
    int rc = build(&all, ev, INT64_MIN, o->cutoff, weights, NULL, err);
    if (rc == CK_OK && all->view.n_users == 0)
        rc = ck_error_set(err, CK_EINVAL, NULL, 0, "no interaction with an item before the cutoff");
    if (rc == CK_OK)
        rc = build(&recent, ev, o->cutoff - (int64_t)o->recent_days * DAY, o->cutoff, weights, all,
                   err);
    if (rc == CK_OK && blend)
        rc = build(&before, ev, INT64_MIN, valid_from, weights, all, err);
    if (rc == CK_OK && blend && before->view.n_users == 0) {
        char from[16];
        ck_ts_format_date(valid_from, from);
        rc = ck_error_set(err, CK_EINVAL, NULL, 0,
                          "the blend chooses its weights on the %d days before the cutoff, but "
                          "no item interaction comes before them (%s): pick a --method, a later "
                          "cutoff or fewer --valid-days",
                          o->valid_days, from);
    }
    if (rc == CK_OK && blend)
        rc = build(&window, ev, valid_from, o->cutoff, &bought, all, err);
    if (rc == CK_OK && blend)
        rc = align(&truth, window, before, err);
    /* the envelope's rows: one per customer with an interaction (none is a feature) */
    const char **categories = NULL;
    if (rc == CK_OK &&
        (categories = ck__alloc_array(all->view.n_items + 1, sizeof *categories)) == NULL)
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t j = 0; rc == CK_OK && j < all->view.n_items; j++)
        categories[j] = all->item_category[j] == CK_NO_LEVEL
                            ? ""
                            : all->category_names[all->item_category[j]];
    if (rc == CK_OK)
        rc = ck_dataset_from_columns(&rows, NULL, 0, NULL, all->user_ids, all->view.n_users,
                                     "customer_id", err);
    if (rc == CK_OK) {
        p.train = &all->view;
        p.recent = &recent->view;
        p.valid_train = blend ? &before->view : NULL;
        p.valid_truth = blend ? &truth.view : NULL;
        p.item_ids = all->item_ids;
        p.item_categories = categories;
        memcpy(p.event_weights, weights->weights, sizeof p.event_weights);
        p.half_life_days = weights->half_life_days;
        ck_model_training tr = *training;
        tr.rows = all->view.n_users;
        rc = ck_model_train(out, CK_MODEL_RECOMMEND, &p, rows, NULL, spec, &tr, NULL, NULL, err);
    }
    free(categories);
    ck_dataset_free(rows);
    aligned_free(&truth);
    ck_interaction_matrix_free(all);
    ck_interaction_matrix_free(recent);
    ck_interaction_matrix_free(before);
    ck_interaction_matrix_free(window);
    return rc;
}

/* The model's weighting of events, as the config section it came from. */
static ck_recommend_config weighting_of(const ck_recommender *r)
{
    ck_recommend_config c;
    memcpy(c.weights, ck_recommender_event_weights(r), sizeof c.weights);
    c.half_life_days = ck_recommender_half_life_days(r);
    return c;
}

/* The model's catalogue as a matrix's item list, for building rows against it. */
typedef struct catalogue {
    ck_interaction_matrix fake;
    const char **ids;
} catalogue;

static int catalogue_of(catalogue *c, const ck_recommender *r, ck_error *err)
{
    size_t n = ck_recommender_n_items(r);
    memset(c, 0, sizeof *c);
    if ((c->ids = ck__alloc_array(n + 1, sizeof *c->ids)) == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t j = 0; j < n; j++)
        c->ids[j] = ck_recommender_item_id(r, j);
    c->fake.item_ids = c->ids;
    c->fake.view.n_items = n;
    return CK_OK;
}

/* ---- picks --------------------------------------------------------------------------------- */

/* listed[u] of a row whose block is not scored yet */
#define NOT_PICKED SIZE_MAX

/* Matrix rows [b × BLOCK, …) of block b, scored and ranked into p->lists. */
static int pick_block(ck__picks *p, size_t b, double *scores, double *scratch, ck_error *err)
{
    const ck_interactions *x = &p->m->view;
    size_t first = b * CK_RECOMMEND_BLOCK, m = x->n_items;
    size_t count = x->n_users - first < CK_RECOMMEND_BLOCK ? x->n_users - first
                                                            : CK_RECOMMEND_BLOCK;
    ck_recommend_goal goal = p->exclude_own ? CK_RECOMMEND_NEW : CK_RECOMMEND_NEXT;
    int rc = ck_recommender_score_rows(p->r, goal, x, first, count, scores, scratch, err);
    for (size_t i = 0; rc == CK_OK && i < count; i++) {
        size_t u = first + i, a = x->row_start[u], len = x->row_start[u + 1] - a;
        p->listed[u] = ck_recommend_top(scores + i * m, m, p->k,
                                        p->exclude_own ? x->items + a : NULL,
                                        p->exclude_own ? len : 0, p->lists + u * p->k);
    }
    return rc;
}

typedef struct picks_job {
    ck__picks *p;
    const uint8_t *wanted; /* per block: score it (NULL: all) */
    int *rc;               /* per block */
    ck_error *err;         /* per block: the first failure is reported, whatever the threads */
} picks_job;

static int pick_blocks(size_t lo, size_t hi, void *arg)
{
    picks_job *job = arg;
    const ck_recommender *r = job->p->r;
    size_t size = ck_recommender_batch_scratch_size(r, CK_RECOMMEND_BLOCK);
    double *scores = ck__alloc_array(
        (size_t)CK_RECOMMEND_BLOCK * ck_recommender_n_items(r) + 1, sizeof *scores);
    double *scratch = size == SIZE_MAX ? NULL : ck__alloc_array(size, sizeof *scratch);
    int rc = CK_OK;
    if (scores == NULL || scratch == NULL)
        rc = job->rc[lo] = ck_error_set(&job->err[lo], CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t b = lo; rc == CK_OK && b < hi; b++)
        if (job->wanted == NULL || job->wanted[b])
            rc = job->rc[b] = pick_block(job->p, b, scores, scratch, &job->err[b]);
    free(scores);
    free(scratch);
    return rc < 0 ? -1 : 0;
}

int ck__picks_init_threads(ck__picks *p, const ck_events *ev, const ck_model *model,
                           int64_t as_of, size_t k, bool exclude_own, int n_threads, long shard,
                           long n_shards, ck_error *err)
{
    memset(p, 0, sizeof *p);
    const ck_recommender *r = ck_model_recommender(model);
    if (r == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "a %s model recommends nothing",
                            ck_model_type_name(model));
    size_t n_items = ck_recommender_n_items(r);
    ck_recommend_config weighting = weighting_of(r);
    catalogue cat = { 0 };
    *p = (ck__picks){ .r = r, .ev = ev, .k = k, .exclude_own = exclude_own };
    /* a customer without interactions: popularity, whatever the method */
    double *scores = ck__alloc_array(n_items + 1, sizeof *scores);
    double *scratch = ck__alloc_array(ck_recommender_scratch_size(r) + 1, sizeof *scratch);
    p->empty = ck__alloc_array(k + 1, sizeof *p->empty);
    int rc = scores && scratch && p->empty
                 ? catalogue_of(&cat, r, err)
                 : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    p->catalogue = cat.ids;
    ck_recommend_goal goal = exclude_own ? CK_RECOMMEND_NEW : CK_RECOMMEND_NEXT;
    if (rc == CK_OK)
        rc = ck_recommender_score(r, goal, NULL, NULL, 0, scores, scratch, err);
    if (rc == CK_OK)
        p->n_empty = ck_recommend_top(scores, n_items, k, NULL, 0, p->empty);
    free(scores);
    free(scratch);
    p->top = p->empty;
    if (rc == CK_OK)
        rc = build(&p->m, ev, INT64_MIN, as_of, &weighting, &cat.fake, err);
    if (rc < 0)
        return rc;
    size_t n_users = p->m->view.n_users, cells;
    size_t n_blocks = (n_users + CK_RECOMMEND_BLOCK - 1) / CK_RECOMMEND_BLOCK;
    picks_job job = { .p = p };
    p->lists = ck__mul_size(&cells, n_users, k) ? ck__alloc_array(cells + 1, sizeof *p->lists)
                                                : NULL;
    p->listed = ck__alloc_array(n_users + 1, sizeof *p->listed);
    job.rc = calloc(n_blocks + 1, sizeof *job.rc);
    job.err = calloc(n_blocks + 1, sizeof *job.err);
    uint8_t *wanted = n_shards > 1 ? calloc(n_blocks + 1, 1) : NULL;
    if (!p->lists || !p->listed || !job.rc || !job.err || (n_shards > 1 && !wanted))
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t u = 0; rc == CK_OK && u < n_users; u++) {
        p->listed[u] = NOT_PICKED;
        if (wanted && ck_pipeline_in_shard(p->m->user_ids[u], shard, n_shards))
            wanted[u / CK_RECOMMEND_BLOCK] = 1;
    }
    job.wanted = wanted;
    if (rc == CK_OK)
        ck__parallel_for(n_blocks, 1, n_threads, pick_blocks, &job);
    /* the failure of the first block in row order, as on one thread */
    for (size_t b = 0; rc == CK_OK && b < n_blocks; b++)
        if (job.rc[b] < 0) {
            rc = job.rc[b];
            if (err)
                *err = job.err[b];
        }
    free(wanted);
    free(job.rc);
    free(job.err);
    return rc;
}

int ck__picks_row(ck__picks *p, long u, size_t *n, ck_error *err)
{
    if (u < 0) {
        p->top = p->empty;
        *n = p->n_empty;
        return CK_OK;
    }
    size_t row = (size_t)u;
    if (p->listed[row] == NOT_PICKED) {
        const ck_recommender *r = p->r;
        size_t size = ck_recommender_batch_scratch_size(r, CK_RECOMMEND_BLOCK);
        if (p->scores == NULL)
            p->scores = ck__alloc_array(
                (size_t)CK_RECOMMEND_BLOCK * ck_recommender_n_items(r) + 1, sizeof *p->scores);
        if (p->scratch == NULL && size != SIZE_MAX)
            p->scratch = ck__alloc_array(size, sizeof *p->scratch);
        if (p->scores == NULL || p->scratch == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        int rc = pick_block(p, row / CK_RECOMMEND_BLOCK, p->scores, p->scratch, err);
        if (rc < 0)
            return rc;
    }
    p->top = p->lists + row * p->k;
    *n = p->listed[row];
    return CK_OK;
}

int ck__picks_for(ck__picks *p, const char *id, size_t *n, ck_error *err)
{
    long c = ck_events_find_customer(p->ev, id);
    return ck__picks_row(p, c >= 0 ? p->m->row_of_customer[c] : -1, n, err);
}

void ck__picks_free(ck__picks *p)
{
    ck_interaction_matrix_free(p->m);
    free(p->catalogue);
    free(p->lists);
    free(p->listed);
    free(p->empty);
    free(p->scores);
    free(p->scratch);
    memset(p, 0, sizeof *p);
}

int ck_pipeline_recommend_score_events(const ck_events *ev, const ck_model *model, int64_t as_of,
                                       const ck_recommend_score_opts *o, FILE *out,
                                       const char *out_path, size_t *rows_out, ck_error *err)
{
    ck__picks picks;
    ck_predict_buffer buf = { 0 };
    *rows_out = 0;
    int rc = ck__picks_init_threads(&picks, ev, model, as_of, (size_t)o->top, o->exclude_purchased,
                                    o->n_threads, o->shard, o->n_shards, err);
    if (rc == CK_OK)
        rc = ck_recommend_write_header(o->jsonl, &buf, err);
    for (size_t u = 0; rc == CK_OK && u < picks.m->view.n_users; u++) {
        const char *id = picks.m->user_ids[u];
        size_t n = 0;
        if (!ck_pipeline_in_shard(id, o->shard, o->n_shards))
            continue;
        rc = ck__picks_row(&picks, (long)u, &n, err);
        if (rc == CK_OK)
            rc = ck_recommend_write_row(picks.r, o->jsonl, id, picks.top, n, &buf, err);
        if (rc == CK_OK && buf.len >= CK__FLUSH_BYTES)
            rc = ck__flush_rows(out, out_path, &buf, err);
        ++*rows_out;
    }
    if (rc == CK_OK)
        rc = ck__flush_rows(out, out_path, &buf, err);
    ck_predict_buffer_free(&buf);
    ck__picks_free(&picks);
    return rc;
}

/* ---- evaluation ---------------------------------------------------------------------------- */

/* The model, then the popularity and repeat-purchase baselines. */
#define N_EVAL_METHODS 3

/* Each evaluated customer's top K by one scorer into rows of `lists` (k slots each). */
typedef int (*scorer_fn)(void *ctx, ck_recommend_goal goal, const uint32_t *items,
                         const float *weights, size_t n, double *scores, ck_error *err);

typedef struct model_scorer {
    const ck_recommender *r;
    double *scratch;
} model_scorer;

static int score_model(void *ctx, ck_recommend_goal goal, const uint32_t *items,
                       const float *weights, size_t n, double *scores, ck_error *err)
{
    model_scorer *s = ctx;
    return ck_recommender_score(s->r, goal, items, weights, n, scores, s->scratch, err);
}

typedef struct baseline_scorer {
    const double *popularity;
    size_t n_items;
    bool repeat;
} baseline_scorer;

static int score_baseline(void *ctx, ck_recommend_goal goal, const uint32_t *items,
                          const float *weights, size_t n, double *scores, ck_error *err)
{
    (void)err;
    (void)goal;
    baseline_scorer *s = ctx;
    if (s->repeat)
        ck_repeat_score(items, weights, n, s->popularity, s->n_items, scores);
    else
        memcpy(scores, s->popularity, s->n_items * sizeof *scores);
    return CK_OK;
}

/* For goal NEW the customer's own items are left out, as --exclude-purchased does. */
static int lists_of(uint32_t *lists, size_t *listed, const ck_interactions *x,
                    const size_t *users, size_t n_users, size_t k, ck_recommend_goal goal,
                    scorer_fn fn, void *ctx, double *scores, ck_error *err)
{
    for (size_t c = 0; c < n_users; c++) {
        size_t u = users[c], a = x->row_start[u], n = x->row_start[u + 1] - a;
        int rc = fn(ctx, goal, x->items + a, x->weights + a, n, scores, err);
        if (rc < 0)
            return rc;
        bool own = goal == CK_RECOMMEND_NEW;
        listed[c] = ck_recommend_top(scores, x->n_items, k, own ? x->items + a : NULL,
                                     own ? n : 0, lists + c * k);
    }
    return CK_OK;
}

int ck_pipeline_recommend_eval(ck_recommend_eval **out, const ck_events *ev,
                               const ck_model *model, int64_t cutoff, double horizon_days,
                               size_t k, ck_error *err)
{
    const ck_recommender *r = ck_model_recommender(model);
    *out = NULL;
    if (r == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "a %s model recommends nothing",
                            ck_model_type_name(model));
    if (ck_ts_day_start(ck_events_max_ts(ev)) + DAY < cutoff + (int64_t)(horizon_days * DAY)) {
        char last[16];
        ck_ts_format_date(ck_events_max_ts(ev), last);
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the holdout of %g days after the cutoff runs past the last event "
                            "(%s): the purchases it would miss would count as misses",
                            horizon_days, last);
    }
    ck_recommend_config weighting = weighting_of(r), bought = purchases_only();
    catalogue cat = { 0 };
    ck_interaction_matrix *history = NULL, *holdout = NULL;
    aligned truth = { 0 };
    size_t n_items = ck_recommender_n_items(r);
    int rc = catalogue_of(&cat, r, err);
    if (rc == CK_OK)
        rc = build(&history, ev, INT64_MIN, cutoff, &weighting, &cat.fake, err);
    if (rc == CK_OK)
        rc = build(&holdout, ev, cutoff, cutoff + (int64_t)(horizon_days * DAY), &bought,
                   &cat.fake, err);
    if (rc == CK_OK)
        rc = align(&truth, holdout, history, err);
    /* the customers with history before the cutoff and a purchase in the holdout */
    size_t n_users = rc == CK_OK ? history->view.n_users : 0, n_eval = 0;
    size_t *users = ck__alloc_array(n_users + 1, sizeof *users);
    size_t *truth_start = ck__alloc_array(n_users + 1, sizeof *truth_start);
    size_t *known_start = ck__alloc_array(n_users + 1, sizeof *known_start);
    double *popularity = ck__alloc_array(n_items + 1, sizeof *popularity);
    double *scores = ck__alloc_array(n_items + 1, sizeof *scores);
    double *scratch = ck__alloc_array(ck_recommender_scratch_size(r) + 1, sizeof *scratch);
    uint32_t *lists = NULL;
    size_t *listed = NULL;
    if (rc == CK_OK && (!users || !truth_start || !known_start || !popularity || !scores ||
                        !scratch))
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t u = 0; rc == CK_OK && u < n_users; u++)
        if (truth.start[u + 1] > truth.start[u])
            users[n_eval++] = u;
    if (rc == CK_OK && n_eval == 0)
        rc = ck_error_set(err, CK_EINVAL, NULL, 0,
                          "no customer with history before the cutoff bought an item in the "
                          "holdout");
    size_t n_sets = 2 * N_EVAL_METHODS;
    if (rc == CK_OK &&
        ((lists = ck__alloc_array(n_sets * n_eval * k + 1, sizeof *lists)) == NULL ||
         (listed = ck__alloc_array(n_sets * n_eval + 1, sizeof *listed)) == NULL))
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    /* truth and known items of the evaluated customers, in their compressed rows */
    uint32_t *truth_items = NULL, *known_items = NULL;
    if (rc == CK_OK) {
        truth_items = ck__alloc_array(truth.start[n_users] + 1, sizeof *truth_items);
        known_items = ck__alloc_array(history->view.row_start[n_users] + 1, sizeof *known_items);
        if (!truth_items || !known_items)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    size_t nt = 0, nk = 0;
    for (size_t c = 0; rc == CK_OK && c < n_eval; c++) {
        size_t u = users[c];
        truth_start[c] = nt;
        known_start[c] = nk;
        for (size_t q = truth.start[u]; q < truth.start[u + 1]; q++)
            truth_items[nt++] = truth.items[q];
        for (size_t q = history->view.row_start[u]; q < history->view.row_start[u + 1]; q++)
            known_items[nk++] = history->view.items[q];
    }
    if (rc == CK_OK) {
        truth_start[n_eval] = nt;
        known_start[n_eval] = nk;
    }
    /* each method's lists for both questions: list set 2·m + goal */
    model_scorer ms = { r, scratch };
    baseline_scorer pop = { popularity, n_items, false }, rep = { popularity, n_items, true };
    scorer_fn fns[N_EVAL_METHODS] = { score_model, score_baseline, score_baseline };
    void *ctxs[N_EVAL_METHODS] = { &ms, &pop, &rep };
    if (rc == CK_OK)
        ck_popularity(&history->view, popularity);
    for (int set = 0; rc == CK_OK && set < 2 * N_EVAL_METHODS; set++)
        rc = lists_of(lists + (size_t)set * n_eval * k, listed + (size_t)set * n_eval,
                      &history->view, users, n_eval, k, (ck_recommend_goal)(set % 2),
                      fns[set / 2], ctxs[set / 2], scores, err);
    if (rc == CK_OK) {
        ck_recommend_eval_truth t = { n_eval,      n_items,     truth_start,
                                      truth_items, known_start, known_items };
        const char *names[N_EVAL_METHODS] = { ck_recommend_method_name(ck_recommender_method(r)),
                                              "popular (baseline)", "repeat (baseline)" };
        ck_recommend_eval_method methods[N_EVAL_METHODS];
        for (size_t m = 0; m < N_EVAL_METHODS; m++)
            methods[m] = (ck_recommend_eval_method){
                names[m],
                lists + 2 * m * n_eval * k,
                listed + 2 * m * n_eval,
                m == 0 ? ck_recommender_fit_seconds(r) : NAN,
                lists + (2 * m + 1) * n_eval * k,
                listed + (2 * m + 1) * n_eval,
            };
        rc = ck_recommend_eval_run(out, &t, k, methods, N_EVAL_METHODS, err);
    }
    free(users);
    free(truth_start);
    free(known_start);
    free(truth_items);
    free(known_items);
    free(popularity);
    free(scores);
    free(scratch);
    free(lists);
    free(listed);
    free(cat.ids);
    aligned_free(&truth);
    ck_interaction_matrix_free(history);
    ck_interaction_matrix_free(holdout);
    return rc;
}

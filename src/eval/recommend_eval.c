/*
 * Evaluating top-K recommendations out of time (see recommend_eval.h), and its text and
 * JSON.
 *
 * Data: the truth T_u (holdout items) and the known items H_u (before the cutoff) of each
 * customer u as compressed rows shared by all methods, and per method a list L_u of at
 * most K items, best first. Customers are walked in order; for each, its T_u and H_u are
 * marked in two arrays of n_items stamps (the stamp is u + 1, so nothing is cleared
 * between customers), then every method's list is walked once per variant. Sums over
 * customers run in customer order, so the result does not depend on anything but the
 * input.
 *
 * Formulas (docs/EVAL.md, "Recommendations"), with rel_r = 1 when the item at position r
 * of the list (1-based) is in the truth, hits = Σ_r rel_r over the list's (at most K)
 * positions, and m = min(K, |T|):
 * - precision@K = hits / K (K even when the list is shorter: an empty slot is a miss);
 * - recall@K = hits / m. Not hits / |T|: with |T| > K that cannot reach 1, and a mean
 *   over customers would then be ruled by basket sizes rather than ranking. This is the
 *   normalised recall of Liang, Krishnan, Hoffman & Jebara (2018, "Variational
 *   autoencoders for collaborative filtering", WWW, sec. 4.2), which Steck (2019, "Embarrassingly
 *   shallow autoencoders for sparse data", WWW) reports for EASE: figures compare with theirs.
 * - NDCG@K = DCG / IDCG, DCG = Σ_r rel_r / log2(r + 1), IDCG = Σ_{r=1..m} 1 / log2(r + 1)
 *   (binary relevance; Järvelin & Kekäläinen 2002, "Cumulated gain-based evaluation of
 *   IR techniques", ACM TOIS 20(4), with the log2(r + 1) discount of Burges et al. 2005);
 * - MAP@K: the mean of AP@K = (1/m) Σ_r P(r)·rel_r, P(r) = hits among the first r / r
 *   (the truncated average precision of Liang et al. 2018 and of the usual "apk");
 * - hit rate@K: the share of customers with hits ≥ 1;
 * - coverage: the distinct items in the lists of the customers evaluated, over n_items.
 * The "new_items" variant applies the same to T' = T \ H and to the method's list for new
 * items when it gives one (made leaving H out, as --exclude-purchased does), else to
 * L' = L without the items of H, positions closed up (rank r counts the kept items only),
 * not refilled.
 * Every mean is over the customers with a non-empty truth in that variant.
 */
#include "churnkit/recommend_eval.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "io/json.h"

/* Sums of one method in one variant, over customers in order. */
typedef struct sums {
    size_t customers, hit_customers;
    double precision, recall, ndcg, map;
    unsigned char *recommended; /* n_items flags: in some evaluated customer's list */
} sums;

/* ---- checks -------------------------------------------------------------------------- */

static int check_rows(const size_t *start, const uint32_t *items, size_t n_customers,
                      size_t n_items, const char *what, ck_error *err)
{
    for (size_t u = 0; u < n_customers; u++) {
        if (start[u + 1] < start[u])
            return ck_error_set(err, CK_EINVAL, NULL, (long)u + 1,
                                "%s offsets decrease at customer %zu (%zu after %zu)", what, u,
                                start[u + 1], start[u]);
        for (size_t j = start[u]; j < start[u + 1]; j++)
            if (items[j] >= n_items)
                return ck_error_set(err, CK_EINVAL, NULL, (long)u + 1,
                                    "%s item %lu of customer %zu is outside the catalogue of "
                                    "%zu items",
                                    what, (unsigned long)items[j], u, n_items);
    }
    return CK_OK;
}

/* One method's lists: at most K items each, in the catalogue, none twice. */
static int check_lists(const ck_recommend_eval_truth *t, size_t k, const char *name,
                       const uint32_t *items, const size_t *n_listed, const char *which,
                       ck_error *err)
{
    for (size_t u = 0; u < t->n_customers; u++) {
        size_t n = n_listed ? n_listed[u] : k;
        if (n > k)
            return ck_error_set(err, CK_EINVAL, NULL, (long)u + 1,
                                "method \"%s\": customer %zu's list%s has %zu items, more than "
                                "K = %zu",
                                name, u, which, n, k);
        const uint32_t *l = items + u * k;
        for (size_t r = 0; r < n; r++) {
            if (l[r] >= t->n_items)
                return ck_error_set(err, CK_EINVAL, NULL, (long)u + 1,
                                    "method \"%s\": item %lu in customer %zu's list%s is "
                                    "outside the catalogue of %zu items",
                                    name, (unsigned long)l[r], u, which, t->n_items);
            /* lists are short (K), so a quadratic look for repeats is cheap */
            for (size_t q = 0; q < r; q++)
                if (l[q] == l[r])
                    return ck_error_set(err, CK_EINVAL, NULL, (long)u + 1,
                                        "method \"%s\": item %lu is twice in customer %zu's "
                                        "list%s",
                                        name, (unsigned long)l[r], u, which);
        }
    }
    return CK_OK;
}

static int check_input(const ck_recommend_eval_truth *t, size_t k,
                       const ck_recommend_eval_method *methods, size_t n_methods, ck_error *err)
{
    if (k == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the list length K must be at least 1");
    if (n_methods == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no recommender to evaluate");
    if (t->n_items == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the catalogue has no item");
    int rc = check_rows(t->truth_start, t->truth_items, t->n_customers, t->n_items, "holdout", err);
    if (rc == CK_OK && t->known_start != NULL)
        rc = check_rows(t->known_start, t->known_items, t->n_customers, t->n_items, "known", err);
    if (rc < 0)
        return rc;
    for (size_t m = 0; m < n_methods; m++) {
        const ck_recommend_eval_method *me = &methods[m];
        if (me->name == NULL)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "method %zu has no name", m);
        if (strlen(me->name) >= CK_RECOMMEND_EVAL_NAME_LEN)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "method name must be at most %d bytes, got \"%.40s...\"",
                                CK_RECOMMEND_EVAL_NAME_LEN - 1, me->name);
        rc = check_lists(t, k, me->name, me->items, me->n_listed, "", err);
        if (rc == CK_OK && me->new_items != NULL)
            rc = check_lists(t, k, me->name, me->new_items, me->new_listed, " for new items", err);
        if (rc < 0)
            return rc;
    }
    return CK_OK;
}

/* ---- one list ------------------------------------------------------------------------ */

/* Add customer u's list l[0..n) to s, against the truth marked by truth_mark[i] == stamp
 * (n_truth items), leaving out the items with known_mark[i] == stamp when `drop_known`.
 * discount[r] = 1 / log2(r + 2) for 0-based position r. */
static void add_list(sums *s, const uint32_t *l, size_t n, size_t k, size_t n_truth,
                     const size_t *truth_mark, const size_t *known_mark, size_t stamp,
                     bool drop_known, const double *discount)
{
    if (n_truth == 0)
        return; /* not evaluated in this variant: its list counts for nothing, coverage too */
    size_t hits = 0, r = 0;
    double dcg = 0.0, ap = 0.0;
    for (size_t j = 0; j < n; j++) {
        uint32_t item = l[j];
        if (drop_known && known_mark[item] == stamp)
            continue; /* positions close up: r counts the kept items */
        s->recommended[item] = 1;
        if (truth_mark[item] == stamp) {
            hits++;
            dcg += discount[r];
            ap += (double)hits / (double)(r + 1);
        }
        r++;
    }
    size_t m = n_truth < k ? n_truth : k;
    double idcg = 0.0;
    for (size_t q = 0; q < m; q++)
        idcg += discount[q];
    s->customers++;
    s->hit_customers += hits > 0;
    s->precision += (double)hits / (double)k;
    s->recall += (double)hits / (double)m;
    s->ndcg += dcg / idcg;
    s->map += ap / (double)m;
}

static void finish(ck_recommend_metrics *out, const sums *s, size_t n_items)
{
    double c = (double)s->customers;
    out->customers = s->customers;
    size_t distinct = 0;
    for (size_t i = 0; i < n_items; i++)
        distinct += s->recommended[i];
    out->items_recommended = distinct;
    if (s->customers == 0) {
        out->precision = out->recall = out->ndcg = out->map = out->hit_rate = out->coverage = NAN;
        return;
    }
    out->precision = s->precision / c;
    out->recall = s->recall / c;
    out->ndcg = s->ndcg / c;
    out->map = s->map / c;
    out->hit_rate = (double)s->hit_customers / c;
    out->coverage = (double)distinct / (double)n_items;
}

/* ---- the evaluation ------------------------------------------------------------------ */

int ck_recommend_eval_run(ck_recommend_eval **out, const ck_recommend_eval_truth *truth, size_t k,
                          const ck_recommend_eval_method *methods, size_t n_methods, ck_error *err)
{
    assert(out != NULL && truth != NULL && (methods != NULL || n_methods == 0));
    *out = NULL;
    int rc = check_input(truth, k, methods, n_methods, err);
    if (rc < 0)
        return rc;
    size_t n_items = truth->n_items, n_sums = 0;
    ck_recommend_eval *re = calloc(1, sizeof *re);
    size_t *truth_mark = ck__alloc_array(n_items, sizeof *truth_mark);
    size_t *known_mark = ck__alloc_array(n_items, sizeof *known_mark);
    double *discount = ck__alloc_array(k, sizeof *discount);
    sums *s = NULL;
    if (re == NULL || truth_mark == NULL || known_mark == NULL || discount == NULL ||
        (s = ck__alloc_array(n_methods, 2 * sizeof *s)) == NULL ||
        (re->methods = ck__alloc_array(n_methods, sizeof *re->methods)) == NULL)
        goto nomem;
    for (n_sums = 0; n_sums < 2 * n_methods; n_sums++) {
        s[n_sums] = (sums){ 0 };
        if ((s[n_sums].recommended = calloc(n_items, 1)) == NULL)
            goto nomem;
    }
    memset(truth_mark, 0, n_items * sizeof *truth_mark);
    memset(known_mark, 0, n_items * sizeof *known_mark);
    for (size_t r = 0; r < k; r++)
        discount[r] = 1.0 / log2((double)r + 2.0);

    for (size_t u = 0; u < truth->n_customers; u++) {
        size_t stamp = u + 1;
        if (truth->known_start != NULL)
            for (size_t j = truth->known_start[u]; j < truth->known_start[u + 1]; j++)
                known_mark[truth->known_items[j]] = stamp;
        size_t n_truth = 0, n_new = 0; /* distinct: a repeated item is marked once */
        for (size_t j = truth->truth_start[u]; j < truth->truth_start[u + 1]; j++) {
            uint32_t item = truth->truth_items[j];
            if (truth_mark[item] == stamp)
                continue;
            truth_mark[item] = stamp;
            n_truth++;
            n_new += known_mark[item] != stamp;
        }
        for (size_t m = 0; m < n_methods; m++) {
            const ck_recommend_eval_method *me = &methods[m];
            size_t n = me->n_listed ? me->n_listed[u] : k;
            const uint32_t *l = me->items + u * k;
            add_list(&s[2 * m], l, n, k, n_truth, truth_mark, known_mark, stamp, false, discount);
            /* T' = T \ H holds the truth marks not marked known; the list skips known
             * items, so a truth mark it meets is always in T' */
            if (me->new_items != NULL) {
                l = me->new_items + u * k;
                n = me->new_listed ? me->new_listed[u] : k;
            }
            add_list(&s[2 * m + 1], l, n, k, n_new, truth_mark, known_mark, stamp, true, discount);
        }
    }
    re->k = k;
    re->n_customers = truth->n_customers;
    re->n_items = n_items;
    re->n_methods = n_methods;
    for (size_t m = 0; m < n_methods; m++) {
        ck_recommend_method_eval *me = &re->methods[m];
        snprintf(me->name, sizeof me->name, "%s", methods[m].name);
        me->fit_seconds = methods[m].fit_seconds;
        finish(&me->all, &s[2 * m], n_items);
        finish(&me->new_items, &s[2 * m + 1], n_items);
    }
    *out = re;
    re = NULL;
    rc = CK_OK;
    goto done;
nomem:
    rc = ck_error_set(err, CK_ENOMEM, NULL, 0,
                      "out of memory evaluating %zu recommenders over %zu items", n_methods,
                      n_items);
done:
    for (size_t j = 0; j < n_sums; j++)
        free(s[j].recommended);
    free(s);
    free(discount);
    free(known_mark);
    free(truth_mark);
    ck_recommend_eval_free(re);
    return rc;
}

void ck_recommend_eval_free(ck_recommend_eval *re)
{
    if (re == NULL)
        return;
    free(re->methods);
    free(re);
}

/* ---- text ---------------------------------------------------------------------------- */

static void number(FILE *out, double v, int width, int decimals)
{
    if (isnan(v))
        fprintf(out, "%*s", width, "-");
    else
        fprintf(out, "%*.*f", width, decimals, v);
}

int ck_recommend_eval_write_text(const ck_recommend_eval *re, FILE *out, ck_error *err)
{
    fprintf(out, "top %zu recommendations of %zu customers, %zu items\n", re->k, re->n_customers,
            re->n_items);
    int name_width = 8;
    for (size_t m = 0; m < re->n_methods; m++) {
        int len = (int)strlen(re->methods[m].name);
        name_width = len + 2 > name_width ? len + 2 : name_width;
    }
    char at[48];
    snprintf(at, sizeof at, "@%zu", re->k);
    fprintf(out, "%-*s%-11s%10s%12s%12s%12s%12s%12s%10s%10s\n", name_width, "method", "items",
            "customers", "precision", "recall", "ndcg", "map", "hit rate", "coverage", "fit s");
    for (size_t m = 0; m < re->n_methods; m++) {
        const ck_recommend_method_eval *me = &re->methods[m];
        for (int v = 0; v < 2; v++) {
            const ck_recommend_metrics *x = v ? &me->new_items : &me->all;
            fprintf(out, "%-*s%-11s%10zu", name_width, v ? "" : me->name, v ? "new" : "all",
                    x->customers);
            number(out, x->precision, 12, 4);
            number(out, x->recall, 12, 4);
            number(out, x->ndcg, 12, 4);
            number(out, x->map, 12, 4);
            number(out, x->hit_rate, 12, 4);
            number(out, x->coverage, 10, 4);
            if (v == 0)
                number(out, me->fit_seconds, 10, 2);
            fputc('\n', out);
        }
    }
    fprintf(out, "(measures at K = %zu; recall over min(K, holdout items); docs/EVAL.md)\n", re->k);
    if (ferror(out))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write the recommendation evaluation");
    return CK_OK;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void metrics_json(ck__json_writer *w, ck__json *obj, const ck_recommend_metrics *x, size_t m,
                         const char *variant)
{
    ck__json_put(w, obj, "customers", ck__json_new_integer(w, (long long)x->customers));
    ck__json_put(w, obj, "precision",
                 ck__json_new_metric(w, x->precision, "methods[%zu].%s.precision", m, variant));
    ck__json_put(w, obj, "recall",
                 ck__json_new_metric(w, x->recall, "methods[%zu].%s.recall", m, variant));
    ck__json_put(w, obj, "ndcg",
                 ck__json_new_metric(w, x->ndcg, "methods[%zu].%s.ndcg", m, variant));
    ck__json_put(w, obj, "map", ck__json_new_metric(w, x->map, "methods[%zu].%s.map", m, variant));
    ck__json_put(w, obj, "hit_rate",
                 ck__json_new_metric(w, x->hit_rate, "methods[%zu].%s.hit_rate", m, variant));
    ck__json_put(w, obj, "coverage",
                 ck__json_new_metric(w, x->coverage, "methods[%zu].%s.coverage", m, variant));
    ck__json_put(w, obj, "items_recommended",
                 ck__json_new_integer(w, (long long)x->items_recommended));
}

int ck_recommend_eval_write_json(const ck_recommend_eval *re, FILE *out, ck_error *err)
{
    ck__json_writer w = { CK_OK, err };
    ck__json *root = ck__json_new_object(&w);
    if (root == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory writing JSON");
    ck__json_put(&w, root, "k", ck__json_new_integer(&w, (long long)re->k));
    ck__json_put(&w, root, "customers", ck__json_new_integer(&w, (long long)re->n_customers));
    ck__json_put(&w, root, "items", ck__json_new_integer(&w, (long long)re->n_items));
    ck__json *methods = ck__json_put(&w, root, "methods", ck__json_new_array(&w));
    for (size_t m = 0; m < re->n_methods; m++) {
        const ck_recommend_method_eval *me = &re->methods[m];
        ck__json *o = ck__json_put(&w, methods, NULL, ck__json_new_object(&w));
        ck__json_put(&w, o, "name", ck__json_new_string(&w, me->name));
        metrics_json(&w, ck__json_put(&w, o, "all", ck__json_new_object(&w)), &me->all, m, "all");
        metrics_json(&w, ck__json_put(&w, o, "new_items", ck__json_new_object(&w)), &me->new_items,
                     m, "new_items");
        ck__json_put(&w, o, "fit_seconds",
                     ck__json_new_metric(&w, me->fit_seconds, "methods[%zu].fit_seconds", m));
    }
    int rc = w.rc;
    if (rc == CK_OK)
        rc = ck__json_write(root, out, err);
    ck__json_free(root);
    return rc;
}

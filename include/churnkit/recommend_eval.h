/**
 * @file recommend_eval.h
 * @brief Evaluating top-K recommendations out of time: for each customer, the list a
 *        recommender made from the history before a cutoff against the items the customer
 *        bought in the holdout after it. Precision@K, recall@K, NDCG@K, MAP@K, hit rate@K
 *        and catalogue coverage, for several named recommenders (the model and its
 *        baselines) side by side, in two variants: all items, and only items new to the
 *        customer. Written as JSON, as a text table, or as an HTML report
 *        (src/eval/recommend_report.c).
 *
 * Items are dense indices 0 .. n_items − 1 (those of interactions.h). The truth (holdout
 * purchases) and the known items (the customer's items before the cutoff) are sets in
 * compressed rows, shared by every method; each method gives a list per customer, best
 * first. The exact formulas are in docs/EVAL.md, section "Recommendations":
 *
 * - "all": the truth T is the holdout set, the list L its first K items.
 * - "new_items": the known items H are dropped from the truth, T' = T \ H, and the list is
 *   the method's list for new items when it gives one (made with H left out, as
 *   churn-predict --exclude-purchased makes it: the question "what new product will they
 *   want" is asked of the list a campaign would send); without one, L' is L without the
 *   items of H, the rest moving up, not refilled.
 *
 * In each variant the customers evaluated are those with a non-empty truth; the measures
 * are means over them (NaN when there are none). Every function is reentrant on distinct
 * objects.
 */
#ifndef CHURNKIT_RECOMMEND_EVAL_H
#define CHURNKIT_RECOMMEND_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Room for a method's name, its NUL included. */
#define CK_RECOMMEND_EVAL_NAME_LEN 64

/** What every method is measured against (borrowed arrays). */
typedef struct ck_recommend_eval_truth {
    size_t n_customers;
    size_t n_items;              /**< the catalogue, ≥ 1: the denominator of coverage */
    const size_t *truth_start;   /**< n_customers + 1 offsets: customer u's holdout items are
                                      truth_items[truth_start[u] .. truth_start[u + 1]) */
    const uint32_t *truth_items; /**< each < n_items; any order; a repeat counts once */
    const size_t *known_start;   /**< the same for the items known before the cutoff; NULL
                                      (with known_items NULL): nobody knows any item */
    const uint32_t *known_items;
} ck_recommend_eval_truth;

/** One recommender's lists (borrowed arrays). */
typedef struct ck_recommend_eval_method {
    const char *name;       /**< shown in the outputs ("model", "popular", "repeat"); at most
                                 63 bytes */
    const uint32_t *items;  /**< n_customers rows of k slots: customer u's list, best first,
                                 is items[u·k .. u·k + n_listed[u]); each < n_items, no item
                                 twice in a list */
    const size_t *n_listed; /**< per customer, 0..k; NULL: every list is full (k items) */
    double fit_seconds;     /**< the time the method took to fit; NaN when not measured */
    /** NULL, or the lists for new items (the customer's known items left out), laid out as
     *  items and n_listed; they must hold no known item */
    const uint32_t *new_items;
    const size_t *new_listed;
} ck_recommend_eval_method;

/** The measures of one method in one variant, means over the customers evaluated. */
typedef struct ck_recommend_metrics {
    size_t customers;         /**< customers with a non-empty truth in this variant */
    double precision;         /**< hits / K */
    double recall;            /**< hits / min(K, |T|) */
    double ndcg;              /**< DCG / ideal DCG over min(K, |T|) positions, log2 discount */
    double map;               /**< average precision at K, over min(K, |T|) */
    double hit_rate;          /**< the share with at least one hit */
    double coverage;          /**< distinct items in their lists / n_items */
    size_t items_recommended; /**< those distinct items */
} ck_recommend_metrics;

/** One method's evaluation. */
typedef struct ck_recommend_method_eval {
    char name[CK_RECOMMEND_EVAL_NAME_LEN];
    ck_recommend_metrics all;       /**< every item */
    ck_recommend_metrics new_items; /**< only items new to the customer */
    double fit_seconds;             /**< copied from the input; NaN when not measured */
} ck_recommend_method_eval;

/** An evaluation; made by ck_recommend_eval_run(). */
typedef struct ck_recommend_eval {
    size_t k;           /**< the list length K */
    size_t n_customers; /**< customers given (evaluated or not) */
    size_t n_items;
    size_t n_methods;
    ck_recommend_method_eval *methods; /**< n_methods, in the order given */
} ck_recommend_eval;

/**
 * Evaluate the methods' lists against the truth.
 * @param[out] out  the evaluation (NULL on failure); free with ck_recommend_eval_free()
 * @param k         the list length K, ≥ 1
 * @param methods   n_methods ≥ 1 methods, each with a list per customer of truth
 * @return CK_OK, CK_EINVAL (k or n_methods 0, n_items 0; an item index ≥ n_items, offsets
 *         that decrease, a list longer than k or holding an item twice, named with the
 *         method and customer, line = customer + 1; a name too long or NULL), CK_ENOMEM
 */
CK_API int ck_recommend_eval_run(ck_recommend_eval **out, const ck_recommend_eval_truth *truth,
                                 size_t k, const ck_recommend_eval_method *methods,
                                 size_t n_methods, ck_error *err);

/** Free an evaluation; accepts NULL. */
CK_API void ck_recommend_eval_free(ck_recommend_eval *re);

/**
 * The value of churn-eval's "recommend" member, followed by a newline:
 * {"k", "customers", "items", "methods": [{"name", "all": {"customers", "precision",
 *  "recall", "ndcg", "map", "hit_rate", "coverage", "items_recommended"}, "new_items":
 *  {the same}, "fit_seconds"}, …]}. "customers" at the top counts the customers given;
 * each variant's counts those evaluated. Undefined numbers (no customer evaluated, no
 * fit time) are null.
 * @return CK_OK, CK_EIO, CK_ENOMEM
 */
CK_API int ck_recommend_eval_write_json(const ck_recommend_eval *re, FILE *out, ck_error *err);

/**
 * The readable table: a row per method and variant with the customers evaluated and the
 * six measures, and the fit time.
 * @return CK_OK or CK_EIO (a write error)
 */
CK_API int ck_recommend_eval_write_text(const ck_recommend_eval *re, FILE *out, ck_error *err);

/** What the report says about where its numbers come from. */
typedef struct ck_recommend_report_info {
    const char *title;       /**< NULL for "Recommendation evaluation" */
    const char *description; /**< a line under the title (model, data, cutoff), or NULL */
} ck_recommend_report_info;

/**
 * One self-contained HTML page (inline SVG and CSS, no script, nothing fetched; the look
 * of ck_eval_write_report()): a verdict naming the best method on recall@K in each
 * variant, bar charts of recall@K and of NDCG@K per method, each with a bar for all items
 * and one for new items, the table of every measure, and how to read them. Undefined
 * numbers show as "–".
 * @param info  NULL for the defaults
 * @param out   the page is written here; the caller opens and closes it
 * @return CK_OK, CK_EIO (a write error)
 */
CK_API int ck_recommend_eval_write_report(const ck_recommend_eval *re,
                                          const ck_recommend_report_info *info, FILE *out,
                                          ck_error *err);

#ifdef __cplusplus
}
#endif

#endif

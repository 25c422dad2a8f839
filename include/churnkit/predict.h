/**
 * @file predict.h
 * @brief churn-predict's output rows (DESIGN.md, churn-predict): per customer the churn
 *        probability, risk score and band, percentiles, lifecycle stage, RFM score and
 *        segment, recall strategy and channel with what decided each (decided_by,
 *        channel_decided_by), the reasons in words and a status, as CSV or JSON Lines.
 *
 * A row depends only on the model, the rules and the customer's own values, so rows can
 * be written by many threads at once, each into its own buffer.
 */
#ifndef CHURNKIT_PREDICT_H
#define CHURNKIT_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "churnkit/config.h"
#include "churnkit/enrich.h"
#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/model.h"
#include "churnkit/uplift.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most reasons a row can carry. */
#define CK_MAX_REASONS 10

/** What every row is written with: read-only while rows are written. */
typedef struct ck_predict_writer {
    const ck_model *model;         /**< borrowed */
    const ck_predict_rules *rules; /**< borrowed */
    const ck_ab_results *ab;       /**< borrowed; NULL: strategy and channel by the rules */
    ck_enrich_plan plan;
    ck_reasons *reasons;
    char *ab_decided_by; /**< "ab:<file>" with a read-out, for channel_decided_by (owned) */
    int n_reasons;       /**< reason_1 .. reason_K, at most CK_MAX_REASONS */
    bool jsonl;          /**< JSON Lines instead of CSV */
    bool budget;         /**< a `contact` column (--budget) */
    /** a value model beside the churn model (churn-predict --value-model), or NULL: rows
     *  then carry the customer's value and value at risk (= churn probability × value),
     *  and the budget ranks by value at risk. The value is clv with a spend model
     *  (columns clv, value_at_risk), else expected purchases over the horizon (columns
     *  expected_purchases, purchases_at_risk). Set after ck_predict_writer_init(). */
    const ck_bgnbd_model *value;
    /** an uplift model beside the churn model (churn-predict --uplift-model), or NULL: the
     *  recall strategy is then the arm the uplift model finds worth its cost for the
     *  customer (ck_uplift_best_arm(); decided_by uplift:<arm>), or none (decided_by
     *  uplift:none), whatever the risk band; rows carry that arm's uplift and incremental
     *  value (uplift × value − cost), and the budget ranks by the incremental value. Set
     *  after ck_predict_writer_init(). */
    const ck_uplift *uplift;
    /** a recommender beside the churn model (churn-predict --recommender), or NULL: rows
     *  then end with recommended_items and recommended_category (ck_predict_extras). Set
     *  after ck_predict_writer_init(). */
    const ck_recommender *recommender;
} ck_predict_writer;

/**
 * Set up a writer (n_reasons is clamped to CK_MAX_REASONS); free it with
 * ck_predict_writer_free(). @return CK_OK or CK_ENOMEM
 */
CK_API int ck_predict_writer_init(ck_predict_writer *w, const ck_model *model,
                                  const ck_predict_rules *rules, const ck_ab_results *ab,
                                  int n_reasons, bool jsonl, bool budget, ck_error *err);
/** Release what the writer owns; accepts a zeroed writer. */
CK_API void ck_predict_writer_free(ck_predict_writer *w);

/** Where rows are written: text appended to a growing buffer, and the scratch a row needs. */
typedef struct ck_predict_buffer {
    char *text;
    size_t len, cap;
    double *contrib; /**< one per feature, allocated on first use */
} ck_predict_buffer;

/** Release a buffer's memory (the struct itself is the caller's); accepts zeroed ones. */
CK_API void ck_predict_buffer_free(ck_predict_buffer *b);

/**
 * Append the header line (CSV only; nothing for JSON Lines), naming the id column
 * @p id_name. @return CK_OK or CK_ENOMEM
 */
CK_API int ck_predict_write_header(const ck_predict_writer *w, const char *id_name,
                                   ck_predict_buffer *b, ck_error *err);

/**
 * Append one customer's row.
 * @param row      the customer's values coded against the model's schema
 * @param scored   false: status insufficient_history, no score, strategy or reasons
 * @param contact  the `contact` flag under --budget
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_predict_write_row(const ck_predict_writer *w, const char *id, const float *row,
                                bool scored, bool contact, ck_predict_buffer *b, ck_error *err);

/** What a row knows beyond its features, from the models beside the churn model. */
typedef struct ck_predict_extras {
    double value;         /**< the value model's value; NaN when unknown or without one */
    const double *uplift; /**< the uplift model's uplift per arm; NULL without scores */
    const uint32_t *recommended; /**< the recommender's picks, best first (catalogue indices) */
    size_t n_recommended;
} ck_predict_extras;

/** As ck_predict_write_row(), with what the models beside the churn model say. */
CK_API int ck_predict_write_full_row(const ck_predict_writer *w, const char *id,
                                     const float *row, const ck_predict_extras *extras,
                                     bool scored, bool contact, ck_predict_buffer *b,
                                     ck_error *err);

/**
 * As ck_predict_write_row(), with the customer's value from the writer's value model
 * (NaN when unknown: no purchase before the as-of date). The strategy's high-value rule
 * also fires on a clv of at least the rules' vip_min_clv.
 */
CK_API int ck_predict_write_valued_row(const ck_predict_writer *w, const char *id,
                                       const float *row, double value, bool scored, bool contact,
                                       ck_predict_buffer *b, ck_error *err);

/* ---- a value model's rows (churn-predict --model VALUE) ------------------------------ */

/** One customer's summary and value scores. */
typedef struct ck_value_row {
    double x, t_x, T; /**< frequency, recency and T, in the model's time unit */
    double spend;     /**< monetary_value (m̄); NaN without a spend model */
    double p_alive, expected_purchases;
    double expected_spend, clv; /**< NaN without a spend model */
} ck_value_row;

/**
 * Append the header of a value model's rows (CSV only): @p id_name, frequency, recency,
 * T, monetary_value (with a spend model), p_alive, expected_purchases, expected_spend and
 * clv (with a spend model). @return CK_OK or CK_ENOMEM
 */
CK_API int ck_value_write_header(const ck_bgnbd_model *model, bool jsonl, const char *id_name,
                                 ck_predict_buffer *b, ck_error *err);

/** Append one customer's row (the columns of ck_value_write_header()). */
CK_API int ck_value_write_row(const ck_bgnbd_model *model, bool jsonl, const char *id_name,
                              const char *id, const ck_value_row *row, ck_predict_buffer *b,
                              ck_error *err);

/* ---- an uplift model's rows (churn-predict --model UPLIFT) ---------------------------- */

/**
 * Append the header of an uplift model's rows (CSV only): @p id_name, p_<arm> for every
 * arm (control included), uplift_<arm> for every treatment arm, best_arm and, when the
 * model has values and costs, net_value (of the best arm).
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_uplift_write_header(const ck_uplift *model, bool jsonl, const char *id_name,
                                  ck_predict_buffer *b, ck_error *err);

/**
 * Append one customer's row: @p p and @p uplift as ck_uplift_score_row() gives them, the
 * best arm's name (or `none`, ck_uplift_best_arm()) and its net value.
 */
CK_API int ck_uplift_write_row(const ck_uplift *model, bool jsonl, const char *id_name,
                               const char *id, const double *p, const double *uplift,
                               ck_predict_buffer *b, ck_error *err);

/* ---- a recommender's rows (churn-predict --model RECOMMENDER) ------------------------- */

/** Append the header (CSV only): customer_id, recommended_items, recommended_category. */
CK_API int ck_recommend_write_header(bool jsonl, ck_predict_buffer *b, ck_error *err);

/** Append one customer's row: the @p n items of @p top (indices into the model's catalogue,
 *  best first) as ids joined by ';', and the top pick's category (empty when unknown). */
CK_API int ck_recommend_write_row(const ck_recommender *r, bool jsonl, const char *id,
                                  const uint32_t *top, size_t n, ck_predict_buffer *b,
                                  ck_error *err);

#ifdef __cplusplus
}
#endif

#endif

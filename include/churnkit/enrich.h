/**
 * @file enrich.h
 * @brief What the campaign team needs beside a churn probability: the risk band, the
 *        reasons in plain words, the recall strategy and channel (DESIGN.md, churn-predict).
 *
 * Every decision reads one customer's own values and the rules of the config's "predict"
 * section, so a customer's row never depends on who else is scored.
 */
#ifndef CHURNKIT_ENRICH_H
#define CHURNKIT_ENRICH_H

#include <stddef.h>

#include "churnkit/config.h"
#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/model.h"
#include "churnkit/schema.h"
#include "churnkit/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_risk_band { CK_BAND_LOW, CK_BAND_MEDIUM, CK_BAND_HIGH } ck_risk_band;

typedef enum ck_strategy {
    CK_STRATEGY_NONE,
    CK_STRATEGY_VIP,
    CK_STRATEGY_DISCOUNT,
    CK_STRATEGY_NEW_ARRIVAL,
    CK_STRATEGY_CONTENT,
    CK_STRATEGY_COUNT
} ck_strategy;

/** "high", "medium", "low". */
CK_API const char *ck_risk_band_name(ck_risk_band band);
/** "none", "vip", "discount", "new_arrival", "content". */
CK_API const char *ck_strategy_name(ck_strategy strategy);
/** The strategy named @p name, or -1. */
CK_API int ck_strategy_from_name(const char *name);

/**
 * The percentile (0–100) of @p probability in a distribution given by its percentiles
 * (CK_SCORE_QUANTILES ascending values, as ck_stats_score_quantiles() makes them), by
 * linear interpolation between them; the mean position over ties, so equal scores share a
 * percentile. NaN when @p q is NULL.
 */
CK_API double ck_enrich_percentile(const double *q, double probability);

/** The band of a probability (or of its percentile, 0–100, when the rules say so). */
CK_API ck_risk_band ck_enrich_band(const ck_predict_rules *rules, double probability,
                                   double percentile);

/** What the strategy rules read; NaN where the model's data lacks the value. */
typedef struct ck_customer_facts {
    ck_risk_band band;
    double probability;
    double m_score, revenue_365d, coupon_share;
    double frequency, recency_gap_ratio, interactions_30d;
    const char *lifecycle_stage; /**< NULL when unknown */
    double clv;                  /**< lifetime value from a value model; NaN without one */
} ck_customer_facts;

/**
 * Where the facts the rules read sit in a model's schema (-1: not a feature), and which
 * signals the model's training log lacked. revenue_365d, interactions_30d and the
 * channel columns are those of the model's windows (the longest, the shortest and the
 * third of windows_days: revenue_365d, interactions_30d and channel_<c>_180d by default).
 */
typedef struct ck_enrich_plan {
    long m_score, r_score, f_score, rfm_segment, lifecycle_stage;
    long revenue_365d, coupon_share, frequency, recency_gap_ratio, interactions_30d;
    long channel[CK_MAX_CHANNELS]; /**< channel_<c>_180d of each recall channel */
    /** evidence (from the training profile): a signal the log never had is unknown, not
     *  zero, so no rule fires on it */
    bool no_interactions; /**< no visit, view, favorite or cart event */
    bool no_coupons;      /**< no coupon event */
    bool no_channels;     /**< no channel column with a value */
} ck_enrich_plan;

/** Find the columns the rules read in @p schema, with the default windows; every signal
 *  counts as present. */
CK_API void ck_enrich_plan_init(ck_enrich_plan *plan, const ck_schema *schema,
                                const ck_predict_rules *rules);

/**
 * The plan for @p model: the columns the rules read in its schema under its windows, and
 * the signals its training profile (training.profile) lacked. A model without a profile
 * (older files, table models) has every signal, as with ck_enrich_plan_init().
 */
CK_API void ck_enrich_plan_for_model(ck_enrich_plan *plan, const ck_model *model,
                                     const ck_predict_rules *rules);

/**
 * The facts of one customer's row (coded against @p schema). A signal the plan marks as
 * absent from the log is NaN (interactions_30d, coupon_share, every engagement count).
 * @param[out] engagement  rules->n_recall_channels engagement counts (NaN when unknown)
 * @param[out] rfm_score   "545" from the R, F and M scores, "" when unknown (4 bytes)
 * @param[out] rfm_segment the segment's name (borrowed from the schema), or NULL
 */
CK_API void ck_enrich_facts(const ck_enrich_plan *plan, const ck_schema *schema, const float *row,
                            const ck_predict_rules *rules, ck_customer_facts *facts,
                            double *engagement, char rfm_score[4], const char **rfm_segment);

/**
 * The recall strategy by the rules, first match wins: low band → none; monetary score,
 * value at risk (probability × revenue_365d) or clv high enough → vip; coupon share high →
 * discount; a new or active customer with few purchases overdue against their own cycle
 * (the launch-driven pattern) → new_arrival; few interactions → content; else content.
 * A fact that is unknown (NaN) fires no rule: without coupon events no one is
 * price_sensitive, without interaction events no one is low_interaction.
 * @param[out] rule  names the rule that decided ("high_value", "price_sensitive", ...)
 */
CK_API ck_strategy ck_enrich_strategy(const ck_predict_rules *rules, const ck_customer_facts *facts,
                                      const char **rule);

/**
 * The recall channel: the allowed channel (rules->recall_channels) with the most
 * engagement in the last 180 days, the first allowed one on a tie or with none.
 * @param engagement  rules->n_recall_channels counts (NaN for unknown counts as 0)
 * @return the index of the channel in rules->recall_channels
 */
CK_API size_t ck_enrich_channel(const ck_predict_rules *rules, const double *engagement);

/** What decided a recall channel (the `channel_decided_by` column). */
typedef enum ck_channel_source {
    CK_CHANNEL_DEFAULT,    /**< "default": the first recall channel, nothing else known */
    CK_CHANNEL_ENGAGEMENT, /**< "engagement": the customer's own engagement by channel */
    CK_CHANNEL_AB          /**< "ab:<file>": the channel an A/B read-out measured */
} ck_channel_source;

/**
 * The recall channel with what decided it: the customer's own engagement when they
 * engaged on an allowed channel (a count above 0), else the configured default (the first
 * recall channel). The same channel as ck_enrich_channel().
 * @param[out] index  the channel's index in rules->recall_channels
 * @return CK_CHANNEL_ENGAGEMENT or CK_CHANNEL_DEFAULT
 */
CK_API ck_channel_source ck_enrich_channel_choice(const ck_predict_rules *rules,
                                                  const double *engagement, size_t *index);

/** A churn-ab read-out (its --json file), for choosing strategies by measured lift. */
typedef struct ck_ab_results ck_ab_results;

/**
 * Read a churn-ab --json file: its per-segment arms and its arm × channel table.
 * @return CK_OK, CK_EIO, CK_EPARSE (not JSON), CK_EINVAL (not a churn-ab read-out)
 */
CK_API int ck_ab_results_load(ck_ab_results **out, const char *path, ck_error *err);
CK_API void ck_ab_results_free(ck_ab_results *ab);

/** The path the read-out was loaded from, as given (borrowed). */
CK_API const char *ck_ab_results_path(const ck_ab_results *ab);

/**
 * The strategy (arm) with the largest significant positive lift in the customer's
 * segment — a segment whose column is a categorical feature of @p schema and whose value
 * is the customer's level — and for it the channel with the largest significant lift in
 * the arm × channel table.
 * @param[out] strategy  the arm as a strategy; untouched when nothing qualifies
 * @param[out] channel   the channel (borrowed), or NULL when none is significant
 * @param[out] why       "ab:rfm_segment=at_risk arm=discount lift=+0.052 p=0.003" (at least 96
 * bytes)
 * @return true when a measured lift decided the strategy
 */
CK_API bool ck_ab_results_choose(const ck_ab_results *ab, const ck_schema *schema, const float *row,
                                 ck_strategy *strategy, const char **channel, char *why,
                                 size_t size);

/** The rules' reason templates resolved against a schema once, for ck_enrich_reasons(). */
typedef struct ck_reasons ck_reasons;

/**
 * Resolve the templates of @p rules against @p schema (borrowed: it must outlive the
 * result), and each feature's family (docs/REASONS.md). A template that names no feature of
 * the schema, has an unclosed brace or an unknown condition is not used: its feature gets
 * the next wording.
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_reasons_new(ck_reasons **out, const ck_predict_rules *rules, const ck_schema *schema,
                          ck_error *err);
CK_API void ck_reasons_free(ck_reasons *r);

/**
 * The reasons a customer's churn risk is high: the (up to) @p k features whose
 * contribution raises the logit the most (positive contributions only), at most one of a
 * family, never an output (lifecycle_stage, rfm_segment), a score code worded as the
 * quantity it codes (docs/REASONS.md); worded with the rules' templates, or "<feature name
 * in words>: <value>" without one or when every template reads a missing value.
 * @param row      the customer's values coded against the schema
 * @param contrib  each feature's contribution to the logit (churn-predict passes it less
 *                 the training mean, ck_model_contribution_means())
 * @param[out] out @p k buffers of 256 bytes; unused ones are set to ""
 * @return the number of reasons written
 */
CK_API size_t ck_enrich_reasons(const ck_reasons *reasons, const float *row, const double *contrib,
                                size_t k, char (*out)[256]);

#ifdef __cplusplus
}
#endif

#endif

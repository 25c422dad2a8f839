/**
 * @file config.h
 * @brief The JSON configuration shared by every tool: input columns, event aliases, the
 *        churn definition, lifecycle and RFM thresholds, channels.
 *
 * Every setting has the documented default (ck_config_init()); a config file overrides
 * only what it names. Unknown keys are errors, so a typo never passes silently:
 *
 *     {
 *       "delimiter": ",",
 *       "columns": { "member": "customer_id", "order_date": "ts" },
 *       "event_aliases": { "order": "purchase" },
 *       "churn": { "lookback_days": 365, "horizon_days": 90, "gap_days": 0 },
 *       "lifecycle": { "new_days": 30, "active_days": 180, "dormant_days": 365 },
 *       "rfm": { "recency_bounds": [a, b, c, d], "frequency_bounds": [...],
 *                "monetary_bounds": [...], "segments": [[5 names, F = 1..5] × R = 1..5] },
 *       "channels": ["sms", "wechat", "miniprogram", "app", "web", "store"],
 *       "windows_days": [30, 90, 180, 365],
 *       "predict": { "risk_bands": { "by": "probability", "high": 0.6, "medium": 0.3 },
 *                    "reasons": 3, "strategy": { ... }, "recall_channels": [...],
 *                    "min_events": 1, "reason_templates": { "feature": "text", ... } },
 *       "recommend": { "weights": { "purchase": 1, "cart": 0.5, "favorite": 0.5, "view": 0.1 },
 *                      "half_life_days": 0 }
 *     }
 *
 * `columns` maps a column name in the file to the canonical name it stands for (as
 * pandas' rename does); `event_aliases` maps a name in the file to a canonical event.
 * The optional `item` column yields its default name: when another column is renamed to
 * "item" and `item` itself is not renamed, no column is read as the item (column_names
 * [CK_COL_ITEM] is ""), so a config written before items existed reads as it did.
 */
#ifndef CHURNKIT_CONFIG_H
#define CHURNKIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "churnkit/error.h"
#include "churnkit/event_types.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_NAME_MAX     64
#define CK_MAX_ALIASES  64
#define CK_MAX_CHANNELS 16
#define CK_N_WINDOWS    4

/** The columns of an event file, in canonical order. */
typedef enum ck_event_column {
    CK_COL_CUSTOMER_ID,
    CK_COL_TS,
    CK_COL_EVENT,
    CK_COL_AMOUNT,
    CK_COL_CHANNEL,
    CK_COL_CATEGORY,
    CK_COL_ITEM, /**< optional: the product id of a purchase, cart, favorite or view */
    CK_COL_COUNT
} ck_event_column;

/** The canonical name of an event column ("customer_id"). */
CK_API const char *ck_event_column_name(int column);

/** RFM dimensions, in the order of `rfm_bounds`. */
enum { CK_RFM_R, CK_RFM_F, CK_RFM_M };

#define CK_MAX_TEMPLATES 96
#define CK_TEMPLATE_MAX  160

/**
 * What churn-predict tells the campaign team (the "predict" section): risk bands, the
 * number of reasons and their wording, the recall strategy rules and channels. These are
 * operational settings read at scoring time; they are not part of a model's feature spec.
 */
typedef struct ck_predict_rules {
    bool bands_by_percentile; /**< thresholds below are percentiles (0–100), not probabilities */
    double band_high, band_medium; /**< at or above → high; at or above → medium; else low */
    int n_reasons;
    /** strategy: first matching rule wins, for customers not in the low band */
    double vip_min_m_score;              /**< high value: monetary score at least this ... */
    double vip_min_value_at_risk;        /**< ... or probability × revenue_365d at least this */
    double vip_min_clv;                  /**< ... or clv (with a value model) at least this */
    double discount_min_coupon_share;    /**< price-sensitive */
    int new_arrival_max_frequency;       /**< launch-driven: few purchases ... */
    double new_arrival_min_gap_ratio;    /**< ... and overdue against their own cycle */
    double content_max_interactions_30d; /**< low interaction */
    size_t n_recall_channels;            /**< channels a campaign can use, in preference order */
    char recall_channels[CK_MAX_CHANNELS][CK_NAME_MAX];
    int min_events; /**< fewer events before the as-of date → insufficient_history */
    /** reason wording per feature (docs/REASONS.md): "{feature}" or "{feature:D}" (D
     *  decimals) insert a value, "{feature_pct}" it × 100, "{feature_abs}" its absolute
     *  value, "{feature_change}" the change a *_trend column stands for ("down 80%", "up
     *  25%"); a key "name_*d" words every window of name ("*" in its text: the days); a key
     *  "feature:missing", "feature:negative" or "feature:<number>" words that case */
    size_t n_templates;
    struct {
        char feature[CK_NAME_MAX];
        char text[CK_TEMPLATE_MAX];
    } templates[CK_MAX_TEMPLATES];
} ck_predict_rules;

/**
 * Implicit feedback for recommendations (the "recommend" section; interactions.h): how much
 * one event of each type with an item says about interest in that item, and how fast it
 * fades. `weights` in the file overrides only the types it names.
 */
typedef struct ck_recommend_config {
    /** weight of one event of each ck_event_type, ≥ 0 (0: not an interaction). Defaults:
     *  purchase 1, cart 0.5, favorite 0.5, view 0.1, every other type 0; a refund is never
     *  an interaction (the file may not weight it) */
    double weights[CK_EV_COUNT];
    /** 0: no decay; else an event of age a days before the cutoff counts
     *  weight × 2^(−a / half_life_days) */
    double half_life_days;
} ck_recommend_config;

/** Fill @p rc with the documented defaults (those of ck_config_init()). */
CK_API void ck_recommend_config_init(ck_recommend_config *rc);

/** A whole configuration. Plain data: copy it freely. */
typedef struct ck_config {
    char delimiter;
    /** the header name of each canonical column in the file */
    char column_names[CK_COL_COUNT][CK_NAME_MAX];
    size_t n_aliases;
    struct {
        char alias[CK_NAME_MAX];
        int event; /**< ck_event_type */
    } aliases[CK_MAX_ALIASES];

    int lookback_days; /**< population: a purchase in [T − lookback, T) */
    int horizon_days;  /**< label 1 when no purchase in [T + gap, T + gap + horizon) */
    int gap_days;

    int new_days;     /**< lifecycle: first purchase within this many days → new */
    int active_days;  /**< last purchase within → active */
    int dormant_days; /**< last purchase within → dormant; beyond → churned */

    /** fixed RFM quintile boundaries (ascending); when absent they come from the population */
    bool has_rfm_bounds;
    double rfm_bounds[3][4];
    /** segment name for R score (row) and F score (column), both 1–5 */
    char rfm_segments[5][5][CK_NAME_MAX];

    size_t n_channels; /**< channels with their own engagement feature */
    char channels[CK_MAX_CHANNELS][CK_NAME_MAX];

    /** the feature windows, ascending (docs/FEATURES.md): purchases and revenue over each;
     *  interactions over the first two; channel engagement over the third; campaigns and
     *  categories over the fourth. Feature names follow them (purchases_30d) */
    int windows_days[CK_N_WINDOWS];

    ck_predict_rules predict;

    /** What an uplift model decides with (the "uplift" section, read when one is trained):
     *  the value of a conversion by arm and the cost of treating one customer with it;
     *  an arm not listed is worth `uplift_value` and costs 0 */
    bool has_uplift_economics;
    double uplift_value;
    size_t n_uplift_arms;
    struct {
        char arm[CK_NAME_MAX];
        double value, cost; /**< value NaN: uplift_value */
    } uplift_arms[16];

    /** implicit-feedback weights for the recommenders (the "recommend" section) */
    ck_recommend_config recommend;
} ck_config;

/** Whether @p cfg's feature windows are the default ones (30, 90, 180, 365 days). */
CK_API bool ck_config_default_windows(const ck_config *cfg);

/** Fill @p cfg with the documented defaults. */
CK_API void ck_config_init(ck_config *cfg);

/**
 * Load a JSON config file over the defaults.
 * @return CK_OK, CK_EIO (unreadable), CK_EPARSE (not JSON), CK_EINVAL (unknown key, bad
 *         type or value); the message names the key
 */
CK_API int ck_config_load(ck_config *cfg, const char *path, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif

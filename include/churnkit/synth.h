/**
 * @file synth.h
 * @brief A generator of realistic, deterministic behaviour histories of a membership brand,
 * for demos, tests and benchmarks.
 *
 * The simulated brand sells beauty products through six channels (sms, wechat,
 * miniprogram, app, web, store). Its members are prospects who browse and never buy, steady
 * buyers with their own repurchase cycle, trial buyers who mostly stop after one order, and
 * a launch cohort that buys at three product launches and falls silent. Each buyer has a
 * latent engagement that drifts down; the lower it is, the likelier the buyer lapses before
 * the next purchase, and a lapse shows in the data first as fading visits and views. Segments
 * (price_sensitive, high_value, low_interaction, regular) set spend, coupon use and browsing,
 * and through them the response to a recall campaign.
 *
 * Optionally, a recall campaign targets the customers at risk on a given day: each is
 * assigned at random to an arm (control, discount, vip, content) and a channel (sms, wechat,
 * miniprogram, app), uniformly and independently. Over the campaign window an assigned
 * customer converts on their own with probability p0 (from their latent state). Treatment
 * arm a reaches them through channel k with q = e_a * channel_multiplier[k] (0 for
 * control), where the effect e_a is the customer's own and depends only on traits their
 * history before the campaign day shows (so a model of features can learn it):
 * - discount: e = 0.02 + 0.24 coupon_p (price sensitivity: the chance of using a coupon);
 * - vip: e = 0.01 + 0.14 / (1 + exp(-ln(order_value / 500) / 0.25)) (high spenders);
 * - content: e = 0.02 + 0.24 g - 0.2 (1 - g) max(0, 1 - L / 0.5), with g = min(1, max(0,
 *   (mean_gap_days - 40) / 60)) (long-cycle buyers, who forget the brand between
 *   purchases) and L the engagement after their last purchase before the campaign (which
 *   their fading visits show): it helps long-cycle buyers, and harms short-cycle buyers
 *   whose engagement has faded, who are annoyed by the contact.
 * With q >= 0 the treatment brings back a share q of those who would not return on their
 * own, P(convert) = p0 + (1 - p0) q; with q < 0 a share |q| of those who would return do
 * not, P(convert) = p0 (1 + q). A customer's uplift for arm a is P(convert | a) -
 * P(convert | control) averaged over the four channels (a model does not see the channel).
 * The truth file states each customer's effects and uplifts, and the expected lift and
 * conversion rate of every arm overall, per channel and per segment, as means over the
 * assigned customers, so estimates can be checked against it.
 *
 * Outputs (all CSV with a header row, UTF-8, `\n` line ends; times UTC):
 * Products: a catalogue of `n_items` items (ids `P` and the 1-based index zero-padded to at
 * least 5 digits), each in one of the six categories, with a popularity that follows Zipf's
 * law (the item of popularity rank k gets k^-1, normalised to sum to 1; ranks are shuffled
 * over the ids) and a position f in 5 latent taste factors (standard normal). Each customer
 * has latent tastes: a favourite category (the heaviest of the category weights that choose
 * the category of every purchase, view, cart and favorite), a taste vector t (one of 64
 * taste types drawn once per catalogue, N(0, 0.6^2) per factor) and a repeat propensity
 * r, uniform on [0.3, 0.7]. Within the row's category, a view, cart or favorite picks item
 * j with P(j) ∝ popularity_j · exp(t · f_j); a purchase repeats, with probability r, one of
 * the customer's earlier purchases in that category (uniformly over those purchase rows, so
 * favourites grow), and otherwise draws a new item as a view does. The views, favorite and
 * cart of the session that leads to a purchase show the purchased item; a refund carries
 * the item of its purchase. The items come from a random stream of their own per customer,
 * so every other field of every row is what it would be without them.
 *
 * - events: `customer_id,ts,event,amount,channel,category,item`, ts `YYYY-MM-DDTHH:MM:SSZ`
 *   inside [start, start + days); each customer's rows are contiguous and in time order
 *   (a coupon row follows the purchase it was used on, with the same ts); customers appear
 *   in id order. Ids are `C` and the 1-based index zero-padded to at least 7 digits.
 *   A `signup` row is written for the members who join inside the period; 45% are existing
 *   members whose signup (in the customers file) precedes it.
 * - customers: `customer_id,signup_date,age,gender,city_tier,member_level`.
 * - assignments: `customer_id,arm,channel,assigned_at,segment`, one row per customer at risk
 *   on the campaign day: customers who have bought, whose last purchase is at most 365 days
 *   old, who have not cancelled, and who have lapsed or whose last purchase is more than 1.5
 *   of their mean repurchase gaps old.
 * - truth: one JSON object: `seed`, `n_customers`, `start`, `days`, `end`, `customers` and
 *   `campaign`. Numbers are `%.17g`; times are ts strings or null. Each element of
 *   `customers` stands on a line of its own (so the file can also be read a line at a time)
 *   and holds `id`, `segment`, `cohort`, `signup_at`, `mean_gap_days` and `gap_shape` (null
 *   for prospects), `order_value` (mean, before coupons), `coupon_p`, `store_p`, `engagement`
 *   (initial level), `engagement_drift`, `visit_rate`, `purchases` (purchase rows written),
 *   `lapsed_at` (the last lapse inside the period: no purchase follows it), `cancelled_at`,
 *   `churned_by_end`, and `campaign`: null, or `arm`, `channel`, `lapsed` (on the campaign
 *   day), `engagement` (L above), `p0`, `q` (through their own arm and channel; may be
 *   negative), `outcome` (none, natural, recall, or deterred: would have returned on their
 *   own but the contact put them off), `effect` {discount: e, vip: e, content: e} (before
 *   the channel multiplier) and `uplift` {discount: x, vip: x, content: x} (the mean over
 *   channels of P(convert | arm) - P(convert | control), whatever arm they were assigned).
 *   Then `favourite_category`, `taste_type`, `taste` (the vector t), `repeat_p` (r), and
 *   with a holdout `holdout_purchases`: the item ids of the customer's purchase rows on or
 *   after the holdout day, in row order.
 *   `campaign` is null without a campaign, else `date`, `window_days`, `window_end`, `arms`,
 *   `channels`, `segments`, `effect` {arm: {segment: mean e over the segment's assigned
 *   customers}}, `channel_multiplier`, `price_factor`, `lapsed_p0`, `assigned` (counts),
 *   and `true_rate`, `true_lift`, `true_revenue` (expected purchase amount per assigned
 *   customer in the window) and `true_revenue_lift`, each with `by_arm` {arm: x},
 *   `by_channel` {channel: {arm: x}} and `by_segment` {segment: {arm: x}} (`true_lift` also
 *   `by_arm_channel` {arm: {channel: x}}, the same values as `by_channel`); a group with
 *   nobody is null. Every group value is a mean over all the assigned customers of the
 *   group, whatever their arm: the quantity a difference in means between arm and control
 *   estimates. `by_arm` and `by_segment` average each customer over the channels (so
 *   `true_lift.by_arm` is the mean of the customers' `uplift`), `by_channel` takes the
 *   customers that channel reached, through it. After `campaign`: `holdout_from` (a date,
 *   or null) and `catalogue`: `n_items`, `n_factors`, `popularity_exponent` (a, 1: P(j) ∝
 *   popularity^a · exp(t · f)), `zipf_exponent`, `taste_types` (one vector per line) and
 *   `items`, one per line, each `[id, category, popularity, [f...]]`.
 *
 * The same parameters give byte-identical outputs on the same platform; each customer is
 * drawn from its own random stream, so customer i does not depend on how many follow it.
 */
#ifndef CHURNKIT_SYNTH_H
#define CHURNKIT_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The largest `n_customers` accepted. */
#define CK_SYNTH_MAX_CUSTOMERS 100000000u
/** The largest `days` accepted (100 years). */
#define CK_SYNTH_MAX_DAYS 36500
/** The largest `n_items` accepted. */
#define CK_SYNTH_MAX_ITEMS 100000u
/** The largest `campaign_window_days` accepted. */
#define CK_SYNTH_MAX_WINDOW_DAYS 365

/** What to simulate. Initialise with #CK_SYNTH_PARAMS_INIT, then set fields. */
typedef struct ck_synth_params {
    uint64_t seed;            /**< random seed; every value is valid */
    size_t n_customers;       /**< customers to simulate, 1 to #CK_SYNTH_MAX_CUSTOMERS */
    int64_t start_ts;         /**< first day of the period: Unix seconds at the start of a UTC
                                   day, from 1900-01-01 */
    int days;                 /**< length of the period, 1 to #CK_SYNTH_MAX_DAYS; it must end
                                   by 9999-12-31 */
    bool has_campaign;        /**< run the recall campaign */
    int64_t campaign_ts;      /**< its first day (start of a UTC day), after `start_ts`, with
                                   the whole window inside the period */
    int campaign_window_days; /**< days in which a conversion counts, 1 to
                                   #CK_SYNTH_MAX_WINDOW_DAYS */
    size_t n_items;           /**< items in the catalogue, 6 (one per category) to
                                   #CK_SYNTH_MAX_ITEMS */
    bool has_holdout;         /**< state each customer's purchases from `holdout_ts` on in the
                                   truth */
    int64_t holdout_ts;       /**< the holdout's first day (start of a UTC day), after
                                   `start_ts` and before the end of the period */
} ck_synth_params;

/** Defaults: seed 1, 1000 customers, 365 days from 2024-01-01, no campaign, 30-day window,
 *  2000 items, no holdout. */
#define CK_SYNTH_PARAMS_INIT                                                                       \
    {                                                                                              \
        .seed = 1, .n_customers = 1000, .start_ts = 1704067200 /* 2024-01-01 */, .days = 365,      \
        .has_campaign = false, .campaign_ts = 0, .campaign_window_days = 30, .n_items = 2000,      \
        .has_holdout = false, .holdout_ts = 0                                                      \
    }

/** Counts of what ck_synth_write() wrote. */
typedef struct ck_synth_stats {
    size_t n_events;   /**< rows written to the events file (header excluded) */
    size_t n_buyers;   /**< customers with at least one purchase row */
    size_t n_assigned; /**< customers assigned in the campaign */
} ck_synth_stats;

/**
 * Check parameters without generating anything.
 * @param params  the parameters to check (not NULL)
 * @param err     receives the reason, naming the field and quoting its value (may be NULL)
 * @return CK_OK, or CK_EINVAL when a field is out of range
 */
CK_API int ck_synth_check_params(const ck_synth_params *params, ck_error *err);

/**
 * Simulate the brand and write its history.
 *
 * Output streams are written sequentially and never closed or rewound; the caller opens
 * them (binary mode is best) and closes them, and should check fclose() for errors. On
 * failure the streams hold partial output, which the caller discards.
 *
 * @param params       what to simulate (not NULL; checked as by ck_synth_check_params())
 * @param events       receives the events CSV (not NULL)
 * @param customers    receives the customers CSV, or NULL
 * @param assignments  receives the campaign assignments CSV, or NULL; needs
 *                     `params->has_campaign`
 * @param truth        receives the truth JSON, or NULL
 * @param[out] stats_out  receives the counts, or NULL
 * @param progress     called with the fraction done, or NULL
 * @param payload      passed to @p progress
 * @param err          receives the reason for a failure (may be NULL)
 * @return CK_OK; CK_EINVAL for bad parameters; CK_ENOMEM; CK_EIO when a write fails (the
 *         message names the output and carries strerror(errno))
 */
CK_API int ck_synth_write(const ck_synth_params *params, FILE *events, FILE *customers,
                          FILE *assignments, FILE *truth, ck_synth_stats *stats_out,
                          ck_progress_fn progress, void *payload, ck_error *err);

/**
 * The BTYD mode: customers drawn from a known BG/NBD + Gamma-Gamma process (see bgnbd.h),
 * so that a fit can be checked against the truth. Each customer makes a first purchase at a
 * time uniform over the first `first_window_days` of the period; while alive they buy at
 * rate λ ~ Gamma(r, α) per day (exponential gaps) and after each repeat purchase they drop
 * out with probability p ~ Beta(a, b) (the first purchase never ends a life, as in FHL);
 * every purchase's amount is Gamma(p_spend, ν) with ν ~ Gamma(q, γ), rounded to cents and
 * at least 0.01. Initialise with #CK_SYNTH_BTYD_PARAMS_INIT.
 */
typedef struct ck_synth_btyd_params {
    uint64_t seed;         /**< random seed; every value is valid */
    size_t n_customers;    /**< 1 to #CK_SYNTH_MAX_CUSTOMERS */
    int64_t start_ts;      /**< as in ck_synth_params */
    int days;              /**< as in ck_synth_params */
    int first_window_days; /**< first purchases fall in [start, start + this), 1 to `days`;
                                0 for min(84, days) (CDNOW's 12 weeks) */
    double r, alpha, a, b; /**< BG/NBD, per day; all > 0 and finite */
    double p, q, gamma;    /**< Gamma-Gamma (p is the shape of each amount); all > 0 */
    int n_threads;         /**< ≥ 1; the output is the same for any count */
} ck_synth_btyd_params;

/** Defaults: CDNOW's estimates (FHL 2005; Gamma-Gamma from FHL's JMR paper) with α per
 *  day (7 × 4.414), seed 1, 1000 customers, 273 days (39 weeks) from 2024-01-01. */
#define CK_SYNTH_BTYD_PARAMS_INIT                                                                  \
    {                                                                                              \
        .seed = 1, .n_customers = 1000, .start_ts = 1704067200, .days = 273,                       \
        .first_window_days = 0, .r = 0.243, .alpha = 4.414 * 7, .a = 0.793, .b = 2.426, .p = 6.25, \
        .q = 3.74, .gamma = 15.44, .n_threads = 1                                                  \
    }

/**
 * Check BTYD parameters without generating anything.
 * @return CK_OK, or CK_EINVAL naming the field and quoting its value
 */
CK_API int ck_synth_btyd_check_params(const ck_synth_btyd_params *params, ck_error *err);

/**
 * Draw the BTYD population and write it.
 *
 * - events: `customer_id,ts,event,amount`, one `purchase` row per purchase in
 *   [start, start + days), ids and ts as in ck_synth_write(), customers in id order, each
 *   customer's rows in time order; every customer has at least the first purchase.
 * - truth: one JSON object: `seed`, `n_customers`, `start`, `days`, `end`,
 *   `first_window_days`, `unit` ("day"), `bgnbd` {r, alpha, a, b}, `gammagamma`
 *   {p, q, gamma}, and `customers`, one per line: `id`, `lambda` (per day), `dropout` (p),
 *   `nu`, `purchases` (rows written) and `alive` (not dropped out by the end). Numbers
 *   are `%.17g`.
 *
 * Streams as in ck_synth_write(). stats_out gets n_events and n_buyers (customers with a
 * repeat purchase); n_assigned is 0.
 * @return CK_OK; CK_EINVAL; CK_ENOMEM; CK_EIO
 */
CK_API int ck_synth_btyd_write(const ck_synth_btyd_params *params, FILE *events, FILE *truth,
                               ck_synth_stats *stats_out, ck_progress_fn progress, void *payload,
                               ck_error *err);

#ifdef __cplusplus
}
#endif

#endif

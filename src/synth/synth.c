/*
 * The synthetic behaviour generator: a simulated membership beauty brand whose members
 * browse, buy, lapse, cancel and answer a recall campaign, written as the CSV files of
 * DESIGN.md ("Input data") and a JSON file of the latent truth.
 *
 * Model, per customer (all draws from the customer's own random stream, so customers are
 * independent and the output is the same whatever else is generated):
 *
 * - Latent profile: a segment (price_sensitive, high_value, low_interaction, regular) that
 *   sets order value, coupon use, browsing intensity, store share and refund rate (table
 *   `profiles`), and through them the campaign response, and a cohort: prospect (browses,
 *   never buys), steady (renewal process), trial (usually lapses after the first order) or
 *   launch (buys at three product launches, 91 days apart, then falls silent: the
 *   beauty-brand case). 45% are existing members who signed up in the year before the
 *   period; their history before the period is simulated but not written (a log always
 *   starts somewhere).
 * - Purchases of steady and trial buyers: a renewal process with gaps Gamma(k, m/k) days
 *   (mean m, the customer's own cycle; k sets its regularity). The gamma draws use Marsaglia
 *   and Tsang (2000), see rng.c.
 * - Lapse (latent churn): each buyer carries an engagement level L in (0, 1], which evolves
 *   after every purchase as a log-normal random walk with a per-customer drift (mostly
 *   downward). Before each gap the buyer lapses with probability 0.02 + 0.40 (1 - L)^1.5, so
 *   the hazard rises as engagement decays; the lapse falls at a uniform point of the gap that
 *   would have followed. A lapsed buyer never buys again on their own. Independently, 1% of
 *   gaps end in an abrupt membership cancellation, and 25% of lapses are followed by a
 *   cancellation after an exponential delay (mean 45 days). Nothing is logged after a
 *   cancellation.
 * - Engagement signals: background visits form an inhomogeneous Poisson process whose rate
 *   r L (f + (1 - f) exp(-s / tau)) decays with the time s since the last purchase (f = 0.3,
 *   tau = 1.5 m). Over a gap that ends in a lapse the floor f is 0 and tau = 0.4 m, so visits
 *   fade before the lapse; after it they decay from 0.3 L with tau = 45 days. Counts are
 *   Poisson with the integrated rate and times are drawn by inverting the integrated rate, a
 *   closed form for these exponentials (the time-change theorem; e.g. Ross, "Simulation",
 *   ch. 5). A visit brings views (Poisson), sometimes a favorite or an abandoned cart. Brand
 *   promotions (Mar 8, Jun 18, Nov 11) log a campaign event with a probability proportional to
 *   the engagement on that day.
 * - A purchase: order value log-normal with the customer's mean (exp(mu + sigma^2 / 2)); an
 *   online purchase is usually preceded by a browsing session (visit, views, favorite, cart);
 *   a coupon (15% off, price-sensitive buyers mostly) is logged with the purchase's ts; one
 *   loyalty point per whole currency unit is earned, and points are redeemed in hundreds
 *   once the logged balance reaches 500; a refund follows some purchases within two weeks.
 * - Time of day follows the hourly profile of a brand in UTC+8 (evening peak).
 *
 * Recall campaign (optional), on campaign day T with a window of w days: a customer is at
 * risk when they have bought before T, their last purchase is at most 365 days old, they
 * have not cancelled, and they have lapsed or their last purchase is more than 1.5 mean
 * gaps old. Every customer at risk is assigned, from a separate random stream, to one of
 * four arms and four channels uniformly at random. Their own process is replaced inside
 * the window: they return naturally with probability p0 (0.03 when lapsed; otherwise the
 * chance of not lapsing times the chance 1 - exp(-w / m) of a renewal inside the window).
 * The treatment acts with q = e[arm] * channel_multiplier[channel], where the customer's
 * effects e (recall_effects()) are functions of their coupon use, order value, browsing
 * rate and engagement, the traits their history shows: if q >= 0 it brings back with
 * probability q those who do not return on their own; if q < 0 it deters with probability
 * |q| those who would (one more draw from the campaign stream, for those only). Natural
 * purchases are ordinary (and take coupons as usual); recall purchases come through the
 * campaign channel after a campaign event, cost price_factor[arm] times the usual order
 * value and carry a coupon under the discount arm. A converted customer is reactivated and
 * renews from the end of the window; the others (the deterred too) stay lapsed, or resume
 * with the remaining part of a gap. With lift(q) = (1 - p0) q, or p0 q when q < 0, a
 * customer's uplift for arm a is the mean of lift(e[a] m[k]) over the four channels k, the
 * effect a model that does not see the channel can learn. The truth states, for each group
 * of assigned customers, true_lift(a) = mean of the uplift (per channel k: the mean over
 * the customers reached through k of lift(e[a] m[k])) and true_rate(a) = that plus the mean
 * of p0: the expectation of a difference in means between arm and control. The revenue
 * truths use E[amount] = mean order value times (1 - 0.15 coupon_p) for natural purchases
 * and times price_factor for recall purchases.
 *
 * Products (ck_synth_params.n_items): a catalogue drawn once from a stream of its own. Items
 * are shared out over the categories (item_share), the ranks 1..n of a Zipf popularity
 * k^-ZIPF_EXPONENT are shuffled over them, and each gets N_FACTORS standard normal taste
 * factors f. A customer's taste vector t is one of N_TASTE_TYPES types (N(0, TASTE_SD^2) per
 * factor, drawn with the catalogue), so that P(j) ∝ popularity_j^a exp(t · f_j) within each
 * category is a cumulative table per (type, category), built once, and an item costs one
 * uniform and a binary search: the generator keeps its speed. The type, the repeat
 * propensity and every item choice come from a third stream per customer (irng), and the
 * categories are those the customer's own stream chose, so adding items changes no other
 * byte of the events file. A purchase repeats, with the customer's propensity, one of
 * their earlier purchase rows in the same category (a Polya urn: favourites grow, as the
 * own-history signal of real retail does); by exchangeability each repeat still has the
 * marginal P(j) above.
 *
 * Data layout: customers are generated one at a time. A customer's purchases are planned
 * first (times, engagement, lapse in the following gap), then every event is pushed into a
 * reusable array, sorted by (ts, push order), and formatted by hand into a large buffer
 * (dates from a table of the period's days), which is written with fwrite.
 */
#include "churnkit/synth.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/util.h"
#include "churnkit/events.h"
#include "churnkit/timestamp.h"

#define DAY   ((int64_t)CK__DAY_SECONDS)
#define NEVER INT64_MAX

/* ---- vocabularies ---- */

/* The first four channels are the campaign channels, in the same order. */
enum {
    CH_SMS,
    CH_WECHAT,
    CH_MINIPROGRAM,
    CH_APP,
    CH_WEB,
    CH_STORE,
    N_CHANNEL,
    CH_NONE = N_CHANNEL
};
#define N_CAMPAIGN_CHANNEL 4
static const char *const channel_names[N_CHANNEL + 1] = { "sms", "wechat", "miniprogram",
                                                          "app", "web",    "store",
                                                          "" };

enum { N_CATEGORY = 6, CAT_NONE = N_CATEGORY };
enum { CAT_SKINCARE, CAT_MAKEUP, CAT_FRAGRANCE };
static const char *const category_names[N_CATEGORY + 1] = { "skincare", "makeup",   "fragrance",
                                                            "haircare", "bodycare", "accessories",
                                                            "" };

/* Share of the catalogue's items in each category; every category gets at least one. */
static const double item_share[N_CATEGORY] = { 0.30, 0.22, 0.16, 0.12, 0.12, 0.08 };
#define N_FACTORS        5
#define N_TASTE_TYPES    64
#define TASTE_SD         0.6
#define ZIPF_EXPONENT    1.0
#define POP_EXPONENT     1.0 /* a in P(j) ∝ popularity^a exp(t · f) */
#define REPEAT_P_LOW     0.3
#define REPEAT_P_SPAN    0.4
#define ITEM_NONE        UINT32_MAX
#define CATALOGUE_STREAM UINT64_MAX /* the customers' streams are 2i, 2i + 1 and ITEM_STREAM + i */
#define ITEM_STREAM      ((uint64_t)1 << 62)

enum { SEG_PRICE, SEG_HIGH, SEG_LOW, SEG_REGULAR, N_SEGMENT };
static const char *const segment_names[N_SEGMENT] = { "price_sensitive", "high_value",
                                                      "low_interaction", "regular" };

enum { CO_PROSPECT, CO_STEADY, CO_TRIAL, CO_LAUNCH, N_COHORT };
static const char *const cohort_names[N_COHORT] = { "prospect", "steady", "trial", "launch" };
static const double cohort_share[N_COHORT] = { 0.25, 0.50, 0.15, 0.10 };

enum { ARM_CONTROL, ARM_DISCOUNT, ARM_VIP, ARM_CONTENT, N_ARM };
static const char *const arm_names[N_ARM] = { "control", "discount", "vip", "content" };

/* deterred: would have come back on their own, but the contact put them off */
enum { OUT_NONE, OUT_NATURAL, OUT_RECALL, OUT_DETERRED };
static const char *const outcome_names[4] = { "none", "natural", "recall", "deterred" };

/* ---- the brand ---- */

typedef struct segment_profile {
    double share;
    double gap_median_days; /* median over customers of their mean repurchase gap */
    double order_value;     /* median over customers of their mean order value */
    double coupon_p;        /* median chance that a purchase uses a coupon */
    double visit_rate;      /* background visits per day at full engagement */
    double views_per_visit; /* mean views in a visit */
    double browse_p;        /* an online purchase is preceded by a browsing session */
    double store_p;         /* share of purchases made in a store */
    double promo_p;         /* joins a brand promotion at full engagement */
    double refund_p;        /* a purchase is refunded */
    double age_offset;      /* years added to the age distribution */
    double male_p;
    double tier_cdf[4];  /* city tiers 1-4, cumulative */
    double level_cdf[4]; /* member levels normal..platinum, cumulative */
} segment_profile;

/* Chosen to look like a mid-priced beauty brand in China; the shares of the coupon users,
 * the spend of the high-value members and the browsing of the low-interaction ones are the
 * contrasts the features and the campaign analysis should find. */
static const segment_profile profiles[N_SEGMENT] = {
    [SEG_PRICE] = { .share = 0.25,
                    .gap_median_days = 55,
                    .order_value = 180,
                    .coupon_p = 0.55,
                    .visit_rate = 0.18,
                    .views_per_visit = 1.6,
                    .browse_p = 0.90,
                    .store_p = 0.10,
                    .promo_p = 0.50,
                    .refund_p = 0.06,
                    .age_offset = -3,
                    .male_p = 0.10,
                    .tier_cdf = { 0.15, 0.45, 0.75, 1.0 },
                    .level_cdf = { 0.55, 0.85, 0.97, 1.0 } },
    [SEG_HIGH] = { .share = 0.20,
                   .gap_median_days = 35,
                   .order_value = 820,
                   .coupon_p = 0.04,
                   .visit_rate = 0.16,
                   .views_per_visit = 1.8,
                   .browse_p = 0.75,
                   .store_p = 0.35,
                   .promo_p = 0.25,
                   .refund_p = 0.03,
                   .age_offset = 7,
                   .male_p = 0.10,
                   .tier_cdf = { 0.45, 0.80, 0.95, 1.0 },
                   .level_cdf = { 0.10, 0.40, 0.80, 1.0 } },
    [SEG_LOW] = { .share = 0.20,
                  .gap_median_days = 75,
                  .order_value = 300,
                  .coupon_p = 0.06,
                  .visit_rate = 0.03,
                  .views_per_visit = 0.4,
                  .browse_p = 0.30,
                  .store_p = 0.25,
                  .promo_p = 0.08,
                  .refund_p = 0.04,
                  .age_offset = 3,
                  .male_p = 0.20,
                  .tier_cdf = { 0.25, 0.60, 0.85, 1.0 },
                  .level_cdf = { 0.50, 0.80, 0.95, 1.0 } },
    [SEG_REGULAR] = { .share = 0.35,
                      .gap_median_days = 60,
                      .order_value = 330,
                      .coupon_p = 0.08,
                      .visit_rate = 0.13,
                      .views_per_visit = 1.4,
                      .browse_p = 0.80,
                      .store_p = 0.20,
                      .promo_p = 0.25,
                      .refund_p = 0.04,
                      .age_offset = 0,
                      .male_p = 0.12,
                      .tier_cdf = { 0.25, 0.60, 0.85, 1.0 },
                      .level_cdf = { 0.45, 0.77, 0.94, 1.0 } },
};

static const char *const tier_names[4] = { "tier1", "tier2", "tier3", "tier4" };
static const char *const level_names[4] = { "normal", "silver", "gold", "platinum" };

/* Recall effects, per customer, from what their history shows before the campaign day
 * (recall_effects()): each lever works best on the segment it is designed for, through a
 * trait of the customer rather than the segment itself, and a few points elsewhere.
 * - discount: in proportion to price sensitivity, the customer's chance of using a coupon;
 * - vip: for high spenders, a logistic step in the log of the mean order value;
 * - content: for long-cycle buyers, who forget the brand between purchases (their mean
 *   repurchase gap, which their purchase history shows); but contact annoys short-cycle
 *   buyers whose engagement has faded, and the effect turns negative: a share |q| of those
 *   who would have come back on their own do not. */
#define DISCOUNT_BASE         0.02
#define DISCOUNT_PER_COUPON_P 0.24
#define VIP_BASE              0.01
#define VIP_STEP              0.14
#define VIP_PIVOT_VALUE       500.0 /* mean order value at half the step */
#define VIP_LOG_SCALE         0.25
#define CONTENT_BASE          0.02
#define CONTENT_LONG          0.24
#define CONTENT_LONG_FROM     40.0 /* mean gap (days) where the long-cycle bonus starts ... */
#define CONTENT_LONG_SPAN     60.0 /* ... and the days over which it grows to its full size */
#define CONTENT_HARM          0.20
#define CONTENT_ANNOYED_LEVEL 0.50 /* engagement below which contact starts to annoy */

static const double channel_multiplier[N_CAMPAIGN_CHANNEL] = { 0.80, 1.00, 1.10, 0.90 };
/* A recall purchase costs this times the customer's usual order value. */
static const double arm_price_factor[N_ARM] = { 1.00, 0.75, 1.00, 1.00 };

#define EXISTING_SHARE       0.45 /* members who signed up before the period */
#define EXISTING_MAX_DAYS    365  /* ... at most this long before it */
#define FIRST_PURCHASE_DAYS  10.0 /* mean delay from signup to the first order */
#define LAUNCH_SPACING_DAYS  91
#define LAUNCH_BUY_P         0.92 /* a launch buyer buys at each later launch */
#define TRIAL_FIRST_LAPSE    0.60 /* a trial buyer lapses after the first order */
#define ABRUPT_CANCEL_P      0.01 /* per gap */
#define CANCEL_AFTER_LAPSE_P 0.25
#define CANCEL_DELAY_DAYS    45.0
#define PROSPECT_CANCEL_P    0.10
#define SPEND_SIGMA          0.45 /* log-normal sigma of one customer's order values */
#define COUPON_PRICE         0.85
#define REFUND_FULL_P        0.80
#define REDEEM_THRESHOLD     500
#define REDEEM_P             0.20
#define VISIT_FLOOR          0.30
#define POST_LAPSE_LEVEL     0.30
#define POST_LAPSE_TAU_DAYS  45.0
#define CART_P               0.08 /* a background visit leaves an abandoned cart */
#define FAVORITE_P           0.05
#define LAPSED_RETURN_P      0.03 /* p0 of a lapsed customer */
#define AT_RISK_OVERDUE      1.5  /* recency over mean gap */
#define AT_RISK_MAX_DAYS     365  /* older customers count as churned, not at risk */
#define TREATED_ENGAGE_P     0.15 /* a treated, unconverted customer still clicks */
#define REACTIVATED_LEVEL    0.60

/* Hourly activity in local time (UTC+8): quiet nights, a lunch bump and an evening peak. */
static const double local_hour_weight[24] = { 0.6, 0.3, 0.15, 0.1, 0.1, 0.15, 0.4, 0.9,
                                              1.4, 1.8, 2.2,  2.4, 2.6, 2.3,  2.2, 2.3,
                                              2.4, 2.6, 3.0,  3.6, 4.2, 4.4,  3.6, 1.8 };

/* ---- state ---- */

typedef struct event {
    int64_t ts;
    int64_t amount; /* cents for money, points for points_*, else unused */
    uint32_t seq;   /* push order: breaks ties so a coupon follows its purchase */
    uint32_t item;  /* index into the catalogue, or ITEM_NONE */
    uint8_t type, channel, category;
} event;

/* The products: items of category c are by_cat[cat_first[c] .. cat_first[c + 1]). For taste
 * type t, the weights popularity^a exp(taste_t · f) within each category are drawn from
 * with Walker's alias method (Vose's construction, "A linear algorithm for generating
 * random numbers with a given distribution", IEEE TSE 1991): slot k = t * n_items +
 * position keeps by_cat[position] with probability slot[k].keep, else gives slot[k].alias
 * (an item). A slot is 8 bytes (keep in single precision, a relative error below 6e-8 in
 * each probability), one load per draw: the tables of all types must stay in the cache. */
typedef struct alias_slot {
    float keep;
    uint32_t alias;
} alias_slot;

typedef struct catalogue {
    size_t n_items;
    uint8_t *category;
    double *popularity; /* sums to 1 */
    double *factors;    /* n_items x N_FACTORS, row-major */
    uint32_t *by_cat;
    size_t cat_first[N_CATEGORY + 1];
    double taste[N_TASTE_TYPES][N_FACTORS];
    alias_slot *slot;
    char *ids; /* item k's id at ids + ID_STRIDE k, NUL-terminated */
    int id_len;
} catalogue;
#define ITEM_ID_STRIDE 16

enum { KIND_NATURAL, KIND_WINDOW_NATURAL, KIND_RECALL };

typedef struct purchase {
    int64_t ts;
    int64_t lapse_ts; /* a lapse in the gap that follows, or NEVER */
    double level;     /* engagement after this purchase */
    int kind;
} purchase;

typedef struct customer {
    int segment, cohort;
    int64_t signup_ts;
    int signup_channel;
    int age, tier, level_name;
    bool male;
    double mean_gap_days, gap_shape;
    double spend_mu, order_value, coupon_p, store_p;
    double level0, drift, visit_rate, prospect_tau_days;
    double online_cdf[4]; /* wechat, miniprogram, app, web */
    double promo_cdf[N_CAMPAIGN_CHANNEL];
    double category_cdf[N_CATEGORY];
    int64_t lapsed_at, cancelled_at;
    size_t n_purchase_rows;
    bool assigned, lapsed_at_campaign;
    int arm, campaign_channel, outcome;
    double p0, q;
    double level_at_campaign; /* engagement after the last purchase before the campaign */
    double effect[N_ARM];     /* q of each arm before the channel multiplier */
    double uplift[N_ARM];     /* P(convert | arm) - P(convert | control), mean over channels */
    int favourite_category;   /* the heaviest category weight */
    int taste_type;
    double repeat_p;
} customer;

enum { T_RATE, T_LIFT, T_REVENUE, T_REVENUE_LIFT, N_TRUTH };

/* Sums of the expected values of a group of assigned customers, for every arm. */
typedef struct truth_sum {
    size_t n;
    double v[N_TRUTH][N_ARM];
} truth_sum;

typedef struct gen {
    const ck_synth_params *p;
    int64_t start, end, campaign_end;
    ck__rng rng;  /* the customer's stream */
    ck__rng arng; /* the customer's campaign stream, independent of everything else */
    ck__rng irng; /* the customer's item stream: taste type, repeat propensity, items */
    catalogue cat;
    size_t taste_row; /* the customer's taste type times n_items */
    double repeat_p;
    uint32_t *bought; /* the customer's purchased items so far (written rows), in order */
    size_t n_bought, cap_bought;
    uint32_t *holdout; /* items of the customer's purchase rows from the holdout day on */
    size_t n_holdout, cap_holdout;
    event *ev;
    size_t n_ev, cap_ev;
    purchase *pur;
    size_t n_pur, cap_pur;
    bool oom;          /* sticky: a push ran out of memory */
    int64_t cancel_ts; /* nothing but the cancel event is logged from here */
    char *out;
    size_t out_len, out_cap;
    char *date_table; /* "YYYY-MM-DDT" for each day of the period */
    int64_t *promos;
    size_t n_promos;
    int64_t launch_anchor;
    uint8_t hour_lut[1024];
    char id[32];
    size_t id_len;
    int id_width;
    truth_sum by_segment[N_SEGMENT];          /* each customer's mean over channels */
    truth_sum by_channel[N_CAMPAIGN_CHANNEL]; /* through the channel each was assigned */
    double effect_sum[N_ARM][N_SEGMENT];
    size_t n_by_arm[N_ARM];
    ck_synth_stats stats;
} gen;

/* ---- small helpers ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t day_start(int64_t ts)
{
    return floor_div(ts, DAY) * DAY;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* An index drawn from a cumulative weight table (not necessarily normalised). */
static int pick(ck__rng *rng, const double *cdf, int n)
{
    double u = ck__rng_uniform(rng) * cdf[n - 1];
    for (int i = 0; i < n - 1; i++)
        if (u < cdf[i])
            return i;
    return n - 1;
}

/* A second of the day from the hourly profile. */
static int64_t time_of_day(gen *g)
{
    int hour = g->hour_lut[ck__rng_next(&g->rng) >> 54];
    return hour * 3600 + (int64_t)ck__rng_below(&g->rng, 3600);
}

/* The same day as ts, at a time drawn from the hourly profile. */
static int64_t on_day(gen *g, int64_t ts)
{
    return day_start(ts) + time_of_day(g);
}

static int64_t days_to_s(double days)
{
    return (int64_t)(days * (double)DAY);
}

static double lapse_prob(double level)
{
    double x = 1.0 - level;
    return 0.02 + 0.40 * x * sqrt(x);
}

/* ---- planning purchases ---- */

static void push_purchase(gen *g, int64_t ts, double level, int kind)
{
    if (!ck__grow((void **)&g->pur, &g->cap_pur, g->n_pur + 1, sizeof *g->pur)) {
        g->oom = true;
        return;
    }
    g->pur[g->n_pur++] = (purchase){ ts, NEVER, level, kind };
}

static int64_t last_purchase_ts(const gen *g)
{
    return g->n_pur ? g->pur[g->n_pur - 1].ts : INT64_MIN;
}

static void lapse(gen *g, customer *c, int64_t ts, bool abrupt)
{
    if (g->n_pur > 0)
        g->pur[g->n_pur - 1].lapse_ts = ts;
    c->lapsed_at = ts;
    if (abrupt)
        c->cancelled_at = ts;
    else if (ck__rng_bernoulli(&g->rng, CANCEL_AFTER_LAPSE_P))
        c->cancelled_at = ts + 1 + days_to_s(ck__rng_exponential(&g->rng, CANCEL_DELAY_DAYS));
}

/* Continue a buyer's renewal process, gap by gap, from `from` (a purchase, or the end of a
 * campaign window), until the end of the period or a lapse. `residual` draws only what is
 * left of a gap already under way; `trial` applies the trial cohort's first-gap lapse. */
static void renew(gen *g, customer *c, int64_t from, double level, bool residual, bool trial)
{
    for (bool first = true;; first = false) {
        double pi = first && trial ? TRIAL_FIRST_LAPSE : lapse_prob(level);
        double gap_days = ck__rng_gamma(&g->rng, c->gap_shape, c->mean_gap_days / c->gap_shape);
        if (first && residual)
            gap_days *= ck__rng_uniform(&g->rng);
        bool abrupt = ck__rng_bernoulli(&g->rng, ABRUPT_CANCEL_P);
        if (abrupt || ck__rng_bernoulli(&g->rng, pi)) {
            lapse(g, c, from + days_to_s(gap_days * ck__rng_uniform(&g->rng)), abrupt);
            return;
        }
        int64_t next = on_day(g, from + days_to_s(gap_days));
        if (next <= last_purchase_ts(g))
            next = last_purchase_ts(g) + 3600;
        if (next >= g->end)
            return;
        level = clamp(level * exp(c->drift + 0.15 * ck__rng_normal(&g->rng)), 0.05, 1.0);
        push_purchase(g, next, level, KIND_NATURAL);
        from = next;
    }
}

static void plan_renewal_buyer(gen *g, customer *c)
{
    int64_t first =
        on_day(g, c->signup_ts + days_to_s(ck__rng_exponential(&g->rng, FIRST_PURCHASE_DAYS)));
    if (first <= c->signup_ts)
        first = c->signup_ts + 600;
    if (first >= g->end)
        return;
    push_purchase(g, first, c->level0, KIND_NATURAL);
    renew(g, c, first, c->level0, false, c->cohort == CO_TRIAL);
}

/* The beauty-brand case: three purchases around consecutive launches, then silence. */
static void plan_launch_buyer(gen *g, customer *c)
{
    int64_t spacing = LAUNCH_SPACING_DAYS * DAY;
    int64_t k = floor_div(c->signup_ts + 3 * DAY - g->launch_anchor + spacing - 1, spacing);
    for (int j = 0; j < 3; j++) {
        if (j > 0 && !ck__rng_bernoulli(&g->rng, LAUNCH_BUY_P))
            continue;
        double delay_days = fmin(ck__rng_exponential(&g->rng, 3.0), 14.0);
        int64_t t = on_day(g, g->launch_anchor + (k + j) * spacing + days_to_s(delay_days));
        if (t <= last_purchase_ts(g))
            t = last_purchase_ts(g) + 3600;
        if (t >= g->end)
            return; /* still a customer when the period ends */
        push_purchase(g, t, c->level0, KIND_NATURAL);
    }
    if (g->n_pur > 0)
        lapse(g, c, last_purchase_ts(g) + days_to_s(20.0 + 40.0 * ck__rng_uniform(&g->rng)), false);
}

/* Each arm's effect on the customer before the channel multiplier, from traits their
 * history shows: coupon use, order value, repurchase cycle, and `level`, their engagement
 * on the campaign day (which their fading visits show). */
static void recall_effects(const customer *c, double level, double *effect)
{
    effect[ARM_CONTROL] = 0.0;
    effect[ARM_DISCOUNT] = DISCOUNT_BASE + DISCOUNT_PER_COUPON_P * c->coupon_p;
    double z = (log(c->order_value) - log(VIP_PIVOT_VALUE)) / VIP_LOG_SCALE;
    effect[ARM_VIP] = VIP_BASE + VIP_STEP / (1.0 + exp(-z));
    double span = (c->mean_gap_days - CONTENT_LONG_FROM) / CONTENT_LONG_SPAN;
    double long_cycle = fmin(1.0, fmax(0.0, span));
    double faded = fmax(0.0, 1.0 - level / CONTENT_ANNOYED_LEVEL);
    effect[ARM_CONTENT] = CONTENT_BASE + CONTENT_LONG * long_cycle -
                          CONTENT_HARM * (1.0 - long_cycle) * faded;
}

/* P(convert | arm) - p0 for a treatment effect q: a share q of those who would not come
 * back on their own come back, or, when q < 0, a share |q| of those who would do not
 * (P(convert) = p0 + (1 - p0) q, or p0 (1 + q)). */
static double lift_of(double p0, double q)
{
    return q >= 0.0 ? (1.0 - p0) * q : p0 * q;
}

/* The recall campaign: decide whether the customer is at risk on the campaign day, assign
 * them, and replace their own process inside the window by the outcome model. */
static void run_campaign(gen *g, customer *c)
{
    int64_t t0 = g->p->campaign_ts;
    size_t j = 0;
    while (j < g->n_pur && g->pur[j].ts < t0)
        j++;
    if (j == 0 || c->cancelled_at < t0)
        return;
    purchase *last = &g->pur[j - 1];
    int64_t recency = t0 - last->ts;
    if (recency > AT_RISK_MAX_DAYS * DAY)
        return;
    bool lapsed = last->lapse_ts < t0;
    bool overdue = (double)recency > AT_RISK_OVERDUE * c->mean_gap_days * (double)DAY;
    if (!lapsed && !overdue)
        return;

    double w = g->p->campaign_window_days;
    c->assigned = true;
    c->lapsed_at_campaign = lapsed;
    c->arm = (int)ck__rng_below(&g->arng, N_ARM);
    c->campaign_channel = (int)ck__rng_below(&g->arng, N_CAMPAIGN_CHANNEL);
    c->p0 = lapsed ? LAPSED_RETURN_P
                   : (1.0 - lapse_prob(last->level)) * (1.0 - exp(-w / c->mean_gap_days));
    c->level_at_campaign = last->level;
    recall_effects(c, last->level, c->effect);
    /* the channel is drawn uniformly: the uplift a model of the history can learn is the
     * mean over the channels (exactly 0 for control) */
    for (int a = 0; a < N_ARM; a++) {
        double sum = 0.0;
        for (int k = 0; k < N_CAMPAIGN_CHANNEL; k++)
            sum += lift_of(c->p0, c->effect[a] * channel_multiplier[k]);
        c->uplift[a] = sum / N_CAMPAIGN_CHANNEL;
    }
    c->q = c->effect[c->arm] * channel_multiplier[c->campaign_channel];
    /* a negative effect costs one more draw, only for its natural returners; otherwise
     * the draws are those of the segment-level model this replaced */
    if (ck__rng_bernoulli(&g->arng, c->p0))
        c->outcome = c->q < 0.0 && ck__rng_bernoulli(&g->arng, -c->q) ? OUT_DETERRED : OUT_NATURAL;
    else if (ck__rng_bernoulli(&g->arng, fmax(c->q, 0.0)))
        c->outcome = OUT_RECALL;
    else
        c->outcome = OUT_NONE;

    double level = last->level;
    g->n_pur = j; /* the customer's own future is replaced from here */
    if (!lapsed) {
        /* a lapse or cancellation planned after the campaign day is redrawn */
        last->lapse_ts = NEVER;
        c->lapsed_at = NEVER;
        c->cancelled_at = NEVER;
    }
    if (c->outcome == OUT_NONE || c->outcome == OUT_DETERRED) {
        if (!lapsed)
            renew(g, c, g->campaign_end, level, true, false);
        return;
    }
    /* recall purchases come soon after the message (U^2 puts half in the first quarter) */
    double u = ck__rng_uniform(&g->arng);
    double offset_days = c->outcome == OUT_RECALL ? w * u * u : w * u;
    int64_t ts = t0 + (int64_t)(offset_days * (double)DAY);
    ts = day_start(ts) + (int64_t)ck__rng_below(&g->arng, (uint64_t)DAY);
    level = fmax(level, REACTIVATED_LEVEL);
    push_purchase(g, ts, level, c->outcome == OUT_RECALL ? KIND_RECALL : KIND_WINDOW_NATURAL);
    c->lapsed_at = NEVER;
    c->cancelled_at = NEVER;
    renew(g, c, g->campaign_end, level, false, false);
}

/* ---- emitting events ---- */

static void push_item_event(gen *g, int64_t ts, int type, int channel, int category,
                            int64_t amount, uint32_t item)
{
    if (ts < g->start || ts >= g->end || (ts >= g->cancel_ts && type != CK_EV_CANCEL))
        return;
    if (!ck__grow((void **)&g->ev, &g->cap_ev, g->n_ev + 1, sizeof *g->ev)) {
        g->oom = true;
        return;
    }
    event *e = &g->ev[g->n_ev];
    e->ts = ts;
    e->amount = amount;
    e->seq = (uint32_t)g->n_ev;
    e->type = (uint8_t)type;
    e->channel = (uint8_t)channel;
    e->category = (uint8_t)category;
    e->item = item;
    g->n_ev++;
}

static void push_event(gen *g, int64_t ts, int type, int channel, int category, int64_t amount)
{
    push_item_event(g, ts, type, channel, category, amount, ITEM_NONE);
}

/* An item of category cat from the customer's taste: P(j) ∝ popularity^a exp(t · f_j). */
static uint32_t draw_item(gen *g, int cat)
{
    /* one alias-table lookup, not a search of a cumulative table: the tables of all taste
     * types do not stay in the cache, and a search's misses cost a third of the run */
    size_t lo = g->cat.cat_first[cat], n = g->cat.cat_first[cat + 1] - lo;
    double u = ck__rng_uniform(&g->irng) * (double)n;
    size_t k = (size_t)u;
    if (k >= n)
        k = n - 1;
    alias_slot sl = g->cat.slot[g->taste_row + lo + k];
    return u - (double)k < (double)sl.keep ? g->cat.by_cat[lo + k] : sl.alias;
}

/* A purchase's item: with the customer's repeat propensity one of their earlier purchase
 * rows in the category, uniformly (so an item bought twice is twice as likely again);
 * otherwise, or without such a row, a new draw from their taste. */
static uint32_t draw_purchase_item(gen *g, int cat)
{
    uint32_t item = ITEM_NONE;
    if (ck__rng_bernoulli(&g->irng, g->repeat_p)) {
        size_t n = 0;
        for (size_t k = 0; k < g->n_bought; k++)
            n += g->cat.category[g->bought[k]] == cat;
        if (n > 0) {
            size_t pick_k = (size_t)ck__rng_below(&g->irng, n);
            for (size_t k = 0; item == ITEM_NONE; k++)
                if (g->cat.category[g->bought[k]] == cat && pick_k-- == 0)
                    item = g->bought[k];
        }
    }
    if (item == ITEM_NONE)
        item = draw_item(g, cat);
    if (!ck__grow((void **)&g->bought, &g->cap_bought, g->n_bought + 1, sizeof *g->bought))
        g->oom = true;
    else
        g->bought[g->n_bought++] = item;
    return item;
}

static int online_channel(gen *g, const customer *c)
{
    return CH_WECHAT + pick(&g->rng, c->online_cdf, 4);
}

static int category(gen *g, const customer *c)
{
    return pick(&g->rng, c->category_cdf, N_CATEGORY);
}

/* A background visit: some views, now and then a favorite or an abandoned cart. */
static void emit_visit(gen *g, const customer *c, int64_t ts)
{
    const segment_profile *sp = &profiles[c->segment];
    if (ck__rng_bernoulli(&g->rng, c->store_p * 0.5)) {
        push_event(g, ts, CK_EV_VISIT, CH_STORE, CAT_NONE, 0);
        return;
    }
    int ch = online_channel(g, c);
    push_event(g, ts, CK_EV_VISIT, ch, CAT_NONE, 0);
    uint64_t n_views = ck__rng_poisson(&g->rng, sp->views_per_visit);
    int cat = category(g, c);
    uint32_t item = ITEM_NONE;
    for (uint64_t k = 0; k < n_views; k++) {
        ts += 20 + (int64_t)ck__rng_below(&g->rng, 300);
        cat = k == 0 || ck__rng_bernoulli(&g->rng, 0.5) ? cat : category(g, c);
        item = draw_item(g, cat);
        push_item_event(g, ts, CK_EV_VIEW, ch, cat, 0, item);
    }
    /* a favorite or a cart keeps the last item viewed */
    if (n_views > 0 && ck__rng_bernoulli(&g->rng, FAVORITE_P))
        push_item_event(g, ts + 10 + (int64_t)ck__rng_below(&g->rng, 60), CK_EV_FAVORITE, ch, cat,
                        0, item);
    if (n_views > 0 && ck__rng_bernoulli(&g->rng, CART_P))
        push_item_event(g, ts + 30 + (int64_t)ck__rng_below(&g->rng, 300), CK_EV_CART, ch, cat, 0,
                        item);
}

/* Visits at rate r level (floor + (1 - floor) exp(-(t - a) / tau)) over [a, b), clipped to
 * the period and to a cancellation, and the brand promotions on those days. */
static void emit_activity(gen *g, const customer *c, int64_t a, int64_t b, double level,
                          double floor_share, double tau_days)
{
    int64_t lo = a > g->start ? a : g->start;
    int64_t hi = b < g->end ? b : g->end;
    if (hi > g->cancel_ts)
        hi = g->cancel_ts;
    if (hi <= lo || level <= 0.0)
        return;
    double tau = tau_days * (double)DAY;
    double span = (double)(hi - lo);
    double e_lo = exp(-(double)(lo - a) / tau);
    double e_hi = exp(-(double)(hi - a) / tau);
    double rate = c->visit_rate * level / (double)DAY;
    double lambda_flat = rate * floor_share * span;
    double lambda_decay = rate * (1.0 - floor_share) * tau * (e_lo - e_hi);
    double lambda = lambda_flat + lambda_decay;
    uint64_t n = ck__rng_poisson(&g->rng, lambda);
    for (uint64_t i = 0; i < n; i++) {
        int64_t t;
        if (ck__rng_uniform(&g->rng) * lambda < lambda_flat)
            t = lo + (int64_t)(ck__rng_uniform(&g->rng) * span);
        else /* invert the integrated decaying rate */
            t = a - (int64_t)(tau * log(e_lo - ck__rng_uniform(&g->rng) * (e_lo - e_hi)));
        if (t < lo || t >= hi) /* only when exp() underflowed */
            t = t < lo ? lo : hi - 1;
        int64_t snapped = on_day(g, t);
        emit_visit(g, c, snapped >= lo && snapped < hi ? snapped : t);
    }
    for (size_t k = 0; k < g->n_promos; k++) {
        int64_t day = g->promos[k];
        if (day < day_start(lo) || day >= hi)
            continue;
        double engagement =
            level * (floor_share + (1.0 - floor_share) * exp(-(double)(day - a) / tau));
        if (ck__rng_bernoulli(&g->rng, profiles[c->segment].promo_p * engagement)) {
            int ch = pick(&g->rng, c->promo_cdf, N_CAMPAIGN_CHANNEL);
            int64_t t = on_day(g, day);
            if (t >= lo && t < hi)
                push_event(g, t, CK_EV_CAMPAIGN, ch, CAT_NONE, 0);
        }
    }
}

static void emit_purchase(gen *g, customer *c, const purchase *pu, int64_t *points)
{
    const segment_profile *sp = &profiles[c->segment];
    int64_t ts = pu->ts;
    if (ts < g->start || ts >= g->end || ts >= g->cancel_ts)
        return;
    bool recall = pu->kind == KIND_RECALL;
    int ch = recall                                   ? c->campaign_channel
             : ck__rng_bernoulli(&g->rng, c->store_p) ? CH_STORE
                                                      : online_channel(g, c);
    int cat = category(g, c);
    uint32_t item = draw_purchase_item(g, cat);
    bool coupon = recall ? c->arm == ARM_DISCOUNT : ck__rng_bernoulli(&g->rng, c->coupon_p);
    double amount = ck__rng_lognormal(&g->rng, c->spend_mu, SPEND_SIGMA);
    if (recall)
        amount *= arm_price_factor[c->arm];
    else if (coupon)
        amount *= COUPON_PRICE;
    int64_t cents = llround(amount * 100.0);
    if (cents < 100)
        cents = 100;

    if (recall) {
        int64_t click = ts - (int64_t)ck__rng_below(&g->rng, 6 * 3600);
        push_event(g, click > g->p->campaign_ts ? click : g->p->campaign_ts, CK_EV_CAMPAIGN, ch,
                   CAT_NONE, 0);
    } else if (ch != CH_STORE && ck__rng_bernoulli(&g->rng, sp->browse_p)) {
        /* the session that led to the order: views, maybe a favorite, the cart */
        int64_t s = ts - 600 - (int64_t)ck__rng_below(&g->rng, 2 * (uint64_t)DAY);
        int64_t session = s;
        push_event(g, s, CK_EV_VISIT, ch, CAT_NONE, 0);
        uint64_t n_views = 1 + ck__rng_poisson(&g->rng, sp->views_per_visit);
        for (uint64_t k = 0; k < n_views && s < ts - 120; k++) {
            s += 30 + (int64_t)ck__rng_below(&g->rng, 400);
            if (s >= ts - 60)
                break;
            /* the first view is of the item bought, the others browse */
            int view_cat = k == 0 ? cat : category(g, c);
            push_item_event(g, s, CK_EV_VIEW, ch, view_cat, 0,
                            k == 0 ? item : draw_item(g, view_cat));
        }
        if (ck__rng_bernoulli(&g->rng, 0.25))
            push_item_event(g, ts - 90, CK_EV_FAVORITE, ch, cat, 0, item);
        if (ck__rng_bernoulli(&g->rng, 0.85)) {
            int64_t cart = ts - 30 - (int64_t)ck__rng_below(&g->rng, 1800);
            push_item_event(g, cart > session ? cart : session + 1, CK_EV_CART, ch, cat, 0, item);
        }
    }
    push_item_event(g, ts, CK_EV_PURCHASE, ch, cat, cents, item);
    c->n_purchase_rows++;
    if (coupon)
        push_event(g, ts, CK_EV_COUPON, ch, CAT_NONE, 0);
    int64_t earned = cents / 100;
    push_event(g, ts, CK_EV_POINTS_EARN, CH_NONE, CAT_NONE, earned);
    *points += earned;
    if (*points >= REDEEM_THRESHOLD && ck__rng_bernoulli(&g->rng, REDEEM_P)) {
        int64_t redeem = 100 * (1 + (int64_t)ck__rng_below(&g->rng, (uint64_t)(*points / 200)));
        push_event(g, ts, CK_EV_POINTS_REDEEM, ch, CAT_NONE, redeem);
        *points -= redeem;
    }
    /* refunds never touch campaign-window purchases, whose revenue the truth states */
    if (pu->kind == KIND_NATURAL && ck__rng_bernoulli(&g->rng, sp->refund_p)) {
        int64_t back = cents;
        if (!ck__rng_bernoulli(&g->rng, REFUND_FULL_P))
            back = llround((double)cents * (0.2 + 0.6 * ck__rng_uniform(&g->rng)));
        if (back < 1)
            back = 1;
        int64_t when = ts + DAY + (int64_t)ck__rng_below(&g->rng, 13 * (uint64_t)DAY);
        push_item_event(g, when, CK_EV_REFUND, ch, cat, back, item);
    }
}

static void emit_customer(gen *g, customer *c)
{
    g->n_ev = 0;
    g->cancel_ts = c->cancelled_at;
    push_event(g, c->signup_ts, CK_EV_SIGNUP, c->signup_channel, CAT_NONE, 0);
    if (c->cohort == CO_PROSPECT) {
        emit_activity(g, c, c->signup_ts, g->end, c->level0, 0.0, c->prospect_tau_days);
    } else {
        int64_t first = g->n_pur ? g->pur[0].ts : g->end;
        emit_activity(g, c, c->signup_ts, first, 0.8, 0.0, 20.0);
    }
    int64_t points = 0;
    double tau_normal = 1.5 * c->mean_gap_days;
    double tau_fading = fmax(0.4 * c->mean_gap_days, 7.0);
    for (size_t j = 0; j < g->n_pur; j++) {
        const purchase *pu = &g->pur[j];
        emit_purchase(g, c, pu, &points);
        int64_t next = j + 1 < g->n_pur ? g->pur[j + 1].ts : g->end;
        if (pu->lapse_ts < next) {
            emit_activity(g, c, pu->ts, pu->lapse_ts, pu->level, 0.0, tau_fading);
            emit_activity(g, c, pu->lapse_ts, next, POST_LAPSE_LEVEL * pu->level, 0.0,
                          POST_LAPSE_TAU_DAYS);
        } else {
            emit_activity(g, c, pu->ts, next, pu->level, VISIT_FLOOR, tau_normal);
        }
    }
    if (c->assigned && c->arm != ARM_CONTROL && c->outcome != OUT_RECALL &&
        ck__rng_bernoulli(&g->rng, TREATED_ENGAGE_P)) {
        int64_t t =
            g->p->campaign_ts +
            (int64_t)ck__rng_below(&g->rng, (uint64_t)g->p->campaign_window_days * (uint64_t)DAY);
        push_event(g, t, CK_EV_CAMPAIGN, c->campaign_channel, CAT_NONE, 0);
    }
    if (c->cancelled_at != NEVER) {
        int ch = (int)ck__rng_below(&g->rng, 3);
        push_event(g, c->cancelled_at, CK_EV_CANCEL,
                   ch == 0   ? CH_APP
                   : ch == 1 ? CH_WEB
                             : CH_STORE,
                   CAT_NONE, 0);
    }
}

/* ---- drawing a customer ---- */

static void cumulate(double *w, int n)
{
    for (int i = 1; i < n; i++)
        w[i] += w[i - 1];
}

static void draw_customer(gen *g, customer *c)
{
    ck__rng *r = &g->rng;
    memset(c, 0, sizeof *c);
    double seg_cdf[N_SEGMENT], cohort_cdf[N_COHORT];
    for (int s = 0; s < N_SEGMENT; s++)
        seg_cdf[s] = profiles[s].share;
    cumulate(seg_cdf, N_SEGMENT);
    memcpy(cohort_cdf, cohort_share, sizeof cohort_cdf);
    cumulate(cohort_cdf, N_COHORT);
    c->segment = pick(r, seg_cdf, N_SEGMENT);
    c->cohort = pick(r, cohort_cdf, N_COHORT);
    const segment_profile *sp = &profiles[c->segment];

    double period_days = (double)g->p->days;
    double offset_days = ck__rng_bernoulli(r, EXISTING_SHARE)
                             ? -EXISTING_MAX_DAYS * ck__rng_uniform_pos(r)
                             : period_days * ck__rng_uniform(r);
    c->signup_ts = on_day(g, g->start + days_to_s(offset_days));
    static const double signup_channel_cdf[N_CHANNEL] = { 0.0, 0.30, 0.55, 0.75, 0.85, 1.0 };
    c->signup_channel = pick(r, signup_channel_cdf, N_CHANNEL);

    c->age = (int)lround(clamp(31.0 + sp->age_offset + 7.0 * ck__rng_normal(r), 18.0, 70.0));
    c->male = ck__rng_bernoulli(r, sp->male_p);
    c->tier = pick(r, sp->tier_cdf, 4);
    static const double prospect_level_cdf[4] = { 0.80, 0.95, 1.0, 1.0 };
    c->level_name = pick(r, c->cohort == CO_PROSPECT ? prospect_level_cdf : sp->level_cdf, 4);

    c->mean_gap_days = clamp(sp->gap_median_days * exp(0.35 * ck__rng_normal(r)), 7.0, 365.0);
    c->gap_shape = 1.5 + 3.5 * ck__rng_uniform(r);
    if (c->cohort == CO_LAUNCH) {
        c->mean_gap_days = LAUNCH_SPACING_DAYS;
        c->gap_shape = 4.0;
    }
    c->order_value = sp->order_value * exp(0.3 * ck__rng_normal(r));
    c->spend_mu = log(c->order_value) - 0.5 * SPEND_SIGMA * SPEND_SIGMA;
    c->coupon_p = clamp(sp->coupon_p * exp(0.3 * ck__rng_normal(r)), 0.0, 0.95);
    c->store_p = clamp(sp->store_p * exp(0.3 * ck__rng_normal(r)), 0.0, 0.9);
    switch (c->cohort) {
    case CO_STEADY:
        c->level0 = 0.55 + 0.45 * ck__rng_uniform(r);
        break;
    case CO_TRIAL:
        c->level0 = 0.25 + 0.25 * ck__rng_uniform(r);
        break;
    case CO_LAUNCH:
        c->level0 = 0.85;
        break;
    default:
        c->level0 = 0.3 + 0.7 * ck__rng_uniform(r);
        break;
    }
    c->drift = -0.03 + 0.04 * ck__rng_normal(r);
    c->visit_rate = sp->visit_rate * exp(0.4 * ck__rng_normal(r));
    c->prospect_tau_days = 10.0 + 110.0 * ck__rng_uniform(r);

    /* younger members live in apps, older ones in wechat and on the web */
    static const double online_base[3][4] = { { 0.25, 0.30, 0.35, 0.10 },
                                              { 0.35, 0.25, 0.30, 0.10 },
                                              { 0.45, 0.20, 0.20, 0.15 } };
    int age_band = c->age < 28 ? 0 : c->age < 40 ? 1 : 2;
    for (int k = 0; k < 4; k++)
        c->online_cdf[k] = online_base[age_band][k] * ck__rng_gamma(r, 0.8, 1.0) + 1e-6;
    c->promo_cdf[0] = (age_band == 2 ? 0.40 : 0.25) * ck__rng_gamma(r, 0.8, 1.0) + 1e-6;
    for (int k = 1; k < N_CAMPAIGN_CHANNEL; k++)
        c->promo_cdf[k] = c->online_cdf[k - 1];
    cumulate(c->online_cdf, 4);
    cumulate(c->promo_cdf, N_CAMPAIGN_CHANNEL);

    static const double category_base[N_CATEGORY] = { 0.35, 0.25, 0.12, 0.12, 0.10, 0.06 };
    for (int k = 0; k < N_CATEGORY; k++)
        c->category_cdf[k] = category_base[k] * ck__rng_gamma(r, 1.0, 1.0) + 1e-6;
    if (c->segment == SEG_HIGH)
        c->category_cdf[CAT_FRAGRANCE] *= 2.5;
    if (c->cohort == CO_LAUNCH)
        c->category_cdf[CAT_MAKEUP] *= 5.0;
    cumulate(c->category_cdf, N_CATEGORY);

    c->lapsed_at = NEVER;
    c->cancelled_at = NEVER;
    if (c->cohort == CO_PROSPECT && ck__rng_bernoulli(r, PROSPECT_CANCEL_P))
        c->cancelled_at = c->signup_ts + 1 + days_to_s(ck__rng_exponential(r, 60.0));
}

/* The customer's latent tastes, from their item stream: a taste type and a repeat
 * propensity. The favourite category is the heaviest of the weights their own stream drew. */
static void draw_tastes(gen *g, customer *c)
{
    double best = c->category_cdf[0];
    c->favourite_category = 0;
    for (int k = 1; k < N_CATEGORY; k++) {
        double w = c->category_cdf[k] - c->category_cdf[k - 1];
        if (w > best) {
            best = w;
            c->favourite_category = k;
        }
    }
    c->taste_type = (int)ck__rng_below(&g->irng, N_TASTE_TYPES);
    c->repeat_p = REPEAT_P_LOW + REPEAT_P_SPAN * ck__rng_uniform(&g->irng);
    g->taste_row = (size_t)c->taste_type * g->cat.n_items;
    g->repeat_p = c->repeat_p;
    g->n_bought = 0;
    g->n_holdout = 0;
}

/* ---- the catalogue ---- */

static void catalogue_free(catalogue *cat)
{
    free(cat->ids);
    free(cat->slot);
    free(cat->by_cat);
    free(cat->factors);
    free(cat->popularity);
    free(cat->category);
}

/* Draw the products from their own stream: categories by item_share (each at least one
 * item), Zipf popularity over shuffled ranks, standard normal factors, the taste types,
 * and every type's cumulative weights within each category. */
static int catalogue_init(catalogue *cat, uint64_t seed, size_t n, ck_error *err)
{
    ck__rng r;
    ck__rng_seed(&r, seed, CATALOGUE_STREAM);
    memset(cat, 0, sizeof *cat);
    cat->n_items = n;
    cat->category = malloc(n);
    cat->popularity = ck__alloc_array(n, sizeof *cat->popularity);
    cat->factors = ck__alloc_array(n, N_FACTORS * sizeof *cat->factors);
    cat->by_cat = ck__alloc_array(n, sizeof *cat->by_cat);
    cat->slot = ck__alloc_array(n, N_TASTE_TYPES * sizeof *cat->slot);
    double *keep = ck__alloc_array(n, sizeof *keep);
    cat->ids = ck__alloc_array(n, ITEM_ID_STRIDE);
    /* the alias construction's work lists: positions with scaled weight below 1 and above */
    uint32_t *small = ck__alloc_array(n, sizeof *small), *large = ck__alloc_array(n, sizeof *large);
    if (cat->category == NULL || cat->popularity == NULL || cat->factors == NULL ||
        cat->by_cat == NULL || cat->slot == NULL || keep == NULL || cat->ids == NULL ||
        small == NULL || large == NULL) {
        free(keep);
        free(small);
        free(large);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }

    /* category counts: one each, the rest by share (largest remainders go to the first) */
    size_t count[N_CATEGORY], given = 0;
    for (int c = 0; c < N_CATEGORY; c++) {
        count[c] = 1 + (size_t)(item_share[c] * (double)(n - N_CATEGORY));
        given += count[c];
    }
    for (int c = 0; given < n; c = (c + 1) % N_CATEGORY, given++)
        count[c]++;
    /* shuffle (Fisher-Yates) the categories and, separately, the popularity ranks */
    size_t j = 0;
    for (int c = 0; c < N_CATEGORY; c++)
        for (size_t k = 0; k < count[c]; k++)
            cat->category[j++] = (uint8_t)c;
    uint32_t *rank = cat->by_cat; /* scratch until the categories are sorted */
    for (size_t i = 0; i < n; i++)
        rank[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t k = (size_t)ck__rng_below(&r, i + 1);
        uint8_t tc = cat->category[i];
        cat->category[i] = cat->category[k];
        cat->category[k] = tc;
        k = (size_t)ck__rng_below(&r, i + 1);
        uint32_t tr = rank[i];
        rank[i] = rank[k];
        rank[k] = tr;
    }
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        cat->popularity[i] = pow((double)rank[i] + 1.0, -ZIPF_EXPONENT);
        total += cat->popularity[i];
    }
    for (size_t i = 0; i < n; i++)
        cat->popularity[i] /= total;
    for (size_t i = 0; i < n * N_FACTORS; i++)
        cat->factors[i] = ck__rng_normal(&r);
    for (int t = 0; t < N_TASTE_TYPES; t++)
        for (int k = 0; k < N_FACTORS; k++)
            cat->taste[t][k] = TASTE_SD * ck__rng_normal(&r);

    /* items grouped by category, in id order within each */
    cat->cat_first[0] = 0;
    for (int c = 0; c < N_CATEGORY; c++)
        cat->cat_first[c + 1] = cat->cat_first[c] + count[c];
    size_t fill[N_CATEGORY];
    memcpy(fill, cat->cat_first, sizeof fill);
    for (size_t i = 0; i < n; i++)
        cat->by_cat[fill[cat->category[i]]++] = (uint32_t)i;
    for (int t = 0; t < N_TASTE_TYPES; t++) {
        alias_slot *slot = cat->slot + (size_t)t * n;
        for (int c = 0; c < N_CATEGORY; c++) {
            size_t lo = cat->cat_first[c], m = cat->cat_first[c + 1] - lo;
            double sum = 0.0;
            for (size_t k = lo; k < lo + m; k++) {
                const double *f = cat->factors + (size_t)cat->by_cat[k] * N_FACTORS;
                double s = 0.0;
                for (int d = 0; d < N_FACTORS; d++)
                    s += cat->taste[t][d] * f[d];
                keep[k] = pow(cat->popularity[cat->by_cat[k]], POP_EXPONENT) * exp(s);
                sum += keep[k];
            }
            size_t n_small = 0, n_large = 0;
            for (size_t k = lo; k < lo + m; k++) {
                keep[k] *= (double)m / sum; /* mean 1 */
                slot[k].alias = cat->by_cat[k];
                if (keep[k] < 1.0)
                    small[n_small++] = (uint32_t)k;
                else
                    large[n_large++] = (uint32_t)k;
            }
            while (n_small > 0 && n_large > 0) {
                uint32_t sm = small[--n_small], lg = large[n_large - 1];
                slot[sm].alias = cat->by_cat[lg];
                keep[lg] -= 1.0 - keep[sm];
                if (keep[lg] < 1.0) {
                    n_large--;
                    small[n_small++] = lg;
                }
            }
            /* what is left is 1 up to rounding */
            while (n_large > 0)
                keep[large[--n_large]] = 1.0;
            while (n_small > 0)
                keep[small[--n_small]] = 1.0;
            for (size_t k = lo; k < lo + m; k++)
                slot[k].keep = (float)keep[k];
        }
    }
    free(keep);
    free(small);
    free(large);
    int width = 5;
    for (size_t m = n; m >= 100000; m /= 10)
        width++;
    for (size_t i = 0; i < n; i++)
        cat->id_len = snprintf(cat->ids + ITEM_ID_STRIDE * i, ITEM_ID_STRIDE, "P%0*zu", width, i + 1);
    return CK_OK;
}

/* ---- formatting ---- */

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

static char *put_uint(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

static char *put_str(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static int flush_events(gen *g, FILE *fp, ck_error *err)
{
    if (g->out_len > 0 && fwrite(g->out, 1, g->out_len, fp) != g->out_len)
        return ck_error_set(err, CK_EIO, NULL, 0, "writing events: %s", strerror(errno));
    g->out_len = 0;
    return CK_OK;
}

static int compare_events(const void *pa, const void *pb)
{
    const event *a = pa, *b = pb;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The longest row after the id: ts 21, event 14, amount 21, channel 12, category 12, item
 * 15, and six separators; 128 leaves room. */
#define MAX_ROW_TAIL 128

static int write_events(gen *g, FILE *fp, ck_error *err)
{
    int rc;
    if (g->n_ev > 1) /* qsort's base may not be NULL, which an empty array can be */
        qsort(g->ev, g->n_ev, sizeof *g->ev, compare_events);
    for (size_t i = 0; i < g->n_ev; i++) {
        const event *e = &g->ev[i];
        if (g->out_len + g->id_len + MAX_ROW_TAIL > g->out_cap &&
            (rc = flush_events(g, fp, err)) < 0)
            return rc;
        char *p = g->out + g->out_len;
        memcpy(p, g->id, g->id_len);
        p += g->id_len;
        int64_t since = e->ts - g->start;
        int64_t day = since / DAY, sec = since % DAY;
        memcpy(p, g->date_table + 11 * day, 11);
        p += 11;
        memcpy(p, digit_pairs + 2 * (sec / 3600), 2);
        p[2] = ':';
        memcpy(p + 3, digit_pairs + 2 * (sec / 60 % 60), 2);
        p[5] = ':';
        memcpy(p + 6, digit_pairs + 2 * (sec % 60), 2);
        memcpy(p + 8, "Z,", 2);
        p += 10;
        p = put_str(p, ck_event_type_name(e->type));
        *p++ = ',';
        if (e->type == CK_EV_PURCHASE || e->type == CK_EV_REFUND) {
            p = put_uint(p, (uint64_t)(e->amount / 100));
            *p++ = '.';
            memcpy(p, digit_pairs + 2 * (e->amount % 100), 2);
            p += 2;
        } else if (e->type == CK_EV_POINTS_EARN || e->type == CK_EV_POINTS_REDEEM) {
            p = put_uint(p, (uint64_t)e->amount);
        }
        *p++ = ',';
        p = put_str(p, channel_names[e->channel]);
        *p++ = ',';
        p = put_str(p, category_names[e->category]);
        *p++ = ',';
        if (e->item != ITEM_NONE) {
            memcpy(p, g->cat.ids + ITEM_ID_STRIDE * (size_t)e->item, (size_t)g->cat.id_len);
            p += g->cat.id_len;
            if (e->type == CK_EV_PURCHASE && g->p->has_holdout && e->ts >= g->p->holdout_ts) {
                if (!ck__grow((void **)&g->holdout, &g->cap_holdout, g->n_holdout + 1,
                              sizeof *g->holdout))
                    return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
                g->holdout[g->n_holdout++] = e->item;
            }
        }
        *p++ = '\n';
        g->out_len = (size_t)(p - g->out);
    }
    g->stats.n_events += g->n_ev;
    return CK_OK;
}

static void write_customer_row(const gen *g, const customer *c, FILE *fp)
{
    char date[16];
    ck_ts_format_date(c->signup_ts, date);
    fprintf(fp, "%.*s,%s,%d,%s,%s,%s\n", (int)g->id_len - 1, g->id, date, c->age,
            c->male ? "M" : "F", tier_names[c->tier], level_names[c->level_name]);
}

static void write_assignment_row(const gen *g, const customer *c, FILE *fp)
{
    char date[16];
    ck_ts_format_date(g->p->campaign_ts, date);
    fprintf(fp, "%.*s,%s,%s,%s,%s\n", (int)g->id_len - 1, g->id, arm_names[c->arm],
            channel_names[c->campaign_channel], date, segment_names[c->segment]);
}

static void json_ts_or_null(FILE *fp, int64_t ts)
{
    char buf[32];
    if (ts == NEVER) {
        fputs("null", fp);
        return;
    }
    ck_ts_format(ts, buf);
    fprintf(fp, "\"%s\"", buf);
}

static void write_truth_customer(const gen *g, const customer *c, bool first, FILE *fp)
{
    char signup[32];
    ck_ts_format(c->signup_ts, signup);
    fprintf(fp, "%s\n{\"id\":\"%.*s\",\"segment\":\"%s\",\"cohort\":\"%s\",\"signup_at\":\"%s\",",
            first ? "" : ",", (int)g->id_len - 1, g->id, segment_names[c->segment],
            cohort_names[c->cohort], signup);
    if (c->cohort == CO_PROSPECT)
        fputs("\"mean_gap_days\":null,\"gap_shape\":null,", fp);
    else
        fprintf(fp, "\"mean_gap_days\":%.17g,\"gap_shape\":%.17g,", c->mean_gap_days, c->gap_shape);
    fprintf(fp,
            "\"order_value\":%.17g,\"coupon_p\":%.17g,\"store_p\":%.17g,\"engagement\":%.17g,"
            "\"engagement_drift\":%.17g,\"visit_rate\":%.17g,\"purchases\":%zu,\"lapsed_at\":",
            c->order_value, c->coupon_p, c->store_p, c->level0, c->drift, c->visit_rate,
            c->n_purchase_rows);
    json_ts_or_null(fp, c->lapsed_at);
    fputs(",\"cancelled_at\":", fp);
    json_ts_or_null(fp, c->cancelled_at);
    fprintf(fp, ",\"churned_by_end\":%s,\"favourite_category\":\"%s\",\"taste_type\":%d,\"taste\":[",
            c->lapsed_at != NEVER || c->cancelled_at != NEVER ? "true" : "false",
            category_names[c->favourite_category], c->taste_type);
    for (int k = 0; k < N_FACTORS; k++)
        fprintf(fp, "%s%.17g", k ? "," : "", g->cat.taste[c->taste_type][k]);
    fprintf(fp, "],\"repeat_p\":%.17g,", c->repeat_p);
    if (g->p->has_holdout) {
        fputs("\"holdout_purchases\":[", fp);
        for (size_t k = 0; k < g->n_holdout; k++)
            fprintf(fp, "%s\"%s\"", k ? "," : "", g->cat.ids + ITEM_ID_STRIDE * (size_t)g->holdout[k]);
        fputs("],", fp);
    }
    fputs("\"campaign\":", fp);
    if (!c->assigned) {
        fputs("null}", fp);
        return;
    }
    fprintf(fp,
            "{\"arm\":\"%s\",\"channel\":\"%s\",\"lapsed\":%s,\"engagement\":%.17g,"
            "\"p0\":%.17g,\"q\":%.17g,\"outcome\":\"%s\"",
            arm_names[c->arm], channel_names[c->campaign_channel],
            c->lapsed_at_campaign ? "true" : "false", c->level_at_campaign, c->p0, c->q,
            outcome_names[c->outcome]);
    const char *keys[2] = { "effect", "uplift" };
    const double *values[2] = { c->effect, c->uplift };
    for (int i = 0; i < 2; i++) {
        fprintf(fp, ",\"%s\":{", keys[i]);
        for (int a = 1; a < N_ARM; a++)
            fprintf(fp, "%s\"%s\":%.17g", a > 1 ? "," : "", arm_names[a], values[i][a]);
        fputc('}', fp);
    }
    fputs("}}", fp);
}

/* ,"holdout_from":..., "catalogue":{...}: the products, one item per line. */
static void write_truth_catalogue(const gen *g, FILE *fp)
{
    const catalogue *cat = &g->cat;
    fputs(",\n\"holdout_from\":", fp);
    if (g->p->has_holdout) {
        char date[16];
        ck_ts_format_date(g->p->holdout_ts, date);
        fprintf(fp, "\"%s\"", date);
    } else {
        fputs("null", fp);
    }
    fprintf(fp,
            ",\n\"catalogue\":{\"n_items\":%zu,\"n_factors\":%d,\"popularity_exponent\":%.17g,"
            "\"zipf_exponent\":%.17g,\n\"taste_types\":[",
            cat->n_items, N_FACTORS, POP_EXPONENT, ZIPF_EXPONENT);
    for (int t = 0; t < N_TASTE_TYPES; t++) {
        fputs(t ? ",\n[" : "\n[", fp);
        for (int k = 0; k < N_FACTORS; k++)
            fprintf(fp, "%s%.17g", k ? "," : "", cat->taste[t][k]);
        fputc(']', fp);
    }
    fputs("],\n\"items\":[", fp);
    for (size_t i = 0; i < cat->n_items; i++) {
        fprintf(fp, "%s\n[\"%s\",\"%s\",%.17g,[", i ? "," : "", cat->ids + ITEM_ID_STRIDE * i,
                category_names[cat->category[i]], cat->popularity[i]);
        for (int k = 0; k < N_FACTORS; k++)
            fprintf(fp, "%s%.17g", k ? "," : "", cat->factors[i * N_FACTORS + (size_t)k]);
        fputs("]]", fp);
    }
    fputs("\n]}", fp);
}

/* ---- campaign truth ---- */

/* The expected value of `what` for arm a, averaged over the assigned customers of segment
 * seg (or all, when -1), or of those reached through channel ch; NAN when none. */
static double truth_value(const gen *g, int what, int arm, int seg, int ch)
{
    if (ch >= 0) {
        const truth_sum *x = &g->by_channel[ch];
        return x->n > 0 ? x->v[what][arm] / (double)x->n : NAN;
    }
    double n = 0.0, sum = 0.0;
    for (int s = 0; s < N_SEGMENT; s++) {
        if (seg >= 0 && s != seg)
            continue;
        n += (double)g->by_segment[s].n;
        sum += g->by_segment[s].v[what][arm];
    }
    return n > 0.0 ? sum / n : NAN;
}

static void json_number(FILE *fp, double v)
{
    if (isnan(v))
        fputs("null", fp);
    else
        fprintf(fp, "%.17g", v);
}

/* {"control": v, "discount": v, ...} for one group. */
static void json_arms(FILE *fp, const gen *g, int what, int seg, int ch)
{
    fputc('{', fp);
    for (int a = 0; a < N_ARM; a++) {
        fprintf(fp, "%s\"%s\":", a ? "," : "", arm_names[a]);
        json_number(fp, truth_value(g, what, a, seg, ch));
    }
    fputc('}', fp);
}

/* {"by_arm": {...}, "by_channel": {ch: {...}}, "by_segment": {seg: {...}}} */
static void json_groups(FILE *fp, const gen *g, int what)
{
    fputs("{\"by_arm\":", fp);
    json_arms(fp, g, what, -1, -1);
    fputs(",\"by_channel\":{", fp);
    for (int k = 0; k < N_CAMPAIGN_CHANNEL; k++) {
        fprintf(fp, "%s\"%s\":", k ? "," : "", channel_names[k]);
        json_arms(fp, g, what, -1, k);
    }
    fputs("},\"by_segment\":{", fp);
    for (int s = 0; s < N_SEGMENT; s++) {
        fprintf(fp, "%s\"%s\":", s ? "," : "", segment_names[s]);
        json_arms(fp, g, what, s, -1);
    }
    fputc('}', fp);
    if (what == T_LIFT) {
        /* the same cells as by_channel, keyed arm first */
        fputs(",\"by_arm_channel\":{", fp);
        for (int a = 0; a < N_ARM; a++) {
            fprintf(fp, "%s\"%s\":{", a ? "," : "", arm_names[a]);
            for (int k = 0; k < N_CAMPAIGN_CHANNEL; k++) {
                fprintf(fp, "%s\"%s\":", k ? "," : "", channel_names[k]);
                json_number(fp, truth_value(g, what, a, -1, k));
            }
            fputc('}', fp);
        }
        fputc('}', fp);
    }
    fputc('}', fp);
}

static void json_name_list(FILE *fp, const char *const *names, int n)
{
    fputc('[', fp);
    for (int i = 0; i < n; i++)
        fprintf(fp, "%s\"%s\"", i ? "," : "", names[i]);
    fputc(']', fp);
}

static void write_truth_campaign(const gen *g, FILE *fp)
{
    char date[16], end[16];
    ck_ts_format_date(g->p->campaign_ts, date);
    ck_ts_format_date(g->campaign_end, end);
    fprintf(fp, "{\n\"date\":\"%s\",\"window_days\":%d,\"window_end\":\"%s\",\"arms\":", date,
            g->p->campaign_window_days, end);
    json_name_list(fp, arm_names, N_ARM);
    fputs(",\"channels\":", fp);
    json_name_list(fp, channel_names, N_CAMPAIGN_CHANNEL);
    fputs(",\"segments\":", fp);
    json_name_list(fp, segment_names, N_SEGMENT);
    fputs(",\n\"effect\":{", fp);
    for (int a = 0; a < N_ARM; a++) {
        fprintf(fp, "%s\"%s\":{", a ? "," : "", arm_names[a]);
        for (int s = 0; s < N_SEGMENT; s++) {
            size_t n = g->by_segment[s].n;
            fprintf(fp, "%s\"%s\":", s ? "," : "", segment_names[s]);
            json_number(fp, n > 0 ? g->effect_sum[a][s] / (double)n : NAN);
        }
        fputc('}', fp);
    }
    fputs("},\n\"channel_multiplier\":{", fp);
    for (int k = 0; k < N_CAMPAIGN_CHANNEL; k++)
        fprintf(fp, "%s\"%s\":%.17g", k ? "," : "", channel_names[k], channel_multiplier[k]);
    fputs("},\n\"price_factor\":{", fp);
    for (int a = 0; a < N_ARM; a++)
        fprintf(fp, "%s\"%s\":%.17g", a ? "," : "", arm_names[a], arm_price_factor[a]);
    fprintf(fp, "},\n\"lapsed_p0\":%.17g,\n\"assigned\":{\"total\":%zu,\"by_arm\":{",
            LAPSED_RETURN_P, g->stats.n_assigned);
    for (int a = 0; a < N_ARM; a++)
        fprintf(fp, "%s\"%s\":%zu", a ? "," : "", arm_names[a], g->n_by_arm[a]);
    fputs("},\"by_channel\":{", fp);
    for (int k = 0; k < N_CAMPAIGN_CHANNEL; k++)
        fprintf(fp, "%s\"%s\":%zu", k ? "," : "", channel_names[k], g->by_channel[k].n);
    fputs("},\"by_segment\":{", fp);
    for (int s = 0; s < N_SEGMENT; s++)
        fprintf(fp, "%s\"%s\":%zu", s ? "," : "", segment_names[s], g->by_segment[s].n);
    fputs("}},\n\"true_rate\":", fp);
    json_groups(fp, g, T_RATE);
    fputs(",\n\"true_lift\":", fp);
    json_groups(fp, g, T_LIFT);
    fputs(",\n\"true_revenue\":", fp);
    json_groups(fp, g, T_REVENUE);
    fputs(",\n\"true_revenue_lift\":", fp);
    json_groups(fp, g, T_REVENUE_LIFT);
    fputs("\n}", fp);
}

/* The customer's expected rate, lift, revenue and revenue lift under every arm, reached
 * through channel k: E[amount] is the order value times (1 - 0.15 coupon_p) for a natural
 * purchase and times price_factor[arm] for a recall purchase. */
static void expected_values(const customer *c, int k, double v[N_TRUTH][N_ARM])
{
    double natural_amount = c->order_value * (1.0 - (1.0 - COUPON_PRICE) * c->coupon_p);
    for (int a = 0; a < N_ARM; a++) {
        double q = c->effect[a] * channel_multiplier[k];
        double lift = lift_of(c->p0, q);
        /* P(natural) and P(recall) */
        double natural = q < 0.0 ? c->p0 * (1.0 + q) : c->p0;
        double recall = q > 0.0 ? (1.0 - c->p0) * q : 0.0;
        double revenue = natural * natural_amount + recall * arm_price_factor[a] * c->order_value;
        v[T_RATE][a] = c->p0 + lift;
        v[T_LIFT][a] = lift;
        v[T_REVENUE][a] = revenue;
        v[T_REVENUE_LIFT][a] = revenue - c->p0 * natural_amount;
    }
}

static void add_to_truth(gen *g, const customer *c)
{
    double v[N_TRUTH][N_ARM], mean[N_TRUTH][N_ARM] = { { 0 } };
    truth_sum *by_ch = &g->by_channel[c->campaign_channel];
    for (int k = 0; k < N_CAMPAIGN_CHANNEL; k++) {
        expected_values(c, k, v);
        for (int t = 0; t < N_TRUTH; t++)
            for (int a = 0; a < N_ARM; a++) {
                mean[t][a] += v[t][a] / N_CAMPAIGN_CHANNEL;
                if (k == c->campaign_channel)
                    by_ch->v[t][a] += v[t][a];
            }
    }
    /* the lift is the customer's uplift itself, so that the group truths are exactly the
     * means of the per-customer truths */
    for (int a = 0; a < N_ARM; a++)
        mean[T_LIFT][a] = c->uplift[a];
    truth_sum *by_seg = &g->by_segment[c->segment];
    for (int t = 0; t < N_TRUTH; t++)
        for (int a = 0; a < N_ARM; a++)
            by_seg->v[t][a] += mean[t][a];
    by_seg->n++;
    by_ch->n++;
    for (int a = 0; a < N_ARM; a++)
        g->effect_sum[a][c->segment] += c->effect[a];
    g->n_by_arm[c->arm]++;
    g->stats.n_assigned++;
}

/* ---- the run ---- */

int ck_synth_check_params(const ck_synth_params *p, ck_error *err)
{
    assert(p != NULL);
    if (p->n_customers < 1 || p->n_customers > CK_SYNTH_MAX_CUSTOMERS)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "n_customers must be 1 to %u, got %zu",
                            CK_SYNTH_MAX_CUSTOMERS, p->n_customers);
    if (p->days < 1 || p->days > CK_SYNTH_MAX_DAYS)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "days must be 1 to %d, got %d",
                            CK_SYNTH_MAX_DAYS, p->days);
    int64_t first_ok = ck_days_from_civil(1900, 1, 1) * DAY;
    int64_t last_end = ck_days_from_civil(10000, 1, 1) * DAY;
    if (p->start_ts % DAY != 0 || p->start_ts < first_ok)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "start_ts must be the start of a UTC day from 1900-01-01, got %lld",
                            (long long)p->start_ts);
    int64_t end = p->start_ts + (int64_t)p->days * DAY;
    if (end > last_end)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the period must end by 9999-12-31, got %d days from %lld", p->days,
                            (long long)p->start_ts);
    if (p->n_items < N_CATEGORY || p->n_items > CK_SYNTH_MAX_ITEMS)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "n_items must be %d to %u, got %zu",
                            N_CATEGORY, CK_SYNTH_MAX_ITEMS, p->n_items);
    if (p->has_holdout && (p->holdout_ts % DAY != 0 || p->holdout_ts <= p->start_ts ||
                           p->holdout_ts >= end)) {
        char first[16], last[16];
        ck_ts_format_date(p->start_ts + DAY, first);
        ck_ts_format_date(end - DAY, last);
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "holdout_ts must be the start of a day from %s to %s, got %lld", first,
                            last, (long long)p->holdout_ts);
    }
    if (!p->has_campaign)
        return CK_OK;
    if (p->campaign_window_days < 1 || p->campaign_window_days > CK_SYNTH_MAX_WINDOW_DAYS)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "campaign_window_days must be 1 to %d, got %d",
                            CK_SYNTH_MAX_WINDOW_DAYS, p->campaign_window_days);
    char when[16], first[16], last[16];
    ck_ts_format_date(p->campaign_ts, when);
    ck_ts_format_date(p->start_ts + DAY, first);
    ck_ts_format_date(end - (int64_t)p->campaign_window_days * DAY, last);
    if (p->campaign_ts % DAY != 0 || p->campaign_ts <= p->start_ts ||
        p->campaign_ts + (int64_t)p->campaign_window_days * DAY > end)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the campaign day must be from %s to %s so that its %d-day window "
                            "lies inside the period, got %s",
                            first, last, p->campaign_window_days, when);
    return CK_OK;
}

static int gen_init(gen *g, const ck_synth_params *p, ck_error *err)
{
    memset(g, 0, sizeof *g);
    g->p = p;
    g->start = p->start_ts;
    g->end = p->start_ts + (int64_t)p->days * DAY;
    g->campaign_end = p->campaign_ts + (int64_t)p->campaign_window_days * DAY;
    g->out_cap = 1 << 18;
    g->out = malloc(g->out_cap);
    g->date_table = ck__alloc_array((size_t)p->days, 11);
    /* three promotion days a year, years of the period */
    size_t n_years = (size_t)p->days / 365 + 2;
    g->promos = ck__alloc_array(n_years * 3, sizeof *g->promos);
    if (g->out == NULL || g->date_table == NULL || g->promos == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    char date[16];
    for (int d = 0; d < p->days; d++) {
        ck_ts_format_date(g->start + (int64_t)d * DAY, date);
        memcpy(g->date_table + 11 * (size_t)d, date, 10);
        g->date_table[11 * (size_t)d + 10] = 'T';
    }
    ck_ts_format_date(g->start, date);
    int first_year =
        (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    static const int promo_month[3] = { 3, 6, 11 }, promo_day[3] = { 8, 18, 11 };
    for (size_t y = 0; y < n_years; y++)
        for (int k = 0; k < 3; k++) {
            int64_t ts =
                ck_days_from_civil(first_year + (int64_t)y, promo_month[k], promo_day[k]) * DAY;
            if (ts >= g->start && ts < g->end)
                g->promos[g->n_promos++] = ts;
        }
    g->launch_anchor = ck_days_from_civil(2020, 3, 2) * DAY + 2 * 3600;

    double cdf[24], total = 0.0;
    for (int h = 0; h < 24; h++) {
        total += local_hour_weight[(h + 8) % 24];
        cdf[h] = total;
    }
    int h = 0;
    for (int k = 0; k < 1024; k++) {
        double u = (k + 0.5) / 1024.0 * total;
        while (h < 23 && u >= cdf[h])
            h++;
        g->hour_lut[k] = (uint8_t)h;
    }

    g->id_width = 7;
    for (size_t n = p->n_customers; n >= 10000000; n /= 10)
        g->id_width++;
    return catalogue_init(&g->cat, p->seed, p->n_items, err);
}

static void gen_free(gen *g)
{
    catalogue_free(&g->cat);
    free(g->holdout);
    free(g->bought);
    free(g->promos);
    free(g->date_table);
    free(g->out);
    free(g->pur);
    free(g->ev);
}

static int check_stream(FILE *fp, const char *what, ck_error *err)
{
    if (fp != NULL && (fflush(fp) != 0 || ferror(fp)))
        return ck_error_set(err, CK_EIO, NULL, 0, "writing %s: %s", what,
                            strerror(errno ? errno : EIO));
    return CK_OK;
}

int ck_synth_write(const ck_synth_params *params, FILE *events, FILE *customers, FILE *assignments,
                   FILE *truth, ck_synth_stats *stats_out, ck_progress_fn progress, void *payload,
                   ck_error *err)
{
    gen g;
    int rc;
    if (stats_out != NULL)
        memset(stats_out, 0, sizeof *stats_out);
    assert(params != NULL && events != NULL);
    if ((rc = ck_synth_check_params(params, err)) < 0)
        return rc;
    if (assignments != NULL && !params->has_campaign)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "assignments need a campaign");
    if ((rc = gen_init(&g, params, err)) < 0)
        goto done;

    static const char header[] = "customer_id,ts,event,amount,channel,category,item\n";
    memcpy(g.out, header, sizeof header - 1);
    g.out_len = sizeof header - 1;
    if (customers != NULL)
        fputs("customer_id,signup_date,age,gender,city_tier,member_level\n", customers);
    if (assignments != NULL)
        fputs("customer_id,arm,channel,assigned_at,segment\n", assignments);
    if (truth != NULL) {
        char start[16], end[16];
        ck_ts_format_date(g.start, start);
        ck_ts_format_date(g.end, end);
        fprintf(truth,
                "{\"seed\":%llu,\"n_customers\":%zu,\"start\":\"%s\",\"days\":%d,"
                "\"end\":\"%s\",\n\"customers\":[",
                (unsigned long long)params->seed, params->n_customers, start, params->days, end);
    }

    size_t step = params->n_customers / 256 + 1;
    for (size_t i = 0; i < params->n_customers; i++) {
        customer c;
        ck__rng_seed(&g.rng, params->seed, 2 * (uint64_t)i);
        ck__rng_seed(&g.arng, params->seed, 2 * (uint64_t)i + 1);
        ck__rng_seed(&g.irng, params->seed, ITEM_STREAM + (uint64_t)i);
        int len = snprintf(g.id, sizeof g.id, "C%0*zu,", g.id_width, i + 1);
        g.id_len = (size_t)len;
        draw_customer(&g, &c);
        draw_tastes(&g, &c);
        g.n_pur = 0;
        if (c.cohort == CO_LAUNCH)
            plan_launch_buyer(&g, &c);
        else if (c.cohort != CO_PROSPECT)
            plan_renewal_buyer(&g, &c);
        if (params->has_campaign && c.cohort != CO_PROSPECT)
            run_campaign(&g, &c);
        /* a lapse or cancellation after the period has not happened yet */
        if (c.lapsed_at >= g.end)
            c.lapsed_at = NEVER;
        if (c.cancelled_at >= g.end)
            c.cancelled_at = NEVER;
        emit_customer(&g, &c);
        if (g.oom) {
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
            goto done;
        }
        if ((rc = write_events(&g, events, err)) < 0)
            goto done;
        if (c.n_purchase_rows > 0)
            g.stats.n_buyers++;
        if (c.assigned)
            add_to_truth(&g, &c);
        if (customers != NULL)
            write_customer_row(&g, &c, customers);
        if (assignments != NULL && c.assigned)
            write_assignment_row(&g, &c, assignments);
        if (truth != NULL)
            write_truth_customer(&g, &c, i == 0, truth);
        if (progress != NULL && (i + 1) % step == 0)
            progress((double)(i + 1) / (double)params->n_customers, payload);
    }
    if ((rc = flush_events(&g, events, err)) < 0)
        goto done;
    if (truth != NULL) {
        fputs("\n],\n\"campaign\":", truth);
        if (params->has_campaign)
            write_truth_campaign(&g, truth);
        else
            fputs("null", truth);
        write_truth_catalogue(&g, truth);
        fputs("\n}\n", truth);
    }
    if ((rc = check_stream(events, "events", err)) < 0 ||
        (rc = check_stream(customers, "customers", err)) < 0 ||
        (rc = check_stream(assignments, "assignments", err)) < 0 ||
        (rc = check_stream(truth, "truth", err)) < 0)
        goto done;
    if (progress != NULL)
        progress(1.0, payload);
    if (stats_out != NULL)
        *stats_out = g.stats;
    rc = CK_OK;
done:
    gen_free(&g);
    return rc;
}

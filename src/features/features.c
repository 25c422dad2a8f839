/*
 * The feature builder (see features.h; docs/FEATURES.md defines each column).
 *
 * Two parallel passes over customers: the first marks who is in the table as of T, a
 * prefix sum gives each selected customer its row, the second computes the row. A row is
 * computed in one pass over the customer's events before T (their prefix in the store,
 * found by binary search); the label alone looks at the events from T on. Customer
 * attributes and RFM scores come after, serially: attribute levels are interned in row
 * order and RFM boundaries need the whole population, so both are thread-count free.
 *
 * Windowed features count over the config's windows_days (30, 90, 180, 365 by default)
 * and are named after them, so a short log can use windows of days.
 *
 * Inter-purchase gap spread uses Welford's online variance (Knuth, TAOCP vol. 2,
 * 4.2.2), the sample standard deviation (n − 1), as pandas' Series.std.
 */
#include "churnkit/features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/intern.h"
#include "base/numfmt.h"
#include "base/parallel.h"
#include "base/util.h"
#include "churnkit/config.h"
#include "churnkit/csv.h"
#include "churnkit/customers.h"
#include "churnkit/events.h"
#include "churnkit/lifecycle.h"
#include "churnkit/rfm.h"
#include "churnkit/timestamp.h"

/* The numeric features every table has, in column order. */
enum {
    F_RECENCY_DAYS,
    F_FREQUENCY,
    F_MONETARY,
    F_TENURE_DAYS,
    F_PURCHASES_30D,
    F_PURCHASES_90D,
    F_PURCHASES_180D,
    F_PURCHASES_365D,
    F_REVENUE_30D,
    F_REVENUE_90D,
    F_REVENUE_180D,
    F_REVENUE_365D,
    F_AVG_ORDER_VALUE,
    F_REFUNDS,
    F_REFUND_RATE,
    F_MEAN_GAP_DAYS,
    F_GAP_STD_DAYS,
    F_RECENCY_GAP_RATIO,
    F_DAYS_SINCE_FIRST_PURCHASE,
    F_DAYS_SINCE_LAST_ACTIVITY,
    F_VISITS_30D,
    F_VIEWS_30D,
    F_FAVORITES_30D,
    F_CARTS_30D,
    F_VISITS_90D,
    F_VIEWS_90D,
    F_FAVORITES_90D,
    F_CARTS_90D,
    F_VISITS_TREND,
    F_VIEWS_TREND,
    F_FAVORITES_TREND,
    F_CARTS_TREND,
    F_INTERACTIONS_30D,
    F_INTERACTIONS_TREND,
    F_CARTS_WITHOUT_PURCHASE,
    F_POINTS_BALANCE,
    F_DAYS_SINCE_REDEEM,
    F_CAMPAIGNS_365D,
    F_COUPON_SHARE,
    F_CATEGORIES_365D,
    F_MEMBERSHIP_CANCELLED,
    F_BASE_COUNT
};

static const char *const base_names[F_BASE_COUNT] = {
    "recency_days",
    "frequency",
    "monetary",
    "tenure_days",
    "purchases",
    "purchases",
    "purchases",
    "purchases",
    "revenue",
    "revenue",
    "revenue",
    "revenue",
    "avg_order_value",
    "refunds",
    "refund_rate",
    "mean_gap_days",
    "gap_std_days",
    "recency_gap_ratio",
    "days_since_first_purchase",
    "days_since_last_activity",
    "visits",
    "views",
    "favorites",
    "carts",
    "visits",
    "views",
    "favorites",
    "carts",
    "visits_trend",
    "views_trend",
    "favorites_trend",
    "carts_trend",
    "interactions",
    "interactions_trend",
    "carts_without_purchase",
    "points_balance",
    "days_since_redeem",
    "campaigns",
    "coupon_share",
    "categories",
    "membership_cancelled",
};

/* The window (index into the config's windows_days) a feature counts over, or -1: its name
 * is then base_names[j] + "_<days>d" (purchases_30d with the default windows). */
static int window_of(size_t j)
{
    switch (j) {
    case F_PURCHASES_30D:
    case F_PURCHASES_90D:
    case F_PURCHASES_180D:
    case F_PURCHASES_365D:
        return (int)(j - F_PURCHASES_30D);
    case F_REVENUE_30D:
    case F_REVENUE_90D:
    case F_REVENUE_180D:
    case F_REVENUE_365D:
        return (int)(j - F_REVENUE_30D);
    case F_VISITS_30D:
    case F_VIEWS_30D:
    case F_FAVORITES_30D:
    case F_CARTS_30D:
    case F_INTERACTIONS_30D:
        return 0;
    case F_VISITS_90D:
    case F_VIEWS_90D:
    case F_FAVORITES_90D:
    case F_CARTS_90D:
        return 1;
    case F_CAMPAIGNS_365D:
    case F_CATEGORIES_365D:
        return 3;
    default:
        return -1;
    }
}
/* Channel engagement counts over the third window (180 days by default). */
#define CHANNEL_WINDOW 2

typedef struct column {
    char *name;
    bool is_categorical;
    double *values;  /* numeric */
    uint32_t *codes; /* categorical */
    ck__intern levels;
} column;

struct ck_features {
    int64_t cutoff;
    size_t n_rows;
    size_t *customer; /* the store's customer index of each row */
    ck__intern ids;
    column *cols;
    size_t n_cols;
    bool has_label;
    int8_t *labels;
    double rfm_bounds[3][4];
    /* layout: base features, then one per configured channel, then these */
    size_t col_channels, col_stage, col_r, col_f, col_m, col_segment, col_attrs;
};

void ck_features_free(ck_features *f)
{
    if (f == NULL)
        return;
    for (size_t j = 0; j < f->n_cols; j++) {
        free(f->cols[j].name);
        free(f->cols[j].values);
        free(f->cols[j].codes);
        ck__intern_free(&f->cols[j].levels);
    }
    free(f->cols);
    free(f->customer);
    ck__intern_free(&f->ids);
    free(f->labels);
    free(f);
}

/* ---- one customer's row ------------------------------------------------------------ */

typedef struct build_ctx {
    const ck_events *ev;
    const ck_config *cfg;
    const ck_customers *customers;
    ck_features *f;
    int64_t cutoff;
    bool all_customers;
    int64_t label_end;     /* horizon end when the table has labels */
    int16_t *channel_slot; /* store channel → configured channel, or -1 */
    size_t n_categories;
    uint8_t *selected; /* per customer */
    size_t *row_of;    /* per customer: its row, when selected */
    uint8_t *stage;    /* per row */
} build_ctx;

static double days_between(int64_t later, int64_t earlier)
{
    return (double)(later - earlier) / CK__DAY_SECONDS;
}

/* (a − b) / (a + b) with a the first window (30 days) and b the days between the first and
 * the second window (the 60 before the last 30) scaled to the first's length: −1..1, 0
 * when both are empty. With the default windows b is previous / 2 exactly. */
static double trend(double last, double previous, const int *windows)
{
    double b = previous * (double)windows[0] / (double)(windows[1] - windows[0]);
    return last + b > 0 ? (last - b) / (last + b) : 0.0;
}

static bool in_population(const build_ctx *ctx, ck_event_span before)
{
    int64_t from = ctx->cutoff - (int64_t)ctx->cfg->lookback_days * CK__DAY_SECONDS;
    for (size_t i = before.n; i-- > 0 && before.ts[i] >= from;)
        if (before.type[i] == CK_EV_PURCHASE)
            return true;
    return false;
}

static int select_range(size_t lo, size_t hi, void *arg)
{
    build_ctx *ctx = arg;
    for (size_t c = lo; c < hi; c++) {
        ck_event_span before = ck_event_span_before(ck_events_customer(ctx->ev, c), ctx->cutoff);
        ctx->selected[c] = ctx->all_customers ? before.n > 0 : in_population(ctx, before);
    }
    return 0;
}

/* Money sums use Neumaier's compensated summation (Neumaier 1974, an improved Kahan sum):
 * a sum of amounts written with two decimals then comes out as the correctly rounded
 * value, so customers who spent the same share RFM scores whatever the event order. */
typedef struct exact_sum {
    double sum, compensation;
} exact_sum;

static void add_exact(exact_sum *s, double x)
{
    double t = s->sum + x;
    if (fabs(s->sum) >= fabs(x))
        s->compensation += (s->sum - t) + x;
    else
        s->compensation += (x - t) + s->sum;
    s->sum = t;
}

static double exact_value(const exact_sum *s)
{
    return s->sum + s->compensation;
}

/* Everything a row needs from one pass over the events before T. */
typedef struct tally {
    size_t purchases, refunds, coupons, carts_since_purchase, campaigns_365d, categories;
    exact_sum purchase_amount, refund_amount, points, revenue_w[4];
    double purchases_w[4];
    double inter_30d[4], inter_prev60d[4], inter_90d[4]; /* visit, view, favorite, cart */
    int64_t first_event, last_event, first_purchase, last_purchase;
    int64_t first_earn, last_redeem, last_signup, last_cancel;
    bool has_earn, has_redeem, has_signup, has_cancel;
    double gap_mean, gap_m2; /* Welford over the gaps, in days */
    size_t n_gaps;
} tally;

static void count_events(tally *t, ck_event_span s, int64_t T, const build_ctx *ctx,
                         uint32_t *category_seen, uint32_t stamp, double *channel_counts)
{
    const int64_t day = CK__DAY_SECONDS;
    const int *windows = ctx->cfg->windows_days;
    const int64_t from_30 = T - windows[0] * day, from_90 = T - windows[1] * day;
    const int64_t from_365 = T - windows[3] * day;
    const int64_t from_channel = T - windows[CHANNEL_WINDOW] * day;
    memset(t, 0, sizeof *t);
    t->first_event = s.n ? s.ts[0] : 0;
    t->last_event = s.n ? s.ts[s.n - 1] : 0;
    for (size_t i = 0; i < s.n; i++) {
        int64_t ts = s.ts[i];
        double amount = s.amount[i];
        if (ts >= from_channel && s.channel[i] != CK_NO_LEVEL &&
            ctx->channel_slot[s.channel[i]] >= 0)
            channel_counts[ctx->channel_slot[s.channel[i]]] += 1.0;
        switch ((ck_event_type)s.type[i]) {
        case CK_EV_PURCHASE:
            if (t->purchases == 0) {
                t->first_purchase = ts;
            } else {
                double gap = days_between(ts, t->last_purchase);
                double delta = gap - t->gap_mean;
                t->n_gaps++;
                t->gap_mean += delta / (double)t->n_gaps;
                t->gap_m2 += delta * (gap - t->gap_mean);
            }
            t->purchases++;
            t->last_purchase = ts;
            add_exact(&t->purchase_amount, amount);
            t->carts_since_purchase = 0;
            for (int w = 0; w < 4; w++) {
                if (ts >= T - windows[w] * day) {
                    t->purchases_w[w] += 1.0;
                    add_exact(&t->revenue_w[w], amount);
                }
            }
            if (ts >= from_365 && s.category[i] != CK_NO_LEVEL &&
                category_seen[s.category[i]] != stamp) {
                category_seen[s.category[i]] = stamp;
                t->categories++;
            }
            break;
        case CK_EV_REFUND:
            t->refunds++;
            add_exact(&t->refund_amount, amount);
            for (int w = 0; w < 4; w++)
                if (ts >= T - windows[w] * day)
                    add_exact(&t->revenue_w[w], -amount);
            break;
        case CK_EV_VISIT:
        case CK_EV_VIEW:
        case CK_EV_FAVORITE:
        case CK_EV_CART: {
            int k = s.type[i] - CK_EV_VISIT;
            if (ts >= from_30)
                t->inter_30d[k] += 1.0;
            else if (ts >= from_90)
                t->inter_prev60d[k] += 1.0;
            if (ts >= from_90)
                t->inter_90d[k] += 1.0;
            if (s.type[i] == CK_EV_CART)
                t->carts_since_purchase++;
            break;
        }
        case CK_EV_POINTS_EARN:
            if (!t->has_earn)
                t->first_earn = ts;
            t->has_earn = true;
            add_exact(&t->points, amount);
            break;
        case CK_EV_POINTS_REDEEM:
            t->has_redeem = true;
            t->last_redeem = ts;
            add_exact(&t->points, -amount);
            break;
        case CK_EV_CAMPAIGN:
            t->campaigns_365d += ts >= from_365;
            break;
        case CK_EV_COUPON:
            t->coupons++;
            break;
        case CK_EV_SIGNUP:
            t->has_signup = true;
            t->last_signup = ts;
            break;
        case CK_EV_CANCEL:
            t->has_cancel = true;
            t->last_cancel = ts;
            break;
        case CK_EV_COUNT:
            break;
        }
    }
}

static void fill_row(const build_ctx *ctx, size_t row, const tally *t, int64_t signup,
                     const double *channel_counts)
{
    const int64_t T = ctx->cutoff;
    const int *windows = ctx->cfg->windows_days;
    column *cols = ctx->f->cols;
    double v[F_BASE_COUNT];
    double purchases = (double)t->purchases;
    double purchase_amount = exact_value(&t->purchase_amount);
    bool bought = t->purchases > 0;
    int64_t since = t->first_event;
    if (signup != CK_NO_SIGNUP && signup < T && signup < since)
        since = signup;

    v[F_RECENCY_DAYS] = bought ? days_between(T, t->last_purchase) : NAN;
    v[F_FREQUENCY] = purchases;
    exact_sum net = t->purchase_amount;
    add_exact(&net, -t->refund_amount.sum);
    add_exact(&net, -t->refund_amount.compensation);
    v[F_MONETARY] = exact_value(&net);
    v[F_TENURE_DAYS] = days_between(T, since);
    for (int w = 0; w < 4; w++) {
        v[F_PURCHASES_30D + w] = t->purchases_w[w];
        v[F_REVENUE_30D + w] = exact_value(&t->revenue_w[w]);
    }
    v[F_AVG_ORDER_VALUE] = bought ? purchase_amount / purchases : NAN;
    v[F_REFUNDS] = (double)t->refunds;
    v[F_REFUND_RATE] = bought ? (double)t->refunds / purchases : NAN;
    v[F_MEAN_GAP_DAYS] = t->n_gaps >= 1 ? t->gap_mean : NAN;
    v[F_GAP_STD_DAYS] = t->n_gaps >= 2 ? sqrt(t->gap_m2 / (double)(t->n_gaps - 1)) : NAN;
    v[F_RECENCY_GAP_RATIO] =
        t->n_gaps >= 1 && t->gap_mean > 0 ? v[F_RECENCY_DAYS] / t->gap_mean : NAN;
    v[F_DAYS_SINCE_FIRST_PURCHASE] = bought ? days_between(T, t->first_purchase) : NAN;
    v[F_DAYS_SINCE_LAST_ACTIVITY] = days_between(T, t->last_event);
    double inter_30d = 0, inter_prev = 0;
    for (int k = 0; k < 4; k++) {
        v[F_VISITS_30D + k] = t->inter_30d[k];
        v[F_VISITS_90D + k] = t->inter_90d[k];
        v[F_VISITS_TREND + k] = trend(t->inter_30d[k], t->inter_prev60d[k], windows);
        inter_30d += t->inter_30d[k];
        inter_prev += t->inter_prev60d[k];
    }
    v[F_INTERACTIONS_30D] = inter_30d;
    v[F_INTERACTIONS_TREND] = trend(inter_30d, inter_prev, windows);
    v[F_CARTS_WITHOUT_PURCHASE] = (double)t->carts_since_purchase;
    v[F_POINTS_BALANCE] = exact_value(&t->points);
    v[F_DAYS_SINCE_REDEEM] = t->has_redeem ? days_between(T, t->last_redeem)
                             : t->has_earn ? days_between(T, t->first_earn)
                                           : NAN;
    v[F_CAMPAIGNS_365D] = (double)t->campaigns_365d;
    v[F_COUPON_SHARE] = bought ? (double)t->coupons / purchases : NAN;
    v[F_CATEGORIES_365D] = (double)t->categories;
    bool cancelled = t->has_cancel && (!t->has_signup || t->last_cancel > t->last_signup);
    v[F_MEMBERSHIP_CANCELLED] = cancelled ? 1.0 : 0.0;

    for (size_t j = 0; j < F_BASE_COUNT; j++)
        cols[j].values[row] = v[j];
    for (size_t k = 0; k < ctx->cfg->n_channels; k++)
        cols[ctx->f->col_channels + k].values[row] = channel_counts[k];

    ck_stage_facts facts = { bought, t->first_purchase, t->last_purchase, cancelled };
    ctx->stage[row] = (uint8_t)ck_lifecycle_stage(&facts, T, ctx->cfg);
}

/* 1 when no purchase in [T + gap, T + gap + horizon), from the events at or after T. */
static int8_t label_of(const build_ctx *ctx, ck_event_span all, size_t first_after)
{
    int64_t from = ctx->cutoff + (int64_t)ctx->cfg->gap_days * CK__DAY_SECONDS;
    for (size_t i = first_after; i < all.n && all.ts[i] < ctx->label_end; i++)
        if (all.type[i] == CK_EV_PURCHASE && all.ts[i] >= from)
            return 0;
    return 1;
}

static int compute_range(size_t lo, size_t hi, void *arg)
{
    build_ctx *ctx = arg;
    size_t n_channels = ctx->cfg->n_channels;
    uint32_t *category_seen = calloc(ctx->n_categories + 1, sizeof *category_seen);
    double *channel_counts = calloc(n_channels + 1, sizeof *channel_counts);
    if (category_seen == NULL || channel_counts == NULL) {
        free(category_seen);
        free(channel_counts);
        return CK_ENOMEM;
    }
    for (size_t c = lo; c < hi; c++) {
        if (!ctx->selected[c])
            continue;
        size_t row = ctx->row_of[c];
        ck_event_span all = ck_events_customer(ctx->ev, c);
        ck_event_span before = ck_event_span_before(all, ctx->cutoff);
        int64_t signup = CK_NO_SIGNUP;
        if (ctx->customers != NULL) {
            const char *id = ck_events_customer_id(ctx->ev, c);
            long r = ck_customers_find(ctx->customers, id, strlen(id));
            if (r >= 0)
                signup = ck_customers_signup(ctx->customers, (size_t)r);
        }
        tally t;
        memset(channel_counts, 0, n_channels * sizeof *channel_counts);
        /* stamps are row + 1, so 0 (calloc) means "not seen by any row" */
        count_events(&t, before, ctx->cutoff, ctx, category_seen, (uint32_t)(row + 1),
                     channel_counts);
        fill_row(ctx, row, &t, signup, channel_counts);
        /* a label only means something for the population: -1 (empty) elsewhere */
        if (ctx->f->has_label)
            ctx->f->labels[row] = !ctx->all_customers || in_population(ctx, before)
                                      ? label_of(ctx, all, before.n)
                                      : -1;
    }
    free(category_seen);
    free(channel_counts);
    return 0;
}

/* ---- table assembly ---------------------------------------------------------------- */

static int add_column(ck_features *f, const char *name, bool categorical)
{
    column *c = &f->cols[f->n_cols];
    memset(c, 0, sizeof *c);
    c->name = strdup(name);
    c->is_categorical = categorical;
    size_t n = f->n_rows ? f->n_rows : 1;
    if (categorical)
        c->codes = ck__alloc_array(n, sizeof *c->codes);
    else
        c->values = ck__alloc_array(n, sizeof *c->values);
    f->n_cols++;
    return c->name && (c->codes || c->values) ? CK_OK : CK_ENOMEM;
}

static int make_columns(ck_features *f, const ck_config *cfg, const ck_customers *cu)
{
    size_t n_attrs = cu ? ck_customers_n_attributes(cu) : 0;
    f->cols = calloc(F_BASE_COUNT + cfg->n_channels + 5 + n_attrs, sizeof *f->cols);
    if (f->cols == NULL)
        return CK_ENOMEM;
    int rc = CK_OK;
    char name[CK_NAME_MAX + 16];
    for (size_t j = 0; j < F_BASE_COUNT && rc == CK_OK; j++) {
        int w = window_of(j);
        if (w >= 0)
            snprintf(name, sizeof name, "%s_%dd", base_names[j], cfg->windows_days[w]);
        else
            snprintf(name, sizeof name, "%s", base_names[j]);
        rc = add_column(f, name, false);
    }
    f->col_channels = f->n_cols;
    for (size_t k = 0; k < cfg->n_channels && rc == CK_OK; k++) {
        snprintf(name, sizeof name, "channel_%s_%dd", cfg->channels[k],
                 cfg->windows_days[CHANNEL_WINDOW]);
        rc = add_column(f, name, false);
    }
    f->col_stage = f->n_cols;
    if (rc == CK_OK)
        rc = add_column(f, "lifecycle_stage", true);
    f->col_r = f->n_cols;
    if (rc == CK_OK)
        rc = add_column(f, "r_score", false);
    f->col_f = f->n_cols;
    if (rc == CK_OK)
        rc = add_column(f, "f_score", false);
    f->col_m = f->n_cols;
    if (rc == CK_OK)
        rc = add_column(f, "m_score", false);
    f->col_segment = f->n_cols;
    if (rc == CK_OK)
        rc = add_column(f, "rfm_segment", true);
    f->col_attrs = f->n_cols;
    for (size_t a = 0; a < n_attrs && rc == CK_OK; a++)
        rc = add_column(f, ck_customers_attribute_name(cu, a),
                        ck_customers_attribute_is_categorical(cu, a));
    for (int s = 0; s < CK_STAGE_COUNT && rc == CK_OK; s++)
        if (ck__intern_put(&f->cols[f->col_stage].levels, ck_stage_name((ck_stage)s),
                           strlen(ck_stage_name((ck_stage)s))) < 0)
            rc = CK_ENOMEM;
    return rc;
}

/* RFM scores against the config's bounds or the population's quintiles. */
static int score_rfm(ck_features *f, const ck_config *cfg, ck_error *err)
{
    const double *dims[3] = { f->cols[F_RECENCY_DAYS].values, f->cols[F_FREQUENCY].values,
                              f->cols[F_MONETARY].values };
    if (cfg->has_rfm_bounds) {
        memcpy(f->rfm_bounds, cfg->rfm_bounds, sizeof f->rfm_bounds);
    } else {
        /* quintiles over the population only, even when the table holds everyone */
        double *pop = ck__alloc_array(f->n_rows, sizeof *pop);
        if (pop == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        int64_t from = f->cutoff - (int64_t)cfg->lookback_days * CK__DAY_SECONDS;
        double max_recency = days_between(f->cutoff, from);
        for (int d = 0; d < 3; d++) {
            size_t m = 0;
            for (size_t i = 0; i < f->n_rows; i++)
                if (dims[0][i] <= max_recency)
                    pop[m++] = dims[d][i];
            int rc = ck_rfm_bounds(f->rfm_bounds[d], pop, m, err);
            if (rc < 0) {
                free(pop);
                return rc;
            }
        }
        free(pop);
    }
    ck__intern *segments = &f->cols[f->col_segment].levels;
    for (int r = 0; r < 5; r++)
        for (int fs = 0; fs < 5; fs++)
            if (ck__intern_put(segments, cfg->rfm_segments[r][fs],
                               strlen(cfg->rfm_segments[r][fs])) < 0)
                return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < f->n_rows; i++) {
        if (isnan(dims[0][i])) { /* never bought: no RFM */
            f->cols[f->col_r].values[i] = f->cols[f->col_f].values[i] = NAN;
            f->cols[f->col_m].values[i] = NAN;
            f->cols[f->col_segment].codes[i] = CK_MISSING_CODE;
            continue;
        }
        int r = ck_rfm_score(dims[0][i], f->rfm_bounds[0], 1);
        int fs = ck_rfm_score(dims[1][i], f->rfm_bounds[1], 0);
        int m = ck_rfm_score(dims[2][i], f->rfm_bounds[2], 0);
        f->cols[f->col_r].values[i] = r;
        f->cols[f->col_f].values[i] = fs;
        f->cols[f->col_m].values[i] = m;
        const char *seg = ck_rfm_segment(cfg, r, fs);
        f->cols[f->col_segment].codes[i] = (uint32_t)ck__intern_find(segments, seg, strlen(seg));
    }
    return CK_OK;
}

static int fill_attributes(ck_features *f, const ck_customers *cu, ck_error *err)
{
    size_t n_attrs = cu ? ck_customers_n_attributes(cu) : 0;
    for (size_t i = 0; i < f->n_rows; i++) {
        const char *id = ck__intern_str(&f->ids, i);
        long r = cu ? ck_customers_find(cu, id, strlen(id)) : -1;
        for (size_t a = 0; a < n_attrs; a++) {
            column *c = &f->cols[f->col_attrs + a];
            if (!c->is_categorical) {
                c->values[i] = r >= 0 ? ck_customers_number(cu, a, (size_t)r) : NAN;
                continue;
            }
            const char *s = r >= 0 ? ck_customers_string(cu, a, (size_t)r) : NULL;
            long code = s ? ck__intern_put(&c->levels, s, strlen(s)) : (long)CK_MISSING_CODE;
            if (code < 0)
                return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
            c->codes[i] = (uint32_t)code;
        }
    }
    return CK_OK;
}

int ck_features_build(ck_features **out, const ck_events *ev, int64_t cutoff,
                      const ck_features_opts *opts, ck_error *err)
{
    static const ck_features_opts default_opts = CK_FEATURES_OPTS_INIT;
    ck_config default_cfg;
    if (opts == NULL)
        opts = &default_opts;
    const ck_config *cfg = opts->config;
    if (cfg == NULL) {
        ck_config_init(&default_cfg);
        cfg = &default_cfg;
    }
    *out = NULL;
    for (int w = 0; w < CK_N_WINDOWS; w++)
        if (cfg->windows_days[w] < 1 || (w > 0 && cfg->windows_days[w] <= cfg->windows_days[w - 1]))
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "windows_days: expected 4 ascending numbers of days from 1");
    size_t n_customers = ck_events_n_customers(ev);
    build_ctx ctx = { .ev = ev,
                      .cfg = cfg,
                      .customers = opts->customers,
                      .cutoff = cutoff,
                      .all_customers = opts->all_customers,
                      .n_categories = ck_events_n_categories(ev) };
    int rc = CK_ENOMEM;
    ck_features *f = calloc(1, sizeof *f);
    size_t n_store_channels = ck_events_n_channels(ev);
    ctx.channel_slot = malloc((n_store_channels + 1) * sizeof *ctx.channel_slot);
    ctx.selected = malloc(n_customers + 1);
    ctx.row_of = ck__alloc_array(n_customers + 1, sizeof *ctx.row_of);
    if (f == NULL || ctx.channel_slot == NULL || ctx.selected == NULL || ctx.row_of == NULL)
        goto fail;
    ctx.f = f;
    f->cutoff = cutoff;
    for (size_t k = 0; k < n_store_channels; k++) {
        ctx.channel_slot[k] = -1;
        for (size_t s = 0; s < cfg->n_channels; s++)
            if (strcmp(ck_events_channel_name(ev, (uint16_t)k), cfg->channels[s]) == 0)
                ctx.channel_slot[k] = (int16_t)s;
    }
    /* data is taken to cover each day that has an event, to that day's end */
    int64_t data_end = ck_ts_day_start(ck_events_max_ts(ev)) + CK__DAY_SECONDS;
    int64_t horizon_start = cutoff + (int64_t)cfg->gap_days * CK__DAY_SECONDS;
    ctx.label_end = horizon_start + (int64_t)cfg->horizon_days * CK__DAY_SECONDS;
    f->has_label = !opts->no_label && n_customers > 0 && ctx.label_end <= data_end;

    ck__parallel_for(n_customers, 1024, opts->n_threads, select_range, &ctx);
    for (size_t c = 0; c < n_customers; c++) {
        ctx.row_of[c] = f->n_rows;
        if (ctx.selected[c]) {
            const char *id = ck_events_customer_id(ev, c);
            if (ck__intern_put(&f->ids, id, strlen(id)) < 0)
                goto fail;
            f->n_rows++;
        }
    }
    f->customer = ck__alloc_array(f->n_rows + 1, sizeof *f->customer);
    f->labels = malloc(f->n_rows + 1);
    ctx.stage = malloc(f->n_rows + 1);
    if (f->customer == NULL || f->labels == NULL || ctx.stage == NULL ||
        make_columns(f, cfg, opts->customers) != CK_OK)
        goto fail;
    for (size_t c = 0; c < n_customers; c++)
        if (ctx.selected[c])
            f->customer[ctx.row_of[c]] = c;
    if (ck__parallel_for(n_customers, 1024, opts->n_threads, compute_range, &ctx) != 0)
        goto fail;
    for (size_t i = 0; i < f->n_rows; i++)
        f->cols[f->col_stage].codes[i] = ctx.stage[i];
    if ((rc = score_rfm(f, cfg, err)) < 0 || (rc = fill_attributes(f, opts->customers, err)) < 0)
        goto fail_set;
    if (opts->progress)
        opts->progress(1.0, opts->progress_payload);
    free(ctx.channel_slot);
    free(ctx.selected);
    free(ctx.row_of);
    free(ctx.stage);
    *out = f;
    return CK_OK;
fail:
    rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
fail_set:
    free(ctx.channel_slot);
    free(ctx.selected);
    free(ctx.row_of);
    free(ctx.stage);
    ck_features_free(f);
    return rc;
}

/* ---- access ------------------------------------------------------------------------ */

int64_t ck_features_cutoff(const ck_features *f)
{
    return f->cutoff;
}

size_t ck_features_n_rows(const ck_features *f)
{
    return f->n_rows;
}

size_t ck_features_n_columns(const ck_features *f)
{
    return f->n_cols;
}

const char *ck_features_column_name(const ck_features *f, size_t j)
{
    return f->cols[j].name;
}

long ck_features_column_index(const ck_features *f, const char *name)
{
    for (size_t j = 0; j < f->n_cols; j++)
        if (strcmp(f->cols[j].name, name) == 0)
            return (long)j;
    return -1;
}

bool ck_features_is_categorical(const ck_features *f, size_t j)
{
    return f->cols[j].is_categorical;
}

const double *ck_features_values(const ck_features *f, size_t j)
{
    return f->cols[j].values;
}

const uint32_t *ck_features_codes(const ck_features *f, size_t j)
{
    return f->cols[j].codes;
}

size_t ck_features_n_levels(const ck_features *f, size_t j)
{
    return f->cols[j].levels.count;
}

const char *ck_features_level(const ck_features *f, size_t j, uint32_t code)
{
    return code < f->cols[j].levels.count ? ck__intern_str(&f->cols[j].levels, code) : NULL;
}

const char *ck_features_row_id(const ck_features *f, size_t i)
{
    return ck__intern_str(&f->ids, i);
}

bool ck_features_has_label(const ck_features *f)
{
    return f->has_label;
}

void ck_features_set_labels(ck_features *f, const int8_t *labels)
{
    memcpy(f->labels, labels, f->n_rows);
    f->has_label = true;
}

const int8_t *ck_features_labels(const ck_features *f)
{
    return f->has_label ? f->labels : NULL;
}

void ck_features_rfm_bounds(const ck_features *f, double out[3][4])
{
    memcpy(out, f->rfm_bounds, sizeof f->rfm_bounds);
}

/* ---- CSV output -------------------------------------------------------------------- */

int ck_features_write_csv(const ck_features *const *tables, size_t n_tables, FILE *out,
                          char delimiter, ck_error *err)
{
    if (n_tables == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no feature table to write");
    const ck_features *first = tables[0];
    bool labels = true;
    for (size_t t = 0; t < n_tables; t++) {
        labels &= tables[t]->has_label;
        bool same = tables[t]->n_cols == first->n_cols;
        for (size_t j = 0; same && j < first->n_cols; j++)
            same = strcmp(tables[t]->cols[j].name, first->cols[j].name) == 0;
        if (!same)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "feature tables have different columns");
    }
    bool stacked = n_tables > 1;
    fputs("customer_id", out);
    if (stacked)
        fprintf(out, "%ccutoff", delimiter);
    for (size_t j = 0; j < first->n_cols; j++) {
        fputc(delimiter, out);
        ck_csv_write_field(out, first->cols[j].name, strlen(first->cols[j].name), delimiter);
    }
    if (labels)
        fprintf(out, "%clabel", delimiter);
    fputc('\n', out);
    char num[32], date[16];
    for (size_t t = 0; t < n_tables; t++) {
        const ck_features *f = tables[t];
        ck_ts_format_date(f->cutoff, date);
        for (size_t i = 0; i < f->n_rows; i++) {
            const char *id = ck__intern_str(&f->ids, i);
            ck_csv_write_field(out, id, strlen(id), delimiter);
            if (stacked) {
                fputc(delimiter, out);
                fputs(date, out);
            }
            for (size_t j = 0; j < f->n_cols; j++) {
                const column *c = &f->cols[j];
                fputc(delimiter, out);
                if (c->is_categorical) {
                    if (c->codes[i] != CK_MISSING_CODE) {
                        const char *s = ck__intern_str(&c->levels, c->codes[i]);
                        ck_csv_write_field(out, s, strlen(s), delimiter);
                    }
                } else {
                    fwrite(num, 1, ck__format_number(num, c->values[i]), out);
                }
            }
            if (labels) {
                fputc(delimiter, out);
                if (f->labels[i] >= 0)
                    fputc('0' + f->labels[i], out);
            }
            fputc('\n', out);
        }
    }
    if (ferror(out))
        return ck_error_set(err, CK_EIO, NULL, 0, "write error");
    return CK_OK;
}

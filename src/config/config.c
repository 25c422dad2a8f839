/*
 * The JSON configuration: documented defaults, then the file's overrides, checked key by
 * key. Default RFM segments are the widely used R×F grid (champions, loyal customers,
 * potential loyalists, new customers, promising, need attention, about to sleep, at risk,
 * can't lose them, hibernating), indexed by recency score (row) and frequency score.
 */
#include "churnkit/config.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/event_types.h"
#include "config/config_json.h"
#include "io/json.h"

static const char *const column_names[CK_COL_COUNT] = { "customer_id", "ts",      "event",
                                                        "amount",      "channel", "category",
                                                        "item" };

static const int default_windows[CK_N_WINDOWS] = { 30, 90, 180, 365 };

static const char *const default_channels[] = { "sms", "wechat", "miniprogram",
                                                "app", "web",    "store" };

/* [r − 1][f − 1] */
static const char *const default_segments[5][5] = {
    { "hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them" },
    { "hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them" },
    { "about_to_sleep", "about_to_sleep", "need_attention", "loyal_customers", "loyal_customers" },
    { "promising", "potential_loyalists", "potential_loyalists", "loyal_customers",
      "loyal_customers" },
    { "new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions" },
};

/* The brand playbook's wording of the reasons a customer is at risk (docs/REASONS.md): a
 * "*" in a key stands for a window's days, and in its text becomes those days; ":missing",
 * ":negative" or a number after the name words that case. No template words an output
 * (lifecycle_stage, rfm_segment) or a score code: neither is ever a reason. */
static const char *const default_templates[][2] = {
    { "recency_days", "no purchase for {recency_days:0} days" },
    { "recency_gap_ratio",
      "no purchase for {recency_days:0} days, {recency_gap_ratio:1}x their usual gap" },
    { "recency_gap_ratio:missing", "no purchase for {recency_days:0} days, after a single one" },
    { "days_since_last_activity", "no activity of any kind for {days_since_last_activity:0} days" },
    { "interactions_trend", "interactions {interactions_trend_change} on the previous 60 days" },
    { "views_trend", "views {views_trend_change} on the previous 60 days" },
    { "visits_trend", "visits {visits_trend_change} on the previous 60 days" },
    { "carts_trend", "add-to-cart {carts_trend_change} on the previous 60 days" },
    { "favorites_trend", "favorites {favorites_trend_change} on the previous 60 days" },
    { "interactions_*d", "only {interactions_*d:0} interactions in the last * days" },
    { "interactions_*d:0", "no interaction in the last * days" },
    { "interactions_*d:1", "a single interaction in the last * days" },
    { "visits_*d", "only {visits_*d:0} visits in the last * days" },
    { "visits_*d:0", "no visit in the last * days" },
    { "visits_*d:1", "a single visit in the last * days" },
    { "views_*d", "only {views_*d:0} product views in the last * days" },
    { "views_*d:0", "no product view in the last * days" },
    { "views_*d:1", "a single product view in the last * days" },
    { "carts_*d", "{carts_*d:0} add-to-cart in the last * days" },
    { "favorites_*d", "{favorites_*d:0} favorites in the last * days" },
    { "days_since_redeem", "points unused for {days_since_redeem:0} days" },
    { "points_balance", "{points_balance:0} points waiting to be redeemed" },
    { "frequency", "{frequency:0} purchases so far" },
    { "frequency:1", "bought only once so far" },
    { "purchases_*d", "{purchases_*d:0} purchases in the last * days" },
    { "purchases_*d:0", "no purchase in the last * days" },
    { "purchases_*d:1", "a single purchase in the last * days" },
    { "revenue_*d", "spent {revenue_*d:0} in the last * days" },
    { "revenue_*d:0", "nothing spent in the last * days" },
    { "revenue_*d:negative",
      "refunds exceeded purchases by {revenue_*d_abs:0} in the last * days" },
    { "monetary", "spent {monetary:0} in all" },
    { "monetary:negative", "refunds exceeded purchases by {monetary_abs:0} in all" },
    { "tenure_days", "a member for {tenure_days:0} days" },
    { "carts_without_purchase", "{carts_without_purchase:0} carts left since the last purchase" },
    { "membership_cancelled", "cancelled their membership" },
    { "coupon_share", "used a coupon on {coupon_share_pct:0}% of purchases" },
    { "refund_rate", "returned {refund_rate_pct:0}% of purchases" },
    { "refunds", "{refunds:0} refunds so far" },
    { "refunds:1", "one refund so far" },
    { "campaigns_*d", "joined {campaigns_*d:0} campaigns in the last * days" },
    { "campaigns_*d:0", "joined no campaign in the last * days" },
    { "days_since_first_purchase", "first purchase {days_since_first_purchase:0} days ago" },
    { "mean_gap_days", "usually buys every {mean_gap_days:0} days" },
    { "gap_std_days", "gaps between purchases vary by {gap_std_days:0} days" },
    /* one purchase or none: no gap to measure */
    { "mean_gap_days:missing", "a single purchase so far: no buying rhythm yet" },
    { "gap_std_days:missing", "a single purchase so far: no buying rhythm yet" },
    { "channel_sms_*d", "{channel_sms_*d:0} SMS interactions in the last * days" },
    { "channel_sms_*d:0", "no SMS interaction in the last * days" },
    { "channel_wechat_*d", "{channel_wechat_*d:0} WeChat interactions in the last * days" },
    { "channel_wechat_*d:0", "no WeChat interaction in the last * days" },
    { "channel_miniprogram_*d",
      "{channel_miniprogram_*d:0} mini-program interactions in the last * days" },
    { "channel_miniprogram_*d:0", "no mini-program interaction in the last * days" },
    { "channel_app_*d", "{channel_app_*d:0} app interactions in the last * days" },
    { "channel_app_*d:0", "no app interaction in the last * days" },
    { "channel_web_*d", "{channel_web_*d:0} web interactions in the last * days" },
    { "channel_web_*d:0", "no web interaction in the last * days" },
    { "channel_store_*d", "{channel_store_*d:0} store visits in the last * days" },
    { "channel_store_*d:0", "no store visit in the last * days" },
    { "avg_order_value", "average order {avg_order_value:0}" },
    { "categories_*d", "bought from {categories_*d:0} categories in the last * days" },
    { "categories_*d:1", "bought from a single category in the last * days" },
};

static void predict_rules_init(ck_predict_rules *p)
{
    static const char *const recall[] = { "sms", "wechat", "miniprogram", "app" };
    p->bands_by_percentile = false;
    p->band_high = 0.6;
    p->band_medium = 0.3;
    p->n_reasons = 3;
    p->vip_min_m_score = 5;
    p->vip_min_value_at_risk = 1e300; /* off unless configured */
    p->vip_min_clv = 1e300;
    p->discount_min_coupon_share = 0.3;
    p->new_arrival_max_frequency = 3;
    p->new_arrival_min_gap_ratio = 1.5;
    p->content_max_interactions_30d = 2;
    p->n_recall_channels = sizeof recall / sizeof *recall;
    for (size_t i = 0; i < p->n_recall_channels; i++)
        snprintf(p->recall_channels[i], CK_NAME_MAX, "%s", recall[i]);
    p->min_events = 1;
    p->n_templates = sizeof default_templates / sizeof *default_templates;
    for (size_t i = 0; i < p->n_templates; i++) {
        snprintf(p->templates[i].feature, CK_NAME_MAX, "%s", default_templates[i][0]);
        snprintf(p->templates[i].text, CK_TEMPLATE_MAX, "%s", default_templates[i][1]);
    }
}

void ck_recommend_config_init(ck_recommend_config *rc)
{
    memset(rc, 0, sizeof *rc);
    /* the usual implicit-feedback scale: a purchase is the strongest signal of interest, a
     * cart or a favorite half of one, a view a tenth (issue 16) */
    rc->weights[CK_EV_PURCHASE] = 1.0;
    rc->weights[CK_EV_CART] = 0.5;
    rc->weights[CK_EV_FAVORITE] = 0.5;
    rc->weights[CK_EV_VIEW] = 0.1;
    rc->half_life_days = 0.0;
}

const char *ck_event_column_name(int column)
{
    return column >= 0 && column < CK_COL_COUNT ? column_names[column] : NULL;
}

void ck_config_init(ck_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->delimiter = ',';
    for (int c = 0; c < CK_COL_COUNT; c++)
        snprintf(cfg->column_names[c], CK_NAME_MAX, "%s", column_names[c]);
    cfg->lookback_days = 365;
    cfg->horizon_days = 90;
    cfg->gap_days = 0;
    cfg->new_days = 30;
    cfg->active_days = 180;
    cfg->dormant_days = 365;
    for (int r = 0; r < 5; r++)
        for (int f = 0; f < 5; f++)
            snprintf(cfg->rfm_segments[r][f], CK_NAME_MAX, "%s", default_segments[r][f]);
    cfg->n_channels = sizeof default_channels / sizeof *default_channels;
    for (size_t i = 0; i < cfg->n_channels; i++)
        snprintf(cfg->channels[i], CK_NAME_MAX, "%s", default_channels[i]);
    memcpy(cfg->windows_days, default_windows, sizeof default_windows);
    predict_rules_init(&cfg->predict);
    cfg->uplift_value = 1.0;
    ck_recommend_config_init(&cfg->recommend);
}

bool ck_config_default_windows(const ck_config *cfg)
{
    return memcmp(cfg->windows_days, default_windows, sizeof default_windows) == 0;
}

static int bad(ck_error *err, const char *path, const char *key, const char *what)
{
    return ck_error_set(err, CK_EINVAL, path, 0, "\"%s\": %s", key, what);
}

static int get_name(char out[CK_NAME_MAX], const ck__json *item, const char *path, const char *key,
                    ck_error *err)
{
    if (!ck__json_is_string(item) || ck__json_string(item)[0] == '\0')
        return bad(err, path, key, "expected a non-empty string");
    if (strlen(ck__json_string(item)) >= CK_NAME_MAX)
        return bad(err, path, key, "name too long (at most 63 bytes)");
    snprintf(out, CK_NAME_MAX, "%s", ck__json_string(item));
    return CK_OK;
}

static int get_days(int *out, const ck__json *item, const char *path, const char *key,
                    ck_error *err)
{
    double v = ck__json_is_number(item) ? ck__json_number(item) : -1;
    if (!ck__json_is_number(item) || v < 0 || v > 36500 || v != floor(v))
        return bad(err, path, key, "expected a whole number of days from 0 to 36500");
    *out = (int)v;
    return CK_OK;
}

/* {"name in file": "canonical"}: each canonical column renamed at most once, and no two
 * columns left with the same name (both would match one header cell). The item column came
 * later than the others: a config that renames a file's "item" column to another canonical
 * column, and says nothing of `item`, was valid before it and still is; the item column
 * then has no name (is not read) rather than clash. */
static int load_columns(ck_config *cfg, const ck__json *obj, const char *path, ck_error *err)
{
    if (!ck__json_is_object(obj))
        return bad(err, path, "columns", "expected an object {\"name in file\": \"canonical\"}");
    bool renamed[CK_COL_COUNT] = { false };
    for (const ck__json *it = ck__json_child(obj); it; it = ck__json_next(it)) {
        int c;
        if (!ck__json_is_string(it))
            return bad(err, path, ck__json_key(it), "expected a canonical column name");
        for (c = 0; c < CK_COL_COUNT; c++)
            if (strcmp(ck__json_string(it), column_names[c]) == 0)
                break;
        if (c == CK_COL_COUNT)
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "\"columns\": unknown column \"%s\" (expected customer_id, ts, "
                                "event, amount, channel, category or item)",
                                ck__json_string(it));
        if (ck__json_key(it)[0] == '\0' || strlen(ck__json_key(it)) >= CK_NAME_MAX)
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "\"columns\": the name for \"%s\" must be 1 to 63 bytes",
                                column_names[c]);
        if (renamed[c])
            return ck_error_set(err, CK_EINVAL, path, 0, "\"columns\": \"%s\" is given two names",
                                column_names[c]);
        renamed[c] = true;
        snprintf(cfg->column_names[c], CK_NAME_MAX, "%s", ck__json_key(it));
    }
    if (!renamed[CK_COL_ITEM])
        for (int c = 0; c < CK_COL_ITEM; c++)
            if (strcmp(cfg->column_names[c], column_names[CK_COL_ITEM]) == 0)
                cfg->column_names[CK_COL_ITEM][0] = '\0';
    for (int a = 0; a < CK_COL_COUNT; a++)
        for (int b = a + 1; b < CK_COL_COUNT; b++)
            if (cfg->column_names[a][0] != '\0' &&
                strcmp(cfg->column_names[a], cfg->column_names[b]) == 0)
                return ck_error_set(err, CK_EINVAL, path, 0,
                                    "\"columns\": \"%s\" and \"%s\" would both read column \"%s\"",
                                    column_names[a], column_names[b], cfg->column_names[a]);
    return CK_OK;
}

static int load_aliases(ck_config *cfg, const ck__json *obj, const char *path, ck_error *err)
{
    if (!ck__json_is_object(obj))
        return bad(err, path, "event_aliases", "expected an object {\"alias\": \"event\"}");
    for (const ck__json *it = ck__json_child(obj); it; it = ck__json_next(it)) {
        int type = ck__json_is_string(it) ? ck_event_type_from_name(ck__json_string(it)) : -1;
        if (type < 0)
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "\"event_aliases\": \"%s\" must name a known event",
                                ck__json_key(it));
        if (cfg->n_aliases == CK_MAX_ALIASES)
            return bad(err, path, "event_aliases", "too many aliases (at most 64)");
        if (strlen(ck__json_key(it)) >= CK_NAME_MAX || ck__json_key(it)[0] == '\0')
            return bad(err, path, ck__json_key(it), "alias empty or too long");
        /* the reader looks canonical names up first, so such an alias would do nothing */
        int canonical = ck_event_type_from_name(ck__json_key(it));
        if (canonical >= 0 && canonical != type)
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "\"event_aliases\": \"%s\" is an event of its own and cannot "
                                "stand for \"%s\"",
                                ck__json_key(it), ck__json_string(it));
        snprintf(cfg->aliases[cfg->n_aliases].alias, CK_NAME_MAX, "%s", ck__json_key(it));
        cfg->aliases[cfg->n_aliases].event = type;
        cfg->n_aliases++;
    }
    return CK_OK;
}

static int load_days_group(const ck__json *obj, const char *group, const char *const *keys,
                           int *const *fields, size_t n, const char *path, ck_error *err)
{
    if (!ck__json_is_object(obj))
        return bad(err, path, group, "expected an object");
    for (const ck__json *it = ck__json_child(obj); it; it = ck__json_next(it)) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strcmp(ck__json_key(it), keys[k]) == 0)
                break;
        if (k == n)
            return ck_error_set(err, CK_EINVAL, path, 0, "\"%s\": unknown key \"%s\"", group,
                                ck__json_key(it));
        int rc = get_days(fields[k], it, path, ck__json_key(it), err);
        if (rc < 0)
            return rc;
    }
    return CK_OK;
}

static int load_bounds(double out[4], const ck__json *arr, const char *path, const char *key,
                       ck_error *err)
{
    if (!ck__json_is_array(arr) || ck__json_size(arr) != 4)
        return bad(err, path, key, "expected an array of 4 ascending numbers");
    int i = 0;
    for (const ck__json *it = ck__json_child(arr); it; it = ck__json_next(it), i++) {
        if (!ck__json_is_number(it) || !isfinite(ck__json_number(it)) ||
            (i > 0 && ck__json_number(it) < out[i - 1]))
            return bad(err, path, key, "expected an array of 4 ascending numbers");
        out[i] = ck__json_number(it);
    }
    return CK_OK;
}

static int load_rfm(ck_config *cfg, const ck__json *obj, const char *path, ck_error *err)
{
    static const char *const bound_keys[3] = { "recency_bounds", "frequency_bounds",
                                               "monetary_bounds" };
    if (!ck__json_is_object(obj))
        return bad(err, path, "rfm", "expected an object");
    bool given[3] = { false, false, false };
    int rc;
    for (const ck__json *it = ck__json_child(obj); it; it = ck__json_next(it)) {
        int d;
        for (d = 0; d < 3; d++)
            if (strcmp(ck__json_key(it), bound_keys[d]) == 0)
                break;
        if (d < 3) {
            if ((rc = load_bounds(cfg->rfm_bounds[d], it, path, ck__json_key(it), err)) < 0)
                return rc;
            given[d] = true;
        } else if (strcmp(ck__json_key(it), "segments") == 0) {
            if (!ck__json_is_array(it) || ck__json_size(it) != 5)
                return bad(err, path, "segments", "expected 5 rows (R = 1..5) of 5 names");
            int r = 0;
            for (const ck__json *row = ck__json_child(it); row; row = ck__json_next(row), r++) {
                if (!ck__json_is_array(row) || ck__json_size(row) != 5)
                    return bad(err, path, "segments", "expected 5 rows (R = 1..5) of 5 names");
                int f = 0;
                for (const ck__json *name = ck__json_child(row); name;
                     name = ck__json_next(name), f++)
                    if ((rc = get_name(cfg->rfm_segments[r][f], name, path, "segments", err)) < 0)
                        return rc;
            }
        } else {
            return ck_error_set(err, CK_EINVAL, path, 0, "\"rfm\": unknown key \"%s\"",
                                ck__json_key(it));
        }
    }
    int n_given = given[0] + given[1] + given[2];
    if (n_given != 0 && n_given != 3)
        return bad(err, path, "rfm",
                   "give all three of recency_bounds, frequency_bounds and "
                   "monetary_bounds, or none");
    cfg->has_rfm_bounds = n_given == 3;
    return CK_OK;
}

static int load_channels(ck_config *cfg, const ck__json *arr, const char *path, ck_error *err)
{
    if (!ck__json_is_array(arr) || ck__json_size(arr) > CK_MAX_CHANNELS)
        return bad(err, path, "channels", "expected an array of at most 16 names");
    cfg->n_channels = 0;
    for (const ck__json *it = ck__json_child(arr); it; it = ck__json_next(it)) {
        int rc = get_name(cfg->channels[cfg->n_channels], it, path, "channels", err);
        if (rc < 0)
            return rc;
        cfg->n_channels++;
    }
    return CK_OK;
}

/* Four ascending whole numbers of days: a short log can use days instead of months. */
static int load_windows(ck_config *cfg, const ck__json *arr, const char *path, ck_error *err)
{
    static const char what[] = "expected 4 ascending whole numbers of days from 1 to 36500";
    if (!ck__json_is_array(arr) || ck__json_size(arr) != CK_N_WINDOWS)
        return bad(err, path, "windows_days", what);
    int k = 0;
    for (const ck__json *it = ck__json_child(arr); it; it = ck__json_next(it), k++) {
        double v = ck__json_is_number(it) ? ck__json_number(it) : -1;
        if (!(v >= 1 && v <= 36500 && v == floor(v)) || (k > 0 && v <= cfg->windows_days[k - 1]))
            return bad(err, path, "windows_days", what);
        cfg->windows_days[k] = (int)v;
    }
    return CK_OK;
}

static int get_number(double *out, const ck__json *it, const char *path, const char *key, double lo,
                      double hi, ck_error *err)
{
    if (!ck__json_is_number(it) || !(ck__json_number(it) >= lo && ck__json_number(it) <= hi))
        return ck_error_set(err, CK_EINVAL, path, 0, "\"%s\": expected a number from %g to %g", key,
                            lo, hi);
    *out = ck__json_number(it);
    return CK_OK;
}

static int load_bands(ck_predict_rules *p, const ck__json *obj, const char *path, ck_error *err)
{
    if (!ck__json_is_object(obj))
        return bad(err, path, "risk_bands", "expected an object");
    int rc = CK_OK;
    for (const ck__json *it = ck__json_child(obj); it && rc == CK_OK; it = ck__json_next(it)) {
        if (strcmp(ck__json_key(it), "by") == 0) {
            if (!ck__json_is_string(it) || (strcmp(ck__json_string(it), "probability") != 0 &&
                                            strcmp(ck__json_string(it), "percentile") != 0))
                return bad(err, path, "by", "expected \"probability\" or \"percentile\"");
            p->bands_by_percentile = strcmp(ck__json_string(it), "percentile") == 0;
        } else if (strcmp(ck__json_key(it), "high") == 0) {
            rc = get_number(&p->band_high, it, path, "high", 0, 100, err);
        } else if (strcmp(ck__json_key(it), "medium") == 0) {
            rc = get_number(&p->band_medium, it, path, "medium", 0, 100, err);
        } else {
            return ck_error_set(err, CK_EINVAL, path, 0, "\"risk_bands\": unknown key \"%s\"",
                                ck__json_key(it));
        }
    }
    double top = p->bands_by_percentile ? 100 : 1;
    if (rc == CK_OK && !(p->band_medium <= p->band_high && p->band_high <= top))
        return bad(err, path, "risk_bands", "expected medium <= high, within the scale of \"by\"");
    return rc;
}

static int load_strategy(ck_predict_rules *p, const ck__json *obj, const char *path, ck_error *err)
{
    if (!ck__json_is_object(obj))
        return bad(err, path, "strategy", "expected an object");
    double frequency = p->new_arrival_max_frequency;
    struct {
        const char *key;
        double *field, lo, hi;
    } keys[] = {
        { "vip_min_m_score", &p->vip_min_m_score, 1, 5 },
        { "vip_min_value_at_risk", &p->vip_min_value_at_risk, 0, 1e300 },
        { "vip_min_clv", &p->vip_min_clv, 0, 1e300 },
        { "discount_min_coupon_share", &p->discount_min_coupon_share, 0, 1e9 },
        { "new_arrival_max_frequency", &frequency, 0, 1e6 },
        { "new_arrival_min_gap_ratio", &p->new_arrival_min_gap_ratio, 0, 1e9 },
        { "content_max_interactions_30d", &p->content_max_interactions_30d, 0, 1e9 },
    };
    for (const ck__json *it = ck__json_child(obj); it; it = ck__json_next(it)) {
        size_t k;
        for (k = 0; k < sizeof keys / sizeof *keys; k++)
            if (strcmp(ck__json_key(it), keys[k].key) == 0)
                break;
        if (k == sizeof keys / sizeof *keys)
            return ck_error_set(err, CK_EINVAL, path, 0, "\"strategy\": unknown key \"%s\"",
                                ck__json_key(it));
        int rc = get_number(keys[k].field, it, path, ck__json_key(it), keys[k].lo, keys[k].hi, err);
        if (rc < 0)
            return rc;
    }
    p->new_arrival_max_frequency = (int)frequency;
    return CK_OK;
}

static int load_templates(ck_predict_rules *p, const ck__json *obj, const char *path, ck_error *err)
{
    if (!ck__json_is_object(obj))
        return bad(err, path, "reason_templates", "expected an object {\"feature\": \"text\"}");
    for (const ck__json *it = ck__json_child(obj); it; it = ck__json_next(it)) {
        if (!ck__json_is_string(it) || strlen(ck__json_string(it)) >= CK_TEMPLATE_MAX ||
            strlen(ck__json_key(it)) >= CK_NAME_MAX)
            return bad(err, path, ck__json_key(it), "expected a text of at most 159 bytes");
        size_t k;
        for (k = 0; k < p->n_templates; k++)
            if (strcmp(p->templates[k].feature, ck__json_key(it)) == 0)
                break;
        if (k == CK_MAX_TEMPLATES)
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "\"reason_templates\": too many templates (at most %d)",
                                CK_MAX_TEMPLATES);
        if (k == p->n_templates)
            p->n_templates++;
        snprintf(p->templates[k].feature, CK_NAME_MAX, "%s", ck__json_key(it));
        snprintf(p->templates[k].text, CK_TEMPLATE_MAX, "%s", ck__json_string(it));
    }
    return CK_OK;
}

static int load_predict(ck_predict_rules *p, const ck__json *obj, const char *path, ck_error *err)
{
    if (!ck__json_is_object(obj))
        return bad(err, path, "predict", "expected an object");
    int rc = CK_OK;
    for (const ck__json *it = ck__json_child(obj); it && rc == CK_OK; it = ck__json_next(it)) {
        const char *key = ck__json_key(it);
        double v = 0;
        if (strcmp(key, "risk_bands") == 0) {
            rc = load_bands(p, it, path, err);
        } else if (strcmp(key, "reasons") == 0) {
            if ((rc = get_number(&v, it, path, key, 0, 20, err)) == CK_OK)
                p->n_reasons = (int)v;
        } else if (strcmp(key, "min_events") == 0) {
            if ((rc = get_number(&v, it, path, key, 0, 1e9, err)) == CK_OK)
                p->min_events = (int)v;
        } else if (strcmp(key, "strategy") == 0) {
            rc = load_strategy(p, it, path, err);
        } else if (strcmp(key, "recall_channels") == 0) {
            if (!ck__json_is_array(it) || ck__json_size(it) < 1 ||
                ck__json_size(it) > CK_MAX_CHANNELS)
                return bad(err, path, key, "expected an array of 1 to 16 names");
            p->n_recall_channels = 0;
            for (const ck__json *c = ck__json_child(it); c && rc == CK_OK; c = ck__json_next(c))
                rc = get_name(p->recall_channels[p->n_recall_channels++], c, path, key, err);
        } else if (strcmp(key, "reason_templates") == 0) {
            rc = load_templates(p, it, path, err);
        } else {
            return ck_error_set(err, CK_EINVAL, path, 0, "\"predict\": unknown key \"%s\"", key);
        }
    }
    return rc;
}

/* The uplift arm named `name`, added when new. */
static int uplift_arm(ck_config *cfg, const char *name, const char *path, ck_error *err)
{
    for (size_t k = 0; k < cfg->n_uplift_arms; k++)
        if (strcmp(cfg->uplift_arms[k].arm, name) == 0)
            return (int)k;
    size_t max = sizeof cfg->uplift_arms / sizeof *cfg->uplift_arms;
    if (cfg->n_uplift_arms == max || strlen(name) >= CK_NAME_MAX)
        return bad(err, path, "uplift", "at most 16 arms, each name under 64 bytes");
    size_t k = cfg->n_uplift_arms++;
    snprintf(cfg->uplift_arms[k].arm, CK_NAME_MAX, "%s", name);
    cfg->uplift_arms[k].value = NAN;
    cfg->uplift_arms[k].cost = 0.0;
    return (int)k;
}

/* "uplift": {"value": V or {arm: V}, "cost": {arm: C}}. */
static int load_uplift(ck_config *cfg, const ck__json *obj, const char *path, ck_error *err)
{
    if (!ck__json_is_object(obj))
        return bad(err, path, "uplift", "expected an object with \"value\" and \"cost\"");
    cfg->has_uplift_economics = true;
    for (const ck__json *it = ck__json_child(obj); it; it = ck__json_next(it)) {
        const char *key = ck__json_key(it);
        bool value = strcmp(key, "value") == 0;
        if (!value && strcmp(key, "cost") != 0)
            return ck_error_set(err, CK_EINVAL, path, 0, "uplift: unknown key \"%s\"", key);
        if (value && ck__json_is_number(it)) {
            int rc = get_number(&cfg->uplift_value, it, path, "uplift.value", 0, 1e12, err);
            if (rc < 0)
                return rc;
            continue;
        }
        if (!ck__json_is_object(it))
            return bad(err, path, value ? "uplift.value" : "uplift.cost",
                       value ? "expected a number or an object of numbers by arm"
                             : "expected an object of numbers by arm");
        for (const ck__json *a = ck__json_child(it); a; a = ck__json_next(a)) {
            int k = uplift_arm(cfg, ck__json_key(a), path, err);
            if (k < 0)
                return k;
            double *field = value ? &cfg->uplift_arms[k].value : &cfg->uplift_arms[k].cost;
            int rc =
                get_number(field, a, path, value ? "uplift.value" : "uplift.cost", 0, 1e12, err);
            if (rc < 0)
                return rc;
        }
    }
    return CK_OK;
}

/* "recommend": {"weights": {"event": w, ...}, "half_life_days": h}. A weight names a
 * canonical event (not an alias: a config's aliases may follow it); a refund takes interest
 * back rather than showing it, so it cannot be weighted. */
static int load_recommend(ck_recommend_config *rc, const ck__json *obj, const char *path,
                          ck_error *err)
{
    if (!ck__json_is_object(obj))
        return bad(err, path, "recommend", "expected an object");
    for (const ck__json *it = ck__json_child(obj); it; it = ck__json_next(it)) {
        const char *key = ck__json_key(it);
        int r;
        if (strcmp(key, "half_life_days") == 0) {
            if ((r = get_number(&rc->half_life_days, it, path, "recommend.half_life_days", 0, 36500,
                                err)) < 0)
                return r;
        } else if (strcmp(key, "weights") == 0) {
            if (!ck__json_is_object(it))
                return bad(err, path, "recommend.weights",
                           "expected an object {\"event\": weight}");
            for (const ck__json *w = ck__json_child(it); w; w = ck__json_next(w)) {
                int type = ck_event_type_from_name(ck__json_key(w));
                if (type < 0)
                    return ck_error_set(err, CK_EINVAL, path, 0,
                                        "\"recommend.weights\": unknown event \"%s\"",
                                        ck__json_key(w));
                if (type == CK_EV_REFUND)
                    return bad(err, path, "recommend.weights",
                               "a refund is not an interaction and cannot be weighted");
                if ((r = get_number(&rc->weights[type], w, path, ck__json_key(w), 0, 1e6, err)) < 0)
                    return r;
            }
        } else {
            return ck_error_set(err, CK_EINVAL, path, 0, "\"recommend\": unknown key \"%s\"", key);
        }
    }
    return CK_OK;
}

static int load_tree(ck_config *cfg, const ck__json *root, const char *path, ck_error *err)
{
    int rc = CK_OK;
    if (!ck__json_is_object(root))
        return ck_error_set(err, CK_EINVAL, path, 0, "expected a JSON object");
    for (const ck__json *it = ck__json_child(root); it && rc == CK_OK; it = ck__json_next(it)) {
        const char *key = ck__json_key(it);
        if (strcmp(key, "delimiter") == 0) {
            if (!ck__json_is_string(it) || strlen(ck__json_string(it)) != 1 ||
                strchr("\"\r\n", ck__json_string(it)[0]) != NULL)
                return bad(err, path, key, "expected a one-character string");
            cfg->delimiter = ck__json_string(it)[0];
        } else if (strcmp(key, "columns") == 0) {
            rc = load_columns(cfg, it, path, err);
        } else if (strcmp(key, "event_aliases") == 0) {
            rc = load_aliases(cfg, it, path, err);
        } else if (strcmp(key, "churn") == 0) {
            static const char *const keys[] = { "lookback_days", "horizon_days", "gap_days" };
            int *const fields[] = { &cfg->lookback_days, &cfg->horizon_days, &cfg->gap_days };
            rc = load_days_group(it, key, keys, fields, 3, path, err);
        } else if (strcmp(key, "lifecycle") == 0) {
            static const char *const keys[] = { "new_days", "active_days", "dormant_days" };
            int *const fields[] = { &cfg->new_days, &cfg->active_days, &cfg->dormant_days };
            rc = load_days_group(it, key, keys, fields, 3, path, err);
        } else if (strcmp(key, "rfm") == 0) {
            rc = load_rfm(cfg, it, path, err);
        } else if (strcmp(key, "channels") == 0) {
            rc = load_channels(cfg, it, path, err);
        } else if (strcmp(key, "windows_days") == 0) {
            rc = load_windows(cfg, it, path, err);
        } else if (strcmp(key, "predict") == 0) {
            rc = load_predict(&cfg->predict, it, path, err);
        } else if (strcmp(key, "uplift") == 0) {
            rc = load_uplift(cfg, it, path, err);
        } else if (strcmp(key, "recommend") == 0) {
            rc = load_recommend(&cfg->recommend, it, path, err);
        } else {
            return ck_error_set(err, CK_EINVAL, path, 0, "unknown key \"%s\"", key);
        }
    }
    if (rc < 0)
        return rc;
    if (cfg->lookback_days < 1 || cfg->horizon_days < 1)
        return bad(err, path, "churn", "lookback_days and horizon_days must be at least 1");
    if (!(cfg->new_days <= cfg->active_days && cfg->active_days <= cfg->dormant_days))
        return bad(err, path, "lifecycle", "expected new_days <= active_days <= dormant_days");
    return CK_OK;
}

int ck_config_load(ck_config *cfg, const char *path, ck_error *err)
{
    ck_config_init(cfg);
    char *text;
    size_t len;
    int rc = ck__json_read_file(&text, &len, path, err);
    if (rc < 0)
        return rc;
    long line;
    ck__json *root = ck__json_parse(text, len, false, &line);
    if (root == NULL) {
        rc = ck_error_set(err, CK_EPARSE, path, line, "invalid JSON");
    } else {
        rc = load_tree(cfg, root, path, err);
        ck__json_free(root);
    }
    free(text);
    return rc;
}

int ck__config_from_json(ck_config *cfg, const ck__json *root, const char *path, ck_error *err)
{
    ck_config_init(cfg);
    return load_tree(cfg, root, path, err);
}

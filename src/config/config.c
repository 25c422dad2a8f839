/*
 * The JSON configuration: documented defaults, then the file's overrides, checked key by
 * key. Default RFM segments are the widely used R×F grid (champions, loyal customers,
 * potential loyalists, new customers, promising, need attention, about to sleep, at risk,
 * can't lose them, hibernating), indexed by recency score (row) and frequency score.
 */
#include "churnkit/config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/event_types.h"
#include "config/config_int.h"

static const char *const column_names[CK_COL_COUNT] = { "customer_id", "ts",      "event",
                                                        "amount",      "channel", "category" };

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

/* The brand playbook's wording of the reasons a customer is at risk. */
static const char *const default_templates[][2] = {
    { "recency_days", "no purchase for {recency_days:0} days" },
    { "recency_gap_ratio",
      "no purchase for {recency_days:0} days, {recency_gap_ratio:1}x their usual gap" },
    { "days_since_last_activity", "no visit or interaction for {days_since_last_activity:0} days" },
    { "interactions_trend", "interactions {interactions_trend_change} on the previous 60 days" },
    { "views_trend", "views {views_trend_change} on the previous 60 days" },
    { "visits_trend", "visits {visits_trend_change} on the previous 60 days" },
    { "carts_trend", "add-to-cart {carts_trend_change} on the previous 60 days" },
    { "favorites_trend", "favorites {favorites_trend_change} on the previous 60 days" },
    { "interactions_30d", "only {interactions_30d:0} interactions in the last 30 days" },
    { "visits_30d", "only {visits_30d:0} visits in the last 30 days" },
    { "views_30d", "only {views_30d:0} product views in the last 30 days" },
    { "days_since_redeem", "points unused for {days_since_redeem:0} days" },
    { "points_balance", "{points_balance:0} points waiting to be redeemed" },
    { "frequency", "{frequency:0} purchases so far" },
    { "purchases_90d", "{purchases_90d:0} purchases in the last 90 days" },
    { "purchases_365d", "{purchases_365d:0} purchases in the last year" },
    { "revenue_90d", "spent {revenue_90d:0} in the last 90 days" },
    { "monetary", "spent {monetary:0} in all" },
    { "tenure_days", "a member for {tenure_days:0} days" },
    { "carts_without_purchase", "{carts_without_purchase:0} carts left since the last purchase" },
    { "membership_cancelled", "cancelled their membership" },
    { "coupon_share", "used a coupon on {coupon_share_pct:0}% of purchases" },
    { "refund_rate", "returned {refund_rate_pct:0}% of purchases" },
    { "campaigns_365d", "joined {campaigns_365d:0} campaigns in the last year" },
    { "days_since_first_purchase", "first purchase {days_since_first_purchase:0} days ago" },
    { "mean_gap_days", "usually buys every {mean_gap_days:0} days" },
    { "gap_std_days", "gaps between purchases vary by {gap_std_days:0} days" },
    /* one purchase or none: no gap to measure */
    { "mean_gap_days:missing", "a single purchase so far: no buying rhythm yet" },
    { "gap_std_days:missing", "a single purchase so far: no buying rhythm yet" },
    { "recency_gap_ratio:missing", "no purchase for {recency_days:0} days, after a single one" },
    { "channel_sms_180d", "{channel_sms_180d:0} SMS interactions in the last 180 days" },
    { "channel_wechat_180d", "{channel_wechat_180d:0} WeChat interactions in the last 180 days" },
    { "channel_miniprogram_180d",
      "{channel_miniprogram_180d:0} mini-program interactions in the last 180 days" },
    { "channel_app_180d", "{channel_app_180d:0} app interactions in the last 180 days" },
    { "channel_web_180d", "{channel_web_180d:0} web interactions in the last 180 days" },
    { "channel_store_180d", "{channel_store_180d:0} store visits in the last 180 days" },
    { "avg_order_value", "average order {avg_order_value:0}" },
    { "purchases_30d", "{purchases_30d:0} purchases in the last 30 days" },
    { "purchases_180d", "{purchases_180d:0} purchases in the last 180 days" },
    { "revenue_30d", "spent {revenue_30d:0} in the last 30 days" },
    { "revenue_180d", "spent {revenue_180d:0} in the last 180 days" },
    { "revenue_365d", "spent {revenue_365d:0} in the last year" },
    { "visits_90d", "only {visits_90d:0} visits in the last 90 days" },
    { "views_90d", "only {views_90d:0} product views in the last 90 days" },
    { "categories_365d", "bought from {categories_365d:0} categories in the last year" },
    { "lifecycle_stage", "lifecycle stage {lifecycle_stage}" },
    { "rfm_segment", "RFM segment {rfm_segment}" },
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
    predict_rules_init(&cfg->predict);
}

static int read_file(char **out, const char *path, ck_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ck_error_set(err, CK_EIO, path, 0, "%s", strerror(errno));
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    for (;;) {
        if (text == NULL) {
            fclose(f);
            return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
        }
        len += fread(text + len, 1, cap - len - 1, f);
        if (len + 1 < cap)
            break;
        cap *= 2;
        char *p = realloc(text, cap);
        if (p == NULL)
            free(text);
        text = p;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(text);
        return ck_error_set(err, CK_EIO, path, 0, "read error");
    }
    text[len] = '\0';
    *out = text;
    return CK_OK;
}

/* The 1-based line of byte offset `pos` in `text`, for JSON syntax errors. */
static long line_of(const char *text, const char *pos)
{
    long line = 1;
    for (const char *p = text; p < pos && *p; p++)
        line += *p == '\n';
    return line;
}

static int bad(ck_error *err, const char *path, const char *key, const char *what)
{
    return ck_error_set(err, CK_EINVAL, path, 0, "\"%s\": %s", key, what);
}

static int get_name(char out[CK_NAME_MAX], const cJSON *item, const char *path, const char *key,
                    ck_error *err)
{
    if (!cJSON_IsString(item) || item->valuestring[0] == '\0')
        return bad(err, path, key, "expected a non-empty string");
    if (strlen(item->valuestring) >= CK_NAME_MAX)
        return bad(err, path, key, "name too long (at most 63 bytes)");
    snprintf(out, CK_NAME_MAX, "%s", item->valuestring);
    return CK_OK;
}

static int get_days(int *out, const cJSON *item, const char *path, const char *key, ck_error *err)
{
    double v = cJSON_IsNumber(item) ? item->valuedouble : -1;
    if (!cJSON_IsNumber(item) || v < 0 || v > 36500 || v != floor(v))
        return bad(err, path, key, "expected a whole number of days from 0 to 36500");
    *out = (int)v;
    return CK_OK;
}

/* {"name in file": "canonical"}: each canonical column renamed at most once, and no two
 * columns left with the same name (both would match one header cell). */
static int load_columns(ck_config *cfg, const cJSON *obj, const char *path, ck_error *err)
{
    if (!cJSON_IsObject(obj))
        return bad(err, path, "columns", "expected an object {\"name in file\": \"canonical\"}");
    bool renamed[CK_COL_COUNT] = { false };
    for (const cJSON *it = obj->child; it; it = it->next) {
        int c;
        if (!cJSON_IsString(it))
            return bad(err, path, it->string, "expected a canonical column name");
        for (c = 0; c < CK_COL_COUNT; c++)
            if (strcmp(it->valuestring, column_names[c]) == 0)
                break;
        if (c == CK_COL_COUNT)
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "\"columns\": unknown column \"%s\" (expected customer_id, ts, "
                                "event, amount, channel or category)",
                                it->valuestring);
        if (it->string[0] == '\0' || strlen(it->string) >= CK_NAME_MAX)
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "\"columns\": the name for \"%s\" must be 1 to 63 bytes",
                                column_names[c]);
        if (renamed[c])
            return ck_error_set(err, CK_EINVAL, path, 0, "\"columns\": \"%s\" is given two names",
                                column_names[c]);
        renamed[c] = true;
        snprintf(cfg->column_names[c], CK_NAME_MAX, "%s", it->string);
    }
    for (int a = 0; a < CK_COL_COUNT; a++)
        for (int b = a + 1; b < CK_COL_COUNT; b++)
            if (strcmp(cfg->column_names[a], cfg->column_names[b]) == 0)
                return ck_error_set(err, CK_EINVAL, path, 0,
                                    "\"columns\": \"%s\" and \"%s\" would both read column \"%s\"",
                                    column_names[a], column_names[b], cfg->column_names[a]);
    return CK_OK;
}

static int load_aliases(ck_config *cfg, const cJSON *obj, const char *path, ck_error *err)
{
    if (!cJSON_IsObject(obj))
        return bad(err, path, "event_aliases", "expected an object {\"alias\": \"event\"}");
    for (const cJSON *it = obj->child; it; it = it->next) {
        int type = cJSON_IsString(it) ? ck_event_type_from_name(it->valuestring) : -1;
        if (type < 0)
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "\"event_aliases\": \"%s\" must name a known event", it->string);
        if (cfg->n_aliases == CK_MAX_ALIASES)
            return bad(err, path, "event_aliases", "too many aliases (at most 64)");
        if (strlen(it->string) >= CK_NAME_MAX || it->string[0] == '\0')
            return bad(err, path, it->string, "alias empty or too long");
        snprintf(cfg->aliases[cfg->n_aliases].alias, CK_NAME_MAX, "%s", it->string);
        cfg->aliases[cfg->n_aliases].event = type;
        cfg->n_aliases++;
    }
    return CK_OK;
}

static int load_days_group(const cJSON *obj, const char *group, const char *const *keys,
                           int *const *fields, size_t n, const char *path, ck_error *err)
{
    if (!cJSON_IsObject(obj))
        return bad(err, path, group, "expected an object");
    for (const cJSON *it = obj->child; it; it = it->next) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strcmp(it->string, keys[k]) == 0)
                break;
        if (k == n)
            return ck_error_set(err, CK_EINVAL, path, 0, "\"%s\": unknown key \"%s\"", group,
                                it->string);
        int rc = get_days(fields[k], it, path, it->string, err);
        if (rc < 0)
            return rc;
    }
    return CK_OK;
}

static int load_bounds(double out[4], const cJSON *arr, const char *path, const char *key,
                       ck_error *err)
{
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != 4)
        return bad(err, path, key, "expected an array of 4 ascending numbers");
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) ||
            (i > 0 && it->valuedouble < out[i - 1]))
            return bad(err, path, key, "expected an array of 4 ascending numbers");
        out[i] = it->valuedouble;
    }
    return CK_OK;
}

static int load_rfm(ck_config *cfg, const cJSON *obj, const char *path, ck_error *err)
{
    static const char *const bound_keys[3] = { "recency_bounds", "frequency_bounds",
                                               "monetary_bounds" };
    if (!cJSON_IsObject(obj))
        return bad(err, path, "rfm", "expected an object");
    bool given[3] = { false, false, false };
    int rc;
    for (const cJSON *it = obj->child; it; it = it->next) {
        int d;
        for (d = 0; d < 3; d++)
            if (strcmp(it->string, bound_keys[d]) == 0)
                break;
        if (d < 3) {
            if ((rc = load_bounds(cfg->rfm_bounds[d], it, path, it->string, err)) < 0)
                return rc;
            given[d] = true;
        } else if (strcmp(it->string, "segments") == 0) {
            if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 5)
                return bad(err, path, "segments", "expected 5 rows (R = 1..5) of 5 names");
            int r = 0;
            for (const cJSON *row = it->child; row; row = row->next, r++) {
                if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) != 5)
                    return bad(err, path, "segments", "expected 5 rows (R = 1..5) of 5 names");
                int f = 0;
                for (const cJSON *name = row->child; name; name = name->next, f++)
                    if ((rc = get_name(cfg->rfm_segments[r][f], name, path, "segments", err)) < 0)
                        return rc;
            }
        } else {
            return ck_error_set(err, CK_EINVAL, path, 0, "\"rfm\": unknown key \"%s\"", it->string);
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

static int load_channels(ck_config *cfg, const cJSON *arr, const char *path, ck_error *err)
{
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > CK_MAX_CHANNELS)
        return bad(err, path, "channels", "expected an array of at most 16 names");
    cfg->n_channels = 0;
    for (const cJSON *it = arr->child; it; it = it->next) {
        int rc = get_name(cfg->channels[cfg->n_channels], it, path, "channels", err);
        if (rc < 0)
            return rc;
        cfg->n_channels++;
    }
    return CK_OK;
}

static int get_number(double *out, const cJSON *it, const char *path, const char *key, double lo,
                      double hi, ck_error *err)
{
    if (!cJSON_IsNumber(it) || !(it->valuedouble >= lo && it->valuedouble <= hi))
        return ck_error_set(err, CK_EINVAL, path, 0, "\"%s\": expected a number from %g to %g", key,
                            lo, hi);
    *out = it->valuedouble;
    return CK_OK;
}

static int load_bands(ck_predict_rules *p, const cJSON *obj, const char *path, ck_error *err)
{
    if (!cJSON_IsObject(obj))
        return bad(err, path, "risk_bands", "expected an object");
    int rc = CK_OK;
    for (const cJSON *it = obj->child; it && rc == CK_OK; it = it->next) {
        if (strcmp(it->string, "by") == 0) {
            if (!cJSON_IsString(it) || (strcmp(it->valuestring, "probability") != 0 &&
                                        strcmp(it->valuestring, "percentile") != 0))
                return bad(err, path, "by", "expected \"probability\" or \"percentile\"");
            p->bands_by_percentile = strcmp(it->valuestring, "percentile") == 0;
        } else if (strcmp(it->string, "high") == 0) {
            rc = get_number(&p->band_high, it, path, "high", 0, 100, err);
        } else if (strcmp(it->string, "medium") == 0) {
            rc = get_number(&p->band_medium, it, path, "medium", 0, 100, err);
        } else {
            return ck_error_set(err, CK_EINVAL, path, 0, "\"risk_bands\": unknown key \"%s\"",
                                it->string);
        }
    }
    double top = p->bands_by_percentile ? 100 : 1;
    if (rc == CK_OK && !(p->band_medium <= p->band_high && p->band_high <= top))
        return bad(err, path, "risk_bands", "expected medium <= high, within the scale of \"by\"");
    return rc;
}

static int load_strategy(ck_predict_rules *p, const cJSON *obj, const char *path, ck_error *err)
{
    if (!cJSON_IsObject(obj))
        return bad(err, path, "strategy", "expected an object");
    double frequency = p->new_arrival_max_frequency;
    struct {
        const char *key;
        double *field, lo, hi;
    } keys[] = {
        { "vip_min_m_score", &p->vip_min_m_score, 1, 5 },
        { "vip_min_value_at_risk", &p->vip_min_value_at_risk, 0, 1e300 },
        { "discount_min_coupon_share", &p->discount_min_coupon_share, 0, 1e9 },
        { "new_arrival_max_frequency", &frequency, 0, 1e6 },
        { "new_arrival_min_gap_ratio", &p->new_arrival_min_gap_ratio, 0, 1e9 },
        { "content_max_interactions_30d", &p->content_max_interactions_30d, 0, 1e9 },
    };
    for (const cJSON *it = obj->child; it; it = it->next) {
        size_t k;
        for (k = 0; k < sizeof keys / sizeof *keys; k++)
            if (strcmp(it->string, keys[k].key) == 0)
                break;
        if (k == sizeof keys / sizeof *keys)
            return ck_error_set(err, CK_EINVAL, path, 0, "\"strategy\": unknown key \"%s\"",
                                it->string);
        int rc = get_number(keys[k].field, it, path, it->string, keys[k].lo, keys[k].hi, err);
        if (rc < 0)
            return rc;
    }
    p->new_arrival_max_frequency = (int)frequency;
    return CK_OK;
}

static int load_templates(ck_predict_rules *p, const cJSON *obj, const char *path, ck_error *err)
{
    if (!cJSON_IsObject(obj))
        return bad(err, path, "reason_templates", "expected an object {\"feature\": \"text\"}");
    for (const cJSON *it = obj->child; it; it = it->next) {
        if (!cJSON_IsString(it) || strlen(it->valuestring) >= CK_TEMPLATE_MAX ||
            strlen(it->string) >= CK_NAME_MAX)
            return bad(err, path, it->string, "expected a text of at most 159 bytes");
        size_t k;
        for (k = 0; k < p->n_templates; k++)
            if (strcmp(p->templates[k].feature, it->string) == 0)
                break;
        if (k == CK_MAX_TEMPLATES)
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "\"reason_templates\": too many templates (at most %d)",
                                CK_MAX_TEMPLATES);
        if (k == p->n_templates)
            p->n_templates++;
        snprintf(p->templates[k].feature, CK_NAME_MAX, "%s", it->string);
        snprintf(p->templates[k].text, CK_TEMPLATE_MAX, "%s", it->valuestring);
    }
    return CK_OK;
}

static int load_predict(ck_predict_rules *p, const cJSON *obj, const char *path, ck_error *err)
{
    if (!cJSON_IsObject(obj))
        return bad(err, path, "predict", "expected an object");
    int rc = CK_OK;
    for (const cJSON *it = obj->child; it && rc == CK_OK; it = it->next) {
        const char *key = it->string;
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
            if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) < 1 ||
                cJSON_GetArraySize(it) > CK_MAX_CHANNELS)
                return bad(err, path, key, "expected an array of 1 to 16 names");
            p->n_recall_channels = 0;
            for (const cJSON *c = it->child; c && rc == CK_OK; c = c->next)
                rc = get_name(p->recall_channels[p->n_recall_channels++], c, path, key, err);
        } else if (strcmp(key, "reason_templates") == 0) {
            rc = load_templates(p, it, path, err);
        } else {
            return ck_error_set(err, CK_EINVAL, path, 0, "\"predict\": unknown key \"%s\"", key);
        }
    }
    return rc;
}

static int load_tree(ck_config *cfg, const cJSON *root, const char *path, ck_error *err)
{
    int rc = CK_OK;
    if (!cJSON_IsObject(root))
        return ck_error_set(err, CK_EINVAL, path, 0, "expected a JSON object");
    for (const cJSON *it = root->child; it && rc == CK_OK; it = it->next) {
        const char *key = it->string;
        if (strcmp(key, "delimiter") == 0) {
            if (!cJSON_IsString(it) || strlen(it->valuestring) != 1 ||
                strchr("\"\r\n", it->valuestring[0]) != NULL)
                return bad(err, path, key, "expected a one-character string");
            cfg->delimiter = it->valuestring[0];
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
        } else if (strcmp(key, "predict") == 0) {
            rc = load_predict(&cfg->predict, it, path, err);
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
    int rc = read_file(&text, path, err);
    if (rc < 0)
        return rc;
    cJSON *root = cJSON_Parse(text);
    if (root == NULL) {
        const char *at = cJSON_GetErrorPtr();
        rc = ck_error_set(err, CK_EPARSE, path, at ? line_of(text, at) : 0, "invalid JSON");
    } else {
        rc = load_tree(cfg, root, path, err);
        cJSON_Delete(root);
    }
    free(text);
    return rc;
}

int ck__config_from_json(ck_config *cfg, const cJSON *root, const char *path, ck_error *err)
{
    ck_config_init(cfg);
    return load_tree(cfg, root, path, err);
}

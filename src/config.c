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

#include "churnkit/events.h"
#include "config_int.h"

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

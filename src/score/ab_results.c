/*
 * A churn-ab read-out used by churn-predict (see enrich.h): the arms of each segment and
 * of the arm × channel table, kept only with what the choice needs.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/enrich.h"
#include "base/util.h"

typedef struct ab_arm {
    char segment_column[CK_NAME_MAX], segment_value[CK_NAME_MAX]; /* "" for arm × channel */
    char arm[CK_NAME_MAX], channel[CK_NAME_MAX];
    double abs_lift, p;
    bool significant;
} ab_arm;

struct ck_ab_results {
    ab_arm *arms;
    size_t n, cap;
};

void ck_ab_results_free(ck_ab_results *ab)
{
    if (ab == NULL)
        return;
    free(ab->arms);
    free(ab);
}

static void copy_string(char *out, const cJSON *item)
{
    snprintf(out, CK_NAME_MAX, "%s", cJSON_IsString(item) ? item->valuestring : "");
}

static int add_arms(ck_ab_results *ab, const cJSON *arms, const char *column, const char *value)
{
    for (const cJSON *a = arms ? arms->child : NULL; a; a = a->next) {
        const cJSON *lift = cJSON_GetObjectItemCaseSensitive(a, "abs_lift");
        const cJSON *sig = cJSON_GetObjectItemCaseSensitive(a, "significant");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(a, "p_adjusted");
        if (!cJSON_IsNumber(lift)) /* the control row has no lift */
            continue;
        if (!ck__grow((void **)&ab->arms, &ab->cap, ab->n + 1, sizeof *ab->arms))
            return CK_ENOMEM;
        ab_arm *arm = &ab->arms[ab->n++];
        snprintf(arm->segment_column, CK_NAME_MAX, "%s", column);
        snprintf(arm->segment_value, CK_NAME_MAX, "%s", value);
        copy_string(arm->arm, cJSON_GetObjectItemCaseSensitive(a, "arm"));
        copy_string(arm->channel, cJSON_GetObjectItemCaseSensitive(a, "channel"));
        arm->abs_lift = lift->valuedouble;
        arm->p = cJSON_IsNumber(p) ? p->valuedouble : NAN;
        arm->significant = cJSON_IsTrue(sig);
    }
    return CK_OK;
}

static int read_text(char **out, const char *path, ck_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ck_error_set(err, CK_EIO, path, 0, "%s", strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    while (text != NULL) {
        len += fread(text + len, 1, cap - len - 1, f);
        if (len + 1 < cap)
            break;
        char *p = realloc(text, cap *= 2);
        if (p == NULL)
            free(text);
        text = p;
    }
    fclose(f);
    if (text == NULL)
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    text[len] = '\0';
    *out = text;
    return CK_OK;
}

int ck_ab_results_load(ck_ab_results **out, const char *path, ck_error *err)
{
    *out = NULL;
    char *text = NULL;
    int rc = read_text(&text, path, err);
    if (rc < 0)
        return rc;
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (root == NULL)
        return ck_error_set(err, CK_EPARSE, path, 0, "invalid JSON");
    ck_ab_results *ab = calloc(1, sizeof *ab);
    const cJSON *segments = cJSON_GetObjectItemCaseSensitive(root, "segments");
    const cJSON *arm_channel = cJSON_GetObjectItemCaseSensitive(root, "arm_channel");
    if (ab == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    } else if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "arms")) ||
               !cJSON_IsArray(segments)) {
        rc = ck_error_set(err, CK_EINVAL, path, 0,
                          "not a churn-ab read-out (expected \"arms\" and \"segments\")");
    }
    for (const cJSON *s = segments ? segments->child : NULL; rc == CK_OK && s; s = s->next) {
        const cJSON *column = cJSON_GetObjectItemCaseSensitive(s, "column");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(s, "value");
        if (cJSON_IsString(column) && cJSON_IsString(value) &&
            add_arms(ab, cJSON_GetObjectItemCaseSensitive(s, "arms"), column->valuestring,
                     value->valuestring) != CK_OK)
            rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    }
    if (rc == CK_OK && cJSON_IsObject(arm_channel) &&
        add_arms(ab, cJSON_GetObjectItemCaseSensitive(arm_channel, "arms"), "", "") != CK_OK)
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    cJSON_Delete(root);
    if (rc < 0) {
        ck_ab_results_free(ab);
        return rc;
    }
    *out = ab;
    return CK_OK;
}

bool ck_ab_results_choose(const ck_ab_results *ab, const ck_schema *schema, const float *row,
                          ck_strategy *strategy, const char **channel, char *why, size_t size)
{
    const ab_arm *best = NULL;
    for (size_t i = 0; i < ab->n; i++) {
        const ab_arm *a = &ab->arms[i];
        if (a->segment_column[0] == '\0' || !a->significant || !(a->abs_lift > 0) ||
            ck_strategy_from_name(a->arm) < 0)
            continue;
        long j = ck_schema_find(schema, a->segment_column);
        if (j < 0 || ck_schema_kind(schema, (size_t)j) != CK_FEATURE_CATEGORICAL || isnan(row[j]))
            continue;
        const char *level = ck_schema_level(schema, (size_t)j, (size_t)row[j]);
        if (level != NULL && strcmp(level, a->segment_value) == 0 &&
            (best == NULL || a->abs_lift > best->abs_lift))
            best = a;
    }
    if (best == NULL)
        return false;
    *strategy = (ck_strategy)ck_strategy_from_name(best->arm);
    *channel = NULL;
    double best_channel_lift = 0;
    for (size_t i = 0; i < ab->n; i++) {
        const ab_arm *a = &ab->arms[i];
        if (a->segment_column[0] == '\0' && a->significant && a->channel[0] != '\0' &&
            strcmp(a->arm, best->arm) == 0 && a->abs_lift > best_channel_lift) {
            best_channel_lift = a->abs_lift;
            *channel = a->channel;
        }
    }
    snprintf(why, size, "ab:%s=%s arm=%s lift=%+.3f p=%.3g", best->segment_column,
             best->segment_value, best->arm, best->abs_lift, best->p);
    return true;
}

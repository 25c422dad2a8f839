/*
 * A churn-ab read-out used by churn-predict (see enrich.h): the arms of each segment and
 * of the arm × channel table, kept only with what the choice needs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/enrich.h"
#include "io/json.h"

typedef struct ab_arm {
    char segment_column[CK_NAME_MAX], segment_value[CK_NAME_MAX]; /* "" for arm × channel */
    char arm[CK_NAME_MAX], channel[CK_NAME_MAX];
    double abs_lift, p;
    bool significant;
} ab_arm;

struct ck_ab_results {
    ab_arm *arms;
    size_t n, cap;
    char *path; /* as given, for channel_decided_by */
};

void ck_ab_results_free(ck_ab_results *ab)
{
    if (ab == NULL)
        return;
    free(ab->arms);
    free(ab->path);
    free(ab);
}

static void copy_string(char *out, const ck__json *item)
{
    snprintf(out, CK_NAME_MAX, "%s", ck__json_is_string(item) ? ck__json_string(item) : "");
}

static int add_arms(ck_ab_results *ab, const ck__json *arms, const char *column, const char *value)
{
    for (const ck__json *a = ck__json_child(arms); a; a = ck__json_next(a)) {
        const ck__json *lift = ck__json_get(a, "abs_lift");
        const ck__json *sig = ck__json_get(a, "significant");
        const ck__json *p = ck__json_get(a, "p_adjusted");
        if (!ck__json_is_number(lift)) /* the control row has no lift */
            continue;
        if (!ck__grow((void **)&ab->arms, &ab->cap, ab->n + 1, sizeof *ab->arms))
            return CK_ENOMEM;
        ab_arm *arm = &ab->arms[ab->n++];
        snprintf(arm->segment_column, CK_NAME_MAX, "%s", column);
        snprintf(arm->segment_value, CK_NAME_MAX, "%s", value);
        copy_string(arm->arm, ck__json_get(a, "arm"));
        copy_string(arm->channel, ck__json_get(a, "channel"));
        arm->abs_lift = ck__json_number(lift);
        arm->p = ck__json_is_number(p) ? ck__json_number(p) : NAN;
        arm->significant = ck__json_is_true(sig);
    }
    return CK_OK;
}

int ck_ab_results_load(ck_ab_results **out, const char *path, ck_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len;
    int rc = ck__json_read_file(&text, &len, path, err);
    if (rc < 0)
        return rc;
    ck__json *root = ck__json_parse(text, len, false, NULL);
    free(text);
    if (root == NULL)
        return ck_error_set(err, CK_EPARSE, path, 0, "invalid JSON");
    ck_ab_results *ab = calloc(1, sizeof *ab);
    const ck__json *segments = ck__json_get(root, "segments");
    const ck__json *arm_channel = ck__json_get(root, "arm_channel");
    if (ab == NULL || (ab->path = strdup(path)) == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    } else if (!ck__json_is_array(ck__json_get(root, "arms")) || !ck__json_is_array(segments)) {
        rc = ck_error_set(err, CK_EINVAL, path, 0,
                          "not a churn-ab read-out (expected \"arms\" and \"segments\")");
    }
    for (const ck__json *s = ck__json_child(segments); rc == CK_OK && s; s = ck__json_next(s)) {
        const ck__json *column = ck__json_get(s, "column");
        const ck__json *value = ck__json_get(s, "value");
        if (ck__json_is_string(column) && ck__json_is_string(value) &&
            add_arms(ab, ck__json_get(s, "arms"), ck__json_string(column),
                     ck__json_string(value)) != CK_OK)
            rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    }
    if (rc == CK_OK && ck__json_is_object(arm_channel) &&
        add_arms(ab, ck__json_get(arm_channel, "arms"), "", "") != CK_OK)
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    ck__json_free(root);
    if (rc < 0) {
        ck_ab_results_free(ab);
        return rc;
    }
    *out = ab;
    return CK_OK;
}

const char *ck_ab_results_path(const ck_ab_results *ab)
{
    return ab->path;
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

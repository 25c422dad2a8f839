/*
 * Helpers that learners share (see learner.h): the metrics of a learner that measures
 * none, and for their part of the model file the tolerance of a stored number against the
 * one computed again from the body, and the feature a body member names.
 */
#include "learn/learner.h"

#include <math.h>

/* See learner.h: a few ulps of reordering pass, a hand edit does not. */
#define RECOMPUTED_TOL 1e-12

bool ck__learner_same_number(double a, double b)
{
    return fabs(a - b) <= RECOMPUTED_TOL * fmax(1.0, fmax(fabs(a), fabs(b)));
}

long ck__learner_read_feature(const ck__json_reader *r, const ck__json *o, const char *at,
                              const ck_schema *schema)
{
    char path[CK__JSON_PATH_LEN];
    const char *name;
    const ck__json *it = ck__json_member(r, o, at, "feature", path);
    if (it == NULL || ck__json_want_string(r, it, path, &name) < 0)
        return -1;
    long j = ck_schema_find(schema, name);
    if (j < 0)
        ck__json_fail(r, CK_EINVAL, "%s: unknown feature \"%s\"", path, name);
    return j;
}

void ck__learner_metrics_none(ck__learner_metrics *m)
{
    m->rounds_kept = 0;
    m->train_logloss = m->valid_logloss = NAN;
    m->train_auc = m->valid_auc = NAN;
}

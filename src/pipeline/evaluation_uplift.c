/*
 * Evaluating an uplift model on a held-out experiment (docs/EVAL.md, "Uplift"): each
 * treatment arm against control, on the rows of those two arms, ordered by the model's
 * uplift for that arm (ck_uplift_eval_run()).
 */
#include "churnkit/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void ck_pipeline_uplift_evals_free(ck_uplift_eval **evals, size_t n)
{
    for (size_t k = 0; evals && k < n; k++)
        ck_uplift_eval_free(evals[k]);
    free(evals);
}

/* Treatment arm a against control: the two arms' rows, scored by uplift_a. */
static int evaluate_arm(ck_uplift_eval **out, const ck_uplift *u, const ck_uplift_data *data,
                        const double *uplift, size_t a, const ck_uplift_eval_params *params,
                        ck_error *err)
{
    size_t n = ck_dataset_n_rows(data->rows), n_arms = ck_uplift_n_arms(u), k = 0;
    size_t control = ck_uplift_control(u);
    const float *y = ck_dataset_labels(data->rows);
    double *score = ck__alloc_array(n + 1, sizeof *score);
    bool *treated = ck__alloc_array(n + 1, sizeof *treated);
    int *outcome = ck__alloc_array(n + 1, sizeof *outcome);
    const char **ids = ck__alloc_array(n + 1, sizeof *ids);
    int rc = score && treated && outcome && ids
                 ? CK_OK
                 : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; rc == CK_OK && i < n; i++) {
        if (data->arm_of[i] != a && data->arm_of[i] != control)
            continue;
        score[k] = uplift[i * n_arms + a];
        treated[k] = data->arm_of[i] == a;
        outcome[k] = y[i] > 0.5;
        ids[k++] = ck_dataset_row_id(data->rows, i);
    }
    ck_uplift_eval_input in = { ck_uplift_arm_at(u, a)->name, k, score, treated, outcome, ids };
    if (rc == CK_OK)
        rc = ck_uplift_eval_run(out, &in, params, err);
    free(score);
    free(treated);
    free(outcome);
    free(ids);
    return rc;
}

int ck_pipeline_uplift_eval(ck_uplift_eval ***out, size_t *n_out, const ck_model *model,
                            const ck_uplift_data *data, const ck_uplift_eval_params *params,
                            int n_threads, ck_error *err)
{
    const ck_uplift *u = ck_model_uplift(model);
    *out = NULL;
    *n_out = 0;
    if (u == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "a %s model gives no uplift",
                            ck_model_type_name(model));
    size_t n = ck_dataset_n_rows(data->rows), n_arms = ck_uplift_n_arms(u);
    size_t rows[CK_UPLIFT_MAX_ARMS] = { 0 };
    for (size_t i = 0; i < n; i++)
        rows[data->arm_of[i]]++;
    if (rows[ck_uplift_control(u)] == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "no row of the control arm \"%s\": uplift cannot be measured",
                            ck_uplift_arm_at(u, ck_uplift_control(u))->name);
    double *p = ck__alloc_array(n * n_arms + 1, sizeof *p);
    double *uplift = ck__alloc_array(n * n_arms + 1, sizeof *uplift);
    ck_uplift_eval **evals = calloc(n_arms, sizeof *evals);
    int rc = p && uplift && evals ? ck_uplift_predict(u, data->rows, p, uplift, n_threads, err)
                                  : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t k = 0;
    for (size_t a = 0; rc == CK_OK && a < n_arms; a++)
        if (a != ck_uplift_control(u) && rows[a] > 0)
            rc = evaluate_arm(&evals[k++], u, data, uplift, a, params, err);
    free(p);
    free(uplift);
    if (rc < 0) {
        ck_pipeline_uplift_evals_free(evals, k);
        return rc;
    }
    if (k == 0) {
        ck_pipeline_uplift_evals_free(evals, k);
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no row of any treatment arm");
    }
    *out = evals;
    *n_out = k;
    return CK_OK;
}

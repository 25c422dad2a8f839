/*
 * An experiment's rows for an uplift model (pipeline.h, "Uplift"): the features as they
 * were before assignment, the outcome as the label, and each row's arm, from a table (a
 * treatment column beside the features) or from a behaviour history and churn-ab's
 * assignments file (features as of each assignment day, the outcome churn-ab's conversion).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/intern.h"
#include "base/util.h"
#include "churnkit/abtest.h"
#include "churnkit/csv.h"
#include "churnkit/pipeline.h"
#include "churnkit/timestamp.h"
#include "io/cell.h"

void ck_uplift_data_free(ck_uplift_data *d)
{
    ck_dataset_free(d->rows);
    free(d->arm_of);
    memset(d, 0, sizeof *d);
}

/* The arms of the rows, named by `names` (n_rows of them), checked and indexed: control
 * first, then the others in order of first appearance; or, with a model, the model's
 * indices, every arm one the model knows. `where` names the data in messages. */
typedef struct arm_names {
    size_t n;
    char names[CK_UPLIFT_MAX_ARMS][CK_NAME_MAX];
} arm_names;

static void list_arms(char *out, size_t size, const arm_names *a)
{
    out[0] = '\0';
    for (size_t k = 0; k < a->n; k++)
        snprintf(out + strlen(out), size - strlen(out), "%s\"%s\"", k ? ", " : "", a->names[k]);
}

static int design_arms(ck_uplift_data *out, const char *const *names, size_t n_rows,
                       const char *control, const ck_uplift *model, const char *where,
                       ck_error *err)
{
    arm_names seen = { 0 };
    out->arm_of = ck__alloc_array(n_rows + 1, 1);
    if (out->arm_of == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n_rows; i++) {
        size_t k = 0;
        while (k < seen.n && strcmp(seen.names[k], names[i]) != 0)
            k++;
        if (k == seen.n) {
            if (seen.n == CK_UPLIFT_MAX_ARMS || strlen(names[i]) >= CK_NAME_MAX)
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "%s: more than %d arms, or an arm name of %d bytes or more",
                                    where, CK_UPLIFT_MAX_ARMS, CK_NAME_MAX);
            snprintf(seen.names[seen.n++], CK_NAME_MAX, "%s", names[i]);
        }
    }
    char list[CK_UPLIFT_MAX_ARMS * (CK_NAME_MAX + 4)];
    list_arms(list, sizeof list, &seen);
    ck_uplift_design *g = &out->design;
    if (model != NULL) {
        g->n_arms = ck_uplift_n_arms(model);
        g->control = ck_uplift_control(model);
        for (size_t a = 0; a < g->n_arms; a++)
            snprintf(g->names[a], CK_NAME_MAX, "%s", ck_uplift_arm_at(model, a)->name);
        for (size_t k = 0; k < seen.n; k++)
            if (ck_uplift_find_arm(model, seen.names[k]) < 0)
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "%s: arm \"%s\" is not one of the model's", where,
                                    seen.names[k]);
    } else {
        if (seen.n < 2)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "%s: the treatment has one arm only (%s): an uplift model compares "
                                "treated customers with a control group",
                                where, list);
        const char *wanted = control ? control : "control";
        long c = -1;
        for (size_t k = 0; k < seen.n; k++)
            if (strcmp(seen.names[k], wanted) == 0)
                c = (long)k;
        if (c < 0 && control == NULL && seen.n == 2)
            for (size_t k = 0; k < seen.n; k++)
                if (strcmp(seen.names[k], "0") == 0)
                    c = (long)k; /* a 0/1 treatment flag */
        if (c < 0)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                control ? "%s: unknown control arm \"%s\": the arms are %s"
                                        : "%s: no arm is named \"%s\": name the control arm "
                                          "with --control (the arms are %s)",
                                where, wanted, list);
        g->n_arms = seen.n;
        g->control = 0;
        snprintf(g->names[0], CK_NAME_MAX, "%s", seen.names[c]);
        for (size_t k = 0, a = 1; k < seen.n; k++)
            if ((long)k != c)
                snprintf(g->names[a++], CK_NAME_MAX, "%s", seen.names[k]);
    }
    for (size_t i = 0; i < n_rows; i++) {
        size_t a = 0;
        while (strcmp(g->names[a], names[i]) != 0)
            a++;
        out->arm_of[i] = (uint8_t)a;
    }
    g->arm_of = out->arm_of;
    return CK_OK;
}

/* Each record's treatment cell, trimmed, in file order. */
static int read_treatment(char ***out, size_t *n_out, const char *path, char delimiter,
                          const char *column, ck_error *err)
{
    ck_csv *csv = NULL;
    ck_csv_row row;
    size_t n = 0, cap = 0;
    long field = -1;
    char **cells = NULL;
    int rc = ck_csv_open(&csv, path, delimiter, err);
    if (rc == CK_OK && (rc = ck_csv_next(csv, &row, err)) == 0)
        rc = ck_error_set(err, CK_EPARSE, path, 1, "empty file");
    for (size_t f = 0; rc > 0 && f < row.n_fields; f++) {
        const char *s = row.fields[f];
        size_t len = row.lengths[f];
        ck__cell_trim(&s, &len);
        if (len == strlen(column) && memcmp(s, column, len) == 0)
            field = (long)f;
    }
    if (rc > 0 && field < 0)
        rc = ck_error_set(err, CK_EINVAL, path, 1, "no treatment column \"%s\"", column);
    while (rc > 0 && (rc = ck_csv_next(csv, &row, err)) > 0) {
        if ((size_t)field >= row.n_fields)
            break; /* the feature reader names this record's wrong field count */
        const char *s = row.fields[field];
        size_t len = row.lengths[field];
        ck__cell_trim(&s, &len);
        if (ck__cell_is_missing(s, len)) {
            rc = ck_error_set(err, CK_EPARSE, path, row.line, "missing %s", column);
        } else if (!ck__grow((void **)&cells, &cap, n + 1, sizeof *cells) ||
                   (cells[n] = strndup(s, len)) == NULL) {
            rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
        } else {
            n++;
        }
    }
    ck_csv_free(csv);
    *out = cells;
    *n_out = n;
    return rc < 0 ? rc : CK_OK;
}

static void free_cells(char **cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(cells[i]);
    free(cells);
}

int ck_pipeline_uplift_table(ck_uplift_data *out, const char *path,
                             const ck_uplift_table_opts *opts, ck_model_training *training,
                             ck_error *err)
{
    memset(out, 0, sizeof *out);
    char **arms = NULL;
    size_t n_arms_read = 0;
    const char **ignore = calloc(opts->n_ignore + 1, sizeof *ignore);
    if (ignore == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ignore[0] = opts->treatment;
    for (size_t k = 0; k < opts->n_ignore; k++)
        ignore[k + 1] = opts->ignore[k];
    ck_table_opts t = CK_TABLE_OPTS_INIT;
    t.label = opts->label;
    t.id = opts->id;
    t.delimiter = opts->delimiter;
    t.ignore = ignore;
    t.n_ignore = opts->n_ignore + 1;
    t.schema = opts->model ? ck_uplift_schema(opts->model) : NULL;
    t.n_threads = opts->n_threads;
    /* the treatment first: without it, there is no experiment to read */
    int rc = read_treatment(&arms, &n_arms_read, path, opts->delimiter, opts->treatment, err);
    if (rc == CK_OK)
        rc = training ? ck_pipeline_training_table(&out->rows, path, &t, training, err)
                      : ck_dataset_read_table(&out->rows, path, &t, err);
    if (rc == CK_OK && n_arms_read != ck_dataset_n_rows(out->rows))
        rc = ck_error_set(err, CK_EPARSE, path, 0, "%zu rows of features, %zu treatment cells",
                          ck_dataset_n_rows(out->rows), n_arms_read);
    char where[600];
    snprintf(where, sizeof where, "%s, column \"%s\"", path, opts->treatment);
    if (rc == CK_OK)
        rc = design_arms(out, (const char *const *)arms, n_arms_read, opts->control, opts->model,
                         where, err);
    free_cells(arms, n_arms_read);
    free(ignore);
    if (rc < 0)
        ck_uplift_data_free(out);
    return rc;
}

static int compare_int64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/* The distinct assignment days (start of each UTC day), ascending. */
static int assignment_days(int64_t **out, size_t *n_out, const ck_abtest *ab, ck_error *err)
{
    size_t n = ck_abtest_n_rows(ab), k = 0;
    int64_t *days = ck__alloc_array(n + 1, sizeof *days);
    if (days == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        days[i] = ck_ts_day_start(ck_abtest_row_assigned_at(ab, i));
    qsort(days, n, sizeof *days, compare_int64);
    for (size_t i = 0; i < n; i++)
        if (k == 0 || days[i] != days[k - 1])
            days[k++] = days[i];
    *out = days;
    *n_out = k;
    return CK_OK;
}

/* Label each table's rows with the outcome of the customers assigned on its day (-1 for
 * the others), and list their arms in the order ck_dataset_from_features() stacks them. */
static int label_tables(ck_features **tables, const int64_t *days, size_t n_days,
                        const ck_abtest *ab, const char ***arm_of_row, size_t *n_rows,
                        ck_error *err)
{
    size_t n = ck_abtest_n_rows(ab), k = 0;
    const char **arms = ck__alloc_array(n + 1, sizeof *arms);
    int8_t *labels = NULL;
    int rc = arms ? CK_OK : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    /* each customer's assignment row, by id, to find table rows in it */
    ck__intern ids = { 0 };
    for (size_t i = 0; i < n && rc == CK_OK; i++)
        if (ck__intern_put(&ids, ck_abtest_row_id(ab, i), strlen(ck_abtest_row_id(ab, i))) < 0)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t t = 0; t < n_days && rc == CK_OK; t++) {
        size_t rows = ck_features_n_rows(tables[t]);
        free(labels);
        if ((labels = ck__alloc_array(rows + 1, 1)) == NULL) {
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        for (size_t r = 0; r < rows; r++) {
            const char *id = ck_features_row_id(tables[t], r);
            long i = ck__intern_find(&ids, id, strlen(id));
            bool here = i >= 0 && ck_ts_day_start(ck_abtest_row_assigned_at(ab, (size_t)i)) == days[t];
            labels[r] = here ? (int8_t)ck_abtest_row_converted(ab, (size_t)i) : -1;
            if (here)
                arms[k++] = ck_abtest_row_arm(ab, (size_t)i);
        }
        ck_features_set_labels(tables[t], labels);
    }
    free(labels);
    ck__intern_free(&ids);
    *arm_of_row = arms;
    *n_rows = k;
    return rc;
}

int ck_pipeline_uplift_events(ck_uplift_data *out, const ck_events *ev,
                              const ck_uplift_events_opts *opts, ck_error *err)
{
    memset(out, 0, sizeof *out);
    ck_abtest *ab = NULL;
    ck_abtest_read_opts ro = CK_ABTEST_READ_OPTS_INIT;
    ro.channel_column = NULL;
    int64_t *days = NULL;
    size_t n_days = 0, n_rows = 0;
    ck_features **tables = NULL;
    const char **arms = NULL;
    int rc = ck_abtest_read_csv(&ab, opts->assignments, &ro, err);
    if (rc == CK_OK)
        rc = ck_abtest_outcomes_from_events(ab, ev, opts->window_days, err);
    if (rc == CK_OK)
        rc = assignment_days(&days, &n_days, ab, err);
    if (rc == CK_OK && n_days > CK_MODEL_MAX_CUTOFFS)
        rc = ck_error_set(err, CK_EINVAL, opts->assignments, 0,
                          "assignments on %zu different days: at most %d are read (each day "
                          "builds its own feature table)",
                          n_days, CK_MODEL_MAX_CUTOFFS);
    if (rc == CK_OK && (tables = calloc(n_days + 1, sizeof *tables)) == NULL)
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck_features_opts fo = CK_FEATURES_OPTS_INIT;
    fo.config = opts->config;
    fo.customers = opts->customers;
    fo.all_customers = true;
    fo.no_label = true;
    fo.n_threads = opts->n_threads;
    if (rc == CK_OK)
        rc = ck_pipeline_feature_tables(tables, ev, days, n_days, &fo, err);
    if (rc == CK_OK)
        rc = label_tables(tables, days, n_days, ab, &arms, &n_rows, err);
    if (rc == CK_OK)
        rc = ck_dataset_from_features(&out->rows, (const ck_features *const *)tables, n_days,
                                      true, opts->model ? ck_uplift_schema(opts->model) : NULL,
                                      err);
    if (rc == CK_OK && ck_dataset_n_rows(out->rows) != n_rows)
        rc = ck_error_set(err, CK_EINVAL, NULL, 0, "internal: %zu rows for %zu assignments",
                          ck_dataset_n_rows(out->rows), n_rows);
    out->n_left_out = ab ? ck_abtest_n_rows(ab) - n_rows : 0;
    if (rc == CK_OK)
        rc = design_arms(out, arms, n_rows, opts->control, opts->model, opts->assignments, err);
    for (size_t t = 0; tables && t < n_days; t++)
        ck_features_free(tables[t]);
    free(tables);
    free(arms);
    free(days);
    ck_abtest_free(ab);
    if (rc < 0)
        ck_uplift_data_free(out);
    return rc;
}

int ck_pipeline_uplift_economics(ck_uplift_economics *out, const ck_config *cfg,
                                 const ck_uplift_design *design, ck_error *err)
{
    memset(out, 0, sizeof *out);
    out->given = cfg->has_uplift_economics;
    for (size_t a = 0; a < design->n_arms; a++) {
        out->value[a] = cfg->uplift_value;
        out->cost[a] = 0.0;
    }
    for (size_t k = 0; k < cfg->n_uplift_arms; k++) {
        size_t a = 0;
        while (a < design->n_arms && strcmp(design->names[a], cfg->uplift_arms[k].arm) != 0)
            a++;
        if (a == design->n_arms)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "config \"uplift\": arm \"%s\" is not in the experiment",
                                cfg->uplift_arms[k].arm);
        if (!isnan(cfg->uplift_arms[k].value))
            out->value[a] = cfg->uplift_arms[k].value;
        out->cost[a] = cfg->uplift_arms[k].cost;
    }
    return CK_OK;
}

void ck_pipeline_uplift_warnings(ck_model *model)
{
    const ck_uplift *u = ck_model_uplift(model);
    if (u == NULL)
        return;
    const ck_uplift_arm *control = ck_uplift_arm_at(u, ck_uplift_control(u));
    for (size_t a = 0; a < ck_uplift_n_arms(u); a++) {
        const ck_uplift_arm *arm = ck_uplift_arm_at(u, a);
        if (a == ck_uplift_control(u))
            continue;
        double lo, hi, lift = arm->base_rate - control->base_rate;
        ck_stats_newcombe(arm->positives, arm->rows, control->positives, control->rows, 0.95, &lo,
                          &hi);
        char text[256];
        if (lo <= 0.0 && hi >= 0.0) {
            snprintf(text, sizeof text,
                     "arm \"%s\": its average effect, %+.2f points (95%% CI %+.2f to %+.2f) on %zu "
                     "treated and %zu control customers, cannot be told from none: check "
                     "churn-eval's Qini interval before acting on its uplifts",
                     arm->name, 100 * lift, 100 * lo, 100 * hi, arm->rows, control->rows);
            ck_model_add_warning(model, text);
        }
        if (arm->rounds_kept == 0 && control->rounds_kept == 0 &&
            ck_uplift_method_of(u) == CK_UPLIFT_T) {
            snprintf(text, sizeof text,
                     "arm \"%s\": neither its model nor control's found anything beyond the "
                     "average: every customer gets the same uplift",
                     arm->name);
            ck_model_add_warning(model, text);
        }
    }
}

/* Beyond this many standard errors, a difference between two arms' means is no chance of
 * randomisation (two-sided p ≈ 6e-7 per test: with a hundred features and a few arms, a
 * false alarm about once in ten thousand experiments). */
#define IMBALANCE_Z 5.0

void ck_pipeline_uplift_balance(ck_model *model, const ck_uplift_data *data)
{
    const ck_uplift *u = ck_model_uplift(model);
    if (u == NULL)
        return;
    const ck_schema *schema = ck_dataset_schema(data->rows);
    size_t n = ck_dataset_n_rows(data->rows), n_arms = ck_uplift_n_arms(u);
    size_t control = ck_uplift_control(u);
    for (size_t j = 0; j < ck_schema_n_features(schema); j++) {
        if (ck_schema_kind(schema, j) != CK_FEATURE_NUMERIC)
            continue;
        const float *x = ck_dataset_column(data->rows, j);
        double count[CK_UPLIFT_MAX_ARMS] = { 0 }, sum[CK_UPLIFT_MAX_ARMS] = { 0 };
        double sq[CK_UPLIFT_MAX_ARMS] = { 0 };
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i])) {
                count[data->arm_of[i]]++;
                sum[data->arm_of[i]] += x[i];
            }
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i])) {
                double d = x[i] - sum[data->arm_of[i]] / count[data->arm_of[i]];
                sq[data->arm_of[i]] += d * d;
            }
        double worst = 0.0;
        size_t worst_arm = control;
        for (size_t a = 0; a < n_arms; a++) {
            if (a == control || count[a] < 2 || count[control] < 2)
                continue;
            double se = sqrt(sq[a] / (count[a] - 1) / count[a] +
                             sq[control] / (count[control] - 1) / count[control]);
            double z = (sum[a] / count[a] - sum[control] / count[control]) / se;
            if (se > 0 && fabs(z) > fabs(worst)) {
                worst = z;
                worst_arm = a;
            }
        }
        if (fabs(worst) <= IMBALANCE_Z)
            continue;
        char text[512]; /* names of up to 63 bytes each; the model keeps 255 */
        snprintf(text, sizeof text,
                 "column \"%s\" differs between arm \"%s\" and control by %.1f standard errors, "
                 "which randomisation rules out for what was known before assignment: an "
                 "outcome? leave it out (--ignore)",
                 ck_schema_name(schema, j), ck_uplift_arm_at(u, worst_arm)->name, fabs(worst));
        ck_model_add_warning(model, text);
    }
}

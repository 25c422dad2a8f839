/*
 * The liblinear solver: the design matrix handed to LIBLINEAR 2.3.0 (Fan, Chang, Hsieh,
 * Wang & Lin, "LIBLINEAR: A Library for Large Linear Classification", JMLR 9, 2008). The
 * only file that includes <linear.h>, which defines the global names train, predict and
 * struct model.
 *
 * The problem. Each row becomes LIBLINEAR's sparse feature nodes of the design row's
 * non-zero values, indices 1..p; the last column is the bias feature, value 1, which is
 * how LIBLINEAR's own trainer adds -B 1 (train.c appends a node of index n + 1 holding
 * the bias and sets prob.n = n + 1; prob.bias only records it in the model). LIBLINEAR
 * 2.3 regularises that coefficient like every other, the objective of logreg.h. Labels
 * are +1 (churned) and −1; pos_weight is the class weight of +1, which multiplies C on
 * the churned rows (Cp in train_one). LIBLINEAR 2.3 has no row weights: the caller
 * refuses them.
 *
 * Solvers: -s 0 (L2R_LR) is the trust-region Newton method of Lin, Weng & Keerthi ("Trust
 * region Newton method for large-scale logistic regression", JMLR 9, 2008); -s 6 (L1R_LR)
 * is newGLMNET (Yuan, Ho & Lin, "An improved GLMNET for L1-regularized logistic
 * regression", JMLR 13, 2012). Both stop when ‖∇f‖ <= eps · max(min(#pos, #neg), 1) / l ·
 * ‖∇f(w₀)‖ (train_one's primal_solver_tol), so eps = tol · l / max(min(#pos, #neg), 1)
 * gives our rule ‖∇f‖ <= tol ‖∇f(0)‖ (for -s 6, with its own measure of ∇f).
 *
 * LIBLINEAR prints its progress through a process-wide hook; the bridge installs one that
 * prints nothing and counts, per thread, the iteration lines ("iter ...") and the
 * warning "reaching max number of iterations", which is how 2.3 reports that it stopped
 * at its own limit (1000 for -s 0). newGLMNET picks coordinates in rand() order, so the
 * bridge calls srand(1) before an -s 6 fit: the same model every time, and the same as
 * LIBLINEAR's command-line trainer, which never seeds rand().
 */
#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "learn/logreg/logreg_int.h"

#define BLOCK_ROWS CK__LR_BLOCK_ROWS

static _Thread_local int iter_lines;
static _Thread_local int hit_limit;

static void count_output(const char *text)
{
    if (strncmp(text, "iter", 4) == 0)
        iter_lines++;
    if (strstr(text, "reaching max number of iterations") != NULL)
        hit_limit = 1;
}

/* LIBLINEAR's rows: the non-zero values of each design row, made block by block, in one
 * array `nodes` (each row ends with index −1). With nodes NULL, only counts them. */
static size_t make_rows(const ck__lr_problem *pb, double *block, struct feature_node *nodes,
                        struct feature_node **rows)
{
    size_t n = pb->n, p = pb->p, used = 0;
    for (size_t lo = 0; lo < n; lo += BLOCK_ROWS) {
        size_t hi = lo + BLOCK_ROWS < n ? lo + BLOCK_ROWS : n;
        ck__logreg_block(pb->m, pb->d, lo, hi, block);
        for (size_t i = lo; i < hi; i++) {
            const double *x = block + (i - lo) * p;
            if (nodes != NULL)
                rows[i] = nodes + used;
            for (size_t k = 0; k < p; k++) {
                if (x[k] == 0)
                    continue;
                if (nodes != NULL)
                    nodes[used] = (struct feature_node){ (int)k + 1, x[k] };
                used++;
            }
            if (nodes != NULL)
                nodes[used].index = -1;
            used++;
        }
    }
    return used;
}

int ck__lr_liblinear(double *beta, double *z, ck__lr_problem *pb, ck_logreg_penalty penalty,
                     double tol, ck_logreg_report *r, ck_error *err)
{
    size_t n = pb->n, p = pb->p, pos = 0;
    if (pb->row_w != NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the liblinear solver takes no row weights (LIBLINEAR 2.3 has "
                            "class weights only)");
    if (n > 2147483647 || p > 2147483646)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "too large for LIBLINEAR (%zu x %zu)", n, p);
    struct feature_node *nodes = NULL;
    struct feature_node **rows = ck__alloc_array(n, sizeof *rows);
    double *block = ck__alloc_array(BLOCK_ROWS * p, sizeof *block);
    double *labels = ck__alloc_array(n, sizeof *labels);
    double *g = ck__alloc_array(p, sizeof *g), *zero = calloc(p, sizeof *zero);
    struct model *fitted = NULL;
    int rc = CK_OK;
    if (rows == NULL || block == NULL || labels == NULL || g == NULL || zero == NULL ||
        (nodes = ck__alloc_array(make_rows(pb, block, NULL, NULL), sizeof *nodes)) == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    make_rows(pb, block, nodes, rows);
    for (size_t i = 0; i < n; i++) {
        labels[i] = pb->y[i] > 0.5f ? 1.0 : -1.0;
        pos += pb->y[i] > 0.5f;
    }
    size_t fewest = pos < n - pos ? pos : n - pos;
    struct problem prob = { (int)n, (int)p, labels, rows, 1.0 };
    int weight_label[1] = { 1 };
    double weight[1] = { pb->pos_weight };
    struct parameter param = { 0 };
    param.solver_type = penalty == CK_LOGREG_L1 ? L1R_LR : L2R_LR;
    param.eps = tol * (double)n / (double)(fewest > 0 ? fewest : 1);
    param.C = pb->C;
    param.nr_weight = 1;
    param.weight_label = weight_label;
    param.weight = weight;
    const char *bad = check_parameter(&prob, &param);
    if (bad != NULL) {
        rc = ck_error_set(err, CK_EINVAL, NULL, 0, "liblinear: %s", bad);
        goto done;
    }
    set_print_string_function(count_output);
    iter_lines = 0;
    hit_limit = 0;
    if (penalty == CK_LOGREG_L1)
        srand(1);
    fitted = train(&prob, &param);
    if (fitted == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    /* w of the label listed first: find +1 among the model's labels */
    int model_labels[2] = { 0, 0 };
    get_labels(fitted, model_labels);
    int which = get_nr_class(fitted) == 2 && model_labels[1] == 1 ? 1 : 0;
    for (size_t k = 0; k + 1 < p; k++)
        beta[k] = get_decfun_coef(fitted, (int)k + 1, which);
    beta[p - 1] = get_decfun_bias(fitted, which);

    /* the report in our terms, from our own evaluation of the objective at LIBLINEAR's w */
    r->iterations = iter_lines;
    r->converged = !hit_limit;
    r->warning[0] = '\0';
    if (hit_limit)
        snprintf(r->warning, sizeof r->warning,
                 "liblinear stopped at its iteration limit (%d iterations) before tol %.3g",
                 iter_lines, tol);
    if (penalty == CK_LOGREG_L1) {
        double l1 = 0;
        for (size_t k = 0; k < p; k++)
            l1 += fabs(beta[k]);
        r->objective = pb->C * ck__lr_loss(pb, beta, z) + l1;
        r->grad_norm = NAN;
    } else {
        ck__lr_eval(pb, zero, g, NULL);
        double g0 = ck__lr_norm(g, p);
        r->objective = ck__lr_eval(pb, beta, g, z);
        r->grad_norm = g0 > 0 ? ck__lr_norm(g, p) / g0 : 0.0;
    }
done:
    free_and_destroy_model(&fitted);
    free(zero);
    free(g);
    free(nodes);
    free(rows);
    free(block);
    free(labels);
    return rc;
}

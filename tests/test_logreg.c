/*
 * Logistic-regression tests. The independent computations: LIBLINEAR 2.3 (the liblinear
 * solver) for the optimum that newton and lbfgs must reach, naive loops for every BLAS
 * kernel and for the objective, gradient and Hessian, a sort for the clipping quantiles,
 * the KKT conditions for the l1 fit, and separate trainings on each fold for the
 * cross-validation curve; scipy's L-BFGS-B (test_logreg --reference FILE, a fresh run of
 * tests/lbfgs_reference.py) for the iterations and the gap lbfgs must not exceed.
 *
 * Datasets are written as CSV with a fixed-seed generator and read back: dense, with
 * missing values, with categoricals (missing and unseen levels too), imbalanced (3%
 * churn) and separable. The real telco and bank tables of tests/data check that the
 * three solvers give the same probabilities at the default tolerance (skipped with a note
 * when absent).
 */
#include "churnkit/logreg.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/blas.h"
#include "base/rng.h"
#include "check.h"
#include "churnkit/dataset.h"
#include "churnkit/metrics.h"
#include "learn/logreg/logreg_int.h"

#define TMP   CK_TEST_TMP "/logreg_"
#define TELCO CK_TEST_DATA "/telco/WA_Fn-UseC_-Telco-Customer-Churn.csv.gz"
#define BANK  CK_TEST_DATA "/bank_churn/Churn_Modelling.csv.gz"

/* ---- helpers ------------------------------------------------------------------------ */

static uint64_t rng_state;

static double uniform(void)
{
    return (double)(ck__splitmix64(&rng_state) >> 11) * 0x1.0p-53;
}

/* Box–Muller: a standard normal draw. */
static double normal(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

typedef enum { DENSE, MISSING, CATEGORICAL, IMBALANCED, SEPARABLE } kind;
static const char *const kind_names[] = { "dense", "missing", "categorical", "imbalanced",
                                          "separable" };

/* A table of `kind` with n rows: numeric x0..x3 on very different scales, for
 * CATEGORICAL also c0 (levels a..e) and c1 (levels u..w), and the label y drawn from a
 * logistic model of them (SEPARABLE: y = x0 > 0.3). */
static ck_dataset *make_table(kind k, size_t n, uint64_t seed)
{
    char path[256];
    snprintf(path, sizeof path, TMP "%s.csv", kind_names[k]);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return NULL;
    rng_state = seed;
    fputs(k == CATEGORICAL ? "x0,x1,x2,x3,c0,c1,y\n" : "x0,x1,x2,x3,y\n", f);
    const double scale[4] = { 1, 100, 0.01, 5000 }, shift[4] = { 0, 50, -3, 1e5 };
    const double coef[4] = { 1.2, -0.8, 0.5, 0.0 };
    for (size_t i = 0; i < n; i++) {
        double x[4], logit = k == IMBALANCED ? -4.0 : -0.3;
        for (int j = 0; j < 4; j++) {
            x[j] = normal() + (j == 1 ? 0.5 * x[0] : 0); /* x1 correlates with x0 */
            logit += coef[j] * x[j];
        }
        int c0 = (int)(uniform() * 5), c1 = (int)(uniform() * 3);
        if (k == CATEGORICAL)
            logit += (c0 == 1 ? 1.0 : c0 == 3 ? -1.5 : 0) + (c1 == 2 ? 0.7 : 0);
        int y = k == SEPARABLE ? x[0] > 0.3 : uniform() < 1.0 / (1.0 + exp(-logit));
        for (int j = 0; j < 4; j++) {
            bool missing = (k == MISSING || k == CATEGORICAL) && j != 1 && uniform() < 0.1;
            if (missing)
                fputs(",", f);
            else
                fprintf(f, "%.9g,", x[j] * scale[j] + shift[j]);
        }
        if (k == CATEGORICAL) {
            if (uniform() < 0.05)
                fputs(",", f);
            else
                fprintf(f, "%c,", 'a' + c0);
            fprintf(f, "%c,", 'u' + c1);
        }
        fprintf(f, "%d\n", y);
    }
    fclose(f);
    ck_error err = { 0 };
    ck_dataset *d = NULL;
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.label = "y";
    CHECK_OK(ck_dataset_read_table(&d, path, &opts, &err));
    return d;
}

static ck_logreg *train_with(const ck_dataset *d, ck_logreg_solver solver, double C, double tol,
                             int threads, ck_logreg_report *r)
{
    ck_error err = { 0 };
    ck_logreg_params p = CK_LOGREG_PARAMS_INIT;
    p.solver = solver;
    p.C = C;
    p.tol = tol;
    p.n_threads = threads;
    ck_logreg *m = NULL;
    CHECK_OK(ck_logreg_train(&m, d, NULL, &p, r, NULL, NULL, &err));
    return m;
}

static double *beta_of(const ck_logreg *m)
{
    double *beta = calloc(m->n_columns, sizeof *beta);
    ck__logreg_get_beta(m, beta);
    return beta;
}

/* The whole design matrix of d, n_rows × n_columns (the solvers only ever make blocks). */
static double *whole_design(const ck_logreg *m, const ck_dataset *d)
{
    size_t n = ck_dataset_n_rows(d);
    double *x = malloc(n * m->n_columns * sizeof *x + 1);
    if (x != NULL)
        ck__logreg_block(m, d, 0, n, x);
    return x;
}

static double max_abs_diff(const double *a, const double *b, size_t n)
{
    double worst = 0;
    for (size_t k = 0; k < n; k++)
        worst = fmax(worst, fabs(a[k] - b[k]));
    return worst;
}

/* ---- BLAS kernels against naive loops ------------------------------------------------ */

static void test_logreg__blas_kernels_equal_naive_loops(void)
{
    ck__blas_single_threaded();
    rng_state = 5;
    const size_t m = 37, n = 23, lda = 29; /* a row stride wider than the rows */
    double a[37 * 29], x[29], xm[37], y[37], yt[29], want[37 * 29];
    for (size_t k = 0; k < m * lda; k++)
        a[k] = normal();
    for (size_t k = 0; k < lda; k++)
        x[k] = normal();
    for (size_t k = 0; k < m; k++)
        xm[k] = normal();

    /* y = A x */
    ck__blas_gemv(m, n, a, lda, x, y);
    for (size_t i = 0; i < m; i++) {
        double s = 0;
        for (size_t j = 0; j < n; j++)
            s += a[i * lda + j] * x[j];
        CHECK_NEAR(y[i], s, 1e-13 * (1 + fabs(s)));
    }
    /* y += Aᵀ x */
    for (size_t j = 0; j < n; j++)
        yt[j] = 0.5 * (double)j;
    ck__blas_gemv_t_add(m, n, a, lda, xm, yt);
    for (size_t j = 0; j < n; j++) {
        double s = 0.5 * (double)j;
        for (size_t i = 0; i < m; i++)
            s += a[i * lda + j] * xm[i];
        CHECK_NEAR(yt[j], s, 1e-13 * (1 + fabs(s)));
    }
    /* C += Aᵀ A, lower triangle only */
    double c[23 * 23];
    for (size_t k = 0; k < n * n; k++)
        c[k] = 7.0;
    ck__blas_syrk_t_add(m, n, a, lda, c);
    for (size_t r = 0; r < n; r++)
        for (size_t k = 0; k < n; k++) {
            if (k > r) {
                CHECK(c[r * n + k] == 7.0);
                continue;
            }
            double s = 7.0;
            for (size_t i = 0; i < m; i++)
                s += a[i * lda + r] * a[i * lda + k];
            CHECK_NEAR(c[r * n + k], s, 1e-12 * (1 + fabs(s)));
        }
    /* Cholesky solve of an SPD system: I + AᵀA */
    double spd[23 * 23], b[23], sol[23];
    for (size_t r = 0; r < n; r++)
        for (size_t k = 0; k < n; k++) {
            double s = r == k ? 1.0 : 0.0;
            for (size_t i = 0; i < m; i++)
                s += a[i * lda + r] * a[i * lda + k];
            spd[r * n + k] = want[r * n + k] = s;
        }
    for (size_t r = 0; r < n; r++)
        b[r] = sol[r] = normal();
    CHECK_EQ_INT(ck__blas_cholesky_solve(n, spd, sol), 0);
    for (size_t r = 0; r < n; r++) {
        double s = 0;
        for (size_t k = 0; k < n; k++)
            s += want[r * n + k] * sol[k];
        CHECK_NEAR(s, b[r], 1e-11);
    }
    /* not positive definite: the order of the failing minor */
    double bad[4] = { 1, 2, 2, 1 }, rhs[2] = { 1, 1 };
    CHECK_EQ_INT(ck__blas_cholesky_solve(2, bad, rhs), 2);
    /* dot, axpy */
    double s = 0;
    for (size_t k = 0; k < n; k++)
        s += x[k] * yt[k];
    CHECK_NEAR(ck__blas_dot(n, x, yt), s, 1e-13 * (1 + fabs(s)));
    double before[23];
    memcpy(before, yt, sizeof before);
    ck__blas_axpy(n, -2.5, x, yt);
    for (size_t k = 0; k < n; k++)
        CHECK_NEAR(yt[k], before[k] - 2.5 * x[k], 1e-14 * (1 + fabs(yt[k])));
}

/* ---- objective, gradient, Hessian against naive loops ---------------------------------- */

static void test_logreg__objective_gradient_hessian_equal_naive_loops(void)
{
    ck_error err = { 0 };
    ck_dataset *d = make_table(CATEGORICAL, 2000, 11);
    ck_logreg *m = NULL;
    double *x = NULL;
    if (d == NULL)
        return;
    CHECK_OK(ck__logreg_new(&m, ck_dataset_schema(d), &err));
    CHECK_OK(ck__logreg_fit_prep(m, d, 0.0, 2, &err));
    x = whole_design(m, d);
    size_t n = ck_dataset_n_rows(d), p = m->n_columns;
    const float *y = ck_dataset_labels(d);
    double C = 0.7, pos_weight = 2.5;
    double *beta = calloc(p, sizeof *beta), *g = calloc(p, sizeof *g), *z = calloc(n, sizeof *z);
    double *h = calloc(p * p, sizeof *h), *hn = calloc(p * p, sizeof *hn),
           *gn = calloc(p, sizeof *gn);
    rng_state = 3;
    for (size_t k = 0; k < p; k++)
        beta[k] = normal() * 0.7;
    double fn = 0;
    for (size_t k = 0; k < p; k++)
        fn += 0.5 * beta[k] * beta[k];
    for (size_t i = 0; i < n; i++) {
        double zi = 0;
        for (size_t k = 0; k < p; k++)
            zi += x[i * p + k] * beta[k];
        double w = y[i] > 0.5f ? pos_weight : 1.0, sigma = 1.0 / (1.0 + exp(-zi));
        fn += C * w * (log(1.0 + exp(zi)) - y[i] * zi);
        for (size_t k = 0; k < p; k++) {
            gn[k] += C * w * (sigma - y[i]) * x[i * p + k];
            for (size_t l = 0; l < p; l++)
                hn[k * p + l] += C * w * sigma * (1 - sigma) * x[i * p + k] * x[i * p + l];
        }
    }
    for (size_t k = 0; k < p; k++) {
        gn[k] += beta[k];
        hn[k * p + k] += 1.0;
    }
    for (int threads = 1; threads <= 3; threads++) {
        ck__lr_problem pb;
        CHECK_OK(ck__lr_problem_init(&pb, m, d, C, pos_weight, threads, &err));
        double f = ck__lr_eval(&pb, beta, g, z);
        CHECK_NEAR(f, fn, 1e-12 * fn);
        CHECK(max_abs_diff(g, gn, p) <= 1e-10);
        CHECK_OK(ck__lr_hessian(&pb, z, 1, h, &err));
        CHECK(max_abs_diff(h, hn, p * p) <= 1e-10);
        /* the loss alone: f without the penalty, over C */
        double penalty = 0;
        for (size_t k = 0; k < p; k++)
            penalty += 0.5 * beta[k] * beta[k];
        CHECK_NEAR(C * ck__lr_loss(&pb, beta, NULL) + penalty, fn, 1e-12 * fn);
        ck__lr_problem_free(&pb);
    }
    free(beta);
    free(g);
    free(z);
    free(h);
    free(hn);
    free(gn);
    free(x);
    ck_logreg_free(m);
    ck_dataset_free(d);
}

/* The subsampled Hessian is every k-th block of 256 rows, scaled to all rows. */
static void test_logreg__subsampled_hessian(void)
{
    ck_error err = { 0 };
    ck_dataset *d = make_table(DENSE, 3000, 12);
    ck_logreg *m = NULL;
    double *x = NULL;
    if (d == NULL)
        return;
    CHECK_OK(ck__logreg_new(&m, ck_dataset_schema(d), &err));
    CHECK_OK(ck__logreg_fit_prep(m, d, 0.0, 1, &err));
    x = whole_design(m, d);
    size_t n = ck_dataset_n_rows(d), p = m->n_columns;
    double *z = calloc(n, sizeof *z), *h = calloc(p * p, sizeof *h), *hn = calloc(p * p, 8);
    for (size_t i = 0; i < n; i++)
        z[i] = 0.3 * (double)(i % 7) - 1.0;
    size_t sampled = 0;
    for (size_t i = 0; i < n; i++) {
        if ((i / 256) % 3 != 0)
            continue;
        sampled++;
        double s = 1.0 / (1.0 + exp(-z[i]));
        for (size_t k = 0; k < p; k++)
            for (size_t l = 0; l < p; l++)
                hn[k * p + l] += s * (1 - s) * x[i * p + k] * x[i * p + l];
    }
    for (size_t k = 0; k < p * p; k++)
        hn[k] *= 2.0 * (double)n / (double)sampled;
    for (size_t k = 0; k < p; k++)
        hn[k * p + k] += 1.0;
    ck__lr_problem pb;
    CHECK_OK(ck__lr_problem_init(&pb, m, d, 2.0, 1.0, 2, &err));
    CHECK_OK(ck__lr_hessian(&pb, z, 3, h, &err));
    CHECK(max_abs_diff(h, hn, p * p) <= 1e-9);
    ck__lr_problem_free(&pb);
    free(z);
    free(h);
    free(hn);
    free(x);
    ck_logreg_free(m);
    ck_dataset_free(d);
}

/* ---- preprocessing ------------------------------------------------------------------- */

static int compare_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static void test_logreg__preprocessing_learned_on_the_training_rows(void)
{
    ck_error err = { 0 };
    ck_dataset *d = make_table(CATEGORICAL, 1500, 13);
    if (d == NULL)
        return;
    ck_logreg *m = NULL;
    double clip = 0.05;
    CHECK_OK(ck__logreg_new(&m, ck_dataset_schema(d), &err));
    CHECK_OK(ck__logreg_fit_prep(m, d, clip, 3, &err));
    size_t n = ck_dataset_n_rows(d);
    float *v = malloc(n * sizeof *v);
    for (size_t j = 0; j < 4; j++) {
        const ck_logreg_feature *f = ck_logreg_feature_at(m, j);
        const float *x = ck_dataset_column(d, j);
        size_t present = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]))
                v[present++] = x[i];
        CHECK_EQ_INT(f->has_missing, present < n);
        /* quantiles by sorting, Hyndman & Fan's definition 7 */
        qsort(v, present, sizeof *v, compare_float);
        double q[2] = { clip, 1 - clip }, bound[2];
        for (int s = 0; s < 2; s++) {
            double hq = q[s] * (double)(present - 1);
            size_t lo = (size_t)hq;
            bound[s] = v[lo] + (hq - (double)lo) * ((double)v[lo + 1] - v[lo]);
        }
        CHECK(f->clipped);
        CHECK_NEAR(f->clip_low, bound[0], 1e-9 * fabs(bound[0]));
        CHECK_NEAR(f->clip_high, bound[1], 1e-9 * fabs(bound[1]));
        double sum = 0, squares = 0;
        for (size_t i = 0; i < present; i++)
            sum += fmin(fmax(v[i], f->clip_low), f->clip_high);
        double mean = sum / (double)present;
        for (size_t i = 0; i < present; i++) {
            double dev = fmin(fmax(v[i], f->clip_low), f->clip_high) - mean;
            squares += dev * dev;
        }
        CHECK_NEAR(f->center, mean, 1e-9 * (1 + fabs(mean)));
        CHECK_NEAR(f->scale, sqrt(squares / (double)present), 1e-9 * f->scale);
    }
    const ck_logreg_feature *c0 = ck_logreg_feature_at(m, 4), *c1 = ck_logreg_feature_at(m, 5);
    CHECK(c0->categorical && c0->has_missing && c0->n_levels == 5);
    CHECK(c1->categorical && !c1->has_missing && c1->n_levels == 3);
    /* columns: x0 + ind, x1, x2 + ind, x3 + ind, c0 5 levels + ind, c1 3 levels, bias */
    CHECK_EQ_INT(m->n_columns, 2 + 1 + 2 + 2 + 6 + 3 + 1);

    /* the design row of a few rows, by hand */
    double *x = whole_design(m, d);
    size_t p = m->n_columns;
    for (size_t i = 0; x && i < 50; i++) {
        const double *row = x + i * p;
        float x0 = ck_dataset_column(d, 0)[i], c0v = ck_dataset_column(d, 4)[i];
        const ck_logreg_feature *f0 = ck_logreg_feature_at(m, 0);
        if (isnan(x0)) {
            CHECK(row[0] == 0 && row[1] == 1);
        } else {
            double clipped = fmin(fmax(x0, f0->clip_low), f0->clip_high);
            CHECK(same_bits(row[0], (clipped - f0->center) / f0->scale) && row[1] == 0);
        }
        size_t c0col = m->column[4];
        for (size_t l = 0; l < 5; l++)
            CHECK(row[c0col + l] == (!isnan(c0v) && (size_t)c0v == l ? 1.0 : 0.0));
        CHECK(row[c0col + 5] == (isnan(c0v) ? 1.0 : 0.0));
        CHECK(row[p - 1] == 1.0);
    }
    free(x);
    free(v);
    ck_logreg_free(m);
    ck_dataset_free(d);
}

/* ---- solvers against LIBLINEAR -------------------------------------------------------- */

static void compare_solvers(kind k, size_t n, double C, uint64_t seed)
{
    ck_dataset *d = make_table(k, n, seed);
    if (d == NULL)
        return;
    ck_logreg_report ref_r, newton_r, lbfgs_r;
    /* LIBLINEAR at a tight tolerance is the reference optimum */
    ck_logreg *ref = train_with(d, CK_LOGREG_LIBLINEAR, C, 1e-10, 1, &ref_r);
    ck_logreg *newton = train_with(d, CK_LOGREG_NEWTON, C, 1e-7, 2, &newton_r);
    ck_logreg *lbfgs = train_with(d, CK_LOGREG_LBFGS, C, 1e-7, 2, &lbfgs_r);
    if (ref && newton && lbfgs) {
        double *b_ref = beta_of(ref), *b_newton = beta_of(newton), *b_lbfgs = beta_of(lbfgs);
        size_t p = ref->n_columns;
        double f = ref_r.objective;
        bool ok =
            fabs(newton_r.objective - f) <= 1e-6 * f && fabs(lbfgs_r.objective - f) <= 1e-6 * f &&
            max_abs_diff(b_newton, b_ref, p) <= 1e-4 && max_abs_diff(b_lbfgs, b_ref, p) <= 1e-4 &&
            newton_r.converged && lbfgs_r.converged && ref_r.converged;
        CHECK(ok);
        printf("%-11s C=%-6g relative objective gap newton %.1e lbfgs %.1e, largest coefficient "
               "difference %.1e %.1e\n",
               kind_names[k], C, (newton_r.objective - f) / f, (lbfgs_r.objective - f) / f,
               max_abs_diff(b_newton, b_ref, p), max_abs_diff(b_lbfgs, b_ref, p));
        if (!ok)
            fprintf(stderr,
                    "  %s C=%g: objective liblinear %.12g newton %.12g lbfgs %.12g; coef diff "
                    "newton %.3g lbfgs %.3g; iterations %d %d %d\n",
                    kind_names[k], C, f, newton_r.objective, lbfgs_r.objective,
                    max_abs_diff(b_newton, b_ref, p), max_abs_diff(b_lbfgs, b_ref, p),
                    ref_r.iterations, newton_r.iterations, lbfgs_r.iterations);
        /* and never better than the optimum by more than rounding */
        CHECK(newton_r.objective >= f * (1 - 1e-12) && lbfgs_r.objective >= f * (1 - 1e-12));
        free(b_ref);
        free(b_newton);
        free(b_lbfgs);
    }
    ck_logreg_free(ref);
    ck_logreg_free(newton);
    ck_logreg_free(lbfgs);
    ck_dataset_free(d);
}

static void test_logreg__newton_and_lbfgs_reach_liblinear(void)
{
    compare_solvers(DENSE, 3000, 1.0, 21);
    compare_solvers(DENSE, 3000, 0.01, 22);
    compare_solvers(MISSING, 3000, 1.0, 23);
    compare_solvers(CATEGORICAL, 4000, 1.0, 24);
    compare_solvers(CATEGORICAL, 4000, 100.0, 25);
    compare_solvers(IMBALANCED, 6000, 1.0, 26);
    compare_solvers(SEPARABLE, 800, 1.0, 27);
    compare_solvers(SEPARABLE, 800, 1000.0, 28);
    /* enough rows (over twice 50000) for newton's subsampled Hessians */
    compare_solvers(MISSING, 120000, 1.0, 29);
}

/* pos_weight is LIBLINEAR's class weight of the churned class */
static void test_logreg__pos_weight_matches_liblinear_class_weight(void)
{
    ck_error err = { 0 };
    ck_dataset *d = make_table(IMBALANCED, 4000, 31);
    if (d == NULL)
        return;
    ck_logreg_params p = CK_LOGREG_PARAMS_INIT;
    p.pos_weight = 6.0;
    p.tol = 1e-10;
    ck_logreg_report r_ref, r_newton;
    ck_logreg *ref = NULL, *newton = NULL;
    p.solver = CK_LOGREG_LIBLINEAR;
    CHECK_OK(ck_logreg_train(&ref, d, NULL, &p, &r_ref, NULL, NULL, &err));
    p.solver = CK_LOGREG_NEWTON;
    p.tol = 1e-8;
    CHECK_OK(ck_logreg_train(&newton, d, NULL, &p, &r_newton, NULL, NULL, &err));
    if (ref && newton) {
        double *a = beta_of(ref), *b = beta_of(newton);
        CHECK_NEAR(r_newton.objective, r_ref.objective, 1e-6 * r_ref.objective);
        CHECK(max_abs_diff(a, b, ref->n_columns) <= 1e-4);
        free(a);
        free(b);
    }
    ck_logreg_free(ref);
    ck_logreg_free(newton);
    ck_dataset_free(d);
}

/* Separable data: the penalty keeps the coefficients finite, and nothing overflows even
 * at a large C, where the margins are large. */
static void test_logreg__separable_data_stays_finite(void)
{
    ck_dataset *d = make_table(SEPARABLE, 1000, 41);
    if (d == NULL)
        return;
    for (int s = 0; s < 3; s++) {
        ck_logreg_report r;
        ck_logreg *m = train_with(d, (ck_logreg_solver)s, 1e6, 1e-6, 2, &r);
        if (m == NULL)
            continue;
        CHECK(isfinite(r.objective) && isfinite(r.train_logloss));
        CHECK(r.train_auc == 1.0);
        double *b = beta_of(m);
        for (size_t k = 0; k < m->n_columns; k++)
            CHECK(isfinite(b[k]));
        free(b);
        size_t n = ck_dataset_n_rows(d);
        double *prob = malloc(n * sizeof *prob);
        ck_error err = { 0 };
        CHECK_OK(ck_logreg_predict(m, d, prob, 2, &err));
        for (size_t i = 0; i < n; i++)
            CHECK(prob[i] >= 0 && prob[i] <= 1);
        free(prob);
        ck_logreg_free(m);
    }
    ck_dataset_free(d);
}

/* An l1 fit (LIBLINEAR -s 6) satisfies the optimality conditions of the l1 objective:
 * |C ∂L/∂β_k| <= 1 where β_k = 0, C ∂L/∂β_k = −sign(β_k) elsewhere; and small C zeroes
 * coefficients. */
static void test_logreg__l1_fit_is_optimal_and_sparse(void)
{
    ck_error err = { 0 };
    ck_dataset *d = make_table(CATEGORICAL, 3000, 51);
    if (d == NULL)
        return;
    ck_logreg_params p = CK_LOGREG_PARAMS_INIT;
    p.solver = CK_LOGREG_LIBLINEAR;
    p.penalty = CK_LOGREG_L1;
    p.C = 0.002;
    p.tol = 1e-8;
    ck_logreg_report r;
    ck_logreg *m = NULL;
    CHECK_OK(ck_logreg_train(&m, d, NULL, &p, &r, NULL, NULL, &err));
    if (m != NULL) {
        size_t p_cols = m->n_columns, zeros = 0;
        double *beta = beta_of(m), *g = calloc(p_cols, sizeof *g);
        ck__lr_problem pb;
        CHECK_OK(ck__lr_problem_init(&pb, m, d, p.C, 1.0, 1, &err));
        ck__lr_eval(&pb, beta, g, NULL); /* C ∂L + β */
        for (size_t k = 0; k < p_cols; k++) {
            double dl = g[k] - beta[k];
            if (beta[k] == 0) {
                zeros++;
                CHECK(fabs(dl) <= 1 + 1e-3);
            } else {
                CHECK_NEAR(dl, beta[k] > 0 ? -1.0 : 1.0, 1e-3);
            }
        }
        CHECK(zeros >= 3);
        CHECK(isnan(r.grad_norm));
        double l1 = 0;
        for (size_t k = 0; k < p_cols; k++)
            l1 += fabs(beta[k]);
        CHECK_NEAR(r.objective, p.C * ck__lr_loss(&pb, beta, NULL) + l1, 1e-9 * r.objective);
        ck__lr_problem_free(&pb);
        free(g);
        free(beta);
    }
    ck_logreg_free(m);
    ck_dataset_free(d);
}

/* ---- the model ----------------------------------------------------------------------- */

/* Contributions sum to the logit, each is what logreg.h says, and the dataset scorer
 * gives the same bits as the row scorer. */
static void test_logreg__contributions_sum_to_the_logit(void)
{
    ck_error err = { 0 };
    ck_dataset *d = make_table(CATEGORICAL, 2000, 61);
    if (d == NULL)
        return;
    ck_logreg_params p = CK_LOGREG_PARAMS_INIT;
    p.clip = 0.02;
    ck_logreg_report report;
    ck_logreg *m = NULL;
    CHECK_OK(ck_logreg_train(&m, d, NULL, &p, &report, NULL, NULL, &err));
    if (m == NULL) {
        ck_dataset_free(d);
        return;
    }
    size_t n = ck_dataset_n_rows(d);
    double *prob = malloc(n * sizeof *prob);
    CHECK_OK(ck_logreg_predict(m, d, prob, 3, &err));
    /* the report's train metrics, from the solver's logits, are the model's scores' */
    double auc;
    CHECK_OK(ck_metrics_auc(&auc, prob, ck_dataset_labels(d), NULL, n, &err));
    CHECK_NEAR(report.train_logloss, ck_metrics_logloss(prob, ck_dataset_labels(d), NULL, n),
               1e-12);
    CHECK_NEAR(report.train_auc, auc, 1e-12);
    float rows[4][6] = {
        { 0.5f, 40, -3, 1e5f, 1, 2 },     /* ordinary */
        { NAN, 40, NAN, NAN, NAN, 0 },    /* missing where indicators exist */
        { 1e30f, -1e30f, 7, 1e5f, 5, 2 }, /* beyond the clip bounds; unseen level */
        { 0, NAN, 0, 0, 2, 1 },           /* x1 missing: no indicator (none missing) */
    };
    for (int r = 0; r < 4; r++) {
        double contrib[6], base, sum;
        ck_logreg_contributions(m, rows[r], contrib, &base);
        sum = base;
        for (int j = 0; j < 6; j++)
            sum += contrib[j];
        CHECK(same_bits(sum, ck_logreg_logit_row(m, rows[r])));
        CHECK(same_bits(base, ck_logreg_intercept(m, false)));
        for (int j = 0; j < 4; j++) {
            const ck_logreg_feature *f = ck_logreg_feature_at(m, (size_t)j);
            double want = isnan(rows[r][j])
                              ? f->missing_coef
                              : f->coef_original *
                                    (fmin(fmax(rows[r][j], f->clip_low), f->clip_high) - f->center);
            CHECK_NEAR(contrib[j], want, 1e-12 * (1 + fabs(want)));
        }
        const ck_logreg_feature *c0 = ck_logreg_feature_at(m, 4);
        double want_c0 = isnan(rows[r][4]) ? c0->missing_coef
                         : rows[r][4] >= 5 ? 0.0
                                           : c0->level_coefs[(size_t)rows[r][4]];
        CHECK(same_bits(contrib[4], want_c0));
    }
    CHECK(ck_logreg_feature_at(m, 1)->missing_coef == 0 &&
          !ck_logreg_feature_at(m, 1)->has_missing);
    /* the original-scale intercept and coefficients give the same logit on present,
     * clipped numeric values */
    double logit = ck_logreg_intercept(m, true);
    for (int j = 0; j < 4; j++) {
        const ck_logreg_feature *f = ck_logreg_feature_at(m, (size_t)j);
        logit += f->coef_original * fmin(fmax(rows[0][j], f->clip_low), f->clip_high);
        CHECK(same_bits(f->coef_original, f->coef / f->scale));
    }
    logit +=
        ck_logreg_feature_at(m, 4)->level_coefs[1] + ck_logreg_feature_at(m, 5)->level_coefs[2];
    CHECK_NEAR(logit, ck_logreg_logit_row(m, rows[0]), 1e-9);
    /* the dataset scorer, row by row */
    size_t differ = 0;
    for (size_t i = 0; i < n; i++) {
        float row[6];
        for (size_t j = 0; j < 6; j++)
            row[j] = ck_dataset_column(d, j)[i];
        double z = ck_logreg_logit_row(m, row);
        double want = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
        differ += !same_bits(prob[i], want);
    }
    CHECK_EQ_INT(differ, 0);
    free(prob);
    ck_logreg_free(m);
    ck_dataset_free(d);
}

/* The same model, bit for bit, for any thread count, for each solver. */
/* The summary's largest coefficients: the k largest |coef| of the whole design. */
static int by_size_desc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a < b) - (a > b);
}

static void test_logreg__top_terms_are_the_largest(void)
{
    ck_error err = { 0 };
    ck_dataset *d = make_table(CATEGORICAL, 2000, 62);
    if (d == NULL)
        return;
    ck_logreg_params p = CK_LOGREG_PARAMS_INIT;
    ck_logreg_report report;
    ck_logreg *m = NULL;
    CHECK_OK(ck_logreg_train(&m, d, NULL, &p, &report, NULL, NULL, &err));
    if (m != NULL) {
        /* every design coefficient but the bias, by brute force */
        double sizes[256];
        size_t n = 0;
        for (size_t j = 0; j < ck_schema_n_features(ck_logreg_schema(m)); j++) {
            const ck_logreg_feature *f = ck_logreg_feature_at(m, j);
            for (size_t l = 0; f->categorical && l < f->n_levels && n < 256; l++)
                sizes[n++] = fabs(f->level_coefs[l]);
            if (!f->categorical && n < 256)
                sizes[n++] = fabs(f->coef);
            if (f->has_missing && n < 256)
                sizes[n++] = fabs(f->missing_coef);
        }
        CHECK_EQ_INT(n, report.n_columns - 1);
        qsort(sizes, n, sizeof *sizes, by_size_desc);
        ck_logreg_term top[8];
        size_t k = 0;
        CHECK_OK(ck_logreg_top_terms(m, 8, top, &k, &err));
        CHECK_EQ_INT(k, n < 8 ? n : 8);
        for (size_t i = 0; i < k; i++) {
            CHECK_NEAR(fabs(top[i].coef), sizes[i], 0);
            const ck_logreg_feature *f = ck_logreg_feature_at(m, top[i].feature);
            double stored = top[i].level >= 0    ? f->level_coefs[top[i].level]
                            : top[i].level == -2 ? f->missing_coef
                                                 : f->coef;
            CHECK_NEAR(top[i].coef, stored, 0);
        }
    }
    ck_logreg_free(m);
    ck_dataset_free(d);
}

static void test_logreg__identical_for_any_thread_count(void)
{
    ck_dataset *d = make_table(CATEGORICAL, 9000, 71);
    if (d == NULL)
        return;
    for (int s = 0; s < 3; s++) {
        ck_logreg_report r1, r;
        ck_logreg *m1 = train_with(d, (ck_logreg_solver)s, 0.5, 1e-6, 1, &r1);
        double *b1 = m1 ? beta_of(m1) : NULL;
        for (int threads = 2; b1 && threads <= 4; threads++) {
            ck_logreg *m = train_with(d, (ck_logreg_solver)s, 0.5, 1e-6, threads, &r);
            if (m == NULL)
                continue;
            double *b = beta_of(m);
            CHECK(memcmp(b, b1, m->n_columns * sizeof *b) == 0);
            CHECK(same_bits(r.objective, r1.objective) && r.iterations == r1.iterations);
            free(b);
            ck_logreg_free(m);
        }
        free(b1);
        ck_logreg_free(m1);
    }
    ck_dataset_free(d);
}

/* More than 1024 design columns (a categorical of 1100 levels): lbfgs preconditions by
 * the diagonal of the Hessian at 0 instead of the whole matrix. It converges, its gradient
 * recomputed at the coefficients it returns is below the tolerance, and its coefficients
 * are the same bits on 1 and 3 threads. */
static void test_logreg__lbfgs_wide_table(void)
{
    const char *path = TMP "wide.csv";
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    rng_state = 101;
    fputs("x0,c,y\n", f);
    for (size_t i = 0; i < 6600; i++) {
        double x0 = normal();
        int level = (int)(uniform() * 1100);
        double logit = -0.5 + 0.8 * x0 + (level % 7 == 0 ? 1.0 : level % 5 == 0 ? -1.0 : 0);
        fprintf(f, "%.9g,L%04d,%d\n", x0, level, uniform() < 1.0 / (1.0 + exp(-logit)));
    }
    fclose(f);
    ck_error err = { 0 };
    ck_dataset *d = NULL;
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.label = "y";
    CHECK_OK(ck_dataset_read_table(&d, path, &opts, &err));
    if (d == NULL)
        return;
    ck_logreg_report r1, r3;
    ck_logreg *m1 = train_with(d, CK_LOGREG_LBFGS, 1.0, 1e-7, 1, &r1);
    ck_logreg *m3 = train_with(d, CK_LOGREG_LBFGS, 1.0, 1e-7, 3, &r3);
    if (m1 != NULL && m3 != NULL) {
        size_t p = m1->n_columns;
        CHECK(p > 1024);
        CHECK(r1.converged && r1.grad_norm <= 1e-7);
        double *b1 = beta_of(m1), *b3 = beta_of(m3);
        CHECK(memcmp(b1, b3, p * sizeof *b1) == 0 && r1.iterations == r3.iterations);
        ck__lr_problem pb;
        CHECK_OK(ck__lr_problem_init(&pb, m1, d, 1.0, 1.0, 2, &err));
        double *g = calloc(p, sizeof *g), *zero = calloc(p, sizeof *zero);
        ck__lr_eval(&pb, zero, g, NULL);
        double g0 = ck__lr_norm(g, p);
        ck__lr_eval(&pb, b1, g, NULL);
        CHECK(ck__lr_norm(g, p) <= 1e-7 * g0);
        printf("wide table: %zu columns, lbfgs %d iterations, gradient %.2g of its start\n", p,
               r1.iterations, ck__lr_norm(g, p) / g0);
        ck__lr_problem_free(&pb);
        free(g);
        free(zero);
        free(b1);
        free(b3);
    }
    ck_logreg_free(m1);
    ck_logreg_free(m3);
    ck_dataset_free(d);
}

/* An iteration limit that is too low: a warning in the report, and the fit kept. */
static void test_logreg__non_convergence_is_reported(void)
{
    ck_error err = { 0 };
    ck_dataset *d = make_table(MISSING, 2000, 81);
    if (d == NULL)
        return;
    ck_logreg_params p = CK_LOGREG_PARAMS_INIT;
    ck_logreg_report r;
    ck_logreg *m = NULL;
    p.max_iter = 1;
    CHECK_OK(ck_logreg_train(&m, d, NULL, &p, &r, NULL, NULL, &err));
    CHECK(m != NULL && !r.converged && r.iterations == 1);
    const char *prefix = "newton did not converge in 1 iterations (gradient ";
    CHECK(strncmp(r.warning, prefix, strlen(prefix)) == 0);
    CHECK(strstr(r.warning, ", tol 1e-07)") != NULL);
    ck_logreg_free(m);
    p.solver = CK_LOGREG_LBFGS;
    p.max_iter = 3;
    CHECK_OK(ck_logreg_train(&m, d, NULL, &p, &r, NULL, NULL, &err));
    CHECK(m != NULL && !r.converged && r.iterations == 3);
    prefix = "lbfgs did not converge in 3 iterations (gradient ";
    CHECK(strncmp(r.warning, prefix, strlen(prefix)) == 0);
    ck_logreg_free(m);
    /* converged: no warning */
    p.max_iter = 0;
    CHECK_OK(ck_logreg_train(&m, d, NULL, &p, &r, NULL, NULL, &err));
    CHECK(r.converged && r.warning[0] == '\0' && r.grad_norm <= 1e-7);
    ck_logreg_free(m);
    ck_dataset_free(d);
}

/* Cross-validation: the curve equals separate trainings on each fold's rows scored on
 * the held-out rows, and the C picked is its minimum. */
static void test_logreg__cv_picks_the_lowest_fold_logloss(void)
{
    ck_error err = { 0 };
    ck_dataset *d = make_table(CATEGORICAL, 1500, 91);
    if (d == NULL)
        return;
    ck_logreg_params p = CK_LOGREG_PARAMS_INIT;
    p.cv_folds = 4;
    p.n_grid = 5;
    const double grid[5] = { 1e-4, 1e-3, 0.01, 1, 1000 };
    memcpy(p.grid, grid, sizeof grid);
    p.pos_weight = 1.5;
    p.seed = 7;
    ck_logreg_report r;
    ck_logreg *m = NULL;
    CHECK_OK(ck_logreg_train(&m, d, NULL, &p, &r, NULL, NULL, &err));
    size_t n = ck_dataset_n_rows(d);
    const float *y = ck_dataset_labels(d);
    uint8_t *fold = malloc(n), *mask = malloc(n);
    CHECK_OK(ck__logreg_folds(fold, y, n, 4, 7));
    /* stratified: each fold holds a quarter of the churners, give or take one */
    size_t pos = 0, fold_pos[4] = { 0 };
    for (size_t i = 0; i < n; i++) {
        pos += y[i] > 0.5f;
        fold_pos[fold[i]] += y[i] > 0.5f;
    }
    for (int k = 0; k < 4; k++)
        CHECK(fold_pos[k] * 4 + 4 >= pos && fold_pos[k] * 4 <= pos + 4);
    double direct[5];
    size_t best = 0;
    for (size_t g = 0; g < 5; g++) {
        double loss = 0, weight = 0;
        for (int k = 0; k < 4; k++) {
            for (size_t i = 0; i < n; i++)
                mask[i] = fold[i] == k;
            ck_dataset *fit = NULL, *held = NULL;
            CHECK_OK(ck_dataset_split(d, mask, &fit, &held, &err));
            ck_logreg_params q = CK_LOGREG_PARAMS_INIT;
            q.C = grid[g];
            q.pos_weight = 1.5;
            ck_logreg *fm = NULL;
            CHECK_OK(ck_logreg_train(&fm, fit, NULL, &q, NULL, NULL, NULL, &err));
            size_t nh = ck_dataset_n_rows(held);
            double *prob = malloc(nh * sizeof *prob);
            CHECK_OK(ck_logreg_predict(fm, held, prob, 1, &err));
            const float *yh = ck_dataset_labels(held);
            for (size_t i = 0; i < nh; i++) {
                double w = yh[i] > 0.5f ? 1.5 : 1.0, q1 = fmin(fmax(prob[i], 1e-15), 1 - 1e-15);
                loss -= w * (yh[i] > 0.5f ? log(q1) : log(1 - q1));
                weight += w;
            }
            free(prob);
            ck_logreg_free(fm);
            ck_dataset_free(fit);
            ck_dataset_free(held);
        }
        direct[g] = loss / weight;
        best = direct[g] < direct[best] ? g : best;
    }
    CHECK_EQ_INT(r.n_cv, 5);
    for (size_t g = 0; g < 5; g++) {
        CHECK(same_bits(r.cv_C[g], grid[g]));
        CHECK_NEAR(r.cv_logloss[g], direct[g], 1e-9);
    }
    CHECK(same_bits(r.C, grid[best]));
    /* neither end of this grid: too little and too much penalty both lose */
    CHECK(best != 0 && best != 4);
    /* the final model is the fit on every row at the best C */
    ck_logreg_report r2;
    p.cv_folds = 0;
    p.C = grid[best];
    ck_logreg *refit = NULL;
    CHECK_OK(ck_logreg_train(&refit, d, NULL, &p, &r2, NULL, NULL, &err));
    if (m && refit) {
        double *a = beta_of(m), *b = beta_of(refit);
        CHECK(memcmp(a, b, m->n_columns * sizeof *a) == 0);
        free(a);
        free(b);
    }
    ck_logreg_free(refit);
    free(fold);
    free(mask);
    ck_logreg_free(m);
    ck_dataset_free(d);
}

static void check_train_fails(const ck_dataset *d, const ck_logreg_params *p, const char *msg)
{
    ck_error err = { 0 };
    ck_logreg *m = (ck_logreg *)&err;
    CHECK_EQ_INT(ck_logreg_train(&m, d, NULL, p, NULL, NULL, NULL, &err), CK_EINVAL);
    CHECK(m == NULL);
    CHECK_EQ_STR(err.msg, msg);
}

static void test_logreg__bad_parameters_refused(void)
{
    ck_dataset *d = make_table(DENSE, 200, 101);
    if (d == NULL)
        return;
    ck_logreg_params p = CK_LOGREG_PARAMS_INIT;
    p.C = 0;
    check_train_fails(d, &p, "C must be a positive number");
    p = (ck_logreg_params)CK_LOGREG_PARAMS_INIT;
    p.penalty = CK_LOGREG_L1;
    check_train_fails(d, &p, "the l1 penalty needs the liblinear solver");
    p.solver = CK_LOGREG_LBFGS;
    check_train_fails(d, &p, "the l1 penalty needs the liblinear solver");
    p = (ck_logreg_params)CK_LOGREG_PARAMS_INIT;
    p.clip = 0.5;
    check_train_fails(d, &p, "clip must be in [0, 0.5)");
    p = (ck_logreg_params)CK_LOGREG_PARAMS_INIT;
    p.tol = 0;
    check_train_fails(d, &p, "tol must be in (0, 1)");
    p = (ck_logreg_params)CK_LOGREG_PARAMS_INIT;
    p.solver = CK_LOGREG_LIBLINEAR;
    p.max_iter = 10;
    check_train_fails(
        d, &p, "max_iter must be 0 with the liblinear solver (LIBLINEAR keeps its own limit)");
    p = (ck_logreg_params)CK_LOGREG_PARAMS_INIT;
    p.cv_folds = 1;
    check_train_fails(d, &p, "cv_folds must be 0 or 2 to 100");
    p.cv_folds = 3;
    check_train_fails(d, &p, "cross-validation needs 1 to 32 C values");
    p.n_grid = 2;
    p.grid[0] = 1;
    p.grid[1] = -1;
    check_train_fails(d, &p, "every C of the grid must be a positive number");
    p = (ck_logreg_params)CK_LOGREG_PARAMS_INIT;
    p.pos_weight = NAN;
    check_train_fails(d, &p, "pos_weight must be a positive number");
    ck_dataset_free(d);

    /* one class; too few of a class for the folds */
    FILE *f = fopen(TMP "one_class.csv", "w");
    fputs("x,y\n1,0\n2,0\n3,0\n", f);
    fclose(f);
    f = fopen(TMP "two_churners.csv", "w");
    fputs("x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,0\n", f);
    fclose(f);
    ck_error err = { 0 };
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.label = "y";
    CHECK_OK(ck_dataset_read_table(&d, TMP "one_class.csv", &opts, &err));
    p = (ck_logreg_params)CK_LOGREG_PARAMS_INIT;
    check_train_fails(d, &p, "the training labels are all 0 (retained): nothing to learn");
    ck_dataset_free(d);
    CHECK_OK(ck_dataset_read_table(&d, TMP "two_churners.csv", &opts, &err));
    p.cv_folds = 3;
    p.n_grid = 1;
    p.grid[0] = 1;
    check_train_fails(d, &p, "3 folds need at least 3 rows of each class (have 2 churned)");
    ck_dataset_free(d);
}

/* ---- real tables ---------------------------------------------------------------------- */

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* At the default tolerance (1e-7), the three l2 solvers give the same probabilities within
 * 1e-4 on every row, and newton and lbfgs LIBLINEAR's objective within 1e-6 relative. */
static void check_real_table(const char *path, const char *label, const char *id,
                             const char *const *ignore, size_t n_ignore)
{
    if (!exists(path)) {
        printf("skipped: %s is absent\n", path);
        return;
    }
    ck_error err = { 0 };
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.label = label;
    opts.id = id;
    opts.ignore = ignore;
    opts.n_ignore = n_ignore;
    ck_dataset *d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, path, &opts, &err));
    if (d == NULL)
        return;
    size_t n = ck_dataset_n_rows(d);
    double *prob[3];
    double objective[3];
    for (int s = 0; s < 3; s++) {
        ck_logreg_report r;
        ck_logreg *m = train_with(d, (ck_logreg_solver)s, 1.0, 1e-7, 2, &r);
        prob[s] = calloc(n, sizeof *prob[s]);
        objective[s] = r.objective;
        if (m != NULL) {
            CHECK(r.converged);
            CHECK_OK(ck_logreg_predict(m, d, prob[s], 2, &err));
        }
        ck_logreg_free(m);
    }
    double worst = 0;
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < n; i++)
            worst = fmax(worst, fabs(prob[s][i] - prob[2][i]));
    CHECK(worst <= 1e-4);
    CHECK_NEAR(objective[0], objective[2], 1e-6 * objective[2]);
    CHECK_NEAR(objective[1], objective[2], 1e-6 * objective[2]);
    printf("%s: %zu rows, largest probability difference %.2g\n", path, n, worst);
    for (int s = 0; s < 3; s++)
        free(prob[s]);
    ck_dataset_free(d);
}

static void test_logreg__solvers_agree_on_real_tables(void)
{
    check_real_table(TELCO, "Churn", "customerID", NULL, 0);
    const char *const bank_ignore[] = { "RowNumber", "Surname" };
    check_real_table(BANK, "Exited", "CustomerId", bank_ignore, 2);
}

/* ---- lbfgs against scipy's L-BFGS-B (test_logreg --reference FILE) -------------------- */

/* FILE is a fresh run of tests/lbfgs_reference.py: a table it wrote, and scipy's L-BFGS-B
 * run on it as scikit-learn runs it (gtol 1e-4 on f / C, 10 pairs), with the optimum f*
 * from Newton's method in numpy. churnkit's lbfgs at its default tolerance (1e-7, the
 * benchmark's) must take no more iterations than scipy and end no farther from f*:
 * its gap at most scipy's, give or take 1e-12 f* for the rounding of two programs
 * summing the same objective in different orders. */
static int compare_lbfgs_reference(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    char table[512] = "", line[600];
    double C = 0, scipy_f = 0, optimum = 0;
    long columns = 0, scipy_it = 0;
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        found += sscanf(line, "table %511s", table) == 1;
        found += sscanf(line, "C %lf", &C) == 1;
        found += sscanf(line, "columns %ld", &columns) == 1;
        found += sscanf(line, "scipy_iterations %ld", &scipy_it) == 1;
        found += sscanf(line, "scipy_objective %lf", &scipy_f) == 1;
        found += sscanf(line, "optimum %lf", &optimum) == 1;
    }
    fclose(f);
    CHECK(found == 6);
    if (found != 6)
        return check_summary();
    ck_error err = { 0 };
    ck_dataset *d = NULL;
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.label = "y";
    CHECK_OK(ck_dataset_read_table(&d, table, &opts, &err));
    if (d == NULL)
        return check_summary();
    ck_logreg_report r;
    ck_logreg *m = train_with(d, CK_LOGREG_LBFGS, C, 1e-7, 2, &r);
    if (m != NULL) {
        CHECK_EQ_INT((long)m->n_columns, columns);
        double gap = r.objective - optimum, scipy_gap = scipy_f - optimum;
        printf("lbfgs %d iterations, gap %.3g (relative %.2g); scipy L-BFGS-B %ld iterations, "
               "gap %.3g (relative %.2g)\n",
               r.iterations, gap, gap / optimum, scipy_it, scipy_gap, scipy_gap / optimum);
        CHECK(r.converged);
        CHECK(r.iterations <= scipy_it);
        CHECK(gap <= scipy_gap + 1e-12 * optimum);
    }
    ck_logreg_free(m);
    ck_dataset_free(d);
    return check_summary();
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--reference") == 0)
        return compare_lbfgs_reference(argv[2]);
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_logreg__blas_kernels_equal_naive_loops);
    RUN(test_logreg__objective_gradient_hessian_equal_naive_loops);
    RUN(test_logreg__subsampled_hessian);
    RUN(test_logreg__preprocessing_learned_on_the_training_rows);
    RUN(test_logreg__newton_and_lbfgs_reach_liblinear);
    RUN(test_logreg__pos_weight_matches_liblinear_class_weight);
    RUN(test_logreg__separable_data_stays_finite);
    RUN(test_logreg__l1_fit_is_optimal_and_sparse);
    RUN(test_logreg__contributions_sum_to_the_logit);
    RUN(test_logreg__top_terms_are_the_largest);
    RUN(test_logreg__identical_for_any_thread_count);
    RUN(test_logreg__lbfgs_wide_table);
    RUN(test_logreg__non_convergence_is_reported);
    RUN(test_logreg__cv_picks_the_lowest_fold_logloss);
    RUN(test_logreg__bad_parameters_refused);
    RUN(test_logreg__solvers_agree_on_real_tables);
    return check_summary();
}

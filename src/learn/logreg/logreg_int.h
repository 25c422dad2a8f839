/*
 * The inside of logistic regression, shared by the model object and its layout
 * (logreg_model.c), its scores (logreg_score.c), its training (logreg_train.c), its
 * preprocessing (logreg_prep.c), the objective over row blocks (logreg_loss.c), the
 * solvers (logreg_newton.c, logreg_lbfgs.c, liblinear_bridge.c) and its part of the model
 * file (logreg_io.c, logreg_learner.c). Nothing outside src/learn/logreg/ includes it.
 */
#ifndef CK_LOGREG_INT_H
#define CK_LOGREG_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/logreg.h"

struct ck_logreg {
    ck_schema *schema;
    ck_logreg_feature *features; /* one per schema feature */
    double *level_coefs;         /* the storage behind every features[j].level_coefs */
    size_t *level_start;         /* features[j]'s first entry in level_coefs */
    size_t *column;              /* features[j]'s first design column */
    size_t n_columns;            /* design columns; the last is the bias */
    double intercept;            /* the bias column's coefficient */
};

/* ---- the model and its layout (logreg_model.c) ------------------------------------- */

/* A model on a copy of `schema`: no coefficients, no preprocessing (center 0, scale 1,
 * no clipping, no missing indicator), its column layout made. */
int ck__logreg_new(ck_logreg **out, const ck_schema *schema, ck_error *err);

/* Lay the design columns out again after has_missing changed: per feature its value
 * column (numeric) or level columns (categorical), then its indicator; the bias last. */
void ck__logreg_layout(ck_logreg *m);

/* Feature j's level coefficients, writable: the model owns the storage that
 * features[j].level_coefs lends out. */
double *ck__logreg_level_coefs(ck_logreg *m, size_t j);

/* Coefficients as a design vector (n_columns) and back; coef_original follows. */
void ck__logreg_get_beta(const ck_logreg *m, double *beta);
void ck__logreg_set_beta(ck_logreg *m, const double *beta);

/* z of a present numeric value: clipped, then standardised. Training and scoring both go
 * through here, so a row is transformed the same way in both. */
static inline double ck__logreg_z(const ck_logreg_feature *f, float x)
{
    double v = x;
    if (f->clipped)
        v = v < f->clip_low ? f->clip_low : v > f->clip_high ? f->clip_high : v;
    return (v - f->center) / f->scale;
}

/* Row i's weight in the objective. */
static inline double ck__logreg_row_weight(const float *row_w, const float *y, size_t i,
                                           double pos_weight)
{
    return (row_w ? row_w[i] : 1.0) * (y[i] > 0.5f ? pos_weight : 1.0);
}

/* ---- training (logreg_train.c) ---------------------------------------------------- */

/* Stratified folds: each class's rows in a random order (seeded), dealt to the folds in
 * turn, so every fold has its share of churners. fold[i] in [0, k). CK_OK or CK_ENOMEM. */
int ck__logreg_folds(uint8_t *fold, const float *y, size_t n, int k, uint64_t seed);

/* ---- preprocessing (logreg_prep.c) -------------------------------------------------- */

/* Learn the preprocessing of every feature on the rows of `d` (clip quantile `clip`, 0
 * for none) and lay out the columns. CK_OK or CK_ENOMEM. */
int ck__logreg_fit_prep(ck_logreg *m, const ck_dataset *d, double clip, int n_threads,
                        ck_error *err);

/* Rows [lo, hi) of the design matrix of `d`, row-major, n_columns doubles per row (the
 * bias last), into out. The matrix is never stored whole: every pass over the rows makes
 * its blocks again from the dataset's float columns. */
void ck__logreg_block(const ck_logreg *m, const ck_dataset *d, size_t lo, size_t hi, double *out);

/* ---- the objective over row blocks (logreg_loss.c) ---------------------------------- */

/* Design rows made at a time. 256 rows of ~100 columns are 200 KiB: a block stays in L2
 * from its making to its last BLAS call, and dsyrk runs as fast with it as with larger
 * blocks (measured, OpenBLAS 0.3.21). */
#define CK__LR_BLOCK_ROWS 256

typedef struct ck__lr_problem {
    size_t n, p;          /* rows; design columns, the bias last */
    const ck_logreg *m;   /* the preprocessing that makes the design rows */
    const ck_dataset *d;  /* their data */
    const float *y;       /* labels 0/1 */
    const float *row_w;   /* row weights, NULL for 1 */
    double pos_weight, C; /* the objective's */
    int n_threads;
    /* row blocks, grouped into chunks whose partial sums are added in chunk order */
    size_t n_blocks, n_chunks;
    double *chunk_sums; /* n_chunks × (1 + p): loss, gradient */
    double *chunk_hess; /* n_chunks × p × p, made by the first Hessian */
    double *blocks;     /* n_chunks × one block of design rows: each chunk's scratch */
} ck__lr_problem;

/* A problem over the design rows m makes of d (both borrowed), with scratch for its
 * passes. CK_OK or CK_ENOMEM. */
int ck__lr_problem_init(ck__lr_problem *pb, const ck_logreg *m, const ck_dataset *d, double C,
                        double pos_weight, int n_threads, ck_error *err);
void ck__lr_problem_free(ck__lr_problem *pb);

/* f(β) with the l2 penalty; its gradient into grad (p) and Xβ into z (n), each when not
 * NULL. The sums run over fixed row blocks in a fixed order: the same bits for any
 * thread count. */
double ck__lr_eval(ck__lr_problem *pb, const double *beta, double *grad, double *z);

/* The Hessian of f at the point whose Xβ is z: I + C Xᵀ D X, D = diag(wᵢ σᵢ (1 − σᵢ)),
 * into h (p × p, full). With stride k > 1, only every k-th row block enters, scaled by
 * the ratio of rows (a subsampled Hessian). CK_OK or CK_ENOMEM. */
int ck__lr_hessian(ck__lr_problem *pb, const double *z, size_t stride, double *h, ck_error *err);

/* The weighted log-likelihood loss Σ wᵢ ℓ(zᵢ, yᵢ) alone, for l1 objectives; Xβ into z
 * when not NULL. */
double ck__lr_loss(ck__lr_problem *pb, const double *beta, double *z);

/* ---- solvers (logreg_newton.c, logreg_lbfgs.c, liblinear_bridge.c) ------------------- */

/* Each starts from β = 0, writes the solution into beta (p), its logits Xβ into z (n; may
 * be NULL), and fills r->iterations, objective, grad_norm, converged and warning. CK_OK
 * (converged or not), CK_ENOMEM, or CK_EINVAL (liblinear: row weights; LIBLINEAR's own
 * parameter check). */
int ck__lr_newton(double *beta, double *z, ck__lr_problem *pb, double tol, int max_iter,
                  ck_logreg_report *r, ck_error *err);
int ck__lr_lbfgs(double *beta, double *z, ck__lr_problem *pb, double tol, int max_iter,
                 ck_logreg_report *r, ck_error *err);
int ck__lr_liblinear(double *beta, double *z, ck__lr_problem *pb, ck_logreg_penalty penalty,
                     double tol, ck_logreg_report *r, ck_error *err);

/* ‖v‖₂, summed in index order. */
static inline double ck__lr_norm(const double *v, size_t n)
{
    double s = 0;
    for (size_t k = 0; k < n; k++)
        s += v[k] * v[k];
    return sqrt(s);
}

#endif

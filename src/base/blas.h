/*
 * The BLAS and LAPACK kernels churnkit uses, behind small functions of its own, so that
 * blas.c is the only file that includes <cblas.h> or declares a LAPACK routine (STYLE
 * 2.1). Matrices are row-major, sizes are size_t; every call runs on the calling thread
 * once ck__blas_single_threaded() has been called (see blas.c for why).
 */
#ifndef CK_BLAS_H
#define CK_BLAS_H

#include <stddef.h>

/* Make OpenBLAS compute every call on the calling thread. Idempotent. */
void ck__blas_single_threaded(void);

/* y = A x, A m × n with row stride lda (dgemv). */
void ck__blas_gemv(size_t m, size_t n, const double *a, size_t lda, const double *x, double *y);

/* y += Aᵀ x, A m × n with row stride lda; y has n entries (dgemv). */
void ck__blas_gemv_t_add(size_t m, size_t n, const double *a, size_t lda, const double *x,
                         double *y);

/* C += Aᵀ A on the lower triangle of the n × n matrix C (row stride n), A m × n with row
 * stride lda (dsyrk). The strict upper triangle of C is not touched. */
void ck__blas_syrk_t_add(size_t m, size_t n, const double *a, size_t lda, double *c);

/* Solve A x = b for a symmetric positive definite n × n matrix A (both triangles set,
 * row stride n): A is overwritten by its Cholesky factor (dpotrf) and b by x (dpotrs).
 * Returns 0, or k > 0 when the leading minor of order k is not positive definite. */
int ck__blas_cholesky_solve(size_t n, double *a, double *b);

/* Solve A X = B for a symmetric positive definite n × n matrix A (both triangles set, row
 * stride n) and nrhs right-hand sides: B is n × nrhs, row stride nrhs, overwritten by X;
 * A by its Cholesky factor. Returns as ck__blas_cholesky_solve(). */
int ck__blas_cholesky_solve_many(size_t n, double *a, size_t nrhs, double *b);

/* The inverse of a symmetric positive definite n × n matrix A (both triangles set, row
 * stride n), in place, both triangles set again (dpotrf, dpotri). Returns as
 * ck__blas_cholesky_solve(). */
int ck__blas_spd_inverse(size_t n, double *a);

/* C = alpha A Bᵀ + beta C: A m × k (row stride lda), B n × k (row stride ldb), C m × n (row
 * stride ldc) (dgemm). */
void ck__blas_gemm_nt(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                      const double *b, size_t ldb, double beta, double *c, size_t ldc);

/* C = alpha Aᵀ B + beta C: A k × m (row stride lda), B k × n (row stride ldb), C m × n (row
 * stride ldc) (dgemm). */
void ck__blas_gemm_tn(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                      const double *b, size_t ldb, double beta, double *c, size_t ldc);

/* C = Aᵀ A in full (both triangles), A m × n with row stride lda, C n × n (row stride n)
 * (dsyrk, then the lower triangle mirrored). */
void ck__blas_gram(size_t m, size_t n, const double *a, size_t lda, double *c);

/* xᵀ y (ddot). */
double ck__blas_dot(size_t n, const double *x, const double *y);

/* y += alpha x (daxpy). */
void ck__blas_axpy(size_t n, double alpha, const double *x, double *y);

#endif

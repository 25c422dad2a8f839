/*
 * BLAS and LAPACK through OpenBLAS (see blas.h): the only file that includes <cblas.h>
 * and declares LAPACK routines.
 *
 * Threads. churnkit parallelises the logistic-regression passes itself, over fixed row
 * blocks whose partial sums are added in a fixed order (logreg_loss.c), so that a model
 * is the same bit for bit for any --threads. OpenBLAS is therefore told to use one thread
 * (openblas_set_num_threads(1)) and every kernel runs on the thread that calls it: (1) a
 * kernel's result then never depends on how OpenBLAS would split it among its own
 * threads (a threaded dpotrf, for one, factors in panels whose order depends on the
 * thread count); (2) our workers and OpenBLAS's would otherwise oversubscribe the cores;
 * (3) OpenBLAS's FAQ asks multi-threaded callers to do exactly this. The setting is
 * global to the process (OpenBLAS has no per-call thread count): a host program that
 * also uses OpenBLAS finds it at one thread after a churnkit training.
 *
 * LAPACK. Debian's OpenBLAS ships LAPACK but no C prototypes for it (lapack.h comes with
 * LAPACKE, which we do not depend on), so the two routines are declared here with the
 * Fortran calling convention: every argument by reference, and the length of each
 * CHARACTER argument passed after the others as a size_t, as gfortran does (GCC manual,
 * "Argument passing conventions"; LAPACK's own lapack.h does the same under
 * LAPACK_FORTRAN_STRLEN_END). OpenBLAS's native dpotrf ignores the extra length; the
 * Fortran dpotrs and dpotri expect it.
 */
#include "base/blas.h"

#include <assert.h>
#include <cblas.h>
#include <limits.h>
#include <stdlib.h>

void dpotrf_(const char *uplo, const blasint *n, double *a, const blasint *lda, blasint *info,
             size_t uplo_len);
void dpotrs_(const char *uplo, const blasint *n, const blasint *nrhs, const double *a,
             const blasint *lda, double *b, const blasint *ldb, blasint *info, size_t uplo_len);
void dpotri_(const char *uplo, const blasint *n, double *a, const blasint *lda, blasint *info,
             size_t uplo_len);

/* Sizes reach BLAS as 32-bit blasint; callers pass blocks far below the bound. */
static blasint to_blas(size_t v)
{
    assert(v <= INT_MAX);
    return (blasint)v;
}

void ck__blas_single_threaded(void)
{
    if (openblas_get_num_threads() != 1)
        openblas_set_num_threads(1);
}

void ck__blas_gemv(size_t m, size_t n, const double *a, size_t lda, const double *x, double *y)
{
    if (m == 0)
        return;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, to_blas(m), to_blas(n), 1.0, a, to_blas(lda), x, 1,
                0.0, y, 1);
}

void ck__blas_gemv_t_add(size_t m, size_t n, const double *a, size_t lda, const double *x,
                         double *y)
{
    if (m == 0)
        return;
    cblas_dgemv(CblasRowMajor, CblasTrans, to_blas(m), to_blas(n), 1.0, a, to_blas(lda), x, 1, 1.0,
                y, 1);
}

void ck__blas_syrk_t_add(size_t m, size_t n, const double *a, size_t lda, double *c)
{
    if (m == 0)
        return;
    /* lower and transposed: OpenBLAS 0.3.21 runs this variant about 1.6 times faster than
     * the upper one for the shapes of logreg_loss.c (n ≈ 100, m = 256) */
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, to_blas(n), to_blas(m), 1.0, a, to_blas(lda),
                1.0, c, to_blas(n));
}

int ck__blas_cholesky_solve(size_t n, double *a, double *b)
{
    /* A symmetric matrix stored in full reads the same in row- and column-major order,
     * so LAPACK's column-major 'L' is as good as any triangle */
    blasint nn = to_blas(n), one = 1, info = 0;
    dpotrf_("L", &nn, a, &nn, &info, 1);
    if (info != 0)
        return info > 0 ? (int)info : -1;
    dpotrs_("L", &nn, &one, a, &nn, b, &nn, &info, 1);
    return info == 0 ? 0 : -1;
}

int ck__blas_cholesky_solve_many(size_t n, double *a, size_t nrhs, double *b)
{
    if (nrhs == 0)
        return 0;
    blasint nn = to_blas(n), k = to_blas(nrhs), info = 0;
    dpotrf_("L", &nn, a, &nn, &info, 1);
    if (info != 0)
        return info > 0 ? (int)info : -1;
    /* B is row-major n × nrhs: column-major it is Bᵀ, nrhs × n; solve Xᵀ A = Bᵀ instead,
     * which for a symmetric A is A X = B transposed: solve on a column-major copy */
    double *t = malloc(n * nrhs * sizeof *t + 1);
    if (t == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < nrhs; j++)
            t[j * n + i] = b[i * nrhs + j];
    dpotrs_("L", &nn, &k, a, &nn, t, &nn, &info, 1);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < nrhs; j++)
            b[i * nrhs + j] = t[j * n + i];
    free(t);
    return info == 0 ? 0 : -1;
}

int ck__blas_spd_inverse(size_t n, double *a)
{
    blasint nn = to_blas(n), info = 0;
    dpotrf_("L", &nn, a, &nn, &info, 1);
    if (info != 0)
        return info > 0 ? (int)info : -1;
    dpotri_("L", &nn, a, &nn, &info, 1);
    if (info != 0)
        return info > 0 ? (int)info : -1;
    /* column-major lower is row-major upper: mirror it into the lower triangle */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            a[i * n + j] = a[j * n + i];
    return 0;
}

void ck__blas_gemm_nt(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                      const double *b, size_t ldb, double beta, double *c, size_t ldc)
{
    if (m == 0 || n == 0)
        return;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, to_blas(m), to_blas(n), to_blas(k), alpha,
                a, to_blas(lda), b, to_blas(ldb), beta, c, to_blas(ldc));
}

void ck__blas_gemm_tn(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                      const double *b, size_t ldb, double beta, double *c, size_t ldc)
{
    if (m == 0 || n == 0)
        return;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, to_blas(m), to_blas(n), to_blas(k), alpha,
                a, to_blas(lda), b, to_blas(ldb), beta, c, to_blas(ldc));
}

void ck__blas_gram(size_t m, size_t n, const double *a, size_t lda, double *c)
{
    for (size_t i = 0; i < n * n; i++)
        c[i] = 0.0;
    ck__blas_syrk_t_add(m, n, a, lda, c);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            c[i * n + j] = c[j * n + i];
}

double ck__blas_dot(size_t n, const double *x, const double *y)
{
    return n == 0 ? 0.0 : cblas_ddot(to_blas(n), x, 1, y, 1);
}

void ck__blas_axpy(size_t n, double alpha, const double *x, double *y)
{
    if (n > 0)
        cblas_daxpy(to_blas(n), alpha, x, 1, y, 1);
}

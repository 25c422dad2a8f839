/*
 * The test harness: a few CHECK macros and a runner, Redis-sized. Each test program
 * calls its test functions through RUN(), then returns check_summary(), which prints
 * "N passed, N failed" and is non-zero on any failure.
 */
#ifndef CK_CHECK_H
#define CK_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "churnkit/error.h"

static int check_passed, check_failed;

#define CHECK_REPORT_(ok, ...)                                                                     \
    do {                                                                                           \
        if (ok) {                                                                                  \
            check_passed++;                                                                        \
        } else {                                                                                   \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK(cond) CHECK_REPORT_((cond), "check failed: %s", #cond)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        CHECK_REPORT_(a_ == b_, "%s == %s: %lld != %lld", #a, #b, a_, b_);                         \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                         \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        CHECK_REPORT_(a_ &&b_ &&strcmp(a_, b_) == 0, "%s == %s: \"%s\" != \"%s\"", #a, #b,         \
                      a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                     \
    } while (0)

/* |a − b| <= tol; two NaNs are equal (a missing value expected and found). */
#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        CHECK_REPORT_((isnan(a_) && isnan(b_)) || fabs(a_ - b_) <= (tol),                          \
                      "%s ~ %s: %.17g != %.17g (tol %g)", #a, #b, a_, b_, (double)(tol));          \
    } while (0)

/* The test keeps a `ck_error err` in scope and passes &err to the call. */
#define CHECK_OK(call)                                                                             \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        CHECK_REPORT_(rc_ == 0, "%s: %s", #call, err.msg);                                         \
    } while (0)

#define RUN(test)                                                                                  \
    do {                                                                                           \
        int failed_before_ = check_failed;                                                         \
        test();                                                                                    \
        if (check_failed != failed_before_)                                                        \
            fprintf(stderr, "FAIL %s\n", #test);                                                   \
    } while (0)

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed != 0;
}

#endif

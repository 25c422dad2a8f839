/*
 * What eval_report.c offers beyond eval.h, for the tests.
 */
#ifndef CK_EVAL_INT_H
#define CK_EVAL_INT_H

#include <stdio.h>

#include "churnkit/error.h"
#include "churnkit/logreg.h"

/* The report's section for a logistic model: its coefficients as diverging bars (the
 * largest by magnitude), the intercept, and how to read them. Returns CK_OK or
 * CK_ENOMEM. */
int ck__eval_report_logreg(FILE *fp, const ck_logreg *lr, ck_error *err);

#endif

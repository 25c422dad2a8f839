/*
 * What value.c (a value model's data) and score_value.c (its scores) share.
 */
#ifndef CK_VALUE_INT_H
#define CK_VALUE_INT_H

#include <stddef.h>

#include "churnkit/bgnbd.h"
#include "churnkit/error.h"
#include "churnkit/pipeline.h"
#include "churnkit/schema.h"

/* One summary-table row's values (frequency, recency, T and maybe monetary, as coded by
 * `schema`) checked; the error names path and line. */
int ck__value_check_row(const float *row, size_t n_columns, const ck_schema *schema,
                        const char *path, long line, ck_error *err);

/* Expected purchases that came out finite: parameters far out on a boundary the fit did not
 * name (a and b both huge: a dropout the same for everyone) can overflow eq. 10, and a
 * NaN must not pass as a score. CK_EINVAL naming the parameters otherwise. */
int ck__value_check_scores(const ck_bgnbd_params *p, const double *expected, size_t n,
                           ck_error *err);

/* One customer's value under value model m with the clv settings of o: clv with a spend
 * model, else expected purchases over the horizon (as ck_bgnbd_score() gives them, a
 * cancelled spend scored at the population's mean). CK_EINVAL for a bad summary or a
 * non-finite value. */
int ck__value_of_customer(const ck_bgnbd_model *m, const ck_value_score_opts *o, double x,
                          double t_x, double T, double spend, double *out, ck_error *err);

#endif

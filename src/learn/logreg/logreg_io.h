/*
 * Logistic regression as a model type: the fit the envelope holds (the model, its
 * parameters and the solver's record), shared by the learner table (logreg_learner.c)
 * and the model file's params, metrics and body (logreg_io.c). Nothing outside
 * src/learn/logreg/ includes it.
 */
#ifndef CK_LOGREG_IO_H
#define CK_LOGREG_IO_H

#include "churnkit/logreg.h"
#include "io/json.h"
#include "learn/learner.h"

typedef struct ck__logreg_fit {
    ck_logreg *logreg; /* owned */
    ck_logreg_params params;
    ck_logreg_report report; /* a loaded model's warning is "" */
} ck__logreg_fit;

void ck__logreg_fit_free(void *fit);

void ck__logreg_write_params(const void *fit, ck__json_writer *w, ck__json *params);
void ck__logreg_write_metrics(const void *fit, const ck__learner_metrics *t, ck__json_writer *w,
                              ck__json *metrics);
void ck__logreg_write_body(const void *fit, ck__json_writer *w, ck__json *body);

int ck__logreg_read_begin(void **out, ck_error *err);
int ck__logreg_read_params(void *fit, const ck__json_reader *r, const ck__json *params);
int ck__logreg_read_metrics(void *fit, const ck__json_reader *r, const ck__json *metrics,
                            ck__learner_metrics *t);
int ck__logreg_read_body(void *fit, const ck__json_reader *r, const ck__json *body,
                         ck_schema **schema);

#endif

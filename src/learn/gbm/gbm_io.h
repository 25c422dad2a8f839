/*
 * Boosted stumps as a model type: the fit the envelope holds (the model, its parameters
 * and its training report), shared by the learner table (gbm_learner.c) and the model
 * file's params, metrics and body (gbm_io.c). Nothing outside src/learn/gbm/ includes it.
 */
#ifndef CK_GBM_IO_H
#define CK_GBM_IO_H

#include "churnkit/gbm.h"
#include "io/json.h"
#include "learn/learner.h"

typedef struct ck__gbm_fit {
    ck_gbm *gbm; /* owned */
    ck_gbm_params params;
    ck_gbm_report report; /* a loaded model: rounds_run is rounds_kept, the file keeps no more */
} ck__gbm_fit;

void ck__gbm_fit_free(void *fit);

void ck__gbm_write_params(const void *fit, ck__json_writer *w, ck__json *params);
void ck__gbm_write_metrics(const void *fit, const ck__learner_metrics *t, ck__json_writer *w,
                           ck__json *metrics);
void ck__gbm_write_body(const void *fit, ck__json_writer *w, ck__json *body);

int ck__gbm_read_begin(void **out, ck_error *err);
int ck__gbm_read_params(void *fit, const ck__json_reader *r, const ck__json *params);
int ck__gbm_read_metrics(void *fit, const ck__json_reader *r, const ck__json *metrics,
                         ck__learner_metrics *t);
int ck__gbm_read_metrics_tail(void *fit, const ck__json_reader *r, const ck__json *metrics,
                              ck__learner_metrics *t);
int ck__gbm_read_body(void *fit, const ck__json_reader *r, const ck__json *body,
                      ck_schema **schema);

/* One model's members (base_score, stumps, tables) in object `o` at JSON path `at`, for a
 * type that keeps several models (uplift). Reading takes over *schema (setting it NULL)
 * and sets *out even on failure, to a partial model the caller frees. */
void ck__gbm_write_model(ck__json_writer *w, ck__json *o, const ck_gbm *gbm, const char *at);
int ck__gbm_read_model(const ck__json_reader *r, const ck__json *o, const char *at,
                       ck_schema **schema, ck_gbm **out);

#endif

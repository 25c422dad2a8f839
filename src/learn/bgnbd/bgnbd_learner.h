/*
 * The customer-value model (BG/NBD with Gamma-Gamma spend) as a model type, for the model
 * room: the learner table the registry lists, and the fit it holds, read without knowing
 * its layout (src/model/model_types.c).
 */
#ifndef CK_BGNBD_LEARNER_H
#define CK_BGNBD_LEARNER_H

#include "churnkit/bgnbd.h"
#include "learn/learner.h"

extern const ck__learner ck__bgnbd_learner;

/* The fit the envelope holds: the parameters trained with, the model, and its columns
 * (frequency, recency, T and maybe monetary, under the names the data gave them). */
typedef struct ck__bgnbd_fit {
    ck_bgnbd_train_params params;
    ck_bgnbd_model model;
    ck_schema *schema; /* owned */
} ck__bgnbd_fit;

const ck_bgnbd_model *ck__bgnbd_fit_model(const void *fit);
const ck_bgnbd_train_params *ck__bgnbd_fit_params(const void *fit);

/* The file's members (bgnbd_io.c). */
void ck__bgnbd_write_params(const void *fit, ck__json_writer *w, ck__json *params);
void ck__bgnbd_write_metrics(const void *fit, const ck__learner_metrics *m, ck__json_writer *w,
                             ck__json *metrics);
void ck__bgnbd_write_body(const void *fit, ck__json_writer *w, ck__json *body);
int ck__bgnbd_read_begin(void **out, ck_error *err);
int ck__bgnbd_read_params(void *fit, const ck__json_reader *r, const ck__json *params);
int ck__bgnbd_read_metrics(void *fit, const ck__json_reader *r, const ck__json *metrics,
                           ck__learner_metrics *m);
int ck__bgnbd_read_body(void *fit, const ck__json_reader *r, const ck__json *body,
                        ck_schema **schema);
void ck__bgnbd_fit_free(void *fit);

#endif

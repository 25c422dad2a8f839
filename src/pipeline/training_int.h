/*
 * What table training shares between the reader of values (training.c) and the reader of
 * bins (training_bins.c).
 */
#ifndef CK_TRAINING_INT_H
#define CK_TRAINING_INT_H

#include <stdbool.h>

#include "churnkit/pipeline.h"

/* The rows of n labels (0 when labels is NULL) and how many are positive. */
void ck__pipeline_count_labels(const float *labels, size_t n, size_t *rows, size_t *positives);

/*
 * The schema of the features of `full` that are not constant (constant[j]), recording the
 * others in the training record; *kept_out NULL when nothing is left out: no feature is
 * constant, every one is (a model needs something to read), or more are than the record
 * can list.
 */
int ck__pipeline_constant_features(ck_schema **kept_out, const ck_schema *full,
                                   const bool *constant, ck_model_training *t, ck_error *err);

/* ck_pipeline_add_input() with the file's SHA-256 already computed, as 64 hex digits. */
int ck__pipeline_add_input_hex(ck_model_training *training, const char *role, const char *path,
                               const char *hex, ck_error *err);

#endif

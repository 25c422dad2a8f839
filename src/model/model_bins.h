/*
 * Models trained on rows binned already (data/binned_table.h), for tables too large to
 * hold as values: the same model, record and population as from the values themselves.
 */
#ifndef CK_MODEL_BINS_H
#define CK_MODEL_BINS_H

#include "churnkit/model.h"
#include "data/bins.h"

/*
 * ck_model_train() on binned rows: `train` and `valid` (NULL, or held-out rows binned with
 * the same edges), `schema` the bins' features. CK_EINVAL for a type whose learner needs
 * the values (it has no train_bins), else as ck_model_train().
 */
int ck__model_train_bins(ck_model **out, ck_model_type type, const void *params,
                         const ck_schema *schema, const ck__labelled_bins *train,
                         const ck__labelled_bins *valid, const ck_model_spec *spec,
                         const ck_model_training *training, ck_progress_fn progress,
                         void *payload, ck_error *err);

/*
 * ck_model_train_refit() on binned rows: the selection by ck__model_train_bins() on
 * `train` and `valid`, then the refit on the rows `all` gives, asked for only once the
 * selection kept something to refit with (they are binned with edges of their own, as
 * ck_gbm_train() bins `all`). Without `valid` or `all`, ck__model_train_bins() alone.
 */
int ck__model_train_refit_bins(ck_model **out, ck_model_type type, const void *params,
                               const ck_schema *schema, const ck__labelled_bins *train,
                               const ck__labelled_bins *valid, const ck__bins_source *all,
                               const ck_model_spec *spec, const ck_model_training *training,
                               ck_progress_fn progress, void *payload, ck_error *err);

/* ck_model_learn_population() on binned rows, for a model trained on those bins. */
int ck__model_learn_population_bins(ck_model *model, const ck_schema *schema, const ck__bins *bins,
                                    int n_threads, ck_error *err);

#endif

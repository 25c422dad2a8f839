/*
 * The data a model is scored or evaluated on, read the way the model was trained to read
 * it: the model file's config carries the column names, event aliases and delimiter.
 */
#include "churnkit/pipeline.h"

#include <string.h>

int ck_pipeline_read_events(ck_events **ev_out, ck_customers **customers_out, const ck_model *model,
                            const ck_pipeline_read_opts *o, ck_error *err)
{
    *ev_out = NULL;
    *customers_out = NULL;
    const ck_model_spec *spec = ck_model_spec_of(model);
    if (spec->source != CK_SOURCE_EVENTS)
        return ck_error_set(err, CK_EINVAL, o->model_path, 0,
                            "this model was trained on a table: %s it with --table", o->purpose);
    ck_events_read_opts ropts = { &spec->config,     o->skip_bad_rows, o->on_reject,
                                  o->reject_payload, o->progress,      o->progress_payload,
                                  o->n_threads };
    int rc = ck_events_read_csv(ev_out, o->events_path, &ropts, err);
    if (rc == CK_OK && o->customers_path)
        rc = ck_customers_read_csv(customers_out, o->customers_path, &spec->config, err);
    if (rc < 0) {
        ck_events_free(*ev_out);
        *ev_out = NULL;
    }
    return rc;
}

bool ck_pipeline_same_reading(const ck_model *model_a, const ck_model *model_b)
{
    const ck_config *a = &ck_model_spec_of(model_a)->config;
    const ck_config *b = &ck_model_spec_of(model_b)->config;
    if (a->delimiter != b->delimiter || a->n_aliases != b->n_aliases)
        return false;
    for (int c = 0; c < CK_COL_COUNT; c++)
        if (strcmp(a->column_names[c], b->column_names[c]) != 0)
            return false;
    for (size_t k = 0; k < a->n_aliases; k++)
        if (strcmp(a->aliases[k].alias, b->aliases[k].alias) != 0 ||
            a->aliases[k].event != b->aliases[k].event)
            return false;
    return true;
}

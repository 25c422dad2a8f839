/*
 * churn-predict's output rows (see predict.h). Text is appended by hand, not printed:
 * at ten million rows, printf's format parsing and FILE locking cost more than the
 * scoring itself. Numbers go through ck__format_fixed(), which gives printf's digits.
 */
#include "churnkit/predict.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/numfmt.h"
#include "base/util.h"
#include "score/row_fields.h"

int ck_predict_writer_init(ck_predict_writer *w, const ck_model *model,
                           const ck_predict_rules *rules, const ck_ab_results *ab, int n_reasons,
                           bool jsonl, bool budget, ck_error *err)
{
    *w = (ck_predict_writer){ .model = model,
                              .rules = rules,
                              .ab = ab,
                              .n_reasons = n_reasons < CK_MAX_REASONS ? n_reasons : CK_MAX_REASONS,
                              .jsonl = jsonl,
                              .budget = budget };
    ck_enrich_plan_for_model(&w->plan, model, rules);
    if (ab != NULL) {
        const char *path = ck_ab_results_path(ab);
        w->ab_decided_by = malloc(strlen(path) + 4);
        if (w->ab_decided_by == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        memcpy(w->ab_decided_by, "ab:", 3);
        memcpy(w->ab_decided_by + 3, path, strlen(path) + 1);
    }
    return ck_reasons_new(&w->reasons, rules, ck_model_schema(model), err);
}

void ck_predict_writer_free(ck_predict_writer *w)
{
    ck_reasons_free(w->reasons);
    w->reasons = NULL;
    free(w->ab_decided_by);
    w->ab_decided_by = NULL;
}

void ck_predict_buffer_free(ck_predict_buffer *b)
{
    free(b->text);
    free(b->contrib);
    *b = (ck_predict_buffer){ 0 };
}

static const char *const reason_keys[CK_MAX_REASONS] = {
    "reason_1", "reason_2", "reason_3", "reason_4", "reason_5",
    "reason_6", "reason_7", "reason_8", "reason_9", "reason_10",
};

int ck_predict_write_header(const ck_predict_writer *w, const char *id_name, ck_predict_buffer *b,
                            ck_error *err)
{
    if (w->jsonl)
        return CK_OK;
    static const char *const fixed[] = {
        "churn_probability", "risk_score",      "risk_band",  "percentile",
        "stage_percentile",  "lifecycle_stage", "rfm_score",  "rfm_segment",
        "recall_strategy",   "recall_channel",  "decided_by", "channel_decided_by",
    };
    ck__row_fields f = { b, false, 0, true };
    ck__row_text_field(&f, "", id_name);
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
        ck__row_text_field(&f, "", fixed[k]);
    for (int r = 0; r < w->n_reasons; r++)
        ck__row_text_field(&f, "", reason_keys[r]);
    ck__row_text_field(&f, "", "status");
    if (w->value != NULL) {
        ck__row_text_field(&f, "", w->value->has_spend ? "clv" : "expected_purchases");
        ck__row_text_field(&f, "", w->value->has_spend ? "value_at_risk" : "purchases_at_risk");
    }
    if (w->uplift != NULL) {
        ck__row_text_field(&f, "", "uplift");
        ck__row_text_field(&f, "", "incremental_value");
    }
    if (w->budget)
        ck__row_text_field(&f, "", "contact");
    if (w->recommender != NULL) {
        ck__row_text_field(&f, "", "recommended_items");
        ck__row_text_field(&f, "", "recommended_category");
    }
    if (!f.ok || !ck__row_reserve(b, 1))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    b->text[b->len++] = '\n';
    return CK_OK;
}

/* ---- one row ------------------------------------------------------------------------- */

/* What a row says beyond the customer's own facts. */
typedef struct decision {
    double probability, percentile, stage_percentile;
    const char *band, *channel;
    const char *channel_by; /* "engagement", "ab:<file>", "default"; NULL without a channel */
    ck_strategy strategy;
    const char *arm; /* with an uplift model: the arm chosen, or "none" */
    double uplift, incremental_value;
    char decided_by[128];
    char reasons[CK_MAX_REASONS][256];
} decision;

/* "rule:<name>" (snprintf is too slow for every row) */
static void decided_by_rule(decision *d, const char *rule)
{
    size_t len = strlen(rule);
    if (len > sizeof d->decided_by - 6)
        len = sizeof d->decided_by - 6;
    memcpy(d->decided_by, "rule:", 5);
    memcpy(d->decided_by + 5, rule, len);
    d->decided_by[5 + len] = '\0';
}

/* The uplift model's choice: the arm worth its cost, or none. */
static void decide_by_uplift(const ck_predict_writer *w, const double *uplift, decision *d)
{
    const ck_uplift *u = w->uplift;
    long best = uplift ? ck_uplift_best_arm(u, uplift, &d->incremental_value) : -1;
    d->arm = best >= 0 ? ck_uplift_arm_at(u, (size_t)best)->name : "none";
    d->uplift = best >= 0 ? uplift[best] : NAN;
    if (best < 0)
        d->incremental_value = uplift ? 0.0 : NAN;
    size_t len = strlen(d->arm);
    if (len > sizeof d->decided_by - 8)
        len = sizeof d->decided_by - 8;
    memcpy(d->decided_by, "uplift:", 7);
    memcpy(d->decided_by + 7, d->arm, len);
    d->decided_by[7 + len] = '\0';
}

/* Score the row and take every decision the rules (or the A/B read-out, or the uplift
 * model) make. */
static void decide(const ck_predict_writer *w, const float *row, const double *uplift,
                   ck_customer_facts *facts, const double *engagement, double *contrib,
                   decision *d)
{
    const ck_schema *schema = ck_model_schema(w->model);
    const ck_predict_rules *rules = w->rules;
    /* the logit is the base plus the contributions, summed in feature order as the
     * model's own scoring does: one pass gives both the score and the reasons */
    double logit;
    ck_model_contributions(w->model, row, contrib, &logit);
    for (size_t j = 0; j < ck_schema_n_features(schema); j++)
        logit += contrib[j];
    double prob = ck_model_logistic(logit);
    /* a reason raises this customer's risk above the average training customer's: the
     * contribution less its training mean, the feature's exact Shapley value */
    const double *means = ck_model_contribution_means(w->model);
    for (size_t j = 0; means && j < ck_schema_n_features(schema); j++)
        contrib[j] -= means[j];
    d->probability = prob;
    /* percentiles against the training distribution kept in the model */
    const ck_model_training *tr = ck_model_training_of(w->model);
    if (tr->has_score_percentiles) {
        d->percentile = ck_enrich_percentile(tr->score_percentiles, prob);
        for (size_t s = 0; s < tr->n_stage_percentiles && facts->lifecycle_stage; s++)
            if (strcmp(tr->stage_names[s], facts->lifecycle_stage) == 0)
                d->stage_percentile = ck_enrich_percentile(tr->stage_percentiles[s], prob);
    }
    facts->probability = prob;
    facts->band = ck_enrich_band(rules, prob, d->percentile);
    d->band = ck_risk_band_name(facts->band);
    const char *rule;
    d->strategy = ck_enrich_strategy(rules, facts, &rule);
    const char *measured_channel = NULL;
    if (w->uplift != NULL) {
        decide_by_uplift(w, uplift, d);
        rule = NULL;
        /* the channel below is chosen for a customer with an arm, none without */
        d->strategy = strcmp(d->arm, "none") == 0 ? CK_STRATEGY_NONE : d->strategy;
    } else if (w->ab != NULL && d->strategy != CK_STRATEGY_NONE &&
        ck_ab_results_choose(w->ab, schema, row, &d->strategy, &measured_channel, d->decided_by,
                             sizeof d->decided_by))
        rule = NULL; /* a measured lift decided */
    if (rule != NULL)
        decided_by_rule(d, rule);
    /* the channel an A/B read-out measured for the arm it chose, else the customer's own
     * engagement, else the configured default; channel_decided_by says which */
    bool no_contact = w->uplift ? strcmp(d->arm, "none") == 0 : d->strategy == CK_STRATEGY_NONE;
    if (no_contact) {
        d->channel = d->channel_by = NULL;
    } else if (measured_channel != NULL) {
        d->channel = measured_channel;
        d->channel_by = w->ab_decided_by;
    } else {
        size_t c;
        ck_channel_source by = ck_enrich_channel_choice(rules, engagement, &c);
        d->channel = rules->recall_channels[c];
        d->channel_by = by == CK_CHANNEL_ENGAGEMENT ? "engagement" : "default";
    }
    ck_enrich_reasons(w->reasons, row, contrib, (size_t)w->n_reasons, d->reasons);
}

int ck_predict_write_row(const ck_predict_writer *w, const char *id, const float *row, bool scored,
                         bool contact, ck_predict_buffer *b, ck_error *err)
{
    return ck_predict_write_valued_row(w, id, row, NAN, scored, contact, b, err);
}

int ck_predict_write_valued_row(const ck_predict_writer *w, const char *id, const float *row,
                                double value, bool scored, bool contact, ck_predict_buffer *b,
                                ck_error *err)
{
    ck_predict_extras extras = { value, NULL, NULL, 0 };
    return ck_predict_write_full_row(w, id, row, &extras, scored, contact, b, err);
}

int ck_predict_write_full_row(const ck_predict_writer *w, const char *id, const float *row,
                              const ck_predict_extras *extras, bool scored, bool contact,
                              ck_predict_buffer *b, ck_error *err)
{
    double value = extras->value;
    const ck_schema *schema = ck_model_schema(w->model);
    if (b->contrib == NULL && (b->contrib = ck__alloc_array(ck_schema_n_features(schema) + 1,
                                                            sizeof *b->contrib)) == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck_customer_facts facts;
    double engagement[CK_MAX_CHANNELS];
    char rfm_score[4];
    const char *segment;
    ck_enrich_facts(&w->plan, schema, row, w->rules, &facts, engagement, rfm_score, &segment);
    facts.clv = w->value != NULL && w->value->has_spend ? value : NAN;
    /* set field by field: an initializer would clear the reasons' 2.5 KB on every row */
    decision d;
    d.probability = d.percentile = d.stage_percentile = NAN;
    d.band = d.channel = d.channel_by = NULL;
    d.strategy = CK_STRATEGY_NONE;
    d.arm = NULL;
    d.uplift = d.incremental_value = NAN;
    if (scored) {
        decide(w, row, extras->uplift, &facts, engagement, b->contrib, &d);
    } else {
        decided_by_rule(&d, "insufficient_history");
        for (int r = 0; r < w->n_reasons; r++)
            d.reasons[r][0] = '\0';
    }
    ck__row_fields f = { b, w->jsonl, 0, true };
    ck__row_text_field(&f, "customer_id", id);
    ck__row_number_field(&f, "churn_probability", d.probability, 12);
    ck__row_number_field(&f, "risk_score", round(d.probability * 100), 0);
    ck__row_text_field(&f, "risk_band", d.band);
    ck__row_number_field(&f, "percentile", d.percentile, 1);
    ck__row_number_field(&f, "stage_percentile", d.stage_percentile, 1);
    ck__row_text_field(&f, "lifecycle_stage", facts.lifecycle_stage);
    ck__row_text_field(&f, "rfm_score", rfm_score);
    ck__row_text_field(&f, "rfm_segment", segment);
    ck__row_text_field(&f, "recall_strategy", d.arm ? d.arm : ck_strategy_name(d.strategy));
    ck__row_text_field(&f, "recall_channel", d.channel);
    ck__row_text_field(&f, "decided_by", d.decided_by);
    ck__row_text_field(&f, "channel_decided_by", d.channel_by);
    for (int r = 0; r < w->n_reasons; r++)
        ck__row_text_field(&f, reason_keys[r], d.reasons[r]);
    ck__row_text_field(&f, "status", scored ? "scored" : "insufficient_history");
    if (w->value != NULL) {
        bool clv = w->value->has_spend;
        ck__row_number_field(&f, clv ? "clv" : "expected_purchases", value, 4);
        ck__row_number_field(&f, clv ? "value_at_risk" : "purchases_at_risk",
                             d.probability * value, 4);
    }
    if (w->uplift != NULL) {
        ck__row_number_field(&f, "uplift", d.uplift, 6);
        ck__row_number_field(&f, "incremental_value", d.incremental_value, 4);
    }
    if (w->budget)
        ck__row_number_field(&f, "contact", contact ? 1 : 0, 0);
    if (w->recommender != NULL)
        ck__recommend_fields(&f, w->recommender, extras->recommended, extras->n_recommended);
    if (!f.ok || !ck__row_reserve(b, 2))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck__row_put(b, w->jsonl ? "}\n" : "\n", w->jsonl ? 2 : 1);
    return CK_OK;
}

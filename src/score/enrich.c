/*
 * Campaign enrichment (see enrich.h): risk bands, percentiles, strategy rules, channel
 * choice and a customer's facts. The reasons in words are in reasons.c.
 *
 * Decisions come only from evidence: the model's training profile says which signals the
 * log had, and a fact built on a missing signal (no interaction events, no coupon events,
 * no channel column) is NaN, which no rule's comparison accepts.
 */
#include "churnkit/enrich.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const band_names[] = { "low", "medium", "high" };
static const char *const strategy_names[CK_STRATEGY_COUNT] = { "none", "vip", "discount",
                                                               "new_arrival", "content" };

const char *ck_risk_band_name(ck_risk_band band)
{
    return band <= CK_BAND_HIGH ? band_names[band] : "";
}

const char *ck_strategy_name(ck_strategy strategy)
{
    return strategy < CK_STRATEGY_COUNT ? strategy_names[strategy] : "";
}

int ck_strategy_from_name(const char *name)
{
    for (int s = 0; s < CK_STRATEGY_COUNT; s++)
        if (strcmp(name, strategy_names[s]) == 0)
            return s;
    return -1;
}

double ck_enrich_percentile(const double *q, double p)
{
    const size_t n = CK_SCORE_QUANTILES;
    if (q == NULL || isnan(p))
        return NAN;
    if (p < q[0])
        return 0.0;
    if (p > q[n - 1])
        return 100.0;
    size_t first = 0;
    while (first < n && q[first] < p)
        first++;
    if (q[first] == p) { /* on one or more percentiles: the middle of their run */
        size_t last = first;
        while (last + 1 < n && q[last + 1] == p)
            last++;
        return (double)(first + last) / 2.0;
    }
    return (double)(first - 1) + (p - q[first - 1]) / (q[first] - q[first - 1]);
}

ck_risk_band ck_enrich_band(const ck_predict_rules *rules, double probability, double percentile)
{
    double v = rules->bands_by_percentile ? percentile : probability;
    if (v >= rules->band_high)
        return CK_BAND_HIGH;
    if (v >= rules->band_medium)
        return CK_BAND_MEDIUM;
    return CK_BAND_LOW;
}

ck_strategy ck_enrich_strategy(const ck_predict_rules *r, const ck_customer_facts *f,
                               const char **rule)
{
    /* NaN fails every comparison below, so an unknown value never triggers a rule */
    if (f->band == CK_BAND_LOW) {
        *rule = "not_at_risk";
        return CK_STRATEGY_NONE;
    }
    if (f->m_score >= r->vip_min_m_score ||
        f->probability * f->revenue_365d >= r->vip_min_value_at_risk || f->clv >= r->vip_min_clv) {
        *rule = "high_value";
        return CK_STRATEGY_VIP;
    }
    if (f->coupon_share >= r->discount_min_coupon_share) {
        *rule = "price_sensitive";
        return CK_STRATEGY_DISCOUNT;
    }
    bool recent = f->lifecycle_stage != NULL && (strcmp(f->lifecycle_stage, "new") == 0 ||
                                                 strcmp(f->lifecycle_stage, "active") == 0);
    if (recent && f->frequency <= r->new_arrival_max_frequency &&
        f->recency_gap_ratio >= r->new_arrival_min_gap_ratio) {
        *rule = "launch_driven";
        return CK_STRATEGY_NEW_ARRIVAL;
    }
    if (f->interactions_30d <= r->content_max_interactions_30d) {
        *rule = "low_interaction";
        return CK_STRATEGY_CONTENT;
    }
    *rule = "default";
    return CK_STRATEGY_CONTENT;
}

size_t ck_enrich_channel(const ck_predict_rules *rules, const double *engagement)
{
    size_t best = 0;
    for (size_t c = 1; c < rules->n_recall_channels; c++)
        if (engagement[c] > engagement[best] || (isnan(engagement[best]) && engagement[c] > 0))
            best = c;
    return best;
}

ck_channel_source ck_enrich_channel_choice(const ck_predict_rules *rules, const double *engagement,
                                           size_t *index)
{
    /* the best channel has a count above 0 exactly when any allowed channel has one;
     * otherwise it is the first, the configured default */
    *index = ck_enrich_channel(rules, engagement);
    return engagement[*index] > 0 ? CK_CHANNEL_ENGAGEMENT : CK_CHANNEL_DEFAULT;
}

/* ---- facts from a row --------------------------------------------------------------- */

static void plan_init(ck_enrich_plan *plan, const ck_schema *schema, const ck_predict_rules *rules,
                      const int *windows)
{
    char name[CK_NAME_MAX + 16];
    memset(plan, 0, sizeof *plan);
    plan->m_score = ck_schema_find(schema, "m_score");
    plan->r_score = ck_schema_find(schema, "r_score");
    plan->f_score = ck_schema_find(schema, "f_score");
    plan->rfm_segment = ck_schema_find(schema, "rfm_segment");
    plan->lifecycle_stage = ck_schema_find(schema, "lifecycle_stage");
    snprintf(name, sizeof name, "revenue_%dd", windows[CK_N_WINDOWS - 1]);
    plan->revenue_365d = ck_schema_find(schema, name);
    plan->coupon_share = ck_schema_find(schema, "coupon_share");
    plan->frequency = ck_schema_find(schema, "frequency");
    plan->recency_gap_ratio = ck_schema_find(schema, "recency_gap_ratio");
    snprintf(name, sizeof name, "interactions_%dd", windows[0]);
    plan->interactions_30d = ck_schema_find(schema, name);
    for (size_t c = 0; c < rules->n_recall_channels; c++) {
        snprintf(name, sizeof name, "channel_%s_%dd", rules->recall_channels[c], windows[2]);
        plan->channel[c] = ck_schema_find(schema, name);
    }
}

void ck_enrich_plan_init(ck_enrich_plan *plan, const ck_schema *schema,
                         const ck_predict_rules *rules)
{
    ck_config defaults;
    ck_config_init(&defaults);
    plan_init(plan, schema, rules, defaults.windows_days);
}

void ck_enrich_plan_for_model(ck_enrich_plan *plan, const ck_model *model,
                              const ck_predict_rules *rules)
{
    const ck_model_training *t = ck_model_training_of(model);
    plan_init(plan, ck_model_schema(model), rules, ck_model_spec_of(model)->config.windows_days);
    if (!t->has_profile)
        return;
    plan->no_interactions = !ck_event_profile_has_interactions(&t->profile);
    plan->no_coupons = t->profile.event_counts[CK_EV_COUPON] == 0;
    plan->no_channels = !t->profile.has_channel;
}

static double number_at(const float *row, long j)
{
    return j >= 0 ? (double)row[j] : NAN;
}

/* A categorical cell's level, or NULL when missing, unseen or not a feature. */
static const char *level_at(const ck_schema *schema, const float *row, long j)
{
    if (j < 0 || isnan(row[j]))
        return NULL;
    return ck_schema_level(schema, (size_t)j, (size_t)row[j]);
}

void ck_enrich_facts(const ck_enrich_plan *plan, const ck_schema *schema, const float *row,
                     const ck_predict_rules *rules, ck_customer_facts *facts, double *engagement,
                     char rfm_score[4], const char **rfm_segment)
{
    facts->m_score = number_at(row, plan->m_score);
    facts->revenue_365d = number_at(row, plan->revenue_365d);
    /* a signal the log never had is unknown, not a zero the rules would act on */
    facts->coupon_share = plan->no_coupons ? NAN : number_at(row, plan->coupon_share);
    facts->frequency = number_at(row, plan->frequency);
    facts->recency_gap_ratio = number_at(row, plan->recency_gap_ratio);
    facts->interactions_30d = plan->no_interactions ? NAN : number_at(row, plan->interactions_30d);
    facts->clv = NAN; /* from a value model, set by its caller */
    facts->lifecycle_stage = level_at(schema, row, plan->lifecycle_stage);
    for (size_t c = 0; c < rules->n_recall_channels; c++)
        engagement[c] = plan->no_channels ? NAN : number_at(row, plan->channel[c]);
    double r = number_at(row, plan->r_score), f = number_at(row, plan->f_score);
    double m = facts->m_score;
    if (r >= 1 && r <= 5 && f >= 1 && f <= 5 && m >= 1 && m <= 5) {
        rfm_score[0] = (char)('0' + (int)r);
        rfm_score[1] = (char)('0' + (int)f);
        rfm_score[2] = (char)('0' + (int)m);
        rfm_score[3] = '\0';
    } else {
        rfm_score[0] = '\0';
    }
    *rfm_segment = level_at(schema, row, plan->rfm_segment);
}

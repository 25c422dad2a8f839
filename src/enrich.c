/*
 * Campaign enrichment (see enrich.h): risk bands, strategy rules, channel choice, and the
 * reasons rendered from templates.
 *
 * Trend columns are (a − b) / (a + b) of the last 30 days against the 30-day rate of the
 * 60 before (docs/FEATURES.md), so the ratio a / b they stand for is (1 + t) / (1 − t),
 * and "{x_trend_change}" words that ratio as a percentage change.
 */
#include "churnkit/enrich.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "util.h"

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

static int compare_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

int ck_enrich_score_quantiles(double *q, const double *scores, size_t n, ck_error *err)
{
    double *sorted = malloc((n + 1) * sizeof *sorted);
    if (sorted == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(scores[i]))
            sorted[m++] = scores[i];
    qsort(sorted, m, sizeof *sorted, compare_double);
    for (int k = 0; k < CK_SCORE_QUANTILES; k++) {
        if (m == 0) {
            q[k] = NAN;
            continue;
        }
        /* Hyndman & Fan definition 7 */
        double h = (double)(m - 1) * k / 100.0;
        size_t lo = (size_t)floor(h);
        q[k] = lo + 1 < m ? sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo])
                          : sorted[m - 1];
    }
    free(sorted);
    return CK_OK;
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
        f->probability * f->revenue_365d >= r->vip_min_value_at_risk) {
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

/* ---- facts from a row --------------------------------------------------------------- */

void ck_enrich_plan_init(ck_enrich_plan *plan, const ck_schema *schema,
                         const ck_predict_rules *rules)
{
    plan->m_score = ck_schema_find(schema, "m_score");
    plan->r_score = ck_schema_find(schema, "r_score");
    plan->f_score = ck_schema_find(schema, "f_score");
    plan->rfm_segment = ck_schema_find(schema, "rfm_segment");
    plan->lifecycle_stage = ck_schema_find(schema, "lifecycle_stage");
    plan->revenue_365d = ck_schema_find(schema, "revenue_365d");
    plan->coupon_share = ck_schema_find(schema, "coupon_share");
    plan->frequency = ck_schema_find(schema, "frequency");
    plan->recency_gap_ratio = ck_schema_find(schema, "recency_gap_ratio");
    plan->interactions_30d = ck_schema_find(schema, "interactions_30d");
    for (size_t c = 0; c < rules->n_recall_channels; c++) {
        char name[CK_NAME_MAX + 16];
        snprintf(name, sizeof name, "channel_%s_180d", rules->recall_channels[c]);
        plan->channel[c] = ck_schema_find(schema, name);
    }
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
    facts->coupon_share = number_at(row, plan->coupon_share);
    facts->frequency = number_at(row, plan->frequency);
    facts->recency_gap_ratio = number_at(row, plan->recency_gap_ratio);
    facts->interactions_30d = number_at(row, plan->interactions_30d);
    facts->lifecycle_stage = level_at(schema, row, plan->lifecycle_stage);
    for (size_t c = 0; c < rules->n_recall_channels; c++)
        engagement[c] = number_at(row, plan->channel[c]);
    double r = number_at(row, plan->r_score), f = number_at(row, plan->f_score);
    double m = facts->m_score;
    if (r >= 1 && r <= 5 && f >= 1 && f <= 5 && m >= 1 && m <= 5)
        snprintf(rfm_score, 4, "%d%d%d", (int)r, (int)f, (int)m);
    else
        rfm_score[0] = '\0';
    *rfm_segment = level_at(schema, row, plan->rfm_segment);
}

/* ---- reasons ----------------------------------------------------------------------- */

/*
 * Templates are resolved against the schema once (ck_reasons_new): each becomes a list
 * of pieces, literal text or a feature's value, so a row's reasons cost a few appends.
 * A template that cannot apply (an unknown feature, an unclosed brace) is dropped then;
 * one that reads a missing value falls back, row by row, to the plain wording.
 */

typedef enum value_kind { PLAIN, PCT, CHANGE } value_kind;

typedef struct piece {
    size_t text, len; /* literal text (feature < 0): where it is in the plan's copy */
    long feature;     /* a value: this feature's */
    value_kind kind;
    int decimals; /* -1: as a person would write it */
} piece;

/* A feature's wording: its template's pieces (when it has one that applies), then the
 * plain wording: "<name in words>: " and the value. */
typedef struct wording {
    bool templated;
    size_t first_template, n_template;
    size_t first_plain, n_plain;
} wording;

struct ck_reasons {
    const ck_schema *schema;
    size_t n_features;
    wording *words;
    piece *pieces;
    size_t n_pieces, cap_pieces;
    char *text; /* the templates' literal text and the names in words, copied */
    size_t text_len, text_cap;
};

void ck_reasons_free(ck_reasons *r)
{
    if (r == NULL)
        return;
    free(r->words);
    free(r->pieces);
    free(r->text);
    free(r);
}

static bool add_piece(ck_reasons *r, piece p)
{
    if (!ck__grow((void **)&r->pieces, &r->cap_pieces, r->n_pieces + 1, sizeof *r->pieces))
        return false;
    r->pieces[r->n_pieces++] = p;
    return true;
}

static bool add_text(ck_reasons *r, const char *s, size_t len)
{
    if (!ck__grow((void **)&r->text, &r->text_cap, r->text_len + len + 1, 1))
        return false;
    memcpy(r->text + r->text_len, s, len);
    piece p = { r->text_len, len, -1, PLAIN, -1 };
    r->text_len += len;
    return add_piece(r, p);
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len > n && memcmp(s + len - n, suffix, n) == 0;
}

/* A placeholder "name[_pct|_change][:D]" as a value piece; false when it names no
 * feature of the schema. */
static bool parse_placeholder(piece *p, const ck_schema *schema, const char *spec, size_t len)
{
    const char *colon = memchr(spec, ':', len);
    *p = (piece){ 0, 0, -1, PLAIN, -1 };
    size_t name_len = len;
    if (colon != NULL) {
        p->decimals = atoi(colon + 1);
        name_len = (size_t)(colon - spec);
    }
    char name[CK_NAME_MAX + 16];
    if (name_len >= sizeof name)
        return false;
    memcpy(name, spec, name_len);
    name[name_len] = '\0';
    if (ends_with(name, name_len, "_change")) {
        p->kind = CHANGE;
        name[name_len - 7] = '\0';
    } else if (ends_with(name, name_len, "_pct")) {
        p->kind = PCT;
        name[name_len - 4] = '\0';
    }
    p->feature = ck_schema_find(schema, name);
    return p->feature >= 0;
}

/* A template's pieces; false (nothing added) when it cannot apply to this schema. */
static bool compile_template(ck_reasons *r, const char *tpl, size_t *n_added, bool *ok)
{
    size_t before = r->n_pieces, text_before = r->text_len;
    *ok = true;
    for (const char *p = tpl; *p && *ok;) {
        const char *open = strchr(p, '{');
        size_t literal = open ? (size_t)(open - p) : strlen(p);
        if (literal > 0 && !add_text(r, p, literal))
            return false;
        if (open == NULL)
            break;
        const char *close = strchr(open, '}');
        piece v;
        *ok =
            close != NULL && parse_placeholder(&v, r->schema, open + 1, (size_t)(close - open - 1));
        if (*ok && !add_piece(r, v))
            return false;
        p = close ? close + 1 : p;
    }
    if (!*ok) { /* drop what was added */
        r->n_pieces = before;
        r->text_len = text_before;
    }
    *n_added = r->n_pieces - before;
    return true;
}

int ck_reasons_new(ck_reasons **out, const ck_predict_rules *rules, const ck_schema *schema,
                   ck_error *err)
{
    *out = NULL;
    ck_reasons *r = calloc(1, sizeof *r);
    size_t n = ck_schema_n_features(schema);
    if (r == NULL || (r->words = calloc(n + 1, sizeof *r->words)) == NULL)
        goto oom;
    r->schema = schema;
    r->n_features = n;
    for (size_t j = 0; j < n; j++) {
        wording *w = &r->words[j];
        const char *name = ck_schema_name(schema, j);
        /* the first template for the feature, if it applies */
        for (size_t t = 0; t < rules->n_templates; t++) {
            if (strcmp(rules->templates[t].feature, name) != 0)
                continue;
            w->first_template = r->n_pieces;
            if (!compile_template(r, rules->templates[t].text, &w->n_template, &w->templated))
                goto oom;
            break;
        }
        /* the plain wording: the name in words and its value */
        w->first_plain = r->n_pieces;
        char words[CK_NAME_MAX + 2];
        size_t len = 0;
        for (const char *p = name; *p && len + 2 < sizeof words; p++)
            words[len++] = *p == '_' ? ' ' : *p;
        words[len++] = ':';
        words[len++] = ' ';
        piece v;
        if (!add_text(r, words, len) ||
            !add_piece(r, parse_placeholder(&v, schema, name, strlen(name))
                              ? v
                              : (piece){ 0, 0, -1, PLAIN, -1 }))
            goto oom;
        w->n_plain = 2;
    }
    *out = r;
    return CK_OK;
oom:
    ck_reasons_free(r);
    return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
}

typedef struct appender {
    char *out;
    size_t size, len;
} appender;

static void append(appender *a, const char *s, size_t n)
{
    if (a->len + n >= a->size)
        n = a->size - a->len - 1;
    memcpy(a->out + a->len, s, n);
    a->len += n;
    a->out[a->len] = '\0';
}

/* A value piece's text; false when the value is missing. */
static bool append_value(appender *a, const ck_schema *schema, const float *row, const piece *p)
{
    if (p->feature < 0 || isnan(row[p->feature]))
        return false;
    size_t j = (size_t)p->feature;
    char text[400];
    size_t len;
    if (ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL) {
        const char *level = ck_schema_level(schema, j, (size_t)row[j]);
        append(a, level ? level : "other", strlen(level ? level : "other"));
        return true;
    }
    if (p->kind == CHANGE) {
        double t = row[j];
        double change = t >= 1 ? HUGE_VAL : ((1 + t) / (1 - t) - 1) * 100;
        if (isinf(change)) {
            append(a, "up from none", 12);
        } else if (fabs(change) < 0.5) {
            append(a, "unchanged", 9);
        } else {
            append(a, change < 0 ? "down " : "up ", change < 0 ? 5 : 3);
            len = ck__format_fixed(text, fabs(change), 0);
            append(a, text, len);
            append(a, "%", 1);
        }
        return true;
    }
    double v = p->kind == PCT ? row[j] * 100.0 : row[j];
    int decimals = p->decimals;
    if (decimals < 0 || decimals > 6) /* no precision asked: as a person would write it */
        decimals = fabs(v) >= 100 || v == floor(v) ? 0 : fabs(v) >= 1 ? 1 : 2;
    len = ck__format_fixed(text, v, decimals);
    append(a, text, len);
    return true;
}

static bool append_pieces(appender *a, const ck_reasons *r, const float *row, size_t first,
                          size_t n)
{
    for (size_t k = first; k < first + n; k++) {
        const piece *p = &r->pieces[k];
        if (p->feature < 0)
            append(a, r->text + p->text, p->len);
        else if (!append_value(a, r->schema, row, p))
            return false;
    }
    return true;
}

static void render_reason(const ck_reasons *r, const float *row, size_t j, char *out)
{
    const wording *w = &r->words[j];
    appender a = { out, 256, 0 };
    out[0] = '\0';
    if (w->templated && append_pieces(&a, r, row, w->first_template, w->n_template))
        return;
    a.len = 0;
    out[0] = '\0';
    if (!append_pieces(&a, r, row, w->first_plain, w->n_plain))
        append(&a, "missing", 7);
}

size_t ck_enrich_reasons(const ck_reasons *r, const float *row, const double *contrib, size_t k,
                         char (*out)[256])
{
    /* the k largest positive contributions, largest first, ties to the earlier feature:
     * one pass, inserting into a short sorted list */
    size_t chosen[32], n_chosen = 0;
    if (k > 32)
        k = 32;
    for (size_t j = 0; j < r->n_features && k > 0; j++) {
        if (!(contrib[j] > 0) || (n_chosen == k && contrib[j] <= contrib[chosen[k - 1]]))
            continue;
        size_t at = n_chosen < k ? n_chosen++ : k - 1;
        for (; at > 0 && contrib[j] > contrib[chosen[at - 1]]; at--)
            chosen[at] = chosen[at - 1];
        chosen[at] = j;
    }
    for (size_t q = 0; q < k; q++) {
        if (q < n_chosen)
            render_reason(r, row, chosen[q], out[q]);
        else
            out[q][0] = '\0';
    }
    return n_chosen;
}

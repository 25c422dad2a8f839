/*
 * The reasons in words (see enrich.h, ck_enrich_reasons; docs/REASONS.md): the features
 * that raise a customer's risk the most, each by its exact contribution (its Shapley value
 * against the training mean), worded by the config's templates so a marketer can read them.
 *
 * A reason is a fact about the customer, said once: features are grouped into families
 * (the windows of one quantity, its all-time total and its RFM score are one family, see
 * family_of()) and a family gives at most one reason, its largest. Outputs of churn-predict
 * (lifecycle_stage, rfm_segment) are never reasons; a score code (r_score, f_score,
 * m_score) is worded as the quantity it codes (recency_days, frequency, monetary), or left
 * out when the model lacks that quantity and no template words the code itself. When a
 * customer's last activity of any kind was a purchase, days_since_last_activity holds
 * recency_days's days, and its reason says what the recency family's says ("no purchase
 * for 89 days"): only the larger of the two gives a reason.
 *
 * A template key is a feature's name, or a pattern with one "*" for a window's days
 * ("revenue_*d" words revenue_7d and revenue_365d; a "*" in its text becomes those days),
 * optionally with a condition: ":missing" (no value), ":negative", or a number (exactly
 * that value). A customer's value takes the first that applies: missing, the number,
 * negative, the plain key, then the name in words and the value. An exact name beats a
 * pattern.
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

#include "base/numfmt.h"
#include "base/util.h"

/*
 * Templates are resolved against the schema once (ck_reasons_new): each becomes a list
 * of pieces, literal text or a feature's value, so a row's reasons cost a few appends.
 * A template that cannot apply (an unknown feature, an unclosed brace) is dropped then;
 * one that reads a missing value falls through, row by row, to the next wording.
 */

typedef enum value_kind { PLAIN, PCT, CHANGE, ABS } value_kind;

typedef struct piece {
    size_t text, len; /* literal text (feature < 0): where it is in the plan's copy */
    long feature;     /* a value: this feature's */
    value_kind kind;
    int decimals; /* -1: as a person would write it */
} piece;

/* When a wording applies, in the order they are tried. */
typedef enum condition { IF_MISSING, IF_EQUALS, IF_NEGATIVE, ALWAYS } condition;

typedef struct variant {
    condition when;
    double value;    /* IF_EQUALS */
    size_t first, n; /* its pieces */
} variant;

/* A feature's wordings: its templates' variants in the order they are tried, the last one
 * the plain wording ("<name in words>: " and the value). */
typedef struct wording {
    size_t first_variant, n_variants;
    long words_as;   /* the feature whose wording a reason takes (a score code: its quantity) */
    size_t family;   /* the index of the first feature of its family */
    bool is_output;  /* never a reason */
    bool code_alone; /* a score code with nothing to word it: never a reason */
} wording;

struct ck_reasons {
    const ck_schema *schema;
    size_t n_features;
    wording *words;
    variant *variants;
    size_t n_variants, cap_variants;
    piece *pieces;
    size_t n_pieces, cap_pieces;
    char *text; /* the templates' literal text and the names in words, copied */
    size_t text_len, text_cap;
    long recency, activity; /* recency_days, days_since_last_activity; -1 when absent */
};

void ck_reasons_free(ck_reasons *r)
{
    if (r == NULL)
        return;
    free(r->words);
    free(r->variants);
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

/* A placeholder "name[_pct|_change|_abs][:D]" as a value piece; false when it names no
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
    static const struct {
        const char *suffix;
        value_kind kind;
    } kinds[] = { { "_change", CHANGE }, { "_pct", PCT }, { "_abs", ABS } };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (ck_schema_find(schema, name) < 0 && ends_with(name, name_len, kinds[k].suffix)) {
            p->kind = kinds[k].kind;
            name[name_len - strlen(kinds[k].suffix)] = '\0';
            break;
        }
    p->feature = ck_schema_find(schema, name);
    return p->feature >= 0;
}

/* A template's pieces; *ok false (nothing added) when it cannot apply to this schema. A
 * pattern's "*" becomes `days` first. False only when out of memory. */
static bool compile_template(ck_reasons *r, const char *tpl, const char *days, size_t *n_added,
                             bool *ok)
{
    char expanded[4 * CK_TEMPLATE_MAX];
    size_t len = 0, days_len = days ? strlen(days) : 0;
    for (const char *p = tpl; *p && len + days_len + 1 < sizeof expanded; p++) {
        if (*p == '*' && days != NULL) {
            memcpy(expanded + len, days, days_len);
            len += days_len;
        } else {
            expanded[len++] = *p;
        }
    }
    expanded[len] = '\0';
    size_t before = r->n_pieces, text_before = r->text_len;
    *ok = true;
    for (const char *p = expanded; *p && *ok;) {
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

/* Whether template key `base` (the part before any ':', `len` bytes) names `name`: exactly
 * (*days = NULL), or as a pattern whose "*" stands for the digits of a window (copied to
 * days, at most 15). */
static bool key_matches(const char *base, size_t len, const char *name, char days[16], bool *exact)
{
    size_t name_len = strlen(name);
    const char *star = memchr(base, '*', len);
    if (star == NULL) {
        *exact = true;
        return len == name_len && memcmp(base, name, len) == 0;
    }
    *exact = false;
    size_t head = (size_t)(star - base), tail = len - head - 1;
    if (name_len <= head + tail || memcmp(name, base, head) != 0 ||
        memcmp(name + name_len - tail, star + 1, tail) != 0)
        return false;
    size_t n_digits = name_len - head - tail;
    if (n_digits >= 16)
        return false;
    for (size_t i = 0; i < n_digits; i++)
        if (name[head + i] < '0' || name[head + i] > '9')
            return false;
    memcpy(days, name + head, n_digits);
    days[n_digits] = '\0';
    return true;
}

/* A key's condition after ':' (none: ALWAYS); false when it is not one. */
static bool parse_condition(const char *cond, condition *when, double *value)
{
    *value = 0;
    if (cond == NULL) {
        *when = ALWAYS;
    } else if (strcmp(cond, "missing") == 0) {
        *when = IF_MISSING;
    } else if (strcmp(cond, "negative") == 0) {
        *when = IF_NEGATIVE;
    } else {
        char *end;
        *value = strtod(cond, &end);
        *when = IF_EQUALS;
        return end != cond && *end == '\0' && isfinite(*value);
    }
    return true;
}

/* Add the variants of feature `name` that the rules' templates give, tried in order; an
 * exact key is preferred to a pattern with the same condition. */
static bool add_variants(ck_reasons *r, const ck_predict_rules *rules, const char *name)
{
    for (condition when = IF_MISSING; when <= ALWAYS; when++) {
        for (int want_exact = 1; want_exact >= 0; want_exact--) {
            for (size_t t = 0; t < rules->n_templates; t++) {
                const char *key = rules->templates[t].feature, *colon = strchr(key, ':');
                size_t base_len = colon ? (size_t)(colon - key) : strlen(key);
                char days[16];
                bool exact;
                condition c;
                double value;
                if (!key_matches(key, base_len, name, days, &exact) || exact != want_exact ||
                    !parse_condition(colon ? colon + 1 : NULL, &c, &value) || c != when)
                    continue;
                variant var = { when, value, r->n_pieces, 0 };
                bool ok;
                if (!compile_template(r, rules->templates[t].text, exact ? NULL : days, &var.n,
                                      &ok))
                    return false;
                if (!ok)
                    continue;
                if (!ck__grow((void **)&r->variants, &r->cap_variants, r->n_variants + 1,
                              sizeof *r->variants))
                    return false;
                r->variants[r->n_variants++] = var;
            }
        }
    }
    return true;
}

/* The plain wording's name: underscores as spaces, a window suffix "_<N>d" as " in the last
 * N days" (purchases_7d: "purchases in the last 7 days"). */
static size_t name_in_words(const char *name, char *out, size_t size)
{
    size_t n = strlen(name), stem = n;
    if (n > 2 && name[n - 1] == 'd') {
        size_t i = n - 1;
        while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
            i--;
        if (i < n - 1 && i > 1 && name[i - 1] == '_')
            stem = i - 1;
    }
    size_t len = 0;
    for (size_t i = 0; i < stem && len + 1 < size; i++)
        out[len++] = name[i] == '_' ? ' ' : name[i];
    if (stem < n)
        len += (size_t)snprintf(out + len, size - len, " in the last %.*s days",
                                (int)(n - 1 - stem - 1), name + stem + 1);
    return len < size ? len : size - 1;
}

/*
 * The family of a feature, from its name: "channel_*" is one family (engagement by
 * channel); otherwise the name less a window suffix "_<N>d" or "_trend", then the
 * quantity an all-time total, a score code or a ratio stands for, and browsing (visits,
 * views, favorites, carts, their sum and the days since any activity) as one. Customer
 * attributes and other features are each their own family.
 */
static void family_of(const char *name, char *out, size_t size)
{
    static const char *const same[][2] = {
        { "frequency", "purchases" },
        { "f_score", "purchases" },
        { "monetary", "revenue" },
        { "m_score", "revenue" },
        { "recency_days", "recency" },
        { "recency_gap_ratio", "recency" },
        { "r_score", "recency" },
        { "mean_gap_days", "gap" },
        { "gap_std_days", "gap" },
        { "refund_rate", "refunds" },
        { "points_balance", "points" },
        { "days_since_redeem", "points" },
        /* browsing: interactions are visits + views + favorites + carts */
        { "visits", "interactions" },
        { "views", "interactions" },
        { "favorites", "interactions" },
        { "carts", "interactions" },
        { "days_since_last_activity", "interactions" },
    };
    if (strncmp(name, "channel_", 8) == 0) {
        snprintf(out, size, "channel");
        return;
    }
    size_t n = strlen(name);
    if (ends_with(name, n, "_trend")) {
        n -= 6;
    } else if (n > 2 && name[n - 1] == 'd') {
        size_t i = n - 1;
        while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
            i--;
        if (i < n - 1 && i > 1 && name[i - 1] == '_')
            n = i - 1;
    }
    snprintf(out, size, "%.*s", (int)n, name);
    for (size_t k = 0; k < sizeof same / sizeof *same; k++)
        if (strcmp(out, same[k][0]) == 0) {
            snprintf(out, size, "%s", same[k][1]);
            return;
        }
}

/* The plain quantity a score code codes, or NULL when `name` is none. */
static const char *coded_quantity(const char *name)
{
    static const char *const codes[][2] = { { "r_score", "recency_days" },
                                            { "f_score", "frequency" },
                                            { "m_score", "monetary" } };
    for (size_t k = 0; k < sizeof codes / sizeof *codes; k++)
        if (strcmp(name, codes[k][0]) == 0)
            return codes[k][1];
    return NULL;
}

static bool is_output(const char *name)
{
    return strcmp(name, "lifecycle_stage") == 0 || strcmp(name, "rfm_segment") == 0;
}

int ck_reasons_new(ck_reasons **out, const ck_predict_rules *rules, const ck_schema *schema,
                   ck_error *err)
{
    *out = NULL;
    ck_reasons *r = calloc(1, sizeof *r);
    size_t n = ck_schema_n_features(schema);
    char(*families)[CK_NAME_MAX] = calloc(n + 1, sizeof *families);
    if (r == NULL || families == NULL || (r->words = calloc(n + 1, sizeof *r->words)) == NULL)
        goto oom;
    r->schema = schema;
    r->n_features = n;
    for (size_t j = 0; j < n; j++) {
        wording *w = &r->words[j];
        const char *name = ck_schema_name(schema, j);
        w->first_variant = r->n_variants;
        if (!add_variants(r, rules, name))
            goto oom;
        size_t templated = r->n_variants - w->first_variant;
        /* the plain wording: the name in words and its value */
        char words[CK_NAME_MAX + 32];
        size_t len = name_in_words(name, words, sizeof words - 2);
        words[len++] = ':';
        words[len++] = ' ';
        variant plain = { ALWAYS, 0, r->n_pieces, 2 };
        piece v;
        if (!add_text(r, words, len) ||
            !add_piece(r, parse_placeholder(&v, schema, name, strlen(name))
                              ? v
                              : (piece){ 0, 0, -1, PLAIN, -1 }) ||
            !ck__grow((void **)&r->variants, &r->cap_variants, r->n_variants + 1,
                      sizeof *r->variants))
            goto oom;
        r->variants[r->n_variants++] = plain;
        w->n_variants = r->n_variants - w->first_variant;
        w->words_as = (long)j;
        w->is_output = is_output(name);
        const char *quantity = coded_quantity(name);
        if (quantity != NULL) {
            long q = ck_schema_find(schema, quantity);
            w->words_as = q >= 0 ? q : (long)j;
            w->code_alone = q < 0 && templated == 0;
        }
        family_of(name, families[j], sizeof families[j]);
        w->family = j;
        for (size_t i = 0; i < j; i++)
            if (strcmp(families[i], families[j]) == 0) {
                w->family = i;
                break;
            }
    }
    free(families);
    r->recency = ck_schema_find(schema, "recency_days");
    r->activity = ck_schema_find(schema, "days_since_last_activity");
    *out = r;
    return CK_OK;
oom:
    free(families);
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
    double v = p->kind == PCT ? row[j] * 100.0 : p->kind == ABS ? fabs(row[j]) : row[j];
    int decimals = p->decimals;
    if (decimals < 0 || decimals > 6) /* no precision asked: as a person would write it */
        decimals = fabs(v) >= 100 || v == floor(v) ? 0 : fabs(v) >= 1 ? 1 : 2;
    len = ck__format_fixed(text, v, decimals);
    append(a, text, len);
    return true;
}

static bool append_pieces(appender *a, const ck_reasons *r, const float *row, const variant *v)
{
    for (size_t k = v->first; k < v->first + v->n; k++) {
        const piece *p = &r->pieces[k];
        if (p->feature < 0)
            append(a, r->text + p->text, p->len);
        else if (!append_value(a, r->schema, row, p))
            return false;
    }
    return true;
}

static bool applies(const variant *v, double x)
{
    switch (v->when) {
    case IF_MISSING:
        return isnan(x);
    case IF_EQUALS:
        return x == v->value;
    case IF_NEGATIVE:
        return x < 0;
    default:
        return true;
    }
}

/* Feature j's reason: the first of its wordings that applies and reads no missing value,
 * else the plain name and "missing". */
static void render_reason(const ck_reasons *r, const float *row, size_t j, char *out)
{
    const wording *w = &r->words[j];
    appender a = { out, 256, 0 };
    for (size_t k = w->first_variant; k < w->first_variant + w->n_variants; k++) {
        a.len = 0;
        out[0] = '\0';
        const variant *v = &r->variants[k];
        if (applies(v, row[j]) && append_pieces(&a, r, row, v))
            return;
    }
    /* the plain wording read a missing value: its name, then "missing" */
    a.len = 0;
    out[0] = '\0';
    const variant *plain = &r->variants[w->first_variant + w->n_variants - 1];
    append(&a, r->text + r->pieces[plain->first].text, r->pieces[plain->first].len);
    append(&a, "missing", 7);
}

/* Reason a (worded as feature a_as, of family a_family) and reason b say one fact: days
 * since any activity that are the days since the last purchase. */
static bool same_fact(const ck_reasons *r, const float *row, long a_as, size_t a_family, long b_as,
                      size_t b_family)
{
    if (r->recency < 0 || r->activity < 0 || row[r->recency] != row[r->activity])
        return false;
    size_t recency_family = r->words[r->recency].family;
    return (a_as == r->activity && b_family == recency_family) ||
           (b_as == r->activity && a_family == recency_family);
}

size_t ck_enrich_reasons(const ck_reasons *r, const float *row, const double *contrib, size_t k,
                         char (*out)[256])
{
    /* the features that can be reasons by contribution, largest first, ties to the earlier
     * feature: one pass keeps the best 64 in a short sorted list (more than any k needs
     * once a family's smaller members and repeated wordings are passed over) */
    enum { ROOM = 64 };
    size_t chosen[ROOM], n_chosen = 0;
    for (size_t j = 0; j < r->n_features; j++) {
        const wording *w = &r->words[j];
        if (!(contrib[j] > 0) || w->is_output || w->code_alone ||
            (n_chosen == ROOM && contrib[j] <= contrib[chosen[ROOM - 1]]))
            continue;
        size_t at = n_chosen < ROOM ? n_chosen++ : ROOM - 1;
        for (; at > 0 && contrib[j] > contrib[chosen[at - 1]]; at--)
            chosen[at] = chosen[at - 1];
        chosen[at] = j;
    }
    size_t written = 0, families[ROOM];
    long given_as[ROOM]; /* the feature each reason given is worded as */
    for (size_t c = 0; c < n_chosen && written < k; c++) {
        const wording *w = &r->words[chosen[c]];
        bool repeated = false;
        for (size_t q = 0; q < written && !repeated; q++)
            repeated = families[q] == w->family ||
                       same_fact(r, row, given_as[q], families[q], w->words_as, w->family);
        if (repeated) /* a smaller contribution of a family, or of a fact, already given */
            continue;
        render_reason(r, row, (size_t)w->words_as, out[written]);
        for (size_t q = 0; q < written && !repeated; q++)
            repeated = strcmp(out[q], out[written]) == 0;
        if (!repeated) {
            given_as[written] = w->words_as;
            families[written++] = w->family;
        }
    }
    for (size_t q = written; q < k; q++)
        out[q][0] = '\0';
    return written;
}

/*
 * The reasons in words (see enrich.h, ck_enrich_reasons): the features that raise a
 * customer's risk the most, worded by the config's templates.
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
 * one that reads a missing value falls back, row by row, to the plain wording.
 */

typedef enum value_kind { PLAIN, PCT, CHANGE } value_kind;

typedef struct piece {
    size_t text, len; /* literal text (feature < 0): where it is in the plan's copy */
    long feature;     /* a value: this feature's */
    value_kind kind;
    int decimals; /* -1: as a person would write it */
} piece;

/* A feature's wording: its template's pieces (when it has one that applies), its
 * "feature:missing" template's (for a missing value), then the plain wording:
 * "<name in words>: " and the value. */
typedef struct wording {
    bool templated, missing_templated;
    size_t first_template, n_template;
    size_t first_missing, n_missing;
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

/* The rules' template named `feature`, or NULL. */
static const char *template_for(const ck_predict_rules *rules, const char *feature)
{
    for (size_t t = 0; t < rules->n_templates; t++)
        if (strcmp(rules->templates[t].feature, feature) == 0)
            return rules->templates[t].text;
    return NULL;
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
        /* the feature's templates, if they apply */
        char missing_name[CK_NAME_MAX + 8];
        snprintf(missing_name, sizeof missing_name, "%s:missing", name);
        const char *text = template_for(rules, name), *missing = template_for(rules, missing_name);
        w->first_template = r->n_pieces;
        if (text != NULL && !compile_template(r, text, &w->n_template, &w->templated))
            goto oom;
        w->first_missing = r->n_pieces;
        if (missing != NULL && !compile_template(r, missing, &w->n_missing, &w->missing_templated))
            goto oom;
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
    if (isnan(row[j]) && w->missing_templated &&
        append_pieces(&a, r, row, w->first_missing, w->n_missing))
        return;
    a.len = 0;
    out[0] = '\0';
    if (!append_pieces(&a, r, row, w->first_plain, w->n_plain))
        append(&a, "missing", 7);
}

size_t ck_enrich_reasons(const ck_reasons *r, const float *row, const double *contrib, size_t k,
                         char (*out)[256])
{
    /* the features by contribution, largest first, ties to the earlier feature: one pass
     * keeps the best 2k in a short sorted list (twice k: a reason worded like an earlier
     * one is skipped) */
    size_t chosen[64], n_chosen = 0, room = 2 * (k > 32 ? 32 : k);
    for (size_t j = 0; j < r->n_features && room > 0; j++) {
        if (!(contrib[j] > 0) || (n_chosen == room && contrib[j] <= contrib[chosen[room - 1]]))
            continue;
        size_t at = n_chosen < room ? n_chosen++ : room - 1;
        for (; at > 0 && contrib[j] > contrib[chosen[at - 1]]; at--)
            chosen[at] = chosen[at - 1];
        chosen[at] = j;
    }
    size_t written = 0;
    for (size_t c = 0; c < n_chosen && written < k; c++) {
        render_reason(r, row, chosen[c], out[written]);
        bool repeated = false;
        for (size_t q = 0; q < written && !repeated; q++)
            repeated = strcmp(out[q], out[written]) == 0;
        written += !repeated;
    }
    for (size_t q = written; q < k; q++)
        out[q][0] = '\0';
    return written;
}

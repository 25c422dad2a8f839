/*
 * Tests of the synthetic behaviour generator: determinism, the exact formats, the realism
 * the generator promises (segments, cycles, lapses, cancellations, a churn signal that is
 * useful but not perfect) and the campaign truth against the realised event log.
 *
 * The outputs are read back independently of the generator: rows are split and checked
 * by hand, times with ck_ts_parse(), the truth JSON with cJSON (line by line for the large
 * population, whose tree would not fit comfortably in memory under a sanitizer).
 */
#include "churnkit/synth.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/timestamp.h"

#ifndef CK_TEST_TMP
#define CK_TEST_TMP "/tmp"
#endif

#define DAY  86400
#define NONE INT64_MAX

static const char *const event_names[] = { "purchase", "refund", "visit",       "view",
                                           "favorite", "cart",   "points_earn", "points_redeem",
                                           "campaign", "coupon", "signup",      "cancel" };
enum {
    EV_PURCHASE,
    EV_REFUND,
    EV_VISIT,
    EV_VIEW,
    EV_FAVORITE,
    EV_CART,
    EV_POINTS_EARN,
    EV_POINTS_REDEEM,
    EV_CAMPAIGN,
    EV_COUPON,
    EV_SIGNUP,
    EV_CANCEL,
    N_EVENT
};
static const char *const channel_names[] = {
    "sms", "wechat", "miniprogram", "app", "web", "store"
};
enum { N_CHANNEL = 6, N_CAMPAIGN_CHANNEL = 4, EMPTY = 255 };
static const char *const category_names[] = { "skincare", "makeup",   "fragrance",
                                              "haircare", "bodycare", "accessories" };
static const char *const segment_names[] = { "price_sensitive", "high_value", "low_interaction",
                                             "regular" };
enum { SEG_PRICE, SEG_HIGH, SEG_LOW, SEG_REGULAR, N_SEGMENT };
static const char *const cohort_names[] = { "prospect", "steady", "trial", "launch" };
enum { CO_PROSPECT, CO_STEADY, CO_TRIAL, CO_LAUNCH };
static const char *const arm_names[] = { "control", "discount", "vip", "content" };
enum { ARM_CONTROL, ARM_DISCOUNT, ARM_VIP, ARM_CONTENT, N_ARM };
static const char *const outcome_names[] = { "none", "natural", "recall", "deterred" };
enum { OUT_NONE, OUT_NATURAL, OUT_RECALL, OUT_DETERRED };
static const char *const tier_names[] = { "tier1", "tier2", "tier3", "tier4" };
static const char *const level_names[] = { "normal", "silver", "gold", "platinum" };

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int find_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (s != NULL && strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static int64_t date_ts(const char *s)
{
    int64_t ts = -1;
    if (ck_date_parse(&ts, s, strlen(s)) != CK_OK)
        return -1;
    return ts;
}

/* ---- running the generator into files ---- */

typedef struct outputs {
    char events[512], customers[512], assignments[512], truth[512];
} outputs;

static int generate(const ck_synth_params *p, const char *tag, outputs *o, ck_synth_stats *stats,
                    ck_error *err)
{
    snprintf(o->events, sizeof o->events, "%s/synth_%s_events.csv", CK_TEST_TMP, tag);
    snprintf(o->customers, sizeof o->customers, "%s/synth_%s_customers.csv", CK_TEST_TMP, tag);
    snprintf(o->assignments, sizeof o->assignments, "%s/synth_%s_assignments.csv", CK_TEST_TMP,
             tag);
    snprintf(o->truth, sizeof o->truth, "%s/synth_%s_truth.json", CK_TEST_TMP, tag);
    FILE *ev = fopen(o->events, "wb"), *cu = fopen(o->customers, "wb");
    FILE *as = p->has_campaign ? fopen(o->assignments, "wb") : NULL;
    FILE *tr = fopen(o->truth, "wb");
    int rc = CK_EIO;
    if (ev != NULL && cu != NULL && tr != NULL && (as != NULL || !p->has_campaign))
        rc = ck_synth_write(p, ev, cu, as, tr, stats, NULL, NULL, err);
    else
        snprintf(err->msg, sizeof err->msg, "cannot create the outputs in %s", CK_TEST_TMP);
    FILE *all[4] = { ev, cu, as, tr };
    for (int i = 0; i < 4; i++)
        if (all[i] != NULL && fclose(all[i]) != 0)
            rc = CK_EIO;
    return rc;
}

static void remove_outputs(const outputs *o)
{
    remove(o->events);
    remove(o->customers);
    remove(o->assignments);
    remove(o->truth);
}

/* The whole content of a stream, from its start. */
static char *slurp(FILE *fp, size_t *len)
{
    rewind(fp);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    *len = n;
    return buf;
}

/* Generate into temporary streams and return the four outputs' bytes (free each); on
 * failure every bytes[i] is NULL. */
static bool generate_bytes(const ck_synth_params *p, char *bytes[4], size_t len[4])
{
    FILE *fp[4];
    bool ok = true;
    for (int i = 0; i < 4; i++) {
        fp[i] = tmpfile();
        ok = ok && fp[i] != NULL;
        bytes[i] = NULL;
        len[i] = 0;
    }
    ck_error err = { 0 };
    if (ok)
        CHECK_OK(ck_synth_write(p, fp[0], fp[1], p->has_campaign ? fp[2] : NULL, fp[3], NULL, NULL,
                                NULL, &err));
    for (int i = 0; i < 4; i++) {
        if (ok && (bytes[i] = slurp(fp[i], &len[i])) == NULL)
            ok = false;
        if (fp[i] != NULL)
            fclose(fp[i]);
    }
    if (!ok)
        for (int i = 0; i < 4; i++) {
            free(bytes[i]);
            bytes[i] = NULL;
        }
    return ok;
}

/* ---- reading the events back ---- */

typedef struct row {
    int64_t ts;
    int64_t amount; /* cents for money, points for points_*, -1 when empty */
    uint32_t cust;  /* the index in the id, from 1 */
    uint8_t type, channel, category;
} row;

typedef struct event_log {
    row *rows;
    size_t n, cap;
    size_t *first; /* rows of customer i are [first[i], first[i + 1]), i from 1 */
    size_t n_customers;
} event_log;

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

/* Check one events row strictly against the contract; NULL when it is valid. */
static const char *parse_row(char *line, size_t n_customers, int64_t start, int64_t end, row *r)
{
    char *f[7];
    int nf = 0;
    f[nf++] = line;
    for (char *p = line; *p; p++)
        if (*p == ',') {
            if (nf == 7)
                return "more than 7 fields";
            *p = '\0';
            f[nf++] = p + 1;
        }
    if (nf != 7)
        return "fewer than 7 fields";
    size_t id_len = strlen(f[0]);
    if (id_len != 8 || f[0][0] != 'C' || !all_digits(f[0] + 1, 7))
        return "bad customer id";
    long id = strtol(f[0] + 1, NULL, 10);
    if (id < 1 || (size_t)id > n_customers)
        return "customer id out of range";
    r->cust = (uint32_t)id;
    char canon[32];
    if (strlen(f[1]) != 20 || ck_ts_parse(&r->ts, f[1], 20) != CK_OK)
        return "bad ts";
    ck_ts_format(r->ts, canon);
    if (strcmp(canon, f[1]) != 0)
        return "ts not in the form YYYY-MM-DDTHH:MM:SSZ";
    if (r->ts < start || r->ts >= end)
        return "ts outside the period";
    int type = find_name(event_names, N_EVENT, f[2]);
    if (type < 0)
        return "unknown event";
    r->type = (uint8_t)type;
    size_t alen = strlen(f[3]);
    r->amount = -1;
    if (type == EV_PURCHASE || type == EV_REFUND) {
        if (alen < 4 || f[3][alen - 3] != '.' || !all_digits(f[3], alen - 3) ||
            !all_digits(f[3] + alen - 2, 2))
            return "money amount not in the form 123.45";
        r->amount = strtoll(f[3], NULL, 10) * 100 + strtoll(f[3] + alen - 2, NULL, 10);
        if (r->amount <= 0)
            return "money amount not positive";
    } else if (type == EV_POINTS_EARN || type == EV_POINTS_REDEEM) {
        if (!all_digits(f[3], alen) || f[3][0] == '0')
            return "points not a positive integer";
        r->amount = strtoll(f[3], NULL, 10);
    } else if (alen != 0) {
        return "amount on an event that has none";
    }
    int ch = f[4][0] == '\0' ? EMPTY : find_name(channel_names, N_CHANNEL, f[4]);
    if (ch < 0)
        return "unknown channel";
    r->channel = (uint8_t)ch;
    bool has_category = type == EV_PURCHASE || type == EV_VIEW || type == EV_FAVORITE ||
                        type == EV_CART || type == EV_REFUND;
    int cat = f[5][0] == '\0' ? EMPTY : find_name(category_names, COUNT(category_names), f[5]);
    if (cat < 0)
        return "unknown category";
    if (has_category != (cat != EMPTY))
        return has_category ? "category missing" : "category on an event that has none";
    r->category = (uint8_t)cat;
    if (has_category != (f[6][0] != '\0'))
        return has_category ? "item missing" : "item on an event that has none";
    if (has_category && (strlen(f[6]) != 6 || f[6][0] != 'P' || !all_digits(f[6] + 1, 5)))
        return "bad item id";
    return NULL;
}

/* Read and check every row; rows must come grouped by customer, customers in id order,
 * times non-decreasing within a customer, and a coupon must share its ts with a purchase. */
static bool load_events(const char *path, size_t n_customers, int64_t start, int64_t end,
                        event_log *out)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    CHECK(fp != NULL);
    if (fp == NULL)
        return false;
    out->n_customers = n_customers;
    out->first = calloc(n_customers + 2, sizeof *out->first);
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len = getline(&line, &line_cap, fp);
    CHECK(len > 0 && strcmp(line, "customer_id,ts,event,amount,channel,category,item\n") == 0);
    size_t n_bad = 0, line_no = 1;
    uint32_t prev_cust = 0;
    int64_t prev_ts = 0, last_purchase_ts = -1;
    bool ok = out->first != NULL;
    while (ok && (len = getline(&line, &line_cap, fp)) > 0) {
        line_no++;
        if (line[len - 1] != '\n') {
            n_bad++;
            continue;
        }
        line[len - 1] = '\0';
        char copy[256];
        snprintf(copy, sizeof copy, "%s", line);
        row r;
        const char *why = parse_row(line, n_customers, start, end, &r);
        if (why == NULL && r.cust < prev_cust)
            why = "customers out of order";
        if (why == NULL && r.cust == prev_cust && r.ts < prev_ts)
            why = "times out of order within a customer";
        if (why == NULL && r.cust != prev_cust)
            last_purchase_ts = -1;
        if (why == NULL && r.type == EV_PURCHASE)
            last_purchase_ts = r.ts;
        if (why == NULL && r.type == EV_COUPON && r.ts != last_purchase_ts)
            why = "coupon without a purchase at the same ts";
        if (why != NULL) {
            if (n_bad++ == 0)
                fprintf(stderr, "%s:%zu: %s: %s\n", path, line_no, why, copy);
            continue;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 1 << 16;
            row *bigger = realloc(out->rows, cap * sizeof *bigger);
            if (bigger == NULL) {
                ok = false;
                break;
            }
            out->rows = bigger;
            out->cap = cap;
        }
        while (prev_cust < r.cust)
            out->first[++prev_cust] = out->n;
        prev_ts = r.ts;
        out->rows[out->n++] = r;
    }
    while (prev_cust <= n_customers)
        out->first[++prev_cust] = out->n;
    free(line);
    fclose(fp);
    CHECK(ok);
    CHECK_EQ_INT(n_bad, 0);
    return ok && n_bad == 0;
}

static void free_events(event_log *log_)
{
    free(log_->rows);
    free(log_->first);
}

/* ---- reading the truth back ---- */

typedef struct truth_customer {
    int segment, cohort;
    double mean_gap_days, order_value, coupon_p, visit_rate;
    long purchases;
    int64_t lapsed_at, cancelled_at;
    bool churned_by_end, assigned, lapsed_at_campaign;
    int arm, channel, outcome;
    double engagement, p0, q;
    double effect[N_ARM], uplift[N_ARM]; /* [ARM_CONTROL] is 0: the file has treatments only */
} truth_customer;

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t jts(const cJSON *o, const char *key)
{
    const char *s = jstr(o, key);
    int64_t ts;
    if (s == NULL || ck_ts_parse(&ts, s, strlen(s)) != CK_OK)
        return NONE;
    return ts;
}

/* A number at a path of object keys, e.g. ("true_lift", "by_segment", "vip", NULL). */
static double jpath(const cJSON *o, ...)
{
    va_list ap;
    va_start(ap, o);
    const char *key;
    while (o != NULL && (key = va_arg(ap, const char *)) != NULL)
        o = cJSON_GetObjectItemCaseSensitive(o, key);
    va_end(ap);
    return cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

static bool parse_truth_customer(const cJSON *o, size_t n, truth_customer *tc)
{
    const char *id = jstr(o, "id");
    if (id == NULL || id[0] != 'C')
        return false;
    long i = strtol(id + 1, NULL, 10);
    if (i < 1 || (size_t)i > n)
        return false;
    truth_customer *t = &tc[i];
    t->segment = find_name(segment_names, N_SEGMENT, jstr(o, "segment"));
    t->cohort = find_name(cohort_names, COUNT(cohort_names), jstr(o, "cohort"));
    t->mean_gap_days = jnum(o, "mean_gap_days");
    t->order_value = jnum(o, "order_value");
    t->coupon_p = jnum(o, "coupon_p");
    t->visit_rate = jnum(o, "visit_rate");
    t->purchases = (long)jnum(o, "purchases");
    t->lapsed_at = jts(o, "lapsed_at");
    t->cancelled_at = jts(o, "cancelled_at");
    t->churned_by_end = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "churned_by_end"));
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "campaign");
    t->assigned = cJSON_IsObject(c);
    if (t->assigned) {
        t->arm = find_name(arm_names, N_ARM, jstr(c, "arm"));
        t->channel = find_name(channel_names, N_CAMPAIGN_CHANNEL, jstr(c, "channel"));
        t->outcome = find_name(outcome_names, COUNT(outcome_names), jstr(c, "outcome"));
        t->lapsed_at_campaign = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "lapsed"));
        t->engagement = jnum(c, "engagement");
        t->p0 = jnum(c, "p0");
        t->q = jnum(c, "q");
        bool numbers = !isnan(t->engagement) && !isnan(t->p0) && !isnan(t->q);
        for (int a = 1; a < N_ARM; a++) {
            t->effect[a] = jpath(c, "effect", arm_names[a], NULL);
            t->uplift[a] = jpath(c, "uplift", arm_names[a], NULL);
            numbers = numbers && !isnan(t->effect[a]) && !isnan(t->uplift[a]);
        }
        if (!numbers)
            return false;
    }
    return t->segment >= 0 && t->cohort >= 0 &&
           (!t->assigned || (t->arm >= 0 && t->channel >= 0 && t->outcome >= 0));
}

/* Read the truth a line at a time: each customer line is parsed on its own into tc[1..n];
 * the other lines, which form the document without its customers, are returned parsed
 * (free with cJSON_Delete). */
static cJSON *load_truth(const char *path, size_t n, truth_customer *tc)
{
    FILE *fp = fopen(path, "rb");
    CHECK(fp != NULL);
    if (fp == NULL)
        return NULL;
    char *line = NULL, *skeleton = NULL;
    size_t line_cap = 0, sk_len = 0, n_seen = 0, n_bad = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, fp)) > 0) {
        if (strncmp(line, "{\"id\":", 6) == 0) {
            while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == ','))
                line[--len] = '\0';
            cJSON *o = cJSON_Parse(line);
            if (o == NULL || !parse_truth_customer(o, n, tc))
                n_bad++;
            n_seen++;
            cJSON_Delete(o);
            continue;
        }
        char *bigger = realloc(skeleton, sk_len + (size_t)len + 1);
        if (bigger == NULL)
            break;
        skeleton = bigger;
        memcpy(skeleton + sk_len, line, (size_t)len + 1);
        sk_len += (size_t)len;
    }
    free(line);
    fclose(fp);
    CHECK_EQ_INT(n_seen, n);
    CHECK_EQ_INT(n_bad, 0);
    cJSON *root = skeleton != NULL ? cJSON_Parse(skeleton) : NULL;
    free(skeleton);
    CHECK(root != NULL);
    return root;
}

/* ---- determinism ---- */

static ck_synth_params small_params(uint64_t seed)
{
    ck_synth_params p = CK_SYNTH_PARAMS_INIT;
    p.seed = seed;
    p.n_customers = 3000;
    p.days = 200;
    p.has_campaign = true;
    p.campaign_ts = p.start_ts + 150 * (int64_t)DAY;
    p.campaign_window_days = 30;
    return p;
}

static void test_synth__same_seed_same_bytes(void)
{
    ck_synth_params p = small_params(42);
    char *a[4], *b[4], *c[4];
    size_t la[4], lb[4], lc[4];
    bool ok_a = generate_bytes(&p, a, la), ok_b = generate_bytes(&p, b, lb);
    p.seed = 43;
    bool ok_c = generate_bytes(&p, c, lc);
    CHECK(ok_a && ok_b && ok_c);
    for (int i = 0; i < 4 && ok_a && ok_b && ok_c; i++) {
        CHECK(la[i] > 100);
        CHECK(la[i] == lb[i] && memcmp(a[i], b[i], la[i]) == 0);
        /* another seed: other bytes in every output */
        CHECK(la[i] != lc[i] || memcmp(a[i], c[i], la[i]) != 0);
    }
    for (int i = 0; i < 4; i++) {
        free(b[i]);
        free(c[i]);
    }
    /* customer i does not depend on the customers after it: half the population writes a
     * prefix of the events and customers files and of the truth's customer lines */
    p.seed = 42;
    p.n_customers = 1500;
    ok_c = generate_bytes(&p, c, lc);
    CHECK(ok_c);
    if (ok_a && ok_c) {
        for (int i = 0; i < 2; i++)
            CHECK(lc[i] < la[i] && memcmp(a[i], c[i], lc[i]) == 0);
        const char *half = strstr(c[3], "\"customers\":[");
        const char *full = strstr(a[3], "\"customers\":[");
        const char *cut = half != NULL ? strstr(half, "\n],") : NULL;
        CHECK(half != NULL && full != NULL && cut != NULL);
        if (half != NULL && full != NULL && cut != NULL)
            CHECK(memcmp(half, full, (size_t)(cut - half)) == 0);
    }
    for (int i = 0; i < 4; i++) {
        free(a[i]);
        free(c[i]);
    }
}

/* ---- the formats ---- */

static void test_synth__outputs_follow_the_contract(void)
{
    ck_synth_params p = small_params(7);
    p.n_customers = 5000;
    p.days = 365;
    p.campaign_ts = p.start_ts + 300 * (int64_t)DAY;
    int64_t end = p.start_ts + p.days * (int64_t)DAY;
    outputs o;
    ck_synth_stats stats;
    ck_error err = { 0 };
    CHECK_OK(generate(&p, "format", &o, &stats, &err));

    event_log ev;
    CHECK(load_events(o.events, p.n_customers, p.start_ts, end, &ev));
    CHECK_EQ_INT(stats.n_events, ev.n);
    size_t per_type[N_EVENT] = { 0 }, buyers = 0;
    for (size_t i = 0; i < ev.n; i++)
        per_type[ev.rows[i].type]++;
    for (int t = 0; t < N_EVENT; t++)
        CHECK_REPORT_(per_type[t] > 0, "no %s event among %zu rows", event_names[t], ev.n);
    for (size_t c = 1; c <= p.n_customers; c++) {
        bool bought = false;
        for (size_t i = ev.first[c]; i < ev.first[c + 1]; i++)
            bought |= ev.rows[i].type == EV_PURCHASE;
        buyers += bought;
    }
    CHECK_EQ_INT(stats.n_buyers, buyers);
    /* at least 1M rows/s needs compact rows: about 60 bytes on average */
    free_events(&ev);

    /* the whole truth is one valid JSON document */
    FILE *fp = fopen(o.truth, "rb");
    size_t len = 0;
    char *text = fp ? slurp(fp, &len) : NULL;
    if (fp)
        fclose(fp);
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    CHECK(root != NULL);
    CHECK_NEAR(jnum(root, "seed"), 7, 0);
    CHECK_NEAR(jnum(root, "n_customers"), 5000, 0);
    CHECK_EQ_STR(jstr(root, "start"), "2024-01-01");
    CHECK_NEAR(jnum(root, "days"), 365, 0);
    CHECK_EQ_STR(jstr(root, "end"), "2024-12-31");
    const cJSON *customers = cJSON_GetObjectItemCaseSensitive(root, "customers");
    CHECK_EQ_INT(cJSON_GetArraySize(customers), 5000);
    const cJSON *campaign = cJSON_GetObjectItemCaseSensitive(root, "campaign");
    CHECK_EQ_STR(jstr(campaign, "date"), "2024-10-27");
    CHECK_NEAR(jnum(campaign, "window_days"), 30, 0);
    static const char *const keys[] = {
        "arms",     "channels",  "segments",  "effect",       "channel_multiplier",
        "assigned", "true_rate", "true_lift", "true_revenue", "true_revenue_lift"
    };
    for (int k = 0; k < COUNT(keys); k++)
        CHECK_REPORT_(cJSON_GetObjectItemCaseSensitive(campaign, keys[k]) != NULL,
                      "campaign.%s missing", keys[k]);
    CHECK_NEAR(jpath(campaign, "assigned", "total", NULL), stats.n_assigned, 0);
    CHECK_NEAR(jpath(campaign, "true_lift", "by_arm", "control", NULL), 0, 0);

    /* customers CSV: one row per customer, in id order */
    truth_customer *tc = calloc(p.n_customers + 1, sizeof *tc);
    CHECK(tc != NULL);
    size_t i = 0;
    cJSON *item;
    cJSON_ArrayForEach(item, customers)
    {
        CHECK(tc != NULL && parse_truth_customer(item, p.n_customers, tc));
        i++;
    }
    cJSON_Delete(root);
    fp = fopen(o.customers, "rb");
    char line[512];
    CHECK(fp != NULL && fgets(line, sizeof line, fp) != NULL &&
          strcmp(line, "customer_id,signup_date,age,gender,city_tier,member_level\n") == 0);
    size_t n_rows = 0, n_bad = 0;
    double age_sum[N_SEGMENT] = { 0 }, age_n[N_SEGMENT] = { 0 };
    while (fp != NULL && tc != NULL && fgets(line, sizeof line, fp) != NULL) {
        char id[16], date[16], gender[8], tier[16], level[16];
        int age;
        n_rows++;
        if (sscanf(line, "%15[^,],%15[^,],%d,%7[^,],%15[^,],%15[^\n]", id, date, &age, gender, tier,
                   level) != 6) {
            n_bad++;
            continue;
        }
        char expect[16];
        snprintf(expect, sizeof expect, "C%07zu", n_rows);
        bool good = strcmp(id, expect) == 0 && date_ts(date) != -1 && age >= 18 && age <= 70 &&
                    (strcmp(gender, "F") == 0 || strcmp(gender, "M") == 0) &&
                    find_name(tier_names, 4, tier) >= 0 && find_name(level_names, 4, level) >= 0;
        n_bad += !good;
        if (good && n_rows <= p.n_customers) {
            age_sum[tc[n_rows].segment] += age;
            age_n[tc[n_rows].segment]++;
        }
    }
    if (fp)
        fclose(fp);
    CHECK_EQ_INT(n_rows, p.n_customers);
    CHECK_EQ_INT(n_bad, 0);
    /* high-value members are older than price-sensitive ones (7 vs -3 years offset) */
    CHECK(age_sum[SEG_HIGH] / age_n[SEG_HIGH] > age_sum[SEG_PRICE] / age_n[SEG_PRICE] + 5.0);

    /* assignments CSV: the truth's assigned customers, with the truth's arm, channel and
     * segment, on the campaign day */
    fp = fopen(o.assignments, "rb");
    CHECK(fp != NULL && fgets(line, sizeof line, fp) != NULL &&
          strcmp(line, "customer_id,arm,channel,assigned_at,segment\n") == 0);
    n_rows = n_bad = 0;
    while (fp != NULL && tc != NULL && fgets(line, sizeof line, fp) != NULL) {
        char id[16], arm[16], ch[16], date[16], seg[24];
        n_rows++;
        if (sscanf(line, "%15[^,],%15[^,],%15[^,],%15[^,],%23[^\n]", id, arm, ch, date, seg) != 5) {
            n_bad++;
            continue;
        }
        long k = strtol(id + 1, NULL, 10);
        bool good = id[0] == 'C' && strlen(id) == 8 && k >= 1 && (size_t)k <= p.n_customers &&
                    strcmp(date, "2024-10-27") == 0;
        good = good && tc[k].assigned && tc[k].arm == find_name(arm_names, N_ARM, arm) &&
               tc[k].channel == find_name(channel_names, N_CAMPAIGN_CHANNEL, ch) &&
               tc[k].segment == find_name(segment_names, N_SEGMENT, seg);
        n_bad += !good;
    }
    if (fp)
        fclose(fp);
    CHECK_EQ_INT(n_bad, 0);
    CHECK_EQ_INT(n_rows, stats.n_assigned);
    CHECK(stats.n_assigned > 100);
    free(tc);
    remove_outputs(&o);
}

/* ---- realism, on one population of 20,000 customers over two years ---- */

static struct population {
    bool loaded;
    ck_synth_params p;
    int64_t end;
    event_log ev;
    truth_customer *tc;
    cJSON *root;
} pop;

static bool load_population(void)
{
    if (pop.loaded)
        return pop.tc != NULL;
    pop.loaded = true;
    ck_synth_params p = CK_SYNTH_PARAMS_INIT;
    p.seed = 2024;
    p.n_customers = 20000;
    p.days = 730;
    p.has_campaign = true;
    p.campaign_ts = p.start_ts + 600 * (int64_t)DAY;
    p.campaign_window_days = 30;
    pop.p = p;
    pop.end = p.start_ts + p.days * (int64_t)DAY;
    outputs o;
    ck_error err = { 0 };
    CHECK_OK(generate(&p, "population", &o, NULL, &err));
    bool ok = load_events(o.events, p.n_customers, p.start_ts, pop.end, &pop.ev);
    pop.tc = calloc(p.n_customers + 1, sizeof *pop.tc);
    if (ok && pop.tc != NULL)
        pop.root = load_truth(o.truth, p.n_customers, pop.tc);
    remove_outputs(&o);
    if (!ok || pop.root == NULL) {
        free(pop.tc);
        pop.tc = NULL;
    }
    return pop.tc != NULL;
}

static void test_synth__log_agrees_with_latent_state(void)
{
    if (!load_population())
        return;
    size_t bad_count = 0, bad_prospect = 0, bad_lapse = 0, bad_cancel = 0, bad_churn = 0;
    size_t bad_points = 0, bad_refund = 0, n_lapsed = 0, n_cancelled = 0, n_prospects = 0;
    for (size_t c = 1; c <= pop.p.n_customers; c++) {
        const truth_customer *t = &pop.tc[c];
        long purchases = 0;
        int64_t points = 0, largest_order = 0;
        bool cancel_seen = false, after_cancel = false, after_lapse = false;
        for (size_t i = pop.ev.first[c]; i < pop.ev.first[c + 1]; i++) {
            const row *r = &pop.ev.rows[i];
            purchases += r->type == EV_PURCHASE;
            if (r->type == EV_PURCHASE && r->amount > largest_order)
                largest_order = r->amount;
            /* a refund returns (part of) an order logged before it */
            bad_refund += r->type == EV_REFUND && r->amount > largest_order;
            /* points are redeemed only from the balance the log shows */
            points += r->type == EV_POINTS_EARN ? r->amount : 0;
            points -= r->type == EV_POINTS_REDEEM ? r->amount : 0;
            bad_points += points < 0;
            if (r->type == EV_PURCHASE && r->ts >= t->lapsed_at)
                after_lapse = true;
            if (r->type == EV_CANCEL)
                cancel_seen = r->ts == t->cancelled_at;
            else if (r->ts >= t->cancelled_at)
                after_cancel = true;
        }
        bad_count += purchases != t->purchases;
        bad_prospect += t->cohort == CO_PROSPECT && purchases != 0;
        bad_lapse += after_lapse;
        /* a cancellation before the period (an existing member's) is in the truth only */
        bool cancel_logged = t->cancelled_at != NONE && t->cancelled_at >= pop.p.start_ts;
        bad_cancel += after_cancel || cancel_seen != cancel_logged;
        bad_churn += t->churned_by_end != (t->lapsed_at != NONE || t->cancelled_at != NONE);
        n_lapsed += t->lapsed_at != NONE;
        n_cancelled += t->cancelled_at != NONE;
        n_prospects += t->cohort == CO_PROSPECT;
    }
    CHECK_EQ_INT(bad_count, 0);
    CHECK_EQ_INT(bad_prospect, 0); /* prospects never buy */
    CHECK_EQ_INT(bad_lapse, 0);    /* no purchase after the lapse */
    CHECK_EQ_INT(bad_cancel, 0);   /* nothing after a cancellation, which is logged */
    CHECK_EQ_INT(bad_churn, 0);
    CHECK_EQ_INT(bad_points, 0);
    CHECK_EQ_INT(bad_refund, 0);
    /* the cohorts are all there: about 25% prospects, many lapses, some cancellations */
    CHECK(n_prospects > 4000 && n_prospects < 6000);
    CHECK(n_lapsed > 4000);
    CHECK(n_cancelled > 1000);
}

static void test_synth__segments_behave_differently(void)
{
    if (!load_population())
        return;
    double purchases[N_SEGMENT] = { 0 }, coupons[N_SEGMENT] = { 0 }, revenue[N_SEGMENT] = { 0 };
    double views[N_SEGMENT] = { 0 };
    for (size_t i = 0; i < pop.ev.n; i++) {
        const row *r = &pop.ev.rows[i];
        int s = pop.tc[r->cust].segment;
        if (r->type == EV_PURCHASE) {
            purchases[s]++;
            revenue[s] += (double)r->amount / 100.0;
        }
        coupons[s] += r->type == EV_COUPON;
        views[s] += r->type == EV_VIEW;
    }
    double share[N_SEGMENT], aov[N_SEGMENT], views_per_purchase[N_SEGMENT];
    for (int s = 0; s < N_SEGMENT; s++) {
        CHECK(purchases[s] > 1000);
        share[s] = coupons[s] / purchases[s];
        aov[s] = revenue[s] / purchases[s];
        views_per_purchase[s] = views[s] / purchases[s];
    }
    /* designed: coupon use 55% vs 4-8%; order value 820 vs 180-330; browsing 0.4 views a
     * visit and few sessions vs 1.4-1.8. The bounds leave room for the spread between
     * customers (log-normal, sigma 0.3) over thousands of purchases. */
    CHECK(share[SEG_PRICE] > 0.4);
    CHECK(aov[SEG_HIGH] > 600.0);
    for (int s = 0; s < N_SEGMENT; s++) {
        if (s != SEG_PRICE)
            CHECK_REPORT_(share[SEG_PRICE] > 4.0 * share[s], "coupon share %s %g vs %s %g",
                          segment_names[SEG_PRICE], share[SEG_PRICE], segment_names[s], share[s]);
        if (s != SEG_HIGH)
            CHECK_REPORT_(aov[SEG_HIGH] > 2.0 * aov[s], "order value %s %g vs %s %g",
                          segment_names[SEG_HIGH], aov[SEG_HIGH], segment_names[s], aov[s]);
        if (s != SEG_LOW)
            CHECK_REPORT_(views_per_purchase[SEG_LOW] < 0.5 * views_per_purchase[s],
                          "views per purchase %s %g vs %s %g", segment_names[SEG_LOW],
                          views_per_purchase[SEG_LOW], segment_names[s], views_per_purchase[s]);
    }
}

static void test_synth__steady_gaps_follow_the_latent_cycle(void)
{
    if (!load_population())
        return;
    /* Pool the complete gaps of steady buyers outside the campaign (whose window changes
     * the process). Gaps are Gamma with the customer's latent mean, but a long gap is less
     * likely to fit inside the two years than a short one (length-biased sampling), which
     * pulls the observed mean down by about var / (period - mean), 2-6% here: hence the
     * asymmetric tolerance. */
    double observed = 0.0, latent = 0.0;
    size_t n_gaps = 0;
    for (size_t c = 1; c <= pop.p.n_customers; c++) {
        const truth_customer *t = &pop.tc[c];
        if (t->cohort != CO_STEADY || t->assigned)
            continue;
        int64_t prev = -1;
        for (size_t i = pop.ev.first[c]; i < pop.ev.first[c + 1]; i++) {
            const row *r = &pop.ev.rows[i];
            if (r->type != EV_PURCHASE)
                continue;
            if (prev >= 0) {
                observed += (double)(r->ts - prev) / DAY;
                latent += t->mean_gap_days;
                n_gaps++;
            }
            prev = r->ts;
        }
    }
    CHECK(n_gaps > 10000);
    double ratio = observed / latent;
    CHECK_REPORT_(ratio > 0.90 && ratio < 1.02, "observed / latent mean gap %g", ratio);
}

static int compare_scored(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void test_synth__churn_is_predictable_but_not_trivially(void)
{
    if (!load_population())
        return;
    /* The churn definition of DESIGN.md at T = one year in: buyers of [T - 365 d, T) who
     * make no purchase in [T, T + 90 d). Recency alone should rank them well (AUC by
     * Mann-Whitney, ties averaged) but far from perfectly. */
    int64_t t0 = pop.p.start_ts + 365 * (int64_t)DAY;
    double *scored = malloc(pop.p.n_customers * 2 * sizeof *scored);
    CHECK(scored != NULL);
    if (scored == NULL)
        return;
    size_t n = 0, n_pos = 0;
    for (size_t c = 1; c <= pop.p.n_customers; c++) {
        int64_t last = -1;
        bool bought_after = false;
        for (size_t i = pop.ev.first[c]; i < pop.ev.first[c + 1]; i++) {
            const row *r = &pop.ev.rows[i];
            if (r->type != EV_PURCHASE)
                continue;
            if (r->ts < t0)
                last = r->ts;
            else if (r->ts < t0 + 90 * (int64_t)DAY)
                bought_after = true;
        }
        if (last < 0 || last < t0 - 365 * (int64_t)DAY)
            continue;
        scored[2 * n] = (double)(t0 - last);
        scored[2 * n + 1] = bought_after ? 0.0 : 1.0;
        n_pos += !bought_after;
        n++;
    }
    qsort(scored, n, 2 * sizeof *scored, compare_scored);
    double rank_sum = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && scored[2 * j] == scored[2 * i])
            j++;
        double mid_rank = (double)(i + j + 1) / 2.0;
        for (size_t k = i; k < j; k++)
            rank_sum += scored[2 * k + 1] * mid_rank;
        i = j;
    }
    double n1 = (double)n_pos, n0 = (double)(n - n_pos);
    double auc = (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0);
    double churn_rate = n1 / (double)n;
    CHECK(n > 3000);
    CHECK_REPORT_(churn_rate > 0.25 && churn_rate < 0.75, "churn rate %g", churn_rate);
    CHECK_REPORT_(auc > 0.65 && auc < 0.93, "AUC of recency %g", auc);
    free(scored);
}

/* ---- the campaign against its truth ---- */

typedef struct tally {
    double n, conversions, revenue, revenue_sq;
} tally;

static double rate_of(const tally *t)
{
    return t->conversions / t->n;
}

static double rate_var(const tally *t)
{
    double r = rate_of(t);
    return r * (1 - r) / t->n;
}

static double revenue_mean(const tally *t)
{
    return t->revenue / t->n;
}

static double revenue_var(const tally *t)
{
    double m = revenue_mean(t);
    return (t->revenue_sq / t->n - m * m) / (t->n - 1);
}

/* The effects documented in synth.h, written out again from the documentation: discount
 * 0.02 + 0.24 coupon_p; vip 0.01 + 0.14 / (1 + exp(-ln(order_value / 500) / 0.25)); content
 * 0.02 + 0.24 g - 0.2 (1 - g) max(0, 1 - L / 0.5) with g = min(1, max(0, (mean_gap_days -
 * 40) / 60)) and L the engagement on the campaign day. */
static void documented_effects(const truth_customer *t, double *effect)
{
    effect[ARM_CONTROL] = 0.0;
    effect[ARM_DISCOUNT] = 0.02 + 0.24 * t->coupon_p;
    effect[ARM_VIP] = 0.01 + 0.14 / (1.0 + exp(-log(t->order_value / 500.0) / 0.25));
    double g = fmin(1.0, fmax(0.0, (t->mean_gap_days - 40.0) / 60.0));
    effect[ARM_CONTENT] = 0.02 + 0.24 * g - 0.2 * (1.0 - g) * fmax(0.0, 1.0 - t->engagement / 0.5);
}

/* P(convert | q) - p0: p0 + (1 - p0) q, or p0 (1 + q) when the effect is negative. */
static double lift_at(double p0, double q)
{
    return q >= 0 ? (1.0 - p0) * q : p0 * q;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * A population of 200,000 over 120 days, the campaign on day 90 (about 27,000 assigned).
 * Exact (1e-12, rounding only): each customer's effects, q and uplift recomputed from their
 * own traits in the truth with the documented formulas, and every group truth (true_lift,
 * true_rate by arm, segment and channel, the effect table) recomputed as the mean over the
 * group's assigned customers. Statistical (4 standard errors, so a false alarm about once
 * in 16,000 checks): the log's conversion rates and differences in means against the truth,
 * overall, per segment, and in the halves of the population above and below the median
 * true uplift of each arm, which must differ in the log as they do in the truth.
 */
static void test_synth__campaign_matches_its_truth(void)
{
    ck_synth_params p = CK_SYNTH_PARAMS_INIT;
    p.seed = 99;
    p.n_customers = 200000;
    p.days = 120;
    p.has_campaign = true;
    p.campaign_ts = p.start_ts + 90 * (int64_t)DAY;
    p.campaign_window_days = 30;
    int64_t end = p.start_ts + p.days * (int64_t)DAY;
    int64_t t0 = p.campaign_ts, t1 = t0 + 30 * (int64_t)DAY;
    outputs o;
    ck_error err = { 0 };
    ck_synth_stats stats;
    CHECK_OK(generate(&p, "campaign", &o, &stats, &err));
    truth_customer *tc = calloc(p.n_customers + 1, sizeof *tc);
    bool *converted = calloc(p.n_customers + 1, sizeof *converted);
    double *sorted = malloc(p.n_customers * sizeof *sorted);
    event_log ev;
    bool ok = tc != NULL && converted != NULL && sorted != NULL &&
              load_events(o.events, p.n_customers, p.start_ts, end, &ev);
    cJSON *root = ok ? load_truth(o.truth, p.n_customers, tc) : NULL;
    remove_outputs(&o);
    if (!ok || root == NULL) {
        free(tc);
        free(converted);
        free(sorted);
        if (ok)
            free_events(&ev);
        CHECK(false);
        return;
    }
    const cJSON *camp = cJSON_GetObjectItemCaseSensitive(root, "campaign");
    double mult[N_CAMPAIGN_CHANNEL];
    for (int k = 0; k < N_CAMPAIGN_CHANNEL; k++)
        mult[k] = jpath(camp, "channel_multiplier", channel_names[k], NULL);

    tally by_arm[N_ARM] = { { 0 } }, by_seg[N_SEGMENT][N_ARM] = { { { 0 } } };
    double p0_sum = 0.0, lift_sum[N_ARM] = { 0 }, n_seg[N_SEGMENT] = { 0 };
    double seg_p0[N_SEGMENT] = { 0 }, seg_lift[N_SEGMENT][N_ARM] = { { 0 } };
    double seg_effect[N_SEGMENT][N_ARM] = { { 0 } };
    double n_ch[N_CAMPAIGN_CHANNEL] = { 0 }, ch_lift[N_CAMPAIGN_CHANNEL][N_ARM] = { { 0 } };
    size_t n_assigned = 0, bad_outcome = 0, bad_q = 0, bad_recall = 0, bad_effect = 0;
    size_t bad_uplift = 0, negative[N_ARM] = { 0 }, negative_high = 0, n_deterred = 0;
    double deterred_expected = 0.0;
    for (size_t c = 1; c <= p.n_customers; c++) {
        const truth_customer *t = &tc[c];
        if (!t->assigned)
            continue;
        n_assigned++;
        /* the outcome shows in the log: one purchase in the window exactly when converted,
         * through the campaign channel after a campaign event for a recall */
        size_t in_window = 0;
        double amount = 0.0;
        bool recall_ok = t->outcome != OUT_RECALL;
        int64_t last_campaign = -1;
        for (size_t i = ev.first[c]; i < ev.first[c + 1]; i++) {
            const row *r = &ev.rows[i];
            if (r->type == EV_CAMPAIGN && r->ts >= t0)
                last_campaign = r->ts;
            if (r->type != EV_PURCHASE || r->ts < t0 || r->ts >= t1)
                continue;
            in_window++;
            amount += (double)r->amount / 100.0;
            if (t->outcome == OUT_RECALL)
                recall_ok = r->channel == t->channel && last_campaign >= t0;
        }
        converted[c] = in_window > 0;
        bool converts = t->outcome == OUT_NATURAL || t->outcome == OUT_RECALL;
        bad_outcome += in_window != (converts ? 1u : 0u);
        bad_outcome += t->arm == ARM_CONTROL && t->outcome == OUT_RECALL;
        /* only a harmful contact deters, and it never brings anyone back */
        bad_outcome += t->outcome == OUT_DETERRED && !(t->q < 0);
        bad_outcome += t->outcome == OUT_RECALL && !(t->q > 0);
        n_deterred += t->outcome == OUT_DETERRED;
        if (t->q < 0)
            deterred_expected += t->p0 * -t->q;
        bad_recall += !recall_ok;

        double effect[N_ARM];
        documented_effects(t, effect);
        bad_q += fabs(effect[t->arm] * mult[t->channel] - t->q) > 1e-12;
        for (int a = 0; a < N_ARM; a++) {
            double uplift = 0.0;
            for (int k = 0; k < N_CAMPAIGN_CHANNEL; k++)
                uplift += lift_at(t->p0, effect[a] * mult[k]) / N_CAMPAIGN_CHANNEL;
            if (a > ARM_CONTROL) {
                bad_effect += fabs(effect[a] - t->effect[a]) > 1e-12;
                bad_uplift += fabs(uplift - t->uplift[a]) > 1e-12;
                negative[a] += t->uplift[a] < 0;
            }
            lift_sum[a] += t->uplift[a];
            seg_lift[t->segment][a] += t->uplift[a];
            seg_effect[t->segment][a] += t->effect[a];
            ch_lift[t->channel][a] += lift_at(t->p0, t->effect[a] * mult[t->channel]);
        }
        negative_high += t->segment == SEG_HIGH && t->uplift[ARM_CONTENT] < 0;
        p0_sum += t->p0;
        seg_p0[t->segment] += t->p0;
        n_seg[t->segment]++;
        n_ch[t->channel]++;
        tally *cells[2] = { &by_arm[t->arm], &by_seg[t->segment][t->arm] };
        for (int k = 0; k < 2; k++) {
            cells[k]->n++;
            cells[k]->conversions += in_window > 0;
            cells[k]->revenue += amount;
            cells[k]->revenue_sq += amount * amount;
        }
    }
    CHECK_EQ_INT(bad_outcome, 0);
    CHECK_EQ_INT(bad_recall, 0);
    CHECK_EQ_INT(bad_q, 0);
    CHECK_EQ_INT(bad_effect, 0);
    CHECK_EQ_INT(bad_uplift, 0);
    CHECK_EQ_INT(n_assigned, stats.n_assigned);
    CHECK(n_assigned > 20000);
    /* discount and vip never harm; content harms some, the short-cycle high spenders most
     * often */
    CHECK_EQ_INT(negative[ARM_DISCOUNT], 0);
    CHECK_EQ_INT(negative[ARM_VIP], 0);
    CHECK(negative[ARM_CONTENT] > n_assigned / 50);
    CHECK((double)negative_high / n_seg[SEG_HIGH] > (double)negative[ARM_CONTENT] / n_assigned);
    /* the deterred: a share |q| of the natural returners, p0 |q| each (4 SE of a Poisson) */
    CHECK_NEAR((double)n_deterred, deterred_expected, 4 * sqrt(deterred_expected) + 1);
    printf("assigned %zu; content uplift negative for %zu (%.1f%%); %zu deterred, %.1f expected\n",
           n_assigned, negative[ARM_CONTENT],
           100.0 * (double)negative[ARM_CONTENT] / (double)n_assigned, n_deterred,
           deterred_expected);

    /* the group truths are the means of the per-customer truths (rounding only) */
    for (int a = 0; a < N_ARM; a++) {
        const char *arm = arm_names[a];
        CHECK_NEAR(jpath(camp, "true_lift", "by_arm", arm, NULL), lift_sum[a] / n_assigned, 1e-12);
        CHECK_NEAR(jpath(camp, "true_rate", "by_arm", arm, NULL),
                   (p0_sum + lift_sum[a]) / n_assigned, 1e-12);
        for (int s = 0; s < N_SEGMENT; s++) {
            const char *seg = segment_names[s];
            CHECK_NEAR(jpath(camp, "true_lift", "by_segment", seg, arm, NULL),
                       seg_lift[s][a] / n_seg[s], 1e-12);
            CHECK_NEAR(jpath(camp, "true_rate", "by_segment", seg, arm, NULL),
                       (seg_p0[s] + seg_lift[s][a]) / n_seg[s], 1e-12);
            CHECK_NEAR(jpath(camp, "effect", arm, seg, NULL), seg_effect[s][a] / n_seg[s], 1e-12);
        }
        /* per channel: the lift through that channel of the customers it reached */
        for (int k = 0; k < N_CAMPAIGN_CHANNEL; k++) {
            double lift = ch_lift[k][a] / n_ch[k];
            CHECK_NEAR(jpath(camp, "true_lift", "by_channel", channel_names[k], arm, NULL), lift,
                       1e-12);
            CHECK_NEAR(jpath(camp, "true_lift", "by_arm_channel", arm, channel_names[k], NULL),
                       lift, 1e-12);
        }
    }

    for (int a = 0; a < N_ARM; a++) {
        const char *arm = arm_names[a];
        /* equal random split: each arm within 4 SE of a quarter */
        double share_se = sqrt(0.25 * 0.75 / n_assigned);
        CHECK_NEAR(by_arm[a].n / n_assigned, 0.25, 4 * share_se);
        /* the realised conversion rate within 4 SE of the true rate */
        double truth_rate = jpath(camp, "true_rate", "by_arm", arm, NULL);
        CHECK_NEAR(rate_of(&by_arm[a]), truth_rate, 4 * sqrt(rate_var(&by_arm[a])));
        if (a == ARM_CONTROL)
            continue;
        /* the realised difference in conversion rates within 4 SE of the mean true uplift */
        double seen = rate_of(&by_arm[a]) - rate_of(&by_arm[ARM_CONTROL]);
        double se = sqrt(rate_var(&by_arm[a]) + rate_var(&by_arm[ARM_CONTROL]));
        double truth = lift_sum[a] / n_assigned;
        CHECK_REPORT_(fabs(seen - truth) <= 4 * se, "%s lift %g, mean true uplift %g, se %g", arm,
                      seen, truth, se);
        /* realised revenue lift against control within 4 SE of the truth */
        double rev_lift = revenue_mean(&by_arm[a]) - revenue_mean(&by_arm[ARM_CONTROL]);
        double rev_se = sqrt(revenue_var(&by_arm[a]) + revenue_var(&by_arm[ARM_CONTROL]));
        CHECK_NEAR(rev_lift, jpath(camp, "true_revenue_lift", "by_arm", arm, NULL), 4 * rev_se);

        /* the heterogeneity is real: split at the median true uplift of the arm, each
         * half's realised lift is within 4 SE of its mean true uplift, and the upper half's
         * exceeds the lower half's */
        size_t n_sorted = 0;
        for (size_t c = 1; c <= p.n_customers; c++)
            if (tc[c].assigned)
                sorted[n_sorted++] = tc[c].uplift[a];
        qsort(sorted, n_sorted, sizeof *sorted, compare_double);
        double median = sorted[n_sorted / 2];
        tally half[2][2] = { { { 0 } } }; /* [upper][treated] */
        double half_truth[2] = { 0 }, half_n[2] = { 0 };
        for (size_t c = 1; c <= p.n_customers; c++) {
            const truth_customer *t = &tc[c];
            if (!t->assigned)
                continue;
            int upper = t->uplift[a] >= median;
            half_truth[upper] += t->uplift[a];
            half_n[upper]++;
            if (t->arm != a && t->arm != ARM_CONTROL)
                continue;
            tally *x = &half[upper][t->arm == a];
            x->n++;
            x->conversions += converted[c];
        }
        double half_seen[2];
        for (int h = 0; h < 2; h++) {
            half_seen[h] = rate_of(&half[h][1]) - rate_of(&half[h][0]);
            double half_se = sqrt(rate_var(&half[h][1]) + rate_var(&half[h][0]));
            double want = half_truth[h] / half_n[h];
            CHECK_REPORT_(fabs(half_seen[h] - want) <= 4 * half_se,
                          "%s, %s half: lift %g, mean true uplift %g, se %g", arm,
                          h ? "upper" : "lower", half_seen[h], want, half_se);
        }
        CHECK_REPORT_(half_seen[1] > half_seen[0], "%s: upper half %g, lower half %g", arm,
                      half_seen[1], half_seen[0]);
    }

    static const int designed_best[N_SEGMENT] = { ARM_DISCOUNT, ARM_VIP, ARM_CONTENT, -1 };
    for (int s = 0; s < N_SEGMENT; s++) {
        const char *seg = segment_names[s];
        int best_true = -1, best_seen = -1;
        double top_true = -1, top_seen = -1;
        for (int a = 1; a < N_ARM; a++) {
            const tally *x = &by_seg[s][a], *ctl = &by_seg[s][ARM_CONTROL];
            double seen = rate_of(x) - rate_of(ctl);
            double se = sqrt(rate_var(x) + rate_var(ctl));
            double truth = jpath(camp, "true_lift", "by_segment", seg, arm_names[a], NULL);
            /* realised lift of each arm in each segment within 4 SE of the truth */
            CHECK_REPORT_(fabs(seen - truth) <= 4 * se, "%s/%s lift %g, truth %g, se %g", seg,
                          arm_names[a], seen, truth, se);
            if (truth > top_true) {
                top_true = truth;
                best_true = a;
            }
            if (seen > top_seen) {
                top_seen = seen;
                best_seen = a;
            }
        }
        /* each lever wins on the segment it was designed for, in truth and in the log */
        if (designed_best[s] >= 0) {
            CHECK_EQ_INT(best_true, designed_best[s]);
            CHECK_EQ_INT(best_seen, designed_best[s]);
        }
    }
    cJSON_Delete(root);
    free_events(&ev);
    free(sorted);
    free(converted);
    free(tc);
}

/* ---- errors ---- */

static void test_synth__bad_parameters_are_refused(void)
{
    ck_error err = { 0 };
    ck_synth_params ok = small_params(1);
    CHECK_OK(ck_synth_check_params(&ok, &err));

    ck_synth_params p = ok;
    p.n_customers = 0;
    CHECK_EQ_INT(ck_synth_check_params(&p, &err), CK_EINVAL);
    CHECK(strstr(err.msg, "n_customers") != NULL);
    p = ok;
    p.days = 0;
    CHECK_EQ_INT(ck_synth_check_params(&p, &err), CK_EINVAL);
    p.days = CK_SYNTH_MAX_DAYS + 1;
    CHECK_EQ_INT(ck_synth_check_params(&p, &err), CK_EINVAL);
    CHECK(strstr(err.msg, "days") != NULL);
    p = ok;
    p.start_ts += 5;
    CHECK_EQ_INT(ck_synth_check_params(&p, &err), CK_EINVAL);
    p = ok;
    p.start_ts = date_ts("9999-06-01");
    CHECK_EQ_INT(ck_synth_check_params(&p, &err), CK_EINVAL); /* ends after 9999 */
    p = ok;
    p.campaign_window_days = 0;
    CHECK_EQ_INT(ck_synth_check_params(&p, &err), CK_EINVAL);
    p = ok;
    p.campaign_ts = p.start_ts; /* no history before the campaign */
    CHECK_EQ_INT(ck_synth_check_params(&p, &err), CK_EINVAL);
    CHECK(strstr(err.msg, "2024-01-02") != NULL && strstr(err.msg, "2024-06-19") != NULL);
    p = ok;
    p.campaign_ts = p.start_ts + 171 * (int64_t)DAY; /* the window would pass the end */
    CHECK_EQ_INT(ck_synth_check_params(&p, &err), CK_EINVAL);
    p.campaign_ts = p.start_ts + 170 * (int64_t)DAY; /* the last day that fits */
    CHECK_OK(ck_synth_check_params(&p, &err));
    p.campaign_ts += 3600;
    CHECK_EQ_INT(ck_synth_check_params(&p, &err), CK_EINVAL);
    p = ok;
    p.has_campaign = false;
    p.campaign_window_days = 0; /* ignored without a campaign */
    CHECK_OK(ck_synth_check_params(&p, &err));

    /* assignments need a campaign; nothing is written */
    FILE *ev = tmpfile(), *as = tmpfile();
    CHECK(ev != NULL && as != NULL);
    if (ev != NULL && as != NULL) {
        CHECK_EQ_INT(ck_synth_write(&p, ev, NULL, as, NULL, NULL, NULL, NULL, &err), CK_EINVAL);
        CHECK(ftell(ev) == 0 && ftell(as) == 0);
    }
    if (ev)
        fclose(ev);
    if (as)
        fclose(as);
}

static void test_synth__write_errors_are_reported(void)
{
    FILE *full = fopen("/dev/full", "wb");
    if (full == NULL)
        return; /* not Linux */
    ck_synth_params p = small_params(5);
    ck_error err = { 0 };
    CHECK_EQ_INT(ck_synth_write(&p, full, NULL, NULL, NULL, NULL, NULL, NULL, &err), CK_EIO);
    CHECK(strstr(err.msg, "writing events") != NULL);
    fclose(full);
}

static void record_progress(double fraction, void *payload)
{
    double *last = payload;
    if (fraction < last[0])
        last[1] = 1; /* went backwards */
    last[0] = fraction;
    last[2]++;
}

static void test_synth__progress_reaches_one(void)
{
    ck_synth_params p = small_params(3);
    p.has_campaign = false;
    FILE *ev = tmpfile();
    double state[3] = { 0, 0, 0 };
    ck_error err = { 0 };
    CHECK(ev != NULL);
    if (ev == NULL)
        return;
    CHECK_OK(ck_synth_write(&p, ev, NULL, NULL, NULL, NULL, record_progress, state, &err));
    CHECK_NEAR(state[0], 1.0, 0);
    CHECK_NEAR(state[1], 0, 0);
    CHECK(state[2] >= 10 && state[2] <= 300);
    fclose(ev);
}

int main(void)
{
    RUN(test_synth__same_seed_same_bytes);
    RUN(test_synth__outputs_follow_the_contract);
    RUN(test_synth__log_agrees_with_latent_state);
    RUN(test_synth__segments_behave_differently);
    RUN(test_synth__steady_gaps_follow_the_latent_cycle);
    RUN(test_synth__churn_is_predictable_but_not_trivially);
    RUN(test_synth__campaign_matches_its_truth);
    RUN(test_synth__bad_parameters_are_refused);
    RUN(test_synth__write_errors_are_reported);
    RUN(test_synth__progress_reaches_one);
    free_events(&pop.ev);
    free(pop.tc);
    cJSON_Delete(pop.root);
    return check_summary();
}

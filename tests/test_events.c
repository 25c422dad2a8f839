/*
 * Event store tests: reading by column name and through the config's renames and
 * aliases, per-customer time order (ties in file order), every timestamp form (expected
 * seconds from Python's calendar.timegm), gzip, bad rows skipped with their raw text,
 * negative amounts refused on the events whose amount is read, NUL bytes and amounts
 * beyond 1e15 refused as bad rows.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "churnkit/config.h"
#include "churnkit/events.h"

#define TMP CK_TEST_TMP "/events_"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

static ck_events *read_events(const char *path, const ck_events_read_opts *opts)
{
    ck_error err = { 0 };
    ck_events *ev = NULL;
    CHECK_OK(ck_events_read_csv(&ev, path, opts, &err));
    return ev;
}

static const char unsorted[] =
    "event,customer_id,ts,extra,amount\n"
    "purchase,b,2024-01-03,x,3\n"
    "view,a,2024-01-02T00:00:00Z,y,\n"
    "purchase,b,2024-01-01,z,1\n"
    "cart,b,2024-01-03,w,2\n" /* same second as the first row: keeps file order */
    "visit,a,1704067200,v,\n";

static void test_events__sorted_per_customer_ties_in_file_order(void)
{
    write_file(TMP "unsorted.csv", unsorted);
    ck_events *ev = read_events(TMP "unsorted.csv", NULL);
    if (ev == NULL)
        return;
    CHECK_EQ_INT(ck_events_n_customers(ev), 2);
    CHECK_EQ_INT(ck_events_n_events(ev), 5);
    CHECK_EQ_STR(ck_events_customer_id(ev, 0), "b"); /* first appearance order */
    CHECK_EQ_STR(ck_events_customer_id(ev, 1), "a");
    CHECK_EQ_INT(ck_events_find_customer(ev, "a"), 1);
    CHECK_EQ_INT(ck_events_find_customer(ev, "zz"), -1);
    ck_event_span b = ck_events_customer(ev, 0);
    CHECK_EQ_INT(b.n, 3);
    CHECK_EQ_INT(b.ts[0], 1704067200); /* 2024-01-01 */
    CHECK_EQ_INT(b.ts[1], 1704240000); /* 2024-01-03 */
    CHECK_EQ_INT(b.ts[2], 1704240000);
    CHECK_EQ_INT(b.type[0], CK_EV_PURCHASE);
    CHECK_NEAR(b.amount[0], 1.0, 0);
    CHECK_EQ_INT(b.type[1], CK_EV_PURCHASE);
    CHECK_NEAR(b.amount[1], 3.0, 0);
    CHECK_EQ_INT(b.type[2], CK_EV_CART);
    ck_event_span a = ck_events_customer(ev, 1);
    CHECK_EQ_INT(a.n, 2);
    CHECK_EQ_INT(a.type[0], CK_EV_VISIT);
    CHECK_EQ_INT(a.type[1], CK_EV_VIEW);
    CHECK_NEAR(a.amount[1], 0.0, 0);         /* empty amount */
    CHECK_EQ_INT(a.channel[0], CK_NO_LEVEL); /* no channel column at all */
    CHECK_EQ_INT(ck_events_min_ts(ev), 1704067200);
    CHECK_EQ_INT(ck_events_max_ts(ev), 1704240000);
    /* the prefix before a time, by binary search */
    CHECK_EQ_INT(ck_event_span_before(b, 1704240000).n, 1);
    CHECK_EQ_INT(ck_event_span_before(b, 1704240001).n, 3);
    CHECK_EQ_INT(ck_event_span_before(b, 0).n, 0);
    ck_events_free(ev);
}

static void test_events__every_timestamp_form(void)
{
    /* expected: calendar.timegm of each instant, computed with Python */
    write_file(TMP "forms.csv", "customer_id,ts,event\n"
                                "c,2024-03-10,visit\n"                /* 1710028800 */
                                "c,2024-03-10T01:02:03,visit\n"       /* 1710032523 */
                                "c,2024-03-10 01:02:04Z,visit\n"      /* 1710032524 */
                                "c,2024-03-10T01:02:05.999Z,visit\n"  /* 1710032525 */
                                "c,2024-03-10T09:02:06+08:00,visit\n" /* 1710032526 */
                                "c,2024-03-09T20:02:07-0500,visit\n"  /* 1710032527 */
                                "c,1710032528,visit\n"                /* 1710032528 */
                                "c,1710032529.75,visit\n"             /* 1710032529 */
                                "c, 2024-03-10T01:02:10Z ,visit\n");  /* trimmed */
    ck_events *ev = read_events(TMP "forms.csv", NULL);
    if (ev == NULL)
        return;
    const int64_t expect[9] = { 1710028800, 1710032523, 1710032524, 1710032525, 1710032526,
                                1710032527, 1710032528, 1710032529, 1710032530 };
    ck_event_span s = ck_events_customer(ev, 0);
    CHECK_EQ_INT(s.n, 9);
    for (size_t i = 0; i < 9 && i < s.n; i++)
        CHECK_EQ_INT(s.ts[i], expect[i]);
    ck_events_free(ev);
}

static void test_events__columns_renamed_and_aliases(void)
{
    ck_error err = { 0 };
    ck_config cfg;
    CHECK_OK(ck_config_load(&cfg, CK_TEST_DATA "/events/renamed.json", &err));
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    opts.config = &cfg;
    ck_events *ev = read_events(CK_TEST_DATA "/events/renamed.csv", &opts);
    if (ev == NULL)
        return;
    CHECK_EQ_STR(ck_events_customer_id(ev, 0), "m1");
    ck_event_span m1 = ck_events_customer(ev, 0);
    CHECK_EQ_INT(m1.n, 3);
    CHECK_EQ_INT(m1.type[0], CK_EV_PURCHASE);
    CHECK_NEAR(m1.amount[0], 2.0, 0);
    CHECK_EQ_INT(m1.type[1], CK_EV_PURCHASE);
    CHECK_NEAR(m1.amount[1], 10.5, 0);
    CHECK_EQ_INT(m1.type[2], CK_EV_REFUND);
    CHECK_EQ_INT(ck_events_customer(ev, 1).type[0], CK_EV_VIEW);
    ck_events_free(ev);
    /* without the config, the renamed file has no customer_id column */
    ck_events *none = NULL;
    CHECK(ck_events_read_csv(&none, CK_TEST_DATA "/events/renamed.csv", NULL, &err) == CK_EPARSE);
    CHECK(none == NULL);
    CHECK_EQ_STR(err.msg, "missing column \"customer_id\"");
    CHECK_EQ_INT(err.line, 1);
}

static void test_events__channels_and_categories(void)
{
    write_file(TMP "levels.csv", "customer_id,ts,event,amount,channel,category\n"
                                 "a,2024-01-01,view,,app,shoes\n"
                                 "a,2024-01-02,purchase,5,store,\n"
                                 "b,2024-01-01,view,,app,hats\n");
    ck_events *ev = read_events(TMP "levels.csv", NULL);
    if (ev == NULL)
        return;
    CHECK_EQ_INT(ck_events_n_channels(ev), 2);
    CHECK_EQ_INT(ck_events_n_categories(ev), 2);
    ck_event_span a = ck_events_customer(ev, 0);
    CHECK_EQ_STR(ck_events_channel_name(ev, a.channel[0]), "app");
    CHECK_EQ_STR(ck_events_channel_name(ev, a.channel[1]), "store");
    CHECK_EQ_STR(ck_events_category_name(ev, a.category[0]), "shoes");
    CHECK_EQ_INT(a.category[1], CK_NO_LEVEL);
    CHECK_EQ_STR(ck_events_category_name(ev, ck_events_customer(ev, 1).category[0]), "hats");
    ck_events_free(ev);
}

static void test_events__gzip_reads_like_plain(void)
{
    gzFile gz = gzopen(TMP "unsorted.csv.gz", "wb");
    if (gz == NULL) {
        CHECK(false);
        return;
    }
    gzputs(gz, unsorted);
    gzclose(gz);
    write_file(TMP "unsorted.csv", unsorted);
    ck_events *plain = read_events(TMP "unsorted.csv", NULL);
    ck_events *zipped = read_events(TMP "unsorted.csv.gz", NULL);
    if (plain && zipped) {
        CHECK_EQ_INT(ck_events_n_events(zipped), ck_events_n_events(plain));
        for (size_t c = 0; c < ck_events_n_customers(plain); c++) {
            ck_event_span p = ck_events_customer(plain, c), z = ck_events_customer(zipped, c);
            CHECK_EQ_INT(p.n, z.n);
            for (size_t i = 0; i < p.n && i < z.n; i++) {
                CHECK_EQ_INT(p.ts[i], z.ts[i]);
                CHECK_EQ_INT(p.type[i], z.type[i]);
                CHECK_NEAR(p.amount[i], z.amount[i], 0);
            }
        }
    }
    ck_events_free(plain);
    ck_events_free(zipped);
}

typedef struct collected {
    char raw[4][128];
    size_t raw_len[4]; /* raw may hold a NUL byte */
    char why[4][300];
    int n;
} collected;

static void collect(const char *raw, size_t len, const ck_error *why, void *payload)
{
    collected *c = payload;
    if (c->n < 4) {
        size_t kept = len < sizeof c->raw[0] - 1 ? len : sizeof c->raw[0] - 1;
        memcpy(c->raw[c->n], raw, kept);
        c->raw[c->n][kept] = '\0';
        c->raw_len[c->n] = len;
        ck_error_format(why, c->why[c->n], sizeof c->why[0]);
    }
    c->n++;
}

static void test_events__bad_rows_stop_or_are_skipped(void)
{
    write_file(TMP "bad.csv", "customer_id,ts,event,amount\r\n"
                              "a,2024-01-01,purchase,1\r\n"
                              "a,2024-13-01,purchase,1\r\n"
                              "\"b\",2024-01-02,buy,\"2\"\r\n"
                              "c,2024-01-02,purchase,12abc\r\n"
                              "d,2024-01-02,purchase\r\n"
                              "e,2024-01-03,visit,\r\n");
    ck_error err = { 0 };
    ck_events *ev = NULL;
    CHECK(ck_events_read_csv(&ev, TMP "bad.csv", NULL, &err) == CK_EPARSE);
    CHECK(ev == NULL);
    CHECK_EQ_INT(err.line, 3);
    CHECK_EQ_STR(err.msg, "bad timestamp \"2024-13-01\"");

    collected c = { 0 };
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    opts.skip_bad_rows = true;
    opts.on_reject = collect;
    opts.reject_payload = &c;
    ev = read_events(TMP "bad.csv", &opts);
    if (ev == NULL)
        return;
    CHECK_EQ_INT(ck_events_n_events(ev), 2);
    CHECK_EQ_INT(ck_events_n_rejected(ev), 4);
    CHECK_EQ_INT(c.n, 4);
    CHECK_EQ_STR(c.raw[0], "a,2024-13-01,purchase,1");
    CHECK_EQ_STR(c.raw[1], "\"b\",2024-01-02,buy,\"2\""); /* verbatim, quotes and all */
    CHECK_EQ_STR(c.raw[2], "c,2024-01-02,purchase,12abc");
    CHECK_EQ_STR(c.raw[3], "d,2024-01-02,purchase");
    const char *path = TMP "bad.csv";
    char expect[300];
    snprintf(expect, sizeof expect, "%s:4: unknown event \"buy\"", path);
    CHECK_EQ_STR(c.why[1], expect);
    snprintf(expect, sizeof expect, "%s:5: bad amount \"12abc\"", path);
    CHECK_EQ_STR(c.why[2], expect);
    snprintf(expect, sizeof expect, "%s:6: expected 4 fields, got 3", path);
    CHECK_EQ_STR(c.why[3], expect);
    ck_events_free(ev);
}

static void test_events__empty_and_header_only(void)
{
    ck_error err = { 0 };
    ck_events *ev = NULL;
    write_file(TMP "empty.csv", "");
    CHECK(ck_events_read_csv(&ev, TMP "empty.csv", NULL, &err) == CK_EPARSE);
    CHECK_EQ_STR(err.msg, "empty file: expected a header row");
    write_file(TMP "header.csv", "customer_id,ts,event\n");
    ev = read_events(TMP "header.csv", NULL);
    if (ev != NULL) {
        CHECK_EQ_INT(ck_events_n_customers(ev), 0);
        CHECK_EQ_INT(ck_events_n_events(ev), 0);
        ck_events_free(ev);
    }
    CHECK(ck_events_read_csv(&ev, TMP "does-not-exist.csv", NULL, &err) == CK_EIO);
    CHECK_EQ_STR(err.msg, "No such file or directory");
}

/* A file large enough to be read in parallel chunks (over 8 MiB). Every `quote_every`-th
 * row holds a quoted category with a line end in it, so some speculative chunk starts
 * fall inside a field; row `bad_row` (0: none) has an unknown event, row `negative_row`
 * (0: none) is a purchase of minus its usual amount, row `nul_row` (0: none) has a NUL
 * byte in its customer id. */
static void write_large_with(const char *path, int quote_every, int bad_row, int negative_row,
                             int nul_row)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return;
    fputs("customer_id,ts,event,amount,channel,category\n", f);
    for (int i = 1; i <= 220000; i++) {
        const char *category = quote_every && i % quote_every == 0 ? "\"two\nlines\"" : "c";
        const char *event = i == bad_row                 ? "bogus"
                            : i % 3 && i != negative_row ? "view"
                                                         : "purchase";
        if (i == nul_row) { /* "cu\0st...": a NUL byte in the customer id */
            fputs("cu", f);
            fputc('\0', f);
        }
        fprintf(f, "%s%05d,%d,%s,%s%d.5,app,%s\n", i == nul_row ? "st" : "cust", (i * 7919) % 30011,
                1700000000 + i * 13, event, i == negative_row ? "-" : "", i % 1000, category);
    }
    fclose(f);
}

static void write_large(const char *path, int quote_every, int bad_row)
{
    write_large_with(path, quote_every, bad_row, 0, 0);
}

static bool same_store(const ck_events *a, const ck_events *b)
{
    if (ck_events_n_customers(a) != ck_events_n_customers(b) ||
        ck_events_n_events(a) != ck_events_n_events(b) ||
        ck_events_n_categories(a) != ck_events_n_categories(b))
        return false;
    for (size_t c = 0; c < ck_events_n_customers(a); c++) {
        ck_event_span x = ck_events_customer(a, c), y = ck_events_customer(b, c);
        if (strcmp(ck_events_customer_id(a, c), ck_events_customer_id(b, c)) != 0 || x.n != y.n)
            return false;
        for (size_t i = 0; i < x.n; i++)
            if (x.ts[i] != y.ts[i] || x.type[i] != y.type[i] || x.amount[i] != y.amount[i] ||
                strcmp(ck_events_category_name(a, x.category[i]),
                       ck_events_category_name(b, y.category[i])) != 0)
                return false;
    }
    return true;
}

static void test_events__parallel_read_equals_serial(void)
{
    const char *path = TMP "large.csv";
    for (int quote_every = 0; quote_every <= 1; quote_every++) {
        write_large(path, quote_every, 0);
        ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
        ck_events *serial = read_events(path, &opts);
        for (int threads = 2; threads <= 7; threads += 5) {
            opts.n_threads = threads;
            ck_events *parallel = read_events(path, &opts);
            CHECK(serial && parallel && same_store(serial, parallel));
            ck_events_free(parallel);
        }
        if (serial)
            CHECK_EQ_INT(ck_events_n_events(serial), 220000);
        ck_events_free(serial);
    }
}

/* The item column: interned in order of first appearance, an empty cell is CK_NO_ITEM,
 * renamed through the config; a file without it has no item array at all. */
static void test_events__items(void)
{
    const char *path = TMP "items.csv";
    write_file(path, "customer_id,ts,event,item,category\n"
                     "a,2024-01-02,view,p2,shoes\n"
                     "b,2024-01-01,purchase,p1,hats\n"
                     "a,2024-01-01,purchase,p1,\n"
                     "a,2024-01-03,visit,,\n"
                     "b,2024-01-04,cart, p3 ,hats\n");
    ck_events *ev = read_events(path, NULL);
    if (ev == NULL)
        return;
    CHECK(ck_events_has_item_column(ev));
    CHECK_EQ_INT(ck_events_n_items(ev), 3);
    CHECK_EQ_STR(ck_events_item_id(ev, 0), "p2");
    CHECK_EQ_STR(ck_events_item_id(ev, 1), "p1");
    CHECK_EQ_STR(ck_events_item_id(ev, 2), "p3"); /* trimmed */
    CHECK_EQ_STR(ck_events_item_id(ev, 3), "");
    CHECK_EQ_INT(ck_events_find_item(ev, "p3"), 2);
    CHECK_EQ_INT(ck_events_find_item(ev, "p9"), -1);
    ck_event_span a = ck_events_customer(ev, 0), b = ck_events_customer(ev, 1);
    CHECK(a.item != NULL && b.item != NULL);
    if (a.item != NULL && b.item != NULL && a.n == 3 && b.n == 2) {
        CHECK_EQ_INT(a.item[0], 1); /* 2024-01-01 p1 */
        CHECK_EQ_INT(a.item[1], 0); /* 2024-01-02 p2 */
        CHECK(a.item[2] == CK_NO_ITEM);
        CHECK_EQ_INT(b.item[0], 1);
        CHECK_EQ_INT(b.item[1], 2);
        CHECK(ck_event_span_before(a, ck_events_max_ts(ev)).item == a.item);
    } else {
        CHECK(false);
    }
    ck_events_free(ev);

    /* renamed: "sku" is the item, and a column that happens to be called "item" is not */
    write_file(path, "customer_id,ts,event,sku,item\n"
                     "a,2024-01-02,view,p2,junk\n");
    ck_config cfg;
    ck_config_init(&cfg);
    snprintf(cfg.column_names[CK_COL_ITEM], CK_NAME_MAX, "sku");
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    opts.config = &cfg;
    ev = read_events(path, &opts);
    if (ev != NULL) {
        CHECK_EQ_INT(ck_events_n_items(ev), 1);
        CHECK_EQ_STR(ck_events_item_id(ev, 0), "p2");
    }
    ck_events_free(ev);

    /* a config that gave the name "item" to another column reads that column as it */
    snprintf(cfg.column_names[CK_COL_ITEM], CK_NAME_MAX, "%s", "");
    snprintf(cfg.column_names[CK_COL_CATEGORY], CK_NAME_MAX, "item");
    ev = read_events(path, &opts);
    if (ev != NULL) {
        CHECK(!ck_events_has_item_column(ev));
        CHECK_EQ_INT(ck_events_n_items(ev), 0);
        CHECK_EQ_STR(ck_events_category_name(ev, 0), "junk");
        CHECK(ck_events_customer(ev, 0).item == NULL);
    }
    ck_events_free(ev);

    /* no item column: the store is as before, with no item array */
    write_file(path, "customer_id,ts,event\na,2024-01-02,view\n");
    ev = read_events(path, NULL);
    if (ev != NULL) {
        CHECK(!ck_events_has_item_column(ev));
        CHECK_EQ_INT(ck_events_n_items(ev), 0);
        CHECK(ck_events_customer(ev, 0).item == NULL);
        CHECK_EQ_INT(ck_events_find_item(ev, "p1"), -1);
    }
    ck_events_free(ev);
}

/* Items read in parallel chunks are numbered as in one serial pass. */
static void test_events__parallel_read_keeps_item_order(void)
{
    const char *path = TMP "large_items.csv";
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fputs("customer_id,ts,event,amount,item\n", f);
    for (int i = 1; i <= 300000; i++) {
        char item[32] = ""; /* every 17th row: no item */
        if (i % 17)
            snprintf(item, sizeof item, "sku%lld", (long long)i * 104729 % 50021);
        fprintf(f, "cust%05lld,%d,%s,%d.5,%s\n", (long long)i * 7919 % 30011, 1700000000 + i * 13,
                i % 3 ? "view" : "purchase", i % 1000, item);
    }
    fclose(f);
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    ck_events *serial = read_events(path, &opts);
    opts.n_threads = 4;
    ck_events *parallel = read_events(path, &opts);
    CHECK(serial && parallel && same_store(serial, parallel));
    if (serial && parallel) {
        CHECK_EQ_INT(ck_events_n_items(serial), ck_events_n_items(parallel));
        size_t bad = 0;
        for (size_t k = 0; k < ck_events_n_items(serial); k++)
            bad += strcmp(ck_events_item_id(serial, (uint32_t)k),
                          ck_events_item_id(parallel, (uint32_t)k)) != 0;
        for (size_t c = 0; c < ck_events_n_customers(serial); c++) {
            ck_event_span x = ck_events_customer(serial, c), y = ck_events_customer(parallel, c);
            for (size_t i = 0; i < x.n; i++)
                bad += x.item[i] != y.item[i];
        }
        CHECK_EQ_INT(bad, 0);
    }
    ck_events_free(serial);
    ck_events_free(parallel);
}

static void test_events__parallel_read_reports_the_same_line(void)
{
    const char *path = TMP "large_bad.csv";
    /* rows take one line each (quote_every 0), so row i is on line i + 1 */
    write_large(path, 0, 200001);
    for (int threads = 1; threads <= 4; threads += 3) {
        ck_error err = { 0 };
        ck_events *ev = NULL;
        ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
        opts.n_threads = threads;
        CHECK(ck_events_read_csv(&ev, path, &opts, &err) == CK_EPARSE);
        CHECK_EQ_INT(err.line, 200002);
        CHECK_EQ_STR(err.msg, "unknown event \"bogus\"");
        collected c = { 0 };
        opts.skip_bad_rows = true;
        opts.on_reject = collect;
        opts.reject_payload = &c;
        ev = read_events(path, &opts);
        CHECK_EQ_INT(c.n, 1);
        char expect[300];
        snprintf(expect, sizeof expect, "%s:200002: unknown event \"bogus\"", path);
        CHECK_EQ_STR(c.why[0], expect);
        ck_events_free(ev);
    }
}

static void test_events__negative_amounts_are_bad_rows(void)
{
    write_file(TMP "negative.csv", "customer_id,ts,event,amount\n"
                                   "a,2024-01-01,purchase,10\n"
                                   "a,2024-01-02,purchase,-12.5\n"
                                   "a,2024-01-03,refund,\" -3\"\n"
                                   "a,2024-01-04,points_earn,-100\n"
                                   "a,2024-01-05,points_redeem,-1e-9\n"
                                   "a,2024-01-06,refund,-0\n" /* minus zero is zero */
                                   "a,2024-01-07,visit,-4\n"  /* a visit's amount is not read */
                                   "a,2024-01-08,refund,2\n");
    const char *path = TMP "negative.csv";
    ck_error err = { 0 };
    ck_events *ev = NULL;
    CHECK(ck_events_read_csv(&ev, path, NULL, &err) == CK_EPARSE);
    CHECK(ev == NULL);
    CHECK_EQ_INT(err.line, 3);
    CHECK_EQ_STR(err.msg, "negative amount \"-12.5\" on a purchase: a refund is its own event "
                          "with a positive amount");

    collected c = { 0 };
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    opts.skip_bad_rows = true;
    opts.on_reject = collect;
    opts.reject_payload = &c;
    ev = read_events(path, &opts);
    if (ev == NULL)
        return;
    CHECK_EQ_INT(ck_events_n_rejected(ev), 4);
    CHECK_EQ_INT(c.n, 4);
    CHECK_EQ_STR(c.raw[1], "a,2024-01-03,refund,\" -3\"");
    const char *expect_why[4] = {
        "%s:3: negative amount \"-12.5\" on a purchase: a refund is its own event with a "
        "positive amount",
        "%s:4: negative amount \"-3\" on a refund: a refund's amount is the money returned, "
        "written positive",
        "%s:5: negative amount \"-100\" on a points_earn: points spent are a points_redeem "
        "event with a positive amount",
        "%s:6: negative amount \"-1e-9\" on a points_redeem: points gained are a points_earn "
        "event with a positive amount",
    };
    for (int k = 0; k < 4; k++) {
        char expect[300];
        snprintf(expect, sizeof expect, expect_why[k], path);
        CHECK_EQ_STR(c.why[k], expect);
    }
    /* kept: the purchase of 10, the refund of -0, the visit, the refund of 2 */
    ck_event_span a = ck_events_customer(ev, 0);
    CHECK_EQ_INT(a.n, 4);
    if (a.n == 4) {
        CHECK_EQ_INT(a.type[0], CK_EV_PURCHASE);
        CHECK_NEAR(a.amount[0], 10.0, 0);
        CHECK_EQ_INT(a.type[1], CK_EV_REFUND);
        CHECK_NEAR(a.amount[1], 0.0, 0);
        CHECK_EQ_INT(a.type[2], CK_EV_VISIT);
        CHECK_EQ_INT(a.type[3], CK_EV_REFUND);
        CHECK_NEAR(a.amount[3], 2.0, 0);
    }
    ck_events_free(ev);
}

static void test_events__parallel_read_reports_the_first_negative_amount(void)
{
    const char *path = TMP "large_negative.csv";
    /* one line a row: row i is on line i + 1; the negative purchase (row 120001, amount
     * 1.5) comes before the unknown event (row 200001), in another chunk for 4 threads */
    write_large_with(path, 0, 200001, 120001, 0);
    const char *why = "negative amount \"-1.5\" on a purchase: a refund is its own event with a "
                      "positive amount";
    for (int threads = 1; threads <= 4; threads++) {
        ck_error err = { 0 };
        ck_events *ev = NULL;
        ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
        opts.n_threads = threads;
        CHECK(ck_events_read_csv(&ev, path, &opts, &err) == CK_EPARSE);
        CHECK_EQ_INT(err.line, 120002);
        CHECK_EQ_STR(err.msg, why);
        collected c = { 0 };
        opts.skip_bad_rows = true;
        opts.on_reject = collect;
        opts.reject_payload = &c;
        ev = read_events(path, &opts);
        CHECK_EQ_INT(c.n, 2);
        char expect[300];
        snprintf(expect, sizeof expect, "%s:120002: %s", path, why);
        CHECK_EQ_STR(c.why[0], expect);
        snprintf(expect, sizeof expect, "%s:200002: unknown event \"bogus\"", path);
        CHECK_EQ_STR(c.why[1], expect);
        /* (120001 × 7919) mod 30011 = 19615 and 1700000000 + 120001 × 13 = 1701560013 */
        CHECK_EQ_STR(c.raw[0], "cust19615,1701560013,purchase,-1.5,app,c");
        if (ev != NULL)
            CHECK_EQ_INT(ck_events_n_events(ev), 219998);
        ck_events_free(ev);
    }
}

/* A NUL byte in a field is a bad row (issue 13): it names its line and column, and with
 * skip_bad_rows the row is rejected verbatim and the rows after it are read. Without the
 * check the id "C00\0 0001" was read as customer "C00". */
static void test_events__nul_bytes_are_bad_rows(void)
{
    static const char text[] = "customer_id,ts,event,amount,category\n"
                               "a,2024-01-01,purchase,10,\n"
                               "C00\0 0001,2024-01-02,purchase,3,\n"   /* line 3 */
                               "b,2024-01-03,view,,\"two\nli\0nes\"\n" /* lines 4-5 */
                               "b,2024-01-04,purch\0ase,1,\n"          /* line 6 */
                               "C00,2024-01-05,visit,,\n";
    const char *path = TMP "nul.csv";
    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fwrite(text, 1, sizeof text - 1, f);
        fclose(f);
    }
    ck_error err = { 0 };
    ck_events *ev = NULL;
    CHECK(ck_events_read_csv(&ev, path, NULL, &err) == CK_EPARSE);
    CHECK(ev == NULL);
    CHECK_EQ_INT(err.line, 3);
    CHECK_EQ_STR(err.msg, "NUL byte in column 1");

    collected c = { 0 };
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    opts.skip_bad_rows = true;
    opts.on_reject = collect;
    opts.reject_payload = &c;
    ev = read_events(path, &opts);
    if (ev == NULL)
        return;
    CHECK_EQ_INT(ck_events_n_rejected(ev), 3);
    CHECK_EQ_INT(c.n, 3);
    const char *raw[3] = { "C00\0 0001,2024-01-02,purchase,3,",
                           "b,2024-01-03,view,,\"two\nli\0nes\"", "b,2024-01-04,purch\0ase,1," };
    const size_t raw_len[3] = { 32, 31, 25 };
    const char *why[3] = { "%s:3: NUL byte in column 1", "%s:5: NUL byte in column 5",
                           "%s:6: NUL byte in column 3" };
    for (int k = 0; k < 3; k++) {
        CHECK_EQ_INT(c.raw_len[k], raw_len[k]);
        CHECK(memcmp(c.raw[k], raw[k], raw_len[k]) == 0);
        char expect[300];
        snprintf(expect, sizeof expect, why[k], path);
        CHECK_EQ_STR(c.why[k], expect);
    }
    /* kept: a's purchase and C00's visit; "C00" is its own customer, with one event */
    CHECK_EQ_INT(ck_events_n_events(ev), 2);
    CHECK_EQ_INT(ck_events_n_customers(ev), 2);
    long k = ck_events_find_customer(ev, "C00");
    CHECK(k >= 0);
    if (k >= 0) {
        ck_event_span span = ck_events_customer(ev, (size_t)k);
        CHECK_EQ_INT(span.n, 1);
        CHECK_EQ_INT(span.type[0], CK_EV_VISIT);
    }
    ck_events_free(ev);
}

/* In a file read in parallel chunks, a NUL byte is reported on the same line (or skipped
 * the same way) for any thread count. */
static void test_events__parallel_read_reports_a_nul_byte(void)
{
    const char *path = TMP "large_nul.csv";
    /* one line a row: row i is on line i + 1 */
    write_large_with(path, 0, 200001, 0, 120001);
    for (int threads = 1; threads <= 4; threads++) {
        ck_error err = { 0 };
        ck_events *ev = NULL;
        ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
        opts.n_threads = threads;
        CHECK(ck_events_read_csv(&ev, path, &opts, &err) == CK_EPARSE);
        CHECK_EQ_INT(err.line, 120002);
        CHECK_EQ_STR(err.msg, "NUL byte in column 1");
        collected c = { 0 };
        opts.skip_bad_rows = true;
        opts.on_reject = collect;
        opts.reject_payload = &c;
        ev = read_events(path, &opts);
        CHECK_EQ_INT(c.n, 2);
        char expect[300];
        snprintf(expect, sizeof expect, "%s:120002: NUL byte in column 1", path);
        CHECK_EQ_STR(c.why[0], expect);
        snprintf(expect, sizeof expect, "%s:200002: unknown event \"bogus\"", path);
        CHECK_EQ_STR(c.why[1], expect);
        /* (120001 × 7919) mod 30011 = 19615 and 1700000000 + 120001 × 13 = 1701560013 */
        static const char raw[] = "cu\0st19615,1701560013,view,1.5,app,c";
        CHECK_EQ_INT(c.raw_len[0], sizeof raw - 1);
        CHECK(memcmp(c.raw[0], raw, sizeof raw - 1) == 0);
        if (ev != NULL)
            CHECK_EQ_INT(ck_events_n_events(ev), 219998);
        ck_events_free(ev);
    }
}

/* Amounts beyond 1e15 either way are bad rows whatever the event (docs/EVENTS.md,
 * "Limits"), so no customer's sum can overflow: two purchases of 1.7e308 used to add up
 * to infinity and leave monetary empty. 1e15 itself is kept. */
static void test_events__amounts_beyond_the_bound(void)
{
    write_file(TMP "huge.csv", "customer_id,ts,event,amount\n"
                               "a,2024-01-01,purchase,1e15\n"
                               "a,2024-01-02,purchase,1.7e308\n"
                               "a,2024-01-03,purchase,1000000000000000.5\n"
                               "a,2024-01-04,refund,-2e15\n"
                               "a,2024-01-05,visit,1e16\n"
                               "a,2024-01-06,points_earn,999999999999999\n");
    const char *path = TMP "huge.csv";
    ck_error err = { 0 };
    ck_events *ev = NULL;
    CHECK(ck_events_read_csv(&ev, path, NULL, &err) == CK_EPARSE);
    CHECK_EQ_INT(err.line, 3);
    CHECK_EQ_STR(err.msg, "amount \"1.7e308\" out of range (at most 1e15 in absolute value)");

    collected c = { 0 };
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    opts.skip_bad_rows = true;
    opts.on_reject = collect;
    opts.reject_payload = &c;
    ev = read_events(path, &opts);
    if (ev == NULL)
        return;
    CHECK_EQ_INT(c.n, 4);
    /* the bound comes before the sign: -2e15 is out of range, not a negative refund */
    const char *why[4] = { "%s:3: amount \"1.7e308\"", "%s:4: amount \"1000000000000000.5\"",
                           "%s:5: amount \"-2e15\"", "%s:6: amount \"1e16\"" };
    for (int k = 0; k < 4; k++) {
        char expect[300];
        snprintf(expect, sizeof expect, why[k], path);
        strcat(expect, " out of range (at most 1e15 in absolute value)");
        CHECK_EQ_STR(c.why[k], expect);
    }
    ck_event_span a = ck_events_customer(ev, 0);
    CHECK_EQ_INT(a.n, 2);
    if (a.n == 2) {
        CHECK_NEAR(a.amount[0], 1e15, 0);
        CHECK_NEAR(a.amount[1], 999999999999999.0, 0);
    }
    ck_events_free(ev);
}

int main(void)
{
    RUN(test_events__sorted_per_customer_ties_in_file_order);
    RUN(test_events__every_timestamp_form);
    RUN(test_events__columns_renamed_and_aliases);
    RUN(test_events__channels_and_categories);
    RUN(test_events__gzip_reads_like_plain);
    RUN(test_events__bad_rows_stop_or_are_skipped);
    RUN(test_events__empty_and_header_only);
    RUN(test_events__parallel_read_equals_serial);
    RUN(test_events__parallel_read_reports_the_same_line);
    RUN(test_events__items);
    RUN(test_events__parallel_read_keeps_item_order);
    RUN(test_events__negative_amounts_are_bad_rows);
    RUN(test_events__parallel_read_reports_the_first_negative_amount);
    RUN(test_events__nul_bytes_are_bad_rows);
    RUN(test_events__parallel_read_reports_a_nul_byte);
    RUN(test_events__amounts_beyond_the_bound);
    return check_summary();
}

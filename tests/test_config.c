/*
 * Tests of config.h: the documented defaults (DESIGN.md "Churn definition", docs/FEATURES.md),
 * every override a config file can make, and every error with its exact message.
 *
 * Expected defaults are typed in from docs/FEATURES.md (the R × F segment table, the
 * channel list) and DESIGN.md (365 / 90 / 0 days; 30 / 180 / 365 days), not from config.c.
 */
#include "churnkit/config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "churnkit/events.h"

static char tmp_path[512];

/* Write `json` to the scratch file config_<name> and return its path (a static buffer). */
static const char *put(const char *name, const char *json)
{
    snprintf(tmp_path, sizeof tmp_path, "%s/config_%s", CK_TEST_TMP, name);
    FILE *f = fopen(tmp_path, "wb");
    CHECK(f != NULL);
    if (f != NULL) {
        fputs(json, f);
        CHECK_EQ_INT(fclose(f), 0);
    }
    return tmp_path;
}

/* Loading `json` fails with `code` and exactly `msg`, naming the file, at `line`. */
#define CHECK_LOAD_FAILS(json, want_code, want_line, want_msg)                                     \
    do {                                                                                           \
        ck_config cfg_;                                                                            \
        ck_error err_ = { 0 };                                                                     \
        const char *path_ = put("bad_config.json", (json));                                        \
        CHECK_EQ_INT(ck_config_load(&cfg_, path_, &err_), (want_code));                            \
        CHECK_EQ_INT(err_.code, (want_code));                                                      \
        CHECK_EQ_STR(err_.file, path_);                                                            \
        CHECK_EQ_INT(err_.line, (want_line));                                                      \
        CHECK_EQ_STR(err_.msg, (want_msg));                                                        \
    } while (0)

/* The default R × F grid, docs/FEATURES.md, rows R = 5 down to 1, columns F = 1..5. */
static const char *const doc_grid[5][5] = {
    /* R = 5 */ { "new_customers", "potential_loyalists", "potential_loyalists", "champions",
                  "champions" },
    /* R = 4 */
    { "promising", "potential_loyalists", "potential_loyalists", "loyal_customers",
      "loyal_customers" },
    /* R = 3 */
    { "about_to_sleep", "about_to_sleep", "need_attention", "loyal_customers", "loyal_customers" },
    /* R = 2 */ { "hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them" },
    /* R = 1 */ { "hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them" },
};

static void check_defaults(const ck_config *cfg)
{
    CHECK_EQ_INT(cfg->delimiter, ',');
    CHECK_EQ_STR(cfg->column_names[CK_COL_CUSTOMER_ID], "customer_id");
    CHECK_EQ_STR(cfg->column_names[CK_COL_TS], "ts");
    CHECK_EQ_STR(cfg->column_names[CK_COL_EVENT], "event");
    CHECK_EQ_STR(cfg->column_names[CK_COL_AMOUNT], "amount");
    CHECK_EQ_STR(cfg->column_names[CK_COL_CHANNEL], "channel");
    CHECK_EQ_STR(cfg->column_names[CK_COL_CATEGORY], "category");
    CHECK_EQ_STR(cfg->column_names[CK_COL_ITEM], "item");
    CHECK_EQ_INT(cfg->n_aliases, 0);
    CHECK_EQ_INT(cfg->lookback_days, 365);
    CHECK_EQ_INT(cfg->horizon_days, 90);
    CHECK_EQ_INT(cfg->gap_days, 0);
    CHECK_EQ_INT(cfg->new_days, 30);
    CHECK_EQ_INT(cfg->active_days, 180);
    CHECK_EQ_INT(cfg->dormant_days, 365);
    CHECK(!cfg->has_rfm_bounds);
    for (int r = 1; r <= 5; r++)
        for (int f = 1; f <= 5; f++)
            CHECK_EQ_STR(cfg->rfm_segments[r - 1][f - 1], doc_grid[5 - r][f - 1]);
    static const char *const channels[] = { "sms", "wechat", "miniprogram", "app", "web", "store" };
    CHECK_EQ_INT(cfg->n_channels, 6);
    for (size_t i = 0; i < 6 && i < cfg->n_channels; i++)
        CHECK_EQ_STR(cfg->channels[i], channels[i]);
}

static void test_config__defaults(void)
{
    ck_config cfg;
    memset(&cfg, 0x5A, sizeof cfg); /* init must set everything, not rely on zeroed memory */
    ck_config_init(&cfg);
    check_defaults(&cfg);
}

static void test_config__event_column_names(void)
{
    CHECK_EQ_STR(ck_event_column_name(CK_COL_CUSTOMER_ID), "customer_id");
    CHECK_EQ_STR(ck_event_column_name(CK_COL_TS), "ts");
    CHECK_EQ_STR(ck_event_column_name(CK_COL_EVENT), "event");
    CHECK_EQ_STR(ck_event_column_name(CK_COL_AMOUNT), "amount");
    CHECK_EQ_STR(ck_event_column_name(CK_COL_CHANNEL), "channel");
    CHECK_EQ_STR(ck_event_column_name(CK_COL_CATEGORY), "category");
    CHECK_EQ_STR(ck_event_column_name(CK_COL_ITEM), "item");
    CHECK(ck_event_column_name(-1) == NULL);
    CHECK(ck_event_column_name(CK_COL_COUNT) == NULL);
}

/* An empty object changes nothing. */
static void test_config__empty_object_keeps_defaults(void)
{
    ck_config cfg;
    ck_error err = { 0 };
    CHECK_OK(ck_config_load(&cfg, put("empty.json", "{}"), &err));
    check_defaults(&cfg);
    CHECK_OK(
        ck_config_load(&cfg,
                       put("empty_groups.json", "{\"churn\": {}, \"lifecycle\": {}, \"rfm\": {},"
                                                " \"columns\": {}, \"event_aliases\": {}}"),
                       &err));
    check_defaults(&cfg);
}

static void test_config__overrides(void)
{
    ck_config cfg;
    ck_error err = { 0 };
    const char *path =
        put("full.json", "{\n"
                         "  \"delimiter\": \";\",\n"
                         "  \"columns\": {\"member\": \"customer_id\", \"order_date\": \"ts\",\n"
                         "              \"action\": \"event\", \"value\": \"amount\",\n"
                         "              \"via\": \"channel\", \"cat\": \"category\"},\n"
                         "  \"event_aliases\": {\"order\": \"purchase\", \"return\": \"refund\",\n"
                         "                    \"pv\": \"view\"},\n"
                         "  \"churn\": {\"lookback_days\": 180, \"horizon_days\": 60,"
                         " \"gap_days\": 7},\n"
                         "  \"lifecycle\": {\"new_days\": 14, \"active_days\": 90,"
                         " \"dormant_days\": 270},\n"
                         "  \"rfm\": {\"recency_bounds\": [10, 20.5, 30, 40],\n"
                         "          \"frequency_bounds\": [1, 1, 2, 5],\n"
                         "          \"monetary_bounds\": [-5, 0, 1e3, 2.5e3]},\n"
                         "  \"channels\": [\"app\", \"store\", \"line\"]\n"
                         "}\n");
    CHECK_OK(ck_config_load(&cfg, path, &err));
    CHECK_EQ_INT(cfg.delimiter, ';');
    CHECK_EQ_STR(cfg.column_names[CK_COL_CUSTOMER_ID], "member");
    CHECK_EQ_STR(cfg.column_names[CK_COL_TS], "order_date");
    CHECK_EQ_STR(cfg.column_names[CK_COL_EVENT], "action");
    CHECK_EQ_STR(cfg.column_names[CK_COL_AMOUNT], "value");
    CHECK_EQ_STR(cfg.column_names[CK_COL_CHANNEL], "via");
    CHECK_EQ_STR(cfg.column_names[CK_COL_CATEGORY], "cat");
    CHECK_EQ_INT(cfg.n_aliases, 3);
    if (cfg.n_aliases == 3) {
        CHECK_EQ_STR(cfg.aliases[0].alias, "order");
        CHECK_EQ_INT(cfg.aliases[0].event, CK_EV_PURCHASE);
        CHECK_EQ_STR(cfg.aliases[1].alias, "return");
        CHECK_EQ_INT(cfg.aliases[1].event, CK_EV_REFUND);
        CHECK_EQ_STR(cfg.aliases[2].alias, "pv");
        CHECK_EQ_INT(cfg.aliases[2].event, CK_EV_VIEW);
    }
    CHECK_EQ_INT(cfg.lookback_days, 180);
    CHECK_EQ_INT(cfg.horizon_days, 60);
    CHECK_EQ_INT(cfg.gap_days, 7);
    CHECK_EQ_INT(cfg.new_days, 14);
    CHECK_EQ_INT(cfg.active_days, 90);
    CHECK_EQ_INT(cfg.dormant_days, 270);
    CHECK(cfg.has_rfm_bounds);
    const double want[3][4] = { { 10, 20.5, 30, 40 }, { 1, 1, 2, 5 }, { -5, 0, 1000, 2500 } };
    for (int d = 0; d < 3; d++)
        for (int k = 0; k < 4; k++)
            CHECK_NEAR(cfg.rfm_bounds[d][k], want[d][k], 0.0);
    CHECK_EQ_INT(cfg.n_channels, 3);
    CHECK_EQ_STR(cfg.channels[0], "app");
    CHECK_EQ_STR(cfg.channels[1], "store");
    CHECK_EQ_STR(cfg.channels[2], "line");
    /* what the file does not name keeps its default */
    for (int r = 1; r <= 5; r++)
        for (int f = 1; f <= 5; f++)
            CHECK_EQ_STR(cfg.rfm_segments[r - 1][f - 1], doc_grid[5 - r][f - 1]);
}

/* A partial file overrides only what it names; loading resets what an earlier load set. */
static void test_config__partial_override(void)
{
    ck_config cfg;
    ck_error err = { 0 };
    CHECK_OK(ck_config_load(&cfg,
                            put("partial.json", "{\"churn\": {\"horizon_days\": 30},"
                                                " \"columns\": {\"time\": \"ts\"},"
                                                " \"delimiter\": \"\\t\"}"),
                            &err));
    CHECK_EQ_INT(cfg.horizon_days, 30);
    CHECK_EQ_INT(cfg.lookback_days, 365);
    CHECK_EQ_INT(cfg.gap_days, 0);
    CHECK_EQ_INT(cfg.delimiter, '\t');
    CHECK_EQ_STR(cfg.column_names[CK_COL_TS], "time");
    CHECK_EQ_STR(cfg.column_names[CK_COL_CUSTOMER_ID], "customer_id");
    CHECK_EQ_STR(cfg.column_names[CK_COL_EVENT], "event");
    CHECK_EQ_INT(cfg.new_days, 30);
    CHECK_EQ_INT(cfg.n_channels, 6);

    CHECK_OK(ck_config_load(&cfg, put("partial2.json", "{\"lifecycle\": {\"dormant_days\": 400}}"),
                            &err));
    CHECK_EQ_INT(cfg.dormant_days, 400);
    CHECK_EQ_INT(cfg.horizon_days, 90); /* back to the default */
    CHECK_EQ_STR(cfg.column_names[CK_COL_TS], "ts");
    CHECK_EQ_INT(cfg.delimiter, ',');

    /* thresholds may be equal; a zero gap and an empty channel list are allowed */
    CHECK_OK(
        ck_config_load(&cfg,
                       put("equal.json", "{\"lifecycle\": {\"new_days\": 100, \"active_days\": 100,"
                                         " \"dormant_days\": 100}, \"churn\": {\"gap_days\": 0,"
                                         " \"lookback_days\": 1, \"horizon_days\": 36500},"
                                         " \"channels\": []}"),
                       &err));
    CHECK_EQ_INT(cfg.new_days, 100);
    CHECK_EQ_INT(cfg.active_days, 100);
    CHECK_EQ_INT(cfg.dormant_days, 100);
    CHECK_EQ_INT(cfg.lookback_days, 1);
    CHECK_EQ_INT(cfg.horizon_days, 36500);
    CHECK_EQ_INT(cfg.n_channels, 0);
}

static void test_config__segments_grid(void)
{
    /* rows are R = 1..5, columns F = 1..5: name "rRfF" */
    char json[2048];
    size_t len = (size_t)snprintf(json, sizeof json, "{\"rfm\": {\"segments\": [");
    for (int r = 1; r <= 5; r++) {
        len += (size_t)snprintf(json + len, sizeof json - len, "%s[", r > 1 ? ", " : "");
        for (int f = 1; f <= 5; f++)
            len += (size_t)snprintf(json + len, sizeof json - len, "%s\"r%df%d\"",
                                    f > 1 ? ", " : "", r, f);
        len += (size_t)snprintf(json + len, sizeof json - len, "]");
    }
    snprintf(json + len, sizeof json - len, "]}}");
    ck_config cfg;
    ck_error err = { 0 };
    CHECK_OK(ck_config_load(&cfg, put("segments.json", json), &err));
    for (int r = 1; r <= 5; r++) {
        for (int f = 1; f <= 5; f++) {
            char want[32];
            snprintf(want, sizeof want, "r%df%d", r, f);
            CHECK_EQ_STR(cfg.rfm_segments[r - 1][f - 1], want);
        }
    }
    CHECK(!cfg.has_rfm_bounds); /* segments alone fix no bounds */
}

static void test_config__unknown_keys(void)
{
    CHECK_LOAD_FAILS("{\"lookback_days\": 10}", CK_EINVAL, 0, "unknown key \"lookback_days\"");
    CHECK_LOAD_FAILS("{\"churn\": {\"horizon\": 30}}", CK_EINVAL, 0,
                     "\"churn\": unknown key \"horizon\"");
    CHECK_LOAD_FAILS("{\"lifecycle\": {\"new\": 10}}", CK_EINVAL, 0,
                     "\"lifecycle\": unknown key \"new\"");
    CHECK_LOAD_FAILS("{\"rfm\": {\"bounds\": [1, 2, 3, 4]}}", CK_EINVAL, 0,
                     "\"rfm\": unknown key \"bounds\"");
    /* keys are case-sensitive */
    CHECK_LOAD_FAILS("{\"Churn\": {}}", CK_EINVAL, 0, "unknown key \"Churn\"");
}

static void test_config__bad_types(void)
{
    CHECK_LOAD_FAILS("[]", CK_EINVAL, 0, "expected a JSON object");
    CHECK_LOAD_FAILS("42", CK_EINVAL, 0, "expected a JSON object");
    CHECK_LOAD_FAILS("{\"delimiter\": \";;\"}", CK_EINVAL, 0,
                     "\"delimiter\": expected a one-character string");
    CHECK_LOAD_FAILS("{\"delimiter\": 44}", CK_EINVAL, 0,
                     "\"delimiter\": expected a one-character string");
    CHECK_LOAD_FAILS("{\"delimiter\": \"\\\"\"}", CK_EINVAL, 0,
                     "\"delimiter\": expected a one-character string");
    CHECK_LOAD_FAILS("{\"columns\": [\"ts\"]}", CK_EINVAL, 0,
                     "\"columns\": expected an object {\"name in file\": \"canonical\"}");
    CHECK_LOAD_FAILS("{\"columns\": {\"member\": 1}}", CK_EINVAL, 0,
                     "\"member\": expected a canonical column name");
    CHECK_LOAD_FAILS("{\"event_aliases\": [\"order\"]}", CK_EINVAL, 0,
                     "\"event_aliases\": expected an object {\"alias\": \"event\"}");
    CHECK_LOAD_FAILS("{\"churn\": 90}", CK_EINVAL, 0, "\"churn\": expected an object");
    CHECK_LOAD_FAILS("{\"lifecycle\": null}", CK_EINVAL, 0, "\"lifecycle\": expected an object");
    CHECK_LOAD_FAILS("{\"rfm\": []}", CK_EINVAL, 0, "\"rfm\": expected an object");
    CHECK_LOAD_FAILS("{\"churn\": {\"horizon_days\": \"90\"}}", CK_EINVAL, 0,
                     "\"horizon_days\": expected a whole number of days from 0 to 36500");
    CHECK_LOAD_FAILS("{\"churn\": {\"horizon_days\": 12.5}}", CK_EINVAL, 0,
                     "\"horizon_days\": expected a whole number of days from 0 to 36500");
    CHECK_LOAD_FAILS("{\"churn\": {\"gap_days\": -1}}", CK_EINVAL, 0,
                     "\"gap_days\": expected a whole number of days from 0 to 36500");
    CHECK_LOAD_FAILS("{\"lifecycle\": {\"dormant_days\": 36501}}", CK_EINVAL, 0,
                     "\"dormant_days\": expected a whole number of days from 0 to 36500");
    CHECK_LOAD_FAILS("{\"lifecycle\": {\"new_days\": true}}", CK_EINVAL, 0,
                     "\"new_days\": expected a whole number of days from 0 to 36500");
    CHECK_LOAD_FAILS("{\"churn\": {\"lookback_days\": 0}}", CK_EINVAL, 0,
                     "\"churn\": lookback_days and horizon_days must be at least 1");
    CHECK_LOAD_FAILS("{\"churn\": {\"horizon_days\": 0}}", CK_EINVAL, 0,
                     "\"churn\": lookback_days and horizon_days must be at least 1");
    CHECK_LOAD_FAILS("{\"channels\": \"sms\"}", CK_EINVAL, 0,
                     "\"channels\": expected an array of at most 16 names");
    CHECK_LOAD_FAILS("{\"channels\": [\"sms\", 3]}", CK_EINVAL, 0,
                     "\"channels\": expected a non-empty string");
    CHECK_LOAD_FAILS("{\"channels\": [\"sms\", \"\"]}", CK_EINVAL, 0,
                     "\"channels\": expected a non-empty string");
    CHECK_LOAD_FAILS("{\"channels\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\","
                     "\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\"]}",
                     CK_EINVAL, 0, "\"channels\": expected an array of at most 16 names");
    CHECK_LOAD_FAILS("{\"channels\": [\"a123456789b123456789c123456789d123456789e123456789"
                     "f123456789abcd\"]}",
                     CK_EINVAL, 0, "\"channels\": name too long (at most 63 bytes)");
    CHECK_LOAD_FAILS("{\"rfm\": {\"segments\": [[\"a\", \"b\", \"c\", \"d\", \"e\"]]}}", CK_EINVAL,
                     0, "\"segments\": expected 5 rows (R = 1..5) of 5 names");
    CHECK_LOAD_FAILS("{\"rfm\": {\"segments\": [[\"a\"], [\"b\"], [\"c\"], [\"d\"], [\"e\"]]}}",
                     CK_EINVAL, 0, "\"segments\": expected 5 rows (R = 1..5) of 5 names");
    CHECK_LOAD_FAILS("{\"rfm\": {\"segments\": [[1,2,3,4,5],[1,2,3,4,5],[1,2,3,4,5],[1,2,3,4,5],"
                     "[1,2,3,4,5]]}}",
                     CK_EINVAL, 0, "\"segments\": expected a non-empty string");
}

static void test_config__invalid_json(void)
{
    /* a trailing comma: cJSON stops at the "}" on line 4 */
    CHECK_LOAD_FAILS("{\n  \"churn\": {\n    \"horizon_days\": 90,\n  }\n}\n", CK_EPARSE, 4,
                     "invalid JSON");
    CHECK_LOAD_FAILS("{\"churn\": ", CK_EPARSE, 1, "invalid JSON");
    CHECK_LOAD_FAILS("", CK_EPARSE, 1, "invalid JSON");
    CHECK_LOAD_FAILS("\n\n\n{ churn: 1 }", CK_EPARSE, 4, "invalid JSON");
}

static void test_config__unknown_canonical_column(void)
{
    CHECK_LOAD_FAILS("{\"columns\": {\"member\": \"client\"}}", CK_EINVAL, 0,
                     "\"columns\": unknown column \"client\" (expected customer_id, ts, event, "
                     "amount, channel, category or item)");
    /* the map goes from the file's name to the canonical one, not the other way */
    CHECK_LOAD_FAILS("{\"columns\": {\"customer_id\": \"member\"}}", CK_EINVAL, 0,
                     "\"columns\": unknown column \"member\" (expected customer_id, ts, event, "
                     "amount, channel, category or item)");
}

static void test_config__alias_to_unknown_event(void)
{
    CHECK_LOAD_FAILS("{\"event_aliases\": {\"order\": \"buy\"}}", CK_EINVAL, 0,
                     "\"event_aliases\": \"order\" must name a known event");
    CHECK_LOAD_FAILS("{\"event_aliases\": {\"order\": 1}}", CK_EINVAL, 0,
                     "\"event_aliases\": \"order\" must name a known event");
    /* an alias names a canonical event, not another alias */
    CHECK_LOAD_FAILS("{\"event_aliases\": {\"order\": \"purchase\", \"o\": \"order\"}}", CK_EINVAL,
                     0, "\"event_aliases\": \"o\" must name a known event");
}

/* A canonical event name cannot be an alias of another event (issue 13): the reader looks
 * canonical names up first, so "purchase" -> "refund" would be silently ignored. An alias
 * of an event to itself changes nothing and is accepted. */
static void test_config__alias_cannot_redefine_an_event(void)
{
    CHECK_LOAD_FAILS("{\"event_aliases\": {\"order\": \"purchase\", \"purchase\": \"refund\"}}",
                     CK_EINVAL, 0,
                     "\"event_aliases\": \"purchase\" is an event of its own and cannot stand for "
                     "\"refund\"");
    CHECK_LOAD_FAILS("{\"event_aliases\": {\"cancel\": \"visit\"}}", CK_EINVAL, 0,
                     "\"event_aliases\": \"cancel\" is an event of its own and cannot stand for "
                     "\"visit\"");
    ck_config cfg;
    ck_error err = { 0 };
    CHECK_OK(ck_config_load(
        &cfg, put("alias_self.json", "{\"event_aliases\": {\"view\": \"view\"}}"), &err));
    CHECK_EQ_INT(cfg.n_aliases, 1);
}

static void test_config__rfm_bounds_errors(void)
{
    const char *all_but_monetary = "\"recency_bounds\": [1, 2, 3, 4], "
                                   "\"frequency_bounds\": [1, 2, 3, 4]";
    const char *msg = "\"rfm\": give all three of recency_bounds, frequency_bounds and "
                      "monetary_bounds, or none";
    char json[512];
    CHECK_LOAD_FAILS("{\"rfm\": {\"recency_bounds\": [1, 2, 3, 4]}}", CK_EINVAL, 0, msg);
    CHECK_LOAD_FAILS("{\"rfm\": {\"monetary_bounds\": [1, 2, 3, 4]}}", CK_EINVAL, 0, msg);
    snprintf(json, sizeof json, "{\"rfm\": {%s}}", all_but_monetary);
    CHECK_LOAD_FAILS(json, CK_EINVAL, 0, msg);
    /* a key repeated is still one dimension: monetary bounds are missing here (they must
     * not silently stay all 0) */
    snprintf(json, sizeof json, "{\"rfm\": {\"recency_bounds\": [5, 6, 7, 8], %s}}",
             all_but_monetary);
    CHECK_LOAD_FAILS(json, CK_EINVAL, 0, msg);

    CHECK_LOAD_FAILS("{\"rfm\": {\"recency_bounds\": [1, 3, 2, 4]}}", CK_EINVAL, 0,
                     "\"recency_bounds\": expected an array of 4 ascending numbers");
    CHECK_LOAD_FAILS("{\"rfm\": {\"frequency_bounds\": [4, 3, 2, 1]}}", CK_EINVAL, 0,
                     "\"frequency_bounds\": expected an array of 4 ascending numbers");
    CHECK_LOAD_FAILS("{\"rfm\": {\"monetary_bounds\": [1, 2, 3]}}", CK_EINVAL, 0,
                     "\"monetary_bounds\": expected an array of 4 ascending numbers");
    CHECK_LOAD_FAILS("{\"rfm\": {\"monetary_bounds\": [1, 2, 3, 4, 5]}}", CK_EINVAL, 0,
                     "\"monetary_bounds\": expected an array of 4 ascending numbers");
    CHECK_LOAD_FAILS("{\"rfm\": {\"monetary_bounds\": [1, 2, \"3\", 4]}}", CK_EINVAL, 0,
                     "\"monetary_bounds\": expected an array of 4 ascending numbers");
    CHECK_LOAD_FAILS("{\"rfm\": {\"monetary_bounds\": {\"a\": 1}}}", CK_EINVAL, 0,
                     "\"monetary_bounds\": expected an array of 4 ascending numbers");
}

static void test_config__lifecycle_order(void)
{
    const char *msg = "\"lifecycle\": expected new_days <= active_days <= dormant_days";
    CHECK_LOAD_FAILS("{\"lifecycle\": {\"new_days\": 181}}", CK_EINVAL, 0, msg);
    CHECK_LOAD_FAILS("{\"lifecycle\": {\"active_days\": 366}}", CK_EINVAL, 0, msg);
    CHECK_LOAD_FAILS("{\"lifecycle\": {\"dormant_days\": 179}}", CK_EINVAL, 0, msg);
    CHECK_LOAD_FAILS("{\"lifecycle\": {\"new_days\": 90, \"active_days\": 60,"
                     " \"dormant_days\": 400}}",
                     CK_EINVAL, 0, msg);
}

/* windows_days: four ascending whole days; the defaults are 30, 90, 180, 365. */
static void test_config__windows_days(void)
{
    ck_config cfg;
    ck_error err = { 0 };
    ck_config_init(&cfg);
    CHECK(ck_config_default_windows(&cfg));
    CHECK_EQ_INT(cfg.windows_days[0], 30);
    CHECK_EQ_INT(cfg.windows_days[3], 365);
    CHECK_OK(ck_config_load(&cfg, put("windows.json", "{\"windows_days\": [1, 3, 7, 14]}"), &err));
    CHECK_EQ_INT(cfg.windows_days[0], 1);
    CHECK_EQ_INT(cfg.windows_days[1], 3);
    CHECK_EQ_INT(cfg.windows_days[2], 7);
    CHECK_EQ_INT(cfg.windows_days[3], 14);
    CHECK(!ck_config_default_windows(&cfg));
    const char *msg =
        "\"windows_days\": expected 4 ascending whole numbers of days from 1 to 36500";
    CHECK_LOAD_FAILS("{\"windows_days\": [1, 3, 7]}", CK_EINVAL, 0, msg);
    CHECK_LOAD_FAILS("{\"windows_days\": [1, 3, 3, 7]}", CK_EINVAL, 0, msg);
    CHECK_LOAD_FAILS("{\"windows_days\": [0, 3, 5, 7]}", CK_EINVAL, 0, msg);
    CHECK_LOAD_FAILS("{\"windows_days\": [1, 2.5, 5, 7]}", CK_EINVAL, 0, msg);
    CHECK_LOAD_FAILS("{\"windows_days\": [1, 2, 5, 36501]}", CK_EINVAL, 0, msg);
    CHECK_LOAD_FAILS("{\"windows_days\": \"30\"}", CK_EINVAL, 0, msg);
}

static void test_config__alias_limits(void)
{
    /* 64 aliases load; the 65th is refused */
    char json[8192];
    size_t len = (size_t)snprintf(json, sizeof json, "{\"event_aliases\": {");
    for (int i = 0; i < 64; i++)
        len += (size_t)snprintf(json + len, sizeof json - len, "%s\"a%d\": \"visit\"",
                                i ? ", " : "", i);
    snprintf(json + len, sizeof json - len, "}}");
    ck_config cfg;
    ck_error err = { 0 };
    CHECK_OK(ck_config_load(&cfg, put("aliases64.json", json), &err));
    CHECK_EQ_INT(cfg.n_aliases, 64);
    CHECK_EQ_STR(cfg.aliases[63].alias, "a63");
    CHECK_EQ_INT(cfg.aliases[63].event, CK_EV_VISIT);
    snprintf(json + len, sizeof json - len, ", \"a64\": \"visit\"}}");
    CHECK_LOAD_FAILS(json, CK_EINVAL, 0, "\"event_aliases\": too many aliases (at most 64)");
}

/*
 * Column renames that cannot work must not pass silently: a name in the file longer than
 * a name can be (it would be cut and never match the header), an empty name, two
 * canonical columns given one file name, one canonical column given two names.
 */
static void test_config__columns_conflicts(void)
{
    CHECK_LOAD_FAILS("{\"columns\": {\"a123456789b123456789c123456789d123456789"
                     "e123456789f123456789abcd\": \"ts\"}}",
                     CK_EINVAL, 0, "\"columns\": the name for \"ts\" must be 1 to 63 bytes");
    CHECK_LOAD_FAILS("{\"columns\": {\"\": \"ts\"}}", CK_EINVAL, 0,
                     "\"columns\": the name for \"ts\" must be 1 to 63 bytes");
    CHECK_LOAD_FAILS("{\"columns\": {\"ts\": \"customer_id\"}}", CK_EINVAL, 0,
                     "\"columns\": \"customer_id\" and \"ts\" would both read column \"ts\"");
    CHECK_LOAD_FAILS("{\"columns\": {\"time\": \"ts\", \"when\": \"ts\"}}", CK_EINVAL, 0,
                     "\"columns\": \"ts\" is given two names");
    /* 63 bytes is the longest name */
    ck_config cfg;
    ck_error err = { 0 };
    CHECK_OK(ck_config_load(&cfg,
                            put("long_ok.json", "{\"columns\": {\"a123456789b123456789c123456789"
                                                "d123456789e123456789f123456789abc\": \"ts\"}}"),
                            &err));
    CHECK_EQ_STR(cfg.column_names[CK_COL_TS],
                 "a123456789b123456789c123456789d123456789e123456789f123456789abc");
    /* swapping two names is fine: each canonical column gets its own */
    CHECK_OK(ck_config_load(
        &cfg, put("swap.json", "{\"columns\": {\"ts\": \"event\", \"event\": \"ts\"}}"), &err));
    CHECK_EQ_STR(cfg.column_names[CK_COL_TS], "event");
    CHECK_EQ_STR(cfg.column_names[CK_COL_EVENT], "ts");
}

/* The item column: renamed like any other; a config from before it that gives another
 * column the name "item" still loads, and then no column is read as the item. */
static void test_config__item_column(void)
{
    ck_config cfg;
    ck_error err = { 0 };
    CHECK_OK(ck_config_load(&cfg, put("item.json", "{\"columns\": {\"sku\": \"item\"}}"), &err));
    CHECK_EQ_STR(cfg.column_names[CK_COL_ITEM], "sku");
    CHECK_OK(
        ck_config_load(&cfg, put("item.json", "{\"columns\": {\"item\": \"category\"}}"), &err));
    CHECK_EQ_STR(cfg.column_names[CK_COL_CATEGORY], "item");
    CHECK_EQ_STR(cfg.column_names[CK_COL_ITEM], "");
    /* both named: the file's "item" is the category, "sku" the item */
    CHECK_OK(ck_config_load(
        &cfg, put("item.json", "{\"columns\": {\"item\": \"category\", \"sku\": \"item\"}}"),
        &err));
    CHECK_EQ_STR(cfg.column_names[CK_COL_CATEGORY], "item");
    CHECK_EQ_STR(cfg.column_names[CK_COL_ITEM], "sku");
    /* naming the item column explicitly makes a clash an error again */
    CHECK_LOAD_FAILS("{\"columns\": {\"event\": \"item\"}}", CK_EINVAL, 0,
                     "\"columns\": \"event\" and \"item\" would both read column \"event\"");
}

/* The "recommend" section: defaults as issue 16 gives them, overrides per named event. */
static void test_config__recommend(void)
{
    ck_config cfg;
    ck_error err = { 0 };
    ck_config_init(&cfg);
    CHECK(cfg.recommend.weights[CK_EV_PURCHASE] == 1.0);
    CHECK(cfg.recommend.weights[CK_EV_CART] == 0.5);
    CHECK(cfg.recommend.weights[CK_EV_FAVORITE] == 0.5);
    CHECK(cfg.recommend.weights[CK_EV_VIEW] == 0.1);
    CHECK(cfg.recommend.weights[CK_EV_REFUND] == 0.0);
    CHECK(cfg.recommend.weights[CK_EV_VISIT] == 0.0);
    CHECK(cfg.recommend.half_life_days == 0.0);
    CHECK_OK(ck_config_load(&cfg,
                            put("rec.json", "{\"recommend\": {\"weights\": {\"view\": 0.25, "
                                            "\"purchase\": 2}, \"half_life_days\": 30}}"),
                            &err));
    CHECK(cfg.recommend.weights[CK_EV_PURCHASE] == 2.0);
    CHECK(cfg.recommend.weights[CK_EV_VIEW] == 0.25);
    CHECK(cfg.recommend.weights[CK_EV_CART] == 0.5); /* not named: kept */
    CHECK(cfg.recommend.half_life_days == 30.0);
    CHECK_LOAD_FAILS("{\"recommend\": {\"decay\": 3}}", CK_EINVAL, 0,
                     "\"recommend\": unknown key \"decay\"");
    CHECK_LOAD_FAILS("{\"recommend\": {\"weights\": {\"order\": 1}}}", CK_EINVAL, 0,
                     "\"recommend.weights\": unknown event \"order\"");
    CHECK_LOAD_FAILS(
        "{\"recommend\": {\"weights\": {\"refund\": 1}}}", CK_EINVAL, 0,
        "\"recommend.weights\": a refund is not an interaction and cannot be weighted");
    CHECK_LOAD_FAILS("{\"recommend\": {\"weights\": {\"view\": -1}}}", CK_EINVAL, 0,
                     "\"view\": expected a number from 0 to 1e+06");
    CHECK_LOAD_FAILS("{\"recommend\": {\"weights\": [1]}}", CK_EINVAL, 0,
                     "\"recommend.weights\": expected an object {\"event\": weight}");
    CHECK_LOAD_FAILS("{\"recommend\": {\"half_life_days\": -2}}", CK_EINVAL, 0,
                     "\"recommend.half_life_days\": expected a number from 0 to 36500");
    CHECK_LOAD_FAILS("{\"recommend\": 1}", CK_EINVAL, 0, "\"recommend\": expected an object");
}

static void test_config__missing_file(void)
{
    ck_config cfg;
    ck_error err = { 0 };
    snprintf(tmp_path, sizeof tmp_path, "%s/config_no-such-file.json", CK_TEST_TMP);
    CHECK_EQ_INT(ck_config_load(&cfg, tmp_path, &err), CK_EIO);
    CHECK_EQ_INT(err.code, CK_EIO);
    CHECK_EQ_STR(err.file, tmp_path);
    CHECK_EQ_STR(err.msg, strerror(ENOENT));
    CHECK_EQ_INT(ck_config_load(&cfg, tmp_path, NULL), CK_EIO);
}

/* A config larger than the reader's first 4 KiB block. */
static void test_config__large_file(void)
{
    static char json[64 * 1024];
    size_t len = (size_t)snprintf(json, sizeof json, "{\"churn\": {\"horizon_days\": 45}");
    memset(json + len, ' ', 20000);
    len += 20000;
    snprintf(json + len, sizeof json - len, ",\n\"channels\": [\"web\"]}\n");
    ck_config cfg;
    ck_error err = { 0 };
    CHECK_OK(ck_config_load(&cfg, put("large.json", json), &err));
    CHECK_EQ_INT(cfg.horizon_days, 45);
    CHECK_EQ_INT(cfg.n_channels, 1);
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_config__defaults);
    RUN(test_config__event_column_names);
    RUN(test_config__empty_object_keeps_defaults);
    RUN(test_config__overrides);
    RUN(test_config__partial_override);
    RUN(test_config__segments_grid);
    RUN(test_config__unknown_keys);
    RUN(test_config__bad_types);
    RUN(test_config__invalid_json);
    RUN(test_config__unknown_canonical_column);
    RUN(test_config__alias_to_unknown_event);
    RUN(test_config__alias_cannot_redefine_an_event);
    RUN(test_config__rfm_bounds_errors);
    RUN(test_config__lifecycle_order);
    RUN(test_config__windows_days);
    RUN(test_config__alias_limits);
    RUN(test_config__columns_conflicts);
    RUN(test_config__item_column);
    RUN(test_config__recommend);
    RUN(test_config__missing_file);
    RUN(test_config__large_file);
    return check_summary();
}

/*
 * churn-ab: the read-out of an A/B test of recall strategies (DESIGN.md, "churn-ab"), or
 * with --plan the sample size or minimum detectable effect of one. The statistics are in
 * the library (abtest.c, stats.c); this file parses options, reads, prints and writes.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/abtest.h"
#include "churnkit/config.h"
#include "churnkit/events.h"
#include "churnkit/stats.h"
#include "cli.h"

static const char usage[] =
    "Usage: churn-ab --assignments A.csv (--events E.csv --window DAYS | --converted COL)\n"
    "                [--control NAME] [--by COLUMN] [--json R.json] [--report R.html]\n"
    "       churn-ab --plan --baseline P (--mde D | --mde-relative R | --n N) [--arms K]\n"
    "\n"
    "Read out an A/B test of recall (win-back) strategies: per arm the conversion rate\n"
    "with its Wilson interval; against the control arm the absolute lift (Newcombe's\n"
    "interval), the relative lift (delta method), a pooled z test (Fisher's exact test\n"
    "when an expected count is below 5) with Holm-adjusted p-values, revenue per customer\n"
    "with Welch's t test, incremental recalls and revenue, costs and ROI; a sample-ratio\n"
    "check of the arm sizes; the same per segment and per arm x channel cell.\n"
    "\n"
    "Outcomes:\n"
    "  --assignments FILE     customer_id, arm, assigned_at and any other columns [required]\n"
    "  --events FILE          behaviour history: converted = a purchase in\n"
    "                         [assigned_at, assigned_at + window), revenue = purchases\n"
    "                         minus refunds in that window\n"
    "  --window DAYS          the outcome window, 1 to 3650 [required with --events]\n"
    "  --converted COL        take the outcome from this column (1/0, true/false, yes/no)\n"
    "  --revenue COL          with --converted: revenue from this column\n"
    "  --pre-revenue COL      the CUPED covariate from this column [from --events]\n"
    "  --skip-bad-rows        skip bad event rows instead of stopping\n"
    "\n"
    "Read-out:\n"
    "  --control NAME         the control arm [control]\n"
    "  --by COLUMN            also one table per value of COLUMN: a column of the\n"
    "                         assignments, or lifecycle_stage or rfm_segment (from --events,\n"
    "                         as of assigned_at); repeatable\n"
    "  --no-arm-channel       no arm x channel table (made when a channel column exists)\n"
    "  --alpha A              significance level of the tests [0.05]\n"
    "  --confidence C         level of the intervals [0.95]\n"
    "  --alternative H        two-sided, greater (treatment above control) or less\n"
    "                         [two-sided]\n"
    "  --correction M         holm, bh (Benjamini-Hochberg) or none, across arms [holm]\n"
    "  --expected-split W     expected arm shares for the sample-ratio check: NAME=W,...\n"
    "                         or W,W,... in table order (control, then arms by name) [equal]\n"
    "  --cuped                also CUPED-adjusted revenue (covariate: the spend in the\n"
    "                         window-length period before assignment)\n"
    "  --cost-per-contact X   cost of contacting a treated customer: X, or CHANNEL=X,...\n"
    "  --offer-cost X         cost of the offer per converted treated customer: X, or\n"
    "                         ARM=X,...\n"
    "  --json FILE            write the read-out as JSON\n"
    "  --report FILE          write a self-contained HTML report with charts\n"
    "\n"
    "Planning (--plan; no data read):\n"
    "  --baseline P           the control conversion rate, 0 < P < 1\n"
    "  --mde D                the absolute lift to detect (0.02 = 2 points): sample size\n"
    "  --mde-relative R       the lift as a fraction of the baseline (0.1 = +10%)\n"
    "  --n N                  customers per arm: the minimum detectable effect\n"
    "  --power P              [0.8]\n"
    "  --arms K               arms including control [2]; alpha is split over the K - 1\n"
    "                         comparisons (Bonferroni)\n"
    "  (--alpha, --alternative and --json apply)\n"
    "\n"
    "Common:\n"
    "  --config FILE          JSON config (delimiter, event columns, lifecycle, RFM)\n"
    "  --threads N            worker threads [all cores]; results do not depend on N\n"
    "  -q, --quiet            no progress, notes or warnings on stderr\n"
    "  -h, --help             show this help\n"
    "  -V, --version          show the version\n";

enum {
    OPT_ASSIGNMENTS = CLI_OPT_FIRST_TOOL_OPTION,
    OPT_EVENTS,
    OPT_WINDOW,
    OPT_CONVERTED,
    OPT_REVENUE,
    OPT_PRE_REVENUE,
    OPT_SKIP_BAD_ROWS,
    OPT_CONTROL,
    OPT_BY,
    OPT_NO_ARM_CHANNEL,
    OPT_ALPHA,
    OPT_CONFIDENCE,
    OPT_ALTERNATIVE,
    OPT_CORRECTION,
    OPT_EXPECTED_SPLIT,
    OPT_CUPED,
    OPT_COST_PER_CONTACT,
    OPT_OFFER_COST,
    OPT_JSON,
    OPT_REPORT,
    OPT_PLAN,
    OPT_BASELINE,
    OPT_MDE,
    OPT_MDE_RELATIVE,
    OPT_N,
    OPT_POWER,
    OPT_ARMS,
};

static const struct option long_options[] = {
    { "assignments", required_argument, NULL, OPT_ASSIGNMENTS },
    { "events", required_argument, NULL, OPT_EVENTS },
    { "window", required_argument, NULL, OPT_WINDOW },
    { "converted", required_argument, NULL, OPT_CONVERTED },
    { "revenue", required_argument, NULL, OPT_REVENUE },
    { "pre-revenue", required_argument, NULL, OPT_PRE_REVENUE },
    { "skip-bad-rows", no_argument, NULL, OPT_SKIP_BAD_ROWS },
    { "control", required_argument, NULL, OPT_CONTROL },
    { "by", required_argument, NULL, OPT_BY },
    { "no-arm-channel", no_argument, NULL, OPT_NO_ARM_CHANNEL },
    { "alpha", required_argument, NULL, OPT_ALPHA },
    { "confidence", required_argument, NULL, OPT_CONFIDENCE },
    { "alternative", required_argument, NULL, OPT_ALTERNATIVE },
    { "correction", required_argument, NULL, OPT_CORRECTION },
    { "expected-split", required_argument, NULL, OPT_EXPECTED_SPLIT },
    { "cuped", no_argument, NULL, OPT_CUPED },
    { "cost-per-contact", required_argument, NULL, OPT_COST_PER_CONTACT },
    { "offer-cost", required_argument, NULL, OPT_OFFER_COST },
    { "json", required_argument, NULL, OPT_JSON },
    { "report", required_argument, NULL, OPT_REPORT },
    { "plan", no_argument, NULL, OPT_PLAN },
    { "baseline", required_argument, NULL, OPT_BASELINE },
    { "mde", required_argument, NULL, OPT_MDE },
    { "mde-relative", required_argument, NULL, OPT_MDE_RELATIVE },
    { "n", required_argument, NULL, OPT_N },
    { "power", required_argument, NULL, OPT_POWER },
    { "arms", required_argument, NULL, OPT_ARMS },
    CLI_COMMON_OPTIONS,
};

#define MAX_BY    16
#define MAX_ITEMS 64

/* A list option: NAME=X items, or bare numbers (a default, or positional weights). */
typedef struct value_list {
    char *storage; /* the option's text, split in place */
    const char *names[MAX_ITEMS];
    double values[MAX_ITEMS];
    size_t n_named;
    double bare[MAX_ITEMS];
    size_t n_bare;
} value_list;

typedef struct options {
    const char *assignments, *events, *converted, *revenue, *pre_revenue, *json, *report;
    const char *config, *control;
    long window_days; /* 0: not given */
    bool skip_bad_rows, no_arm_channel, cuped, plan;
    const char *by[MAX_BY];
    size_t n_by;
    double alpha, confidence;
    ck_alternative alternative;
    ck_correction correction;
    value_list split, contact, offer;
    bool has_split, has_contact, has_offer;
    double baseline, mde, mde_relative, n_per_arm, power;
    long arms;
    int threads;
} options;

static void parse_list(value_list *l, const char *option, const char *arg, double min)
{
    memset(l, 0, sizeof *l);
    l->storage = strdup(arg);
    if (l->storage == NULL)
        cli_usage_error("%s: out of memory", option);
    char *save = NULL;
    for (char *item = strtok_r(l->storage, ",", &save); item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (l->n_named + l->n_bare == MAX_ITEMS)
            cli_usage_error("%s: at most %d items", option, MAX_ITEMS);
        if (eq == NULL) {
            l->bare[l->n_bare++] = cli_parse_double(option, item, min, 1e15);
            continue;
        }
        *eq = '\0';
        if (*item == '\0')
            cli_usage_error("%s: expected NAME=VALUE, got \"=%s\"", option, eq + 1);
        l->names[l->n_named] = item;
        l->values[l->n_named++] = cli_parse_double(option, eq + 1, min, 1e15);
    }
    if (l->n_named + l->n_bare == 0)
        cli_usage_error("%s: expected a value, got \"%s\"", option, arg);
}

static void parse_options(options *o, int argc, char **argv)
{
    *o = (options){ .control = "control",
                    .alpha = 0.05,
                    .confidence = 0.95,
                    .alternative = CK_ALT_TWO_SIDED,
                    .correction = CK_CORRECT_HOLM,
                    .baseline = NAN,
                    .mde = NAN,
                    .mde_relative = NAN,
                    .n_per_arm = NAN,
                    .power = 0.8,
                    .arms = 2,
                    .threads = cli_default_threads() };
    bool plan_option = false, has_power = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qhV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_ASSIGNMENTS:
            o->assignments = optarg;
            break;
        case OPT_EVENTS:
            o->events = optarg;
            break;
        case OPT_WINDOW:
            o->window_days = cli_parse_long("--window", optarg, 1, 3650);
            break;
        case OPT_CONVERTED:
            o->converted = optarg;
            break;
        case OPT_REVENUE:
            o->revenue = optarg;
            break;
        case OPT_PRE_REVENUE:
            o->pre_revenue = optarg;
            break;
        case OPT_SKIP_BAD_ROWS:
            o->skip_bad_rows = true;
            break;
        case OPT_CONTROL:
            if (*optarg == '\0')
                cli_usage_error("--control: expected an arm name");
            o->control = optarg;
            break;
        case OPT_BY:
            if (o->n_by == MAX_BY)
                cli_usage_error("--by: at most %d columns", MAX_BY);
            if (*optarg == '\0')
                cli_usage_error("--by: expected a column name");
            o->by[o->n_by++] = optarg;
            break;
        case OPT_NO_ARM_CHANNEL:
            o->no_arm_channel = true;
            break;
        case OPT_ALPHA:
            o->alpha = cli_parse_double("--alpha", optarg, 1e-12, 0.5);
            break;
        case OPT_CONFIDENCE:
            o->confidence = cli_parse_double("--confidence", optarg, 0.5, 0.999999999);
            break;
        case OPT_ALTERNATIVE:
            if (strcmp(optarg, "two-sided") == 0)
                o->alternative = CK_ALT_TWO_SIDED;
            else if (strcmp(optarg, "greater") == 0)
                o->alternative = CK_ALT_GREATER;
            else if (strcmp(optarg, "less") == 0)
                o->alternative = CK_ALT_LESS;
            else
                cli_usage_error("--alternative: expected two-sided, greater or less, got \"%s\"",
                                optarg);
            break;
        case OPT_CORRECTION:
            if (strcmp(optarg, "holm") == 0)
                o->correction = CK_CORRECT_HOLM;
            else if (strcmp(optarg, "bh") == 0)
                o->correction = CK_CORRECT_BH;
            else if (strcmp(optarg, "none") == 0)
                o->correction = CK_CORRECT_NONE;
            else
                cli_usage_error("--correction: expected holm, bh or none, got \"%s\"", optarg);
            break;
        case OPT_EXPECTED_SPLIT:
            free(o->split.storage);
            parse_list(&o->split, "--expected-split", optarg, 1e-12);
            if (o->split.n_named > 0 && o->split.n_bare > 0)
                cli_usage_error("--expected-split: give NAME=W for every arm, or only weights");
            o->has_split = true;
            break;
        case OPT_CUPED:
            o->cuped = true;
            break;
        case OPT_COST_PER_CONTACT:
            free(o->contact.storage);
            parse_list(&o->contact, "--cost-per-contact", optarg, 0.0);
            if (o->contact.n_bare > 1)
                cli_usage_error("--cost-per-contact: one default cost at most, got \"%s\"", optarg);
            o->has_contact = true;
            break;
        case OPT_OFFER_COST:
            free(o->offer.storage);
            parse_list(&o->offer, "--offer-cost", optarg, 0.0);
            if (o->offer.n_bare > 1)
                cli_usage_error("--offer-cost: one default cost at most, got \"%s\"", optarg);
            o->has_offer = true;
            break;
        case OPT_JSON:
            o->json = optarg;
            break;
        case OPT_REPORT:
            o->report = optarg;
            break;
        case OPT_PLAN:
            o->plan = true;
            break;
        case OPT_BASELINE:
            o->baseline = cli_parse_double("--baseline", optarg, 1e-9, 1.0 - 1e-9);
            plan_option = true;
            break;
        case OPT_MDE:
            o->mde = cli_parse_double("--mde", optarg, 1e-9, 1.0);
            plan_option = true;
            break;
        case OPT_MDE_RELATIVE:
            o->mde_relative = cli_parse_double("--mde-relative", optarg, 1e-9, 1e9);
            plan_option = true;
            break;
        case OPT_N:
            o->n_per_arm = (double)cli_parse_long("--n", optarg, 2, 1000000000000L);
            plan_option = true;
            break;
        case OPT_POWER:
            o->power = cli_parse_double("--power", optarg, 0.5, 0.9999);
            has_power = true;
            break;
        case OPT_ARMS:
            o->arms = cli_parse_long("--arms", optarg, 2, 1000);
            plan_option = true;
            break;
        case CLI_OPT_CONFIG:
            o->config = optarg;
            break;
        case CLI_OPT_THREADS:
            o->threads = cli_parse_threads(optarg);
            break;
        default:
            cli_common_option(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument \"%s\"", argv[optind]);
    if (o->json != NULL && o->report != NULL && strcmp(o->json, o->report) == 0)
        cli_usage_error("--json and --report name the same file");
    const cli_file inputs[] = { { "--assignments", o->assignments },
                                { "--events", o->events },
                                { "--config", o->config } };
    const cli_file outputs[] = { { "--json", o->json }, { "--report", o->report } };
    cli_check_outputs(inputs, 3, outputs, 2);

    if (o->plan) {
        if (o->assignments || o->events || o->converted || o->report || o->n_by)
            cli_usage_error("--plan reads no data: drop --assignments, --events, --converted, "
                            "--by and --report");
        if (isnan(o->baseline))
            cli_usage_error("--plan needs --baseline");
        int given = !isnan(o->mde) + !isnan(o->mde_relative) + !isnan(o->n_per_arm);
        if (given != 1)
            cli_usage_error("--plan needs one of --mde, --mde-relative and --n");
        if (!isnan(o->mde_relative))
            o->mde = o->baseline * o->mde_relative;
        if (!isnan(o->mde)) {
            double target =
                o->alternative == CK_ALT_LESS ? o->baseline - o->mde : o->baseline + o->mde;
            if (!(target > 0.0 && target < 1.0))
                cli_usage_error("--plan: the baseline %g and the effect %g give a rate of %g, "
                                "outside (0, 1)",
                                o->baseline, o->mde, target);
        }
        return;
    }
    if (plan_option || has_power)
        cli_usage_error("--baseline, --mde, --mde-relative, --n, --power and --arms need --plan");
    if (o->assignments == NULL)
        cli_usage_error("--assignments is required (or --plan)");
    if (o->converted == NULL && o->events == NULL)
        cli_usage_error("outcomes need --events and --window, or --converted COL");
    if (o->converted == NULL && o->window_days == 0)
        cli_usage_error("--events needs --window DAYS");
    if (o->window_days != 0 && o->events == NULL)
        cli_usage_error("--window needs --events");
    if (o->revenue != NULL && o->converted == NULL)
        cli_usage_error("--revenue needs --converted (with --events, revenue is measured)");
    if (o->cuped && o->pre_revenue == NULL && (o->events == NULL || o->window_days == 0))
        cli_usage_error("--cuped needs --events and --window, or --pre-revenue COL");
    if (o->cuped && o->converted != NULL && o->revenue == NULL)
        cli_usage_error("--cuped needs revenue: --revenue COL with --converted");
    if (o->skip_bad_rows && o->events == NULL)
        cli_usage_error("--skip-bad-rows needs --events");
}

/* ---- planning ---- */

static int run_plan(const options *o)
{
    ck_abtest_plan_opts po = { o->baseline, o->mde,  o->n_per_arm,  o->alpha,
                               o->power,    o->arms, o->alternative };
    ck_abtest_plan plan;
    ck_error err = { 0 };
    cli_output out = { 0 };
    int rc = ck_abtest_plan_make(&plan, &po, &err);
    if (rc == CK_OK)
        rc = ck_abtest_plan_write_text(&plan, stdout, &err);
    if (rc == CK_OK && o->json != NULL) {
        rc = cli_output_open(&out, o->json, &err);
        if (rc == CK_OK)
            rc = ck_abtest_plan_write_json(&plan, out.fp, &err);
        if (rc == CK_OK)
            rc = cli_output_commit(&out, &err);
        cli_output_abort(&out);
    }
    if (rc < 0)
        cli_report(&err);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

/* ---- the read-out ---- */

static void on_reject(const char *raw, size_t raw_len, const ck_error *why, void *payload)
{
    size_t *count = payload;
    (void)raw;
    (void)raw_len;
    if ((*count)++ < 5) {
        char msg[600];
        cli_warn("skipped %s", ck_error_format(why, msg, sizeof msg));
    }
}

static int write_output(const char *path, const ck_abtest *ab,
                        int (*writer)(const ck_abtest *, FILE *, ck_error *), ck_error *err)
{
    cli_output out;
    int rc;
    if ((rc = cli_output_open(&out, path, err)) < 0)
        return rc;
    if ((rc = writer(ab, out.fp, err)) < 0) {
        if (err->file[0] == '\0') {
            char msg[sizeof err->msg];
            memcpy(msg, err->msg, sizeof msg);
            ck_error_set(err, rc, path, 0, "%s", msg);
        }
        cli_output_abort(&out);
        return rc;
    }
    return cli_output_commit(&out, err);
}

int main(int argc, char **argv)
{
    cli_init("churn-ab", usage);
    options o;
    parse_options(&o, argc, argv);
    if (o.plan) {
        int code = run_plan(&o);
        free(o.split.storage);
        return code;
    }

    ck_error err = { 0 };
    ck_config cfg;
    ck_events *ev = NULL;
    ck_abtest *ab = NULL;
    size_t n_rejected = 0;
    int rc = CK_OK;

    ck_config_init(&cfg);
    if (o.config && (rc = ck_config_load(&cfg, o.config, &err)) < 0)
        goto done;
    ck_abtest_read_opts ropts = CK_ABTEST_READ_OPTS_INIT;
    ropts.delimiter = cfg.delimiter;
    ropts.converted_column = o.converted;
    ropts.revenue_column = o.revenue;
    ropts.pre_revenue_column = o.pre_revenue;
    ropts.by_columns = o.by;
    ropts.n_by = o.n_by;
    if ((rc = ck_abtest_read_csv(&ab, o.assignments, &ropts, &err)) < 0)
        goto done;
    if (o.events != NULL) {
        ck_events_read_opts eopts = { &cfg,         o.skip_bad_rows, on_reject, &n_rejected,
                                      cli_progress, "reading",       o.threads };
        if ((rc = ck_events_read_csv(&ev, o.events, &eopts, &err)) < 0)
            goto done;
        if (n_rejected > 0)
            cli_warn("skipped %zu bad row%s of %s", n_rejected, n_rejected == 1 ? "" : "s",
                     o.events);
        if (o.window_days > 0 &&
            (rc = ck_abtest_outcomes_from_events(ab, ev, (int)o.window_days, &err)) < 0)
            goto done;
        if ((rc = ck_abtest_segments_from_events(ab, ev, &cfg, o.threads, &err)) < 0)
            goto done;
    }
    ck_abtest_opts aopts = CK_ABTEST_OPTS_INIT;
    aopts.control = o.control;
    aopts.alpha = o.alpha;
    aopts.confidence = o.confidence;
    aopts.alternative = o.alternative;
    aopts.correction = o.correction;
    aopts.cuped = o.cuped;
    aopts.arm_channel = !o.no_arm_channel;
    if (o.has_split) {
        aopts.split_arms = o.split.n_named ? o.split.names : NULL;
        aopts.split_weights = o.split.n_named ? o.split.values : o.split.bare;
        aopts.n_split = o.split.n_named ? o.split.n_named : o.split.n_bare;
    }
    aopts.has_costs = o.has_contact || o.has_offer;
    if (o.has_contact) {
        aopts.contact_cost = o.contact.n_bare ? o.contact.bare[0] : 0.0;
        aopts.contact_cost_channels = o.contact.names;
        aopts.contact_cost_values = o.contact.values;
        aopts.n_contact_costs = o.contact.n_named;
    }
    if (o.has_offer) {
        aopts.offer_cost = o.offer.n_bare ? o.offer.bare[0] : 0.0;
        aopts.offer_cost_arms = o.offer.names;
        aopts.offer_cost_values = o.offer.values;
        aopts.n_offer_costs = o.offer.n_named;
    }
    if ((rc = ck_abtest_analyze(ab, &aopts, &err)) < 0)
        goto done;
    for (size_t i = 0; i < ck_abtest_n_warnings(ab); i++)
        cli_warn("%s", ck_abtest_warning(ab, i));
    if ((rc = ck_abtest_write_text(ab, stdout, &err)) < 0)
        goto done;
    if (fflush(stdout) != 0) {
        rc = ck_error_set(&err, CK_EIO, "stdout", 0, "write error");
        goto done;
    }
    if (o.json && (rc = write_output(o.json, ab, ck_abtest_write_json, &err)) < 0)
        goto done;
    if (o.report && (rc = write_output(o.report, ab, ck_abtest_write_html, &err)) < 0)
        goto done;
    if (o.report)
        cli_note("wrote the report to %s", o.report);
done:
    if (rc < 0)
        cli_report(&err);
    ck_abtest_free(ab);
    ck_events_free(ev);
    free(o.split.storage);
    free(o.contact.storage);
    free(o.offer.storage);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

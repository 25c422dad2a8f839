/*
 * churn-synth: write a synthetic behaviour history (events, and optionally customers,
 * campaign assignments and the latent truth) with ck_synth_write(), or with --btyd a
 * population drawn from known BG/NBD + Gamma-Gamma parameters with ck_synth_btyd_write().
 * Options are checked
 * before any file is created; every output is written under a temporary name and renamed
 * only when all of them are complete.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "churnkit/synth.h"
#include "churnkit/timestamp.h"
#include "cli.h"

static const char usage[] =
    "Usage: churn-synth --customers N --days D --seed S --out EVENTS.csv [options]\n"
    "\n"
    "Write a realistic synthetic behaviour history of a membership brand: prospects,\n"
    "repeat buyers who lapse as their engagement fades, coupons, points, refunds and\n"
    "cancellations, and optionally a randomised recall campaign with its true effects.\n"
    "The same options and seed give the same bytes.\n"
    "\n"
    "Options:\n"
    "  --customers N          customers to simulate, 1 to 100000000 (required)\n"
    "  --days D               length of the period in days, 1 to 36500 (required)\n"
    "  --seed S               random seed, 0 to 9223372036854775807 (required)\n"
    "  --out FILE             the events CSV (required)\n"
    "  --start YYYY-MM-DD     first day of the period [2024-01-01]\n"
    "  --customers-out FILE   also write the customers CSV [none]\n"
    "  --campaign-out FILE    run a recall campaign on the customers at risk and write\n"
    "                         their assignments CSV [no campaign]\n"
    "  --campaign-date DATE   the campaign's first day; its window must fit in the\n"
    "                         period [the last --campaign-window days of the period]\n"
    "  --campaign-window DAYS days in which a conversion counts, 1 to 365 [30]\n"
    "  --truth-out FILE       also write the latent truth as JSON [none]\n"
    "  --holdout-from DATE    the truth also lists each customer's purchased items from\n"
    "                         DATE on (inside the period; needs --truth-out) [none]\n"
    "  --btyd                 instead, purchases only, drawn from a known BG/NBD +\n"
    "                         Gamma-Gamma process (CDNOW's estimates, per day, unless\n"
    "                         given below); the truth holds each customer's rate,\n"
    "                         dropout, spend scale and whether still alive\n"
    "  --r X, --alpha X, --a X, --b X\n"
    "                         BG/NBD parameters, rates per day [0.243, 30.898, 0.793, 2.426]\n"
    "  --p X, --q X, --gamma X\n"
    "                         Gamma-Gamma parameters [6.25, 3.74, 15.44]\n"
    "  --first-window DAYS    first purchases fall in the period's first DAYS days\n"
    "                         [84, or the whole period when shorter]\n"
    "  --config FILE          accepted for uniformity; churn-synth reads no settings [none]\n"
    "  --threads N            threads (--btyd only); the output is the same for any N\n"
    "                         [all cores]\n"
    "  -q, --quiet            no progress bar and no summary on stderr\n"
    "  -h, --help             show this help and exit\n"
    "  -V, --version          show the version and exit\n";

enum {
    OPT_CUSTOMERS = CLI_OPT_FIRST_TOOL_OPTION,
    OPT_DAYS,
    OPT_SEED,
    OPT_OUT,
    OPT_START,
    OPT_CUSTOMERS_OUT,
    OPT_CAMPAIGN_OUT,
    OPT_CAMPAIGN_DATE,
    OPT_CAMPAIGN_WINDOW,
    OPT_TRUTH_OUT,
    OPT_BTYD,
    OPT_FIRST_WINDOW,
    OPT_HOLDOUT_FROM,
    OPT_PARAM /* the BTYD parameters: OPT_PARAM + index into param_names */
};

static const char *const param_names[] = {
    "--r", "--alpha", "--a", "--b", "--p", "--q", "--gamma"
};
enum { N_PARAMS = 7 };

static const struct option long_options[] = {
    { "customers", required_argument, NULL, OPT_CUSTOMERS },
    { "days", required_argument, NULL, OPT_DAYS },
    { "seed", required_argument, NULL, OPT_SEED },
    { "out", required_argument, NULL, OPT_OUT },
    { "start", required_argument, NULL, OPT_START },
    { "customers-out", required_argument, NULL, OPT_CUSTOMERS_OUT },
    { "campaign-out", required_argument, NULL, OPT_CAMPAIGN_OUT },
    { "campaign-date", required_argument, NULL, OPT_CAMPAIGN_DATE },
    { "campaign-window", required_argument, NULL, OPT_CAMPAIGN_WINDOW },
    { "truth-out", required_argument, NULL, OPT_TRUTH_OUT },
    { "btyd", no_argument, NULL, OPT_BTYD },
    { "first-window", required_argument, NULL, OPT_FIRST_WINDOW },
    { "holdout-from", required_argument, NULL, OPT_HOLDOUT_FROM },
    { "r", required_argument, NULL, OPT_PARAM + 0 },
    { "alpha", required_argument, NULL, OPT_PARAM + 1 },
    { "a", required_argument, NULL, OPT_PARAM + 2 },
    { "b", required_argument, NULL, OPT_PARAM + 3 },
    { "p", required_argument, NULL, OPT_PARAM + 4 },
    { "q", required_argument, NULL, OPT_PARAM + 5 },
    { "gamma", required_argument, NULL, OPT_PARAM + 6 },
    CLI_COMMON_OPTIONS,
};

enum { OUT_EVENTS, OUT_CUSTOMERS, OUT_ASSIGNMENTS, OUT_TRUTH, N_OUT };

typedef struct options {
    ck_synth_params params;
    ck_synth_btyd_params btyd;
    bool is_btyd;
    const char *btyd_option; /* the first BTYD-only option given, for the error without --btyd */
    const char *path[N_OUT];
    const char *campaign_date;
    const char *holdout_from;
    const char *config;
    bool has_customers, has_days, has_seed, has_window, has_threads;
} options;

/* Parse and check every option; usage errors exit here with status 2, -h and -V with 0. */
static void parse_options(int argc, char **argv, options *o)
{
    static const char *const out_option[N_OUT] = { "--out", "--customers-out", "--campaign-out",
                                                   "--truth-out" };
    ck_synth_params defaults = CK_SYNTH_PARAMS_INIT;
    ck_synth_btyd_params btyd_defaults = CK_SYNTH_BTYD_PARAMS_INIT;
    memset(o, 0, sizeof *o);
    o->params = defaults;
    o->btyd = btyd_defaults;
    double *param[N_PARAMS] = { &o->btyd.r, &o->btyd.alpha, &o->btyd.a,    &o->btyd.b,
                                &o->btyd.p, &o->btyd.q,     &o->btyd.gamma };
    o->params.start_ts = cli_parse_date("--start", "2024-01-01");
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":qhV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_CUSTOMERS:
            o->params.n_customers =
                (size_t)cli_parse_long("--customers", optarg, 1, CK_SYNTH_MAX_CUSTOMERS);
            o->has_customers = true;
            break;
        case OPT_DAYS:
            o->params.days = (int)cli_parse_long("--days", optarg, 1, CK_SYNTH_MAX_DAYS);
            o->has_days = true;
            break;
        case OPT_SEED:
            o->params.seed = (uint64_t)cli_parse_long("--seed", optarg, 0, INT64_MAX);
            o->has_seed = true;
            break;
        case OPT_OUT:
            o->path[OUT_EVENTS] = optarg;
            break;
        case OPT_START:
            o->params.start_ts = cli_parse_date("--start", optarg);
            break;
        case OPT_CUSTOMERS_OUT:
            o->path[OUT_CUSTOMERS] = optarg;
            break;
        case OPT_CAMPAIGN_OUT:
            o->path[OUT_ASSIGNMENTS] = optarg;
            break;
        case OPT_CAMPAIGN_DATE:
            o->campaign_date = optarg;
            o->params.campaign_ts = cli_parse_date("--campaign-date", optarg);
            break;
        case OPT_CAMPAIGN_WINDOW:
            o->params.campaign_window_days =
                (int)cli_parse_long("--campaign-window", optarg, 1, CK_SYNTH_MAX_WINDOW_DAYS);
            o->has_window = true;
            break;
        case OPT_TRUTH_OUT:
            o->path[OUT_TRUTH] = optarg;
            break;
        case OPT_HOLDOUT_FROM:
            o->holdout_from = optarg;
            o->params.holdout_ts = cli_parse_date("--holdout-from", optarg);
            o->params.has_holdout = true;
            break;
        case CLI_OPT_CONFIG:
            o->config = optarg;
            break;
        case CLI_OPT_THREADS:
            o->btyd.n_threads = cli_parse_threads(optarg); /* the brand mode is sequential */
            o->has_threads = true;
            break;
        case OPT_BTYD:
            o->is_btyd = true;
            break;
        case OPT_FIRST_WINDOW:
            o->btyd.first_window_days =
                (int)cli_parse_long("--first-window", optarg, 1, CK_SYNTH_MAX_DAYS);
            if (o->btyd_option == NULL)
                o->btyd_option = "--first-window";
            break;
        default:
            if (c >= OPT_PARAM && c < OPT_PARAM + N_PARAMS) {
                *param[c - OPT_PARAM] =
                    cli_parse_double(param_names[c - OPT_PARAM], optarg, 0.0, 1e300);
                if (o->btyd_option == NULL)
                    o->btyd_option = param_names[c - OPT_PARAM];
                break;
            }
            cli_common_option(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument \"%s\"", argv[optind]);

    if (!o->has_customers)
        cli_usage_error("--customers is required");
    if (!o->has_days)
        cli_usage_error("--days is required");
    if (!o->has_seed)
        cli_usage_error("--seed is required");
    if (o->path[OUT_EVENTS] == NULL)
        cli_usage_error("--out is required");
    cli_file outputs[N_OUT];
    for (int i = 0; i < N_OUT; i++)
        outputs[i] = (cli_file){ out_option[i], o->path[i] };
    const cli_file config = { "--config", o->config };
    cli_check_outputs(&config, 1, outputs, N_OUT);

    int64_t end = o->params.start_ts + (int64_t)o->params.days * 86400;
    if (end > ck_days_from_civil(10000, 1, 1) * 86400)
        cli_usage_error("--days: the period must end by 9999-12-31, got %d days", o->params.days);

    if (!o->is_btyd && o->btyd_option != NULL)
        cli_usage_error("%s needs --btyd", o->btyd_option);
    if (o->is_btyd) {
        if (o->path[OUT_CUSTOMERS] != NULL)
            cli_usage_error("--customers-out cannot be used with --btyd");
        if (o->holdout_from != NULL)
            cli_usage_error("--holdout-from cannot be used with --btyd");
        if (o->path[OUT_ASSIGNMENTS] != NULL || o->campaign_date != NULL || o->has_window)
            cli_usage_error("the campaign options cannot be used with --btyd");
        if (o->btyd.first_window_days > o->params.days)
            cli_usage_error("--first-window: expected at most --days (%d), got %d", o->params.days,
                            o->btyd.first_window_days);
        o->btyd.seed = o->params.seed;
        o->btyd.n_customers = o->params.n_customers;
        o->btyd.start_ts = o->params.start_ts;
        o->btyd.days = o->params.days;
        if (!o->has_threads)
            o->btyd.n_threads = cli_default_threads();
        ck_error err = { 0 };
        if (ck_synth_btyd_check_params(&o->btyd, &err) < 0)
            cli_usage_error("%s", err.msg);
        return;
    }
    if (o->holdout_from != NULL) {
        char first_s[16], last_s[16];
        ck_ts_format_date(o->params.start_ts + 86400, first_s);
        ck_ts_format_date(end - 86400, last_s);
        if (o->path[OUT_TRUTH] == NULL)
            cli_usage_error("--holdout-from needs --truth-out");
        if (o->params.holdout_ts <= o->params.start_ts || o->params.holdout_ts >= end)
            cli_usage_error("--holdout-from: expected %s to %s (inside the period), got \"%s\"",
                            first_s, last_s, o->holdout_from);
    }
    o->params.has_campaign = o->path[OUT_ASSIGNMENTS] != NULL;
    if (!o->params.has_campaign && o->campaign_date != NULL)
        cli_usage_error("--campaign-date needs --campaign-out");
    if (!o->params.has_campaign && o->has_window)
        cli_usage_error("--campaign-window needs --campaign-out");
    if (o->params.has_campaign) {
        int64_t window = (int64_t)o->params.campaign_window_days * 86400;
        int64_t first = o->params.start_ts + 86400, last = end - window;
        char first_s[16], last_s[16];
        ck_ts_format_date(first, first_s);
        ck_ts_format_date(last, last_s);
        if (last < first)
            cli_usage_error("--campaign-window: a %d-day window needs a period of at least %d "
                            "days, got %d",
                            o->params.campaign_window_days, o->params.campaign_window_days + 1,
                            o->params.days);
        if (o->campaign_date == NULL)
            o->params.campaign_ts = last;
        else if (o->params.campaign_ts < first || o->params.campaign_ts > last)
            cli_usage_error("--campaign-date: expected %s to %s (the %d-day window must lie "
                            "inside the period), got \"%s\"",
                            first_s, last_s, o->params.campaign_window_days, o->campaign_date);
    }
    ck_error err = { 0 };
    if (ck_synth_check_params(&o->params, &err) < 0)
        cli_usage_error("%s", err.msg);
}

int main(int argc, char **argv)
{
    options o;
    cli_output out[N_OUT];
    ck_error err = { 0 };
    ck_synth_stats stats;
    int rc = CK_OK;

    cli_init("churn-synth", usage);
    parse_options(argc, argv, &o);
    if (o.config != NULL)
        cli_warn("--config: churn-synth has no settings, \"%s\" is not read", o.config);

    memset(out, 0, sizeof out);
    for (int i = 0; i < N_OUT && rc == CK_OK; i++)
        if (o.path[i] != NULL)
            rc = cli_output_open(&out[i], o.path[i], &err);
    if (rc == CK_OK && o.is_btyd)
        rc = ck_synth_btyd_write(&o.btyd, out[OUT_EVENTS].fp, out[OUT_TRUTH].fp, &stats,
                                 cli_progress, "generating", &err);
    else if (rc == CK_OK)
        rc = ck_synth_write(&o.params, out[OUT_EVENTS].fp, out[OUT_CUSTOMERS].fp,
                            out[OUT_ASSIGNMENTS].fp, out[OUT_TRUTH].fp, &stats, cli_progress,
                            "generating", &err);
    for (int i = 0; i < N_OUT && rc == CK_OK; i++)
        if (o.path[i] != NULL)
            rc = cli_output_commit(&out[i], &err);
    if (rc != CK_OK) {
        for (int i = 0; i < N_OUT; i++)
            cli_output_abort(&out[i]);
        cli_report(&err);
        return CLI_EXIT_DATA;
    }
    if (o.is_btyd)
        cli_note("wrote %zu purchases of %zu customers (%zu repeat buyers)", stats.n_events,
                 o.params.n_customers, stats.n_buyers);
    else if (o.params.has_campaign)
        cli_note("wrote %zu events of %zu customers (%zu buyers, %zu in the campaign)",
                 stats.n_events, o.params.n_customers, stats.n_buyers, stats.n_assigned);
    else
        cli_note("wrote %zu events of %zu customers (%zu buyers)", stats.n_events,
                 o.params.n_customers, stats.n_buyers);
    return CLI_EXIT_OK;
}

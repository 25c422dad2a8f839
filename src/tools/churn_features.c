/*
 * churn-features: the per-customer feature matrix of an event log as of one or more
 * cutoffs, with label, lifecycle stage and RFM scores (DESIGN.md, docs/FEATURES.md).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/churnkit.h"
#include "churnkit/pipeline.h"
#include "cli.h"

static const char usage[] =
    "Usage: churn-features --events E.csv --cutoff YYYY-MM-DD [--cutoff ...] --out F.csv\n"
    "                      [options]\n"
    "\n"
    "Build the per-customer feature matrix as of each cutoff: one row per customer of the\n"
    "population (a purchase in the lookback window), the features, lifecycle stage, RFM\n"
    "scores and segment, and the churn label when the horizon lies inside the data.\n"
    "Several --cutoff options stack snapshots, with a cutoff column.\n"
    "\n"
    "Options:\n"
    "  --events FILE        behaviour history CSV (.gz read transparently) [required]\n"
    "  --customers FILE     customer attributes CSV (customer_id, signup_date, ...)\n"
    "  --cutoff DATE        as-of date, YYYY-MM-DD (UTC); repeatable [required]\n"
    "  --out FILE           output CSV [required]\n"
    "  --all-customers      a row for every customer with an event before the cutoff,\n"
    "                       not only the population\n"
    "  --gap DAYS           days between cutoff and horizon [config: 0]\n"
    "  --horizon DAYS       churn horizon [config: 90]\n"
    "  --skip-bad-rows      skip bad event rows instead of stopping\n"
    "  --rejects FILE       with --skip-bad-rows: write each skipped row there verbatim\n"
    "  --config FILE        JSON config (columns, aliases, thresholds)\n"
    "  --threads N          worker threads [all cores]; results do not depend on N\n"
    "  -q, --quiet          no progress or notes on stderr\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n";

enum {
    OPT_EVENTS = CLI_OPT_FIRST_TOOL_OPTION,
    OPT_CUSTOMERS,
    OPT_CUTOFF,
    OPT_OUT,
    OPT_ALL_CUSTOMERS,
    OPT_GAP,
    OPT_HORIZON,
    OPT_SKIP_BAD_ROWS,
    OPT_REJECTS,
};

static const struct option long_options[] = {
    { "events", required_argument, NULL, OPT_EVENTS },
    { "customers", required_argument, NULL, OPT_CUSTOMERS },
    { "cutoff", required_argument, NULL, OPT_CUTOFF },
    { "out", required_argument, NULL, OPT_OUT },
    { "all-customers", no_argument, NULL, OPT_ALL_CUSTOMERS },
    { "gap", required_argument, NULL, OPT_GAP },
    { "horizon", required_argument, NULL, OPT_HORIZON },
    { "skip-bad-rows", no_argument, NULL, OPT_SKIP_BAD_ROWS },
    { "rejects", required_argument, NULL, OPT_REJECTS },
    CLI_COMMON_OPTIONS,
};

#define MAX_CUTOFFS 64

typedef struct options {
    const char *events, *customers, *out, *config, *rejects;
    int64_t cutoffs[MAX_CUTOFFS];
    size_t n_cutoffs;
    long gap_days, horizon_days; /* -1: from the config */
    bool all_customers, skip_bad_rows;
    int threads;
} options;

static void parse_options(options *o, int argc, char **argv)
{
    *o = (options){ .gap_days = -1, .horizon_days = -1, .threads = cli_default_threads() };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qhV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_EVENTS:
            o->events = optarg;
            break;
        case OPT_CUSTOMERS:
            o->customers = optarg;
            break;
        case OPT_CUTOFF:
            if (o->n_cutoffs == MAX_CUTOFFS)
                cli_usage_error("--cutoff: at most %d cutoffs", MAX_CUTOFFS);
            o->cutoffs[o->n_cutoffs++] = cli_parse_date("--cutoff", optarg);
            break;
        case OPT_OUT:
            o->out = optarg;
            break;
        case OPT_ALL_CUSTOMERS:
            o->all_customers = true;
            break;
        case OPT_GAP:
            o->gap_days = cli_parse_long("--gap", optarg, 0, 36500);
            break;
        case OPT_HORIZON:
            o->horizon_days = cli_parse_long("--horizon", optarg, 1, 36500);
            break;
        case OPT_SKIP_BAD_ROWS:
            o->skip_bad_rows = true;
            break;
        case OPT_REJECTS:
            o->rejects = optarg;
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
    if (o->events == NULL)
        cli_usage_error("--events is required");
    if (o->n_cutoffs == 0)
        cli_usage_error("--cutoff is required");
    if (o->out == NULL)
        cli_usage_error("--out is required");
    if (o->rejects != NULL && !o->skip_bad_rows)
        cli_usage_error("--rejects needs --skip-bad-rows");
    for (size_t i = 0; i < o->n_cutoffs; i++)
        for (size_t k = 0; k < i; k++)
            if (o->cutoffs[i] == o->cutoffs[k])
                cli_usage_error("--cutoff: the same date is given twice");
    const cli_file inputs[] = { { "--events", o->events },
                                { "--customers", o->customers },
                                { "--config", o->config } };
    const cli_file outputs[] = { { "--out", o->out }, { "--rejects", o->rejects } };
    cli_check_outputs(inputs, 3, outputs, 2);
}

/* Skipped rows: verbatim to the rejects file; the first few reasons on stderr. */
typedef struct rejects {
    cli_output file;
    bool open;
    size_t count;
} rejects;

static void on_reject(const char *raw, size_t raw_len, const ck_error *why, void *payload)
{
    rejects *r = payload;
    if (r->count++ < 5) {
        char msg[600];
        cli_warn("skipped %s", ck_error_format(why, msg, sizeof msg));
    }
    if (r->open) {
        fwrite(raw, 1, raw_len, r->file.fp);
        fputc('\n', r->file.fp);
    }
}

int main(int argc, char **argv)
{
    cli_init("churn-features", usage);
    options o;
    parse_options(&o, argc, argv);

    ck_error err = { 0 };
    ck_config cfg;
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    ck_features *tables[MAX_CUTOFFS] = { NULL };
    rejects rej = { 0 };
    cli_output out = { 0 };
    int rc = CK_OK;

    ck_config_init(&cfg);
    if (o.config && (rc = ck_config_load(&cfg, o.config, &err)) < 0)
        goto done;
    if (o.gap_days >= 0)
        cfg.gap_days = (int)o.gap_days;
    if (o.horizon_days >= 0)
        cfg.horizon_days = (int)o.horizon_days;
    if (o.rejects) {
        if ((rc = cli_output_open(&rej.file, o.rejects, &err)) < 0)
            goto done;
        rej.open = true;
    }
    ck_events_read_opts read_opts = { &cfg,         o.skip_bad_rows, on_reject, &rej,
                                      cli_progress, "reading",       o.threads };
    if ((rc = ck_events_read_csv(&ev, o.events, &read_opts, &err)) < 0)
        goto done;
    if (rej.count > 0)
        cli_warn("skipped %zu bad row%s of %s%s%s", rej.count, rej.count == 1 ? "" : "s", o.events,
                 o.rejects ? "; written to " : "", o.rejects ? o.rejects : "");
    if (o.customers && (rc = ck_customers_read_csv(&customers, o.customers, &cfg, &err)) < 0)
        goto done;
    ck_features_opts fopts = { .config = &cfg,
                               .customers = customers,
                               .all_customers = o.all_customers,
                               .n_threads = o.threads };
    if ((rc = ck_pipeline_feature_tables(tables, ev, o.cutoffs, o.n_cutoffs, &fopts, &err)) < 0)
        goto done;
    for (size_t i = 0; i < o.n_cutoffs; i++) {
        if (!ck_features_has_label(tables[i])) {
            char date[16];
            ck_ts_format_date(o.cutoffs[i], date);
            cli_note("no label as of %s: its horizon runs past the end of the data", date);
        }
    }
    if ((rc = cli_output_open(&out, o.out, &err)) < 0 ||
        (rc = ck_features_write_csv((const ck_features *const *)tables, o.n_cutoffs, out.fp,
                                    cfg.delimiter, &err)) < 0 ||
        (rc = cli_output_commit(&out, &err)) < 0)
        goto done;
    if (rej.open && (rc = cli_output_commit(&rej.file, &err)) < 0)
        goto done;
    rej.open = false;
    size_t rows = 0;
    for (size_t i = 0; i < o.n_cutoffs; i++)
        rows += ck_features_n_rows(tables[i]);
    cli_note("%zu events, %zu customers; wrote %zu rows × %zu features to %s",
             ck_events_n_events(ev), ck_events_n_customers(ev), rows,
             ck_features_n_columns(tables[0]), o.out);
done:
    if (rc < 0) {
        if (err.code == CK_OK) /* a write error reported by a tool step */
            ck_error_set(&err, rc, o.out, 0, "%s", ck_status_name(rc));
        cli_report(&err);
    }
    cli_output_abort(&out);
    if (rej.open)
        cli_output_abort(&rej.file);
    for (size_t i = 0; i < o.n_cutoffs; i++)
        ck_features_free(tables[i]);
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

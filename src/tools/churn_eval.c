/*
 * churn-eval: measure one model, or a champion against a challenger, on rows with known
 * outcomes: out of time from events (features and labels rebuilt as of a later cutoff with
 * each model's own feature spec) or from a labelled table, overall and per lifecycle stage.
 * Prints a table; writes every number as JSON and an HTML report with charts on request.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/churnkit.h"
#include "churnkit/pipeline.h"
#include "cli.h"

static const char usage[] =
    "Usage: churn-eval --model M [--model M2] --events E.csv --cutoff DATE [options]\n"
    "       churn-eval --model M [--model M2] --table T.csv [--label COL] [--id COL] [options]\n"
    "       churn-eval --model VALUE --events E.csv --cutoff DATE [--horizon-days H] [options]\n"
    "       churn-eval --model UPLIFT (--table T.csv --label COL --treatment COL |\n"
    "                  --events E.csv --assignments A.csv --window DAYS) [options]\n"
    "       churn-eval --model RECOMMENDER --events E.csv --cutoff DATE [--top K]\n"
    "                  [--horizon-days H] [options]\n"
    "\n"
    "Evaluate churn models on customers whose outcome is known. Events mode rebuilds each\n"
    "model's features and the churn labels as of --cutoff (out of time: a date after the\n"
    "training cutoffs whose churn horizon the events cover) and adds a baseline ranking by\n"
    "recency alone. With two models, the first is the champion (A), the second the\n"
    "challenger (B), scored on the same rows and compared by DeLong's test. Every metric is\n"
    "also given per lifecycle stage, on each stage's rows alone (table mode: from the\n"
    "table's lifecycle_stage column, when it has one).\n"
    "\n"
    "Options:\n"
    "  --model M          model file, DIR/<name> (latest version) or DIR/<name>@N; once or twice\n"
    "  --events FILE      behaviour history CSV\n"
    "  --customers FILE   customer attributes CSV (when the models use them)\n"
    "  --cutoff DATE      evaluation cutoff, YYYY-MM-DD\n"
    "  --table FILE       labelled feature table CSV\n"
    "  --label COL        table mode: the label column [the model's, else \"label\"]\n"
    "  --id COL           table mode: the id column [the model's]\n"
    "  --threshold P      probability for the confusion matrix [each model's top 10%]\n"
    "  --top LIST         percentages for precision and recall at the top [5,10,20];\n"
    "                     a recommender: the list length K [10]\n"
    "  --bootstrap N      resamples for percentile intervals, 0 for none [0]\n"
    "  --seed N           of the bootstrap [42]\n"
    "  --level X          confidence level of every interval [0.95]\n"
    "  --json FILE        write every number as JSON\n"
    "  --report FILE      write an HTML report with charts (self-contained)\n"
    "  --title TEXT       the report's title [Churn model evaluation]\n"
    "  --skip-bad-rows    skip bad event rows\n"
    "  --horizon-days H   value model: the holdout after --cutoff, in days [365]; each\n"
    "                     customer's expected purchases in it against the actual ones,\n"
    "                     beside the naive x / T x H (docs/EVAL.md, Customer value)\n"
    "                     recommender: the holdout in which purchases are the truth [30];\n"
    "                     precision, recall, NDCG, MAP and hit rate at K and coverage, for\n"
    "                     all items and for items new to the customer, beside the\n"
    "                     popularity and repeat-purchase baselines (docs/EVAL.md,\n"
    "                     Recommendations)\n"
    "  --treatment COL    uplift model, table mode: the arm column\n"
    "  --control NAME     uplift model: the control arm [the model's]\n"
    "  --assignments FILE uplift model, events mode: churn-ab's assignments file; the\n"
    "                     features are as of each assignment day, the outcome a purchase\n"
    "                     within --window days (each treatment arm against control: Qini and\n"
    "                     uplift curves, coefficients, uplift at the top; docs/EVAL.md, Uplift)\n"
    "  --window DAYS      uplift model, events mode: the conversion window\n"
    "  --config FILE      accepted for uniformity; each model's feature spec is used\n"
    "  --threads N        worker threads [all cores]; results do not depend on N\n"
    "  -q, --quiet        no notes on stderr\n"
    "  -h, --help         show this help\n"
    "  -V, --version      show the version\n";

enum {
    OPT_MODEL = CLI_OPT_FIRST_TOOL_OPTION,
    OPT_EVENTS,
    OPT_CUSTOMERS,
    OPT_CUTOFF,
    OPT_TABLE,
    OPT_LABEL,
    OPT_ID,
    OPT_THRESHOLD,
    OPT_TOP,
    OPT_BOOTSTRAP,
    OPT_SEED,
    OPT_LEVEL,
    OPT_JSON,
    OPT_REPORT,
    OPT_TITLE,
    OPT_SKIP_BAD_ROWS,
    OPT_HORIZON_DAYS,
    OPT_TREATMENT,
    OPT_CONTROL,
    OPT_ASSIGNMENTS,
    OPT_WINDOW,
};

static const struct option long_options[] = {
    { "model", required_argument, NULL, OPT_MODEL },
    { "events", required_argument, NULL, OPT_EVENTS },
    { "customers", required_argument, NULL, OPT_CUSTOMERS },
    { "cutoff", required_argument, NULL, OPT_CUTOFF },
    { "table", required_argument, NULL, OPT_TABLE },
    { "label", required_argument, NULL, OPT_LABEL },
    { "id", required_argument, NULL, OPT_ID },
    { "threshold", required_argument, NULL, OPT_THRESHOLD },
    { "top", required_argument, NULL, OPT_TOP },
    { "bootstrap", required_argument, NULL, OPT_BOOTSTRAP },
    { "seed", required_argument, NULL, OPT_SEED },
    { "level", required_argument, NULL, OPT_LEVEL },
    { "json", required_argument, NULL, OPT_JSON },
    { "report", required_argument, NULL, OPT_REPORT },
    { "title", required_argument, NULL, OPT_TITLE },
    { "skip-bad-rows", no_argument, NULL, OPT_SKIP_BAD_ROWS },
    { "horizon-days", required_argument, NULL, OPT_HORIZON_DAYS },
    { "treatment", required_argument, NULL, OPT_TREATMENT },
    { "control", required_argument, NULL, OPT_CONTROL },
    { "assignments", required_argument, NULL, OPT_ASSIGNMENTS },
    { "window", required_argument, NULL, OPT_WINDOW },
    CLI_COMMON_OPTIONS,
};

typedef struct options {
    const char *models[CK_EVAL_MAX_MODELS];
    size_t n_models;
    const char *events, *customers, *table, *label, *id, *json, *report, *title;
    const char *treatment, *control, *assignments; /* an uplift model */
    const char *top; /* --top as given: percentages, or a recommender's K */
    int window;
    int64_t cutoff;
    bool has_cutoff, skip_bad_rows, has_horizon;
    double horizon_days;
    ck_eval_opts eval;
} options;

/* "5,10,20" → fractions 0.05, 0.10, 0.20 */
static void parse_top(options *o, const char *arg)
{
    o->eval.n_top = 0;
    const char *p = arg;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[32];
        if (len == 0 || len >= sizeof item)
            cli_usage_error("--top: expected percentages such as 5,10,20, got \"%s\"", arg);
        memcpy(item, p, len);
        item[len] = '\0';
        if (o->eval.n_top == CK_EVAL_MAX_TOP)
            cli_usage_error("--top: at most %d percentages", CK_EVAL_MAX_TOP);
        double pct = cli_parse_double("--top", item, 0.001, 100);
        o->eval.top[o->eval.n_top++] = pct / 100.0;
        p += len + (comma != NULL);
    }
    if (o->eval.n_top == 0)
        cli_usage_error("--top: expected percentages such as 5,10,20, got \"%s\"", arg);
}

static void parse_options(options *o, int argc, char **argv)
{
    *o = (options){ .eval = CK_EVAL_OPTS_INIT };
    o->eval.n_threads = cli_default_threads();
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qhV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_MODEL:
            if (o->n_models == CK_EVAL_MAX_MODELS)
                cli_usage_error("--model: at most %d models (champion and challenger)",
                                CK_EVAL_MAX_MODELS);
            o->models[o->n_models++] = optarg;
            break;
        case OPT_HORIZON_DAYS:
            o->horizon_days = cli_parse_double("--horizon-days", optarg, 1.0, 36525.0);
            o->has_horizon = true;
            break;
        case OPT_EVENTS:
            o->events = optarg;
            break;
        case OPT_CUSTOMERS:
            o->customers = optarg;
            break;
        case OPT_CUTOFF:
            o->cutoff = cli_parse_date("--cutoff", optarg);
            o->has_cutoff = true;
            break;
        case OPT_TABLE:
            o->table = optarg;
            break;
        case OPT_LABEL:
            o->label = optarg;
            break;
        case OPT_ID:
            o->id = optarg;
            break;
        case OPT_THRESHOLD:
            o->eval.threshold = cli_parse_double("--threshold", optarg, 0.0, 1.0);
            break;
        case OPT_TOP:
            o->top = optarg; /* a recommender reads it as K */
            parse_top(o, optarg);
            break;
        case OPT_BOOTSTRAP:
            o->eval.bootstrap = (size_t)cli_parse_long("--bootstrap", optarg, 0, 1000000);
            break;
        case OPT_SEED:
            o->eval.seed = (uint64_t)cli_parse_long("--seed", optarg, 0, 1L << 62);
            break;
        case OPT_LEVEL:
            o->eval.level = cli_parse_double("--level", optarg, 0.5, 0.999);
            break;
        case OPT_JSON:
            o->json = optarg;
            break;
        case OPT_REPORT:
            o->report = optarg;
            break;
        case OPT_TITLE:
            o->title = optarg;
            break;
        case OPT_SKIP_BAD_ROWS:
            o->skip_bad_rows = true;
            break;
        case OPT_TREATMENT:
            o->treatment = optarg;
            break;
        case OPT_CONTROL:
            o->control = optarg;
            break;
        case OPT_ASSIGNMENTS:
            o->assignments = optarg;
            break;
        case OPT_WINDOW:
            o->window = (int)cli_parse_long("--window", optarg, 1, 3650);
            break;
        case CLI_OPT_CONFIG:
            break;
        case CLI_OPT_THREADS:
            o->eval.n_threads = cli_parse_threads(optarg);
            break;
        default:
            cli_common_option(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument \"%s\"", argv[optind]);
    if (o->n_models == 0)
        cli_usage_error("--model is required");
    if ((o->events == NULL) == (o->table == NULL))
        cli_usage_error("give either --events (with --cutoff) or --table");
    if (o->events && !o->has_cutoff && !o->assignments)
        cli_usage_error("--events needs --cutoff (or, for an uplift model, --assignments)");
    if ((o->assignments || o->window) && (!o->events || !o->assignments || !o->window))
        cli_usage_error("--assignments and --window go together, with --events");
    if (o->treatment && !o->table)
        cli_usage_error("--treatment belongs to table mode");
    if (o->table && (o->has_cutoff || o->customers || o->skip_bad_rows))
        cli_usage_error("--cutoff, --customers and --skip-bad-rows belong to events mode");
    if (o->events && (o->label || o->id))
        cli_usage_error("--label and --id belong to table mode");
    if (o->json && o->report && strcmp(o->json, o->report) == 0)
        cli_usage_error("--json and --report name the same file");
    /* each model as named and as resolved (DIR/<name>[@N]); one that does not resolve is
     * reported when it is read */
    char model_file[CK_EVAL_MAX_MODELS][1024];
    cli_file inputs[2 * CK_EVAL_MAX_MODELS + 4];
    size_t n = 0;
    for (size_t i = 0; i < o->n_models; i++) {
        ck_error err = { 0 };
        inputs[n++] = (cli_file){ "--model", o->models[i] };
        if (ck_model_resolve_path(model_file[i], sizeof model_file[i], o->models[i], &err) == 0)
            inputs[n++] = (cli_file){ "--model", model_file[i] };
    }
    inputs[n++] = (cli_file){ "--events", o->events };
    inputs[n++] = (cli_file){ "--customers", o->customers };
    inputs[n++] = (cli_file){ "--table", o->table };
    inputs[n++] = (cli_file){ "--assignments", o->assignments };
    const cli_file outputs[] = { { "--json", o->json }, { "--report", o->report } };
    cli_check_outputs(inputs, n, outputs, 2);
}

/* Everything loaded for one model. */
typedef struct loaded {
    char path[1024];
    char name[256];
    ck_model *model;
    ck_dataset *data;
    double *prob;
} loaded;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The events (and customers, when given) read the way model @p m reads them. */
static int read_events(const options *o, const loaded *m, ck_events **ev,
                       ck_customers **customers, ck_error *err)
{
    ck_pipeline_read_opts ropts = { .model_path = m->path,
                                    .purpose = "evaluate",
                                    .events_path = o->events,
                                    .customers_path = o->customers,
                                    .skip_bad_rows = o->skip_bad_rows,
                                    .n_threads = o->eval.n_threads,
                                    .progress = cli_progress,
                                    .progress_payload = "reading" };
    int rc = ck_pipeline_read_events(ev, customers, m->model, &ropts, err);
    if (rc == CK_OK && ck_events_n_rejected(*ev) > 0)
        cli_warn("skipped %zu bad rows of %s", ck_events_n_rejected(*ev), o->events);
    return rc;
}

/* Events mode for one model: its features and labels as of the cutoff (the features
 * table is kept for the baseline). The events are read once, unless the second model
 * reads them another way. */
static int load_events(const options *o, loaded *m, const loaded *first, ck_events **ev,
                       ck_customers **customers, ck_features **table, ck_error *err)
{
    if (*ev != NULL && first != NULL && !ck_pipeline_same_reading(first->model, m->model)) {
        ck_customers_free(*customers);
        ck_events_free(*ev);
        *customers = NULL;
        *ev = NULL;
    }
    int rc = *ev == NULL ? read_events(o, m, ev, customers, err) : CK_OK;
    if (rc < 0)
        return rc;
    return ck_pipeline_eval_set(&m->data, table, m->model, m->path, *ev, *customers, o->cutoff,
                                o->events, o->eval.n_threads, err);
}

static void describe(char *buf, size_t size, const options *o, const loaded *m)
{
    if (o->events) {
        const ck_config *cfg = &ck_model_spec_of(m->model)->config;
        char date[16];
        ck_ts_format_date(o->cutoff, date);
        snprintf(buf, size,
                 "%s as of %s; churned: no purchase in the %d days after (gap %d), population: "
                 "a purchase in the %d days before",
                 base_name(o->events), date, cfg->horizon_days, cfg->gap_days, cfg->lookback_days);
    } else {
        snprintf(buf, size, "%s", base_name(o->table));
    }
}

/* Warn when an events evaluation is not out of time for a model. */
static void check_out_of_time(const options *o, const loaded *m)
{
    int64_t latest = ck_pipeline_latest_cutoff(m->model);
    if (latest > 0 && o->cutoff <= latest) {
        char a[16], b[16];
        ck_ts_format_date(o->cutoff, a);
        ck_ts_format_date(latest, b);
        cli_warn("%s: the cutoff %s is not after the model's latest training cutoff %s: this is "
                 "not an out-of-time evaluation",
                 m->name, a, b);
    }
}

static int write_file(const char *path, const ck_eval *ev, const ck_eval_report_info *info,
                      ck_error *err)
{
    cli_output out = { 0 };
    int rc = cli_output_open(&out, path, err);
    if (rc == CK_OK)
        rc = info ? ck_eval_write_report(ev, info, out.fp, err)
                  : ck_eval_write_json(ev, out.fp, err);
    if (rc == CK_OK)
        rc = cli_output_commit(&out, err);
    cli_output_abort(&out);
    return rc;
}

/* A value model: its holdout forecasts against the purchases that happened. */
static int evaluate_value(const options *o, const loaded *m, ck_error *err)
{
    if (o->n_models != 1 || !o->events || !o->has_cutoff)
        return ck_error_set(err, CK_EINVAL, m->path, 0,
                            "a value model is evaluated alone, from --events as of --cutoff");
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    ck_value_eval *ve = NULL;
    cli_output out = { 0 };
    int rc = read_events(o, m, &ev, &customers, err);
    if (rc == CK_OK)
        rc = ck_pipeline_value_eval(&ve, ev, m->model, o->cutoff,
                                    o->has_horizon ? o->horizon_days : 365.0, o->eval.n_threads,
                                    err);
    if (rc == CK_OK && o->json && (rc = cli_output_open(&out, o->json, err)) == CK_OK) {
        fputs("{\n\"value\": ", out.fp);
        if ((rc = ck_value_eval_write_json(ve, out.fp, err)) == CK_OK) {
            fputs("}\n", out.fp);
            rc = cli_output_commit(&out, err);
        }
    }
    cli_output_abort(&out);
    ck_value_report_info info = { o->title, NULL };
    if (rc == CK_OK && o->report && (rc = cli_output_open(&out, o->report, err)) == CK_OK &&
        (rc = ck_value_eval_write_report(ve, &info, out.fp, err)) == CK_OK)
        rc = cli_output_commit(&out, err);
    cli_output_abort(&out);
    if (rc == CK_OK && ((rc = ck_value_eval_write_text(ve, stdout, err)) < 0 || fflush(stdout)))
        rc = rc < 0 ? rc : ck_error_set(err, CK_EIO, NULL, 0, "cannot write to stdout");
    ck_value_eval_free(ve);
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc;
}

/* The experiment's rows for an uplift model, from a table or from events and assignments. */
static int uplift_rows(const options *o, const loaded *m, ck_uplift_data *data, ck_error *err)
{
    const ck_model_spec *spec = ck_model_spec_of(m->model);
    const ck_uplift *u = ck_model_uplift(m->model);
    const char *control = ck_uplift_arm_at(u, ck_uplift_control(u))->name;
    if (o->control && strcmp(o->control, control) != 0)
        return ck_error_set(err, CK_EINVAL, m->path, 0,
                            "--control \"%s\": the model's control arm is \"%s\"", o->control,
                            control);
    if (o->table) {
        if (!o->treatment)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "an uplift model on a table needs --treatment (the arm column)");
        ck_uplift_table_opts topts = {
            o->label ? o->label : spec->label_column, o->treatment, NULL,
            o->id ? o->id : spec->id_column[0] ? spec->id_column : NULL, spec->config.delimiter,
            u, NULL, 0, o->eval.n_threads
        };
        return ck_pipeline_uplift_table(data, o->table, &topts, NULL, err);
    }
    if (!o->assignments)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "an uplift model on events needs --assignments and --window");
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    int rc = read_events(o, m, &ev, &customers, err);
    ck_uplift_events_opts eopts = { o->assignments, o->window, NULL,
                                    &spec->config,  customers, u,
                                    o->eval.n_threads };
    if (rc == CK_OK)
        rc = ck_pipeline_uplift_events(data, ev, &eopts, err);
    if (rc == CK_OK && data->n_left_out > 0)
        cli_warn("%zu assigned customers have no event before their assignment day: left out",
                 data->n_left_out);
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc;
}

/* An uplift model: each treatment arm against control on a held-out experiment. */
static int evaluate_uplift(const options *o, const loaded *m, ck_error *err)
{
    if (o->n_models != 1 || o->has_cutoff || o->has_horizon)
        return ck_error_set(err, CK_EINVAL, m->path, 0,
                            "an uplift model is evaluated alone, on an experiment: no --cutoff or "
                            "--horizon-days");
    ck_uplift_data data = { 0 };
    ck_uplift_eval **arms = NULL;
    size_t n_arms = 0;
    cli_output out = { 0 };
    ck_uplift_eval_params params = { o->eval.bootstrap, o->eval.seed };
    int rc = uplift_rows(o, m, &data, err);
    if (rc == CK_OK)
        rc = ck_pipeline_uplift_eval(&arms, &n_arms, m->model, &data, &params, o->eval.n_threads,
                                     err);
    if (rc == CK_OK && o->json && (rc = cli_output_open(&out, o->json, err)) == CK_OK) {
        fprintf(out.fp, "{\n\"uplift\": {\"rows\": %zu, \"arms\": [\n",
                ck_dataset_n_rows(data.rows));
        for (size_t k = 0; k < n_arms && rc == CK_OK; k++) {
            fputs(k ? "," : "", out.fp);
            rc = ck_uplift_eval_write_json(arms[k], out.fp, err);
        }
        fputs("]}}\n", out.fp);
        if (rc == CK_OK)
            rc = cli_output_commit(&out, err);
    }
    cli_output_abort(&out);
    ck_uplift_report_info info = { o->title, base_name(m->path) };
    if (rc == CK_OK && o->report && (rc = cli_output_open(&out, o->report, err)) == CK_OK &&
        (rc = ck_uplift_eval_write_report((const ck_uplift_eval *const *)arms, n_arms, &info,
                                          out.fp, err)) == CK_OK)
        rc = cli_output_commit(&out, err);
    cli_output_abort(&out);
    for (size_t k = 0; k < n_arms && rc == CK_OK; k++)
        if ((rc = ck_uplift_eval_write_text(arms[k], stdout, err)) == CK_OK && fflush(stdout))
            rc = ck_error_set(err, CK_EIO, NULL, 0, "cannot write to stdout");
    ck_pipeline_uplift_evals_free(arms, n_arms);
    ck_uplift_data_free(&data);
    return rc;
}

/* A recommender: its top K from the history before the cutoff against the purchases of the
 * holdout after it, beside the popularity and repeat-purchase baselines. */
static int evaluate_recommender(const options *o, const loaded *m, ck_error *err)
{
    if (o->n_models != 1 || !o->events || !o->has_cutoff || o->treatment || o->assignments ||
        o->customers)
        return ck_error_set(err, CK_EINVAL, m->path, 0,
                            "a recommender is evaluated alone, from --events as of --cutoff");
    size_t k = o->top ? (size_t)cli_parse_long("--top", o->top, 1, 10000) : 10;
    /* trained on interactions up to its cutoff: one after --cutoff has seen the holdout */
    int64_t trained_to = ck_pipeline_latest_cutoff(m->model);
    if (trained_to > o->cutoff) {
        char a[16], b[16];
        ck_ts_format_date(trained_to, a);
        ck_ts_format_date(o->cutoff, b);
        cli_warn("%s was trained on the interactions before %s, after --cutoff %s: the holdout's "
                 "purchases were in its training data, so these figures are in-sample",
                 base_name(m->path), a, b);
    }
    ck_events *ev = NULL;
    ck_customers *customers = NULL; /* none: --customers was refused */
    ck_recommend_eval *re = NULL;
    cli_output out = { 0 };
    int rc = read_events(o, m, &ev, &customers, err);
    if (rc == CK_OK)
        rc = ck_pipeline_recommend_eval(&re, ev, m->model, o->cutoff,
                                        o->has_horizon ? o->horizon_days : 30.0, k, err);
    if (rc == CK_OK && o->json && (rc = cli_output_open(&out, o->json, err)) == CK_OK) {
        fputs("{\n\"recommend\": ", out.fp);
        if ((rc = ck_recommend_eval_write_json(re, out.fp, err)) == CK_OK) {
            fputs("}\n", out.fp);
            rc = cli_output_commit(&out, err);
        }
    }
    cli_output_abort(&out);
    char description[512], date[16];
    ck_ts_format_date(o->cutoff, date);
    snprintf(description, sizeof description,
             "%.200s on %.200s: the top %zu as of %s against the purchases of the %g days after",
             base_name(m->path), base_name(o->events), k, date,
             o->has_horizon ? o->horizon_days : 30.0);
    ck_recommend_report_info info = { o->title, description };
    if (rc == CK_OK && o->report && (rc = cli_output_open(&out, o->report, err)) == CK_OK &&
        (rc = ck_recommend_eval_write_report(re, &info, out.fp, err)) == CK_OK)
        rc = cli_output_commit(&out, err);
    cli_output_abort(&out);
    if (rc == CK_OK && ((rc = ck_recommend_eval_write_text(re, stdout, err)) < 0 || fflush(stdout)))
        rc = rc < 0 ? rc : ck_error_set(err, CK_EIO, NULL, 0, "cannot write to stdout");
    ck_recommend_eval_free(re);
    ck_events_free(ev);
    return rc;
}

int main(int argc, char **argv)
{
    cli_init("churn-eval", usage);
    options o;
    parse_options(&o, argc, argv);

    ck_error err = { 0 };
    loaded m[CK_EVAL_MAX_MODELS] = { 0 };
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    ck_features *tables[CK_EVAL_MAX_MODELS] = { NULL };
    double *baseline = NULL;
    const char **stages = NULL;
    ck_eval *result = NULL;
    char description[512];
    int rc = CK_OK;

    for (size_t k = 0; k < o.n_models; k++) {
        if ((rc = ck_model_resolve_path(m[k].path, sizeof m[k].path, o.models[k], &err)) < 0 ||
            (rc = ck_model_load(&m[k].model, m[k].path, &err)) < 0)
            goto done;
    }
    if (ck_model_recommender(m[0].model) != NULL) {
        rc = evaluate_recommender(&o, &m[0], &err);
        goto done;
    }
    if (ck_model_uplift(m[0].model) != NULL) {
        rc = evaluate_uplift(&o, &m[0], &err);
        goto done;
    }
    if (o.treatment || o.control || o.assignments)
        cli_usage_error("--treatment, --control, --assignments and --window belong to an uplift "
                        "model");
    if (!ck_model_gives_churn(m[0].model) || (o.n_models == 2 && !ck_model_gives_churn(m[1].model))) {
        rc = evaluate_value(&o, &m[0], &err);
        goto done;
    }
    if (o.has_horizon)
        cli_usage_error("--horizon-days belongs to a value model or a recommender");
    /* models are shown by file name, or by path when the file names coincide */
    bool same_base = o.n_models == 2 && strcmp(base_name(m[0].path), base_name(m[1].path)) == 0;
    for (size_t k = 0; k < o.n_models; k++)
        snprintf(m[k].name, sizeof m[k].name, "%.255s",
                 same_base ? m[k].path : base_name(m[k].path));

    for (size_t k = 0; k < o.n_models; k++) {
        if (o.events) {
            if ((rc = load_events(&o, &m[k], k > 0 ? &m[0] : NULL, &ev, &customers, &tables[k],
                                  &err)) < 0)
                goto done;
            check_out_of_time(&o, &m[k]);
        } else if ((rc = ck_pipeline_eval_table(&m[k].data, m[k].model, o.table, o.label, o.id,
                                                o.eval.n_threads, &err)) < 0) {
            goto done;
        }
        size_t n = ck_dataset_n_rows(m[k].data);
        if ((m[k].prob = malloc((n + 1) * sizeof *m[k].prob)) == NULL) {
            rc = ck_error_set(&err, CK_ENOMEM, NULL, 0, "out of memory");
            goto done;
        }
        if ((rc = ck_model_predict(m[k].model, m[k].data, m[k].prob, o.eval.n_threads, &err)) < 0)
            goto done;
    }
    if (o.n_models == 2 && !ck_pipeline_same_rows(m[0].data, m[1].data)) {
        rc = ck_error_set(&err, CK_EINVAL, o.events ? o.events : o.table, 0,
                          "the two models define churn differently (lookback, horizon or gap): "
                          "their customers or labels differ, so they cannot be compared");
        goto done;
    }
    if (o.events && (rc = ck_pipeline_recency_baseline(&baseline, tables[0], m[0].data, &err)) < 0)
        goto done;
    /* every metric stage by stage too: campaigns act on some stages, not on all customers */
    if ((rc = o.events ? ck_pipeline_eval_stages(&stages, tables[0], m[0].data, &err)
                       : ck_pipeline_eval_table_stages(&stages, m[0].model, o.table, m[0].data,
                                                       &err)) < 0)
        goto done;
    const char *stage_names[CK_STAGE_COUNT];
    for (int s = 0; s < CK_STAGE_COUNT; s++)
        stage_names[s] = ck_stage_name((ck_stage)s);

    describe(description, sizeof description, &o, &m[0]);
    ck_eval_input in = { ck_dataset_n_rows(m[0].data),
                         ck_dataset_labels(m[0].data),
                         o.n_models,
                         { m[0].prob, m[1].prob },
                         { m[0].name, m[1].name },
                         baseline,
                         "recency baseline",
                         description,
                         stages,
                         stage_names,
                         CK_STAGE_COUNT,
                         "stage",
                         "the table has no lifecycle_stage column" };
    if ((rc = ck_eval_run(&result, &in, &o.eval, &err)) < 0)
        goto done;
    ck_eval_report_info info = { o.title, { m[0].model, m[1].model } };
    if (o.json && (rc = write_file(o.json, result, NULL, &err)) < 0)
        goto done;
    if (o.report && (rc = write_file(o.report, result, &info, &err)) < 0)
        goto done;
    if ((rc = ck_eval_write_text(result, stdout, &err)) < 0 || fflush(stdout) != 0) {
        rc = rc < 0 ? rc : ck_error_set(&err, CK_EIO, NULL, 0, "cannot write to stdout");
        goto done;
    }
    if (o.json)
        cli_note("wrote %s", o.json);
    if (o.report)
        cli_note("wrote %s", o.report);
done:
    if (rc < 0)
        cli_report(&err);
    ck_eval_free(result);
    free(baseline);
    free(stages);
    for (size_t k = 0; k < CK_EVAL_MAX_MODELS; k++) {
        free(m[k].prob);
        ck_dataset_free(m[k].data);
        ck_model_free(m[k].model);
        ck_features_free(tables[k]);
    }
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

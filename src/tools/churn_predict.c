/*
 * churn-predict: score customers with a model file, from events (features rebuilt with
 * the model's own feature spec as of a date) or from a feature table (streamed), and tell
 * the campaign team whom to contact, with what, where and why.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/churnkit.h"
#include "churnkit/enrich.h"
#include "churnkit/pipeline.h"
#include "churnkit/predict.h"
#include "churnkit/sql.h"
#include "cli.h"

static const char usage[] =
    "Usage: churn-predict --model M --events E.csv [--as-of DATE] --out S.csv\n"
    "       churn-predict --model M --table T.csv [--id COL] --out S.csv\n"
    "       churn-predict --model M --emit-sql [--dialect D]\n"
    "       churn-predict --model VALUE (--events E.csv [--as-of DATE] | --table S.csv)\n"
    "                     --out V.csv\n"
    "       churn-predict --model M --value-model VALUE (--events E.csv | --table T.csv)\n"
    "                     --out S.csv\n"
    "       churn-predict --model UPLIFT (--events E.csv [--as-of DATE] | --table T.csv)\n"
    "                     --out U.csv\n"
    "       churn-predict --model M --uplift-model UPLIFT (--events E.csv | --table T.csv)\n"
    "                     --out S.csv\n"
    "       churn-predict --model RECOMMENDER --events E.csv [--as-of DATE] [--top K]\n"
    "                     [--exclude-purchased] --out R.csv\n"
    "       churn-predict --model M --recommender RECOMMENDER --events E.csv --out S.csv\n"
    "\n"
    "Score customers with a model: per customer the churn probability, risk score and\n"
    "band, lifecycle stage, RFM score and segment, a recall strategy and channel, the\n"
    "reasons in plain words, and a status. Events mode rebuilds the model's features as\n"
    "of --as-of for that date's population; table mode streams a feature table.\n"
    "\n"
    "Options:\n"
    "  --model M          model file, or DIR/<name> (latest version), DIR/<name>@N\n"
    "  --events FILE      behaviour history CSV\n"
    "  --customers FILE   customer attributes CSV (when the model uses them)\n"
    "  --as-of DATE       YYYY-MM-DD [the day after the last event]\n"
    "  --all-customers    also every customer outside the population (status\n"
    "                     insufficient_history, no score)\n"
    "  --table FILE       feature table CSV\n"
    "  --id COL           table mode: the id column [the model's]\n"
    "  --out FILE         output file [required]\n"
    "  --format F         csv or jsonl [csv]\n"
    "  --reasons K        reasons per customer [config: 3]\n"
    "  --budget N         flag (contact=1) the N customers with the most value at risk:\n"
    "                     probability x revenue in the last 365 days (ties: the\n"
    "                     higher probability, then the smaller id)\n"
    "  --shard I/N        score only the customers whose id hashes to shard I of N\n"
    "  --ab-results FILE  churn-ab --json read-out: take the strategy and channel with the\n"
    "                     best significant lift in the customer's segment\n"
    "  --skip-bad-rows    skip bad event rows\n"
    "  --emit-sql         print a SQL expression computing churn_probability from a\n"
    "                     table of the model's features (missing values NULL), so a\n"
    "                     warehouse scores in place; reads no data\n"
    "  --dialect D        postgres, hive or clickhouse [postgres]\n"
    "  --config FILE      the \"predict\" rules: risk bands, strategy, channels, wording\n"
    "\n"
    "Customer value (a bgnbd model, docs/VALUE.md): per customer p_alive, expected_purchases\n"
    "over the horizon and, with spend, expected_spend and clv. Beside a churn model\n"
    "(--value-model) each row gains clv and value_at_risk = churn probability x clv, and\n"
    "--budget ranks by value_at_risk; a table then also holds the value model's columns.\n"
    "  --value-model VALUE a bgnbd model to score beside the churn model\n"
    "  --horizon-days D   expected purchases and clv over D days [365]\n"
    "  --discount-rate R  annual discount rate of clv, by month [0.10]\n"
    "\n"
    "Uplift (an uplift model, docs/UPLIFT.md): per customer p_<arm> for every arm of the\n"
    "experiment, uplift_<arm> against control for every treatment arm, and best_arm, the arm\n"
    "with the highest uplift x value - cost (the values and costs the model was trained with;\n"
    "uplift alone without them), or none when no arm is worth it (then net_value).\n"
    "Beside a churn model (--uplift-model) the recall strategy of every scored customer is\n"
    "that arm (decided_by uplift:<arm>, or uplift:none: not worth contacting), whatever the\n"
    "risk; rows gain uplift and incremental_value, and --budget picks the N customers with\n"
    "the largest incremental value (never one no arm is worth it for).\n"
    "  --uplift-model UPLIFT an uplift model to decide the strategy with\n"
    "\n"
    "Recommendations (a recommend model, docs/RECOMMEND.md): per customer with an item\n"
    "interaction before --as-of, recommended_items (K item ids, best first, ';'-separated)\n"
    "and recommended_category (the top pick's). Beside a churn model (--recommender) every\n"
    "row gains those two columns (popular items for a customer without item history).\n"
    "  --recommender R    a recommend model whose picks the campaign rows carry\n"
    "  --top K            items per customer [10]\n"
    "  --exclude-purchased  only items new to the customer (the blend's weights for new\n"
    "                     items)\n"
    "  --threads N        worker threads [all cores]\n"
    "  -q, --quiet        no notes on stderr\n"
    "  -h, --help         show this help\n"
    "  -V, --version      show the version\n";

enum {
    OPT_MODEL = CLI_OPT_FIRST_TOOL_OPTION,
    OPT_EVENTS,
    OPT_CUSTOMERS,
    OPT_AS_OF,
    OPT_ALL_CUSTOMERS,
    OPT_TABLE,
    OPT_ID,
    OPT_OUT,
    OPT_FORMAT,
    OPT_REASONS,
    OPT_BUDGET,
    OPT_SHARD,
    OPT_AB_RESULTS,
    OPT_SKIP_BAD_ROWS,
    OPT_EMIT_SQL,
    OPT_DIALECT,
    OPT_VALUE_MODEL,
    OPT_HORIZON_DAYS,
    OPT_DISCOUNT_RATE,
    OPT_UPLIFT_MODEL,
    OPT_RECOMMENDER,
    OPT_TOP,
    OPT_EXCLUDE_PURCHASED,
};

static const struct option long_options[] = {
    { "model", required_argument, NULL, OPT_MODEL },
    { "events", required_argument, NULL, OPT_EVENTS },
    { "customers", required_argument, NULL, OPT_CUSTOMERS },
    { "as-of", required_argument, NULL, OPT_AS_OF },
    { "all-customers", no_argument, NULL, OPT_ALL_CUSTOMERS },
    { "table", required_argument, NULL, OPT_TABLE },
    { "id", required_argument, NULL, OPT_ID },
    { "out", required_argument, NULL, OPT_OUT },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "reasons", required_argument, NULL, OPT_REASONS },
    { "budget", required_argument, NULL, OPT_BUDGET },
    { "shard", required_argument, NULL, OPT_SHARD },
    { "ab-results", required_argument, NULL, OPT_AB_RESULTS },
    { "skip-bad-rows", no_argument, NULL, OPT_SKIP_BAD_ROWS },
    { "emit-sql", no_argument, NULL, OPT_EMIT_SQL },
    { "dialect", required_argument, NULL, OPT_DIALECT },
    { "value-model", required_argument, NULL, OPT_VALUE_MODEL },
    { "horizon-days", required_argument, NULL, OPT_HORIZON_DAYS },
    { "discount-rate", required_argument, NULL, OPT_DISCOUNT_RATE },
    { "uplift-model", required_argument, NULL, OPT_UPLIFT_MODEL },
    { "recommender", required_argument, NULL, OPT_RECOMMENDER },
    { "top", required_argument, NULL, OPT_TOP },
    { "exclude-purchased", no_argument, NULL, OPT_EXCLUDE_PURCHASED },
    CLI_COMMON_OPTIONS,
};

typedef struct options {
    const char *model, *events, *customers, *table, *id, *out, *config, *ab_results;
    const char *value_model, *uplift_model, *recommender;
    long top; /* -1: not given (10) */
    bool exclude_purchased;
    double horizon_days, discount_rate;
    bool has_value_options;
    int64_t as_of;
    bool has_as_of, all_customers, skip_bad_rows, jsonl;
    bool emit_sql, has_dialect;
    ck_sql_dialect dialect;
    int reasons; /* -1: from the config */
    long budget; /* -1: none */
    long shard, n_shards;
    int threads;
} options;

static void parse_shard(options *o, const char *arg)
{
    const char *slash = strchr(arg, '/');
    if (slash == NULL)
        cli_usage_error("--shard: expected I/N, got \"%s\"", arg);
    char first[32];
    snprintf(first, sizeof first, "%.*s", (int)(slash - arg), arg);
    o->n_shards = cli_parse_long("--shard", slash + 1, 1, 1000000);
    o->shard = cli_parse_long("--shard", first, 0, o->n_shards - 1);
}

static void parse_dialect(options *o, const char *arg)
{
    static const char *const names[] = { "postgres", "hive", "clickhouse" };
    static const ck_sql_dialect dialects[] = { CK_SQL_POSTGRES, CK_SQL_HIVE, CK_SQL_CLICKHOUSE };
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (strcmp(arg, names[k]) == 0) {
            o->dialect = dialects[k];
            o->has_dialect = true;
            return;
        }
    cli_usage_error("--dialect: expected postgres, hive or clickhouse, got \"%s\"", arg);
}

static void parse_options(options *o, int argc, char **argv)
{
    *o = (options){ .threads = cli_default_threads(),
                    .reasons = -1,
                    .budget = -1,
                    .top = -1,
                    .n_shards = 1,
                    .horizon_days = 365,
                    .discount_rate = 0.10 };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qhV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_MODEL:
            o->model = optarg;
            break;
        case OPT_EVENTS:
            o->events = optarg;
            break;
        case OPT_CUSTOMERS:
            o->customers = optarg;
            break;
        case OPT_AS_OF:
            o->as_of = cli_parse_date("--as-of", optarg);
            o->has_as_of = true;
            break;
        case OPT_ALL_CUSTOMERS:
            o->all_customers = true;
            break;
        case OPT_TABLE:
            o->table = optarg;
            break;
        case OPT_ID:
            o->id = optarg;
            break;
        case OPT_OUT:
            o->out = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "jsonl") != 0)
                cli_usage_error("--format: expected csv or jsonl, got \"%s\"", optarg);
            o->jsonl = strcmp(optarg, "jsonl") == 0;
            break;
        case OPT_REASONS:
            o->reasons = (int)cli_parse_long("--reasons", optarg, 0, CK_MAX_REASONS);
            break;
        case OPT_BUDGET:
            o->budget = cli_parse_long("--budget", optarg, 0, 1L << 40);
            break;
        case OPT_SHARD:
            parse_shard(o, optarg);
            break;
        case OPT_AB_RESULTS:
            o->ab_results = optarg;
            break;
        case OPT_SKIP_BAD_ROWS:
            o->skip_bad_rows = true;
            break;
        case OPT_EMIT_SQL:
            o->emit_sql = true;
            break;
        case OPT_DIALECT:
            parse_dialect(o, optarg);
            break;
        case OPT_VALUE_MODEL:
            o->value_model = optarg;
            break;
        case OPT_UPLIFT_MODEL:
            o->uplift_model = optarg;
            break;
        case OPT_RECOMMENDER:
            o->recommender = optarg;
            break;
        case OPT_TOP:
            o->top = cli_parse_long("--top", optarg, 1, 10000);
            break;
        case OPT_EXCLUDE_PURCHASED:
            o->exclude_purchased = true;
            break;
        case OPT_HORIZON_DAYS:
            o->horizon_days = cli_parse_double("--horizon-days", optarg, 1e-3, 365.25 * 1000);
            o->has_value_options = true;
            break;
        case OPT_DISCOUNT_RATE:
            o->discount_rate = cli_parse_double("--discount-rate", optarg, 0.0, 100.0);
            o->has_value_options = true;
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
    if (o->model == NULL)
        cli_usage_error("--model is required");
    if (o->has_dialect && !o->emit_sql)
        cli_usage_error("--dialect belongs to --emit-sql");
    if (o->emit_sql && (o->events || o->table || o->out))
        cli_usage_error("--emit-sql prints to stdout and reads no data: drop --events, --table "
                        "and --out");
    if (o->emit_sql)
        return;
    if ((o->events == NULL) == (o->table == NULL))
        cli_usage_error("give either --events or --table");
    if (o->table && (o->has_as_of || o->customers || o->all_customers))
        cli_usage_error("--as-of, --customers and --all-customers belong to events mode");
    if (o->events && o->id)
        cli_usage_error("--id belongs to table mode");
    if (o->out == NULL)
        cli_usage_error("--out is required");
    /* the model as the user named it, and the file that names (DIR/<name>[@N]) resolves to;
     * a name that does not resolve is reported when the model is read */
    char model_file[1024];
    ck_error err = { 0 };
    bool resolved = ck_model_resolve_path(model_file, sizeof model_file, o->model, &err) == CK_OK;
    const cli_file inputs[] = {
        { "--model", o->model },   { "--model", resolved ? model_file : NULL },
        { "--events", o->events }, { "--customers", o->customers },
        { "--table", o->table },   { "--ab-results", o->ab_results },
        { "--config", o->config }, { "--value-model", o->value_model },
        { "--uplift-model", o->uplift_model }, { "--recommender", o->recommender }
    };
    const cli_file output = { "--out", o->out };
    cli_check_outputs(inputs, sizeof inputs / sizeof *inputs, &output, 1);
}

/* The events (and customers, when given) read the way @p model reads them. */
static int read_events(const options *o, const ck_model *model, ck_events **ev,
                       ck_customers **customers, ck_error *err)
{
    ck_pipeline_read_opts ropts = { .model_path = o->model,
                                    .purpose = "score",
                                    .events_path = o->events,
                                    .customers_path = o->customers,
                                    .skip_bad_rows = o->skip_bad_rows,
                                    .n_threads = o->threads,
                                    .progress = cli_progress,
                                    .progress_payload = "reading" };
    int rc = ck_pipeline_read_events(ev, customers, model, &ropts, err);
    if (rc == CK_OK && ck_events_n_rejected(*ev) > 0)
        cli_warn("skipped %zu bad rows of %s", ck_events_n_rejected(*ev), o->events);
    return rc;
}

/* Events mode: the events read the model's way, then scored by the library. */
static int score_events(const options *o, const ck_pipeline_score_opts *so, FILE *out, size_t *rows,
                        ck_error *err)
{
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    int rc = read_events(o, so->writer->model, &ev, &customers, err);
    if (rc == CK_OK) {
        ck_pipeline_score_opts events_opts = *so;
        events_opts.customers = customers;
        rc = ck_pipeline_score_events(ev, &events_opts, out, o->out, rows, err);
    }
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc;
}

/* A model named as the user named it (a file, DIR/<name> or DIR/<name>@N). */
static int load_model(ck_model **model, char *path, size_t size, const char *name, ck_error *err)
{
    int rc = ck_model_resolve_path(path, size, name, err);
    return rc == CK_OK ? ck_model_load(model, path, err) : rc;
}

/* What only a churn model's scoring reads, refused for a value or uplift model alone (an
 * uplift model may read customer attributes; a value model only the purchases). */
static void check_not_churn(const options *o, const ck_model *model)
{
    bool uplift = ck_model_uplift(model) != NULL;
    bool recommend = ck_model_recommender(model) != NULL;
    if (recommend && (o->table || o->customers))
        cli_usage_error("%s recommends from the items of --events: %s does not apply", o->model,
                        o->table ? "--table" : "--customers");
    if (!recommend && (o->top >= 0 || o->exclude_purchased))
        cli_usage_error("--top and --exclude-purchased belong to a recommender");
    const char *churn_only = o->value_model    ? "--value-model"
                             : o->uplift_model ? "--uplift-model"
                             : o->recommender  ? "--recommender"
                             : o->ab_results ? "--ab-results"
                             : o->budget >= 0 ? "--budget"
                             : o->reasons >= 0 ? "--reasons"
                             : o->customers && !uplift ? "--customers"
                             : o->all_customers ? "--all-customers"
                             : o->config        ? "--config"
                             : o->has_value_options && (uplift || recommend)
                                 ? "--horizon-days and --discount-rate"
                                 : NULL;
    if (churn_only)
        cli_usage_error("%s belongs to a churn model; %s is %s model", churn_only, o->model,
                        uplift ? "an uplift" : recommend ? "a recommend" : "a value");
}

/* --model RECOMMENDER alone: each customer's top K from events as of a date. */
static int score_recommend(const options *o, const ck_model *model, FILE *out, size_t *rows,
                           ck_error *err)
{
    ck_recommend_score_opts ro = { (int)(o->top >= 0 ? o->top : 10), o->exclude_purchased,
                                   o->jsonl, o->shard, o->n_shards, o->threads };
    ck_events *ev = NULL;
    ck_customers *customers = NULL; /* none: --customers was refused */
    int rc = read_events(o, model, &ev, &customers, err);
    if (rc == CK_OK) {
        int64_t as_of = o->has_as_of ? o->as_of : ck_pipeline_default_as_of(ev);
        rc = ck_pipeline_recommend_score_events(ev, model, as_of, &ro, out, o->out, rows, err);
    }
    ck_events_free(ev);
    return rc;
}

/* --model UPLIFT alone: each customer's uplift per arm, from events as of a date or a
 * table. */
static int score_uplift(const options *o, const ck_model *model, FILE *out, size_t *rows,
                        ck_error *err)
{
    ck_uplift_score_opts uo = { o->threads, o->jsonl, o->shard, o->n_shards };
    if (o->table)
        return ck_pipeline_uplift_score_table(o->table, model, o->id, &uo, out, o->out, rows, err);
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    int rc = read_events(o, model, &ev, &customers, err);
    if (rc == CK_OK) {
        int64_t as_of = o->has_as_of ? o->as_of : ck_pipeline_default_as_of(ev);
        rc = ck_pipeline_uplift_score_events(ev, customers, model, as_of, &uo, out, o->out, rows,
                                             err);
    }
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc;
}

/* --model VALUE alone: each customer's value, from events as of a date or a table. */
static int score_value(const options *o, const ck_model *model, const ck_value_score_opts *vo,
                       FILE *out, size_t *rows, ck_error *err)
{
    if (o->table)
        return ck_pipeline_value_score_table(o->table, model, o->id, vo, out, o->out, rows, err);
    ck_events *ev = NULL;
    ck_customers *customers = NULL; /* none: --customers was refused */
    int rc = read_events(o, model, &ev, &customers, err);
    if (rc == CK_OK) {
        int64_t as_of = o->has_as_of ? o->as_of : ck_pipeline_default_as_of(ev);
        rc = ck_pipeline_value_score_events(ev, model, as_of, vo, out, o->out, rows, err);
    }
    ck_events_free(ev);
    return rc;
}

/* --emit-sql: the model as one SQL expression on stdout. */
static int emit_sql(const options *o)
{
    ck_error err = { 0 };
    ck_model *model = NULL;
    char path[1024];
    int rc = ck_model_resolve_path(path, sizeof path, o->model, &err);
    if (rc == CK_OK)
        rc = ck_model_load(&model, path, &err);
    if (rc == CK_OK)
        rc = ck_sql_emit(stdout, model, o->dialect, &err);
    if (rc < 0)
        cli_report(&err);
    ck_model_free(model);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    cli_init("churn-predict", usage);
    options o;
    parse_options(&o, argc, argv);
    if (o.emit_sql)
        return emit_sql(&o);

    ck_error err = { 0 };
    ck_model *model = NULL, *value_model = NULL, *uplift_model = NULL, *recommender = NULL;
    ck_config rules_cfg;
    cli_output out = { 0 };
    char path[1024];
    size_t rows = 0;
    ck_predict_writer writer = { 0 };
    ck_ab_results *ab = NULL;
    ck_value_score_opts vo = { o.horizon_days, o.discount_rate, o.threads,
                               o.jsonl,        o.shard,         o.n_shards };
    ck_pipeline_score_opts so = { .writer = &writer,
                                  .model_path = o.model,
                                  .shard = o.shard,
                                  .n_shards = o.n_shards,
                                  .budget = o.budget,
                                  .n_threads = o.threads,
                                  .progress = cli_progress,
                                  .progress_payload = "scoring",
                                  .as_of = o.has_as_of ? o.as_of : 0,
                                  .all_customers = o.all_customers,
                                  .id_column = o.id,
                                  .value = &vo };
    ck_config_init(&rules_cfg);
    int rc = o.config ? ck_config_load(&rules_cfg, o.config, &err) : CK_OK;
    if (rc == CK_OK && o.ab_results)
        rc = ck_ab_results_load(&ab, o.ab_results, &err);
    if (rc == CK_OK)
        rc = load_model(&model, path, sizeof path, o.model, &err);
    if (rc == CK_OK && !ck_model_gives_churn(model)) {
        check_not_churn(&o, model);
        rc = cli_output_open(&out, o.out, &err);
        if (rc == CK_OK && ck_model_uplift(model))
            rc = score_uplift(&o, model, out.fp, &rows, &err);
        else if (rc == CK_OK && ck_model_recommender(model))
            rc = score_recommend(&o, model, out.fp, &rows, &err);
        else if (rc == CK_OK)
            rc = score_value(&o, model, &vo, out.fp, &rows, &err);
        goto finish;
    }
    if (rc == CK_OK && o.has_value_options && !o.value_model)
        cli_usage_error("--horizon-days and --discount-rate belong to a value model");
    if (rc == CK_OK && (o.top >= 0 || o.exclude_purchased) && !o.recommender)
        cli_usage_error("--top and --exclude-purchased belong to a recommender");
    if (rc == CK_OK && o.recommender && o.table)
        cli_usage_error("--recommender picks from the items of --events, not --table");
    if (rc == CK_OK && o.recommender) {
        char recommender_path[1024];
        rc = load_model(&recommender, recommender_path, sizeof recommender_path, o.recommender,
                        &err);
        if (rc == CK_OK && ck_model_recommender(recommender) == NULL)
            rc = ck_error_set(&err, CK_EINVAL, recommender_path, 0,
                              "--recommender: a %s model, not a recommend model",
                              ck_model_type_name(recommender));
        else if (rc == CK_OK && !ck_pipeline_same_reading(model, recommender))
            rc = ck_error_set(&err, CK_EINVAL, recommender_path, 0,
                              "--recommender reads events with other columns, aliases or "
                              "delimiter than the churn model: train both with one config");
        so.recommender = recommender;
        so.recommend_top = (size_t)(o.top >= 0 ? o.top : 10);
        so.recommend_new = o.exclude_purchased;
    }
    if (rc == CK_OK && o.value_model) {
        char value_path[1024];
        rc = load_model(&value_model, value_path, sizeof value_path, o.value_model, &err);
        if (rc == CK_OK && ck_model_bgnbd(value_model) == NULL)
            rc = ck_error_set(&err, CK_EINVAL, value_path, 0,
                              "--value-model: a %s model, not a value (bgnbd) model",
                              ck_model_type_name(value_model));
        else if (rc == CK_OK && !ck_pipeline_same_reading(model, value_model))
            rc = ck_error_set(&err, CK_EINVAL, value_path, 0,
                              "--value-model reads events with other columns, aliases or "
                              "delimiter than the churn model: train both with one config");
    }
    if (rc == CK_OK && o.uplift_model) {
        char uplift_path[1024];
        rc = load_model(&uplift_model, uplift_path, sizeof uplift_path, o.uplift_model, &err);
        if (rc == CK_OK && ck_model_uplift(uplift_model) == NULL)
            rc = ck_error_set(&err, CK_EINVAL, uplift_path, 0,
                              "--uplift-model: a %s model, not an uplift model",
                              ck_model_type_name(uplift_model));
        else if (rc == CK_OK && ck_model_spec_of(uplift_model)->source !=
                                    ck_model_spec_of(model)->source)
            rc = ck_error_set(&err, CK_EINVAL, uplift_path, 0,
                              "--uplift-model was trained on %s, the churn model on %s: score "
                              "both from the same kind of data",
                              o.events ? "a table" : "events", o.events ? "events" : "a table");
        else if (rc == CK_OK && !ck_pipeline_same_reading(model, uplift_model))
            rc = ck_error_set(&err, CK_EINVAL, uplift_path, 0,
                              "--uplift-model reads events with other columns, aliases or "
                              "delimiter than the churn model: train both with one config");
        so.uplift_model = uplift_model;
    }
    if (rc == CK_OK)
        rc = ck_predict_writer_init(&writer, model, &rules_cfg.predict, ab,
                                    o.reasons >= 0 ? o.reasons : rules_cfg.predict.n_reasons,
                                    o.jsonl, o.budget >= 0, &err);
    if (rc == CK_OK && uplift_model)
        writer.uplift = ck_model_uplift(uplift_model);
    if (rc == CK_OK && recommender)
        writer.recommender = ck_model_recommender(recommender);
    if (rc == CK_OK && value_model) {
        writer.value = ck_model_bgnbd(value_model);
        so.value_columns = ck_model_schema(value_model);
    }
    if (rc == CK_OK)
        rc = cli_output_open(&out, o.out, &err);
    if (rc == CK_OK)
        rc = o.events ? score_events(&o, &so, out.fp, &rows, &err)
                      : ck_pipeline_score_table(o.table, &so, out.fp, o.out, &rows, &err);
finish:
    if (rc == CK_OK)
        rc = cli_output_commit(&out, &err);
    if (rc == CK_OK)
        cli_note("scored %zu customers with %s; wrote %s", rows, path, o.out);
    else
        cli_report(&err);
    cli_output_abort(&out);
    ck_predict_writer_free(&writer);
    ck_ab_results_free(ab);
    ck_model_free(value_model);
    ck_model_free(uplift_model);
    ck_model_free(recommender);
    ck_model_free(model);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

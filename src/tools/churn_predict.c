/*
 * churn-predict: score customers with a model file, from events (features rebuilt with
 * the model's own feature spec as of a date) or from a feature table (streamed), and tell
 * the campaign team whom to contact, with what, where and why.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/churnkit.h"
#include "churnkit/enrich.h"
#include "churnkit/sql.h"
#include "cli.h"

static const char usage[] =
    "Usage: churn-predict --model M --events E.csv [--as-of DATE] --out S.csv\n"
    "       churn-predict --model M --table T.csv [--id COL] --out S.csv\n"
    "       churn-predict --model M --emit-sql [--dialect D]\n"
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
    "                     probability x revenue in the last 365 days\n"
    "  --shard I/N        score only the customers whose id hashes to shard I of N\n"
    "  --ab-results FILE  churn-ab --json read-out: take the strategy and channel with the\n"
    "                     best significant lift in the customer's segment\n"
    "  --skip-bad-rows    skip bad event rows\n"
    "  --emit-sql         print a SQL expression computing churn_probability from a\n"
    "                     table of the model's features (missing values NULL), so a\n"
    "                     warehouse scores in place; reads no data\n"
    "  --dialect D        postgres, hive or clickhouse [postgres]\n"
    "  --config FILE      the \"predict\" rules: risk bands, strategy, channels, wording\n"
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
    CLI_COMMON_OPTIONS,
};

#define MAX_REASONS 10

typedef struct options {
    const char *model, *events, *customers, *table, *id, *out, *config, *ab_results;
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
    *o = (options){ .threads = cli_default_threads(), .reasons = -1, .budget = -1, .n_shards = 1 };
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
            o->reasons = (int)cli_parse_long("--reasons", optarg, 0, MAX_REASONS);
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
}

/* ---- one output row ---------------------------------------------------------------- */

typedef struct writer {
    FILE *out;
    bool jsonl;
    const char *id_name;
    const ck_model *model;
    const ck_schema *schema;
    const ck_predict_rules *rules;
    const ck_ab_results *ab; /* may be NULL */
    ck_enrich_plan plan;
    int n_reasons;
    bool budget;
    double *contrib; /* n_features */
} writer;

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

/* Field k of the row: a string (quoted as needed), or a number (empty/null when NaN). */
static void put_text(const writer *w, int k, const char *key, const char *value)
{
    if (w->jsonl) {
        fprintf(w->out, "%s\"%s\": ", k ? ", " : "{", key);
        if (value != NULL && value[0] != '\0')
            json_string(w->out, value);
        else
            fputs("null", w->out);
    } else {
        if (k)
            fputc(',', w->out);
        if (value != NULL)
            ck_csv_write_field(w->out, value, strlen(value), ',');
    }
}

static void put_number(const writer *w, int k, const char *key, double value, int decimals)
{
    char text[64] = "";
    if (!isnan(value))
        snprintf(text, sizeof text, "%.*f", decimals, value);
    if (w->jsonl)
        fprintf(w->out, "%s\"%s\": %s", k ? ", " : "{", key, text[0] ? text : "null");
    else
        fprintf(w->out, "%s%s", k ? "," : "", text);
}

static void write_header(const writer *w)
{
    if (w->jsonl)
        return;
    ck_csv_write_field(w->out, w->id_name, strlen(w->id_name), ',');
    fputs(",churn_probability,risk_score,risk_band,percentile,stage_percentile,"
          "lifecycle_stage,rfm_score,rfm_segment,recall_strategy,recall_channel,decided_by",
          w->out);
    for (int r = 1; r <= w->n_reasons; r++)
        fprintf(w->out, ",reason_%d", r);
    fputs(w->budget ? ",status,contact\n" : ",status\n", w->out);
}

/* Score and enrich one customer's row; `scored` false writes the row without a score. */
static void write_row(const writer *w, const char *id, const float *row, bool scored, bool contact)
{
    const ck_predict_rules *rules = w->rules;
    ck_customer_facts facts;
    double engagement[CK_MAX_CHANNELS];
    char rfm_score[4], reasons[MAX_REASONS][256], decided[128];
    const char *segment, *rule = "insufficient_history";
    ck_enrich_facts(&w->plan, w->schema, row, rules, &facts, engagement, rfm_score, &segment);
    double prob = NAN, percentile = NAN, stage_percentile = NAN;
    ck_strategy strategy = CK_STRATEGY_NONE;
    const char *band = NULL, *channel = NULL;
    if (scored) {
        /* the logit is the base plus the contributions, summed in feature order as the
         * model's own scoring does: one pass gives both the score and the reasons */
        double logit;
        ck_model_contributions(w->model, row, w->contrib, &logit);
        for (size_t j = 0; j < ck_schema_n_features(w->schema); j++)
            logit += w->contrib[j];
        prob = ck_model_logistic(logit);
        /* percentiles against the training distribution kept in the model */
        const ck_model_training *tr = ck_model_training_of(w->model);
        if (tr->has_score_percentiles) {
            percentile = ck_enrich_percentile(tr->score_percentiles, prob);
            for (size_t s = 0; s < tr->n_stage_percentiles && facts.lifecycle_stage; s++)
                if (strcmp(tr->stage_names[s], facts.lifecycle_stage) == 0)
                    stage_percentile = ck_enrich_percentile(tr->stage_percentiles[s], prob);
        }
        facts.probability = prob;
        facts.band = ck_enrich_band(rules, prob, percentile);
        band = ck_risk_band_name(facts.band);
        strategy = ck_enrich_strategy(rules, &facts, &rule);
        const char *measured_channel = NULL;
        if (w->ab != NULL && strategy != CK_STRATEGY_NONE &&
            ck_ab_results_choose(w->ab, w->schema, row, &strategy, &measured_channel, decided,
                                 sizeof decided))
            rule = NULL; /* a measured lift decided */
        channel = strategy == CK_STRATEGY_NONE ? NULL
                  : measured_channel != NULL
                      ? measured_channel
                      : rules->recall_channels[ck_enrich_channel(rules, engagement)];
        ck_enrich_reasons(rules, w->schema, row, w->contrib, (size_t)w->n_reasons, reasons);
    } else {
        for (int r = 0; r < w->n_reasons; r++)
            reasons[r][0] = '\0';
    }
    if (rule != NULL)
        snprintf(decided, sizeof decided, "rule:%s", rule);
    int k = 0;
    put_text(w, k++, "customer_id", id);
    put_number(w, k++, "churn_probability", prob, 12);
    put_number(w, k++, "risk_score", scored ? round(prob * 100) : NAN, 0);
    put_text(w, k++, "risk_band", band);
    put_number(w, k++, "percentile", percentile, 1);
    put_number(w, k++, "stage_percentile", stage_percentile, 1);
    put_text(w, k++, "lifecycle_stage", facts.lifecycle_stage);
    put_text(w, k++, "rfm_score", rfm_score);
    put_text(w, k++, "rfm_segment", segment);
    put_text(w, k++, "recall_strategy", ck_strategy_name(strategy));
    put_text(w, k++, "recall_channel", channel);
    put_text(w, k++, "decided_by", decided);
    static const char *const reason_keys[MAX_REASONS] = {
        "reason_1", "reason_2", "reason_3", "reason_4", "reason_5",
        "reason_6", "reason_7", "reason_8", "reason_9", "reason_10",
    };
    for (int r = 0; r < w->n_reasons; r++) {
        const char *key = reason_keys[r];
        put_text(w, k++, key, reasons[r]);
    }
    put_text(w, k++, "status", scored ? "scored" : "insufficient_history");
    if (w->budget)
        put_number(w, k++, "contact", contact ? 1 : 0, 0);
    fputs(w->jsonl ? "}\n" : "\n", w->out);
}

/* FNV-1a of the id: a customer's shard depends on nothing else. */
static bool in_shard(const options *o, const char *id)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (long)(h % (uint64_t)o->n_shards) == o->shard;
}

/* The customers to contact under --budget: the N largest values at risk, ties to the
 * earlier row. */
typedef struct ranked {
    double value;
    size_t row;
} ranked;

static int compare_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* ---- events mode ------------------------------------------------------------------- */

static int score_events(const options *o, writer *w, const ck_config *rules_cfg, size_t *rows,
                        ck_error *err)
{
    const ck_model_spec *spec = ck_model_spec_of(w->model);
    if (spec->source != CK_SOURCE_EVENTS)
        return ck_error_set(err, CK_EINVAL, o->model, 0,
                            "this model was trained on a table: score it with --table");
    /* the model's feature spec, and no label: a horizon past any data keeps every row */
    ck_config cfg = spec->config;
    cfg.horizon_days = 36500;
    (void)rules_cfg;
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    ck_features *table = NULL;
    ck_dataset *d = NULL;
    float *row = NULL;
    ranked *rank = NULL;
    ck_events_read_opts ropts = { &cfg,         o->skip_bad_rows, NULL,      NULL,
                                  cli_progress, "reading",        o->threads };
    int rc = ck_events_read_csv(&ev, o->events, &ropts, err);
    if (rc == CK_OK && o->customers)
        rc = ck_customers_read_csv(&customers, o->customers, &cfg, err);
    if (rc < 0)
        goto done;
    if (ck_events_n_rejected(ev) > 0)
        cli_warn("skipped %zu bad rows of %s", ck_events_n_rejected(ev), o->events);
    int64_t as_of = o->has_as_of ? o->as_of : ck_ts_day_start(ck_events_max_ts(ev)) + 86400;
    ck_features_opts fopts = { &cfg, customers, o->all_customers, o->threads, NULL, NULL };
    if ((rc = ck_features_build(&table, ev, as_of, &fopts, err)) < 0)
        goto done;
    const ck_features *tables[1] = { table };
    if ((rc = ck_dataset_from_features(&d, tables, 1, false, w->schema, err)) < 0)
        goto done;
    size_t n = ck_dataset_n_rows(d), n_features = ck_schema_n_features(w->schema);
    row = malloc((n_features + 1) * sizeof *row);
    rank = w->budget ? malloc((n + 1) * sizeof *rank) : NULL;
    if (row == NULL || (w->budget && rank == NULL)) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    long recency = ck_schema_find(w->schema, "recency_days");
    double lookback = cfg.lookback_days;
    /* who gets a score: inside the population the model was trained on, with at least
     * min_events events (no score is made up for the others) */
    uint8_t *scored = malloc(n + 1);
    if (scored == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        long c = ck_events_find_customer(ev, ck_dataset_row_id(d, i));
        scored[i] = (recency < 0 || ck_dataset_column(d, (size_t)recency)[i] <= lookback) &&
                    (c < 0 || ck_event_span_before(ck_events_customer(ev, (size_t)c), as_of).n >=
                                  (size_t)w->rules->min_events);
    }
    /* pass one (budget only): value at risk of every scored customer */
    size_t n_ranked = 0;
    for (size_t i = 0; w->budget && i < n; i++) {
        for (size_t j = 0; j < n_features; j++)
            row[j] = ck_dataset_column(d, j)[i];
        if (scored[i] && in_shard(o, ck_dataset_row_id(d, i)))
            rank[n_ranked++] =
                (ranked){ ck_model_predict_row(w->model, row) *
                              (w->plan.revenue_365d >= 0 ? row[w->plan.revenue_365d] : NAN),
                          i };
    }
    if (w->budget) {
        for (size_t q = 0; q < n_ranked; q++)
            if (isnan(rank[q].value))
                rank[q].value = -HUGE_VAL;
        qsort(rank, n_ranked, sizeof *rank, compare_ranked);
    }
    uint8_t *contact = w->budget ? calloc(n + 1, 1) : NULL;
    for (size_t q = 0; contact && q < n_ranked && q < (size_t)o->budget; q++)
        contact[rank[q].row] = 1;
    write_header(w);
    for (size_t i = 0; i < n; i++) {
        const char *id = ck_dataset_row_id(d, i);
        if (!in_shard(o, id))
            continue;
        for (size_t j = 0; j < n_features; j++)
            row[j] = ck_dataset_column(d, j)[i];
        write_row(w, id, row, scored[i], contact && contact[i]);
        ++*rows;
    }
    free(contact);
    free(scored);
done:
    free(rank);
    free(row);
    ck_dataset_free(d);
    ck_features_free(table);
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc;
}

/* ---- table mode -------------------------------------------------------------------- */

static int open_table(const options *o, const writer *w, ck_table_stream **s, ck_error *err)
{
    const ck_model_spec *spec = ck_model_spec_of(w->model);
    const char *id = o->id ? o->id : spec->id_column[0] ? spec->id_column : NULL;
    ck_table_opts topts = { NULL, id, NULL, 0, spec->config.delimiter, w->schema };
    return ck_table_stream_open(s, o->table, &topts, w->schema, err);
}

/* Row by row in constant memory; --budget reads the table twice, keeping only the N
 * largest values at risk between the passes. */
static int score_table(const options *o, writer *w, size_t *rows, ck_error *err)
{
    ck_table_stream *s = NULL;
    size_t n_features = ck_schema_n_features(w->schema);
    float *row = malloc((n_features + 1) * sizeof *row);
    ranked *top = NULL;
    size_t n_top = 0;
    const char *id;
    float label;
    int rc = row ? CK_OK : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK && w->budget) {
        if (w->plan.revenue_365d < 0)
            rc = ck_error_set(err, CK_EINVAL, o->model, 0,
                              "--budget needs revenue_365d among the model's features");
        size_t cap = (size_t)o->budget + 1;
        top = rc == CK_OK ? malloc(cap * sizeof *top) : NULL;
        if (rc == CK_OK && top == NULL)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        if (rc == CK_OK)
            rc = open_table(o, w, &s, err);
        for (size_t i = 0;
             rc == CK_OK && (rc = ck_table_stream_next(s, row, &id, &label, err)) == 1; i++) {
            rc = CK_OK;
            if (!in_shard(o, id))
                continue;
            double value = ck_model_predict_row(w->model, row) * row[w->plan.revenue_365d];
            ranked r = { isnan(value) ? -HUGE_VAL : value, i };
            /* keep the N best, sorted: insertion into a short sorted list */
            size_t at = n_top;
            while (at > 0 && compare_ranked(&r, &top[at - 1]) < 0)
                at--;
            if (at < (size_t)o->budget) {
                size_t last = n_top < (size_t)o->budget ? n_top : n_top - 1;
                memmove(top + at + 1, top + at, (last - at) * sizeof *top);
                top[at] = r;
                n_top = last + 1;
            }
        }
        ck_table_stream_free(s);
        s = NULL;
    }
    if (rc == CK_OK)
        rc = open_table(o, w, &s, err);
    if (rc == CK_OK) {
        w->id_name = ck_table_stream_id_name(s);
        write_header(w);
    }
    for (size_t i = 0; rc == CK_OK && (rc = ck_table_stream_next(s, row, &id, &label, err)) == 1;
         i++) {
        rc = CK_OK;
        if (!in_shard(o, id))
            continue;
        bool contact = false;
        for (size_t q = 0; q < n_top && !contact; q++)
            contact = top[q].row == i;
        write_row(w, id, row, true, contact);
        ++*rows;
    }
    ck_table_stream_free(s);
    free(top);
    free(row);
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
    ck_model *model = NULL;
    ck_config rules_cfg;
    cli_output out = { 0 };
    char path[1024];
    size_t rows = 0;
    writer w = { 0 };
    ck_ab_results *ab = NULL;
    ck_config_init(&rules_cfg);
    int rc = o.config ? ck_config_load(&rules_cfg, o.config, &err) : CK_OK;
    if (rc == CK_OK && o.ab_results)
        rc = ck_ab_results_load(&ab, o.ab_results, &err);
    if (rc == CK_OK)
        rc = ck_model_resolve_path(path, sizeof path, o.model, &err);
    if (rc == CK_OK)
        rc = ck_model_load(&model, path, &err);
    if (rc == CK_OK) {
        w = (writer){ .jsonl = o.jsonl,
                      .id_name = "customer_id",
                      .model = model,
                      .schema = ck_model_schema(model),
                      .rules = &rules_cfg.predict,
                      .n_reasons = o.reasons >= 0 ? o.reasons : rules_cfg.predict.n_reasons,
                      .budget = o.budget >= 0 };
        w.ab = ab;
        if (w.n_reasons > MAX_REASONS)
            w.n_reasons = MAX_REASONS;
        ck_enrich_plan_init(&w.plan, w.schema, w.rules);
        w.contrib = malloc((ck_schema_n_features(w.schema) + 1) * sizeof *w.contrib);
        if (w.contrib == NULL)
            rc = ck_error_set(&err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    if (rc == CK_OK)
        rc = cli_output_open(&out, o.out, &err);
    if (rc == CK_OK) {
        w.out = out.fp;
        rc = o.events ? score_events(&o, &w, &rules_cfg, &rows, &err)
                      : score_table(&o, &w, &rows, &err);
    }
    if (rc == CK_OK)
        rc = cli_output_commit(&out, &err);
    if (rc == CK_OK)
        cli_note("scored %zu customers with %s; wrote %s", rows, path, o.out);
    else
        cli_report(&err);
    cli_output_abort(&out);
    free(w.contrib);
    ck_ab_results_free(ab);
    ck_model_free(model);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

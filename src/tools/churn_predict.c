/*
 * churn-predict: score customers with a model file, from events (features rebuilt with
 * the model's own feature spec as of a date) or from a feature table (streamed), and tell
 * the campaign team whom to contact, with what, where and why.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "churnkit/churnkit.h"
#include "churnkit/enrich.h"
#include "churnkit/predict.h"
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

/* ---- output ------------------------------------------------------------------------ */

/* Everything a job writes with. */
typedef struct writer {
    FILE *out;
    const char *path; /* for messages */
    ck_predict_writer rows;
    const ck_schema *schema;
} writer;

/* Write (and empty) a buffer. */
static int flush_buffer(writer *w, ck_predict_buffer *b, ck_error *err)
{
    if (b->len > 0 && fwrite(b->text, 1, b->len, w->out) != b->len)
        return ck_error_set(err, CK_EIO, w->path, 0, "cannot write: %s", strerror(errno));
    b->len = 0;
    return CK_OK;
}

/* FNV-1a of the id: a customer's shard depends on nothing else. */
static bool in_shard(const options *o, const char *id)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (long)(h % (uint64_t)o->n_shards) == o->shard;
}

/* The customers to contact under --budget: the N largest values at risk (NaN counts as
 * none), ties to the earlier row; `key` orders the rows. */
typedef struct ranked {
    double value;
    int64_t key;
} ranked;

static int compare_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return (a->key > b->key) - (a->key < b->key);
}

static ranked value_at_risk(const writer *w, const float *row, int64_t key)
{
    long revenue = w->rows.plan.revenue_365d;
    double value = ck_model_predict_row(w->rows.model, row) * (revenue >= 0 ? row[revenue] : NAN);
    return (ranked){ isnan(value) ? -HUGE_VAL : value, key };
}

/* Sort the candidates best first and keep the best `budget` of them. */
static void keep_best(ranked *top, size_t *n_top, long budget)
{
    if (*n_top > 0) /* top may be NULL then */
        qsort(top, *n_top, sizeof *top, compare_ranked);
    if (*n_top > (size_t)budget)
        *n_top = (size_t)budget;
}

/* ---- events mode ------------------------------------------------------------------- */

/* Rows are written into a buffer, flushed to the file in pieces of this size. */
#define FLUSH_BYTES (1 << 20)

static int score_events(const options *o, writer *w, size_t *rows, ck_error *err)
{
    const ck_model_spec *spec = ck_model_spec_of(w->rows.model);
    if (spec->source != CK_SOURCE_EVENTS)
        return ck_error_set(err, CK_EINVAL, o->model, 0,
                            "this model was trained on a table: score it with --table");
    /* the model's feature spec, and no label: a horizon past any data keeps every row */
    ck_config cfg = spec->config;
    cfg.horizon_days = 36500;
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    ck_features *table = NULL;
    ck_dataset *d = NULL;
    float *row = NULL;
    ranked *rank = NULL;
    uint8_t *scored = NULL, *contact = NULL;
    ck_predict_buffer out = { 0 };
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
    scored = malloc(n + 1);
    contact = calloc(n + 1, 1);
    rank = w->rows.budget ? malloc((n + 1) * sizeof *rank) : NULL;
    if (row == NULL || scored == NULL || contact == NULL || (w->rows.budget && rank == NULL)) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    long recency = ck_schema_find(w->schema, "recency_days");
    double lookback = cfg.lookback_days;
    /* who gets a score: inside the population the model was trained on, with at least
     * min_events events (no score is made up for the others) */
    for (size_t i = 0; i < n; i++) {
        long c = ck_events_find_customer(ev, ck_dataset_row_id(d, i));
        scored[i] = (recency < 0 || ck_dataset_column(d, (size_t)recency)[i] <= lookback) &&
                    (c < 0 || ck_event_span_before(ck_events_customer(ev, (size_t)c), as_of).n >=
                                  (size_t)w->rows.rules->min_events);
    }
    /* --budget: the value at risk of every scored customer, then the best N */
    size_t n_ranked = 0;
    for (size_t i = 0; w->rows.budget && i < n; i++) {
        for (size_t j = 0; j < n_features; j++)
            row[j] = ck_dataset_column(d, j)[i];
        if (scored[i] && in_shard(o, ck_dataset_row_id(d, i)))
            rank[n_ranked++] = value_at_risk(w, row, (int64_t)i);
    }
    if (w->rows.budget)
        keep_best(rank, &n_ranked, o->budget);
    for (size_t q = 0; q < n_ranked; q++)
        contact[rank[q].key] = 1;
    rc = ck_predict_write_header(&w->rows, "customer_id", &out, err);
    for (size_t i = 0; i < n && rc == CK_OK; i++) {
        const char *id = ck_dataset_row_id(d, i);
        if (!in_shard(o, id))
            continue;
        for (size_t j = 0; j < n_features; j++)
            row[j] = ck_dataset_column(d, j)[i];
        rc = ck_predict_write_row(&w->rows, id, row, scored[i], contact[i], &out, err);
        if (rc == CK_OK && out.len >= FLUSH_BYTES)
            rc = flush_buffer(w, &out, err);
        ++*rows;
    }
    if (rc == CK_OK)
        rc = flush_buffer(w, &out, err);
done:
    ck_predict_buffer_free(&out);
    free(contact);
    free(scored);
    free(rank);
    free(row);
    ck_dataset_free(d);
    ck_features_free(table);
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc;
}

/* ---- table mode -------------------------------------------------------------------- */

/*
 * The table is scanned in parts on every thread (ck_table_stream_scan): each part's rows
 * are scored and written into the part's own buffer, and the buffers go to the file in
 * part order once the scan keeps them. --budget scans twice: first every row's value at
 * risk, keeping the best N, then the rows with their contact flags.
 */
typedef struct part_output {
    ck_predict_buffer text;
    size_t n_rows;
    int64_t last_key; /* where the part's last row starts, for the progress bar */
    ranked *values;   /* the budget pass: this part's values at risk */
    size_t n_values, cap_values;
} part_output;

typedef struct table_job {
    const options *o;
    writer *w;
    part_output *parts; /* one per scan slot */
    ranked *top;        /* the budget pass: the best values at risk so far */
    size_t n_top, cap_top;
    int64_t *contact; /* the keys of the rows to contact, ascending */
    size_t n_contact;
    size_t rows;
    double file_size; /* bytes, for the progress bar (a .gz file's keys overshoot it) */
} table_job;

/* Progress after a kept part: how far into the file its rows went. */
static void part_progress(const table_job *job, const part_output *p, const char *what)
{
    if (job->file_size > 0)
        cli_progress(fmin((double)p->last_key / job->file_size, 0.999), (void *)what);
}

/* Room for `need` values at risk in *values. */
static bool grow_ranked(ranked **values, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t new_cap = need > 2 * *cap ? need : 2 * *cap;
    ranked *grown = realloc(*values, new_cap * sizeof *grown);
    if (grown == NULL)
        return false;
    *values = grown;
    *cap = new_cap;
    return true;
}

static int rank_block(void *ctx, const ck_table_block *b, ck_error *err)
{
    table_job *job = ctx;
    part_output *p = &job->parts[b->part];
    size_t n_features = ck_schema_n_features(job->w->schema);
    if (!grow_ranked(&p->values, &p->cap_values, p->n_values + b->n_rows))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < b->n_rows; i++)
        if (in_shard(job->o, b->ids[i]))
            p->values[p->n_values++] = value_at_risk(job->w, b->rows + i * n_features, b->keys[i]);
    p->last_key = b->keys[b->n_rows - 1];
    return CK_OK;
}

/* Merge a kept part's values into the best so far, pruning to N now and then. */
static int rank_end_part(void *ctx, int part, bool keep, ck_error *err)
{
    table_job *job = ctx;
    part_output *p = &job->parts[part];
    size_t n = keep ? p->n_values : 0;
    p->n_values = 0;
    if (keep)
        part_progress(job, p, "ranking");
    if (!grow_ranked(&job->top, &job->cap_top, job->n_top + n))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (n > 0)
        memcpy(job->top + job->n_top, p->values, n * sizeof *p->values);
    job->n_top += n;
    if (job->n_top > 2 * (size_t)job->o->budget + 65536)
        keep_best(job->top, &job->n_top, job->o->budget);
    return CK_OK;
}

static int compare_keys(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static int write_block(void *ctx, const ck_table_block *b, ck_error *err)
{
    table_job *job = ctx;
    part_output *p = &job->parts[b->part];
    size_t n_features = ck_schema_n_features(job->w->schema);
    for (size_t i = 0; i < b->n_rows; i++) {
        if (!in_shard(job->o, b->ids[i]))
            continue;
        bool contact = job->n_contact > 0 && bsearch(&b->keys[i], job->contact, job->n_contact,
                                                     sizeof *job->contact, compare_keys);
        int rc = ck_predict_write_row(&job->w->rows, b->ids[i], b->rows + i * n_features, true,
                                      contact, &p->text, err);
        if (rc < 0)
            return rc;
        p->n_rows++;
    }
    p->last_key = b->keys[b->n_rows - 1];
    return CK_OK;
}

static int write_end_part(void *ctx, int part, bool keep, ck_error *err)
{
    table_job *job = ctx;
    part_output *p = &job->parts[part];
    if (keep) {
        job->rows += p->n_rows;
        part_progress(job, p, "scoring");
    }
    p->n_rows = 0;
    if (!keep)
        p->text.len = 0;
    return flush_buffer(job->w, &p->text, err);
}

static int open_table(const options *o, const writer *w, ck_table_stream **s, ck_error *err)
{
    const ck_model_spec *spec = ck_model_spec_of(w->rows.model);
    const char *id = o->id ? o->id : spec->id_column[0] ? spec->id_column : NULL;
    ck_table_opts topts = { NULL, id, NULL, 0, spec->config.delimiter, w->schema };
    return ck_table_stream_open(s, o->table, &topts, w->schema, err);
}

static int score_table(const options *o, writer *w, size_t *rows, ck_error *err)
{
    table_job job = { .o = o,
                      .w = w,
                      .parts = calloc((size_t)CK_TABLE_SCAN_PARTS(o->threads), sizeof *job.parts) };
    ck_table_stream *s = NULL;
    struct stat st;
    job.file_size = stat(o->table, &st) == 0 ? (double)st.st_size : 0;
    int rc = job.parts ? CK_OK : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK && w->rows.budget) {
        ck_table_scan_fns rank = { rank_block, rank_end_part, &job };
        if (w->rows.plan.revenue_365d < 0)
            rc = ck_error_set(err, CK_EINVAL, o->model, 0,
                              "--budget needs revenue_365d among the model's features");
        if (rc == CK_OK)
            rc = open_table(o, w, &s, err);
        if (rc == CK_OK)
            rc = ck_table_stream_scan(s, o->threads, &rank, err);
        ck_table_stream_free(s);
        s = NULL;
        keep_best(job.top, &job.n_top, o->budget);
        /* the keys alone, sorted for a binary search per row */
        job.contact = malloc((job.n_top + 1) * sizeof *job.contact);
        if (rc == CK_OK && job.contact == NULL)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        for (size_t q = 0; rc == CK_OK && q < job.n_top; q++)
            job.contact[job.n_contact++] = job.top[q].key;
        if (rc == CK_OK)
            qsort(job.contact, job.n_contact, sizeof *job.contact, compare_keys);
    }
    if (rc == CK_OK)
        rc = open_table(o, w, &s, err);
    if (rc == CK_OK)
        rc = ck_predict_write_header(&w->rows, ck_table_stream_id_name(s), &job.parts[0].text, err);
    if (rc == CK_OK)
        rc = flush_buffer(w, &job.parts[0].text, err);
    ck_table_scan_fns write = { write_block, write_end_part, &job };
    if (rc == CK_OK)
        rc = ck_table_stream_scan(s, o->threads, &write, err);
    if (rc == CK_OK)
        cli_progress(1.0, "scoring"); /* clears the bar */
    *rows = job.rows;
    ck_table_stream_free(s);
    for (int k = 0; job.parts && k < CK_TABLE_SCAN_PARTS(o->threads); k++) {
        ck_predict_buffer_free(&job.parts[k].text);
        free(job.parts[k].values);
    }
    free(job.parts);
    free(job.top);
    free(job.contact);
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
        rc = ck_predict_writer_init(&w.rows, model, &rules_cfg.predict, ab,
                                    o.reasons >= 0 ? o.reasons : rules_cfg.predict.n_reasons,
                                    o.jsonl, o.budget >= 0, &err);
        w.schema = ck_model_schema(model);
    }
    if (rc == CK_OK)
        rc = cli_output_open(&out, o.out, &err);
    if (rc == CK_OK) {
        w.out = out.fp;
        w.path = o.out;
        rc = o.events ? score_events(&o, &w, &rows, &err) : score_table(&o, &w, &rows, &err);
    }
    if (rc == CK_OK)
        rc = cli_output_commit(&out, &err);
    if (rc == CK_OK)
        cli_note("scored %zu customers with %s; wrote %s", rows, path, o.out);
    else
        cli_report(&err);
    cli_output_abort(&out);
    ck_predict_writer_free(&w.rows);
    ck_ab_results_free(ab);
    ck_model_free(model);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

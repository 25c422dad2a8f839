/*
 * churn-predict: score customers with a model file: from events (features rebuilt with
 * the model's own feature spec as of a date) or from a feature table, streamed.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/churnkit.h"
#include "cli.h"

static const char usage[] =
    "Usage: churn-predict --model M --events E.csv [--as-of DATE] --out S.csv\n"
    "       churn-predict --model M --table T.csv [--id COL] --out S.csv\n"
    "\n"
    "Score customers with a model: one row per customer, customer id and churn\n"
    "probability. Events mode rebuilds the model's features as of --as-of for the\n"
    "population of that date; table mode streams a feature table row by row.\n"
    "\n"
    "Options:\n"
    "  --model M          model file, or DIR/<name> (latest version), DIR/<name>@N\n"
    "  --events FILE      behaviour history CSV\n"
    "  --customers FILE   customer attributes CSV (when the model uses them)\n"
    "  --as-of DATE       YYYY-MM-DD [the day after the last event]\n"
    "  --table FILE       feature table CSV\n"
    "  --id COL           table mode: the id column [the model's]\n"
    "  --out FILE         output CSV [required]\n"
    "  --skip-bad-rows    skip bad event rows\n"
    "  --config FILE      accepted for uniformity; the model's feature spec is used\n"
    "  --threads N        worker threads [all cores]\n"
    "  -q, --quiet        no notes on stderr\n"
    "  -h, --help         show this help\n"
    "  -V, --version      show the version\n";

enum {
    OPT_MODEL = CLI_OPT_FIRST_TOOL_OPTION,
    OPT_EVENTS,
    OPT_CUSTOMERS,
    OPT_AS_OF,
    OPT_TABLE,
    OPT_ID,
    OPT_OUT,
    OPT_SKIP_BAD_ROWS,
};

static const struct option long_options[] = {
    { "model", required_argument, NULL, OPT_MODEL },
    { "events", required_argument, NULL, OPT_EVENTS },
    { "customers", required_argument, NULL, OPT_CUSTOMERS },
    { "as-of", required_argument, NULL, OPT_AS_OF },
    { "table", required_argument, NULL, OPT_TABLE },
    { "id", required_argument, NULL, OPT_ID },
    { "out", required_argument, NULL, OPT_OUT },
    { "skip-bad-rows", no_argument, NULL, OPT_SKIP_BAD_ROWS },
    CLI_COMMON_OPTIONS,
};

typedef struct options {
    const char *model, *events, *customers, *table, *id, *out;
    int64_t as_of;
    bool has_as_of, skip_bad_rows;
    int threads;
} options;

static void parse_options(options *o, int argc, char **argv)
{
    *o = (options){ .threads = cli_default_threads() };
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
        case OPT_TABLE:
            o->table = optarg;
            break;
        case OPT_ID:
            o->id = optarg;
            break;
        case OPT_OUT:
            o->out = optarg;
            break;
        case OPT_SKIP_BAD_ROWS:
            o->skip_bad_rows = true;
            break;
        case CLI_OPT_CONFIG:
            break;
        case CLI_OPT_THREADS:
            o->threads = cli_parse_threads(optarg);
            break;
        case 'q':
            cli_set_quiet(true);
            break;
        case 'h':
            cli_print_help();
            exit(CLI_EXIT_OK);
        case 'V':
            cli_print_version();
            exit(CLI_EXIT_OK);
        default:
            cli_option_error(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument \"%s\"", argv[optind]);
    if (o->model == NULL)
        cli_usage_error("--model is required");
    if ((o->events == NULL) == (o->table == NULL))
        cli_usage_error("give either --events or --table");
    if (o->table && (o->has_as_of || o->customers))
        cli_usage_error("--as-of and --customers belong to events mode");
    if (o->events && o->id)
        cli_usage_error("--id belongs to table mode");
    if (o->out == NULL)
        cli_usage_error("--out is required");
}

static void write_score(FILE *out, const char *id, double prob)
{
    ck_csv_write_field(out, id, strlen(id), ',');
    fprintf(out, ",%.10g\n", prob);
}

/* Events mode: the model's features as of the date, for that date's population. */
static int score_events(const options *o, const ck_model *model, FILE *out, size_t *rows,
                        ck_error *err)
{
    const ck_model_spec *spec = ck_model_spec_of(model);
    if (spec->source != CK_SOURCE_EVENTS)
        return ck_error_set(err, CK_EINVAL, o->model, 0,
                            "this model was trained on a table: score it with --table");
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    ck_features *table = NULL;
    ck_dataset *d = NULL;
    double *prob = NULL;
    ck_events_read_opts ropts = { &spec->config, o->skip_bad_rows, NULL,      NULL,
                                  cli_progress,  "reading",        o->threads };
    int rc = ck_events_read_csv(&ev, o->events, &ropts, err);
    if (rc == CK_OK && o->customers)
        rc = ck_customers_read_csv(&customers, o->customers, &spec->config, err);
    if (rc < 0)
        goto done;
    if (ck_events_n_rejected(ev) > 0)
        cli_warn("skipped %zu bad rows of %s", ck_events_n_rejected(ev), o->events);
    int64_t as_of = o->has_as_of ? o->as_of : ck_ts_day_start(ck_events_max_ts(ev)) + 86400;
    ck_features_opts fopts = { &spec->config, customers, false, o->threads, NULL, NULL };
    if ((rc = ck_features_build(&table, ev, as_of, &fopts, err)) < 0)
        goto done;
    const ck_features *tables[1] = { table };
    if ((rc = ck_dataset_from_features(&d, tables, 1, false, ck_model_schema(model), err)) < 0)
        goto done;
    size_t n = ck_dataset_n_rows(d);
    prob = malloc((n + 1) * sizeof *prob);
    if (prob == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    if ((rc = ck_model_predict(model, d, prob, o->threads, err)) < 0)
        goto done;
    fputs("customer_id,churn_probability\n", out);
    for (size_t i = 0; i < n; i++)
        write_score(out, ck_dataset_row_id(d, i), prob[i]);
    *rows = n;
done:
    free(prob);
    ck_dataset_free(d);
    ck_features_free(table);
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc;
}

/* Table mode: row by row, in constant memory. */
static int score_table(const options *o, const ck_model *model, FILE *out, size_t *rows,
                       ck_error *err)
{
    const ck_model_spec *spec = ck_model_spec_of(model);
    const ck_schema *schema = ck_model_schema(model);
    const char *id = o->id ? o->id : spec->id_column[0] ? spec->id_column : NULL;
    ck_table_opts topts = { NULL, id, NULL, 0, spec->config.delimiter, schema };
    ck_table_stream *s = NULL;
    float *row = malloc((ck_schema_n_features(schema) + 1) * sizeof *row);
    if (row == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    int rc = ck_table_stream_open(&s, o->table, &topts, schema, err);
    if (rc == CK_OK) {
        const char *name = ck_table_stream_id_name(s);
        ck_csv_write_field(out, name, strlen(name), ',');
        fputs(",churn_probability\n", out);
    }
    const char *row_id;
    float label;
    while (rc == CK_OK && (rc = ck_table_stream_next(s, row, &row_id, &label, err)) == 1) {
        write_score(out, row_id, ck_model_predict_row(model, row));
        ++*rows;
        rc = CK_OK;
    }
    ck_table_stream_free(s);
    free(row);
    return rc;
}

int main(int argc, char **argv)
{
    cli_init("churn-predict", usage);
    options o;
    parse_options(&o, argc, argv);

    ck_error err = { 0 };
    ck_model *model = NULL;
    cli_output out = { 0 };
    char path[1024];
    size_t rows = 0;
    int rc = ck_model_resolve_path(path, sizeof path, o.model, &err);
    if (rc == CK_OK)
        rc = ck_model_load(&model, path, &err);
    if (rc == CK_OK)
        rc = cli_output_open(&out, o.out, &err);
    if (rc == CK_OK)
        rc = o.events ? score_events(&o, model, out.fp, &rows, &err)
                      : score_table(&o, model, out.fp, &rows, &err);
    if (rc == CK_OK)
        rc = cli_output_commit(&out, &err);
    if (rc == CK_OK)
        cli_note("scored %zu customers with %s; wrote %s", rows, path, o.out);
    else
        cli_report(&err);
    cli_output_abort(&out);
    ck_model_free(model);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

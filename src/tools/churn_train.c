/*
 * churn-train: fit a churn model on features built from events as of one or more
 * cutoffs (validated out of time on the latest), or on a ready table, and save it as a
 * versioned model file.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "churnkit/churnkit.h"
#include "churnkit/pipeline.h"
#include "cli.h"

static const char usage[] =
    "Usage: churn-train --events E.csv --cutoff DATE [--cutoff DATE ...] --model gbm|logreg\n"
    "                   --out M\n"
    "       churn-train --table T.csv --label COL --model gbm|logreg --out M\n"
    "       churn-train --model bgnbd --events E.csv --cutoff DATE --out M\n"
    "       churn-train --model bgnbd --table S.csv --frequency COL --recency COL --age COL\n"
    "                   [--monetary COL] --out M\n"
    "       churn-train --model uplift --table T.csv --label COL --treatment COL --out M\n"
    "       churn-train --model uplift --events E.csv --assignments A.csv --window DAYS --out M\n"
    "       churn-train --model recommend --events E.csv [--cutoff DATE] --out M\n"
    "\n"
    "Train a churn model and save it as a model file. Events mode builds the features and\n"
    "labels as of each cutoff (docs/FEATURES.md) and, with several cutoffs, validates out\n"
    "of time on the latest. Table mode reads a ready feature table. Once validation has\n"
    "chosen the boosting rounds (early stopping) or logreg's C, the model is refit with them\n"
    "on every row, the validation rows included (see --no-refit).\n"
    "\n"
    "Data:\n"
    "  --events FILE          behaviour history CSV\n"
    "  --customers FILE       customer attributes CSV (events mode)\n"
    "  --cutoff DATE          training cutoff, YYYY-MM-DD; repeatable\n"
    "  --valid-cutoff DATE    validation cutoff [the latest --cutoff when several]\n"
    "  --table FILE           feature table CSV\n"
    "  --label COL            table mode: the label column (1/0, true/false, yes/no)\n"
    "  --id COL               table mode: the id column\n"
    "  --ignore COL,...       table mode: columns to leave out\n"
    "  --valid-fraction F     validate on a random fraction of rows instead [0]\n"
    "  --skip-bad-rows        skip bad event rows (see churn-features --help)\n"
    "  --no-refit             keep the model trained on the training rows only\n"
    "  --memory auto|low|high table mode, --model gbm: low reads the table straight into\n"
    "                         bins (a second pass over the file, one more for\n"
    "                         --valid-fraction and one more for its refit; a third to a\n"
    "                         half of the memory), high keeps its values; the model is\n"
    "                         the same byte for byte [auto: low over 512 MiB]\n"
    "\n"
    "Model (--model gbm: gradient-boosted stumps):\n"
    "  --rounds N             boosting rounds [300]\n"
    "  --learning-rate X      shrinkage [0.1]\n"
    "  --max-bins N           histogram bins per feature, 2-255 [255]\n"
    "  --lambda X             L2 penalty on leaf values [1]\n"
    "  --min-child-weight X   least hessian sum per side [0.001]\n"
    "  --min-samples-leaf N   least rows per side [20]\n"
    "  --patience N           early stopping rounds on the validation set, 0 off [30]\n"
    "  --pos-weight X         weight of churned rows [1]\n"
    "  --subsample X          fraction of rows per round [1]\n"
    "  --seed N               for subsampling, --valid-fraction and --cv folds [42]\n"
    "\n"
    "Model (--model logreg: logistic regression on standardised, imputed, one-hot features;\n"
    "objective C * sum of weighted log losses + penalty, the intercept penalised as by\n"
    "LIBLINEAR -B 1):\n"
    "  --C X                  weight of the loss against the penalty [1]\n"
    "  --penalty l2|l1        l2: half the squared norm, l1: the absolute sum [l2]\n"
    "  --solver S             newton, lbfgs or liblinear; l1 needs liblinear [newton for\n"
    "                         l2, liblinear for l1]\n"
    "  --tol X                stop when the gradient is X times its size at zero [1e-7]\n"
    "  --max-iter N           iteration limit [newton 50, lbfgs 1000; liblinear: its own]\n"
    "  --clip Q               clip numeric features at the training Q and 1-Q quantiles,\n"
    "                         0 off [0]\n"
    "  --cv K                 choose C by stratified K-fold log loss over --C-grid\n"
    "  --C-grid X,Y,...       C values for --cv [0.001,0.01,0.1,1,10,100]\n"
    "  --pos-weight X         weight of churned rows [1]\n"
    "\n"
    "Model (--model bgnbd: what a customer is worth, docs/VALUE.md): BG/NBD on repeat\n"
    "purchases and, with spend, Gamma-Gamma on their mean spend, fit by maximum likelihood\n"
    "on every customer with a purchase before --cutoff (events mode) or on a summary table:\n"
    "  --time-unit day|week   the unit of recency and age (and of a table's) [day]\n"
    "  --frequency COL        table: repeat purchases x (purchase days after the first)\n"
    "  --recency COL          table: time of the last purchase from the first, t_x\n"
    "  --age COL              table: time from the first purchase to the cutoff, T\n"
    "  --monetary COL         table: mean spend of the repeat purchases (a spend model)\n"
    "\n"
    "Model (--model uplift: whom a campaign changes, docs/UPLIFT.md): boosted stumps per arm\n"
    "of a randomised experiment on shared bins (the T-learner), or the X-learner on top;\n"
    "each model stops early on --valid-fraction of its arm [0.2] and is refit on all of it.\n"
    "The gbm options apply, with defaults for small noisy effects: --rounds 300\n"
    "--learning-rate 0.05 --max-bins 64 --lambda 10 --min-samples-leaf 100. The config's\n"
    "\"uplift\" section gives each arm's value of a conversion and cost per customer.\n"
    "  --treatment COL        table: the arm column (features are the other columns)\n"
    "  --control NAME         the control arm [control; 0 of a 0/1 column]\n"
    "  --assignments FILE     events: churn-ab's assignments (customer_id, arm, assigned_at)\n"
    "  --window DAYS          events: the outcome is a purchase within DAYS of assignment\n"
    "  --uplift-method t|x    T-learner or X-learner [t]\n"
    "\n"
    "Model (--model recommend: what to offer, docs/RECOMMEND.md): items from the events' item\n"
    "column, weighted by the config's \"recommend\" section, before --cutoff [the day after\n"
    "the last event]:\n"
    "  --method M             als, ease, itemknn, repeat, popular, or blend: the customer's own\n"
    "                         repeat purchases, EASE, ALS, item-kNN and popularity, weighted by\n"
    "                         recall@--top on the --valid-days before the cutoff [blend]\n"
    "  --factors N            ALS factors [64]\n"
    "  --regularization X     ALS lambda [100]\n"
    "  --alpha X              ALS confidence 1 + alpha * weight [10]\n"
    "  --iterations N         ALS sweeps [15]\n"
    "  --ease-lambda X        EASE's L2 weight [500]\n"
    "  --neighbours N         item-kNN neighbours kept per item [100]\n"
    "  --top K                the list length whose recall chooses the blend [10]\n"
    "  --valid-days N         the blend's validation window before the cutoff [30]\n"
    "  --recent-days N        popularity over this window before the cutoff [90]\n"
    "\n"
    "Output:\n"
    "  --out FILE | DIR/      the model file, or a new version DIR/<name>-v<N>.json\n"
    "  --name NAME            model name in DIR/ [churn; value for bgnbd; uplift for uplift;\n"
    "                         recommend for recommend]\n"
    "  --config FILE          JSON config (columns, aliases, churn definition)\n"
    "  --threads N            worker threads [all cores]; the model does not depend on N\n"
    "  -q, --quiet            no summary on stderr\n"
    "  -h, --help             show this help\n"
    "  -V, --version          show the version\n";

enum {
    OPT_EVENTS = CLI_OPT_FIRST_TOOL_OPTION,
    OPT_CUSTOMERS,
    OPT_CUTOFF,
    OPT_VALID_CUTOFF,
    OPT_TABLE,
    OPT_LABEL,
    OPT_ID,
    OPT_IGNORE,
    OPT_VALID_FRACTION,
    OPT_SKIP_BAD_ROWS,
    OPT_NO_REFIT,
    OPT_MEMORY,
    OPT_MODEL,
    OPT_ROUNDS,
    OPT_LEARNING_RATE,
    OPT_MAX_BINS,
    OPT_LAMBDA,
    OPT_MIN_CHILD_WEIGHT,
    OPT_MIN_SAMPLES_LEAF,
    OPT_PATIENCE,
    OPT_POS_WEIGHT,
    OPT_SUBSAMPLE,
    OPT_SEED,
    OPT_C,
    OPT_PENALTY,
    OPT_SOLVER,
    OPT_TOL,
    OPT_MAX_ITER,
    OPT_CLIP,
    OPT_CV,
    OPT_C_GRID,
    OPT_OUT,
    OPT_NAME,
    OPT_TIME_UNIT,
    OPT_FREQUENCY,
    OPT_RECENCY,
    OPT_AGE,
    OPT_MONETARY,
    OPT_TREATMENT,
    OPT_CONTROL,
    OPT_ASSIGNMENTS,
    OPT_WINDOW,
    OPT_UPLIFT_METHOD,
    OPT_METHOD,
    OPT_FACTORS,
    OPT_REGULARIZATION,
    OPT_ALPHA,
    OPT_ITERATIONS,
    OPT_EASE_LAMBDA,
    OPT_NEIGHBOURS,
    OPT_TOP,
    OPT_VALID_DAYS,
    OPT_RECENT_DAYS,
};

static const struct option long_options[] = {
    { "events", required_argument, NULL, OPT_EVENTS },
    { "customers", required_argument, NULL, OPT_CUSTOMERS },
    { "cutoff", required_argument, NULL, OPT_CUTOFF },
    { "valid-cutoff", required_argument, NULL, OPT_VALID_CUTOFF },
    { "table", required_argument, NULL, OPT_TABLE },
    { "label", required_argument, NULL, OPT_LABEL },
    { "id", required_argument, NULL, OPT_ID },
    { "ignore", required_argument, NULL, OPT_IGNORE },
    { "valid-fraction", required_argument, NULL, OPT_VALID_FRACTION },
    { "skip-bad-rows", no_argument, NULL, OPT_SKIP_BAD_ROWS },
    { "no-refit", no_argument, NULL, OPT_NO_REFIT },
    { "memory", required_argument, NULL, OPT_MEMORY },
    { "model", required_argument, NULL, OPT_MODEL },
    { "rounds", required_argument, NULL, OPT_ROUNDS },
    { "learning-rate", required_argument, NULL, OPT_LEARNING_RATE },
    { "max-bins", required_argument, NULL, OPT_MAX_BINS },
    { "lambda", required_argument, NULL, OPT_LAMBDA },
    { "min-child-weight", required_argument, NULL, OPT_MIN_CHILD_WEIGHT },
    { "min-samples-leaf", required_argument, NULL, OPT_MIN_SAMPLES_LEAF },
    { "patience", required_argument, NULL, OPT_PATIENCE },
    { "pos-weight", required_argument, NULL, OPT_POS_WEIGHT },
    { "subsample", required_argument, NULL, OPT_SUBSAMPLE },
    { "seed", required_argument, NULL, OPT_SEED },
    { "C", required_argument, NULL, OPT_C },
    { "penalty", required_argument, NULL, OPT_PENALTY },
    { "solver", required_argument, NULL, OPT_SOLVER },
    { "tol", required_argument, NULL, OPT_TOL },
    { "max-iter", required_argument, NULL, OPT_MAX_ITER },
    { "clip", required_argument, NULL, OPT_CLIP },
    { "cv", required_argument, NULL, OPT_CV },
    { "C-grid", required_argument, NULL, OPT_C_GRID },
    { "out", required_argument, NULL, OPT_OUT },
    { "name", required_argument, NULL, OPT_NAME },
    { "time-unit", required_argument, NULL, OPT_TIME_UNIT },
    { "frequency", required_argument, NULL, OPT_FREQUENCY },
    { "recency", required_argument, NULL, OPT_RECENCY },
    { "age", required_argument, NULL, OPT_AGE },
    { "monetary", required_argument, NULL, OPT_MONETARY },
    { "treatment", required_argument, NULL, OPT_TREATMENT },
    { "control", required_argument, NULL, OPT_CONTROL },
    { "assignments", required_argument, NULL, OPT_ASSIGNMENTS },
    { "window", required_argument, NULL, OPT_WINDOW },
    { "uplift-method", required_argument, NULL, OPT_UPLIFT_METHOD },
    { "method", required_argument, NULL, OPT_METHOD },
    { "factors", required_argument, NULL, OPT_FACTORS },
    { "regularization", required_argument, NULL, OPT_REGULARIZATION },
    { "alpha", required_argument, NULL, OPT_ALPHA },
    { "iterations", required_argument, NULL, OPT_ITERATIONS },
    { "ease-lambda", required_argument, NULL, OPT_EASE_LAMBDA },
    { "neighbours", required_argument, NULL, OPT_NEIGHBOURS },
    { "top", required_argument, NULL, OPT_TOP },
    { "valid-days", required_argument, NULL, OPT_VALID_DAYS },
    { "recent-days", required_argument, NULL, OPT_RECENT_DAYS },
    CLI_COMMON_OPTIONS,
};

#define MAX_IGNORE 256

typedef enum model_kind {
    MODEL_GBM,
    MODEL_LOGREG,
    MODEL_BGNBD,
    MODEL_UPLIFT,
    MODEL_RECOMMEND
} model_kind;

enum { MEMORY_AUTO, MEMORY_LOW, MEMORY_HIGH };

typedef struct options {
    const char *events, *customers, *table, *label, *id, *out, *name, *config;
    int64_t cutoffs[CK_MODEL_MAX_CUTOFFS];
    size_t n_cutoffs;
    int64_t valid_cutoff;
    char *ignore_list;
    const char *ignore[MAX_IGNORE];
    size_t n_ignore;
    double valid_fraction;
    bool skip_bad_rows, no_refit, quiet;
    int memory; /* MEMORY_* */
    model_kind model;
    ck_gbm_params gbm;
    ck_logreg_params logreg;
    ck_bgnbd_train_params bgnbd;
    ck_value_columns columns; /* --model bgnbd --table */
    ck_uplift_params uplift;
    const char *treatment, *control, *assignments; /* --model uplift */
    int window;
    ck_pipeline_recommend_opts recommend;
    unsigned gbm_given;                 /* bit c - OPT_ROUNDS: the gbm option c was given */
    const char *gbm_only, *logreg_only; /* the first such option given, for messages */
    const char *bgnbd_only, *uplift_only, *recommend_only;
    bool has_C, has_grid, has_solver;
} options;

/* --C-grid X,Y,...: each a positive number. */
static void parse_grid(options *o, char *list)
{
    o->logreg.n_grid = 0;
    for (char *tok = strtok(list, ","); tok != NULL; tok = strtok(NULL, ",")) {
        if (o->logreg.n_grid == CK_LOGREG_MAX_GRID)
            cli_usage_error("--C-grid: at most %d values", CK_LOGREG_MAX_GRID);
        o->logreg.grid[o->logreg.n_grid++] = cli_parse_double("--C-grid", tok, 1e-12, 1e12);
    }
    if (o->logreg.n_grid == 0)
        cli_usage_error("--C-grid: expected C values separated by commas");
    o->has_grid = true;
}

static void parse_choice(const char *option, const char *arg, const char *const *names, int n,
                         int *out)
{
    for (int k = 0; k < n; k++)
        if (strcmp(arg, names[k]) == 0) {
            *out = k;
            return;
        }
    if (n == 2)
        cli_usage_error("%s: expected %s or %s, got \"%s\"", option, names[0], names[1], arg);
    cli_usage_error("%s: expected %s, %s or %s, got \"%s\"", option, names[0], names[1], names[2],
                    arg);
}

/* Whether the run can train on the table read straight into bins. */
static bool binned_ok(const options *o)
{
    return o->table && o->model == MODEL_GBM;
}

/* --memory: bins for a table whose values would take more memory than a modest machine
 * has to spare; the model is the same either way. */
static bool use_bins(const options *o)
{
    struct stat st;
    if (!binned_ok(o) || o->memory == MEMORY_HIGH)
        return false;
    return o->memory == MEMORY_LOW || (stat(o->table, &st) == 0 && st.st_size > (512L << 20));
}

/* What belongs to one model family only, checked once --model is known. */
static void check_model_options(options *o)
{
    if (o->model == MODEL_LOGREG && o->gbm_only)
        cli_usage_error("%s belongs to --model gbm", o->gbm_only);
    if (o->model == MODEL_GBM && o->logreg_only)
        cli_usage_error("%s belongs to --model logreg", o->logreg_only);
    if (o->model != MODEL_LOGREG)
        return;
    ck_logreg_params *p = &o->logreg;
    if (p->penalty == CK_LOGREG_L1 && !o->has_solver)
        p->solver = CK_LOGREG_LIBLINEAR;
    if (p->penalty == CK_LOGREG_L1 && p->solver != CK_LOGREG_LIBLINEAR)
        cli_usage_error("--penalty l1 needs --solver liblinear (newton and lbfgs are l2 only)");
    if (p->solver == CK_LOGREG_LIBLINEAR && p->max_iter != 0)
        cli_usage_error("--max-iter does not apply to --solver liblinear (LIBLINEAR 2.3 keeps "
                        "its own limit)");
    if (o->has_grid && p->cv_folds == 0)
        cli_usage_error("--C-grid needs --cv");
    if (o->has_C && p->cv_folds > 0)
        cli_usage_error("give --C or --cv, not both");
    if (p->cv_folds > 0 && !o->has_grid) {
        static const double grid[] = { 0.001, 0.01, 0.1, 1, 10, 100 };
        p->n_grid = sizeof grid / sizeof *grid;
        memcpy(p->grid, grid, sizeof grid);
    }
}

/* A value model is fit on every customer as of one cutoff, or on a summary table. */
static void check_value_options(options *o)
{
    if (o->gbm_only || o->logreg_only)
        cli_usage_error("%s does not apply to --model bgnbd",
                        o->gbm_only ? o->gbm_only : o->logreg_only);
    if (o->n_cutoffs > 1 || o->valid_cutoff || o->valid_fraction > 0 || o->no_refit)
        cli_usage_error("--model bgnbd is fit on every customer as of one --cutoff: no "
                        "validation, no refit");
    if (o->label || o->n_ignore || o->customers)
        cli_usage_error("--label, --ignore and --customers do not apply to --model bgnbd");
    if (o->table && (!o->columns.frequency || !o->columns.recency || !o->columns.age))
        cli_usage_error("--model bgnbd --table needs --frequency, --recency and --age");
    o->columns.id = o->id;
}

/* An uplift model holds out a part of each arm itself; the gbm options given override its
 * own defaults. */
static void check_uplift_options(options *o)
{
    if (o->logreg_only)
        cli_usage_error("%s does not apply to --model uplift", o->logreg_only);
    if (o->valid_cutoff || o->no_refit || o->n_cutoffs)
        cli_usage_error("--model uplift holds out --valid-fraction of each arm and refits: no "
                        "--cutoff, --valid-cutoff or --no-refit");
    if (o->gbm.pos_weight != 1.0)
        cli_usage_error("--pos-weight does not apply to --model uplift (it would bias every "
                        "arm's conversion probability)");
    if (o->table && (o->label == NULL || o->treatment == NULL))
        cli_usage_error("--model uplift --table needs --label and --treatment");
    if (o->events && (o->assignments == NULL || o->window == 0))
        cli_usage_error("--model uplift --events needs --assignments and --window");
    if ((o->table && (o->assignments || o->window)) || (o->events && o->treatment))
        cli_usage_error("--treatment belongs to --table; --assignments and --window to --events");
    if (o->valid_fraction > 0)
        o->uplift.valid_fraction = o->valid_fraction;
    if (o->uplift.valid_fraction > 0.5)
        cli_usage_error("--valid-fraction: at most 0.5 for --model uplift");
    const ck_gbm_params *given = &o->gbm;
    ck_gbm_params *p = &o->uplift.gbm;
#define TAKE(field, opt)                                                                           \
    if (o->gbm_given & (1u << (opt - OPT_ROUNDS)))                                                 \
    p->field = given->field
    TAKE(rounds, OPT_ROUNDS);
    TAKE(learning_rate, OPT_LEARNING_RATE);
    TAKE(max_bins, OPT_MAX_BINS);
    TAKE(lambda, OPT_LAMBDA);
    TAKE(min_child_weight, OPT_MIN_CHILD_WEIGHT);
    TAKE(min_samples_leaf, OPT_MIN_SAMPLES_LEAF);
    TAKE(patience, OPT_PATIENCE);
    TAKE(subsample, OPT_SUBSAMPLE);
    TAKE(seed, OPT_SEED);
#undef TAKE
    p->n_threads = given->n_threads;
}

/* A recommender learns from the events' items before at most one cutoff. */
static void check_recommend_options(options *o)
{
    const char *foreign = o->gbm_only       ? o->gbm_only
                          : o->logreg_only  ? o->logreg_only
                          : o->uplift_only  ? o->uplift_only
                          : o->bgnbd_only   ? o->bgnbd_only
                          : o->customers    ? "--customers"
                          : o->valid_cutoff ? "--valid-cutoff"
                          : o->no_refit     ? "--no-refit"
                                            : NULL;
    if (foreign)
        cli_usage_error("%s does not apply to --model recommend", foreign);
    if (o->table || o->events == NULL)
        cli_usage_error("--model recommend learns from --events (with an item column)");
    if (o->n_cutoffs > 1 || o->valid_fraction > 0)
        cli_usage_error("--model recommend takes one --cutoff and validates on --valid-days "
                        "before it");
    o->recommend.params.n_threads = o->gbm.n_threads;
    o->recommend.params.als.seed = o->gbm.seed;
}

static void parse_ignore(options *o, char *list)
{
    for (char *tok = strtok(list, ","); tok != NULL; tok = strtok(NULL, ",")) {
        if (o->n_ignore == MAX_IGNORE)
            cli_usage_error("--ignore: at most %d columns", MAX_IGNORE);
        o->ignore[o->n_ignore++] = tok;
    }
}

static void parse_options(options *o, int argc, char **argv)
{
    *o = (options){ .name = NULL,
                    .gbm = CK_GBM_PARAMS_INIT,
                    .logreg = CK_LOGREG_PARAMS_INIT,
                    .bgnbd = CK_BGNBD_TRAIN_PARAMS_INIT,
                    .uplift = ck_uplift_params_default() };
    o->recommend = (ck_pipeline_recommend_opts){ .params = ck_recommend_params_default(),
                                                 .valid_days = 30,
                                                 .recent_days = 90 };
    o->gbm.n_threads = o->logreg.n_threads = o->bgnbd.fit.n_threads = cli_default_threads();
    const char *model = NULL;
    static const char *const solvers[] = { "newton", "lbfgs", "liblinear" };
    static const char *const penalties[] = { "l2", "l1" };
    int c, choice;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qhV", long_options, NULL)) != -1) {
        if (c >= OPT_ROUNDS && c <= OPT_SEED)
            o->gbm_given |= 1u << (c - OPT_ROUNDS);
        switch (c) {
        case OPT_EVENTS:
            o->events = optarg;
            break;
        case OPT_CUSTOMERS:
            o->customers = optarg;
            break;
        case OPT_CUTOFF:
            if (o->n_cutoffs == CK_MODEL_MAX_CUTOFFS)
                cli_usage_error("--cutoff: at most %d cutoffs", CK_MODEL_MAX_CUTOFFS);
            o->cutoffs[o->n_cutoffs++] = cli_parse_date("--cutoff", optarg);
            break;
        case OPT_VALID_CUTOFF:
            o->valid_cutoff = cli_parse_date("--valid-cutoff", optarg);
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
        case OPT_IGNORE:
            parse_ignore(o, optarg);
            break;
        case OPT_VALID_FRACTION:
            o->valid_fraction = cli_parse_double("--valid-fraction", optarg, 0.0, 0.9);
            break;
        case OPT_SKIP_BAD_ROWS:
            o->skip_bad_rows = true;
            break;
        case OPT_NO_REFIT:
            o->no_refit = true;
            break;
        case OPT_MEMORY: {
            static const char *const names[] = { "auto", "low", "high" };
            parse_choice("--memory", optarg, names, 3, &o->memory);
            break;
        }
        case OPT_MODEL:
            model = optarg;
            break;
        case OPT_ROUNDS:
            o->gbm_only = o->gbm_only ? o->gbm_only : "--rounds";
            o->gbm.rounds = (int)cli_parse_long("--rounds", optarg, 1, 1000000);
            break;
        case OPT_LEARNING_RATE:
            o->gbm_only = o->gbm_only ? o->gbm_only : "--learning-rate";
            o->gbm.learning_rate = cli_parse_double("--learning-rate", optarg, 1e-6, 1.0);
            break;
        case OPT_MAX_BINS:
            o->gbm_only = o->gbm_only ? o->gbm_only : "--max-bins";
            o->gbm.max_bins = (int)cli_parse_long("--max-bins", optarg, 2, 255);
            break;
        case OPT_LAMBDA:
            o->gbm_only = o->gbm_only ? o->gbm_only : "--lambda";
            o->gbm.lambda = cli_parse_double("--lambda", optarg, 0.0, 1e12);
            break;
        case OPT_MIN_CHILD_WEIGHT:
            o->gbm_only = o->gbm_only ? o->gbm_only : "--min-child-weight";
            o->gbm.min_child_weight = cli_parse_double("--min-child-weight", optarg, 0.0, 1e12);
            break;
        case OPT_MIN_SAMPLES_LEAF:
            o->gbm_only = o->gbm_only ? o->gbm_only : "--min-samples-leaf";
            o->gbm.min_samples_leaf =
                (int)cli_parse_long("--min-samples-leaf", optarg, 1, 1L << 30);
            break;
        case OPT_PATIENCE:
            o->gbm_only = o->gbm_only ? o->gbm_only : "--patience";
            o->gbm.patience = (int)cli_parse_long("--patience", optarg, 0, 1000000);
            break;
        case OPT_POS_WEIGHT:
            o->gbm.pos_weight = cli_parse_double("--pos-weight", optarg, 1e-6, 1e6);
            o->logreg.pos_weight = o->gbm.pos_weight;
            break;
        case OPT_SUBSAMPLE:
            o->gbm_only = o->gbm_only ? o->gbm_only : "--subsample";
            o->gbm.subsample = cli_parse_double("--subsample", optarg, 1e-6, 1.0);
            break;
        case OPT_SEED:
            o->gbm.seed = (uint64_t)cli_parse_long("--seed", optarg, 0, 1L << 62);
            o->logreg.seed = o->gbm.seed;
            break;
        case OPT_C:
            o->logreg_only = o->logreg_only ? o->logreg_only : "--C";
            o->logreg.C = cli_parse_double("--C", optarg, 1e-12, 1e12);
            o->has_C = true;
            break;
        case OPT_PENALTY:
            o->logreg_only = o->logreg_only ? o->logreg_only : "--penalty";
            parse_choice("--penalty", optarg, penalties, 2, &choice);
            o->logreg.penalty = choice == 1 ? CK_LOGREG_L1 : CK_LOGREG_L2;
            break;
        case OPT_SOLVER:
            o->logreg_only = o->logreg_only ? o->logreg_only : "--solver";
            parse_choice("--solver", optarg, solvers, 3, &choice);
            o->logreg.solver = (ck_logreg_solver)choice;
            o->has_solver = true;
            break;
        case OPT_TOL:
            o->logreg_only = o->logreg_only ? o->logreg_only : "--tol";
            o->logreg.tol = cli_parse_double("--tol", optarg, 1e-15, 0.5);
            break;
        case OPT_MAX_ITER:
            o->logreg_only = o->logreg_only ? o->logreg_only : "--max-iter";
            o->logreg.max_iter = (int)cli_parse_long("--max-iter", optarg, 1, 1000000);
            break;
        case OPT_CLIP:
            o->logreg_only = o->logreg_only ? o->logreg_only : "--clip";
            o->logreg.clip = cli_parse_double("--clip", optarg, 0.0, 0.49);
            break;
        case OPT_CV:
            o->logreg_only = o->logreg_only ? o->logreg_only : "--cv";
            o->logreg.cv_folds = (int)cli_parse_long("--cv", optarg, 2, 100);
            break;
        case OPT_C_GRID:
            o->logreg_only = o->logreg_only ? o->logreg_only : "--C-grid";
            parse_grid(o, optarg);
            break;
        case OPT_OUT:
            o->out = optarg;
            break;
        case OPT_NAME:
            o->name = optarg;
            break;
        case OPT_TIME_UNIT:
            o->bgnbd_only = o->bgnbd_only ? o->bgnbd_only : "--time-unit";
            if (strcmp(optarg, "day") != 0 && strcmp(optarg, "week") != 0)
                cli_usage_error("--time-unit: expected day or week, got \"%s\"", optarg);
            o->bgnbd.days_per_unit = strcmp(optarg, "week") == 0 ? 7.0 : 1.0;
            break;
        case OPT_FREQUENCY:
            o->bgnbd_only = o->bgnbd_only ? o->bgnbd_only : "--frequency";
            o->columns.frequency = optarg;
            break;
        case OPT_RECENCY:
            o->bgnbd_only = o->bgnbd_only ? o->bgnbd_only : "--recency";
            o->columns.recency = optarg;
            break;
        case OPT_AGE:
            o->bgnbd_only = o->bgnbd_only ? o->bgnbd_only : "--age";
            o->columns.age = optarg;
            break;
        case OPT_MONETARY:
            o->bgnbd_only = o->bgnbd_only ? o->bgnbd_only : "--monetary";
            o->columns.monetary = optarg;
            break;
        case OPT_TREATMENT:
            o->uplift_only = o->uplift_only ? o->uplift_only : "--treatment";
            o->treatment = optarg;
            break;
        case OPT_CONTROL:
            o->uplift_only = o->uplift_only ? o->uplift_only : "--control";
            o->control = optarg;
            break;
        case OPT_ASSIGNMENTS:
            o->uplift_only = o->uplift_only ? o->uplift_only : "--assignments";
            o->assignments = optarg;
            break;
        case OPT_WINDOW:
            o->uplift_only = o->uplift_only ? o->uplift_only : "--window";
            o->window = (int)cli_parse_long("--window", optarg, 1, 3650);
            break;
        case OPT_UPLIFT_METHOD: {
            static const char *const methods[] = { "t", "x" };
            o->uplift_only = o->uplift_only ? o->uplift_only : "--uplift-method";
            parse_choice("--uplift-method", optarg, methods, 2, &choice);
            o->uplift.method = choice == 1 ? CK_UPLIFT_X : CK_UPLIFT_T;
            break;
        }
        case OPT_METHOD: {
            int m = ck_recommend_method_of(optarg);
            if (m < 0)
                cli_usage_error("--method: expected als, ease, itemknn, repeat, popular or blend, "
                                "got \"%s\"",
                                optarg);
            o->recommend.params.method = (ck_recommend_method)m;
            o->recommend_only = o->recommend_only ? o->recommend_only : "--method";
            break;
        }
        case OPT_FACTORS:
            o->recommend.params.als.factors = (int)cli_parse_long("--factors", optarg, 1, 1024);
            o->recommend_only = o->recommend_only ? o->recommend_only : "--factors";
            break;
        case OPT_REGULARIZATION:
            o->recommend.params.als.regularization =
                cli_parse_double("--regularization", optarg, 1e-12, 1e12);
            o->recommend_only = o->recommend_only ? o->recommend_only : "--regularization";
            break;
        case OPT_ALPHA:
            o->recommend.params.als.alpha = cli_parse_double("--alpha", optarg, 0.0, 1e9);
            o->recommend_only = o->recommend_only ? o->recommend_only : "--alpha";
            break;
        case OPT_ITERATIONS:
            o->recommend.params.als.iterations =
                (int)cli_parse_long("--iterations", optarg, 1, 10000);
            o->recommend_only = o->recommend_only ? o->recommend_only : "--iterations";
            break;
        case OPT_EASE_LAMBDA:
            o->recommend.params.ease_lambda = cli_parse_double("--ease-lambda", optarg, 1e-9, 1e12);
            o->recommend_only = o->recommend_only ? o->recommend_only : "--ease-lambda";
            break;
        case OPT_NEIGHBOURS:
            o->recommend.params.knn_k = (int)cli_parse_long("--neighbours", optarg, 1, 100000);
            o->recommend_only = o->recommend_only ? o->recommend_only : "--neighbours";
            break;
        case OPT_TOP:
            o->recommend.params.top_k = (int)cli_parse_long("--top", optarg, 1, 10000);
            o->recommend_only = o->recommend_only ? o->recommend_only : "--top";
            break;
        case OPT_VALID_DAYS:
            o->recommend.valid_days = (int)cli_parse_long("--valid-days", optarg, 1, 3650);
            o->recommend_only = o->recommend_only ? o->recommend_only : "--valid-days";
            break;
        case OPT_RECENT_DAYS:
            o->recommend.recent_days = (int)cli_parse_long("--recent-days", optarg, 1, 36500);
            o->recommend_only = o->recommend_only ? o->recommend_only : "--recent-days";
            break;
        case CLI_OPT_CONFIG:
            o->config = optarg;
            break;
        case CLI_OPT_THREADS:
            o->gbm.n_threads = o->logreg.n_threads = cli_parse_threads(optarg);
            o->bgnbd.fit.n_threads = o->gbm.n_threads;
            break;
        case 'q':
            o->quiet = true;
            cli_set_quiet(true);
            break;
        default:
            cli_common_option(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument \"%s\"", argv[optind]);
    static const char *const models[] = { "gbm", "logreg", "bgnbd", "uplift", "recommend" };
    int kind = -1;
    for (int k = 0; model && k < 5; k++)
        if (strcmp(model, models[k]) == 0)
            kind = k;
    if (model == NULL)
        cli_usage_error("--model is required (gbm, logreg, bgnbd, uplift or recommend)");
    if (kind < 0)
        cli_usage_error("--model: expected gbm, logreg, bgnbd, uplift or recommend, got \"%s\"",
                        model);
    o->model = (model_kind)kind;
    if (o->model == MODEL_RECOMMEND)
        check_recommend_options(o);
    else if (o->recommend_only)
        cli_usage_error("%s belongs to --model recommend", o->recommend_only);
    check_model_options(o);
    if (o->model == MODEL_BGNBD)
        check_value_options(o);
    else if (o->bgnbd_only)
        cli_usage_error("%s belongs to --model bgnbd", o->bgnbd_only);
    if (o->model == MODEL_UPLIFT)
        check_uplift_options(o);
    else if (o->uplift_only)
        cli_usage_error("%s belongs to --model uplift", o->uplift_only);
    if ((o->events == NULL) == (o->table == NULL))
        cli_usage_error("give either --events (with --cutoff) or --table (with --label)");
    if (o->events && o->n_cutoffs == 0 && o->model != MODEL_UPLIFT && o->model != MODEL_RECOMMEND)
        cli_usage_error("--events needs at least one --cutoff");
    if (o->table && o->label == NULL && o->model != MODEL_BGNBD)
        cli_usage_error("--table needs --label");
    if (o->table && (o->n_cutoffs || o->valid_cutoff || o->customers))
        cli_usage_error("--cutoff, --valid-cutoff and --customers belong to events mode");
    if (o->events && (o->label || o->id || o->n_ignore || o->columns.frequency ||
                      o->columns.recency || o->columns.age || o->columns.monetary))
        cli_usage_error("--label, --id, --ignore, --frequency, --recency, --age and --monetary "
                        "belong to table mode");
    if (o->valid_fraction > 0 && o->valid_cutoff)
        cli_usage_error("give --valid-cutoff or --valid-fraction, not both");
    if (o->memory != MEMORY_AUTO && !binned_ok(o))
        cli_usage_error("--memory belongs to table mode with --model gbm");
    if (o->out == NULL)
        cli_usage_error("--out is required");
    for (size_t i = 0; i < o->n_cutoffs; i++)
        if (o->cutoffs[i] == o->valid_cutoff)
            cli_usage_error("--valid-cutoff is also a training --cutoff");
    /* the name becomes a file name in DIR/: no path, no version separator */
    if (o->name == NULL)
        o->name = o->model == MODEL_BGNBD       ? "value"
                  : o->model == MODEL_UPLIFT    ? "uplift"
                  : o->model == MODEL_RECOMMEND ? "recommend"
                                                : "churn";
    if (o->name[0] == '\0' || strchr(o->name, '/') || strchr(o->name, '@') ||
        strcmp(o->name, ".") == 0 || strcmp(o->name, "..") == 0)
        cli_usage_error("--name: expected a file name without '/' or '@', got \"%s\"", o->name);
    const cli_file inputs[] = { { "--events", o->events },
                                { "--customers", o->customers },
                                { "--table", o->table },
                                { "--assignments", o->assignments },
                                { "--config", o->config } };
    const cli_file output = { "--out", o->out };
    cli_check_outputs(inputs, sizeof inputs / sizeof *inputs, &output, 1);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

/* What the library found the log could not support: its warnings, and the constant
 * features it left out, on one line. */
static void print_data_notes(const ck_model_training *tr, bool quiet)
{
    for (size_t i = 0; i < tr->n_warnings; i++)
        cli_warn("%s", tr->warnings[i]);
    if (tr->n_constant_features == 0 || quiet)
        return;
    fprintf(stderr, "churn-train: left out %zu constant feature%s: ", tr->n_constant_features,
            tr->n_constant_features == 1 ? "" : "s");
    for (size_t i = 0; i < tr->n_constant_features; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", tr->constant_features[i]);
    fputc('\n', stderr);
}

/* Events mode: the training (and validation) sets from features as of the cutoffs, and
 * every cutoff's rows for the refit (all: NULL with --no-refit). */
static int load_events(const options *o, ck_model_spec *spec, ck_model_training *tr,
                       ck_dataset **train, ck_dataset **valid, ck_dataset **all, ck_error *err)
{
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    ck_events_read_opts ropts = { &spec->config, o->skip_bad_rows, NULL, NULL, cli_progress,
                                  "reading",     o->gbm.n_threads };
    int rc = ck_events_read_csv(&ev, o->events, &ropts, err);
    if (rc == CK_OK && ck_events_n_rejected(ev) > 0)
        cli_warn("skipped %zu bad rows of %s", ck_events_n_rejected(ev), o->events);
    if (rc == CK_OK && o->customers)
        rc = ck_customers_read_csv(&customers, o->customers, &spec->config, err);
    ck_pipeline_training_opts topts = { .cutoffs = o->cutoffs,
                                        .n_cutoffs = o->n_cutoffs,
                                        .valid_cutoff = o->valid_cutoff,
                                        .out_of_time = o->valid_fraction == 0,
                                        .customers = customers,
                                        .events_path = o->events,
                                        .n_threads = o->gbm.n_threads };
    if (rc == CK_OK && all)
        rc = ck_pipeline_refit_sets(train, valid, all, spec, tr, ev, &topts, err);
    else if (rc == CK_OK)
        rc = ck_pipeline_training_sets(train, valid, spec, tr, ev, &topts, err);
    if (rc == CK_OK)
        print_data_notes(tr, o->quiet);
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc;
}

/* --model bgnbd: every customer's summary, from events as of the cutoff or a table. */
static int load_value(const options *o, ck_model_spec *spec, ck_model_training *tr,
                      ck_dataset **rows, ck_error *err)
{
    if (o->table) {
        ck_value_columns cols = o->columns;
        cols.delimiter = spec->config.delimiter;
        snprintf(spec->id_column, sizeof spec->id_column, "%s", o->id ? o->id : "");
        return ck_pipeline_add_input(tr, "table", o->table, err) < 0
                   ? err->code
                   : ck_pipeline_value_table(rows, o->table, &cols, err);
    }
    ck_events *ev = NULL;
    ck_value_summary s = { 0 };
    ck_events_read_opts ropts = { &spec->config, o->skip_bad_rows, NULL, NULL, cli_progress,
                                  "reading",     o->gbm.n_threads };
    int rc = ck_pipeline_add_input(tr, "events", o->events, err);
    if (rc == CK_OK)
        rc = ck_events_read_csv(&ev, o->events, &ropts, err);
    if (rc == CK_OK && ck_events_n_rejected(ev) > 0)
        cli_warn("skipped %zu bad rows of %s", ck_events_n_rejected(ev), o->events);
    if (rc == CK_OK) {
        tr->has_profile = true;
        ck_events_profile(ev, &tr->profile);
        tr->n_cutoffs = 1;
        tr->cutoffs[0] = o->cutoffs[0];
        rc = ck_pipeline_value_summary(&s, ev, o->cutoffs[0], o->bgnbd.days_per_unit,
                                       tr->profile.has_amount, err);
    }
    if (rc == CK_OK)
        rc = ck_pipeline_value_dataset(rows, ev, &s, err);
    ck_value_summary_free(&s);
    ck_events_free(ev);
    return rc;
}

/* --model uplift: the experiment's rows, from a table or from events and assignments. */
static int load_uplift(const options *o, ck_model_spec *spec, ck_model_training *tr,
                       ck_uplift_data *data, ck_error *err)
{
    int rc;
    if (o->table) {
        snprintf(spec->label_column, sizeof spec->label_column, "%s", o->label);
        snprintf(spec->id_column, sizeof spec->id_column, "%s", o->id ? o->id : "");
        ck_uplift_table_opts topts = {
            o->label, o->treatment, o->control,  o->id,           spec->config.delimiter,
            NULL,     o->ignore,    o->n_ignore, o->gbm.n_threads
        };
        if ((rc = ck_pipeline_uplift_table(data, o->table, &topts, tr, err)) == CK_OK)
            print_data_notes(tr, o->quiet);
        return rc;
    }
    ck_events *ev = NULL;
    ck_customers *customers = NULL;
    ck_events_read_opts ropts = { &spec->config, o->skip_bad_rows, NULL, NULL, cli_progress,
                                  "reading",     o->gbm.n_threads };
    if ((rc = ck_pipeline_add_input(tr, "events", o->events, err)) == CK_OK &&
        (rc = ck_pipeline_add_input(tr, "assignments", o->assignments, err)) == CK_OK &&
        (!o->customers ||
         (rc = ck_pipeline_add_input(tr, "customers", o->customers, err)) == CK_OK))
        rc = ck_events_read_csv(&ev, o->events, &ropts, err);
    if (rc == CK_OK && ck_events_n_rejected(ev) > 0)
        cli_warn("skipped %zu bad rows of %s", ck_events_n_rejected(ev), o->events);
    if (rc == CK_OK && o->customers)
        rc = ck_customers_read_csv(&customers, o->customers, &spec->config, err);
    ck_uplift_events_opts eopts = { o->assignments, o->window, o->control,      &spec->config,
                                    customers,      NULL,      o->gbm.n_threads };
    if (rc == CK_OK) {
        tr->has_profile = true;
        ck_events_profile(ev, &tr->profile);
        rc = ck_pipeline_uplift_events(data, ev, &eopts, err);
    }
    if (rc == CK_OK && data->n_left_out > 0) {
        char note[256];
        snprintf(note, sizeof note,
                 "%zu assigned customers have no event before their assignment day: no features, "
                 "left out of the model",
                 data->n_left_out);
        snprintf(tr->warnings[tr->n_warnings++], sizeof tr->warnings[0], "%s", note);
        cli_warn("%s", note);
    }
    ck_customers_free(customers);
    ck_events_free(ev);
    return rc;
}

static void print_uplift_summary(const ck_model *model)
{
    const ck_uplift *u = ck_model_uplift(model);
    const ck_uplift_arm *control = ck_uplift_arm_at(u, ck_uplift_control(u));
    cli_note("%s-learner on %zu arms, control \"%s\"%s",
             ck_uplift_method_of(u) == CK_UPLIFT_X ? "X" : "T", ck_uplift_n_arms(u), control->name,
             ck_uplift_has_economics(u) ? ", with the config's values and costs" : "");
    for (size_t a = 0; a < ck_uplift_n_arms(u); a++) {
        const ck_uplift_arm *arm = ck_uplift_arm_at(u, a);
        cli_note("  %-16s %8zu rows  %6.2f%% converted  (%+.2f points)  %d rounds", arm->name,
                 arm->rows, 100.0 * arm->base_rate, 100.0 * (arm->base_rate - control->base_rate),
                 arm->rounds_kept);
    }
}

static void print_value_summary(const ck_model *model)
{
    const ck_bgnbd_model *m = ck_model_bgnbd(model);
    const ck_bgnbd_fit *f = &m->purchases;
    const char *unit = ck_bgnbd_time_unit_name(m->days_per_unit);
    cli_note("%zu customers, %zu with repeat purchases; time in %ss", m->n_customers,
             m->n_repeat_buyers, unit);
    if (f->params.same_dropout)
        cli_note("BG/NBD, the same dropout for everyone: r %.4g  alpha %.4g  p %.4g  "
                 "log-likelihood %.4f",
                 f->params.r, f->params.alpha, f->params.a, f->log_likelihood);
    else
        cli_note("BG/NBD: r %.4g  alpha %.4g  a %.4g  b %.4g  log-likelihood %.4f%s", f->params.r,
                 f->params.alpha, f->params.a, f->params.b, f->log_likelihood,
                 f->params.no_dropout ? " (no dropout: the plain NBD)" : "");
    if (f->has_se && f->params.same_dropout)
        cli_note("  standard errors: r %.3g  alpha %.3g  p %.3g", f->se_r, f->se_alpha, f->se_a);
    else if (f->has_se)
        cli_note("  standard errors: r %.3g  alpha %.3g  a %.3g  b %.3g", f->se_r, f->se_alpha,
                 f->se_a, f->se_b);
    if (m->has_spend)
        cli_note("Gamma-Gamma on %zu repeat buyers: p %.4g  q %.4g  gamma %.4g  (spend-frequency "
                 "correlation %.3f)",
                 m->spend.n_customers, m->spend.params.p, m->spend.params.q, m->spend.params.gamma,
                 m->spend.spend_frequency_correlation);
}

static void print_rows(const ck_model *model)
{
    const ck_model_training *tr = ck_model_training_of(model);
    cli_note("%zu rows, %.1f%% churned; %zu validation rows, %.1f%% churned", tr->rows,
             tr->rows ? 100.0 * (double)tr->positives / (double)tr->rows : 0.0, tr->valid_rows,
             tr->valid_rows ? 100.0 * (double)tr->valid_positives / (double)tr->valid_rows : 0.0);
}

/* After a refit the training metrics are the refit's, on every row; the validation ones
 * are the selection's. */
static void print_refit(const ck_model *model)
{
    const ck_model_training *tr = ck_model_training_of(model);
    if (!tr->has_refit)
        return;
    if (tr->refit.rounds > 0)
        cli_note("refit on %zu rows with %d rounds (train metrics on those rows, validation "
                 "before the refit)",
                 tr->refit.rows, tr->refit.rounds);
    else
        cli_note("refit on %zu rows with C %g (train metrics on those rows, validation before "
                 "the refit)",
                 tr->refit.rows, tr->refit.C);
}

static void print_summary(const ck_model *model, const ck_gbm_report *r)
{
    print_rows(model);
    cli_note("%d rounds run, %d kept", r->rounds_run, r->rounds_kept);
    cli_note("train:      log loss %.5f  AUC %.4f", r->train_logloss, r->train_auc);
    if (!isnan(r->valid_logloss))
        cli_note("validation: log loss %.5f  AUC %.4f", r->valid_logloss, r->valid_auc);
    print_refit(model);
    const ck_gbm *gbm = ck_model_gbm(model);
    size_t top[10];
    double share[10];
    size_t n_top = ck_gbm_top_features(gbm, 10, top, share);
    cli_note("top features by gain:");
    for (size_t k = 0; k < n_top; k++)
        cli_note("  %5.1f%%  %s", 100.0 * share[k], ck_schema_name(ck_gbm_schema(gbm), top[k]));
}

static void print_logreg_summary(const ck_model *model)
{
    const ck_logreg_params *p = ck_model_logreg_params(model);
    const ck_logreg_report *r = ck_model_logreg_report(model);
    const ck_model_training *tr = ck_model_training_of(model);
    const ck_logreg *lr = ck_model_logreg(model);
    const ck_schema *schema = ck_logreg_schema(lr);
    print_rows(model);
    char gradient[64] = "";
    if (!isnan(r->grad_norm))
        snprintf(gradient, sizeof gradient, ", gradient %.2g of its start", r->grad_norm);
    cli_note("logreg (%s, %s, C %g, %zu columns): %d iterations, objective %.10g%s%s",
             ck_logreg_solver_name(p->solver), ck_logreg_penalty_name(p->penalty), r->C,
             r->n_columns, r->iterations, r->objective, gradient,
             r->converged ? "" : " (not converged)");
    if (r->n_cv > 0) {
        cli_note("cross-validation, %d stratified folds, held-out log loss by C:", p->cv_folds);
        for (size_t g = 0; g < r->n_cv; g++)
            cli_note("  C %-10g %.6f%s", r->cv_C[g], r->cv_logloss[g],
                     r->cv_C[g] == r->C ? "  <- best" : "");
    }
    cli_note("train:      log loss %.5f  AUC %.4f", tr->train_logloss, tr->train_auc);
    if (!isnan(tr->valid_logloss))
        cli_note("validation: log loss %.5f  AUC %.4f", tr->valid_logloss, tr->valid_auc);
    print_refit(model);

    ck_logreg_term top[10];
    size_t n_top = 0;
    ck_error err = { 0 };
    if (ck_logreg_top_terms(lr, 10, top, &n_top, &err) < 0)
        return;
    cli_note("largest coefficients (numeric features per standard deviation):");
    for (size_t k = 0; k < n_top; k++) {
        const char *name = ck_schema_name(schema, top[k].feature);
        if (top[k].level >= 0)
            cli_note("  %+9.4f  %s=%s", top[k].coef, name,
                     ck_schema_level(schema, top[k].feature, (size_t)top[k].level));
        else
            cli_note("  %+9.4f  %s%s", top[k].coef, name, top[k].level == -2 ? " (missing)" : "");
    }
}

/* --out FILE: written beside it and renamed into place. --out DIR/ (or an existing
 * directory): a new version DIR/<name>-v<N>.json, published by link() so that a concurrent
 * save never takes the same N; `path` gets the version really written. */
static int write_model(char *path, size_t size, const options *o, const ck_model *model,
                       ck_error *err)
{
    cli_output out = { 0 };
    size_t len = strlen(o->out);
    struct stat st;
    bool is_dir =
        (len > 0 && o->out[len - 1] == '/') || (stat(o->out, &st) == 0 && S_ISDIR(st.st_mode));
    int rc;
    if (!is_dir) {
        snprintf(path, size, "%s", o->out);
        if ((rc = cli_output_open(&out, path, err)) == CK_OK &&
            (rc = ck_model_save(model, out.fp, err)) == CK_OK)
            rc = cli_output_commit(&out, err);
    } else {
        /* the temporary, named after the model, waits in DIR/ until it is linked */
        char stem[1024];
        snprintf(stem, sizeof stem, "%s%s%s", o->out, o->out[len - 1] == '/' ? "" : "/", o->name);
        if ((rc = ck_model_store_prepare(o->out, o->name, err)) == CK_OK &&
            (rc = cli_output_open(&out, stem, err)) == CK_OK &&
            (rc = ck_model_save(model, out.fp, err)) == CK_OK &&
            (rc = cli_output_close(&out, err)) == CK_OK)
            rc = ck_model_store_publish(path, size, NULL, o->out, o->name, out.tmp_path, err);
    }
    cli_output_abort(&out);
    return rc;
}

static void print_recommend_summary(const ck_model *model)
{
    const ck_recommender *r = ck_model_recommender(model);
    const ck_model_training *tr = ck_model_training_of(model);
    char cutoff[16];
    ck_ts_format_date(tr->cutoffs[0], cutoff);
    cli_note("%s recommender: %zu customers, %zu items, interactions before %s",
             ck_recommend_method_name(ck_recommender_method(r)), tr->rows,
             ck_recommender_n_items(r), cutoff);
    if (ck_recommender_method(r) != CK_RECOMMEND_BLEND)
        return;
    static const char *const question[] = { "next purchase", "new items (--exclude-purchased)" };
    for (int g = 0; g < CK_RECOMMEND_N_GOALS; g++) {
        const double *w = ck_recommender_blend(r, (ck_recommend_goal)g);
        cli_note("blend for the %s: repeat %g, ease %g, als %g, itemknn %g, popular %g "
                 "(validation recall@%d %.4f)",
                 question[g], w[CK_BLEND_REPEAT], w[CK_BLEND_EASE], w[CK_BLEND_ALS],
                 w[CK_BLEND_ITEMKNN], w[CK_BLEND_POPULAR], ck_recommender_top_k(r),
                 ck_recommender_blend_recall(r, (ck_recommend_goal)g));
    }
}

/* --model recommend: the interactions before the cutoff (the day after the last event when
 * none is given), a model, its file. */
static int run_recommend(options *o, ck_model_spec *spec, ck_error *err)
{
    ck_events *ev = NULL;
    ck_model *model = NULL;
    ck_model_training tr = { 0 };
    char path[1024];
    time_t now = time(NULL);
    strftime(tr.created_at, sizeof tr.created_at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    spec->source = CK_SOURCE_EVENTS;
    ck_events_read_opts ropts = { &spec->config, o->skip_bad_rows, NULL, NULL, cli_progress,
                                  "reading",     o->gbm.n_threads };
    int rc = ck_pipeline_add_input(&tr, "events", o->events, err);
    if (rc == CK_OK)
        rc = ck_events_read_csv(&ev, o->events, &ropts, err);
    if (rc == CK_OK && ck_events_n_rejected(ev) > 0)
        cli_warn("skipped %zu bad rows of %s", ck_events_n_rejected(ev), o->events);
    if (rc == CK_OK) {
        tr.has_profile = true;
        ck_events_profile(ev, &tr.profile);
        o->recommend.cutoff =
            o->n_cutoffs ? o->cutoffs[0] : ck_ts_day_start(ck_events_max_ts(ev)) + 86400;
        tr.n_cutoffs = 1;
        tr.cutoffs[0] = o->recommend.cutoff;
        rc = ck_pipeline_recommend_train(&model, ev, &o->recommend, spec, &tr, err);
        if (rc < 0 && err->file[0] == '\0')
            snprintf(err->file, sizeof err->file, "%s", o->events);
    }
    if (rc == CK_OK)
        rc = write_model(path, sizeof path, o, model, err);
    if (rc == CK_OK && !o->quiet)
        print_recommend_summary(model);
    if (rc == CK_OK)
        cli_note("wrote %s", path);
    ck_model_free(model);
    ck_events_free(ev);
    return rc;
}

int main(int argc, char **argv)
{
    cli_init("churn-train", usage);
    options o;
    parse_options(&o, argc, argv);

    ck_error err = { 0 };
    ck_model_spec spec = { 0 };
    ck_model_training tr = { 0 };
    ck_dataset *train = NULL, *valid = NULL, *all = NULL;
    ck_pipeline_bins *binned = NULL; /* the table as bins, instead of train */
    ck_uplift_data experiment = { 0 };
    ck_model *model = NULL;
    char path[1024];
    struct timespec t0, t1, t2, t3;
    int rc = CK_OK;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_config_init(&spec.config);
    if (o.config && (rc = ck_config_load(&spec.config, o.config, &err)) < 0)
        goto done;
    if (o.model == MODEL_RECOMMEND) {
        rc = run_recommend(&o, &spec, &err);
        goto done;
    }
    ck_dataset **all_out = o.no_refit ? NULL : &all; /* every cutoff's rows, for the refit */
    if (o.model == MODEL_UPLIFT) {
        spec.source = o.events ? CK_SOURCE_EVENTS : CK_SOURCE_TABLE;
        if ((rc = load_uplift(&o, &spec, &tr, &experiment, &err)) < 0 ||
            (rc = ck_pipeline_uplift_economics(&o.uplift.economics, &spec.config,
                                               &experiment.design, &err)) < 0)
            goto done;
        o.uplift.design = experiment.design;
        train = experiment.rows;
        experiment.rows = NULL;
    } else if (o.model == MODEL_BGNBD) {
        spec.source = o.events ? CK_SOURCE_EVENTS : CK_SOURCE_TABLE;
        if ((rc = load_value(&o, &spec, &tr, &train, &err)) < 0)
            goto done;
        tr.rows = ck_dataset_n_rows(train);
    } else if (o.events) {
        spec.source = CK_SOURCE_EVENTS;
        if ((rc = ck_pipeline_add_input(&tr, "events", o.events, &err)) < 0 ||
            (o.customers &&
             (rc = ck_pipeline_add_input(&tr, "customers", o.customers, &err)) < 0) ||
            (rc = load_events(&o, &spec, &tr, &train, &valid, all_out, &err)) < 0)
            goto done;
    } else {
        spec.source = CK_SOURCE_TABLE;
        snprintf(spec.label_column, sizeof spec.label_column, "%s", o.label);
        snprintf(spec.id_column, sizeof spec.id_column, "%s", o.id ? o.id : "");
        ck_table_opts topts = {
            o.label, o.id, o.ignore, o.n_ignore, spec.config.delimiter, NULL, o.gbm.n_threads
        };
        ck_pipeline_holdout holdout = { o.valid_fraction, o.gbm.seed, !o.no_refit };
        rc = use_bins(&o) ? ck_pipeline_training_table_bins(&binned, o.table, &topts,
                                                            o.gbm.max_bins, &holdout, &tr, &err)
                          : ck_pipeline_training_table(&train, o.table, &topts, &tr, &err);
        if (rc < 0)
            goto done;
        print_data_notes(&tr, o.quiet);
    }
    if (o.model == MODEL_UPLIFT || binned) {
        /* each arm's held-out part is drawn by the learner; bins are split as they are read */
    } else if (o.valid_fraction > 0 && !o.no_refit) {
        /* the whole table stays for the refit */
        all = train;
        train = NULL;
        rc = ck_pipeline_split_random_copy(&train, &valid, all, o.valid_fraction, o.gbm.seed, &err);
    } else if (o.valid_fraction > 0) {
        rc = ck_pipeline_split_random(&train, &valid, o.valid_fraction, o.gbm.seed, &err);
    }
    if (rc < 0)
        goto done;
    if (o.model != MODEL_BGNBD && binned == NULL)
        ck_pipeline_count_rows(&tr, train, valid);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    time_t now = time(NULL);
    strftime(tr.created_at, sizeof tr.created_at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    static const ck_model_type types[] = { CK_MODEL_GBM_STUMPS, CK_MODEL_LOGREG, CK_MODEL_BGNBD,
                                           CK_MODEL_UPLIFT };
    const void *params[] = { &o.gbm, &o.logreg, &o.bgnbd, &o.uplift };
    ck_model_type type = types[o.model];
    rc = binned ? ck_pipeline_train_bins(&model, type, params[o.model], binned, &spec, &tr,
                                         cli_progress, "training", &err)
                : ck_model_train_refit(&model, type, params[o.model], train, valid, all, &spec, &tr,
                                       cli_progress, "training", &err);
    if (rc < 0) {
        /* what the data could not support: name the data */
        if (err.file[0] == '\0' && rc == CK_EINVAL)
            snprintf(err.file, sizeof err.file, "%s",
                     o.assignments ? o.assignments
                     : o.table     ? o.table
                                   : o.events);
        goto done;
    }
    if (type == CK_MODEL_LOGREG && !ck_model_logreg_report(model)->converged)
        cli_warn("%s", ck_model_logreg_report(model)->warning);
    /* the fit is timed apart from the percentiles, for the benchmarks against other
     * trainers */
    clock_gettime(CLOCK_MONOTONIC, &t2);
    /* the population is the rows the model was fit on */
    const ck_dataset *fit_rows = ck_model_training_of(model)->has_refit ? all : train;
    size_t n_warned = ck_model_training_of(model)->n_warnings;
    if (o.model == MODEL_BGNBD)
        ck_pipeline_value_warnings(model);
    else if (o.model == MODEL_UPLIFT) {
        experiment.rows = train; /* lent back for the balance check */
        ck_pipeline_uplift_balance(model, &experiment);
        experiment.rows = NULL;
        ck_pipeline_uplift_warnings(model);
    } else if ((rc = binned
                         ? ck_pipeline_learn_population_bins(model, binned, o.gbm.n_threads, &err)
                         : ck_model_learn_population(model, fit_rows, o.gbm.n_threads, &err)) < 0)
        goto done;
    for (size_t i = n_warned; i < ck_model_training_of(model)->n_warnings; i++)
        cli_warn("%s", ck_model_training_of(model)->warnings[i]);
    clock_gettime(CLOCK_MONOTONIC, &t3);
    if ((rc = write_model(path, sizeof path, &o, model, &err)) < 0)
        goto done;
    if (!o.quiet && o.model == MODEL_BGNBD)
        print_value_summary(model);
    else if (!o.quiet && o.model == MODEL_UPLIFT)
        print_uplift_summary(model);
    else if (!o.quiet && o.model == MODEL_LOGREG)
        print_logreg_summary(model);
    else if (!o.quiet)
        print_summary(model, ck_model_gbm_report(model));
    cli_note("timing: read %.2f s, train %.2f s, percentiles %.2f s, write %.2f s",
             seconds_since(&t0) - seconds_since(&t1), seconds_since(&t1) - seconds_since(&t2),
             seconds_since(&t2) - seconds_since(&t3), seconds_since(&t3));
    cli_note("wrote %s", path);
done:
    if (rc < 0)
        cli_report(&err);
    ck_model_free(model);
    ck_dataset_free(train);
    ck_dataset_free(valid);
    ck_dataset_free(all);
    ck_pipeline_bins_free(binned);
    ck_uplift_data_free(&experiment);
    return rc < 0 ? CLI_EXIT_DATA : CLI_EXIT_OK;
}

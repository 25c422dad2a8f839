/*
 * Implicit ALS (src/learn/recommend/als.c): one user half-step and one item half-step
 * against tests/als_reference.py (numpy's dense solve of the full formula with the dense
 * C_u, values kept below; `test_als --reference FILE` compares against a fresh run of the
 * script) to 1e-9, and the objective against its dense evaluation to 1e-9 relative; the
 * objective non-increasing over the sweeps of a fit; identical bits for 1 and 3 threads;
 * the fold-in of a training user equal to that user's next half-step; bad input.
 * The CG solver: its steps against a textbook CG on the dense A_u = Yᵀ C_u Y + λI built
 * here entry by entry (1 to 3 steps, 1e-12); k steps against numpy's dense solve and the
 * Cholesky half-step (1e-9), also on rows longer than the gathering scratch; the objective
 * non-increasing with 3 steps; the same bits for 1, 2 and 3 threads.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "check.h"
#include "churnkit/als.h"
#include "learn/recommend/als_int.h"

/* The data of tests/als_reference.py (its docstring), built with the same integer hash. */
#define N_USERS    30
#define N_ITEMS    20
#define K          4
#define LAMBDA     0.3
#define ALPHA      2.5
#define EMPTY_USER 7
#define EMPTY_ITEM 13

static double unif(uint64_t tag, uint64_t a, uint64_t b)
{
    return (double)(ck__mix64(tag * 1000003u + a * 1009u + b + 1) >> 11) * 0x1.0p-53;
}

typedef struct small_data {
    size_t row_start[N_USERS + 1];
    uint32_t items[N_USERS * N_ITEMS];
    float weights[N_USERS * N_ITEMS];
    double x0[N_USERS * K], y0[N_ITEMS * K];
    ck_interactions x;
} small_data;

static void small_data_build(small_data *d)
{
    size_t nnz = 0;
    for (int u = 0; u < N_USERS; u++) {
        d->row_start[u] = nnz;
        for (int i = 0; i < N_ITEMS; i++) {
            if (u != EMPTY_USER && i != EMPTY_ITEM && unif(1, u, i) < 0.3) {
                d->items[nnz] = (uint32_t)i;
                d->weights[nnz] = (float)(0.1 + 3.0 * unif(2, u, i));
                nnz++;
            }
        }
    }
    d->row_start[N_USERS] = nnz;
    for (int i = 0; i < N_ITEMS; i++)
        for (int k = 0; k < K; k++)
            d->y0[i * K + k] = 0.5 * (2.0 * unif(3, i, k) - 1.0);
    for (int u = 0; u < N_USERS; u++)
        for (int k = 0; k < K; k++)
            d->x0[u * K + k] = 0.5 * (2.0 * unif(4, u, k) - 1.0);
    d->x = (ck_interactions){ N_USERS, N_ITEMS, d->row_start, d->items, d->weights };
}

/* Generated once by `tests/als_reference.py --c`: kind index component value. */
static const char *const REFERENCE[] = {
    "X 0 0 0.47187980481704384",
    "X 0 1 -0.079254829369708721",
    "X 0 2 1.6348412384441251",
    "X 0 3 -0.62533304918894761",
    "X 1 0 0.46141072480916867",
    "X 1 1 -0.67837856054393897",
    "X 1 2 -0.61413518317052918",
    "X 1 3 0.85972052292604373",
    "X 2 0 -1.201238417077177",
    "X 2 1 -0.27179001729584407",
    "X 2 2 -0.31231475187594143",
    "X 2 3 -1.3187199328181534",
    "X 3 0 -0.0086911102188288354",
    "X 3 1 -0.60105686188575258",
    "X 3 2 0.036580264662459352",
    "X 3 3 -1.1805763978146968",
    "X 4 0 -0.50050044411403471",
    "X 4 1 -0.22927404681443084",
    "X 4 2 -0.1433513933663573",
    "X 4 3 0.13752835650345333",
    "X 5 0 -1.4693749646050422",
    "X 5 1 -0.18074758471472524",
    "X 5 2 -1.2191624086665493",
    "X 5 3 -0.31907174495522572",
    "X 6 0 -1.1436112225395332",
    "X 6 1 -0.85840187349993724",
    "X 6 2 0.033090411137672422",
    "X 6 3 -0.13638096958020537",
    "X 7 0 0",
    "X 7 1 0",
    "X 7 2 0",
    "X 7 3 0",
    "X 8 0 -1.0241254620229971",
    "X 8 1 0.19092493797890908",
    "X 8 2 -0.82412419345345045",
    "X 8 3 -0.96597108928083708",
    "X 9 0 -0.60404376372097912",
    "X 9 1 0.89936546953444452",
    "X 9 2 0.71515184394848452",
    "X 9 3 -1.4077965313357332",
    "X 10 0 -0.31084118420959828",
    "X 10 1 0.10151360356769745",
    "X 10 2 0.0044825060835248067",
    "X 10 3 0.3206900924059371",
    "X 11 0 -1.0252142065526328",
    "X 11 1 0.20492240518886784",
    "X 11 2 -0.26970079957399995",
    "X 11 3 -1.4565562657525426",
    "X 12 0 -0.67774576967890887",
    "X 12 1 -0.86906311025705796",
    "X 12 2 -0.94393704267723511",
    "X 12 3 -0.53203213468347299",
    "X 13 0 0.37448811713461261",
    "X 13 1 -1.4010725006898841",
    "X 13 2 -0.48058002809805744",
    "X 13 3 -0.21356199214956917",
    "X 14 0 -1.4404645561755842",
    "X 14 1 -0.1054885769700992",
    "X 14 2 -1.6024105395484289",
    "X 14 3 -0.044007065403807832",
    "X 15 0 -0.61348441018930211",
    "X 15 1 0.90285588206129541",
    "X 15 2 -0.11961230376179242",
    "X 15 3 -1.9924683999312591",
    "X 16 0 0.022197748035326655",
    "X 16 1 1.3643213265955114",
    "X 16 2 0.88243685600188237",
    "X 16 3 0.33185009835573093",
    "X 17 0 -0.1782341771779978",
    "X 17 1 -0.22223336326347623",
    "X 17 2 -0.25332352654936535",
    "X 17 3 0.1904620839435219",
    "X 18 0 -1.1718268067577344",
    "X 18 1 0.6159620826984471",
    "X 18 2 -0.15425485129129166",
    "X 18 3 0.95588996654252456",
    "X 19 0 -0.5118938206748449",
    "X 19 1 -1.6836067727136999",
    "X 19 2 -0.70301043743451452",
    "X 19 3 -0.19438075501786692",
    "X 20 0 -0.66449130858022487",
    "X 20 1 1.0843765345347331",
    "X 20 2 -0.96522286997661977",
    "X 20 3 -0.86907618478382809",
    "X 21 0 0.27438123730723912",
    "X 21 1 0.19428906876587043",
    "X 21 2 -0.71765432857056843",
    "X 21 3 -1.0715441761345514",
    "X 22 0 0.27630217590033473",
    "X 22 1 0.30724486575392773",
    "X 22 2 -1.610243694221053",
    "X 22 3 -0.64357669731789702",
    "X 23 0 -0.45796314975607749",
    "X 23 1 1.029953224032423",
    "X 23 2 -0.48329337645496478",
    "X 23 3 1.0473758893556315",
    "X 24 0 -0.45031801784122283",
    "X 24 1 -0.96737196066294917",
    "X 24 2 -0.23654798723564588",
    "X 24 3 0.74970152620744557",
    "X 25 0 -0.49963560859198447",
    "X 25 1 0.55641086206660195",
    "X 25 2 -1.4021896950380985",
    "X 25 3 -0.7035008518060808",
    "X 26 0 -0.80315419131730503",
    "X 26 1 -0.9838649836923925",
    "X 26 2 -0.59678455930041863",
    "X 26 3 -1.1851406118827157",
    "X 27 0 0.7606259755655046",
    "X 27 1 0.14603763906837863",
    "X 27 2 0.25361447793683878",
    "X 27 3 -1.5367250372375523",
    "X 28 0 0.34526403868467637",
    "X 28 1 0.90960988191856773",
    "X 28 2 0.38062951803492212",
    "X 28 3 0.51613185714369725",
    "X 29 0 -0.63394916210718111",
    "X 29 1 0.82418724052590531",
    "X 29 2 0.32399471782679551",
    "X 29 3 -1.9099022262590053",
    "Y 0 0 -0.70040311788580567",
    "Y 0 1 0.063199752954600563",
    "Y 0 2 0.026942005923278393",
    "Y 0 3 0.21181355786132619",
    "Y 1 0 0.18505718865915985",
    "Y 1 1 -0.62496508851347599",
    "Y 1 2 0.10750878988576761",
    "Y 1 3 -0.26957233220155602",
    "Y 2 0 -0.79256461208970141",
    "Y 2 1 0.068658963435889925",
    "Y 2 2 -0.030837708038536527",
    "Y 2 3 0.29726458131443678",
    "Y 3 0 -0.36087301194769306",
    "Y 3 1 -0.18336028792290604",
    "Y 3 2 -0.55158843349205589",
    "Y 3 3 0.063754884783763524",
    "Y 4 0 -0.62189075308692443",
    "Y 4 1 -0.32870245881818427",
    "Y 4 2 0.29474765767776684",
    "Y 4 3 -0.4141438989624216",
    "Y 5 0 -0.22942954525309675",
    "Y 5 1 0.41379733015303999",
    "Y 5 2 -0.29523225290417354",
    "Y 5 3 -0.10592033430677274",
    "Y 6 0 -0.20170977201288703",
    "Y 6 1 0.24683847095646932",
    "Y 6 2 -0.45460398323279433",
    "Y 6 3 -0.24204904444561839",
    "Y 7 0 0.13950407751740501",
    "Y 7 1 0.010304494855609725",
    "Y 7 2 -0.3257064212836529",
    "Y 7 3 -0.51782396850587653",
    "Y 8 0 -0.37422836913998292",
    "Y 8 1 0.011329926554830894",
    "Y 8 2 0.17823866813789349",
    "Y 8 3 -0.30612624228828433",
    "Y 9 0 0.19771730623560732",
    "Y 9 1 -0.26771832858345407",
    "Y 9 2 -0.32198417432300946",
    "Y 9 3 -0.4950732073113564",
    "Y 10 0 -0.71724315655946613",
    "Y 10 1 0.04884992405880792",
    "Y 10 2 0.13547980939623172",
    "Y 10 3 -0.14529076551182829",
    "Y 11 0 0.25913992085063947",
    "Y 11 1 0.67902173230280816",
    "Y 11 2 -0.021521360955074193",
    "Y 11 3 -0.31361806846634238",
    "Y 12 0 -0.0069313239893763002",
    "Y 12 1 -0.075240319011180321",
    "Y 12 2 -0.70009928569418833",
    "Y 12 3 0.027336205063036832",
    "Y 13 0 0",
    "Y 13 1 0",
    "Y 13 2 0",
    "Y 13 3 0",
    "Y 14 0 -0.19433664223472635",
    "Y 14 1 0.16191321272009282",
    "Y 14 2 -0.38580808748737055",
    "Y 14 3 -0.31777259892528581",
    "Y 15 0 -0.13708781844996709",
    "Y 15 1 -0.59176146583988032",
    "Y 15 2 -0.092881050263369624",
    "Y 15 3 -0.35753099841104952",
    "Y 16 0 -0.69364942750722824",
    "Y 16 1 0.22528989425920201",
    "Y 16 2 0.35319886537847606",
    "Y 16 3 0.21870234080127826",
    "Y 17 0 -0.45394952955337525",
    "Y 17 1 -0.32212872044644919",
    "Y 17 2 -0.014520029502749388",
    "Y 17 3 -0.18650244664242233",
    "Y 18 0 -0.3667839022516225",
    "Y 18 1 -0.044304956302273026",
    "Y 18 2 -0.38757905213083482",
    "Y 18 3 -0.22445566217493257",
    "Y 19 0 -0.17213833962804206",
    "Y 19 1 -0.23659393099108042",
    "Y 19 2 -0.016733481054580987",
    "Y 19 3 -0.5220327251681206",
    "OBJ 0 0 823.37147959992217",
    "OBJ 1 0 327.51172344446246",
};

/* Compare reference lines to churnkit: X1 (user half-step from Y0) and Y1 (item half-step
 * from churnkit's X1) to 1e-9 absolute or relative, whichever is looser (the values are of
 * order 1); the objectives to 1e-9 relative. */
static void compare_lines(const char *const *lines, size_t n_lines, const char *what)
{
    small_data *d = calloc(1, sizeof *d);
    double x1[N_USERS * K], y1[N_ITEMS * K];
    ck_error err = { 0 };
    ck_interactions t;
    size_t *t_start;
    uint32_t *t_cols;
    float *t_w;
    small_data_build(d);
    CHECK_OK(ck__als_half_step(&d->x, d->y0, N_ITEMS, K, LAMBDA, ALPHA, 1, x1, &err));
    CHECK_OK(ck__als_transpose(&d->x, &t, &t_start, &t_cols, &t_w, &err));
    CHECK_OK(ck__als_half_step(&t, x1, N_USERS, K, LAMBDA, ALPHA, 1, y1, &err));
    double obj0 = ck__als_objective(&d->x, d->x0, d->y0, K, LAMBDA, ALPHA, 1);
    double obj1 = ck__als_objective(&d->x, x1, y1, K, LAMBDA, ALPHA, 1);
    /* the public entry point on a ck_als wrapping the same factors */
    ck_als m = { N_USERS, N_ITEMS, K, LAMBDA, ALPHA, x1, y1 };
    CHECK(ck_als_objective(&m, &d->x) == obj1);
    double worst_f = 0.0, worst_obj = 0.0;
    size_t n_x = 0, n_y = 0, n_obj = 0;
    for (size_t l = 0; l < n_lines; l++) {
        char kind[8];
        int a, b;
        double want, got = NAN;
        if (sscanf(lines[l], "%7s %d %d %lf", kind, &a, &b, &want) != 4) {
            CHECK(!"reference line unreadable");
            continue;
        }
        bool is_obj = strcmp(kind, "OBJ") == 0;
        if (strcmp(kind, "X") == 0 && a >= 0 && a < N_USERS && b >= 0 && b < K) {
            got = x1[a * K + b];
            n_x++;
        } else if (strcmp(kind, "Y") == 0 && a >= 0 && a < N_ITEMS && b >= 0 && b < K) {
            got = y1[a * K + b];
            n_y++;
        } else if (is_obj && (a == 0 || a == 1)) {
            got = a == 0 ? obj0 : obj1;
            n_obj++;
        }
        double diff = fabs(got - want) / (is_obj ? fabs(want) : fmax(1.0, fabs(want)));
        CHECK_REPORT_(diff <= 1e-9, "%s: %s: got %.17g, difference %.3g", what, lines[l], got,
                      diff);
        if (is_obj)
            worst_obj = fmax(worst_obj, diff);
        else
            worst_f = fmax(worst_f, diff);
    }
    CHECK_EQ_INT(n_x, N_USERS * K);
    CHECK_EQ_INT(n_y, N_ITEMS * K);
    CHECK_EQ_INT(n_obj, 2);
    /* the user with no items gets (YᵀY + λI)⁻¹ 0 = 0 exactly */
    for (int k = 0; k < K; k++)
        CHECK(x1[EMPTY_USER * K + k] == 0.0);
    printf("%s: %zu factor values, worst difference %.3g; objectives %.17g %.17g, worst "
           "relative difference %.3g\n",
           what, n_x + n_y, worst_f, obj0, obj1, worst_obj);
    free(t_start);
    free(t_cols);
    free(t_w);
    free(d);
}

static void test_als__half_steps_match_dense_solve(void)
{
    compare_lines(REFERENCE, sizeof REFERENCE / sizeof *REFERENCE, "reference");
}

/* --reference FILE: the lines of a fresh run of the script. */
static int compare_reference_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    static char buf[256][128];
    const char *lines[256];
    size_t n = 0;
    while (n < 256 && fgets(buf[n], sizeof buf[n], f)) {
        lines[n] = buf[n];
        n++;
    }
    fclose(f);
    CHECK(n == sizeof REFERENCE / sizeof *REFERENCE);
    compare_lines(lines, n, "reference file");
    return check_summary();
}

/* A random matrix of n_users × n_items with about `per_user` interactions a row, some
 * users empty, popular items first (a skew, so the item rows differ in cost). */
typedef struct rand_data {
    size_t *row_start;
    uint32_t *items;
    float *weights;
    ck_interactions x;
} rand_data;

static void rand_data_build(rand_data *d, size_t n_users, size_t n_items, double per_user,
                            uint64_t seed)
{
    ck__rng rng;
    ck__rng_seed(&rng, seed, 0);
    d->row_start = malloc((n_users + 1) * sizeof *d->row_start);
    size_t cap = (size_t)(n_users * per_user * 2) + n_items;
    d->items = malloc(cap * sizeof *d->items);
    d->weights = malloc(cap * sizeof *d->weights);
    unsigned char *seen = calloc(n_items, 1);
    size_t nnz = 0;
    for (size_t u = 0; u < n_users; u++) {
        d->row_start[u] = nnz;
        size_t want = (size_t)(ck__rng_uniform(&rng) * 2.0 * per_user);
        if (want > n_items / 2)
            want = n_items / 2;
        memset(seen, 0, n_items);
        for (size_t j = 0; j < want; j++) {
            double r = ck__rng_uniform(&rng);
            seen[(size_t)(r * r * (double)n_items)] = 1; /* density ∝ 1/√i: popular first */
        }
        for (size_t i = 0; i < n_items && nnz < cap; i++) {
            if (seen[i]) {
                d->items[nnz] = (uint32_t)i;
                d->weights[nnz] = (float)(0.1 + 2.0 * ck__rng_uniform(&rng));
                nnz++;
            }
        }
    }
    d->row_start[n_users] = nnz;
    free(seen);
    d->x = (ck_interactions){ n_users, n_items, d->row_start, d->items, d->weights };
}

static void rand_data_free(rand_data *d)
{
    free(d->row_start);
    free(d->items);
    free(d->weights);
}

/* Each sweep solves each half exactly, so the objective can only go down; 1e-12 relative
 * leaves room for the rounding of the sums that evaluate it. */
static void check_decreasing(const double *obj, int n, const char *what)
{
    int bad = 0;
    for (int i = 1; i < n; i++)
        if (!(obj[i] <= obj[i - 1] * (1 + 1e-12)))
            bad++;
    CHECK_REPORT_(bad == 0, "%s: objective rose in %d of %d sweeps", what, bad, n - 1);
    printf("%s: objective %.6g after sweep 1, %.6g after sweep %d\n", what, obj[0], obj[n - 1], n);
}

static void test_als__objective_decreases(void)
{
    ck_error err = { 0 };
    small_data *d = calloc(1, sizeof *d);
    small_data_build(d);
    ck_als_params p = CK_ALS_PARAMS_INIT;
    p.factors = K;
    p.regularization = LAMBDA;
    p.alpha = ALPHA;
    p.iterations = 25;
    double obj[25];
    ck_als *m = NULL;
    CHECK_OK(ck_als_fit(&m, &d->x, &p, obj, &err));
    if (m != NULL) {
        check_decreasing(obj, p.iterations, "small");
        /* the public evaluation on one thread is the fit's, to the bit */
        CHECK(ck_als_objective(m, &d->x) == obj[p.iterations - 1]);
        CHECK(obj[p.iterations - 1] < 0.9 * obj[0]);
    }
    ck_als_free(m);
    free(d);

    rand_data r;
    rand_data_build(&r, 400, 150, 12, 7);
    p.factors = 8;
    p.regularization = 0.05;
    p.alpha = 20;
    p.iterations = 15;
    double obj2[15], obj3[15];
    /* CG (3 steps, the default) lowers each half-step's objective without reaching its
     * minimum: the sweeps still never raise it, and it ends above Cholesky's */
    CHECK(p.solver == CK_ALS_CG && p.cg_steps == 3);
    CHECK_OK(ck_als_fit(&m, &r.x, &p, obj2, &err));
    if (m != NULL)
        check_decreasing(obj2, p.iterations, "400 x 150, k 8, cg 3");
    ck_als_free(m);
    p.solver = CK_ALS_CHOLESKY;
    CHECK_OK(ck_als_fit(&m, &r.x, &p, obj3, &err));
    if (m != NULL)
        check_decreasing(obj3, p.iterations, "400 x 150, k 8, cholesky");
    CHECK(obj3[0] <= obj2[0]);
    ck_als_free(m);
    rand_data_free(&r);
}

/* More users than the fixed block of the Gram and objective sums (65,536), so those sums
 * run over several blocks on several threads too. */
static void test_als__same_bits_for_any_thread_count(void)
{
    ck_error err = { 0 };
    rand_data r;
    rand_data_build(&r, 70000, 300, 3, 11);
    /* both solvers at k 5; CG also at k 64 (the gathering scratch then holds 8,192 rows,
     * smaller than at k 5) */
    static const struct {
        ck_als_solver solver;
        int factors;
        const char *what;
    } cases[] = { { CK_ALS_CHOLESKY, 5, "70000 x 300, k 5, cholesky" },
                  { CK_ALS_CG, 5, "70000 x 300, k 5, cg 3" },
                  { CK_ALS_CG, 64, "70000 x 300, k 64, cg 3" } };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        ck_als_params p = CK_ALS_PARAMS_INIT;
        p.solver = cases[c].solver;
        p.factors = cases[c].factors;
        p.iterations = 2;
        size_t k = (size_t)p.factors;
        double obj[3][2];
        ck_als *m[3] = { NULL, NULL, NULL };
        for (int t = 0; t < 3; t++) {
            p.n_threads = t + 1;
            CHECK_OK(ck_als_fit(&m[t], &r.x, &p, obj[t], &err));
        }
        if (m[0] != NULL && m[1] != NULL && m[2] != NULL) {
            for (int t = 1; t < 3; t++) {
                CHECK_REPORT_(memcmp(m[0]->user_factors, m[t]->user_factors,
                                     70000 * k * sizeof(double)) == 0 &&
                                  memcmp(m[0]->item_factors, m[t]->item_factors,
                                         300 * k * sizeof(double)) == 0 &&
                                  memcmp(obj[0], obj[t], sizeof obj[0]) == 0,
                              "%s: 1 and %d threads differ", cases[c].what, t + 1);
            }
            check_decreasing(obj[0], 2, cases[c].what);
        }
        for (int t = 0; t < 3; t++)
            ck_als_free(m[t]);
    }
    rand_data_free(&r);
}

/* Folding a training user in with the final item factors is that user's next half-step,
 * to the bit: the same row solve on the same Gram matrix. */
static void test_als__fold_in_is_the_next_half_step(void)
{
    ck_error err = { 0 };
    rand_data r;
    rand_data_build(&r, 300, 120, 10, 3);
    ck_als_params p = CK_ALS_PARAMS_INIT;
    p.factors = 16;
    p.iterations = 3;
    p.n_threads = 2;
    ck_als *m = NULL;
    CHECK_OK(ck_als_fit(&m, &r.x, &p, NULL, &err));
    if (m == NULL) {
        rand_data_free(&r);
        return;
    }
    double *next = malloc(300 * 16 * sizeof *next), *gram = malloc(16 * 16 * sizeof *gram);
    double user[16];
    CHECK_OK(ck__als_half_step(&r.x, m->item_factors, m->n_items, 16, p.regularization, p.alpha, 2,
                               next, &err));
    ck_als_gram(m, gram);
    size_t same = 0;
    for (size_t u = 0; u < 300; u++) {
        size_t s = r.row_start[u], e = r.row_start[u + 1];
        CHECK_OK(ck_als_fold_in(m, gram, r.items + s, r.weights + s, e - s, user, &err));
        same += memcmp(user, next + u * 16, sizeof user) == 0;
    }
    CHECK_EQ_INT(same, 300);
    /* the Gram matrix is the one a naive product gives, to rounding */
    double worst = 0.0;
    for (int a = 0; a < 16; a++)
        for (int b = 0; b < 16; b++) {
            double s = 0.0;
            for (size_t i = 0; i < m->n_items; i++)
                s += m->item_factors[i * 16 + a] * m->item_factors[i * 16 + b];
            worst = fmax(worst, fabs(s - gram[a * 16 + b]));
        }
    CHECK(worst <= 1e-12);
    free(next);
    free(gram);
    ck_als_free(m);
    rand_data_free(&r);
}

/* Textbook CG (no early stop) for `steps` steps on the dense A_u x = b_u of user u of the
 * small data, from x: A_u = Σ_i c_ui y_i y_iᵀ + λI over all items (c = 1 off u's row) and
 * b_u = Σ_{i in u} c_ui y_i, entry by entry, none of the fit's shortcuts. */
static void dense_cg(const small_data *d, const double *y, int u, int steps, double *x)
{
    double a[K][K] = { { 0 } }, b[K] = { 0 }, r[K], p[K], q[K];
    for (int i = 0; i < N_ITEMS; i++) {
        double c = 1.0;
        for (size_t j = d->row_start[u]; j < d->row_start[u + 1]; j++)
            if (d->items[j] == (uint32_t)i) {
                c = 1.0 + ALPHA * (double)d->weights[j];
                for (int e = 0; e < K; e++)
                    b[e] += c * y[i * K + e];
            }
        for (int e = 0; e < K; e++)
            for (int f = 0; f < K; f++)
                a[e][f] += c * y[i * K + e] * y[i * K + f];
    }
    for (int e = 0; e < K; e++)
        a[e][e] += LAMBDA;
    double rs = 0.0;
    for (int e = 0; e < K; e++) {
        r[e] = b[e];
        for (int f = 0; f < K; f++)
            r[e] -= a[e][f] * x[f];
        p[e] = r[e];
        rs += r[e] * r[e];
    }
    for (int s = 0; s < steps; s++) {
        double pq = 0.0, rs_next = 0.0;
        for (int e = 0; e < K; e++) {
            q[e] = 0.0;
            for (int f = 0; f < K; f++)
                q[e] += a[e][f] * p[f];
            pq += p[e] * q[e];
        }
        double step = rs / pq;
        for (int e = 0; e < K; e++) {
            x[e] += step * p[e];
            r[e] -= step * q[e];
            rs_next += r[e] * r[e];
        }
        for (int e = 0; e < K; e++)
            p[e] = r[e] + rs_next / rs * p[e];
        rs = rs_next;
    }
}

/* 1, 2 and 3 CG steps of the user half-step from X0 (and 2 from zero) agree with the dense
 * textbook CG to 1e-12 (values of order 1; the two differ only by rounding). */
static void test_als__cg_steps_match_dense_cg(void)
{
    small_data *d = calloc(1, sizeof *d);
    ck_error err = { 0 };
    small_data_build(d);
    for (int steps = 1; steps <= 3; steps++) {
        for (int from_zero = 0; from_zero <= 1; from_zero++) {
            double x[N_USERS * K], worst = 0.0;
            for (int i = 0; i < N_USERS * K; i++)
                x[i] = from_zero ? 0.0 : d->x0[i];
            CHECK_OK(
                ck__als_half_step_cg(&d->x, d->y0, N_ITEMS, K, LAMBDA, ALPHA, steps, 1, x, &err));
            for (int u = 0; u < N_USERS; u++) {
                double want[K];
                for (int e = 0; e < K; e++)
                    want[e] = from_zero ? 0.0 : d->x0[u * K + e];
                if (u != EMPTY_USER || !from_zero)
                    dense_cg(d, d->y0, u, steps, want);
                for (int e = 0; e < K; e++)
                    worst = fmax(worst, fabs(x[u * K + e] - want[e]));
            }
            CHECK_REPORT_(worst <= 1e-12, "%d steps from %s: worst difference %.3g", steps,
                          from_zero ? "zero" : "X0", worst);
        }
    }
    /* the empty user from zero stays zero (b = 0, nothing to do) */
    double x[N_USERS * K] = { 0 };
    CHECK_OK(ck__als_half_step_cg(&d->x, d->y0, N_ITEMS, K, LAMBDA, ALPHA, 3, 1, x, &err));
    for (int e = 0; e < K; e++)
        CHECK(x[EMPTY_USER * K + e] == 0.0);
    free(d);
}

/* k CG steps solve the k × k system: the user half-step from X0 and the item half-step
 * from Y0 with k = 4 steps give numpy's dense solve (REFERENCE) to 1e-9, and a fit with
 * cg_steps = factors gives the Cholesky fit's factors to 1e-9. */
static void test_als__cg_with_k_steps_is_the_exact_solve(void)
{
    small_data *d = calloc(1, sizeof *d);
    ck_error err = { 0 };
    small_data_build(d);
    double x1[N_USERS * K], y1[N_ITEMS * K];
    memcpy(x1, d->x0, sizeof x1);
    memcpy(y1, d->y0, sizeof y1);
    ck_interactions t;
    size_t *t_start;
    uint32_t *t_cols;
    float *t_w;
    CHECK_OK(ck__als_transpose(&d->x, &t, &t_start, &t_cols, &t_w, &err));
    CHECK_OK(ck__als_half_step_cg(&d->x, d->y0, N_ITEMS, K, LAMBDA, ALPHA, K, 1, x1, &err));
    /* the item half-step from the reference X1, so that both sides start from the same */
    double xref[N_USERS * K], yref[N_ITEMS * K];
    size_t nx = 0, ny = 0;
    for (size_t l = 0; l < sizeof REFERENCE / sizeof *REFERENCE; l++) {
        char kind[8];
        int a, b;
        double v;
        if (sscanf(REFERENCE[l], "%7s %d %d %lf", kind, &a, &b, &v) != 4)
            continue;
        if (strcmp(kind, "X") == 0) {
            xref[a * K + b] = v;
            nx++;
        } else if (strcmp(kind, "Y") == 0) {
            yref[a * K + b] = v;
            ny++;
        }
    }
    CHECK_EQ_INT(nx, N_USERS * K);
    CHECK_EQ_INT(ny, N_ITEMS * K);
    CHECK_OK(ck__als_half_step_cg(&t, xref, N_USERS, K, LAMBDA, ALPHA, K, 1, y1, &err));
    double worst_x = 0.0, worst_y = 0.0;
    for (int i = 0; i < N_USERS * K; i++)
        worst_x = fmax(worst_x, fabs(x1[i] - xref[i]) / fmax(1.0, fabs(xref[i])));
    for (int i = 0; i < N_ITEMS * K; i++)
        worst_y = fmax(worst_y, fabs(y1[i] - yref[i]) / fmax(1.0, fabs(yref[i])));
    CHECK_REPORT_(worst_x <= 1e-9, "users: worst difference %.3g", worst_x);
    CHECK_REPORT_(worst_y <= 1e-9, "items: worst difference %.3g", worst_y);
    printf("cg, %d steps: worst difference from numpy's solve %.3g (users), %.3g (items)\n", K,
           worst_x, worst_y);

    /* whole fits, 3 sweeps: CG with k steps against Cholesky */
    ck_als_params p = CK_ALS_PARAMS_INIT;
    p.factors = K;
    p.regularization = LAMBDA;
    p.alpha = ALPHA;
    p.iterations = 3;
    p.cg_steps = K;
    ck_als *cg = NULL, *ch = NULL;
    CHECK(p.solver == CK_ALS_CG);
    CHECK_OK(ck_als_fit(&cg, &d->x, &p, NULL, &err));
    p.solver = CK_ALS_CHOLESKY;
    CHECK_OK(ck_als_fit(&ch, &d->x, &p, NULL, &err));
    if (cg != NULL && ch != NULL) {
        double worst = 0.0;
        for (int i = 0; i < N_USERS * K; i++)
            worst = fmax(worst, fabs(cg->user_factors[i] - ch->user_factors[i]));
        for (int i = 0; i < N_ITEMS * K; i++)
            worst = fmax(worst, fabs(cg->item_factors[i] - ch->item_factors[i]));
        CHECK_REPORT_(worst <= 1e-9, "fit: worst difference %.3g", worst);
    }
    ck_als_free(cg);
    ck_als_free(ch);
    free(t_start);
    free(t_cols);
    free(t_w);
    free(d);
}

/* Rows longer than the gathering scratch (8,192 rows at k = 64), gathered again in chunks
 * for each product: 64 CG steps from zero match the Cholesky half-step to 1e-8 relative
 * to the largest factor (loose for 64 steps of rounding; seen: ~1e-15). */
static void test_als__cg_long_rows(void)
{
    ck_error err = { 0 };
    rand_data r;
    rand_data_build(&r, 30000, 40, 4, 5);
    size_t longest = 0;
    ck_interactions t;
    size_t *t_start;
    uint32_t *t_cols;
    float *t_w;
    CHECK_OK(ck__als_transpose(&r.x, &t, &t_start, &t_cols, &t_w, &err));
    for (size_t i = 0; i < t.n_users; i++)
        if (t_start[i + 1] - t_start[i] > longest)
            longest = t_start[i + 1] - t_start[i];
    CHECK(longest > 8192);
    size_t k = 64;
    double *xf = malloc(30000 * k * sizeof *xf), *ych = malloc(40 * k * sizeof *ych),
           *ycg = calloc(40 * k, sizeof *ycg);
    ck__rng rng;
    ck__rng_seed(&rng, 9, 0);
    for (size_t i = 0; i < 30000 * k; i++)
        xf[i] = 0.2 * (2.0 * ck__rng_uniform(&rng) - 1.0);
    CHECK_OK(ck__als_half_step(&t, xf, 30000, (int)k, 0.1, 2.0, 2, ych, &err));
    CHECK_OK(ck__als_half_step_cg(&t, xf, 30000, (int)k, 0.1, 2.0, (int)k, 2, ycg, &err));
    double worst = 0.0, scale = 0.0;
    for (size_t i = 0; i < 40 * k; i++) {
        worst = fmax(worst, fabs(ych[i] - ycg[i]));
        scale = fmax(scale, fabs(ych[i]));
    }
    CHECK_REPORT_(worst <= 1e-8 * scale, "worst difference %.3g, largest factor %.3g", worst,
                  scale);
    printf("cg long rows (longest %zu): worst difference %.3g, largest factor %.3g\n", longest,
           worst, scale);
    free(xf);
    free(ych);
    free(ycg);
    free(t_start);
    free(t_cols);
    free(t_w);
    rand_data_free(&r);
}

static void test_als__bad_input(void)
{
    ck_error err = { 0 };
    small_data *d = calloc(1, sizeof *d);
    small_data_build(d);
    ck_als_params p = CK_ALS_PARAMS_INIT;
    p.factors = K;
    p.iterations = 2;
    ck_als *m = (ck_als *)d; /* not NULL: the fit must clear it */

    p.factors = 0;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    CHECK(m == NULL);
    CHECK_EQ_STR(err.msg, "als: factors 0 not in 1 to 1024");
    p.factors = K;
    p.regularization = 0.0;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "als: regularization 0 not positive");
    p.regularization = -1.0;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    p.regularization = NAN;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    p.regularization = 0.1;
    p.alpha = -1;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    p.alpha = 1;
    p.iterations = 0;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    p.iterations = 1;
    p.n_threads = 0;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    p.n_threads = 1;
    p.solver = (ck_als_solver)7;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "als: solver 7 not CK_ALS_CHOLESKY (0) or CK_ALS_CG (1)");
    CHECK(m == NULL);
    p.solver = CK_ALS_CG;
    p.cg_steps = 0;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "als: cg_steps 0 below 1");
    p.cg_steps = -3;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "als: cg_steps -3 below 1");
    /* Cholesky does not read cg_steps */
    p.solver = CK_ALS_CHOLESKY;
    CHECK_OK(ck_als_fit(&m, &d->x, &p, NULL, &err));
    ck_als_free(m);
    m = NULL;
    p.solver = CK_ALS_CG;
    p.cg_steps = 3;

    /* empty: no users; users but no interactions */
    size_t zero[3] = { 0, 0, 0 };
    ck_interactions empty = { 0, N_ITEMS, zero, d->items, d->weights };
    CHECK_EQ_INT(ck_als_fit(&m, &empty, &p, NULL, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "als: empty matrix (0 users, 20 items, 0 interactions)");
    empty.n_users = 2;
    CHECK_EQ_INT(ck_als_fit(&m, &empty, &p, NULL, &err), CK_EINVAL);
    CHECK(m == NULL);

    /* an item out of range, a weight not positive */
    ck_interactions bad = d->x;
    bad.n_items = 5;
    CHECK_EQ_INT(ck_als_fit(&m, &bad, &p, NULL, &err), CK_EINVAL);
    CHECK(strstr(err.msg, "out of range") != NULL);
    float w0 = d->weights[0];
    d->weights[0] = 0.0f;
    CHECK_EQ_INT(ck_als_fit(&m, &d->x, &p, NULL, &err), CK_EINVAL);
    d->weights[0] = w0;

    /* fold-in: an item past the last one */
    CHECK_OK(ck_als_fit(&m, &d->x, &p, NULL, &err));
    if (m != NULL) {
        double gram[K * K], user[K];
        uint32_t items[2] = { 3, N_ITEMS };
        float weights[2] = { 1.0f, 1.0f };
        ck_als_gram(m, gram);
        CHECK_EQ_INT(ck_als_fold_in(m, gram, items, weights, 2, user, &err), CK_EINVAL);
        CHECK_EQ_STR(err.msg, "als: item 20 out of range (20 items)");
        items[1] = 3;
        CHECK_EQ_INT(ck_als_fold_in(m, gram, items, weights, 2, user, &err), CK_EINVAL);
        CHECK_EQ_STR(err.msg, "als: items not ascending at item 3");
        /* a customer with no history gets zero factors */
        CHECK_OK(ck_als_fold_in(m, gram, items, weights, 0, user, &err));
        for (int k = 0; k < K; k++)
            CHECK(user[k] == 0.0);
    }
    ck_als_free(m);
    ck_als_free(NULL);
    free(d);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--reference") == 0)
        return compare_reference_file(argv[2]);
    RUN(test_als__half_steps_match_dense_solve);
    RUN(test_als__objective_decreases);
    RUN(test_als__same_bits_for_any_thread_count);
    RUN(test_als__fold_in_is_the_next_half_step);
    RUN(test_als__cg_steps_match_dense_cg);
    RUN(test_als__cg_with_k_steps_is_the_exact_solve);
    RUN(test_als__cg_long_rows);
    RUN(test_als__bad_input);
    return check_summary();
}

/*
 * The statistical behaviour of the A/B read-out on churn-synth campaigns with known true
 * lifts (the truth file): interval coverage over many seeds, and the best arm of each
 * segment found in a large sample. A simulation study (ctest: abtest_synthetic, label
 * slow, about 15 s of CPU in a Release build).
 */
#include "churnkit/abtest.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "churnkit/events.h"
#include "churnkit/synth.h"
#include "support/abtest_fixtures.h"

#define TMP(name) CK_TEST_TMP "/abtest_" name

/* The "campaign" object of a truth file (the customer lines are skipped). */
static cJSON *load_campaign_truth(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    char *line = NULL, *doc = NULL;
    size_t cap = 0, len = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) > 0) {
        if (strncmp(line, "{\"id\":", 6) == 0)
            continue;
        char *bigger = realloc(doc, len + (size_t)n + 1);
        if (bigger == NULL)
            break;
        doc = bigger;
        memcpy(doc + len, line, (size_t)n + 1);
        len += (size_t)n;
    }
    free(line);
    fclose(fp);
    cJSON *root = doc ? cJSON_Parse(doc) : NULL;
    free(doc);
    return root;
}

static double truth_at(const cJSON *o, const char *a, const char *b, const char *c, const char *d)
{
    const char *keys[] = { a, b, c, d };
    for (int i = 0; i < 4 && o != NULL && keys[i] != NULL; i++)
        o = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
    return cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

/* Simulate, read back and analyse one campaign (window 30 days, ending with the data). */
static ck_abtest *synth_campaign(uint64_t seed, size_t n_customers, int days, const char *by,
                                 cJSON **truth)
{
    ck_error err = { 0 };
    ck_synth_params p = CK_SYNTH_PARAMS_INIT;
    p.seed = seed;
    p.n_customers = n_customers;
    p.days = days;
    p.has_campaign = true;
    p.campaign_window_days = 30;
    p.campaign_ts = p.start_ts + (int64_t)(days - 30) * 86400;
    /* names unique to this process: other test runs may share the scratch directory */
    char ev_path[512], a_path[512], t_path[512];
    snprintf(ev_path, sizeof ev_path, TMP("synth_events_%ld.csv"), (long)getpid());
    snprintf(a_path, sizeof a_path, TMP("synth_assign_%ld.csv"), (long)getpid());
    snprintf(t_path, sizeof t_path, TMP("synth_truth_%ld.json"), (long)getpid());
    FILE *ev = fopen(ev_path, "wb"), *as = fopen(a_path, "wb"), *tr = fopen(t_path, "wb");
    CHECK(ev && as && tr);
    int rc = ck_synth_write(&p, ev, NULL, as, tr, NULL, NULL, NULL, &err);
    CHECK_EQ_INT(rc, CK_OK);
    fclose(ev);
    fclose(as);
    fclose(tr);
    ck_events *events = NULL;
    ck_abtest *ab = NULL;
    ck_abtest_read_opts ro = CK_ABTEST_READ_OPTS_INIT;
    ro.by_columns = &by;
    ro.n_by = by != NULL;
    CHECK_OK(ck_events_read_csv(&events, ev_path, NULL, &err));
    CHECK_OK(ck_abtest_read_csv(&ab, a_path, &ro, &err));
    if (events != NULL && ab != NULL) {
        CHECK_OK(ck_abtest_outcomes_from_events(ab, events, 30, &err));
        ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
        o.arm_channel = false;
        CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    }
    ck_events_free(events);
    *truth = load_campaign_truth(t_path);
    CHECK(*truth != NULL);
    return ab;
}

/*
 * Coverage: over 300 seeds, the 95% Newcombe interval of one arm's absolute lift (a
 * different arm each seed, so the 300 trials are independent: the arms of one seed share
 * their control) covers the campaign's true lift, `true_lift.by_arm[arm]` of the truth
 * file: the mean over the assigned customers of (1 − p0)·q, which the difference in
 * means estimates. With independent trials at 95%, the count of covered lies in
 * [271, 296] with probability 0.999 (scipy.stats.binom(300, 0.95).ppf(0.0005) = 271,
 * .isf(0.0005) = 296). Each seed simulates 3,000 customers over 200 days: about 570
 * assigned, 140 per arm. The interval is for a superpopulation of customers while the truth
 * is a mean over this population, which makes it conservative (Neyman), not narrower.
 * Also checked over the same runs, for the 95% Welch interval of revenue per customer
 * against `true_revenue_lift.by_arm[arm]`: revenue is heavy-tailed (log-normal orders) and
 * about 140 customers per arm, so the same bounds are asserted for it as well.
 */
static void test_abtest_synthetic__coverage(void)
{
    enum { SEEDS = 300 };
    static const char *const arms[3] = { "content", "discount", "vip" };
    int covered = 0, rev_covered = 0, runs = 0;
    for (int s = 0; s < SEEDS; s++) {
        cJSON *truth = NULL;
        ck_abtest *ab = synth_campaign(1000 + (uint64_t)s, 3000, 200, NULL, &truth);
        const char *arm = arms[s % 3];
        if (ab != NULL && truth != NULL) {
            const ck_abtest_arm *a = find_arm(ck_abtest_table_at(ab, 0), arm);
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(truth, "campaign");
            double lift = truth_at(c, "true_lift", "by_arm", arm, NULL);
            double rev = truth_at(c, "true_revenue_lift", "by_arm", arm, NULL);
            CHECK(a != NULL && !isnan(lift) && !isnan(rev));
            if (a != NULL) {
                runs++;
                covered += a->abs_lift_ci[0] <= lift && lift <= a->abs_lift_ci[1];
                rev_covered += a->revenue_diff_ci[0] <= rev && rev <= a->revenue_diff_ci[1];
            }
        }
        cJSON_Delete(truth);
        ck_abtest_free(ab);
    }
    printf("coverage of the 95%% lift interval: %d of %d; revenue: %d of %d\n", covered, runs,
           rev_covered, runs);
    CHECK_EQ_INT(runs, SEEDS);
    CHECK(covered >= 271 && covered <= 296);
    CHECK(rev_covered >= 271 && rev_covered <= 296);
}

/*
 * The best arm of each segment, in a large campaign (100,000 customers over 200 days,
 * about 18,800 assigned): churn-synth gives each segment a lever that works best (discount for
 * price_sensitive, vip for high_value, content for low_interaction; regular's arms are
 * within a point of each other by design). Where the true best arm's lift exceeds the
 * runner-up's by more than 4 standard errors of the difference of their estimates
 * (sqrt(p(1 − p)/n) per arm, from the sample), the arm with the largest estimated lift in
 * that segment must be the true best, and significant after Holm's correction; the three
 * designed segments must qualify. A closer race (regular) is only reported.
 */
static void test_abtest_synthetic__best_arm_per_segment(void)
{
    cJSON *truth = NULL;
    ck_abtest *ab = synth_campaign(77, 100000, 200, "segment", &truth);
    const cJSON *c = truth ? cJSON_GetObjectItemCaseSensitive(truth, "campaign") : NULL;
    CHECK(ab != NULL && c != NULL);
    if (ab == NULL || c == NULL)
        goto done;
    int qualified = 0;
    for (size_t i = 1; i < ck_abtest_n_tables(ab); i++) {
        const ck_abtest_table *t = ck_abtest_table_at(ab, i);
        if (t->value == NULL)
            continue;
        const ck_abtest_arm *best_true = NULL, *best_est = NULL;
        double top = -1.0, second = -1.0;
        for (size_t g = 1; g < t->n_arms; g++) {
            const ck_abtest_arm *a = &t->arms[g];
            double lift = truth_at(c, "true_lift", "by_segment", t->value, a->arm);
            if (lift > top) {
                second = top;
                top = lift;
                best_true = a;
            } else if (lift > second) {
                second = lift;
            }
            if (best_est == NULL || a->abs_lift > best_est->abs_lift)
                best_est = a;
        }
        double var = 0.0;
        for (size_t g = 1; g < t->n_arms; g++)
            var = fmax(var, t->arms[g].rate * (1 - t->arms[g].rate) / (double)t->arms[g].n);
        double margin = (top - second) / sqrt(2.0 * var);
        printf("segment %-16s true best %-9s (%.4f vs %.4f, %.1f se), estimated best %s\n",
               t->value, best_true->arm, top, second, margin, best_est->arm);
        if (margin > 4.0) {
            qualified++;
            CHECK_EQ_STR(best_est->arm, best_true->arm);
            CHECK(best_true->significant);
        }
    }
    CHECK(qualified >= 3);
done:
    cJSON_Delete(truth);
    ck_abtest_free(ab);
}

int main(void)
{
    RUN(test_abtest_synthetic__coverage);
    RUN(test_abtest_synthetic__best_arm_per_segment);
    return check_summary();
}

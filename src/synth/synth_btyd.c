/*
 * churn-synth's BTYD mode: a population drawn from a known BG/NBD + Gamma-Gamma process
 * (Fader, Hardie & Lee 2005; see bgnbd.h), written as purchase events, with the latent
 * values of every customer in the truth file, so that a fit can be held against the truth.
 *
 * Per customer, from the customer's own random stream (stream i of the seed), in this
 * order: λ ~ Gamma(r, scale 1/α), p = G1 / (G1 + G2) with G1 ~ Gamma(a), G2 ~ Gamma(b)
 * (a Beta(a, b)), ν ~ Gamma(q, scale 1/γ), the first purchase uniform over the first
 * window, then exponential gaps of mean 1/λ days; after each repeat purchase inside the
 * period a Bernoulli(p) ends the customer's life. Each purchase's amount is drawn right
 * after its time: Gamma(p_spend, scale 1/ν).
 *
 * Customers are drawn in batches; inside a batch each thread draws a contiguous range of
 * customers into its own text buffer, and the buffers are written in customer order, so
 * the bytes do not depend on the thread count.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/rng.h"
#include "base/util.h"
#include "churnkit/synth.h"
#include "churnkit/timestamp.h"

#define DAY   ((int64_t)CK__DAY_SECONDS)
#define BATCH 8192 /* customers drawn before their rows are written */

typedef struct btyd_customer {
    double lambda, dropout, nu;
    size_t purchases;
    bool alive;
    size_t off, len; /* its rows in the text of its range */
    char *text;      /* owned by the first customer of each range; NULL elsewhere */
} btyd_customer;

typedef struct btyd_job {
    const ck_synth_btyd_params *p;
    int64_t end;
    int window_days;
    int id_width;
    size_t first; /* index of the batch's first customer */
    btyd_customer *c;
} btyd_job;

static bool positive(double v)
{
    return v > 0.0 && isfinite(v);
}

int ck_synth_btyd_check_params(const ck_synth_btyd_params *p, ck_error *err)
{
    assert(p != NULL);
    ck_synth_params base = CK_SYNTH_PARAMS_INIT;
    base.n_customers = p->n_customers;
    base.start_ts = p->start_ts;
    base.days = p->days;
    int rc = ck_synth_check_params(&base, err);
    if (rc < 0)
        return rc;
    if (p->first_window_days < 0 || p->first_window_days > p->days)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "first_window_days must be 0 to days (%d), got %d", p->days,
                            p->first_window_days);
    const char *names[] = { "r", "alpha", "a", "b", "p", "q", "gamma" };
    const double values[] = { p->r, p->alpha, p->a, p->b, p->p, p->q, p->gamma };
    for (int i = 0; i < 7; i++)
        if (!positive(values[i]))
            return ck_error_set(err, CK_EINVAL, NULL, 0, "%s must be positive and finite, got %g",
                                names[i], values[i]);
    if (p->n_threads < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "n_threads must be at least 1, got %d",
                            p->n_threads);
    return CK_OK;
}

/* Append one purchase row; false when memory runs out. */
static bool put_row(char **text, size_t *len, size_t *cap, const char *id, int64_t ts,
                    int64_t cents)
{
    char when[32];
    ck_ts_format(ts, when);
    if (!ck__grow((void **)text, cap, *len + 128, 1))
        return false;
    int n = snprintf(*text + *len, 128, "%s,%s,purchase,%lld.%02lld\n", id, when,
                     (long long)(cents / 100), (long long)(cents % 100));
    *len += (size_t)n;
    return true;
}

static int64_t draw_cents(ck__rng *rng, double shape, double nu)
{
    double amount = ck__rng_gamma(rng, shape, 1.0 / nu);
    double cents = floor(amount * 100.0 + 0.5);
    if (!(cents >= 1.0))
        return 1; /* a purchase costs something */
    return cents < 1e15 ? (int64_t)cents : (int64_t)1e15;
}

static int draw_range(size_t lo, size_t hi, void *ctx)
{
    const btyd_job *job = ctx;
    const ck_synth_btyd_params *p = job->p;
    char *text = NULL;
    size_t len = 0, cap = 0;
    const double day_s = (double)DAY;
    for (size_t k = lo; k < hi; k++) {
        btyd_customer *c = &job->c[k];
        size_t i = job->first + k;
        char id[32];
        snprintf(id, sizeof id, "C%0*zu", job->id_width, i + 1);
        ck__rng rng;
        ck__rng_seed(&rng, p->seed, (uint64_t)i);
        c->lambda = ck__rng_gamma(&rng, p->r, 1.0 / p->alpha);
        double g1 = ck__rng_gamma(&rng, p->a, 1.0), g2 = ck__rng_gamma(&rng, p->b, 1.0);
        c->dropout = g1 + g2 > 0.0 ? g1 / (g1 + g2) : 0.0;
        c->nu = ck__rng_gamma(&rng, p->q, 1.0 / p->gamma);
        c->alive = true;
        c->off = len;
        double t = (double)p->start_ts + ck__rng_uniform(&rng) * job->window_days * day_s;
        if (!put_row(&text, &len, &cap, id, (int64_t)t, draw_cents(&rng, p->p, c->nu)))
            goto oom;
        c->purchases = 1;
        while (c->lambda > 0.0) {
            t += ck__rng_exponential(&rng, 1.0 / c->lambda) * day_s;
            if (!(t < (double)job->end))
                break;
            if (!put_row(&text, &len, &cap, id, (int64_t)t, draw_cents(&rng, p->p, c->nu)))
                goto oom;
            c->purchases++;
            if (ck__rng_bernoulli(&rng, c->dropout)) {
                c->alive = false;
                break;
            }
        }
        c->len = len - c->off;
        c->text = NULL;
    }
    job->c[lo].text = text;
    return 0;
oom:
    free(text);
    for (size_t k = lo; k < hi; k++)
        job->c[k].text = NULL;
    return 1;
}

static int check_stream(FILE *fp, const char *what, ck_error *err)
{
    if (fp != NULL && (fflush(fp) != 0 || ferror(fp)))
        return ck_error_set(err, CK_EIO, NULL, 0, "writing %s: %s", what,
                            strerror(errno ? errno : EIO));
    return CK_OK;
}

static void write_truth_head(const ck_synth_btyd_params *p, int window, int64_t end, FILE *fp)
{
    char start[16], last[16];
    ck_ts_format_date(p->start_ts, start);
    ck_ts_format_date(end, last);
    fprintf(fp,
            "{\"seed\":%llu,\"n_customers\":%zu,\"start\":\"%s\",\"days\":%d,\"end\":\"%s\","
            "\"first_window_days\":%d,\"unit\":\"day\",\n"
            "\"bgnbd\":{\"r\":%.17g,\"alpha\":%.17g,\"a\":%.17g,\"b\":%.17g},\n"
            "\"gammagamma\":{\"p\":%.17g,\"q\":%.17g,\"gamma\":%.17g},\n\"customers\":[",
            (unsigned long long)p->seed, p->n_customers, start, p->days, last, window, p->r,
            p->alpha, p->a, p->b, p->p, p->q, p->gamma);
}

int ck_synth_btyd_write(const ck_synth_btyd_params *params, FILE *events, FILE *truth,
                        ck_synth_stats *stats_out, ck_progress_fn progress, void *payload,
                        ck_error *err)
{
    assert(params != NULL && events != NULL);
    if (stats_out != NULL)
        memset(stats_out, 0, sizeof *stats_out);
    int rc = ck_synth_btyd_check_params(params, err);
    if (rc < 0)
        return rc;
    ck_synth_stats stats = { 0, 0, 0 };
    btyd_job job;
    job.p = params;
    job.end = params->start_ts + (int64_t)params->days * DAY;
    job.window_days = params->first_window_days;
    if (job.window_days == 0)
        job.window_days = params->days < 84 ? params->days : 84;
    job.id_width = 7;
    for (size_t n = params->n_customers; n >= 10000000; n /= 10)
        job.id_width++;
    size_t batch = params->n_customers < BATCH ? params->n_customers : BATCH;
    job.c = calloc(batch, sizeof *job.c);
    if (job.c == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");

    fputs("customer_id,ts,event,amount\n", events);
    if (truth != NULL)
        write_truth_head(params, job.window_days, job.end, truth);
    for (job.first = 0; job.first < params->n_customers; job.first += batch) {
        size_t n = params->n_customers - job.first;
        if (n > batch)
            n = batch;
        if (ck__parallel_for(n, 1024, params->n_threads, draw_range, &job) != 0) {
            for (size_t k = 0; k < n; k++)
                free(job.c[k].text);
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
            goto done;
        }
        const char *text = NULL;
        for (size_t k = 0; k < n; k++) {
            const btyd_customer *c = &job.c[k];
            if (c->text != NULL)
                text = c->text;
            fwrite(text + c->off, 1, c->len, events);
            stats.n_events += c->purchases;
            stats.n_buyers += c->purchases > 1;
            if (truth != NULL)
                fprintf(truth,
                        "%s\n{\"id\":\"C%0*zu\",\"lambda\":%.17g,\"dropout\":%.17g,\"nu\":%.17g,"
                        "\"purchases\":%zu,\"alive\":%s}",
                        job.first + k == 0 ? "" : ",", job.id_width, job.first + k + 1, c->lambda,
                        c->dropout, c->nu, c->purchases, c->alive ? "true" : "false");
        }
        for (size_t k = 0; k < n; k++)
            free(job.c[k].text);
        if (ferror(events))
            break; /* reported below */
        if (progress != NULL)
            progress((double)(job.first + n) / (double)params->n_customers, payload);
    }
    if (truth != NULL)
        fputs("\n]\n}\n", truth);
    if ((rc = check_stream(events, "events", err)) < 0 ||
        (rc = check_stream(truth, "truth", err)) < 0)
        goto done;
    if (stats_out != NULL)
        *stats_out = stats;
    rc = CK_OK;
done:
    free(job.c);
    return rc;
}

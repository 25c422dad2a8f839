/**
 * @file bgnbd.h
 * @brief What a customer is worth: the BG/NBD model of repeat purchases with P(alive) and
 *        expected purchases, the Gamma-Gamma model of spend, and lifetime value.
 *
 * BG/NBD (Fader, Hardie & Lee, "Counting Your Customers the Easy Way: An Alternative to
 * the Pareto/NBD Model", Marketing Science 24(2), 2005; "FHL" below). While alive, a
 * customer buys at rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). A customer is summarised by x (repeat purchases: purchase
 * days after the first), t_x (time of the last, from the first; 0 when x = 0) and T (time
 * from the first purchase to the end of calibration). Times are in any unit (days, or
 * weeks as in the paper): the fit works in the unit of the summary, and r is unit-free
 * while α scales with it.
 *
 * Gamma-Gamma (Fader, Hardie & Lee, "RFM and CLV: Using Iso-Value Curves for Customer
 * Base Analysis", Journal of Marketing Research 42(4), 2005, section "Adding monetary
 * value"; Fader & Hardie, "The Gamma-Gamma Model of Monetary Value", 2013 note). The
 * value of each transaction is Gamma(p, ν), ν ~ Gamma(q, γ) across customers, fit on the
 * mean spend m̄ of the repeat purchases of customers with x ≥ 1. It assumes spend and
 * frequency independent: ck_gammagamma_fit() reports their correlation.
 *
 * Every function is reentrant and uses no global state.
 */
#ifndef CHURNKIT_BGNBD_H
#define CHURNKIT_BGNBD_H

#include <stdbool.h>
#include <stddef.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** BG/NBD parameters: purchase rate λ ~ Gamma(r, α), dropout p ~ Beta(a, b). */
typedef struct ck_bgnbd_params {
    double r, alpha, a, b; /**< all > 0 */
    bool no_dropout;       /**< the plain NBD (the fit landed on a → 0 or b → ∞): a and b are
                                ignored, P(alive) is 1 and expected purchases are
                                (r + x) t / (α + T) */
    bool same_dropout;     /**< every customer drops out with the same p = a/(a+b) (the fit
                                landed on a + b → ∞ at a fixed mean: the data shows no
                                spread in dropout); a fit stores a = p, b = 1 − p.
                                P(alive) = 1/(1 + [x > 0] p/(1−p) ((α+T)/(α+t_x))^(r+x)),
                                E[Y(t)] = P(alive) (1 − (1 + p t/(α+T))^−(r+x)) / p
                                (src/learn/bgnbd/bgnbd_same.c) */
} ck_bgnbd_params;

/** The customer summaries a fit reads: one row per customer, borrowed arrays. */
typedef struct ck_bgnbd_data {
    const double *x;          /**< repeat purchases, whole numbers ≥ 0 */
    const double *t_x;        /**< time of the last purchase, 0 ≤ t_x ≤ T; 0 when x = 0 */
    const double *T;          /**< time from the first purchase to the end, ≥ 0 */
    const double *mean_spend; /**< mean spend of the repeat purchases (Gamma-Gamma), or
                                   NULL; read only where x ≥ 1, and must be > 0 there */
    size_t n;                 /**< customers */
} ck_bgnbd_data;

/** Solver settings of both fits (on the logs of the parameters: Newton's method for
 *  BG/NBD, BFGS for the NBD, the same-dropout limit and Gamma-Gamma). */
typedef struct ck_bgnbd_fit_options {
    int max_iter;  /**< per start, ≥ 1 */
    double tol;    /**< stop when every component of the gradient of the mean
                        log-likelihood per customer, in log-parameters, is ≤ tol */
    int n_threads; /**< ≥ 1, for BG/NBD's likelihood sums; the fit is identical for any
                        count (sums by fixed chunks of groups, added in order) */
} ck_bgnbd_fit_options;

#define CK_BGNBD_FIT_OPTIONS_INIT                                                                  \
    {                                                                                              \
        500, 1e-9, 1                                                                               \
    }

/** A BG/NBD fit. */
typedef struct ck_bgnbd_fit {
    ck_bgnbd_params params;            /**< the maximum-likelihood estimate; with
                                            params.no_dropout, r and α are the NBD fit's and a, b
                                            where the BG/NBD search stopped; with
                                            params.same_dropout, the limit's r, α and p (a = p,
                                            b = 1 − p) */
    double se_r, se_alpha, se_a, se_b; /**< standard errors, √diag of the inverse of the
                                            observed information (the negated analytic Hessian
                                            of the log-likelihood; for the same-dropout limit,
                                            central differences of its gradient, se_a that of
                                            p and se_b 0); 0 when !has_se */
    bool has_se;                       /**< false when the information is not positive definite
                                            (always at the boundary, for a and b) */
    double log_likelihood;             /**< FHL eq. 6 summed over customers, at params */
    double nbd_log_likelihood;         /**< the plain NBD's maximum (no dropout), for comparison */
    size_t n_customers, n_groups;      /**< rows, distinct (x, t_x, T) */
    int iterations;                    /**< of the best start */
    bool converged;
    bool at_boundary;  /**< params.no_dropout or params.same_dropout */
    char message[200]; /**< why at_boundary or !converged; "" otherwise */
} ck_bgnbd_fit;

/**
 * Check one customer's summary (the rules of ck_bgnbd_data).
 * @return CK_OK or CK_EINVAL with a message quoting the values (line = @p row + 1)
 */
CK_API int ck_bgnbd_check_customer(double x, double t_x, double T, size_t row, ck_error *err);

/**
 * Fit BG/NBD by maximum likelihood (FHL eq. 6), Newton's method with the analytic Hessian
 * on the logs of the parameters (src/learn/bgnbd/bgnbd.c). Rows are grouped by distinct
 * (x, t_x, T) with hash tables first, so the cost of an iteration is that of the groups.
 * Up to three starting points: the first (r = 1, α = ΣT/Σx, a = b = 1, or on many groups
 * the optimum of a sample of them) alone when it converges to an interior point with a
 * positive definite information; otherwise all three, the best optimum kept. Two
 * boundaries are reported (at_boundary, message): a dropout that vanishes (E[p] =
 * a / (a + b) < 1e-4, or no better than the NBD's likelihood) gives the plain NBD
 * (no_dropout); a + b beyond 10^5 at the optimum, with the limit fitting as well, gives
 * the same dropout for everyone, fit as such (same_dropout).
 * @param[out] out  the fit
 * @param opts      NULL for CK_BGNBD_FIT_OPTIONS_INIT
 * @return CK_OK (also when not converged: see out->converged), CK_EINVAL (a bad summary:
 *         the first bad row, line = row + 1; no customers; no repeat purchase at all),
 *         CK_ENOMEM
 */
CK_API int ck_bgnbd_fit_data(ck_bgnbd_fit *out, const ck_bgnbd_data *data,
                             const ck_bgnbd_fit_options *opts, ck_error *err);

/**
 * The log-likelihood (FHL eq. 6, in log-gamma / log-beta form with the two terms joined
 * by log-sum-exp) and its gradient in (r, α, a, b), summed over the rows of @p data; with
 * params->same_dropout, the limit's (bgnbd_same.c) and its gradient in (r, α, p, −).
 * @param[out] ll_out    may be NULL
 * @param[out] grad_out  4 values ∂/∂r, ∂/∂α, ∂/∂a, ∂/∂b (same_dropout: ∂/∂r, ∂/∂α, ∂/∂p,
 *                       0), or NULL
 * @return CK_OK, CK_EINVAL (bad parameters or summary)
 */
CK_API int ck_bgnbd_log_likelihood(const ck_bgnbd_params *params, const ck_bgnbd_data *data,
                                   double *ll_out, double *grad_out, ck_error *err);

/**
 * P(alive at T | x, t_x, T) = 1 / (1 + [x > 0] a/(b + x − 1) ((α + T)/(α + t_x))^(r + x))
 * (FHL appendix eq. A10; Fader, Hardie & Lee, "Computing P(alive) Using the BG/NBD Model",
 * 2008 note), evaluated as a logistic of its log so that it stays finite for any x and T.
 * @return CK_OK, CK_EINVAL (bad parameters or summary)
 */
CK_API int ck_bgnbd_p_alive(double *out, const ck_bgnbd_params *params, double x, double t_x,
                            double T, ck_error *err);

/**
 * E[Y(t) | x, t_x, T], the expected purchases in (T, T + t] (FHL eq. 10):
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive).
 * The ₂F₁ is taken through Euler's transformation, which cancels the a − 1 and the
 * leading 1 − … analytically, then summed as a series with a bound on its tail.
 * @param t  the horizon, ≥ 0, in the unit of the summary
 * @return CK_OK, CK_EINVAL (bad parameters or summary; a horizon so long against α + T
 *         that the series does not converge in 10^7 terms: t/(α + T) beyond about 10^5)
 */
CK_API int ck_bgnbd_expected_purchases(double *out, const ck_bgnbd_params *params, double x,
                                       double t_x, double T, double t, ck_error *err);

/**
 * E[X(t)], the expected repeat purchases of a new customer in (0, t] (FHL eq. 7), for the
 * cumulative repeat-purchase chart: eq. 10 at x = 0, T = 0.
 * @return CK_OK, CK_EINVAL
 */
CK_API int ck_bgnbd_expected_unconditional(double *out, const ck_bgnbd_params *params, double t,
                                           ck_error *err);

/** Gamma-Gamma parameters: spend per transaction Gamma(p, ν), ν ~ Gamma(q, γ). */
typedef struct ck_gammagamma_params {
    double p, q, gamma; /**< all > 0; q > 1 for a finite mean spend */
} ck_gammagamma_params;

/** A Gamma-Gamma fit. */
typedef struct ck_gammagamma_fit {
    ck_gammagamma_params params;
    double se_p, se_q, se_gamma; /**< as in ck_bgnbd_fit; 0 when !has_se */
    bool has_se;
    double log_likelihood; /**< Fader & Hardie 2013 eq. 3 summed over the repeat buyers */
    size_t n_customers;    /**< repeat buyers (x ≥ 1) the fit used */
    double spend_frequency_correlation; /**< Pearson's r between x and m̄ among them */
    int iterations;
    bool converged;
    char message[200]; /**< why !converged; "" otherwise */
} ck_gammagamma_fit;

/**
 * Fit Gamma-Gamma on the customers of @p data with x ≥ 1 (data->mean_spend required).
 * @param opts  NULL for CK_BGNBD_FIT_OPTIONS_INIT
 * @return CK_OK (see out->converged), CK_EINVAL (no mean_spend, a bad row, fewer than 2
 *         repeat buyers, no variation in their spend), CK_ENOMEM
 */
CK_API int ck_gammagamma_fit_data(ck_gammagamma_fit *out, const ck_bgnbd_data *data,
                                  const ck_bgnbd_fit_options *opts, ck_error *err);

/**
 * The Gamma-Gamma log-likelihood and its gradient in (p, q, γ) over the rows with x ≥ 1.
 * @param[out] grad_out  3 values, or NULL
 * @return CK_OK, CK_EINVAL
 */
CK_API int ck_gammagamma_log_likelihood(const ck_gammagamma_params *params,
                                        const ck_bgnbd_data *data, double *ll_out, double *grad_out,
                                        ck_error *err);

/**
 * E[M | x, m̄] = (p γ + p x m̄) / (p x + q − 1), the conditional expected spend per
 * transaction (Fader & Hardie 2013 eq. 5; x = 0 gives the mean p γ / (q − 1)).
 * @return CK_OK, CK_EINVAL (bad parameters, x, m̄ ≤ 0 with x ≥ 1, p x + q ≤ 1)
 */
CK_API int ck_gammagamma_expected_spend(double *out, const ck_gammagamma_params *params, double x,
                                        double mean_spend, ck_error *err);

/** Lifetime value settings. */
typedef struct ck_clv_options {
    double horizon;         /**< in the unit of the summary, > 0 */
    double units_per_year;  /**< 365.25 for days, 365.25 / 7 for weeks */
    double annual_discount; /**< d ≥ 0, annual */
} ck_clv_options;

#define CK_CLV_OPTIONS_INIT                                                                        \
    {                                                                                              \
        365.0, 365.25, 0.10                                                                        \
    }

/**
 * Discounted expected revenue over the horizon, by month as lifetimes and the BTYD
 * literature do it: with a month of L = units_per_year / 12 and the steps ending at
 * t_m = min(m L, horizon), m = 1, 2, …,
 *     CLV = spend · Σ_m (E[Y(t_m)] − E[Y(t_{m−1})]) / (1 + d)^(t_m / (12 L)),
 * the purchases of each month discounted from its end, at the annual rate d.
 * @param spend  the expected spend per purchase (ck_gammagamma_expected_spend), ≥ 0
 * @return CK_OK, CK_EINVAL
 */
CK_API int ck_bgnbd_clv(double *out, const ck_bgnbd_params *params, double x, double t_x, double T,
                        double spend, const ck_clv_options *opts, ck_error *err);

/** Scores of many customers: each array has data->n slots, or is NULL to skip it. */
typedef struct ck_bgnbd_scores {
    double *p_alive;            /**< P(alive) at T */
    double *expected_purchases; /**< E[Y(horizon)] */
    double *expected_spend;     /**< needs spend and data->mean_spend (m̄ read where x ≥ 1;
                                     m̄ ≤ 0 there, a spend cancelled by refunds, gives the
                                     population's mean p γ / (q − 1), as x = 0 does) */
    double *clv;                /**< needs spend and data->mean_spend */
} ck_bgnbd_scores;

/**
 * Score every customer of @p data on up to @p n_threads threads (the values do not depend
 * on the count).
 * @param spend  the Gamma-Gamma parameters, or NULL when no spend is wanted
 * @return CK_OK, CK_EINVAL (the first bad row: line = row + 1), CK_ENOMEM
 */
CK_API int ck_bgnbd_score(const ck_bgnbd_params *params, const ck_gammagamma_params *spend,
                          const ck_bgnbd_data *data, const ck_clv_options *opts, int n_threads,
                          ck_bgnbd_scores *out, ck_error *err);

/**
 * Build the calibration summary from purchases: each customer's first purchase day, the
 * distinct purchase days after it up to the end (x), the last of them (t_x) and the end
 * (T), in days divided by @p days_per_unit; several purchases on a day are one
 * transaction whose amount is their sum, and m̄ is the mean amount of the repeat days
 * (lifetimes' summary_data_from_transaction_data). Purchases after @p end_day are ignored;
 * a customer with none up to it gets zeros and has_first = false.
 * @param customer  per purchase, the customer's index in [0, n_customers)
 * @param day       per purchase, its day number (any origin)
 * @param amount    per purchase, or NULL (then mean_spend_out gets zeros)
 * @param[out] x_out, t_x_out, T_out, mean_spend_out, has_first_out  n_customers each;
 *             mean_spend_out and has_first_out may be NULL
 * @return CK_OK, CK_EINVAL (a customer index out of range), CK_ENOMEM
 */
CK_API int ck_bgnbd_summarise(const size_t *customer, const long *day, const double *amount,
                              size_t n_purchases, size_t n_customers, long end_day,
                              double days_per_unit, double *x_out, double *t_x_out, double *T_out,
                              double *mean_spend_out, bool *has_first_out, ck_error *err);

/* ---- the model type "bgnbd" (churn-train --model bgnbd) ------------------------------- */

/** The feature names of a value model trained from events (the layout of the BTYD tools:
 *  frequency = x, recency = t_x, T, monetary_value = m̄). A table model keeps its table's
 *  column names in this order. */
#define CK_BGNBD_FREQUENCY "frequency"
#define CK_BGNBD_RECENCY   "recency"
#define CK_BGNBD_AGE       "T"
#define CK_BGNBD_MONETARY  "monetary_value"

/** Training parameters of a value model (ck_model_train() with CK_MODEL_BGNBD): the rows
 *  are customers, features 0, 1, 2 their x, t_x and T in the model's time unit, and an
 *  optional feature 3 their m̄ (a spend model is then fit too). */
typedef struct ck_bgnbd_train_params {
    double days_per_unit;     /**< 1 (time unit "day") or 7 ("week") */
    ck_bgnbd_fit_options fit; /**< both fits' solver settings */
} ck_bgnbd_train_params;

#define CK_BGNBD_TRAIN_PARAMS_INIT                                                                 \
    {                                                                                              \
        1.0, CK_BGNBD_FIT_OPTIONS_INIT                                                             \
    }

/** |Pearson's r| between x and m̄ above which the spend model's independence assumption is
 *  reported as doubtful. */
#define CK_GAMMAGAMMA_MAX_CORRELATION 0.3

/** A value model's body: what ck_model_bgnbd() returns. */
typedef struct ck_bgnbd_model {
    double days_per_unit;     /**< the time unit of the summaries, in days (1 or 7) */
    ck_bgnbd_fit purchases;   /**< BG/NBD */
    bool has_spend;           /**< a Gamma-Gamma fit (the data had spend) */
    ck_gammagamma_fit spend;  /**< when has_spend */
    char spend_note[300];     /**< why there is no spend model, or why it is doubtful
                                   (spend correlated with frequency); "" otherwise */
    /** the data summary */
    size_t n_customers, n_repeat_buyers;
    size_t n_spend_excluded; /**< repeat buyers without a positive mean spend, left out of
                                  the spend fit */
    double mean_frequency, mean_recency, mean_age, max_age; /**< x, t_x, T */
    double mean_spend; /**< mean m̄ of the repeat buyers in the spend fit; NaN without */
} ck_bgnbd_model;

/** The name of a time unit of @p days_per_unit days ("day", "week"), NULL for others. */
CK_API const char *ck_bgnbd_time_unit_name(double days_per_unit);

#ifdef __cplusplus
}
#endif

#endif

/**
 * @file abtest.h
 * @brief The read-out of A/B tests of recall (win-back) strategies: which arm (offer,
 *        channel) brought customers back, by how much, and how sure we can be.
 *
 * An experiment is a table of assignments (customer_id, arm, assigned_at, any other
 * columns) with an outcome per customer: converted (0/1) and revenue, either measured
 * from the behaviour history — converted when the customer made a purchase in
 * [assigned_at, assigned_at + window), revenue the purchases minus refunds in that window
 * — or taken from columns of the assignments. Every arm is compared with the control arm:
 * conversion rate with Wilson's interval, absolute lift with Newcombe's interval, relative
 * lift with a delta-method interval, a pooled z test (Fisher's exact test when an expected
 * count is below 5), Holm or Benjamini–Hochberg adjusted p-values across the arms, revenue
 * per customer with Welch's t test (and CUPED on the spend before assignment), incremental
 * recalls and revenue, costs and ROI, and a sample-ratio-mismatch test of the arm sizes.
 * The same table is computed for each value of chosen columns (segments), and for each
 * treated arm × channel cell against the whole control arm.
 *
 * Use: ck_abtest_read_csv(), then ck_abtest_outcomes_from_events() and
 * ck_abtest_segments_from_events() when there is a behaviour history, ck_abtest_analyze(),
 * then the tables (ck_abtest_table_at()) or the writers (text, JSON, HTML).
 */
#ifndef CHURNKIT_ABTEST_H
#define CHURNKIT_ABTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_config ck_config;
typedef struct ck_events ck_events;

/** An experiment: its assignments, outcomes and read-out. Free with ck_abtest_free(). */
typedef struct ck_abtest ck_abtest;

/** The segment columns computed from the behaviour history when the file lacks them. */
#define CK_ABTEST_LIFECYCLE_COLUMN "lifecycle_stage"
#define CK_ABTEST_RFM_COLUMN       "rfm_segment"

/** How to read an assignments file. */
typedef struct ck_abtest_read_opts {
    char delimiter;
    const char *id_column;          /**< "customer_id" */
    const char *arm_column;         /**< "arm" */
    const char *assigned_at_column; /**< "assigned_at"; required unless outcomes are columns */
    const char *converted_column;   /**< outcome column (1/0, true/false, yes/no), or NULL to
                                         measure outcomes from events */
    const char *revenue_column;     /**< revenue column (with converted_column), or NULL */
    const char *pre_revenue_column; /**< the CUPED covariate column, or NULL (from events) */
    const char *const *by_columns;  /**< segment columns; lifecycle_stage and rfm_segment may
                                         be absent (then built from events) */
    size_t n_by;
    const char *channel_column; /**< kept for the arm × channel table when present, or NULL */
} ck_abtest_read_opts;

#define CK_ABTEST_READ_OPTS_INIT                                                                   \
    {                                                                                              \
        ',', "customer_id", "arm", "assigned_at", NULL, NULL, NULL, NULL, 0, "channel"             \
    }

/**
 * Read an assignments CSV (plain or gzip). Cells are trimmed; an empty customer_id or arm,
 * a customer assigned twice, a bad assigned_at (any timestamp form of DESIGN.md) or a bad
 * outcome stop the read with the file and line. An empty revenue cell counts as 0 (with a
 * warning). A --by column that is neither in the header nor computable is an error.
 *
 * @param[out] out  the experiment, or NULL on failure; free with ck_abtest_free()
 * @return CK_OK, CK_EPARSE (bad header or row), CK_EINVAL (unknown column), CK_EIO, CK_ENOMEM
 */
CK_API int ck_abtest_read_csv(ck_abtest **out, const char *path, const ck_abtest_read_opts *opts,
                              ck_error *err);

/** Free an experiment; accepts NULL. */
CK_API void ck_abtest_free(ck_abtest *ab);

/** Rows read and distinct arms. */
CK_API size_t ck_abtest_n_rows(const ck_abtest *ab);
CK_API size_t ck_abtest_n_arms(const ck_abtest *ab);

/** Row @p i (in file order): its customer id and arm (borrowed), its assignment time (0
 *  without an assigned_at column), whether it converted (-1 before outcomes are known:
 *  neither a column nor ck_abtest_outcomes_from_events() gave them), and its file line. */
CK_API const char *ck_abtest_row_id(const ck_abtest *ab, size_t i);
CK_API const char *ck_abtest_row_arm(const ck_abtest *ab, size_t i);
CK_API int64_t ck_abtest_row_assigned_at(const ck_abtest *ab, size_t i);
CK_API int ck_abtest_row_converted(const ck_abtest *ab, size_t i);
CK_API long ck_abtest_row_line(const ck_abtest *ab, size_t i);
/** The assignments file's path, as given (borrowed). */
CK_API const char *ck_abtest_path(const ck_abtest *ab);

/**
 * Measure what the columns did not give, from a behaviour history, for each assignment at
 * time a and window w = @p window_days: converted = a purchase in [a, a + w); revenue =
 * purchases minus refunds in [a, a + w); the pre-period spend (the CUPED covariate) =
 * purchases minus refunds in [a − w, a). A customer absent from the history has none.
 *
 * An assignment at or after the end of the history (the end of the last day with an event)
 * is an error naming its line; windows that run past that end are counted in a warning.
 * @return CK_OK, CK_EINVAL (no assigned_at column, assignment after the data), CK_ENOMEM
 */
CK_API int ck_abtest_outcomes_from_events(ck_abtest *ab, const ck_events *ev, int window_days,
                                          ck_error *err);

/**
 * Fill the segment columns lifecycle_stage and rfm_segment that the file did not have,
 * from the history as of the start of the UTC day of each assigned_at (ck_features_build()
 * with every customer; a customer with no event before that day gets a missing value).
 * @param cfg  the churn definition and RFM settings; NULL for defaults
 * @return CK_OK, CK_EINVAL (no assigned_at column), CK_ENOMEM
 */
CK_API int ck_abtest_segments_from_events(ck_abtest *ab, const ck_events *ev, const ck_config *cfg,
                                          int n_threads, ck_error *err);

/** What to compute. */
typedef struct ck_abtest_opts {
    const char *control;        /**< the control arm's name ("control") */
    double alpha;               /**< significance level of the tests (0.05) */
    double confidence;          /**< interval level (0.95); above 0.5 for one-sided tests */
    ck_alternative alternative; /**< two-sided, or one-sided on request */
    ck_correction correction;   /**< across the arms of each table (Holm) */
    /** Expected split for the sample-ratio test: weights by arm name; or, with NULL names,
     *  @p n_split weights in table order (control, then the other arms sorted by name);
     *  n_split 0 for an equal split. */
    const char *const *split_arms;
    const double *split_weights;
    size_t n_split;
    double srm_threshold; /**< a mismatch below this p-value (0.001) */
    bool cuped;           /**< also report CUPED-adjusted revenue differences */
    bool arm_channel;     /**< the arm × channel table when the channel column is present */
    /** Costs: per contacted (non-control) customer, by channel value when named (else
     *  contact_cost), and per converted customer of a treated arm, by arm when named (else
     *  offer_cost). has_costs turns on cost, cost per incremental conversion and ROI. */
    bool has_costs;
    double contact_cost;
    const char *const *contact_cost_channels;
    const double *contact_cost_values;
    size_t n_contact_costs;
    double offer_cost;
    const char *const *offer_cost_arms;
    const double *offer_cost_values;
    size_t n_offer_costs;
} ck_abtest_opts;

#define CK_ABTEST_OPTS_INIT                                                                        \
    {                                                                                              \
        "control", 0.05, 0.95, CK_ALT_TWO_SIDED, CK_CORRECT_HOLM, NULL, NULL, 0, 0.001, false,     \
            true, false, 0.0, NULL, NULL, 0, 0.0, NULL, NULL, 0                                    \
    }

/** The test used for an arm's conversion p-value. */
typedef enum ck_abtest_test {
    CK_ABTEST_NO_TEST, /**< the control row, or an arm without rows */
    CK_ABTEST_Z,       /**< pooled two-proportion z test */
    CK_ABTEST_FISHER   /**< Fisher's exact test (an expected count below 5) */
} ck_abtest_test;

/** One row of a read-out. Quantities that do not apply (lifts on the control row, revenue
 *  without a revenue outcome, costs without costs) or are undefined are NaN. */
typedef struct ck_abtest_arm {
    const char *arm;     /**< the arm's name (borrowed) */
    const char *channel; /**< in the arm × channel table, the channel; else NULL */
    bool is_control;
    size_t n, conversions;
    double rate, rate_ci[2]; /**< Wilson, two-sided */
    double abs_lift, abs_lift_ci[2];
    double rel_lift, rel_lift_ci[2];
    ck_abtest_test test;
    double z; /**< the z statistic (NaN under Fisher) */
    double p_value, p_adjusted;
    bool significant; /**< p_adjusted < alpha */
    double revenue_total, revenue_per_user;
    double revenue_diff, revenue_diff_ci[2], revenue_df, revenue_p_value, revenue_p_adjusted;
    double cuped_revenue_diff, cuped_revenue_diff_ci[2], cuped_revenue_p_value;
    double incremental_conversions; /**< abs_lift × n */
    double incremental_revenue;     /**< revenue_diff × n */
    double cost, cost_per_incremental_conversion, roi;
} ck_abtest_arm;

/** What a table covers. */
typedef enum ck_abtest_table_kind {
    CK_ABTEST_OVERALL,    /**< every assignment */
    CK_ABTEST_SEGMENT,    /**< the assignments with one value of a column */
    CK_ABTEST_ARM_CHANNEL /**< each treated arm × channel cell against the whole control arm */
} ck_abtest_table_kind;

/** One read-out table; pointers borrowed from the experiment. */
typedef struct ck_abtest_table {
    ck_abtest_table_kind kind;
    const char *column; /**< the segment or channel column; NULL overall */
    const char *value;  /**< the segment's value; NULL for a missing value and otherwise */
    size_t n;           /**< assignments in the table */
    size_t n_arms;
    const ck_abtest_arm *arms; /**< control first, then by name */
    bool has_control;          /**< the control arm has rows here */
    bool has_srm;              /**< the sample-ratio test was computed */
    double srm_chi2, srm_df, srm_p_value;
    bool srm_mismatch;                            /**< srm_p_value < the threshold */
    double cuped_theta, cuped_variance_reduction; /**< NaN without CUPED */
} ck_abtest_table;

/**
 * Compute every table. May be called again with other options.
 * @return CK_OK; CK_EINVAL (no outcomes yet, control arm missing, a single arm, an expected
 *         split that does not match the arms, bad levels); CK_ENOMEM
 */
CK_API int ck_abtest_analyze(ck_abtest *ab, const ck_abtest_opts *opts, ck_error *err);

/** Tables after ck_abtest_analyze(): the overall table first, then the segments of each
 *  column in the order asked (values sorted, missing last), then the arm × channel table.
 *  Borrowed, valid until the next analysis or ck_abtest_free(). */
CK_API size_t ck_abtest_n_tables(const ck_abtest *ab);
CK_API const ck_abtest_table *ck_abtest_table_at(const ck_abtest *ab, size_t i);

/** Warnings raised while reading, measuring and analysing (borrowed, one line each). */
CK_API size_t ck_abtest_n_warnings(const ck_abtest *ab);
CK_API const char *ck_abtest_warning(const ck_abtest *ab, size_t i);

/** The readable read-out (every table) as text. @return CK_OK or CK_EIO */
CK_API int ck_abtest_write_text(const ck_abtest *ab, FILE *out, ck_error *err);

/**
 * The read-out as JSON with the key names of DESIGN.md (`control`, `alpha`, `arms`, `srm`,
 * `segments`) and more (`confidence`, `alternative`, `correction`, `cuped`,
 * `arm_channel`, `warnings`); NaN and infinite bounds are null. @return CK_OK or CK_EIO
 */
CK_API int ck_abtest_write_json(const ck_abtest *ab, FILE *out, ck_error *err);

/** A self-contained HTML report with inline SVG charts (no script). @return CK_OK or CK_EIO */
CK_API int ck_abtest_write_html(const ck_abtest *ab, FILE *out, ck_error *err);

/** Planning a test (churn-ab --plan): what is asked. */
typedef struct ck_abtest_plan_opts {
    double baseline;     /**< the control conversion rate, 0 < p < 1 */
    double mde;          /**< the absolute effect to detect; NaN: solve for it from n_per_arm */
    double n_per_arm;    /**< customers per arm, when mde is NaN */
    double alpha, power; /**< alpha is split evenly over the arms − 1 comparisons (Bonferroni) */
    long arms;           /**< arms including control, ≥ 2 */
    ck_alternative alternative;
} ck_abtest_plan_opts;

/** A planned test: the sample size for an effect, or the effect a sample size detects. */
typedef struct ck_abtest_plan {
    bool solved_for_mde;     /**< n was given, the effect found */
    double baseline, target; /**< the control rate and the rate to detect */
    double alpha, alpha_per_comparison, power;
    long arms;
    ck_alternative alternative;
    double n_per_arm, n_total; /**< whole customers */
} ck_abtest_plan;

/**
 * Plan a test by ck_stats_two_prop_n() (or its inverse ck_stats_two_prop_mde()) at
 * alpha / (arms − 1). A decrease is planned as the increase from 1 − p (the formula is
 * symmetric under p → 1 − p).
 * @return CK_OK, CK_EINVAL (n customers per arm cannot detect any change)
 */
CK_API int ck_abtest_plan_make(ck_abtest_plan *out, const ck_abtest_plan_opts *opts, ck_error *err);

/** The plan in words, three lines. @return CK_OK or CK_EIO */
CK_API int ck_abtest_plan_write_text(const ck_abtest_plan *plan, FILE *out, ck_error *err);

/** The plan as one JSON object (`plan`, `baseline`, `target`, `mde`, `mde_relative`,
 *  `alpha`, `alpha_per_comparison`, `power`, `arms`, `alternative`, `n_per_arm`,
 *  `n_total`), numbers in the shortest form that reads back exactly. @return CK_OK or
 *  CK_EIO */
CK_API int ck_abtest_plan_write_json(const ck_abtest_plan *plan, FILE *out, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif

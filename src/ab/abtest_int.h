/*
 * What the read-out writers (abtest_text.c, abtest_json.c, abtest_html.c) need from an
 * analysed experiment beyond the public tables: where the data came from and the settings
 * of the last analysis; and the words and number formats they share (abtest_format.c).
 */
#ifndef CK_ABTEST_INT_H
#define CK_ABTEST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "churnkit/abtest.h"

typedef struct ck__abtest_meta {
    const char *path;           /* the assignments file */
    int window_days;            /* 0 when the outcomes are columns */
    bool outcomes_from_columns; /* converted (and revenue) from columns */
    const char *converted_column, *revenue_column;
    bool has_revenue;
    bool cuped; /* CUPED results are in the tables */
    const char *control;
    double alpha, confidence, srm_threshold;
    ck_alternative alternative;
    ck_correction correction;
    bool has_costs;
    size_t n_arms;
    const double *split; /* expected share of each arm, in table order, summing to 1 */
} ck__abtest_meta;

/* The settings of the last ck_abtest_analyze() (borrowed). */
void ck__abtest_meta_get(const ck_abtest *ab, ck__abtest_meta *out);

/* CK_EIO when writing to @p fp failed. */
int ck__abtest_check_stream(FILE *fp, ck_error *err);

/* Names for machines ("greater", "holm", "z") and labels for readers ("one-sided (arm >
 * control)", "Holm"); test_name is NULL for no test. */
const char *ck__abtest_alternative_name(ck_alternative a);
const char *ck__abtest_alternative_label(ck_alternative a);
const char *ck__abtest_correction_name(ck_correction c);
const char *ck__abtest_correction_label(ck_correction c);
const char *ck__abtest_test_name(ck_abtest_test t);

/* A row's label: the arm, or "arm/channel" in the arm × channel table. */
void ck__abtest_arm_label(char *buf, size_t size, const ck_abtest_table *t, const ck_abtest_arm *a);

/* "all customers", "column = value" or the arm × channel title. */
void ck__abtest_table_title(char *buf, size_t size, const ck_abtest_table *t);

/* A number by @p fmt ("n/a" for NaN, "inf"/"-inf"); an interval "[lo, hi]" of the bounds
 * times @p mult; a p-value to 4 decimals ("<0.0001" below). */
void ck__abtest_num(char *buf, size_t size, const char *fmt, double v);
void ck__abtest_interval(char *buf, size_t size, const char *fmt, const double ci[2], double mult);
void ck__abtest_pvalue(char *buf, size_t size, double p);

#endif

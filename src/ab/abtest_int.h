/*
 * What the read-out writers (abtest_report.c) need from an analysed experiment beyond
 * the public tables: where the data came from and the settings of the last analysis.
 */
#ifndef CK_ABTEST_INT_H
#define CK_ABTEST_INT_H

#include <stdbool.h>
#include <stddef.h>

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

#endif

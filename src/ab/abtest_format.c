/*
 * What the three read-out writers share (see abtest_int.h): the names of the settings,
 * the labels of rows and tables, and how a number, an interval and a p-value are shown
 * to a reader (text and HTML); JSON has its own number format (abtest_json.c).
 */
#include <math.h>
#include <stdio.h>

#include "ab/abtest_int.h"
#include "churnkit/abtest.h"

int ck__abtest_check_stream(FILE *fp, ck_error *err)
{
    if (ferror(fp))
        return ck_error_set(err, CK_EIO, NULL, 0, "write error");
    return CK_OK;
}

const char *ck__abtest_alternative_name(ck_alternative a)
{
    return a == CK_ALT_GREATER ? "greater" : a == CK_ALT_LESS ? "less" : "two-sided";
}

const char *ck__abtest_alternative_label(ck_alternative a)
{
    return a == CK_ALT_GREATER ? "one-sided (arm > control)"
           : a == CK_ALT_LESS  ? "one-sided (arm < control)"
                               : "two-sided";
}

const char *ck__abtest_correction_name(ck_correction c)
{
    return c == CK_CORRECT_HOLM ? "holm" : c == CK_CORRECT_BH ? "bh" : "none";
}

const char *ck__abtest_correction_label(ck_correction c)
{
    return c == CK_CORRECT_HOLM ? "Holm" : c == CK_CORRECT_BH ? "Benjamini-Hochberg" : "no";
}

const char *ck__abtest_test_name(ck_abtest_test t)
{
    return t == CK_ABTEST_Z ? "z" : t == CK_ABTEST_FISHER ? "fisher" : NULL;
}

/* A row's label: the arm, or "arm/channel" in the arm × channel table. */
void ck__abtest_arm_label(char *buf, size_t size, const ck_abtest_table *t, const ck_abtest_arm *a)
{
    if (t->kind != CK_ABTEST_ARM_CHANNEL)
        snprintf(buf, size, "%s", a->arm);
    else if (a->is_control)
        snprintf(buf, size, "%s (all)", a->arm);
    else
        snprintf(buf, size, "%s/%s", a->arm, a->channel ? a->channel : "(missing)");
}

void ck__abtest_table_title(char *buf, size_t size, const ck_abtest_table *t)
{
    if (t->kind == CK_ABTEST_OVERALL)
        snprintf(buf, size, "all customers");
    else if (t->kind == CK_ABTEST_SEGMENT)
        snprintf(buf, size, "%s = %s", t->column, t->value ? t->value : "(missing)");
    else
        snprintf(buf, size, "arm \xc3\x97 %s (each cell against the whole control arm)", t->column);
}

void ck__abtest_num(char *buf, size_t size, const char *fmt, double v)
{
    if (isnan(v))
        snprintf(buf, size, "n/a");
    else if (isinf(v))
        snprintf(buf, size, "%s", v > 0 ? "inf" : "-inf");
    else
        snprintf(buf, size, fmt, v + 0.0);
}

void ck__abtest_interval(char *buf, size_t size, const char *fmt, const double ci[2], double mult)
{
    char lo[40], hi[40];
    if (isnan(ci[0]) || isnan(ci[1])) {
        snprintf(buf, size, "n/a");
        return;
    }
    ck__abtest_num(lo, sizeof lo, fmt, ci[0] * mult);
    ck__abtest_num(hi, sizeof hi, fmt, ci[1] * mult);
    snprintf(buf, size, "[%s, %s]", lo, hi);
}

void ck__abtest_pvalue(char *buf, size_t size, double p)
{
    if (isnan(p))
        snprintf(buf, size, "n/a");
    else if (p < 0.0001)
        snprintf(buf, size, "<0.0001");
    else
        snprintf(buf, size, "%.4f", p);
}

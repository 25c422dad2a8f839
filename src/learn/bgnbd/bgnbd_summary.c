/*
 * The calibration summary of each customer from purchase days, as lifetimes'
 * summary_data_from_transaction_data builds it: purchases on one day are one transaction
 * (their amounts summed); x counts the distinct days after the first up to the end, t_x is
 * the last of them and T the end, both from the first day, in days / days_per_unit; m̄ is
 * the mean amount of the repeat days.
 *
 * Layout: the purchases are bucketed by customer (a counting sort), and each customer's
 * days are sorted in place, so the cost is O(n log k) for k purchases a customer.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "learn/bgnbd/bgnbd_int.h"

typedef struct day_amount {
    long day;
    double amount;
} day_amount;

static int compare_day(const void *pa, const void *pb)
{
    long a = ((const day_amount *)pa)->day, b = ((const day_amount *)pb)->day;
    return (a > b) - (a < b);
}

int ck_bgnbd_summarise(const size_t *customer, const long *day, const double *amount,
                       size_t n_purchases, size_t n_customers, long end_day, double days_per_unit,
                       double *x_out, double *t_x_out, double *T_out, double *mean_spend_out,
                       bool *has_first_out, ck_error *err)
{
    if (!(days_per_unit > 0.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "days per unit must be > 0, got %g",
                            days_per_unit);
    for (size_t i = 0; i < n_purchases; i++)
        if (customer[i] >= n_customers)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "purchase %zu: customer index %zu out of range (%zu customers)", i,
                                customer[i], n_customers);
    size_t *start = ck__alloc_array(n_customers + 1, sizeof *start);
    day_amount *bucket = ck__alloc_array(n_purchases, sizeof *bucket);
    if (start == NULL || bucket == NULL) {
        free(start);
        free(bucket);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    memset(start, 0, (n_customers + 1) * sizeof *start);
    for (size_t i = 0; i < n_purchases; i++)
        start[customer[i] + 1]++;
    for (size_t c = 0; c < n_customers; c++)
        start[c + 1] += start[c];
    for (size_t i = 0; i < n_purchases; i++) { /* start[c] advances to the end of c */
        day_amount v = { day[i], amount ? amount[i] : 0.0 };
        bucket[start[customer[i]]++] = v;
    }
    size_t lo = 0;
    for (size_t c = 0; c < n_customers; c++) {
        size_t hi = start[c];
        qsort(bucket + lo, hi - lo, sizeof *bucket, compare_day);
        double x = 0.0, spend = 0.0;
        long first = 0, last = 0;
        bool seen = false;
        for (size_t i = lo; i < hi && bucket[i].day <= end_day; i++) {
            if (!seen) {
                seen = true;
                first = last = bucket[i].day;
            } else if (bucket[i].day != last) {
                x += 1.0;
                last = bucket[i].day;
            }
            if (last != first)
                spend += bucket[i].amount;
        }
        x_out[c] = x;
        t_x_out[c] = seen ? (double)(last - first) / days_per_unit : 0.0;
        T_out[c] = seen ? (double)(end_day - first) / days_per_unit : 0.0;
        if (mean_spend_out)
            mean_spend_out[c] = x > 0.0 ? spend / x : 0.0;
        if (has_first_out)
            has_first_out[c] = seen;
        lo = hi;
    }
    free(start);
    free(bucket);
    return CK_OK;
}

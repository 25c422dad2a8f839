/*
 * Fuzz harness for the event reader (ck_events_read_csv): the input is an event file, read
 * strictly and then with skip_bad_rows. Invariants: a failed read leaves no store and says
 * why; a store's customers partition its events, each customer's events are sorted by
 * time with valid types and levels, its ids are found again by ck_events_find_customer,
 * and its profile counts the same events; a file the strict read accepts is read the same
 * with skip_bad_rows, rejecting nothing.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "churnkit/events.h"
#include "fuzz_support.h"

/* Rows skipped under skip_bad_rows, each with a message. */
static void count_reject(const char *raw, size_t raw_len, const ck_error *why, void *payload)
{
    (void)raw;
    (void)raw_len;
    FUZZ_CHECK(why != NULL && why->msg[0] != '\0');
    ++*(size_t *)payload;
}

/* Walk a store and check what events.h promises of it; returns its event count. */
static size_t check_store(const ck_events *ev)
{
    size_t n_customers = ck_events_n_customers(ev), total = 0;
    size_t n_channels = ck_events_n_channels(ev), n_categories = ck_events_n_categories(ev);
    for (size_t c = 0; c < n_customers; c++) {
        const char *id = ck_events_customer_id(ev, c);
        FUZZ_CHECK(id != NULL && id[0] != '\0');
        FUZZ_CHECK(ck_events_find_customer(ev, id) == (long)c);
        ck_event_span span = ck_events_customer(ev, c);
        FUZZ_CHECK(span.n >= 1);
        for (size_t i = 0; i < span.n; i++) {
            FUZZ_CHECK(i == 0 || span.ts[i - 1] <= span.ts[i]);
            FUZZ_CHECK(span.type[i] < CK_EV_COUNT);
            FUZZ_CHECK(isfinite(span.amount[i]));
            FUZZ_CHECK(span.channel[i] == CK_NO_LEVEL || span.channel[i] < n_channels);
            FUZZ_CHECK(span.category[i] == CK_NO_LEVEL || span.category[i] < n_categories);
            FUZZ_CHECK(span.ts[i] >= ck_events_min_ts(ev) && span.ts[i] <= ck_events_max_ts(ev));
        }
        /* the prefix before the last event's time holds no event at or after it */
        ck_event_span before = ck_event_span_before(span, span.ts[span.n - 1]);
        FUZZ_CHECK(before.n < span.n);
        FUZZ_CHECK(before.n == 0 || before.ts[before.n - 1] < span.ts[span.n - 1]);
        total += span.n;
    }
    FUZZ_CHECK(total == ck_events_n_events(ev));
    for (size_t k = 0; k < n_channels; k++)
        FUZZ_CHECK(ck_events_channel_name(ev, (uint16_t)k) != NULL);
    for (size_t k = 0; k < n_categories; k++)
        FUZZ_CHECK(ck_events_category_name(ev, (uint16_t)k) != NULL);

    ck_event_profile p;
    ck_events_profile(ev, &p);
    FUZZ_CHECK(p.n_events == total && p.n_customers == n_customers);
    size_t counted = 0;
    for (int t = 0; t < CK_EV_COUNT; t++)
        counted += p.event_counts[t];
    FUZZ_CHECK(counted == total);
    return total;
}

/* Read with or without skip_bad_rows; the store (or NULL) in *out. */
static int read_events(ck_events **out, const char *path, bool skip, size_t *rejected,
                       ck_error *err)
{
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    opts.skip_bad_rows = skip;
    opts.on_reject = count_reject;
    opts.reject_payload = rejected;
    int rc = ck_events_read_csv(out, path, &opts, err);
    if (rc < 0) {
        FUZZ_CHECK(*out == NULL);
        FUZZ_CHECK(err->msg[0] != '\0');
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(data, size, ".csv");
    if (!path)
        return 0;
    ck_events *strict = NULL, *lenient = NULL;
    size_t strict_rejects = 0, lenient_rejects = 0;
    ck_error strict_err = { 0 }, lenient_err = { 0 };
    read_events(&strict, path, false, &strict_rejects, &strict_err);
    int lenient_rc = read_events(&lenient, path, true, &lenient_rejects, &lenient_err);
    FUZZ_CHECK(strict_rejects == 0);
    if (strict) {
        size_t n = check_store(strict);
        FUZZ_CHECK(ck_events_n_rejected(strict) == 0);
        /* nothing to skip: the same store */
        FUZZ_CHECK_OK(lenient_rc == 0 && lenient != NULL, lenient_err);
        FUZZ_CHECK(ck_events_n_events(lenient) == n);
        FUZZ_CHECK(ck_events_n_customers(lenient) == ck_events_n_customers(strict));
        FUZZ_CHECK(lenient_rejects == 0);
    }
    if (lenient) {
        check_store(lenient);
        FUZZ_CHECK(ck_events_n_rejected(lenient) == lenient_rejects);
    }
    ck_events_free(strict);
    ck_events_free(lenient);
    return 0;
}

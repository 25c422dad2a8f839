/**
 * @file events.h
 * @brief The event store: a behaviour history read from CSV, held per customer and
 *        sorted by time, in columns.
 *
 * Customers are numbered 0..n−1 in order of first appearance in the file. Customer c's
 * events are the index range [offset(c), offset(c+1)) of every column, sorted by time;
 * events at the same second keep their file order.
 */
#ifndef CHURNKIT_EVENTS_H
#define CHURNKIT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/event_types.h"
#include "churnkit/export.h"
#include "churnkit/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_config ck_config;

/** "No channel" / "no category": the value stored when the cell is empty. */
#define CK_NO_LEVEL UINT16_MAX

/** "No item": the value stored when the item cell is empty. */
#define CK_NO_ITEM UINT32_MAX

/** An opaque event store. Free with ck_events_free(). */
typedef struct ck_events ck_events;

/**
 * Called for each bad row skipped under `skip_bad_rows`: @p raw is the record exactly as
 * in the file (without its line end) and @p why says what is wrong with it.
 */
typedef void (*ck_reject_fn)(const char *raw, size_t raw_len, const ck_error *why, void *payload);

/** How to read an event file. */
typedef struct ck_events_read_opts {
    const ck_config *config; /**< column names, aliases, delimiter; NULL for defaults */
    bool skip_bad_rows;      /**< skip bad rows instead of failing */
    ck_reject_fn on_reject;  /**< called for each skipped row (may be NULL) */
    void *reject_payload;
    ck_progress_fn progress; /**< may be NULL */
    void *progress_payload;
    int n_threads; /**< threads for large plain files; the store is the same for any */
} ck_events_read_opts;

#define CK_EVENTS_READ_OPTS_INIT                                                                   \
    {                                                                                              \
        NULL, false, NULL, NULL, NULL, NULL, 1                                                     \
    }

/**
 * Read an event CSV (plain or gzip) into a store.
 *
 * Columns are found by name (after the config's `columns` renames): customer_id, ts and
 * event are required; amount, channel, category and item are optional. Each row must have the
 * header's number of fields, a non-empty customer_id, a valid timestamp, a known event
 * (after `event_aliases`) and an amount that is empty or a finite number. A bad row
 * fails the read with its file and line, unless `skip_bad_rows`.
 *
 * @param[out] out  the store, or NULL on failure; free with ck_events_free()
 * @return CK_OK, CK_EPARSE (bad header or row), CK_EIO, CK_ENOMEM
 */
CK_API int ck_events_read_csv(ck_events **out, const char *path, const ck_events_read_opts *opts,
                              ck_error *err);

/** Free a store; accepts NULL. */
CK_API void ck_events_free(ck_events *ev);

/** Number of customers, events, and rows skipped as bad while reading. */
CK_API size_t ck_events_n_customers(const ck_events *ev);
CK_API size_t ck_events_n_events(const ck_events *ev);
CK_API size_t ck_events_n_rejected(const ck_events *ev);

/** Customer @p c's id (borrowed, valid while the store lives). */
CK_API const char *ck_events_customer_id(const ck_events *ev, size_t c);

/** The customer with id @p id, or -1. */
CK_API long ck_events_find_customer(const ck_events *ev, const char *id);

/** Earliest and latest event time; both 0 for an empty store. */
CK_API int64_t ck_events_min_ts(const ck_events *ev);
CK_API int64_t ck_events_max_ts(const ck_events *ev);

/** One customer's events, as borrowed column pointers of length @p n, sorted by time. */
typedef struct ck_event_span {
    size_t n;
    const int64_t *ts;        /**< Unix seconds */
    const uint8_t *type;      /**< ck_event_type */
    const double *amount;     /**< 0 when the cell was empty */
    const uint16_t *channel;  /**< index into the channel names, or CK_NO_LEVEL */
    const uint16_t *category; /**< index into the category names, or CK_NO_LEVEL */
    /** index into the item ids, or CK_NO_ITEM; NULL when the file has no item column
     *  (ck_events_has_item_column()) */
    const uint32_t *item;
} ck_event_span;

/** Customer @p c's events (borrowed pointers, valid while the store lives). */
CK_API ck_event_span ck_events_customer(const ck_events *ev, size_t c);

/** The events of @p span strictly before @p t: its prefix, found by binary search. */
CK_API ck_event_span ck_event_span_before(ck_event_span span, int64_t t);

/** Channel and category names seen in the file (borrowed), by index. */
CK_API size_t ck_events_n_channels(const ck_events *ev);
CK_API const char *ck_events_channel_name(const ck_events *ev, uint16_t channel);
CK_API size_t ck_events_n_categories(const ck_events *ev);
CK_API const char *ck_events_category_name(const ck_events *ev, uint16_t category);

/**
 * Whether the file had an item column (`item`, or the column the config's `columns` renames
 * to it). Without one, every span's `item` is NULL and the store holds no item ids.
 */
CK_API bool ck_events_has_item_column(const ck_events *ev);

/** Number of distinct non-empty item ids; 0 without an item column or when it is empty. */
CK_API size_t ck_events_n_items(const ck_events *ev);

/**
 * Item @p item's id (borrowed, valid while the store lives), or "" when out of range. Items
 * are numbered in order of first appearance in the file.
 */
CK_API const char *ck_events_item_id(const ck_events *ev, uint32_t item);

/** The item with id @p id, or -1. */
CK_API long ck_events_find_item(const ck_events *ev, const char *id);

/**
 * What a log holds (its data profile): the event types with their counts, which optional
 * columns carry values, and the span of its events. Decisions downstream use it so that
 * nothing is concluded from a signal the log never had.
 */
typedef struct ck_event_profile {
    size_t n_events, n_customers;
    size_t event_counts[CK_EV_COUNT]; /**< events of each ck_event_type */
    bool has_amount;   /**< some event has a non-zero amount (all empty or 0 says nothing) */
    bool has_channel;  /**< some event has a channel */
    bool has_category; /**< some event has a category */
    int64_t first_ts, last_ts; /**< the earliest and latest event; both 0 when empty */
} ck_event_profile;

/** The profile of a store (one pass over its events). */
CK_API void ck_events_profile(const ck_events *ev, ck_event_profile *out);

/** Whether the profile has any visit, view, favorite or cart event. */
CK_API bool ck_event_profile_has_interactions(const ck_event_profile *p);

#ifdef __cplusplus
}
#endif

#endif

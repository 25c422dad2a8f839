/*
 * The data profile of an event store (see events.h): the counts of each event type, the
 * optional columns that carry something, and the first and last event. A channel or a
 * category is interned only when its cell is non-empty, so the store's dictionaries tell
 * whether those columns hold any value; the amount column's empty cells are stored as 0,
 * so "has an amount" means some amount is not 0.
 */
#include "churnkit/events.h"

#include <string.h>

void ck_events_profile(const ck_events *ev, ck_event_profile *out)
{
    memset(out, 0, sizeof *out);
    out->n_customers = ck_events_n_customers(ev);
    out->n_events = ck_events_n_events(ev);
    out->has_channel = ck_events_n_channels(ev) > 0;
    out->has_category = ck_events_n_categories(ev) > 0;
    out->first_ts = ck_events_min_ts(ev);
    out->last_ts = ck_events_max_ts(ev);
    for (size_t c = 0; c < out->n_customers; c++) {
        ck_event_span s = ck_events_customer(ev, c);
        for (size_t i = 0; i < s.n; i++) {
            if (s.type[i] < CK_EV_COUNT)
                out->event_counts[s.type[i]]++;
            out->has_amount |= s.amount[i] != 0.0;
        }
    }
}

bool ck_event_profile_has_interactions(const ck_event_profile *p)
{
    return p->event_counts[CK_EV_VISIT] + p->event_counts[CK_EV_VIEW] +
               p->event_counts[CK_EV_FAVORITE] + p->event_counts[CK_EV_CART] >
           0;
}

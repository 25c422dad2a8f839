/**
 * @file event_types.h
 * @brief The event vocabulary of DESIGN.md and its canonical names.
 *
 * A leaf: the config checks `event_aliases` against these names and the event store
 * codes each row with them, so both use this module and neither uses the other for it.
 */
#ifndef CHURNKIT_EVENT_TYPES_H
#define CHURNKIT_EVENT_TYPES_H

#include <stddef.h>

#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The event vocabulary of DESIGN.md. */
typedef enum ck_event_type {
    CK_EV_PURCHASE,
    CK_EV_REFUND,
    CK_EV_VISIT,
    CK_EV_VIEW,
    CK_EV_FAVORITE,
    CK_EV_CART,
    CK_EV_POINTS_EARN,
    CK_EV_POINTS_REDEEM,
    CK_EV_CAMPAIGN,
    CK_EV_COUPON,
    CK_EV_SIGNUP,
    CK_EV_CANCEL,
    CK_EV_COUNT
} ck_event_type;

/** The canonical name of an event type ("purchase"), or NULL when out of range. */
CK_API const char *ck_event_type_name(int type);

/** The event type named @p name (canonical names only), or -1. */
CK_API int ck_event_type_from_name(const char *name);

/**
 * The event type whose canonical name is the @p len bytes at @p name (not necessarily
 * NUL-terminated, as a CSV cell), or -1.
 */
CK_API int ck_event_type_from_name_n(const char *name, size_t len);

#ifdef __cplusplus
}
#endif

#endif

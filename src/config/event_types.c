/*
 * The event vocabulary's names (see event_types.h): one table, indexed by ck_event_type.
 * It sits below config and events so that both read it without reading each other.
 */
#include "churnkit/event_types.h"

#include <string.h>

static const char *const event_names[CK_EV_COUNT] = {
    "purchase",    "refund",        "visit",    "view",   "favorite", "cart",
    "points_earn", "points_redeem", "campaign", "coupon", "signup",   "cancel",
};

const char *ck_event_type_name(int type)
{
    return type >= 0 && type < CK_EV_COUNT ? event_names[type] : NULL;
}

int ck_event_type_from_name(const char *name)
{
    return ck_event_type_from_name_n(name, strlen(name));
}

int ck_event_type_from_name_n(const char *name, size_t len)
{
    /* the first byte rules out most names before a length is measured: this runs per row */
    for (int t = 0; t < CK_EV_COUNT; t++)
        if (len > 0 && event_names[t][0] == name[0] && strlen(event_names[t]) == len &&
            memcmp(event_names[t], name, len) == 0)
            return t;
    return -1;
}

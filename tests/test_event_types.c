/*
 * Event-type vocabulary tests: every canonical name of DESIGN.md round-trips, the
 * length-bounded lookup reads a cell that is not NUL-terminated, and anything else
 * (aliases, other cases, prefixes, out-of-range types) is unknown here.
 */
#include "churnkit/event_types.h"

#include <string.h>

#include "check.h"

static void test_event_types__names_round_trip(void)
{
    static const char *const design[] = { "purchase", "refund", "visit",       "view",
                                          "favorite", "cart",   "points_earn", "points_redeem",
                                          "campaign", "coupon", "signup",      "cancel" };
    CHECK_EQ_INT(sizeof design / sizeof *design, CK_EV_COUNT);
    for (int t = 0; t < CK_EV_COUNT; t++) {
        CHECK_EQ_STR(ck_event_type_name(t), design[t]);
        CHECK_EQ_INT(ck_event_type_from_name(design[t]), t);
        CHECK_EQ_INT(ck_event_type_from_name_n(design[t], strlen(design[t])), t);
    }
    CHECK_EQ_INT(ck_event_type_from_name("purchase"), CK_EV_PURCHASE);
    CHECK_EQ_INT(ck_event_type_from_name("cancel"), CK_EV_CANCEL);
}

static void test_event_types__unknown(void)
{
    CHECK(ck_event_type_name(-1) == NULL);
    CHECK(ck_event_type_name(CK_EV_COUNT) == NULL);
    CHECK_EQ_INT(ck_event_type_from_name("order"), -1); /* an alias only through the config */
    CHECK_EQ_INT(ck_event_type_from_name("Purchase"), -1);
    CHECK_EQ_INT(ck_event_type_from_name("purchases"), -1);
    CHECK_EQ_INT(ck_event_type_from_name("points"), -1);
    CHECK_EQ_INT(ck_event_type_from_name(""), -1);
    CHECK_EQ_INT(ck_event_type_from_name_n("", 0), -1);
}

static void test_event_types__lookup_by_length(void)
{
    /* a CSV cell: the bytes up to the delimiter, followed by the rest of the record */
    const char row[] = "view,a,2024-01-02";
    CHECK_EQ_INT(ck_event_type_from_name_n(row, 4), CK_EV_VIEW);
    CHECK_EQ_INT(ck_event_type_from_name_n(row, 3), -1);
    CHECK_EQ_INT(ck_event_type_from_name_n(row, 5), -1);
    const char points[] = "points_redeemed";
    CHECK_EQ_INT(ck_event_type_from_name_n(points, 13), CK_EV_POINTS_REDEEM);
    CHECK_EQ_INT(ck_event_type_from_name_n(points, 11), -1); /* as long as points_earn */
}

int main(void)
{
    RUN(test_event_types__names_round_trip);
    RUN(test_event_types__unknown);
    RUN(test_event_types__lookup_by_length);
    return check_summary();
}

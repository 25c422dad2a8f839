/*
 * Lifecycle stages (DESIGN.md, "Churn definition"): a few ordered rules on the first and
 * last purchase and on membership cancellation, thresholds from the config.
 */
#include "churnkit/lifecycle.h"

#include "base/util.h"
#include "churnkit/config.h"

static const char *const stage_names[CK_STAGE_COUNT] = { "prospect", "new", "active", "dormant",
                                                         "churned" };

const char *ck_stage_name(ck_stage stage)
{
    return stage < CK_STAGE_COUNT ? stage_names[stage] : "";
}

ck_stage ck_lifecycle_stage(const ck_stage_facts *facts, int64_t cutoff, const ck_config *cfg)
{
    if (facts->cancelled)
        return CK_STAGE_CHURNED;
    if (!facts->has_purchase)
        return CK_STAGE_PROSPECT;
    if (facts->first_purchase_ts >= cutoff - (int64_t)cfg->new_days * CK__DAY_SECONDS)
        return CK_STAGE_NEW;
    if (facts->last_purchase_ts >= cutoff - (int64_t)cfg->active_days * CK__DAY_SECONDS)
        return CK_STAGE_ACTIVE;
    if (facts->last_purchase_ts >= cutoff - (int64_t)cfg->dormant_days * CK__DAY_SECONDS)
        return CK_STAGE_DORMANT;
    return CK_STAGE_CHURNED;
}

/**
 * @file lifecycle.h
 * @brief A customer's lifecycle stage as of a cutoff (DESIGN.md, "Churn definition").
 */
#ifndef CHURNKIT_LIFECYCLE_H
#define CHURNKIT_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_config ck_config;

/** Lifecycle stages, from least to most lapsed. */
typedef enum ck_stage {
    CK_STAGE_PROSPECT, /**< events but never a purchase */
    CK_STAGE_NEW,      /**< first purchase within new_days */
    CK_STAGE_ACTIVE,   /**< last purchase within active_days */
    CK_STAGE_DORMANT,  /**< last purchase within dormant_days */
    CK_STAGE_CHURNED,  /**< no purchase for longer, or membership cancelled */
    CK_STAGE_COUNT
} ck_stage;

/** What the stage depends on, all as of the cutoff (times before it). */
typedef struct ck_stage_facts {
    bool has_purchase;
    int64_t first_purchase_ts;
    int64_t last_purchase_ts;
    bool cancelled; /**< a cancel event after the latest signup */
} ck_stage_facts;

/**
 * The stage at @p cutoff. Rules, first match wins: cancelled → churned; no purchase →
 * prospect; first purchase in [T − new_days, T) → new; last purchase in
 * [T − active_days, T) → active; in [T − dormant_days, T) → dormant; else churned.
 */
CK_API ck_stage ck_lifecycle_stage(const ck_stage_facts *facts, int64_t cutoff,
                                   const ck_config *cfg);

/** The stage's name ("dormant"). */
CK_API const char *ck_stage_name(ck_stage stage);

#ifdef __cplusplus
}
#endif

#endif

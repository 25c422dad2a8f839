/**
 * @file schema.h
 * @brief The features a model reads: names, kinds, and the levels of categorical ones.
 *
 * A dataset carries the schema of its columns; a model keeps the schema it was trained
 * on, so data scored later is read column by column into the same codes. A categorical
 * value is its level's index (as a float in a dataset); a level the schema does not know
 * is coded n_levels ("unseen"), and a missing value is NaN.
 */
#ifndef CHURNKIT_SCHEMA_H
#define CHURNKIT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque schema. Free with ck_schema_free(). */
typedef struct ck_schema ck_schema;

typedef enum ck_feature_kind { CK_FEATURE_NUMERIC, CK_FEATURE_CATEGORICAL } ck_feature_kind;

/** A new empty schema. @return CK_OK or CK_ENOMEM */
CK_API int ck_schema_new(ck_schema **out, ck_error *err);

/** A deep copy. @return CK_OK or CK_ENOMEM */
CK_API int ck_schema_copy(ck_schema **out, const ck_schema *schema, ck_error *err);

/** Free a schema; accepts NULL. */
CK_API void ck_schema_free(ck_schema *schema);

/**
 * Append a feature.
 * @return its index (≥ 0), or CK_EINVAL (duplicate name), CK_ENOMEM
 */
CK_API int ck_schema_add_feature(ck_schema *schema, const char *name, ck_feature_kind kind,
                                 ck_error *err);

/**
 * Append a level to categorical feature @p j (levels keep their order of addition).
 * @return the level's code (≥ 0), its existing code when already present, or CK_ENOMEM
 */
CK_API int ck_schema_add_level(ck_schema *schema, size_t j, const char *level, size_t len,
                               ck_error *err);

CK_API size_t ck_schema_n_features(const ck_schema *schema);
/** Feature @p j's name (borrowed). */
CK_API const char *ck_schema_name(const ck_schema *schema, size_t j);
CK_API ck_feature_kind ck_schema_kind(const ck_schema *schema, size_t j);
/** The index of the feature named @p name, or -1. */
CK_API long ck_schema_find(const ck_schema *schema, const char *name);
CK_API size_t ck_schema_n_levels(const ck_schema *schema, size_t j);
/** Level @p code of feature @p j (borrowed), or NULL when out of range. */
CK_API const char *ck_schema_level(const ck_schema *schema, size_t j, size_t code);
/** The code of @p level for feature @p j: its index, or n_levels when unknown. */
CK_API size_t ck_schema_level_code(const ck_schema *schema, size_t j, const char *level,
                                   size_t len);

#ifdef __cplusplus
}
#endif

#endif

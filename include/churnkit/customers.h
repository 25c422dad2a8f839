/**
 * @file customers.h
 * @brief Customer attributes: one row per customer, read from CSV.
 *
 * The id column is the config's customer_id column. `signup_date` (any timestamp form)
 * is understood; every other column becomes an attribute: numeric when all its present
 * values parse as numbers, categorical otherwise. Cells are trimmed; empty, `NA`, `NaN`,
 * `null` and `?` are missing.
 */
#ifndef CHURNKIT_CUSTOMERS_H
#define CHURNKIT_CUSTOMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_config ck_config;

/** An opaque customer table. Free with ck_customers_free(). */
typedef struct ck_customers ck_customers;

/** The signup time of a customer without one. */
#define CK_NO_SIGNUP INT64_MIN

/**
 * Read a customers CSV.
 * @param cfg  for the id column name and the delimiter; NULL for defaults
 * @return CK_OK, CK_EPARSE (no id column, wrong field count, empty or duplicate id, bad
 *         signup_date; the message names the line), CK_EIO, CK_ENOMEM
 */
CK_API int ck_customers_read_csv(ck_customers **out, const char *path, const ck_config *cfg,
                                 ck_error *err);

/** Free a table; accepts NULL. */
CK_API void ck_customers_free(ck_customers *cu);

CK_API size_t ck_customers_n_rows(const ck_customers *cu);
/** The row of customer @p id, or -1. */
CK_API long ck_customers_find(const ck_customers *cu, const char *id, size_t len);
/** Row @p row's signup time, or CK_NO_SIGNUP. */
CK_API int64_t ck_customers_signup(const ck_customers *cu, size_t row);

/** Attribute columns (every column but the id and signup_date). */
CK_API size_t ck_customers_n_attributes(const ck_customers *cu);
CK_API const char *ck_customers_attribute_name(const ck_customers *cu, size_t attr);
CK_API bool ck_customers_attribute_is_categorical(const ck_customers *cu, size_t attr);
/** A numeric attribute's value, NaN when missing. */
CK_API double ck_customers_number(const ck_customers *cu, size_t attr, size_t row);
/** A categorical attribute's value (borrowed), NULL when missing. */
CK_API const char *ck_customers_string(const ck_customers *cu, size_t attr, size_t row);

#ifdef __cplusplus
}
#endif

#endif

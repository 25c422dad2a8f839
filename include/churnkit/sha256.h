/**
 * @file sha256.h
 * @brief SHA-256 (FIPS 180-4) of memory and of files, to record exactly what a model was
 *        trained on.
 */
#ifndef CHURNKIT_SHA256_H
#define CHURNKIT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The digest of @p len bytes. */
CK_API void ck_sha256(const void *data, size_t len, uint8_t digest[32]);

/**
 * The digest of a file's bytes (as stored: a .gz file is hashed compressed), as 64
 * lowercase hex digits and a NUL.
 * @return CK_OK, CK_EIO
 */
CK_API int ck_sha256_file(char hex[65], const char *path, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif

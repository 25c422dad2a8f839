/**
 * @file version.h
 * @brief The churnkit version.
 */
#ifndef CHURNKIT_VERSION_H
#define CHURNKIT_VERSION_H

#include "churnkit/export.h"

#define CK_VERSION_MAJOR 0
#define CK_VERSION_MINOR 1
#define CK_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

/** The library's version, "X.Y.Z". */
CK_API const char *ck_version(void);

#ifdef __cplusplus
}
#endif

#endif

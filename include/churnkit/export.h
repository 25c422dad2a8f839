/**
 * @file export.h
 * @brief CK_API marks the public API: the shared library is built with hidden
 *        visibility, so only what is marked here is exported and the ck__ internals are
 *        not.
 */
#ifndef CHURNKIT_EXPORT_H
#define CHURNKIT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define CK_API __attribute__((visibility("default")))
#else
#define CK_API
#endif

#endif

/**
 * @file progress.h
 * @brief The progress callback long-running calls accept.
 */
#ifndef CHURNKIT_PROGRESS_H
#define CHURNKIT_PROGRESS_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Called from the calling thread with the fraction of the work done, in [0, 1], at most
 * a few hundred times per call. @p payload is the pointer given beside the callback.
 */
typedef void (*ck_progress_fn)(double fraction, void *payload);

#ifdef __cplusplus
}
#endif

#endif

/*
 * What the fuzz harnesses share: the readers take a path, so each input is written to one
 * temporary file per process (named by the pid, so parallel fuzzers and ctest replays
 * never share it) and read back from there; an invariant that fails aborts, which
 * libFuzzer and the replay driver both report as a crash with its input.
 */
#ifndef CK_FUZZ_SUPPORT_H
#define CK_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The entry point every harness defines (libFuzzer's name; the replay driver calls it). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test; a failure is a finding, so it aborts. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* FUZZ_CHECK that also prints the library's message, for a call that should have worked. */
#define FUZZ_CHECK_OK(cond, err)                                                                   \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fprintf(stderr, "%s:%ld: %s\n", (err).file, (err).line, (err).msg);                    \
        FUZZ_CHECK(cond);                                                                          \
    } while (0)

/* Remove the temporary file at exit (registered once by fuzz_write_temp). */
static char fuzz_temp_path[512];

static inline void fuzz_remove_temp(void)
{
    if (fuzz_temp_path[0])
        unlink(fuzz_temp_path);
}

/*
 * Write @p data to this process's temporary file, suffixed @p ext (".csv", ".json"), and
 * return its path; NULL when it cannot be written, which the harness treats as nothing to
 * test (the file system, not the code, failed).
 */
static inline const char *fuzz_write_temp(const uint8_t *data, size_t size, const char *ext)
{
    if (!fuzz_temp_path[0]) {
        const char *dir = getenv("TMPDIR");
        int n = snprintf(fuzz_temp_path, sizeof fuzz_temp_path, "%s/ck-fuzz-%ld%s",
                         dir && dir[0] ? dir : "/tmp", (long)getpid(), ext);
        if (n < 0 || (size_t)n >= sizeof fuzz_temp_path) {
            fuzz_temp_path[0] = '\0';
            return NULL;
        }
        atexit(fuzz_remove_temp);
    }
    FILE *f = fopen(fuzz_temp_path, "wb");
    if (!f)
        return NULL;
    size_t wrote = size ? fwrite(data, 1, size, f) : 0;
    if (fclose(f) != 0 || wrote != size)
        return NULL;
    return fuzz_temp_path;
}

#endif

/*
 * The versioned model directory: `DIR/<name>-v<N>.json`, N from 1 with no leading zeros.
 * A new version takes one above the highest there (ck_model_next_path); a user names a
 * model by its file, by `DIR/<name>` (the highest version) or by `DIR/<name>@N`
 * (ck_model_resolve_path).
 */
#include "churnkit/model.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/util.h"

/* Versions are plain decimal numbers without leading zeros, below this bound (so N + 1
 * never overflows and a version always prints back to the same text). */
#define MAX_VERSION 999999999UL

/* A list of the versions of one model name found in a directory. */
typedef struct versions {
    unsigned long *v;
    size_t n, cap;
} versions;

/* N when `entry` is exactly `<name>-v<N>.json` with N a canonical decimal ≥ 1, else 0. */
static unsigned long version_of(const char *entry, const char *name)
{
    size_t name_len = strlen(name);
    if (strncmp(entry, name, name_len) != 0 || strncmp(entry + name_len, "-v", 2) != 0)
        return 0;
    const char *p = entry + name_len + 2;
    if (*p < '1' || *p > '9')
        return 0;
    unsigned long v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > MAX_VERSION)
            return 0;
    }
    return strcmp(p, ".json") == 0 ? v : 0;
}

static int compare_versions(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

/* Every version of `name` in directory `dir`, ascending. `file` names the errors. */
static int scan_versions(versions *out, const char *dir, const char *name, const char *file,
                         ck_error *err)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (d == NULL)
        return ck_error_set(err, CK_EIO, file, 0, "%s", strerror(errno));
    int rc = CK_OK;
    const struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        unsigned long v = version_of(e->d_name, name);
        if (v == 0)
            continue;
        if (!ck__grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v)) {
            rc = ck_error_set(err, CK_ENOMEM, file, 0, "out of memory");
            goto fail;
        }
        out->v[out->n++] = v;
        errno = 0;
    }
    if (errno != 0) {
        rc = ck_error_set(err, CK_EIO, file, 0, "%s", strerror(errno));
        goto fail;
    }
    closedir(d);
    if (out->n > 0)
        qsort(out->v, out->n, sizeof *out->v, compare_versions);
    return CK_OK;
fail:
    closedir(d);
    free(out->v);
    memset(out, 0, sizeof *out);
    return rc;
}

static bool valid_name(const char *name)
{
    return name[0] != '\0' && strchr(name, '/') == NULL && strchr(name, '@') == NULL &&
           strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* mkdir -p: create `dir` and any missing parent. */
static int make_dirs(const char *dir, ck_error *err)
{
    char path[PATH_MAX];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof path)
        return ck_error_set(err, CK_EINVAL, dir, 0, "directory name empty or too long");
    memcpy(path, dir, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return ck_error_set(err, CK_EIO, path, 0, "%s", strerror(errno));
        path[i] = saved;
    }
    struct stat st;
    if (stat(dir, &st) != 0)
        return ck_error_set(err, CK_EIO, dir, 0, "%s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return ck_error_set(err, CK_EIO, dir, 0, "not a directory");
    return CK_OK;
}

int ck_model_next_path(char *out, size_t size, const char *dir, const char *name, ck_error *err)
{
    if (!valid_name(name))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "bad model name \"%s\" (expected a non-empty name without '/' or '@')",
                            name);
    int rc = make_dirs(dir, err);
    if (rc < 0)
        return rc;
    versions vs;
    if ((rc = scan_versions(&vs, dir, name, dir, err)) < 0)
        return rc;
    unsigned long next = vs.n > 0 ? vs.v[vs.n - 1] + 1 : 1;
    free(vs.v);
    if (next > MAX_VERSION)
        return ck_error_set(err, CK_EINVAL, dir, 0, "too many versions of \"%s\"", name);
    size_t dir_len = strlen(dir);
    const char *sep = dir[dir_len - 1] == '/' ? "" : "/";
    int n = snprintf(out, size, "%s%s%s-v%lu.json", dir, sep, name, next);
    if (n < 0 || (size_t)n >= size)
        return ck_error_set(err, CK_EINVAL, dir, 0, "model path too long");
    /* The scan saw no version this high, but another process may have written it since:
     * never hand out a path to something that exists. */
    struct stat st;
    if (lstat(out, &st) == 0)
        return ck_error_set(err, CK_EIO, out, 0, "already exists");
    return CK_OK;
}

/* "have 1, 2, 3", shortened to the first and last three when there are many. */
static void list_versions(char *buf, size_t size, const versions *vs)
{
    size_t used = (size_t)snprintf(buf, size, "have");
    for (size_t i = 0; i < vs->n && used < size; i++) {
        if (vs->n > 8 && i == 3) {
            used += (size_t)snprintf(buf + used, size - used, ", ...");
            i = vs->n - 4;
            continue;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s %lu", i ? "," : "", vs->v[i]);
    }
}

int ck_model_resolve_path(char *out, size_t size, const char *spec, ck_error *err)
{
    struct stat st;
    bool exists = stat(spec, &st) == 0;
    int stat_errno = errno;
    if (exists && S_ISREG(st.st_mode)) {
        if (strlen(spec) >= size)
            return ck_error_set(err, CK_EINVAL, spec, 0, "model path too long");
        memcpy(out, spec, strlen(spec) + 1);
        return CK_OK;
    }
    /* DIR/name or DIR/name@N: split off the directory (kept as written, "" for the
     * current one) and the version. */
    char dir[PATH_MAX], name[NAME_MAX + 1];
    const char *slash = strrchr(spec, '/');
    const char *base = slash ? slash + 1 : spec;
    size_t dir_len = (size_t)(base - spec);
    const char *at = strchr(base, '@');
    size_t name_len = at ? (size_t)(at - base) : strlen(base);
    if (dir_len >= sizeof dir || name_len >= sizeof name)
        return ck_error_set(err, CK_EINVAL, spec, 0, "model path too long");
    memcpy(dir, spec, dir_len);
    dir[dir_len] = '\0';
    memcpy(name, base, name_len);
    name[name_len] = '\0';

    unsigned long want = 0;
    if (at != NULL) {
        const char *p = at + 1;
        if (*p >= '1' && *p <= '9')
            for (; *p >= '0' && *p <= '9' && want <= MAX_VERSION; p++)
                want = want * 10 + (unsigned long)(*p - '0');
        if (want == 0 || want > MAX_VERSION || *p != '\0')
            return ck_error_set(err, CK_EINVAL, spec, 0,
                                "bad version \"%s\" (expected a whole number from 1)", at + 1);
    }
    if (!valid_name(name))
        return ck_error_set(err, CK_EINVAL, spec, 0,
                            "expected a model file, DIR/<name> or DIR/<name>@N");

    versions vs;
    int rc = scan_versions(&vs, dir_len ? dir : ".", name, spec, err);
    if (rc < 0)
        return rc;
    unsigned long v = 0;
    size_t len = strlen(name);
    if (vs.n == 0 && at == NULL && len > 5 && strcmp(name + len - 5, ".json") == 0) {
        /* a file name, not a model name: the plain system message reads best */
        rc = exists ? ck_error_set(err, CK_EIO, spec, 0, "not a regular file")
                    : ck_error_set(err, CK_EIO, spec, 0, "%s", strerror(stat_errno));
        goto done;
    }
    if (vs.n == 0) {
        rc = ck_error_set(err, CK_EIO, spec, 0, "no such model (no %s-v<N>.json in %s)", name,
                          dir_len ? dir : ".");
        goto done;
    }
    if (at == NULL) {
        v = vs.v[vs.n - 1];
    } else {
        for (size_t i = 0; i < vs.n && v == 0; i++)
            if (vs.v[i] == want)
                v = want;
        if (v == 0) {
            char have[160];
            list_versions(have, sizeof have, &vs);
            rc = ck_error_set(err, CK_EIO, spec, 0, "no such version (%s)", have);
            goto done;
        }
    }
    int n = snprintf(out, size, "%s%s-v%lu.json", dir, name, v);
    if (n < 0 || (size_t)n >= size)
        rc = ck_error_set(err, CK_EINVAL, spec, 0, "model path too long");
done:
    free(vs.v);
    return rc;
}

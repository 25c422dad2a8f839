/*
 * The versioned model directory: `DIR/<name>-v<N>.json`, N from 1 with no leading zeros.
 * A new version takes one above the highest there (ck_model_next_path) and is published
 * with link(), which never replaces a file, moving on to N + 1 when a concurrent save took
 * N (ck_model_store_publish). A user names a model by its file, by `DIR/<name>` (the
 * highest version) or by `DIR/<name>@N` (ck_model_resolve_path).
 */
#include "churnkit/model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

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

static int bad_name(const char *name, ck_error *err)
{
    return ck_error_set(err, CK_EINVAL, NULL, 0,
                        "bad model name \"%s\" (expected a non-empty name without '/' or '@')",
                        name);
}

int ck_model_store_prepare(const char *dir, const char *name, ck_error *err)
{
    return valid_name(name) ? make_dirs(dir, err) : bad_name(name, err);
}

int ck_model_next_path(char *out, size_t size, const char *dir, const char *name, ck_error *err)
{
    int rc = ck_model_store_prepare(dir, name, err);
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

/* Link `tmp_path` to `path` unless `path` exists: 0, or -1 with errno (EEXIST: taken). */
static int publish_as(const char *path, const char *tmp_path)
{
    if (link(tmp_path, path) == 0) {
        /* published; a temporary that failed to go is the caller's to remove */
        unlink(tmp_path);
        return 0;
    }
    if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOSYS)
        return -1;
    /* no hard links here (FAT, some network file systems): reserve the name, then let
     * rename() replace the empty reservation atomically */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    close(fd);
    if (rename(tmp_path, path) != 0) {
        int saved = errno;
        unlink(path);
        errno = saved;
        return -1;
    }
    return 0;
}

int ck_model_store_publish(char *path_out, size_t path_size, unsigned long *version_out,
                           const char *dir, const char *name, const char *tmp_path, ck_error *err)
{
    if (!valid_name(name))
        return bad_name(name, err);
    versions vs;
    int rc = scan_versions(&vs, dir[0] ? dir : ".", name, dir, err);
    if (rc < 0)
        return rc;
    unsigned long v = vs.n > 0 ? vs.v[vs.n - 1] + 1 : 1;
    free(vs.v);
    size_t dir_len = strlen(dir);
    const char *sep = dir_len == 0 || dir[dir_len - 1] == '/' ? "" : "/";
    /* each failed link means another publisher took v since the scan: the next is one up */
    for (; v <= MAX_VERSION; v++) {
        int n = snprintf(path_out, path_size, "%s%s%s-v%lu.json", dir, sep, name, v);
        if (n < 0 || (size_t)n >= path_size)
            return ck_error_set(err, CK_EINVAL, dir, 0, "model path too long");
        if (publish_as(path_out, tmp_path) == 0) {
            if (version_out != NULL)
                *version_out = v;
            return CK_OK;
        }
        if (errno != EEXIST)
            return ck_error_set(err, CK_EIO, errno == ENOENT ? tmp_path : path_out, 0, "%s",
                                strerror(errno));
    }
    return ck_error_set(err, CK_EINVAL, dir, 0, "too many versions of \"%s\"", name);
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

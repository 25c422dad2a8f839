/*
 * Tests of the versioned model directory (src/model/model_store.c): ck_model_next_path,
 * ck_model_resolve_path, ck_model_store_prepare and ck_model_store_publish (alone, and eight
 * processes publishing at once).
 */
#include "churnkit/model.h"

#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "churnkit/events.h"
#include "churnkit/predict.h"
#include "learn/gbm/gbm_int.h"
#include "learn/logreg/logreg_int.h"

#define TMP CK_TEST_TMP "/model_store_"
#include "support/model_fixtures.h"

/* ---- versioned paths ---------------------------------------------------------------- */

#define VDIR TMP "versions"

static void touch(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VDIR, name);
    spit(path, "{}\n");
}

static void touch_in(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    spit(path, "{}\n");
}

static void clear_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    const struct dirent *e;
    char path[1024];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0) {
            clear_dir(path);
            rmdir(path);
        }
    }
    closedir(d);
}

static void test_model_store__next_path(void)
{
    ck_error err = { 0 };
    char out[512];
    clear_dir(VDIR);
    rmdir(VDIR);

    /* a new directory (and its parent) is created; the first version is 1 */
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR "/deeper/", "churn", &err));
    CHECK_EQ_STR(out, VDIR "/deeper/churn-v1.json");
    struct stat st;
    CHECK(stat(VDIR "/deeper", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR, "churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v1.json");

    /* one above the highest, whatever else lies there */
    touch("churn-v1.json");
    touch("churn-v2.json");
    touch("churn-v10.json");
    touch("churn-v01.json");       /* not canonical: not a version */
    touch("churn-v30.json.tmp.1"); /* a temporary file */
    touch("churn-v.json");
    touch("churn-vx.json");
    touch("churnx-v50.json"); /* another name */
    touch("other-v40.json");
    touch("churn-v99999999999999999999.json"); /* too large to be a version */
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR, "churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v11.json");
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR, "other", &err));
    CHECK_EQ_STR(out, VDIR "/other-v41.json");
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR, "churnx", &err));
    CHECK_EQ_STR(out, VDIR "/churnx-v51.json");

    /* names that cannot be one file name, or would read as a version */
    CHECK_EQ_INT(ck_model_next_path(out, sizeof out, VDIR, "a/b", &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "bad model name \"a/b\" (expected a non-empty name without '/' or '@')");
    CHECK_EQ_INT(ck_model_next_path(out, sizeof out, VDIR, "churn@2", &err), CK_EINVAL);
    CHECK_EQ_INT(ck_model_next_path(out, sizeof out, VDIR, "", &err), CK_EINVAL);
    /* the path must fit */
    CHECK_EQ_INT(ck_model_next_path(out, 10, VDIR, "churn", &err), CK_EINVAL);
    /* a file where the directory should be */
    CHECK_EQ_INT(ck_model_next_path(out, sizeof out, VDIR "/churn-v1.json", "churn", &err), CK_EIO);
    CHECK_EQ_STR(err.msg, "not a directory");
}

static void test_model_store__resolve_path(void)
{
    ck_error err = { 0 };
    char out[512];
    /* (the files of test_model_store__next_path) */

    /* a file is itself */
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn-v2.json", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v2.json");
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn-v01.json", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v01.json");
    /* a name is its latest version, numerically (10 after 2) */
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v10.json");
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn@2", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v2.json");
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/other@40", &err));
    CHECK_EQ_STR(out, VDIR "/other-v40.json");

    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@7", &err), CK_EIO);
    CHECK_EQ_STR(err.file, VDIR "/churn@7");
    CHECK_EQ_STR(err.msg, "no such version (have 1, 2, 10)");
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/nobody", &err), CK_EIO);
    CHECK_EQ_STR(err.file, VDIR "/nobody");
    CHECK_EQ_STR(err.msg, "no such model (no nobody-v<N>.json in " VDIR "/)");
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/nobody@1", &err), CK_EIO);
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/typo.json", &err), CK_EIO);
    CHECK_EQ_STR(err.msg, strerror(ENOENT));
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@x", &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "bad version \"x\" (expected a whole number from 1)");
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@02", &err), CK_EINVAL);
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@0", &err), CK_EINVAL);
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/", &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "expected a model file, DIR/<name> or DIR/<name>@N");
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, TMP "no-such-dir/churn", &err), CK_EIO);
    CHECK_EQ_STR(err.msg, strerror(ENOENT));

    /* many versions: the list is shortened */
    for (int v = 11; v <= 30; v++) {
        char name[32];
        snprintf(name, sizeof name, "churn-v%d.json", v);
        touch(name);
    }
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@31", &err), CK_EIO);
    CHECK_EQ_STR(err.msg, "no such version (have 1, 2, 10, ..., 28, 29, 30)");
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v30.json");
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR "/", "churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v31.json");
}

/* ---- publishing ---------------------------------------------------------------------- */

#define PDIR TMP "publish"

/* The entries of `dir` but . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (d == NULL)
        return -1;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static bool file_is(const char *path, const char *text)
{
    char *got = slurp(path);
    bool same = got != NULL && strcmp(got, text) == 0;
    free(got);
    return same;
}

static void test_model_store__prepare(void)
{
    ck_error err = { 0 };
    clear_dir(PDIR);
    rmdir(PDIR);
    /* the directory and its missing parent */
    CHECK_OK(ck_model_store_prepare(PDIR "/a/b/", "churn", &err));
    struct stat st;
    CHECK(stat(PDIR "/a/b", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_OK(ck_model_store_prepare(PDIR "/a/b", "churn", &err));
    CHECK_EQ_INT(ck_model_store_prepare(PDIR "/c", "../evil", &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg,
                 "bad model name \"../evil\" (expected a non-empty name without '/' or '@')");
    CHECK(stat(PDIR "/c", &st) != 0); /* a bad name creates nothing */
    CHECK_EQ_INT(ck_model_store_prepare(PDIR "/c", "", &err), CK_EINVAL);
    CHECK_EQ_INT(ck_model_store_prepare(PDIR "/c", "..", &err), CK_EINVAL);
    spit(PDIR "/file", "x");
    CHECK_EQ_INT(ck_model_store_prepare(PDIR "/file", "churn", &err), CK_EIO);
    CHECK_EQ_STR(err.msg, "not a directory");
}

static void test_model_store__publish(void)
{
    ck_error err = { 0 };
    char path[512];
    unsigned long v = 0;
    clear_dir(PDIR);
    CHECK_OK(ck_model_store_prepare(PDIR, "churn", &err));

    /* the first version is 1; the temporary becomes it */
    spit(PDIR "/.tmp", "first\n");
    CHECK_OK(ck_model_store_publish(path, sizeof path, &v, PDIR, "churn", PDIR "/.tmp", &err));
    CHECK_EQ_STR(path, PDIR "/churn-v1.json");
    CHECK_EQ_INT(v, 1);
    CHECK(file_is(PDIR "/churn-v1.json", "first\n"));
    CHECK(access(PDIR "/.tmp", F_OK) != 0);

    /* one above the highest (3 and 7 there: 8, not the gap), with or without the '/' */
    touch_in(PDIR, "churn-v3.json");
    touch_in(PDIR, "churn-v7.json");
    touch_in(PDIR, "other-v20.json");
    spit(PDIR "/.tmp", "second\n");
    CHECK_OK(
        ck_model_store_publish(path, sizeof path, NULL, PDIR "/", "churn", PDIR "/.tmp", &err));
    CHECK_EQ_STR(path, PDIR "/churn-v8.json");
    CHECK(file_is(PDIR "/churn-v8.json", "second\n"));
    /* a version never replaces a file: the old ones are as they were */
    CHECK(file_is(PDIR "/churn-v1.json", "first\n"));
    CHECK(file_is(PDIR "/churn-v7.json", "{}\n"));

    /* failures leave the temporary and the directory as they were */
    spit(PDIR "/.tmp", "third\n");
    CHECK_EQ_INT(ck_model_store_publish(path, sizeof path, &v, PDIR, "a@b", PDIR "/.tmp", &err),
                 CK_EINVAL);
    CHECK_EQ_STR(err.msg, "bad model name \"a@b\" (expected a non-empty name without '/' or '@')");
    CHECK_EQ_INT(ck_model_store_publish(path, 10, &v, PDIR, "churn", PDIR "/.tmp", &err),
                 CK_EINVAL);
    CHECK_EQ_STR(err.msg, "model path too long");
    CHECK(file_is(PDIR "/.tmp", "third\n"));
    CHECK_EQ_INT(ck_model_store_publish(path, sizeof path, &v, PDIR, "churn", PDIR "/.gone", &err),
                 CK_EIO);
    CHECK_EQ_STR(err.file, PDIR "/.gone");
    CHECK_EQ_STR(err.msg, strerror(ENOENT));
    CHECK_EQ_INT(
        ck_model_store_publish(path, sizeof path, &v, PDIR "/none", "churn", PDIR "/.tmp", &err),
        CK_EIO);
    CHECK_EQ_STR(err.msg, strerror(ENOENT));
    CHECK(file_is(PDIR "/.tmp", "third\n"));
    /* v1, v3, v7, v8, other-v20, .tmp: nothing else appeared */
    CHECK_EQ_INT(count_entries(PDIR), 6);
}

/* Eight processes publish at once (released together by closing a pipe they all read):
 * each gets a version of its own, 1 to 8, and each version holds the file of the process
 * that reported it. Whatever the interleaving, no two may share a version and none may be
 * lost. */
static void test_model_store__publish_concurrent(void)
{
    enum { N = 8 };
    ck_error err = { 0 };
    clear_dir(PDIR);
    CHECK_OK(ck_model_store_prepare(PDIR, "churn", &err));
    int start[2], result[2];
    if (pipe(start) != 0 || pipe(result) != 0) {
        CHECK(!"pipe");
        return;
    }
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            char tmp[256], text[32], path[512];
            unsigned long v = 0;
            snprintf(tmp, sizeof tmp, PDIR "/.churn.tmp.%d", i);
            snprintf(text, sizeof text, "model %d\n", i);
            spit(tmp, text);
            close(start[1]);
            char c;
            while (read(start[0], &c, 1) > 0) /* EOF: go */
                ;
            ck_error child_err = { 0 };
            int rc = ck_model_store_publish(path, sizeof path, &v, PDIR, "churn", tmp, &child_err);
            int msg[2] = { i, rc == CK_OK ? (int)v : -1 };
            ssize_t w = write(result[1], msg, sizeof msg);
            _exit(w == (ssize_t)sizeof msg ? 0 : 1);
        }
    }
    close(start[0]);
    close(result[1]);
    close(start[1]); /* all go */
    int owner[N + 1];
    for (int v = 0; v <= N; v++)
        owner[v] = -1;
    int msg[2], got = 0;
    while (read(result[0], msg, sizeof msg) == (ssize_t)sizeof msg) {
        got++;
        CHECK(msg[1] >= 1 && msg[1] <= N);
        if (msg[1] >= 1 && msg[1] <= N) {
            CHECK_EQ_INT(owner[msg[1]], -1); /* no version twice */
            owner[msg[1]] = msg[0];
        }
    }
    close(result[0]);
    for (int i = 0; i < N; i++) {
        int status = 0;
        waitpid(pids[i], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK_EQ_INT(got, N);
    for (int v = 1; v <= N; v++) {
        char path[512], text[32];
        snprintf(path, sizeof path, PDIR "/churn-v%d.json", v);
        snprintf(text, sizeof text, "model %d\n", owner[v]);
        CHECK(owner[v] >= 0 && file_is(path, text));
    }
    /* the eight versions and no temporary */
    CHECK_EQ_INT(count_entries(PDIR), N);
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_model_store__next_path);
    RUN(test_model_store__resolve_path);
    RUN(test_model_store__prepare);
    RUN(test_model_store__publish);
    RUN(test_model_store__publish_concurrent);
    return check_summary();
}

/*
 * Tests of the versioned model directory (src/model/model_store.c): ck_model_next_path and
 * ck_model_resolve_path.
 */
#include "churnkit/model.h"

#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_model_store__next_path);
    RUN(test_model_store__resolve_path);
    return check_summary();
}

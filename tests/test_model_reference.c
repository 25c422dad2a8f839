/*
 * The reference model files of models/reference/: every one loads and scores its stored
 * rows as computed independently by models/reference/score_reference.py, which sums the
 * stumps, or the logistic regression's terms, straight from the JSON.
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

#define TMP CK_TEST_TMP "/model_reference_"
#include "support/model_fixtures.h"

/* ---- reference files ---------------------------------------------------------------- */

/* Split a CSV line (no quoting: the reference rows need none) in place. */
static size_t split_line(char *line, char **cells, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        cells[n++] = p;
        p = strchr(p, ',');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

/* Score the rows of `<stem>.scores.csv` (features by name, then "probability") with the
 * model `<stem>.json`; returns the number of rows. */
static size_t check_reference(const char *dir, const char *json_name)
{
    ck_error err = { 0 };
    char path[1024], csv_path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, json_name);
    snprintf(csv_path, sizeof csv_path, "%s/%.*s.scores.csv", dir, (int)(strlen(json_name) - 5),
             json_name);
    ck_model *m = NULL;
    CHECK_OK(ck_model_load(&m, path, &err));
    FILE *f = fopen(csv_path, "r");
    CHECK(f != NULL);
    if (m == NULL || f == NULL) {
        fprintf(stderr, "  reference %s\n", path);
        ck_model_free(m);
        if (f)
            fclose(f);
        return 0;
    }
    const ck_schema *schema = ck_model_schema(m);
    size_t n_features = ck_schema_n_features(schema);
    char line[4096], *cells[64];
    long column_of[64]; /* csv column → feature, −1 for the probability */
    CHECK(fgets(line, sizeof line, f) != NULL);
    size_t n_cols = split_line(line, cells, 64);
    CHECK_EQ_INT(n_cols, n_features + 1);
    for (size_t c = 0; c < n_cols; c++) {
        column_of[c] = ck_schema_find(schema, cells[c]);
        CHECK(column_of[c] >= 0 || strcmp(cells[c], "probability") == 0);
    }
    size_t rows = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        float row[64];
        double want = NAN;
        CHECK_EQ_INT(split_line(line, cells, 64), n_cols);
        for (size_t c = 0; c < n_cols; c++) {
            long j = column_of[c];
            if (j < 0)
                want = strtod(cells[c], NULL);
            else if (cells[c][0] == '\0')
                row[j] = NAN;
            else if (ck_schema_kind(schema, (size_t)j) == CK_FEATURE_NUMERIC)
                row[j] = strtof(cells[c], NULL);
            else
                row[j] = (float)ck_schema_level_code(schema, (size_t)j, cells[c], strlen(cells[c]));
        }
        /* independent sum of the stumps in double precision (score_reference.py) */
        CHECK_NEAR(ck_model_predict_row(m, row), want, 1e-12);
        rows++;
    }
    fclose(f);
    ck_model_free(m);
    return rows;
}

static void test_model_reference__reference_files_score_their_rows(void)
{
    const char *dir = CK_MODELS_DIR "/reference";
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (d == NULL)
        return;
    size_t files = 0, rows = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
            size_t n = check_reference(dir, e->d_name);
            CHECK(n >= 10);
            rows += n;
            files++;
        }
    }
    closedir(d);
    CHECK(files >= 1);
    CHECK(rows >= 10);
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_model_reference__reference_files_score_their_rows);
    return check_summary();
}

/*
 * The JSON layer (see json.h): cJSON behind churnkit's own number formatting, path-named
 * errors and checked getters. The only file that includes <cjson/cJSON.h>.
 *
 * Numbers: 17 significant digits always give back an IEEE 754 binary64 (C11 5.2.4.2.2,
 * DECIMAL_DIG), so a file holds each number exactly; trying 15 and 16 first keeps 0.1
 * from being written 0.10000000000000001. They reach the text as cJSON raw values, never
 * through cJSON's printer, which keeps only 15 significant digits.
 */
#include "io/json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"

/* ---- nodes -------------------------------------------------------------------------- */

bool ck__json_is_object(const ck__json *v)
{
    return cJSON_IsObject(v);
}

bool ck__json_is_array(const ck__json *v)
{
    return cJSON_IsArray(v);
}

bool ck__json_is_string(const ck__json *v)
{
    return cJSON_IsString(v);
}

bool ck__json_is_number(const ck__json *v)
{
    return cJSON_IsNumber(v);
}

bool ck__json_is_bool(const ck__json *v)
{
    return cJSON_IsBool(v);
}

bool ck__json_is_true(const ck__json *v)
{
    return cJSON_IsTrue(v);
}

bool ck__json_is_null(const ck__json *v)
{
    return cJSON_IsNull(v);
}

const char *ck__json_string(const ck__json *v)
{
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

double ck__json_number(const ck__json *v)
{
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

const char *ck__json_key(const ck__json *v)
{
    return v->string;
}

const ck__json *ck__json_child(const ck__json *v)
{
    return v != NULL ? v->child : NULL;
}

const ck__json *ck__json_next(const ck__json *v)
{
    return v->next;
}

size_t ck__json_size(const ck__json *v)
{
    int n = cJSON_GetArraySize(v);
    return n > 0 ? (size_t)n : 0;
}

const ck__json *ck__json_get(const ck__json *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

void ck__json_free(ck__json *root)
{
    cJSON_Delete(root);
}

/* ---- parsing ------------------------------------------------------------------------ */

int ck__json_read_file(char **out, size_t *len_out, const char *path, ck_error *err)
{
    return ck__json_read_file_max(out, len_out, path, SIZE_MAX, NULL, err);
}

static int too_large(const char *path, uintmax_t bytes, size_t max_bytes, const char *what,
                     ck_error *err)
{
    return ck_error_set(err, CK_EINVAL, path, 0, "%ju bytes: %s is at most %zu MiB", bytes, what,
                        max_bytes >> 20);
}

int ck__json_read_file_max(char **out, size_t *len_out, const char *path, size_t max_bytes,
                           const char *what, ck_error *err)
{
    *out = NULL;
    *len_out = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ck_error_set(err, CK_EIO, path, 0, "%s", strerror(errno));
    int rc = CK_OK;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max_bytes) {
        rc = too_large(path, (uintmax_t)st.st_size, max_bytes, what, err);
        fclose(f);
        return rc;
    }
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    for (;;) {
        if (text == NULL) {
            rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
            goto done;
        }
        len += fread(text + len, 1, cap - len - 1, f);
        if (len > max_bytes) {
            rc = too_large(path, len, max_bytes, what, err);
            free(text);
            goto done;
        }
        if (len + 1 < cap)
            break;
        char *bigger = ck__realloc_array(text, cap, 2);
        if (bigger == NULL)
            free(text);
        text = bigger;
        cap *= 2;
    }
    if (ferror(f)) {
        rc = ck_error_set(err, CK_EIO, path, 0, "read error: %s", strerror(errno));
        free(text);
        goto done;
    }
    text[len] = '\0';
    *out = text;
    *len_out = len;
done:
    fclose(f);
    return rc;
}

/* The 1-based line of `pos` in `text`. */
static long line_of(const char *text, const char *pos)
{
    long line = 1;
    for (const char *p = text; p < pos && *p; p++)
        line += *p == '\n';
    return line;
}

ck__json *ck__json_parse(const char *text, size_t len, bool whole, long *line_out)
{
    const char *end = NULL; /* where parsing stopped: the error's position on failure */
    cJSON *root = cJSON_ParseWithOpts(text, &end, whole);
    /* a NUL inside the text would end it early: not JSON */
    if (root != NULL && whole && strlen(text) != len) {
        cJSON_Delete(root);
        root = NULL;
    }
    if (line_out != NULL)
        *line_out = root == NULL && end != NULL ? line_of(text, end) : 0;
    return root;
}

/* ---- numbers ------------------------------------------------------------------------ */

void ck__json_format_double(char buf[32], double v)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* a host program may have set a locale with another decimal point */
    const char *point = localeconv()->decimal_point;
    if (point[0] != '.' && point[0] != '\0' && point[1] == '\0') {
        char *p = strchr(buf, point[0]);
        if (p != NULL)
            *p = '.';
    }
}

/* ---- writing ------------------------------------------------------------------------ */

static void fail_write_v(ck__json_writer *w, ck_status code, const char *fmt, va_list ap)
{
    if (w->rc < 0)
        return;
    char msg[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    w->rc = ck_error_set(w->err, code, NULL, 0, "%s", msg);
}

void ck__json_fail_write(ck__json_writer *w, ck_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_write_v(w, code, fmt, ap);
    va_end(ap);
}

ck__json *ck__json_put(ck__json_writer *w, ck__json *obj, const char *key, ck__json *item)
{
    if (item == NULL) {
        ck__json_fail_write(w, CK_ENOMEM, "out of memory");
        return NULL;
    }
    bool ok = w->rc == CK_OK && obj != NULL &&
              (key ? cJSON_AddItemToObject(obj, key, item) : cJSON_AddItemToArray(obj, item));
    if (!ok) {
        cJSON_Delete(item);
        ck__json_fail_write(w, CK_ENOMEM, "out of memory");
        return NULL;
    }
    return item;
}

ck__json *ck__json_new_object(const ck__json_writer *w)
{
    return w->rc == CK_OK ? cJSON_CreateObject() : NULL;
}

ck__json *ck__json_new_array(const ck__json_writer *w)
{
    return w->rc == CK_OK ? cJSON_CreateArray() : NULL;
}

ck__json *ck__json_new_string(const ck__json_writer *w, const char *s)
{
    return w->rc == CK_OK ? cJSON_CreateString(s) : NULL;
}

ck__json *ck__json_new_bool(const ck__json_writer *w, bool b)
{
    return w->rc == CK_OK ? cJSON_CreateBool(b) : NULL;
}

ck__json *ck__json_new_null(const ck__json_writer *w)
{
    return w->rc == CK_OK ? cJSON_CreateNull() : NULL;
}

ck__json *ck__json_new_integer(const ck__json_writer *w, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return w->rc == CK_OK ? cJSON_CreateRaw(buf) : NULL;
}

static ck__json *new_number_v(ck__json_writer *w, double v, const char *path_fmt, va_list ap)
{
    if (w->rc < 0)
        return NULL;
    if (!isfinite(v)) {
        char path[CK__JSON_PATH_LEN];
        vsnprintf(path, sizeof path, path_fmt, ap);
        ck__json_fail_write(w, CK_EINVAL, "%s: cannot write %s (model numbers must be finite)",
                            path,
                            isnan(v) ? "nan"
                            : v > 0  ? "inf"
                                     : "-inf");
        return NULL;
    }
    char buf[32];
    ck__json_format_double(buf, v);
    return cJSON_CreateRaw(buf);
}

ck__json *ck__json_new_number(ck__json_writer *w, double v, const char *path_fmt, ...)
{
    va_list ap;
    va_start(ap, path_fmt);
    ck__json *item = new_number_v(w, v, path_fmt, ap);
    va_end(ap);
    return item;
}

ck__json *ck__json_new_metric(ck__json_writer *w, double v, const char *path_fmt, ...)
{
    if (isnan(v))
        return ck__json_new_null(w);
    va_list ap;
    va_start(ap, path_fmt);
    ck__json *item = new_number_v(w, v, path_fmt, ap);
    va_end(ap);
    return item;
}

int ck__json_write(const ck__json *root, FILE *out, ck_error *err)
{
    char *text = cJSON_Print(root);
    if (text == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    int rc = CK_OK;
    if (fputs(text, out) == EOF || fputc('\n', out) == EOF || fflush(out) != 0)
        rc = ck_error_set(err, CK_EIO, NULL, 0, "write error: %s", strerror(errno));
    cJSON_free(text);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------ */

int ck__json_fail(const ck__json_reader *r, ck_status code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ck_error_set(r->err, code, r->file, 0, "%s", msg);
}

static void mark_truncated(char out[CK__JSON_PATH_LEN], int written)
{
    if (written >= CK__JSON_PATH_LEN)
        memcpy(out + CK__JSON_PATH_LEN - 4, "...", 4);
}

void ck__json_path_key(char out[CK__JSON_PATH_LEN], const char *at, const char *key)
{
    mark_truncated(out, snprintf(out, CK__JSON_PATH_LEN, "%s%s%s", at, at[0] ? "." : "", key));
}

void ck__json_path_index(char out[CK__JSON_PATH_LEN], const char *at, size_t i)
{
    mark_truncated(out, snprintf(out, CK__JSON_PATH_LEN, "%s[%zu]", at, i));
}

const ck__json *ck__json_member(const ck__json_reader *r, const ck__json *obj, const char *at,
                                const char *key, char path[CK__JSON_PATH_LEN])
{
    ck__json_path_key(path, at, key);
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (it == NULL)
        ck__json_fail(r, CK_EINVAL, "%s: missing", path);
    return it;
}

int ck__json_get_object(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, const ck__json **out, char path[CK__JSON_PATH_LEN])
{
    *out = NULL; /* set on every path: callers read it only on success */
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    if (it == NULL)
        return CK_EINVAL;
    if (!cJSON_IsObject(it))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an object", path);
    *out = it;
    return CK_OK;
}

int ck__json_get_array(const ck__json_reader *r, const ck__json *obj, const char *at,
                       const char *key, size_t max, const ck__json **out, size_t *n,
                       char path[CK__JSON_PATH_LEN])
{
    *out = NULL;
    *n = 0;
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    if (it == NULL)
        return CK_EINVAL;
    if (!cJSON_IsArray(it))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an array", path);
    *n = (size_t)cJSON_GetArraySize(it);
    if (*n > max)
        return ck__json_fail(r, CK_EINVAL, "%s: too many items (at most %zu)", path, max);
    *out = it;
    return CK_OK;
}

int ck__json_want_number(const ck__json_reader *r, const ck__json *v, const char *path, double *out)
{
    *out = 0;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return ck__json_fail(r, CK_EINVAL, "%s: expected a number", path);
    *out = v->valuedouble;
    return CK_OK;
}

int ck__json_get_number(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, double *out)
{
    *out = 0;
    char path[CK__JSON_PATH_LEN];
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    return it ? ck__json_want_number(r, it, path, out) : CK_EINVAL;
}

int ck__json_get_metric(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, double *out)
{
    *out = 0;
    char path[CK__JSON_PATH_LEN];
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    if (it == NULL)
        return CK_EINVAL;
    if (cJSON_IsNull(it)) {
        *out = NAN;
        return CK_OK;
    }
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return ck__json_fail(r, CK_EINVAL, "%s: expected a number or null", path);
    *out = it->valuedouble;
    return CK_OK;
}

int ck__json_want_integer(const ck__json_reader *r, const ck__json *v, const char *path, double lo,
                          double hi, double *out)
{
    *out = 0;
    double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (!(x >= lo && x <= hi && x == floor(x)))
        return ck__json_fail(r, CK_EINVAL, "%s: expected a whole number from %.0f to %.0f", path,
                             lo, hi);
    *out = x;
    return CK_OK;
}

int ck__json_get_int(const ck__json_reader *r, const ck__json *obj, const char *at, const char *key,
                     int *out)
{
    char path[CK__JSON_PATH_LEN];
    double v;
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    int rc = it ? ck__json_want_integer(r, it, path, 0, 2147483647.0, &v) : CK_EINVAL;
    if (rc == CK_OK)
        *out = (int)v;
    return rc;
}

int ck__json_get_count(const ck__json_reader *r, const ck__json *obj, const char *at,
                       const char *key, size_t *out)
{
    char path[CK__JSON_PATH_LEN];
    double v;
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    int rc = it ? ck__json_want_integer(r, it, path, 0, CK__JSON_EXACT_INT, &v) : CK_EINVAL;
    if (rc == CK_OK)
        *out = (size_t)v;
    return rc;
}

int ck__json_get_bool(const ck__json_reader *r, const ck__json *obj, const char *at,
                      const char *key, bool *out)
{
    *out = false;
    char path[CK__JSON_PATH_LEN];
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    if (it == NULL)
        return CK_EINVAL;
    if (!cJSON_IsBool(it))
        return ck__json_fail(r, CK_EINVAL, "%s: expected true or false", path);
    *out = cJSON_IsTrue(it);
    return CK_OK;
}

int ck__json_want_string(const ck__json_reader *r, const ck__json *v, const char *path,
                         const char **out)
{
    *out = NULL;
    if (!cJSON_IsString(v))
        return ck__json_fail(r, CK_EINVAL, "%s: expected a string", path);
    *out = v->valuestring;
    return CK_OK;
}

int ck__json_get_string(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, char *out, size_t size)
{
    char path[CK__JSON_PATH_LEN];
    const char *s;
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    int rc = it ? ck__json_want_string(r, it, path, &s) : CK_EINVAL;
    if (rc < 0)
        return rc;
    if (strlen(s) >= size)
        return ck__json_fail(r, CK_EINVAL, "%s: too long (at most %zu bytes)", path, size - 1);
    memcpy(out, s, strlen(s) + 1);
    return CK_OK;
}

int ck__json_get_in_range(const ck__json_reader *r, const ck__json *obj, const char *at,
                          const char *key, double lo, bool lo_closed, double hi,
                          const char *expected, double *out)
{
    char path[CK__JSON_PATH_LEN];
    int rc = ck__json_get_number(r, obj, at, key, out);
    if (rc < 0)
        return rc;
    if (!((lo_closed ? *out >= lo : *out > lo) && *out < hi)) {
        ck__json_path_key(path, at, key);
        return ck__json_fail(r, CK_EINVAL, "%s: expected %s", path, expected);
    }
    return CK_OK;
}

int ck__json_get_choice(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, const char *const *names, int n, const char *expected,
                        int *out)
{
    char path[CK__JSON_PATH_LEN];
    const char *s;
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    int rc = it ? ck__json_want_string(r, it, path, &s) : CK_EINVAL;
    if (rc < 0)
        return rc;
    for (int k = 0; k < n; k++)
        if (strcmp(s, names[k]) == 0) {
            *out = k;
            return CK_OK;
        }
    return ck__json_fail(r, CK_EINVAL, "%s: expected %s, got \"%s\"", path, expected, s);
}

int ck__json_get_u64_string(const ck__json_reader *r, const ck__json *obj, const char *at,
                            const char *key, uint64_t *out)
{
    char path[CK__JSON_PATH_LEN];
    const char *s;
    const cJSON *it = ck__json_member(r, obj, at, key, path);
    int rc = it ? ck__json_want_string(r, it, path, &s) : CK_EINVAL;
    if (rc < 0)
        return rc;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno == ERANGE)
        return ck__json_fail(r, CK_EINVAL,
                             "%s: expected a whole number from 0 to 2^64 - 1 as a string", path);
    *out = (uint64_t)v;
    return CK_OK;
}

int ck__json_get_numbers(const ck__json_reader *r, const ck__json *obj, const char *at,
                         const char *key, size_t n, const char *what, double **out)
{
    *out = NULL;
    char path[CK__JSON_PATH_LEN];
    const cJSON *arr;
    size_t got;
    int rc = ck__json_get_array(r, obj, at, key, SIZE_MAX, &arr, &got, path);
    if (rc < 0)
        return rc;
    if (got != n)
        return ck__json_fail(r, CK_EINVAL, "%s: expected %zu numbers (%s), got %zu", path, n, what,
                             got);
    double *v = ck__alloc_array(n, sizeof *v);
    if (v == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    size_t k = 0;
    for (const cJSON *it = arr->child; it; it = it->next, k++) {
        char item_path[CK__JSON_PATH_LEN];
        ck__json_path_index(item_path, path, k);
        if ((rc = ck__json_want_number(r, it, item_path, &v[k])) < 0) {
            free(v);
            return rc;
        }
    }
    *out = v;
    return CK_OK;
}

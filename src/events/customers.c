/*
 * Customer attributes (see customers.h). The file is read once into interned cells
 * (attribute values repeat a lot), then each column is typed: numeric when every present
 * value is a number, categorical otherwise.
 */
#include "churnkit/customers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/intern.h"
#include "base/util.h"
#include "churnkit/config.h"
#include "churnkit/csv.h"
#include "churnkit/timestamp.h"
#include "io/cell.h"

#define MISSING UINT32_MAX

typedef struct attribute {
    char *name;
    bool is_categorical;
    uint32_t *cells; /* interned value per row, MISSING when absent */
    double *numbers; /* numeric columns: the value per row, NaN when absent */
} attribute;

struct ck_customers {
    ck__intern ids;
    ck__intern values; /* every attribute value, shared by the columns */
    int64_t *signup;
    size_t n_rows, cap;
    attribute *attrs;
    size_t n_attrs;
};

void ck_customers_free(ck_customers *cu)
{
    if (cu == NULL)
        return;
    ck__intern_free(&cu->ids);
    ck__intern_free(&cu->values);
    free(cu->signup);
    for (size_t a = 0; a < cu->n_attrs; a++) {
        free(cu->attrs[a].name);
        free(cu->attrs[a].cells);
        free(cu->attrs[a].numbers);
    }
    free(cu->attrs);
    free(cu);
}

static int setup_columns(ck_customers *cu, const ck_csv_row *row, const char *id_name,
                         const char *path, long *id_col, long *signup_col, ck_error *err)
{
    *id_col = *signup_col = -1;
    cu->attrs = calloc(row->n_fields ? row->n_fields : 1, sizeof *cu->attrs);
    if (cu->attrs == NULL)
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    for (size_t f = 0; f < row->n_fields; f++) {
        const char *name = row->fields[f];
        size_t len = row->lengths[f];
        ck__cell_trim(&name, &len);
        if (len == strlen(id_name) && memcmp(name, id_name, len) == 0) {
            *id_col = (long)f;
            continue;
        }
        if (len == 11 && memcmp(name, "signup_date", 11) == 0) {
            *signup_col = (long)f;
            continue;
        }
        attribute *a = &cu->attrs[cu->n_attrs++];
        a->name = strndup(name, len);
        if (a->name == NULL)
            return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    }
    if (*id_col < 0)
        return ck_error_set(err, CK_EPARSE, path, row->line, "missing column \"%s\"", id_name);
    return CK_OK;
}

static bool reserve_rows(ck_customers *cu, size_t need)
{
    if (need <= cu->cap)
        return true;
    size_t cap = cu->cap;
    if (!ck__grow((void **)&cu->signup, &cap, need, sizeof *cu->signup))
        return false;
    for (size_t a = 0; a < cu->n_attrs; a++) {
        cap = cu->cap;
        if (!ck__grow((void **)&cu->attrs[a].cells, &cap, need, sizeof *cu->attrs[a].cells))
            return false;
    }
    cu->cap = cap;
    return true;
}

static int add_row(ck_customers *cu, const ck_csv_row *row, size_t n_fields, long id_col,
                   long signup_col, const char *path, ck_error *err)
{
    if (row->n_fields != n_fields)
        return ck_error_set(err, CK_EPARSE, path, row->line, "expected %zu fields, got %zu",
                            n_fields, row->n_fields);
    const char *id = row->fields[id_col];
    size_t id_len = row->lengths[id_col];
    ck__cell_trim(&id, &id_len);
    if (id_len == 0)
        return ck_error_set(err, CK_EPARSE, path, row->line, "missing customer id");
    if (ck__intern_find(&cu->ids, id, id_len) >= 0)
        return ck_error_set(err, CK_EPARSE, path, row->line, "duplicate customer id \"%.*s\"",
                            (int)id_len, id);
    if (!reserve_rows(cu, cu->n_rows + 1) || ck__intern_put(&cu->ids, id, id_len) < 0)
        return ck_error_set(err, CK_ENOMEM, path, row->line, "out of memory");
    size_t r = cu->n_rows++;
    cu->signup[r] = CK_NO_SIGNUP;
    size_t a = 0;
    for (size_t f = 0; f < row->n_fields; f++) {
        if ((long)f == id_col)
            continue;
        const char *s = row->fields[f];
        size_t len = row->lengths[f];
        ck__cell_trim(&s, &len);
        bool missing = ck__cell_is_missing(s, len);
        if ((long)f == signup_col) {
            if (!missing && ck_ts_parse(&cu->signup[r], s, len) != CK_OK)
                return ck_error_set(err, CK_EPARSE, path, row->line, "bad signup_date \"%.*s\"",
                                    (int)len, s);
            continue;
        }
        long v = missing ? (long)MISSING : ck__intern_put(&cu->values, s, len);
        if (v < 0)
            return ck_error_set(err, CK_ENOMEM, path, row->line, "out of memory");
        cu->attrs[a++].cells[r] = (uint32_t)v;
    }
    return CK_OK;
}

/* Numeric when every present value parses as a number. */
static int type_columns(ck_customers *cu, const char *path, ck_error *err)
{
    size_t n_values = cu->values.count;
    double *parsed = ck__alloc_array(n_values, sizeof *parsed);
    if (parsed == NULL)
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    for (size_t v = 0; v < n_values; v++) {
        const char *s = ck__intern_str(&cu->values, v);
        if (!ck__cell_parse_number(&parsed[v], s, strlen(s)))
            parsed[v] = NAN;
    }
    int rc = CK_OK;
    for (size_t a = 0; a < cu->n_attrs && rc == CK_OK; a++) {
        attribute *at = &cu->attrs[a];
        at->is_categorical = false;
        for (size_t r = 0; r < cu->n_rows && !at->is_categorical; r++)
            at->is_categorical = at->cells[r] != MISSING && isnan(parsed[at->cells[r]]);
        if (at->is_categorical)
            continue;
        at->numbers = ck__alloc_array(cu->n_rows, sizeof *at->numbers);
        if (at->numbers == NULL) {
            rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
            break;
        }
        for (size_t r = 0; r < cu->n_rows; r++)
            at->numbers[r] = at->cells[r] == MISSING ? NAN : parsed[at->cells[r]];
    }
    free(parsed);
    return rc;
}

int ck_customers_read_csv(ck_customers **out, const char *path, const ck_config *cfg, ck_error *err)
{
    ck_config default_cfg;
    if (cfg == NULL) {
        ck_config_init(&default_cfg);
        cfg = &default_cfg;
    }
    *out = NULL;
    ck_csv *csv = NULL;
    ck_customers *cu = calloc(1, sizeof *cu);
    if (cu == NULL)
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    int rc = ck_csv_open(&csv, path, cfg->delimiter, err);
    if (rc < 0)
        goto fail;
    ck_csv_row row;
    if ((rc = ck_csv_next(csv, &row, err)) == 0)
        rc = ck_error_set(err, CK_EPARSE, path, 1, "empty file: expected a header row");
    if (rc < 0)
        goto fail;
    long id_col, signup_col;
    size_t n_fields = row.n_fields;
    rc = setup_columns(cu, &row, cfg->column_names[CK_COL_CUSTOMER_ID], path, &id_col, &signup_col,
                       err);
    if (rc < 0)
        goto fail;
    while ((rc = ck_csv_next(csv, &row, err)) == 1)
        if ((rc = add_row(cu, &row, n_fields, id_col, signup_col, path, err)) < 0)
            goto fail;
    if (rc < 0 || (rc = type_columns(cu, path, err)) < 0)
        goto fail;
    ck_csv_free(csv);
    *out = cu;
    return CK_OK;
fail:
    ck_csv_free(csv);
    ck_customers_free(cu);
    return rc;
}

size_t ck_customers_n_rows(const ck_customers *cu)
{
    return cu->n_rows;
}

long ck_customers_find(const ck_customers *cu, const char *id, size_t len)
{
    return ck__intern_find(&cu->ids, id, len);
}

int64_t ck_customers_signup(const ck_customers *cu, size_t row)
{
    return cu->signup[row];
}

size_t ck_customers_n_attributes(const ck_customers *cu)
{
    return cu->n_attrs;
}

const char *ck_customers_attribute_name(const ck_customers *cu, size_t attr)
{
    return cu->attrs[attr].name;
}

bool ck_customers_attribute_is_categorical(const ck_customers *cu, size_t attr)
{
    return cu->attrs[attr].is_categorical;
}

double ck_customers_number(const ck_customers *cu, size_t attr, size_t row)
{
    const attribute *a = &cu->attrs[attr];
    return a->numbers ? a->numbers[row] : NAN;
}

const char *ck_customers_string(const ck_customers *cu, size_t attr, size_t row)
{
    uint32_t v = cu->attrs[attr].cells[row];
    return v == MISSING ? NULL : ck__intern_str(&cu->values, v);
}

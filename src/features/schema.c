/* Feature schemas (see schema.h): names in order, with interned levels per categorical. */
#include "churnkit/schema.h"

#include <stdlib.h>
#include <string.h>

#include "base/intern.h"
#include "base/util.h"

typedef struct feature {
    char *name;
    ck_feature_kind kind;
    ck__intern levels;
} feature;

struct ck_schema {
    feature *features;
    size_t n, cap;
    ck__intern names;
};

int ck_schema_new(ck_schema **out, ck_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? CK_OK : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
}

void ck_schema_free(ck_schema *schema)
{
    if (schema == NULL)
        return;
    for (size_t j = 0; j < schema->n; j++) {
        free(schema->features[j].name);
        ck__intern_free(&schema->features[j].levels);
    }
    free(schema->features);
    ck__intern_free(&schema->names);
    free(schema);
}

int ck_schema_add_feature(ck_schema *schema, const char *name, ck_feature_kind kind, ck_error *err)
{
    size_t len = strlen(name);
    if (ck__intern_find(&schema->names, name, len) >= 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "feature \"%s\" appears twice", name);
    if (!ck__grow((void **)&schema->features, &schema->cap, schema->n + 1,
                  sizeof *schema->features) ||
        ck__intern_put(&schema->names, name, len) < 0)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    feature *f = &schema->features[schema->n];
    memset(f, 0, sizeof *f);
    f->name = strdup(name);
    f->kind = kind;
    if (f->name == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    return (int)schema->n++;
}

int ck_schema_copy(ck_schema **out, const ck_schema *schema, ck_error *err)
{
    int rc = ck_schema_new(out, err);
    for (size_t j = 0; rc >= 0 && j < schema->n; j++) {
        const feature *f = &schema->features[j];
        rc = ck_schema_add_feature(*out, f->name, f->kind, err);
        for (size_t k = 0; rc >= 0 && k < f->levels.count; k++)
            rc = ck_schema_add_level(*out, j, ck__intern_str(&f->levels, k), f->levels.lengths[k],
                                     err);
    }
    if (rc < 0) {
        ck_schema_free(*out);
        *out = NULL;
        return rc;
    }
    return CK_OK;
}

int ck_schema_add_level(ck_schema *schema, size_t j, const char *level, size_t len, ck_error *err)
{
    long code = ck__intern_put(&schema->features[j].levels, level, len);
    if (code < 0)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    return (int)code;
}

size_t ck_schema_n_features(const ck_schema *schema)
{
    return schema->n;
}

const char *ck_schema_name(const ck_schema *schema, size_t j)
{
    return schema->features[j].name;
}

ck_feature_kind ck_schema_kind(const ck_schema *schema, size_t j)
{
    return schema->features[j].kind;
}

long ck_schema_find(const ck_schema *schema, const char *name)
{
    return ck__intern_find(&schema->names, name, strlen(name));
}

size_t ck_schema_n_levels(const ck_schema *schema, size_t j)
{
    return schema->features[j].levels.count;
}

const char *ck_schema_level(const ck_schema *schema, size_t j, size_t code)
{
    const ck__intern *levels = &schema->features[j].levels;
    return code < levels->count ? ck__intern_str(levels, code) : NULL;
}

size_t ck_schema_level_code(const ck_schema *schema, size_t j, const char *level, size_t len)
{
    const ck__intern *levels = &schema->features[j].levels;
    long code = ck__intern_find(levels, level, len);
    return code >= 0 ? (size_t)code : levels->count;
}

/*
 * An uplift model's output rows (predict.h): each arm's conversion probability, each
 * treatment arm's uplift against control, and the arm worth treating with.
 */
#include "churnkit/predict.h"

#include "score/row_fields.h"

/* "<prefix><arm>" into name. */
static const char *column(char name[CK_NAME_MAX + 8], const char *prefix, const char *arm)
{
    snprintf(name, CK_NAME_MAX + 8, "%s%s", prefix, arm);
    return name;
}

int ck_uplift_write_header(const ck_uplift *u, bool jsonl, const char *id_name,
                           ck_predict_buffer *b, ck_error *err)
{
    if (jsonl)
        return CK_OK;
    ck__row_fields f = { b, false, 0, true };
    char name[CK_NAME_MAX + 8];
    ck__row_text_field(&f, "", id_name);
    for (size_t a = 0; a < ck_uplift_n_arms(u); a++)
        ck__row_text_field(&f, "", column(name, "p_", ck_uplift_arm_at(u, a)->name));
    for (size_t a = 0; a < ck_uplift_n_arms(u); a++)
        if (a != ck_uplift_control(u))
            ck__row_text_field(&f, "", column(name, "uplift_", ck_uplift_arm_at(u, a)->name));
    ck__row_text_field(&f, "", "best_arm");
    if (ck_uplift_has_economics(u))
        ck__row_text_field(&f, "", "net_value");
    if (!f.ok || !ck__row_reserve(b, 1))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    b->text[b->len++] = '\n';
    return CK_OK;
}

int ck_uplift_write_row(const ck_uplift *u, bool jsonl, const char *id_name, const char *id,
                        const double *p, const double *uplift, ck_predict_buffer *b,
                        ck_error *err)
{
    ck__row_fields f = { b, jsonl, 0, true };
    char name[CK_NAME_MAX + 8];
    double net;
    long best = ck_uplift_best_arm(u, uplift, &net);
    ck__row_text_field(&f, id_name, id);
    for (size_t a = 0; a < ck_uplift_n_arms(u); a++)
        ck__row_number_field(&f, column(name, "p_", ck_uplift_arm_at(u, a)->name), p[a], 6);
    for (size_t a = 0; a < ck_uplift_n_arms(u); a++)
        if (a != ck_uplift_control(u))
            ck__row_number_field(&f, column(name, "uplift_", ck_uplift_arm_at(u, a)->name),
                                 uplift[a], 6);
    ck__row_text_field(&f, "best_arm", best >= 0 ? ck_uplift_arm_at(u, (size_t)best)->name : "none");
    if (ck_uplift_has_economics(u))
        ck__row_number_field(&f, "net_value", best >= 0 ? net : 0.0, 4);
    if (!f.ok || !ck__row_reserve(b, 2))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck__row_put(b, jsonl ? "}\n" : "\n", jsonl ? 2 : 1);
    return CK_OK;
}

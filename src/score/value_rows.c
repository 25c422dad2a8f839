/*
 * A value model's output rows (predict.h): the customer's summary in the model's time
 * unit, then P(alive), expected purchases over the horizon and, with a spend model, the
 * expected spend per purchase and the lifetime value.
 */
#include "churnkit/predict.h"

#include "score/row_fields.h"

int ck_value_write_header(const ck_bgnbd_model *model, bool jsonl, const char *id_name,
                          ck_predict_buffer *b, ck_error *err)
{
    if (jsonl)
        return CK_OK;
    ck__row_fields f = { b, false, 0, true };
    ck__row_text_field(&f, "", id_name);
    ck__row_text_field(&f, "", "frequency");
    ck__row_text_field(&f, "", "recency");
    ck__row_text_field(&f, "", "T");
    if (model->has_spend)
        ck__row_text_field(&f, "", "monetary_value");
    ck__row_text_field(&f, "", "p_alive");
    ck__row_text_field(&f, "", "expected_purchases");
    if (model->has_spend) {
        ck__row_text_field(&f, "", "expected_spend");
        ck__row_text_field(&f, "", "clv");
    }
    if (!f.ok || !ck__row_reserve(b, 1))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    b->text[b->len++] = '\n';
    return CK_OK;
}

int ck_value_write_row(const ck_bgnbd_model *model, bool jsonl, const char *id_name,
                       const char *id, const ck_value_row *row, ck_predict_buffer *b,
                       ck_error *err)
{
    ck__row_fields f = { b, jsonl, 0, true };
    ck__row_text_field(&f, id_name, id);
    ck__row_number_field(&f, "frequency", row->x, 0);
    ck__row_number_field(&f, "recency", row->t_x, 4);
    ck__row_number_field(&f, "T", row->T, 4);
    if (model->has_spend)
        ck__row_number_field(&f, "monetary_value", row->spend, 4);
    ck__row_number_field(&f, "p_alive", row->p_alive, 8);
    ck__row_number_field(&f, "expected_purchases", row->expected_purchases, 8);
    if (model->has_spend) {
        ck__row_number_field(&f, "expected_spend", row->expected_spend, 4);
        ck__row_number_field(&f, "clv", row->clv, 4);
    }
    if (!f.ok || !ck__row_reserve(b, 2))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck__row_put(b, jsonl ? "}\n" : "\n", jsonl ? 2 : 1);
    return CK_OK;
}

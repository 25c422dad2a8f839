/*
 * A recommender's output rows (predict.h): the customer, their top items best first, and
 * the category of the top pick.
 */
#include "churnkit/predict.h"

#include "score/row_fields.h"

int ck_recommend_write_header(bool jsonl, ck_predict_buffer *b, ck_error *err)
{
    if (jsonl)
        return CK_OK;
    ck__row_fields f = { b, false, 0, true };
    ck__row_text_field(&f, "", "customer_id");
    ck__row_text_field(&f, "", "recommended_items");
    ck__row_text_field(&f, "", "recommended_category");
    if (!f.ok || !ck__row_reserve(b, 1))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    b->text[b->len++] = '\n';
    return CK_OK;
}

bool ck__recommend_fields(ck__row_fields *f, const ck_recommender *r, const uint32_t *top,
                          size_t n)
{
    size_t len = 0;
    for (size_t q = 0; q < n; q++)
        len += strlen(ck_recommender_item_id(r, top[q])) + 1;
    /* K ids fit on the stack for any usual K; a heap copy only beyond */
    char local[1024];
    char *items = len < sizeof local ? local : malloc(len + 1);
    if (items == NULL)
        return false;
    items[0] = '\0';
    for (size_t q = 0, at = 0; q < n; q++)
        at += (size_t)sprintf(items + at, "%s%s", q ? ";" : "", ck_recommender_item_id(r, top[q]));
    ck__row_text_field(f, "recommended_items", items);
    ck__row_text_field(f, "recommended_category", n ? ck_recommender_item_category(r, top[0]) : "");
    if (items != local)
        free(items);
    return f->ok;
}

int ck_recommend_write_row(const ck_recommender *r, bool jsonl, const char *id,
                           const uint32_t *top, size_t n, ck_predict_buffer *b, ck_error *err)
{
    ck__row_fields f = { b, jsonl, 0, true };
    ck__row_text_field(&f, "customer_id", id);
    if (!ck__recommend_fields(&f, r, top, n) || !ck__row_reserve(b, 2))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck__row_put(b, jsonl ? "}\n" : "\n", jsonl ? 2 : 1);
    return CK_OK;
}

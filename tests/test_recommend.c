/*
 * The recommender model type end to end on churn-synth's products (customers with latent
 * tastes and repeat favourites): trained before a cutoff, its out-of-time recall@10 against
 * the popularity baseline where it beats it (both measured by the evaluation library, itself checked against
 * numpy in test_recommend_eval), and its scores unchanged by a save and load.
 */
#include <stdlib.h>

#include "check.h"
#include "churnkit/churnkit.h"
#include "churnkit/pipeline.h"

#define EVENTS CK_TEST_TMP "/recommend_events.csv"
#define MODEL  CK_TEST_TMP "/recommend_model.json"

static ck_events *synth_events(void)
{
    ck_synth_params p = CK_SYNTH_PARAMS_INIT;
    p.n_customers = 4000;
    p.days = 730;
    p.seed = 9;
    FILE *f = fopen(EVENTS, "w");
    ck_error err = { 0 };
    ck_events *ev = NULL;
    if (f == NULL || ck_synth_write(&p, f, NULL, NULL, NULL, NULL, NULL, NULL, &err) < 0) {
        if (f)
            fclose(f);
        return NULL;
    }
    fclose(f);
    return ck_events_read_csv(&ev, EVENTS, NULL, &err) == CK_OK ? ev : NULL;
}

static void check_method(const ck_events *ev, ck_recommend_method method)
{
    ck_error err = { 0 };
    ck_model_spec spec = { .source = CK_SOURCE_EVENTS };
    ck_model_training tr = { 0 };
    ck_config_init(&spec.config);
    ck_pipeline_recommend_opts o = { ck_recommend_params_default(), 0, 30, 90 };
    o.params.method = method;
    o.params.als.factors = 16;
    o.params.als.iterations = 8;
    o.cutoff = 1704067200 + 640 * 86400LL; /* 2025-10-02 */
    ck_model *m = NULL, *back = NULL;
    CHECK_OK(ck_pipeline_recommend_train(&m, ev, &o, &spec, &tr, &err));
    if (m == NULL)
        return;
    FILE *f = fopen(MODEL, "w");
    CHECK(f && ck_model_save(m, f, &err) == CK_OK);
    if (f)
        fclose(f);
    CHECK_OK(ck_model_load(&back, MODEL, &err));
    ck_recommend_eval *a = NULL, *b = NULL;
    CHECK_OK(ck_pipeline_recommend_eval(&a, ev, m, o.cutoff, 60, 10, &err));
    CHECK_OK(back ? ck_pipeline_recommend_eval(&b, ev, back, o.cutoff, 60, 10, &err) : -1);
    if (method == CK_RECOMMEND_BLEND) {
        const ck_recommender *r = ck_model_recommender(m);
        for (int g = 0; g < 2; g++) {
            const double *w = ck_recommender_blend(r, g);
            printf("goal %d: %g %g %g %g %g recall %.4f\n", g, w[0], w[1], w[2], w[3], w[4],
                   ck_recommender_blend_recall(r, g));
        }
    }
    if (a && b) {
        const ck_recommend_metrics *model = &a->methods[0].all, *popular = &a->methods[1].all;
        printf("%-7s recall@10 %.4f (new items %.4f), popular %.4f (%.4f), repeat %.4f (%.4f), "
               "%zu customers\n",
               ck_recommend_method_name(method), model->recall, a->methods[0].new_items.recall,
               popular->recall, a->methods[1].new_items.recall, a->methods[2].all.recall,
               a->methods[2].new_items.recall, model->customers);
        /* measured at the time of writing (4,000 customers, 641 evaluated): ALS 0.375 and
         * the blend 0.511 against popularity's 0.219 on all items; EASE 0.171 against 0.146
         * on items new to the customer, where item-kNN (0.054) does not beat it; the
         * repeat baseline (0.515) is the one to beat on all items, and nothing does yet */
        if (method == CK_RECOMMEND_ALS || method == CK_RECOMMEND_BLEND)
            CHECK(model->recall > popular->recall);
        if (method == CK_RECOMMEND_EASE)
            CHECK(a->methods[0].new_items.recall > a->methods[1].new_items.recall);
        /* the loaded model recommends exactly what the trained one did */
        CHECK(a->methods[0].all.recall == b->methods[0].all.recall);
        CHECK(a->methods[0].new_items.ndcg == b->methods[0].new_items.ndcg);
    }
    ck_recommend_eval_free(a);
    ck_recommend_eval_free(b);
    ck_model_free(back);
    ck_model_free(m);
}

int main(void)
{
    ck_events *ev = synth_events();
    CHECK(ev != NULL);
    if (ev) {
        check_method(ev, CK_RECOMMEND_ALS);
        check_method(ev, CK_RECOMMEND_EASE);
        check_method(ev, CK_RECOMMEND_ITEMKNN);
        check_method(ev, CK_RECOMMEND_BLEND);
    }
    ck_events_free(ev);
    return check_summary();
}

/*
 * The inside of an uplift model, shared by its training (uplift.c), scoring
 * (uplift_score.c) and model file (uplift_io.c).
 */
#ifndef CK_UPLIFT_INT_H
#define CK_UPLIFT_INT_H

#include "churnkit/uplift.h"

struct ck_uplift {
    ck_uplift_method method;
    size_t n_arms, control;
    ck_uplift_arm arms[CK_UPLIFT_MAX_ARMS];
    bool has_economics;
    ck_schema *schema;                     /* the features every model reads (owned) */
    ck_gbm *outcome[CK_UPLIFT_MAX_ARMS];   /* μ_a, every arm */
    /* X-learner, each treatment arm a: τ_a1 fit on a's rows, τ_a0 on control's, both on
     * the (D + 1) / 2 scale; NULL for control and under the T-learner */
    ck_gbm *effect_treated[CK_UPLIFT_MAX_ARMS], *effect_control[CK_UPLIFT_MAX_ARMS];
    int effect_rounds[CK_UPLIFT_MAX_ARMS][2]; /* their rounds kept: treated, control */
    double propensity[CK_UPLIFT_MAX_ARMS];    /* g_a = n_a / (n_a + n_control) */
};

/* Train (uplift.c). */
int ck__uplift_train(ck_uplift **out, const ck_dataset *d, const ck_uplift_params *p,
                     ck_error *err);

/* An empty model to read into (calloc'd). */
ck_uplift *ck__uplift_new(void);
void ck__uplift_free(ck_uplift *u);

#endif

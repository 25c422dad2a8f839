/*
 * The registry of learners: every model type churnkit trains, scores, writes and reads,
 * with its public ck_model_type. A new type is a folder under src/learn/ defining its
 * ck__learner table (learn/learner.h), then one line below (and its value in
 * include/churnkit/model.h's ck_model_type).
 */
#include "model/registry.h"

#include <string.h>

/* One line per learner: its table, defined in its folder, and its type. */
#define CK__LEARNERS(X)                                                                            \
    X(ck__gbm_learner, CK_MODEL_GBM_STUMPS) /* src/learn/gbm/gbm_learner.c */                      \
    X(ck__logreg_learner, CK_MODEL_LOGREG)  /* src/learn/logreg/logreg_learner.c */            \
    X(ck__bgnbd_learner, CK_MODEL_BGNBD)    /* src/learn/bgnbd/bgnbd_learner.c */        \
    X(ck__uplift_learner, CK_MODEL_UPLIFT)  /* src/learn/gbm/uplift_learner.c */           \
    X(ck__recommend_learner, CK_MODEL_RECOMMEND) /* src/learn/recommend/recommend_learner.c */

#define DECLARE(table, type) extern const ck__learner table;
CK__LEARNERS(DECLARE)

static const struct {
    const ck__learner *learner;
    ck_model_type type;
} learners[] = {
#define ENTRY(table, type) { &table, type },
    CK__LEARNERS(ENTRY)
};

size_t ck__learner_count(void)
{
    return sizeof learners / sizeof *learners;
}

const ck__learner *ck__learner_at(size_t i)
{
    return i < ck__learner_count() ? learners[i].learner : NULL;
}

const ck__learner *ck__learner_find(const char *name)
{
    for (size_t i = 0; i < ck__learner_count(); i++)
        if (strcmp(learners[i].learner->name, name) == 0)
            return learners[i].learner;
    return NULL;
}

const ck__learner *ck__learner_of_type(ck_model_type type)
{
    for (size_t i = 0; i < ck__learner_count(); i++)
        if (learners[i].type == type)
            return learners[i].learner;
    return NULL;
}

ck_model_type ck__learner_type(const ck__learner *learner)
{
    for (size_t i = 0; i < ck__learner_count(); i++)
        if (learners[i].learner == learner)
            return learners[i].type;
    return (ck_model_type)-1; /* not reached: every model's learner is registered */
}

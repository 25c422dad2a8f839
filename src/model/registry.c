/*
 * The registry of learners: every model type churnkit trains, scores, writes and reads.
 * A new type is a folder under src/learn/ defining its ck__learner table (learner.h),
 * then one line below (and its ck_model_type value in include/churnkit/model.h).
 */
#include <string.h>

#include "model/learner.h"

/* One line per learner: its table, defined in its folder. */
#define CK__LEARNERS(X)                                                                            \
    X(ck__gbm_learner)    /* src/learn/gbm/gbm_learner.c */                                        \
    X(ck__logreg_learner) /* src/learn/logreg/logreg_learner.c */

#define DECLARE(table) extern const ck__learner table;
CK__LEARNERS(DECLARE)
#define ENTRY(table) &table,
static const ck__learner *const learners[] = { CK__LEARNERS(ENTRY) };

size_t ck__learner_count(void)
{
    return sizeof learners / sizeof *learners;
}

const ck__learner *ck__learner_at(size_t i)
{
    return i < ck__learner_count() ? learners[i] : NULL;
}

const ck__learner *ck__learner_find(const char *name)
{
    for (size_t i = 0; i < ck__learner_count(); i++)
        if (strcmp(learners[i]->name, name) == 0)
            return learners[i];
    return NULL;
}

const ck__learner *ck__learner_of_type(ck_model_type type)
{
    for (size_t i = 0; i < ck__learner_count(); i++)
        if (learners[i]->type == type)
            return learners[i];
    return NULL;
}

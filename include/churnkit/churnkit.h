/**
 * @file churnkit.h
 * @brief Umbrella header: every public churnkit module, and the version.
 */
#ifndef CHURNKIT_H
#define CHURNKIT_H

#include "churnkit/abtest.h"
#include "churnkit/config.h"
#include "churnkit/csv.h"
#include "churnkit/customers.h"
#include "churnkit/dataset.h"
#include "churnkit/enrich.h"
#include "churnkit/error.h"
#include "churnkit/eval.h"
#include "churnkit/events.h"
#include "churnkit/features.h"
#include "churnkit/gbm.h"
#include "churnkit/lifecycle.h"
#include "churnkit/logreg.h"
#include "churnkit/metrics.h"
#include "churnkit/model.h"
#include "churnkit/progress.h"
#include "churnkit/rfm.h"
#include "churnkit/schema.h"
#include "churnkit/sha256.h"
#include "churnkit/stats.h"
#include "churnkit/synth.h"
#include "churnkit/timestamp.h"
#include "churnkit/uplift.h"
#include "churnkit/version.h"

#endif

/*
 * The config reader for a config held inside another JSON document, offered to the rooms
 * above: a model's feature spec holds its whole config in the config-file format, and the
 * model file (model/envelope.c) reads it back under exactly the rules a config file is,
 * so nothing that a config file may not say can reach the feature builder through a model.
 */
#ifndef CK_CONFIG_JSON_H
#define CK_CONFIG_JSON_H

#include "churnkit/config.h"
#include "io/json.h"

/* Fill `cfg` with the defaults, then apply the config object `root` (a parsed config
 * file). Errors name `path` as the file. Returns CK_OK or CK_EINVAL. */
int ck__config_from_json(ck_config *cfg, const ck__json *root, const char *path, ck_error *err);

#endif

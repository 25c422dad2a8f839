/* Hashing an input while it is read (see input_hash.h). */
#include "pipeline/input_hash.h"

#include "churnkit/sha256.h"
#include "pipeline/training_int.h"

static void *hash_file(void *arg)
{
    ck__input_hash *h = arg;
    h->rc = ck_sha256_file(h->hex, h->path, &h->err);
    return NULL;
}

void ck__input_hash_start(ck__input_hash *h, const char *path)
{
    *h = (ck__input_hash){ .path = path };
    h->on_thread = pthread_create(&h->thread, NULL, hash_file, h) == 0;
}

int ck__input_hash_finish(ck__input_hash *h, bool ok, ck_model_training *training, const char *role,
                          ck_error *err)
{
    if (h->on_thread)
        pthread_join(h->thread, NULL);
    else if (ok)
        hash_file(h);
    if (!ok)
        return CK_OK;
    if (h->rc < 0) {
        if (err)
            *err = h->err;
        return h->rc;
    }
    return ck__pipeline_add_input_hex(training, role, h->path, h->hex, err);
}

/*
 * Reading back what a writer put in a temporary file, for the tests of text, JSON and
 * report writers.
 */
#ifndef CK_TEST_READ_BACK_H
#define CK_TEST_READ_BACK_H

#include <stdio.h>
#include <stdlib.h>

/* Everything written to fp so far, NUL-terminated (free() it), or NULL; fp is closed. */
static inline char *read_back(FILE *fp)
{
    long size = ftell(fp);
    char *text = size >= 0 ? calloc((size_t)size + 1, 1) : NULL;
    rewind(fp);
    if (text != NULL && fread(text, 1, (size_t)size, fp) != (size_t)size) {
        free(text);
        text = NULL;
    }
    fclose(fp);
    return text;
}

#endif

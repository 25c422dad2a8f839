/*
 * The error record: set once where the file and line are known, formatted once by the tool.
 */
#include "churnkit/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ck_error_set(ck_error *err, ck_status code, const char *file, long line, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->line = line;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *ck_error_format(const ck_error *err, char *buf, size_t size)
{
    if (err->file[0] != '\0' && err->line > 0)
        snprintf(buf, size, "%s:%ld: %s", err->file, err->line, err->msg);
    else if (err->file[0] != '\0')
        snprintf(buf, size, "%s: %s", err->file, err->msg);
    else
        snprintf(buf, size, "%s", err->msg);
    return buf;
}

const char *ck_status_name(int code)
{
    switch (code) {
    case CK_OK:
        return "success";
    case CK_ENOMEM:
        return "out of memory";
    case CK_EIO:
        return "i/o error";
    case CK_EPARSE:
        return "parse error";
    case CK_EINVAL:
        return "invalid argument";
    case CK_EVERSION:
        return "unsupported version";
    default:
        return "error";
    }
}

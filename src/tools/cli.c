/*
 * Shared tool plumbing: the message formats and exit codes of DESIGN.md ("Tools"),
 * strict numeric parsing (strtol/strtod + end pointer + errno + range), atomic outputs.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "churnkit/timestamp.h"
#include "churnkit/version.h"

static const char *tool_name = "churnkit";
static const char *tool_usage = "";
static bool quiet;

void cli_init(const char *name, const char *usage)
{
    tool_name = name;
    tool_usage = usage;
}

const char *cli_tool_name(void)
{
    return tool_name;
}

void cli_set_quiet(bool q)
{
    quiet = q;
}

void cli_print_help(void)
{
    fputs(tool_usage, stdout);
}

void cli_print_version(void)
{
    printf("%s (churnkit) %s\n", tool_name, ck_version());
}

void cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", tool_name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", tool_name);
    exit(CLI_EXIT_USAGE);
}

void cli_option_error(int c, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (c == ':')
        cli_usage_error("%s: missing argument", arg);
    if (optopt != 0 && optopt != '?')
        cli_usage_error("unknown option \"-%c\"", optopt);
    cli_usage_error("unknown option \"%s\"", arg);
}

void cli_common_option(int c, char **argv)
{
    switch (c) {
    case 'q':
        cli_set_quiet(true);
        return;
    case 'h':
        cli_print_help();
        exit(CLI_EXIT_OK);
    case 'V':
        cli_print_version();
        exit(CLI_EXIT_OK);
    default:
        cli_option_error(c, argv);
    }
}

void cli_report(const ck_error *err)
{
    char buf[600];
    fprintf(stderr, "%s: %s\n", tool_name, ck_error_format(err, buf, sizeof buf));
}

void cli_warn(const char *fmt, ...)
{
    if (quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: warning: ", tool_name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_note(const char *fmt, ...)
{
    if (quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", tool_name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

long cli_parse_long(const char *option, const char *arg, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || errno == ERANGE)
        cli_usage_error("%s: expected an integer, got \"%s\"", option, arg);
    if (v < min || v > max)
        cli_usage_error("%s: expected %ld to %ld, got \"%s\"", option, min, max, arg);
    return v;
}

double cli_parse_double(const char *option, const char *arg, double min, double max)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (end == arg || *end != '\0' || errno == ERANGE || !isfinite(v))
        cli_usage_error("%s: expected a number, got \"%s\"", option, arg);
    if (v < min || v > max)
        cli_usage_error("%s: expected %g to %g, got \"%s\"", option, min, max, arg);
    return v;
}

int64_t cli_parse_date(const char *option, const char *arg)
{
    int64_t ts;
    if (ck_date_parse(&ts, arg, strlen(arg)) != CK_OK)
        cli_usage_error("%s: expected YYYY-MM-DD, got \"%s\"", option, arg);
    return ts;
}

int cli_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

int cli_parse_threads(const char *arg)
{
    return (int)cli_parse_long("--threads", arg, 1, 256);
}

int cli_output_open(cli_output *out, const char *path, ck_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = strlen(path) + 32;
    out->path = strdup(path);
    out->tmp_path = malloc(n);
    if (out->path == NULL || out->tmp_path == NULL) {
        cli_output_abort(out);
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    }
    snprintf(out->tmp_path, n, "%s.tmp.%ld", path, (long)getpid());
    out->fp = fopen(out->tmp_path, "wb");
    if (out->fp == NULL) {
        int rc = ck_error_set(err, CK_EIO, path, 0, "%s", strerror(errno));
        cli_output_abort(out);
        return rc;
    }
    return CK_OK;
}

int cli_output_commit(cli_output *out, ck_error *err)
{
    int failed = ferror(out->fp);
    int saved_errno = failed ? EIO : 0;
    if (fclose(out->fp) != 0 && !failed) {
        failed = 1;
        saved_errno = errno;
    }
    out->fp = NULL;
    if (!failed && rename(out->tmp_path, out->path) != 0) {
        failed = 1;
        saved_errno = errno;
    }
    if (failed) {
        int rc = ck_error_set(err, CK_EIO, out->path, 0, "%s", strerror(saved_errno));
        cli_output_abort(out);
        return rc;
    }
    free(out->path);
    free(out->tmp_path);
    memset(out, 0, sizeof *out);
    return CK_OK;
}

void cli_output_abort(cli_output *out)
{
    if (out->fp != NULL)
        fclose(out->fp);
    if (out->tmp_path != NULL)
        unlink(out->tmp_path);
    free(out->path);
    free(out->tmp_path);
    memset(out, 0, sizeof *out);
}

void cli_progress(double fraction, void *payload)
{
    static int last_permille = -1;
    if (quiet || !isatty(STDERR_FILENO))
        return;
    int permille = (int)(fraction * 1000.0);
    if (permille == last_permille)
        return;
    last_permille = permille;
    int filled = (int)(fraction * 30.0);
    fprintf(stderr, "\r%s: %-12s [", tool_name, payload ? (const char *)payload : "");
    for (int i = 0; i < 30; i++)
        fputc(i < filled ? '#' : ' ', stderr);
    fprintf(stderr, "] %5.1f%%", fraction * 100.0);
    if (fraction >= 1.0) {
        fputs("\r\033[K", stderr);
        last_permille = -1;
    }
    fflush(stderr);
}

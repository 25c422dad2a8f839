/*
 * What every churnkit tool shares: messages in the house format, strict option parsing,
 * exit codes, atomic output files and the progress bar. Only the tools link this.
 *
 * Exit codes: 0 success, 1 data or runtime error, 2 usage error.
 */
#ifndef CK_CLI_H
#define CK_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/error.h"

enum { CLI_EXIT_OK = 0, CLI_EXIT_DATA = 1, CLI_EXIT_USAGE = 2 };

/* Option codes shared by every tool (long options only; no short alias). */
enum { CLI_OPT_CONFIG = 0x1000, CLI_OPT_THREADS, CLI_OPT_FIRST_TOOL_OPTION };

/* The getopt_long entries every tool has, to close its option table. */
/* clang-format off */
#define CLI_COMMON_OPTIONS                                      \
    { "config", required_argument, NULL, CLI_OPT_CONFIG },      \
    { "threads", required_argument, NULL, CLI_OPT_THREADS },    \
    { "quiet", no_argument, NULL, 'q' },                        \
    { "help", no_argument, NULL, 'h' },                         \
    { "version", no_argument, NULL, 'V' },                      \
    { NULL, 0, NULL, 0 }
/* clang-format on */

/* The tool's name, for every message; `usage` is printed by --help. */
void cli_init(const char *tool_name, const char *usage);
const char *cli_tool_name(void);

/* --help to stdout, --version to stdout. */
void cli_print_help(void);
void cli_print_version(void);

/* "tool: msg" + "Try 'tool --help'." on stderr, then exit 2. The only exit in a tool. */
_Noreturn void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* getopt_long's ':' (missing argument) or '?' (unknown option) as a usage error; tools
 * call getopt_long with opterr = 0 and an optstring that starts with ':'. */
_Noreturn void cli_option_error(int c, char **argv);

/* What every tool does with -q, -h, -V and anything it does not know: its switch's
 * default case. Exits for -h, -V and errors. */
void cli_common_option(int c, char **argv);

/* "tool: file:line: msg" on stderr. */
void cli_report(const ck_error *err);
/* "tool: warning: msg" on stderr (suppressed by --quiet). */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A note on stderr (suppressed by --quiet). */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_set_quiet(bool quiet);

/* Strict parsers: the whole argument must parse and lie in range, else a usage error. */
long cli_parse_long(const char *option, const char *arg, long min, long max);
double cli_parse_double(const char *option, const char *arg, double min, double max);
/* YYYY-MM-DD → Unix seconds at the start of that UTC day. */
int64_t cli_parse_date(const char *option, const char *arg);
/* --threads N (1..256), or the number of online cores when never given. */
int cli_parse_threads(const char *arg);
int cli_default_threads(void);

/* An output file written under a temporary name and renamed into place on commit, so a
 * failed run leaves no partial file and never clobbers a good one. */
typedef struct cli_output {
    char *path;
    char *tmp_path;
    FILE *fp;
} cli_output;

int cli_output_open(cli_output *out, const char *path, ck_error *err);
/* Flush, close (checked) and rename; on failure the temp file is removed. */
int cli_output_commit(cli_output *out, ck_error *err);
/* Close and remove the temporary file; safe on an unopened or committed output. */
void cli_output_abort(cli_output *out);

/* A ck_progress_fn drawing a bar on stderr when it is a terminal and not --quiet;
 * payload is the label (const char *). */
void cli_progress(double fraction, void *payload);

#endif

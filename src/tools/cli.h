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
#include <stddef.h>
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

/* A file named on the command line: the option that named it and its path (NULL when the
 * option was not given). */
typedef struct cli_file {
    const char *option;
    const char *path;
} cli_file;

/* Refuse, as a usage error (exit 2), an output that is one of the inputs or another output:
 * the same path, or the same existing file by device and inode (stat follows symlinks, and
 * hard links share the inode). Tools call it once the options are parsed, before reading
 * anything, since an output renamed over an input destroys it. */
void cli_check_outputs(const cli_file *inputs, size_t n_inputs, const cli_file *outputs,
                       size_t n_outputs);

/* An output file written under a temporary name and renamed into place on commit, so a
 * failed run leaves no partial file and never clobbers a good one (docs/OUTPUTS.md).
 *
 * The temporary is `<dir>/.<base>.tmp.<pid>.<n>` beside the target, created with
 * O_CREAT|O_EXCL|O_NOFOLLOW (never following or truncating what is there; on a name in
 * use, n counts up) and mode 0666 minus the umask. SIGTERM, SIGINT and SIGHUP remove the
 * open temporaries before the process dies; temporaries of the same target left by a dead
 * process (SIGKILL) are removed by the next open. */
typedef struct cli_output {
    char *path;
    char *tmp_path;
    FILE *fp;
    int slot; /* 1 + its index in the signal handler's table; 0 when not registered */
} cli_output;

int cli_output_open(cli_output *out, const char *path, ck_error *err);
/* Flush, close (checked) and rename; on failure the temp file is removed. */
int cli_output_commit(cli_output *out, ck_error *err);
/* Flush and close (checked) but keep the temporary, still removed on a signal, for a caller
 * that publishes it itself (ck_model_store_publish), then calls cli_output_abort(). */
int cli_output_close(cli_output *out, ck_error *err);
/* Close and remove the temporary file; safe on an unopened or committed output. */
void cli_output_abort(cli_output *out);

/* A ck_progress_fn drawing a bar on stderr when it is a terminal and not --quiet;
 * payload is the label (const char *). */
void cli_progress(double fraction, void *payload);

#endif

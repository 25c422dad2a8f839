/*
 * Shared tool plumbing: the message formats and exit codes of DESIGN.md ("Tools"),
 * strict numeric parsing (strtol/strtod + end pointer + errno + range), and outputs that
 * never destroy anything: refused when they are an input, written to a temporary beside
 * the target and renamed into place, the temporary removed on failure, on a signal, or by
 * a later run once its process is gone (docs/OUTPUTS.md).
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
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

/* ---- outputs that are inputs ---- */

/* The directory part of `path` ("." when none) into `dir`, and its last component. */
static const char *split_path(char *dir, size_t size, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) + 1 : 0;
    if (len == 0)
        snprintf(dir, size, ".");
    else
        snprintf(dir, size, "%.*s", (int)len, path);
    return slash ? slash + 1 : path;
}

/* Whether paths `a` and `b` name one entry of one directory (by device and inode). */
static bool same_entry(const char *a, const char *b)
{
    char dir_a[PATH_MAX], dir_b[PATH_MAX];
    struct stat sa, sb;
    const char *base_a = split_path(dir_a, sizeof dir_a, a);
    const char *base_b = split_path(dir_b, sizeof dir_b, b);
    return strcmp(base_a, base_b) == 0 && base_a[0] != '\0' && stat(dir_a, &sa) == 0 &&
           stat(dir_b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Refuse `second` when it is the file `first` names: "--out and --events name the same
 * file", or, when two paths reach one file, both paths. */
static void refuse_same_file(const cli_file *first, const cli_file *second)
{
    if (first->path == NULL || second->path == NULL)
        return;
    if (strcmp(first->path, second->path) == 0)
        cli_usage_error("%s and %s name the same file \"%s\"", first->option, second->option,
                        first->path);
    struct stat a, b;
    bool same;
    if (stat(first->path, &a) == 0 && stat(second->path, &b) == 0)
        same = a.st_dev == b.st_dev && a.st_ino == b.st_ino && !S_ISDIR(a.st_mode);
    else /* two outputs not there yet: one name in one directory ("a.csv", "./a.csv") */
        same = same_entry(first->path, second->path);
    if (same)
        cli_usage_error("%s \"%s\" and %s \"%s\" are the same file", first->option, first->path,
                        second->option, second->path);
}

void cli_check_outputs(const cli_file *inputs, size_t n_inputs, const cli_file *outputs,
                       size_t n_outputs)
{
    for (size_t i = 0; i < n_outputs; i++) {
        for (size_t j = 0; j < i; j++)
            refuse_same_file(&outputs[j], &outputs[i]);
        for (size_t j = 0; j < n_inputs; j++)
            refuse_same_file(&outputs[i], &inputs[j]);
    }
}

/* ---- temporaries and signals ----
 *
 * The handler may only make async-signal-safe calls, so the names it unlinks live in a
 * fixed table filled before a signal can need them: a slot's name is written, then the
 * slot marked live (a compiler fence keeps that order). A signal between open() and the
 * marking leaves a temporary behind; its pid makes it stale for the next run, as after
 * SIGKILL. */

#define MAX_TEMPS 8

static char temp_names[MAX_TEMPS][PATH_MAX];
static volatile sig_atomic_t temp_live[MAX_TEMPS];
static const int cleanup_signals[] = { SIGTERM, SIGINT, SIGHUP };
static bool handlers_installed;

static void remove_temps_and_die(int sig)
{
    int saved_errno = errno;
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temp_live[i])
            unlink(temp_names[i]);
    /* die of the same signal, so the parent sees what happened (the signal is blocked
     * while the handler runs and is delivered on return) */
    signal(sig, SIG_DFL);
    raise(sig);
    errno = saved_errno;
}

static void install_handlers(void)
{
    if (handlers_installed)
        return;
    handlers_installed = true;
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof *cleanup_signals; i++) {
        struct sigaction old, sa;
        /* a signal ignored by whoever started us (nohup) stays ignored */
        if (sigaction(cleanup_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_temps_and_die;
        sigfillset(&sa.sa_mask);
        sigaction(cleanup_signals[i], &sa, NULL);
    }
}

/* 1 + the slot now holding `name`, or 0 when the table is full. */
static int register_temp(const char *name)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        if (temp_live[i])
            continue;
        memcpy(temp_names[i], name, strlen(name) + 1);
        atomic_signal_fence(memory_order_seq_cst);
        temp_live[i] = 1;
        return i + 1;
    }
    return 0;
}

static void unregister_temp(cli_output *out)
{
    if (out->slot > 0)
        temp_live[out->slot - 1] = 0;
    atomic_signal_fence(memory_order_seq_cst);
    out->slot = 0;
}

/* The pid in `.<base>.tmp.<pid>.<n>`, or 0 when `entry` is not a temporary of `base`. */
static long temp_pid(const char *entry, const char *base)
{
    size_t len = strlen(base);
    if (entry[0] != '.' || strncmp(entry + 1, base, len) != 0 ||
        strncmp(entry + 1 + len, ".tmp.", 5) != 0)
        return 0;
    const char *p = entry + 1 + len + 5;
    if (*p < '1' || *p > '9')
        return 0;
    char *end;
    errno = 0;
    long pid = strtol(p, &end, 10);
    if (errno != 0 || pid > INT_MAX || *end != '.' || end[1] < '0' || end[1] > '9')
        return 0;
    for (p = end + 1; *p >= '0' && *p <= '9'; p++)
        ;
    return *p == '\0' ? pid : 0;
}

/* Remove the temporaries of `base` in `dir` whose process is gone (kill(pid, 0) fails with
 * ESRCH): a run killed by SIGKILL, or by a signal before it marked its temporary. A live
 * process's temporary, ours or another's (EPERM), stays; so does anything not a regular
 * file. Best effort: a directory we cannot read leaves the open to report it. */
static void remove_stale_temps(const char *dir, const char *base)
{
    DIR *d = opendir(dir[0] ? dir : ".");
    if (d == NULL)
        return;
    const struct dirent *e;
    char name[PATH_MAX];
    while ((e = readdir(d)) != NULL) {
        long pid = temp_pid(e->d_name, base);
        if (pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        int n = snprintf(name, sizeof name, "%s%s", dir, e->d_name);
        struct stat st;
        if (n < 0 || (size_t)n >= sizeof name || lstat(name, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (unlink(name) == 0)
            cli_note("removed %s, a temporary whose process is gone", name);
    }
    closedir(d);
}

int cli_output_open(cli_output *out, const char *path, ck_error *err)
{
    memset(out, 0, sizeof *out);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = (size_t)(base - path);
    size_t n = strlen(path) + 48;
    char dir[PATH_MAX];
    out->path = strdup(path);
    out->tmp_path = malloc(n);
    if (out->path == NULL || out->tmp_path == NULL) {
        cli_output_abort(out);
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    }
    if (n > PATH_MAX) {
        cli_output_abort(out);
        return ck_error_set(err, CK_EIO, path, 0, "%s", strerror(ENAMETOOLONG));
    }
    memcpy(dir, path, dir_len);
    dir[dir_len] = '\0';
    install_handlers();
    remove_stale_temps(dir, base);

    /* never follow or truncate what is there: a name in use (planted, or a temporary of
     * ours) moves on to the next n */
    int fd = -1;
    for (unsigned k = 0; k < 1000 && fd < 0; k++) {
        int len = snprintf(out->tmp_path, n, "%s.%s.tmp.%ld.%u", dir, base, (long)getpid(), k);
        if (len < 0 || (size_t)len >= n) {
            errno = ENAMETOOLONG;
            break;
        }
        fd = open(out->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int rc = ck_error_set(err, CK_EIO, path, 0, "%s", strerror(errno));
        free(out->tmp_path); /* not ours to unlink */
        out->tmp_path = NULL;
        cli_output_abort(out);
        return rc;
    }
    out->slot = register_temp(out->tmp_path);
    out->fp = out->slot > 0 ? fdopen(fd, "wb") : NULL;
    if (out->fp == NULL) {
        int rc = out->slot > 0 ? ck_error_set(err, CK_EIO, path, 0, "%s", strerror(errno))
                               : ck_error_set(err, CK_EINVAL, path, 0, "more than %d open outputs",
                                              MAX_TEMPS);
        close(fd);
        cli_output_abort(out);
        return rc;
    }
    return CK_OK;
}

int cli_output_close(cli_output *out, ck_error *err)
{
    int failed = ferror(out->fp);
    int saved_errno = failed ? EIO : 0;
    if (fclose(out->fp) != 0 && !failed) {
        failed = 1;
        saved_errno = errno;
    }
    out->fp = NULL;
    if (failed) {
        int rc = ck_error_set(err, CK_EIO, out->path, 0, "%s", strerror(saved_errno));
        cli_output_abort(out);
        return rc;
    }
    return CK_OK;
}

int cli_output_commit(cli_output *out, ck_error *err)
{
    int rc = cli_output_close(out, err);
    if (rc < 0)
        return rc;
    if (rename(out->tmp_path, out->path) != 0) {
        rc = ck_error_set(err, CK_EIO, out->path, 0, "%s", strerror(errno));
        cli_output_abort(out);
        return rc;
    }
    unregister_temp(out);
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
    unregister_temp(out);
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

/*
 * log: the one place where omniwatch talks to the operator on stderr.
 *
 * Every message starts with "omniwatch: ".  log_warn() appends strerror(errno)
 * as OpenBSD's log.c does; log_warnx() does not.  Messages about input name
 * the file and byte offset so that an operator can look at the bytes.
 * The level is process-wide on purpose: it is set once from -v/-q.
 */
#ifndef OMNIWATCH_LOG_H
#define OMNIWATCH_LOG_H

#include <stdio.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

/* Sets the most verbose level printed (default LOG_LEVEL_WARN). */
void log_set_level(enum log_level level);

/*
 * Sends the calling thread's messages to FP (NULL: back to stderr), so
 * that a worker's messages can be written out later, in a fixed order.
 */
void log_capture(FILE *fp);
enum log_level log_get_level(void);

/* Warnings: log_warn appends ": strerror(errno)", log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What the user asked for (watch's SIGUSR1 status): shown unless -q, with
 * no "warning: " tag, since nothing is wrong. */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the message and exits with status 2.  Only main and cmd_* call it. */
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif

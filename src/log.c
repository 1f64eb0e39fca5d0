/*
 * log: stderr messages with one prefix and a level filter.  See log.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static enum log_level log_level = LOG_LEVEL_WARN;
static __thread FILE *log_capture_fp;	/* this thread's, or stderr */

void
log_capture(FILE *fp)
{
	log_capture_fp = fp;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

static void
log_vmsg(enum log_level level, const char *tag, int errnum,
    const char *fmt, va_list ap)
{
	FILE *fp = log_capture_fp != NULL ? log_capture_fp : stderr;

	if (level > log_level)
		return;
	fputs("omniwatch: ", fp);
	if (tag != NULL)
		fputs(tag, fp);
	vfprintf(fp, fmt, ap);
	if (errnum != 0)
		fprintf(fp, ": %s", strerror(errnum));
	fputc('\n', fp);
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_WARN, "warning: ", saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* The levels without errno: each is its level and its tag, nothing else. */
#define LOG_LEVEL_FN(name, level, tag)					\
void									\
name(const char *fmt, ...)						\
{									\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	log_vmsg(level, tag, 0, fmt, ap);				\
	va_end(ap);							\
}

LOG_LEVEL_FN(log_warnx, LOG_LEVEL_WARN, "warning: ")
LOG_LEVEL_FN(log_error, LOG_LEVEL_ERROR, "error: ")
LOG_LEVEL_FN(log_notice, LOG_LEVEL_WARN, NULL)
LOG_LEVEL_FN(log_info, LOG_LEVEL_INFO, NULL)
LOG_LEVEL_FN(log_debug, LOG_LEVEL_DEBUG, "debug: ")

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_ERROR, NULL, 0, fmt, ap);
	va_end(ap);
	exit(2);
}

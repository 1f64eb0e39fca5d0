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

/*
 * Writes one message as one line in one write: stderr is unbuffered, so
 * a line put out in pieces (prefix, text, errno, LF) could have another
 * thread's or process's line land inside it ("...offset 0omniwatch:
 * warning: ...", a tester saw).  One write(2) of a line is not split on a
 * pipe (up to PIPE_BUF) or a file opened O_APPEND.
 */
static void
log_vmsg(enum log_level level, const char *tag, int errnum,
    const char *fmt, va_list ap)
{
	FILE *fp = log_capture_fp != NULL ? log_capture_fp : stderr;
	char buf[4096], *line = buf;
	size_t cap = sizeof(buf), len;
	va_list aq;
	int n;

	if (level > log_level)
		return;
	for (;;) {
		va_copy(aq, ap);
		n = vsnprintf(line, cap, fmt, aq);
		va_end(aq);
		if (n < 0) {
			n = 0;
			line[0] = '\0';
		}
		len = (size_t)n;
		if (len < cap || line != buf)
			break;
		/* Longer than the stack's: once more, whole, on the heap
		 * (or cut at the stack's size if there is none). */
		if ((line = malloc(len + 1)) == NULL) {
			line = buf;
			len = cap - 1;
			break;
		}
		cap = len + 1;
	}
	if (len >= cap)
		len = cap - 1;
	flockfile(fp);
	fprintf(fp, "omniwatch: %s%.*s%s%s\n", tag != NULL ? tag : "",
	    (int)len, line, errnum != 0 ? ": " : "",
	    errnum != 0 ? strerror(errnum) : "");
	funlockfile(fp);
	if (line != buf)
		free(line);
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

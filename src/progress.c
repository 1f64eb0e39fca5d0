/*
 * progress: see progress.h.  The line is drawn with "\r" and erased with
 * "\r" + EL (ECMA-48 "erase in line", ESC [ K), which every terminal
 * emulator in use understands; it is cut to the terminal's width so that
 * it never wraps.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "plural.h"
#include "progress.h"
#include "stamp.h"
#include "xmalloc.h"

struct progress {
	char		*what;
	char		*unit_one;	/* for items */
	char		*unit_many;
	uint64_t	 total;
	bool		 is_bytes;
	uint64_t	 done;
	char		*name;		/* current file, or NULL */
	int64_t		 start_ms;
	int64_t		 drawn_ms;	/* -1: never drawn */
	size_t		 width;		/* terminal columns */
};

struct progress *
progress_new(const char *what, uint64_t total, bool is_bytes,
    const char *unit_one, const char *unit_many)
{
	struct progress *p;
	struct winsize ws;

	if (!isatty(STDERR_FILENO) || log_get_level() < LOG_LEVEL_WARN)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->what = xstrdup(what);
	p->unit_one = xstrdup(unit_one != NULL ? unit_one : "");
	p->unit_many = xstrdup(unit_many != NULL ? unit_many : "");
	p->total = total;
	p->is_bytes = is_bytes;
	p->start_ms = stamp_mono_ms();
	p->drawn_ms = -1;
	p->width = 80;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		p->width = ws.ws_col;
	return p;
}

/* "12.3 MiB", "456 B" into BUF (16 bytes). */
static const char *
progress_bytes(uint64_t n, char *buf)
{
	if (n < 1024)
		snprintf(buf, 16, "%llu B", (unsigned long long)n);
	else if (n < 1024 * 1024)
		snprintf(buf, 16, "%.1f KiB", (double)n / 1024.0);
	else if (n < 1024ULL * 1024 * 1024)
		snprintf(buf, 16, "%.1f MiB", (double)n / 1048576.0);
	else
		snprintf(buf, 16, "%.2f GiB", (double)n / 1073741824.0);
	return buf;
}

static void
progress_draw(struct progress *p, int64_t now_ms)
{
	double secs = (double)(now_ms - p->start_ms) / 1000.0;
	char line[512], a[16], b[16];
	int n;

	if (p->is_bytes) {
		double rate = secs > 0 ? (double)p->done / secs : 0;

		n = snprintf(line, sizeof(line), "omniwatch %s: %s", p->what,
		    progress_bytes(p->done, a));
		if (p->total > 0)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
			    " of %s (%d%%)", progress_bytes(p->total, b),
			    (int)(p->done >= p->total ? 100 :
			    p->done * 100 / p->total));
		n += snprintf(line + n, sizeof(line) - (size_t)n,
		    ", %.1f MB/s", rate / 1e6);
		if (p->total > p->done && rate > 0) {
			uint64_t left = (uint64_t)((double)(p->total -
			    p->done) / rate);

			n += snprintf(line + n, sizeof(line) - (size_t)n,
			    ", ETA %llu:%02llu", (unsigned long long)(left / 60),
			    (unsigned long long)(left % 60));
		}
	} else
		n = snprintf(line, sizeof(line), "omniwatch %s: %llu %s read, "
		    "%.1f s", p->what, (unsigned long long)p->done,
		    plural(p->done, p->unit_one, p->unit_many), secs);
	if (p->name != NULL && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ", %s", p->name);
	/* Never wrap: a wrapped line cannot be redrawn with \r. */
	if (strlen(line) > p->width - 1)
		line[p->width - 1] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->drawn_ms = now_ms;
}

void
progress_set(struct progress *p, uint64_t done, const char *name)
{
	int64_t now;

	if (p == NULL)
		return;
	p->done = done;
	if (name != NULL && (p->name == NULL || strcmp(p->name, name) != 0)) {
		const char *slash = strrchr(name, '/');

		free(p->name);
		p->name = xstrdup(slash != NULL ? slash + 1 : name);
	}
	now = stamp_mono_ms();
	if (p->drawn_ms < 0 || now - p->drawn_ms >= PROGRESS_INTERVAL_MS)
		progress_draw(p, now);
}

void
progress_done(struct progress *p)
{
	if (p == NULL)
		return;
	if (p->total > 0 && p->done < p->total)
		p->done = p->total;	/* a file shrank while we read */
	progress_draw(p, stamp_mono_ms());
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	free(p->what);
	free(p->unit_one);
	free(p->unit_many);
	free(p->name);
	free(p);
}

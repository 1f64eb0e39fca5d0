/*
 * pm2: what PM2 puts around an application's own text, taken off again.
 *
 * Facts (PM2 7.0.4; the README.txt of each folder in ../shared/samples/pm2):
 *  - PM2's own log is PM2_HOME/pm2.log (lib/Constants.js
 *    PM2_LOG_FILE_PATH), which pm2-logrotate rotates like the others.
 *  - Files are PM2_HOME/logs/<app>-out.log and <app>-error.log, with a
 *    "-<pm_id>" suffix per instance in cluster mode; app names have every
 *    character other than letters, digits, '.', '-' replaced by '-'.
 *  - pm2-logrotate copies to "<name>__YYYY-MM-DD_HH-mm-ss.log[.gz]" and
 *    truncates; logrotate(8) renames to ".1", ".2.gz", or "-YYYYMMDD".
 *  - A stamp "STAMP: " precedes every line in fork mode and the first line
 *    of each write in cluster mode (stamp.h has the formats).
 *  - log_type json writes one object per line,
 *    {"message":"...","timestamp":"...","type":"out|err","process_id":N,
 *    "app_name":"..."}; in fork mode the message is a 64 KiB pipe chunk, so
 *    it may hold several records or a piece of one.  Cluster mode may add
 *    raw (non-JSON) lines for an uncaught exception.
 *  - `pm2 logs` prints "<pm_id>|<app> | " in front of each line, often in
 *    ANSI colours.
 * The decoder strips all of this and hands on message lines, each with the
 * time of its stamp and the app it belongs to.
 */
#ifndef OMNIWATCH_PM2_H
#define OMNIWATCH_PM2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "line.h"

enum pm2_stream {
	PM2_STREAM_UNKNOWN,
	PM2_STREAM_OUT,
	PM2_STREAM_ERROR,
	PM2_STREAM_DAEMON,	/* PM2_HOME/pm2.log, PM2's own (pm2_daemon.h) */
};

/* What a log file's name says about it. */
struct pm2_log_name {
	char		*app;		/* owned; "omni-app" */
	enum pm2_stream	 stream;
	int		 instance;	/* the -N suffix, or -1 */
	bool		 is_rotated;
	/* Sort key among the files of one app and stream: older first. */
	int		 rotation_rank;	/* 0 numbered, 1 dated, 2 live */
	long		 rotation_number;	/* logrotate's .N (larger = older) */
	char		*rotation_date;	/* owned; pm2-logrotate's or dateext's */
};

/*
 * Reads BASENAME as a PM2 log file name.  Returns 0 and fills NAME (free
 * with pm2_log_name_release), or -1 when the name is not one of PM2's out or
 * error logs.
 */
int pm2_log_name_parse(const char *basename, struct pm2_log_name *name);
void pm2_log_name_release(struct pm2_log_name *name);

/*
 * Is the file at PATH PM2's own log: pm2.log, or a rotated copy of it
 * (pm2-logrotate's pm2__DATE.log, logrotate's pm2.log.1[.gz])?
 */
bool pm2_log_is_daemon(const char *path);

/*
 * The cluster instance (pm_id) that the name of the file at PATH carries
 * ("app-out-3.log": 3), or -1 when it is no PM2 log or carries none.
 */
int pm2_log_instance_of(const char *path);

/* < 0, 0, > 0 as A should be read before, with, or after B. */
int pm2_log_name_cmp(const struct pm2_log_name *a, const struct pm2_log_name *b);

/* A message line, with PM2's additions stripped. */
struct pm2_line {
	const char	*ptr;		/* valid during the callback only */
	size_t		 len;
	int64_t		 ts_ms;		/* STAMP_NONE when unstamped */
	const char	*app;		/* valid while the decoder lives */
	uint64_t	 offset;	/* of the raw line it started in */
	uint64_t	 end;		/* past the raw line it ended in */
	uint64_t	 number;	/* raw line number it started in */
	bool		 is_cut;
};

struct pm2_decoder_cb {
	void	(*line)(void *ctx, const struct pm2_line *line);
	void	*ctx;
};

struct pm2_decoder;

/*
 * DEFAULT_APP names the app when a line does not say (copied).  MAX_LINE
 * caps the lines found inside JSON messages, as line.h caps raw lines.
 */
struct pm2_decoder *pm2_decoder_new(const char *default_app, size_t max_line,
    const struct pm2_decoder_cb *cb);

/* Decodes one raw line. */
void pm2_decoder_line(struct pm2_decoder *d, const struct line *line);

/* End of input: a JSON message piece left without its LF is passed on. */
void pm2_decoder_finish(struct pm2_decoder *d);

/*
 * Where reading must resume not to lose a JSON message piece that waits
 * for the rest of its line: the offset of the raw line it started in, or
 * OTHERWISE when nothing waits.
 */
uint64_t pm2_decoder_safe_offset(const struct pm2_decoder *d,
    uint64_t otherwise);

/* Drops a waiting JSON message piece (after a truncation). */
void pm2_decoder_reset(struct pm2_decoder *d);

/*
 * The fast path of plain text (pipeline.c): is no JSON message waiting
 * for its end, so that a plain line would pass through unchanged?  And the
 * app such lines belong to.
 */
bool pm2_decoder_is_plain(const struct pm2_decoder *d);
const char *pm2_decoder_app(const struct pm2_decoder *d);

/*
 * Would the line (P, LEN) pass through the decoder as it is?  Not when it
 * may hold a stamp, a `pm2 logs` prefix or a JSON object: it starts with
 * a digit, ESC, 'P' or '{'.
 */
static inline bool
pm2_is_plain_line(const char *p, size_t len)
{
	unsigned char c = len > 0 ? (unsigned char)p[0] : 0;

	return len > 0 && !(c >= '0' && c <= '9') && c != '\033' &&
	    c != 'P' && c != '{';
}

/*
 * Lines up to stream offset END, NUMBER the last (at OFFSET), went by the
 * fast path; STAMPED of them began with the pm2_decoder_stamp() prefix.
 */
void pm2_decoder_plain_seen(struct pm2_decoder *d, uint64_t offset,
    uint64_t end, uint64_t number, uint64_t stamped);

/*
 * The stamp prefix of the last stamped line ("2026-11-29T10:00:00: "),
 * which pm2_decoder_line() strips from a line of 16 bytes or more that
 * starts with it, giving the line the time *MS, before any other test:
 * its length in bytes, with *PREFIX pointing at it (valid until the next
 * line is decoded), or 0 when there is none or it does not end in the
 * blank PM2 writes (without it, what follows could lengthen the stamp).
 */
size_t pm2_decoder_stamp(const struct pm2_decoder *d, const char **prefix,
    int64_t *ms);

/* Lines that were stamped / JSON, for the report. */
uint64_t pm2_decoder_stamped_lines(const struct pm2_decoder *d);
uint64_t pm2_decoder_json_lines(const struct pm2_decoder *d);

void pm2_decoder_free(struct pm2_decoder *d);

#endif

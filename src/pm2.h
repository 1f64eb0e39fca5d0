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
 *    "app_name":"..."} (pm2_json.h reads exactly that form; jansson any
 *    other); in fork mode the message is a 64 KiB pipe chunk, so
 *    it may hold several records or a piece of one.  Cluster mode may add
 *    raw (non-JSON) lines for an uncaught exception.
 *  - `pm2 logs` prints "<pm_id>|<app> | " in front of each line, often in
 *    ANSI colours, interleaving the lines of apps and instances that write
 *    at once; its tail of a log_type json app's file shows the JSON lines
 *    as they are, behind that prefix.
 *  - Its options (lib/API/Log.js): --timestamp [FORMAT] prints a display
 *    time, dim and gray, before that prefix; --highlight VALUE colours the
 *    first VALUE in each line's text; --format prints "app=<app>
 *    id=<pm_id> type=out|error message=" instead of the prefix; --json
 *    prints each bus message as one object, its line ends removed.
 * The decoder strips all of this and hands on message lines, each with the
 * time of its stamp, the app it belongs to and, behind a `pm2 logs`
 * prefix, the stream it came in.
 */
#ifndef OMNIWATCH_PM2_H
#define OMNIWATCH_PM2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "line.h"
#include "stamp.h"

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

/*
 * Is BASENAME, in PM2_HOME/logs, a live log PM2 names for an app there
 * (NAME-out.log, NAME-error-3.log: no copy, nor PM2's own log)?  The
 * rule by which that directory is followed (tail_is_live), stated once
 * for dump.pm2's logs too (pm2_dump_read).
 */
bool pm2_log_name_is_app_live(const char *basename);

/*
 * Is (P, N) a date that logrotate's dateext wrote after a log's name and
 * its separator?  logrotate(8), dateformat: "Only %Y %m %d %H %M %S %V
 * and %s specifiers are allowed", with whatever else the user put between
 * them ("-%Y%m%d" by default, "-%Y-%m-%d", "-%Y%m%d-%s"...): digits, with
 * '-', '_' or '.' between them, a digit first and last.  A number alone
 * (logrotate's .N) is one too.
 */
bool pm2_log_is_date(const char *p, size_t n);
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

/*
 * Bytes of a `pm2 logs` prefix's key kept (struct pm2_line): "<pm_id>|"
 * and an app name of PM2_MAX_APP_LEN (pm2.c) fit; a longer key, which
 * only made-up input has, is cut there.
 */
#define PM2_KEY_MAX		160

/* A message line, with PM2's additions stripped. */
struct pm2_line {
	const char	*ptr;		/* valid during the callback only */
	size_t		 len;
	int64_t		 ts_ms;		/* STAMP_NONE when unstamped */
	const char	*app;		/* valid while the decoder lives */
	/*
	 * The stream the line belongs to when several are mixed in one
	 * input: the `pm2 logs` prefix it came behind,
	 * "[colour]<pm_id>|<app>" ("0|api", "PM2" for the daemon's lines;
	 * at most PM2_KEY_MAX bytes, valid during the callback only), or
	 * key_len 0 for a line behind none (a log file, `pm2 logs --raw`).
	 * `pm2 logs` shows an app's out and err lines behind the same
	 * prefix, coloured green and red: with the colours, out and err
	 * are two keys; without them (NO_COLOR), the two streams share one.
	 */
	const char	*key;
	size_t		 key_len;
	uint64_t	 offset;	/* of the raw line it started in */
	uint64_t	 end;		/* past the raw line it ended in */
	uint64_t	 number;	/* raw line number it started in */
	bool		 is_cut;
};

struct pm2_decoder_cb {
	void	(*line)(void *ctx, const struct pm2_line *line);
	void	*ctx;
	/*
	 * Optional fast path for the lines inside JSON messages, as
	 * line_reader_cb.run is for raw lines: at the start of a line that
	 * begins in the object being decoded, with no line pending, the
	 * decoder offers the rest of the message's bytes in hand (LEN at P,
	 * no NUL among them).  The callee may take whole lines of it as if
	 * each had gone to line() with PROTO's fields (ptr, len and is_cut
	 * aside): it returns the bytes taken (ending just past an LF) and
	 * sets *NLINES; 0 hands the next line to line() as usual.
	 */
	size_t	(*run)(void *ctx, const char *p, size_t len,
		    const struct pm2_line *proto, uint64_t *nlines);
	/* With run: offered only when run_first[first byte] is true. */
	const bool *run_first;
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
 * for its end, so that a line pm2_peek() passes would go on unchanged?
 * And the app such lines belong to.
 */
bool pm2_decoder_is_plain(const struct pm2_decoder *d);
const char *pm2_decoder_app(const struct pm2_decoder *d);

/* The stamp prefix of the last stamped line ("2026-11-29T10:00:00: "). */
struct pm2_stamp {
	char		 text[48];
	size_t		 len;		/* bytes; 0: none yet */
	int64_t		 ms;		/* its time */
};

/*
 * Does the line (P, LEN) begin with the stamp prefix LAST (which is not
 * empty)?  Asked of every stamped line, so a prefix of 16 to 32 bytes
 * (PM2's default is 21, "2026-11-29T10:00:00: ") is compared as two
 * 16-byte blocks, the second overlapping the first, instead of through a
 * memcmp(3) call.
 */
static inline bool
pm2_stamp_is_prefix(const struct pm2_stamp *last, const char *p, size_t len)
{
	if (len < last->len)
		return false;
#ifdef __SSE2__
	if (last->len >= 16 && last->len <= 32) {
		size_t k = last->len - 16;
		__m128i a = _mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)p),
		    _mm_loadu_si128((const __m128i *)(const void *)last->text));
		__m128i b = _mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(p + k)),
		    _mm_loadu_si128((const __m128i *)(const void *)
		    (last->text + k)));

		return _mm_movemask_epi8(_mm_and_si128(a, b)) == 0xffff;
	}
#endif
	return memcmp(p, last->text, last->len) == 0;
}

/* What pm2_decoder_line() does with a raw line (pm2_peek). */
enum pm2_peek {
	PM2_PEEK_AS_IS,		/* passes it on unchanged */
	PM2_PEEK_STAMPED,	/* takes the last stamp's prefix off */
	PM2_PEEK_DECODE,	/* JSON, a new stamp, a `pm2 logs` prefix */
};

/*
 * Is the message (P, LEN) one of PM2's JSON lines (log_type json), which
 * the decoder takes apart?  Stated once for pm2_peek() and for what
 * follows a `pm2 logs` prefix: `pm2 logs` shows the lines of a json app's
 * file as they are, each behind its prefix.
 */
static inline bool
pm2_is_json(const char *p, size_t len)
{
	return len > 12 && memcmp(p, "{\"message\":", 11) == 0;
}

/*
 * The first decision of pm2_decoder_line() about the raw line (P, LEN),
 * stated once for it and for the scan's fast path: a line that starts
 * with the last stamp prefix (LAST) is STAMPED when the prefix ends in the
 * blank PM2 writes (without it, what follows could lengthen the stamp); a
 * line that may hold another stamp, a `pm2 logs` prefix or PM2's JSON (a
 * digit, ESC, "PM2 ", "{\"message\":", `pm2 logs --format`'s "app=" or
 * "timestamp=", or a month's or weekday's name first,
 * stamp_may_be_named()) must be DECODEd; any other is passed AS_IS.
 * Sets (*MSG, *MSG_LEN) to the message: P itself, or what follows the
 * stamp (its time is LAST->ms).
 */
extern const bool pm2_peek_first[256];	/* digits, ESC, P, {, A-W, a, t */

static inline enum pm2_peek
pm2_peek(const struct pm2_stamp *last, const char *p, size_t len,
    const char **msg, size_t *msg_len)
{
	unsigned char c = len > 0 ? (unsigned char)p[0] : 0;

	*msg = p;
	*msg_len = len;
	/* Most lines: a table look-up, for the fast path's sake. */
	if (!pm2_peek_first[c])
		return PM2_PEEK_AS_IS;
	if (c >= '0' && c <= '9') {
		if (last->len >= 2 && last->text[last->len - 1] == ' ' &&
		    pm2_stamp_is_prefix(last, p, len)) {
			*msg = p + last->len;
			*msg_len = len - last->len;
			return PM2_PEEK_STAMPED;
		}
		return PM2_PEEK_DECODE;
	}
	switch (c) {
	case '\033':
		return PM2_PEEK_DECODE;
	case '{':
		return pm2_is_json(p, len) ? PM2_PEEK_DECODE : PM2_PEEK_AS_IS;
	case 'P':
		if (len >= 4 && memcmp(p, "PM2 ", 4) == 0)
			return PM2_PEEK_DECODE;
		return PM2_PEEK_AS_IS;
	case 'a':	/* `pm2 logs --format`'s "app=" or "timestamp=" */
		return len > 4 && memcmp(p, "app=", 4) == 0 ?
		    PM2_PEEK_DECODE : PM2_PEEK_AS_IS;
	case 't':
		return len > 10 && memcmp(p, "timestamp=", 10) == 0 ?
		    PM2_PEEK_DECODE : PM2_PEEK_AS_IS;
	default:
		/* The first letter of a month's or weekday's name: a stamp
		 * of a log_date_format with names ("MMM DD HH:mm:ss"). */
		if (last->len >= 2 && last->text[last->len - 1] == ' ' &&
		    pm2_stamp_is_prefix(last, p, len)) {
			*msg = p + last->len;
			*msg_len = len - last->len;
			return PM2_PEEK_STAMPED;
		}
		return stamp_may_be_named(p, len) ? PM2_PEEK_DECODE :
		    PM2_PEEK_AS_IS;
	}
}

/*
 * For a line pm2_peek(LAST, P, LEN) would DECODE, outside JSON: what
 * pm2_decoder_line() would make of it after the stamp *LAST, when that
 * is a line with a digit first and no `pm2 logs` prefix -- a stamp other
 * than *LAST (cluster mode's each write, --time's each new second), read
 * into *LAST (STAMPED, with *MSG after it), or no stamp at all (AS_IS).
 * DECODE: anything else, for the line-by-line way.  The fast path's way
 * past a new stamp: it changes only *LAST, and the decoder learns the
 * stamp through pm2_decoder_plain_seen() once the line is taken;
 * pm2_decoder_line() reads stamps with the same function.
 */
enum pm2_peek pm2_restamp(struct pm2_stamp *last, const char *p,
    size_t len, const char **msg, size_t *msg_len);

/* The decoder's last stamp, for pm2_peek(); valid while it lives. */
const struct pm2_stamp *pm2_decoder_last_stamp(const struct pm2_decoder *d);

/*
 * Lines up to stream offset END, NUMBER the last (at OFFSET), went by the
 * fast path; STAMPED of them were PM2_PEEK_STAMPED; LAST, unless NULL
 * (the decoder's own still holds), is the stamp after them: one that
 * pm2_restamp() read among them.
 */
void pm2_decoder_plain_seen(struct pm2_decoder *d, uint64_t offset,
    uint64_t end, uint64_t number, uint64_t stamped,
    const struct pm2_stamp *last);

/* Lines that were stamped / JSON, for the report. */
uint64_t pm2_decoder_stamped_lines(const struct pm2_decoder *d);
uint64_t pm2_decoder_json_lines(const struct pm2_decoder *d);

/*
 * JSON messages without line ends that the decoder split into lines
 * where an object or array closed: `pm2 logs --json` output (PM2 7.0.4
 * lib/API/Log.js, Log.jsonStream, removes the line ends), whose records
 * are only partly told apart (its caller warns once).
 */
uint64_t pm2_decoder_joined_messages(const struct pm2_decoder *d);

void pm2_decoder_free(struct pm2_decoder *d);

#endif

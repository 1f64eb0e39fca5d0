/*
 * stamp: the timestamps PM2 puts in front of log lines, and the times a
 * user types for --since/--until.
 *
 * Times are milliseconds since the epoch (UTC), STAMP_NONE when absent.
 * PM2 7.0.4 formats stamps with dayjs: `--time` gives
 * "YYYY-MM-DDTHH:mm:ss" in the daemon's local time; log_date_format
 * "YYYY-MM-DD HH:mm:ss Z" gives "2026-11-29 20:31:40 +00:00"; log_type json
 * without a format gives Date.toISOString(), "2026-11-29T20:31:43.983Z"
 * (../shared/samples/pm2/02, 03, 04).  A stamp without a zone is local time.
 */
#ifndef OMNIWATCH_STAMP_H
#define OMNIWATCH_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define STAMP_NONE	INT64_MIN

/*
 * Parses a date-time at the start of P (LEN bytes):
 * YYYY-MM-DD[T ]HH:MM[:SS][.fff][Z|[ ]+HH[:MM]|[ ]-HH[:MM]].
 * Returns the bytes consumed and stores the time in *MS, or returns 0.
 */
size_t stamp_parse(const char *p, size_t len, int64_t *ms);

/*
 * Parses a PM2 line prefix: a stamp followed by ": " (PM2 7.0.4 writes
 * `dayjs().format(log_date_format) + ': '`, lib/God/ForkMode.js and
 * lib/ProcessContainer.js).  Returns the length of the prefix (stamp,
 * colon and space) and its time in *MS (ms since the epoch), or 0 when the
 * line has none (*MS untouched).  Besides stamp_parse()'s forms, the
 * stamps of other log_date_formats are prefixes with *MS STAMP_NONE, their
 * time unread: a date in numbers in another order ("DD/MM/YYYY HH:mm:ss",
 * "MM-DD-YYYY hh:mm:ss A", "YYYY-MM-DD-HH:mm:ss"), a date with the
 * month's English name ("MMM DD HH:mm:ss", "ddd MMM DD YYYY HH:mm:ss",
 * "DD MMM YYYY HH:mm"), or a time alone with its seconds ("HH:mm:ss.SSS"),
 * which must be followed by ": " or end the line.
 */
size_t stamp_parse_pm2_prefix(const char *p, size_t len, int64_t *ms);

/*
 * The stamp at the start of P (LEN bytes), of any form that
 * stamp_parse_pm2_prefix() knows, without what follows it: its length,
 * and its time in *MS (STAMP_NONE when it cannot be read), or 0 (*MS
 * untouched).  For stamps that are not followed by ": ", such as the
 * display time of `pm2 logs --timestamp` (PM2 7.0.4 lib/API/Log.js).
 */
size_t stamp_skip(const char *p, size_t len, int64_t *ms);

/*
 * Could (P, LEN) begin with a stamp that starts with a name (a month or
 * weekday, "Dec 08 ...", "Tue Dec ...": dayjs's English names, PM2 7.0.4
 * loading no locale)?  A cheap test for lines that start with a letter,
 * before stamp_parse_pm2_prefix(); true does not mean there is a stamp.
 */
bool stamp_may_be_named(const char *p, size_t len);

/*
 * Parses a --since/--until argument: an ISO date ("2026-11-29",
 * "2026-11-29T10:00:00Z"), "YYYY-MM-DD HH:MM[:SS]" (local time), or a
 * duration before NOW ("90s", "15m", "24h", "7d", "2w"; at most back to
 * 1970).  Returns 0 or -1.
 */
int stamp_parse_arg(const char *arg, time_t now, int64_t *ms);

/*
 * Parses a duration ("200ms", "5s", "15m", "24h", "7d", "2w"; a bare number
 * is seconds) into milliseconds.  Returns 0 or -1.
 */
int stamp_parse_duration(const char *arg, int64_t *ms);

/* The wall clock (CLOCK_REALTIME) in ms since the epoch. */
int64_t stamp_now_ms(void);

/* A clock for deadlines and intervals (CLOCK_MONOTONIC), in ms from an
 * unspecified start: it never steps when the wall clock is set. */
int64_t stamp_mono_ms(void);

/* Formats MS as ISO 8601 UTC ("2026-11-29T20:31:22Z", with .mmm when not
 * a whole second) into BUF (at least STAMP_BUFLEN bytes). */
#define STAMP_BUFLEN	32
void stamp_format(int64_t ms, char *buf);

/* A span of MS (ms; negative: 0) as people read it, in one unit rounded
 * down ("90s", "15m", "5h", "3d"), into BUF of LEN bytes. */
void stamp_format_age(int64_t ms, char *buf, size_t len);

#endif

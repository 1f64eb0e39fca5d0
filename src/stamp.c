/*
 * stamp: see stamp.h.  The calendar arithmetic is left to the C library
 * (strptime(3), timegm(3), mktime(3)); this file only finds where a stamp
 * starts and ends and reads the parts strptime does not know (fractions of
 * a second, "+00:00" zones with or without a space before them).
 */
#include "autoconf.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stamp.h"

#define STAMP_MAXLEN	40	/* longest stamp we look at */

/* isdigit(3) without its table look-up through a thread-local pointer:
 * a stamp is read for every line of some logs, and C's digits are
 * '0'..'9' in every locale. */
static inline bool
stamp_isdigit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static bool
stamp_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!stamp_isdigit(p[i]))
			return false;
	return true;
}

/*
 * The local time TM, whose timegm(3) is UTC, as seconds since the epoch:
 * mktime(3), remembering the zone offset of the last hour asked for.
 * glibc's mktime() stat()s /etc/localtime on every call (to see whether it
 * changed), which cost more than the rest of a scan, and takes a lock that
 * all threads share.  Zone offsets change at most once an hour.
 */
static time_t
stamp_local(const struct tm *tm, time_t utc)
{
	/* Per thread: scan reads files in several (scan.h). */
	static __thread int64_t cached_hour = INT64_MIN;
	static __thread time_t cached_offset;
	static __thread const char *cached_zone;
	static __thread long cached_timezone;
	int64_t hour = (int64_t)utc / 3600;

	/* tzset(3) after a change of TZ moves tzname and timezone. */
	if (hour != cached_hour || cached_zone != tzname[0] ||
	    cached_timezone != timezone) {
		struct tm copy = *tm;

		copy.tm_isdst = -1;
		cached_offset = utc - mktime(&copy);
		cached_hour = hour;
		cached_zone = tzname[0];
		cached_timezone = timezone;
	}
	return utc - cached_offset;
}

/*
 * The hour last read by strptime(3) and timegm(3), per thread: its first
 * 13 bytes ("YYYY-MM-DD?HH"), the broken-down time with minutes and
 * seconds at 0, and that as UTC seconds.  A log has thousands of stamps in
 * an hour; strptime is slow and timegm takes glibc's time zone lock,
 * which the threads of a scan would take turns for on every stamp.  A
 * stamp of the same hour needs only its minutes and seconds read, as two
 * digits each within strptime's ranges (%M 0-59, %S 0-61); any other
 * shape goes the strptime way.
 */
struct stamp_hour {
	bool		 is_set;
	char		 key[13];
	struct tm	 tm;
	time_t		 utc;
};

static __thread struct stamp_hour stamp_last_hour;

/* Reads the two digits at P, not followed by a third, if at most MAX. */
static bool
stamp_two_digits(const char *p, const char *end, int max, int *v)
{
	if (end - p < 2 || !stamp_isdigit(p[0]) ||
	    !stamp_isdigit(p[1]) ||
	    (end - p > 2 && stamp_isdigit(p[2])))
		return false;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return *v <= max;
}

/*
 * The fast way for a stamp of the hour last read (stamp_hour): fills *TM
 * and *UTC and returns where the stamp's seconds end, or NULL.  BUF holds
 * N bytes, NUL-terminated.
 */
static const char *
stamp_same_hour(const char *buf, size_t n, struct tm *tm, time_t *utc)
{
	const struct stamp_hour *h = &stamp_last_hour;
	const char *end = buf + n, *q = buf + 14;
	int mm, ss = 0;

	if (!h->is_set || memcmp(buf, h->key, sizeof(h->key)) != 0 ||
	    !stamp_two_digits(q, end, 59, &mm))
		return NULL;
	q += 2;
	if (q < end && *q == ':' && q + 1 < end &&
	    stamp_isdigit(q[1])) {
		if (!stamp_two_digits(q + 1, end, 61, &ss))
			return NULL;
		q += 3;
	}
	/* 59:60 is the next hour, perhaps the next day: strptime's way
	 * judges whether the date survives. */
	if (mm * 60 + ss >= 3600)
		return NULL;
	*tm = h->tm;
	tm->tm_min = mm;
	tm->tm_sec = ss;
	*utc = h->utc + (time_t)mm * 60 + ss;
	return q;
}

size_t
stamp_parse(const char *p, size_t len, int64_t *ms)
{
	char buf[STAMP_MAXLEN + 1];
	struct tm tm;
	const char *end, *q;
	size_t n = len < STAMP_MAXLEN ? len : STAMP_MAXLEN;
	int64_t frac = 0, zone_s = 0;
	bool has_zone = false;
	time_t t, utc;

	/* Cheap shape check before strptime: "DDDD-DD-DD?DD:DD". */
	if (n < 16 || !stamp_digits(p, 4) || p[4] != '-' || p[7] != '-' ||
	    (p[10] != 'T' && p[10] != ' ') || p[13] != ':')
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	memset(&tm, 0, sizeof(tm));
	if ((end = stamp_same_hour(buf, n, &tm, &utc)) != NULL)
		goto seconds_read;
	end = strptime(buf, "%Y-%m-%d", &tm);
	if (end == NULL || end != buf + 10)
		return 0;
	q = strptime(buf + 11, "%H:%M", &tm);
	if (q == NULL)
		return 0;
	end = q;
	if (*end == ':' && stamp_isdigit(end[1])) {
		q = strptime(end + 1, "%S", &tm);
		if (q == NULL)
			return 0;
		end = q;
	}
	{
		/* strptime(3) takes February 30th; timegm(3) would make it
		 * March 2nd.  A date that does not survive is no date. */
		struct tm check = tm;

		timegm(&check);
		if (check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon)
			return 0;
	}
	{
		struct stamp_hour *h = &stamp_last_hour;

		h->tm = tm;
		h->tm.tm_min = 0;
		h->tm.tm_sec = 0;
		h->utc = timegm(&h->tm);
		utc = h->utc + (time_t)tm.tm_min * 60 + tm.tm_sec;
		memcpy(h->key, buf, sizeof(h->key));
		h->is_set = true;
	}
seconds_read:
	if (*end == '.' && stamp_isdigit(end[1])) {
		int digits = 0;

		for (end++; stamp_isdigit(*end); end++, digits++)
			if (digits < 3)
				frac = frac * 10 + (*end - '0');
		for (; digits < 3; digits++)
			frac *= 10;
	}
	q = end;
	if (*q == ' ' && (q[1] == '+' || q[1] == '-'))
		q++;
	if (*q == 'Z') {
		has_zone = true;
		end = q + 1;
	} else if ((*q == '+' || *q == '-') && stamp_digits(q + 1, 2)) {
		int hh = (q[1] - '0') * 10 + (q[2] - '0'), mm = 0;
		const char *r = q + 3;

		if (*r == ':')
			r++;
		if (stamp_digits(r, 2)) {
			mm = (r[0] - '0') * 10 + (r[1] - '0');
			r += 2;
		} else if (r != q + 3)
			r--;	/* "+05:" : the colon is not ours */
		zone_s = (int64_t)(hh * 3600 + mm * 60) * (*q == '-' ? -1 : 1);
		has_zone = true;
		end = r;
	}
	if (has_zone)
		t = utc - (time_t)zone_s;
	else
		t = stamp_local(&tm, utc);
	*ms = (int64_t)t * 1000 + frac;
	return (size_t)(end - buf);
}

/* The run of 1 to MAX digits at P (at most LEN bytes): its length. */
static size_t
stamp_run(const char *p, size_t len, size_t max)
{
	size_t n = 0;

	while (n < len && n < max && stamp_isdigit(p[n]))
		n++;
	return n;
}

/*
 * The English names dayjs prints without a locale (PM2 7.0.4 loads none):
 * "MMM"/"MMMM" months and "ddd"/"dddd" weekdays, each the full name or
 * its first three letters.
 */
static const char *const stamp_months[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};
static const char *const stamp_weekdays[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday",
};

/* The length of a name of NAMES (N of them) at P, or 0. */
static size_t
stamp_name(const char *const *names, size_t n, const char *p, size_t len)
{
	if (len < 3)
		return 0;
	for (size_t k = 0; k < n; k++) {
		size_t full;

		if (p[0] != names[k][0] || p[1] != names[k][1] ||
		    p[2] != names[k][2])
			continue;
		full = strlen(names[k]);
		if (len >= full && memcmp(p, names[k], full) == 0)
			return full;
		return 3;
	}
	return 0;
}

bool
stamp_may_be_named(const char *p, size_t len)
{
	if (len < 4 || !(p[3] == ' ' || p[3] == ',' ||
	    (p[3] >= 'a' && p[3] <= 'z')))
		return false;
	/* The three first letters of the names, as one number: asked of
	 * many lines, so no loop over the tables. */
	switch ((uint32_t)(unsigned char)p[0] << 16 |
	    (uint32_t)(unsigned char)p[1] << 8 | (unsigned char)p[2]) {
#define STAMP_K(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (c))
	case STAMP_K('J', 'a', 'n'): case STAMP_K('F', 'e', 'b'):
	case STAMP_K('M', 'a', 'r'): case STAMP_K('A', 'p', 'r'):
	case STAMP_K('M', 'a', 'y'): case STAMP_K('J', 'u', 'n'):
	case STAMP_K('J', 'u', 'l'): case STAMP_K('A', 'u', 'g'):
	case STAMP_K('S', 'e', 'p'): case STAMP_K('O', 'c', 't'):
	case STAMP_K('N', 'o', 'v'): case STAMP_K('D', 'e', 'c'):
	case STAMP_K('S', 'u', 'n'): case STAMP_K('M', 'o', 'n'):
	case STAMP_K('T', 'u', 'e'): case STAMP_K('W', 'e', 'd'):
	case STAMP_K('T', 'h', 'u'): case STAMP_K('F', 'r', 'i'):
	case STAMP_K('S', 'a', 't'):
#undef STAMP_K
		return true;
	default:
		return false;
	}
}

/*
 * A time of day at P: "H:mm[:ss][.SSS]", then an optional " AM"/" PM"
 * (either case) and an optional zone ("Z", "+00:00", "+0000", with or
 * without a blank before it).  Hours up to 24, minutes up to 59, seconds
 * up to 60 (a leap second): digits that break these are not a time.
 * NEED_SECONDS: ":ss" must be there.  Its length, or 0.
 */
static size_t
stamp_skip_time(const char *p, size_t len, bool need_seconds)
{
	size_t i, n;

	if ((n = stamp_run(p, len, 2)) == 0 || n + 3 > len ||
	    p[n] != ':' || stamp_run(p + n + 1, len - n - 1, 3) != 2 ||
	    (n == 2 && (p[0] - '0') * 10 + (p[1] - '0') > 24) ||
	    p[n + 1] > '5')
		return 0;
	i = n + 3;
	if (i + 2 < len && p[i] == ':' && stamp_run(p + i + 1, len - i - 1,
	    3) == 2) {
		if ((p[i + 1] - '0') * 10 + (p[i + 2] - '0') > 60)
			return 0;
		i += 3;
	} else if (need_seconds)
		return 0;
	if (i + 1 < len && p[i] == '.' && stamp_isdigit(p[i + 1]))
		for (i++; i < len && stamp_isdigit(p[i]); i++)
			;
	if (i + 2 < len && p[i] == ' ' && strchr("AaPp", p[i + 1]) != NULL &&
	    (p[i + 2] == 'M' || p[i + 2] == 'm'))
		i += 3;
	if (i + 1 < len && p[i] == ' ' && (p[i + 1] == '+' ||
	    p[i + 1] == '-'))
		i++;
	if (i < len && p[i] == 'Z')
		i++;
	else if (i < len && (p[i] == '+' || p[i] == '-') &&
	    stamp_run(p + i + 1, len - i - 1, 2) == 2) {
		i += 3;
		if (i < len && p[i] == ':' && stamp_run(p + i + 1,
		    len - i - 1, 2) == 2)
			i += 3;
		else if (stamp_run(p + i, len - i, 2) == 2)
			i += 2;
	}
	return i;
}

/*
 * A date in numbers at P, in another order or form than stamp_parse()'s:
 * "DD/MM/YYYY", "MM-DD-YYYY", "DD.MM.YYYY" or "YYYY/MM/DD" (a year at one
 * end, one or two digits at the other, one separator twice).  Its
 * length, or 0.
 */
static size_t
stamp_skip_numeric_date(const char *p, size_t len)
{
	size_t i, n, a, b;
	char sep;

	if ((a = stamp_run(p, len, 4)) == 0 || a == 3 || a >= len)
		return 0;
	sep = p[a];
	if (sep != '/' && sep != '-' && sep != '.')
		return 0;
	i = a + 1;
	if ((b = stamp_run(p + i, len - i, 2)) == 0 || i + b >= len ||
	    p[i + b] != sep)
		return 0;
	i += b + 1;
	n = stamp_run(p + i, len - i, 4);
	if (!(a == 4 && n >= 1 && n <= 2) && !(a <= 2 && n == 4))
		return 0;
	return i + n;
}

/*
 * A date with the month's name at P: "MMM D", "MMM D, YYYY", "MMM D YYYY",
 * "D MMM" or "D MMM YYYY" (MMMM for MMM, DD for D), after an optional
 * weekday ("ddd ", "dddd, ").  Its length, or 0.
 */
static size_t
stamp_skip_named_date(const char *p, size_t len)
{
	size_t i = 0, n;

	if ((n = stamp_name(stamp_weekdays, 7, p, len)) > 0) {
		i = n;
		if (i < len && p[i] == ',')
			i++;
		if (i >= len || p[i] != ' ')
			return 0;
		i++;
	}
	if ((n = stamp_name(stamp_months, 12, p + i, len - i)) > 0) {
		/* MMM D */
		i += n;
		if (i >= len || p[i] != ' ' ||
		    (n = stamp_run(p + i + 1, len - i - 1, 3)) == 0 || n > 2)
			return 0;
		i += 1 + n;
	} else if ((n = stamp_run(p + i, len - i, 3)) > 0 && n <= 2 &&
	    i + n < len && p[i + n] == ' ' &&
	    (n = stamp_name(stamp_months, 12, p + i + n + 1,
	    len - i - n - 1)) > 0)
		/* D MMM */
		i += stamp_run(p + i, len - i, 2) + 1 + n;
	else
		return 0;
	/* ", YYYY" or " YYYY", when a year follows (and not the hour). */
	n = i < len && p[i] == ',' ? 1 : 0;
	if (i + n + 5 < len && p[i + n] == ' ' &&
	    stamp_run(p + i + n + 1, len - i - n - 1, 5) == 4)
		i += n + 5;
	else if (n == 1)
		i++;
	return i;
}

/*
 * The bytes of a date and time at P that stamp_parse() cannot read: a
 * stamp of another log_date_format (PM2 7.0.4 writes
 * `dayjs().format(log_date_format) + ': '` before each line,
 * lib/God/ForkMode.js and lib/ProcessContainer.js).  Either a date in
 * numbers (stamp_skip_numeric_date) or with the month's name
 * (stamp_skip_named_date), then ' ', ", ", 'T' or '-'
 * ("YYYY-MM-DD-HH:mm:ss", the default of `pm2 logs --timestamp`), then a
 * time (stamp_skip_time); or a date in numbers alone, before PM2's ':'
 * ("DD.MM.YYYY"); or a time alone, with its seconds ("HH:mm:ss",
 * "hh:mm:ss.SSS A").  0 when there is none.  *HAS_DATE tells which.
 */
static size_t
stamp_skip_loose(const char *p, size_t len, bool *has_date)
{
	size_t i, n;

	*has_date = true;
	if ((i = stamp_skip_numeric_date(p, len)) > 0) {
		/* A date alone ("DD.MM.YYYY"): PM2's ':' follows it. */
		if (i < len && p[i] == ':')
			return i;
		/* "MM/DD/YYYY, hh:mm:ss A" (dayjs's 'L, LTS' spelled out). */
		if (i + 1 < len && p[i] == ',' && p[i + 1] == ' ')
			i++;
		else if (i >= len || (p[i] != ' ' && p[i] != 'T' &&
		    p[i] != '-'))
			return 0;
	} else if ((i = stamp_skip_named_date(p, len)) > 0) {
		/* Alone, "Nov 29: the deadline" is text. */
		if (i >= len || p[i] != ' ')
			return 0;
	} else {
		/* Text can begin with a time ("10:30: meeting"): a time
		 * alone must have its seconds. */
		*has_date = false;
		return stamp_skip_time(p, len, true);
	}
	i++;
	if ((n = stamp_skip_time(p + i, len - i, false)) == 0)
		return 0;
	return i + n;
}

/*
 * The stamp at P, of any form stamp_parse_pm2_prefix() knows: its length
 * and time (STAMP_NONE when unread) in *MS, and in *HAS_DATE whether it
 * has a date; 0 when there is none.
 */
static size_t
stamp_skip_any(const char *p, size_t len, int64_t *ms, bool *has_date)
{
	size_t n = stamp_parse(p, len, ms);

	*has_date = true;
	/*
	 * A stamp we cannot read the time of is still a stamp: the line's
	 * text follows it (its record's time is then unknown).  Day and
	 * month of a date in numbers cannot be told apart; a date with the
	 * month's name may lack its year; and a time alone has no date: one
	 * taken from the file's mtime or the hour before would be a day off
	 * for the lines before a midnight, so these too are STAMP_NONE
	 * rather than a guess.
	 */
	if (n == 0 && (n = stamp_skip_loose(p, len, has_date)) > 0)
		*ms = STAMP_NONE;
	return n;
}

size_t
stamp_skip(const char *p, size_t len, int64_t *ms)
{
	bool has_date;

	return stamp_skip_any(p, len, ms, &has_date);
}

size_t
stamp_parse_pm2_prefix(const char *p, size_t len, int64_t *ms)
{
	int64_t t;
	bool has_date;
	size_t n = stamp_skip_any(p, len, &t, &has_date);

	/* A time not followed by ':' is text, not PM2's prefix: *MS stays
	 * as it was (the line is not stamped). */
	if (n == 0 || n + 1 > len || p[n] != ':')
		return 0;
	/* And a time alone must be followed by the blank PM2 writes, or
	 * end the line: "10:30:15:x" is text. */
	if (!has_date && n + 1 < len && p[n + 1] != ' ')
		return 0;
	*ms = t;
	if (n + 1 < len && p[n + 1] == ' ')
		return n + 2;
	return n + 1;
}

int
stamp_parse_duration(const char *arg, int64_t *ms)
{
	char *end;
	double v;
	int64_t unit;

	/* Digits and an optional fraction: no sign, hex, inf or nan. */
	if (!isdigit((unsigned char)arg[0]) || strpbrk(arg, "xXeE") != NULL)
		return -1;
	v = strtod(arg, &end);
	if (end == arg || !isfinite(v) || v < 0 || v > 1e15)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		unit = 1000;
	else if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		unit = 60 * 1000;
	else if (strcmp(end, "h") == 0)
		unit = 3600 * 1000;
	else if (strcmp(end, "d") == 0)
		unit = 86400 * 1000;
	else if (strcmp(end, "w") == 0)
		unit = 7 * 86400 * 1000LL;
	else
		return -1;
	if (v * (double)unit > 9.2e18)
		return -1;
	*ms = (int64_t)(v * (double)unit);
	return 0;
}

int
stamp_parse_arg(const char *arg, time_t now, int64_t *ms)
{
	size_t len = strlen(arg), n;
	int64_t d;

	n = stamp_parse(arg, len, ms);
	if (n != 0 && n == len)
		return 0;
	if (len == 10) {
		/* A date alone: midnight, local time. */
		char buf[32];

		snprintf(buf, sizeof(buf), "%s 00:00:00", arg);
		if (stamp_parse(buf, strlen(buf), ms) == strlen(buf))
			return 0;
	}
	/* A duration needs its unit here: "2026" would be read as seconds.
	 * One reaching back before 1970 is no time of any log. */
	if (len > 0 && strspn(arg, "0123456789.") != len &&
	    stamp_parse_duration(arg, &d) == 0 && d <= (int64_t)now * 1000) {
		*ms = (int64_t)now * 1000 - d;
		return 0;
	}
	return -1;
}

void
stamp_format(int64_t ms, char *buf)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int frac = (int)(ms - (int64_t)t * 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (frac == 0)
		strftime(buf, STAMP_BUFLEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else {
		size_t n = strftime(buf, STAMP_BUFLEN, "%Y-%m-%dT%H:%M:%S", &tm);

		snprintf(buf + n, STAMP_BUFLEN - n, ".%03dZ", frac % 1000);
	}
}

/* CLOCK's time in ms. */
static int64_t
stamp_clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
stamp_now_ms(void)
{
	return stamp_clock_ms(CLOCK_REALTIME);
}

int64_t
stamp_mono_ms(void)
{
	return stamp_clock_ms(CLOCK_MONOTONIC);
}

void
stamp_format_age(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000;

	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 120 * 60)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else if (s < 48 * 3600)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
}

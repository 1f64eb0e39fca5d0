/*
 * pm2_skew: a log's last stamp against its last write (pm2_skew.h).
 */
#include "autoconf.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file_kind.h"
#include "pm2.h"
#include "pm2_json.h"
#include "pm2_skew.h"
#include "stamp.h"
#include "xmalloc.h"

/* Lines looked at from the end for the last stamp: a cluster write's
 * unstamped lines after its stamped first one are a record or two. */
#define PM2_SKEW_MAX_LINES	256

/*
 * The time PM2 stamped the line (P, LEN) with: its prefix (stamp.h), or
 * the "timestamp" of its JSON object.  False when it has none whose time
 * can be read.
 */
static bool
pm2_skew_line_stamp(struct pm2_json *j, const char *p, size_t len,
    int64_t *ms)
{
	struct pm2_json_obj o;

	*ms = STAMP_NONE;
	if (len > 0 && p[0] == '{') {
		if (pm2_json_decode(j, p, len, &o) && o.timestamp != NULL)
			(void)stamp_parse(o.timestamp, o.timestamp_len, ms);
	} else
		(void)stamp_parse_pm2_prefix(p, len, ms);
	return *ms != STAMP_NONE;
}

/* What the local clock reads at MS (ms since the epoch), as ms of a
 * calendar without zones: localtime(3)'s fields, counted by timegm(3). */
static int64_t
pm2_skew_wall_ms(int64_t ms)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return ms;
	return (int64_t)timegm(&tm) * 1000 + (ms - (int64_t)t * 1000);
}

/*
 * Is an offset from UTC of MIN minutes one that some zone uses, standard
 * or summer time?  Every whole hour from UTC-12 to UTC+14 is, and these
 * others (IANA tzdata 2024, zones in use): Marquesas -9:30, Newfoundland
 * -3:30 and -2:30, Iran +3:30, Afghanistan +4:30, India +5:30, Nepal
 * +5:45, Myanmar +6:30, Eucla +8:45, Central Australia +9:30 and +10:30
 * (with Lord Howe), Chatham +12:45 and +13:45.  Two thirds of the
 * multiples of 15 minutes are no zone's, so a gap of one (a file touched
 * long after its last stamp) is not taken for a zone.
 */
static bool
pm2_skew_is_zone(int64_t min)
{
	static const int16_t odd[] = { -570, -210, -150, 210, 270, 330, 345,
	    390, 525, 570, 630, 765, 825 };

	if (min % 60 == 0)
		return min >= -12 * 60 && min <= 14 * 60;
	for (size_t i = 0; i < sizeof(odd) / sizeof(*odd); i++)
		if (odd[i] == min)
			return true;
	return false;
}

/* The local clock's offset from UTC at MS, in minutes (tm_gmtoff). */
static int64_t
pm2_skew_local_offset_min(int64_t ms)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int64_t)tm.tm_gmtoff / 60;
}

enum pm2_skew_verdict
pm2_skew_judge(const char *p, size_t len, bool at_start, int64_t written_ms,
    struct pm2_skew *sk)
{
	struct pm2_json j = { NULL, 0 };
	size_t end = len;
	int64_t ms = STAMP_NONE, d, q, late;
	bool found = false;

	/* A line still being written has no LF yet. */
	while (end > 0 && p[end - 1] != '\n')
		end--;
	for (int i = 0; i < PM2_SKEW_MAX_LINES && end > 0 && !found; i++) {
		size_t start = end - 1, n;

		while (start > 0 && p[start - 1] != '\n')
			start--;
		if (start == 0 && !at_start)
			break;
		n = end - 1 - start;
		if (n > 0 && p[start + n - 1] == '\r')
			n--;
		found = pm2_skew_line_stamp(&j, p + start, n, &ms);
		end = start;
	}
	pm2_json_release(&j);
	if (!found)
		return PM2_SKEW_UNTOLD;
	d = ms - written_ms;
	if (d <= PM2_SKEW_SLACK_MS && -d <= PM2_SKEW_SLACK_MS)
		return PM2_SKEW_AGREES;
	q = (d >= 0 ? d + PM2_SKEW_STEP_MS / 2 : d - PM2_SKEW_STEP_MS / 2) /
	    PM2_SKEW_STEP_MS * PM2_SKEW_STEP_MS;
	/* How much later than its stamp the write came: no earlier than
	 * the file system's coarse clock allows, no later than the queue
	 * of PM2's stream and the stamp's own resolution (a format without
	 * seconds reads up to a minute early) allow. */
	late = q - d;
	if (q == 0 || q > PM2_SKEW_MAX_MS || q < -PM2_SKEW_MAX_MS ||
	    late < -PM2_SKEW_EARLY_MS || late > PM2_SKEW_LATE_MS +
	    (ms % (60 * 1000) == 0 ? 60 * 1000 : 1000))
		return PM2_SKEW_UNTOLD;
	/* PM2's zone is ours moved by Q: it must be one that exists. */
	if (!pm2_skew_is_zone(pm2_skew_local_offset_min(written_ms) +
	    q / (60 * 1000)))
		return PM2_SKEW_UNTOLD;
	/* The stamp reads as the local clock read when it was written: the
	 * hour a summer time ends, which the stamp cannot tell twice. */
	d = pm2_skew_wall_ms(ms) - pm2_skew_wall_ms(written_ms);
	if (d <= PM2_SKEW_SLACK_MS && -d <= PM2_SKEW_SLACK_MS)
		return PM2_SKEW_AGREES;
	sk->skew_ms = q;
	sk->stamp_ms = ms;
	sk->written_ms = written_ms;
	return PM2_SKEW_OFF;
}

enum pm2_skew_verdict
pm2_skew_file(const char *path, struct pm2_skew *sk)
{
	struct stat st;
	char *buf;
	off_t from;
	ssize_t n;
	enum pm2_skew_verdict v = PM2_SKEW_UNTOLD;
	int fd = file_open_noatime(path, O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return PM2_SKEW_UNTOLD;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return PM2_SKEW_UNTOLD;
	}
	from = st.st_size > PM2_SKEW_TAIL_BYTES ?
	    st.st_size - PM2_SKEW_TAIL_BYTES : 0;
	buf = xmalloc(PM2_SKEW_TAIL_BYTES);
	n = pread(fd, buf, PM2_SKEW_TAIL_BYTES, from);
	if (n > 0)
		v = pm2_skew_judge(buf, (size_t)n, from == 0,
		    (int64_t)st.st_mtim.tv_sec * 1000 +
		    st.st_mtim.tv_nsec / 1000000, sk);
	free(buf);
	close(fd);
	return v;
}

char *
pm2_skew_describe(const char *path, const char *more,
    const struct pm2_skew *sk)
{
	int64_t a = sk->skew_ms < 0 ? -sk->skew_ms : sk->skew_ms;
	char stamp[STAMP_BUFLEN], written[STAMP_BUFLEN];
	/* pm2.log is the daemon's: its stamps place PM2's events, and its
	 * format is the daemon's PM2_LOG_DATE_FORMAT, not an app's
	 * log_date_format (PM2 7.0.4 lib/Utility.js overrideConsole,
	 * constants.js). */
	bool is_daemon = pm2_log_is_daemon(path);

	stamp_format(sk->stamp_ms, stamp);
	stamp_format(sk->written_ms, written);
	return xasprintf("%s%s: PM2 stamps %s %lldh%02lld %s the time they "
	    "are written (its last stamp reads as %s here, its last write was "
	    "at %s): they are written in another time zone than omniwatch "
	    "reads them in, and %s are placed that far off in time (windows, "
	    "alerts, check, reports); run omniwatch in that zone (TZ)%s",
	    path, more, is_daemon ? "its own events (starts, exits)" :
	    "its lines", (long long)(a / 3600000), (long long)(a / 60000 % 60),
	    sk->skew_ms < 0 ? "behind" : "ahead of", stamp, written, is_daemon ?
	    "PM2's exits and restarts (crash loops)" : "the records",
	    is_daemon ? ", or start PM2 with PM2_LOG_DATE_FORMAT="
	    "'YYYY-MM-DD HH:mm:ss Z'" : ", or have PM2 write the zone "
	    "(log_date_format 'YYYY-MM-DD HH:mm:ss Z')");
}

void
pm2_skew_tally_file(struct pm2_skew_tally *t, const char *path)
{
	struct pm2_skew sk;

	switch (pm2_skew_file(path, &sk)) {
	case PM2_SKEW_AGREES:
		t->nagree++;
		break;
	case PM2_SKEW_OFF:
		if (t->n++ == 0) {
			t->first = xstrdup(path);
			t->sk = sk;
		}
		break;
	case PM2_SKEW_UNTOLD:
		break;
	}
}

char *
pm2_skew_tally_describe(struct pm2_skew_tally *t)
{
	char more[64] = "", *msg;

	if (t->n == 0)
		return NULL;
	if (t->n > 1)
		snprintf(more, sizeof(more), " (and %zu more %s)", t->n - 1,
		    t->n == 2 ? "log" : "logs");
	msg = pm2_skew_describe(t->first, more, &t->sk);
	free(t->first);
	t->first = NULL;
	return msg;
}

/*
 * pm2_skew: whether PM2 stamps an app's lines in another time zone than
 * the one omniwatch reads them in.
 *
 * PM2 7.0.4 stamps a line with dayjs in the local time of the process
 * that writes it, and `--time` or a log_date_format without "Z" writes no
 * zone (stamp.h): the daemon for fork mode and pm2.log
 * (lib/God/ForkMode.js), each worker in cluster mode
 * (lib/ProcessContainer.js, with the app's env, its TZ included).  One
 * started with another TZ (a shell's export, a container's
 * /etc/localtime, an app's env) writes stamps hours away from the time
 * omniwatch takes them for.  Nothing in a line says so, and every
 * window, `check` and summary then places its records hours off: a
 * failure stamped 5 hours back is outside every window (OK while
 * failing), and so are PM2's exits for the crash-loop count.
 *
 * What tells it: a log's last write is its mtime, and the last stamp PM2
 * wrote is that write's (the line that carries it, or the first line of
 * the write that the unstamped lines after it belong to, in cluster
 * mode).  The two agree to a second or two; a time zone puts them a
 * multiple of 15 minutes apart (every zone offset is one, UTC-12 to
 * UTC+14), the write no more than PM2_SKEW_LATE_MS after its stamp (a
 * minute more when the stamp has no seconds), and PM2's zone, ours moved
 * by that much, one that exists (pm2_skew_is_zone): a file touched a
 * while after its last write, whose gap is whatever it is, is seldom
 * taken for a zone (about 1 touch in 60 gapped by more than 15 minutes).
 * Anything else (no stamp, a stamp with its zone, a stamp of
 * another date order, a file touched since) tells nothing and is not a
 * skew; nor is a stamp that reads the same on the local clock at the
 * time of the write (the hour a summer time ends repeats, and mktime(3)
 * takes it for one of the two).
 */
#ifndef OMNIWATCH_PM2_SKEW_H
#define OMNIWATCH_PM2_SKEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PM2_SKEW_TAIL_BYTES	(16 * 1024)	/* a log's end, read */
#define PM2_SKEW_STEP_MS	(15 * 60 * 1000)	/* zone offsets */
#define PM2_SKEW_SLACK_MS	(2 * 60 * 1000)	/* stamp to write, agreeing */
#define PM2_SKEW_LATE_MS	(30 * 1000)	/* a zone away: a write after
						   its stamp, at most */
#define PM2_SKEW_EARLY_MS	1000	/* a write's mtime before its stamp */
#define PM2_SKEW_MAX_MS		(26 * 60 * 60 * 1000LL)	/* UTC-12..+14 */

struct pm2_skew {
	int64_t		 skew_ms;	/* stamp minus write time, rounded
					   to PM2_SKEW_STEP_MS; 0: none */
	int64_t		 stamp_ms;	/* the last stamp, as read here */
	int64_t		 written_ms;	/* the write it belongs to */
};

enum pm2_skew_verdict {
	PM2_SKEW_UNTOLD,	/* no stamp to judge, or one off by no zone */
	PM2_SKEW_AGREES,	/* the last stamp is the write's time */
	PM2_SKEW_OFF,		/* a time zone apart: *SK says how far */
};

/*
 * Judges the last stamp PM2 wrote in the LEN bytes at P, the end of a log
 * (AT_START: P is the file's first byte, else the first line may be cut
 * and is not read), against WRITTEN_MS, the time of the log's last write
 * (ms since the epoch).  A cut last line is left out.  PM2_SKEW_OFF, with
 * *SK filled, when the two are a whole number of zone steps apart (one at
 * least, PM2_SKEW_MAX_MS at most, the write from PM2_SKEW_EARLY_MS before
 * to PM2_SKEW_LATE_MS after its stamp), PM2's zone so found is one that
 * exists, and the stamp does not read the same on the local clock as the
 * write.  The local zone is the process's (TZ, localtime(3)).
 */
enum pm2_skew_verdict pm2_skew_judge(const char *p, size_t len,
    bool at_start, int64_t written_ms, struct pm2_skew *sk);

/*
 * pm2_skew_judge() of the log at PATH: its last PM2_SKEW_TAIL_BYTES and
 * its mtime.  A file that cannot be opened or read, or is not a regular
 * file, or is empty, tells nothing: its reading says why elsewhere.
 */
enum pm2_skew_verdict pm2_skew_file(const char *path, struct pm2_skew *sk);

/* Logs judged one by one (pm2_skew_tally_file), and the first skewed. */
struct pm2_skew_tally {
	char		*first;		/* malloc'd: its path, or NULL */
	struct pm2_skew	 sk;		/* its skew */
	size_t		 n;		/* logs a zone away */
	size_t		 nagree;	/* logs whose stamps agree */
};

/* Judges the log at PATH (pm2_skew_file) into T, which starts zeroed. */
void pm2_skew_tally_file(struct pm2_skew_tally *t, const char *path);

/*
 * What to say of T's skewed logs (pm2_skew_describe of the first, with
 * how many more), malloc'd, or NULL when none is.  Frees T's path.
 */
char *pm2_skew_tally_describe(struct pm2_skew_tally *t);

/*
 * What to say of SK, found in the log at PATH (MORE follows the path:
 * "", or " (and 2 more logs)"): the offset ("5h00 behind"), the two
 * times, what it does to the counts and the fix.  Malloc'd.
 */
char *pm2_skew_describe(const char *path, const char *more,
    const struct pm2_skew *sk);

#endif

/*
 * service: `watch` as a service, and how anyone can tell that it is
 * alive.
 *
 * Two audiences:
 *  - systemd (sd_notify(3), Type=notify): READY=1 once the backlog is
 *    counted and committed, WATCHDOG=1 from the cron at half the
 *    WatchdogSec= systemd passes (WATCHDOG_USEC, sd_watchdog_enabled(3)),
 *    RELOADING=1 on SIGHUP, STOPPING=1, and a STATUS= line.  Without
 *    NOTIFY_SOCKET in the environment these do nothing.
 *  - `omniwatch check` and any other tester: STATE_DIR/watch.lock.
 *    watch holds a write lock on it (an open file description lock,
 *    fcntl(2) F_OFD_SETLK) for as long as it runs, keeps its pid in it,
 *    and touches its mtime every SERVICE_HEARTBEAT_MS: the heartbeat.
 *    The kernel drops the lock when the process ends however it ends
 *    (kill -9 included), so a tester knows at once that watch is gone;
 *    a hung watch holds the lock, but its heartbeat ages.  A tester asks
 *    with F_OFD_GETLK, which takes no lock: a check can never keep watch
 *    from starting (a flock(2) test would have to take the lock).
 */
#ifndef OMNIWATCH_SERVICE_H
#define OMNIWATCH_SERVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SERVICE_LOCK_FILE	"watch.lock"
#define SERVICE_HEARTBEAT_MS	5000	/* the lock file's mtime, at most */
#define SERVICE_HUNG_MS		30000	/* heartbeat older: watch hangs */
/* watch commits its state at least this often, idle or not (the
 * state's last_commit_ms); a last commit older than this, its
 * commit_interval and SERVICE_HUNG_MS means commits fail or stall. */
#define SERVICE_COMMIT_IDLE_MS	30000

struct service;

/* Reads the watchdog interval systemd passed, if any.  Never fails. */
struct service *service_new(void);

/*
 * Takes the lock in STATE_DIR (created by the state before), writes our
 * pid into it.  Called again with the same directory (a reload), keeps
 * the lock it holds, so that no other watch can slip in between.
 * Returns 0, or -1 with *ERR (malloc'd) naming the file: another watch
 * holds it, or it cannot be opened.
 */
int service_lock(struct service *sv, const char *state_dir, char **err);

/* Start-up is done (the backlog counted): READY=1 with STATUS. */
void service_ready(struct service *sv, const char *status);

/* SIGHUP: RELOADING=1; service_ready() follows when done. */
void service_reloading(struct service *sv);

/* SIGTERM: STOPPING=1. */
void service_stopping(struct service *sv);

/* The cron's duty: the heartbeat and WATCHDOG=1 when due (NOW_MS: ms
 * since the epoch). */
void service_tick(struct service *sv, int64_t now_ms);

/* When service_tick() next has work (ms since the epoch). */
int64_t service_deadline(const struct service *sv, int64_t now_ms);

/* Lets the lock go.  Accepts NULL. */
void service_free(struct service *sv);

/* What a tester finds in a state directory. */
enum service_liveness {
	SERVICE_RUNNING,	/* locked, heartbeat fresh */
	SERVICE_HUNG,		/* locked, heartbeat older than SERVICE_HUNG_MS */
	SERVICE_STALLED,	/* running, but commits nothing (see above) */
	SERVICE_DOWN,		/* not locked, or no lock file at all */
	SERVICE_UNKNOWN,	/* cannot be told (permissions): see err */
};

struct service_probe {
	enum service_liveness liveness;
	pid_t		 pid;		/* from the file; 0 if none */
	int64_t		 heartbeat_ms;	/* the file's mtime; 0 if none */
	int		 err;		/* errno, for SERVICE_UNKNOWN */
};

/*
 * Tells whether a watch runs on STATE_DIR at NOW_MS (ms since the
 * epoch), without taking any lock or changing anything.
 */
void service_probe(const char *state_dir, int64_t now_ms,
    struct service_probe *p);

/*
 * "watch (pid N)", or "watch" when the pid could not be read (watch.lock
 * unreadable), into BUF of SIZE bytes; returns BUF.
 */
const char *service_probe_who(const struct service_probe *p, char *buf,
    size_t size);

/*
 * Does a watch run on STATE_DIR for the config at CONFIG_PATH, now
 * (NOW_MS, ms since the epoch), and commit?  SERVICE_RUNNING, or the
 * liveness with *MSG set (malloc'd, the caller frees it) to what a report
 * says of it: down or hung, or running but stalled (its LAST_COMMIT_MS,
 * the state's last_commit_ms or STAMP_NONE, older than
 * SERVICE_COMMIT_IDLE_MS + COMMIT_MS, its commit_interval, +
 * SERVICE_HUNG_MS: commits fail, a full state disk, or stall), with the
 * last commit as an age (AS_AGE: check's status line, read now) or as a
 * time (a report, the same whenever it is made again), or why it cannot
 * be told.  Stated once for check (CRITICAL, UNKNOWN) and summary (a
 * report's first words).
 */
enum service_liveness service_watch_status(const char *state_dir,
    const char *config_path, int64_t now_ms, int64_t last_commit_ms,
    int64_t commit_ms, bool as_age, char **msg);

#endif

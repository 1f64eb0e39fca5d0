/*
 * pm2_daemon: what PM2's own log, PM2_HOME/pm2.log, says about the apps:
 * when each instance started, came online, exited, was stopped, and when
 * PM2 gave up on it.
 *
 * Facts (PM2 7.0.4, read in its source and in pm2.log written by real
 * runs; tests/data/pm2-daemon/ holds captured samples).  Each line is
 * "YYYY-MM-DDTHH:mm:ss: PM2 log: MSG" (or "PM2 error: MSG"), in the
 * daemon's local time; the lines counted are
 *   lib/God/ForkMode.js, ClusterMode.js:
 *     "App [NAME:ID] starting in -fork mode-" / "-cluster mode-"
 *   lib/God.js executeApp:       "App [NAME:ID] online"
 *   lib/God.js handleExit:       "App [NAME:ID] exited with code [C] via
 *                                 signal [SIG]" (SIGINT when none)
 *     and right after it, in the same call when the restarts were too
 *     many and too quick (min_uptime, max_restarts):
 *                                "Script PATH had too many unstable
 *                                 restarts (N). Stopped. \"errored\""
 *     which names the script, not the app: it belongs to the exit line
 *     just before it.  A late exit of a replaced worker is followed by
 *                                "App [NAME:ID] stale exit event ignored
 *                                 (pid P)", and is not an exit of the app.
 *   lib/God/ActionMethods.js stopProcessId (pm2 stop, restart, delete,
 *     kill, and the old workers of a reload):
 *                                "Stopping app:NAME id:ID"
 *     and, for an app without a process (errored): "app=NAME id=ID does
 *     not have a pid" (PM2 error).
 *   lib/Daemon.js: "--- New PM2 Daemon started ---..." (a title line),
 *     "PM2 successfully stopped" (close: `pm2 kill`) and "Exited
 *     peacefully" (gracefullExit: a SIGTERM, SIGINT or SIGQUIT).
 * ID is the pm_id, the N of a cluster app's "-N" files; a reload names
 * the worker it replaces "_old_ID".  The same lines are in pm2.log files
 * written by PM2 5.x.
 */
#ifndef OMNIWATCH_PM2_DAEMON_H
#define OMNIWATCH_PM2_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pm2_daemon_kind {
	PM2_DAEMON_NONE,	/* a line that changes nothing we track */
	PM2_DAEMON_STARTING,
	PM2_DAEMON_ONLINE,
	PM2_DAEMON_EXITED,
	PM2_DAEMON_STALE_EXIT,
	PM2_DAEMON_STOPPING,
	PM2_DAEMON_NO_PID,
	PM2_DAEMON_ERRORED,	/* names no app: see above */
	PM2_DAEMON_STARTED,	/* a new daemon */
	PM2_DAEMON_STOPPED,	/* the daemon stopped */
};

enum pm2_mode {
	PM2_MODE_UNKNOWN,
	PM2_MODE_FORK,
	PM2_MODE_CLUSTER,
};

/* One line of pm2.log, as read. */
struct pm2_daemon_line {
	enum pm2_daemon_kind kind;
	int64_t		 ts_ms;		/* STAMP_NONE when unstamped */
	const char	*app;		/* into the line, not NUL-terminated */
	size_t		 app_len;
	int		 id;		/* pm_id; -1 when the line has none */
	bool		 is_old;	/* "_old_ID": a worker being replaced */
	enum pm2_mode	 mode;		/* of STARTING */
	uint64_t	 offset;	/* stream offset of the line */
	uint64_t	 end;		/* just past its LF */
};

/*
 * Reads the line (P, LEN) (without its LF) into *OUT (whose strings point
 * into P).  Never fails: a line that says nothing of interest, or is not
 * PM2's at all, is PM2_DAEMON_NONE.
 */
void pm2_daemon_parse(const char *p, size_t len, struct pm2_daemon_line *out);

/*
 * The last known state of an instance, in PM2's words (`pm2 ls`):
 * launching from "starting" to "online", stopping from "Stopping" to the
 * exit.
 */
enum pm2_state {
	PM2_STATE_UNKNOWN,
	PM2_STATE_LAUNCHING,
	PM2_STATE_ONLINE,
	PM2_STATE_STOPPING,
	PM2_STATE_STOPPED,
	PM2_STATE_ERRORED,
	/* Running when its daemon went without stopping it (SIGKILL, the
	 * OOM killer): the next daemon started without it ("lost", not a
	 * word of PM2's; its apps die with the daemon, pm2_life.h). */
	PM2_STATE_LOST,
};

/* "online"...; "" for UNKNOWN. */
const char *pm2_state_name(enum pm2_state s);

/* The state named S, or PM2_STATE_UNKNOWN. */
enum pm2_state pm2_state_parse(const char *s);

/* What is counted per app and instance. */
enum pm2_event {
	PM2_EVENT_RESTART,	/* a start after the first (restart_time) */
	PM2_EVENT_UNPLANNED_EXIT,	/* an exit no stop asked for */
	PM2_EVENT_PLANNED_STOP,	/* a stop asked for (stop, restart...) */
	PM2_EVENT_ERRORED,	/* PM2 gave up restarting it */
	PM2_EVENT_N
};

/* "restarts", "unplanned_exits", "planned_stops", "errored". */
extern const char *const pm2_event_names[PM2_EVENT_N];

/* The event named S (one of pm2_event_names): 0, or -1. */
int pm2_event_parse(const char *s, enum pm2_event *ev);

/*
 * What the tracker remembers of one pm_id of an app, enough to go on
 * after a restart of `watch` (state_pm2.h keeps it).
 */
struct pm2_instance {
	char		*app;		/* owned by the tracker */
	int		 id;
	enum pm2_mode	 mode;
	enum pm2_state	 state;
	int64_t		 since_ms;	/* of the state; STAMP_NONE */
	bool		 has_started;	/* in this daemon's life */
};

struct pm2_tracker_cb {
	/* EV happened to I at TS_MS (STAMP_NONE when unstamped). */
	void	(*event)(void *ctx, const struct pm2_instance *i,
		    enum pm2_event ev, int64_t ts_ms);
	/* I's state or mode changed (I->state, I->since_ms). */
	void	(*state)(void *ctx, const struct pm2_instance *i);
	void	*ctx;
};

/*
 * The tracker turns the lines of one PM2_HOME's pm2.log, in order, into
 * counted events and states.  A restart is a start of an instance that
 * has started before in the same daemon's life (so the first start after
 * `pm2 kill` and `pm2 resurrect` is not one; PM2 gives resurrected apps
 * new pm_ids anyway).  An exit is unplanned unless a "Stopping" line for
 * the instance came since its start.
 */
struct pm2_tracker;

struct pm2_tracker *pm2_tracker_new(const struct pm2_tracker_cb *cb);

/* Remembers I (read back from the state) without calling back. */
void pm2_tracker_seed(struct pm2_tracker *t, const struct pm2_instance *i);

/* Takes the next line of the log. */
void pm2_tracker_line(struct pm2_tracker *t, const struct pm2_daemon_line *l);

/* The instances known, in the order first seen; *N of them (borrowed). */
const struct pm2_instance *pm2_tracker_instances(const struct pm2_tracker *t,
    size_t *n);

void pm2_tracker_free(struct pm2_tracker *t);

/*
 * The reader splits a byte stream of pm2.log into parsed lines, as
 * pipeline.h does for app logs, and keeps an exit line back until the
 * next line shows whether PM2 called it stale.  While it keeps one, the
 * safe offset is that line's, so that a `watch` killed then reads it
 * again with its follower.
 */
struct pm2_daemon_reader;

/* MAX_LINE caps a line (bytes; 0: LINE_MAX_DEFAULT). */
struct pm2_daemon_reader *pm2_daemon_reader_new(size_t max_line,
    void (*line)(void *ctx, const struct pm2_daemon_line *l), void *ctx);
void pm2_daemon_reader_feed(struct pm2_daemon_reader *r, const char *buf,
    size_t len);
/* Hands on the kept exit line (the writer went quiet, or input ended). */
void pm2_daemon_reader_flush(struct pm2_daemon_reader *r);
/* End of input; EMIT_PARTIAL as pipeline_finish(). */
void pm2_daemon_reader_finish(struct pm2_daemon_reader *r, bool emit_partial);
/* Forgets partial and kept lines and goes on at OFFSET (truncation). */
void pm2_daemon_reader_reset(struct pm2_daemon_reader *r, uint64_t offset);
uint64_t pm2_daemon_reader_safe_offset(const struct pm2_daemon_reader *r);
bool pm2_daemon_reader_is_pending(const struct pm2_daemon_reader *r);
/* Lines read (for the report's files list). */
uint64_t pm2_daemon_reader_lines(const struct pm2_daemon_reader *r);
void pm2_daemon_reader_free(struct pm2_daemon_reader *r);

#endif

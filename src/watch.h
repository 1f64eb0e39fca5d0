/*
 * watch: what `omniwatch watch` holds while it runs, shared by cmd_watch.c
 * (loading the config, opening the modules, reloading them on SIGHUP) and
 * watch_loop.c (the event loop and its cron).  Not a library module.
 */
#ifndef OMNIWATCH_WATCH_H
#define OMNIWATCH_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "watch_pm2.h"

struct watch {
	char		*config_path;
	struct config	*cfg;
	struct match_set **sets;
	size_t		 nsets;
	struct state	*st;
	struct tail	*tail;
	struct alert	*al;
	struct http_client *hc;		/* the loop's libcurl multi handle */
	struct webhook	*wh;
	struct probe_set *ps;		/* the config's probes */
	struct metrics	*mx;
	struct watch_pm2 *pm2;		/* PM2's own log */
	struct sandbox	*sb;		/* NULL until entered, or --no-sandbox */
	bool		 is_sandboxed;	/* enter it once started */
	struct watch_dump dump;		/* dump.pm2's logs, for the tail */
	int		 epfd;		/* the loop's: tail, curl, metrics */
	int		 sfd;		/* signalfd */
	int		 tfd;		/* timerfd */
	struct service	*sv;		/* the lock, the heartbeat, systemd */
	uint64_t	 uncommitted_records;
	uint64_t	 committed_bytes;	/* tail bytes at last commit */
	int64_t		 last_commit_ms;	/* 0: none yet */
	uint64_t	 commit_failures;	/* commits the state refused */
	int64_t		 dirty_since_ms;	/* 0: nothing uncommitted */
	int64_t		 tail_resume_ms;	/* 0: tail's descriptor is armed */
	int64_t		 batch_rest_ms;	/* its rest after the last batch */
	bool		 has_notice;	/* an alert changed: commit now */
	int64_t		 look_due_ms;	/* next look at the logs' disks
					   and PM2's stamps */
	size_t		 full_disks;	/* full file systems last said */
	size_t		 skew_logs;	/* skewed logs last said, and */
	int64_t		 skew_ms;	/* the first one's offset */
	int64_t		 pm2_life_due_ms;	/* next look at PM2's daemons */
	char		*pm2_life_msg;	/* what was said of them, or NULL */
	pid_t		 reload_pid;	/* the child checking a reload, or 0 */
	bool		 is_running;	/* false: the loop ends */
	int		 rc;		/* the exit status when it does */
};

/*
 * Saves the tail's offsets and the alerts' state and commits them with the
 * counts; FLUSH first completes the records in progress.  On success the
 * notifications queued meanwhile may be sent, else they are dropped.
 */
void watch_commit(struct watch *w, bool flush);

/*
 * Whether W's config file, and all it names, load as a reload would load
 * them (watch_reload.h runs this in its child).  Returns 0, or -1 with the
 * reason logged; W is not changed.
 */
int watch_load_check(const struct watch *w);

/*
 * A new config and patterns (SIGHUP, once watch_reload.h's child has
 * checked them).  Returns 0 (also when the new config
 * is bad: the old one keeps running), or -1 when the modules could not be
 * opened again (logged); the loop must end then.
 */
int watch_reload(struct watch *w);

/*
 * A new dump.pm2 names other logs: the modules are opened again from a
 * committed point, as a reload does, with the same config.  Returns 0,
 * or -1 (logged); the loop must end then.
 */
int watch_reopen(struct watch *w);

/* Sets up the loop's signalfd, timerfd and epoll set.  0, or -1 (logged). */
int watch_loop_init(struct watch *w);

/* Closes what watch_loop_init() opened. */
void watch_loop_release(struct watch *w);

/*
 * Runs until TERM or INT (then flushes, commits and writes the metrics
 * textfile) or a failed reload.  Returns the exit status (cmd.h).
 */
int watch_loop(struct watch *w);

#endif

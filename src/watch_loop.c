/*
 * watch_loop: the event loop of `omniwatch watch` (one thread, one
 * epoll_wait), which hands each ready descriptor to its owner (watch_fds,
 * by loop.h's owners):
 *   signals  -> TERM/INT: flush, commit, exit 0; HUP: a reload, checked in
 *               a child (watch_reload.h); CHLD: that child has ended, the
 *               reload is taken or refused; USR1: status
 *   timer    -> nothing to read: it only wakes the loop for the cron
 *   tail     -> tail_events: read what changed, follow rotations; then
 *               the descriptor rests for a while (WATCH_BATCH_MS)
 *   metrics  -> libmicrohttpd's epoll descriptor: answer scrapes
 *   http     -> libcurl's sockets: http_client_event (notifications and
 *               probes never block reading: a hung receiver or partner is
 *               just a socket that stays quiet)
 * then runs the cron (watch_duties: what each duty does, and when it is
 * due).  The timerfd is armed for the earliest duty's deadline and never
 * otherwise, so an idle agent wakes only for the sweep, the heartbeat and
 * the idle commit.
 */
#include "autoconf.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "alert.h"
#include "cmd.h"
#include "config.h"
#include "http_client.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "probe_set.h"
#include "plural.h"
#include "service.h"
#include "stamp.h"
#include "state.h"
#include "tail.h"
#include "watch.h"
#include "watch_check.h"
#include "watch_reload.h"
#include "webhook.h"

/*
 * How long tail's inotify descriptor rests after a batch of events (ms).
 * The writes of that time queue up in the kernel (inotify(7)) and are
 * taken as one batch, each file read once: a busy app's write ticks (every
 * few ms) would otherwise cost a wakeup and two reads per file each.  The
 * first write after a quiet spell is read at once; under load a line
 * waits at most this long, well within a commit_interval.
 */
#define WATCH_BATCH_MS	25
/*
 * Under sustained load each batch that found events doubles the rest, up
 * to this (ms): with a hundred busy files, a 25 ms batch holds about one
 * write per file, and each still costs its reads; a 100 ms one holds
 * four.  A line then waits at most this long, within the lag the commit
 * interval gives anyway; a quiet spell brings the rest back to
 * WATCH_BATCH_MS, so the first write after it is read at once as before.
 */
#define WATCH_BATCH_MAX_MS	200
/* How often the logs' file systems and PM2's stamps are looked at
 * (watch_look_tick), and PM2's daemons (watch_pm2_life_tick: a read of
 * pm2.pid and a kill(pid, 0) per home).  Neither wakes the loop itself:
 * each runs at the first wakeup after it is due (the sweep's, the
 * heartbeat's), so that an idle watch wakes no more often. */
#define WATCH_LOOK_MS		(60 * 1000)
#define WATCH_PM2_LIFE_MS	(10 * 1000)

static void
watch_arm(int tfd, int64_t delay_ms)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (delay_ms < 1)
		delay_ms = 1;
	its.it_value.tv_sec = delay_ms / 1000;
	its.it_value.tv_nsec = (delay_ms % 1000) * 1000000;
	timerfd_settime(tfd, 0, &its, NULL);
}

/*
 * The descriptors of the loop.  Signals are blocked first, before any
 * library can start a thread (libcurl's resolver), so that every thread
 * inherits the mask and TERM always arrives through the signalfd.
 */
int
watch_loop_init(struct watch *w)
{
	sigset_t mask;
	struct epoll_event ev;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	w->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->sfd < 0 || w->tfd < 0 || w->epfd < 0) {
		log_error("cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = loop_data(LOOP_SIGNALS, w->sfd);
	epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->sfd, &ev);
	ev.data.u64 = loop_data(LOOP_TIMER, w->tfd);
	epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->tfd, &ev);
	return 0;
}

void
watch_loop_release(struct watch *w)
{
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->tfd >= 0)
		close(w->tfd);
	if (w->sfd >= 0)
		close(w->sfd);
	w->epfd = w->tfd = w->sfd = -1;
}

/* ---------------------------------------------------------------------
 * The cron.
 */

/*
 * A duty that is one module's tick and deadline: its two adapters, from
 * the calls that run it and that say when it is next due.
 */
#define WATCH_DUTY(name, tick_call, deadline_call)			\
static void								\
watch_##name##_tick(struct watch *w, int64_t now)			\
{									\
	tick_call;							\
}									\
static int64_t								\
watch_##name##_deadline(const struct watch *w, int64_t now)		\
{									\
	(void)now;							\
	return deadline_call;						\
}

/* Tail's descriptor in the epoll set: EPOLLIN, or 0 while it rests. */
static void
watch_tail_listen(struct watch *w, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = loop_data(LOOP_TAIL, tail_fd(w->tail));
	epoll_ctl(w->epfd, EPOLL_CTL_MOD, tail_fd(w->tail), &ev);
}

/*
 * The events that queued while tail's descriptor rested: a batch that
 * found some rests again, else the descriptor wakes the loop again.  They
 * are taken early when the tail itself is due (tail_tick: an idle flush,
 * a rotated file let go), which must judge the files as they are.
 */
static void
watch_batch_tick(struct watch *w, int64_t now)
{
	if (w->tail_resume_ms == 0 || (now < w->tail_resume_ms &&
	    now < tail_deadline(w->tail, now)))
		return;
	if (tail_events(w->tail, now) > 0) {
		w->batch_rest_ms = w->batch_rest_ms * 2 > WATCH_BATCH_MAX_MS ?
		    WATCH_BATCH_MAX_MS : w->batch_rest_ms * 2;
		w->tail_resume_ms = now + w->batch_rest_ms;
	} else {
		w->tail_resume_ms = 0;
		watch_tail_listen(w, EPOLLIN);
	}
}

static int64_t
watch_batch_deadline(const struct watch *w, int64_t now)
{
	(void)now;
	return w->tail_resume_ms != 0 ? w->tail_resume_ms : INT64_MAX;
}

WATCH_DUTY(tail, tail_tick(w->tail, now), tail_deadline(w->tail, now))
WATCH_DUTY(http, http_client_tick(w->hc, now), http_client_deadline(w->hc))
WATCH_DUTY(probe, probe_set_tick(w->ps, now), probe_set_deadline(w->ps))
WATCH_DUTY(alert, alert_tick(w->al, now), alert_deadline(w->al, now))
WATCH_DUTY(webhook, webhook_tick(w->wh, now), webhook_deadline(w->wh, now))
WATCH_DUTY(metrics, metrics_tick(w->mx, now), metrics_deadline(w->mx, now))
WATCH_DUTY(service, service_tick(w->sv, now), service_deadline(w->sv, now))

static void
watch_commit_tick(struct watch *w, int64_t now)
{
	/* Idle too, now and then: the state's last_commit_ms tells check
	 * that commits still work (service.h, SERVICE_COMMIT_IDLE_MS). */
	if ((tail_stats(w->tail)->bytes != w->committed_bytes ||
	    state_is_dirty(w->st) ||
	    now - w->last_commit_ms >= SERVICE_COMMIT_IDLE_MS) &&
	    w->dirty_since_ms == 0)
		w->dirty_since_ms = now;
	if (w->has_notice || (w->dirty_since_ms != 0 &&
	    (now - w->dirty_since_ms >= w->cfg->commit_ms ||
	    w->uncommitted_records >= w->cfg->commit_records)))
		watch_commit(w, false);
}

static int64_t
watch_commit_deadline(const struct watch *w, int64_t now)
{
	return w->dirty_since_ms != 0 ? w->dirty_since_ms + w->cfg->commit_ms :
	    w->last_commit_ms + SERVICE_COMMIT_IDLE_MS;
}

/*
 * What watch cannot read but must say, looked at every WATCH_LOOK_MS and
 * said when it starts, changes or ends: a full file system under the
 * logs (PM2 loses what the apps write), and PM2 stamping in another time
 * zone (watch_check_skewed_logs: the records are placed that far off).
 */
static void
watch_look_tick(struct watch *w, int64_t now)
{
	size_t n;
	int64_t ms;
	char *msg;
	bool is_bytes;

	if (now < w->look_due_ms)
		return;
	w->look_due_ms = now + WATCH_LOOK_MS;
	msg = watch_check_full_disks_noted(w->cfg, w->st, now, &n,
	    &is_bytes);
	if (msg != NULL && n != w->full_disks)
		log_warnx("%s", msg);
	else if (msg == NULL && w->full_disks > 0)
		log_info("the logs' file systems have room again");
	w->full_disks = n;
	free(msg);
	msg = watch_check_skewed_logs(w->cfg, w->st, true, &n, &ms);
	if (msg != NULL && (n != w->skew_logs || ms != w->skew_ms))
		log_warnx("%s", msg);
	else if (msg == NULL && w->skew_ms != 0)
		log_info("PM2's stamps agree with the time of their writes "
		    "again");
	w->skew_logs = n;
	w->skew_ms = ms;
	free(msg);
}

/* At start only: later, the first wakeup after look_due_ms runs it. */
static int64_t
watch_look_deadline(const struct watch *w, int64_t now)
{
	(void)now;
	return w->look_due_ms == 0 ? 0 : INT64_MAX;
}

/*
 * PM2's daemons that do not run (watch_check_pm2_daemons): said at start,
 * when that changes, and when all run again.  Nothing is logged once a
 * daemon is gone, so this is the only word of it.
 */
static void
watch_pm2_life_tick(struct watch *w, int64_t now)
{
	char *msg;
	bool is_gone;	/* check's CRITICAL; both are warnings here */

	if (now < w->pm2_life_due_ms)
		return;
	w->pm2_life_due_ms = now + WATCH_PM2_LIFE_MS;
	msg = watch_check_pm2_daemons(w->cfg, &is_gone);
	if (msg != NULL && (w->pm2_life_msg == NULL ||
	    strcmp(msg, w->pm2_life_msg) != 0))
		log_warnx("%s", msg);
	else if (msg == NULL && w->pm2_life_msg != NULL)
		log_info("PM2's daemons run again");
	free(w->pm2_life_msg);
	w->pm2_life_msg = msg;
}

/* At start only: later, the first wakeup after pm2_life_due_ms. */
static int64_t
watch_pm2_life_deadline(const struct watch *w, int64_t now)
{
	(void)now;
	return w->pm2_life_due_ms == 0 ? 0 : INT64_MAX;
}

/* A new dump.pm2 (pm2 save) that names other logs: looked at when the
 * tail saw its directory change. */
static void
watch_dump_tick(struct watch *w, int64_t now)
{
	(void)now;
	if (!tail_home_changed(w->tail))
		return;
	if (watch_dump_changed(&w->dump, w->cfg) && watch_reopen(w) != 0) {
		w->rc = CMD_EXIT_INPUT;
		w->is_running = false;
	}
}

/* The home directory's inotify events and the sweep wake the loop. */
static int64_t
watch_dump_deadline(const struct watch *w, int64_t now)
{
	(void)w;
	(void)now;
	return INT64_MAX;
}

/*
 * The cron's duties, run in this order after every wakeup; the timerfd
 * is armed for the earliest of their deadlines (ms since the epoch).
 *   batch    the inotify events that queued while tail's descriptor
 *            rested (WATCH_BATCH_MS)
 *   tail     idle flushes, letting go of rotated files, the sweep
 *   http     curl's timeouts, transfers that ended (probes' results)
 *   probe    the probes that are due start
 *   alert    the rules judged on the records just read and the probes'
 *            verdicts; windows emptied,
 *            `for` and keep_firing_for elapsed, repeats
 *   webhook  retries, notifications committed since
 *   metrics  the textfile
 *   service  the heartbeat in watch.lock (check reads it), systemd's
 *            WATCHDOG=1 at half WatchdogSec
 *   commit   counts, offsets and the alerts' state: commit_interval after
 *            the first uncommitted change, at commit_records records, or
 *            at once when an alert changed, and SERVICE_COMMIT_IDLE_MS
 *            after the last one when idle (check reads its time); only
 *            then may the notifications it queued be sent
 *   look     the logs' file systems full, PM2's stamps held to their
 *            writes: every WATCH_LOOK_MS
 *   pm2life  PM2's daemons that died or were stopped, every
 *            WATCH_PM2_LIFE_MS
 *   dump     a new dump.pm2 that names other logs: all opened again
 *            (last: it replaces the modules the others use)
 * A new duty is one row here, and its tick and deadline above.
 */
static const struct watch_duty {
	void		(*tick)(struct watch *, int64_t now);
	int64_t		(*deadline)(const struct watch *, int64_t now);
} watch_duties[] = {
	{ watch_batch_tick, watch_batch_deadline },
	{ watch_tail_tick, watch_tail_deadline },
	{ watch_http_tick, watch_http_deadline },
	{ watch_probe_tick, watch_probe_deadline },
	{ watch_alert_tick, watch_alert_deadline },
	{ watch_webhook_tick, watch_webhook_deadline },
	{ watch_metrics_tick, watch_metrics_deadline },
	{ watch_service_tick, watch_service_deadline },
	{ watch_commit_tick, watch_commit_deadline },
	{ watch_look_tick, watch_look_deadline },
	{ watch_pm2_life_tick, watch_pm2_life_deadline },
	{ watch_dump_tick, watch_dump_deadline },
};

#define WATCH_NDUTIES	(sizeof(watch_duties) / sizeof(watch_duties[0]))

static void
watch_cron(struct watch *w, int64_t now)
{
	for (size_t i = 0; i < WATCH_NDUTIES; i++)
		watch_duties[i].tick(w, now);
}

/* The earliest time (ms since the epoch) some duty has work to do. */
static int64_t
watch_deadline(const struct watch *w, int64_t now)
{
	int64_t deadline = INT64_MAX;

	for (size_t i = 0; i < WATCH_NDUTIES; i++) {
		int64_t t = watch_duties[i].deadline(w, now);

		if (t < deadline)
			deadline = t;
	}
	return deadline;
}

/* ---------------------------------------------------------------------
 * The descriptors.
 */

/* TERM or INT end the loop; so does a reload that failed half-way. */
static void
watch_on_signals(struct watch *w, int fd, uint32_t events, int64_t now)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			w->is_running = false;
		else if ((si.ssi_signo == SIGHUP && watch_reload_start(w) != 0) ||
		    (si.ssi_signo == SIGCHLD && watch_reload_reap(w) != 0)) {
			w->rc = CMD_EXIT_INPUT;
			w->is_running = false;
			return;
		} else if (si.ssi_signo == SIGUSR1)
			tail_status(w->tail);
	}
}

static void
watch_on_timer(struct watch *w, int fd, uint32_t events, int64_t now)
{
	uint64_t expirations;

	if (read(fd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		log_warn("timerfd");
}

/* A batch of events, then the descriptor rests (WATCH_BATCH_MS). */
static void
watch_on_tail(struct watch *w, int fd, uint32_t events, int64_t now)
{
	tail_events(w->tail, now);
	w->batch_rest_ms = WATCH_BATCH_MS;
	w->tail_resume_ms = now + w->batch_rest_ms;
	watch_tail_listen(w, 0);
}

static void
watch_on_metrics(struct watch *w, int fd, uint32_t events, int64_t now)
{
	metrics_event(w->mx);
}

static void
watch_on_http(struct watch *w, int fd, uint32_t events, int64_t now)
{
	http_client_event(w->hc, fd, events, now);
}

/*
 * Who reads a ready descriptor, by its owner (loop.h).  A new kind of
 * descriptor is a new owner there and one row here.
 */
static void (*const watch_fds[LOOP_NOWNERS])(struct watch *, int fd,
    uint32_t events, int64_t now) = {
	[LOOP_SIGNALS] = watch_on_signals,
	[LOOP_TIMER] = watch_on_timer,
	[LOOP_TAIL] = watch_on_tail,
	[LOOP_METRICS] = watch_on_metrics,
	[LOOP_HTTP] = watch_on_http,
};

static void
watch_dispatch(struct watch *w, const struct epoll_event *ev, int64_t now)
{
	enum loop_owner owner = loop_owner(ev->data.u64);
	int fd = loop_fd(ev->data.u64);

	if (watch_fds[owner] != NULL)
		watch_fds[owner](w, fd, ev->events, now);
	else
		log_warnx("epoll: descriptor %d has no owner; ignored", fd);
}

int
watch_loop(struct watch *w)
{
	log_info("watching %zu %s with %zu %s; state in %s",
	    w->cfg->nsources, plural(w->cfg->nsources, "source", "sources"),
	    w->nsets, plural(w->nsets, "pattern set", "pattern sets"),
	    w->cfg->state_dir);
	w->is_running = true;
	w->rc = CMD_EXIT_OK;
	while (w->is_running) {
		struct epoll_event evs[16];
		int64_t now = stamp_now_ms();
		int n;

		watch_arm(w->tfd, watch_deadline(w, now) - now);
		n = epoll_wait(w->epfd, evs, 16, -1);
		if (n < 0 && errno != EINTR) {
			log_error("epoll_wait: %s", strerror(errno));
			break;
		}
		now = stamp_now_ms();
		for (int i = 0; i < n && w->is_running; i++)
			watch_dispatch(w, &evs[i], now);
		if (w->is_running)
			watch_cron(w, now);
	}
	if (w->tail == NULL)	/* a reload failed half-way */
		return w->rc;
	log_info("stopping: flushing and committing");
	service_stopping(w->sv);
	watch_commit(w, true);
	metrics_write_textfile(w->mx);
	return w->rc;
}

/*
 * cmd_watch: `omniwatch watch`, the agent that follows PM2's logs on the
 * app host and counts every record exactly once into the state.
 *
 * main loop (one thread, one epoll_wait):
 *   inotify  -> tail_events: read what changed, follow rotations
 *   timerfd  -> armed for the earliest of: an idle flush, letting go of a
 *               rotated file, the sweep, a due commit; never otherwise,
 *               so an idle agent wakes only for the sweep
 *   signalfd -> TERM/INT: flush, commit, exit 0; HUP: reload; USR1: status
 * After each wakeup: tail_tick, then commit when due (commit_interval
 * after the first uncommitted byte, or commit_records records).
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "log.h"
#include "match.h"
#include "stamp.h"
#include "state.h"
#include "tail.h"
#include "xmalloc.h"

struct watch {
	char		*config_path;
	struct config	*cfg;
	struct match_set **sets;
	size_t		 nsets;
	struct state	*st;
	struct tail	*tail;
	int		 lock_fd;
	char		*lock_path;	/* the lock lock_fd holds */
	uint64_t	 uncommitted_records;
	uint64_t	 committed_bytes;	/* tail bytes at last commit */
	int64_t		 dirty_since_ms;	/* 0: nothing uncommitted */
};

static int64_t
watch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
watch_outcome_name(enum match_outcome o)
{
	switch (o) {
	case MATCH_SUCCESS:
		return "success";
	case MATCH_FAILURE:
		return "failure";
	case MATCH_DAMAGED:
		return "damaged";
	default:
		return "none";
	}
}

/* A counted record goes into its per-minute bucket. */
static void
watch_outcome(void *ctx, const struct tail_outcome *to)
{
	struct watch *w = ctx;
	const struct pipeline_outcome *o = to->o;
	const struct match_set *set = w->sets[o->set_idx];
	int64_t ts = o->record->ts_ms;
	struct state_count c;

	c.minute_ms = ((ts != STAMP_NONE ? ts : watch_now_ms()) / 60000) * 60000;
	c.pattern_set = set->name;
	c.app = o->app;
	c.stream = to->stream;
	c.outcome = watch_outcome_name(o->outcome);
	c.class = o->outcome == MATCH_FAILURE ? set->failure[o->class_idx].name :
	    "";
	c.count = 1;
	c.first_ms = ts;
	c.last_ms = ts;
	if (state_count(w->st, &c) == 0)
		w->uncommitted_records++;
	if (w->dirty_since_ms == 0)
		w->dirty_since_ms = watch_now_ms();
}

static void
watch_commit(struct watch *w, bool flush)
{
	tail_save(w->tail, flush);
	if (state_commit(w->st) == 0) {
		w->uncommitted_records = 0;
		w->committed_bytes = tail_stats(w->tail)->bytes;
		w->dirty_since_ms = 0;
	}
}

static void
watch_sets_free(struct match_set **sets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		match_set_free(sets[i]);
	free(sets);
}

/*
 * Loads the config at PATH and its pattern sets.  Returns 0, or -1 with the
 * reason logged; nothing is changed then.
 */
static int
watch_load(const char *path, struct config **cfgp, struct match_set ***setsp,
    size_t *nsetsp)
{
	struct config *cfg;
	struct match_set **sets;
	char *err = NULL;

	cfg = config_load(path, &err);
	if (cfg == NULL) {
		log_error("%s", err);
		free(err);
		return -1;
	}
	sets = xcalloc(cfg->npattern_sets, sizeof(*sets));
	for (size_t i = 0; i < cfg->npattern_sets; i++) {
		char *p = match_set_find(cfg->pattern_sets[i], &err);

		if (p != NULL) {
			sets[i] = match_set_load(p, &err);
			free(p);
		}
		if (sets[i] == NULL) {
			log_error("%s: pattern_sets: %s", path, err);
			free(err);
			watch_sets_free(sets, i);
			config_free(cfg);
			return -1;
		}
	}
	*cfgp = cfg;
	*setsp = sets;
	*nsetsp = cfg->npattern_sets;
	return 0;
}

/* Opens the state and the tail for W's config. */
static int
watch_open(struct watch *w)
{
	struct tail_cb cb = { watch_outcome, w };
	char *err = NULL, *lock;

	w->st = state_open(w->cfg->state_dir, false, &err);
	if (w->st == NULL) {
		log_error("%s", err);
		free(err);
		return -1;
	}
	/* One watcher per state: a second would count everything twice.
	 * A reload to the same state_dir keeps the lock it holds, so that
	 * no other watcher can slip in between. */
	lock = xasprintf("%s/watch.lock", w->cfg->state_dir);
	if (w->lock_path == NULL || strcmp(w->lock_path, lock) != 0) {
		int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0640);

		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
			log_error("%s: %s", lock, errno == EWOULDBLOCK ?
			    "another omniwatch watch uses this state_dir" :
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			free(lock);
			return -1;
		}
		if (w->lock_fd >= 0)
			close(w->lock_fd);
		w->lock_fd = fd;
		free(w->lock_path);
		w->lock_path = lock;
	} else
		free(lock);
	w->tail = tail_new(w->cfg, w->sets, w->nsets, w->st, &cb, &err);
	if (w->tail == NULL) {
		log_error("%s", err);
		free(err);
		return -1;
	}
	tail_start(w->tail, watch_now_ms());
	watch_commit(w, false);
	return 0;
}

/* Closes the tail and the state; the lock stays (see watch_unlock). */
static void
watch_close(struct watch *w)
{
	tail_free(w->tail);
	w->tail = NULL;
	state_close(w->st);
	w->st = NULL;
}

static void
watch_unlock(struct watch *w)
{
	if (w->lock_fd >= 0)
		close(w->lock_fd);
	w->lock_fd = -1;
	free(w->lock_path);
	w->lock_path = NULL;
}

/*
 * SIGHUP: a new config and patterns.  Counting stops at a committed point
 * and starts again from the saved offsets, so nothing is lost or repeated;
 * a bad new config leaves the old one running.
 */
static int
watch_reload(struct watch *w, int epfd)
{
	struct config *cfg;
	struct match_set **sets;
	size_t nsets;

	log_info("SIGHUP: reloading %s", w->config_path);
	if (watch_load(w->config_path, &cfg, &sets, &nsets) != 0) {
		log_error("reload failed; the old configuration keeps running");
		return 0;
	}
	watch_commit(w, true);
	epoll_ctl(epfd, EPOLL_CTL_DEL, tail_fd(w->tail), NULL);
	watch_close(w);
	watch_sets_free(w->sets, w->nsets);
	config_free(w->cfg);
	w->cfg = cfg;
	w->sets = sets;
	w->nsets = nsets;
	if (watch_open(w) != 0)
		return -1;
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = tail_fd(w->tail) };
	epoll_ctl(epfd, EPOLL_CTL_ADD, tail_fd(w->tail), &ev);
	log_info("reloaded: %zu pattern set(s), %zu source(s)", w->nsets,
	    w->cfg->nsources);
	return 0;
}

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

static int
watch_loop(struct watch *w)
{
	sigset_t mask;
	int sfd, tfd, epfd;
	struct epoll_event ev;
	bool is_running = true;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || tfd < 0 || epfd < 0) {
		log_error("cannot set up the event loop: %s", strerror(errno));
		return CMD_EXIT_INPUT;
	}
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.fd = tfd;
	epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev);
	ev.data.fd = tail_fd(w->tail);
	epoll_ctl(epfd, EPOLL_CTL_ADD, tail_fd(w->tail), &ev);
	log_info("watching %zu source(s) with %zu pattern set(s); state in %s",
	    w->cfg->nsources, w->nsets, w->cfg->state_dir);

	while (is_running) {
		struct epoll_event evs[8];
		int64_t now = watch_now_ms(), deadline;
		int n;

		deadline = tail_deadline(w->tail, now);
		if (w->dirty_since_ms != 0 &&
		    w->dirty_since_ms + w->cfg->commit_ms < deadline)
			deadline = w->dirty_since_ms + w->cfg->commit_ms;
		watch_arm(tfd, deadline - now);
		n = epoll_wait(epfd, evs, 8, -1);
		if (n < 0 && errno != EINTR) {
			log_error("epoll_wait: %s", strerror(errno));
			break;
		}
		now = watch_now_ms();
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == sfd) {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) ==
				    sizeof(si)) {
					if (si.ssi_signo == SIGTERM ||
					    si.ssi_signo == SIGINT)
						is_running = false;
					else if (si.ssi_signo == SIGHUP &&
					    watch_reload(w, epfd) != 0)
						return CMD_EXIT_INPUT;
					else if (si.ssi_signo == SIGUSR1)
						tail_status(w->tail);
				}
			} else if (fd == tfd) {
				uint64_t expirations;

				if (read(tfd, &expirations,
				    sizeof(expirations)) < 0 && errno != EAGAIN)
					log_warn("timerfd");
			} else if (w->tail != NULL && fd == tail_fd(w->tail))
				tail_events(w->tail, now);
		}
		if (!is_running)
			break;
		tail_tick(w->tail, now);
		if (tail_stats(w->tail)->bytes != w->committed_bytes &&
		    w->dirty_since_ms == 0)
			w->dirty_since_ms = now;
		if (w->dirty_since_ms != 0 &&
		    (now - w->dirty_since_ms >= w->cfg->commit_ms ||
		    w->uncommitted_records >= w->cfg->commit_records))
			watch_commit(w, false);
	}
	log_info("stopping: flushing and committing");
	watch_commit(w, true);
	close(epfd);
	close(tfd);
	close(sfd);
	return CMD_EXIT_OK;
}

static int
watch_usage(void)
{
	fprintf(stderr, "usage: omniwatch watch -c FILE [--check] [-v | -q]\n"
	    "Try 'man omniwatch' for the details.\n");
	return CMD_EXIT_USAGE;
}

int
cmd_watch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch w;
	bool is_check = false;
	int ch, rc;

	memset(&w, 0, sizeof(w));
	w.lock_fd = -1;
	log_set_level(LOG_LEVEL_INFO);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:vqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			w.config_path = optarg;
			break;
		case 'C':
			is_check = true;
			break;
		case 'v':
			log_set_level(LOG_LEVEL_DEBUG);
			break;
		case 'q':
			log_set_level(LOG_LEVEL_WARN);
			break;
		case 'h':
			watch_usage();
			return CMD_EXIT_OK;
		default:
			return watch_usage();
		}
	}
	if (w.config_path == NULL || optind != argc)
		return watch_usage();
	if (watch_load(w.config_path, &w.cfg, &w.sets, &w.nsets) != 0)
		return CMD_EXIT_USAGE;
	if (is_check) {
		printf("%s: OK: %zu source(s), %zu pattern set(s), state in "
		    "%s\n", w.config_path, w.cfg->nsources, w.nsets,
		    w.cfg->state_dir);
		rc = CMD_EXIT_OK;
	} else if (watch_open(&w) != 0)
		rc = CMD_EXIT_INPUT;
	else
		rc = watch_loop(&w);
	watch_close(&w);
	watch_unlock(&w);
	watch_sets_free(w.sets, w.nsets);
	config_free(w.cfg);
	return rc;
}

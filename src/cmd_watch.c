/*
 * cmd_watch: `omniwatch watch`, the agent that follows PM2's logs on the
 * app host and counts every record exactly once into the state.
 *
 * This file loads the config and its pattern sets, opens the modules
 * (state, redact, alert, webhook, metrics, tail) and reopens them on
 * SIGHUP; watch_loop.c is the event loop and its cron.
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
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "cmd.h"
#include "config.h"
#include "dashboard.h"
#include "http_client.h"
#include "log.h"
#include "loop.h"
#include "match.h"
#include "metrics.h"
#include "plural.h"
#include "probe_set.h"
#include "redact.h"
#include "sandbox.h"
#include "service.h"
#include "stamp.h"
#include "state.h"
#include "state_pm2.h"
#include "tail.h"
#include "watch_check.h"
#include "watch_pm2.h"
#include "webhook.h"
#include "watch.h"
#include "watch_reload.h"
#include "xmalloc.h"

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

/*
 * A counted record goes into its per-minute bucket and the alert windows.
 * The rules are judged once the whole batch is read (alert_tick in the
 * loop), never record by record: tail reads each modified file in one go,
 * so an app's failures (its -error.log) and successes (its -out.log)
 * arrive in separate runs, and a rule judged between the two would see a
 * streak or a rate that never was.
 */
static void
watch_outcome(void *ctx, const struct tail_outcome *to)
{
	struct watch *w = ctx;
	const struct pipeline_outcome *o = to->o;
	const struct match_set *set = w->sets[o->set_idx];
	int64_t ts = o->record->ts_ms;
	struct state_count c;

	c.minute_ms = ((ts != STAMP_NONE ? ts : stamp_now_ms()) / 60000) * 60000;
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
	if (to->instance >= 0)
		(void)state_instance_count(w->st, &c, to->instance);
	if (w->dirty_since_ms == 0)
		w->dirty_since_ms = stamp_now_ms();
	metrics_record(w->mx, c.pattern_set, c.app, to->instance, c.outcome,
	    c.class);
	if (o->outcome == MATCH_SUCCESS)
		metrics_last_success(w->mx, c.pattern_set, ts != STAMP_NONE ?
		    ts : stamp_now_ms());
	alert_record(w->al, o->set_idx, o->app, to->stream, o->outcome,
	    o->class_idx, ts, o->record->text, o->record->len, stamp_now_ms(),
	    false);
}

/* A line of PM2's own log: its events and states go to the state, the
 * rules and the metrics (watch_pm2.h), in the batch's transaction. */
static void
watch_daemon_line(void *ctx, const char *path,
    const struct pm2_daemon_line *l)
{
	struct watch *w = ctx;

	watch_pm2_line(w->pm2, path, l, stamp_now_ms());
	if (w->dirty_since_ms == 0 && state_is_dirty(w->st))
		w->dirty_since_ms = stamp_now_ms();
}

/* An alert changed: its notice goes to the receivers' spool. */
static void
watch_notify(void *ctx, const struct alert_notice *n)
{
	struct watch *w = ctx;
	struct alert_notice an = *n;

	/* Beside the class diagnosis, what the partner's endpoint says
	 * now: "route_not_found, and the probe confirms...". */
	probe_set_annotate(w->ps, &an);
	webhook_notify(w->wh, &an);
	/* A notice leaves only once committed (with the counts behind it):
	 * waiting for the commit interval would add up to commit_interval
	 * to every alert's latency. */
	w->has_notice = true;
}

static bool
watch_probe_failing(void *ctx, const struct config_alert *rule,
    const char *set)
{
	struct watch *w = ctx;

	return probe_set_is_failing(w->ps, rule, set);
}

static void
watch_metrics_file(void *ctx, const char *path, const char *app,
    uint64_t offset)
{
	const char *l[] = { "path", path, "app", app };

	metrics_sample(ctx, "omniwatch_file_offset_bytes", (double)offset, 2,
	    l);
}

/* The figures metrics.c does not keep itself; see omniwatch.yaml(5). */
static void
watch_metrics(void *ctx, struct metrics_buf *b)
{
	struct watch *w = ctx;
	const struct tail_stats *ts = tail_stats(w->tail);
	size_t nstates[3] = { 0, 0, 0 };
	static const char *const results[] = { "delivered", "retried",
	    "failed", "dropped" };

	metrics_family(b, "omniwatch_files_followed", "gauge",
	    "Log files followed now.");
	metrics_sample(b, "omniwatch_files_followed", (double)ts->files, 0,
	    NULL);
	metrics_family(b, "omniwatch_read_bytes_total", "counter",
	    "Bytes read from log files since start.");
	metrics_sample(b, "omniwatch_read_bytes_total", (double)ts->bytes, 0,
	    NULL);
	metrics_family(b, "omniwatch_rotations_total", "counter",
	    "Rotations seen since start (copytruncate, rename, delete).");
	metrics_sample(b, "omniwatch_rotations_total", (double)ts->rotations,
	    0, NULL);
	metrics_family(b, "omniwatch_truncations_total", "counter",
	    "Files seen truncated since start.");
	metrics_sample(b, "omniwatch_truncations_total",
	    (double)ts->truncations, 0, NULL);
	metrics_family(b, "omniwatch_file_offset_bytes", "gauge",
	    "Offset read up to in each followed file.");
	tail_files_each(w->tail, watch_metrics_file, b);
	/* What tells that watch is behind or blind (omniwatch-rules.yml). */
	metrics_family(b, "omniwatch_uncounted_bytes", "gauge",
	    "Bytes present in the followed files whose records are not "
	    "counted yet.");
	metrics_sample(b, "omniwatch_uncounted_bytes",
	    (double)tail_uncounted_bytes(w->tail), 0, NULL);
	metrics_family(b, "omniwatch_last_commit_timestamp_seconds", "gauge",
	    "When watch last committed counts and offsets to its state.");
	metrics_sample(b, "omniwatch_last_commit_timestamp_seconds",
	    (double)w->last_commit_ms / 1000.0, 0, NULL);
	metrics_family(b, "omniwatch_commit_failures_total", "counter",
	    "Commits the state refused (a full disk, an I/O error): until "
	    "one succeeds, nothing is saved and no notification is sent.");
	metrics_sample(b, "omniwatch_commit_failures_total",
	    (double)w->commit_failures, 0, NULL);

	metrics_family(b, "omniwatch_alert_state", "gauge",
	    "1 for the state each alert rule is in.");
	for (size_t i = 0; i < alert_nrules(w->al); i++) {
		enum alert_status s = alert_rule_status(w->al, i);

		nstates[s]++;
		for (int k = ALERT_INACTIVE; k <= ALERT_FIRING; k++) {
			const char *l[] = { "alert", alert_rule_name(w->al, i),
			    "state", alert_status_name(k) };

			metrics_sample(b, "omniwatch_alert_state",
			    (int)s == k ? 1 : 0, 2, l);
		}
	}
	metrics_family(b, "omniwatch_alerts", "gauge",
	    "Alert rules by state.");
	for (int k = ALERT_INACTIVE; k <= ALERT_FIRING; k++) {
		const char *l[] = { "state", alert_status_name(k) };

		metrics_sample(b, "omniwatch_alerts", (double)nstates[k], 1, l);
	}

	metrics_family(b, "omniwatch_notifications_total", "counter",
	    "Notification attempts since start, by receiver and result "
	    "(delivered; retried: failed and tried again; failed: refused "
	    "and dropped; dropped: pushed out of a full spool).");
	for (size_t i = 0; i < webhook_nreceivers(w->wh); i++) {
		struct webhook_stats st;
		uint64_t v[4];

		webhook_stats(w->wh, i, &st);
		v[0] = st.delivered;
		v[1] = st.retried;
		v[2] = st.failed;
		v[3] = st.dropped;
		for (size_t k = 0; k < 4; k++) {
			const char *l[] = { "receiver", st.receiver, "result",
			    results[k] };

			metrics_sample(b, "omniwatch_notifications_total",
			    (double)v[k], 2, l);
		}
	}
	probe_set_metrics(w->ps, b);
	metrics_family(b, "omniwatch_spool_notifications", "gauge",
	    "Notifications waiting for delivery, by receiver.");
	for (size_t i = 0; i < webhook_nreceivers(w->wh); i++) {
		struct webhook_stats st;
		const char *l[2];

		webhook_stats(w->wh, i, &st);
		l[0] = "receiver";
		l[1] = st.receiver;
		metrics_sample(b, "omniwatch_spool_notifications",
		    (double)st.depth, 1, l);
	}
	watch_pm2_metrics(w->pm2, b);
}

void
watch_commit(struct watch *w, bool flush)
{
	/* What was written before a stop or a reload is read before the
	 * records in progress are completed: the events may wait in the
	 * queue (the descriptor rests after a batch, watch_loop.c), and a
	 * record completed without its last lines would be cut in two. */
	if (flush)
		(void)tail_events(w->tail, stamp_now_ms());
	tail_save(w->tail, flush);
	alert_save(w->al);
	if (state_commit(w->st) == 0) {
		w->uncommitted_records = 0;
		w->committed_bytes = tail_stats(w->tail)->bytes;
		w->last_commit_ms = stamp_now_ms();
		w->dirty_since_ms = 0;
		w->has_notice = false;
		webhook_committed(w->wh);
		return;
	}
	/* The state keeps every change for the next commit (it said so
	 * once): try again one commit_interval from now, not at every
	 * wakeup.  Until one succeeds nothing is saved and no notification
	 * leaves the spool: omniwatch_commit_failures_total says so. */
	w->commit_failures++;
	w->uncommitted_records = 0;
	w->dirty_since_ms = stamp_now_ms();
	w->has_notice = false;
}

/*
 * Loads the config at PATH and its pattern sets, which must lie within SB
 * (NULL: anywhere).  Returns 0, or -1 with the reason logged; nothing is
 * changed then.
 */
static int
watch_load(const char *path, const struct sandbox *sb, struct config **cfgp,
    struct match_set ***setsp, size_t *nsetsp)
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
	if (sandbox_check(sb, path, cfg, &err) != 0) {
		log_error("%s: %s", path, err);
		free(err);
		config_free(cfg);
		return -1;
	}
	if (match_sets_load(path, cfg->pattern_sets, cfg->npattern_sets, &sets,
	    &err) != 0) {
		log_error("%s", err);
		free(err);
		config_free(cfg);
		return -1;
	}
	/* The rules' sets and classes exist only now that sets are loaded;
	 * the probes' sets, URLs and url_files likewise.  Each is built once
	 * to be checked, and let go. */
	if (cfg->nalerts > 0) {
		struct alert_cb cb = { NULL, NULL, NULL };
		struct alert *al = alert_new(cfg, sets, cfg->npattern_sets,
		    NULL, NULL, &cb, 0, &err);

		if (al == NULL)
			goto fail;
		alert_free(al);
	}
	if (cfg->nprobes > 0) {
		struct probe_set *ps = probe_set_new(cfg, sets,
		    cfg->npattern_sets, NULL, NULL, NULL, &err);

		if (ps == NULL)
			goto fail;
		probe_set_free(ps);
	}
	*cfgp = cfg;
	*setsp = sets;
	*nsetsp = cfg->npattern_sets;
	return 0;
fail:
	log_error("%s", err);
	free(err);
	match_sets_free(sets, cfg->npattern_sets);
	config_free(cfg);
	return -1;
}

/* Opens the state, the alerting and the tail for W's config. */
static int
watch_open(struct watch *w)
{
	struct tail_cb cb = { watch_outcome, w, watch_daemon_line };
	struct alert_cb acb = { watch_notify, w, watch_probe_failing };
	struct metrics_cb mcb = { watch_metrics, dashboard_page, w };
	struct epoll_event ev;
	char *err = NULL;
	int64_t now = stamp_now_ms();

	(void)watch_check_sources(w->cfg);
	(void)watch_check_empty_sources(w->cfg, true, &err);
	free(err);
	err = NULL;
	w->st = state_open(w->cfg->state_dir, false, &err);
	if (w->st == NULL) {
		log_error("%s", err);
		free(err);
		return -1;
	}
	/* One watcher per state: a second would count everything twice. */
	if (service_lock(w->sv, w->cfg->state_dir, &err) != 0) {
		log_error("%s", err);
		free(err);
		return -1;
	}
	w->al = alert_new(w->cfg, w->sets, w->nsets, w->st,
	    w->cfg->redaction, &acb, now, &err);
	if (w->al != NULL)
		w->hc = http_client_new(w->epfd, &err);
	if (w->hc != NULL)
		w->wh = webhook_new(w->cfg, w->st, w->hc, &err);
	if (w->wh != NULL)
		w->ps = probe_set_new(w->cfg, w->sets, w->nsets, w->st, w->hc,
		    w->cfg->redaction, &err);
	if (w->ps != NULL)
		w->mx = metrics_new(w->cfg, w->epfd, &mcb, &err);
	if (w->mx != NULL)
		w->pm2 = watch_pm2_new(w->st, w->al);
	if (w->mx != NULL)
		w->tail = tail_new(w->cfg, w->sets, w->nsets, w->st, &cb, &err);
	if (w->tail != NULL) {
		watch_dump_follow(&w->dump, w->cfg);
		tail_set_dump(w->tail, &w->dump.d);
	}
	if (w->tail == NULL) {
		log_error("%s", err);
		free(err);
		return -1;
	}
	for (size_t i = 0; i < w->nsets; i++) {
		int64_t ms;

		if (state_last_outcome(w->st, w->sets[i]->name, "success",
		    stamp_now_ms(), &ms) == 0 && ms != STAMP_NONE)
			metrics_last_success(w->mx, w->sets[i]->name, ms);
	}
	/* Everything is open that start-up needs: from here on watch reads
	 * logs and writes its state, and nothing else (sandbox.h). */
	if (w->is_sandboxed && w->sb == NULL)
		w->sb = sandbox_enter(w->config_path, w->cfg);
	/* The backlog is counted into the windows first and judged once,
	 * so that it does not fire and resolve alerts on the way. */
	tail_start(w->tail, stamp_now_ms());
	alert_tick(w->al, stamp_now_ms());
	watch_commit(w, false);
	/* PM2's log is read up to now: an app it runs whose logs are gone
	 * is one we cannot see (check says the same, CRITICAL). */
	if (w->pm2 != NULL) {
		size_t nmissing;
		char *missing = watch_check_missing_logs(w->cfg,
		    &w->dump.d, watch_pm2_apps(w->pm2), &nmissing);

		if (missing != NULL)
			log_warnx("%s", missing);
		free(missing);
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = loop_data(LOOP_TAIL, tail_fd(w->tail));
	epoll_ctl(w->epfd, EPOLL_CTL_ADD, tail_fd(w->tail), &ev);
	w->tail_resume_ms = 0;
	return 0;
}

/* Frees FIELD of a watch with FN and forgets it, so that closing again
 * (a reload that failed half-way, then the exit) frees nothing twice. */
#define WATCH_DROP(fn, field)	do { fn(field); (field) = NULL; } while (0)

/* Closes the tail and the state; the lock stays (service_lock). */
static void
watch_close(struct watch *w)
{
	if (w->tail != NULL)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, tail_fd(w->tail), NULL);
	w->tail_resume_ms = 0;
	/* Transfers in flight are cut: what they carried stays spooled. */
	WATCH_DROP(metrics_free, w->mx);
	WATCH_DROP(webhook_free, w->wh);
	WATCH_DROP(watch_pm2_free, w->pm2);
	WATCH_DROP(probe_set_free, w->ps);
	WATCH_DROP(http_client_free, w->hc);
	WATCH_DROP(alert_free, w->al);
	WATCH_DROP(tail_free, w->tail);
	watch_dump_release(&w->dump);
	WATCH_DROP(state_close, w->st);
}

/* Start-up or a reload is done: the backlog is counted and committed. */
static void
watch_ready(struct watch *w)
{
	char *status = xasprintf("following %llu file(s) of %zu source(s)",
	    (unsigned long long)tail_stats(w->tail)->files, w->cfg->nsources);

	service_ready(w->sv, status);
	free(status);
}

/*
 * SIGHUP: a new config and patterns.  Counting stops at a committed point
 * and starts again from the saved offsets, so nothing is lost or repeated;
 * a bad new config leaves the old one running.
 */
int
watch_reopen(struct watch *w)
{
	log_info("dump.pm2 names other logs: following them");
	watch_commit(w, true);
	watch_close(w);
	return watch_open(w);
}

int
watch_load_check(const struct watch *w)
{
	struct config *cfg;
	struct match_set **sets;
	size_t nsets;

	if (watch_load(w->config_path, w->sb, &cfg, &sets, &nsets) != 0)
		return -1;
	match_sets_free(sets, nsets);
	config_free(cfg);
	return 0;
}

int
watch_reload(struct watch *w)
{
	struct config *cfg;
	struct match_set **sets;
	size_t nsets;

	service_reloading(w->sv);
	if (watch_load(w->config_path, w->sb, &cfg, &sets, &nsets) != 0) {
		log_error("reload failed; the old configuration keeps running");
		return 0;
	}
	watch_commit(w, true);
	watch_close(w);
	match_sets_free(w->sets, w->nsets);
	config_free(w->cfg);
	w->cfg = cfg;
	w->sets = sets;
	w->nsets = nsets;
	if (watch_open(w) != 0)
		return -1;
	log_info("reloaded: %zu %s, %zu %s", w->nsets,
	    plural(w->nsets, "pattern set", "pattern sets"), w->cfg->nsources,
	    plural(w->cfg->nsources, "source", "sources"));
	watch_ready(w);
	return 0;
}

const struct cmd_opt cmd_watch_opts[] = {
	{ "config", 'c', CMD_OPT_SHORT | CMD_OPT_REQUIRED, "FILE",
	    "the configuration (omniwatch.yaml(5))" },
	{ "check", 'C', 0, NULL, "check the configuration, its pattern sets "
	    "and paths, and exit" },
	{ "no-sandbox", 'S', 0, NULL, "do not confine watch once started "
	    "(no_new_privs, Landlock, seccomp), for debugging" },
	CMD_ROW_VERBOSE,
	{ "quiet", 'q', CMD_OPT_SHORT, NULL, "print warnings and errors only" },
	{ NULL, 0, 0, NULL, NULL },
};

int
cmd_watch(int argc, char **argv)
{
	struct cmd_opt_parser op;
	struct watch w;
	bool is_check = false;
	int ch, rc;

	memset(&w, 0, sizeof(w));
	w.epfd = w.tfd = w.sfd = -1;
	w.is_sandboxed = true;
	log_set_level(LOG_LEVEL_INFO);
	cmd_opt_init(&op, cmd_watch_opts);
	while ((ch = cmd_opt_parse(&op, argc, argv)) != -1) {
		switch (ch) {
		case 'c':
			w.config_path = optarg;
			break;
		case 'C':
			is_check = true;
			break;
		case 'S':
			w.is_sandboxed = false;
			break;
		case 'v':
		case 'q':
			cmd_opt_verbosity(ch, LOG_LEVEL_WARN);
			break;
		case 'h':
			return cmd_help("watch", stdout);
		default:
			return cmd_usage("watch");
		}
	}
	if (optind != argc) {
		cmd_unexpected("watch", argv[optind],
		    "the sources are in the config");
		return cmd_usage("watch");
	}
	if (w.config_path == NULL)
		return cmd_usage("watch");
	if (watch_load(w.config_path, NULL, &w.cfg, &w.sets, &w.nsets) != 0)
		return CMD_EXIT_USAGE;
	if (is_check) {
		char *err;

		(void)watch_check_sources(w.cfg);
		if (watch_check_pm2_homes(w.cfg, &err) != 0 ||
		    watch_check_state_dir(w.cfg, &err) != 0 ||
		    webhook_check(w.cfg, &err) != 0) {
			log_error("%s: %s", w.config_path, err);
			free(err);
			rc = CMD_EXIT_USAGE;
		} else if (metrics_check(w.cfg, &err) != 0) {
			/* Its messages name the config already, as at start. */
			log_error("%s", err);
			free(err);
			rc = CMD_EXIT_USAGE;
		} else {
			char *first, empty[64] = "";
			size_t nempty = watch_check_empty_sources(w.cfg, true,
			    &first);

			/* Valid, but blind where a source matches nothing:
			 * the OK line says how much of it. */
			if (nempty > 0)
				snprintf(empty, sizeof(empty), " (%zu matching "
				    "no log file now)", nempty);
			free(first);
			printf("%s: OK: %zu %s%s, %zu %s, state in %s\n",
			    w.config_path, w.cfg->nsources,
			    plural(w.cfg->nsources, "source", "sources"), empty,
			    w.nsets, plural(w.nsets, "pattern set",
			    "pattern sets"), w.cfg->state_dir);
			rc = CMD_EXIT_OK;
		}
	} else {
		w.sv = service_new();
		if (watch_loop_init(&w) != 0 || watch_open(&w) != 0)
			rc = CMD_EXIT_INPUT;
		else {
			watch_ready(&w);
			rc = watch_loop(&w);
		}
		watch_reload_stop(&w);
	}
	watch_close(&w);
	service_free(w.sv);
	watch_loop_release(&w);
	sandbox_free(w.sb);
	free(w.pm2_life_msg);
	match_sets_free(w.sets, w.nsets);
	config_free(w.cfg);
	return rc;
}

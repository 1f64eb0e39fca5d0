/*
 * watch_pm2: see watch_pm2.h.  Homes are few (one per pm2_home source),
 * kept in an array.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "path.h"
#include "stamp.h"
#include "state_pm2.h"
#include "watch_pm2.h"
#include "xmalloc.h"

struct watch_pm2_home {
	struct watch_pm2 *wp;
	char		*dir;		/* the directory of its pm2.log */
	struct pm2_tracker *tracker;
	int64_t		 now_ms;	/* of the line being handled */
};

struct watch_pm2 {
	struct state	*st;
	struct alert	*al;
	struct watch_pm2_home **homes;	/* each is its tracker's context */
	size_t		 nhomes;
	/* Events since start, and every instance's last state. */
	struct pm2_apps	*apps;
};

static void
watch_pm2_seed_apps(void *ctx, const char *home, const struct pm2_instance *i)
{
	struct watch_pm2 *wp = ctx;

	(void)home;
	pm2_apps_state(wp->apps, i->app, i->id, i->mode, i->state,
	    i->since_ms);
}

struct watch_pm2 *
watch_pm2_new(struct state *st, struct alert *al)
{
	struct watch_pm2 *wp = xcalloc(1, sizeof(*wp));

	wp->st = st;
	wp->al = al;
	wp->apps = pm2_apps_new();
	(void)state_pm2_instances(st, NULL, watch_pm2_seed_apps, wp);
	alert_pm2_apps(al, wp->apps);
	return wp;
}

static void
watch_pm2_event(void *ctx, const struct pm2_instance *i, enum pm2_event ev,
    int64_t ts)
{
	struct watch_pm2_home *h = ctx;
	struct watch_pm2 *wp = h->wp;
	int64_t t = ts != STAMP_NONE ? ts : h->now_ms;

	(void)state_pm2_event(wp->st, t / 60000 * 60000, i->app, i->id, ev, 1);
	alert_pm2_news_event(wp->al, wp->apps, i, ev, ts, h->now_ms);
}

static void
watch_pm2_state(void *ctx, const struct pm2_instance *i)
{
	struct watch_pm2_home *h = ctx;
	struct watch_pm2 *wp = h->wp;

	(void)state_pm2_instance_save(wp->st, h->dir, i);
	alert_pm2_news_state(wp->apps, i);
}

static void
watch_pm2_seed(void *ctx, const char *home, const struct pm2_instance *i)
{
	struct watch_pm2_home *h = ctx;

	(void)home;
	pm2_tracker_seed(h->tracker, i);
}

/* The home of the daemon log at PATH, made and seeded on first use. */
static struct watch_pm2_home *
watch_pm2_home(struct watch_pm2 *wp, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash != NULL ? xstrndup(path, (size_t)(slash - path)) :
	    xstrdup(".");
	struct watch_pm2_home *h;
	struct pm2_tracker_cb cb;

	for (size_t i = 0; i < wp->nhomes; i++)
		if (strcmp(wp->homes[i]->dir, dir) == 0) {
			free(dir);
			return wp->homes[i];
		}
	wp->homes = xreallocarray(wp->homes, wp->nhomes + 1,
	    sizeof(*wp->homes));
	h = xcalloc(1, sizeof(*h));
	wp->homes[wp->nhomes++] = h;
	h->wp = wp;
	h->dir = dir;
	cb.event = watch_pm2_event;
	cb.state = watch_pm2_state;
	cb.ctx = h;
	h->tracker = pm2_tracker_new(&cb);
	/* Seeding calls nothing back: the saved memory is not news. */
	(void)state_pm2_instances(wp->st, dir, watch_pm2_seed, h);
	return h;
}

void
watch_pm2_line(struct watch_pm2 *wp, const char *path,
    const struct pm2_daemon_line *l, int64_t now_ms)
{
	struct watch_pm2_home *h = watch_pm2_home(wp, path);

	h->now_ms = now_ms;
	pm2_tracker_line(h->tracker, l);
}

/* One family: a sample per instance (per app in fork mode). */
static void
watch_pm2_family(const struct watch_pm2 *wp, struct metrics_buf *b,
    enum pm2_event ev)
{
	static const char *const help[PM2_EVENT_N] = {
		"Restarts of each app and cluster instance in PM2's log since "
		    "start (starts after the first in the daemon's life).",
		"Exits that no pm2 stop, restart, reload or delete asked for, "
		    "since start.",
		"Stops asked for (pm2 stop, restart, reload, delete, kill), "
		    "since start.",
		"Times PM2 gave up on an app (too many unstable restarts), "
		    "since start.",
	};
	char name[64];

	snprintf(name, sizeof(name), "omniwatch_pm2_%s_total",
	    pm2_event_names[ev]);
	metrics_family(b, name, "counter", help[ev]);
	for (size_t i = 0; i < wp->apps->napps; i++) {
		const struct pm2_apps_app *app = &wp->apps->apps[i];

		if (!pm2_apps_shows_instances(app)) {
			const char *l[] = { "app", app->name };

			metrics_sample(b, name, (double)app->counts[ev], 1, l);
			continue;
		}
		for (size_t k = 0; k < app->ninstances; k++) {
			char id[16];
			const char *l[] = { "app", app->name, "instance", id };

			snprintf(id, sizeof(id), "%d", app->instances[k].id);
			metrics_sample(b, name,
			    (double)app->instances[k].counts[ev], 2, l);
		}
	}
}

/* omniwatch_pm2_state of APP (and instance ID, or NULL): 1 for ST. */
static void
watch_pm2_state_samples(struct metrics_buf *b, const char *app,
    const char *id, enum pm2_state st)
{
	static const enum pm2_state states[] = { PM2_STATE_LAUNCHING,
	    PM2_STATE_ONLINE, PM2_STATE_STOPPING, PM2_STATE_STOPPED,
	    PM2_STATE_ERRORED };

	for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
		const char *l[] = { "app", app, "instance", id, "state",
		    pm2_state_name(states[k]) };

		if (id == NULL) {
			l[2] = "state";
			l[3] = pm2_state_name(states[k]);
		}
		metrics_sample(b, "omniwatch_pm2_state", st == states[k] ? 1 :
		    0, id != NULL ? 3 : 2, l);
	}
}

void
watch_pm2_metrics(const struct watch_pm2 *wp, struct metrics_buf *b)
{

	if (wp == NULL || wp->apps->napps == 0)
		return;
	for (int ev = 0; ev < PM2_EVENT_N; ev++)
		watch_pm2_family(wp, b, (enum pm2_event)ev);
	metrics_family(b, "omniwatch_pm2_state", "gauge", "1 for the state "
	    "PM2's log last gave each app (cluster: each instance).");
	for (size_t i = 0; i < wp->apps->napps; i++) {
		const struct pm2_apps_app *app = &wp->apps->apps[i];
		int64_t since;

		if (!pm2_apps_shows_instances(app)) {
			watch_pm2_state_samples(b, app->name, NULL,
			    pm2_apps_app_state(app, &since));
			continue;
		}
		for (size_t n = 0; n < app->ninstances; n++) {
			char id[16];

			snprintf(id, sizeof(id), "%d", app->instances[n].id);
			watch_pm2_state_samples(b, app->name, id,
			    app->instances[n].state);
		}
	}
}

void
watch_pm2_free(struct watch_pm2 *wp)
{
	if (wp == NULL)
		return;
	for (size_t i = 0; i < wp->nhomes; i++) {
		pm2_tracker_free(wp->homes[i]->tracker);
		free(wp->homes[i]->dir);
		free(wp->homes[i]);
	}
	free(wp->homes);
	pm2_apps_free(wp->apps);
	free(wp);
}

const struct pm2_apps *
watch_pm2_apps(const struct watch_pm2 *wp)
{
	return wp->apps;
}

/* ---------------------------------------------------------------------
 * dump.pm2.
 */

/* watch_dump_load, each malformed dump warned about if WARN, each log
 * said as followed if SAY; returns how many were malformed. */
static size_t
watch_dump_read(struct watch_dump *wd, const struct config *cfg, bool warn,
    bool say)
{
	size_t nmalformed = 0;

	memset(wd, 0, sizeof(*wd));
	for (size_t i = 0; i < cfg->nsources; i++) {
		const char *home = cfg->sources[i].pm2_home;
		char *path, *logs, *err;
		struct pm2_dump d;
		struct stat st;

		if (home == NULL)
			continue;
		path = path_join(home, "dump.pm2");
		logs = path_join(home, "logs");
		if (stat(path, &st) != 0)
			memset(&st, 0, sizeof(st));
		switch (pm2_dump_read(path, logs, &d, &err)) {
		case PM2_DUMP_MALFORMED:
			if (warn)
				log_warnx("%s: %s", path, err);
			free(err);
			nmalformed++;
			break;
		case PM2_DUMP_OK:
			for (size_t k = 0; k < d.nlogs; k++) {
				if (pm2_dump_find(&wd->d, d.logs[k].path) !=
				    NULL)
					continue;
				if (say)
					log_info("%s: following %s, the %s "
					    "log of app '%s', as dump.pm2 says",
					    home, d.logs[k].path,
					    d.logs[k].stream == PM2_STREAM_OUT ?
					    "out" : "error", d.logs[k].app);
				wd->d.logs = xreallocarray(wd->d.logs,
				    wd->d.nlogs + 1, sizeof(*wd->d.logs));
				wd->d.logs[wd->d.nlogs++] = d.logs[k];
				d.logs[k].path = d.logs[k].app = NULL;
			}
			break;
		case PM2_DUMP_MISSING:
			break;
		}
		pm2_dump_release(&d);
		free(logs);
		wd->paths = xreallocarray(wd->paths, wd->n + 1,
		    sizeof(*wd->paths));
		wd->sts = xreallocarray(wd->sts, wd->n + 1, sizeof(*wd->sts));
		wd->paths[wd->n] = path;
		wd->sts[wd->n] = st;
		wd->n++;
	}
	return nmalformed;
}

void
watch_dump_load(struct watch_dump *wd, const struct config *cfg)
{
	(void)watch_dump_read(wd, cfg, true, false);
}

void
watch_dump_follow(struct watch_dump *wd, const struct config *cfg)
{
	(void)watch_dump_read(wd, cfg, true, true);
}

void
watch_dump_peek(struct watch_dump *wd, const struct config *cfg)
{
	(void)watch_dump_read(wd, cfg, false, false);
}

static bool
watch_dump_same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

bool
watch_dump_changed(struct watch_dump *wd, const struct config *cfg)
{
	struct watch_dump now;
	bool is_same;

	for (size_t i = 0; i < wd->n; i++) {
		struct stat st;

		if (stat(wd->paths[i], &st) != 0)
			memset(&st, 0, sizeof(st));
		if (!watch_dump_same_stat(&st, &wd->sts[i]))
			break;
		if (i + 1 == wd->n)
			return false;
	}
	if (wd->n == 0)
		return false;
	/*
	 * Rewritten: are its logs others?  pm2 save writes the dump in
	 * place (PM2 7.0.4 lib/API/Startup.js, dump: fs.writeFileSync, which
	 * truncates first), so a look may find it empty or half-written:
	 * that is no new list of apps.  The logs it named stay followed,
	 * and the next change in its directory (the end of the write)
	 * brings another look.
	 */
	if (watch_dump_read(&now, cfg, false, false) > 0) {
		log_info("dump.pm2 is not whole (being written, or damaged); "
		    "the logs it named are still followed");
		watch_dump_release(&now);
		return false;
	}
	is_same = now.d.nlogs == wd->d.nlogs;
	for (size_t i = 0; is_same && i < now.d.nlogs; i++) {
		const struct pm2_dump_log *old = pm2_dump_find(&wd->d,
		    now.d.logs[i].path);

		is_same = old != NULL && strcmp(old->app, now.d.logs[i].app) ==
		    0 && old->stream == now.d.logs[i].stream;
	}
	if (is_same)
		memcpy(wd->sts, now.sts, wd->n * sizeof(*wd->sts));
	watch_dump_release(&now);
	return !is_same;
}

void
watch_dump_release(struct watch_dump *wd)
{
	pm2_dump_release(&wd->d);
	for (size_t i = 0; i < wd->n; i++)
		free(wd->paths[i]);
	free(wd->paths);
	free(wd->sts);
	memset(wd, 0, sizeof(*wd));
}

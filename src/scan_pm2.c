/*
 * scan_pm2: see scan_pm2.h.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "scan_pm2.h"
#include "xmalloc.h"

void
scan_pm2_keep(struct scan_pm2_lines *k, const struct pm2_daemon_line *l)
{
	struct pm2_daemon_line *c;

	if (l->kind == PM2_DAEMON_NONE)
		return;
	k->lines = xreallocarray(k->lines, k->n + 1, sizeof(*k->lines));
	c = &k->lines[k->n++];
	*c = *l;
	if (l->app != NULL)
		c->app = xstrndup(l->app, l->app_len);
}

static void
scan_pm2_event(void *ctx, const struct pm2_instance *i, enum pm2_event ev,
    int64_t ts)
{
	struct scan_pm2 *sp = ctx;

	pm2_apps_count(sp->apps, i->app, i->id, ev, 1);
	if (sp->hook.event != NULL)
		sp->hook.event(sp->hook.ctx, sp->path, i, ev, ts);
}

static void
scan_pm2_state(void *ctx, const struct pm2_instance *i)
{
	struct scan_pm2 *sp = ctx;

	pm2_apps_state(sp->apps, i->app, i->id, i->mode, i->state,
	    i->since_ms);
	if (sp->hook.state != NULL)
		sp->hook.state(sp->hook.ctx, sp->path, i);
}

void
scan_pm2_replay(struct scan_pm2 *sp, const char *path,
    struct scan_pm2_lines *k)
{
	if (sp->tracker == NULL) {
		struct pm2_tracker_cb cb = { scan_pm2_event, scan_pm2_state,
		    NULL };

		sp->apps = pm2_apps_new();
		cb.ctx = sp;
		sp->tracker = pm2_tracker_new(&cb);
	}
	pm2_apps_log(sp->apps, path);
	sp->path = path;
	/* The tracker sees every line, NONE ones aside: an "errored" line
	 * belongs to the exit line right before it, and only NONE lines
	 * (never written between the two) were left out. */
	for (size_t i = 0; i < k->n; i++)
		pm2_tracker_line(sp->tracker, &k->lines[i]);
	sp->path = NULL;
	scan_pm2_lines_release(k);
}

void
scan_pm2_lines_release(struct scan_pm2_lines *k)
{
	for (size_t i = 0; i < k->n; i++)
		free((char *)k->lines[i].app);
	free(k->lines);
	k->lines = NULL;
	k->n = 0;
}

void
scan_pm2_release(struct scan_pm2 *sp)
{
	pm2_tracker_free(sp->tracker);
	pm2_apps_free(sp->apps);
	sp->tracker = NULL;
	sp->apps = NULL;
}

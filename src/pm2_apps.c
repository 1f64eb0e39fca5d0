/*
 * pm2_apps: see pm2_apps.h.  Apps and instances are few and kept sorted,
 * found by linear search.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "pm2_apps.h"
#include "stamp.h"
#include "xmalloc.h"

struct pm2_apps *
pm2_apps_new(void)
{
	return xcalloc(1, sizeof(struct pm2_apps));
}

static struct pm2_apps_app *
pm2_apps_app(struct pm2_apps *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->napps; i++) {
		int c = strcmp(a->apps[i].name, name);

		if (c == 0)
			return &a->apps[i];
		if (c > 0)
			break;
	}
	a->apps = xreallocarray(a->apps, a->napps + 1, sizeof(*a->apps));
	memmove(&a->apps[i + 1], &a->apps[i],
	    (a->napps - i) * sizeof(*a->apps));
	memset(&a->apps[i], 0, sizeof(a->apps[i]));
	a->apps[i].name = xstrdup(name);
	a->napps++;
	return &a->apps[i];
}

static struct pm2_apps_instance *
pm2_apps_instance(struct pm2_apps_app *app, int id)
{
	size_t i;

	for (i = 0; i < app->ninstances && app->instances[i].id <= id; i++)
		if (app->instances[i].id == id)
			return &app->instances[i];
	app->instances = xreallocarray(app->instances, app->ninstances + 1,
	    sizeof(*app->instances));
	memmove(&app->instances[i + 1], &app->instances[i],
	    (app->ninstances - i) * sizeof(*app->instances));
	memset(&app->instances[i], 0, sizeof(app->instances[i]));
	app->instances[i].id = id;
	app->instances[i].since_ms = STAMP_NONE;
	app->ninstances++;
	return &app->instances[i];
}

void
pm2_apps_count(struct pm2_apps *a, const char *app, int id,
    enum pm2_event ev, uint64_t n)
{
	struct pm2_apps_app *p = pm2_apps_app(a, app);

	p->counts[ev] += n;
	pm2_apps_instance(p, id)->counts[ev] += n;
}

void
pm2_apps_state(struct pm2_apps *a, const char *app, int id,
    enum pm2_mode mode, enum pm2_state state, int64_t since_ms)
{
	struct pm2_apps_app *p = pm2_apps_app(a, app);
	struct pm2_apps_instance *i = pm2_apps_instance(p, id);

	if (mode != PM2_MODE_UNKNOWN)
		p->mode = mode;
	i->state = state;
	i->since_ms = since_ms;
}

enum pm2_state
pm2_apps_app_state(const struct pm2_apps_app *app, int64_t *since_ms)
{
	/* Worst first; an app that runs again (under new pm_ids, say)
	 * is no longer lost. */
	static const enum pm2_state order[] = {
		PM2_STATE_ERRORED, PM2_STATE_ONLINE, PM2_STATE_LAUNCHING,
		PM2_STATE_LOST, PM2_STATE_STOPPING, PM2_STATE_STOPPED,
	};

	*since_ms = STAMP_NONE;
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		bool found = false;

		for (size_t i = 0; i < app->ninstances; i++) {
			const struct pm2_apps_instance *in = &app->instances[i];

			if (in->state != order[o])
				continue;
			found = true;
			if (*since_ms == STAMP_NONE || in->since_ms > *since_ms)
				*since_ms = in->since_ms;
		}
		if (found)
			return order[o];
	}
	return PM2_STATE_UNKNOWN;
}

const struct pm2_apps_app *
pm2_apps_find(const struct pm2_apps *a, const char *name)
{
	for (size_t i = 0; a != NULL && i < a->napps; i++)
		if (strcmp(a->apps[i].name, name) == 0)
			return &a->apps[i];
	return NULL;
}

bool
pm2_apps_shows_instances(const struct pm2_apps_app *app)
{
	return app->mode != PM2_MODE_FORK;
}

void
pm2_apps_log(struct pm2_apps *a, const char *path)
{
	a->logs = xreallocarray(a->logs, a->nlogs + 1, sizeof(*a->logs));
	a->logs[a->nlogs++] = xstrdup(path);
}

void
pm2_apps_free(struct pm2_apps *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->napps; i++) {
		free(a->apps[i].name);
		free(a->apps[i].instances);
	}
	free(a->apps);
	for (size_t i = 0; i < a->nlogs; i++)
		free(a->logs[i]);
	free(a->logs);
	free(a);
}

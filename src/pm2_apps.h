/*
 * pm2_apps: what PM2's daemon log says per app and per instance, counted
 * for the reports: restarts, unplanned exits, planned stops, errored (see
 * pm2_daemon.h for what each is), and the last known state.  `scan` fills
 * it from the tracker's events; `summary` from the state (state_pm2.h).
 *
 * An app's state is its instances' worst: errored when one is errored
 * (PM2 gave up on part of it), else online when one is online, else
 * launching, stopping, stopped.
 */
#ifndef OMNIWATCH_PM2_APPS_H
#define OMNIWATCH_PM2_APPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pm2_daemon.h"

struct pm2_apps_instance {
	int		 id;		/* pm_id */
	uint64_t	 counts[PM2_EVENT_N];
	enum pm2_state	 state;
	int64_t		 since_ms;	/* of the state; STAMP_NONE */
};

struct pm2_apps_app {
	char		*name;
	enum pm2_mode	 mode;		/* the last start's */
	uint64_t	 counts[PM2_EVENT_N];	/* all of its instances */
	struct pm2_apps_instance *instances;	/* by id */
	size_t		 ninstances;
};

struct pm2_apps {
	struct pm2_apps_app *apps;	/* by name */
	size_t		 napps;
	/* The daemon logs read (scan), for the report; owned. */
	char		**logs;
	size_t		 nlogs;
};

struct pm2_apps *pm2_apps_new(void);

/* Adds N events EV of instance ID of APP. */
void pm2_apps_count(struct pm2_apps *a, const char *app, int id,
    enum pm2_event ev, uint64_t n);

/* Instance ID of APP is in STATE since SINCE_MS; MODE unless UNKNOWN. */
void pm2_apps_state(struct pm2_apps *a, const char *app, int id,
    enum pm2_mode mode, enum pm2_state state, int64_t since_ms);

/* The app's state (see above) and since when (its latest instance's). */
enum pm2_state pm2_apps_app_state(const struct pm2_apps_app *app,
    int64_t *since_ms);

/* The app named NAME, or NULL. */
const struct pm2_apps_app *pm2_apps_find(const struct pm2_apps *a,
    const char *name);

/* Does the report list APP's instances?  Not in fork mode, where the
 * pm_id names no file and changes with every `pm2 delete` and start. */
bool pm2_apps_shows_instances(const struct pm2_apps_app *app);

/* Notes PATH as read (copied). */
void pm2_apps_log(struct pm2_apps *a, const char *path);

/* Accepts NULL. */
void pm2_apps_free(struct pm2_apps *a);

#endif

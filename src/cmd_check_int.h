/*
 * cmd_check_int.h: what `omniwatch check` (cmd_check.c) shares with its
 * PM2 causes (cmd_check_pm2.c): the apps PM2 gave up on and the apps
 * that crash in a loop.
 */
#ifndef OMNIWATCH_CMD_CHECK_INT_H
#define OMNIWATCH_CMD_CHECK_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "match.h"
#include "pm2_apps.h"
#include "state.h"

/* The window a crash loop is counted over. */
#define CHECK_RESTARTS_WINDOW_MS	(5 * 60 * 1000)
#define CHECK_RESTARTS_WINDOW_ARG	"5m"

struct check {
	const char	*config_path;
	const char	*set_name;	/* NULL: the config's first */
	const char	*window_arg;	/* as given, for the message */
	int64_t		 window_ms;
	double		 warning;	/* < 0: none */
	double		 critical;
	int64_t		 no_success_ms;	/* 0: not checked */
	const char	*no_success_arg;
	int64_t		 stale_ms;	/* 0: default */
	int64_t		 now_ms;
	bool		 with_alerts;	/* --alerts */
	uint64_t	 restarts_warning;	/* 0: not checked */
	uint64_t	 restarts_critical;
};

/* The errored apps of APPS, and those lost with a dead daemon, as one
 * malloc'd phrase, or NULL. */
char *check_errored(const struct check *c, const struct pm2_apps *apps);
/* The apps of SET's state crashing in a loop: *CRIT and *WARN (malloc'd
 * or NULL).  Returns 0, or -1 when the state cannot be read. */
int check_loops(const struct check *c, struct state *st,
    struct match_set *set, const struct pm2_apps *apps, char **crit,
    char **warn);

#endif

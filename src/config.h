/*
 * config: the YAML file that `omniwatch watch` and `omniwatch summary` read
 * (man/omniwatch.yaml.5), parsed with libfyaml.
 *
 *   sources:
 *     - pm2_home: /home/app/.pm2    # every app's logs under PM2_HOME/logs
 *     - path: /var/log/legacy/app-*.log  # a glob of files
 *   pattern_sets: [omni]            # names or files, as with scan -p
 *   state_dir: /var/lib/omniwatch
 *   record: {idle_flush: 200ms, max_lines: 1000, max_bytes: 1MiB,
 *            max_line: 1MiB}
 *   tail: {sweep: 10s, rotate_wait: 5s, start_at: head}
 *   state: {commit_interval: 1s, commit_records: 10000}
 *   redact: [REGEX, ...]            # more secrets to cut from excerpts
 *   receivers: {NAME: {url:, format:, timeout:, connect_timeout:,
 *                      headers:, secret_file:, retry_initial:,
 *                      retry_max:, spool_max:}}
 *   alerts: [{name:, pattern_set:, kind:, threshold:, window:,
 *             min_events:, classes:, for:, keep_firing_for:,
 *             repeat_interval:, receivers:}]
 *   metrics: {listen: 127.0.0.1:9464, textfile: PATH,
 *             textfile_interval: 15s}
 *   probes: [{name:, url: | url_file:, method:, data:, headers:,
 *             interval:, timeout:, pattern_set:}]   (config_probe.c)
 *
 * Unknown keys, wrong types and bad durations or sizes are errors naming
 * FILE:LINE:COLUMN and what was expected.
 */
#ifndef OMNIWATCH_CONFIG_H
#define OMNIWATCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config_source {
	char		*pm2_home;	/* exactly one of the two is set */
	char		*path;		/* a glob(7) pattern */
};

enum config_format {
	CONFIG_FORMAT_JSON,		/* our schema, omniwatch.yaml(5) */
	CONFIG_FORMAT_SLACK,		/* {"text": ...} */
	CONFIG_FORMAT_ALERTMANAGER,	/* POST /api/v2/alerts */
};

struct config_header {
	char		*name;
	char		*value;
};

struct config_receiver {
	char		*name;
	char		*url;
	enum config_format format;	/* default json */
	int64_t		 timeout_ms;	/* whole POST; default 10000 */
	int64_t		 connect_timeout_ms;	/* default min(timeout, 5s) */
	struct config_header *headers;
	size_t		 nheaders;
	char		*secret_file;	/* or NULL: no signature */
	int64_t		 retry_initial_ms;	/* default 1000 */
	int64_t		 retry_max_ms;	/* default 300000 */
	size_t		 spool_max;	/* default 1000 */
};

enum config_alert_kind {
	CONFIG_ALERT_FAILURE_RATE,
	CONFIG_ALERT_FAILURES,
	CONFIG_ALERT_CONSECUTIVE_FAILURES,
	CONFIG_ALERT_NO_SUCCESS,
	CONFIG_ALERT_RESTARTS,		/* PM2's log (alert_pm2.h) */
	CONFIG_ALERT_APP_ERRORED,
	CONFIG_ALERT_PROBE,		/* a probe's verdict is not ok */
};

/* The kinds' names in the file, by enum config_alert_kind. */
extern const char *const config_alert_kinds[];
/* Does a rule of kind K take a threshold?  Not those that fire on a
 * state (no_success, app_errored) or on a probe's verdict. */
bool config_alert_has_threshold(enum config_alert_kind k);

struct config_alert {
	char		*name;
	char		*pattern_set;	/* a set's name (its `name:` key) */
	char		*app;		/* restarts, app_errored: one app; NULL */
	enum config_alert_kind kind;
	double		 threshold;	/* rate in (0, 1], or a count >= 1 */
	int64_t		 window_ms;	/* default 300000 */
	size_t		 min_events;	/* 0: not given */
	char		**classes;	/* failure classes counted; none: all */
	size_t		 nclasses;
	int64_t		 for_ms;	/* default 0 */
	int64_t		 keep_firing_ms;	/* keep_firing_for; default 0 */
	int64_t		 repeat_ms;	/* default 4h */
	char		**receivers;	/* names; none given: every receiver */
	size_t		 nreceivers;
	/* "FILE:LINE:COLUMN" of pattern_set (else of nothing: NULL), of
	 * classes and of receivers, for checks made once the pattern sets
	 * are loaded. */
	char		*where;
	char		*classes_where;
	char		*receivers_where;
	char		*probe;		/* kind probe: its name; NULL: every
					 * probe of the pattern set */
	char		*probe_where;
};

/* A probe of a partner's endpoint that watch runs (probe.h). */
struct config_probe {
	char		*name;
	char		*url;		/* exactly one of url and url_file */
	char		*url_file;	/* read when watch starts */
	char		*method;	/* NULL: GET */
	char		*data;		/* POST's body, or NULL */
	struct config_header *headers;
	size_t		 nheaders;
	int64_t		 interval_ms;	/* default 60000 */
	int64_t		 timeout_ms;	/* default 10000 */
	char		*pattern_set;	/* NULL: the first set */
	char		*where;		/* "FILE:LINE:COLUMN" of the probe */
	char		*pattern_set_where;
};

struct config {
	char		*path;		/* the file read */
	uint64_t	 digest;	/* of its bytes (FNV-1a): watch keeps
					 * the one it runs with in the state,
					 * check compares (config_digest) */
	struct config_source *sources;
	size_t		 nsources;
	char		**pattern_sets;	/* names or files */
	size_t		 npattern_sets;	/* default: one, "omni" */
	char		*state_dir;	/* default: see config_load */
	int64_t		 idle_flush_ms;	/* default 200 */
	size_t		 max_lines;	/* default 1000 */
	size_t		 max_bytes;	/* default 1 MiB */
	size_t		 max_line;	/* default 1 MiB */
	int64_t		 sweep_ms;	/* default 10000 */
	int64_t		 rotate_wait_ms;	/* default 5000 */
	bool		 start_at_end;	/* default false: new files from 0 */
	int64_t		 commit_ms;	/* default 1000 */
	size_t		 commit_records;	/* default 10000 */
	char		**redact;	/* extra regexes */
	size_t		 nredact;
	struct redact	*redaction;	/* them compiled, or NULL (redact.h) */
	struct config_receiver *receivers;
	size_t		 nreceivers;
	struct config_alert *alerts;
	size_t		 nalerts;
	char		*metrics_listen;	/* "HOST:PORT", or NULL */
	char		*metrics_textfile;	/* or NULL */
	int64_t		 metrics_textfile_ms;	/* default 15000 */
	struct config_probe *probes;
	size_t		 nprobes;
	char		*metrics_token_file;	/* bearer token, or NULL */
	bool		 metrics_public;	/* off loopback without a token */
};

/*
 * Reads PATH.  state_dir defaults to $XDG_STATE_HOME/omniwatch, else
 * ~/.local/state/omniwatch, or /var/lib/omniwatch for root.  Relative
 * paths in the file (sources, state_dir, pattern files) are made relative
 * to the file's directory.  Durations need a unit.  Returns NULL
 * with *ERR set (malloc'd, "FILE:LINE:COLUMN: ...") on any error.  The
 * caller owns the result (config_free).
 */
struct config *config_load(const char *path, char **err);

/*
 * config_load, with the N OVERRIDES ("RULE.KEY=VALUE", config_override.h)
 * applied to the file's alert rules first; an error about an overridden
 * value names the argument instead of a place in the file.
 */
struct config *config_load_with(const char *path, char *const *overrides,
    size_t noverrides, char **err);

void config_free(struct config *cfg);

/* The probe named NAME, or NULL. */
const struct config_probe *config_probe_find(const struct config *cfg,
    const char *name);

/* The receiver named NAME, or NULL. */
const struct config_receiver *config_receiver_find(const struct config *cfg,
    const char *name);

/*
 * The state_dir used when the file names none: /var/lib/omniwatch when
 * IS_ROOT, else $XDG_STATE_HOME/omniwatch (if absolute), else
 * $HOME/.local/state/omniwatch (the passwd entry's home when HOME is
 * unset).  Returns a malloc'd path, or NULL when there is no home.
 * config_load() passes geteuid() == 0; exposed for tests.
 */
char *config_default_state_dir(bool is_root);

/*
 * Parses a size ("65536", "64KiB", "1MiB", "1GiB"; also K, M, G) into
 * bytes.  Returns 0, or -1 when ARG is not a positive size.
 */
int config_parse_size(const char *arg, size_t *out);

#endif

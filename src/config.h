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

struct config {
	char		*path;		/* the file read */
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

void config_free(struct config *cfg);

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

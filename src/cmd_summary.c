/*
 * cmd_summary: `omniwatch summary`, the report of what `omniwatch watch`
 * has counted, read from its state (the committed transactions only) while
 * it runs or after it stopped.  The config says where the state is and
 * which pattern sets to report; the counts come from the state's
 * per-minute buckets, so --since and --until have a resolution of a minute.
 */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aggregate.h"
#include "cmd.h"
#include "config.h"
#include "log.h"
#include "match.h"
#include "report.h"
#include "stamp.h"
#include "state.h"
#include "summary.h"
#include "xmalloc.h"

static int
cmd_summary_usage(void)
{
	fprintf(stderr, "usage: omniwatch summary -c FILE [--json] "
	    "[--since TIME] [--until TIME]\n"
	    "Try 'man omniwatch' for the details.\n");
	return CMD_EXIT_USAGE;
}

/* Loads the config's pattern sets into *SETS.  Returns 0 or -1 (printed). */
static int
cmd_summary_sets(const struct config *cfg, struct match_set ***sets)
{
	struct match_set **out = xcalloc(cfg->npattern_sets, sizeof(*out));
	char *err = NULL;

	for (size_t i = 0; i < cfg->npattern_sets; i++) {
		char *path = match_set_find(cfg->pattern_sets[i], &err);

		if (path == NULL)
			fprintf(stderr, "omniwatch summary: %s: pattern_sets: "
			    "%s\n", cfg->path, err);
		else {
			out[i] = match_set_load(path, &err);
			free(path);
			if (out[i] == NULL)
				fprintf(stderr, "omniwatch summary: %s\n", err);
		}
		if (out[i] == NULL) {
			free(err);
			for (size_t j = 0; j < i; j++)
				match_set_free(out[j]);
			free(out);
			return -1;
		}
	}
	*sets = out;
	return 0;
}

int
cmd_summary(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = NULL;
	struct config *cfg;
	struct match_set **sets = NULL;
	struct aggregate *agg = NULL;
	struct state *st = NULL;
	int64_t since = STAMP_NONE, until = STAMP_NONE;
	bool is_json = false;
	char *err;
	int ch, rc = CMD_EXIT_OK;
	time_t now = time(NULL);

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:jvqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'j':
			is_json = true;
			break;
		case 's':
		case 'u':
			if (stamp_parse_arg(optarg, now, ch == 's' ? &since :
			    &until) != 0) {
				fprintf(stderr, "omniwatch summary: --%s '%s': "
				    "expected a date (2026-11-29, 2026-11-29 "
				    "10:00[:00], 2026-11-29T10:00:00Z) or a "
				    "duration (90s, 15m, 24h, 7d)\n",
				    ch == 's' ? "since" : "until", optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		case 'v':
			log_set_level(LOG_LEVEL_DEBUG);
			break;
		case 'q':
			log_set_level(LOG_LEVEL_ERROR);
			break;
		case 'h':
			cmd_summary_usage();
			return CMD_EXIT_OK;
		default:
			return cmd_summary_usage();
		}
	}
	if (optind != argc) {
		fprintf(stderr, "omniwatch summary: unexpected argument '%s'; "
		    "the sources are in the config\n", argv[optind]);
		return cmd_summary_usage();
	}
	if (config_path == NULL) {
		fprintf(stderr, "omniwatch summary: no config; give the one "
		    "omniwatch watch uses with -c FILE\n");
		return cmd_summary_usage();
	}

	cfg = config_load(config_path, &err);
	if (cfg == NULL) {
		fprintf(stderr, "omniwatch summary: %s\n", err);
		free(err);
		return CMD_EXIT_USAGE;
	}
	if (cmd_summary_sets(cfg, &sets) != 0) {
		config_free(cfg);
		return CMD_EXIT_USAGE;
	}
	st = state_open(cfg->state_dir, true, &err);
	if (st == NULL) {
		fprintf(stderr, "omniwatch summary: %s\n", err);
		free(err);
		rc = CMD_EXIT_INPUT;
		goto out;
	}
	agg = aggregate_new(sets, cfg->npattern_sets);
	if (summary_load(st, agg, since, until) != 0) {
		rc = CMD_EXIT_INPUT;
		goto out;
	}
	if (is_json)
		report_write_json(agg, NULL, stdout);
	else
		report_write_text(agg, NULL, stdout);
	if (fflush(stdout) != 0)
		rc = CMD_EXIT_INPUT;

out:
	aggregate_free(agg);
	state_close(st);
	for (size_t i = 0; i < cfg->npattern_sets; i++)
		match_set_free(sets[i]);
	free(sets);
	config_free(cfg);
	return rc;
}

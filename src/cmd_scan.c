/*
 * cmd_scan: `omniwatch scan`, a one-shot count over files, PM2 log
 * directories or stdin.  With no PATH it reads $PM2_HOME/logs, else
 * ~/.pm2/logs, where PM2 keeps them (PM2 7.0.4 lib/Configuration: PM2_HOME
 * defaults to ~/.pm2).
 */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "config.h"
#include "log.h"
#include "match.h"
#include "report.h"
#include "scan.h"
#include "stamp.h"
#include "xmalloc.h"

#define CMD_SCAN_MAX_SETS	32

static int
cmd_scan_usage(void)
{
	fprintf(stderr, "usage: omniwatch scan [-p PATTERNS]... [--json] "
	    "[--since TIME] [--until TIME] [--max-line BYTES] [PATH]...\n"
	    "Try 'man omniwatch' for the details.\n");
	return CMD_EXIT_USAGE;
}

int
cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "patterns", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "max-line", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *names[CMD_SCAN_MAX_SETS];
	struct match_set *sets[CMD_SCAN_MAX_SETS];
	size_t nnames = 0, nsets = 0;
	struct pipeline_options opts;
	bool is_json = false;
	struct scan *s;
	char *err, *home_logs = NULL;
	int ch, rc = CMD_EXIT_OK;
	time_t now = time(NULL);

	memset(&opts, 0, sizeof(opts));
	opts.since = STAMP_NONE;
	opts.until = STAMP_NONE;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:jvqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if (nnames == CMD_SCAN_MAX_SETS) {
				fprintf(stderr, "omniwatch scan: at most %d "
				    "pattern sets\n", CMD_SCAN_MAX_SETS);
				return CMD_EXIT_USAGE;
			}
			names[nnames++] = optarg;
			break;
		case 'j':
			is_json = true;
			break;
		case 's':
		case 'u':
			if (stamp_parse_arg(optarg, now, ch == 's' ?
			    &opts.since : &opts.until) != 0) {
				fprintf(stderr, "omniwatch scan: --%s '%s': "
				    "expected a date (2026-11-29, 2026-11-29 "
				    "10:00[:00], 2026-11-29T10:00:00Z) or a "
				    "duration (90s, 15m, 24h, 7d)\n",
				    ch == 's' ? "since" : "until", optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		case 'L':
			if (config_parse_size(optarg, &opts.max_line) != 0) {
				fprintf(stderr, "omniwatch scan: --max-line "
				    "'%s': expected a size in bytes (e.g. "
				    "65536, 64KiB, 1MiB)\n", optarg);
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
			cmd_scan_usage();
			return CMD_EXIT_OK;
		default:
			return cmd_scan_usage();
		}
	}
	if (nnames == 0)
		names[nnames++] = "omni";
	for (size_t i = 0; i < nnames; i++) {
		char *path = match_set_find(names[i], &err);

		if (path != NULL) {
			sets[nsets] = match_set_load(path, &err);
			free(path);
		}
		if (path == NULL || sets[nsets] == NULL) {
			fprintf(stderr, "omniwatch scan: %s\n", err);
			free(err);
			for (size_t j = 0; j < nsets; j++)
				match_set_free(sets[j]);
			return CMD_EXIT_USAGE;
		}
		nsets++;
	}

	s = scan_new(sets, nsets, &opts);
	if (optind == argc) {
		const char *pm2_home = getenv("PM2_HOME");
		const char *home = getenv("HOME");

		if (pm2_home != NULL && *pm2_home != '\0')
			home_logs = xasprintf("%s/logs", pm2_home);
		else
			home_logs = xasprintf("%s/.pm2/logs",
			    home != NULL ? home : "");
		if (scan_path(s, home_logs) != 0)
			rc = CMD_EXIT_INPUT;
	}
	for (int i = optind; i < argc; i++)
		if (scan_path(s, argv[i]) != 0)
			rc = CMD_EXIT_INPUT;
	if (is_json)
		report_write_json(s->agg, s, stdout);
	else
		report_write_text(s->agg, s, stdout);
	if (fflush(stdout) != 0)
		rc = CMD_EXIT_INPUT;
	scan_free(s);
	for (size_t i = 0; i < nsets; i++)
		match_set_free(sets[i]);
	free(home_logs);
	return rc;
}

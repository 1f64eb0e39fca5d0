/*
 * cmd_backtest: `omniwatch backtest`, how the config's alert rules would
 * have fired over logs already on disk (backtest.h).  Like `promtool test
 * rules`, it only reads: no state is opened, no receiver is called, and
 * a running watch is not disturbed.  --rule narrows the rules reported;
 * --set RULE.KEY=VALUE tries another value of a rule's key without
 * editing the file (config_override.h).
 */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backtest.h"
#include "cmd.h"
#include "config.h"
#include "log.h"
#include "match.h"
#include "redact.h"
#include "report.h"
#include "report_backtest.h"
#include "stamp.h"
#include "watch_check.h"
#include "xmalloc.h"

#define CMD_BACKTEST_MAX_ARGS	64	/* --rule, --set */

struct cmd_backtest_args {
	const char	*config_path;
	const char	*output;
	enum report_format format;
	int64_t		 since_ms, until_ms;
	char		*rules[CMD_BACKTEST_MAX_ARGS];
	size_t		 nrules;
	char		*sets[CMD_BACKTEST_MAX_ARGS];
	size_t		 nsets;
};

const struct cmd_opt cmd_backtest_opts[] = {
	{ "config", 'c', CMD_OPT_SHORT | CMD_OPT_REQUIRED, "FILE",
	    "the configuration whose alert rules are replayed" },
	{ "since", 's', 0, "TIME", "replay records at or after TIME "
	    "(2026-11-29, 30d); the clock starts there" },
	{ "until", 'u', 0, "TIME", "replay records before TIME; the clock "
	    "runs to it" },
	CMD_ROW_FORMAT,
	CMD_ROW_OUTPUT,
	{ "rule", 'r', CMD_OPT_REPEAT, "NAME", "report only this rule" },
	{ "set", 'S', CMD_OPT_REPEAT, "RULE.KEY=VALUE", "try another value "
	    "of a rule's key (omni-failing.threshold=0.3)" },
	CMD_ROW_VERBOSE,
	CMD_ROW_QUIET,
	{ NULL, 0, 0, NULL, NULL },
};

/* Parses the options into A.  Returns -1 (usage), 0, or 1 (--help). */
static int
cmd_backtest_parse(int argc, char **argv, struct cmd_backtest_args *a)
{
	struct cmd_opt_parser op;
	time_t now = time(NULL);
	int ch;

	cmd_opt_init(&op, cmd_backtest_opts);
	while ((ch = cmd_opt_parse(&op, argc, argv)) != -1) {
		switch (ch) {
		case 'c':
			a->config_path = optarg;
			break;
		case 'f':
			if (report_format_parse(optarg, &a->format) != 0) {
				fprintf(stderr, "omniwatch backtest: --format "
				    "'%s': expected text, json or html\n",
				    optarg);
				return -1;
			}
			break;
		case 'o':
			a->output = optarg;
			break;
		case 's':
		case 'u':
			if (stamp_parse_arg(optarg, now, ch == 's' ?
			    &a->since_ms : &a->until_ms) != 0) {
				fprintf(stderr, "omniwatch backtest: --%s '%s': "
				    "expected a date (2026-11-29, 2026-11-29 "
				    "10:00[:00], 2026-11-29T10:00:00Z) or a "
				    "duration (90s, 15m, 24h, 7d)\n",
				    ch == 's' ? "since" : "until", optarg);
				return -1;
			}
			break;
		case 'r':
		case 'S':
			if ((ch == 'r' ? a->nrules : a->nsets) ==
			    CMD_BACKTEST_MAX_ARGS) {
				fprintf(stderr, "omniwatch backtest: at most %d "
				    "--%s\n", CMD_BACKTEST_MAX_ARGS, ch == 'r' ?
				    "rule" : "set");
				return -1;
			}
			if (ch == 'r')
				a->rules[a->nrules++] = optarg;
			else
				a->sets[a->nsets++] = optarg;
			break;
		case 'v':
		case 'q':
			cmd_opt_verbosity(ch, LOG_LEVEL_ERROR);
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	if (a->config_path == NULL) {
		fprintf(stderr, "omniwatch backtest: no config; expected -c "
		    "FILE, the config whose alert rules are replayed\n");
		return -1;
	}
	if (a->since_ms != STAMP_NONE && a->until_ms != STAMP_NONE &&
	    a->since_ms >= a->until_ms) {
		fprintf(stderr, "omniwatch backtest: --since must be before "
		    "--until\n");
		return -1;
	}
	return 0;
}

/*
 * The rules named by --rule, as a flag per rule of CFG (NULL: all).
 * Returns -1 with a message when a name is not a rule's.
 */
static int
cmd_backtest_rules(const struct cmd_backtest_args *a,
    const struct config *cfg, bool **on)
{
	*on = NULL;
	if (a->nrules == 0)
		return 0;
	*on = xcalloc(cfg->nalerts + 1, sizeof(**on));
	for (size_t i = 0; i < a->nrules; i++) {
		size_t k;

		for (k = 0; k < cfg->nalerts; k++)
			if (strcmp(cfg->alerts[k].name, a->rules[i]) == 0)
				break;
		if (k == cfg->nalerts) {
			fprintf(stderr, "omniwatch backtest: --rule '%s': %s "
			    "has no alert rule of that name; expected one of:",
			    a->rules[i], a->config_path);
			for (k = 0; k < cfg->nalerts; k++)
				fprintf(stderr, " %s", cfg->alerts[k].name);
			fprintf(stderr, "\n");
			free(*on);
			*on = NULL;
			return -1;
		}
		(*on)[k] = true;
	}
	return 0;
}

static int
cmd_backtest_write(const struct cmd_backtest_args *a, struct backtest *bt)
{
	struct report_backtest r;
	struct report_output *out;
	struct timespec ts;
	bool is_written = true;
	json_t *root;
	char *err = NULL;

	out = report_output_open(a->output, &err);
	if (out == NULL) {
		fprintf(stderr, "omniwatch backtest: %s\n", err);
		free(err);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	memset(&r, 0, sizeof(r));
	r.bt = bt;
	r.config_path = a->config_path;
	r.overrides = a->sets;
	r.noverrides = a->nsets;
	r.now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	switch (a->format) {
	case REPORT_TEXT:
		report_backtest_text(&r, report_output_fp(out));
		break;
	case REPORT_JSON:
		root = report_backtest_json(&r);
		is_written = report_json_dump(root, report_output_fp(out)) == 0;
		json_decref(root);
		break;
	case REPORT_HTML:
		is_written = report_backtest_html(&r, report_output_fp(out)) ==
		    0;
		break;
	}
	if (report_output_close(out, is_written, &err) != 0 || !is_written) {
		fprintf(stderr, "omniwatch backtest: %s\n", err != NULL ? err :
		    "cannot write the report");
		free(err);
		return -1;
	}
	return 0;
}

int
cmd_backtest(int argc, char **argv)
{
	struct cmd_backtest_args a;
	struct backtest_options opts;
	struct config *cfg;
	struct match_set **sets = NULL;
	const struct redact *rd;
	struct backtest *bt = NULL;
	char **paths = NULL, *err = NULL;
	size_t npaths = 0;
	bool *on = NULL;
	int rc = CMD_EXIT_USAGE;

	memset(&a, 0, sizeof(a));
	a.format = REPORT_TEXT;
	a.since_ms = a.until_ms = STAMP_NONE;
	switch (cmd_backtest_parse(argc, argv, &a)) {
	case 1:
		return cmd_help("backtest", stdout);
	case -1:
		return cmd_usage("backtest");
	}
	cfg = config_load_with(a.config_path, a.sets, a.nsets, &err);
	if (cfg == NULL) {
		fprintf(stderr, "omniwatch backtest: %s\n", err);
		free(err);
		return CMD_EXIT_USAGE;
	}
	if (cfg->nalerts == 0) {
		fprintf(stderr, "omniwatch backtest: %s has no alert rules; "
		    "expected an alerts: list (omniwatch.yaml(5))\n",
		    a.config_path);
		goto out;
	}
	if (cmd_backtest_rules(&a, cfg, &on) != 0)
		goto out;
	if (match_sets_load(cfg->pattern_sets, cfg->npattern_sets, &sets,
	    &err, NULL) != 0) {
		fprintf(stderr, "omniwatch backtest: %s: pattern_sets: %s\n",
		    a.config_path, err);
		goto out;
	}
	/* The config's redact: regexes, compiled when it was read. */
	rd = cfg->redaction;
	opts.since_ms = a.since_ms;
	opts.until_ms = a.until_ms;
	opts.rule_on = on;
	bt = backtest_new(cfg, sets, cfg->npattern_sets, rd, &opts, &err);
	if (bt == NULL) {
		fprintf(stderr, "omniwatch backtest: %s\n", err);
		goto out;
	}
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			paths = xreallocarray(paths, npaths + 2,
			    sizeof(*paths));
			paths[npaths++] = xstrdup(argv[i]);
			paths[npaths] = NULL;
		}
	} else {
		/* The sources are read: what watch would refuse in them
		 * (a logs directory given as pm2_home) is refused here too. */
		if (watch_check_pm2_homes(cfg, &err) != 0) {
			fprintf(stderr, "omniwatch backtest: %s: %s\n",
			    a.config_path, err);
			goto out;
		}
		paths = backtest_config_paths(cfg, &npaths);
	}
	rc = backtest_run(bt, paths, npaths) == 0 ? CMD_EXIT_OK :
	    CMD_EXIT_INPUT;
	if (cmd_backtest_write(&a, bt) != 0)
		rc = CMD_EXIT_INPUT;
out:
	free(err);
	backtest_free(bt);
	backtest_paths_free(paths, npaths);
	if (sets != NULL)
		match_sets_free(sets, cfg->npattern_sets);
	free(on);
	config_free(cfg);
	return rc;
}

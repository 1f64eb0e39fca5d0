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
#include "cmd_opt_value.h"
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
	struct cmd_report_opts ro;	/* --format, --output, --since... */
	char		*rules[CMD_BACKTEST_MAX_ARGS];
	size_t		 nrules;
	char		*sets[CMD_BACKTEST_MAX_ARGS];
	size_t		 nsets;
};

const struct cmd_opt cmd_backtest_opts[] = {
	{ "config", 'c', CMD_OPT_SHORT | CMD_OPT_REQUIRED, "FILE",
	    "the configuration whose alert rules are replayed" },
	CMD_ROWS_RANGE("replay records at or after TIME (2026-11-29, 30d); "
	    "the clock starts there", "replay records before TIME; the clock "
	    "runs to it"),
	CMD_ROW_FORMAT,
	CMD_ROW_OUTPUT,
	{ "rule", 'r', CMD_OPT_REPEAT, "NAME", "report only this rule" },
	{ "set", 'S', CMD_OPT_REPEAT, "RULE.KEY=VALUE", "try another value "
	    "of a rule's key (omni-failing.threshold=0.3)" },
	CMD_ROWS_REPORT_END,
};

/* Backtest's own option CH (cmd_report_parse's OWN): -c, --rule, --set. */
static int
cmd_backtest_opt(void *ctx, int ch, const char *arg)
{
	struct cmd_backtest_args *a = ctx;

	switch (ch) {
	case 'c':
		a->config_path = arg;
		return 1;
	case 'r':
	case 'S':
		if ((ch == 'r' ? a->nrules : a->nsets) == CMD_BACKTEST_MAX_ARGS) {
			fprintf(stderr, "omniwatch backtest: at most %d --%s\n",
			    CMD_BACKTEST_MAX_ARGS, ch == 'r' ? "rule" : "set");
			return -1;
		}
		if (ch == 'r')
			a->rules[a->nrules++] = (char *)arg;
		else
			a->sets[a->nsets++] = (char *)arg;
		return 1;
	default:
		return 0;
	}
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
	bool is_written = true;
	json_t *root;
	char *err = NULL;

	out = report_output_open(a->ro.output, &err);
	if (out == NULL) {
		fprintf(stderr, "omniwatch backtest: %s\n", err);
		free(err);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.bt = bt;
	r.config_path = a->config_path;
	r.overrides = a->sets;
	r.noverrides = a->nsets;
	r.now_ms = stamp_now_ms();
	switch (a->ro.format) {
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
	rc = cmd_report_parse("backtest", cmd_backtest_opts, argc, argv,
	    cmd_backtest_opt, &a, &a.ro);
	if (rc != CMD_OPT_DONE)
		return rc;
	rc = CMD_EXIT_USAGE;
	if (a.config_path == NULL) {
		fprintf(stderr, "omniwatch backtest: no config; expected -c "
		    "FILE, the config whose alert rules are replayed\n");
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
	if (match_sets_load(a.config_path, cfg->pattern_sets,
	    cfg->npattern_sets, &sets, &err) != 0) {
		fprintf(stderr, "omniwatch backtest: %s\n", err);
		goto out;
	}
	/* The config's redact: regexes, compiled when it was read. */
	rd = cfg->redaction;
	opts.since_ms = a.ro.since_ms;
	opts.until_ms = a.ro.until_ms;
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

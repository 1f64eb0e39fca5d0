/*
 * cmd_opt_value: see cmd_opt_value.h.  The readers are the report's,
 * the stamp's and the series' own; this file only chooses among them by
 * option and words their refusals, so that scan, summary and backtest say
 * the same thing of the same mistake.
 */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "cmd_opt_value.h"
#include "log.h"
#include "series.h"
#include "stamp.h"

static void
cmd_report_opts_init(struct cmd_report_opts *o)
{
	o->format = REPORT_TEXT;
	o->output = NULL;
	o->since_ms = STAMP_NONE;
	o->until_ms = STAMP_NONE;
	o->step_ms = 0;
}

/*
 * Option CH (getopt's val: 'f', 'j', 'o', 's', 'u' or 'S') with argument
 * ARG into O; durations count back from NOW.  Returns 1 when CH is one of
 * them, 0 when it is not, or -1 after printing what was expected.
 */
static int
cmd_report_opt(const char *name, int ch, const char *arg, time_t now,
    struct cmd_report_opts *o)
{
	const char *why;

	switch (ch) {
	case 'j':
		o->format = REPORT_JSON;
		return 1;
	case 'f':
		if (report_format_parse(arg, &o->format) == 0)
			return 1;
		fprintf(stderr, "omniwatch %s: --format '%s': expected text, "
		    "json or html\n", name, arg);
		return -1;
	case 'o':
		o->output = arg;
		return 1;
	case 's':
	case 'u':
		if (stamp_parse_arg(arg, now, ch == 's' ? &o->since_ms :
		    &o->until_ms) == 0)
			return 1;
		fprintf(stderr, "omniwatch %s: --%s '%s': expected a date "
		    "(2026-11-29, 2026-11-29 10:00[:00], 2026-11-29T10:00:00Z) "
		    "or a duration (90s, 15m, 24h, 7d)\n", name, ch == 's' ?
		    "since" : "until", arg);
		return -1;
	case 'S':
		if (series_step_parse(arg, &o->step_ms, &why) == 0)
			return 1;
		fprintf(stderr, "omniwatch %s: --step '%s': %s\n", name, arg,
		    why);
		return -1;
	default:
		return 0;
	}
}

int
cmd_report_parse(const char *name, const struct cmd_opt *opts, int argc,
    char **argv, int (*own)(void *ctx, int ch, const char *arg), void *ctx,
    struct cmd_report_opts *ro)
{
	struct cmd_opt_parser op;
	time_t now = time(NULL);
	int ch, taken;

	cmd_report_opts_init(ro);
	cmd_opt_init(&op, opts);
	while ((ch = cmd_opt_parse(&op, argc, argv)) != -1) {
		if (ch == 'v' || ch == 'q') {
			cmd_opt_verbosity(ch, LOG_LEVEL_ERROR);
			continue;
		}
		if (ch == 'h')
			return cmd_help(name, stdout);
		/* The command's first: backtest's -S is --set. */
		taken = own(ctx, ch, optarg);
		if (taken == 0)
			taken = cmd_report_opt(name, ch, optarg, now, ro);
		if (taken == 0)
			return cmd_usage(name);
		if (taken < 0)
			return CMD_EXIT_USAGE;
	}
	if (ro->since_ms != STAMP_NONE && ro->until_ms != STAMP_NONE &&
	    ro->since_ms >= ro->until_ms) {
		fprintf(stderr, "omniwatch %s: --since must be before --until\n",
		    name);
		return CMD_EXIT_USAGE;
	}
	return CMD_OPT_DONE;
}

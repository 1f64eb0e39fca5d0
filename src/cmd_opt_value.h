/*
 * cmd_opt_value: the options of the commands that report on a range of
 * time (scan, summary, backtest): --format and --json, --output, --since
 * and --until, --step.  They are read, and refused when bad, here, with
 * one wording whatever the command ("omniwatch NAME: --since 'x':
 * expected ..."); the rows that declare them are in cmd.h (CMD_ROW_*) or
 * in the command's table when its help says more.
 */
#ifndef OMNIWATCH_CMD_OPT_VALUE_H
#define OMNIWATCH_CMD_OPT_VALUE_H

#include <stdint.h>
#include <time.h>

#include "cmd.h"
#include "report.h"

/*
 * The rows of all these options, in the order --help lists them, with
 * what --since and --until select in this command (SINCE, UNTIL: the help
 * text of each).  A command whose letters differ (backtest's -S is --set)
 * lists the rows it has.
 */
#define CMD_ROWS_REPORT(since, until)					\
	CMD_ROW_FORMAT,							\
	CMD_ROW_JSON,							\
	CMD_ROW_OUTPUT,							\
	CMD_ROWS_RANGE(since, until),					\
	CMD_ROW_STEP

/* The end of such a command's table: -v and -q, which cmd_report_parse()
 * reads too, then the end. */
#define CMD_ROWS_REPORT_END						\
	CMD_ROW_VERBOSE,						\
	CMD_ROW_QUIET,							\
	{ NULL, 0, 0, NULL, NULL }

/* --since and --until alone, for such a command (backtest). */
#define CMD_ROWS_RANGE(since, until)					\
	{ "since", 's', 0, "TIME", since },				\
	{ "until", 'u', 0, "TIME", until }

/* What such a command was asked for. */
struct cmd_report_opts {
	enum report_format format;	/* --format, --json; default text */
	const char	*output;	/* --output FILE (argv's), or NULL */
	int64_t		 since_ms;	/* --since, or STAMP_NONE */
	int64_t		 until_ms;	/* --until, or STAMP_NONE */
	int64_t		 step_ms;	/* --step, or 0: chosen by the range */
};

/* cmd_report_parse()'s answer when the command is to go on. */
#define CMD_OPT_DONE	(-1)

/*
 * Parses ARGV by OPTS, the table of subcommand NAME: its own options go to
 * OWN (which returns 1 when CH is one of them, 0 when it is not, or -1
 * after printing what was wrong), the report's into *RO, -v and -q set the
 * log level (-q: errors only), and --since must come before --until.
 * Returns CMD_OPT_DONE (optind at the operands), or the exit code the
 * command returns at once: CMD_EXIT_OK after --help, CMD_EXIT_USAGE after
 * a message.
 */
int cmd_report_parse(const char *name, const struct cmd_opt *opts,
    int argc, char **argv, int (*own)(void *ctx, int ch, const char *arg),
    void *ctx, struct cmd_report_opts *ro);

#endif

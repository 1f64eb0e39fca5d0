/*
 * cmd: the subcommands.  Each takes the arguments after its name (argv[0]
 * is "omniwatch SUBCOMMAND", as getopt's messages show it) and returns the
 * process exit status: 0 done, 1 done but some input could not be read,
 * 2 usage or pattern errors.
 *
 * Each subcommand describes its options once, in a table of struct
 * cmd_opt: getopt_long(3) parses from it (cmd_opt_parse) and the help
 * (omniwatch --help, omniwatch help CMD, omniwatch CMD --help) is printed
 * from it, so that an option cannot be parsed and left out of the help.
 * A new option is one row in its command's table and one case in its
 * switch; a new subcommand is one row in cmd_table (main.c).
 */
#ifndef OMNIWATCH_CMD_H
#define OMNIWATCH_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "log.h"

#define CMD_EXIT_OK		0
#define CMD_EXIT_INPUT		1
#define CMD_EXIT_USAGE		2

#define CMD_OPT_MAX		32	/* options of one subcommand */

/*
 * One option.  VAL is what getopt_long returns for it: the option's
 * letter when FLAGS has CMD_OPT_SHORT (-c as well as --config), else any
 * character the command's switch tells apart.  ARG names the argument in
 * the help ("FILE"), or is NULL for an option that takes none.  HELP is
 * one line.  A table ends with a row whose NAME is NULL.  -h/--help is
 * added to every table by cmd_opt_init and returns 'h'.
 */
#define CMD_OPT_SHORT		0x1	/* VAL is also a short option */
#define CMD_OPT_REQUIRED	0x2	/* the command needs it (usage line) */
#define CMD_OPT_REPEAT		0x4	/* may be given more than once */

struct cmd_opt {
	const char	*name;
	int		 val;
	int		 flags;
	const char	*arg;
	const char	*help;
};

/* Rows that several commands share, worded once. */
#define CMD_ROW_FORMAT	{ "format", 'f', 0, "text|json|html", \
	"the report's form (default text)" }
#define CMD_ROW_JSON	{ "json", 'j', CMD_OPT_SHORT, NULL, \
	"same as --format json" }
#define CMD_ROW_OUTPUT	{ "output", 'o', CMD_OPT_SHORT, "FILE", \
	"write the report to FILE, atomically" }
#define CMD_ROW_STEP	{ "step", 'S', 0, "DURATION", \
	"count per step of DURATION, 1m to 1d (default 1m up to 6h of range, " \
	"else 1h)" }
#define CMD_ROW_VERBOSE	{ "verbose", 'v', CMD_OPT_SHORT, NULL, \
	"print debugging messages" }
#define CMD_ROW_QUIET	{ "quiet", 'q', CMD_OPT_SHORT, NULL, \
	"print errors only" }

struct cmd_entry {
	const char	*name;
	const char	*operands;	/* after the options: "[PATH]..." */
	const char	*summary;	/* one line: what the command does */
	const struct cmd_opt *opts;
	int		(*exec)(int argc, char **argv);
};

/* The state of one parse: getopt_long's tables, built from a cmd_opt one. */
struct cmd_opt_parser {
	struct option	 longopts[CMD_OPT_MAX + 2];
	char		 optstring[3 * CMD_OPT_MAX + 4];
};

/*
 * Builds P's getopt_long tables from OPTS (at most CMD_OPT_MAX rows, or
 * the process aborts: a table is fixed at build time) and resets getopt.
 */
void cmd_opt_init(struct cmd_opt_parser *p, const struct cmd_opt *opts);

/*
 * -v and -q (CH): the log level goes to LOG_LEVEL_DEBUG, or to QUIET
 * (a log.h level: what -q leaves to be printed).
 */
void cmd_opt_verbosity(int ch, enum log_level quiet);

/* The next option as getopt_long(3) returns it: its val, '?' or -1. */
int cmd_opt_parse(struct cmd_opt_parser *p, int argc, char **argv);

/*
 * Prints NAME's usage line and where to read more to stderr (after a usage
 * error); returns CMD_EXIT_USAGE.  NAME is the subcommand ("scan").
 */
int cmd_usage(const char *name);

/*
 * Says on stderr that ARG, an operand the command takes none of (or no
 * more of), is unexpected: "omniwatch NAME: unexpected argument 'ARG';
 * WHY".  NAME is the subcommand, or NULL for omniwatch itself; WHY is
 * the hint.  The caller then prints its usage and exits with its usage
 * status (CMD_EXIT_USAGE; check and probe have their own).
 */
void cmd_unexpected(const char *name, const char *arg, const char *why);

/*
 * Prints the help of subcommand NAME (its usage, summary and every option
 * of its table) to FP, or of every subcommand when NAME is NULL.
 * Returns CMD_EXIT_OK, or CMD_EXIT_USAGE (with a message) for an unknown
 * NAME.
 */
int cmd_help(const char *name, FILE *fp);

/* The entry of subcommand NAME, or NULL. */
const struct cmd_entry *cmd_find(const char *name);

extern const struct cmd_entry cmd_table[];
extern const struct cmd_opt cmd_scan_opts[];
extern const struct cmd_opt cmd_watch_opts[];
extern const struct cmd_opt cmd_summary_opts[];
extern const struct cmd_opt cmd_check_opts[];
extern const struct cmd_opt cmd_test_opts[];
extern const struct cmd_opt cmd_backtest_opts[];
extern const struct cmd_opt cmd_probe_opts[];

int cmd_scan(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_check(int argc, char **argv);	/* exits 0-3, see cmd_check.c */
int cmd_test(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_probe(int argc, char **argv);	/* exits 0, 2 or 3: cmd_probe.c */

#endif

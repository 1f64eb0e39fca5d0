/*
 * omniwatch: counts the outcomes of an integration (by default, tickets
 * forwarded to the Omni partner API) in the logs PM2 writes for Node.js
 * apps.  main() only finds the subcommand; each lives in cmd_*.c.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "xmalloc.h"

/* One row per subcommand; its options are in its own file's table. */
const struct cmd_entry cmd_table[] = {
	{ "scan", "[PATH]...", "Count the outcomes in log files, PM2 log "
	    "directories or - (standard input);\nwithout PATH, in $PM2_HOME: "
	    "pm2.log and logs/ (logs/ alone without pm2.log);\nwithout "
	    "PM2_HOME, the same in ~/.pm2.", cmd_scan_opts, cmd_scan },
	{ "watch", "", "Follow the logs of the configuration, count every "
	    "record once into the state,\nalert and expose metrics.",
	    cmd_watch_opts, cmd_watch },
	{ "summary", "", "Print what watch has counted, in the same shape "
	    "as scan.", cmd_summary_opts, cmd_summary },
	{ "check", "", "A Nagios/Icinga plugin: one line from watch's state, "
	    "exit 0 OK, 1 WARNING,\n2 CRITICAL, 3 UNKNOWN.", cmd_check_opts,
	    cmd_check },
	{ "test", "FILE|-...", "Show which records of FILEs a pattern set "
	    "matches and which it misses\n(like fail2ban-regex).",
	    cmd_test_opts, cmd_test },
	{ "backtest", "[PATH]...", "How the configuration's alert rules "
	    "would have fired over the logs on disk\n(default: its sources, "
	    "rotated copies included); sends nothing.", cmd_backtest_opts,
	    cmd_backtest },
	{ "probe", "URL | --url-file FILE | -c CONFIG NAME", "Ask a partner's "
	    "endpoint whether its route is deployed, creating nothing;\nexit "
	    "0 ok, 2 not ok, 3 usage.", cmd_probe_opts, cmd_probe },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* -V and -h take nothing after them: one more argument is a usage
 * error, not ignored. */
static int
main_no_more(int argc, char **argv)
{
	char why[96];

	if (argc <= 2)
		return 0;
	/* ARGV[1] is one of -V, --version, -h, --help. */
	snprintf(why, sizeof(why), "%s takes none%s", argv[1],
	    strchr(argv[1], 'h') != NULL ? "; a command's help is "
	    "'omniwatch help COMMAND'" : "");
	cmd_unexpected(NULL, argv[2], why);
	return -1;
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *c;

	if (argc < 2) {
		fprintf(stderr, "usage: omniwatch COMMAND [OPTION]... "
		    "[ARGUMENT]...\ncommands:");
		for (c = cmd_table; c->name != NULL; c++)
			fprintf(stderr, " %s", c->name);
		fprintf(stderr, "\nTry 'omniwatch help' for the options, 'man "
		    "omniwatch' for the details.\n");
		return CMD_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return main_no_more(argc, argv) != 0 ? CMD_EXIT_USAGE :
		    cmd_help(NULL, stdout);
	if (strcmp(argv[1], "help") == 0) {
		/* As git help: help COMMAND is COMMAND --help. */
		if (argc > 3) {
			fprintf(stderr, "omniwatch help: one command at most\n");
			return CMD_EXIT_USAGE;
		}
		return cmd_help(argc == 3 ? argv[2] : NULL, stdout);
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		if (main_no_more(argc, argv) != 0)
			return CMD_EXIT_USAGE;
		printf("omniwatch %s\n", PACKAGE_VERSION);
		return CMD_EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (c != NULL) {
		/* getopt(3) names argv[0] in its messages. */
		char *name = xasprintf("omniwatch %s", c->name);
		int rc;

		argv[1] = name;
		rc = c->exec(argc - 1, argv + 1);
		free(name);
		return rc;
	}
	fprintf(stderr, "omniwatch: unknown command '%s'; try 'omniwatch "
	    "help'\n", argv[1]);
	return CMD_EXIT_USAGE;
}

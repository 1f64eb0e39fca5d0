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

const struct cmd_entry cmd_table[] = {
	{ "scan", "scan [-p PATTERNS]... [--format text|json|html] [-o FILE] "
	    "[--since TIME] [--until TIME] [PATH]...", cmd_scan },
	{ "summary", "summary -c FILE [--format text|json|html] [-o FILE] "
	    "[--since TIME] [--until TIME] [--post RECEIVER]", cmd_summary },
	{ "watch", "watch -c FILE [--check] [-v | -q]", cmd_watch },
	{ "check", "check -c FILE [--pattern-set NAME] [--window DURATION] "
	    "[--warning RATE] [--critical RATE] [--no-success-critical "
	    "DURATION] [--stale DURATION]", cmd_check },
	{ "test", "test [-p PATTERNS]... [--print-matched] [--print-missed] "
	    "FILE|-...", cmd_test },
	{ NULL, NULL, NULL },
};

static void
main_usage(FILE *fp)
{
	fprintf(fp, "usage: omniwatch COMMAND [OPTIONS]\n");
	for (const struct cmd_entry *c = cmd_table; c->name != NULL; c++)
		fprintf(fp, "       omniwatch %s\n", c->usage);
	fprintf(fp, "See omniwatch(1).\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		main_usage(stderr);
		return CMD_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		main_usage(stdout);
		return CMD_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("omniwatch %s\n", PACKAGE_VERSION);
		return CMD_EXIT_OK;
	}
	for (const struct cmd_entry *c = cmd_table; c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0) {
			/* getopt(3) names argv[0] in its messages. */
			char *name = xasprintf("omniwatch %s", c->name);
			int rc;

			argv[1] = name;
			rc = c->exec(argc - 1, argv + 1);
			free(name);
			return rc;
		}
	fprintf(stderr, "omniwatch: unknown command '%s'; try 'omniwatch "
	    "--help'\n", argv[1]);
	return CMD_EXIT_USAGE;
}

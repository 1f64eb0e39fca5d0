/*
 * cmd: the subcommands.  Each takes the arguments after its name (argv[0]
 * is "omniwatch SUBCOMMAND", as getopt's messages show it) and returns the process exit status: 0 done, 1 done
 * but some input could not be read, 2 usage or pattern errors.
 */
#ifndef OMNIWATCH_CMD_H
#define OMNIWATCH_CMD_H

#define CMD_EXIT_OK		0
#define CMD_EXIT_INPUT		1
#define CMD_EXIT_USAGE		2

struct cmd_entry {
	const char	*name;
	const char	*usage;
	int		(*exec)(int argc, char **argv);
};

int cmd_scan(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_check(int argc, char **argv);	/* exits 0-3, see cmd_check.c */
int cmd_test(int argc, char **argv);

extern const struct cmd_entry cmd_table[];

#endif

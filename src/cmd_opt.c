/*
 * cmd_opt: the subcommands' option tables, turned into getopt_long(3)'s
 * tables for parsing and into the help text, so that both come from one
 * place.  The help follows GNU's layout (coreutils' --help: usage line,
 * one line of purpose, then "  -c, --config FILE   text"), which is what a
 * Debian user expects from --help and `help COMMAND` (git help).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

#define CMD_OPT_HELP_COLUMN	30	/* where the help text of an option starts */
#define CMD_OPT_WIDTH		80	/* the help fits a terminal this wide */

static const struct cmd_opt cmd_opt_help_row = {
	"help", 'h', CMD_OPT_SHORT, NULL, "print this help and exit"
};

void
cmd_opt_init(struct cmd_opt_parser *p, const struct cmd_opt *opts)
{
	size_t n = 0, k = 0;

	memset(p, 0, sizeof(*p));
	for (const struct cmd_opt *o = opts; ; o++) {
		if (o->name == NULL)
			o = &cmd_opt_help_row;
		if (n == CMD_OPT_MAX + 1)
			abort();	/* the table is larger than CMD_OPT_MAX */
		p->longopts[n].name = o->name;
		p->longopts[n].has_arg = o->arg != NULL ? required_argument :
		    no_argument;
		p->longopts[n].val = o->val;
		n++;
		if (o->flags & CMD_OPT_SHORT) {
			p->optstring[k++] = (char)o->val;
			if (o->arg != NULL)
				p->optstring[k++] = ':';
		}
		if (o == &cmd_opt_help_row)
			break;
	}
	optind = 1;
}

void
cmd_opt_verbosity(int ch, enum log_level quiet)
{
	log_set_level(ch == 'v' ? LOG_LEVEL_DEBUG : quiet);
}

int
cmd_opt_parse(struct cmd_opt_parser *p, int argc, char **argv)
{
	/* getopt_long says what is wrong itself, naming argv[0]. */
	return getopt_long(argc, argv, p->optstring, p->longopts, NULL);
}

const struct cmd_entry *
cmd_find(const char *name)
{
	for (const struct cmd_entry *c = cmd_table; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* "omniwatch watch -c FILE [OPTION]..." */
static void
cmd_opt_synopsis(const struct cmd_entry *c, FILE *fp)
{
	fprintf(fp, "omniwatch %s", c->name);
	for (const struct cmd_opt *o = c->opts; o->name != NULL; o++) {
		if (!(o->flags & CMD_OPT_REQUIRED))
			continue;
		if (o->flags & CMD_OPT_SHORT)
			fprintf(fp, " -%c", o->val);
		else
			fprintf(fp, " --%s", o->name);
		if (o->arg != NULL)
			fprintf(fp, " %s", o->arg);
	}
	fprintf(fp, " [OPTION]...%s%s\n", c->operands[0] != '\0' ? " " : "",
	    c->operands);
}

/* Prints TEXT from column COL, wrapped at spaces within CMD_OPT_WIDTH. */
static void
cmd_opt_wrap(const char *text, int col, FILE *fp)
{
	size_t room = CMD_OPT_WIDTH - CMD_OPT_HELP_COLUMN;

	while (*text != '\0') {
		size_t n = strlen(text), cut = n;

		if (n > room) {
			for (cut = room; cut > 0 && text[cut] != ' '; cut--)
				;
			if (cut == 0)	/* one word longer than the room */
				cut = strcspn(text, " ");
		}
		fprintf(fp, "%*s%.*s\n", CMD_OPT_HELP_COLUMN - col, "", (int)cut,
		    text);
		col = 0;
		text += cut;
		while (*text == ' ')
			text++;
	}
}

static void
cmd_opt_print(const struct cmd_opt *o, FILE *fp)
{
	char text[256];
	int col;

	if (o->flags & CMD_OPT_SHORT)
		col = fprintf(fp, "  -%c, --%s", o->val, o->name);
	else
		col = fprintf(fp, "      --%s", o->name);
	if (o->arg != NULL)
		col += fprintf(fp, " %s", o->arg);
	if (col >= CMD_OPT_HELP_COLUMN - 1) {
		fputc('\n', fp);
		col = 0;
	}
	snprintf(text, sizeof(text), "%s%s", o->help,
	    (o->flags & CMD_OPT_REPEAT) ? " (repeatable)" : "");
	cmd_opt_wrap(text, col, fp);
}

static void
cmd_opt_help_one(const struct cmd_entry *c, FILE *fp)
{
	fprintf(fp, "usage: ");
	cmd_opt_synopsis(c, fp);
	fprintf(fp, "%s\n", c->summary);
	for (const struct cmd_opt *o = c->opts; o->name != NULL; o++)
		cmd_opt_print(o, fp);
	cmd_opt_print(&cmd_opt_help_row, fp);
}

int
cmd_usage(const char *name)
{
	const struct cmd_entry *c = cmd_find(name);

	if (c == NULL)
		abort();	/* every caller names its own command */
	fprintf(stderr, "usage: ");
	cmd_opt_synopsis(c, stderr);
	fprintf(stderr, "Try 'omniwatch help %s' for the options, 'man "
	    "omniwatch' for the details.\n", c->name);
	return CMD_EXIT_USAGE;
}

void
cmd_unexpected(const char *name, const char *arg, const char *why)
{
	fprintf(stderr, "omniwatch%s%s: unexpected argument '%s'; %s\n",
	    name != NULL ? " " : "", name != NULL ? name : "", arg, why);
}

int
cmd_help(const char *name, FILE *fp)
{
	const struct cmd_entry *c;

	if (name != NULL) {
		c = cmd_find(name);
		if (c == NULL) {
			fprintf(stderr, "omniwatch help: unknown command '%s'; "
			    "try 'omniwatch help'\n", name);
			return CMD_EXIT_USAGE;
		}
		cmd_opt_help_one(c, fp);
		fprintf(fp, "See 'man omniwatch' for the details.\n");
		return CMD_EXIT_OK;
	}
	fprintf(fp, "usage: omniwatch COMMAND [OPTION]... [ARGUMENT]...\n"
	    "       omniwatch help [COMMAND]\n"
	    "       omniwatch --version\n"
	    "Count the outcomes of an integration in the logs PM2 writes, "
	    "and watch them.\n");
	for (c = cmd_table; c->name != NULL; c++) {
		fputc('\n', fp);
		cmd_opt_help_one(c, fp);
	}
	fprintf(fp, "\nSee 'man omniwatch' for the details, omniwatch.yaml(5) "
	    "for the configuration\nand omniwatch-patterns(5) for pattern "
	    "sets and the JSON report.\n");
	return CMD_EXIT_OK;
}

/*
 * cmd_scan: `omniwatch scan`, a one-shot count over files, PM2 log
 * directories or stdin.  With no PATH it reads $PM2_HOME/logs, else
 * ~/.pm2/logs, where PM2 keeps them (PM2 7.0.4 lib/Configuration: PM2_HOME
 * defaults to ~/.pm2), and PM2's own log beside them (PM2_HOME/pm2.log)
 * when it is there.
 */
#include "autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_opt_value.h"
#include "config.h"
#include "log.h"
#include "match.h"
#include "path.h"
#include "progress.h"
#include "report.h"
#include "report_html.h"
#include "scan.h"
#include "series.h"
#include "stamp.h"
#include "xmalloc.h"

#define CMD_SCAN_MAX_SETS	32

/* What the report needs beyond the aggregate, fed by the scan's hook. */
struct cmd_scan_extra {
	struct series	*minutes;	/* what the steps are made of */
	struct series	*hours;		/* JSON's "hours", HTML's worst */
	struct series	*steps;		/* at --step */
	struct report_html_samples *samples;	/* HTML */
	struct progress	*progress;	/* stderr is a terminal */
	uint64_t	 done;		/* bytes read so far, all files */
};

const struct cmd_opt cmd_scan_opts[] = {
	{ "patterns", 'p', CMD_OPT_SHORT | CMD_OPT_REPEAT, "NAME|FILE",
	    "a pattern set, by name or file (default omni)" },
	CMD_ROWS_REPORT("count records stamped at or after TIME (2026-11-29, "
	    "24h)", "count records stamped before TIME"),
	{ "max-line", 'L', 0, "BYTES", "cut longer lines at BYTES (default "
	    "1MiB)" },
	{ "jobs", 'J', 0, "N", "read up to N files at once (default: the "
	    "CPUs, at most 8)" },
	CMD_ROWS_REPORT_END,
};

static void
cmd_scan_outcome(void *ctx, const char *path,
    const struct pipeline_outcome *o)
{
	struct cmd_scan_extra *x = ctx;

	report_html_samples_note(x->samples, path, o);
}

static void
cmd_scan_read(void *ctx, const char *path, uint64_t bytes)
{
	struct cmd_scan_extra *x = ctx;

	x->done += bytes;
	progress_set(x->progress, x->done, path);
}

/*
 * Files read at once by default: the CPUs this process may run on
 * (sched_getaffinity(2), which a container's cpuset narrows), at most 8:
 * past that the page cache, not the CPU, is what limits a scan.
 */
static size_t
cmd_scan_default_jobs(void)
{
	cpu_set_t cpus;
	int n = 0;

	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
		n = CPU_COUNT(&cpus);
	if (n < 1)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > 8 ? 8 : (size_t)n;
}

/* Writes the report in FORMAT.  Returns 0 or -1. */
static int
cmd_scan_report(struct scan *s, const struct cmd_scan_extra *x,
    enum report_format format, int argc, char **argv, FILE *fp)
{
	struct report_html html;
	json_t *root;
	char *source = NULL;
	int rc = 0;

	switch (format) {
	case REPORT_TEXT:
		report_write_text(s->agg, s, x->steps, fp);
		break;
	case REPORT_JSON:
		root = report_json(s->agg, s);
		report_json_add_hours(root, x->hours);
		report_json_add_steps(root, x->steps);
		rc = report_json_dump(root, fp);
		json_decref(root);
		break;
	case REPORT_HTML:
		for (int i = 0; i < argc && i < 4; i++) {
			char *prev = source;

			source = xasprintf("%s %s", prev != NULL ? prev :
			    "read", argv[i]);
			free(prev);
		}
		if (argc > 4) {
			char *prev = source;

			source = xasprintf("%s and %d more", prev, argc - 4);
			free(prev);
		}
		memset(&html, 0, sizeof(html));
		html.command = "scan";
		html.source = source;
		html.since_ms = s->opts.since;
		html.until_ms = s->opts.until;
		html.now_ms = stamp_now_ms();
		html.agg = s->agg;
		html.series = x->hours;
		html.steps = x->steps;
		html.scan = s;
		html.samples = x->samples;
		html.pm2 = s->pm2.apps;
		rc = report_html_write(&html, fp);
		free(source);
		break;
	}
	return rc;
}

/* What scan's own options asked for. */
struct cmd_scan_args {
	const char	*names[CMD_SCAN_MAX_SETS];	/* -p, in order */
	size_t		 nnames;
	size_t		 max_line;	/* --max-line, bytes; 0: the default */
	size_t		 jobs;		/* --jobs; 0: by the CPUs */
};

/* Scan's own option CH (cmd_report_parse's OWN). */
static int
cmd_scan_opt(void *ctx, int ch, const char *arg)
{
	struct cmd_scan_args *a = ctx;
	unsigned long jobs;
	char *end;

	switch (ch) {
	case 'p':
		if (a->nnames == CMD_SCAN_MAX_SETS) {
			fprintf(stderr, "omniwatch scan: at most %d pattern "
			    "sets\n", CMD_SCAN_MAX_SETS);
			return -1;
		}
		a->names[a->nnames++] = arg;
		return 1;
	case 'L':
		if (config_parse_size(arg, &a->max_line) != 0) {
			fprintf(stderr, "omniwatch scan: --max-line '%s': "
			    "expected a size in bytes (e.g. 65536, 64KiB, "
			    "1MiB)\n", arg);
			return -1;
		}
		return 1;
	case 'J':
		errno = 0;
		jobs = strtoul(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0' || jobs < 1 ||
		    jobs > 64 || arg[0] == '-') {
			fprintf(stderr, "omniwatch scan: --jobs '%s': expected "
			    "a number of files to read at once, 1 to 64\n",
			    arg);
			return -1;
		}
		a->jobs = (size_t)jobs;
		return 1;
	default:
		return 0;
	}
}

int
cmd_scan(int argc, char **argv)
{
	struct cmd_scan_args args;
	struct match_set *sets[CMD_SCAN_MAX_SETS];
	size_t nsets = 0;
	struct pipeline_options opts;
	struct cmd_report_opts ro;
	struct report_output *out;
	struct cmd_scan_extra extra = { NULL, NULL, NULL, NULL, NULL, 0 };
	uint64_t total = 0;
	bool is_written;
	struct scan *s;
	char *err, *home_logs = NULL;
	int rc;

	memset(&args, 0, sizeof(args));
	rc = cmd_report_parse("scan", cmd_scan_opts, argc, argv, cmd_scan_opt,
	    &args, &ro);
	if (rc != CMD_OPT_DONE)
		return rc;
	rc = CMD_EXIT_OK;
	memset(&opts, 0, sizeof(opts));
	opts.since = ro.since_ms;
	opts.until = ro.until_ms;
	opts.max_line = args.max_line;
	if (args.nnames == 0)
		args.names[args.nnames++] = "omni";
	for (size_t i = 0; i < args.nnames; i++) {
		char *path = match_set_find(args.names[i], &err);

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

	out = report_output_open(ro.output, &err);
	if (out == NULL) {
		fprintf(stderr, "omniwatch scan: %s\n", err);
		free(err);
		for (size_t i = 0; i < nsets; i++)
			match_set_free(sets[i]);
		return CMD_EXIT_USAGE;
	}
	s = scan_new(sets, nsets, &opts);
	/* The HTML samples are the first records seen: one file at a time
	 * keeps them the same from run to run. */
	s->jobs = ro.format == REPORT_HTML ? 1 : args.jobs != 0 ? args.jobs :
	    cmd_scan_default_jobs();
	extra.minutes = series_new(sets, nsets, SERIES_MINUTE_MS);
	if (ro.format == REPORT_HTML)
		extra.samples = report_html_samples_new(sets, nsets);
	/* The minutes are counted per file, by the threads that read them
	 * (scan.h); the hook is for HTML's samples only. */
	s->series = extra.minutes;
	s->on_outcome = extra.samples != NULL ? cmd_scan_outcome : NULL;
	s->on_read = cmd_scan_read;
	s->hook_ctx = &extra;
	if (optind == argc) {
		const char *pm2_home = getenv("PM2_HOME");
		const char *home = getenv("HOME");

		char *dir, *daemon;
		struct stat sb;

		if (pm2_home != NULL && *pm2_home != '\0')
			dir = xstrdup(pm2_home);
		else
			dir = path_join(home != NULL && *home != '\0' ? home :
			    "/", ".pm2");
		/* The home itself when PM2's own log is there too. */
		daemon = path_join(dir, "pm2.log");
		if (stat(daemon, &sb) == 0)
			home_logs = xstrdup(dir);
		else
			home_logs = path_join(dir, "logs");
		free(daemon);
		free(dir);
		total = scan_path_size(home_logs);
		/* The error alone ("No such file or directory") does not say
		 * where the path came from, nor what to do on a host without
		 * PM2. */
		if (access(home_logs, F_OK) != 0 && errno == ENOENT)
			fprintf(stderr, "omniwatch scan: no PM2 logs at %s (%s); "
			    "set PM2_HOME to the PM2 home of the apps, or give "
			    "the logs: omniwatch scan DIR|FILE...\n", home_logs,
			    pm2_home != NULL && *pm2_home != '\0' ?
			    "$PM2_HOME/logs" : "PM2_HOME is not set: ~/.pm2/logs");
	}
	for (int i = optind; i < argc; i++)
		total += scan_path_size(argv[i]);
	extra.progress = progress_new("scan", total, true, NULL, NULL);
	if (optind == argc ? scan_path(s, home_logs) != 0 :
	    scan_paths(s, argv + optind, (size_t)(argc - optind)) != 0)
		rc = CMD_EXIT_INPUT;
	progress_done(extra.progress);
	extra.hours = series_regroup(extra.minutes, SERIES_HOUR_MS);
	extra.steps = series_regroup(extra.minutes, ro.step_ms != 0 ?
	    ro.step_ms : series_step_default(extra.minutes, opts.since,
	    opts.until));
	if (optind == argc)
		is_written = cmd_scan_report(s, &extra, ro.format, 1,
		    &home_logs, report_output_fp(out)) == 0;
	else
		is_written = cmd_scan_report(s, &extra, ro.format,
		    argc - optind, argv + optind, report_output_fp(out)) == 0;
	if (report_output_close(out, is_written, &err) != 0 || !is_written) {
		fprintf(stderr, "omniwatch scan: %s\n", err != NULL ? err :
		    "cannot write the report");
		free(err);
		rc = CMD_EXIT_INPUT;
	}
	series_free(extra.minutes);
	series_free(extra.hours);
	series_free(extra.steps);
	report_html_samples_free(extra.samples);
	scan_free(s);
	for (size_t i = 0; i < nsets; i++)
		match_set_free(sets[i]);
	free(home_logs);
	return rc;
}

/*
 * cmd_summary: `omniwatch summary`, the report of what `omniwatch watch`
 * has counted, read from its state (the committed transactions only) while
 * it runs or after it stopped.  The config says where the state is and
 * which pattern sets to report; the counts come from the state's
 * per-minute buckets, so --since and --until have a resolution of a minute.
 *
 * --post NAME also sends the summary, once, to a receiver of the config
 * (webhook_oneshot_*): a slack receiver gets {"text": the text report}, a
 * json receiver the document --json prints.  The report is written first,
 * as without --post; a receiver that does not answer 2xx makes the exit
 * status 1, as unreadable input does.
 */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aggregate.h"
#include "cmd.h"
#include "config.h"
#include "log.h"
#include "match.h"
#include "report.h"
#include "report_pm2.h"
#include "progress.h"
#include "report_html.h"
#include "report_probe.h"
#include "series.h"
#include "stamp.h"
#include "state.h"
#include "summary.h"
#include "summary_view.h"
#include "utf8_json.h"
#include "webhook.h"
#include "xmalloc.h"

static void
cmd_summary_count_bucket(void *ctx, const struct state_count *c)
{
	(void)c;
	(*(uint64_t *)ctx)++;
}

/*
 * True when ST holds nothing watch counted: no file committed and no
 * bucket, as before watch's first commit, or after a watch whose sources
 * matched nothing.  A report of
 * zeros would then read as "no failures"; the user is told instead.
 */
static bool
cmd_summary_is_empty(struct state *st)
{
	struct state_file *files;
	size_t n;
	uint64_t nbuckets = 0;

	if (state_files_load(st, &files, &n) != 0)
		return false;	/* the buckets' reader will say what is wrong */
	state_files_free(files, n);
	if (n > 0)
		return false;
	if (state_buckets(st, STAMP_NONE, STAMP_NONE, cmd_summary_count_bucket,
	    &nbuckets) != 0)
		return false;
	return nbuckets == 0;
}

const struct cmd_opt cmd_summary_opts[] = {
	{ "config", 'c', CMD_OPT_SHORT | CMD_OPT_REQUIRED, "FILE",
	    "the configuration watch runs with (omniwatch.yaml(5))" },
	CMD_ROW_FORMAT,
	CMD_ROW_JSON,
	CMD_ROW_OUTPUT,
	{ "since", 's', 0, "TIME", "count minutes at or after TIME "
	    "(2026-11-29, 24h)" },
	{ "until", 'u', 0, "TIME", "count minutes before TIME" },
	{ "step", 'S', 0, "DURATION", "count per step of DURATION, 1m to 1d "
	    "(default 1m up to 6h of range, else 1h)" },
	{ "post", 'P', 0, "RECEIVER", "also POST the summary to this "
	    "receiver of the configuration" },
	CMD_ROW_VERBOSE,
	CMD_ROW_QUIET,
	{ NULL, 0, 0, NULL, NULL },
};

/* Loads the config's pattern sets into *SETS.  Returns 0 or -1 (printed). */
static int
cmd_summary_sets(const struct config *cfg, struct match_set ***sets)
{
	char *err = NULL;
	bool not_found = false;

	if (match_sets_load(cfg->pattern_sets, cfg->npattern_sets, sets, &err,
	    &not_found) == 0)
		return 0;
	if (not_found)
		fprintf(stderr, "omniwatch summary: %s: pattern_sets: %s\n",
		    cfg->path, err);
	else
		fprintf(stderr, "omniwatch summary: %s\n", err);
	free(err);
	return -1;
}

/*
 * The receiver named NAME of CFG, if it takes a summary.  Returns NULL
 * after saying why (none of that name: the names there are; a format
 * other than slack or json).
 */
static const struct config_receiver *
cmd_summary_receiver(const struct config *cfg, const char *name)
{
	const struct config_receiver *r = config_receiver_find(cfg, name);
	static const char *const formats[] = { "json", "slack",
	    "alertmanager" };

	if (r == NULL) {
		fprintf(stderr, "omniwatch summary: --post '%s': %s has no "
		    "receiver of that name; ", name, cfg->path);
		if (cfg->nreceivers == 0)
			fprintf(stderr, "it configures none (see receivers "
			    "in omniwatch.yaml(5))\n");
		else {
			fprintf(stderr, "it configures");
			for (size_t i = 0; i < cfg->nreceivers; i++)
				fprintf(stderr, "%s '%s'", i == 0 ? "" : ",",
				    cfg->receivers[i].name);
			fputc('\n', stderr);
		}
		return NULL;
	}
	if (r->format != CONFIG_FORMAT_SLACK &&
	    r->format != CONFIG_FORMAT_JSON) {
		fprintf(stderr, "omniwatch summary: --post '%s': the receiver's "
		    "format is %s; a summary goes to slack or json receivers "
		    "only\n", name, formats[r->format]);
		return NULL;
	}
	return r;
}

/*
 * The body of --post for receiver R: {"text": the text report} for slack,
 * the --json document for json.  Returns a malloc'd string of *LEN bytes.
 */
static char *
cmd_summary_body(const struct config_receiver *r,
    const struct summary_view *v, size_t *len)
{
	json_t *doc;
	char *text = NULL, *s;
	size_t text_len = 0;
	FILE *fp;

	if (r->format == CONFIG_FORMAT_SLACK) {
		fp = open_memstream(&text, &text_len);
		if (fp == NULL)
			abort();	/* only out of memory */
		report_write_text(v->agg, NULL, v->steps, fp);
		report_pm2_write_text(fp, v->pm2);
		report_probes_text(v->probes, fp);
		fclose(fp);
		doc = json_object();
		json_object_set_new(doc, "text", utf8_json_string(text,
		    text_len));
		free(text);
	} else
		doc = summary_view_json(v);
	s = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(doc);
	if (s == NULL)
		abort();	/* only out of memory */
	*len = strlen(s);
	return s;
}

/* Writes the report in FORMAT to FP.  Returns 0 or -1. */
static int
cmd_summary_report(const struct config *cfg, const struct summary_view *v,
    enum report_format format, time_t now, FILE *fp)
{
	struct report_html html;
	json_t *root;
	char *source;
	int rc = 0;

	switch (format) {
	case REPORT_TEXT:
		report_write_text(v->agg, NULL, v->steps, fp);
		report_pm2_write_text(fp, v->pm2);
		report_probes_text(v->probes, fp);
		break;
	case REPORT_JSON:
		root = summary_view_json(v);
		rc = report_json_dump(root, fp);
		json_decref(root);
		break;
	case REPORT_HTML:
		memset(&html, 0, sizeof(html));
		html.command = "summary";
		source = xasprintf("state of %s", cfg->path);
		html.source = source;
		html.since_ms = v->since_ms;
		html.until_ms = v->until_ms;
		html.now_ms = (int64_t)now * 1000;
		html.agg = v->agg;
		html.series = v->hours;
		html.steps = v->steps;
		html.pm2 = v->pm2;
		html.probes = v->probes;
		rc = report_html_write(&html, fp);
		free(source);
		break;
	}
	return rc;
}

int
cmd_summary(int argc, char **argv)
{
	struct cmd_opt_parser op;
	const char *config_path = NULL;
	struct config *cfg;
	struct match_set **sets = NULL;
	struct summary_view *view = NULL;
	struct state *st = NULL;
	int64_t since = STAMP_NONE, until = STAMP_NONE;
	enum report_format format = REPORT_TEXT;
	const char *output = NULL, *post = NULL;
	const struct config_receiver *receiver = NULL;
	struct webhook_oneshot *oneshot = NULL;
	struct report_output *rout = NULL;
	struct progress *progress;
	int64_t step = 0;
	const char *why;
	bool is_written;
	char *err, *body;
	size_t body_len;
	int ch, rc = CMD_EXIT_OK;
	time_t now = time(NULL);

	cmd_opt_init(&op, cmd_summary_opts);
	while ((ch = cmd_opt_parse(&op, argc, argv)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'j':
			format = REPORT_JSON;
			break;
		case 'f':
			if (report_format_parse(optarg, &format) != 0) {
				fprintf(stderr, "omniwatch summary: --format "
				    "'%s': expected text, json or html\n",
				    optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'P':
			post = optarg;
			break;
		case 's':
		case 'u':
			if (stamp_parse_arg(optarg, now, ch == 's' ? &since :
			    &until) != 0) {
				fprintf(stderr, "omniwatch summary: --%s '%s': "
				    "expected a date (2026-11-29, 2026-11-29 "
				    "10:00[:00], 2026-11-29T10:00:00Z) or a "
				    "duration (90s, 15m, 24h, 7d)\n",
				    ch == 's' ? "since" : "until", optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		case 'S':
			if (series_step_parse(optarg, &step, &why) != 0) {
				fprintf(stderr, "omniwatch summary: --step '%s': "
				    "%s\n", optarg, why);
				return CMD_EXIT_USAGE;
			}
			break;
		case 'v':
		case 'q':
			cmd_opt_verbosity(ch, LOG_LEVEL_ERROR);
			break;
		case 'h':
			return cmd_help("summary", stdout);
		default:
			return cmd_usage("summary");
		}
	}
	if (since != STAMP_NONE && until != STAMP_NONE && since >= until) {
		fprintf(stderr, "omniwatch summary: --since must be before "
		    "--until\n");
		return CMD_EXIT_USAGE;
	}
	if (optind != argc) {
		fprintf(stderr, "omniwatch summary: unexpected argument '%s'; "
		    "the sources are in the config\n", argv[optind]);
		return cmd_usage("summary");
	}
	if (config_path == NULL) {
		fprintf(stderr, "omniwatch summary: no config; give the one "
		    "omniwatch watch uses with -c FILE\n");
		return cmd_usage("summary");
	}

	cfg = config_load(config_path, &err);
	if (cfg == NULL) {
		fprintf(stderr, "omniwatch summary: %s\n", err);
		free(err);
		return CMD_EXIT_USAGE;
	}
	if (cmd_summary_sets(cfg, &sets) != 0) {
		config_free(cfg);
		return CMD_EXIT_USAGE;
	}
	/* The receiver is checked before anything is read or written. */
	if (post != NULL) {
		receiver = cmd_summary_receiver(cfg, post);
		if (receiver == NULL) {
			rc = CMD_EXIT_USAGE;
			goto out;
		}
		oneshot = webhook_oneshot_new(receiver, &err);
		if (oneshot == NULL) {
			fprintf(stderr, "omniwatch summary: %s\n", err);
			free(err);
			rc = CMD_EXIT_USAGE;
			goto out;
		}
	}
	rout = report_output_open(output, &err);
	if (rout == NULL) {
		fprintf(stderr, "omniwatch summary: %s\n", err);
		free(err);
		rc = CMD_EXIT_USAGE;
		goto out;
	}
	st = state_open(cfg->state_dir, true, &err);
	if (st == NULL) {
		fprintf(stderr, "omniwatch summary: %s\n", err);
		free(err);
		rc = CMD_EXIT_INPUT;
		goto out;
	}
	if (cmd_summary_is_empty(st)) {
		fprintf(stderr, "omniwatch summary: the state in %s holds no "
		    "counts yet: watch has committed no file (it has just "
		    "started, or its sources have no logs); check the sources "
		    "with omniwatch watch -c %s --check\n", cfg->state_dir,
		    config_path);
		rc = CMD_EXIT_INPUT;
		goto out;
	}
	progress = progress_new("summary", 0, false, "bucket",
	    "buckets");
	view = summary_view_load(st, sets, cfg->npattern_sets, since, until,
	    step, progress);
	progress_done(progress);
	if (view == NULL) {
		rc = CMD_EXIT_INPUT;
		goto out;
	}
	is_written = cmd_summary_report(cfg, view, format, now,
	    report_output_fp(rout)) == 0;
	if (report_output_close(rout, is_written, &err) != 0 || !is_written) {
		fprintf(stderr, "omniwatch summary: %s\n", err != NULL ? err :
		    "cannot write the report");
		free(err);
		rc = CMD_EXIT_INPUT;
	}
	rout = NULL;
	if (oneshot != NULL) {
		body = cmd_summary_body(receiver, view, &body_len);
		if (webhook_oneshot_post(oneshot, body, body_len, &err) != 0) {
			fprintf(stderr, "omniwatch summary: --post: %s\n", err);
			free(err);
			rc = CMD_EXIT_INPUT;
		}
		free(body);
	}

out:
	webhook_oneshot_free(oneshot);
	if (rout != NULL)
		report_output_close(rout, false, &err);
	summary_view_free(view);
	state_close(st);
	match_sets_free(sets, cfg->npattern_sets);
	config_free(cfg);
	return rc;
}

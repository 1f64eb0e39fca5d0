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
#include "cmd_opt_value.h"
#include "config.h"
#include "log.h"
#include "match.h"
#include "report.h"
#include "report_pm2.h"
#include "progress.h"
#include "report_html.h"
#include "report_probe.h"
#include "series.h"
#include "service.h"
#include "stamp.h"
#include "state.h"
#include "summary.h"
#include "summary_view.h"
#include "utf8_json.h"
#include "watch_check.h"
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
	CMD_ROWS_REPORT("count minutes at or after TIME (2026-11-29, 24h)",
	    "count minutes before TIME"),
	{ "post", 'P', 0, "RECEIVER", "also POST the summary to this "
	    "receiver of the configuration" },
	CMD_ROWS_REPORT_END,
};

/* Loads the config's pattern sets into *SETS.  Returns 0 or -1 (printed). */
static int
cmd_summary_sets(const struct config *cfg, struct match_set ***sets)
{
	char *err = NULL;

	if (match_sets_load(cfg->path, cfg->pattern_sets, cfg->npattern_sets,
	    sets, &err) == 0)
		return 0;
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

/* The text report's first lines when watch is not counting (V->blind),
 * PM2 cannot log (V->cannot_log), watch counts with another config
 * (V->config_changed), or PM2 stamps in another zone (V->skewed). */
static void
cmd_summary_blind_text(const struct summary_view *v, FILE *fp)
{
	if (v->blind != NULL)
		fprintf(fp, "WARNING: %s: the counts below stop there\n",
		    v->blind);
	if (v->cannot_log != NULL)
		fprintf(fp, "WARNING: %s\n", v->cannot_log);
	if (v->config_changed != NULL)
		fprintf(fp, "WARNING: %s\n", v->config_changed);
	if (v->skewed != NULL)
		fprintf(fp, "WARNING: %s\n", v->skewed);
	if (summary_view_is_warned(v))
		fputc('\n', fp);
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
		cmd_summary_blind_text(v, fp);
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
		cmd_summary_blind_text(v, fp);
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
		summary_view_html(v, &html);
		html.command = "summary";
		source = xasprintf("state of %s", cfg->path);
		html.source = source;
		html.now_ms = (int64_t)now * 1000;
		rc = report_html_write(&html, fp);
		free(source);
		break;
	}
	return rc;
}

/* What summary's own options asked for. */
struct cmd_summary_args {
	const char	*config_path;	/* -c */
	const char	*post;		/* --post RECEIVER */
};

/* Summary's own option CH (cmd_report_parse's OWN). */
static int
cmd_summary_opt(void *ctx, int ch, const char *arg)
{
	struct cmd_summary_args *a = ctx;

	if (ch == 'c')
		a->config_path = arg;
	else if (ch == 'P')
		a->post = arg;
	else
		return 0;
	return 1;
}

int
cmd_summary(int argc, char **argv)
{
	struct cmd_summary_args args = { NULL, NULL };
	struct config *cfg;
	struct match_set **sets = NULL;
	struct summary_view *view = NULL;
	struct state *st = NULL;
	struct cmd_report_opts ro;
	const struct config_receiver *receiver = NULL;
	struct webhook_oneshot *oneshot = NULL;
	struct report_output *rout = NULL;
	struct progress *progress;
	bool is_written;
	char *err, *body;
	size_t body_len, nskewed;
	int64_t last_commit, skew_ms;
	int rc;
	time_t now = time(NULL);

	rc = cmd_report_parse("summary", cmd_summary_opts, argc, argv,
	    cmd_summary_opt, &args, &ro);
	if (rc != CMD_OPT_DONE)
		return rc;
	rc = CMD_EXIT_OK;
	if (optind != argc) {
		cmd_unexpected("summary", argv[optind],
		    "the sources are in the config");
		return cmd_usage("summary");
	}
	if (args.config_path == NULL) {
		fprintf(stderr, "omniwatch summary: no config; give the one "
		    "omniwatch watch uses with -c FILE\n");
		return cmd_usage("summary");
	}

	cfg = config_load(args.config_path, &err);
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
	if (args.post != NULL) {
		receiver = cmd_summary_receiver(cfg, args.post);
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
	rout = report_output_open(ro.output, &err);
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
		    args.config_path);
		rc = CMD_EXIT_INPUT;
		goto out;
	}
	progress = progress_new("summary", 0, false, "bucket",
	    "buckets");
	view = summary_view_load(st, sets, cfg->npattern_sets, ro.since_ms,
	    ro.until_ms, ro.step_ms, progress);
	progress_done(progress);
	if (view == NULL) {
		rc = CMD_EXIT_INPUT;
		goto out;
	}
	/*
	 * A report of a watch that is down would read as all quiet: it says
	 * so first, in every format and in what --post sends (standard
	 * error stays for what went wrong in summary itself).  The exit
	 * status stays 0: the report is what was committed, and reading a
	 * stopped watch's state is a use of its own; check is the one that
	 * goes CRITICAL.
	 */
	if (state_meta_get(st, "last_commit_ms", &last_commit) != 0)
		last_commit = STAMP_NONE;
	(void)service_watch_status(cfg->state_dir, cfg->path,
	    (int64_t)now * 1000, last_commit, cfg->commit_ms, false,
	    &view->blind);
	view->config_changed = summary_config_changed(st, cfg->digest, sets,
	    cfg->npattern_sets, cfg->path);
	/* The rule check and watch use: the counts below sit that far off. */
	view->skewed = watch_check_skewed_logs(cfg, st, false, &nskewed,
	    &skew_ms);
	/* Nor does a report of a time PM2 could not log read as quiet. */
	view->cannot_log = watch_check_cannot_log(cfg, st, (int64_t)now *
	    1000);
	is_written = cmd_summary_report(cfg, view, ro.format, now,
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

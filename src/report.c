/*
 * report: see report.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plural.h"
#include "report.h"
#include "report_pm2.h"
#include "stamp.h"
#include "utf8.h"
#include "utf8_json.h"
#include "xmalloc.h"

json_t *
report_json_time(int64_t ms)
{
	char buf[STAMP_BUFLEN];

	if (ms == STAMP_NONE)
		return json_null();
	stamp_format(ms, buf);
	return json_string(buf);
}

/*
 * The counts of a whole range or of one step into O: failures, successes,
 * damaged, the failure rate (RATE < 0: none, null) and one count per
 * failure class of SET (CLASSES: one per entry of SET->failure).
 */
static void
report_json_tally(json_t *o, const struct match_set *set, uint64_t failures,
    uint64_t successes, uint64_t damaged, const uint64_t *classes,
    double rate)
{
	json_t *by_class = json_object();

	json_object_set_new(o, "failures", json_integer((json_int_t)failures));
	json_object_set_new(o, "successes",
	    json_integer((json_int_t)successes));
	json_object_set_new(o, "damaged", json_integer((json_int_t)damaged));
	json_object_set_new(o, "failure_rate", rate < 0 ? json_null() :
	    json_real(rate));
	/* Class names are unique in a set (match_load.c). */
	for (size_t i = 0; i < set->nfailure; i++)
		json_object_set_new(by_class, set->failure[i].name,
		    json_integer((json_int_t)classes[i]));
	json_object_set_new(o, "classes", by_class);
}

static json_t *
report_json_counts(const struct match_set *set,
    const struct aggregate_counts *c)
{
	json_t *o = json_object();

	report_json_tally(o, set, c->failures, c->successes, c->damaged,
	    c->classes, aggregate_failure_rate(c));
	json_object_set_new(o, "first", report_json_time(c->first));
	json_object_set_new(o, "last", report_json_time(c->last));
	return o;
}

static json_t *
report_json_first(const struct pipeline_first *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "line", json_integer((json_int_t)f->line));
	json_object_set_new(o, "offset", json_integer((json_int_t)f->offset));
	json_object_set_new(o, "time", report_json_time(f->ts_ms));
	json_object_set_new(o, "excerpt", utf8_json_string(f->excerpt,
	    strlen(f->excerpt)));
	if (f->captures_len > 0) {
		json_t *caps = json_object();

		for (size_t k = 0; k < f->captures_len;) {
			const char *name = f->captures + k;
			const char *value = name + strlen(name) + 1;

			json_object_set_new(caps, name, utf8_json_string(value,
			    strlen(value)));
			k = (size_t)(value + strlen(value) + 1 - f->captures);
		}
		json_object_set_new(o, "captures", caps);
	}
	return o;
}

/* An app's counts, with "instances": {"ID": counts} of a cluster app. */
static json_t *
report_json_app(const struct match_set *set, const struct aggregate_app *a)
{
	json_t *o = report_json_counts(set, &a->counts), *inst;
	char id[16];

	if (a->ninstances == 0)
		return o;
	inst = json_object();
	for (size_t k = 0; k < a->ninstances; k++) {
		snprintf(id, sizeof(id), "%d", a->instances[k].id);
		json_object_set_new(inst, id,
		    report_json_counts(set, &a->instances[k].counts));
	}
	json_object_set_new(o, "instances", inst);
	return o;
}

json_t *
report_json(const struct aggregate *agg, const struct scan *s)
{
	json_t *root = json_object(), *sets = json_object();
	json_t *files = json_array(), *errors = json_array();

	for (size_t i = 0; i < agg->nsets; i++) {
		const struct aggregate_set *as = &agg->sets[i];
		json_t *o = report_json_counts(as->set, &as->total);
		json_t *apps = json_object();
		json_t *diag = json_object();

		for (size_t j = 0; j < as->napps; j++) {
			size_t n;
			char *key = utf8_clean(as->apps[j].name,
			    strlen(as->apps[j].name), &n);

			/* jansson refuses keys that are not valid UTF-8. */
			json_object_set_new(apps, key,
			    report_json_app(as->set, &as->apps[j]));
			free(key);
		}
		json_object_set_new(o, "apps", apps);
		for (size_t c = 0; c < as->set->nfailure; c++)
			if (as->set->failure[c].diagnosis != NULL)
				json_object_set_new(diag,
				    as->set->failure[c].name,
				    json_string(as->set->failure[c].diagnosis));
		json_object_set_new(o, "diagnoses", diag);
		json_object_set_new(sets, as->set->name, o);
	}
	json_object_set_new(root, "pattern_sets", sets);
	if (s != NULL)
		report_pm2_json_add(root, s->pm2.apps);
	json_object_set_new(root, "files", files);
	json_object_set_new(root, "errors", errors);
	if (s == NULL)
		return root;

	for (size_t i = 0; i < s->nfiles; i++) {
		const struct scan_file *f = &s->files[i];
		json_t *o = json_object(), *firsts = json_object();

		json_object_set_new(o, "path", utf8_json_string(f->path,
		    strlen(f->path)));
		json_object_set_new(o, "app", utf8_json_string(f->app,
		    strlen(f->app)));
		json_object_set_new(o, "gzip", json_boolean(f->is_gz));
		json_object_set_new(o, "bytes", json_integer((json_int_t)f->bytes));
		json_object_set_new(o, "decompressed_bytes",
		    json_integer((json_int_t)f->decompressed_bytes));
		json_object_set_new(o, "records",
		    json_integer((json_int_t)f->stats.records));
		json_object_set_new(o, "cut_lines",
		    json_integer((json_int_t)f->stats.cut_lines));
		json_object_set_new(o, "nul_bytes",
		    json_integer((json_int_t)f->stats.nul_bytes));
		for (size_t j = 0; j < s->nsets; j++) {
			const struct match_set *set = s->sets[j];
			json_t *per = json_object();

			for (size_t c = 0; c <= set->nfailure + 1; c++) {
				const struct pipeline_first *fi =
				    scan_file_first(s, f, j, c);
				const char *name = c < set->nfailure ?
				    set->failure[c].name : c == set->nfailure ?
				    "damaged" : "success";

				if (fi->is_set && json_object_get(per, name) ==
				    NULL)
					json_object_set_new(per, name,
					    report_json_first(fi));
			}
			json_object_set_new(firsts, set->name, per);
		}
		json_object_set_new(o, "first", firsts);
		json_array_append_new(files, o);
	}

	for (size_t i = 0; i < s->nerrors; i++) {
		const struct scan_error *e = &s->errors[i];
		json_t *o = json_object();

		json_object_set_new(o, "path", utf8_json_string(e->path,
		    strlen(e->path)));
		json_object_set_new(o, "offset", json_integer((json_int_t)e->offset));
		json_object_set_new(o, "message", utf8_json_string(e->message,
		    strlen(e->message)));
		json_array_append_new(errors, o);
	}
	return root;
}

int
report_write_json(const struct aggregate *agg, const struct scan *s,
    FILE *fp)
{
	json_t *root = report_json(agg, s);
	int rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(6));

	json_decref(root);
	fputc('\n', fp);
	return rc;
}

/*
 * Writes log text to a terminal-bound report: control characters (ESC
 * sequences can set a terminal's title or clear it) are shown as '?'.
 */
static void
report_text_safe(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, fp);
}

/* "3 failures, 2 successes, 0 damaged, failure rate 60.0%" and a newline. */
static void
report_text_tally(FILE *fp, const struct aggregate_counts *c)
{
	double rate = aggregate_failure_rate(c);

	fprintf(fp, "%llu %s, %llu %s, %llu damaged",
	    (unsigned long long)c->failures,
	    plural(c->failures, "failure", "failures"),
	    (unsigned long long)c->successes,
	    plural(c->successes, "success", "successes"),
	    (unsigned long long)c->damaged);
	if (rate < 0)
		fprintf(fp, ", failure rate n/a\n");
	else
		fprintf(fp, ", failure rate %.1f%%\n", rate * 100.0);
}

static void
report_text_counts(FILE *fp, const char *indent, const struct match_set *set,
    const struct aggregate_counts *c, bool with_diagnosis)
{
	char first[STAMP_BUFLEN], last[STAMP_BUFLEN];

	fputs(indent, fp);
	report_text_tally(fp, c);
	for (size_t i = 0; i < set->nfailure; i++) {
		if (c->classes[i] == 0 && !with_diagnosis)
			continue;
		fprintf(fp, "%s  %-20s %llu", indent, set->failure[i].name,
		    (unsigned long long)c->classes[i]);
		if (with_diagnosis && set->failure[i].diagnosis != NULL &&
		    c->classes[i] > 0)
			fprintf(fp, "  (%s)", set->failure[i].diagnosis);
		fputc('\n', fp);
	}
	if (c->first != STAMP_NONE) {
		stamp_format(c->first, first);
		stamp_format(c->last, last);
		fprintf(fp, "%s  first %s, last %s\n", indent, first, last);
	}
}

/*
 * A cluster instance on one line, "    instance 2: 3 failures, 0
 * successes, 0 damaged, failure rate 100.0%", so that the failing one of
 * three stands out in a column.
 */
static void
report_text_instance(FILE *fp, int id, const struct aggregate_counts *c)
{
	fprintf(fp, "    instance %d: ", id);
	report_text_tally(fp, c);
}

/* One line of report_text_steps: ST of SET, under WHEN. */
static void
report_text_step(FILE *fp, const char *when, const struct match_set *set,
    const struct series_step *st)
{
	const char *sep = ": ";

	fprintf(fp, "    %-20s  %llu %s, %llu %s, failure rate %.1f%%",
	    when, (unsigned long long)st->failures,
	    plural(st->failures, "failure", "failures"),
	    (unsigned long long)st->successes,
	    plural(st->successes, "success", "successes"),
	    series_step_rate(st) * 100.0);
	for (size_t c = 0; c < set->nfailure; c++) {
		if (st->classes[c] == 0)
			continue;
		fprintf(fp, "%s%s %llu", sep, set->failure[c].name,
		    (unsigned long long)st->classes[c]);
		sep = ", ";
	}
	fputc('\n', fp);
}

/*
 * The steps of SS that hold failures, one a line: "    2026-11-29T10:01:00Z
 * 3 failures, 2 successes, failure rate 60.0%: timeout 2, refused 1", so
 * that the minutes of an incident read down a column; then, when records
 * without a stamp hold failures, one "    undated ..." line for them, so
 * that the lines add up to the failures above.
 */
static void
report_text_steps(FILE *fp, const struct series_set *ss, int64_t step_ms)
{
	char when[STAMP_BUFLEN], name[24];
	bool any = false;

	for (size_t i = 0; i <= ss->nsteps; i++) {
		const struct series_step *st = i < ss->nsteps ?
		    &ss->steps[i] : &ss->undated;

		if (st->failures == 0)
			continue;
		if (!any)
			fprintf(fp, "  steps with failures (%s, UTC):\n",
			    series_step_name(step_ms, name));
		any = true;
		if (i < ss->nsteps)
			stamp_format(st->start_ms, when);
		else
			snprintf(when, sizeof(when), "undated");
		report_text_step(fp, when, ss->set, st);
	}
}

void
report_write_text(const struct aggregate *agg, const struct scan *s,
    const struct series *steps, FILE *fp)
{
	for (size_t i = 0; i < agg->nsets; i++) {
		const struct aggregate_set *as = &agg->sets[i];

		fprintf(fp, "pattern set %s", as->set->name);
		if (as->set->description != NULL)
			fprintf(fp, " (%s)", as->set->description);
		fprintf(fp, "\n");
		report_text_counts(fp, "  ", as->set, &as->total, true);
		for (size_t j = 0; j < as->napps; j++) {
			const struct aggregate_app *a = &as->apps[j];

			fprintf(fp, "  app %s:\n", a->name);
			report_text_counts(fp, "    ", as->set, &a->counts,
			    false);
			for (size_t k = 0; k < a->ninstances; k++)
				report_text_instance(fp, a->instances[k].id,
				    &a->instances[k].counts);
		}
		if (steps != NULL)
			report_text_steps(fp, &steps->sets[i], steps->step_ms);
	}
	if (s == NULL)
		return;
	report_pm2_write_text(fp, s->pm2.apps);
	if (s->nfiles > 0)
		fprintf(fp, "files:\n");
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct scan_file *f = &s->files[i];

		fprintf(fp, "  %s: %llu %s%s, %llu %s", f->path,
		    (unsigned long long)f->bytes,
		    plural(f->bytes, "byte", "bytes"),
		    f->is_gz ? " (gzip)" : "",
		    (unsigned long long)f->stats.records,
		    plural(f->stats.records, "record", "records"));
		if (f->stats.cut_lines > 0)
			fprintf(fp, ", %llu %s cut",
			    (unsigned long long)f->stats.cut_lines,
			    plural(f->stats.cut_lines, "line", "lines"));
		if (f->stats.nul_bytes > 0)
			fprintf(fp, ", %llu NUL %s skipped",
			    (unsigned long long)f->stats.nul_bytes,
			    plural(f->stats.nul_bytes, "byte", "bytes"));
		fputc('\n', fp);
		for (size_t j = 0; j < s->nsets; j++) {
			const struct match_set *set = s->sets[j];

			for (size_t c = 0; c <= set->nfailure; c++) {
				const struct pipeline_first *fi =
				    scan_file_first(s, f, j, c);

				if (!fi->is_set)
					continue;
				fprintf(fp, "    first %s at line %llu: ",
				    c < set->nfailure ? set->failure[c].name :
				    "damaged", (unsigned long long)fi->line);
				report_text_safe(fp, fi->excerpt);
				for (size_t k = 0; k < fi->captures_len;) {
					const char *name = fi->captures + k;
					const char *v = name + strlen(name) + 1;

					fprintf(fp, "%s%s=", k == 0 ? " (" :
					    ", ", name);
					report_text_safe(fp, v);
					k = (size_t)(v + strlen(v) + 1 -
					    fi->captures);
				}
				fputs(fi->captures_len > 0 ? ")\n" : "\n", fp);
			}
		}
	}
	if (s->nerrors > 0)
		fprintf(fp, "errors:\n");
	for (size_t i = 0; i < s->nerrors; i++)
		fprintf(fp, "  %s: %s\n", s->errors[i].path,
		    s->errors[i].message);
}

int
report_format_parse(const char *arg, enum report_format *out)
{
	if (strcmp(arg, "text") == 0)
		*out = REPORT_TEXT;
	else if (strcmp(arg, "json") == 0)
		*out = REPORT_JSON;
	else if (strcmp(arg, "html") == 0)
		*out = REPORT_HTML;
	else
		return -1;
	return 0;
}

/* One step of SET as a JSON object, its start under KEY. */
static json_t *
report_json_step(const struct match_set *set, const struct series_step *st,
    const char *key)
{
	json_t *o = json_object();
	char buf[STAMP_BUFLEN];

	stamp_format(st->start_ms, buf);
	json_object_set_new(o, key, json_string(buf));
	report_json_tally(o, set, st->failures, st->successes, st->damaged,
	    st->classes, series_step_rate(st));
	return o;
}

/* Adds SERIES to each set of ROOT as the array NAME, each step's start
 * under KEY. */
static void
report_json_add_series(json_t *root, const struct series *series,
    const char *name, const char *key)
{
	json_t *sets = json_object_get(root, "pattern_sets");

	for (size_t i = 0; i < series->nsets; i++) {
		const struct series_set *ss = &series->sets[i];
		json_t *o = json_object_get(sets, ss->set->name);
		json_t *steps;

		if (o == NULL)
			continue;
		steps = json_array();
		for (size_t j = 0; j < ss->nsteps; j++)
			json_array_append_new(steps,
			    report_json_step(ss->set, &ss->steps[j], key));
		json_object_set_new(o, name, steps);
	}
}

void
report_json_add_hours(json_t *root, const struct series *series)
{
	report_json_add_series(root, series, "hours", "hour");
}

void
report_json_add_steps(json_t *root, const struct series *steps)
{
	json_t *sets = json_object_get(root, "pattern_sets");
	char name[24];

	report_json_add_series(root, steps, "steps", "start");
	for (size_t i = 0; i < steps->nsets; i++) {
		json_t *o = json_object_get(sets, steps->sets[i].set->name);

		if (o != NULL)
			json_object_set_new(o, "step", json_string(
			    series_step_name(steps->step_ms, name)));
	}
}

int
report_json_dump(json_t *root, FILE *fp)
{
	int rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(6));

	fputc('\n', fp);
	return rc;
}

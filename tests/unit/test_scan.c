/*
 * test_scan: one-shot scans of files and PM2 log directories (scan.h),
 * through the whole pipeline, and the JSON report of them (report.h).
 *
 * Each test writes its logs and a small pattern set (one failure class,
 * ERROR, as in the field cases) into a scratch directory.  Field cases:
 * K06 (very long lines), K08 (invalid UTF-8), K09 (CRLF, lone CR), K10
 * (multi-member .gz), K11 (truncated and corrupt .gz in one directory).
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <zlib.h>

#include "log.h"
#include "logfile.h"
#include "match.h"
#include "report.h"
#include "scan.h"
#include "stamp.h"
#include "testlib.h"

static char sc_base[256];

/*
 * pthread_create(), wrapped (-Wl,--wrap=pthread_create in Makefile.am) so
 * that a test can refuse threads as a process limit would: after
 * sc_threads_left more, every call fails with EAGAIN.  -1: no limit.
 */
int __real_pthread_create(pthread_t *, const pthread_attr_t *,
    void *(*)(void *), void *);
int __wrap_pthread_create(pthread_t *, const pthread_attr_t *,
    void *(*)(void *), void *);
static int sc_threads_left = -1;

int
__wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr,
    void *(*fn)(void *), void *arg)
{
	if (sc_threads_left == 0)
		return EAGAIN;
	if (sc_threads_left > 0)
		sc_threads_left--;
	return __real_pthread_create(t, attr, fn, arg);
}

static int
sc_setup(void **state)
{
	(void)state;
	/* Errors are expected; keep stderr to real trouble. */
	log_set_level(LOG_LEVEL_ERROR);
	return tl_tmpdir(sc_base, sizeof(sc_base), "test_scan");
}

static int
sc_teardown(void **state)
{
	(void)state;
	return tl_rmtree(sc_base) == 0 ? 0 : -1;
}

/* A fresh directory under the scratch directory for one test. */
static char *
sc_dir(const char *name)
{
	char *d = malloc(512);

	assert_non_null(d);
	snprintf(d, 512, "%s/%s", sc_base, name);
	assert_int_equal(mkdir(d, 0700), 0);
	return d;
}

static char *
sc_path(const char *dir, const char *name)
{
	char *p = malloc(1024);

	assert_non_null(p);
	snprintf(p, 1024, "%s/%s", dir, name);
	return p;
}

#define SC_WRITE(path, s)	tl_write((path), (s), sizeof(s) - 1)

/* A pattern set with one failure class "error" whose regex is REGEX. */
static struct match_set *
sc_set(const char *dir, const char *regex)
{
	char *path = sc_path(dir, "k.yaml"), yaml[256], *err = NULL;
	struct match_set *set;

	snprintf(yaml, sizeof(yaml), "name: k\nfailure:\n  - class: error\n"
	    "    regex: '%s'\n", regex);
	tl_write(path, yaml, strlen(yaml));
	set = match_set_load(path, &err);
	if (set == NULL)
		fail_msg("%s", err);
	free(path);
	return set;
}

static struct scan *
sc_scan_new(struct match_set **set, size_t max_line)
{
	struct pipeline_options opts;

	memset(&opts, 0, sizeof(opts));
	opts.max_line = max_line;
	opts.since = STAMP_NONE;
	opts.until = STAMP_NONE;
	return scan_new(set, 1, &opts);
}

static const struct aggregate_counts *
sc_total(const struct scan *s)
{
	return &s->agg->sets[0].total;
}

/* The report as a JSON text, parsed back: it must be valid JSON. */
static json_t *
sc_json_roundtrip(const struct scan *s)
{
	json_t *doc = report_json(s->agg, s), *back;
	json_error_t jerr;
	char *text;

	assert_non_null(doc);
	text = json_dumps(doc, JSON_INDENT(2));
	assert_non_null(text);
	back = json_loads(text, 0, &jerr);
	if (back == NULL)
		fail_msg("report is not valid JSON: %s (line %d)", jerr.text,
		    jerr.line);
	free(text);
	json_decref(doc);
	return back;
}

/* ------------------------------------------------------------------ */

/* K06: req=1,2,3 counted once; over-long lines cut, flagged, counted. */
static void
sc_k06_file(const char *path)
{
	FILE *fp = fopen(path, "wb");
	char *x = malloc(3145728);

	assert_non_null(fp);
	assert_non_null(x);
	fputs("req=1 ERROR before\n", fp);
	fputs("req=2 ERROR huge ", fp);
	memset(x, 'x', 1048576);
	assert_int_equal(fwrite(x, 1, 1048576, fp), 1048576);
	fputc('\n', fp);
	memset(x, 'y', 3145728);
	assert_int_equal(fwrite(x, 1, 3145728, fp), 3145728);
	fputc('\n', fp);
	fputs("req=3 ERROR after\n", fp);
	assert_int_equal(fclose(fp), 0);
	free(x);
}

static void
test_k06_long_lines(void **state)
{
	char *dir = sc_dir("k06"), *log = sc_path(dir, "demo-api-out.log");
	struct match_set *set = sc_set(dir, "ERROR");
	static const size_t caps[] = { 0, 4096, 64 };

	(void)state;
	sc_k06_file(log);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct scan *s = sc_scan_new(&set, caps[i]);
		const struct pipeline_first *f;

		assert_int_equal(scan_path(s, log), 0);
		assert_int_equal(s->nerrors, 0);
		assert_int_equal(s->nfiles, 1);
		assert_int_equal(sc_total(s)->failures, 3);
		assert_int_equal(sc_total(s)->classes[0], 3);
		assert_int_equal(s->files[0].stats.records, 4);
		assert_int_equal(s->files[0].stats.cut_lines, 2);
		assert_int_equal(s->files[0].bytes,
		    19 + 17 + 1048576 + 1 + 3145728 + 1 + 18);
		f = scan_file_first(s, &s->files[0], 0, 0);
		assert_true(f->is_set);
		assert_int_equal(f->line, 1);
		assert_string_equal(f->excerpt, "req=1 ERROR before");
		assert_string_equal(s->files[0].app, "demo-api");
		scan_free(s);
	}
	match_set_free(set);
	free(log);
	free(dir);
}

static const char sc_k08[] =
    "req=1 ERROR user=J\xc3\xa9r\xc3\xb4me\n"
    "req=2 ERROR user=\xc3\n"
    "req=3 ERROR body=\xff\xfe\x80\n"
    "req=4 ERROR note=\xef\xbf\xbd\n"
    "req=5 ERROR plain\n";

/* K08: 5 matches; the JSON report stays valid JSON. */
static void
test_k08_invalid_utf8(void **state)
{
	char *dir = sc_dir("k08"), *log = sc_path(dir, "demo-api-out.log");
	char *log2 = sc_path(dir, "demo-api-error.log");
	struct match_set *set = sc_set(dir, "ERROR");
	struct scan *s = sc_scan_new(&set, 0);
	json_t *doc, *k, *first;

	(void)state;
	SC_WRITE(log, sc_k08);
	/* The first failure of this one is the invalid line. */
	SC_WRITE(log2, "req=3 ERROR body=\xff\xfe\x80\nreq=2 ERROR user=\xc3\n");
	assert_int_equal(scan_path(s, dir), 0);
	assert_int_equal(s->nerrors, 0);
	assert_int_equal(s->nfiles, 2);
	assert_int_equal(sc_total(s)->failures, 7);

	doc = sc_json_roundtrip(s);
	k = json_object_get(json_object_get(doc, "pattern_sets"), "k");
	assert_non_null(k);
	assert_int_equal(json_integer_value(json_object_get(k, "failures")), 7);
	assert_int_equal(json_integer_value(json_object_get(
	    json_object_get(k, "classes"), "error")), 7);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    json_object_get(k, "apps"), "demo-api"), "failures")), 7);
	/* Out before error (pm2_log_name_cmp): files[0] is the out log. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(doc, "files"), 0), "path")), log);
	first = json_object_get(json_object_get(json_object_get(json_array_get(
	    json_object_get(doc, "files"), 0), "first"), "k"), "error");
	assert_non_null(first);
	assert_string_equal(json_string_value(json_object_get(first,
	    "excerpt")), "req=1 ERROR user=J\xc3\xa9r\xc3\xb4me");
	assert_int_equal(json_integer_value(json_object_get(first, "line")), 1);
	first = json_object_get(json_object_get(json_object_get(json_array_get(
	    json_object_get(doc, "files"), 1), "first"), "k"), "error");
	assert_non_null(first);
	assert_string_equal(json_string_value(json_object_get(first,
	    "excerpt")), "req=3 ERROR body=\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	json_decref(doc);

	/* report_write_json: one valid object, then LF. */
	{
		FILE *fp = tmpfile();
		json_error_t jerr;
		json_t *back;
		long size;
		int last;

		assert_non_null(fp);
		assert_int_equal(report_write_json(s->agg, s, fp), 0);
		size = ftell(fp);
		assert_true(size > 2);
		fseek(fp, size - 1, SEEK_SET);
		last = fgetc(fp);
		assert_int_equal(last, '\n');
		rewind(fp);
		back = json_loadf(fp, 0, &jerr);
		if (back == NULL)
			fail_msg("report_write_json: %s", jerr.text);
		json_decref(back);
		fclose(fp);
	}
	scan_free(s);
	match_set_free(set);
	free(log);
	free(log2);
	free(dir);
}

/*
 * report.h: "Every string that came from a log or a file name is made
 * valid UTF-8 first".  An app named by a file name with invalid UTF-8
 * still gets its counts in the JSON report.
 */
static void
test_invalid_utf8_app_name(void **state)
{
	char *dir = sc_dir("k08name"), *log = sc_path(dir,
	    "demo-\xff-out.log");
	struct match_set *set = sc_set(dir, "ERROR");
	struct scan *s = sc_scan_new(&set, 0);
	json_t *doc, *apps, *app;

	(void)state;
	SC_WRITE(log, "req=1 ERROR x\n");
	assert_int_equal(scan_path(s, dir), 0);
	assert_int_equal(sc_total(s)->failures, 1);
	doc = sc_json_roundtrip(s);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(doc, "files"), 0), "app")), "demo-\xef\xbf\xbd");
	apps = json_object_get(json_object_get(json_object_get(doc,
	    "pattern_sets"), "k"), "apps");
	assert_non_null(apps);
	app = json_object_get(apps, "demo-\xef\xbf\xbd");
	if (app == NULL)
		fail_msg("apps has %zu entries, none for the app "
		    "'demo-\\ufffd'", json_object_size(apps));
	assert_int_equal(json_integer_value(json_object_get(app, "failures")),
	    1);
	json_decref(doc);
	scan_free(s);
	match_set_free(set);
	free(log);
	free(dir);
}

/* K09 with failure regex ERROR$: req 1, 3 and 4 match, 5/6 do not. */
static void
test_k09_crlf(void **state)
{
	char *dir = sc_dir("k09"), *log = sc_path(dir, "demo-api-out.log");
	struct match_set *set = sc_set(dir, "ERROR$");
	struct scan *s = sc_scan_new(&set, 0);
	const struct pipeline_first *f;

	(void)state;
	SC_WRITE(log,
	    "req=1 status=500 ERROR\r\nreq=2 status=200 OK\r\n"
	    "req=3 status=503 ERROR\r\n"
	    "req=4 mixed-endings ERROR\n"
	    "req=5 ERROR lone-cr\rreq=6 ERROR same-physical-line\n");
	assert_int_equal(scan_path(s, log), 0);
	assert_int_equal(sc_total(s)->failures, 3);
	assert_int_equal(s->files[0].stats.records, 5);
	f = scan_file_first(s, &s->files[0], 0, 0);
	assert_true(f->is_set);
	assert_string_equal(f->excerpt, "req=1 status=500 ERROR");
	assert_int_equal(f->line, 1);
	assert_int_equal(f->offset, 0);
	scan_free(s);
	match_set_free(set);
	free(log);
	free(dir);
}

/* K10: 3000 records and matches from a multi-member .gz. */
static void
test_k10_multi_member(void **state)
{
	char *dir = sc_dir("k10"), *gz = sc_path(dir,
	    "demo-api-out__2024-03-09_00-00-00.log.gz");
	struct match_set *set = sc_set(dir, "ERROR");
	size_t total = 0, size;
	struct scan *s;

	(void)state;
	for (int p = 1; p <= 3; p++) {
		char fmt[32], *text;
		size_t len;

		snprintf(fmt, sizeof(fmt), "part%d req=%%d ERROR\n", p);
		text = tl_seq(fmt, 1, 1000, &len);
		tl_gz_member(gz, p == 1 ? "wb" : "ab", text, len);
		total += len;
		free(text);
	}
	tl_gz_member(gz, "ab", "", 0);
	free(tl_slurp(gz, &size));

	/* As a file, and as a directory of PM2 logs. */
	for (int round = 0; round < 2; round++) {
		s = sc_scan_new(&set, 0);
		assert_int_equal(scan_path(s, round == 0 ? gz : dir), 0);
		assert_int_equal(s->nerrors, 0);
		assert_int_equal(s->nfiles, 1);
		assert_true(s->files[0].is_gz);
		assert_int_equal(s->files[0].stats.records, 3000);
		assert_int_equal(sc_total(s)->failures, 3000);
		assert_int_equal(s->files[0].bytes, size);
		assert_int_equal(s->files[0].decompressed_bytes, total);
		assert_string_equal(s->files[0].app, "demo-api");
		scan_free(s);
	}
	match_set_free(set);
	free(gz);
	free(dir);
}

/* Decompresses as much of (P, LEN) as zlib can: the K11 oracle. */
static size_t
sc_inflate_prefix(const char *p, size_t len, char **out)
{
	z_stream z;
	size_t cap = 1 << 20, n = 0;
	int zr;

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	*out = malloc(cap);
	assert_non_null(*out);
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)len;
	do {
		if (n == cap) {
			cap *= 2;
			*out = realloc(*out, cap);
			assert_non_null(*out);
		}
		z.next_out = (Bytef *)*out + n;
		z.avail_out = (uInt)(cap - n);
		zr = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
	} while (zr == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
	inflateEnd(&z);
	return n;
}

static const struct scan_error *
sc_error_for(const struct scan *s, const char *path)
{
	const struct scan_error *found = NULL;

	for (size_t i = 0; i < s->nerrors; i++)
		if (strcmp(s->errors[i].path, path) == 0) {
			if (found != NULL)
				fail_msg("two errors for %s", path);
			found = &s->errors[i];
		}
	if (found == NULL)
		fail_msg("no error for %s", path);
	return found;
}

static void
sc_assert_offsets(const char *msg, uint64_t raw, uint64_t out)
{
	char a[64], b[64];

	snprintf(a, sizeof(a), "at compressed offset %llu",
	    (unsigned long long)raw);
	snprintf(b, sizeof(b), "decompressed offset %llu",
	    (unsigned long long)out);
	if (strstr(msg, a) == NULL || strstr(msg, b) == NULL)
		fail_msg("error '%s' does not name '%s' and '%s'", msg, a, b);
}

static const struct scan_file *
sc_file_for(const struct scan *s, const char *path)
{
	for (size_t i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].path, path) == 0)
			return &s->files[i];
	fail_msg("%s was not scanned", path);
	return NULL;
}

/* K11: truncated and corrupt .gz files in one scan. */
static void
test_k11_damaged_gz(void **state)
{
	char *dir = sc_dir("k11");
	char *full = sc_path(dir, "full.gz");
	char *half = sc_path(dir, "demo-api-error__2024-03-09.log.gz");
	char *five = sc_path(dir, "demo-api-error__2024-03-08.log.gz");
	char *notgz = sc_path(dir, "demo-api-error__2024-03-07.log.gz");
	char *good = sc_path(dir, "demo-api-error__2024-03-06.log.gz");
	struct match_set *set = sc_set(dir, "ERROR");
	char *text, *bytes, *oracle;
	size_t len, size, olen, half_lines;

	(void)state;
	text = tl_seq("req=%d ERROR\n", 1, 50000, &len);
	tl_gz_member(full, "wb", text, len);
	bytes = tl_slurp(full, &size);
	tl_write(half, bytes, size / 2);
	tl_write(five, bytes, 5);
	/* Neither gzip nor text (a text one is read: test_source.c). */
	SC_WRITE(notgz, "not\0gzip\n");
	tl_write(good, bytes, size);
	olen = sc_inflate_prefix(bytes, size / 2, &oracle);
	half_lines = 0;
	for (size_t i = 0; i < olen; i++)
		if (oracle[i] == '\n')
			half_lines++;
	assert_true(half_lines > 0 && half_lines < 50000);

	for (int run = 0; run < 2; run++) {
		struct scan *s = sc_scan_new(&set, 0);
		const struct scan_error *e;
		const struct scan_file *f;

		assert_int_equal(scan_path(s, dir), -1);
		/* full.gz is not a PM2 name: not read. */
		assert_int_equal(s->nfiles, 4);
		assert_int_equal(s->nerrors, 3);
		/* Oldest first. */
		assert_string_equal(s->files[0].path, good);
		assert_string_equal(s->files[3].path, half);

		f = sc_file_for(s, good);
		assert_int_equal(f->stats.records, 50000);
		assert_int_equal(f->decompressed_bytes, len);

		e = sc_error_for(s, half);
		sc_assert_offsets(e->message, size / 2, olen);
		assert_int_equal(e->offset, size / 2);
		f = sc_file_for(s, half);
		/* Complete lines before the cut count, once. */
		assert_int_equal(f->stats.records, half_lines);
		assert_int_equal(f->decompressed_bytes, olen);

		e = sc_error_for(s, five);
		sc_assert_offsets(e->message, 5, 0);
		assert_int_equal(e->offset, 5);
		assert_int_equal(sc_file_for(s, five)->stats.records, 0);

		e = sc_error_for(s, notgz);
		assert_non_null(strstr(e->message, "not in gzip format"));
		assert_int_equal(e->offset, 0);
		assert_int_equal(sc_file_for(s, notgz)->stats.records, 0);

		assert_int_equal(sc_total(s)->failures, 50000 + half_lines);
		{
			json_t *doc = sc_json_roundtrip(s);

			assert_int_equal(json_array_size(json_object_get(doc,
			    "errors")), 3);
			json_decref(doc);
		}
		scan_free(s);
	}

	/* The truncated file alone, named on the command line. */
	{
		struct scan *s = sc_scan_new(&set, 0);

		assert_int_equal(scan_path(s, half), -1);
		assert_int_equal(s->nerrors, 1);
		assert_string_equal(s->errors[0].path, half);
		assert_int_equal(sc_total(s)->failures, half_lines);
		scan_free(s);
	}
	free(oracle);
	free(bytes);
	free(text);
	free(full);
	free(half);
	free(five);
	free(notgz);
	free(good);
	match_set_free(set);
	free(dir);
}

/* A directory is read as PM2_HOME/logs: rotated copies before the live file. */
static void
test_dir_order(void **state)
{
	char *dir = sc_dir("order");
	char *live = sc_path(dir, "demo-api-out.log");
	char *rot1 = sc_path(dir, "demo-api-out__2024-03-10_00-00-00.log");
	char *rot0 = sc_path(dir, "demo-api-out__2024-03-09_00-00-00.log");
	char *other = sc_path(dir, "notes.txt");
	struct match_set *set = sc_set(dir, "ERROR");
	struct scan *s = sc_scan_new(&set, 0);

	(void)state;
	SC_WRITE(live, "req=3 ERROR\n");
	SC_WRITE(rot1, "req=2 ERROR\n");
	SC_WRITE(rot0, "req=1 ERROR\n");
	SC_WRITE(other, "req=0 ERROR\n");
	assert_int_equal(scan_path(s, dir), 0);
	assert_int_equal(s->nfiles, 3);
	assert_string_equal(s->files[0].path, rot0);
	assert_string_equal(s->files[1].path, rot1);
	assert_string_equal(s->files[2].path, live);
	assert_int_equal(sc_total(s)->failures, 3);
	scan_free(s);
	match_set_free(set);
	free(live);
	free(rot1);
	free(rot0);
	free(other);
	free(dir);
}

/* A file read to its end: its last line counts without LF. */
static void
test_partial_last_line(void **state)
{
	char *dir = sc_dir("partial"), *log = sc_path(dir, "app.log");
	struct match_set *set = sc_set(dir, "ERROR");
	struct scan *s = sc_scan_new(&set, 0);

	(void)state;
	SC_WRITE(log, "req=1 ERROR a\nreq=2 ERROR b\nreq=3 ERROR c");
	assert_int_equal(scan_path(s, log), 0);
	assert_int_equal(sc_total(s)->failures, 3);
	assert_int_equal(s->files[0].stats.records, 3);
	assert_string_equal(s->files[0].app, "app");
	scan_free(s);
	match_set_free(set);
	free(log);
	free(dir);
}

static void
test_missing_path(void **state)
{
	char *dir = sc_dir("missing"), *log = sc_path(dir, "nope.log");
	struct match_set *set = sc_set(dir, "ERROR");
	struct scan *s = sc_scan_new(&set, 0);

	(void)state;
	assert_int_equal(scan_path(s, log), -1);
	assert_int_equal(s->nerrors, 1);
	assert_string_equal(s->errors[0].path, log);
	assert_non_null(s->errors[0].message);
	assert_int_equal(s->nfiles, 0);
	scan_free(s);
	match_set_free(set);
	free(log);
	free(dir);
}

/* Which files given by name are logs (issue 19: `test DIR/...` with a
 * glob read README.txt). */
static void
test_logfile_is_log(void **state)
{
	static const char *const logs[] = {
		"omni-app-out.log", "dir/omni-app-error-3.log",
		"omni-app-out__2026-11-29_21-58-04.log.gz", "app.log",
		"app.log.1", "app.log.2.gz", "app.log-20261129",
		"app.log-2026112910", "nohup.out", "worker.err", "syslog",
		"messages.1", "old-logs.gz", "/var/log/app/x.log",
		"app.log-2026-11-29", "app.log-20261129-1764374400.gz",
		"app.log_2026.11.29", "worker.err-2026-11-29",
	};
	static const char *const not_logs[] = {
		"README.txt", "dir/README.txt", "notes.md", "omniwatch.yaml",
		"report.json", "report.html", "backup.tar.gz", ".hidden",
		"app.log.txt", "dir/", "app.log-2026-11-x", "app.log.v1",
	};
	/* Compressed by what we do not read: said, never skipped quietly. */
	static const struct {
		const char *path;
		bool pm2_only;
		const char *program;
	} unread[] = {
		{ "omni-app-out.log.1.xz", true, "xz" },
		{ "omni-app-error-2.log-20261129.zst", true, "zstd" },
		{ "dir/omni-app-out__2026-11-29_21-58-04.log.bz2", true,
		    "bzip2" },
		{ "app.log.1.xz", false, "xz" },
		{ "app.log.1.xz", true, NULL },
		{ "notes.txt.xz", false, NULL },
		{ "omni-app-out.log.1.gz", true, NULL },
		{ "omni-app-out.log.1", true, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++)
		if (!logfile_is_log(logs[i]))
			fail_msg("%s should be a log", logs[i]);
	for (size_t i = 0; i < sizeof(not_logs) / sizeof(not_logs[0]); i++)
		if (logfile_is_log(not_logs[i]))
			fail_msg("%s should not be a log", not_logs[i]);
	for (size_t i = 0; i < sizeof(unread) / sizeof(unread[0]); i++) {
		const char *p = logfile_unread_compression(unread[i].path,
		    unread[i].pm2_only);

		if (unread[i].program == NULL ? p != NULL :
		    p == NULL || strcmp(p, unread[i].program) != 0)
			fail_msg("%s: compressor %s, not %s", unread[i].path,
			    p != NULL ? p : "(none)", unread[i].program != NULL ?
			    unread[i].program : "(none)");
	}
}

/*
 * --jobs 4 where threads cannot be had (EAGAIN): the scan reads every file
 * with the threads it got, or in its own thread, instead of exiting.
 */
static void
test_threads_refused(void **state)
{
	char *dir = sc_dir("threads");
	struct match_set *set = sc_set(dir, "ERROR");
	static const int allowed[] = { 0, 1, 3 };

	(void)state;
	for (int i = 1; i <= 6; i++) {
		char name[64], *path;

		snprintf(name, sizeof(name), "app%d-out.log", i);
		path = sc_path(dir, name);
		SC_WRITE(path, "req=1 ERROR\nreq=2 ok\n");
		free(path);
	}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		struct scan *s = sc_scan_new(&set, 0);

		s->jobs = 4;
		sc_threads_left = allowed[i];
		assert_int_equal(scan_path(s, dir), 0);
		sc_threads_left = -1;
		assert_int_equal(s->nfiles, 6);
		assert_int_equal(s->nerrors, 0);
		assert_int_equal(sc_total(s)->failures, 6);
		scan_free(s);
	}
	match_set_free(set);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k06_long_lines),
		cmocka_unit_test(test_k08_invalid_utf8),
		cmocka_unit_test(test_invalid_utf8_app_name),
		cmocka_unit_test(test_k09_crlf),
		cmocka_unit_test(test_k10_multi_member),
		cmocka_unit_test(test_k11_damaged_gz),
		cmocka_unit_test(test_dir_order),
		cmocka_unit_test(test_partial_last_line),
		cmocka_unit_test(test_missing_path),
		cmocka_unit_test(test_threads_refused),
		cmocka_unit_test(test_logfile_is_log),
	};

	return cmocka_run_group_tests(tests, sc_setup, sc_teardown);
}

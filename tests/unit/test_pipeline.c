/*
 * test_pipeline: the fast path of plain text (pipeline.c, pipeline_run)
 * gives exactly what the line-by-line path gives.
 *
 * The same text goes through a pipeline fed all at once (the fast path
 * takes what it can), one byte at a time (the fast path never sees a
 * whole line, so every line goes the line-by-line way), and in chunks of
 * random sizes.  Every record is made visible by a second pattern set
 * whose one class matches any record, and each outcome is written down
 * with all the record's fields and text; the three transcripts, the
 * record counts and the first-of-kind notes must be equal.  The text is
 * a random mix of what the fast path has to stop for: multi-line omni
 * records and their traps, closers with trailing blanks, orphans, labels,
 * lone braces, CRLF lines, empty lines, PM2 stamps and JSON lines,
 * `pm2 logs` prefixes, over-long lines, NUL runs, and records that reach
 * the caps.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "match.h"
#include "pipeline.h"
#include "stamp.h"
#include "testlib.h"

#define OMNI_YAML	OMNIWATCH_SRC_PATTERNS_DIR "/omni.yaml"

static char tp_dir[256];
static struct match_set *tp_sets[2];

/* A growing text. */
struct tp_buf {
	char	*p;
	size_t	 len, cap;
};

static void
tp_put(struct tp_buf *b, const char *p, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
tp_printf(struct tp_buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(tmp));
	tp_put(b, tmp, (size_t)n);
}

static int
tp_setup(void **state)
{
	char path[512], *err = NULL;
	FILE *fp;

	(void)state;
	log_set_level(LOG_LEVEL_ERROR);
	if (tl_tmpdir(tp_dir, sizeof(tp_dir), "test_pipeline") != 0)
		return -1;
	tp_sets[0] = match_set_load(OMNI_YAML, &err);
	if (tp_sets[0] == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	/* Every record with a character in it: all become outcomes. */
	snprintf(path, sizeof(path), "%s/any.yaml", tp_dir);
	fp = fopen(path, "w");
	if (fp == NULL)
		return -1;
	fputs("name: any\nfailure:\n  - class: any\n    regex: '[\\s\\S]'\n",
	    fp);
	fclose(fp);
	tp_sets[1] = match_set_load(path, &err);
	if (tp_sets[1] == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
tp_teardown(void **state)
{
	(void)state;
	match_set_free(tp_sets[0]);
	match_set_free(tp_sets[1]);
	return tl_rmtree(tp_dir) == 0 ? 0 : -1;
}

static void
tp_outcome(void *ctx, const struct pipeline_outcome *o)
{
	struct tp_buf *b = ctx;
	const struct record *r = o->record;

	tp_printf(b, "set=%zu out=%d class=%zu app=%s off=%llu end=%llu "
	    "line=%llu nlines=%zu cut=%d orphan=%d follows=%d starts=%d "
	    "open=%d ts=%lld len=%zu |", o->set_idx, (int)o->outcome,
	    o->outcome == MATCH_FAILURE ? o->class_idx : 0, o->app,
	    (unsigned long long)r->offset, (unsigned long long)r->end,
	    (unsigned long long)r->line_number, r->nlines, r->is_cut,
	    r->is_orphan, r->follows_close, r->starts_object, r->is_open,
	    (long long)r->ts_ms, r->len);
	tp_put(b, r->text, r->len);
	tp_put(b, "|\n", 2);
}

/* Random numbers of our own, so that a seed gives the same text anywhere. */
static uint64_t
tp_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static const char *const tp_pieces[] = {
	"[http] GET /api/v1/tickets 200\n",
	"[Omni] Ticket created successfully: { ticketId: 7, ticket_number: 'TCK-7' }\n",
	"[Omni] Ticket created successfully: {\n  ticketId: 8,\n  ticket_number: 'TCK-8'\n}\n",
	"[Omni] Ticket created successfully: {\n  ticketId: 9,\n  subject: 'no number'\n}\n",
	"[Omni] Failed to create ticket: {\n  status: false,\n  message: '',\n  errors: {\n    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n    line: 229\n  }\n}\n",
	"[Omni] Failed to create ticket: {\n  status: false,\n  errors: null\n}\n",
	"[Omni] Failed to create ticket: Error: connect ECONNREFUSED 10.0.0.1:443\n",
	"ket: {\n  status: false,\n  errors: { file: 'RoutesRequests.php' }\n}\n",
	"created successfully: {\n  ticketId: 10,\n  ticket_number: 'TCK-10'\n}\n",
	"  ticketId: 11,\n  ticket_number: 'TCK-11'\n}\n",
	"row as stored:\n",
	"{\n  status: false,\n  errors: { file: 'RoutesRequests.php' }\n}\n",
	"{\n",
	"}  \n",
	"]\n",
	"  } \n",
	"\n",
	"\r\n",
	"[http] POST /x\r\n",
	"[Omni] Ticket created successfully: {\r\n  ticketId: 12,\r\n  ticket_number: 'TCK-12'\r\n}\r\n",
	"Error: boom\n    at main (/srv/app.js:1:1)\n\tat tab (/srv/b.js:2:2)\n)\n",
	"2026-11-29T10:00:00: [Omni] Failed to create ticket: {\n2026-11-29T10:00:00:   status: false,\n2026-11-29T10:00:00:   errors: 'RoutesRequests.php'\n2026-11-29T10:00:00: }\n",
	"{\"message\":\"[Omni] Ticket created successfully: {\\n  ticketId: 13,\\n  ticket_number: 'TCK-13'\\n}\\n\",\"timestamp\":\"2026-11-29T10:00:01\",\"type\":\"out\",\"process_id\":0,\"app_name\":\"json-app\"}\n",
	"{\"message\":\"[Omni] Failed to create ticket: {\\n  status: false,\\n\",\"timestamp\":\"2026-11-29T10:00:02\",\"type\":\"err\",\"process_id\":0,\"app_name\":\"json-app\"}\n",
	"0|cli-app  | [Omni] Failed to create ticket: Error: socket hang up\n",
	"PM2        | App [x:0] starting in -fork mode-\n",
	"[Omni] Failed to create ticket: {\n  big: 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',\n  status: false\n}\n",
	"[trace] span=aa name=ticket.create\n",
	"\xc3\x28 invalid utf-8 [Omni] Failed to create ticket: x\n",
	"a\n  1\n  2\n  3\n  4\n  5\n  6\n  7\n  8\n",
	"[Omni] Failed to create ticket: {\n",
	"{\"level\":30,\"msg\":\"[Omni] Failed to create ticket: pino\"}\n",
	"POST /api/v1/tickets 404\n",
	"PM2 log: App [omni-app:0] exited with code [1]\n",
	"{\"message\":\"not json\n",
	/* PM2's JSON of fork mode: a pipe chunk of several records, whose
	 * lines the fast path takes inside the message. */
	"{\"message\":\"[http] GET /a 200\n[Omni] Ticket created successfully: {\n  ticketId: 16,\n  ticket_number: 'TCK-16'\n}\n  orphan: true\n}\n[Omni] Failed to create ticket: {\n  status: false,\n  errors: { file: 'RoutesRequests.php' }\n}\n[http] GET /b 200\r\n\n[db] pool\n  idle=5\n[http] GET /c 200\n[Omni] Failed to create ticket: {\n\",\"timestamp\":\"2026-11-29T10:00:03.000Z\",\"type\":\"err\",\"process_id\":1,\"app_name\":\"chunk-app\"}\n",
	"{\"message\":\"  status: false,\n  errors: null\n}\n[http] GET /d 200\n[http] GET /e 200\n\",\"timestamp\":\"2026-11-29T10:00:04.000Z\",\"type\":\"err\",\"process_id\":1,\"app_name\":\"chunk-app\"}\n",
	"}\n  status: false,\n  errors: 'RoutesRequests.php'\n}\n",
	/* Stamped: fork --time (every line), cluster (the first line). */
	"2026-11-29T10:00:01: [Omni] Ticket created successfully: {\n2026-11-29T10:00:01:   ticketId: 14,\n2026-11-29T10:00:01:   ticket_number: 'TCK-14'\n2026-11-29T10:00:01: }\n",
	"2026-11-29T10:00:01: [http] GET /x\n",
	"2026-11-29T10:00:01: \n",
	"2026-11-29T10:00:01:   } \n",
	"2026-11-29T10:00:01: [Omni] Failed to create ticket: x\r\n",
	"2026-11-29T10:00:01:x no blank\n",
	"2026-11-29T10:00:01: \r\n",
	"2026-11-29 10:00:02 +00:00: [Omni] Failed to create ticket: {\n  status: false,\n  errors: { file: 'RoutesRequests.php' }\n}\n",
	"2026-11-29 10:00:02 +00:00: [Omni] Ticket created successfully: { ticketId: 15, ticket_number: 'TCK-15' }\n",
	"2026-11-29 10:00:02 +00:00:   status: false,\n",
	"2026-11-29 10:00:02 +00:00: [db] pool\n  idle=5\n2026-11-29 10:00:02 +00:00:   waiting=0\n",
	"1|omni-app  | 2026-11-29T10:00:01: [Omni] Failed to create ticket: cli\n",
	/* Found by a trial against the line-by-line path: a closer with a
	 * CR before its blank; a stamp without its blank, then a line it
	 * would lengthen into a display time; an empty orphan, then an
	 * empty stamped message (UBSan: memcpy to a NULL buffer). */
	"}\r \n  status: false,\n  errors: { x: 1 }, RoutesRequests.php\n",
	"2026-11-29T10:00:x [Omni] Failed to create ticket: a\n",
	"2026-11-29T10:00:05 0|cli-app | [Omni] Failed to create ticket: b\n",
	"2026-11-29T10:00:00: a\nL\n]\n\n2026-11-29T10:00:00: \nx\n",
	/* `pm2 logs` mixes streams: a record under assembly per prefix,
	 * and a json app's lines behind its prefix, decoded (whose
	 * messages the fast path takes in the prefix's stream). */
	"0|api  | [Omni] Failed to create ticket: {\n1|web  | [http] GET /w 200\n0|api  |   status: false,\n1|web  |   idle=5\n0|api  | }\n1|web  | }\n",
	"1|api | [Omni] Ticket created successfully: {\n0|api |   ticketId: 17,\n",
	"0|api | {\"message\":\"[Omni] Failed to create ticket: {\\n  status: false,\\n  errors: { file: 'RoutesRequests.php' }\\n}\\n[Omni] Ticket created successfully: {\\n  ticketId: 18,\\n  ticket_number: 'TCK-18'\\n}\\n[http] GET /f 200\\n\",\"timestamp\":\"2026-11-29T10:00:05.000Z\",\"type\":\"err\",\"process_id\":0,\"app_name\":\"api\"}\n",
	/* Colours of FORCE_COLOR=1 (util.inspect): records matched without
	 * them (match.h); a coloured head, a lone ESC, a line that starts
	 * with one (the decoder's), a sequence cut by the line end. */
	"[Omni] Failed to create ticket: {\n  status: \033[33mfalse\033[39m,\n  errors: {\n    file: \033[32m'/srv/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php'\033[39m,\n    line: \033[33m229\033[39m\n  }\n}\n",
	"[Omni] Ticket created successfully: {\n  ticketId: \033[33m19\033[39m,\n  ticket_number: \033[32m'TCK-19'\033[39m\n}\n",
	"[\033[1mOmni\033[22m] Failed to create ticket: {\n  status: false,\n  errors: 'RoutesRequests.php'\n}\n",
	"\033[32m[ansi] green\033[0m\n",
	"\033[2K\033[1G[Omni] Failed to create ticket: \033\n",
	"  status: \033[33mfalse\033[39m,\n  errors: \033[32m'RoutesRequests.php'\033[\n}\n",
	"2026-11-29T10:00:01: [Omni] Failed to create ticket: {\n2026-11-29T10:00:01:   status: \033[33mfalse\033[39m,\n2026-11-29T10:00:01:   errors: 'RoutesRequests.php'\n2026-11-29T10:00:01: }\n",
	"{\"message\":\"[Omni] Failed to create ticket: {\\n  status: \\u001b[33mfalse\\u001b[39m,\\n  errors: 'RoutesRequests.php'\\n}\\n\",\"timestamp\":\"2026-11-29T10:00:07\",\"type\":\"err\",\"process_id\":0,\"app_name\":\"json-app\"}\n",
	"\033[31m1|web | \033[39m{\"message\":\"  status: false,\\n}\\n[db] pool\\n\",\"timestamp\":\"2026-11-29T10:00:06.000Z\",\"type\":\"err\",\"process_id\":1,\"app_name\":\"web\"}\n",
};

#define TP_NPIECES	(sizeof(tp_pieces) / sizeof(tp_pieces[0]))

/* N random pieces, with a NUL run now and then; no LF at the end when
 * CUT_END. */
static char *
tp_text(uint64_t seed, size_t n, size_t *len, bool cut_end)
{
	struct tp_buf b = { NULL, 0, 0 };
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;

	for (size_t i = 0; i < n; i++) {
		uint64_t r = tp_rand(&s);

		if (r % 97 == 0) {
			static const char nul[5] = { 0, 0, 0, 0, 0 };

			tp_put(&b, nul, 1 + (r >> 8) % 5);
			continue;
		}
		tp_put(&b, tp_pieces[(r >> 16) % TP_NPIECES],
		    strlen(tp_pieces[(r >> 16) % TP_NPIECES]));
	}
	if (cut_end)
		tp_put(&b, "[Omni] Failed to create ticket: tail", 36);
	*len = b.len;
	return b.p;
}

/* The transcript of TEXT fed in chunks of CHUNK bytes (0: random). */
static char *
tp_run(const char *text, size_t len, size_t chunk, uint64_t seed,
    const struct pipeline_options *opts)
{
	struct tp_buf out = { NULL, 0, 0 };
	struct pipeline_sink sink = { .outcome = tp_outcome, .ctx = &out };
	struct pipeline *p = pipeline_new(tp_sets, 2, &sink, "app",
	    "test.log", opts);
	const struct pipeline_stats *st;
	uint64_t s = seed + 7;

	tp_put(&out, "", 0);
	for (size_t i = 0; i < len;) {
		size_t n = chunk != 0 ? chunk : 1 + tp_rand(&s) % 3000;

		if (n > len - i)
			n = len - i;
		pipeline_feed(p, text + i, n);
		i += n;
	}
	pipeline_finish(p, true);
	st = pipeline_stats(p);
	tp_printf(&out, "records=%llu cut=%llu nul=%llu undated=%llu\n",
	    (unsigned long long)st->records, (unsigned long long)st->cut_lines,
	    (unsigned long long)st->nul_bytes,
	    (unsigned long long)st->undated);
	for (size_t k = 0; k < 2; k++)
		for (size_t c = 0; c < tp_sets[k]->nfailure + 2; c++) {
			const struct pipeline_first *f = pipeline_first(p, k, c);

			tp_printf(&out, "first %zu %zu: %d %llu %llu %s\n", k, c,
			    f->is_set, (unsigned long long)f->line,
			    (unsigned long long)f->offset, f->excerpt);
		}
	pipeline_free(p);
	return out.p;
}

static void
tp_compare(const struct pipeline_options *opts, size_t pieces)
{
	for (uint64_t seed = 1; seed <= 12; seed++) {
		size_t len;
		char *text = tp_text(seed, pieces, &len, seed % 3 == 0);
		struct pipeline_options slow = *opts;
		char *whole, *bytes, *chunks;

		/* Fed whole and in chunks with the fast path, against the
		 * line-by-line path fed byte by byte. */
		slow.no_fast_path = true;
		whole = tp_run(text, len, len, seed, opts);
		bytes = tp_run(text, len, 1, seed, &slow);
		chunks = tp_run(text, len, 0, seed, opts);

		if (strcmp(whole, bytes) != 0 || strcmp(chunks, bytes) != 0) {
			size_t i = 0;
			const char *other = strcmp(whole, bytes) != 0 ?
			    whole : chunks;

			while (other[i] == bytes[i])
				i++;
			while (i > 0 && bytes[i - 1] != '\n')
				i--;
			fail_msg("seed %llu: the %s differ from line by line "
			    "at:\nfast: %.600s\nslow: %.600s",
			    (unsigned long long)seed, other == whole ?
			    "whole feed" : "chunked feed", other + i,
			    bytes + i);
		}
		/* The mix has records of several lines. */
		assert_non_null(strstr(whole, "nlines=4"));
		free(text);
		free(whole);
		free(bytes);
		free(chunks);
	}
}

/* Pipeline options with the given caps (0: the defaults), no time bounds. */
static struct pipeline_options
tp_options(size_t max_line, size_t max_record_lines, size_t max_record_bytes)
{
	struct pipeline_options opts;

	memset(&opts, 0, sizeof(opts));
	opts.since = STAMP_NONE;
	opts.until = STAMP_NONE;
	opts.max_line = max_line;
	opts.max_record_lines = max_record_lines;
	opts.max_record_bytes = max_record_bytes;
	return opts;
}

static void
test_fast_path_default(void **state)
{
	struct pipeline_options opts = tp_options(0, 0, 0);

	(void)state;
	tp_compare(&opts, 3000);
}

/* Small caps: lines cut, records cut at a line count and a byte size. */
static void
test_fast_path_caps(void **state)
{
	struct pipeline_options opts = tp_options(200, 5, 180);

	(void)state;
	tp_compare(&opts, 3000);
}

/*
 * Lines cut shorter than a stamp: the line after a record is judged as
 * the line reader leaves it ("2026-11-29T10:59:" cut to 17 bytes is a
 * stamp and an empty message, which continues the record).
 */
static void
test_fast_path_tiny_lines(void **state)
{
	(void)state;
	for (size_t max = 16; max <= 24; max += 4) {
		struct pipeline_options opts = tp_options(max, 0, 0);

		tp_compare(&opts, 600);
	}
}

/*
 * The head search of the fast path is kept across feeds as stream
 * offsets; a truncation (pipeline_reset) brings other bytes at the same
 * offsets, and must not be judged by what was found before it.
 */
static void
test_fast_path_reset(void **state)
{
	/* No head anywhere in A; in B one lies where A's bytes were. */
	static const char a[] =
	    "[http] one\n[http] two two two two two two two two two\n"
	    "[http] three\n[http] four\n";
	static const char b[] =
	    "[http] one\n[Omni] Failed to create ticket: y\n[http] four\n";
	struct tp_buf out = { NULL, 0, 0 };
	struct pipeline_sink sink = { .outcome = tp_outcome, .ctx = &out };
	struct pipeline_options opts = tp_options(0, 0, 0);
	struct pipeline *p;

	(void)state;
	p = pipeline_new(tp_sets, 1, &sink, "app", "test.log", &opts);
	tp_put(&out, "", 0);
	pipeline_feed(p, a, sizeof(a) - 1);
	pipeline_reset(p, 0);
	out.len = 0;
	pipeline_feed(p, b, sizeof(b) - 1);
	pipeline_finish(p, true);
	assert_non_null(strstr(out.p, "out=2 class=1 app=app off=11 "));
	/* A's last record was still open, and went with the reset. */
	assert_int_equal(pipeline_stats(p)->records, 3 + 3);
	pipeline_free(p);
	free(out.p);
}

/*
 * A line too long for the fast path right after a record it took, whose
 * first line had a new stamp: that stamp stays the decoder's last (the
 * fast path once left the one before it, so that a stamp without its
 * blank, "2026-11-29T10:00:", claimed the next line's own stamp).
 */
static void
test_fast_path_long_line_keeps_stamp(void **state)
{
	struct pipeline_options opts = tp_options(200, 0, 0);
	struct pipeline_options slow = opts;
	char text[1024];
	char *fast, *bytes;
	int n;

	(void)state;
	n = snprintf(text, sizeof(text), "2026-11-29T10:00:x a\n"
	    "2026-11-29 10:00:02 +00:00: [Omni] Failed to create ticket: {\n"
	    "  status: false,\n}\n%0300d\n2026-11-29T10:00:01: b\n", 0);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	slow.no_fast_path = true;
	fast = tp_run(text, (size_t)n, (size_t)n, 1, &opts);
	bytes = tp_run(text, (size_t)n, 1, 1, &slow);
	assert_string_equal(fast, bytes);
	assert_non_null(strstr(fast, "ts=1795946401000 len=1 |b|"));
	free(fast);
	free(bytes);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_path_default),
		cmocka_unit_test(test_fast_path_caps),
		cmocka_unit_test(test_fast_path_tiny_lines),
		cmocka_unit_test(test_fast_path_reset),
		cmocka_unit_test(test_fast_path_long_line_keeps_stamp),
	};

	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}

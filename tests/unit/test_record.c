/*
 * test_record: message lines into multi-line records (record.h).
 *
 * Most tests run the real front of the pipeline (line reader, PM2 decoder,
 * record builder) over byte-exact text from the PM2 samples
 * (../shared/samples/pm2/05c and 08), so that what is checked is what
 * `scan` would see.  Field case: K07 (a 7-line Node error written in
 * pieces).
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
#include <time.h>

#include "front.h"
#include "line.h"
#include "pm2.h"
#include "record.h"
#include "stamp.h"

#define T_20_32_47	1795984367LL	/* 2026-11-29T20:32:47Z */
#define T_20_36_59	1795984619LL	/* 2026-11-29T20:36:59Z */

/* samples/pm2/05c-cluster-2-instances-log-date-format/omni-app-error-0.log */
static const char rt_05c[] =
    "2026-11-29 20:32:47 +00:00: [Omni] Failed to create ticket: {\n"
    "  status: false,\n"
    "  message: '',\n"
    "  errors: {\n"
    "    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n"
    "    message: '',\n"
    "    line: 229\n"
    "  }\n"
    "}\n"
    "2026-11-29 20:32:47 +00:00: [Omni] Failed to create ticket: {\n"
    "  status: false,\n"
    "  message: '',\n"
    "  errors: {\n"
    "    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n"
    "    message: '',\n"
    "    line: 229,\n"
    "    trace: [ [Object], [Object] ]\n"
    "  },\n"
    "  request: {\n"
    "    url: 'https://omni.example.test/api/v1/tickets',\n"
    "    method: 'POST',\n"
    "    headers: {\n"
    "      Authorization: 'Bearer REDACTED-TEST-TOKEN',\n"
    "      'Content-Type': 'application/json'\n"
    "    },\n"
    "    body: {\n"
    "      subject: 'Test ticket #1 created by the PM2 log-format lab',\n"
    "      channel: 'email',\n"
    "      customer: [Object]\n"
    "    }\n"
    "  },\n"
    "  note: \"it's a test: quote ' inside string switches util.inspect to double quotes\"\n"
    "}\n"
    "2026-11-29 20:32:47 +00:00: [Omni] Failed to create ticket: {\n"
    "  status: false,\n"
    "  message: '',\n"
    "  errors: { file: 'RoutesRequests.php', line: 229 }\n"
    "}\n"
    "2026-11-29 20:32:47 +00:00: [Omni] Unexpected error: Error: Request failed with status code 500 (iteration 1)\n"
    "    at main (/srv/pm2lab/app/omni-test.js:62:17) {\n"
    "  code: 'ERR_BAD_RESPONSE'\n"
    "}\n"
    "2026-11-29 20:32:47 +00:00: TypeError: Cannot read properties of undefined (reading 'ticketId') (iteration 1)\n"
    "    at main (/srv/pm2lab/app/omni-test.js:65:19)\n"
    "2026-11-29 20:32:48 +00:00: [Omni] Failed to create ticket: {\n"
    "  status: false,\n"
    "  message: '',\n"
    "  errors: {\n"
    "    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n"
    "    message: '',\n"
    "    line: 229\n"
    "  }\n"
    "}\n"
    "2026-11-29 20:32:48 +00:00: [Omni] Failed to create ticket: {\n"
    "  status: false,\n"
    "  message: '',\n"
    "  errors: {\n"
    "    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n"
    "    message: '',\n"
    "    line: 229,\n"
    "    trace: [ [Object], [Object] ]\n"
    "  },\n"
    "  request: {\n"
    "    url: 'https://omni.example.test/api/v1/tickets',\n"
    "    method: 'POST',\n"
    "    headers: {\n"
    "      Authorization: 'Bearer REDACTED-TEST-TOKEN',\n"
    "      'Content-Type': 'application/json'\n"
    "    },\n"
    "    body: {\n"
    "      subject: 'Test ticket #2 created by the PM2 log-format lab',\n"
    "      channel: 'email',\n"
    "      customer: [Object]\n"
    "    }\n"
    "  },\n"
    "  note: \"it's a test: quote ' inside string switches util.inspect to double quotes\"\n"
    "}\n"
    "2026-11-29 20:32:48 +00:00: [Omni] Failed to create ticket: {\n"
    "  status: false,\n"
    "  message: '',\n"
    "  errors: { file: 'RoutesRequests.php', line: 229 }\n"
    "}\n"
    "2026-11-29 20:32:48 +00:00: [Omni] Unexpected error: Error: Request failed with status code 500 (iteration 2)\n"
    "    at main (/srv/pm2lab/app/omni-test.js:62:17) {\n"
    "  code: 'ERR_BAD_RESPONSE'\n"
    "}\n"
    "2026-11-29 20:32:48 +00:00: TypeError: Cannot read properties of undefined (reading 'ticketId') (iteration 2)\n"
    "    at main (/srv/pm2lab/app/omni-test.js:65:19)\n"
    "Error: [Omni] simulated uncaught exception (fake, end of test)\n"
    "    at Timeout._onTimeout (/srv/pm2lab/app/omni-test.js:81:30)\n"
    "    at listOnTimeout (node:internal/timers:581:17)\n"
    "    at process.processTimers (node:internal/timers:519:7)\n";

/* samples/pm2/08-burst-fork-time-corruption/burst-error.excerpts.log */
static const char rt_08_seq769[] =
    "2026-11-29T20:36:59:     message: '',\n"
    "2026-11-29T20:36:59:     line: 229\n"
    "2026-11-29T20:36:59:   }\n"
    "2026-11-29T20:36:59: }\n"
    "2026-11-29T20:36:59:  create ticket: seq=769 {\n"
    "2026-11-29T20:36:59:   status: false,\n"
    "2026-11-29T20:36:59:   message: '',\n"
    "2026-11-29T20:36:59:   errors: {\n"
    "2026-11-29T20:36:59:     file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n"
    "2026-11-29T20:36:59:     message: '',\n"
    "2026-11-29T20:36:59:     line: 229\n"
    "2026-11-29T20:36:59:   }\n"
    "2026-11-29T20:36:59: }\n"
    "2026-11-29T20:36:59: [Omni] Failed to create ticket: seq=770 {\n"
    "2026-11-29T20:36:59:   status: false,\n"
    "2026-11-29T20:36:59:   message: '',\n"
    "2026-11-29T20:36:59:   errors: {\n";
static const char rt_08_seq2907[] =
    "2026-11-29T20:36:59:     message: '',\n"
    "2026-11-29T20:36:59:     line: 229\n"
    "2026-11-29T20:36:59:   }\n"
    "2026-11-29T20:36:59: }\n"
    "2026-11-29T20:36:59: ket: seq=2907 {\n"
    "2026-11-29T20:36:59:   status: false,\n"
    "2026-11-29T20:36:59:   message: '',\n"
    "2026-11-29T20:36:59:   errors: {\n"
    "2026-11-29T20:36:59:     file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php',\n"
    "2026-11-29T20:36:59:     message: '',\n"
    "2026-11-29T20:36:59:     line: 229\n"
    "2026-11-29T20:36:59:   }\n"
    "2026-11-29T20:36:59: }\n"
    "2026-11-29T20:36:59: [Omni] Failed to create ticket: seq=2908 {\n"
    "2026-11-29T20:36:59:   status: false,\n"
    "2026-11-29T20:36:59:   message: '',\n"
    "2026-11-29T20:36:59:   errors: {\n";

#define RT_MAX	64

struct rt_rec {
	char		*text;
	size_t		 len;
	int64_t		 ts;
	char		 app[32];
	uint64_t	 offset, end, line_number;
	size_t		 nlines;
	bool		 is_cut, is_orphan, starts_object, is_open;
	bool		 follows_close;
};

struct rt {
	struct front	*f;
	struct rt_rec	 recs[RT_MAX];
	size_t		 n;
};

static void
rt_on_record(void *ctx, const struct record *r)
{
	struct rt *t = ctx;
	struct rt_rec *o;

	assert_true(t->n < RT_MAX);
	o = &t->recs[t->n++];
	o->text = malloc(r->len + 1);
	assert_non_null(o->text);
	memcpy(o->text, r->text, r->len);
	o->text[r->len] = '\0';
	o->len = r->len;
	o->ts = r->ts_ms;
	snprintf(o->app, sizeof(o->app), "%s", r->app != NULL ? r->app : "");
	o->offset = r->offset;
	o->end = r->end;
	o->line_number = r->line_number;
	o->nlines = r->nlines;
	o->is_cut = r->is_cut;
	o->is_orphan = r->is_orphan;
	o->starts_object = r->starts_object;
	o->is_open = r->is_open;
	o->follows_close = r->follows_close;
}

static struct rt *
rt_new(const struct record_rules *rules)
{
	struct rt *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->f = front_new(rules, "omni-app", 0, rt_on_record, t);
	return t;
}

static void
rt_feed(struct rt *t, const char *s)
{
	front_feed(t->f, s);
}

static void
rt_finish(struct rt *t)
{
	front_finish(t->f);
}

static void
rt_free(struct rt *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->recs[i].text);
	front_free(t->f);
	free(t);
}

/* Byte offset of 1-based line N of TEXT (N may be one past the last). */
static uint64_t
rt_line_offset(const char *text, size_t n)
{
	const char *p = text;

	for (size_t i = 1; i < n; i++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	return (uint64_t)(p - text);
}

static void
rt_expect_text(const struct rt *t, size_t i, const char *text)
{
	assert_true(i < t->n);
	if (strcmp(t->recs[i].text, text) != 0)
		fail_msg("record %zu:\n'%s'\nexpected\n'%s'", i,
		    t->recs[i].text, text);
	assert_int_equal(t->recs[i].len, strlen(text));
}

static pcre2_code *
rt_re(const char *pattern)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern,
	    PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);

	assert_non_null(re);
	return re;
}

/*
 * 05c (cluster mode, stamps on first lines only): eleven records, each
 * util.inspect object closed by its "}" and each stack trace by the next
 * stamped line.
 */
static void
test_default_rule_05c(void **state)
{
	static const struct {
		size_t	 first, last;
		int64_t	 ts;
		bool	 starts_object;
	} want[] = {
		{ 1, 9, T_20_32_47, true },
		{ 10, 33, T_20_32_47, true },
		{ 34, 38, T_20_32_47, true },
		{ 39, 42, T_20_32_47, false },
		{ 43, 44, T_20_32_47, false },
		{ 45, 53, T_20_32_47 + 1, true },
		{ 54, 77, T_20_32_47 + 1, true },
		{ 78, 82, T_20_32_47 + 1, true },
		{ 83, 86, T_20_32_47 + 1, false },
		{ 87, 88, T_20_32_47 + 1, false },
		{ 89, 92, STAMP_NONE, false },
	};
	static const size_t steps[] = { 0, 1, 13, 4096 };

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		struct rt *t = rt_new(NULL);
		size_t len = strlen(rt_05c), step = steps[s] ? steps[s] : len;

		for (size_t i = 0; i < len; i += step)
			line_reader_feed(t->f->lr, rt_05c + i,
			    len - i < step ? len - i : step);
		rt_finish(t);
		assert_int_equal(t->n, 11);
		assert_int_equal(record_builder_count(t->f->rb), 11);
		for (size_t i = 0; i < 11; i++) {
			const struct rt_rec *r = &t->recs[i];

			assert_int_equal(r->line_number, want[i].first);
			assert_int_equal(r->nlines,
			    want[i].last - want[i].first + 1);
			assert_int_equal(r->offset,
			    rt_line_offset(rt_05c, want[i].first));
			assert_int_equal(r->end,
			    rt_line_offset(rt_05c, want[i].last + 1));
			assert_int_equal(r->ts, want[i].ts == STAMP_NONE ?
			    STAMP_NONE : want[i].ts * 1000);
			assert_string_equal(r->app, "omni-app");
			assert_false(r->is_cut);
			assert_false(r->is_orphan);
			assert_int_equal(r->starts_object,
			    want[i].starts_object);
			assert_false(r->is_open);
		}
		rt_expect_text(t, 0,
		    "[Omni] Failed to create ticket: {\n"
		    "  status: false,\n"
		    "  message: '',\n"
		    "  errors: {\n"
		    "    file: '/srv/api/vendor/laravel/lumen-framework/src/"
		    "Concerns/RoutesRequests.php',\n"
		    "    message: '',\n"
		    "    line: 229\n"
		    "  }\n"
		    "}");
		rt_expect_text(t, 2,
		    "[Omni] Failed to create ticket: {\n"
		    "  status: false,\n"
		    "  message: '',\n"
		    "  errors: { file: 'RoutesRequests.php', line: 229 }\n"
		    "}");
		rt_expect_text(t, 4,
		    "TypeError: Cannot read properties of undefined (reading "
		    "'ticketId') (iteration 1)\n"
		    "    at main (/srv/pm2lab/app/omni-test.js:65:19)");
		rt_expect_text(t, 10,
		    "Error: [Omni] simulated uncaught exception (fake, end of "
		    "test)\n"
		    "    at Timeout._onTimeout (/srv/pm2lab/app/omni-test.js:81:"
		    "30)\n"
		    "    at listOnTimeout (node:internal/timers:581:17)\n"
		    "    at process.processTimers (node:internal/timers:519:7)");
		rt_free(t);
	}
}

/* K07: one 7-line record, out as soon as its "}" arrives. */
static void
test_k07_node_error(void **state)
{
	struct rt *t = rt_new(NULL);

	(void)state;
	rt_feed(t, "2024-03-10T10:00:00.000Z Error: connect ECONNREFUSED "
	    "127.0.0.1:5432\n"
	    "    at TCPConnectWrap.afterConnect [as oncomplete] "
	    "(node:net:1555:16)\n");
	assert_int_equal(t->n, 0);
	assert_true(record_builder_is_open(t->f->rb));
	rt_feed(t, "    at Pool.connect (/srv/demo-api/db.js:10:5) {\n"
	    "  errno: -111,\n"
	    "  code: 'ECONNREFUSED',\n");
	assert_int_equal(t->n, 0);
	rt_feed(t, "  port: 5432\n}\n");
	/* No further line and no flush needed. */
	assert_int_equal(t->n, 1);
	assert_false(record_builder_is_open(t->f->rb));
	assert_int_equal(t->recs[0].nlines, 7);
	assert_int_equal(t->recs[0].line_number, 1);
	assert_false(t->recs[0].is_cut);
	assert_false(t->recs[0].is_orphan);
	assert_false(t->recs[0].is_open);
	rt_expect_text(t, 0,
	    "2024-03-10T10:00:00.000Z Error: connect ECONNREFUSED "
	    "127.0.0.1:5432\n"
	    "    at TCPConnectWrap.afterConnect [as oncomplete] "
	    "(node:net:1555:16)\n"
	    "    at Pool.connect (/srv/demo-api/db.js:10:5) {\n"
	    "  errno: -111,\n"
	    "  code: 'ECONNREFUSED',\n"
	    "  port: 5432\n"
	    "}");
	rt_finish(t);
	assert_int_equal(t->n, 1);
	rt_free(t);
}

/* K07 with a gap longer than the idle timeout: an explicit split. */
static void
test_k07_split_by_flush(void **state)
{
	struct rt *t = rt_new(NULL);

	(void)state;
	rt_feed(t, "2024-03-10T10:00:00.000Z Error: connect ECONNREFUSED "
	    "127.0.0.1:5432\n"
	    "    at TCPConnectWrap.afterConnect [as oncomplete] "
	    "(node:net:1555:16)\n");
	record_builder_flush(t->f->rb);	/* idle */
	assert_int_equal(t->n, 1);
	assert_int_equal(t->recs[0].nlines, 2);
	rt_feed(t, "    at Pool.connect (/srv/demo-api/db.js:10:5) {\n"
	    "  errno: -111,\n"
	    "  code: 'ECONNREFUSED',\n"
	    "  port: 5432\n}\n");
	assert_int_equal(t->n, 2);
	assert_int_equal(t->recs[1].nlines, 5);
	assert_int_equal(t->recs[1].line_number, 3);
	assert_true(t->recs[1].starts_object);
	assert_false(t->recs[1].is_open);
	rt_finish(t);
	assert_int_equal(t->n, 2);
	rt_free(t);
}

/*
 * 08 (fork mode, a burst): the record of seq=769 lost its head; after the
 * "}" that closed the record before it, its first line is an orphan.
 */
static void
test_orphan_after_close_08(void **state)
{
	struct rt *t = rt_new(NULL);

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	rt_feed(t, rt_08_seq769);
	rt_finish(t);
	assert_int_equal(t->n, 3);
	/* The excerpt starts inside a record: an orphan too. */
	assert_int_equal(t->recs[0].nlines, 4);
	assert_true(t->recs[0].is_orphan);
	rt_expect_text(t, 0, "    message: '',\n    line: 229\n  }\n}");

	assert_int_equal(t->recs[1].line_number, 5);
	assert_int_equal(t->recs[1].nlines, 9);
	assert_true(t->recs[1].is_orphan);
	assert_true(t->recs[1].starts_object);
	assert_false(t->recs[1].is_open);
	assert_int_equal(t->recs[1].ts, T_20_36_59 * 1000);
	rt_expect_text(t, 1,
	    " create ticket: seq=769 {\n"
	    "  status: false,\n"
	    "  message: '',\n"
	    "  errors: {\n"
	    "    file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/"
	    "RoutesRequests.php',\n"
	    "    message: '',\n"
	    "    line: 229\n"
	    "  }\n"
	    "}");

	/* Cut off by the end of the excerpt: opened, never closed. */
	assert_int_equal(t->recs[2].line_number, 14);
	assert_int_equal(t->recs[2].nlines, 4);
	assert_false(t->recs[2].is_orphan);
	assert_true(t->recs[2].starts_object);
	assert_true(t->recs[2].is_open);
	rt_free(t);
}

/* "ket: seq=2907 {" does not look like a continuation: no orphan. */
/*
 * A "{" that starts a record follows a record that left nothing open after
 * a plain line (PM2's fork mode dropped "[Omni] Ticket created
 * successfully: " in a burst: the brace is all that is left of the head),
 * not after a label line or an object still open.
 */
static void
test_follows_close_kinds(void **state)
{
	struct rt *t = rt_new(NULL);

	(void)state;
	rt_feed(t, "[http] POST /api/v1/tickets (ticket #2781)\n"
	    "{\n  ticketId: 52781\n}\n"
	    "[db] row as stored:\n"
	    "{\n  ticketId: 7\n}\n"
	    "[Omni] Failed to create ticket: {\n  errors: x\n"
	    "{\n  file: 'RoutesRequests.php'\n}\n"
	    "plain again\n"
	    "{\n  x: 1\n}\n");
	rt_finish(t);
	assert_int_equal(t->n, 8);
	assert_true(t->recs[0].follows_close);	/* the first record */
	assert_true(t->recs[1].follows_close);	/* after a plain line */
	assert_false(t->recs[3].follows_close);	/* after a label */
	assert_true(t->recs[4].follows_close);	/* after a closed object */
	assert_true(t->recs[4].is_open);
	assert_false(t->recs[5].follows_close);	/* inside an open one */
	assert_true(t->recs[7].follows_close);
	rt_free(t);
}

static void
test_lost_head_not_orphan_08(void **state)
{
	struct rt *t = rt_new(NULL);

	(void)state;
	rt_feed(t, rt_08_seq2907);
	rt_finish(t);
	assert_int_equal(t->n, 3);
	assert_int_equal(t->recs[1].nlines, 9);
	assert_false(t->recs[1].is_orphan);
	assert_true(t->recs[1].starts_object);
	assert_false(t->recs[1].is_open);
	assert_int_equal(strncmp(t->recs[1].text, "ket: seq=2907 {\n", 16), 0);
	rt_free(t);
}

static void
test_continuation_kinds(void **state)
{
	struct rt *t = rt_new(NULL);

	(void)state;
	rt_feed(t, "Head one\n"
	    "\n"
	    "\tafter a tab\n"
	    ") paren\n"
	    "] bracket text\n"
	    "}, brace text\n"
	    "Head two [\n"
	    "  1,\n"
	    "]\n"
	    "  orphan after ]\n"
	    "Head three\n"
	    "  }\n"
	    "  still three\n"
	    "}   \n"
	    "Head four\n");
	rt_finish(t);
	assert_int_equal(t->n, 5);
	rt_expect_text(t, 0, "Head one\n\n\tafter a tab\n) paren\n] bracket "
	    "text\n}, brace text");
	assert_int_equal(t->recs[0].nlines, 6);
	rt_expect_text(t, 1, "Head two [\n  1,\n]");
	assert_true(t->recs[1].starts_object);
	assert_false(t->recs[1].is_open);
	rt_expect_text(t, 2, "  orphan after ]");
	assert_true(t->recs[2].is_orphan);
	/* An indented "}" does not close; a "}" with trailing blanks does. */
	rt_expect_text(t, 3, "Head three\n  }\n  still three\n}   ");
	rt_expect_text(t, 4, "Head four");
	assert_false(t->recs[4].is_orphan);
	rt_free(t);
}

static void
test_first_line_continuation(void **state)
{
	struct rt *t = rt_new(NULL);

	(void)state;
	rt_feed(t, "    at f (x.js:1:1)\nHead\n");
	rt_finish(t);
	assert_int_equal(t->n, 2);
	assert_true(t->recs[0].is_orphan);
	assert_false(t->recs[1].is_orphan);

	/* An empty first line is an orphan too: PM2's fork mode leaves one
	 * where a whole head line was lost (samples/pm2/08), and the body
	 * after it must be recognisable as damaged. */
	rt_free(t);
	t = rt_new(NULL);
	rt_feed(t, "\nHead\n");
	rt_finish(t);
	assert_int_equal(t->n, 2);
	assert_true(t->recs[0].is_orphan);
	rt_free(t);
}

/* A record keeps its first line's time and app. */
static void
test_first_line_wins(void **state)
{
	struct record_rules rules;
	struct rt *t;
	struct pm2_line l;

	(void)state;
	memset(&rules, 0, sizeof(rules));
	t = rt_new(&rules);
	memset(&l, 0, sizeof(l));
	l.ptr = "Head";
	l.len = 4;
	l.ts_ms = 1000;
	l.app = "a1";
	l.offset = 10;
	l.end = 15;
	l.number = 3;
	record_builder_line(t->f->rb, &l);
	l.ptr = "  more";
	l.len = 6;
	l.ts_ms = 2000;
	l.app = "a2";
	l.offset = 15;
	l.end = 22;
	l.number = 4;
	record_builder_line(t->f->rb, &l);
	assert_true(record_builder_is_open(t->f->rb));
	assert_int_equal(record_builder_safe_offset(t->f->rb), 10);
	record_builder_flush(t->f->rb);
	assert_false(record_builder_is_open(t->f->rb));
	assert_int_equal(record_builder_safe_offset(t->f->rb), 22);
	assert_int_equal(t->n, 1);
	assert_int_equal(t->recs[0].ts, 1000);
	assert_string_equal(t->recs[0].app, "a1");
	assert_int_equal(t->recs[0].offset, 10);
	assert_int_equal(t->recs[0].end, 22);
	assert_int_equal(t->recs[0].line_number, 3);
	rt_expect_text(t, 0, "Head\n  more");
	/* Flushing with nothing open emits nothing. */
	record_builder_flush(t->f->rb);
	assert_int_equal(t->n, 1);
	assert_int_equal(record_builder_count(t->f->rb), 1);
	rt_free(t);
}

static void
test_safe_offset(void **state)
{
	struct rt *t = rt_new(NULL);

	(void)state;
	assert_int_equal(record_builder_safe_offset(t->f->rb), 0);
	rt_feed(t, "Error: x\n    at a\n");
	assert_true(record_builder_is_open(t->f->rb));
	assert_int_equal(record_builder_safe_offset(t->f->rb), 0);
	rt_feed(t, "Next\n");	/* offset 18 */
	assert_int_equal(t->n, 1);
	assert_int_equal(record_builder_safe_offset(t->f->rb), 18);
	rt_finish(t);
	assert_int_equal(record_builder_safe_offset(t->f->rb), 23);
	rt_free(t);
}

static void
test_max_lines(void **state)
{
	struct record_rules rules;
	struct rt *t;

	(void)state;
	memset(&rules, 0, sizeof(rules));
	rules.max_lines = 3;
	t = rt_new(&rules);
	rt_feed(t, "Error: x\n    at 1\n    at 2\n    at 3\n    at 4\n"
	    "    at 5\n    at 6\nNext\n");
	rt_finish(t);
	assert_int_equal(t->n, 4);
	rt_expect_text(t, 0, "Error: x\n    at 1\n    at 2");
	assert_int_equal(t->recs[0].nlines, 3);
	assert_true(t->recs[0].is_cut);
	rt_expect_text(t, 1, "    at 3\n    at 4\n    at 5");
	assert_int_equal(t->recs[1].nlines, 3);
	assert_int_equal(t->recs[1].line_number, 4);
	assert_true(t->recs[1].is_cut);
	rt_expect_text(t, 2, "    at 6");
	assert_false(t->recs[2].is_cut);
	rt_expect_text(t, 3, "Next");
	assert_false(t->recs[3].is_cut);
	rt_free(t);
}

/* The text never grows past max_bytes; the record is flagged cut. */
static void
test_max_bytes_text(void **state)
{
	struct record_rules rules;
	struct rt *t;

	(void)state;
	memset(&rules, 0, sizeof(rules));
	rules.max_bytes = 20;
	t = rt_new(&rules);
	rt_feed(t, "Error: abcdefghij\n    at f1\n    at f2\nNext\n");
	rt_finish(t);
	assert_true(t->n >= 2);
	assert_int_equal(t->recs[0].len, 20);
	assert_memory_equal(t->recs[0].text, "Error: abcdefghij\n  ", 20);
	assert_true(t->recs[0].is_cut);
	rt_expect_text(t, t->n - 1, "Next");
	assert_false(t->recs[t->n - 1].is_cut);
	rt_free(t);
}

/*
 * record.h: "A record is also closed when it reaches max_lines or
 * max_bytes (it is then flagged cut)".  The lines after the cut do not
 * vanish into a record that can hold no more text.
 */
static void
test_max_bytes_closes(void **state)
{
	struct record_rules rules;
	struct rt *t;

	(void)state;
	memset(&rules, 0, sizeof(rules));
	rules.max_bytes = 20;
	t = rt_new(&rules);
	rt_feed(t, "Error: abcdefghij\n    at f1\n    at f2\nNext\n");
	rt_finish(t);
	assert_int_equal(t->n, 3);
	assert_int_equal(t->recs[0].nlines, 2);
	assert_true(t->recs[0].is_cut);
	rt_expect_text(t, 1, "    at f2");
	assert_int_equal(t->recs[1].line_number, 3);
	rt_expect_text(t, 2, "Next");
	rt_free(t);
}

/* A line cut by the line reader makes its record cut. */
static void
test_cut_line_cuts_record(void **state)
{
	struct rt *t = calloc(1, sizeof(*t));
	char big[100];

	(void)state;
	assert_non_null(t);
	t->f = front_new(NULL, "omni-app", 16, rt_on_record, t);
	memset(big, 'x', sizeof(big));
	rt_feed(t, "Head\n  ");
	line_reader_feed(t->f->lr, big, sizeof(big));
	rt_feed(t, "\nNext\n");
	rt_finish(t);
	assert_int_equal(t->n, 2);
	assert_true(t->recs[0].is_cut);
	rt_expect_text(t, 0, "Head\n  xxxxxxxxxxxxxx");
	assert_false(t->recs[1].is_cut);
	rt_free(t);
}

static void
test_custom_record_start(void **state)
{
	struct record_rules rules;
	struct rt *t;
	pcre2_code *re = rt_re("^\\d{4}-\\d\\d-\\d\\d ");

	(void)state;
	memset(&rules, 0, sizeof(rules));
	rules.start = re;
	t = rt_new(&rules);
	rt_feed(t, "2024-01-01 first {\n"
	    "}\n"
	    "not a start\n"
	    "  indented\n"
	    "2024-01-02 second\n"
	    "Error: also not a start\n");
	rt_finish(t);
	assert_int_equal(t->n, 2);
	rt_expect_text(t, 0, "2024-01-01 first {\n}\nnot a start\n  indented");
	assert_int_equal(t->recs[0].nlines, 4);
	rt_expect_text(t, 1, "2024-01-02 second\nError: also not a start");
	rt_free(t);
	pcre2_code_free(re);
}

static void
test_custom_continuation(void **state)
{
	struct record_rules rules;
	struct rt *t;
	pcre2_code *re = rt_re("^(\\s|at |Caused by)");

	(void)state;
	memset(&rules, 0, sizeof(rules));
	rules.continuation = re;
	t = rt_new(&rules);
	rt_feed(t, "Exception x\n"
	    "at a.b(C.java:1)\n"
	    "Caused by: y\n"
	    "  more\n"
	    "}\n"
	    "Other\n"
	    "\n");
	rt_finish(t);
	assert_int_equal(t->n, 4);
	rt_expect_text(t, 0, "Exception x\nat a.b(C.java:1)\nCaused by: y\n  "
	    "more");
	rt_expect_text(t, 1, "}");
	rt_expect_text(t, 2, "Other");
	rt_expect_text(t, 3, "");
	rt_free(t);
	pcre2_code_free(re);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_rule_05c),
		cmocka_unit_test(test_k07_node_error),
		cmocka_unit_test(test_k07_split_by_flush),
		cmocka_unit_test(test_orphan_after_close_08),
		cmocka_unit_test(test_lost_head_not_orphan_08),
		cmocka_unit_test(test_follows_close_kinds),
		cmocka_unit_test(test_continuation_kinds),
		cmocka_unit_test(test_first_line_continuation),
		cmocka_unit_test(test_first_line_wins),
		cmocka_unit_test(test_safe_offset),
		cmocka_unit_test(test_max_lines),
		cmocka_unit_test(test_max_bytes_text),
		cmocka_unit_test(test_max_bytes_closes),
		cmocka_unit_test(test_cut_line_cuts_record),
		cmocka_unit_test(test_custom_record_start),
		cmocka_unit_test(test_custom_continuation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

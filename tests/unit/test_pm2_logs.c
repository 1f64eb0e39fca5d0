/*
 * test_pm2_logs: what `pm2 logs` prints, through the front of the
 * pipeline (line reader, PM2 decoder, record builder), as
 * `pm2 logs | omniwatch scan -` reads it.
 *
 * `pm2 logs` mixes the lines of every app and cluster instance in one
 * output, each behind its "<pm_id>|<app> | " prefix
 * (../shared/samples/pm2/06): the records of each prefix are assembled
 * apart (record.h), and a bounded number of them at once.  For a
 * log_type json app it shows the file's JSON lines behind the prefix,
 * which are read as they are without it.
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

#include "front.h"
#include "pm2.h"
#include "record.h"

#define PL_MAX		4096

#define T_10_00_00	1795946400000LL	/* 2026-11-29T10:00:00Z, ms */

struct pl_rec {
	char		*text;
	char		 app[64];
	char		 key[PM2_KEY_MAX + 1];	/* of its first line */
	int64_t		 ts;
	size_t		 nlines;
	bool		 is_orphan;
};

struct pl {
	struct front	*f;
	struct pl_rec	 recs[PL_MAX];
	size_t		 n;
	/* The key of the last message line, as the decoder gave it. */
	char		 last_key[PM2_KEY_MAX + 1];
};

static void
pl_on_record(void *ctx, const struct record *r)
{
	struct pl *t = ctx;
	struct pl_rec *o;

	assert_true(t->n < PL_MAX);
	o = &t->recs[t->n++];
	o->text = malloc(r->len + 1);
	assert_non_null(o->text);
	memcpy(o->text, r->text, r->len);
	o->text[r->len] = '\0';
	snprintf(o->app, sizeof(o->app), "%s", r->app);
	o->ts = r->ts_ms;
	o->nlines = r->nlines;
	o->is_orphan = r->is_orphan;
}

static void
pl_on_line(void *ctx, const struct pm2_line *l)
{
	struct pl *t = ctx;

	assert_true(l->key_len <= PM2_KEY_MAX);
	memcpy(t->last_key, l->key != NULL ? l->key : "", l->key_len);
	t->last_key[l->key_len] = '\0';
}

static struct pl *
pl_new(void)
{
	struct pl *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->f = front_new(NULL, "stdin", 0, pl_on_record, t);
	t->f->on_line = pl_on_line;
	return t;
}

static void
pl_feed(struct pl *t, const char *s)
{
	front_feed(t->f, s);
}

/* Feeds the text FMT makes (up to 255 bytes). */
static void __attribute__((format(printf, 2, 3)))
pl_feedf(struct pl *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	front_feed(t->f, buf);
}

static void
pl_finish(struct pl *t)
{
	front_finish(t->f);
}

static void
pl_free(struct pl *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->recs[i].text);
	front_free(t->f);
	free(t);
}

/* Record I (in the order emitted) is TEXT, of APP. */
static void
pl_expect(const struct pl *t, size_t i, const char *text, const char *app)
{
	assert_true(i < t->n);
	if (strcmp(t->recs[i].text, text) != 0)
		fail_msg("record %zu: '%s', expected '%s'", i, t->recs[i].text,
		    text);
	assert_string_equal(t->recs[i].app, app);
}

/* The case: a line of web between the lines of api's record. */
static void
test_apps_interleaved(void **state)
{
	struct pl *t = pl_new();

	(void)state;
	pl_feed(t,
	    "0|api  | [Omni] Failed to create ticket: {\n"
	    "1|web  | plain line from web\n"
	    "0|api  |   status: false,\n"
	    "1|web  | [Omni] Ticket created successfully: {\n"
	    "0|api  |   errors: 'RoutesRequests.php'\n"
	    "1|web  |   ticketId: 7,\n"
	    "1|web  |   ticket_number: 'W-7'\n"
	    "0|api  | }\n"
	    "1|web  | }\n");
	pl_finish(t);
	assert_int_equal(t->n, 3);
	pl_expect(t, 0, "plain line from web", "web");
	pl_expect(t, 1, "[Omni] Failed to create ticket: {\n  status: false,\n"
	    "  errors: 'RoutesRequests.php'\n}", "api");
	pl_expect(t, 2, "[Omni] Ticket created successfully: {\n"
	    "  ticketId: 7,\n  ticket_number: 'W-7'\n}", "web");
	assert_false(t->recs[1].is_orphan);
	assert_false(t->recs[2].is_orphan);
	pl_free(t);
}

/*
 * Two instances of one cluster app: the same app, two prefixes, two
 * streams; `--timestamp`'s display time does not change the stream.
 */
static void
test_instances_interleaved(void **state)
{
	struct pl *t = pl_new();

	(void)state;
	pl_feed(t,
	    "\033[31m0|api  | \033[39m[Omni] Failed to create ticket: {\n"
	    "\033[31m1|api  | \033[39m[Omni] Failed to create ticket: {\n"
	    "\033[31m0|api  | \033[39m  status: false,\n"
	    "\033[31m1|api  | \033[39m  status: false,\n"
	    "\033[2m\033[90m2026-11-29 10:00:00 \033[39m\033[22m\033[31m"
	    "1|api  | \033[39m}\n"
	    "\033[31m0|api  | \033[39m}\n");
	pl_finish(t);
	assert_int_equal(t->n, 2);
	pl_expect(t, 0, "[Omni] Failed to create ticket: {\n  status: false,\n"
	    "}", "api");
	pl_expect(t, 1, "[Omni] Failed to create ticket: {\n  status: false,\n"
	    "}", "api");
	pl_free(t);
}

/*
 * `pm2 logs` shows one fork app's out (green) and err (red) behind the
 * same prefix, and out of order (tester10): the colours keep the two
 * records apart.
 */
static void
test_out_err_apart(void **state)
{
	struct pl *t = pl_new();

	(void)state;
	pl_feed(t,
	    "\033[31m1|f2  | \033[39m[Omni] Failed to create ticket: {\n"
	    "\033[31m1|f2  | \033[39m  status: false,\n"
	    "\033[32m1|f2  | \033[39m[Omni] Ticket created successfully: {\n"
	    "\033[31m1|f2  | \033[39m  errors: 'RoutesRequests.php'\n"
	    "\033[32m1|f2  | \033[39m  ticketId: 7,\n"
	    "\033[31m1|f2  | \033[39m}\n"
	    "\033[32m1|f2  | \033[39m  ticket_number: 'W-7'\n"
	    "\033[32m1|f2  | \033[39m}\n");
	pl_finish(t);
	assert_int_equal(t->n, 2);
	pl_expect(t, 0, "[Omni] Failed to create ticket: {\n  status: false,\n"
	    "  errors: 'RoutesRequests.php'\n}", "f2");
	pl_expect(t, 1, "[Omni] Ticket created successfully: {\n"
	    "  ticketId: 7,\n  ticket_number: 'W-7'\n}", "f2");
	pl_free(t);
}

/* The keys the decoder gives: colour, pm_id and app, PM2's own, none. */
static void
test_keys(void **state)
{
	static const struct {
		const char *line, *key;
	} cases[] = {
		{ "0|api  | x\n", "0|api" },
		{ "\033[32m12|web | \033[39mx\n", "\033[32m12|web" },
		{ "2026-11-29 10:00:00 3|api | x\n", "3|api" },
		{ "\033[34mPM2        | \033[39mApp [api:0] online\n",
		    "\033[34mPM2" },
		{ "plain\n", "" },
		{ "2026-11-29T10:00:00: stamped\n", "" },
		{ "\033[0m\n", "" },
	};
	struct pl *t = pl_new();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_feed(t, cases[i].line);
		assert_string_equal(t->last_key, cases[i].key);
	}
	pl_finish(t);
	pl_free(t);
}

/*
 * `pm2 logs` shows a log_type json app's file as it is, a JSON object
 * behind each prefix.  One message holding two records gives the two
 * records, with the object's time and app, as the same line does read
 * from the file itself.
 */
static void
test_json_behind_prefix(void **state)
{
	static const char json[] =
	    "{\"message\":\"[Omni] Failed to create ticket: {\\n"
	    "  status: false,\\n  errors: 'RoutesRequests.php'\\n}\\n"
	    "[Omni] Ticket created successfully: {\\n  ticketId: 1,\\n"
	    "  ticket_number: 'X'\\n}\\n\",\"timestamp\":"
	    "\"2026-11-29T10:00:00.000Z\",\"type\":\"err\",\"process_id\":0,"
	    "\"app_name\":\"api\"}\n";
	struct pl *file = pl_new(), *cli = pl_new();
	char *line;

	(void)state;
	pl_feed(file, json);
	pl_finish(file);
	assert_int_equal(file->n, 2);
	line = malloc(strlen(json) + 32);
	assert_non_null(line);
	snprintf(line, strlen(json) + 32, "\033[31m0|api | \033[39m%s", json);
	pl_feed(cli, line);
	pl_finish(cli);
	assert_int_equal(cli->n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(cli->recs[i].text, file->recs[i].text);
		assert_string_equal(cli->recs[i].app, "api");
		assert_int_equal(cli->recs[i].ts, T_10_00_00);
		assert_int_equal(cli->recs[i].ts, file->recs[i].ts);
	}
	pl_expect(cli, 0, "[Omni] Failed to create ticket: {\n"
	    "  status: false,\n  errors: 'RoutesRequests.php'\n}", "api");
	pl_expect(cli, 1, "[Omni] Ticket created successfully: {\n"
	    "  ticketId: 1,\n  ticket_number: 'X'\n}", "api");
	assert_int_equal(pm2_decoder_json_lines(cli->f->dec), 1);
	free(line);
	pl_free(file);
	pl_free(cli);
}

/*
 * A JSON message piece that waits for the rest of its line (a fork-mode
 * pipe chunk, cut without LF) does not run on into the next object of
 * another prefix: it ends there, as before a raw line.
 */
static void
test_json_piece_of_another_stream(void **state)
{
	size_t big = 40 * 1024;
	char *buf = malloc(big + 512);
	size_t n;

	(void)state;
	assert_non_null(buf);
	n = (size_t)snprintf(buf, 512, "0|a | {\"message\":\"[Omni] Failed "
	    "to create ticket: ");
	memset(buf + n, 'x', big);
	n += big;
	n += (size_t)snprintf(buf + n, 512, "\",\"app_name\":\"a\"}\n"
	    "1|b | {\"message\":\"more\\n\",\"app_name\":\"b\"}\n");
	{
		struct pl *t = pl_new();

		pl_feed(t, buf);
		pl_finish(t);
		assert_int_equal(t->n, 2);
		assert_int_equal(strlen(t->recs[0].text), 32 + big);
		assert_string_equal(t->recs[0].app, "a");
		pl_expect(t, 1, "more", "b");
		pl_free(t);
	}
	free(buf);
}

/* A line behind no prefix (the CLI's header before the next file) ends
 * the prefixed records; a prefixed line ends the record behind none. */
static void
test_plain_line_ends_prefixed(void **state)
{
	struct pl *t = pl_new();

	(void)state;
	pl_feed(t,
	    "0|api | [Omni] Failed to create ticket: {\n"
	    "/home/app/.pm2/logs/api-error.log last 15 lines:\n"
	    "0|api |   status: false,\n"
	    "0|api | }\n");
	pl_finish(t);
	assert_int_equal(t->n, 3);
	pl_expect(t, 0, "[Omni] Failed to create ticket: {", "api");
	pl_expect(t, 1, "/home/app/.pm2/logs/api-error.log last 15 lines:",
	    "stdin");
	pl_expect(t, 2, "  status: false,\n}", "api");
	pl_free(t);
}

/*
 * Thousands of distinct prefixes (damage, or a hostile input): the
 * complete records of each, two streams at a time, all counted right;
 * past RECORD_STREAMS_MAX open at once, the quietest is emitted early and
 * the rest go on, and nothing is lost.
 */
static void
test_many_prefixes(void **state)
{
	struct pl *t = pl_new();
	size_t nstreams = 3000;

	(void)state;
	for (size_t i = 0; i < nstreams; i += 2) {
		for (size_t k = i; k < i + 2; k++)
			pl_feedf(t, "%zu|app-%zu | [Omni] Failed to create "
			    "ticket: {\n", k, k);
		for (size_t k = i; k < i + 2; k++)
			pl_feedf(t, "%zu|app-%zu |   status: false,\n"
			    "%zu|app-%zu | }\n", k, k, k, k);
	}
	assert_int_equal(t->n, nstreams);
	for (size_t i = 0; i < nstreams; i++)
		assert_int_equal(t->recs[i].nlines, 3);
	pl_expect(t, 0, "[Omni] Failed to create ticket: {\n  status: false,\n"
	    "}", "app-0");
	/* Apps past what the decoder keeps (256) have the default name. */
	pl_expect(t, nstreams - 1, "[Omni] Failed to create ticket: {\n"
	    "  status: false,\n}", "stdin");

	/* RECORD_STREAMS_MAX + 10 records open at once: the 10 quietest
	 * are emitted, cut short, when the last 10 begin. */
	for (size_t i = 0; i < RECORD_STREAMS_MAX + 10; i++)
		pl_feedf(t, "%zu|open-%zu | [Omni] Failed to create ticket: "
		    "{\n", i, i);
	assert_int_equal(t->n, nstreams + 10);
	for (size_t i = nstreams; i < nstreams + 10; i++)
		assert_int_equal(t->recs[i].nlines, 1);
	assert_true(record_builder_is_open(t->f->rb));
	/* Closed the newest first: the open ones are whole, and the ends
	 * of the 10 emitted are records of their own (orphans). */
	for (size_t i = RECORD_STREAMS_MAX + 10; i > 0; i--)
		pl_feedf(t, "%zu|open-%zu | }\n", i - 1, i - 1);
	pl_finish(t);
	assert_false(record_builder_is_open(t->f->rb));
	assert_int_equal(t->n, nstreams + 20 + RECORD_STREAMS_MAX);
	for (size_t i = nstreams + 10; i < nstreams + 10 + RECORD_STREAMS_MAX;
	    i++) {
		assert_int_equal(t->recs[i].nlines, 2);
		assert_false(t->recs[i].is_orphan);
	}
	for (size_t i = nstreams + 10 + RECORD_STREAMS_MAX; i < t->n; i++) {
		assert_int_equal(t->recs[i].nlines, 1);
		assert_true(t->recs[i].is_orphan);
	}
	pl_free(t);
}

/* Where to resume: the first line of the oldest open record of all. */
static void
test_safe_offset(void **state)
{
	struct pl *t = pl_new();

	(void)state;
	pl_feed(t, "0|a | [Omni] Failed to create ticket: {\n");	/* 0 */
	pl_feed(t, "1|b | [Omni] Failed to create ticket: {\n");	/* 40 */
	assert_int_equal(record_builder_safe_offset(t->f->rb), 0);
	pl_feed(t, "0|a | }\n");
	assert_int_equal(record_builder_safe_offset(t->f->rb), 40);
	pl_feed(t, "1|b | }\n");
	assert_false(record_builder_is_open(t->f->rb));
	assert_int_equal(record_builder_safe_offset(t->f->rb), 96);
	pl_finish(t);
	pl_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apps_interleaved),
		cmocka_unit_test(test_instances_interleaved),
		cmocka_unit_test(test_out_err_apart),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_json_behind_prefix),
		cmocka_unit_test(test_json_piece_of_another_stream),
		cmocka_unit_test(test_plain_line_ends_prefixed),
		cmocka_unit_test(test_many_prefixes),
		cmocka_unit_test(test_safe_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

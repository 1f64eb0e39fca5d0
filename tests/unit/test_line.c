/*
 * test_line: bytes into lines (line.h).
 *
 * Every test feeds a byte string, collects what the reader hands out
 * (lines with their offsets and flags, NUL runs) and compares it with the
 * exact expected values.  Field cases: K02 (NUL runs), K06 (long lines,
 * with a small cap), K09 (CRLF, lone CR).
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

#include "line.h"

#define LT_MAX	64

struct lt_line {
	char		*text;
	size_t		 len;
	uint64_t	 offset, end, number;
	bool		 is_cut, has_lf;
};

struct lt_nul {
	uint64_t	 offset, length;
};

struct lt {
	struct line_reader *lr;
	struct lt_line	 lines[LT_MAX];
	size_t		 nlines;
	struct lt_nul	 nuls[LT_MAX];
	size_t		 nnuls;
};

static void
lt_on_line(void *ctx, const struct line *l)
{
	struct lt *t = ctx;
	struct lt_line *o;

	assert_true(t->nlines < LT_MAX);
	o = &t->lines[t->nlines++];
	o->text = malloc(l->len + 1);
	assert_non_null(o->text);
	memcpy(o->text, l->ptr, l->len);
	o->text[l->len] = '\0';
	o->len = l->len;
	o->offset = l->offset;
	o->end = l->end;
	o->number = l->number;
	o->is_cut = l->is_cut;
	o->has_lf = l->has_lf;
}

static void
lt_on_nul(void *ctx, uint64_t offset, uint64_t length)
{
	struct lt *t = ctx;

	assert_true(t->nnuls < LT_MAX);
	t->nuls[t->nnuls].offset = offset;
	t->nuls[t->nnuls].length = length;
	t->nnuls++;
}

static struct lt *
lt_new(size_t max_line)
{
	struct lt *t = calloc(1, sizeof(*t));
	struct line_reader_cb cb = { lt_on_line, lt_on_nul, NULL, NULL, NULL };

	assert_non_null(t);
	cb.ctx = t;
	t->lr = line_reader_new(max_line, &cb);
	assert_non_null(t->lr);
	return t;
}

static void
lt_clear(struct lt *t)
{
	for (size_t i = 0; i < t->nlines; i++)
		free(t->lines[i].text);
	t->nlines = 0;
	t->nnuls = 0;
}

static void
lt_free(struct lt *t)
{
	lt_clear(t);
	line_reader_free(t->lr);
	free(t);
}

/* Feeds LEN bytes of P in chunks of STEP bytes (0: all at once). */
static void
lt_feed(struct lt *t, const char *p, size_t len, size_t step)
{
	if (step == 0)
		step = len;
	for (size_t i = 0; i < len; i += step)
		line_reader_feed(t->lr, p + i, len - i < step ? len - i : step);
}

static void
lt_expect(const struct lt *t, size_t i, const char *text, size_t len,
    uint64_t offset, uint64_t end, uint64_t number, bool is_cut, bool has_lf)
{
	const struct lt_line *l;

	assert_true(i < t->nlines);
	l = &t->lines[i];
	assert_int_equal(l->len, len);
	assert_memory_equal(l->text, text, len);
	assert_int_equal(l->offset, offset);
	assert_int_equal(l->end, end);
	assert_int_equal(l->number, number);
	assert_int_equal(l->is_cut, is_cut);
	assert_int_equal(l->has_lf, has_lf);
}

#define EXPECT(t, i, s, off, end, num, cut, lf) \
	lt_expect((t), (i), (s), sizeof(s) - 1, (off), (end), (num), (cut), (lf))

static void
test_lf(void **state)
{
	struct lt *t = lt_new(0);
	const char in[] = "a\nbb\n\nccc\n";

	(void)state;
	lt_feed(t, in, sizeof(in) - 1, 0);
	assert_int_equal(t->nlines, 4);
	EXPECT(t, 0, "a", 0, 2, 1, false, true);
	EXPECT(t, 1, "bb", 2, 5, 2, false, true);
	EXPECT(t, 2, "", 5, 6, 3, false, true);
	EXPECT(t, 3, "ccc", 6, 10, 4, false, true);
	assert_false(line_reader_in_line(t->lr));
	assert_int_equal(line_reader_done_offset(t->lr), 10);
	line_reader_finish(t->lr, true);
	assert_int_equal(t->nlines, 4);
	assert_int_equal(t->nnuls, 0);
	assert_int_equal(line_reader_cut_lines(t->lr), 0);
	lt_free(t);
}

static void
test_crlf(void **state)
{
	struct lt *t = lt_new(0);
	/* K09, first part. */
	const char in[] = "req=1 status=500 ERROR\r\nreq=2 status=200 OK\r\n"
	    "req=3 status=503 ERROR\r\nreq=4 mixed-endings ERROR\n";

	(void)state;
	lt_feed(t, in, sizeof(in) - 1, 0);
	assert_int_equal(t->nlines, 4);
	EXPECT(t, 0, "req=1 status=500 ERROR", 0, 24, 1, false, true);
	EXPECT(t, 1, "req=2 status=200 OK", 24, 45, 2, false, true);
	EXPECT(t, 2, "req=3 status=503 ERROR", 45, 69, 3, false, true);
	EXPECT(t, 3, "req=4 mixed-endings ERROR", 69, 95, 4, false, true);
	lt_free(t);
}

static void
test_crlf_only_one_cr_dropped(void **state)
{
	struct lt *t = lt_new(0);
	const char in[] = "x\r\r\n\r\n";

	(void)state;
	lt_feed(t, in, sizeof(in) - 1, 0);
	assert_int_equal(t->nlines, 2);
	EXPECT(t, 0, "x\r", 0, 4, 1, false, true);
	EXPECT(t, 1, "", 4, 6, 2, false, true);
	lt_free(t);
}

static void
test_lone_cr_kept(void **state)
{
	struct lt *t = lt_new(0);
	/* K09: a lone CR is not a line break. */
	const char in[] = "req=5 ERROR lone-cr\rreq=6 ERROR same-physical-line\n";

	(void)state;
	lt_feed(t, in, sizeof(in) - 1, 0);
	assert_int_equal(t->nlines, 1);
	EXPECT(t, 0, "req=5 ERROR lone-cr\rreq=6 ERROR same-physical-line",
	    0, sizeof(in) - 1, 1, false, true);
	lt_free(t);
}

/*
 * Splitting the input at any byte gives the same lines as feeding it
 * whole: every line that spans two feed() calls is gathered correctly,
 * including a CRLF cut between its CR and its LF.
 */
static void
test_split_everywhere(void **state)
{
	const char in[] = "first line\r\n\nsecond\rstill second\n"
	    "third\r\n\r\nlast one\n";
	size_t len = sizeof(in) - 1;
	struct lt *whole = lt_new(0);

	(void)state;
	lt_feed(whole, in, len, 0);
	assert_int_equal(whole->nlines, 6);
	EXPECT(whole, 0, "first line", 0, 12, 1, false, true);
	EXPECT(whole, 1, "", 12, 13, 2, false, true);
	EXPECT(whole, 2, "second\rstill second", 13, 33, 3, false, true);
	EXPECT(whole, 3, "third", 33, 40, 4, false, true);
	EXPECT(whole, 4, "", 40, 42, 5, false, true);
	EXPECT(whole, 5, "last one", 42, 51, 6, false, true);

	for (size_t cut = 0; cut <= len; cut++) {
		struct lt *t = lt_new(0);

		line_reader_feed(t->lr, in, cut);
		line_reader_feed(t->lr, in + cut, len - cut);
		assert_int_equal(t->nlines, whole->nlines);
		for (size_t i = 0; i < whole->nlines; i++)
			lt_expect(t, i, whole->lines[i].text,
			    whole->lines[i].len, whole->lines[i].offset,
			    whole->lines[i].end, whole->lines[i].number,
			    false, true);
		assert_int_equal(line_reader_done_offset(t->lr), len);
		lt_free(t);
	}
	/* Three pieces: every pair of cut points. */
	for (size_t a = 0; a <= len; a++)
		for (size_t b = a; b <= len; b++) {
			struct lt *t = lt_new(0);

			line_reader_feed(t->lr, in, a);
			line_reader_feed(t->lr, in + a, b - a);
			line_reader_feed(t->lr, in + b, len - b);
			assert_int_equal(t->nlines, whole->nlines);
			for (size_t i = 0; i < whole->nlines; i++) {
				assert_int_equal(t->lines[i].len,
				    whole->lines[i].len);
				assert_memory_equal(t->lines[i].text,
				    whole->lines[i].text, whole->lines[i].len);
				assert_int_equal(t->lines[i].offset,
				    whole->lines[i].offset);
			}
			lt_free(t);
		}
	/* One byte at a time. */
	{
		struct lt *t = lt_new(0);

		lt_feed(t, in, len, 1);
		assert_int_equal(t->nlines, whole->nlines);
		for (size_t i = 0; i < whole->nlines; i++)
			lt_expect(t, i, whole->lines[i].text,
			    whole->lines[i].len, whole->lines[i].offset,
			    whole->lines[i].end, whole->lines[i].number,
			    false, true);
		lt_free(t);
	}
	lt_free(whole);
}

/* K06 with a cap of 32 bytes: long lines are cut, flagged and counted. */
static char *
lt_k06_input(size_t *len)
{
	size_t cap = 100000, n = 0;
	char *p = malloc(cap);

	assert_non_null(p);
	n += (size_t)sprintf(p + n, "req=1 ERROR before\n");		/* 0..19 */
	n += (size_t)sprintf(p + n, "req=2 ERROR huge ");		/* 19.. */
	memset(p + n, 'x', 1000);
	n += 1000;
	p[n++] = '\n';							/* ..1037 */
	memset(p + n, 'y', 3000);					/* 1037.. */
	n += 3000;
	p[n++] = '\n';							/* ..4038 */
	n += (size_t)sprintf(p + n, "req=3 ERROR after\n");		/* ..4056 */
	*len = n;
	return p;
}

static void
lt_check_k06(const struct lt *t)
{
	char head2[33], head3[33];

	memcpy(head2, "req=2 ERROR huge ", 17);
	memset(head2 + 17, 'x', 15);
	memset(head3, 'y', 32);
	assert_int_equal(t->nlines, 4);
	EXPECT(t, 0, "req=1 ERROR before", 0, 19, 1, false, true);
	lt_expect(t, 1, head2, 32, 19, 1037, 2, true, true);
	lt_expect(t, 2, head3, 32, 1037, 4038, 3, true, true);
	EXPECT(t, 3, "req=3 ERROR after", 4038, 4056, 4, false, true);
	assert_int_equal(line_reader_cut_lines(t->lr), 2);
	assert_int_equal(line_reader_done_offset(t->lr), 4056);
}

static void
test_cap_k06(void **state)
{
	static const size_t steps[] = { 0, 1, 7, 32, 33, 100, 4096 };
	size_t len;
	char *in = lt_k06_input(&len);

	(void)state;
	assert_int_equal(len, 4056);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct lt *t = lt_new(32);

		lt_feed(t, in, len, steps[i]);
		lt_check_k06(t);
		lt_free(t);
	}
	free(in);
}

static void
test_cap_boundary(void **state)
{
	struct lt *t;
	char in[80];

	(void)state;
	/* Exactly the cap: not cut.  One byte more: cut. */
	memset(in, 'a', 16);
	in[16] = '\n';
	memset(in + 17, 'b', 17);
	in[34] = '\n';
	for (size_t step = 0; step <= 17; step++) {
		char b16[16];

		memset(b16, 'b', 16);
		t = lt_new(16);
		lt_feed(t, in, 35, step);
		assert_int_equal(t->nlines, 2);
		lt_expect(t, 0, "aaaaaaaaaaaaaaaa", 16, 0, 17, 1, false, true);
		lt_expect(t, 1, b16, 16, 17, 35, 2, true, true);
		assert_int_equal(line_reader_cut_lines(t->lr), 1);
		lt_free(t);
	}
}

/*
 * The cap counts line bytes, and line.len excludes a CR before LF: a
 * 16-byte line ending in CRLF is not longer than a 16-byte cap.
 */
static void
test_cap_crlf_not_cut(void **state)
{
	char in[18];

	(void)state;
	memset(in, 'c', 16);
	in[16] = '\r';
	in[17] = '\n';
	for (size_t step = 0; step <= 18; step++) {
		struct lt *t = lt_new(16);

		lt_feed(t, in, 18, step);
		assert_int_equal(t->nlines, 1);
		lt_expect(t, 0, "cccccccccccccccc", 16, 0, 18, 1, false, true);
		assert_int_equal(line_reader_cut_lines(t->lr), 0);
		lt_free(t);
	}
}

/* K02: a run of NULs where a truncated file was written past its end. */
static void
test_nul_run_at_line_start(void **state)
{
	char in[12 + 100 + 12 + 12];
	size_t n = 0;

	(void)state;
	memcpy(in + n, "req=1 ERROR\n", 12);
	n += 12;
	memset(in + n, 0, 100);
	n += 100;
	memcpy(in + n, "req=2 ERROR\n", 12);
	n += 12;
	memcpy(in + n, "req=3 ERROR\n", 12);
	n += 12;
	for (size_t step = 0; step <= 13; step++) {
		struct lt *t = lt_new(0);

		lt_feed(t, in, n, step);
		assert_int_equal(t->nlines, 3);
		EXPECT(t, 0, "req=1 ERROR", 0, 12, 1, false, true);
		EXPECT(t, 1, "req=2 ERROR", 112, 124, 2, false, true);
		EXPECT(t, 2, "req=3 ERROR", 124, 136, 3, false, true);
		assert_int_equal(t->nnuls, 1);
		assert_int_equal(t->nuls[0].offset, 12);
		assert_int_equal(t->nuls[0].length, 100);
		assert_int_equal(line_reader_nul_bytes(t->lr), 100);
		line_reader_finish(t->lr, true);
		assert_int_equal(t->nnuls, 1);
		assert_int_equal(t->nlines, 3);
		lt_free(t);
	}
}

static void
test_nul_run_at_stream_start(void **state)
{
	char in[5000 + 6];
	struct lt *t = lt_new(64);	/* the run is longer than the cap */

	(void)state;
	memset(in, 0, 5000);
	memcpy(in + 5000, "hello\n", 6);
	lt_feed(t, in, sizeof(in), 0);
	assert_int_equal(t->nlines, 1);
	EXPECT(t, 0, "hello", 5000, 5006, 1, false, true);
	assert_int_equal(t->nnuls, 1);
	assert_int_equal(t->nuls[0].offset, 0);
	assert_int_equal(t->nuls[0].length, 5000);
	assert_int_equal(line_reader_cut_lines(t->lr), 0);
	lt_free(t);
}

static void
test_nul_run_mid_line(void **state)
{
	const char in[] = "abc\0\0\0\0\0def\nnext\n";
	size_t len = sizeof(in) - 1;

	(void)state;
	for (size_t step = 0; step <= len; step++) {
		struct lt *t = lt_new(0);

		lt_feed(t, in, len, step);
		assert_int_equal(t->nlines, 2);
		EXPECT(t, 0, "abcdef", 0, 12, 1, false, true);
		EXPECT(t, 1, "next", 12, 17, 2, false, true);
		assert_int_equal(t->nnuls, 1);
		assert_int_equal(t->nuls[0].offset, 3);
		assert_int_equal(t->nuls[0].length, 5);
		assert_int_equal(line_reader_nul_bytes(t->lr), 5);
		lt_free(t);
	}
}

static void
test_nul_runs_two(void **state)
{
	const char in[] = "\0\0a\n\0b\n";
	struct lt *t = lt_new(0);

	(void)state;
	lt_feed(t, in, sizeof(in) - 1, 1);
	assert_int_equal(t->nlines, 2);
	EXPECT(t, 0, "a", 2, 4, 1, false, true);
	EXPECT(t, 1, "b", 5, 7, 2, false, true);
	assert_int_equal(t->nnuls, 2);
	assert_int_equal(t->nuls[0].offset, 0);
	assert_int_equal(t->nuls[0].length, 2);
	assert_int_equal(t->nuls[1].offset, 4);
	assert_int_equal(t->nuls[1].length, 1);
	assert_int_equal(line_reader_nul_bytes(t->lr), 3);
	lt_free(t);
}

/* A run still open at the end of input is reported by finish(). */
static void
test_nul_run_at_end(void **state)
{
	const char in[] = "a\n\0\0\0";
	struct lt *t = lt_new(0);

	(void)state;
	lt_feed(t, in, sizeof(in) - 1, 0);
	assert_int_equal(t->nlines, 1);
	assert_int_equal(t->nnuls, 0);
	line_reader_finish(t->lr, true);
	assert_int_equal(t->nlines, 1);
	assert_int_equal(t->nnuls, 1);
	assert_int_equal(t->nuls[0].offset, 2);
	assert_int_equal(t->nuls[0].length, 3);
	assert_int_equal(line_reader_done_offset(t->lr), 2);
	lt_free(t);
}

static void
test_partial_last_line(void **state)
{
	const char in[] = "req=1 ERROR a\nreq=2 ERROR b\nreq=3 ERR";
	struct lt *t;

	(void)state;
	/* A file read to its end: the last line counts, without LF. */
	t = lt_new(0);
	lt_feed(t, in, sizeof(in) - 1, 0);
	assert_int_equal(t->nlines, 2);
	assert_true(line_reader_in_line(t->lr));
	assert_int_equal(line_reader_done_offset(t->lr), 28);
	line_reader_finish(t->lr, true);
	assert_int_equal(t->nlines, 3);
	EXPECT(t, 2, "req=3 ERR", 28, 37, 3, false, false);
	assert_false(line_reader_in_line(t->lr));
	assert_int_equal(line_reader_done_offset(t->lr), 37);
	lt_free(t);

	/* Input that ended in damage: the fragment is dropped. */
	t = lt_new(0);
	lt_feed(t, in, sizeof(in) - 1, 5);
	line_reader_finish(t->lr, false);
	assert_int_equal(t->nlines, 2);
	EXPECT(t, 1, "req=2 ERROR b", 14, 28, 2, false, true);
	assert_false(line_reader_in_line(t->lr));
	assert_int_equal(line_reader_done_offset(t->lr), 28);
	lt_free(t);
}

static void
test_done_offset(void **state)
{
	struct lt *t = lt_new(0);

	(void)state;
	assert_int_equal(line_reader_done_offset(t->lr), 0);
	assert_false(line_reader_in_line(t->lr));
	line_reader_feed(t->lr, "abc", 3);
	assert_true(line_reader_in_line(t->lr));
	assert_int_equal(line_reader_done_offset(t->lr), 0);
	line_reader_feed(t->lr, "\nde", 3);
	assert_int_equal(line_reader_done_offset(t->lr), 4);
	assert_true(line_reader_in_line(t->lr));
	line_reader_feed(t->lr, "f\n", 2);
	assert_int_equal(line_reader_done_offset(t->lr), 8);
	assert_false(line_reader_in_line(t->lr));
	assert_int_equal(t->nlines, 2);
	EXPECT(t, 1, "def", 4, 8, 2, false, true);
	lt_free(t);
}

/* After a truncation the reader restarts at an offset, numbering from 1. */
static void
test_reset(void **state)
{
	struct lt *t = lt_new(0);

	(void)state;
	line_reader_feed(t->lr, "one\ntwo\nthr", 11);
	assert_int_equal(t->nlines, 2);
	line_reader_reset(t->lr, 0);
	assert_false(line_reader_in_line(t->lr));
	assert_int_equal(line_reader_done_offset(t->lr), 0);
	line_reader_feed(t->lr, "new\n", 4);
	assert_int_equal(t->nlines, 3);
	EXPECT(t, 2, "new", 0, 4, 1, false, true);

	line_reader_feed(t->lr, "partial", 7);
	line_reader_reset(t->lr, 100);
	assert_int_equal(line_reader_done_offset(t->lr), 100);
	line_reader_feed(t->lr, "xy\n", 3);
	assert_int_equal(t->nlines, 4);
	EXPECT(t, 3, "xy", 100, 103, 1, false, true);
	line_reader_finish(t->lr, true);
	assert_int_equal(t->nlines, 4);
	lt_free(t);
}

static void
test_nul_callback_optional(void **state)
{
	struct lt t0;
	struct line_reader_cb cb = { lt_on_line, NULL, &t0, NULL, NULL };
	struct line_reader *lr;

	(void)state;
	memset(&t0, 0, sizeof(t0));
	lr = line_reader_new(0, &cb);
	line_reader_feed(lr, "a\0\0\nb\n", 6);
	line_reader_finish(lr, true);
	assert_int_equal(t0.nlines, 2);
	assert_string_equal(t0.lines[0].text, "a");
	assert_string_equal(t0.lines[1].text, "b");
	assert_int_equal(line_reader_nul_bytes(lr), 2);
	line_reader_free(lr);
	for (size_t i = 0; i < t0.nlines; i++)
		free(t0.lines[i].text);
}

/* A run callback that takes every line starting with 'r' itself. */
struct lt_run {
	struct lt	 t;
	uint64_t	 taken;
	uint64_t	 first_number;	/* NUMBER and OFF of the last offer */
	uint64_t	 first_off;
};

static size_t
lt_run(void *ctx, const char *p, size_t len, uint64_t off, uint64_t number,
    uint64_t *nlines)
{
	struct lt_run *r = ctx;
	const char *q = p, *nl;

	*nlines = 0;
	r->first_number = number;
	r->first_off = off;
	while (q < p + len && *q == 'r' &&
	    (nl = memchr(q, '\n', (size_t)(p + len - q))) != NULL) {
		(*nlines)++;
		q = nl + 1;
	}
	r->taken += *nlines;
	return (size_t)(q - p);
}

static void
test_run_takes_lines(void **state)
{
	static bool first[256];
	struct lt_run r;
	struct line_reader_cb cb = { lt_on_line, NULL, &r, lt_run, NULL };
	struct line_reader *lr;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(first, 0, sizeof(first));
	first['r'] = true;
	cb.run_first = first;
	lr = line_reader_new(0, &cb);
	/* r1 r2 go to run; x3 to line(); r4 to run; "r5" is not whole, so
	 * it waits in the reader and goes to line() once its LF comes. */
	line_reader_feed(lr, "r1\nr2\nx3\nr4\nr5", 14);
	assert_int_equal(r.taken, 3);
	assert_int_equal(r.t.nlines, 1);
	assert_string_equal(r.t.lines[0].text, "x3");
	assert_int_equal(r.t.lines[0].number, 3);
	assert_int_equal(r.t.lines[0].offset, 6);
	/* The last offer: "r5" after 4 lines, not taken without its LF. */
	assert_int_equal(r.first_number, 4);
	assert_int_equal(r.first_off, 12);
	assert_int_equal(line_reader_done_offset(lr), 12);
	line_reader_feed(lr, "\n", 1);
	assert_int_equal(r.t.nlines, 2);
	assert_string_equal(r.t.lines[1].text, "r5");
	assert_int_equal(r.t.lines[1].number, 5);
	assert_int_equal(line_reader_done_offset(lr), 15);
	line_reader_free(lr);
	for (size_t i = 0; i < r.t.nlines; i++)
		free(r.t.lines[i].text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lf),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_crlf_only_one_cr_dropped),
		cmocka_unit_test(test_lone_cr_kept),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_cap_k06),
		cmocka_unit_test(test_cap_boundary),
		cmocka_unit_test(test_cap_crlf_not_cut),
		cmocka_unit_test(test_nul_run_at_line_start),
		cmocka_unit_test(test_nul_run_at_stream_start),
		cmocka_unit_test(test_nul_run_mid_line),
		cmocka_unit_test(test_nul_runs_two),
		cmocka_unit_test(test_nul_run_at_end),
		cmocka_unit_test(test_partial_last_line),
		cmocka_unit_test(test_done_offset),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_nul_callback_optional),
		cmocka_unit_test(test_run_takes_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

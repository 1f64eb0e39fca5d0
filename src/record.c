/*
 * record: see record.h.  The text buffer grows up to max_bytes and no
 * further, so a record without end (a runaway stack trace, a binary file)
 * costs bounded memory; and there are at most RECORD_STREAMS_MAX streams
 * of `pm2 logs` prefixes at once, so an input of endless distinct
 * prefixes costs at most that many buffers.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "stamp.h"
#include "xmalloc.h"

const bool record_cont_first[256] = {
	[' '] = true, ['\t'] = true, ['}'] = true, [']'] = true, [')'] = true,
};

/* One stream's record under assembly, and what its last one left. */
struct record_stream {
	char		 key[PM2_KEY_MAX];	/* pm2_line.key */
	size_t		 key_len;
	uint64_t	 used;		/* the builder's tick at its last line */
	char		*buf;
	size_t		 cap;
	struct record	 cur;
	bool		 is_active;	/* a record is being assembled */
	bool		 after_close;	/* the last record ended at "}" */
	bool		 after_open;	/* the last record left an object open */
	bool		 is_colon;	/* the current line ends in ':' */
	bool		 is_opener;	/* first line ends in '{' or '[' */
	bool		 is_closed;	/* a lone '}' / ']' was seen */
	uint64_t	 count;		/* records it emitted */
};

struct record_builder {
	struct record_rules rules;
	struct record_builder_cb cb;
	pcre2_match_data *md;
	/* The lines behind no `pm2 logs` prefix, and those behind one, a
	 * stream per prefix (keyed[0 .. nkeyed)); CUR is the one the last
	 * line went to. */
	struct record_stream plain;
	struct record_stream *keyed[RECORD_STREAMS_MAX];
	size_t		 nkeyed;
	struct record_stream *cur;
	uint64_t	 tick;
	uint64_t	 safe;		/* past the last emitted record */
	uint64_t	 count;
};

struct record_builder *
record_builder_new(const struct record_rules *rules,
    const struct record_builder_cb *cb)
{
	struct record_builder *rb = xcalloc(1, sizeof(*rb));

	rb->rules = *rules;
	if (rb->rules.max_lines == 0)
		rb->rules.max_lines = RECORD_MAX_LINES_DEFAULT;
	if (rb->rules.max_bytes == 0)
		rb->rules.max_bytes = RECORD_MAX_BYTES_DEFAULT;
	rb->cb = *cb;
	if (rules->start != NULL || rules->continuation != NULL)
		rb->md = pcre2_match_data_create(1, NULL);
	rb->cur = &rb->plain;
	return rb;
}

static bool
record_line_matches(struct record_builder *rb, const pcre2_code *re,
    const char *p, size_t len)
{
	return pcre2_match(re, (PCRE2_SPTR)p, len, 0, 0, rb->md, NULL) >= 0;
}

/* Does this line continue the current record (under the rules)? */
static bool
record_is_continuation(struct record_builder *rb, const char *p, size_t len)
{
	if (rb->rules.start != NULL)
		return !record_line_matches(rb, rb->rules.start, p, len);
	if (rb->rules.continuation != NULL)
		return record_line_matches(rb, rb->rules.continuation, p, len);
	return record_line_continues(p, len);
}

/* A label for what follows ("row as stored:"), as console.log writes one
 * before an object logged on its own. */
static bool
record_is_label(const char *p, size_t len)
{
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r'))
		len--;
	return len > 0 && p[len - 1] == ':';
}

static bool
record_is_opener(const char *p, size_t len)
{
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r'))
		len--;
	return len > 0 && (p[len - 1] == '{' || p[len - 1] == '[');
}

static void
record_append(struct record_builder *rb, struct record_stream *st,
    const char *p, size_t len)
{
	size_t room = rb->rules.max_bytes - st->cur.len;

	if (len == 0)
		return;	/* and the buffer may not exist yet */
	if (len > room) {
		len = room;
		st->cur.is_cut = true;
	}
	if (st->cur.len + len > st->cap) {
		size_t cap = st->cap == 0 ? 1024 : st->cap;

		while (cap < st->cur.len + len)
			cap *= 2;
		if (cap > rb->rules.max_bytes)
			cap = rb->rules.max_bytes;
		st->buf = xreallocarray(st->buf, cap, 1);
		st->cap = cap;
	}
	memcpy(st->buf + st->cur.len, p, len);
	st->cur.len += len;
}

/*
 * What a record is told when it begins (its first line continues: CONT)
 * and when it ends (its first line opened an object: OPENER; its last
 * closed one: CLOSED, or ends in a label: LABEL), and what it leaves for
 * the next of its stream ST: stated once for both ways a record is made.
 */
static void
record_begin(struct record_stream *st, struct record *rec, bool cont)
{
	rec->is_orphan = cont && (st->after_close || st->count == 0);
	rec->follows_close = !st->after_open;
}

static void
record_end(struct record_builder *rb, struct record_stream *st,
    struct record *rec, bool opener, bool closed, bool label)
{
	rec->starts_object = opener;
	rec->is_open = opener && !closed;
	st->after_open = rec->is_open || label;
	st->after_close = closed;
	st->count++;
	rb->count++;
	if (rec->end > rb->safe)
		rb->safe = rec->end;
}

/* Emits the record ST is assembling, if any. */
static void
record_stream_flush(struct record_builder *rb, struct record_stream *st)
{
	if (!st->is_active)
		return;
	st->cur.text = st->buf != NULL ? st->buf : "";
	record_end(rb, st, &st->cur, st->is_opener, st->is_closed,
	    st->is_colon);
	st->is_active = false;
	rb->cb.record(rb->cb.ctx, &st->cur);
}

/* Forgets ST's record, unemitted, and what its last one left. */
static void
record_stream_clear(struct record_stream *st)
{
	st->is_active = false;
	st->after_close = false;
	st->after_open = false;
	st->cur.len = 0;
}

/* Is ST the stream of the prefix KEY (KEY_LEN bytes, not 0)? */
static bool
record_stream_is(const struct record_stream *st, const char *key,
    size_t key_len)
{
	return st->key_len == key_len && memcmp(st->key, key, key_len) == 0;
}

/*
 * The stream of the prefix KEY (KEY_LEN bytes, not 0), made if there is
 * none yet.  Past RECORD_STREAMS_MAX prefixes, the one quiet the longest
 * is emitted and its place given to the new one, so endless distinct
 * prefixes (damage, or hostile input) cost bounded memory.
 */
static struct record_stream *
record_stream_find(struct record_builder *rb, const char *key, size_t key_len)
{
	struct record_stream *st;

	for (size_t i = 0; i < rb->nkeyed; i++)
		if (record_stream_is(rb->keyed[i], key, key_len))
			return rb->keyed[i];
	if (rb->nkeyed < RECORD_STREAMS_MAX) {
		st = xcalloc(1, sizeof(*st));
		rb->keyed[rb->nkeyed++] = st;
	} else {
		st = rb->keyed[0];
		for (size_t i = 1; i < rb->nkeyed; i++)
			if (rb->keyed[i]->used < st->used)
				st = rb->keyed[i];
		record_stream_flush(rb, st);
		record_stream_clear(st);
		st->count = 0;	/* a new stream: no record before */
	}
	memcpy(st->key, key, key_len);
	st->key_len = key_len;
	return st;
}

/*
 * The stream of the `pm2 logs` prefix KEY (KEY_LEN bytes; 0: none), made
 * the current one, with the records a line of it ends emitted first.
 * Streams of different prefixes (apps, cluster instances writing at once,
 * whose lines `pm2 logs` interleaves) do not end each other's records.
 * A line behind no prefix ends every prefixed record, and one behind a
 * prefix the record behind none: in `pm2 logs` output such lines are the
 * CLI's own headers, between the tail of one file and the next.
 */
static inline struct record_stream *
record_select(struct record_builder *rb, const char *key, size_t key_len)
{
	struct record_stream *st;

	rb->tick++;
	if (key_len > PM2_KEY_MAX)
		key_len = PM2_KEY_MAX;
	if (key_len == 0) {
		for (size_t i = 0; i < rb->nkeyed; i++)
			record_stream_flush(rb, rb->keyed[i]);
		st = &rb->plain;
	} else if (record_stream_is(rb->cur, key, key_len)) {
		st = rb->cur;	/* most lines: the stream of the last */
	} else {
		record_stream_flush(rb, &rb->plain);
		st = record_stream_find(rb, key, key_len);
	}
	st->used = rb->tick;
	rb->cur = st;
	return st;
}

void
record_builder_flush(struct record_builder *rb)
{
	for (size_t i = 0; i < rb->nkeyed; i++)
		record_stream_flush(rb, rb->keyed[i]);
	record_stream_flush(rb, &rb->plain);
}

void
record_builder_start(struct record_builder *rb, const char *key,
    size_t key_len)
{
	record_stream_flush(rb, record_select(rb, key, key_len));
}

void
record_builder_line(struct record_builder *rb, const struct pm2_line *l)
{
	bool is_default = rb->rules.start == NULL &&
	    rb->rules.continuation == NULL;
	struct record_stream *st = record_select(rb, l->key, l->key_len);
	bool cont = record_is_continuation(rb, l->ptr, l->len);

	if (st->is_active && (!cont ||
	    st->cur.nlines >= rb->rules.max_lines ||
	    st->cur.len >= rb->rules.max_bytes)) {
		if (cont)
			st->cur.is_cut = true;
		record_stream_flush(rb, st);
	}
	if (!st->is_active) {
		memset(&st->cur, 0, sizeof(st->cur));
		st->is_active = true;
		st->cur.ts_ms = l->ts_ms;
		st->cur.app = l->app;
		st->cur.offset = l->offset;
		st->cur.line_number = l->number;
		record_begin(st, &st->cur, cont);
		st->is_opener = record_is_opener(l->ptr, l->len);
		st->is_closed = false;
	} else
		record_append(rb, st, "\n", 1);
	record_append(rb, st, l->ptr, l->len);
	st->is_colon = record_is_label(l->ptr, l->len);
	st->cur.nlines++;
	st->cur.end = l->end;
	if (l->is_cut)
		st->cur.is_cut = true;
	st->after_close = false;
	if (is_default && record_is_closer(l->ptr, l->len)) {
		st->is_closed = true;
		record_stream_flush(rb, st);
	}
}

void
record_builder_take(struct record_builder *rb, struct record *rec,
    size_t first_len, const char *last, size_t last_len)
{
	struct record_stream *st = rb->cur;
	bool closed;

	record_begin(st, rec, record_line_continues(rec->text, first_len));
	/* Only the last line can close it (a closer ends a record), and a
	 * record of one line only when that line continues (an orphan). */
	closed = (rec->nlines > 1 || rec->is_orphan) &&
	    record_is_closer(last, last_len);
	rec->is_cut = false;
	record_end(rb, st, rec, record_is_opener(rec->text, first_len), closed,
	    record_is_label(last, last_len));
}

bool
record_builder_is_open(const struct record_builder *rb)
{
	if (rb->plain.is_active)
		return true;
	for (size_t i = 0; i < rb->nkeyed; i++)
		if (rb->keyed[i]->is_active)
			return true;
	return false;
}

uint64_t
record_builder_safe_offset(const struct record_builder *rb)
{
	uint64_t safe = UINT64_MAX;

	if (rb->plain.is_active)
		safe = rb->plain.cur.offset;
	for (size_t i = 0; i < rb->nkeyed; i++)
		if (rb->keyed[i]->is_active &&
		    rb->keyed[i]->cur.offset < safe)
			safe = rb->keyed[i]->cur.offset;
	return safe != UINT64_MAX ? safe : rb->safe;
}

void
record_builder_reset(struct record_builder *rb)
{
	record_stream_clear(&rb->plain);
	for (size_t i = 0; i < rb->nkeyed; i++)
		record_stream_clear(rb->keyed[i]);
	/* Offsets start anew after a truncation. */
	rb->safe = 0;
}

uint64_t
record_builder_count(const struct record_builder *rb)
{
	return rb->count;
}

void
record_builder_free(struct record_builder *rb)
{
	if (rb == NULL)
		return;
	if (rb->md != NULL)
		pcre2_match_data_free(rb->md);
	for (size_t i = 0; i < rb->nkeyed; i++) {
		free(rb->keyed[i]->buf);
		free(rb->keyed[i]);
	}
	free(rb->plain.buf);
	free(rb);
}

/*
 * record: see record.h.  The text buffer grows up to max_bytes and no
 * further, so a record without end (a runaway stack trace, a binary file)
 * costs bounded memory.
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

struct record_builder {
	struct record_rules rules;
	struct record_builder_cb cb;
	pcre2_match_data *md;
	char		*buf;
	size_t		 cap;
	struct record	 cur;
	bool		 is_active;	/* a record is being assembled */
	bool		 after_close;	/* the last record ended at "}" */
	bool		 after_open;	/* the last record left an object open */
	bool		 is_colon;	/* the current line ends in ':' */
	bool		 is_opener;	/* first line ends in '{' or '[' */
	bool		 is_closed;	/* a lone '}' / ']' was seen */
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
record_append(struct record_builder *rb, const char *p, size_t len)
{
	size_t room = rb->rules.max_bytes - rb->cur.len;

	if (len == 0)
		return;	/* and the buffer may not exist yet */
	if (len > room) {
		len = room;
		rb->cur.is_cut = true;
	}
	if (rb->cur.len + len > rb->cap) {
		size_t cap = rb->cap == 0 ? 1024 : rb->cap;

		while (cap < rb->cur.len + len)
			cap *= 2;
		if (cap > rb->rules.max_bytes)
			cap = rb->rules.max_bytes;
		rb->buf = xreallocarray(rb->buf, cap, 1);
		rb->cap = cap;
	}
	memcpy(rb->buf + rb->cur.len, p, len);
	rb->cur.len += len;
}

/*
 * What a record is told when it begins (its first line continues: CONT)
 * and when it ends (its first line opened an object: OPENER; its last
 * closed one: CLOSED, or ends in a label: LABEL), and what it leaves for
 * the next: stated once for both ways a record is made.
 */
static void
record_begin(struct record_builder *rb, struct record *rec, bool cont)
{
	rec->is_orphan = cont && (rb->after_close || rb->count == 0);
	rec->follows_close = !rb->after_open;
}

static void
record_end(struct record_builder *rb, struct record *rec, bool opener,
    bool closed, bool label)
{
	rec->starts_object = opener;
	rec->is_open = opener && !closed;
	rb->after_open = rec->is_open || label;
	rb->after_close = closed;
	rb->count++;
	rb->safe = rec->end;
}

void
record_builder_flush(struct record_builder *rb)
{
	if (!rb->is_active)
		return;
	rb->cur.text = rb->buf != NULL ? rb->buf : "";
	record_end(rb, &rb->cur, rb->is_opener, rb->is_closed, rb->is_colon);
	rb->is_active = false;
	rb->cb.record(rb->cb.ctx, &rb->cur);
}

void
record_builder_line(struct record_builder *rb, const struct pm2_line *l)
{
	bool is_default = rb->rules.start == NULL &&
	    rb->rules.continuation == NULL;
	bool cont = record_is_continuation(rb, l->ptr, l->len);

	if (rb->is_active && (!cont || rb->cur.nlines >= rb->rules.max_lines ||
	    rb->cur.len >= rb->rules.max_bytes)) {
		if (cont)
			rb->cur.is_cut = true;
		record_builder_flush(rb);
	}
	if (!rb->is_active) {
		memset(&rb->cur, 0, sizeof(rb->cur));
		rb->is_active = true;
		rb->cur.ts_ms = l->ts_ms;
		rb->cur.app = l->app;
		rb->cur.offset = l->offset;
		rb->cur.line_number = l->number;
		record_begin(rb, &rb->cur, cont);
		rb->is_opener = record_is_opener(l->ptr, l->len);
		rb->is_closed = false;
	} else
		record_append(rb, "\n", 1);
	record_append(rb, l->ptr, l->len);
	rb->is_colon = record_is_label(l->ptr, l->len);
	rb->cur.nlines++;
	rb->cur.end = l->end;
	if (l->is_cut)
		rb->cur.is_cut = true;
	rb->after_close = false;
	if (is_default && record_is_closer(l->ptr, l->len)) {
		rb->is_closed = true;
		record_builder_flush(rb);
	}
}

void
record_builder_take(struct record_builder *rb, struct record *rec,
    size_t first_len, const char *last, size_t last_len)
{
	bool closed;

	record_begin(rb, rec, record_line_continues(rec->text, first_len));
	/* Only the last line can close it (a closer ends a record), and a
	 * record of one line only when that line continues (an orphan). */
	closed = (rec->nlines > 1 || rec->is_orphan) &&
	    record_is_closer(last, last_len);
	rec->is_cut = false;
	record_end(rb, rec, record_is_opener(rec->text, first_len), closed,
	    record_is_label(last, last_len));
}

bool
record_builder_is_open(const struct record_builder *rb)
{
	return rb->is_active;
}

uint64_t
record_builder_safe_offset(const struct record_builder *rb)
{
	return rb->is_active ? rb->cur.offset : rb->safe;
}

void
record_builder_reset(struct record_builder *rb)
{
	rb->is_active = false;
	rb->after_close = false;
	rb->after_open = false;
	rb->cur.len = 0;
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
	free(rb->buf);
	free(rb);
}

/*
 * line: see line.h.
 *
 * The common case -- a whole line inside the buffer just read -- is passed
 * to the callback in place, without a copy.  Only a line that spans two
 * reads is gathered in the pending buffer, which grows up to the cap and no
 * further.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "line.h"
#include "xmalloc.h"

struct line_reader {
	struct line_reader_cb cb;
	size_t		 max_line;
	char		*pending;	/* head of a line that spans reads */
	size_t		 pending_len;
	size_t		 pending_cap;
	bool		 in_line;	/* some bytes of the current line seen */
	bool		 is_cut;	/* current line passed the cap */
	uint64_t	 line_start;	/* stream offset of the current line */
	uint64_t	 pos;		/* stream offset of the next byte fed */
	uint64_t	 done;		/* offset past the last complete line */
	uint64_t	 number;	/* lines handed out */
	bool		 in_nul_run;
	uint64_t	 nul_start;
	uint64_t	 cut_lines;
	uint64_t	 nul_bytes;
};

struct line_reader *
line_reader_new(size_t max_line, const struct line_reader_cb *cb)
{
	struct line_reader *lr = xcalloc(1, sizeof(*lr));

	lr->cb = *cb;
	lr->max_line = max_line == 0 ? LINE_MAX_DEFAULT : max_line;
	return lr;
}

static void
line_reader_emit(struct line_reader *lr, const char *p, size_t len,
    uint64_t end, bool has_lf)
{
	struct line line;

	if (has_lf && !lr->is_cut)
		len = line_text_len(p, len);
	if (len > lr->max_line) {
		len = lr->max_line;
		lr->is_cut = true;
	}
	line.ptr = p;
	line.len = len;
	line.offset = lr->line_start;
	line.end = end;
	line.number = ++lr->number;
	line.is_cut = lr->is_cut;
	line.has_lf = has_lf;
	if (lr->is_cut)
		lr->cut_lines++;
	lr->done = end;
	lr->cb.line(lr->cb.ctx, &line);
	lr->in_line = false;
	lr->is_cut = false;
	lr->pending_len = 0;
}

/*
 * Keeps up to the cap of P in the pending buffer, and one byte more: a CR
 * that turns out to precede the LF does not count against the cap.  Marks
 * the line cut once more than that arrives.
 */
static void
line_reader_keep(struct line_reader *lr, const char *p, size_t len)
{
	size_t room = lr->max_line + 1 - lr->pending_len;

	if (len > room) {
		len = room;
		lr->is_cut = true;
	}
	if (len == 0)
		return;
	if (lr->pending_len + len > lr->pending_cap) {
		size_t cap = lr->pending_cap == 0 ? 4096 : lr->pending_cap;

		while (cap < lr->pending_len + len)
			cap *= 2;
		if (cap > lr->max_line + 1)
			cap = lr->max_line + 1;
		lr->pending = xreallocarray(lr->pending, cap, 1);
		lr->pending_cap = cap;
	}
	memcpy(lr->pending + lr->pending_len, p, len);
	lr->pending_len += len;
}

/* Splits a run of bytes that holds no NUL; OFF is the offset of P. */
static void
line_reader_text(struct line_reader *lr, const char *p, size_t len,
    uint64_t off)
{
	struct line_lf lf;

	line_lf_init(&lf, p, len);
	while (len > 0) {
		const char *nl;
		size_t n;

		if (!lr->in_line && lr->cb.run != NULL &&
		    lr->cb.run_first[(unsigned char)*p]) {
			uint64_t k = 0;

			n = lr->cb.run(lr->cb.ctx, p, len, off, lr->number, &k);
			if (n > 0) {
				lr->number += k;
				lr->done = off + n;
				p += n;
				len -= n;
				off += n;
				continue;
			}
		}
		nl = line_lf_next(&lf, p);
		n = nl != NULL ? (size_t)(nl - p) : len;
		if (!lr->in_line) {
			lr->in_line = true;
			lr->line_start = off;
		}
		if (nl == NULL) {
			line_reader_keep(lr, p, n);
			return;
		}
		if (lr->pending_len == 0 && !lr->is_cut) {
			line_reader_emit(lr, p, n, off + (uint64_t)(nl - p) + 1,
			    true);
		} else {
			line_reader_keep(lr, p, n);
			line_reader_emit(lr, lr->pending, lr->pending_len,
			    off + n + 1, true);
		}
		n = (size_t)(nl - p) + 1;
		p += n;
		len -= n;
		off += n;
	}
}

static void
line_reader_end_nul_run(struct line_reader *lr)
{
	uint64_t length = lr->pos - lr->nul_start;

	lr->in_nul_run = false;
	lr->nul_bytes += length;
	if (lr->cb.nul_run != NULL)
		lr->cb.nul_run(lr->cb.ctx, lr->nul_start, length);
}

void
line_reader_feed(struct line_reader *lr, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *q;

		if (lr->in_nul_run) {
			while (p < end && *p == '\0') {
				p++;
				lr->pos++;
			}
			if (p == end)
				break;
			line_reader_end_nul_run(lr);
		}
		q = memchr(p, '\0', (size_t)(end - p));
		if (q == NULL)
			q = end;
		line_reader_text(lr, p, (size_t)(q - p), lr->pos);
		lr->pos += (uint64_t)(q - p);
		p = q;
		if (p < end) {
			lr->in_nul_run = true;
			lr->nul_start = lr->pos;
		}
	}
}

void
line_reader_finish(struct line_reader *lr, bool emit_partial)
{
	if (lr->in_nul_run)
		line_reader_end_nul_run(lr);
	if (lr->in_line && emit_partial)
		line_reader_emit(lr, lr->pending, lr->pending_len, lr->pos,
		    false);
	lr->in_line = false;
	lr->is_cut = false;
	lr->pending_len = 0;
}

void
line_reader_reset(struct line_reader *lr, uint64_t offset)
{
	lr->in_line = false;
	lr->is_cut = false;
	lr->pending_len = 0;
	lr->in_nul_run = false;
	lr->pos = offset;
	lr->done = offset;
	lr->number = 0;
}

bool
line_reader_in_line(const struct line_reader *lr)
{
	return lr->in_line;
}

uint64_t
line_reader_done_offset(const struct line_reader *lr)
{
	return lr->done;
}

uint64_t
line_reader_cut_lines(const struct line_reader *lr)
{
	return lr->cut_lines;
}

uint64_t
line_reader_nul_bytes(const struct line_reader *lr)
{
	return lr->nul_bytes;
}

void
line_reader_free(struct line_reader *lr)
{
	if (lr == NULL)
		return;
	free(lr->pending);
	free(lr);
}

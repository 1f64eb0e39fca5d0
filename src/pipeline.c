/*
 * pipeline: see pipeline.h.  Each stage calls the next through a small
 * callback; the hot path (a plain line that starts and ends a record and
 * matches nothing) allocates nothing.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "line.h"
#include "log.h"
#include "pipeline.h"
#include "redact.h"
#include "pm2.h"
#include "record.h"
#include "stamp.h"
#include "xmalloc.h"

#define PIPELINE_NUL_WARNINGS	5	/* NUL runs reported one by one */

struct pipeline_set {
	struct pipeline	*p;
	size_t		 idx;
	struct match_set *set;
	struct record_builder *rb;
	struct pipeline_first *first;	/* nfailure, damaged, success */
};

struct pipeline {
	struct pipeline_options opts;
	struct pipeline_sink sink;
	char		*path;
	struct line_reader *lines;
	struct pm2_decoder *pm2;
	struct pipeline_set *sets;
	size_t		 nsets;
	struct pipeline_stats stats;
	bool		 warned_cut;
	bool		 warned_record_cut;
	bool		 is_plain_ok;	/* every set uses the default rule */
	bool		 plain_first[256];	/* pipeline_is_plain_start */
	size_t		 max_record_bytes;
};

static void
pipeline_capture(void *ctx, const char *name, const char *value, size_t vlen)
{
	struct pipeline_first *f = ctx;
	size_t nlen = strlen(name) + 1, room, len;
	char *pair, *clean;
	const char *p;

	/* Captures go through redaction as "name=value", so that a group
	 * named like a secret ("(?<token>...)"), or a value holding one,
	 * never reaches a report. */
	pair = xasprintf("%s=%.*s", name, (int)(vlen > 4096 ? 4096 : vlen),
	    value);
	clean = redact_builtin(pair, strlen(pair), &len);
	p = clean + nlen;
	len -= nlen;

	room = sizeof(f->captures) - f->captures_len;
	if (nlen + 2 > room) {
		free(clean);
		free(pair);
		return;
	}
	memcpy(f->captures + f->captures_len, name, nlen);
	f->captures_len += nlen;
	room -= nlen;
	if (len > room - 1)
		len = room - 1;
	memcpy(f->captures + f->captures_len, p, len);
	f->captures[f->captures_len + len] = '\0';
	f->captures_len += len + 1;
	free(clean);
	free(pair);
}

static void
pipeline_first_note(struct pipeline_first *f, const struct record *rec,
    const struct match_set *set)
{
	const char *nl;
	char *clean;
	size_t n;

	if (f->is_set)
		return;
	f->is_set = true;
	f->line = rec->line_number;
	f->offset = rec->offset;
	f->ts_ms = rec->ts_ms;
	nl = memchr(rec->text, '\n', rec->len);
	n = nl != NULL ? (size_t)(nl - rec->text) : rec->len;
	/* Secrets out before the cut, so that a value the cut would split
	 * is still seen whole (redact.h): reports show only this. */
	if (n > 4 * PIPELINE_EXCERPT_MAX)
		n = 4 * PIPELINE_EXCERPT_MAX;
	clean = redact_builtin(rec->text, n, &n);
	if (n > PIPELINE_EXCERPT_MAX) {
		n = PIPELINE_EXCERPT_MAX;
		while (n > 0 && ((unsigned char)clean[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(f->excerpt, clean, n);
	f->excerpt[n] = '\0';
	free(clean);
	match_set_captures(set, pipeline_capture, f);
}

static void
pipeline_record(void *ctx, const struct record *rec)
{
	struct pipeline_set *ps = ctx;
	struct pipeline *p = ps->p;
	enum match_outcome outcome;
	size_t class_idx = 0;

	if (ps->idx == 0)
		p->stats.records++;
	if (rec->ts_ms != STAMP_NONE) {
		if (p->opts.since != STAMP_NONE && rec->ts_ms < p->opts.since)
			return;
		if (p->opts.until != STAMP_NONE && rec->ts_ms >= p->opts.until)
			return;
	}
	if (rec->nlines > 1 && rec->is_cut && !p->warned_record_cut) {
		p->warned_record_cut = true;
		log_warnx("%s: the record at line %llu was cut at %zu lines "
		    "or bytes (record.max_lines, record.max_bytes); what it "
		    "matches may be wrong", p->path,
		    (unsigned long long)rec->line_number, rec->nlines);
	}
	outcome = match_set_classify(ps->set, rec, &class_idx);
	if (outcome == MATCH_NONE)
		return;
	if (rec->ts_ms == STAMP_NONE && ps->idx == 0)
		p->stats.undated++;
	if (outcome == MATCH_FAILURE)
		pipeline_first_note(&ps->first[class_idx], rec, ps->set);
	else if (outcome == MATCH_DAMAGED)
		pipeline_first_note(&ps->first[ps->set->nfailure], rec, ps->set);
	else if (outcome == MATCH_SUCCESS)
		pipeline_first_note(&ps->first[ps->set->nfailure + 1], rec,
		    ps->set);
	{
		struct pipeline_outcome o = { ps->idx, rec->app, outcome,
		    class_idx, rec };

		p->sink.outcome(p->sink.ctx, &o);
	}
}

static void
pipeline_pm2_line(void *ctx, const struct pm2_line *line)
{
	struct pipeline *p = ctx;

	for (size_t i = 0; i < p->nsets; i++)
		record_builder_line(p->sets[i].rb, line);
}

static void
pipeline_raw_line(void *ctx, const struct line *line)
{
	struct pipeline *p = ctx;

	if (line->is_cut && !p->warned_cut) {
		p->warned_cut = true;
		log_warnx("%s: line %llu at offset %llu is longer than %zu "
		    "bytes; cut (further cut lines are only counted)",
		    p->path, (unsigned long long)line->number,
		    (unsigned long long)line->offset,
		    p->opts.max_line == 0 ? (size_t)LINE_MAX_DEFAULT :
		    p->opts.max_line);
	}
	pm2_decoder_line(p->pm2, line);
}

/*
 * Does a line that begins with byte C surely start a record, and reach the
 * record builder unchanged?  A continuation (whitespace, '}', ']', ')', or
 * an empty line: record.h), a line the PM2 decoder may change
 * (pm2_is_plain_line), and a CR first (an empty line once its CR is
 * dropped) are left to the line-by-line path.
 */
static inline bool
pipeline_is_plain_start(char c)
{
	switch (c) {
	case ' ': case '\t': case '}': case ']': case ')': case '\r':
	case '\n':
		return false;
	default:
		return pm2_is_plain_line(&c, 1);
	}
}

/*
 * The fast path of plain text (line_reader_cb.run): while a line starts a
 * record and so does the next one, that line is a record by itself, and
 * goes to the record builders in place, without the line, PM2 and record
 * stages copying it one after another.  That is most lines of a busy log
 * (records of one line).  Whatever else -- a continuation, a stamp, JSON,
 * a line at the end of what was read -- stops the run and goes the usual
 * way, so the records and counts are those of the line-by-line path.
 */
static size_t
pipeline_run(void *ctx, const char *buf, size_t len, uint64_t off,
    uint64_t number, uint64_t *nlines)
{
	struct pipeline *p = ctx;
	const char *q = buf, *end = buf + len, *nl;
	size_t max_line = p->opts.max_line == 0 ? (size_t)LINE_MAX_DEFAULT :
	    p->opts.max_line;
	uint64_t k = 0;
	struct record rec;

	*nlines = 0;
	if (!p->is_plain_ok ||
	    !pm2_decoder_is_plain(p->pm2) ||
	    (nl = memchr(q, '\n', len)) == NULL)
		return 0;
	for (;;) {
		const char *next = nl + 1, *nl2;
		size_t n = (size_t)(nl - q);

		if (next >= end || !p->plain_first[(unsigned char)*next] ||
		    (nl2 = memchr(next, '\n', (size_t)(end - next))) == NULL)
			break;
		if (q[n - 1] == '\r')
			n--;
		if (n > max_line || n >= p->max_record_bytes)
			break;
		/* (Q, N) is a record: what came before it ends here. */
		if (k == 0) {
			for (size_t i = 0; i < p->nsets; i++)
				record_builder_flush(p->sets[i].rb);
			memset(&rec, 0, sizeof(rec));
			rec.ts_ms = STAMP_NONE;
			rec.app = pm2_decoder_app(p->pm2);
		}
		rec.text = q;
		rec.len = n;
		rec.offset = off + (uint64_t)(q - buf);
		rec.end = off + (uint64_t)(next - buf);
		rec.line_number = number + k + 1;
		for (size_t i = 0; i < p->nsets; i++)
			record_builder_single(p->sets[i].rb, &rec);
		k++;
		q = next;
		nl = nl2;
	}
	if (k == 0)
		return 0;
	pm2_decoder_plain_seen(p->pm2, rec.offset, rec.end, number + k);
	*nlines = k;
	return (size_t)(q - buf);
}

static void
pipeline_nul_run(void *ctx, uint64_t offset, uint64_t length)
{
	struct pipeline *p = ctx;

	/* A truncation under a writer without O_APPEND leaves one run;
	 * a binary file has thousands: the first few are shown. */
	if (++p->stats.nul_runs <= PIPELINE_NUL_WARNINGS)
		log_warnx("%s: skipped %llu NUL bytes at offset %llu (such "
		    "runs are what a truncation leaves under a writer "
		    "without O_APPEND)%s", p->path, (unsigned long long)length,
		    (unsigned long long)offset, p->stats.nul_runs ==
		    PIPELINE_NUL_WARNINGS ? "; further runs are only counted" :
		    "");
}

struct pipeline *
pipeline_new(struct match_set *const *sets, size_t nsets,
    const struct pipeline_sink *sink, const char *app, const char *path,
    const struct pipeline_options *opts)
{
	struct pipeline *p = xcalloc(1, sizeof(*p));
	struct line_reader_cb lcb = { pipeline_raw_line, pipeline_nul_run, p,
	    pipeline_run, p->plain_first };
	struct pm2_decoder_cb dcb = { pipeline_pm2_line, p };

	p->opts = *opts;
	p->sink = *sink;
	for (int c = 0; c < 256; c++)
		p->plain_first[c] = pipeline_is_plain_start((char)c);
	p->path = xstrdup(path);
	p->lines = line_reader_new(opts->max_line, &lcb);
	p->pm2 = pm2_decoder_new(app, opts->max_line, &dcb);
	p->sets = xcalloc(nsets, sizeof(*p->sets));
	p->nsets = nsets;
	p->is_plain_ok = true;
	p->max_record_bytes = opts->max_record_bytes != 0 ?
	    opts->max_record_bytes : RECORD_MAX_BYTES_DEFAULT;
	for (size_t i = 0; i < nsets; i++) {
		struct pipeline_set *ps = &p->sets[i];
		struct record_rules rules = sets[i]->rules;
		struct record_builder_cb rcb = { pipeline_record, ps };

		rules.max_lines = opts->max_record_lines;
		rules.max_bytes = opts->max_record_bytes;
		ps->p = p;
		ps->idx = i;
		ps->set = sets[i];
		ps->rb = record_builder_new(&rules, &rcb);
		if (rules.start != NULL || rules.continuation != NULL)
			p->is_plain_ok = false;
		ps->first = xcalloc(sets[i]->nfailure + 2, sizeof(*ps->first));
	}
	return p;
}

void
pipeline_feed(struct pipeline *p, const char *buf, size_t len)
{
	line_reader_feed(p->lines, buf, len);
}

void
pipeline_finish(struct pipeline *p, bool emit_partial)
{
	line_reader_finish(p->lines, emit_partial);
	pm2_decoder_finish(p->pm2);
	for (size_t i = 0; i < p->nsets; i++)
		record_builder_flush(p->sets[i].rb);
	p->stats.cut_lines = line_reader_cut_lines(p->lines);
	p->stats.nul_bytes = line_reader_nul_bytes(p->lines);
}

uint64_t
pipeline_safe_offset(const struct pipeline *p)
{
	uint64_t safe = line_reader_done_offset(p->lines);

	safe = pm2_decoder_safe_offset(p->pm2, safe);
	for (size_t i = 0; i < p->nsets; i++)
		if (record_builder_is_open(p->sets[i].rb)) {
			uint64_t o = record_builder_safe_offset(p->sets[i].rb);

			if (o < safe)
				safe = o;
		}
	return safe;
}

void
pipeline_flush(struct pipeline *p)
{
	for (size_t i = 0; i < p->nsets; i++)
		record_builder_flush(p->sets[i].rb);
}

bool
pipeline_is_pending(const struct pipeline *p)
{
	if (line_reader_in_line(p->lines))
		return true;
	for (size_t i = 0; i < p->nsets; i++)
		if (record_builder_is_open(p->sets[i].rb))
			return true;
	return false;
}

void
pipeline_reset(struct pipeline *p, uint64_t offset)
{
	line_reader_reset(p->lines, offset);
	pm2_decoder_reset(p->pm2);
	for (size_t i = 0; i < p->nsets; i++)
		record_builder_reset(p->sets[i].rb);
}

const struct pipeline_stats *
pipeline_stats(const struct pipeline *p)
{
	return &p->stats;
}

const struct pipeline_first *
pipeline_first(const struct pipeline *p, size_t set_idx, size_t class_idx)
{
	return &p->sets[set_idx].first[class_idx];
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nsets; i++) {
		record_builder_free(p->sets[i].rb);
		free(p->sets[i].first);
	}
	free(p->sets);
	pm2_decoder_free(p->pm2);
	line_reader_free(p->lines);
	free(p->path);
	free(p);
}

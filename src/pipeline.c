/*
 * pipeline: see pipeline.h.  Each stage calls the next through a small
 * callback; the hot path (a plain line that starts and ends a record and
 * matches nothing) allocates nothing.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ansi.h"
#include "line.h"
#include "log.h"
#include "pipeline.h"
#include "redact.h"
#include "pm2.h"
#include "pm2_daemon.h"
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
	/* The fast path's search for the set's head (match_set_find_head):
	 * in the stream bytes [head_from, head_to) it first occurs at
	 * head_at (UINT64_MAX: nowhere). */
	uint64_t	 head_from, head_to, head_at;
};

struct pipeline {
	struct pipeline_options opts;
	struct pipeline_sink sink;
	char		*path;
	struct line_reader *lines;
	struct pm2_decoder *pm2;
	struct pm2_daemon_reader *daemon;	/* is_pm2_daemon: all of it */
	struct pipeline_set *sets;
	size_t		 nsets;
	struct pipeline_stats stats;
	bool		 warned_cut;
	bool		 warned_record_cut;
	bool		 warned_joined;	/* pm2_decoder_joined_messages */
	bool		 is_plain_ok;	/* every set uses the default rule */
	bool		 run_first[256];	/* may start a record */
	char		*scratch;	/* a record of stamped lines */
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
	len = strlen(pair);
	/* A class may have taken the record with its colours (match.h):
	 * shown without them, before redaction, which they would hide a
	 * secret from. */
	if (memchr(pair, '\033', len) != NULL)
		len = ansi_strip(pair, len, pair);
	clean = redact_builtin(pair, len, &len);
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

size_t
pipeline_excerpt(const struct record *rec, char *buf)
{
	const char *nl;
	char *clean, plain[4 * PIPELINE_EXCERPT_MAX];
	size_t n;

	nl = memchr(rec->text, '\n', rec->len);
	n = nl != NULL ? (size_t)(nl - rec->text) : rec->len;
	/* Secrets out before the cut, so that a value the cut would split
	 * is still seen whole (redact.h): reports show only this, and
	 * without the colours (ansi.h) that would split such a value. */
	if (n > 4 * PIPELINE_EXCERPT_MAX)
		n = 4 * PIPELINE_EXCERPT_MAX;
	if (memchr(rec->text, '\033', n) != NULL) {
		n = ansi_strip(rec->text, n, plain);
		clean = redact_builtin(plain, n, &n);
	} else
		clean = redact_builtin(rec->text, n, &n);
	if (n > PIPELINE_EXCERPT_MAX) {
		n = PIPELINE_EXCERPT_MAX;
		while (n > 0 && ((unsigned char)clean[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, clean, n);
	buf[n] = '\0';
	free(clean);
	return n;
}

static void
pipeline_first_note(struct pipeline_first *f, const struct record *rec,
    const struct match_set *set)
{
	if (f->is_set)
		return;
	f->is_set = true;
	f->line = rec->line_number;
	f->offset = rec->offset;
	f->ts_ms = rec->ts_ms;
	(void)pipeline_excerpt(rec, f->excerpt);
	match_set_captures(set, pipeline_capture, f);
}

/* Counts and classifies REC; HEAD: see match_set_classify_at. */
static void
pipeline_classify(struct pipeline_set *ps, const struct record *rec,
    size_t head)
{
	struct pipeline *p = ps->p;
	enum match_outcome outcome;
	size_t class_idx = 0;

	if (ps->idx == 0)
		p->stats.records++;
	if (match_set_is_quiet(ps->set, rec, head))
		return;		/* MATCH_NONE, without asking */
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
	outcome = match_set_classify_at(ps->set, rec, &class_idx, head);
	if (outcome == MATCH_NONE)
		return;
	/* What it was matched as, without its colours when a copy without
	 * them was made (match.h): so it is kept and shown. */
	rec = match_set_shown(ps->set);
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
pipeline_record(void *ctx, const struct record *rec)
{
	pipeline_classify(ctx, rec, MATCH_HEAD_UNKNOWN);
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
 * Once: the input holds JSON messages whose line ends were removed
 * (pm2_decoder_joined_messages).  Asked after each piece of input, not
 * each line, for the fast path's sake.
 */
static void
pipeline_warn_joined(struct pipeline *p)
{
	if (p->warned_joined || pm2_decoder_joined_messages(p->pm2) == 0)
		return;
	p->warned_joined = true;
	log_warnx("%s: JSON messages without line ends, as `pm2 logs --json` "
	    "prints them; their records are told apart only where an object "
	    "closes, and may be undercounted (scan the log files, or "
	    "`pm2 logs` without --json)", p->path);
}

/*
 * Where the set's head first occurs in the record at Q (N bytes), which
 * lies in the LEN bytes at BUF, stream offset OFF: match_set_classify_at's
 * HEAD.  The head is searched for once over the bytes in hand, not once
 * per record; what was found is kept, as stream offsets, for the records
 * after.
 */
static size_t
pipeline_head(struct pipeline_set *ps, const char *buf, size_t len,
    uint64_t off, const char *q, size_t n)
{
	size_t hlen = match_set_head_len(ps->set);
	uint64_t qs = off + (uint64_t)(q - buf), qe = qs + n;

	if (hlen == 0)
		return MATCH_HEAD_UNKNOWN;
	if (qs < ps->head_from || qs > ps->head_at || qe > ps->head_to) {
		const char *h = match_set_find_head(ps->set, q,
		    (size_t)(buf + len - q));

		ps->head_from = qs;
		ps->head_to = off + len;
		ps->head_at = h != NULL ? off + (uint64_t)(h - buf) :
		    UINT64_MAX;
	}
	if (ps->head_at == UINT64_MAX || ps->head_at + hlen > qe)
		return MATCH_HEAD_ABSENT;
	return (size_t)(ps->head_at - qs);
}

/* Forgets where the heads were found: the next search starts anew. */
static void
pipeline_head_forget(struct pipeline *p)
{
	for (size_t i = 0; i < p->nsets; i++) {
		p->sets[i].head_from = UINT64_MAX;
		p->sets[i].head_to = 0;
	}
}

/* What a line is to the fast path (pipeline_kind). */
enum pipeline_kind {
	PIPELINE_OTHER,		/* for the line-by-line path */
	PIPELINE_START,		/* starts a record */
	PIPELINE_CONT,		/* continues one */
};

/* A line of the fast path: its message, after the stamp if it has one. */
struct pipeline_msg {
	const char	*m;
	size_t		 len;
	int64_t		 ts_ms;		/* its stamp's time, or STAMP_NONE */
	bool		 is_stamped;
	bool		 is_restamped;	/* its stamp is new (pipeline_stamps) */
	bool		 has_cr;	/* a CR before its LF (not in m) */
};

/*
 * The fast path's stamps: NOW, the stamp before the line in hand -- the
 * decoder's last, then each new one read on the way (pm2_restamp) -- in
 * a local copy that the decoder learns at the end of a run
 * (pm2_decoder_plain_seen); PREV, the one before the last line that had
 * a new stamp; TAKEN, once a stamp MOVED, the stamp before the first line
 * not taken yet (the run may end before that line's record is taken, and
 * the decoder then reads it itself).
 */
struct pipeline_stamps {
	struct pm2_stamp now, prev, taken;
	bool		 moved;
};

/*
 * pm2_restamp() for the fast path, kept out of line: the hot loop keeps
 * its copy of the last stamp in registers as long as no call it cannot
 * see takes that copy's address.  The line (Q, LEN) had a stamp other
 * than ST->now.
 */
static __attribute__((noinline)) enum pm2_peek
pipeline_restamp(struct pipeline_stamps *st, const char *q, size_t len,
    struct pipeline_msg *msg)
{
	enum pm2_peek peek;

	if (!st->moved) {
		/* Every line so far had the decoder's stamp. */
		st->moved = true;
		st->taken = st->now;
	}
	st->prev = st->now;
	peek = pm2_restamp(&st->now, q, len, &msg->m, &msg->len);
	msg->is_restamped = peek == PM2_PEEK_STAMPED;
	return peek;
}

/*
 * What the line at Q (N bytes before its LF) is, decided by the functions
 * the line-by-line path calls: the line reader's line end
 * (line_text_len), the PM2 decoder's first decision (pm2_peek, with the
 * stamp LAST before the line) and, for a line with a stamp other than
 * LAST, the decoder's reading of it (pipeline_restamp, when ST is given:
 * LAST, a copy of ST->now, is then the new stamp), the record builder's
 * default rule (record_line_continues).  A line longer than MAX_LINE is
 * left to the line-by-line path, which cuts it before anything else
 * looks at it, and so is one the decoder would have to DECODE.
 */
static inline __attribute__((always_inline)) enum pipeline_kind
pipeline_kind(struct pm2_stamp *last, struct pipeline_stamps *st,
    const char *q, size_t n, size_t max_line, struct pipeline_msg *msg)
{
	size_t len = line_text_len(q, n);
	enum pm2_peek peek;

	/* Cleared before anything returns: the caller reads it after every
	 * call, for a line too long too, and a value left from the line
	 * before would move back the stamp the decoder learns. */
	msg->is_restamped = false;
	if (len > max_line)
		return PIPELINE_OTHER;
	msg->has_cr = len != n;
	peek = pm2_peek(last, q, len, &msg->m, &msg->len);
	if (peek == PM2_PEEK_DECODE && st != NULL &&
	    (peek = pipeline_restamp(st, q, len, msg)) == PM2_PEEK_STAMPED)
		*last = st->now;
	switch (peek) {
	case PM2_PEEK_AS_IS:
		msg->is_stamped = false;
		msg->ts_ms = STAMP_NONE;
		break;
	case PM2_PEEK_STAMPED:
		msg->is_stamped = true;
		msg->ts_ms = last->ms;
		break;
	default:
		return PIPELINE_OTHER;
	}
	return record_line_continues(msg->m, msg->len) ? PIPELINE_CONT :
	    PIPELINE_START;
}

/*
 * The fast path's scratch record: room for the longest record it takes
 * (under max_record_bytes) and the LF after it, so that each line is one
 * copy without a test.  Made when first needed: most logs never need it,
 * and pages never written cost no memory.
 */
static char *
pipeline_scratch(struct pipeline *p)
{
	if (p->scratch == NULL)
		p->scratch = xmalloc(p->max_record_bytes + 1);
	return p->scratch;
}

/*
 * The fast path (line_reader_cb.run): a record whose lines all lie in the
 * bytes in hand, and whose end is known there (its last line is a lone
 * "}" or "]", or the line after it starts a record), goes to the record
 * builders and the matcher without the line, PM2 and record stages
 * handing it on line by line.  Its text is left in place where it lies
 * whole in the buffer (plain text, or only its first line stamped, as PM2
 * cluster mode writes); lines stamped each (fork mode with --time) are
 * joined in a scratch buffer.  That is most records of a busy log,
 * orphans after a closer (PM2's chunk damage) included.  Whatever else --
 * a new stamp (the decoder reads it, and the run goes on after), PM2's
 * JSON, a `pm2 logs` prefix, a CR before an LF inside a record, a cap
 * reached, a record running past the bytes in hand -- stops the run and
 * goes the usual way.  Each line is decided by the functions the
 * line-by-line path calls (pipeline_kind), so the records and counts are
 * those of that path; tests/unit/test_pipeline.c holds the two to each
 * other.
 */
static size_t
pipeline_take(struct pipeline *p, const char *buf, size_t len, uint64_t off,
    uint64_t number, const struct pm2_line *json, uint64_t *nlines)
{
	const char *q = buf, *end = buf + len, *nl;
	struct pipeline_stamps st;
	struct pm2_stamp stamp;	/* st.now, where the compiler can keep it */
	/*
	 * The decoder hands the lines inside a JSON message on as they are:
	 * with no stamp, pm2_peek() passes most AS_IS, and the few it would
	 * DECODE (a digit, ESC, "PM2 " or PM2's JSON first) go the
	 * line-by-line way, which hands them on as they are too.
	 */
	struct pm2_stamp no_stamp = { .len = 0 };
	struct pm2_stamp *last_stamp = json == NULL ? &stamp : &no_stamp;
	struct pipeline_stamps *restamp = json == NULL ? &st : NULL;
	size_t max_line = p->opts.max_line == 0 ? (size_t)LINE_MAX_DEFAULT :
	    p->opts.max_line;
	size_t max_lines = p->opts.max_record_lines != 0 ?
	    p->opts.max_record_lines : RECORD_MAX_LINES_DEFAULT;
	uint64_t k = 0, last_off = 0, stamped = 0;
	struct record rec;
	struct line_lf lf;
	struct pipeline_msg f, c;
	bool orphan = false;	/* Q continues, after a closer */

	*nlines = 0;
	if (!p->is_plain_ok || (json == NULL && !pm2_decoder_is_plain(p->pm2)))
		return 0;
	/* A line of PM2's JSON is the decoder's (pm2_peek): it is known
	 * from its first 13 bytes, before its LF is looked for.  (Were the
	 * line shorter, the line-by-line way would still read it right.) */
	if (json == NULL && len > 12 && buf[0] == '{' &&
	    pm2_peek(&no_stamp, buf, 13, &f.m, &f.len) == PM2_PEEK_DECODE)
		return 0;
	st.now = *pm2_decoder_last_stamp(p->pm2);
	st.moved = false;
	stamp = st.now;
	line_lf_init(&lf, buf, len);
	if ((nl = line_lf_next(&lf, q)) == NULL ||
	    pipeline_kind(last_stamp, restamp, q, (size_t)(nl - q), max_line,
	    &f) != PIPELINE_START)
		return 0;
	if (f.is_restamped)
		st.taken = st.prev;
	/* Q starts a record (an orphan, if so said), F is its first line's
	 * message, and NL ends that line. */
	for (;;) {
		const char *next = nl + 1, *last, *last_raw = q, *nl2 = NULL;
		size_t last_len = f.len, tlen = f.len;
		size_t lines = 1, nstamped = f.is_stamped;
		bool closed, in_place = true, cr = f.has_cr;
		enum pipeline_kind kind = PIPELINE_OTHER;

		last = f.m;
		closed = orphan && record_is_closer(f.m, f.len);
		while (!closed) {
			if (next >= end ||
			    (nl2 = line_lf_next(&lf, next)) == NULL)
				break;
			kind = pipeline_kind(last_stamp, restamp, next,
			    (size_t)(nl2 - next), max_line, &c);
			if (kind != PIPELINE_CONT)
				break;
			/* The lines are joined by the LFs in the buffer: a
			 * CR before one would stay in the text. */
			if (cr || c.has_cr || ++lines > max_lines ||
			    tlen + 1 + c.len >= p->max_record_bytes) {
				kind = PIPELINE_OTHER;
				break;
			}
			/* Stamps between the lines: join them, each line
			 * copied with the LF after it (no CR: see above). */
			if (c.is_stamped && in_place) {
				memcpy(pipeline_scratch(p), f.m, tlen + 1);
				in_place = false;
			}
			if (!in_place)
				memcpy(p->scratch + tlen + 1, c.m, c.len + 1);
			tlen += 1 + c.len;
			nstamped += c.is_stamped;
			last = c.m;
			last_len = c.len;
			last_raw = next;
			next = nl2 + 1;
			nl2 = NULL;
			closed = record_is_closer(c.m, c.len);
		}
		/* Unless a closer ended it, the next line must start a
		 * record, and be whole. */
		if (!closed && (nl2 == NULL || kind != PIPELINE_START))
			break;
		if (tlen >= p->max_record_bytes)
			break;
		/* The record: what came before it ends here. */
		if (k == 0) {
			for (size_t i = 0; i < p->nsets; i++)
				record_builder_start(p->sets[i].rb,
				    json != NULL ? json->key : NULL,
				    json != NULL ? json->key_len : 0);
			memset(&rec, 0, sizeof(rec));
			rec.app = json != NULL ? json->app :
			    pm2_decoder_app(p->pm2);
		}
		rec.text = in_place ? f.m : p->scratch;
		rec.len = tlen;
		rec.nlines = lines;
		if (json != NULL) {
			rec.ts_ms = json->ts_ms;
			rec.offset = json->offset;
			rec.end = json->end;
			rec.line_number = json->number;
		} else {
			rec.ts_ms = f.ts_ms;
			rec.offset = off + (uint64_t)(q - buf);
			rec.end = off + (uint64_t)(next - buf);
			rec.line_number = number + k + 1;
		}
		if (!in_place)
			last = p->scratch + tlen - last_len;
		for (size_t i = 0; i < p->nsets; i++) {
			struct pipeline_set *ps = &p->sets[i];

			record_builder_take(ps->rb, &rec, f.len, last,
			    last_len);
			pipeline_classify(ps, &rec, in_place ? pipeline_head(ps,
			    buf, len, off, f.m, tlen) : MATCH_HEAD_UNKNOWN);
		}
		k += lines;
		stamped += nstamped;
		last_off = off + (uint64_t)(last_raw - buf);
		q = next;
		if (closed) {
			/* After a closer, a continuation starts an orphan. */
			if (st.moved)
				st.taken = st.now;
			if (q >= end || (nl = line_lf_next(&lf, q)) == NULL)
				break;
			kind = pipeline_kind(last_stamp, restamp, q,
			    (size_t)(nl - q), max_line, &f);
			if (f.is_restamped)
				st.taken = st.prev;
			if (kind == PIPELINE_OTHER)
				break;
			orphan = kind == PIPELINE_CONT;
		} else {
			/* C, seen to end this record, starts the next. */
			if (st.moved)
				st.taken = c.is_restamped ? st.prev : st.now;
			nl = nl2;
			f = c;
			orphan = false;
		}
	}
	if (k == 0)
		return 0;
	if (json == NULL)
		pm2_decoder_plain_seen(p->pm2, last_off, rec.end, number + k,
		    stamped, st.moved ? &st.taken : NULL);
	*nlines = k;
	return (size_t)(q - buf);
}

/* The fast path for raw log bytes (line_reader_cb.run). */
static size_t
pipeline_run(void *ctx, const char *buf, size_t len, uint64_t off,
    uint64_t number, uint64_t *nlines)
{
	return pipeline_take(ctx, buf, len, off, number, NULL, nlines);
}

/*
 * The fast path for the lines inside a JSON message (pm2_decoder_cb.run).
 * The head searches are kept as stream offsets, which a decoded message
 * has none of: its own go from 0, and are forgotten before and after.
 */
static size_t
pipeline_json_run(void *ctx, const char *buf, size_t len,
    const struct pm2_line *proto, uint64_t *nlines)
{
	struct pipeline *p = ctx;
	size_t n;

	pipeline_head_forget(p);
	n = pipeline_take(p, buf, len, 0, 0, proto, nlines);
	pipeline_head_forget(p);
	return n;
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

static void
pipeline_daemon_line(void *ctx, const struct pm2_daemon_line *l)
{
	struct pipeline *p = ctx;

	if (p->sink.daemon_line != NULL)
		p->sink.daemon_line(p->sink.ctx, l);
}

struct pipeline *
pipeline_new(struct match_set *const *sets, size_t nsets,
    const struct pipeline_sink *sink, const char *app, const char *path,
    const struct pipeline_options *opts)
{
	struct pipeline *p = xcalloc(1, sizeof(*p));
	struct line_reader_cb lcb = { pipeline_raw_line, pipeline_nul_run, p,
	    pipeline_run, p->run_first };
	struct pm2_decoder_cb dcb = { pipeline_pm2_line, p, pipeline_json_run,
	    p->run_first };

	p->opts = *opts;
	p->sink = *sink;
	/* The fast path begins with a line that starts a record: only a
	 * first byte that cannot make it a continuation is worth offering
	 * (a CR first may still stand for an empty line: not offered). */
	for (int c = 0; c < 256; c++) {
		char ch = (char)c;

		p->run_first[c] = !record_line_continues(&ch, 1) &&
		    c != '\r' && c != '\n';
	}
	if (opts->no_fast_path) {
		lcb.run = NULL;
		dcb.run = NULL;
	}
	p->path = xstrdup(path);
	if (opts->is_pm2_daemon)
		p->daemon = pm2_daemon_reader_new(opts->max_line,
		    pipeline_daemon_line, p);
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
	if (p->daemon != NULL)
		pm2_daemon_reader_feed(p->daemon, buf, len);
	else
		line_reader_feed(p->lines, buf, len);
	pipeline_warn_joined(p);
}

void
pipeline_finish(struct pipeline *p, bool emit_partial)
{
	if (p->daemon != NULL)
		pm2_daemon_reader_finish(p->daemon, emit_partial);
	line_reader_finish(p->lines, emit_partial);
	pm2_decoder_finish(p->pm2);
	pipeline_warn_joined(p);
	for (size_t i = 0; i < p->nsets; i++)
		record_builder_flush(p->sets[i].rb);
	p->stats.cut_lines = line_reader_cut_lines(p->lines);
	p->stats.nul_bytes = line_reader_nul_bytes(p->lines);
}

uint64_t
pipeline_safe_offset(const struct pipeline *p)
{
	uint64_t safe = line_reader_done_offset(p->lines);

	if (p->daemon != NULL)
		return pm2_daemon_reader_safe_offset(p->daemon);
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
	if (p->daemon != NULL)
		pm2_daemon_reader_flush(p->daemon);
	for (size_t i = 0; i < p->nsets; i++)
		record_builder_flush(p->sets[i].rb);
}

bool
pipeline_is_pending(const struct pipeline *p)
{
	if (p->daemon != NULL)
		return pm2_daemon_reader_is_pending(p->daemon);
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
	if (p->daemon != NULL)
		pm2_daemon_reader_reset(p->daemon, offset);
	line_reader_reset(p->lines, offset);
	pm2_decoder_reset(p->pm2);
	for (size_t i = 0; i < p->nsets; i++)
		record_builder_reset(p->sets[i].rb);
	pipeline_head_forget(p);	/* other bytes now */
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
	pm2_daemon_reader_free(p->daemon);
	line_reader_free(p->lines);
	free(p->scratch);
	free(p->path);
	free(p);
}

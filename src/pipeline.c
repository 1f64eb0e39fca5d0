/*
 * pipeline: see pipeline.h.  Each stage calls the next through a small
 * callback; the hot path (a plain line that starts and ends a record and
 * matches nothing) allocates nothing.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
	bool		 is_plain_ok;	/* every set uses the default rule */
	bool		 plain_first[256];	/* pipeline_is_plain_start */
	bool		 cont_first[256];	/* pipeline_is_cont_start */
	bool		 run_first[256];	/* may start a run */
	char		*scratch;	/* a record of stamped lines */
	size_t		 scratch_cap;
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
 * Does a line that begins with byte C surely start a record, and reach the
 * record builder unchanged?  A continuation (whitespace, '}', ']', ')', or
 * an empty line: record.h), a line the PM2 decoder may change
 * (pm2_is_plain_line), and a CR first (an empty line once its CR is
 * dropped) are left to the line-by-line path.
 */
static inline bool
pipeline_is_plain_start(char c)
{
	return !record_continues_with(c) && c != '\r' && c != '\n' &&
	    pm2_is_plain_line(&c, 1);
}

/*
 * Does a line that begins with byte C continue a record under the default
 * rule (record.h), and reach the record builder unchanged?  An empty line
 * ('\n' first) does; a CR first is left to the line-by-line path.
 */
static inline bool
pipeline_is_cont_start(char c)
{
	return c == '\n' || record_continues_with(c);
}

/*
 * Does the line at Q (the bytes in hand end at END) start a record, and
 * reach the record builder unchanged?  pipeline_is_plain_start() for most
 * first bytes; a '{' that does not open PM2's JSON ('{"message":', as
 * pm2_decoder_line() tells it) and a 'P' that does not start "PM2 " (the
 * daemon's lines in `pm2 logs`) are plain too: a Node app's JSON logs
 * (pino) and a "POST ..." line.  Where the bytes in hand are too few to
 * tell, the answer is no, and the line goes the line-by-line way.
 */
static inline bool
pipeline_starts_plain(const struct pipeline *p, const char *q,
    const char *end)
{
	switch (*q) {
	case '{':
		return end - q >= 11 && memcmp(q, "{\"message\":", 11) != 0;
	case 'P':
		return end - q >= 4 && memcmp(q, "PM2 ", 4) != 0;
	default:
		return p->plain_first[(unsigned char)*q];
	}
}

/*
 * Finds the LFs of the fast path 64 bytes at a time: SSE2 compares give a
 * bit mask of the LFs in a block, and each line end is then a count of
 * trailing zeros, where a memchr(3) call per line costs more than a line
 * of 30 bytes (the common length of a busy log's lines).  Lines longer
 * than a block go to memchr(3).  Queries must go forward; a block is read
 * only where it lies wholly before END (no read past the buffer).
 */
struct pipeline_lf {
	const char	*blk;		/* the 64 bytes the mask covers */
	uint64_t	 mask;		/* bit i: blk[i] is an LF */
	const char	*end;
};

static inline void
pipeline_lf_init(struct pipeline_lf *f, const char *buf, size_t len)
{
	f->blk = NULL;
	f->mask = 0;
	f->end = buf + len;
}

/* The first LF at or after FROM, or NULL. */
static inline const char *
pipeline_lf_next(struct pipeline_lf *f, const char *from)
{
#ifdef __SSE2__
	for (;;) {
		const __m128i lf = _mm_set1_epi8('\n');
		uint64_t m;

		if (f->blk != NULL && from >= f->blk && from < f->blk + 64) {
			m = f->mask & (~0ULL << (from - f->blk));
			if (m != 0)
				return f->blk + __builtin_ctzll(m);
			from = f->blk + 64;
			continue;
		}
		if (f->end - from < 64)
			return memchr(from, '\n', (size_t)(f->end - from));
		f->blk = from;
		f->mask = 0;
		for (int i = 0; i < 4; i++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
			    (from + 16 * i));

			f->mask |= (uint64_t)(uint32_t)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, lf)) << (16 * i);
		}
		if (f->mask == 0) {
			/* A long line: memchr(3) runs faster over it. */
			const char *nl = memchr(from + 64, '\n',
			    (size_t)(f->end - from - 64));

			if (nl == NULL)
				return NULL;
			from = nl;
		}
	}
#else
	return memchr(from, '\n', (size_t)(f->end - from));
#endif
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
	bool		 is_stamped;
};

/*
 * What the line at Q (LEN bytes before its LF; the bytes in hand end at
 * END) is, as pm2_decoder_line() and record_builder_line() would see it:
 * a line that starts with the decoder's last stamp prefix (PREFIX, PLEN
 * bytes) is that stamp and the message after it; any other line is plain
 * when pipeline_starts_plain() or a continuation says so.  A line longer
 * than MAX_LINE is left to the line-by-line path, which cuts it before
 * anything else looks at it.  A stamped line
 * that ends in CR is left to the line-by-line path: the line reader drops
 * that CR before the decoder looks at the message.
 */
static inline enum pipeline_kind
pipeline_kind(const struct pipeline *p, const char *prefix, size_t plen,
    const char *q, size_t len, const char *end, size_t max_line,
    struct pipeline_msg *msg)
{
	if (len > max_line)
		return PIPELINE_OTHER;	/* the line reader cuts it first */
	if (plen > 0 && len >= plen && len >= 16 &&
	    memcmp(q, prefix, plen) == 0) {
		msg->m = q + plen;
		msg->len = len - plen;
		msg->is_stamped = true;
		if (q[len - 1] == '\r')
			return PIPELINE_OTHER;
		if (msg->len == 0 || pipeline_is_cont_start(*msg->m))
			return PIPELINE_CONT;
		return PIPELINE_START;
	}
	msg->m = q;
	msg->len = len;
	msg->is_stamped = false;
	if (p->cont_first[(unsigned char)*q])
		return PIPELINE_CONT;
	return pipeline_starts_plain(p, q, end) ? PIPELINE_START :
	    PIPELINE_OTHER;
}

/* Appends LEN bytes at M to the fast path's scratch record. */
static void
pipeline_scratch_put(struct pipeline *p, size_t at, const char *m,
    size_t len)
{
	/* Allocated even for nothing: the record's text points here. */
	if (p->scratch == NULL || at + len > p->scratch_cap) {
		size_t cap = p->scratch_cap == 0 ? 4096 : p->scratch_cap;

		while (cap < at + len)
			cap *= 2;
		p->scratch = xreallocarray(p->scratch, cap, 1);
		p->scratch_cap = cap;
	}
	if (len > 0)
		memcpy(p->scratch + at, m, len);
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
 * goes the usual way, so the records and counts are those of the
 * line-by-line path (tests/unit/test_pipeline.c).
 */
static size_t
pipeline_run(void *ctx, const char *buf, size_t len, uint64_t off,
    uint64_t number, uint64_t *nlines)
{
	struct pipeline *p = ctx;
	const char *q = buf, *end = buf + len, *nl, *prefix;
	size_t max_line = p->opts.max_line == 0 ? (size_t)LINE_MAX_DEFAULT :
	    p->opts.max_line;
	size_t max_lines = p->opts.max_record_lines != 0 ?
	    p->opts.max_record_lines : RECORD_MAX_LINES_DEFAULT;
	size_t plen;
	uint64_t k = 0, last_off = 0, stamped = 0;
	int64_t stamp_ms;
	struct record rec;
	struct pipeline_lf lf;
	struct pipeline_msg f, c;
	bool orphan = false;	/* Q continues, after a closer */

	*nlines = 0;
	if (!p->is_plain_ok || !pm2_decoder_is_plain(p->pm2))
		return 0;
	plen = pm2_decoder_stamp(p->pm2, &prefix, &stamp_ms);
	pipeline_lf_init(&lf, buf, len);
	if ((nl = pipeline_lf_next(&lf, q)) == NULL ||
	    pipeline_kind(p, prefix, plen, q, (size_t)(nl - q), end, max_line,
	    &f) != PIPELINE_START)
		return 0;
	/* Q starts a record (an orphan, if so said), F is its first line's
	 * message, and NL ends that line. */
	for (;;) {
		const char *next = nl + 1, *last, *last_raw = q, *nl2 = NULL;
		size_t first_len = f.len, last_len = f.len, tlen = f.len;
		size_t lines = 1, nstamped = f.is_stamped;
		bool closed, in_place = true, cr;
		enum pipeline_kind kind = PIPELINE_OTHER;

		cr = nl > q && nl[-1] == '\r';
		if (orphan && cr)
			break;
		last = f.m;
		closed = orphan && record_is_closer(f.m, f.len);
		while (!closed) {
			size_t ln;

			if (next >= end ||
			    (nl2 = pipeline_lf_next(&lf, next)) == NULL)
				break;
			ln = (size_t)(nl2 - next);
			kind = pipeline_kind(p, prefix, plen, next, ln, end,
			    max_line, &c);
			if (kind != PIPELINE_CONT)
				break;
			if (cr || (ln > 0 && next[ln - 1] == '\r') ||
			    ++lines > max_lines ||
			    tlen + 1 + c.len >= p->max_record_bytes) {
				kind = PIPELINE_OTHER;
				break;
			}
			if (c.is_stamped && in_place) {
				/* Stamps between the lines: join them. */
				pipeline_scratch_put(p, 0, f.m, tlen);
				in_place = false;
			}
			if (!in_place) {
				pipeline_scratch_put(p, tlen, "\n", 1);
				pipeline_scratch_put(p, tlen + 1, c.m, c.len);
			}
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
		if (lines == 1 && cr) {
			tlen--;	/* only unstamped lines get here with CR */
			first_len = last_len = tlen;
		}
		if (tlen >= p->max_record_bytes)
			break;
		/* The record: what came before it ends here. */
		if (k == 0) {
			for (size_t i = 0; i < p->nsets; i++)
				record_builder_flush(p->sets[i].rb);
			memset(&rec, 0, sizeof(rec));
			rec.app = pm2_decoder_app(p->pm2);
		}
		rec.text = in_place ? f.m : p->scratch;
		rec.len = tlen;
		rec.ts_ms = f.is_stamped ? stamp_ms : STAMP_NONE;
		rec.nlines = lines;
		rec.offset = off + (uint64_t)(q - buf);
		rec.end = off + (uint64_t)(next - buf);
		rec.line_number = number + k + 1;
		if (!in_place)
			last = p->scratch + tlen - last_len;
		for (size_t i = 0; i < p->nsets; i++) {
			struct pipeline_set *ps = &p->sets[i];

			rec.is_orphan = orphan;
			record_builder_take(ps->rb, &rec, first_len, last,
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
			if (q >= end || (nl = pipeline_lf_next(&lf, q)) == NULL)
				break;
			kind = pipeline_kind(p, prefix, plen, q, (size_t)(nl - q),
			    end, max_line, &f);
			if (kind == PIPELINE_OTHER)
				break;
			orphan = kind == PIPELINE_CONT;
		} else {
			nl = nl2;
			f = c;
			orphan = false;
		}
	}
	if (k == 0)
		return 0;
	pm2_decoder_plain_seen(p->pm2, last_off, rec.end, number + k, stamped);
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
	struct pm2_decoder_cb dcb = { pipeline_pm2_line, p };

	p->opts = *opts;
	p->sink = *sink;
	for (int c = 0; c < 256; c++) {
		p->plain_first[c] = pipeline_is_plain_start((char)c);
		p->cont_first[c] = pipeline_is_cont_start((char)c);
		p->run_first[c] = p->plain_first[c] || c == '{' ||
		    c == 'P' || (c >= '0' && c <= '9');
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
}

void
pipeline_finish(struct pipeline *p, bool emit_partial)
{
	if (p->daemon != NULL)
		pm2_daemon_reader_finish(p->daemon, emit_partial);
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
	for (size_t i = 0; i < p->nsets; i++) {
		record_builder_reset(p->sets[i].rb);
		p->sets[i].head_to = 0;	/* other bytes now */
	}
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

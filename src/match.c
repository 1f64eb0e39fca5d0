/*
 * match: classifying records by a loaded pattern set (see match.h).  The
 * set is read by match_load.c; the literals looked for before a regex
 * runs, and the chains decided without one, are worked out by
 * match_literal.c.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ansi.h"
#include "log.h"
#include "match.h"
#include "match_int.h"
#include "utf8.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------------
 * Finding literals.
 */

/* The first occurrence of F's literal in (HAY, LEN), or NULL. */
static const char *
match_find(const struct match_finder *f, const char *hay, size_t len)
{
	const char *p = hay + f->rare_idx, *end = hay + len;
	unsigned char rare;

	if (len < f->len)
		return NULL;
	rare = (unsigned char)f->lit[f->rare_idx];
	end -= f->len - f->rare_idx - 1;	/* last place rare may be */
	while (p < end) {
		p = memchr(p, rare, (size_t)(end - p));
		if (p == NULL)
			return NULL;
		/* The ends first: most false hits differ there, and a call
		 * to memcmp(3) costs more than a short literal. */
		if (p[-(ptrdiff_t)f->rare_idx] == f->lit[0] &&
		    p[f->len - 1 - f->rare_idx] == f->lit[f->len - 1] &&
		    memcmp(p - f->rare_idx, f->lit, f->len) == 0)
			return p - f->rare_idx;
		p++;
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Classification.
 */

/*
 * Runs class C on REC.  *SEEN tells whether C's filter literal is in the
 * record (whether or not the regex matched).
 */
/*
 * The text a regex sees.  PCRE2_MATCH_INVALID_UTF lets matching go on over
 * invalid UTF-8, but no character class matches an invalid byte, so
 * "[\s\S]*?" would stop at one (pcre2unicode(3), "Matching in invalid
 * UTF strings").  A record that needs a regex and is not valid UTF-8 is
 * matched in a repaired copy (invalid bytes become U+FFFD), made once per
 * record.
 */
static const char *
match_text(struct match_set *set, const struct record *rec, size_t *len)
{
	if (set->text_rec == rec) {
		*len = set->text_len;
		return set->text;
	}
	set->text_rec = rec;
	if (utf8_is_valid(rec->text, rec->len)) {
		set->text = rec->text;
		set->text_len = rec->len;
	} else {
		if (set->repair_cap < rec->len * 3 + 1) {
			set->repair_cap = rec->len * 3 + 1;
			set->repair = xreallocarray(set->repair,
			    set->repair_cap, 1);
		}
		set->text_len = utf8_repair(rec->text, rec->len, set->repair);
		set->text = set->repair;
	}
	*len = set->text_len;
	return set->text;
}

static bool
match_run_once(struct match_set *set, struct match_class *c,
    const struct record *rec, bool *seen)
{
	size_t start = 0, len;
	const char *text;
	int rc;

	*seen = true;
	if (c->nliterals > 0) {
		const char *hit;

		if (c->has_head && c->filter == 0 &&
		    set->common_head != NULL) {
			/* Every head starts with the set's common one, whose
			 * first occurrence is at head_off: C's head is there,
			 * or later. */
			size_t h = set->head_off, cl = set->common.len;

			if (rec->len - h >= c->finder.len &&
			    memcmp(rec->text + h + cl, c->finder.lit + cl,
			    c->finder.len - cl) == 0)
				hit = rec->text + h;
			else
				hit = match_find(&c->finder, rec->text + h + 1,
				    rec->len - h - 1);
		} else
			hit = match_find(&c->finder, rec->text, rec->len);

		if (hit == NULL) {
			*seen = false;
			return false;
		}
		/* The head starts every match: begin the search there. */
		if (c->has_head && c->filter == 0)
			start = (size_t)(hit - rec->text);
	}
	if (c->is_chain) {
		/* Each literal after the one before (match_class_chain), in
		 * the record as it is: see there why its invalid UTF-8 needs
		 * no repair. */
		const char *at = rec->text + start + c->literal_lens[0];
		size_t left = rec->len - start - c->literal_lens[0];

		/* The head, literals[0], is at START (a chain has one). */
		for (size_t k = 1; k < c->nliterals; k++) {
			const char *hit = match_find(&c->finders[k], at, left);

			if (hit == NULL)
				return false;
			left -= (size_t)(hit - at) + c->literal_lens[k];
			at = hit + c->literal_lens[k];
		}
		return true;
	}
	text = match_text(set, rec, &len);
	if (text != rec->text) {
		/* The head was found in the original: find it again. */
		const char *hit = c->nliterals > 0 ? match_find(&c->finder,
		    text, len) : NULL;

		start = hit != NULL && c->has_head && c->filter == 0 ?
		    (size_t)(hit - text) : 0;
	}
	rc = pcre2_match(c->re, (PCRE2_SPTR)text, len, start, 0, set->md,
	    NULL);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
		/* A resource limit (match or depth limit, pcre2api(3)): the
		 * record may well have matched, so it must not pass for one
		 * that did not.  It is counted as damaged, and said once. */
		set->match_failed = true;
		if (!c->warned) {
			PCRE2_UCHAR msg[256];

			c->warned = true;
			pcre2_get_error_message(rc, msg, sizeof(msg));
			log_warnx("%s:%d:%d: pattern '%s' %s '%s': %s (error "
			    "%d) on a record of %zu bytes; such records count "
			    "as damaged", set->path, c->line, c->column,
			    set->name, c >= set->success && c < set->success +
			    set->nsuccess ? "success regex" : "class", c->name, (const char *)msg, rc, len);
		}
	}
	return rc >= 0;
}

/* match_run_once, timed when the set asks for it (struct match_timing). */
static bool
match_run(struct match_set *set, struct match_class *c,
    const struct record *rec, bool *seen)
{
	struct timespec t0, t1;
	bool is_match;

	if (!set->is_timed)
		return match_run_once(set, c, rec, seen);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_match = match_run_once(set, c, rec, seen);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	c->timing.tried++;
	c->timing.searched += *seen;
	c->timing.matched += is_match;
	c->timing.ns += (uint64_t)((int64_t)(t1.tv_sec - t0.tv_sec) *
	    1000000000 + (t1.tv_nsec - t0.tv_nsec));
	return is_match;
}

/*
 * Does the record begin with a tail of one of the heads, at least MIN bytes
 * long?  PM2's fork mode drops the text before a 64 KiB chunk edge
 * (samples/pm2/08), so a damaged record starts inside its head.
 */
static bool
match_head_tail(const struct match_set *set, const struct record *rec,
    size_t min)
{
	const char *p = rec->text;
	size_t len = rec->len;

	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	if (len < min)
		return false;
	if (min >= MATCH_TAIL_MIN) {
		unsigned h = match_window_hash(p);

		if (!(set->head_windows[h >> 3] & (1u << (h & 7))))
			return false;
	}
	for (size_t i = 0; i < set->nsuccess + set->nfailure; i++) {
		const struct match_class *c = i < set->nsuccess ?
		    &set->success[i] : &set->failure[i - set->nsuccess];
		const char *head = c->literals[0];
		size_t hl;

		if (!c->has_head)
			continue;
		hl = c->literal_lens[0];
		for (size_t k = 1; k + min <= hl; k++)
			if (head[k] == *p && hl - k <= len &&
			    memcmp(head + k, p, hl - k) == 0)
				return true;
	}
	return false;
}

static size_t
match_first_line_len(const struct record *rec)
{
	const char *nl = memchr(rec->text, '\n', rec->len);

	return nl != NULL ? (size_t)(nl - rec->text) : rec->len;
}

/* Does the record hold one of the set's inner (non-head) literals? */
static bool
match_inner_literal(const struct match_set *set, const struct record *rec)
{
	for (size_t i = 0; i < set->nsuccess + set->nfailure; i++) {
		const struct match_class *c = i < set->nsuccess ?
		    &set->success[i] : &set->failure[i - set->nsuccess];

		for (size_t k = c->has_head ? 1 : 0; k < c->nliterals; k++)
			if (c->literal_lens[k] >= MATCH_TAIL_MIN &&
			    match_find(&c->finders[k], rec->text,
			    rec->len) != NULL)
				return true;
	}
	return false;
}

/* Does the first line of REC end in '{' or '[' (it opens an object), or
 * in ':' (a label for one that follows)?  Trailing blanks and CR aside. */
static bool
match_first_line_opens(const struct record *rec)
{
	size_t len = match_first_line_len(rec);

	while (len > 0 && (rec->text[len - 1] == ' ' ||
	    rec->text[len - 1] == '\r'))
		len--;
	return len > 0 && (rec->text[len - 1] == '{' ||
	    rec->text[len - 1] == '[' || rec->text[len - 1] == ':');
}

/*
 * Did REC, none of ours, swallow one of ours that lost its head?  PM2's
 * fork mode drops the text before a 64 KiB chunk edge (samples/pm2/08);
 * when what is left of a head begins with a character that continues a
 * record (" created successfully: {", "] Ticket created ...", " {", or
 * nothing: an empty line), it joins the record before it, so that the
 * record is lost unless it is seen here (pm2_scan.sh's burst lost one in
 * ten runs so).  After a first line that opened nothing ("[http] POST
 * ..."; a stack trace's "    at" lines never end in a lone "{"), the
 * second line is taken as such a head when it is a head's tail, or a
 * short line (" {", "") followed by the body of one of ours.
 */
static bool
match_swallowed(const struct match_set *set, const struct record *rec)
{
	size_t first;
	struct record rest;

	if (rec->nlines < 2)
		return false;	/* most records: no second line to judge */
	first = match_first_line_len(rec);
	if (first >= rec->len || match_first_line_opens(rec))
		return false;
	rest = *rec;
	rest.text = rec->text + first + 1;
	rest.len = rec->len - first - 1;
	return match_head_tail(set, &rest, MATCH_TAIL_MIN) ||
	    (match_first_line_len(&rest) <= MATCH_HEAD_MIN &&
	    match_inner_literal(set, &rest));
}

/*
 * REC without its CSI sequences (ansi.h), in SET's copy, when it holds an
 * ESC byte; else REC.  Either is what match_set_shown() gives.
 */
static const struct record *
match_plain(struct match_set *set, const struct record *rec)
{
	if (set->is_plain_checked)
		return set->shown;
	set->is_plain_checked = true;
	if (memchr(rec->text, '\033', rec->len) == NULL)
		return rec;
	if (set->plain_cap < rec->len) {
		set->plain_cap = rec->len;
		set->plain_buf = xreallocarray(set->plain_buf,
		    set->plain_cap, 1);
	}
	set->plain = *rec;
	set->plain.text = set->plain_buf;
	set->plain.len = ansi_strip(rec->text, rec->len, set->plain_buf);
	set->shown = &set->plain;
	set->plain_head_off = 0;
	if (set->common_head != NULL) {
		const char *h = match_find(&set->common, set->plain.text,
		    set->plain.len);

		/* NULL: an ESC ate a byte of it ("\e[Omni]"). */
		set->plain_head_off = h != NULL ? (size_t)(h - set->plain.text) :
		    MATCH_HEAD_ABSENT;
	}
	return &set->plain;
}

/* match_try()'s second try, on the copy without CSI sequences. */
static __attribute__((noinline)) bool
match_try_plain(struct match_set *set, struct match_class *c,
    const struct record *rec, bool *seen)
{
	size_t head_off = set->head_off;
	bool is_match, seen_plain;

	if (match_plain(set, rec) == rec)
		return false;
	/* With a common head, every class has one: none is in the copy. */
	if (set->plain_head_off == MATCH_HEAD_ABSENT)
		return false;
	set->head_off = set->plain_head_off;
	is_match = match_run(set, c, &set->plain, &seen_plain);
	set->head_off = head_off;
	*seen = *seen || seen_plain;
	return is_match;
}

/*
 * Runs C on REC as written and, when that fails and REC holds CSI
 * sequences, on its copy without them (match.h).  *SEEN as for
 * match_run, for either.  A class whose head is not in REC as written
 * is not tried again.  The second try is out of line: the first decides
 * most records, and the loops that call this stay as tight as they were
 * without it.
 */
static inline bool
match_try(struct match_set *set, struct match_class *c,
    const struct record *rec, bool *seen)
{
	if (match_run(set, c, rec, seen))
		return true;
	/* A head must be there as written (match.h): without it, no ESC
	 * is looked for (most failures of the other classes stop here).
	 * But a logger colours a class's head as a whole
	 * (chalk.green('[Omni] Ticket created successfully:')): its codes
	 * end inside that head, which only the copy holds, and start just
	 * before the set's common head, where an ESC is looked for. */
	if (set->match_failed || (set->is_plain_checked && set->shown == rec))
		return false;
	if (!*seen && c->has_head && c->filter == 0 &&
	    !(set->common_head != NULL && set->head_off > 0 &&
	    memchr(rec->text, '\033', set->head_off) != NULL))
		return false;
	return match_try_plain(set, c, rec, seen);
}

/* A record found damaged without being matched: shown without its CSI
 * sequences all the same. */
static enum match_outcome
match_damaged(struct match_set *set, const struct record *rec)
{
	(void)match_plain(set, rec);
	return MATCH_DAMAGED;
}

size_t
match_set_failure_index(const struct match_set *set, const char *name)
{
	size_t i = 0;

	while (i < set->nfailure && strcmp(set->failure[i].name, name) != 0)
		i++;
	return i;
}

size_t
match_set_head_len(const struct match_set *set)
{
	return set->common_head != NULL ? set->common.len : 0;
}

const char *
match_set_find_head(const struct match_set *set, const char *p, size_t len)
{
	return set->common_head != NULL ? match_find(&set->common, p, len) :
	    NULL;
}

enum match_outcome
match_set_classify(struct match_set *set, const struct record *rec,
    size_t *class_idx)
{
	return match_set_classify_at(set, rec, class_idx, MATCH_HEAD_UNKNOWN);
}

enum match_outcome
match_set_classify_at(struct match_set *set, const struct record *rec,
    size_t *class_idx, size_t head)
{
	bool seen, is_candidate = false;

	set->text_rec = NULL;
	set->decided = NULL;
	set->match_failed = false;
	set->head_off = 0;
	set->shown = rec;
	set->is_plain_checked = false;
	if (set->common_head != NULL) {
		if (head == MATCH_HEAD_UNKNOWN) {
			const char *h = match_find(&set->common, rec->text,
			    rec->len);

			head = h != NULL ? (size_t)(h - rec->text) :
			    MATCH_HEAD_ABSENT;
		}
		if (head == MATCH_HEAD_ABSENT)
			goto no_head;
		set->head_off = head;
	}
	for (size_t i = 0; i < set->nsuccess; i++) {
		if (match_try(set, &set->success[i], rec, &seen)) {
			set->decided = &set->success[i];
			return MATCH_SUCCESS;
		}
		if (seen && set->success[i].has_head)
			is_candidate = true;
		/* It may have been a success. */
		if (set->match_failed)
			return match_damaged(set, rec);
	}
	for (size_t i = 0; i < set->nfailure; i++) {
		if (match_try(set, &set->failure[i], rec, &seen)) {
			set->decided = &set->failure[i];
			*class_idx = i;
			return MATCH_FAILURE;
		}
		if (seen && set->failure[i].has_head)
			is_candidate = true;
		/* A later class cannot win. */
		if (set->match_failed)
			return match_damaged(set, rec);
	}
	if (is_candidate || set->match_failed)
		return match_damaged(set, rec);
no_head:
	if (match_head_tail(set, rec, MATCH_TAIL_MIN))
		return match_damaged(set, rec);
	/*
	 * An object record that lost most of its head ("ket: {"), all but
	 * its brace (": {", "{" after a record that left nothing open: one
	 * closed by a lone "}", or a plain line like "[http] POST ..." --
	 * not one that opened an object or ends in a label, "row:"),
	 * or all of it (an orphan), but holds the body of one of ours.  A "{"
	 * line in the middle of a record (an inner line cut short) follows a
	 * record whose object is still open, and its head was counted
	 * already.
	 */
	if ((rec->is_orphan || rec->starts_object) &&
	    match_inner_literal(set, rec) && (rec->is_orphan ||
	    match_head_tail(set, rec, MATCH_HEAD_MIN) ||
	    (rec->follows_close && match_first_line_len(rec) <=
	    MATCH_HEAD_MIN)))
		return match_damaged(set, rec);
	if (match_swallowed(set, rec))
		return match_damaged(set, rec);
	return MATCH_NONE;
}

const struct record *
match_set_shown(const struct match_set *set)
{
	return set->shown;
}

void
match_set_captures(const struct match_set *set,
    void (*fn)(void *ctx, const char *name, const char *p, size_t len),
    void *ctx)
{
	PCRE2_SPTR table;
	PCRE2_SIZE *ov;
	uint32_t count = 0, entry = 0, pairs;

	if (set->decided == NULL)
		return;
	pcre2_pattern_info(set->decided->re, PCRE2_INFO_NAMECOUNT, &count);
	if (count == 0)
		return;
	pcre2_pattern_info(set->decided->re, PCRE2_INFO_NAMEENTRYSIZE, &entry);
	pcre2_pattern_info(set->decided->re, PCRE2_INFO_NAMETABLE, &table);
	ov = pcre2_get_ovector_pointer(set->md);
	pairs = pcre2_get_ovector_count(set->md);
	/* pcre2api(3), "Extracting captured substrings by name": each entry
	 * is a 2-byte group number, then the NUL-terminated name. */
	for (uint32_t i = 0; i < count; i++, table += entry) {
		uint32_t n = ((uint32_t)table[0] << 8) | table[1];

		if (n >= pairs || ov[2 * n] == PCRE2_UNSET)
			continue;
		fn(ctx, (const char *)table + 2, set->text + ov[2 * n],
		    ov[2 * n + 1] - ov[2 * n]);
	}
}

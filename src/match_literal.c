/*
 * match_literal: the literal runs every match of a regex must contain
 * (looked for before the regex runs), the finders that search for them,
 * the prefix and head windows a set's classes share, and the chains of
 * literals that are decided without PCRE2.  All of it is worked out once,
 * when a set is loaded; match.c uses it on every record.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "match_int.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------------
 * Finding literals.
 */

/* How common a byte is in log text: higher is more common. */
static int
match_byte_rank(unsigned char c)
{
	if (c == ' ')
		return 255;
	if (strchr("etaoinsr", c) != NULL && c != '\0')
		return 220;
	if (c >= 'a' && c <= 'z')
		return 180;
	if (c >= '0' && c <= '9')
		return 170;
	if (c != '\0' && strchr(":,.-/'=\"_", c) != NULL)
		return 160;
	if (c != '\0' && strchr("[]{}()", c) != NULL)
		return 100;
	if (c >= 'A' && c <= 'Z')
		return 60;
	return 50;
}

void
match_finder_init(struct match_finder *f, const char *lit, size_t len)
{
	f->lit = lit;
	f->len = len;
	f->rare_idx = 0;
	for (size_t i = 1; i < len; i++)
		if (match_byte_rank((unsigned char)lit[i]) <
		    match_byte_rank((unsigned char)lit[f->rare_idx]))
			f->rare_idx = i;
}

/* ---------------------------------------------------------------------
 * Literal runs.  A regex without alternation is a sequence of atoms; the
 * plain characters outside groups that are not quantified must appear in
 * every match, in order.
 */

static void
match_literal_end(struct match_class *c, char *run, size_t *len,
    size_t start_pos, size_t *first_start)
{
	if (*len > 0 && c->nliterals < MATCH_MAX_LITERALS) {
		if (c->nliterals == 0)
			*first_start = start_pos;
		c->literals[c->nliterals] = xstrndup(run, *len);
		c->literal_lens[c->nliterals] = *len;
		c->nliterals++;
	}
	*len = 0;
}

/* Is RE[I] the start of a {n}, {n,} or {n,m} quantifier? */
static bool
match_is_brace_quantifier(const char *re, size_t i, size_t *end)
{
	size_t j = i + 1, digits = 0;

	while (re[j] >= '0' && re[j] <= '9') {
		j++;
		digits++;
	}
	if (digits == 0)
		return false;
	if (re[j] == ',') {
		j++;
		while (re[j] >= '0' && re[j] <= '9')
			j++;
	}
	if (re[j] != '}')
		return false;
	*end = j + 1;
	return true;
}

void
match_class_literals(struct match_class *c)
{
	const char *re = c->regex;
	size_t n = strlen(re), i = 0, len = 0, run_start = 0, first_start = 0;
	size_t quant_end = 0;
	char *run = xmalloc(n + 1);
	int depth = 0;
	bool last_literal = false;

	while (i < n) {
		char ch = re[i];

		if (ch == '|' || (ch == '(' && re[i + 1] == '?' &&
		    ((re[i + 2] >= 'a' && re[i + 2] <= 'z' && re[i + 2] != 'P') ||
		    (re[i + 2] >= 'A' && re[i + 2] <= 'Z' && re[i + 2] != 'P') ||
		    re[i + 2] == '-' || re[i + 2] == '^')))
			goto give_up;
		if (ch == '*' || ch == '+' || ch == '?' ||
		    (ch == '{' && match_is_brace_quantifier(re, i, &quant_end))) {
			/* The quantified atom is optional or repeated. */
			if (last_literal && len > 0)
				len--;
			match_literal_end(c, run, &len, run_start, &first_start);
			last_literal = false;
			i = ch == '{' ? quant_end : i + 1;
			continue;
		}
		last_literal = false;
		if (ch == '\\') {
			char e = re[i + 1];

			if (e == '\0')
				goto give_up;
			if (e != '\0' && strchr("ntrfae", e) != NULL) {
				/* \n, \t, \r, \f, \a, \e: one character. */
				static const char from[] = "ntrfae";
				static const char to[] = "\n\t\r\f\a\033";

				if (depth == 0) {
					if (len == 0)
						run_start = i;
					run[len++] = to[strchr(from, e) - from];
					last_literal = true;
				}
				i += 2;
				continue;
			}
			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
			    (e >= '0' && e <= '9')) {
				if (strchr("sSdDwWbBhHvVRAzZG", e) == NULL)
					goto give_up;
				match_literal_end(c, run, &len, run_start,
				    &first_start);
				i += 2;
				continue;
			}
			if (depth == 0) {
				if (len == 0)
					run_start = i;
				run[len++] = e;
				last_literal = true;
			}
			i += 2;
			continue;
		}
		if (ch == '[') {
			size_t j = i + 1;

			if (re[j] == '^')
				j++;
			if (re[j] == ']')
				j++;
			while (j < n && re[j] != ']') {
				if (re[j] == '\\' && j + 1 < n)
					j++;
				else if (re[j] == '[' && (re[j + 1] == ':' ||
				    re[j + 1] == '.' || re[j + 1] == '=')) {
					/* [:digit:], [.x.], [=x=] end in
					 * their own "X]", not the class's. */
					const char *end = strchr(re + j + 2,
					    re[j + 1]);

					while (end != NULL && end[1] != ']')
						end = strchr(end + 1, re[j + 1]);
					if (end != NULL)
						j = (size_t)(end + 1 - re);
				}
				j++;
			}
			match_literal_end(c, run, &len, run_start, &first_start);
			i = j + 1;
			continue;
		}
		if (ch == '(' || ch == ')' || ch == '.' || ch == '^' ||
		    ch == '$') {
			if (ch == '(')
				depth++;
			else if (ch == ')')
				depth--;
			match_literal_end(c, run, &len, run_start, &first_start);
			i++;
			continue;
		}
		if (depth == 0) {
			if (len == 0)
				run_start = i;
			run[len++] = ch;
			last_literal = true;
		} else
			match_literal_end(c, run, &len, run_start, &first_start);
		i++;
	}
	match_literal_end(c, run, &len, run_start, &first_start);
	free(run);
	c->has_head = c->nliterals > 0 && first_start == 0 &&
	    c->literal_lens[0] >= MATCH_HEAD_MIN;
	/* memmem looks for the head (so the regex can start there), else for
	 * the longest literal. */
	c->filter = 0;
	if (!c->has_head)
		for (size_t k = 1; k < c->nliterals; k++)
			if (c->literal_lens[k] > c->literal_lens[c->filter])
				c->filter = k;
	if (c->nliterals > 0)
		match_finder_init(&c->finder, c->literals[c->filter],
		    c->literal_lens[c->filter]);
	for (size_t k = 0; k < c->nliterals; k++)
		match_finder_init(&c->finders[k], c->literals[k],
		    c->literal_lens[k]);
	return;

give_up:
	free(run);
	for (size_t k = 0; k < c->nliterals; k++)
		free(c->literals[k]);
	c->nliterals = 0;
	c->has_head = false;
}

/* Is RE at I the gap "[\s\S]*?", "[\S\s]*?" or either without the '?'?
 * Returns its length, or 0. */
static size_t
match_gap_len(const char *re, size_t i)
{
	if (strncmp(re + i, "[\\s\\S]*", 7) != 0 &&
	    strncmp(re + i, "[\\S\\s]*", 7) != 0)
		return 0;
	return re[i + 7] == '?' ? 8 : 7;
}

/*
 * Sets C->is_chain when C's regex is a chain of literals joined by gaps
 * that match anything, newlines included: L0[\s\S]*?L1...[\s\S]*?Ln,
 * which is what the seed's two regexes are.  Such a regex matches a text
 * exactly when L0..Ln occur in it in that order without overlapping, and
 * finding each after the one before decides it as PCRE2 would
 * (match_run_once).  A literal here is plain characters other than
 * PCRE2's metacharacters, or a backslash and a punctuation character
 * (pcre2pattern(3), "Non-printing characters": a backslash before any
 * non-alphanumeric ASCII character takes it literally).  Anything else --
 * a class, a group, a quantifier, an anchor, a letter escape -- leaves C
 * to PCRE2.  The literals must be the ones match_class_literals() found,
 * which C's finders already search for.
 *
 * A chain is searched for in the record as it is, even where PCRE2 would
 * be given a repaired copy (match_text): a literal is valid UTF-8 and
 * starts with a byte that cannot continue a sequence, so where it occurs
 * a decoder starts afresh and takes its characters as they are; repair
 * replaces only bytes outside such characters, and so keeps every
 * occurrence and makes none -- unless a literal holds U+FFFD, the
 * replacement character itself, which leaves C to PCRE2.
 */
void
match_class_chain(struct match_class *c)
{
	const char *re = c->regex;
	char *lit = xmalloc(strlen(re) + 1);
	size_t i = 0, k = 0, len = 0;

	c->is_chain = false;
	if (!c->has_head)
		goto out;
	for (;;) {
		unsigned char ch = (unsigned char)re[i];
		size_t gap = ch == '[' ? match_gap_len(re, i) : 0;

		if (ch == '\0' || gap > 0) {
			/* A literal ends: it must be the next one found. */
			if (len == 0 || k >= c->nliterals ||
			    c->literal_lens[k] != len ||
			    memcmp(c->literals[k], lit, len) != 0)
				goto out;
			k++;
			len = 0;
			if (ch == '\0')
				break;
			i += gap;
			continue;
		}
		if (ch == '\\') {
			unsigned char e = (unsigned char)re[i + 1];

			if (e == '\0' || e >= 0x80 || isalnum(e) || e < 0x20)
				goto out;
			lit[len++] = (char)e;
			i += 2;
			continue;
		}
		if (strchr("^$.|?*+()[]{}", ch) != NULL)
			goto out;
		lit[len++] = (char)ch;
		i++;
	}
	c->is_chain = k == c->nliterals;
	for (k = 0; k < c->nliterals; k++)
		if (memmem(c->literals[k], c->literal_lens[k], "\xef\xbf\xbd",
		    3) != NULL)
			c->is_chain = false;
out:
	free(lit);
}

/* Remembers hashed 8-byte windows of every head, for the tail test. */
void
match_set_windows(struct match_set *set, struct match_class *cs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct match_class *c = &cs[i];

		if (!c->has_head || c->literal_lens[0] < MATCH_TAIL_MIN + 1)
			continue;
		for (size_t k = 1; k + MATCH_TAIL_MIN <= c->literal_lens[0];
		    k++) {
			unsigned h = match_window_hash(c->literals[0] + k);

			set->head_windows[h >> 3] |= (unsigned char)(1u << (h & 7));
		}
	}
}

/* The prefix all heads share, when every class has one (see match.h). */
void
match_set_common(struct match_set *set)
{
	const char *first = NULL;
	size_t n = 0;

	for (size_t i = 0; i < set->nsuccess + set->nfailure; i++) {
		const struct match_class *c = i < set->nsuccess ?
		    &set->success[i] : &set->failure[i - set->nsuccess];
		size_t k = 0;

		if (!c->has_head)
			return;
		if (first == NULL) {
			first = c->literals[0];
			n = c->literal_lens[0];
			continue;
		}
		while (k < n && k < c->literal_lens[0] &&
		    first[k] == c->literals[0][k])
			k++;
		n = k;
	}
	if (first == NULL || n < MATCH_HEAD_MIN)
		return;
	set->common_head = xstrndup(first, n);
	match_finder_init(&set->common, set->common_head, n);
}

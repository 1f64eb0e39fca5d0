/*
 * match: loading pattern sets (libfyaml), compiling them (PCRE2), and
 * classifying records.  See match.h.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libfyaml.h>

#include "log.h"
#include "match.h"
#include "utf8.h"
#include "xmalloc.h"
#include "yaml_load.h"

#define MATCH_HEAD_MIN		4	/* shortest literal head we trust */
#define MATCH_TAIL_MIN		8	/* shortest head tail we trust */

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

static void
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
static void
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

/* ---------------------------------------------------------------------
 * Loading.
 */

struct match_loader {
	const char	*path;
	struct fy_document *doc;
	struct match_set *set;
	char		*err;
};

static int
match_error(struct match_loader *ld, struct fy_node *node, const char *fmt,
    ...)
{
	struct fy_token *tok = NULL;
	const struct fy_mark *mark = NULL;
	char *msg;
	va_list ap;

	if (ld->err != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	/* A mapping has no token of its own: its first key marks it. */
	if (node != NULL && fy_node_is_mapping(node)) {
		void *iter = NULL;
		struct fy_node_pair *pair = fy_node_mapping_iterate(node,
		    &iter);

		node = pair != NULL ? fy_node_pair_key(pair) : NULL;
	}
	if (node != NULL && fy_node_is_scalar(node))
		tok = fy_node_get_scalar_token(node);
	if (tok != NULL)
		mark = fy_token_start_mark(tok);
	if (mark != NULL)
		ld->err = xasprintf("%s:%d:%d: %s", ld->path, mark->line + 1,
		    mark->column + 1, msg != NULL ? msg : "error");
	else
		ld->err = xasprintf("%s: %s", ld->path,
		    msg != NULL ? msg : "error");
	free(msg);
	return -1;
}

static const char *
match_scalar(struct match_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what)
{
	const char *s;
	size_t len;

	if (value == NULL || !fy_node_is_scalar(value)) {
		match_error(ld, key, "%s: expected a string", what);
		return NULL;
	}
	s = fy_node_get_scalar(value, &len);
	if (s == NULL || memchr(s, '\0', len) != NULL ||
	    (fy_node_get_style(value) == FYNS_PLAIN && (len == 0 ||
	    (len == 1 && s[0] == '~') || (len == 4 &&
	    memcmp(s, "null", 4) == 0)))) {
		match_error(ld, value, "%s: expected a string", what);
		return NULL;
	}
	if (len == 0) {
		match_error(ld, value, "%s: expected a non-empty string",
		    what);
		return NULL;
	}
	return s;
}

static char *
match_scalar_dup(struct match_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what)
{
	size_t len;
	const char *s = match_scalar(ld, key, value, what);

	if (s == NULL)
		return NULL;
	s = fy_node_get_scalar(value, &len);
	return xstrndup(s, len);
}

/* Compiles a regex scalar; errors point at the offending column. */
static pcre2_code *
match_compile(struct match_loader *ld, struct fy_node *node,
    const char *regex, const char *what, int *line, int *column)
{
	struct fy_token *tok = fy_node_get_scalar_token(node);
	const struct fy_mark *mark = tok != NULL ? fy_token_start_mark(tok) :
	    NULL;
	enum fy_node_style style = fy_node_get_style(node);
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *re;
	/* libfyaml 0.7's scalar token mark is at the first character of the
	 * value, after any opening quote. */
	int col0 = mark != NULL ? mark->column + 1 : 0;
	*line = mark != NULL ? mark->line + 1 : 0;
	*column = col0;
	re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];
		int col = col0 + (int)erroff;

		/* A quote written twice in a single-quoted scalar, or an
		 * escape in a double-quoted one ("\\", "\n"), is one
		 * character of the regex but two columns of the file. */
		for (size_t k = 0; k < erroff && regex[k] != '\0'; k++) {
			unsigned char ch = (unsigned char)regex[k];

			if (style == FYNS_SINGLE_QUOTED && ch == '\'')
				col++;
			else if (style == FYNS_DOUBLE_QUOTED && (ch == '\\' ||
			    ch == '"' || ch < 0x20))
				col++;
		}
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		free(ld->err);
		ld->err = xasprintf("%s:%d:%d: pattern '%s' %s: %s at offset "
		    "%zu", ld->path, *line, col,
		    ld->set->name != NULL ? ld->set->name : "?", what,
		    (const char *)msg, (size_t)erroff);
		return NULL;
	}
	if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0)
		ld->set->is_jit = true;
	return re;
}

static int
match_load_class(struct match_loader *ld, struct fy_node *item,
    struct match_class *c, bool is_success, size_t index)
{
	struct fy_node *regex_node = NULL;
	void *iter = NULL;
	struct fy_node_pair *pair;
	char what[192];

	if (fy_node_is_scalar(item) && is_success) {
		regex_node = item;
		c->name = xstrdup("success");
	} else if (fy_node_is_mapping(item)) {
		while ((pair = fy_node_mapping_iterate(item, &iter)) != NULL) {
			struct fy_node *k = fy_node_pair_key(pair);
			struct fy_node *v = fy_node_pair_value(pair);
			const char *key = fy_node_get_scalar0(k);

			if (key == NULL)
				return match_error(ld, k, "expected a key");
			if (strcmp(key, "regex") == 0) {
				if (match_scalar(ld, k, v, "regex") == NULL)
					return -1;
				regex_node = v;
			} else if (strcmp(key, "class") == 0) {
				free(c->name);
				c->name = match_scalar_dup(ld, k, v, "class");
				if (c->name == NULL)
					return -1;
			} else if (strcmp(key, "diagnosis") == 0) {
				free(c->diagnosis);
				c->diagnosis = match_scalar_dup(ld, k, v,
				    "diagnosis");
				if (c->diagnosis == NULL)
					return -1;
			} else
				return match_error(ld, k, "unknown key '%s' "
				    "(expected class, regex or diagnosis)",
				    key);
		}
		if (regex_node == NULL)
			return match_error(ld, item, "%s entry %zu has no "
			    "regex", is_success ? "success" : "failure",
			    index + 1);
		if (c->name == NULL)
			c->name = is_success ? xstrdup("success") :
			    xasprintf("class%zu", index + 1);
	} else
		return match_error(ld, item, "%s entry %zu: expected %s",
		    is_success ? "success" : "failure", index + 1,
		    is_success ? "a regex or a mapping with regex" :
		    "a mapping with class, regex and diagnosis");
	c->regex = match_scalar_dup(ld, regex_node, regex_node, "regex");
	if (c->regex == NULL)
		return -1;
	if (is_success)
		snprintf(what, sizeof(what), "success regex %zu", index + 1);
	else
		snprintf(what, sizeof(what), "failure class '%s'", c->name);
	c->re = match_compile(ld, regex_node, c->regex, what, &c->line,
	    &c->column);
	if (c->re == NULL)
		return -1;
	match_class_literals(c);
	match_class_chain(c);
	return 0;
}

static int
match_load_classes(struct match_loader *ld, struct fy_node *key,
    struct fy_node *seq, bool is_success)
{
	struct match_class **classes = is_success ? &ld->set->success :
	    &ld->set->failure;
	size_t *n = is_success ? &ld->set->nsuccess : &ld->set->nfailure;
	void *iter = NULL;
	struct fy_node *item;
	int count;

	if (seq == NULL || !fy_node_is_sequence(seq))
		return match_error(ld, key, "%s: expected a list",
		    is_success ? "success" : "failure");
	count = fy_node_sequence_item_count(seq);
	*classes = xcalloc((size_t)count, sizeof(**classes));
	while ((item = fy_node_sequence_iterate(seq, &iter)) != NULL) {
		if (match_load_class(ld, item, &(*classes)[*n], is_success,
		    *n) != 0) {
			(*n)++;
			return -1;
		}
		(*n)++;
	}
	return 0;
}

static pcre2_code *
match_load_rule(struct match_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what)
{
	int line, column;
	const char *s = match_scalar(ld, key, value, what);

	if (s == NULL)
		return NULL;
	return match_compile(ld, value, fy_node_get_scalar0(value), what,
	    &line, &column);
}

/* Remembers hashed 8-byte windows of every head, for the tail test. */
static unsigned
match_window_hash(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	v *= 0x9E3779B97F4A7C15ULL;
	return (unsigned)(v >> 52);	/* 12 bits: 4096 bit positions */
}

static void
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
static void
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

static int
match_load_doc(struct match_loader *ld)
{
	struct fy_node *root = fy_document_root(ld->doc);
	struct fy_node_pair *pair;
	void *iter = NULL;
	struct match_set *set = ld->set;

	if (root == NULL || !fy_node_is_mapping(root))
		return match_error(ld, root, "expected a mapping with name, "
		    "success and failure");
	/* The name first, so that regex errors can say which set. */
	while ((pair = fy_node_mapping_iterate(root, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		const char *key = fy_node_get_scalar0(k);

		if (key != NULL && strcmp(key, "name") == 0) {
			set->name = match_scalar_dup(ld, k,
			    fy_node_pair_value(pair), "name");
			if (set->name == NULL)
				return -1;
		}
	}
	if (set->name == NULL)
		return match_error(ld, root, "no 'name' key");
	iter = NULL;
	while ((pair = fy_node_mapping_iterate(root, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *key = fy_node_get_scalar0(k);

		if (key == NULL)
			return match_error(ld, k, "expected a key");
		if (strcmp(key, "name") == 0)
			continue;
		if (strcmp(key, "description") == 0) {
			set->description = match_scalar_dup(ld, k, v,
			    "description");
			if (set->description == NULL)
				return -1;
		} else if (strcmp(key, "success") == 0) {
			if (match_load_classes(ld, k, v, true) != 0)
				return -1;
		} else if (strcmp(key, "failure") == 0) {
			if (match_load_classes(ld, k, v, false) != 0)
				return -1;
		} else if (strcmp(key, "record_start") == 0) {
			set->record_start = match_load_rule(ld, k, v,
			    "record_start");
			if (set->record_start == NULL)
				return -1;
		} else if (strcmp(key, "continuation") == 0) {
			set->continuation = match_load_rule(ld, k, v,
			    "continuation");
			if (set->continuation == NULL)
				return -1;
		} else
			return match_error(ld, k, "unknown key '%s' (expected "
			    "name, description, success, failure, "
			    "record_start or continuation)", key);
	}
	if (set->nsuccess + set->nfailure == 0)
		return match_error(ld, root, "pattern '%s' has no success or "
		    "failure regex", set->name);
	return 0;
}

struct match_set *
match_set_load(const char *path, char **err)
{
	struct match_loader ld = { path, NULL, NULL, NULL };
	struct yaml_doc y;
	uint32_t ncap = 0, maxcap = 0;

	if (yaml_load(path, 0, &y, err) != 0) {
		yaml_doc_release(&y);
		return NULL;
	}
	if (y.doc == NULL) {
		*err = xasprintf("%s: empty, or no YAML document in it; "
		    "expected a mapping with name, success and failure", path);
		yaml_doc_release(&y);
		return NULL;
	}
	ld.doc = y.doc;
	ld.set = xcalloc(1, sizeof(*ld.set));
	ld.set->path = xstrdup(path);
	if (match_load_doc(&ld) != 0) {
		*err = ld.err;
		match_set_free(ld.set);
		yaml_doc_release(&y);
		return NULL;
	}
	yaml_doc_release(&y);

	for (size_t i = 0; i < ld.set->nsuccess + ld.set->nfailure; i++) {
		struct match_class *c = i < ld.set->nsuccess ?
		    &ld.set->success[i] : &ld.set->failure[i - ld.set->nsuccess];

		pcre2_pattern_info(c->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
		if (ncap > maxcap)
			maxcap = ncap;
	}
	ld.set->md = pcre2_match_data_create(maxcap + 1, NULL);
	ld.set->rules.start = ld.set->record_start;
	ld.set->rules.continuation = ld.set->continuation;
	match_set_common(ld.set);
	match_set_windows(ld.set, ld.set->success, ld.set->nsuccess);
	match_set_windows(ld.set, ld.set->failure, ld.set->nfailure);
	return ld.set;
}

/*
 * The patterns directory of an installed tree that was moved, or installed
 * with DESTDIR: ../share/omniwatch/patterns beside the directory of the
 * running binary (/proc/self/exe).  NULL when that cannot be read.
 */
static char *
match_exe_patterns_dir(void)
{
	char exe[4096], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	return xasprintf("%s/../share/%s/patterns", exe, PACKAGE);
}

char *
match_set_find(const char *name, char **err)
{
	const char *env = getenv("OMNIWATCH_PATTERNS");
	char *exe_dir = match_exe_patterns_dir();
	const char *builtin[] = { exe_dir, OMNIWATCH_PATTERNS_DIR,
	    OMNIWATCH_SRC_PATTERNS_DIR };
	size_t len = strlen(name);
	struct stat sb;
	char *path;

	*err = NULL;
	if (strchr(name, '/') != NULL || (len > 5 &&
	    strcmp(name + len - 5, ".yaml") == 0) || (len > 4 &&
	    strcmp(name + len - 4, ".yml") == 0)) {
		free(exe_dir);
		return xstrdup(name);
	}
	if (env != NULL && *env != '\0') {
		char *dirs = xstrdup(env), *save = NULL;

		for (char *d = strtok_r(dirs, ":", &save); d != NULL;
		    d = strtok_r(NULL, ":", &save)) {
			path = xasprintf("%s/%s.yaml", d, name);
			if (access(path, R_OK) == 0) {
				free(dirs);
				free(exe_dir);
				return path;
			}
			free(path);
		}
		free(dirs);
	}
	for (size_t i = 0; i < sizeof(builtin) / sizeof(*builtin); i++) {
		if (builtin[i] == NULL)
			continue;
		path = xasprintf("%s/%s.yaml", builtin[i], name);
		if (access(path, R_OK) == 0) {
			free(exe_dir);
			return path;
		}
		free(path);
	}
	/* A bare name is a set's name first; a directory of that name
	 * beside us is the likely meaning, and is no pattern set. */
	if (stat(name, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		*err = xasprintf("%s: is a directory; expected a pattern set "
		    "(a YAML file, or the name of an installed set)", name);
		free(exe_dir);
		return NULL;
	}
	*err = xasprintf("pattern set '%s' not found (looked in "
	    "$OMNIWATCH_PATTERNS%s%s, %s%s%s); give a file path or set "
	    "OMNIWATCH_PATTERNS", name, env != NULL ? "=" : "",
	    env != NULL ? env : "", exe_dir != NULL ? exe_dir : "",
	    exe_dir != NULL ? ", " : "", OMNIWATCH_PATTERNS_DIR);
	free(exe_dir);
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
		if (match_run(set, &set->success[i], rec, &seen)) {
			set->decided = &set->success[i];
			return MATCH_SUCCESS;
		}
		if (seen && set->success[i].has_head)
			is_candidate = true;
		if (set->match_failed)
			return MATCH_DAMAGED;	/* it may have been a success */
	}
	for (size_t i = 0; i < set->nfailure; i++) {
		if (match_run(set, &set->failure[i], rec, &seen)) {
			set->decided = &set->failure[i];
			*class_idx = i;
			return MATCH_FAILURE;
		}
		if (seen && set->failure[i].has_head)
			is_candidate = true;
		if (set->match_failed)
			return MATCH_DAMAGED;	/* a later class cannot win */
	}
	if (is_candidate || set->match_failed)
		return MATCH_DAMAGED;
no_head:
	if (match_head_tail(set, rec, MATCH_TAIL_MIN))
		return MATCH_DAMAGED;
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
		return MATCH_DAMAGED;
	return MATCH_NONE;
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

int
match_sets_load(char *const *names, size_t n, struct match_set ***sets,
    char **err, bool *not_found)
{
	struct match_set **out = xcalloc(n, sizeof(*out));

	*err = NULL;
	for (size_t i = 0; i < n; i++) {
		char *path = match_set_find(names[i], err);

		if (not_found != NULL)
			*not_found = path == NULL;
		if (path != NULL) {
			out[i] = match_set_load(path, err);
			free(path);
		}
		if (out[i] == NULL) {
			match_sets_free(out, i);
			return -1;
		}
	}
	*sets = out;
	return 0;
}

void
match_sets_free(struct match_set **sets, size_t n)
{
	if (sets == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		match_set_free(sets[i]);
	free(sets);
}

static void
match_class_release(struct match_class *c)
{
	free(c->name);
	free(c->regex);
	free(c->diagnosis);
	if (c->re != NULL)
		pcre2_code_free(c->re);
	for (size_t k = 0; k < c->nliterals; k++)
		free(c->literals[k]);
}

void
match_set_free(struct match_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->nsuccess; i++)
		match_class_release(&set->success[i]);
	for (size_t i = 0; i < set->nfailure; i++)
		match_class_release(&set->failure[i]);
	free(set->success);
	free(set->failure);
	if (set->record_start != NULL)
		pcre2_code_free(set->record_start);
	if (set->continuation != NULL)
		pcre2_code_free(set->continuation);
	if (set->md != NULL)
		pcre2_match_data_free(set->md);
	free(set->repair);
	free(set->common_head);
	free(set->name);
	free(set->description);
	free(set->path);
	free(set);
}

/*
 * redact: see redact.h.  The built-in rule is a scanner, not a regex: one
 * pass, left to right, that never looks back and looks ahead only over
 * what it then steps past, so its work is linear in the text (a regex
 * of the shape [\w.-]*key[\w.-]* tried at every position is quadratic on a
 * long word: 80 k characters took 15 s).  What it takes out:
 *
 *   KEY SEP VALUE    KEY a word holding secret, token, key, pass, pwd,
 *                    auth, cookie, credential, session or signature, or
 *                    the part sig or pw (any case); SEP '=', ':' or '=>', with any
 *                    quotes, backslashes or blanks around it, each raw or
 *                    in any spelling redact_code.c reads (%XX any number
 *                    of times, \u0022, \x22, &quot;); VALUE quoted, or
 *                    in <>, (to its
 *                    closing quote at the same escaping level, or to the
 *                    end of the line) or bare (to a delimiter, raw or
 *                    %-escaped), an auth scheme (Bearer, Basic, Token,
 *                    Digest) taken along with its credentials, and
 *                    a bare cookie header's value to the end of its line;
 *                    a quoted VALUE goes on as util.inspect prints a
 *                    string holding line ends: close, blanks, '+', a
 *                    line end (raw, \r\n, or escaped: \n in a JSON
 *                    string), indentation, another quoted string, any
 *                    number of times ("'a\n' +\n    'b'"), and goes
 *                    whole as one mark in the first fragment's quotes;
 *   'KEY', 'VALUE'   an array's item that is KEY whole (its quotes as
 *                    any VALUE's: raw, escaped, encoded), then ','
 *                    (blanks and line ends around it) and a quoted item:
 *                    Node's rawHeaders ([ 'X-Api-Key', 'v' ]) and argv
 *                    ([ '--password', 'v' ]); VALUE goes whole (a scheme
 *                    with it), over lines as above; a dotted KEY only as
 *                    a flag ('--db.password', not 'auth.js');
 *   Bearer TOKEN     anywhere, when TOKEN looks like one (not English);
 *   Basic BASE64     the same, when the credentials are also base64
 *                    (RFC 7617: "Basic dXNlcjpwdw==");
 *   eyJ....          a JSON Web Token (RFC 7519: base64url of '{"'
 *                    starts one) anywhere;
 *   scheme://user:PASSWORD@  a URL's password (RFC 3986 section 3.2.1),
 *                    of any user, to the authority's last '@', raw or
 *                    %-encoded in a query; a user alone when it looks
 *                    like a token.
 *
 * It errs towards taking too much: a value it cannot see the end of goes
 * to the end of its line.  Two forms are left alone so that logs stay
 * readable: a ':' with nothing between it and digits after a dotted word
 * ("auth.js:10:5", "auth.example:443"), and a value that opens an object
 * or a list (its keys are looked at one by one).
 *
 * The config's regexes (PCRE2) run after, each over the whole text once
 * (redact_re.c).
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "redact_code.h"
#include "redact_int.h"
#include "redact_url.h"
#include "xmalloc.h"

#define REDACT_SEP_JUNK	12	/* quotes, escapes, blanks before SEP */

void
redact_put(struct redact_buf *b, const char *p, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		while (b->len + len + 1 > b->cap)
			b->cap = b->cap < 64 ? 64 : b->cap * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

/* ---------------------------------------------------------------------
 * The built-in scanner.
 */

/* Ends a bare value: blanks, quotes, escapes and what delimits a value
 * in a query, a header list, JSON or util.inspect's output. */
static bool
redact_is_delim(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f' || c == '"' || c == '\'' || c == '`' || c == '\\' ||
	    c == '&' || c == ',' || c == ';' || c == '{' || c == '}' ||
	    c == '[' || c == ']' || c == '(' || c == ')' || c == '<' ||
	    c == '>';
}

/* Length of the delimiter at I, in any spelling (redact_code.h), or 0. */
static size_t
redact_delim_at(const char *p, size_t len, size_t i)
{
	size_t n;
	int kind;

	return redact_is_delim(redact_code_at(p, len, i, &n, &kind)) ? n : 0;
}

/* Length of the blank at I (space or tab in any spelling, or '+' when
 * IS_FORM), or 0. */
static size_t
redact_blank_at(const char *p, size_t len, size_t i, bool is_form)
{
	size_t n;
	int kind, c = redact_code_at(p, len, i, &n, &kind);

	if (c == ' ' || c == '\t' || (is_form && p[i] == '+'))
		return n;
	return 0;
}

/* Quotes, escapes and blanks around a separator. */
static bool
redact_is_junk(int c)
{
	return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '`' ||
	    c == '\\';
}


static bool
redact_word_is(const char *p, size_t len, const char *w)
{
	return strlen(w) == len && redact_ieq(p, w, len);
}

static bool
redact_is_scheme(const char *p, size_t len)
{
	return redact_word_is(p, len, "bearer") ||
	    redact_word_is(p, len, "basic") ||
	    redact_word_is(p, len, "token") ||
	    redact_word_is(p, len, "digest");
}

/* Does the word (P, LEN) hold W (lower case)? */
static bool
redact_has_word(const char *p, size_t len, const char *w)
{
	size_t n = strlen(w);

	for (size_t i = 0; i + n <= len; i++)
		if (redact_ieq(p + i, w, n))
			return true;
	return false;
}

/*
 * Does the word (P, LEN) name a secret?  A signature is one: it is what
 * a pre-signed URL is good for (X-Amz-Signature, X-Goog-Signature, Azure
 * SAS's sig).  "pwd" is how many apps spell a password (db_pwd); "pass"
 * already holds passwd and password, "key" api_key, apikey, private_key
 * and access_key.  "sig" and "pw" count only as a whole part of the word
 * ("x-sig", "db_pw"), not inside "signal", "design" or "upward".
 */
static bool
redact_is_key(const char *p, size_t len)
{
	static const char *const words[] = { "secret", "token", "key", "pass",
	    "pwd", "auth", "cookie", "credential", "session", "signature" };
	static const char *const parts[] = { "sig", "pw" };
	size_t part = 0;

	for (size_t k = 0; k < sizeof(words) / sizeof(*words); k++)
		if (redact_has_word(p, len, words[k]))
			return true;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && p[i] != '_' && p[i] != '-' && p[i] != '.')
			continue;
		for (size_t k = 0; k < sizeof(parts) / sizeof(*parts); k++)
			if (redact_word_is(p + part, i - part, parts[k]))
				return true;
		part = i + 1;
	}
	return false;
}

/*
 * Does a key naming a secret, then a separator ('=' or ':', raw or
 * %-escaped), start at I?
 */
static bool
redact_key_at(const char *p, size_t len, size_t i)
{
	size_t e = i, n;
	int c, kind;

	while (e < len && redact_is_word((unsigned char)p[e]))
		e++;
	if (e == i || e >= len || !redact_is_key(p + i, e - i))
		return false;
	c = redact_code_at(p, len, e, &n, &kind);
	return c == '=' || c == ':';
}

/*
 * End of the bare value starting at I: the first delimiter, or a '?' or
 * '#' (raw or %-escaped) that starts a secret's pair of its own
 * ("/x;token=abc?Authorization=Bearer%20xyz": the query's pair is looked
 * at as a pair, so that its scheme takes its credentials along).  Neither
 * is in a token's alphabet (RFC 4648 base64 and base64url, hex, RFC 7519
 * JWTs), so no token is cut by this.
 */
static size_t
redact_bare_end(const char *p, size_t len, size_t i)
{
	while (i < len && redact_delim_at(p, len, i) == 0) {
		size_t n;
		int kind, c = redact_code_at(p, len, i, &n, &kind);

		if ((c == '?' || c == '#') && redact_key_at(p, len, i + n))
			return i;
		i += n;	/* over an escape whole: the ; of &#61; */
	}
	return i;
}

/*
 * End of a bare value at I: to the first delimiter, and when the value is
 * an auth scheme, over the blanks and the credentials after it.
 */
static size_t
redact_value_end(const char *p, size_t len, size_t i, bool is_form)
{
	size_t e = redact_bare_end(p, len, i), j = e, n;

	if (!redact_is_scheme(p + i, e - i))
		return e;
	while (j < len && (n = redact_blank_at(p, len, j, is_form)) > 0)
		j += n;
	if (j == e || j >= len || redact_delim_at(p, len, j) > 0)
		return e;
	return redact_bare_end(p, len, j);
}

/*
 * The end of a quoted value starting at I whose quote Q was preceded by
 * K backslashes.  At escaping level L (K = 2^L - 1: ", \", \\\"...) the
 * closing quote has K backslashes before it, plus any number of escaped
 * backslashes (2^(L+1) each); one with other counts is inside the value.
 * Sets *CLOSE to the length of the closing sequence (0: not closed; the
 * value then runs to the end of the line).
 */
static size_t
redact_quoted_end(const char *p, size_t len, size_t i, char q, size_t k,
    size_t *close)
{
	size_t bs = 0, m = k + 1;
	bool is_level = (m & (m - 1)) == 0;

	*close = 0;
	for (; i < len && p[i] != '\n'; i++) {
		if (p[i] == q && (is_level ? bs % (2 * m) == k : bs == k)) {
			*close = k + 1;
			return i - k;
		}
		bs = p[i] == '\\' ? bs + 1 : 0;
	}
	return i;
}

/* The same for a %-escaped quote (%22, %27) after C escaped backslashes. */
static size_t
redact_pct_quoted_end(const char *p, size_t len, size_t i, int q, size_t c,
    size_t *close)
{
	size_t run = 0;

	*close = 0;
	while (i < len) {
		int d = redact_pct(p, len, i);

		if (d == q && run == c) {
			*close = 3 * (c + 1);
			return i - 3 * c;
		}
		if (d == '\\') {
			run++;
			i += 3;
			continue;
		}
		/* Not a URL any more: a raw blank or quote ends it. */
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
		    p[i] == '"' || p[i] == '\'' || p[i] == '&')
			return i;
		run = 0;
		i++;
	}
	return i;
}

/*
 * The end of a value opened by a quote or '<' spelled as KIND (see
 * redact_code.h), from I: the first CLOSE in the same spelling, or the end
 * of the line; a %-encoded value also ends where its URL does (a raw
 * blank, quote or '&').  Sets *CLOSELEN (0: not closed).
 */
static size_t
redact_coded_end(const char *p, size_t len, size_t i, int close, int kind,
    size_t *closelen)
{
	size_t n;
	int k;

	*closelen = 0;
	while (i < len && p[i] != '\n') {
		if (redact_code_at(p, len, i, &n, &k) == close && k == kind) {
			*closelen = n;
			return i;
		}
		if (kind >= REDACT_PCT && (p[i] == ' ' || p[i] == '\t' ||
		    p[i] == '"' || p[i] == '\'' || p[i] == '&'))
			return i;
		i += n;
	}
	return i;
}

/*
 * A value quoted other than by a raw quote: by an encoded one (\u0022,
 * \\u0022, &quot;, &#34;, %2522) or by angle brackets, raw or encoded
 * (<v>, &lt;v&gt;), at J after any backslashes that escape it, raw or
 * encoded (\u005c\u0022); angle brackets only when ANGLE.  Returns
 * true with the value in [*VS, *VE) and the scan's next position in *NEXT.
 */
static bool
redact_coded_value(const char *p, size_t len, size_t j, bool angle,
    size_t *vs, size_t *ve, size_t *next)
{
	size_t n, close;
	int c, kind;

	for (size_t t = j; t < len; t += n) {
		c = redact_code_at(p, len, t, &n, &kind);
		if (c == '\\')
			continue;
		if ((c != '<' || !angle) && (kind == REDACT_RAW || (c != '"' &&
		    c != '\'' && c != '`')))
			return false;
		*vs = t + n;
		*ve = redact_coded_end(p, len, *vs, c == '<' ? '>' : c, kind,
		    &close);
		*next = *ve + close;
		/* The closing quote's escapes are its own (\\u0022). */
		while (close > 0 && *ve > *vs && p[*ve - 1] == '\\')
			(*ve)--;
		return true;
	}
	return false;
}

/*
 * A value found by the scan: [VS, VE) becomes the mark; then, when CN is
 * not 0, the CN bytes at CS (the first fragment's close, for a value
 * concatenated over lines); the copy goes on at RESUME and the scan at
 * NEXT.  IS_OPEN: the value was opened by a quote that the end of the
 * text came before the close of, so a longer text may hold more of it.
 */
struct redact_val {
	size_t	vs, ve;
	size_t	cs, cn;
	size_t	resume;
	size_t	next;
	bool	is_open;
};

/*
 * A value opened by a quote at J: raw after any backslashes that escape
 * it, in another spelling (\u0022, &quot;), or %-escaped; or, when ANGLE,
 * by '<' (raw or encoded).  Sets V's VS, VE and NEXT (NEXT == VE: not
 * closed on its line); false when no quote opens at J.
 */
static bool
redact_quoted_at(const char *p, size_t len, size_t j, bool angle,
    struct redact_val *v)
{
	size_t bs = 0, close;
	int c;

	while (j + bs < len && p[j + bs] == '\\')
		bs++;
	if (j + bs < len && (p[j + bs] == '"' || p[j + bs] == '\'' ||
	    p[j + bs] == '`')) {
		v->vs = j + bs + 1;
		v->ve = redact_quoted_end(p, len, v->vs, p[j + bs], bs, &close);
		v->next = v->ve + close;
		return true;
	}
	if (redact_coded_value(p, len, j, angle, &v->vs, &v->ve, &v->next))
		return true;
	bs = 0;
	while (redact_pct(p, len, j + 3 * bs) == '\\')
		bs++;
	c = redact_pct(p, len, j + 3 * bs);
	if (c == '"' || c == '\'' || c == '`') {
		v->vs = j + 3 * (bs + 1);
		v->ve = redact_pct_quoted_end(p, len, v->vs, c, bs, &close);
		v->next = v->ve + close;
		return true;
	}
	return false;
}

/*
 * Length of the line end at I, or 0: LF, CR or CR LF, raw or in any
 * spelling redact_code.h reads (\u000a, %0A, &#10;), or escaped as a
 * string literal does it at any level (\n, \\n; \r\n): util.inspect's
 * output inside a JSON string has its line ends so.
 */
static size_t
redact_eol_at(const char *p, size_t len, size_t i)
{
	size_t j = i, n, b;
	int kind, c;

	for (int k = 0; k < 2 && j < len; k++) {
		c = redact_code_at(p, len, j, &n, &kind);
		if (c != '\r' && c != '\n') {
			for (b = 0; j + b < len && p[j + b] == '\\'; b++)
				;
			if (b == 0 || j + b >= len || (p[j + b] != 'r' &&
			    p[j + b] != 'n'))
				break;
			c = p[j + b] == 'r' ? '\r' : '\n';
			n = b + 1;
		}
		j += n;
		if (c == '\n')
			break;
	}
	return j - i;
}

/* Past blanks (space or tab, in any spelling) and, when EOL, line ends
 * from I. */
static size_t
redact_skip_blank(const char *p, size_t len, size_t i, bool eol)
{
	size_t n;

	while (i < len && ((n = redact_blank_at(p, len, i, false)) > 0 ||
	    (eol && (n = redact_eol_at(p, len, i)) > 0)))
		i += n;
	return i;
}

/*
 * A quoted value that closed (V) and goes on as util.inspect prints a
 * string holding line ends: the close, blanks, '+', blanks, a line end,
 * the next line's indentation and another quoted string, any number of
 * times ("'a\n' +\n    'b'").  The value is the whole concatenation: V
 * then runs from the first fragment's open to the last one's close, and
 * the first one's close goes out after the mark, so that the text it
 * leaves is one quoted value of one quote kind (a second pass reads it
 * the same).  Every fragment is stepped over once.
 */
static void
redact_concat(const char *p, size_t len, struct redact_val *v)
{
	struct redact_val f;
	size_t j, n, first = v->ve, firstlen = v->next - v->ve;
	int kind;

	while (v->next > v->ve) {
		j = redact_skip_blank(p, len, v->next, false);
		if (j >= len || redact_code_at(p, len, j, &n, &kind) != '+')
			return;
		j = redact_skip_blank(p, len, j + n, false);
		if (j >= len || (n = redact_eol_at(p, len, j)) == 0)
			return;
		j = redact_skip_blank(p, len, j + n, false);
		if (j >= len || !redact_quoted_at(p, len, j, false, &f))
			return;
		v->ve = f.ve;
		v->next = f.next;
		v->cs = first;
		v->cn = firstlen;
		if (f.next == f.ve) {
			/* Not closed: to the end of its line (a %-quoted one
			 * stops at a blank), with no close, as a second pass
			 * reads the first fragment's open quote then. */
			while (v->ve < len && p[v->ve] != '\n')
				v->ve++;
			v->next = v->ve;
			v->cn = 0;
		}
		v->resume = v->next;
	}
}

/*
 * After the key word ending at E: the separator and the value.  Returns
 * true with the value in V, or false when no value follows.
 */
static bool
redact_key_value(const char *p, size_t len, size_t ks, size_t e,
    struct redact_val *v)
{
	bool is_dotted = memchr(p + ks, '.', e - ks) != NULL;
	size_t j = e, n;
	bool is_form, has_blank = false;
	char sep;
	int c, kind, k2;

	v->cn = 0;
	v->is_open = false;
	/* The key's closing quote, escapes of it, blanks, in any spelling. */
	for (size_t junk = 0; j < len && junk < REDACT_SEP_JUNK; junk++) {
		c = redact_code_at(p, len, j, &n, &kind);
		if (!redact_is_junk(c) && !(kind == REDACT_RAW && c == '+'))
			break;
		j += n;
	}
	if (j >= len)
		return false;
	c = redact_code_at(p, len, j, &n, &kind);
	if (c != '=' && c != ':')
		return false;
	sep = (char)c;
	j += n;
	is_form = kind >= REDACT_PCT;
	if (kind == REDACT_RAW && j < len && p[j] == sep)	/* "==", "::" */
		return false;
	if (sep == '=' && j < len && redact_code_at(p, len, j, &n, &k2) ==
	    '>' && k2 == kind)
		j += n;
	while (j < len && (n = redact_blank_at(p, len, j, is_form)) > 0) {
		j += n;
		has_blank = true;
	}
	if (j >= len)
		return false;
	/* "auth.js:10:5", "auth.example:443": a place, not a secret. */
	if (sep == ':' && !has_blank && is_dotted && p[j] >= '0' &&
	    p[j] <= '9')
		return false;
	if (redact_quoted_at(p, len, j, true, v)) {
		v->resume = v->ve;
		redact_concat(p, len, v);
		v->is_open = v->next == v->ve && v->ve == len;
		return v->ve > v->vs;
	}
	c = redact_pct(p, len, j);
	/* An object or a list is not a value: its keys come one by one. */
	if (p[j] == '{' || p[j] == '[' || c == '{' || c == '[')
		return false;
	v->vs = j;
	if (redact_has_word(p + ks, e - ks, "cookie")) {
		/* "Cookie: a=1; sid=...": every pair of the header goes,
		 * whatever its name. */
		v->ve = j;
		while (v->ve < len && strchr("\n\"'`\\", p[v->ve]) == NULL)
			v->ve++;
	} else
		v->ve = redact_value_end(p, len, j, is_form);
	v->next = v->resume = v->ve;
	return v->ve > v->vs;
}

/*
 * Does the text that has gone out end with a quote, in any spelling?
 * Returns it, with its *KIND and, raw, the backslashes *B before it, or
 * -1.  What went out, not what came in: a second pass, which reads the
 * first one's output, then sees the same quote before the same word (the
 * close of a value before it may have been a fragment's, or seen only in
 * a longer text, and the backslashes before it the value's own).
 */
static int
redact_out_quote(const struct redact_buf *out, int *kind, size_t *b)
{
	const char *o = out->p;
	size_t len = out->len, n;
	int c;

	*b = 0;
	if (len == 0)
		return -1;
	c = (unsigned char)o[len - 1];
	if (c == '"' || c == '\'' || c == '`') {
		*kind = REDACT_RAW;
		while (*b < len - 1 && o[len - 2 - *b] == '\\')
			(*b)++;
		return c;
	}
	/* \u0022, &quot;, %22 (%2522...) and the like end there. */
	for (size_t l = 3; l <= 16 && l <= len; l++) {
		c = redact_code_at(o, len, len - l, &n, kind);
		if (n == l && *kind != REDACT_RAW && (c == '"' ||
		    c == '\'' || c == '`'))
			return c;
	}
	return -1;
}

/*
 * Node's rawHeaders and argv ([ 'X-Api-Key', 'abc' ], [ '--password',
 * 'abc' ]): an array's item that is a secret's name whole, its quotes
 * closing at E (the word's end) in the spelling Q, KIND and B backslashes
 * before it that opened it, then ',' (blanks and line ends around it) and
 * another quoted item: that one is the value, whole, and may go on over
 * lines as any quoted value.  A dotted name counts only as a flag
 * ("--db.password"): "auth.js" is a file.  Returns true with the value
 * in V.
 */
static bool
redact_item_value(const char *p, size_t len, size_t ks, size_t e, int q,
    int kind, size_t b, struct redact_val *v)
{
	size_t j = e, n;
	int k2;

	if (memchr(p + ks, '.', e - ks) != NULL && p[ks] != '-')
		return false;
	if (kind == REDACT_RAW) {
		for (size_t a = 0; a < b; a++, j++)
			if (j >= len || p[j] != '\\')
				return false;
		if (j >= len || p[j] != q)
			return false;
		j++;
	} else {
		if (j >= len || redact_code_at(p, len, j, &n, &k2) != q ||
		    k2 != kind)
			return false;
		j += n;
	}
	j = redact_skip_blank(p, len, j, true);
	if (j >= len || redact_code_at(p, len, j, &n, &k2) != ',')
		return false;
	j = redact_skip_blank(p, len, j + n, true);
	if (j >= len || !redact_quoted_at(p, len, j, false, v))
		return false;
	v->cn = 0;
	v->resume = v->ve;
	redact_concat(p, len, v);
	v->is_open = v->next == v->ve && v->ve == len;
	return v->ve > v->vs;
}

/*
 * Appends [START, LEN) of P to OUT with the built-in rule's secrets
 * replaced, and returns LEN.  AT, when not 0: the part is the user of a
 * URL whose password goes, up to the '@' at AT, looked at for pairs of
 * its own ("https://a_token=x:pw@host" leaves neither x nor pw).  A quote
 * opened there and not closed before LEN is not the user's to end: its
 * value runs on in the whole text (of FULL bytes), as it would without
 * the URL, over the password to its close, or to the end of the line when
 * it closes inside the password (which goes whole, its quote with it);
 * then what was appended runs to that value's end, which is returned.
 * Without this, a second pass, which no longer sees a URL in
 * "a_token='[REDACTED][REDACTED]@host", would take more than the first.
 */
static size_t
redact_scan_part(const char *p, size_t start, size_t len, size_t full,
    size_t at, struct redact_buf *out)
{
	size_t i = start, copied = start, qb = 0;
	int q = -1, qkind = REDACT_RAW;

	while (i < len) {
		struct redact_val v = { 0, 0, 0, 0, 0, 0, false };
		size_t ws, we, n, end;
		bool found = false, is_basic, is_item = false;

		if (at == 0 && (n = redact_scheme_sep(p, len, i)) > 0) {
			size_t vs, ve;

			if (!redact_userinfo(p, len, i, n, &vs, &ve)) {
				i += n;
				continue;
			}
			redact_put(out, p + copied, i + n - copied);
			end = redact_scan_part(p, i + n, vs, len, ve, out);
			if (end == vs)
				redact_put(out, REDACT_MARK,
				    strlen(REDACT_MARK));
			else
				ve = end;	/* the user's value took it */
			copied = i = ve;
			continue;
		} else if (!redact_is_word((unsigned char)p[i])) {
			int kind;

			/* An escape is stepped over whole, so that the key
			 * after %22 or \u0022 is a word of its own. */
			(void)redact_code_at(p, len, i, &n, &kind);
			i += n;
			continue;
		} else {
			ws = i;
			we = i;
			while (we < len && redact_is_word((unsigned char)p[we]))
				we++;
			if (redact_is_jwt(p + ws, we - ws)) {
				found = true;
				v.vs = ws;
				v.ve = v.next = we;
			} else if ((is_basic = redact_word_is(p + ws, we - ws,
			    "basic")) || redact_word_is(p + ws, we - ws,
			    "bearer")) {
				size_t j = we;

				while (j < len && (n = redact_blank_at(p, len, j,
				    false)) > 0)
					j += n;
				if (j > we && j < len) {
					v.vs = j;
					v.ve = v.next = redact_bare_end(p, len,
					    j);
					found = redact_is_credential(p + v.vs,
					    v.ve - v.vs) && (!is_basic ||
					    redact_is_base64(p + v.vs,
					    v.ve - v.vs));
				}
			}
			v.resume = v.ve;
			if (!found && redact_is_key(p + ws, we - ws)) {
				found = redact_key_value(p, len, ws, we, &v);
				if (!found) {
					redact_put(out, p + copied, ws - copied);
					copied = ws;
					q = redact_out_quote(out, &qkind, &qb);
				}
				if (!found && q >= 0)
					found = is_item = redact_item_value(p,
					    len, ws, we, q, qkind, qb, &v);
			}
			if (!found) {
				i = we;
				continue;
			}
			if (at != 0 && v.is_open && full > len) {
				if (is_item)
					(void)redact_item_value(p, full, ws,
					    we, q, qkind, qb, &v);
				else
					(void)redact_key_value(p, full, ws,
					    we, &v);
				if (v.next <= at) {
					v.cn = 0;
					while (v.ve < full && p[v.ve] != '\n')
						v.ve++;
					v.resume = v.ve;
				}
				redact_put(out, p + copied, v.vs - copied);
				redact_put(out, REDACT_MARK,
				    strlen(REDACT_MARK));
				if (v.cn > 0)
					redact_put(out, p + v.cs, v.cn);
				return v.resume;
			}
		}
		redact_put(out, p + copied, v.vs - copied);
		redact_put(out, REDACT_MARK, strlen(REDACT_MARK));
		if (v.cn > 0)
			redact_put(out, p + v.cs, v.cn);
		copied = v.resume;
		i = v.next > i ? v.next : i + 1;
	}
	redact_put(out, p + copied, len - copied);
	return len;
}

void
redact_scan(const char *p, size_t len, struct redact_buf *out)
{
	out->len = 0;
	redact_put(out, "", 0);
	(void)redact_scan_part(p, 0, len, len, 0, out);
}

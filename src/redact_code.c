/*
 * redact_code: see redact_code.h.  A %-escape of '%' itself (%25) in
 * front of another escape means the text was encoded once more, as a URL
 * carried inside another URL's query is; likewise &amp; in front of a
 * character reference.  Each such layer is peeled here, so that the
 * redactor sees %253D, %25253D and &amp;quot; as '=' and '"'.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <string.h>

#include "redact_code.h"

bool
redact_is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int
redact_code_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The value of the N hex digits at I, or -1. */
static long
redact_code_hexn(const char *p, size_t len, size_t i, size_t n)
{
	long v = 0;

	if (i + n > len)
		return -1;
	for (size_t k = 0; k < n; k++) {
		int h = redact_code_hex((unsigned char)p[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

int
redact_pct(const char *p, size_t len, size_t i)
{
	if (i >= len || p[i] != '%')
		return -1;
	return (int)redact_code_hexn(p, len, i + 1, 2);
}

/* '%' at I, then any number of "25" before the last two hex digits. */
static int
redact_code_pct(const char *p, size_t len, size_t i, size_t *n, int *kind)
{
	size_t j = i + 1;
	int depth = 0;

	if (redact_code_hexn(p, len, j, 2) < 0)
		return -1;
	while (p[j] == '2' && p[j + 1] == '5' &&
	    redact_code_hexn(p, len, j + 2, 2) >= 0) {
		j += 2;
		depth++;
	}
	*n = j + 2 - i;
	*kind = REDACT_PCT + depth;
	return (int)redact_code_hexn(p, len, j, 2);
}

/* \uXXXX or \xXX at I. */
static int
redact_code_esc(const char *p, size_t len, size_t i, size_t *n, int *kind)
{
	long v;

	if (i + 1 >= len)
		return -1;
	if (p[i + 1] == 'u' || p[i + 1] == 'U') {
		v = redact_code_hexn(p, len, i + 2, 4);
		*n = 6;
		*kind = REDACT_UESC;
	} else if (p[i + 1] == 'x' || p[i + 1] == 'X') {
		v = redact_code_hexn(p, len, i + 2, 2);
		*n = 4;
		*kind = REDACT_XESC;
	} else
		return -1;
	if (v < 0)
		return -1;
	return v < 0x80 ? (int)v : 0x80;
}

bool
redact_ieq(const char *p, const char *lower, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)lower[i])
			return false;
	}
	return true;
}

/* Does (P, LEN) hold LOWER at I, in any case? */
static bool
redact_code_is(const char *p, size_t len, size_t i, const char *lower)
{
	size_t n = strlen(lower);

	return i + n <= len && redact_ieq(p + i, lower, n);
}

/* One character reference after the '&' (at I): its character and
 * length, or -1.  The names are those of HTML's list that stand for
 * what separates, quotes or delimits a value. */
static int
redact_code_ref(const char *p, size_t len, size_t i, size_t *n)
{
	static const struct { const char *name; char c; } names[] = {
		{ "quot;", '"' }, { "apos;", '\'' }, { "lt;", '<' },
		{ "gt;", '>' }, { "equals;", '=' }, { "colon;", ':' },
		{ "amp;", '&' }, { "grave;", '`' }, { "bsol;", '\\' },
		{ "nbsp;", ' ' }, { "tab;", '\t' }, { "newline;", '\n' },
		{ "lbrace;", '{' }, { "rbrace;", '}' }, { "lsqb;", '[' },
		{ "rsqb;", ']' }, { "semi;", ';' }, { "comma;", ',' },
		{ "quest;", '?' }, { "num;", '#' }, { "commat;", '@' },
		{ "sol;", '/' }, { "percnt;", '%' }, { "plus;", '+' },
	};
	size_t j = i, d;
	long v = 0;
	bool is_hex;

	if (j < len && p[j] == '#') {
		j++;
		is_hex = j < len && (p[j] == 'x' || p[j] == 'X');
		j += is_hex;
		for (d = 0; j < len && d < 8; j++, d++) {
			int h = redact_code_hex((unsigned char)p[j]);

			if (h < 0 || (!is_hex && h > 9))
				break;
			v = v * (is_hex ? 16 : 10) + h;
		}
		if (d == 0 || j >= len || p[j] != ';')
			return -1;
		*n = j + 1 - i;
		return v < 0x80 ? (int)v : 0x80;
	}
	for (size_t k = 0; k < sizeof(names) / sizeof(*names); k++)
		if (redact_code_is(p, len, i, names[k].name)) {
			*n = strlen(names[k].name);
			return (unsigned char)names[k].c;
		}
	return -1;
}

/* '&' at I, then any number of "amp;" before a reference. */
static int
redact_code_html(const char *p, size_t len, size_t i, size_t *n, int *kind)
{
	size_t j = i + 1, m, m2;
	int c;

	while ((c = redact_code_ref(p, len, j, &m)) == '&' &&
	    redact_code_ref(p, len, j + m, &m2) >= 0)
		j += m;
	if (c < 0)
		return -1;
	*n = j + m - i;
	*kind = REDACT_HTML;
	return c;
}

int
redact_code_at(const char *p, size_t len, size_t i, size_t *n, int *kind)
{
	int c = -1;

	if (p[i] == '%')
		c = redact_code_pct(p, len, i, n, kind);
	else if (p[i] == '\\')
		c = redact_code_esc(p, len, i, n, kind);
	else if (p[i] == '&')
		c = redact_code_html(p, len, i, n, kind);
	if (c >= 0)
		return c;
	*n = 1;
	*kind = REDACT_RAW;
	return (unsigned char)p[i];
}

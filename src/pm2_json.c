/*
 * pm2_json: see pm2_json.h.  A string is copied in runs: 16 bytes at a
 * time (SSE2) up to the next byte that needs a look ('"', '\', a control
 * byte, a byte of a multi-byte character), which ends the string, is an
 * escape, or is a character checked against RFC 3629 (utf8.h), since
 * jansson refuses a line that holds invalid UTF-8 and so must we.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pm2_json.h"
#include "utf8.h"
#include "xmalloc.h"

/* Bytes past the decoded text that pm2_json_string may write. */
#define PM2_JSON_SLACK	16

/* Bytes that end a run of plain string bytes. */
static bool
pm2_json_is_special(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

/* The 4 hex digits at P (END bounds them) as a number, or -1. */
static long
pm2_json_hex4(const char *p, const char *end)
{
	long v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Writes code point CP (not a surrogate) as UTF-8 at O; returns O after. */
static char *
pm2_json_put_utf8(char *o, long cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3F));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/* What JSON's one-character escapes stand for ("\n": LF); 0: not one. */
static const unsigned char pm2_json_unescape[256] = {
	['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b', ['f'] = '\f',
	['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
};

/*
 * The \u escape at P (END bounds it) decoded at *O.  Returns the byte
 * after it, or NULL for one jansson would refuse (bad hex digits, a lone
 * surrogate).  A \u escape is 6 bytes and writes at most 3, a pair 12
 * and 4, so the output never outgrows the input.
 */
static __attribute__((noinline)) const char *
pm2_json_escape_u(const char *p, const char *end, char **o)
{
	long cp, lo;

	if ((cp = pm2_json_hex4(p + 2, end)) < 0)
		return NULL;
	p += 6;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return NULL;	/* a low surrogate first */
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
		    (lo = pm2_json_hex4(p + 2, end)) < 0xDC00 || lo > 0xDFFF)
			return NULL;	/* a high one alone */
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		p += 6;
	}
	*o = pm2_json_put_utf8(*o, cp);
	return p;
}

/*
 * The byte at P, which ends a run of plain string bytes, taken at *O:
 * returns the byte after it, with *END_STR set for the closing quote, or
 * NULL where jansson would refuse the string: an unknown escape, a bad
 * \u one, a raw control byte, invalid UTF-8.
 */
static inline const char *
pm2_json_special(const char *p, const char *end, char **o, bool *end_str)
{
	unsigned char c = (unsigned char)*p;
	size_t n;

	if (c == '"') {
		*end_str = true;
		return p + 1;
	}
	if (c == '\\') {
		if (end - p < 2)
			return NULL;
		if ((c = pm2_json_unescape[(unsigned char)p[1]]) != 0) {
			*(*o)++ = (char)c;
			return p + 2;
		}
		return p[1] == 'u' ? pm2_json_escape_u(p, end, o) : NULL;
	}
	if (c < 0x80 || (n = utf8_seq_len(p, (size_t)(end - p))) == 0)
		return NULL;	/* a raw control byte, bad UTF-8 */
	if (end - p >= 4)
		memcpy(*o, p, 4);	/* the slack takes the rest */
	else
		memcpy(*o, p, n);
	*o += n;
	return p + n;
}

/*
 * The string whose opening quote is just before P, decoded at *O.
 * Returns the byte after its closing quote, or NULL where jansson would
 * refuse the string (pm2_json_special) or it has no closing quote.
 * Plain bytes are copied 16 at a time (SSE2), stored whole past the
 * run's end too: the decoder's buffer has PM2_JSON_SLACK bytes more than
 * the line (pm2_json_decode), and what lies past *O is written over
 * next.  Escapes (a pino line in a message has a \" every few bytes)
 * and multi-byte characters are taken in the same loop, not through
 * calls.
 */
static const char *
pm2_json_string(const char *p, const char *end, char **o)
{
	char *out = *o;
	bool end_str = false;
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);
#endif

	for (;;) {
#ifdef __SSE2__
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)
			    (const void *)p);
			/* Signed: bytes of 0x80 and above are below 0x20
			 * too. */
			__m128i s = _mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
			    _mm_cmplt_epi8(v, space));
			int bits = _mm_movemask_epi8(s);

			_mm_storeu_si128((__m128i *)(void *)out, v);
			if (bits != 0) {
				size_t n = (unsigned)__builtin_ctz((unsigned)bits);

				out += n;
				p += n;
				goto special;
			}
			out += 16;
			p += 16;
		}
#endif
		while (p < end && !pm2_json_is_special((unsigned char)*p))
			*out++ = *p++;
		if (p == end)
			return NULL;
#ifdef __SSE2__
special:
#endif
		if ((p = pm2_json_special(p, end, &out, &end_str)) == NULL)
			return NULL;
		if (end_str) {
			*o = out;
			return p;
		}
	}
}

/* P past the literal LIT (N bytes) when P starts with it, else NULL. */
static const char *
pm2_json_lit(const char *p, const char *end, const char *lit, size_t n)
{
	if (p == NULL || (size_t)(end - p) < n || memcmp(p, lit, n) != 0)
		return NULL;
	return p + n;
}

#define PM2_JSON_LIT(p, end, s)	pm2_json_lit((p), (end), (s), sizeof(s) - 1)

/*
 * An integer as JSON.stringify writes pm_id: "0" or a digit 1-9 and up to
 * 17 more, after an optional '-' (jansson refuses one too big for its
 * json_int_t; 18 digits always fit).
 */
static const char *
pm2_json_int(const char *p, const char *end)
{
	const char *d;

	if (p == NULL)
		return NULL;
	if (p < end && *p == '-')
		p++;
	d = p;
	while (p < end && *p >= '0' && *p <= '9' && p - d < 19)
		p++;
	if (p == d || p - d > 18 || (*d == '0' && p - d > 1))
		return NULL;
	return p;
}

bool
pm2_json_decode(struct pm2_json *j, const char *p, size_t len,
    struct pm2_json_obj *obj)
{
	const char *end = p + len;
	char *o, *msg, *ts, *app;
	size_t msg_len, ts_len;

	if (len < 12 || memcmp(p, "{\"message\":\"", 12) != 0)
		return false;
	if (j->cap < len + PM2_JSON_SLACK) {
		/* Decoded strings are never longer than the line; the slack
		 * takes pm2_json_string's last block. */
		free(j->buf);
		j->cap = len + PM2_JSON_SLACK < 4096 ? 4096 :
		    len + PM2_JSON_SLACK;
		j->buf = xmalloc(j->cap);
	}
	o = msg = j->buf;
	if ((p = pm2_json_string(p + 12, end, &o)) == NULL)
		return false;
	msg_len = (size_t)(o - msg);
	ts = o;
	if ((p = PM2_JSON_LIT(p, end, ",\"timestamp\":\"")) == NULL ||
	    (p = pm2_json_string(p, end, &o)) == NULL)
		return false;
	ts_len = (size_t)(o - ts);
	/* The type ("out" or "err") is decoded only to be checked. */
	if ((p = PM2_JSON_LIT(p, end, ",\"type\":\"")) == NULL ||
	    (p = pm2_json_string(p, end, &o)) == NULL)
		return false;
	p = pm2_json_int(PM2_JSON_LIT(p, end, ",\"process_id\":"), end);
	app = o;
	if ((p = PM2_JSON_LIT(p, end, ",\"app_name\":\"")) == NULL ||
	    (p = pm2_json_string(p, end, &o)) == NULL ||
	    end - p != 1 || *p != '}')
		return false;
	obj->message = msg;
	obj->message_len = msg_len;
	obj->timestamp = ts;
	obj->timestamp_len = ts_len;
	obj->app_name = app;
	obj->app_name_len = (size_t)(o - app);
	return true;
}

void
pm2_json_release(struct pm2_json *j)
{
	free(j->buf);
	j->buf = NULL;
	j->cap = 0;
}

/*
 * redact: see redact.h.  Each regex runs over the whole text once, left to
 * right, and its matches are copied out with the value replaced; the next
 * regex runs over the result.  The built-in rule is one regex whose value
 * alternatives are numbered captures, so the replacement needs no second
 * parse: whichever value group matched is the part that goes.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"	/* PCRE2 with the code unit width we use */
#include "redact.h"
#include "xmalloc.h"

/*
 * KEY: an optionally quoted name holding one of the words; SEP: '=' or
 * ':', the colon followed by blanks or a quote, so that "auth.js:10:5" in
 * a stack trace or "https://auth.example:443" stays readable; VALUE: a
 * quoted string closed on its line (group 5), one that is not (group 7:
 * the rest of the line), or a bare word, with an HTTP auth scheme before
 * it taken along (group 8).  A value opening an object or list is not a
 * value: the keys inside it are looked at one by one.
 */
static const char redact_builtin_re[] =
	"([\"']?)"
	"([\\w.-]*(?:secret|token|key|pass|auth|cookie|credential)[\\w.-]*)"
	"\\1"
	"([ \\t]*=[ \\t]*|[ \\t]*:(?:[ \\t]+|(?=[\"'`])))"
	"(?:([\"'`])((?:\\\\.|(?!\\4)[^\\\\\\n])*)\\4"
	"|([\"'`])([^\\n]*)"
	"|((?:(?:bearer|basic|token|digest)[ \\t]+)?"
	"[^\\s&,;\"'`{}\\[\\]()<>]+))";

static const int redact_builtin_groups[] = { 5, 7, 8 };

/* The password of a URL's userinfo (RFC 3986 section 3.2.1:
 * "scheme://user:password@host"), as in database DSNs. */
static const char redact_userinfo_re[] =
	"[a-z][a-z0-9+.-]*://[^/\\s:@'\"]+:([^/\\s@'\"]+)@";

struct redact_re {
	pcre2_code	*re;
	bool		 is_builtin;
	bool		 has_group;	/* extra regex with a capture group */
};

struct redact {
	struct redact_re *res;
	size_t		 nres;
	pcre2_match_data *md;
};

/* A growable output buffer; redaction never more than doubles + marks. */
struct redact_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

static void
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

static pcre2_code *
redact_compile(const char *re, uint32_t flags, char **err, size_t idx)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *c;

	c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_UTF |
	    PCRE2_MATCH_INVALID_UTF | flags, &code, &off, NULL);
	if (c == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		*err = xasprintf("redact: regex %zu '%s': %s at offset %zu",
		    idx, re, (const char *)msg, (size_t)off);
		return NULL;
	}
	/* JIT is a speed-up only; without it the interpreter runs. */
	(void)pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

/* One regex over (P, LEN), the result into OUT (reset first). */
static void
redact_one(const struct redact_re *r, pcre2_match_data *md, const char *p,
    size_t len, struct redact_buf *out)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	size_t pos = 0;

	out->len = 0;
	redact_put(out, "", 0);
	while (pos <= len) {
		size_t vs, ve;
		int rc;

		rc = pcre2_match(r->re, (PCRE2_SPTR)p, len, pos, 0, md, NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc == 0)	/* more groups than pairs: all pairs are set */
			rc = (int)pcre2_get_ovector_count(md);
		if (rc < 0) {
			/* Cannot tell what is left: none of it goes out. */
			redact_put(out, REDACT_MARK, strlen(REDACT_MARK));
			return;
		}
		vs = ov[0];
		ve = ov[1];
		if (r->is_builtin) {
			for (size_t i = 0; i < 3; i++) {
				int g = redact_builtin_groups[i];

				if (g < rc && ov[2 * g] != PCRE2_UNSET) {
					vs = ov[2 * g];
					ve = ov[2 * g + 1];
					break;
				}
			}
		} else if (r->has_group && rc > 1 && ov[2] != PCRE2_UNSET) {
			vs = ov[2];
			ve = ov[3];
		}
		if (ov[1] == ov[0]) {
			/* An empty match replaces nothing; step past it. */
			if (ov[0] >= len)
				break;
			redact_put(out, p + pos, ov[0] + 1 - pos);
			pos = ov[0] + 1;
			continue;
		}
		redact_put(out, p + pos, vs - pos);
		redact_put(out, REDACT_MARK, strlen(REDACT_MARK));
		redact_put(out, p + ve, ov[1] - ve);
		pos = ov[1];
	}
	if (pos < len)
		redact_put(out, p + pos, len - pos);
}

static char *
redact_run(const struct redact_re *res, size_t nres, pcre2_match_data *md,
    const char *p, size_t len, size_t *outlen)
{
	struct redact_buf a = { NULL, 0, 0 }, b = { NULL, 0, 0 };

	redact_put(&a, p, len);
	for (size_t i = 0; i < nres; i++) {
		struct redact_buf t;

		redact_one(&res[i], md, a.p, a.len, &b);
		t = a;
		a = b;
		b = t;
	}
	free(b.p);
	*outlen = a.len;
	return a.p;
}

struct redact *
redact_new(char *const *extra, size_t nextra, char **err)
{
	struct redact *r = xcalloc(1, sizeof(*r));

	*err = NULL;
	r->res = xcalloc(nextra + 2, sizeof(*r->res));
	r->res[0].re = redact_compile(redact_builtin_re, PCRE2_CASELESS, err,
	    0);
	if (r->res[0].re == NULL)
		goto fail;
	r->res[0].is_builtin = true;
	r->res[1].re = redact_compile(redact_userinfo_re, PCRE2_CASELESS, err,
	    0);
	if (r->res[1].re == NULL)
		goto fail;
	r->res[1].has_group = true;
	r->nres = 2;
	for (size_t i = 0; i < nextra; i++) {
		struct redact_re *x = &r->res[r->nres];
		uint32_t ncap = 0;

		x->re = redact_compile(extra[i], 0, err, i + 1);
		if (x->re == NULL)
			goto fail;
		pcre2_pattern_info(x->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
		x->has_group = ncap > 0;
		r->nres++;
	}
	/* Enough pairs for the built-in rule's eight groups and any extra
	 * regex's first one. */
	r->md = pcre2_match_data_create(16, NULL);
	return r;

fail:
	redact_free(r);
	return NULL;
}

char *
redact_apply(const struct redact *r, const char *p, size_t len,
    size_t *outlen)
{
	return redact_run(r->res, r->nres, r->md, p, len, outlen);
}

char *
redact_builtin(const char *p, size_t len, size_t *outlen)
{
	static struct redact *builtin;	/* lives as long as the process */
	/* Scan threads share it, and its match data (scan.h). */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	char *err = NULL, *out;

	pthread_mutex_lock(&lock);
	if (builtin == NULL) {
		builtin = redact_new(NULL, 0, &err);
		if (builtin == NULL)	/* a constant regex: cannot happen */
			abort();
	}
	out = redact_apply(builtin, p, len, outlen);
	pthread_mutex_unlock(&lock);
	return out;
}

void
redact_free(struct redact *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nres; i++)
		pcre2_code_free(r->res[i].re);
	free(r->res);
	pcre2_match_data_free(r->md);
	free(r);
}

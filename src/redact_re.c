/*
 * redact_re: the config's `redact:` regexes (PCRE2), run after the
 * built-in scanner (redact.c), and the calls of redact.h.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "redact_int.h"
#include "xmalloc.h"

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
		if (r->has_group && rc > 1 && ov[2] != PCRE2_UNSET) {
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

struct redact *
redact_new(char *const *extra, size_t nextra, size_t *bad, char **err)
{
	struct redact *r = xcalloc(1, sizeof(*r));

	*err = NULL;
	r->res = xcalloc(nextra + 1, sizeof(*r->res));
	for (size_t i = 0; i < nextra; i++) {
		struct redact_re *x = &r->res[r->nres];
		uint32_t ncap = 0;
		PCRE2_SIZE off;
		int code;

		x->re = pcre2_compile((PCRE2_SPTR)extra[i],
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
		    &code, &off, NULL);
		if (x->re == NULL) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(code, msg, sizeof(msg));
			*err = xasprintf("%s at offset %zu", (const char *)msg,
			    (size_t)off);
			if (bad != NULL)
				*bad = i;
			redact_free(r);
			return NULL;
		}
		/* JIT is a speed-up only; without it the interpreter runs. */
		(void)pcre2_jit_compile(x->re, PCRE2_JIT_COMPLETE);
		pcre2_pattern_info(x->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
		x->has_group = ncap > 0;
		r->nres++;
	}
	/* One pair for the match and one for an extra regex's group. */
	r->md = pcre2_match_data_create(2, NULL);
	return r;
}

char *
redact_apply(const struct redact *r, const char *p, size_t len,
    size_t *outlen)
{
	struct redact_buf a = { NULL, 0, 0 }, b = { NULL, 0, 0 };

	redact_scan(p, len, &a);
	for (size_t i = 0; r != NULL && i < r->nres; i++) {
		struct redact_buf t;

		redact_one(&r->res[i], r->md, a.p, a.len, &b);
		t = a;
		a = b;
		b = t;
	}
	free(b.p);
	*outlen = a.len;
	return a.p;
}

char *
redact_builtin(const char *p, size_t len, size_t *outlen)
{
	return redact_apply(NULL, p, len, outlen);
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

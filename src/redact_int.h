/*
 * redact_int: what redact.c (the built-in scanner) and redact_re.c (the
 * config's regexes, and the public calls) share.
 */
#ifndef OMNIWATCH_REDACT_INT_H
#define OMNIWATCH_REDACT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "match.h"	/* PCRE2 with the code unit width we use */

struct redact_re {
	pcre2_code	*re;
	bool		 has_group;	/* replace the first group only */
};

struct redact {
	struct redact_re *res;
	size_t		 nres;
	pcre2_match_data *md;
};

/* A growable output buffer, NUL-ended at LEN. */
struct redact_buf {
	char		*p;		/* malloc'd */
	size_t		 len;
	size_t		 cap;
};

/* Appends (P, LEN) to B. */
void redact_put(struct redact_buf *b, const char *p, size_t len);

/* Copies (P, LEN) into OUT (reset first) with the built-in rule's
 * secrets replaced (redact.c). */
void redact_scan(const char *p, size_t len, struct redact_buf *out);

#endif

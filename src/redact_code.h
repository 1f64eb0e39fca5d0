/*
 * redact_code: one character of log text in whatever encoding it stands
 * in, for the redactor (redact.c).  A secret's separator and quotes come
 * raw ("key":"v"), %-encoded once or any number of times (%3D, %253D,
 * %25253D), as JSON or C escapes (\u0022, \x3d) and as HTML character
 * references (&quot; &#34; &#x22; &#61;, also &amp;quot;).  The
 * redactor asks what character a place stands for and how long its
 * spelling is, so one rule covers every spelling, listed or not.
 */
#ifndef OMNIWATCH_REDACT_CODE_H
#define OMNIWATCH_REDACT_CODE_H

#include <stdbool.h>
#include <stddef.h>

/* How a character is spelled: a closing quote is looked for in the
 * spelling of its opening one.  REDACT_PCT + K: %-encoded K times. */
enum redact_kind {
	REDACT_RAW,
	REDACT_UESC,	/* \u0022 (JSON, RFC 8259 section 7; JavaScript) */
	REDACT_XESC,	/* \x22 (C, JavaScript, Python) */
	REDACT_HTML,	/* &quot; &#34; &#x22; (HTML 5 section 13.1.4) */
	REDACT_PCT	/* %22 (RFC 3986 section 2.1), + times encoded - 1 */
};

/* Can C be part of a key's word (letters, digits, '_', '.', '-')? */
bool redact_is_word(unsigned char c);

/* Do the N bytes at P spell LOWER, ASCII letters in any case?  Not
 * the locale's case: it must not change what is a secret. */
bool redact_ieq(const char *p, const char *lower, size_t n);

/* The byte a single %XX escape at I stands for, or -1. */
int redact_pct(const char *p, size_t len, size_t i);

/*
 * The character the text at I of (P, LEN) stands for, I < LEN: a raw
 * byte (*N 1, *KIND REDACT_RAW) or one of the encodings above (*N its
 * length in bytes).  A character past ASCII, spelled encoded, is
 * returned as 0x80 (never a separator or a quote).  Looks at no more
 * than the spelling it returns plus a few bytes.
 */
int redact_code_at(const char *p, size_t len, size_t i, size_t *n,
    int *kind);

#endif

/*
 * redact_url: a URL's userinfo, for the redactor (redact.c).  Offsets are
 * bytes into (P, LEN); nothing is allocated.
 */
#ifndef OMNIWATCH_REDACT_URL_H
#define OMNIWATCH_REDACT_URL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Does the word (P, LEN), after a bare "Bearer" or as a URL's user, look
 * like a token rather than English ("the bearer of this message")?
 * Tokens are long, and random ones hold digits or punctuation (RFC 6750
 * section 2.1: b64token).
 */
bool redact_is_credential(const char *p, size_t len);

/*
 * Is the word (P, LEN) base64 (RFC 4648 section 4, with its padding)?
 * Basic's credentials are (RFC 7617 section 2); a word after a bare
 * "Basic" that is not ("Basic auth-failed") is English, not a secret.
 */
bool redact_is_base64(const char *p, size_t len);

/* Is the word (P, LEN) a JSON Web Token: eyJ, then two '.'-separated
 * base64url parts (RFC 7519)? */
bool redact_is_jwt(const char *p, size_t len);

/*
 * Length of the scheme separator at I: "://" (also mistyped with one or
 * three slashes) or "%3A%2F%2F" (9, a URL inside a query), or 0.
 */
size_t redact_scheme_sep(const char *p, size_t len, size_t i);

/*
 * At the scheme separator at I, SEP bytes long (redact_scheme_sep): the
 * userinfo's secret, the password from the first ':' to the authority's
 * last '@', or a user alone that looks like a token.  Returns true with
 * it in [*VS, *VE).
 */
bool redact_userinfo(const char *p, size_t len, size_t i, size_t sep,
    size_t *vs, size_t *ve);

#endif

/*
 * redact_url: the secrets a URL carries in its userinfo (RFC 3986 section
 * 3.2.1), for the redactor's scan (redact.c): a password of any user,
 * and a user that is a token.  See redact_url.h.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <string.h>

#include "redact_code.h"
#include "redact_url.h"

/*
 * Does the word after a bare "Bearer" look like a token rather than
 * English ("the bearer of this message")?  Tokens are long, and random
 * ones hold digits or punctuation (RFC 6750 section 2.1: b64token).
 */
bool
redact_is_credential(const char *p, size_t len)
{
	if (len >= 16)
		return true;
	if (len < 8)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' &&
		    p[i] <= 'Z')))
			return true;
	return false;
}

/* The URL separator C at I, raw or, in an encoded URL, %-escaped: its
 * length, or 0. */
static size_t
redact_url_sep(const char *p, size_t len, size_t i, bool is_enc, char c)
{
	if (is_enc)
		return redact_pct(p, len, i) == c ? 3 : 0;
	return p[i] == c ? 1 : 0;
}

/*
 * Does the authority of a URL end at I?  It ends at '/', '?' or '#'
 * (RFC 3986 section 3.2); '[' and ']' cannot stand in a userinfo either
 * (section 3.2.1), and stopping at them makes a second pass stop at the
 * [REDACTED] the first one left.  In an encoded URL these come
 * %-escaped, and a raw '&' or ';' is the enclosing query's.  Blanks,
 * double quotes, backquotes and angle brackets end the URL itself (a
 * JSON string stays a string); a single quote does not, as a password
 * may hold one (a sub-delim).
 */
static bool
redact_authority_end(const char *p, size_t len, size_t i, bool is_enc)
{
	static const char url[] = "/?#[]";
	int c;

	if (strchr(" \t\r\n\v\f\"`<>\\", p[i]) != NULL)
		return true;
	if (!is_enc)
		return strchr(url, p[i]) != NULL;
	c = redact_pct(p, len, i);
	return p[i] == '&' || p[i] == ';' || (c > 0 && strchr(url, c) != NULL);
}

/*
 * At the "://" of a URL (I, SEP bytes long; "%3A%2F%2F", 9, in a URL
 * inside a query): its userinfo's secret (RFC 3986 section 3.2.1).  That is the
 * password, from the first ':' to the last '@' of the authority, whatever
 * the user (empty, %-escaped) and whatever the password holds (':', a raw
 * '@'); with no password, the user alone when it looks like a credential
 * ("https://ghp_...@host": tokens are sent as users).  Returns true with
 * it in [*VS, *VE).
 */
bool
redact_userinfo(const char *p, size_t len, size_t i, size_t sep, size_t *vs,
    size_t *ve)
{
	size_t j = i + sep, u = j, colon = 0, at = 0, n;
	bool is_enc = sep == 9;

	if (i == 0 || !redact_is_word((unsigned char)p[i - 1]))
		return false;
	while (j < len && !redact_authority_end(p, len, j, is_enc)) {
		if ((n = redact_url_sep(p, len, j, is_enc, '@')) > 0) {
			at = j;
			j += n;
		} else if (colon == 0 && at == 0 &&
		    (n = redact_url_sep(p, len, j, is_enc, ':')) > 0) {
			colon = j + n;
			j += n;
		} else
			j++;
	}
	if (at == 0)
		return false;
	*ve = at;
	*vs = colon != 0 ? colon : u;
	if (colon == 0 && !redact_is_credential(p + u, at - u))
		return false;
	return *ve > *vs;
}

/*
 * Length of the "://" at I, or of its %-escaped form (9), or 0.  A URL
 * mistyped with one slash or three ("http:/u:pw@host") still carries its
 * password, so ':' and 1 to 3 slashes count.
 */
size_t
redact_scheme_sep(const char *p, size_t len, size_t i)
{
	size_t n = 1;

	while (p[i] == ':' && n < 4 && i + n < len && p[i + n] == '/')
		n++;
	if (n > 1)
		return n;
	if (redact_pct(p, len, i) == ':' && redact_pct(p, len, i + 3) == '/' &&
	    redact_pct(p, len, i + 6) == '/')
		return 9;
	return 0;
}

/*
 * Is the word (P, LEN) base64 (RFC 4648 section 4, with its padding)?
 * Basic's credentials are (RFC 7617 section 2); a word after a bare
 * "Basic" that is not ("Basic auth-failed") is English, not a secret.
 */
bool
redact_is_base64(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' &&
	    p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '+' ||
	    p[i] == '/'))
		i++;
	while (i < len && len - i <= 2 && p[i] == '=')
		i++;
	return i == len;
}

/* A JSON Web Token: eyJ, then two '.'-separated base64url parts. */
bool
redact_is_jwt(const char *p, size_t len)
{
	size_t dots = 0;

	if (len < 10 || strncmp(p, "eyJ", 3) != 0)
		return false;
	for (size_t i = 3; i < len; i++) {
		if (p[i] == '.') {
			if (p[i - 1] == '.')
				return false;
			dots++;
		}
	}
	return dots >= 2;
}

/*
 * redact: secrets out of log excerpts before they leave the host.
 *
 * An excerpt (the sample of a webhook body, the first-seen line of a
 * report) is log text, and logs hold what the app printed: request URLs
 * with ?client_secret_key=..., headers with Authorization: 'Bearer ...',
 * objects with token: 'abc' or "apiKey": "...".  Every value whose key
 * name contains secret, token, key, pass, auth, cookie or credential (any
 * case), and the password of a URL (scheme://user:PASSWORD@host), becomes
 * [REDACTED]:
 *
 *   client_secret_key=abc&x=1       -> client_secret_key=[REDACTED]&x=1
 *   Authorization: 'Bearer eyJ...'   -> Authorization: '[REDACTED]'
 *   Authorization: Bearer eyJ...     -> Authorization: [REDACTED]
 *   "apiKey": "k-123"                -> "apiKey": "[REDACTED]"
 *
 * A quoted value is replaced inside its quotes (so JSON stays JSON); a
 * quote that does not close on its line takes the rest of the line with
 * it, so that a value cut by a length cap cannot leak its head.  The
 * config's `redact:` list adds regexes (PCRE2): each match, or its first
 * capture group when the regex has one, becomes [REDACTED].
 *
 * Redaction runs before an excerpt is cut to length, on bytes that need
 * not be valid UTF-8 (the regexes match in UTF mode tolerating invalid
 * sequences, as match.c does).
 */
#ifndef OMNIWATCH_REDACT_H
#define OMNIWATCH_REDACT_H

#include <stddef.h>

#define REDACT_MARK	"[REDACTED]"

struct redact;

/*
 * Compiles the built-in rule and the NEXTRA regexes of EXTRA (borrowed).
 * Returns NULL with *ERR (malloc'd, "redact: regex N 'RE': PCRE2 message
 * at offset K") when one does not compile.
 */
struct redact *redact_new(char *const *extra, size_t nextra, char **err);

/*
 * Returns a malloc'd, NUL-terminated copy of (P, LEN) with secrets
 * replaced; *OUTLEN gets its length (NUL bytes in P are kept).  Never
 * fails: when a regex errors at match time (PCRE2's match limit), the
 * rest of the text from there on is replaced, since it cannot be shown
 * to be clean.
 */
char *redact_apply(const struct redact *r, const char *p, size_t len,
    size_t *outlen);

/*
 * The built-in rule alone, for callers without a config (`scan`'s
 * excerpts).  Compiled once per process; same contract as redact_apply.
 */
char *redact_builtin(const char *p, size_t len, size_t *outlen);

void redact_free(struct redact *r);

#endif

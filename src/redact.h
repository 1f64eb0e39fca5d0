/*
 * redact: secrets out of log excerpts before they leave the host.
 *
 * An excerpt (the sample of a webhook body, the first-seen line of a
 * report, a capture, the sample kept in the state) is log text, and logs
 * hold what the app printed: request URLs with ?client_secret_key=...,
 * headers with Authorization: 'Bearer ...', objects with token: 'abc' or
 * "apiKey": "...", JSON escaped inside JSON, URL-encoded queries.  The
 * built-in rule works on what a secret looks like, not on a few
 * spellings: every value whose key name contains secret, token, key,
 * pass, pwd, auth, cookie, credential, session or signature, or has sig
 * or pw as a part (x-sig, db_pw) (any case), whatever the quoting, escaping (\",
 * \\\"), encoding (%3D, %22, %253D: %-encoded any number of times;
 * \u0022, \x3d; &quot; &#34; &#x22; &#61;), spacing and separator
 * (= : =>), and a value wrapped in <> (raw or encoded); bearer tokens
 * and Basic credentials (base64) anywhere; JSON Web Tokens; the
 * password of a URL (scheme://user:PASSWORD@host, whatever the user,
 * also %-encoded inside a query) or a user that looks like a token; a
 * pair hidden in another's value behind '?' or '#'; a quoted value
 * concatenated over lines as util.inspect prints a string holding line
 * ends ('a\n' +, then 'b' on the next line), whole; a quoted array item
 * that names a secret, then the next quoted item (Node's rawHeaders,
 * argv: [ 'X-Api-Key', 'v' ], [ '--password', 'v' ]).  Each becomes
 * [REDACTED]:
 *
 *   client_secret_key=abc&x=1       -> client_secret_key=[REDACTED]&x=1
 *   client_secret_key%3Dabc%26x     -> client_secret_key%3D[REDACTED]%26x
 *   {&quot;key&quot;:&quot;v&quot;} -> {&quot;key&quot;:&quot;[REDACTED]&quot;}
 *   token=<abc>                      -> token=<[REDACTED]>
 *   Authorization:Bearer eyJ...      -> Authorization:[REDACTED]
 *   "{\"apiKey\":\"k-123\"}"         -> "{\"apiKey\":\"[REDACTED]\"}"
 *   'Bearer x'                       -> 'Bearer [REDACTED]'
 *   http://:pw@host/                 -> http://:[REDACTED]@host/
 *   ;token=a?Authorization=Bearer%20x -> ;token=[REDACTED]?Authorization=[REDACTED]
 *   key: 'a\n' +<LF>    'b'          -> key: '[REDACTED]'
 *   [ 'Authorization', 'Bearer x' ] -> [ 'Authorization', '[REDACTED]' ]
 *
 * A quoted value is replaced inside its quotes (so JSON stays JSON); a
 * quote that does not close on its line takes the rest of the line with
 * it, so that a value cut by a length cap cannot leak its head.  The work
 * is linear in the text (redact.c says how).  The config's `redact:` list
 * adds regexes (PCRE2), compiled once here and owned by the config: each
 * match, or its first capture group when the regex has one, becomes
 * [REDACTED].
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
 * Compiles the NEXTRA regexes of EXTRA (borrowed) to run after the
 * built-in rule.  Returns NULL when one does not compile, with *BAD (when
 * not NULL) its index from 0 and *ERR malloc'd: PCRE2's message and "at
 * offset K" (the caller names the file and place).
 */
struct redact *redact_new(char *const *extra, size_t nextra, size_t *bad,
    char **err);

/*
 * Returns a malloc'd, NUL-terminated copy of (P, LEN) with secrets
 * replaced by the built-in rule and R's regexes (R may be NULL); *OUTLEN
 * gets its length (NUL bytes in P are kept).  Never fails: when a regex
 * errors at match time (PCRE2's match limit), the rest of the text from
 * there on is replaced, since it cannot be shown to be clean.  Safe to
 * call from several threads with R NULL.
 */
char *redact_apply(const struct redact *r, const char *p, size_t len,
    size_t *outlen);

/* The built-in rule alone, for callers without a config (`scan`'s
 * excerpts): redact_apply(NULL, ...). */
char *redact_builtin(const char *p, size_t len, size_t *outlen);

void redact_free(struct redact *r);

#endif

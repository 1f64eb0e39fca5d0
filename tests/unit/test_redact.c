/*
 * test_redact: secrets out of excerpts (redact.h).  Each case is a line an
 * app really prints (Node's util.inspect, a logged URL, a raw header, a
 * JSON body) and the exact text that may leave the host.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

static void
rd_is(const struct redact *r, const char *in, const char *want)
{
	size_t len;
	char *out = r != NULL ? redact_apply(r, in, strlen(in), &len) :
	    redact_builtin(in, strlen(in), &len);

	assert_int_equal(len, strlen(out));
	if (strcmp(out, want) != 0)
		fail_msg("redact(%s)\n  got  %s\n  want %s", in, out, want);
	free(out);
}

static void
test_query_params(void **state)
{
	rd_is(NULL, "GET /oauth?client_id=7&client_secret_key=s3cr3t&x=1",
	    "GET /oauth?client_id=7&client_secret_key=[REDACTED]&x=1");
	rd_is(NULL, "url=https://h/p?access_token=abc.def-ghi",
	    "url=https://h/p?access_token=[REDACTED]");
	rd_is(NULL, "password=hunter2 user=bob",
	    "password=[REDACTED] user=bob");
	/* Found by a new user's trial: cookies, "pass" keys, URL passwords. */
	rd_is(NULL, "headers: { Cookie: 'session=SECRETCOOKIE4' }",
	    "headers: { Cookie: '[REDACTED]' }");
	rd_is(NULL, "{\"pass\":\"SECRETPASS10\"}",
	    "{\"pass\":\"[REDACTED]\"}");
	rd_is(NULL, "db: 'postgres://user:SECRETDSN11@db.example.test/x'",
	    "db: 'postgres://user:[REDACTED]@db.example.test/x'");
	rd_is(NULL, "see https://example.test:443/path and a@b.test",
	    "see https://example.test:443/path and a@b.test");
	rd_is(NULL, "PASSWD = x1;next", "PASSWD = [REDACTED];next");
}

static void
test_headers(void **state)
{
	rd_is(NULL, "headers: { Authorization: 'Bearer eyJhbGciOi.x.y', "
	    "'X-Team': 'desk' }",
	    "headers: { Authorization: '[REDACTED]', 'X-Team': 'desk' }");
	rd_is(NULL, "Authorization: Bearer eyJhbGciOi.x.y",
	    "Authorization: [REDACTED]");
	rd_is(NULL, "proxy-authorization: Basic dXNlcjpwYXNz, next",
	    "proxy-authorization: [REDACTED], next");
	rd_is(NULL, "'x-api-key': `k-1`", "'x-api-key': `[REDACTED]`");
}

static void
test_inspect_and_json(void **state)
{
	rd_is(NULL, "  token: 'abc',\n  user: 'x'",
	    "  token: '[REDACTED]',\n  user: 'x'");
	rd_is(NULL, "{\"apiKey\": \"k-123\", \"n\": 1}",
	    "{\"apiKey\": \"[REDACTED]\", \"n\": 1}");
	rd_is(NULL, "{\"apiKey\":\"k-123\"}", "{\"apiKey\":\"[REDACTED]\"}");
	rd_is(NULL, "{\"secret\": \"a\\\"b\", \"ok\": true}",
	    "{\"secret\": \"[REDACTED]\", \"ok\": true}");
	/* A value cut by a cap: the unclosed quote takes the line. */
	rd_is(NULL, "token: 'abcdef\nnext: 1", "token: '[REDACTED]\nnext: 1");
	/* Objects are not values: their keys are looked at one by one. */
	rd_is(NULL, "auth: { user: 'u', password: 'p' }",
	    "auth: { user: 'u', password: '[REDACTED]' }");
}

static void
test_left_alone(void **state)
{
	/* Stack frames and URLs with ports keep their numbers. */
	rd_is(NULL, "    at Object.<anonymous> (/srv/auth.js:10:5)",
	    "    at Object.<anonymous> (/srv/auth.js:10:5)");
	rd_is(NULL, "GET https://auth.example.com:443/x",
	    "GET https://auth.example.com:443/x");
	rd_is(NULL, "[Omni] Failed to create ticket: { status: false }",
	    "[Omni] Failed to create ticket: { status: false }");
	rd_is(NULL, "", "");
}

static void
test_bytes(void **state)
{
	/* NUL and invalid UTF-8 pass through; the secret after them goes. */
	static const char in[] = "a\0b \xff\xfe token=abc";
	static const char want[] = "a\0b \xff\xfe token=[REDACTED]";
	size_t len;
	char *out = redact_builtin(in, sizeof(in) - 1, &len);

	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(out, want, len);
	free(out);
}

static void
test_extra(void **state)
{
	char *extra[] = { "\\b\\d{4}-\\d{4}-\\d{4}-\\d{4}\\b",
	    "ssn=(\\d+)" };
	char *err = NULL;
	size_t bad = 99;
	struct redact *r = redact_new(extra, 2, &bad, &err);

	assert_non_null(r);
	rd_is(r, "card 1234-5678-9012-3456 ssn=123456789 token=t",
	    "card [REDACTED] ssn=[REDACTED] token=[REDACTED]");
	redact_free(r);

	extra[0] = "a(b";
	r = redact_new(extra, 1, &bad, &err);
	assert_null(r);
	assert_non_null(err);
	assert_int_equal(bad, 0);
	assert_non_null(strstr(err, "missing closing parenthesis"));
	assert_non_null(strstr(err, "at offset 3"));
	free(err);
}

/* Issue #18: the four forms that went out in webhook bodies, the spool
 * and the HTML report. */
static void
test_issue18_forms(void **state)
{
	rd_is(NULL, "Authorization:Bearer S3cr3tZq9 next",
	    "Authorization:[REDACTED] next");
	rd_is(NULL, "body: \"{\\\"client_secret_key\\\":\\\"S3cr3tZq9\\\"}\"",
	    "body: \"{\\\"client_secret_key\\\":\\\"[REDACTED]\\\"}\"");
	rd_is(NULL, "GET /cb?client_secret_key%3DS3cr3tZq9%26x%3D1",
	    "GET /cb?client_secret_key%3D[REDACTED]%26x%3D1");
	rd_is(NULL, "headers: ['Bearer S3cr3tZq9']",
	    "headers: ['Bearer [REDACTED]']");
	rd_is(NULL, "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl ok",
	    "jwt [REDACTED] ok");
	rd_is(NULL, "q=%7B%22password%22%3A%22S3cr3tZq9%22%7D",
	    "q=%7B%22password%22%3A%22[REDACTED]%22%7D");
	rd_is(NULL, "Cookie: theme=dark; sid=S3cr3tZq9",
	    "Cookie: [REDACTED]");
	/* A trial's leaks: an empty user, a pair in a matrix param's
	 * value. */
	rd_is(NULL, "http://:pw@example.test/", "http://:[REDACTED]@example.test/");
	rd_is(NULL, "/x;token=abc?Authorization=Bearer%20xyz",
	    "/x;token=[REDACTED]?Authorization=[REDACTED]");
	rd_is(NULL, "https://user:p@ss@example.test:443/x",
	    "https://user:[REDACTED]@example.test:443/x");
	rd_is(NULL, "ssh://git@example.test/x", "ssh://git@example.test/x");
	/* A pair in the user (fuzz_redact: a second pass redacted more). */
	rd_is(NULL, "https://a_secret_key=abc12r:pw@example.test/x",
	    "https://a_secret_key=[REDACTED][REDACTED]@example.test/x");
	rd_is(NULL, "https://ghp_0123456789abcdefABCD@example.test/",
	    "https://[REDACTED]@example.test/");
	rd_is(NULL, "{\"token\": \"a\\\\\", \"n\": 1}",
	    "{\"token\": \"[REDACTED]\", \"n\": 1}");
}

/* Issue #18 again: separators and quotes in other encodings, values in
 * <>, signatures (each the only record of a failure log, through scan and
 * probe). */
static void
test_issue18_encodings(void **state)
{
	rd_is(NULL, "client_secret_key%253Ds12SECRET",
	    "client_secret_key%253D[REDACTED]");
	rd_is(NULL, "\\u0022client_secret_key\\u0022:\\u0022s20SECRET\\u0022",
	    "\\u0022client_secret_key\\u0022:\\u0022[REDACTED]\\u0022");
	rd_is(NULL, "client_secret_key\\u003ds21SECRET",
	    "client_secret_key\\u003d[REDACTED]");
	rd_is(NULL, "{&quot;client_secret_key&quot;:&quot;s30SECRET&quot;}",
	    "{&quot;client_secret_key&quot;:&quot;[REDACTED]&quot;}");
	rd_is(NULL, "client_secret_key=<s31SECRET>",
	    "client_secret_key=<[REDACTED]>");
	rd_is(NULL, "http://127.0.0.1:9/api?token%253Dt27SECRET",
	    "http://127.0.0.1:9/api?token%253D[REDACTED]");
	rd_is(NULL, "http://127.0.0.1:9/api/x?sig=sg13SECRET&"
	    "X-Amz-Signature=amz14SECRET&X-Amz-Credential=AK%2F1&"
	    "X-Goog-Signature=g1&X-Amz-Security-Token=t1",
	    "http://127.0.0.1:9/api/x?sig=[REDACTED]&"
	    "X-Amz-Signature=[REDACTED]&X-Amz-Credential=[REDACTED]&"
	    "X-Goog-Signature=[REDACTED]&X-Amz-Security-Token=[REDACTED]");
	rd_is(NULL, "&#34;password&#34;&#61;&#x22;pw1&#x22; &amp;quot;",
	    "&#34;password&#34;&#61;&#x22;[REDACTED]&#x22; &amp;quot;");
	rd_is(NULL, "token=&lt;t1SECRET&gt; ok", "token=&lt;[REDACTED]&gt; ok");
	rd_is(NULL, "q=%2522password%2522%253A%2522p1%2522",
	    "q=%2522password%2522%253A%2522[REDACTED]%2522");
	/* A URL mistyped with one slash keeps its password (config errors). */
	rd_is(NULL, "'http:/u:r5SECRET@h/x'", "'http:/u:[REDACTED]@h/x'");
	rd_is(NULL, "signal=9 design=x assign: y",
	    "signal=9 design=x assign: y");
}

/* Upper, lower or as written. */
static void
gen_case(char *dst, const char *src, int mode)
{
	size_t i;

	for (i = 0; src[i] != '\0'; i++) {
		char c = src[i];

		if (mode == 1 && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (mode == 2 && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		dst[i] = c;
	}
	dst[i] = '\0';
}

/* Q escaped to LEVEL: 2^LEVEL - 1 backslashes before it. */
static void
gen_quote(char *dst, char q, int level)
{
	size_t n = 0;

	if (q == '\0') {
		*dst = '\0';
		return;
	}
	for (int i = 0; i < (1 << level) - 1; i++)
		dst[n++] = '\\';
	dst[n++] = q;
	dst[n] = '\0';
}

/*
 * Encodes the separators, quotes, blanks and brackets of a key=value as
 * an encoder would: mode 1 %-encodes them (%20 for a blank), mode 2 as a
 * form ('+'), mode 3 twice (%253D, a URL in a URL's query), mode 4 as
 * JSON's \u0022, mode 5 as HTML's &quot; and &#61;, mode 6 as C's \x3d.
 */
static void
gen_encode(char *dst, const char *src, int mode)
{
	static const char special[] = "\"'`=:<> \t\\{}";
	size_t n = 0;

	for (size_t i = 0; src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		if (mode == 0 || strchr(special, c) == NULL)
			dst[n++] = (char)c;
		else if (mode == 2 && c == ' ')
			dst[n++] = '+';
		else if (mode == 3)
			n += (size_t)sprintf(dst + n, "%%25%02X", c);
		else if (mode == 4)
			n += (size_t)sprintf(dst + n, "\\u%04x", c);
		else if (mode == 5 && c == '"')
			n += (size_t)sprintf(dst + n, "&quot;");
		else if (mode == 5)
			n += (size_t)sprintf(dst + n, i % 2 ? "&#%d;" : "&#x%X;",
			    c);
		else if (mode == 6)
			n += (size_t)sprintf(dst + n, "\\x%02x", c);
		else
			n += (size_t)sprintf(dst + n, "%%%02X", c);
	}
	dst[n] = '\0';
}

/*
 * Secrets in shapes nobody listed: every key name x case x quoting of the
 * key x escaping level x separator x spacing x quoting of the value x
 * value x %-encoding x surrounding text.  The value never survives, and
 * the key stays readable.
 */
static void
test_generated_variants(void **state)
{
	static const char *keys[] = { "client_secret_key", "password",
	    "api_key", "access_token", "Authorization", "sessionId",
	    "x-auth-token", "credentials", "passwd", "apikey",
	    "X-Amz-Signature", "sig" };
	static const char quotes[] = { '\0', '"', '\'', '`' };
	static const char *seps[] = { "=", ":", "=>" };
	static const char *before[] = { "", " " };
	static const char *after[] = { "", " ", "\t", "  " };
	static const char *values[] = { "S3cr3tXyZq9", "Bearer S3cr3tXyZq9",
	    "S3cr3t/X+y=Zq9", "S3cr3t Xy Zq9", "<S3cr3tXyZq9>" };
	static const char *ctx[][2] = { { "", "" }, { "GET /cb?", "&next=1" },
	    { "{", ",\"n\":1}" }, { "log: ", " done\nnext line" } };
	size_t nchecked = 0;

	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
	for (int cs = 0; cs < 3; cs++)
	for (size_t kq = 0; kq < sizeof(quotes); kq++)
	for (int lv = 0; lv < 3; lv++)
	for (size_t sp = 0; sp < sizeof(seps) / sizeof(*seps); sp++)
	for (size_t b = 0; b < sizeof(before) / sizeof(*before); b++)
	for (size_t a = 0; a < sizeof(after) / sizeof(*after); a++)
	for (int vq = 0; vq < 2; vq++)
	for (size_t v = 0; v < sizeof(values) / sizeof(*values); v++)
	for (int enc = 0; enc < 7; enc++)
	for (size_t c = 0; c < sizeof(ctx) / sizeof(*ctx); c++) {
		char key[64], kqs[16], vqs[16], kv[256], in[2400], enc_kv[2048];
		char vquote = vq == 0 ? '\0' : quotes[kq] != '\0' ?
		    quotes[kq] : '"';
		size_t len;
		char *out;

		if (lv > 0 && quotes[kq] == '\0' && vquote == '\0')
			continue;	/* nothing to escape */
		/* A bare value ends at a blank: only a scheme has one. */
		if (vquote == '\0' && v == 3)
			continue;
		/* Brackets inside quotes are the value's own text. */
		if (vquote != '\0' && v == 4)
			continue;
		gen_case(key, keys[k], cs);
		gen_quote(kqs, quotes[kq], lv);
		gen_quote(vqs, vquote, lv);
		snprintf(kv, sizeof(kv), "%s%s%s%s%s%s%s%s%s", kqs, key, kqs,
		    before[b], seps[sp], after[a], vqs, values[v], vqs);
		gen_encode(enc_kv, kv, enc);
		snprintf(in, sizeof(in), "%s%s%s", ctx[c][0], enc_kv,
		    ctx[c][1]);
		out = redact_builtin(in, strlen(in), &len);
		if (strstr(out, "S3cr3t") != NULL ||
		    strstr(out, "Zq9") != NULL)
			fail_msg("secret left in\n  in  %s\n  out %s", in, out);
		if (strstr(out, key) == NULL)
			fail_msg("key redacted\n  in  %s\n  out %s", in, out);
		free(out);
		nchecked++;
	}
	assert_true(nchecked > 100000);
}

/*
 * URL userinfo in every shape (RFC 3986 section 3.2.1): empty, plain or
 * %-escaped users, passwords with ':', a raw '@' or %-escapes, the whole
 * URL %-encoded inside a query, quoted or bare, in a JSON string or a
 * log line.  The password never survives; the host does.
 */
static void
test_generated_userinfo(void **state)
{
	static const char *schemes[] = { "http", "https", "postgres",
	    "redis" };
	static const char *users[] = { "", "user", "us%3Aer", "u.s-e_r",
	    "user%40example.test", "a_token=S3cr3tXyZq9" };
	static const char *pws[] = { "S3cr3tXyZq9", "S3:cr3t:XyZq9",
	    "S3cr3t%40XyZq9", "S3cr3t@XyZq9", "S3cr3t!$&'()*+,;=XyZq9", ":" };
	static const char *rests[] = { "", ":5432", ":443/db?x=1",
	    "/p#f" };
	static const char *ctx[][2] = { { "", "" }, { "db: '", "' next" },
	    { "{\"url\":\"", "\"}" }, { "GET /cb?next=", "&a=1" },
	    { "connect ", " failed\nnext" } };
	size_t nchecked = 0;

	for (size_t s = 0; s < sizeof(schemes) / sizeof(*schemes); s++)
	for (size_t u = 0; u < sizeof(users) / sizeof(*users); u++)
	for (size_t w = 0; w < sizeof(pws) / sizeof(*pws); w++)
	for (size_t r = 0; r < sizeof(rests) / sizeof(*rests); r++)
	for (int enc = 0; enc < 2; enc++)
	for (size_t c = 0; c < sizeof(ctx) / sizeof(*ctx); c++) {
		char url[256], in[1024], *enc_url = url, ebuf[1024];
		const char *pw = pws[w];
		size_t len;
		char *out;

		/* A raw quote in the password would end a quoted URL; ":"
		 * stands for a password that starts with one ("user::s@"). */
		if (c == 1 && strchr(pw, '\'') != NULL)
			continue;
		if (strcmp(pw, ":") == 0)
			pw = ":S3cr3tXyZq9";
		snprintf(url, sizeof(url), "%s://%s:%s@db.example.test%s",
		    schemes[s], users[u], pw, rests[r]);
		if (enc) {
			/* The whole URL as a query value: encodeURIComponent. */
			size_t n = 0;

			for (const char *q = url; *q != '\0'; q++) {
				if (strchr(":/@?#&=%;,+!$'()* ", *q) != NULL)
					n += (size_t)sprintf(ebuf + n, "%%%02X",
					    (unsigned char)*q);
				else
					ebuf[n++] = *q;
			}
			ebuf[n] = '\0';
			enc_url = ebuf;
		}
		snprintf(in, sizeof(in), "%s%s%s", ctx[c][0], enc_url,
		    ctx[c][1]);
		out = redact_builtin(in, strlen(in), &len);
		if (strstr(out, "S3cr3t") != NULL ||
		    strstr(out, "XyZq9") != NULL)
			fail_msg("password left in\n  in  %s\n  out %s", in, out);
		if (strstr(out, "db.example.test") == NULL)
			fail_msg("host redacted\n  in  %s\n  out %s", in, out);
		free(out);
		nchecked++;
	}
	assert_true(nchecked > 1000);
}

/* Upper or lower hex, as encoders differ. */
static void
gen_pct(char *dst, size_t *n, char c, int lower)
{
	*n += (size_t)sprintf(dst + *n, lower ? "%%%02x" : "%%%02X",
	    (unsigned char)c);
}

/*
 * Pairs behind matrix params and queries, their separators raw or
 * %-escaped (';' '?' '&' '=' and the blank of a scheme): a secret's pair
 * inside another pair's value ("/x;token=abc?Authorization=Bearer%20xyz")
 * is looked at as a pair, so nothing of either value is left.
 */
static void
test_generated_query(void **state)
{
	static const char *outer[] = { "token", "jsessionid", "v", "sig" };
	static const char *inner[] = { "Authorization", "access_token",
	    "client_secret_key", "password" };
	static const char *lead[] = { ";", "?", "&", "#" };
	static const char *mid[] = { "?", "#", "&", ";" };
	static const char *values[] = { "Bearer S3cr3tXyZq9", "S3cr3tXyZq9",
	    "Basic S3cr3tXyZq9", "\"Bearer S3cr3tXyZq9\"" };
	size_t nchecked = 0;

	for (size_t o = 0; o < sizeof(outer) / sizeof(*outer); o++)
	for (size_t k = 0; k < sizeof(inner) / sizeof(*inner); k++)
	for (size_t l = 0; l < sizeof(lead) / sizeof(*lead); l++)
	for (size_t m = 0; m < sizeof(mid) / sizeof(*mid); m++)
	for (size_t v = 0; v < sizeof(values) / sizeof(*values); v++)
	for (int enc = 0; enc < 4; enc++) {
		/* enc bit 0: separators %-escaped; bit 1: lower-case hex. */
		char in[512];
		size_t n = 0, len;
		char *out;

		n += (size_t)sprintf(in, "GET /x%s%s", lead[l], outer[o]);
		if (enc & 1)
			gen_pct(in, &n, '=', enc & 2);
		else
			in[n++] = '=';
		n += (size_t)sprintf(in + n, "S3cr3tOuterZq9");
		if (enc & 1)
			gen_pct(in, &n, mid[m][0], enc & 2);
		else
			in[n++] = mid[m][0];
		n += (size_t)sprintf(in + n, "%s", inner[k]);
		if (enc & 1)
			gen_pct(in, &n, '=', enc & 2);
		else
			in[n++] = '=';
		for (const char *q = values[v]; *q != '\0'; q++) {
			if (*q == ' ' && (enc & 1))
				n += (size_t)sprintf(in + n, "%%2520");
			else if (*q == ' ')
				n += (size_t)sprintf(in + n, "%%20");
			else if (*q == '"' && (enc & 1))
				gen_pct(in, &n, '"', enc & 2);
			else
				in[n++] = *q;
		}
		n += (size_t)sprintf(in + n, " HTTP/1.1");
		out = redact_builtin(in, n, &len);
		/* A non-secret outer key's value may stay: only the inner
		 * secret is then required gone. */
		if (strstr(out, "S3cr3tXyZq9") != NULL || (strstr(out,
		    "OuterZq9") != NULL && strcmp(outer[o], "v") != 0))
			fail_msg("secret left in\n  in  %s\n  out %s", in, out);
		if (strstr(out, "HTTP/1.1") == NULL)
			fail_msg("text after the pairs redacted\n  in  %s\n  "
			    "out %s", in, out);
		free(out);
		nchecked++;
	}
	assert_true(nchecked > 1000);
}

/* Ordinary text goes out as it came. */
static void
test_not_over_redacted(void **state)
{
	static const char *lines[] = {
		"    at Object.<anonymous> (/srv/auth.js:10:5)",
		"    at processTicksAndRejections (node:internal/process/task_queues:95:5)",
		"GET https://auth.example.com:443/x",
		"[Omni] Failed to create ticket: { status: false }",
		"Token expired at 10:00, please log in again",
		"user bob logged in from 10.0.0.1",
		"session started for app demo-api",
		"keyword search returned 5 results",
		"passed 12 tests, 0 failed",
		"Authentication failed for user=bob",
		"see https://example.test:443/path and a@b.test",
		"ratio=0.5 count=3 status=ok",
		"http://example.test/path?a=1&b=2&page=3",
		"q=hello%20world&page=2",
		"if (token == null) return;",
		"std::auth::check() failed",
		"eyJ is how a JWT starts",
		"the bearer of this message",
		"auth: { user: 'u' }",
		"caught SIGTERM, signal handler ran",
		"fifty% off; 100%ok",
		"a <b> tag & &amp; more",
		/* "Basic" is English too unless base64 follows. */
		"Basic auth failed for user=bob",
		"Basic authentication is off",
		"Basic auth-failed-twice",
		"basic_setup done",
		"moved upward=3 px",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		rd_is(NULL, lines[i], lines[i]);
}

/* A tester's leaks: "pwd" keys and a bare Basic credential went out in
 * the HTML report's samples. */
static void
test_pwd_and_basic(void **state)
{
	rd_is(NULL, "{\"pwd\":\"pwdFAKE\",\"db_pwd\":\"dbpwdFAKE\"}",
	    "{\"pwd\":\"[REDACTED]\",\"db_pwd\":\"[REDACTED]\"}");
	rd_is(NULL, "PWD=x1 db_pw: 'x2' pw=x3 ok",
	    "PWD=[REDACTED] db_pw: '[REDACTED]' pw=[REDACTED] ok");
	rd_is(NULL, "sent Basic dXNlcjpiYXNpY0ZBS0U=",
	    "sent Basic [REDACTED]");
	rd_is(NULL, "['basic YTpiYzEyMzQ1Ng==']", "['basic [REDACTED]']");
}

/*
 * A quote opened in a URL's user and not closed there (found by
 * fuzz_redact): its value runs on over the password, to its close or the
 * end of the line, as it would without the URL, so that a second pass,
 * which sees no URL left, takes nothing more.
 */
static void
test_user_quote_open(void **state)
{
	rd_is(NULL, "x https://a_token='x:pw@host/x y",
	    "x https://a_token='[REDACTED]");
	rd_is(NULL, "https://a_token='x:pw@host/x' y",
	    "https://a_token='[REDACTED]' y");
	rd_is(NULL, "https://a_token=%27x:pw@host/x y",
	    "https://a_token=%27[REDACTED] y");
	/* Closed inside the password, which goes whole: its quote with it,
	 * so the value runs to the end of the line. */
	rd_is(NULL, "https://a_token='x:'pw@host/x y",
	    "https://a_token='[REDACTED]");
	/* Closed inside the user: the password goes on its own. */
	rd_is(NULL, "https://a_token='x':pw@host/x y",
	    "https://a_token='[REDACTED]':[REDACTED]@host/x y");
	rd_is(NULL, "https://a_token=x:pw@host/x y",
	    "https://a_token=[REDACTED][REDACTED]@host/x y");
}

/*
 * A tester's leaks (console.error('msg:', obj)): util.inspect prints a
 * long string holding '\n' as a concatenation over lines, and only its
 * first fragment went; the value is the whole concatenation.
 */
static void
test_inspect_concat(void **state)
{
	rd_is(NULL, "  private_key: '-----BEGIN PRIVATE KEY-----\\n' +\n"
	    "    'MIIEvFAKEPEMBODYLINE1AAAA\\n' +\n"
	    "    'FAKEPEMBODYLINE2BBBB\\n' +\n"
	    "    '-----END PRIVATE KEY-----\\n',\n"
	    "  password: 'xxxx\\n' +\n"
	    "    'FAKECONTLINE1111'\n}",
	    "  private_key: '[REDACTED]',\n  password: '[REDACTED]'\n}");
	/* Each fragment picks its own quote; the first one's close is
	 * kept, so a second pass sees the same value. */
	rd_is(NULL, "  token: \"it's\\n\" +\n    'FAKEQUOTE1\\n' +\n"
	    "    `a'b\"FAKEQUOTE2`,\n  n: 1",
	    "  token: \"[REDACTED]\",\n  n: 1");
	rd_is(NULL, "  password: 'a\\n' +\r\n    'FAKECRLF1'\r\n  n: 1",
	    "  password: '[REDACTED]'\r\n  n: 1");
	/* Cut by a cap inside a fragment: to the end of its line. */
	rd_is(NULL, "  password: 'a\\n' +\n    'FAKECUT1",
	    "  password: '[REDACTED]");
	/* The same record inside a JSON log line: line ends are \n. */
	rd_is(NULL, "{\"msg\":\"{\\n  private_key: '-----BEGIN PRIVATE "
	    "KEY-----\\\\n' +\\n    'FAKEJSONPEM1\\\\n' +\\n    '-----END "
	    "PRIVATE KEY-----\\\\n'\\n}\"}",
	    "{\"msg\":\"{\\n  private_key: '[REDACTED]'\\n}\"}");
	rd_is(NULL, "{\"msg\":\"{ password: \\\"it's\\\\n\\\" +\\r\\n"
	    "    'FAKEJSONPW2' }\"}",
	    "{\"msg\":\"{ password: \\\"[REDACTED]\\\" }\"}");
	/* Not a concatenation over lines, or not a secret's. */
	rd_is(NULL, "token: 'abc' + suffix", "token: '[REDACTED]' + suffix");
	rd_is(NULL, "  msg: 'a\\n' +\n    'plain text'",
	    "  msg: 'a\\n' +\n    'plain text'");
}

/*
 * Node's rawHeaders and argv: a secret's name and its value are
 * consecutive items of an array.
 */
static void
test_array_pairs(void **state)
{
	rd_is(NULL, "rawHeaders: [ 'Host', 'api.example.test', 'X-Api-Key', "
	    "'FAKERAWKEY0000', 'Authorization', 'Bearer FAKETOKEN123' ]",
	    "rawHeaders: [ 'Host', 'api.example.test', 'X-Api-Key', "
	    "'[REDACTED]', 'Authorization', '[REDACTED]' ]");
	rd_is(NULL, "spawnargs: [ 'mysql', '-u', 'root', '--password', "
	    "'FAKEARGPASS5555' ]",
	    "spawnargs: [ 'mysql', '-u', 'root', '--password', "
	    "'[REDACTED]' ]");
	/* util.inspect breaks a long array over lines. */
	rd_is(NULL, "  rawHeaders: [\n    'Host',\n    'api.example.test',\n"
	    "    'x-api-key',\n    'FAKERAWKEY0001',\n    'Accept',\n"
	    "    '*/*'\n  ]",
	    "  rawHeaders: [\n    'Host',\n    'api.example.test',\n"
	    "    'x-api-key',\n    '[REDACTED]',\n    'Accept',\n"
	    "    '*/*'\n  ]");
	/* JSON arrays, raw, escaped inside a string, and the same with \n
	 * line ends. */
	rd_is(NULL, "{\"argv\":[\"node\",\"app.js\",\"--db-password\","
	    "\"FAKEJSONARG1\",\"-v\"]}",
	    "{\"argv\":[\"node\",\"app.js\",\"--db-password\","
	    "\"[REDACTED]\",\"-v\"]}");
	rd_is(NULL, "\"[\\\"X-Auth-Token\\\",\\\"FAKEESC2\\\"]\"",
	    "\"[\\\"X-Auth-Token\\\",\\\"[REDACTED]\\\"]\"");
	rd_is(NULL, "{\"msg\":\"[\\n    'Cookie',\\n    'sid=FAKECOOKIE3'\\n"
	    "  ]\"}",
	    "{\"msg\":\"[\\n    'Cookie',\\n    '[REDACTED]'\\n  ]\"}");
	/* A flag's dotted name (yargs); a value concatenated over lines. */
	rd_is(NULL, "[ '--db.password', 'FAKEDOTTED4' ]",
	    "[ '--db.password', '[REDACTED]' ]");
	rd_is(NULL, "[ 'password', 'a\\n' +\n    'FAKEARRCONT5' ]",
	    "[ 'password', '[REDACTED]' ]");
	/* Not a name then a quoted item: left alone. */
	rd_is(NULL, "[ 'Host', 'api.example.test' ]",
	    "[ 'Host', 'api.example.test' ]");
	rd_is(NULL, "files: [ 'auth.js', 'index.js' ]",
	    "files: [ 'auth.js', 'index.js' ]");
	rd_is(NULL, "expected a token, 'abc' or none",
	    "expected a token, 'abc' or none");
	rd_is(NULL, "[ 'my token', 'abc' ] ['token', 42] ['token']",
	    "[ 'my token', 'abc' ] ['token', 42] ['token']");
}

/* The built-in rule on IN: fails when SECRET is left, KEEP is gone, or
 * a second pass changes the text. */
static void
rd_gone(const char *in, const char *secret, const char *keep)
{
	size_t len, len2;
	char *out = redact_builtin(in, strlen(in), &len);
	char *again = redact_builtin(out, len, &len2);

	if (strstr(out, secret) != NULL)
		fail_msg("secret left in\n  in  %s\n  out %s", in, out);
	if (strstr(out, keep) == NULL)
		fail_msg("text redacted\n  in  %s\n  out %s", in, out);
	if (len2 != len || strcmp(out, again) != 0)
		fail_msg("not idempotent\n  in  %s\n  out %s\n  out2 %s", in,
		    out, again);
	free(out);
	free(again);
}

/*
 * util.inspect's concatenations in every shape: the quote of each
 * fragment, escaped to a level (inside JSON strings), the line end raw
 * or escaped, the indentation, the fragment the secret is in.
 */
static void
test_generated_concat(void **state)
{
	static const char *keys[] = { "private_key", "password", "token",
	    "client_secret" };
	static const char quotes[] = { '\'', '"', '`' };
	static const char *eols[] = { "\n", "\r\n", "\\n", "\\r\\n" };
	static const char *indents[] = { "", "    ", "\t" };
	size_t nchecked = 0;

	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
	for (size_t q1 = 0; q1 < sizeof(quotes); q1++)
	for (size_t q2 = 0; q2 < sizeof(quotes); q2++)
	for (int lv = 0; lv < 3; lv++)
	for (size_t e = 0; e < sizeof(eols) / sizeof(*eols); e++)
	for (size_t d = 0; d < sizeof(indents) / sizeof(*indents); d++)
	for (int at = 0; at < 3; at++) {
		char a[16], b[16], in[512];

		gen_quote(a, quotes[q1], lv);
		gen_quote(b, quotes[q2], lv);
		snprintf(in, sizeof(in), "{ %s: %s%s\\n%s +%s%s%s%s\\n%s +%s%s"
		    "%s%s%s,%s  next: 1 }", keys[k], a,
		    at == 0 ? "S3cr3tXyZq9" : "-----BEGIN-----", a, eols[e],
		    indents[d], b, at == 1 ? "S3cr3tXyZq9" : "MIIE", b,
		    eols[e], indents[d], a, at == 2 ? "S3cr3tXyZq9" : "END", a,
		    eols[e]);
		rd_gone(in, "S3cr3t", "next: 1");
		nchecked++;
	}
	assert_true(nchecked > 1000);
}

/*
 * rawHeaders and argv in every shape: the name, the quotes escaped to a
 * level, what is between the items (blanks, line ends raw or escaped),
 * the value (a scheme, blanks), the array around them.
 */
static void
test_generated_items(void **state)
{
	static const char *keys[] = { "X-Api-Key", "Authorization",
	    "--password", "--db.password", "-pwd", "Cookie",
	    "x-amz-security-token", "SESSION_SECRET" };
	static const char quotes[] = { '\'', '"', '`' };
	static const char *seps[] = { ", ", ",", ",\n    ", " ,\r\n  ",
	    ",\\n    ", ",\\r\\n\t" };
	static const char *values[] = { "S3cr3tXyZq9", "Bearer S3cr3tXyZq9",
	    "a=1; sid=S3cr3tXyZq9", "S3cr3t Xy Zq9" };
	static const char *ctx[][2] = { { "[ ", " ]" },
	    { "rawHeaders: [\n    'Host', 'api.example.test', ", ",\n  ]" },
	    { "{\"argv\":[\"node\",", "]}" }, { "spawn(", ")" } };
	size_t nchecked = 0;

	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
	for (size_t q = 0; q < sizeof(quotes); q++)
	for (int lv = 0; lv < 3; lv++)
	for (size_t sp = 0; sp < sizeof(seps) / sizeof(*seps); sp++)
	for (size_t v = 0; v < sizeof(values) / sizeof(*values); v++)
	for (size_t c = 0; c < sizeof(ctx) / sizeof(*ctx); c++) {
		char qs[16], in[512];

		gen_quote(qs, quotes[q], lv);
		snprintf(in, sizeof(in), "%s%s%s%s%s%s%s%s%s", ctx[c][0], qs,
		    keys[k], qs, seps[sp], qs, values[v], qs, ctx[c][1]);
		rd_gone(in, "Zq9", keys[k]);
		nchecked++;
	}
	assert_true(nchecked > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_params),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_inspect_and_json),
		cmocka_unit_test(test_left_alone),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_extra),
		cmocka_unit_test(test_issue18_forms),
		cmocka_unit_test(test_issue18_encodings),
		cmocka_unit_test(test_generated_variants),
		cmocka_unit_test(test_generated_userinfo),
		cmocka_unit_test(test_generated_query),
		cmocka_unit_test(test_not_over_redacted),
		cmocka_unit_test(test_pwd_and_basic),
		cmocka_unit_test(test_user_quote_open),
		cmocka_unit_test(test_inspect_concat),
		cmocka_unit_test(test_array_pairs),
		cmocka_unit_test(test_generated_concat),
		cmocka_unit_test(test_generated_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

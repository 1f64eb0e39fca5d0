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
	struct redact *r = redact_new(extra, 2, &err);

	assert_non_null(r);
	rd_is(r, "card 1234-5678-9012-3456 ssn=123456789 token=t",
	    "card [REDACTED] ssn=[REDACTED] token=[REDACTED]");
	redact_free(r);

	extra[0] = "a(b";
	r = redact_new(extra, 1, &err);
	assert_null(r);
	assert_non_null(err);
	assert_non_null(strstr(err, "redact: regex 1 'a(b': "));
	assert_non_null(strstr(err, "at offset 3"));
	free(err);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

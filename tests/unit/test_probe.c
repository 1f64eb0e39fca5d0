/*
 * test_probe: the verdict of a probe from its answers (probe_judge) and
 * the router recognised from a 404's body (probe_framework_of), each case
 * a set of answers a real server gives; the headers it is given
 * (http_header.h).  The requests themselves are
 * tested against servers on 127.0.0.1 (tests/cases/probe.sh).
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

#include "http_header.h"
#include "probe.h"

static struct probe_answer
pa(const char *method, long status, const char *allow,
    enum probe_framework fw)
{
	struct probe_answer a;

	memset(&a, 0, sizeof(a));
	a.method = method;
	a.transport = PROBE_ANSWERED;
	a.status = status;
	snprintf(a.allow, sizeof(a.allow), "%s", allow != NULL ? allow : "");
	a.framework = fw;
	return a;
}

static struct probe_answer
pfail(const char *method, enum probe_transport t)
{
	struct probe_answer a;

	memset(&a, 0, sizeof(a));
	a.method = method;
	a.transport = t;
	a.reason = "Couldn't connect to server";
	return a;
}

/* Judges BASE and the N answers; checks the verdict and that the
 * evidence holds WANT (NULL: anything). */
static void
judge_is(const struct probe_answer *base, const struct probe_answer *ans,
    size_t n, enum probe_verdict verdict, const char *want)
{
	struct probe_result r;

	memset(&r, 0, sizeof(r));
	probe_judge(base, ans, n, "http://partner.example.test:80", 2000, &r);
	if (r.verdict != verdict)
		fail_msg("verdict %s, want %s: %s",
		    probe_verdict_name(r.verdict), probe_verdict_name(verdict),
		    r.evidence);
	if (want != NULL && strstr(r.evidence, want) == NULL)
		fail_msg("evidence '%s' lacks '%s'", r.evidence, want);
	probe_result_release(&r);
}

static void
test_lumen(void **state)
{
	struct probe_answer base = pa("GET", 200, NULL, PROBE_FRAMEWORK_NONE);
	struct probe_answer missing[2] = {
		pa("GET", 404, NULL, PROBE_FRAMEWORK_LUMEN),
		pa("OPTIONS", 404, NULL, PROBE_FRAMEWORK_LUMEN),
	};
	struct probe_answer deployed = pa("GET", 405, "POST",
	    PROBE_FRAMEWORK_NONE);

	(void)state;
	/* The sentence, word for word. */
	judge_is(&base, missing, 2, PROBE_ROUTE_MISSING, "the base answered "
	    "200; the endpoint answered 404 from Lumen's router "
	    "(RoutesRequests.php) to GET and OPTIONS; a deployed route "
	    "answers 405 to GET");
	judge_is(&base, &deployed, 1, PROBE_OK, "405 (Allow: POST)");
}

static void
test_express(void **state)
{
	struct probe_answer base = pa("GET", 200, NULL, PROBE_FRAMEWORK_NONE);
	struct probe_answer deployed[2] = {
		pa("GET", 404, NULL, PROBE_FRAMEWORK_EXPRESS),
		pa("OPTIONS", 200, "POST", PROBE_FRAMEWORK_NONE),
	};
	struct probe_answer missing[2] = {
		pa("GET", 404, NULL, PROBE_FRAMEWORK_EXPRESS),
		pa("OPTIONS", 404, NULL, PROBE_FRAMEWORK_EXPRESS),
	};

	(void)state;
	/* A 404 to GET is no proof: Express routes POST only. */
	judge_is(&base, deployed, 2, PROBE_OK, "OPTIONS answered 200 with "
	    "Allow: POST");
	judge_is(&base, missing, 2, PROBE_ROUTE_MISSING,
	    "from Express ('Cannot GET')");
}

static void
test_options_says_little(void **state)
{
	struct probe_answer base = pa("GET", 200, NULL, PROBE_FRAMEWORK_NONE);
	struct probe_answer cors[2] = {
		pa("GET", 404, NULL, PROBE_FRAMEWORK_NONE),
		pa("OPTIONS", 204, NULL, PROBE_FRAMEWORK_NONE),
	};
	struct probe_answer o405[2] = {
		pa("GET", 404, NULL, PROBE_FRAMEWORK_NONE),
		pa("OPTIONS", 405, NULL, PROBE_FRAMEWORK_NONE),
	};
	struct probe_answer o501[2] = {
		pa("GET", 410, NULL, PROBE_FRAMEWORK_NONE),
		pa("OPTIONS", 501, NULL, PROBE_FRAMEWORK_NONE),
	};
	struct probe_answer oauth[2] = {
		pa("GET", 404, NULL, PROBE_FRAMEWORK_NONE),
		pa("OPTIONS", 403, NULL, PROBE_FRAMEWORK_NONE),
	};
	struct probe_answer ohang[2] = {
		pa("GET", 404, NULL, PROBE_FRAMEWORK_NONE),
		pfail("OPTIONS", PROBE_TIMED_OUT),
	};

	(void)state;
	/* A CORS handler's 204 proves nothing: not route_missing. */
	judge_is(&base, cors, 2, PROBE_OK, "without an Allow header");
	judge_is(&base, o405, 2, PROBE_OK, "OPTIONS answered 405");
	judge_is(&base, o501, 2, PROBE_OK, "OPTIONS answered 501");
	judge_is(&base, oauth, 2, PROBE_AUTH_REJECTED, "403 to OPTIONS");
	judge_is(&base, ohang, 2, PROBE_TIMEOUT, "no answer to OPTIONS "
	    "within 2s");
}

/*
 * Issue 13's wrong OK: an answer a made-up path gets too says nothing
 * about the route.  Python's http.server answers 501 to OPTIONS on every
 * path; a server or front answering 405 to every method on every path it
 * does not know; a CORS handler answering 204 to every OPTIONS.  The same
 * answers, when the made-up path is answered otherwise, still show a
 * deployed route (Lumen's 405 with Allow, Express's OPTIONS 200 with
 * Allow, Express's 404 on the made-up path).
 */
static void
test_server_wide(void **state)
{
	struct probe_answer base = pa("GET", 200, NULL, PROBE_FRAMEWORK_NONE);
	struct probe_answer c404 = pa("GET", 404, NULL, PROBE_FRAMEWORK_NONE);
	struct probe_answer o404 = pa("OPTIONS", 404, NULL,
	    PROBE_FRAMEWORK_EXPRESS);
	struct probe_answer o501 = pa("OPTIONS", 501, NULL,
	    PROBE_FRAMEWORK_NONE);
	struct probe_answer g405 = pa("GET", 405, NULL, PROBE_FRAMEWORK_NONE);
	struct probe_answer o405 = pa("OPTIONS", 405, NULL,
	    PROBE_FRAMEWORK_NONE);
	struct probe_answer o204 = pa("OPTIONS", 204, NULL,
	    PROBE_FRAMEWORK_NONE);
	struct probe_answer oallow = pa("OPTIONS", 200, "POST",
	    PROBE_FRAMEWORK_NONE);
	struct probe_answer ans[2];

	(void)state;
	/* python3 -m http.server: 404 to GET, 501 to OPTIONS anywhere. */
	ans[0] = pa("GET", 404, NULL, PROBE_FRAMEWORK_NONE);
	ans[1] = o501;
	ans[1].control = &o501;
	assert_true(probe_wants_options(&ans[0]));
	assert_true(probe_needs_control(&ans[1]));
	assert_true(probe_is_server_wide(&ans[1]));
	judge_is(&base, ans, 2, PROBE_ROUTE_MISSING, "the endpoint answered "
	    "404 to GET and 501 to OPTIONS; OPTIONS answers 501 on any path "
	    "(a made-up one too), so it says nothing about this route");
	/* The same 501 where the made-up path gets 404: routed. */
	ans[1].control = &c404;
	judge_is(&base, ans, 2, PROBE_OK, "OPTIONS answered 501 (a made-up "
	    "path: 404)");
	/* 405 to every method on every unknown path. */
	ans[0] = g405;
	ans[0].control = &g405;
	ans[1] = o405;
	ans[1].control = &o405;
	assert_true(probe_wants_options(&ans[0]));
	judge_is(&base, ans, 2, PROBE_ROUTE_MISSING, "GET and OPTIONS answer "
	    "405 on any path (a made-up one too), so neither says anything "
	    "about this route");
	/* ...but a deployed route there answers 405 with its Allow. */
	ans[0] = pa("GET", 405, "POST", PROBE_FRAMEWORK_NONE);
	ans[0].control = &g405;
	assert_false(probe_wants_options(&ans[0]));
	judge_is(&base, ans, 1, PROBE_OK, "405 (Allow: POST) (a made-up "
	    "path: 405)");
	/* Lumen, deployed: 405 to GET, the made-up path 404. */
	ans[0] = pa("GET", 405, "POST", PROBE_FRAMEWORK_NONE);
	ans[0].control = &c404;
	judge_is(&base, ans, 1, PROBE_OK, "a route is registered");
	/* Express, deployed: OPTIONS 200 with Allow, the made-up path 404. */
	ans[0] = pa("GET", 404, NULL, PROBE_FRAMEWORK_EXPRESS);
	ans[1] = oallow;
	ans[1].control = &o404;
	judge_is(&base, ans, 2, PROBE_OK, "Allow: POST");
	/* A route matching every path ("/" followed by "*") answers the same Allow there:
	 * it says nothing about this route. */
	ans[1].control = &oallow;
	judge_is(&base, ans, 2, PROBE_ROUTE_MISSING, "OPTIONS answers 200 "
	    "with Allow: POST on any path");
	/* A CORS handler's 204 on every path proves nothing either. */
	ans[0] = pa("GET", 404, NULL, PROBE_FRAMEWORK_NONE);
	ans[1] = o204;
	ans[1].control = &o204;
	judge_is(&base, ans, 2, PROBE_ROUTE_MISSING, "OPTIONS answers 204 on "
	    "any path");
	/* A made-up path that did not answer cannot show it server-wide. */
	{
		struct probe_answer gone = pfail("OPTIONS", PROBE_TIMED_OUT);

		ans[1] = o501;
		ans[1].control = &gone;
		judge_is(&base, ans, 2, PROBE_OK, "a made-up path did not "
		    "answer");
	}
	/* A 2xx or 3xx to the probe's own method is taken as it is, and
	 * POST never goes to a made-up path. */
	ans[0] = pa("GET", 200, NULL, PROBE_FRAMEWORK_NONE);
	assert_false(probe_needs_control(&ans[0]));
	ans[0] = pa("GET", 301, NULL, PROBE_FRAMEWORK_NONE);
	assert_false(probe_needs_control(&ans[0]));
	ans[0] = pa("POST", 405, NULL, PROBE_FRAMEWORK_NONE);
	assert_false(probe_needs_control(&ans[0]));
	ans[0] = pa("GET", 422, NULL, PROBE_FRAMEWORK_NONE);
	assert_true(probe_needs_control(&ans[0]));
	ans[0] = pa("GET", 404, NULL, PROBE_FRAMEWORK_NONE);
	assert_false(probe_needs_control(&ans[0]));
	ans[0] = pa("OPTIONS", 404, NULL, PROBE_FRAMEWORK_NONE);
	assert_false(probe_wants_options(&ans[0]));
}

static void
test_other_verdicts(void **state)
{
	struct probe_answer base = pa("GET", 200, NULL, PROBE_FRAMEWORK_NONE);
	struct probe_answer gone = pfail("GET", PROBE_FAILED);
	struct probe_answer a;
	struct probe_answer missing[2] = {
		pa("GET", 404, NULL, PROBE_FRAMEWORK_NONE),
		pa("OPTIONS", 404, NULL, PROBE_FRAMEWORK_NONE),
	};

	(void)state;
	a = pa("GET", 401, NULL, PROBE_FRAMEWORK_NONE);
	judge_is(&base, &a, 1, PROBE_AUTH_REJECTED, "401 to GET");
	a = pa("GET", 403, NULL, PROBE_FRAMEWORK_NONE);
	judge_is(&base, &a, 1, PROBE_AUTH_REJECTED, NULL);
	a = pa("GET", 503, NULL, PROBE_FRAMEWORK_NONE);
	judge_is(&base, &a, 1, PROBE_SERVER_ERROR, "503 to GET");
	a = pa("GET", 501, NULL, PROBE_FRAMEWORK_NONE);
	judge_is(&base, &a, 1, PROBE_OK, "501");
	a = pa("GET", 302, NULL, PROBE_FRAMEWORK_NONE);
	judge_is(&base, &a, 1, PROBE_OK, "redirect");
	a = pa("GET", 422, NULL, PROBE_FRAMEWORK_NONE);
	judge_is(&base, &a, 1, PROBE_OK, "a handler refused");
	a = pa("GET", 200, NULL, PROBE_FRAMEWORK_NONE);
	judge_is(&base, &a, 1, PROBE_OK, "answered 200");
	/* A 404 with Allow is a routed path. */
	a = pa("GET", 404, "POST", PROBE_FRAMEWORK_NONE);
	judge_is(&base, &a, 1, PROBE_OK, "Allow: POST");
	a = pfail("GET", PROBE_TIMED_OUT);
	judge_is(&base, &a, 1, PROBE_TIMEOUT, "the server is up but the "
	    "endpoint hangs");
	judge_is(&gone, &gone, 1, PROBE_UNREACHABLE, "Couldn't connect");
	/* route_missing only while the base answers. */
	judge_is(&gone, missing, 2, PROBE_UNREACHABLE, "the server itself "
	    "may be down");
	a = pa("GET", 500, NULL, PROBE_FRAMEWORK_NONE);
	judge_is(&a, missing, 2, PROBE_ROUTE_MISSING, "the base answered 500");
}

static void
test_framework_of(void **state)
{
	static const char lumen_json[] = "{\"message\":\"\",\"exception\":"
	    "\"Symfony\\\\Component\\\\HttpKernel\\\\Exception\\\\"
	    "NotFoundHttpException\",\"file\":\"/var/www/vendor/laravel/"
	    "lumen-framework/src/Concerns/RoutesRequests.php\",\"line\":229}";
	static const char express[] = "<!DOCTYPE html>\n<html lang=\"en\">"
	    "<body>\n<pre>Cannot GET /api/tickets</pre>\n</body>\n</html>\n";
	static const char old_express[] = "Cannot POST /api/tickets?x=1\n";
	static const char laravel[] = "{\"message\":\"\",\"exception\":\"Symfony"
	    "\\\\Component\\\\HttpKernel\\\\Exception\\\\NotFoundHttpException\"}";

	(void)state;
	assert_int_equal(probe_framework_of(lumen_json, strlen(lumen_json)),
	    PROBE_FRAMEWORK_LUMEN);
	assert_int_equal(probe_framework_of(express, strlen(express)),
	    PROBE_FRAMEWORK_EXPRESS);
	assert_int_equal(probe_framework_of(old_express, strlen(old_express)),
	    PROBE_FRAMEWORK_EXPRESS);
	assert_int_equal(probe_framework_of(laravel, strlen(laravel)),
	    PROBE_FRAMEWORK_LARAVEL);
	assert_int_equal(probe_framework_of("Not Found", 9),
	    PROBE_FRAMEWORK_NONE);
	assert_int_equal(probe_framework_of("Cannot ", 7),
	    PROBE_FRAMEWORK_NONE);
	assert_int_equal(probe_framework_of("Cannot get /x", 13),
	    PROBE_FRAMEWORK_NONE);
	/* Lengths, not NULs, bound the search. */
	assert_int_equal(probe_framework_of("Cannot GET /x", 10),
	    PROBE_FRAMEWORK_NONE);
}

/* http_header_parse, -1: *WHY starts with WHY, *NAME is NAME (or NULL). */
static void
header_refused(const char *s, const char *name, const char *why)
{
	struct config_header h;
	const char *got_why = NULL;
	char *got_name = NULL;

	assert_int_equal(http_header_parse(s, &h, &got_name, &got_why), -1);
	assert_non_null(got_why);
	assert_true(strncmp(got_why, why, strlen(why)) == 0);
	if (name == NULL)
		assert_null(got_name);
	else
		assert_string_equal(got_name, name);
	free(got_name);
}

static void
test_inputs(void **state)
{
	struct config_header h;
	const char *why;
	char *name;

	(void)state;
	assert_int_equal(http_header_parse("Authorization: Bearer x", &h,
	    &name, &why), 0);
	assert_string_equal(h.name, "Authorization");
	assert_string_equal(h.value, "Bearer x");
	assert_null(name);
	free(h.name);
	free(h.value);
	assert_int_equal(http_header_parse("X-Empty:", &h, &name, &why), 0);
	assert_string_equal(h.value, "");
	free(h.name);
	free(h.value);
	header_refused("NoColon", NULL, "expected 'Name: value'");
	header_refused(": v", NULL, "is not a header name");
	header_refused("Two Words: v", NULL, "is not a header name");
	/* A line break would end the header and start one of the caller's
	 * choosing (RFC 9112, 2.1): refused, naming the header. */
	header_refused("X-A: b\r\nEvil: 1", "X-A", "holds a line break");
	header_refused("X-A: b\nEvil: 1", "X-A", "holds a line break");
	header_refused("X-A: b\r", "X-A", "holds a line break");
	/* Half a token before a colon is not named. */
	header_refused("Bearer abc:d\nef", NULL, "is not a header name");
	assert_null(http_header_check("X-Api-Key", "k"));
	for (int v = 0; v < PROBE_NVERDICTS; v++)
		assert_int_equal(probe_verdict_parse(probe_verdict_name(v)), v);
	assert_int_equal(probe_verdict_parse("fine"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lumen),
		cmocka_unit_test(test_express),
		cmocka_unit_test(test_options_says_little),
		cmocka_unit_test(test_server_wide),
		cmocka_unit_test(test_other_verdicts),
		cmocka_unit_test(test_framework_of),
		cmocka_unit_test(test_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * probe_verdict: the verdict of a probe from its answers (see probe.h for
 * the table), and the rules the run follows to decide what to ask next,
 * so that the plan and the verdict read one rule each.
 *
 * An answer is evidence of a route only if it is the route's own.  A 405,
 * a 501, an Allow header, another 4xx, and whatever OPTIONS answers other
 * than 404 can come from a server or a front that answers every path the
 * same way: Python's http.server answers 501 to OPTIONS everywhere
 * (Lib/http/server.py, BaseHTTPRequestHandler.handle_one_request: "Unsupported
 * method"), nginx 405 to methods a static location does not serve, a CORS
 * middleware 204 to every OPTIONS.  So such an answer is checked against
 * the same method on a made-up path beside the endpoint (probe.c,
 * probe_control_url); when the made-up path is answered the same way
 * (status and Allow), the answer says nothing about this route.  A 2xx or
 * 3xx to the probe's own method (not OPTIONS) is the endpoint's answer and
 * is taken as it is; POST never goes to a made-up path.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "xmalloc.h"

static const char *const probe_verdict_names[PROBE_NVERDICTS] = {
	"ok", "route_missing", "auth_rejected", "server_error", "timeout",
	"unreachable",
};

const char *
probe_verdict_name(enum probe_verdict v)
{
	return (unsigned)v < PROBE_NVERDICTS ? probe_verdict_names[v] : "?";
}

int
probe_verdict_parse(const char *s)
{
	for (int i = 0; i < PROBE_NVERDICTS; i++)
		if (strcmp(s, probe_verdict_names[i]) == 0)
			return i;
	return -1;
}

void
probe_result_release(struct probe_result *r)
{
	free(r->url);
	free(r->evidence);
	r->url = r->evidence = NULL;
}

enum probe_framework
probe_framework_of(const char *p, size_t len)
{
	if (memmem(p, len, "RoutesRequests.php", 18) != NULL)
		return PROBE_FRAMEWORK_LUMEN;
	if (memmem(p, len, "NotFoundHttpException", 21) != NULL)
		return PROBE_FRAMEWORK_LARAVEL;
	/* finalhandler: "Cannot " + req.method + " " + the URL, in a
	 * <pre> of an HTML page (or alone, in older versions). */
	for (const char *q = p, *end = p + len; q < end; q++) {
		const char *m;

		q = memmem(q, (size_t)(end - q), "Cannot ", 7);
		if (q == NULL)
			break;
		m = q + 7;
		while (m < end && *m >= 'A' && *m <= 'Z')
			m++;
		if (m > q + 7 && m + 1 < end && m[0] == ' ' && m[1] == '/')
			return PROBE_FRAMEWORK_EXPRESS;
	}
	return PROBE_FRAMEWORK_NONE;
}

bool
probe_is_missing(const struct probe_answer *a)
{
	return a->transport == PROBE_ANSWERED && (a->status == 404 ||
	    a->status == 410) && a->allow[0] == '\0';
}

static bool
probe_is_auth(const struct probe_answer *a)
{
	return a->transport == PROBE_ANSWERED && (a->status == 401 ||
	    a->status == 403);
}

static bool
probe_is_server_error(const struct probe_answer *a)
{
	return a->transport == PROBE_ANSWERED && a->status >= 500 &&
	    a->status != 501;
}

bool
probe_needs_control(const struct probe_answer *a)
{
	if (a->transport != PROBE_ANSWERED || probe_is_missing(a) ||
	    probe_is_auth(a) || probe_is_server_error(a) ||
	    strcmp(a->method, "POST") == 0)
		return false;
	return a->status >= 400 || strcmp(a->method, "OPTIONS") == 0;
}

bool
probe_is_server_wide(const struct probe_answer *a)
{
	const struct probe_answer *c = a->control;

	return probe_needs_control(a) && c != NULL &&
	    c->transport == PROBE_ANSWERED && c->status == a->status &&
	    strcmp(c->allow, a->allow) == 0;
}

/* An answer that could only come from a handler or router of the path. */
static bool
probe_shows_route(const struct probe_answer *a)
{
	return a->transport == PROBE_ANSWERED && !probe_is_missing(a) &&
	    !probe_is_auth(a) && !probe_is_server_error(a) &&
	    !probe_is_server_wide(a);
}

bool
probe_wants_options(const struct probe_answer *main)
{
	return strcmp(main->method, "OPTIONS") != 0 &&
	    (probe_is_missing(main) || probe_is_server_wide(main));
}

static const char *
probe_framework_words(enum probe_framework f)
{
	switch (f) {
	case PROBE_FRAMEWORK_LUMEN:
		return " from Lumen's router (RoutesRequests.php)";
	case PROBE_FRAMEWORK_LARAVEL:
		return " from a Laravel or Lumen router (NotFoundHttpException)";
	case PROBE_FRAMEWORK_EXPRESS:
		return " from Express ('Cannot GET')";
	default:
		return "";
	}
}

/* "no answer within 10s" or libcurl's reason, for a failed request,
 * saying so when its headers came first. */
static char *
probe_failure_words(const struct probe_answer *a, int64_t timeout_ms)
{
	if (a->transport == PROBE_TIMED_OUT && a->status > 0)
		return xasprintf("%s's %ld headers came, but the body did not "
		    "end within %.3gs", a->method, a->status,
		    (double)timeout_ms / 1000.0);
	if (a->transport == PROBE_TIMED_OUT)
		return xasprintf("no answer to %s within %.3gs", a->method,
		    (double)timeout_ms / 1000.0);
	if (a->status > 0)
		return xasprintf("%s's %ld headers came, but the body failed "
		    "(%s)", a->method, a->status, a->reason != NULL ?
		    a->reason : "no answer");
	return xasprintf("%s failed (%s)", a->method, a->reason != NULL ?
	    a->reason : "no answer");
}

static enum probe_verdict
probe_failure_verdict(const struct probe_answer *a)
{
	return a->transport == PROBE_TIMED_OUT ? PROBE_TIMEOUT :
	    PROBE_UNREACHABLE;
}

/* What the base said, as a clause. */
static char *
probe_base_words(const struct probe_answer *base, int64_t timeout_ms)
{
	char *f, *s;

	if (base == NULL)
		return xstrdup("the base was not asked");
	if (base->transport == PROBE_ANSWERED)
		return xasprintf("the base answered %ld", base->status);
	f = probe_failure_words(base, timeout_ms);
	s = xasprintf("the base did not answer (%s)", f);
	free(f);
	return s;
}

/* " (a made-up path: 404)" when A was checked against one; "". */
static char *
probe_control_words(const struct probe_answer *a)
{
	const struct probe_answer *c = a->control;

	if (!probe_needs_control(a) || c == NULL)
		return xstrdup("");
	if (c->transport != PROBE_ANSWERED)
		return xstrdup(" (a made-up path did not answer)");
	return xasprintf(" (a made-up path: %ld%s%s)", c->status,
	    c->allow[0] != '\0' ? " with Allow: " : "", c->allow);
}

/* Why a routed answer A shows the route is there. */
static char *
probe_routed_words(const struct probe_answer *a)
{
	char *cw = probe_control_words(a), *s;

	if (a->status == 405)
		s = xasprintf("%s answered 405%s%s%s%s: a route is registered "
		    "for other methods, as Lumen and Laravel answer for a "
		    "deployed route", a->method, a->allow[0] != '\0' ?
		    " (Allow: " : "", a->allow, a->allow[0] != '\0' ? ")" : "",
		    cw);
	else if (a->status == 501)
		s = xasprintf("%s answered 501%s: the server knows the path "
		    "but not the method", a->method, cw);
	else if (a->allow[0] != '\0')
		s = xasprintf("%s answered %ld with Allow: %s, the methods "
		    "routed there%s", a->method, a->status, a->allow, cw);
	else if (a->status >= 300 && a->status < 400)
		s = xasprintf("%s answered %ld (a redirect, not followed)%s",
		    a->method, a->status, cw);
	else if (a->status >= 400)
		s = xasprintf("%s answered %ld%s: a handler refused the "
		    "request, so the route is there", a->method, a->status, cw);
	else
		s = xasprintf("%s answered %ld%s", a->method, a->status, cw);
	free(cw);
	return s;
}

/* "404 from Lumen's router (...) to GET" or "405 to GET" for a missing
 * or server-wide answer. */
static char *
probe_unrouted_words(const struct probe_answer *a)
{
	return xasprintf("%ld%s to %s", a->status,
	    probe_framework_words(a->framework), a->method);
}

/* "; OPTIONS answers 501 on any path..." for the server-wide ones of
 * MAIN and OPT (NULL: not asked), or "". */
static char *
probe_server_wide_words(const struct probe_answer *main,
    const struct probe_answer *opt)
{
	const struct probe_answer *a = main;
	bool both = opt != NULL && probe_is_server_wide(main) &&
	    probe_is_server_wide(opt);

	if (both && (main->status != opt->status ||
	    strcmp(main->allow, opt->allow) != 0)) {
		char *m = probe_server_wide_words(main, NULL);
		char *o = probe_server_wide_words(opt, NULL);
		char *s = xasprintf("%s%s", m, o);

		free(m);
		free(o);
		return s;
	}
	if (!probe_is_server_wide(a))
		a = opt;
	if (a == NULL || !probe_is_server_wide(a))
		return xstrdup("");
	return xasprintf("; %s%s%s answer%s %ld%s%s on any path (a made-up "
	    "one too), so %s about this route", a->method, both ? " and " :
	    "", both ? opt->method : "", both ? "" : "s", a->status,
	    a->allow[0] != '\0' ? " with Allow: " : "", a->allow, both ?
	    "neither says anything" : "it says nothing");
}

/* The evidence of route_missing: every answer was a 404 or 410, or one
 * a made-up path gets too. */
static char *
probe_missing_words(const char *bw, const struct probe_answer *main,
    const struct probe_answer *opt, enum probe_framework fw)
{
	const char *hint = fw == PROBE_FRAMEWORK_EXPRESS ? "a deployed "
	    "Express route answers OPTIONS with 200 and an Allow list" :
	    fw == PROBE_FRAMEWORK_LUMEN || fw == PROBE_FRAMEWORK_LARAVEL ?
	    "a deployed route answers 405 to GET" : "a deployed route "
	    "answers 405 to other methods, or OPTIONS with an Allow list";
	char *mw, *ow, *sw, *s;

	if (probe_is_missing(main) && (opt == NULL || probe_is_missing(opt)))
		/* The incident's sentence: one status, both methods. */
		return xasprintf("%s; the endpoint answered %ld%s to %s%s; %s",
		    bw, main->status, probe_framework_words(fw), main->method,
		    opt != NULL ? " and OPTIONS" : "", hint);
	mw = probe_unrouted_words(main);
	ow = opt != NULL ? probe_unrouted_words(opt) : xstrdup("");
	sw = probe_server_wide_words(main, opt);
	s = xasprintf("%s; the endpoint answered %s%s%s%s; %s", bw, mw,
	    opt != NULL ? " and " : "", ow, sw, hint);
	free(mw);
	free(ow);
	free(sw);
	return s;
}

void
probe_judge(const struct probe_answer *base,
    const struct probe_answer *answers, size_t n, const char *origin,
    int64_t timeout_ms, struct probe_result *out)
{
	const struct probe_answer *main = &answers[0], *opt = NULL;
	enum probe_framework fw = PROBE_FRAMEWORK_NONE;
	char *bw = probe_base_words(base, timeout_ms), *w = NULL;

	out->status = main->transport == PROBE_ANSWERED ? main->status : 0;
	out->base_status = base != NULL && base->transport == PROBE_ANSWERED ?
	    base->status : 0;
	for (size_t i = 0; i < n; i++)
		if (answers[i].framework != PROBE_FRAMEWORK_NONE &&
		    fw == PROBE_FRAMEWORK_NONE)
			fw = answers[i].framework;
	if (n > 1)
		opt = &answers[1];

	if (main->transport != PROBE_ANSWERED) {
		w = probe_failure_words(main, timeout_ms);
		out->verdict = probe_failure_verdict(main);
		out->evidence = xasprintf("%s; the endpoint (%s): %s%s", bw,
		    origin, w, out->base_status != 0 ? "; the server is up "
		    "but the endpoint hangs or drops the connection" : "");
	} else if (probe_is_auth(main)) {
		out->verdict = PROBE_AUTH_REJECTED;
		out->evidence = xasprintf("%s; the endpoint answered %ld to "
		    "%s: the credentials (token, key or Authorization header) "
		    "were refused", bw, main->status, main->method);
	} else if (probe_is_server_error(main)) {
		out->verdict = PROBE_SERVER_ERROR;
		out->evidence = xasprintf("%s; the endpoint answered %ld to "
		    "%s: the partner's server is failing, so whether the "
		    "route is deployed cannot be told", bw, main->status,
		    main->method);
	} else if (probe_shows_route(main)) {
		w = probe_routed_words(main);
		out->verdict = PROBE_OK;
		out->evidence = xasprintf("%s; the endpoint's %s; the route "
		    "is deployed", bw, w);
	} else if (opt != NULL && opt->transport != PROBE_ANSWERED) {
		w = probe_failure_words(opt, timeout_ms);
		out->verdict = probe_failure_verdict(opt);
		out->evidence = xasprintf("%s; the endpoint answered %ld to %s, "
		    "then %s", bw, main->status, main->method, w);
	} else if (opt != NULL && probe_is_auth(opt)) {
		out->verdict = PROBE_AUTH_REJECTED;
		out->evidence = xasprintf("%s; the endpoint answered %ld to %s "
		    "and %ld to OPTIONS: the credentials were refused", bw,
		    main->status, main->method, opt->status);
	} else if (opt != NULL && probe_is_server_error(opt)) {
		out->verdict = PROBE_SERVER_ERROR;
		out->evidence = xasprintf("%s; the endpoint answered %ld to %s "
		    "and %ld to OPTIONS: the partner's server is failing", bw,
		    main->status, main->method, opt->status);
	} else if (opt != NULL && probe_shows_route(opt) &&
	    opt->status >= 200 && opt->status < 300 && opt->allow[0] == '\0') {
		/* 2xx without Allow, not on a made-up path: a handler (CORS,
		 * say) answers OPTIONS here; it proves nothing either way. */
		w = probe_control_words(opt);
		out->verdict = PROBE_OK;
		out->evidence = xasprintf("%s; the endpoint answered %ld to %s, "
		    "but OPTIONS answered %ld without an Allow header%s (a "
		    "handler answers OPTIONS there, CORS perhaps), so the "
		    "route cannot be shown missing; probe with --method POST "
		    "--data to be sure", bw, main->status, main->method,
		    opt->status, w);
	} else if (opt != NULL && probe_shows_route(opt)) {
		char *mw = probe_server_wide_words(main, NULL);

		w = probe_routed_words(opt);
		out->verdict = PROBE_OK;
		out->evidence = xasprintf("%s; the endpoint answered %ld%s to "
		    "%s%s%s, but %s; the route is deployed", bw, main->status,
		    probe_framework_words(main->framework), main->method,
		    main->framework == PROBE_FRAMEWORK_EXPRESS ? " (Express "
		    "has no handler for that method there)" : "", mw, w);
		free(mw);
	} else if (base != NULL && base->transport != PROBE_ANSWERED) {
		w = probe_failure_words(base, timeout_ms);
		out->verdict = probe_failure_verdict(base);
		out->evidence = xasprintf("the endpoint answered %ld to %s%s, "
		    "but the base (%s/): %s, so the server itself may be "
		    "down", main->status, main->method, opt != NULL ?
		    " and OPTIONS" : "", origin, w);
	} else {
		out->verdict = PROBE_ROUTE_MISSING;
		out->evidence = probe_missing_words(bw, main, opt, fw);
	}
	free(w);
	free(bw);
}

/*
 * probe: see probe.h.  A run is up to three requests on the caller's
 * http_client: the base and the endpoint at once, then OPTIONS when the
 * endpoint's 404 or 410 alone would not prove the route missing.  Each
 * request keeps its status, its Allow header and the start of its body
 * (to recognise the router that wrote a 404); when the last one ends,
 * probe_judge() turns the answers into the verdict.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "log.h"
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

/* ---------------------------------------------------------------------
 * The verdict.
 */

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

static bool
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

/* An answer that could only come from a handler or router of the path. */
static bool
probe_is_routed(const struct probe_answer *a)
{
	return a->transport == PROBE_ANSWERED && !probe_is_missing(a) &&
	    !probe_is_auth(a) && !probe_is_server_error(a) &&
	    (a->status < 200 || a->status >= 300 || a->allow[0] != '\0');
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

/* "no answer within 10s" or libcurl's reason, for a failed request. */
static char *
probe_failure_words(const struct probe_answer *a, int64_t timeout_ms)
{
	if (a->transport == PROBE_TIMED_OUT)
		return xasprintf("no answer to %s within %.3gs", a->method,
		    (double)timeout_ms / 1000.0);
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

/* Why a routed answer A (to METHOD) shows the route is there. */
static char *
probe_routed_words(const struct probe_answer *a)
{
	if (a->status == 405)
		return xasprintf("%s answered 405%s%s%s: a route is registered "
		    "for other methods, as Lumen and Laravel answer for a "
		    "deployed route", a->method, a->allow[0] != '\0' ?
		    " (Allow: " : "", a->allow, a->allow[0] != '\0' ? ")" : "");
	if (a->status == 501)
		return xasprintf("%s answered 501: the server knows the path "
		    "but not the method", a->method);
	if (a->allow[0] != '\0')
		return xasprintf("%s answered %ld with Allow: %s, the methods "
		    "routed there", a->method, a->status, a->allow);
	if (a->status >= 300 && a->status < 400)
		return xasprintf("%s answered %ld (a redirect, not followed)",
		    a->method, a->status);
	if (a->status >= 400)
		return xasprintf("%s answered %ld: a handler refused the "
		    "request, so the route is there", a->method, a->status);
	return xasprintf("%s answered %ld", a->method, a->status);
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
	} else if (!probe_is_missing(main)) {
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
	} else if (opt != NULL && probe_is_routed(opt)) {
		w = probe_routed_words(opt);
		out->verdict = PROBE_OK;
		out->evidence = xasprintf("%s; the endpoint answered %ld%s to "
		    "%s%s, but %s; the route is deployed", bw, main->status,
		    probe_framework_words(main->framework), main->method,
		    main->framework == PROBE_FRAMEWORK_EXPRESS ? " (Express "
		    "has no handler for that method there)" : "", w);
	} else if (opt != NULL && !probe_is_missing(opt)) {
		/* 2xx without Allow: a CORS handler answers OPTIONS for
		 * every path; it proves nothing either way. */
		out->verdict = PROBE_OK;
		out->evidence = xasprintf("%s; the endpoint answered %ld to %s, "
		    "but OPTIONS answered %ld without an Allow header (a "
		    "handler answers OPTIONS there, CORS perhaps), so the "
		    "route cannot be shown missing; probe with --method POST "
		    "--data to be sure", bw, main->status, main->method,
		    opt->status);
	} else if (base != NULL && base->transport != PROBE_ANSWERED) {
		w = probe_failure_words(base, timeout_ms);
		out->verdict = probe_failure_verdict(base);
		out->evidence = xasprintf("the endpoint answered %ld to %s%s, "
		    "but the base (%s/): %s, so the server itself may be "
		    "down", main->status, main->method, opt != NULL ?
		    " and OPTIONS" : "", origin, w);
	} else {
		out->verdict = PROBE_ROUTE_MISSING;
		out->evidence = xasprintf("%s; the endpoint answered %ld%s to "
		    "%s%s; %s", bw, main->status, probe_framework_words(fw),
		    main->method, opt != NULL ? " and OPTIONS" : "",
		    fw == PROBE_FRAMEWORK_EXPRESS ? "a deployed Express route "
		    "answers OPTIONS with 200 and an Allow list" :
		    fw == PROBE_FRAMEWORK_LUMEN || fw == PROBE_FRAMEWORK_LARAVEL ?
		    "a deployed route answers 405 to GET" : "a deployed route answers 405 to other "
		    "methods, or OPTIONS with an Allow list");
	}
	free(w);
	free(bw);
}

/* ---------------------------------------------------------------------
 * A run.
 */

struct probe_req {
	struct http_transfer xfer;	/* first: the done callback casts */
	struct probe	*p;
	struct curl_slist *headers;
	char		*body;		/* PROBE_BODY_MAX + 1 */
	size_t		 body_len;
	struct probe_answer ans;
	bool		 is_asked;	/* in this run */
	bool		 is_done;
};

struct probe {
	char		*name;
	char		*label;		/* "probe 'NAME'", or "probe" */
	char		*url;
	char		*base_url;
	char		*origin;	/* scheme://host:port */
	char		*shown;		/* url, redacted */
	const char	*method;	/* static */
	char		*data;
	struct config_header *headers;
	size_t		 nheaders;
	int64_t		 timeout_ms;
	struct http_client *hc;
	const struct redact *rd;
	void		(*done)(void *ctx, struct probe *p);
	void		*ctx;
	struct probe_req base, main, opt;
	bool		 is_running;
	int64_t		 start_ms;
	struct probe_result last;
	bool		 has_last;
};

static char *
probe_redact(const struct probe *p, const char *s)
{
	size_t len;

	return p->rd != NULL ? redact_apply(p->rd, s, strlen(s), &len) :
	    redact_builtin(s, strlen(s), &len);
}

static size_t
probe_write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct probe_req *q = userp;
	size_t n = size * nmemb;

	/* Past the cap the answer is cut (CURLE_WRITE_ERROR with a status:
	 * still an answer), so an endless body cannot hold a probe. */
	if (q->body_len + n > PROBE_BODY_MAX)
		return 0;
	memcpy(q->body + q->body_len, data, n);
	q->body_len += n;
	return n;
}

/* Keeps the Allow header's value, printable, capped. */
static size_t
probe_header_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct probe_req *q = userp;
	size_t n = size * nmemb, o = 0, i = 6;

	if (n < 6 || strncasecmp(data, "allow:", 6) != 0)
		return n;
	while (i < n && (data[i] == ' ' || data[i] == '\t'))
		i++;
	for (; i < n && o + 1 < sizeof(q->ans.allow); i++) {
		unsigned char ch = (unsigned char)data[i];

		if (ch == '\r' || ch == '\n')
			break;
		q->ans.allow[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	while (o > 0 && q->ans.allow[o - 1] == ' ')
		o--;
	q->ans.allow[o] = '\0';
	return n;
}

static void probe_req_done(struct http_transfer *t, CURLcode res,
    int64_t now_ms);

/* Sets up request Q: METHOD on URL, with the probe's headers. */
static void
probe_req_setup(struct probe *p, struct probe_req *q, const char *url,
    const char *method)
{
	CURL *e = q->xfer.easy;

	curl_easy_reset(e);
	curl_slist_free_all(q->headers);
	q->headers = NULL;
	q->body_len = 0;
	memset(&q->ans, 0, sizeof(q->ans));
	q->ans.method = method;
	q->is_asked = true;
	q->is_done = false;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)p->timeout_ms);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "omniwatch/" PACKAGE_VERSION
	    " (probe)");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, probe_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, q);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, probe_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, q);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "OPTIONS") == 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "OPTIONS");
	else if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, p->data);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(p->data));
		q->headers = curl_slist_append(q->headers, "Expect:");
	} else
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	for (size_t i = 0; i < p->nheaders; i++) {
		char *h = xasprintf("%s: %s", p->headers[i].name,
		    p->headers[i].value);

		q->headers = curl_slist_append(q->headers, h);
		free(h);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, q->headers);
	q->xfer.done = probe_req_done;
}

static int
probe_req_start(struct probe *p, struct probe_req *q, const char *url,
    const char *method)
{
	char *err;

	probe_req_setup(p, q, url, method);
	if (http_client_start(p->hc, &q->xfer, &err) != 0) {
		log_warnx("%s (%s): %s", p->label, p->origin, err);
		free(err);
		q->is_done = true;
		q->ans.transport = PROBE_FAILED;
		q->ans.reason = "cannot start a transfer";
		return -1;
	}
	return 0;
}

static void
probe_finish(struct probe *p, int64_t now_ms)
{
	struct probe_answer answers[2];
	size_t n = 0;
	char *ev;

	answers[n++] = p->main.ans;
	if (p->opt.is_asked)
		answers[n++] = p->opt.ans;
	probe_result_release(&p->last);
	memset(&p->last, 0, sizeof(p->last));
	probe_judge(&p->base.ans, answers, n, p->origin, p->timeout_ms,
	    &p->last);
	/* Nothing of the answers is echoed but the Allow list; redacted
	 * all the same, so that no path of ours can leak. */
	ev = probe_redact(p, p->last.evidence);
	free(p->last.evidence);
	p->last.evidence = ev;
	p->last.url = xstrdup(p->shown);
	p->last.at_ms = now_ms;
	p->last.duration_ms = now_ms - p->start_ms;
	p->has_last = true;
	p->is_running = false;
	log_debug("%s (%s): %s: %s", p->label, p->origin,
	    probe_verdict_name(p->last.verdict), p->last.evidence);
	if (p->done != NULL)
		p->done(p->ctx, p);
}

static void
probe_req_done(struct http_transfer *t, CURLcode res, int64_t now_ms)
{
	struct probe_req *q = (struct probe_req *)(void *)t;
	struct probe *p = q->p;
	long status = 0;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	q->is_done = true;
	/* A status line is an answer, even if the body was then cut or
	 * stalled. */
	if (status > 0) {
		q->ans.transport = PROBE_ANSWERED;
		q->ans.status = status;
		if (status == 404 || status == 410)
			q->ans.framework = probe_framework_of(q->body,
			    q->body_len);
	} else if (res == CURLE_OPERATION_TIMEDOUT) {
		q->ans.transport = PROBE_TIMED_OUT;
	} else {
		/* curl_easy_strerror(), never the error buffer: that one
		 * can name more of the URL than the origin. */
		q->ans.transport = PROBE_FAILED;
		q->ans.reason = curl_easy_strerror(res != CURLE_OK ? res :
		    CURLE_GOT_NOTHING);
	}
	if (q == &p->main && probe_is_missing(&q->ans) &&
	    strcmp(p->method, "OPTIONS") != 0)
		probe_req_start(p, &p->opt, p->url, "OPTIONS");
	if ((p->base.is_done || !p->base.is_asked) && p->main.is_done &&
	    (p->opt.is_done || !p->opt.is_asked))
		probe_finish(p, now_ms);
}

int
probe_start(struct probe *p, int64_t now_ms)
{
	if (p->is_running)
		return 0;
	p->is_running = true;
	p->start_ms = now_ms;
	p->opt.is_asked = false;
	p->base.is_asked = p->main.is_asked = false;
	probe_req_start(p, &p->base, p->base_url, "GET");
	probe_req_start(p, &p->main, p->url, p->method);
	if (p->base.is_done && p->main.is_done) {
		probe_finish(p, now_ms);
		return -1;
	}
	return 0;
}

bool
probe_is_running(const struct probe *p)
{
	return p->is_running;
}

const struct probe_result *
probe_last(const struct probe *p)
{
	return p->has_last ? &p->last : NULL;
}

const char *
probe_origin(const struct probe *p)
{
	return p->origin;
}

const char *
probe_url_shown(const struct probe *p)
{
	return p->shown;
}

/* ---------------------------------------------------------------------
 * Setting up.
 */

/* The base URL and origin of P's url.  Returns 0 or -1 with *ERR. */
static int
probe_parse_url(struct probe *p, char **err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *base = NULL;
	CURLUcode uc;
	int rc = -1;

	if ((uc = curl_url_set(u, CURLUPART_URL, p->url, 0)) != CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)) != CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_HOST, &host, 0)) != CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_PORT, &port,
	    CURLU_DEFAULT_PORT)) != CURLUE_OK) {
		*err = xasprintf("%s: the url cannot be parsed: %s; "
		    "expected http://HOST/PATH or https://HOST/PATH", p->label,
		    curl_url_strerror(uc));
		goto done;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		*err = xasprintf("%s: the url's scheme is '%s'; "
		    "expected http or https", p->label, scheme);
		goto done;
	}
	p->origin = xasprintf("%s://%s:%s", scheme, host, port);
	if (curl_url_set(u, CURLUPART_PATH, "/", 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_QUERY, NULL, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_USER, NULL, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &base, 0) != CURLUE_OK) {
		*err = xasprintf("%s: the url cannot be parsed",
		    p->label);
		goto done;
	}
	p->base_url = xstrdup(base);
	rc = 0;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(base);
	curl_url_cleanup(u);
	return rc;
}

static int
probe_req_init(struct probe *p, struct probe_req *q)
{
	q->p = p;
	q->body = xmalloc(PROBE_BODY_MAX + 1);
	q->xfer.easy = curl_easy_init();
	return q->xfer.easy != NULL ? 0 : -1;
}

static void
probe_req_release(struct probe *p, struct probe_req *q)
{
	http_client_cancel(p->hc, &q->xfer);
	curl_slist_free_all(q->headers);
	if (q->xfer.easy != NULL)
		curl_easy_cleanup(q->xfer.easy);
	free(q->body);
}

struct probe *
probe_new(const struct probe_spec *spec, struct http_client *hc,
    const struct redact *rd, void (*done)(void *ctx, struct probe *p),
    void *ctx, char **err)
{
	static const char *const methods[] = { "GET", "HEAD", "OPTIONS",
	    "POST" };
	struct probe *p = xcalloc(1, sizeof(*p));
	const char *m = spec->method != NULL ? spec->method : "GET";

	*err = NULL;
	p->name = xstrdup(spec->name != NULL ? spec->name : "probe");
	p->label = spec->name != NULL ? xasprintf("probe '%s'", spec->name) :
	    xstrdup("probe");
	p->url = xstrdup(spec->url);
	p->hc = hc;
	p->rd = rd;
	p->done = done;
	p->ctx = ctx;
	p->timeout_ms = spec->timeout_ms > 0 ? spec->timeout_ms :
	    PROBE_TIMEOUT_DEFAULT;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcasecmp(m, methods[i]) == 0)
			p->method = methods[i];
	if (p->method == NULL) {
		*err = xasprintf("%s: method '%s' is not allowed; "
		    "expected GET, HEAD, OPTIONS, or POST with data (a probe "
		    "must create nothing unless asked)", p->label, m);
		goto fail;
	}
	if ((strcmp(p->method, "POST") == 0) != (spec->data != NULL)) {
		*err = xasprintf("%s: %s", p->label, spec->data == NULL ?
		    "POST needs data (--data): a probe posts only what it is "
		    "given" : "data is sent only with method POST");
		goto fail;
	}
	if (spec->data != NULL)
		p->data = xstrdup(spec->data);
	p->headers = xcalloc(spec->nheaders + 1, sizeof(*p->headers));
	for (size_t i = 0; i < spec->nheaders; i++) {
		p->headers[i].name = xstrdup(spec->headers[i].name);
		p->headers[i].value = xstrdup(spec->headers[i].value);
		p->nheaders++;
	}
	if (probe_parse_url(p, err) != 0)
		goto fail;
	p->shown = probe_redact(p, p->url);
	if (http_client_global_init() != 0 || probe_req_init(p, &p->base) != 0 ||
	    probe_req_init(p, &p->main) != 0 || probe_req_init(p, &p->opt) != 0) {
		*err = xasprintf("%s: libcurl cannot start", p->label);
		goto fail;
	}
	return p;

fail:
	probe_free(p);
	return NULL;
}

void
probe_free(struct probe *p)
{
	if (p == NULL)
		return;
	probe_req_release(p, &p->base);
	probe_req_release(p, &p->main);
	probe_req_release(p, &p->opt);
	probe_result_release(&p->last);
	for (size_t i = 0; i < p->nheaders; i++) {
		free(p->headers[i].name);
		/* A header's value may be a token: not left in freed
		 * memory. */
		memset(p->headers[i].value, 0, strlen(p->headers[i].value));
		free(p->headers[i].value);
	}
	free(p->headers);
	free(p->name);
	free(p->label);
	if (p->url != NULL)
		memset(p->url, 0, strlen(p->url));
	free(p->url);
	free(p->base_url);
	free(p->origin);
	free(p->shown);
	free(p->data);
	free(p);
}

/*
 * probe: see probe.h.  A run is up to five requests on the caller's
 * http_client: the base and the endpoint at once; the same method on a
 * made-up path when the endpoint's answer shows the route only if it is
 * the endpoint's own (probe_needs_control); then OPTIONS on the endpoint
 * and on the made-up path when the answers so far would not prove the
 * route there or missing (probe_wants_options).  Each request keeps its
 * status, its Allow header and the start of its body (to recognise the
 * router that wrote a 404); when the last one ends, probe_judge()
 * (probe_verdict.c) turns the answers into the verdict.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "probe.h"
#include "xmalloc.h"

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
	bool		 is_cut;	/* the body passed PROBE_BODY_MAX */
	bool		 is_asked;	/* in this run */
	bool		 is_done;
};

struct probe {
	char		*name;
	char		*label;		/* "probe 'NAME'", or "probe" */
	char		*url;
	char		*base_url;
	char		*control_url;	/* this run's made-up path */
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
	struct probe_req base, main, main_control, opt, opt_control;
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
	if (q->body_len + n > PROBE_BODY_MAX) {
		q->is_cut = true;
		return 0;
	}
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
	q->is_cut = false;
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

/* Has Q ended, or was it not asked in this run? */
static bool
probe_req_settled(const struct probe_req *q)
{
	return q->is_done || !q->is_asked;
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

/*
 * Starts what the answers so far call for, in the plan's order, and
 * finishes the run once every request asked has ended.  A request that
 * cannot start ends at once, so one pass top to bottom is enough.
 */
static void
probe_advance(struct probe *p, int64_t now_ms)
{
	if (p->main.is_done && !p->main_control.is_asked &&
	    p->control_url != NULL && probe_needs_control(&p->main.ans))
		probe_req_start(p, &p->main_control, p->control_url,
		    p->method);
	if (p->main.is_done && probe_req_settled(&p->main_control) &&
	    !p->opt.is_asked) {
		p->main.ans.control = p->main_control.is_asked ?
		    &p->main_control.ans : NULL;
		if (probe_wants_options(&p->main.ans)) {
			probe_req_start(p, &p->opt, p->url, "OPTIONS");
			if (p->control_url != NULL)
				probe_req_start(p, &p->opt_control,
				    p->control_url, "OPTIONS");
		}
	}
	if (p->opt.is_asked)
		p->opt.ans.control = p->opt_control.is_asked ?
		    &p->opt_control.ans : NULL;
	if (probe_req_settled(&p->base) && p->main.is_done &&
	    probe_req_settled(&p->main_control) &&
	    probe_req_settled(&p->opt) && probe_req_settled(&p->opt_control))
		probe_finish(p, now_ms);
}

static void
probe_req_done(struct http_transfer *t, CURLcode res, int64_t now_ms)
{
	struct probe_req *q = (struct probe_req *)(void *)t;
	struct probe *p = q->p;
	long status = 0;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	q->is_done = true;
	q->ans.status = status;
	/* A status line is an answer only if the transfer then ended, or
	 * was cut by us at PROBE_BODY_MAX.  Headers followed by a body that
	 * stalls past the timeout, or a connection that breaks in the body,
	 * are a timeout or a failure: a 200 whose body never comes is no
	 * proof of a route (the status is kept for the evidence). */
	if (status > 0 && (res == CURLE_OK || q->is_cut)) {
		q->ans.transport = PROBE_ANSWERED;
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
	probe_advance(p, now_ms);
}

/* 64 random bits for a made-up path; getrandom(2), else the clock and
 * pid, since a guessable path does no harm, only a cached one would. */
static uint64_t
probe_random(void)
{
	uint64_t r;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
	    ((uint64_t)getpid() << 16);
}

/*
 * This run's made-up path: the endpoint's parent, then
 * omniwatch-probe-HEX/missing, with the endpoint's query.  Beside the
 * endpoint, so that a front routing by prefix (nginx location /api/)
 * sends it where the endpoint goes; two segments deep, so that a route
 * with a parameter (/tickets/:id) does not match it as it matches
 * /tickets/123.  Returns 0, or -1 with no made-up path (NULL): the
 * URL was parsed in probe_new, so only memory can fail, and the answers
 * are then taken as they are.
 */
static int
probe_control_url(struct probe *p)
{
	CURLU *u = curl_url();
	char *path = NULL, *url = NULL, *np, *slash;
	size_t len;
	int rc = -1;

	free(p->control_url);
	p->control_url = NULL;
	if (u == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, p->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto done;
	/* The parent of /a/b and of /a/b/ is /a/. */
	len = strlen(path);
	if (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	slash = strrchr(path, '/');
	if (slash != NULL)
		slash[1] = '\0';
	np = xasprintf("%somniwatch-probe-%016llx/missing", slash != NULL ?
	    path : "/", (unsigned long long)probe_random());
	if (curl_url_set(u, CURLUPART_PATH, np, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &url, 0) == CURLUE_OK) {
		p->control_url = xstrdup(url);
		rc = 0;
	}
	free(np);
done:
	curl_free(path);
	curl_free(url);
	curl_url_cleanup(u);
	return rc;
}

int
probe_start(struct probe *p, int64_t now_ms)
{
	bool failed;

	if (p->is_running)
		return 0;
	p->is_running = true;
	p->start_ms = now_ms;
	p->base.is_asked = p->main.is_asked = false;
	p->main_control.is_asked = false;
	p->opt.is_asked = p->opt_control.is_asked = false;
	probe_control_url(p);
	probe_req_start(p, &p->base, p->base_url, "GET");
	probe_req_start(p, &p->main, p->url, p->method);
	failed = p->base.is_done && p->main.is_done;
	probe_advance(p, now_ms);
	return failed ? -1 : 0;
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
	    probe_req_init(p, &p->main) != 0 ||
	    probe_req_init(p, &p->main_control) != 0 ||
	    probe_req_init(p, &p->opt) != 0 ||
	    probe_req_init(p, &p->opt_control) != 0) {
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
	probe_req_release(p, &p->main_control);
	probe_req_release(p, &p->opt);
	probe_req_release(p, &p->opt_control);
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
	free(p->control_url);
	free(p->origin);
	free(p->shown);
	free(p->data);
	free(p);
}

/*
 * probe: asks a partner's endpoint whether its route is deployed, without
 * creating anything there, and gives one verdict (omniwatch(1), PROBE).
 *
 * The request plan: the base (scheme://host:port/, GET) and the endpoint
 * with the probe's method (GET unless told; POST only when the caller
 * gives a body, which `omniwatch probe` allows only for --method POST
 * --data) start together.  An answer that would show the route only by
 * inference (405, 501, Allow, another 4xx, OPTIONS's) is then checked
 * against the same method on a made-up path beside the endpoint
 * (probe_needs_control; see probe_verdict.c for why).  When the endpoint
 * answers 404 or 410 without an Allow header, or only as a made-up path
 * is answered, OPTIONS is asked too (with its own made-up path), because
 * one method's 404 is no proof that the route is missing:
 *   - Lumen (laravel/lumen-framework src/Concerns/RoutesRequests.php,
 *     handleDispatcherResponse) throws NotFoundHttpException (404) when
 *     FastRoute finds no route, and MethodNotAllowedHttpException (405,
 *     with Allow) when the path has a route for other methods; Laravel
 *     does the same.  So a deployed POST route answers 405 to GET and to
 *     OPTIONS, and a missing one 404 to both.
 *   - Express (expressjs/express lib/router/index.js, "for options
 *     requests, respond with a default if nothing else responds") answers
 *     OPTIONS with 200 and an Allow list of the methods of the routes
 *     that match the path, while a GET on a POST-only route falls through
 *     to finalhandler's 404, "Cannot GET /path" (pillarjs/finalhandler
 *     index.js).  A path with no route answers OPTIONS with 404 too.
 *
 * The verdict (probe_judge), from the answers:
 *   ok             2xx or 3xx, 405 or 501, an Allow header naming methods,
 *                  or another 4xx (the request reached a handler); an
 *                  OPTIONS answer of 2xx without Allow (a CORS handler's,
 *                  say) is not taken as proof of a missing route either.
 *                  All but a 2xx or 3xx to the probe's own method count
 *                  only when a made-up path is answered otherwise
 *   route_missing  404 or 410 to every method tried, OPTIONS included,
 *                  or the answer a made-up path gets too (Python's
 *                  http.server: 501 to OPTIONS on every path), while the
 *                  base answers (any HTTP status)
 *   auth_rejected  401 or 403
 *   server_error   5xx other than 501
 *   timeout        no whole answer within the timeout (headers with a
 *                  body that stalls are no answer)
 *   unreachable    name resolution, connection or TLS failed, or the
 *                  connection broke before the body ended
 * Where a 404's body names RoutesRequests.php (Lumen's router, with
 * APP_DEBUG on), NotFoundHttpException alone (Symfony's exception, which
 * Laravel's router throws too) or reads "Cannot GET" (Express's
 * finalhandler), the evidence says which router answered.
 *
 * Secrets: the URL is only ever shown redacted (redact.h: token=,
 * client_secret_key=, a URL's password, and the config's redact:
 * regexes), headers are never shown, messages name the origin
 * (scheme://host:port) only, and answers' bodies are read for the
 * framework's mark but never echoed (Express's 404 body repeats the URL,
 * query string included).
 */
#ifndef OMNIWATCH_PROBE_H
#define OMNIWATCH_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "http_client.h"
#include "redact.h"

#define PROBE_BODY_MAX		65536	/* bytes of an answer read */
#define PROBE_ALLOW_MAX		128	/* bytes of an Allow header kept */
#define PROBE_URL_MAX		8192	/* bytes of a url_file read */
#define PROBE_TIMEOUT_DEFAULT	10000	/* ms */

enum probe_verdict {
	PROBE_OK,
	PROBE_ROUTE_MISSING,
	PROBE_AUTH_REJECTED,
	PROBE_SERVER_ERROR,
	PROBE_TIMEOUT,
	PROBE_UNREACHABLE,
};
#define PROBE_NVERDICTS	6

/* "ok", "route_missing"...; the verdict's name everywhere. */
const char *probe_verdict_name(enum probe_verdict v);

/* The verdict named S, or -1. */
int probe_verdict_parse(const char *s);

/* The router that wrote a 404, recognised from its body. */
enum probe_framework {
	PROBE_FRAMEWORK_NONE,
	PROBE_FRAMEWORK_LUMEN,		/* RoutesRequests.php */
	PROBE_FRAMEWORK_LARAVEL,	/* NotFoundHttpException alone */
	PROBE_FRAMEWORK_EXPRESS,	/* "Cannot GET /path" */
};

/* How a request ended. */
enum probe_transport {
	PROBE_ANSWERED,		/* a status, and the transfer ended */
	PROBE_TIMED_OUT,
	PROBE_FAILED,		/* resolve, connect, TLS, reset */
};

/* One request's answer, as probe_judge reads it. */
struct probe_answer {
	const char	*method;	/* "GET"...; static */
	enum probe_transport transport;
	const char	*reason;	/* libcurl's, when not answered */
	/* The status line's, or 0 when none came; an answer only when
	 * transport is PROBE_ANSWERED (headers then a stalled or broken
	 * body are PROBE_TIMED_OUT or PROBE_FAILED, status kept). */
	long		 status;
	char		 allow[PROBE_ALLOW_MAX];	/* "" when none */
	enum probe_framework framework;
	/* The same method's answer on a made-up path beside the endpoint
	 * (borrowed); NULL: not asked, and the answer is taken as it is. */
	const struct probe_answer *control;
};

/* 404 or 410 without Allow: what a path with no route answers. */
bool probe_is_missing(const struct probe_answer *a);

/*
 * Does A show the route only if a made-up path is answered otherwise?
 * True for a 405, a 501, an Allow header, another 4xx, and any OPTIONS
 * answer but 404, 410, 401, 403 and 5xx; never for POST, which is sent
 * to the endpoint alone.  The run asks the control when this is true.
 */
bool probe_needs_control(const struct probe_answer *a);

/* Is A the answer its made-up path got too (status and Allow), so that
 * it says nothing about the route?  False when no control was asked. */
bool probe_is_server_wide(const struct probe_answer *a);

/* Is OPTIONS to be asked after MAIN (the probe's method's answer): MAIN
 * is missing or server-wide, and was not OPTIONS itself. */
bool probe_wants_options(const struct probe_answer *main);

/* What one probe found.  Strings are malloc'd, owned by the result. */
struct probe_result {
	enum probe_verdict verdict;
	long		 status;	/* the endpoint's first answer; 0 */
	long		 base_status;	/* 0: the base did not answer */
	int64_t		 duration_ms;	/* the whole probe */
	int64_t		 at_ms;		/* when it ended, ms since epoch */
	char		*url;		/* redacted */
	char		*evidence;	/* one sentence for an operator */
};

void probe_result_release(struct probe_result *r);

/*
 * The verdict and evidence from the answers: BASE (NULL: not asked),
 * then the endpoint's ANSWERS[0..N) in the order asked (N >= 1).
 * ORIGIN is scheme://host:port for messages, TIMEOUT_MS the limit each
 * request had.  Sets OUT's verdict, status, base_status and evidence
 * (malloc'd, not yet redacted); the caller owns it.
 */
void probe_judge(const struct probe_answer *base,
    const struct probe_answer *answers, size_t n, const char *origin,
    int64_t timeout_ms, struct probe_result *out);

/* The framework whose 404 body (P, LEN) this is. */
enum probe_framework probe_framework_of(const char *p, size_t len);

/* What to probe; everything is borrowed by probe_new. */
struct probe_spec {
	const char	*name;		/* for messages; NULL: "probe" */
	const char	*url;
	const char	*method;	/* GET (NULL), HEAD, OPTIONS, POST */
	const char	*data;		/* POST's body, or NULL */
	const struct config_header *headers;
	size_t		 nheaders;
	int64_t		 timeout_ms;	/* each request; 0: default */
};

struct probe;

/*
 * Prepares SPEC (copied) for HC (borrowed; must outlive it).  RD redacts
 * the URL shown (NULL: the built-in rule).  Returns NULL with *ERR
 * (malloc'd, naming the probe, never the URL's path) when the URL cannot
 * be parsed, is not http(s), or the method is not one of GET, HEAD,
 * OPTIONS, POST (POST needs DATA, and DATA needs POST).  DONE (or NULL)
 * is called with CTX when a run has its result (probe_last).
 */
struct probe *probe_new(const struct probe_spec *spec, struct http_client *hc,
    const struct redact *rd, void (*done)(void *ctx, struct probe *p),
    void *ctx, char **err);

/* Starts the plan at NOW_MS unless one is running.  Returns 0 or -1. */
int probe_start(struct probe *p, int64_t now_ms);

bool probe_is_running(const struct probe *p);

/* The last result, or NULL before the first one ends. */
const struct probe_result *probe_last(const struct probe *p);

/* The origin, scheme://host:port, for messages. */
const char *probe_origin(const struct probe *p);

/* The URL, redacted (malloc'd copy kept by P). */
const char *probe_url_shown(const struct probe *p);

/* Cancels a run in flight and frees.  NULL ok. */
void probe_free(struct probe *p);

#endif

/*
 * metrics_listen: the HTTP listener of metrics.h: libmicrohttpd without a
 * thread of its own, in MHD_USE_EPOLL mode, its epoll descriptor in
 * watch's epoll set; /metrics, what the page callback serves (the
 * dashboard), the bearer token, and the bounds on connections.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "metrics_int.h"
#include "secret_file.h"
#include "xmalloc.h"

/* Seconds (MHD's unit) a connection may stay silent.  A scraper sends its
 * request at once; what idles longer is a stale keep-alive or a client
 * holding one of the METRICS_CONNECTIONS_MAX places, and is closed. */
#define METRICS_LISTEN_TIMEOUT	5
#define METRICS_LISTEN_RUNS_MAX	4	/* MHD_run()s in one run */
#define METRICS_TOKEN_MAX	4096	/* bytes of a bearer token */
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* Collects the query parameters of a request (MHD_get_connection_values_n). */
struct metrics_listen_args {
	struct metrics_query q[METRICS_QUERY_MAX];
	size_t		 n;
	bool		 is_over;
	const char	*nul_in;	/* the parameter with a NUL byte, or NULL */
};

/*
 * libmicrohttpd decodes %00 into a NUL byte, which would cut the value
 * short as a C string ("since=%00" read as "since=", i.e. not given): a
 * parameter holding one is refused whole, by length.
 */
static enum MHD_Result
metrics_listen_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct metrics_listen_args *a = cls;

	(void)kind;
	if (memchr(key, '\0', key_size) != NULL || (value != NULL &&
	    memchr(value, '\0', value_size) != NULL)) {
		a->nul_in = key;
		return MHD_NO;
	}
	if (a->n == METRICS_QUERY_MAX) {
		a->is_over = true;
		return MHD_NO;
	}
	a->q[a->n].name = key;
	a->q[a->n].value = value != NULL ? value : "";
	a->n++;
	return MHD_YES;
}

/* True when CONN carries M's token; compared in constant time, so that
 * the time taken does not tell how much of a guess was right. */
static bool
metrics_listen_is_authorized(const struct metrics *m, struct MHD_Connection *conn)
{
	const char *got;
	size_t want_len, got_len;
	unsigned char diff = 0;

	if (m->token == NULL)
		return true;
	got = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (got == NULL)
		return false;
	want_len = strlen(m->token);
	got_len = strlen(got);
	for (size_t i = 0; i < want_len; i++)
		diff |= (unsigned char)m->token[i] ^
		    (unsigned char)(i < got_len ? got[i] : 0);
	return diff == 0 && got_len == want_len;
}

static enum MHD_Result
metrics_listen_answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct metrics *m = cls;
	struct MHD_Response *resp;
	struct metrics_listen_args args;
	enum MHD_Result rc;
	int status = MHD_HTTP_OK;
	const char *type = METRICS_CONTENT_TYPE;
	char *page = NULL;
	size_t len = 0;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req_cls;
	memset(&args, 0, sizeof(args));
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		page = xstrdup("only GET\n");
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (!metrics_listen_is_authorized(m, conn)) {
		page = xstrdup("unauthorized: send Authorization: Bearer and "
		    "the token of metrics.token_file\n");
		status = MHD_HTTP_UNAUTHORIZED;
	} else if (strcmp(url, "/metrics") == 0)
		page = metrics_render(m, &len);
	else {
		MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND,
		    metrics_listen_arg, &args);
		if (args.nul_in != NULL) {
			page = xasprintf("bad request: %.40s: a NUL byte (%%00); "
			    "expected text\n", *args.nul_in != '\0' ?
			    args.nul_in : "a parameter's name");
			status = MHD_HTTP_BAD_REQUEST;
		} else if (args.is_over) {
			page = xasprintf("bad request: more than %d query "
			    "parameters\n", METRICS_QUERY_MAX);
			status = MHD_HTTP_BAD_REQUEST;
		} else if (m->cb.page != NULL)
			status = m->cb.page(m->cb.ctx, url, args.q, args.n,
			    &page, &len, &type);
		else
			status = MHD_HTTP_NOT_FOUND;
		if (status == MHD_HTTP_NOT_FOUND && page == NULL)
			page = xstrdup("not found: try /metrics\n");
	}
	if (status != MHD_HTTP_OK) {
		type = "text/plain; charset=utf-8";
		len = strlen(page);
	}
	resp = MHD_create_response_from_buffer(len, page,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(page);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	/* Read-only pages of counts: not to be framed or guessed at. */
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"omniwatch\"");
	rc = MHD_queue_response(conn, (unsigned int)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/*
 * Reads metrics.token_file of CFG into *TOKEN as "Bearer TOKEN" (malloc'd):
 * the file's bytes without a final newline.  Returns 0 or -1 with *ERR.
 */
static int
metrics_listen_token(const struct config *cfg, char **token, char **err)
{
	const char *path = cfg->metrics_token_file;
	char *buf, *what;
	size_t n;
	int rc;

	what = xasprintf("%s: metrics.token_file", cfg->path);
	rc = secret_file_read(what, path, METRICS_TOKEN_MAX + 1, &buf, &n,
	    err);
	free(what);
	if (rc != 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n == 0 || n > METRICS_TOKEN_MAX || memchr(buf, '\0', n) != NULL ||
	    memchr(buf, '\n', n) != NULL) {
		*err = xasprintf("%s: metrics.token_file %s: expected one line "
		    "of 1 to %d bytes", cfg->path, path, METRICS_TOKEN_MAX);
		free(buf);
		return -1;
	}
	*token = xasprintf("Bearer %.*s", (int)n, buf);
	explicit_bzero(buf, n);
	free(buf);
	return 0;
}

static void
metrics_listen_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("metrics: %s", msg);
}

/* HOST:PORT into a socket address; HOST an IP address or localhost. */
static int
metrics_listen_addr(const char *path, const char *listen, struct sockaddr_storage *ss,
    bool *is_v6, bool *is_loopback, char **err)
{
	const char *colon = strrchr(listen, ':');
	char host[64];
	size_t hlen = (size_t)(colon - listen);
	int port = atoi(colon + 1);

	if (listen[0] == '[') {
		hlen -= 2;
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, hlen);
	} else {
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, listen, hlen);
	}
	host[hlen] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (listen[0] != '[') {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			goto bad;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*is_v6 = false;
		*is_loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			goto bad;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*is_v6 = true;
		*is_loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	}
	return 0;
bad:
	*err = xasprintf("%s: metrics.listen: '%s': the host must be an IP "
	    "address or localhost", path, listen);
	return -1;
}

/*
 * What the listener of CFG needs before it starts: its address and its
 * token (*TOKEN malloc'd, or NULL without token_file), and the rule that
 * an address off loopback has a token or metrics.public.  watch and watch
 * --check both decide here.  Returns 0 or -1 with *ERR.
 */
static int
metrics_listen_prepare(const struct config *cfg, struct sockaddr_storage *ss,
    bool *is_v6, bool *is_loopback, char **token, char **err)
{
	*token = NULL;
	if (metrics_listen_addr(cfg->path, cfg->metrics_listen, ss, is_v6,
	    is_loopback, err) != 0)
		return -1;
	if (cfg->metrics_token_file != NULL &&
	    metrics_listen_token(cfg, token, err) != 0)
		return -1;
	if (!*is_loopback && *token == NULL && !cfg->metrics_public) {
		*err = xasprintf("%s: metrics.listen: %s is not loopback: set "
		    "metrics.token_file (a bearer token every request must "
		    "carry) or metrics.public: true", cfg->path,
		    cfg->metrics_listen);
		return -1;
	}
	return 0;
}

int
metrics_check(const struct config *cfg, char **err)
{
	struct sockaddr_storage ss;
	bool is_v6, is_loopback;
	char *token;

	*err = NULL;
	if (cfg->metrics_listen == NULL)
		return 0;
	if (metrics_listen_prepare(cfg, &ss, &is_v6, &is_loopback, &token,
	    err) != 0)
		return -1;
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	return 0;
}

int
metrics_listen_start(struct metrics *m, char **err)
{
	const char *listen = m->cfg->metrics_listen;
	struct sockaddr_storage ss;
	bool is_v6, is_loopback;
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	struct epoll_event ev;

	if (metrics_listen_prepare(m->cfg, &ss, &is_v6, &is_loopback, &m->token,
	    err) != 0)
		return -1;
	if (is_v6)
		flags |= MHD_USE_IPv6;
	if (!is_loopback && m->token == NULL)
		log_warnx("metrics: listening on %s, which is not loopback, "
		    "with no token (public: true): anyone who can reach it "
		    "sees the counts", listen);
	m->mhd = MHD_start_daemon(flags, 0, NULL, NULL, metrics_listen_answer, m,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)METRICS_CONNECTIONS_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)METRICS_LISTEN_TIMEOUT,
	    MHD_OPTION_EXTERNAL_LOGGER, metrics_listen_log, NULL,
	    MHD_OPTION_END);
	if (m->mhd == NULL) {
		*err = xasprintf("metrics: cannot listen on %s (is the port in "
		    "use?)", listen);
		return -1;
	}
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL) {
		*err = xasprintf("metrics: libmicrohttpd has no epoll "
		    "descriptor");
		return -1;
	}
	m->fd = info->epoll_fd;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = loop_data(LOOP_METRICS, m->fd);
	if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, m->fd, &ev) != 0) {
		*err = xasprintf("metrics: epoll_ctl: %s", strerror(errno));
		m->fd = -1;
		return -1;
	}
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_BIND_PORT);
	if (is_v6)
		log_info("metrics on http://[%.*s]:%u/metrics",
		    (int)(strrchr(listen, ']') - listen - 1), listen + 1,
		    info != NULL ? info->port : 0);
	else
		log_info("metrics on http://%.*s:%u/metrics",
		    (int)(strrchr(listen, ':') - listen), listen,
		    info != NULL ? info->port : 0);
	return 0;
}

/* Connections open now (closed ones are cleaned up by the call). */
static unsigned int
metrics_listen_connections(struct metrics *m)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->mhd,
	    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

	return info != NULL ? info->num_connections : 0;
}

/*
 * One MHD_run(), and another while the last one closed connections.
 * libmicrohttpd 0.9.75 (src/microhttpd/daemon.c, MHD_epoll()) takes the
 * listening socket out of its epoll set at the start of a run that finds
 * the connection limit reached, and puts it back only at the start of a
 * run that finds fewer; connections that time out or hang up are closed
 * at the end of a run.  Without the second run a listener that was full
 * stays out of the set once its connections are gone, and with no
 * connection left there is no timeout to bring MHD_run() back: nothing
 * is accepted again, ever.  A run that starts at the limit accepts
 * nothing, so a smaller count after it means something closed.
 */
static void
metrics_listen_runs(struct metrics *m)
{
	unsigned int before = metrics_listen_connections(m);

	for (int i = 0; i < METRICS_LISTEN_RUNS_MAX; i++) {
		unsigned int after;

		MHD_run(m->mhd);
		after = metrics_listen_connections(m);
		if (after >= before)
			break;
		before = after;
	}
}

void
metrics_listen_run(struct metrics *m)
{
	if (m->mhd != NULL)
		metrics_listen_runs(m);
}

void
metrics_listen_tick(struct metrics *m)
{
	MHD_UNSIGNED_LONG_LONG to;

	/* Only while a connection is open does MHD have a timeout; then it
	 * wants MHD_run() after every wakeup. */
	if (m->mhd != NULL && MHD_get_timeout(m->mhd, &to) == MHD_YES)
		metrics_listen_runs(m);
}

int64_t
metrics_listen_deadline(const struct metrics *m, int64_t now_ms)
{
	MHD_UNSIGNED_LONG_LONG to;

	if (m->mhd != NULL && MHD_get_timeout(m->mhd, &to) == MHD_YES)
		return now_ms + (int64_t)to;
	return INT64_MAX;
}

void
metrics_listen_stop(struct metrics *m)
{
	if (m->fd >= 0)
		epoll_ctl(m->epfd, EPOLL_CTL_DEL, m->fd, NULL);
	m->fd = -1;
	if (m->mhd != NULL)
		MHD_stop_daemon(m->mhd);
	m->mhd = NULL;
	if (m->token != NULL)
		explicit_bzero(m->token, strlen(m->token));
	free(m->token);
	m->token = NULL;
}

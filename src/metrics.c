/*
 * metrics: see metrics.h.  The page is rendered afresh for each scrape and
 * each textfile write: the record counters kept here, then whatever the
 * render callback adds (tail, alerts, receivers).
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "secret_file.h"
#include "stamp.h"
#include "utf8.h"
#include "xmalloc.h"

/* Seconds (MHD's unit) a connection may stay silent.  A scraper sends its
 * request at once; what idles longer is a stale keep-alive or a client
 * holding one of the METRICS_CONNECTIONS_MAX places, and is closed. */
#define METRICS_CONNECTION_TIMEOUT	5
#define METRICS_RUNS_MAX	4	/* MHD_run()s in one metrics_run() */
#define METRICS_TOKEN_MAX	4096	/* bytes of a bearer token */
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct metrics_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
	bool		 is_full;	/* hit METRICS_PAGE_MAX: rest dropped */
};

struct metrics_count {
	char		*set, *app, *outcome, *class;
	int		 instance;	/* cluster pm_id, or -1 */
	uint64_t	 n;
};

struct metrics_last {
	char		*set;
	int64_t		 ms;
};

struct metrics {
	const struct config *cfg;
	int		 epfd;
	struct metrics_cb cb;
	struct MHD_Daemon *mhd;
	int		 fd;		/* MHD's epoll descriptor, or -1 */
	struct metrics_count *counts;
	size_t		 ncounts;
	size_t		 last_hit;	/* records come in runs */
	struct metrics_last *lasts;
	size_t		 nlasts;
	int64_t		 next_textfile_ms;	/* 0: no textfile */
	bool		 warned_textfile;
	char		*token;		/* "Bearer TOKEN", or NULL */
};

/* ---------------------------------------------------------------------
 * The page.
 */

static void
metrics_put(struct metrics_buf *b, const char *p, size_t len)
{
	if (b->is_full)
		return;
	if (b->len + len + 1 > METRICS_PAGE_MAX) {
		b->is_full = true;
		return;
	}
	if (b->len + len + 1 > b->cap) {
		while (b->len + len + 1 > b->cap)
			b->cap = b->cap == 0 ? 4096 : b->cap * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
metrics_puts(struct metrics_buf *b, const char *s)
{
	metrics_put(b, s, strlen(s));
}

void
metrics_family(struct metrics_buf *b, const char *name, const char *type,
    const char *help)
{
	metrics_puts(b, "# HELP ");
	metrics_puts(b, name);
	metrics_puts(b, " ");
	metrics_puts(b, help);
	metrics_puts(b, "\n# TYPE ");
	metrics_puts(b, name);
	metrics_puts(b, " ");
	metrics_puts(b, type);
	metrics_puts(b, "\n");
}

/* A label value: valid UTF-8, with \, " and LF escaped. */
static void
metrics_label_value(struct metrics_buf *b, const char *v)
{
	size_t len;
	char *clean = utf8_clean(v, strlen(v), &len);

	for (size_t i = 0; i < len; i++) {
		if (clean[i] == '\\')
			metrics_puts(b, "\\\\");
		else if (clean[i] == '"')
			metrics_puts(b, "\\\"");
		else if (clean[i] == '\n')
			metrics_puts(b, "\\n");
		else
			metrics_put(b, &clean[i], 1);
	}
	free(clean);
}

/*
 * VALUE as the exposition format writes a number, into BUF (64 bytes):
 * whole numbers as integers (counters read better, and exactly); others
 * with the fewest digits that read back as the same double, as the Go
 * client does (strconv.FormatFloat(v, 'g', -1, 64)): 0.004, never
 * %.17g's 0.0040000000000000001; NaN, +Inf and -Inf as the format
 * spells them.  Returns BUF.
 */
static const char *
metrics_number(double value, char *buf)
{
	if (isnan(value))
		return strcpy(buf, "NaN");
	if (isinf(value))
		return strcpy(buf, value > 0 ? "+Inf" : "-Inf");
	if (value == (double)(int64_t)value && value < 9e15 && value > -9e15) {
		snprintf(buf, 64, "%lld", (long long)value);
		return buf;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, 64, "%.*g", prec, value);
		if (strtod(buf, NULL) == value)
			break;
	}
	return buf;
}

void
metrics_sample(struct metrics_buf *b, const char *name, double value,
    size_t nlabels, const char *const *labels)
{
	char num[64];

	metrics_puts(b, name);
	for (size_t i = 0; i < nlabels; i++) {
		metrics_puts(b, i == 0 ? "{" : ",");
		metrics_puts(b, labels[2 * i]);
		metrics_puts(b, "=\"");
		metrics_label_value(b, labels[2 * i + 1]);
		metrics_puts(b, "\"");
	}
	if (nlabels > 0)
		metrics_puts(b, "}");
	metrics_puts(b, " ");
	metrics_puts(b, metrics_number(value, num));
	metrics_puts(b, "\n");
}

char *
metrics_render(struct metrics *m, size_t *len)
{
	struct metrics_buf b = { NULL, 0, 0, false };

	metrics_put(&b, "", 0);
	metrics_family(&b, "omniwatch_records_total", "counter", "Records "
	    "counted since start, by pattern set, app, outcome (success, "
	    "failure, damaged), failure class and, in cluster mode, PM2 "
	    "instance (pm_id).");
	for (size_t i = 0; i < m->ncounts; i++) {
		const struct metrics_count *c = &m->counts[i];
		char id[16];
		const char *l[] = { "pattern_set", c->set, "app", c->app,
		    "outcome", c->outcome, "class", c->class, "instance", id };

		snprintf(id, sizeof(id), "%d", c->instance);
		metrics_sample(&b, "omniwatch_records_total", (double)c->n,
		    c->instance >= 0 ? 5 : 4, l);
	}
	metrics_family(&b, "omniwatch_last_success_timestamp_seconds", "gauge",
	    "When the last success of a pattern set was logged (its stamp, "
	    "else when it was read).");
	for (size_t i = 0; i < m->nlasts; i++) {
		const char *l[] = { "pattern_set", m->lasts[i].set };

		metrics_sample(&b, "omniwatch_last_success_timestamp_seconds",
		    (double)m->lasts[i].ms / 1000.0, 1, l);
	}
	if (m->cb.render != NULL)
		m->cb.render(m->cb.ctx, &b);
	if (b.is_full)
		log_warnx("metrics: the page is over %d bytes; the rest is "
		    "left out", METRICS_PAGE_MAX);
	*len = b.len;
	return b.p;
}

/* ---------------------------------------------------------------------
 * Counters.
 */

/* Is C the counter of these labels? */
static bool
metrics_count_is(const struct metrics_count *c, const char *set,
    const char *app, int instance, const char *outcome, const char *class)
{
	return c->instance == instance && strcmp(c->set, set) == 0 &&
	    strcmp(c->app, app) == 0 && strcmp(c->outcome, outcome) == 0 &&
	    strcmp(c->class, class) == 0;
}

void
metrics_record(struct metrics *m, const char *set, const char *app,
    int instance, const char *outcome, const char *class)
{
	struct metrics_count *c;
	size_t i = m->last_hit;

	if (i < m->ncounts) {
		c = &m->counts[i];
		if (metrics_count_is(c, set, app, instance, outcome, class)) {
			c->n++;
			return;
		}
	}
	for (i = 0; i < m->ncounts; i++) {
		if (metrics_count_is(&m->counts[i], set, app, instance,
		    outcome, class))
			break;
	}
	if (i == m->ncounts) {
		m->counts = xreallocarray(m->counts, m->ncounts + 1,
		    sizeof(*m->counts));
		c = &m->counts[m->ncounts++];
		c->set = xstrdup(set);
		c->app = xstrdup(app);
		c->outcome = xstrdup(outcome);
		c->class = xstrdup(class);
		c->instance = instance;
		c->n = 0;
	}
	m->counts[i].n++;
	m->last_hit = i;
}

void
metrics_last_success(struct metrics *m, const char *set, int64_t ms)
{
	size_t i;

	for (i = 0; i < m->nlasts; i++)
		if (strcmp(m->lasts[i].set, set) == 0)
			break;
	if (i == m->nlasts) {
		m->lasts = xreallocarray(m->lasts, m->nlasts + 1,
		    sizeof(*m->lasts));
		m->lasts[m->nlasts].set = xstrdup(set);
		m->lasts[m->nlasts++].ms = ms;
		return;
	}
	if (ms > m->lasts[i].ms)
		m->lasts[i].ms = ms;
}

/* ---------------------------------------------------------------------
 * The listener.
 */

/* Collects the query parameters of a request (MHD_get_connection_values_n). */
struct metrics_args {
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
metrics_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct metrics_args *a = cls;

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
metrics_is_authorized(const struct metrics *m, struct MHD_Connection *conn)
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
metrics_answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct metrics *m = cls;
	struct MHD_Response *resp;
	struct metrics_args args;
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
	} else if (!metrics_is_authorized(m, conn)) {
		page = xstrdup("unauthorized: send Authorization: Bearer and "
		    "the token of metrics.token_file\n");
		status = MHD_HTTP_UNAUTHORIZED;
	} else if (strcmp(url, "/metrics") == 0)
		page = metrics_render(m, &len);
	else {
		MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND,
		    metrics_arg, &args);
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
 * Reads metrics.token_file into M->token as "Bearer TOKEN": the file's
 * bytes without a final newline.  Returns 0 or -1 with *ERR.
 */
static int
metrics_token(struct metrics *m, char **err)
{
	const char *path = m->cfg->metrics_token_file;
	char *buf, *what;
	size_t n;
	int rc;

	what = xasprintf("%s: metrics.token_file", m->cfg->path);
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
		    "of 1 to %d bytes", m->cfg->path, path, METRICS_TOKEN_MAX);
		free(buf);
		return -1;
	}
	m->token = xasprintf("Bearer %.*s", (int)n, buf);
	explicit_bzero(buf, n);
	free(buf);
	return 0;
}

static void
metrics_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("metrics: %s", msg);
}

/* HOST:PORT into a socket address; HOST an IP address or localhost. */
static int
metrics_addr(const char *path, const char *listen, struct sockaddr_storage *ss,
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

static int
metrics_listen(struct metrics *m, char **err)
{
	const char *listen = m->cfg->metrics_listen;
	struct sockaddr_storage ss;
	bool is_v6, is_loopback;
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	struct epoll_event ev;

	if (metrics_addr(m->cfg->path, listen, &ss, &is_v6, &is_loopback,
	    err) != 0)
		return -1;
	if (is_v6)
		flags |= MHD_USE_IPv6;
	if (m->cfg->metrics_token_file != NULL && metrics_token(m, err) != 0)
		return -1;
	if (!is_loopback && m->token == NULL && !m->cfg->metrics_public) {
		*err = xasprintf("%s: metrics.listen: %s is not loopback: set "
		    "metrics.token_file (a bearer token every request must "
		    "carry) or metrics.public: true", m->cfg->path, listen);
		return -1;
	}
	if (!is_loopback && m->token == NULL)
		log_warnx("metrics: listening on %s, which is not loopback, "
		    "with no token (public: true): anyone who can reach it "
		    "sees the counts", listen);
	m->mhd = MHD_start_daemon(flags, 0, NULL, NULL, metrics_answer, m,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)METRICS_CONNECTIONS_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)METRICS_CONNECTION_TIMEOUT,
	    MHD_OPTION_EXTERNAL_LOGGER, metrics_mhd_log, NULL,
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

int
metrics_fd(const struct metrics *m)
{
	return m->fd;
}

/* Connections open now (closed ones are cleaned up by the call). */
static unsigned int
metrics_connections(struct metrics *m)
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
metrics_run(struct metrics *m)
{
	unsigned int before = metrics_connections(m);

	for (int i = 0; i < METRICS_RUNS_MAX; i++) {
		unsigned int after;

		MHD_run(m->mhd);
		after = metrics_connections(m);
		if (after >= before)
			break;
		before = after;
	}
}

void
metrics_event(struct metrics *m)
{
	if (m->mhd != NULL)
		metrics_run(m);
}

/* ---------------------------------------------------------------------
 * The textfile.
 */

int
metrics_write_textfile(struct metrics *m)
{
	const char *path = m->cfg->metrics_textfile;
	char *tmp, *page;
	size_t len;
	FILE *fp;
	int rc = -1;

	if (path == NULL)
		return 0;
	/* Beside the target, so that rename(2) replaces it atomically:
	 * node_exporter never reads half a file. */
	tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	page = metrics_render(m, &len);
	fp = fopen(tmp, "w");
	if (fp != NULL && fwrite(page, 1, len, fp) == len && fflush(fp) == 0 &&
	    fsync(fileno(fp)) == 0 && fclose(fp) == 0) {
		fp = NULL;
		if (rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc != 0) {
		if (!m->warned_textfile)
			log_warn("metrics: cannot write %s", path);
		m->warned_textfile = true;
		if (fp != NULL)
			fclose(fp);
		unlink(tmp);
	} else
		m->warned_textfile = false;
	free(page);
	free(tmp);
	return rc;
}

void
metrics_tick(struct metrics *m, int64_t now_ms)
{
	MHD_UNSIGNED_LONG_LONG to;

	/* Only while a connection is open does MHD have a timeout; then it
	 * wants MHD_run() after every wakeup. */
	if (m->mhd != NULL && MHD_get_timeout(m->mhd, &to) == MHD_YES)
		metrics_run(m);
	if (m->next_textfile_ms != 0 && now_ms >= m->next_textfile_ms) {
		metrics_write_textfile(m);
		m->next_textfile_ms = now_ms + m->cfg->metrics_textfile_ms;
	}
}

int64_t
metrics_deadline(const struct metrics *m, int64_t now_ms)
{
	MHD_UNSIGNED_LONG_LONG to;
	int64_t next = m->next_textfile_ms != 0 ? m->next_textfile_ms :
	    INT64_MAX;

	if (m->mhd != NULL && MHD_get_timeout(m->mhd, &to) == MHD_YES &&
	    now_ms + (int64_t)to < next)
		next = now_ms + (int64_t)to;
	return next;
}

/* ---------------------------------------------------------------------
 * Setting up.
 */

struct metrics *
metrics_new(const struct config *cfg, int epfd, const struct metrics_cb *cb,
    char **err)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	*err = NULL;
	m->cfg = cfg;
	m->epfd = epfd;
	m->cb = *cb;
	m->fd = -1;
	if (cfg->metrics_listen != NULL && metrics_listen(m, err) != 0) {
		metrics_free(m);
		return NULL;
	}
	if (cfg->metrics_textfile != NULL) {
		/* The first file once the start's backlog is counted. */
		m->next_textfile_ms = stamp_now_ms() + 1000;
	}
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	if (m->fd >= 0)
		epoll_ctl(m->epfd, EPOLL_CTL_DEL, m->fd, NULL);
	if (m->mhd != NULL)
		MHD_stop_daemon(m->mhd);
	for (size_t i = 0; i < m->ncounts; i++) {
		free(m->counts[i].set);
		free(m->counts[i].app);
		free(m->counts[i].outcome);
		free(m->counts[i].class);
	}
	free(m->counts);
	for (size_t i = 0; i < m->nlasts; i++)
		free(m->lasts[i].set);
	free(m->lasts);
	if (m->token != NULL)
		explicit_bzero(m->token, strlen(m->token));
	free(m->token);
	free(m);
}

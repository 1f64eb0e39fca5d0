/*
 * webhook: see webhook.h.  Each receiver keeps its spooled notifications
 * in a FIFO (a copy of its rows in the spool table) and at most one easy
 * handle in the multi handle.  A notification queued in the open
 * transaction is `is_committed` only after webhook_committed(), so that
 * nothing is sent that a kill -9 could take back.
 *
 * The signature is HMAC-SHA256 from OpenSSL's libcrypto: libcurl here is
 * built against OpenSSL already (libcurl4-openssl-dev), so it adds no
 * library to the process, and HMAC() is its one-call interface that
 * OpenSSL 3 keeps undeprecated.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "http_client.h"
#include "log.h"
#include "plural.h"
#include "secret_file.h"
#include "stamp.h"
#include "webhook.h"
#include "xmalloc.h"

#define WEBHOOK_SECRET_MAX	4096	/* bytes of a secret file */
#define WEBHOOK_RETRY_AFTER_MAX	(3600 * 1000)	/* honoured up to 1 h */
#define WEBHOOK_LOG_LINE	200	/* bytes of a response logged */

struct webhook_item {
	struct webhook_item *next;
	int64_t		 seq;
	char		*alert;
	char		*alert_id;
	char		*status;
	char		*body;
	size_t		 len;
	bool		 is_committed;
};

struct webhook_receiver {
	struct webhook	*wh;
	const struct config_receiver *cfg;
	char		*url;		/* with /api/v2/alerts for AM */
	char		*origin;	/* scheme://host:port, for logs */
	unsigned char	*secret;
	size_t		 secret_len;
	struct webhook_item *head, *tail;
	size_t		 depth;
	CURL		*easy;
	struct http_transfer xfer;	/* easy, in the loop's client */
	struct curl_slist *headers;	/* of the transfer in flight */
	unsigned	 attempts;	/* failed in a row */
	int64_t		 next_attempt_ms;
	char		 response[WEBHOOK_BODY_MAX];
	size_t		 response_len;
	char		 errbuf[CURL_ERROR_SIZE];
	struct webhook_stats stats;
};

struct webhook {
	const struct config *cfg;
	struct state	*st;
	struct http_client *hc;		/* borrowed: the loop's */
	struct webhook_receiver *rcvs;
	size_t		 nrcvs;
};

/* ---------------------------------------------------------------------
 * The queue of each receiver.
 */

static void
webhook_item_free(struct webhook_item *it)
{
	free(it->alert);
	free(it->alert_id);
	free(it->status);
	free(it->body);
	free(it);
}

static void
webhook_push(struct webhook_receiver *r, const struct state_notice *n,
    bool is_committed)
{
	struct webhook_item *it = xcalloc(1, sizeof(*it));

	it->seq = n->seq;
	it->alert = xstrdup(n->alert);
	it->alert_id = xstrdup(n->alert_id);
	it->status = xstrdup(n->status);
	it->body = xmalloc(n->len + 1);
	memcpy(it->body, n->body, n->len);
	it->body[n->len] = '\0';
	it->len = n->len;
	it->is_committed = is_committed;
	if (r->tail != NULL)
		r->tail->next = it;
	else
		r->head = it;
	r->tail = it;
	r->depth++;
}

/* Unlinks IT (not the one in flight) from R's queue and frees it. */
static void
webhook_unlink(struct webhook_receiver *r, struct webhook_item *it)
{
	struct webhook_item **pp = &r->head, *prev = NULL;

	while (*pp != NULL && *pp != it) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (*pp == NULL)
		return;
	*pp = it->next;
	if (r->tail == it)
		r->tail = prev;
	r->depth--;
	webhook_item_free(it);
}

/* Makes room for one more in R's spool: the oldest not in flight go. */
static void
webhook_make_room(struct webhook_receiver *r)
{
	while (r->depth >= r->cfg->spool_max) {
		struct webhook_item *it = r->head;

		if (r->xfer.is_busy && it != NULL)
			it = it->next;
		if (it == NULL)
			return;
		log_warnx("receiver '%s': spool full (%zu); dropped the oldest "
		    "notification (alert '%s', id %s, %s)", r->cfg->name,
		    r->cfg->spool_max, it->alert, it->alert_id, it->status);
		state_spool_remove(r->wh->st, it->seq);
		r->stats.dropped++;
		webhook_unlink(r, it);
	}
}

static struct webhook_receiver *
webhook_find(struct webhook *wh, const char *name)
{
	for (size_t i = 0; i < wh->nrcvs; i++)
		if (strcmp(wh->rcvs[i].cfg->name, name) == 0)
			return &wh->rcvs[i];
	return NULL;
}

static void
webhook_enqueue(struct webhook_receiver *r, const struct alert_notice *n)
{
	struct state_notice sn;
	size_t len;
	char *body = webhook_body(n, r->cfg->format, &len);

	webhook_make_room(r);
	sn.seq = 0;
	sn.receiver = r->cfg->name;
	sn.alert = n->rule->name;
	sn.alert_id = n->id;
	sn.status = n->is_resolved ? "resolved" : "firing";
	sn.created_ms = n->at_ms;
	sn.body = body;
	sn.len = len;
	if (state_spool_add(r->wh->st, &sn) == 0)
		webhook_push(r, &sn, false);
	free(body);
}

void
webhook_notify(struct webhook *wh, const struct alert_notice *n)
{
	const struct config_alert *rule = n->rule;

	if (rule->nreceivers == 0) {
		for (size_t i = 0; i < wh->nrcvs; i++)
			webhook_enqueue(&wh->rcvs[i], n);
		return;
	}
	for (size_t i = 0; i < rule->nreceivers; i++) {
		struct webhook_receiver *r = webhook_find(wh,
		    rule->receivers[i]);

		if (r != NULL)	/* config.c checked the names */
			webhook_enqueue(r, n);
	}
}

void
webhook_committed(struct webhook *wh)
{
	for (size_t i = 0; i < wh->nrcvs; i++)
		for (struct webhook_item *it = wh->rcvs[i].head; it != NULL;
		    it = it->next)
			it->is_committed = true;
}

/* Only the start of an answer is kept, for a log message. */
static size_t
webhook_write_cb(char *p, size_t size, size_t nmemb, void *userp)
{
	struct webhook_receiver *r = userp;
	size_t n = size * nmemb, room = sizeof(r->response) - 1 -
	    r->response_len;

	/* Only the start of an answer is logged: the rest is dropped. */
	if (n < room)
		room = n;
	memcpy(r->response + r->response_len, p, room);
	r->response_len += room;
	r->response[r->response_len] = '\0';
	return n;
}

/* ---------------------------------------------------------------------
 * Transfers.
 */

/* "X-Omniwatch-Signature: sha256=HEX" of (BODY, LEN) into OUT. */
static void
webhook_sign(const struct webhook_receiver *r, const char *body, size_t len,
    char *out, size_t size)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	size_t o;

	HMAC(EVP_sha256(), r->secret, (int)r->secret_len,
	    (const unsigned char *)body, len, mac, &maclen);
	o = (size_t)snprintf(out, size, "X-Omniwatch-Signature: sha256=");
	for (unsigned int i = 0; i < maclen && o + 3 <= size; i++)
		o += (size_t)snprintf(out + o, size - o, "%02x", mac[i]);
}

/*
 * The request headers of a POST of (BODY, LEN) to R: ours, the signature
 * when R has a secret, then the config's.  ID (or NULL: none) goes in
 * X-Omniwatch-Id.  The caller frees the list (curl_slist_free_all).
 */
static struct curl_slist *
webhook_headers(const struct webhook_receiver *r, const char *id,
    const char *body, size_t len)
{
	const struct config_receiver *c = r->cfg;
	struct curl_slist *h = NULL;
	char line[256];

	h = curl_slist_append(h, "Content-Type: application/json");
	/* No "Expect: 100-continue" wait on bodies over 1 KiB. */
	h = curl_slist_append(h, "Expect:");
	if (id != NULL) {
		snprintf(line, sizeof(line), "X-Omniwatch-Id: %s", id);
		h = curl_slist_append(h, line);
	}
	if (r->secret != NULL) {
		webhook_sign(r, body, len, line, sizeof(line));
		h = curl_slist_append(h, line);
	}
	for (size_t i = 0; i < c->nheaders; i++) {
		char *hl = xasprintf("%s: %s", c->headers[i].name,
		    c->headers[i].value);

		h = curl_slist_append(h, hl);
		free(hl);
	}
	return h;
}

static void
webhook_start(struct webhook_receiver *r, int64_t now_ms)
{
	struct webhook_item *it = r->head;
	const struct config_receiver *c = r->cfg;
	struct curl_slist *h;
	char *err;

	if (r->xfer.is_busy || it == NULL || !it->is_committed ||
	    now_ms < r->next_attempt_ms)
		return;
	h = webhook_headers(r, it->alert_id, it->body, it->len);
	r->headers = h;
	r->response_len = 0;
	r->response[0] = '\0';
	r->errbuf[0] = '\0';
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, it->body);
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)it->len);
	if (http_client_start(r->wh->hc, &r->xfer, &err) != 0) {
		log_warnx("receiver '%s': %s", c->name, err);
		free(err);
		curl_slist_free_all(r->headers);
		r->headers = NULL;
		r->next_attempt_ms = now_ms + c->retry_initial_ms;
		return;
	}
	log_debug("receiver '%s': posting alert '%s' (id %s, %s), %zu bytes",
	    c->name, it->alert, it->alert_id, it->status, it->len);
}

/* The first line of the answer, printable, for a log message. */
static void
webhook_first_line(const struct webhook_receiver *r, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < r->response_len && n + 1 < size &&
	    n < WEBHOOK_LOG_LINE; i++) {
		unsigned char ch = (unsigned char)r->response[i];

		if (ch == '\n' || ch == '\r')
			break;
		out[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[n] = '\0';
}

/* The wait before attempt ATTEMPTS + 1: doubling, capped, jittered. */
static int64_t
webhook_backoff(const struct webhook_receiver *r, int64_t retry_after_ms)
{
	int64_t d = r->cfg->retry_initial_ms;

	for (unsigned i = 1; i < r->attempts && d < r->cfg->retry_max_ms; i++)
		d *= 2;
	if (d > r->cfg->retry_max_ms)
		d = r->cfg->retry_max_ms;
	/* "Equal jitter": half fixed, half random, so that receivers that
	 * failed together do not retry together, and never at once. */
	d = d / 2 + (int64_t)((double)(d / 2 + 1) * ((double)random() /
	    ((double)RAND_MAX + 1.0)));
	if (retry_after_ms > WEBHOOK_RETRY_AFTER_MAX)
		retry_after_ms = WEBHOOK_RETRY_AFTER_MAX;
	return d > retry_after_ms ? d : retry_after_ms;
}

/* The transfer of a receiver ended (http_transfer's done). */
static void
webhook_done(struct http_transfer *t, CURLcode res, int64_t now_ms)
{
	struct webhook_receiver *r = (struct webhook_receiver *)(void *)
	    ((char *)t - offsetof(struct webhook_receiver, xfer));
	struct webhook_item *it = r->head;
	const char *name = r->cfg->name;
	long code = 0;
	curl_off_t retry_after = 0;
	char first[WEBHOOK_LOG_LINE + 1];
	int64_t wait;

	curl_slist_free_all(r->headers);
	r->headers = NULL;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	webhook_first_line(r, first, sizeof(first));
	if (res == CURLE_OK && code >= 200 && code < 300) {
		log_info("receiver '%s': delivered alert '%s' (id %s, %s)%s",
		    name, it->alert, it->alert_id, it->status, r->attempts > 0 ?
		    " after retrying" : "");
		state_spool_remove(r->wh->st, it->seq);
		webhook_unlink(r, it);
		r->stats.delivered++;
		r->attempts = 0;
		r->next_attempt_ms = now_ms;
		return;
	}
	if (res == CURLE_OK && code != 408 && code != 429 && code < 500) {
		log_warnx("receiver '%s' (%s): HTTP %ld for alert '%s' (id %s, "
		    "%s); not retried: %s", name, r->origin, code, it->alert,
		    it->alert_id, it->status, first[0] != '\0' ? first :
		    "(empty response)");
		state_spool_remove(r->wh->st, it->seq);
		webhook_unlink(r, it);
		r->stats.failed++;
		r->attempts = 0;
		r->next_attempt_ms = now_ms;
		return;
	}
	if (res == CURLE_OK)
		curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &retry_after);
	r->attempts++;
	r->stats.retried++;
	wait = webhook_backoff(r, (int64_t)retry_after * 1000);
	r->next_attempt_ms = now_ms + wait;
	/* curl_easy_strerror() rather than the error buffer: a message
	 * never carries more of the URL than the origin we print. */
	if (res == CURLE_OK)
		log_warnx("receiver '%s' (%s): HTTP %ld for alert '%s' (id %s)"
		    "%s%s; retry %u in %.1fs", name, r->origin, code,
		    it->alert, it->alert_id, first[0] != '\0' ? ": " : "",
		    first, r->attempts, (double)wait / 1000.0);
	else
		log_warnx("receiver '%s' (%s): %s for alert '%s' (id %s); "
		    "retry %u in %.1fs", name, r->origin,
		    curl_easy_strerror(res), it->alert, it->alert_id,
		    r->attempts, (double)wait / 1000.0);
}

void
webhook_tick(struct webhook *wh, int64_t now_ms)
{
	for (size_t i = 0; i < wh->nrcvs; i++)
		webhook_start(&wh->rcvs[i], now_ms);
}

int64_t
webhook_deadline(const struct webhook *wh, int64_t now_ms)
{
	int64_t next = INT64_MAX;

	(void)now_ms;
	for (size_t i = 0; i < wh->nrcvs; i++) {
		const struct webhook_receiver *r = &wh->rcvs[i];

		if (!r->xfer.is_busy && r->head != NULL && r->head->is_committed &&
		    r->next_attempt_ms < next)
			next = r->next_attempt_ms;
	}
	return next;
}

size_t
webhook_nreceivers(const struct webhook *wh)
{
	return wh->nrcvs;
}

void
webhook_stats(const struct webhook *wh, size_t i, struct webhook_stats *out)
{
	*out = wh->rcvs[i].stats;
	out->receiver = wh->rcvs[i].cfg->name;
	out->depth = wh->rcvs[i].depth;
}

/* ---------------------------------------------------------------------
 * Setting up.
 */

static bool
webhook_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[64];
	size_t len = strlen(host);

	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (host[0] == '[' && len > 2 && len - 2 < sizeof(buf)) {
		memcpy(buf, host + 1, len - 2);
		buf[len - 2] = '\0';
		host = buf;
	}
	return inet_pton(AF_INET6, host, &a6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Origin and final URL of R; warns about plain HTTP off this host. */
static int
webhook_url(struct webhook_receiver *r, char **err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	CURLUcode uc;
	int rc = -1;

	/* libcurl's reason, never the URL: its path may hold a token
	 * (Slack's webhook URLs do). */
	if ((uc = curl_url_set(u, CURLUPART_URL, r->cfg->url, 0)) !=
	    CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)) != CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_HOST, &host, 0)) != CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_PORT, &port,
	    CURLU_DEFAULT_PORT)) != CURLUE_OK) {
		*err = xasprintf("receiver '%s': the url cannot be parsed: %s",
		    r->cfg->name, curl_url_strerror(uc));
		goto done;
	}
	r->origin = xasprintf("%s://%s:%s", scheme, host, port);
	if (strcmp(scheme, "http") == 0 && !webhook_is_loopback(host))
		log_warnx("receiver '%s' (%s): plain http:// to another host: "
		    "notifications%s travel unencrypted", r->cfg->name,
		    r->origin, r->cfg->secret_file != NULL ? " (signed)" : "");
	if (r->cfg->format == CONFIG_FORMAT_ALERTMANAGER &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK &&
	    strcmp(path, "/") == 0)
		curl_url_set(u, CURLUPART_PATH, "/api/v2/alerts", 0);
	if (curl_url_get(u, CURLUPART_URL, &r->url, 0) != CURLUE_OK)
		r->url = NULL;
	if (r->url == NULL) {
		*err = xasprintf("receiver '%s': the url cannot be parsed",
		    r->cfg->name);
		goto done;
	}
	rc = 0;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}

/* The secret: the file's bytes without a final newline. */
static int
webhook_secret(struct webhook_receiver *r, char **err)
{
	const char *path = r->cfg->secret_file;
	char *what, *buf;
	size_t n;
	int rc;

	if (path == NULL)
		return 0;
	what = xasprintf("receiver '%s': secret_file", r->cfg->name);
	rc = secret_file_read(what, path, WEBHOOK_SECRET_MAX, &buf, &n, err);
	free(what);
	if (rc != 0)
		return -1;
	r->secret = (unsigned char *)buf;
	while (n > 0 && (r->secret[n - 1] == '\n' || r->secret[n - 1] == '\r'))
		n--;
	if (n == 0) {
		*err = xasprintf("receiver '%s': secret_file %s is empty",
		    r->cfg->name, path);
		return -1;
	}
	r->secret_len = n;
	return 0;
}

static int
webhook_receiver_init(struct webhook *wh, struct webhook_receiver *r,
    const struct config_receiver *c, char **err)
{
	r->wh = wh;
	r->cfg = c;
	if (webhook_url(r, err) != 0 || webhook_secret(r, err) != 0)
		return -1;
	r->easy = curl_easy_init();
	if (r->easy == NULL) {
		*err = xasprintf("receiver '%s': libcurl cannot start", c->name);
		return -1;
	}
	r->xfer.easy = r->easy;
	r->xfer.done = webhook_done;
	curl_easy_setopt(r->easy, CURLOPT_URL, r->url);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)c->connect_timeout_ms);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_FOLLOWLOCATION, 0L);
	/* TLS verification is libcurl's default; said here so that it is
	 * never lost to a refactoring. */
	curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, "omniwatch/"
	    PACKAGE_VERSION);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, webhook_write_cb);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	r->stats.receiver = c->name;
	return 0;
}

static void
webhook_load_one(void *ctx, const struct state_notice *n)
{
	struct webhook *wh = ctx;
	struct webhook_receiver *r = webhook_find(wh, n->receiver);

	if (r == NULL) {
		log_warnx("receiver '%s' is no longer configured; its queued "
		    "notification (alert '%s', id %s, %s) is dropped",
		    n->receiver, n->alert, n->alert_id, n->status);
		state_spool_remove(wh->st, n->seq);
		return;
	}
	webhook_make_room(r);
	webhook_push(r, n, true);
}

/* What webhook_receiver_init made, and its queue. */
static void
webhook_receiver_release(struct webhook_receiver *r)
{
	struct webhook_item *it, *next;

	if (r->wh != NULL)
		http_client_cancel(r->wh->hc, &r->xfer);
	curl_slist_free_all(r->headers);
	curl_easy_cleanup(r->easy);
	for (it = r->head; it != NULL; it = next) {
		next = it->next;
		webhook_item_free(it);
	}
	if (r->secret != NULL)
		memset(r->secret, 0, WEBHOOK_SECRET_MAX);
	free(r->secret);
	free(r->origin);
	curl_free(r->url);
}

struct webhook *
webhook_new(const struct config *cfg, struct state *st,
    struct http_client *hc, char **err)
{
	struct webhook *wh;

	*err = NULL;
	if (http_client_global_init() != 0) {
		*err = xasprintf("libcurl cannot start");
		return NULL;
	}
	wh = xcalloc(1, sizeof(*wh));
	wh->cfg = cfg;
	wh->st = st;
	wh->hc = hc;
	wh->rcvs = xcalloc(cfg->nreceivers + 1, sizeof(*wh->rcvs));
	for (size_t i = 0; i < cfg->nreceivers; i++) {
		wh->nrcvs++;
		if (webhook_receiver_init(wh, &wh->rcvs[i], &cfg->receivers[i],
		    err) != 0)
			goto fail;
	}
	if (state_spool(st, webhook_load_one, wh) != 0) {
		*err = xasprintf("cannot read the notification spool");
		goto fail;
	}
	for (size_t i = 0; i < wh->nrcvs; i++)
		if (wh->rcvs[i].depth > 0)
			log_info("receiver '%s': %zu %s queued from before",
			    wh->rcvs[i].cfg->name, wh->rcvs[i].depth,
			    plural(wh->rcvs[i].depth, "notification",
			    "notifications"));
	return wh;

fail:
	webhook_free(wh);
	return NULL;
}

int
webhook_check(const struct config *cfg, char **err)
{
	struct webhook wh;
	int rc = 0;

	*err = NULL;
	if (http_client_global_init() != 0) {
		*err = xasprintf("libcurl cannot start");
		return -1;
	}
	memset(&wh, 0, sizeof(wh));
	wh.cfg = cfg;
	for (size_t i = 0; i < cfg->nreceivers && rc == 0; i++) {
		struct webhook_receiver r;

		memset(&r, 0, sizeof(r));
		rc = webhook_receiver_init(&wh, &r, &cfg->receivers[i], err);
		webhook_receiver_release(&r);
	}
	return rc;
}

void
webhook_free(struct webhook *wh)
{
	if (wh == NULL)
		return;
	for (size_t i = 0; i < wh->nrcvs; i++)
		webhook_receiver_release(&wh->rcvs[i]);
	free(wh->rcvs);
	free(wh);
}

/* ---------------------------------------------------------------------
 * One POST, outside watch's loop.
 */

struct webhook_oneshot {
	struct webhook_receiver r;	/* r.wh is NULL: no loop, no spool */
};

struct webhook_oneshot *
webhook_oneshot_new(const struct config_receiver *c, char **err)
{
	struct webhook_oneshot *o;

	*err = NULL;
	if (http_client_global_init() != 0) {
		*err = xasprintf("libcurl cannot start");
		return NULL;
	}
	o = xcalloc(1, sizeof(*o));
	if (webhook_receiver_init(NULL, &o->r, c, err) != 0) {
		webhook_oneshot_free(o);
		return NULL;
	}
	return o;
}

int
webhook_oneshot_post(struct webhook_oneshot *o, const char *body, size_t len,
    char **err)
{
	struct webhook_receiver *r = &o->r;
	char first[WEBHOOK_LOG_LINE + 1];
	CURLcode res;
	long code = 0;

	*err = NULL;
	r->headers = webhook_headers(r, NULL, body, len);
	r->response_len = 0;
	r->response[0] = '\0';
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len);
	log_debug("receiver '%s': posting %zu bytes", r->cfg->name, len);
	res = curl_easy_perform(r->easy);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	/* curl_easy_strerror() rather than the error buffer, as in
	 * webhook_done(): only the origin of the URL is ever printed. */
	if (res != CURLE_OK) {
		*err = xasprintf("receiver '%s' (%s): %s", r->cfg->name,
		    r->origin, curl_easy_strerror(res));
		return -1;
	}
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300) {
		log_info("receiver '%s': delivered (HTTP %ld)", r->cfg->name,
		    code);
		return 0;
	}
	webhook_first_line(r, first, sizeof(first));
	*err = xasprintf("receiver '%s' (%s): HTTP %ld: %s", r->cfg->name,
	    r->origin, code, first[0] != '\0' ? first : "(empty response)");
	return -1;
}

void
webhook_oneshot_free(struct webhook_oneshot *o)
{
	if (o == NULL)
		return;
	webhook_receiver_release(&o->r);
	free(o);
}

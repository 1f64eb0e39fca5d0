/*
 * webhook: delivering alert notifications to the config's receivers over
 * HTTP(S), inside watch's own epoll loop, so that a slow, hung or dead
 * receiver never delays reading or counting.
 *
 * The transfers run on the loop's http_client (libcurl's multi interface
 * inside the loop's epoll set, http_client.h).  One transfer per receiver
 * at a time, oldest notification first, so a receiver sees firing before
 * resolved.
 *
 * A notification's body is made once, when the alert changes, and stored
 * in the state's spool table in the same transaction as the alert's new
 * state; it is sent only once that transaction is committed, and removed
 * from the spool when a receiver took it (2xx).  So a restart, even after
 * kill -9, sends exactly what was pending, with the same id and bytes.
 * Connection errors, timeouts, 408, 429 and 5xx are retried with capped
 * exponential backoff and jitter (honouring Retry-After); any other status
 * is logged with the first line of the response and dropped.  The spool
 * holds at most spool_max notifications per receiver; the oldest go first
 * (counted and logged).
 *
 * Receivers' URLs, headers and secrets are never logged: a receiver is
 * named by its name and its origin (scheme://host:port).
 */
#ifndef OMNIWATCH_WEBHOOK_H
#define OMNIWATCH_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "config.h"
#include "http_client.h"
#include "state.h"

#define WEBHOOK_BODY_MAX	4096	/* bytes of a response kept */

/* Per receiver, for metrics. */
struct webhook_stats {
	const char	*receiver;
	uint64_t	 delivered;	/* 2xx */
	uint64_t	 retried;	/* attempts that will be tried again */
	uint64_t	 failed;	/* rejected (4xx...) and dropped */
	uint64_t	 dropped;	/* pushed out of a full spool */
	uint64_t	 depth;		/* in the spool now */
};

struct webhook;

/*
 * Prepares CFG's receivers (borrowed; must outlive it): reads secret
 * files, warns about http:// to hosts other than loopback, and loads
 * the spool from ST.  HC is the loop's HTTP client (borrowed; must outlive
 * it): the POSTs run there.  Returns NULL with *ERR (malloc'd) when a
 * secret file cannot be read or libcurl cannot start.
 */
struct webhook *webhook_new(const struct config *cfg, struct state *st,
    struct http_client *hc, char **err);

/*
 * Queues notice N for each of its rule's receivers (every receiver when
 * the rule names none), in the state's open transaction.
 */
void webhook_notify(struct webhook *wh, const struct alert_notice *n);

/*
 * The state's changes were committed: what they queued may be sent.  (A
 * failed commit keeps them for the next one, state.h: nothing to forget.)
 */
void webhook_committed(struct webhook *wh);

/* Starts the due retries and the notifications committed since. */
void webhook_tick(struct webhook *wh, int64_t now_ms);

/* When webhook_tick() next has work (ms since the epoch), or INT64_MAX. */
int64_t webhook_deadline(const struct webhook *wh, int64_t now_ms);

/* Stats of receiver I (I < webhook_nreceivers()). */
size_t webhook_nreceivers(const struct webhook *wh);
void webhook_stats(const struct webhook *wh, size_t i,
    struct webhook_stats *out);

/*
 * The body of notice N in FORMAT (exposed for tests); a malloc'd string
 * of *LEN bytes, valid JSON whatever bytes the logs held.
 */
char *webhook_body(const struct alert_notice *n, enum config_format format,
    size_t *len);

/*
 * What webhook_new would check of CFG's receivers, without a state or a
 * loop (watch --check): each URL, and each secret_file readable and not
 * empty.  Returns 0, or -1 with *ERR set (malloc'd) for the first one
 * wrong.
 */
int webhook_check(const struct config *cfg, char **err);

/* Aborts transfers in flight (they stay spooled) and frees.  NULL ok. */
void webhook_free(struct webhook *wh);

/*
 * One synchronous POST outside watch's loop (`summary --post`), on
 * libcurl's easy interface: the same headers, X-Omniwatch-Signature,
 * timeouts and TLS verification as a notification, but no spool and no
 * retry.
 *
 * webhook_oneshot_new() prepares receiver C (borrowed; must outlive the
 * result): parses its url and reads its secret_file.  Returns NULL with
 * *ERR (malloc'd) when it cannot.  The format is the caller's business:
 * the body is sent as given, to the url as written.
 *
 * webhook_oneshot_post() sends (BODY, LEN) and waits for the answer, at
 * most the receiver's timeout.  Returns 0 when the receiver answered 2xx,
 * else -1 with *ERR (malloc'd): "receiver 'NAME' (scheme://host:port):
 * HTTP 500: the answer's first line", or libcurl's reason.  Like every
 * message of this module, it never holds the URL's path, the headers or
 * the secret.
 */
struct webhook_oneshot;
struct webhook_oneshot *webhook_oneshot_new(const struct config_receiver *c,
    char **err);
int webhook_oneshot_post(struct webhook_oneshot *o, const char *body,
    size_t len, char **err);
void webhook_oneshot_free(struct webhook_oneshot *o);	/* NULL ok */

#endif

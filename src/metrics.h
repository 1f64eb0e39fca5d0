/*
 * metrics: watch's figures in Prometheus' text exposition format (0.0.4),
 * served on a loopback listener (`metrics: {listen: 127.0.0.1:9464}`) and
 * optionally written to a file for node_exporter's textfile collector
 * (`metrics: {textfile: PATH}`, replaced atomically with rename(2)).
 *
 * The server is libmicrohttpd without a thread of its own: it runs in
 * MHD_USE_EPOLL mode and its epoll descriptor sits in watch's epoll set,
 * so a scrape is answered between two reads of the logs and no counter is
 * ever read while it is being written (nothing to lock).  A scrape is a
 * few kilobytes; at most METRICS_CONNECTIONS_MAX clients at once.
 *
 * This module keeps the record counters (they change on every record);
 * everything else is asked for at render time from whoever owns it, via
 * the render callback, which writes with metrics_family() and
 * metrics_sample().
 */
#ifndef OMNIWATCH_METRICS_H
#define OMNIWATCH_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define METRICS_PAGE_MAX	(8 * 1024 * 1024)	/* bytes of a page */
#define METRICS_CONNECTIONS_MAX	16

struct metrics_buf;

/* "# HELP NAME HELP" and "# TYPE NAME TYPE" (counter, gauge). */
void metrics_family(struct metrics_buf *b, const char *name,
    const char *type, const char *help);

/*
 * One sample: NAME{k1="v1",...} VALUE.  The labels are NLABELS pairs of
 * (name, value) strings; values are escaped and made valid UTF-8.
 */
void metrics_sample(struct metrics_buf *b, const char *name, double value,
    size_t nlabels, const char *const *labels);

/* A query parameter of a request, as libmicrohttpd decoded it. */
struct metrics_query {
	const char	*name;
	const char	*value;		/* "" when given without '=' */
};

#define METRICS_QUERY_MAX	8	/* more: 400 */

struct metrics_cb {
	void	(*render)(void *ctx, struct metrics_buf *b);
	/*
	 * Any other GET: PATH (without the query) and its NQ parameters.
	 * Returns an HTTP status: 200 with *BODY (malloc'd, *LEN bytes) of
	 * *TYPE (static), 400 with *BODY a message, or 404 (nothing set)
	 * for a path it does not serve.  NULL: only /metrics is served.
	 */
	int	(*page)(void *ctx, const char *path,
		    const struct metrics_query *q, size_t nq, char **body,
		    size_t *len, const char **type);
	void	*ctx;
};

struct metrics;

/*
 * The listener serves GET and HEAD only, /metrics and what the page
 * callback serves.  With metrics.token_file every request must carry
 * "Authorization: Bearer TOKEN" (RFC 6750, 2.1), else 401; a listen
 * address that is not loopback needs a token_file or metrics.public.
 *
 * Starts the listener and/or the textfile of CFG (borrowed); EPFD is the
 * loop's epoll set, to which the listener's descriptor is added (data.fd).
 * Returns NULL with *ERR (malloc'd) when the address cannot be bound, the
 * token cannot be read, or the address is not loopback and neither a
 * token nor public is configured.
 * With neither listen nor textfile configured it still counts (for
 * metrics_render()).
 */
struct metrics *metrics_new(const struct config *cfg, int epfd,
    const struct metrics_cb *cb, char **err);

/*
 * For watch --check: refuses what metrics_new() would refuse short of
 * binding (the listen address, the token_file read as watch reads it, a
 * non-loopback address with neither token nor public).  Returns 0, or -1
 * with *ERR (malloc'd).
 */
int metrics_check(const struct config *cfg, char **err);

/*
 * Counts one record (called for every counted record); INSTANCE is the
 * cluster pm_id of its "-N" file, or -1 (fork mode: no instance label).
 */
void metrics_record(struct metrics *m, const char *set, const char *app,
    int instance, const char *outcome, const char *class);

/* The last success of SET was at MS (ms since the epoch). */
void metrics_last_success(struct metrics *m, const char *set, int64_t ms);

/* The listener's descriptor (in EPFD already), or -1. */
int metrics_fd(const struct metrics *m);

/* The listener's descriptor is ready: serve what can be served. */
void metrics_event(struct metrics *m);

/* Connection timeouts and the textfile, when due. */
void metrics_tick(struct metrics *m, int64_t now_ms);

/* When metrics_tick() next has work (ms since the epoch), or INT64_MAX. */
int64_t metrics_deadline(const struct metrics *m, int64_t now_ms);

/*
 * The whole page, malloc'd (NUL-terminated, *LEN bytes), as a scrape
 * gets it.
 */
char *metrics_render(struct metrics *m, size_t *len);

/* Writes the textfile now, if one is configured.  Returns 0 or -1. */
int metrics_write_textfile(struct metrics *m);

/* Stops the listener (removing it from the epoll set).  NULL ok. */
void metrics_free(struct metrics *m);

#endif

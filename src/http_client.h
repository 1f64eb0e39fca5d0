/*
 * http_client: one libcurl multi handle driven by an epoll loop, shared by
 * everything that talks HTTP from watch's loop (webhook delivery, probes)
 * and by `omniwatch probe`, which runs the same transfers in a loop of its
 * own.
 *
 * libcurl's sockets are added to the loop's epoll set by
 * CURLMOPT_SOCKETFUNCTION (data.u64 is loop_data(LOOP_HTTP, socket)), its timeout comes back
 * through http_client_deadline(), and the loop hands each ready socket to
 * http_client_event() and calls http_client_tick() after every wakeup:
 * curl_multi_socket_action as in curl's docs/examples/ephiperfifo.c.  A
 * user prepares its own easy handle (URL, method, headers, timeouts) and
 * starts it with http_client_start(); when the transfer ends, its
 * callback gets libcurl's result.  Nothing here blocks: a hung server is a
 * socket that stays quiet until the easy handle's CURLOPT_TIMEOUT_MS.
 */
#ifndef OMNIWATCH_HTTP_CLIENT_H
#define OMNIWATCH_HTTP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

struct http_client;

/*
 * One transfer of a user's.  The user embeds it, sets EASY (its own
 * handle; http_client sets CURLOPT_PRIVATE on it) and DONE, and keeps it
 * alive until DONE is called or it is cancelled.  DONE gets libcurl's
 * result and the time (ms since the epoch); the easy handle is already
 * out of the multi handle then, so DONE may start it again.
 */
struct http_transfer {
	CURL		*easy;
	void		(*done)(struct http_transfer *t, CURLcode res,
			    int64_t now_ms);
	bool		 is_busy;	/* in the multi handle */
};

/*
 * libcurl's global state, once per process (curl_global_init is not
 * thread-safe; we start it before any thread).  Returns 0 or -1.
 */
int http_client_global_init(void);

/*
 * A multi handle whose sockets go into EPFD.  Returns NULL with *ERR
 * (malloc'd) when libcurl cannot start.
 */
struct http_client *http_client_new(int epfd, char **err);

/*
 * Adds T's easy handle to the multi handle.  Returns 0, or -1 with *ERR
 * (malloc'd, libcurl's reason) when it cannot.
 */
int http_client_start(struct http_client *hc, struct http_transfer *t,
    char **err);

/* Takes T out of the multi handle if it is in; DONE is not called. */
void http_client_cancel(struct http_client *hc, struct http_transfer *t);

/* A socket of curl's is ready (EPOLLIN, EPOLLOUT, EPOLLERR bits). */
void http_client_event(struct http_client *hc, int fd, uint32_t events,
    int64_t now_ms);

/* curl's timeouts, and transfers that ended. */
void http_client_tick(struct http_client *hc, int64_t now_ms);

/* When http_client_tick() next has work (ms since the epoch), or
 * INT64_MAX. */
int64_t http_client_deadline(const struct http_client *hc);

/* The number of transfers in the multi handle. */
unsigned http_client_running(const struct http_client *hc);

/* Frees; transfers still in it are taken out first.  NULL ok. */
void http_client_free(struct http_client *hc);

#endif

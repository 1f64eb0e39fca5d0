/*
 * http_client: see http_client.h.  The multi handle's socket callback
 * keeps curl's sockets in the loop's epoll set; its timer callback only
 * notes when curl wants to be called (curl_multi_socket_action must not
 * be called from inside its own callbacks), and http_client_tick() calls
 * it then.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "http_client.h"
#include "log.h"
#include "loop.h"
#include "stamp.h"
#include "xmalloc.h"

struct http_client {
	int		 epfd;
	CURLM		*multi;
	int64_t		 timer_ms;	/* curl's timeout is due; -1: none */
	unsigned	 running;	/* transfers in the multi handle */
};

int
http_client_global_init(void)
{
	static bool is_curl_ready;

	if (is_curl_ready)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	is_curl_ready = true;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	return 0;
}

static int
http_client_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
    void *socketp)
{
	struct http_client *hc = userp;
	struct epoll_event ev;

	(void)easy;
	memset(&ev, 0, sizeof(ev));
	ev.data.u64 = loop_data(LOOP_HTTP, s);
	if (what == CURL_POLL_REMOVE) {
		/* curl may have closed it already: then epoll forgot it. */
		if (epoll_ctl(hc->epfd, EPOLL_CTL_DEL, s, NULL) != 0 &&
		    errno != ENOENT && errno != EBADF)
			log_warn("epoll_ctl(DEL, %d)", s);
		curl_multi_assign(hc->multi, s, NULL);
		return 0;
	}
	ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0) |
	    ((what & CURL_POLL_OUT) ? EPOLLOUT : 0);
	/* A socket number curl reused after closing the old one without
	 * telling us, or one we have not seen: try both ways. */
	if (socketp == NULL) {
		if (epoll_ctl(hc->epfd, EPOLL_CTL_ADD, s, &ev) != 0 &&
		    (errno != EEXIST ||
		    epoll_ctl(hc->epfd, EPOLL_CTL_MOD, s, &ev) != 0))
			log_warn("epoll_ctl(ADD, %d)", s);
		curl_multi_assign(hc->multi, s, hc);
	} else if (epoll_ctl(hc->epfd, EPOLL_CTL_MOD, s, &ev) != 0 &&
	    (errno != ENOENT ||
	    epoll_ctl(hc->epfd, EPOLL_CTL_ADD, s, &ev) != 0))
		log_warn("epoll_ctl(MOD, %d)", s);
	return 0;
}

static int
http_client_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_client *hc = userp;

	(void)multi;
	hc->timer_ms = timeout_ms < 0 ? -1 : stamp_now_ms() + timeout_ms;
	return 0;
}

struct http_client *
http_client_new(int epfd, char **err)
{
	struct http_client *hc;

	*err = NULL;
	if (http_client_global_init() != 0) {
		*err = xasprintf("libcurl cannot start");
		return NULL;
	}
	hc = xcalloc(1, sizeof(*hc));
	hc->epfd = epfd;
	hc->timer_ms = -1;
	hc->multi = curl_multi_init();
	if (hc->multi == NULL) {
		*err = xasprintf("libcurl cannot start");
		free(hc);
		return NULL;
	}
	curl_multi_setopt(hc->multi, CURLMOPT_SOCKETFUNCTION,
	    http_client_socket_cb);
	curl_multi_setopt(hc->multi, CURLMOPT_SOCKETDATA, hc);
	curl_multi_setopt(hc->multi, CURLMOPT_TIMERFUNCTION,
	    http_client_timer_cb);
	curl_multi_setopt(hc->multi, CURLMOPT_TIMERDATA, hc);
	return hc;
}

int
http_client_start(struct http_client *hc, struct http_transfer *t,
    char **err)
{
	CURLMcode mc;

	*err = NULL;
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	mc = curl_multi_add_handle(hc->multi, t->easy);
	if (mc != CURLM_OK) {
		*err = xasprintf("cannot start a transfer: %s",
		    curl_multi_strerror(mc));
		return -1;
	}
	t->is_busy = true;
	hc->running++;
	return 0;
}

void
http_client_cancel(struct http_client *hc, struct http_transfer *t)
{
	if (hc == NULL || !t->is_busy)
		return;
	curl_multi_remove_handle(hc->multi, t->easy);
	t->is_busy = false;
	hc->running--;
}

/* Hands each finished transfer to its user. */
static void
http_client_reap(struct http_client *hc, int64_t now_ms)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(hc->multi, &left)) != NULL) {
		struct http_transfer *t = NULL;
		CURLcode res;

		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg is only valid until the handle is removed. */
		res = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&t);
		if (t == NULL)
			continue;
		http_client_cancel(hc, t);
		t->done(t, res, now_ms);
	}
}

void
http_client_event(struct http_client *hc, int fd, uint32_t events,
    int64_t now_ms)
{
	int flags = 0, running;

	if (events & EPOLLIN)
		flags |= CURL_CSELECT_IN;
	if (events & EPOLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (events & (EPOLLERR | EPOLLHUP))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(hc->multi, fd, flags, &running);
	http_client_reap(hc, now_ms);
}

void
http_client_tick(struct http_client *hc, int64_t now_ms)
{
	int running;

	if (hc->timer_ms >= 0 && now_ms >= hc->timer_ms) {
		hc->timer_ms = -1;
		curl_multi_socket_action(hc->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	}
	http_client_reap(hc, now_ms);
}

int64_t
http_client_deadline(const struct http_client *hc)
{
	return hc->timer_ms >= 0 ? hc->timer_ms : INT64_MAX;
}

unsigned
http_client_running(const struct http_client *hc)
{
	return hc->running;
}

void
http_client_free(struct http_client *hc)
{
	if (hc == NULL)
		return;
	curl_multi_cleanup(hc->multi);
	free(hc);
}

/*
 * loop: whose a descriptor in `omniwatch watch`'s epoll set is.  Every
 * module that adds one to that set (cmd_watch.c itself, tail,
 * http_client, metrics) stores loop_data(OWNER, fd) in its epoll_event, and the loop
 * hands the event to that owner through one table (watch_fds in
 * cmd_watch.c), never to whoever "else" might own it.  A new kind of
 * descriptor is a new owner here and one row there.
 */
#ifndef OMNIWATCH_LOOP_H
#define OMNIWATCH_LOOP_H

#include <stdint.h>

enum loop_owner {
	LOOP_NONE,		/* never stored: an event without an owner */
	LOOP_SIGNALS,		/* watch's signalfd: TERM, INT, HUP, USR1 */
	LOOP_TIMER,		/* watch's timerfd: the cron is due */
	LOOP_TAIL,		/* tail's inotify descriptor */
	LOOP_METRICS,		/* libmicrohttpd's epoll descriptor */
	LOOP_HTTP,		/* a libcurl socket: notifications, probes */
	LOOP_NOWNERS
};

/* The epoll_event data for FD, owned by OWNER. */
static inline uint64_t
loop_data(enum loop_owner owner, int fd)
{
	return (uint64_t)owner << 32 | (uint32_t)fd;
}

/* The owner and the descriptor in epoll_event data made by loop_data. */
static inline enum loop_owner
loop_owner(uint64_t data)
{
	uint64_t owner = data >> 32;

	return owner < LOOP_NOWNERS ? (enum loop_owner)owner : LOOP_NONE;
}

static inline int
loop_fd(uint64_t data)
{
	return (int)(uint32_t)data;
}

#endif

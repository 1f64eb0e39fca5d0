/*
 * metrics_int: what metrics.c (the counters, the page, the textfile) and
 * metrics_listen.c (the HTTP listener) share.  Not a public interface.
 */
#ifndef OMNIWATCH_METRICS_INT_H
#define OMNIWATCH_METRICS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "metrics.h"

struct MHD_Daemon;

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
	/* counts by their labels' hash (open addressing): index + 1, 0
	 * free; NSLOTS a power of 2, at least twice NCOUNTS.  A hundred
	 * apps make hundreds of counters, each record looks one up. */
	size_t		*slots;
	size_t		 nslots;
	struct metrics_last *lasts;
	size_t		 nlasts;
	int64_t		 next_textfile_ms;	/* 0: no textfile */
	bool		 warned_textfile;
	char		*token;		/* "Bearer TOKEN", or NULL */
};

/*
 * Starts M's listener (libmicrohttpd in MHD_USE_EPOLL mode, its epoll
 * descriptor added to M->epfd) on metrics.listen, with the token of
 * metrics.token_file.  Returns 0, or -1 with *ERR (malloc'd).
 */
int metrics_listen_start(struct metrics *m, char **err);

/* Serves what can be served now (the listener's descriptor is ready).
 * No listener: nothing. */
void metrics_listen_run(struct metrics *m);

/* After every wakeup: connections' timeouts, while one is open. */
void metrics_listen_tick(struct metrics *m);

/* When the listener next needs metrics_listen_tick() (ms since the
 * epoch), or INT64_MAX. */
int64_t metrics_listen_deadline(const struct metrics *m, int64_t now_ms);

/* Stops the listener and wipes the token.  No listener: nothing. */
void metrics_listen_stop(struct metrics *m);

#endif

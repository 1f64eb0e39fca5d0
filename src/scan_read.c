/*
 * scan_read: reading the files of a scan (scan_int.h), one at a time or
 * in worker threads, each file into a result of its own: its counts, its
 * series, what PM2's own log said.  Nothing a worker counts is shared
 * while it reads; scan.c adds the results in file order.  Only the
 * caller's hooks (scan.h) are called under the batch's lock.
 */
#include "autoconf.h"

#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pm2.h"
#include "scan.h"
#include "scan_int.h"
#include "source.h"
#include "xmalloc.h"

#define SCAN_READ_BUFSIZE	(256 * 1024)
#define SCAN_READ_JOBS_MAX	64

/* The files of one scan_paths call and the lock of the caller's hooks. */
struct scan_read_batch {
	struct scan	*s;
	struct scan_result *res;
	size_t		 n;
	size_t		 next;		/* the next file to take */
	bool		 is_captured;	/* workers keep what they say */
	size_t		 spare;		/* jobs no file takes: each lets a
					   .gz inflate in a thread of its
					   own while it is read */
	pthread_mutex_t	 lock;
};

struct scan_read_worker {
	struct scan_read_batch *b;
	struct match_set **sets;	/* the scan's, or this worker's */
	bool		 owns_sets;
	char		*buf;
	struct scan_result *res;	/* the file being read */
	pthread_t	 thread;
};

/* The app a file belongs to: PM2's name, else the base name. */
static char *
scan_read_app(const char *path)
{
	struct pm2_log_name name;
	char *copy, *base, *app, *dot;

	if (strcmp(path, "-") == 0)
		return xstrdup("-");
	copy = xstrdup(path);
	base = basename(copy);
	if (pm2_log_name_parse(base, &name) == 0) {
		app = name.app;
		name.app = NULL;
		pm2_log_name_release(&name);
	} else {
		app = xstrdup(base);
		dot = strchr(app, '.');
		if (dot != NULL && dot != app)
			*dot = '\0';
	}
	free(copy);
	return app;
}

static void
scan_read_outcome(void *ctx, const struct pipeline_outcome *o)
{
	struct scan_read_worker *w = ctx;
	struct scan *s = w->b->s;

	/* The file's instance holds for its own app only: a JSON line may
	 * name another app (pm2.h). */
	aggregate_add(w->res->agg, o->set_idx, o->app,
	    strcmp(o->app, w->res->f.app) == 0 ? w->res->f.instance : -1,
	    o->outcome, o->class_idx, o->record->ts_ms);
	if (w->res->series != NULL)
		series_add(w->res->series, o->set_idx, o->outcome,
		    o->class_idx, 1, o->record->ts_ms);
	if (s->on_outcome != NULL) {
		pthread_mutex_lock(&w->b->lock);
		s->on_outcome(s->hook_ctx, w->res->path, o);
		pthread_mutex_unlock(&w->b->lock);
	}
}

static void
scan_read_daemon_line(void *ctx, const struct pm2_daemon_line *l)
{
	struct scan_read_worker *w = ctx;

	scan_pm2_keep(&w->res->daemon, l);
}

static void
scan_read_hook(struct scan_read_worker *w, uint64_t bytes)
{
	struct scan *s = w->b->s;

	if (s->on_read == NULL)
		return;
	pthread_mutex_lock(&w->b->lock);
	s->on_read(s->hook_ctx, w->res->path, bytes);
	pthread_mutex_unlock(&w->b->lock);
}

/* Takes a spare job for a .gz's inflating (false: none is left), or,
 * with IS_BACK, gives it back. */
static bool
scan_read_spare(struct scan_read_batch *b, bool is_back)
{
	bool is_taken = false;

	pthread_mutex_lock(&b->lock);
	if (is_back)
		b->spare++;
	else if (b->spare > 0) {
		b->spare--;
		is_taken = true;
	}
	pthread_mutex_unlock(&b->lock);
	return is_taken;
}

static void
scan_read_ahead(struct source *src, const char *path)
{
	if (source_read_ahead(src) == 0)
		log_debug("%s: inflating in a thread of its own", path);
	else
		log_debug("%s: no thread to inflate in; inflating where it "
		    "is scanned", path);
}

/* Reads W's current file into its result. */
static void
scan_read_file(struct scan_read_worker *w)
{
	struct scan *s = w->b->s;
	struct scan_result *r = w->res;
	struct pipeline_sink sink = { scan_read_outcome, w, scan_read_daemon_line };
	struct pipeline_options opts = s->opts;
	const char *path = r->path;
	char err[512];
	struct source *src;
	struct pipeline *p;
	struct scan_file *f = &r->f;
	enum source_result rc;
	const char *bytes;
	bool has_spare = false;
	uint64_t seen = 0;
	size_t n, k = 0;

	r->agg = aggregate_new(s->sets, s->nsets);
	if (s->series != NULL)
		r->series = series_new(s->sets, s->nsets, s->series->step_ms);
	src = source_open(path, err, sizeof(err));
	if (src == NULL) {
		/* source_open's message already names the file. */
		const char *msg = strncmp(err, path, strlen(path)) == 0 &&
		    err[strlen(path)] == ':' ? err + strlen(path) + 2 : err;

		r->error = xstrdup(msg);
		log_error("%s: %s", path, msg);
		return;
	}
	if (source_is_misnamed(src))
		log_warnx("%s: %s", path, SOURCE_MISNAMED);
	r->is_open = true;
	f->path = xstrdup(path);
	f->app = r->app != NULL ? xstrdup(r->app) : scan_read_app(path);
	f->instance = strcmp(path, "-") == 0 ? -1 : pm2_log_instance_of(path);
	f->is_gz = source_is_gz(src);
	r->is_pm2_daemon = strcmp(path, "-") != 0 && pm2_log_is_daemon(path);
	opts.is_pm2_daemon = r->is_pm2_daemon;
	p = pipeline_new(w->sets, s->nsets, &sink, f->app, path, &opts);
	scan_read_hook(w, 0);
	for (;;) {
		/* A job no file takes, now or since a worker ran out of
		 * files: the rest of a .gz inflates beside its scan. */
		if (f->is_gz && !has_spare && scan_read_spare(w->b, false)) {
			has_spare = true;
			scan_read_ahead(src, path);
		}
		rc = source_read_lent(src, w->buf, SCAN_READ_BUFSIZE, &bytes,
		    &n);
		if (rc != SOURCE_OK)
			break;
		pipeline_feed(p, bytes, n);
		scan_read_hook(w, source_raw_offset(src) - seen);
		seen = source_raw_offset(src);
	}
	/* Damaged input keeps its complete lines only. */
	pipeline_finish(p, rc == SOURCE_EOF);
	if (rc == SOURCE_ERROR) {
		r->error = xstrdup(source_error(src));
		r->error_offset = source_raw_offset(src);
		log_error("%s: %s", path, r->error);
	}
	f->bytes = source_raw_offset(src);
	f->decompressed_bytes = source_out_offset(src);
	f->stats = *pipeline_stats(p);
	f->first = xcalloc(s->first_stride, sizeof(*f->first));
	for (size_t i = 0; i < s->nsets; i++)
		for (size_t c = 0; c <= s->sets[i]->nfailure + 1; c++)
			f->first[k++] = *pipeline_first(p, i, c);
	pipeline_free(p);
	source_free(src);
	if (has_spare)
		scan_read_spare(w->b, true);
}

/* Takes files from W's batch until none is left. */
static void *
scan_read_worker_run(void *arg)
{
	struct scan_read_worker *w = arg;
	struct scan_read_batch *b = w->b;

	for (;;) {
		FILE *fp = NULL;
		size_t i;

		pthread_mutex_lock(&b->lock);
		i = b->next++;
		pthread_mutex_unlock(&b->lock);
		if (i >= b->n) {
			/* This job is spare now: a .gz still being read may
			 * inflate in it. */
			scan_read_spare(b, true);
			break;
		}
		if (b->res[i].is_done)
			continue;
		w->res = &b->res[i];
		if (b->is_captured) {
			fp = open_memstream(&w->res->log, &w->res->log_len);
			log_capture(fp);
		}
		scan_read_file(w);
		if (fp != NULL) {
			log_capture(NULL);
			fclose(fp);
		}
	}
	return NULL;
}

static void
scan_read_worker_init(struct scan_read_worker *w, struct scan_read_batch *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->sets = b->s->sets;
	w->buf = xmalloc(SCAN_READ_BUFSIZE);
}

/*
 * Gives W match sets of its own: PCRE2 code may be shared between threads
 * but match data may not (pcre2api(3), "Multithreaded use"), and a set
 * holds its match data.  Returns -1 when a pattern file cannot be read
 * again.
 */
static int
scan_read_worker_own_sets(struct scan_read_worker *w)
{
	struct scan *s = w->b->s;
	char *err;

	w->sets = xcalloc(s->nsets, sizeof(*w->sets));
	w->owns_sets = true;
	for (size_t i = 0; i < s->nsets; i++) {
		w->sets[i] = match_set_load(s->sets[i]->path, &err);
		if (w->sets[i] == NULL) {
			log_debug("%s; reading files one at a time", err);
			free(err);
			return -1;
		}
		w->sets[i]->is_timed = s->sets[i]->is_timed;
	}
	return 0;
}

static void
scan_read_worker_fini(struct scan_read_worker *w)
{
	if (w->owns_sets)
		match_sets_free(w->sets, w->b->s->nsets);
	free(w->buf);
}

int
scan_read_files(struct scan *s, struct scan_result *res, size_t n)
{
	struct scan_read_batch b;
	struct scan_read_worker *ws;
	size_t nw = s->jobs < 1 ? 1 : s->jobs, nfiles = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		nfiles += !res[i].is_done;
	if (nw > nfiles)
		nw = nfiles > 0 ? nfiles : 1;
	if (nw > SCAN_READ_JOBS_MAX)
		nw = SCAN_READ_JOBS_MAX;
	memset(&b, 0, sizeof(b));
	b.s = s;
	b.n = n;
	b.res = res;
	/* The jobs the files leave over, and later those of the workers
	 * that ran out of files, each inflate a .gz beside its scan
	 * (source_read_ahead), one file at a time. */
	b.spare = s->jobs > nw ? s->jobs - nw : 0;
	pthread_mutex_init(&b.lock, NULL);
	ws = xcalloc(nw, sizeof(*ws));
	for (size_t i = 0; i < nw; i++)
		scan_read_worker_init(&ws[i], &b);
	for (size_t i = 0; nw > 1 && i < nw; i++)
		if (scan_read_worker_own_sets(&ws[i]) != 0) {
			/* One at a time, with the scan's own sets. */
			for (size_t j = 0; j < nw; j++)
				scan_read_worker_fini(&ws[j]);
			nw = 1;
			scan_read_worker_init(&ws[0], &b);
		}
	if (nw == 1) {
		for (size_t i = 0; i < n; i++) {
			if (!res[i].is_done) {
				ws[0].res = &res[i];
				scan_read_file(&ws[0]);
			}
			if (scan_result_add(s, &res[i]) != 0)
				rc = -1;
		}
	} else {
		size_t started = 0;
		int err = 0;

		b.is_captured = true;
		while (started < nw && (err = pthread_create(
		    &ws[started].thread, NULL, scan_read_worker_run,
		    &ws[started])) == 0)
			started++;
		/* Out of threads (EAGAIN under a process limit): this thread
		 * takes a worker's part, and the files are read all the same,
		 * by fewer threads. */
		if (started < nw) {
			log_warnx("cannot start scan thread %zu of %zu: %s; "
			    "reading with %zu", started + 1, nw, strerror(err),
			    started + 1);
			scan_read_worker_run(&ws[started]);
		}
		for (size_t i = 0; i < started; i++)
			pthread_join(ws[i].thread, NULL);
		for (size_t i = 0; i < n; i++)
			if (scan_result_add(s, &res[i]) != 0)
				rc = -1;
	}
	for (size_t i = 0; i < nw; i++)
		scan_read_worker_fini(&ws[i]);
	free(ws);
	free(res);
	pthread_mutex_destroy(&b.lock);
	return rc;
}


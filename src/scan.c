/*
 * scan: see scan.h.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "logfile.h"
#include "path.h"
#include "stamp.h"
#include "pm2.h"
#include "pm2_dump.h"
#include "scan.h"
#include "source.h"
#include "xmalloc.h"

#define SCAN_BUFSIZE	(256 * 1024)
#define SCAN_JOBS_MAX	64

/* One file's scan, made by a worker, added to the scan in file order. */
struct scan_result {
	char		*path;
	bool		 is_done;	/* not to read: said in its place */
	bool		 is_open;	/* f holds the file */
	struct scan_file f;
	struct aggregate *agg;		/* the file's counts */
	char		*error;		/* malloc'd, or NULL */
	uint64_t	 error_offset;
	char		*log;		/* what was said, when captured */
	size_t		 log_len;
	bool		 is_pm2_daemon;	/* PM2's own log */
	char		*app;		/* the app dump.pm2 names, or NULL */
	struct scan_pm2_lines daemon;	/* its lines, for s->pm2 */
};

/* The files of one scan_paths call and the lock of the caller's hooks. */
struct scan_batch {
	struct scan	*s;
	struct scan_result *res;
	size_t		 n;
	size_t		 next;		/* the next file to take */
	bool		 is_captured;	/* workers keep what they say */
	pthread_mutex_t	 lock;
};

struct scan_worker {
	struct scan_batch *b;
	struct match_set **sets;	/* the scan's, or this worker's */
	bool		 owns_sets;
	char		*buf;
	struct scan_result *res;	/* the file being read */
	pthread_t	 thread;
};

struct scan *
scan_new(struct match_set **sets, size_t nsets,
    const struct pipeline_options *opts)
{
	struct scan *s = xcalloc(1, sizeof(*s));

	s->sets = sets;
	s->nsets = nsets;
	s->opts = *opts;
	s->jobs = 1;
	s->agg = aggregate_new(sets, nsets);
	for (size_t i = 0; i < nsets; i++)
		s->first_stride += sets[i]->nfailure + 2;
	return s;
}

static void
scan_add_error(struct scan *s, const char *path, uint64_t offset,
    const char *message)
{
	struct scan_error *e;

	s->errors = xreallocarray(s->errors, s->nerrors + 1,
	    sizeof(*s->errors));
	e = &s->errors[s->nerrors++];
	e->path = xstrdup(path);
	e->offset = offset;
	e->message = xstrdup(message);
}

/* The app a file belongs to: PM2's name, else the base name. */
static char *
scan_app_name(const char *path)
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
scan_outcome(void *ctx, const struct pipeline_outcome *o)
{
	struct scan_worker *w = ctx;
	struct scan *s = w->b->s;

	/* The file's instance holds for its own app only: a JSON line may
	 * name another app (pm2.h). */
	aggregate_add(w->res->agg, o->set_idx, o->app,
	    strcmp(o->app, w->res->f.app) == 0 ? w->res->f.instance : -1,
	    o->outcome, o->class_idx, o->record->ts_ms);
	if (s->on_outcome != NULL && (!s->on_outcome_dated ||
	    o->record->ts_ms != STAMP_NONE)) {
		pthread_mutex_lock(&w->b->lock);
		s->on_outcome(s->hook_ctx, w->res->path, o);
		pthread_mutex_unlock(&w->b->lock);
	}
}

static void
scan_daemon_line(void *ctx, const struct pm2_daemon_line *l)
{
	struct scan_worker *w = ctx;

	scan_pm2_keep(&w->res->daemon, l);
}

static void
scan_read_hook(struct scan_worker *w, uint64_t bytes)
{
	struct scan *s = w->b->s;

	if (s->on_read == NULL)
		return;
	pthread_mutex_lock(&w->b->lock);
	s->on_read(s->hook_ctx, w->res->path, bytes);
	pthread_mutex_unlock(&w->b->lock);
}

/* Reads W's current file into its result. */
static void
scan_file(struct scan_worker *w)
{
	struct scan *s = w->b->s;
	struct scan_result *r = w->res;
	struct pipeline_sink sink = { scan_outcome, w, scan_daemon_line };
	struct pipeline_options opts = s->opts;
	const char *path = r->path;
	char err[512];
	struct source *src;
	struct pipeline *p;
	struct scan_file *f = &r->f;
	enum source_result rc;
	uint64_t seen = 0;
	size_t n, k = 0;

	r->agg = aggregate_new(s->sets, s->nsets);
	src = source_open(path, err, sizeof(err));
	if (src == NULL) {
		/* source_open's message already names the file. */
		const char *msg = strncmp(err, path, strlen(path)) == 0 &&
		    err[strlen(path)] == ':' ? err + strlen(path) + 2 : err;

		r->error = xstrdup(msg);
		log_error("%s: %s", path, msg);
		return;
	}
	r->is_open = true;
	f->path = xstrdup(path);
	f->app = r->app != NULL ? xstrdup(r->app) : scan_app_name(path);
	f->instance = strcmp(path, "-") == 0 ? -1 : pm2_log_instance_of(path);
	f->is_gz = source_is_gz(src);
	r->is_pm2_daemon = strcmp(path, "-") != 0 && pm2_log_is_daemon(path);
	opts.is_pm2_daemon = r->is_pm2_daemon;
	p = pipeline_new(w->sets, s->nsets, &sink, f->app, path, &opts);
	scan_read_hook(w, 0);
	while ((rc = source_read(src, w->buf, SCAN_BUFSIZE, &n)) ==
	    SOURCE_OK) {
		pipeline_feed(p, w->buf, n);
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
}

/* Takes files from W's batch until none is left. */
static void *
scan_worker_run(void *arg)
{
	struct scan_worker *w = arg;
	struct scan_batch *b = w->b;

	for (;;) {
		FILE *fp = NULL;
		size_t i;

		pthread_mutex_lock(&b->lock);
		i = b->next++;
		pthread_mutex_unlock(&b->lock);
		if (i >= b->n)
			break;
		if (b->res[i].is_done)
			continue;
		w->res = &b->res[i];
		if (b->is_captured) {
			fp = open_memstream(&w->res->log, &w->res->log_len);
			log_capture(fp);
		}
		scan_file(w);
		if (fp != NULL) {
			log_capture(NULL);
			fclose(fp);
		}
	}
	return NULL;
}

static void
scan_worker_init(struct scan_worker *w, struct scan_batch *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->sets = b->s->sets;
	w->buf = xmalloc(SCAN_BUFSIZE);
}

/*
 * Gives W match sets of its own: PCRE2 code may be shared between threads
 * but match data may not (pcre2api(3), "Multithreaded use"), and a set
 * holds its match data.  Returns -1 when a pattern file cannot be read
 * again.
 */
static int
scan_worker_own_sets(struct scan_worker *w)
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
scan_worker_fini(struct scan_worker *w)
{
	if (w->owns_sets)
		match_sets_free(w->sets, w->b->s->nsets);
	free(w->buf);
}

/* Adds R, read by a worker, to S: files, counts and errors in order. */
static int
scan_result_add(struct scan *s, struct scan_result *r)
{
	int rc = r->error != NULL ? -1 : 0;

	if (r->log_len > 0)
		fwrite(r->log, 1, r->log_len, stderr);
	free(r->log);
	if (r->is_open) {
		s->files = xreallocarray(s->files, s->nfiles + 1,
		    sizeof(*s->files));
		s->files[s->nfiles++] = r->f;
	}
	if (r->is_pm2_daemon)
		scan_pm2_replay(&s->pm2, r->path, &r->daemon);
	if (r->agg != NULL)
		aggregate_merge(s->agg, r->agg);
	aggregate_free(r->agg);
	if (r->error != NULL)
		scan_add_error(s, r->path, r->error_offset, r->error);
	free(r->error);
	free(r->path);
	free(r->app);
	return rc;
}

/*
 * Reads the N entries of RES (files, and what could not be listed, said in
 * its place), in up to s->jobs threads, and adds them to S in that order,
 * so that the result does not depend on which thread finished first.  One
 * thread reads and adds each file in turn; several keep what each file's
 * reading said and write it out with the file, in order too.  Frees RES.
 */
static int
scan_files(struct scan *s, struct scan_result *res, size_t n)
{
	struct scan_batch b;
	struct scan_worker *ws;
	size_t nw = s->jobs < 1 ? 1 : s->jobs, nfiles = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		nfiles += !res[i].is_done;
	if (nw > nfiles)
		nw = nfiles > 0 ? nfiles : 1;
	if (nw > SCAN_JOBS_MAX)
		nw = SCAN_JOBS_MAX;
	memset(&b, 0, sizeof(b));
	b.s = s;
	b.n = n;
	b.res = res;
	pthread_mutex_init(&b.lock, NULL);
	ws = xcalloc(nw, sizeof(*ws));
	for (size_t i = 0; i < nw; i++)
		scan_worker_init(&ws[i], &b);
	for (size_t i = 0; nw > 1 && i < nw; i++)
		if (scan_worker_own_sets(&ws[i]) != 0) {
			/* One at a time, with the scan's own sets. */
			for (size_t j = 0; j < nw; j++)
				scan_worker_fini(&ws[j]);
			nw = 1;
			scan_worker_init(&ws[0], &b);
		}
	if (nw == 1) {
		for (size_t i = 0; i < n; i++) {
			if (!res[i].is_done) {
				ws[0].res = &res[i];
				scan_file(&ws[0]);
			}
			if (scan_result_add(s, &res[i]) != 0)
				rc = -1;
		}
	} else {
		size_t started = 0;
		int err = 0;

		b.is_captured = true;
		while (started < nw && (err = pthread_create(
		    &ws[started].thread, NULL, scan_worker_run,
		    &ws[started])) == 0)
			started++;
		/* Out of threads (EAGAIN under a process limit): this thread
		 * takes a worker's part, and the files are read all the same,
		 * by fewer threads. */
		if (started < nw) {
			log_warnx("cannot start scan thread %zu of %zu: %s; "
			    "reading with %zu", started + 1, nw, strerror(err),
			    started + 1);
			scan_worker_run(&ws[started]);
		}
		for (size_t i = 0; i < started; i++)
			pthread_join(ws[i].thread, NULL);
		for (size_t i = 0; i < n; i++)
			if (scan_result_add(s, &res[i]) != 0)
				rc = -1;
	}
	for (size_t i = 0; i < nw; i++)
		scan_worker_fini(&ws[i]);
	free(ws);
	free(res);
	pthread_mutex_destroy(&b.lock);
	return rc;
}

/* What scan_paths reads, in order. */
struct scan_list {
	struct scan_result *res;
	size_t		 n;
};

static struct scan_result *
scan_list_add(struct scan_list *l, const char *path)
{
	struct scan_result *r;

	l->res = xreallocarray(l->res, l->n + 1, sizeof(*l->res));
	r = &l->res[l->n++];
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(path);
	return r;
}

/* R is not to be read: MESSAGE is said in its place, an error or not. */
static void
scan_result_note(struct scan_result *r, const char *message, bool is_error)
{
	FILE *fp = open_memstream(&r->log, &r->log_len);

	r->is_done = true;
	log_capture(fp);
	if (is_error) {
		log_error("%s: %s", r->path, message);
		r->error = xstrdup(message);
	} else
		log_warnx("%s: %s", r->path, message);
	log_capture(NULL);
	fclose(fp);
}

static void
scan_list_note(struct scan_list *l, const char *path, const char *message,
    bool is_error)
{
	scan_result_note(scan_list_add(l, path), message, is_error);
}

struct scan_entry {
	char		*path;
	struct pm2_log_name name;
};

static int
scan_entry_cmp(const void *a, const void *b)
{
	const struct scan_entry *x = a, *y = b;

	return pm2_log_name_cmp(&x->name, &y->name);
}

/* Adds the PM2 logs of directory PATH to L, oldest first per stream. */
static void
scan_list_dir(struct scan_list *l, const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	struct scan_entry *entries = NULL;
	size_t n = 0;

	if (dir == NULL) {
		scan_list_note(l, path, strerror(errno), true);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		struct pm2_log_name name;
		struct stat st;
		char *full;

		if (de->d_name[0] == '.' ||
		    pm2_log_name_parse(de->d_name, &name) != 0)
			continue;
		full = path_join(path, de->d_name);
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
			/* Named like a log but not one: say so, since a
			 * dangling symlink may be the log someone meant. */
			scan_list_note(l, full, stat(full, &st) != 0 ?
			    strerror(errno) : "not a regular file; skipped",
			    false);
			free(full);
			pm2_log_name_release(&name);
			continue;
		}
		entries = xreallocarray(entries, n + 1, sizeof(*entries));
		entries[n].path = full;
		entries[n].name = name;
		n++;
	}
	closedir(dir);
	if (n == 0)
		scan_list_note(l, path, "no PM2 log files (NAME-out*.log*, "
		    "NAME-error*.log*) in this directory", false);
	if (n > 1)
		qsort(entries, n, sizeof(*entries), scan_entry_cmp);
	for (size_t i = 0; i < n; i++) {
		scan_list_add(l, entries[i].path);
		free(entries[i].path);
		pm2_log_name_release(&entries[i].name);
	}
	free(entries);
}

/*
 * PATH is a PM2 home when it holds pm2.log and logs/: its daemon logs are
 * in it (scan_list_dir reads them), the apps' logs in logs/.  Returns
 * PATH/logs (malloc'd), or NULL when PATH is no PM2 home.
 */
static char *
scan_home_logs(const char *path)
{
	char *daemon = path_join(path, "pm2.log");
	char *logs = path_join(path, "logs");
	struct stat st;
	bool is_home = stat(daemon, &st) == 0 && stat(logs, &st) == 0 &&
	    S_ISDIR(st.st_mode);

	free(daemon);
	if (is_home)
		return logs;
	free(logs);
	return NULL;
}

/*
 * Adds LIVE's rotated copies in its directory (pm2-logrotate's, which
 * rotates every app's out_file and error_file), oldest first, for APP.
 */
static void
scan_list_copies(struct scan_list *l, const char *live, const char *app)
{
	struct pm2_log_name want, name;
	struct scan_entry *entries = NULL;
	const char *slash = strrchr(live, '/');
	/* "/x.log": the root's. */
	char *dir = slash == live ? xstrdup("/") :
	    xstrndup(live, (size_t)(slash - live));
	struct dirent *de;
	size_t n = 0;
	DIR *dh;

	if (pm2_log_name_parse(slash + 1, &want) != 0 ||
	    (dh = opendir(dir[0] != '\0' ? dir : "/")) == NULL) {
		if (want.app != NULL)
			pm2_log_name_release(&want);
		free(dir);
		return;
	}
	while ((de = readdir(dh)) != NULL) {
		if (pm2_log_name_parse(de->d_name, &name) != 0)
			continue;
		if (!name.is_rotated || strcmp(name.app, want.app) != 0 ||
		    name.stream != want.stream ||
		    name.instance != want.instance) {
			pm2_log_name_release(&name);
			continue;
		}
		entries = xreallocarray(entries, n + 1, sizeof(*entries));
		entries[n].path = path_join(dir, de->d_name);
		entries[n].name = name;
		n++;
	}
	closedir(dh);
	if (n > 1)
		qsort(entries, n, sizeof(*entries), scan_entry_cmp);
	for (size_t i = 0; i < n; i++) {
		scan_list_add(l, entries[i].path)->app = xstrdup(app);
		free(entries[i].path);
		pm2_log_name_release(&entries[i].name);
	}
	free(entries);
	pm2_log_name_release(&want);
	free(dir);
}

/*
 * The apps' logs that HOME/dump.pm2 (pm2 save) places outside LOGS, with
 * the app it names: pm2_dump.h.  No dump, or an unreadable one, is no
 * news; a malformed one is a warning.
 */
static void
scan_list_dump(struct scan_list *l, const char *home, const char *logs)
{
	char *path = path_join(home, "dump.pm2"), *err;
	struct pm2_dump d;
	struct stat st;

	switch (pm2_dump_read(path, logs, &d, &err)) {
	case PM2_DUMP_MISSING:
		break;
	case PM2_DUMP_MALFORMED:
		scan_list_note(l, path, err, false);
		free(err);
		break;
	case PM2_DUMP_OK:
		for (size_t i = 0; i < d.nlogs; i++) {
			const struct pm2_dump_log *dl = &d.logs[i];

			if (stat(dl->path, &st) != 0) {
				scan_list_note(l, dl->path, strerror(errno),
				    false);
				continue;
			}
			scan_list_copies(l, dl->path, dl->app);
			scan_list_add(l, dl->path)->app = xstrdup(dl->app);
		}
		break;
	}
	pm2_dump_release(&d);
	free(path);
}

static void
scan_list_home(struct scan_list *l, const char *path)
{
	char *logs = scan_home_logs(path);

	if (logs != NULL) {
		scan_list_dir(l, logs);
		scan_list_dump(l, path, logs);
	}
	free(logs);
}

/*
 * A file listed twice (a symlink beside its target, a directory and a file
 * in it both given) is read once, at its first place: the second would
 * count every record again, under another app's name.
 */
static void
scan_list_once(struct scan_list *l)
{
	struct stat *seen = xcalloc(l->n + 1, sizeof(*seen));
	bool *is_link = xcalloc(l->n + 1, sizeof(*is_link));

	for (size_t i = 0; i < l->n; i++) {
		struct scan_result *r = &l->res[i];
		struct stat lst;
		size_t j, dup;
		char *msg;

		if (strcmp(r->path, "-") == 0 && !r->is_done) {
			/* Standard input is read once. */
			for (j = 0; j < i; j++)
				if (strcmp(l->res[j].path, "-") == 0)
					break;
			if (j < i)
				scan_result_note(r, "listed twice; read once",
				    false);
		}
		if (r->is_done || strcmp(r->path, "-") == 0 ||
		    stat(r->path, &seen[i]) != 0) {
			seen[i].st_ino = 0;
			continue;
		}
		is_link[i] = lstat(r->path, &lst) == 0 && S_ISLNK(lst.st_mode);
		for (j = 0; j < i; j++)
			if (seen[j].st_ino == seen[i].st_ino &&
			    seen[j].st_dev == seen[i].st_dev &&
			    seen[j].st_ino != 0)
				break;
		if (j == i)
			continue;
		/* The file under its own name wins over a symlink to it. */
		dup = is_link[j] && !is_link[i] ? j : i;
		msg = strcmp(l->res[i].path, l->res[j].path) == 0 ?
		    xstrdup("listed twice; read once") :
		    xasprintf("the same file as %s; read once",
		    l->res[dup == i ? j : i].path);
		scan_result_note(&l->res[dup], msg, false);
		seen[dup].st_ino = 0;
		free(msg);
	}
	free(is_link);
	free(seen);
}

int
scan_paths(struct scan *s, char *const *paths, size_t n)
{
	struct scan_list l = { NULL, 0 };

	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (strcmp(paths[i], "-") == 0)
			scan_list_add(&l, paths[i]);
		else if (stat(paths[i], &st) != 0)
			scan_list_note(&l, paths[i], strerror(errno), true);
		else if (S_ISDIR(st.st_mode)) {
			scan_list_dir(&l, paths[i]);
			scan_list_home(&l, paths[i]);
		} else if (!logfile_is_log(paths[i]))
			scan_list_note(&l, paths[i], LOGFILE_SKIPPED, false);
		else
			scan_list_add(&l, paths[i]);
	}
	scan_list_once(&l);
	return scan_files(s, l.res, l.n);
}

int
scan_path(struct scan *s, const char *path)
{
	char *one = (char *)path;

	return scan_paths(s, &one, 1);
}

uint64_t
scan_path_size(const char *path)
{
	struct stat st;
	struct dirent *de;
	uint64_t total = 0;
	DIR *dir;
	char *logs;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return (uint64_t)st.st_size;
	logs = scan_home_logs(path);
	if (logs != NULL)
		total = scan_path_size(logs);
	free(logs);
	dir = opendir(path);
	if (dir == NULL)
		return 0;
	/* The same files as scan_list_dir reads. */
	while ((de = readdir(dir)) != NULL) {
		struct pm2_log_name name;
		char *full;

		if (de->d_name[0] == '.' ||
		    pm2_log_name_parse(de->d_name, &name) != 0)
			continue;
		pm2_log_name_release(&name);
		full = path_join(path, de->d_name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
		free(full);
	}
	closedir(dir);
	return total;
}

const struct pipeline_first *
scan_file_first(const struct scan *s, const struct scan_file *f,
    size_t set_idx, size_t class_idx)
{
	size_t k = 0;

	for (size_t i = 0; i < set_idx; i++)
		k += s->sets[i]->nfailure + 2;
	return &f->first[k + class_idx];
}

void
scan_free(struct scan *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].path);
		free(s->files[i].app);
		free(s->files[i].first);
	}
	for (size_t i = 0; i < s->nerrors; i++) {
		free(s->errors[i].path);
		free(s->errors[i].message);
	}
	free(s->files);
	free(s->errors);
	aggregate_free(s->agg);
	scan_pm2_release(&s->pm2);
	free(s);
}

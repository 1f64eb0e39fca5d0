/*
 * scan: see scan.h.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "pm2.h"
#include "scan.h"
#include "source.h"
#include "xmalloc.h"

#define SCAN_BUFSIZE	(256 * 1024)

struct scan *
scan_new(struct match_set **sets, size_t nsets,
    const struct pipeline_options *opts)
{
	struct scan *s = xcalloc(1, sizeof(*s));

	s->sets = sets;
	s->nsets = nsets;
	s->opts = *opts;
	s->agg = aggregate_new(sets, nsets);
	s->buf = xmalloc(SCAN_BUFSIZE);
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
	log_error("%s: %s", path, message);
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
	struct scan *s = ctx;

	aggregate_add(s->agg, o->set_idx, o->app, o->outcome, o->class_idx,
	    o->record->ts_ms);
	if (s->on_outcome != NULL)
		s->on_outcome(s->hook_ctx, s->files[s->nfiles - 1].path, o);
}

static int
scan_file(struct scan *s, const char *path)
{
	struct pipeline_sink sink = { scan_outcome, s };
	char err[512];
	struct source *src;
	struct pipeline *p;
	struct scan_file *f;
	enum source_result r;
	size_t n, k = 0;
	int rc = 0;

	src = source_open(path, err, sizeof(err));
	if (src == NULL) {
		/* source_open's message already names the file. */
		const char *msg = strncmp(err, path, strlen(path)) == 0 &&
		    err[strlen(path)] == ':' ? err + strlen(path) + 2 : err;

		scan_add_error(s, path, 0, msg);
		return -1;
	}
	s->files = xreallocarray(s->files, s->nfiles + 1, sizeof(*s->files));
	f = &s->files[s->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->app = scan_app_name(path);
	f->is_gz = source_is_gz(src);
	p = pipeline_new(s->sets, s->nsets, &sink, f->app, path, &s->opts);
	if (s->on_read != NULL)
		s->on_read(s->hook_ctx, path, 0);
	while ((r = source_read(src, s->buf, SCAN_BUFSIZE, &n)) == SOURCE_OK) {
		pipeline_feed(p, s->buf, n);
		if (s->on_read != NULL)
			s->on_read(s->hook_ctx, path, source_raw_offset(src));
	}
	/* Damaged input keeps its complete lines only. */
	pipeline_finish(p, r == SOURCE_EOF);
	if (r == SOURCE_ERROR) {
		scan_add_error(s, path, source_raw_offset(src),
		    source_error(src));
		rc = -1;
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
	return rc;
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

static int
scan_dir(struct scan *s, const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	struct scan_entry *entries = NULL;
	size_t n = 0;
	int rc = 0;

	if (dir == NULL) {
		scan_add_error(s, path, 0, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		struct pm2_log_name name;
		struct stat st;
		char *full;

		if (de->d_name[0] == '.' ||
		    pm2_log_name_parse(de->d_name, &name) != 0)
			continue;
		full = xasprintf("%s/%s", path, de->d_name);
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
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
		log_warnx("%s: no PM2 log files (NAME-out*.log*, "
		    "NAME-error*.log*) in this directory", path);
	if (n > 1)
		qsort(entries, n, sizeof(*entries), scan_entry_cmp);
	for (size_t i = 0; i < n; i++) {
		if (scan_file(s, entries[i].path) != 0)
			rc = -1;
		free(entries[i].path);
		pm2_log_name_release(&entries[i].name);
	}
	free(entries);
	return rc;
}

int
scan_path(struct scan *s, const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return scan_file(s, path);
	if (stat(path, &st) != 0) {
		scan_add_error(s, path, 0, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return scan_dir(s, path);
	return scan_file(s, path);
}

uint64_t
scan_path_size(const char *path)
{
	struct stat st;
	struct dirent *de;
	uint64_t total = 0;
	DIR *dir;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return (uint64_t)st.st_size;
	dir = opendir(path);
	if (dir == NULL)
		return 0;
	/* The same files as scan_dir reads. */
	while ((de = readdir(dir)) != NULL) {
		struct pm2_log_name name;
		char *full;

		if (de->d_name[0] == '.' ||
		    pm2_log_name_parse(de->d_name, &name) != 0)
			continue;
		pm2_log_name_release(&name);
		full = xasprintf("%s/%s", path, de->d_name);
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
	free(s->buf);
	free(s);
}

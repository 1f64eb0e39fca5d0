/*
 * scan: see scan.h.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "logfile.h"
#include "path.h"
#include "pm2.h"
#include "pm2_dump.h"
#include "pm2_skew.h"
#include "scan.h"
#include "scan_int.h"
#include "xmalloc.h"

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

int
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
	if (r->series != NULL)
		series_merge(s->series, r->series);
	series_free(r->series);
	if (r->error != NULL)
		scan_add_error(s, r->path, r->error_offset, r->error);
	free(r->error);
	free(r->path);
	free(r->app);
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

/* Notes the log NAME in DIR (a path when DIR is NULL), compressed
 * with PROG, which we do not read: an error, so that the report is not
 * taken for the whole (logfile_unread_compression). */
static void
scan_list_unread(struct scan_list *l, const char *dir, const char *name,
    const char *prog)
{
	char *full = dir != NULL ? path_join(dir, name) : xstrdup(name);
	char *msg = logfile_unread_message(prog, full);

	scan_list_note(l, full, msg, true);
	free(msg);
	free(full);
}

/*
 * Stats PATH, a file given by name or a directory's entry named like a
 * log, into ST.  Returns 0; or -1 when it cannot be looked at (a symlink
 * loop, a dangling symlink, a directory it may not search), noted in L as
 * an error: a log that cannot be read leaves the report short (exit 1),
 * whichever way it was reached.
 */
static int
scan_list_stat(struct scan_list *l, const char *path, struct stat *st)
{
	struct stat lst;
	char target[256], *msg;
	ssize_t n;
	int err;

	if (stat(path, st) == 0)
		return 0;
	err = errno;
	/* `ls` shows a dangling symlink: say why it "does not exist". */
	if (err == ENOENT && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
	    (n = readlink(path, target, sizeof(target) - 1)) >= 0) {
		target[n] = '\0';
		msg = xasprintf("a symbolic link to %s, which is not there",
		    target);
		scan_list_note(l, path, msg, true);
		free(msg);
	} else
		scan_list_note(l, path, strerror(err), true);
	return -1;
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

/*
 * Adds the PM2 logs of directory PATH to L, oldest first per stream, and
 * warns when it holds none: IS_HOME, PATH is a PM2 home, whose logs there
 * are the daemon's.  A log named so but not read (not a regular file, a
 * dangling symlink, compressed by another program) was noted already:
 * the warning then says none "can be read", not that there is none.
 */
static void
scan_list_dir(struct scan_list *l, const char *path, bool is_home)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	struct scan_entry *entries = NULL;
	size_t n = 0, nskipped = 0;

	if (dir == NULL) {
		scan_list_note(l, path, strerror(errno), true);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		struct pm2_log_name name;
		struct stat st;
		char *full;
		bool is_log;

		if (de->d_name[0] == '.')
			continue;
		if (pm2_log_name_parse(de->d_name, &name) != 0) {
			const char *prog = logfile_unread_compression(
			    de->d_name, true);

			if (prog != NULL) {
				scan_list_unread(l, path, de->d_name, prog);
				nskipped++;
			}
			continue;
		}
		full = path_join(path, de->d_name);
		is_log = scan_list_stat(l, full, &st) == 0;
		if (is_log && !S_ISREG(st.st_mode)) {
			/* Named like a log but not one (a FIFO, a
			 * directory): said, since it may be what someone
			 * meant, and skipped. */
			scan_list_note(l, full, "not a regular file; skipped",
			    false);
			is_log = false;
		}
		if (!is_log) {
			nskipped++;
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
	if (n == 0 && is_home)
		/* The daemon's log is what tells restarts and exits: a
		 * home without it is read, but not as the whole. */
		scan_list_note(l, path, nskipped > 0 ? "no PM2 daemon log "
		    "(pm2.log*) that can be read in this PM2 home; its apps' "
		    "logs in logs/ are read, their restarts and exits are "
		    "not" : "no PM2 daemon log (pm2.log*) in this PM2 home; "
		    "its apps' logs in logs/ are read, their restarts and "
		    "exits are not", false);
	else if (n == 0)
		scan_list_note(l, path, nskipped > 0 ? "no PM2 log file "
		    "(NAME-out*.log*, NAME-error*.log*) that can be read in "
		    "this directory" : "no PM2 log files (NAME-out*.log*, "
		    "NAME-error*.log*) in this directory", false);
	if (n > 1)
		qsort(entries, n, sizeof(*entries), scan_entry_cmp);
	for (size_t i = 0; i < n; i++) {
		scan_list_add(l, entries[i].path)->is_live =
		    !entries[i].name.is_rotated;
		free(entries[i].path);
		pm2_log_name_release(&entries[i].name);
	}
	free(entries);
}

/* DIR holds a file named as a PM2 log. */
static bool
scan_dir_has_log(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	bool has = false;

	if (dir == NULL)
		return false;
	while (!has && (de = readdir(dir)) != NULL) {
		struct pm2_log_name name;

		if (de->d_name[0] == '.' ||
		    pm2_log_name_parse(de->d_name, &name) != 0)
			continue;
		pm2_log_name_release(&name);
		has = true;
	}
	closedir(dir);
	return has;
}

/*
 * PATH is a PM2 home when it holds logs/ and either pm2.log or PM2 logs in
 * logs/: its daemon logs are in it (scan_list_dir reads them), the apps'
 * logs in logs/.  pm2.log alone is not enough to tell: pm2-logrotate
 * may have just rotated it, or the daemon not written it yet, and the
 * apps' logs are then as much there as ever.  Returns PATH/logs
 * (malloc'd), or NULL when PATH is no PM2 home.
 */
static char *
scan_home_logs(const char *path)
{
	char *daemon = path_join(path, "pm2.log");
	char *logs = path_join(path, "logs");
	struct stat st;
	bool is_home = stat(logs, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (stat(daemon, &st) == 0 || scan_dir_has_log(logs));

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
	struct scan_result *r;
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
			r = scan_list_add(l, dl->path);
			r->app = xstrdup(dl->app);
			r->is_live = true;
		}
		break;
	}
	pm2_dump_release(&d);
	free(path);
}

/* Adds directory PATH's logs to L: a PM2 home's (scan_home_logs) or a
 * logs directory's. */
static void
scan_list_path_dir(struct scan_list *l, const char *path)
{
	char *logs = scan_home_logs(path);

	if (logs == NULL) {
		scan_list_dir(l, path, false);
		return;
	}
	scan_list_dir(l, path, true);
	scan_list_dir(l, logs, false);
	scan_list_dump(l, path, logs);
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

/*
 * Warns when the live logs of the PM2 homes and logs directories in L
 * are stamped a time zone away from omniwatch's (pm2_skew.h, the rule
 * check and watch apply): the report's steps and --since and --until
 * then place their records hours off.  A file named on its own, or a
 * rotated copy, may be a copy whose mtime is the copy's, and is not
 * judged.
 */
static void
scan_warn_skew(const struct scan_list *l)
{
	struct pm2_skew_tally t;
	char *msg;

	memset(&t, 0, sizeof(t));
	for (size_t i = 0; i < l->n; i++)
		if (l->res[i].is_live && !l->res[i].is_done)
			pm2_skew_tally_file(&t, l->res[i].path);
	if ((msg = pm2_skew_tally_describe(&t)) != NULL)
		log_warnx("%s", msg);
	free(msg);
}

int
scan_paths(struct scan *s, char *const *paths, size_t n)
{
	struct scan_list l = { NULL, 0 };

	for (size_t i = 0; i < n; i++) {
		struct stat st;
		const char *prog;

		if (strcmp(paths[i], "-") == 0)
			scan_list_add(&l, paths[i]);
		else if (lstat(paths[i], &st) == 0 && S_ISLNK(st.st_mode) &&
		    stat(paths[i], &st) != 0 && !logfile_is_log(paths[i]))
			/* A broken link a glob picked up, named like no
			 * log: skipped as any such file is. */
			scan_list_note(&l, paths[i], LOGFILE_SKIPPED, false);
		else if (scan_list_stat(&l, paths[i], &st) != 0)
			continue;
		else if (S_ISDIR(st.st_mode))
			scan_list_path_dir(&l, paths[i]);
		else if ((prog = logfile_unread_compression(paths[i],
		    false)) != NULL)
			scan_list_unread(&l, NULL, paths[i], prog);
		else if (!logfile_is_log(paths[i]))
			scan_list_note(&l, paths[i], LOGFILE_SKIPPED, false);
		else
			scan_list_add(&l, paths[i]);
	}
	scan_list_once(&l);
	scan_warn_skew(&l);
	return scan_read_files(s, l.res, l.n);
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

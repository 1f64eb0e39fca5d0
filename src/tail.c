/*
 * tail: the driver of the tailer (see tail.h for what is handled and
 * why, tail_int.h for where each part lives).  It owns the inotify
 * descriptor and the directories it watches, hands each event to the
 * file it concerns (tail_file.c), sweeps, and saves the offsets.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"
#include "path.h"
#include "pm2_dump.h"
#include "sandbox.h"
#include "stamp.h"
#include "summary.h"
#include "tail_int.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------------
 * Directories.
 */

static void
tail_dir_watch(struct tail *t, struct tail_dir *d)
{
	char real[PATH_MAX];

	if (d->wd >= 0)
		return;
	if (realpath(d->path, real) == NULL) {
		/* Not there yet (PM2 not started?): the sweep tries again.
		 * Said once, since a typo here means nothing is watched. */
		if (!d->warned_missing)
			log_warnx("%s: %s; watching for it to appear", d->path,
			    strerror(errno));
		d->warned_missing = true;
		return;
	}
	d->warned_missing = false;
	d->wd = inotify_add_watch(t->ifd, d->path, TAIL_DIR_EVENTS);
	if (d->wd < 0) {
		if (errno == ENOSPC && !t->warned_enospc) {
			t->warned_enospc = true;
			log_warnx("%s: out of inotify watches (raise the "
			    "sysctl fs.inotify.max_user_watches); polling "
			    "its files every %d ms instead", d->path,
			    TAIL_POLL_MS);
		} else if (errno != ENOSPC && !d->warned_unwatched)
			/* Once: the sweep tries again every few seconds
			 * (tester12 saw 12 lines a minute). */
			log_warn("%s: cannot watch", d->path);
		d->warned_unwatched = errno != ENOSPC;
		t->is_polling = true;
		return;
	}
	d->warned_unwatched = false;
	free(d->real);
	d->real = xstrdup(real);
}

static void
tail_dir_add(struct tail *t, const char *path, const struct config_source *src,
    bool is_home)
{
	for (size_t i = 0; i < t->ndirs; i++)
		if (strcmp(t->dirs[i].path, path) == 0 && t->dirs[i].src == src)
			return;
	t->dirs = xreallocarray(t->dirs, t->ndirs + 1, sizeof(*t->dirs));
	memset(&t->dirs[t->ndirs], 0, sizeof(*t->dirs));
	t->dirs[t->ndirs].path = xstrdup(path);
	t->dirs[t->ndirs].wd = -1;
	t->dirs[t->ndirs].src = src;
	t->dirs[t->ndirs].is_home = is_home;
	t->ndirs++;
}

/*
 * Calls FN for each live file of directory D.  A directory that is there
 * but cannot be listed is said once (until it can be): its logs are not
 * followed, and the cause is ours to name -- its permissions, or
 * watch's sandbox, fixed at start, which a directory a later `pm2 save`
 * names (an out_file elsewhere) is outside of (sandbox_hint).
 */
void
tail_dir_each(struct tail *t, struct tail_dir *d,
    void (*fn)(struct tail *t, const char *path, void *ctx), void *ctx)
{
	DIR *dh = opendir(d->path);
	struct dirent *de;

	if (dh == NULL) {
		int e = errno;

		if (e != ENOENT && e != ENOTDIR && !d->warned_unlisted)
			log_warnx("%s: cannot list it: %s%s; the logs in it "
			    "are not followed", d->path, strerror(e),
			    sandbox_hint(d->path, e));
		d->warned_unlisted = e != ENOENT && e != ENOTDIR;
		return;
	}
	d->warned_unlisted = false;
	while ((de = readdir(dh)) != NULL) {
		char *full;

		if (de->d_name[0] == '.')
			continue;
		full = path_join(d->path, de->d_name);
		if (tail_is_live(d, de->d_name, full))
			fn(t, full, ctx);
		free(full);
	}
	closedir(dh);
}

static void
tail_dir_add_cb(void *ctx, const char *path, const struct config_source *src,
    bool is_home)
{
	tail_dir_add(ctx, path, src, is_home);
}

/* The directories the sources name, and those of dump.pm2's logs. */
void
tail_dirs_update(struct tail *t)
{
	for (size_t i = 0; i < t->cfg->nsources; i++)
		tail_source_dirs(&t->cfg->sources[i], tail_dir_add_cb, t);
	for (size_t i = 0; i < t->ndump_srcs; i++)
		tail_source_dirs(&t->dump_srcs[i], tail_dir_add_cb, t);
	for (size_t i = 0; i < t->ndirs; i++)
		tail_dir_watch(t, &t->dirs[i]);
}

static void
tail_sweep_one(struct tail *t, const char *path, void *ctx)
{
	tail_check_path(t, path);
}

/*
 * Marks the live files of directory D for a look at their copies
 * (tail_check_copied) before they are read: no event tells of a copy
 * there (D is polled, or events were lost), and a file read on past a
 * copy made meanwhile could not tell it from a copytruncate.
 */
static void
tail_dir_mark_copied(struct tail *t, const struct tail_dir *d)
{
	for (struct tail_file *f = t->files; f != NULL; f = f->next) {
		char *name;

		if (f->is_rotated || f->is_copy_only)
			continue;
		name = tail_name_in(d->path, f->path);
		if (name != NULL)
			f->is_copied = true;
		free(name);
	}
}

/*
 * The sweep: directories that appeared or were re-pointed (symlinks),
 * files inotify did not tell us about, and every followed file re-stated.
 * After events were lost (IS_BLIND: the queue overflowed, a directory
 * moved) or where none come (a directory polled), a copy may have come
 * unannounced: every live file's copies are looked at (tail_check_copied).
 */
static void
tail_sweep(struct tail *t, bool is_blind)
{
	t->is_polling = false;
	for (size_t i = 0; i < t->ndirs; i++) {
		struct tail_dir *d = &t->dirs[i];
		char real[PATH_MAX];

		if (d->wd >= 0 && (realpath(d->path, real) == NULL ||
		    strcmp(real, d->real) != 0)) {
			log_info("%s: now points elsewhere; watching it again",
			    d->path);
			inotify_rm_watch(t->ifd, d->wd);
			for (size_t j = 0; j < t->ndirs; j++)
				if (j != i && t->dirs[j].wd == d->wd)
					t->dirs[j].wd = -1;
			d->wd = -1;
		}
	}
	tail_dirs_update(t);
	/* Copies may have come without an event (no inotify, overflow). */
	t->is_seen_dirty = true;
	t->is_home_dirty = true;
	for (size_t i = 0; i < t->ndirs; i++)
		if (is_blind || t->dirs[i].wd < 0)
			tail_dir_mark_copied(t, &t->dirs[i]);
	for (size_t i = 0; i < t->ndirs; i++)
		tail_dir_each(t, &t->dirs[i], tail_sweep_one, NULL);
	for (struct tail_file *f = t->files; f != NULL; f = f->next)
		if (!f->is_rotated)
			tail_check_path(t, f->path);
}

/* ---------------------------------------------------------------------
 * Events and time.
 */

static struct tail_dir *
tail_dir_by_wd(struct tail *t, int wd)
{
	for (size_t i = 0; i < t->ndirs; i++)
		if (t->dirs[i].wd == wd)
			return &t->dirs[i];
	return NULL;
}

/*
 * EV names a file in directory D.  A write to a file we follow, or its
 * close (a writer that opens the file for every line), does not change
 * which file is there: it only marks the file, read once when the whole
 * batch of events has been taken, however many writes it holds.  Anything
 * else may have (a rename, a create, a delete; each comes with an event
 * of its own), and is looked at now.  Called for every event: the path is
 * built on the stack.
 */
static void
tail_event_name(struct tail *t, struct tail_dir *d,
    const struct inotify_event *ev)
{
	char buf[PATH_MAX];
	size_t len = path_join_buf(buf, sizeof(buf), d->path, ev->name);
	char *full = len < sizeof(buf) ? buf : path_join(d->path, ev->name);

	if (tail_is_live(d, ev->name, full)) {
		struct tail_file *f = ev->mask == IN_MODIFY ||
		    ev->mask == IN_CLOSE_WRITE ? tail_find_path(t, full) :
		    NULL;

		if (f != NULL)
			f->is_dirty = true;
		else
			tail_check_path(t, full);
	} else {
		t->is_seen_dirty = true;
		/* A copy made, renamed here or finished (not each write:
		 * the look waits for it to settle anyway). */
		if (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE))
			tail_mark_copied(t, d, ev->name);
		if (d->is_home)
			t->is_home_dirty = true;
		/* PM2 makes PM2_HOME/logs as it first starts: watched at
		 * once, not at the next sweep, so that the first apps' first
		 * records are read as they come. */
		if (d->is_home && (ev->mask & IN_ISDIR) &&
		    (ev->mask & (IN_CREATE | IN_MOVED_TO)))
			t->is_dir_born = true;
		else if (ev->mask == IN_MODIFY)
			tail_check_let_go(t, full);
	}
	if (full != buf)
		free(full);
}

/* Reads the rotated files and lets go of the finished ones. */
static void
tail_rotated_turn(struct tail *t)
{
	struct tail_file *f, *next;

	for (f = t->files; f != NULL; f = next) {
		struct stat st;

		next = f->next;
		if (!f->is_rotated)
			continue;
		tail_read(f);
		if (f->has_more)
			continue;
		if (fstat(f->fd, &st) != 0 || st.st_nlink == 0)
			tail_file_drop(f);
		else if (t->now_ms - f->last_growth_ms >=
		    t->cfg->rotate_wait_ms)
			tail_let_go(f, &st);
	}
}

size_t
tail_events(struct tail *t, int64_t now_ms)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool overflow = false;
	size_t nevents = 0;
	ssize_t n;

	t->now_ms = now_ms;
	/* The whole batch first: every pending event, then each file it
	 * marked read once. */
	while ((n = read(t->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			struct tail_dir *d;

			p += sizeof(*ev) + ev->len;
			nevents++;
			if (ev->mask & IN_Q_OVERFLOW) {
				overflow = true;
				continue;
			}
			d = tail_dir_by_wd(t, ev->wd);
			if (d == NULL)
				continue;
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF |
			    IN_IGNORED)) {
				log_info("%s: directory went away; watching "
				    "for it to come back", d->path);
				for (size_t j = 0; j < t->ndirs; j++)
					if (t->dirs[j].wd == ev->wd)
						t->dirs[j].wd = -1;
				overflow = true;	/* sweep at once */
				continue;
			}
			if (ev->len == 0)
				continue;
			/* Every source watching this directory looks. */
			for (size_t j = 0; j < t->ndirs; j++)
				if (t->dirs[j].wd == ev->wd)
					tail_event_name(t, &t->dirs[j], ev);
		}
		/* Room was left for the longest event: the queue was empty
		 * when read (inotify(7) returns all the events that fit), and
		 * a later event makes epoll ready again.  Reading on until
		 * EAGAIN would cost a read per batch for nothing. */
		if ((size_t)n + sizeof(struct inotify_event) + NAME_MAX + 1 <=
		    sizeof(buf))
			break;
	}
	for (struct tail_file *f = t->files; f != NULL; f = f->next)
		if (f->is_dirty) {
			f->is_dirty = false;
			tail_read(f);
		}
	if (overflow) {
		log_warnx("inotify queue overflowed or a directory moved; "
		    "sweeping now");
		tail_sweep(t, true);
	} else if (t->is_dir_born)
		/* Its events before it was watched are not known. */
		tail_sweep(t, true);
	t->is_dir_born = false;
	tail_rotated_turn(t);
	return nevents;
}

void
tail_tick(struct tail *t, int64_t now_ms)
{
	t->now_ms = now_ms;
	if (now_ms >= t->next_sweep_ms) {
		tail_sweep(t, false);
		t->next_sweep_ms = now_ms + t->cfg->sweep_ms;
	} else if (t->is_polling) {
		for (size_t i = 0; i < t->ndirs; i++)
			if (t->dirs[i].wd < 0) {
				tail_dir_mark_copied(t, &t->dirs[i]);
				tail_dir_each(t, &t->dirs[i], tail_sweep_one,
				    NULL);
				if (t->dirs[i].is_home)
					t->is_home_dirty = true;
			}
	}
	for (struct tail_file *f = t->files; f != NULL; f = f->next) {
		if (f->has_more || (f->is_copied && f->copied_due_ms != 0 &&
		    now_ms >= f->copied_due_ms))
			tail_read(f);
		if (f->flush_at_ms != 0 && now_ms >= f->flush_at_ms) {
			pipeline_flush(f->pipeline);
			f->flush_at_ms = 0;
		}
	}
	tail_rotated_turn(t);
}

int64_t
tail_deadline(const struct tail *t, int64_t now_ms)
{
	int64_t d = t->next_sweep_ms;

	if (t->is_polling && now_ms + TAIL_POLL_MS < d)
		d = now_ms + TAIL_POLL_MS;
	for (const struct tail_file *f = t->files; f != NULL; f = f->next) {
		if (f->has_more)
			return now_ms;
		if (f->flush_at_ms != 0 && f->flush_at_ms < d)
			d = f->flush_at_ms;
		if (f->copied_due_ms != 0 && f->copied_due_ms < d)
			d = f->copied_due_ms;
		if (f->is_rotated) {
			int64_t r = f->last_growth_ms + t->cfg->rotate_wait_ms;

			if (r > now_ms + TAIL_POLL_MS)
				r = now_ms + TAIL_POLL_MS;
			if (r < d)
				d = r;
		}
	}
	return d;
}

void
tail_save(struct tail *t, bool flush)
{
	/* The wall clock, not t->now_ms: check compares a file's save with
	 * its own clock. */
	int64_t now_ms = stamp_now_ms();

	/* For check and the metrics; a start goes by the copies seen. */
	state_meta_set(t->st, "last_commit_ms", now_ms);
	/* Which config and pattern sets the counts are of (check compares
	 * them with the files as they are now: edited but not reloaded, or
	 * another config's). */
	summary_config_save(t->st, t->cfg->digest, t->sets, t->nsets);
	tail_seen_commit(t);
	for (struct tail_file *f = t->files; f != NULL; f = f->next) {
		struct state_file sf;
		struct stat st;

		if (flush)
			pipeline_flush(f->pipeline);
		/* A file we last saw empty (just truncated) gets its head now
		 * if it has one: an empty head tells no generation from the
		 * next, and a start could not see the rotations after it. */
		if (f->fp_len == 0 && !f->is_rotated &&
		    fstat(f->fd, &st) == 0 && st.st_size > 0)
			tail_fp_check(f, &st);
		sf.dev = f->dev;
		sf.ino = f->ino;
		sf.fp_len = f->fp_len;
		sf.fp_crc = f->fp_crc;
		sf.offset = pipeline_safe_offset(f->pipeline);
		sf.path = f->path;
		sf.updated_ms = now_ms;
		sf.at_offset = f->at_len > 0 ? f->offset : 0;
		sf.at_len = f->at_len;
		sf.at_crc = f->at_len > 0 ? (uint32_t)crc32(0L, f->at,
		    f->at_len) : 0;
		if (sf.offset == f->saved_offset &&
		    sf.fp_len == f->saved_fp_len &&
		    sf.fp_crc == f->saved_fp_crc)
			continue;
		if (state_file_save(t->st, &sf) == 0) {
			f->saved_offset = sf.offset;
			f->saved_fp_len = sf.fp_len;
			f->saved_fp_crc = sf.fp_crc;
		}
	}
}

void
tail_status(const struct tail *t)
{
	for (const struct tail_file *f = t->files; f != NULL; f = f->next) {
		struct stat st;
		uint64_t size = fstat(f->fd, &st) == 0 ? (uint64_t)st.st_size :
		    0;

		log_notice("status: %s inode=%llu offset=%llu lag=%llu%s",
		    f->path, (unsigned long long)f->ino,
		    (unsigned long long)f->offset,
		    (unsigned long long)(size > f->offset ? size - f->offset :
		    0), f->is_rotated ? " (rotated, draining)" : "");
	}
}

const struct tail_stats *
tail_stats(const struct tail *t)
{
	return &t->stats;
}

void
tail_files_each(const struct tail *t, void (*fn)(void *ctx,
    const char *path, const char *app, uint64_t offset), void *ctx)
{
	for (const struct tail_file *f = t->files; f != NULL; f = f->next)
		fn(ctx, f->path, f->app != NULL ? f->app : "", f->offset);
}

uint64_t
tail_uncounted_bytes(const struct tail *t)
{
	uint64_t sum = 0;

	for (const struct tail_file *f = t->files; f != NULL; f = f->next) {
		uint64_t counted = pipeline_safe_offset(f->pipeline);
		struct stat st;

		if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size > counted)
			sum += (uint64_t)st.st_size - counted;
	}
	return sum;
}

int
tail_fd(const struct tail *t)
{
	return t->ifd;
}

bool
tail_home_changed(struct tail *t)
{
	bool changed = t->is_home_dirty;

	t->is_home_dirty = false;
	return changed;
}

struct tail *
tail_new(const struct config *cfg, struct match_set **sets, size_t nsets,
    struct state *st, const struct tail_cb *cb, char **err)
{
	struct tail *t = xcalloc(1, sizeof(*t));

	*err = NULL;
	t->cfg = cfg;
	t->sets = sets;
	t->nsets = nsets;
	t->st = st;
	t->cb = *cb;
	t->popts.max_line = cfg->max_line;
	t->popts.max_record_lines = cfg->max_lines;
	t->popts.max_record_bytes = cfg->max_bytes;
	t->popts.since = STAMP_NONE;
	t->popts.until = STAMP_NONE;
	t->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (t->ifd < 0) {
		*err = xasprintf("inotify_init1: %s (raise the sysctl "
		    "fs.inotify.max_user_instances)", strerror(errno));
		free(t);
		return NULL;
	}
	t->buf = xmalloc(TAIL_BUFSIZE);
	t->is_home_dirty = true;	/* until the directories are watched */
	return t;
}

void
tail_free(struct tail *t)
{
	struct tail_file *f, *next;

	if (t == NULL)
		return;
	for (f = t->files; f != NULL; f = next) {
		next = f->next;
		tail_file_free(f);
	}
	for (size_t i = 0; i < t->ndirs; i++) {
		free(t->dirs[i].path);
		free(t->dirs[i].real);
	}
	free(t->dirs);
	tail_seen_release(&t->seen);
	for (size_t i = 0; i < t->ndump_srcs; i++)
		free(t->dump_srcs[i].path);
	free(t->dump_srcs);
	tail_refused_free(t);
	tail_gone_free_all(t);
	tail_index_free(t);
	if (t->ifd >= 0)
		close(t->ifd);
	free(t->buf);
	free(t);
}


/*
 * Does watch follow LOG of dump.pm2?  It is followed as a pattern: one
 * with glob characters would match other files, or none, so it is not
 * (warned of when WARN).
 */
static bool
tail_dump_followed(const struct pm2_dump_log *log, bool warn)
{
	if (strpbrk(log->path, "*?[\\") == NULL)
		return true;
	if (warn)
		log_warnx("%s: the log of app '%s' in dump.pm2 has glob "
		    "characters in its name; not followed", log->path,
		    log->app);
	return false;
}

void
tail_set_dump(struct tail *t, const struct pm2_dump *d)
{
	t->dump = d;
	for (size_t i = 0; d != NULL && i < d->nlogs; i++) {
		if (!tail_dump_followed(&d->logs[i], true))
			continue;
		t->dump_srcs = xreallocarray(t->dump_srcs, t->ndump_srcs + 1,
		    sizeof(*t->dump_srcs));
		memset(&t->dump_srcs[t->ndump_srcs], 0,
		    sizeof(*t->dump_srcs));
		t->dump_srcs[t->ndump_srcs++].path = xstrdup(d->logs[i].path);
	}
}

void
tail_dump_live_files(const struct pm2_dump *d, void (*fn)(void *ctx,
    const char *path), void *ctx)
{
	for (size_t i = 0; d != NULL && i < d->nlogs; i++) {
		struct stat st;

		if (tail_dump_followed(&d->logs[i], false) &&
		    stat(d->logs[i].path, &st) == 0 && S_ISREG(st.st_mode))
			fn(ctx, d->logs[i].path);
	}
}

/*
 * tail_start: a start of watch, and what was written while it was not
 * running.  In order:
 *  1. Each live file the state knows (same device and inode at its path)
 *     is read from its saved offset; if it was truncated, rewritten or
 *     copied away since (its size, head or a copy made after its save
 *     says so), what it held past the offset is read from the copy that
 *     has its head, and every later copy whole (tail_copy.c).  A copy
 *     the file still holds whole (logrotate's copy, which leaves the
 *     original as it is: tail_copy_is_kept) is no rotation: noted as
 *     read, and the file read on from its offset.
 *  2. A known file no longer at its path is looked for in its directory
 *     by inode (logrotate's rename) and finished from its offset; if it
 *     is gone (compressed, deleted), from the copy that has its head.
 *  3. A live file the state does not know is new: read from 0 (before
 *     the very first start, tail.start_at decides).
 *  4. The orphans: every copy in a source's directory when this start
 *     began that the last commit did not see (tail_copy_seen.c: by device,
 *     inode, size and head, never by time; grown since is still seen),
 *     not read in 1-2, not read or let go before (tail_copy_counted_to),
 *     and not a copy of a known file still at its path, is text no commit
 *     has counted (a file born, written and rotated while watch was down,
 *     a new file at a known file's path): read whole, oldest first.  A
 *     copy the last commit saw was read then, or belongs to a file that
 *     had been let go: it is never read again, but for what a writer
 *     appended to a file after we let it go (PM2 without `pm2
 *     reloadLogs`), read from where we let it go.
 * "Made since the last commit" in 1-2 means the same: not in the set the
 * last commit saw.  An older state without that set takes the copies no
 * later than its last commit as seen (tail_seen_load).
 */
#include "autoconf.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "stamp.h"
#include "tail_int.h"
#include "xmalloc.h"


struct tail_start {
	struct state_file *saved;
	size_t		 nsaved;
	bool		*used;
	bool		 is_first;
	/* The copies there before any file was looked at: one made since
	 * is a rotation the live file tells of (tail_read), of text this
	 * start may have read from it. */
	struct tail_copy *present;
	size_t		 npresent;
};

/* Looks in PATH's directory for the file with inode INO. */
static char *
tail_find_in_dir(const char *path, uint64_t dev, uint64_t ino)
{
	char *copy = xstrdup(path), *dir = dirname(copy), *found = NULL;
	DIR *dh = opendir(dir);
	struct dirent *de;

	while (dh != NULL && (de = readdir(dh)) != NULL) {
		struct stat st;
		char *p;

		if ((uint64_t)de->d_ino != ino)
			continue;
		p = path_join(dir, de->d_name);
		if (stat(p, &st) == 0 && (uint64_t)st.st_dev == dev &&
		    (uint64_t)st.st_ino == ino) {
			found = p;
			break;
		}
		free(p);
	}
	if (dh != NULL)
		closedir(dh);
	free(copy);
	return found;
}

/*
 * A saved file whose inode is gone (compressed, or deleted after it was
 * copied): what it held past its offset is read from the copy beside its
 * path that has its head, and later copies whole, as for a truncation.
 * Deleted with no such copy, what was written to it after our last
 * commit is lost, and we say so: nothing tells whether that was nothing.
 */
static void
tail_resume_gone(struct tail *t, const struct state_file *sf)
{
	struct stat st;
	struct tail_file *f;

	/* Inode 0: no copy is left out as being this file; a reused
	 * inode is another file's now, and may be one of the copies. */
	memset(&st, 0, sizeof(st));
	st.st_dev = (dev_t)sf->dev;
	f = tail_file_new(t, sf->path, -1, &st);
	f->is_copy_only = true;
	f->offset = sf->offset;
	f->fp_len = sf->fp_len;
	f->fp_crc = sf->fp_crc;
	pipeline_reset(f->pipeline, sf->offset);
	log_info("%s: inode %llu is gone; looking for its copy to finish it "
	    "from offset %llu", sf->path, (unsigned long long)sf->ino,
	    (unsigned long long)sf->offset);
	if (!tail_drain_copy(f, &t->seen) && sf->fp_len > 0)
		log_warnx("%s: inode %llu was deleted while we were stopped, "
		    "and no copy beside it has its head: what was written to "
		    "it after offset %llu, if anything, cannot be read",
		    sf->path, (unsigned long long)sf->ino,
		    (unsigned long long)sf->offset);
	tail_file_drop(f);
	state_file_forget(t->st, sf->dev, sf->ino);
}

/* A saved file that is no longer at its path: finish it if it is near. */
static void
tail_resume_moved(struct tail *t, const struct state_file *sf)
{
	char *p = tail_find_in_dir(sf->path, sf->dev, sf->ino);
	struct tail_file *f;
	uint32_t crc;

	/* Its inode followed already is another file's now: a live log
	 * created while watch was down took it (tail_is_saved_here). */
	if (p == NULL || tail_find_inode(t, sf->dev, sf->ino) != NULL) {
		free(p);
		tail_resume_gone(t, sf);
		return;
	}
	f = tail_open(t, p, sf->offset);
	if (f == NULL) {
		free(p);
		return;
	}
	f->fp_len = sf->fp_len;
	f->fp_crc = sf->fp_crc;
	f->is_rotated = true;
	t->stats.rotations++;
	/* Its writer, if any, last wrote at its mtime: rotate_wait counts
	 * from there, so a long-finished file is let go at once. */
	{
		struct stat st;

		if (fstat(f->fd, &st) == 0)
			f->last_growth_ms = (int64_t)st.st_mtime * 1000;
	}
	if (tail_fp_compute(f->fd, sf->fp_len, &crc) != 0 ||
	    crc != sf->fp_crc) {
		/* The inode was freed and reused: the saved file is gone,
		 * and its text may survive in a copy. */
		log_warnx("%s: inode %llu has other content than saved; not "
		    "reading it as the file we followed", p,
		    (unsigned long long)sf->ino);
		f->is_rotated = false;	/* nothing of ours to remember */
		tail_file_drop(f);
		tail_resume_gone(t, sf);
	} else {
		log_info("%s: rotated to %s while we were stopped; finishing "
		    "it from offset %llu", sf->path, p,
		    (unsigned long long)sf->offset);
		tail_read(f);
	}
	free(p);
}

/*
 * Is the live file at PATH, which has SF's device and inode, the file SF
 * saved?  At SF's own path, yes: a rewrite there is a truncation, and is
 * read as one.  At another live path only if it still has SF's head:
 * logrotate's create and compress free inodes while watch is down, and
 * the next file created, another app's log as likely as not, takes one.
 */
static bool
tail_is_saved_here(const struct state_file *sf, const char *path)
{
	uint32_t crc;
	int fd;
	bool same;

	if (strcmp(sf->path, path) == 0)
		return true;
	if (sf->fp_len == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	same = tail_fp_compute(fd, sf->fp_len, &crc) == 0 &&
	    crc == sf->fp_crc;
	close(fd);
	return same;
}

static void
tail_start_one(struct tail *t, const char *path, void *ctx)
{
	struct tail_start *ts = ctx;
	struct stat st;
	struct tail_file *f;
	uint32_t crc;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    tail_find_path(t, path) != NULL)
		return;
	/* The same path with another inode: the old one rotated away. */
	for (size_t i = 0; i < ts->nsaved; i++) {
		const struct state_file *sf = &ts->saved[i];

		if (!ts->used[i] && strcmp(sf->path, path) == 0 &&
		    (sf->dev != (uint64_t)st.st_dev ||
		    sf->ino != (uint64_t)st.st_ino)) {
			ts->used[i] = true;
			tail_resume_moved(t, sf);
		}
	}
	for (size_t i = 0; i < ts->nsaved; i++) {
		const struct state_file *sf = &ts->saved[i];

		if (ts->used[i] || sf->dev != (uint64_t)st.st_dev ||
		    sf->ino != (uint64_t)st.st_ino ||
		    !tail_is_saved_here(sf, path))
			continue;
		ts->used[i] = true;
		f = tail_open(t, path, sf->offset);
		if (f == NULL)
			return;
		f->fp_len = sf->fp_len;
		f->fp_crc = sf->fp_crc;
		f->saved_offset = sf->offset;
		f->saved_fp_len = sf->fp_len;
		f->saved_fp_crc = sf->fp_crc;
		if ((uint64_t)st.st_size < sf->offset ||
		    tail_fp_compute(f->fd, sf->fp_len, &crc) != 0 ||
		    crc != sf->fp_crc || !tail_at_same(f, sf, &st) ||
		    tail_copied_since(f, &t->seen)) {
			/* Truncated (or rewritten) while we were stopped:
			 * its size, its head, the bytes where we last read
			 * or a copy since tells. */
			tail_truncated(f, (uint64_t)st.st_size, &t->seen);
		} else
			f->fp_size = 0;	/* extend the fingerprint as it grows */
		tail_read(f);
		return;
	}
	f = tail_open(t, path, ts->is_first && t->cfg->start_at_end ?
	    (uint64_t)st.st_size : 0);
	if (f != NULL)
		tail_read(f);
}

static bool
tail_is_claimed(const struct tail *t, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < t->nclaims; i++)
		if (t->claims[i].dev == dev && t->claims[i].ino == ino)
			return true;
	return false;
}

/*
 * Is NAME in D a copy of a file the state knows, still at its live path
 * with its inode?  Those are read by the resume of that file (step 1:
 * from its offset, later copies whole), never as orphans: they may hold
 * text counted from the live file, and pm2-logrotate may be rotating it
 * while we start.  A file saved at its rotated name has no such copies.  A path with another inode now had a new file born there
 * while watch was down; its copies may be orphans.
 */
static bool
tail_is_known_copy(const struct tail *t, const struct tail_dir *d,
    const char *name, const struct tail_start *ts)
{
	for (size_t i = 0; i < ts->nsaved; i++) {
		char *base = tail_name_in(d->path, ts->saved[i].path);
		bool is_known = false;

		if (base != NULL && tail_is_live_path(t, ts->saved[i].path)) {
			struct stat st;

			is_known = tail_is_copy_name(base, name) &&
			    stat(ts->saved[i].path, &st) == 0 &&
			    (uint64_t)st.st_dev == ts->saved[i].dev &&
			    (uint64_t)st.st_ino == ts->saved[i].ino;
		}
		free(base);
		if (is_known)
			return true;
	}
	return false;
}

/* Is BASE's path in D, and NAME a copy of it that no other program's log
 * can be named (tail_is_sure_copy_name)? */
static bool
tail_is_sure_copy_of(const struct tail_dir *d, const char *path,
    const char *name)
{
	char *base = tail_name_in(d->path, path);
	bool is = base != NULL && tail_is_sure_copy_name(base, name);

	free(base);
	return is;
}

/*
 * Is NAME in D an orphan to read whole on its name alone: in a PM2 home
 * (PM2's names are exact), or for a path source a copy, by a name no
 * other program's log can have, of a live file there that we follow or
 * that the last commit saved?  Another app's "app-1.log" beside
 * "app.log" is none.
 */
static bool
tail_is_sure_orphan(const struct tail *t, const struct tail_dir *d,
    const char *name, const struct tail_start *ts)
{
	if (d->src->pm2_home != NULL)
		return true;
	for (const struct tail_file *f = t->files; f != NULL; f = f->next)
		if (!f->is_rotated && !f->is_copy_only &&
		    tail_is_sure_copy_of(d, f->path, name))
			return true;
	for (size_t i = 0; i < ts->nsaved; i++)
		if (tail_is_sure_copy_of(d, ts->saved[i].path, name))
			return true;
	return false;
}

/* Step 4: the copies the last commit did not see that nothing read. */
static void
tail_resume_orphans(struct tail *t, const struct tail_start *ts)
{
	for (size_t i = 0; i < ts->npresent; i++) {
		const struct tail_copy *c = &ts->present[i];
		char *copy = xstrdup(c->path), *name = basename(copy);
		const struct tail_dir *d = NULL;
		struct stat st;
		uint64_t from;

		for (size_t k = 0; k < t->ndirs && d == NULL; k++) {
			char *p = path_join(t->dirs[k].path, name);

			if (strcmp(p, c->path) == 0)
				d = &t->dirs[k];
			free(p);
		}
		/* Changed since the start began: a rotation of a live file
		 * going on now, which it tells of. */
		if (d == NULL || stat(c->path, &st) != 0 ||
		    (uint64_t)st.st_dev != c->dev ||
		    (uint64_t)st.st_ino != c->ino ||
		    (uint64_t)st.st_size != c->size ||
		    tail_find_inode(t, c->dev, c->ino) != NULL ||
		    tail_is_claimed(t, c->dev, c->ino)) {
			free(copy);
			continue;
		}
		/* Read before, or let go: only what was appended since. */
		from = tail_copy_counted_to(t, c->path, &st);
		if (from == UINT64_MAX && !tail_seen_had(&t->seen, c->path,
		    &st) && !tail_is_known_copy(t, d, name, ts) &&
		    tail_is_sure_orphan(t, d, name, ts))
			tail_copy_take(t, c, 0, "a copy made while we were "
			    "stopped, of text no commit counted");
		else if (from != UINT64_MAX &&
		    from < tail_copy_text_len(c->path, c->size))
			tail_copy_take(t, c, from, "written to after we let "
			    "it go");
		free(copy);
	}
}

/*
 * When watch last committed (ms since the epoch), or -1: the meta
 * table's, else (a state written before it had one) the latest save.
 * Only a state without the set of copies seen needs it.
 */
static int64_t
tail_resume_last_commit(struct tail *t, const struct tail_start *ts)
{
	int64_t ms = -1;

	if (state_meta_get(t->st, "last_commit_ms", &ms) == 0)
		return ms;
	for (size_t i = 0; i < ts->nsaved; i++)
		if (ts->saved[i].updated_ms > ms)
			ms = ts->saved[i].updated_ms;
	return ms;
}

void
tail_start(struct tail *t, int64_t now_ms)
{
	struct tail_start ts = { NULL, 0, NULL, false, NULL, 0 };
	int64_t first_ms;
	bool has_started;

	t->now_ms = now_ms;
	if (state_files_load(t->st, &ts.saved, &ts.nsaved) != 0)
		ts.nsaved = 0;
	ts.used = xcalloc(ts.nsaved + 1, sizeof(*ts.used));
	/* A start before which nothing was ever followed (an empty
	 * directory) was still a start: what is written after it counts. */
	has_started = state_meta_get(t->st, "first_start_ms", &first_ms) == 0;
	ts.is_first = ts.nsaved == 0 && !has_started;
	t->is_starting = true;
	t->start_saved = ts.saved;
	t->start_nsaved = ts.nsaved;
	tail_dirs_update(t);
	ts.npresent = tail_copies_in_dirs(t, ts.saved, ts.nsaved, &ts.present);
	tail_seen_load(t, ts.present, ts.npresent, ts.is_first,
	    tail_resume_last_commit(t, &ts));
	for (size_t i = 0; i < t->ndirs; i++)
		tail_dir_each(t, &t->dirs[i], tail_start_one, &ts);
	for (size_t i = 0; i < ts.nsaved; i++)
		if (!ts.used[i])
			tail_resume_moved(t, &ts.saved[i]);
	if (!ts.is_first)
		tail_resume_orphans(t, &ts);
	if (!has_started)
		state_meta_set(t->st, "first_start_ms", now_ms);
	/* A copy is rewritten within seconds of its reading, if ever. */
	state_copies_read_prune(t->st, now_ms - 7 * 86400 * 1000LL);
	t->is_starting = false;
	t->start_saved = NULL;
	t->start_nsaved = 0;
	free(t->claims);
	t->claims = NULL;
	t->nclaims = 0;
	free(ts.used);
	tail_copies_free(ts.present, ts.npresent);
	state_files_free(ts.saved, ts.nsaved);
	t->next_sweep_ms = now_ms + t->cfg->sweep_ms;
}


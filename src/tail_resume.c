/*
 * tail_resume: a start of watch.  Every file the state knows is resumed
 * from its saved offset wherever it went while watch was not running
 * (rotated, copied, compressed, deleted); see tail_start() in tail.h for
 * which files are read and why.
 */
#include "autoconf.h"

#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "tail_int.h"
#include "xmalloc.h"


struct tail_start {
	struct state_file *saved;
	size_t		 nsaved;
	bool		*used;
	bool		 is_first;
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
		p = xasprintf("%s/%s", dir, de->d_name);
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

/* A saved file that is no longer at its path: finish it if it is near. */
static void
tail_resume_moved(struct tail *t, const struct state_file *sf)
{
	char *p = tail_find_in_dir(sf->path, sf->dev, sf->ino);
	struct tail_file *f;
	uint32_t crc;

	if (p == NULL) {
		log_info("%s: inode %llu is gone; forgetting it", sf->path,
		    (unsigned long long)sf->ino);
		state_file_forget(t->st, sf->dev, sf->ino);
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
		log_warnx("%s: inode %llu has other content than saved; not "
		    "reading it", p, (unsigned long long)sf->ino);
		tail_file_drop(f);
	} else {
		log_info("%s: rotated to %s while we were stopped; finishing "
		    "it from offset %llu", sf->path, p,
		    (unsigned long long)sf->offset);
		tail_read(f);
	}
	free(p);
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
		    sf->ino != (uint64_t)st.st_ino)
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
		    crc != sf->fp_crc ||
		    tail_copied_since(f, sf->updated_ms)) {
			/* Truncated (or rewritten) while we were stopped. */
			tail_truncated(f, (uint64_t)st.st_size,
			    sf->updated_ms);
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

void
tail_start(struct tail *t, int64_t now_ms)
{
	struct tail_start ts = { NULL, 0, NULL, false };

	t->now_ms = now_ms;
	if (state_files_load(t->st, &ts.saved, &ts.nsaved) != 0)
		ts.nsaved = 0;
	ts.used = xcalloc(ts.nsaved + 1, sizeof(*ts.used));
	ts.is_first = ts.nsaved == 0;
	tail_dirs_update(t);
	for (size_t i = 0; i < t->ndirs; i++)
		tail_dir_each(t, &t->dirs[i], tail_start_one, &ts);
	for (size_t i = 0; i < ts.nsaved; i++)
		if (!ts.used[i])
			tail_resume_moved(t, &ts.saved[i]);
	free(ts.used);
	state_files_free(ts.saved, ts.nsaved);
	t->next_sweep_ms = now_ms + t->cfg->sweep_ms;
}


/*
 * tail_copy: the copies rotation leaves beside a live file
 * (pm2-logrotate's NAME__DATE.log[.gz], logrotate's NAME.1[.gz] or
 * NAME-DATE), found by name (tail_is_copy_name) and told apart by the
 * fingerprint of their head and by whether they were there before
 * (tail_copy_seen.c); their mtimes only put them in order.  A copy is
 * read through source.h, so a gzipped one reads like a plain one; what is
 * read of them, and into which file's pipeline, is tail_copy_drain.c's.
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

#include <zlib.h>

#include "path.h"
#include "source.h"
#include "tail_int.h"
#include "xmalloc.h"

static int
tail_copy_cmp(const void *a, const void *b)
{
	const struct tail_copy *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);	/* dated names sort in time */
}

void
tail_copies_sort(struct tail_copy *copies, size_t ncopies)
{
	if (ncopies > 1)
		qsort(copies, ncopies, sizeof(*copies), tail_copy_cmp);
}

/* The mtime of a copy in ms since the epoch, rounded down. */
int64_t
tail_copy_ms(const struct tail_copy *c)
{
	return (int64_t)c->mtime.tv_sec * 1000 + c->mtime.tv_nsec / 1000000;
}

bool
tail_copy_was_read(struct tail *t, const char *path, const struct stat *st)
{
	struct state_copy id;

	/* The same length and head: written again with the same text. */
	if (state_copy_read_get(t->st, (uint64_t)st->st_dev,
	    (uint64_t)st->st_ino, &id.size, &id.head_crc) != 0)
		return false;
	id.dev = (uint64_t)st->st_dev;
	id.ino = (uint64_t)st->st_ino;
	return tail_copy_is(&id, path, st);
}

bool
tail_fd_is_gz(int fd)
{
	unsigned char magic[2];

	return pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f &&
	    magic[1] == 0x8b;
}

uint64_t
tail_copy_counted_to(struct tail *t, const char *path, const struct stat *st)
{
	unsigned char head[TAIL_FP_MAX];
	uint64_t size, text;
	uint32_t crc;
	size_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool is_gz = fd >= 0 && tail_fd_is_gz(fd);

	if (fd >= 0)
		close(fd);
	if (state_copy_read_get(t->st, (uint64_t)st->st_dev,
	    (uint64_t)st->st_ino, &size, &crc) == 0 &&
	    (uint64_t)st->st_size >= size &&
	    tail_copy_head_crc_n(path, size < TAIL_FP_MAX ? (uint32_t)size :
	    TAIL_FP_MAX) == crc) {
		/* A gzip file is read whole (its size on disk was noted),
		 * and written whole, never appended to: a longer one at
		 * that inode is another. */
		if (!is_gz)
			return size;
		if ((uint64_t)st->st_size == size)
			return tail_copy_text_len(path, size);
	}
	if (!is_gz)
		return UINT64_MAX;
	/* Lengths are compared mod 2^32, as gzip keeps them. */
	text = tail_copy_text_len(path, (uint64_t)st->st_size);
	got = tail_copy_read_head(path, (char *)head, sizeof(head));
	/* A compressed copy of a file we follow (logrotate's delaycompress
	 * makes NAME.2.gz of NAME.1 while its writer, waiting for `pm2
	 * reloadLogs`, still appends to it): its text has that file's head,
	 * and is no longer; we read it all from the file. */
	for (const struct tail_file *f = t->files; f != NULL; f = f->next) {
		struct stat fst;

		if (!f->is_copy_only && f->fp_len > 0 && f->fp_len <= got &&
		    fstat(f->fd, &fst) == 0 &&
		    (uint32_t)text <= (uint32_t)fst.st_size &&
		    (uint32_t)crc32(0L, head, f->fp_len) == f->fp_crc)
			return text;
	}
	/* Of a file we let go, which its writer may have appended to
	 * since: that file's head, and no shorter. */
	for (const struct tail_gone *g = t->gone; g != NULL; g = g->next)
		if (g->size > 0 && g->head_len > 0 && g->head_len <= got &&
		    (uint32_t)text >= (uint32_t)g->size &&
		    (uint32_t)crc32(0L, head, g->head_len) == g->head_crc)
			return g->size;
	return UINT64_MAX;
}

/* Is the live file at PATH in DIR, not BASE, NAME itself or, with a name
 * longer than BASE, a copy of it by name? */
static bool
tail_is_copy_of_path(const char *dir, const char *base, const char *path,
    const char *name)
{
	char *other = tail_name_in(dir, path);
	bool is = other != NULL && strcmp(other, base) != 0 &&
	    (strcmp(other, name) == 0 || (strlen(other) > strlen(base) &&
	    tail_is_copy_name(other, name)));

	free(other);
	return is;
}

/*
 * Is NAME in DIR, a copy of BASE by name, another live file there (one
 * we follow, or during a start one the last commit saved at a live name:
 * not a file rotated away, tail_is_live_path), or a copy of one with a
 * longer name?  Names outside PM2's scheme tell only by
 * prefix, and the longest claim wins: "app-1.log.1.gz" is app-1.log's,
 * though "app" then '-' and a digit names a copy of app.log too
 * (logrotate's `extension .log`, tail_is_copy_name).
 */
static bool
tail_is_anothers_copy(const struct tail *t, const char *dir,
    const char *base, const char *name)
{
	for (const struct tail_file *f = t->files; f != NULL; f = f->next)
		if (!f->is_rotated && !f->is_copy_only &&
		    tail_is_copy_of_path(dir, base, f->path, name))
			return true;
	for (size_t i = 0; i < t->start_nsaved; i++)
		if (tail_is_copy_of_path(dir, base, t->start_saved[i].path,
		    name) && tail_is_live_path(t, t->start_saved[i].path))
			return true;
	return false;
}

/*
 * Is PATH a gzip file being written of the file beside it without ".gz"?
 * gzip(1), and logrotate's compress, write NAME.gz beside NAME and
 * remove NAME once it is whole: until then it is neither whole nor the
 * only copy of that text (NAME is), and read as another generation it
 * counts that text twice.
 */
static bool
tail_copy_is_being_gz(const char *path)
{
	size_t n = strlen(path);
	struct stat st;
	char *plain;
	bool is;

	if (n <= 3 || strcmp(path + n - 3, ".gz") != 0)
		return false;
	plain = xstrdup(path);
	plain[n - 3] = '\0';
	is = stat(plain, &st) == 0 && S_ISREG(st.st_mode);
	free(plain);
	return is;
}

/*
 * Lists the copies beside PATH (regular files, not inode INO, not read
 * before: tail_copy_was_read, not another live file's by name, not
 * being compressed: tail_copy_is_being_gz), oldest mtime first, into
 * *COPIES (free with tail_copies_free).  Returns how many.
 */
size_t
tail_copies(struct tail *t, const char *path, uint64_t ino,
    struct tail_copy **copies)
{
	char *copy = xstrdup(path), *dir, *base;
	size_t ncopies = 0;
	DIR *dh;
	struct dirent *de;

	*copies = NULL;
	base = xstrdup(basename(copy));
	dir = dirname(copy);
	dh = opendir(dir);
	while (dh != NULL && (de = readdir(dh)) != NULL) {
		struct stat st;
		char *p;

		if (!tail_is_copy_name(base, de->d_name) ||
		    tail_is_anothers_copy(t, dir, base, de->d_name))
			continue;
		p = path_join(dir, de->d_name);
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_ino == ino || tail_copy_is_being_gz(p) ||
		    tail_copy_was_read(t, p, &st)) {
			free(p);
			continue;
		}
		*copies = xreallocarray(*copies, ncopies + 1, sizeof(**copies));
		(*copies)[ncopies].path = p;
		(*copies)[ncopies].mtime = st.st_mtim;
		(*copies)[ncopies].dev = (uint64_t)st.st_dev;
		(*copies)[ncopies].ino = (uint64_t)st.st_ino;
		(*copies)[ncopies].size = (uint64_t)st.st_size;
		ncopies++;
	}
	if (dh != NULL)
		closedir(dh);
	tail_copies_sort(*copies, ncopies);
	free(base);
	free(copy);
	return ncopies;
}

void
tail_copies_free(struct tail_copy *copies, size_t ncopies)
{
	for (size_t i = 0; i < ncopies; i++)
		free(copies[i].path);
	free(copies);
}

size_t
tail_copy_read_head(const char *path, char *buf, size_t len)
{
	char errbuf[256];
	struct source *src;
	size_t got = 0, n;

	/* A .gz that is not gzip yet is one gzip(1) is writing: no head. */
	src = source_open_gz_named(path, errbuf, sizeof(errbuf));
	while (src != NULL && got < len && source_read(src, buf + got,
	    len - got, &n) == SOURCE_OK && n > 0)
		got += n;
	source_free(src);
	return got;
}

/* Do the first LEN bytes of PATH (decompressed if gzip) have CRC? */
bool
tail_copy_has_head(const char *path, uint32_t len, uint32_t crc)
{
	char head[TAIL_FP_MAX];

	if (len == 0)
		return true;
	return tail_copy_read_head(path, head, len) == len &&
	    (uint32_t)crc32(0L, (unsigned char *)head, len) == crc;
}

/* Is ST the file copy C was listed as (device and inode)? */
static bool
tail_copy_is_at(const struct tail_copy *c, const struct stat *st)
{
	return (uint64_t)st->st_dev == c->dev &&
	    (uint64_t)st->st_ino == c->ino && S_ISREG(st->st_mode);
}

/*
 * Does C's name still hold C?  What is judged by a copy's name (its head,
 * its length, whether it was seen) is judged of the file the name holds
 * then: renamed meanwhile by a rotation, C was judged by another's bytes,
 * and must be judged again.
 */
bool
tail_copy_is_still(const struct tail_copy *c)
{
	struct stat st;

	return stat(c->path, &st) == 0 && tail_copy_is_at(c, &st);
}

bool
tail_copies_moved(const struct tail_copy *copies, size_t ncopies)
{
	for (size_t i = 0; i < ncopies; i++)
		if (!tail_copy_is_still(&copies[i]))
			return true;
	return false;
}

/*
 * Opens copy C by its identity, not by the name it was listed under:
 * rotation renames copies while we read others (logrotate shifts NAME.1
 * to NAME.2, then copies the next generation to NAME.1), and reading one
 * copy takes long enough for the name of the next to be another
 * generation's by then.  A copy renamed is found in its directory by
 * device and inode.  Returns the descriptor (its file position at 0) and
 * *PATH (malloc'd), its name now; -1 when it is gone (deleted, or
 * compressed into a new file).
 */
int
tail_copy_open(const struct tail_copy *c, char **path)
{
	struct stat st;
	struct dirent *de;
	char *copy, *dir;
	DIR *dh;
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) == 0 && tail_copy_is_at(c, &st)) {
		*path = xstrdup(c->path);
		return fd;
	}
	if (fd >= 0)
		close(fd);
	fd = -1;
	copy = xstrdup(c->path);
	dir = dirname(copy);
	dh = opendir(dir);
	while (fd < 0 && dh != NULL && (de = readdir(dh)) != NULL) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = path_join(dir, de->d_name);
		if (stat(p, &st) == 0 && tail_copy_is_at(c, &st) &&
		    (fd = open(p, O_RDONLY | O_CLOEXEC)) >= 0 &&
		    (fstat(fd, &st) != 0 || !tail_copy_is_at(c, &st))) {
			close(fd);
			fd = -1;
		}
		if (fd >= 0)
			*path = p;
		else
			free(p);
	}
	if (dh != NULL)
		closedir(dh);
	free(copy);
	return fd;
}

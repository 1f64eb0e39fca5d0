/*
 * tail_copy_seen: which copies watch has accounted for, told by identity
 * (device, inode, size and head as stored), never by time.
 *
 * A start must tell the copies made while watch was down (text no commit
 * counted) from those made before its last commit (counted from the
 * live file, or read then).  Comparing a copy's mtime with the commit's
 * time cannot: file times come from the kernel's coarse clock, a tick
 * (1 to 10 ms) behind the clock watch reads, so a copy made just after a
 * commit may bear an earlier time; `cp -p`, gzip(1) and logrotate's
 * compress keep the original's time; and another host's clock stamps
 * copies on NFS.  So each commit saves the set of copies present in the
 * sources' directories (state_copies_seen_save, in the same transaction
 * as the counts), and a start reads as new any copy not in that set.
 * The same question on a smaller scale, "which copies beside a file were
 * there when it was truncated", is answered the same way
 * (tail_drain_missed).
 */
#include "autoconf.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "log.h"
#include "logfile.h"
#include "path.h"
#include "tail_int.h"
#include "xmalloc.h"

/* crc32 of the first LEN (at most TAIL_FP_MAX) bytes of FD as stored,
 * fewer if it is shorter; 0 when it cannot be read. */
static uint32_t
tail_fd_head_crc_n(int fd, uint32_t len)
{
	unsigned char head[TAIL_FP_MAX];
	ssize_t n = fd >= 0 && len > 0 ? pread(fd, head, len < sizeof(head) ?
	    len : sizeof(head), 0) : -1;

	return n > 0 ? (uint32_t)crc32(0L, head, (uInt)n) : 0;
}

uint32_t
tail_copy_head_crc_n(const char *path, uint32_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint32_t crc = tail_fd_head_crc_n(fd, len);

	if (fd >= 0)
		close(fd);
	return crc;
}

uint32_t
tail_fd_head_crc(int fd)
{
	return tail_fd_head_crc_n(fd, TAIL_FP_MAX);
}

uint32_t
tail_copy_head_crc(const char *path)
{
	return tail_copy_head_crc_n(path, TAIL_FP_MAX);
}

bool
tail_copy_is(const struct state_copy *id, const char *path,
    const struct stat *st)
{
	return id->dev == (uint64_t)st->st_dev &&
	    id->ino == (uint64_t)st->st_ino &&
	    id->size == (uint64_t)st->st_size &&
	    id->head_crc == tail_copy_head_crc(path);
}

void
tail_seen_add(struct tail_seen *s, const char *path, const struct stat *st)
{
	struct state_copy *c;

	s->copies = xreallocarray(s->copies, s->ncopies + 1,
	    sizeof(*s->copies));
	c = &s->copies[s->ncopies++];
	c->dev = (uint64_t)st->st_dev;
	c->ino = (uint64_t)st->st_ino;
	c->size = (uint64_t)st->st_size;
	c->head_crc = tail_copy_head_crc(path);
}

/*
 * The text of the gzip file at PATH as a plain copy's identity reads:
 * its length mod 2^32 from the trailer's ISIZE (RFC 1952 section 2.3.1;
 * gzip(1) and logrotate write one member) and the crc32 of its first
 * TAIL_FP_MAX bytes decompressed.  False when PATH is not gzip.
 */
static bool
tail_gz_text_id(const char *path, uint32_t *isize, uint32_t *head_crc)
{
	unsigned char magic[2], trailer[4];
	char head[TAIL_FP_MAX];
	struct stat st;
	size_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool is_gz = fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= 18 &&
	    pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f &&
	    magic[1] == 0x8b && pread(fd, trailer, 4, st.st_size - 4) == 4;

	if (fd >= 0)
		close(fd);
	if (!is_gz)
		return false;
	*isize = (uint32_t)trailer[0] | (uint32_t)trailer[1] << 8 |
	    (uint32_t)trailer[2] << 16 | (uint32_t)trailer[3] << 24;
	got = tail_copy_read_head(path, head, sizeof(head));
	*head_crc = got > 0 ? (uint32_t)crc32(0L, (unsigned char *)head,
	    (uInt)got) : 0;
	return true;
}

uint64_t
tail_copy_text_len(const char *path, uint64_t size)
{
	uint32_t isize, head_crc;

	return tail_gz_text_id(path, &isize, &head_crc) ? isize : size;
}

bool
tail_seen_has(const struct tail_seen *s, const char *path,
    const struct stat *st)
{
	uint32_t isize, head_crc;

	for (size_t i = 0; i < s->ncopies; i++)
		if (tail_copy_is(&s->copies[i], path, st))
			return true;
	/* A seen plain copy compressed since: logrotate's delaycompress
	 * turns NAME.1 into NAME.2.gz at the next rotation, a new inode
	 * with text the last commit had already counted. */
	if (!tail_gz_text_id(path, &isize, &head_crc))
		return false;
	for (size_t i = 0; i < s->ncopies; i++)
		if ((uint32_t)s->copies[i].size == isize &&
		    s->copies[i].head_crc == head_crc)
			return true;
	return false;
}

bool
tail_seen_had(const struct tail_seen *s, const char *path,
    const struct stat *st)
{
	if (tail_seen_has(s, path, st))
		return true;
	for (size_t i = 0; i < s->ncopies; i++) {
		const struct state_copy *c = &s->copies[i];

		if (c->dev == (uint64_t)st->st_dev &&
		    c->ino == (uint64_t)st->st_ino &&
		    c->size <= (uint64_t)st->st_size &&
		    c->head_crc == tail_copy_head_crc_n(path,
		    c->size < TAIL_FP_MAX ? (uint32_t)c->size : TAIL_FP_MAX))
			return true;
	}
	return false;
}

void
tail_seen_copy(struct tail_seen *dst, const struct tail_seen *src)
{
	tail_seen_release(dst);
	if (src->ncopies == 0)
		return;
	dst->copies = xreallocarray(NULL, src->ncopies, sizeof(*dst->copies));
	memcpy(dst->copies, src->copies, src->ncopies * sizeof(*dst->copies));
	dst->ncopies = src->ncopies;
}

void
tail_seen_release(struct tail_seen *s)
{
	free(s->copies);
	s->copies = NULL;
	s->ncopies = 0;
}

/* Adds the copies in COPIES to S. */
static void
tail_seen_add_copies(struct tail_seen *s, const struct tail_copy *copies,
    size_t ncopies)
{
	for (size_t i = 0; i < ncopies; i++) {
		struct stat st;

		memset(&st, 0, sizeof(st));
		st.st_dev = (dev_t)copies[i].dev;
		st.st_ino = (ino_t)copies[i].ino;
		st.st_size = (off_t)copies[i].size;
		tail_seen_add(s, copies[i].path, &st);
	}
}

void
tail_seen_set(struct tail_seen *s, const struct tail_copy *copies,
    size_t ncopies)
{
	tail_seen_release(s);
	tail_seen_add_copies(s, copies, ncopies);
}

void
tail_seen_beside(struct tail *t, const struct tail_file *f,
    struct tail_seen *s)
{
	struct tail_copy *copies;
	size_t ncopies = tail_copies(t, f->path, f->ino, &copies);

	tail_seen_set(s, copies, ncopies);
	tail_copies_free(copies, ncopies);
}

/* Adds PATH's name to *BASES if PATH is in directory DIR. */
static void
tail_bases_add(char ***bases, size_t *n, const char *path, const char *dir)
{
	char *name = tail_name_in(dir, path);

	if (name != NULL) {
		*bases = xreallocarray(*bases, *n + 1, sizeof(**bases));
		(*bases)[(*n)++] = name;
	}
}

/*
 * Warns, once per directory D, when NAME is a copy compressed by another
 * program than gzip (logrotate's compresscmd): we cannot read it, so a
 * generation whose only copy it is goes uncounted.
 */
static void
tail_dir_unread(struct tail_dir *d, const char *name, char *const *bases,
    size_t nbases)
{
	const char *prog;
	size_t e;
	char *plain;

	if (d->warned_unread || (prog = logfile_compressor(name, &e)) == NULL)
		return;
	plain = xstrndup(name, strlen(name) - e);
	if (tail_is_copy_in(d, plain, bases, nbases)) {
		d->warned_unread = true;
		log_warnx("%s/%s: compressed with %s, which omniwatch does not "
		    "read: a generation rotated away more than once between "
		    "two looks, whose only copy is such a file, is not counted "
		    "(gzip, logrotate's default compresscmd, is read)",
		    d->path, name, prog);
	}
	free(plain);
}

/* Adds the copies among the NNAMES in NAMES (directory D) to *COPIES,
 * unless there already (two sources may watch one directory). */
static void
tail_dir_copies(struct tail_dir *d, char **names, size_t nnames,
    char *const *bases, size_t nbases, struct tail_copy **copies,
    size_t *ncopies)
{
	for (size_t i = 0; i < nnames; i++) {
		struct tail_copy c;
		struct stat st;
		bool is_dup = false;

		if (!tail_is_copy_in(d, names[i], bases, nbases)) {
			tail_dir_unread(d, names[i], bases, nbases);
			continue;
		}
		c.path = path_join(d->path, names[i]);
		if (stat(c.path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(c.path);
			continue;
		}
		for (size_t k = 0; k < *ncopies && !is_dup; k++)
			is_dup = (*copies)[k].dev == (uint64_t)st.st_dev &&
			    (*copies)[k].ino == (uint64_t)st.st_ino;
		if (is_dup) {
			free(c.path);
			continue;
		}
		c.mtime = st.st_mtim;
		c.dev = (uint64_t)st.st_dev;
		c.ino = (uint64_t)st.st_ino;
		c.size = (uint64_t)st.st_size;
		*copies = xreallocarray(*copies, *ncopies + 1,
		    sizeof(**copies));
		(*copies)[(*ncopies)++] = c;
	}
}

size_t
tail_copies_in_dirs(struct tail *t, const struct state_file *saved,
    size_t nsaved, struct tail_copy **copies)
{
	size_t ncopies = 0;

	*copies = NULL;
	for (size_t i = 0; i < t->ndirs; i++) {
		struct tail_dir *d = &t->dirs[i];
		char **names = NULL, **bases = NULL;
		size_t nnames = 0, nbases = 0;
		DIR *dh = opendir(d->path);
		struct dirent *de;

		while (dh != NULL && (de = readdir(dh)) != NULL) {
			char *full;

			if (de->d_name[0] == '.')
				continue;
			names = xreallocarray(names, nnames + 1,
			    sizeof(*names));
			names[nnames++] = xstrdup(de->d_name);
			/* The live names whose copies count: there now, or
			 * saved (a file deleted after its copy was made). */
			full = path_join(d->path, de->d_name);
			if (tail_is_live(d, de->d_name, full))
				tail_bases_add(&bases, &nbases, full, d->path);
			free(full);
		}
		if (dh != NULL)
			closedir(dh);
		for (size_t k = 0; k < nsaved; k++)
			tail_bases_add(&bases, &nbases, saved[k].path,
			    d->path);
		tail_dir_copies(d, names, nnames, bases, nbases, copies,
		    &ncopies);
		for (size_t k = 0; k < nnames; k++)
			free(names[k]);
		free(names);
		for (size_t k = 0; k < nbases; k++)
			free(bases[k]);
		free(bases);
	}
	tail_copies_sort(*copies, ncopies);
	return ncopies;
}

static bool
tail_seen_equal(const struct tail_seen *a, const struct tail_seen *b)
{
	if (a->ncopies != b->ncopies)
		return false;
	for (size_t i = 0; i < a->ncopies; i++) {
		bool found = false;

		for (size_t k = 0; k < b->ncopies && !found; k++)
			found = memcmp(&a->copies[i], &b->copies[k],
			    sizeof(a->copies[i])) == 0;
		if (!found)
			return false;
	}
	return true;
}

void
tail_seen_commit(struct tail *t)
{
	struct tail_copy *copies;
	size_t ncopies;
	struct tail_seen now = { NULL, 0 };

	if (!t->is_seen_dirty)
		return;
	t->is_seen_dirty = false;
	ncopies = tail_copies_in_dirs(t, NULL, 0, &copies);
	tail_seen_add_copies(&now, copies, ncopies);
	tail_copies_free(copies, ncopies);
	if (t->has_seen && tail_seen_equal(&now, &t->seen)) {
		tail_seen_release(&now);
		return;
	}
	if (state_copies_seen_save(t->st, now.copies, now.ncopies) != 0) {
		/* Not saved: try again at the next commit. */
		t->is_seen_dirty = true;
		tail_seen_release(&now);
		return;
	}
	tail_seen_release(&t->seen);
	t->seen = now;
	t->has_seen = true;
}

void
tail_seen_load(struct tail *t, const struct tail_copy *present,
    size_t npresent, bool is_first, int64_t last_commit_ms)
{
	int rc;

	tail_seen_release(&t->seen);
	t->is_seen_dirty = true;
	rc = state_copies_seen_load(t->st, &t->seen.copies,
	    &t->seen.ncopies);
	t->has_seen = rc == 0;
	if (rc == 0 && !is_first)
		return;
	/* The very first start: what is there now is older than it, and
	 * tail.start_at decides about it.  A state of an older omniwatch,
	 * with no set: the copies its last commit could have seen are those
	 * no later than it, the best it kept. */
	for (size_t i = 0; i < npresent; i++)
		if (is_first || last_commit_ms < 0 ||
		    tail_copy_ms(&present[i]) <= last_commit_ms)
			tail_seen_add_copies(&t->seen, &present[i], 1);
}

/*
 * tail_identity: is a followed file still the text we were reading?  Its
 * fingerprint (crc32 of its first TAIL_FP_MAX bytes, learnt as they are
 * read), its head compared at each read, and where its text was last
 * seen (the last bytes read, saved for a start to compare), and when a
 * copy of it appears, its copies (tail_check_copied).  A file that is
 * another text is read as a truncation (tail_truncated).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "tail_int.h"

/* Reads the first LEN (<= TAIL_FP_MAX) bytes of FD into HEAD; -1 when
 * fewer can be read. */
static int
tail_head_read(int fd, uint32_t len, unsigned char *head)
{
	/* A longer one comes only from a damaged state. */
	if (len > TAIL_FP_MAX)
		return -1;
	return pread(fd, head, len, 0) == (ssize_t)len ? 0 : -1;
}

/* crc32 of the first LEN bytes of FD, or -1 when fewer can be read. */
int
tail_fp_compute(int fd, uint32_t len, uint32_t *crc)
{
	unsigned char head[TAIL_FP_MAX];

	if (len == 0) {
		*crc = 0;
		return 0;
	}
	if (tail_head_read(fd, len, head) != 0)
		return -1;
	*crc = (uint32_t)crc32(0L, head, len);
	return 0;
}

/*
 * Do F's first fp_len bytes still hash to its fingerprint?  Once they
 * did, they are kept, and later heads are compared with them byte for
 * byte: the same answer (stricter only where crc32 would collide) without
 * hashing the head at every read.
 */
bool
tail_fp_same(struct tail_file *f)
{
	unsigned char head[TAIL_FP_MAX];
	uint32_t crc;

	if (f->fp_len == 0)
		return f->fp_crc == 0;
	if (tail_head_read(f->fd, f->fp_len, head) != 0)
		return false;
	if (f->head_len == f->fp_len && f->head_crc == f->fp_crc)
		return memcmp(head, f->head, f->fp_len) == 0;
	crc = (uint32_t)crc32(0L, head, f->fp_len);
	if (crc != f->fp_crc)
		return false;
	memcpy(f->head, head, f->fp_len);
	f->head_len = f->fp_len;
	f->head_crc = f->fp_crc;
	return true;
}

/*
 * Checks F's head against its fingerprint and extends the fingerprint
 * while the file is shorter than TAIL_FP_MAX.  Returns false when the head
 * changed (the file was rewritten in place).
 */
bool
tail_fp_check(struct tail_file *f, const struct stat *st)
{
	uint64_t size = (uint64_t)st->st_size;
	uint32_t crc, len;

	/* A rewrite of the same size changes the mtime, not the size. */
	if (size == f->fp_size && st->st_mtim.tv_sec == f->fp_mtime.tv_sec &&
	    st->st_mtim.tv_nsec == f->fp_mtime.tv_nsec)
		return true;
	if (f->fp_len > 0 && !tail_fp_same(f))
		return false;
	len = size < TAIL_FP_MAX ? (uint32_t)size : TAIL_FP_MAX;
	if (len > f->fp_len && tail_fp_compute(f->fd, len, &crc) == 0) {
		f->fp_len = len;
		f->fp_crc = crc;
	}
	f->fp_size = size;
	f->fp_mtime = st->st_mtim;
	return true;
}

/*
 * Is F still the text we were reading, by ST (an fstat(2) of it now)?
 * If not (shorter than our offset, or another head: copytruncate, or a
 * rewrite), what its copy holds past our offset is read and F is read
 * again from 0 (tail_pread_first).  The one place that decides, whichever
 * woke us: an event, the sweep, a start.  With nothing read and no
 * fingerprint there is nothing to check: the fingerprint is then taken
 * from the bytes we count (tail_fp_learn), not from the file now, which
 * may hold another generation by the time we read it.
 */
void
tail_check_identity(struct tail_file *f, const struct stat *st)
{
	if (f->is_rotated || (f->offset == 0 && f->fp_len == 0))
		return;
	/* Marked (tail_check_copied), F may have been copied more than
	 * once since our last look at its copies (a look waiting for one
	 * to settle): the copies not seen then are read as a start reads
	 * them, the first from our offset, the later whole. */
	if ((uint64_t)st->st_size < f->offset || !tail_fp_check(f, st))
		tail_truncated(f, (uint64_t)st->st_size, f->is_copied ?
		    &f->copied_base : NULL);
}

/*
 * Keeps the last bytes of F's text read (N of them in BUF, read at F's
 * offset), up to TAIL_FP_MAX: the place a start checks that F still
 * holds our text beyond its head (tail_at_same).
 */
void
tail_at_learn(struct tail_file *f, const char *buf, size_t n)
{
	size_t keep;

	if (n >= TAIL_FP_MAX) {
		memcpy(f->at, buf + n - TAIL_FP_MAX, TAIL_FP_MAX);
		f->at_len = TAIL_FP_MAX;
		return;
	}
	keep = f->at_len < TAIL_FP_MAX - n ? f->at_len : TAIL_FP_MAX - n;
	memmove(f->at, f->at + f->at_len - keep, keep);
	memcpy(f->at + keep, buf, n);
	f->at_len = (uint32_t)(keep + n);
}

bool
tail_at_same(struct tail_file *f, const struct state_file *sf,
    const struct stat *st)
{
	unsigned char got[TAIL_FP_MAX];

	if (sf->at_len == 0 || sf->at_len > TAIL_FP_MAX ||
	    sf->at_offset < sf->at_len)
		return true;
	/* Files grow: shorter than where we saw our text, it is another. */
	if ((uint64_t)st->st_size < sf->at_offset ||
	    pread(f->fd, got, sf->at_len, (off_t)(sf->at_offset -
	    sf->at_len)) != (ssize_t)sf->at_len ||
	    (uint32_t)crc32(0L, got, sf->at_len) != sf->at_crc)
		return false;
	if (sf->at_offset == f->offset) {
		memcpy(f->at, got, sf->at_len);
		f->at_len = sf->at_len;
	}
	return true;
}

/*
 * F's fingerprint, while shorter than TAIL_FP_MAX, taken from the N bytes
 * in BUF just read at F's offset: the text counted is what it must
 * describe.  A rotated file read from its start has no other (its head
 * is not checked: tail_check_identity), and its compressed copy is known
 * by it (tail_copy_counted_to).
 */
void
tail_fp_learn(struct tail_file *f, const char *buf, size_t n)
{
	uint64_t o = f->offset;
	size_t k;

	if (o >= TAIL_FP_MAX || o != f->fp_len || (o > 0 &&
	    (f->head_len != o || f->head_crc != f->fp_crc)))
		return;
	k = n < TAIL_FP_MAX - o ? n : (size_t)(TAIL_FP_MAX - o);
	memcpy(f->head + o, buf, k);
	f->fp_len = (uint32_t)(o + k);
	f->fp_crc = (uint32_t)crc32(0L, f->head, f->fp_len);
	f->head_len = f->fp_len;
	f->head_crc = f->fp_crc;
	f->fp_size = UINT64_MAX;	/* the next full check reads it again */
}

/*
 * When the newest copy in COPIES that F's last look at them did not see
 * (f->copied_base), that we do not follow (a generation read as itself)
 * and that has F's head, may still be being written: its mtime within
 * rotate_wait of now (each write renews it; cp -p and touch -r set an old
 * one only once done).  0 when none may.  A copy dated further ahead than
 * that is another clock's (NFS), and waiting would not settle it.  One
 * too short yet to have F's head does not hold F back: taken as seen at
 * its length, it is new again once written (its size is part of its
 * identity, tail_seen_has), and judged then.
 */
static int64_t
tail_copies_settle_ms(const struct tail_file *f,
    const struct tail_copy *copies, size_t ncopies)
{
	int64_t wait = f->t->cfg->rotate_wait_ms, now = f->t->now_ms, due = 0;

	for (size_t i = 0; i < ncopies; i++) {
		const struct tail_copy *c = &copies[i];
		int64_t ms = tail_copy_ms(c);

		if (ms + wait <= now || ms > now + wait || ms + wait <= due)
			continue;
		if (tail_copy_is_new(f->t, c, &f->copied_base) &&
		    tail_copy_has_head(c->path, f->fp_len, f->fp_crc))
			due = ms + wait;
	}
	return due;
}

/*
 * A start asks of a file it resumes whether a copy made since the last
 * commit has its head (tail_copied_since), since its size and head cannot
 * tell a copytruncate from growth when every generation begins alike.
 * Running, we look too slowly to see every truncation (a loaded machine
 * runs us late; two rotations fit between two reads), so the same is
 * asked live: "since the last commit" is "since our last look at F's
 * copies", asked when an event says a copy may have come.  F is judged
 * only while it holds text we read (fp_len): an emptied file's missed
 * generations are tail_drain_missed's, and the normal truncation (F
 * shorter than our offset, or another head) tail_check_identity's, which
 * runs first.
 */
bool
tail_check_copied(struct tail_file *f, const struct stat *st)
{
	struct tail_copy *copies;
	size_t ncopies;
	int64_t due;
	bool is_judged;

	if (!f->is_copied)
		return true;
	/* Rotated away, F is drained whatever its copies: its path's
	 * next file has them. */
	if (f->copied_due_ms > f->t->now_ms && !f->is_rotated &&
	    !f->is_copy_only)
		return false;
	f->is_copied = false;
	f->copied_due_ms = 0;
	if (f->is_rotated || f->is_copy_only)
		return true;
	is_judged = !f->is_emptied && f->fp_len > 0 && f->offset > 0;
	/* Listed before the judgement: a copy made after it comes with its
	 * own event, and is judged then, not taken as seen. */
	ncopies = tail_copies(f->t, f->path, f->ino, &copies);
	due = is_judged ? tail_copies_settle_ms(f, copies, ncopies) : 0;
	if (due > 0) {
		/* Not read on from the offset meanwhile: those bytes may
		 * be another generation's. */
		f->is_copied = true;
		f->copied_due_ms = due;
		tail_copies_free(copies, ncopies);
		return false;
	}
	if (is_judged && tail_copied_since(f, &f->copied_base))
		/* Sets copied_base itself, as every truncation does. */
		tail_truncated(f, (uint64_t)st->st_size, &f->copied_base);
	else
		tail_seen_set(&f->copied_base, copies, ncopies);
	tail_copies_free(copies, ncopies);
	return true;
}

void
tail_mark_copied(struct tail *t, const struct tail_dir *d, const char *name)
{
	for (struct tail_file *f = t->files; f != NULL; f = f->next) {
		char *base;

		if (f->is_rotated || f->is_copy_only || f->is_copied)
			continue;
		base = tail_name_in(d->path, f->path);
		/* Looked at after this batch, even if F is not written. */
		if (base != NULL && tail_is_copy_name(base, name))
			f->is_copied = f->is_dirty = true;
		free(base);
	}
}

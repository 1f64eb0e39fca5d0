/*
 * tail_copy: the copies rotation leaves beside a live file
 * (pm2-logrotate's NAME__DATE.log[.gz], logrotate's NAME.1[.gz] or
 * NAME-DATE), found by name (tail_is_copy_name) and told apart by the
 * fingerprint of their head and by whether they were there before
 * (tail_copy_seen.c); their mtimes only put them in order.  A copy is read through
 * source.h, so a gzipped one reads like a plain one.
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

#include "log.h"
#include "path.h"
#include "source.h"
#include "stamp.h"
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

/*
 * Lists the copies beside PATH (regular files, not inode INO, not read
 * before: tail_copy_was_read), oldest mtime first, into *COPIES (free with tail_copies_free).  Returns how
 * many.
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

		if (!tail_is_copy_name(base, de->d_name))
			continue;
		p = path_join(dir, de->d_name);
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_ino == ino ||
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

	src = source_open(path, errbuf, sizeof(errbuf));
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

/* Is copy C in SEEN, unchanged? */
static bool
tail_copy_was_seen(const struct tail_copy *c, const struct tail_seen *seen)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = (dev_t)c->dev;
	st.st_ino = (ino_t)c->ino;
	st.st_size = (off_t)c->size;
	return tail_seen_has(seen, c->path, &st);
}

/* Does the head of PATH have F's fingerprint? */
static bool
tail_copy_matches(const struct tail_file *f, const char *path)
{
	return tail_copy_has_head(path, f->fp_len, f->fp_crc);
}

/*
 * Notes that the copy at PATH was read, as long as it is now: in the
 * state, with the counts (a start reads a copy made after the last commit
 * only if that is not it: pm2-logrotate may still write a copy after the
 * truncation that made us read it, when it rotates one file twice at
 * once), and during a start in the claims.
 */
static void
tail_copy_read(struct tail *t, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return;
	state_copy_read_save(t->st, (uint64_t)st.st_dev, (uint64_t)st.st_ino,
	    (uint64_t)st.st_size, tail_copy_head_crc(path), stamp_now_ms());
	if (!t->is_starting)
		return;
	t->claims = xreallocarray(t->claims, t->nclaims + 1,
	    sizeof(*t->claims));
	t->claims[t->nclaims].dev = (uint64_t)st.st_dev;
	t->claims[t->nclaims].ino = (uint64_t)st.st_ino;
	t->nclaims++;
}

/* Feeds F's pipeline with PATH from byte SKIP on; returns bytes fed. */
uint64_t
tail_copy_feed(struct tail_file *f, const char *path, uint64_t skip)
{
	char errbuf[256];
	struct source *src = source_open(path, errbuf, sizeof(errbuf));
	uint64_t pos = 0, fed = 0;
	size_t n;

	while (src != NULL && source_read(src, f->t->buf, TAIL_BUFSIZE,
	    &n) == SOURCE_OK) {
		if (pos + n > skip) {
			size_t k = pos >= skip ? 0 : (size_t)(skip - pos);

			pipeline_feed(f->pipeline, f->t->buf + k, n - k);
			fed += n - k;
		}
		pos += n;
	}
	if (src == NULL)
		log_warnx("%s", errbuf);
	source_free(src);
	tail_copy_read(f->t, path);
	return fed;
}

/*
 * Which copy holds the text F was reading.  Live (SEEN NULL): the newest
 * copy with F's fingerprint, made by the rotation we just saw.  On a
 * start (SEEN: the copies present at our last commit): the first
 * rotation after that commit copied our text, so the oldest copy not in
 * SEEN with the fingerprint wins -- logs whose records do not differ in
 * their first bytes have that head in every copy; else the newest copy
 * with the fingerprint.  Without a fingerprint (F was empty when
 * committed), every copy made after the commit is text we have not seen:
 * the first of them.  Returns an index into COPIES or SIZE_MAX.
 */
size_t
tail_copy_pick(const struct tail_file *f, const struct tail_copy *copies,
    size_t ncopies, const struct tail_seen *seen)
{
	if (seen != NULL) {
		for (size_t i = 0; i < ncopies; i++)
			if (!tail_copy_was_seen(&copies[i], seen) &&
			    tail_copy_matches(f, copies[i].path))
				return i;
		if (f->fp_len == 0)
			return SIZE_MAX;
	} else if (f->fp_len == 0)
		return SIZE_MAX;
	for (size_t i = ncopies; i > 0; i--)
		if (tail_copy_matches(f, copies[i - 1].path))
			return i - 1;
	return SIZE_MAX;
}

/*
 * Was F rotated by copytruncate since the commit that saw SEEN, though
 * its size and head still look like the text we were reading?  That is
 * so when a copy not in SEEN has F's head (or F had no head yet).
 * Rotation copies the file before it truncates it, and the commit came
 * after we read the text at our offset, so such a copy holds a later
 * state of our text (logrotate(8) copytruncate; pm2-logrotate 3.0.0,
 * samples/pm2/07).
 */
bool
tail_copied_since(const struct tail_file *f, const struct tail_seen *seen)
{
	struct tail_copy *copies;
	size_t ncopies = tail_copies(f->t, f->path, f->ino, &copies);
	bool copied = false;

	for (size_t i = 0; i < ncopies && !copied; i++)
		copied = !tail_copy_was_seen(&copies[i], seen) &&
		    tail_copy_matches(f, copies[i].path);
	tail_copies_free(copies, ncopies);
	return copied;
}

/*
 * On a start, does copy C begin the text of another file the last commit
 * saved at F's path (its heir: renamed while F was drained, then rotated
 * in turn while watch was down)?  That file's own resume reads C from
 * its saved offset, and the copies after C, so F's must stop before C:
 * read whole here, the heir's counted text would count twice.
 */
static bool
tail_copy_is_heirs(const struct tail_file *f, const struct tail_copy *c)
{
	for (size_t i = 0; i < f->t->start_nsaved; i++) {
		const struct state_file *sf = &f->t->start_saved[i];

		/* F itself (a gone file has inode 0 here), or a file
		 * whose head is F's: nothing tells their copies apart,
		 * and reading too much beats losing a generation. */
		if (sf->fp_len == 0 || (sf->fp_len == f->fp_len &&
		    sf->fp_crc == f->fp_crc))
			continue;
		if (sf->ino != f->ino && strcmp(sf->path, f->path) == 0 &&
		    tail_copy_has_head(c->path, sf->fp_len, sf->fp_crc))
			return true;
	}
	return false;
}

/*
 * Feeds F's pipeline with what copytruncate rotations saved beside F and
 * we have not read: the copy tail_copy_pick finds, from F's offset on,
 * then every newer copy whole, up to one that is another saved file's
 * (tail_copy_is_heirs) -- each holds a generation of the file
 * written and rotated before we looked again (several rotations while we
 * were stopped, or before a crash lost our last commit).  Copies may be
 * gzipped.  When no copy holds our text, nothing can be told apart and
 * nothing is read.
 */
void
tail_drain_copy(struct tail_file *f, const struct tail_seen *seen)
{
	struct tail_copy *copies;
	size_t ncopies = tail_copies(f->t, f->path, f->ino, &copies);
	size_t match = tail_copy_pick(f, copies, ncopies, seen);

	if (match != SIZE_MAX) {
		uint64_t fed = tail_copy_feed(f, copies[match].path, f->offset);

		log_info("%s: read %llu bytes we had not seen from its copy %s",
		    f->path, (unsigned long long)fed, copies[match].path);
		for (size_t i = match + 1; i < ncopies &&
		    !tail_copy_is_heirs(f, &copies[i]); i++) {
			/* Each copy is a record stream of its own. */
			pipeline_finish(f->pipeline, true);
			fed = tail_copy_feed(f, copies[i].path, 0);
			log_info("%s: read %llu bytes from the later copy %s",
			    f->path, (unsigned long long)fed, copies[i].path);
		}
	} else if (ncopies > 0 && f->fp_len > 0)
		log_warnx("%s: no copy beside it has the head we were reading; "
		    "what was written after offset %llu before the truncation "
		    "cannot be found", f->path, (unsigned long long)f->offset);
	tail_copies_free(copies, ncopies);
}


/*
 * F was truncated and we read nothing of it since; now it has text
 * again.  A whole generation may have been written and rotated in
 * between, if we were slow to look (a loaded machine): its copy was not
 * beside F when we saw the truncation (f->emptied).  Such copies are
 * read whole, oldest first, before the live text.  A copy with the live
 * file's head is the generation still there, copied but not yet
 * truncated (pm2-logrotate copies, then truncates): it is left, the live
 * file holds it.  (Generations whose heads are alike cannot be told
 * apart, and are left too.)
 */
void
tail_drain_missed(struct tail_file *f, uint64_t size)
{
	struct tail_copy *copies;
	size_t ncopies = tail_copies(f->t, f->path, f->ino, &copies), nfed = 0;
	uint32_t len = size < TAIL_FP_MAX ? (uint32_t)size : TAIL_FP_MAX, crc;

	if (tail_fp_compute(f->fd, len, &crc) != 0)
		ncopies = 0;
	for (size_t i = 0; i < ncopies; i++) {
		uint64_t fed;

		if (tail_copy_was_seen(&copies[i], &f->emptied) ||
		    tail_copy_has_head(copies[i].path, len, crc))
			continue;
		fed = tail_copy_feed(f, copies[i].path, 0);
		pipeline_finish(f->pipeline, true);
		nfed++;
		log_warnx("%s: a generation was written and rotated before we "
		    "read it; read %llu bytes of it from its copy %s", f->path,
		    (unsigned long long)fed, copies[i].path);
	}
	if (nfed > 0)
		pipeline_reset(f->pipeline, 0);
	tail_copies_free(copies, ncopies);
	f->is_emptied = false;
	tail_seen_release(&f->emptied);
}

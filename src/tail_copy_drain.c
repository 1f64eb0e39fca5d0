/*
 * tail_copy_drain: reading the copies rotation left (tail_copy.c finds
 * and names them) into a followed file's pipeline: the rest of our text
 * from the copy that holds it (tail_drain_copy), the whole generations
 * rotated between two looks (tail_drain_between, tail_drain_missed), a
 * copy taken as a generation of its own (tail_copy_take), and a file let
 * go that its writer appended to since (tail_check_let_go).
 */
#include "autoconf.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "log.h"
#include "source.h"
#include "stamp.h"
#include "tail_int.h"
#include "xmalloc.h"

uint64_t
tail_copy_take(struct tail *t, const struct tail_copy *c, uint64_t from,
    const char *why)
{
	struct tail_file *f;
	struct stat st;
	uint64_t fed;
	size_t n;
	bool being = false;
	char *path;
	int fd;

	fd = tail_copy_open(c, &path);
	if (fd < 0) {
		log_warnx("%s: renamed or removed before we read it",
		    c->path);
		return 0;
	}
	if (fstat(fd, &st) != 0) {
		log_warn("%s: cannot read it", path);
		close(fd);
		free(path);
		return 0;
	}
	n = strlen(path);
	if (n > 3 && strcmp(path + n - 3, ".gz") == 0) {
		/* gzip(1), and logrotate's compress, write NAME.gz beside
		 * NAME and remove NAME once it is whole: until then it is
		 * neither whole nor the only copy of that text. */
		char *plain = xstrdup(path);
		struct stat pst;

		plain[n - 3] = '\0';
		being = stat(plain, &pst) == 0 || !tail_fd_is_gz(fd);
		free(plain);
	}
	if (being || st.st_size == 0) {
		log_info("%s: %s, but it is empty or being compressed: not "
		    "read now", path, why);
		close(fd);
		free(path);
		return 0;
	}
	if (!tail_fd_is_gz(fd)) {
		f = tail_follow(t, path, fd, from);
		free(path);
		if (f == NULL)
			return 0;
		/* Its head, counted before, tells its compressed copy. */
		f->fp_len = from < TAIL_FP_MAX ? (uint32_t)from : TAIL_FP_MAX;
		if (tail_fp_compute(f->fd, f->fp_len, &f->fp_crc) != 0)
			f->fp_len = f->fp_crc = 0;
		f->is_rotated = true;
		f->last_growth_ms = tail_copy_ms(c);
		t->stats.rotations++;
		log_warnx("%s: %s; following it from offset %llu as a rotated "
		    "file", f->path, why, (unsigned long long)from);
		tail_read(f);
		return f->offset - from;
	}
	f = tail_file_new(t, path, fd, &st);
	f->is_copy_only = true;
	fed = tail_copy_feed(f, c, from);
	log_warnx("%s: %s; read %llu bytes of it from offset %llu", path,
	    why, (unsigned long long)fed, (unsigned long long)from);
	free(path);
	tail_file_drop(f);
	return fed;
}

/* Is copy C of F one by a name no other program's log can have
 * (tail_is_sure_copy_name)?  Only such is read whole on its name alone. */
static bool
tail_copy_is_sure(const struct tail_file *f, const struct tail_copy *c)
{
	char *b = xstrdup(f->path), *n = xstrdup(c->path);
	bool is = tail_is_sure_copy_name(basename(b), basename(n));

	free(b);
	free(n);
	return is;
}

/* The identity of copy C, as tail_seen_has() takes it. */
static void
tail_copy_stat(const struct tail_copy *c, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)c->dev;
	st->st_ino = (ino_t)c->ino;
	st->st_size = (off_t)c->size;
}

bool
tail_copy_is_new(struct tail *t, const struct tail_copy *c,
    const struct tail_seen *seen)
{
	struct stat st;

	tail_copy_stat(c, &st);
	return !tail_seen_has(seen, c->path, &st) &&
	    tail_find_inode(t, c->dev, c->ino) == NULL;
}

/* Does the head of PATH have F's fingerprint? */
static bool
tail_copy_matches(const struct tail_file *f, const char *path)
{
	return tail_copy_has_head(path, f->fp_len, f->fp_crc);
}

/*
 * Notes that the copy open at FD was read, as long as it is now: in the
 * state, with the counts (a start reads a copy made after the last commit
 * only if that is not it: pm2-logrotate may still write a copy after the
 * truncation that made us read it, when it rotates one file twice at
 * once), and during a start in the claims.  By the descriptor, not the
 * name: a rotation while we read gives the name to the next generation's
 * copy, which would then be taken as read.
 */
static void
tail_copy_read(struct tail *t, int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0)
		return;
	state_copy_read_save(t->st, (uint64_t)st.st_dev, (uint64_t)st.st_ino,
	    (uint64_t)st.st_size, tail_fd_head_crc(fd), stamp_now_ms());
	if (!t->is_starting)
		return;
	t->claims = xreallocarray(t->claims, t->nclaims + 1,
	    sizeof(*t->claims));
	t->claims[t->nclaims].dev = (uint64_t)st.st_dev;
	t->claims[t->nclaims].ino = (uint64_t)st.st_ino;
	t->nclaims++;
}

/* Feeds F's pipeline with copy C from byte SKIP on (the copy, wherever
 * rotation renamed it: tail_copy_open); returns bytes fed. */
uint64_t
tail_copy_feed(struct tail_file *f, const struct tail_copy *c, uint64_t skip)
{
	char errbuf[256], *path = NULL;
	int fd = tail_copy_open(c, &path);
	struct source *src = NULL;
	uint64_t pos = 0, fed = 0;
	size_t n;

	if (fd < 0) {
		log_warnx("%s: renamed or removed before we read it",
		    c->path);
		return 0;
	}
	src = source_open_gz_named_fd(fd, path, errbuf, sizeof(errbuf));
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
	else
		tail_copy_read(f->t, source_fd(src));
	source_free(src);
	free(path);
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
 * the first of them.  A copy F still holds whole (tail_copy_is_kept:
 * logrotate's copy) holds none of the text we lost, and is never picked.
 * Returns an index into COPIES or SIZE_MAX.
 */
size_t
tail_copy_pick(const struct tail_file *f, const struct tail_copy *copies,
    size_t ncopies, const struct tail_seen *seen)
{
	if (seen != NULL) {
		for (size_t i = 0; i < ncopies; i++)
			if (tail_copy_is_new(f->t, &copies[i], seen) &&
			    tail_copy_matches(f, copies[i].path) &&
			    !tail_copy_is_kept(f, &copies[i], f->offset))
				return i;
		if (f->fp_len == 0)
			return SIZE_MAX;
	} else if (f->fp_len == 0)
		return SIZE_MAX;
	for (size_t i = ncopies; i > 0; i--)
		if (tail_copy_matches(f, copies[i - 1].path) &&
		    !tail_copy_is_kept(f, &copies[i - 1], f->offset))
			return i - 1;
	return SIZE_MAX;
}

/*
 * Do bytes [FROM, TO) of copy C's text (decompressed if gzip) equal the
 * same bytes of F, open at f->fd?  Streamed through t->buf and a small
 * buffer: the range is what a copytruncate drain would read anyway.
 */
static bool
tail_copy_agrees(const struct tail_file *f, const struct tail_copy *c,
    uint64_t from, uint64_t to)
{
	char errbuf[256], live[8192], *path = NULL;
	int fd = tail_copy_open(c, &path);
	struct source *src = NULL;
	uint64_t pos = 0;
	size_t n;
	bool agrees = fd >= 0;

	if (fd >= 0)
		src = source_open_gz_named_fd(fd, path, errbuf,
		    sizeof(errbuf));
	if (src == NULL)
		agrees = false;
	while (agrees && pos < to && source_read(src, f->t->buf,
	    TAIL_BUFSIZE, &n) == SOURCE_OK && n > 0) {
		for (size_t k = 0; agrees && k < n && pos + k < to;) {
			size_t len = n - k < sizeof(live) ? n - k :
			    sizeof(live);

			if (pos + k + len > to)
				len = (size_t)(to - pos - k);
			if (pos + k + len > from) {
				size_t skip = pos + k >= from ? 0 :
				    (size_t)(from - pos - k);

				agrees = pread(f->fd, live, len - skip,
				    (off_t)(pos + k + skip)) ==
				    (ssize_t)(len - skip) &&
				    memcmp(live, f->t->buf + k + skip,
				    len - skip) == 0;
			}
			k += len;
		}
		pos += n;
	}
	if (pos < to)
		agrees = false;	/* shorter than its length said */
	source_free(src);
	free(path);
	return agrees;
}

/*
 * Does F's text at AT (its next bytes, up to TAIL_FP_MAX) begin as copy
 * C's text begins?  Then F could as well be a new generation written
 * after C was copied and F truncated, by an app that logs the same lines
 * over and over (K01d): nothing in the bytes tells the two apart.  False
 * when F has nothing at AT, or C cannot be read.
 */
static bool
tail_copy_begins_again(const struct tail_file *f, const struct tail_copy *c,
    uint64_t at)
{
	char errbuf[256], live[TAIL_FP_MAX], *path = NULL;
	int fd = tail_copy_open(c, &path);
	struct source *src = NULL;
	ssize_t m = pread(f->fd, live, sizeof(live), (off_t)at);
	size_t n, got = 0;
	bool again = false;

	if (fd >= 0)
		src = source_open_gz_named_fd(fd, path, errbuf,
		    sizeof(errbuf));
	while (src != NULL && m > 0 && got < (size_t)m && source_read(src,
	    f->t->buf, TAIL_BUFSIZE, &n) == SOURCE_OK && n > 0) {
		size_t k = n < (size_t)m - got ? n : (size_t)m - got;

		if (memcmp(live + got, f->t->buf, k) != 0)
			break;
		got += k;
	}
	again = m > 0 && got == (size_t)m;
	source_free(src);
	free(path);
	return again;
}

/*
 * Is copy C one F still holds whole: made by logrotate's `copy`
 * ("Make a copy of the log file, but don't change the original at all",
 * logrotate(8)), not copytruncate?  Then it adds nothing: F is read on
 * from our offset FROM as usual, and C never.  The one place that tells a
 * kept copy from a copytruncate copy, for a start and a copy seen live
 * (tail_copied_since) and a truncation seen live (tail_copy_pick).  It is
 * so when F (open, its identity ours: the caller's check) and C both have
 * our head, F is at least as long as C's text, which reaches FROM
 * (running, FROM is taken no further than C's end), and F agrees with C
 * from a little before FROM (the last TAIL_FP_MAX bytes we read) to C's
 * end: a new generation after a copytruncate agrees with the copy there
 * only when it repeats it.  Then what F holds past C's end tells: text
 * that begins as C began may be such a repetition (an app that logs the
 * same line over and over, K01d), and copytruncate, the rotation PM2
 * setups use, is assumed, as before; other text is what the app wrote
 * after the copy.  With nothing past C's end, F written since C was made
 * (its mtime not older than C's) was truncated and written again with
 * the same bytes (K01e); F last written before C was made is the
 * original, untouched.
 */
bool
tail_copy_is_kept(const struct tail_file *f, const struct tail_copy *c,
    uint64_t from)
{
	struct stat st;
	uint64_t len;
	uint32_t crc;

	/* F's head is still ours, and C's too. */
	if (f->fd < 0 || f->is_copy_only || f->fp_len == 0 ||
	    fstat(f->fd, &st) != 0 ||
	    tail_fp_compute(f->fd, f->fp_len, &crc) != 0 ||
	    crc != f->fp_crc || !tail_copy_matches(f, c->path))
		return false;
	len = tail_copy_text_len(c->path, c->size);
	/* Running, we may have read past a copy's end before we knew of
	 * it (made as we read, told by an event still queued, or in a
	 * polled directory): it is judged up to its end, as one made at
	 * our offset is.  A start's offset is a commit's, and a copy made
	 * since that ends before it was made of a later generation. */
	if (len < from && !f->t->is_starting)
		from = len;
	if (len < from || len == 0 || (uint64_t)st.st_size < len)
		return false;
	if (!tail_copy_agrees(f, c, from > TAIL_FP_MAX ? from - TAIL_FP_MAX :
	    0, len))
		return false;
	/* The same time is no order: the file system's clock ticks every
	 * few ms, within which a copy, a truncation and a rewrite fit. */
	if ((uint64_t)st.st_size == len)
		return st.st_mtim.tv_sec < c->mtime.tv_sec ||
		    (st.st_mtim.tv_sec == c->mtime.tv_sec &&
		    st.st_mtim.tv_nsec < c->mtime.tv_nsec);
	return !tail_copy_begins_again(f, c, len);
}

/* Notes copy C as read (tail_copy_read), all of it counted from the live
 * file: no later look reads it, as a drain or an orphan. */
static void
tail_copy_note_kept(const struct tail_file *f, const struct tail_copy *c)
{
	char *path = NULL;
	int fd = tail_copy_open(c, &path);

	if (fd < 0)
		return;
	log_info("%s: %s is a copy of it that it still holds whole "
	    "(logrotate's copy, no truncation): not read", f->path, path);
	tail_copy_read(f->t, fd);
	close(fd);
	free(path);
}

/*
 * Was F rotated by copytruncate since the commit that saw SEEN (running:
 * since our last look at its copies, tail_check_copied), though its size
 * and head still look like the text we were reading?  That is
 * so when a copy not in SEEN has F's head (or F had no head yet), unless
 * F still holds all of it (tail_copy_is_kept: logrotate's copy, noted as
 * read here).  Rotation copies the file before it truncates it, and the
 * commit came after we read the text at our offset, so such a copy holds
 * a later state of our text (logrotate(8) copytruncate; pm2-logrotate
 * 3.0.0, samples/pm2/07).
 */
bool
tail_copied_since(const struct tail_file *f, const struct tail_seen *seen)
{
	struct tail_copy *copies;
	size_t ncopies = tail_copies(f->t, f->path, f->ino, &copies);
	bool copied = false;

	for (size_t i = 0; i < ncopies; i++) {
		if (!tail_copy_is_new(f->t, &copies[i], seen) ||
		    !tail_copy_matches(f, copies[i].path))
			continue;
		if (tail_copy_is_kept(f, &copies[i], f->offset))
			tail_copy_note_kept(f, &copies[i]);
		else
			copied = true;
	}
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
 * nothing is read.  Returns whether a copy held it.
 */
bool
tail_drain_copy(struct tail_file *f, const struct tail_seen *seen)
{
	struct tail_copy *copies;
	size_t ncopies, match;

	/* Picked by the heads their names held: a rotation meanwhile
	 * (names shifted) and the pick is made again. */
	for (int looks = 0;; looks++) {
		ncopies = tail_copies(f->t, f->path, f->ino, &copies);
		match = tail_copy_pick(f, copies, ncopies, seen);
		if (looks == TAIL_MISSED_LOOKS ||
		    !tail_copies_moved(copies, ncopies))
			break;
		tail_copies_free(copies, ncopies);
	}

	if (match != SIZE_MAX) {
		uint64_t fed = tail_copy_feed(f, &copies[match], f->offset);

		log_info("%s: read %llu bytes we had not seen from its copy %s",
		    f->path, (unsigned long long)fed, copies[match].path);
		for (size_t i = match + 1; i < ncopies &&
		    !tail_copy_is_heirs(f, &copies[i]); i++) {
			if (!tail_copy_is_sure(f, &copies[i]))
				continue;
			/* Each copy is a record stream of its own. */
			pipeline_finish(f->pipeline, true);
			fed = tail_copy_feed(f, &copies[i], 0);
			log_info("%s: read %llu bytes from the later copy %s",
			    f->path, (unsigned long long)fed, copies[i].path);
		}
	} else if (f->fp_len > 0 && !f->is_copy_only)
		/* (A file gone has its own words: tail_resume_gone.)  No
		 * copy at all is `pm2 flush`, `truncate` or `> FILE`: what
		 * the app wrote between our last read and the truncation
		 * exists nowhere, and nothing tells whether it wrote any. */
		log_warnx("%s: no copy beside it has the head we were reading "
		    "(pm2 flush, truncate?): what was written after offset %llu "
		    "before the truncation, if anything, cannot be found and is "
		    "not counted", f->path, (unsigned long long)f->offset);
	tail_copies_free(copies, ncopies);
	return match != SIZE_MAX;
}


/*
 * Feeds F, before its live text (LIVE: SIZE bytes now, and the head we
 * count it by), with the text of its path that we never read, if we were
 * slow to look (a loaded or stopped machine):
 *  - a file we let go that its writer appended to since (PM2 without
 *    `pm2 reloadLogs`): what lies past the offset we let it go at
 *    (tail_copy_counted_to);
 *  - whole generations: the copies beside F in neither BEFORE (those
 *    there when we last looked) nor ALSO (NULL, or the last commit's),
 *    even grown since (tail_seen_had), that no file we follow is, and
 *    that are not, by their head and no greater length, the live text
 *    (the generation still there, copied but not yet truncated:
 *    pm2-logrotate copies, then truncates) or OLD as it is now (NULL, or
 *    the file F took the place of, drained from its own descriptor: a
 *    compressed copy of it is its text, even if we opened it empty).  A
 *    copy longer than the file whose head it has is another generation
 *    (an app that starts each file with the same banner); one no longer
 *    cannot be told from a copy of it, and is left.  Only a name no other
 *    program's log can bear ties such a copy to F (tail_copy_is_sure).
 * Each is read oldest first (tail_copy_take).  A copy renamed while it
 * was judged (its name then held another's bytes: tail_copy_is_still)
 * is left for the next look.  Returns how many it tried to read (through
 * t->buf), or left so: the caller looks again.
 */
static size_t
tail_feed_missed(struct tail_file *f, const struct tail_gone *live,
    const struct tail_seen *before, const struct tail_seen *also,
    const struct tail_gone *old)
{
	struct tail_copy *copies;
	size_t ncopies = tail_copies(f->t, f->path, f->ino, &copies);
	uint64_t size = live->size;
	uint32_t len = live->head_len, crc = live->head_crc;
	uint32_t old_len = old != NULL ? old->head_len : 0;
	uint32_t old_crc = old != NULL ? old->head_crc : 0;
	uint64_t old_size = old != NULL ? old->size : 0;
	size_t tried = 0;
	struct stat st;

	for (size_t i = 0; i < ncopies; i++) {
		const struct tail_copy *c = &copies[i];
		uint64_t from;
		bool skip = false;

		if (tail_find_inode(f->t, c->dev, c->ino) != NULL)
			continue;
		tail_copy_stat(c, &st);
		from = tail_copy_counted_to(f->t, c->path, &st);
		if (from == UINT64_MAX) {
			if (tail_seen_had(before, c->path, &st) ||
			    (also != NULL && tail_seen_had(also, c->path,
			    &st)) ||
			    (len > 0 && tail_copy_has_head(c->path, len,
			    crc) && tail_copy_text_len(c->path, c->size) <=
			    size) ||
			    (old_len > 0 && tail_copy_has_head(c->path,
			    old_len, old_crc) && tail_copy_text_len(c->path,
			    c->size) <= old_size) ||
			    !tail_copy_is_sure(f, c))
				skip = true;
			from = 0;
		} else if (from >= tail_copy_text_len(c->path, c->size))
			skip = true;
		if (!tail_copy_is_still(c)) {
			/* Judged by another's bytes: judged again at the
			 * next look (the caller's). */
			tried++;
			continue;
		}
		if (skip)
			continue;
		(void)tail_copy_take(f->t, c, from, from == 0 ? "a generation "
		    "was written and rotated before we read it" :
		    "written to after we let it go");
		tried++;
	}
	tail_copies_free(copies, ncopies);
	return tried;
}

/*
 * F was truncated (or opened at 0) and we read nothing of it since; now
 * it has text again, HEAD (N bytes) read at 0: the generations written
 * and rotated in between are copies that were not beside F when we saw
 * the truncation (f->emptied), but for those of the text we hold (its
 * head, no longer than F).  The head is what we read, not F's now: a
 * copy of F's text judged the live one, then truncated before we read
 * (logrotate truncates as soon as it has copied), would be a generation
 * lost.  Returns whether it tried to read a copy: the caller reads F
 * again (the copies went through t->buf), and asks again, since reading
 * them took time in which the path may have rotated again.
 */
bool
tail_drain_missed(struct tail_file *f, const char *head, size_t n)
{
	struct tail_gone live;
	struct stat st;

	memset(&live, 0, sizeof(live));
	live.size = fstat(f->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	if (live.size < n)
		live.size = n;
	live.head_len = n < TAIL_FP_MAX ? (uint32_t)n : TAIL_FP_MAX;
	live.head_crc = (uint32_t)crc32(0L, (const unsigned char *)head,
	    live.head_len);
	return tail_feed_missed(f, &live, &f->emptied, NULL, NULL) > 0;
}

/*
 * F has just taken OLD's place at its path (a rename rotation, or OLD
 * renamed or deleted and F created; OLD may have been let go since).
 * Rotated more than once before we looked, the path held other files in
 * between, each renamed away or copied and truncated unseen: copies that
 * were not beside OLD when it was opened (old->beside) nor at the last
 * commit.  Looked for again while a look left some (tail_feed_missed).
 */
void
tail_drain_between(struct tail_file *f, const struct tail_gone *old)
{
	struct tail_gone live;
	struct stat st;

	if (fstat(f->fd, &st) != 0)
		return;
	memset(&live, 0, sizeof(live));
	live.size = (uint64_t)st.st_size;
	live.head_len = live.size < TAIL_FP_MAX ? (uint32_t)live.size :
	    TAIL_FP_MAX;
	if (live.head_len > 0 &&
	    tail_fp_compute(f->fd, live.head_len, &live.head_crc) != 0)
		return;
	for (int looks = 0; looks < TAIL_MISSED_LOOKS &&
	    tail_feed_missed(f, &live, &old->beside, f->t->has_seen ?
	    &f->t->seen : NULL, old) > 0; looks++)
		;
}

void
tail_gone_of(const struct tail_file *old, struct tail_gone *g)
{
	struct stat st;

	memset(g, 0, sizeof(*g));
	g->beside = old->beside;
	g->dev = old->dev;
	g->ino = old->ino;
	if (old->fd < 0 || fstat(old->fd, &st) != 0)
		return;
	g->size = (uint64_t)st.st_size;
	g->head_len = st.st_size < TAIL_FP_MAX ? (uint32_t)st.st_size :
	    TAIL_FP_MAX;
	if (tail_fp_compute(old->fd, g->head_len, &g->head_crc) != 0)
		g->head_len = 0;
}

/*
 * A writer that holds a renamed file (PM2 until `pm2 reloadLogs`) may
 * write to it again long after we let it go: its writes come as events
 * on a name that is no live file.  The file is known by its inode and the
 * head it had (struct tail_gone); a longer one is followed again from the
 * length we let it go at.
 */
void
tail_check_let_go(struct tail *t, const char *path)
{
	struct tail_copy c;
	struct stat st;

	if (t->gone == NULL || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    tail_find_inode(t, (uint64_t)st.st_dev, (uint64_t)st.st_ino) !=
	    NULL)
		return;
	for (const struct tail_gone *g = t->gone; g != NULL; g = g->next) {
		if (g->dev != (uint64_t)st.st_dev ||
		    g->ino != (uint64_t)st.st_ino)
			continue;
		if ((uint64_t)st.st_size <= g->size ||
		    tail_copy_head_crc_n(path, g->head_len) != g->head_crc)
			return;
		c.path = (char *)path;
		c.mtime = st.st_mtim;
		c.dev = g->dev;
		c.ino = g->ino;
		c.size = (uint64_t)st.st_size;
		tail_copy_take(t, &c, g->size, "written to after we let it go");
		return;
	}
}

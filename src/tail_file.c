/*
 * tail_file: one followed file.  A file is known by device, inode and a
 * fingerprint (crc32 of its first TAIL_FP_MAX bytes), so a reused inode
 * is caught.  Files are read with pread(2) at our own offset, never
 * through the file position, so a truncation or a reopened descriptor
 * cannot move us silently.  Each followed file owns a pipeline; the
 * offset the pipeline calls safe is what the state saves.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_kind.h"
#include "log.h"
#include "pm2.h"
#include "pm2_dump.h"
#include "sandbox.h"
#include "stamp.h"
#include "tail_int.h"
#include "xmalloc.h"


static void
tail_file_daemon_line(void *ctx, const struct pm2_daemon_line *l)
{
	struct tail_file *f = ctx;

	if (f->t->cb.daemon_line != NULL)
		f->t->cb.daemon_line(f->t->cb.ctx, f->path, l);
}

static void
tail_file_outcome(void *ctx, const struct pipeline_outcome *o)
{
	struct tail_file *f = ctx;
	/* A JSON line may name another app than its file (pm2.h). */
	struct tail_outcome to = { f->stream, strcmp(o->app, f->app) == 0 ?
	    f->instance : -1, o };

	f->t->stats.records++;
	f->t->cb.outcome(f->t->cb.ctx, &to);
}

struct tail_file *
tail_file_new(struct tail *t, const char *path, int fd, const struct stat *st)
{
	struct tail_file *f = xcalloc(1, sizeof(*f));
	struct pipeline_sink sink = { tail_file_outcome, f,
	    tail_file_daemon_line };
	const struct pm2_dump_log *dl;
	struct pipeline_options popts = t->popts;

	f->t = t;
	f->path = xstrdup(path);
	dl = pm2_dump_find(t->dump, path);
	f->app = dl != NULL ? xstrdup(dl->app) : tail_app_of(path);
	f->stream = dl == NULL ? tail_stream_of(path) :
	    dl->stream == PM2_STREAM_OUT ? "out" : "error";
	f->instance = pm2_log_instance_of(path);
	f->fd = fd;
	f->dev = (uint64_t)st->st_dev;
	f->ino = (uint64_t)st->st_ino;
	f->saved_offset = UINT64_MAX;
	f->last_growth_ms = t->now_ms;
	popts.is_pm2_daemon = pm2_log_is_daemon(path);
	f->pipeline = pipeline_new(t->sets, t->nsets, &sink, f->app, path,
	    &popts);
	f->next = t->files;
	t->files = f;
	tail_index_add(t, f);
	t->stats.files++;
	return f;
}

void
tail_file_free(struct tail_file *f)
{
	tail_index_remove(f->t, f);
	pipeline_free(f->pipeline);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->app);
	tail_seen_release(&f->emptied);
	tail_seen_release(&f->beside);
	tail_seen_release(&f->copied_base);
	free(f);
}

/* The newest struct tail_gone of a file let go from PATH, or NULL. */
static const struct tail_gone *
tail_gone_at(const struct tail *t, const char *path)
{
	for (const struct tail_gone *g = t->gone; g != NULL; g = g->next)
		if (strcmp(g->path, path) == 0)
			return g;
	return NULL;
}

/* Removes the struct tail_gone of DEV, INO from T's list; the caller
 * frees it (tail_gone_free).  NULL when there is none. */
static struct tail_gone *
tail_gone_take(struct tail *t, uint64_t dev, uint64_t ino)
{
	for (struct tail_gone **pp = &t->gone; *pp != NULL;
	    pp = &(*pp)->next)
		if ((*pp)->dev == dev && (*pp)->ino == ino) {
			struct tail_gone *g = *pp;

			*pp = g->next;
			t->ngone--;
			return g;
		}
	return NULL;
}

static void
tail_gone_free(struct tail_gone *g)
{
	if (g == NULL)
		return;
	free(g->path);
	tail_seen_release(&g->beside);
	free(g);
}

void
tail_gone_free_all(struct tail *t)
{
	while (t->gone != NULL) {
		struct tail_gone *g = t->gone;

		t->gone = g->next;
		tail_gone_free(g);
	}
	t->ngone = 0;
}

/*
 * Keeps what we know of F, rotated and let go now: the file that takes
 * its place (tail_check_path) needs it, and so do its copies, grown or
 * compressed (tail_copy_counted_to, tail_check_let_go).  The oldest of
 * more than TAIL_GONE_MAX goes.
 */
static void
tail_gone_note(struct tail_file *f)
{
	struct tail *t = f->t;
	struct tail_gone *g = xmalloc(sizeof(*g)), **pp;
	struct tail_gone *was = tail_gone_take(t, f->dev, f->ino);

	tail_gone_of(f, g);
	memset(&f->beside, 0, sizeof(f->beside));	/* now g's */
	/* Counted up to our offset: a line without its LF past it is not. */
	if (f->offset < g->size) {
		g->size = f->offset;
		g->head_len = g->size < TAIL_FP_MAX ? (uint32_t)g->size :
		    TAIL_FP_MAX;
		if (tail_fp_compute(f->fd, g->head_len, &g->head_crc) != 0)
			g->head_len = 0;
	}
	/* Let go again after it was written to (tail_check_let_go): it
	 * is still what was let go from its live path. */
	if (was != NULL) {
		g->path = was->path;
		was->path = NULL;
	} else
		g->path = xstrdup(f->path);
	tail_gone_free(was);
	g->next = t->gone;
	t->gone = g;
	if (++t->ngone <= TAIL_GONE_MAX)
		return;
	for (pp = &t->gone; (*pp)->next != NULL; pp = &(*pp)->next)
		;
	tail_gone_free(*pp);
	*pp = NULL;
	t->ngone--;
}

/* Unlinks F from the list, forgets it in the state, frees it. */
void
tail_file_drop(struct tail_file *f)
{
	struct tail *t = f->t;
	struct tail_file **pp;

	if (f->is_rotated && !f->is_copy_only && f->fd >= 0)
		tail_gone_note(f);

	pipeline_finish(f->pipeline, true);
	if (!f->is_copy_only)
		state_file_forget(t->st, f->dev, f->ino);
	for (pp = &t->files; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	t->stats.files--;
	/* A file read from its copies says what it read where it read. */
	if (!f->is_copy_only)
		log_info("%s: inode %llu let go at offset %llu", f->path,
		    (unsigned long long)f->ino, (unsigned long long)f->offset);
	tail_file_free(f);
}

/*
 * Lets go of F, rotated away and quiet for rotate_wait (ST: an fstat(2)
 * of it now, still linked), noting up to where it was counted as if it
 * were a copy read (tail_copy_counted_to): a writer that still holds it
 * (PM2 until `pm2 reloadLogs`) may append to it later, and the next
 * rotation must read that, not the whole file again.
 */
void
tail_let_go(struct tail_file *f, const struct stat *st)
{
	uint32_t len = f->offset < TAIL_FP_MAX ? (uint32_t)f->offset :
	    TAIL_FP_MAX, crc = 0;

	if ((uint64_t)st->st_size >= f->offset &&
	    (len == 0 || tail_fp_compute(f->fd, len, &crc) == 0))
		state_copy_read_save(f->t->st, f->dev, f->ino, f->offset,
		    crc, stamp_now_ms());
	tail_file_drop(f);
}

struct tail_file *
tail_find_inode(struct tail *t, uint64_t dev, uint64_t ino)
{
	for (struct tail_file *f = t->files; f != NULL; f = f->next)
		if (f->dev == dev && f->ino == ino)
			return f;
	return NULL;
}

/*
 * Notes that PATH would not open for ERR (0: it opened, or is gone).
 * Returns whether that is news, to be warned about: a file nobody may
 * read (a symlink out of the sandbox, a mode 0600 log) is tried again at
 * every sweep, and one warning says it.
 */
static bool
tail_refused(struct tail *t, const char *path, int err)
{
	size_t i;

	for (i = 0; i < t->nrefused; i++)
		if (strcmp(t->refused[i].path, path) == 0)
			break;
	if (i < t->nrefused && t->refused[i].err == err)
		return false;
	if (i < t->nrefused && err != 0) {
		t->refused[i].err = err;
		return true;
	}
	if (i < t->nrefused) {
		free(t->refused[i].path);
		t->refused[i] = t->refused[--t->nrefused];
		return false;
	}
	if (err == 0)
		return false;
	t->refused = xreallocarray(t->refused, t->nrefused + 1,
	    sizeof(*t->refused));
	t->refused[t->nrefused].path = xstrdup(path);
	t->refused[t->nrefused].err = err;
	t->nrefused++;
	return true;
}

void
tail_refused_free(struct tail *t)
{
	for (size_t i = 0; i < t->nrefused; i++)
		free(t->refused[i].path);
	free(t->refused);
	t->refused = NULL;
	t->nrefused = 0;
}

/*
 * Opens PATH to follow it, without updating its access time where we may
 * (file_open_noatime): a file being written has a new mtime at each of
 * our reads, so relatime(8) would write its inode back once per read:
 * that was a third of what reading cost.
 */
static int
tail_open_fd(const char *path)
{
	return file_open_noatime(path, 0);
}

/* Opens PATH; returns the new file positioned at OFFSET, or NULL. */
struct tail_file *
tail_open(struct tail *t, const char *path, uint64_t offset)
{
	struct tail_file *f;
	int fd = tail_open_fd(path);

	if (fd < 0) {
		int err = errno;

		if (tail_refused(t, path, err == ENOENT ? 0 : err))
			log_warnx("%s: cannot open: %s%s", path,
			    strerror(err), sandbox_hint(path, err));
		return NULL;
	}
	(void)tail_refused(t, path, 0);
	f = tail_follow(t, path, fd, offset);
	/* Followed from its start, it is as if just emptied: until we read
	 * its first bytes, whole generations may be written, copied and
	 * truncated away unseen (copytruncate on a loaded machine), and
	 * they are the copies not beside it now (tail_drain_missed). */
	if (f != NULL && offset == 0) {
		f->is_emptied = true;
		tail_seen_copy(&f->emptied, &f->beside);
	}
	return f;
}

/* Follows the file open at FD (taken), named PATH, from OFFSET: a copy
 * opened by its identity (tail_copy.c) is the file we meant, whatever
 * rotation named PATH since.  NULL, FD closed, as for tail_open. */
struct tail_file *
tail_follow(struct tail *t, const char *path, int fd, uint64_t offset)
{
	struct stat st;
	struct tail_file *f;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	if (tail_find_inode(t, (uint64_t)st.st_dev, (uint64_t)st.st_ino) !=
	    NULL) {
		/* Already followed (a hard link, or a symlink to it). */
		close(fd);
		return NULL;
	}
	f = tail_file_new(t, path, fd, &st);
	/* What rotation had left beside it, for the file that takes its
	 * place (tail_drain_between). */
	tail_seen_beside(t, f, &f->beside);
	/* And the first look at its copies (tail_check_copied): those
	 * there now are a start's to judge, or older than us. */
	tail_seen_copy(&f->copied_base, &f->beside);
	f->offset = offset;
	pipeline_reset(f->pipeline, offset);
	log_info("%s: following inode %llu from offset %llu", path,
	    (unsigned long long)f->ino, (unsigned long long)offset);
	return f;
}

/*
 * Marks F rotated away from its path; it is drained until let go.  It
 * may have been truncated and written again before it was renamed
 * (`pm2 flush`, or copytruncate, then a rename, while we were not
 * looking): that is checked first, while F is still judged as the live
 * file, so that the copy of our text is read from our offset and F's
 * new text from 0.
 */
void
tail_rotated(struct tail_file *f, const char *why)
{
	struct stat st;

	if (f->is_rotated)
		return;
	if (fstat(f->fd, &st) == 0)
		tail_check_identity(f, &st);
	f->is_rotated = true;
	f->t->stats.rotations++;
	/* rotate_wait counts from the rotation: a writer that still holds
	 * the file (PM2 until `pm2 reloadLogs`) may write to it after a
	 * long quiet spell. */
	f->last_growth_ms = f->t->now_ms;
	log_info("%s: inode %llu %s; draining it from offset %llu", f->path,
	    (unsigned long long)f->ino, why, (unsigned long long)f->offset);
	tail_read(f);
}

/* F was truncated or replaced in place: finish the old text, restart. */
void
tail_truncated(struct tail_file *f, uint64_t size,
    const struct tail_seen *seen)
{
	struct tail_seen now = { NULL, 0 };

	/* Taken before the copies are read: a rotation while they are
	 * (the live text we saw copied away) is a copy not among them
	 * (tail_drain_missed).  Still empty since the last truncation (or
	 * the open), F keeps the copies of then: those made since are
	 * generations too.  The same set is our last look at F's copies
	 * (tail_check_copied): this truncation accounts for them. */
	tail_seen_beside(f->t, f, &now);
	if (!f->is_emptied || f->offset > 0)
		tail_seen_copy(&f->emptied, &now);
	log_warnx("%s: inode %llu truncated (size %llu, our offset %llu), "
	    "rewritten or copied away: copytruncate rotation; reading it "
	    "again from 0",
	    f->path, (unsigned long long)f->ino, (unsigned long long)size,
	    (unsigned long long)f->offset);
	f->t->stats.truncations++;
	f->t->stats.rotations++;
	tail_drain_copy(f, seen);
	tail_seen_release(&f->copied_base);	/* SEEN may be it */
	f->copied_base = now;
	f->is_copied = false;
	f->copied_due_ms = 0;
	pipeline_finish(f->pipeline, true);
	pipeline_reset(f->pipeline, 0);
	f->offset = 0;
	f->fp_len = 0;
	f->fp_crc = 0;
	f->fp_size = 0;
	f->at_len = 0;
	memset(&f->fp_mtime, 0, sizeof(f->fp_mtime));
	f->flush_at_ms = 0;
	f->is_emptied = true;
	/* A new generation is saved even if it ends up with the offset and
	 * head of the last (an app that writes the same records again). */
	f->saved_offset = UINT64_MAX;
}

/*
 * Reads up to TAIL_BUFSIZE bytes of F at its offset into t->buf: how many
 * (0 at the end of the file, -1 on an error, said).
 */
static ssize_t
tail_pread(struct tail_file *f)
{
	ssize_t n;

	do
		n = pread(f->fd, f->t->buf, TAIL_BUFSIZE, (off_t)f->offset);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		log_warn("%s: read at offset %llu", f->path,
		    (unsigned long long)f->offset);
	return n;
}

/*
 * tail_pread() at F's offset, and for the first text of a file emptied by
 * a truncation or opened at 0 (f->is_emptied), the whole generations
 * written and rotated before it, judged by the text read
 * (tail_drain_missed).  Their copies are read through t->buf, and take
 * time in which the path may rotate again: F is read again and judged
 * anew, until no copy is left.  Emptied again meanwhile, F waits for its
 * text as before.
 */
static ssize_t
tail_pread_first(struct tail_file *f)
{
	ssize_t n = tail_pread(f);

	if (f->is_rotated || f->is_copy_only)
		return n;
	for (int looks = 0; n > 0 && f->is_emptied && f->offset == 0;
	    looks++) {
		if (looks == TAIL_MISSED_LOOKS ||
		    !tail_drain_missed(f, f->t->buf, (size_t)n)) {
			f->is_emptied = false;
			tail_seen_release(&f->emptied);
			break;
		}
		n = tail_pread(f);
	}
	return n;
}

/*
 * tail_pread_first(), then a look at F's head: between our last look and
 * the read (another chunk of the same turn, a slow turn), F may have been
 * copied, truncated and written again past our offset (copytruncate
 * under a writer as fast as us), and the bytes at our offset are then
 * another generation's.  Only the head tells, looked at after the read:
 * changed, the read is dropped and F judged anew (tail_check_identity:
 * the rest of our text comes from its copy), then read where that leaves
 * it.  Bytes dropped that were ours are read from the copy.  Still
 * changing after a few tries, nothing is read this turn.
 */
static ssize_t
tail_pread_checked(struct tail_file *f)
{
	ssize_t n = tail_pread_first(f);
	struct stat st;

	for (int tries = 0; n > 0 && !f->is_rotated && !f->is_copy_only &&
	    !tail_fp_same(f); tries++) {
		if (tries == 3 || fstat(f->fd, &st) != 0)
			return 0;
		tail_check_identity(f, &st);
		n = tail_pread_first(f);
	}
	return n;
}

/*
 * The usual turn, a file that grew: read first, and let that tell us it
 * grew, instead of an fstat(2) (the first read is at our offset, so more
 * bytes mean it was not truncated below it).  Only a rewrite past our
 * offset is left to tell, and the head tells it, checked before the bytes
 * count.  Returns the bytes now in t->buf (0 after a read error, said),
 * or -1 when F needs the full check (tail_check_identity): nothing new
 * (truncated?), another head, or a state the shortcut does not cover
 * (rotated, read from its copies, just emptied, a copy of it may have
 * come: tail_check_copied, a head still shorter than TAIL_FP_MAX whose
 * fingerprint grows).
 */
static ssize_t
tail_read_ahead(struct tail_file *f)
{
	ssize_t n;

	if (f->is_rotated || f->is_copy_only || f->is_emptied ||
	    f->is_copied || f->fp_len != TAIL_FP_MAX)
		return -1;
	n = tail_pread(f);
	if (n < 0)
		return 0;
	if (n == 0 || !tail_fp_same(f))
		return -1;
	/* The size and mtime the head was last checked at are stale now:
	 * the next full check reads the head again. */
	f->fp_size = UINT64_MAX;
	return n;
}

/*
 * Reads what F has beyond our offset, up to TAIL_READ_MAX this turn: one
 * pread(2) of the head and one of the text for a file that grew by less
 * than TAIL_BUFSIZE, an fstat(2) more when it did not grow.  A read
 * shorter than asked is the end of the file (pread(2) on a regular file):
 * what is written after it makes a new event.
 */
void
tail_read(struct tail_file *f)
{
	struct tail *t = f->t;
	uint64_t budget = TAIL_READ_MAX;
	ssize_t n = tail_read_ahead(f);

	if (n < 0) {
		struct stat st;

		if (fstat(f->fd, &st) != 0)
			return;
		tail_check_identity(f, &st);
		/* A copy not yet settled: nothing read past the offset. */
		if (!tail_check_copied(f, &st))
			return;
		n = tail_pread_checked(f);
	}
	f->has_more = false;
	while (n > 0) {
		tail_fp_learn(f, t->buf, (size_t)n);
		tail_at_learn(f, t->buf, (size_t)n);
		pipeline_feed(f->pipeline, t->buf, (size_t)n);
		f->offset += (uint64_t)n;
		t->stats.bytes += (uint64_t)n;
		f->last_growth_ms = t->now_ms;
		budget = (uint64_t)n >= budget ? 0 : budget - (uint64_t)n;
		if (budget == 0)
			f->has_more = true;
		if (budget == 0 || (size_t)n < TAIL_BUFSIZE)
			break;
		n = tail_pread_checked(f);
	}
	if (pipeline_is_pending(f->pipeline)) {
		if (f->last_growth_ms == t->now_ms || f->flush_at_ms == 0)
			f->flush_at_ms = f->last_growth_ms +
			    t->cfg->idle_flush_ms;
	} else
		f->flush_at_ms = 0;
}

/* The file last followed at PATH and rotated away from it, or NULL. */
static struct tail_file *
tail_find_rotated_path(struct tail *t, const char *path)
{
	/* The list is newest first (tail_file_new). */
	for (struct tail_file *f = t->files; f != NULL; f = f->next)
		if (f->is_rotated && !f->is_copy_only &&
		    strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

/*
 * The file at PATH may have changed: follow what is there now.  A file
 * that takes another's place may not be the next generation: when we
 * look late (a loaded or stopped machine, a batch of events), the path
 * may have held others in between, rotated away unseen
 * (tail_drain_between reads them).
 */
void
tail_check_path(struct tail *t, const char *path)
{
	struct tail_file *f = tail_find_path(t, path), *prev;
	struct stat st;
	uint64_t from;

	if (stat(path, &st) != 0) {
		if (f != NULL)
			tail_rotated(f, errno == ENOENT ? "was renamed or "
			    "deleted" : "cannot be stat()ed");
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;
	if (f != NULL && f->dev == (uint64_t)st.st_dev &&
	    f->ino == (uint64_t)st.st_ino) {
		tail_read(f);
		return;
	}
	prev = f != NULL ? f : tail_find_rotated_path(t, path);
	if (f != NULL)
		tail_rotated(f, "was replaced by a new file");
	/*
	 * A file that appears while we run is new: read it from 0.  Unless
	 * it is one we let go, renamed to a name that reads as another live
	 * log (logrotate's dateext with `extension .log` makes
	 * app-out-20261207.log of app-out.log, PM2's name for cluster
	 * instance 20261207): that is read on from where we let it go.
	 */
	from = t->is_starting ? UINT64_MAX : tail_copy_counted_to(t, path, &st);
	f = tail_open(t, path, from == UINT64_MAX ? 0 : from);
	if (f == NULL)
		return;
	if (!t->is_starting) {
		/* The file last let go from the path, if none is still
		 * held. */
		const struct tail_gone *gone = tail_gone_at(t, path);
		struct tail_gone old;

		if (prev != NULL) {
			tail_gone_of(prev, &old);
			tail_drain_between(f, &old);
		} else if (gone != NULL)
			tail_drain_between(f, gone);
	}
	tail_read(f);
}


/*
 * tail: see tail.h for what is handled and why.
 *
 * Files are read with pread(2) at our own offset, never through the file
 * position, so a truncation or a reopened descriptor cannot move us
 * silently.  Each followed file owns a pipeline; the offset the pipeline
 * calls safe is what the state saves.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
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
#include "pm2.h"
#include "pm2_dump.h"
#include "source.h"
#include "stamp.h"
#include "sandbox.h"
#include "tail.h"
#include "xmalloc.h"

#define TAIL_BUFSIZE	(256 * 1024)
#define TAIL_READ_MAX	(8 * 1024 * 1024)	/* per file per turn */
#define TAIL_POLL_MS	1000	/* polling, and checking rotated files */
#define TAIL_DIR_EVENTS	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | \
	IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | \
	IN_MOVE_SELF | IN_ONLYDIR)

struct tail_file {
	struct tail	*t;
	struct tail_file *next;
	char		*path;
	char		*app;
	const char	*stream;
	int		 fd;
	uint64_t	 dev;
	uint64_t	 ino;
	uint32_t	 fp_len;
	uint32_t	 fp_crc;
	uint64_t	 fp_size;	/* file size when fp was last checked */
	struct timespec	 fp_mtime;	/* and its mtime */
	uint64_t	 offset;	/* bytes of the file fed to the pipeline */
	uint64_t	 saved_offset;	/* last offset saved, or UINT64_MAX */
	uint32_t	 saved_fp_len;	/* and the fingerprint saved with it */
	uint32_t	 saved_fp_crc;
	struct pipeline	*pipeline;
	bool		 is_rotated;	/* no longer at its path: drain, drop */
	bool		 has_more;	/* stopped at TAIL_READ_MAX */
	bool		 is_dirty;	/* modified: read after this batch */
	int64_t		 last_growth_ms;
	int64_t		 flush_at_ms;	/* idle flush due, or 0 */
	int64_t		 empty_ms;	/* truncation seen, nothing read since:
					   ms since the epoch, or 0 */
	int		 instance;	/* the name's cluster pm_id, or -1 */
};

struct tail_dir {
	char		*path;
	char		*real;		/* realpath at watch time */
	int		 wd;		/* -1: not watched (missing, ENOSPC) */
	bool		 warned_missing;
	bool		 is_home;	/* PM2_HOME itself: its pm2.log only */
	const struct config_source *src;
};

struct tail {
	const struct config *cfg;
	struct match_set **sets;
	size_t		 nsets;
	struct state	*st;
	struct tail_cb	 cb;
	struct pipeline_options popts;
	int		 ifd;
	struct tail_dir	*dirs;
	size_t		 ndirs;
	struct tail_file *files;
	bool		 is_polling;	/* some directory is not watched */
	bool		 warned_enospc;
	int64_t		 next_sweep_ms;
	int64_t		 now_ms;
	char		*buf;
	struct tail_stats stats;
	/* The apps' logs dump.pm2 places elsewhere (tail_set_dump), each
	 * followed as a path source of its own. */
	const struct pm2_dump *dump;
	struct config_source *dump_srcs;
	size_t		 ndump_srcs;
};

static void tail_read(struct tail_file *f);

/* ---------------------------------------------------------------------
 * Names: which files of a directory are followed.
 */

static const char *
tail_stream_of(const char *path)
{
	struct pm2_log_name name;
	char *copy = xstrdup(path);
	const char *stream = "";

	if (pm2_log_name_parse(basename(copy), &name) == 0) {
		stream = name.stream == PM2_STREAM_OUT ? "out" :
		    name.stream == PM2_STREAM_ERROR ? "error" : "";
		pm2_log_name_release(&name);
	}
	free(copy);
	return stream;
}

static char *
tail_app_of(const char *path)
{
	struct pm2_log_name name;
	char *copy = xstrdup(path), *app, *dot;

	if (pm2_log_name_parse(basename(copy), &name) == 0) {
		app = name.app;
		name.app = NULL;
		pm2_log_name_release(&name);
	} else {
		app = xstrdup(basename(copy));
		dot = strchr(app, '.');
		if (dot != NULL && dot != app)
			*dot = '\0';
	}
	free(copy);
	return app;
}

/* Is FULL (a path in directory D) a live file one of D's sources follows? */
static bool
tail_is_live(const struct tail_dir *d, const char *name, const char *full)
{
	struct pm2_log_name pn;
	bool live;

	if (d->src->pm2_home != NULL) {
		if (pm2_log_name_parse(name, &pn) != 0)
			return false;
		live = !pn.is_rotated &&
		    d->is_home == (pn.stream == PM2_STREAM_DAEMON);
		pm2_log_name_release(&pn);
		return live;
	}
	if (fnmatch(d->src->path, full, FNM_PATHNAME) != 0)
		return false;
	/* A glob like *.log also matches pm2-logrotate's copies, which must
	 * not be read as live files: they hold what was already counted. */
	if (pm2_log_name_parse(name, &pn) == 0) {
		live = !pn.is_rotated;
		pm2_log_name_release(&pn);
		return live;
	}
	return true;
}

/* ---------------------------------------------------------------------
 * Files.
 */

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

/* crc32 of the first LEN bytes of FD, or -1 when fewer can be read. */
static int
tail_fp_compute(int fd, uint32_t len, uint32_t *crc)
{
	unsigned char head[TAIL_FP_MAX];
	ssize_t n;

	if (len == 0) {
		*crc = 0;
		return 0;
	}
	n = pread(fd, head, len, 0);
	if (n != (ssize_t)len)
		return -1;
	*crc = (uint32_t)crc32(0L, head, len);
	return 0;
}

static struct tail_file *
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
	t->stats.files++;
	return f;
}

static void
tail_file_free(struct tail_file *f)
{
	pipeline_free(f->pipeline);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->app);
	free(f);
}

/* Unlinks F from the list, forgets it in the state, frees it. */
static void
tail_file_drop(struct tail_file *f)
{
	struct tail *t = f->t;
	struct tail_file **pp;

	pipeline_finish(f->pipeline, true);
	state_file_forget(t->st, f->dev, f->ino);
	for (pp = &t->files; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	t->stats.files--;
	log_info("%s: inode %llu let go at offset %llu", f->path,
	    (unsigned long long)f->ino, (unsigned long long)f->offset);
	tail_file_free(f);
}

static struct tail_file *
tail_find_path(struct tail *t, const char *path)
{
	for (struct tail_file *f = t->files; f != NULL; f = f->next)
		if (!f->is_rotated && strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

static struct tail_file *
tail_find_inode(struct tail *t, uint64_t dev, uint64_t ino)
{
	for (struct tail_file *f = t->files; f != NULL; f = f->next)
		if (f->dev == dev && f->ino == ino)
			return f;
	return NULL;
}

/* Opens PATH; returns the new file positioned at OFFSET, or NULL. */
static struct tail_file *
tail_open(struct tail *t, const char *path, uint64_t offset)
{
	struct stat st;
	struct tail_file *f;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			log_warnx("%s: cannot open: %s%s", path,
			    strerror(errno), sandbox_hint(errno));
		return NULL;
	}
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
	f->offset = offset;
	pipeline_reset(f->pipeline, offset);
	log_info("%s: following inode %llu from offset %llu", path,
	    (unsigned long long)f->ino, (unsigned long long)offset);
	return f;
}

/* Marks F rotated away from its path; it is drained until let go. */
static void
tail_rotated(struct tail_file *f, const char *why)
{
	if (f->is_rotated)
		return;
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

struct tail_copy {
	char		*path;
	struct timespec	 mtime;
};

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

/* The mtime of a copy in ms since the epoch, rounded down. */
static int64_t
tail_copy_ms(const struct tail_copy *c)
{
	return (int64_t)c->mtime.tv_sec * 1000 + c->mtime.tv_nsec / 1000000;
}

/*
 * Is NAME (in F's directory) a copy that rotation made of F?  For PM2's
 * names: a rotated name of the same app, stream and instance, so that
 * "app-out.log" does not take "app-out-1__DATE.log" of a cluster instance.
 * Other names: F's stem ("app" of "app.log") then '.', '_' or '-'
 * (logrotate's "app.log.1", "app.log-20240101", pm2-logrotate's "__").
 */
static bool
tail_is_copy_name(const char *base, const char *name)
{
	struct pm2_log_name live, copy;
	size_t n;
	bool is_copy;

	if (strcmp(base, name) == 0)
		return false;
	if (pm2_log_name_parse(base, &live) == 0) {
		is_copy = pm2_log_name_parse(name, &copy) == 0;
		if (is_copy) {
			is_copy = copy.is_rotated &&
			    strcmp(copy.app, live.app) == 0 &&
			    copy.stream == live.stream &&
			    copy.instance == live.instance;
			pm2_log_name_release(&copy);
		}
		pm2_log_name_release(&live);
		return is_copy;
	}
	n = strcspn(base, ".");
	return n > 0 && strncmp(name, base, n) == 0 &&
	    strchr("._-", name[n]) != NULL && name[n] != '\0';
}

/*
 * Lists the copies beside F (regular files, not F's inode), oldest mtime
 * first, into *COPIES (free with tail_copies_free).  Returns how many.
 */
static size_t
tail_copies(const struct tail_file *f, struct tail_copy **copies)
{
	char *copy = xstrdup(f->path), *dir, *base;
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
		p = xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_ino == f->ino) {
			free(p);
			continue;
		}
		*copies = xreallocarray(*copies, ncopies + 1, sizeof(**copies));
		(*copies)[ncopies].path = p;
		(*copies)[ncopies].mtime = st.st_mtim;
		ncopies++;
	}
	if (dh != NULL)
		closedir(dh);
	if (ncopies > 1)
		qsort(*copies, ncopies, sizeof(**copies), tail_copy_cmp);
	free(base);
	free(copy);
	return ncopies;
}

static void
tail_copies_free(struct tail_copy *copies, size_t ncopies)
{
	for (size_t i = 0; i < ncopies; i++)
		free(copies[i].path);
	free(copies);
}

/* Do the first LEN bytes of PATH (decompressed if gzip) have CRC? */
static bool
tail_copy_has_head(const char *path, uint32_t len, uint32_t crc)
{
	char errbuf[256], head[TAIL_FP_MAX];
	struct source *src;
	size_t got = 0, n;

	if (len == 0)
		return true;
	src = source_open(path, errbuf, sizeof(errbuf));
	while (src != NULL && got < len && source_read(src, head + got,
	    len - got, &n) == SOURCE_OK)
		got += n;
	source_free(src);
	return got == len &&
	    (uint32_t)crc32(0L, (unsigned char *)head, len) == crc;
}

/* Does the head of PATH have F's fingerprint? */
static bool
tail_copy_matches(const struct tail_file *f, const char *path)
{
	return tail_copy_has_head(path, f->fp_len, f->fp_crc);
}

/* Feeds F's pipeline with PATH from byte SKIP on; returns bytes fed. */
static uint64_t
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
	return fed;
}

/*
 * Which copy holds the text F was reading.  Live (SINCE_MS < 0): the
 * newest copy with F's fingerprint, made by the rotation we just saw.  On
 * a start (SINCE_MS: our last commit, ms since the epoch): the first
 * rotation after that commit copied our text, so the oldest copy with the
 * fingerprint made after it wins -- logs whose records do not differ in
 * their first bytes have that head in every copy; else the newest copy
 * with the fingerprint.  Without a fingerprint (F was empty when
 * committed), every copy made after the commit is text we have not seen:
 * the first of them.  Returns an index into COPIES or SIZE_MAX.
 */
static size_t
tail_copy_pick(const struct tail_file *f, const struct tail_copy *copies,
    size_t ncopies, int64_t since_ms)
{
	if (since_ms >= 0) {
		for (size_t i = 0; i < ncopies; i++)
			if (tail_copy_ms(&copies[i]) > since_ms &&
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
 * Was F rotated by copytruncate after SINCE_MS (our last commit), though
 * its size and head still look like the text we were reading?  That is
 * so when a copy made after the commit has F's head (or F had no head
 * yet).  Rotation copies the file before it truncates it, and the commit
 * came after we read the text at our offset, so such a copy holds a later
 * state of our text (logrotate(8) copytruncate; pm2-logrotate 3.0.0,
 * samples/pm2/07).
 */
static bool
tail_copied_since(const struct tail_file *f, int64_t since_ms)
{
	struct tail_copy *copies;
	size_t ncopies = tail_copies(f, &copies);
	bool copied = false;

	for (size_t i = 0; i < ncopies && !copied; i++)
		copied = tail_copy_ms(&copies[i]) > since_ms &&
		    tail_copy_matches(f, copies[i].path);
	tail_copies_free(copies, ncopies);
	return copied;
}

/*
 * Feeds F's pipeline with what copytruncate rotations saved beside F and
 * we have not read: the copy tail_copy_pick finds, from F's offset on,
 * then every newer copy whole -- each holds a generation of the file
 * written and rotated before we looked again (several rotations while we
 * were stopped, or before a crash lost our last commit).  Copies may be
 * gzipped.  When no copy holds our text, nothing can be told apart and
 * nothing is read.
 */
static void
tail_drain_copy(struct tail_file *f, int64_t since_ms)
{
	struct tail_copy *copies;
	size_t ncopies = tail_copies(f, &copies);
	size_t match = tail_copy_pick(f, copies, ncopies, since_ms);

	if (match != SIZE_MAX) {
		uint64_t fed = tail_copy_feed(f, copies[match].path, f->offset);

		log_info("%s: read %llu bytes we had not seen from its copy %s",
		    f->path, (unsigned long long)fed, copies[match].path);
		for (size_t i = match + 1; i < ncopies; i++) {
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

/* The wall clock in ms since the epoch: what file mtimes are told in. */
static int64_t
tail_realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * F was truncated and we read nothing of it since (at empty_ms); now it
 * has text again.  A whole generation may have been written and rotated
 * in between, if we were slow to look (a loaded machine): its copy was
 * made after empty_ms.  Such copies are read whole, oldest first, before
 * the live text.  A copy with the live file's head is the generation
 * still there, copied but not yet truncated (pm2-logrotate copies, then
 * truncates): it is left, the live file holds it.  (Generations whose
 * heads are alike cannot be told apart, and are left too.)
 */
static void
tail_drain_missed(struct tail_file *f, uint64_t size)
{
	struct tail_copy *copies;
	size_t ncopies = tail_copies(f, &copies), nfed = 0;
	uint32_t len = size < TAIL_FP_MAX ? (uint32_t)size : TAIL_FP_MAX, crc;

	if (tail_fp_compute(f->fd, len, &crc) != 0)
		ncopies = 0;
	for (size_t i = 0; i < ncopies; i++) {
		uint64_t fed;

		if (tail_copy_ms(&copies[i]) <= f->empty_ms ||
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
	f->empty_ms = 0;
}

/* F was truncated or replaced in place: finish the old text, restart. */
static void
tail_truncated(struct tail_file *f, uint64_t size, int64_t since_ms)
{
	/* Taken before the copies are read: a rotation while they are
	 * (the live text we saw copied away) is found by its copy's time
	 * (tail_drain_missed). */
	int64_t seen_ms = tail_realtime_ms();

	log_warnx("%s: inode %llu truncated (size %llu, our offset %llu), "
	    "rewritten or copied away: copytruncate rotation; reading it "
	    "again from 0",
	    f->path, (unsigned long long)f->ino, (unsigned long long)size,
	    (unsigned long long)f->offset);
	f->t->stats.truncations++;
	f->t->stats.rotations++;
	tail_drain_copy(f, since_ms);
	pipeline_finish(f->pipeline, true);
	pipeline_reset(f->pipeline, 0);
	f->offset = 0;
	f->fp_len = 0;
	f->fp_crc = 0;
	f->fp_size = 0;
	memset(&f->fp_mtime, 0, sizeof(f->fp_mtime));
	f->flush_at_ms = 0;
	f->empty_ms = seen_ms;
	/* A new generation is saved even if it ends up with the offset and
	 * head of the last (an app that writes the same records again): the
	 * time of the save tells the copies we have read from those we have
	 * not (tail_copied_since). */
	f->saved_offset = UINT64_MAX;
}

/*
 * Checks F's head against its fingerprint and extends the fingerprint
 * while the file is shorter than TAIL_FP_MAX.  Returns false when the head
 * changed (the file was rewritten in place).
 */
static bool
tail_fp_check(struct tail_file *f, const struct stat *st)
{
	uint64_t size = (uint64_t)st->st_size;
	uint32_t crc, len;

	/* A rewrite of the same size changes the mtime, not the size. */
	if (size == f->fp_size && st->st_mtim.tv_sec == f->fp_mtime.tv_sec &&
	    st->st_mtim.tv_nsec == f->fp_mtime.tv_nsec)
		return true;
	if (f->fp_len > 0) {
		if (tail_fp_compute(f->fd, f->fp_len, &crc) != 0 ||
		    crc != f->fp_crc)
			return false;
	}
	len = size < TAIL_FP_MAX ? (uint32_t)size : TAIL_FP_MAX;
	if (len > f->fp_len && tail_fp_compute(f->fd, len, &crc) == 0) {
		f->fp_len = len;
		f->fp_crc = crc;
	}
	f->fp_size = size;
	f->fp_mtime = st->st_mtim;
	return true;
}

/* Reads what F has beyond our offset, up to TAIL_READ_MAX this turn. */
static void
tail_read(struct tail_file *f)
{
	struct tail *t = f->t;
	struct stat st;
	uint64_t budget = TAIL_READ_MAX;
	ssize_t n;

	if (fstat(f->fd, &st) != 0)
		return;
	if (!f->is_rotated && f->empty_ms != 0 && f->offset == 0 &&
	    st.st_size > 0)
		tail_drain_missed(f, (uint64_t)st.st_size);
	if (!f->is_rotated && ((uint64_t)st.st_size < f->offset ||
	    !tail_fp_check(f, &st))) {
		tail_truncated(f, (uint64_t)st.st_size, -1);
		tail_fp_check(f, &st);
	}
	f->has_more = false;
	while (budget > 0) {
		n = pread(f->fd, t->buf, TAIL_BUFSIZE, (off_t)f->offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_warn("%s: read at offset %llu", f->path,
			    (unsigned long long)f->offset);
			break;
		}
		if (n == 0)
			break;
		pipeline_feed(f->pipeline, t->buf, (size_t)n);
		f->offset += (uint64_t)n;
		t->stats.bytes += (uint64_t)n;
		f->last_growth_ms = t->now_ms;
		budget = (uint64_t)n >= budget ? 0 : budget - (uint64_t)n;
		if (budget == 0)
			f->has_more = true;
	}
	if (pipeline_is_pending(f->pipeline)) {
		if (f->last_growth_ms == t->now_ms || f->flush_at_ms == 0)
			f->flush_at_ms = f->last_growth_ms +
			    t->cfg->idle_flush_ms;
	} else
		f->flush_at_ms = 0;
}

/* The file at PATH may have changed: follow what is there now. */
static void
tail_check_path(struct tail *t, const char *path)
{
	struct tail_file *f = tail_find_path(t, path);
	struct stat st;

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
	if (f != NULL)
		tail_rotated(f, "was replaced by a new file");
	/* A file that appears while we run is new: read it from 0. */
	f = tail_open(t, path, 0);
	if (f != NULL)
		tail_read(f);
}

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
		} else if (errno != ENOSPC)
			log_warn("%s: cannot watch", d->path);
		t->is_polling = true;
		return;
	}
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

/* Calls FN for each live file of directory D. */
static void
tail_dir_each(struct tail *t, struct tail_dir *d,
    void (*fn)(struct tail *t, const char *path, void *ctx), void *ctx)
{
	DIR *dh = opendir(d->path);
	struct dirent *de;

	if (dh == NULL)
		return;
	while ((de = readdir(dh)) != NULL) {
		char *full;

		if (de->d_name[0] == '.')
			continue;
		full = xasprintf("%s/%s", d->path, de->d_name);
		if (tail_is_live(d, de->d_name, full))
			fn(t, full, ctx);
		free(full);
	}
	closedir(dh);
}

/* The directories SRC names (a glob may add some on each sweep). */
static void
tail_source_dirs(struct tail *t, const struct config_source *src)
{
	glob_t g;
	char *copy;

	if (src->pm2_home != NULL) {
		char *d = xasprintf("%s/logs", src->pm2_home);

		tail_dir_add(t, d, src, false);
		free(d);
		/* PM2's own log, pm2.log (pm2_daemon.h). */
		tail_dir_add(t, src->pm2_home, src, true);
		return;
	}
	copy = xstrdup(src->path);
	/* The pattern's own directory, when it has no magic. */
	if (strpbrk(dirname(copy), "*?[") == NULL)
		tail_dir_add(t, copy, src, false);
	free(copy);
	if (glob(src->path, 0, NULL, &g) == 0) {
		for (size_t k = 0; k < g.gl_pathc; k++) {
			copy = xstrdup(g.gl_pathv[k]);
			tail_dir_add(t, dirname(copy), src, false);
			free(copy);
		}
		globfree(&g);
	}
}

/* The directories the sources name, and those of dump.pm2's logs. */
static void
tail_dirs_update(struct tail *t)
{
	for (size_t i = 0; i < t->cfg->nsources; i++)
		tail_source_dirs(t, &t->cfg->sources[i]);
	for (size_t i = 0; i < t->ndump_srcs; i++)
		tail_source_dirs(t, &t->dump_srcs[i]);
	for (size_t i = 0; i < t->ndirs; i++)
		tail_dir_watch(t, &t->dirs[i]);
}

static void
tail_sweep_one(struct tail *t, const char *path, void *ctx)
{
	tail_check_path(t, path);
}

/*
 * The sweep: directories that appeared or were re-pointed (symlinks),
 * files inotify did not tell us about, and every followed file re-stated.
 */
static void
tail_sweep(struct tail *t)
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
	for (size_t i = 0; i < t->ndirs; i++)
		tail_dir_each(t, &t->dirs[i], tail_sweep_one, NULL);
	for (struct tail_file *f = t->files; f != NULL; f = f->next)
		if (!f->is_rotated)
			tail_check_path(t, f->path);
}

/* ---------------------------------------------------------------------
 * Start: resume from the state.
 */

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
		if (fstat(f->fd, &st) != 0 || st.st_nlink == 0 ||
		    t->now_ms - f->last_growth_ms >= t->cfg->rotate_wait_ms)
			tail_file_drop(f);
	}
}

void
tail_events(struct tail *t, int64_t now_ms)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool overflow = false;
	ssize_t n;

	t->now_ms = now_ms;
	while ((n = read(t->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			struct tail_dir *d;

			p += sizeof(*ev) + ev->len;
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
			for (size_t j = 0; j < t->ndirs; j++) {
				char *full;

				if (t->dirs[j].wd != ev->wd)
					continue;
				full = xasprintf("%s/%s", t->dirs[j].path,
				    ev->name);
				if (tail_is_live(&t->dirs[j], ev->name, full)) {
					struct tail_file *f = ev->mask ==
					    IN_MODIFY ? tail_find_path(t, full) :
					    NULL;

					/* A write does not change which file
					 * is there: read once per batch. */
					if (f != NULL)
						f->is_dirty = true;
					else
						tail_check_path(t, full);
				}
				free(full);
			}
		}
	}
	for (struct tail_file *f = t->files; f != NULL; f = f->next)
		if (f->is_dirty) {
			f->is_dirty = false;
			tail_read(f);
		}
	if (overflow) {
		log_warnx("inotify queue overflowed or a directory moved; "
		    "sweeping now");
		tail_sweep(t);
	}
	tail_rotated_turn(t);
}

void
tail_tick(struct tail *t, int64_t now_ms)
{
	t->now_ms = now_ms;
	if (now_ms >= t->next_sweep_ms) {
		tail_sweep(t);
		t->next_sweep_ms = now_ms + t->cfg->sweep_ms;
	} else if (t->is_polling) {
		for (size_t i = 0; i < t->ndirs; i++)
			if (t->dirs[i].wd < 0)
				tail_dir_each(t, &t->dirs[i], tail_sweep_one,
				    NULL);
	}
	for (struct tail_file *f = t->files; f != NULL; f = f->next) {
		if (f->has_more)
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
	/* Not t->now_ms: a copy made before we looked at a file in this
	 * turn must not look newer than the commit (tail_copied_since). */
	int64_t now_ms = tail_realtime_ms();
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

int
tail_fd(const struct tail *t)
{
	return t->ifd;
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
	for (size_t i = 0; i < t->ndump_srcs; i++)
		free(t->dump_srcs[i].path);
	free(t->dump_srcs);
	if (t->ifd >= 0)
		close(t->ifd);
	free(t->buf);
	free(t);
}

void
tail_set_dump(struct tail *t, const struct pm2_dump *d)
{
	t->dump = d;
	for (size_t i = 0; d != NULL && i < d->nlogs; i++) {
		/* Followed as a pattern: one with glob characters would
		 * match other files, or none. */
		if (strpbrk(d->logs[i].path, "*?[\\") != NULL) {
			log_warnx("%s: the log of app '%s' in dump.pm2 has "
			    "glob characters in its name; not followed",
			    d->logs[i].path, d->logs[i].app);
			continue;
		}
		t->dump_srcs = xreallocarray(t->dump_srcs, t->ndump_srcs + 1,
		    sizeof(*t->dump_srcs));
		memset(&t->dump_srcs[t->ndump_srcs], 0,
		    sizeof(*t->dump_srcs));
		t->dump_srcs[t->ndump_srcs++].path = xstrdup(d->logs[i].path);
	}
}

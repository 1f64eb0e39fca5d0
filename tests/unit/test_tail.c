/*
 * test_tail: following growing and rotating log files (tail.h), driven
 * directly: a struct tail over a scratch PM2 logs directory, a pattern set
 * whose one failure regex is ERROR, and a callback that counts every
 * record by its "req=N" id, so "each id exactly once" is checked for every
 * scenario.  The clock is ours: now_ms is passed explicitly and advanced by
 * hand, so no test sleeps.  inotify events are queued by the kernel during
 * the write(2) that causes them, so tail_events() right after a write sees
 * them.
 *
 * Scenarios: growth across reads (a partial line never counts, the idle
 * flush closes the last record), copytruncate with and without the tt->copy,
 * rename and create, delete, a rewrite in place of the same size, restart
 * from saved offsets, rotation while stopped (rename; copytruncate, also
 * with a gzipped tt->copy; logrotate's copy, which truncates nothing),
 * tail_deadline() (no wakeups but the sweep when nothing is pending) and
 * glob sources next to pm2-logrotate's copies.
 * Field cases: K01, K03, K04, K05 of ../shared/cases.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "config.h"
#include "match.h"
#include "pipeline.h"
#include "record.h"
#include "state.h"
#include "tail.h"
#include "tail_int.h"
#include "testlib.h"
#include "xmalloc.h"

#define TT_T0		1700000000000LL	/* the clock at tail_start, ms */
#define TT_IDLE		200		/* idle_flush, ms */
#define TT_SWEEP	1000		/* sweep, ms */
#define TT_ROTATE_WAIT	1000		/* rotate_wait, ms */
#define TT_MAX_ID	999
#define TT_COPY		"demo-api-out__2024-03-10_00-00-00.log"

/* What the callback saw; kept across tails, so a restart that counts a
 * record again shows up as a 2. */
struct tt_counts {
	unsigned	 ids[TT_MAX_ID + 1];
	int		 order[256];	/* ids in the order they were counted */
	size_t		 norder;
	uint64_t	 total;
	uint64_t	 failures;
	uint64_t	 no_id;		/* records without "req=" */
	char		 last_text[128];
	char		 last_stream[16];
};

struct tt {
	char		 dir[256];
	char		*logs;		/* dir/logs, the PM2 logs directory */
	char		*L;		/* logs/demo-api-out.log */
	char		*L1;		/* L.1, where logrotate renames it */
	char		*copy;		/* logs/TT_COPY, pm2-logrotate's copy */
	char		*state_dir;
	struct config_source src;
	struct config	 cfg;
	struct match_set *set;
	struct state	*st;
	struct tail	*t;
	int64_t		 now;
	struct tt_counts c;
};

static void
tt_outcome(void *ctx, const struct tail_outcome *to)
{
	struct tt_counts *c = ctx;
	const struct record *rec = to->o->record;
	const char *p = memmem(rec->text, rec->len, "req=", 4);
	size_t n = rec->len < sizeof(c->last_text) - 1 ? rec->len :
	    sizeof(c->last_text) - 1;

	c->total++;
	if (to->o->outcome == MATCH_FAILURE)
		c->failures++;
	memcpy(c->last_text, rec->text, n);
	c->last_text[n] = '\0';
	snprintf(c->last_stream, sizeof(c->last_stream), "%s", to->stream);
	if (p != NULL) {
		long id = strtol(p + 4, NULL, 10);

		assert_in_range(id, 1, TT_MAX_ID);
		c->ids[id]++;
		if (c->norder < sizeof(c->order) / sizeof(c->order[0]))
			c->order[c->norder++] = (int)id;
	} else
		c->no_id++;
}

/* ---------------------------------------------------------------------
 * Files.
 */

static void
tt_write_mode(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	size_t len = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* Appends TEXT to PATH (created if need be). */
static void
tt_append(const char *path, const char *text)
{
	tt_write_mode(path, text, O_APPEND);
}

/* The lines "req=I ERROR\n" for I in [FROM, TO] (malloc'd). */
static char *
tt_ids(int from, int to)
{
	size_t cap = (size_t)(to - from + 1) * 16 + 1, len = 0;
	char *s = xmalloc(cap);

	s[0] = '\0';
	for (int i = from; i <= to; i++)
		len += (size_t)snprintf(s + len, cap - len, "req=%d ERROR\n", i);
	return s;
}

/* Appends the lines of ids FROM..TO to PATH; returns their length. */
static size_t
tt_append_ids(const char *path, int from, int to)
{
	char *s = tt_ids(from, to);
	size_t len = strlen(s);

	tt_append(path, s);
	free(s);
	return len;
}

static void
tt_copy(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	assert_true(in >= 0);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	close(in);
	assert_int_equal(close(out), 0);
}

static char *
tt_path(const struct tt *tt, const char *name)
{
	return xasprintf("%s/%s", tt->logs, name);
}

static uint64_t
tt_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static uint64_t
tt_ino(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_ino;
}

/*
 * Our descriptors open on something under the logs directory; *DELETED
 * gets how many of those point to a deleted file.
 */
static int
tt_log_fds(const struct tt *tt, int *deleted)
{
	DIR *dh = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(dh);
	*deleted = 0;
	while ((de = readdir(dh)) != NULL) {
		char link[300], target[PATH_MAX];
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (strncmp(target, tt->logs, strlen(tt->logs)) != 0)
			continue;
		n++;
		if (strstr(target, "(deleted)") != NULL)
			(*deleted)++;
	}
	closedir(dh);
	return n;
}

/* ---------------------------------------------------------------------
 * The tail under test.
 */

static int
tt_setup(void **state)
{
	struct tt *tt = xcalloc(1, sizeof(*tt));
	char *yaml, *err = NULL;

	if (tl_tmpdir(tt->dir, sizeof(tt->dir), "test_tail") != 0)
		return -1;
	tt->logs = xasprintf("%s/logs", tt->dir);
	if (mkdir(tt->logs, 0755) != 0)
		return -1;
	tt->L = xasprintf("%s/demo-api-out.log", tt->logs);
	tt->L1 = xasprintf("%s.1", tt->L);
	tt->copy = xasprintf("%s/%s", tt->logs, TT_COPY);
	tt->state_dir = xasprintf("%s/state", tt->dir);

	yaml = xasprintf("%s/error.yaml", tt->dir);
	tt_write_mode(yaml, "name: errors\n"
	    "success:\n"
	    "  - 'OK-never-seen'\n"
	    "failure:\n"
	    "  - class: error\n"
	    "    regex: 'ERROR'\n", O_TRUNC);
	tt->set = match_set_load(yaml, &err);
	free(yaml);
	if (tt->set == NULL) {
		fprintf(stderr, "match_set_load: %s\n", err);
		return -1;
	}

	tt->src.pm2_home = tt->dir;
	tt->cfg.path = tt->dir;
	tt->cfg.sources = &tt->src;
	tt->cfg.nsources = 1;
	tt->cfg.state_dir = tt->state_dir;
	tt->cfg.idle_flush_ms = TT_IDLE;
	tt->cfg.max_lines = 1000;
	tt->cfg.max_bytes = 1024 * 1024;
	tt->cfg.max_line = 1024 * 1024;
	tt->cfg.sweep_ms = TT_SWEEP;
	tt->cfg.rotate_wait_ms = TT_ROTATE_WAIT;
	tt->cfg.start_at_end = false;
	tt->cfg.commit_ms = 1000;
	tt->cfg.commit_records = 10000;

	tt->st = state_open(tt->state_dir, false, &err);
	if (tt->st == NULL) {
		fprintf(stderr, "state_open: %s\n", err);
		return -1;
	}
	tt->now = TT_T0;
	*state = tt;
	return 0;
}

static int
tt_teardown(void **state)
{
	struct tt *tt = *state;
	int rc;

	tail_free(tt->t);
	state_close(tt->st);
	match_set_free(tt->set);
	rc = tl_rmtree(tt->dir);
	free(tt->logs);
	free(tt->L);
	free(tt->L1);
	free(tt->copy);
	free(tt->state_dir);
	free(tt);
	return rc == 0 ? 0 : -1;
}

/* A new tail over the state, started at the current clock. */
static void
tt_start(struct tt *tt)
{
	struct tail_cb cb = { .outcome = tt_outcome, .ctx = &tt->c };
	char *err = NULL;

	assert_null(tt->t);
	tt->t = tail_new(&tt->cfg, &tt->set, 1, tt->st, &cb, &err);
	if (tt->t == NULL)
		fail_msg("tail_new: %s", err);
	tail_start(tt->t, tt->now);
}

/* Saves the offsets (closing open records with FLUSH) and commits. */
static void
tt_save(struct tt *tt, bool flush)
{
	tail_save(tt->t, flush);
	assert_int_equal(state_commit(tt->st), 0);
}

/* Stops the tail as `watch` does without flushing: save, commit, free. */
static void
tt_stop(struct tt *tt)
{
	tt_save(tt, false);
	tail_free(tt->t);
	tt->t = NULL;
}

static void
tt_events(struct tt *tt, int64_t dt)
{
	tt->now += dt;
	tail_events(tt->t, tt->now);
}

static void
tt_tick(struct tt *tt, int64_t dt)
{
	tt->now += dt;
	tail_tick(tt->t, tt->now);
}

/* The committed offset of the file saved with inode INO (-1: none). */
static int64_t
tt_saved_offset(struct tt *tt, uint64_t ino, size_t *nfiles)
{
	struct state_file *files;
	size_t n;
	int64_t off = -1;

	assert_int_equal(state_files_load(tt->st, &files, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (files[i].ino == ino)
			off = (int64_t)files[i].offset;
	if (nfiles != NULL)
		*nfiles = n;
	state_files_free(files, n);
	return off;
}

/* Ids FROM..TO were each counted exactly once, and nothing else was. */
static void
tt_assert_once(const struct tt *tt, int from, int to)
{
	for (int i = 1; i <= TT_MAX_ID; i++) {
		unsigned want = i >= from && i <= to ? 1 : 0;

		if (tt->c.ids[i] != want)
			fail_msg("req=%d counted %u times, expected %u", i,
			    tt->c.ids[i], want);
	}
	assert_int_equal(tt->c.total, (uint64_t)(to - from + 1));
	assert_int_equal(tt->c.failures, tt->c.total);
	assert_int_equal(tt->c.no_id, 0);
}

/* Id I was counted N times. */
static void
tt_assert_id(const struct tt *tt, int i, unsigned n)
{
	if (tt->c.ids[i] != n)
		fail_msg("req=%d counted %u times, expected %u", i,
		    tt->c.ids[i], n);
}

/* ---------------------------------------------------------------------
 * Tests.
 */

/*
 * A file growing across reads (K05 while running): a record is counted
 * when the next record starts or at the idle flush; a line without its LF
 * never counts and the saved offset stays before it.
 */
static void
test_grow_partial_line(void **state)
{
	struct tt *tt = *state;
	const struct tail_stats *ts;
	int64_t growth;

	tt_append(tt->L, "req=1 ERROR a\n");
	tt_start(tt);
	/* One record open: a continuation line may still follow. */
	assert_int_equal(tt->c.total, 0);
	assert_int_equal(tail_deadline(tt->t, tt->now), tt->now + TT_IDLE);

	tt_append(tt->L, "req=2 ERROR b\nreq=3 ERR");
	tt_events(tt, 50);
	growth = tt->now;
	tt_assert_once(tt, 1, 1);
	assert_int_equal(tail_deadline(tt->t, tt->now), growth + TT_IDLE);

	/* Just before the idle deadline nothing is flushed; at it, req=2. */
	tt_tick(tt, TT_IDLE - 1);
	assert_int_equal(tt->c.total, 1);
	tt_tick(tt, 1);
	tt_assert_once(tt, 1, 2);
	/* Only the partial "req=3 ERR" is left: nothing to flush, so the
	 * next wakeup is the sweep, not the idle timer again. */
	assert_int_equal(tail_deadline(tt->t, tt->now), TT_T0 + TT_SWEEP);

	/* The saved offset is the start of the partial line. */
	tt_save(tt, false);
	assert_int_equal(tt_saved_offset(tt, tt_ino(tt->L), NULL), 28);
	/* Even a shutdown flush does not count the fragment. */
	tt_save(tt, true);
	assert_int_equal(tt->c.total, 2);
	assert_int_equal(tt_saved_offset(tt, tt_ino(tt->L), NULL), 28);

	/* Its LF arrives: the line is whole, one record, text joined. */
	tt_append(tt->L, "OR c\n");
	tt_events(tt, 10);
	assert_int_equal(tt->c.total, 2);
	tt_tick(tt, TT_IDLE);
	tt_assert_once(tt, 1, 3);
	assert_string_equal(tt->c.last_text, "req=3 ERROR c");
	assert_string_equal(tt->c.last_stream, "out");
	tt_save(tt, false);
	assert_int_equal(tt_saved_offset(tt, tt_ino(tt->L), NULL), 42);

	ts = tail_stats(tt->t);
	assert_int_equal(ts->files, 1);
	assert_int_equal(ts->bytes, 42);
	assert_int_equal(ts->records, 3);
	assert_int_equal(ts->rotations, 0);
	assert_int_equal(ts->truncations, 0);
}

/*
 * tail_deadline(): with nothing pending, the only wakeup is the sweep (an
 * idle agent does not spin); with a record open, the idle flush.
 */
static void
test_deadline(void **state)
{
	struct tt *tt = *state;

	tt_append_ids(tt->L, 1, 2);
	tt_start(tt);
	assert_int_equal(tail_deadline(tt->t, tt->now), TT_T0 + TT_IDLE);
	tt_tick(tt, TT_IDLE);
	tt_assert_once(tt, 1, 2);
	assert_int_equal(tail_deadline(tt->t, tt->now), TT_T0 + TT_SWEEP);

	/* Ticks that come early (another timer) change nothing. */
	tt_tick(tt, 100);
	assert_int_equal(tail_deadline(tt->t, tt->now), TT_T0 + TT_SWEEP);

	/* The sweep re-arms itself sweep_ms later. */
	tt->now = TT_T0 + TT_SWEEP;
	tt_tick(tt, 0);
	assert_int_equal(tail_deadline(tt->t, tt->now),
	    TT_T0 + 2 * TT_SWEEP);
	for (int k = 2; k <= 5; k++) {
		tt->now = TT_T0 + k * TT_SWEEP;
		assert_int_equal(tail_deadline(tt->t, tt->now), tt->now);
		tt_tick(tt, 0);
		assert_int_equal(tail_deadline(tt->t, tt->now),
		    tt->now + TT_SWEEP);
	}
	tt_assert_once(tt, 1, 2);

	/* A record open: the deadline is its idle flush. */
	tt_append_ids(tt->L, 3, 3);
	tt_events(tt, 300);
	assert_int_equal(tail_deadline(tt->t, tt->now), tt->now + TT_IDLE);
	tt_tick(tt, TT_IDLE);
	tt_assert_once(tt, 1, 3);
	assert_int_equal(tail_deadline(tt->t, tt->now),
	    TT_T0 + 6 * TT_SWEEP);

}

/*
 * An incomplete line alone is no work for the timer: once its idle flush
 * has run (and closed nothing), neither the flush nor a sweep that looks
 * at the file again may bring the deadline before the next sweep, or an
 * agent whose app left a line without its LF wakes twice per sweep.
 */
static void
test_deadline_partial_line(void **state)
{
	struct tt *tt = *state;

	tt_append(tt->L, "req=1 ERROR\nreq=2 ERR");
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt_assert_once(tt, 1, 1);
	assert_int_equal(tail_deadline(tt->t, tt->now), TT_T0 + TT_SWEEP);
	for (int k = 1; k <= 3; k++) {
		tt->now = TT_T0 + k * TT_SWEEP;
		tt_tick(tt, 0);
		assert_int_equal(tail_deadline(tt->t, tt->now),
		    tt->now + TT_SWEEP);
	}
	tt_assert_once(tt, 1, 1);
}

/*
 * copytruncate with the copy present (K01, pm2-logrotate): the bytes we
 * had not read yet are read from the tt->copy, from our offset; the copy is
 * not followed and never read from 0; the live file restarts at 0.
 */
static void
test_copytruncate_with_copy(void **state)
{
	struct tt *tt = *state;
	const struct tail_stats *ts;
	size_t head;

	head = tt_append_ids(tt->L, 1, 3);
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt_assert_once(tt, 1, 3);

	/* 4 and 5 reach the file, then the rotation, then 6 and 7. */
	tt_append_ids(tt->L, 4, 5);
	tt_copy(tt->L, tt->copy);
	assert_int_equal(truncate(tt->L, 0), 0);
	tt_append_ids(tt->L, 6, 7);
	assert_true(tt_size(tt->L) < head + 1);
	tt_events(tt, 10);
	tt_tick(tt, TT_IDLE);
	tt_assert_once(tt, 1, 7);

	ts = tail_stats(tt->t);
	assert_int_equal(ts->truncations, 1);
	assert_int_equal(ts->rotations, 1);
	assert_int_equal(ts->files, 1);

	/* More lines go to the live file only; the copy stays unread. */
	tt_append_ids(tt->L, 8, 8);
	tt_events(tt, 10);
	tt_tick(tt, TT_IDLE);
	tt->now += TT_SWEEP;
	tt_tick(tt, 0);
	tt_assert_once(tt, 1, 8);
	assert_int_equal(tail_stats(tt->t)->truncations, 1);
	assert_int_equal(tail_stats(tt->t)->files, 1);
}

/*
 * A truncation without a copy: the open record is counted, what was
 * written before the truncation and never read is gone (nothing can count
 * it), the rest is read from 0.  Also when the new content is longer than
 * our offset: then only the fingerprint tells.
 */
static void
test_truncate_without_copy(void **state)
{
	struct tt *tt = *state;

	tt_append_ids(tt->L, 1, 3);
	tt_start(tt);
	tt_assert_once(tt, 1, 2);	/* 3 is still open */

	tt_append_ids(tt->L, 4, 4);	/* never read: lost with the bytes */
	assert_int_equal(truncate(tt->L, 0), 0);
	tt_append_ids(tt->L, 5, 6);
	tt_events(tt, 10);
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tail_stats(tt->t)->truncations, 1);
	tt_assert_id(tt, 4, 0);
	for (int i = 1; i <= 6; i++)
		if (i != 4)
			tt_assert_id(tt, i, 1);
	assert_int_equal(tt->c.total, 5);

	/* Truncated, then more written than we had read: size > offset. */
	assert_int_equal(truncate(tt->L, 0), 0);
	tt_append_ids(tt->L, 10, 19);
	tt_events(tt, 10);
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tail_stats(tt->t)->truncations, 2);
	for (int i = 10; i <= 19; i++)
		tt_assert_id(tt, i, 1);
	assert_int_equal(tt->c.total, 15);
	assert_int_equal(tail_stats(tt->t)->files, 1);
}

/*
 * Rename and create (K03): the tt->L1 inode is drained (also what the writer
 * adds to it after the rename), let go rotate_wait after it stopped
 * growing, never read from 0; the new file is read from 0.
 */
static void
test_rename_create(void **state)
{
	struct tt *tt = *state;
	int deleted, wfd;
	char *s;

	tt_append_ids(tt->L, 1, 3);
	tt_start(tt);
	assert_int_equal(tt_log_fds(tt, &deleted), 1);

	/* The app keeps its descriptor across the rename. */
	wfd = open(tt->L, O_WRONLY | O_APPEND);
	assert_true(wfd >= 0);
	s = tt_ids(4, 4);
	assert_int_equal(write(wfd, s, strlen(s)), (ssize_t)strlen(s));
	free(s);
	assert_int_equal(rename(tt->L, tt->L1), 0);
	s = tt_ids(5, 5);
	assert_int_equal(write(wfd, s, strlen(s)), (ssize_t)strlen(s));
	free(s);
	tt_append_ids(tt->L, 6, 7);
	tt_events(tt, 10);
	assert_int_equal(tail_stats(tt->t)->rotations, 1);

	/* Still written to after we noticed: still read. */
	s = tt_ids(8, 8);
	assert_int_equal(write(wfd, s, strlen(s)), (ssize_t)strlen(s));
	free(s);
	assert_int_equal(close(wfd), 0);
	tt_events(tt, 10);
	assert_int_equal(tt_log_fds(tt, &deleted), 2);	/* tt->L1 and new */

	/* Not let go before rotate_wait since its last growth... */
	tt_tick(tt, TT_ROTATE_WAIT - 1);
	assert_int_equal(tt_log_fds(tt, &deleted), 2);
	/* ...and let go at it, its last record counted. */
	tt_tick(tt, 1);
	assert_int_equal(tt_log_fds(tt, &deleted), 1);
	tt_assert_once(tt, 1, 8);
	assert_int_equal(tail_stats(tt->t)->files, 1);
	assert_int_equal(tail_stats(tt->t)->rotations, 1);
	assert_int_equal(tail_stats(tt->t)->truncations, 0);

	/* Only the new inode is left in the state. */
	{
		size_t n;

		tt_save(tt, false);
		assert_true(tt_saved_offset(tt, tt_ino(tt->L), &n) >= 0);
		assert_int_equal(n, 1);
	}
}

/* A deleted file (K04): drained, then closed at once, no fd left. */
static void
test_delete(void **state)
{
	struct tt *tt = *state;
	int deleted;
	size_t n;

	tt_append_ids(tt->L, 1, 2);
	tt_start(tt);
	tt_append_ids(tt->L, 3, 3);	/* unread when it goes */
	assert_int_equal(unlink(tt->L), 0);
	tt_events(tt, 10);
	tt_assert_once(tt, 1, 3);
	assert_int_equal(tt_log_fds(tt, &deleted), 0);
	assert_int_equal(deleted, 0);
	assert_int_equal(tail_stats(tt->t)->files, 0);
	assert_int_equal(tail_stats(tt->t)->rotations, 1);
	tt_save(tt, false);
	(void)tt_saved_offset(tt, 0, &n);
	assert_int_equal(n, 0);

	/* K04 repeated: rename, a new file, delete the tt->L1 one. */
	tt_append_ids(tt->L, 9, 9);
	tt_events(tt, 10);
	for (int k = 10; k < 20; k++) {
		assert_int_equal(rename(tt->L, tt->L1), 0);
		tt_append_ids(tt->L, k, k);
		tt_events(tt, 10);
		assert_int_equal(unlink(tt->L1), 0);
		tt_events(tt, 10);
	}
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tt_log_fds(tt, &deleted), 1);
	assert_int_equal(deleted, 0);
	for (int k = 1; k <= 19; k++)
		tt_assert_id(tt, k, k >= 4 && k <= 8 ? 0 : 1);
	assert_int_equal(tt->c.total, 14);
	assert_int_equal(tail_stats(tt->t)->files, 1);
}

/*
 * A file rewritten in place to the same size (a copytruncate after which
 * the app wrote exactly as many bytes as we had read): size and offset say
 * nothing happened, the fingerprint of the head must.  (Fails while
 * tail_fp_check() returns early when the size equals fp_size: the new text
 * is then read only once the file grows again.)
 */
static void
test_fingerprint_same_size(void **state)
{
	struct tt *tt = *state;
	int fd;

	tt_append(tt->L, "req=1 ERROR aaaa\nreq=2 ERROR bbbb\n");
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt_assert_once(tt, 1, 2);

	/* Same length, same inode, other content. */
	fd = open(tt->L, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "req=3 ERROR cccc\nreq=4 ERROR dddd\n",
	    34), 34);
	assert_int_equal(close(fd), 0);
	assert_int_equal(tt_size(tt->L), 34);
	tt_events(tt, 10);
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tail_stats(tt->t)->truncations, 1);
	tt_assert_once(tt, 1, 4);

	/* The sweep would catch it too when the event is missed. */
	fd = open(tt->L, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "req=5 ERROR eeee\nreq=6 ERROR ffff\n",
	    34, 0), 34);
	assert_int_equal(close(fd), 0);
	while (read(tail_fd(tt->t), (char[4096]){0}, 4096) > 0)
		;	/* the events are lost (IN_Q_OVERFLOW-like) */
	tt->now = TT_T0 + TT_SWEEP;
	tt_tick(tt, 0);
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tail_stats(tt->t)->truncations, 2);
	tt_assert_once(tt, 1, 6);
}

/*
 * Restart from the saved offsets (K05): what was counted is not counted
 * again, what was open or unread is counted once by the next tail.
 */
static void
test_restart(void **state)
{
	struct tt *tt = *state;
	uint64_t ino;

	/* 1 and 2 counted, 3 open, 4 partial: saved at the start of 3. */
	tt_append(tt->L, "req=1 ERROR\nreq=2 ERROR\nreq=3 ERROR\nreq=4 ERR");
	ino = tt_ino(tt->L);
	tt_start(tt);
	tt_tick(tt, TT_IDLE - 1);
	tt_assert_once(tt, 1, 2);
	tt_stop(tt);
	assert_int_equal(tt_saved_offset(tt, ino, NULL), 24);

	tt_append(tt->L, "OR\nreq=5 ERROR\n");
	tt->now += 5000;
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt_assert_once(tt, 1, 5);
	assert_string_equal(tt->c.last_text, "req=5 ERROR");
	assert_int_equal(tt->c.order[2], 3);
	assert_int_equal(tt->c.order[3], 4);

	/* A shutdown flush counts the open record and saves past it. */
	tt_append_ids(tt->L, 6, 7);
	tt_events(tt, 10);
	tt_save(tt, true);
	tt_assert_once(tt, 1, 7);
	assert_int_equal(tt_saved_offset(tt, ino, NULL),
	    (int64_t)tt_size(tt->L));
	tail_free(tt->t);
	tt->t = NULL;

	/* Nothing new: a third tail counts nothing. */
	tt->now += 5000;
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt->now += TT_SWEEP;
	tt_tick(tt, 0);
	tt_assert_once(tt, 1, 7);
	assert_int_equal(tail_stats(tt->t)->bytes, 0);
	assert_int_equal(tail_stats(tt->t)->truncations, 0);
}

/*
 * Renamed while stopped: the saved inode is found in the directory under
 * its new name and finished from the saved offset before the new file is
 * read from 0.
 */
static void
test_stopped_rename(void **state)
{
	struct tt *tt = *state;
	uint64_t ino;
	int deleted;
	size_t n;

	tt_append_ids(tt->L, 1, 2);
	ino = tt_ino(tt->L);
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt_assert_once(tt, 1, 2);
	tt_stop(tt);

	tt_append_ids(tt->L, 3, 4);
	assert_int_equal(rename(tt->L, tt->L1), 0);
	tt_append_ids(tt->L1, 5, 5);
	tt_append_ids(tt->L, 6, 7);
	tt->now += 5000;
	tt_start(tt);
	assert_int_equal(tt_log_fds(tt, &deleted), 2);
	/* The renamed file's records come before the new file's. */
	assert_true(tt->c.norder >= 4);
	assert_int_equal(tt->c.order[2], 3);
	assert_int_equal(tt->c.order[3], 4);

	tt_tick(tt, TT_ROTATE_WAIT);
	tt_assert_once(tt, 1, 7);
	assert_int_equal(tt_log_fds(tt, &deleted), 1);
	assert_int_equal(tail_stats(tt->t)->files, 1);

	/* The renamed inode is forgotten, the new one saved. */
	tt_save(tt, false);
	assert_int_equal(tt_saved_offset(tt, ino, &n), -1);
	assert_int_equal(n, 1);
	assert_int_equal(tt_saved_offset(tt, tt_ino(tt->L), NULL),
	    (int64_t)tt_size(tt->L));

	/* A rename seen at start is a rotation seen, as a copytruncate seen
	 * at start is (tail_resume_moved() does not count it yet). */
	assert_int_equal(tail_stats(tt->t)->rotations, 1);
}

/*
 * Copytruncate while stopped (K01 across a restart): the saved inode is
 * still at its path but its head changed; the copy is found by the saved
 * fingerprint and read from the saved offset, then the live file from 0.
 */
static void
test_stopped_copytruncate(void **state)
{
	struct tt *tt = *state;

	tt_append_ids(tt->L, 1, 3);
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt_stop(tt);

	tt_append_ids(tt->L, 4, 5);
	tt_copy(tt->L, tt->copy);
	tt_append_ids(tt->copy, 6, 6);	/* written between copy and truncate */
	assert_int_equal(truncate(tt->L, 0), 0);
	/* Longer than the saved offset: only the fingerprint tells. */
	tt_append_ids(tt->L, 10, 15);
	tt->now += 5000;
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tail_stats(tt->t)->truncations, 1);
	for (int i = 1; i <= 6; i++)
		tt_assert_id(tt, i, 1);
	for (int i = 10; i <= 15; i++)
		tt_assert_id(tt, i, 1);
	assert_int_equal(tt->c.total, 12);
	assert_int_equal(tail_stats(tt->t)->files, 1);
}

/* The same with pm2-logrotate's compress: true, the copy gzipped. */
static void
test_stopped_copytruncate_gz(void **state)
{
	struct tt *tt = *state;
	char *gzpath = tt_path(tt, TT_COPY ".gz");
	char *s = tt_ids(1, 5);
	gzFile gz;

	tt_append_ids(tt->L, 1, 3);
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt_stop(tt);

	gz = gzopen(gzpath, "wb");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, s, (unsigned)strlen(s)), (int)strlen(s));
	assert_int_equal(gzclose(gz), Z_OK);
	assert_int_equal(truncate(tt->L, 0), 0);
	tt_append_ids(tt->L, 10, 11);
	tt->now += 5000;
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tail_stats(tt->t)->truncations, 1);
	for (int i = 1; i <= 5; i++)
		tt_assert_id(tt, i, 1);
	tt_assert_id(tt, 10, 1);
	tt_assert_id(tt, 11, 1);
	assert_int_equal(tt->c.total, 7);
	free(s);
	free(gzpath);
}

/*
 * logrotate's `copy` while stopped ("Make a copy of the log file, but
 * don't change the original at all", logrotate(8)): the copy, plain or
 * gzipped and under each naming, holds what the live file still holds,
 * and adds nothing; the live file is read on from the saved offset, and a
 * start after that does not read the copy either.  It used to be taken for
 * copytruncate's: the copy's rest, then the whole live file again.
 */
static void
tt_stopped_copy(struct tt *tt, const char *name, bool is_gz)
{
	char *copy = tt_path(tt, name);

	tt_append_ids(tt->L, 1, 3);
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt_stop(tt);

	tt_append_ids(tt->L, 4, 5);
	if (is_gz) {
		char *s = tt_ids(1, 5);
		gzFile gz = gzopen(copy, "wb");

		assert_non_null(gz);
		assert_int_equal(gzwrite(gz, s, (unsigned)strlen(s)),
		    (int)strlen(s));
		assert_int_equal(gzclose(gz), Z_OK);
		free(s);
	} else
		tt_copy(tt->L, copy);
	tt_append_ids(tt->L, 6, 7);
	tt->now += 5000;
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tail_stats(tt->t)->truncations, 0);
	tt_stop(tt);
	tt_append_ids(tt->L, 8, 8);
	tt->now += 5000;
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	for (int i = 1; i <= 8; i++)
		tt_assert_id(tt, i, 1);
	assert_int_equal(tt->c.total, 8);
	free(copy);
}

static void
test_stopped_copy(void **state)
{
	tt_stopped_copy(*state, TT_COPY, false);
}

static void
test_stopped_copy_dot1(void **state)
{
	tt_stopped_copy(*state, "demo-api-out.log.1", false);
}

static void
test_stopped_copy_gz(void **state)
{
	tt_stopped_copy(*state, TT_COPY ".gz", true);
}

static void
test_stopped_copy_dot1_gz(void **state)
{
	tt_stopped_copy(*state, "demo-api-out.log.1.gz", true);
}

/*
 * copytruncate while stopped, where the new generation has our head, the
 * bytes at our offset and more than the copy's length (records alike):
 * only the copy's rest past our offset tells it from a kept copy (it
 * differs), and it is read as copytruncate's, as before.
 */
static void
test_stopped_copytruncate_alike(void **state)
{
	struct tt *tt = *state;

	tt_append(tt->L, "ERROR same\nERROR same\nERROR same\n");
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	tt_stop(tt);

	tt_append(tt->L, "ERROR same\nreq=4 ERROR\n");
	tt_copy(tt->L, tt->copy);
	assert_int_equal(truncate(tt->L, 0), 0);
	tt_append(tt->L, "ERROR same\nERROR same\nERROR same\n"
	    "ERROR same\nreq=5 ERROR\n");
	tt->now += 5000;
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tail_stats(tt->t)->truncations, 1);
	tt_assert_id(tt, 4, 1);
	tt_assert_id(tt, 5, 1);
	assert_int_equal(tt->c.total, 3 + 2 + 5);
}

/*
 * A glob source (`path: DIR/STAR.log`) matches pm2-logrotate's copies too;
 * they are not followed (they hold what was counted), other files are.
 */
static void
test_glob_excludes_copies(void **state)
{
	struct tt *tt = *state;
	char *other = tt_path(tt, "legacy.log");
	char *later = tt_path(tt, "later.log");
	char *copy2 = tt_path(tt, "demo-api-out__2024-03-11_00-00-00.log");
	char *skip = tt_path(tt, "skip.txt");

	tt->src.pm2_home = NULL;
	tt->src.path = xasprintf("%s/*.log", tt->logs);
	tt_append_ids(tt->L, 1, 2);
	tt_append_ids(tt->copy, 1, 2);
	tt_append_ids(other, 10, 11);
	tt_append_ids(skip, 20, 20);
	tt_start(tt);
	tt_tick(tt, TT_IDLE);
	assert_int_equal(tail_stats(tt->t)->files, 2);
	tt_assert_id(tt, 1, 1);
	tt_assert_id(tt, 2, 1);
	tt_assert_id(tt, 10, 1);
	tt_assert_id(tt, 11, 1);
	assert_int_equal(tt->c.total, 4);

	/* Appearing while we run: a copy is skipped, a new file followed. */
	tt_append_ids(copy2, 1, 2);
	tt_append_ids(later, 30, 30);
	tt_events(tt, 10);
	tt_tick(tt, TT_IDLE);
	tt->now = TT_T0 + 2 * TT_SWEEP;
	tt_tick(tt, 0);
	assert_int_equal(tail_stats(tt->t)->files, 3);
	tt_assert_id(tt, 1, 1);
	tt_assert_id(tt, 30, 1);
	assert_int_equal(tt->c.total, 5);
	free(tt->src.path);
	tt->src.path = NULL;
	free(copy2);
	free(skip);
	free(other);
	free(later);
}

/*
 * Which names beside a live file are its rotated copies.  Found by a
 * tester: "app-worker.log", another program's log beside "app.log", was
 * taken for a copy of it -- and a copy that is not among those seen
 * before is a generation read whole (tail_drain_missed, after a
 * truncation; a start's copies made while stopped).
 */
static void
test_copy_names(void **state)
{
	static const struct {
		const char *base, *name;
		bool is_copy;
	} cases[] = {
		{ "app.log", "app.log.1", true },		/* logrotate */
		{ "app.log", "app.log.2.gz", true },
		{ "app.log", "app.log-20240101", true },	/* dateext */
		{ "app.log", "app.log-20240101.gz", true },
		{ "app.log", "app.1.log", true },		/* extension */
		{ "app.log", "app-20240101.log", true },
		{ "app.log", "app__2024-01-01_00-00-00.log", true },
		{ "app.log", "app.log", false },
		{ "app.log", "app-worker.log", false },	/* another log */
		{ "app.log", "app_worker.log", false },
		{ "app.log", "app.old.log", false },
		{ "app.log", "apple.log", false },
		{ "app.log", "app", false },
		{ "api-out.log", "api-out__2024-01-01_00-00-00.log", true },
		{ "api-out.log", "api-out-1__2024-01-01_00-00-00.log", false },
		{ "api-out.log", "api-error__2024-01-01_00-00-00.log", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (tail_is_copy_name(cases[i].base, cases[i].name) !=
		    cases[i].is_copy)
			fail_msg("%s beside %s: a copy should be %s",
			    cases[i].name, cases[i].base,
			    cases[i].is_copy ? "true" : "false");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grow_partial_line,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_deadline, tt_setup,
		    tt_teardown),
		cmocka_unit_test_setup_teardown(test_deadline_partial_line,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_copytruncate_with_copy,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_truncate_without_copy,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_rename_create, tt_setup,
		    tt_teardown),
		cmocka_unit_test_setup_teardown(test_delete, tt_setup,
		    tt_teardown),
		cmocka_unit_test_setup_teardown(test_fingerprint_same_size,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_restart, tt_setup,
		    tt_teardown),
		cmocka_unit_test_setup_teardown(test_stopped_rename, tt_setup,
		    tt_teardown),
		cmocka_unit_test_setup_teardown(test_stopped_copytruncate,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_stopped_copytruncate_gz,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_stopped_copy, tt_setup,
		    tt_teardown),
		cmocka_unit_test_setup_teardown(test_stopped_copy_dot1,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_stopped_copy_gz,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_stopped_copy_dot1_gz,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_stopped_copytruncate_alike,
		    tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_glob_excludes_copies,
		    tt_setup, tt_teardown),
		cmocka_unit_test(test_copy_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

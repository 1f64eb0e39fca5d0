/*
 * test_state: the SQLite state (state.h) and reading it back for
 * `summary` (summary.h).
 *
 * The property everything rests on is that counts and offsets are
 * committed together or not at all, so the tests look at the database
 * through a second, read-only connection (as `summary` does) and after
 * the writer is gone: closed without commit, exited with _exit(), or
 * killed with SIGKILL in the middle of a transaction.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "aggregate.h"
#include "match.h"
#include "stamp.h"
#include "log.h"
#include "state.h"
#include "state_int.h"
#include "state_pm2.h"
#include "summary.h"
#include "testlib.h"
#include "xmalloc.h"

#define MIN(n)	((int64_t)(n) * 60000 + 1764441600000LL)	/* 2025-11-29 */

static char st_tmp[256];
static char *st_dir;		/* a state_dir that does not exist yet */

static int
st_setup(void **state)
{
	if (tl_tmpdir(st_tmp, sizeof(st_tmp), "test_state") != 0)
		return -1;
	st_dir = xasprintf("%s/a/b/state", st_tmp);
	return 0;
}

static int
st_teardown(void **state)
{
	int rc = tl_rmtree(st_tmp);

	free(st_dir);
	return rc == 0 ? 0 : -1;
}

static struct state *
st_open(bool read_only)
{
	char *err = NULL;
	struct state *st = state_open(st_dir, read_only, &err);

	if (st == NULL)
		fail_msg("state_open: %s", err);
	assert_null(err);
	return st;
}

static struct state_count
st_count(int64_t minute, const char *app, const char *outcome,
    const char *class, uint64_t n, int64_t first, int64_t last)
{
	struct state_count c = { minute, "omni", app, "error", outcome,
	    class, n, first, last };

	return c;
}

static struct state_file
st_file(uint64_t ino, uint64_t offset, const char *path)
{
	struct state_file f = { 2049, ino, 4096, 0xdeadbeef, offset,
	    (char *)path, 1000 };

	return f;
}

/* Collected buckets, copied since the strings are the statement's. */
struct st_rows {
	struct state_count rows[16];
	char		 text[16][4][32];
	size_t		 n;
};

static void
st_collect(void *ctx, const struct state_count *c)
{
	struct st_rows *r = ctx;
	struct state_count *o;

	assert_true(r->n < 16);
	o = &r->rows[r->n];
	*o = *c;
	snprintf(r->text[r->n][0], 32, "%s", c->app);
	snprintf(r->text[r->n][1], 32, "%s", c->outcome);
	snprintf(r->text[r->n][2], 32, "%s", c->class);
	snprintf(r->text[r->n][3], 32, "%s", c->pattern_set);
	o->app = r->text[r->n][0];
	o->outcome = r->text[r->n][1];
	o->class = r->text[r->n][2];
	o->pattern_set = r->text[r->n][3];
	o->stream = NULL;
	r->n++;
}

static size_t
st_nbuckets(struct state *st)
{
	struct st_rows r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(state_buckets(st, STAMP_NONE, STAMP_NONE,
	    st_collect, &r), 0);
	return r.n;
}

static size_t
st_nfiles(struct state *st)
{
	struct state_file *files = NULL;
	size_t n = 99;

	assert_int_equal(state_files_load(st, &files, &n), 0);
	state_files_free(files, n);
	return n;
}

/* The total of all buckets, and the offset of file INO (0: none). */
static void
st_totals(struct state *st, uint64_t ino, uint64_t *count,
    uint64_t *offset)
{
	struct st_rows r;
	struct state_file *files = NULL;
	size_t n = 0;

	memset(&r, 0, sizeof(r));
	assert_int_equal(state_buckets(st, STAMP_NONE, STAMP_NONE,
	    st_collect, &r), 0);
	*count = 0;
	for (size_t i = 0; i < r.n; i++)
		*count += r.rows[i].count;
	assert_int_equal(state_files_load(st, &files, &n), 0);
	*offset = 0;
	for (size_t i = 0; i < n; i++)
		if (files[i].ino == ino)
			*offset = files[i].offset;
	state_files_free(files, n);
}

static void
test_open_creates(void **state)
{
	struct state *st;
	struct stat sb;
	sqlite3 *db;
	sqlite3_stmt *s;
	char *path;

	umask(022);
	st = st_open(false);
	assert_int_equal(stat(st_dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0750);
	path = xasprintf("%s/omniwatch.db", st_dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 7);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_false(state_is_dirty(st));
	state_close(st);

	/* Opening again finds the schema and keeps it. */
	st = st_open(false);
	assert_int_equal(st_nbuckets(st), 0);
	state_close(st);
	st = st_open(true);
	assert_int_equal(st_nfiles(st), 0);
	state_close(st);
	free(path);
}

static void
test_open_errors(void **state)
{
	char *err = NULL, *want, *path, *dir;
	sqlite3 *db;
	FILE *fp;

	/* summary before any watch. */
	assert_null(state_open(st_dir, true, &err));
	want = xasprintf("no state at %s/omniwatch.db: has omniwatch watch "
	    "run with this config?", st_dir);
	assert_string_equal(err, want);
	free(want);
	free(err);

	/* A state written by a newer omniwatch. */
	state_close(st_open(false));
	path = xasprintf("%s/omniwatch.db", st_dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 8", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	want = xasprintf("%s: schema version 8 is newer than this omniwatch "
	    "knows (7); use the omniwatch that wrote it", path);
	assert_null(state_open(st_dir, false, &err));
	assert_string_equal(err, want);
	free(err);
	assert_null(state_open(st_dir, true, &err));
	assert_string_equal(err, want);
	free(err);
	free(want);

	/* Not a database at all: SQLite's message, with the file, and
	 * what to do. */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not an SQLite database, but it is long enough to "
	    "look at its header bytes and say so.........................."
	    "..............................................................\n",
	    fp);
	assert_int_equal(fclose(fp), 0);
	assert_null(state_open(st_dir, false, &err));
	want = xasprintf("%s: cannot set WAL mode: file is not a database; "
	    "the state is damaged: move it aside (mv omniwatch.db "
	    "omniwatch.db.damaged) and start watch again, which counts the "
	    "logs as on a first run; the counts, alert states and queued "
	    "notifications in it are lost", path);
	assert_string_equal(err, want);
	free(want);
	free(err);

	/* A state_dir that cannot be a directory. */
	dir = xasprintf("%s/omniwatch.db/sub", st_dir);
	assert_null(state_open(dir, false, &err));
	want = xasprintf("%s: cannot create the state directory: Not a "
	    "directory", dir);
	assert_string_equal(err, want);
	free(want);
	free(err);
	free(dir);
	free(path);
}

/* The one rule: counts and offsets are committed together. */
static void
test_commit_together(void **state)
{
	struct state *w = st_open(false), *r;
	struct state_count c = st_count(MIN(0), "desk", "failure", "other",
	    3, MIN(0) + 5, MIN(0) + 9);
	struct state_file f = st_file(11, 4096, "/logs/desk-error.log");
	uint64_t count, offset;

	r = st_open(true);
	assert_int_equal(state_count(w, &c), 0);
	assert_true(state_is_dirty(w));
	assert_int_equal(state_file_save(w, &f), 0);
	/* Changes wait in memory for the commit (state_journal.h): the
	 * database, as the writer and a reader see it, is unchanged. */
	st_totals(w, 11, &count, &offset);
	assert_int_equal(count, 0);
	assert_int_equal(offset, 0);
	st_totals(r, 11, &count, &offset);
	assert_int_equal(count, 0);
	assert_int_equal(offset, 0);
	assert_int_equal(state_commit(w), 0);
	assert_false(state_is_dirty(w));
	st_totals(r, 11, &count, &offset);
	assert_int_equal(count, 3);
	assert_int_equal(offset, 4096);
	/* Committing with nothing open is a no-op. */
	assert_int_equal(state_commit(w), 0);

	/* More, then close without commit: as if killed. */
	f.offset = 8192;
	assert_int_equal(state_count(w, &c), 0);
	assert_int_equal(state_file_save(w, &f), 0);
	st_totals(r, 11, &count, &offset);
	assert_int_equal(count, 3);
	assert_int_equal(offset, 4096);
	state_close(w);
	st_totals(r, 11, &count, &offset);
	assert_int_equal(count, 3);
	assert_int_equal(offset, 4096);
	state_close(r);
	w = st_open(false);
	st_totals(w, 11, &count, &offset);
	assert_int_equal(count, 3);
	assert_int_equal(offset, 4096);
	state_close(w);
}

/*
 * A child writes a committed batch, then a second batch it never commits,
 * and dies: by _exit() (no close, no atexit) or by SIGKILL while the
 * transaction is open.  The parent must find the first batch whole and no
 * trace of the second.
 */
static void
st_child_dies(bool is_killed)
{
	struct state_count c = st_count(MIN(1), "desk", "success", "", 5,
	    STAMP_NONE, STAMP_NONE);
	struct state_file f = st_file(12, 100, "/logs/desk-out.log");
	struct state *st;
	uint64_t count, offset;
	int fds[2], status;
	struct stat sb;
	char ch, *wal;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		st = st_open(false);
		if (state_count(st, &c) != 0 || state_file_save(st, &f) != 0 ||
		    state_commit(st) != 0)
			_exit(3);
		/* A batch bigger than SQLite's page cache (2 MB by
		 * default): when changes went straight into the open
		 * transaction, its pages spilled into the WAL and recovery
		 * had to tell them from committed ones.  Now they wait in
		 * memory until the commit, and none reaches the file. */
		for (int i = 0; i < 60000; i++) {
			struct state_count c2 = st_count(MIN(2 + i), "desk",
			    "failure", "other", 1, STAMP_NONE, STAMP_NONE);

			if (state_count(st, &c2) != 0)
				_exit(4);
		}
		f.offset = 999999;
		if (state_file_save(st, &f) != 0)
			_exit(5);
		if (write(fds[1], "x", 1) != 1)
			_exit(6);
		if (is_killed)
			for (;;)
				pause();
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &ch, 1), 1);
	close(fds[0]);
	wal = xasprintf("%s/omniwatch.db-wal", st_dir);
	assert_int_equal(stat(wal, &sb), 0);
	/* No uncommitted page reached the file (it was 4 MB when they
	 * did). */
	assert_true(sb.st_size < 1024 * 1024);
	free(wal);
	if (is_killed)
		assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (is_killed) {
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
	} else {
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}

	st = st_open(true);
	st_totals(st, 12, &count, &offset);
	assert_int_equal(count, 5);
	assert_int_equal(offset, 100);
	assert_int_equal(st_nbuckets(st), 1);
	state_close(st);
	/* A writer recovers the same, and the file is sound. */
	st = st_open(false);
	st_totals(st, 12, &count, &offset);
	assert_int_equal(count, 5);
	assert_int_equal(offset, 100);
	state_close(st);
}

static void
test_exit_without_commit(void **state)
{
	st_child_dies(false);
}

static void
test_sigkill_mid_transaction(void **state)
{
	st_child_dies(true);
}

static void
st_sum(void *ctx, const struct state_count *c)
{
	*(uint64_t *)ctx += c->count;
}

/* The committed records and the offset of file INO, as R reads them. */
static void
st_sum_totals(struct state *r, uint64_t ino, uint64_t *count,
    uint64_t *offset)
{
	struct state_file *files = NULL;
	size_t n = 0;

	*count = 0;
	assert_int_equal(state_buckets(r, STAMP_NONE, STAMP_NONE, st_sum,
	    count), 0);
	assert_int_equal(state_files_load(r, &files, &n), 0);
	*offset = 0;
	for (size_t i = 0; i < n; i++)
		if (files[i].ino == ino)
			*offset = files[i].offset;
	state_files_free(files, n);
}

static void
st_spool_one(void *ctx, const struct state_notice *n)
{
	struct { int n; int64_t seq; } *sp = ctx;

	sp->n++;
	sp->seq = n->seq;
}

/* The number of lines in FP (a log_capture() file) holding WHAT. */
static int
st_log_count(FILE *fp, const char *what)
{
	char line[1024];
	int n = 0;

	fflush(fp);
	rewind(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, what) != NULL)
			n++;
	return n;
}

static int64_t
st_pragma(struct state *st, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(state_db(st), sql, -1, &s, NULL),
	    SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * Issue #18: a commit that fails (here SQLITE_FULL from SQLite's own
 * limit on the real file, PRAGMA max_page_count; hardening.sh fills a real
 * file system) leaves the database exactly as it was, keeps every change
 * for the next commit, and is said once however often it is retried;
 * the next commit that succeeds takes everything.
 */
static void
test_failed_commit_keeps_changes(void **state)
{
	struct state *st = st_open(false), *r;
	struct state_count c = st_count(MIN(0), "desk", "success", "", 1,
	    STAMP_NONE, STAMP_NONE);
	struct state_file f = st_file(13, 500, "/logs/x.log");
	struct state_notice n = { 0, "ops", "rule", "id1", "firing", 1, "{}",
	    2 };
	struct state_rows_spool { int n; int64_t seq; } sp = { 0, 0 };
	FILE *log = tmpfile();
	uint64_t count, offset;
	char *sql;

	assert_non_null(log);
	assert_int_equal(state_count(st, &c), 0);
	assert_int_equal(state_file_save(st, &f), 0);
	assert_int_equal(state_commit(st), 0);
	r = st_open(true);

	/* The file may not grow any more. */
	sql = xasprintf("PRAGMA max_page_count = %lld",
	    (long long)st_pragma(st, "PRAGMA page_count"));
	assert_true(st_pragma(st, sql) > 0);
	free(sql);
	for (int i = 1; i <= 3000; i++) {
		struct state_count c2 = st_count(MIN(i), "desk", "failure",
		    "other", 1, MIN(i) + 1, MIN(i) + 2);

		assert_int_equal(state_count(st, &c2), 0);
	}
	f.offset = 600;
	assert_int_equal(state_file_save(st, &f), 0);
	assert_int_equal(state_spool_add(st, &n), 0);
	log_capture(log);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(state_commit(st), -1);
		assert_true(state_is_dirty(st));
	}
	log_capture(NULL);
	assert_int_equal(st_log_count(log, "cannot"), 1);
	assert_int_equal(st_log_count(log, "database or disk is full"), 1);
	/* Exactly as before the failed commits. */
	st_sum_totals(r, 13, &count, &offset);
	assert_int_equal(count, 1);
	assert_int_equal(offset, 500);
	assert_int_equal(state_spool(r, st_spool_one, &sp), 0);
	assert_int_equal(sp.n, 0);

	/* Space comes back; more is read meanwhile. */
	assert_true(st_pragma(st, "PRAGMA max_page_count = 1000000") > 0);
	assert_int_equal(state_count(st, &c), 0);
	f.offset = 700;
	assert_int_equal(state_file_save(st, &f), 0);
	log_capture(log);
	assert_int_equal(state_commit(st), 0);
	log_capture(NULL);
	assert_int_equal(st_log_count(log, "committed again"), 1);
	assert_false(state_is_dirty(st));
	st_sum_totals(r, 13, &count, &offset);
	assert_int_equal(count, 1 + 3000 + 1);
	assert_int_equal(offset, 700);
	assert_int_equal(state_spool(r, st_spool_one, &sp), 0);
	assert_int_equal(sp.n, 1);
	assert_int_equal(sp.seq, n.seq);
	fclose(log);
	state_close(r);
	state_close(st);
}

static void
test_read_only_refuses_changes(void **state)
{
	struct state_count c = st_count(MIN(0), "desk", "success", "", 1,
	    STAMP_NONE, STAMP_NONE);
	struct state_file f = st_file(14, 1, "/x");
	struct state *st;

	state_close(st_open(false));
	st = st_open(true);
	assert_int_equal(state_count(st, &c), -1);
	assert_int_equal(state_file_save(st, &f), -1);
	assert_int_equal(state_file_forget(st, 2049, 14), -1);
	assert_false(state_is_dirty(st));
	assert_int_equal(state_commit(st), 0);
	state_close(st);
}

static void
test_upsert_accumulates(void **state)
{
	struct state *st = st_open(false);
	struct state_count a = st_count(MIN(0), "desk", "failure",
	    "route_not_found", 3, STAMP_NONE, STAMP_NONE);
	struct state_count b = a;
	struct state_count other = a;
	struct st_rows r;

	b.count = 4;
	other.class = "other";
	assert_int_equal(state_count(st, &a), 0);
	assert_int_equal(state_count(st, &b), 0);
	assert_int_equal(state_commit(st), 0);
	assert_int_equal(state_count(st, &a), 0);	/* next transaction */
	assert_int_equal(state_count(st, &other), 0);
	assert_int_equal(state_commit(st), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(state_buckets(st, STAMP_NONE, STAMP_NONE,
	    st_collect, &r), 0);
	assert_int_equal(r.n, 2);
	/* In key order: "other" < "route_not_found". */
	assert_string_equal(r.rows[0].class, "other");
	assert_int_equal(r.rows[0].count, 3);
	assert_string_equal(r.rows[1].class, "route_not_found");
	assert_int_equal(r.rows[1].count, 10);
	state_close(st);
}

/* first_ms/last_ms: min and max, where NULL (unstamped) never wins. */
static void
test_first_last(void **state)
{
	struct state *st = st_open(false);
	int64_t m = MIN(0);
	struct state_count seq[] = {
		st_count(m, "a", "success", "", 1, STAMP_NONE, STAMP_NONE),
		st_count(m, "a", "success", "", 1, m + 500, m + 700),
		st_count(m, "a", "success", "", 1, STAMP_NONE, STAMP_NONE),
		st_count(m, "a", "success", "", 2, m + 100, m + 400),
		st_count(m, "a", "success", "", 2, m + 300, m + 900),
		st_count(m, "b", "damaged", "", 1, STAMP_NONE, STAMP_NONE),
	};
	struct st_rows r;

	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		assert_int_equal(state_count(st, &seq[i]), 0);
	assert_int_equal(state_commit(st), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(state_buckets(st, STAMP_NONE, STAMP_NONE,
	    st_collect, &r), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.rows[0].app, "a");
	assert_int_equal(r.rows[0].count, 7);
	assert_int_equal(r.rows[0].first_ms, m + 100);
	assert_int_equal(r.rows[0].last_ms, m + 900);
	assert_string_equal(r.rows[1].app, "b");
	assert_true(r.rows[1].first_ms == STAMP_NONE);
	assert_true(r.rows[1].last_ms == STAMP_NONE);
	state_close(st);
}

static void
test_buckets_range(void **state)
{
	struct state *st = st_open(false);
	struct st_rows r;

	/* Written out of order; read back in minute order. */
	for (int i = 4; i >= 0; i--) {
		struct state_count c = st_count(MIN(i), "desk", "success", "",
		    (uint64_t)i + 1, STAMP_NONE, STAMP_NONE);

		assert_int_equal(state_count(st, &c), 0);
	}
	assert_int_equal(state_commit(st), 0);

	memset(&r, 0, sizeof(r));
	assert_int_equal(state_buckets(st, STAMP_NONE, STAMP_NONE,
	    st_collect, &r), 0);
	assert_int_equal(r.n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(r.rows[i].minute_ms, MIN(i));

	/* [since, until): the until minute is out. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(state_buckets(st, MIN(1), MIN(3), st_collect, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.rows[0].minute_ms, MIN(1));
	assert_int_equal(r.rows[1].minute_ms, MIN(2));
	assert_int_equal(r.rows[1].count, 3);

	/* A bound in mid-minute: only minutes that start in range. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(state_buckets(st, MIN(1) + 1, STAMP_NONE,
	    st_collect, &r), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.rows[0].minute_ms, MIN(2));

	memset(&r, 0, sizeof(r));
	assert_int_equal(state_buckets(st, STAMP_NONE, MIN(1), st_collect,
	    &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.rows[0].minute_ms, MIN(0));

	memset(&r, 0, sizeof(r));
	assert_int_equal(state_buckets(st, MIN(9), STAMP_NONE, st_collect,
	    &r), 0);
	assert_int_equal(r.n, 0);
	state_close(st);
}

static void
test_files_load_forget(void **state)
{
	struct state *st = st_open(false);
	/* dev and ino use all 64 bits: stored as int64 bit patterns. */
	struct state_file a = { UINT64_MAX, UINT64_MAX - 1, 65536, 0xffffffffu,
	    (uint64_t)1 << 40, (char *)"/logs/a-out.log", 1700000000000 };
	struct state_file b = st_file(21, 10, "/logs/b-out.log");
	struct state_file *files = NULL;
	size_t n = 0;

	assert_int_equal(state_file_save(st, &a), 0);
	assert_int_equal(state_file_save(st, &b), 0);
	assert_int_equal(state_commit(st), 0);
	/* Saving again updates in place: same (dev, ino), new path. */
	b.offset = 20;
	b.path = (char *)"/logs/b-out__2026.log";
	b.fp_crc = 7;
	b.updated_ms = 2000;
	assert_int_equal(state_file_save(st, &b), 0);
	assert_int_equal(state_commit(st), 0);
	state_close(st);

	st = st_open(true);
	assert_int_equal(state_files_load(st, &files, &n), 0);
	assert_int_equal(n, 2);
	/* In path order. */
	assert_string_equal(files[0].path, "/logs/a-out.log");
	assert_true(files[0].dev == UINT64_MAX);
	assert_true(files[0].ino == UINT64_MAX - 1);
	assert_int_equal(files[0].fp_len, 65536);
	assert_int_equal(files[0].fp_crc, 0xffffffffu);
	assert_true(files[0].offset == (uint64_t)1 << 40);
	assert_int_equal(files[0].updated_ms, 1700000000000);
	assert_string_equal(files[1].path, "/logs/b-out__2026.log");
	assert_int_equal(files[1].dev, 2049);
	assert_int_equal(files[1].ino, 21);
	assert_int_equal(files[1].offset, 20);
	assert_int_equal(files[1].fp_crc, 7);
	assert_int_equal(files[1].updated_ms, 2000);
	state_files_free(files, n);
	state_close(st);

	st = st_open(false);
	assert_int_equal(state_file_forget(st, UINT64_MAX, UINT64_MAX - 1), 0);
	assert_int_equal(state_file_forget(st, 1, 1), 0);	/* unknown: fine */
	assert_true(state_is_dirty(st));
	assert_int_equal(state_commit(st), 0);
	assert_int_equal(state_files_load(st, &files, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(files[0].ino, 21);
	state_files_free(files, n);
	state_close(st);

	/* An empty table gives an empty list. */
	st = st_open(false);
	assert_int_equal(state_file_forget(st, 2049, 21), 0);
	assert_int_equal(state_commit(st), 0);
	assert_int_equal(st_nfiles(st), 0);
	state_close(st);
}

/* summary_load: buckets back into an aggregate by set and class name. */
static void
test_summary_load(void **state)
{
	char *err = NULL;
	struct match_set *set = match_set_load(OMNIWATCH_SRC_PATTERNS_DIR
	    "/omni.yaml", &err);
	struct state *st = st_open(false);
	struct aggregate *agg;
	struct state_count cs[] = {
		st_count(MIN(0), "desk", "failure", "route_not_found", 2,
		    MIN(0) + 1000, MIN(0) + 2000),
		st_count(MIN(1), "desk", "failure", "other", 1, MIN(1) + 5,
		    MIN(1) + 5),
		st_count(MIN(1), "desk", "success", "", 3, STAMP_NONE,
		    STAMP_NONE),
		st_count(MIN(2), "api", "damaged", "", 1, MIN(2), MIN(2)),
		/* A class the set no longer has, twice: one warning, and
		 * failures still, under no class (the slot after the
		 * set's classes). */
		st_count(MIN(2), "api", "failure", "gone", 4, STAMP_NONE,
		    STAMP_NONE),
		st_count(MIN(3), "api", "failure", "gone", 4, STAMP_NONE,
		    STAMP_NONE),
		st_count(MIN(3), "api", "success", "", 6, MIN(3) + 7,
		    MIN(3) + 8),
	};
	struct state_count foreign = st_count(MIN(1), "desk", "failure",
	    "x", 9, STAMP_NONE, STAMP_NONE);
	const struct aggregate_counts *t;

	if (set == NULL)
		fail_msg("%s", err);
	foreign.pattern_set = "another";
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++)
		assert_int_equal(state_count(st, &cs[i]), 0);
	assert_int_equal(state_count(st, &foreign), 0);
	assert_int_equal(state_commit(st), 0);
	state_close(st);

	st = st_open(true);
	agg = aggregate_new(&set, 1);
	assert_int_equal(summary_load(st, agg, STAMP_NONE, STAMP_NONE), 0);
	t = &agg->sets[0].total;
	assert_int_equal(t->failures, 11);
	assert_int_equal(t->successes, 9);
	assert_int_equal(t->damaged, 1);
	assert_int_equal(set->nfailure, 2);
	assert_string_equal(set->failure[0].name, "route_not_found");
	assert_int_equal(t->classes[0], 2);
	assert_int_equal(t->classes[1], 1);
	assert_int_equal(t->classes[2], 8);
	assert_int_equal(t->first, MIN(0) + 1000);
	assert_int_equal(t->last, MIN(3) + 8);
	assert_int_equal(agg->sets[0].napps, 2);
	assert_string_equal(agg->sets[0].apps[0].name, "desk");
	assert_int_equal(agg->sets[0].apps[0].counts.failures, 3);
	assert_int_equal(agg->sets[0].apps[0].counts.successes, 3);
	assert_string_equal(agg->sets[0].apps[1].name, "api");
	assert_int_equal(agg->sets[0].apps[1].counts.successes, 6);
	assert_int_equal(agg->sets[0].apps[1].counts.failures, 8);
	aggregate_free(agg);

	/* With a range. */
	agg = aggregate_new(&set, 1);
	assert_int_equal(summary_load(st, agg, MIN(1), MIN(3)), 0);
	t = &agg->sets[0].total;
	assert_int_equal(t->failures, 5);
	assert_int_equal(t->successes, 3);
	assert_int_equal(t->damaged, 1);
	assert_int_equal(t->first, MIN(1) + 5);
	assert_int_equal(t->last, MIN(2));
	aggregate_free(agg);
	state_close(st);
	match_set_free(set);
}

/* Alerting tables: a rule's state, the spool in order, both committed
 * with the counts or not at all; version 1 and 2 states are upgraded. */
struct st_seen {
	char		 buf[512];
	size_t		 n;
};

static void
st_alert_fn(void *ctx, const struct state_alert *a)
{
	struct st_seen *s = ctx;

	s->n++;
	snprintf(s->buf + strlen(s->buf), sizeof(s->buf) - strlen(s->buf),
	    "%s %s %s %lld %lld %llu %lld %lld %lld %lld %lld %lld;", a->name,
	    a->status, a->id, (long long)a->since_ms,
	    (long long)a->last_notified_ms, (unsigned long long)a->streak,
	    (long long)a->last_success_ms, (long long)a->last_failure_ms,
	    (long long)a->created_ms, (long long)a->streak_since_ms,
	    (long long)a->streak_floor_ms, (long long)a->keep_firing_since_ms);
}

static void
st_notice_fn(void *ctx, const struct state_notice *n)
{
	struct st_seen *s = ctx;

	s->n++;
	snprintf(s->buf + strlen(s->buf), sizeof(s->buf) - strlen(s->buf),
	    "%lld %s %s %s %s %lld %.*s;", (long long)n->seq, n->receiver,
	    n->alert, n->alert_id, n->status, (long long)n->created_ms,
	    (int)n->len, n->body);
}

static void
test_alerts_spool(void **state)
{
	struct state *st = st_open(false);
	struct state_alert a = { "omni-failing", "firing", "ab12", 1000, 1500,
	    3, 0, 1400, 900, 1200, 1100, 1450, NULL, 0 };
	struct state_notice n1 = { 0, "ops", "omni-failing", "ab12", "firing",
	    1500, "{\"a\":1}", 7 };
	struct state_notice n2 = { 0, "desk", "omni-failing", "ab12",
	    "resolved", 1600, "{}", 2 };
	struct st_seen seen;
	int64_t ms;

	assert_int_equal(state_alert_save(st, &a), 0);
	assert_int_equal(state_spool_add(st, &n1), 0);
	assert_int_equal(state_spool_add(st, &n2), 0);
	assert_true(n2.seq > n1.seq);
	/* Not committed: a second connection sees nothing yet. */
	state_close(st);
	st = st_open(false);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(state_alerts(st, st_alert_fn, &seen), 0);
	assert_int_equal(state_spool(st, st_notice_fn, &seen), 0);
	assert_int_equal(seen.n, 0);

	assert_int_equal(state_alert_save(st, &a), 0);
	assert_int_equal(state_spool_add(st, &n1), 0);
	assert_int_equal(state_spool_add(st, &n2), 0);
	assert_int_equal(state_commit(st), 0);
	a.status = "inactive";
	a.id = "";
	assert_int_equal(state_alert_save(st, &a), 0);
	assert_int_equal(state_spool_remove(st, n1.seq), 0);
	assert_int_equal(state_commit(st), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(state_alerts(st, st_alert_fn, &seen), 0);
	assert_string_equal(seen.buf,
	    "omni-failing inactive  1000 1500 3 0 1400 900 1200 1100 1450;");
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(state_spool(st, st_notice_fn, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_non_null(strstr(seen.buf, " desk omni-failing ab12 resolved "
	    "1600 {};"));
	assert_int_equal(state_alert_forget(st, "omni-failing"), 0);
	assert_int_equal(state_commit(st), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(state_alerts(st, st_alert_fn, &seen), 0);
	assert_int_equal(seen.n, 0);

	/* The last success of a set, from its buckets: its stamp, else the
	 * end of its minute, or now while that minute lasts. */
	assert_int_equal(state_last_outcome(st, "omni", "success", MIN(9),
	    &ms), 0);
	assert_true(ms == STAMP_NONE);
	struct state_count c = st_count(MIN(1), "app", "success", "", 1,
	    STAMP_NONE, STAMP_NONE);
	assert_int_equal(state_count(st, &c), 0);
	c = st_count(MIN(0), "app", "success", "", 1, MIN(0) + 5000,
	    MIN(0) + 7000);
	assert_int_equal(state_count(st, &c), 0);
	assert_int_equal(state_commit(st), 0);
	assert_int_equal(state_last_outcome(st, "omni", "success", MIN(9),
	    &ms), 0);
	assert_int_equal(ms, MIN(1) + 59999);
	assert_int_equal(state_last_outcome(st, "omni", "success",
	    MIN(1) + 20000, &ms), 0);
	assert_int_equal(ms, MIN(1) + 20000);
	/* A stamp later than the unstamped minute's end wins. */
	c = st_count(MIN(2), "app", "success", "", 1, MIN(2) + 1000,
	    MIN(2) + 3000);
	assert_int_equal(state_count(st, &c), 0);
	assert_int_equal(state_commit(st), 0);
	assert_int_equal(state_last_outcome(st, "omni", "success", MIN(9),
	    &ms), 0);
	assert_int_equal(ms, MIN(2) + 3000);
	state_close(st);
}

static void
test_upgrade_v1(void **state)
{
	struct state *st = st_open(false);
	struct state_count c = st_count(MIN(0), "app", "failure", "x", 4,
	    STAMP_NONE, STAMP_NONE);
	struct st_seen seen;
	char *path;
	sqlite3 *db;

	assert_int_equal(state_count(st, &c), 0);
	assert_int_equal(state_commit(st), 0);
	state_close(st);
	/* Make it a version 1 state, as the first release wrote it. */
	path = xasprintf("%s/omniwatch.db", st_dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE alerts; DROP TABLE spool;"
	    "DROP TABLE instance_buckets; DROP TABLE pm2_events;"
	    "DROP TABLE pm2_instances; DROP TABLE probes;"
	    "ALTER TABLE files DROP COLUMN at_offset;"
	    "ALTER TABLE files DROP COLUMN at_len;"
	    "ALTER TABLE files DROP COLUMN at_crc;"
	    " PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* summary reads it as it is; watch upgrades it, keeping counts. */
	st = st_open(true);
	assert_int_equal(st_nbuckets(st), 1);
	state_close(st);
	st = st_open(false);
	assert_int_equal(st_nbuckets(st), 1);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(state_spool(st, st_notice_fn, &seen), 0);
	assert_int_equal(seen.n, 0);
	state_close(st);
	free(path);
}

/* A version 2 state keeps its alerts; the new columns read as "none". */
static void
test_upgrade_v2(void **state)
{
	struct state *st = st_open(false);
	struct st_seen seen;
	char *path;
	sqlite3 *db;

	state_close(st);
	path = xasprintf("%s/omniwatch.db", st_dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE alerts;"
	    "DROP TABLE instance_buckets; DROP TABLE pm2_events;"
	    "DROP TABLE pm2_instances; DROP TABLE probes;"
	    "ALTER TABLE files DROP COLUMN at_offset;"
	    "ALTER TABLE files DROP COLUMN at_len;"
	    "ALTER TABLE files DROP COLUMN at_crc;"
	    "CREATE TABLE alerts (name TEXT PRIMARY KEY, status TEXT NOT NULL,"
	    " id TEXT NOT NULL, since_ms INTEGER NOT NULL,"
	    " last_notified_ms INTEGER NOT NULL, streak INTEGER NOT NULL,"
	    " last_success_ms INTEGER NOT NULL,"
	    " last_failure_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL);"
	    "INSERT INTO alerts VALUES ('r', 'firing', 'ab12', 1000, 1500, 3,"
	    " 0, 1400, 900);"
	    "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = st_open(true);		/* summary reads it as it is */
	state_close(st);
	st = st_open(false);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(state_alerts(st, st_alert_fn, &seen), 0);
	assert_string_equal(seen.buf, "r firing ab12 1000 1500 3 0 1400 900 "
	    "0 0 0;");
	state_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	{
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version",
		    -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), 7);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	free(path);
}

/* Instance buckets: "app id outcome count first last;" of each row. */
static void
st_instance_fn(void *ctx, const struct state_count *c, int instance)
{
	char *buf = ctx, line[128];

	snprintf(line, sizeof(line), "%s %d %s %llu %lld %lld;", c->app,
	    instance, c->outcome, (unsigned long long)c->count,
	    (long long)c->first_ms, (long long)c->last_ms);
	strncat(buf, line, 1023 - strlen(buf));
}

/* A cluster instance's counts add up per instance, commit with the rest,
 * and a version 3 state (no instance table) reads as having none. */
static void
test_instance_buckets(void **state)
{
	struct state *st = st_open(false);
	struct state_count c1 = st_count(MIN(1), "desk", "failure", "x", 2,
	    5000, 6000);
	struct state_count c2 = st_count(MIN(1), "desk", "failure", "x", 1,
	    4000, 4000);
	char buf[1024] = "";
	char *path;
	sqlite3 *db;

	assert_int_equal(state_count(st, &c1), 0);
	assert_int_equal(state_instance_count(st, &c1, 2), 0);
	assert_int_equal(state_instance_count(st, &c2, 2), 0);
	assert_int_equal(state_instance_count(st, &c2, 3), 0);
	assert_int_equal(state_commit(st), 0);
	state_close(st);
	st = st_open(true);
	assert_int_equal(state_instance_buckets(st, STAMP_NONE, STAMP_NONE,
	    st_instance_fn, buf), 0);
	assert_string_equal(buf, "desk 2 failure 3 4000 6000;"
	    "desk 3 failure 1 4000 4000;");
	buf[0] = '\0';
	assert_int_equal(state_instance_buckets(st, MIN(2), STAMP_NONE,
	    st_instance_fn, buf), 0);
	assert_string_equal(buf, "");
	state_close(st);

	path = xasprintf("%s/omniwatch.db", st_dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE instance_buckets;"
	    "DROP TABLE pm2_events; DROP TABLE pm2_instances;"
	    "DROP TABLE probes; ALTER TABLE files DROP COLUMN at_offset;"
	    "ALTER TABLE files DROP COLUMN at_len;"
	    "ALTER TABLE files DROP COLUMN at_crc; PRAGMA user_version = 3",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = st_open(true);
	assert_int_equal(state_instance_buckets(st, STAMP_NONE, STAMP_NONE,
	    st_instance_fn, buf), 0);
	assert_string_equal(buf, "");
	state_close(st);
	st = st_open(false);		/* watch upgrades it */
	assert_int_equal(state_instance_count(st, &c2, 0), 0);
	assert_int_equal(state_commit(st), 0);
	assert_int_equal(st_nbuckets(st), 1);
	state_close(st);
	free(path);
}

static void
st_pm2_event_fn(void *ctx, int64_t minute_ms, const char *app, int instance,
    enum pm2_event ev, uint64_t count)
{
	char *buf = ctx, line[128];

	snprintf(line, sizeof(line), "%lld %s %d %s %llu;",
	    (long long)((minute_ms - MIN(0)) / 60000), app, instance,
	    pm2_event_names[ev], (unsigned long long)count);
	strncat(buf, line, 1023 - strlen(buf));
}

static void
st_pm2_instance_fn(void *ctx, const char *home, const struct pm2_instance *i)
{
	char *buf = ctx, line[160];

	snprintf(line, sizeof(line), "%s %s %d %d %s %lld %d;", home, i->app,
	    i->id, (int)i->mode, pm2_state_name(i->state),
	    (long long)i->since_ms, i->has_started ? 1 : 0);
	strncat(buf, line, 1023 - strlen(buf));
}

/* PM2's daemon log: event buckets add up, the tracker's memory is one
 * row per home, app and pm_id, and both commit with the rest. */
static void
test_pm2_daemon_state(void **state)
{
	struct state *st = st_open(false);
	struct pm2_instance i = { (char *)"desk", 2, PM2_MODE_CLUSTER,
	    PM2_STATE_ONLINE, 5000, true };
	char buf[1024] = "";

	assert_int_equal(state_pm2_event(st, MIN(1), "desk", 2,
	    PM2_EVENT_RESTART, 1), 0);
	assert_int_equal(state_pm2_event(st, MIN(1), "desk", 2,
	    PM2_EVENT_RESTART, 2), 0);
	assert_int_equal(state_pm2_event(st, MIN(2), "crashy", 0,
	    PM2_EVENT_ERRORED, 1), 0);
	assert_int_equal(state_pm2_instance_save(st, "/h", &i), 0);
	i.state = PM2_STATE_STOPPED;
	assert_int_equal(state_pm2_instance_save(st, "/h", &i), 0);
	assert_int_equal(state_pm2_instance_save(st, "/other", &i), 0);
	state_close(st);		/* not committed: gone */
	st = st_open(true);
	assert_int_equal(state_pm2_events(st, STAMP_NONE, STAMP_NONE,
	    st_pm2_event_fn, buf), 0);
	assert_string_equal(buf, "");
	state_close(st);

	st = st_open(false);
	assert_int_equal(state_pm2_event(st, MIN(1), "desk", 2,
	    PM2_EVENT_RESTART, 1), 0);
	assert_int_equal(state_pm2_event(st, MIN(1), "desk", 2,
	    PM2_EVENT_RESTART, 2), 0);
	assert_int_equal(state_pm2_event(st, MIN(2), "crashy", 0,
	    PM2_EVENT_ERRORED, 1), 0);
	i.state = PM2_STATE_ONLINE;
	assert_int_equal(state_pm2_instance_save(st, "/h", &i), 0);
	i.state = PM2_STATE_STOPPED;
	assert_int_equal(state_pm2_instance_save(st, "/h", &i), 0);
	assert_int_equal(state_pm2_instance_save(st, "/other", &i), 0);
	assert_int_equal(state_commit(st), 0);
	state_close(st);
	st = st_open(true);
	assert_int_equal(state_pm2_events(st, STAMP_NONE, STAMP_NONE,
	    st_pm2_event_fn, buf), 0);
	assert_string_equal(buf, "1 desk 2 restarts 3;2 crashy 0 errored 1;");
	buf[0] = '\0';
	assert_int_equal(state_pm2_events(st, MIN(2), STAMP_NONE,
	    st_pm2_event_fn, buf), 0);
	assert_string_equal(buf, "2 crashy 0 errored 1;");
	buf[0] = '\0';
	assert_int_equal(state_pm2_instances(st, "/h", st_pm2_instance_fn,
	    buf), 0);
	assert_string_equal(buf, "/h desk 2 2 stopped 5000 1;");
	buf[0] = '\0';
	assert_int_equal(state_pm2_instances(st, NULL, st_pm2_instance_fn,
	    buf), 0);
	assert_string_equal(buf, "/h desk 2 2 stopped 5000 1;"
	    "/other desk 2 2 stopped 5000 1;");
	state_close(st);
}

/*
 * The copies a commit saw (issue 11): none saved is told from an empty
 * set, a set replaces the last, is read back before the commit from the
 * journal, and an uncommitted one is lost with the counts.
 */
static void
test_copies_seen(void **state)
{
	struct state *st = st_open(false);
	struct state_copy two[2] = { { 2049, 11, 300, 0xabcdef01 },
	    { 2049, 12, 4096, 0xfffffffe } }, *got;
	size_t n;

	assert_int_equal(state_copies_seen_load(st, &got, &n), 1);
	assert_null(got);
	assert_int_equal(n, 0);
	assert_int_equal(state_copies_seen_save(st, NULL, 0), 0);
	assert_int_equal(state_commit(st), 0);
	assert_int_equal(state_copies_seen_load(st, &got, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(state_copies_seen_save(st, two, 2), 0);
	assert_int_equal(state_copies_seen_load(st, &got, &n), 0);
	assert_int_equal(n, 2);
	free(got);
	assert_int_equal(state_commit(st), 0);
	assert_int_equal(state_copies_seen_save(st, two, 1), 0);
	state_close(st);		/* not committed: the two stay */
	st = st_open(true);
	assert_int_equal(state_copies_seen_load(st, &got, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].ino + got[1].ino, 23);
	for (size_t i = 0; i < n; i++)
		if (got[i].ino == 12) {
			assert_int_equal(got[i].size, 4096);
			assert_int_equal(got[i].head_crc, 0xfffffffe);
		}
	free(got);
	state_close(st);
	st = st_open(false);
	assert_int_equal(state_copies_seen_save(st, &two[1], 1), 0);
	assert_int_equal(state_commit(st), 0);
	state_close(st);
	st = st_open(true);
	assert_int_equal(state_copies_seen_load(st, &got, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].ino, 12);
	free(got);
	state_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates, st_setup,
		    st_teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, st_setup,
		    st_teardown),
		cmocka_unit_test_setup_teardown(test_commit_together, st_setup,
		    st_teardown),
		cmocka_unit_test_setup_teardown(test_exit_without_commit,
		    st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_mid_transaction,
		    st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_failed_commit_keeps_changes,
		    st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_read_only_refuses_changes,
		    st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_upsert_accumulates,
		    st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_first_last, st_setup,
		    st_teardown),
		cmocka_unit_test_setup_teardown(test_buckets_range, st_setup,
		    st_teardown),
		cmocka_unit_test_setup_teardown(test_files_load_forget,
		    st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_alerts_spool, st_setup,
		    st_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v1, st_setup,
		    st_teardown),
		cmocka_unit_test_setup_teardown(test_instance_buckets,
		    st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_pm2_daemon_state,
		    st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v2, st_setup,
		    st_teardown),
		cmocka_unit_test_setup_teardown(test_summary_load, st_setup,
		    st_teardown),
		cmocka_unit_test_setup_teardown(test_copies_seen, st_setup,
		    st_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

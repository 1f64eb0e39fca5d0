/*
 * state: see state.h.  One SQLite connection, its statements prepared once
 * at open and kept in the struct, and at most one write transaction, opened
 * by the first change (BEGIN IMMEDIATE, so that a second writer is told at
 * once rather than at COMMIT) and closed by state_commit().
 *
 * Durability: WAL journal with synchronous=NORMAL.  In WAL mode NORMAL
 * syncs the WAL at checkpoints, not at every commit; a committed
 * transaction survives the process being killed (kill -9, OOM killer),
 * and only a power loss or OS crash can roll back the last transactions,
 * which leaves the database consistent (counts and offsets still agree),
 * just older (https://www.sqlite.org/pragma.html#pragma_synchronous,
 * https://www.sqlite.org/wal.html).  Older means those records are
 * counted again on restart.  That is the price of not calling fsync()
 * every second.
 *
 * WAL also lets `summary` read while `watch` writes: readers see the last
 * commit and never wait for the writer.  busy_timeout covers the short
 * moments (checkpoints, opening) when one must wait for the other.
 *
 * SQLite integers are signed 64-bit; dev, ino and offsets are stored as
 * their int64 bit patterns and converted back on reading.
 *
 * A failed change rolls back the whole open transaction, so that counts
 * and offsets can never be committed apart; further changes fail until
 * state_commit() reports the loss (-1).  The caller then starts again
 * from the offsets in state_files_load().
 */
#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "log.h"
#include "stamp.h"
#include "state.h"
#include "state_int.h"
#include "state_pm2.h"
#include "state_probe.h"
#include "xmalloc.h"

#define STATE_FILE		"omniwatch.db"
#define STATE_VERSION		6
#define STATE_BUSY_MS		5000	/* a checkpoint takes far less */
#define STATE_DIR_MODE		0750	/* logs' contents may be private */

static const char state_schema[] =
	"CREATE TABLE files ("
	" dev INTEGER NOT NULL,"
	" ino INTEGER NOT NULL,"
	" fp_len INTEGER NOT NULL,"
	" fp_crc INTEGER NOT NULL,"
	" offset INTEGER NOT NULL,"
	" path TEXT NOT NULL,"
	" updated_ms INTEGER NOT NULL,"
	" PRIMARY KEY (dev, ino));"
	"CREATE TABLE buckets ("
	" minute_ms INTEGER NOT NULL,"
	" pattern_set TEXT NOT NULL,"
	" app TEXT NOT NULL,"
	" stream TEXT NOT NULL,"
	" outcome TEXT NOT NULL,"
	" class TEXT NOT NULL,"
	" count INTEGER NOT NULL,"
	" first_ms INTEGER,"
	" last_ms INTEGER,"
	" PRIMARY KEY (minute_ms, pattern_set, app, stream, outcome, class));"
	"PRAGMA user_version = 1;";

/* Version 2: alerting.  Run on a new database after version 1's. */
static const char state_schema_v2[] =
	"CREATE TABLE alerts ("
	" name TEXT PRIMARY KEY,"
	" status TEXT NOT NULL,"
	" id TEXT NOT NULL,"
	" since_ms INTEGER NOT NULL,"
	" last_notified_ms INTEGER NOT NULL,"
	" streak INTEGER NOT NULL,"
	" last_success_ms INTEGER NOT NULL,"
	" last_failure_ms INTEGER NOT NULL,"
	" created_ms INTEGER NOT NULL);"
	"CREATE TABLE spool ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" receiver TEXT NOT NULL,"
	" alert TEXT NOT NULL,"
	" alert_id TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL,"
	" body BLOB NOT NULL);"
	"PRAGMA user_version = 2;";

/*
 * Version 3: what a rule needs to order its streak by stamp, to keep
 * firing, and the sample its notices carry after a restart (alert.c).  Run after version 2's.  ADD COLUMN with a constant
 * default only changes the schema, not the rows
 * (https://www.sqlite.org/lang_altertable.html), and 0 is "none" for each:
 * an upgraded streak is ended by any success, as before.
 */
static const char state_schema_v3[] =
	"ALTER TABLE alerts ADD COLUMN streak_since_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE alerts ADD COLUMN streak_floor_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE alerts ADD COLUMN keep_firing_since_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE alerts ADD COLUMN sample BLOB NOT NULL DEFAULT x'';"
	"PRAGMA user_version = 3;";

static const char state_sql_alert_save[] =
	"INSERT OR REPLACE INTO alerts (name, status, id, since_ms,"
	" last_notified_ms, streak, last_success_ms, last_failure_ms,"
	" created_ms, streak_since_ms, streak_floor_ms, keep_firing_since_ms,"
	" sample)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

static const char state_sql_alert_forget[] =
	"DELETE FROM alerts WHERE name = ?1";

static const char state_sql_spool_add[] =
	"INSERT INTO spool (receiver, alert, alert_id, status, created_ms,"
	" body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static const char state_sql_spool_remove[] =
	"DELETE FROM spool WHERE seq = ?1";

/*
 * first_ms and last_ms are NULL for a bucket of unstamped records; SQL's
 * min()/max() return NULL when one argument is, so each side falls back
 * to the other first.
 */
static const char state_sql_count[] =
	"INSERT INTO buckets (minute_ms, pattern_set, app, stream, outcome,"
	" class, count, first_ms, last_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	" ON CONFLICT (minute_ms, pattern_set, app, stream, outcome, class)"
	" DO UPDATE SET count = count + excluded.count,"
	" first_ms = min(coalesce(first_ms, excluded.first_ms),"
	"  coalesce(excluded.first_ms, first_ms)),"
	" last_ms = max(coalesce(last_ms, excluded.last_ms),"
	"  coalesce(excluded.last_ms, last_ms))";

static const char state_sql_file_save[] =
	"INSERT INTO files (dev, ino, fp_len, fp_crc, offset, path, updated_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	" ON CONFLICT (dev, ino) DO UPDATE SET fp_len = excluded.fp_len,"
	" fp_crc = excluded.fp_crc, offset = excluded.offset,"
	" path = excluded.path, updated_ms = excluded.updated_ms";

static const char state_sql_file_forget[] =
	"DELETE FROM files WHERE dev = ?1 AND ino = ?2";

static const char state_sql_files[] =
	"SELECT dev, ino, fp_len, fp_crc, offset, path, updated_ms FROM files"
	" ORDER BY path, dev, ino";

static const char state_sql_buckets[] =
	"SELECT minute_ms, pattern_set, app, stream, outcome, class, count,"
	" first_ms, last_ms FROM buckets"
	" WHERE (?1 IS NULL OR minute_ms >= ?1)"
	" AND (?2 IS NULL OR minute_ms < ?2)"
	" ORDER BY minute_ms, pattern_set, app, stream, outcome, class";

struct state {
	char		*path;		/* DIR/omniwatch.db, for messages */
	sqlite3		*db;
	bool		 read_only;
	bool		 in_txn;	/* BEGIN done, COMMIT not yet */
	bool		 is_failed;	/* a change failed: txn rolled back */
	sqlite3_stmt	*begin;
	sqlite3_stmt	*commit;
	sqlite3_stmt	*rollback;
	sqlite3_stmt	*count;
	sqlite3_stmt	*file_save;
	sqlite3_stmt	*file_forget;
	sqlite3_stmt	*files;
	sqlite3_stmt	*buckets;
	sqlite3_stmt	*alert_save;
	sqlite3_stmt	*alert_forget;
	sqlite3_stmt	*spool_add;
	sqlite3_stmt	*spool_remove;
	struct state_pm2 *pm2;		/* state_pm2.c's statements, or NULL */
};

/* ---------------------------------------------------------------------
 * Opening.
 */

/* mkdir -p DIR: each missing component with MODE. */
static int
state_mkdirs(const char *dir, mode_t mode, char **err)
{
	char *p;
	struct stat sb;

	if (dir[0] == '\0') {
		*err = xstrdup("state_dir is empty");
		return -1;
	}
	p = xstrdup(dir);
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char saved = *s;

			*s = '\0';
			if (mkdir(p, mode) != 0 && errno != EEXIST) {
				*err = xasprintf("%s: cannot create the state "
				    "directory: %s", p, strerror(errno));
				free(p);
				return -1;
			}
			*s = saved;
		}
		if (*s == '\0')
			break;
	}
	free(p);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		*err = xasprintf("%s: not a directory, cannot hold the state",
		    dir);
		return -1;
	}
	return 0;
}

/* Runs SQL (no results wanted); else *ERR names the file and why. */
static int
state_exec(struct state *st, const char *sql, const char *what, char **err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*err = xasprintf("%s: cannot %s: %s", st->path, what,
		    msg != NULL ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
state_user_version(struct state *st, int *version, char **err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot read the schema version: %s",
		    st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		*err = xasprintf("%s: cannot read the schema version: %s",
		    st->path, sqlite3_errmsg(st->db));
		sqlite3_finalize(stmt);
		return -1;
	}
	*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/* READ_ONLY also takes older versions: `summary` and `check` read only
 * the buckets and files, which every version has. */
static int
state_check_version(struct state *st, int version, bool read_only,
    char **err)
{
	if (version == STATE_VERSION || (read_only && version >= 1 &&
	    version < STATE_VERSION))
		return 0;
	if (version > STATE_VERSION)
		*err = xasprintf("%s: schema version %d is newer than this "
		    "omniwatch knows (%d); use the omniwatch that wrote it",
		    st->path, version, STATE_VERSION);
	else
		*err = xasprintf("%s: not an omniwatch state (schema version "
		    "%d); remove it or choose another state_dir", st->path,
		    version);
	return -1;
}

/* Creates the tables on first use, in one transaction with the version. */
static int
state_schema_init(struct state *st, char **err)
{
	int version;

	if (state_exec(st, "BEGIN IMMEDIATE", "lock the database", err) != 0)
		return -1;
	if (state_user_version(st, &version, err) != 0)
		goto fail;
	if (version == 0 && state_exec(st, state_schema, "create the tables",
	    err) != 0)
		goto fail;
	if ((version == 0 || version == 1) && state_exec(st, state_schema_v2,
	    "add the alerting tables", err) != 0)
		goto fail;
	if (version <= 2 && state_exec(st, state_schema_v3,
	    "add the alerts' streak and keep_firing_for columns", err) != 0)
		goto fail;
	if (version <= 3 && state_exec(st, state_pm2_schema,
	    "add the cluster instances' table", err) != 0)
		goto fail;
	if (version <= 4 && state_exec(st, state_pm2_schema_v5,
	    "add the PM2 daemon log's tables", err) != 0)
		goto fail;
	if (version <= 5 && state_exec(st, state_probe_schema,
	    "add the probes' table", err) != 0)
		goto fail;
	if (version > 5 && state_check_version(st, version, false, err) != 0)
		goto fail;
	if (state_exec(st, "COMMIT", "commit the tables", err) != 0)
		goto fail;
	return 0;

fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
state_prepare(struct state *st, const char *sql, sqlite3_stmt **stmt,
    char **err)
{
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    stmt, NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot prepare a statement: %s",
		    st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

static int
state_open_rw(struct state *st, const char *dir, char **err)
{
	sqlite3_stmt *stmt;
	const char *mode;

	if (state_mkdirs(dir, STATE_DIR_MODE, err) != 0)
		return -1;
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot open: %s", st->path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(st->db, STATE_BUSY_MS);
	/* journal_mode answers with the mode now in force: a database on a
	 * file system without shared memory stays in its old mode. */
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &stmt,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot set WAL mode: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		*err = xasprintf("%s: cannot set WAL mode: %s", st->path,
		    sqlite3_errmsg(st->db));
		sqlite3_finalize(stmt);
		return -1;
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		*err = xasprintf("%s: cannot set WAL mode: journal mode is "
		    "still %s", st->path, mode != NULL ? mode : "unknown");
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	if (state_exec(st, "PRAGMA synchronous = NORMAL", "set synchronous",
	    err) != 0)
		return -1;
	if (state_schema_init(st, err) != 0)
		return -1;
	if (state_prepare(st, "BEGIN IMMEDIATE", &st->begin, err) != 0 ||
	    state_prepare(st, "COMMIT", &st->commit, err) != 0 ||
	    state_prepare(st, "ROLLBACK", &st->rollback, err) != 0 ||
	    state_prepare(st, state_sql_count, &st->count, err) != 0 ||
	    state_prepare(st, state_sql_file_save, &st->file_save, err) != 0 ||
	    state_prepare(st, state_sql_file_forget, &st->file_forget,
	    err) != 0 ||
	    state_prepare(st, state_sql_alert_save, &st->alert_save, err) != 0 ||
	    state_prepare(st, state_sql_alert_forget, &st->alert_forget,
	    err) != 0 ||
	    state_prepare(st, state_sql_spool_add, &st->spool_add, err) != 0 ||
	    state_prepare(st, state_sql_spool_remove, &st->spool_remove,
	    err) != 0)
		return -1;
	return 0;
}

static int
state_open_ro(struct state *st, char **err)
{
	struct stat sb;
	int version;

	/* Read-only never creates: tell the user why there is nothing. */
	if (stat(st->path, &sb) != 0) {
		if (errno == ENOENT)
			*err = xasprintf("no state at %s: has omniwatch watch "
			    "run with this config?", st->path);
		else
			*err = xasprintf("%s: cannot open: %s", st->path,
			    strerror(errno));
		return -1;
	}
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READONLY,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot open: %s", st->path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(st->db, STATE_BUSY_MS);
	if (state_user_version(st, &version, err) != 0 ||
	    state_check_version(st, version, true, err) != 0)
		return -1;
	return 0;
}

struct state *
state_open(const char *dir, bool read_only, char **err)
{
	struct state *st = xcalloc(1, sizeof(*st));
	int rc;

	*err = NULL;
	st->path = xasprintf("%s/%s", dir, STATE_FILE);
	st->read_only = read_only;
	if (read_only)
		rc = state_open_ro(st, err);
	else
		rc = state_open_rw(st, dir, err);
	if (rc != 0)
		goto fail;
	if (state_prepare(st, state_sql_files, &st->files, err) != 0 ||
	    state_prepare(st, state_sql_buckets, &st->buckets, err) != 0)
		goto fail;
	return st;

fail:
	state_close(st);
	return NULL;
}

/* ---------------------------------------------------------------------
 * Changes.
 */

sqlite3 *
state_db(struct state *st)
{
	return st->db;
}

struct state_pm2 **
state_pm2_slot(struct state *st)
{
	return &st->pm2;
}

/* Logs what went wrong with WHAT, naming the file and SQLite's reason. */
void
state_log(struct state *st, const char *what)
{
	log_error("%s: cannot %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
}

/* Throws away the open transaction after a failed change. */
static void
state_fail(struct state *st, const char *what)
{
	state_log(st, what);
	if (!sqlite3_get_autocommit(st->db)) {
		sqlite3_reset(st->rollback);
		if (sqlite3_step(st->rollback) != SQLITE_DONE)
			state_log(st, "roll back");
		sqlite3_reset(st->rollback);
	}
	st->in_txn = false;
	st->is_failed = true;
}

/* Opens the write transaction unless one is open.  Returns 0 or -1. */
int
state_begin(struct state *st)
{
	int rc;

	if (st->read_only) {
		log_error("%s: opened read-only; cannot change it", st->path);
		return -1;
	}
	if (st->is_failed)
		return -1;
	if (st->in_txn)
		return 0;
	rc = sqlite3_step(st->begin);
	sqlite3_reset(st->begin);
	if (rc != SQLITE_DONE) {
		state_log(st, "begin a transaction");
		return -1;
	}
	st->in_txn = true;
	return 0;
}

/* Steps the bound change STMT; on failure throws the transaction away. */
int
state_change(struct state *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE) {
		state_fail(st, what);
		return -1;
	}
	return 0;
}

void
state_bind_stamp(sqlite3_stmt *stmt, int idx, int64_t ms)
{
	if (ms == STAMP_NONE)
		sqlite3_bind_null(stmt, idx);
	else
		sqlite3_bind_int64(stmt, idx, ms);
}

int
state_count(struct state *st, const struct state_count *c)
{
	sqlite3_stmt *s = st->count;

	if (state_begin(st) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, c->minute_ms);
	sqlite3_bind_text(s, 2, c->pattern_set, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, c->app, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, c->stream, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, c->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, c->class, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)c->count);
	state_bind_stamp(s, 8, c->first_ms);
	state_bind_stamp(s, 9, c->last_ms);
	return state_change(st, s, "count");
}

int
state_file_save(struct state *st, const struct state_file *f)
{
	sqlite3_stmt *s = st->file_save;

	if (state_begin(st) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)f->dev);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)f->ino);
	sqlite3_bind_int64(s, 3, f->fp_len);
	sqlite3_bind_int64(s, 4, f->fp_crc);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)f->offset);
	sqlite3_bind_text(s, 6, f->path != NULL ? f->path : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, f->updated_ms);
	return state_change(st, s, "save a file's offset");
}

int
state_file_forget(struct state *st, uint64_t dev, uint64_t ino)
{
	sqlite3_stmt *s = st->file_forget;

	if (state_begin(st) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)dev);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)ino);
	return state_change(st, s, "forget a file");
}

int
state_commit(struct state *st)
{
	int rc;

	if (st->is_failed) {
		/* Reported once more here, since the caller may have gone on
		 * counting after the failed change. */
		st->is_failed = false;
		return -1;
	}
	if (!st->in_txn)
		return 0;
	rc = sqlite3_step(st->commit);
	sqlite3_reset(st->commit);
	if (rc != SQLITE_DONE) {
		/* SQLite may keep the transaction open after a failed COMMIT
		 * (SQLITE_BUSY); it must not linger half-reported. */
		state_fail(st, "commit");
		st->is_failed = false;	/* reported now */
		return -1;
	}
	st->in_txn = false;
	return 0;
}

bool
state_is_dirty(const struct state *st)
{
	return st->in_txn || st->is_failed;
}

/* ---------------------------------------------------------------------
 * Reading.
 */

int
state_files_load(struct state *st, struct state_file **files, size_t *n)
{
	sqlite3_stmt *s = st->files;
	struct state_file *out = NULL;
	size_t len = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct state_file *f;
		const char *path;

		if (len == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			out = xreallocarray(out, cap, sizeof(*out));
		}
		f = &out[len++];
		f->dev = (uint64_t)sqlite3_column_int64(s, 0);
		f->ino = (uint64_t)sqlite3_column_int64(s, 1);
		f->fp_len = (uint32_t)sqlite3_column_int64(s, 2);
		f->fp_crc = (uint32_t)sqlite3_column_int64(s, 3);
		f->offset = (uint64_t)sqlite3_column_int64(s, 4);
		path = (const char *)sqlite3_column_text(s, 5);
		f->path = xstrdup(path != NULL ? path : "");
		f->updated_ms = sqlite3_column_int64(s, 6);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		state_log(st, "read the files");
		state_files_free(out, len);
		return -1;
	}
	*files = out;
	*n = len;
	return 0;
}

void
state_files_free(struct state_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i].path);
	free(files);
}

const char *
state_column_text(sqlite3_stmt *s, int col)
{
	const char *t = (const char *)sqlite3_column_text(s, col);

	return t != NULL ? t : "";
}

int64_t
state_column_stamp(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return STAMP_NONE;
	return sqlite3_column_int64(s, col);
}

int
state_buckets(struct state *st, int64_t since_ms, int64_t until_ms,
    void (*fn)(void *ctx, const struct state_count *c), void *ctx)
{
	sqlite3_stmt *s = st->buckets;
	int rc;

	state_bind_stamp(s, 1, since_ms);
	state_bind_stamp(s, 2, until_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct state_count c;

		c.minute_ms = sqlite3_column_int64(s, 0);
		c.pattern_set = state_column_text(s, 1);
		c.app = state_column_text(s, 2);
		c.stream = state_column_text(s, 3);
		c.outcome = state_column_text(s, 4);
		c.class = state_column_text(s, 5);
		c.count = (uint64_t)sqlite3_column_int64(s, 6);
		c.first_ms = state_column_stamp(s, 7);
		c.last_ms = state_column_stamp(s, 8);
		fn(ctx, &c);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		state_log(st, "read the counts");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Alerting: rule states and the notification spool.
 */

int
state_alert_save(struct state *st, const struct state_alert *a)
{
	sqlite3_stmt *s = st->alert_save;

	if (state_begin(st) != 0)
		return -1;
	sqlite3_bind_text(s, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, a->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, a->since_ms);
	sqlite3_bind_int64(s, 5, a->last_notified_ms);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)a->streak);
	sqlite3_bind_int64(s, 7, a->last_success_ms);
	sqlite3_bind_int64(s, 8, a->last_failure_ms);
	sqlite3_bind_int64(s, 9, a->created_ms);
	sqlite3_bind_int64(s, 10, a->streak_since_ms);
	sqlite3_bind_int64(s, 11, a->streak_floor_ms);
	sqlite3_bind_int64(s, 12, a->keep_firing_since_ms);
	sqlite3_bind_blob(s, 13, a->sample_len > 0 ? a->sample : "",
	    (int)a->sample_len, SQLITE_STATIC);
	return state_change(st, s, "save an alert's state");
}

int
state_alert_forget(struct state *st, const char *name)
{
	sqlite3_stmt *s = st->alert_forget;

	if (state_begin(st) != 0)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return state_change(st, s, "forget an alert");
}

/* A one-off query (read at start only): prepared, stepped, finalized. */
static sqlite3_stmt *
state_query(struct state *st, const char *sql, const char *what)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		state_log(st, what);
		return NULL;
	}
	return s;
}

int
state_alerts(struct state *st,
    void (*fn)(void *ctx, const struct state_alert *a), void *ctx)
{
	sqlite3_stmt *s = state_query(st, "SELECT name, status, id, since_ms,"
	    " last_notified_ms, streak, last_success_ms, last_failure_ms,"
	    " created_ms, streak_since_ms, streak_floor_ms,"
	    " keep_firing_since_ms, sample FROM alerts ORDER BY name",
	    "read the alerts");
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct state_alert a;

		a.name = state_column_text(s, 0);
		a.status = state_column_text(s, 1);
		a.id = state_column_text(s, 2);
		a.since_ms = sqlite3_column_int64(s, 3);
		a.last_notified_ms = sqlite3_column_int64(s, 4);
		a.streak = (uint64_t)sqlite3_column_int64(s, 5);
		a.last_success_ms = sqlite3_column_int64(s, 6);
		a.last_failure_ms = sqlite3_column_int64(s, 7);
		a.created_ms = sqlite3_column_int64(s, 8);
		a.streak_since_ms = sqlite3_column_int64(s, 9);
		a.streak_floor_ms = sqlite3_column_int64(s, 10);
		a.keep_firing_since_ms = sqlite3_column_int64(s, 11);
		a.sample = sqlite3_column_blob(s, 12);
		a.sample_len = (size_t)sqlite3_column_bytes(s, 12);
		fn(ctx, &a);
	}
	if (rc != SQLITE_DONE)
		state_log(st, "read the alerts");
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
state_spool_add(struct state *st, struct state_notice *n)
{
	sqlite3_stmt *s = st->spool_add;

	if (state_begin(st) != 0)
		return -1;
	sqlite3_bind_text(s, 1, n->receiver, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, n->alert, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, n->alert_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, n->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, n->created_ms);
	sqlite3_bind_blob64(s, 6, n->body, n->len, SQLITE_STATIC);
	if (state_change(st, s, "queue a notification") != 0)
		return -1;
	n->seq = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
state_spool_remove(struct state *st, int64_t seq)
{
	sqlite3_stmt *s = st->spool_remove;

	if (state_begin(st) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, seq);
	return state_change(st, s, "remove a notification");
}

int
state_spool(struct state *st,
    void (*fn)(void *ctx, const struct state_notice *n), void *ctx)
{
	sqlite3_stmt *s = state_query(st, "SELECT seq, receiver, alert,"
	    " alert_id, status, created_ms, body FROM spool ORDER BY seq",
	    "read the notification spool");
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct state_notice n;

		n.seq = sqlite3_column_int64(s, 0);
		n.receiver = state_column_text(s, 1);
		n.alert = state_column_text(s, 2);
		n.alert_id = state_column_text(s, 3);
		n.status = state_column_text(s, 4);
		n.created_ms = sqlite3_column_int64(s, 5);
		n.body = sqlite3_column_blob(s, 6);
		n.len = (size_t)sqlite3_column_bytes(s, 6);
		if (n.body == NULL)
			n.body = "";
		fn(ctx, &n);
	}
	if (rc != SQLITE_DONE)
		state_log(st, "read the notification spool");
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
state_last_outcome(struct state *st, const char *set, const char *outcome,
    int64_t *ms)
{
	sqlite3_stmt *s = state_query(st, "SELECT max(coalesce(last_ms,"
	    " minute_ms)) FROM buckets WHERE pattern_set = ?1 AND outcome = ?2",
	    "read the last outcome");
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, set, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, outcome, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	*ms = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL ?
	    sqlite3_column_int64(s, 0) : STAMP_NONE;
	if (rc != SQLITE_ROW)
		state_log(st, "read the last outcome");
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

void
state_close(struct state *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->begin);
	sqlite3_finalize(st->commit);
	sqlite3_finalize(st->rollback);
	sqlite3_finalize(st->count);
	sqlite3_finalize(st->file_save);
	sqlite3_finalize(st->file_forget);
	sqlite3_finalize(st->files);
	sqlite3_finalize(st->buckets);
	sqlite3_finalize(st->alert_save);
	sqlite3_finalize(st->alert_forget);
	sqlite3_finalize(st->spool_add);
	sqlite3_finalize(st->spool_remove);
	state_pm2_release(st->pm2);
	if (st->db != NULL) {
		/* Anything not committed is dropped on purpose: it is
		 * exactly what a kill -9 at this point would lose. */
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		if (sqlite3_close(st->db) != SQLITE_OK)
			log_error("%s: cannot close: %s", st->path,
			    sqlite3_errmsg(st->db));
	}
	free(st->path);
	free(st);
}

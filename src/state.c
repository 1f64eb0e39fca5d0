/*
 * state: see state.h.  One SQLite connection (opened by state_schema.c),
 * its statements prepared once at open, and the journal of changes
 * (state_journal.h) that state_commit() writes in one transaction.
 *
 * A change is only noted in the journal; nothing touches the database
 * until the commit: BEGIN IMMEDIATE, every change in order, COMMIT.  When
 * any step fails (SQLITE_FULL on a full disk, SQLITE_IOERR, SQLITE_BUSY,
 * SQLITE_READONLY...), the transaction is rolled back, the database is
 * exactly as before, and the journal is kept whole for the next commit,
 * which takes everything; so counts and the offsets past their records
 * can never be committed apart, nor lost.  The failure is logged once,
 * its end once.
 *
 * SQLite integers are signed 64-bit; dev, ino and offsets are stored as
 * their int64 bit patterns and converted back on reading.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "path.h"
#include "stamp.h"
#include "state.h"
#include "state_int.h"
#include "state_pm2.h"
#include "state_probe.h"
#include "xmalloc.h"

static const char state_sql_alert_save[] =
	"INSERT OR REPLACE INTO alerts (name, status, id, since_ms,"
	" last_notified_ms, streak, last_success_ms, last_failure_ms,"
	" created_ms, streak_since_ms, streak_floor_ms, keep_firing_since_ms,"
	" sample)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

static const char state_sql_alert_forget[] =
	"DELETE FROM alerts WHERE name = ?1";

/* The seq is ours (state_spool_add), so that a notice keeps it across a
 * failed commit; AUTOINCREMENT still remembers the highest one. */
static const char state_sql_spool_add[] =
	"INSERT INTO spool (receiver, alert, alert_id, status, created_ms,"
	" body, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

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
	"INSERT INTO files (dev, ino, fp_len, fp_crc, offset, path, updated_ms,"
	" at_offset, at_len, at_crc)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	" ON CONFLICT (dev, ino) DO UPDATE SET fp_len = excluded.fp_len,"
	" fp_crc = excluded.fp_crc, offset = excluded.offset,"
	" path = excluded.path, updated_ms = excluded.updated_ms,"
	" at_offset = excluded.at_offset, at_len = excluded.at_len,"
	" at_crc = excluded.at_crc";

static const char state_sql_file_forget[] =
	"DELETE FROM files WHERE dev = ?1 AND ino = ?2";

static const char state_sql_files[] =
	"SELECT dev, ino, fp_len, fp_crc, offset, path, updated_ms, at_offset,"
	" at_len, at_crc FROM files"
	" ORDER BY path, dev, ino";
/* The same of a state before version 7, read only: where each file's
 * text was last seen is not known. */
static const char state_sql_files_v1[] =
	"SELECT dev, ino, fp_len, fp_crc, offset, path, updated_ms, 0, 0, 0"
	" FROM files ORDER BY path, dev, ino";

static const char state_sql_buckets[] =
	"SELECT minute_ms, pattern_set, app, stream, outcome, class, count,"
	" first_ms, last_ms FROM buckets"
	" WHERE (?1 IS NULL OR minute_ms >= ?1)"
	" AND (?2 IS NULL OR minute_ms < ?2)"
	" ORDER BY minute_ms, pattern_set, app, stream, outcome, class";

/* ---------------------------------------------------------------------
 * Opening.
 */

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

/* The last seq a notice was given, so that ours go on from it. */
static int
state_spool_seq(struct state *st, char **err)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT max(coalesce((SELECT seq FROM"
	    " sqlite_sequence WHERE name = 'spool'), 0),"
	    " coalesce((SELECT max(seq) FROM spool), 0))", -1, &s,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot read the spool: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		st->spool_seq = sqlite3_column_int64(s, 0);
	else
		*err = xasprintf("%s: cannot read the spool: %s", st->path,
		    sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int
state_prepare_changes(struct state *st, char **err)
{
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
	return state_spool_seq(st, err);
}

static const char *state_damage_hint(struct state *st);

struct state *
state_open(const char *dir, bool read_only, char **err)
{
	struct state *st = xcalloc(1, sizeof(*st));

	*err = NULL;
	st->path = path_join(dir, STATE_FILE);
	st->read_only = read_only;
	if (state_schema_open(st, dir, err) != 0)
		goto fail;
	if (!read_only && state_prepare_changes(st, err) != 0)
		goto fail;
	if (state_prepare(st, st->version >= 7 ? state_sql_files :
	    state_sql_files_v1, &st->files, err) != 0 ||
	    state_prepare(st, state_sql_buckets, &st->buckets, err) != 0)
		goto fail;
	return st;

fail:
	if (*err != NULL && *state_damage_hint(st) != '\0') {
		char *with = xasprintf("%s%s", *err, state_damage_hint(st));

		free(*err);
		*err = with;
	}
	state_close(st);
	return NULL;
}

/* ---------------------------------------------------------------------
 * Changes: noted in the journal, written by state_commit().
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

/*
 * What to do when ST's last error says its file is damaged
 * (SQLITE_CORRUPT, SQLITE_NOTADB), to follow SQLite's reason: a damaged
 * file does not mend, and the error alone left the user with nothing to
 * do (tester12).  "" otherwise.
 */
static const char *
state_damage_hint(struct state *st)
{
	int rc = st->db != NULL ? sqlite3_extended_errcode(st->db) & 0xff :
	    SQLITE_OK;

	if (rc != SQLITE_CORRUPT && rc != SQLITE_NOTADB)
		return "";
	return "; the state is damaged: move it aside (mv omniwatch.db "
	    "omniwatch.db.damaged) and start watch again, which counts the "
	    "logs as on a first run; the counts, alert states and queued "
	    "notifications in it are lost";
}

/* Logs what went wrong with WHAT, naming the file and SQLite's reason. */
void
state_log(struct state *st, const char *what)
{
	log_error("%s: cannot %s: %s%s", st->path, what,
	    sqlite3_errmsg(st->db), state_damage_hint(st));
}

struct state_journal *
state_journal_of(struct state *st)
{
	if (st->read_only) {
		log_error("%s: opened read-only; cannot change it", st->path);
		return NULL;
	}
	return &st->journal;
}

int
state_queue(struct state *st, const struct state_custom *op)
{
	struct state_journal *j = state_journal_of(st);

	if (j == NULL) {
		op->release(op->payload);
		return -1;
	}
	state_journal_custom(j, op);
	return 0;
}

int
state_change(struct state *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE) {
		log_debug("%s: cannot %s: %s", st->path, what,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

void
state_bind_count(sqlite3_stmt *s, const struct state_count *c)
{
	state_bind(s, "i ttttt i ss", c->minute_ms, c->pattern_set, c->app,
	    c->stream, c->outcome, c->class, (int64_t)c->count, c->first_ms,
	    c->last_ms);
}

void
state_column_count(sqlite3_stmt *s, struct state_count *c)
{
	state_columns(s, "i ttttt u ss", &c->minute_ms, &c->pattern_set,
	    &c->app, &c->stream, &c->outcome, &c->class, &c->count,
	    &c->first_ms, &c->last_ms);
}

int
state_count(struct state *st, const struct state_count *c)
{
	struct state_journal *j = state_journal_of(st);

	if (j == NULL)
		return -1;
	state_journal_count(j, c, -1);
	return 0;
}

int
state_file_save(struct state *st, const struct state_file *f)
{
	struct state_journal *j = state_journal_of(st);

	if (j == NULL)
		return -1;
	state_journal_file_save(j, f);
	return 0;
}

int
state_file_forget(struct state *st, uint64_t dev, uint64_t ino)
{
	struct state_journal *j = state_journal_of(st);

	if (j == NULL)
		return -1;
	state_journal_file_forget(j, dev, ino);
	return 0;
}

int
state_alert_save(struct state *st, const struct state_alert *a)
{
	struct state_journal *j = state_journal_of(st);

	if (j == NULL)
		return -1;
	state_journal_alert_save(j, a);
	return 0;
}

int
state_alert_forget(struct state *st, const char *name)
{
	struct state_journal *j = state_journal_of(st);

	if (j == NULL)
		return -1;
	state_journal_alert_forget(j, name);
	return 0;
}

int
state_spool_add(struct state *st, struct state_notice *n)
{
	struct state_journal *j = state_journal_of(st);

	if (j == NULL)
		return -1;
	n->seq = ++st->spool_seq;
	state_journal_spool_add(j, n);
	return 0;
}

int
state_spool_remove(struct state *st, int64_t seq)
{
	struct state_journal *j = state_journal_of(st);

	if (j == NULL)
		return -1;
	state_journal_spool_remove(j, seq);
	return 0;
}

/* Writes OP with its prepared statement.  Returns 0 or -1. */
static int
state_write(struct state *st, const struct state_op *op)
{
	const struct state_count *c = &op->u.count;
	const struct state_file *f = &op->u.file;
	const struct state_alert *a = &op->u.alert;
	const struct state_notice *n = &op->u.notice;
	sqlite3_stmt *s;

	switch (op->kind) {
	case STATE_OP_COUNT:
		if (op->instance >= 0)
			return state_pm2_write_count(st, c, op->instance);
		s = st->count;
		state_bind_count(s, c);
		return state_change(st, s, "count");
	case STATE_OP_FILE_SAVE:
		s = st->file_save;
		state_bind(s, "iiiii ti iii", (int64_t)f->dev, (int64_t)f->ino,
		    (int64_t)f->fp_len, (int64_t)f->fp_crc, (int64_t)f->offset,
		    f->path, f->updated_ms, (int64_t)f->at_offset,
		    (int64_t)f->at_len, (int64_t)f->at_crc);
		return state_change(st, s, "save a file's offset");
	case STATE_OP_FILE_FORGET:
		s = st->file_forget;
		state_bind(s, "ii", (int64_t)f->dev, (int64_t)f->ino);
		return state_change(st, s, "forget a file");
	case STATE_OP_ALERT_SAVE:
		s = st->alert_save;
		state_bind(s, "ttt iiii ii iii b", a->name, a->status, a->id,
		    a->since_ms, a->last_notified_ms, (int64_t)a->streak,
		    a->last_success_ms, a->last_failure_ms, a->created_ms,
		    a->streak_since_ms, a->streak_floor_ms,
		    a->keep_firing_since_ms, (const void *)a->sample,
		    a->sample_len);
		return state_change(st, s, "save an alert's state");
	case STATE_OP_ALERT_FORGET:
		s = st->alert_forget;
		sqlite3_bind_text(s, 1, a->name, -1, SQLITE_STATIC);
		return state_change(st, s, "forget an alert");
	case STATE_OP_SPOOL_ADD:
		s = st->spool_add;
		state_bind(s, "tttt i b i", n->receiver, n->alert, n->alert_id,
		    n->status, n->created_ms, (const void *)n->body, n->len,
		    n->seq);
		return state_change(st, s, "queue a notification");
	case STATE_OP_SPOOL_REMOVE:
		s = st->spool_remove;
		sqlite3_bind_int64(s, 1, n->seq);
		return state_change(st, s, "remove a notification");
	case STATE_OP_CUSTOM:
		return op->u.custom.write(st, op->u.custom.payload);
	}
	return -1;
}

/* Steps a statement that takes no bindings (BEGIN, COMMIT, ROLLBACK). */
static int
state_step(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
state_commit(struct state *st)
{
	struct state_journal *j = &st->journal;
	const char *what = "begin a transaction";
	size_t i = 0;

	if (j->nops == 0)
		return 0;
	if (state_step(st->begin) == 0) {
		what = "write the changes";
		for (i = 0; i < j->nops; i++)
			if (state_write(st, &j->ops[i]) != 0)
				break;
		if (i == j->nops) {
			what = "commit";
			if (state_step(st->commit) == 0) {
				if (st->is_failing)
					log_warnx("%s: committed again: the %zu "
					    "changes kept since the failure "
					    "are saved", st->path, j->nops);
				st->is_failing = false;
				state_journal_clear(j);
				return 0;
			}
		}
	}
	/* SQLite may keep the transaction open after a failed step or
	 * COMMIT (SQLITE_BUSY, SQLITE_FULL): it must not linger. */
	if (!st->is_failing)
		log_error("%s: cannot %s: %s; the counts, offsets and "
		    "notifications since the last commit are kept and retried",
		    st->path, what, sqlite3_errmsg(st->db));
	else
		log_debug("%s: cannot %s again: %s", st->path, what,
		    sqlite3_errmsg(st->db));
	st->is_failing = true;
	if (!sqlite3_get_autocommit(st->db) && state_step(st->rollback) != 0)
		log_debug("%s: cannot roll back: %s", st->path,
		    sqlite3_errmsg(st->db));
	return -1;
}

bool
state_is_dirty(const struct state *st)
{
	return st->journal.nops > 0;
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
		int64_t fp_len, fp_crc, at_len, at_crc;

		if (len == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			out = xreallocarray(out, cap, sizeof(*out));
		}
		f = &out[len++];
		state_columns(s, "uuiiu ti uii", &f->dev, &f->ino, &fp_len,
		    &fp_crc, &f->offset, &path, &f->updated_ms, &f->at_offset,
		    &at_len, &at_crc);
		f->fp_len = (uint32_t)fp_len;
		f->fp_crc = (uint32_t)fp_crc;
		f->at_len = (uint32_t)at_len;
		f->at_crc = (uint32_t)at_crc;
		f->path = xstrdup(path);
	}
	if (state_rows_end(st, s, rc, true, "read the files") != 0) {
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

		state_column_count(s, &c);
		fn(ctx, &c);
	}
	return state_rows_end(st, s, rc, true, "read the counts");
}

/* ---------------------------------------------------------------------
 * Alerting: rule states and the notification spool.
 */

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

		const void *sample;

		state_columns(s, "ttt iiui ii iii b", &a.name, &a.status, &a.id,
		    &a.since_ms, &a.last_notified_ms, &a.streak,
		    &a.last_success_ms, &a.last_failure_ms, &a.created_ms,
		    &a.streak_since_ms, &a.streak_floor_ms,
		    &a.keep_firing_since_ms, &sample, &a.sample_len);
		a.sample = sample;
		fn(ctx, &a);
	}
	return state_rows_end(st, s, rc, false, "read the alerts");
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

		const void *body;

		state_columns(s, "i tttt i b", &n.seq, &n.receiver, &n.alert,
		    &n.alert_id, &n.status, &n.created_ms, &body, &n.len);
		n.body = body != NULL ? body : "";
		fn(ctx, &n);
	}
	return state_rows_end(st, s, rc, false, "read the notification spool");
}

int64_t
state_minute_at(int64_t minute_ms, int64_t now_ms)
{
	return minute_ms + 59999 < now_ms ? minute_ms + 59999 : now_ms;
}

int64_t
state_count_at(const struct state_count *c, int64_t now_ms)
{
	return c->last_ms != STAMP_NONE ? c->last_ms :
	    state_minute_at(c->minute_ms, now_ms);
}

int
state_last_outcome(struct state *st, const char *set, const char *outcome,
    int64_t now_ms, int64_t *ms)
{
	/* The latest stamp, and the latest minute with unstamped records:
	 * those are placed by state_minute_at(), not here. */
	sqlite3_stmt *s = state_query(st, "SELECT max(last_ms),"
	    " max(CASE WHEN last_ms IS NULL THEN minute_ms END) FROM buckets"
	    " WHERE pattern_set = ?1 AND outcome = ?2",
	    "read the last outcome");
	int64_t stamped = STAMP_NONE, minute;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, set, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, outcome, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	*ms = STAMP_NONE;
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_NULL)
			stamped = *ms = sqlite3_column_int64(s, 0);
		if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
			minute = state_minute_at(sqlite3_column_int64(s, 1),
			    now_ms);
			if (stamped == STAMP_NONE || minute > stamped)
				*ms = minute;
		}
	} else
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
	/* Anything not committed is dropped on purpose: it is exactly what
	 * a kill -9 at this point would lose, and the offsets go with it. */
	state_journal_clear(&st->journal);
	if (st->db != NULL) {
		if (sqlite3_close(st->db) != SQLITE_OK)
			log_error("%s: cannot close: %s", st->path,
			    sqlite3_errmsg(st->db));
	}
	free(st->path);
	free(st);
}

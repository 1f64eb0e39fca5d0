/*
 * state_meta: facts about watch itself, kept in the state beside the
 * offsets and committed with them: "first_start_ms" (watch has started
 * on this state before, so tail.start_at no longer applies) and
 * "last_commit_ms" (a copy with a later mtime holds text no commit has
 * counted; tail_resume.c).  The meta table is created on first write:
 * older versions ignore a table they do not know, so it needs no schema
 * version and a state moved back to an older omniwatch still opens.
 */
#include "autoconf.h"

#include <sqlite3.h>

#include "state_int.h"

int
state_meta_set(struct state *st, const char *key, int64_t value)
{
	sqlite3 *db = state_db(st);
	sqlite3_stmt *s;
	int rc;

	if (state_begin(st) != 0)
		return -1;
	if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS meta ("
	    " key TEXT PRIMARY KEY, value INTEGER NOT NULL)", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta (key, value)"
	    " VALUES (?1, ?2)", -1, &s, NULL) != SQLITE_OK) {
		state_log(st, "save a fact about watch");
		return -1;
	}
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, value);
	rc = state_change(st, s, "save a fact about watch");
	sqlite3_finalize(s);
	return rc;
}

int
state_meta_get(struct state *st, const char *key, int64_t *value)
{
	sqlite3_stmt *s;
	int rc;

	/* No table yet: a state no watch of this version has written. */
	if (sqlite3_prepare_v2(state_db(st), "SELECT value FROM meta"
	    " WHERE key = ?1", -1, &s, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		state_log(st, "read a fact about watch");
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* The copies watch has read (tail_copy.c), created on first write. */
static const char state_copies_schema[] =
	"CREATE TABLE IF NOT EXISTS copies_read ("
	" dev INTEGER NOT NULL, ino INTEGER NOT NULL,"
	" size INTEGER NOT NULL, head_crc INTEGER NOT NULL,"
	" read_ms INTEGER NOT NULL,"
	" PRIMARY KEY (dev, ino))";

int
state_copy_read_save(struct state *st, uint64_t dev, uint64_t ino,
    uint64_t size, uint32_t head_crc, int64_t now_ms)
{
	sqlite3 *db = state_db(st);
	sqlite3_stmt *s;
	int rc;

	if (state_begin(st) != 0)
		return -1;
	if (sqlite3_exec(db, state_copies_schema, NULL, NULL, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO copies_read"
	    " (dev, ino, size, head_crc, read_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
	    -1, &s,
	    NULL) != SQLITE_OK) {
		state_log(st, "save a copy read");
		return -1;
	}
	sqlite3_bind_int64(s, 1, (sqlite3_int64)dev);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)ino);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)size);
	sqlite3_bind_int64(s, 4, head_crc);
	sqlite3_bind_int64(s, 5, now_ms);
	rc = state_change(st, s, "save a copy read");
	sqlite3_finalize(s);
	return rc;
}

int
state_copy_read_get(struct state *st, uint64_t dev, uint64_t ino,
    uint64_t *size, uint32_t *head_crc)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(state_db(st), "SELECT size, head_crc FROM copies_read"
	    " WHERE dev = ?1 AND ino = ?2", -1, &s, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)dev);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)ino);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*size = (uint64_t)sqlite3_column_int64(s, 0);
		*head_crc = (uint32_t)sqlite3_column_int64(s, 1);
	} else if (rc != SQLITE_DONE)
		state_log(st, "read a copy read");
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
state_copies_read_prune(struct state *st, int64_t before_ms)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(state_db(st), "DELETE FROM copies_read"
	    " WHERE read_ms < ?1", -1, &s, NULL) != SQLITE_OK)
		return 0;	/* no table yet: nothing to prune */
	if (state_begin(st) != 0) {
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_bind_int64(s, 1, before_ms);
	rc = state_change(st, s, "forget old copies read");
	sqlite3_finalize(s);
	return rc;
}

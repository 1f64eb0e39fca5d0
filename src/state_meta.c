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

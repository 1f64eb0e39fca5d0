/*
 * state_pm2: see state_pm2.h.  Its statements are prepared on first use
 * and kept beside state.c's (state_pm2_slot), so that a state opened only
 * to read buckets never prepares them, and an older state read by
 * `summary` (no version 4 tables) is told apart from a broken one.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stamp.h"
#include "state_int.h"
#include "state_pm2.h"
#include "xmalloc.h"

const char state_pm2_schema[] =
	"CREATE TABLE instance_buckets ("
	" minute_ms INTEGER NOT NULL,"
	" pattern_set TEXT NOT NULL,"
	" app TEXT NOT NULL,"
	" instance INTEGER NOT NULL,"
	" stream TEXT NOT NULL,"
	" outcome TEXT NOT NULL,"
	" class TEXT NOT NULL,"
	" count INTEGER NOT NULL,"
	" first_ms INTEGER,"
	" last_ms INTEGER,"
	" PRIMARY KEY (minute_ms, pattern_set, app, instance, stream, outcome,"
	" class));"
	"PRAGMA user_version = 4;";

/* As state.c's count: a NULL stamp falls back to the other side. */
static const char state_pm2_sql_count[] =
	"INSERT INTO instance_buckets (minute_ms, pattern_set, app, instance,"
	" stream, outcome, class, count, first_ms, last_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	" ON CONFLICT (minute_ms, pattern_set, app, instance, stream, outcome,"
	" class) DO UPDATE SET count = count + excluded.count,"
	" first_ms = min(coalesce(first_ms, excluded.first_ms),"
	"  coalesce(excluded.first_ms, first_ms)),"
	" last_ms = max(coalesce(last_ms, excluded.last_ms),"
	"  coalesce(excluded.last_ms, last_ms))";

static const char state_pm2_sql_buckets[] =
	"SELECT minute_ms, pattern_set, app, instance, stream, outcome, class,"
	" count, first_ms, last_ms FROM instance_buckets"
	" WHERE (?1 IS NULL OR minute_ms >= ?1)"
	" AND (?2 IS NULL OR minute_ms < ?2)"
	" ORDER BY minute_ms, pattern_set, app, instance, stream, outcome,"
	" class";

struct state_pm2 {
	sqlite3_stmt	*count;
	sqlite3_stmt	*buckets;
};

void
state_pm2_release(struct state_pm2 *p)
{
	if (p == NULL)
		return;
	sqlite3_finalize(p->count);
	sqlite3_finalize(p->buckets);
	free(p);
}

/* The statement in *SLOT, prepared from SQL on first use; NULL (logged)
 * when it cannot be. */
static sqlite3_stmt *
state_pm2_stmt(struct state *st, sqlite3_stmt **slot, const char *sql)
{
	if (*slot == NULL && sqlite3_prepare_v3(state_db(st), sql, -1,
	    SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		state_log(st, "prepare a statement of the PM2 tables");
		*slot = NULL;
	}
	return *slot;
}

static struct state_pm2 *
state_pm2_of(struct state *st)
{
	struct state_pm2 **slot = state_pm2_slot(st);

	if (*slot == NULL)
		*slot = xcalloc(1, sizeof(**slot));
	return *slot;
}

/* Does the state have table NAME (a version 4 state)? */
static bool
state_pm2_has_table(struct state *st, const char *name)
{
	sqlite3_stmt *s;
	bool found = false;

	if (sqlite3_prepare_v2(state_db(st), "SELECT 1 FROM sqlite_master"
	    " WHERE type = 'table' AND name = ?1", -1, &s, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

int
state_instance_count(struct state *st, const struct state_count *c,
    int instance)
{
	struct state_pm2 *p = state_pm2_of(st);
	sqlite3_stmt *s;

	if (state_begin(st) != 0)
		return -1;
	s = state_pm2_stmt(st, &p->count, state_pm2_sql_count);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, c->minute_ms);
	sqlite3_bind_text(s, 2, c->pattern_set, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, c->app, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, instance);
	sqlite3_bind_text(s, 5, c->stream, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, c->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, c->class, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)c->count);
	state_bind_stamp(s, 9, c->first_ms);
	state_bind_stamp(s, 10, c->last_ms);
	return state_change(st, s, "count an instance");
}

int
state_instance_buckets(struct state *st, int64_t since_ms, int64_t until_ms,
    void (*fn)(void *ctx, const struct state_count *c, int instance),
    void *ctx)
{
	struct state_pm2 *p;
	sqlite3_stmt *s;
	int rc;

	if (!state_pm2_has_table(st, "instance_buckets"))
		return 0;
	p = state_pm2_of(st);
	s = state_pm2_stmt(st, &p->buckets, state_pm2_sql_buckets);
	if (s == NULL)
		return -1;
	state_bind_stamp(s, 1, since_ms);
	state_bind_stamp(s, 2, until_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct state_count c;

		c.minute_ms = sqlite3_column_int64(s, 0);
		c.pattern_set = state_column_text(s, 1);
		c.app = state_column_text(s, 2);
		c.stream = state_column_text(s, 4);
		c.outcome = state_column_text(s, 5);
		c.class = state_column_text(s, 6);
		c.count = (uint64_t)sqlite3_column_int64(s, 7);
		c.first_ms = state_column_stamp(s, 8);
		c.last_ms = state_column_stamp(s, 9);
		fn(ctx, &c, sqlite3_column_int(s, 3));
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		state_log(st, "read the instance counts");
		return -1;
	}
	return 0;
}

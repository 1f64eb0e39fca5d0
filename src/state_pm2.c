/*
 * state_pm2: see state_pm2.h.  Its statements are prepared on first use
 * and kept beside state.c's (state_pm2_slot), so that a state opened only
 * to read buckets never prepares them, and an older state read by
 * `summary` (no version 4 tables) is told apart from a broken one.
 */
#include "autoconf.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stamp.h"
#include "state_int.h"
#include "state_pm2.h"
#include "xmalloc.h"

const char state_pm2_schema[] =
	"CREATE TABLE instance_buckets ("
	STATE_SQL_COUNT_WHO
	" instance INTEGER NOT NULL,"
	STATE_SQL_COUNT_WHAT
	" PRIMARY KEY (minute_ms, pattern_set, app, instance, stream, outcome,"
	" class));"
	"PRAGMA user_version = 4;";

const char state_pm2_schema_v5[] =
	"CREATE TABLE pm2_events ("
	" minute_ms INTEGER NOT NULL,"
	" app TEXT NOT NULL,"
	" instance INTEGER NOT NULL,"
	" event TEXT NOT NULL,"
	" count INTEGER NOT NULL,"
	" PRIMARY KEY (minute_ms, app, instance, event));"
	"CREATE TABLE pm2_instances ("
	" home TEXT NOT NULL,"
	" app TEXT NOT NULL,"
	" instance INTEGER NOT NULL,"
	" mode TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" since_ms INTEGER,"
	" started INTEGER NOT NULL,"
	" PRIMARY KEY (home, app, instance));"
	"PRAGMA user_version = 5;";

static const char state_pm2_sql_event[] =
	"INSERT INTO pm2_events (minute_ms, app, instance, event, count)"
	" VALUES (?1, ?2, ?3, ?4, ?5)"
	" ON CONFLICT (minute_ms, app, instance, event)"
	" DO UPDATE SET count = count + excluded.count";

static const char state_pm2_sql_events[] =
	"SELECT minute_ms, app, instance, event, count FROM pm2_events"
	" WHERE (?1 IS NULL OR minute_ms >= ?1)"
	" AND (?2 IS NULL OR minute_ms < ?2)"
	" ORDER BY minute_ms, app, instance, event";

static const char state_pm2_sql_instance_save[] =
	"INSERT OR REPLACE INTO pm2_instances (home, app, instance, mode,"
	" state, since_ms, started) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

static const char state_pm2_sql_instances[] =
	"SELECT home, app, instance, mode, state, since_ms, started"
	" FROM pm2_instances WHERE (?1 IS NULL OR home = ?1)"
	" ORDER BY home, app, instance";

/* As state.c's count (the same ?1 to ?9, state_bind_count), and the
 * instance: a NULL stamp falls back to the other side. */
static const char state_pm2_sql_count[] =
	"INSERT INTO instance_buckets (minute_ms, pattern_set, app, stream,"
	" outcome, class, count, first_ms, last_ms, instance)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	" ON CONFLICT (minute_ms, pattern_set, app, instance, stream, outcome,"
	" class) DO UPDATE SET count = count + excluded.count,"
	" first_ms = min(coalesce(first_ms, excluded.first_ms),"
	"  coalesce(excluded.first_ms, first_ms)),"
	" last_ms = max(coalesce(last_ms, excluded.last_ms),"
	"  coalesce(excluded.last_ms, last_ms))";

static const char state_pm2_sql_buckets[] =
	"SELECT minute_ms, pattern_set, app, stream, outcome, class, count,"
	" first_ms, last_ms, instance FROM instance_buckets"
	" WHERE (?1 IS NULL OR minute_ms >= ?1)"
	" AND (?2 IS NULL OR minute_ms < ?2)"
	" ORDER BY minute_ms, pattern_set, app, instance, stream, outcome,"
	" class";

struct state_pm2 {
	sqlite3_stmt	*count;
	sqlite3_stmt	*buckets;
	sqlite3_stmt	*event;
	sqlite3_stmt	*events;
	sqlite3_stmt	*instance_save;
	sqlite3_stmt	*instances;
};

void
state_pm2_release(struct state_pm2 *p)
{
	if (p == NULL)
		return;
	sqlite3_finalize(p->count);
	sqlite3_finalize(p->buckets);
	sqlite3_finalize(p->event);
	sqlite3_finalize(p->events);
	sqlite3_finalize(p->instance_save);
	sqlite3_finalize(p->instances);
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

/*
 * The kept statement of a read of TABLE, in the struct state_pm2 at
 * offset SLOT, prepared from SQL on first use.  Returns 1 with *S set, 0
 * when the state is older than TABLE (nothing to read), or -1 (logged).
 */
static int
state_pm2_reader(struct state *st, const char *table, size_t slot,
    const char *sql, sqlite3_stmt **s)
{
	if (!state_has_table(st, table))
		return 0;
	*s = state_pm2_stmt(st, (sqlite3_stmt **)((char *)state_pm2_of(st) +
	    slot), sql);
	return *s != NULL ? 1 : -1;
}

int
state_instance_count(struct state *st, const struct state_count *c,
    int instance)
{
	struct state_journal *j = state_journal_of(st);

	if (j == NULL)
		return -1;
	state_journal_count(j, c, instance);
	return 0;
}

int
state_pm2_write_count(struct state *st, const struct state_count *c,
    int instance)
{
	struct state_pm2 *p = state_pm2_of(st);
	sqlite3_stmt *s;

	s = state_pm2_stmt(st, &p->count, state_pm2_sql_count);
	if (s == NULL)
		return -1;
	state_bind_count(s, c);
	sqlite3_bind_int(s, 10, instance);
	return state_change(st, s, "count an instance");
}

int
state_instance_buckets(struct state *st, int64_t since_ms, int64_t until_ms,
    void (*fn)(void *ctx, const struct state_count *c, int instance),
    void *ctx)
{
	sqlite3_stmt *s;
	int rc;

	rc = state_pm2_reader(st, "instance_buckets",
	    offsetof(struct state_pm2, buckets), state_pm2_sql_buckets, &s);
	if (rc <= 0)
		return rc;
	state_bind(s, "ss", since_ms, until_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct state_count c;

		state_column_count(s, &c);
		fn(ctx, &c, sqlite3_column_int(s, 9));
	}
	return state_rows_end(st, s, rc, true, "read the instance counts");
}

/* ---------------------------------------------------------------------
 * PM2's daemon log: events and the tracker's memory (version 5).
 */

/* A PM2 event count or an instance's state, waiting for the commit. */
struct state_pm2_change {
	int64_t		 minute_ms;
	char		*app;
	int		 instance;
	enum pm2_event	 ev;
	uint64_t	 count;
	char		*home;		/* an instance's save; NULL: an event */
	enum pm2_mode	 mode;
	enum pm2_state	 state;
	int64_t		 since_ms;
	bool		 has_started;
};

static void
state_pm2_change_free(void *payload)
{
	struct state_pm2_change *c = payload;

	free(c->app);
	free(c->home);
	free(c);
}

static const char *
state_pm2_mode_name(enum pm2_mode m)
{
	return m == PM2_MODE_FORK ? "fork" : m == PM2_MODE_CLUSTER ?
	    "cluster" : "";
}

/* Inside the commit's transaction: an event count, or an instance's state
 * (a change with a home). */
static int
state_pm2_write(struct state *st, const void *payload)
{
	const struct state_pm2_change *c = payload;
	struct state_pm2 *p = state_pm2_of(st);
	bool is_event = c->home == NULL;
	sqlite3_stmt *s;

	s = is_event ? state_pm2_stmt(st, &p->event, state_pm2_sql_event) :
	    state_pm2_stmt(st, &p->instance_save, state_pm2_sql_instance_save);
	if (s == NULL)
		return -1;
	if (is_event)
		state_bind(s, "itnti", c->minute_ms, c->app, c->instance,
		    pm2_event_names[c->ev], (int64_t)c->count);
	else
		state_bind(s, "ttn tt sn", c->home, c->app, c->instance,
		    state_pm2_mode_name(c->mode), pm2_state_name(c->state),
		    c->since_ms, c->has_started ? 1 : 0);
	return state_change(st, s, is_event ? "count a PM2 event" :
	    "save a PM2 instance");
}

/* Queues C (owned from now on) for the next commit: state_queue(). */
static int
state_pm2_queue(struct state *st, struct state_pm2_change *c)
{
	struct state_custom op = { state_pm2_write, state_pm2_change_free, c };

	return state_queue(st, &op);
}

int
state_pm2_event(struct state *st, int64_t minute_ms, const char *app,
    int instance, enum pm2_event ev, uint64_t count)
{
	struct state_pm2_change *c = xcalloc(1, sizeof(*c));

	c->minute_ms = minute_ms;
	c->app = xstrdup(app);
	c->instance = instance;
	c->ev = ev;
	c->count = count;
	return state_pm2_queue(st, c);
}

int
state_pm2_instance_save(struct state *st, const char *home,
    const struct pm2_instance *i)
{
	struct state_pm2_change *c = xcalloc(1, sizeof(*c));

	c->home = xstrdup(home);
	c->app = xstrdup(i->app);
	c->instance = i->id;
	c->mode = i->mode;
	c->state = i->state;
	c->since_ms = i->since_ms;
	c->has_started = i->has_started;
	return state_pm2_queue(st, c);
}

int
state_pm2_events(struct state *st, int64_t since_ms, int64_t until_ms,
    void (*fn)(void *ctx, int64_t minute_ms, const char *app, int instance,
    enum pm2_event ev, uint64_t count), void *ctx)
{
	sqlite3_stmt *s;
	int rc;

	rc = state_pm2_reader(st, "pm2_events",
	    offsetof(struct state_pm2, events), state_pm2_sql_events, &s);
	if (rc <= 0)
		return rc;
	state_bind(s, "ss", since_ms, until_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		enum pm2_event ev;

		/* An event this omniwatch does not know: a newer one's. */
		if (pm2_event_parse(state_column_text(s, 3), &ev) != 0)
			continue;
		fn(ctx, sqlite3_column_int64(s, 0), state_column_text(s, 1),
		    sqlite3_column_int(s, 2), ev,
		    (uint64_t)sqlite3_column_int64(s, 4));
	}
	return state_rows_end(st, s, rc, true, "read the PM2 events");
}

int
state_pm2_instances(struct state *st, const char *home,
    void (*fn)(void *ctx, const char *home, const struct pm2_instance *i),
    void *ctx)
{
	sqlite3_stmt *s;
	int rc;

	rc = state_pm2_reader(st, "pm2_instances",
	    offsetof(struct state_pm2, instances), state_pm2_sql_instances, &s);
	if (rc <= 0)
		return rc;
	if (home != NULL)
		sqlite3_bind_text(s, 1, home, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct pm2_instance i;
		const char *saved_home, *app, *mode, *state;
		int has_started;

		state_columns(s, "ttn tt sn", &saved_home, &app, &i.id, &mode, &state,
		    &i.since_ms, &has_started);
		i.app = (char *)app;
		i.mode = strcmp(mode, "fork") == 0 ? PM2_MODE_FORK :
		    strcmp(mode, "cluster") == 0 ? PM2_MODE_CLUSTER :
		    PM2_MODE_UNKNOWN;
		i.state = pm2_state_parse(state);
		i.has_started = has_started != 0;
		fn(ctx, saved_home, &i);
	}
	return state_rows_end(st, s, rc, true, "read the PM2 instances");
}

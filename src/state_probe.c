/*
 * state_probe: see state_probe.h.  A probe runs once a minute or so, so
 * its statements are prepared at each use rather than kept.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "state_int.h"
#include "state_probe.h"
#include "xmalloc.h"

const char state_probe_schema[] =
	"CREATE TABLE probes ("
	" name TEXT NOT NULL,"
	" at_ms INTEGER NOT NULL,"
	" verdict TEXT NOT NULL,"
	" status INTEGER NOT NULL,"
	" base_status INTEGER NOT NULL,"
	" duration_ms INTEGER NOT NULL,"
	" url TEXT NOT NULL,"
	" evidence TEXT NOT NULL,"
	" PRIMARY KEY (name, at_ms));"
	"PRAGMA user_version = 6;";

#define STATE_PROBE_COLUMNS \
	"name, at_ms, verdict, status, base_status, duration_ms, url, evidence"

static int
state_probe_prepare(struct state *st, const char *sql, sqlite3_stmt **s,
    const char *what)
{
	if (sqlite3_prepare_v2(state_db(st), sql, -1, s, NULL) != SQLITE_OK) {
		state_log(st, what);
		sqlite3_finalize(*s);
		*s = NULL;
		return -1;
	}
	return 0;
}

/* A result waiting in the journal for the commit (state_journal.h). */
struct state_probe_change {
	struct state_probe p;		/* its strings are owned */
	int64_t		 keep_ms;
};

static void
state_probe_change_free(void *payload)
{
	struct state_probe_change *c = payload;

	free((char *)c->p.name);
	free((char *)c->p.verdict);
	free((char *)c->p.url);
	free((char *)c->p.evidence);
	free(c);
}

/* Inside the commit's transaction: the result, then the old ones pruned. */
static int
state_probe_write(struct state *st, const void *payload)
{
	const struct state_probe_change *c = payload;
	const struct state_probe *p = &c->p;
	sqlite3_stmt *s;
	int rc;

	if (state_probe_prepare(st, "INSERT OR REPLACE INTO probes ("
	    STATE_PROBE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	    &s, "prepare a probe's save") != 0)
		return -1;
	state_bind(s, "tit iii tt", p->name, p->at_ms, p->verdict,
	    (int64_t)p->status, (int64_t)p->base_status, p->duration_ms,
	    p->url, p->evidence);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	if (state_probe_prepare(st, "DELETE FROM probes WHERE name = ?1 AND"
	    " at_ms < ?2", &s, "prepare a probe's pruning") != 0)
		return -1;
	state_bind(s, "ti", p->name, p->at_ms - c->keep_ms);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
state_probe_save(struct state *st, const struct state_probe *p,
    int64_t keep_ms)
{
	struct state_probe_change *c = xcalloc(1, sizeof(*c));
	struct state_custom op = { state_probe_write, state_probe_change_free,
	    c };

	c->p = *p;
	c->p.name = xstrdup(p->name);
	c->p.verdict = xstrdup(p->verdict);
	c->p.url = xstrdup(p->url);
	c->p.evidence = xstrdup(p->evidence);
	c->keep_ms = keep_ms;
	return state_queue(st, &op);
}

static int
state_probe_rows(struct state *st, sqlite3_stmt *s,
    void (*fn)(void *ctx, const struct state_probe *p), void *ctx)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct state_probe p;
		int64_t status, base_status;

		state_columns(s, "tit iii tt", &p.name, &p.at_ms, &p.verdict,
		    &status, &base_status, &p.duration_ms, &p.url,
		    &p.evidence);
		p.status = (long)status;
		p.base_status = (long)base_status;
		fn(ctx, &p);
	}
	return state_rows_end(st, s, rc, false, "read the probes' results");
}

int
state_probes(struct state *st, int64_t since_ms, int64_t until_ms,
    void (*fn)(void *ctx, const struct state_probe *p), void *ctx)
{
	sqlite3_stmt *s;

	if (!state_has_table(st, "probes"))
		return 0;
	if (state_probe_prepare(st, "SELECT " STATE_PROBE_COLUMNS " FROM "
	    "probes WHERE (?1 IS NULL OR at_ms >= ?1) AND (?2 IS NULL OR "
	    "at_ms < ?2) ORDER BY name, at_ms", &s,
	    "prepare the probes' history") != 0)
		return -1;
	state_bind_stamp(s, 1, since_ms);
	state_bind_stamp(s, 2, until_ms);
	return state_probe_rows(st, s, fn, ctx);
}

int
state_probes_latest(struct state *st,
    void (*fn)(void *ctx, const struct state_probe *p), void *ctx)
{
	sqlite3_stmt *s;

	if (!state_has_table(st, "probes"))
		return 0;
	/* SQLite takes the bare columns of a max() aggregate from the row
	 * that has the maximum (lang_select.html, "bare columns"). */
	if (state_probe_prepare(st, "SELECT name, max(at_ms), verdict, status,"
	    " base_status, duration_ms, url, evidence FROM probes GROUP BY "
	    "name ORDER BY name", &s, "prepare the probes' latest") != 0)
		return -1;
	return state_probe_rows(st, s, fn, ctx);
}

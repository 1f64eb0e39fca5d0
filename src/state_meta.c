/*
 * state_meta: facts about watch itself, kept in the state beside the
 * offsets and committed with them: "first_start_ms" (watch has started
 * on this state before, so tail.start_at no longer applies),
 * "last_commit_ms" (for check and the metrics), the copies read
 * (copies_read) and the copies present at the last commit (copies_seen:
 * a copy not among them at a start holds text no commit has counted;
 * tail_copy_seen.c).  These tables are created on first write: older
 * versions ignore a table they do not know, so they need no schema
 * version and a state moved back to an older omniwatch still opens.
 *
 * Changes wait in the state's journal for the commit (state_journal.h),
 * as every change does; a copy read is looked up in the journal first,
 * so that one read since the last commit is known at once.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "state_int.h"
#include "xmalloc.h"

/* One change of the meta or copies_read tables, waiting for the commit. */
struct state_meta_change {
	char		*key;		/* meta: the key */
	int64_t		 value;		/* meta: the value; prune: before_ms */
	uint64_t	 dev;		/* copies_read */
	uint64_t	 ino;
	uint64_t	 size;
	uint32_t	 head_crc;
	struct state_copy *copies;	/* copies_seen: the whole set */
	size_t		 ncopies;
};

static void
state_meta_free(void *payload)
{
	struct state_meta_change *c = payload;

	free(c->key);
	free(c->copies);
	free(c);
}

static int
state_meta_journal(struct state *st, int (*write)(struct state *,
    const void *), struct state_meta_change *c)
{
	struct state_custom op = { write, state_meta_free, c };

	return state_queue(st, &op);
}

/* Runs SQL with the change's bindings, as KIND asks: 0 key and value,
 * 1 a copy's dev, ino, size, head_crc and (if SQL has it) value, 2 the
 * value alone, 3 none. */
static int
state_meta_step(struct state *st, const char *schema, const char *sql,
    const struct state_meta_change *c, int kind, const char *what)
{
	sqlite3 *db = state_db(st);
	sqlite3_stmt *s;
	int rc;

	if ((schema != NULL && sqlite3_exec(db, schema, NULL, NULL, NULL) !=
	    SQLITE_OK) || sqlite3_prepare_v2(db, sql, -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (kind == 0) {
		sqlite3_bind_text(s, 1, c->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, c->value);
	} else if (kind == 1) {
		sqlite3_bind_int64(s, 1, (sqlite3_int64)c->dev);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)c->ino);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)c->size);
		sqlite3_bind_int64(s, 4, c->head_crc);
		if (sqlite3_bind_parameter_count(s) >= 5)
			sqlite3_bind_int64(s, 5, c->value);
	} else if (kind == 2)
		sqlite3_bind_int64(s, 1, c->value);
	rc = state_change(st, s, what);
	sqlite3_finalize(s);
	return rc;
}

/*
 * The latest change waiting in the journal that WRITE will make, for the
 * copy KEY names by dev and ino (NULL: any), or NULL.
 */
static const struct state_meta_change *
state_meta_pending(struct state *st, int (*write)(struct state *,
    const void *), const struct state_meta_change *key)
{
	const struct state_journal *j = &st->journal;

	for (size_t i = j->nops; i-- > 0;) {
		const struct state_op *op = &j->ops[i];
		const struct state_meta_change *c;

		if (op->kind != STATE_OP_CUSTOM || op->u.custom.write != write)
			continue;
		c = op->u.custom.payload;
		if (key == NULL || (c->dev == key->dev && c->ino == key->ino))
			return c;
	}
	return NULL;
}

static int
state_meta_write(struct state *st, const void *payload)
{
	return state_meta_step(st, "CREATE TABLE IF NOT EXISTS meta ("
	    " key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
	    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
	    payload, 0, "save a fact about watch");
}

int
state_meta_set(struct state *st, const char *key, int64_t value)
{
	struct state_meta_change *c = xcalloc(1, sizeof(*c));

	c->key = xstrdup(key);
	c->value = value;
	return state_meta_journal(st, state_meta_write, c);
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

int
state_meta_each(struct state *st, const char *prefix,
    void (*fn)(void *ctx, const char *key, int64_t value), void *ctx)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(state_db(st), "SELECT key, value FROM meta"
	    " WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key", -1, &s,
	    NULL) != SQLITE_OK)
		return 0;	/* no table yet: nothing kept */
	sqlite3_bind_text(s, 1, prefix, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(ctx, (const char *)sqlite3_column_text(s, 0),
		    sqlite3_column_int64(s, 1));
	if (rc != SQLITE_DONE)
		state_log(st, "read the facts about watch");
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The copies watch has read (tail_copy.c), created on first write. */
static const char state_copies_schema[] =
	"CREATE TABLE IF NOT EXISTS copies_read ("
	" dev INTEGER NOT NULL, ino INTEGER NOT NULL,"
	" size INTEGER NOT NULL, head_crc INTEGER NOT NULL,"
	" read_ms INTEGER NOT NULL,"
	" PRIMARY KEY (dev, ino))";

static int
state_copy_write(struct state *st, const void *payload)
{
	return state_meta_step(st, state_copies_schema,
	    "INSERT OR REPLACE INTO copies_read (dev, ino, size, head_crc,"
	    " read_ms) VALUES (?1, ?2, ?3, ?4, ?5)", payload, 1,
	    "save a copy read");
}

int
state_copy_read_save(struct state *st, uint64_t dev, uint64_t ino,
    uint64_t size, uint32_t head_crc, int64_t now_ms)
{
	struct state_meta_change *c = xcalloc(1, sizeof(*c));

	c->dev = dev;
	c->ino = ino;
	c->size = size;
	c->head_crc = head_crc;
	c->value = now_ms;
	return state_meta_journal(st, state_copy_write, c);
}

int
state_copy_read_get(struct state *st, uint64_t dev, uint64_t ino,
    uint64_t *size, uint32_t *head_crc)
{
	const struct state_meta_change *c;
	struct state_meta_change key;
	sqlite3_stmt *s;
	int rc;

	/* Read since the last commit: the latest save says. */
	key.dev = dev;
	key.ino = ino;
	c = state_meta_pending(st, state_copy_write, &key);
	if (c != NULL) {
		*size = c->size;
		*head_crc = c->head_crc;
		return 0;
	}
	if (sqlite3_prepare_v2(state_db(st), "SELECT size, head_crc FROM"
	    " copies_read WHERE dev = ?1 AND ino = ?2", -1, &s, NULL) !=
	    SQLITE_OK)
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

static int
state_copies_prune_write(struct state *st, const void *payload)
{
	sqlite3_stmt *s;

	/* No table yet: nothing to prune. */
	if (sqlite3_prepare_v2(state_db(st), "SELECT 1 FROM copies_read"
	    " LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_finalize(s);
	return state_meta_step(st, NULL, "DELETE FROM copies_read"
	    " WHERE read_ms < ?1", payload, 2, "forget old copies read");
}

int
state_copies_read_prune(struct state *st, int64_t before_ms)
{
	struct state_meta_change *c = xcalloc(1, sizeof(*c));

	c->value = before_ms;
	return state_meta_journal(st, state_copies_prune_write, c);
}

/* The copies present at the last commit (tail_copy_seen.c), created on first
 * write: no table means no set was ever saved, an empty one an empty set. */
static const char state_seen_schema[] =
	"CREATE TABLE IF NOT EXISTS copies_seen ("
	" dev INTEGER NOT NULL, ino INTEGER NOT NULL,"
	" size INTEGER NOT NULL, head_crc INTEGER NOT NULL,"
	" PRIMARY KEY (dev, ino))";

static int
state_seen_write(struct state *st, const void *payload)
{
	const struct state_meta_change *c = payload;
	struct state_meta_change one;
	int rc;

	rc = state_meta_step(st, state_seen_schema, "DELETE FROM copies_seen",
	    c, 3, "replace the copies seen");
	memset(&one, 0, sizeof(one));
	for (size_t i = 0; rc == 0 && i < c->ncopies; i++) {
		one.dev = c->copies[i].dev;
		one.ino = c->copies[i].ino;
		one.size = c->copies[i].size;
		one.head_crc = c->copies[i].head_crc;
		rc = state_meta_step(st, NULL, "INSERT OR REPLACE INTO"
		    " copies_seen (dev, ino, size, head_crc) VALUES"
		    " (?1, ?2, ?3, ?4)", &one, 1, "save a copy seen");
	}
	return rc;
}

int
state_copies_seen_save(struct state *st, const struct state_copy *copies,
    size_t ncopies)
{
	struct state_meta_change *c = xcalloc(1, sizeof(*c));

	if (ncopies > 0) {
		c->copies = xreallocarray(NULL, ncopies, sizeof(*copies));
		memcpy(c->copies, copies, ncopies * sizeof(*copies));
	}
	c->ncopies = ncopies;
	return state_meta_journal(st, state_seen_write, c);
}

int
state_copies_seen_load(struct state *st, struct state_copy **copies,
    size_t *ncopies)
{
	const struct state_meta_change *c;
	sqlite3_stmt *s;
	int rc;

	*copies = NULL;
	*ncopies = 0;
	/* Saved since the last commit (a start reads it before any commit,
	 * but a reload may not): the latest save says. */
	c = state_meta_pending(st, state_seen_write, NULL);
	if (c != NULL) {
		if (c->ncopies > 0) {
			*copies = xreallocarray(NULL, c->ncopies,
			    sizeof(**copies));
			memcpy(*copies, c->copies, c->ncopies *
			    sizeof(**copies));
		}
		*ncopies = c->ncopies;
		return 0;
	}
	if (sqlite3_prepare_v2(state_db(st), "SELECT dev, ino, size, head_crc"
	    " FROM copies_seen", -1, &s, NULL) != SQLITE_OK)
		return 1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct state_copy *row;

		*copies = xreallocarray(*copies, *ncopies + 1,
		    sizeof(**copies));
		row = &(*copies)[(*ncopies)++];
		row->dev = (uint64_t)sqlite3_column_int64(s, 0);
		row->ino = (uint64_t)sqlite3_column_int64(s, 1);
		row->size = (uint64_t)sqlite3_column_int64(s, 2);
		row->head_crc = (uint32_t)sqlite3_column_int64(s, 3);
	}
	if (rc != SQLITE_DONE)
		state_log(st, "read the copies seen");
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	free(*copies);
	*copies = NULL;
	*ncopies = 0;
	return -1;
}

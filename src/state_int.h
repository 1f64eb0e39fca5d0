/*
 * state_int: what the files of the state (state.c: changes and queries,
 * state_schema.c: tables and opening, state_pm2.c: PM2's tables,
 * state_sql.c: binding and reading statements) share: the connection, the
 * journal of pending changes and the statements' helpers.  Not for the rest of the program, which goes through state.h.
 */
#ifndef OMNIWATCH_STATE_INT_H
#define OMNIWATCH_STATE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "state.h"
#include "state_journal.h"

#define STATE_FILE		"omniwatch.db"

/*
 * The columns of a count, in the buckets table (state_schema.c) and the
 * instance_buckets table (state_pm2.c), which puts the instance between
 * the two halves.  The bytes are those the tables were first created
 * with: SQLite keeps the text in sqlite_master.
 */
#define STATE_SQL_COUNT_WHO						\
	" minute_ms INTEGER NOT NULL,"					\
	" pattern_set TEXT NOT NULL,"					\
	" app TEXT NOT NULL,"
#define STATE_SQL_COUNT_WHAT						\
	" stream TEXT NOT NULL,"					\
	" outcome TEXT NOT NULL,"					\
	" class TEXT NOT NULL,"						\
	" count INTEGER NOT NULL,"					\
	" first_ms INTEGER,"						\
	" last_ms INTEGER,"

struct state_pm2;

struct state {
	char		*path;		/* DIR/omniwatch.db, for messages */
	sqlite3		*db;
	bool		 read_only;
	int		 version;	/* PRAGMA user_version */
	bool		 is_failing;	/* the last commit failed (said once) */
	struct state_journal journal;	/* changes since the last commit */
	int64_t		 spool_seq;	/* the last seq given to a notice */
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

/*
 * Opens ST->db on ST->path (state_schema.c): read-write creates DIR and
 * the tables and upgrades an older schema; read-only (ST->read_only)
 * reads any version.  Returns 0, or -1 with *ERR malloc'd naming the file.
 */
int state_schema_open(struct state *st, const char *dir, char **err);

/* The connection (owned by ST). */
sqlite3 *state_db(struct state *st);

/* Where state_pm2.c keeps its prepared statements; state_close() frees
 * them with state_pm2_release(). */
struct state_pm2 **state_pm2_slot(struct state *st);

/* The journal changes go to, or NULL (logged) when ST is read-only. */
struct state_journal *state_journal_of(struct state *st);

/*
 * Queues OP, a change of a table state.c does not know (PM2's, the
 * probes', the meta), for the next commit: the journal owns OP->payload
 * from now on.  Returns 0, or -1 (logged, the payload released) when ST
 * is read-only.
 */
int state_queue(struct state *st, const struct state_custom *op);

/* Steps the bound change STMT inside state_commit()'s transaction and
 * resets it.  Returns 0, or -1 with WHAT logged at debug level (the
 * commit says once that it failed). */
int state_change(struct state *st, sqlite3_stmt *stmt, const char *what);

/* Logs "cannot WHAT" with the file and SQLite's reason. */
void state_log(struct state *st, const char *what);

/* ---------------------------------------------------------------------
 * Statements (state_sql.c).
 */

/* MS, or NULL for STAMP_NONE; and back. */
void state_bind_stamp(sqlite3_stmt *stmt, int idx, int64_t ms);
int64_t state_column_stamp(sqlite3_stmt *s, int col);

/* Column COL as text, "" for NULL (valid until the next step). */
const char *state_column_text(sqlite3_stmt *s, int col);

/*
 * Binds the arguments after FMT to S's parameters ?1, ?2..., a letter
 * each (spaces are skipped): 't' const char * (NULL binds NULL), 'i'
 * int64_t, 'n' int, 's' int64_t ms stamp (STAMP_NONE binds NULL), 'b'
 * const void * then size_t (a blob).  Text and blobs are not copied: they
 * must stay valid until S is stepped.  An argument of another type (an
 * int for 'i', a uint64_t is fine) is undefined behaviour: cast it.
 */
void state_bind(sqlite3_stmt *s, const char *fmt, ...);

/*
 * Reads the current row of S, column 0 on, into the pointers after FMT, a
 * letter each (spaces are skipped): 't' const char ** (state_column_text),
 * 'i' int64_t *, 'u' uint64_t *, 'n' int *, 's' int64_t * (a stamp: NULL
 * is STAMP_NONE), 'b' const void ** then size_t * (a blob, NULL when
 * empty), '-' a column skipped (no pointer).  Text and blobs are valid
 * until the next step.
 */
void state_columns(sqlite3_stmt *s, const char *fmt, ...);

/*
 * Ends a read of S whose last sqlite3_step() returned RC: a kept statement
 * (IS_KEPT) is reset and its bindings cleared, any other finalized.
 * Returns 0 when RC is SQLITE_DONE, else -1 after logging "cannot WHAT".
 */
int state_rows_end(struct state *st, sqlite3_stmt *s, int rc, bool is_kept,
    const char *what);

/* Whether the state has table NAME (an older state may not). */
bool state_has_table(struct state *st, const char *name);

/*
 * A count's columns (state.c's buckets and state_pm2.c's instance
 * buckets): bound as ?1 to ?9 (minute_ms, pattern_set, app, stream,
 * outcome, class, count, first_ms, last_ms), and read from columns 0 to 8
 * in that order.  C's strings are valid until the next step.
 */
void state_bind_count(sqlite3_stmt *s, const struct state_count *c);
void state_column_count(sqlite3_stmt *s, struct state_count *c);

#endif

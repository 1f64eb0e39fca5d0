/*
 * state_int: what the files that extend the state (state_pm2.c) use of
 * state.c's insides: the connection, the write transaction and the
 * helpers for stamps.  Not for the rest of the program, which goes
 * through state.h.
 */
#ifndef OMNIWATCH_STATE_INT_H
#define OMNIWATCH_STATE_INT_H

#include <stdint.h>

#include <sqlite3.h>

#include "state.h"

struct state_pm2;

/* The connection (owned by ST). */
sqlite3 *state_db(struct state *st);

/* Where state_pm2.c keeps its prepared statements; state_close() frees
 * them with state_pm2_release(). */
struct state_pm2 **state_pm2_slot(struct state *st);

/* Opens the write transaction unless one is open.  Returns 0 or -1. */
int state_begin(struct state *st);

/* Steps the bound change STMT (and resets it); on failure logs WHAT and
 * throws the open transaction away.  Returns 0 or -1. */
int state_change(struct state *st, sqlite3_stmt *stmt, const char *what);

/* Logs "cannot WHAT" with the file and SQLite's reason. */
void state_log(struct state *st, const char *what);

/* MS, or NULL for STAMP_NONE; and back. */
void state_bind_stamp(sqlite3_stmt *stmt, int idx, int64_t ms);
int64_t state_column_stamp(sqlite3_stmt *s, int col);

/* Column COL as text, "" for NULL (valid until the next step). */
const char *state_column_text(sqlite3_stmt *s, int col);

#endif

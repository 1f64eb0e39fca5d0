/*
 * state_sql: the SQLite plumbing every file of the state uses (state.c,
 * state_pm2.c, state_probe.c, state_meta.c): binding a statement's
 * parameters and reading a row's columns by a short format, as
 * jansson's json_pack and json_unpack do, so that a table's columns are
 * said once per statement and not once per line; ending a read; and the
 * stamps' NULL.  See state_int.h.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "stamp.h"
#include "state_int.h"

void
state_bind_stamp(sqlite3_stmt *stmt, int idx, int64_t ms)
{
	if (ms == STAMP_NONE)
		sqlite3_bind_null(stmt, idx);
	else
		sqlite3_bind_int64(stmt, idx, ms);
}

int64_t
state_column_stamp(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return STAMP_NONE;
	return sqlite3_column_int64(s, col);
}

const char *
state_column_text(sqlite3_stmt *s, int col)
{
	const char *t = (const char *)sqlite3_column_text(s, col);

	return t != NULL ? t : "";
}

void
state_bind(sqlite3_stmt *s, const char *fmt, ...)
{
	va_list ap;
	int idx = 1;

	va_start(ap, fmt);
	for (const char *f = fmt; *f != '\0'; f++) {
		const void *p;

		switch (*f) {
		case 't':
			sqlite3_bind_text(s, idx, va_arg(ap, const char *), -1,
			    SQLITE_STATIC);
			break;
		case 'i':
			sqlite3_bind_int64(s, idx, va_arg(ap, int64_t));
			break;
		case 'n':
			sqlite3_bind_int(s, idx, va_arg(ap, int));
			break;
		case 's':
			state_bind_stamp(s, idx, va_arg(ap, int64_t));
			break;
		case 'b':
			p = va_arg(ap, const void *);
			sqlite3_bind_blob64(s, idx, p, va_arg(ap, size_t),
			    SQLITE_STATIC);
			break;
		default:
			continue;	/* a space, for the reader's eye */
		}
		idx++;
	}
	va_end(ap);
}

void
state_columns(sqlite3_stmt *s, const char *fmt, ...)
{
	va_list ap;
	int col = 0;

	va_start(ap, fmt);
	for (const char *f = fmt; *f != '\0'; f++) {
		switch (*f) {
		case 't':
			*va_arg(ap, const char **) = state_column_text(s, col);
			break;
		case 'i':
			*va_arg(ap, int64_t *) = sqlite3_column_int64(s, col);
			break;
		case 'u':
			*va_arg(ap, uint64_t *) =
			    (uint64_t)sqlite3_column_int64(s, col);
			break;
		case 'n':
			*va_arg(ap, int *) = sqlite3_column_int(s, col);
			break;
		case 's':
			*va_arg(ap, int64_t *) = state_column_stamp(s, col);
			break;
		case 'b':
			*va_arg(ap, const void **) = sqlite3_column_blob(s, col);
			*va_arg(ap, size_t *) =
			    (size_t)sqlite3_column_bytes(s, col);
			break;
		case '-':
			break;
		default:
			continue;
		}
		col++;
	}
	va_end(ap);
}

int
state_rows_end(struct state *st, sqlite3_stmt *s, int rc, bool is_kept,
    const char *what)
{
	if (is_kept) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	} else
		sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	state_log(st, what);
	return -1;
}

bool
state_has_table(struct state *st, const char *name)
{
	sqlite3_stmt *s;
	bool found;

	if (sqlite3_prepare_v2(state_db(st), "SELECT 1 FROM sqlite_master"
	    " WHERE type = 'table' AND name = ?1", -1, &s, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

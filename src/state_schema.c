/*
 * state_schema: the state's tables, their upgrades, and opening the
 * connection (see state.h for the schema and state.c for the queries).
 *
 * Durability: WAL journal with synchronous=NORMAL.  In WAL mode NORMAL
 * syncs the WAL at checkpoints, not at every commit; a committed
 * transaction survives the process being killed (kill -9, OOM killer),
 * and only a power loss or OS crash can roll back the last transactions,
 * which leaves the database consistent (counts and offsets still agree),
 * just older (https://www.sqlite.org/pragma.html#pragma_synchronous,
 * https://www.sqlite.org/wal.html).  Older means those records are
 * counted again on restart.  That is the price of not calling fsync()
 * every second.
 *
 * WAL also lets `summary` read while `watch` writes: readers see the last
 * commit and never wait for the writer.  busy_timeout covers the short
 * moments (checkpoints, opening) when one must wait for the other.
 *
 * An upgrade runs in one transaction with the new user_version, so that a
 * state is always one version or the next, never half-way.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "state.h"
#include "state_int.h"
#include "state_pm2.h"
#include "state_probe.h"
#include "state_readonly.h"
#include "xmalloc.h"

#define STATE_VERSION		7
#define STATE_BUSY_MS		5000	/* a checkpoint takes far less */
#define STATE_DIR_MODE		0750	/* logs' contents may be private */

static const char state_schema[] =
	"CREATE TABLE files ("
	" dev INTEGER NOT NULL,"
	" ino INTEGER NOT NULL,"
	" fp_len INTEGER NOT NULL,"
	" fp_crc INTEGER NOT NULL,"
	" offset INTEGER NOT NULL,"
	" path TEXT NOT NULL,"
	" updated_ms INTEGER NOT NULL,"
	" PRIMARY KEY (dev, ino));"
	"CREATE TABLE buckets ("
	STATE_SQL_COUNT_WHO
	STATE_SQL_COUNT_WHAT
	" PRIMARY KEY (minute_ms, pattern_set, app, stream, outcome, class));"
	"PRAGMA user_version = 1;";

/* Version 2: alerting.  Run on a new database after version 1's. */
static const char state_schema_v2[] =
	"CREATE TABLE alerts ("
	" name TEXT PRIMARY KEY,"
	" status TEXT NOT NULL,"
	" id TEXT NOT NULL,"
	" since_ms INTEGER NOT NULL,"
	" last_notified_ms INTEGER NOT NULL,"
	" streak INTEGER NOT NULL,"
	" last_success_ms INTEGER NOT NULL,"
	" last_failure_ms INTEGER NOT NULL,"
	" created_ms INTEGER NOT NULL);"
	"CREATE TABLE spool ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" receiver TEXT NOT NULL,"
	" alert TEXT NOT NULL,"
	" alert_id TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL,"
	" body BLOB NOT NULL);"
	"PRAGMA user_version = 2;";

/*
 * Version 3: what a rule needs to order its streak by stamp, to keep
 * firing, and the sample its notices carry after a restart (alert.c).  Run after version 2's.  ADD COLUMN with a constant
 * default only changes the schema, not the rows
 * (https://www.sqlite.org/lang_altertable.html), and 0 is "none" for each:
 * an upgraded streak is ended by any success, as before.
 */
static const char state_schema_v3[] =
	"ALTER TABLE alerts ADD COLUMN streak_since_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE alerts ADD COLUMN streak_floor_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE alerts ADD COLUMN keep_firing_since_ms INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE alerts ADD COLUMN sample BLOB NOT NULL DEFAULT x'';"
	"PRAGMA user_version = 3;";

/*
 * Version 7: where each file's text was last seen, besides its head: the
 * crc32 of the AT_LEN bytes that end at AT_OFFSET (tail_save).  A file
 * emptied while watch was down (`pm2 flush`) and written again past our
 * offset, from a head as before (a banner every start prints), has other
 * bytes there.  0 is "not known" (an upgraded state, a file not read
 * since): the head alone tells, as before.
 */
static const char state_schema_v7[] =
	"ALTER TABLE files ADD COLUMN at_offset INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE files ADD COLUMN at_len INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE files ADD COLUMN at_crc INTEGER NOT NULL DEFAULT 0;"
	"PRAGMA user_version = 7;";


/* ---------------------------------------------------------------------
 * Opening.
 */

/* mkdir -p DIR: each missing component with MODE. */
static int
state_mkdirs(const char *dir, mode_t mode, char **err)
{
	char *p;
	struct stat sb;

	if (dir[0] == '\0') {
		*err = xstrdup("state_dir is empty");
		return -1;
	}
	p = xstrdup(dir);
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char saved = *s;

			*s = '\0';
			if (mkdir(p, mode) != 0 && errno != EEXIST) {
				*err = xasprintf("%s: cannot create the state "
				    "directory: %s", p, strerror(errno));
				free(p);
				return -1;
			}
			*s = saved;
		}
		if (*s == '\0')
			break;
	}
	free(p);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		*err = xasprintf("%s: not a directory, cannot hold the state",
		    dir);
		return -1;
	}
	return 0;
}

/* Runs SQL (no results wanted); else *ERR names the file and why. */
static int
state_exec(struct state *st, const char *sql, const char *what, char **err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*err = xasprintf("%s: cannot %s: %s", st->path, what,
		    msg != NULL ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
state_user_version(struct state *st, int *version, char **err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot read the schema version: %s",
		    st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		*err = xasprintf("%s: cannot read the schema version: %s",
		    st->path, sqlite3_errmsg(st->db));
		sqlite3_finalize(stmt);
		return -1;
	}
	*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/* READ_ONLY also takes older versions: `summary` and `check` read only
 * the buckets and files, which every version has. */
static int
state_check_version(struct state *st, int version, bool read_only,
    char **err)
{
	if (version == STATE_VERSION || (read_only && version >= 1 &&
	    version < STATE_VERSION))
		return 0;
	if (version > STATE_VERSION)
		*err = xasprintf("%s: schema version %d is newer than this "
		    "omniwatch knows (%d); use the omniwatch that wrote it",
		    st->path, version, STATE_VERSION);
	else
		*err = xasprintf("%s: not an omniwatch state (schema version "
		    "%d); remove it or choose another state_dir", st->path,
		    version);
	return -1;
}

/* Creates the tables on first use, in one transaction with the version. */
static int
state_schema_init(struct state *st, char **err)
{
	int version;

	if (state_exec(st, "BEGIN IMMEDIATE", "lock the database", err) != 0)
		return -1;
	if (state_user_version(st, &version, err) != 0)
		goto fail;
	if (version == 0 && state_exec(st, state_schema, "create the tables",
	    err) != 0)
		goto fail;
	if ((version == 0 || version == 1) && state_exec(st, state_schema_v2,
	    "add the alerting tables", err) != 0)
		goto fail;
	if (version <= 2 && state_exec(st, state_schema_v3,
	    "add the alerts' streak and keep_firing_for columns", err) != 0)
		goto fail;
	if (version <= 3 && state_exec(st, state_pm2_schema,
	    "add the cluster instances' table", err) != 0)
		goto fail;
	if (version <= 4 && state_exec(st, state_pm2_schema_v5,
	    "add the PM2 daemon log's tables", err) != 0)
		goto fail;
	if (version <= 5 && state_exec(st, state_probe_schema,
	    "add the probes' table", err) != 0)
		goto fail;
	if (version <= 6 && state_exec(st, state_schema_v7,
	    "add where each file's text was last seen", err) != 0)
		goto fail;
	if (version > 6 && state_check_version(st, version, false, err) != 0)
		goto fail;
	if (state_exec(st, "COMMIT", "commit the tables", err) != 0)
		goto fail;
	return 0;

fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
state_open_rw(struct state *st, const char *dir, char **err)
{
	sqlite3_stmt *stmt;
	const char *mode;

	if (state_mkdirs(dir, STATE_DIR_MODE, err) != 0)
		return -1;
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot open: %s", st->path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(st->db, STATE_BUSY_MS);
	/* journal_mode answers with the mode now in force: a database on a
	 * file system without shared memory stays in its old mode. */
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &stmt,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot set WAL mode: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		*err = xasprintf("%s: cannot set WAL mode: %s", st->path,
		    sqlite3_errmsg(st->db));
		sqlite3_finalize(stmt);
		return -1;
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		*err = xasprintf("%s: cannot set WAL mode: journal mode is "
		    "still %s", st->path, mode != NULL ? mode : "unknown");
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	if (state_exec(st, "PRAGMA synchronous = NORMAL", "set synchronous",
	    err) != 0)
		return -1;
	if (state_schema_init(st, err) != 0)
		return -1;
	st->version = STATE_VERSION;
	return 0;
}

/* Opens NAME (a path, or a URI with SQLITE_OPEN_URI in FLAGS) read-only
 * and reads the schema version. */
static int
state_open_ro_as(struct state *st, const char *name, int flags, int *version,
    char **err)
{
	if (sqlite3_open_v2(name, &st->db, SQLITE_OPEN_READONLY | flags,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("%s: cannot open: %s", st->path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(st->db, STATE_BUSY_MS);
	return state_user_version(st, version, err);
}

/* Read-only, for `summary` and `check`; on a state we may not write,
 * as immutable when state_readonly.h's evidence allows it. */
static int
state_open_ro(struct state *st, const char *dir, char **err)
{
	struct stat sb;
	int version, rc;

	/* Read-only never creates: tell the user why there is nothing. */
	if (stat(st->path, &sb) != 0) {
		if (errno == ENOENT)
			*err = xasprintf("no state at %s: has omniwatch watch "
			    "run with this config?", st->path);
		else
			*err = xasprintf("%s: cannot open: %s", st->path,
			    strerror(errno));
		return -1;
	}
	if (state_open_ro_as(st, st->path, 0, &version, err) != 0) {
		char *uri = state_readonly_fallback(st->path, dir, err);

		if (uri == NULL)
			return -1;
		sqlite3_close(st->db);
		st->db = NULL;
		rc = state_open_ro_as(st, uri, SQLITE_OPEN_URI, &version, err);
		free(uri);
		if (rc != 0)
			return -1;
	}
	st->version = version;
	return state_check_version(st, version, true, err);
}

int
state_schema_open(struct state *st, const char *dir, char **err)
{
	return st->read_only ? state_open_ro(st, dir, err) :
	    state_open_rw(st, dir, err);
}

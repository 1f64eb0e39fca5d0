/*
 * state_readonly: reading a state one may read but not write, as
 * `summary` and `check` do (a read-only mount, another user's state
 * directory after or while watch runs).
 *
 * A WAL database is read through its -shm file, which a reader creates
 * when it is missing: where it cannot, SQLite (3.22 and later) still
 * reads when the -wal and -shm files exist, and otherwise only a
 * database opened as immutable (https://www.sqlite.org/wal.html section
 * 5, "Read-Only Databases"; https://www.sqlite.org/uri.html,
 * "immutable").  Immutable means no locks and no WAL: right only when no
 * commit waits in a -wal file and no writer can exist.  A wrong fallback
 * is worse than an error (summary read the count of the last clean stop
 * while a starting watch committed), so the fallback is taken only on
 * evidence, all of it checked here:
 *
 *   - the directory is not writable to us (access(2) EACCES, EPERM or
 *     EROFS, or statvfs(3) ST_RDONLY): a writable one means the failure
 *     was something else (a watch starting, a checkpoint), which an
 *     immutable read would hide;
 *   - no -wal file holds commits;
 *   - no watch holds STATE_DIR/watch.lock (service.h).
 */
#ifndef OMNIWATCH_STATE_READONLY_H
#define OMNIWATCH_STATE_READONLY_H

/*
 * After a read-only open of PATH (STATE_DIR/omniwatch.db) failed with
 * *ERR: returns "file:PATH?immutable=1" (malloc'd, PATH %-escaped per
 * RFC 3986) when the state may be read as immutable, as above.  Else
 * NULL, with *ERR kept when the failure had another cause, or replaced
 * (malloc'd, naming the file) by why the state cannot be read without
 * write access and what to do.
 */
char *state_readonly_fallback(const char *path, const char *state_dir,
    char **err);

#endif

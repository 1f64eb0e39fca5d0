/*
 * path: a directory and a name joined into one path, the one place it is
 * done.  A directory given with a trailing slash ("logs/", from the
 * command line or the config) must give the same paths as without it:
 * "logs/app-out.log", never "logs//app-out.log", which a report would
 * show and a state or inotify watch would take for another file.
 */
#ifndef OMNIWATCH_PATH_H
#define OMNIWATCH_PATH_H

#include <stddef.h>

/*
 * DIR + "/" + NAME (malloc'd, never NULL), with DIR's trailing slashes
 * and NAME's leading ones dropped: path_join("logs/", "a.log") is
 * "logs/a.log", path_join("/", "a") and path_join("//", "a") are "/a".
 * An empty DIR is the current directory: NAME alone.  Nothing else of
 * either is changed (no "." or ".." is resolved, no symlink followed).
 */
char *path_join(const char *dir, const char *name);

/*
 * The same join written into BUF (SIZE bytes; NUL-terminated when SIZE >
 * 0), without allocating: for paths built once per inotify event.
 * Returns the joined path's length in bytes; when that is SIZE or more,
 * BUF holds only its first SIZE - 1 bytes (as snprintf(3)).
 */
size_t path_join_buf(char *buf, size_t size, const char *dir,
    const char *name);

#endif

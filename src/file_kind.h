/*
 * file_kind: what a path is, in the words of the messages that refuse it
 * ("PATH: is a directory; expected ..."), so that the config, the pattern
 * sets, the secret files, -o and watch --check name file types alike; and
 * the one way those files are opened, which never waits on a FIFO.
 */
#ifndef OMNIWATCH_FILE_KIND_H
#define OMNIWATCH_FILE_KIND_H

#include <stdbool.h>
#include <sys/stat.h>

/*
 * "a FIFO", "a directory", "a character device", "a block device", "a
 * socket", "a regular file", else "not a regular file", for MODE
 * (st_mode of stat(2)).  A static string.
 */
const char *file_kind(mode_t mode);

/*
 * True when FD, whose fstat(2) is *SB, is an anonymous pipe (`<(cmd)`,
 * `cmd |`: Linux's pipefs), whose writer is a process the user started;
 * false for a named FIFO, which may have no writer at all, and for
 * anything else.
 */
bool file_is_pipe(int fd, const struct stat *sb);

/*
 * Opens PATH read-only, close-on-exec, without ever waiting on it: the
 * open is O_NONBLOCK, so a FIFO that no one writes is refused at once
 * instead of blocking open(2) (and a running watch with it) until a
 * writer comes.  Only a regular file is accepted, and with PIPE_OK an
 * anonymous pipe too (`-c <(cmd)`: its writer is a process the user
 * started); a named FIFO, a directory or a device is refused by kind.
 * NAME is how messages call the file ("PATH", or "url_file PATH").
 * *SB gets the file's fstat(2).  Returns the descriptor, back in blocking mode (the caller closes it),
 * or -1 with *ERR (malloc'd): "NAME: cannot read: No such file or
 * directory", "NAME: is a FIFO; expected EXPECTED".
 */
int file_open_plain(const char *path, const char *name, const char *expected,
    bool pipe_ok, struct stat *sb, char **err);

/*
 * Opens PATH read-only (O_CLOEXEC, and FLAGS: O_NONBLOCK, O_NOCTTY...),
 * without updating its access time where we may (O_NOATIME: open(2)
 * allows it to the file's owner, or with CAP_FOWNER), else as usual.
 * A log read while it is written has a new mtime at each read, so
 * relatime(8) would write its inode back each time, and a user's atime
 * is theirs: watch, and check's looks at the logs, leave it alone.
 * Returns the descriptor, or -1 with errno.
 */
int file_open_noatime(const char *path, int flags);

#endif

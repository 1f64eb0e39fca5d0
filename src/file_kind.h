/*
 * file_kind: what a path is, in the words of the messages that refuse it
 * ("PATH: is a directory; expected ..."), so that the config, the pattern
 * sets, -o and watch --check name file types alike.
 */
#ifndef OMNIWATCH_FILE_KIND_H
#define OMNIWATCH_FILE_KIND_H

#include <sys/stat.h>

/*
 * "a FIFO", "a directory", "a character device", "a block device", "a
 * socket", "a regular file", else "not a regular file", for MODE
 * (st_mode of stat(2)).  A static string.
 */
const char *file_kind(mode_t mode);

#endif

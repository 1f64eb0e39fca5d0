/*
 * secret_file: the files that hold a secret (a receiver's secret_file,
 * metrics.token_file, a probe's url_file), read by one rule: a regular
 * file (a directory, FIFO or device is refused by name, and never waited
 * on), a warning when everyone may read it, and a cap on what is read.
 * Messages name the file and the key, never the content.
 */
#ifndef OMNIWATCH_SECRET_FILE_H
#define OMNIWATCH_SECRET_FILE_H

#include <stddef.h>

/*
 * Reads at most MAX bytes of PATH into *BUF (malloc'd, MAX + 1 bytes,
 * NUL-terminated after the *LEN bytes read; the caller wipes and frees
 * it).  WHAT names the key for messages ("receiver 'ops': secret_file").
 * Returns 0, or -1 with *ERR (malloc'd: "WHAT PATH: No such file or
 * directory", "WHAT PATH: is a directory; expected a regular file").
 */
int secret_file_read(const char *what, const char *path, size_t max,
    char **buf, size_t *len, char **err);

#endif

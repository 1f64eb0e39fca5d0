/*
 * report_output: where `-o FILE` writes, for every command that has -o.
 *
 *   nothing there, or a regular file (also through a symlink):
 *       a temporary file beside it, renamed over it by report_output_close,
 *       so that a reader (a web server serving the HTML) never sees half
 *       a report, and a failed run leaves the old one; a replaced file's
 *       mode (and owner, as root) is kept;
 *   a FIFO or a character device (/dev/null, /dev/stdout, a terminal):
 *       written through, in place: renaming over it would replace the
 *       node itself with a regular file (as root, /dev/null);
 *   a directory, a socket, a block device: refused, with a message.
 * "-" or no path is standard output; "" is refused (a usage error).
 */
#ifndef OMNIWATCH_REPORT_OUTPUT_H
#define OMNIWATCH_REPORT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

struct report_output;

/*
 * Opens PATH as above.  Returns NULL with *ERR set (malloc'd, naming the
 * file: "PATH: is a directory; -o takes a file, a FIFO or a character
 * device", or the system's reason); the callers exit as for a usage
 * error.
 */
struct report_output *report_output_open(const char *path, char **err);

/* The stream to write the report to; owned by OUT. */
FILE *report_output_fp(struct report_output *out);

/*
 * Flushes and closes; with IS_OK the file is put in place, else a
 * temporary one is removed (a FIFO or device keeps what was written).
 * Returns 0, or -1 with *ERR set (malloc'd) when writing failed.
 */
int report_output_close(struct report_output *out, bool is_ok, char **err);

#endif

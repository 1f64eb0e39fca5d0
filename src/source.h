/*
 * source: where log bytes come from.  One read call hides whether a file is
 * plain text or gzip (as pcre2grep's read function does), so nothing
 * downstream knows about compression.
 *
 * Gzip is recognised by its magic bytes (1f 8b, RFC 1952 section 2.3.1),
 * not by the file name: a name ending in ".gz" whose bytes are text is read
 * as plain text (source_is_misnamed), since refusing it would leave its
 * records uncounted; whose bytes are neither gzip nor text (a NUL, another
 * compressor's magic, a lone 1f) it is an error, as with zcat.  Another
 * compressor's magic (xz, zstd, bzip2, lz4, compress) is an error under
 * any name, and on standard input: source_error() then says which
 * program reads it (logfile_unread_message), and nothing is read as text.
 * Multi-member files (RFC 1952 section 2.2: "a gzip
 * file consists of a series of members") are read member after member, and
 * an empty member is fine.  A truncated or corrupt stream ends the read with
 * SOURCE_ERROR; everything decompressed before the damage has already been
 * returned, and source_error() says where it happened in both the
 * compressed and the decompressed stream.
 */
#ifndef OMNIWATCH_SOURCE_H
#define OMNIWATCH_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum source_result {
	SOURCE_OK,	/* *n > 0 bytes were stored */
	SOURCE_EOF,	/* clean end of input, *n == 0 */
	SOURCE_ERROR,	/* read or decompression failed; see source_error() */
};

struct source;

/* How long source_open waits for a writer of a named FIFO that has none
 * (milliseconds). */
#define SOURCE_FIFO_WAIT_MS	1000

/*
 * Opens PATH ("-" is standard input) and sniffs for gzip.  Returns NULL when
 * the file cannot be opened, with a message naming the file in ERR (ERRLEN
 * bytes, always NUL-terminated).  The caller owns the result (source_free).
 * Opening never waits on PATH: a named FIFO is read when it has a writer,
 * or one comes within SOURCE_FIFO_WAIT_MS; else it is an error ("PATH: a
 * FIFO with no writer ...").  An anonymous pipe (`<(cmd)`) is read as is.
 */
struct source *source_open(const char *path, char *err, size_t errlen);

/*
 * source_open, but a name ending in ".gz" whose bytes are not gzip is an
 * error whatever they are: for watch's tailer, which takes such a file for
 * one gzip(1) is still writing (tail_copy.c).
 */
struct source *source_open_gz_named(const char *path, char *err,
    size_t errlen);

/*
 * The same with FD, open on the file PATH names (taken: source_free
 * closes it), read from its file offset on.  For a caller that must know
 * which file it reads, not whatever bears the name by then (a log
 * rotated while it is read).  On failure FD is closed too.
 */
struct source *source_open_gz_named_fd(int fd, const char *path, char *err,
    size_t errlen);

/*
 * Reads up to CAP decompressed bytes into BUF and stores the count in *N.
 * SOURCE_OK is returned only with *N > 0.  After SOURCE_ERROR or SOURCE_EOF
 * every further call returns the same value.
 */
enum source_result source_read(struct source *src, char *buf, size_t cap,
    size_t *n);

/*
 * source_read, but the bytes may be lent rather than copied into BUF: *P
 * points to the *N bytes read, in BUF or (source_read_ahead) in the
 * inflating thread's buffer, where they stay valid until the next call
 * on SRC or source_free.  Saves the scan a copy of every byte.
 */
enum source_result source_read_lent(struct source *src, char *buf,
    size_t cap, const char **p, size_t *n);

/*
 * From now on, inflates a gzip SRC in a thread of its own, a few buffers
 * ahead of the caller (1.5 MiB more memory, whatever the file's size), so
 * that one file's inflating and scanning overlap on two CPUs.
 * source_read and the offsets then say exactly what they would without
 * the thread.  Call it between two reads (before the first, or later);
 * it does nothing for a plain file or one read to its end.  Returns 0,
 * or -1 when no thread could be started (the caller's thread reads, as
 * before).
 */
int source_read_ahead(struct source *src);

/* The message of the last SOURCE_ERROR (without the path), or NULL. */
const char *source_error(const struct source *src);

/* Bytes consumed from the file (compressed offset), and bytes returned. */
uint64_t source_raw_offset(const struct source *src);
uint64_t source_out_offset(const struct source *src);

bool source_is_gz(const struct source *src);

/* SRC's name ends in ".gz" but it is plain text, read as such: a thing
 * for the caller to say, in these words after the path. */
bool source_is_misnamed(const struct source *src);
#define SOURCE_MISNAMED	"not gzip (it does not start with 1f 8b) though " \
	"its name ends in .gz; read as plain text"

/*
 * Which inflater read SRC's last gzip member ("isa-l" or "zlib",
 * inflate.h), NULL for a plain file.  Ask once source_read has returned
 * SOURCE_EOF or SOURCE_ERROR: a damaged member is read again by zlib.
 */
const char *source_inflater(const struct source *src);
const char *source_path(const struct source *src);
/* The descriptor SRC reads (to fstat(2) it), -1 for none. */
int source_fd(const struct source *src);

/* Closes the file (not standard input).  Accepts NULL. */
void source_free(struct source *src);

#endif

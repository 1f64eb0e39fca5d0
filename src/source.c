/*
 * source: plain, gzip and stdin input behind one read call.  See source.h.
 *
 * The compressed input buffer is fixed at SOURCE_INBUF bytes and the output
 * goes straight into the caller's buffer, so memory does not depend on the
 * size of the file or its compression ratio.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_kind.h"
#include "inflate.h"
#include "logfile.h"
#include "source.h"
#include "source_int.h"
#include "xmalloc.h"

static bool
source_name_says_gz(const char *path)
{
	size_t len = strlen(path);

	return len > 3 && strcmp(path + len - 3, ".gz") == 0;
}

/*
 * The magic numbers of the compressors we do not read, and their
 * programs (as logfile.c names them by suffix): xz's format spec 2.1.1.1,
 * RFC 8878 3.1.1 (zstd), bzip2's "BZh" and block size digit, lz4's frame
 * format, compress(1)'s .Z, and .lzma's (xz-utils' lzma_alone).  Each is
 * read by its program with -dc.
 */
static const struct {
	const char	*magic;
	size_t		 len;
	const char	*program;
} source_magics[] = {
	{ "\xfd" "7zXZ\0", 6, "xz" },
	{ "\x28\xb5\x2f\xfd", 4, "zstd" },
	{ "BZh", 3, "bzip2" },		/* and a digit 1-9: source_unread */
	{ "\x04\x22\x4d\x18", 4, "lz4" },
	{ "\x1f\x9d", 2, "uncompress" },
	/* lzma_alone's header: the properties byte xz and lzma(1) write
	 * (lc=3 lp=0 pb=2), then a dictionary size whose low bytes are 0
	 * (xz's lzma_alone_encoder rounds it up so). */
	{ "\x5d\0\0", 3, "lzma" },
};
#define SOURCE_NMAGICS	(sizeof(source_magics) / sizeof(source_magics[0]))
#define SOURCE_SNIFF	6	/* bytes: the longest magic */

/* The program of the compressor whose magic the LEN bytes at P start
 * with, a static string; else NULL. */
static const char *
source_unread(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < SOURCE_NMAGICS; i++) {
		size_t m = source_magics[i].len;

		if (len < m || memcmp(p, source_magics[i].magic, m) != 0)
			continue;
		if (p[0] == 'B' && (len < 4 || p[3] < '1' || p[3] > '9'))
			continue;
		return source_magics[i].program;
	}
	return NULL;
}

/* Could the LEN bytes at P still begin a magic (gzip's or another's)?
 * Then the sniff reads on; text stops it at its first byte or two. */
static bool
source_sniff_more(const unsigned char *p, size_t len)
{
	if (len < 2)
		return true;
	for (size_t i = 0; i < SOURCE_NMAGICS; i++) {
		size_t m = source_magics[i].len + (p[0] == 'B');

		if (len < m && memcmp(p, source_magics[i].magic,
		    len < source_magics[i].len ? len :
		    source_magics[i].len) == 0)
			return true;
	}
	return false;
}

/*
 * Do the LEN bytes at P, a file's first, look like no text: a NUL (text
 * logs hold none; compressed data nearly always does in its first
 * kilobytes), another compressor's magic (xz, zstd, bzip2, lz4), or a
 * gzip file cut after its first byte.
 */
static bool
source_looks_binary(const unsigned char *p, size_t len)
{
	if (len == 1 && p[0] == 0x1f)
		return true;
	if (memchr(p, '\0', len) != NULL)
		return true;
	/* A magic's first 3 bytes are enough to tell it is no text. */
	for (size_t i = 0; i < SOURCE_NMAGICS; i++) {
		size_t m = source_magics[i].len < 3 ? source_magics[i].len : 3;

		if (len >= m && memcmp(p, source_magics[i].magic, m) == 0)
			return true;
	}
	return false;
}

ssize_t
source_fill(struct source *src)
{
	ssize_t r;

	do
		r = read(src->fd, src->in + src->in_len,
		    SOURCE_INBUF - src->in_len);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		src->in_len += (size_t)r;
		src->file_offset += (uint64_t)r;
	}
	return r;
}

void
source_fail(struct source *src, const char *fmt, const char *detail)
{
	free(src->error);
	/* Bytes held back (source_gz.c) are returned before the error. */
	src->error = xasprintf(fmt, detail,
	    (unsigned long long)src->raw_offset,
	    (unsigned long long)(src->out_offset + src->hold_len));
	src->is_done = true;
	src->last = SOURCE_ERROR;
}

static struct source *source_open_fd_as(int, const char *, bool, char *,
    size_t);
static struct source *source_sniff(struct source *, bool, char *, size_t);

static struct source *
source_alloc(int fd, const char *path)
{
	struct source *src = xcalloc(1, sizeof(*src));

	src->path = xstrdup(path);
	src->fd = fd;
	src->in = xmalloc(SOURCE_INBUF);
	src->fd_start = (int64_t)lseek(src->fd, 0, SEEK_CUR);
	return src;
}

/* Is SB /dev/null's device? */
static bool
source_is_dev_null(const struct stat *sb)
{
	struct stat null;

	return stat("/dev/null", &null) == 0 && S_ISCHR(null.st_mode) &&
	    null.st_rdev == sb->st_rdev;
}

/*
 * SRC's descriptor is open O_NONBLOCK, so that open(2) did not wait for
 * a writer (it waits forever on a named FIFO no one writes).  A named
 * FIFO is read only when a writer holds it, or comes within
 * SOURCE_FIFO_WAIT_MS (one started beside us): a read that finds no data
 * tells which, 0 bytes being no writer and EAGAIN a silent one; what it
 * finds stays in SRC's buffer.  An anonymous pipe (`<(cmd)`) is read as
 * it is: its writer is a process the user started, and its end is EOF.
 * Returns 0 with the descriptor back in blocking mode, or -1 with ERR
 * (ERRLEN bytes, naming the file).
 */
static int
source_open_wait(struct source *src, char *err, size_t errlen)
{
	struct stat sb;
	struct pollfd pfd = { src->fd, POLLIN, 0 };
	int flags, ready = 0;
	ssize_t r = 0;

	if (fstat(src->fd, &sb) != 0)
		goto fail_errno;
	/* /dev/zero or /dev/urandom would be read for ever, a disk is no
	 * log: a device is refused, but for a terminal typed into and
	 * /dev/null (empty). */
	if ((S_ISCHR(sb.st_mode) && !isatty(src->fd) &&
	    !source_is_dev_null(&sb)) || S_ISBLK(sb.st_mode)) {
		snprintf(err, errlen, "%s: is %s, not a log (its reading may "
		    "not end); give a log file, or the log as standard input "
		    "(-)", src->path, file_kind(sb.st_mode));
		return -1;
	}
	while (S_ISFIFO(sb.st_mode) && !file_is_pipe(src->fd, &sb)) {
		r = source_fill(src);
		if (r != 0 || ready != 0)
			break;
		/* No writer now.  A writer that opens and writes makes
		 * POLLIN, one that opens and closes POLLHUP; until one
		 * comes, Linux reports neither to a reader opened
		 * O_NONBLOCK (fifo_open). */
		do
			ready = poll(&pfd, 1, SOURCE_FIFO_WAIT_MS);
		while (ready < 0 && errno == EINTR);
		if (ready == 0) {
			snprintf(err, errlen, "%s: a FIFO with no writer (none "
			    "came within %d ms); start its writer first, or "
			    "give the log as standard input (-)",
			    src->path, SOURCE_FIFO_WAIT_MS);
			return -1;
		}
		if (ready < 0)
			goto fail_errno;
	}
	if (r < 0 && errno != EAGAIN)
		goto fail_errno;
	flags = fcntl(src->fd, F_GETFL);
	if (flags < 0 || fcntl(src->fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
		goto fail_errno;
	return 0;

fail_errno:
	snprintf(err, errlen, "%s: cannot read: %s", src->path,
	    strerror(errno));
	return -1;
}

static struct source *
source_open_as(const char *path, bool is_gz_named, char *err, size_t errlen)
{
	struct source *src;
	int fd;

	if (strcmp(path, "-") == 0)
		return source_open_fd_as(STDIN_FILENO, path, is_gz_named, err,
		    errlen);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return NULL;
	}
	src = source_alloc(fd, path);
	if (source_open_wait(src, err, errlen) != 0) {
		source_free(src);
		return NULL;
	}
	return source_sniff(src, is_gz_named, err, errlen);
}

static struct source *
source_open_fd_as(int fd, const char *path, bool is_gz_named, char *err,
    size_t errlen)
{
	return source_sniff(source_alloc(fd, path), is_gz_named, err, errlen);
}

/* Reads SRC's first bytes to tell gzip from text.  Returns SRC, or NULL
 * with ERR when it cannot be read (SRC is then freed). */
static struct source *
source_sniff(struct source *src, bool is_gz_named, char *err, size_t errlen)
{
	const char *path = src->path, *prog;
	ssize_t r;

	/* Sniff the magic: read until two bytes are here, and as many as
	 * a magic they may begin needs, or EOF.  Text stops the sniff at
	 * once: a live `pm2 logs |` is not kept waiting. */
	while (src->in_len < SOURCE_SNIFF &&
	    source_sniff_more(src->in, src->in_len)) {
		r = source_fill(src);
		if (r < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
	}
	src->is_gz = src->in_len >= 2 && src->in[0] == 0x1f &&
	    src->in[1] == 0x8b;
	if (src->is_gz) {
		if (source_gz_start(src) != 0) {
			snprintf(err, errlen, "%s: cannot start zlib", path);
			goto fail;
		}
	} else if ((prog = source_unread(src->in, src->in_len)) != NULL) {
		/* By its bytes, whatever its name: logrotate's compresscmd
		 * without its compressext, or `xzcat`'s input on stdin.
		 * Read as text it would give NULs and no record. */
		src->error = logfile_unread_message(prog, path);
		src->is_done = true;
		src->last = SOURCE_ERROR;
	} else if (source_name_says_gz(path) && src->in_len > 0 &&
	    !is_gz_named && !source_looks_binary(src->in, src->in_len)) {
		/* A log named .gz by hand or by a script: its text is all
		 * there, and refusing it would leave its records out. */
		src->is_misnamed = true;
	} else if (source_name_says_gz(path) && src->in_len > 0) {
		/* zcat refuses such a file too: "not in gzip format". */
		src->error = xstrdup("not in gzip format (the name ends in "
		    ".gz but the file does not start with 1f 8b) at "
		    "compressed offset 0, decompressed offset 0");
		src->is_done = true;
		src->last = SOURCE_ERROR;
	}
	return src;

fail:
	source_free(src);
	return NULL;
}

struct source *
source_open(const char *path, char *err, size_t errlen)
{
	return source_open_as(path, false, err, errlen);
}

struct source *
source_open_gz_named(const char *path, char *err, size_t errlen)
{
	return source_open_as(path, true, err, errlen);
}

struct source *
source_open_gz_named_fd(int fd, const char *path, char *err, size_t errlen)
{
	return source_open_fd_as(fd, path, true, err, errlen);
}

static enum source_result
source_read_plain(struct source *src, char *buf, size_t cap, size_t *n)
{
	ssize_t r;

	if (src->in_len > 0) {
		/* Bytes read while sniffing go out first. */
		size_t take = src->in_len < cap ? src->in_len : cap;

		memcpy(buf, src->in, take);
		memmove(src->in, src->in + take, src->in_len - take);
		src->in_len -= take;
		*n = take;
		src->out_offset += take;
		src->raw_offset += take;
		return SOURCE_OK;
	}
	do
		r = read(src->fd, buf, cap);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		source_fail(src, "read failed: %s at offset %llu (%llu)",
		    strerror(errno));
		return SOURCE_ERROR;
	}
	if (r == 0) {
		src->is_done = true;
		src->last = SOURCE_EOF;
		return SOURCE_EOF;
	}
	*n = (size_t)r;
	src->out_offset += (uint64_t)r;
	src->raw_offset += (uint64_t)r;
	return SOURCE_OK;
}

enum source_result
source_read_here(struct source *src, char *buf, size_t cap, size_t *n)
{
	*n = 0;
	if (src->is_gz)
		return source_gz_read(src, buf, cap, n);
	if (src->is_done)
		return src->last;
	return source_read_plain(src, buf, cap, n);
}

enum source_result
source_read(struct source *src, char *buf, size_t cap, size_t *n)
{
	if (src->ahead != NULL)
		return source_ahead_take(src, buf, cap, n, NULL);
	return source_read_here(src, buf, cap, n);
}

enum source_result
source_read_lent(struct source *src, char *buf, size_t cap, const char **p,
    size_t *n)
{
	*p = buf;
	if (src->ahead != NULL)
		return source_ahead_take(src, buf, cap, n, p);
	return source_read_here(src, buf, cap, n);
}

const char *
source_error(const struct source *src)
{
	return src->ahead != NULL ? source_ahead_error(src) : src->error;
}

uint64_t
source_raw_offset(const struct source *src)
{
	return src->ahead != NULL ? source_ahead_raw_offset(src) :
	    src->raw_offset;
}

uint64_t
source_out_offset(const struct source *src)
{
	return src->ahead != NULL ? source_ahead_out_offset(src) :
	    src->out_offset;
}

bool
source_is_gz(const struct source *src)
{
	return src->is_gz;
}

bool
source_is_misnamed(const struct source *src)
{
	return src->is_misnamed;
}

const char *
source_inflater(const struct source *src)
{
	return src->inf != NULL ?
	    inflate_kind_name(inflate_stream_kind(src->inf)) : NULL;
}

const char *
source_path(const struct source *src)
{
	return src->path;
}

int
source_fd(const struct source *src)
{
	return src->fd;
}

void
source_free(struct source *src)
{
	if (src == NULL)
		return;
	/* The thread goes first: it reads SRC's other fields. */
	source_ahead_free(src);
	inflate_stream_free(src->inf);
	if (src->fd > STDIN_FILENO)
		close(src->fd);
	free(src->in);
	free(src->hold);
	free(src->error);
	free(src->path);
	free(src);
}

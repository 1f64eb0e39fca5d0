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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "source.h"
#include "xmalloc.h"

#define SOURCE_INBUF	(128 * 1024)

struct source {
	char		*path;
	int		 fd;
	bool		 is_gz;
	bool		 is_done;	/* EOF or error reached */
	bool		 in_member;	/* inside a gzip member */
	enum source_result last;
	z_stream	 z;
	unsigned char	*in;		/* gzip input buffer */
	size_t		 in_len;	/* bytes of the file in the buffer */
	uint64_t	 raw_offset;	/* file bytes handed to inflate */
	uint64_t	 file_offset;	/* file bytes read so far */
	uint64_t	 out_offset;
	char		*error;
};

static bool
source_name_says_gz(const char *path)
{
	size_t len = strlen(path);

	return len > 3 && strcmp(path + len - 3, ".gz") == 0;
}

/* Reads more of the file into the input buffer; returns bytes read or -1. */
static ssize_t
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

static void
source_fail(struct source *src, const char *fmt, const char *detail)
{
	free(src->error);
	src->error = xasprintf(fmt, detail,
	    (unsigned long long)src->raw_offset,
	    (unsigned long long)src->out_offset);
	src->is_done = true;
	src->last = SOURCE_ERROR;
}

struct source *
source_open(const char *path, char *err, size_t errlen)
{
	struct source *src;
	ssize_t r;

	src = xcalloc(1, sizeof(*src));
	src->path = xstrdup(path);
	if (strcmp(path, "-") == 0)
		src->fd = STDIN_FILENO;
	else {
		src->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (src->fd < 0) {
			snprintf(err, errlen, "%s: cannot open: %s", path,
			    strerror(errno));
			goto fail;
		}
	}
	src->in = xmalloc(SOURCE_INBUF);

	/* Sniff the magic: read until two bytes are here or EOF. */
	while (src->in_len < 2) {
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
		if (inflateInit2(&src->z, 15 + 16) != Z_OK) {
			snprintf(err, errlen, "%s: cannot start zlib", path);
			goto fail;
		}
		src->in_member = true;
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

/*
 * After a member ends: skip to the next member or finish.  Returns false
 * when the rest of the file is not another member (an error is set).
 */
static bool
source_next_member(struct source *src)
{
	while (src->in_len < 2) {
		ssize_t r = source_fill(src);

		if (r < 0) {
			source_fail(src, "read failed: %s at compressed offset "
			    "%llu, decompressed offset %llu", strerror(errno));
			return false;
		}
		if (r == 0)
			break;
	}
	if (src->in_len == 0) {
		src->is_done = true;
		src->last = SOURCE_EOF;
		return true;
	}
	if (src->in_len < 2 || src->in[0] != 0x1f || src->in[1] != 0x8b) {
		source_fail(src, "%s at compressed offset %llu, decompressed "
		    "offset %llu", "trailing bytes after the last gzip member");
		return false;
	}
	inflateReset(&src->z);
	src->in_member = true;
	return true;
}

static enum source_result
source_read_gz(struct source *src, char *buf, size_t cap, size_t *n)
{
	int zr;

	*n = 0;
	while (*n == 0) {
		if (!src->in_member) {
			if (!source_next_member(src))
				return SOURCE_ERROR;
			if (src->is_done)
				return SOURCE_EOF;
		}
		if (src->in_len == 0) {
			ssize_t r = source_fill(src);

			if (r < 0) {
				source_fail(src, "read failed: %s at compressed "
				    "offset %llu, decompressed offset %llu",
				    strerror(errno));
				return SOURCE_ERROR;
			}
			if (r == 0) {
				source_fail(src, "%s at compressed offset %llu, "
				    "decompressed offset %llu",
				    "truncated gzip stream (unexpected end of "
				    "file)");
				return SOURCE_ERROR;
			}
		}
		src->z.next_in = src->in;
		src->z.avail_in = (uInt)src->in_len;
		src->z.next_out = (Bytef *)buf;
		src->z.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
		zr = inflate(&src->z, Z_NO_FLUSH);
		*n = (size_t)((char *)src->z.next_out - buf);
		src->out_offset += *n;
		src->raw_offset += src->in_len - src->z.avail_in;
		memmove(src->in, src->z.next_in, src->z.avail_in);
		src->in_len = src->z.avail_in;
		if (zr == Z_STREAM_END)
			src->in_member = false;
		else if (zr == Z_BUF_ERROR && src->in_len == 0)
			continue;	/* needs more input */
		else if (zr != Z_OK) {
			source_fail(src, "corrupt gzip data (%s) at compressed "
			    "offset %llu, decompressed offset %llu",
			    src->z.msg != NULL ? src->z.msg : zError(zr));
			/* Whatever inflate produced before the damage stands. */
			return *n > 0 ? SOURCE_OK : SOURCE_ERROR;
		}
	}
	return SOURCE_OK;
}

enum source_result
source_read(struct source *src, char *buf, size_t cap, size_t *n)
{
	*n = 0;
	if (src->is_done)
		return src->last;
	if (src->is_gz)
		return source_read_gz(src, buf, cap, n);
	return source_read_plain(src, buf, cap, n);
}

const char *
source_error(const struct source *src)
{
	return src->error;
}

uint64_t
source_raw_offset(const struct source *src)
{
	return src->raw_offset;
}

uint64_t
source_out_offset(const struct source *src)
{
	return src->out_offset;
}

bool
source_is_gz(const struct source *src)
{
	return src->is_gz;
}

const char *
source_path(const struct source *src)
{
	return src->path;
}

void
source_free(struct source *src)
{
	if (src == NULL)
		return;
	if (src->is_gz)
		inflateEnd(&src->z);
	if (src->fd > STDIN_FILENO)
		close(src->fd);
	free(src->in);
	free(src->error);
	free(src->path);
	free(src);
}

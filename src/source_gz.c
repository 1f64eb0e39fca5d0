/*
 * source_gz: the members of a gzip file, one after the other (RFC 1952
 * section 2.2), behind source_read.  See source.h for what a caller sees.
 *
 * A member is inflated by ISA-L when it is built in and the file can be
 * read again from a member's start (a regular file), else by zlib
 * (inflate.h).  zlib's verdict on damage is the one reported, so a member
 * that does not end cleanly under ISA-L (corrupt data, a bad trailer, the
 * end of the file inside it, as while pm2-logrotate still writes it) is
 * read again with zlib from its first byte: the bytes already returned
 * are inflated again and dropped, and zlib goes on from there and reads
 * the rest of the file.  Damage costs a second pass over one member;
 * sound members are read once, at ISA-L's speed.
 */
#include "autoconf.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inflate.h"
#include "source_int.h"
#include "xmalloc.h"

/*
 * Should the member be read again by zlib?  Only an ISA-L member, once:
 * the redo then reports whatever zlib finds.
 */
static bool
source_gz_wants_redo(struct source *src)
{
	if (inflate_stream_kind(src->inf) != INFLATE_ISAL || !src->can_seek)
		return false;
	src->needs_redo = true;
	return true;
}

/*
 * ISA-L 2.30 reads a member whose header zlib refuses (flag bits RFC 1952
 * reserves, found by fuzz_gzip), and would inflate it all.  zlib reads such
 * a member from its start, and says what is wrong with it.
 */
static void
source_gz_check_header(struct source *src)
{
	if (inflate_stream_kind(src->inf) != INFLATE_ISAL)
		return;
	while (src->in_len < 4 && source_fill(src) > 0)
		continue;
	/* CM must be 8 (deflate); FLG bits 5 to 7 are reserved. */
	if (src->in_len >= 4 && (src->in[2] != 8 || (src->in[3] & 0xe0) != 0))
		source_gz_wants_redo(src);
}

int
source_gz_start(struct source *src)
{
	enum inflate_kind kind = inflate_kind_default();
	struct stat st;

	src->can_seek = src->fd_start >= 0 && fstat(src->fd, &st) == 0 &&
	    S_ISREG(st.st_mode);
	if (!src->can_seek)
		kind = INFLATE_ZLIB;
	src->inf = inflate_stream_new(kind);
	if (src->inf == NULL)
		return -1;
	src->hold = xmalloc(2 * SOURCE_HOLD);
	src->in_member = true;
	source_gz_check_header(src);
	return 0;
}

/*
 * After a member ends: skip to the next member or finish.  Returns false
 * when the rest of the file is not another member (an error is set).
 */
static bool
source_gz_next_member(struct source *src)
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
	inflate_stream_reset(src->inf);
	src->in_member = true;
	src->member_raw = src->raw_offset;
	src->member_out = src->out_offset;
	source_gz_check_header(src);
	return true;
}

/*
 * Rewinds to the start of the member ISA-L could not finish, for zlib to
 * read it and what follows.  Returns -1 when it cannot (the read then
 * ends in an error).
 */
static int
source_gz_redo(struct source *src)
{
	struct inflate_stream *z;
	off_t at = (off_t)(src->fd_start + (int64_t)src->member_raw);

	src->needs_redo = false;
	z = inflate_stream_new(INFLATE_ZLIB);
	if (z == NULL)
		return -1;
	if (lseek(src->fd, at, SEEK_SET) != at) {
		inflate_stream_free(z);
		return -1;
	}
	inflate_stream_free(src->inf);
	src->inf = z;
	src->in_len = 0;
	src->file_offset = src->member_raw;
	src->raw_offset = src->member_raw;
	src->skip += src->out_offset - src->member_out;
	src->out_offset = src->member_out;
	src->hold_len = 0;
	return 0;
}

/*
 * Drops, from the PRODUCED bytes at P, those of a member read again that
 * were returned before; they count in the decompressed offset again.
 * Returns the bytes left at P.
 */
static size_t
source_gz_drop(struct source *src, char *p, size_t produced)
{
	size_t drop = src->skip < produced ? (size_t)src->skip : produced;

	if (drop > 0) {
		memmove(p, p + drop, produced - drop);
		src->skip -= drop;
		src->out_offset += drop;
	}
	return produced - drop;
}

/* Returns, into BUF (CAP bytes), held bytes beyond the last KEEP. */
static size_t
source_gz_release(struct source *src, char *buf, size_t cap, size_t keep)
{
	size_t out = src->hold_len - keep < cap ? src->hold_len - keep : cap;

	memcpy(buf, src->hold, out);
	memmove(src->hold, src->hold + out, src->hold_len - out);
	src->hold_len -= out;
	src->out_offset += out;
	return out;
}

/* Ends SRC on zlib's (or ISA-L's, if it could not be redone) MSG. */
static void
source_gz_corrupt(struct source *src, const char *msg)
{
	/* zlib gave up before the bytes ISA-L had returned (past the hold
	 * in an incomplete code: it never has in the tests): the offset
	 * still counts every byte returned. */
	src->out_offset += src->skip;
	src->skip = 0;
	source_fail(src, "corrupt gzip data (%s) at compressed offset %llu, "
	    "decompressed offset %llu", msg);
}

/*
 * Inflates once into BUF, or into the hold when BUF is too small to keep
 * the hold's bytes in front.  ISA-L can write bytes past the point where
 * zlib finds damage: a few after a match whose distance is too far back
 * (it copies, then checks), and more in a block whose Huffman code is
 * incomplete (ISA-L 2.30 checks a code set for too many codes only; zlib
 * refuses one with too few, and fuzz_gzip found ISA-L 13 kB into such a
 * block before it failed).  So while a member lasts the last SOURCE_HOLD
 * bytes inflated are held back: when the member turns out damaged they
 * are dropped, and zlib's bytes come instead.  A damaged member on which
 * ISA-L runs on further still ends in zlib's error, after more bytes than
 * zlib would have returned (source_gz_corrupt).  Returns the bytes
 * returned in BUF.
 */
static size_t
source_gz_step(struct source *src, char *buf, size_t cap, bool at_eof)
{
	enum inflate_status st;
	bool is_direct = cap >= 2 * SOURCE_HOLD;
	char *dst = is_direct ? buf + src->hold_len : src->hold + src->hold_len;
	size_t room = is_direct ? cap - src->hold_len :
	    2 * SOURCE_HOLD - src->hold_len;
	size_t used, produced, total, keep, n;
	const char *msg;
	bool is_cut;

	if (is_direct)
		memcpy(buf, src->hold, src->hold_len);
	st = inflate_stream_run(src->inf, src->in, src->in_len, &used, dst,
	    room, &produced, &msg);
	src->raw_offset += used;
	memmove(src->in, src->in + used, src->in_len - used);
	src->in_len -= used;
	/* At the end of the file the inflater may still hold output
	 * (ISA-L reads 8 bytes ahead); only no progress is a cut. */
	is_cut = st == INFLATE_MORE && at_eof && used == 0 && produced == 0;
	if ((st == INFLATE_DATA_ERROR || is_cut) && source_gz_wants_redo(src)) {
		src->hold_len = 0;
		return 0;
	}
	produced = source_gz_drop(src, dst, produced);
	total = src->hold_len + produced;
	keep = st == INFLATE_MORE && !is_cut ?
	    (total < SOURCE_HOLD ? total : SOURCE_HOLD) : 0;
	if (is_direct) {
		n = total - keep;
		memcpy(src->hold, buf + n, keep);
		src->hold_len = keep;
		src->out_offset += n;
	} else {
		src->hold_len = total;
		n = source_gz_release(src, buf, cap, keep);
	}
	if (st == INFLATE_MEMBER_END)
		src->in_member = false;
	else if (st == INFLATE_DATA_ERROR)
		source_gz_corrupt(src, msg);
	else if (is_cut)
		source_fail(src, "%s at compressed offset %llu, "
		    "decompressed offset %llu", "truncated gzip stream "
		    "(unexpected end of file)");
	return n;
}

enum source_result
source_gz_read(struct source *src, char *buf, size_t cap, size_t *n)
{
	bool at_eof;

	*n = 0;
	while (*n == 0) {
		/* Held bytes go out once they are safe: past the hold, at a
		 * member's end, before an error (whatever was inflated
		 * before the damage stands). */
		size_t keep = src->in_member && !src->is_done ? SOURCE_HOLD : 0;

		if (src->hold_len > keep) {
			*n = source_gz_release(src, buf, cap, keep);
			break;
		}
		if (src->is_done)
			return src->last;
		if (src->needs_redo && source_gz_redo(src) != 0) {
			source_gz_corrupt(src, "cannot read the member again");
			continue;
		}
		if (!src->in_member) {
			source_gz_next_member(src);
			continue;
		}
		at_eof = false;
		if (src->in_len == 0) {
			ssize_t r = source_fill(src);

			if (r < 0) {
				source_fail(src, "read failed: %s at compressed "
				    "offset %llu, decompressed offset %llu",
				    strerror(errno));
				continue;
			}
			at_eof = r == 0;
		}
		*n = source_gz_step(src, buf, cap, at_eof);
	}
	return SOURCE_OK;
}

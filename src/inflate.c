/*
 * inflate: zlib and ISA-L's igzip behind one call.  See inflate.h.
 *
 * Both are told the input is gzip: zlib by windowBits 15 + 16
 * (zlib.h, inflateInit2), ISA-L by crc_flag ISAL_GZIP, with which
 * isal_inflate reads the member's header, checks its CRC-32 and length
 * trailer, and stops at the member's end with the bytes after it left
 * in avail_in (isa-l/igzip_lib.h, 2.30).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "inflate.h"
#include "xmalloc.h"

struct inflate_stream {
	enum inflate_kind kind;
	z_stream	 z;
#ifdef HAVE_ISAL
	struct inflate_state *isal;
#endif
};

enum inflate_kind
inflate_kind_default(void)
{
#ifdef HAVE_ISAL
	const char *env = getenv("OMNIWATCH_INFLATE");

	if (env == NULL || strcmp(env, "zlib") != 0)
		return INFLATE_ISAL;
#endif
	return INFLATE_ZLIB;
}

const char *
inflate_kind_name(enum inflate_kind kind)
{
	return kind == INFLATE_ISAL ? "isa-l" : "zlib";
}

struct inflate_stream *
inflate_stream_new(enum inflate_kind kind)
{
	struct inflate_stream *is = xcalloc(1, sizeof(*is));

#ifdef HAVE_ISAL
	if (kind == INFLATE_ISAL) {
		is->kind = INFLATE_ISAL;
		is->isal = xmalloc(sizeof(*is->isal));
		inflate_stream_reset(is);
		return is;
	}
#endif
	is->kind = INFLATE_ZLIB;
	if (inflateInit2(&is->z, 15 + 16) != Z_OK) {
		free(is);
		return NULL;
	}
	return is;
}

enum inflate_kind
inflate_stream_kind(const struct inflate_stream *is)
{
	return is->kind;
}

void
inflate_stream_reset(struct inflate_stream *is)
{
#ifdef HAVE_ISAL
	if (is->kind == INFLATE_ISAL) {
		isal_inflate_init(is->isal);
		is->isal->crc_flag = ISAL_GZIP;
		return;
	}
#endif
	inflateReset(&is->z);
}

#ifdef HAVE_ISAL
/* isal_inflate's return values (igzip_lib.h) in zlib's words. */
static const char *
inflate_isal_message(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK:
		return "invalid block";
	case ISAL_INVALID_SYMBOL:
		return "invalid code";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance too far back";
	case ISAL_INVALID_WRAPPER:
		return "incorrect header check";
	case ISAL_UNSUPPORTED_METHOD:
		return "unknown compression method";
	case ISAL_INCORRECT_CHECKSUM:
		return "incorrect data check";
	default:
		return "invalid gzip data";
	}
}

static enum inflate_status
inflate_run_isal(struct inflate_stream *is, const unsigned char *in,
    size_t in_len, size_t *used, char *out, size_t cap, size_t *produced,
    const char **msg)
{
	struct inflate_state *st = is->isal;
	uint32_t in_avail = in_len > UINT32_MAX ? UINT32_MAX : (uint32_t)in_len;
	uint32_t out_avail = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
	int rc;

	st->next_in = (uint8_t *)(uintptr_t)in;
	st->avail_in = in_avail;
	st->next_out = (uint8_t *)out;
	st->avail_out = out_avail;
	rc = isal_inflate(st);
	/* After some errors ISA-L 2.30 leaves avail_in past what it was
	 * given (found by fuzz_gzip): never count more than that. */
	*used = st->avail_in <= in_avail ? in_avail - st->avail_in : in_avail;
	*produced = st->avail_out <= out_avail ? out_avail - st->avail_out : 0;
	if (rc < 0) {
		*msg = inflate_isal_message(rc);
		return INFLATE_DATA_ERROR;
	}
	if (st->block_state == ISAL_BLOCK_FINISH)
		return INFLATE_MEMBER_END;
	return INFLATE_MORE;
}
#endif

static enum inflate_status
inflate_run_zlib(struct inflate_stream *is, const unsigned char *in,
    size_t in_len, size_t *used, char *out, size_t cap, size_t *produced,
    const char **msg)
{
	uInt in_avail = in_len > UINT32_MAX ? UINT32_MAX : (uInt)in_len;
	uInt out_avail = cap > UINT32_MAX ? UINT32_MAX : (uInt)cap;
	int zr;

	is->z.next_in = (Bytef *)(uintptr_t)in;
	is->z.avail_in = in_avail;
	is->z.next_out = (Bytef *)out;
	is->z.avail_out = out_avail;
	zr = inflate(&is->z, Z_NO_FLUSH);
	*used = in_avail - is->z.avail_in;
	*produced = out_avail - is->z.avail_out;
	if (zr == Z_STREAM_END)
		return INFLATE_MEMBER_END;
	/* Z_BUF_ERROR with the input used up only asks for more. */
	if (zr == Z_OK || (zr == Z_BUF_ERROR && is->z.avail_in == 0))
		return INFLATE_MORE;
	*msg = is->z.msg != NULL ? is->z.msg : zError(zr);
	return INFLATE_DATA_ERROR;
}

enum inflate_status
inflate_stream_run(struct inflate_stream *is, const unsigned char *in,
    size_t in_len, size_t *used, char *out, size_t cap, size_t *produced,
    const char **msg)
{
	*msg = NULL;
#ifdef HAVE_ISAL
	if (is->kind == INFLATE_ISAL)
		return inflate_run_isal(is, in, in_len, used, out, cap,
		    produced, msg);
#endif
	return inflate_run_zlib(is, in, in_len, used, out, cap, produced,
	    msg);
}

void
inflate_stream_free(struct inflate_stream *is)
{
	if (is == NULL)
		return;
#ifdef HAVE_ISAL
	if (is->kind == INFLATE_ISAL)
		free(is->isal);
	else
#endif
		inflateEnd(&is->z);
	free(is);
}

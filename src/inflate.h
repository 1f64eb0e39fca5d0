/*
 * inflate: one gzip member (RFC 1952) at a time, with ISA-L's igzip or
 * with zlib behind the same calls, so that source.c does not know which
 * one runs.
 *
 * zlib is the reference: its verdict on damaged input (the message and
 * where it stops) is what omniwatch reports.  ISA-L is several times
 * faster on well-formed members, so source_gz.c reads with it and, when
 * a member does not end cleanly, reads that member again with zlib
 * (inflate_kind_default says which one a new source starts with).
 */
#ifndef OMNIWATCH_INFLATE_H
#define OMNIWATCH_INFLATE_H

#include <stdbool.h>
#include <stddef.h>

enum inflate_kind {
	INFLATE_ZLIB,
	INFLATE_ISAL,
};

enum inflate_status {
	INFLATE_MORE,		/* give more input or more room */
	INFLATE_MEMBER_END,	/* the member's trailer checked out */
	INFLATE_DATA_ERROR,	/* damaged member; the message says how */
};

struct inflate_stream;

/*
 * ISA-L when it was built in (configure --without-isal leaves it out),
 * unless the environment variable OMNIWATCH_INFLATE is "zlib", which the
 * tests use to hold both back ends to the same results.
 */
enum inflate_kind inflate_kind_default(void);

/* The name of KIND ("zlib", "isa-l"), for messages and tests. */
const char *inflate_kind_name(enum inflate_kind kind);

/*
 * A new stream of KIND, ready for the first member; NULL when the back
 * end cannot start (zlib out of memory).  The caller owns it
 * (inflate_stream_free).  KIND falls back to zlib when ISA-L is not
 * built in.
 */
struct inflate_stream *inflate_stream_new(enum inflate_kind kind);

enum inflate_kind inflate_stream_kind(const struct inflate_stream *is);

/* Readies IS for the next member. */
void inflate_stream_reset(struct inflate_stream *is);

/*
 * Inflates from IN (IN_LEN bytes, which may be 0 to drain what the back
 * end holds) into OUT (CAP > 0 bytes).  *USED is the input consumed,
 * *PRODUCED the bytes written.  On INFLATE_DATA_ERROR *MSG is the back
 * end's text (static, or owned by IS until its next call); the bytes
 * produced before the damage are valid.
 */
enum inflate_status inflate_stream_run(struct inflate_stream *is,
    const unsigned char *in, size_t in_len, size_t *used, char *out,
    size_t cap, size_t *produced, const char **msg);

/* Accepts NULL. */
void inflate_stream_free(struct inflate_stream *is);

#endif

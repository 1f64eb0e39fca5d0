/*
 * source_int: the parts of a source shared by source.c (opening, plain
 * files, the accessors), source_gz.c (gzip members) and source_ahead.c
 * (inflating in a thread of its own).  Nothing outside those files
 * includes it.
 */
#ifndef OMNIWATCH_SOURCE_INT_H
#define OMNIWATCH_SOURCE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

#define SOURCE_INBUF	(128 * 1024)
/* Inflated bytes kept back while a member lasts (source_gz.c). */
#define SOURCE_HOLD	(64 * 1024)

struct inflate_stream;
struct source_ahead;

struct source {
	char		*path;
	int		 fd;
	bool		 is_gz;
	bool		 is_misnamed;	/* .gz, but plain text */
	bool		 is_done;	/* EOF or error reached */
	bool		 in_member;	/* inside a gzip member */
	bool		 can_seek;	/* a member can be read again */
	bool		 needs_redo;	/* read the member again with zlib */
	enum source_result last;
	struct inflate_stream *inf;
	unsigned char	*in;		/* gzip input buffer */
	size_t		 in_len;	/* bytes of the file in the buffer */
	int64_t		 fd_start;	/* the fd's offset when opened */
	uint64_t	 raw_offset;	/* file bytes handed to inflate */
	uint64_t	 file_offset;	/* file bytes read so far */
	uint64_t	 out_offset;
	uint64_t	 member_raw;	/* raw_offset where the member began */
	uint64_t	 member_out;	/* out_offset where it began */
	uint64_t	 skip;		/* bytes of a member read again that
					   were returned already */
	char		*hold;		/* 2 * SOURCE_HOLD bytes */
	size_t		 hold_len;	/* inflated, not yet returned */
	char		*error;
	struct source_ahead *ahead;	/* set: a thread reads (source_ahead.c) */
};

/* Reads more of the file into the input buffer; returns bytes read or -1. */
ssize_t source_fill(struct source *src);

/* Ends SRC with an error: FMT takes DETAIL, then the compressed and the
 * decompressed offset (%llu each). */
void source_fail(struct source *src, const char *fmt, const char *detail);

/* Starts reading gzip members (after the magic was seen); -1 if the
 * inflater cannot start. */
int source_gz_start(struct source *src);

/* source_read for gzip, in the thread that reads the file. */
enum source_result source_gz_read(struct source *src, char *buf, size_t cap,
    size_t *n);

/* source_read's part in the reading thread: gzip or plain. */
enum source_result source_read_here(struct source *src, char *buf,
    size_t cap, size_t *n);

/* The consumer's side of a source read ahead (source_ahead.c). */
enum source_result source_ahead_take(struct source *src, char *buf,
    size_t cap, size_t *n, const char **lent);
uint64_t source_ahead_raw_offset(const struct source *src);
uint64_t source_ahead_out_offset(const struct source *src);
const char *source_ahead_error(const struct source *src);
void source_ahead_free(struct source *src);

#endif

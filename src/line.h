/*
 * line: bytes into lines.
 *
 * A line ends at LF; a CR right before the LF is dropped (CRLF files), and a
 * lone CR is an ordinary byte, not a line break.  A line longer than the cap
 * is cut at the cap, flagged (is_cut) and counted; the rest of it, up to the
 * next LF, is skipped, so memory never exceeds the cap whatever the input.
 * Runs of NUL bytes -- what a writer without O_APPEND leaves after a
 * copytruncate -- are skipped and reported once per run with their offset
 * and length; they never become part of a line.
 *
 * Line text is passed as (ptr, len): it is not NUL-terminated and is valid
 * only during the callback.
 */
#ifndef OMNIWATCH_LINE_H
#define OMNIWATCH_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define LINE_MAX_DEFAULT	(1024 * 1024)	/* bytes */

/*
 * The rule for line ends, stated once for the line reader and the scan's
 * fast path (pipeline.c): the length of a line's text, given the N bytes
 * at P before its LF: a CR right before the LF is not part of it.
 */
static inline size_t
line_text_len(const char *p, size_t n)
{
	return n > 0 && p[n - 1] == '\r' ? n - 1 : n;
}

/*
 * Finds LFs 64 bytes at a time: SSE2 compares give a bit mask of the LFs
 * in a block, and each line end is then a count of trailing zeros, where
 * a memchr(3) call per line costs more than a line of 30 bytes (the
 * common length of a busy log's lines).  Lines longer than a block go to
 * memchr(3).  Queries must go forward; a block is read only where it lies
 * wholly before END (no read past the buffer).  Used by the line reader
 * and the fast path alike.
 */
struct line_lf {
	const char	*blk;		/* the 64 bytes the mask covers */
	uint64_t	 mask;		/* bit i: blk[i] is an LF */
	const char	*end;
};

/* Finds LFs in the LEN bytes at BUF. */
static inline void
line_lf_init(struct line_lf *f, const char *buf, size_t len)
{
	f->blk = NULL;
	f->mask = 0;
	f->end = buf + len;
}

/* The first LF at or after FROM (which is before the end), or NULL. */
static inline const char *
line_lf_next(struct line_lf *f, const char *from)
{
#ifdef __SSE2__
	for (;;) {
		const __m128i lf = _mm_set1_epi8('\n');
		uint64_t m;

		if (f->blk != NULL && from >= f->blk && from < f->blk + 64) {
			m = f->mask & (~0ULL << (from - f->blk));
			if (m != 0)
				return f->blk + __builtin_ctzll(m);
			from = f->blk + 64;
			continue;
		}
		if (f->end - from < 64)
			return memchr(from, '\n', (size_t)(f->end - from));
		f->blk = from;
		f->mask = 0;
		for (int i = 0; i < 4; i++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
			    (from + 16 * i));

			f->mask |= (uint64_t)(uint32_t)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, lf)) << (16 * i);
		}
		if (f->mask == 0) {
			/* A long line: memchr(3) runs faster over it. */
			const char *nl = memchr(from + 64, '\n',
			    (size_t)(f->end - from - 64));

			if (nl == NULL)
				return NULL;
			from = nl;
		}
	}
#else
	return memchr(from, '\n', (size_t)(f->end - from));
#endif
}

struct line {
	const char	*ptr;
	size_t		 len;		/* bytes, without LF and CR-before-LF */
	uint64_t	 offset;	/* stream offset of the line's first byte */
	uint64_t	 end;		/* stream offset just past its LF */
	uint64_t	 number;	/* 1-based line number */
	bool		 is_cut;	/* longer than the cap; ptr has the head */
	bool		 has_lf;	/* false only for a last line at EOF */
};

struct line_reader_cb {
	void	(*line)(void *ctx, const struct line *line);
	/* Optional: a run of LENGTH NUL bytes starting at stream OFFSET. */
	void	(*nul_run)(void *ctx, uint64_t offset, uint64_t length);
	void	*ctx;
	/*
	 * Optional fast path: at the start of a line, with no line pending,
	 * the reader offers the rest of the bytes in hand (LEN bytes from
	 * stream offset OFF, no NUL among them; NUMBER lines handed out so
	 * far).  The callee may take whole lines of it itself, as if each had
	 * gone to line(): it returns the bytes taken (ending just past an LF)
	 * and sets *NLINES to the lines in them; 0 hands the next line to
	 * line() as usual.
	 */
	size_t	(*run)(void *ctx, const char *p, size_t len, uint64_t off,
		    uint64_t number, uint64_t *nlines);
	/* With run: offered only when run_first[first byte] is true. */
	const bool *run_first;
};

struct line_reader;

/* MAX_LINE is the cap in bytes (0 means LINE_MAX_DEFAULT). */
struct line_reader *line_reader_new(size_t max_line,
    const struct line_reader_cb *cb);

/* Splits LEN bytes of the stream; complete lines go to the callback. */
void line_reader_feed(struct line_reader *lr, const char *buf, size_t len);

/*
 * End of input.  With EMIT_PARTIAL, bytes after the last LF are passed as a
 * last line (has_lf false); otherwise they are dropped (a stream that ended
 * in damage keeps only complete lines).
 */
void line_reader_finish(struct line_reader *lr, bool emit_partial);

/*
 * Forgets any partial line and NUL run and continues at stream OFFSET, with
 * line numbers from 1 (used after a truncation).
 */
void line_reader_reset(struct line_reader *lr, uint64_t offset);

/* True while bytes of an unfinished line are held. */
bool line_reader_in_line(const struct line_reader *lr);

/* Stream offset just past the last complete line handed out. */
uint64_t line_reader_done_offset(const struct line_reader *lr);

/* Lines cut at the cap, and NUL bytes skipped, so far. */
uint64_t line_reader_cut_lines(const struct line_reader *lr);
uint64_t line_reader_nul_bytes(const struct line_reader *lr);

void line_reader_free(struct line_reader *lr);

#endif

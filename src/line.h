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

#define LINE_MAX_DEFAULT	(1024 * 1024)	/* bytes */

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

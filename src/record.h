/*
 * record: message lines into multi-line records.
 *
 * Node's console.error('msg:', obj) spreads obj over several lines
 * (util.inspect), and a stack trace follows its message line.  Default rule:
 * a line continues the current record when it is empty or starts with
 * whitespace, '}', ']' or ')'; any other line starts a new record.  A lone
 * "}" or "]" at column 0 is how util.inspect closes a top-level object, so
 * it also closes the record: a continuation-looking line after it starts an
 * "orphan" record (text that lost its head, as in PM2's fork-mode chunk
 * damage, samples/pm2/08).  A pattern set may replace the rule with a
 * record_start or continuation regex.  A record is also closed when it
 * reaches max_lines or max_bytes (it is then flagged cut), on
 * record_builder_flush(), and at end of input.
 *
 * The record text is the message lines joined by "\n", without PM2 stamps
 * or prefixes; it keeps the first line's time and app.
 *
 * Lines of several streams mixed in one input (`pm2 logs` interleaves
 * apps and cluster instances that write at once) are assembled apart: a
 * record under assembly per `pm2 logs` prefix (pm2_line.key), each with
 * the rule above, so that one app's line never cuts another's record.
 * An app's out and err share a prefix there, told apart by its colour
 * only (pm2_line.key).
 */
#ifndef OMNIWATCH_RECORD_H
#define OMNIWATCH_RECORD_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pm2.h"

#define RECORD_MAX_LINES_DEFAULT	1000
#define RECORD_MAX_BYTES_DEFAULT	(1024 * 1024)
/* Prefixes (streams) with a record under assembly at once, at most. */
#define RECORD_STREAMS_MAX		64

struct record_rules {
	size_t		 max_lines;	/* 0: RECORD_MAX_LINES_DEFAULT */
	size_t		 max_bytes;	/* 0: RECORD_MAX_BYTES_DEFAULT */
	const pcre2_code *start;	/* optional: lines that start records */
	const pcre2_code *continuation;	/* optional: lines that continue */
};

struct record {
	const char	*text;		/* valid during the callback only */
	size_t		 len;
	int64_t		 ts_ms;		/* first line's stamp, or STAMP_NONE */
	const char	*app;
	uint64_t	 offset;	/* stream offset of the first line */
	uint64_t	 end;		/* stream offset past the last line */
	uint64_t	 line_number;	/* of the first line, 1-based */
	size_t		 nlines;
	bool		 is_cut;	/* a line or the record hit a cap */
	bool		 is_orphan;	/* began with a continuation line */
	/* Nothing was left open before it: the record before ended at a
	 * lone "}", or never opened an object and did not end in a label
	 * ("...:"), or there was none. */
	bool		 follows_close;
	bool		 starts_object;	/* first line ends in '{' or '[' */
	bool		 is_open;	/* opened an object, never closed it */
};

/*
 * The default rule, stated once for the record builder and the scan's
 * fast path: does the message line (P, LEN) continue the record before
 * it?  An empty line does, and one that starts with whitespace, '}', ']'
 * or ')'.
 */
extern const bool record_cont_first[256];	/* ' ', '\t', '}', ']', ')' */

static inline bool
record_line_continues(const char *p, size_t len)
{
	return len == 0 || record_cont_first[(unsigned char)p[0]];
}

/* Under the default rule, does the line (P, LEN) close the record: a
 * lone '}' or ']', blanks and CRs after it allowed? */
static inline bool
record_is_closer(const char *p, size_t len)
{
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r'))
		len--;
	return len == 1 && (p[0] == '}' || p[0] == ']');
}

struct record_builder_cb {
	void	(*record)(void *ctx, const struct record *rec);
	void	*ctx;
};

struct record_builder;

/* RULES is copied; the regexes in it must outlive the builder. */
struct record_builder *record_builder_new(const struct record_rules *rules,
    const struct record_builder_cb *cb);

/*
 * Adds a message line to the record of its stream (L->key); may first
 * emit the records it does not belong to: its stream's, those that a
 * change between lines behind a prefix and lines behind none ends, and
 * with more than RECORD_STREAMS_MAX prefixes the quietest stream's.
 */
void record_builder_line(struct record_builder *rb, const struct pm2_line *l);

/* Emits the open records, if any (end of input, or idle). */
void record_builder_flush(struct record_builder *rb);

/*
 * Does what record_builder_line() does first for a line of the stream KEY
 * (KEY_LEN bytes, pm2_line.key; 0: none) that starts a record: emits the
 * records that line ends, its stream's own included, and makes that
 * stream the one record_builder_take() adds to.
 */
void record_builder_start(struct record_builder *rb, const char *key,
    size_t key_len);

/*
 * The fast path of plain text (pipeline.c) hands over a whole record.
 * REC holds REC->nlines lines in place, joined by "\n", that the caller
 * found make one record under the default rule (record_line_continues(),
 * record_is_closer()): its first line starts a record, or continues right
 * after a record that a closer ended (an orphan); the others continue it;
 * none is cut; the caps are not reached; and the record ends there (its
 * last line closes it, or the next line starts a record).  FIRST_LEN is
 * the length of its first line, LAST/LAST_LEN its last line.  Fills the
 * flags, with the same functions the line-by-line way uses, counts it and
 * leaves RB as if it had been built line by line; it does not call the
 * record callback: the caller hands REC on.  RB must use the default
 * rule, and the stream of REC's lines must be the current one and hold no
 * record (record_builder_start first).
 */
void record_builder_take(struct record_builder *rb, struct record *rec,
    size_t first_len, const char *last, size_t last_len);

/* True while a record is being assembled, in any stream. */
bool record_builder_is_open(const struct record_builder *rb);

/* Stream offset of the first line of the oldest open record, or past the
 * last record when none is open: where a reader must resume to lose
 * nothing. */
uint64_t record_builder_safe_offset(const struct record_builder *rb);

/* Drops the records being assembled, unemitted (after a truncation). */
void record_builder_reset(struct record_builder *rb);

/* Records emitted so far. */
uint64_t record_builder_count(const struct record_builder *rb);

void record_builder_free(struct record_builder *rb);

#endif

/*
 * pipeline: the stages one stream of log bytes goes through, wired
 * together: line -> pm2 -> record -> match -> aggregate.
 *
 * `scan` feeds it whole files; `watch` feeds it what the tailer read.  It
 * knows nothing of files, compression or rotation: the caller hands it
 * bytes and says when input ends.  One record builder runs per pattern set,
 * since a set may bring its own record rules (each assembles the streams
 * of `pm2 logs` prefixes apart: record.h).
 */
#ifndef OMNIWATCH_PIPELINE_H
#define OMNIWATCH_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "match.h"

#define PIPELINE_EXCERPT_MAX	160	/* bytes of a first line kept */
#define PIPELINE_CAPTURES_MAX	512	/* bytes of named captures kept */

struct pipeline_options {
	size_t		 max_line;	/* bytes; 0: LINE_MAX_DEFAULT */
	size_t		 max_record_lines;	/* 0: default */
	size_t		 max_record_bytes;	/* 0: default */
	int64_t		 since;		/* ms; STAMP_NONE: no bound */
	int64_t		 until;		/* ms, exclusive; STAMP_NONE */
	/* The stream is PM2's own log (pm2.log): its lines go to the
	 * sink's daemon_line, parsed, and no record is made of them. */
	bool		 is_pm2_daemon;
	/* Every line the line-by-line way, without the fast path: the
	 * reference the fast path is tested against (test_pipeline). */
	bool		 no_fast_path;
};

/* Where a kind of outcome first showed up in this stream. */
struct pipeline_first {
	bool		 is_set;
	uint64_t	 line;		/* 1-based */
	uint64_t	 offset;	/* bytes */
	int64_t		 ts_ms;
	char		 excerpt[PIPELINE_EXCERPT_MAX + 1];	/* first line */
	/* Named captures of the regex that decided, as "name\0value\0"
	 * pairs (values cut to fit), captures_len bytes in all. */
	char		 captures[PIPELINE_CAPTURES_MAX];
	size_t		 captures_len;
};

struct pipeline_stats {
	uint64_t	 records;	/* records of the first set */
	uint64_t	 cut_lines;
	uint64_t	 nul_bytes;
	uint64_t	 nul_runs;
	uint64_t	 undated;	/* counted records without a stamp */
};

/* A record that counted: what the next stage (aggregate, state) gets. */
struct pipeline_outcome {
	size_t		 set_idx;
	const char	*app;
	enum match_outcome outcome;	/* never MATCH_NONE */
	size_t		 class_idx;	/* for MATCH_FAILURE */
	/* As it was matched (match_set_shown): without its CSI sequences
	 * when a class took it so; offsets and lines those of the log. */
	const struct record *record;
};

struct pm2_daemon_line;

/*
 * The excerpt of REC that reports show: its first line without CSI
 * sequences (ansi.h), with secrets redacted (redact_builtin), then cut at
 * PIPELINE_EXCERPT_MAX bytes, not inside a UTF-8 character.  BUF holds
 * PIPELINE_EXCERPT_MAX + 1 bytes; returns the length written
 * (NUL-terminated; NUL bytes of the line are kept).
 */
size_t pipeline_excerpt(const struct record *rec, char *buf);

struct pipeline_sink {
	void	(*outcome)(void *ctx, const struct pipeline_outcome *o);
	void	*ctx;
	/* With is_pm2_daemon: each line of it, in order (pm2_daemon.h);
	 * NULL drops them. */
	void	(*daemon_line)(void *ctx, const struct pm2_daemon_line *l);
};

struct pipeline;

/*
 * SETS must outlive the pipeline.  APP names the records when the lines do
 * not (copied); PATH is used in messages only (copied).
 */
struct pipeline *pipeline_new(struct match_set *const *sets, size_t nsets,
    const struct pipeline_sink *sink, const char *app, const char *path,
    const struct pipeline_options *opts);

/*
 * The stream offset from which reading must resume so that every record
 * is counted once: the start of the record being assembled, or past the
 * last complete line when none is.
 */
uint64_t pipeline_safe_offset(const struct pipeline *p);

/* Closes the records being assembled (the writer went quiet). */
void pipeline_flush(struct pipeline *p);

/* True while a record is being assembled or a line is incomplete. */
bool pipeline_is_pending(const struct pipeline *p);

/* Forgets partial lines and records and continues at OFFSET (after a
 * truncation). */
void pipeline_reset(struct pipeline *p, uint64_t offset);

void pipeline_feed(struct pipeline *p, const char *buf, size_t len);

/*
 * End of input.  With EMIT_PARTIAL a last line without LF counts (a file
 * read to its end); without, it is dropped (input that ended in damage).
 */
void pipeline_finish(struct pipeline *p, bool emit_partial);

const struct pipeline_stats *pipeline_stats(const struct pipeline *p);

/* First failure of class CLASS_IDX of set SET_IDX; CLASS_IDX == nfailure
 * asks for the first damaged record, nfailure + 1 for the first success. */
const struct pipeline_first *pipeline_first(const struct pipeline *p,
    size_t set_idx, size_t class_idx);

void pipeline_free(struct pipeline *p);

#endif

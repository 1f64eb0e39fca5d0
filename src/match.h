/*
 * match: pattern sets, compiled with PCRE2 JIT, and the classification of a
 * record into success, a failure class, damaged, or nothing.
 *
 * A pattern set file (patterns/NAME.yaml, documented in omniwatch(1)) names
 * success regexes and failure classes with an optional diagnosis.
 * Classification: a record that matches a success regex is a success;
 * otherwise the first failure class whose regex matches wins.  A record
 * that matches nothing but carries the literal head of one of the set's
 * regexes (e.g. "[Omni] Ticket created successfully: {"), or begins with the
 * tail of such a head, or is an orphan holding one of the regexes'
 * literals, is "damaged": it looked like one of ours but lost text.
 *
 * Regexes are compiled with PCRE2_UTF | PCRE2_MATCH_INVALID_UTF (PCRE2
 * 10.34+, pcre2unicode(3)), so invalid UTF-8 in a log never stops matching.
 * JIT is used when available; without it PCRE2's interpreter runs the same
 * regex (pcre2jit(3)).  A match never crosses a record: each record is
 * matched on its own.  Before a regex runs, the literal text every match
 * must contain is looked for with memmem(3); most records stop there.
 *
 * A class matches a record as written or as a terminal shows it: without
 * the CSI sequences (colours, "\e[33mfalse\e[39m") of apps run with
 * FORCE_COLOR=1 (ansi.h).  Each class is tried on the text as written
 * first, then, when that fails and the record holds an ESC byte, on a
 * copy without them, before the next class is tried: the order of the
 * classes decides as before, and a pattern written for the escapes still
 * matches.  The literal a class's regex starts with (its head) must be
 * there as written: a class whose head is not found is not tried again,
 * so that a record is searched for ESC only when a class found its head
 * and still failed (a success taken as written, or a failure that no
 * success head is in, never is; logs without colours are read as fast as
 * before).  For the same reason only a record that holds the set's
 * common head (below) as written is looked at so, and the damaged tests
 * read the text as written: the scan's fast path asks match_set_is_quiet
 * of every line, on the text as written.  A head coloured inside itself
 * ("[\e[1mOmni\e[22m]") is therefore not found.
 */
#ifndef OMNIWATCH_MATCH_H
#define OMNIWATCH_MATCH_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

enum match_outcome {
	MATCH_NONE,
	MATCH_SUCCESS,
	MATCH_FAILURE,
	MATCH_DAMAGED,
};

#define MATCH_MAX_LITERALS	8

/*
 * Finds a literal by its rarest byte: memchr(3) runs at memory speed on
 * that byte, and the whole literal is compared only where it occurs (the
 * "rare byte" heuristic of fast grep tools).  memmem(3)'s setup cost per
 * call is too high for records of a few dozen bytes.
 */
struct match_finder {
	const char	*lit;		/* borrowed */
	size_t		 len;
	size_t		 rare_idx;	/* position of the rare byte in lit */
};

/*
 * What one class cost, counted only while its set's is_timed is true
 * (`omniwatch test`); otherwise left at zero, and classification pays one
 * branch per class for it.
 */
struct match_timing {
	uint64_t	 tried;		/* records the class was tried on */
	uint64_t	 searched;	/* of them: the regex ran (literal found) */
	uint64_t	 matched;
	uint64_t	 ns;		/* monotonic time spent on those tries */
};

struct match_class {
	char		*name;		/* failure class, or "success" */
	char		*regex;
	char		*diagnosis;	/* or NULL */
	pcre2_code	*re;
	int		 line, column;	/* of the regex in the file, 1-based */
	/* Literal runs every match contains, in order. */
	char		*literals[MATCH_MAX_LITERALS];
	size_t		 literal_lens[MATCH_MAX_LITERALS];
	size_t		 nliterals;
	bool		 has_head;	/* literals[0] starts the regex */
	size_t		 filter;	/* index of the literal looked for first */
	struct match_finder finder;	/* for literals[filter] */
	/* For each literal, for the damaged test (match_inner_literal). */
	struct match_finder finders[MATCH_MAX_LITERALS];
	/* The regex is literals[0] [\s\S]*? literals[1] ... and nothing
	 * else (match_class_chain): it matches where they occur in order. */
	bool		 is_chain;
	bool		 warned;	/* a PCRE2 limit error was reported */
	struct match_timing timing;	/* see struct match_timing */
};

#define MATCH_TAIL_MIN		8	/* shortest head tail we trust, bytes */

/* Hashes the 8 bytes at P into one of the 4096 bits of head_windows. */
static inline unsigned
match_window_hash(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	v *= 0x9E3779B97F4A7C15ULL;
	return (unsigned)(v >> 52);	/* 12 bits: 4096 bit positions */
}

struct match_set {
	char		*name;
	char		*description;
	char		*path;		/* as found (match_set_find) */
	uint64_t	 digest;	/* of the file's bytes as loaded
					 * (FNV-1a): match_sets_digest */
	struct match_class *success;
	size_t		 nsuccess;
	struct match_class *failure;
	size_t		 nfailure;
	pcre2_code	*record_start;
	pcre2_code	*continuation;
	struct record_rules rules;
	pcre2_match_data *md;
	bool		 is_jit;
	bool		 is_timed;	/* fill each class's timing */
	/* Every class has a head and they share this prefix: a record
	 * without it can match no class and is no candidate. */
	struct match_finder common;
	char		*common_head;
	const struct match_class *decided;	/* by the last classification */
	size_t		 head_off;	/* of common_head in the record */
	bool		 match_failed;	/* a regex hit a PCRE2 limit on it */
	/* The record being classified, repaired when not valid UTF-8. */
	const struct record *text_rec;
	const char	*text;
	size_t		 text_len;
	char		*repair;
	size_t		 repair_cap;
	/* The record being classified without its CSI sequences (ansi.h),
	 * in plain_buf, once a class failed on it as written and it held
	 * an ESC byte; plain_head_off is head_off in it. */
	bool		 is_plain_checked;
	struct record	 plain;
	char		*plain_buf;
	size_t		 plain_cap;
	size_t		 plain_head_off;
	const struct record *shown;	/* match_set_shown() */
	/* 8-byte windows of the heads, hashed, for the head-tail test. */
	unsigned char	 head_windows[512];
};

/*
 * Finds the pattern file for NAME_OR_PATH: a path (with '/' or ending in
 * .yaml/.yml), else NAME.yaml in each directory of $OMNIWATCH_PATTERNS
 * (colon-separated), then in ../share/omniwatch/patterns beside the
 * directory of the running binary (found through /proc/self/exe, so that an
 * install moved elsewhere or made with DESTDIR finds its own patterns),
 * the configured patterns directory ($(pkgdatadir)/patterns), and the
 * source tree's patterns/.  Returns a malloc'd path, or NULL with *ERR set
 * (malloc'd).
 */
char *match_set_find(const char *name_or_path, char **err);

/*
 * Loads and compiles the pattern set in PATH.  Returns NULL with *ERR set
 * (malloc'd, "FILE:LINE:COLUMN: what was expected") when the file cannot be
 * read, is not valid YAML, has unknown keys or wrong types, or a regex does
 * not compile ("pattern 'omni' failure class 'x': PCRE2 message at offset
 * N").  The caller owns the result (match_set_free).
 */
struct match_set *match_set_load(const char *path, char **err);

/*
 * Classifies REC; for MATCH_FAILURE stores the index of the class in
 * *CLASS_IDX (into set->failure).  Not thread-safe: uses set->md.
 */
enum match_outcome match_set_classify(struct match_set *set,
    const struct record *rec, size_t *class_idx);

/*
 * The prefix every regex of SET starts with (struct match_set, common_head)
 * -- "[Omni] " for the omni set -- is what a caller holding many records
 * in one buffer may search for once, instead of once per record: the
 * length of that prefix in bytes, 0 when the set has none; and its first
 * occurrence in (P, LEN), or NULL.
 */
size_t match_set_head_len(const struct match_set *set);

/*
 * The index of SET's failure class NAME, or SET->nfailure when SET has no
 * class of that name: counts kept in the state under a class since
 * renamed or dropped from the set (edited, then watch reloaded).  Those
 * are failures still, for totals, check's rate and alert rules over every
 * class, so every array of per-class counts (aggregate, series, alert
 * rules) has that one slot more; no report names it.
 */
size_t match_set_failure_index(const struct match_set *set,
    const char *name);
const char *match_set_find_head(const struct match_set *set, const char *p,
    size_t len);

/*
 * match_set_classify(), for a record where the caller already searched
 * for that prefix: HEAD is the offset in REC->text of its first
 * occurrence, MATCH_HEAD_ABSENT when it has none, MATCH_HEAD_UNKNOWN when
 * not searched.  The outcome is the same; the searches are spared.
 */
#define MATCH_HEAD_UNKNOWN	((size_t)-1)
#define MATCH_HEAD_ABSENT	((size_t)-2)
enum match_outcome match_set_classify_at(struct match_set *set,
    const struct record *rec, size_t *class_idx, size_t head);

/*
 * A sufficient condition for match_set_classify_at(SET, REC, ..., HEAD)
 * to return MATCH_NONE, cheap enough to ask of every record first, as
 * the scan's fast path does (most records of a busy log are lines of
 * nobody's): REC is one line that starts a record (no orphan) and opens
 * no object, SET's common head is ABSENT from it, and it cannot begin
 * with a tail of a head (the window hash that match_head_tail() tests
 * first says so).  Under those, match_set_classify_at() takes none of
 * its branches to MATCH_DAMAGED either (match.c says why at each).
 * False says nothing: classify.  test_match holds the two together.
 */
static inline bool
match_set_is_quiet(const struct match_set *set, const struct record *rec,
    size_t head)
{
	const char *p = rec->text;
	size_t len = rec->len;
	unsigned h;

	if (head != MATCH_HEAD_ABSENT || rec->nlines != 1 || rec->is_orphan ||
	    rec->starts_object)
		return false;
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	if (len < MATCH_TAIL_MIN)
		return true;	/* too short for a head's tail */
	h = match_window_hash(p);
	return !(set->head_windows[h >> 3] & (1u << (h & 7)));
}

/*
 * After a classification of REC that did not return MATCH_NONE: the
 * record as it was matched, for what is shown or kept of it -- a copy of
 * REC without its CSI sequences (ansi.h), with REC's offsets, line
 * numbers, stamp and app, when one was made; else REC, which may still
 * hold some when a class took it as written.  The copy is SET's, valid
 * until the next classification.
 */
const struct record *match_set_shown(const struct match_set *set);

/*
 * After match_set_classify() returned MATCH_SUCCESS or MATCH_FAILURE:
 * calls FN with each named group ("(?<ticket_number>...)") of the regex
 * that decided, as (name, value, length), for the groups that took part
 * in the match.  Values point into the record (or its copy without CSI
 * sequences, or its repaired copy) and are valid until the next
 * classification.
 */
void match_set_captures(const struct match_set *set,
    void (*fn)(void *ctx, const char *name, const char *p, size_t len),
    void *ctx);

void match_set_free(struct match_set *set);

/*
 * Finds (match_set_find) and loads the N pattern sets NAMES, which the
 * config at CONFIG names, into a new array *SETS (free with
 * match_sets_free).  Returns 0, or -1 with *ERR (malloc'd) and nothing
 * kept: "CONFIG: pattern_sets: ..." for a name that names no set (the
 * config is what to fix), else the set file's own error, which names
 * the file, line and column.  Every command words it so.
 */
int match_sets_load(const char *config, char *const *names, size_t n,
    struct match_set ***sets, char **err);

/*
 * FNV-1a (fnv.h) over the digests of the N SETS' files' bytes, in the
 * order of SETS (the config's).  What watch counts with beside its
 * config: watch keeps it in its state, check and summary compare it with
 * the sets they load (summary_config_changed).  The paths are left out:
 * a check run with another OMNIWATCH_PATTERNS, or another install, that
 * finds the same bytes elsewhere counts with the same sets, and a
 * warning would be false.  Not for security.
 */
uint64_t match_sets_digest(struct match_set *const *sets, size_t n);

/*
 * The digest match_set_load() would give the set file at PATH as it is
 * now (a set's digest), into *DIGEST.  Returns 0, or -1 when it cannot be
 * read.
 */
int match_set_file_digest(const char *path, uint64_t *digest);

/* Frees N sets and the array.  Accepts NULL. */
void match_sets_free(struct match_set **sets, size_t n);

/*
 * Fills C's literal runs from its regex (exposed for tests).  Conservative:
 * a regex with alternation, inline flags or \Q gets none.
 */
void match_class_literals(struct match_class *c);

#endif

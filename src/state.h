/*
 * state: what `watch` must not forget, in SQLite (WAL mode) under
 * state_dir/omniwatch.db: for each followed file its identity and the
 * offset up to which its records are counted, and per-minute buckets of
 * counts.
 *
 * Exactly-once counting rests on one rule: counts and the offsets past the
 * records they came from are committed in the same transaction.  Changes
 * wait in memory (state_journal.h) and state_commit() writes them all in
 * one transaction; after a kill -9 both are lost together, the records
 * are read again and counted once.  A commit that fails (disk full, I/O
 * error, locked, read-only) leaves the database as it was and keeps the
 * changes for the next commit, so nothing is lost while `watch` runs on.
 * `summary` reads the buckets through a second connection and sees only
 * committed data.
 *
 * Schema (version 1; versions 4 and 5 add state_pm2.h's tables):
 *   files(dev, ino, fp_len, fp_crc, offset, path, updated_ms,
 *         PRIMARY KEY (dev, ino))
 *   buckets(minute_ms, pattern_set, app, stream, outcome, class,
 *           count, first_ms, last_ms,
 *           PRIMARY KEY (minute_ms, pattern_set, app, stream, outcome, class))
 * outcome is "success", "failure" or "damaged"; class is "" unless failure.
 * first_ms/last_ms are the record stamps within the minute (NULL if none).
 *
 * Version 2 adds, for alerting (alert.h, webhook.h):
 *   alerts(name PRIMARY KEY, status, id, since_ms, last_notified_ms,
 *          streak, last_success_ms, last_failure_ms, created_ms)
 *   spool(seq INTEGER PRIMARY KEY AUTOINCREMENT, receiver, alert,
 *         alert_id, status, created_ms, body)
 * Version 3 adds to alerts, for the streak's order by stamp and for
 * keep_firing_for (alert.c):
 *   streak_since_ms, streak_floor_ms, keep_firing_since_ms
 * Any version may have, for a start of watch to tell what was written
 * while it was not running (state_meta.c), created on first write:
 *   meta(key PRIMARY KEY, value)    "first_start_ms", "last_commit_ms"
 *   copies_read(dev, ino, size, head_crc, read_ms,
 *               PRIMARY KEY (dev, ino))
 *   copies_seen(dev, ino, size, head_crc, PRIMARY KEY (dev, ino))
 * An older database is upgraded when `watch` opens it; `summary` reads
 * any.  An alert's state, the notifications its change queues and the
 * counts that caused it go into the same transaction, so after a kill -9
 * they are all there or all read again.
 */
#ifndef OMNIWATCH_STATE_H
#define OMNIWATCH_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct state_file {
	uint64_t	 dev;
	uint64_t	 ino;
	uint32_t	 fp_len;	/* bytes of the file's head hashed */
	uint32_t	 fp_crc;	/* crc32 (zlib) of those bytes */
	uint64_t	 offset;	/* bytes; records before it are counted */
	char		*path;		/* last known path */
	int64_t		 updated_ms;
	/* The last bytes read (AT_LEN of them, at most 256, crc32 AT_CRC)
	 * end at AT_OFFSET (>= offset); AT_LEN 0: not known. */
	uint64_t	 at_offset;
	uint32_t	 at_len;
	uint32_t	 at_crc;
};

struct state_count {
	int64_t		 minute_ms;	/* start of the minute, ms */
	const char	*pattern_set;
	const char	*app;
	const char	*stream;	/* "out", "error" or "" */
	const char	*outcome;	/* "success", "failure", "damaged" */
	const char	*class;		/* failure class, or "" */
	uint64_t	 count;
	int64_t		 first_ms;	/* STAMP_NONE when not stamped */
	int64_t		 last_ms;
};

/*
 * Where records counted without a stamp in the minute that starts at
 * MINUTE_MS are placed (ms): at the end of their minute, the latest they
 * can be, or at NOW_MS while that minute is not over (omniwatch(1),
 * check).  The one rule for every reader of buckets.
 */
int64_t state_minute_at(int64_t minute_ms, int64_t now_ms);

/* Where bucket C's records are placed (ms): at its last stamp, else as
 * state_minute_at places unstamped ones. */
int64_t state_count_at(const struct state_count *c, int64_t now_ms);

/* An alert rule's state; strings are borrowed (valid during a call). */
struct state_alert {
	const char	*name;
	const char	*status;	/* "inactive", "pending", "firing" */
	const char	*id;		/* the firing episode's id, or "" */
	int64_t		 since_ms;	/* of the status; 0 when inactive */
	int64_t		 last_notified_ms;	/* 0: never */
	uint64_t	 streak;	/* consecutive failures now */
	int64_t		 last_success_ms;	/* 0: none seen */
	int64_t		 last_failure_ms;	/* 0: none seen */
	int64_t		 created_ms;	/* the rule was first seen */
	/* Version 3 (alert.c says what they are for). */
	int64_t		 streak_since_ms;	/* oldest stamp in it; 0 */
	int64_t		 streak_floor_ms;	/* latest success stamp; 0 */
	int64_t		 keep_firing_since_ms;	/* firing, false since; 0 */
	/* The last counted failure, redacted (at most 2 KiB), for the
	 * notices after a restart; borrowed, not NUL-terminated. */
	const char	*sample;
	size_t		 sample_len;
};

/* A notification waiting for delivery; strings borrowed as above. */
struct state_notice {
	int64_t		 seq;		/* set by state_spool_add */
	const char	*receiver;
	const char	*alert;
	const char	*alert_id;
	const char	*status;	/* "firing" or "resolved" */
	int64_t		 created_ms;
	const char	*body;		/* the exact bytes to POST */
	size_t		 len;
};

struct state;

/*
 * Opens (creating DIR with mode 0750 and the database as needed)
 * DIR/omniwatch.db.  READ_ONLY opens an existing database for `summary`
 * and fails if there is none.  Returns NULL with *ERR set (malloc'd, naming
 * the file and SQLite's message).
 */
struct state *state_open(const char *dir, bool read_only, char **err);

/* Adds C to its bucket at the next commit.  Returns 0, or -1 (logged)
 * when ST is read-only; so do the changes below. */
int state_count(struct state *st, const struct state_count *c);

/* Records F's offset at the next commit. */
int state_file_save(struct state *st, const struct state_file *f);

/* Forgets the file with DEV, INO at the next commit. */
int state_file_forget(struct state *st, uint64_t dev, uint64_t ino);

/*
 * Writes every change since the last successful commit in one
 * transaction.  Returns 0, or -1 when it failed: the database is
 * unchanged, the changes are kept for the next call, and the failure is
 * logged once (and its end once), however often it is retried.
 */
int state_commit(struct state *st);

/* True when changes wait for state_commit(). */
bool state_is_dirty(const struct state *st);

/*
 * Loads every saved file into *FILES (malloc'd array of *N; free with
 * state_files_free).  Returns 0 or -1.
 */
int state_files_load(struct state *st, struct state_file **files, size_t *n);
void state_files_free(struct state_file *files, size_t n);

/*
 * Calls FN for every bucket whose minute lies in [SINCE_MS, UNTIL_MS)
 * (STAMP_NONE for no bound), in minute order.  Returns 0 or -1.
 */
int state_buckets(struct state *st, int64_t since_ms, int64_t until_ms,
    void (*fn)(void *ctx, const struct state_count *c), void *ctx);

/* Saves (inserts or replaces) A at the next commit. */
int state_alert_save(struct state *st, const struct state_alert *a);

/* Forgets the alert NAME at the next commit. */
int state_alert_forget(struct state *st, const char *name);

/* Calls FN for every saved alert, by name.  Returns 0 or -1 (logged). */
int state_alerts(struct state *st,
    void (*fn)(void *ctx, const struct state_alert *a), void *ctx);

/*
 * Queues N at the next commit and sets N->seq now, which grows with
 * every notice.  Returns 0 or -1.
 */
int state_spool_add(struct state *st, struct state_notice *n);

/* Removes the notice SEQ at the next commit. */
int state_spool_remove(struct state *st, int64_t seq);

/* Calls FN for every queued notice, oldest first.  Returns 0 or -1. */
int state_spool(struct state *st,
    void (*fn)(void *ctx, const struct state_notice *n), void *ctx);

/*
 * The time of the last record of OUTCOME for pattern set SET ever
 * committed (its stamp, else where state_minute_at() places it at
 * NOW_MS) into *MS, or STAMP_NONE; ms since the epoch.  Returns 0 or -1.
 */
int state_last_outcome(struct state *st, const char *set,
    const char *outcome, int64_t now_ms, int64_t *ms);

/*
 * Saves VALUE under KEY in the meta table at the next commit.  Returns 0
 * or -1 (logged).
 */
int state_meta_set(struct state *st, const char *key, int64_t value);

/*
 * Reads KEY's value into *VALUE.  Returns 0, 1 when there is none (or the
 * database has no meta table yet), or -1 (logged).
 */
int state_meta_get(struct state *st, const char *key, int64_t *value);

/*
 * Calls FN with each key of the meta table that starts with PREFIX, in
 * key order, and its value.  Returns 0 (none, or no meta table yet), or
 * -1 (logged).
 */
int state_meta_each(struct state *st, const char *prefix,
    void (*fn)(void *ctx, const char *key, int64_t value), void *ctx);

/*
 * The copies watch has read (tail_copy.c): that the copy with DEV, INO
 * was read when it was SIZE bytes long (on disk) with HEAD_CRC (crc32 of
 * its first bytes as stored), at NOW_MS, at the next commit (and known to
 * state_copy_read_get at once).  Returns 0 or -1.
 */
int state_copy_read_save(struct state *st, uint64_t dev, uint64_t ino,
    uint64_t size, uint32_t head_crc, int64_t now_ms);

/* The size and head crc the copy DEV, INO had when read.  Returns 0, 1
 * when it was never read, or -1. */
int state_copy_read_get(struct state *st, uint64_t dev, uint64_t ino,
    uint64_t *size, uint32_t *head_crc);

/* Forgets the copies read before BEFORE_MS at the next commit.  Returns 0
 * or -1. */
int state_copies_read_prune(struct state *st, int64_t before_ms);

/* A copy rotation left, by identity: a copy rewritten with other text or
 * length, or another file at its inode, is another copy. */
struct state_copy {
	uint64_t	 dev;
	uint64_t	 ino;
	uint64_t	 size;		/* bytes on disk (compressed or not) */
	uint32_t	 head_crc;	/* crc32 of its first bytes as stored */
};

/*
 * Replaces, at the next commit, the set of copies present when it is
 * made (tail_copy_seen.c) with the NCOPIES in COPIES (copied).  Returns 0 or
 * -1.
 */
int state_copies_seen_save(struct state *st, const struct state_copy *copies,
    size_t ncopies);

/*
 * The set of copies the last commit (or a save since) holds, into
 * *COPIES (malloc'd, the caller frees) and *NCOPIES.  Returns 0, 1 when
 * no set was ever saved (a state of an older omniwatch), or -1 (logged).
 */
int state_copies_seen_load(struct state *st, struct state_copy **copies,
    size_t *ncopies);

/* Rolls back anything uncommitted and closes.  Accepts NULL. */
void state_close(struct state *st);

#endif

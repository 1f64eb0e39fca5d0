/*
 * state: what `watch` must not forget, in SQLite (WAL mode) under
 * state_dir/omniwatch.db: for each followed file its identity and the
 * offset up to which its records are counted, and per-minute buckets of
 * counts.
 *
 * Exactly-once counting rests on one rule: counts and the offsets past the
 * records they came from are committed in the same transaction.  The
 * transaction opens at the first change and closes at state_commit(); after
 * a kill -9 both are rolled back together, the records are read again and
 * counted once.  `summary` reads the buckets through a second connection and
 * sees only committed data.
 *
 * Schema (version 1):
 *   files(dev, ino, fp_len, fp_crc, offset, path, updated_ms,
 *         PRIMARY KEY (dev, ino))
 *   buckets(minute_ms, pattern_set, app, stream, outcome, class,
 *           count, first_ms, last_ms,
 *           PRIMARY KEY (minute_ms, pattern_set, app, stream, outcome, class))
 * outcome is "success", "failure" or "damaged"; class is "" unless failure.
 * first_ms/last_ms are the record stamps within the minute (NULL if none).
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

struct state;

/*
 * Opens (creating DIR with mode 0750 and the database as needed)
 * DIR/omniwatch.db.  READ_ONLY opens an existing database for `summary`
 * and fails if there is none.  Returns NULL with *ERR set (malloc'd, naming
 * the file and SQLite's message).
 */
struct state *state_open(const char *dir, bool read_only, char **err);

/* Adds C to its bucket (inside the open transaction; opens one). */
int state_count(struct state *st, const struct state_count *c);

/* Records F's offset (inside the open transaction; opens one). */
int state_file_save(struct state *st, const struct state_file *f);

/* Forgets the file with DEV, INO (inside the open transaction). */
int state_file_forget(struct state *st, uint64_t dev, uint64_t ino);

/* Commits the open transaction, if any.  Returns 0 or -1 (logged). */
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

/* Rolls back anything uncommitted and closes.  Accepts NULL. */
void state_close(struct state *st);

#endif

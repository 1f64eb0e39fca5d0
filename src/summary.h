/*
 * summary: the counts that `watch` committed to the state, read back into
 * an aggregate, so that `omniwatch summary` prints the same report as
 * `scan` would have for the same records.
 *
 * Buckets are matched to AGG's sets by pattern set name; classes by name
 * within the set.  The state outlives pattern edits: a bucket of a set that
 * AGG does not hold is skipped quietly (another config counted it), a
 * failure class that the set no longer has is skipped with one warning per
 * class.  The resolution is the bucket's minute.
 */
#ifndef OMNIWATCH_SUMMARY_H
#define OMNIWATCH_SUMMARY_H

#include <stdint.h>

#include "aggregate.h"
#include "match.h"
#include "pm2_apps.h"
#include "progress.h"
#include "series.h"
#include "state.h"

/*
 * Keeps in ST (at its next commit) what watch counts with: DIGEST, its
 * config's (config.h), and its N SETS' (match_sets_digest, and each
 * set's by path), for summary_config_changed.  Errors are logged by the
 * state and otherwise ignored: a digest missed is a word not said.
 */
void summary_config_save(struct state *st, uint64_t digest,
    struct match_set *const *sets, size_t nsets);

/*
 * When what watch counts with (the digests summary_config_save kept in
 * ST) is not the config at CONFIG_PATH as it is now (DIGEST, config.h's)
 * and the N pattern SETS loaded from it now: one of them edited since
 * watch read it and not reloaded, or another configuration's state_dir.
 * Returns what check and summary say of it, malloc'd (the caller frees
 * it): "watch counts with another configuration than PATH as it is now
 * (...): reload watch (SIGHUP)", or "... another pattern set than FILE
 * ..." naming the set file edited, or "... other pattern sets than PATH
 * names ..." when other bytes are found at another path (a set moved,
 * another OMNIWATCH_PATTERNS); the same bytes elsewhere are no change.  NULL when they
 * agree, or ST holds no digest (no watch has started on it); the sets
 * are not compared in a state whose watch predates their digest.  Stated
 * once for both.
 */
char *summary_config_changed(struct state *st, uint64_t digest,
    struct match_set *const *sets, size_t nsets, const char *config_path);

/*
 * Adds to AGG every bucket of ST whose minute starts in [SINCE_MS,
 * UNTIL_MS) (STAMP_NONE: no bound).  Returns 0, or -1 when the state could
 * not be read (logged, naming the file).
 */
int summary_load(struct state *st, struct aggregate *agg, int64_t since_ms,
    int64_t until_ms);

/*
 * As summary_load, and also adds each bucket to SERIES (its hour is the
 * bucket's minute's; SERIES holds the same sets as AGG, or is NULL) and
 * counts the buckets read in PROGRESS (or NULL).
 */
int summary_load_series(struct state *st, struct aggregate *agg,
    struct series *series, struct progress *progress, int64_t since_ms,
    int64_t until_ms);

/*
 * The time of the last record of OUTCOME in pattern set SET_NAME before
 * NOW_MS (where state_count_at places its bucket: its stamp, else the end
 * of its minute, or NOW_MS if that minute is not over) into *LAST_MS, or
 * STAMP_NONE when the state holds none.  Looks back an hour, a day, 31
 * days, then through the whole state, so that the usual case reads few
 * buckets.  Returns 0, or -1 when the state could not be read (logged).
 */
int summary_last(struct state *st, const char *set_name,
    enum match_outcome outcome, int64_t now_ms, int64_t *last_ms);

/*
 * What `watch` kept of PM2's own log: the events of [SINCE_MS, UNTIL_MS)
 * per app and instance, and every instance's last state (whatever the
 * range: a state is now's).  Returns a new pm2_apps (free with
 * pm2_apps_free), NULL when the state holds none, and sets *RC to 0 or
 * -1 (the state could not be read; logged).
 */
struct pm2_apps *summary_load_pm2(struct state *st, int64_t since_ms,
    int64_t until_ms, int *rc);

#endif

/*
 * tail_int: what the parts of the tailer share, and nothing outside them
 * may use (tail.h is the interface):
 *   tail.c         the driver: directories, inotify, the sweep, the
 *                  tick, saving offsets
 *   tail_names.c   which names in a directory are live files, which are
 *                  their rotated copies, and the app and stream of each
 *   tail_file.c    one followed file: identity (device, inode,
 *                  fingerprint), reading, truncation, rotation
 *   tail_copy.c    the copies rotation leaves beside a file: finding the
 *                  one that holds our text, reading what we had not
 *   tail_start.c   a start: the saved offsets, and what was written,
 *                  rotated or deleted while watch was not running
 *   tail_copy_seen.c  which copies each commit saw, by identity: how
 *                  a start finds the copies made while it was stopped
 *   tail_index.c   the followed files by path, for the events
 */
#ifndef OMNIWATCH_TAIL_INT_H
#define OMNIWATCH_TAIL_INT_H

#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>

#include "tail.h"

#define TAIL_BUFSIZE	(256 * 1024)
#define TAIL_READ_MAX	(8 * 1024 * 1024)	/* per file per turn */
#define TAIL_POLL_MS	1000	/* polling, and checking rotated files */
#define TAIL_GONE_MAX	256	/* struct tail_gone kept */
#define TAIL_MISSED_LOOKS 8	/* looks at the copies again, as rotation
				   renames them while we judge and read */
#define TAIL_DIR_EVENTS	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | \
	IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | \
	IN_MOVE_SELF | IN_ONLYDIR)

/* A set of copies by identity (tail_copy_seen.c). */
struct tail_seen {
	struct state_copy *copies;
	size_t		 ncopies;
};

struct tail_file {
	struct tail	*t;
	struct tail_file *next;
	struct tail_file *index_next;	/* in its tail_index.c bucket */
	uint32_t	 path_hash;
	char		*path;
	char		*app;
	const char	*stream;
	int		 fd;
	uint64_t	 dev;
	uint64_t	 ino;
	uint32_t	 fp_len;
	uint32_t	 fp_crc;
	uint64_t	 fp_size;	/* file size when fp was last checked */
	struct timespec	 fp_mtime;	/* and its mtime */
	/* The head's bytes when last found to match fp_len and fp_crc (as
	 * head_len and head_crc say), compared instead of hashed at every
	 * read; stale as soon as the fingerprint is another. */
	unsigned char	 head[TAIL_FP_MAX];
	uint32_t	 head_len;
	uint32_t	 head_crc;
	uint64_t	 offset;	/* bytes of the file fed to the pipeline */
	/* The last AT_LEN bytes read, which end at offset (tail_at_learn):
	 * saved as where its text was last seen (state_file's at_*). */
	unsigned char	 at[TAIL_FP_MAX];
	uint32_t	 at_len;
	uint64_t	 saved_offset;	/* last offset saved, or UINT64_MAX */
	uint32_t	 saved_fp_len;	/* and the fingerprint saved with it */
	uint32_t	 saved_fp_crc;
	struct pipeline	*pipeline;
	bool		 is_rotated;	/* no longer at its path: drain, drop */
	bool		 is_copy_only;	/* read from its copies, never
					   followed: nothing to let go */
	bool		 has_more;	/* stopped at TAIL_READ_MAX */
	bool		 is_dirty;	/* modified: read after this batch */
	int64_t		 last_growth_ms;
	int64_t		 flush_at_ms;	/* idle flush due, or 0 */
	bool		 is_emptied;	/* truncation seen (or opened at 0),
					   nothing read since */
	struct tail_seen emptied;	/* the copies beside it then */
	struct tail_seen beside;	/* the copies beside it when opened */
	/* A copy of it may have come since we last looked at them (an event
	 * on a copy name, tail_mark_copied): judged before it is read on
	 * from the offset (tail_check_copied), against the copies beside it
	 * at that last look (copied_base).  Judged when the new ones settle:
	 * not before copied_due_ms (t->now_ms), 0 when no look waits. */
	bool		 is_copied;
	int64_t		 copied_due_ms;
	struct tail_seen copied_base;
	int		 instance;	/* the name's cluster pm_id, or -1 */
};

/*
 * A file rotated away from PATH and let go (or deleted): what the file
 * that takes its place there needs of it to tell the generations it never
 * read from its copies (tail_drain_between), and what tells its own
 * copies, grown or compressed, as text counted up to SIZE
 * (tail_copy_counted_to, tail_check_let_go).
 */
struct tail_gone {
	struct tail_gone *next;
	char		*path;
	struct tail_seen beside;	/* its f->beside */
	uint64_t	 dev;
	uint64_t	 ino;
	uint64_t	 size;		/* its length when let go */
	uint32_t	 head_len;	/* min(size, TAIL_FP_MAX) */
	uint32_t	 head_crc;	/* crc32 of its first head_len bytes */
};

struct tail_dir {
	char		*path;
	char		*real;		/* realpath at watch time */
	int		 wd;		/* -1: not watched (missing, ENOSPC) */
	bool		 warned_missing;
	bool		 warned_unlisted;	/* opendir(3) failed */
	bool		 warned_unwatched;	/* inotify_add_watch failed */
	bool		 warned_unread;	/* a copy compressed by xz, zstd... */
	bool		 is_home;	/* PM2_HOME itself: its pm2.log only */
	const struct config_source *src;
};

struct tail {
	const struct config *cfg;
	struct match_set **sets;
	size_t		 nsets;
	struct state	*st;
	struct tail_cb	 cb;
	struct pipeline_options popts;
	int		 ifd;
	struct tail_dir	*dirs;
	size_t		 ndirs;
	struct tail_file *files;
	struct tail_file **index;	/* tail_index.c: NINDEX buckets */
	size_t		 nindex;
	size_t		 nindexed;
	bool		 is_polling;	/* some directory is not watched */
	bool		 is_home_dirty;	/* tail_home_changed() */
	bool		 is_dir_born;	/* a directory came into a home: it
					   may be one we wait for (logs/) */
	bool		 warned_enospc;
	int64_t		 next_sweep_ms;
	int64_t		 now_ms;
	char		*buf;
	struct tail_stats stats;
	/* The apps' logs dump.pm2 places elsewhere (tail_set_dump), each
	 * followed as a path source of its own. */
	const struct pm2_dump *dump;
	struct config_source *dump_srcs;
	size_t		 ndump_srcs;
	/* During tail_start(): the copies read from, so that none is read
	 * twice (tail_start.c); else NULL. */
	struct tail_claim {
		uint64_t dev;
		uint64_t ino;
	}		*claims;
	size_t		 nclaims;
	bool		 is_starting;
	/* During tail_start(): the files the last commit saved, each a
	 * possible heir of another's copies (tail_copy_is_heirs); else
	 * NULL. */
	const struct state_file *start_saved;
	size_t		 start_nsaved;
	/* The copies present at the last commit (tail_copy_seen.c); during a
	 * start, at the last commit before it. */
	struct tail_seen seen;
	bool		 has_seen;	/* the state holds that set */
	bool		 is_seen_dirty;	/* a copy may have come or changed */
	/* The files let go (newest first, at most TAIL_GONE_MAX). */
	struct tail_gone *gone;
	size_t		 ngone;
	/* Paths that would not open, and why (an errno): each is warned
	 * about once, not at every sweep, until it opens, goes, or fails
	 * for another reason (tail_file.c). */
	struct tail_refused {
		char	*path;
		int	 err;
	}		*refused;
	size_t		 nrefused;
};

/* tail_file.c: forgets the refusals of tail_open(). */
void tail_refused_free(struct tail *t);

/* tail_names.c */

/* The app PATH belongs to (PM2's name, else the stem); malloc'd. */
char *tail_app_of(const char *path);
/* Is FULL (NAME in directory D) a live file one of D's sources follows? */
bool tail_is_live(const struct tail_dir *d, const char *name,
    const char *full);
/* Is PATH at a live name of one of T's directories?  The last commit saves
 * a file rotated away under its rotated name once a start found it there:
 * that file is drained, and the copies its name would own are the live
 * file's. */
bool tail_is_live_path(const struct tail *t, const char *path);
/* PATH's name (malloc'd) if PATH is in directory DIR (as path_join
 * makes it: "logs/" is "logs"), else NULL. */
char *tail_name_in(const char *dir, const char *path);
/* Is NAME (in the same directory) a copy rotation made of live file BASE? */
bool tail_is_copy_name(const char *base, const char *name);
/*
 * And one that no other program's log can be named: PM2's names, BASE's
 * whole name then '.', '-' or '_', or its stem then "__" -- not its stem
 * then '.', '-' or '_' and a digit, which "app-1.log", "app.1.log" or
 * "app_2.log" of another app also are.  A copy read whole, with nothing
 * but its name to tie it to BASE, must be one.
 */
bool tail_is_sure_copy_name(const char *base, const char *name);

/*
 * Is NAME in directory D a copy rotation made of one of D's live files,
 * whether that file is still there or not?  PM2 sources: any rotated PM2
 * name.  Path sources: a copy name (tail_is_copy_name) of one of the
 * NBASES live names in BASES.
 */
bool tail_is_copy_in(const struct tail_dir *d, const char *name,
    char *const *bases, size_t nbases);

/* Calls FN for each directory SRC names now (PM2_HOME/logs, and
 * PM2_HOME itself with IS_HOME for its pm2.log; a path's directory, or
 * each that its glob matches). */
void tail_source_dirs(const struct config_source *src, void (*fn)(void *ctx,
    const char *dir, const struct config_source *src, bool is_home),
    void *ctx);

/* tail_identity.c */

/* crc32 of the first LEN bytes of FD into *CRC; -1 when fewer exist. */
int tail_fp_compute(int fd, uint32_t len, uint32_t *crc);
/* Do F's first fp_len bytes still hash to its fingerprint? */
bool tail_fp_same(struct tail_file *f);
/* Checks F's head against its fingerprint, extending it while F is
 * short; false when the head changed. */
bool tail_fp_check(struct tail_file *f, const struct stat *st);
/* Is F (ST: an fstat now) still our text?  If not, read as a truncation. */
void tail_check_identity(struct tail_file *f, const struct stat *st);
/*
 * F was marked (f->is_copied): was it copied away by copytruncate since we
 * last looked at its copies, its size and head still ours (an app that
 * writes the same records over and over, rotated twice between two of our
 * reads)?  Then it is read as a truncation, as a start reads it.  ST: an
 * fstat of F now.  Returns false while a new copy with F's head may still
 * be being written: F is not read on until it settles (the tick looks
 * again at f->copied_due_ms).
 */
bool tail_check_copied(struct tail_file *f, const struct stat *st);
/* NAME in directory D, no live file, was created, moved there or written
 * and closed: marks the live files it may be a copy of (f->is_copied). */
void tail_mark_copied(struct tail *t, const struct tail_dir *d,
    const char *name);
/* Learns F's fingerprint, and the last bytes read, from the N bytes in
 * BUF just read at F's offset (before the offset moves past them). */
void tail_fp_learn(struct tail_file *f, const char *buf, size_t n);
void tail_at_learn(struct tail_file *f, const char *buf, size_t n);
/* Does F (opened at SF's offset, ST an fstat of it) still hold the bytes
 * SF last saw at SF's at_offset?  Yes when SF does not know them. */
bool tail_at_same(struct tail_file *f, const struct state_file *sf,
    const struct stat *st);

/* tail_file.c */

struct tail_file *tail_file_new(struct tail *t, const char *path, int fd,
    const struct stat *st);
void tail_file_free(struct tail_file *f);
/* Unlinks F from the list, forgets it in the state, frees it. */
void tail_file_drop(struct tail_file *f);
/* Drops F, rotated and quiet (ST: fstat now), noting where it was
 * counted to (tail_copy_counted_to). */
void tail_let_go(struct tail_file *f, const struct stat *st);
/* The followed file with that identity (rotated or not), or NULL. */
struct tail_file *tail_find_inode(struct tail *t, uint64_t dev,
    uint64_t ino);
/* Opens PATH and follows it from OFFSET (bytes); NULL if it cannot be
 * opened, is not a regular file or is already followed. */
struct tail_file *tail_open(struct tail *t, const char *path,
    uint64_t offset);
/* The same with the file open at FD (taken), named PATH. */
struct tail_file *tail_follow(struct tail *t, const char *path, int fd,
    uint64_t offset);
/* Marks F rotated away from its path; it is drained until let go. */
void tail_rotated(struct tail_file *f, const char *why);
/* F was truncated or rewritten (now SIZE bytes): what it held past our
 * offset is read from its copy (SEEN: on a start, the copies present at
 * the last commit; live, those at our last look at F's copies when one
 * may have come since, f->copied_base, else NULL), then F is read again
 * from 0.  Our look at F's copies is now (f->copied_base). */
void tail_truncated(struct tail_file *f, uint64_t size,
    const struct tail_seen *seen);
/* Reads what F has beyond our offset, up to TAIL_READ_MAX this turn. */
void tail_read(struct tail_file *f);
/* The file at PATH may have changed: follow what is there now. */
void tail_check_path(struct tail *t, const char *path);

/* tail_copy.c */

struct tail_copy {
	char		*path;
	struct timespec	 mtime;
	uint64_t	 dev;
	uint64_t	 ino;
	uint64_t	 size;		/* bytes on disk */
};

/* The copies beside the live file PATH (inode INO and copies read before
 * left out), oldest mtime first, into *COPIES (free with
 * tail_copies_free); how many. */
size_t tail_copies(struct tail *t, const char *path, uint64_t ino,
    struct tail_copy **copies);
/*
 * Was the copy at PATH (ST) read before, with the same length and head
 * as now (the state's copies_read)?  Then every byte of it is counted: what precedes the
 * offset it was read from came from the live file.  pm2-logrotate 3.0.0
 * rotating one file twice at once (a cluster app) writes the same copy
 * from two streams, and the second may finish after we read it: its
 * mtime then tells nothing.
 */
bool tail_copy_was_read(struct tail *t, const char *path,
    const struct stat *st);
void tail_copies_free(struct tail_copy *copies, size_t ncopies);
/*
 * Up to which byte of its text the copy at PATH (ST) was counted: the
 * offset a rotated file was let go at (tail_let_go), or the length a copy
 * was read to, while PATH is that file still (device, inode and the head
 * it had then), as long or longer.  A compressed copy, by its text's head
 * and length: of a file we follow, all of it (we read it from the file);
 * of one let go since this watch started (struct tail_gone), that file's
 * offset.  Else UINT64_MAX.
 */
uint64_t tail_copy_counted_to(struct tail *t, const char *path,
    const struct stat *st);
/*
 * Does C's name still hold C (device and inode)?  What is judged by a
 * copy's name is judged of the file the name holds then: renamed by a
 * rotation meanwhile, C must be judged again.  tail_copies_moved: was
 * any of COPIES renamed since it was listed?
 */
bool tail_copy_is_still(const struct tail_copy *c);
bool tail_copies_moved(const struct tail_copy *copies, size_t ncopies);
/*
 * Opens copy C by its identity, not by the name it was listed under
 * (rotation renames copies while we read others).  Returns the
 * descriptor (at 0) and *PATH (malloc'd), its name now; -1 when it is
 * gone.
 */
int tail_copy_open(const struct tail_copy *c, char **path);
/*
 * Reads copy C from byte FROM of its text on, text no commit counted
 * (WHY says how we know, for the log): a plain copy is followed as a
 * rotated file, drained until let go (its writer may still hold it:
 * PM2 until `pm2 reloadLogs`; and a crash before the next commit resumes
 * it from its saved offset); a compressed one is read at once.  Returns
 * the bytes read now.
 */
uint64_t tail_copy_take(struct tail *t, const struct tail_copy *c,
    uint64_t from, const char *why);
/* Does FD start with gzip's magic (RFC 1952 section 2.3.1)?  As source.c
 * does, by the bytes, not the name. */
bool tail_fd_is_gz(int fd);
/* The mtime of a copy in ms since the epoch, rounded down. */
int64_t tail_copy_ms(const struct tail_copy *c);
/* Sorts COPIES oldest mtime first (dated names sort in time). */
void tail_copies_sort(struct tail_copy *copies, size_t ncopies);
/* Do the first LEN bytes of PATH (decompressed if gzip) have CRC? */
bool tail_copy_has_head(const char *path, uint32_t len, uint32_t crc);
/* Feeds F's pipeline with copy C from byte SKIP on, wherever rotation
 * renamed C since it was listed; returns bytes fed. */
uint64_t tail_copy_feed(struct tail_file *f, const struct tail_copy *c,
    uint64_t skip);
/* Is copy C not in SEEN (or changed since), nor a file we follow (read
 * as itself: a generation tail_drain_missed took)?  Then it may hold
 * text of F's that we have not read (tail_copy_pick, tail_copied_since,
 * tail_check_copied). */
bool tail_copy_is_new(struct tail *t, const struct tail_copy *c,
    const struct tail_seen *seen);
/* Which of COPIES holds the text F was reading (see tail_copy.c; SEEN
 * as for tail_truncated); an index or SIZE_MAX. */
size_t tail_copy_pick(const struct tail_file *f,
    const struct tail_copy *copies, size_t ncopies,
    const struct tail_seen *seen);
/*
 * Is copy C (plain or gzip) one F still holds whole, from our offset
 * FROM to C's end (logrotate's `copy`, logrotate(8): the original is not
 * changed)?  Such a copy adds nothing to F's text; one that ends at FROM
 * shows nothing and is not.  The one test of it, wherever copies are
 * judged (tail_copied_since, tail_copy_pick).  Reads through t->buf.
 */
bool tail_copy_is_kept(const struct tail_file *f, const struct tail_copy *c,
    uint64_t from);
/* Was F copied away by copytruncate since the commit that saw SEEN (live:
 * since our last look at its copies)?  (A kept copy, tail_copy_is_kept,
 * is not that, and is noted as read.) */
bool tail_copied_since(const struct tail_file *f,
    const struct tail_seen *seen);
/* Feeds F's pipeline with what its copies hold that we had not read
 * (SEEN as for tail_truncated); whether a copy held F's text. */
bool tail_drain_copy(struct tail_file *f, const struct tail_seen *seen);
/* F, emptied by a truncation or opened at 0 (f->is_emptied), has text
 * again, HEAD (N bytes) read at 0: reads whole generations written and
 * rotated in between, from their copies; whether it read any. */
bool tail_drain_missed(struct tail_file *f, const char *head, size_t n);
/* F, just opened, took the place of OLD at its path: reads whole the
 * generations the path held in between (tail_copy.c). */
void tail_drain_between(struct tail_file *f, const struct tail_gone *old);
/* OLD's part as struct tail_gone has it, from its descriptor now; OLD's
 * beside is borrowed. */
void tail_gone_of(const struct tail_file *old, struct tail_gone *g);
/* The file at PATH, not a live name, was written to: if it is one we let
 * go, appended to since, it is followed again from where we let it go. */
void tail_check_let_go(struct tail *t, const char *path);
/* Forgets every struct tail_gone (tail_free). */
void tail_gone_free_all(struct tail *t);

/* Reads up to LEN bytes of PATH's text (decompressed if gzip) into BUF;
 * how many were read (0 when it cannot be opened). */
size_t tail_copy_read_head(const char *path, char *buf, size_t len);

/* tail_copy_seen.c */

/* crc32 of the first TAIL_FP_MAX bytes of PATH as stored (compressed or
 * not; fewer if it is shorter), or 0 when it cannot be read. */
uint32_t tail_copy_head_crc(const char *path);
/* The same of its first LEN bytes (at most TAIL_FP_MAX). */
uint32_t tail_copy_head_crc_n(const char *path, uint32_t len);
/* The same of the file open at FD (its first TAIL_FP_MAX bytes). */
uint32_t tail_fd_head_crc(int fd);
/* Is the file at PATH (ST) the copy ID: same device, inode, size, head? */
bool tail_copy_is(const struct state_copy *id, const char *path,
    const struct stat *st);
/* Adds the copy at PATH (ST: device, inode, size) to S. */
void tail_seen_add(struct tail_seen *s, const char *path,
    const struct stat *st);
/* The length of the text of the copy at PATH (SIZE bytes on disk): SIZE,
 * or for a gzip file its ISIZE (the length mod 2^32). */
uint64_t tail_copy_text_len(const char *path, uint64_t size);
/* Is the copy at PATH (ST) in S, unchanged? */
bool tail_seen_has(const struct tail_seen *s, const char *path,
    const struct stat *st);
/* Or was it in S, the same file then shorter (same device, inode and
 * head)?  A writer that still holds a renamed file appends to it. */
bool tail_seen_had(const struct tail_seen *s, const char *path,
    const struct stat *st);
/* Sets DST to a copy of SRC (DST's memory freed first). */
void tail_seen_copy(struct tail_seen *dst, const struct tail_seen *src);
/* Empties S (its memory freed); S stays usable. */
void tail_seen_release(struct tail_seen *s);
/* Sets S to the NCOPIES in COPIES (S's memory freed first). */
void tail_seen_set(struct tail_seen *s, const struct tail_copy *copies,
    size_t ncopies);
/* Sets S to the copies beside live file F now (tail_copies). */
void tail_seen_beside(struct tail *t, const struct tail_file *f,
    struct tail_seen *s);
/*
 * Every copy in the sources' directories now (tail_is_copy_in, with the
 * live names there and those of the NSAVED in SAVED), once each, oldest
 * mtime first, into *COPIES (free with tail_copies_free); how many.
 */
size_t tail_copies_in_dirs(struct tail *t, const struct state_file *saved,
    size_t nsaved, struct tail_copy **copies);
/* At a commit: saves the copies present now as t->seen if they may have
 * changed (t->is_seen_dirty) since the last save. */
void tail_seen_commit(struct tail *t);
/*
 * At a start: t->seen from the state.  Before the very first start
 * (IS_FIRST) every copy in PRESENT (the NPRESENT copies there when the
 * start began) is taken as seen: tail.start_at decides about what is
 * older than watch.  A state without the set (an older omniwatch) takes
 * those no later than LAST_COMMIT_MS (ms since the epoch; -1: all).
 */
void tail_seen_load(struct tail *t, const struct tail_copy *present,
    size_t npresent, bool is_first, int64_t last_commit_ms);

/* tail_index.c */

/* Adds F (just put in t->files) to the index of paths. */
void tail_index_add(struct tail *t, struct tail_file *f);
/* Takes F out of the index, before it is freed. */
void tail_index_remove(struct tail *t, struct tail_file *f);
/* Frees the index (the files stay). */
void tail_index_free(struct tail *t);
/* The followed, not rotated file at PATH, or NULL. */
struct tail_file *tail_find_path(struct tail *t, const char *path);

/* tail.c */

/* Calls FN for each live file of directory D. */
void tail_dir_each(struct tail *t, struct tail_dir *d,
    void (*fn)(struct tail *t, const char *path, void *ctx), void *ctx);
/* The directories the sources name, watched (globs may add some). */
void tail_dirs_update(struct tail *t);

#endif

/*
 * state_journal: the changes made since the last successful commit, kept
 * in memory by state.c and written in one transaction by state_commit().
 *
 * Why in memory and not straight into an open transaction: a commit can
 * fail (the disk is full, an I/O error, the database locked or read-only)
 * and SQLite then rolls the transaction back, while the reader's offsets
 * have already moved past the records it held.  Kept here, the changes
 * survive the failure and go in whole with the next commit that succeeds;
 * the database meanwhile stays exactly as it was before the failed one.
 *
 * Changes to the same row are folded together, so that a long outage
 * grows the journal by rows touched, not by records read: counts of one
 * bucket add up (first/last stamps kept), a file's or an alert's latest
 * save replaces the one before unless a forget came between.  Order is
 * kept otherwise (a forget then a save of the same file replay in that
 * order).  All strings and blobs are copied.
 */
#ifndef OMNIWATCH_STATE_JOURNAL_H
#define OMNIWATCH_STATE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

enum state_op_kind {
	STATE_OP_COUNT,
	STATE_OP_FILE_SAVE,
	STATE_OP_FILE_FORGET,
	STATE_OP_ALERT_SAVE,
	STATE_OP_ALERT_FORGET,
	STATE_OP_SPOOL_ADD,
	STATE_OP_SPOOL_REMOVE,
	STATE_OP_CUSTOM,	/* another file's change (state_pm2.c) */
};

struct state;

/* A change of a table state.c does not know: written by WRITE (inside
 * the commit's transaction; 0 or -1), PAYLOAD freed by RELEASE. */
struct state_custom {
	int		(*write)(struct state *st, const void *payload);
	void		(*release)(void *payload);
	void		*payload;
};

struct state_op {
	enum state_op_kind kind;
	bool		 is_sealed;	/* a forget followed: fold no more in */
	int		 instance;	/* COUNT: PM2 instance, -1 the app's */
	union {
		struct state_count count;
		struct state_file file;		/* also FILE_FORGET's key */
		struct state_alert alert;	/* also ALERT_FORGET's name */
		struct state_notice notice;	/* also SPOOL_REMOVE's seq */
		struct state_custom custom;
	} u;
};

struct state_journal {
	struct state_op	*ops;
	size_t		 nops;
	size_t		 cap;
	size_t		*slots;		/* op index + 1 by row key; 0: free */
	size_t		 nslots;	/* a power of two, or 0 */
	size_t		 nused;
};

/* C into the app's bucket (INSTANCE -1) or an instance's (state_pm2.h). */
void state_journal_count(struct state_journal *j, const struct state_count *c,
    int instance);
void state_journal_file_save(struct state_journal *j,
    const struct state_file *f);
void state_journal_file_forget(struct state_journal *j, uint64_t dev,
    uint64_t ino);
void state_journal_alert_save(struct state_journal *j,
    const struct state_alert *a);
void state_journal_alert_forget(struct state_journal *j, const char *name);
/* N->seq must be set. */
void state_journal_spool_add(struct state_journal *j,
    const struct state_notice *n);
void state_journal_spool_remove(struct state_journal *j, int64_t seq);

/* Appends C (its payload is the journal's now); never folded. */
void state_journal_custom(struct state_journal *j,
    const struct state_custom *c);

/* Forgets every change (after they are committed, or at close). */
void state_journal_clear(struct state_journal *j);

#endif

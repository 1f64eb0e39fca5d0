/*
 * match_int: what match.c, match_load.c and match_literal.c share; not for
 * other modules (match.h is the public side).
 */
#ifndef OMNIWATCH_MATCH_INT_H
#define OMNIWATCH_MATCH_INT_H

#include <stdint.h>
#include <string.h>

#include "match.h"

#define MATCH_HEAD_MIN		4	/* shortest literal head we trust */
#define MATCH_TAIL_MIN		8	/* shortest head tail we trust */

/* Hashes the 8 bytes at P into one of the 4096 bits of head_windows. */
static inline unsigned
match_window_hash(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	v *= 0x9E3779B97F4A7C15ULL;
	return (unsigned)(v >> 52);	/* 12 bits: 4096 bit positions */
}

/* Sets F to find LIT (LEN bytes, borrowed) by its rarest byte. */
void match_finder_init(struct match_finder *f, const char *lit, size_t len);

/* Sets C->is_chain; after match_class_literals(C). */
void match_class_chain(struct match_class *c);

/* Sets SET->head_windows from the heads of the N classes CS. */
void match_set_windows(struct match_set *set, struct match_class *cs,
    size_t n);

/* Sets SET->common_head and SET->common, when every class has a head. */
void match_set_common(struct match_set *set);

#endif

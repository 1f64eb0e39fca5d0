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

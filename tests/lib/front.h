/*
 * front: the front of the pipeline for the unit tests -- line reader,
 * PM2 decoder and record builder, handing on to each other as
 * pipeline.c wires them (without its fast path) -- so that what a test
 * checks is what `scan` would see of the same bytes.
 */
#ifndef OMNIWATCH_FRONT_H
#define OMNIWATCH_FRONT_H

#include <stddef.h>

#include "line.h"
#include "pm2.h"
#include "record.h"

struct front {
	struct line_reader *lr;
	struct pm2_decoder *dec;
	struct record_builder *rb;
	/* Optional: told each message line before the record builder. */
	void	(*on_line)(void *ctx, const struct pm2_line *l);
	void	*ctx;
};

/*
 * RULES: the record rules (NULL: the default rule, no caps).  APP: the
 * decoder's default app; MAX_LINE: the line reader's cap (0: its
 * default).  RECORD(CTX, REC) is given each record.  Never NULL: it
 * fails the running test instead; free with front_free().
 */
struct front *front_new(const struct record_rules *rules, const char *app,
    size_t max_line, void (*record)(void *ctx, const struct record *rec),
    void *ctx);

/* Feeds the NUL-terminated S. */
void front_feed(struct front *f, const char *s);

/* End of input: the last line without LF, a JSON piece and the open
 * records are handed on. */
void front_finish(struct front *f);

/* Accepts NULL. */
void front_free(struct front *f);

#endif

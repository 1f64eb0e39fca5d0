/*
 * front: see front.h.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "front.h"

static void
front_on_pm2(void *ctx, const struct pm2_line *l)
{
	struct front *f = ctx;

	if (f->on_line != NULL)
		f->on_line(f->ctx, l);
	record_builder_line(f->rb, l);
}

static void
front_on_line(void *ctx, const struct line *l)
{
	struct front *f = ctx;

	pm2_decoder_line(f->dec, l);
}

struct front *
front_new(const struct record_rules *rules, const char *app, size_t max_line,
    void (*record)(void *ctx, const struct record *rec), void *ctx)
{
	struct front *f = calloc(1, sizeof(*f));
	struct record_rules none;
	struct record_builder_cb rcb = { record, ctx };
	struct pm2_decoder_cb dcb = { .line = front_on_pm2 };
	struct line_reader_cb lcb = { front_on_line, NULL, NULL, NULL, NULL };

	assert_non_null(f);
	if (rules == NULL) {
		memset(&none, 0, sizeof(none));
		rules = &none;
	}
	dcb.ctx = lcb.ctx = f;
	f->ctx = ctx;
	f->rb = record_builder_new(rules, &rcb);
	f->dec = pm2_decoder_new(app, 0, &dcb);
	f->lr = line_reader_new(max_line, &lcb);
	return f;
}

void
front_feed(struct front *f, const char *s)
{
	line_reader_feed(f->lr, s, strlen(s));
}

void
front_finish(struct front *f)
{
	line_reader_finish(f->lr, true);
	pm2_decoder_finish(f->dec);
	record_builder_flush(f->rb);
}

void
front_free(struct front *f)
{
	if (f == NULL)
		return;
	line_reader_free(f->lr);
	pm2_decoder_free(f->dec);
	record_builder_free(f->rb);
	free(f);
}

/*
 * fuzz_pipeline: log bytes through the whole pipeline (line -> pm2 ->
 * record -> match), fed whole and in chunks.
 *
 * Input: byte 0 picks the caps (small ones reach the cut paths) and
 * whether the text is PM2's own pm2.log (its daemon decoder's readings
 * go into the transcript too), byte 1
 * seeds the chunk sizes, the rest is the log text: plain lines, PM2
 * --time stamps, PM2's JSON lines, `pm2 logs` prefixes, multi-line
 * records (the seed corpus has each).  The same text goes through one
 * pipeline in a single pipeline_feed (the fast path takes what it can)
 * and through another in chunks of 1 to 64 bytes without the fast path
 * (every line takes the line-by-line path); both run the real omni
 * pattern set and a set whose one class matches any record.  Every outcome is written down with its
 * record's fields and text, and the two transcripts and statistics must
 * be equal: a difference aborts, as test_pipeline asserts for random
 * texts.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "log.h"
#include "match.h"
#include "pipeline.h"
#include "pm2_daemon.h"
#include "record.h"
#include "stamp.h"

static struct match_set *fp_sets[2];

struct fp_buf {
	char	*p;
	size_t	 len, cap;
};

static void
fp_put(struct fp_buf *b, const void *p, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

static void
fp_outcome(void *ctx, const struct pipeline_outcome *o)
{
	struct fp_buf *b = ctx;
	const struct record *r = o->record;
	char head[512];
	int n;

	n = snprintf(head, sizeof(head), "set=%zu out=%d class=%zu app=%s "
	    "off=%llu end=%llu line=%llu nlines=%zu cut=%d orphan=%d "
	    "follows=%d starts=%d open=%d ts=%lld len=%zu|", o->set_idx,
	    (int)o->outcome, o->outcome == MATCH_FAILURE ? o->class_idx : 0,
	    o->app, (unsigned long long)r->offset, (unsigned long long)r->end,
	    (unsigned long long)r->line_number, r->nlines, r->is_cut,
	    r->is_orphan, r->follows_close, r->starts_object, r->is_open,
	    (long long)r->ts_ms, r->len);
	fp_put(b, head, (size_t)n);
	fp_put(b, r->text, r->len);
	fp_put(b, "|\n", 2);
}

/* PM2's own log (pm2_daemon.h): each line's reading, in order. */
static void
fp_daemon_line(void *ctx, const struct pm2_daemon_line *l)
{
	struct fp_buf *b = ctx;
	char head[256];
	int n;

	n = snprintf(head, sizeof(head), "daemon kind=%d ts=%lld id=%d "
	    "old=%d mode=%d off=%llu end=%llu app=", (int)l->kind,
	    (long long)l->ts_ms, l->id, l->is_old, (int)l->mode,
	    (unsigned long long)l->offset, (unsigned long long)l->end);
	fp_put(b, head, (size_t)n);
	fp_put(b, l->app != NULL ? l->app : "", l->app != NULL ? l->app_len :
	    0);
	fp_put(b, "\n", 1);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char any[] =
	    "name: any\nfailure:\n  - class: any\n    regex: '[\\s\\S]'\n";
	char path[64], *err = NULL;
	int fd;

	log_set_level(LOG_LEVEL_ERROR);
	fp_sets[0] = match_set_load(OMNIWATCH_SRC_PATTERNS_DIR "/omni.yaml",
	    &err);
	fd = fuzz_memfile((const uint8_t *)any, sizeof(any) - 1, path,
	    sizeof(path));
	if (fp_sets[0] != NULL)
		fp_sets[1] = match_set_load(path, &err);
	close(fd);
	if (fp_sets[0] == NULL || fp_sets[1] == NULL) {
		fprintf(stderr, "fuzz_pipeline: %s\n", err);
		abort();
	}
	return 0;
}

/* The transcript of TEXT fed in chunks (SEED 0: whole). */
static void
fp_run(const struct pipeline_options *opts, const char *text, size_t len,
    unsigned int seed, struct fp_buf *out, struct pipeline_stats *stats)
{
	struct pipeline_sink sink = { .outcome = fp_outcome, .ctx = out,
	    .daemon_line = fp_daemon_line };
	struct pipeline *p = pipeline_new(fp_sets, 2, &sink, "app", "fuzz.log",
	    opts);
	uint32_t s = seed * 2654435761u + 1;
	size_t i = 0;

	while (i < len) {
		size_t n = len - i;

		if (seed != 0) {
			s = s * 1103515245u + 12345u;
			n = 1 + (s >> 16) % 64;
			if (n > len - i)
				n = len - i;
		}
		pipeline_feed(p, text + i, n);
		i += n;
	}
	pipeline_finish(p, true);
	*stats = *pipeline_stats(p);
	pipeline_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t lines[] = { 0, 16, 64, 300 };
	static const size_t rec_lines[] = { 0, 2, 5, 50 };
	static const size_t rec_bytes[] = { 0, 40, 200, 4096 };
	struct pipeline_options opts;
	struct fp_buf whole = { NULL, 0, 0 }, chunked = { NULL, 0, 0 };
	struct pipeline_stats sw, sc;

	if (size < 2)
		return 0;
	memset(&opts, 0, sizeof(opts));
	opts.max_line = lines[data[0] & 3];
	opts.max_record_lines = rec_lines[(data[0] >> 2) & 3];
	opts.max_record_bytes = rec_bytes[(data[0] >> 4) & 3];
	opts.is_pm2_daemon = (data[0] & 0x40) != 0;	/* as for pm2.log */
	opts.since = opts.until = STAMP_NONE;
	fp_run(&opts, (const char *)data + 2, size - 2, 0, &whole, &sw);
	/* The reference: every line the line-by-line way (chunks alone
	 * leave the lines inside a JSON message to the fast path). */
	opts.no_fast_path = true;
	fp_run(&opts, (const char *)data + 2, size - 2, data[1] + 1u,
	    &chunked, &sc);
	if (whole.len != chunked.len || (whole.len > 0 &&
	    memcmp(whole.p, chunked.p, whole.len) != 0) ||
	    sw.records != sc.records || sw.cut_lines != sc.cut_lines ||
	    sw.nul_bytes != sc.nul_bytes || sw.nul_runs != sc.nul_runs ||
	    sw.undated != sc.undated) {
		fprintf(stderr, "fuzz_pipeline: whole and chunked differ\n"
		    "---- whole (%llu records)\n%.*s---- chunked (%llu records)"
		    "\n%.*s----\n", (unsigned long long)sw.records,
		    (int)whole.len, whole.p, (unsigned long long)sc.records,
		    (int)chunked.len, chunked.p);
		abort();
	}
	free(whole.p);
	free(chunked.p);
	return 0;
}

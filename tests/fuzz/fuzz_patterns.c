/*
 * fuzz_patterns: the pattern-set loader (match_set_load): any bytes as a
 * pattern file.  It must load or give an error naming the file, never
 * crash, hang or leak; a set that loads is classified against a few
 * records (so compiled regexes, literals and heads are used too).
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
#include "stamp.h"

static void
fpat_outcome(void *ctx, const struct pipeline_outcome *o)
{
	(*(size_t *)ctx)++;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LEVEL_ERROR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] =
	    "2026-11-29T21:58:11: [Omni] Ticket created successfully: {\n"
	    "  ticketId: 12, ticket_number: 'T-1'\n}\n"
	    "[Omni] Failed to create ticket: {\n  status: false,\n"
	    "  message: 'ERROR 404'\n}\n"
	    "{\"message\":\"x ERROR y\",\"timestamp\":\"2026-11-29T21:58:11\","
	    "\"type\":\"err\",\"process_id\":0,\"app_name\":\"a\"}\n"
	    "plain line\n";
	char path[64], *err = NULL;
	int fd = fuzz_memfile(data, size, path, sizeof(path));
	struct match_set *set = match_set_load(path, &err);

	if (set == NULL) {
		/* An error says where: the file's path leads it. */
		if (err == NULL || strncmp(err, path, strlen(path)) != 0) {
			fprintf(stderr, "fuzz_patterns: error without the "
			    "path: %s\n", err != NULL ? err : "(null)");
			abort();
		}
		free(err);
	} else {
		struct match_set *sets[] = { set };
		struct pipeline_options opts;
		size_t n = 0;
		struct pipeline_sink sink = { .outcome = fpat_outcome,
		    .ctx = &n };
		struct pipeline *p;

		memset(&opts, 0, sizeof(opts));
		opts.since = opts.until = STAMP_NONE;
		p = pipeline_new(sets, 1, &sink, "app", "fuzz.log", &opts);
		pipeline_feed(p, text, sizeof(text) - 1);
		pipeline_finish(p, true);
		pipeline_free(p);
		match_set_free(set);
	}
	close(fd);
	return 0;
}

/*
 * fuzz_redact: the redactor (redact.c) on any bytes: the built-in rule,
 * and a redactor with an extra regex as a config's `redact:` gives one.
 * It must never crash, hang or leak; the copy is NUL-terminated at the
 * length it reports; and a text redacted twice is what it was after once
 * (a [REDACTED] never reveals more on a second pass).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "log.h"
#include "redact.h"

static struct redact *fr_rd;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *extra[] = { "(?i)session=[0-9a-f]+" };
	char *err = NULL;

	log_set_level(LOG_LEVEL_ERROR);
	fr_rd = redact_new(extra, 1, NULL, &err);
	if (fr_rd == NULL) {
		fprintf(stderr, "fuzz_redact: %s\n", err);
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n1, n2, n3;
	char *once = redact_builtin((const char *)data, size, &n1);
	char *twice, *cfg;

	if (once == NULL || once[n1] != '\0')
		abort();
	twice = redact_builtin(once, n1, &n2);
	if (n2 != n1 || memcmp(once, twice, n1) != 0) {
		fprintf(stderr, "fuzz_redact: not idempotent:\n%.*s\n%.*s\n",
		    (int)n1, once, (int)n2, twice);
		abort();
	}
	cfg = redact_apply(fr_rd, (const char *)data, size, &n3);
	if (cfg == NULL || cfg[n3] != '\0')
		abort();
	free(once);
	free(twice);
	free(cfg);
	return 0;
}

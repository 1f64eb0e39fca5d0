/*
 * fuzz_pm2json: PM2's JSON decoder (pm2_json.c) held to jansson.
 *
 * Input: byte 0 says how the rest is read; with its low bit clear the
 * rest is one raw line, with it set the rest is the inside of the
 * "message" string of an object PM2 would write around it, so that the
 * fuzzer spends its time on escapes, \u sequences and UTF-8 rather than
 * on finding the keys.  Whatever the decoder accepts, jansson must read
 * the same object from (pm2json_diff.h), and no piece of an accepted
 * line cut short may be accepted: a difference aborts.  It must never
 * crash, hang or leak.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pm2_json.h"
#include "pm2json_diff.h"

#define FJ_HEAD	"{\"message\":\""
#define FJ_TAIL	"\",\"timestamp\":\"2026-11-29T20:31:43.983Z\"," \
		"\"type\":\"err\",\"process_id\":0,\"app_name\":\"omni-app\"}"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm2_json j = { NULL, 0 };
	char why[256], *line;
	size_t len;
	bool ok, cut_ok;

	if (size == 0)
		return 0;
	len = size - 1;
	if (data[0] & 1)
		len += sizeof(FJ_HEAD) - 1 + sizeof(FJ_TAIL) - 1;
	line = malloc(len + 1);
	if (line == NULL)
		abort();
	if (data[0] & 1) {
		memcpy(line, FJ_HEAD, sizeof(FJ_HEAD) - 1);
		memcpy(line + sizeof(FJ_HEAD) - 1, data + 1, size - 1);
		memcpy(line + sizeof(FJ_HEAD) - 1 + size - 1, FJ_TAIL,
		    sizeof(FJ_TAIL) - 1);
	} else
		memcpy(line, data + 1, size - 1);
	if (pm2json_diff(&j, line, len, &ok, why, sizeof(why)) != 0) {
		fprintf(stderr, "fuzz_pm2json: %s: %.*s\n", why, (int)len,
		    line);
		abort();
	}
	/* A line cut short is never PM2's object: a few cuts are tried. */
	for (size_t cut = len; ok && cut > 0; cut = cut * 3 / 4) {
		if (pm2json_diff(&j, line, cut - 1, &cut_ok, why,
		    sizeof(why)) != 0 || cut_ok) {
			fprintf(stderr, "fuzz_pm2json: cut at %zu accepted\n",
			    cut - 1);
			abort();
		}
	}
	pm2_json_release(&j);
	free(line);
	return 0;
}

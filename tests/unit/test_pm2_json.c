/*
 * test_pm2_json: PM2's JSON decoder (pm2_json.h) against jansson.
 *
 * Hand-made lines first: what PM2 7.0.4 writes (samples/pm2/04 and 05d:
 * ESC as \u001b, CR as \r, U+FFFD and other UTF-8 as is) must be
 * accepted and decoded as jansson decodes it; what it never writes (keys
 * in another order, extra keys, blanks, numbers it does not write,
 * invalid UTF-8, lone surrogates, raw control bytes) must be declined,
 * so that jansson reads it as before.  Then random objects written the
 * way JSON.stringify writes them, some of them damaged afterwards: every
 * undamaged one is accepted, and every accepted one is read by jansson
 * alike (pm2json_diff.h).
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm2_json.h"
#include "pm2json_diff.h"

struct tj_case {
	const char	*line;
	bool		 is_pm2;	/* PM2's form: must be accepted */
	const char	*message;	/* decoded, when is_pm2 (NULL: any) */
};

#define TJ_OBJ(msg)	"{\"message\":\"" msg "\",\"timestamp\":" \
	"\"2026-11-29T20:31:43.983Z\",\"type\":\"err\",\"process_id\":0," \
	"\"app_name\":\"omni-app\"}"

static const struct tj_case tj_cases[] = {
	{ TJ_OBJ("[Omni] Failed to create ticket: {\\n  status: false,\\n"),
	    true, "[Omni] Failed to create ticket: {\n  status: false,\n" },
	{ TJ_OBJ(""), true, "" },
	{ TJ_OBJ("\\u001b[31mred\\u001b[39m\\r\\n"), true,
	    "\033[31mred\033[39m\r\n" },
	{ TJ_OBJ("q\\\"uote\\\\ back\\/slash\\b\\f\\t"), true,
	    "q\"uote\\ back/slash\b\f\t" },
	{ TJ_OBJ("caf\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd \xf0\x9f\x98\x80"), true,
	    "caf\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd \xf0\x9f\x98\x80" },
	{ TJ_OBJ("pair \\ud83d\\ude00 upper \\uD83D\\uDE00 bmp \\u20ac"), true,
	    "pair \xf0\x9f\x98\x80 upper \xf0\x9f\x98\x80 bmp \xe2\x82\xac" },
	{ TJ_OBJ("del \x7f \\u007f \\u0080 \\u07ff \\u0800 \\uffff"), true,
	    "del \x7f \x7f \xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf" },
	{ "{\"message\":\"x\\n\",\"timestamp\":\"2026-11-29 21:31:43 +01:00\","
	    "\"type\":\"out\",\"process_id\":12,\"app_name\":\"a b\"}", true,
	    "x\n" },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":-3,\"app_name\":\"\"}", true, "x" },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":123456789012345678,\"app_name\":\"a\"}", true,
	    "x" },
	/* \u0000 is a NUL byte in the message (JSON_ALLOW_NUL). */
	{ TJ_OBJ("a\\u0000b"), true, NULL },
	/* Not PM2's form: declined, jansson decides. */
	{ TJ_OBJ("lone \\ud800 high"), false, NULL },
	{ TJ_OBJ("lone \\udc00 low"), false, NULL },
	{ TJ_OBJ("high then bmp \\ud800\\u0041"), false, NULL },
	{ TJ_OBJ("high at end \\ud800"), false, NULL },
	{ TJ_OBJ("bad hex \\u12g4"), false, NULL },
	{ TJ_OBJ("short \\u12"), false, NULL },
	{ TJ_OBJ("unknown \\x41"), false, NULL },
	{ TJ_OBJ("raw\ttab"), false, NULL },
	{ TJ_OBJ("bad \xc3\x28 utf8"), false, NULL },
	{ TJ_OBJ("overlong \xc0\xaf"), false, NULL },
	{ TJ_OBJ("surrogate \xed\xa0\x80 in utf8"), false, NULL },
	{ TJ_OBJ("too big \xf4\x90\x80\x80"), false, NULL },
	{ TJ_OBJ("cut \xe2\x82"), false, NULL },
	{ TJ_OBJ("stray \x80 continuation"), false, NULL },
	{ "{\"timestamp\":\"t\",\"message\":\"x\",\"type\":\"out\","
	    "\"process_id\":0,\"app_name\":\"a\"}", false, NULL },
	{ "{\"message\":\"x\",\"type\":\"out\",\"timestamp\":\"t\","
	    "\"process_id\":0,\"app_name\":\"a\"}", false, NULL },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":0,\"app_name\":\"a\",\"extra\":1}", false, NULL },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":0}", false, NULL },
	{ "{\"message\": \"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":0,\"app_name\":\"a\"}", false, NULL },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":0,\"app_name\":\"a\"} ", false, NULL },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":0,\"app_name\":\"a\"}x", false, NULL },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":01,\"app_name\":\"a\"}", false, NULL },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":1.5,\"app_name\":\"a\"}", false, NULL },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":\"0\",\"app_name\":\"a\"}", false, NULL },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":1234567890123456789,\"app_name\":\"a\"}", false,
	    NULL },
	{ "{\"message\":\"x\",\"timestamp\":null,\"type\":\"out\","
	    "\"process_id\":0,\"app_name\":\"a\"}", false, NULL },
	{ "{\"message\":\"x\",\"timestamp\":\"t\",\"type\":\"out\","
	    "\"process_id\":0,\"app_name\":\"a\"", false, NULL },
	{ "{\"message\":\"x", false, NULL },
	{ "{\"message\":1}", false, NULL },
	{ "", false, NULL },
};

static void
tj_check(struct pm2_json *j, const char *line, size_t len, bool *accepted)
{
	char why[256];

	if (pm2json_diff(j, line, len, accepted, why, sizeof(why)) != 0)
		fail_msg("%s: %.*s", why, (int)len, line);
}

static void
test_cases(void **state)
{
	struct pm2_json j = { NULL, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(tj_cases) / sizeof(tj_cases[0]); i++) {
		const struct tj_case *c = &tj_cases[i];
		struct pm2_json_obj o;
		bool ok;

		tj_check(&j, c->line, strlen(c->line), &ok);
		if (ok != c->is_pm2)
			fail_msg("case %zu %s: %s", i, ok ? "accepted" :
			    "declined", c->line);
		if (!ok || c->message == NULL)
			continue;
		assert_true(pm2_json_decode(&j, c->line, strlen(c->line), &o));
		assert_int_equal(o.message_len, strlen(c->message));
		assert_memory_equal(o.message, c->message, o.message_len);
	}
	pm2_json_release(&j);
}

/* The parts of what the objects under test show (the timestamp, the
 * app) and a message, picked at random; our own generator, so that a
 * seed gives the same lines anywhere. */
static uint64_t
tj_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct tj_buf {
	char	 p[8192];
	size_t	 len;
};

static void
tj_put(struct tj_buf *b, const char *p, size_t n)
{
	assert_true(b->len + n < sizeof(b->p));
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/*
 * Code point CP written as JSON.stringify writes it (QuoteJSONString):
 * short escapes, \u00xx for other controls, lone surrogates as \uxxxx
 * (lowercase hex), everything else as UTF-8.
 */
static void
tj_put_cp(struct tj_buf *b, unsigned long cp)
{
	char tmp[8];

	switch (cp) {
	case '"': tj_put(b, "\\\"", 2); return;
	case '\\': tj_put(b, "\\\\", 2); return;
	case '\b': tj_put(b, "\\b", 2); return;
	case '\f': tj_put(b, "\\f", 2); return;
	case '\n': tj_put(b, "\\n", 2); return;
	case '\r': tj_put(b, "\\r", 2); return;
	case '\t': tj_put(b, "\\t", 2); return;
	default:
		break;
	}
	if (cp < 0x20 || (cp >= 0xD800 && cp <= 0xDFFF)) {
		snprintf(tmp, sizeof(tmp), "\\u%04lx", cp);
		tj_put(b, tmp, 6);
	} else if (cp < 0x80) {
		tmp[0] = (char)cp;
		tj_put(b, tmp, 1);
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xC0 | cp >> 6);
		tmp[1] = (char)(0x80 | (cp & 0x3F));
		tj_put(b, tmp, 2);
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xE0 | cp >> 12);
		tmp[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		tmp[2] = (char)(0x80 | (cp & 0x3F));
		tj_put(b, tmp, 3);
	} else {
		tmp[0] = (char)(0xF0 | cp >> 18);
		tmp[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		tmp[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		tmp[3] = (char)(0x80 | (cp & 0x3F));
		tj_put(b, tmp, 4);
	}
}

/* A random code point, mostly ASCII text, sometimes anything; never a
 * low surrogate right after a high one (*PREV), as such a pair is one
 * character, which JSON.stringify writes as UTF-8. */
static unsigned long
tj_cp(uint64_t *s, unsigned long *prev)
{
	uint64_t r = tj_rand(s);
	unsigned long cp;

	switch (r % 16) {
	case 0: cp = (r >> 8) % 0x20; break;		/* controls */
	case 1: cp = 0x80 + (r >> 8) % 0x780; break;	/* 2 bytes */
	case 2: cp = 0x800 + (r >> 8) % 0xF800; break;	/* 3, surrogates */
	case 3: cp = 0x10000 + (r >> 8) % 0x100000; break;	/* 4 bytes */
	case 4: cp = (unsigned char)"\"\\/\n"[(r >> 8) % 4]; break;
	default: cp = 0x20 + (r >> 8) % 0x5F; break;
	}
	if (*prev >= 0xD800 && *prev <= 0xDBFF && cp >= 0xDC00 && cp <= 0xDFFF)
		cp = 'x';
	*prev = cp;
	return cp;
}

/* A random object as PM2 writes it; *HAS_LONE: a lone surrogate in it,
 * which JSON.stringify writes and jansson refuses. */
static void
tj_object(struct tj_buf *b, uint64_t *s, bool *has_lone)
{
	size_t n = tj_rand(s) % 200;
	unsigned long prev = 0;
	char tmp[160];

	*has_lone = false;
	b->len = 0;
	tj_put(b, "{\"message\":\"", 12);
	for (size_t i = 0; i < n; i++) {
		unsigned long cp = tj_cp(s, &prev);

		if (cp >= 0xD800 && cp <= 0xDFFF)
			*has_lone = true;
		tj_put_cp(b, cp);
	}
	prev = 0;
	snprintf(tmp, sizeof(tmp), "\",\"timestamp\":\"2026-11-29T20:%02d:"
	    "43.983Z\",\"type\":\"%s\",\"process_id\":%d,\"app_name\":\"",
	    (int)(tj_rand(s) % 60), tj_rand(s) % 2 ? "out" : "err",
	    (int)(tj_rand(s) % 40));
	tj_put(b, tmp, strlen(tmp));
	for (size_t i = 0, k = tj_rand(s) % 12; i < k; i++) {
		unsigned long cp = tj_cp(s, &prev);

		if (cp >= 0xD800 && cp <= 0xDFFF)
			*has_lone = true;
		tj_put_cp(b, cp);
	}
	tj_put(b, "\"}", 2);
}

static void
test_random(void **state)
{
	struct pm2_json j = { NULL, 0 };
	uint64_t s = 0x9E3779B97F4A7C15ULL;
	size_t accepted = 0, damaged_accepted = 0;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		struct tj_buf b;
		bool lone, ok;
		uint64_t r;

		tj_object(&b, &s, &lone);
		tj_check(&j, b.p, b.len, &ok);
		if (ok == lone)
			fail_msg("%s: %.*s", ok ? "accepted a lone surrogate" :
			    "declined PM2's form", (int)b.len, b.p);
		accepted += ok;
		/* Damage: a byte changed, dropped or put in. */
		r = tj_rand(&s);
		if (b.len > 1) {
			size_t at = (size_t)(r >> 8) % b.len;
			char c = (char)(r >> 40);

			switch (r % 3) {
			case 0:
				b.p[at] = c;
				break;
			case 1:
				memmove(b.p + at, b.p + at + 1, b.len - at - 1);
				b.len--;
				break;
			default:
				memmove(b.p + at + 1, b.p + at, b.len - at);
				b.p[at] = c;
				b.len++;
				break;
			}
		}
		tj_check(&j, b.p, b.len, &ok);
		damaged_accepted += ok;
	}
	/* The damage must not have been all harmless or all fatal. */
	assert_true(accepted > 10000);
	assert_true(damaged_accepted > 1000 && damaged_accepted < 19000);
	pm2_json_release(&j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

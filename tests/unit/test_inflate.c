/*
 * test_inflate: ISA-L's inflate held to zlib's, byte for byte (inflate.h,
 * source_gz.c), and the inflate thread (source_read_ahead) to the
 * caller's thread.
 *
 * Every file is read several ways: zlib in the caller's thread (the
 * reference: what source.c did before ISA-L), ISA-L there, both again
 * through source_read_ahead, and ISA-L through the thread with its bytes
 * lent (source_read_lent), the thread started at the first read or at
 * the third.  All must return the same bytes, end the
 * same way, with the same message and the same compressed and
 * decompressed offsets.  The files are gzip members written by zlib at
 * every strategy (stored, fixed and dynamic Huffman blocks, RLE) and by
 * the gzip command (its header names the file), random and log-like
 * text, several members and empty ones, then the same files cut at many
 * places, with bits flipped, spans overwritten, a bad CRC-32 or length,
 * a bad header and bytes after the last member.  OMNIWATCH_INFLATE=zlib
 * chooses zlib (inflate_kind_default); the damage is drawn from a fixed
 * seed, or TI_SEED.
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
#include <unistd.h>

#include <zlib.h>

#include "inflate.h"
#include "source.h"
#include "testlib.h"

static char ti_dir[256];
static uint64_t ti_rand_state = 88172645463325252ULL;
static unsigned ti_files;	/* files compared */
static unsigned ti_isal_ends;	/* of which ISA-L read to the end */

static int
ti_setup(void **state)
{
	const char *seed = getenv("TI_SEED");

	(void)state;
	if (seed != NULL)
		ti_rand_state = strtoull(seed, NULL, 10) | 1;
	return tl_tmpdir(ti_dir, sizeof(ti_dir), "test_inflate");
}

static int
ti_teardown(void **state)
{
	(void)state;
	return tl_rmtree(ti_dir) == 0 ? 0 : -1;
}

static uint64_t
ti_rand(void)
{
	ti_rand_state ^= ti_rand_state << 13;
	ti_rand_state ^= ti_rand_state >> 7;
	ti_rand_state ^= ti_rand_state << 17;
	return ti_rand_state;
}

/* LEN bytes like a Node.js log: words, numbers, stack frames, and now and
 * then a run of random bytes (which deflate stores or codes literally). */
static char *
ti_text(size_t len)
{
	static const char *words[] = { "[Omni] ", "Failed to create ticket",
	    "Error: connect ECONNREFUSED 127.0.0.1:8080\n", "    at ",
	    "Object.<anonymous> (/srv/app/index.js:12:7)\n", "req=",
	    "status: 404,\n", "}\n", "ok\n", "{\"message\":\"", "\\u00e9",
	    "2026-12-07T06:00:00: ", "\n" };
	char *p = malloc(len + 64);
	size_t n = 0;

	assert_non_null(p);
	while (n < len) {
		uint64_t r = ti_rand();

		if (r % 50 == 0) {
			size_t k = (size_t)(r >> 8) % 300;

			for (size_t i = 0; i < k && n < len; i++)
				p[n++] = (char)ti_rand();
		} else if (r % 7 == 0)
			n += (size_t)snprintf(p + n, 64, "%llu ",
			    (unsigned long long)(r >> 20));
		else {
			const char *w = words[(r >> 4) % (sizeof(words) /
			    sizeof(words[0]))];
			size_t k = strlen(w);

			memcpy(p + n, w, k);
			n += k;
		}
	}
	return p;
}

/* One gzip member of P at LEVEL and STRATEGY, appended to BUF (*LEN). */
static void
ti_member(char **buf, size_t *len, const char *p, size_t plen, int level,
    int strategy)
{
	z_stream z;
	size_t cap = compressBound((uLong)plen) + 64;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8,
	    strategy), Z_OK);
	*buf = realloc(*buf, *len + cap);
	assert_non_null(*buf);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)plen;
	z.next_out = (Bytef *)*buf + *len;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*len += cap - z.avail_out;
	deflateEnd(&z);
}

struct ti_run {
	char		*data;
	size_t		 len;
	enum source_result last;
	char		*error;
	uint64_t	 raw, out;
	const char	*inflater;
};

/* AHEAD: 0, no thread; 1, from the start; 2, from the third read on. */
static void
ti_read(const char *path, const char *kind, int ahead, bool is_lent,
    size_t cap, struct ti_run *r)
{
	char err[256], *buf = malloc(cap);
	const char *p = NULL;
	struct source *src;
	size_t n, have = 1 << 16;

	assert_non_null(buf);
	assert_int_equal(setenv("OMNIWATCH_INFLATE", kind, 1), 0);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	if (ahead == 1)
		assert_int_equal(source_read_ahead(src), 0);
	memset(r, 0, sizeof(*r));
	r->data = malloc(have);
	assert_non_null(r->data);
	for (int k = 0;; k++) {
		if (ahead == 2 && k == 2)
			assert_int_equal(source_read_ahead(src), 0);
		if (is_lent)
			r->last = source_read_lent(src, buf, cap, &p, &n);
		else {
			r->last = source_read(src, buf, cap, &n);
			p = buf;
		}
		if (r->last != SOURCE_OK)
			break;
		assert_true(n > 0 && n <= cap);
		tl_append(&r->data, &r->len, &have, p, n);
	}
	assert_int_equal(n, 0);
	if (source_error(src) != NULL)
		r->error = strdup(source_error(src));
	r->raw = source_raw_offset(src);
	r->out = source_out_offset(src);
	r->inflater = source_inflater(src);
	assert_int_equal(r->out, r->len);
	source_free(src);
	unsetenv("OMNIWATCH_INFLATE");
	free(buf);
}

static void
ti_release(struct ti_run *r)
{
	free(r->data);
	free(r->error);
}

/* Reads PATH every way and holds each to zlib's read. */
static void
ti_same_file(const char *path, const char *what)
{
	/* 1000 bytes: less than source_gz.c's hold, another path.  The
	 * last two lend the thread's bytes (source_read_lent). */
	static const size_t caps[] = { 65536, 1000, 4099, 256 * 1024, 7000,
	    1 << 20, 3000 };
	static const char *kinds[] = { "isa-l", "isa-l", "zlib", "isa-l",
	    "isa-l", "isa-l", "isa-l" };
	static const int aheads[] = { 0, 0, 1, 1, 1, 1, 2 };
	static const bool lents[] = { false, false, false, false, true, true,
	    true };
	struct ti_run ref, r;

	ti_read(path, "zlib", false, false, 65536, &ref);
	if (ref.inflater != NULL)
		assert_string_equal(ref.inflater, "zlib");
	for (size_t k = 0; k < 7; k++) {
		ti_read(path, kinds[k], aheads[k], lents[k], caps[k], &r);
		if (r.len != ref.len || memcmp(r.data, ref.data, r.len) != 0 ||
		    r.last != ref.last || r.raw != ref.raw ||
		    (r.error == NULL) != (ref.error == NULL) ||
		    (r.error != NULL && strcmp(r.error, ref.error) != 0))
			fail_msg("%s (%s%s%s): %zu bytes, end %d, raw %llu, "
			    "'%s'; zlib: %zu bytes, end %d, raw %llu, '%s'",
			    what, kinds[k], aheads[k] == 2 ? ", ahead later" :
			    aheads[k] ? ", ahead" : "",
			    lents[k] ? ", lent" : "", r.len,
			    r.last, (unsigned long long)r.raw,
			    r.error != NULL ? r.error : "", ref.len, ref.last,
			    (unsigned long long)ref.raw,
			    ref.error != NULL ? ref.error : "");
		if (k == 0 &&
		    r.inflater != NULL && strcmp(r.inflater, "isa-l") == 0)
			ti_isal_ends++;
		ti_release(&r);
	}
	ti_files++;
	ti_release(&ref);
}

static void
ti_same_bytes(const char *name, const char *p, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", ti_dir, name);
	tl_write(path, p, len);
	ti_same_file(path, name);
}

/* ISA-L is the default when it is built in; the variable picks zlib. */
static void
test_kind_default(void **state)
{
	(void)state;
#ifdef HAVE_ISAL
	unsetenv("OMNIWATCH_INFLATE");
	assert_int_equal(inflate_kind_default(), INFLATE_ISAL);
	setenv("OMNIWATCH_INFLATE", "zlib", 1);
	assert_int_equal(inflate_kind_default(), INFLATE_ZLIB);
	unsetenv("OMNIWATCH_INFLATE");
#else
	skip();
#endif
}

/* Sound members of every kind deflate writes, alone and concatenated. */
static void
test_sound(void **state)
{
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED,
	    Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED };
	size_t tlen = 3 * 1024 * 1024 + 17;
	char *text = ti_text(tlen), *gz = NULL, name[64];
	size_t len;

	(void)state;
	ti_files = ti_isal_ends = 0;
	for (int level = 0; level <= 9; level += 3)
		for (size_t s = 0; s < 5; s++) {
			len = 0;
			ti_member(&gz, &len, text, tlen / (s + 1), level,
			    strategies[s]);
			snprintf(name, sizeof(name), "l%d-s%zu.gz", level, s);
			ti_same_bytes(name, gz, len);
		}
	/* Members one after the other, an empty one among them, one of a
	 * single byte: logrotate's delaycompress and cat can make these. */
	len = 0;
	ti_member(&gz, &len, text, 100000, 6, Z_DEFAULT_STRATEGY);
	ti_member(&gz, &len, text, 0, 6, Z_DEFAULT_STRATEGY);
	ti_member(&gz, &len, text + 5, 1, 9, Z_DEFAULT_STRATEGY);
	ti_member(&gz, &len, text + 100000, 700000, 1, Z_DEFAULT_STRATEGY);
	ti_same_bytes("members.gz", gz, len);
	len = 0;
	ti_member(&gz, &len, text, 0, 6, Z_DEFAULT_STRATEGY);
	ti_same_bytes("empty-member.gz", gz, len);
#ifdef HAVE_ISAL
	/* ISA-L read them, not zlib after a false alarm. */
	assert_int_equal(ti_isal_ends, ti_files);
#endif
	free(gz);
	free(text);
}

/* Files written by the gzip command: a header with the name and mtime. */
static void
test_gzip_command(void **state)
{
	char path[400], cmd[2400];
	size_t tlen = 2 * 1024 * 1024;
	char *text = ti_text(tlen);

	(void)state;
	if (system("command -v gzip >/dev/null 2>&1") != 0)
		skip();
	snprintf(path, sizeof(path), "%s/app-out.log", ti_dir);
	tl_write(path, text, tlen);
	for (int level = 1; level <= 9; level += 4) {
		snprintf(cmd, sizeof(cmd), "gzip -%d -c -N '%s' > '%s.gz' && "
		    "gzip -1 -c '%s' >> '%s.gz'", level, path, path, path,
		    path);
		assert_int_equal(system(cmd), 0);
		snprintf(cmd, sizeof(cmd), "%s.gz", path);
		ti_same_file(cmd, "gzip");
	}
	free(text);
}

static void
ti_damaged(const char *gz, size_t len, const char *kind, size_t at)
{
	char name[64];

	snprintf(name, sizeof(name), "%s-%zu.gz", kind, at);
	ti_same_bytes(name, gz, len);
}

/*
 * The same members damaged: cut, flipped, overwritten, with a bad
 * trailer or header, with bytes after them.
 */
static void
test_damaged(void **state)
{
	size_t tlen = 300000, len = 0, two;
	char *text = ti_text(tlen), *gz = NULL, *bad;

	(void)state;
	ti_member(&gz, &len, text, tlen, 6, Z_DEFAULT_STRATEGY);
	two = len;
	ti_member(&gz, &len, text, tlen / 2, 1, Z_DEFAULT_STRATEGY);
	bad = malloc(len + 16);
	assert_non_null(bad);

	/* Cuts: in the header, all along, in the trailers. */
	for (size_t at = 0; at < len; at += at < 64 ? 1 :
	    (at > two - 64 && at < two + 64) || at > len - 64 ? 1 : 1999)
		ti_damaged(gz, at, "cut", at);
	/* One bit flipped, anywhere. */
	for (int i = 0; i < 300; i++) {
		size_t at = (size_t)(ti_rand() % len);

		memcpy(bad, gz, len);
		bad[at] ^= (char)(1u << (ti_rand() % 8));
		ti_damaged(bad, len, "flip", at);
	}
	/* A span of 0x00 or 0xff bytes. */
	for (int i = 0; i < 40; i++) {
		size_t at = (size_t)(ti_rand() % len);
		size_t n = 1 + (size_t)(ti_rand() % 64);

		memcpy(bad, gz, len);
		memset(bad + at, i % 2 ? 0xff : 0, at + n > len ? len - at : n);
		ti_damaged(bad, len, "span", at);
	}
	/* Each byte of each trailer (CRC-32, then ISIZE) and of the header. */
	for (size_t k = 0; k < 8; k++) {
		memcpy(bad, gz, len);
		bad[two - 8 + k] ^= 0x01;
		ti_damaged(bad, len, "trailer1", k);
		memcpy(bad, gz, len);
		bad[len - 8 + k] ^= 0x80;
		ti_damaged(bad, len, "trailer2", k);
	}
	for (size_t k = 2; k < 10; k++)
		for (unsigned v = 0; v < 256; v += 37) {
			memcpy(bad, gz, len);
			bad[k] = (char)v;
			ti_damaged(bad, len, "header", k * 1000 + v);
		}
	/* A reserved flag bit (RFC 1952 2.3.1) on sound data: zlib refuses
	 * the member, ISA-L 2.30 would read it (fuzz_gzip found it). */
	for (unsigned bit = 0x20; bit <= 0x80; bit <<= 1) {
		memcpy(bad, gz, len);
		bad[3] |= (char)bit;
		ti_damaged(bad, len, "flag1", bit);
		memcpy(bad, gz, len);
		bad[two + 3] |= (char)bit;
		ti_damaged(bad, len, "flag2", bit);
	}
	/* Bytes after the last member: junk, half a magic, a magic. */
	memcpy(bad, gz, len);
	memcpy(bad + len, "junk", 4);
	ti_damaged(bad, len + 4, "junk", 0);
	ti_damaged(bad, len + 1, "junk", 1);
	bad[len] = 0x1f;
	ti_damaged(bad, len + 1, "magic", 1);
	bad[len + 1] = (char)0x8b;
	ti_damaged(bad, len + 2, "magic", 2);
	memset(bad + len, 0, 16);
	ti_damaged(bad, len + 16, "zeros", 16);
	free(bad);
	free(gz);
	free(text);
}

/*
 * The inputs fuzz_gzip found ISA-L and zlib parting on: a reserved header
 * flag, avail_in past the input after a bad distance, a block whose
 * distance code is incomplete (ISA-L 13 kB further than zlib, within the
 * bytes source_gz.c holds back).
 */
static void
test_fuzz_found(void **state)
{
	static const char *names[] = { "isal-reserved-header-flag",
	    "isal-avail-in-wraps-on-bad-lookback",
	    "isal-incomplete-distance-code" };
	char path[1024];

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/../tests/fuzz/regressions/"
		    "gzip/%s", OMNIWATCH_SRC_PATTERNS_DIR, names[i]);
		if (access(path, R_OK) != 0)
			fail_msg("%s: not readable", path);
		ti_same_file(path, names[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_default),
		cmocka_unit_test(test_sound),
		cmocka_unit_test(test_gzip_command),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_fuzz_found),
	};

	return cmocka_run_group_tests(tests, ti_setup, ti_teardown);
}

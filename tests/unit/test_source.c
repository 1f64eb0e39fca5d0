/*
 * test_source: plain, gzip and stdin input behind one read call (source.h).
 *
 * Gzip files are written into a scratch directory with zlib's gz* calls;
 * damaged ones are made by cutting or patching those bytes.  Field cases:
 * K10 (multi-member .gz with an empty member), K11 (truncated and corrupt
 * .gz files).  They run twice: with the default inflater, then with
 * zlib (OMNIWATCH_INFLATE=zlib, inflate.h).
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "source.h"
#include "testlib.h"

static char st_dir[256];

static int
st_setup(void **state)
{
	(void)state;
	return tl_tmpdir(st_dir, sizeof(st_dir), "test_source");
}

static int
st_teardown(void **state)
{
	(void)state;
	return tl_rmtree(st_dir) == 0 ? 0 : -1;
}

static char *
st_path(const char *name)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", st_dir, name);
	return buf[k];
}

struct st_result {
	char		*data;
	size_t		 len;
	enum source_result last;
	size_t		 nok;		/* SOURCE_OK calls */
};

/* Reads SRC to its end in reads of at most CAP bytes. */
static void
st_read_all(struct source *src, size_t cap, struct st_result *r)
{
	char *buf = malloc(cap);
	size_t n, have = 1 << 16;

	assert_non_null(buf);
	memset(r, 0, sizeof(*r));
	r->data = malloc(have);
	assert_non_null(r->data);
	for (;;) {
		n = 12345;
		r->last = source_read(src, buf, cap, &n);
		if (r->last != SOURCE_OK) {
			assert_int_equal(n, 0);
			break;
		}
		assert_true(n > 0);
		assert_true(n <= cap);
		tl_append(&r->data, &r->len, &have, buf, n);
		r->nok++;
	}
	free(buf);
}

static size_t
st_count_lf(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (p[i] == '\n')
			n++;
	return n;
}

/* The error text names "compressed offset RAW" and "decompressed offset OUT". */
static void
st_assert_offsets(const char *msg, uint64_t raw, uint64_t out)
{
	char a[64], b[64];

	assert_non_null(msg);
	snprintf(a, sizeof(a), "at compressed offset %llu",
	    (unsigned long long)raw);
	snprintf(b, sizeof(b), "decompressed offset %llu",
	    (unsigned long long)out);
	if (strstr(msg, a) == NULL || strstr(msg, b) == NULL)
		fail_msg("error '%s' does not name '%s' and '%s'", msg, a, b);
}

static void
test_plain(void **state)
{
	const char text[] = "hello\nworld\r\nlast";
	char *path = st_path("plain.log"), err[256];
	struct source *src;
	struct st_result r;
	size_t n;
	char buf[8];

	(void)state;
	tl_write(path, text, sizeof(text) - 1);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_false(source_is_gz(src));
	assert_string_equal(source_path(src), path);
	assert_null(source_error(src));
	st_read_all(src, 4, &r);
	assert_int_equal(r.last, SOURCE_EOF);
	assert_int_equal(r.len, sizeof(text) - 1);
	assert_memory_equal(r.data, text, r.len);
	assert_int_equal(source_raw_offset(src), sizeof(text) - 1);
	assert_int_equal(source_out_offset(src), sizeof(text) - 1);
	assert_null(source_error(src));
	/* EOF sticks. */
	assert_int_equal(source_read(src, buf, sizeof(buf), &n), SOURCE_EOF);
	assert_int_equal(n, 0);
	free(r.data);
	source_free(src);
	source_free(NULL);
}

static void
test_plain_tiny(void **state)
{
	char *path = st_path("one.log"), err[256];
	struct source *src;
	struct st_result r;

	(void)state;
	/* One byte: the gzip sniff must not eat it. */
	tl_write(path, "x", 1);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_false(source_is_gz(src));
	st_read_all(src, 1, &r);
	assert_int_equal(r.last, SOURCE_EOF);
	assert_int_equal(r.len, 1);
	assert_int_equal(r.data[0], 'x');
	free(r.data);
	source_free(src);

	/* Empty file: EOF at once. */
	path = st_path("empty.log");
	tl_write(path, "", 0);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	st_read_all(src, 16, &r);
	assert_int_equal(r.last, SOURCE_EOF);
	assert_int_equal(r.len, 0);
	free(r.data);
	source_free(src);

	/* An empty file named .gz is empty, not an error. */
	path = st_path("empty.log.gz");
	tl_write(path, "", 0);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	st_read_all(src, 16, &r);
	assert_int_equal(r.last, SOURCE_EOF);
	free(r.data);
	source_free(src);
}

static void
test_open_missing(void **state)
{
	char *path = st_path("does-not-exist.log"), err[256];

	(void)state;
	memset(err, 'z', sizeof(err));
	assert_null(source_open(path, err, sizeof(err)));
	assert_non_null(memchr(err, '\0', sizeof(err)));
	assert_non_null(strstr(err, path));
}

/* Gzip is recognised by its magic, not by the name. */
static void
test_gzip_by_magic(void **state)
{
	char *path = st_path("demo-api-out.log"), err[256];
	struct source *src;
	struct st_result r;
	size_t len, raw;
	char *text = tl_seq("req=%d ERROR\n", 1, 2000, &len), *file;

	(void)state;
	tl_gz_member(path, "wb", text, len);
	file = tl_slurp(path, &raw);
	free(file);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_true(source_is_gz(src));
	st_read_all(src, 4096, &r);
	assert_int_equal(r.last, SOURCE_EOF);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.data, text, len);
	assert_int_equal(source_out_offset(src), len);
	assert_int_equal(source_raw_offset(src), raw);
	assert_null(source_error(src));
	free(r.data);
	source_free(src);
	free(text);
}

/*
 * A file named .gz whose bytes are text is read as plain text, and said to
 * be (source_is_misnamed): gzip is told by its magic, not its name (man
 * omniwatch(1)).  It was an error, and its records went uncounted.
 */
static void
test_gz_name_plain_text(void **state)
{
	char *path = st_path("demo-api-error__2024-03-07.log.gz"), err[256];
	struct source *src;
	struct st_result r;

	(void)state;
	tl_write(path, "not gzip\n", 9);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_false(source_is_gz(src));
	assert_true(source_is_misnamed(src));
	st_read_all(src, 4, &r);
	assert_int_equal(r.last, SOURCE_EOF);
	assert_int_equal(r.len, 9);
	assert_memory_equal(r.data, "not gzip\n", 9);
	assert_null(source_error(src));
	free(r.data);
	source_free(src);

	/* A plain file under its own name is no news. */
	path = st_path("plain.log");
	tl_write(path, "plain\n", 6);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_false(source_is_misnamed(src));
	source_free(src);
}

/* Named .gz, neither gzip nor text: an error, as with zcat. */
static void
st_assert_not_gzip(const char *name, const char *bytes, size_t len,
    bool is_gz_named)
{
	char *path = st_path(name), err[256], buf[64];
	struct source *src;
	size_t n = 99;

	tl_write(path, bytes, len);
	src = is_gz_named ? source_open_gz_named(path, err, sizeof(err)) :
	    source_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_false(source_is_gz(src));
	assert_false(source_is_misnamed(src));
	assert_int_equal(source_read(src, buf, sizeof(buf), &n), SOURCE_ERROR);
	assert_int_equal(n, 0);
	assert_non_null(source_error(src));
	assert_non_null(strstr(source_error(src), "not in gzip format"));
	st_assert_offsets(source_error(src), 0, 0);
	/* The error sticks. */
	assert_int_equal(source_read(src, buf, sizeof(buf), &n), SOURCE_ERROR);
	assert_int_equal(n, 0);
	source_free(src);
}

static void
test_gz_name_not_gzip(void **state)
{
	(void)state;
	/* A NUL: no text. */
	st_assert_not_gzip("a-error.log.1.gz", "not\0gzip\n", 10, false);
	/* The start of another compressor's magic: xz's cut short. */
	st_assert_not_gzip("b-error.log.1.gz", "\xfd" "7zXZ", 5, false);
	st_assert_not_gzip("d-error.log.1.gz", "BZh", 3, false);
	/* A gzip file cut after its first byte. */
	st_assert_not_gzip("f-error.log.1.gz", "\x1f", 1, false);
	/* The tailer's open: text too (gzip(1) has not written it yet). */
	st_assert_not_gzip("g-error.log.1.gz", "not gzip\n", 9, true);
}

/* Another compressor's magic, whatever the name: an error naming it and
 * the command that reads it (tester10's item 8: it was read as text). */
static void
st_assert_unread(const char *name, const char *bytes, size_t len,
    const char *prog)
{
	char *path = st_path(name), err[256], buf[64], want[512];
	struct source *src;
	size_t n = 99;

	tl_write(path, bytes, len);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_false(source_is_gz(src));
	assert_false(source_is_misnamed(src));
	assert_int_equal(source_read(src, buf, sizeof(buf), &n), SOURCE_ERROR);
	assert_int_equal(n, 0);
	snprintf(want, sizeof(want), "compressed with %s, which omniwatch "
	    "does not read (it reads gzip): not counted; to scan it: %s -dc "
	    "%s | omniwatch scan -", prog, prog, path);
	assert_string_equal(source_error(src), want);
	source_free(src);
}

static void
test_unread_by_magic(void **state)
{
	(void)state;
	st_assert_unread("b-out.log.1", "\xfd" "7zXZ\0rest", 10, "xz");
	st_assert_unread("c-out.log", "\x28\xb5\x2f\xfd!", 5, "zstd");
	st_assert_unread("d-out.log.1.gz", "BZh91AY&SY", 10, "bzip2");
	st_assert_unread("e-out.log.2", "\x04\x22\x4d\x18!", 5, "lz4");
	st_assert_unread("f-out.log.3", "\x1f\x9d\x90", 3, "uncompress");
}

/* Text that begins as a magic does is text. */
static void
test_magic_like_text(void **state)
{
	char *path = st_path("bz-out.log"), err[256], buf[64];
	struct source *src;
	size_t n = 0;

	(void)state;
	tl_write(path, "BZh, then text\n", 15);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_int_equal(source_read(src, buf, sizeof(buf), &n), SOURCE_OK);
	assert_int_equal(n, 15);
	source_free(src);
}

/* K10: three members of 1000 lines and an empty member. */
static void
test_multi_member_k10(void **state)
{
	static const size_t caps[] = { 1, 7, 4096, 65536, 1 << 20 };
	char *path = st_path("demo-api-out__2024-03-09_00-00-00.log.gz");
	char *parts[3], *all, err[256];
	size_t lens[3], total = 0, raw, empty_start;

	(void)state;
	for (int p = 0; p < 3; p++) {
		char fmt[32];

		snprintf(fmt, sizeof(fmt), "part%d req=%%d ERROR\n", p + 1);
		parts[p] = tl_seq(fmt, 1, 1000, &lens[p]);
		tl_gz_member(path, p == 0 ? "wb" : "ab", parts[p], lens[p]);
		total += lens[p];
	}
	free(tl_slurp(path, &empty_start));
	tl_gz_member(path, "ab", "", 0);	/* printf '' | gzip -c >> G */
	free(tl_slurp(path, &raw));
	assert_true(raw > empty_start);		/* the empty member is there */
	all = malloc(total);
	assert_non_null(all);
	memcpy(all, parts[0], lens[0]);
	memcpy(all + lens[0], parts[1], lens[1]);
	memcpy(all + lens[0] + lens[1], parts[2], lens[2]);

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct source *src = source_open(path, err, sizeof(err));
		struct st_result r;

		assert_non_null(src);
		assert_true(source_is_gz(src));
		st_read_all(src, caps[i], &r);
		if (r.last != SOURCE_EOF)
			fail_msg("cap %zu: %s", caps[i], source_error(src));
		assert_int_equal(r.len, total);
		assert_memory_equal(r.data, all, total);
		assert_int_equal(st_count_lf(r.data, r.len), 3000);
		assert_int_equal(source_out_offset(src), total);
		assert_int_equal(source_raw_offset(src), raw);
		assert_null(source_error(src));
		free(r.data);
		source_free(src);
	}
	for (int p = 0; p < 3; p++)
		free(parts[p]);
	free(all);
}

/* The first member empty, then data: the empty member is accepted too. */
static void
test_empty_first_member(void **state)
{
	char *path = st_path("empty-first.log.gz"), err[256];
	struct source *src;
	struct st_result r;

	(void)state;
	tl_gz_member(path, "wb", "", 0);
	tl_gz_member(path, "ab", "req=1 ERROR\n", 12);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	st_read_all(src, 100, &r);
	assert_int_equal(r.last, SOURCE_EOF);
	assert_int_equal(r.len, 12);
	assert_memory_equal(r.data, "req=1 ERROR\n", 12);
	free(r.data);
	source_free(src);
}

/*
 * Decompresses as much of the gzip bytes (P, LEN) as zlib can, the way a
 * careful reader would: the oracle for what a cut file should yield.
 */
static size_t
st_inflate_prefix(const char *p, size_t len, char **out)
{
	z_stream z;
	size_t cap = 1 << 20, n = 0;
	int zr;

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	*out = malloc(cap);
	assert_non_null(*out);
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)len;
	do {
		if (n == cap) {
			cap *= 2;
			*out = realloc(*out, cap);
			assert_non_null(*out);
		}
		z.next_out = (Bytef *)*out + n;
		z.avail_out = (uInt)(cap - n);
		zr = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
	} while (zr == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
	inflateEnd(&z);
	return n;
}

/* K11: the first half of a gzip file. */
static void
test_truncated_half_k11(void **state)
{
	char *full = st_path("full.gz"), *half =
	    st_path("demo-api-error__2024-03-09.log.gz");
	char *text, *bytes, *oracle, err[256];
	size_t len, size, olen;

	(void)state;
	text = tl_seq("req=%d ERROR\n", 1, 50000, &len);
	tl_gz_member(full, "wb", text, len);
	bytes = tl_slurp(full, &size);
	tl_write(half, bytes, size / 2);
	olen = st_inflate_prefix(bytes, size / 2, &oracle);
	assert_true(olen > 0);
	assert_true(olen < len);
	assert_memory_equal(oracle, text, olen);

	for (size_t cap = 1000; cap <= 1000000; cap *= 10) {
		struct source *src = source_open(half, err, sizeof(err));
		struct st_result r;

		assert_non_null(src);
		assert_true(source_is_gz(src));
		st_read_all(src, cap, &r);
		assert_int_equal(r.last, SOURCE_ERROR);
		assert_true(r.nok > 0);			/* data came first */
		/* Everything zlib can recover from the half was returned. */
		assert_int_equal(r.len, olen);
		assert_memory_equal(r.data, text, r.len);
		assert_int_equal(source_raw_offset(src), size / 2);
		assert_int_equal(source_out_offset(src), olen);
		assert_non_null(strstr(source_error(src), "truncated"));
		st_assert_offsets(source_error(src), size / 2, olen);
		free(r.data);
		source_free(src);
	}
	free(oracle);
	free(bytes);
	free(text);
}

/* K11: the first five bytes of a gzip file (an incomplete header). */
static void
test_truncated_five_bytes_k11(void **state)
{
	char *full = st_path("full5.gz"), *cut =
	    st_path("demo-api-error__2024-03-08.log.gz");
	char *bytes, err[256], buf[64];
	size_t size, n = 1;
	struct source *src;

	(void)state;
	tl_gz_member(full, "wb", "req=1 ERROR\n", 12);
	bytes = tl_slurp(full, &size);
	tl_write(cut, bytes, 5);
	src = source_open(cut, err, sizeof(err));
	assert_non_null(src);
	assert_true(source_is_gz(src));
	assert_int_equal(source_read(src, buf, sizeof(buf), &n), SOURCE_ERROR);
	assert_int_equal(n, 0);
	assert_non_null(strstr(source_error(src), "truncated"));
	st_assert_offsets(source_error(src), 5, 0);
	assert_int_equal(source_read(src, buf, sizeof(buf), &n), SOURCE_ERROR);
	source_free(src);
	free(bytes);
}

/* A damaged CRC: all the data comes out, then the error. */
static void
test_corrupt_crc(void **state)
{
	char *path = st_path("bad-crc.log.gz"), *text, *bytes, err[256];
	size_t len, size;
	struct source *src;
	struct st_result r;

	(void)state;
	text = tl_seq("req=%d ERROR\n", 1, 100, &len);
	tl_gz_member(path, "wb", text, len);
	bytes = tl_slurp(path, &size);
	bytes[size - 8] ^= 0x55;		/* CRC32 of the trailer */
	tl_write(path, bytes, size);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	st_read_all(src, 256, &r);
	assert_int_equal(r.last, SOURCE_ERROR);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.data, text, len);
	assert_non_null(strstr(source_error(src), "corrupt"));
	st_assert_offsets(source_error(src), source_raw_offset(src), len);
	assert_true(source_raw_offset(src) <= size);
	free(r.data);
	source_free(src);
	free(bytes);
	free(text);
}

/* Garbage in the deflate data: an error, never a hang or a crash. */
static void
test_corrupt_data(void **state)
{
	char *path = st_path("bad-data.log.gz"), *text, *bytes, err[256];
	size_t len, size;
	struct source *src;
	struct st_result r;

	(void)state;
	text = tl_seq("req=%d ERROR\n", 1, 5000, &len);
	tl_gz_member(path, "wb", text, len);
	bytes = tl_slurp(path, &size);
	memset(bytes + 10, 0xff, size - 18);	/* the deflate stream */
	tl_write(path, bytes, size);
	free(bytes);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_true(source_is_gz(src));
	st_read_all(src, 4096, &r);
	assert_int_equal(r.last, SOURCE_ERROR);
	assert_non_null(strstr(source_error(src), "corrupt"));
	st_assert_offsets(source_error(src), source_raw_offset(src),
	    source_out_offset(src));
	assert_int_equal(source_out_offset(src), r.len);
	free(r.data);
	source_free(src);

	/* An unknown compression method in the header. */
	tl_gz_member(path, "wb", text, len);
	bytes = tl_slurp(path, &size);
	bytes[2] = 7;
	tl_write(path, bytes, size);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	st_read_all(src, 4096, &r);
	assert_int_equal(r.last, SOURCE_ERROR);
	assert_int_equal(r.len, 0);
	assert_non_null(source_error(src));
	st_assert_offsets(source_error(src), source_raw_offset(src), 0);
	free(r.data);
	source_free(src);
	free(bytes);
	free(text);
}

/* Bytes after the last member that are not another member. */
static void
test_trailing_garbage(void **state)
{
	char *path = st_path("trailing.log.gz"), *bytes, err[256];
	size_t size;
	struct source *src;
	struct st_result r;
	FILE *fp;

	(void)state;
	tl_gz_member(path, "wb", "req=1 ERROR\n", 12);
	bytes = tl_slurp(path, &size);
	free(bytes);
	fp = fopen(path, "ab");
	assert_non_null(fp);
	fputs("junk", fp);
	fclose(fp);
	src = source_open(path, err, sizeof(err));
	assert_non_null(src);
	st_read_all(src, 100, &r);
	assert_int_equal(r.len, 12);
	assert_memory_equal(r.data, "req=1 ERROR\n", 12);
	assert_int_equal(r.last, SOURCE_ERROR);
	st_assert_offsets(source_error(src), size, 12);
	free(r.data);
	source_free(src);
}

/* "-" reads standard input, gzip included, and does not close it. */
static void
test_stdin(void **state)
{
	char *path = st_path("stdin.gz"), err[256];
	struct source *src;
	struct st_result r;
	int fd, saved;

	(void)state;
	tl_gz_member(path, "wb", "from stdin\n", 11);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	src = source_open("-", err, sizeof(err));
	assert_non_null(src);
	assert_true(source_is_gz(src));
	st_read_all(src, 3, &r);
	assert_int_equal(r.last, SOURCE_EOF);
	assert_int_equal(r.len, 11);
	assert_memory_equal(r.data, "from stdin\n", 11);
	source_free(src);
	free(r.data);
	/* Still open after source_free. */
	assert_int_not_equal(fcntl(STDIN_FILENO, F_GETFD), -1);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_plain_tiny),
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_gzip_by_magic),
		cmocka_unit_test(test_gz_name_plain_text),
		cmocka_unit_test(test_gz_name_not_gzip),
		cmocka_unit_test(test_unread_by_magic),
		cmocka_unit_test(test_magic_like_text),
		cmocka_unit_test(test_multi_member_k10),
		cmocka_unit_test(test_empty_first_member),
		cmocka_unit_test(test_truncated_half_k11),
		cmocka_unit_test(test_truncated_five_bytes_k11),
		cmocka_unit_test(test_corrupt_crc),
		cmocka_unit_test(test_corrupt_data),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_stdin),
	};

	int failed;

	/* Every case with each inflater (inflate.h): the default one (ISA-L
	 * when built in), then zlib. */
	unsetenv("OMNIWATCH_INFLATE");
	failed = cmocka_run_group_tests_name("default inflater", tests,
	    st_setup, st_teardown);
	setenv("OMNIWATCH_INFLATE", "zlib", 1);
	failed += cmocka_run_group_tests_name("zlib", tests, st_setup,
	    st_teardown);
	return failed;
}

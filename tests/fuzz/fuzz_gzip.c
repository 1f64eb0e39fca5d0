/*
 * fuzz_gzip: the gzip source (source.c, source_gz.c): any bytes as a file,
 * read to its end through source_read in small and odd-sized reads.
 *
 * Checks: a read never reports more bytes than asked; the bytes returned
 * add up to source_out_offset; the raw offset never passes the file's
 * size; after SOURCE_EOF or SOURCE_ERROR the same answer comes again; a
 * file that is not gzip (no 1f 8b magic) comes back byte for byte.  And
 * the inflaters agree: the default one (ISA-L when built in) returns the
 * bytes, the end, the message and the offsets that zlib does
 * (OMNIWATCH_INFLATE=zlib), and so does a read through the inflate thread
 * (source_read_ahead, its bytes lent: source_read_lent), but for the one known way they part
 * (fuzz_gzip_incomplete_code).  The seed corpus holds real gzip files:
 * multi-member, empty members, truncated, trailing bytes.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "log.h"
#include "source.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LEVEL_ERROR);
	return 0;
}

/* What one read of a file gave. */
struct fuzz_gzip_read {
	char		*data;
	size_t		 len;
	enum source_result last;
	char		*error;
	uint64_t	 raw, out;
};

static void
fuzz_gzip_read(const char *path, const uint8_t *data, size_t size,
    bool is_ahead, struct fuzz_gzip_read *out)
{
	static const size_t caps[] = { 1, 7, 512, 65536 };
	char err[256], *buf = malloc(65536);
	const char *p = buf;
	struct source *src = source_open(path, err, sizeof(err));
	enum source_result r = SOURCE_OK;
	uint64_t total = 0;
	size_t k = 0, n;
	bool is_same = true;

	if (src == NULL || buf == NULL)
		abort();
	if (is_ahead && source_read_ahead(src) != 0)
		abort();
	out->data = malloc(size * 4 + 1);
	out->len = 0;
	while (r == SOURCE_OK) {
		size_t cap = caps[k++ % 4];

		n = 0;
		/* Through the thread the bytes are lent, as to a scan. */
		if (is_ahead)
			r = source_read_lent(src, buf, cap, &p, &n);
		else {
			r = source_read(src, buf, cap, &n);
			p = buf;
		}
		if (n > cap || (r == SOURCE_OK && n == 0) ||
		    (r != SOURCE_OK && n != 0))
			abort();
		if (!source_is_gz(src) && (total + n > size ||
		    memcmp(p, data + total, n) != 0))
			is_same = false;
		/* Keep what a compare needs, not a gzip bomb's output: the
		 * same first bytes however the reads cut them. */
		if (out->data != NULL && out->len < size * 4) {
			size_t keep = n < size * 4 - out->len ? n :
			    size * 4 - out->len;

			memcpy(out->data + out->len, p, keep);
			out->len += keep;
		}
		total += n;
		if (source_out_offset(src) != total ||
		    source_raw_offset(src) > size)
			abort();
	}
	if (source_read(src, buf, 16, &n) != r || n != 0)
		abort();
	if (r == SOURCE_ERROR && source_error(src) == NULL)
		abort();
	/* Plain bytes pass unchanged (a name without .gz: no sniff error),
	 * unless they start with another compressor's magic: then nothing
	 * is read, and the error names that compressor (source.c). */
	if (!source_is_gz(src) && !(r == SOURCE_ERROR && total == 0 &&
	    strncmp(source_error(src), "compressed with ", 16) == 0) &&
	    (!is_same || total != size || r != SOURCE_EOF))
		abort();
	out->last = r;
	out->error = source_error(src) != NULL ? strdup(source_error(src)) :
	    NULL;
	out->raw = source_raw_offset(src);
	out->out = total;
	source_free(src);
	free(buf);
}

static bool
fuzz_gzip_same(const struct fuzz_gzip_read *a, const struct fuzz_gzip_read *b)
{
	return a->len == b->len && a->last == b->last && a->raw == b->raw &&
	    a->out == b->out &&
	    (a->len == 0 || memcmp(a->data, b->data, a->len) == 0) &&
	    (a->error == NULL) == (b->error == NULL) &&
	    (a->error == NULL || strcmp(a->error, b->error) == 0);
}

/*
 * The one way the inflaters may part (source_gz.c): zlib refuses a
 * Huffman code set with too few codes, ISA-L 2.30 reads on in it, and when
 * it has returned more than the bytes source_gz.c holds back, those stay
 * returned.  Then zlib's bytes are the first of ISA-L's, both end in
 * zlib's error, and only the decompressed offset differs.
 */
static bool
fuzz_gzip_incomplete_code(const struct fuzz_gzip_read *isal,
    const struct fuzz_gzip_read *zlib)
{
	static const char *sets[] = { "(invalid literal/lengths set)",
	    "(invalid distances set)", "(invalid code lengths set)" };
	bool is_set = false;

	for (size_t i = 0; zlib->error != NULL && i < 3; i++)
		if (strstr(zlib->error, sets[i]) != NULL)
			is_set = true;
	return is_set && isal->error != NULL && isal->last == zlib->last &&
	    isal->raw == zlib->raw && isal->out > zlib->out &&
	    isal->len >= zlib->len &&
	    memcmp(isal->data, zlib->data, zlib->len) == 0 &&
	    strncmp(isal->error, zlib->error, strstr(zlib->error,
	    "decompressed offset") - zlib->error) == 0;
}

static void
fuzz_gzip_release(struct fuzz_gzip_read *r)
{
	free(r->data);
	free(r->error);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path, sizeof(path));
	struct fuzz_gzip_read def, ahead, zlib;

	fuzz_gzip_read(path, data, size, false, &def);
	fuzz_gzip_read(path, data, size, true, &ahead);
	setenv("OMNIWATCH_INFLATE", "zlib", 1);
	fuzz_gzip_read(path, data, size, false, &zlib);
	unsetenv("OMNIWATCH_INFLATE");
	if ((!fuzz_gzip_same(&def, &zlib) &&
	    !fuzz_gzip_incomplete_code(&def, &zlib)) ||
	    (!fuzz_gzip_same(&ahead, &zlib) &&
	    !fuzz_gzip_incomplete_code(&ahead, &zlib)))
		abort();
	fuzz_gzip_release(&def);
	fuzz_gzip_release(&ahead);
	fuzz_gzip_release(&zlib);
	close(fd);
	return 0;
}

/*
 * fuzz_gzip: the gzip source (source.c): any bytes as a file, read to its
 * end through source_read in small and odd-sized reads.
 *
 * Checks: a read never reports more bytes than asked; the bytes returned
 * add up to source_out_offset; the raw offset never passes the file's
 * size; after SOURCE_EOF or SOURCE_ERROR the same answer comes again; a
 * file that is not gzip (no 1f 8b magic) comes back byte for byte.  The
 * seed corpus holds real gzip files: multi-member, empty members,
 * truncated, trailing bytes.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 1, 7, 512, 65536 };
	char path[64], err[256], *buf = malloc(65536);
	int fd = fuzz_memfile(data, size, path, sizeof(path));
	struct source *src = source_open(path, err, sizeof(err));
	enum source_result r = SOURCE_OK;
	uint64_t total = 0;
	size_t k = 0, n;
	bool is_same = true;

	if (src == NULL || buf == NULL)
		abort();
	while (r == SOURCE_OK) {
		size_t cap = caps[k++ % 4];

		n = 0;
		r = source_read(src, buf, cap, &n);
		if (n > cap || (r == SOURCE_OK && n == 0) ||
		    (r != SOURCE_OK && n != 0))
			abort();
		if (!source_is_gz(src) && (total + n > size ||
		    memcmp(buf, data + total, n) != 0))
			is_same = false;
		total += n;
		if (source_out_offset(src) != total ||
		    source_raw_offset(src) > size)
			abort();
	}
	if (source_read(src, buf, 16, &n) != r || n != 0)
		abort();
	if (r == SOURCE_ERROR && source_error(src) == NULL)
		abort();
	/* Plain bytes pass unchanged (a name without .gz: no sniff error). */
	if (!source_is_gz(src) && (!is_same || total != size || r != SOURCE_EOF))
		abort();
	source_free(src);
	close(fd);
	free(buf);
	return 0;
}

/*
 * testlib: see testlib.h.
 */
#include "autoconf.h"


#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <zlib.h>

#include "testlib.h"

int
tl_tmpdir(char *dir, size_t len, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(dir, len, "%s/%s.XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp", name);

	if (n < 0 || (size_t)n >= len)
		return -1;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
tl_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
tl_rmtree(const char *dir)
{
	return nftw(dir, tl_remove, 16, FTW_DEPTH | FTW_PHYS);
}

void
tl_write(const char *path, const void *p, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

char *
tl_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct stat sb;
	char *p;

	assert_non_null(fp);
	assert_int_equal(fstat(fileno(fp), &sb), 0);
	p = malloc((size_t)sb.st_size + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)sb.st_size, fp),
	    (size_t)sb.st_size);
	fclose(fp);
	*len = (size_t)sb.st_size;
	return p;
}

void
tl_append(char **data, size_t *len, size_t *have, const void *p, size_t n)
{
	if (*len + n > *have) {
		while (*len + n > *have)
			*have *= 2;
		*data = realloc(*data, *have);
		assert_non_null(*data);
	}
	memcpy(*data + *len, p, n);
	*len += n;
}

void
tl_gz_member(const char *path, const char *mode, const void *p, size_t len)
{
	gzFile gz = gzopen(path, mode);

	assert_non_null(gz);
	if (len > 0)
		assert_int_equal(gzwrite(gz, p, (unsigned)len), (int)len);
	assert_int_equal(gzclose(gz), Z_OK);
}

char *
tl_seq(const char *fmt, int from, int to, size_t *len)
{
	size_t cap = (size_t)(to - from + 1) * 64 + 1, n = 0;
	char *p = malloc(cap);

	assert_non_null(p);
	for (int i = from; i <= to; i++)
		n += (size_t)snprintf(p + n, cap - n, fmt, i);
	*len = n;
	return p;
}

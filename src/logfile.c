/* logfile: see logfile.h. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "logfile.h"
#include "pm2.h"
#include "xmalloc.h"

/*
 * The length of NAME[0, N) without one rotation suffix at its end: ".gz",
 * or logrotate's ".N" or dateext's date ("-20261129", "-2026-11-29",
 * "_20261129-1764374400": pm2_log_is_date) after its separator; N when
 * it has none.
 */
static size_t
logfile_strip_rotation(const char *name, size_t n)
{
	if (n > 3 && memcmp(name + n - 3, ".gz", 3) == 0)
		return n - 3;
	for (size_t i = 1; i + 1 < n; i++)
		if ((name[i] == '-' || name[i] == '_' || name[i] == '.') &&
		    pm2_log_is_date(name + i + 1, n - i - 1))
			return i;
	return n;
}

/*
 * Compressors that logrotate may be told to use (compresscmd,
 * compressext) and that we do not read: scan reads gzip (source_gz.c).
 */
static const struct {
	const char	*ext;
	const char	*program;
} logfile_unread[] = {
	{ ".xz", "xz" },
	{ ".zst", "zstd" },
	{ ".bz2", "bzip2" },
	{ ".lz4", "lz4" },
	{ ".lzo", "lzop" },
	{ ".lzma", "lzma" },
	{ ".Z", "uncompress" },
};

const char *
logfile_compressor(const char *name, size_t *ext_len)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(logfile_unread) /
	    sizeof(logfile_unread[0]); i++) {
		size_t e = strlen(logfile_unread[i].ext);

		if (n > e && memcmp(name + n - e, logfile_unread[i].ext, e) == 0) {
			*ext_len = e;
			return logfile_unread[i].program;
		}
	}
	return NULL;
}

/* PATH as a shell word: as is when it needs no quoting, else in single
 * quotes ('\'' for each quote).  Malloc'd. */
static char *
logfile_shell_word(const char *path)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+,:@%";
	size_t n = 3;
	char *w, *q;

	if (*path != '\0' && path[strspn(path, safe)] == '\0')
		return xstrdup(path);
	for (const char *p = path; *p != '\0'; p++)
		n += *p == '\'' ? 4 : 1;
	q = w = xmalloc(n);
	*q++ = '\'';
	for (const char *p = path; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else
			*q++ = *p;
	}
	*q++ = '\'';
	*q = '\0';
	return w;
}

char *
logfile_unread_message(const char *prog, const char *path)
{
	char *word, *msg;

	if (strcmp(path, "-") == 0)
		return xasprintf("compressed with %s, which omniwatch does not "
		    "read (it reads gzip): not counted; to scan it, "
		    "decompress it on the way: ... | %s -dc | omniwatch "
		    "scan -", prog, prog);
	word = logfile_shell_word(path);
	msg = xasprintf("compressed with %s, which omniwatch does not read "
	    "(it reads gzip): not counted; to scan it: %s -dc %s | "
	    "omniwatch scan -", prog, prog, word);
	free(word);
	return msg;
}

const char *
logfile_unread_compression(const char *path, bool pm2_only)
{
	const char *base = strrchr(path, '/'), *prog;
	struct pm2_log_name name;
	size_t e;
	char *copy;
	bool is_log;

	base = base != NULL ? base + 1 : path;
	if ((prog = logfile_compressor(base, &e)) == NULL)
		return NULL;
	copy = xstrndup(base, strlen(base) - e);
	if (pm2_only) {
		is_log = pm2_log_name_parse(copy, &name) == 0;
		if (is_log)
			pm2_log_name_release(&name);
	} else
		is_log = logfile_is_log(copy);
	free(copy);
	return is_log ? prog : NULL;
}

bool
logfile_is_log(const char *path)
{
	const char *base = strrchr(path, '/');
	struct pm2_log_name pm2;
	const char *dot;
	size_t n, m;

	base = base != NULL ? base + 1 : path;
	if (pm2_log_name_parse(base, &pm2) == 0) {
		pm2_log_name_release(&pm2);
		return true;
	}
	n = strlen(base);
	while ((m = logfile_strip_rotation(base, n)) != n)
		n = m;
	if (n == 0 || base[0] == '.')
		return false;
	dot = memrchr(base, '.', n);
	if (dot == NULL)
		return true;	/* syslog, messages, old-logs(.gz) */
	m = (size_t)(base + n - dot);
	return (m == 4 && (memcmp(dot, ".log", 4) == 0 ||
	    memcmp(dot, ".out", 4) == 0 || memcmp(dot, ".err", 4) == 0));
}

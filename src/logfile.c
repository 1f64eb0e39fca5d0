/* logfile: see logfile.h. */
#include "autoconf.h"

#include <string.h>

#include "logfile.h"
#include "pm2.h"

/* True when [S, S + N) is all digits, and not empty. */
static bool
logfile_is_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * The length of NAME[0, N) without one rotation suffix at its end: ".gz",
 * ".N" (logrotate), "-YYYYMMDD" or "-YYYYMMDDHH" (logrotate's dateext);
 * N when it has none.
 */
static size_t
logfile_strip_rotation(const char *name, size_t n)
{
	const char *dot, *dash;

	if (n > 3 && memcmp(name + n - 3, ".gz", 3) == 0)
		return n - 3;
	dot = memrchr(name, '.', n);
	if (dot != NULL && dot > name &&
	    logfile_is_digits(dot + 1, (size_t)(name + n - dot - 1)))
		return (size_t)(dot - name);
	dash = memrchr(name, '-', n);
	if (dash != NULL && dash > name && (name + n - dash - 1 == 8 ||
	    name + n - dash - 1 == 10) &&
	    logfile_is_digits(dash + 1, (size_t)(name + n - dash - 1)))
		return (size_t)(dash - name);
	return n;
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

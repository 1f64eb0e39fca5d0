/*
 * probe_url_file: see probe_url_file.h.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "probe_url_file.h"
#include "secret_file.h"
#include "xmalloc.h"

char *
probe_url_file_read(const char *path, char **err)
{
	char *buf, *url = NULL;
	size_t n, start = 0;

	*err = NULL;
	if (secret_file_read("url_file", path, PROBE_URL_MAX, &buf, &n,
	    err) != 0)
		return NULL;
	/* The first line; a NUL byte ends it too. */
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	while (start < n && isspace((unsigned char)buf[start]))
		start++;
	while (n > start && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	if (n == start)
		*err = xasprintf("url_file %s: no URL on its first line", path);
	else
		url = xstrdup(buf + start);
	explicit_bzero(buf, PROBE_URL_MAX);
	free(buf);
	return url;
}

/* path: see path.h. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "path.h"
#include "xmalloc.h"

size_t
path_join_buf(char *buf, size_t size, const char *dir, const char *name)
{
	size_t dlen = strlen(dir);
	int n;

	while (*name == '/')
		name++;
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if (dlen == 0)
		n = snprintf(buf, size, "%s", name);
	/* Only slashes: the root, which already ends in its slash. */
	else if (dir[dlen - 1] == '/')
		n = snprintf(buf, size, "/%s", name);
	else
		n = snprintf(buf, size, "%.*s/%s", (int)dlen, dir, name);
	return n < 0 ? 0 : (size_t)n;
}

char *
path_join(const char *dir, const char *name)
{
	size_t len = path_join_buf(NULL, 0, dir, name);
	char *p = xmalloc(len + 1);

	path_join_buf(p, len + 1, dir, name);
	return p;
}

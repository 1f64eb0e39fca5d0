/* path: see path.h. */
#include "autoconf.h"

#include <string.h>

#include "path.h"
#include "xmalloc.h"

char *
path_join(const char *dir, const char *name)
{
	size_t dlen = strlen(dir);

	while (*name == '/')
		name++;
	if (dlen == 0)
		return xstrdup(name);
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	/* Only slashes: the root, which already ends in its slash. */
	if (dir[dlen - 1] == '/')
		return xasprintf("/%s", name);
	return xasprintf("%.*s/%s", (int)dlen, dir, name);
}

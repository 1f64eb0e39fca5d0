/*
 * utf8_json: see utf8_json.h.
 */
#include "autoconf.h"

#include <stdlib.h>

#include "utf8.h"
#include "utf8_json.h"

json_t *
utf8_json_string(const char *p, size_t len)
{
	size_t n;
	char *clean = utf8_clean(p, len, &n);
	json_t *j = json_stringn(clean, n);

	free(clean);
	return j;
}

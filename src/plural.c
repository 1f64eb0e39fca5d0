/* plural: see plural.h. */
#include "autoconf.h"

#include "plural.h"

const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

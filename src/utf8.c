/*
 * utf8: see utf8.h.  The table of valid sequences is RFC 3629's, section 4.
 */
#include "autoconf.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

size_t
utf8_first_invalid(const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;

	for (size_t i = 0; i < len;) {
		size_t n;

		/* ASCII runs are the common case: 8 bytes at a time while no
		 * byte has its high bit or is NUL. */
		while (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) != 0 ||
			    ((w - 0x0101010101010101ULL) & ~w &
			    0x8080808080808080ULL) != 0)
				break;
			i += 8;
		}
		while (i < len && s[i] >= 0x01 && s[i] <= 0x7F)
			i++;
		if (i == len)
			break;
		n = utf8_seq_len((const char *)s + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

bool
utf8_is_valid(const char *p, size_t len)
{
	return utf8_first_invalid(p, len) == len;
}

size_t
utf8_repair(const char *p, size_t len, char *out)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len((const char *)s + i, len - i);

		if (n == 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return o;
}

char *
utf8_clean(const char *p, size_t len, size_t *outlen)
{
	char *out = xmalloc(len * 3 + 1);

	*outlen = utf8_repair(p, len, out);
	return out;
}

/*
 * ansi: removing CSI sequences from log text (see ansi.h).  Callers look
 * for an ESC byte with memchr(3) first, so that text without one, nearly
 * all of it, costs nothing more.
 */
#include "autoconf.h"

#include <string.h>

#include "ansi.h"

size_t
ansi_csi_len(const char *p, size_t len)
{
	size_t i = 2;

	if (len < 3 || p[0] != '\033' || p[1] != '[')
		return 0;
	while (i < len && (unsigned char)p[i] >= 0x30 &&
	    (unsigned char)p[i] <= 0x3F)
		i++;
	while (i < len && (unsigned char)p[i] >= 0x20 &&
	    (unsigned char)p[i] <= 0x2F)
		i++;
	if (i < len && (unsigned char)p[i] >= 0x40 &&
	    (unsigned char)p[i] <= 0x7E)
		return i + 1;
	return 0;
}

size_t
ansi_strip(const char *p, size_t len, char *out)
{
	const char *end = p + len, *esc;
	size_t n = 0;

	while ((esc = memchr(p, '\033', (size_t)(end - p))) != NULL) {
		size_t k = (size_t)(esc - p), skip;

		memmove(out + n, p, k);
		n += k;
		p = esc;
		skip = ansi_csi_len(p, (size_t)(end - p));
		if (skip == 0) {
			out[n++] = *p++;	/* not a sequence: kept */
			continue;
		}
		p += skip;
	}
	memmove(out + n, p, (size_t)(end - p));
	return n + (size_t)(end - p);
}

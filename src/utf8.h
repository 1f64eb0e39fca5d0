/*
 * utf8: validating and repairing UTF-8 (RFC 3629), for the places where
 * log bytes meet something that insists on valid text: PCRE2 in UTF mode
 * and JSON strings.
 */
#ifndef OMNIWATCH_UTF8_H
#define OMNIWATCH_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The length in bytes of the valid sequence at P (LEN > 0 bytes in hand),
 * or 0 when it is not one, or is NUL.  Inline: the JSON decoder asks it
 * of every multi-byte character of a message.
 */
static inline size_t
utf8_seq_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t n;

	if (c >= 0x01 && c <= 0x7F)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (len < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

/* True when (P, LEN) is valid UTF-8 without NUL bytes. */
bool utf8_is_valid(const char *p, size_t len);

/*
 * The offset (bytes) of the first byte of (P, LEN) that is NUL or not part
 * of a valid sequence, or LEN when there is none.
 */
size_t utf8_first_invalid(const char *p, size_t len);

/*
 * Writes (P, LEN) to OUT with every byte that is not part of a valid
 * sequence, and every NUL, replaced by U+FFFD.  OUT must hold 3 * LEN + 1
 * bytes; the result is NUL-terminated.  Returns its length.
 */
size_t utf8_repair(const char *p, size_t len, char *out);

/*
 * A malloc'd copy of (P, LEN) repaired as by utf8_repair (NUL-terminated);
 * *OUTLEN gets its length in bytes.  The caller frees it.
 */
char *utf8_clean(const char *p, size_t len, size_t *outlen);

#endif

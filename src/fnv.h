/*
 * fnv: FNV-1a, 64 bits, the tree's one non-cryptographic hash: the state
 * journal's rows, the metrics' counters, alert sources and fingerprints,
 * the followed files by path, the config's digest.  The offset basis and
 * prime are FNV's for 64 bits
 * (http://www.isthe.com/chongo/tech/comp/fnv/).  Not for security: an
 * input chosen to collide only slows a table down or, for the config
 * digest, hides an edit from `check` (which its own reader can see).
 * Digests kept in the state (config_digest, alert fingerprints) depend on
 * these constants: changing them reads as a change on upgrade.
 */
#ifndef OMNIWATCH_FNV_H
#define OMNIWATCH_FNV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FNV1A64_INIT	0xcbf29ce484222325ULL	/* offset basis */
#define FNV1A64_PRIME	0x100000001b3ULL

/* H, continued over the LEN bytes at P. */
static inline uint64_t
fnv1a64(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ s[i]) * FNV1A64_PRIME;
	return h;
}

/* H, continued over S and its NUL, so that the strings ("ab", "c") and
 * ("a", "bc") hash apart. */
static inline uint64_t
fnv1a64_str(uint64_t h, const char *s)
{
	return fnv1a64(h, s, strlen(s) + 1);
}

#endif

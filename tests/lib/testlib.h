/*
 * testlib: what the unit tests share (tests/lib, linked into every check
 * program): a scratch directory per test program, and files written,
 * read back, gzipped or generated there.  The file helpers fail the
 * running cmocka test on any I/O error, so a test never goes on with a
 * half-written input.
 */
#ifndef OMNIWATCH_TESTLIB_H
#define OMNIWATCH_TESTLIB_H

#include <stddef.h>

/*
 * Makes a new directory $TMPDIR/NAME.XXXXXX (/tmp when TMPDIR is unset or
 * empty) and writes its path to DIR (LEN bytes).  Returns 0, or -1 (as a
 * cmocka group setup returns).
 */
int tl_tmpdir(char *dir, size_t len, const char *name);

/* Removes DIR and everything under it.  Returns 0, or -1. */
int tl_rmtree(const char *dir);

/* Writes (P, LEN) to PATH, replacing it. */
void tl_write(const char *path, const void *p, size_t len);

/* PATH's bytes, malloc'd with a spare byte; *LEN gets their number. */
char *tl_slurp(const char *path, size_t *len);

/*
 * Appends (P, N) to the malloc'd *DATA of *LEN bytes, room *HAVE (> 0),
 * doubling the room as needed.
 */
void tl_append(char **data, size_t *len, size_t *have, const void *p,
    size_t n);

/* Appends one gzip member holding (P, LEN) to PATH (MODE "wb" or "ab"). */
void tl_gz_member(const char *path, const char *mode, const void *p,
    size_t len);

/*
 * FMT (one %d) for each number FROM..TO, concatenated, as seq(1) -f makes
 * them ("req=1 ERROR\nreq=2 ERROR\n...").  Each line must fit 63 bytes.
 * malloc'd; *LEN gets its length.
 */
char *tl_seq(const char *fmt, int from, int to, size_t *len);

#endif

/*
 * driver: a main for a fuzz target without libFuzzer, so that the inputs
 * the fuzzers found (tests/fuzz/regressions/NAME) and the seed corpus
 * (tests/fuzz/corpus/NAME) run as plain tests under any compiler, in the
 * normal and the sanitizer builds.
 *
 *   regress_NAME [FILE|DIR ...]
 *
 * With no argument it reads regressions/NAME and corpus/NAME under
 * tests/fuzz of the source tree (OMNIWATCH_FUZZ_DIR, compiled in), NAME
 * being what follows "regress_" in the program's name: one driver.o for
 * every target (Makefile.am).  Each file is given whole to
 * LLVMFuzzerTestOneInput, as libFuzzer gives a reproducer; a target that
 * finds a wrong answer aborts, which fails the test.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* libFuzzer calls it when the target has one; so do we. */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

static int
driver_file(const char *path, size_t *nrun)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap == 0 ? 4096 : cap * 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	fprintf(stderr, "run %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	(*nrun)++;
	return 0;
}

static int
driver_path(const char *path, size_t *nrun)
{
	struct stat st;
	struct dirent **names;
	int n, rc = 0;

	if (stat(path, &st) != 0) {
		/* A target with no regression yet has no directory. */
		return errno == ENOENT ? 0 : -1;
	}
	if (!S_ISDIR(st.st_mode))
		return driver_file(path, nrun);
	/* In name order, so that a run is the same everywhere. */
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
			char *p = malloc(len);

			if (p == NULL)
				abort();
			snprintf(p, len, "%s/%s", path, names[i]->d_name);
			if (driver_path(p, nrun) != 0)
				rc = -1;
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* The target's NAME, from the program's name: regress_NAME. */
static const char *
driver_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base != NULL ? base + 1 : argv0;
	/* libtool's wrapper runs lt-regress_NAME. */
	if (strncmp(base, "lt-", 3) == 0)
		base += 3;
	if (strncmp(base, "regress_", 8) != 0 || base[8] == '\0')
		return NULL;
	return base + 8;
}

int
main(int argc, char **argv)
{
	const char *name = driver_name(argv[0]);
	size_t nrun = 0;
	int rc = 0;

	if (name == NULL) {
		fprintf(stderr, "%s: the program's name must be regress_NAME, "
		    "NAME a fuzz target\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (driver_path(argv[i], &nrun) != 0)
				rc = 1;
	} else {
		const char *kinds[] = { "regressions", "corpus" };

		for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
			char dir[4096];

			if ((size_t)snprintf(dir, sizeof(dir), "%s/%s/%s",
			    OMNIWATCH_FUZZ_DIR, kinds[i], name) >= sizeof(dir) ||
			    driver_path(dir, &nrun) != 0)
				rc = 1;
		}
		/* Every target has a seed corpus: none found is a wrong
		 * name or tree, not a pass. */
		if (nrun == 0) {
			fprintf(stderr, "%s: no input under %s for %s\n",
			    argv[0], OMNIWATCH_FUZZ_DIR, name);
			rc = 1;
		}
	}
	printf("%s: %zu input(s) ran\n", name, nrun);
	return rc;
}

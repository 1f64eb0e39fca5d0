/*
 * fuzz: helpers shared by the fuzz targets (see fuzz.h).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

const char *__lsan_default_suppressions(void);

/*
 * LeakSanitizer's suppressions for every fuzz target and regression run.
 * libfyaml 0.7.12 (Debian 12) leaks the chunk array of its atom iterator
 * once a scalar's text has more than 8 chunks (escaped quotes, folded
 * lines): 512 bytes per such scalar read with fy_node_get_scalar;
 * pantoniou/libfyaml issue 233, fixed upstream after 0.7.12.  The fast
 * unwinder stops inside libfyaml (built without frame pointers), so the
 * library is named rather than the function.  Our own leaks of libfyaml
 * objects are still caught by test_config and test_match, which run
 * without this list.
 */
__attribute__((visibility("default"), used)) const char *
__lsan_default_suppressions(void)
{
	return "leak:libfyaml.so\n";
}

int
fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

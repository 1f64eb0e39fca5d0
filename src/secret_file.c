/*
 * secret_file: see secret_file.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_kind.h"
#include "log.h"
#include "secret_file.h"
#include "xmalloc.h"

int
secret_file_read(const char *what, const char *path, size_t max,
    char **buf, size_t *len, char **err)
{
	struct stat sb;
	size_t n = 0;
	int fd;

	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO in its place is refused below, not waited on
	 * for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0) {
		*err = xasprintf("%s %s: %s", what, path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		*err = xasprintf("%s %s: is %s; expected a regular file", what,
		    path, file_kind(sb.st_mode));
		close(fd);
		return -1;
	}
	if ((sb.st_mode & 0004) != 0)
		log_warnx("%s %s is readable by everyone; chmod o-r it", what,
		    path);
	*buf = xmalloc(max + 1);
	while (n < max) {
		ssize_t r = read(fd, *buf + n, max - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = xasprintf("%s %s: %s", what, path,
			    strerror(errno));
			close(fd);
			explicit_bzero(*buf, n);
			free(*buf);
			*buf = NULL;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

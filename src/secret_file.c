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
	char *name;
	int fd;

	*buf = NULL;
	*len = 0;
	name = xasprintf("%s %s", what, path);
	fd = file_open_plain(path, name, "a regular file", false, &sb, err);
	free(name);
	if (fd < 0)
		return -1;
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

/*
 * file_kind: see file_kind.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "file_kind.h"
#include "xmalloc.h"

const char *
file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* Linux's pipefs (<linux/magic.h>): where anonymous pipes live, and
 * named FIFOs never do (they live on the file system that names them). */
#define FILE_KIND_PIPEFS_MAGIC 0x50495045

bool
file_is_pipe(int fd, const struct stat *sb)
{
	struct statfs fs;

	return S_ISFIFO(sb->st_mode) && fstatfs(fd, &fs) == 0 &&
	    fs.f_type == FILE_KIND_PIPEFS_MAGIC;
}

int
file_open_plain(const char *path, const char *name, const char *expected,
    bool pipe_ok, struct stat *sb, char **err)
{
	int fd, flags;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, sb) != 0)
		goto fail_errno;
	if (!S_ISREG(sb->st_mode) && !(pipe_ok && file_is_pipe(fd, sb))) {
		*err = xasprintf("%s: is %s; expected %s", name,
		    file_kind(sb->st_mode), expected);
		close(fd);
		return -1;
	}
	/* Blocking again: a pipe's writer may still be writing. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
		goto fail_errno;
	return fd;

fail_errno:
	*err = xasprintf("%s: cannot read: %s", name, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int
file_open_noatime(const char *path, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME | flags);

	if (fd < 0 && errno == EPERM)
		fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	return fd;
}

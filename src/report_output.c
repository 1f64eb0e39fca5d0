/*
 * report_output: see report_output.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_kind.h"
#include "report_output.h"
#include "xmalloc.h"

struct report_output {
	FILE		*fp;
	char		*path;		/* NULL: stdout */
	char		*tmp;		/* NULL: written in place */
};

static void
report_output_free(struct report_output *out)
{
	free(out->path);
	free(out->tmp);
	free(out);
}

/*
 * A temporary file beside OUT->path, to be renamed over it.  OLD is the
 * regular file it replaces (NULL: none): its mode, and its owner where we
 * may set it, go to the new one, as sed -i and install(1) keep them (a
 * 0444 report stays 0444).
 */
static int
report_output_tmp(struct report_output *out, const struct stat *old,
    char **err)
{
	mode_t mask;
	int fd;

	out->tmp = xasprintf("%s.tmp.XXXXXX", out->path);
	fd = mkstemp(out->tmp);
	if (fd < 0 || (out->fp = fdopen(fd, "w")) == NULL) {
		*err = xasprintf("%s: cannot write: %s", out->path,
		    strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(out->tmp);
		}
		return -1;
	}
	if (old != NULL) {
		/* Not our file's owner unless root: then the mode alone. */
		if (fchown(fd, old->st_uid, old->st_gid) != 0)
			(void)fchown(fd, (uid_t)-1, old->st_gid);
		fchmod(fd, old->st_mode & 07777);
		return 0;
	}
	/* mkstemp makes it 0600; a report is as readable as a new file. */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	return 0;
}

/* Writes through OUT->path (a FIFO, a device, a dangling symlink). */
static int
report_output_direct(struct report_output *out, char **err)
{
	int fd = open(out->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOCTTY, 0666);

	if (fd < 0 || (out->fp = fdopen(fd, "w")) == NULL) {
		*err = xasprintf("%s: cannot write: %s", out->path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

struct report_output *
report_output_open(const char *path, char **err)
{
	struct report_output *out = xcalloc(1, sizeof(*out));
	struct stat sb;
	int rc;

	*err = NULL;
	if (path == NULL || strcmp(path, "-") == 0) {
		out->fp = stdout;
		return out;
	}
	if (*path == '\0') {
		*err = xstrdup("-o '': an empty file name; -o takes a file, or "
		    "'-' for standard output");
		free(out);
		return NULL;
	}
	out->path = xstrdup(path);
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
		char *real = realpath(path, NULL);

		/* A link to a file: the file is replaced, the link kept.
		 * A dangling one: open(2) creates its target. */
		if (real == NULL) {
			if (report_output_direct(out, err) != 0)
				goto fail;
			return out;
		}
		free(out->path);
		out->path = real;
	}
	if (stat(out->path, &sb) != 0) {
		if (errno != ENOENT) {
			*err = xasprintf("%s: cannot write: %s", path,
			    strerror(errno));
			goto fail;
		}
		rc = report_output_tmp(out, NULL, err);
	} else if (S_ISREG(sb.st_mode))
		rc = report_output_tmp(out, &sb, err);
	else if (S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode))
		rc = report_output_direct(out, err);
	else {
		*err = xasprintf("%s: is %s; -o takes a file, a FIFO or a "
		    "character device", path, file_kind(sb.st_mode));
		rc = -1;
	}
	if (rc != 0)
		goto fail;
	return out;

fail:
	report_output_free(out);
	return NULL;
}

FILE *
report_output_fp(struct report_output *out)
{
	return out->fp;
}

int
report_output_close(struct report_output *out, bool is_ok, char **err)
{
	bool bad;
	int rc = 0, write_errno;

	*err = NULL;
	if (out->path == NULL) {
		if (fflush(stdout) != 0) {
			*err = xasprintf("standard output: %s", strerror(errno));
			rc = -1;
		}
		report_output_free(out);
		return rc;
	}
	/* The write that failed left its errno: the writers stop at the
	 * first failed call. */
	bad = ferror(out->fp) != 0;
	write_errno = errno;
	if (fclose(out->fp) != 0) {
		bad = true;
		write_errno = errno;
	}
	/* Whether or not the writer saw it fail (IS_OK): the file and the
	 * reason are said, never a bare "cannot write the report". */
	if (bad) {
		*err = xasprintf("%s: cannot write: %s", out->tmp != NULL ?
		    out->tmp : out->path, strerror(write_errno));
		rc = -1;
	}
	if (out->tmp != NULL) {
		if (rc == 0 && is_ok && rename(out->tmp, out->path) != 0) {
			*err = xasprintf("%s: cannot rename to %s: %s",
			    out->tmp, out->path, strerror(errno));
			rc = -1;
		}
		if (rc != 0 || !is_ok)
			unlink(out->tmp);
	}
	report_output_free(out);
	return rc;
}

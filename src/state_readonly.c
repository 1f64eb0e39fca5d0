/*
 * state_readonly: see state_readonly.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "log.h"
#include "service.h"
#include "stamp.h"
#include "state_readonly.h"
#include "xmalloc.h"

/*
 * May we not write DIR for want of permission (not for any other
 * reason)?  Then no reader of ours can create a -shm file there.
 */
static bool
state_readonly_is_denied(const char *dir)
{
	struct statvfs vfs;

	if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0)
		return true;
	if (access(dir, W_OK) == 0)
		return false;
	return errno == EACCES || errno == EPERM || errno == EROFS;
}

/* "file:PATH?immutable=1", PATH %-escaped as RFC 3986 asks of a path. */
static char *
state_readonly_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *uri = xmalloc(5 + 3 * strlen(path) + sizeof("?immutable=1"));
	char *o = uri;

	memcpy(o, "file:", 5);
	o += 5;
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0';
	    p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL)
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	strcpy(o, "?immutable=1");
	return uri;
}

char *
state_readonly_fallback(const char *path, const char *state_dir, char **err)
{
	struct service_probe sp;
	struct stat sb;
	char *wal, who[64];
	int rc;

	if (!state_readonly_is_denied(state_dir))
		return NULL;
	wal = xasprintf("%s-wal", path);
	rc = stat(wal, &sb);
	free(wal);
	if (rc == 0 && sb.st_size > 0) {
		free(*err);
		*err = xasprintf("%s: cannot read it without write access to "
		    "%s: commits wait in its -wal file, which needs a "
		    "readable -shm file beside it (run as the user watch "
		    "runs as, or give read access to its -shm file)", path,
		    state_dir);
		return NULL;
	}
	service_probe(state_dir, stamp_now_ms(), &sp);
	if (sp.liveness == SERVICE_UNKNOWN) {
		free(*err);
		*err = xasprintf("%s: cannot read it without write access to "
		    "%s unless watch is known to be stopped, and %s/%s says "
		    "nothing: %s (give read access to it)", path, state_dir,
		    state_dir, SERVICE_LOCK_FILE, strerror(sp.err));
		return NULL;
	}
	if (sp.liveness != SERVICE_DOWN) {
		free(*err);
		*err = xasprintf("%s: cannot read it without write access to "
		    "%s while %s has not yet made its -wal and -shm files "
		    "there (try again in a moment)", path, state_dir,
		    service_probe_who(&sp, who, sizeof(who)));
		return NULL;
	}
	/* No writer, no pending commit: the file alone is the state.  A
	 * watch that starts now writes its -wal first; the database file
	 * changes only at a checkpoint, long after. */
	log_debug("%s: no write access to %s: read as immutable", path,
	    state_dir);
	free(*err);
	*err = NULL;
	return state_readonly_uri(path);
}

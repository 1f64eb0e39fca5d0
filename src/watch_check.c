/*
 * watch_check: see watch_check.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_kind.h"
#include "log.h"
#include "path.h"
#include "watch_check.h"
#include "xmalloc.h"

int
watch_check_state_dir(const struct config *cfg, char **err)
{
	const char *dir = cfg->state_dir;
	char *p = xstrdup(dir);
	struct stat sb;
	bool exists;

	*err = NULL;
	/* The nearest component that exists decides: it must be a
	 * directory we may write into (to make the rest, or the files). */
	for (;;) {
		char *slash;

		if (stat(p, &sb) == 0)
			break;
		if (errno != ENOENT && errno != ENOTDIR) {
			*err = xasprintf("%s: cannot use it as the state "
			    "directory: %s: %s", dir, p, strerror(errno));
			goto fail;
		}
		slash = strrchr(p, '/');
		if (slash == NULL) {
			strcpy(p, ".");
			continue;
		}
		if (slash == p)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	exists = strcmp(p, dir) == 0;
	if (!S_ISDIR(sb.st_mode)) {
		*err = xasprintf("%s: cannot hold the state: %s is not a "
		    "directory", dir, p);
		goto fail;
	}
	if (faccessat(AT_FDCWD, p, W_OK | X_OK, AT_EACCESS) != 0) {
		*err = exists ?
		    xasprintf("%s: cannot write in the state directory: %s",
		    dir, strerror(errno)) :
		    xasprintf("%s: cannot create the state directory in %s: "
		    "%s", dir, p, strerror(errno));
		goto fail;
	}
	free(p);
	return 0;

fail:
	free(p);
	return -1;
}

size_t
watch_check_sources(const struct config *cfg)
{
	size_t nwarned = 0;

	for (size_t i = 0; i < cfg->nsources; i++) {
		const char *pat = cfg->sources[i].path;
		glob_t g;

		if (pat == NULL)
			continue;
		if (glob(pat, 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc; k++) {
			struct stat sb;

			if (stat(g.gl_pathv[k], &sb) != 0 ||
			    S_ISREG(sb.st_mode))
				continue;
			log_warnx("%s: source '%s': is %s; watch follows "
			    "regular files only, so it is skipped",
			    g.gl_pathv[k], pat, file_kind(sb.st_mode));
			nwarned++;
		}
		globfree(&g);
	}
	return nwarned;
}

/* "source N: pm2_home DIR: WHY; give ..." */
static char *
watch_check_home_error(size_t i, const char *home, const char *why)
{
	return xasprintf("source %zu: pm2_home %s: %s; give the PM2_HOME of "
	    "the account that runs the apps (PM2 uses $PM2_HOME, else "
	    "~/.pm2)", i + 1, home, why);
}

int
watch_check_pm2_homes(const struct config *cfg, char **err)
{
	*err = NULL;
	for (size_t i = 0; i < cfg->nsources; i++) {
		const char *home = cfg->sources[i].pm2_home;
		struct stat sb;
		char *logs;

		if (home == NULL)
			continue;
		if (stat(home, &sb) != 0) {
			*err = watch_check_home_error(i, home, strerror(errno));
			return -1;
		}
		if (!S_ISDIR(sb.st_mode)) {
			*err = watch_check_home_error(i, home,
			    "not a directory");
			return -1;
		}
		logs = path_join(home, "logs");
		if (stat(logs, &sb) != 0) {
			if (errno == ENOENT)
				log_warnx("source %zu: pm2_home %s has no logs/ "
				    "yet; PM2 makes it when it starts an app, "
				    "and watch waits for it", i + 1, home);
			else
				*err = xasprintf("source %zu: %s: %s", i + 1,
				    logs, strerror(errno));
		} else if (!S_ISDIR(sb.st_mode))
			*err = xasprintf("source %zu: %s: not a directory",
			    i + 1, logs);
		else if (faccessat(AT_FDCWD, logs, R_OK | X_OK,
		    AT_EACCESS) != 0)
			*err = xasprintf("source %zu: %s: %s; run watch as the "
			    "account that can read the PM2 logs", i + 1, logs,
			    strerror(errno));
		free(logs);
		if (*err != NULL)
			return -1;
	}
	return 0;
}

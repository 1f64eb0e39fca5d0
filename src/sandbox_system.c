/*
 * sandbox_system: the system's files a confined watch still reads (see
 * sandbox_int.h).  Not /etc whole: a symlink among the logs to
 * /etc/shadow, or a config pointing a source at /etc, must find nothing
 * readable there.  What is read after start was found with strace(1) on
 * watch (Debian 12, glibc 2.36, libcurl 7.88 with OpenSSL 3.0) sending a
 * webhook to a host name and probing an https URL:
 *
 *   getaddrinfo(3)  /etc/nsswitch.conf, host.conf, hosts, resolv.conf
 *                   (re-read when it changes, resolv.conf(5)), gai.conf,
 *                   the NSS modules by way of /etc/ld.so.cache;
 *                   services and protocols for NSS modules that ask
 *   libcurl, TLS    the CA bundle and directory (curl-config --ca:
 *                   /etc/ssl/certs/ca-certificates.crt; /etc/pki on Red
 *                   Hat), openssl.cnf; never /etc/ssl/private
 *   time            /etc/localtime, /etc/timezone, zoneinfo under /usr
 *   libraries       /usr, /lib, /lib64 (NSS modules load lazily)
 *   randomness      /dev/urandom (SQLite, OpenSSL)
 *   sanitizers      /proc, in a sanitizer build only
 *
 * Landlock rules hold inodes, not names: a file replaced by rename(2)
 * after start is a new inode the rule does not cover.  So a file that is
 * a symlink (resolv.conf to systemd-resolved's or resolvconf's, localtime
 * to zoneinfo) is allowed by its target's directory, where the target is
 * replaced; a resolv.conf that is a plain file replaced by rename (a DHCP
 * client without resolvconf) needs a restart of watch to be read again,
 * which sandbox_hint's EACCES note says.
 */
#include "autoconf.h"

#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sandbox_int.h"
#include "xmalloc.h"

static const char *const sandbox_system_files[] = {
	"/etc/nsswitch.conf", "/etc/host.conf", "/etc/hosts",
	"/etc/resolv.conf", "/etc/gai.conf", "/etc/ld.so.cache",
	"/etc/services", "/etc/protocols", "/etc/mdns.allow",
	"/etc/ssl/openssl.cnf", "/etc/pki/tls/openssl.cnf",
	"/etc/localtime", "/etc/timezone",
	"/dev/urandom",
};

static const char *const sandbox_system_dirs[] = {
	"/etc/ssl/certs", "/etc/pki/tls/certs", "/etc/pki/ca-trust/extracted",
	"/usr", "/lib", "/lib64", "/run/systemd/resolve",
	/* Sanitizer runtimes read /proc/self/maps to find leaks at exit. */
#ifdef SANDBOX_SANITIZER
	"/proc",
#endif
};

void
sandbox_system_paths(sandbox_path_fn fn, void *ctx)
{
	struct stat st;

	for (size_t i = 0; i < sizeof(sandbox_system_dirs) /
	    sizeof(*sandbox_system_dirs); i++)
		if (stat(sandbox_system_dirs[i], &st) == 0)
			(void)fn(ctx, sandbox_system_dirs[i],
			    SANDBOX_ACCESS_READ, "system", "");
	for (size_t i = 0; i < sizeof(sandbox_system_files) /
	    sizeof(*sandbox_system_files); i++) {
		const char *path = sandbox_system_files[i];
		char *real, *dir;

		if (lstat(path, &st) != 0)
			continue;
		if (!S_ISLNK(st.st_mode)) {
			(void)fn(ctx, path, SANDBOX_ACCESS_READ, "system", "");
			continue;
		}
		real = realpath(path, NULL);
		if (real == NULL)
			continue;
		dir = xstrdup(dirname(real));
		/* /etc/x -> /etc/alternatives/x must not open /etc. */
		(void)fn(ctx, strcmp(dir, "/etc") == 0 ? real : dir,
		    SANDBOX_ACCESS_READ, "system", path);
		free(dir);
		free(real);
	}
}

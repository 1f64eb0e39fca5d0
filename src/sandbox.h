/*
 * sandbox: what `omniwatch watch` may still do once it has started.
 *
 * watch reads logs and writes its state; after start-up it needs nothing
 * else, so it gives the rest up (OpenBSD's pledge and unveil, in Linux's
 * three layers):
 *
 *   no_new_privs  prctl(2) PR_SET_NO_NEW_PRIVS: no exec can gain
 *                 privileges (and the two layers below need it)
 *   Landlock      the file system, by directory: read the sources'
 *                 directories (a PM2_HOME whole, for its pm2.log and
 *                 logs/), the pattern files', the config's, the
 *                 receivers' secret files', the probes' url_files', and
 *                 the system's (the resolver's files and the CA
 *                 certificates in /etc, not /etc whole; /usr for time
 *                 zones and the NSS modules: sandbox_system.c lists
 *                 them); write the state directory and the metrics
 *                 textfile's directory; nothing else (landlock(7), any ABI
 *                 from 1; a kernel without it is said at start)
 *   seccomp       an allow-list of system calls (libseccomp); any other
 *                 call fails with EPERM rather than killing watch.  No
 *                 exec and no namespaces; fork stays, for yaml_load's
 *                 child that parses a reloaded file under a time limit
 *                 (with Landlock ABI 6, signals reach only processes in
 *                 the sandbox)
 *
 * A SIGHUP reload re-reads the config and everything it names; a reload
 * that needs a path outside what watch was started with is refused by
 * sandbox_check with a message naming the path, and the old configuration
 * keeps counting.  `watch --no-sandbox` leaves all three layers off.
 */
#ifndef OMNIWATCH_SANDBOX_H
#define OMNIWATCH_SANDBOX_H

#include <stdbool.h>

struct config;
struct sandbox;

/*
 * Confines the calling process (its threads to come, and the thread
 * itself) to what CFG, read from CONFIG_PATH, needs: state_dir must exist.
 * Never fails: a layer the kernel lacks is left off, and one line at
 * info level says which layers took effect.  Returns the sandbox, owned by
 * the caller (sandbox_free), for sandbox_check on reload.
 */
struct sandbox *sandbox_enter(const char *config_path,
    const struct config *cfg);

/*
 * Whether SB lets CFG (a reloaded config, from CONFIG_PATH) be used: every
 * file it names to read lies under a directory SB may read, and its
 * state_dir and textfile under ones SB may write.  SB NULL (no sandbox)
 * allows everything.  Returns 0, or -1 with *ERR (malloc'd) naming the
 * first path outside and what to do.
 */
int sandbox_check(const struct sandbox *sb, const char *config_path,
    const struct config *cfg, char **err);

/*
 * The words to add to a message about an error ERR (an errno) opening
 * PATH to read: when ERR is EACCES, a note that the permissions of PATH
 * (or of a directory above it) do not let this user read it, when they
 * do not; else, when Landlock is in effect, that PATH may be outside the
 * sandbox and what to do; else "".  Static storage, overwritten by the
 * next call.
 */
const char *sandbox_hint(const char *path, int err);

/* Whether the Landlock layer took effect (for tests and the summary). */
bool sandbox_has_landlock(const struct sandbox *sb);

void sandbox_free(struct sandbox *sb);

#endif

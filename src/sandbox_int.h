/*
 * sandbox_int: what sandbox.c and sandbox_system.c share: the kind of
 * access a path is allowed, and the callback that lists paths (one
 * callback both for making Landlock rules at start and for checking a
 * reload against them).
 */
#ifndef OMNIWATCH_SANDBOX_INT_H
#define OMNIWATCH_SANDBOX_INT_H

/* Sanitizer runtimes read /proc/self/maps and stop threads with ptrace(2)
 * to find leaks at exit; a sanitizer build lets them. */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZER 1
#endif
#endif

enum sandbox_access {
	SANDBOX_ACCESS_READ,
	SANDBOX_ACCESS_WRITE,
};

/* PATH (a directory or a file) is what must be allowed; WHAT and NAMED
 * (the path the config gives) are for messages.  Returns 0 or -1. */
typedef int (*sandbox_path_fn)(void *ctx, const char *path,
    enum sandbox_access access, const char *what, const char *named);

/*
 * Lists through FN the system's files and directories watch reads once
 * confined (sandbox_system.c): the resolver's, the CA certificates', the
 * time zone, the shared libraries and NSS modules.  Those that do not
 * exist are left out.
 */
void sandbox_system_paths(sandbox_path_fn fn, void *ctx);

#endif

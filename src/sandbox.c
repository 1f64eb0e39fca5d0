/*
 * sandbox: no_new_privs, Landlock and a seccomp allow-list for watch (see
 * sandbox.h for what each layer allows and why).
 *
 * The paths a config needs are listed by one function, sandbox_paths, for
 * both uses: at start each becomes a Landlock rule; on reload each must
 * lie under a rule already made (Landlock can only ever tighten, so a
 * reload cannot widen it).  Rules are on directories, not files: an editor
 * or a deploy that replaces a pattern file, a secret or resolv.conf by
 * rename(2) makes a new inode, which a rule on the old file would not
 * cover.  A path that does not exist yet (a PM2 home whose logs/ comes
 * later) is allowed through its nearest existing ancestor, read-only.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sched.h>

#include "config.h"
#include "log.h"
#include "match.h"
#include "path.h"
#include "pm2_dump.h"
#include "sandbox.h"
#include "sandbox_int.h"
#include "xmalloc.h"

/* Rights of later ABIs than <linux/landlock.h> may know (landlock(7)). */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif
#define SANDBOX_SCOPE_SIGNAL		(1ULL << 1)	/* ABI 6 */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION	(1U << 0)
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset	444
#define SYS_landlock_add_rule		445
#define SYS_landlock_restrict_self	446
#endif

#define SANDBOX_READ	(LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_READ_DIR)
/* The state directory: SQLite's database, -wal, -shm and -journal files
 * (made, truncated, removed), the lock file; the textfile's temporary,
 * renamed over the target in the same directory (no REFER needed). */
#define SANDBOX_WRITE	(SANDBOX_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	LANDLOCK_ACCESS_FS_TRUNCATE)

struct sandbox_rule {
	char		*path;		/* canonical */
	enum sandbox_access access;
};

struct sandbox {
	struct sandbox_rule *rules;
	size_t		 nrules;
	bool		 has_nnp;
	int		 landlock_abi;	/* 0: not in effect */
	bool		 has_seccomp;
};

/* Set once confined: tells sandbox_hint an EACCES may be ours. */
static bool sandbox_has_fs_rules;

/* Who we are, for sandbox_hint: looked up before confinement, since NSS
 * may want files or sockets the sandbox refuses. */
static char sandbox_user[64];

/*
 * PATH made canonical, or its nearest existing ancestor's if it does not
 * exist (yet).  Returns a malloc'd path, or NULL only for a relative
 * path with no existing ancestor.
 */
static char *
sandbox_resolve(const char *path)
{
	char *copy = xstrdup(path), *real, *parent;

	for (real = realpath(copy, NULL); real == NULL &&
	    strcmp(copy, "/") != 0 && strcmp(copy, ".") != 0;
	    real = realpath(copy, NULL)) {
		parent = xstrdup(dirname(copy));
		free(copy);
		copy = parent;
	}
	free(copy);
	return real;
}

/* The directory PATH is in (a malloc'd copy). */
static char *
sandbox_dir_of(const char *path)
{
	char *copy = xstrdup(path), *dir = xstrdup(dirname(copy));

	free(copy);
	return dir;
}

/* The directories that the symlinks in DIR point into now (a PM2 logs
 * directory may link each log elsewhere). */
static int
sandbox_link_targets(const char *dir, sandbox_path_fn fn, void *ctx)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (dh == NULL)
		return 0;
	while (rc == 0 && (de = readdir(dh)) != NULL) {
		char *p, *real;

		if (de->d_type != DT_LNK)
			continue;
		p = path_join(dir, de->d_name);
		real = realpath(p, NULL);
		if (real != NULL) {
			char *d = sandbox_dir_of(real);

			rc = fn(ctx, d, SANDBOX_ACCESS_READ, "source", p);
			free(d);
		}
		free(real);
		free(p);
	}
	closedir(dh);
	return rc;
}

/* A glob's directory: its leading components without * ? or [ (an
 * escaped one too: the allowed directory is then wider, never
 * narrower). */
static char *
sandbox_glob_dir(const char *pattern)
{
	char *dir = sandbox_dir_of(pattern);
	char *magic = strpbrk(dir, "*?[");

	if (magic != NULL) {
		while (magic > dir && magic[-1] != '/')
			magic--;
		*magic = '\0';
		if (*dir == '\0') {
			free(dir);
			dir = xstrdup(".");
		}
	}
	return dir;
}

/* The directories of the logs that HOME/dump.pm2 places outside LOGS
 * (pm2_dump.h), for FN. */
static int
sandbox_dump_dirs(const char *home, const char *logs, sandbox_path_fn fn,
    void *ctx)
{
	char *path = path_join(home, "dump.pm2"), *err = NULL;
	struct pm2_dump dump;
	int rc = 0;

	if (pm2_dump_read(path, logs, &dump, &err) == PM2_DUMP_OK)
		for (size_t i = 0; rc == 0 && i < dump.nlogs; i++) {
			char *d = sandbox_dir_of(dump.logs[i].path);

			rc = fn(ctx, d, SANDBOX_ACCESS_READ, "dump.pm2 log",
			    dump.logs[i].path);
			free(d);
		}
	free(err);	/* watch says it when it reads the dump */
	pm2_dump_release(&dump);
	free(path);
	return rc;
}

/*
 * Calls FN for every path CFG (from CONFIG_PATH) needs, with its access;
 * stops at FN's first non-zero return and returns it.  WITH_LINKS adds
 * the directories that sources' symlinks point into now: allowed at
 * start, but not required of a reload (a symlink made later to a file
 * outside is refused by Landlock and warned about by tail, and the rest
 * counts on).
 */
static int
sandbox_paths(const char *config_path, const struct config *cfg,
    bool with_links, sandbox_path_fn fn, void *ctx)
{
	char *d;
	int rc;

	d = sandbox_dir_of(config_path);
	rc = fn(ctx, d, SANDBOX_ACCESS_READ, "config", config_path);
	free(d);
	for (size_t i = 0; rc == 0 && i < cfg->npattern_sets; i++) {
		char *err = NULL, *path = match_set_find(cfg->pattern_sets[i],
		    &err);

		/* One not found is the loader's to report. */
		if (path != NULL) {
			d = sandbox_dir_of(path);
			rc = fn(ctx, d, SANDBOX_ACCESS_READ, "pattern set",
			    path);
			free(d);
		}
		free(path);
		free(err);
	}
	for (size_t i = 0; rc == 0 && i < cfg->nsources; i++) {
		const struct config_source *src = &cfg->sources[i];

		/* PM2_HOME itself for PM2's own pm2.log and its rotated
		 * copies (tail follows them there); its logs/ too, which may
		 * be a symlink to elsewhere. */
		if (src->pm2_home != NULL) {
			rc = fn(ctx, src->pm2_home, SANDBOX_ACCESS_READ, "source",
			    src->pm2_home);
			d = path_join(src->pm2_home, "logs");
		} else
			d = sandbox_glob_dir(src->path);
		if (rc != 0) {
			free(d);
			break;
		}
		rc = fn(ctx, d, SANDBOX_ACCESS_READ, "source", src->path !=
		    NULL ? src->path : src->pm2_home);
		if (rc == 0 && with_links)
			rc = sandbox_link_targets(d, fn, ctx);
		/* The apps' logs that dump.pm2 places elsewhere, as now;
		 * like a symlink's target, not required of a reload. */
		if (rc == 0 && with_links && src->pm2_home != NULL)
			rc = sandbox_dump_dirs(src->pm2_home, d, fn, ctx);
		free(d);
		if (rc == 0 && with_links && src->path != NULL) {
			glob_t g;

			if (glob(src->path, 0, NULL, &g) == 0) {
				for (size_t k = 0; rc == 0 && k < g.gl_pathc;
				    k++) {
					char *real = realpath(g.gl_pathv[k],
					    NULL);

					if (real == NULL)
						continue;
					d = sandbox_dir_of(real);
					rc = fn(ctx, d, SANDBOX_ACCESS_READ,
					    "source", g.gl_pathv[k]);
					free(d);
					free(real);
				}
				globfree(&g);
			}
		}
	}
	for (size_t i = 0; rc == 0 && i < cfg->nreceivers; i++) {
		if (cfg->receivers[i].secret_file == NULL)
			continue;
		d = sandbox_dir_of(cfg->receivers[i].secret_file);
		rc = fn(ctx, d, SANDBOX_ACCESS_READ, "secret_file",
		    cfg->receivers[i].secret_file);
		free(d);
	}
	/* A probe's url_file is read again on every reload (probe_set.c). */
	for (size_t i = 0; rc == 0 && i < cfg->nprobes; i++) {
		if (cfg->probes[i].url_file == NULL)
			continue;
		d = sandbox_dir_of(cfg->probes[i].url_file);
		rc = fn(ctx, d, SANDBOX_ACCESS_READ, "url_file",
		    cfg->probes[i].url_file);
		free(d);
	}
	if (rc == 0)
		rc = fn(ctx, cfg->state_dir, SANDBOX_ACCESS_WRITE, "state_dir",
		    cfg->state_dir);
	if (rc == 0 && cfg->metrics_textfile != NULL) {
		d = sandbox_dir_of(cfg->metrics_textfile);
		rc = fn(ctx, d, SANDBOX_ACCESS_WRITE, "textfile",
		    cfg->metrics_textfile);
		free(d);
	}
	return rc;
}

/* ---------------------------------------------------------------------
 * Landlock (landlock(7); the raw system calls, as glibc has no wrappers).
 */

static int
sandbox_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

/* The rights ABI knows: each one handled is denied unless a rule grants
 * it, so every right the kernel knows is handled. */
static uint64_t
sandbox_landlock_handled(int abi)
{
	uint64_t fs = LANDLOCK_ACCESS_FS_EXECUTE |
	    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
	    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

	if (abi >= 2)
		fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return fs;
}

static int
sandbox_landlock_rule(int ruleset, const char *path, uint64_t access,
    uint64_t handled)
{
	/* Declared here, not from the header: older headers lack fields we
	 * do not use, and the kernel takes this packed layout from ABI 1. */
	struct {
		uint64_t allowed_access;
		int32_t  parent_fd;
	} __attribute__((packed)) pb;
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	/* A file takes only file rights (else EINVAL). */
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= LANDLOCK_ACCESS_FS_READ_FILE |
		    LANDLOCK_ACCESS_FS_WRITE_FILE |
		    LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_EXECUTE;
	pb.allowed_access = access & handled;
	pb.parent_fd = fd;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(fd);
	return rc;
}

/* Returns the ABI in effect, or 0 with *WHY set to why not. */
static int
sandbox_landlock(struct sandbox *sb, const char **why)
{
	/* The ruleset attribute of ABI 6 (landlock(7)); older kernels are
	 * given only its first field. */
	struct {
		uint64_t handled_access_fs;
		uint64_t handled_access_net;	/* not handled: webhooks */
		uint64_t scoped;
	} attr;
	int abi = sandbox_landlock_abi(), ruleset;

	if (abi <= 0) {
		*why = errno == EOPNOTSUPP ? "disabled at boot" :
		    "not in this kernel";
		return 0;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = sandbox_landlock_handled(abi);
	/* ABI 6: signals only to processes in this sandbox (the YAML
	 * parser's child, which yaml_load may have to kill). */
	attr.scoped = SANDBOX_SCOPE_SIGNAL;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    abi >= 6 ? sizeof(attr) : sizeof(attr.handled_access_fs), 0);
	if (ruleset < 0) {
		*why = strerror(errno);
		return 0;
	}
	/* /dev/null: stdio redirected there by a service manager. */
	(void)sandbox_landlock_rule(ruleset, "/dev/null",
	    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE,
	    attr.handled_access_fs);
	for (size_t i = 0; i < sb->nrules; i++) {
		const struct sandbox_rule *r = &sb->rules[i];

		if (sandbox_landlock_rule(ruleset, r->path, r->access ==
		    SANDBOX_ACCESS_WRITE ? SANDBOX_WRITE : SANDBOX_READ,
		    attr.handled_access_fs) != 0 && errno != ENOENT)
			log_warn("sandbox: %s: cannot allow", r->path);
	}
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
		*why = strerror(errno);
		close(ruleset);
		return 0;
	}
	close(ruleset);
	return abi;
}

/* ---------------------------------------------------------------------
 * seccomp.
 */

/*
 * What watch does after start, by who does it:
 *   all        read/write, open/stat/close, memory, clocks, exit
 *   tail       inotify, epoll, timerfd, signalfd reads, getdents, globs
 *   state      SQLite: pread/pwrite, fcntl locks, fsync, ftruncate,
 *              unlink (-journal), mmap of -shm, fchown/fchmod (as root)
 *   webhook    libcurl: sockets, connect, poll; the threaded resolver
 *              (clone, futex), getaddrinfo (netlink for AI_ADDRCONFIG,
 *              a Unix socket for nscd or avahi)
 *   service    the heartbeat, futimens on watch.lock (utimensat), and
 *              sd_notify: an AF_UNIX datagram socket, sendmsg
 *   metrics    libmicrohttpd with its own epoll: accept4, sendmsg
 *   reload     the same again, plus bind/listen for a new metrics
 *              socket, inotify_init1, epoll_create1, PCRE2 JIT (mmap
 *              PROT_EXEC, mprotect), and yaml_load's child that parses
 *              each YAML file first under a time limit (fork, wait4,
 *              kill: the child inherits the sandbox and cannot exec)
 *   sanitizers LeakSanitizer stops threads with ptrace at exit
 * Unlisted names are skipped where the architecture lacks them.
 */
static const char *const sandbox_syscalls[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64",
	"preadv", "pwritev", "preadv2", "pwritev2", "lseek", "_llseek",
	"close", "close_range", "open", "openat", "openat2", "creat",
	"stat", "fstat", "lstat", "newfstatat", "statx", "fstatat64",
	"stat64", "fstat64", "lstat64", "statfs", "fstatfs", "statfs64",
	"fstatfs64", "access", "faccessat", "faccessat2", "readlink",
	"readlinkat", "getdents", "getdents64", "getcwd", "fcntl", "fcntl64",
	"flock", "fsync", "fdatasync", "ftruncate", "ftruncate64",
	"fallocate", "fadvise64", "fadvise64_64", "unlink", "unlinkat",
	"rename", "renameat", "renameat2", "mkdir", "mkdirat", "fchmod",
	"fchown", "fchown32", "umask", "dup", "dup2", "dup3", "pipe",
	"pipe2", "eventfd2",
	"utimensat", "utimensat_time64",
	"mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "brk",
	"futex", "futex_time64", "futex_waitv", "set_robust_list",
	"get_robust_list", "rseq", "set_tid_address", "gettid", "getpid",
	"getppid", "tgkill", "kill", "wait4", "waitid", "exit",
	"exit_group", "sched_yield",
	"sched_getaffinity", "membarrier",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigreturn",
	"sigaltstack", "restart_syscall",
	"clock_gettime", "clock_gettime64", "clock_getres",
	"clock_nanosleep", "clock_nanosleep_time64", "nanosleep",
	"gettimeofday", "time", "timerfd_settime", "timerfd_settime64",
	"timerfd_gettime", "timerfd_create",
	"epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
	"epoll_pwait", "epoll_pwait2", "poll", "ppoll", "ppoll_time64",
	"select", "_newselect", "pselect6", "pselect6_time64",
	"inotify_init1", "inotify_add_watch", "inotify_rm_watch",
	"socketpair", "connect", "bind", "listen", "accept", "accept4",
	"getsockname", "getpeername", "setsockopt", "getsockopt", "sendto",
	"recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
	"getrandom", "uname", "getuid", "geteuid", "getgid", "getegid",
	"getuid32", "geteuid32", "getgid32", "getegid32", "getresuid",
	"getresgid", "getrlimit", "prlimit64", "sysinfo",
#ifdef SANDBOX_SANITIZER
	"ptrace", "sched_getparam", "sched_getscheduler",
	"mincore", "process_vm_readv",
#endif
};

/* libseccomp's SCMP_A0() leaves datum_b out, which -Wextra reports. */
static struct scmp_arg_cmp
sandbox_arg(unsigned int arg, enum scmp_compare op, scmp_datum_t a,
    scmp_datum_t b)
{
	struct scmp_arg_cmp c;

	memset(&c, 0, sizeof(c));
	c.arg = arg;
	c.op = op;
	c.datum_a = a;
	c.datum_b = b;
	return c;
}

static int
sandbox_seccomp_add(scmp_filter_ctx ctx, const char *name, uint32_t action,
    unsigned int n, const struct scmp_arg_cmp *args)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add_array(ctx, action, nr, n, args);
}

/* Returns 0 once the filter is loaded, or -1 with *WHY. */
static int
sandbox_seccomp(const char **why)
{
	static const int domains[] = { AF_UNIX, AF_INET, AF_INET6,
	    AF_NETLINK };
	static const unsigned long ioctls[] = { FIONREAD, FIONBIO, TCGETS,
	    TIOCGWINSZ };
	static const int prctls[] = { PR_SET_NAME, PR_GET_NAME,
	    PR_GET_DUMPABLE, 0x53564d41 /* PR_SET_VMA */,
#ifdef SANDBOX_SANITIZER
	    PR_SET_PTRACER, PR_SET_DUMPABLE,
#endif
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int rc = 0;

	if (ctx == NULL) {
		*why = "seccomp_init failed";
		return -1;
	}
	/* Threads that exist now (none in watch; a library's, later) get the
	 * filter too. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; rc == 0 && i < sizeof(sandbox_syscalls) /
	    sizeof(*sandbox_syscalls); i++)
		rc = sandbox_seccomp_add(ctx, sandbox_syscalls[i],
		    SCMP_ACT_ALLOW, 0, NULL);
	for (size_t i = 0; rc == 0 && i < sizeof(domains) / sizeof(*domains);
	    i++) {
		struct scmp_arg_cmp a = sandbox_arg(0, SCMP_CMP_EQ,
		    (scmp_datum_t)domains[i], 0);

		rc = sandbox_seccomp_add(ctx, "socket", SCMP_ACT_ALLOW, 1, &a);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(ioctls) / sizeof(*ioctls);
	    i++) {
		struct scmp_arg_cmp a = sandbox_arg(1, SCMP_CMP_EQ, ioctls[i],
		    0);

		rc = sandbox_seccomp_add(ctx, "ioctl", SCMP_ACT_ALLOW, 1, &a);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(prctls) / sizeof(*prctls);
	    i++) {
		struct scmp_arg_cmp a = sandbox_arg(0, SCMP_CMP_EQ,
		    (scmp_datum_t)prctls[i], 0);

		rc = sandbox_seccomp_add(ctx, "prctl", SCMP_ACT_ALLOW, 1, &a);
	}
	/* Threads, and forks that can never exec (yaml_load's parsing
	 * child), but no new namespaces: clone only without CLONE_NEW*
	 * flags; clone3 passes its flags in memory a filter cannot read, so
	 * it says ENOSYS and glibc falls back to clone.  (The flags are
	 * clone's first argument on every architecture but s390.) */
	if (rc == 0) {
		const scmp_datum_t ns = CLONE_NEWNS | CLONE_NEWUSER |
		    CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
		    CLONE_NEWCGROUP;
		struct scmp_arg_cmp a = sandbox_arg(0, SCMP_CMP_MASKED_EQ, ns,
		    0);

		rc = sandbox_seccomp_add(ctx, "clone", SCMP_ACT_ALLOW, 1, &a);
	}
	if (rc == 0)
		rc = sandbox_seccomp_add(ctx, "clone3", SCMP_ACT_ERRNO(ENOSYS),
		    0, NULL);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		*why = strerror(-rc);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * The sandbox.
 */

static int
sandbox_add(void *ctx, const char *path, enum sandbox_access access,
    const char *what, const char *named)
{
	struct sandbox *sb = ctx;
	char *real = sandbox_resolve(path);

	if (real == NULL)
		return 0;
	/* A missing directory may be made later: only its ancestor's
	 * reading is granted, never writing. */
	if (access == SANDBOX_ACCESS_WRITE) {
		struct stat st;

		if (stat(path, &st) != 0)
			access = SANDBOX_ACCESS_READ;
	}
	sb->rules = xreallocarray(sb->rules, sb->nrules + 1,
	    sizeof(*sb->rules));
	sb->rules[sb->nrules].path = real;
	sb->rules[sb->nrules].access = access;
	sb->nrules++;
	log_debug("sandbox: %s %s (%s %s)", access == SANDBOX_ACCESS_WRITE ?
	    "write" : "read", real, what, named);
	return 0;
}

/* Is PATH (canonical) REAL or beneath it? */
static bool
sandbox_beneath(const char *real, const char *path)
{
	size_t n = strlen(real);

	if (strcmp(real, "/") == 0)
		return true;
	return strncmp(path, real, n) == 0 && (path[n] == '\0' ||
	    path[n] == '/');
}

struct sandbox_check_ctx {
	const struct sandbox *sb;
	char		**err;
};

static int
sandbox_check_one(void *ctx, const char *path, enum sandbox_access access,
    const char *what, const char *named)
{
	struct sandbox_check_ctx *c = ctx;
	char *real = sandbox_resolve(path);

	if (real == NULL)
		return 0;
	for (size_t i = 0; i < c->sb->nrules; i++) {
		const struct sandbox_rule *r = &c->sb->rules[i];

		if ((r->access == SANDBOX_ACCESS_WRITE ||
		    access == SANDBOX_ACCESS_READ) &&
		    sandbox_beneath(r->path, real)) {
			free(real);
			return 0;
		}
	}
	*c->err = xasprintf("%s %s: %s is outside the sandbox watch entered "
	    "at start (it may %s only the directories its first config "
	    "named); restart watch to use it, or run it with --no-sandbox",
	    what, named, path, access == SANDBOX_ACCESS_WRITE ? "write" :
	    "read");
	free(real);
	return -1;
}

static void
sandbox_user_load(void)
{
	struct passwd *pw;

	if (sandbox_user[0] != '\0')
		return;
	pw = getpwuid(getuid());
	if (pw != NULL)
		snprintf(sandbox_user, sizeof(sandbox_user), "%s (uid %u)",
		    pw->pw_name, (unsigned)getuid());
	else
		snprintf(sandbox_user, sizeof(sandbox_user), "uid %u",
		    (unsigned)getuid());
}

struct sandbox *
sandbox_enter(const char *config_path, const struct config *cfg)
{
	struct sandbox *sb = xcalloc(1, sizeof(*sb));
	const char *ll_why = NULL, *sc_why = NULL;
	char ll[64];

	sandbox_user_load();
	sandbox_system_paths(sandbox_add, sb);
	(void)sandbox_paths(config_path, cfg, true, sandbox_add, sb);
	sb->has_nnp = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
	if (!sb->has_nnp) {
		ll_why = sc_why = "no no_new_privs";
		log_warn("sandbox: prctl(PR_SET_NO_NEW_PRIVS)");
	} else {
		sb->landlock_abi = sandbox_landlock(sb, &ll_why);
		sb->has_seccomp = sandbox_seccomp(&sc_why) == 0;
	}
	sandbox_has_fs_rules = sb->landlock_abi > 0;
	if (sb->landlock_abi > 0)
		snprintf(ll, sizeof(ll), "ABI %d, %zu paths", sb->landlock_abi,
		    sb->nrules);
	else
		snprintf(ll, sizeof(ll), "unavailable: %s", ll_why);
	log_info("sandbox: no_new_privs %s, landlock %s, seccomp %s%s",
	    sb->has_nnp ? "on" : "off", ll, sb->has_seccomp ? "on" : "off: ",
	    sb->has_seccomp ? "" : sc_why);
	return sb;
}

int
sandbox_check(const struct sandbox *sb, const char *config_path,
    const struct config *cfg, char **err)
{
	struct sandbox_check_ctx c = { sb, err };

	if (sb == NULL || sb->landlock_abi == 0)
		return 0;
	return sandbox_paths(config_path, cfg, false, sandbox_check_one, &c);
}

const char *
sandbox_hint(const char *path, int err)
{
	static char buf[256];
	struct stat st;

	if (err != EACCES)
		return "";
	if (!sandbox_has_fs_rules)
		sandbox_user_load();
	/*
	 * Landlock checks neither stat(2) nor access(2) (landlock(7)), so
	 * these say what the file's and its directories' permissions (mode,
	 * ACLs, our groups) allow us: when they refuse, a chmod is what
	 * helps, not a restart nor --no-sandbox.
	 */
	if (stat(path, &st) != 0) {
		if (errno != EACCES)
			return "";
		snprintf(buf, sizeof(buf), " (a directory above it does not "
		    "let user %s in: see its permissions)", sandbox_user);
		return buf;
	}
	if (access(path, R_OK) != 0 && errno == EACCES) {
		snprintf(buf, sizeof(buf), " (its permissions do not let user "
		    "%s read it: mode %04o, owner uid %u, group gid %u)",
		    sandbox_user, (unsigned)(st.st_mode & 07777),
		    (unsigned)st.st_uid, (unsigned)st.st_gid);
		return buf;
	}
	if (sandbox_has_fs_rules)
		return " (outside the sandbox watch entered at start: restart "
		    "it to read this path, or run it with --no-sandbox)";
	return "";
}

bool
sandbox_has_landlock(const struct sandbox *sb)
{
	return sb != NULL && sb->landlock_abi > 0;
}

void
sandbox_free(struct sandbox *sb)
{
	if (sb == NULL)
		return;
	for (size_t i = 0; i < sb->nrules; i++)
		free(sb->rules[i].path);
	free(sb->rules);
	free(sb);
}

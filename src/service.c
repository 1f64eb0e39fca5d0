/*
 * service: see service.h.  The lock is an open file description lock
 * (fcntl(2), Linux 3.15): tied to the descriptor like flock(2), so no
 * other descriptor of ours can drop it by closing, and testable with
 * F_OFD_GETLK, which flock(2) is not.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "path.h"
#include "service.h"
#include "stamp.h"
#include "xmalloc.h"

struct service {
	int		 lock_fd;
	char		*lock_path;
	int64_t		 watchdog_ms;	/* half of WATCHDOG_USEC; 0: none */
	int64_t		 next_heartbeat_ms;
	int64_t		 next_watchdog_ms;
};

struct service *
service_new(void)
{
	struct service *sv = xcalloc(1, sizeof(*sv));
	uint64_t usec = 0;

	sv->lock_fd = -1;
	/* Unset: a child we may start must not ping for us. */
	if (sd_watchdog_enabled(1, &usec) > 0 && usec > 0) {
		sv->watchdog_ms = (int64_t)(usec / 2000);
		if (sv->watchdog_ms < 1)
			sv->watchdog_ms = 1;
		log_info("systemd watchdog: pinging every %lld ms",
		    (long long)sv->watchdog_ms);
	}
	return sv;
}

/* A write lock over the whole file. */
static void
service_flock_init(struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = F_WRLCK;
	fl->l_whence = SEEK_SET;
	fl->l_start = 0;
	fl->l_len = 0;
}

int
service_lock(struct service *sv, const char *state_dir, char **err)
{
	char *path = path_join(state_dir, SERVICE_LOCK_FILE);
	char pid[32];
	struct flock fl;
	int fd, n;

	*err = NULL;
	if (sv->lock_path != NULL && strcmp(sv->lock_path, path) == 0) {
		free(path);
		return 0;
	}
	/* 0644, as SQLite makes the database beside it: the lock holds no
	 * secret, and whoever may read the state may tell whether watch
	 * runs. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	service_flock_init(&fl);
	if (fd < 0 || fcntl(fd, F_OFD_SETLK, &fl) != 0) {
		*err = xasprintf("%s: %s", path, fd >= 0 && (errno == EAGAIN ||
		    errno == EACCES) ? "another omniwatch watch uses this "
		    "state_dir" : strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return -1;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		log_warn("%s: cannot write our pid", path);
	if (sv->lock_fd >= 0)
		close(sv->lock_fd);
	sv->lock_fd = fd;
	free(sv->lock_path);
	sv->lock_path = path;
	sv->next_heartbeat_ms = 0;
	return 0;
}

void
service_ready(struct service *sv, const char *status)
{
	(void)sv;
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
service_reloading(struct service *sv)
{
	(void)sv;
	sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration");
}

void
service_stopping(struct service *sv)
{
	(void)sv;
	sd_notify(0, "STOPPING=1\nSTATUS=stopping: flushing and committing");
}

void
service_tick(struct service *sv, int64_t now_ms)
{
	if (sv->lock_fd >= 0 && now_ms >= sv->next_heartbeat_ms) {
		if (futimens(sv->lock_fd, NULL) != 0)
			log_warn("%s: cannot touch the heartbeat",
			    sv->lock_path);
		sv->next_heartbeat_ms = now_ms + SERVICE_HEARTBEAT_MS;
	}
	if (sv->watchdog_ms > 0 && now_ms >= sv->next_watchdog_ms) {
		sd_notify(0, "WATCHDOG=1");
		sv->next_watchdog_ms = now_ms + sv->watchdog_ms;
	}
}

int64_t
service_deadline(const struct service *sv, int64_t now_ms)
{
	int64_t d = sv->lock_fd >= 0 ? sv->next_heartbeat_ms : INT64_MAX;

	if (sv->watchdog_ms > 0 && sv->next_watchdog_ms < d)
		d = sv->next_watchdog_ms;
	return d > now_ms ? d : now_ms;
}

void
service_free(struct service *sv)
{
	if (sv == NULL)
		return;
	if (sv->lock_fd >= 0)
		close(sv->lock_fd);
	free(sv->lock_path);
	free(sv);
}

/*
 * Is a write lock held on the file of ST (dev and inode)?  For a lock file
 * we may not open: /proc/locks lists every lock with "MAJ:MIN:INODE" in
 * its sixth field (proc(5), "/proc/locks"; open file description locks
 * show in every PID namespace).  Returns 0 with *HELD, or -1 with errno.
 */
static int
service_proc_locks_held(const struct stat *st, bool *held)
{
	FILE *f = fopen("/proc/locks", "re");
	char line[256];

	*held = false;
	if (f == NULL)
		return -1;
	while (!*held && fgets(line, sizeof(line), f) != NULL) {
		char kind[16], mode[16];
		unsigned int maj, min;
		unsigned long ino;

		/* "->" lines are waiters, not holders. */
		if (strstr(line, "->") != NULL)
			continue;
		if (sscanf(line, "%*d: %*s %15s %15s %*d %x:%x:%lu", kind, mode,
		    &maj, &min, &ino) != 5)
			continue;
		*held = strcmp(mode, "WRITE") == 0 &&
		    maj == major(st->st_dev) && min == minor(st->st_dev) &&
		    ino == (unsigned long)st->st_ino;
	}
	fclose(f);
	return 0;
}

/* P from the mtime of ST and whether it is locked. */
static void
service_probe_judge(struct service_probe *p, const struct stat *st,
    bool locked, int64_t now_ms)
{
	p->heartbeat_ms = (int64_t)st->st_mtim.tv_sec * 1000 +
	    st->st_mtim.tv_nsec / 1000000;
	if (!locked)
		p->liveness = SERVICE_DOWN;
	else if (now_ms - p->heartbeat_ms > SERVICE_HUNG_MS)
		p->liveness = SERVICE_HUNG;
	else
		p->liveness = SERVICE_RUNNING;
}

void
service_probe(const char *state_dir, int64_t now_ms, struct service_probe *p)
{
	char *path = path_join(state_dir, SERVICE_LOCK_FILE);
	char buf[32];
	struct flock fl;
	struct stat st;
	ssize_t n;
	bool locked;
	int fd;

	memset(p, 0, sizeof(*p));
	p->liveness = SERVICE_UNKNOWN;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		p->err = errno;
		if (errno == ENOENT)
			p->liveness = SERVICE_DOWN;
		/* A lock file we may not read (a watch of before 0644 made
		 * it 0640): the kernel's list of locks still tells, and the
		 * mtime the heartbeat; only the pid stays unknown. */
		else if ((errno == EACCES || errno == EPERM) &&
		    stat(path, &st) == 0 &&
		    service_proc_locks_held(&st, &locked) == 0)
			service_probe_judge(p, &st, locked, now_ms);
		free(path);
		return;
	}
	free(path);
	service_flock_init(&fl);
	/* F_GETLK asks whether our lock could be set; a write lock is
	 * asked for, though the descriptor is read-only: testing needs no
	 * access mode (fcntl(2), "F_OFD_GETLK"). */
	if (fstat(fd, &st) != 0 || fcntl(fd, F_OFD_GETLK, &fl) != 0) {
		p->err = errno;
		close(fd);
		return;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n > 0) {
		buf[n] = '\0';
		p->pid = (pid_t)strtol(buf, NULL, 10);
	}
	close(fd);
	service_probe_judge(p, &st, fl.l_type != F_UNLCK, now_ms);
}

const char *
service_probe_who(const struct service_probe *p, char *buf, size_t size)
{
	if (p->pid > 0)
		snprintf(buf, size, "watch (pid %ld)", (long)p->pid);
	else
		snprintf(buf, size, "watch");
	return buf;
}

enum service_liveness
service_watch_status(const char *state_dir, const char *config_path,
    int64_t now_ms, int64_t last_commit_ms, int64_t commit_ms, bool as_age,
    char **msg)
{
	struct service_probe p;
	char age[STAMP_BUFLEN + 32], since[96] = "", who[64], *lock;

	*msg = NULL;
	service_probe(state_dir, now_ms, &p);
	/* Alive, but a commit that fails (a full state disk) or never ends
	 * keeps all it counts from the state, the reports and the alerts:
	 * it commits at least every SERVICE_COMMIT_IDLE_MS when it can. */
	if (p.liveness == SERVICE_RUNNING && last_commit_ms != STAMP_NONE &&
	    now_ms - last_commit_ms > SERVICE_COMMIT_IDLE_MS + commit_ms +
	    SERVICE_HUNG_MS)
		p.liveness = SERVICE_STALLED;
	if (p.liveness == SERVICE_RUNNING)
		return p.liveness;
	if (last_commit_ms != STAMP_NONE && as_age) {
		stamp_format_age(now_ms - last_commit_ms, age, sizeof(age));
		snprintf(since, sizeof(since), "; its last commit was %s ago",
		    age);
	} else if (last_commit_ms != STAMP_NONE) {
		stamp_format(last_commit_ms, age);
		snprintf(since, sizeof(since), "; its last commit was at %s",
		    age);
	}
	lock = path_join(state_dir, SERVICE_LOCK_FILE);
	switch (p.liveness) {
	case SERVICE_DOWN:
		*msg = xasprintf("omniwatch watch is not running for %s (no "
		    "lock on %s)%s", config_path, lock, since);
		break;
	case SERVICE_HUNG:
		stamp_format_age(now_ms - p.heartbeat_ms, age, sizeof(age));
		*msg = xasprintf("omniwatch %s for %s hangs: no heartbeat for "
		    "%s%s", service_probe_who(&p, who, sizeof(who)),
		    config_path, age, since);
		break;
	case SERVICE_STALLED:
		*msg = xasprintf("omniwatch %s for %s runs but commits "
		    "nothing%s, though it commits at least every %llds: its "
		    "commits fail (a full or read-only state disk?) or stall, "
		    "and nothing it counts since is saved or alerted on; its "
		    "log says why", service_probe_who(&p, who, sizeof(who)),
		    config_path, since,
		    (long long)(SERVICE_COMMIT_IDLE_MS / 1000));
		break;
	default:
		*msg = xasprintf("cannot tell whether omniwatch watch runs: "
		    "%s: %s", lock, strerror(p.err));
		break;
	}
	free(lock);
	return p.liveness;
}

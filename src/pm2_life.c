/*
 * pm2_life: see pm2_life.h.  Three small reads: pm2.pid, the pid's start
 * time in /proc when it can be read, and the end of pm2.log for the last
 * daemon start or stop, which is read only when the pid does not run.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "file_kind.h"
#include "path.h"
#include "pm2_daemon.h"
#include "pm2_life.h"
#include "stamp.h"
#include "xmalloc.h"

/* Reads at most SIZE - 1 bytes of PATH into BUF (NUL-terminated).
 * Returns the length, or -1 with errno set. */
static ssize_t
pm2_life_slurp(const char *path, char *buf, size_t size)
{
	int fd = file_open_noatime(path, O_NONBLOCK | O_NOCTTY);
	ssize_t n;
	int e;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

/*
 * When process PID began, ms since the epoch, and its state letter
 * (proc(5), /proc/PID/stat field 3: 'T' stopped by a signal, 't' by a
 * tracer, 'Z' a zombie...), by /proc.  STAMP_NONE and '?' when /proc
 * cannot tell (not mounted, or outside watch's sandbox).
 */
static int64_t
pm2_life_proc(pid_t pid, char *state)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);
	struct timespec boot;

	*state = '?';
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (hz <= 0 || pm2_life_slurp(path, buf, sizeof(buf)) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return STAMP_NONE;
	/* After "PID (COMM)": state is field 3, starttime field 22. */
	p++;
	for (int field = 3; field <= 22; field++) {
		char *end;

		while (*p == ' ')
			p++;
		if (field == 3)
			*state = *p;
		if (field == 22) {
			errno = 0;
			ticks = strtoull(p, &end, 10);
			if (end == p || errno != 0)
				return STAMP_NONE;
			break;
		}
		p = strchr(p, ' ');
		if (p == NULL)
			return STAMP_NONE;
	}
	/* starttime counts from boot, as CLOCK_BOOTTIME does (proc(5)). */
	if (clock_gettime(CLOCK_BOOTTIME, &boot) != 0)
		return STAMP_NONE;
	return stamp_now_ms() - ((int64_t)boot.tv_sec * 1000 +
	    boot.tv_nsec / 1000000) + (int64_t)(ticks * 1000 /
	    (unsigned long long)hz);
}

/* The last daemon start or stop in the end of PATH (pm2.log): its kind
 * (PM2_DAEMON_NONE when none) and stamp. */
static enum pm2_daemon_kind
pm2_life_last_event(const char *path, int64_t *ts_ms)
{
	enum pm2_daemon_kind kind = PM2_DAEMON_NONE;
	struct pm2_daemon_line l;
	struct stat st;
	char *buf;
	const char *p, *end;
	off_t from;
	ssize_t n;
	int fd = file_open_noatime(path, O_NONBLOCK | O_NOCTTY);

	*ts_ms = STAMP_NONE;
	if (fd < 0)
		return kind;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return kind;
	}
	from = st.st_size > PM2_LIFE_LOG_TAIL_BYTES ?
	    st.st_size - PM2_LIFE_LOG_TAIL_BYTES : 0;
	buf = xmalloc(PM2_LIFE_LOG_TAIL_BYTES);
	n = pread(fd, buf, PM2_LIFE_LOG_TAIL_BYTES, from);
	close(fd);
	p = buf;
	end = n > 0 ? buf + n : buf;
	if (from > 0) {
		/* The first line is cut: from the next one on. */
		p = memchr(p, '\n', (size_t)(end - p));
		p = p != NULL ? p + 1 : end;
	}
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((lf != NULL ? lf : end) - p);

		pm2_daemon_parse(p, len, &l);
		if (l.kind == PM2_DAEMON_STARTED || l.kind == PM2_DAEMON_STOPPED) {
			kind = l.kind;
			*ts_ms = l.ts_ms;
		}
		p += len + 1;
	}
	free(buf);
	return kind;
}

/*
 * Whether a daemon listens on PM2_HOME/rpc.sock (lib/God.js serves its
 * RPC there, paths.js DAEMON_RPC_PORT, unless PM2_RPC_PORT names another
 * address): a connect(2) that a listener takes or queues.  A daemon gone
 * leaves the socket file, which then refuses.  This tells a daemon in
 * another pid namespace (omniwatch in a container beside PM2's, the home
 * shared as a volume), whose pid means nothing here, from a dead one.
 * Only connects, and closes at once: nothing is sent.
 */
static bool
pm2_life_answers(const char *pm2_home)
{
	struct sockaddr_un sa;
	char *path = path_join(pm2_home, "rpc.sock");
	bool answers = false;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) < sizeof(sa.sun_path) && (fd = socket(AF_UNIX,
	    SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) >= 0) {
		memcpy(sa.sun_path, path, strlen(path) + 1);
		answers = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
		    errno == EAGAIN || errno == EINPROGRESS;
		close(fd);
	}
	free(path);
	return answers;
}

/* Is PM2_HOME/rpc.sock a socket that refuses (ECONNREFUSED: left by a
 * daemon gone), rather than one that answers or none at all? */
static bool
pm2_life_refuses(const char *pm2_home)
{
	char *path = path_join(pm2_home, "rpc.sock");
	struct stat st;
	bool is_sock = stat(path, &st) == 0 && S_ISSOCK(st.st_mode);

	free(path);
	return is_sock && !pm2_life_answers(pm2_home);
}

void
pm2_life_read(const char *pm2_home, struct pm2_life *out)
{
	char *path = path_join(pm2_home, "pm2.pid");
	char buf[32], *end;
	struct stat st;
	ssize_t n;
	long pid;
	int64_t written_ms, start_ms, ts;
	bool is_alive = false;
	char state = '?';
	enum pm2_daemon_kind kind;

	memset(out, 0, sizeof(*out));
	out->status = PM2_LIFE_UNKNOWN;
	out->stopped_ms = STAMP_NONE;
	n = pm2_life_slurp(path, buf, sizeof(buf));
	if (n < 0 && errno != ENOENT) {
		free(path);
		return;		/* cannot tell */
	}
	if (n >= 0) {
		errno = 0;
		pid = strtol(buf, &end, 10);
		/* Empty or half-written (the daemon writing it now): no
		 * word on it. */
		if (end == buf || errno != 0 || pid <= 0 || pid > INT32_MAX ||
		    (*end != '\0' && *end != '\n') ||
		    stat(path, &st) != 0) {
			free(path);
			return;
		}
		out->pid = (pid_t)pid;
		written_ms = (int64_t)st.st_mtim.tv_sec * 1000 +
		    st.st_mtim.tv_nsec / 1000000;
		is_alive = kill(out->pid, 0) == 0 || errno == EPERM;
		if (is_alive) {
			start_ms = pm2_life_proc(out->pid, &state);
			/* The daemon wrote pm2.pid after it began; a
			 * process that began later reuses its pid. */
			if (start_ms != STAMP_NONE && start_ms > written_ms +
			    PM2_LIFE_REUSE_SLACK_MS) {
				is_alive = false;
				out->is_reused = true;
			}
			/* A zombie answers kill(2) but is dead: a daemon
			 * killed under a parent that does not reap (a
			 * container's PID 1). */
			if (state == 'Z' || state == 'X')
				is_alive = false;
		}
	}
	free(path);
	if (is_alive) {
		out->status = state == 'T' || state == 't' ?
		    PM2_LIFE_SUSPENDED : PM2_LIFE_RUNNING;
		return;
	}
	/* Read after the pid: `pm2 kill` logs its stop before it exits. */
	path = path_join(pm2_home, "pm2.log");
	kind = pm2_life_last_event(path, &ts);
	if (kind == PM2_DAEMON_STOPPED) {
		out->status = PM2_LIFE_STOPPED;
		out->stopped_ms = ts;
	} else if (out->pid > 0 && !pm2_life_answers(pm2_home))
		out->status = PM2_LIFE_GONE;
	else if (out->pid == 0 && kind == PM2_DAEMON_STARTED &&
	    pm2_life_refuses(pm2_home))
		/* pm2.pid removed by hand, a tmp cleaner or a container
		 * that keeps the home but not the file: a daemon started,
		 * none stopped, and its socket is left refusing. */
		out->status = PM2_LIFE_GONE;
	else if (out->pid > 0) {
		/* Its pid is none of ours, but it answers. */
		out->status = PM2_LIFE_RUNNING;
		out->is_reused = false;
	}
	free(path);
}

char *
pm2_life_describe(const char *pm2_home, const struct pm2_life *l)
{
	char when[STAMP_BUFLEN + 8] = "";

	switch (l->status) {
	case PM2_LIFE_SUSPENDED:
		return xasprintf("PM2's daemon for %s (pid %ld) is suspended "
		    "(state T in /proc/%ld/stat: SIGSTOP, or a debugger): it "
		    "reads nothing from its apps, so their output is not "
		    "logged, and they block once their pipes fill; nothing "
		    "can be counted; resume it (kill -CONT %ld)", pm2_home,
		    (long)l->pid, (long)l->pid, (long)l->pid);
	case PM2_LIFE_GONE:
		if (l->pid == 0)
			return xasprintf("PM2's daemon for %s is gone (no "
			    "pm2.pid, and its rpc.sock refuses) and pm2.log "
			    "does not say it stopped: killed or crashed? its "
			    "apps' output is no longer logged, nothing can be "
			    "counted; run `pm2 resurrect`", pm2_home);
		return xasprintf("PM2's daemon for %s is gone (pid %ld in "
		    "pm2.pid %s) and pm2.log does not say it stopped: killed "
		    "or crashed? its apps' output is no longer logged, nothing "
		    "can be counted; run `pm2 resurrect`", pm2_home,
		    (long)l->pid, l->is_reused ? "now names another process" :
		    "is not running");
	case PM2_LIFE_STOPPED:
		if (l->stopped_ms != STAMP_NONE) {
			char t[STAMP_BUFLEN];

			stamp_format(l->stopped_ms, t);
			snprintf(when, sizeof(when), " at %s", t);
		}
		return xasprintf("PM2 is stopped for %s (stopped%s, by "
		    "pm2.log): no app runs there and nothing is logged; "
		    "start them again (pm2 resurrect), or drop the source",
		    pm2_home, when);
	default:
		return NULL;
	}
}

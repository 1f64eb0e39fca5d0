/*
 * pm2_life: whether PM2's daemon (God) for a PM2_HOME runs, was stopped,
 * or is gone without stopping (SIGKILL, the OOM killer, a crash).
 *
 * Why it matters: PM2 writes its apps' output into their log files, so
 * once the daemon is gone nothing more is logged, and every window reads
 * "no outcomes": OK, unless told otherwise.  A monitor that cannot see
 * must say so.
 *
 * Facts (PM2 7.0.4, read in its source and seen with real runs):
 *  - lib/Daemon.js innerStart writes the daemon's pid into PM2_HOME/pm2.pid
 *    (paths.js PM2_PID_FILE_PATH) as it starts, after the process began;
 *  - both clean stops unlink it: `pm2 kill` (Daemon.js close) then logs
 *    "PM2 successfully stopped", a SIGTERM, SIGINT or SIGQUIT (Daemon.js
 *    gracefullExit) logs "Exited peacefully" (pm2_daemon.h reads both as
 *    PM2_DAEMON_STOPPED);
 *  - a SIGKILL or a crash leaves pm2.pid naming a dead pid (and rpc.sock,
 *    pub.sock), and pm2.log says nothing;
 *  - the apps do not outlive it: pm2-io-bpm, loaded into every app
 *    (modules/pm2-io-bpm/transports/IPCTransport.js send), exits an app
 *    with status 1 within a second or so when its IPC channel to the
 *    daemon is gone, and nothing logs that either.
 *
 * Is the pid alive: kill(pid, 0), EPERM counting as alive (another user,
 * or Landlock's signal scope in watch's sandbox).  A pid not alive here
 * is still a daemon when one answers a connect(2) on PM2_HOME/rpc.sock:
 * omniwatch in another pid namespace than PM2 (a container) sees no pid
 * of it, and a dead daemon leaves the socket file refusing.  Pid reuse: a process
 * under that pid that began more than PM2_LIFE_REUSE_SLACK_MS after
 * pm2.pid was written is not the daemon (/proc/PID/stat's start time; left
 * out where /proc cannot be read, as in watch's sandbox).  By the same
 * /proc/PID/stat (proc(5)): a zombie is dead, and a daemon in state T
 * (SIGSTOP, SIGTSTP, a debugger) is suspended: a Unix socket's backlog
 * still takes connects, but it reads nothing from its apps' pipes, so
 * nothing is logged, and the apps block in write(2) once a pipe's 64 KiB
 * are full (Node writes to pipes synchronously on Linux: Node's
 * process.stdout docs, "A note on process I/O").
 */
#ifndef OMNIWATCH_PM2_LIFE_H
#define OMNIWATCH_PM2_LIFE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PM2_LIFE_LOG_TAIL_BYTES	(64 * 1024)	/* of pm2.log, read */
#define PM2_LIFE_REUSE_SLACK_MS	2000

enum pm2_life_status {
	PM2_LIFE_UNKNOWN,	/* nothing to say: no pm2.pid and no stop
				   logged, or pm2.pid unreadable */
	PM2_LIFE_RUNNING,
	PM2_LIFE_STOPPED,	/* stopped on purpose, by pm2.log */
	PM2_LIFE_GONE,		/* pm2.pid names a dead pid, or is gone
				   while rpc.sock refuses; no stop logged */
	PM2_LIFE_SUSPENDED,	/* it runs, but stopped by a signal */
};

struct pm2_life {
	enum pm2_life_status status;
	pid_t		 pid;		/* of pm2.pid; 0 when none */
	bool		 is_reused;	/* GONE: the pid names another process */
	int64_t		 stopped_ms;	/* STOPPED: the stop's stamp in
					   pm2.log, or STAMP_NONE */
};

/*
 * Reads PM2_HOME/pm2.pid, looks at its pid and, when that is not running
 * or there is no pm2.pid, at the last daemon start or stop in the last
 * PM2_LIFE_LOG_TAIL_BYTES of PM2_HOME/pm2.log, into *OUT.  Never fails:
 * what cannot be read is PM2_LIFE_UNKNOWN.
 */
void pm2_life_read(const char *pm2_home, struct pm2_life *out);

/*
 * What to say of L (read from PM2_HOME), for check and watch: a malloc'd
 * sentence naming the home, the pid and what it means, or NULL for
 * RUNNING and UNKNOWN.  It holds no age (watch compares two of them).
 */
char *pm2_life_describe(const char *pm2_home, const struct pm2_life *l);

#endif

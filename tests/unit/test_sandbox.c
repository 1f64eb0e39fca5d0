/*
 * test_sandbox: what a confined watch may still do (sandbox.h).
 *
 * Each test confines a forked child with sandbox_enter, since confinement
 * lasts for the life of the process; the child tries things and reports
 * each errno through a pipe, and the parent asserts them: a file outside
 * the config's directories cannot be opened, a source directory cannot be
 * written, the state directory can; threads and forks can be made, but
 * no program run and no namespace; sandbox_check names a reloaded
 * config's path outside.
 * Skips where the kernel has no Landlock.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "sandbox.h"	/* the module under test */
#include "xmalloc.h"

static char st_dir[256];

/* What the child saw: 0 for success, else the errno. */
struct st_probes {
	int	has_landlock;
	int	read_outside;
	int	read_source;
	int	write_source_dir;
	int	write_state;
	int	write_textfile;
	int	fork;
	int	fork_exec;	/* the child's execv, as an exit status */
	int	exec;
	int	unshare;
	int	landlock_abi;
	int	kill_outside;	/* kill(parent, 0) */
	int	packet_socket;
	int	thread;
	int	resolve;	/* getaddrinfo("localhost"), 0 or EAI_* */
	int	check_inside;
	int	check_outside;
	char	check_err[512];
};

static void
st_write(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", st_dir, name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static int
st_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	const char *dirs[] = { "conf", "pm2", "pm2/logs", "state", "out",
	    "prom" };

	snprintf(st_dir, sizeof(st_dir), "%s/test_sandbox.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(st_dir) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		char *d = xasprintf("%s/%s", st_dir, dirs[i]);

		if (mkdir(d, 0700) != 0)
			return -1;
		free(d);
	}
	return 0;
}

static int
st_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", st_dir);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

static int
st_open(const char *name, int flags)
{
	char *path = xasprintf("%s/%s", st_dir, name);
	int fd = open(path, flags | O_CLOEXEC, 0600), e = errno;

	free(path);
	if (fd < 0)
		return e;
	close(fd);
	return 0;
}

static void *
st_thread(void *arg)
{
	return arg;
}

/* The child: confine, probe, report. */
static void
st_child(int fd)
{
	struct st_probes p;
	struct config *cfg, *cfg2;
	struct sandbox *sb;
	struct addrinfo *ai = NULL;
	pthread_t th;
	char *err = NULL, *conf = xasprintf("%s/conf/watch.yaml", st_dir);
	char *conf2 = xasprintf("%s/conf/outside.yaml", st_dir);
	pid_t pid;
	int s;

	memset(&p, 0, sizeof(p));
	cfg = config_load(conf, &err);
	cfg2 = config_load(conf2, &err);
	if (cfg == NULL || cfg2 == NULL)
		_exit(2);
	p.landlock_abi = (int)syscall(444, NULL, 0, 1U);	/* before seccomp */
	sb = sandbox_enter(conf, cfg);
	p.has_landlock = sandbox_has_landlock(sb);
	p.read_outside = st_open("out/secret.log", O_RDONLY);
	p.read_source = st_open("pm2/logs/app-out.log", O_RDONLY);
	p.write_source_dir = st_open("pm2/logs/new.log", O_WRONLY | O_CREAT);
	p.write_state = st_open("state/new", O_WRONLY | O_CREAT);
	p.write_textfile = st_open("prom/omni.prom.tmp", O_WRONLY | O_CREAT);
	/* A fork (yaml_load's guard) works, and inherits the sandbox. */
	pid = fork();
	if (pid == 0) {
		char *const argv[] = { "true", NULL };

		execv("/bin/true", argv);
		_exit(errno == EPERM ? 42 : 43);
	}
	p.fork = pid < 0 ? errno : 0;
	if (pid > 0 && waitpid(pid, &s, 0) == pid && WIFEXITED(s))
		p.fork_exec = WEXITSTATUS(s);
	p.unshare = unshare(CLONE_NEWUSER) != 0 ? errno : 0;
	p.kill_outside = kill(getppid(), 0) != 0 ? errno : 0;
	{
		char *const argv[] = { "true", NULL };

		execv("/bin/true", argv);
		p.exec = errno;
	}
	s = socket(AF_PACKET, SOCK_DGRAM, 0);
	p.packet_socket = s < 0 ? errno : 0;
	p.thread = pthread_create(&th, NULL, st_thread, NULL);
	if (p.thread == 0)
		pthread_join(th, NULL);
	p.resolve = getaddrinfo("localhost", "80", NULL, &ai);
	if (ai != NULL)
		freeaddrinfo(ai);
	p.check_inside = sandbox_check(sb, conf, cfg, &err);
	p.check_outside = sandbox_check(sb, conf2, cfg2, &err);
	if (p.check_outside != 0)
		snprintf(p.check_err, sizeof(p.check_err), "%s", err);
	if (write(fd, &p, sizeof(p)) != (ssize_t)sizeof(p))
		_exit(3);
	_exit(0);
}

static void
test_confined(void **state)
{
	struct st_probes p;
	char *yaml, *want;
	int fds[2], status;
	pid_t pid;

	st_write("conf/p.yaml", "name: errors\nsuccess: ['OK']\n"
	    "failure:\n  - {class: error, regex: 'ERROR'}\n");
	st_write("out/p.yaml", "name: others\nsuccess: ['OK']\n"
	    "failure:\n  - {class: error, regex: 'ERROR'}\n");
	st_write("out/secret.log", "x ERROR\n");
	st_write("pm2/logs/app-out.log", "x ERROR\n");
	yaml = xasprintf("sources: [{pm2_home: %s/pm2}]\n"
	    "pattern_sets: [p.yaml]\nstate_dir: %s/state\n"
	    "metrics: {textfile: %s/prom/omni.prom}\n", st_dir, st_dir,
	    st_dir);
	st_write("conf/watch.yaml", yaml);
	free(yaml);
	yaml = xasprintf("sources: [{pm2_home: %s/pm2}]\n"
	    "pattern_sets: [p.yaml, %s/out/p.yaml]\nstate_dir: %s/state\n",
	    st_dir, st_dir, st_dir);
	st_write("conf/outside.yaml", yaml);
	free(yaml);

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		log_set_level(LOG_LEVEL_WARN);
		st_child(fds[1]);
	}
	close(fds[1]);
	memset(&p, 0, sizeof(p));
	assert_int_equal(read(fds[0], &p, sizeof(p)), sizeof(p));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(p.has_landlock);
	assert_int_equal(p.read_outside, EACCES);
	assert_int_equal(p.read_source, 0);
	assert_int_equal(p.write_source_dir, EACCES);
	assert_int_equal(p.write_state, 0);
	assert_int_equal(p.write_textfile, 0);
	assert_int_equal(p.fork, 0);
	assert_int_equal(p.fork_exec, 42);
	assert_int_equal(p.exec, EPERM);
	assert_int_equal(p.unshare, EPERM);
	/* Landlock ABI 6 scopes signals to the sandbox. */
	assert_int_equal(p.kill_outside, p.landlock_abi >= 6 ? EPERM : 0);
	assert_int_equal(p.packet_socket, EPERM);
	assert_int_equal(p.thread, 0);
	assert_int_equal(p.resolve, 0);
	assert_int_equal(p.check_inside, 0);
	assert_int_equal(p.check_outside, -1);
	want = xasprintf("pattern set %s/out/p.yaml: %s/out is outside the "
	    "sandbox", st_dir, st_dir);
	assert_non_null(strstr(p.check_err, want));
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_confined),
	};

	/* The ABI query of landlock(7): -1 where the kernel lacks it or it
	 * was disabled at boot. */
	if (syscall(444 /* landlock_create_ruleset */, NULL, 0, 1U) < 0) {
		printf("skip: this kernel has no Landlock (%s)\n",
		    strerror(errno));
		return 77;
	}

	return cmocka_run_group_tests(tests, st_setup, st_teardown);
}

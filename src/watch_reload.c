/*
 * watch_reload: see watch_reload.h.
 */
#include "autoconf.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "watch.h"
#include "watch_reload.h"

/* Stops the child at work, if any, and reaps it. */
static void
watch_reload_kill(struct watch *w)
{
	if (w->reload_pid <= 0)
		return;
	kill(w->reload_pid, SIGKILL);
	while (waitpid(w->reload_pid, NULL, 0) < 0 && errno == EINTR)
		continue;
	w->reload_pid = 0;
}

int
watch_reload_start(struct watch *w)
{
	sigset_t none;
	pid_t pid;

	log_info("SIGHUP: reloading %s", w->config_path);
	if (w->reload_pid > 0) {
		log_info("the reload still being checked is dropped for this "
		    "one");
		watch_reload_kill(w);
	}
	pid = fork();
	if (pid < 0) {
		log_debug("reload checked in the loop itself: fork: %s",
		    strerror(errno));
		return watch_reload(w);
	}
	if (pid == 0) {
		/* The loop's signals were blocked for its signalfd: the
		 * child takes TERM and KILL as any process does. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* The loop says the warnings when it loads the file. */
		if (log_get_level() > LOG_LEVEL_ERROR)
			log_set_level(LOG_LEVEL_ERROR);
		_exit(watch_load_check(w) == 0 ? 0 : 1);
	}
	w->reload_pid = pid;
	return 0;
}

int
watch_reload_reap(struct watch *w)
{
	int status;
	pid_t r;

	if (w->reload_pid <= 0)
		return 0;
	r = waitpid(w->reload_pid, &status, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return 0;
	w->reload_pid = 0;
	if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return watch_reload(w);
	if (r > 0 && WIFSIGNALED(status))
		log_error("reload failed: checking %s ended by signal %d; the "
		    "old configuration keeps running", w->config_path,
		    WTERMSIG(status));
	else
		log_error("reload failed; the old configuration keeps "
		    "running");
	return 0;
}

void
watch_reload_stop(struct watch *w)
{
	watch_reload_kill(w);
}

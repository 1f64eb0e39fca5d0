/*
 * yaml_load: see yaml_load.h.  The order is read, check, parse in a child,
 * parse here: the child parses the very bytes we then parse, so what it
 * proved (the parse ends) holds for ours.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "file_kind.h"
#include "log.h"
#include "redact.h"
#include "stamp.h"
#include "utf8.h"
#include "xmalloc.h"
#include "yaml_load.h"

/*
 * Reads all of PATH into *TEXT, NUL-ended: a regular file, or a pipe as
 * `-c <(generate-config)` gives; a named FIFO is refused, never waited on.
 */
int
yaml_read(const char *path, char **text, size_t *len, char **err)
{
	struct stat sb;
	size_t cap = 4096, n = 0;
	char *buf;
	int fd;

	fd = file_open_plain(path, path, "a YAML file", true, &sb, err);
	if (fd < 0)
		return -1;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 == cap) {
			if (cap > YAML_MAX_BYTES) {
				*err = xasprintf("%s: larger than %u MiB; "
				    "expected a YAML file of a few KiB", path,
				    YAML_MAX_BYTES >> 20);
				free(buf);
				close(fd);
				return -1;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = xasprintf("%s: cannot read: %s", path,
			    strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* Names the first byte that is not UTF-8 (or is NUL), if any. */
static int
yaml_check_utf8(const char *path, const char *p, size_t len, char **err)
{
	size_t off = utf8_first_invalid(p, len), line = 1, col = 1;

	if (off == len)
		return 0;
	for (size_t i = 0; i < off; i++) {
		if (p[i] == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	*err = xasprintf("%s: %s at byte offset %zu (line %zu, column %zu); "
	    "YAML must be UTF-8", path, p[off] == '\0' ? "NUL byte" :
	    "invalid UTF-8", off, line, col);
	return -1;
}

static struct fy_document *
yaml_parse(const char *p, size_t len, unsigned flags, struct fy_diag *diag)
{
	struct fy_parse_cfg pcfg;

	memset(&pcfg, 0, sizeof(pcfg));
	pcfg.flags = (enum fy_parse_cfg_flags)(flags | FYPCF_QUIET);
	pcfg.diag = diag;
	return fy_document_build_from_string(&pcfg, p, len);
}

/* Set by libFuzzer through the sanitizers' interface; absent otherwise. */
extern void __sanitizer_set_death_callback(void (*)(void))
    __attribute__((weak));

/*
 * In the guard child: a crash ends it as a crash and nothing more.  The
 * default action for the fatal signals (a sanitizer's handler would
 * report and exit with a status instead), and no death callback (under
 * libFuzzer, the parent's, which would save the input as a crash of the
 * fuzz target although the parent goes on and refuses the file).
 */
static void
yaml_child_crash_plainly(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
		signal(sigs[i], SIG_DFL);
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(NULL);
}

/*
 * Waits for child PID until DEADLINE (stamp_mono_ms()), woken the moment
 * it exits: FD is the read end of a pipe whose only write end the child
 * holds, which its exit closes (poll(2) then says POLLHUP).  Without FD
 * (-1: no pipe could be made), by polling waitpid(2) with growing sleeps,
 * which sees an exit up to a sleep late.  Returns the reaped pid, or 0 at
 * the deadline (the child still runs), or -1.
 */
static pid_t
yaml_wait_child(pid_t pid, int fd, int64_t deadline, int *status)
{
	pid_t r;

	for (long wait_us = 100;; wait_us = wait_us < 20000 ? wait_us * 2 :
	    wait_us) {
		struct timespec ts = { 0, wait_us * 1000 };
		int64_t left;

		r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return r;
		if ((left = deadline - stamp_mono_ms()) <= 0)
			return 0;
		if (fd >= 0) {
			struct pollfd pfd = { fd, POLLIN, 0 };

			if (poll(&pfd, 1, (int)left) > 0)
				/* Closed by the child's exit: reaped at
				 * once now. */
				while ((r = waitpid(pid, status, 0)) < 0 &&
				    errno == EINTR)
					continue;
			if (r == pid)
				return r;
		} else
			nanosleep(&ts, NULL);
	}
}

/*
 * Parses (P, LEN) in a child and waits at most YAML_PARSE_MS for it.
 * Returns 0 when the parse ended (well or not), -1 with *ERR when it had
 * to be stopped or crashed.  Where fork is not allowed (a sandbox), the
 * guard is skipped: the UTF-8 check has already kept out the known hang.
 */
static int
yaml_parse_guarded(const char *path, const char *p, size_t len,
    unsigned flags, char **err)
{
	int64_t deadline = stamp_mono_ms() + YAML_PARSE_MS;
	int status = 0, pfd[2] = { -1, -1 };
	pid_t pid, r;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		pfd[0] = pfd[1] = -1;
	pid = fork();
	if (pid < 0) {
		log_debug("%s: parsed without a time limit: fork: %s", path,
		    strerror(errno));
		if (pfd[0] >= 0) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return 0;
	}
	if (pid == 0) {
		struct fy_diag_cfg dcfg;
		struct fy_diag *diag;

		yaml_child_crash_plainly();
		fy_diag_cfg_default(&dcfg);
		dcfg.fp = NULL;
		diag = fy_diag_create(&dcfg);
		fy_diag_set_collect_errors(diag, true);
		(void)yaml_parse(p, len, flags, diag);
		_exit(0);	/* no atexit handlers, no stdio flushing */
	}
	if (pfd[1] >= 0)
		close(pfd[1]);
	r = yaml_wait_child(pid, pfd[0], deadline, &status);
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (r == 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			continue;
		*err = xasprintf("%s: the YAML parser (libfyaml) did not "
		    "finish within %d s; file refused", path,
		    YAML_PARSE_MS / 1000);
		return -1;
	}
	if (r == pid && WIFSIGNALED(status)) {
		*err = xasprintf("%s: the YAML parser (libfyaml) crashed on "
		    "this file (signal %d); file refused", path,
		    WTERMSIG(status));
		return -1;
	}
	/* The child exits 0 once the parse returns; anything else is a
	 * crash that a sanitizer or libFuzzer caught and turned into an
	 * exit status (ASan's exitcode, 1 by default). */
	if (r == pid && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		*err = xasprintf("%s: the YAML parser (libfyaml) crashed on "
		    "this file (exit status %d); file refused", path,
		    WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

int
yaml_load(const char *path, unsigned flags, struct yaml_doc *y, char **err)
{
	struct fy_diag_cfg dcfg;
	size_t len;

	memset(y, 0, sizeof(*y));
	*err = NULL;
	if (yaml_read(path, &y->text, &len, err) != 0)
		return -1;
	if (yaml_check_utf8(path, y->text, len, err) != 0)
		return -1;
	y->is_blank = strspn(y->text, " \t\r\n") == len;
	if (yaml_parse_guarded(path, y->text, len, flags, err) != 0)
		return -1;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.colorize = false;
	y->diag = fy_diag_create(&dcfg);
	fy_diag_set_collect_errors(y->diag, true);
	y->doc = yaml_parse(y->text, len, flags, y->diag);
	if (y->doc == NULL) {
		void *iter = NULL;
		struct fy_diag_error *de = fy_diag_errors_iterate(y->diag,
		    &iter);

		/* libfyaml 0.7's collected errors count lines and columns
		 * from 1 already.  No error and no document: a blank file,
		 * or comments only. */
		if (de != NULL) {
			*err = xasprintf("%s:%d:%d: invalid YAML: %s", path,
			    de->line, de->column, de->msg);
			return -1;
		}
	}
	return 0;
}

void
yaml_doc_release(struct yaml_doc *y)
{
	if (y->doc != NULL)
		fy_document_destroy(y->doc);
	if (y->diag != NULL)
		fy_diag_destroy(y->diag);
	free(y->text);
	memset(y, 0, sizeof(*y));
}

bool
yaml_mark(struct fy_node *node, int *line, int *column)
{
	struct fy_node_pair *pair;
	struct fy_node *item;
	void *iter = NULL;

	if (node == NULL)
		return false;
	if (fy_node_is_scalar(node)) {
		struct fy_token *tok = fy_node_get_scalar_token(node);
		const struct fy_mark *mark = tok != NULL ?
		    fy_token_start_mark(tok) : NULL;
		enum fy_node_style style = fy_node_get_style(node);

		if (mark == NULL)
			return false;
		*line = mark->line + 1;
		*column = mark->column + 1;
		/* libfyaml 0.7 marks a quoted scalar after its quote; the
		 * reader's editor should land on the quote. */
		if ((style == FYNS_SINGLE_QUOTED ||
		    style == FYNS_DOUBLE_QUOTED) && *column > 1)
			(*column)--;
		return true;
	}
	if (fy_node_is_mapping(node)) {
		while ((pair = fy_node_mapping_iterate(node, &iter)) != NULL)
			if (yaml_mark(fy_node_pair_key(pair), line, column) ||
			    yaml_mark(fy_node_pair_value(pair), line,
			    column))
				return true;
		return false;
	}
	if (fy_node_is_sequence(node))
		while ((item = fy_node_sequence_iterate(node, &iter)) != NULL)
			if (yaml_mark(item, line, column))
				return true;
	return false;
}

char *
yaml_where(const char *path, struct fy_node *node, struct fy_node *fallback)
{
	int line = 1, column = 1;

	if (!yaml_mark(node, &line, &column))
		yaml_mark(fallback, &line, &column);
	return xasprintf("%s:%d:%d", path, line, column);
}

int
yaml_error(char **err, char *place, const char *fmt, ...)
{
	va_list ap;
	char *raw, *msg;
	const char *colon;
	size_t len, keep = 0;

	if (*err == NULL) {
		va_start(ap, fmt);
		raw = xvasprintf(fmt, ap);
		va_end(ap);
		/*
		 * A message may quote any key's value (a receiver's url with
		 * its password, a header) and errors leave the host in logs
		 * and CI output: every one goes through the redactor.  But
		 * "headers.X-Token: got a list" is a key path and our own
		 * words, which the redactor reads as a secret's pair and
		 * took "got" from.  A leading path (no blank in it) is kept
		 * out of its sight, unless a quoted value follows it ('%s'
		 * is how messages quote one): then the whole goes through,
		 * so that the value goes as a pair's would.
		 */
		colon = strstr(raw, ": ");
		if (colon != NULL && (size_t)(colon - raw) <
		    strcspn(raw, " \t") && colon[2] != '\'' && colon[2] != '"')
			keep = (size_t)(colon - raw) + 2;
		msg = redact_builtin(raw + keep, strlen(raw + keep), &len);
		*err = xasprintf("%s: %.*s%s", place, (int)keep, raw, msg);
		free(msg);
		free(raw);
	}
	free(place);
	return -1;
}

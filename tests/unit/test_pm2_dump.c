/*
 * test_pm2_dump: the log paths read from PM2's dump.pm2 (pm2_dump.h), and
 * nothing else: the environments (secrets) never reach a message.
 *
 * The dumps are shaped like those PM2 7.0.4 wrote in tests/pm2/pm2_daemon.sh
 * (pm2 save): a list of pm2_env objects with the app's environment
 * flattened in.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pm2_dump.h"
#include "xmalloc.h"

#define SECRET	"fake-secret-0a1b2c3d"

static char pd_dir[256];

static int
pd_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(pd_dir, sizeof(pd_dir), "%s/test_pm2_dump.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(pd_dir) == NULL)
		return -1;
	return 0;
}

static int
pd_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", pd_dir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static char *
pd_write(const char *text)
{
	char *path = xasprintf("%s/dump.pm2", pd_dir);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void
test_dump_paths(void **state)
{
	char *logs = xasprintf("%s/logs", pd_dir);
	char *text = xasprintf("[{\"name\": \"desk\", \"exec_mode\": "
	    "\"cluster_mode\", \"pm_out_log_path\": \"%s/desk-out-1.log\", "
	    "\"pm_err_log_path\": \"%s/desk-error-1.log\", \"TOKEN\": \""
	    SECRET "\", \"env\": {\"TOKEN\": \"" SECRET "\"}},"
	    "{\"name\": \"solo\", \"pm_out_log_path\": \"/srv/solo/out.log\","
	    " \"pm_err_log_path\": \"/srv/solo/err.log\"},"
	    "{\"name\": \"solo\", \"pm_out_log_path\": \"/srv/solo/out.log\","
	    " \"pm_err_log_path\": \"/dev/null\"},"
	    "{\"name\": \"rel\", \"pm_out_log_path\": \"rel/out.log\"},"
	    "{\"name\": \"free\", \"pm_out_log_path\": \"%s/free.txt\","
	    " \"pm_err_log_path\": \"%s/api-out.log\"},"
	    "{\"pm_out_log_path\": \"/srv/noname.log\"}, 7]", logs, logs, logs,
	    logs);
	char *path, *err = NULL;
	struct pm2_dump d;

	(void)state;
	mkdir(logs, 0755);
	path = pd_write(text);
	assert_int_equal(pm2_dump_read(path, logs, &d, &err), PM2_DUMP_OK);
	assert_null(err);
	/* desk's logs are in logs/ under PM2's names, followed by that
	 * directory's rule; solo's once each; /dev/null, a relative path and
	 * an app without a name are no logs to follow; free's out_file in
	 * logs/ under a name of its own is one (tester13), its error_file
	 * under another app's name is that directory's. */
	assert_int_equal(d.nlogs, 3);
	assert_string_equal(d.logs[0].path, "/srv/solo/out.log");
	assert_string_equal(d.logs[0].app, "solo");
	assert_int_equal(d.logs[0].stream, PM2_STREAM_OUT);
	assert_string_equal(d.logs[1].path, "/srv/solo/err.log");
	assert_int_equal(d.logs[1].stream, PM2_STREAM_ERROR);
	assert_string_equal(d.logs[2].app, "free");
	assert_non_null(strstr(d.logs[2].path, "/logs/free.txt"));
	assert_non_null(pm2_dump_find(&d, "/srv/solo/err.log"));
	assert_null(pm2_dump_find(&d, "/srv/other.log"));
	pm2_dump_release(&d);
	free(path);
	free(text);
	free(logs);
}

static void
test_dump_missing_malformed(void **state)
{
	char *logs = xasprintf("%s/logs", pd_dir);
	char *path, *err = NULL;
	struct pm2_dump d;

	(void)state;
	path = xasprintf("%s/dump.pm2", pd_dir);
	assert_int_equal(pm2_dump_read(path, logs, &d, &err),
	    PM2_DUMP_MISSING);
	assert_int_equal(d.nlogs, 0);
	free(path);

	/* Cut short in the middle of a secret: the message says where,
	 * never what (jansson's own text quotes the input). */
	path = pd_write("[{\"name\": \"a\", \"env\": {\"T\": \"" SECRET);
	assert_int_equal(pm2_dump_read(path, logs, &d, &err),
	    PM2_DUMP_MALFORMED);
	assert_non_null(err);
	assert_null(strstr(err, SECRET));
	assert_non_null(strstr(err, "not valid JSON at line 1, column"));
	free(err);
	free(path);
	path = pd_write("{\"name\": \"" SECRET "\"}");
	assert_int_equal(pm2_dump_read(path, logs, &d, &err),
	    PM2_DUMP_MALFORMED);
	assert_string_equal(err, "not a JSON list; expected PM2's list of "
	    "apps (pm2 save); its apps' log paths are not followed");
	free(err);
	if (geteuid() != 0) {
		/* Unreadable: as if there were none. */
		chmod(path, 0);
		assert_int_equal(pm2_dump_read(path, logs, &d, &err),
		    PM2_DUMP_MISSING);
	}
	free(path);
	free(logs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dump_paths, pd_setup,
		    pd_teardown),
		cmocka_unit_test_setup_teardown(test_dump_missing_malformed,
		    pd_setup, pd_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

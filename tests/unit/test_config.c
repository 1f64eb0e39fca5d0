/*
 * test_config: the config file (config.h).
 *
 * Each test writes a config into a fresh directory and loads it: the
 * defaults, every key, relative paths, and for every kind of mistake the
 * exact message, FILE:LINE:COLUMN included, since an operator is sent to
 * that spot by it.
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

#include "config.h"	/* src/config.h, the module under test */
#include "config_table.h"
#include "testlib.h"
#include "xmalloc.h"
#include "yaml_load.h"

static char ct_dir[256];

static int
ct_setup(void **state)
{
	return tl_tmpdir(ct_dir, sizeof(ct_dir), "test_config");
}

static int
ct_teardown(void **state)
{
	return tl_rmtree(ct_dir) == 0 ? 0 : -1;
}

/* Writes TEXT to NAME in the test directory; returns the path. */
static char *
ct_write(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", ct_dir, name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Loads TEXT, which must be valid; the caller frees the config. */
static struct config *
ct_load(const char *text)
{
	char *path = ct_write("ok.yaml", text);
	char *err = NULL;
	struct config *cfg = config_load(path, &err);

	if (cfg == NULL)
		fail_msg("unexpected error: %s", err);
	assert_null(err);
	assert_string_equal(cfg->path, path);
	free(path);
	return cfg;
}

/* Loads TEXT, which must fail with "PATH:" followed by EXPECTED. */
static void
ct_error(const char *text, const char *expected)
{
	char *path = ct_write("bad.yaml", text);
	char *want = xasprintf("%s:%s", path, expected);
	char *err = NULL;
	struct config *cfg = config_load(path, &err);

	if (cfg != NULL)
		fail_msg("no error for:\n%s", text);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
	free(want);
	free(path);
}

static void
test_defaults(void **state)
{
	struct config *cfg = ct_load("sources:\n  - pm2_home: /srv/pm2\n");
	char *dir = config_default_state_dir(geteuid() == 0);

	assert_int_equal(cfg->nsources, 1);
	assert_string_equal(cfg->sources[0].pm2_home, "/srv/pm2");
	assert_null(cfg->sources[0].path);
	assert_int_equal(cfg->npattern_sets, 1);
	assert_string_equal(cfg->pattern_sets[0], "omni");
	assert_non_null(dir);
	assert_string_equal(cfg->state_dir, dir);
	assert_int_equal(cfg->idle_flush_ms, 200);
	assert_int_equal(cfg->max_lines, 1000);
	assert_int_equal(cfg->max_bytes, 1024 * 1024);
	assert_int_equal(cfg->max_line, 1024 * 1024);
	assert_int_equal(cfg->sweep_ms, 10000);
	assert_int_equal(cfg->rotate_wait_ms, 5000);
	assert_false(cfg->start_at_end);
	assert_int_equal(cfg->commit_ms, 1000);
	assert_int_equal(cfg->commit_records, 10000);
	free(dir);
	config_free(cfg);
}

static void
ct_state_dir_is(bool is_root, const char *expected)
{
	char *dir = config_default_state_dir(is_root);

	assert_non_null(dir);
	assert_string_equal(dir, expected);
	free(dir);
}

static void
test_default_state_dir(void **state)
{
	setenv("HOME", "/home/ops", 1);
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	ct_state_dir_is(false, "/xdg/state/omniwatch");
	ct_state_dir_is(true, "/var/lib/omniwatch");
	/* The XDG spec says a relative value is invalid and ignored. */
	setenv("XDG_STATE_HOME", "relative", 1);
	ct_state_dir_is(false, "/home/ops/.local/state/omniwatch");
	unsetenv("XDG_STATE_HOME");
	ct_state_dir_is(false, "/home/ops/.local/state/omniwatch");
	setenv("XDG_STATE_HOME", "", 1);
	ct_state_dir_is(false, "/home/ops/.local/state/omniwatch");
	unsetenv("XDG_STATE_HOME");
}

static void
test_every_key(void **state)
{
	struct config *cfg = ct_load(
	    "# every key, none at its default\n"
	    "sources:\n"
	    "  - pm2_home: /home/app/.pm2\n"
	    "  - path: /var/log/legacy/app-*.log\n"
	    "  - {path: '/var/log/other.log'}\n"
	    "pattern_sets: [omni, /etc/omniwatch/mine.yaml]\n"
	    "state_dir: /var/lib/ow\n"
	    "record:\n"
	    "  idle_flush: 1.5s\n"
	    "  max_lines: 50\n"
	    "  max_bytes: 64KiB\n"
	    "  max_line: 2M\n"
	    "tail: {sweep: 2m, rotate_wait: 0s, start_at: end}\n"
	    "state:\n"
	    "  commit_interval: 250ms\n"
	    "  commit_records: 7\n"
	    "redact: ['ssn=(\\d+)']\n"
	    "receivers:\n"
	    "  desk:\n"
	    "    url: 'https://hooks.example/x'\n"
	    "    format: slack\n"
	    "    timeout: 3s\n"
	    "    connect_timeout: 1s\n"
	    "    headers: {X-Team: servicedesk}\n"
	    "    secret_file: desk.secret\n"
	    "    retry_initial: 100ms\n"
	    "    retry_max: 2s\n"
	    "    spool_max: 50\n"
	    "  am: {url: 'http://127.0.0.1:9093', format: alertmanager}\n"
	    "alerts:\n"
	    "  - name: omni-failing\n"
	    "    pattern_set: omni\n"
	    "    kind: failure_rate\n"
	    "    threshold: 0.25\n"
	    "    window: 15m\n"
	    "    min_events: 3\n"
	    "    classes: [route_not_found]\n"
	    "    for: 0s\n"
	    "    keep_firing_for: 1.5m\n"
	    "    repeat_interval: 1h\n"
	    "    receivers: [desk]\n"
	    "  - {name: quiet, kind: no_success}\n"
	    "metrics: {listen: '127.0.0.1:9100', textfile: m.prom, "
	    "textfile_interval: 30s}\n");

	assert_int_equal(cfg->nsources, 3);
	assert_string_equal(cfg->sources[0].pm2_home, "/home/app/.pm2");
	assert_null(cfg->sources[0].path);
	assert_null(cfg->sources[1].pm2_home);
	assert_string_equal(cfg->sources[1].path, "/var/log/legacy/app-*.log");
	assert_string_equal(cfg->sources[2].path, "/var/log/other.log");
	assert_int_equal(cfg->npattern_sets, 2);
	assert_string_equal(cfg->pattern_sets[0], "omni");
	assert_string_equal(cfg->pattern_sets[1], "/etc/omniwatch/mine.yaml");
	assert_string_equal(cfg->state_dir, "/var/lib/ow");
	assert_int_equal(cfg->idle_flush_ms, 1500);
	assert_int_equal(cfg->max_lines, 50);
	assert_int_equal(cfg->max_bytes, 64 * 1024);
	assert_int_equal(cfg->max_line, 2 * 1024 * 1024);
	assert_int_equal(cfg->sweep_ms, 120000);
	assert_int_equal(cfg->rotate_wait_ms, 0);
	assert_true(cfg->start_at_end);
	assert_int_equal(cfg->commit_ms, 250);
	assert_int_equal(cfg->commit_records, 7);
	assert_int_equal(cfg->nredact, 1);
	assert_string_equal(cfg->redact[0], "ssn=(\\d+)");
	assert_int_equal(cfg->nreceivers, 2);
	assert_string_equal(cfg->receivers[0].name, "desk");
	assert_string_equal(cfg->receivers[0].url, "https://hooks.example/x");
	assert_int_equal(cfg->receivers[0].format, CONFIG_FORMAT_SLACK);
	assert_int_equal(cfg->receivers[0].timeout_ms, 3000);
	assert_int_equal(cfg->receivers[0].connect_timeout_ms, 1000);
	assert_int_equal(cfg->receivers[0].nheaders, 1);
	assert_string_equal(cfg->receivers[0].headers[0].name, "X-Team");
	assert_string_equal(cfg->receivers[0].headers[0].value, "servicedesk");
	assert_non_null(strstr(cfg->receivers[0].secret_file, "/desk.secret"));
	assert_int_equal(cfg->receivers[0].retry_initial_ms, 100);
	assert_int_equal(cfg->receivers[0].retry_max_ms, 2000);
	assert_int_equal(cfg->receivers[0].spool_max, 50);
	assert_int_equal(cfg->receivers[1].format, CONFIG_FORMAT_ALERTMANAGER);
	assert_int_equal(cfg->receivers[1].timeout_ms, 10000);
	assert_int_equal(cfg->receivers[1].connect_timeout_ms, 5000);
	assert_null(cfg->receivers[1].secret_file);
	assert_int_equal(cfg->nalerts, 2);
	assert_string_equal(cfg->alerts[0].name, "omni-failing");
	assert_string_equal(cfg->alerts[0].pattern_set, "omni");
	assert_int_equal(cfg->alerts[0].kind, CONFIG_ALERT_FAILURE_RATE);
	assert_true(cfg->alerts[0].threshold == 0.25);
	assert_int_equal(cfg->alerts[0].window_ms, 900000);
	assert_int_equal(cfg->alerts[0].min_events, 3);
	assert_int_equal(cfg->alerts[0].nclasses, 1);
	assert_string_equal(cfg->alerts[0].classes[0], "route_not_found");
	assert_int_equal(cfg->alerts[0].for_ms, 0);
	assert_int_equal(cfg->alerts[0].keep_firing_ms, 90000);
	assert_int_equal(cfg->alerts[0].repeat_ms, 3600000);
	assert_int_equal(cfg->alerts[0].nreceivers, 1);
	assert_string_equal(cfg->alerts[0].receivers[0], "desk");
	assert_int_equal(cfg->alerts[1].kind, CONFIG_ALERT_NO_SUCCESS);
	assert_null(cfg->alerts[1].pattern_set);
	assert_int_equal(cfg->alerts[1].window_ms, 300000);
	assert_int_equal(cfg->alerts[1].repeat_ms, 4 * 3600000);
	assert_int_equal(cfg->alerts[1].keep_firing_ms, 0);
	assert_int_equal(cfg->alerts[1].nreceivers, 0);
	assert_string_equal(cfg->metrics_listen, "127.0.0.1:9100");
	assert_non_null(strstr(cfg->metrics_textfile, "/m.prom"));
	assert_int_equal(cfg->metrics_textfile_ms, 30000);
	config_free(cfg);

	cfg = ct_load("sources: [{path: /x}]\ntail: {start_at: head}\n"
	    "receivers:\nalerts: []\nmetrics: {}\n");
	assert_false(cfg->start_at_end);
	config_free(cfg);
}

/* Anchors and aliases are resolved before the walk. */
static void
test_aliases(void **state)
{
	struct config *cfg = ct_load(
	    "sources: [{path: /x}]\n"
	    "record: {idle_flush: &t 3s}\n"
	    "tail: {sweep: *t}\n");

	assert_int_equal(cfg->idle_flush_ms, 3000);
	assert_int_equal(cfg->sweep_ms, 3000);
	config_free(cfg);
}

/* Relative paths are the config file's directory's, not the cwd's. */
static void
test_relative_paths(void **state)
{
	char *sub = xasprintf("%s/etc[1]", ct_dir);
	char *path = xasprintf("%s/ow.yaml", sub);
	char *err = NULL, *want;
	struct config *cfg;
	FILE *fp;

	assert_int_equal(mkdir(sub, 0755), 0);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("sources:\n  - path: logs/*.log\n  - pm2_home: pm2\n"
	    "state_dir: state\n"
	    "pattern_sets: [omni, p/mine.yaml, x.yml, other.yaml]\n", fp);
	assert_int_equal(fclose(fp), 0);
	cfg = config_load(path, &err);
	assert_non_null(cfg);
	/* The directory's '[' must not become part of the glob. */
	want = xasprintf("%s/etc\\[1]/logs/*.log", ct_dir);
	assert_string_equal(cfg->sources[0].path, want);
	free(want);
	want = xasprintf("%s/pm2", sub);
	assert_string_equal(cfg->sources[1].pm2_home, want);
	free(want);
	want = xasprintf("%s/state", sub);
	assert_string_equal(cfg->state_dir, want);
	free(want);
	assert_string_equal(cfg->pattern_sets[0], "omni");
	want = xasprintf("%s/p/mine.yaml", sub);
	assert_string_equal(cfg->pattern_sets[1], want);
	free(want);
	want = xasprintf("%s/x.yml", sub);
	assert_string_equal(cfg->pattern_sets[2], want);
	free(want);
	want = xasprintf("%s/other.yaml", sub);
	assert_string_equal(cfg->pattern_sets[3], want);
	free(want);
	config_free(cfg);
	free(path);
	free(sub);
}

static void
test_error_keys(void **state)
{
	ct_error("sources: [{path: /x}]\nsourcs: []\n",
	    "2:1: unknown key 'sourcs'; expected sources, pattern_sets, "
	    "state_dir, record, tail, state, redact, receivers, alerts, "
	    "metrics or probes");
	ct_error("sources: [{path: /x}]\nrecord:\n  idle: 1s\n",
	    "3:3: record: unknown key 'idle'; expected idle_flush, "
	    "max_lines, max_bytes or max_line");
	ct_error("sources: [{path: /x}]\ntail: {sweep: 1s, start: end}\n",
	    "2:19: tail: unknown key 'start'; expected sweep, rotate_wait "
	    "or start_at");
	ct_error("sources: [{path: /x}]\nstate:\n  commit: 1s\n",
	    "3:3: state: unknown key 'commit'; expected commit_interval or "
	    "commit_records");
	ct_error("sources:\n  - pm2_home: /p\n    user: app\n",
	    "3:5: source 1: unknown key 'user'; expected pm2_home or path");
}

static void
test_error_types(void **state)
{
	ct_error("- sources\n",
	    "1:3: got a list; expected a mapping with at least 'sources'");
	ct_error("sources: /srv/pm2\n",
	    "1:10: sources: got a string; expected a list of at least one "
	    "source (- pm2_home: DIR or - path: GLOB)");
	ct_error("sources: [{path: /x}]\nrecord: [1s]\n",
	    "2:10: record: got a list; expected a mapping with idle_flush, "
	    "max_lines, max_bytes or max_line");
	ct_error("sources: [{path: /x}]\ntail: fast\n",
	    "2:7: tail: got a string; expected a mapping with sweep, "
	    "rotate_wait or start_at");
	ct_error("sources: [{path: /x}]\nstate:\n",
	    "2:1: state: got nothing; expected a mapping with "
	    "commit_interval or commit_records");
	ct_error("sources: [{path: /x}]\nstate_dir: [a, b]\n",
	    "2:13: state_dir: got a list; expected a directory");
	ct_error("sources: [{path: /x}]\nstate_dir: ~\n",
	    "2:12: state_dir: got nothing; expected a directory");
	ct_error("sources: [{path: /x}]\nstate_dir: ''\n",
	    "2:12: state_dir: empty or holds a NUL byte; expected a "
	    "directory");
	ct_error("sources:\n  - /srv/pm2\n",
	    "2:5: source 1: got a string; expected a mapping with pm2_home "
	    "or path");
	ct_error("sources:\n  - {}\n",
	    "1:1: source 1: got an empty mapping; expected a mapping with "
	    "pm2_home or path");
	ct_error("sources:\n  - path: [a]\n",
	    "2:12: source 1: path: got a list; expected a file path or "
	    "glob");
	ct_error("sources:\n  - path: /a\n  - pm2_home:\n",
	    "3:5: source 2: pm2_home: got nothing; expected a PM2_HOME "
	    "directory");
	ct_error("sources: [{path: /x}]\npattern_sets: omni\n",
	    "2:15: pattern_sets: got a string; expected a list of pattern "
	    "set names or files (e.g. [omni])");
	ct_error("sources: [{path: /x}]\npattern_sets:\n  - {name: omni}\n",
	    "3:6: pattern_sets: got a mapping; expected a pattern set name "
	    "or file");
	ct_error("sources: [{path: /x}]\nreceivers: yes\n",
	    "2:12: receivers: got a string; expected a mapping of receiver "
	    "names to receivers (ops: {url: ...})");
	ct_error("sources: [{path: /x}]\nmetrics: 9100\n",
	    "2:10: metrics: got a string; expected a mapping with listen, "
	    "textfile, textfile_interval, token_file or public");
	ct_error("sources: [{path: /x}]\nalerts: {name: x}\n",
	    "2:10: alerts: got a mapping; expected a list of alert rules "
	    "(- name: ...)");
}

static void
test_error_values(void **state)
{
	ct_error("sources: [{path: /x}]\nrecord: {idle_flush: fast}\n",
	    "2:22: record.idle_flush: 'fast' is not a duration; expected a "
	    "number with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error("sources: [{path: /x}]\nrecord:\n  idle_flush: 200\n",
	    "3:15: record.idle_flush: '200' has no unit; expected a number "
	    "with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error("sources: [{path: /x}]\ntail:\n  sweep: 5 s\n",
	    "3:10: tail.sweep: '5 s' is not a duration; expected a number "
	    "with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error("sources: [{path: /x}]\ntail:\n  sweep: -5s\n",
	    "3:10: tail.sweep: '-5s' is not a duration; expected a number "
	    "with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error("sources: [{path: /x}]\ntail:\n  sweep: infs\n",
	    "3:10: tail.sweep: 'infs' is not a duration; expected a number "
	    "with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error("sources: [{path: /x}]\ntail:\n  sweep: 5e3s\n",
	    "3:10: tail.sweep: '5e3s' is not a duration; expected a number "
	    "with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error("sources: [{path: /x}]\ntail:\n  sweep: 5.s\n",
	    "3:10: tail.sweep: '5.s' is not a duration; expected a number "
	    "with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error("sources: [{path: /x}]\ntail:\n  sweep: 1234567890s\n",
	    "3:10: tail.sweep: '1234567890s' is not a duration; expected a "
	    "number with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error("sources: [{path: /x}]\nstate:\n  commit_interval: 0s\n",
	    "3:20: state.commit_interval: '0s' is too short; expected at "
	    "least 1ms");
	ct_error("sources: [{path: /x}]\nrecord:\n  max_bytes: 1MB\n",
	    "3:14: record.max_bytes: '1MB' is not a size; expected a number "
	    "of bytes, optionally with K, KiB, M, MiB, G or GiB (e.g. 65536, "
	    "64KiB, 1MiB)");
	ct_error("sources: [{path: /x}]\nrecord:\n  max_line: 2GiB\n",
	    "3:13: record.max_line: '2GiB' is too large; expected at most "
	    "1073741824 bytes");
	ct_error("sources: [{path: /x}]\nrecord:\n  max_lines: 0\n",
	    "3:14: record.max_lines: '0' is out of range; expected a whole "
	    "number from 1 to 1000000000");
	ct_error("sources: [{path: /x}]\nstate:\n  commit_records: ten\n",
	    "3:19: state.commit_records: 'ten' is not a count; expected a "
	    "whole number from 1 to 1000000000");
	/* A number below or above the range is out of range, not "not a
	 * count"; only what is no number is that. */
	ct_error("sources: [{path: /x}]\nstate:\n  commit_records: -5\n",
	    "3:19: state.commit_records: '-5' is out of range; expected a "
	    "whole number from 1 to 1000000000");
	ct_error("sources: [{path: /x}]\nstate:\n  commit_records: "
	    "123456789012345678901234567890\n",
	    "3:19: state.commit_records: '123456789012345678901234567890' is "
	    "out of range; expected a whole number from 1 to 1000000000");
	ct_error("sources: [{path: /x}]\nstate:\n  commit_records: '-'\n",
	    "3:19: state.commit_records: '-' is not a count; expected a "
	    "whole number from 1 to 1000000000");
	/* A quoted value: the column is that of the quote. */
	ct_error("sources: [{path: /x}]\ntail: {start_at: \"middle\"}\n",
	    "2:18: tail.start_at: 'middle' is not a choice; expected head "
	    "or end");
	ct_error("sources: [{path: /x}]\npattern_sets: [omni, b, omni]\n",
	    "2:25: pattern_sets: 'omni' is listed twice; expected each set "
	    "once");
}

/* Alerting: each mistake at its place, with what was expected. */
static void
test_error_alerting(void **state)
{
#define CT_R "sources: [{path: /x}]\nreceivers:\n  ops: "
#define CT_A "sources: [{path: /x}]\nalerts:\n  - "
	ct_error(CT_R "{format: json}\n",
	    "3:3: receivers.ops: no url; expected an http:// or https:// URL");
	ct_error(CT_R "{url: 'ftp://x'}\n",
	    "3:14: receivers.ops.url: 'ftp://x' is not an http:// or https:// "
	    "URL");
	ct_error(CT_R "{url: 'http://x', format: xml}\n",
	    "3:34: receivers.ops.format: 'xml' is not a choice; expected json, "
	    "slack or alertmanager");
	ct_error(CT_R "{url: 'http://x', timeout: 5}\n",
	    "3:35: receivers.ops.timeout: '5' has no unit; expected a number "
	    "with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error(CT_R "{url: 'http://x', headers: {'X Y': z}}\n",
	    "3:36: receivers.ops.headers: 'X Y' is not a header name; "
	    "expected letters, digits and -");
	ct_error(CT_R "{url: 'http://x', retries: 3}\n",
	    "3:26: receivers.ops: unknown key 'retries'; expected url, format, "
	    "timeout, connect_timeout, headers, secret_file, retry_initial, "
	    "retry_max or spool_max");
	ct_error(CT_A "{kind: failures, threshold: 1}\n",
	    "3:6: alert 1: no name; expected a mapping with name, kind and "
	    "threshold");
	ct_error(CT_A "{name: 'a b', kind: failures}\n",
	    "3:12: alerts: name 'a b' has ' '; expected letters, digits, '.', "
	    "'_' or '-'");
	ct_error(CT_A "{name: a, kind: failures}\n",
	    "3:21: alerts.a: no threshold; expected a whole number from 1 to "
	    "1000000000");
	ct_error(CT_A "{name: a, kind: failure_rate, threshold: 50%}\n",
	    "3:46: alerts.a.threshold: '50%' is not a number; expected a "
	    "failure rate above 0, at most 1 (e.g. 0.5)");
	ct_error(CT_A "{name: a, kind: failure_rate, threshold: 1.5}\n",
	    "3:46: alerts.a.threshold: '1.5' is out of range; expected a "
	    "failure rate above 0, at most 1 (e.g. 0.5)");
	ct_error(CT_A "{name: a, kind: failures, threshold: 2.5}\n",
	    "3:42: alerts.a.threshold: '2.5' is not a count; expected a whole "
	    "number from 1 to 1000000000");
	/* -1 is a number: out of range, as 1.5 is (it was "not a number"). */
	ct_error(CT_A "{name: a, kind: failure_rate, threshold: -1}\n",
	    "3:46: alerts.a.threshold: '-1' is out of range; expected a "
	    "failure rate above 0, at most 1 (e.g. 0.5)");
	ct_error(CT_A "{name: a, kind: failures, threshold: -1}\n",
	    "3:42: alerts.a.threshold: '-1' is out of range; expected a whole "
	    "number from 1 to 1000000000");
	ct_error(CT_A "{name: a, kind: failures, threshold: 0}\n",
	    "3:42: alerts.a.threshold: '0' is out of range; expected a whole "
	    "number from 1 to 1000000000");
	ct_error(CT_A "{name: a, kind: no_success, threshold: 1}\n",
	    "3:44: alerts.a.threshold: no_success takes no threshold; it fires "
	    "when the window holds no success");
	ct_error(CT_A "{name: a, kind: rate}\n",
	    "3:21: alerts.a.kind: 'rate' is not a choice; expected "
	    "failure_rate, failures, consecutive_failures, no_success, "
	    "restarts, app_errored or probe");
	ct_error(CT_A "{name: a, kind: no_success, when: x}\n",
	    "3:33: alerts.a: unknown key 'when'; expected name, pattern_set, "
	    "kind, app, threshold, window, min_events, classes, for, "
	    "keep_firing_for, repeat_interval, receivers or probe");
	/* The rules over PM2's log (issue 12). */
	ct_error(CT_A "{name: a, kind: app_errored, threshold: 1}\n",
	    "3:45: alerts.a.threshold: app_errored takes no threshold; it "
	    "fires while PM2 has given up on the app");
	ct_error(CT_A "{name: a, kind: restarts}\n",
	    "3:21: alerts.a: no threshold; expected a whole number from 1 to "
	    "1000000000");
	ct_error(CT_A "{name: a, kind: failures, threshold: 1, app: x}\n",
	    "3:50: alerts.a.app: failures rules count records of a pattern "
	    "set, not one app's; app is for restarts and app_errored");
	ct_error(CT_A "{name: a, kind: no_success, keep_firing_for: 5}\n",
	    "3:50: alerts.a.keep_firing_for: '5' has no unit; expected a "
	    "number with a unit: ms, s, m, h, d or w (e.g. 200ms, 5s, 15m)");
	ct_error(CT_A "{name: a, kind: failures, threshold: 1, "
	    "keep_firing_for: soon}\n",
	    "3:62: alerts.a.keep_firing_for: 'soon' is not a duration; "
	    "expected a number with a unit: ms, s, m, h, d or w (e.g. 200ms, "
	    "5s, 15m)");
	ct_error(CT_A "{name: a, kind: no_success}\n  - {name: a, kind: "
	    "no_success}\n",
	    "4:12: alerts: 'a' is named twice; expected each name once");
	ct_error(CT_A "{name: a, kind: no_success, receivers: [ops]}\n",
	    "3:45: alerts.a.receivers: 'ops' is not a receiver; expected one of "
	    "the names under receivers");
	ct_error("sources: [{path: /x}]\nmetrics: {listen: 9464}\n",
	    "2:19: metrics.listen: '9464' is not HOST:PORT; expected an address "
	    "and a port (e.g. 127.0.0.1:9464, [::1]:9464)");
	ct_error("sources: [{path: /x}]\nredact: ['a(b']\n",
	    "2:10: redact: regex 1: missing closing parenthesis at offset 3");
#undef CT_R
#undef CT_A
}

static void
test_error_sources(void **state)
{
	ct_error("sources: []\n",
	    "1:1: sources: got an empty list; expected a list of at least "
	    "one source (- pm2_home: DIR or - path: GLOB)");
	ct_error("sources:\n",
	    "1:1: sources: got nothing; expected a list of at least one "
	    "source (- pm2_home: DIR or - path: GLOB)");
	ct_error("state_dir: /x\n",
	    "1:1: no 'sources'; expected a list of at least one source "
	    "(- pm2_home: DIR or - path: GLOB)");
	ct_error("sources:\n  - pm2_home: /p\n    path: /q\n",
	    "3:5: source 1: both pm2_home and path; expected exactly one "
	    "(make two sources)");
	ct_error("sources: [{path: /x}]\npattern_sets: []\n",
	    "2:1: pattern_sets: got an empty list; expected a list of "
	    "pattern set names or files (e.g. [omni])");
}

static void
test_error_yaml(void **state)
{
	char *missing = xasprintf("%s/nope.yaml", ct_dir);
	char *err = NULL, *want;

	ct_error("", "1:1: empty file; expected a mapping with at least "
	    "'sources'");
	ct_error("# nothing yet\n\n", "1:1: only comments; expected a "
	    "mapping with at least 'sources'");
	ct_error("sources: [{path: /x}]\nsources: [{path: /y}]\n",
	    "2:1: invalid YAML: duplicate key");
	ct_error("sources: [{path: /x}\n",
	    "2:1: invalid YAML: flow sequence without a closing bracket");
	assert_null(config_load(missing, &err));
	want = xasprintf("%s: cannot read: No such file or directory",
	    missing);
	assert_string_equal(err, want);
	free(want);
	free(err);
	free(missing);
}

/* Every row is complete and its default parses (config_table.c). */
static void
test_table_rows(void **state)
{
	char why[512];

	if (config_walk_check(&config_table_root, why, sizeof(why)) != 0)
		fail_msg("config_table.c: %s", why);
}

/* Adds the key names of SEC and its sections to NAMES (a "|a|b|" list). */
static void
ct_table_names(const struct config_section *sec, char *names, size_t len)
{
	for (const struct config_key *row = sec->keys; row->name != NULL;
	    row++) {
		char *word = xasprintf("|%s|", row->name);

		if (strstr(names, word) == NULL) {
			assert_true(strlen(names) + strlen(word) < len);
			strcat(names, word + 1);
		}
		free(word);
		if (row->section != NULL)
			ct_table_names(row->section, names, len);
	}
}

/*
 * The tables and omniwatch.yaml(5) list the same keys: each row's name is
 * an ".It Ic NAME" of the page's KEYS or ALERT RULES, and each such name is
 * a row.
 */
static void
test_table_man(void **state)
{
	const char *top = getenv("top_srcdir");
	char table[4096] = "|", man[4096] = "|", line[1024];
	char *path;
	bool in_keys = false;
	FILE *fp;

	if (top == NULL)
		skip();	/* run by hand, outside make check */
	path = xasprintf("%s/man/omniwatch.yaml.5", top);
	fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("%s: cannot read", path);
	ct_table_names(&config_table_root, table, sizeof(table));
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *save = NULL, *tok, *prev = NULL;

		if (strncmp(line, ".Sh ", 4) == 0)
			in_keys = strcmp(line, ".Sh KEYS\n") == 0 ||
			    strcmp(line, ".Sh ALERT RULES\n") == 0 ||
			    strcmp(line, ".Sh PROBES\n") == 0;
		if (!in_keys || strncmp(line, ".It ", 4) != 0)
			continue;
		/* ".It Ic retry_initial : Ar duration , Ic retry_max : ..." */
		for (tok = strtok_r(line + 4, " \n", &save); tok != NULL;
		    prev = tok, tok = strtok_r(NULL, " \n", &save)) {
			char *word;

			if (prev == NULL || strcmp(prev, "Ic") != 0)
				continue;
			word = xasprintf("|%s|", tok);
			if (strstr(table, word) == NULL)
				fail_msg("%s: key '%s' is in no table of "
				    "config_table.c", path, tok);
			if (strstr(man, word) == NULL) {
				assert_true(strlen(man) + strlen(tok) + 2 <
				    sizeof(man));
				strcat(man, tok);
				strcat(man, "|");
			}
			free(word);
		}
	}
	fclose(fp);
	for (char *p = table + 1, *bar; (bar = strchr(p, '|')) != NULL;
	    p = bar + 1) {
		char *word = xasprintf("|%.*s|", (int)(bar - p), p);

		if (strstr(man, word) == NULL)
			fail_msg("config_table.c: key %s is not in %s", word,
			    path);
		free(word);
	}
	free(path);
}

static void
ct_size_is(const char *arg, size_t expected)
{
	size_t v = 0;

	if (config_parse_size(arg, &v) != 0)
		fail_msg("'%s' refused", arg);
	assert_int_equal(v, expected);
}

static void
ct_size_bad(const char *arg)
{
	size_t v = 12345;

	if (config_parse_size(arg, &v) == 0)
		fail_msg("'%s' accepted as %zu", arg, v);
	assert_int_equal(v, 12345);
}

static void
test_parse_size(void **state)
{
	ct_size_is("65536", 65536);
	ct_size_is("1", 1);
	ct_size_is("64KiB", 64 * 1024);
	ct_size_is("64K", 64 * 1024);
	ct_size_is("1MiB", 1024 * 1024);
	ct_size_is("3M", 3 * 1024 * 1024);
	ct_size_is("1GiB", 1024 * 1024 * 1024);
	ct_size_is("2G", (size_t)2 << 30);
	ct_size_bad("");
	ct_size_bad("0");
	ct_size_bad("0KiB");
	ct_size_bad("-1");
	ct_size_bad(" 5");
	ct_size_bad("+5");
	ct_size_bad("5 KiB");
	ct_size_bad("1MB");
	ct_size_bad("1.5MiB");
	ct_size_bad("KiB");
	ct_size_bad("99999999999999999999");
	ct_size_bad("18014398509481984GiB");	/* 2^54 GiB overflows */
}

/*
 * A message about a key named like a secret keeps its own words (a
 * tester saw "headers.Authorization: [REDACTED] a line break"), and a
 * value it quotes still goes.
 */
static void
test_error_secret_key(void **state)
{
	char *err = NULL;

#define CT_R "sources: [{path: /x}]\nreceivers:\n  ops: "
	ct_error(CT_R "{url: 'http://x', headers: {Authorization: "
	    "\"Bearer s3cr3tZ\\nX: y\"}}\n",
	    "3:51: receivers.ops.headers.Authorization: holds a line break "
	    "(CR or LF); expected a one-line header value");
	ct_error(CT_R "{url: 'http://x', headers: {X-Token: [s3cr3tZ, b]}}\n",
	    "3:46: receivers.ops.headers.X-Token: got a list; expected a header "
	    "value");
	assert_int_equal(yaml_error(&err, xstrdup("f:1:2"), "%s: '%s' is not "
	    "a duration", "a.token", "s3cr3tZ"), -1);
	assert_string_equal(err, "f:1:2: a.token: '[REDACTED]' is not a "
	    "duration");
	free(err);
	err = NULL;
	/* After the path, the rest is still looked at. */
	(void)yaml_error(&err, xstrdup("f:1:2"), "%s: cannot use %s",
	    "a.token", "x?auth=s3cr3tZ");
	assert_string_equal(err, "f:1:2: a.token: cannot use x?auth=[REDACTED]");
	free(err);
#undef CT_R
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_default_state_dir),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_error_alerting),
		cmocka_unit_test(test_error_secret_key),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_error_keys),
		cmocka_unit_test(test_error_types),
		cmocka_unit_test(test_error_values),
		cmocka_unit_test(test_error_sources),
		cmocka_unit_test(test_error_yaml),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_table_man),
	};

	return cmocka_run_group_tests(tests, ct_setup, ct_teardown);
}

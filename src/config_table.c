/*
 * config_table: every key of omniwatch.yaml(5), one row each.
 *
 * To add a key: add its field to the struct in config.h, then one row to
 * its section below (name, type, CONFIG_AT(struct, field), bounds, default
 * as the file would say it, and the man page's sentence), and describe it
 * in man/omniwatch.yaml.5 (test_config checks that the page and the
 * tables list the same keys).  Reading, messages, defaults and freeing
 * follow from the row (config_walk.c).  A new section is a struct
 * config_section with its rows and one row pointing at it.  Only a rule
 * that ties keys together (an alert's threshold depends on its kind) needs
 * code: a check, a parse or a section's finish hook, kept in this file.
 *
 * Rows are in the order the man page and "expected a, b or c" list them.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "config.h"
#include "config_table.h"
#include "xmalloc.h"

#define CONFIG_MAX_SIZE		((int64_t)1 << 30)	/* record sizes: 1GiB */

_Static_assert(sizeof(enum config_format) == sizeof(int) &&
    sizeof(enum config_alert_kind) == sizeof(int),
    "CONFIG_CHOICE stores an enum as an int");

/* ---------------------------------------------------------------------
 * Checks and hooks the rows name.
 */

/* Does S start with LOWER, ASCII letters in any case (not the locale's:
 * in tr_TR, 'I' is not upper-case 'i')? */
static bool
config_has_prefix_icase(const char *s, const char *lower)
{
	for (; *lower != '\0'; s++, lower++)
		if (*s != *lower && !(*s >= 'A' && *s <= 'Z' &&
		    *s - 'A' + 'a' == *lower))
			return false;
	return true;
}

/* Schemes are case-insensitive (RFC 3986 section 3.1): HTTP:// is
 * http://, as curl, and so `probe`, take it. */
bool
config_is_http_url(const char *s)
{
	return config_has_prefix_icase(s, "http://") ||
	    config_has_prefix_icase(s, "https://");
}

static int
config_check_url(const char *s, size_t index, char *why, size_t len)
{
	(void)index;
	if (config_is_http_url(s))
		return 0;
	snprintf(why, len, "'%s' is not an http:// or https:// URL", s);
	return -1;
}

/* HOST:PORT with an IPv4 address, [IPv6] or localhost; port 0-65535. */
static int
config_check_listen(const char *s, size_t index, char *why, size_t len)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	(void)index;
	if (colon == NULL || colon == s || colon[1] == '\0')
		goto bad;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535 ||
	    !isdigit((unsigned char)colon[1]))
		goto bad;
	if (s[0] == '[' ? colon[-1] == ']' && colon - s > 2 :
	    strchr(s, ':') == colon)
		return 0;
bad:
	snprintf(why, len, "'%s' is not HOST:PORT; expected an address and a "
	    "port (e.g. 127.0.0.1:9464, [::1]:9464)", s);
	return -1;
}

/* A receiver's timeouts and backoff, once all are read. */
static int
config_finish_receiver(struct config_walk *w)
{
	struct config_receiver *r = w->base;

	if (!config_walk_seen(w, "connect_timeout") &&
	    r->connect_timeout_ms > r->timeout_ms)
		r->connect_timeout_ms = r->timeout_ms;
	if (r->retry_max_ms < r->retry_initial_ms)
		r->retry_max_ms = r->retry_initial_ms;
	return 0;
}

/* A threshold: a rate in (0, 1] or a whole count >= 1. */
static int
config_threshold(struct config_loader *ld, struct fy_node *value,
    const char *what, bool is_rate, double *out)
{
	const char *expected = is_rate ? CONFIG_EXPECT_RATE :
	    CONFIG_EXPECT_COUNT;
	const char *s = config_scalar(ld, NULL, value, what, expected);
	const char *p;
	char *end;

	if (s == NULL)
		return -1;
	/* strtod() also takes "inf", "0x1p3" and " 1"; only plain decimals
	 * get that far.  A sign is let through, so that -1 is said to be
	 * out of range, as it is, not "not a number". */
	p = s + (*s == '-' || *s == '+');
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	*out = strtod(s, &end);
	if (*p != '\0' || end != p || p == s)
		return config_error(ld, value, NULL, "%s: '%s' is not a number; "
		    "expected %s", what, s, expected);
	if (is_rate && (*out <= 0 || *out > 1))
		return config_error(ld, value, NULL, "%s: '%s' is out of range; "
		    "expected %s", what, s, expected);
	/* The bound first: casting a larger double is undefined. */
	if (!is_rate && *out <= CONFIG_MAX_COUNT && *out >= -CONFIG_MAX_COUNT &&
	    *out != (double)(int64_t)*out)
		return config_error(ld, value, NULL, "%s: '%s' is not a count; "
		    "expected %s", what, s, expected);
	if (!is_rate && (*out < 1 || *out > CONFIG_MAX_COUNT))
		return config_error(ld, value, NULL, "%s: '%s' is out of range; "
		    "expected %s", what, s, expected);
	return 0;
}

const char *const config_alert_kinds[] = {
	/* enum config_alert_kind */
	"failure_rate", "failures", "consecutive_failures", "no_success",
	"restarts", "app_errored", "probe", NULL
};

/* Kinds without a threshold: they fire on a state, not on a count. */
static bool
config_kind_is_state(enum config_alert_kind k)
{
	return k == CONFIG_ALERT_NO_SUCCESS || k == CONFIG_ALERT_APP_ERRORED;
}

bool
config_alert_has_threshold(enum config_alert_kind k)
{
	return !config_kind_is_state(k) && k != CONFIG_ALERT_PROBE;
}

/* The threshold, which depends on the kind; app, for PM2's kinds only. */
static int
config_finish_alert(struct config_walk *w)
{
	struct config_alert *a = w->base;
	struct fy_node *threshold = config_walk_given(w, "threshold");
	struct fy_node *kind = config_walk_given(w, "kind");
	struct fy_node *app = config_walk_given(w, "app");
	char what[160];

	if (app != NULL && a->kind != CONFIG_ALERT_RESTARTS &&
	    a->kind != CONFIG_ALERT_APP_ERRORED)
		return config_error(w->ld, app, NULL, "alerts.%s.app: %s "
		    "rules count records of a pattern set, not one app's; app "
		    "is for restarts and app_errored", a->name,
		    config_alert_kinds[a->kind]);
	snprintf(what, sizeof(what), "alerts.%s.threshold", a->name);
	if (config_kind_is_state(a->kind) && threshold != NULL)
		return config_error(w->ld, threshold, NULL, "%s: %s takes no "
		    "threshold; %s", what, config_alert_kinds[a->kind],
		    a->kind == CONFIG_ALERT_NO_SUCCESS ? "it fires when the "
		    "window holds no success" : "it fires while PM2 has given "
		    "up on the app");
	if (a->kind == CONFIG_ALERT_PROBE && threshold != NULL)
		return config_error(w->ld, threshold, NULL, "%s: probe takes "
		    "no threshold; it fires when the probe's verdict is not "
		    "ok", what);
	if (a->probe != NULL && a->kind != CONFIG_ALERT_PROBE)
		return config_error(w->ld, config_walk_given(w, "probe"), NULL,
		    "alerts.%s.probe: only rules of kind probe name a probe",
		    a->name);
	if (a->kind == CONFIG_ALERT_PROBE)
		return 0;
	if (!config_kind_is_state(a->kind) && threshold == NULL)
		return config_error(w->ld, kind, NULL, "alerts.%s: no "
		    "threshold; expected %s", a->name, a->kind ==
		    CONFIG_ALERT_FAILURE_RATE ? CONFIG_EXPECT_RATE :
		    CONFIG_EXPECT_COUNT);
	if (threshold != NULL && config_threshold(w->ld, threshold, what,
	    a->kind == CONFIG_ALERT_FAILURE_RATE, &a->threshold) != 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------------
 * The tables.
 */

static const struct config_key config_source_keys[] = {
	{ .name = "pm2_home", .type = CONFIG_PATH,
	  CONFIG_AT(struct config_source, pm2_home),
	  .expect = "a PM2_HOME directory",
	  .text = "A PM2 home directory: every application's logs under "
	  "DIR/logs are followed, rotated files included." },
	{ .name = "path", .type = CONFIG_GLOB,
	  CONFIG_AT(struct config_source, path),
	  .expect = "a file path or glob",
	  .text = "A glob(7) pattern of log files that PM2 does not manage." },
	{ .name = NULL }
};

static const struct config_section config_source = {
	.keys = config_source_keys,
	.flags = CONFIG_ONE_KEY,
	.hint = "make two sources",
	.size = sizeof(struct config_source),
	.label = "source",
};

static const struct config_key config_record_keys[] = {
	{ .name = "idle_flush", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config, idle_flush_ms), .min = 1, .dflt = "200ms",
	  .text = "A record that has not grown for this long is complete." },
	{ .name = "max_lines", .type = CONFIG_COUNT,
	  CONFIG_AT(struct config, max_lines), .dflt = "1000",
	  .text = "A record is cut, and flagged as cut, at this many lines." },
	{ .name = "max_bytes", .type = CONFIG_SIZE,
	  CONFIG_AT(struct config, max_bytes), .max = CONFIG_MAX_SIZE,
	  .dflt = "1MiB",
	  .text = "A record is cut, and flagged as cut, at this many bytes." },
	{ .name = "max_line", .type = CONFIG_SIZE,
	  CONFIG_AT(struct config, max_line), .max = CONFIG_MAX_SIZE,
	  .dflt = "1MiB",
	  .text = "Longer lines are cut at this size; the rest is skipped." },
	{ .name = NULL }
};

static const struct config_section config_record = {
	.keys = config_record_keys,
};

static const char *const config_start_at[] = { "head", "end", NULL };

static const struct config_key config_tail_keys[] = {
	{ .name = "sweep", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config, sweep_ms), .min = 1, .dflt = "10s",
	  .text = "How often the sources are listed again and every followed "
	  "file checked, for what notifications missed." },
	{ .name = "rotate_wait", .type = CONFIG_DURATION,
	  /* 0: a rotated file is dropped once drained. */
	  CONFIG_AT(struct config, rotate_wait_ms), .min = 0, .dflt = "5s",
	  .text = "How long a renamed or removed file is still read after "
	  "its last growth." },
	{ .name = "start_at", .type = CONFIG_CHOICE,
	  CONFIG_AT(struct config, start_at_end), .choices = config_start_at,
	  .dflt = "head",
	  .text = "Where a file the state does not know yet is read from." },
	{ .name = NULL }
};

static const struct config_section config_tail = {
	.keys = config_tail_keys,
};

static const struct config_key config_state_keys[] = {
	{ .name = "commit_interval", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config, commit_ms), .min = 1, .dflt = "1s",
	  .text = "Counts and offsets are committed at least this often." },
	{ .name = "commit_records", .type = CONFIG_COUNT,
	  CONFIG_AT(struct config, commit_records), .dflt = "10000",
	  .text = "And after this many records, whichever comes first." },
	{ .name = NULL }
};

static const struct config_section config_state = {
	.keys = config_state_keys,
};

static const char *const config_formats[] = {
	"json", "slack", "alertmanager", NULL	/* enum config_format */
};

static const struct config_key config_receiver_keys[] = {
	{ .name = "url", .type = CONFIG_STRING, .flags = CONFIG_REQUIRED,
	  CONFIG_AT(struct config_receiver, url), .check = config_check_url,
	  .expect = "an http:// or https:// URL",
	  .text = "Where notifications are POSTed." },
	{ .name = "format", .type = CONFIG_CHOICE,
	  CONFIG_AT(struct config_receiver, format),
	  .choices = config_formats, .dflt = "json",
	  .text = "The body: our JSON, Slack's or Alertmanager's." },
	{ .name = "timeout", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_receiver, timeout_ms), .min = 1,
	  .dflt = "10s", .text = "The whole POST, connecting included." },
	{ .name = "connect_timeout", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_receiver, connect_timeout_ms), .min = 1,
	  .dflt = "5s", .text = "Connecting; at most timeout by default." },
	{ .name = "headers", .type = CONFIG_HEADERS,
	  CONFIG_AT(struct config_receiver, headers),
	  .count = offsetof(struct config_receiver, nheaders),
	  .text = "A mapping of more HTTP headers to send." },
	{ .name = "secret_file", .type = CONFIG_PATH,
	  CONFIG_AT(struct config_receiver, secret_file), .expect = "a file",
	  .text = "A file whose content signs every body (HMAC-SHA256)." },
	{ .name = "retry_initial", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_receiver, retry_initial_ms), .min = 1,
	  .dflt = "1s", .text = "The first wait between attempts." },
	{ .name = "retry_max", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_receiver, retry_max_ms), .min = 1,
	  .dflt = "5m", .text = "The wait doubles up to this." },
	{ .name = "spool_max", .type = CONFIG_COUNT,
	  CONFIG_AT(struct config_receiver, spool_max), .dflt = "1000",
	  .text = "Notifications kept while the receiver cannot take them." },
	{ .name = NULL }
};

static const struct config_section config_receiver = {
	.keys = config_receiver_keys,
	.expect = "a mapping with at least url",
	.size = sizeof(struct config_receiver),
	.name = offsetof(struct config_receiver, name),
	.finish = config_finish_receiver,
};


static const struct config_key config_alert_keys[] = {
	{ .name = "name", .type = CONFIG_NAME,
	  CONFIG_AT(struct config_alert, name),
	  .text = "The rule's name, unique; it keys the rule's saved state." },
	{ .name = "pattern_set", .type = CONFIG_STRING, .flags = CONFIG_WHERE,
	  CONFIG_AT(struct config_alert, pattern_set),
	  .where = offsetof(struct config_alert, where),
	  .expect = "a pattern set name",
	  .text = "The name of a loaded pattern set; default: the first." },
	{ .name = "kind", .type = CONFIG_CHOICE, .flags = CONFIG_REQUIRED,
	  CONFIG_AT(struct config_alert, kind),
	  .choices = config_alert_kinds,
	  .text = "What the rule fires on." },
	{ .name = "app", .type = CONFIG_STRING,
	  CONFIG_AT(struct config_alert, app),
	  .expect = "a PM2 app name",
	  .text = "restarts, app_errored: the one PM2 app watched; default: "
	    "every app." },
	{ .name = "threshold", .type = CONFIG_LATER,
	  CONFIG_AT(struct config_alert, threshold),
	  .text = "A failure rate in (0, 1], or a count; see kind." },
	{ .name = "window", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_alert, window_ms), .min = 1, .dflt = "5m",
	  .text = "The window the rule's counts are taken over." },
	{ .name = "min_events", .type = CONFIG_COUNT,
	  CONFIG_AT(struct config_alert, min_events),
	  .text = "Events the window must hold before the rule can fire." },
	{ .name = "classes", .type = CONFIG_NAMES, .flags = CONFIG_WHERE,
	  CONFIG_AT(struct config_alert, classes),
	  .count = offsetof(struct config_alert, nclasses),
	  .where = offsetof(struct config_alert, classes_where),
	  .expect = "a list of failure class names",
	  .item = "failure class names",
	  .text = "The failure classes that count; default: all." },
	{ .name = "for", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_alert, for_ms), .min = 0,
	  .text = "How long the condition must hold before the alert fires." },
	{ .name = "keep_firing_for", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_alert, keep_firing_ms), .min = 0,
	  .text = "How long the alert keeps firing once the condition ends." },
	{ .name = "repeat_interval", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_alert, repeat_ms), .min = 1, .dflt = "4h",
	  .text = "How often a firing alert is sent again." },
	{ .name = "receivers", .type = CONFIG_NAMES, .flags = CONFIG_WHERE,
	  CONFIG_AT(struct config_alert, receivers),
	  .count = offsetof(struct config_alert, nreceivers),
	  .where = offsetof(struct config_alert, receivers_where),
	  .expect = "a list of receiver names", .item = "receiver names",
	  .text = "The receivers notified; default: every receiver." },
	{ .name = "probe", .type = CONFIG_STRING, .flags = CONFIG_WHERE,
	  CONFIG_AT(struct config_alert, probe),
	  .where = offsetof(struct config_alert, probe_where),
	  .expect = "a probe's name",
	  .text = "Kind probe: the probe; default: the set's every probe." },
	{ .name = NULL }
};

const struct config_section config_table_alert = {
	.keys = config_alert_keys,
	.expect = "a mapping with name, kind and threshold",
	.size = sizeof(struct config_alert),
	.label = "alert",
	.name_key = "name",
	.finish = config_finish_alert,
};

static const char *const config_metrics_public[] = { "false", "true",
	NULL };

static const struct config_key config_metrics_keys[] = {
	{ .name = "listen", .type = CONFIG_STRING,
	  CONFIG_AT(struct config, metrics_listen),
	  .check = config_check_listen,
	  .expect = "HOST:PORT (e.g. 127.0.0.1:9464)",
	  .text = "Serve the metrics at http://HOST:PORT/metrics." },
	{ .name = "textfile", .type = CONFIG_PATH,
	  CONFIG_AT(struct config, metrics_textfile),
	  .expect = "a file ending in .prom",
	  .text = "Also write them to this file, for node_exporter." },
	{ .name = "textfile_interval", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config, metrics_textfile_ms), .min = 1,
	  .dflt = "15s", .text = "How often the textfile is written." },
	{ .name = "token_file", .type = CONFIG_PATH,
	  CONFIG_AT(struct config, metrics_token_file), .expect = "a file",
	  .text = "Every request must carry Authorization: Bearer and the "
	  "token in this file." },
	{ .name = "public", .type = CONFIG_CHOICE,
	  CONFIG_AT(struct config, metrics_public),
	  .choices = config_metrics_public, .dflt = "false",
	  .text = "Serve off loopback without a token_file." },
	{ .name = NULL }
};

static const struct config_section config_metrics = {
	.keys = config_metrics_keys,
};

static const struct config_key config_root_keys[] = {
	{ .name = "sources", .type = CONFIG_LIST,
	  .flags = CONFIG_REQUIRED | CONFIG_NONEMPTY,
	  CONFIG_AT(struct config, sources),
	  .count = offsetof(struct config, nsources),
	  .section = &config_source,
	  .expect = "a list of at least one source (- pm2_home: DIR or "
	  "- path: GLOB)",
	  .text = "The logs to follow." },
	{ .name = "pattern_sets", .type = CONFIG_NAMES,
	  .flags = CONFIG_NONEMPTY | CONFIG_FILE_LIKE,
	  CONFIG_AT(struct config, pattern_sets),
	  .count = offsetof(struct config, npattern_sets), .dflt = "omni",
	  .expect = "a list of pattern set names or files (e.g. [omni])",
	  .item = "a pattern set name or file", .noun = "set",
	  .text = "The pattern sets records are counted with." },
	{ .name = "state_dir", .type = CONFIG_PATH,
	  CONFIG_AT(struct config, state_dir), .expect = "a directory",
	  .text = "The directory of the state database." },
	{ .name = "record", .type = CONFIG_SECTION, .section = &config_record,
	  .text = "How lines are assembled into records." },
	{ .name = "tail", .type = CONFIG_SECTION, .section = &config_tail,
	  .text = "How files are followed." },
	{ .name = "state", .type = CONFIG_SECTION, .section = &config_state,
	  .text = "How often counts are committed." },
	{ .name = "redact", .type = CONFIG_NAMES,
	  CONFIG_AT(struct config, redact),
	  .count = offsetof(struct config, nredact),
	  .expect = "a list of PCRE2 regexes", .item = "PCRE2 regexes",
	  .text = "PCRE2 regexes for secrets cut from every excerpt sent." },
	{ .name = "receivers", .type = CONFIG_NAMED, .flags = CONFIG_NULL_OK,
	  CONFIG_AT(struct config, receivers),
	  .count = offsetof(struct config, nreceivers),
	  .section = &config_receiver,
	  .expect = "a mapping of receiver names to receivers (ops: "
	  "{url: ...})", .item = "a receiver name",
	  .text = "Where notifications are sent, by name." },
	{ .name = "alerts", .type = CONFIG_LIST, .flags = CONFIG_NULL_OK,
	  CONFIG_AT(struct config, alerts),
	  .count = offsetof(struct config, nalerts),
	  .section = &config_table_alert,
	  .expect = "a list of alert rules (- name: ...)",
	  .text = "The alert rules." },
	{ .name = "metrics", .type = CONFIG_SECTION, .flags = CONFIG_NULL_OK,
	  .section = &config_metrics,
	  .text = "Where the Prometheus metrics are exposed." },
	{ .name = "probes", .type = CONFIG_LIST, .flags = CONFIG_NULL_OK,
	  CONFIG_AT(struct config, probes),
	  .count = offsetof(struct config, nprobes),
	  .section = &config_probe_section,
	  .expect = "a list of probes (- name: ...)",
	  .text = "Probes of partner endpoints that watch runs." },
	{ .name = NULL }
};

const struct config_section config_table_root = {
	.keys = config_root_keys,
	.expect = "a mapping with at least 'sources'",
};

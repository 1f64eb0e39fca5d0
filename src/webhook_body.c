/*
 * webhook_body: the bytes of a notification, in the receiver's format:
 * our JSON schema (omniwatch.yaml(5), NOTIFICATIONS), Slack's {"text"} or
 * Alertmanager's POST /api/v2/alerts list.  Made once, when an alert
 * changes, and spooled as they are (webhook.c).  Every string that comes
 * from logs or from a partner's answer goes through utf8_json_string,
 * so the body is valid JSON whatever bytes it held.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plural.h"
#include "utf8_json.h"
#include "stamp.h"
#include "webhook.h"
#include "xmalloc.h"

static json_t *
webhook_time(int64_t ms)
{
	char buf[STAMP_BUFLEN];

	if (ms == STAMP_NONE || ms == 0)
		return json_null();
	stamp_format(ms, buf);
	return json_string(buf);
}

/* The probe's word beside the diagnosis (probe_set_annotate), or NULL:
 * "probe 'omni-api': route_missing: the base answered 200; ...". */
static char *
webhook_probe_line(const struct alert_notice *n)
{
	if (n->probe == NULL)
		return NULL;
	return xasprintf("probe '%s': %s: %s", n->probe, n->probe_verdict,
	    n->probe_evidence);
}

static json_t *
webhook_probe_json(const struct alert_notice *n)
{
	json_t *o;

	if (n->probe == NULL)
		return json_null();
	o = json_object();
	json_object_set_new(o, "name", json_string(n->probe));
	json_object_set_new(o, "verdict", json_string(n->probe_verdict));
	json_object_set_new(o, "status", n->probe_status != 0 ?
	    json_integer(n->probe_status) : json_null());
	json_object_set_new(o, "evidence", utf8_json_string(
	    n->probe_evidence, strlen(n->probe_evidence)));
	json_object_set_new(o, "at", webhook_time(n->probe_at_ms));
	return o;
}

/* "5m", "90s", "2h": the window for people. */
static void
webhook_duration(int64_t ms, char *buf, size_t size)
{
	if (ms % 3600000 == 0)
		snprintf(buf, size, "%lldh", (long long)(ms / 3600000));
	else if (ms % 60000 == 0)
		snprintf(buf, size, "%lldm", (long long)(ms / 60000));
	else if (ms % 1000 == 0)
		snprintf(buf, size, "%llds", (long long)(ms / 1000));
	else
		snprintf(buf, size, "%lldms", (long long)ms);
}

static const char *
webhook_diagnosis(const struct alert_notice *n)
{
	if (n->dominant < 0)
		return NULL;
	return n->set->failure[n->dominant].diagnosis;
}

static json_t *
webhook_json(const struct alert_notice *n)
{
	const struct config_alert *r = n->rule;
	json_t *o = json_object(), *apps = json_array(), *counts = json_object();
	const char *diag = webhook_diagnosis(n);

	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "id", json_string(n->id));
	json_object_set_new(o, "alert", json_string(r->name));
	json_object_set_new(o, "status", json_string(n->is_resolved ?
	    "resolved" : "firing"));
	json_object_set_new(o, "kind", json_string(config_alert_kinds[r->kind]));
	json_object_set_new(o, "threshold",
	    config_alert_has_threshold(r->kind) ? json_real(r->threshold) :
	    json_null());
	json_object_set_new(o, "pattern_set", utf8_json_string(n->pattern_set,
	    strlen(n->pattern_set)));
	json_object_set_new(o, "host", utf8_json_string(n->host,
	    strlen(n->host)));
	for (size_t i = 0; i < n->napps; i++)
		json_array_append_new(apps, utf8_json_string(n->apps[i],
		    strlen(n->apps[i])));
	json_object_set_new(o, "apps", apps);
	json_object_set_new(o, "window_seconds",
	    json_real((double)r->window_ms / 1000.0));
	for (size_t i = 0; i < n->set->nfailure; i++)
		json_object_set_new(counts, n->set->failure[i].name,
		    json_integer((json_int_t)n->class_counts[i]));
	json_object_set_new(o, "counts", counts);
	json_object_set_new(o, "failures", json_integer((json_int_t)
	    n->failures));
	json_object_set_new(o, "successes", json_integer((json_int_t)
	    n->successes));
	json_object_set_new(o, "damaged", json_integer((json_int_t)
	    n->damaged));
	json_object_set_new(o, "failure_rate", n->failure_rate < 0 ?
	    json_null() : json_real(n->failure_rate));
	json_object_set_new(o, "consecutive_failures",
	    json_integer((json_int_t)n->streak));
	json_object_set_new(o, "first_failure",
	    webhook_time(n->first_failure_ms));
	json_object_set_new(o, "last_failure",
	    webhook_time(n->last_failure_ms));
	json_object_set_new(o, "last_success",
	    webhook_time(n->last_success_ms));
	json_object_set_new(o, "dominant_class", n->dominant < 0 ? json_null() :
	    json_string(n->set->failure[n->dominant].name));
	json_object_set_new(o, "diagnosis", diag == NULL ? json_null() :
	    utf8_json_string(diag, strlen(diag)));
	json_object_set_new(o, "sample", n->sample_len == 0 ? json_null() :
	    utf8_json_string(n->sample, n->sample_len));
	json_object_set_new(o, "pm2", n->pm2_note == NULL ? json_null() :
	    utf8_json_string(n->pm2_note, strlen(n->pm2_note)));
	json_object_set_new(o, "probe", webhook_probe_json(n));
	json_object_set_new(o, "starts_at", webhook_time(n->starts_at_ms));
	json_object_set_new(o, "ends_at", webhook_time(n->ends_at_ms));
	json_object_set_new(o, "at", webhook_time(n->at_ms));
	return o;
}

/* One line for people: Slack's text, Alertmanager's summary. */
static char *
webhook_summary(const struct alert_notice *n)
{
	const struct config_alert *r = n->rule;
	char win[32], rate[32] = "";

	if (r->kind == CONFIG_ALERT_PROBE)
		return xasprintf("[%s] %s on %s: pattern set %s, probe '%s' "
		    "%s", n->is_resolved ? "RESOLVED" : "FIRING", r->name,
		    n->host, n->pattern_set, n->probe != NULL ? n->probe : "?",
		    n->probe_verdict != NULL ? n->probe_verdict : "unknown");
	webhook_duration(r->window_ms, win, sizeof(win));
	if (n->failure_rate >= 0)
		snprintf(rate, sizeof(rate), ", failure rate %.0f%%",
		    n->failure_rate * 100);
	/* The rules over PM2's log count no records: the note says it. */
	if (r->kind == CONFIG_ALERT_RESTARTS || r->kind ==
	    CONFIG_ALERT_APP_ERRORED)
		return xasprintf("[%s] %s on %s: %s", n->is_resolved ?
		    "RESOLVED" : "FIRING", r->name, n->host,
		    n->pm2_note != NULL ? n->pm2_note : "PM2");
	return xasprintf("[%s] %s on %s: pattern set %s, %llu %s and %llu %s "
	    "in %s%s%s%s", n->is_resolved ? "RESOLVED" : "FIRING", r->name,
	    n->host, n->pattern_set, (unsigned long long)n->failures,
	    plural(n->failures, "failure", "failures"),
	    (unsigned long long)n->successes,
	    plural(n->successes, "success", "successes"), win, rate,
	    n->pm2_note != NULL ? "; PM2: " : "",
	    n->pm2_note != NULL ? n->pm2_note : "");
}

static json_t *
webhook_slack(const struct alert_notice *n)
{
	char *text = webhook_summary(n), *t;
	char *probe = webhook_probe_line(n);
	const char *diag = webhook_diagnosis(n);
	json_t *o = json_object();
	size_t len;

	for (size_t i = 0; i < n->napps; i++) {
		t = xasprintf("%s%s%s", text, i == 0 ? "; apps: " : ", ",
		    n->apps[i]);
		free(text);
		text = t;
	}
	if (diag != NULL) {
		t = xasprintf("%s\n%s", text, diag);
		free(text);
		text = t;
	}
	if (probe != NULL) {
		t = xasprintf("%s\n%s", text, probe);
		free(text);
		free(probe);
		text = t;
	}
	len = strlen(text);
	if (n->sample_len > 0) {
		/* The sample may hold NUL bytes: copied by length. */
		t = xmalloc(len + n->sample_len + 16);
		memcpy(t, text, len);
		memcpy(t + len, "\n```\n", 5);
		memcpy(t + len + 5, n->sample, n->sample_len);
		memcpy(t + len + 5 + n->sample_len, "\n```", 4);
		len += n->sample_len + 9;
		free(text);
		text = t;
	}
	json_object_set_new(o, "text", utf8_json_string(text, len));
	free(text);
	return o;
}

static json_t *
webhook_alertmanager(const struct alert_notice *n)
{
	const struct config_alert *r = n->rule;
	json_t *a = json_object(), *labels = json_object();
	json_t *ann = json_object(), *list = json_array();
	const char *diag = webhook_diagnosis(n);
	char *summary = webhook_summary(n);
	int64_t ends;

	json_object_set_new(labels, "alertname", json_string(r->name));
	json_object_set_new(labels, "instance", utf8_json_string(n->host,
	    strlen(n->host)));
	json_object_set_new(labels, "pattern_set",
	    utf8_json_string(n->pattern_set, strlen(n->pattern_set)));
	json_object_set_new(labels, "job", json_string("omniwatch"));
	json_object_set_new(a, "labels", labels);
	json_object_set_new(ann, "summary", utf8_json_string(summary,
	    strlen(summary)));
	free(summary);
	json_object_set_new(ann, "omniwatch_id", json_string(n->id));
	if (diag != NULL)
		json_object_set_new(ann, "diagnosis", utf8_json_string(diag,
		    strlen(diag)));
	if (n->probe != NULL) {
		char *probe = webhook_probe_line(n);

		json_object_set_new(ann, "probe", utf8_json_string(probe,
		    strlen(probe)));
		free(probe);
	}
	if (n->sample_len > 0)
		json_object_set_new(ann, "sample", utf8_json_string(n->sample,
		    n->sample_len));
	json_object_set_new(a, "annotations", ann);
	json_object_set_new(a, "startsAt", webhook_time(n->starts_at_ms));
	/* A firing alert stays active in Alertmanager for two repeat
	 * intervals unless we resolve it or repeat it first. */
	ends = n->is_resolved ? n->ends_at_ms : n->at_ms + 2 * r->repeat_ms;
	json_object_set_new(a, "endsAt", webhook_time(ends));
	json_array_append_new(list, a);
	return list;
}

char *
webhook_body(const struct alert_notice *n, enum config_format format,
    size_t *len)
{
	json_t *doc;
	char *s;

	switch (format) {
	case CONFIG_FORMAT_SLACK:
		doc = webhook_slack(n);
		break;
	case CONFIG_FORMAT_ALERTMANAGER:
		doc = webhook_alertmanager(n);
		break;
	default:
		doc = webhook_json(n);
		break;
	}
	s = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(doc);
	if (s == NULL)
		abort();	/* only out of memory */
	*len = strlen(s);
	return s;
}


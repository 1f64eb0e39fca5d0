/*
 * report_pm2: see report_pm2.h.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plural.h"
#include "report.h"
#include "report_pm2.h"
#include "stamp.h"
#include "utf8.h"
#include "utf8_json.h"

static const char *
report_pm2_mode(enum pm2_mode mode)
{
	return mode == PM2_MODE_FORK ? "fork" :
	    mode == PM2_MODE_CLUSTER ? "cluster" : "";
}

static json_t *
report_pm2_json_counts(const uint64_t *counts, enum pm2_state state,
    int64_t since_ms)
{
	json_t *o = json_object();
	char t[STAMP_BUFLEN];

	for (int e = 0; e < PM2_EVENT_N; e++)
		json_object_set_new(o, pm2_event_names[e],
		    json_integer((json_int_t)counts[e]));
	json_object_set_new(o, "state", state == PM2_STATE_UNKNOWN ?
	    json_null() : json_string(pm2_state_name(state)));
	if (since_ms != STAMP_NONE) {
		stamp_format(since_ms, t);
		json_object_set_new(o, "state_since", json_string(t));
	} else
		json_object_set_new(o, "state_since", json_null());
	return o;
}

void
report_pm2_json_add(json_t *root, const struct pm2_apps *a)
{
	json_t *pm2, *apps, *logs;

	if (a == NULL)
		return;
	pm2 = json_object();
	apps = json_object();
	for (size_t i = 0; i < a->napps; i++) {
		const struct pm2_apps_app *app = &a->apps[i];
		enum pm2_state st;
		int64_t since;
		json_t *o, *inst;
		char *key;
		size_t n;

		st = pm2_apps_app_state(app, &since);
		o = report_pm2_json_counts(app->counts, st, since);
		json_object_set_new(o, "mode", app->mode == PM2_MODE_UNKNOWN ?
		    json_null() : json_string(report_pm2_mode(app->mode)));
		if (pm2_apps_shows_instances(app)) {
			inst = json_object();
			for (size_t k = 0; k < app->ninstances; k++) {
				const struct pm2_apps_instance *in =
				    &app->instances[k];
				char id[16];

				snprintf(id, sizeof(id), "%d", in->id);
				json_object_set_new(inst, id,
				    report_pm2_json_counts(in->counts,
				    in->state, in->since_ms));
			}
			json_object_set_new(o, "instances", inst);
		}
		/* jansson refuses keys that are not valid UTF-8. */
		key = utf8_clean(app->name, strlen(app->name), &n);
		json_object_set_new(apps, key, o);
		free(key);
	}
	json_object_set_new(pm2, "apps", apps);
	if (a->nlogs > 0) {
		logs = json_array();
		for (size_t i = 0; i < a->nlogs; i++)
			json_array_append_new(logs, utf8_json_string(
			    a->logs[i], strlen(a->logs[i])));
		json_object_set_new(pm2, "logs", logs);
	}
	json_object_set_new(root, "pm2", pm2);
}

/* Log text to a terminal: control characters become '?'. */
static void
report_pm2_safe(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, fp);
}

static void
report_pm2_text_counts(FILE *fp, const uint64_t *counts,
    enum pm2_state state, int64_t since_ms)
{
	char t[STAMP_BUFLEN];

	fprintf(fp, "%s", state == PM2_STATE_UNKNOWN ? "state unknown" :
	    pm2_state_name(state));
	if (since_ms != STAMP_NONE) {
		stamp_format(since_ms, t);
		fprintf(fp, " since %s", t);
	}
	fprintf(fp, ", %llu %s, %llu %s, %llu %s, %llu errored\n",
	    (unsigned long long)counts[PM2_EVENT_RESTART],
	    plural(counts[PM2_EVENT_RESTART], "restart", "restarts"),
	    (unsigned long long)counts[PM2_EVENT_UNPLANNED_EXIT],
	    plural(counts[PM2_EVENT_UNPLANNED_EXIT], "unplanned exit",
	    "unplanned exits"),
	    (unsigned long long)counts[PM2_EVENT_PLANNED_STOP],
	    plural(counts[PM2_EVENT_PLANNED_STOP], "planned stop",
	    "planned stops"),
	    (unsigned long long)counts[PM2_EVENT_ERRORED]);
}

void
report_pm2_write_text(FILE *fp, const struct pm2_apps *a)
{
	if (a == NULL)
		return;
	fprintf(fp, "pm2 (the daemon's log):\n");
	if (a->napps == 0)
		fprintf(fp, "  no app started, stopped or exited\n");
	for (size_t i = 0; i < a->napps; i++) {
		const struct pm2_apps_app *app = &a->apps[i];
		enum pm2_state st;
		int64_t since;

		st = pm2_apps_app_state(app, &since);
		fprintf(fp, "  app ");
		report_pm2_safe(fp, app->name);
		if (app->mode != PM2_MODE_UNKNOWN)
			fprintf(fp, " (%s mode)", report_pm2_mode(app->mode));
		fprintf(fp, ": ");
		report_pm2_text_counts(fp, app->counts, st, since);
		if (!pm2_apps_shows_instances(app))
			continue;
		for (size_t k = 0; k < app->ninstances; k++) {
			const struct pm2_apps_instance *in = &app->instances[k];

			fprintf(fp, "    instance %d: ", in->id);
			report_pm2_text_counts(fp, in->counts, in->state,
			    in->since_ms);
		}
	}
}

/*
 * config: see config.h.  The keys are rows of config_table.c; the walker
 * that reads them is config_walk.c.  This file builds the document, sets
 * the defaults, and makes the checks that need the whole file.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfyaml.h>

#include "config.h"
#include "config_table.h"
#include "fnv.h"
#include "path.h"
#include "redact.h"
#include "xmalloc.h"
#include "yaml_load.h"

/* Receivers named by alerts must exist; checked once all is read. */
static int
config_check_refs(struct config_loader *ld)
{
	struct config *cfg = ld->cfg;

	for (size_t i = 0; i < cfg->nalerts; i++) {
		const struct config_alert *a = &cfg->alerts[i];

		if (a->probe != NULL && config_probe_find(cfg, a->probe) ==
		    NULL) {
			ld->err = xasprintf("%s: alerts.%s.probe: '%s' is not a "
			    "probe; expected one of the names under probes",
			    a->probe_where, a->name, a->probe);
			return -1;
		}
		for (size_t j = 0; j < a->nreceivers; j++)
			if (config_receiver_find(cfg, a->receivers[j]) == NULL) {
				ld->err = xasprintf("%s: alerts.%s.receivers: "
				    "'%s' is not a receiver; expected one of "
				    "the names under receivers", a->
				    receivers_where, a->name, a->receivers[j]);
				return -1;
			}
	}
	return 0;
}

const struct config_receiver *
config_receiver_find(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nreceivers; i++)
		if (strcmp(cfg->receivers[i].name, name) == 0)
			return &cfg->receivers[i];
	return NULL;
}

char *
config_default_state_dir(bool is_root)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (is_root)
		return xstrdup("/var/lib/omniwatch");
	/* The XDG Base Directory spec: a relative value is to be ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return path_join(xdg, "omniwatch");
	if (home == NULL || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL || home[0] != '/')
		return NULL;
	return path_join(home, ".local/state/omniwatch");
}

static struct config *
config_defaults(const char *path)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));

	cfg->path = xstrdup(path);
	config_walk_defaults(&config_table_root, cfg);
	return cfg;
}

/*
 * The redact: regexes, compiled once, by redact.c, for watch to use; a
 * mistake is reported at its item.
 */
static int
config_redaction(struct config_loader *ld, struct fy_node *root)
{
	struct config *cfg = ld->cfg;
	struct fy_node *list, *item;
	size_t bad = 0;
	char *err = NULL;
	int rc;

	cfg->redaction = redact_new(cfg->redact, cfg->nredact, &bad, &err);
	if (cfg->redaction != NULL)
		return 0;
	list = fy_node_mapping_lookup_by_string(root, "redact", -1);
	item = list != NULL ? fy_node_sequence_get_by_index(list, (int)bad) :
	    NULL;
	rc = config_error(ld, item, list, "redact: regex %zu: %s", bad + 1,
	    err);
	free(err);
	return rc;
}

struct config *
config_load(const char *path, char **err)
{
	return config_load_with(path, NULL, 0, err);
}

/*
 * FNV-1a of the config's text (fnv.h): not for security, only to tell
 * whether the file check reads now is the one watch read (its edits since
 * count, so does another config's state_dir).
 */
static uint64_t
config_digest(const char *text)
{
	return fnv1a64(FNV1A64_INIT, text, strlen(text));
}

struct config *
config_load_with(const char *path, char *const *overrides, size_t noverrides,
    char **err)
{
	struct config_loader ld = { path, NULL, NULL, NULL,
	    { NULL, 0, NULL, 0 } };
	struct yaml_doc y;
	const char *slash;

	if (yaml_load(path, FYPCF_RESOLVE_DOCUMENT, &y, err) != 0) {
		yaml_doc_release(&y);
		return NULL;
	}
	if (y.doc == NULL) {
		*err = xasprintf("%s:1:1: %s; expected a mapping with at least "
		    "'sources'", path, y.is_blank ? "empty file" :
		    "only comments");
		yaml_doc_release(&y);
		return NULL;
	}
	if (config_overrides_apply(y.doc, path, overrides, noverrides, &ld.ov,
	    err) != 0) {
		config_overrides_release(&ld.ov);
		yaml_doc_release(&y);
		return NULL;
	}
	slash = strrchr(path, '/');
	if (slash == NULL)
		ld.dir = xstrdup(".");
	else if (slash == path)
		ld.dir = xstrdup("/");
	else
		ld.dir = xstrndup(path, (size_t)(slash - path));
	ld.cfg = config_defaults(path);
	ld.cfg->digest = config_digest(y.text);
	if (config_walk_root(&ld, fy_document_root(y.doc)) == 0 &&
	    config_redaction(&ld, fy_document_root(y.doc)) == 0 &&
	    config_check_refs(&ld) == 0 &&
	    ld.cfg->state_dir == NULL) {
		ld.cfg->state_dir = config_default_state_dir(geteuid() == 0);
		if (ld.cfg->state_dir == NULL)
			ld.err = xasprintf("%s: no state_dir, and no home "
			    "directory to put the state in; set state_dir",
			    path);
	}
	config_overrides_release(&ld.ov);
	yaml_doc_release(&y);
	free(ld.dir);
	if (ld.err != NULL) {
		*err = ld.err;
		config_free(ld.cfg);
		return NULL;
	}
	return ld.cfg;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	redact_free(cfg->redaction);
	config_walk_release(&config_table_root, cfg);
	free(cfg->path);
	free(cfg);
}

int
config_parse_size(const char *arg, size_t *out)
{
	static const struct {
		const char	*suffix;
		size_t		 mult;
	} units[] = {
		{ "", 1 },
		{ "K", (size_t)1 << 10 }, { "KiB", (size_t)1 << 10 },
		{ "M", (size_t)1 << 20 }, { "MiB", (size_t)1 << 20 },
		{ "G", (size_t)1 << 30 }, { "GiB", (size_t)1 << 30 },
	};
	const char *p = arg;
	size_t v = 0;

	/* By hand rather than strtoull(), which takes "-1" and " 5". */
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (SIZE_MAX - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(*p - '0');
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].suffix) != 0)
			continue;
		if (v == 0 || v > SIZE_MAX / units[i].mult)
			return -1;
		*out = v * units[i].mult;
		return 0;
	}
	return -1;
}

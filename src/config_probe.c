/*
 * config_probe: the rows of the probes: list of omniwatch.yaml(5),
 * PROBES, for config_table.c's root row `probes`.
 *
 *   probes:
 *     - name: omni-tickets
 *       url_file: /etc/omniwatch/omni.url   # or url: https://...
 *       method: GET                         # HEAD, OPTIONS; POST with data
 *       headers: {Authorization: Bearer ...}
 *       interval: 1m
 *       timeout: 10s
 *       pattern_set: omni
 *
 * Kept apart from config_table.c because its hooks are its own: a URL is
 * never echoed in a message (its query may hold a key), the method is a
 * choice of four, and url and url_file exclude each other.  The name and
 * the headers are read as the alerts' and the receivers' are
 * (config_walk.c: CONFIG_NAME, CONFIG_HEADERS).  What needs
 * the pattern sets loaded (pattern_set names a set) and the URL itself
 * (url_file is read when watch starts, as a receiver's secret_file is) is
 * checked by probe_set.c.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include <libfyaml.h>

#include "config.h"
#include "config_table.h"

const struct config_probe *
config_probe_find(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nprobes; i++)
		if (strcmp(cfg->probes[i].name, name) == 0)
			return &cfg->probes[i];
	return NULL;
}

/* Not "'URL' is not...": the URL may hold a key. */
static int
config_probe_check_url(const char *s, size_t index, char *why, size_t len)
{
	(void)index;
	if (config_is_http_url(s))
		return 0;
	snprintf(why, len, "not an http:// or https:// URL");
	return -1;
}

static int
config_probe_check_method(const char *s, size_t index, char *why,
    size_t len)
{
	(void)index;
	if (strcmp(s, "GET") == 0 || strcmp(s, "HEAD") == 0 ||
	    strcmp(s, "OPTIONS") == 0 || strcmp(s, "POST") == 0)
		return 0;
	snprintf(why, len, "'%s' is not a choice; expected GET, HEAD, OPTIONS "
	    "or POST (with data): a probe creates nothing unless told", s);
	return -1;
}

/* url or url_file; POST with data and data with POST only. */
static int
config_probe_finish(struct config_walk *w)
{
	struct config_probe *p = w->base;
	bool is_post = p->method != NULL && strcmp(p->method, "POST") == 0;

	if ((p->url == NULL) == (p->url_file == NULL))
		return config_error(w->ld, w->map, NULL, "probes.%s: %s; "
		    "expected exactly one of url and url_file", p->name,
		    p->url == NULL ? "no url" : "both url and url_file");
	if (is_post != (p->data != NULL))
		return config_error(w->ld, w->map, NULL, "probes.%s: %s",
		    p->name, p->data == NULL ? "method POST needs data: a probe "
		    "posts only what it is given" : "data is sent only with "
		    "method POST");
	return 0;
}

static const struct config_key config_probe_keys[] = {
	{ .name = "name", .type = CONFIG_NAME, .flags = CONFIG_WHERE,
	  CONFIG_AT(struct config_probe, name),
	  .where = offsetof(struct config_probe, where),
	  .text = "The probe's name, unique; it labels the metrics." },
	{ .name = "url", .type = CONFIG_STRING,
	  CONFIG_AT(struct config_probe, url),
	  .check = config_probe_check_url,
	  .expect = "an http:// or https:// URL",
	  .text = "The endpoint probed; or url_file." },
	{ .name = "url_file", .type = CONFIG_PATH,
	  CONFIG_AT(struct config_probe, url_file),
	  .expect = "a file holding the URL",
	  .text = "A file whose first line is the endpoint's URL." },
	{ .name = "method", .type = CONFIG_STRING,
	  CONFIG_AT(struct config_probe, method),
	  .check = config_probe_check_method,
	  .expect = "GET, HEAD, OPTIONS or POST",
	  .text = "The endpoint's method; default GET; POST needs data." },
	{ .name = "data", .type = CONFIG_STRING,
	  CONFIG_AT(struct config_probe, data),
	  .expect = "the body of a POST",
	  .text = "The body of a POST." },
	{ .name = "headers", .type = CONFIG_HEADERS,
	  CONFIG_AT(struct config_probe, headers),
	  .count = offsetof(struct config_probe, nheaders),
	  .text = "A mapping of HTTP headers sent with every request." },
	{ .name = "interval", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_probe, interval_ms), .min = 1,
	  .dflt = "1m", .text = "How often the probe runs." },
	{ .name = "timeout", .type = CONFIG_DURATION,
	  CONFIG_AT(struct config_probe, timeout_ms), .min = 1,
	  .dflt = "10s", .text = "The limit of each request." },
	{ .name = "pattern_set", .type = CONFIG_STRING, .flags = CONFIG_WHERE,
	  CONFIG_AT(struct config_probe, pattern_set),
	  .where = offsetof(struct config_probe, pattern_set_where),
	  .expect = "a pattern set name",
	  .text = "The set whose notices carry the verdict; default: the "
	  "first." },
	{ .name = NULL }
};

const struct config_section config_probe_section = {
	.keys = config_probe_keys,
	.expect = "a mapping with name and url or url_file",
	.size = sizeof(struct config_probe),
	.label = "probe",
	.name_key = "name",
	.finish = config_probe_finish,
};

/*
 * config: see config.h.  The whole file is built into a libfyaml document
 * first (aliases resolved), then walked once; the first problem found is
 * the error.  libfyaml gives positions for scalar tokens only, so an error
 * about a list or a mapping points at the first scalar inside it, or at
 * its key when it has none.
 *
 * Relative paths (sources, state_dir, pattern files) are taken relative to
 * the directory of the config file, not the working directory: a service
 * runs from /, and the same file must mean the same thing wherever
 * `omniwatch summary` is started from.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfyaml.h>

#include "config.h"
#include "match.h"	/* PCRE2, for checking redact regexes */
#include "stamp.h"
#include "xmalloc.h"
#include "yaml_load.h"

#define CONFIG_MAX_COUNT	1000000000	/* max_lines, commit_records */
#define CONFIG_MAX_SIZE		((size_t)1 << 30)	/* record sizes: 1GiB */
#define CONFIG_MAX_DIGITS	9	/* of a duration: no int64 overflow */

#define CONFIG_EXPECT_DURATION	"a number with a unit: ms, s, m, h, d or w " \
	"(e.g. 200ms, 5s, 15m)"
#define CONFIG_EXPECT_SIZE	"a number of bytes, optionally with K, KiB, " \
	"M, MiB, G or GiB (e.g. 65536, 64KiB, 1MiB)"
#define CONFIG_EXPECT_COUNT	"a whole number from 1 to 1000000000"
#define CONFIG_EXPECT_RATE	"a failure rate above 0, at most 1 (e.g. 0.5)"

struct config_loader {
	const char	*path;
	char		*dir;		/* of PATH, for relative paths */
	struct config	*cfg;
	char		*err;		/* the first error, malloc'd */
};

/* ---------------------------------------------------------------------
 * Errors.
 */

/* Where NODE starts: its own token, else that of its first scalar. */
static bool
config_mark(struct fy_node *node, int *line, int *column)
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
			if (config_mark(fy_node_pair_key(pair), line, column) ||
			    config_mark(fy_node_pair_value(pair), line,
			    column))
				return true;
		return false;
	}
	if (fy_node_is_sequence(node))
		while ((item = fy_node_sequence_iterate(node, &iter)) != NULL)
			if (config_mark(item, line, column))
				return true;
	return false;
}

/*
 * Sets the error (the first one wins) at NODE, else at FALLBACK, else at
 * the start of the file.  Always returns -1.
 */
static int
config_error(struct config_loader *ld, struct fy_node *node,
    struct fy_node *fallback, const char *fmt, ...)
{
	int line = 1, column = 1;
	char *msg;
	va_list ap;

	if (ld->err != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!config_mark(node, &line, &column))
		config_mark(fallback, &line, &column);
	ld->err = xasprintf("%s:%d:%d: %s", ld->path, line, column,
	    msg != NULL ? msg : "error");
	free(msg);
	return -1;
}

/* ---------------------------------------------------------------------
 * Values.
 */

/* Is NODE absent or YAML's null (empty, ~, null)? */
static bool
config_is_null(struct fy_node *node)
{
	const char *s;
	size_t len;

	if (node == NULL || fy_node_is_null(node))
		return true;
	if (!fy_node_is_scalar(node) || fy_node_get_style(node) != FYNS_PLAIN)
		return false;
	s = fy_node_get_scalar(node, &len);
	return s == NULL || (len == 1 && s[0] == '~') || (len == 4 &&
	    (memcmp(s, "null", 4) == 0 || memcmp(s, "Null", 4) == 0 ||
	    memcmp(s, "NULL", 4) == 0));
}

static const char *
config_kind(struct fy_node *node)
{
	if (config_is_null(node))
		return "nothing";
	if (fy_node_is_mapping(node))
		return "a mapping";
	if (fy_node_is_sequence(node))
		return "a list";
	return "a string";
}

/*
 * The text of VALUE (for KEY, named WHAT), which must be a non-empty
 * scalar without NUL bytes; else NULL with the error set, saying EXPECTED.
 * The result lives as long as the document.
 */
static const char *
config_scalar(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what, const char *expected)
{
	const char *s;
	size_t len;

	if (config_is_null(value) || !fy_node_is_scalar(value)) {
		config_error(ld, value, key, "%s: got %s; expected %s", what,
		    config_kind(value), expected);
		return NULL;
	}
	s = fy_node_get_scalar0(value);
	fy_node_get_scalar(value, &len);
	if (s == NULL || len == 0 || strlen(s) != len) {
		config_error(ld, value, key, "%s: empty or holds a NUL byte; "
		    "expected %s", what, expected);
		return NULL;
	}
	return s;
}

/* A duration with an explicit unit; 0 only when ALLOW_ZERO. */
static int
config_duration(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what, bool allow_zero, int64_t *out)
{
	const char *s = config_scalar(ld, key, value, what,
	    CONFIG_EXPECT_DURATION);
	const char *p;
	size_t digits = 0;

	if (s == NULL)
		return -1;
	/* stamp_parse_duration() is strtod() underneath, which would also
	 * take "inf", "5e3s" and " 5"; only a plain decimal number and one
	 * of its units get that far.  A bare number would be seconds there,
	 * but "idle_flush: 200" is too easily meant as milliseconds, so the
	 * file must say. */
	for (p = s; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			continue;
	if (digits == 0 || digits > CONFIG_MAX_DIGITS || p[-1] == '.')
		return config_error(ld, value, key, "%s: '%s' is not a "
		    "duration; expected %s", what, s, CONFIG_EXPECT_DURATION);
	if (*p == '\0')
		return config_error(ld, value, key, "%s: '%s' has no unit; "
		    "expected %s", what, s, CONFIG_EXPECT_DURATION);
	if (strcmp(p, "ms") != 0 && strcmp(p, "s") != 0 &&
	    strcmp(p, "m") != 0 && strcmp(p, "min") != 0 &&
	    strcmp(p, "h") != 0 && strcmp(p, "d") != 0 && strcmp(p, "w") != 0)
		return config_error(ld, value, key, "%s: '%s' is not a "
		    "duration; expected %s", what, s, CONFIG_EXPECT_DURATION);
	if (stamp_parse_duration(s, out) != 0)
		return config_error(ld, value, key, "%s: '%s' is not a "
		    "duration; expected %s", what, s, CONFIG_EXPECT_DURATION);
	if (*out == 0 && !allow_zero)
		return config_error(ld, value, key, "%s: '%s' is too short; "
		    "expected at least 1ms", what, s);
	return 0;
}

/* A size in bytes, at most MAX. */
static int
config_size(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what, size_t max, size_t *out)
{
	const char *s = config_scalar(ld, key, value, what,
	    CONFIG_EXPECT_SIZE);

	if (s == NULL)
		return -1;
	if (config_parse_size(s, out) != 0)
		return config_error(ld, value, key, "%s: '%s' is not a size; "
		    "expected %s", what, s, CONFIG_EXPECT_SIZE);
	if (*out > max)
		return config_error(ld, value, key, "%s: '%s' is too large; "
		    "expected at most %zu bytes", what, s, max);
	return 0;
}

/* A whole number in [1, CONFIG_MAX_COUNT]. */
static int
config_count(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what, size_t *out)
{
	const char *s = config_scalar(ld, key, value, what,
	    CONFIG_EXPECT_COUNT);
	uint64_t v = 0;

	if (s == NULL)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || v > CONFIG_MAX_COUNT)
			return config_error(ld, value, key, "%s: '%s' is not "
			    "a count; expected %s", what, s,
			    CONFIG_EXPECT_COUNT);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v == 0 || v > CONFIG_MAX_COUNT)
		return config_error(ld, value, key, "%s: '%s' is out of "
		    "range; expected %s", what, s, CONFIG_EXPECT_COUNT);
	*out = (size_t)v;
	return 0;
}

/*
 * PATH taken relative to the config file's directory.  IS_GLOB escapes the
 * directory's own glob(7) characters, so that only PATH's are patterns.
 */
static char *
config_resolve(struct config_loader *ld, const char *path, bool is_glob)
{
	char *out, *o;

	if (path[0] == '/' || strcmp(ld->dir, ".") == 0)
		return xstrdup(path);
	if (!is_glob)
		return xasprintf("%s/%s", ld->dir, path);
	out = xmalloc(strlen(ld->dir) * 2 + strlen(path) + 2);
	o = out;
	for (const char *d = ld->dir; *d != '\0'; d++) {
		if (strchr("*?[\\", *d) != NULL)
			*o++ = '\\';
		*o++ = *d;
	}
	*o++ = '/';
	strcpy(o, path);
	return out;
}

/* ---------------------------------------------------------------------
 * Sections.
 */

static int
config_source(struct config_loader *ld, struct fy_node *key,
    struct fy_node *item, size_t index)
{
	struct config_source *src = &ld->cfg->sources[index];
	struct fy_node_pair *pair;
	void *iter = NULL;
	char what[64];

	if (!fy_node_is_mapping(item) || fy_node_mapping_is_empty(item))
		return config_error(ld, item, key, "source %zu: got %s; "
		    "expected a mapping with pm2_home or path", index + 1,
		    fy_node_is_mapping(item) ? "an empty mapping" :
		    config_kind(item));
	while ((pair = fy_node_mapping_iterate(item, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		const char *s;

		if (name == NULL || (strcmp(name, "pm2_home") != 0 &&
		    strcmp(name, "path") != 0))
			return config_error(ld, k, item, "source %zu: unknown "
			    "key '%s'; expected pm2_home or path", index + 1,
			    name != NULL ? name : "?");
		if (src->pm2_home != NULL || src->path != NULL)
			return config_error(ld, k, item, "source %zu: both "
			    "pm2_home and path; expected exactly one (make "
			    "two sources)", index + 1);
		snprintf(what, sizeof(what), "source %zu: %s", index + 1, name);
		s = config_scalar(ld, k, v, what, strcmp(name, "path") == 0 ?
		    "a file path or glob" : "a PM2_HOME directory");
		if (s == NULL)
			return -1;
		if (strcmp(name, "path") == 0)
			src->path = config_resolve(ld, s, true);
		else
			src->pm2_home = config_resolve(ld, s, false);
	}
	return 0;
}

static int
config_sources(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value)
{
	struct config *cfg = ld->cfg;
	struct fy_node *item;
	void *iter = NULL;
	int n;

	n = fy_node_is_sequence(value) ?
	    fy_node_sequence_item_count(value) : 0;
	if (n <= 0)
		return config_error(ld, value, key, "sources: got %s; "
		    "expected a list of at least one source (- pm2_home: DIR "
		    "or - path: GLOB)", fy_node_is_sequence(value) ?
		    "an empty list" : config_kind(value));
	cfg->sources = xcalloc((size_t)n, sizeof(*cfg->sources));
	while ((item = fy_node_sequence_iterate(value, &iter)) != NULL) {
		/* Counted first, so that config_free() sees a partial one. */
		cfg->nsources++;
		if (config_source(ld, key, item, cfg->nsources - 1) != 0)
			return -1;
	}
	return 0;
}

static int
config_pattern_sets(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value)
{
	struct config *cfg = ld->cfg;
	struct fy_node *item;
	void *iter = NULL;
	int n;

	n = fy_node_is_sequence(value) ?
	    fy_node_sequence_item_count(value) : 0;
	if (n <= 0)
		return config_error(ld, value, key, "pattern_sets: got %s; "
		    "expected a list of pattern set names or files (e.g. "
		    "[omni])", fy_node_is_sequence(value) ? "an empty list" :
		    config_kind(value));
	for (size_t i = 0; i < cfg->npattern_sets; i++)
		free(cfg->pattern_sets[i]);
	free(cfg->pattern_sets);
	cfg->pattern_sets = xcalloc((size_t)n, sizeof(*cfg->pattern_sets));
	cfg->npattern_sets = 0;
	while ((item = fy_node_sequence_iterate(value, &iter)) != NULL) {
		const char *s = config_scalar(ld, key, item, "pattern_sets",
		    "a pattern set name or file");
		size_t len;

		if (s == NULL)
			return -1;
		for (size_t i = 0; i < cfg->npattern_sets; i++)
			if (strcmp(cfg->pattern_sets[i], s) == 0)
				return config_error(ld, item, key,
				    "pattern_sets: '%s' is listed twice; "
				    "expected each set once", s);
		/* A name is looked up by match_set_find(); only a path
		 * (with '/' or ending in .yaml/.yml) is relative to us. */
		len = strlen(s);
		if (strchr(s, '/') != NULL || (len > 5 &&
		    strcmp(s + len - 5, ".yaml") == 0) || (len > 4 &&
		    strcmp(s + len - 4, ".yml") == 0))
			cfg->pattern_sets[cfg->npattern_sets++] =
			    config_resolve(ld, s, false);
		else
			cfg->pattern_sets[cfg->npattern_sets++] = xstrdup(s);
	}
	return 0;
}

static int
config_record(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value)
{
	struct config *cfg = ld->cfg;
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (!fy_node_is_mapping(value))
		return config_error(ld, value, key, "record: got %s; expected "
		    "a mapping with idle_flush, max_lines, max_bytes or "
		    "max_line", config_kind(value));
	while ((pair = fy_node_mapping_iterate(value, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		int rc;

		if (name == NULL)
			name = "?";
		if (strcmp(name, "idle_flush") == 0)
			rc = config_duration(ld, k, v, "record.idle_flush",
			    false, &cfg->idle_flush_ms);
		else if (strcmp(name, "max_lines") == 0)
			rc = config_count(ld, k, v, "record.max_lines",
			    &cfg->max_lines);
		else if (strcmp(name, "max_bytes") == 0)
			rc = config_size(ld, k, v, "record.max_bytes",
			    CONFIG_MAX_SIZE, &cfg->max_bytes);
		else if (strcmp(name, "max_line") == 0)
			rc = config_size(ld, k, v, "record.max_line",
			    CONFIG_MAX_SIZE, &cfg->max_line);
		else
			rc = config_error(ld, k, value, "record: unknown key "
			    "'%s'; expected idle_flush, max_lines, max_bytes "
			    "or max_line", name);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
config_tail(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value)
{
	struct config *cfg = ld->cfg;
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (!fy_node_is_mapping(value))
		return config_error(ld, value, key, "tail: got %s; expected a "
		    "mapping with sweep, rotate_wait or start_at",
		    config_kind(value));
	while ((pair = fy_node_mapping_iterate(value, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		const char *s;
		int rc = 0;

		if (name == NULL)
			name = "?";
		if (strcmp(name, "sweep") == 0)
			rc = config_duration(ld, k, v, "tail.sweep", false,
			    &cfg->sweep_ms);
		else if (strcmp(name, "rotate_wait") == 0)
			/* 0: a rotated file is dropped once drained. */
			rc = config_duration(ld, k, v, "tail.rotate_wait", true,
			    &cfg->rotate_wait_ms);
		else if (strcmp(name, "start_at") == 0) {
			s = config_scalar(ld, k, v, "tail.start_at",
			    "head or end");
			if (s == NULL)
				return -1;
			if (strcmp(s, "head") == 0)
				cfg->start_at_end = false;
			else if (strcmp(s, "end") == 0)
				cfg->start_at_end = true;
			else
				rc = config_error(ld, v, k, "tail.start_at: "
				    "'%s' is not a choice; expected head or "
				    "end", s);
		} else
			rc = config_error(ld, k, value, "tail: unknown key "
			    "'%s'; expected sweep, rotate_wait or start_at",
			    name);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
config_state(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value)
{
	struct config *cfg = ld->cfg;
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (!fy_node_is_mapping(value))
		return config_error(ld, value, key, "state: got %s; expected "
		    "a mapping with commit_interval or commit_records",
		    config_kind(value));
	while ((pair = fy_node_mapping_iterate(value, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		int rc;

		if (name == NULL)
			name = "?";
		if (strcmp(name, "commit_interval") == 0)
			rc = config_duration(ld, k, v, "state.commit_interval",
			    false, &cfg->commit_ms);
		else if (strcmp(name, "commit_records") == 0)
			rc = config_count(ld, k, v, "state.commit_records",
			    &cfg->commit_records);
		else
			rc = config_error(ld, k, value, "state: unknown key "
			    "'%s'; expected commit_interval or commit_records",
			    name);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Alerting and metrics: redact, receivers, alerts, metrics.
 */

/* "FILE:LINE:COLUMN" of NODE (else FALLBACK), for checks made later. */
static char *
config_where(struct config_loader *ld, struct fy_node *node,
    struct fy_node *fallback)
{
	int line = 1, column = 1;

	if (!config_mark(node, &line, &column))
		config_mark(fallback, &line, &column);
	return xasprintf("%s:%d:%d", ld->path, line, column);
}

/* A list of non-empty scalars, copied into *OUT (replacing it). */
static int
config_names(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what, const char *expected,
    char ***out, size_t *nout)
{
	struct fy_node *item;
	void *iter = NULL;
	int n;

	if (!fy_node_is_sequence(value))
		return config_error(ld, value, key, "%s: got %s; expected a "
		    "list of %s", what, config_kind(value), expected);
	n = fy_node_sequence_item_count(value);
	*out = xcalloc((size_t)n + 1, sizeof(**out));
	*nout = 0;
	while ((item = fy_node_sequence_iterate(value, &iter)) != NULL) {
		const char *s = config_scalar(ld, key, item, what, expected);

		if (s == NULL)
			return -1;
		for (size_t i = 0; i < *nout; i++)
			if (strcmp((*out)[i], s) == 0)
				return config_error(ld, item, key, "%s: '%s' "
				    "is listed twice; expected each once",
				    what, s);
		(*out)[(*nout)++] = xstrdup(s);
	}
	return 0;
}

static int
config_redact(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value)
{
	struct config *cfg = ld->cfg;
	struct fy_node *item;
	void *iter = NULL;
	size_t i = 0;

	if (config_names(ld, key, value, "redact", "PCRE2 regexes",
	    &cfg->redact, &cfg->nredact) != 0)
		return -1;
	/* Compiled here too, so that a mistake is reported at its place. */
	while ((item = fy_node_sequence_iterate(value, &iter)) != NULL) {
		PCRE2_SIZE off;
		int code;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)cfg->redact[i],
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
		    &code, &off, NULL);

		if (re == NULL) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(code, msg, sizeof(msg));
			return config_error(ld, item, key, "redact: regex %zu: "
			    "%s at offset %zu", i + 1, (const char *)msg,
			    (size_t)off);
		}
		pcre2_code_free(re);
		i++;
	}
	return 0;
}

/* An HTTP header name: RFC 9110 token characters. */
static bool
config_is_token(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) &&
		    strchr("!#$%&'*+-.^_`|~", *s) == NULL)
			return false;
	return true;
}

static int
config_headers(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value, struct config_receiver *r)
{
	struct fy_node_pair *pair;
	void *iter = NULL;
	char what[160];

	if (!fy_node_is_mapping(value))
		return config_error(ld, value, key, "receivers.%s.headers: got "
		    "%s; expected a mapping of header names to values",
		    r->name, config_kind(value));
	r->headers = xcalloc((size_t)fy_node_mapping_item_count(value) + 1,
	    sizeof(*r->headers));
	while ((pair = fy_node_mapping_iterate(value, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		const char *s;

		if (name == NULL || name[0] == '\0' || !config_is_token(name))
			return config_error(ld, k, value, "receivers.%s.headers:"
			    " '%s' is not a header name; expected letters, "
			    "digits and -", r->name, name != NULL ? name : "?");
		snprintf(what, sizeof(what), "receivers.%s.headers.%s",
		    r->name, name);
		s = config_scalar(ld, k, v, what, "a header value");
		if (s == NULL)
			return -1;
		if (strpbrk(s, "\r\n") != NULL)
			return config_error(ld, v, k, "%s: holds a line break; "
			    "expected a one-line header value", what);
		r->headers[r->nheaders].name = xstrdup(name);
		r->headers[r->nheaders].value = xstrdup(s);
		r->nheaders++;
	}
	return 0;
}

static int
config_receiver(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value, struct config_receiver *r)
{
	struct fy_node_pair *pair;
	void *iter = NULL;
	bool has_url = false, has_connect = false;
	char what[160];

	if (!fy_node_is_mapping(value))
		return config_error(ld, value, key, "receivers.%s: got %s; "
		    "expected a mapping with at least url", r->name,
		    config_kind(value));
	while ((pair = fy_node_mapping_iterate(value, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		const char *s;
		int rc = 0;

		if (name == NULL)
			name = "?";
		snprintf(what, sizeof(what), "receivers.%s.%s", r->name, name);
		if (strcmp(name, "url") == 0) {
			s = config_scalar(ld, k, v, what, "an http:// or "
			    "https:// URL");
			if (s == NULL)
				return -1;
			if (strncmp(s, "http://", 7) != 0 &&
			    strncmp(s, "https://", 8) != 0)
				return config_error(ld, v, k, "%s: '%s' is not "
				    "an http:// or https:// URL", what, s);
			free(r->url);
			r->url = xstrdup(s);
			has_url = true;
		} else if (strcmp(name, "format") == 0) {
			s = config_scalar(ld, k, v, what, "json, slack or "
			    "alertmanager");
			if (s == NULL)
				return -1;
			if (strcmp(s, "json") == 0)
				r->format = CONFIG_FORMAT_JSON;
			else if (strcmp(s, "slack") == 0)
				r->format = CONFIG_FORMAT_SLACK;
			else if (strcmp(s, "alertmanager") == 0)
				r->format = CONFIG_FORMAT_ALERTMANAGER;
			else
				rc = config_error(ld, v, k, "%s: '%s' is not a "
				    "choice; expected json, slack or "
				    "alertmanager", what, s);
		} else if (strcmp(name, "timeout") == 0)
			rc = config_duration(ld, k, v, what, false,
			    &r->timeout_ms);
		else if (strcmp(name, "connect_timeout") == 0) {
			rc = config_duration(ld, k, v, what, false,
			    &r->connect_timeout_ms);
			has_connect = true;
		} else if (strcmp(name, "headers") == 0)
			rc = config_headers(ld, k, v, r);
		else if (strcmp(name, "secret_file") == 0) {
			s = config_scalar(ld, k, v, what, "a file");
			if (s == NULL)
				return -1;
			free(r->secret_file);
			r->secret_file = config_resolve(ld, s, false);
		} else if (strcmp(name, "retry_initial") == 0)
			rc = config_duration(ld, k, v, what, false,
			    &r->retry_initial_ms);
		else if (strcmp(name, "retry_max") == 0)
			rc = config_duration(ld, k, v, what, false,
			    &r->retry_max_ms);
		else if (strcmp(name, "spool_max") == 0)
			rc = config_count(ld, k, v, what, &r->spool_max);
		else
			rc = config_error(ld, k, value, "receivers.%s: unknown "
			    "key '%s'; expected url, format, timeout, "
			    "connect_timeout, headers, secret_file, "
			    "retry_initial, retry_max or spool_max", r->name,
			    name);
		if (rc != 0)
			return -1;
	}
	if (!has_url)
		return config_error(ld, key, value, "receivers.%s: no url; "
		    "expected an http:// or https:// URL", r->name);
	if (!has_connect && r->connect_timeout_ms > r->timeout_ms)
		r->connect_timeout_ms = r->timeout_ms;
	if (r->retry_max_ms < r->retry_initial_ms)
		r->retry_max_ms = r->retry_initial_ms;
	return 0;
}

static int
config_receivers(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value)
{
	struct config *cfg = ld->cfg;
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (config_is_null(value))
		return 0;
	if (!fy_node_is_mapping(value))
		return config_error(ld, value, key, "receivers: got %s; "
		    "expected a mapping of receiver names to receivers (ops: "
		    "{url: ...})", config_kind(value));
	cfg->receivers = xcalloc((size_t)fy_node_mapping_item_count(value) + 1,
	    sizeof(*cfg->receivers));
	while ((pair = fy_node_mapping_iterate(value, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct config_receiver *r = &cfg->receivers[cfg->nreceivers];
		const char *name = config_scalar(ld, key, k, "receivers",
		    "a receiver name");

		if (name == NULL)
			return -1;
		cfg->nreceivers++;
		r->name = xstrdup(name);
		r->format = CONFIG_FORMAT_JSON;
		r->timeout_ms = 10000;
		r->connect_timeout_ms = 5000;
		r->retry_initial_ms = 1000;
		r->retry_max_ms = 300000;
		r->spool_max = 1000;
		if (config_receiver(ld, k, fy_node_pair_value(pair), r) != 0)
			return -1;
	}
	return 0;
}

/* A threshold: a rate in (0, 1] or a whole count >= 1. */
static int
config_threshold(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what, bool is_rate, double *out)
{
	const char *expected = is_rate ? CONFIG_EXPECT_RATE :
	    CONFIG_EXPECT_COUNT;
	const char *s = config_scalar(ld, key, value, what, expected);
	const char *p;
	char *end;

	if (s == NULL)
		return -1;
	/* strtod() also takes "inf", "0x1p3" and " 1"; only plain decimals
	 * get that far. */
	for (p = s; isdigit((unsigned char)*p) || *p == '.'; p++)
		continue;
	*out = strtod(s, &end);
	if (*p != '\0' || end != p || p == s)
		return config_error(ld, value, key, "%s: '%s' is not a number; "
		    "expected %s", what, s, expected);
	if (is_rate && (*out <= 0 || *out > 1))
		return config_error(ld, value, key, "%s: '%s' is out of range; "
		    "expected %s", what, s, expected);
	if (!is_rate && (*out < 1 || *out > CONFIG_MAX_COUNT ||
	    *out != (double)(int64_t)*out))
		return config_error(ld, value, key, "%s: '%s' is not a count; "
		    "expected %s", what, s, expected);
	return 0;
}

static const char *const config_kinds[] = {
	"failure_rate", "failures", "consecutive_failures", "no_success",
};

static int
config_alert(struct config_loader *ld, struct fy_node *key,
    struct fy_node *item, size_t index)
{
	struct config_alert *a = &ld->cfg->alerts[index];
	struct fy_node_pair *pair;
	struct fy_node *threshold = NULL, *kind = NULL;
	void *iter = NULL;
	char what[160];
	const char *s;

	if (!fy_node_is_mapping(item))
		return config_error(ld, item, key, "alert %zu: got %s; "
		    "expected a mapping with name, kind and threshold",
		    index + 1, config_kind(item));
	/* The name first, so that every later message can carry it. */
	while ((pair = fy_node_mapping_iterate(item, &iter)) != NULL) {
		const char *name = fy_node_get_scalar0(fy_node_pair_key(pair));

		if (name == NULL || strcmp(name, "name") != 0)
			continue;
		s = config_scalar(ld, fy_node_pair_key(pair),
		    fy_node_pair_value(pair), "alerts: name", "a name of "
		    "letters, digits, '.', '_' or '-'");
		if (s == NULL)
			return -1;
		for (const char *p = s; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) &&
			    strchr("._-", *p) == NULL)
				return config_error(ld, fy_node_pair_value(pair),
				    NULL, "alerts: name '%s' has '%c'; expected "
				    "letters, digits, '.', '_' or '-'", s, *p);
		for (size_t i = 0; i < index; i++)
			if (strcmp(ld->cfg->alerts[i].name, s) == 0)
				return config_error(ld,
				    fy_node_pair_value(pair), NULL, "alerts: "
				    "'%s' is named twice; expected each name "
				    "once", s);
		a->name = xstrdup(s);
	}
	if (a->name == NULL)
		return config_error(ld, item, key, "alert %zu: no name; "
		    "expected a mapping with name, kind and threshold",
		    index + 1);
	iter = NULL;
	while ((pair = fy_node_mapping_iterate(item, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		int rc = 0;

		if (name == NULL)
			name = "?";
		snprintf(what, sizeof(what), "alerts.%s.%s", a->name, name);
		if (strcmp(name, "name") == 0)
			continue;
		if (strcmp(name, "pattern_set") == 0) {
			s = config_scalar(ld, k, v, what, "a pattern set name");
			if (s == NULL)
				return -1;
			a->pattern_set = xstrdup(s);
			a->where = config_where(ld, v, k);
		} else if (strcmp(name, "kind") == 0) {
			size_t i;

			s = config_scalar(ld, k, v, what, "failure_rate, "
			    "failures, consecutive_failures or no_success");
			if (s == NULL)
				return -1;
			for (i = 0; i < 4; i++)
				if (strcmp(s, config_kinds[i]) == 0)
					break;
			if (i == 4)
				return config_error(ld, v, k, "%s: '%s' is not "
				    "a choice; expected failure_rate, failures,"
				    " consecutive_failures or no_success",
				    what, s);
			a->kind = (enum config_alert_kind)i;
			kind = v;
		} else if (strcmp(name, "threshold") == 0)
			threshold = v;
		else if (strcmp(name, "window") == 0)
			rc = config_duration(ld, k, v, what, false,
			    &a->window_ms);
		else if (strcmp(name, "min_events") == 0)
			rc = config_count(ld, k, v, what, &a->min_events);
		else if (strcmp(name, "classes") == 0) {
			rc = config_names(ld, k, v, what, "failure class names",
			    &a->classes, &a->nclasses);
			if (rc == 0)
				a->classes_where = config_where(ld, v, k);
		} else if (strcmp(name, "for") == 0)
			rc = config_duration(ld, k, v, what, true, &a->for_ms);
		else if (strcmp(name, "keep_firing_for") == 0)
			rc = config_duration(ld, k, v, what, true,
			    &a->keep_firing_ms);
		else if (strcmp(name, "repeat_interval") == 0)
			rc = config_duration(ld, k, v, what, false,
			    &a->repeat_ms);
		else if (strcmp(name, "receivers") == 0) {
			rc = config_names(ld, k, v, what, "receiver names",
			    &a->receivers, &a->nreceivers);
			if (rc == 0)
				a->receivers_where = config_where(ld, v, k);
		} else
			rc = config_error(ld, k, item, "alerts.%s: unknown key "
			    "'%s'; expected name, pattern_set, kind, threshold,"
			    " window, min_events, classes, for, "
			    "keep_firing_for, repeat_interval or receivers",
			    a->name, name);
		if (rc != 0)
			return -1;
	}
	if (kind == NULL)
		return config_error(ld, item, key, "alerts.%s: no kind; "
		    "expected failure_rate, failures, consecutive_failures or "
		    "no_success", a->name);
	snprintf(what, sizeof(what), "alerts.%s.threshold", a->name);
	if (a->kind == CONFIG_ALERT_NO_SUCCESS && threshold != NULL)
		return config_error(ld, threshold, NULL, "%s: no_success takes "
		    "no threshold; it fires when the window holds no success",
		    what);
	if (a->kind != CONFIG_ALERT_NO_SUCCESS && threshold == NULL)
		return config_error(ld, kind, NULL, "alerts.%s: no threshold; "
		    "expected %s", a->name, a->kind ==
		    CONFIG_ALERT_FAILURE_RATE ? CONFIG_EXPECT_RATE :
		    CONFIG_EXPECT_COUNT);
	if (threshold != NULL && config_threshold(ld, NULL, threshold, what,
	    a->kind == CONFIG_ALERT_FAILURE_RATE, &a->threshold) != 0)
		return -1;
	return 0;
}

static int
config_alerts(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value)
{
	struct config *cfg = ld->cfg;
	struct fy_node *item;
	void *iter = NULL;

	if (config_is_null(value))
		return 0;
	if (!fy_node_is_sequence(value))
		return config_error(ld, value, key, "alerts: got %s; expected "
		    "a list of alert rules (- name: ...)", config_kind(value));
	cfg->alerts = xcalloc((size_t)fy_node_sequence_item_count(value) + 1,
	    sizeof(*cfg->alerts));
	while ((item = fy_node_sequence_iterate(value, &iter)) != NULL) {
		struct config_alert *a = &cfg->alerts[cfg->nalerts++];

		a->window_ms = 5 * 60 * 1000;
		a->repeat_ms = 4 * 3600 * 1000;
		if (config_alert(ld, key, item, cfg->nalerts - 1) != 0)
			return -1;
	}
	return 0;
}

/* HOST:PORT with an IPv4 address, [IPv6] or localhost; port 0-65535. */
static bool
config_is_listen(const char *s)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (colon == NULL || colon == s || colon[1] == '\0')
		return false;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535 ||
	    !isdigit((unsigned char)colon[1]))
		return false;
	if (s[0] == '[')
		return colon[-1] == ']' && colon - s > 2;
	return strchr(s, ':') == colon;
}

static int
config_metrics(struct config_loader *ld, struct fy_node *key,
    struct fy_node *value)
{
	struct config *cfg = ld->cfg;
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (config_is_null(value))
		return 0;
	if (!fy_node_is_mapping(value))
		return config_error(ld, value, key, "metrics: got %s; expected "
		    "a mapping with listen, textfile or textfile_interval",
		    config_kind(value));
	while ((pair = fy_node_mapping_iterate(value, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		const char *s;
		int rc = 0;

		if (name == NULL)
			name = "?";
		if (strcmp(name, "listen") == 0) {
			s = config_scalar(ld, k, v, "metrics.listen",
			    "HOST:PORT (e.g. 127.0.0.1:9464)");
			if (s == NULL)
				return -1;
			if (!config_is_listen(s))
				return config_error(ld, v, k, "metrics.listen: "
				    "'%s' is not HOST:PORT; expected an address"
				    " and a port (e.g. 127.0.0.1:9464, "
				    "[::1]:9464)", s);
			free(cfg->metrics_listen);
			cfg->metrics_listen = xstrdup(s);
		} else if (strcmp(name, "textfile") == 0) {
			s = config_scalar(ld, k, v, "metrics.textfile",
			    "a file ending in .prom");
			if (s == NULL)
				return -1;
			free(cfg->metrics_textfile);
			cfg->metrics_textfile = config_resolve(ld, s, false);
		} else if (strcmp(name, "textfile_interval") == 0)
			rc = config_duration(ld, k, v,
			    "metrics.textfile_interval", false,
			    &cfg->metrics_textfile_ms);
		else
			rc = config_error(ld, k, value, "metrics: unknown key "
			    "'%s'; expected listen, textfile or "
			    "textfile_interval", name);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Receivers named by alerts must exist; checked once all is read. */
static int
config_check_refs(struct config_loader *ld)
{
	struct config *cfg = ld->cfg;

	for (size_t i = 0; i < cfg->nalerts; i++) {
		const struct config_alert *a = &cfg->alerts[i];

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

static int
config_doc(struct config_loader *ld, struct fy_node *root)
{
	struct config *cfg = ld->cfg;
	struct fy_node_pair *pair;
	void *iter = NULL;
	bool has_sources = false;

	if (config_is_null(root) || !fy_node_is_mapping(root))
		return config_error(ld, root, NULL, "got %s; expected a "
		    "mapping with at least 'sources'", root == NULL ?
		    "an empty file" : config_kind(root));
	while ((pair = fy_node_mapping_iterate(root, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *key = fy_node_get_scalar0(k);
		const char *s;
		int rc = 0;

		if (key == NULL)
			key = "?";
		if (strcmp(key, "sources") == 0) {
			rc = config_sources(ld, k, v);
			has_sources = true;
		} else if (strcmp(key, "pattern_sets") == 0)
			rc = config_pattern_sets(ld, k, v);
		else if (strcmp(key, "state_dir") == 0) {
			s = config_scalar(ld, k, v, "state_dir", "a directory");
			if (s == NULL)
				return -1;
			free(cfg->state_dir);
			cfg->state_dir = config_resolve(ld, s, false);
		} else if (strcmp(key, "record") == 0)
			rc = config_record(ld, k, v);
		else if (strcmp(key, "tail") == 0)
			rc = config_tail(ld, k, v);
		else if (strcmp(key, "state") == 0)
			rc = config_state(ld, k, v);
		else if (strcmp(key, "redact") == 0)
			rc = config_redact(ld, k, v);
		else if (strcmp(key, "receivers") == 0)
			rc = config_receivers(ld, k, v);
		else if (strcmp(key, "alerts") == 0)
			rc = config_alerts(ld, k, v);
		else if (strcmp(key, "metrics") == 0)
			rc = config_metrics(ld, k, v);
		else
			rc = config_error(ld, k, root, "unknown key '%s'; "
			    "expected sources, pattern_sets, state_dir, "
			    "record, tail, state, redact, receivers, alerts or "
			    "metrics", key);
		if (rc != 0)
			return -1;
	}
	if (!has_sources)
		return config_error(ld, root, NULL, "no 'sources'; expected a "
		    "list of at least one source (- pm2_home: DIR or - path: "
		    "GLOB)");
	return config_check_refs(ld);
}

/* ---------------------------------------------------------------------
 * Loading.
 */

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
		return xasprintf("%s/omniwatch", xdg);
	if (home == NULL || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL || home[0] != '/')
		return NULL;
	return xasprintf("%s/.local/state/omniwatch", home);
}

static struct config *
config_defaults(const char *path)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));

	cfg->path = xstrdup(path);
	cfg->pattern_sets = xcalloc(1, sizeof(*cfg->pattern_sets));
	cfg->pattern_sets[0] = xstrdup("omni");
	cfg->npattern_sets = 1;
	cfg->idle_flush_ms = 200;
	cfg->max_lines = 1000;
	cfg->max_bytes = 1024 * 1024;
	cfg->max_line = 1024 * 1024;
	cfg->sweep_ms = 10000;
	cfg->rotate_wait_ms = 5000;
	cfg->start_at_end = false;
	cfg->commit_ms = 1000;
	cfg->commit_records = 10000;
	cfg->metrics_textfile_ms = 15000;
	return cfg;
}

struct config *
config_load(const char *path, char **err)
{
	struct config_loader ld = { path, NULL, NULL, NULL };
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
	slash = strrchr(path, '/');
	if (slash == NULL)
		ld.dir = xstrdup(".");
	else if (slash == path)
		ld.dir = xstrdup("/");
	else
		ld.dir = xstrndup(path, (size_t)(slash - path));
	ld.cfg = config_defaults(path);
	if (config_doc(&ld, fy_document_root(y.doc)) == 0 &&
	    ld.cfg->state_dir == NULL) {
		ld.cfg->state_dir = config_default_state_dir(geteuid() == 0);
		if (ld.cfg->state_dir == NULL)
			ld.err = xasprintf("%s: no state_dir, and no home "
			    "directory to put the state in; set state_dir",
			    path);
	}
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
	for (size_t i = 0; i < cfg->nsources; i++) {
		free(cfg->sources[i].pm2_home);
		free(cfg->sources[i].path);
	}
	free(cfg->sources);
	for (size_t i = 0; i < cfg->npattern_sets; i++)
		free(cfg->pattern_sets[i]);
	free(cfg->pattern_sets);
	free(cfg->state_dir);
	for (size_t i = 0; i < cfg->nredact; i++)
		free(cfg->redact[i]);
	free(cfg->redact);
	for (size_t i = 0; i < cfg->nreceivers; i++) {
		struct config_receiver *r = &cfg->receivers[i];

		free(r->name);
		free(r->url);
		for (size_t j = 0; j < r->nheaders; j++) {
			free(r->headers[j].name);
			free(r->headers[j].value);
		}
		free(r->headers);
		free(r->secret_file);
	}
	free(cfg->receivers);
	for (size_t i = 0; i < cfg->nalerts; i++) {
		struct config_alert *a = &cfg->alerts[i];

		free(a->name);
		free(a->pattern_set);
		free(a->where);
		for (size_t j = 0; j < a->nclasses; j++)
			free(a->classes[j]);
		free(a->classes);
		free(a->classes_where);
		for (size_t j = 0; j < a->nreceivers; j++)
			free(a->receivers[j]);
		free(a->receivers);
		free(a->receivers_where);
	}
	free(cfg->alerts);
	free(cfg->metrics_listen);
	free(cfg->metrics_textfile);
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

/*
 * config_value: the scalars of the config file (config_table.h): where a
 * node is, the error that names it, and the reading of a duration, size,
 * count, choice or path by its row.  The same readers set the table's
 * defaults, so a default means what it would mean in the file.
 */
#include "autoconf.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "config.h"
#include "config_table.h"
#include "path.h"
#include "redact.h"
#include "stamp.h"
#include "xmalloc.h"
#include "yaml_load.h"

#define CONFIG_MAX_DIGITS	9	/* of a duration: no int64 overflow */

#define CONFIG_EXPECT_DURATION	"a number with a unit: ms, s, m, h, d or w " \
	"(e.g. 200ms, 5s, 15m)"
#define CONFIG_EXPECT_SIZE	"a number of bytes, optionally with K, KiB, " \
	"M, MiB, G or GiB (e.g. 65536, 64KiB, 1MiB)"

/* ---------------------------------------------------------------------
 * Errors.
 */

char *
config_where(struct config_loader *ld, struct fy_node *node,
    struct fy_node *fallback)
{
	const char *arg;
	char *args, *place, *with, *shown;
	size_t len;

	/* A value from the command line has no place in the file; it may
	 * hold a secret, as the file's values may (yaml_error()). */
	arg = config_overrides_find(&ld->ov, node != NULL ? node : fallback);
	if (arg != NULL) {
		shown = redact_builtin(arg, strlen(arg), &len);
		place = xasprintf("--set '%s'", shown);
		free(shown);
		return place;
	}
	place = yaml_where(ld->path, node, fallback);
	/* The file's value was right until an override changed its rule
	 * (kind=restarts under a threshold of 0.4; a key removed): the
	 * argument is what to change, the place what it clashes with. */
	args = config_overrides_context(&ld->ov, node != NULL ? node :
	    fallback);
	if (args == NULL)
		return place;
	shown = redact_builtin(args, strlen(args), &len);
	with = xasprintf("%s, with %s", shown, place);
	free(shown);
	free(args);
	free(place);
	return with;
}

/* ---------------------------------------------------------------------
 * Scalars.
 */

/* Is NODE absent or YAML's null (empty, ~, null)? */
bool
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

const char *
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

const char *
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

/* WORDS[0..N) as "a, b or c" into BUF. */
static const char *
config_join(const char *const *words, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i == 0 ? "" : i + 1 == n ? " or " : ", ", words[i]);
	return buf;
}

/* SEC's key names as "a, b or c". */
const char *
config_key_names(const struct config_section *sec, char *buf, size_t len)
{
	const char *names[64];
	size_t n = 0;

	for (const struct config_key *row = sec->keys; row->name != NULL &&
	    n < sizeof(names) / sizeof(names[0]); row++)
		names[n++] = row->name;
	return config_join(names, n, buf, len);
}

/* What a value of ROW must be, for messages. */
const char *
config_expect(const struct config_key *row, char *buf, size_t len)
{
	size_t n = 0;

	if (row->expect != NULL)
		return row->expect;
	switch (row->type) {
	case CONFIG_DURATION:
		return CONFIG_EXPECT_DURATION;
	case CONFIG_SIZE:
		return CONFIG_EXPECT_SIZE;
	case CONFIG_COUNT:
		return CONFIG_EXPECT_COUNT;
	case CONFIG_CHOICE:
		while (row->choices[n] != NULL)
			n++;
		return config_join(row->choices, n, buf, len);
	default:
		return "a value";
	}
}

/* What SEC's mapping must be, for messages. */
const char *
config_expect_map(const struct config_section *sec, char *buf, size_t len)
{
	char names[512];

	if (sec->expect != NULL)
		return sec->expect;
	snprintf(buf, len, "a mapping with %s",
	    config_key_names(sec, names, sizeof(names)));
	return buf;
}

/* A duration with an explicit unit, at least ROW->min ms. */
static int
config_duration(const struct config_key *row, const char *s, int64_t *out,
    char *why, size_t len)
{
	const char *p;
	size_t digits = 0;

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
		goto bad;
	if (*p == '\0') {
		snprintf(why, len, "'%s' has no unit; expected %s", s,
		    CONFIG_EXPECT_DURATION);
		return -1;
	}
	if (strcmp(p, "ms") != 0 && strcmp(p, "s") != 0 &&
	    strcmp(p, "m") != 0 && strcmp(p, "min") != 0 &&
	    strcmp(p, "h") != 0 && strcmp(p, "d") != 0 && strcmp(p, "w") != 0)
		goto bad;
	if (stamp_parse_duration(s, out) != 0)
		goto bad;
	if (*out < row->min) {
		snprintf(why, len, "'%s' is too short; expected at least "
		    "%" PRId64 "ms", s, row->min);
		return -1;
	}
	return 0;
bad:
	snprintf(why, len, "'%s' is not a duration; expected %s", s,
	    CONFIG_EXPECT_DURATION);
	return -1;
}

/* A whole number in [1, CONFIG_MAX_COUNT]. */
static int
config_count(const char *s, size_t *out, char *why, size_t len)
{
	const char *digits = s + (*s == '-');
	uint64_t v = 0;

	/* "-5" is a number, below the range: said so, as for a threshold. */
	for (const char *p = digits; *p != '\0' || p == digits; p++) {
		if (!isdigit((unsigned char)*p)) {
			snprintf(why, len, "'%s' is not a count; expected %s",
			    s, CONFIG_EXPECT_COUNT);
			return -1;
		}
		/* Past the bound v stays there: no overflow, whatever the
		 * length. */
		if (v <= CONFIG_MAX_COUNT)
			v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v == 0 || v > CONFIG_MAX_COUNT || digits != s) {
		snprintf(why, len, "'%s' is out of range; expected %s", s,
		    CONFIG_EXPECT_COUNT);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

/*
 * S, a scalar value of ROW (DURATION, SIZE, COUNT, CHOICE or STRING), into
 * FIELD.  Returns 0, or -1 with WHY set.  Used for the file's values and
 * for the table's defaults alike.
 */
int
config_value(const struct config_key *row, const char *s, void *field,
    char *why, size_t len)
{
	char buf[256];
	size_t v;

	switch (row->type) {
	case CONFIG_DURATION:
		return config_duration(row, s, field, why, len);
	case CONFIG_SIZE:
		if (config_parse_size(s, &v) != 0) {
			snprintf(why, len, "'%s' is not a size; expected %s",
			    s, CONFIG_EXPECT_SIZE);
			return -1;
		}
		if (v > (size_t)row->max) {
			snprintf(why, len, "'%s' is too large; expected at "
			    "most %zu bytes", s, (size_t)row->max);
			return -1;
		}
		*(size_t *)field = v;
		return 0;
	case CONFIG_COUNT:
		return config_count(s, field, why, len);
	case CONFIG_CHOICE:
		for (int i = 0; row->choices[i] != NULL; i++) {
			if (strcmp(s, row->choices[i]) != 0)
				continue;
			if (row->size == sizeof(bool))
				*(bool *)field = i != 0;
			else
				*(int *)field = i;
			return 0;
		}
		snprintf(why, len, "'%s' is not a choice; expected %s", s,
		    config_expect(row, buf, sizeof(buf)));
		return -1;
	case CONFIG_STRING:
	case CONFIG_PATH:
	case CONFIG_GLOB:
		if (row->check != NULL && row->check(s, 0, why, len) != 0)
			return -1;
		free(*(char **)field);
		*(char **)field = xstrdup(s);
		return 0;
	default:
		snprintf(why, len, "not a scalar key");
		return -1;
	}
}

/*
 * PATH taken relative to the config file's directory.  IS_GLOB escapes the
 * directory's own glob(7) characters, so that only PATH's are patterns.
 */
char *
config_resolve(struct config_loader *ld, const char *path, bool is_glob)
{
	char *out, *o;

	if (path[0] == '/' || strcmp(ld->dir, ".") == 0)
		return xstrdup(path);
	if (!is_glob)
		return path_join(ld->dir, path);
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

/* A pattern set given as a file rather than a name (match_set_find()). */
bool
config_is_file_like(const char *s)
{
	size_t len = strlen(s);

	return strchr(s, '/') != NULL || (len > 5 &&
	    strcmp(s + len - 5, ".yaml") == 0) || (len > 4 &&
	    strcmp(s + len - 4, ".yml") == 0);
}

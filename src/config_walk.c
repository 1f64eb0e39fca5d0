/*
 * config_walk: reads any section of the config file by its table
 * (config_table.h): one walk of a mapping, whatever keys it has.  The
 * whole file is a libfyaml document by then (aliases resolved); the first
 * problem found is the error.  libfyaml gives positions for scalar tokens
 * only, so an error about a list or a mapping points at the first scalar
 * inside it, or at its key when it has none.
 *
 * Relative paths (sources, state_dir, pattern files) are taken relative to
 * the directory of the config file, not the working directory: a service
 * runs from /, and the same file must mean the same thing wherever
 * `omniwatch summary` is started from.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "config.h"
#include "config_table.h"
#include "http_header.h"
#include "xmalloc.h"

static int config_walk_map(struct config_walk *w);

/* Names W's mapping in messages ("source 2", "alerts.x"). */
static void __attribute__((format(printf, 2, 3)))
config_walk_prefix(struct config_walk *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(w->prefix, sizeof(w->prefix), fmt, ap);
	va_end(ap);
}

static void
config_walk_done(struct config_walk *w)
{
	free(w->given);
	free(w->seen);
}

/* ---------------------------------------------------------------------
 * Values by type.
 */

static void
config_names_free(char ***names, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*names)[i]);
	free(*names);
	*names = NULL;
	*n = 0;
}

/* A list of non-empty strings, replacing what the field held. */
static int
config_walk_names(struct config_walk *w, const struct config_key *row,
    struct fy_node *k, struct fy_node *v, const char *what)
{
	struct config_loader *ld = w->ld;
	char ***out = (char ***)((char *)w->base + row->offset);
	size_t *nout = (size_t *)((char *)w->base + row->count);
	struct fy_node *item;
	void *iter = NULL;
	char why[512];
	int n = fy_node_is_sequence(v) ? fy_node_sequence_item_count(v) : 0;

	if (!fy_node_is_sequence(v) || (n == 0 &&
	    (row->flags & CONFIG_NONEMPTY)))
		return config_error(ld, v, k, "%s: got %s; expected %s", what,
		    fy_node_is_sequence(v) ? "an empty list" : config_kind(v),
		    row->expect);
	config_names_free(out, nout);
	*out = xcalloc((size_t)n + 1, sizeof(**out));
	while ((item = fy_node_sequence_iterate(v, &iter)) != NULL) {
		const char *s = config_scalar(ld, k, item, what, row->item);

		if (s == NULL)
			return -1;
		for (size_t i = 0; i < *nout; i++)
			if (strcmp((*out)[i], s) == 0)
				return config_error(ld, item, k, "%s: '%s' "
				    "is listed twice; expected each %s%sonce",
				    what, s, row->noun != NULL ? row->noun :
				    "", row->noun != NULL ? " " : "");
		(*out)[(*nout)++] = (row->flags & CONFIG_FILE_LIKE) &&
		    config_is_file_like(s) ? config_resolve(ld, s, false) :
		    xstrdup(s);
	}
	/* Checked once all are read: a repeat is the first thing said. */
	iter = NULL;
	for (size_t i = 0; row->check != NULL && i < *nout; i++) {
		item = fy_node_sequence_iterate(v, &iter);
		if (row->check((*out)[i], i, why, sizeof(why)) != 0)
			return config_error(ld, item, k, "%s: %s", what, why);
	}
	return 0;
}

/* Items of a LIST or NAMED row: the array, grown by one zeroed item. */
static void *
config_walk_item(struct config_walk *w, const struct config_key *row,
    size_t *index)
{
	void *arr = *(void **)((char *)w->base + row->offset);
	size_t *n = (size_t *)((char *)w->base + row->count);
	void *item;

	/* Counted first, so that config_free() sees a partial one. */
	*index = (*n)++;
	item = (char *)arr + *index * row->section->size;
	config_walk_defaults(row->section, item);
	return item;
}

/* The item mapping V (with key K): its type, then its keys. */
static int
config_walk_child(struct config_walk *parent, struct config_walk *w,
    struct fy_node *k, struct fy_node *v)
{
	char buf[512];
	int rc;

	w->ld = parent->ld;
	w->map = v;
	if (!fy_node_is_mapping(v) || ((w->sec->flags & CONFIG_ONE_KEY) &&
	    fy_node_mapping_is_empty(v)))
		return config_error(w->ld, v, k, "%s: got %s; expected %s",
		    w->prefix, fy_node_is_mapping(v) ? "an empty mapping" :
		    config_kind(v), config_expect_map(w->sec, buf,
		    sizeof(buf)));
	rc = config_walk_map(w);
	config_walk_done(w);
	return rc;
}

static int
config_walk_list(struct config_walk *w, const struct config_key *row,
    struct fy_node *k, struct fy_node *v, const char *what)
{
	const struct config_section *sec = row->section;
	void **arr = (void **)((char *)w->base + row->offset);
	struct fy_node *item;
	void *iter = NULL;
	int n = fy_node_is_sequence(v) ? fy_node_sequence_item_count(v) : 0;

	if (!fy_node_is_sequence(v) || (n == 0 &&
	    (row->flags & CONFIG_NONEMPTY)))
		return config_error(w->ld, v, k, "%s: got %s; expected %s",
		    what, fy_node_is_sequence(v) ? "an empty list" :
		    config_kind(v), row->expect);
	*arr = xcalloc((size_t)n + 1, sec->size);
	while ((item = fy_node_sequence_iterate(v, &iter)) != NULL) {
		struct config_walk c = { .sec = sec, .sep = ": ",
		    .anchor = item, .fallback = k, .list = what };

		c.base = config_walk_item(w, row, &c.index);
		config_walk_prefix(&c, "%s %zu", sec->label,
		    c.index + 1);
		if (config_walk_child(w, &c, k, item) != 0)
			return -1;
	}
	return 0;
}

static int
config_walk_named(struct config_walk *w, const struct config_key *row,
    struct fy_node *k, struct fy_node *v, const char *what)
{
	const struct config_section *sec = row->section;
	void **arr = (void **)((char *)w->base + row->offset);
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (!fy_node_is_mapping(v))
		return config_error(w->ld, v, k, "%s: got %s; expected %s",
		    what, config_kind(v), row->expect);
	*arr = xcalloc((size_t)fy_node_mapping_item_count(v) + 1, sec->size);
	while ((pair = fy_node_mapping_iterate(v, &iter)) != NULL) {
		struct fy_node *ik = fy_node_pair_key(pair);
		struct config_walk c = { .sec = sec, .sep = ".", .anchor = ik,
		    .fallback = fy_node_pair_value(pair), .list = what };
		const char *name = config_scalar(w->ld, k, ik, what,
		    row->item);

		if (name == NULL)
			return -1;
		c.base = config_walk_item(w, row, &c.index);
		*(char **)((char *)c.base + sec->name) = xstrdup(name);
		config_walk_prefix(&c, "%s.%s", what, name);
		if (config_walk_child(w, &c, ik, fy_node_pair_value(pair)) != 0)
			return -1;
	}
	return 0;
}

/* Keeps where V (else K) is, for checks made once the file is read. */
static void
config_walk_where(struct config_walk *w, const struct config_key *row,
    struct fy_node *k, struct fy_node *v)
{
	char **where = (char **)((char *)w->base + row->where);

	free(*where);
	*where = config_where(w->ld, v, k);
}

/*
 * An item's name (an alert's, a probe's): it labels metrics and keys the
 * item's saved state, so it is plain and unique in its list.  The items
 * before W's are the ones just before it in the same array.
 */
static int
config_walk_item_name(struct config_walk *w, const struct config_key *row,
    struct fy_node *k, struct fy_node *v)
{
	char **field = (char **)((char *)w->base + row->offset);
	char what[128];
	const char *s;

	snprintf(what, sizeof(what), "%s: name", w->list);
	s = config_scalar(w->ld, k, v, what, "a name of letters, digits, "
	    "'.', '_' or '-'");
	if (s == NULL)
		return -1;
	for (const char *c = s; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && strchr("._-", *c) == NULL)
			return config_error(w->ld, v, NULL, "%s '%s' has '%c'; "
			    "expected letters, digits, '.', '_' or '-'", what,
			    s, *c);
	for (size_t i = 0; i < w->index; i++) {
		const char *other = *(char **)((char *)w->base -
		    (w->index - i) * w->sec->size + row->offset);

		if (other != NULL && strcmp(other, s) == 0)
			return config_error(w->ld, v, NULL, "%s: '%s' is named "
			    "twice; expected each name once", w->list, s);
	}
	free(*field);
	*field = xstrdup(s);
	if (row->flags & CONFIG_WHERE) {
		char **where = (char **)((char *)w->base + row->where);

		free(*where);
		*where = config_where(w->ld, w->map, k);
	}
	return 0;
}

/*
 * A mapping of header names to one-line values (a receiver's, a probe's),
 * each checked by http_header_check(), the rule `probe --header` follows
 * too.  A value may be a token, so it is never put in a message.
 */
static int
config_walk_headers(struct config_walk *w, const struct config_key *row,
    struct fy_node *key, struct fy_node *value, const char *what)
{
	struct config_header **headers = (struct config_header **)
	    ((char *)w->base + row->offset);
	size_t *n = (size_t *)((char *)w->base + row->count);
	struct fy_node_pair *pair;
	void *iter = NULL;
	char item[sizeof(w->prefix) + 128];

	if (!fy_node_is_mapping(value))
		return config_error(w->ld, value, key, "%s: got %s; expected a "
		    "mapping of header names to values", what,
		    config_kind(value));
	*headers = xcalloc((size_t)fy_node_mapping_item_count(value) + 1,
	    sizeof(**headers));
	while ((pair = fy_node_mapping_iterate(value, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		const char *s, *why;

		why = http_header_check(name != NULL ? name : "", "");
		if (why != NULL)
			return config_error(w->ld, k, value, "%s: '%s' %s", what,
			    name != NULL ? name : "?", why);
		snprintf(item, sizeof(item), "%s.%s", what, name);
		s = config_scalar(w->ld, k, v, item, "a header value");
		if (s == NULL)
			return -1;
		why = http_header_check(name, s);
		if (why != NULL)
			return config_error(w->ld, v, k, "%s: %s", item, why);
		(*headers)[*n].name = xstrdup(name);
		(*headers)[*n].value = xstrdup(s);
		(*n)++;
	}
	return 0;
}

/* Header values may be tokens: wiped before they are freed. */
static void
config_walk_headers_free(struct config_header **headers, size_t *n)
{
	for (size_t j = 0; j < *n; j++) {
		free((*headers)[j].name);
		explicit_bzero((*headers)[j].value, strlen((*headers)[j].value));
		free((*headers)[j].value);
	}
	free(*headers);
	*headers = NULL;
	*n = 0;
}

/* The value V of ROW (key node K) into W's struct. */
static int
config_walk_value(struct config_walk *w, const struct config_key *row,
    struct fy_node *k, struct fy_node *v)
{
	struct config_loader *ld = w->ld;
	void *field = (char *)w->base + row->offset;
	char what[sizeof(w->prefix) + 64], why[512], buf[512];
	const char *s;

	config_walk_what(w, row->name, what, sizeof(what));
	if ((row->flags & CONFIG_NULL_OK) && config_is_null(v))
		return 0;
	if (row->parse != NULL)
		return row->parse(w, row, k, v);
	switch (row->type) {
	case CONFIG_NAMES:
		if (config_walk_names(w, row, k, v, what) != 0)
			return -1;
		if (row->flags & CONFIG_WHERE)
			config_walk_where(w, row, k, v);
		return 0;
	case CONFIG_NAME:
		return config_walk_item_name(w, row, k, v);
	case CONFIG_HEADERS:
		return config_walk_headers(w, row, k, v, what);
	case CONFIG_LIST:
		return config_walk_list(w, row, k, v, what);
	case CONFIG_NAMED:
		return config_walk_named(w, row, k, v, what);
	case CONFIG_CUSTOM:
	case CONFIG_LATER:
		return 0;
	case CONFIG_SECTION: {
		struct config_walk c = { .ld = ld, .sec = row->section,
		    .base = w->base, .sep = ".", .map = v, .anchor = v,
		    .fallback = k };
		int rc;

		if (!fy_node_is_mapping(v))
			return config_error(ld, v, k, "%s: got %s; expected %s",
			    what, config_kind(v), config_expect_map(c.sec,
			    buf, sizeof(buf)));
		config_walk_prefix(&c, "%s", what);
		rc = config_walk_map(&c);
		config_walk_done(&c);
		return rc;
	}
	default:
		break;
	}
	s = config_scalar(ld, k, v, what, config_expect(row, buf,
	    sizeof(buf)));
	if (s == NULL)
		return -1;
	if (config_value(row, s, field, why, sizeof(why)) != 0)
		return config_error(ld, v, k, "%s: %s", what, why);
	if (row->type == CONFIG_PATH || row->type == CONFIG_GLOB) {
		char *raw = *(char **)field;

		*(char **)field = config_resolve(ld, raw,
		    row->type == CONFIG_GLOB);
		free(raw);
	}
	if (row->flags & CONFIG_WHERE)
		config_walk_where(w, row, k, v);
	return 0;
}

/* ---------------------------------------------------------------------
 * Mappings.
 */

void
config_walk_what(const struct config_walk *w, const char *key, char *buf,
    size_t len)
{
	if (w->prefix[0] == '\0')
		snprintf(buf, len, "%s", key);
	else
		snprintf(buf, len, "%s%s%s", w->prefix, w->sep, key);
}

static const struct config_key *
config_row(const struct config_section *sec, const char *name, size_t *i)
{
	for (*i = 0; sec->keys[*i].name != NULL; (*i)++)
		if (strcmp(sec->keys[*i].name, name) == 0)
			return &sec->keys[*i];
	return NULL;
}

struct fy_node *
config_walk_given(const struct config_walk *w, const char *key)
{
	size_t i;

	return config_row(w->sec, key, &i) != NULL ? w->given[i] : NULL;
}

bool
config_walk_seen(const struct config_walk *w, const char *key)
{
	size_t i;

	return config_row(w->sec, key, &i) != NULL && w->seen[i];
}

/*
 * The key naming an item (an alert's name) is read first, so that every
 * later message can carry it: "alerts.NAME.window".
 */
static int
config_walk_name(struct config_walk *w, const char *list)
{
	const struct config_key *row;
	struct fy_node_pair *pair;
	void *iter = NULL;
	const char *name;
	char buf[512];
	size_t i;

	row = config_row(w->sec, w->sec->name_key, &i);
	while ((pair = fy_node_mapping_iterate(w->map, &iter)) != NULL) {
		name = fy_node_get_scalar0(fy_node_pair_key(pair));
		if (name == NULL || strcmp(name, w->sec->name_key) != 0)
			continue;
		w->seen[i] = true;
		w->given[i] = fy_node_pair_value(pair);
		if (config_walk_value(w, row, fy_node_pair_key(pair),
		    fy_node_pair_value(pair)) != 0)
			return -1;
	}
	name = *(char **)((char *)w->base + row->offset);
	if (name == NULL)
		return config_error(w->ld, w->anchor, w->fallback, "%s: no %s; "
		    "expected %s", w->prefix, w->sec->name_key,
		    config_expect_map(w->sec, buf, sizeof(buf)));
	config_walk_prefix(w, "%s.%s", list, name);
	w->sep = ".";
	return 0;
}

/* Reads the keys of W->map by W->sec; W->given is left for the caller. */
static int
config_walk_map(struct config_walk *w)
{
	const struct config_section *sec = w->sec;
	struct fy_node_pair *pair;
	void *iter = NULL;
	char buf[512];
	size_t nkeys = 0, i;

	while (sec->keys[nkeys].name != NULL)
		nkeys++;
	w->given = xcalloc(nkeys + 1, sizeof(*w->given));
	w->seen = xcalloc(nkeys + 1, sizeof(*w->seen));
	if (sec->name_key != NULL && config_walk_name(w, w->list) != 0)
		return -1;
	while ((pair = fy_node_mapping_iterate(w->map, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *name = fy_node_get_scalar0(k);
		const struct config_key *row;

		if (name == NULL)
			name = "?";
		row = config_row(sec, name, &i);
		if (row == NULL)
			return config_error(w->ld, k, w->map, "%s%sunknown key "
			    "'%s'; expected %s", w->prefix, w->prefix[0] !=
			    '\0' ? ": " : "", name, config_key_names(sec, buf,
			    sizeof(buf)));
		if (sec->name_key != NULL && strcmp(name, sec->name_key) == 0)
			continue;
		for (size_t j = 0; (sec->flags & CONFIG_ONE_KEY) && j < nkeys;
		    j++)
			if (w->seen[j])
				return config_error(w->ld, k, w->map, "%s: "
				    "both %s and %s; expected exactly one (%s)",
				    w->prefix, sec->keys[j].name, name,
				    sec->hint);
		w->seen[i] = true;
		w->given[i] = v;
		if (config_walk_value(w, row, k, v) != 0)
			return -1;
	}
	for (i = 0; i < nkeys; i++) {
		const struct config_key *row = &sec->keys[i];

		if (!(row->flags & CONFIG_REQUIRED) || w->seen[i])
			continue;
		if (w->prefix[0] == '\0')
			return config_error(w->ld, w->anchor, w->fallback,
			    "no '%s'; expected %s", row->name,
			    config_expect(row, buf, sizeof(buf)));
		return config_error(w->ld, w->anchor, w->fallback, "%s: no %s; "
		    "expected %s", w->prefix, row->name, config_expect(row, buf,
		    sizeof(buf)));
	}
	return sec->finish != NULL ? sec->finish(w) : 0;
}

int
config_walk_root(struct config_loader *ld, struct fy_node *root)
{
	struct config_walk w = { .ld = ld, .sec = &config_table_root,
	    .base = ld->cfg, .sep = "", .map = root, .anchor = root };
	char buf[512];
	int rc;

	if (config_is_null(root) || !fy_node_is_mapping(root))
		return config_error(ld, root, NULL, "got %s; expected %s",
		    root == NULL ? "an empty file" : config_kind(root),
		    config_expect_map(w.sec, buf, sizeof(buf)));
	rc = config_walk_map(&w);
	config_walk_done(&w);
	return rc;
}

/* ---------------------------------------------------------------------
 * Defaults and freeing, by the same rows.
 */

void
config_walk_defaults(const struct config_section *sec, void *base)
{
	char why[512];

	for (const struct config_key *row = sec->keys; row->name != NULL;
	    row++) {
		void *field = (char *)base + row->offset;

		if (row->type == CONFIG_SECTION)
			config_walk_defaults(row->section, base);
		else if (row->dflt == NULL)
			continue;
		else if (row->type == CONFIG_NAMES) {
			char ***names = field;

			config_names_free(names, (size_t *)((char *)base +
			    row->count));
			*names = xcalloc(2, sizeof(**names));
			(*names)[0] = xstrdup(row->dflt);
			*(size_t *)((char *)base + row->count) = 1;
		} else
			/* A default that does not parse is a mistake in the
			 * table, which config_walk_check() finds. */
			(void)config_value(row, row->dflt, field, why,
			    sizeof(why));
	}
}

int
config_walk_check(const struct config_section *sec, char *why, size_t len)
{
	union {
		int64_t	 ms;
		size_t	 n;
		int	 i;
		char	*s;
	} v;

	for (const struct config_key *row = sec->keys; row->name != NULL;
	    row++) {
		char sub[256];

		if ((row->type == CONFIG_CHOICE) != (row->choices != NULL) ||
		    ((row->type == CONFIG_SECTION || row->type == CONFIG_LIST ||
		    row->type == CONFIG_NAMED) != (row->section != NULL)) ||
		    ((row->type == CONFIG_CUSTOM) && row->parse == NULL) ||
		    (row->text == NULL)) {
			snprintf(why, len, "%s: the row is incomplete",
			    row->name);
			return -1;
		}
		if (row->section != NULL &&
		    config_walk_check(row->section, sub, sizeof(sub)) != 0) {
			snprintf(why, len, "%s.%s", row->name, sub);
			return -1;
		}
		if (row->dflt == NULL || row->type == CONFIG_NAMES)
			continue;
		memset(&v, 0, sizeof(v));
		if (config_value(row, row->dflt, &v, sub, sizeof(sub)) != 0) {
			snprintf(why, len, "%s: default %s", row->name, sub);
			return -1;
		}
		if (row->type == CONFIG_STRING || row->type == CONFIG_PATH ||
		    row->type == CONFIG_GLOB)
			free(v.s);
	}
	return 0;
}

void
config_walk_release(const struct config_section *sec, void *base)
{
	for (const struct config_key *row = sec->keys; row->name != NULL;
	    row++) {
		void *field = (char *)base + row->offset;
		size_t *n = (size_t *)((char *)base + row->count);

		if (row->flags & CONFIG_WHERE)
			free(*(char **)((char *)base + row->where));
		switch (row->type) {
		case CONFIG_STRING:
		case CONFIG_NAME:
		case CONFIG_PATH:
		case CONFIG_GLOB:
			free(*(char **)field);
			break;
		case CONFIG_HEADERS:
			config_walk_headers_free(field, n);
			break;
		case CONFIG_NAMES:
			config_names_free(field, n);
			break;
		case CONFIG_SECTION:
			config_walk_release(row->section, base);
			break;
		case CONFIG_LIST:
		case CONFIG_NAMED:
			for (size_t i = 0; i < *n; i++) {
				char *item = (char *)*(void **)field +
				    i * row->section->size;

				if (row->type == CONFIG_NAMED)
					free(*(char **)(item +
					    row->section->name));
				config_walk_release(row->section, item);
			}
			free(*(void **)field);
			break;
		case CONFIG_CUSTOM:
			if (row->release != NULL)
				row->release(base);
			break;
		default:
			break;
		}
	}
}

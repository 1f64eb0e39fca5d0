/*
 * config_table: the keys of omniwatch.yaml(5) as data, and the walker
 * that reads any section by them (config_walk.c).  config.h is the public
 * side; this header is for config*.c and the tests.
 *
 * Each section of the file (the top, record:, tail:, a source, a receiver,
 * an alert rule...) is a struct config_section: a list of rows, one per
 * key, saying the key's name, its kind, its bounds, where its value goes
 * (an offset into the section's struct), its default and the sentence the
 * man page says of it.  The walker knows no key by name: the "unknown key
 * 'x'; expected a, b or c" and "got a list; expected a mapping with a, b
 * or c" messages are made from the rows, defaults are set and memory is
 * freed by walking the same rows.  The model is tmux's options-table.c.
 */
#ifndef OMNIWATCH_CONFIG_TABLE_H
#define OMNIWATCH_CONFIG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_override.h"
#include "yaml_load.h"

struct fy_node;
struct config;
struct config_walk;

#define CONFIG_MAX_COUNT	1000000000	/* a count's upper bound */
#define CONFIG_EXPECT_COUNT	"a whole number from 1 to 1000000000"
#define CONFIG_EXPECT_RATE	"a failure rate above 0, at most 1 (e.g. 0.5)"

enum config_type {
	CONFIG_STRING,		/* char *, copied */
	CONFIG_NAME,		/* char *: an item's name, unique in its list */
	CONFIG_PATH,		/* char *, relative to the file's directory */
	CONFIG_GLOB,		/* char *, a glob(7) relative to the same */
	CONFIG_DURATION,	/* int64_t ms, with a unit; >= .min */
	CONFIG_SIZE,		/* size_t bytes; <= .max */
	CONFIG_COUNT,		/* size_t, 1 to CONFIG_MAX_COUNT */
	CONFIG_CHOICE,		/* bool or int (an enum): index in .choices */
	CONFIG_NAMES,		/* char **, count at .count: strings */
	CONFIG_SECTION,		/* a mapping of .section's keys, same struct */
	CONFIG_LIST,		/* a list of mappings: array, count at .count */
	CONFIG_NAMED,		/* a mapping of names to mappings: same */
	CONFIG_HEADERS,		/* struct config_header *, count at .count */
	CONFIG_CUSTOM,		/* read by .parse, freed by .release */
	CONFIG_LATER,		/* kept for the section's .finish to read */
};

/* Row flags. */
#define CONFIG_REQUIRED	0x01	/* "no KEY; expected ..." when absent */
#define CONFIG_NULL_OK	0x02	/* an empty value means "not given" */
#define CONFIG_NONEMPTY	0x04	/* NAMES, LIST: at least one item */
#define CONFIG_WHERE	0x08	/* keep FILE:LINE:COLUMN at .where (NAME:
				 * where its item's mapping is) */
#define CONFIG_FILE_LIKE 0x10	/* NAMES: an item with '/' or ending in
				 * .yaml or .yml is a PATH, else a name */

/* Section flags. */
#define CONFIG_ONE_KEY	0x01	/* exactly one of the keys; see .hint */

/*
 * A check a string must pass beyond being a non-empty scalar: returns 0,
 * or -1 with WHY set to what follows "WHAT: " in the message ("'x' is not
 * HOST:PORT; expected ...").  INDEX is the item's, in a list of names.
 */
typedef int (*config_check_fn)(const char *s, size_t index, char *why,
    size_t len);

struct config_key {
	const char	*name;
	enum config_type type;
	int		 flags;
	size_t		 offset;	/* of the field in the section's struct */
	size_t		 size;		/* of the field (CHOICE: bool or int) */
	size_t		 count;		/* NAMES, LIST, NAMED, HEADERS: of the
					 * size_t */
	size_t		 where;		/* CONFIG_WHERE: of the char * */
	int64_t		 min;		/* DURATION: in ms (1: not zero) */
	int64_t		 max;		/* SIZE: in bytes */
	const char	*dflt;		/* as the file would say it, or NULL */
	const char *const *choices;	/* CHOICE: NULL-terminated */
	const char	*expect;	/* NULL: said by the type or choices */
	const char	*item;		/* NAMES, NAMED: what an item must be */
	const char	*noun;		/* NAMES: "listed twice; expected each
					 * NOUN once" */
	const struct config_section *section;	/* SECTION, LIST, NAMED */
	config_check_fn	 check;		/* STRING, NAMES (each item) */
	/* Reads the value instead of the type's reader (CUSTOM, or a
	 * STRING with rules of its own); 0, or -1 with the error set. */
	int		(*parse)(struct config_walk *, const struct config_key *,
			    struct fy_node *k, struct fy_node *v);
	void		(*release)(void *base);	/* CUSTOM: frees the field */
	const char	*text;		/* the man page's sentence */
};

/* Where a field is: its offset and size, for a row. */
#define CONFIG_AT(type, field) \
	.offset = offsetof(type, field), \
	.size = sizeof(((type *)0)->field)

struct config_section {
	const struct config_key *keys;	/* ended by a row without a name */
	int		 flags;
	const char	*expect;	/* when not a mapping; NULL: "a mapping
					 * with KEY, KEY or KEY" */
	const char	*hint;		/* CONFIG_ONE_KEY: "(make two sources)" */
	size_t		 size;		/* LIST, NAMED: of one item */
	const char	*label;		/* LIST: "source" as in "source 2: " */
	const char	*name_key;	/* LIST: read first; then "alerts.NAME" */
	size_t		 name;		/* NAMED: offset of the char *name */
	/* Checks made once every key is read (a key that depends on
	 * another); 0 or -1 with the error set. */
	int		(*finish)(struct config_walk *);
};

/* Whether S is an http:// or https:// URL (receivers', probes'). */
bool config_is_http_url(const char *s);

/* The top of the file, and an alert rule (for config_override.c). */
extern const struct config_section config_table_root;
extern const struct config_section config_table_alert;

/* An item of probes: (config_probe.c). */
extern const struct config_section config_probe_section;

/* ---------------------------------------------------------------------
 * The walker (config_walk.c), for config.c and the rows' hooks.
 */

struct config_loader {
	const char	*path;
	char		*dir;		/* of PATH, for relative paths */
	struct config	*cfg;
	char		*err;		/* the first error, malloc'd */
	struct config_overrides ov;	/* --set, from the command line */
};

/* One mapping being read. */
struct config_walk {
	struct config_loader *ld;
	const struct config_section *sec;
	void		*base;		/* the struct the rows' offsets are in */
	char		 prefix[320];	/* "record", "source 2", "alerts.x" */
	const char	*sep;		/* between prefix and key: "." or ": " */
	struct fy_node	*map;		/* the mapping */
	struct fy_node	*anchor;	/* where "no KEY" points, */
	struct fy_node	*fallback;	/* else here */
	size_t		 index;		/* in its list */
	const char	*list;		/* its list's name: "alerts" */
	bool		*seen;		/* each row's key was given */
	struct fy_node	**given;	/* and its value node (may be NULL) */
};

/* Reads the document's root into LD->cfg.  0, or -1 with LD->err set. */
int config_walk_root(struct config_loader *ld, struct fy_node *root);

/* Sets every default of SEC's rows (and SECTION rows') in BASE. */
void config_walk_defaults(const struct config_section *sec, void *base);

/* Frees what SEC's rows hold in BASE, not BASE itself. */
void config_walk_release(const struct config_section *sec, void *base);

/* Sets LD's error (the first one wins) at NODE, else FALLBACK, as
 * config_where() names it; -1.  The pattern sets' errors are made by the
 * same yaml_error(). */
#define config_error(ld, node, fallback, ...)				\
	yaml_error(&(ld)->err, config_where((ld), (node), (fallback)),	\
	    __VA_ARGS__)

/* A malloc'd "FILE:LINE:COLUMN" of NODE, else of FALLBACK; "--set 'ARG'"
 * for a value from the command line (config_override.h). */
char *config_where(struct config_loader *ld, struct fy_node *node,
    struct fy_node *fallback);

/* "a mapping", "a list", "a string" or "nothing". */
const char *config_kind(struct fy_node *node);

/* Is NODE absent or YAML's null (empty, ~, null)? */
bool config_is_null(struct fy_node *node);

/* SEC's key names as "a, b or c", in BUF (LEN bytes); returns BUF. */
const char *config_key_names(const struct config_section *sec, char *buf,
    size_t len);

/* What a value of ROW must be, for messages; may be BUF. */
const char *config_expect(const struct config_key *row, char *buf,
    size_t len);

/* What a mapping of SEC must be ("a mapping with a, b or c"). */
const char *config_expect_map(const struct config_section *sec, char *buf,
    size_t len);

/*
 * S, a scalar value of ROW (DURATION, SIZE, COUNT, CHOICE, STRING, PATH
 * or GLOB: copied as is), into FIELD.  0, or -1 with WHY set to what
 * follows "WHAT: " in the message.
 */
int config_value(const struct config_key *row, const char *s, void *field,
    char *why, size_t len);

/*
 * PATH taken relative to the config file's directory (malloc'd).  IS_GLOB
 * escapes the directory's own glob(7) characters.
 */
char *config_resolve(struct config_loader *ld, const char *path,
    bool is_glob);

/* A pattern set given as a file rather than a name (match_set_find()). */
bool config_is_file_like(const char *s);

/*
 * The text of V (for key K, named WHAT): a non-empty scalar without NUL
 * bytes; else NULL with the error set, saying EXPECTED.  Lives as long as
 * the document.
 */
const char *config_scalar(struct config_loader *ld, struct fy_node *k,
    struct fy_node *v, const char *what, const char *expected);

/* WHAT for ROW's key in W: "record.max_lines", "source 1: path". */
void config_walk_what(const struct config_walk *w, const char *key,
    char *buf, size_t len);

/* Was the row named KEY given in W's mapping? */
bool config_walk_seen(const struct config_walk *w, const char *key);

/*
 * Checks SEC's rows (and their sections'): each default parses, each row
 * has what its type needs and a sentence.  0, or -1 with WHY set.  For
 * the tests: a row that fails is a mistake in the table.
 */
int config_walk_check(const struct config_section *sec, char *why,
    size_t len);

/* The value node given for the row named KEY, or NULL. */
struct fy_node *config_walk_given(const struct config_walk *w,
    const char *key);

#endif

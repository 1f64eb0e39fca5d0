/*
 * match_load: reading a pattern set file (libfyaml) into a struct
 * match_set, compiling its regexes (PCRE2, JIT when there is one), and
 * finding a set's file by name.  See match.h.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libfyaml.h>

#include "fnv.h"
#include "log.h"
#include "match.h"
#include "match_int.h"
#include "path.h"
#include "utf8.h"
#include "xmalloc.h"
#include "yaml_load.h"

static uint64_t match_text_digest(const char *);

/* ---------------------------------------------------------------------
 * Loading.
 */

struct match_loader {
	const char	*path;
	struct fy_document *doc;
	struct match_set *set;
	char		*err;
};

/* Sets LD's error (the first one wins) at NODE; -1 (yaml_error). */
#define match_error(ld, node, ...)					\
	yaml_error(&(ld)->err, yaml_where((ld)->path, (node), NULL),	\
	    __VA_ARGS__)

static const char *
match_scalar(struct match_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what)
{
	const char *s;
	size_t len;

	if (value == NULL || !fy_node_is_scalar(value)) {
		match_error(ld, key, "%s: expected a string", what);
		return NULL;
	}
	s = fy_node_get_scalar(value, &len);
	if (s == NULL || memchr(s, '\0', len) != NULL ||
	    (fy_node_get_style(value) == FYNS_PLAIN && (len == 0 ||
	    (len == 1 && s[0] == '~') || (len == 4 &&
	    memcmp(s, "null", 4) == 0)))) {
		match_error(ld, value, "%s: expected a string", what);
		return NULL;
	}
	if (len == 0) {
		match_error(ld, value, "%s: expected a non-empty string",
		    what);
		return NULL;
	}
	return s;
}

static char *
match_scalar_dup(struct match_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what)
{
	size_t len;
	const char *s = match_scalar(ld, key, value, what);

	if (s == NULL)
		return NULL;
	s = fy_node_get_scalar(value, &len);
	return xstrndup(s, len);
}

/* Compiles a regex scalar; errors point at the offending column. */
static pcre2_code *
match_compile(struct match_loader *ld, struct fy_node *node,
    const char *regex, const char *what, int *line, int *column)
{
	struct fy_token *tok = fy_node_get_scalar_token(node);
	const struct fy_mark *mark = tok != NULL ? fy_token_start_mark(tok) :
	    NULL;
	enum fy_node_style style = fy_node_get_style(node);
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *re;
	/* libfyaml 0.7's scalar token mark is at the first character of the
	 * value, after any opening quote. */
	int col0 = mark != NULL ? mark->column + 1 : 0;
	*line = mark != NULL ? mark->line + 1 : 0;
	*column = col0;
	re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];
		int col = col0 + (int)erroff;

		/* A quote written twice in a single-quoted scalar, or an
		 * escape in a double-quoted one ("\\", "\n"), is one
		 * character of the regex but two columns of the file. */
		for (size_t k = 0; k < erroff && regex[k] != '\0'; k++) {
			unsigned char ch = (unsigned char)regex[k];

			if (style == FYNS_SINGLE_QUOTED && ch == '\'')
				col++;
			else if (style == FYNS_DOUBLE_QUOTED && (ch == '\\' ||
			    ch == '"' || ch < 0x20))
				col++;
		}
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		free(ld->err);
		ld->err = xasprintf("%s:%d:%d: pattern '%s' %s: %s at offset "
		    "%zu", ld->path, *line, col,
		    ld->set->name != NULL ? ld->set->name : "?", what,
		    (const char *)msg, (size_t)erroff);
		return NULL;
	}
	if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0)
		ld->set->is_jit = true;
	return re;
}

static int
match_load_class(struct match_loader *ld, struct fy_node *item,
    struct match_class *c, bool is_success, size_t index)
{
	struct fy_node *regex_node = NULL;
	void *iter = NULL;
	struct fy_node_pair *pair;
	char what[192];

	if (fy_node_is_scalar(item) && is_success) {
		regex_node = item;
		c->name = xstrdup("success");
	} else if (fy_node_is_mapping(item)) {
		while ((pair = fy_node_mapping_iterate(item, &iter)) != NULL) {
			struct fy_node *k = fy_node_pair_key(pair);
			struct fy_node *v = fy_node_pair_value(pair);
			const char *key = fy_node_get_scalar0(k);

			if (key == NULL)
				return match_error(ld, k, "expected a key");
			if (strcmp(key, "regex") == 0) {
				if (match_scalar(ld, k, v, "regex") == NULL)
					return -1;
				regex_node = v;
			} else if (strcmp(key, "class") == 0) {
				free(c->name);
				c->name = match_scalar_dup(ld, k, v, "class");
				if (c->name == NULL)
					return -1;
			} else if (strcmp(key, "diagnosis") == 0) {
				free(c->diagnosis);
				c->diagnosis = match_scalar_dup(ld, k, v,
				    "diagnosis");
				if (c->diagnosis == NULL)
					return -1;
			} else
				return match_error(ld, k, "unknown key '%s' "
				    "(expected class, regex or diagnosis)",
				    key);
		}
		if (regex_node == NULL)
			return match_error(ld, item, "%s entry %zu has no "
			    "regex", is_success ? "success" : "failure",
			    index + 1);
		if (c->name == NULL)
			c->name = is_success ? xstrdup("success") :
			    xasprintf("class%zu", index + 1);
	} else
		return match_error(ld, item, "%s entry %zu: expected %s",
		    is_success ? "success" : "failure", index + 1,
		    is_success ? "a regex or a mapping with regex" :
		    "a mapping with class, regex and diagnosis");
	c->regex = match_scalar_dup(ld, regex_node, regex_node, "regex");
	if (c->regex == NULL)
		return -1;
	if (is_success)
		snprintf(what, sizeof(what), "success regex %zu", index + 1);
	else
		snprintf(what, sizeof(what), "failure class '%s'", c->name);
	c->re = match_compile(ld, regex_node, c->regex, what, &c->line,
	    &c->column);
	if (c->re == NULL)
		return -1;
	match_class_literals(c);
	match_class_chain(c);
	return 0;
}

static int
match_load_classes(struct match_loader *ld, struct fy_node *key,
    struct fy_node *seq, bool is_success)
{
	struct match_class **classes = is_success ? &ld->set->success :
	    &ld->set->failure;
	size_t *n = is_success ? &ld->set->nsuccess : &ld->set->nfailure;
	void *iter = NULL;
	struct fy_node *item;
	int count;

	if (seq == NULL || !fy_node_is_sequence(seq))
		return match_error(ld, key, "%s: expected a list",
		    is_success ? "success" : "failure");
	count = fy_node_sequence_item_count(seq);
	*classes = xcalloc((size_t)count, sizeof(**classes));
	while ((item = fy_node_sequence_iterate(seq, &iter)) != NULL) {
		if (match_load_class(ld, item, &(*classes)[*n], is_success,
		    *n) != 0) {
			(*n)++;
			return -1;
		}
		(*n)++;
		/* Reports count by class name: two classes of one name
		 * showed as two lines of it in text and as one key with
		 * their sum in JSON.  Successes are all "success".  The
		 * error points at the second name. */
		for (size_t i = 0; !is_success && i + 1 < *n; i++) {
			const char *name = (*classes)[*n - 1].name;
			struct fy_node *at = NULL;

			if (strcmp((*classes)[i].name, name) != 0)
				continue;
			if (fy_node_is_mapping(item))
				at = fy_node_mapping_lookup_by_string(item,
				    "class", -1);
			return match_error(ld, at != NULL ? at : item,
			    "failure entry %zu: class '%s' is also entry "
			    "%zu's; expected each class name once", *n, name,
			    i + 1);
		}
	}
	return 0;
}

static pcre2_code *
match_load_rule(struct match_loader *ld, struct fy_node *key,
    struct fy_node *value, const char *what)
{
	int line, column;
	const char *s = match_scalar(ld, key, value, what);

	if (s == NULL)
		return NULL;
	return match_compile(ld, value, fy_node_get_scalar0(value), what,
	    &line, &column);
}

static int
match_load_doc(struct match_loader *ld)
{
	struct fy_node *root = fy_document_root(ld->doc);
	struct fy_node_pair *pair;
	void *iter = NULL;
	struct match_set *set = ld->set;

	if (root == NULL || !fy_node_is_mapping(root))
		return match_error(ld, root, "expected a mapping with name, "
		    "success and failure");
	/* The name first, so that regex errors can say which set. */
	while ((pair = fy_node_mapping_iterate(root, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		const char *key = fy_node_get_scalar0(k);

		if (key != NULL && strcmp(key, "name") == 0) {
			set->name = match_scalar_dup(ld, k,
			    fy_node_pair_value(pair), "name");
			if (set->name == NULL)
				return -1;
		}
	}
	if (set->name == NULL)
		return match_error(ld, root, "no 'name' key");
	iter = NULL;
	while ((pair = fy_node_mapping_iterate(root, &iter)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pair);
		struct fy_node *v = fy_node_pair_value(pair);
		const char *key = fy_node_get_scalar0(k);

		if (key == NULL)
			return match_error(ld, k, "expected a key");
		if (strcmp(key, "name") == 0)
			continue;
		if (strcmp(key, "description") == 0) {
			set->description = match_scalar_dup(ld, k, v,
			    "description");
			if (set->description == NULL)
				return -1;
		} else if (strcmp(key, "success") == 0) {
			if (match_load_classes(ld, k, v, true) != 0)
				return -1;
		} else if (strcmp(key, "failure") == 0) {
			if (match_load_classes(ld, k, v, false) != 0)
				return -1;
		} else if (strcmp(key, "record_start") == 0) {
			set->record_start = match_load_rule(ld, k, v,
			    "record_start");
			if (set->record_start == NULL)
				return -1;
		} else if (strcmp(key, "continuation") == 0) {
			set->continuation = match_load_rule(ld, k, v,
			    "continuation");
			if (set->continuation == NULL)
				return -1;
		} else
			return match_error(ld, k, "unknown key '%s' (expected "
			    "name, description, success, failure, "
			    "record_start or continuation)", key);
	}
	if (set->nsuccess + set->nfailure == 0)
		return match_error(ld, root, "pattern '%s' has no success or "
		    "failure regex", set->name);
	return 0;
}

struct match_set *
match_set_load(const char *path, char **err)
{
	struct match_loader ld = { path, NULL, NULL, NULL };
	struct yaml_doc y;
	uint32_t ncap = 0, maxcap = 0;

	if (yaml_load(path, 0, &y, err) != 0) {
		yaml_doc_release(&y);
		return NULL;
	}
	if (y.doc == NULL) {
		*err = xasprintf("%s: empty, or no YAML document in it; "
		    "expected a mapping with name, success and failure", path);
		yaml_doc_release(&y);
		return NULL;
	}
	ld.doc = y.doc;
	ld.set = xcalloc(1, sizeof(*ld.set));
	ld.set->path = xstrdup(path);
	ld.set->digest = match_text_digest(y.text);
	if (match_load_doc(&ld) != 0) {
		*err = ld.err;
		match_set_free(ld.set);
		yaml_doc_release(&y);
		return NULL;
	}
	yaml_doc_release(&y);

	for (size_t i = 0; i < ld.set->nsuccess + ld.set->nfailure; i++) {
		struct match_class *c = i < ld.set->nsuccess ?
		    &ld.set->success[i] : &ld.set->failure[i - ld.set->nsuccess];

		pcre2_pattern_info(c->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
		if (ncap > maxcap)
			maxcap = ncap;
	}
	ld.set->md = pcre2_match_data_create(maxcap + 1, NULL);
	ld.set->rules.start = ld.set->record_start;
	ld.set->rules.continuation = ld.set->continuation;
	match_set_common(ld.set);
	match_set_windows(ld.set, ld.set->success, ld.set->nsuccess);
	match_set_windows(ld.set, ld.set->failure, ld.set->nfailure);
	return ld.set;
}

/*
 * The patterns directory of an installed tree that was moved, or installed
 * with DESTDIR: ../share/omniwatch/patterns beside the directory of the
 * running binary (/proc/self/exe).  NULL when that cannot be read.
 */
static char *
match_exe_patterns_dir(void)
{
	char exe[4096], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	return xasprintf("%s/../share/%s/patterns", exe, PACKAGE);
}

char *
match_set_find(const char *name, char **err)
{
	const char *env = getenv("OMNIWATCH_PATTERNS");
	char *exe_dir = match_exe_patterns_dir();
	const char *builtin[] = { exe_dir, OMNIWATCH_PATTERNS_DIR,
	    OMNIWATCH_SRC_PATTERNS_DIR };
	size_t len = strlen(name);
	struct stat sb;
	char *path, *file;

	*err = NULL;
	if (strchr(name, '/') != NULL || (len > 5 &&
	    strcmp(name + len - 5, ".yaml") == 0) || (len > 4 &&
	    strcmp(name + len - 4, ".yml") == 0)) {
		free(exe_dir);
		return xstrdup(name);
	}
	file = xasprintf("%s.yaml", name);
	if (env != NULL && *env != '\0') {
		char *dirs = xstrdup(env), *save = NULL;

		for (char *d = strtok_r(dirs, ":", &save); d != NULL;
		    d = strtok_r(NULL, ":", &save)) {
			path = path_join(d, file);
			if (access(path, R_OK) == 0) {
				free(dirs);
				free(exe_dir);
				free(file);
				return path;
			}
			free(path);
		}
		free(dirs);
	}
	for (size_t i = 0; i < sizeof(builtin) / sizeof(*builtin); i++) {
		if (builtin[i] == NULL)
			continue;
		path = path_join(builtin[i], file);
		if (access(path, R_OK) == 0) {
			free(exe_dir);
			free(file);
			return path;
		}
		free(path);
	}
	/* A bare name is a set's name first; a directory of that name
	 * beside us is the likely meaning, and is no pattern set. */
	if (stat(name, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		*err = xasprintf("%s: is a directory; expected a pattern set "
		    "(a YAML file, or the name of an installed set)", name);
		free(exe_dir);
		free(file);
		return NULL;
	}
	*err = xasprintf("pattern set '%s' not found (looked in "
	    "$OMNIWATCH_PATTERNS%s%s, %s%s%s); give a file path or set "
	    "OMNIWATCH_PATTERNS", name, env != NULL ? "=" : "",
	    env != NULL ? env : "", exe_dir != NULL ? exe_dir : "",
	    exe_dir != NULL ? ", " : "", OMNIWATCH_PATTERNS_DIR);
	free(exe_dir);
	free(file);
	return NULL;
}

int
match_sets_load(const char *config, char *const *names, size_t n,
    struct match_set ***sets, char **err)
{
	struct match_set **out = xcalloc(n, sizeof(*out));

	*err = NULL;
	for (size_t i = 0; i < n; i++) {
		char *path = match_set_find(names[i], err);

		if (path != NULL) {
			out[i] = match_set_load(path, err);
			free(path);
		} else {
			char *why = *err;

			*err = xasprintf("%s: pattern_sets: %s", config, why);
			free(why);
		}
		if (out[i] == NULL) {
			match_sets_free(out, i);
			return -1;
		}
	}
	*sets = out;
	return 0;
}

/* A set file's digest: FNV-1a of its text as read (match.h). */
static uint64_t
match_text_digest(const char *text)
{
	return fnv1a64(FNV1A64_INIT, text, strlen(text));
}

int
match_set_file_digest(const char *path, uint64_t *digest)
{
	char *text, *err = NULL;
	size_t len;

	if (yaml_read(path, &text, &len, &err) != 0) {
		free(err);
		return -1;
	}
	*digest = match_text_digest(text);
	free(text);
	return 0;
}

uint64_t
match_sets_digest(struct match_set *const *sets, size_t n)
{
	uint64_t h = FNV1A64_INIT;

	for (size_t i = 0; i < n; i++)
		h = fnv1a64(h, &sets[i]->digest, sizeof(sets[i]->digest));
	return h;
}

void
match_sets_free(struct match_set **sets, size_t n)
{
	if (sets == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		match_set_free(sets[i]);
	free(sets);
}

static void
match_class_release(struct match_class *c)
{
	free(c->name);
	free(c->regex);
	free(c->diagnosis);
	if (c->re != NULL)
		pcre2_code_free(c->re);
	for (size_t k = 0; k < c->nliterals; k++)
		free(c->literals[k]);
}

void
match_set_free(struct match_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->nsuccess; i++)
		match_class_release(&set->success[i]);
	for (size_t i = 0; i < set->nfailure; i++)
		match_class_release(&set->failure[i]);
	free(set->success);
	free(set->failure);
	if (set->record_start != NULL)
		pcre2_code_free(set->record_start);
	if (set->continuation != NULL)
		pcre2_code_free(set->continuation);
	if (set->md != NULL)
		pcre2_match_data_free(set->md);
	free(set->repair);
	free(set->plain_buf);
	free(set->common_head);
	free(set->name);
	free(set->description);
	free(set->path);
	free(set);
}

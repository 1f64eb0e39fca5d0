/*
 * config_override: see config_override.h.  The syntax is Helm's --set
 * (a path, '=', a value), kept to the one path a backtest needs.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config_override.h"
#include "config_table.h"
#include "redact.h"
#include "xmalloc.h"

#define CONFIG_OVERRIDE_EXPECT	"expected RULE.KEY=VALUE (e.g. " \
	"omni-failing.threshold=0.3)"

static void
config_overrides_add(struct config_override_node **list, size_t *n,
    struct fy_node *node, const char *arg)
{
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[*n].node = node;
	(*list)[*n].arg = arg;
	(*n)++;
}

static void
config_overrides_note(struct config_overrides *ov, struct fy_node *node,
    const char *arg)
{
	config_overrides_add(&ov->nodes, &ov->n, node, arg);
}

/* Is KEY a list in an alert rule (classes, receivers), by its row? */
static bool
config_overrides_is_list(const char *key)
{
	for (const struct config_key *row = config_table_alert.keys;
	    row->name != NULL; row++)
		if (strcmp(row->name, key) == 0)
			return row->type == CONFIG_NAMES;
	return false;
}

/* The value node of VALUE (LEN bytes) for KEY, or NULL. */
static struct fy_node *
config_overrides_value(struct fy_document *doc, const char *key,
    const char *value, size_t len)
{
	struct fy_node *seq;
	const char *p = value, *end = value + len;

	if (!config_overrides_is_list(key))
		return fy_node_create_scalar_copy(doc, value, len);
	seq = fy_node_create_sequence(doc);
	while (seq != NULL && p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma != NULL ? comma : end;
		struct fy_node *item = fy_node_create_scalar_copy(doc, p,
		    (size_t)(stop - p));

		if (item == NULL || fy_node_sequence_append(seq, item) != 0)
			return NULL;
		p = stop + 1;
	}
	return seq;
}

/* The rule named NAME (LEN bytes) in DOC's alerts, or NULL. */
static struct fy_node *
config_overrides_rule(struct fy_document *doc, const char *name, size_t len)
{
	struct fy_node *root = fy_document_root(doc), *alerts, *item;
	void *iter = NULL;

	if (root == NULL || !fy_node_is_mapping(root))
		return NULL;
	alerts = fy_node_mapping_lookup_value_by_string(root, "alerts", 6);
	if (alerts == NULL || !fy_node_is_sequence(alerts))
		return NULL;
	while ((item = fy_node_sequence_iterate(alerts, &iter)) != NULL) {
		struct fy_node *n;
		const char *s;

		if (!fy_node_is_mapping(item))
			continue;
		n = fy_node_mapping_lookup_value_by_string(item, "name", 4);
		s = n != NULL ? fy_node_get_scalar0(n) : NULL;
		if (s != NULL && strlen(s) == len && memcmp(s, name, len) == 0)
			return item;
	}
	return NULL;
}

static int
config_overrides_one(struct fy_document *doc, const char *path,
    const char *arg, struct config_overrides *ov, char **err)
{
	const char *eq = strchr(arg, '='), *dot = NULL;
	struct fy_node *rule, *k, *v;
	struct fy_node_pair *pair;
	char key[64];
	size_t klen;

	for (const char *p = arg; eq != NULL && p < eq; p++)
		if (*p == '.')
			dot = p;
	if (eq == NULL || dot == NULL || dot == arg || dot + 1 == eq) {
		*err = xasprintf("--set '%s': %s", arg,
		    CONFIG_OVERRIDE_EXPECT);
		return -1;
	}
	klen = (size_t)(eq - dot - 1);
	if (klen >= sizeof(key)) {
		*err = xasprintf("--set '%s': no such key; %s", arg,
		    CONFIG_OVERRIDE_EXPECT);
		return -1;
	}
	memcpy(key, dot + 1, klen);
	key[klen] = '\0';
	rule = config_overrides_rule(doc, arg, (size_t)(dot - arg));
	if (rule == NULL) {
		*err = xasprintf("--set '%s': %s has no alert rule named "
		    "'%.*s'; expected the name: of one of its alerts", arg,
		    path, (int)(dot - arg), arg);
		return -1;
	}
	if (strcmp(key, "name") == 0) {
		*err = xasprintf("--set '%s': a rule's name cannot be "
		    "changed; expected another key", arg);
		return -1;
	}
	config_overrides_add(&ov->rules, &ov->nrules, rule, arg);
	pair = fy_node_mapping_lookup_pair_by_string(rule, key, klen);
	if (eq[1] == '\0') {	/* RULE.KEY=: the file's value goes */
		/* By key, not fy_node_mapping_remove(), which leaves the
		 * pair to the caller without a way to free it (libfyaml
		 * 0.7, fy-doc.c); this frees the pair and its key. */
		if (pair != NULL)
			fy_node_free(fy_node_mapping_remove_by_key(rule,
			    fy_node_pair_key(pair)));
		return 0;
	}
	v = config_overrides_value(doc, key, eq + 1, strlen(eq + 1));
	if (v == NULL) {
		*err = xasprintf("--set '%s': cannot build the value", arg);
		return -1;
	}
	config_overrides_note(ov, v, arg);
	if (pair != NULL)
		return fy_node_pair_set_value(pair, v) == 0 ? 0 : -1;
	k = fy_node_create_scalar_copy(doc, key, klen);
	if (k == NULL || fy_node_mapping_append(rule, k, v) != 0) {
		*err = xasprintf("--set '%s': cannot add the key", arg);
		return -1;
	}
	config_overrides_note(ov, k, arg);
	return 0;
}

/*
 * *ERR starts "--set 'ARG'": ARG is shown redacted, as it may hold a
 * secret (yaml_error() says why); the rest, a hint such as "RULE.KEY=
 * VALUE", is ours and left as it is.
 */
static void
config_overrides_redact(const char *arg, char **err)
{
	size_t n = strlen(arg), len;
	char *shown, *msg;

	if (*err == NULL || strncmp(*err, "--set '", 7) != 0 ||
	    strncmp(*err + 7, arg, n) != 0)
		return;
	shown = redact_builtin(arg, n, &len);
	msg = xasprintf("--set '%s%s", shown, *err + 7 + n);
	free(shown);
	free(*err);
	*err = msg;
}

int
config_overrides_apply(struct fy_document *doc, const char *path,
    char *const *args, size_t n, struct config_overrides *out, char **err)
{
	memset(out, 0, sizeof(*out));
	*err = NULL;
	for (size_t i = 0; i < n; i++)
		if (config_overrides_one(doc, path, args[i], out, err) != 0) {
			config_overrides_redact(args[i], err);
			return -1;
		}
	return 0;
}

const char *
config_overrides_find(const struct config_overrides *ov, struct fy_node *node)
{
	for (; node != NULL; node = fy_node_get_parent(node))
		for (size_t i = 0; i < ov->n; i++)
			if (ov->nodes[i].node == node)
				return ov->nodes[i].arg;
	return NULL;
}

char *
config_overrides_context(const struct config_overrides *ov,
    struct fy_node *node)
{
	char *list = NULL, *more;

	for (; node != NULL; node = fy_node_get_parent(node))
		for (size_t i = 0; i < ov->nrules; i++) {
			if (ov->rules[i].node != node)
				continue;
			more = xasprintf("%s%s--set '%s'", list != NULL ?
			    list : "", list != NULL ? ", " : "",
			    ov->rules[i].arg);
			free(list);
			list = more;
		}
	return list;
}

void
config_overrides_release(struct config_overrides *ov)
{
	free(ov->rules);
	free(ov->nodes);
	memset(ov, 0, sizeof(*ov));
}

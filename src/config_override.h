/*
 * config_override: `--set RULE.KEY=VALUE`, the change of one key of one
 * alert rule made on the command line (omniwatch(1), backtest), applied
 * to the config's YAML document before it is walked, so that an
 * overridden value is checked by the very code that checks the file.
 *
 * RULE is an alert's name (which may hold dots: the key is what follows
 * the last one before '=').  VALUE is a YAML scalar; for classes and
 * receivers a comma-separated list; empty, it removes the key.  A key the
 * rule does not have is added.
 */
#ifndef OMNIWATCH_CONFIG_OVERRIDE_H
#define OMNIWATCH_CONFIG_OVERRIDE_H

#include <stddef.h>

#include <libfyaml.h>

/* The nodes an override made, to name it in errors about them. */
struct config_override_node {
	struct fy_node	*node;
	const char	*arg;		/* borrowed: the caller's string */
};

struct config_overrides {
	struct config_override_node *nodes;
	size_t		 n;
	/* The rules each argument changed (node: the rule's mapping),
	 * removals included, to name them in errors about what they
	 * left in the file. */
	struct config_override_node *rules;
	size_t		 nrules;
};

/*
 * Applies the N ARGS to DOC (a config file's document, read from PATH).
 * Returns 0, or -1 with *ERR (malloc'd, naming the argument and what
 * was expected).  OUT gets the nodes made (free with
 * config_overrides_release), even on error.
 */
int config_overrides_apply(struct fy_document *doc, const char *path,
    char *const *args, size_t n, struct config_overrides *out, char **err);

/* The argument that made NODE or one of its parents, or NULL. */
const char *config_overrides_find(const struct config_overrides *ov,
    struct fy_node *node);

/*
 * The arguments that changed the rule holding NODE (a node of the file
 * that an override made wrong: `--set r.kind=restarts` over a threshold
 * of 0.4), as "--set 'A', --set 'B'" (malloc'd), or NULL when none did.
 */
char *config_overrides_context(const struct config_overrides *ov,
    struct fy_node *node);

void config_overrides_release(struct config_overrides *ov);

#endif

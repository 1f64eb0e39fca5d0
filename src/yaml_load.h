/*
 * yaml_load: the one way omniwatch reads a YAML file (the config, pattern
 * sets, anything later): the bytes are read whole, checked, and only then
 * given to libfyaml.
 *
 * The checks are there because libfyaml is not safe on hostile bytes:
 * 0.7.12 (Debian 12) spins for ever in its directive scanner on '%'
 * followed by invalid UTF-8 (printf '%%\xab\n'; upstream issue
 * pantoniou/libfyaml#101, fixed after 0.7.12 by commit 7f7be36).  So:
 *   - the file must be a regular file or a pipe (a directory or a device
 *     is named as such, not parsed as an "empty file"), at most
 *     YAML_MAX_BYTES;
 *   - YAML must be valid UTF-8 without NUL (YAML 1.2 section 5.1 and 5.2);
 *     the first bad byte is named by offset, line and column;
 *   - the parse itself first runs in a child process that is killed after
 *     YAML_PARSE_MS, so that a parser bug nobody has found yet cannot hang
 *     `test -p`, `watch --check` or a running `watch` reloading on SIGHUP:
 *     the file is refused and the caller goes on.  A child, not a thread,
 *     because a spinning thread can be abandoned but never stopped.
 */
#ifndef OMNIWATCH_YAML_LOAD_H
#define OMNIWATCH_YAML_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <libfyaml.h>

#define YAML_MAX_BYTES	(16u << 20)	/* configs and pattern sets are KiB */
#define YAML_PARSE_MS	10000		/* a parse takes milliseconds */

struct yaml_doc {
	struct fy_document *doc;	/* NULL: no document (blank file) */
	bool		 is_blank;	/* only white space, no comment */
	/* private */
	struct fy_diag	*diag;
	char		*text;		/* the bytes libfyaml's atoms point in */
};

/*
 * Reads PATH's bytes as yaml_load() does (a regular file or a pipe, at
 * most YAML_MAX_BYTES), NUL-terminated, into *TEXT (malloc'd) and *LEN
 * (bytes).  Returns 0, or -1 with *ERR malloc'd ("PATH: cannot read:
 * ...").
 */
int yaml_read(const char *path, char **text, size_t *len, char **err);

/*
 * Reads and parses PATH with libfyaml's FLAGS (FYPCF_*; FYPCF_QUIET is
 * added).  Returns 0 with *Y filled (Y->doc is NULL for a file with no
 * document: empty, or comments only), or -1 with *ERR malloc'd: "PATH:
 * cannot read: ...", "PATH: is a directory; expected a YAML file",
 * "PATH: invalid UTF-8 at byte offset N (line L, column C); YAML must be
 * UTF-8", "PATH:L:C: invalid YAML: libfyaml's message", or the parser was
 * stopped.  Release *Y with yaml_doc_release (also after -1).
 */
int yaml_load(const char *path, unsigned flags, struct yaml_doc *y,
    char **err);

/* Frees what yaml_load filled; accepts a zeroed or released Y. */
void yaml_doc_release(struct yaml_doc *y);

/*
 * Where NODE starts in its file, 1-based, into *LINE and *COLUMN: its own
 * token, else (a mapping, a sequence) that of its first scalar, since
 * libfyaml marks scalar tokens only; a quoted scalar starts at its quote.
 * Returns false, *LINE and *COLUMN untouched, when NULL or nothing inside
 * has a mark.  Every message about a node of the config or a pattern set
 * names its place this way.
 */
bool yaml_mark(struct fy_node *node, int *line, int *column);

/*
 * "PATH:LINE:COLUMN" of NODE, else of FALLBACK (yaml_mark), else
 * "PATH:1:1": where a message about a node of the file at PATH points.
 * Malloc'd.
 */
char *yaml_where(const char *path, struct fy_node *node,
    struct fy_node *fallback);

/*
 * The first error of a load (the config's, a pattern set's): when *ERR is
 * NULL it becomes "PLACE: " and FMT's message, redacted (redact.h), as
 * it may quote a secret's value (malloc'd), but for a leading key path
 * ("a.b.token: ") not followed by a quote, which is never taken for a
 * secret's key, so that the words after it are kept: a value right after
 * the path must be quoted ("%s: '%s' is not a duration"), as every
 * message here quotes one; a later error
 * leaves it.  PLACE (malloc'd, yaml_where or the config's config_where)
 * is freed.  Returns -1, for "return yaml_error(...)".
 */
int yaml_error(char **err, char *place, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

/*
 * pm2json_diff: one line through pm2_json_decode() and through jansson,
 * as pm2.c would read it (json_loadb with JSON_ALLOW_NUL).  Shared by
 * tests/unit/test_pm2_json.c and tests/fuzz/fuzz_pm2json.c; it uses no
 * test framework, so that the fuzz target can link it.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "pm2_json.h"
#include "pm2json_diff.h"

/* Does jansson's string member KEY of ROOT hold (P, LEN)? */
static bool
pm2json_same(json_t *root, const char *key, const char *p, size_t len)
{
	json_t *v = json_object_get(root, key);

	return json_is_string(v) && json_string_length(v) == len &&
	    memcmp(json_string_value(v), p, len) == 0;
}

int
pm2json_diff(struct pm2_json *j, const char *line, size_t len,
    bool *accepted, char *why, size_t whylen)
{
	struct pm2_json_obj o;
	json_error_t jerr;
	json_t *root;
	int rc = 0;

	*accepted = pm2_json_decode(j, line, len, &o);
	if (!*accepted)
		return 0;	/* jansson decides, as before */
	root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
	if (root == NULL) {
		snprintf(why, whylen, "accepted what jansson refuses: %s",
		    jerr.text);
		return -1;
	}
	if (!json_is_object(root) || json_object_size(root) != 5)
		rc = -1;
	else if (!pm2json_same(root, "message", o.message, o.message_len))
		rc = -1;
	else if (!pm2json_same(root, "timestamp", o.timestamp,
	    o.timestamp_len))
		rc = -1;
	else if (!pm2json_same(root, "app_name", o.app_name, o.app_name_len))
		rc = -1;
	else if (!json_is_string(json_object_get(root, "type")) ||
	    !json_is_integer(json_object_get(root, "process_id")))
		rc = -1;
	if (rc != 0)
		snprintf(why, whylen, "decoded otherwise than jansson");
	json_decref(root);
	return rc;
}

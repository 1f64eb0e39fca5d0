/*
 * pm2json_diff: PM2's JSON decoder (pm2_json.h) held to jansson.
 */
#ifndef OMNIWATCH_PM2JSON_DIFF_H
#define OMNIWATCH_PM2JSON_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "pm2_json.h"

/*
 * Decodes the line (LINE, LEN) with J; *ACCEPTED says whether it took
 * it.  Returns 0 when it declined, or took it and jansson reads the same
 * object from it (five members; message, timestamp and app_name the same
 * bytes; type a string, process_id an integer); -1 otherwise, with the
 * reason in WHY (WHYLEN bytes).
 */
int pm2json_diff(struct pm2_json *j, const char *line, size_t len,
    bool *accepted, char *why, size_t whylen);

#endif

/*
 * utf8_json: bytes from logs and file names as JSON strings.  JSON text
 * must be valid Unicode (RFC 8259, section 8.1) and jansson refuses
 * anything else, so invalid bytes and NUL become U+FFFD first (utf8.h).
 */
#ifndef OMNIWATCH_UTF8_JSON_H
#define OMNIWATCH_UTF8_JSON_H

#include <stddef.h>

#include <jansson.h>

/* A new json_t string of (P, LEN) after utf8_clean; the caller owns it. */
json_t *utf8_json_string(const char *p, size_t len);

#endif

/*
 * http_header: one rule for the HTTP headers omniwatch is given to send
 * (receivers' and probes' headers: in the config, `probe --header`).  A
 * name is an RFC 9110 token (section 5.6.2); a value is one line, since
 * CR LF ends a header line (RFC 9112, section 2.1) and a value holding
 * one would add headers of its own.  A value may be a token: messages
 * name the header, never its value.
 */
#ifndef OMNIWATCH_HTTP_HEADER_H
#define OMNIWATCH_HTTP_HEADER_H

#include "config.h"

/*
 * Is NAME a header name and VALUE a one-line value?  Returns NULL, or a
 * static text saying what is wrong ("is not a header name; ...", "holds
 * a line break ...").
 */
const char *http_header_check(const char *name, const char *value);

/*
 * One header from "Name: value", checked as above.  Returns 0 with H's
 * strings malloc'd, or -1 with *WHY (static text) and, when what stands
 * before the colon is a header name, *NAME (malloc'd, for the message;
 * else NULL: it may be half a token, as in "Bearer abc:def").
 */
int http_header_parse(const char *s, struct config_header *h, char **name,
    const char **why);

#endif

/*
 * http_header: see http_header.h.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "http_header.h"
#include "xmalloc.h"

/* RFC 9110, 5.6.2: tchar. */
#define HTTP_HEADER_TCHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS" \
	"TUVWXYZ0123456789!#$%&'*+-.^_`|~"

const char *
http_header_check(const char *name, const char *value)
{
	if (name[0] == '\0' || strspn(name, HTTP_HEADER_TCHARS) !=
	    strlen(name))
		return "is not a header name; expected letters, digits and -";
	if (strpbrk(value, "\r\n") != NULL)
		return "holds a line break (CR or LF); expected a one-line "
		    "header value";
	return NULL;
}

int
http_header_parse(const char *s, struct config_header *h, char **name,
    const char **why)
{
	const char *colon = strchr(s, ':');
	const char *v;
	size_t nlen;

	*name = NULL;
	if (colon == NULL) {
		*why = "expected 'Name: value'";
		return -1;
	}
	nlen = (size_t)(colon - s);
	while (nlen > 0 && isspace((unsigned char)s[nlen - 1]))
		nlen--;
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	*name = xstrndup(s, nlen);
	*why = http_header_check(*name, v);
	if (*why == NULL) {
		h->name = *name;
		*name = NULL;
		h->value = xstrdup(v);
		return 0;
	}
	if (http_header_check(*name, "") != NULL) {
		free(*name);
		*name = NULL;
	}
	return -1;
}

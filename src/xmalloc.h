/*
 * xmalloc: allocation wrappers that never return NULL (after tmux's
 * xmalloc.c).  Running out of memory is not an error omniwatch can recover
 * from meaningfully, so they abort with a message instead; call sites stay
 * free of NULL checks.  Memory returned is owned by the caller (free()).
 */
#ifndef OMNIWATCH_XMALLOC_H
#define OMNIWATCH_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

#endif

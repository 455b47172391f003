/* util.c - memory helpers and diagnostics. */
#include "idl.h"

#include <stdlib.h>
#include <string.h>

static void oom(void)
{
    fputs("asyncrpc-idl: error: out of memory\n", stderr);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void fatal(Loc loc, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    if (loc.file && loc.line > 0 && loc.col > 0)
        fprintf(stderr, "%s:%d:%d: error: ", loc.file, loc.line, loc.col);
    else if (loc.file && loc.line > 0)
        fprintf(stderr, "%s:%d: error: ", loc.file, loc.line);
    else if (loc.file)
        fprintf(stderr, "%s: error: ", loc.file);
    else
        fputs("asyncrpc-idl: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

void fatal_plain(const char *fmt, ...)
{
    va_list ap;
    fputs("asyncrpc-idl: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

const char *idl_basename(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* counting_alloc.h - the MIDL_user_allocate/MIDL_user_free of a test
 * program that checks what the stubs allocate is freed: `outstanding`
 * counts the blocks not yet freed.  Defines them: include once per
 * program, after <rpc.h>. */
#ifndef ASYNCRPC_TESTS_COUNTING_ALLOC_H
#define ASYNCRPC_TESTS_COUNTING_ALLOC_H

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static long outstanding;  /* MIDL_user_allocate blocks not yet freed */

void *__RPC_USER MIDL_user_allocate(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p)
        outstanding++;
    return p;
}

void __RPC_USER MIDL_user_free(void *p)
{
    if (p) {
        outstanding--;
        free(p);
    }
}

static char *user_strdup(const char *s)
{
    char *d = MIDL_user_allocate(strlen(s) + 1);
    strcpy(d, s);
    return d;
}

static wchar_t *user_wcsdup(const wchar_t *s)
{
    wchar_t *d = MIDL_user_allocate((wcslen(s) + 1) * sizeof *d);
    wcscpy(d, s);
    return d;
}

#endif

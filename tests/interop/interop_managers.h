/* interop_managers.h - the managers of interop.idl, shared by the Wine-side
 * server (widl stubs, Wine's rpcrt4) and the asyncrpc server.  Included once,
 * after the generated header, by a file that defines IDL_LONG (the C type
 * its generated header gives the IDL's long) and interop_on_shutdown(). */
#ifndef INTEROP_MANAGERS_H
#define INTEROP_MANAGERS_H
#include <stdlib.h>
#include <string.h>
#include "interop_common.h"

static void interop_on_shutdown(void);
static volatile long interop_calls;

IDL_LONG BaseTypes(small s, short sh, IDL_LONG l, hyper h, float f, double d, byte b, boolean bo,
                   small *os, short *osh, IDL_LONG *ol, hyper *oh, float *of, double *od,
                   byte *ob, boolean *obo)
{
    interop_calls++;
    *os = (small)XF_SMALL(s);
    *osh = (short)XF_SHORT(sh);
    *ol = XF_LONG(l);
    *oh = XF_HYPER(h);
    *of = XF_FLOAT(f);
    *od = XF_DOUBLE(d);
    *ob = (byte)XF_BYTE(b);
    *obo = (boolean)XF_BOOLEAN(bo);
    return XF_RET(s, sh, l);
}

IDL_LONG StrLen(char *s)
{
    interop_calls++;
    return s ? (IDL_LONG)strlen(s) : -1;
}

void StrReverse(char *s, IDL_LONG cap, char *out)
{
    size_t n = strlen(s), p = strlen(STR_REV_PREFIX);
    interop_calls++;
    if (cap < 0 || p + n + 1 > (size_t)cap)
        RpcRaiseException(RPC_X_INVALID_BOUND);
    memcpy(out, STR_REV_PREFIX, p);
    for (size_t i = 0; i < n; i++)
        out[p + i] = s[n - 1 - i];
    out[p + n] = 0;
}

IDL_LONG SumArray(IDL_LONG n, IDL_LONG *arr, hyper *sum)
{
    hyper t = 0;
    interop_calls++;
    for (IDL_LONG i = 0; i < n; i++)
        t += arr[i];
    *sum = t;
    return n;
}

void TransformRec(interop_rec *in, interop_rec *out, interop_rec *io)
{
    interop_calls++;
    XF_REC_OUT(out, in);
    XF_REC_IO(io);
}

void RaiseFault(IDL_LONG code)
{
    interop_calls++;
    RpcRaiseException((RPC_STATUS)code);
}

void Shutdown(void)
{
    interop_calls++;
    interop_on_shutdown();
}

void *__RPC_USER MIDL_user_allocate(size_t size)
{
    return malloc(size ? size : 1);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}
#endif /* INTEROP_MANAGERS_H */

/* Server side of wire.idl (the s_ prefix lets client and server stubs
 * share one program). */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdlib.h>
#include <string.h>
#include "wire.h"

long s_Add(handle_t h, long a, long b)
{
    (void)h;
    return a + b;
}

void s_Echo(handle_t h, char *in, long cap, char *out)
{
    (void)h;
    size_t n = strlen(in);
    if ((long)n >= cap)
        RpcRaiseException(RPC_S_BUFFER_TOO_SMALL);
    for (size_t i = 0; i < n; i++) /* reversed, so the test sees the server's work */
        out[i] = in[n - 1 - i];
    out[n] = 0;
}

hyper s_Sum(handle_t h, long n, long *a, long *doubled)
{
    (void)h;
    hyper sum = 0;
    for (long i = 0; i < n; i++) {
        sum += a[i];
        doubled[i] = a[i] * 2;
    }
    return sum;
}

void s_Fail(handle_t h, unsigned long code)
{
    (void)h;
    RpcRaiseException((RPC_STATUS)code);
}

void s_Inquire(handle_t h, call_info_t *info)
{
    RPC_CALL_ATTRIBUTES_V2_A a;
    memset(&a, 0, sizeof a);
    a.Version = 2;
    RPC_STATUS st = RpcServerInqCallAttributesA(h, &a);
    if (st != RPC_S_OK)
        RpcRaiseException(st);
    /* NULL means the call on this thread: the same answers. */
    RPC_CALL_ATTRIBUTES_V2_A b;
    memset(&b, 0, sizeof b);
    b.Version = 2;
    if (RpcServerInqCallAttributesA(NULL, &b) != RPC_S_OK || b.OpNum != a.OpNum)
        RpcRaiseException(RPC_S_INTERNAL_ERROR);
    info->protseq = a.ProtocolSequence;
    info->is_local = a.IsClientLocal == rcclLocal;
    info->pid = (unsigned long)(ULONG_PTR)a.ClientPID;
    info->opnum = a.OpNum;
    info->testcancel = RpcServerTestCancel(NULL);
    /* The manager's handle names the same call. */
    if (RpcServerTestCancel(h) != info->testcancel)
        RpcRaiseException(RPC_S_INTERNAL_ERROR);
    /* The security surface answers as for an anonymous client. */
    if (RpcImpersonateClient(NULL) != RPC_S_OK || RpcRevertToSelf() != RPC_S_OK)
        RpcRaiseException(RPC_S_INTERNAL_ERROR);
}

void s_Nap(handle_t h, unsigned long ms)
{
    (void)h;
    Sleep(ms);
}

void s_Shutdown(handle_t h)
{
    (void)h;
    RpcMgmtStopServerListening(NULL);
}


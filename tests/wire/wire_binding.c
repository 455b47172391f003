/* See wire_binding.h. */
#include <windows.h>
#include <rpc.h>
#include <stdio.h>
#include <string.h>
#include "wire_binding.h"

int wire_serve(RPC_IF_HANDLE ifspec, const char *protseq, const char *endpoint)
{
    static int listening;
    if (RpcServerUseProtseqEpA((RPC_CSTR)protseq, 10, (RPC_CSTR)endpoint, NULL) != RPC_S_OK)
        return -1;
    if (!listening) {
        if (RpcServerRegisterIf(ifspec, NULL, NULL) != RPC_S_OK ||
            RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, TRUE) != RPC_S_OK)
            return -1;
        listening = 1;
    }
    return 0;
}

int wire_local_binding(const char *protseq, char *out, size_t size)
{
    RPC_BINDING_VECTOR *v = NULL;
    if (RpcServerInqBindings(&v) != RPC_S_OK)
        return -1;
    int found = -1;
    for (ULONG i = 0; i < v->Count && found; i++) {
        RPC_CSTR s = NULL, ps = NULL, ep = NULL;
        RpcBindingToStringBindingA(v->BindingH[i], &s);
        RpcStringBindingParseA(s, NULL, &ps, NULL, &ep, NULL);
        if (!strcmp((char *)ps, protseq)) {
            RPC_CSTR composed = NULL;
            const char *host = strcmp(protseq, "ncacn_ip_tcp") ? "" : "127.0.0.1";
            RpcStringBindingComposeA(NULL, (RPC_CSTR)protseq, (RPC_CSTR)host, ep, NULL, &composed);
            snprintf(out, size, "%s", (char *)composed);
            RpcStringFreeA(&composed);
            found = 0;
        }
        RpcStringFreeA(&s);
        RpcStringFreeA(&ps);
        RpcStringFreeA(&ep);
    }
    RpcBindingVectorFree(&v);
    return found;
}

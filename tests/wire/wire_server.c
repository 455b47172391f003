/* wire_server PROTSEQ [ENDPOINT]: serves wire.idl until a client calls
 * Shutdown (or 60 s pass).  Without an endpoint it takes a dynamic one;
 * either way it prints "listening on PROTSEQ:[ENDPOINT]" when ready. */
#include <windows.h>
#include <rpc.h>
#include <stdio.h>
#include "wire.h"

static DWORD WINAPI watchdog(LPVOID p)
{
    (void)p;
    Sleep(60000);
    RpcMgmtStopServerListening(NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: wire_server PROTSEQ [ENDPOINT]\n");
        return 2;
    }
    RPC_STATUS st = argc == 3 ? RpcServerUseProtseqEpA((RPC_CSTR)argv[1], RPC_C_PROTSEQ_MAX_REQS_DEFAULT,
                                                       (RPC_CSTR)argv[2], NULL)
                              : RpcServerUseProtseqA((RPC_CSTR)argv[1], RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL);
    if (st == RPC_S_OK)
        st = RpcServerRegisterIf(wire_v1_2_s_ifspec, NULL, NULL);
    if (st != RPC_S_OK) {
        fprintf(stderr, "wire_server: setup failed: %ld\n", (long)st);
        return 1;
    }
    RPC_BINDING_VECTOR *v = NULL;
    RPC_CSTR sb = NULL, ep = NULL;
    if (RpcServerInqBindings(&v) != RPC_S_OK || RpcBindingToStringBindingA(v->BindingH[0], &sb) != RPC_S_OK ||
        RpcStringBindingParseA(sb, NULL, NULL, NULL, &ep, NULL) != RPC_S_OK) {
        fprintf(stderr, "wire_server: no binding\n");
        return 1;
    }
    CloseHandle(CreateThread(NULL, 0, watchdog, NULL, 0, NULL));
    printf("wire_server: listening on %s:[%s]\n", argv[1], (char *)ep);
    fflush(stdout);
    RpcStringFreeA(&ep);
    RpcStringFreeA(&sb);
    RpcBindingVectorFree(&v);
    st = RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, FALSE);
    printf("wire_server: stopped (%ld)\n", (long)st);
    return st == RPC_S_OK ? 0 : 1;
}

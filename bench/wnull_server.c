/* wnull_server PORT [TIMEOUT_SECONDS]: serves wnull.idl on
 * ncacn_ip_tcp:[PORT]; prints "listening on PORT" once it listens and
 * exits 0 after a client calls Shutdown (2 after the timeout, default
 * 120 s).  Built twice for the Wine benchmark: on asyncrpc.dll and on
 * Wine's rpcrt4 (bench/CMakeLists.txt). */
#include <windows.h>
#include <rpc.h>
#include <rpcndr.h>
#include <stdio.h>
#include <stdlib.h>
#include "wnull.h"

static HANDLE shutdown_event;

void *__RPC_USER MIDL_user_allocate(size_t n)
{
    return malloc(n);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}

long Null(long v, long *out)
{
    *out = v + 1;
    return v;
}

void Shutdown(void)
{
    SetEvent(shutdown_event);
}

int main(int argc, char **argv)
{
    DWORD timeout_s = 120;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [TIMEOUT_SECONDS]\n", argv[0]);
        return 2;
    }
    if (argc > 2)
        timeout_s = (DWORD)atoi(argv[2]);
    shutdown_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    RPC_STATUS st = RpcServerUseProtseqEpA((RPC_CSTR) "ncacn_ip_tcp", RPC_C_PROTSEQ_MAX_REQS_DEFAULT,
                                           (RPC_CSTR)argv[1], NULL);
    if (st == RPC_S_OK)
        st = RpcServerRegisterIf(wnull_v1_0_s_ifspec, NULL, NULL);
    if (st == RPC_S_OK)
        st = RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, TRUE);
    if (st != RPC_S_OK) {
        printf("wnull_server: setup failed: %ld\n", (long)st);
        return 1;
    }
    printf("listening on %s\n", argv[1]);
    DWORD w = WaitForSingleObject(shutdown_event, timeout_s * 1000);
    Sleep(100); /* let the Shutdown reply leave */
    RpcMgmtStopServerListening(NULL);
    RpcServerUnregisterIf(NULL, NULL, FALSE);
    if (w != WAIT_OBJECT_0) {
        printf("wnull_server: timeout after %lu s\n", (unsigned long)timeout_s);
        return 2;
    }
    return 0;
}

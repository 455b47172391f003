/* wine_server.c - the interop server built on Wine's rpcrt4: widl -Oif stubs
 * from interop.idl (or, with -DINTEROP_EQUIV, from equiv.idl: the managers
 * of equiv_managers.h), x86_64-w64-mingw32-gcc, linked with -lrpcrt4 (Wine's,
 * never asyncrpc.dll), with -Dsmall=char (MinGW's rpcndr.h defines NDR's
 * small only for rc; widl's stubs need it too).  Run under wine.
 *
 *   wine_server.exe PORT [TIMEOUT_SECONDS]
 *
 * Listens on ncacn_ip_tcp:[PORT], prints "listening on PORT" once it does,
 * and exits 0 after a client calls Shutdown (1 if an equiv manager received
 * a wrong [in] value), or 2 after the timeout (default 60 s) so a broken
 * test never leaves it behind. */
#include <windows.h>
#include <rpc.h>
#include <rpcndr.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef INTEROP_EQUIV
#include "equiv_w.h"
#define EQ_WIDL 1
#define EQ_LONG LONG
#define EQ_ULONG ULONG
#include "equiv_managers.h"
#define SERVER_IFSPEC equiv_v1_0_s_ifspec
#define SERVER_FAILED eq_failed
#else
#include "interop_w.h"
#define IDL_LONG LONG
#include "interop_managers.h"
#define SERVER_IFSPEC interop_v1_0_s_ifspec
#define SERVER_FAILED 0
#endif

static HANDLE shutdown_event;

static void interop_on_shutdown(void)
{
    SetEvent(shutdown_event);
}

int main(int argc, char **argv)
{
    RPC_STATUS st;
    DWORD timeout_s = 60, w;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [TIMEOUT_SECONDS]\n", argv[0]);
        return 2;
    }
    if (argc > 2)
        timeout_s = (DWORD)atoi(argv[2]);
    shutdown_event = CreateEventA(NULL, TRUE, FALSE, NULL);

    st = RpcServerUseProtseqEpA((RPC_CSTR)"ncacn_ip_tcp", RPC_C_PROTSEQ_MAX_REQS_DEFAULT,
                                (RPC_CSTR)argv[1], NULL);
    if (st) {
        printf("RpcServerUseProtseqEp(ncacn_ip_tcp, %s) failed: %ld\n", argv[1], (long)st);
        return 1;
    }
    st = RpcServerRegisterIf(SERVER_IFSPEC, NULL, NULL);
    if (st) {
        printf("RpcServerRegisterIf failed: %ld\n", (long)st);
        return 1;
    }
    st = RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, TRUE);
    if (st) {
        printf("RpcServerListen failed: %ld\n", (long)st);
        return 1;
    }
    printf("listening on %s\n", argv[1]);

    w = WaitForSingleObject(shutdown_event, timeout_s * 1000);
    /* Let the Shutdown reply leave before the process ends. */
    Sleep(200);
    RpcMgmtStopServerListening(NULL);
    RpcServerUnregisterIf(NULL, NULL, FALSE);
    if (w != WAIT_OBJECT_0) {
        printf("timeout after %lu s (%ld calls)\n", (unsigned long)timeout_s, interop_calls);
        return 2;
    }
    printf("shutdown after %ld calls\n", interop_calls);
    if (SERVER_FAILED) {
        printf("%d wrong [in] value(s) received\n", SERVER_FAILED);
        return 1;
    }
    return 0;
}

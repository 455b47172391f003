/* equiv_wine_client.c - the wire-equivalence client on Wine's rpcrt4: widl
 * -Oif stubs from equiv.idl, x86_64-w64-mingw32-gcc, -lrpcrt4 (Wine's, never
 * asyncrpc.dll), -Dsmall=char.  Run under wine.
 *
 *   equiv_wine_client.exe PORT [noshutdown] [known]
 *
 * Binds to ncacn_ip_tcp:127.0.0.1[PORT] and runs equiv_client.h: every
 * procedure of equiv.idl, every [out] value and return value checked, then
 * Shutdown (unless "noshutdown"); "known" makes the calls of known problems
 * too (their failures are printed, not counted).  Prints "N passed, M failed"; exits 0
 * only if nothing failed.  Server faults are caught by GUARD
 * (wine_guard.h). */
#include <windows.h>
#include <rpc.h>
#include <rpcndr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "equiv_w.h"
#include "wine_guard.h"

#define EQ_WIDL 1
#define EQ_LONG LONG
#define EQ_ULONG ULONG
#include "equiv_client.h"

int main(int argc, char **argv)
{
    RPC_STATUS st;
    RPC_CSTR sb = NULL;
    int rc, shutdown = 1, known = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [noshutdown] [known]\n", argv[0]);
        return 2;
    }
    wine_guard_init();
    st = RpcStringBindingComposeA(NULL, (RPC_CSTR)"ncacn_ip_tcp", (RPC_CSTR)"127.0.0.1",
                                  (RPC_CSTR)argv[1], NULL, &sb);
    if (st == RPC_S_OK) {
        st = RpcBindingFromStringBindingA(sb, &equiv_IfHandle);
        RpcStringFreeA(&sb);
    }
    if (st) {
        printf("equiv_wine_client: binding to port %s failed: %ld\n", argv[1], (long)st);
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "noshutdown"))
            shutdown = 0;
        else if (!strcmp(argv[i], "known"))
            known = 1;
    }
    rc = equiv_run(shutdown, known, "equiv_wine_client");
    RpcBindingFree(&equiv_IfHandle);
    return rc;
}

/* pipe_server PROTSEQ [ENDPOINT]: serves wire_pipe.idl (the managers of
 * pipe_manager.c) for pipe_client, until its standard input reaches end of
 * file (or a watchdog fires).  Without an endpoint it takes a dynamic one;
 * either way it prints "pipe_server: ready, listening on PROTSEQ:[ENDPOINT]"
 * when it listens, and "server_peak_rss_kib N" when it stops. */
#include <windows.h>
#include <rpc.h>
#include <stdio.h>
#include <stdlib.h>
#include "wire_pipe.h"
#ifdef _WIN32
#include <psapi.h>
#else
#include <sys/resource.h>
#endif

/* The process's peak resident set, in KiB, as the OS reports it. */
static unsigned long long peak_rss_kib(void)
{
#ifdef _WIN32
    PROCESS_MEMORY_COUNTERS pmc;
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
        return 0;
    return (unsigned long long)pmc.PeakWorkingSetSize / 1024u;
#else
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru))
        return 0;
    return (unsigned long long)ru.ru_maxrss; /* KiB on Linux */
#endif
}

/* The script holds our standard input open while the client runs. */
static DWORD WINAPI stdin_watch(LPVOID p)
{
    (void)p;
    while (getchar() != EOF)
        ;
    RpcMgmtStopServerListening(NULL);
    return 0;
}

static DWORD WINAPI watchdog(LPVOID p)
{
    (void)p;
    Sleep(900000);
    fprintf(stderr, "pipe_server: watchdog: still running after 900 s, stopping\n");
    RpcMgmtStopServerListening(NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: pipe_server PROTSEQ [ENDPOINT]\n");
        return 2;
    }
    RPC_STATUS st = argc == 3 ? RpcServerUseProtseqEpA((RPC_CSTR)argv[1], RPC_C_PROTSEQ_MAX_REQS_DEFAULT,
                                                       (RPC_CSTR)argv[2], NULL)
                              : RpcServerUseProtseqA((RPC_CSTR)argv[1], RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL);
    if (st == RPC_S_OK)
        st = RpcServerRegisterIf(wire_pipe_v1_0_s_ifspec, NULL, NULL);
    if (st != RPC_S_OK) {
        fprintf(stderr, "pipe_server: setup failed: %ld\n", (long)st);
        return 1;
    }
    RPC_BINDING_VECTOR *v = NULL;
    RPC_CSTR sb = NULL, ep = NULL;
    if (RpcServerInqBindings(&v) != RPC_S_OK || RpcBindingToStringBindingA(v->BindingH[0], &sb) != RPC_S_OK ||
        RpcStringBindingParseA(sb, NULL, NULL, NULL, &ep, NULL) != RPC_S_OK) {
        fprintf(stderr, "pipe_server: no binding\n");
        return 1;
    }
    HANDLE t1 = CreateThread(NULL, 0, stdin_watch, NULL, 0, NULL);
    HANDLE t2 = CreateThread(NULL, 0, watchdog, NULL, 0, NULL);
    if (!t1 || !t2) {
        fprintf(stderr, "pipe_server: no threads\n");
        return 1;
    }
    CloseHandle(t1);
    CloseHandle(t2);
    printf("pipe_server: ready, listening on %s:[%s]\n", argv[1], (char *)ep);
    fflush(stdout);
    RpcStringFreeA(&ep);
    RpcStringFreeA(&sb);
    RpcBindingVectorFree(&v);
    st = RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, FALSE);
    printf("pipe_server: stopped (%ld)\n", (long)st);
    printf("server_peak_rss_kib %llu\n", peak_rss_kib());
    fflush(stdout);
    return st == RPC_S_OK ? 0 : 1;
}

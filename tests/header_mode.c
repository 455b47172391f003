/* Compiled (not run) under -std=c11 and -std=gnu11, with and without
 * _GNU_SOURCE, with -Werror: every public header, alone and together. */
#include <rpcasync.h>
#include <rpcdce.h>
#include <rpcdcep.h>
#include <rpcnterr.h>
#include <rpcndr.h>
#include <winerror.h>
#include <rpc.h>
#include <windows.h>

int header_mode_probe(void);
int header_mode_probe(void)
{
    RPC_ASYNC_STATE s = {0};
    return (int)sizeof s + RPC_S_ASYNC_CALL_PENDING;
}

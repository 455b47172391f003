/* Uses the installed headers (include/asyncrpc/ on the include path) and library. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>

int main(void)
{
    RPC_ASYNC_STATE a;
    RPC_STATUS st = RpcAsyncInitializeHandle(&a, sizeof a);
    RPC_STATUS idle = RpcAsyncGetCallStatus(&a);
    printf("init=%ld idle=%ld size=%u\n", (long)st, (long)idle, (unsigned)sizeof a);
    return st == RPC_S_OK && idle == RPC_S_INVALID_BINDING && sizeof a == 112 ? 0 : 1;
}

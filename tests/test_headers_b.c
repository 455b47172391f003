/* Coexistence, order 2: <rpcasync.h>, <rpc.h>, <ole2.h>, <windows.h>. */
#include <rpcasync.h>
#include <rpc.h>
#if defined(_WIN32)
#include <ole2.h>
#endif
#include <windows.h>

int headers_b_values(int which);

int headers_b_values(int which)
{
    switch (which) {
    case 0: return (int)sizeof(RPC_ASYNC_STATE);
    case 1: return RPC_S_CALL_CANCELLED;
    default: return RpcClientCancel;
    }
}

/* Both sides of calc.idl in one program (asyncrpc_add_idl ... PREFIX server
 * s_, no ACF named: the compiler reads calc.acf next to calc.idl): the
 * client stubs keep the IDL's names, the server managers take s_, and the
 * ACF's [async] shapes both. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include "calc.h"

long s_Add(handle_t h, long a, long b)
{
    (void)h;
    return a + b;
}

void s_Multiply(PRPC_ASYNC_STATE pAsync, handle_t h, long a, long b, long *product)
{
    (void)h;
    *product = a * b;
    long sum = a + b;
    RpcAsyncCompleteCall(pAsync, &sum);
}

long (*const calc_both_add)(handle_t, long, long) = Add;
void (*const calc_both_multiply)(PRPC_ASYNC_STATE, handle_t, long, long, long *) = Multiply;

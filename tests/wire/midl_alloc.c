/* The application's allocator for the stubs, as every RPC program has. */
#include <rpc.h>
#include <rpcndr.h>
#include <stdlib.h>

void *__RPC_USER MIDL_user_allocate(size_t n)
{
    return malloc(n);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}

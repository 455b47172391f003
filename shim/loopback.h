/* loopback.h - an in-process client/server pair over the call engine, for
 * tests until (and beside) the network transport: the client call and the
 * server call live in one process, the manager runs on a runtime thread, and
 * every step - start, pending, notify, complete, cancel, abort, disconnect -
 * goes through the same engine code the transport uses.
 *
 * Exported (arpc_loopback_*) for the test suites only; not a public API.
 */
#ifndef ASYNCRPC_SHIM_LOOPBACK_H
#define ASYNCRPC_SHIM_LOOPBACK_H

#include <rpc.h>
#include <rpcasync.h>
#include <stddef.h>

/* A server manager: gets the runtime-owned pAsync, the request bytes and
 * the context given to arpc_loopback_call.  It may complete or abort at
 * once, or return and complete later from any thread. */
typedef void (*arpc_loopback_manager)(PRPC_ASYNC_STATE pAsync, void *ctx, const void *request, size_t request_len);

/* Start an async call: validates pAsync like a stub would, binds it, and
 * dispatches the manager on a runtime thread.  reply_size is the size of the
 * procedure's return value (what RpcAsyncCompleteCall copies to Reply on
 * both sides).  Returns RPC_S_OK, or the start error (and then no
 * notification will ever come). */
ARPC_API RPC_STATUS arpc_loopback_call(PRPC_ASYNC_STATE pAsync, arpc_loopback_manager manager, void *ctx,
                                       const void *request, size_t request_len, size_t reply_size);

/* The client's connection drops: the server call sees a disconnect (its
 * subscription fires, its later reply is dropped) and the client call
 * completes with RPC_S_CALL_FAILED. */
ARPC_API RPC_STATUS arpc_loopback_disconnect(PRPC_ASYNC_STATE pAsync);

/* Deliver a pipe event (RpcSendComplete/RpcReceiveComplete) through a call's
 * notification mechanism, as the pipe layer will. */
ARPC_API RPC_STATUS arpc_loopback_notify(PRPC_ASYNC_STATE pAsync, RPC_ASYNC_EVENT ev);

/* Number of call objects alive in the process (leak checks in tests). */
ARPC_API long arpc_loopback_live_calls(void);

#endif /* ASYNCRPC_SHIM_LOOPBACK_H */

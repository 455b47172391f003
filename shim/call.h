/* call.h - the async call engine: the one call object that every layer
 * drives (loopback today; the DCE/RPC transport, the stubs and the pipes
 * later).  There is no second state machine.
 *
 * Client call:  PENDING --(result from below | abortive cancel)--> COMPLETE
 *               --(final RpcAsyncCompleteCall)--> gone.
 *   Exactly one RpcCallComplete notification, sent on entering COMPLETE;
 *   the first of "result" and "abortive cancel" wins, the other is dropped.
 * Server call:  ACTIVE --(RpcAsyncCompleteCall | RpcAsyncAbortCall |
 *               exception from the manager)--> gone.
 *   Its RPC_ASYNC_STATE is runtime-owned and RuntimeInfo is the call
 *   handle, so RpcServerTestCancel(RpcAsyncGetCallHandle(pAsync)) works.
 *
 * Lifetime: a call is reference-counted; the user's side holds one
 * reference until the final completion, the lower layer one until it calls
 * arpc_call_release.  Server async states live in a pool that never returns
 * memory, so a server that touches its handle after completion gets
 * RPC_S_INVALID_ASYNC_HANDLE instead of a crash.
 */
#ifndef ASYNCRPC_SHIM_CALL_H
#define ASYNCRPC_SHIM_CALL_H

#include "platform.h"

typedef struct arpc_call arpc_call;

/* What the layer below supplies.  Hooks run without any engine lock held. */
typedef struct arpc_call_hooks {
    /* Client, final RpcAsyncCompleteCall of a successful call: turn the
     * result into the caller's [out] parameters and *reply (may be NULL).
     * NULL hook: copy the result bytes into reply. */
    RPC_STATUS (*client_finish)(arpc_call *c, void *reply);
    /* Client, RpcAsyncCancelCall: tell the server (abortive: also orphan). */
    void (*client_cancel)(arpc_call *c, int abortive);
    /* Server, RpcAsyncCompleteCall: marshal *reply (may be NULL for void)
     * and send it.  Returns the send's status. */
    RPC_STATUS (*server_reply)(arpc_call *c, const void *reply);
    /* Server, RpcAsyncAbortCall or an exception: send a fault. */
    void (*server_fault)(arpc_call *c, RPC_STATUS code);
    /* The call object is about to be freed: drop lower-layer state. */
    void (*destroy)(arpc_call *c);
} arpc_call_hooks;

/* ---- client side */
/* Validate pAsync and bind a new call to it (pAsync->RuntimeInfo).  Errors:
 * RPC_S_INVALID_ASYNC_HANDLE (NULL, wrong Size/Signature), RPC_S_INVALID_ASYNC_CALL
 * (a call is already in flight on it), RPC_S_INVALID_ARG (unknown
 * NotificationType), RPC_S_CANNOT_SUPPORT (HWND on POSIX), RPC_S_OUT_OF_MEMORY. */
RPC_STATUS arpc_call_client_start(PRPC_ASYNC_STATE pAsync, const arpc_call_hooks *hooks, void *lower,
                                  size_t reply_size, arpc_call **out);
/* The outcome arrived from below: RPC_S_OK with result bytes (copied), or a
 * failure/fault code.  Ignored when the call already completed (late reply
 * after an abortive cancel). */
void arpc_call_client_result(arpc_call *c, RPC_STATUS status, const void *result, size_t len);
/* Undo a start that cannot go on (e.g. marshalling failed): unbind pAsync,
 * no notification; the lower layer still releases its reference. */
void arpc_call_client_abandon(arpc_call *c);
/* End the call now, whatever its state, with no notification: a pipe
 * operation failed and "the runtime has cleaned up" (spec 3.4).  pAsync is
 * unbound; the layer below hears an abortive cancel. */
void arpc_call_client_discard(arpc_call *c);
/* The lower layer is done with the call (drops its reference). */
void arpc_call_release(arpc_call *c);

/* ---- server side */
/* A new server call with a runtime-owned, initialised RPC_ASYNC_STATE;
 * reply_size is the size of the procedure's return value (0 for void). */
RPC_STATUS arpc_call_server_create(const arpc_call_hooks *hooks, void *lower, size_t reply_size, arpc_call **out);
PRPC_ASYNC_STATE arpc_call_async(arpc_call *c);
/* The manager gets pAsync (an [async] procedure): its return value's size. */
void arpc_call_server_set_async(arpc_call *c, size_t reply_size);
/* Run a manager on the calling thread as the call's dispatch: the call is the
 * thread's current call for RpcServerTestCancel(NULL) and subscriptions; an
 * RPC exception leaving the manager faults the call with its code. */
void arpc_call_server_dispatch(arpc_call *c, void (*manager)(PRPC_ASYNC_STATE, void *), void *ctx);
/* Undo a server call that will never be dispatched. */
void arpc_call_server_abandon(arpc_call *c);
/* From below: the client cancelled (non-abortive or abortive). */
void arpc_call_server_cancelled(arpc_call *c);
/* From below: the client's connection is gone. */
void arpc_call_server_disconnected(arpc_call *c);

/* ---- both */
void *arpc_call_lower(arpc_call *c);
/* The call's pipes (pipe.h), NULL if it has none. */
struct arpc_pipes *arpc_call_pipes(arpc_call *c);
/* Deliver a pipe event (RpcSendComplete / RpcReceiveComplete) through the
 * call's notification mechanism. */
void arpc_call_notify(arpc_call *c, RPC_ASYNC_EVENT ev);

/* ---- runtime threads */
/* Run fn(arg) on a runtime worker thread.  Returns RPC_S_OK or
 * RPC_S_OUT_OF_THREADS / RPC_S_OUT_OF_MEMORY. */
RPC_STATUS arpc_workq_submit(void (*fn)(void *), void *arg);

#endif /* ASYNCRPC_SHIM_CALL_H */

/* async_api.c - RpcAsyncInitializeHandle, RpcAsyncRegisterInfo,
 * RpcAsyncGetCallStatus, RpcAsyncCompleteCall, RpcAsyncAbortCall and
 * RpcAsyncCancelCall: validation and the user-facing transitions of the call
 * object (call.c).
 *
 * Codes for misuse (choices where Windows documents none, spec §2.7):
 *  - NULL pAsync, wrong Size/Signature, RuntimeInfo that names no live call
 *    of this handle, or a handle used after its final completion:
 *    RPC_S_INVALID_ASYNC_HANDLE (1914).
 *  - RpcAsyncGetCallStatus on a handle with no call (fresh or all zero):
 *    RPC_S_INVALID_BINDING (1702), as Windows answers.
 *  - An operation of the other side (abort on a client handle, cancel or
 *    status on a server handle): RPC_S_INVALID_ASYNC_CALL (1915).
 */
#include <string.h>
#include "call_internal.h"
#include "pipe.h"

ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncInitializeHandle(PRPC_ASYNC_STATE pAsync, unsigned int Size)
{
    if (!pAsync)
        return RPC_S_INVALID_ASYNC_HANDLE;
    if (Size != sizeof(RPC_ASYNC_STATE))
        return RPC_S_INVALID_ARG;
    /* Exactly the fields Windows writes; UserInfo, Event, NotificationType
     * and u stay as the application set them. */
    pAsync->Size = sizeof(RPC_ASYNC_STATE);
    pAsync->Signature = ARPC_ASYNC_SIGNATURE;
    pAsync->Lock = 0;
    pAsync->Flags = 0;
    pAsync->StubInfo = NULL;
    pAsync->RuntimeInfo = NULL;
    memset(pAsync->Reserved, 0, sizeof pAsync->Reserved);
    return RPC_S_OK;
}

/* The call pAsync is bound to, referenced; *st gets the failure code. */
static arpc_call *bound_call(PRPC_ASYNC_STATE pAsync, RPC_STATUS idle_code, RPC_STATUS *st)
{
    *st = RPC_S_INVALID_ASYNC_HANDLE;
    if (!pAsync)
        return NULL;
    if (!pAsync->RuntimeInfo) {
        *st = idle_code;
        return NULL;
    }
    if (pAsync->Size != sizeof(RPC_ASYNC_STATE) || pAsync->Signature != ARPC_ASYNC_SIGNATURE)
        return NULL;
    arpc_call *c = arpc_call_lookup(pAsync->RuntimeInfo);
    if (c && c->async != pAsync) {
        arpc_call_unref(c);
        c = NULL;
    }
    if (c)
        *st = RPC_S_OK;
    return c;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncRegisterInfo(PRPC_ASYNC_STATE pAsync)
{
    /* Obsolete on Windows (spec §5 item 3): validate and accept.  On a server
     * handle it also names the calling thread as the APC target when
     * u.APC.hThread is 0, which is what "registering" the handle for APC
     * notification needs (the server has no calling thread otherwise). */
    RPC_STATUS st;
    arpc_call *c = bound_call(pAsync, RPC_S_INVALID_ASYNC_HANDLE, &st);
    if (!c)
        return st;
    if (c->side == CALL_SERVER && pAsync->NotificationType == RpcNotificationTypeApc && !pAsync->u.APC.hThread) {
        HANDLE t = NULL;
        st = arpc_current_thread_handle(&t);
        if (st == RPC_S_OK) {
            arpc_mutex_lock(&c->lock);
            HANDLE old = c->apc_thread;
            c->apc_thread = t;
            arpc_mutex_unlock(&c->lock);
            if (old)
                arpc_handle_close(old);
        }
    }
    arpc_call_unref(c);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncGetCallStatus(PRPC_ASYNC_STATE pAsync)
{
    RPC_STATUS st;
    arpc_call *c = bound_call(pAsync, RPC_S_INVALID_BINDING, &st);
    if (!c)
        return st;
    if (c->side == CALL_SERVER) {
        st = RPC_S_INVALID_ASYNC_CALL;
    } else {
        arpc_mutex_lock(&c->lock);
        st = c->state == CALL_PENDING ? RPC_S_ASYNC_CALL_PENDING : c->status;
        arpc_mutex_unlock(&c->lock);
    }
    arpc_call_unref(c);
    return st;
}

/* Whether a pipe call is being completed before its pipes ended (spec 2.7:
 * a pipe discipline error, and the call is over). */
static int pipes_unfinished(arpc_call *c)
{
    arpc_mutex_lock(&c->lock);
    int pending = c->state == CALL_PENDING;
    arpc_mutex_unlock(&c->lock);
    return pending && c->pipes && !arpc_pipes_all_ended(c->pipes);
}

static RPC_STATUS client_complete(arpc_call *c, void *Reply)
{
    if (pipes_unfinished(c)) {
        arpc_call_client_discard(c);
        return RPC_X_PIPE_DISCIPLINE_ERROR;
    }
    arpc_mutex_lock(&c->lock);
    if (c->state == CALL_PENDING) {
        arpc_mutex_unlock(&c->lock);
        return RPC_S_ASYNC_CALL_PENDING; /* not final */
    }
    if (c->state == CALL_DONE) { /* another thread is finishing it */
        arpc_mutex_unlock(&c->lock);
        return RPC_S_INVALID_ASYNC_HANDLE;
    }
    c->state = CALL_DONE;
    RPC_STATUS st = c->status;
    arpc_mutex_unlock(&c->lock);
    if (st == RPC_S_OK) {
        if (c->hooks && c->hooks->client_finish)
            st = c->hooks->client_finish(c, Reply);
        else if (Reply && c->result_len)
            memcpy(Reply, c->result, c->result_len < c->reply_size ? c->result_len : c->reply_size);
    }
    /* Final, whatever the result: the handle is free for the next call. */
    arpc_mutex_lock(&c->lock);
    PRPC_ASYNC_STATE a = c->async;
    c->async = NULL;
    arpc_mutex_unlock(&c->lock);
    a->RuntimeInfo = NULL;
    a->StubInfo = NULL;
    arpc_call_unref(c); /* the user's side */
    return st;
}

static RPC_STATUS server_complete(arpc_call *c, void *Reply)
{
    if (c->reply_size && !Reply)
        return RPC_S_INVALID_ARG; /* not final: the reply is still owed */
    int unfinished = pipes_unfinished(c);
    if (!arpc_call_server_claim(c))
        return RPC_S_INVALID_ASYNC_HANDLE;
    if (unfinished) {
        if (c->hooks->server_fault)
            c->hooks->server_fault(c, RPC_X_PIPE_DISCIPLINE_ERROR);
        arpc_call_server_finish(c);
        return RPC_X_PIPE_DISCIPLINE_ERROR;
    }
    RPC_STATUS st = c->hooks->server_reply ? c->hooks->server_reply(c, Reply) : RPC_S_OK;
    arpc_call_server_finish(c);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncCompleteCall(PRPC_ASYNC_STATE pAsync, void *Reply)
{
    RPC_STATUS st;
    arpc_call *c = bound_call(pAsync, RPC_S_INVALID_ASYNC_HANDLE, &st);
    if (!c)
        return st;
    st = c->side == CALL_CLIENT ? client_complete(c, Reply) : server_complete(c, Reply);
    arpc_call_unref(c);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncAbortCall(PRPC_ASYNC_STATE pAsync, unsigned long ExceptionCode)
{
    RPC_STATUS st;
    arpc_call *c = bound_call(pAsync, RPC_S_INVALID_ASYNC_HANDLE, &st);
    if (!c)
        return st;
    if (c->side != CALL_SERVER) {
        st = RPC_S_INVALID_ASYNC_CALL;
    } else if (ExceptionCode == 0) {
        st = RPC_S_INVALID_ARG; /* the code is sent as a fault and must be nonzero */
    } else {
        if (arpc_call_server_claim(c)) {
            if (c->hooks->server_fault)
                c->hooks->server_fault(c, (RPC_STATUS)(ULONG)ExceptionCode);
            arpc_call_server_finish(c);
            st = RPC_S_OK;
        } else {
            st = RPC_S_INVALID_ASYNC_HANDLE;
        }
    }
    arpc_call_unref(c);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncCancelCall(PRPC_ASYNC_STATE pAsync, BOOL fAbort)
{
    RPC_STATUS st;
    arpc_call *c = bound_call(pAsync, RPC_S_INVALID_ASYNC_HANDLE, &st);
    if (!c)
        return st;
    if (c->side != CALL_CLIENT) {
        arpc_call_unref(c);
        return RPC_S_INVALID_ASYNC_CALL;
    }
    arpc_notification n;
    n.type = RpcNotificationTypeNone;
    arpc_mutex_lock(&c->lock);
    int pending = c->state == CALL_PENDING;
    if (pending) {
        c->cancelled = 1;
        if (fAbort) {
            /* Abortive: complete locally now; a late reply is dropped. */
            c->state = CALL_COMPLETE;
            c->status = RPC_S_CALL_CANCELLED;
            arpc_call_prepare_notify_locked(c, RpcCallComplete, &n);
        }
    }
    arpc_mutex_unlock(&c->lock);
    if (pending) {
        /* Promptly: the notification before the wire hears of the cancel. */
        arpc_call_deliver(&n);
        if (c->hooks && c->hooks->client_cancel)
            c->hooks->client_cancel(c, fAbort ? 1 : 0);
    }
    arpc_call_unref(c);
    return RPC_S_OK; /* "the cancellation request was processed" */
}

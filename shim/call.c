/* call.c - the call object: registry, lifetime, notification delivery, and
 * the state transitions the layer below drives (see call.h).
 *
 * References: a call starts with two, the user's side (dropped at the final
 * completion) and the lower layer's (dropped by arpc_call_release); a lookup
 * takes a temporary one.  The count drops to zero only under the registry
 * lock, where the call is also unregistered, so a lookup never finds a dying
 * call. */
#include <stdlib.h>
#include <string.h>
#include "call_internal.h"

#define REGISTRY_BUCKETS 4096
#define SERVER_POOL_DELAY 256

static struct {
    arpc_mutex lock;
    arpc_call *bucket[REGISTRY_BUCKETS];
    long live;
    arpc_call *pool, *pool_tail; /* finished server calls, memory kept (see call.h) */
    int pool_count;
} reg;

static _Thread_local arpc_call *current_call;

static void registry_init_once(void)
{
    arpc_mutex_init(&reg.lock);
}

static void registry_init(void)
{
    static arpc_once_flag once = ARPC_ONCE_INIT;
    arpc_once(&once, registry_init_once);
}

static size_t bucket_of(const void *p)
{
    uintptr_t v = (uintptr_t)p;
    return (size_t)((v >> 4) ^ (v >> 16)) % REGISTRY_BUCKETS;
}

arpc_call *arpc_call_lookup(const void *handle)
{
    if (!handle)
        return NULL;
    registry_init();
    arpc_mutex_lock(&reg.lock);
    arpc_call *c = reg.bucket[bucket_of(handle)];
    while (c && (const void *)c != handle)
        c = c->hash_next;
    if (c)
        __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
    arpc_mutex_unlock(&reg.lock);
    return c;
}

void arpc_call_ref(arpc_call *c)
{
    __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
}

static void call_destroy(arpc_call *c)
{
    if (c->hooks && c->hooks->destroy)
        c->hooks->destroy(c);
    if (c->apc_thread)
        arpc_handle_close(c->apc_thread);
    free(c->result);
    arpc_mutex_destroy(&c->lock);
    c->magic = 0;
    if (c->side == CALL_SERVER) {
        /* The manager may still (wrongly) hold the async handle: keep the
         * memory, with a signature that no longer validates. */
        c->own_async.Signature = 0;
        c->own_async.RuntimeInfo = NULL;
        /* First in, first out, and only once SERVER_POOL_DELAY others wait:
         * a stale handle is reused as late as possible. */
        c->pool_next = NULL;
        arpc_mutex_lock(&reg.lock);
        if (reg.pool_tail)
            reg.pool_tail->pool_next = c;
        else
            reg.pool = c;
        reg.pool_tail = c;
        reg.pool_count++;
        arpc_mutex_unlock(&reg.lock);
    } else {
        free(c);
    }
}

void arpc_call_unref(arpc_call *c)
{
    arpc_mutex_lock(&reg.lock);
    int last = __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0;
    if (last) {
        arpc_call **pp = &reg.bucket[bucket_of(c)];
        while (*pp != c)
            pp = &(*pp)->hash_next;
        *pp = c->hash_next;
        reg.live--;
    }
    arpc_mutex_unlock(&reg.lock);
    if (last)
        call_destroy(c);
}

long arpc_call_live_count(void)
{
    registry_init();
    arpc_mutex_lock(&reg.lock);
    long n = reg.live;
    arpc_mutex_unlock(&reg.lock);
    return n;
}

static arpc_call *call_new(enum arpc_call_side side)
{
    arpc_call *c = NULL;
    registry_init();
    if (side == CALL_SERVER) {
        arpc_mutex_lock(&reg.lock);
        c = reg.pool_count > SERVER_POOL_DELAY ? reg.pool : NULL;
        if (c) {
            reg.pool_count--;
            if (!(reg.pool = c->pool_next))
                reg.pool_tail = NULL;
        }
        arpc_mutex_unlock(&reg.lock);
        if (c)
            memset(c, 0, offsetof(arpc_call, own_async));
    }
    if (!c && !(c = calloc(1, sizeof *c)))
        return NULL;
    c->magic = ARPC_CALL_MAGIC;
    c->side = side;
    c->refs = 2; /* user's side + lower layer */
    c->state = CALL_PENDING;
    arpc_mutex_init(&c->lock);
    arpc_mutex_lock(&reg.lock);
    size_t b = bucket_of(c);
    c->hash_next = reg.bucket[b];
    reg.bucket[b] = c;
    reg.live++;
    arpc_mutex_unlock(&reg.lock);
    return c;
}

/* ------------------------------------------------------------ notification */

struct routine_call {
    PFN_RPCNOTIFICATION_ROUTINE routine;
    PRPC_ASYNC_STATE async;
    RPC_ASYNC_EVENT ev;
};

/* A user routine must not take the runtime down with it: an RPC exception
 * it raises is caught here (and dropped - there is no one to report to). */
static void run_routine(void *p)
{
    struct routine_call r = *(struct routine_call *)p;
    free(p);
    RpcTryExcept {
        r.routine(r.async, NULL, r.ev);
    } RpcExcept(1) {
    } RpcEndExcept
}

static RPC_STATUS queue_routine(PFN_RPCNOTIFICATION_ROUTINE routine, PRPC_ASYNC_STATE a, RPC_ASYNC_EVENT ev,
                                HANDLE apc_thread)
{
    struct routine_call *r;
    if (!routine || !(r = malloc(sizeof *r)))
        return RPC_S_OUT_OF_MEMORY;
    r->routine = routine;
    r->async = a;
    r->ev = ev;
    RPC_STATUS st = apc_thread ? arpc_notify_apc(apc_thread, run_routine, r) : arpc_workq_submit(run_routine, r);
    if (st != RPC_S_OK)
        free(r);
    return st;
}

void arpc_call_deliver(const arpc_notification *n)
{
    const RPC_ASYNC_NOTIFICATION_INFO *info = &n->info;
    switch (n->type) {
    case RpcNotificationTypeEvent:
        arpc_notify_event(info->hEvent);
        break;
    case RpcNotificationTypeApc: {
        HANDLE t = info->APC.hThread ? info->APC.hThread : n->apc_thread;
        if (t) /* a server handle with no thread named: nowhere to deliver */
            queue_routine(info->APC.NotificationRoutine, n->first_arg, n->ev, t);
        break;
    }
    case RpcNotificationTypeIoc:
        arpc_notify_iocp(info->IOC.hIOPort, info->IOC.dwNumberOfBytesTransferred, info->IOC.dwCompletionKey,
                         info->IOC.lpOverlapped);
        break;
    case RpcNotificationTypeHwnd:
        arpc_notify_hwnd(info->HWND.hWnd, info->HWND.Msg, n->first_arg);
        break;
    case RpcNotificationTypeCallback:
        /* Always through the pool: a runtime thread, never the thread that
         * completed or cancelled the call (it may hold its own locks). */
        queue_routine(info->NotificationRoutine, n->first_arg, n->ev, NULL);
        break;
    default: /* None: the application polls */
        break;
    }
}

void arpc_call_prepare_notify_locked(arpc_call *c, RPC_ASYNC_EVENT ev, arpc_notification *n)
{
    PRPC_ASYNC_STATE a = c->async;
    n->type = RpcNotificationTypeNone;
    if (!a)
        return;
    /* Event is written before each notification (spec §2.4), and what the
     * notification needs is copied now, under the lock: once the lock is
     * dropped a polling application may complete the call and free a. */
    a->Event = ev;
    n->ev = ev;
    n->first_arg = a;
    n->type = a->NotificationType;
    n->apc_thread = c->apc_thread;
    /* MinGW declares u inline, a distinct type of the same layout. */
    _Static_assert(sizeof n->info == sizeof a->u, "notification info layout");
    memcpy(&n->info, &a->u, sizeof n->info);
}

void arpc_call_notify(arpc_call *c, RPC_ASYNC_EVENT ev)
{
    arpc_notification n;
    arpc_mutex_lock(&c->lock);
    arpc_call_prepare_notify_locked(c, ev, &n);
    arpc_mutex_unlock(&c->lock);
    arpc_call_deliver(&n);
}

/* ------------------------------------------------------------ client side */

RPC_STATUS arpc_call_client_start(PRPC_ASYNC_STATE pAsync, const arpc_call_hooks *hooks, void *lower,
                                  size_t reply_size, arpc_call **out)
{
    *out = NULL;
    if (!pAsync || pAsync->Size != sizeof(RPC_ASYNC_STATE) || pAsync->Signature != ARPC_ASYNC_SIGNATURE)
        return RPC_S_INVALID_ASYNC_HANDLE;
    if (pAsync->RuntimeInfo) {
        arpc_call *busy = arpc_call_lookup(pAsync->RuntimeInfo);
        if (busy) {
            int mine = busy->async == pAsync;
            arpc_call_unref(busy);
            if (mine)
                return RPC_S_INVALID_ASYNC_CALL; /* one outstanding call per handle */
        }
    }
    if ((unsigned)pAsync->NotificationType > RpcNotificationTypeCallback)
        return RPC_S_INVALID_ARG;
    if (pAsync->NotificationType == RpcNotificationTypeHwnd && !arpc_notify_hwnd_supported())
        return RPC_S_CANNOT_SUPPORT;
    HANDLE apc_thread = NULL;
    if (pAsync->NotificationType == RpcNotificationTypeApc && !pAsync->u.APC.hThread) {
        /* hThread 0: the thread that makes the call. */
        RPC_STATUS st = arpc_current_thread_handle(&apc_thread);
        if (st != RPC_S_OK)
            return st;
    }
    arpc_call *c = call_new(CALL_CLIENT);
    if (!c) {
        if (apc_thread)
            arpc_handle_close(apc_thread);
        return RPC_S_OUT_OF_MEMORY;
    }
    c->async = pAsync;
    c->hooks = hooks;
    c->lower = lower;
    c->reply_size = reply_size;
    c->apc_thread = apc_thread;
    pAsync->RuntimeInfo = c;
    *out = c;
    return RPC_S_OK;
}

void arpc_call_client_result(arpc_call *c, RPC_STATUS status, const void *result, size_t len)
{
    unsigned char *copy = NULL;
    if (status == RPC_S_OK && len) {
        copy = malloc(len);
        if (!copy)
            status = RPC_S_OUT_OF_MEMORY;
        else
            memcpy(copy, result, len);
    }
    arpc_mutex_lock(&c->lock);
    if (c->state != CALL_PENDING) { /* e.g. a late reply after an abortive cancel */
        arpc_mutex_unlock(&c->lock);
        free(copy);
        return;
    }
    c->state = CALL_COMPLETE;
    c->status = status;
    c->result = copy;
    c->result_len = copy ? len : 0;
    arpc_notification n;
    arpc_call_prepare_notify_locked(c, RpcCallComplete, &n);
    arpc_mutex_unlock(&c->lock);
    arpc_call_deliver(&n);
}

void arpc_call_client_abandon(arpc_call *c)
{
    arpc_mutex_lock(&c->lock);
    PRPC_ASYNC_STATE a = c->async;
    c->state = CALL_DONE;
    c->async = NULL;
    arpc_mutex_unlock(&c->lock);
    if (a)
        a->RuntimeInfo = NULL;
    arpc_call_unref(c); /* the user's side */
}

void arpc_call_client_discard(arpc_call *c)
{
    arpc_mutex_lock(&c->lock);
    int was_done = c->state == CALL_DONE;
    PRPC_ASYNC_STATE a = c->async;
    c->state = CALL_DONE;
    c->async = NULL;
    arpc_mutex_unlock(&c->lock);
    if (was_done)
        return;
    if (a) {
        a->RuntimeInfo = NULL;
        a->StubInfo = NULL;
    }
    if (c->hooks && c->hooks->client_cancel)
        c->hooks->client_cancel(c, 1);
    arpc_call_unref(c); /* the user's side */
}

void arpc_call_release(arpc_call *c)
{
    arpc_call_unref(c);
}

void *arpc_call_lower(arpc_call *c)
{
    return c->lower;
}

struct arpc_pipes *arpc_call_pipes(arpc_call *c)
{
    return c->pipes;
}

/* ------------------------------------------------------------ server side */

RPC_STATUS arpc_call_server_create(const arpc_call_hooks *hooks, void *lower, size_t reply_size, arpc_call **out)
{
    arpc_call *c = call_new(CALL_SERVER);
    *out = c;
    if (!c)
        return RPC_S_OUT_OF_MEMORY;
    c->hooks = hooks;
    c->lower = lower;
    c->reply_size = reply_size;
    c->async = &c->own_async;
    memset(&c->own_async, 0, sizeof c->own_async);
    RpcAsyncInitializeHandle(&c->own_async, sizeof c->own_async);
    c->own_async.RuntimeInfo = c; /* the call handle: RpcServerTestCancel takes it */
    return RPC_S_OK;
}

void arpc_call_server_set_async(arpc_call *c, size_t reply_size)
{
    arpc_mutex_lock(&c->lock);
    c->reply_size = reply_size;
    c->is_async = 1;
    arpc_mutex_unlock(&c->lock);
}

PRPC_ASYNC_STATE arpc_call_async(arpc_call *c)
{
    return c->async;
}

arpc_call *arpc_call_current(void)
{
    return current_call;
}

void arpc_call_server_finish(arpc_call *c)
{
    arpc_mutex_lock(&c->lock);
    c->own_async.Signature = 0;
    c->own_async.RuntimeInfo = NULL;
    c->async = NULL;
    arpc_mutex_unlock(&c->lock);
    arpc_call_unref(c); /* the user's side */
}

int arpc_call_server_claim(arpc_call *c)
{
    arpc_mutex_lock(&c->lock);
    int mine = c->state == CALL_PENDING;
    if (mine)
        c->state = CALL_DONE;
    arpc_mutex_unlock(&c->lock);
    return mine;
}

void arpc_call_server_abandon(arpc_call *c)
{
    arpc_call_server_claim(c);
    arpc_call_server_finish(c);
}

void arpc_call_server_dispatch(arpc_call *c, void (*manager)(PRPC_ASYNC_STATE, void *), void *ctx)
{
    arpc_call *saved = current_call;
    arpc_call_ref(c); /* the manager may complete, and so free, the call */
    volatile RPC_STATUS raised = RPC_S_OK;
    current_call = c;
    RpcTryExcept {
        manager(&c->own_async, ctx);
    } RpcExcept(1) {
        raised = (RPC_STATUS)RpcExceptionCode();
        if (raised == RPC_S_OK) /* a zero code still means "failed" */
            raised = RPC_S_CALL_FAILED;
    } RpcEndExcept
    current_call = saved;
    if (raised == RPC_S_OK) {
        arpc_call_unref(c);
        return;
    }
    /* An exception left the manager: fault the call unless it was already
     * completed or aborted (then the exception came after the hand-off, which
     * Windows leaves undefined; we ignore it). */
    if (arpc_call_server_claim(c)) {
        if (c->hooks->server_fault)
            c->hooks->server_fault(c, raised);
        arpc_call_server_finish(c);
    }
    arpc_call_unref(c);
}

void arpc_call_server_cancelled(arpc_call *c)
{
    arpc_mutex_lock(&c->lock);
    c->cancelled = 1;
    arpc_mutex_unlock(&c->lock);
    arpc_call_fire_subscription(c, SUB_CANCEL);
}

void arpc_call_server_disconnected(arpc_call *c)
{
    arpc_mutex_lock(&c->lock);
    c->disconnected = 1;
    arpc_mutex_unlock(&c->lock);
    arpc_call_fire_subscription(c, SUB_DISCONNECT);
}

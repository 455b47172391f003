/* server_notify.c - what a server learns about its calls: RpcServerTestCancel
 * and RpcTestCancel (polling), RpcServerSubscribeForNotification and
 * RpcServerUnsubscribeForNotification (client disconnect and cancel). */
#include "call_internal.h"

/* The server call a binding handle names: NULL means the call dispatched on
 * this thread.  A call handle (RpcAsyncGetCallHandle) names itself. */
static arpc_call *server_call_of(RPC_BINDING_HANDLE h, RPC_STATUS *st)
{
    arpc_call *c;
    if (!h) {
        c = arpc_call_current();
        if (!c) {
            *st = RPC_S_NO_CALL_ACTIVE;
            return NULL;
        }
        arpc_call_ref(c);
    } else {
        c = arpc_call_lookup(h);
        if (c && c->side != CALL_SERVER) {
            arpc_call_unref(c);
            c = NULL;
        }
        if (!c) {
            *st = RPC_S_INVALID_BINDING;
            return NULL;
        }
    }
    *st = RPC_S_OK;
    return c;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerTestCancel(RPC_BINDING_HANDLE BindingHandle)
{
    RPC_STATUS st;
    arpc_call *c = server_call_of(BindingHandle, &st);
    if (!c)
        return st;
    arpc_mutex_lock(&c->lock);
    if (c->state != CALL_PENDING)
        st = RPC_S_NO_CALL_ACTIVE;
    else
        st = c->cancelled ? RPC_S_OK : RPC_S_CALL_IN_PROGRESS;
    arpc_mutex_unlock(&c->lock);
    arpc_call_unref(c);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcTestCancel(void)
{
    return RpcServerTestCancel(NULL);
}

static int sub_index(RPC_NOTIFICATIONS n)
{
    return n == RpcNotificationClientDisconnect ? SUB_DISCONNECT : SUB_CANCEL;
}

/* Notification may combine both bits except with an event object, where the
 * application could not tell them apart (spec §2.9: two calls needed). */
/* MinGW declares Notification as DWORD, the SDK as RPC_NOTIFICATIONS: the
 * same 32 bits (spec §5 item 16). */
#if defined(_WIN32)
typedef DWORD notifications_param;
#else
typedef RPC_NOTIFICATIONS notifications_param;
#endif

ARPC_API RPC_STATUS RPC_ENTRY RpcServerSubscribeForNotification(RPC_BINDING_HANDLE Binding,
                                                                notifications_param Notification,
                                                                RPC_NOTIFICATION_TYPES NotificationType,
                                                                RPC_ASYNC_NOTIFICATION_INFO *NotificationInfo)
{
    unsigned bits = (unsigned)Notification;
    const unsigned known = RpcNotificationClientDisconnect | RpcNotificationCallCancel;
    if (bits == 0 || (bits & ~known))
        return RPC_S_CANNOT_SUPPORT;
    if (NotificationType == RpcNotificationTypeNone || (unsigned)NotificationType > RpcNotificationTypeCallback ||
        !NotificationInfo)
        return RPC_S_INVALID_ARG;
    if (NotificationType == RpcNotificationTypeEvent && bits == known)
        return RPC_S_INVALID_ARG;
    if (NotificationType == RpcNotificationTypeHwnd && !arpc_notify_hwnd_supported())
        return RPC_S_CANNOT_SUPPORT;
    if (NotificationType == RpcNotificationTypeApc && !NotificationInfo->APC.hThread)
        return RPC_S_INVALID_ARG; /* a server has no calling thread to default to */
    RPC_STATUS st;
    arpc_call *c = server_call_of(Binding, &st);
    if (!c)
        return st;
    int fire[SUB_COUNT] = {0, 0};
    arpc_mutex_lock(&c->lock);
    if (c->state != CALL_PENDING) {
        st = RPC_S_NO_CALL_ACTIVE;
    } else {
        for (int i = 0; i < SUB_COUNT; i++) {
            unsigned bit = i == SUB_DISCONNECT ? RpcNotificationClientDisconnect : RpcNotificationCallCancel;
            if (!(bits & bit))
                continue;
            struct arpc_subscription *s = &c->subs[i];
            s->active = 1;
            s->type = NotificationType;
            s->info = *NotificationInfo; /* the runtime keeps its own copy */
            /* It already happened: tell at once (still at most once). */
            fire[i] = i == SUB_DISCONNECT ? c->disconnected : c->cancelled;
        }
    }
    arpc_mutex_unlock(&c->lock);
    for (int i = 0; i < SUB_COUNT; i++)
        if (fire[i])
            arpc_call_fire_subscription(c, i);
    arpc_call_unref(c);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerUnsubscribeForNotification(RPC_BINDING_HANDLE Binding,
                                                                  RPC_NOTIFICATIONS Notification,
                                                                  unsigned long *NotificationsQueued)
{
    if (!NotificationsQueued)
        return RPC_S_INVALID_ARG;
    if (Notification != RpcNotificationClientDisconnect && Notification != RpcNotificationCallCancel)
        return RPC_S_CANNOT_SUPPORT;
    RPC_STATUS st;
    arpc_call *c = server_call_of(Binding, &st);
    if (!c)
        return st;
    struct arpc_subscription *s = &c->subs[sub_index(Notification)];
    arpc_mutex_lock(&c->lock);
    if (!s->active) {
        st = RPC_S_INVALID_ARG; /* nothing subscribed */
    } else {
        *NotificationsQueued = s->queued;
        s->active = 0;
    }
    arpc_mutex_unlock(&c->lock);
    arpc_call_unref(c);
    return st;
}

void arpc_call_fire_subscription(arpc_call *c, int which)
{
    struct arpc_subscription *s = &c->subs[which];
    arpc_mutex_lock(&c->lock);
    int go = s->active && !s->fired;
    if (go) {
        s->fired = 1;
        s->queued++;
    }
    /* The routine's first argument is the async handle for asynchronous
     * calls and the binding (call) handle for synchronous ones (spec §2.9);
     * the async handle's Event field is left alone: the pipes own it. */
    arpc_notification n;
    n.type = s->type;
    n.info = s->info;
    n.apc_thread = NULL;
    n.first_arg = c->is_async ? (void *)c->async : (void *)c;
    n.ev = which == SUB_DISCONNECT ? RpcClientDisconnect : RpcClientCancel;
    arpc_mutex_unlock(&c->lock);
    if (go)
        arpc_call_deliver(&n);
}

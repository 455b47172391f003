/* call_internal.h - the call object's fields, shared by the engine's files
 * (call.c, async_api.c, server_notify.c); nothing else looks inside. */
#ifndef ASYNCRPC_SHIM_CALL_INTERNAL_H
#define ASYNCRPC_SHIM_CALL_INTERNAL_H

#include "call.h"

#define ARPC_ASYNC_SIGNATURE 0x43595341u /* "ASYC", what Windows writes */
#define ARPC_CALL_MAGIC      0x4c4c4143u /* "CALL" */

enum arpc_call_side { CALL_CLIENT, CALL_SERVER };
enum arpc_call_state {
    CALL_PENDING,  /* client: waiting for the outcome; server: manager's to complete */
    CALL_COMPLETE, /* client: outcome known, RpcCallComplete sent */
    CALL_DONE      /* final completion done; only references keep it alive */
};
enum { SUB_DISCONNECT, SUB_CANCEL, SUB_COUNT };

struct arpc_subscription {
    int active, fired;
    unsigned long queued;
    RPC_NOTIFICATION_TYPES type;
    RPC_ASYNC_NOTIFICATION_INFO info;
};

struct arpc_call {
    uint32_t magic;
    enum arpc_call_side side;
    int refs;                     /* atomic; see call.c for the rules */
    arpc_mutex lock;              /* guards the fields below this line */
    enum arpc_call_state state;
    PRPC_ASYNC_STATE async;       /* client: the user's; server: &own_async */
    const arpc_call_hooks *hooks;
    void *lower;
    struct arpc_pipes *pipes;     /* the call's pipes, if any (set by the layer below) */
    size_t reply_size;
    RPC_STATUS status;            /* client: the outcome */
    unsigned char *result;        /* client: the outcome's bytes */
    size_t result_len;
    int cancelled;                /* client asked to cancel */
    int disconnected;             /* server: the client's connection is gone */
    int is_async;                 /* server: the manager got pAsync (else its handle is the call) */
    HANDLE apc_thread;            /* owned duplicate: where APCs go when u.APC.hThread is 0 */
    struct arpc_subscription subs[SUB_COUNT];
    struct arpc_call *hash_next;  /* registry chain (registry lock) */
    struct arpc_call *pool_next;  /* server free pool (pool lock) */
    RPC_ASYNC_STATE own_async;    /* server: the runtime-owned handle */
};

/* Find the live call a handle names and take a reference; NULL if none. */
arpc_call *arpc_call_lookup(const void *handle);
void arpc_call_ref(arpc_call *c);
void arpc_call_unref(arpc_call *c);
/* The call dispatched on the calling thread (server), or NULL. */
arpc_call *arpc_call_current(void);
/* A notification, captured under the call's lock and delivered after it. */
typedef struct arpc_notification {
    RPC_NOTIFICATION_TYPES type;
    RPC_ASYNC_NOTIFICATION_INFO info;
    HANDLE apc_thread;        /* where APCs go when info names no thread */
    void *first_arg;          /* the routine's first argument / HWND lParam */
    RPC_ASYNC_EVENT ev;
} arpc_notification;
/* With c->lock held: write pAsync->Event and capture the rest. */
void arpc_call_prepare_notify_locked(arpc_call *c, RPC_ASYNC_EVENT ev, arpc_notification *n);
/* With no lock held. */
void arpc_call_deliver(const arpc_notification *n);
/* Fire a server subscription (at most once per call). */
void arpc_call_fire_subscription(arpc_call *c, int which);
/* Claim the right to end a pending server call (complete, abort, fault):
 * moves it to CALL_DONE and answers 1 for exactly one caller. */
int arpc_call_server_claim(arpc_call *c);
/* Final step of a server call: invalidate its handle, drop the user ref. */
void arpc_call_server_finish(arpc_call *c);
long arpc_call_live_count(void);

#endif /* ASYNCRPC_SHIM_CALL_INTERNAL_H */

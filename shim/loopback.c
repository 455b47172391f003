/* loopback.c - an in-process client/server pair over the call engine (see
 * loopback.h).  It plays the part the transport will play: it holds the
 * lower-layer reference on both calls, carries the reply or fault from the
 * server call to the client call, and carries cancel and disconnect the
 * other way. */
#include <stdlib.h>
#include <string.h>
#include "call_internal.h"
#include "loopback.h"

struct loop_pair {
    arpc_mutex lock;
    int refs;               /* one per call still alive (guarded by lock) */
    arpc_call *client;      /* lower-layer reference, until the outcome is delivered */
    arpc_call *server;      /* lower-layer reference, until the reply or fault is sent */
    int orphaned;           /* client cancelled abortively: drop the reply */
    int disconnected;       /* client connection gone */
    arpc_loopback_manager manager;
    void *ctx;
    size_t reply_size;
    size_t request_len;
    unsigned char request[];
};

static void pair_unref(struct loop_pair *p)
{
    arpc_mutex_lock(&p->lock);
    int last = --p->refs == 0;
    arpc_mutex_unlock(&p->lock);
    if (last) {
        arpc_mutex_destroy(&p->lock);
        free(p);
    }
}

static void pair_destroy_hook(arpc_call *c)
{
    pair_unref(arpc_call_lower(c));
}

/* Take the pair's client reference out, to deliver an outcome once. */
static arpc_call *take_client(struct loop_pair *p)
{
    arpc_mutex_lock(&p->lock);
    arpc_call *c = p->client;
    p->client = NULL;
    arpc_mutex_unlock(&p->lock);
    return c;
}

static arpc_call *take_server(struct loop_pair *p)
{
    arpc_mutex_lock(&p->lock);
    arpc_call *c = p->server;
    p->server = NULL;
    arpc_mutex_unlock(&p->lock);
    return c;
}

/* ---- client hooks */
static void client_cancel(arpc_call *c, int abortive)
{
    struct loop_pair *p = arpc_call_lower(c);
    arpc_mutex_lock(&p->lock);
    arpc_call *server = p->server;
    if (server)
        arpc_call_ref(server);
    if (abortive)
        p->orphaned = 1;
    arpc_mutex_unlock(&p->lock);
    if (server) {
        arpc_call_server_cancelled(server);
        arpc_call_unref(server);
    }
}

static const arpc_call_hooks client_hooks = {
    .client_cancel = client_cancel,
    .destroy = pair_destroy_hook,
};

/* ---- server hooks */
static RPC_STATUS deliver_outcome(struct loop_pair *p, RPC_STATUS status, const void *reply)
{
    arpc_mutex_lock(&p->lock);
    int disconnected = p->disconnected;
    arpc_mutex_unlock(&p->lock);
    arpc_call *client = take_client(p);
    if (client) {
        /* After an abortive cancel the client call is already complete and
         * drops this outcome itself. */
        arpc_call_client_result(client, status, reply, status == RPC_S_OK ? p->reply_size : 0);
        arpc_call_release(client);
    }
    arpc_call *server = take_server(p);
    if (server)
        arpc_call_release(server);
    return disconnected ? RPC_S_CALL_FAILED : RPC_S_OK;
}

static RPC_STATUS server_reply(arpc_call *c, const void *reply)
{
    return deliver_outcome(arpc_call_lower(c), RPC_S_OK, reply);
}

static void server_fault(arpc_call *c, RPC_STATUS code)
{
    deliver_outcome(arpc_call_lower(c), code, NULL);
}

static const arpc_call_hooks server_hooks = {
    .server_reply = server_reply,
    .server_fault = server_fault,
    .destroy = pair_destroy_hook,
};

/* ---- dispatch on a runtime thread */
static void run_manager(PRPC_ASYNC_STATE pAsync, void *arg)
{
    struct loop_pair *p = arg;
    p->manager(pAsync, p->ctx, p->request, p->request_len);
}

static void dispatch(void *arg)
{
    struct loop_pair *p = arg;
    arpc_call *server = p->server; /* set before dispatch, released only by the outcome */
    arpc_call_server_dispatch(server, run_manager, p);
    arpc_call_unref(server); /* the reference taken for the dispatch */
}

ARPC_API RPC_STATUS arpc_loopback_call(PRPC_ASYNC_STATE pAsync, arpc_loopback_manager manager, void *ctx,
                                       const void *request, size_t request_len, size_t reply_size)
{
    if (!manager || (request_len && !request))
        return RPC_S_INVALID_ARG;
    struct loop_pair *p = calloc(1, sizeof *p + request_len);
    if (!p)
        return RPC_S_OUT_OF_MEMORY;
    arpc_mutex_init(&p->lock);
    p->manager = manager;
    p->ctx = ctx;
    p->reply_size = reply_size;
    p->request_len = request_len;
    if (request_len)
        memcpy(p->request, request, request_len);

    arpc_call *client, *server;
    RPC_STATUS st = arpc_call_client_start(pAsync, &client_hooks, p, reply_size, &client);
    if (st != RPC_S_OK) {
        arpc_mutex_destroy(&p->lock);
        free(p);
        return st;
    }
    p->refs = 1;
    p->client = client;
    st = arpc_call_server_create(&server_hooks, p, reply_size, &server);
    if (st == RPC_S_OK) {
        arpc_call_server_set_async(server, reply_size); /* loopback managers get pAsync */
        p->refs = 2;
        p->server = server;
        arpc_call_ref(server); /* for the dispatch */
        st = arpc_workq_submit(dispatch, p);
        if (st != RPC_S_OK) {
            arpc_call_unref(server);
            arpc_call_server_abandon(server);
            arpc_call_release(take_server(p));
        }
    }
    if (st != RPC_S_OK) {
        /* A start that fails leaves no call behind and sends no notification. */
        arpc_call_client_abandon(client);
        arpc_call_release(take_client(p));
    }
    return st;
}

/* The pair behind a client handle, with a reference on the client call. */
static arpc_call *bound(PRPC_ASYNC_STATE pAsync)
{
    if (!pAsync || !pAsync->RuntimeInfo)
        return NULL;
    arpc_call *c = arpc_call_lookup(pAsync->RuntimeInfo);
    if (c && c->async != pAsync) {
        arpc_call_unref(c);
        c = NULL;
    }
    return c;
}

ARPC_API RPC_STATUS arpc_loopback_disconnect(PRPC_ASYNC_STATE pAsync)
{
    arpc_call *c = bound(pAsync);
    if (!c)
        return RPC_S_INVALID_ASYNC_HANDLE;
    if (c->side != CALL_CLIENT || c->hooks != &client_hooks) {
        arpc_call_unref(c);
        return RPC_S_INVALID_ASYNC_CALL;
    }
    struct loop_pair *p = arpc_call_lower(c);
    arpc_mutex_lock(&p->lock);
    p->disconnected = 1;
    arpc_call *server = p->server;
    if (server)
        arpc_call_ref(server);
    arpc_mutex_unlock(&p->lock);
    if (server) {
        arpc_call_server_disconnected(server);
        arpc_call_unref(server);
    }
    arpc_call *client = take_client(p);
    if (client) {
        arpc_call_client_result(client, RPC_S_CALL_FAILED, NULL, 0);
        arpc_call_release(client);
    }
    arpc_call_unref(c);
    return RPC_S_OK;
}

ARPC_API RPC_STATUS arpc_loopback_notify(PRPC_ASYNC_STATE pAsync, RPC_ASYNC_EVENT ev)
{
    arpc_call *c = bound(pAsync);
    if (!c)
        return RPC_S_INVALID_ASYNC_HANDLE;
    arpc_call_notify(c, ev);
    arpc_call_unref(c);
    return RPC_S_OK;
}

ARPC_API long arpc_loopback_live_calls(void)
{
    return arpc_call_live_count();
}

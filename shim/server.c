/* server.c - the RPC server: endpoints (RpcServerUseProtseq*), interfaces
 * (RpcServerRegisterIf*), listening (RpcServerListen, RpcMgmt*), and the
 * connection machinery behind them.
 *
 * I/O threads wait together on every listener and connection through a
 * one-shot platform poller (no thread per idle connection), which reports
 * each ready connection to one of them.  That thread accepts, answers
 * bind/alter_context, reassembles requests and then runs the calls it read
 * itself, in order (see io_conn and run_queue), as server calls of the call
 * engine (call.h): RpcServerTestCancel, subscriptions and faults from
 * exceptions work the same for every call.  While it runs them it keeps
 * the connection and reads the next calls between calls; a call that runs
 * past ARPC_SERVER_HOLD_MS, or is short of pipe data, gives the connection
 * back to the poller, and a thread that takes a report leaving nobody
 * waiting starts another, so managers that block hold nothing up.  The
 * response or fault goes out under the connection's send lock.
 *
 * Limits (documented, enforced): a request larger than the interface's
 * MaxRpcSize (RpcServerRegisterIf2; default ARPC_SERVER_MAX_REQUEST) gets a
 * fault RPC_S_SERVER_OUT_OF_MEMORY; more calls in flight than MaxCalls
 * (RpcServerListen / RpcServerRegisterIfEx) get RPC_S_SERVER_TOO_BUSY; at
 * most ARPC_SERVER_MAX_PENDING partially received requests per connection,
 * past which the connection is closed.
 *
 * Interfaces with pipes (RPC_INTERFACE_HAS_PIPES) have their calls
 * dispatched at the request's first fragment: the rest of the request is
 * a stream (rx.h) the stub and the manager's pulls read as it arrives;
 * the I/O thread stops reading a connection while one of its streams is
 * full.  The response goes out as the manager pushes (arpc_tx), then the
 * non-pipe [out] data.  Fragments still arriving for a streamed call that
 * has ended are dropped up to its last one.
 *
 * Causal ordering (spec 2.8): the calls of one connection are dispatched
 * one after another, in the order they arrived - an [async] manager that
 * returns at once lets the next one in at once, and the calls then run
 * side by side.  A client's calls from one thread on one binding share a
 * connection and so reach their managers in the order they were made.
 * A classic pipe manager holds its connection's queue while it runs: our
 * client gives each pipe call a connection of its own (a client that
 * multiplexed a pipe call with others would see them wait for it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rpcdcep.h>
#include "conn.h"
#include "call_internal.h"
#include "server.h"
#include "pipe.h"
#include "context.h"

#define ARPC_SERVER_MAX_REQUEST (64u << 20)
#define ARPC_SERVER_MAX_PENDING 64
#define SEND_TIMEOUT_MS 30000u
#define ARPC_SERVER_MAX_IO_THREADS 256
/* A queue runner keeps its connection's report (unwatched) at most this
 * long into one call; then the connection is watched again, so a manager
 * that blocks does not keep cancels and disconnects from being read. */
#define ARPC_SERVER_HOLD_MS 20u

struct srv_if {
    struct srv_if *next;
    const RPC_SERVER_INTERFACE *ifc;
    void *epv;
    unsigned flags, max_calls, max_rpc_size;
    RPC_IF_CALLBACK_FN *callback;
    int calls;                       /* in flight */
    int unregistered;                /* retired (see RpcServerUnregisterIf) */
};

enum { TAG_LISTENER = 1, TAG_CONN = 2 };

struct srv_listener {
    int tag;
    struct srv_listener *next;
    enum arpc_protseq protseq;
    char protseq_name[16];
    char endpoint[128];
    arpc_socket socks[2];
    int nsocks;
};

struct srv_pending {                 /* a request still arriving */
    struct srv_pending *next;
    uint32_t call_id;
    uint16_t context_id, opnum;
    int has_object;
    GUID object;
    uint32_t drep;
    arpc_reassembly data;
    int discarding;                  /* refused (too large): swallow until the last fragment */
};

struct srv_conn {
    int tag;
    int refs;                        /* I/O thread + calls in flight (srv.lock) */
    int closed;
    arpc_conn conn;
    enum arpc_protseq protseq;
    const char *sec_addr;            /* the listener's endpoint, for bind_ack */
    int peer_local;
    uint32_t peer_pid;
    uint32_t assoc_group;
    arpc_assoc *assoc;               /* its context handles (joined at bind) */
    int bound;
    struct { uint16_t id; struct srv_if *iface; } contexts[ARPC_CONN_CONTEXTS];
    int n_contexts;
    struct srv_pending *pending;
    int n_pending;
    struct srv_call *active;         /* calls being served (srv.lock) */
    int holds, paused;               /* streams asking not to read (srv.lock) */
    int watching;                    /* armed in the poller or reported to an I/O thread (srv.lock) */
    int rearm_owed;                  /* reported while pump_here read it: it rearms (srv.lock) */
    int runner_holds;                /* its report kept by the I/O thread running its queue (srv.lock) */
    uint64_t serve_start;            /* when that thread began its current call, ms (srv.lock) */
    struct srv_conn *held_next, *held_prev; /* srv.held, while runner_holds */
    int run_here;                    /* the I/O thread pumping runs the calls it dispatches (pump_lock) */
    int ran_here;                    /* ... and dispatched some (pump_lock) */
    arpc_call *touched;              /* the streamed call that got data in this pump (conn.pump_lock) */
    struct srv_call *runq, *runq_tail; /* calls to dispatch, in arrival order (srv.lock) */
    int running;                     /* a worker is dispatching them */
    struct srv_swallow *swallow;     /* ended streamed calls still arriving (srv.lock) */
};

struct srv_swallow {
    struct srv_swallow *next;
    uint32_t call_id;
};

struct srv_call {                    /* a request being served */
    struct srv_call *next_active;
    struct srv_call *next_run;       /* the connection's dispatch queue (srv.lock) */
    arpc_call *call;
    struct srv_conn *sc;
    struct srv_if *iface;
    uint32_t call_id;
    uint16_t context_id;
    RPC_MESSAGE msg;
    uint8_t *request;
    /* [async] procedures (arpc_server_go_async) */
    int async;
    int told_disconnect;             /* srv.lock */
    void (*async_reply)(arpc_ndr_writer *, void *, const void *);
    void (*async_free)(void *);
    void *async_ctx;
    /* interfaces with pipes: the request streamed, the response too */
    int streaming;
    int request_done;                /* its last fragment came (srv.lock) */
    arpc_rx rx;
    arpc_tx tx;
    unsigned char *refill_buf;       /* the stub's reader's current buffer */
    arpc_pipes *pipes;
    struct arpc_sctx *ctx_slots;     /* context handles the stub used */
};

static struct {
    arpc_mutex lock;
    arpc_cond cond;                  /* listening state changes */
    struct srv_if *ifs;
    struct srv_if *retired;
    struct srv_listener *listeners;
    arpc_poller *poller;             /* one-shot: see io_main */
    int io_threads, io_waiting;
    int io_busy;                     /* I/O threads running calls */
    struct srv_conn *held;           /* connections whose report a queue runner keeps */
    arpc_cond hold_cond;             /* wakes hold_watch when it sleeps (hold_idle) */
    int hold_watch, hold_idle;
    int listening;
    unsigned max_calls;
    int calls;
    uint32_t next_group;
} srv;

static void srv_init_once(void)
{
    arpc_mutex_init(&srv.lock);
    arpc_cond_init(&srv.cond);
    arpc_cond_init(&srv.hold_cond);
    srv.next_group = 0x1000;
    srv.max_calls = RPC_C_LISTEN_MAX_CALLS_DEFAULT; /* auto-listen interfaces, before RpcServerListen */
}

static void srv_init(void)
{
    static arpc_once_flag once = ARPC_ONCE_INIT;
    arpc_once(&once, srv_init_once);
}

/* ------------------------------------------------------------ interfaces */

static int syntax_matches(const RPC_SYNTAX_IDENTIFIER *have, const arpc_syntax_id *want)
{
    return !memcmp(&have->SyntaxGUID, &want->uuid, sizeof want->uuid) &&
           have->SyntaxVersion.MajorVersion == want->vers_major &&
           have->SyntaxVersion.MinorVersion >= want->vers_minor;
}

static struct srv_if *find_if_locked(const arpc_syntax_id *id)
{
    for (struct srv_if *i = srv.ifs; i; i = i->next)
        if (syntax_matches(&i->ifc->InterfaceId, id))
            return i;
    return NULL;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterIf2(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv,
                                                   unsigned int Flags, unsigned int MaxCalls, unsigned int MaxRpcSize,
                                                   RPC_IF_CALLBACK_FN *IfCallbackFn)
{
    const RPC_SERVER_INTERFACE *ifc = IfSpec;
    (void)MgrTypeUuid; /* one manager type per interface (no object-UUID dispatch yet) */
    if (!ifc || ifc->Length != sizeof(RPC_SERVER_INTERFACE) || !ifc->DispatchTable)
        return RPC_S_UNKNOWN_IF;
    srv_init();
    struct srv_if *i = calloc(1, sizeof *i);
    if (!i)
        return RPC_S_OUT_OF_MEMORY;
    i->ifc = ifc;
    i->epv = MgrEpv;
    i->flags = Flags;
    i->max_calls = MaxCalls;
    i->max_rpc_size = MaxRpcSize == (unsigned)-1 || MaxRpcSize == 0 ? ARPC_SERVER_MAX_REQUEST : MaxRpcSize;
    i->callback = IfCallbackFn;
    arpc_mutex_lock(&srv.lock);
    for (struct srv_if *o = srv.ifs; o; o = o->next) {
        if (o->ifc == ifc) { /* registering again updates the registration */
            o->epv = i->epv;
            o->flags = i->flags;
            o->max_calls = i->max_calls;
            o->max_rpc_size = i->max_rpc_size;
            o->callback = i->callback;
            arpc_mutex_unlock(&srv.lock);
            free(i);
            return RPC_S_OK;
        }
    }
    i->next = srv.ifs;
    srv.ifs = i;
    arpc_mutex_unlock(&srv.lock);
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterIfEx(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv,
                                                    unsigned int Flags, unsigned int MaxCalls,
                                                    RPC_IF_CALLBACK_FN *IfCallback)
{
    return RpcServerRegisterIf2(IfSpec, MgrTypeUuid, MgrEpv, Flags, MaxCalls, (unsigned)-1, IfCallback);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterIf(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv)
{
    return RpcServerRegisterIf2(IfSpec, MgrTypeUuid, MgrEpv, 0, RPC_C_LISTEN_MAX_CALLS_DEFAULT, (unsigned)-1, NULL);
}

/* An unregistered interface leaves the list at once (new binds and calls
 * no longer find it) but its record is kept on a retired list: connections
 * that bound it still point at it, and refuse its calls with
 * RPC_S_UNKNOWN_IF.  Retired records are small and never freed. */
static int busy_retired_locked(RPC_IF_HANDLE IfSpec)
{
    for (struct srv_if *i = srv.retired; i; i = i->next)
        if ((!IfSpec || i->ifc == IfSpec) && i->calls)
            return 1;
    return 0;
}

/* A call of iface ended (srv.lock held).  Only the last call out wakes
 * the waiters (RpcServerListen after a stop, RpcServerUnregisterIf): a
 * broadcast per call would wake them for nothing, every time. */
static void call_ended_locked(struct srv_if *iface)
{
    iface->calls--;
    srv.calls--;
    if ((!srv.listening && srv.calls == 0) || (iface->unregistered && iface->calls == 0))
        arpc_cond_broadcast(&srv.cond);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerUnregisterIf(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid,
                                                    unsigned int WaitForCallsToComplete)
{
    (void)MgrTypeUuid;
    srv_init();
    arpc_mutex_lock(&srv.lock);
    int found = 0;
    for (struct srv_if **pp = &srv.ifs; *pp;) {
        struct srv_if *i = *pp;
        if (IfSpec && i->ifc != IfSpec) {
            pp = &i->next;
            continue;
        }
        found = 1;
        *pp = i->next;
        i->unregistered = 1;
        i->next = srv.retired;
        srv.retired = i;
    }
    while (WaitForCallsToComplete && busy_retired_locked(IfSpec))
        arpc_cond_wait(&srv.cond, &srv.lock);
    arpc_mutex_unlock(&srv.lock);
    return found || !IfSpec ? RPC_S_OK : RPC_S_UNKNOWN_IF;
}

/* ------------------------------------------------------------ connections */

static void conn_unref(struct srv_conn *sc)
{
    arpc_mutex_lock(&srv.lock);
    int last = --sc->refs == 0;
    arpc_mutex_unlock(&srv.lock);
    if (!last)
        return;
    while (sc->pending) {
        struct srv_pending *p = sc->pending;
        sc->pending = p->next;
        arpc_reassembly_free(&p->data);
        free(p);
    }
    while (sc->swallow) {
        struct srv_swallow *sw = sc->swallow;
        sc->swallow = sw->next;
        free(sw);
    }
    arpc_assoc_leave(sc->assoc); /* the last one runs down its context handles */
    arpc_conn_destroy(&sc->conn);
    free(sc);
}

static void conn_close(struct srv_conn *sc)
{
    arpc_mutex_lock(&srv.lock);
    int was = sc->closed;
    sc->closed = 1;
    arpc_mutex_unlock(&srv.lock);
    if (was)
        return;
    /* Calls still being served learn that their client is gone. */
    for (;;) {
        arpc_call *c = NULL;
        arpc_mutex_lock(&srv.lock);
        for (struct srv_call *k = sc->active; k && !c; k = k->next_active)
            if (!k->told_disconnect) {
                k->told_disconnect = 1;
                c = arpc_call_lookup(k->call);
            }
        arpc_mutex_unlock(&srv.lock);
        if (!c)
            break;
        struct srv_call *k = arpc_call_lower(c);
        if (k->streaming) /* a pull waiting for more of the request: there is no more */
            arpc_rx_fail(&k->rx, RPC_S_CALL_FAILED);
        arpc_call_server_disconnected(c);
        arpc_call_unref(c);
    }
    arpc_poller_remove(srv.poller, sc->conn.s);
    arpc_sock_shutdown(sc->conn.s); /* workers still sending see the failure */
    conn_unref(sc);                 /* the I/O thread's reference */
}

/* A fault PDU; did_not_execute for calls refused before they ran. */
static size_t make_fault(uint8_t pdu[ARPC_PDU_FAULT_HEADER_LEN], uint32_t call_id, uint16_t context_id,
                         RPC_STATUS st, int did_not_execute)
{
    uint8_t flags = ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG | (did_not_execute ? ARPC_PFC_DID_NOT_EXECUTE : 0);
    return arpc_pdu_write_fault(pdu, flags, call_id, context_id, 0, arpc_status_to_fault(st));
}

/* A worker's fault for the call it runs. */
static RPC_STATUS send_fault(struct srv_conn *sc, uint32_t call_id, uint16_t context_id, RPC_STATUS st)
{
    uint8_t pdu[ARPC_PDU_FAULT_HEADER_LEN];
    size_t n = make_fault(pdu, call_id, context_id, st, 0);
    return arpc_conn_send_pdu(&sc->conn, pdu, n, SEND_TIMEOUT_MS);
}

/* The I/O thread never blocks on a send - a peer that does not read would
 * stall every connection - so its few PDUs (bind_ack, faults refusing a
 * call) go out from a worker, holding a reference on the connection. */
struct io_send_job {
    struct srv_conn *sc;
    size_t len;
    uint8_t data[];
};

static void io_send_run(void *arg)
{
    struct io_send_job *j = arg;
    if (arpc_conn_send_pdu(&j->sc->conn, j->data, j->len, SEND_TIMEOUT_MS) != RPC_S_OK)
        arpc_sock_shutdown(j->sc->conn.s); /* the I/O thread then closes it */
    conn_unref(j->sc);
    free(j);
}

static RPC_STATUS io_send(struct srv_conn *sc, const uint8_t *pdu, size_t len)
{
    struct io_send_job *j = malloc(sizeof *j + len);
    if (!j)
        return RPC_S_OUT_OF_MEMORY;
    j->sc = sc;
    j->len = len;
    memcpy(j->data, pdu, len);
    arpc_mutex_lock(&srv.lock);
    sc->refs++;
    arpc_mutex_unlock(&srv.lock);
    RPC_STATUS st = arpc_workq_submit(io_send_run, j);
    if (st != RPC_S_OK) {
        arpc_mutex_lock(&srv.lock);
        sc->refs--; /* the I/O thread still holds one */
        arpc_mutex_unlock(&srv.lock);
        free(j);
    }
    return st;
}

/* A fault for a call the server refuses before running it. */
static void io_send_fault(struct srv_conn *sc, uint32_t call_id, uint16_t context_id, RPC_STATUS st)
{
    uint8_t pdu[ARPC_PDU_FAULT_HEADER_LEN];
    size_t n = make_fault(pdu, call_id, context_id, st, 1);
    io_send(sc, pdu, n);
}

static RPC_STATUS on_bind(struct srv_conn *sc, const arpc_pdu *p)
{
    int alter = p->h.ptype == ARPC_PT_ALTER_CONTEXT;
    if (!alter && sc->bound)
        return RPC_S_PROTOCOL_ERROR;
    arpc_pres_result res[ARPC_PDU_MAX_CONTEXTS];
    unsigned n = p->u.bind.n_contexts;
    arpc_mutex_lock(&srv.lock);
    for (unsigned i = 0; i < n; i++) {
        const arpc_pres_context *c = &p->u.bind.contexts[i];
        memset(&res[i], 0, sizeof res[i]);
        struct srv_if *iface = find_if_locked(&c->abstract);
        int ndr = 0;
        for (unsigned t = 0; t < c->n_transfer; t++)
            if (!memcmp(&c->transfer[t], &arpc_ndr20_syntax, sizeof arpc_ndr20_syntax))
                ndr = 1;
        if (!iface) {
            res[i].result = ARPC_RESULT_PROVIDER_REJECTION;
            res[i].reason = ARPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED;
        } else if (!ndr) {
            res[i].result = ARPC_RESULT_PROVIDER_REJECTION;
            res[i].reason = ARPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED;
        } else if (sc->n_contexts < ARPC_CONN_CONTEXTS) {
            res[i].result = ARPC_RESULT_ACCEPTANCE;
            res[i].transfer = arpc_ndr20_syntax;
            sc->contexts[sc->n_contexts].id = c->context_id;
            sc->contexts[sc->n_contexts++].iface = iface;
        } else {
            res[i].result = ARPC_RESULT_PROVIDER_REJECTION;
            res[i].reason = ARPC_REASON_LOCAL_LIMIT_EXCEEDED;
        }
    }
    if (!alter) {
        sc->assoc_group = p->u.bind.assoc_group_id ? p->u.bind.assoc_group_id : srv.next_group++;
        uint16_t xmit = p->u.bind.max_recv_frag, recv = p->u.bind.max_xmit_frag;
        if (xmit < 1024 || recv < 1024) {
            arpc_mutex_unlock(&srv.lock);
            return RPC_S_PROTOCOL_ERROR;
        }
        sc->conn.max_xmit = xmit < ARPC_MAX_FRAG ? xmit : ARPC_MAX_FRAG;
        sc->conn.max_recv = recv < ARPC_MAX_FRAG ? recv : ARPC_MAX_FRAG;
        sc->bound = 1;
    }
    arpc_mutex_unlock(&srv.lock);
    if (!alter && !(sc->assoc = arpc_assoc_join(sc->assoc_group)))
        return RPC_S_OUT_OF_MEMORY;
    uint8_t out[512];
    size_t len = arpc_pdu_write_bind_ack(out, sizeof out, alter ? ARPC_PT_ALTER_CONTEXT_RESP : ARPC_PT_BIND_ACK,
                                         ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG | ARPC_PFC_CONC_MPX, p->h.call_id,
                                         sc->conn.max_xmit, sc->conn.max_recv, sc->assoc_group, alter ? "" : sc->sec_addr,
                                         res, n);
    if (!len)
        return RPC_S_PROTOCOL_ERROR;
    return io_send(sc, out, len);
}

/* The interface a presentation context names now (srv.lock held): one
 * unregistered since the bind is replaced by its re-registration, if any. */
static struct srv_if *context_if_locked(struct srv_conn *sc, uint16_t id)
{
    for (int i = 0; i < sc->n_contexts; i++) {
        if (sc->contexts[i].id != id)
            continue;
        struct srv_if *iface = sc->contexts[i].iface;
        if (iface->unregistered) {
            const RPC_SYNTAX_IDENTIFIER *was = &iface->ifc->InterfaceId;
            arpc_syntax_id want = {was->SyntaxGUID, was->SyntaxVersion.MajorVersion, was->SyntaxVersion.MinorVersion};
            struct srv_if *now = find_if_locked(&want);
            if (now)
                sc->contexts[i].iface = iface = now;
        }
        return iface;
    }
    return NULL;
}

/* ---- a whole request, on a worker thread */

static void swallow_locked(struct srv_conn *sc, uint32_t call_id);

/* An [async] call's reply, marshalled when the manager completes it. */
/* The response's stub data: whole, or for a streamed call what follows the
 * [out] pipes (the last fragments). */
static RPC_STATUS send_reply(struct srv_call *k, const uint8_t *data, size_t len)
{
    if (!k->streaming)
        return arpc_conn_send_response(&k->sc->conn, k->call_id, k->context_id, data, len, SEND_TIMEOUT_MS);
    arpc_iovec seg = {data, len};
    return arpc_tx_send(&k->tx, &seg, 1, 1);
}

static RPC_STATUS async_reply(struct srv_call *k, const void *reply)
{
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    volatile RPC_STATUS st = RPC_S_OK;
    /* After pipe data the [out] parameters keep the stream's alignment. */
    size_t pad = (size_t)(k->tx.offset % 8);
    RpcTryExcept {
        static const uint8_t zeros[8];
        arpc_ndr_w_bytes(&w, zeros, pad);
        k->async_reply(&w, k->async_ctx, reply);
    } RpcExcept(1) {
        st = (RPC_STATUS)RpcExceptionCode();
    } RpcEndExcept
    if (st != RPC_S_OK)
        send_fault(k->sc, k->call_id, k->context_id, st);
    else
        st = send_reply(k, w.data + pad, w.len - pad);
    arpc_ndr_writer_free(&w);
    return st;
}

static RPC_STATUS call_reply_hook(arpc_call *c, const void *reply)
{
    struct srv_call *k = arpc_call_lower(c);
    if (k->async)
        return async_reply(k, reply);
    /* A stub that never replied leaves the request in msg: answer empty. */
    int replied = k->msg.Buffer != k->request;
    return send_reply(k, replied ? k->msg.Buffer : NULL, replied ? k->msg.BufferLength : 0);
}

static void call_fault_hook(arpc_call *c, RPC_STATUS code)
{
    struct srv_call *k = arpc_call_lower(c);
    send_fault(k->sc, k->call_id, k->context_id, code);
}

static void call_destroy_hook(arpc_call *c)
{
    struct srv_call *k = arpc_call_lower(c);
    if (k->async_free)
        k->async_free(k->async_ctx);
    if (k->msg.Buffer != k->request)
        free(k->msg.Buffer);
    free(k->request);
    arpc_sctx_free_list(k->ctx_slots);
    if (k->streaming) {
        arpc_rx_fail(&k->rx, RPC_S_CALL_FAILED); /* lets a held connection go */
        c->pipes = NULL;
        arpc_pipes_free(k->pipes);
        free(k->refill_buf);
    }
    arpc_mutex_lock(&srv.lock);
    if (k->streaming && !k->request_done && !k->sc->closed)
        swallow_locked(k->sc, k->call_id);
    for (struct srv_call **pp = &k->sc->active; *pp; pp = &(*pp)->next_active) {
        if (*pp == k) {
            *pp = k->next_active;
            break;
        }
    }
    call_ended_locked(k->iface);
    arpc_mutex_unlock(&srv.lock);
    conn_unref(k->sc);
    if (k->streaming)
        arpc_rx_destroy(&k->rx);
    free(k);
}

static const arpc_call_hooks server_call_hooks = {
    .server_reply = call_reply_hook,
    .server_fault = call_fault_hook,
    .destroy = call_destroy_hook,
};

static void run_stub(PRPC_ASYNC_STATE pAsync, void *ctx)
{
    (void)pAsync;
    struct srv_call *k = ctx;
    const RPC_SERVER_INTERFACE *ifc = k->iface->ifc;
    if (k->iface->callback) {
        RPC_STATUS st = k->iface->callback((RPC_IF_HANDLE)ifc, k->msg.Handle);
        if (st != RPC_S_OK)
            RpcRaiseException(RPC_S_ACCESS_DENIED);
    }
    ifc->DispatchTable->DispatchTable[k->msg.ProcNum](&k->msg);
}

static void serve(void *arg)
{
    arpc_call *c = arg;
    arpc_call_server_dispatch(c, run_stub, arpc_call_lower(c));
    /* The stub returned: its reply is in msg (an exception has already been
     * turned into a fault by the dispatch) - unless it went asynchronous,
     * and then the manager completes the call when it likes. */
    struct srv_call *k = arpc_call_lower(c);
    if (!k->async && arpc_call_server_claim(c)) {
        call_reply_hook(c, NULL);
        arpc_call_server_finish(c);
    }
    arpc_call_release(c);
}

static void stream_resume(void *arg);
static void stream_on_data(void *arg);
static void stream_pump(void *arg);
static void pump_here(struct srv_conn *sc);
static RPC_STATUS on_fragment(void *ctx, const uint8_t *frag, size_t len);

/* Admit a call on sc's presentation context (counted in flight from here)
 * or say why not. */
static RPC_STATUS admit(struct srv_conn *sc, uint16_t context_id, uint16_t opnum, struct srv_if **out)
{
    RPC_STATUS refuse = RPC_S_OK;
    arpc_mutex_lock(&srv.lock);
    struct srv_if *iface = context_if_locked(sc, context_id);
    if (!iface || iface->unregistered)
        refuse = RPC_S_UNKNOWN_IF;
    else if (opnum >= iface->ifc->DispatchTable->DispatchTableCount)
        refuse = RPC_S_PROCNUM_OUT_OF_RANGE;
    else if (!srv.listening && !(iface->flags & RPC_IF_AUTOLISTEN))
        refuse = RPC_S_SERVER_TOO_BUSY;
    else if ((unsigned)srv.calls >= srv.max_calls || (unsigned)iface->calls >= iface->max_calls)
        refuse = RPC_S_SERVER_TOO_BUSY;
    if (refuse == RPC_S_OK) {
        iface->calls++;
        srv.calls++;
        sc->refs++;
    }
    arpc_mutex_unlock(&srv.lock);
    *out = iface;
    return refuse;
}

static void unadmit(struct srv_conn *sc, struct srv_if *iface)
{
    arpc_mutex_lock(&srv.lock);
    call_ended_locked(iface);
    sc->refs--; /* the I/O thread still holds one */
    arpc_mutex_unlock(&srv.lock);
}

/* A new server call for request p (its data, if any, becomes the call's). */
static RPC_STATUS new_call(struct srv_conn *sc, struct srv_if *iface, struct srv_pending *p, int streaming,
                           struct srv_call **out)
{
    struct srv_call *k = calloc(1, sizeof *k);
    arpc_call *c = NULL;
    RPC_STATUS st = k ? arpc_call_server_create(&server_call_hooks, k, 0, &c) : RPC_S_OUT_OF_MEMORY;
    if (st != RPC_S_OK) {
        free(k);
        return st;
    }
    k->sc = sc;
    k->iface = iface;
    k->call_id = p->call_id;
    k->context_id = p->context_id;
    k->request = p->data.data;
    /* The manager's binding handle is the call handle itself, as
     * RpcAsyncGetCallHandle gives it for asynchronous calls: cancel
     * tests, subscriptions and call attributes all take it. */
    k->msg.Handle = c;
    k->msg.DataRepresentation = p->drep;
    k->msg.Buffer = p->data.data;
    k->msg.BufferLength = (unsigned int)p->data.len;
    k->msg.ProcNum = p->opnum;
    k->msg.RpcInterfaceInformation = (void *)iface->ifc;
    k->msg.ManagerEpv = iface->epv ? iface->epv : iface->ifc->DefaultManagerEpv;
    p->data.data = NULL;
    k->call = c;
    if (streaming) {
        k->streaming = 1;
        arpc_rx_init(&k->rx, p->drep, stream_resume, stream_on_data, k);
        k->rx.pump = stream_pump;
        k->tx.conn = &sc->conn;
        k->tx.call_id = p->call_id;
        k->tx.context_id = p->context_id;
        k->tx.timeout_ms = SEND_TIMEOUT_MS;
    }
    arpc_mutex_lock(&srv.lock);
    k->next_active = sc->active;
    sc->active = k;
    arpc_mutex_unlock(&srv.lock);
    *out = k;
    return RPC_S_OK;
}

static void rearm_locked(struct srv_conn *sc);

static void held_unlink_locked(struct srv_conn *sc)
{
    sc->runner_holds = 0;
    if (sc->held_prev)
        sc->held_prev->held_next = sc->held_next;
    else
        srv.held = sc->held_next;
    if (sc->held_next)
        sc->held_next->held_prev = sc->held_prev;
    sc->held_next = sc->held_prev = NULL;
}

static void hold_watch_main(void *unused);

/* An I/O thread about to run sc's queue keeps its report: while the calls
 * come back to back it reads them itself between calls, in batches, and
 * no other thread is woken per request.  (srv.lock) */
static void held_link_locked(struct srv_conn *sc)
{
    if (!srv.hold_watch && arpc_thread_create(hold_watch_main, NULL))
        srv.hold_watch = 1;
    if (srv.hold_idle)
        arpc_cond_signal(&srv.hold_cond);
    sc->runner_holds = 1;
    sc->serve_start = arpc_now_ms();
    sc->held_prev = NULL;
    sc->held_next = srv.held;
    if (srv.held)
        srv.held->held_prev = sc;
    srv.held = sc;
}

/* The hold watch: every ARPC_SERVER_HOLD_MS, connections held that long
 * into one call are watched again.  After a second with none held it
 * sleeps until the next hold (so a busy server signals it at most once a
 * second, an idle one not at all). */
static void hold_watch_main(void *unused)
{
    (void)unused;
    unsigned quiet = 0;
    arpc_mutex_lock(&srv.lock);
    for (;;) {
        if (!srv.held && quiet * ARPC_SERVER_HOLD_MS >= 1000) {
            srv.hold_idle = 1;
            while (!srv.held)
                arpc_cond_wait(&srv.hold_cond, &srv.lock);
            srv.hold_idle = 0;
            quiet = 0;
        }
        arpc_cond_timedwait(&srv.hold_cond, &srv.lock, ARPC_SERVER_HOLD_MS); /* nobody signals: a tick */
        uint64_t now = arpc_now_ms();
        quiet = srv.held ? 0 : quiet + 1;
        for (struct srv_conn *sc = srv.held, *next; sc; sc = next) {
            next = sc->held_next;
            if (now - sc->serve_start >= ARPC_SERVER_HOLD_MS) {
                held_unlink_locked(sc);
                rearm_locked(sc);
            }
        }
    }
}

/* A call is short of request data (a pull will wait, or be told later):
 * the connection must be read by the I/O threads, not kept by its runner. */
static void release_hold(struct srv_conn *sc)
{
    arpc_mutex_lock(&srv.lock);
    if (sc->runner_holds) {
        held_unlink_locked(sc);
        rearm_locked(sc);
    }
    arpc_mutex_unlock(&srv.lock);
}

/* Dispatch a connection's calls in order until none is left (a worker, or
 * the I/O thread that read them). */
static void run_queue(void *arg)
{
    struct srv_conn *sc = arg;
    int looked = 0;
    for (;;) {
        arpc_mutex_lock(&srv.lock);
        struct srv_call *k = sc->runq;
        if (k && !(sc->runq = k->next_run))
            sc->runq_tail = NULL;
        if (k)
            sc->serve_start = arpc_now_ms();
        if (!k && looked) {
            sc->running = 0;
            if (sc->runner_holds) { /* done: watched again */
                held_unlink_locked(sc);
                rearm_locked(sc);
            }
        }
        arpc_mutex_unlock(&srv.lock);
        if (!k && looked)
            break;
        if (!k) {
            /* Before leaving, read what the client sent meanwhile (calls
             * in flight back to back): they join this queue with no
             * hand-over from the I/O thread. */
            pump_here(sc);
            looked = 1;
            continue;
        }
        looked = 0;
        serve(k->call);
    }
    conn_unref(sc);
}

/* Run the call on a worker, in order behind the connection's other calls;
 * on failure it is answered with a fault. */
static void submit(struct srv_conn *sc, struct srv_call *k)
{
    arpc_mutex_lock(&srv.lock);
    if (sc->runq_tail)
        sc->runq_tail->next_run = k;
    else
        sc->runq = k;
    sc->runq_tail = k;
    int start = !sc->running;
    if (start) {
        sc->running = 1;
        sc->refs++;
    }
    arpc_mutex_unlock(&srv.lock);
    if (!start)
        return;
    if (sc->run_here) { /* the I/O thread that is pumping runs it next */
        sc->ran_here = 1;
        return;
    }
    RPC_STATUS st = arpc_workq_submit(run_queue, sc);
    if (st == RPC_S_OK)
        return;
    /* Not running, the queue held only k. */
    arpc_mutex_lock(&srv.lock);
    sc->runq = sc->runq_tail = NULL;
    sc->running = 0;
    sc->refs--; /* the I/O thread still holds one */
    arpc_mutex_unlock(&srv.lock);
    /* The call object owns k now: abandoning it runs the destroy hook. */
    io_send_fault(sc, k->call_id, k->context_id, st);
    arpc_call_server_abandon(k->call);
    arpc_call_release(k->call);
}

static void dispatch(struct srv_conn *sc, struct srv_pending *p)
{
    struct srv_if *iface;
    struct srv_call *k;
    RPC_STATUS st = admit(sc, p->context_id, p->opnum, &iface);
    if (st == RPC_S_OK) {
        if ((st = new_call(sc, iface, p, 0, &k)) == RPC_S_OK) {
            submit(sc, k);
            return;
        }
        unadmit(sc, iface);
    }
    io_send_fault(sc, p->call_id, p->context_id, st);
    arpc_reassembly_free(&p->data);
}

static struct srv_pending *take_pending(struct srv_conn *sc, uint32_t call_id)
{
    for (struct srv_pending **pp = &sc->pending; *pp; pp = &(*pp)->next) {
        if ((*pp)->call_id == call_id) {
            struct srv_pending *p = *pp;
            *pp = p->next;
            sc->n_pending--;
            return p;
        }
    }
    return NULL;
}

static void pending_free(struct srv_pending *req)
{
    arpc_reassembly_free(&req->data);
    free(req);
}

/* ---- streamed requests (interfaces with pipes) */

static int streams_context(struct srv_conn *sc, uint16_t context_id)
{
    arpc_mutex_lock(&srv.lock);
    struct srv_if *iface = context_if_locked(sc, context_id);
    int streams = iface && (iface->ifc->Flags & RPC_INTERFACE_HAS_PIPES);
    arpc_mutex_unlock(&srv.lock);
    return streams;
}

/* Drop the fragments of call_id from now on, up to its last (srv.lock held). */
static void swallow_locked(struct srv_conn *sc, uint32_t call_id)
{
    struct srv_swallow *sw = malloc(sizeof *sw);
    if (!sw)
        return; /* its next fragment will then close the connection */
    sw->call_id = call_id;
    sw->next = sc->swallow;
    sc->swallow = sw;
}

/* The I/O thread, after a pump (or before touching another call): the
 * stream that got data tells its waiting pull, once for the whole batch. */
static void flush_touched(struct srv_conn *sc)
{
    arpc_call *c = sc->touched;
    if (!c)
        return;
    sc->touched = NULL;
    struct srv_call *k = arpc_call_lower(c);
    arpc_rx_flush(&k->rx);
    arpc_call_unref(c);
}

static void touch(struct srv_conn *sc, arpc_call *c)
{
    if (sc->touched == c)
        return;
    flush_touched(sc);
    arpc_call_ref(c);
    sc->touched = c;
}

/* The first fragment of a streamed request: dispatch now. */
static RPC_STATUS stream_start(struct srv_conn *sc, const arpc_pdu *pdu)
{
    int last = (pdu->h.flags & ARPC_PFC_LAST_FRAG) != 0;
    struct srv_pending p;
    memset(&p, 0, sizeof p);
    p.call_id = pdu->h.call_id;
    p.context_id = pdu->u.request.context_id;
    p.opnum = pdu->u.request.opnum;
    p.drep = pdu->h.drep[0] | (uint32_t)pdu->h.drep[1] << 8 | (uint32_t)pdu->h.drep[2] << 16;
    struct srv_if *iface;
    struct srv_call *k;
    RPC_STATUS st = admit(sc, p.context_id, p.opnum, &iface);
    if (st == RPC_S_OK && (st = new_call(sc, iface, &p, 1, &k)) != RPC_S_OK)
        unadmit(sc, iface);
    if (st != RPC_S_OK) {
        io_send_fault(sc, p.call_id, p.context_id, st);
        if (!last) {
            arpc_mutex_lock(&srv.lock);
            swallow_locked(sc, p.call_id);
            arpc_mutex_unlock(&srv.lock);
        }
        return RPC_S_OK;
    }
    k->request_done = last;
    touch(sc, k->call);
    int hold = arpc_rx_put(&k->rx, arpc_conn_block(&sc->conn), pdu->stub, pdu->stub_len, last);
    if (hold) {
        arpc_mutex_lock(&srv.lock);
        sc->holds++;
        arpc_mutex_unlock(&srv.lock);
    }
    submit(sc, k);
    return hold ? ARPC_CONN_HOLD : RPC_S_OK;
}

/* A later fragment of a streamed request (or of one that ended). */
static RPC_STATUS stream_more(struct srv_conn *sc, const arpc_pdu *pdu)
{
    int last = (pdu->h.flags & ARPC_PFC_LAST_FRAG) != 0;
    struct srv_call *k = NULL;
    arpc_call *c = NULL;
    int swallowed = 0;
    arpc_mutex_lock(&srv.lock);
    for (struct srv_call *a = sc->active; a && !k; a = a->next_active)
        if (a->streaming && !a->request_done && a->call_id == pdu->h.call_id)
            k = a;
    if (k) {
        c = arpc_call_lookup(k->call); /* NULL: ending; the fragment is dropped */
        if (last)
            k->request_done = 1;
    } else {
        for (struct srv_swallow **pp = &sc->swallow; *pp && !swallowed; pp = &(*pp)->next) {
            if ((*pp)->call_id == pdu->h.call_id) {
                swallowed = 1;
                if (last) {
                    struct srv_swallow *sw = *pp;
                    *pp = sw->next;
                    free(sw);
                    break;
                }
            }
        }
    }
    arpc_mutex_unlock(&srv.lock);
    if (!k)
        return swallowed ? RPC_S_OK : RPC_S_PROTOCOL_ERROR; /* a middle fragment of nothing */
    if (!c)
        return RPC_S_OK;
    touch(sc, c);
    int hold = arpc_rx_put(&k->rx, arpc_conn_block(&sc->conn), pdu->stub, pdu->stub_len, last);
    if (hold) {
        arpc_mutex_lock(&srv.lock);
        sc->holds++;
        arpc_mutex_unlock(&srv.lock);
    }
    arpc_call_unref(c);
    return hold ? ARPC_CONN_HOLD : RPC_S_OK;
}

/* After pumping: stop reading a connection whose stream is full (the I/O
 * thread that next gets it from the poller lets it go, see io_conn). */
static void apply_holds(struct srv_conn *sc)
{
    arpc_mutex_lock(&srv.lock);
    if (sc->holds > 0 && !sc->paused && !sc->closed)
        sc->paused = 1;
    arpc_mutex_unlock(&srv.lock);
}

/* Put a connection the I/O threads let go back in the poller (srv.lock).
 * Only a connection nobody watches is added: a one-shot poller then reports
 * it to one thread at a time, and only that thread closes it. */
static void watch_locked(struct srv_conn *sc)
{
    if (sc->watching || sc->closed)
        return;
    sc->watching = 1;
    arpc_poller_add(srv.poller, sc->conn.s, sc);
}

/* Done with a report (srv.lock): watch the connection again, or let it go
 * while it is paused. */
static void rearm_locked(struct srv_conn *sc)
{
    sc->rearm_owed = 0;
    if (sc->closed)
        return;
    if (sc->paused) /* stream_resume watches it again */
        sc->watching = 0;
    else
        arpc_poller_rearm(srv.poller, sc->conn.s, sc);
}

/* rx: a stream drained (or ended); read its connection again. */
static void stream_resume(void *arg)
{
    struct srv_call *k = arg;
    struct srv_conn *sc = k->sc;
    arpc_mutex_lock(&srv.lock);
    if (--sc->holds <= 0 && sc->paused && !sc->closed) {
        sc->paused = 0;
        watch_locked(sc);
    }
    arpc_mutex_unlock(&srv.lock);
}

/* Unlock pump_lock after reading sc outside io_conn (st: how the read
 * went).  An I/O thread that got sc reported meanwhile found the lock taken
 * and left the report to us (rearm_owed): looked at after unlocking, so
 * either we see the mark or that thread gets the lock. */
static void pump_release(struct srv_conn *sc, RPC_STATUS st)
{
    arpc_mutex_unlock(&sc->conn.pump_lock);
    arpc_mutex_lock(&srv.lock);
    /* On failure an I/O thread closes it: it must be watched (a paused
     * connection is not), and the shutdown wakes it. */
    if (st != RPC_S_OK)
        sc->paused = 0;
    if (sc->rearm_owed)
        rearm_locked(sc);
    else if (st != RPC_S_OK)
        watch_locked(sc);
    arpc_mutex_unlock(&srv.lock);
    if (st != RPC_S_OK)
        arpc_sock_shutdown(sc->conn.s);
}

/* Read the connection now, on this (worker) thread, unless the I/O
 * thread is at it.  A failure is left to the I/O thread, which owns
 * closing. */
static void pump_here(struct srv_conn *sc)
{
    if (!arpc_mutex_trylock(&sc->conn.pump_lock))
        return;
    RPC_STATUS st = RPC_S_OK;
    if (!sc->closed) {
        st = arpc_conn_pump(&sc->conn, on_fragment, sc);
        flush_touched(sc);
        if (st == RPC_S_OK)
            apply_holds(sc);
    }
    pump_release(sc, st);
}

/* rx: the manager's pull (or the stub's reader) found too little. */
static void stream_pump(void *arg)
{
    struct srv_call *k = arg;
    pump_here(k->sc);
    release_hold(k->sc);
}

static void stream_on_data(void *arg)
{
    struct srv_call *k = arg;
    if (k->pipes)
        arpc_pipes_on_data(k->pipes);
}

static RPC_STATUS on_request(struct srv_conn *sc, const arpc_pdu *p)
{
    int first = (p->h.flags & ARPC_PFC_FIRST_FRAG) != 0;
    struct srv_pending *req = take_pending(sc, p->h.call_id);
    if (!first && !req)
        return stream_more(sc, p);
    if (first && !req && streams_context(sc, p->u.request.context_id))
        return stream_start(sc, p);
    if (first) {
        if (req) {
            pending_free(req);
            return RPC_S_PROTOCOL_ERROR; /* a call id that is already arriving */
        }
        if (sc->n_pending >= ARPC_SERVER_MAX_PENDING)
            return RPC_S_PROTOCOL_ERROR;
        if (!(req = calloc(1, sizeof *req)))
            return RPC_S_OUT_OF_MEMORY;
        arpc_mutex_lock(&srv.lock);
        struct srv_if *iface = context_if_locked(sc, p->u.request.context_id);
        size_t limit = iface ? iface->max_rpc_size : ARPC_SERVER_MAX_REQUEST;
        arpc_mutex_unlock(&srv.lock);
        req->call_id = p->h.call_id;
        req->context_id = p->u.request.context_id;
        req->opnum = p->u.request.opnum;
        req->has_object = p->u.request.has_object;
        req->object = p->u.request.object;
        req->drep = p->h.drep[0] | (uint32_t)p->h.drep[1] << 8 | (uint32_t)p->h.drep[2] << 16;
        arpc_reassembly_init(&req->data, limit, p->u.request.alloc_hint);
    }
    if (!req->discarding) {
        RPC_STATUS st = arpc_reassembly_add(&req->data, p->stub, p->stub_len);
        if (st != RPC_S_OK) {
            /* Too large: refuse the call and swallow the rest of its
             * fragments; the connection and its other calls go on. */
            io_send_fault(sc, req->call_id, req->context_id, st);
            arpc_reassembly_free(&req->data);
            req->discarding = 1;
        }
    }
    if (!(p->h.flags & ARPC_PFC_LAST_FRAG)) {
        req->next = sc->pending;
        sc->pending = req;
        sc->n_pending++;
    } else if (req->discarding) {
        pending_free(req);
    } else {
        dispatch(sc, req);
        free(req);
    }
    return RPC_S_OK;
}

/* co_cancel / orphaned: a call being served learns it through the call
 * engine (RpcServerTestCancel, cancel subscriptions).  An orphaned call
 * still arriving is dropped (its client sends no more fragments); a
 * cancelled one goes on arriving and is cancelled once dispatched... which
 * the first cut does not remember: it runs uncancelled. */
static void cancel_call(struct srv_conn *sc, uint32_t call_id, int orphaned)
{
    arpc_call *c = NULL;
    arpc_mutex_lock(&srv.lock);
    for (struct srv_call *k = sc->active; k; k = k->next_active)
        if (k->call_id == call_id) {
            c = arpc_call_lookup(k->call); /* NULL if it is already ending */
            break;
        }
    arpc_mutex_unlock(&srv.lock);
    if (c) {
        struct srv_call *k = arpc_call_lower(c);
        if (orphaned && k->streaming)
            arpc_rx_fail(&k->rx, RPC_S_CALL_CANCELLED); /* its client sends no more */
        arpc_call_server_cancelled(c);
        arpc_call_unref(c);
        return;
    }
    if (orphaned) {
        struct srv_pending *p = take_pending(sc, call_id);
        if (p) {
            arpc_reassembly_free(&p->data);
            free(p);
        }
    }
}

static RPC_STATUS on_fragment(void *ctx, const uint8_t *frag, size_t len)
{
    struct srv_conn *sc = ctx;
    arpc_pdu p;
    RPC_STATUS st = arpc_pdu_parse(frag, len, &p);
    if (st != RPC_S_OK)
        return st;
    switch (p.h.ptype) {
    case ARPC_PT_BIND:
    case ARPC_PT_ALTER_CONTEXT:
        return on_bind(sc, &p);
    case ARPC_PT_REQUEST:
        if (!sc->bound)
            return RPC_S_PROTOCOL_ERROR;
        return on_request(sc, &p);
    case ARPC_PT_CO_CANCEL:
    case ARPC_PT_ORPHANED:
        cancel_call(sc, p.h.call_id, p.h.ptype == ARPC_PT_ORPHANED);
        return RPC_S_OK;
    case ARPC_PT_AUTH3:
        return RPC_S_OK;
    default:
        return RPC_S_PROTOCOL_ERROR; /* a client does not send the others */
    }
}

RPC_STATUS arpc_server_go_async(RPC_BINDING_HANDLE call, void (*reply)(arpc_ndr_writer *, void *, const void *),
                                void (*free_ctx)(void *), void *ctx, size_t reply_size, PRPC_ASYNC_STATE *out)
{
    arpc_call *c = arpc_call_lookup(call);
    if (!c)
        return RPC_S_INVALID_BINDING;
    if (c->hooks != &server_call_hooks) {
        arpc_call_unref(c);
        return RPC_S_WRONG_KIND_OF_BINDING; /* e.g. an in-process binding */
    }
    struct srv_call *k = arpc_call_lower(c);
    k->async_reply = reply;
    k->async_free = free_ctx;
    k->async_ctx = ctx;
    k->async = 1;
    arpc_call_server_set_async(c, reply_size);
    *out = arpc_call_async(c);
    arpc_call_unref(c);
    return RPC_S_OK;
}

/* The streamed call a handle names (referenced), or NULL. */
static arpc_call *streamed_call(RPC_BINDING_HANDLE h)
{
    arpc_call *c = arpc_call_lookup(h);
    if (c && (c->hooks != &server_call_hooks || !((struct srv_call *)arpc_call_lower(c))->streaming)) {
        arpc_call_unref(c);
        c = NULL;
    }
    return c;
}

/* The stub's reader wants more of the request: exactly what it needs,
 * in a buffer that keeps the stream's alignment (see arpc_ndr_reader). */
static void stream_refill(arpc_ndr_reader *r, size_t need)
{
    struct srv_call *k = r->refill_ctx;
    size_t tail = r->len - r->pos;
    unsigned pad = (unsigned)((k->rx.offset - tail) % 8);
    unsigned char *buf = malloc(pad + need);
    if (!buf)
        RpcRaiseException(RPC_S_OUT_OF_MEMORY);
    memset(buf, 0, pad);
    if (tail)
        memcpy(buf + pad, r->data + r->pos, tail);
    RPC_STATUS st = arpc_rx_take(&k->rx, buf + pad + tail, need - tail, 1);
    if (st != RPC_S_OK) {
        free(buf);
        RpcRaiseException(st);
    }
    free(k->refill_buf);
    k->refill_buf = buf;
    r->data = buf;
    r->len = pad + need;
    r->pos = pad;
}

void arpc_server_stream_reader(RPC_BINDING_HANDLE call, arpc_ndr_reader *r)
{
    arpc_call *c = streamed_call(call);
    if (!c)
        return;
    struct srv_call *k = arpc_call_lower(c);
    r->refill = stream_refill;
    r->refill_ctx = k;
    r->stream_limit = k->iface->max_rpc_size;
    arpc_call_unref(c);
}

/* A push or pull of an [async] manager failed: the call ends with a fault
 * (nothing more for the manager to do, spec 2.7). */
static void pipes_failed(void *lower, RPC_STATUS st)
{
    struct srv_call *k = lower;
    if (arpc_call_server_claim(k->call)) {
        send_fault(k->sc, k->call_id, k->context_id, st);
        arpc_call_server_finish(k->call);
    }
}

RPC_STATUS arpc_server_start_pipes(RPC_BINDING_HANDLE call, const arpc_pipe_param *params, unsigned n, int async)
{
    arpc_call *c = streamed_call(call);
    if (!c)
        return RPC_X_INVALID_PIPE_OBJECT; /* pipes on an interface that did not say so */
    struct srv_call *k = arpc_call_lower(c);
    RPC_STATUS st = k->pipes ? RPC_X_INVALID_PIPE_OBJECT : arpc_pipes_create(params, n, 0, async, &k->pipes);
    if (st == RPC_S_OK) {
        arpc_pipes_io io = {&k->rx, &k->tx, NULL, async ? pipes_failed : NULL, k};
        arpc_pipes_start(k->pipes, c, &io);
    }
    arpc_call_unref(c);
    return st;
}

RPC_STATUS arpc_server_pipes_done(RPC_BINDING_HANDLE call, unsigned *pad)
{
    arpc_call *c = streamed_call(call);
    if (!c)
        return RPC_X_INVALID_PIPE_OBJECT;
    struct srv_call *k = arpc_call_lower(c);
    RPC_STATUS st = k->pipes && arpc_pipes_all_ended(k->pipes) ? RPC_S_OK : RPC_X_PIPE_DISCIPLINE_ERROR;
    *pad = (unsigned)(k->tx.offset % 8);
    arpc_call_unref(c);
    return st;
}

struct arpc_assoc *arpc_server_call_context(RPC_BINDING_HANDLE call, struct arpc_sctx ***slots)
{
    arpc_call *c = arpc_call_lookup(call);
    if (!c)
        return NULL;
    arpc_assoc *a = NULL;
    if (c->hooks == &server_call_hooks) {
        struct srv_call *k = arpc_call_lower(c);
        *slots = &k->ctx_slots;
        a = k->sc->assoc;
    }
    arpc_call_unref(c);
    return a;
}

RPC_STATUS arpc_server_inq_call(RPC_BINDING_HANDLE h, arpc_server_call_info *out)
{
    arpc_call *c;
    if (!h) {
        c = arpc_call_current();
        if (!c || c->hooks != &server_call_hooks)
            return RPC_S_NO_CALL_ACTIVE;
        arpc_call_ref(c);
    } else if (!(c = arpc_call_lookup(h))) {
        return RPC_S_INVALID_BINDING;
    } else if (c->hooks != &server_call_hooks) {
        arpc_call_unref(c);
        return RPC_S_WRONG_KIND_OF_BINDING;
    }
    struct srv_call *k = arpc_call_lower(c);
    const RPC_SERVER_INTERFACE *ifc = k->iface->ifc;
    out->protseq = k->sc->protseq;
    out->peer_local = k->sc->peer_local;
    out->peer_pid = k->sc->peer_pid;
    out->opnum = k->msg.ProcNum;
    out->if_uuid = ifc->InterfaceId.SyntaxGUID;
    arpc_mutex_lock(&c->lock);
    out->cancelled = c->cancelled;
    arpc_mutex_unlock(&c->lock);
    arpc_call_unref(c);
    return RPC_S_OK;
}

/* ------------------------------------------------------------ I/O thread */

static void accept_all(struct srv_listener *l, arpc_socket s)
{
    for (;;) {
        arpc_socket a;
        if (arpc_sock_accept(s, &a) != RPC_S_OK)
            return;
        struct srv_conn *sc = calloc(1, sizeof *sc);
        if (!sc || arpc_sock_set_nonblocking(a) != RPC_S_OK) {
            free(sc);
            arpc_sock_close(a);
            continue;
        }
        arpc_sock_set_nodelay(a);
        sc->tag = TAG_CONN;
        sc->refs = 1;
        sc->protseq = l->protseq;
        sc->sec_addr = l->endpoint;
        sc->peer_local = arpc_sock_peer_is_local(a);
        sc->peer_pid = arpc_sock_peer_pid(a);
        arpc_conn_init(&sc->conn, a);
        sc->watching = 1;
        if (arpc_poller_add(srv.poller, a, sc) != RPC_S_OK) {
            arpc_conn_destroy(&sc->conn);
            free(sc);
        }
    }
}

/* A connection the poller reported to this thread (and to no other: the
 * poller is one-shot and a connection is armed once, see watch_locked).
 * Read it, then run the calls that arrived on this thread - no hand-over
 * to a worker - unless a worker is already running the connection's
 * queue.  The connection is armed again first, so what arrives meanwhile
 * is read by another I/O thread and joins the queue. */
static void io_conn(struct srv_conn *sc)
{
    /* Ours while we hold the report; once we rearm it or leave the report
     * to another thread, that one may close it: a reference until done. */
    arpc_mutex_lock(&srv.lock);
    sc->refs++;
    int paused = sc->paused;
    arpc_mutex_unlock(&srv.lock);
    if (!arpc_mutex_trylock(&sc->conn.pump_lock)) {
        /* A worker or a pull is reading it (pump_here): no waiting for it,
         * it rearms the connection once done (pump_release). */
        arpc_mutex_lock(&srv.lock);
        sc->rearm_owed = 1;
        arpc_mutex_unlock(&srv.lock);
        if (!arpc_mutex_trylock(&sc->conn.pump_lock)) {
            conn_unref(sc);
            return;
        }
        /* Free now: if the reader already rearmed it, the report is
         * another thread's to take (we only release the lock, minding a
         * report parked meanwhile); else it is still ours. */
        arpc_mutex_lock(&srv.lock);
        int ours = sc->rearm_owed;
        sc->rearm_owed = 0;
        paused = sc->paused;
        arpc_mutex_unlock(&srv.lock);
        if (!ours) {
            pump_release(sc, RPC_S_OK);
            conn_unref(sc);
            return;
        }
    }
    RPC_STATUS st = RPC_S_OK;
    if (!paused) {
        sc->run_here = 1;
        st = arpc_conn_pump(&sc->conn, on_fragment, sc);
        sc->run_here = 0;
        flush_touched(sc);
        if (st == RPC_S_OK)
            apply_holds(sc);
    }
    int run = sc->ran_here;
    sc->ran_here = 0;
    /* Run them here only while another I/O thread is left to read (not at
     * the thread limit with every thread in a manager): else a worker. */
    arpc_mutex_lock(&srv.lock);
    int here = run && srv.io_threads - srv.io_busy > 1;
    srv.io_busy += here;
    if (st == RPC_S_OK) {
        if (here && !sc->paused && !sc->closed)
            held_link_locked(sc); /* run_queue rearms it */
        else
            rearm_locked(sc);
    }
    arpc_mutex_unlock(&srv.lock);
    if (st == RPC_S_OK) {
        pump_release(sc, RPC_S_OK); /* a report parked after our rearm */
    } else {
        arpc_mutex_unlock(&sc->conn.pump_lock);
        conn_close(sc);
    }
    if (here) {
        run_queue(sc);
        arpc_mutex_lock(&srv.lock);
        srv.io_busy--;
        arpc_mutex_unlock(&srv.lock);
    } else if (run && arpc_workq_submit(run_queue, sc) != RPC_S_OK) {
        run_queue(sc); /* no worker to be had: here after all */
    }
    conn_unref(sc);
}

static void io_accept(struct srv_listener *l)
{
    for (int k = 0; k < l->nsocks; k++) {
        accept_all(l, l->socks[k]);
        arpc_poller_rearm(srv.poller, l->socks[k], l);
    }
}

/* The I/O threads: all of them wait on the (one-shot) poller, and the one
 * a report goes to serves it (leader/follower without a leader: the poller
 * hands each ready connection to one waiting thread).  A thread that takes
 * a report and leaves none waiting starts another first, so reading goes
 * on while it runs calls, which may block; the threads stay, as workers
 * do, up to ARPC_SERVER_MAX_IO_THREADS. */
static void io_main(void *unused)
{
    (void)unused;
    for (;;) {
        void *ready = NULL;
        arpc_mutex_lock(&srv.lock);
        srv.io_waiting++;
        arpc_mutex_unlock(&srv.lock);
        int n = arpc_poller_wait(srv.poller, &ready, 1, 0xFFFFFFFFu);
        arpc_mutex_lock(&srv.lock);
        int spawn = --srv.io_waiting == 0 && n > 0 && srv.io_threads < ARPC_SERVER_MAX_IO_THREADS;
        if (spawn)
            srv.io_threads++;
        arpc_mutex_unlock(&srv.lock);
        if (spawn && !arpc_thread_create(io_main, NULL)) {
            arpc_mutex_lock(&srv.lock);
            srv.io_threads--;
            arpc_mutex_unlock(&srv.lock);
        }
        if (n <= 0 || !ready)
            continue;
        if (*(int *)ready == TAG_LISTENER)
            io_accept(ready);
        else
            io_conn(ready);
    }
}

static RPC_STATUS start_io_locked(void)
{
    if (srv.io_threads)
        return RPC_S_OK;
    RPC_STATUS st = arpc_net_init();
    if (st != RPC_S_OK)
        return st;
    if (!srv.poller && !(srv.poller = arpc_poller_new(ARPC_POLLER_ONESHOT)))
        return RPC_S_OUT_OF_RESOURCES;
    if (!arpc_thread_create(io_main, NULL))
        return RPC_S_OUT_OF_THREADS;
    srv.io_threads = 1;
    return RPC_S_OK;
}

/* ------------------------------------------------------------ endpoints */

RPC_STATUS arpc_server_use_protseq(const char *protseq, const char *endpoint)
{
    srv_init();
    struct srv_listener *l = calloc(1, sizeof *l);
    if (!l)
        return RPC_S_OUT_OF_MEMORY;
    l->tag = TAG_LISTENER;
    RPC_STATUS st;
    if (!strcmp(protseq, "ncacn_ip_tcp")) {
        l->protseq = PROTSEQ_TCP;
        if (endpoint && *endpoint) {
            char *end;
            unsigned long port = strtoul(endpoint, &end, 10);
            if (*end || port == 0 || port > 65535) {
                free(l);
                return RPC_S_INVALID_ENDPOINT_FORMAT;
            }
        }
    } else if (!strcmp(protseq, "ncalrpc")) {
        l->protseq = PROTSEQ_LOCAL;
    } else if (!strcmp(protseq, "ncacn_np")) {
        l->protseq = PROTSEQ_NP;
    } else {
        free(l);
        return RPC_S_PROTSEQ_NOT_SUPPORTED;
    }
    snprintf(l->protseq_name, sizeof l->protseq_name, "%s", protseq);
    arpc_mutex_lock(&srv.lock);
    st = start_io_locked();
    arpc_mutex_unlock(&srv.lock);
    if (st == RPC_S_OK && l->protseq == PROTSEQ_TCP) {
        unsigned port = 0;
        st = arpc_tcp_listen(endpoint, l->socks, &l->nsocks, &port);
        snprintf(l->endpoint, sizeof l->endpoint, "%u", port);
    } else if (st == RPC_S_OK) {
        char dyn[64];
        if (!endpoint || !*endpoint) {
            arpc_local_dynamic_endpoint(dyn, sizeof dyn);
            snprintf(l->endpoint, sizeof l->endpoint, "%s%s", l->protseq == PROTSEQ_NP ? "\\pipe\\" : "", dyn);
        } else {
            snprintf(l->endpoint, sizeof l->endpoint, "%s", endpoint);
        }
        st = l->protseq == PROTSEQ_NP ? arpc_np_listen(l->endpoint, &l->socks[0])
                                      : arpc_local_listen(l->endpoint, &l->socks[0]);
        l->nsocks = st == RPC_S_OK;
    }
    for (int i = 0; st == RPC_S_OK && i < l->nsocks; i++)
        if ((st = arpc_sock_set_nonblocking(l->socks[i])) == RPC_S_OK)
            st = arpc_poller_add(srv.poller, l->socks[i], l);
    if (st != RPC_S_OK) {
        for (int i = 0; i < l->nsocks; i++) {
            arpc_poller_remove(srv.poller, l->socks[i]);
            arpc_sock_close(l->socks[i]);
        }
        free(l);
        return st;
    }
    arpc_mutex_lock(&srv.lock);
    l->next = srv.listeners;
    srv.listeners = l;
    arpc_mutex_unlock(&srv.lock);
    return RPC_S_OK;
}

RPC_STATUS arpc_server_endpoints(arpc_server_endpoint_fn fn, void *ctx)
{
    srv_init();
    arpc_mutex_lock(&srv.lock);
    RPC_STATUS st = RPC_S_OK;
    for (struct srv_listener *l = srv.listeners; l && st == RPC_S_OK; l = l->next)
        st = fn(ctx, l->protseq_name, l->endpoint);
    arpc_mutex_unlock(&srv.lock);
    return st;
}

/* ------------------------------------------------------------ listening */

/* Until listening stops and the calls in flight have completed (their
 * replies sent), as RpcServerListen and RpcMgmtWaitServerListen promise:
 * a call that stops the server still gets its answer out. */
static void wait_stopped_locked(void)
{
    while (srv.listening || srv.calls)
        arpc_cond_wait(&srv.cond, &srv.lock);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerListen(unsigned int MinimumCallThreads, unsigned int MaxCalls,
                                              unsigned int DontWait)
{
    (void)MinimumCallThreads; /* the worker pool grows on demand */
    srv_init();
    arpc_mutex_lock(&srv.lock);
    if (srv.listening) {
        arpc_mutex_unlock(&srv.lock);
        return RPC_S_ALREADY_LISTENING;
    }
    if (!srv.listeners) {
        arpc_mutex_unlock(&srv.lock);
        return RPC_S_NO_PROTSEQS_REGISTERED;
    }
    srv.listening = 1;
    srv.max_calls = MaxCalls ? MaxCalls : RPC_C_LISTEN_MAX_CALLS_DEFAULT;
    arpc_cond_broadcast(&srv.cond);
    if (!DontWait)
        wait_stopped_locked();
    arpc_mutex_unlock(&srv.lock);
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcMgmtStopServerListening(RPC_BINDING_HANDLE Binding)
{
    if (Binding)
        return RPC_S_CANNOT_SUPPORT; /* stopping a remote server: not offered */
    srv_init();
    arpc_mutex_lock(&srv.lock);
    int was = srv.listening;
    srv.listening = 0;
    arpc_cond_broadcast(&srv.cond);
    arpc_mutex_unlock(&srv.lock);
    return was ? RPC_S_OK : RPC_S_NOT_LISTENING;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcMgmtWaitServerListen(void)
{
    srv_init();
    arpc_mutex_lock(&srv.lock);
    if (!srv.listening) {
        arpc_mutex_unlock(&srv.lock);
        return RPC_S_NOT_LISTENING;
    }
    wait_stopped_locked();
    arpc_mutex_unlock(&srv.lock);
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcMgmtIsServerListening(RPC_BINDING_HANDLE Binding)
{
    if (Binding)
        return RPC_S_CANNOT_SUPPORT;
    srv_init();
    arpc_mutex_lock(&srv.lock);
    int l = srv.listening;
    arpc_mutex_unlock(&srv.lock);
    return l ? RPC_S_OK : RPC_S_NOT_LISTENING;
}

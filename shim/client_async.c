/* client_async.c - asynchronous calls on the wire, client side.
 *
 * A binding keeps one multiplexed connection per interface for its async
 * calls (PFC_CONC_MPX): requests go out in the order they are made (causal
 * ordering per binding), responses come back in any order and are matched
 * by call id.  One client I/O thread waits on every such connection through
 * the platform poller; when a call's last response fragment (or its fault)
 * arrives it completes the engine call (call.h), which notifies the
 * application.  Synchronous calls use other connections (client.c), as on
 * Windows, so they can run while async calls are pending.
 *
 * Cancel: non-abortive sends co_cancel and waits for the server's answer;
 * abortive completes at once (the engine) and sends orphaned; a late
 * response for an orphaned call id is dropped.  A connection that breaks
 * fails every call pending on it with RPC_S_CALL_FAILED.
 *
 * Calls with pipes get a connection of their own, closed when the call
 * ends, so a slow pipe reader holds back nobody else: their response is a
 * stream (rx.h) that the application pulls, and the I/O thread stops
 * reading the connection while the stream is full.  Their request goes out
 * as the application pushes (arpc_tx).  Such a call completes once the
 * whole response is in and every pipe ended (the [out] pipes drained). */
#include <stdlib.h>
#include <string.h>
#include "arpc_ndr.h"
#include "binding.h"
#include "call_internal.h"
#include "pipe.h"

#define ARPC_CLIENT_MAX_REPLY (256u << 20)

struct async_req;

typedef struct arpc_async_conn {
    struct arpc_async_conn *next;     /* the binding's list (binding lock) */
    RPC_SYNTAX_IDENTIFIER ifid;
    arpc_client_conn *cc;
    uint16_t context_id;
    arpc_mutex lock;                  /* below */
    int refs;                         /* binding + pending calls + I/O thread */
    int dead;
    int binding_gone;                 /* RpcBindingFree'd: close once idle */
    int io_released;                  /* I/O thread only */
    int private_conn;                 /* one pipe call's own connection */
    int holds;                        /* streams asking the I/O thread to stop reading */
    arpc_call *touched;               /* the pipe call whose stream got data in this pump (conn.pump_lock) */
    int paused;                       /* so it does (off the poller) */
    int rearm_owed;                   /* reported while a pull was reading it (lock) */
    uint32_t next_call_id;
    struct async_req *pending;
    struct arpc_async_conn *all_next, *all_prev; /* cli.all */
} arpc_async_conn;

struct async_req {
    struct async_req *next;
    uint32_t call_id;
    arpc_call *call;                  /* the lower-layer reference, while pending */
    arpc_async_conn *conn;
    arpc_reassembly data;
    uint32_t drep;
    RPC_STATUS (*finish)(void *reader, void *ctx, void *reply);
    void *ctx;
    /* calls with pipes */
    arpc_pipes *pipes;
    arpc_call *engine;                /* the call (q->call is cleared when settled) */
    arpc_rx rx;                       /* the response, as it comes */
    arpc_tx tx;                       /* the request, as it is pushed */
    int response_done;                /* its last fragment is in (ac->lock) */
};

static struct {
    arpc_mutex lock;
    arpc_poller *poller;
    arpc_thread *io;
    /* the I/O role (see io_main) */
    arpc_mutex token_lock;
    arpc_cond token_cond;             /* never signalled: the I/O thread's tick */
    int token;                        /* a thread is polling */
    uint64_t wanted_ms;               /* when an application thread last asked for the role */
    /* Every connection until its last reference goes (cli.lock): the I/O
     * thread finds them through the poller, and a process that exits
     * before it let go of one has not leaked it. */
    arpc_async_conn *all;
} cli;

static void cli_init_once(void)
{
    arpc_mutex_init(&cli.lock);
    arpc_mutex_init(&cli.token_lock);
    arpc_cond_init(&cli.token_cond);
}

static void conn_unref(arpc_async_conn *ac)
{
    arpc_mutex_lock(&ac->lock);
    int last = --ac->refs == 0;
    arpc_mutex_unlock(&ac->lock);
    if (!last)
        return;
    arpc_mutex_lock(&cli.lock);
    if (ac->all_prev)
        ac->all_prev->all_next = ac->all_next;
    else
        cli.all = ac->all_next;
    if (ac->all_next)
        ac->all_next->all_prev = ac->all_prev;
    arpc_mutex_unlock(&cli.lock);
    arpc_client_conn_close(ac->cc);
    arpc_mutex_destroy(&ac->lock);
    free(ac);
}

/* Take call_id's request off the pending list (whoever does so delivers its
 * outcome and drops its lower reference). */
static struct async_req *take(arpc_async_conn *ac, uint32_t call_id)
{
    struct async_req *q = NULL;
    arpc_mutex_lock(&ac->lock);
    for (struct async_req **pp = &ac->pending; *pp; pp = &(*pp)->next) {
        if ((*pp)->call_id == call_id) {
            q = *pp;
            *pp = q->next;
            break;
        }
    }
    arpc_mutex_unlock(&ac->lock);
    return q;
}

static void deliver(struct async_req *q, RPC_STATUS st)
{
    if (q->pipes && st != RPC_S_OK)
        arpc_rx_fail(&q->rx, st); /* wakes a blocked pull; later pulls report st */
    arpc_call *c = q->call;
    q->call = NULL;
    arpc_call_client_result(c, st, q->data.data, q->data.len);
    arpc_reassembly_free(&q->data);
    arpc_call_release(c);
}

/* The connection broke (any thread): every pending call fails.  The
 * socket is shut down, which wakes the I/O thread, and only the I/O thread
 * lets go of the connection (it may hold it in its ready list). */
static void fail_conn(arpc_async_conn *ac)
{
    arpc_mutex_lock(&ac->lock);
    int was_dead = ac->dead;
    ac->dead = 1;
    struct async_req *list = ac->pending;
    ac->pending = NULL;
    arpc_mutex_unlock(&ac->lock);
    if (was_dead)
        return;
    arpc_sock_shutdown(ac->cc->conn.s);
    /* The I/O role lets go of it when the poller reports the shutdown:
     * it must be watched (a paused one is not). */
    arpc_mutex_lock(&ac->lock);
    if (ac->paused && !ac->io_released) {
        ac->paused = 0;
        arpc_poller_add(cli.poller, ac->cc->conn.s, ac);
    }
    arpc_mutex_unlock(&ac->lock);
    while (list) {
        struct async_req *q = list;
        list = q->next;
        deliver(q, RPC_S_CALL_FAILED);
    }
}

/* The poller is one-shot: a connection reported is watched again only
 * once whoever read it is done (rearm, ac->lock held).  A dead one too:
 * its shutdown is reported and the I/O role then releases it. */
static void rearm_locked(arpc_async_conn *ac)
{
    ac->rearm_owed = 0;
    if ((!ac->paused || ac->dead) && !ac->io_released)
        arpc_poller_rearm(cli.poller, ac->cc->conn.s, ac);
}

/* The I/O role only: stop watching a dead connection.  Under its lock, so
 * that nobody adds it back to the poller afterwards (fail_conn, rx_resume). */
static void io_release(arpc_async_conn *ac)
{
    if (ac->io_released)
        return;
    arpc_mutex_lock(&ac->lock);
    ac->io_released = 1;
    arpc_poller_remove(cli.poller, ac->cc->conn.s);
    arpc_mutex_unlock(&ac->lock);
    conn_unref(ac);
}

/* A pipe call completes once its response is in and every pipe ended
 * (whichever comes last calls this; taking it off the list decides). */
static void try_finish(struct async_req *q)
{
    arpc_async_conn *ac = q->conn;
    arpc_mutex_lock(&ac->lock);
    int done = q->response_done;
    arpc_mutex_unlock(&ac->lock);
    if (!done || !arpc_pipes_settled(q->pipes))
        return;
    struct async_req *mine = take(ac, q->call_id);
    if (mine)
        deliver(mine, RPC_S_OK); /* the [out] parameters stay in rx for hook_finish */
}

/* The I/O thread, after a pump (or before touching another call): the
 * stream that got data tells its waiting pull, once for the whole batch. */
static void flush_touched(arpc_async_conn *ac)
{
    arpc_call *c = ac->touched;
    if (!c)
        return;
    ac->touched = NULL;
    struct async_req *q = arpc_call_lower(c);
    arpc_rx_flush(&q->rx);
    arpc_call_unref(c);
}

/* The I/O thread, after pumping: stop reading a connection whose stream is full. */
static void apply_holds(arpc_async_conn *ac)
{
    arpc_mutex_lock(&ac->lock);
    if (ac->holds > 0 && !ac->paused && !ac->dead) {
        ac->paused = 1;
        arpc_poller_remove(cli.poller, ac->cc->conn.s);
    }
    arpc_mutex_unlock(&ac->lock);
}

/* rx: the application drained the stream; read again. */
static void rx_resume(void *arg)
{
    struct async_req *q = arg;
    arpc_async_conn *ac = q->conn;
    arpc_mutex_lock(&ac->lock);
    if (--ac->holds <= 0 && ac->paused && !ac->dead && !ac->io_released) {
        ac->paused = 0;
        arpc_poller_add(cli.poller, ac->cc->conn.s, ac);
    }
    arpc_mutex_unlock(&ac->lock);
}

static RPC_STATUS on_fragment(void *ctx, const uint8_t *frag, size_t len);

/* rx: the application's pull found too little: read the connection now
 * on its thread, unless the I/O thread is at it (data in flight then
 * reaches the application without a hand-over; waiting for the I/O
 * thread instead measured slower). */
static void rx_pump(void *arg)
{
    struct async_req *q = arg;
    arpc_async_conn *ac = q->conn;
    if (!arpc_mutex_trylock(&ac->cc->conn.pump_lock))
        return;
    RPC_STATUS st = RPC_S_OK;
    if (!ac->dead) {
        st = arpc_conn_pump(&ac->cc->conn, on_fragment, ac);
        flush_touched(ac);
        if (st == RPC_S_OK)
            apply_holds(ac);
    }
    arpc_mutex_unlock(&ac->cc->conn.pump_lock);
    if (st != RPC_S_OK) {
        /* The I/O thread lets go of it: it must be watching (a paused
         * connection is not), and the failure's shutdown wakes it. */
        arpc_mutex_lock(&ac->lock);
        if (ac->paused && !ac->io_released) {
            ac->paused = 0;
            arpc_poller_add(cli.poller, ac->cc->conn.s, ac);
        }
        arpc_mutex_unlock(&ac->lock);
        fail_conn(ac);
    }
    /* The I/O thread found it busy meanwhile and left it to us (io_conn):
     * checked after unlocking, so that either we see its mark or it gets
     * the lock. */
    arpc_mutex_lock(&ac->lock);
    if (ac->rearm_owed)
        rearm_locked(ac);
    arpc_mutex_unlock(&ac->lock);
}

static void rx_on_data(void *arg)
{
    struct async_req *q = arg;
    arpc_pipes_on_data(q->pipes);
}

static RPC_STATUS on_fragment(void *ctx, const uint8_t *frag, size_t len)
{
    arpc_async_conn *ac = ctx;
    arpc_pdu p;
    RPC_STATUS st = arpc_pdu_parse(frag, len, &p);
    if (st != RPC_S_OK)
        return st;
    if (p.h.ptype != ARPC_PT_RESPONSE && p.h.ptype != ARPC_PT_FAULT)
        return RPC_S_PROTOCOL_ERROR;
    /* The request stays on the pending list while its response arrives, and
     * its data grows under the lock: a failing connection or an abortive
     * cancel (other threads) finds it there and settles it exactly once. */
    struct async_req *done = NULL;
    RPC_STATUS outcome = RPC_S_OK;
    arpc_mutex_lock(&ac->lock);
    struct async_req **pp = &ac->pending;
    while (*pp && (*pp)->call_id != p.h.call_id)
        pp = &(*pp)->next;
    struct async_req *q = *pp;
    if (q && q->pipes && p.h.ptype == ARPC_PT_RESPONSE) {
        int last = (p.h.flags & ARPC_PFC_LAST_FRAG) != 0;
        if (p.h.flags & ARPC_PFC_FIRST_FRAG)
            q->rx.drep = p.h.drep[0] | (uint32_t)p.h.drep[1] << 8 | (uint32_t)p.h.drep[2] << 16;
        /* Pending, the request is still referenced by the lower layer; our
         * own reference keeps it while the lock is dropped (a cancel may
         * settle it meanwhile). */
        arpc_call *c = q->call;
        arpc_call_ref(c);
        arpc_mutex_unlock(&ac->lock);
        if (ac->touched != c) {
            flush_touched(ac);
            ac->touched = c;
            arpc_call_ref(c);
        }
        int hold = arpc_rx_put(&q->rx, arpc_conn_block(&ac->cc->conn), p.stub, p.stub_len, last);
        if (hold) {
            arpc_mutex_lock(&ac->lock);
            ac->holds++;
            arpc_mutex_unlock(&ac->lock);
        }
        if (last) {
            /* Done only once the stream has its end (hook_finish reads
             * what follows the pipes from it). */
            arpc_mutex_lock(&ac->lock);
            q->response_done = 1;
            arpc_mutex_unlock(&ac->lock);
            try_finish(q);
        }
        arpc_call_unref(c);
        return hold ? ARPC_CONN_HOLD : RPC_S_OK;
    }
    if (q && p.h.ptype == ARPC_PT_FAULT) {
        outcome = arpc_fault_to_status(p.u.response.status);
    } else if (q) {
        if (!q->data.limit) {
            arpc_reassembly_init(&q->data, ARPC_CLIENT_MAX_REPLY, p.u.response.alloc_hint);
            q->drep = p.h.drep[0] | (uint32_t)p.h.drep[1] << 8 | (uint32_t)p.h.drep[2] << 16;
        }
        outcome = arpc_reassembly_add(&q->data, p.stub, p.stub_len);
        if (outcome == RPC_S_SERVER_OUT_OF_MEMORY)
            outcome = RPC_S_OUT_OF_MEMORY;
    }
    if (q && (p.h.ptype == ARPC_PT_FAULT || outcome != RPC_S_OK || (p.h.flags & ARPC_PFC_LAST_FRAG))) {
        *pp = q->next;
        done = q;
    }
    arpc_mutex_unlock(&ac->lock);
    if (done)
        deliver(done, outcome);
    return RPC_S_OK; /* no request: orphaned or already failed - dropped */
}

/* A connection the poller reported.  When a pull is reading it on its
 * own thread (rx_pump), the I/O thread does not wait for it: it marks the
 * connection and that thread rearms it when it is done. */
static void io_conn(arpc_async_conn *ac)
{
    if (!arpc_mutex_trylock(&ac->cc->conn.pump_lock)) {
        arpc_mutex_lock(&ac->lock);
        ac->rearm_owed = 1;
        arpc_mutex_unlock(&ac->lock);
        if (!arpc_mutex_trylock(&ac->cc->conn.pump_lock))
            return; /* it sees the mark once it unlocks */
    }
    RPC_STATUS st = ac->dead ? RPC_S_CALL_FAILED : arpc_conn_pump(&ac->cc->conn, on_fragment, ac);
    flush_touched(ac);
    if (st == RPC_S_OK) {
        apply_holds(ac);
        arpc_mutex_lock(&ac->lock);
        rearm_locked(ac);
        arpc_mutex_unlock(&ac->lock);
    }
    arpc_mutex_unlock(&ac->cc->conn.pump_lock);
    if (st != RPC_S_OK || ac->dead) { /* failed here, or by another thread meanwhile */
        fail_conn(ac);
        io_release(ac);
    }
}

/* ---- the I/O role
 *
 * One thread at a time polls the client's connections (holds the token):
 * the I/O thread, or (POSIX build) an application thread about to block
 * in GetQueuedCompletionStatus with nothing queued, which then reads the
 * responses itself and so gets its completion with no hand-over from the
 * I/O thread (wait_help, arpc_set_wait_helper).  The I/O thread leaves
 * the role to such threads while they keep coming back for it (within
 * HELP_MS) and takes it again when they stop.  The price: while the
 * application thread is busy elsewhere, a response for another call can
 * wait up to about HELP_MS for a thread to read it. */
#define HELP_MS 2u

/* The token held: one round of the poller. */
static void poll_once(uint32_t ms)
{
    void *ready[64];
    int n = arpc_poller_wait(cli.poller, ready, 64, ms);
    for (int i = 0; i < n; i++) {
        arpc_async_conn *ac = ready[i];
        if (ac && !ac->io_released)
            io_conn(ac);
    }
}

static _Thread_local int in_helper;

static int wait_help(uint32_t ms)
{
    arpc_mutex_lock(&cli.token_lock);
    cli.wanted_ms = arpc_now_ms();
    int mine = !cli.token;
    cli.token = 1;
    arpc_mutex_unlock(&cli.token_lock);
    if (!mine)
        return 0; /* the I/O thread has it: it delivers, and then steps aside */
    in_helper = 1;
    poll_once(ms);
    in_helper = 0;
    arpc_mutex_lock(&cli.token_lock);
    cli.token = 0;
    cli.wanted_ms = arpc_now_ms();
    arpc_mutex_unlock(&cli.token_lock);
    return 1;
}

/* A packet was handed to the helping thread by another one: end its poll. */
static void wait_kick(void)
{
    if (!in_helper)
        arpc_poller_wake(cli.poller);
}

static void io_main(void *unused)
{
    (void)unused;
    for (;;) {
        arpc_mutex_lock(&cli.token_lock);
        while (cli.token || arpc_now_ms() - cli.wanted_ms < HELP_MS)
            arpc_cond_timedwait(&cli.token_cond, &cli.token_lock, HELP_MS);
        cli.token = 1;
        arpc_mutex_unlock(&cli.token_lock);
        poll_once(0xFFFFFFFFu);
        arpc_mutex_lock(&cli.token_lock);
        cli.token = 0;
        arpc_mutex_unlock(&cli.token_lock);
    }
}

static RPC_STATUS start_io(void)
{
    static arpc_once_flag once = ARPC_ONCE_INIT;
    arpc_once(&once, cli_init_once);
    RPC_STATUS st = RPC_S_OK;
    arpc_mutex_lock(&cli.lock);
    if (!cli.poller && !(cli.poller = arpc_poller_new(ARPC_POLLER_ONESHOT)))
        st = RPC_S_OUT_OF_RESOURCES;
    else if (!cli.io && !(cli.io = arpc_thread_create(io_main, NULL)))
        st = RPC_S_OUT_OF_THREADS;
    else
        arpc_set_wait_helper(wait_help, wait_kick);
    arpc_mutex_unlock(&cli.lock);
    return st;
}

/* The binding's live shared async connection for ifc, referenced; NULL if none. */
static arpc_async_conn *find_shared_conn(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc)
{
    arpc_async_conn *found = NULL;
    arpc_mutex_lock(&b->lock);
    for (arpc_async_conn **pp = &b->async_conns; *pp && !found;) {
        arpc_async_conn *ac = *pp;
        if (ac->dead) { /* unlink the broken one */
            *pp = ac->next;
            conn_unref(ac);
            continue;
        }
        if (!memcmp(&ac->ifid, &ifc->InterfaceId, sizeof ac->ifid)) {
            arpc_mutex_lock(&ac->lock);
            ac->refs++;
            arpc_mutex_unlock(&ac->lock);
            found = ac;
        }
        pp = &ac->next;
    }
    arpc_mutex_unlock(&b->lock);
    return found;
}

/* A connection for ifc (referenced): the binding's shared one, or a new
 * one, connected and bound before the I/O thread sees it.  A private one
 * (a pipe call's) is always new and never shared. */
static RPC_STATUS get_conn(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc, int private_conn,
                           arpc_async_conn **out)
{
    if (!private_conn && (*out = find_shared_conn(b, ifc)))
        return RPC_S_OK;
    RPC_STATUS st = start_io();
    if (st != RPC_S_OK)
        return st;
    arpc_async_conn *ac = calloc(1, sizeof *ac);
    if (!ac)
        return RPC_S_OUT_OF_MEMORY;
    if ((st = arpc_client_conn_open_bound(b, ifc, &ac->cc, &ac->context_id)) != RPC_S_OK) {
        free(ac);
        return st;
    }
    arpc_mutex_init(&ac->lock);
    ac->ifid = ifc->InterfaceId;
    ac->next_call_id = ac->cc->next_call_id;
    ac->private_conn = private_conn;
    ac->refs = private_conn ? 2 : 3; /* (binding,) I/O thread, caller */
    if ((st = arpc_poller_add(cli.poller, ac->cc->conn.s, ac)) != RPC_S_OK) {
        arpc_client_conn_close(ac->cc);
        arpc_mutex_destroy(&ac->lock);
        free(ac);
        return st;
    }
    arpc_mutex_lock(&cli.lock);
    ac->all_next = cli.all;
    if (cli.all)
        cli.all->all_prev = ac;
    cli.all = ac;
    arpc_mutex_unlock(&cli.lock);
    if (!private_conn) {
        arpc_mutex_lock(&b->lock);
        ac->next = b->async_conns;
        b->async_conns = ac;
        arpc_mutex_unlock(&b->lock);
    }
    *out = ac;
    return RPC_S_OK;
}

void arpc_client_async_drop(arpc_binding *b)
{
    arpc_mutex_lock(&b->lock);
    arpc_async_conn *list = b->async_conns;
    b->async_conns = NULL;
    arpc_mutex_unlock(&b->lock);
    while (list) {
        arpc_async_conn *ac = list;
        list = ac->next;
        arpc_mutex_lock(&ac->lock);
        int idle = !ac->pending;
        ac->binding_gone = 1;
        arpc_mutex_unlock(&ac->lock);
        if (idle)
            fail_conn(ac); /* nobody waits on it: close it now */
        conn_unref(ac);
    }
}

/* ---- engine hooks */

static RPC_STATUS hook_finish(arpc_call *c, void *reply)
{
    struct async_req *q = arpc_call_lower(c);
    arpc_ndr_reader r;
    if (!q->pipes) {
        arpc_ndr_reader_init(&r, c->result, c->result_len, q->drep ? q->drep : ARPC_NDR_DREP_LE);
        return q->finish(&r, q->ctx, reply);
    }
    /* What follows the pipes: the non-pipe [out] parameters. */
    unsigned char *rest;
    size_t len;
    unsigned pad;
    RPC_STATUS st = arpc_rx_rest(&q->rx, 0, &rest, &len, &pad);
    if (st == RPC_S_OK && q->finish) {
        arpc_ndr_reader_init(&r, rest, len, q->rx.drep);
        r.pos = pad;
        st = q->finish(&r, q->ctx, reply);
    }
    free(rest);
    return st;
}

static void send_simple(arpc_async_conn *ac, uint8_t ptype, uint32_t call_id)
{
    uint8_t pdu[ARPC_PDU_HEADER_LEN];
    size_t n = arpc_pdu_write_simple(pdu, ptype, ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG, call_id);
    if (arpc_conn_send_pdu(&ac->cc->conn, pdu, n, 5000) != RPC_S_OK)
        fail_conn(ac);
}

static void hook_cancel(arpc_call *c, int abortive)
{
    struct async_req *q = arpc_call_lower(c);
    arpc_async_conn *ac = q->conn;
    if (!abortive) {
        send_simple(ac, ARPC_PT_CO_CANCEL, q->call_id);
        return;
    }
    /* The engine has completed the call: stop waiting for it. */
    struct async_req *mine = take(ac, q->call_id);
    send_simple(ac, ARPC_PT_ORPHANED, q->call_id);
    if (mine)
        deliver(mine, RPC_S_CALL_CANCELLED); /* dropped by the engine: already complete */
    if (q->pipes) {
        arpc_rx_fail(&q->rx, RPC_S_CALL_CANCELLED);
        fail_conn(ac); /* its own connection: a blocked push returns */
    }
}

static void hook_destroy(arpc_call *c)
{
    struct async_req *q = arpc_call_lower(c);
    arpc_reassembly_free(&q->data);
    if (q->pipes) {
        c->pipes = NULL;
        arpc_pipes_free(q->pipes);
        arpc_rx_destroy(&q->rx);
    }
    /* The binding is gone and this was the last call on its connection,
     * or the connection was this pipe call's own. */
    arpc_mutex_lock(&q->conn->lock);
    int close = (q->conn->binding_gone && !q->conn->pending) || q->conn->private_conn;
    arpc_mutex_unlock(&q->conn->lock);
    if (close)
        fail_conn(q->conn);
    conn_unref(q->conn);
    free(q->ctx);
    free(q);
}

static const arpc_call_hooks async_client_hooks = {
    .client_finish = hook_finish,
    .client_cancel = hook_cancel,
    .destroy = hook_destroy,
};

/* pipes: the stream hooks of a pipe call (arpc_pipes_io). */
static void pipes_drained(void *lower)
{
    try_finish(lower);
}

/* A push or pull failed: the runtime cleans the call up (spec 3.4). */
static void pipes_failed(void *lower, RPC_STATUS st)
{
    struct async_req *q = lower;
    (void)st;
    arpc_call_client_discard(q->engine);
}

/* Send the request: all of it, or for a pipe call its non-pipe part (the
 * [in] pipes follow as they are pushed). */
static RPC_STATUS send_request(arpc_binding *b, struct async_req *q, unsigned opnum, const uint8_t *stub, size_t len)
{
    arpc_async_conn *ac = q->conn;
    if (!q->pipes)
        return arpc_conn_send_request(&ac->cc->conn, q->call_id, ac->context_id, (uint16_t)opnum,
                                      b->has_object ? &b->object : NULL, stub, len, 30000);
    arpc_tx *t = &q->tx;
    t->conn = &ac->cc->conn;
    t->request = 1;
    t->call_id = q->call_id;
    t->context_id = ac->context_id;
    t->opnum = (uint16_t)opnum;
    t->has_object = b->has_object;
    t->object = b->object;
    t->timeout_ms = arpc_binding_call_timeout(b);
    arpc_iovec seg = {stub, len};
    return arpc_tx_send(t, &seg, 1, arpc_pipes_sent_all(q->pipes));
}

RPC_STATUS arpc_client_async_send(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc, unsigned opnum,
                                  const uint8_t *stub, size_t len, PRPC_ASYNC_STATE pAsync, size_t reply_size,
                                  RPC_STATUS (*finish)(void *reader, void *ctx, void *reply), void *ctx,
                                  arpc_pipes *pipes)
{
    RPC_STATUS st = opnum > 0xFFFF ? RPC_S_PROCNUM_OUT_OF_RANGE : RPC_S_OK;
    struct async_req *q = st == RPC_S_OK ? calloc(1, sizeof *q) : NULL;
    if (st == RPC_S_OK && !q)
        st = RPC_S_OUT_OF_MEMORY;
    arpc_async_conn *ac = NULL;
    if (st == RPC_S_OK)
        st = get_conn(b, ifc, pipes != NULL, &ac);
    if (st != RPC_S_OK) {
        free(ctx);
        free(q);
        arpc_pipes_free(pipes);
        return st;
    }
    q->finish = finish;
    q->ctx = ctx;
    q->conn = ac; /* the caller's reference becomes the call's */
    arpc_call *c;
    if ((st = arpc_call_client_start(pAsync, &async_client_hooks, q, reply_size, &c)) != RPC_S_OK) {
        if (ac->private_conn)
            fail_conn(ac);
        conn_unref(ac);
        free(ctx);
        free(q);
        arpc_pipes_free(pipes);
        return st;
    }
    q->call = q->engine = c;
    arpc_mutex_lock(&ac->lock);
    q->call_id = ac->next_call_id++;
    q->next = ac->pending;
    ac->pending = q;
    arpc_mutex_unlock(&ac->lock);
    if (pipes) {
        q->pipes = pipes;
        arpc_rx_init(&q->rx, ARPC_NDR_DREP_LE, rx_resume, rx_on_data, q);
        q->rx.pump = rx_pump;
        arpc_pipes_io io = {&q->rx, &q->tx, pipes_drained, pipes_failed, q};
        arpc_pipes_start(pipes, c, &io);
    }
    st = send_request(b, q, opnum, stub, len);
    if (st != RPC_S_OK) {
        /* Failed synchronously: no notification will come. */
        struct async_req *mine = take(ac, q->call_id);
        fail_conn(ac);
        if (!mine)
            return RPC_S_OK; /* the I/O thread failed it already: it was notified */
        arpc_call_client_abandon(c);
        arpc_call_release(c);
        return RPC_S_CALL_FAILED_DNE;
    }
    /* The client state table waits for a send-complete before the first
     * push (spec 3.5, 5 item 10): the request's first part has gone. */
    if (pipes && !arpc_pipes_sent_all(pipes) && (pAsync->Flags & RPC_C_NOTIFY_ON_SEND_COMPLETE))
        arpc_call_notify(c, RpcSendComplete);
    return RPC_S_OK;
}

RPC_STATUS arpc_client_pipe_rest(arpc_call *c, unsigned char **buf, size_t *len, unsigned *pad, uint32_t *drep)
{
    struct async_req *q = arpc_call_lower(c);
    RPC_STATUS st = arpc_rx_rest(&q->rx, 1, buf, len, pad);
    *drep = q->rx.drep;
    return st;
}

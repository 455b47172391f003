/* pipe.c - see pipe.h. */
#include <stdlib.h>
#include <string.h>
#include "call_internal.h"
#include "pipe.h"

#define PIPE_MAGIC 0x45504950u  /* "PIPE" */
#define HANDLE_POOL_DELAY 256

/* What `state` points to in the control structures: a small record that
 * outlives the call (pooled, reused first in first out and late), so a
 * stale state is refused instead of touching freed memory. */
struct pipe_handle {
    uint32_t magic;
    arpc_call *call;
    unsigned index;
    struct pipe_handle *pool_next;
};

struct pipe {
    arpc_pipe_param param;
    struct pipe_handle *handle;
    int sent_end;               /* our zero-count push went out */
    int recv_end;               /* the peer's end was reported by a pull */
    uint32_t chunk_left;        /* elements left in the chunk being received */
    int elem_pad_due;           /* the chunk's first element is still to align */
};

struct arpc_pipes {
    arpc_mutex lock;
    int client, async;
    unsigned send_dir, recv_dir;
    struct pipe *p;
    unsigned n;
    unsigned *send_order, *recv_order;
    unsigned nsend, nrecv, send_cur, recv_cur;
    int busy;                   /* a push or pull is running */
    int pull_pending;           /* a pull said 997: one RpcReceiveComplete owed */
    int drained_told;
    arpc_call *call;
    arpc_pipes_io io;
};

/* The generic shapes of pipe_T and ASYNC_pipe_T (same layout, spec 3.2/3.3). */
typedef struct {
    RPC_STATUS(__RPC_USER *pull)(char *state, void *buf, unsigned long esize, unsigned long *ecount);
    RPC_STATUS(__RPC_USER *push)(char *state, void *buf, unsigned long ecount);
    RPC_STATUS(__RPC_USER *alloc)(char *state, unsigned long bsize, void **buf, unsigned long *bcount);
    char *state;
} async_pipe_struct;
typedef struct {
    void(__RPC_USER *pull)(char *state, void *buf, unsigned long esize, unsigned long *ecount);
    void(__RPC_USER *push)(char *state, void *buf, unsigned long ecount);
    void(__RPC_USER *alloc)(char *state, unsigned long bsize, void **buf, unsigned long *bcount);
    char *state;
} sync_pipe_struct;

/* ------------------------------------------------------------ handles */

static struct {
    arpc_mutex lock;
    struct pipe_handle *head, *tail;
    int count;
} pool;

static void pool_init_once(void)
{
    arpc_mutex_init(&pool.lock);
}

static struct pipe_handle *handle_new(arpc_call *call, unsigned index)
{
    static arpc_once_flag once = ARPC_ONCE_INIT;
    arpc_once(&once, pool_init_once);
    struct pipe_handle *h = NULL;
    arpc_mutex_lock(&pool.lock);
    if (pool.count > HANDLE_POOL_DELAY) {
        h = pool.head;
        if (!(pool.head = h->pool_next))
            pool.tail = NULL;
        pool.count--;
    }
    arpc_mutex_unlock(&pool.lock);
    if (!h && !(h = malloc(sizeof *h)))
        return NULL;
    h->magic = PIPE_MAGIC;
    h->call = call;
    h->index = index;
    h->pool_next = NULL;
    return h;
}

static void handle_retire(struct pipe_handle *h)
{
    h->magic = 0;
    h->call = NULL;
    arpc_mutex_lock(&pool.lock);
    if (pool.tail)
        pool.tail->pool_next = h;
    else
        pool.head = h;
    pool.tail = h;
    pool.count++;
    arpc_mutex_unlock(&pool.lock);
}

/* The pipes a state names, with a reference on their call (*call). */
static arpc_pipes *enter(char *state, unsigned *index, arpc_call **call)
{
    struct pipe_handle *h = (struct pipe_handle *)state;
    if (!h || h->magic != PIPE_MAGIC)
        return NULL;
    arpc_call *c = arpc_call_lookup(h->call);
    if (!c)
        return NULL;
    arpc_mutex_lock(&c->lock);
    int over = c->state == CALL_DONE; /* completed, aborted or cleaned up: its pipes are gone */
    arpc_mutex_unlock(&c->lock);
    arpc_pipes *ps = c->pipes;
    if (over || !ps || h->index >= ps->n || ps->p[h->index].handle != h) {
        arpc_call_unref(c);
        return NULL;
    }
    *index = h->index;
    *call = c;
    return ps;
}

/* ------------------------------------------------------------ lifetime */

RPC_STATUS arpc_pipes_create(const arpc_pipe_param *params, unsigned n, int client, int async, arpc_pipes **out)
{
    *out = NULL;
    for (unsigned i = 0; i < n; i++) {
        const arpc_pipe_type *t = params[i].type;
        if (!params[i].pipe || !t || !(params[i].dir & (ARPC_PIPE_IN | ARPC_PIPE_OUT)) || !t->wire_size ||
            (t->wire_align != 1 && t->wire_align != 2 && t->wire_align != 4 && t->wire_align != 8) ||
            t->wire_size % t->wire_align || (!t->flat && (!t->marshal || !t->unmarshal)))
            return RPC_X_INVALID_PIPE_OBJECT;
    }
    arpc_pipes *ps = calloc(1, sizeof *ps);
    if (!ps)
        return RPC_S_OUT_OF_MEMORY;
    ps->p = calloc(n ? n : 1, sizeof *ps->p);
    ps->send_order = calloc(n ? n : 1, sizeof *ps->send_order);
    ps->recv_order = calloc(n ? n : 1, sizeof *ps->recv_order);
    if (!ps->p || !ps->send_order || !ps->recv_order) {
        free(ps->p);
        free(ps->send_order);
        free(ps->recv_order);
        free(ps);
        return RPC_S_OUT_OF_MEMORY;
    }
    arpc_mutex_init(&ps->lock);
    ps->client = client;
    ps->async = async;
    ps->send_dir = client ? ARPC_PIPE_IN : ARPC_PIPE_OUT;
    ps->recv_dir = client ? ARPC_PIPE_OUT : ARPC_PIPE_IN;
    ps->n = n;
    for (unsigned i = 0; i < n; i++) {
        ps->p[i].param = params[i];
        if (params[i].dir & ps->send_dir)
            ps->send_order[ps->nsend++] = i;
        if (params[i].dir & ps->recv_dir)
            ps->recv_order[ps->nrecv++] = i;
    }
    *out = ps;
    return RPC_S_OK;
}

void arpc_pipes_free(arpc_pipes *ps)
{
    if (!ps)
        return;
    for (unsigned i = 0; i < ps->n; i++)
        if (ps->p[i].handle)
            handle_retire(ps->p[i].handle);
    arpc_mutex_destroy(&ps->lock);
    free(ps->p);
    free(ps->send_order);
    free(ps->recv_order);
    free(ps);
}

unsigned arpc_pipes_count(arpc_pipes *ps)
{
    return ps->n;
}

const arpc_pipe_param *arpc_pipes_param(arpc_pipes *ps, unsigned index)
{
    return &ps->p[index].param;
}

static int all_ended_locked(arpc_pipes *ps)
{
    return ps->send_cur == ps->nsend && ps->recv_cur == ps->nrecv;
}

int arpc_pipes_all_ended(arpc_pipes *ps)
{
    arpc_mutex_lock(&ps->lock);
    int e = all_ended_locked(ps);
    arpc_mutex_unlock(&ps->lock);
    return e;
}

int arpc_pipes_settled(arpc_pipes *ps)
{
    arpc_mutex_lock(&ps->lock);
    int t = ps->drained_told;
    arpc_mutex_unlock(&ps->lock);
    return t;
}

int arpc_pipes_sent_all(arpc_pipes *ps)
{
    arpc_mutex_lock(&ps->lock);
    int e = ps->send_cur == ps->nsend;
    arpc_mutex_unlock(&ps->lock);
    return e;
}

/* After a pipe ended: tell the layer below once everything has. */
static void check_drained(arpc_pipes *ps)
{
    arpc_mutex_lock(&ps->lock);
    int tell = all_ended_locked(ps) && !ps->drained_told;
    if (tell)
        ps->drained_told = 1;
    arpc_mutex_unlock(&ps->lock);
    if (tell && ps->io.drained)
        ps->io.drained(ps->io.lower);
}

/* Whether the application is told of anything (NotificationType None: it
 * polls, so a pull after a pending one is its way of asking again). */
static int call_notifies(arpc_call *c)
{
    arpc_mutex_lock(&c->lock);
    int n = c->async && c->async->NotificationType != RpcNotificationTypeNone;
    arpc_mutex_unlock(&c->lock);
    return n;
}

static unsigned long call_flags(arpc_call *c)
{
    arpc_mutex_lock(&c->lock);
    unsigned long f = c->async ? c->async->Flags : 0;
    arpc_mutex_unlock(&c->lock);
    return f;
}

/* ------------------------------------------------------------ push */

static RPC_STATUS rx_failure(arpc_pipes *ps, RPC_STATUS fallback)
{
    if (!ps->io.rx)
        return fallback;
    arpc_mutex_lock(&ps->io.rx->lock);
    RPC_STATUS e = ps->io.rx->error;
    arpc_mutex_unlock(&ps->io.rx->lock);
    return e != RPC_S_OK ? e : fallback;
}

/* Discipline for a push on pipe i (lock held). */
static RPC_STATUS may_push_locked(arpc_pipes *ps, unsigned i)
{
    struct pipe *p = &ps->p[i];
    if (!(p->param.dir & ps->send_dir))
        return RPC_X_WRONG_PIPE_ORDER;
    if (p->sent_end)
        return RPC_X_PIPE_CLOSED;
    if (ps->send_cur >= ps->nsend || ps->send_order[ps->send_cur] != i)
        return RPC_X_WRONG_PIPE_ORDER;
    if (ps->recv_cur < ps->nrecv && !ps->client)
        return RPC_X_WRONG_PIPE_ORDER; /* the server drains [in] pipes first */
    if (ps->busy)
        return RPC_X_WRONG_PIPE_ORDER;
    return RPC_S_OK;
}

static RPC_STATUS send_chunk(arpc_pipes *ps, const struct pipe *p, const void *buf, unsigned long ecount, int last)
{
    const arpc_pipe_type *t = p->param.type;
    arpc_tx *tx = ps->io.tx;
    uint8_t head[16] = {0};
    size_t h = (size_t)((4 - tx->offset % 4) % 4);
    uint32_t count = (uint32_t)ecount;
    head[h] = (uint8_t)count;
    head[h + 1] = (uint8_t)(count >> 8);
    head[h + 2] = (uint8_t)(count >> 16);
    head[h + 3] = (uint8_t)(count >> 24);
    h += 4;
    if (ecount)
        h += (size_t)((t->wire_align - (tx->offset + h) % t->wire_align) % t->wire_align);
    arpc_iovec seg[2] = {{head, h}, {NULL, 0}};
    int nseg = 1;
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    size_t pre = 0;
    RPC_STATUS st = RPC_S_OK;
    if (ecount && t->flat) {
        seg[1].base = buf;
        seg[1].len = (size_t)ecount * t->wire_size;
        nseg = 2;
    } else if (ecount) {
        /* Marshalled with the stream's alignment: the writer starts at the
         * same offset modulo 8 (the padding bytes are not sent). */
        volatile RPC_STATUS raised = RPC_S_OK;
        RpcTryExcept {
            static const uint8_t zeros[8];
            pre = (size_t)((tx->offset + h) % 8);
            arpc_ndr_w_bytes(&w, zeros, pre);
            for (unsigned long e = 0; e < ecount; e++) {
                arpc_ndr_w_align(&w, t->wire_align);
                t->marshal(&w, (const uint8_t *)buf + e * t->elem_size);
            }
        } RpcExcept(1) {
            raised = (RPC_STATUS)RpcExceptionCode();
        } RpcEndExcept
        st = raised;
        seg[1].base = w.data + pre;
        seg[1].len = w.len - pre;
        nseg = 2;
    }
    if (st == RPC_S_OK)
        st = arpc_tx_send(tx, seg, nseg, last);
    arpc_ndr_writer_free(&w);
    return st;
}

RPC_STATUS arpc_pipes_push(arpc_pipes *ps, unsigned i, const void *buf, unsigned long ecount)
{
    if (ecount && !buf)
        return RPC_S_INVALID_ARG;
    if ((uint64_t)ecount > SIZE_MAX / ps->p[i].param.type->wire_size)
        return RPC_S_INVALID_ARG;
    arpc_mutex_lock(&ps->lock);
    RPC_STATUS st = may_push_locked(ps, i);
    if (st == RPC_S_OK)
        ps->busy = 1;
    int last = ps->client && ecount == 0 && ps->send_cur + 1 == ps->nsend;
    arpc_mutex_unlock(&ps->lock);
    if (st != RPC_S_OK)
        return st;
    st = send_chunk(ps, &ps->p[i], buf, ecount, last);
    if (st != RPC_S_OK && st != RPC_S_INVALID_BOUND && st != RPC_X_ENUM_VALUE_OUT_OF_RANGE)
        st = rx_failure(ps, st); /* a fault explains a broken send best */
    arpc_mutex_lock(&ps->lock);
    ps->busy = 0;
    if (st == RPC_S_OK && ecount == 0) {
        ps->p[i].sent_end = 1;
        ps->send_cur++;
    }
    arpc_mutex_unlock(&ps->lock);
    if (st != RPC_S_OK)
        return st;
    if (ps->async && (call_flags(ps->call) & RPC_C_NOTIFY_ON_SEND_COMPLETE))
        arpc_call_notify(ps->call, RpcSendComplete);
    if (ecount == 0)
        check_drained(ps); /* after the send-complete: see arpc_pipes_settled */
    return RPC_S_OK;
}

/* ------------------------------------------------------------ pull */

static RPC_STATUS may_pull_locked(arpc_pipes *ps, unsigned i)
{
    struct pipe *p = &ps->p[i];
    if (!(p->param.dir & ps->recv_dir))
        return RPC_X_WRONG_PIPE_ORDER;
    if (p->recv_end)
        return RPC_X_PIPE_EMPTY;
    if (ps->recv_cur >= ps->nrecv || ps->recv_order[ps->recv_cur] != i)
        return RPC_X_WRONG_PIPE_ORDER;
    if (ps->client && ps->send_cur < ps->nsend)
        return RPC_X_WRONG_PIPE_ORDER; /* the client sends its [in] pipes first */
    if (ps->pull_pending || ps->busy)
        return RPC_X_WRONG_PIPE_ORDER;
    return RPC_S_OK;
}

static uint32_t decode_u32(const uint8_t *b, int big_endian)
{
    return big_endian ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]
                      : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/* One element from its wire bytes, in the sender's byte order. */
static RPC_STATUS unmarshal_one(const arpc_pipe_type *t, const uint8_t *wire, uint32_t drep, void *dst)
{
    volatile RPC_STATUS st = RPC_S_OK;
    arpc_ndr_reader r;
    arpc_ndr_reader_init(&r, wire, t->wire_size, drep);
    RpcTryExcept {
        t->unmarshal(&r, dst);
    } RpcExcept(1) {
        st = (RPC_STATUS)RpcExceptionCode();
    } RpcEndExcept
    return st;
}

/* Elements of pipe p into buf: at least one (waiting if wait), at most esize. */
static RPC_STATUS pull_elements(arpc_pipes *ps, struct pipe *p, void *buf, unsigned long esize,
                                unsigned long *ecount, int wait)
{
    arpc_rx *rx = ps->io.rx;
    const arpc_pipe_type *t = p->param.type;
    int big = (rx->drep & 0xF0u) != ARPC_NDR_DREP_LE;
    RPC_STATUS st;
    if (!p->chunk_left) {
        uint8_t head[8];
        size_t pad = arpc_rx_pad(rx, 4);
        if ((st = arpc_rx_take(rx, head, pad + 4, wait)) != RPC_S_OK)
            return st;
        uint32_t count = decode_u32(head + pad, big);
        if (!count) {
            *ecount = 0;
            p->recv_end = 1;
            return RPC_S_OK;
        }
        p->chunk_left = count;
        p->elem_pad_due = 1;
    }
    if (p->elem_pad_due) {
        size_t pad = arpc_rx_pad(rx, t->wire_align);
        if (pad && (st = arpc_rx_take(rx, NULL, pad, wait)) != RPC_S_OK)
            return st;
        p->elem_pad_due = 0;
    }
    unsigned long k = esize < p->chunk_left ? esize : p->chunk_left;
    size_t avail_elems = arpc_rx_avail(rx) / t->wire_size;
    if (k > avail_elems)
        k = avail_elems ? (unsigned long)avail_elems : 1; /* at least one: wait for it, or say pending */
    if (t->flat && !big) {
        st = arpc_rx_take(rx, buf, (size_t)k * t->wire_size, wait);
    } else {
        uint8_t one[256];
        uint8_t *wire = t->wire_size <= sizeof one ? one : malloc(t->wire_size);
        st = wire ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
        for (unsigned long e = 0; e < k && st == RPC_S_OK; e++) {
            /* Only the first may wait or be pending: the rest are there. */
            if ((st = arpc_rx_take(rx, wire, t->wire_size, wait)) == RPC_S_OK)
                st = unmarshal_one(t, wire, rx->drep, (uint8_t *)buf + e * t->elem_size);
            else if (e && st == RPC_S_ASYNC_CALL_PENDING)
                k = e, st = RPC_S_OK;
        }
        if (wire != one)
            free(wire);
    }
    if (st != RPC_S_OK)
        return st;
    p->chunk_left -= (uint32_t)k;
    *ecount = k;
    return RPC_S_OK;
}

RPC_STATUS arpc_pipes_pull(arpc_pipes *ps, unsigned i, void *buf, unsigned long esize, unsigned long *ecount,
                           int wait)
{
    if (!ecount)
        return RPC_S_INVALID_ARG;
    *ecount = 0;
    if (!esize || !buf)
        return RPC_S_INVALID_ARG; /* no room for even one element */
    arpc_mutex_lock(&ps->lock);
    RPC_STATUS st = may_pull_locked(ps, i);
    if (st == RPC_S_OK)
        ps->busy = 1;
    arpc_mutex_unlock(&ps->lock);
    if (st != RPC_S_OK)
        return st;
    struct pipe *p = &ps->p[i];
    for (;;) {
        st = pull_elements(ps, p, buf, esize, ecount, wait);
        if (st != RPC_S_ASYNC_CALL_PENDING)
            break;
        /* Nothing yet: one RpcReceiveComplete when something comes - unless
         * it came in between, then look again. */
        if (!call_notifies(ps->call))
            break; /* polled: nothing to arm */
        arpc_mutex_lock(&ps->lock);
        ps->pull_pending = 1;
        arpc_mutex_unlock(&ps->lock);
        if (arpc_rx_arm(ps->io.rx))
            break;
        arpc_mutex_lock(&ps->lock);
        ps->pull_pending = 0;
        arpc_mutex_unlock(&ps->lock);
    }
    arpc_mutex_lock(&ps->lock);
    ps->busy = 0;
    int ended = st == RPC_S_OK && p->recv_end;
    if (ended)
        ps->recv_cur++;
    arpc_mutex_unlock(&ps->lock);
    if (ended)
        check_drained(ps);
    return st;
}

void arpc_pipes_on_data(void *arg)
{
    arpc_pipes *ps = arg;
    arpc_mutex_lock(&ps->lock);
    int fire = ps->pull_pending;
    ps->pull_pending = 0;
    arpc_mutex_unlock(&ps->lock);
    if (fire)
        arpc_call_notify(ps->call, RpcReceiveComplete);
}

/* ------------------------------------------------------------ what the application calls */

static RPC_STATUS __RPC_USER async_push(char *state, void *buf, unsigned long ecount)
{
    unsigned i;
    arpc_call *c;
    arpc_pipes *ps = enter(state, &i, &c);
    if (!ps)
        return RPC_X_INVALID_PIPE_OBJECT;
    RPC_STATUS st = arpc_pipes_push(ps, i, buf, ecount);
    if (st != RPC_S_OK && ps->io.failed)
        ps->io.failed(ps->io.lower, st);
    arpc_call_unref(c);
    return st;
}

static RPC_STATUS __RPC_USER async_pull(char *state, void *buf, unsigned long esize, unsigned long *ecount)
{
    unsigned i;
    arpc_call *c;
    arpc_pipes *ps = enter(state, &i, &c);
    if (!ps) {
        if (ecount)
            *ecount = 0;
        return RPC_X_INVALID_PIPE_OBJECT;
    }
    RPC_STATUS st = arpc_pipes_pull(ps, i, buf, esize, ecount, 0);
    if (st != RPC_S_OK && st != RPC_S_ASYNC_CALL_PENDING && ps->io.failed)
        ps->io.failed(ps->io.lower, st);
    arpc_call_unref(c);
    return st;
}

/* The async structure's third slot (spec 5 item 8): not an operation. */
static RPC_STATUS __RPC_USER async_alloc(char *state, unsigned long bsize, void **buf, unsigned long *bcount)
{
    (void)state;
    (void)bsize;
    if (buf)
        *buf = NULL;
    if (bcount)
        *bcount = 0;
    return RPC_X_WRONG_PIPE_ORDER;
}

/* The server's classic pipes: errors are raised (the slots return void). */
static void __RPC_USER sync_push(char *state, void *buf, unsigned long ecount)
{
    unsigned i;
    arpc_call *c;
    arpc_pipes *ps = enter(state, &i, &c);
    if (!ps)
        RpcRaiseException(RPC_X_INVALID_PIPE_OBJECT);
    RPC_STATUS st = arpc_pipes_push(ps, i, buf, ecount);
    arpc_call_unref(c);
    if (st != RPC_S_OK)
        RpcRaiseException(st);
}

static void __RPC_USER sync_pull(char *state, void *buf, unsigned long esize, unsigned long *ecount)
{
    unsigned i;
    arpc_call *c;
    arpc_pipes *ps = enter(state, &i, &c);
    if (!ps)
        RpcRaiseException(RPC_X_INVALID_PIPE_OBJECT);
    RPC_STATUS st = arpc_pipes_pull(ps, i, buf, esize, ecount, 1);
    arpc_call_unref(c);
    if (st != RPC_S_OK)
        RpcRaiseException(st);
}

/* The server's pipes manage their own buffers: the manager has no use for
 * alloc (spec 3.2), and calling it is an invalid pipe operation. */
static void __RPC_USER sync_alloc(char *state, unsigned long bsize, void **buf, unsigned long *bcount)
{
    (void)state;
    (void)bsize;
    *buf = NULL;
    *bcount = 0;
    RpcRaiseException(RPC_X_WRONG_PIPE_ORDER);
}

void arpc_pipes_start(arpc_pipes *ps, arpc_call *call, const arpc_pipes_io *io)
{
    ps->call = call;
    ps->io = *io;
    call->pipes = ps;
    for (unsigned i = 0; i < ps->n; i++) {
        struct pipe *p = &ps->p[i];
        p->handle = handle_new(call, i);
        /* Out of memory for a handle: the state is NULL, and every
         * operation on it answers RPC_X_INVALID_PIPE_OBJECT. */
        if (ps->async) {
            async_pipe_struct *s = p->param.pipe;
            s->pull = async_pull;
            s->push = async_push;
            s->alloc = async_alloc;
            s->state = (char *)p->handle;
        } else if (!ps->client) {
            sync_pipe_struct *s = p->param.pipe;
            s->pull = sync_pull;
            s->push = sync_push;
            s->alloc = sync_alloc;
            s->state = (char *)p->handle;
        }
    }
}

/* conn.c - see conn.h. */
#include <stdlib.h>
#include <string.h>
#include "conn.h"

/* Fragments per system call when sending: enough to reach the socket's
 * bandwidth (one syscall per 5840-byte fragment caps TCP near 1 GB/s). */
#define SEND_BATCH 32
#define PUMP_MAX_BUFFER ARPC_BLOCK_POOLED

void arpc_conn_init(arpc_conn *c, arpc_socket s)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->max_xmit = ARPC_MAX_FRAG;
    c->max_recv = ARPC_MAX_FRAG;
    arpc_mutex_init(&c->send_lock);
    arpc_mutex_init(&c->pump_lock);
}

void arpc_conn_destroy(arpc_conn *c)
{
    if (c->s != ARPC_INVALID_SOCKET)
        arpc_sock_close(c->s);
    c->s = ARPC_INVALID_SOCKET;
    arpc_block_unref(c->blk);
    c->blk = NULL;
    c->buf = NULL;
    arpc_mutex_destroy(&c->send_lock);
    arpc_mutex_destroy(&c->pump_lock);
}

/* Make room for at least `need` more bytes: drop the consumed ones, or,
 * when streams hold slices of the block (they must not move), go on in the
 * room after them or in a new block with what is not consumed yet. */
static RPC_STATUS make_room(arpc_conn *c, size_t need)
{
    int shared = c->blk && arpc_block_shared(c->blk);
    if (c->consumed && !shared) {
        memmove(c->buf, c->buf + c->consumed, c->len - c->consumed);
        c->len -= c->consumed;
        c->consumed = 0;
    }
    if (c->cap - c->len >= need)
        return RPC_S_OK;
    size_t keep = c->len - c->consumed;
    size_t cap = c->cap ? c->cap : 16384;
    while (cap - keep < need)
        cap *= 2;
    arpc_block *b = arpc_block_new(cap);
    if (!b)
        return RPC_S_OUT_OF_MEMORY;
    if (keep)
        memcpy(b->data, c->buf + c->consumed, keep);
    arpc_block_unref(c->blk);
    c->blk = b;
    c->buf = b->data;
    c->cap = cap;
    c->len = keep;
    c->consumed = 0;
    return RPC_S_OK;
}

/* A whole fragment at the front of the buffer?  1 yes, 0 not yet, <0 error. */
static RPC_STATUS front_fragment(arpc_conn *c, size_t *frag_len)
{
    size_t avail = c->len - c->consumed;
    *frag_len = 0;
    if (avail < ARPC_PDU_HEADER_LEN)
        return RPC_S_OK;
    arpc_pdu_header h;
    RPC_STATUS st = arpc_pdu_parse_header(c->buf + c->consumed, avail, &h);
    if (st != RPC_S_OK)
        return st;
    if (avail >= h.frag_len)
        *frag_len = h.frag_len;
    return RPC_S_OK;
}

RPC_STATUS arpc_conn_read_frag(arpc_conn *c, uint32_t timeout_ms, const uint8_t **frag, size_t *len)
{
    int waited = 0;
    for (;;) {
        size_t n;
        RPC_STATUS st = front_fragment(c, &n);
        if (st != RPC_S_OK)
            return st;
        if (n) {
            *frag = c->buf + c->consumed;
            *len = n;
            c->consumed += n;
            return RPC_S_OK;
        }
        if ((st = make_room(c, 4096)) != RPC_S_OK)
            return st;
        /* Nothing buffered at all: the peer has yet to answer (a request
         * just went out), so wait first instead of a read that would block. */
        if (c->len == 0 && !waited && (st = arpc_sock_wait_readable(c->s, timeout_ms)) != RPC_S_OK)
            return st;
        waited = 1;
        long got = arpc_sock_recv(c->s, c->buf + c->len, c->cap - c->len);
        if (got == -2) {
            if ((st = arpc_sock_wait_readable(c->s, timeout_ms)) != RPC_S_OK)
                return st;
            continue;
        }
        if (got <= 0)
            return RPC_S_CALL_FAILED;
        c->len += (size_t)got;
    }
}

RPC_STATUS arpc_conn_pump(arpc_conn *c, RPC_STATUS (*on_frag)(void *ctx, const uint8_t *frag, size_t len), void *ctx)
{
    int hold = 0, filled = 0, drained = 0;
    for (;;) {
        size_t n;
        RPC_STATUS st = front_fragment(c, &n);
        if (st != RPC_S_OK)
            return st;
        if (n) {
            const uint8_t *f = c->buf + c->consumed;
            c->consumed += n;
            if ((st = on_frag(ctx, f, n)) == ARPC_CONN_HOLD)
                hold = 1;
            else if (st != RPC_S_OK)
                return st;
            continue;
        }
        /* A read that got less than there was room for emptied the socket:
         * no second read just to hear "would block" (the poller is level
         * triggered and says when more comes). */
        if (hold || drained)
            return RPC_S_OK;
        /* A read that filled all the room there was (a stream is flowing)
         * makes the buffer grow, up to PUMP_MAX_BUFFER: fewer system calls
         * per byte. */
        size_t want = filled && c->cap < PUMP_MAX_BUFFER ? c->cap + 1 : 4096;
        if ((st = make_room(c, want)) != RPC_S_OK)
            return st;
        size_t room = c->cap - c->len;
        long got = arpc_sock_recv(c->s, c->buf + c->len, room);
        if (got == -2)
            return RPC_S_OK;
        if (got <= 0)
            return RPC_S_CALL_FAILED;
        filled = (size_t)got == room;
        drained = !filled;
        c->len += (size_t)got;
    }
}

/* Fragments of `len` bytes of stub data, each a header from make_header
 * followed by its slice, SEND_BATCH fragments per system call. */
static RPC_STATUS send_fragments(arpc_conn *c, size_t header_len, const uint8_t *stub, size_t len,
                                 size_t (*make_header)(void *ctx, uint8_t *out, uint8_t flags, size_t frag_stub,
                                                       size_t remaining),
                                 void *ctx, uint32_t timeout_ms)
{
    uint8_t headers[SEND_BATCH][ARPC_PDU_REQUEST_HEADER_LEN + 16];
    arpc_iovec iov[SEND_BATCH * 2];
    size_t per_frag = c->max_xmit - header_len;
    size_t off = 0;
    RPC_STATUS st = RPC_S_OK;
    arpc_mutex_lock(&c->send_lock);
    do {
        int n = 0, nf = 0;
        while (nf < SEND_BATCH) {
            size_t chunk = len - off < per_frag ? len - off : per_frag;
            uint8_t flags = 0;
            if (off == 0)
                flags |= ARPC_PFC_FIRST_FRAG;
            if (off + chunk == len)
                flags |= ARPC_PFC_LAST_FRAG;
            size_t hl = make_header(ctx, headers[nf], flags, chunk, len - off);
            iov[n].base = headers[nf];
            iov[n++].len = hl;
            if (chunk) {
                iov[n].base = stub + off;
                iov[n++].len = chunk;
            }
            off += chunk;
            nf++;
            if (flags & ARPC_PFC_LAST_FRAG)
                break;
        }
        st = arpc_sock_send_all(c->s, iov, n, timeout_ms);
    } while (st == RPC_S_OK && off < len);
    arpc_mutex_unlock(&c->send_lock);
    return st;
}

struct request_ctx {
    uint32_t call_id;
    uint16_t context_id, opnum;
    const GUID *object;
};

static size_t request_header(void *p, uint8_t *out, uint8_t flags, size_t frag_stub, size_t remaining)
{
    struct request_ctx *r = p;
    return arpc_pdu_write_request_header(out, flags, r->call_id, frag_stub, (uint32_t)remaining, r->context_id,
                                         r->opnum, r->object);
}

RPC_STATUS arpc_conn_send_request(arpc_conn *c, uint32_t call_id, uint16_t context_id, uint16_t opnum,
                                  const GUID *object, const uint8_t *stub, size_t len, uint32_t timeout_ms)
{
    struct request_ctx r = {call_id, context_id, opnum, object};
    size_t hl = ARPC_PDU_REQUEST_HEADER_LEN + (object ? 16 : 0);
    return send_fragments(c, hl, stub, len, request_header, &r, timeout_ms);
}

struct response_ctx {
    uint32_t call_id;
    uint16_t context_id;
};

static size_t response_header(void *p, uint8_t *out, uint8_t flags, size_t frag_stub, size_t remaining)
{
    struct response_ctx *r = p;
    return arpc_pdu_write_response_header(out, flags, r->call_id, frag_stub, (uint32_t)remaining, r->context_id, 0);
}

RPC_STATUS arpc_conn_send_response(arpc_conn *c, uint32_t call_id, uint16_t context_id, const uint8_t *stub,
                                   size_t len, uint32_t timeout_ms)
{
    struct response_ctx r = {call_id, context_id};
    return send_fragments(c, ARPC_PDU_RESPONSE_HEADER_LEN, stub, len, response_header, &r, timeout_ms);
}

RPC_STATUS arpc_conn_send_pdu(arpc_conn *c, const uint8_t *pdu, size_t len, uint32_t timeout_ms)
{
    arpc_iovec iov = {pdu, len};
    arpc_mutex_lock(&c->send_lock);
    RPC_STATUS st = arpc_sock_send_all(c->s, &iov, 1, timeout_ms);
    arpc_mutex_unlock(&c->send_lock);
    return st;
}

static size_t tx_header(const arpc_tx *t, uint8_t *out, uint8_t flags, size_t frag_stub)
{
    if (t->request)
        return arpc_pdu_write_request_header(out, flags, t->call_id, frag_stub, 0, t->context_id, t->opnum,
                                             t->has_object ? &t->object : NULL);
    return arpc_pdu_write_response_header(out, flags, t->call_id, frag_stub, 0, t->context_id, 0);
}

RPC_STATUS arpc_tx_send(arpc_tx *t, const arpc_iovec *segs, int nsegs, int last)
{
    enum { MAX_IOV = 64 };
    uint8_t headers[SEND_BATCH][ARPC_PDU_REQUEST_HEADER_LEN + 16];
    arpc_iovec iov[MAX_IOV];
    if (t->ended)
        return RPC_X_PIPE_CLOSED;
    size_t total = 0;
    for (int i = 0; i < nsegs; i++)
        total += segs[i].len;
    if (!total && !last && t->started)
        return RPC_S_OK; /* nothing to say yet */
    size_t hl = t->request ? ARPC_PDU_REQUEST_HEADER_LEN + (t->has_object ? 16 : 0) : ARPC_PDU_RESPONSE_HEADER_LEN;
    size_t per_frag = t->conn->max_xmit - hl;
    int seg = 0;
    size_t seg_off = 0, left = total;
    RPC_STATUS st = RPC_S_OK;
    arpc_mutex_lock(&t->conn->send_lock);
    do {
        int n = 0, nf = 0;
        /* Whole fragments while the batch has room for a header and at
         * least two slices (a fragment may span segments). */
        while (nf < SEND_BATCH && n + 3 <= MAX_IOV) {
            size_t frag = left < per_frag ? left : per_frag;
            uint8_t flags = 0;
            if (!t->started)
                flags |= ARPC_PFC_FIRST_FRAG;
            if (last && frag == left)
                flags |= ARPC_PFC_LAST_FRAG;
            iov[n].base = headers[nf];
            iov[n++].len = tx_header(t, headers[nf++], flags, frag);
            t->started = 1;
            size_t need = frag;
            while (need && n < MAX_IOV) {
                size_t take = segs[seg].len - seg_off < need ? segs[seg].len - seg_off : need;
                iov[n].base = (const uint8_t *)segs[seg].base + seg_off;
                iov[n++].len = take;
                need -= take;
                seg_off += take;
                if (seg_off == segs[seg].len) {
                    seg++;
                    seg_off = 0;
                }
            }
            if (need) { /* out of iovecs mid-fragment: shorten it */
                frag -= need;
                flags &= (uint8_t)~ARPC_PFC_LAST_FRAG;
                tx_header(t, headers[nf - 1], flags, frag);
            }
            left -= frag;
            t->offset += frag;
            if (flags & ARPC_PFC_LAST_FRAG) {
                t->ended = 1;
                break;
            }
            if (!left && !last)
                break;
        }
        st = arpc_sock_send_all(t->conn->s, iov, n, t->timeout_ms);
    } while (st == RPC_S_OK && (left || (last && !t->ended)));
    arpc_mutex_unlock(&t->conn->send_lock);
    return st;
}

void arpc_reassembly_init(arpc_reassembly *r, size_t limit, uint32_t alloc_hint)
{
    memset(r, 0, sizeof *r);
    r->limit = limit;
    /* The hint is the sender's word only: trust it up to a few fragments
     * (a peer could otherwise reserve memory with tiny first fragments). */
    r->cap = alloc_hint < limit && alloc_hint <= (64u << 10) ? alloc_hint : 0;
    if (r->cap && !(r->data = malloc(r->cap)))
        r->cap = 0;
}

RPC_STATUS arpc_reassembly_add(arpc_reassembly *r, const uint8_t *p, size_t n)
{
    if (n > r->limit - r->len)
        return RPC_S_SERVER_OUT_OF_MEMORY;
    if (r->cap - r->len < n) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap - r->len < n)
            cap *= 2;
        uint8_t *d = realloc(r->data, cap);
        if (!d)
            return RPC_S_SERVER_OUT_OF_MEMORY;
        r->data = d;
        r->cap = cap;
    }
    if (n)
        memcpy(r->data + r->len, p, n);
    r->len += n;
    return RPC_S_OK;
}

void arpc_reassembly_free(arpc_reassembly *r)
{
    free(r->data);
    memset(r, 0, sizeof *r);
}

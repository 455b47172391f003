/* rx.c - see rx.h. */
#include <stdlib.h>
#include <string.h>
#include <winerror.h>
#include "rx.h"

/* Fragments are appended to the last chunk while it has room: one
 * allocation per CHUNK_BYTES, not per fragment.  Emptied chunks are kept
 * (up to a full queue's worth) and reused: freeing and allocating 64 KiB
 * blocks at the pace data flows had the allocator hand pages back to the
 * kernel and fault them in again, 10-15 % of a receiver's time. */
#define CHUNK_BYTES (64u << 10)
#define SPARE_MAX (ARPC_RX_HIGH / CHUNK_BYTES + 2)
/* Pieces at least this large are kept as slices of the connection's block
 * (block.h) rather than copied; smaller ones are not worth pinning a
 * block for. */
#define SLICE_MIN 2048u

struct arpc_rx_chunk {
    struct arpc_rx_chunk *next;
    size_t len, pos, cap;     /* cap 0: a slice */
    arpc_block *block;        /* a slice's block (referenced) */
    unsigned char *p;         /* the bytes: data, or in the block */
    unsigned char data[];
};

static void link_tail(arpc_rx *rx, struct arpc_rx_chunk *k)
{
    k->next = NULL;
    if (rx->tail)
        rx->tail->next = k;
    else
        rx->head = k;
    rx->tail = k;
}

/* Pinned memory counts each block once per run of slices of it: slices
 * in the queue (copied chunks between them aside) whose block is the same.
 * A run starts when a slice's block differs from the last queued slice's
 * (pin_block) and ends when its last slice is taken. */
static struct arpc_rx_chunk *next_slice(struct arpc_rx_chunk *k)
{
    for (k = k->next; k && !k->block; k = k->next)
        ;
    return k;
}

/* A slice taken entirely (or dropped). */
static void slice_free(arpc_rx *rx, struct arpc_rx_chunk *k)
{
    struct arpc_rx_chunk *n = next_slice(k);
    if (!n || n->block != k->block) {
        rx->pinned -= k->block->cap;
        if (!n) /* it was the last slice queued */
            rx->pin_block = NULL;
    }
    arpc_block_unref(k->block);
    free(k);
}

void arpc_rx_init(arpc_rx *rx, uint32_t drep, void (*resume)(void *), void (*on_data)(void *), void *ctx)
{
    memset(rx, 0, sizeof *rx);
    arpc_mutex_init(&rx->lock);
    arpc_cond_init(&rx->cond);
    rx->drep = drep;
    rx->resume = resume;
    rx->on_data = on_data;
    rx->ctx = ctx;
}

void arpc_rx_destroy(arpc_rx *rx)
{
    while (rx->head) {
        struct arpc_rx_chunk *k = rx->head;
        rx->head = k->next;
        if (k->block)
            arpc_block_unref(k->block);
        free(k);
    }
    while (rx->spare) {
        struct arpc_rx_chunk *k = rx->spare;
        rx->spare = k->next;
        free(k);
    }
    arpc_cond_destroy(&rx->cond);
    arpc_mutex_destroy(&rx->lock);
}

/* Keep data (in blk) as a slice: 0, or -1 out of memory (lock held). */
static int put_slice(arpc_rx *rx, arpc_block *blk, const void *data, size_t len)
{
    struct arpc_rx_chunk *k = malloc(sizeof *k);
    if (!k)
        return -1;
    arpc_block_ref(blk);
    k->len = len;
    k->pos = k->cap = 0;
    k->block = blk;
    k->p = (unsigned char *)data;
    if (blk != rx->pin_block) { /* a new run of slices of one block */
        rx->pinned += blk->cap;
        rx->pin_block = blk;
    }
    link_tail(rx, k);
    rx->queued += len;
    return 0;
}

int arpc_rx_put(arpc_rx *rx, arpc_block *blk, const void *data, size_t len, int last)
{
    arpc_mutex_lock(&rx->lock);
    int hold = 0;
    if (rx->error == RPC_S_OK && !rx->last && blk && len >= SLICE_MIN) {
        if (put_slice(rx, blk, data, len) != 0) {
            arpc_mutex_unlock(&rx->lock);
            arpc_rx_fail(rx, RPC_S_OUT_OF_MEMORY);
            return 0;
        }
        len = 0;
    }
    if (rx->error == RPC_S_OK && !rx->last) {
        struct arpc_rx_chunk *k = rx->tail;
        if (len && (!k || !k->cap || k->cap - k->len < len)) {
            /* Small first: a call's whole request is often a few bytes. */
            size_t cap = rx->spare ? CHUNK_BYTES : rx->next_cap ? rx->next_cap : 1024;
            if (cap < len)
                cap = len;
            rx->next_cap = cap * 2 < CHUNK_BYTES ? cap * 2 : CHUNK_BYTES;
            if (rx->spare && cap == CHUNK_BYTES) {
                k = rx->spare;
                rx->spare = k->next;
                rx->nspare--;
            } else if (!(k = malloc(sizeof *k + cap))) {
                arpc_mutex_unlock(&rx->lock);
                arpc_rx_fail(rx, RPC_S_OUT_OF_MEMORY);
                return 0;
            }
            k->len = k->pos = 0;
            k->cap = cap;
            k->block = NULL;
            k->p = k->data;
            link_tail(rx, k);
        }
        if (len) {
            memcpy(k->data + k->len, data, len);
            k->len += len;
            rx->queued += len;
        }
        if (last)
            rx->last = 1;
        rx->fire |= rx->armed;
        rx->armed = 0;
        if (rx->waiters && (rx->queued >= rx->want || rx->last))
            arpc_cond_broadcast(&rx->cond);
        if ((rx->queued > ARPC_RX_HIGH || rx->pinned > 2 * ARPC_RX_HIGH) && !rx->holding && !rx->last &&
            !(rx->waiters && rx->want > rx->queued)) /* a taker waits for more than that */
            hold = rx->holding = 1;
    }
    arpc_mutex_unlock(&rx->lock);
    return hold;
}

void arpc_rx_flush(arpc_rx *rx)
{
    arpc_mutex_lock(&rx->lock);
    int fire = rx->fire;
    rx->fire = 0;
    arpc_mutex_unlock(&rx->lock);
    if (fire && rx->on_data)
        rx->on_data(rx->ctx);
}

void arpc_rx_fail(arpc_rx *rx, RPC_STATUS st)
{
    arpc_mutex_lock(&rx->lock);
    int was = rx->error != RPC_S_OK || (rx->last && !rx->queued);
    if (!was)
        rx->error = st;
    int fire = (rx->armed || rx->fire) && !was;
    rx->armed = 0;
    rx->fire = 0;
    int resume = rx->holding;
    rx->holding = 0;
    arpc_cond_broadcast(&rx->cond);
    arpc_mutex_unlock(&rx->lock);
    /* A producer held back must not stay so: its connection carries others. */
    if (resume && rx->resume)
        rx->resume(rx->ctx);
    if (fire && rx->on_data)
        rx->on_data(rx->ctx);
}

size_t arpc_rx_avail(arpc_rx *rx)
{
    arpc_mutex_lock(&rx->lock);
    size_t n = rx->error == RPC_S_OK ? rx->queued : 0;
    arpc_mutex_unlock(&rx->lock);
    return n;
}

size_t arpc_rx_pad(arpc_rx *rx, unsigned a)
{
    arpc_mutex_lock(&rx->lock);
    size_t pad = (size_t)((a - rx->offset % a) % a);
    arpc_mutex_unlock(&rx->lock);
    return pad;
}

/* Copy n bytes out of the queue (rx->lock held, n <= queued). */
static void copy_out(arpc_rx *rx, unsigned char *dst, size_t n)
{
    rx->queued -= n;
    rx->offset += n;
    while (n) {
        struct arpc_rx_chunk *k = rx->head;
        size_t take = k->len - k->pos < n ? k->len - k->pos : n;
        if (dst) {
            memcpy(dst, k->p + k->pos, take);
            dst += take;
        }
        k->pos += take;
        n -= take;
        if (k->pos == k->len && !k->cap) {
            if (!(rx->head = k->next))
                rx->tail = NULL;
            slice_free(rx, k);
        } else if (k->pos == k->len) {
            if (!k->next) { /* the last one: empty it for reuse */
                k->pos = k->len = 0;
                break;
            }
            rx->head = k->next;
            if (k->cap == CHUNK_BYTES && rx->nspare < SPARE_MAX) {
                k->next = rx->spare;
                rx->spare = k;
                rx->nspare++;
            } else {
                free(k);
            }
        }
    }
}

/* After taking: let a held producer go on (lock held; returns whether to call resume). */
static int drained_locked(arpc_rx *rx)
{
    if (rx->holding && rx->queued < ARPC_RX_LOW && rx->pinned <= ARPC_RX_HIGH) {
        rx->holding = 0;
        return 1;
    }
    return 0;
}

/* A consumer about to wait for more than a held stream has: let the
 * producer go on, or nobody would ever drain it (lock held, dropped
 * around resume). */
static void let_go_locked(arpc_rx *rx)
{
    rx->holding = 0;
    arpc_mutex_unlock(&rx->lock);
    if (rx->resume)
        rx->resume(rx->ctx);
    arpc_mutex_lock(&rx->lock);
}

RPC_STATUS arpc_rx_take(arpc_rx *rx, void *dst, size_t n, int wait)
{
    RPC_STATUS st = RPC_S_OK;
    int pumped = 0;
    arpc_mutex_lock(&rx->lock);
    for (;;) {
        if (rx->error != RPC_S_OK) {
            st = rx->error;
            break;
        }
        if (rx->queued >= n) {
            copy_out(rx, dst, n);
            break;
        }
        if (rx->last) {
            st = RPC_X_BAD_STUB_DATA; /* the sender ended the stream mid-item */
            break;
        }
        if (rx->pump && !pumped) {
            pumped = 1;
            arpc_mutex_unlock(&rx->lock);
            rx->pump(rx->ctx);
            arpc_mutex_lock(&rx->lock);
            continue;
        }
        if (!wait) {
            st = RPC_S_ASYNC_CALL_PENDING;
            break;
        }
        if (rx->holding) {
            /* Held back, yet what this taker needs is not all here (a
             * single item larger than the limit). */
            let_go_locked(rx);
            continue;
        }
        rx->waiters++;
        rx->want = n;
        arpc_cond_wait(&rx->cond, &rx->lock);
        rx->waiters--;
        pumped = 0;
    }
    int resume = drained_locked(rx);
    arpc_mutex_unlock(&rx->lock);
    if (resume && rx->resume)
        rx->resume(rx->ctx);
    return st;
}

int arpc_rx_arm(arpc_rx *rx)
{
    arpc_mutex_lock(&rx->lock);
    int arm = !rx->queued && !rx->last && rx->error == RPC_S_OK;
    rx->armed = arm;
    arpc_mutex_unlock(&rx->lock);
    return arm;
}

RPC_STATUS arpc_rx_rest(arpc_rx *rx, int wait, unsigned char **buf, size_t *len, unsigned *pad)
{
    *buf = NULL;
    *len = 0;
    *pad = 0;
    RPC_STATUS st = RPC_S_OK;
    arpc_mutex_lock(&rx->lock);
    while (rx->error == RPC_S_OK && !rx->last && wait) {
        if (rx->holding) { /* the rest is wanted whole */
            let_go_locked(rx);
            continue;
        }
        rx->waiters++;
        rx->want = SIZE_MAX; /* the end */
        arpc_cond_wait(&rx->cond, &rx->lock);
        rx->waiters--;
    }
    if (rx->error != RPC_S_OK) {
        st = rx->error;
    } else if (!rx->last) {
        st = RPC_S_ASYNC_CALL_PENDING;
    } else {
        unsigned p = (unsigned)(rx->offset % 8);
        size_t n = rx->queued;
        unsigned char *b = malloc(p + n + 1);
        if (!b) {
            st = RPC_S_OUT_OF_MEMORY;
        } else {
            memset(b, 0, p);
            copy_out(rx, b + p, n);
            *buf = b;
            *len = p + n;
            *pad = p;
        }
    }
    arpc_mutex_unlock(&rx->lock);
    return st;
}

int arpc_rx_ended(arpc_rx *rx)
{
    arpc_mutex_lock(&rx->lock);
    int e = rx->last && !rx->queued;
    arpc_mutex_unlock(&rx->lock);
    return e;
}

/* rx.h - a call's incoming stub data as a stream, for calls with pipes.
 *
 * An I/O thread puts each fragment's stub data in (arpc_rx_put); the
 * call's consumer (a stub reading its [in] parameters, a pull) takes bytes
 * out in order, blocking or not.  Alignment is NDR's: relative to the
 * start of the call's stub data, whose offset the stream tracks.
 *
 * Flow control: past ARPC_RX_HIGH queued bytes (or twice that of blocks
 * kept alive by slices), put answers "hold": the
 * producer stops reading its connection (the sender then blocks in its
 * transport).  When the consumer drains it under ARPC_RX_LOW, the stream
 * calls resume() once, and the producer reads again.  A call's memory is
 * thus bounded however much flows through it. */
#ifndef ASYNCRPC_SHIM_RX_H
#define ASYNCRPC_SHIM_RX_H

#include "platform.h"
#include "block.h"

#define ARPC_RX_HIGH (1u << 20)
#define ARPC_RX_LOW  (256u << 10)

struct arpc_rx_chunk;

typedef struct arpc_rx {
    arpc_mutex lock;
    arpc_cond cond;
    struct arpc_rx_chunk *head, *tail;
    struct arpc_rx_chunk *spare; /* emptied chunks kept for reuse */
    unsigned nspare;
    size_t next_cap;          /* the next chunk's size, growing to 64 KiB */
    size_t queued;            /* bytes in the chunks */
    size_t pinned;            /* bytes of the blocks slices keep alive */
    arpc_block *pin_block;    /* the block of the latest slice put, while queued */
    uint64_t offset;          /* stream offset of the next byte taken */
    int last;                 /* the final fragment is in */
    RPC_STATUS error;         /* the stream broke (nothing more comes) */
    int holding;              /* the producer was told to hold */
    int armed;                /* call on_data when data next arrives */
    int waiters;              /* threads blocked in take/rest */
    size_t want;              /* bytes the blocked taker needs */
    int fire;                 /* on_data owed at the next flush */
    uint32_t drep;
    void (*resume)(void *ctx);
    void (*on_data)(void *ctx);
    /* Optional: read the connection now, from the consumer's thread, when
     * it finds too little queued (saves the I/O thread's hand-over while
     * data flows).  Must not block. */
    void (*pump)(void *ctx);
    void *ctx;
} arpc_rx;

void arpc_rx_init(arpc_rx *rx, uint32_t drep, void (*resume)(void *), void (*on_data)(void *), void *ctx);
void arpc_rx_destroy(arpc_rx *rx);

/* Producer.  blk: the block data lies in (arpc_conn_block), or NULL; a
 * large enough piece is then kept as a slice of the block, not copied.
 * Returns 1 when it should hold (stop reading) until resume().
 * An armed on_data is not called here but by arpc_rx_flush, which the
 * producer calls once it has put all it had (one notification per batch
 * of fragments, not per fragment). */
int arpc_rx_put(arpc_rx *rx, arpc_block *blk, const void *data, size_t len, int last);
void arpc_rx_flush(arpc_rx *rx);
/* The stream broke: readers get st (the first failure sticks). */
void arpc_rx_fail(arpc_rx *rx, RPC_STATUS st);

/* Consumer.  Bytes available now (0 after the end or a failure). */
size_t arpc_rx_avail(arpc_rx *rx);
/* Take n bytes into dst (NULL: skip them).  wait: block until they are
 * there.  RPC_S_OK; RPC_S_ASYNC_CALL_PENDING (not waiting, not enough
 * yet: nothing taken); RPC_X_BAD_STUB_DATA (the stream ended first); the
 * failure code. */
RPC_STATUS arpc_rx_take(arpc_rx *rx, void *dst, size_t n, int wait);
/* Bytes needed to align the next byte to a (1, 2, 4, 8). */
size_t arpc_rx_pad(arpc_rx *rx, unsigned a);
/* Ask for one on_data call when more data (or the end, or a failure)
 * arrives; returns 0 without arming when some is already there. */
int arpc_rx_arm(arpc_rx *rx);
/* Everything that remains once the stream has ended, preceded by
 * (offset % 8) zero bytes so NDR alignment holds in the copy: *buf is
 * malloc'd (NULL if empty), *pad the bytes before the data.  Blocks until
 * the end when wait; else RPC_S_ASYNC_CALL_PENDING if it has not come. */
RPC_STATUS arpc_rx_rest(arpc_rx *rx, int wait, unsigned char **buf, size_t *len, unsigned *pad);
/* Whether the final fragment has arrived (and been taken entirely: done). */
int arpc_rx_ended(arpc_rx *rx);

#endif /* ASYNCRPC_SHIM_RX_H */

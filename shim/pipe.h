/* pipe.h - the pipes of one call (spec 3): the control structures the
 * runtime fills, chunk framing on the wire (NDR: a 32-bit element count,
 * then the elements; count 0 ends a pipe), the discipline (left to right,
 * every [in] pipe before any [out] pipe) and the pipe notifications.
 *
 * The layer below (client_async.c, server.c) owns the call's streams and
 * tells the pipes about them (arpc_pipes_io); the pipes never touch a
 * connection otherwise.
 *
 * Choices where Windows documents no code (spec 2.7, 5 item 11):
 *   push or pull on a pipe of the other direction, out of order, a pull
 *   while an earlier one is still pending, a second push or pull running
 *   at once, the async alloc slot:            RPC_X_WRONG_PIPE_ORDER 1831
 *   push after the pipe's end:                RPC_X_PIPE_CLOSED 1916
 *   pull after the end was reported:          RPC_X_PIPE_EMPTY 1918
 *   completing before every pipe ended:       RPC_X_PIPE_DISCIPLINE_ERROR 1917
 *   a state that names no live pipe:          RPC_X_INVALID_PIPE_OBJECT 1830
 * Any failure of an [async] push or pull ends the call: the runtime has
 * cleaned up, the application makes no further call for it (spec 3.4).
 *
 * RPC_C_NOTIFY_ON_SEND_COMPLETE: one RpcSendComplete after every push
 * (the zero-count one too) once the runtime can take more - a push hands
 * its data to the transport before it returns (it waits while a slow
 * receiver keeps the transport full), so that is right after it.  A client
 * call with [in] pipes also gets one when the request's first fragment
 * has gone out, as the client state table of spec 3.5 expects (WS before
 * the first push). */
#ifndef ASYNCRPC_SHIM_PIPE_H
#define ASYNCRPC_SHIM_PIPE_H

#include "arpc_stub.h"
#include "call.h"
#include "conn.h"
#include "rx.h"

typedef struct arpc_pipes arpc_pipes;

typedef struct arpc_pipes_io {
    arpc_rx *rx;                  /* what the peer sends */
    arpc_tx *tx;                  /* what we send */
    /* Every pipe ended (client: request ended, every [out] pipe drained). */
    void (*drained)(void *lower);
    /* A push or pull failed with st: end the call (client: discard it;
     * server: fault it). */
    void (*failed)(void *lower, RPC_STATUS st);
    void *lower;
} arpc_pipes_io;

/* client: which side; async: ASYNC_ structures (else classic ones). */
RPC_STATUS arpc_pipes_create(const arpc_pipe_param *params, unsigned n, int client, int async, arpc_pipes **out);
/* Fill the application's control structures (async on both sides, and the
 * server's classic ones) and remember the streams. */
void arpc_pipes_start(arpc_pipes *ps, arpc_call *call, const arpc_pipes_io *io);
void arpc_pipes_free(arpc_pipes *ps);

/* Every pipe ended. */
int arpc_pipes_all_ended(arpc_pipes *ps);
/* Every pipe ended and the last operation's notification has gone out
 * (the layer below completes the call no earlier: a call's RpcCallComplete
 * never comes before its last push's RpcSendComplete). */
int arpc_pipes_settled(arpc_pipes *ps);
/* Every pipe this side sends ended. */
int arpc_pipes_sent_all(arpc_pipes *ps);
/* rx's on_data: a pending pull's RpcReceiveComplete. */
void arpc_pipes_on_data(void *ps);

/* Used by the classic client stub's loop (blocking). */
RPC_STATUS arpc_pipes_push(arpc_pipes *ps, unsigned index, const void *buf, unsigned long ecount);
RPC_STATUS arpc_pipes_pull(arpc_pipes *ps, unsigned index, void *buf, unsigned long esize, unsigned long *ecount,
                           int wait);
unsigned arpc_pipes_count(arpc_pipes *ps);
const arpc_pipe_param *arpc_pipes_param(arpc_pipes *ps, unsigned index);

#endif /* ASYNCRPC_SHIM_PIPE_H */

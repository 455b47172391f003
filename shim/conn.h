/* conn.h - one DCE/RPC connection: fragment framing on a byte stream,
 * fragmented sends batched several fragments per system call, and
 * reassembly of a call's fragments. */
#ifndef ASYNCRPC_SHIM_CONN_H
#define ASYNCRPC_SHIM_CONN_H

#include "net.h"
#include "pdu.h"
#include "block.h"

/* The transports: ncacn_ip_tcp, ncalrpc, and ncacn_np (Windows, local). */
enum arpc_protseq { PROTSEQ_TCP, PROTSEQ_LOCAL, PROTSEQ_NP };

/* Presentation contexts one connection may bind (either side). */
#define ARPC_CONN_CONTEXTS 8

/* What we offer in bind/bind_ack; the peer's smaller value wins. */
#define ARPC_MAX_FRAG 5840u

typedef struct arpc_conn {
    arpc_socket s;
    uint16_t max_xmit;          /* largest fragment we send */
    uint16_t max_recv;          /* largest fragment we receive */
    arpc_mutex send_lock;       /* one sender at a time: fragments never interleave */
    arpc_mutex pump_lock;       /* one reader at a time: the I/O thread, or a pull reading for itself */
    arpc_block *blk;            /* the receive buffer (block.h) */
    unsigned char *buf;         /* its data: received bytes not yet consumed */
    size_t len, cap, consumed;
} arpc_conn;

void arpc_conn_init(arpc_conn *c, arpc_socket s);
void arpc_conn_destroy(arpc_conn *c);   /* closes the socket */

/* Blocking: the next whole fragment (points into the connection's buffer,
 * valid until the next read).  RPC_S_CALL_FAILED if the peer closed or the
 * stream broke, RPC_S_PROTOCOL_ERROR for a bad header (a fragment is at most
 * 65535 bytes by its 16-bit length), RPC_S_TIMEOUT after timeout_ms of silence. */
RPC_STATUS arpc_conn_read_frag(arpc_conn *c, uint32_t timeout_ms, const uint8_t **frag, size_t *len);

/* Non-blocking: read what the socket has and hand every whole fragment to
 * on_frag.  Returns RPC_S_OK when it would block, an error (as above) when
 * the connection must be closed, or whatever non-OK status on_frag returns. */
RPC_STATUS arpc_conn_pump(arpc_conn *c, RPC_STATUS (*on_frag)(void *ctx, const uint8_t *frag, size_t len), void *ctx);

/* The block the fragment being handed to on_frag lies in: a stream may
 * keep a reference on it instead of copying the fragment (rx.h). */
static inline arpc_block *arpc_conn_block(arpc_conn *c) { return c->blk; }

/* on_frag may answer this: hand over the fragments already buffered but
 * read no more from the socket for now (a call's stream is full); pump
 * then returns RPC_S_OK. */
#define ARPC_CONN_HOLD ((RPC_STATUS)0x7ffffff0)

/* Send stub data as request (opnum, object) or response fragments of at
 * most max_xmit bytes, under the send lock; an empty body still sends one
 * fragment.  timeout_ms bounds each wait for the socket. */
RPC_STATUS arpc_conn_send_request(arpc_conn *c, uint32_t call_id, uint16_t context_id, uint16_t opnum,
                                  const GUID *object, const uint8_t *stub, size_t len, uint32_t timeout_ms);
RPC_STATUS arpc_conn_send_response(arpc_conn *c, uint32_t call_id, uint16_t context_id, const uint8_t *stub,
                                   size_t len, uint32_t timeout_ms);
/* A single small PDU (bind, bind_ack, fault, co_cancel...), under the send lock. */
RPC_STATUS arpc_conn_send_pdu(arpc_conn *c, const uint8_t *pdu, size_t len, uint32_t timeout_ms);

/* One call's stub data sent as it is produced (calls with pipes): request
 * or response fragments, FIRST_FRAG on the first, LAST_FRAG on the last
 * piece (arpc_tx_send with last); each send goes out whole before the
 * next call's fragments (send lock), batched as above.  offset counts the
 * stub bytes sent, for NDR alignment. */
typedef struct arpc_tx {
    arpc_conn *conn;
    int request;
    uint32_t call_id;
    uint16_t context_id, opnum;
    int has_object;
    GUID object;
    int started, ended;
    uint64_t offset;
    uint32_t timeout_ms;
} arpc_tx;
/* RPC_S_OK, a transport failure, or RPC_X_PIPE_CLOSED once ended. */
RPC_STATUS arpc_tx_send(arpc_tx *t, const arpc_iovec *segs, int nsegs, int last);

/* Reassembly of one call's stub data across fragments, with a size cap. */
typedef struct arpc_reassembly {
    uint8_t *data;
    size_t len, cap, limit;
} arpc_reassembly;
void arpc_reassembly_init(arpc_reassembly *r, size_t limit, uint32_t alloc_hint);
/* RPC_S_SERVER_OUT_OF_MEMORY past the limit or when memory runs out. */
RPC_STATUS arpc_reassembly_add(arpc_reassembly *r, const uint8_t *p, size_t n);
void arpc_reassembly_free(arpc_reassembly *r);

#endif /* ASYNCRPC_SHIM_CONN_H */

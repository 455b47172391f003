/* binding.h - binding handles: what RPC_BINDING_HANDLE points to.
 *
 * A client binding (from RpcBindingFromStringBinding) names a server and
 * keeps a pool of idle connections to it, each bound to the presentation
 * contexts it has negotiated.  (On the server, the handle a manager gets
 * is its call's handle - see server.c - not a binding object.)  An
 * in-process binding (tests) dispatches straight into a server interface. */
#ifndef ASYNCRPC_SHIM_BINDING_H
#define ASYNCRPC_SHIM_BINDING_H

#include <rpcdcep.h>
#include "conn.h"
#include "platform.h"

enum arpc_binding_kind {
    BINDING_CLIENT,
    BINDING_INPROC,   /* dispatches into a server interface in this process (tests) */
};

/* A client connection and the interfaces bound on it. */
typedef struct arpc_client_conn {
    struct arpc_client_conn *next;     /* idle list */
    arpc_conn conn;
    uint32_t next_call_id;
    uint32_t assoc_group;
    int stale_group;                   /* bind_nak'd for an association group the server forgot */
    int n_contexts;
    RPC_SYNTAX_IDENTIFIER contexts[ARPC_CONN_CONTEXTS]; /* context id = index */
} arpc_client_conn;

typedef struct arpc_binding {
    enum arpc_binding_kind kind;
    arpc_mutex lock;                   /* idle pool and options */
    /* client */
    enum arpc_protseq protseq;
    char *protseq_name, *netaddr, *endpoint, *options;
    GUID object;
    int has_object;
    ULONG_PTR opt_noncausal;
    ULONG_PTR opt_call_timeout;        /* ms; 0 = none */
    unsigned com_timeout;              /* RpcMgmtSetComTimeout value, 0..10 */
    ULONG authn_level, authn_svc;
    arpc_client_conn *idle;
    struct arpc_async_conn *async_conns; /* multiplexed connections for async calls, one per interface */
    uint32_t assoc_group;
    /* in-process */
    const RPC_SERVER_INTERFACE *inproc_if;
} arpc_binding;

/* A copy of client binding b in b's association (context handles: calls
 * through it reach the handles b's calls opened), holding one of b's idle
 * connections, if any, so the association outlives b. */
RPC_STATUS arpc_binding_join_association(arpc_binding *b, RPC_BINDING_HANDLE *out);

/* The live binding h names, or NULL (RPC_S_INVALID_BINDING). */
arpc_binding *arpc_binding_get(RPC_BINDING_HANDLE h);
RPC_STATUS arpc_binding_new(enum arpc_binding_kind kind, arpc_binding **out);
void arpc_binding_delete(arpc_binding *b);

/* Client connections (client.c): open one to the binding's server, and
 * bind (or alter_context) ifc on it, synchronously. */
RPC_STATUS arpc_client_conn_open(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc, arpc_client_conn **out);
RPC_STATUS arpc_client_conn_bind(arpc_binding *b, arpc_client_conn *cc, const RPC_CLIENT_INTERFACE *ifc,
                              uint16_t *context_id);
void arpc_client_conn_close(arpc_client_conn *cc);
/* Open and bind, retrying once with a new association group when the
 * server has forgotten the binding's. */
RPC_STATUS arpc_client_conn_open_bound(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc, arpc_client_conn **out,
                                       uint16_t *context_id);
/* RPC_C_OPT_CALL_TIMEOUT in ms, or 0xFFFFFFFF for none. */
uint32_t arpc_binding_call_timeout(arpc_binding *b);

/* Client: send the request, wait for the whole response (client.c). */
/* *drep: the response's data representation (the server's byte order). */
RPC_STATUS arpc_client_send_receive(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc, unsigned opnum,
                                    const uint8_t *stub, size_t len, uint8_t **reply, size_t *reply_len,
                                    uint32_t *drep);
void arpc_client_drop_connections(arpc_binding *b);

/* Client, asynchronous (client_async.c): start a call on the binding's
 * multiplexed connection for ifc; the engine call completes from the
 * client's I/O thread.  Raises on failure to start. */
struct arpc_call;
struct arpc_pipes;
/* With pipes (owned from here, as ctx is): the call gets a connection of
 * its own and streams its request and response (pipe.h). */
RPC_STATUS arpc_client_async_send(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc, unsigned opnum,
                                  const uint8_t *stub, size_t len, PRPC_ASYNC_STATE pAsync, size_t reply_size,
                                  RPC_STATUS (*finish)(void *reader, void *ctx, void *reply), void *ctx,
                                  struct arpc_pipes *pipes);
/* A classic pipe call, its pipes done: wait for the rest of the response
 * (the non-pipe [out] data; see arpc_rx_rest for buf, len, pad). */
RPC_STATUS arpc_client_pipe_rest(struct arpc_call *c, unsigned char **buf, size_t *len, unsigned *pad,
                                 uint32_t *drep);
/* The binding is going away: its async connections live on while calls
 * still use them. */
void arpc_client_async_drop(arpc_binding *b);

#endif /* ASYNCRPC_SHIM_BINDING_H */

/* server.h - what the rest of the runtime asks of the server (server.c). */
#ifndef ASYNCRPC_SHIM_SERVER_H
#define ASYNCRPC_SHIM_SERVER_H

#include "platform.h"
#include "arpc_ndr.h"
#include "arpc_stub.h"

/* RpcServerUseProtseq(Ep) in UTF-8; endpoint NULL or "" = dynamic. */
RPC_STATUS arpc_server_use_protseq(const char *protseq, const char *endpoint);
/* Every endpoint the server listens on, for RpcServerInqBindings. */
typedef RPC_STATUS (*arpc_server_endpoint_fn)(void *ctx, const char *protseq, const char *endpoint);
RPC_STATUS arpc_server_endpoints(arpc_server_endpoint_fn fn, void *ctx);

/* What RpcServerInqCallAttributes and the security calls learn of a call:
 * h is a call's binding, or NULL for the call dispatched on this thread.
 * RPC_S_NO_CALL_ACTIVE, RPC_S_INVALID_BINDING, RPC_S_WRONG_KIND_OF_BINDING. */
typedef struct arpc_server_call_info {
    int protseq;          /* enum arpc_protseq */
    int peer_local;
    uint32_t peer_pid;
    unsigned opnum;
    GUID if_uuid;
    int cancelled;
} arpc_server_call_info;
RPC_STATUS arpc_server_inq_call(RPC_BINDING_HANDLE h, arpc_server_call_info *out);

/* An [async] server stub hands its call over (arpc_server_call_go_async):
 * from now on the manager completes it with RpcAsyncCompleteCall, which
 * marshals through reply(); free_ctx(ctx) runs once when the call ends. */
RPC_STATUS arpc_server_go_async(RPC_BINDING_HANDLE call, void (*reply)(arpc_ndr_writer *, void *, const void *),
                                void (*free_ctx)(void *), void *ctx, size_t reply_size, PRPC_ASYNC_STATE *out);

/* Calls of interfaces with pipes (their requests are streamed).  The
 * stub's reader reads the request as it arrives (no-op for other calls). */
void arpc_server_stream_reader(RPC_BINDING_HANDLE call, arpc_ndr_reader *r);
/* Fill the manager's pipe structures: async (ASYNC_ ones) or classic.
 * RPC_X_INVALID_PIPE_OBJECT if the call is not streamed (the interface
 * does not have RPC_INTERFACE_HAS_PIPES) or has its pipes already. */
RPC_STATUS arpc_server_start_pipes(RPC_BINDING_HANDLE call, const arpc_pipe_param *params, unsigned n, int async);
/* A classic manager returned: RPC_X_PIPE_DISCIPLINE_ERROR unless every
 * pipe ended; *pad is where the [out] parameters start modulo 8. */
RPC_STATUS arpc_server_pipes_done(RPC_BINDING_HANDLE call, unsigned *pad);

/* Context handles: the association of the wire call a handle names, and
 * where its slots are kept until it ends; NULL for anything else. */
struct arpc_assoc;
struct arpc_sctx;
struct arpc_assoc *arpc_server_call_context(RPC_BINDING_HANDLE call, struct arpc_sctx ***slots);

#endif /* ASYNCRPC_SHIM_SERVER_H */

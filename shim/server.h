/* server.h - what the rest of the runtime asks of the server (server.c). */
#ifndef ASYNCRPC_SHIM_SERVER_H
#define ASYNCRPC_SHIM_SERVER_H

#include "platform.h"

/* RpcServerUseProtseq(Ep) in UTF-8; endpoint NULL or "" = dynamic. */
RPC_STATUS arpc_server_use_protseq(const char *protseq, const char *endpoint);
/* Every endpoint the server listens on, for RpcServerInqBindings. */
typedef RPC_STATUS (*arpc_server_endpoint_fn)(void *ctx, const char *protseq, const char *endpoint);
RPC_STATUS arpc_server_endpoints(arpc_server_endpoint_fn fn, void *ctx);

#endif /* ASYNCRPC_SHIM_SERVER_H */

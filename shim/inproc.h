/* inproc.h - a binding that dispatches calls in-process, straight into a
 * server interface's dispatch table, with the full marshal/unmarshal path
 * of the generated stubs but no transport.  For testing stubs and NDR
 * independently of the network; not a public API. */
#ifndef ASYNCRPC_SHIM_INPROC_H
#define ASYNCRPC_SHIM_INPROC_H

#include <rpc.h>
#include <rpcdcep.h>
#include "arpc_config.h"

/* A binding whose calls run server_ifspec's stubs on the calling thread;
 * free it with RpcBindingFree.  Faults raised by the server stub or the
 * manager reach the client stub's caller as the same exception, as over the
 * wire. */
ARPC_API RPC_STATUS arpc_inproc_binding(RPC_IF_HANDLE server_ifspec, RPC_BINDING_HANDLE *out);

#endif /* ASYNCRPC_SHIM_INPROC_H */

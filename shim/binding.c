/* binding.c - binding handle objects and their API. */
#include <stdlib.h>
#include "binding.h"
#include "inproc.h"
#include "liveset.h"

static arpc_liveset live_bindings;

RPC_STATUS arpc_binding_new(enum arpc_binding_kind kind, arpc_binding **out)
{
    arpc_binding *b = calloc(1, sizeof *b);
    *out = NULL;
    if (!b)
        return RPC_S_OUT_OF_MEMORY;
    b->kind = kind;
    arpc_mutex_init(&b->lock);
    if (arpc_liveset_add(&live_bindings, b) != RPC_S_OK) {
        arpc_mutex_destroy(&b->lock);
        free(b);
        return RPC_S_OUT_OF_MEMORY;
    }
    *out = b;
    return RPC_S_OK;
}

arpc_binding *arpc_binding_get(RPC_BINDING_HANDLE h)
{
    return arpc_liveset_check(&live_bindings, h, NULL) ? (arpc_binding *)h : NULL;
}

void arpc_binding_delete(arpc_binding *b)
{
    arpc_liveset_remove(&live_bindings, b);
    if (b->kind == BINDING_CLIENT) {
        arpc_client_drop_connections(b);
        arpc_client_async_drop(b);
    }
    free(b->protseq_name);
    free(b->netaddr);
    free(b->endpoint);
    free(b->options);
    arpc_mutex_destroy(&b->lock);
    free(b);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingFree(RPC_BINDING_HANDLE *Binding)
{
    if (!Binding)
        return RPC_S_INVALID_ARG;
    arpc_binding *b = arpc_binding_get(*Binding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    arpc_binding_delete(b);
    *Binding = NULL;
    return RPC_S_OK;
}

ARPC_API RPC_STATUS arpc_inproc_binding(RPC_IF_HANDLE server_ifspec, RPC_BINDING_HANDLE *out)
{
    const RPC_SERVER_INTERFACE *sif = server_ifspec;
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = NULL;
    if (!sif || sif->Length != sizeof(RPC_SERVER_INTERFACE) || !sif->DispatchTable)
        return RPC_S_UNKNOWN_IF;
    arpc_binding *b;
    RPC_STATUS st = arpc_binding_new(BINDING_INPROC, &b);
    if (st == RPC_S_OK) {
        b->inproc_if = sif;
        *out = b;
    }
    return st;
}

/* binding_api.c - the binding and endpoint API in Windows' A and W forms:
 * RpcBindingFromStringBinding, RpcBindingToStringBinding, RpcBindingCopy,
 * RpcBindingReset, RpcBindingSetOption/InqOption, RpcMgmtSetComTimeout,
 * RpcServerUseProtseq(Ep), RpcServerInqBindings, RpcBindingVectorFree. */
#include <stdlib.h>
#include <string.h>
#include "binding.h"
#include "server.h"
#include "string_binding.h"

static char *dup_or_empty(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* A client binding from the parts of a string binding (UTF-8). */
static RPC_STATUS binding_from_parts(const arpc_string_binding *sb, RPC_BINDING_HANDLE *out)
{
    enum arpc_protseq ps;
    if (!sb->protseq)
        return RPC_S_INVALID_STRING_BINDING;
    if (!strcmp(sb->protseq, "ncacn_ip_tcp"))
        ps = PROTSEQ_TCP;
    else if (!strcmp(sb->protseq, "ncalrpc"))
        ps = PROTSEQ_LOCAL;
    else if (!strcmp(sb->protseq, "ncacn_np"))
        ps = PROTSEQ_NP;
    else if (!strncmp(sb->protseq, "nca", 3))
        return RPC_S_PROTSEQ_NOT_SUPPORTED;
    else
        return RPC_S_INVALID_RPC_PROTSEQ;
    arpc_binding *b;
    RPC_STATUS st = arpc_binding_new(BINDING_CLIENT, &b);
    if (st != RPC_S_OK)
        return st;
    b->protseq = ps;
    if (sb->objuuid && *sb->objuuid) {
        if ((st = arpc_uuid_from_string(sb->objuuid, &b->object)) != RPC_S_OK) {
            arpc_binding_delete(b);
            return st;
        }
        for (size_t i = 0; i < sizeof b->object; i++)
            b->has_object |= ((const unsigned char *)&b->object)[i] != 0;
    }
    b->protseq_name = dup_or_empty(sb->protseq);
    b->netaddr = dup_or_empty(sb->netaddr);
    b->endpoint = dup_or_empty(sb->endpoint);
    b->options = dup_or_empty(sb->options);
    if (!b->protseq_name || !b->netaddr || !b->endpoint || !b->options) {
        arpc_binding_delete(b);
        return RPC_S_OUT_OF_MEMORY;
    }
    *out = b;
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingFromStringBindingA(RPC_CSTR StringBinding, RPC_BINDING_HANDLE *Binding)
{
    if (!Binding)
        return RPC_S_INVALID_ARG;
    *Binding = NULL;
    if (!StringBinding)
        return RPC_S_INVALID_STRING_BINDING;
    arpc_string_binding sb;
    RPC_STATUS st = arpc_string_binding_parse((const char *)StringBinding, &sb);
    if (st == RPC_S_OK)
        st = binding_from_parts(&sb, Binding);
    arpc_string_binding_clear(&sb);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingFromStringBindingW(RPC_WSTR StringBinding, RPC_BINDING_HANDLE *Binding)
{
    if (!Binding)
        return RPC_S_INVALID_ARG;
    *Binding = NULL;
    if (!StringBinding)
        return RPC_S_INVALID_STRING_BINDING;
    char *u = arpc_wide_to_utf8(StringBinding);
    if (!u)
        return RPC_S_INVALID_STRING_BINDING;
    RPC_STATUS st = RpcBindingFromStringBindingA((RPC_CSTR)u, Binding);
    free(u);
    return st;
}

static RPC_STATUS to_string(RPC_BINDING_HANDLE Binding, char **out)
{
    arpc_binding *b = arpc_binding_get(Binding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (b->kind != BINDING_CLIENT)
        return RPC_S_CANNOT_SUPPORT; /* the client's address of a server call: not yet */
    char uuid[37];
    arpc_string_binding sb = {NULL, b->protseq_name, b->netaddr, b->endpoint, b->options};
    if (b->has_object) {
        arpc_uuid_to_string(&b->object, uuid);
        sb.objuuid = uuid;
    }
    return arpc_string_binding_compose(&sb, out);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingToStringBindingA(RPC_BINDING_HANDLE Binding, RPC_CSTR *StringBinding)
{
    if (!StringBinding)
        return RPC_S_INVALID_ARG;
    char *s;
    RPC_STATUS st = to_string(Binding, &s);
    *StringBinding = st == RPC_S_OK ? (RPC_CSTR)s : NULL;
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingToStringBindingW(RPC_BINDING_HANDLE Binding, RPC_WSTR *StringBinding)
{
    if (!StringBinding)
        return RPC_S_INVALID_ARG;
    *StringBinding = NULL;
    char *s;
    RPC_STATUS st = to_string(Binding, &s);
    if (st != RPC_S_OK)
        return st;
    *StringBinding = arpc_utf8_to_wide(s);
    free(s);
    return *StringBinding ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingCopy(RPC_BINDING_HANDLE SourceBinding, RPC_BINDING_HANDLE *DestinationBinding)
{
    if (!DestinationBinding)
        return RPC_S_INVALID_ARG;
    *DestinationBinding = NULL;
    arpc_binding *b = arpc_binding_get(SourceBinding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (b->kind != BINDING_CLIENT)
        return RPC_S_WRONG_KIND_OF_BINDING;
    arpc_string_binding sb = {NULL, b->protseq_name, b->netaddr, b->endpoint, b->options};
    RPC_STATUS st = binding_from_parts(&sb, DestinationBinding);
    if (st == RPC_S_OK) {
        /* Options and security travel with the copy; connections do not. */
        arpc_binding *d = *DestinationBinding;
        d->object = b->object;
        d->has_object = b->has_object;
        arpc_mutex_lock(&b->lock);
        d->opt_noncausal = b->opt_noncausal;
        d->opt_call_timeout = b->opt_call_timeout;
        d->com_timeout = b->com_timeout;
        d->authn_level = b->authn_level;
        d->authn_svc = b->authn_svc;
        arpc_mutex_unlock(&b->lock);
    }
    return st;
}

RPC_STATUS arpc_binding_join_association(arpc_binding *b, RPC_BINDING_HANDLE *out)
{
    RPC_STATUS st = RpcBindingCopy(b, out);
    if (st != RPC_S_OK)
        return st;
    arpc_binding *d = *out;
    arpc_mutex_lock(&b->lock);
    d->assoc_group = b->assoc_group;
    arpc_client_conn *cc = b->idle;
    if (cc) {
        b->idle = cc->next;
        cc->next = NULL;
    }
    arpc_mutex_unlock(&b->lock);
    d->idle = cc; /* d is not shared yet */
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingReset(RPC_BINDING_HANDLE Binding)
{
    arpc_binding *b = arpc_binding_get(Binding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (b->kind != BINDING_CLIENT)
        return RPC_S_WRONG_KIND_OF_BINDING;
    /* Forget the endpoint (and the connections made to it). */
    arpc_client_drop_connections(b);
    arpc_mutex_lock(&b->lock);
    b->endpoint[0] = 0;
    arpc_mutex_unlock(&b->lock);
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetOption(RPC_BINDING_HANDLE hBinding, unsigned long option,
                                                  ULONG_PTR optionValue)
{
    arpc_binding *b = arpc_binding_get(hBinding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (b->kind != BINDING_CLIENT)
        return RPC_S_WRONG_KIND_OF_BINDING;
    RPC_STATUS st = RPC_S_OK;
    arpc_mutex_lock(&b->lock);
    switch (option) {
    case RPC_C_OPT_BINDING_NONCAUSAL:
        b->opt_noncausal = optionValue ? 1 : 0;
        break;
    case RPC_C_OPT_CALL_TIMEOUT: /* milliseconds; 0 = none; synchronous calls only */
        b->opt_call_timeout = optionValue;
        break;
    default:
        st = RPC_S_INVALID_ARG;
    }
    arpc_mutex_unlock(&b->lock);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingInqOption(RPC_BINDING_HANDLE hBinding, unsigned long option,
                                                  ULONG_PTR *pOptionValue)
{
    arpc_binding *b = arpc_binding_get(hBinding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (!pOptionValue)
        return RPC_S_INVALID_ARG;
    if (b->kind != BINDING_CLIENT)
        return RPC_S_WRONG_KIND_OF_BINDING;
    RPC_STATUS st = RPC_S_OK;
    arpc_mutex_lock(&b->lock);
    switch (option) {
    case RPC_C_OPT_BINDING_NONCAUSAL:
        *pOptionValue = b->opt_noncausal;
        break;
    case RPC_C_OPT_CALL_TIMEOUT:
        *pOptionValue = b->opt_call_timeout;
        break;
    default:
        st = RPC_S_INVALID_ARG;
    }
    arpc_mutex_unlock(&b->lock);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcMgmtSetComTimeout(RPC_BINDING_HANDLE Binding, unsigned int Timeout)
{
    arpc_binding *b = arpc_binding_get(Binding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (Timeout > RPC_C_BINDING_INFINITE_TIMEOUT)
        return RPC_S_INVALID_TIMEOUT;
    /* Recorded; keep-alive probing by time-out class is not implemented. */
    arpc_mutex_lock(&b->lock);
    b->com_timeout = Timeout;
    arpc_mutex_unlock(&b->lock);
    return RPC_S_OK;
}

/* ---- server endpoints */

ARPC_API RPC_STATUS RPC_ENTRY RpcServerUseProtseqEpA(RPC_CSTR Protseq, unsigned int MaxCalls, RPC_CSTR Endpoint,
                                                     void *SecurityDescriptor)
{
    (void)MaxCalls; /* the listen-time MaxCalls bounds concurrency */
    (void)SecurityDescriptor; /* ncalrpc is owner-only; no other ACLs */
    if (!Protseq)
        return RPC_S_INVALID_RPC_PROTSEQ;
    return arpc_server_use_protseq((const char *)Protseq, (const char *)Endpoint);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerUseProtseqEpW(RPC_WSTR Protseq, unsigned int MaxCalls, RPC_WSTR Endpoint,
                                                     void *SecurityDescriptor)
{
    char *p = Protseq ? arpc_wide_to_utf8(Protseq) : NULL;
    char *e = Endpoint ? arpc_wide_to_utf8(Endpoint) : NULL;
    RPC_STATUS st;
    if ((Protseq && !p) || (Endpoint && !e))
        st = RPC_S_INVALID_ENDPOINT_FORMAT;
    else
        st = RpcServerUseProtseqEpA((RPC_CSTR)p, MaxCalls, (RPC_CSTR)e, SecurityDescriptor);
    free(p);
    free(e);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerUseProtseqA(RPC_CSTR Protseq, unsigned int MaxCalls, void *SecurityDescriptor)
{
    return RpcServerUseProtseqEpA(Protseq, MaxCalls, NULL, SecurityDescriptor);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerUseProtseqW(RPC_WSTR Protseq, unsigned int MaxCalls, void *SecurityDescriptor)
{
    return RpcServerUseProtseqEpW(Protseq, MaxCalls, NULL, SecurityDescriptor);
}

struct vector_build {
    RPC_BINDING_VECTOR *v;
    size_t cap;
};

static RPC_STATUS add_endpoint(void *ctx, const char *protseq, const char *endpoint)
{
    struct vector_build *vb = ctx;
    if (vb->v->Count == vb->cap) {
        size_t cap = vb->cap * 2;
        RPC_BINDING_VECTOR *n = realloc(vb->v, sizeof *n + cap * sizeof n->BindingH[0]);
        if (!n)
            return RPC_S_OUT_OF_MEMORY;
        vb->v = n;
        vb->cap = cap;
    }
    arpc_string_binding sb = {NULL, (char *)protseq, NULL, (char *)endpoint, NULL};
    RPC_STATUS st = binding_from_parts(&sb, &vb->v->BindingH[vb->v->Count]);
    if (st == RPC_S_OK)
        vb->v->Count++;
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerInqBindings(RPC_BINDING_VECTOR **BindingVector)
{
    if (!BindingVector)
        return RPC_S_INVALID_ARG;
    *BindingVector = NULL;
    struct vector_build vb = {calloc(1, sizeof(RPC_BINDING_VECTOR) + 4 * sizeof(RPC_BINDING_HANDLE)), 4};
    if (!vb.v)
        return RPC_S_OUT_OF_MEMORY;
    RPC_STATUS st = arpc_server_endpoints(add_endpoint, &vb);
    if (st == RPC_S_OK && vb.v->Count == 0)
        st = RPC_S_NO_BINDINGS;
    if (st != RPC_S_OK) {
        RpcBindingVectorFree(&vb.v);
        return st;
    }
    *BindingVector = vb.v;
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingVectorFree(RPC_BINDING_VECTOR **BindingVector)
{
    if (!BindingVector || !*BindingVector)
        return RPC_S_INVALID_ARG;
    RPC_BINDING_VECTOR *v = *BindingVector;
    for (ULONG i = 0; i < v->Count; i++)
        if (v->BindingH[i])
            RpcBindingFree(&v->BindingH[i]);
    free(v);
    *BindingVector = NULL;
    return RPC_S_OK;
}

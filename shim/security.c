/* security.c - the security surface ported code calls: RpcBindingSetAuthInfo
 * (Ex) (A/W), RpcServerRegisterAuthInfo (A/W), RpcImpersonateClient and
 * RpcRevertToSelf.  No authentication service is built yet: with
 * RPC_C_AUTHN_NONE these succeed (and impersonation keeps the server's own
 * identity, as for an anonymous client); any other service answers
 * RPC_S_UNKNOWN_AUTHN_SERVICE.  The RpcServerRegisterIfEx security callback
 * is called by the server for every call (server.c). */
#include "binding.h"
#include "server.h"

static _Thread_local int impersonating;

static RPC_STATUS check_level(unsigned long level)
{
    return level <= RPC_C_AUTHN_LEVEL_PKT_PRIVACY ? RPC_S_OK : RPC_S_UNKNOWN_AUTHN_LEVEL;
}

static RPC_STATUS set_auth(RPC_BINDING_HANDLE Binding, unsigned long AuthnLevel, unsigned long AuthnSvc)
{
    arpc_binding *b = arpc_binding_get(Binding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (b->kind != BINDING_CLIENT)
        return RPC_S_WRONG_KIND_OF_BINDING;
    RPC_STATUS st = check_level(AuthnLevel);
    if (st != RPC_S_OK)
        return st;
    if (AuthnSvc != RPC_C_AUTHN_NONE)
        return RPC_S_UNKNOWN_AUTHN_SERVICE;
    arpc_mutex_lock(&b->lock);
    b->authn_level = (ULONG)AuthnLevel;
    b->authn_svc = (ULONG)AuthnSvc;
    arpc_mutex_unlock(&b->lock);
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetAuthInfoA(RPC_BINDING_HANDLE Binding, RPC_CSTR ServerPrincName,
                                                     unsigned long AuthnLevel, unsigned long AuthnSvc,
                                                     RPC_AUTH_IDENTITY_HANDLE AuthIdentity, unsigned long AuthzSvc)
{
    (void)ServerPrincName;
    (void)AuthIdentity;
    (void)AuthzSvc;
    return set_auth(Binding, AuthnLevel, AuthnSvc);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetAuthInfoW(RPC_BINDING_HANDLE Binding, RPC_WSTR ServerPrincName,
                                                     unsigned long AuthnLevel, unsigned long AuthnSvc,
                                                     RPC_AUTH_IDENTITY_HANDLE AuthIdentity, unsigned long AuthzSvc)
{
    (void)ServerPrincName;
    (void)AuthIdentity;
    (void)AuthzSvc;
    return set_auth(Binding, AuthnLevel, AuthnSvc);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetAuthInfoExA(RPC_BINDING_HANDLE Binding, RPC_CSTR ServerPrincName,
                                                       unsigned long AuthnLevel, unsigned long AuthnSvc,
                                                       RPC_AUTH_IDENTITY_HANDLE AuthIdentity, unsigned long AuthzSvc,
                                                       RPC_SECURITY_QOS *SecurityQos)
{
    (void)SecurityQos;
    return RpcBindingSetAuthInfoA(Binding, ServerPrincName, AuthnLevel, AuthnSvc, AuthIdentity, AuthzSvc);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetAuthInfoExW(RPC_BINDING_HANDLE Binding, RPC_WSTR ServerPrincName,
                                                       unsigned long AuthnLevel, unsigned long AuthnSvc,
                                                       RPC_AUTH_IDENTITY_HANDLE AuthIdentity, unsigned long AuthzSvc,
                                                       RPC_SECURITY_QOS *SecurityQOS)
{
    (void)SecurityQOS;
    return RpcBindingSetAuthInfoW(Binding, ServerPrincName, AuthnLevel, AuthnSvc, AuthIdentity, AuthzSvc);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterAuthInfoA(RPC_CSTR ServerPrincName, unsigned long AuthnSvc,
                                                         RPC_AUTH_KEY_RETRIEVAL_FN GetKeyFn, void *Arg)
{
    (void)ServerPrincName;
    (void)GetKeyFn;
    (void)Arg;
    return AuthnSvc == RPC_C_AUTHN_NONE ? RPC_S_OK : RPC_S_UNKNOWN_AUTHN_SERVICE;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterAuthInfoW(RPC_WSTR ServerPrincName, unsigned long AuthnSvc,
                                                         RPC_AUTH_KEY_RETRIEVAL_FN GetKeyFn, void *Arg)
{
    (void)ServerPrincName;
    (void)GetKeyFn;
    (void)Arg;
    return AuthnSvc == RPC_C_AUTHN_NONE ? RPC_S_OK : RPC_S_UNKNOWN_AUTHN_SERVICE;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcImpersonateClient(RPC_BINDING_HANDLE BindingHandle)
{
    arpc_server_call_info info;
    RPC_STATUS st = arpc_server_inq_call(BindingHandle, &info);
    if (st == RPC_S_OK)
        impersonating = 1;
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcRevertToSelf(void)
{
    arpc_server_call_info info;
    RPC_STATUS st = arpc_server_inq_call(NULL, &info);
    if (st == RPC_S_OK)
        impersonating = 0;
    return st;
}

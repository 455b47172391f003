/* call_attributes.c - RpcServerInqCallAttributesA/W, versions 1 to 3, with
 * the fields the transport knows: ProtocolSequence, IsClientLocal,
 * ClientPID, CallStatus, OpNum, InterfaceUuid.  There is no authentication
 * yet: level NONE, service NONE, no principal names (lengths 0). */
#include <string.h>
#include "binding.h"
#include "server.h"

/* MinGW's headers spell the SDK's KernelModeCaller as KernelMode. */
#if defined(_WIN32)
#define KERNEL_MODE_FIELD KernelMode
#else
#define KERNEL_MODE_FIELD KernelModeCaller
#endif

#define PROTSEQ_ID_TCP 0x1  /* RPC_PROTSEQ_TCP */
#define PROTSEQ_ID_NMP 0x2  /* RPC_PROTSEQ_NMP */
#define PROTSEQ_ID_LRPC 0x3 /* RPC_PROTSEQ_LRPC */

/* A and W differ only in the principal-name pointer types. */
#define FILL_ATTRIBUTES(T, p, info)                                                                  \
    do {                                                                                              \
        T *a_ = (T *)(p);                                                                             \
        if (a_->Flags & (RPC_QUERY_SERVER_PRINCIPAL_NAME | RPC_QUERY_CLIENT_PRINCIPAL_NAME)) {        \
            a_->ServerPrincipalNameBufferLength = 0;                                                  \
            a_->ClientPrincipalNameBufferLength = 0;                                                  \
        }                                                                                             \
        a_->AuthenticationLevel = RPC_C_AUTHN_LEVEL_NONE;                                             \
        a_->AuthenticationService = RPC_C_AUTHN_NONE;                                                 \
        a_->NullSession = FALSE;                                                                      \
        if (a_->Version < 2)                                                                          \
            break;                                                                                    \
        a_->KERNEL_MODE_FIELD = FALSE;                                                                 \
        a_->ProtocolSequence = (info).protseq == PROTSEQ_TCP ? PROTSEQ_ID_TCP                         \
                             : (info).protseq == PROTSEQ_NP ? PROTSEQ_ID_NMP : PROTSEQ_ID_LRPC;       \
        a_->IsClientLocal = (info).peer_local ? rcclLocal : rcclRemote;                              \
        a_->ClientPID = (HANDLE)(ULONG_PTR)(info).peer_pid;                                           \
        a_->CallStatus = (info).cancelled ? RPC_CALL_STATUS_CANCELLED : 0;                            \
        a_->CallType = rctNormal;                                                                     \
        a_->CallLocalAddress = NULL;                                                                  \
        a_->OpNum = (unsigned short)(info).opnum;                                                     \
        a_->InterfaceUuid = (info).if_uuid;                                                           \
    } while (0)

static RPC_STATUS inquire(RPC_BINDING_HANDLE h, void *attrs, arpc_server_call_info *info)
{
    if (!attrs)
        return RPC_S_INVALID_ARG;
    unsigned int version = *(unsigned int *)attrs;
    if (version < 1 || version > 3)
        return RPC_S_INVALID_ARG;
    if (version == 3)
        return RPC_S_INVALID_ARG; /* V3 (client identifier) is not offered yet */
    return arpc_server_inq_call(h, info);
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerInqCallAttributesA(RPC_BINDING_HANDLE ClientBinding, void *RpcCallAttributes)
{
    arpc_server_call_info info;
    RPC_STATUS st = inquire(ClientBinding, RpcCallAttributes, &info);
    if (st == RPC_S_OK)
        FILL_ATTRIBUTES(RPC_CALL_ATTRIBUTES_V2_A, RpcCallAttributes, info);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcServerInqCallAttributesW(RPC_BINDING_HANDLE ClientBinding, void *RpcCallAttributes)
{
    arpc_server_call_info info;
    RPC_STATUS st = inquire(ClientBinding, RpcCallAttributes, &info);
    if (st == RPC_S_OK)
        FILL_ATTRIBUTES(RPC_CALL_ATTRIBUTES_V2_W, RpcCallAttributes, info);
    return st;
}

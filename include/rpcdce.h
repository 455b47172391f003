/* rpcdce.h - DCE RPC types, constants and API (POSIX build; on Windows the
 * SDK's rpcdce.h, plus what asyncrpc adds). */
#if defined(_WIN32)
/* The SDK's header, reached through rpc.h first because it expects rpc.h's
 * definitions.  No include guard of ours on this side: the SDK's headers
 * include each other in cycles that rely on re-entering rpc.h. */
#include <rpc.h>
#include_next <rpcdce.h>

#else /* POSIX */
#ifndef ASYNCRPC_RPCDCE_H
#define ASYNCRPC_RPCDCE_H
#include "rpc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned char *RPC_CSTR;
typedef wchar_t *RPC_WSTR;           /* the platform's wchar_t; UTF-16 on the wire */
typedef const wchar_t *RPC_CWSTR;
typedef I_RPC_HANDLE RPC_BINDING_HANDLE;
typedef RPC_BINDING_HANDLE handle_t;
#define rpc_binding_handle_t RPC_BINDING_HANDLE

#ifndef UUID_DEFINED
#define UUID_DEFINED
typedef GUID UUID;
#endif
#ifndef uuid_t
#define uuid_t UUID
#endif

typedef struct _RPC_BINDING_VECTOR {
    ULONG Count;
    RPC_BINDING_HANDLE BindingH[1];
} RPC_BINDING_VECTOR;
#define rpc_binding_vector_t RPC_BINDING_VECTOR

typedef struct _UUID_VECTOR {
    ULONG Count;
    UUID *Uuid[1];
} UUID_VECTOR;
#define uuid_vector_t UUID_VECTOR

typedef void *RPC_IF_HANDLE;

typedef struct _RPC_IF_ID {
    UUID Uuid;
    USHORT VersMajor;
    USHORT VersMinor;
} RPC_IF_ID;

typedef void *RPC_AUTH_IDENTITY_HANDLE;
typedef void *RPC_AUTHZ_HANDLE;
typedef ULONG error_status_t;   /* 32-bit status, as on Windows */

#define RPC_C_BINDING_INFINITE_TIMEOUT 10
#define RPC_C_BINDING_MIN_TIMEOUT 0
#define RPC_C_BINDING_DEFAULT_TIMEOUT 5
#define RPC_C_BINDING_MAX_TIMEOUT 9
#define RPC_C_CANCEL_INFINITE_TIMEOUT (-1)
#define RPC_C_LISTEN_MAX_CALLS_DEFAULT 1234
#define RPC_C_PROTSEQ_MAX_REQS_DEFAULT 10
#define RPC_C_BIND_TO_ALL_NICS 1
#define RPC_C_USE_INTERNET_PORT 0x1
#define RPC_C_USE_INTRANET_PORT 0x2
#define RPC_C_DONT_FAIL 0x4

#define RPC_C_OPT_BINDING_NONCAUSAL 9
#define RPC_C_OPT_SECURITY_CALLBACK 10
#define RPC_C_OPT_UNIQUE_BINDING 11
#define RPC_C_OPT_CALL_TIMEOUT 12
#define RPC_C_OPT_DONT_LINGER 13
#define RPC_C_OPT_TRUST_PEER 14
#define RPC_C_OPT_ASYNC_BLOCK 15
#define RPC_C_OPT_OPTIMIZE_TIME 16
#define RPC_C_OPT_MAX_OPTIONS 17

#define RPC_C_STATS_CALLS_IN 0
#define RPC_C_STATS_CALLS_OUT 1
#define RPC_C_STATS_PKTS_IN 2
#define RPC_C_STATS_PKTS_OUT 3

#define RPC_C_AUTHN_LEVEL_DEFAULT 0
#define RPC_C_AUTHN_LEVEL_NONE 1
#define RPC_C_AUTHN_LEVEL_CONNECT 2
#define RPC_C_AUTHN_LEVEL_CALL 3
#define RPC_C_AUTHN_LEVEL_PKT 4
#define RPC_C_AUTHN_LEVEL_PKT_INTEGRITY 5
#define RPC_C_AUTHN_LEVEL_PKT_PRIVACY 6
#define RPC_C_IMP_LEVEL_DEFAULT 0
#define RPC_C_IMP_LEVEL_ANONYMOUS 1
#define RPC_C_IMP_LEVEL_IDENTIFY 2
#define RPC_C_IMP_LEVEL_IMPERSONATE 3
#define RPC_C_IMP_LEVEL_DELEGATE 4
#define RPC_C_QOS_IDENTITY_STATIC 0
#define RPC_C_QOS_IDENTITY_DYNAMIC 1
#define RPC_C_QOS_CAPABILITIES_DEFAULT 0x0
#define RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH 0x1
#define RPC_C_PROTECT_LEVEL_DEFAULT RPC_C_AUTHN_LEVEL_DEFAULT
#define RPC_C_PROTECT_LEVEL_NONE RPC_C_AUTHN_LEVEL_NONE
#define RPC_C_PROTECT_LEVEL_CONNECT RPC_C_AUTHN_LEVEL_CONNECT
#define RPC_C_PROTECT_LEVEL_CALL RPC_C_AUTHN_LEVEL_CALL
#define RPC_C_PROTECT_LEVEL_PKT RPC_C_AUTHN_LEVEL_PKT
#define RPC_C_PROTECT_LEVEL_PKT_INTEGRITY RPC_C_AUTHN_LEVEL_PKT_INTEGRITY
#define RPC_C_PROTECT_LEVEL_PKT_PRIVACY RPC_C_AUTHN_LEVEL_PKT_PRIVACY
#define RPC_C_AUTHN_NONE 0
#define RPC_C_AUTHN_DCE_PRIVATE 1
#define RPC_C_AUTHN_DCE_PUBLIC 2
#define RPC_C_AUTHN_DEC_PUBLIC 4
#define RPC_C_AUTHN_GSS_NEGOTIATE 9
#define RPC_C_AUTHN_WINNT 10
#define RPC_C_AUTHN_GSS_SCHANNEL 14
#define RPC_C_AUTHN_GSS_KERBEROS 16
#define RPC_C_AUTHN_DPA 17
#define RPC_C_AUTHN_MSN 18
#define RPC_C_AUTHN_DIGEST 21
#define RPC_C_AUTHN_MQ 100
#define RPC_C_AUTHN_DEFAULT 0xFFFFFFFFL
#define RPC_C_AUTHZ_NONE 0
#define RPC_C_AUTHZ_NAME 1
#define RPC_C_AUTHZ_DCE 2
#define RPC_C_AUTHZ_DEFAULT 0xffffffff
#define RPC_C_EP_ALL_ELTS 0
#define RPC_C_EP_MATCH_BY_IF 1
#define RPC_C_EP_MATCH_BY_OBJ 2
#define RPC_C_EP_MATCH_BY_BOTH 3
#define RPC_C_VERS_ALL 1
#define RPC_C_VERS_COMPATIBLE 2
#define RPC_C_VERS_EXACT 3
#define RPC_C_VERS_MAJOR_ONLY 4
#define RPC_C_VERS_UPTO 5
#define RPC_C_MGMT_INQ_IF_IDS 0
#define RPC_C_MGMT_INQ_PRINC_NAME 1
#define RPC_C_MGMT_INQ_STATS 2
#define RPC_C_MGMT_IS_SERVER_LISTEN 3
#define RPC_C_MGMT_STOP_SERVER_LISTEN 4

#define RPC_IF_AUTOLISTEN 0x0001
#define RPC_IF_OLE 0x0002
#define RPC_IF_ALLOW_UNKNOWN_AUTHORITY 0x0004
#define RPC_IF_ALLOW_SECURE_ONLY 0x0008
#define RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH 0x0010
#define RPC_IF_ALLOW_LOCAL_ONLY 0x0020
#define RPC_IF_SEC_NO_CACHE 0x0040

/* RpcServerInqCallAttributes CallStatus: the SDK header's values (spec §5 item 6). */
#define RPC_CALL_STATUS_CANCELLED 0x01
#define RPC_CALL_STATUS_DISCONNECTED 0x02

typedef RPC_STATUS RPC_ENTRY RPC_IF_CALLBACK_FN(RPC_IF_HANDLE InterfaceUuid, void *Context);
#define RPC_MGR_EPV void

/* Binding handles (client). */
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingFree(RPC_BINDING_HANDLE *Binding);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingCopy(RPC_BINDING_HANDLE SourceBinding, RPC_BINDING_HANDLE *DestinationBinding);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingReset(RPC_BINDING_HANDLE Binding);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingFromStringBindingA(RPC_CSTR StringBinding, RPC_BINDING_HANDLE *Binding);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingFromStringBindingW(RPC_WSTR StringBinding, RPC_BINDING_HANDLE *Binding);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingToStringBindingA(RPC_BINDING_HANDLE Binding, RPC_CSTR *StringBinding);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingToStringBindingW(RPC_BINDING_HANDLE Binding, RPC_WSTR *StringBinding);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetOption(RPC_BINDING_HANDLE hBinding, unsigned long option,
                                                  ULONG_PTR optionValue);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingInqOption(RPC_BINDING_HANDLE hBinding, unsigned long option,
                                                  ULONG_PTR *pOptionValue);
ARPC_API RPC_STATUS RPC_ENTRY RpcMgmtSetComTimeout(RPC_BINDING_HANDLE Binding, unsigned int Timeout);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingVectorFree(RPC_BINDING_VECTOR **BindingVector);

/* Server. */
ARPC_API RPC_STATUS RPC_ENTRY RpcServerUseProtseqA(RPC_CSTR Protseq, unsigned int MaxCalls, void *SecurityDescriptor);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerUseProtseqW(RPC_WSTR Protseq, unsigned int MaxCalls, void *SecurityDescriptor);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerUseProtseqEpA(RPC_CSTR Protseq, unsigned int MaxCalls, RPC_CSTR Endpoint,
                                                     void *SecurityDescriptor);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerUseProtseqEpW(RPC_WSTR Protseq, unsigned int MaxCalls, RPC_WSTR Endpoint,
                                                     void *SecurityDescriptor);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerInqBindings(RPC_BINDING_VECTOR **BindingVector);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterIf(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterIfEx(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv,
                                                    unsigned int Flags, unsigned int MaxCalls,
                                                    RPC_IF_CALLBACK_FN *IfCallback);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterIf2(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv,
                                                   unsigned int Flags, unsigned int MaxCalls, unsigned int MaxRpcSize,
                                                   RPC_IF_CALLBACK_FN *IfCallbackFn);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerUnregisterIf(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid,
                                                    unsigned int WaitForCallsToComplete);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerListen(unsigned int MinimumCallThreads, unsigned int MaxCalls,
                                              unsigned int DontWait);
ARPC_API RPC_STATUS RPC_ENTRY RpcMgmtStopServerListening(RPC_BINDING_HANDLE Binding);
ARPC_API RPC_STATUS RPC_ENTRY RpcMgmtWaitServerListen(void);
ARPC_API RPC_STATUS RPC_ENTRY RpcMgmtIsServerListening(RPC_BINDING_HANDLE Binding);

/* String bindings and UUIDs. */
ARPC_API RPC_STATUS RPC_ENTRY RpcStringBindingComposeA(RPC_CSTR ObjUuid, RPC_CSTR ProtSeq, RPC_CSTR NetworkAddr, RPC_CSTR Endpoint, RPC_CSTR Options, RPC_CSTR *StringBinding);
ARPC_API RPC_STATUS RPC_ENTRY RpcStringBindingComposeW(RPC_WSTR ObjUuid, RPC_WSTR ProtSeq, RPC_WSTR NetworkAddr, RPC_WSTR Endpoint, RPC_WSTR Options, RPC_WSTR *StringBinding);
ARPC_API RPC_STATUS RPC_ENTRY RpcStringBindingParseA(RPC_CSTR StringBinding, RPC_CSTR *ObjUuid, RPC_CSTR *Protseq, RPC_CSTR *NetworkAddr, RPC_CSTR *Endpoint, RPC_CSTR *NetworkOptions);
ARPC_API RPC_STATUS RPC_ENTRY RpcStringBindingParseW(RPC_WSTR StringBinding, RPC_WSTR *ObjUuid, RPC_WSTR *Protseq, RPC_WSTR *NetworkAddr, RPC_WSTR *Endpoint, RPC_WSTR *NetworkOptions);
ARPC_API RPC_STATUS RPC_ENTRY RpcStringFreeA(RPC_CSTR *String);
ARPC_API RPC_STATUS RPC_ENTRY RpcStringFreeW(RPC_WSTR *String);
ARPC_API RPC_STATUS RPC_ENTRY UuidToStringA(UUID *Uuid, RPC_CSTR *StringUuid);
ARPC_API RPC_STATUS RPC_ENTRY UuidFromStringA(RPC_CSTR StringUuid, UUID *Uuid);
ARPC_API RPC_STATUS RPC_ENTRY UuidToStringW(UUID *Uuid, RPC_WSTR *StringUuid);
ARPC_API RPC_STATUS RPC_ENTRY UuidFromStringW(RPC_WSTR StringUuid, UUID *Uuid);
ARPC_API signed int RPC_ENTRY UuidCompare(UUID *Uuid1, UUID *Uuid2, RPC_STATUS *Status);
ARPC_API RPC_STATUS RPC_ENTRY UuidCreateNil(UUID *NilUuid);
ARPC_API int RPC_ENTRY UuidEqual(UUID *Uuid1, UUID *Uuid2, RPC_STATUS *Status);
ARPC_API int RPC_ENTRY UuidIsNil(UUID *Uuid, RPC_STATUS *Status);
ARPC_API RPC_STATUS RPC_ENTRY UuidCreate(UUID *Uuid);

#ifdef UNICODE
#define RpcStringBindingCompose RpcStringBindingComposeW
#define RpcStringBindingParse RpcStringBindingParseW
#define RpcStringFree RpcStringFreeW
#define UuidFromString UuidFromStringW
#define UuidToString UuidToStringW
#define RpcBindingFromStringBinding RpcBindingFromStringBindingW
#define RpcBindingToStringBinding RpcBindingToStringBindingW
#define RpcServerUseProtseq RpcServerUseProtseqW
#define RpcServerUseProtseqEp RpcServerUseProtseqEpW
#else
#define RpcStringBindingCompose RpcStringBindingComposeA
#define RpcStringBindingParse RpcStringBindingParseA
#define RpcStringFree RpcStringFreeA
#define UuidFromString UuidFromStringA
#define UuidToString UuidToStringA
#define RpcBindingFromStringBinding RpcBindingFromStringBindingA
#define RpcBindingToStringBinding RpcBindingToStringBindingA
#define RpcServerUseProtseq RpcServerUseProtseqA
#define RpcServerUseProtseqEp RpcServerUseProtseqEpA
#endif

/* Security (RPC_C_AUTHN_NONE only, until authentication is built). */
typedef struct _RPC_SECURITY_QOS {
    ULONG Version;
    ULONG Capabilities;
    ULONG IdentityTracking;
    ULONG ImpersonationType;
} RPC_SECURITY_QOS, *PRPC_SECURITY_QOS;
#define RPC_C_SECURITY_QOS_VERSION 1L
typedef void (__RPC_API *RPC_AUTH_KEY_RETRIEVAL_FN)(void *Arg, unsigned short *ServerPrincName, unsigned long KeyVer,
                                                    void **Key, RPC_STATUS *Status);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetAuthInfoA(RPC_BINDING_HANDLE Binding, RPC_CSTR ServerPrincName,
                                                     unsigned long AuthnLevel, unsigned long AuthnSvc,
                                                     RPC_AUTH_IDENTITY_HANDLE AuthIdentity, unsigned long AuthzSvc);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetAuthInfoW(RPC_BINDING_HANDLE Binding, RPC_WSTR ServerPrincName,
                                                     unsigned long AuthnLevel, unsigned long AuthnSvc,
                                                     RPC_AUTH_IDENTITY_HANDLE AuthIdentity, unsigned long AuthzSvc);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetAuthInfoExA(RPC_BINDING_HANDLE Binding, RPC_CSTR ServerPrincName,
                                                       unsigned long AuthnLevel, unsigned long AuthnSvc,
                                                       RPC_AUTH_IDENTITY_HANDLE AuthIdentity, unsigned long AuthzSvc,
                                                       RPC_SECURITY_QOS *SecurityQos);
ARPC_API RPC_STATUS RPC_ENTRY RpcBindingSetAuthInfoExW(RPC_BINDING_HANDLE Binding, RPC_WSTR ServerPrincName,
                                                       unsigned long AuthnLevel, unsigned long AuthnSvc,
                                                       RPC_AUTH_IDENTITY_HANDLE AuthIdentity, unsigned long AuthzSvc,
                                                       RPC_SECURITY_QOS *SecurityQOS);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterAuthInfoA(RPC_CSTR ServerPrincName, unsigned long AuthnSvc,
                                                         RPC_AUTH_KEY_RETRIEVAL_FN GetKeyFn, void *Arg);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerRegisterAuthInfoW(RPC_WSTR ServerPrincName, unsigned long AuthnSvc,
                                                         RPC_AUTH_KEY_RETRIEVAL_FN GetKeyFn, void *Arg);
ARPC_API RPC_STATUS RPC_ENTRY RpcImpersonateClient(RPC_BINDING_HANDLE BindingHandle);
ARPC_API RPC_STATUS RPC_ENTRY RpcRevertToSelf(void);
#ifdef UNICODE
#define RpcBindingSetAuthInfo RpcBindingSetAuthInfoW
#define RpcBindingSetAuthInfoEx RpcBindingSetAuthInfoExW
#define RpcServerRegisterAuthInfo RpcServerRegisterAuthInfoW
#else
#define RpcBindingSetAuthInfo RpcBindingSetAuthInfoA
#define RpcBindingSetAuthInfoEx RpcBindingSetAuthInfoExA
#define RpcServerRegisterAuthInfo RpcServerRegisterAuthInfoA
#endif

/* Exceptions and cancellation. */
ARPC_API void       RPC_ENTRY RpcRaiseException(RPC_STATUS exception) ARPC_NORETURN;
ARPC_API RPC_STATUS RPC_ENTRY RpcTestCancel(void);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerTestCancel(RPC_BINDING_HANDLE BindingHandle);

#ifdef __cplusplus
}
#endif
#endif /* ASYNCRPC_RPCDCE_H */
#endif /* POSIX */

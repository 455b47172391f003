/* rpcasync.h - asynchronous RPC: RPC_ASYNC_STATE and the RpcAsync* API.
 *
 * POSIX: the whole definition, with the x64 Windows layout (112 bytes; spec
 * §1.5).  Windows (MinGW): the SDK's rpcasync.h plus the two RPC_ASYNC_EVENT
 * values it lacks.
 */
#if defined(_WIN32)
/* The SDK's header, reached through rpc.h first because it expects rpc.h's
 * definitions.  No include guard of ours on this side: the SDK's headers
 * include each other in cycles that rely on re-entering rpc.h. */
#include <rpc.h>
#include_next <rpcasync.h>
/* MinGW's RPC_ASYNC_EVENT stops at RpcReceiveComplete; the SDK (Vista+) and
 * Wine have two more.  Constant expressions, usable in switch labels. */
#ifndef RpcClientDisconnect
#define RpcClientDisconnect ((RPC_ASYNC_EVENT)3)
#endif
#ifndef RpcClientCancel
#define RpcClientCancel ((RPC_ASYNC_EVENT)4)
#endif
/* RPC_CALL_ATTRIBUTES_V2 ProtocolSequence values, which MinGW lacks. */
#ifndef RPC_PROTSEQ_TCP
#define RPC_PROTSEQ_TCP 0x1
#define RPC_PROTSEQ_NMP 0x2
#define RPC_PROTSEQ_LRPC 0x3
#define RPC_PROTSEQ_HTTP 0x4
#endif

#else /* POSIX */
#ifndef ASYNCRPC_RPCASYNC_H
#define ASYNCRPC_RPCASYNC_H

#include "rpc.h"

#ifdef __cplusplus
extern "C" {
#endif

struct _RPC_MESSAGE;

typedef enum _RPC_NOTIFICATION_TYPES {
    RpcNotificationTypeNone = 0,
    RpcNotificationTypeEvent = 1,
    RpcNotificationTypeApc = 2,
    RpcNotificationTypeIoc = 3,
    RpcNotificationTypeHwnd = 4,
    RpcNotificationTypeCallback = 5
} RPC_NOTIFICATION_TYPES;

typedef enum _RPC_ASYNC_EVENT {
    RpcCallComplete = 0,
    RpcSendComplete = 1,
    RpcReceiveComplete = 2,
    RpcClientDisconnect = 3,
    RpcClientCancel = 4
} RPC_ASYNC_EVENT;

typedef enum _RPC_NOTIFICATIONS {
    RpcNotificationCallNone = 0,
    RpcNotificationClientDisconnect = 1,
    RpcNotificationCallCancel = 2
} RPC_NOTIFICATIONS;
#define RpcNotificationCallStatusChange RpcNotificationClientDisconnect

struct _RPC_ASYNC_STATE;
typedef void RPC_ENTRY RPCNOTIFICATION_ROUTINE(struct _RPC_ASYNC_STATE *pAsync, void *Context,
                                               RPC_ASYNC_EVENT Event);
typedef RPCNOTIFICATION_ROUTINE *PFN_RPCNOTIFICATION_ROUTINE;

typedef union _RPC_ASYNC_NOTIFICATION_INFO {
    struct {
        PFN_RPCNOTIFICATION_ROUTINE NotificationRoutine;
        HANDLE hThread;
    } APC;
    struct {
        HANDLE hIOPort;
        DWORD dwNumberOfBytesTransferred;
        DWORD_PTR dwCompletionKey;
        LPOVERLAPPED lpOverlapped;
    } IOC;
    struct {
        HWND hWnd;
        UINT Msg;
    } HWND;
    HANDLE hEvent;
    PFN_RPCNOTIFICATION_ROUTINE NotificationRoutine;
} RPC_ASYNC_NOTIFICATION_INFO, *PRPC_ASYNC_NOTIFICATION_INFO;

typedef struct _RPC_ASYNC_STATE {
    unsigned int Size;
    ULONG Signature;
    LONG Lock;
    ULONG Flags;
    void *StubInfo;
    void *UserInfo;
    void *RuntimeInfo;
    RPC_ASYNC_EVENT Event;
    RPC_NOTIFICATION_TYPES NotificationType;
    RPC_ASYNC_NOTIFICATION_INFO u;
    LONG_PTR Reserved[4];
} RPC_ASYNC_STATE, *PRPC_ASYNC_STATE;

#define RPC_ASYNC_VERSION_1_0 sizeof(RPC_ASYNC_STATE)
#define RPC_C_NOTIFY_ON_SEND_COMPLETE 0x1
#define RPC_C_INFINITE_TIMEOUT INFINITE
#define RpcAsyncGetCallHandle(pAsync) (((PRPC_ASYNC_STATE)(pAsync))->RuntimeInfo)

typedef enum tagExtendedErrorParamTypes {
    eeptAnsiString = 1, eeptUnicodeString, eeptLongVal, eeptShortVal, eeptPointerVal, eeptNone, eeptBinary
} ExtendedErrorParamTypes;

typedef enum _RpcCallType { rctInvalid = 0, rctNormal, rctTraining, rctGuaranteed } RpcCallType;
typedef enum _RpcCallClientLocality {
    rcclInvalid = 0, rcclLocal, rcclRemote, rcclClientUnknownLocality
} RpcCallClientLocality;
typedef enum _RpcLocalAddressFormat { rlafInvalid = 0, rlafIPv4, rlafIPv6 } RpcLocalAddressFormat;

#define RPC_QUERY_SERVER_PRINCIPAL_NAME 0x02
#define RPC_QUERY_CLIENT_PRINCIPAL_NAME 0x04
#define RPC_QUERY_CALL_LOCAL_ADDRESS    0x08
#define RPC_QUERY_CLIENT_PID            0x10
#define RPC_QUERY_IS_CLIENT_LOCAL       0x20
#define RPC_QUERY_NO_AUTH_REQUIRED      0x40
#define RPC_QUERY_CLIENT_ID             0x80

#define RPC_CALL_ATTRIBUTES_VERSION 2
#define RPC_PROTSEQ_TCP 0x1
#define RPC_PROTSEQ_NMP 0x2
#define RPC_PROTSEQ_LRPC 0x3
#define RPC_PROTSEQ_HTTP 0x4

typedef struct tagRPC_CALL_LOCAL_ADDRESS_V1 {
    unsigned int Version;
    void *Buffer;
    unsigned long BufferSize;
    RpcLocalAddressFormat AddressFormat;
} RPC_CALL_LOCAL_ADDRESS_V1, RPC_CALL_LOCAL_ADDRESS;

typedef struct tagRPC_CALL_ATTRIBUTES_V1_A {
    unsigned int Version;
    ULONG Flags;
    ULONG ServerPrincipalNameBufferLength;
    unsigned char *ServerPrincipalName;
    ULONG ClientPrincipalNameBufferLength;
    unsigned char *ClientPrincipalName;
    ULONG AuthenticationLevel;
    ULONG AuthenticationService;
    BOOL NullSession;
} RPC_CALL_ATTRIBUTES_V1_A;

typedef struct tagRPC_CALL_ATTRIBUTES_V2_A {
    unsigned int Version;
    ULONG Flags;
    ULONG ServerPrincipalNameBufferLength;
    unsigned char *ServerPrincipalName;
    ULONG ClientPrincipalNameBufferLength;
    unsigned char *ClientPrincipalName;
    ULONG AuthenticationLevel;
    ULONG AuthenticationService;
    BOOL NullSession;
    BOOL KernelModeCaller;
    ULONG ProtocolSequence;
    RpcCallClientLocality IsClientLocal;
    HANDLE ClientPID;
    ULONG CallStatus;
    RpcCallType CallType;
    RPC_CALL_LOCAL_ADDRESS_V1 *CallLocalAddress;
    unsigned short OpNum;
    UUID InterfaceUuid;
} RPC_CALL_ATTRIBUTES_V2_A, RPC_CALL_ATTRIBUTES_A;

/* W: the principal names are unsigned short * (UTF-16), as in the SDK. */
typedef struct tagRPC_CALL_ATTRIBUTES_V2_W {
    unsigned int Version;
    ULONG Flags;
    ULONG ServerPrincipalNameBufferLength;
    unsigned short *ServerPrincipalName;
    ULONG ClientPrincipalNameBufferLength;
    unsigned short *ClientPrincipalName;
    ULONG AuthenticationLevel;
    ULONG AuthenticationService;
    BOOL NullSession;
    BOOL KernelModeCaller;
    ULONG ProtocolSequence;
    RpcCallClientLocality IsClientLocal;
    HANDLE ClientPID;
    ULONG CallStatus;
    RpcCallType CallType;
    RPC_CALL_LOCAL_ADDRESS_V1 *CallLocalAddress;
    unsigned short OpNum;
    UUID InterfaceUuid;
} RPC_CALL_ATTRIBUTES_V2_W, RPC_CALL_ATTRIBUTES_W;

ARPC_API RPC_STATUS RPC_ENTRY RpcServerInqCallAttributesA(RPC_BINDING_HANDLE ClientBinding, void *RpcCallAttributes);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerInqCallAttributesW(RPC_BINDING_HANDLE ClientBinding, void *RpcCallAttributes);
#ifdef UNICODE
#define RPC_CALL_ATTRIBUTES_V2 RPC_CALL_ATTRIBUTES_V2_W
#define RPC_CALL_ATTRIBUTES RPC_CALL_ATTRIBUTES_W
#define RpcServerInqCallAttributes RpcServerInqCallAttributesW
#else
#define RPC_CALL_ATTRIBUTES_V2 RPC_CALL_ATTRIBUTES_V2_A
#define RPC_CALL_ATTRIBUTES RPC_CALL_ATTRIBUTES_A
#define RpcServerInqCallAttributes RpcServerInqCallAttributesA
#endif

ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncInitializeHandle(PRPC_ASYNC_STATE pAsync, unsigned int Size);
ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncRegisterInfo(PRPC_ASYNC_STATE pAsync);
ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncGetCallStatus(PRPC_ASYNC_STATE pAsync);
ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncCompleteCall(PRPC_ASYNC_STATE pAsync, void *Reply);
ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncAbortCall(PRPC_ASYNC_STATE pAsync, unsigned long ExceptionCode);
ARPC_API RPC_STATUS RPC_ENTRY RpcAsyncCancelCall(PRPC_ASYNC_STATE pAsync, BOOL fAbort);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerSubscribeForNotification(RPC_BINDING_HANDLE Binding,
                                                                RPC_NOTIFICATIONS Notification,
                                                                RPC_NOTIFICATION_TYPES NotificationType,
                                                                RPC_ASYNC_NOTIFICATION_INFO *NotificationInfo);
ARPC_API RPC_STATUS RPC_ENTRY RpcServerUnsubscribeForNotification(RPC_BINDING_HANDLE Binding,
                                                                  RPC_NOTIFICATIONS Notification,
                                                                  unsigned long *NotificationsQueued);
ARPC_API int RPC_ENTRY I_RpcExceptionFilter(unsigned long ExceptionCode);

#ifdef __cplusplus
}
#endif
#endif /* ASYNCRPC_RPCASYNC_H */
#endif /* POSIX */

/* rpcndr.h - NDR base types and the stub-facing declarations (POSIX build;
 * on Windows the SDK's rpcndr.h). */
#if defined(_WIN32)
/* The SDK's header, reached through rpc.h first because it expects rpc.h's
 * definitions.  No include guard of ours on this side: the SDK's headers
 * include each other in cycles that rely on re-entering rpc.h. */
#include <rpc.h>
#include_next <rpcndr.h>
/* The Windows SDK's rpcndr.h defines NDR's `small`; MinGW's only for rc. */
#ifndef small
#define small char
#endif

#else /* POSIX */
#ifndef ASYNCRPC_RPCNDR_H
#define ASYNCRPC_RPCNDR_H
#include "rpc.h"
#include "rpcdcep.h"

#ifdef __cplusplus
extern "C" {
#endif

#define __RPCNDR_H_VERSION__ 500
#define NDR_CHAR_REP_MASK 0x0000000FUL
#define NDR_INT_REP_MASK 0x000000F0UL
#define NDR_FLOAT_REP_MASK 0x0000FF00UL
#define NDR_LITTLE_ENDIAN 0x00000010UL
#define NDR_BIG_ENDIAN 0x00000000UL
#define NDR_IEEE_FLOAT 0x00000000UL
#define NDR_VAX_FLOAT 0x00000100UL
#define NDR_IBM_FLOAT 0x00000300UL
#define NDR_ASCII_CHAR 0x00000000UL
#define NDR_EBCDIC_CHAR 0x00000001UL
#define NDR_LOCAL_DATA_REPRESENTATION 0x00000010UL
#define NDR_LOCAL_ENDIAN NDR_LITTLE_ENDIAN

/* NDR base types as rpcndr.h spells them. */
typedef unsigned char byte;
typedef byte cs_byte;
typedef unsigned char boolean;
#ifndef _HYPER_DEFINED
#define _HYPER_DEFINED
#define hyper int64_t
#define MIDL_uhyper uint64_t
#endif
#ifndef small
#define small char
#endif
#define __int3264 long
typedef void *NDR_CCONTEXT;
typedef struct { void *pad[2]; void *userContext; } *NDR_SCONTEXT;
typedef void (__RPC_USER *NDR_RUNDOWN)(void *context);
typedef void *RPC_SS_THREAD_HANDLE;

/* Forget a client context handle without telling the server. */
ARPC_API void RPC_ENTRY RpcSsDestroyClientContext(void **ContextHandle);

void *__RPC_USER MIDL_user_allocate(size_t size);
void __RPC_USER MIDL_user_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif /* ASYNCRPC_RPCNDR_H */
#endif /* POSIX */

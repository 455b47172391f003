/* rpc.h - the RPC runtime's master header.
 *
 * POSIX: the whole Windows RPC surface asyncrpc offers (with windows.h's
 * base types).  Windows (MinGW): the SDK's rpc.h, plus the C-only
 * RpcTryExcept family, which the SDK spells with MSVC's __try.
 */
#if defined(_WIN32)

/* No include guard of ours here: the SDK's headers re-enter rpc.h. */
#include_next <rpc.h>
/* Replace the SDK's __try spelling of the exception macros once the SDK has
 * defined them (the outermost pass through this file always gets here). */
#if defined(RpcTryExcept) && !defined(ASYNCRPC_EXCEPT_H)
#include "arpc_except.h"
#endif
#ifndef RpcExceptionFilter
#define RpcExceptionFilter(ExceptionCode) I_RpcExceptionFilter(ExceptionCode)
#endif

#else /* POSIX */
#ifndef ASYNCRPC_RPC_H
#define ASYNCRPC_RPC_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

#define __RPC_WIN64__
#define RPC_UNICODE_SUPPORTED
#define __RPC_FAR
#define __RPC_API
#define __RPC_USER
#define __RPC_STUB
#define RPC_ENTRY
#define RPC_VAR_ENTRY
#define RPCRTAPI ARPC_API
#define RPCNSAPI ARPC_API
#define DECLSPEC_IMPORT
#define DECLSPEC_NORETURN ARPC_NORETURN

typedef void *I_RPC_HANDLE;
typedef LONG RPC_STATUS;   /* 32-bit, as on Windows */

#ifndef __MIDL_USER_DEFINED
#define __MIDL_USER_DEFINED
#define midl_user_allocate MIDL_user_allocate
#define midl_user_free     MIDL_user_free
#endif

#ifdef __cplusplus
}
#endif

#include "rpcdce.h"
#include "rpcnterr.h"
#include "winerror.h"
#include "rpcasync.h"
#include "arpc_except.h"
#define RpcExceptionFilter(ExceptionCode) I_RpcExceptionFilter(ExceptionCode)

#endif /* ASYNCRPC_RPC_H */
#endif /* POSIX */

/* windows.h - on POSIX, the small Windows base that async RPC code needs;
 * on Windows (MinGW), the SDK's own windows.h. */
#if defined(_WIN32)
#include_next <windows.h>
#else
#ifndef ASYNCRPC_WINDOWS_H
#define ASYNCRPC_WINDOWS_H
#include "arpc_wintypes.h"
#include "winerror.h"
#include "arpc_winbase.h"
#ifndef WIN32_LEAN_AND_MEAN
#include "rpc.h"
#endif
#endif /* ASYNCRPC_WINDOWS_H */
#endif

/* win_misc.c - GetLastError / SetLastError (thread-local) and the tick
 * counts (CLOCK_MONOTONIC, milliseconds). */
#include <time.h>

#include "win_internal.h"

static _Thread_local DWORD tls_last_error;

void arpc_set_error(DWORD err)
{
    tls_last_error = err;
}

ARPC_API DWORD WINAPI arpc_GetLastError(void)
{
    return tls_last_error;
}

ARPC_API void WINAPI arpc_SetLastError(DWORD dwErrCode)
{
    tls_last_error = dwErrCode;
}

ARPC_API ULONGLONG WINAPI arpc_GetTickCount64(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ULONGLONG)ts.tv_sec * 1000u + (ULONGLONG)ts.tv_nsec / 1000000u;
}

ARPC_API DWORD WINAPI arpc_GetTickCount(void)
{
    return (DWORD)arpc_GetTickCount64(); /* wraps after 49.7 days, as on Windows */
}

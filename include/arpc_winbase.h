/* arpc_winbase.h - the part of the Windows base API that async RPC programs
 * use, implemented by asyncrpc on POSIX (posix/win_*.c).
 *
 * The library exports these under the arpc_ prefix so that they cannot
 * collide with another library's symbols; the macros below give them their
 * Windows names.  Behaviour follows Windows: handles are small integers from
 * a process-wide table (a bad or closed handle fails with
 * ERROR_INVALID_HANDLE, it never crashes), an APC runs only inside an
 * alertable wait of the thread it was queued to, auto-reset events release
 * exactly one waiter, completion-port packets are delivered in FIFO order.
 *
 * Not supported (fails with ERROR_NOT_SUPPORTED): named objects, associating
 * a file or socket handle with a completion port.
 */
#ifndef ASYNCRPC_WINBASE_H
#define ASYNCRPC_WINBASE_H

#if defined(_WIN32)
#error "arpc_winbase.h is for POSIX builds; on Windows use the SDK's <windows.h>"
#endif

#include "arpc_config.h"
#include "arpc_wintypes.h"

#ifdef __cplusplus
extern "C" {
#endif

ARPC_API BOOL   WINAPI arpc_CloseHandle(HANDLE h);
ARPC_API BOOL   WINAPI arpc_DuplicateHandle(HANDLE hSourceProcess, HANDLE hSource, HANDLE hTargetProcess,
                                           LPHANDLE lpTarget, DWORD dwDesiredAccess, BOOL bInheritHandle,
                                           DWORD dwOptions);
ARPC_API DWORD  WINAPI arpc_GetLastError(void);
ARPC_API void   WINAPI arpc_SetLastError(DWORD dwErrCode);

/* Events */
ARPC_API HANDLE WINAPI arpc_CreateEventA(LPSECURITY_ATTRIBUTES sa, BOOL bManualReset, BOOL bInitialState, LPCSTR name);
ARPC_API HANDLE WINAPI arpc_CreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL bManualReset, BOOL bInitialState, LPCWSTR name);
ARPC_API BOOL   WINAPI arpc_SetEvent(HANDLE hEvent);
ARPC_API BOOL   WINAPI arpc_ResetEvent(HANDLE hEvent);

/* Threads */
ARPC_API HANDLE WINAPI arpc_CreateThread(LPSECURITY_ATTRIBUTES sa, SIZE_T dwStackSize, LPTHREAD_START_ROUTINE start,
                                         LPVOID param, DWORD dwCreationFlags, LPDWORD lpThreadId);
ARPC_API DWORD  WINAPI arpc_ResumeThread(HANDLE hThread);
ARPC_API void   WINAPI arpc_ExitThread(DWORD dwExitCode) ARPC_NORETURN;
ARPC_API HANDLE WINAPI arpc_GetCurrentThread(void);
ARPC_API DWORD  WINAPI arpc_GetCurrentThreadId(void);
ARPC_API DWORD  WINAPI arpc_GetCurrentProcessId(void);
ARPC_API HANDLE WINAPI arpc_GetCurrentProcess(void);
ARPC_API DWORD  WINAPI arpc_GetThreadId(HANDLE hThread);
ARPC_API BOOL   WINAPI arpc_GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
ARPC_API DWORD  WINAPI arpc_QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);

/* Waits */
ARPC_API DWORD  WINAPI arpc_WaitForSingleObject(HANDLE h, DWORD dwMilliseconds);
ARPC_API DWORD  WINAPI arpc_WaitForSingleObjectEx(HANDLE h, DWORD dwMilliseconds, BOOL bAlertable);
ARPC_API DWORD  WINAPI arpc_WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                                   DWORD dwMilliseconds);
ARPC_API DWORD  WINAPI arpc_WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                                     DWORD dwMilliseconds, BOOL bAlertable);
ARPC_API void   WINAPI arpc_Sleep(DWORD dwMilliseconds);
ARPC_API DWORD  WINAPI arpc_SleepEx(DWORD dwMilliseconds, BOOL bAlertable);

/* I/O completion ports (bare ports only) */
ARPC_API HANDLE WINAPI arpc_CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                                   ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads);
ARPC_API BOOL   WINAPI arpc_PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                                       ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);
ARPC_API BOOL   WINAPI arpc_GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred,
                                                      PULONG_PTR lpCompletionKey, LPOVERLAPPED *lpOverlapped,
                                                      DWORD dwMilliseconds);
ARPC_API BOOL   WINAPI arpc_GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpEntries,
                                                        ULONG ulCount, PULONG ulNumEntriesRemoved,
                                                        DWORD dwMilliseconds, BOOL fAlertable);

/* Time */
ARPC_API DWORD     WINAPI arpc_GetTickCount(void);
ARPC_API ULONGLONG WINAPI arpc_GetTickCount64(void);

/* Interlocked operations: full barriers, as on Windows. */
static inline LONG arpc_InterlockedIncrement(LONG volatile *p) { return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST); }
static inline LONG arpc_InterlockedDecrement(LONG volatile *p) { return __atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST); }
static inline LONG arpc_InterlockedExchange(LONG volatile *p, LONG v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline LONG arpc_InterlockedExchangeAdd(LONG volatile *p, LONG v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline LONG arpc_InterlockedCompareExchange(LONG volatile *p, LONG exchange, LONG comparand)
{
    __atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;
}
static inline PVOID arpc_InterlockedExchangePointer(PVOID volatile *p, PVOID v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline PVOID arpc_InterlockedCompareExchangePointer(PVOID volatile *p, PVOID exchange, PVOID comparand)
{
    __atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;
}

#define CloseHandle                       arpc_CloseHandle
#define DuplicateHandle                   arpc_DuplicateHandle
#define GetLastError                      arpc_GetLastError
#define SetLastError                      arpc_SetLastError
#define CreateEventA                      arpc_CreateEventA
#define CreateEventW                      arpc_CreateEventW
#define SetEvent                          arpc_SetEvent
#define ResetEvent                        arpc_ResetEvent
#define CreateThread                      arpc_CreateThread
#define ResumeThread                      arpc_ResumeThread
#define ExitThread                        arpc_ExitThread
#define GetCurrentThread                  arpc_GetCurrentThread
#define GetCurrentThreadId                arpc_GetCurrentThreadId
#define GetCurrentProcessId               arpc_GetCurrentProcessId
#define GetCurrentProcess                 arpc_GetCurrentProcess
#define GetThreadId                       arpc_GetThreadId
#define GetExitCodeThread                 arpc_GetExitCodeThread
#define QueueUserAPC                      arpc_QueueUserAPC
#define WaitForSingleObject               arpc_WaitForSingleObject
#define WaitForSingleObjectEx             arpc_WaitForSingleObjectEx
#define WaitForMultipleObjects            arpc_WaitForMultipleObjects
#define WaitForMultipleObjectsEx          arpc_WaitForMultipleObjectsEx
#define Sleep                             arpc_Sleep
#define SleepEx                           arpc_SleepEx
#define CreateIoCompletionPort            arpc_CreateIoCompletionPort
#define PostQueuedCompletionStatus        arpc_PostQueuedCompletionStatus
#define GetQueuedCompletionStatus         arpc_GetQueuedCompletionStatus
#define GetQueuedCompletionStatusEx       arpc_GetQueuedCompletionStatusEx
#define GetTickCount                      arpc_GetTickCount
#define GetTickCount64                    arpc_GetTickCount64
#define InterlockedIncrement              arpc_InterlockedIncrement
#define InterlockedDecrement              arpc_InterlockedDecrement
#define InterlockedExchange               arpc_InterlockedExchange
#define InterlockedExchangeAdd            arpc_InterlockedExchangeAdd
#define InterlockedCompareExchange        arpc_InterlockedCompareExchange
#define InterlockedExchangePointer        arpc_InterlockedExchangePointer
#define InterlockedCompareExchangePointer arpc_InterlockedCompareExchangePointer
#ifdef UNICODE
#define CreateEvent CreateEventW
#else
#define CreateEvent CreateEventA
#endif

#define DUPLICATE_CLOSE_SOURCE 0x00000001
#define DUPLICATE_SAME_ACCESS  0x00000002

#ifdef __cplusplus
}
#endif
#endif /* ASYNCRPC_WINBASE_H */

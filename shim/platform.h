/* platform.h - the one interface between the portable core (shim/) and the
 * operating system.  posix/platform_posix.c and win32/platform_win32.c
 * implement it; nothing in shim/ calls the OS any other way.
 *
 * The Windows types (HANDLE, RPC_STATUS, ...) come from the public headers:
 * on POSIX they are asyncrpc's own, on Windows the SDK's.
 */
#ifndef ASYNCRPC_SHIM_PLATFORM_H
#define ASYNCRPC_SHIM_PLATFORM_H

#include <rpc.h>
#include <rpcasync.h>
#include <stddef.h>
#include <stdint.h>

/* Opaque storage big enough for pthread_mutex_t / SRWLOCK and for
 * pthread_cond_t / CONDITION_VARIABLE; each backend checks the size. */
typedef union arpc_mutex { void *align; unsigned char bytes[64]; } arpc_mutex;
typedef union arpc_cond  { void *align; unsigned char bytes[64]; } arpc_cond;

void arpc_mutex_init(arpc_mutex *m);
void arpc_mutex_destroy(arpc_mutex *m);
void arpc_mutex_lock(arpc_mutex *m);
void arpc_mutex_unlock(arpc_mutex *m);
/* Nonzero when the lock was free and is now held. */
int arpc_mutex_trylock(arpc_mutex *m);

void arpc_cond_init(arpc_cond *c);
void arpc_cond_destroy(arpc_cond *c);
void arpc_cond_wait(arpc_cond *c, arpc_mutex *m);
/* Returns 0 when signalled (or spuriously woken), nonzero on timeout. */
int  arpc_cond_timedwait(arpc_cond *c, arpc_mutex *m, uint32_t ms);
void arpc_cond_signal(arpc_cond *c);
void arpc_cond_broadcast(arpc_cond *c);

/* Run init() exactly once per flag, however many threads race to it;
 * everyone returns after it has run. */
typedef union arpc_once_flag { void *align; unsigned char bytes[16]; } arpc_once_flag;
#define ARPC_ONCE_INIT {0}
void arpc_once(arpc_once_flag *flag, void (*init)(void));

/* n cryptographically random bytes (UuidCreate, association groups). */
RPC_STATUS arpc_random_bytes(void *buf, size_t n);

/* Runtime threads. */
typedef struct arpc_thread arpc_thread;
typedef void (*arpc_thread_fn)(void *arg);
/* Returns NULL when the thread cannot be created. */
arpc_thread *arpc_thread_create(arpc_thread_fn fn, void *arg);
void arpc_thread_join(arpc_thread *t);
uint64_t arpc_now_ms(void);

/* A thread about to block in GetQueuedCompletionStatus(Ex) (not
 * alertable) with nothing queued first calls run(ms): the runtime may use
 * the thread to do its I/O - and so deliver the completion it waits for
 * without a hand-over from another thread.  run returns nonzero if it did
 * (the wait looks at its port again), 0 to let the thread sleep as usual;
 * it must return early when kick() is called (a packet was handed to the
 * thread meanwhile).  POSIX build only: on Windows the completion port is
 * the system's and this does nothing. */
void arpc_set_wait_helper(int (*run)(uint32_t ms), void (*kick)(void));

/* Notification delivery through the Windows mechanisms an RPC_ASYNC_STATE
 * names.  Each returns RPC_S_OK or a Windows status code. */
RPC_STATUS arpc_notify_event(HANDLE hEvent);
/* Queue routine(arg) as an APC to hThread; it runs in that thread's
 * alertable wait. */
RPC_STATUS arpc_notify_apc(HANDLE hThread, void (*routine)(void *arg), void *arg);
RPC_STATUS arpc_notify_iocp(HANDLE port, DWORD bytes, ULONG_PTR key, LPOVERLAPPED ov);
/* POSIX has no windows: RPC_S_CANNOT_SUPPORT there. */
RPC_STATUS arpc_notify_hwnd(HWND hWnd, UINT msg, void *lparam);
/* Whether HWND notification can work on this platform at all. */
int arpc_notify_hwnd_supported(void);
/* A real (not pseudo) handle to the calling thread, for APCs aimed at it;
 * the caller closes it with arpc_handle_close. */
RPC_STATUS arpc_current_thread_handle(HANDLE *out);
void arpc_handle_close(HANDLE h);

#endif /* ASYNCRPC_SHIM_PLATFORM_H */

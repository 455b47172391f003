/* platform_posix.c - shim/platform.h on POSIX: pthreads for the core's locks
 * and threads, the emulated Windows base (arpc_*) for notifications. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

#include "platform.h"

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(arpc_mutex), "arpc_mutex too small for pthread_mutex_t");
_Static_assert(sizeof(pthread_cond_t) <= sizeof(arpc_cond), "arpc_cond too small for pthread_cond_t");
_Static_assert(_Alignof(pthread_mutex_t) <= _Alignof(arpc_mutex), "arpc_mutex under-aligned");
_Static_assert(_Alignof(pthread_cond_t) <= _Alignof(arpc_cond), "arpc_cond under-aligned");

#define MTX(m) ((pthread_mutex_t *)(void *)(m)->bytes)
#define CND(c) ((pthread_cond_t *)(void *)(c)->bytes)

void arpc_mutex_init(arpc_mutex *m)    { pthread_mutex_init(MTX(m), NULL); }
void arpc_mutex_destroy(arpc_mutex *m) { pthread_mutex_destroy(MTX(m)); }
void arpc_mutex_lock(arpc_mutex *m)    { pthread_mutex_lock(MTX(m)); }
void arpc_mutex_unlock(arpc_mutex *m)  { pthread_mutex_unlock(MTX(m)); }
int arpc_mutex_trylock(arpc_mutex *m)  { return pthread_mutex_trylock(MTX(m)) == 0; }

/* A zero flag is "not run"; one process-wide lock serialises first runs
 * (they are rare), the atomic keeps every later call lock-free. */
void arpc_once(arpc_once_flag *flag, void (*init)(void))
{
    static pthread_mutex_t once_lock = PTHREAD_MUTEX_INITIALIZER;
    int *done = (int *)(void *)flag->bytes;
    if (__atomic_load_n(done, __ATOMIC_ACQUIRE))
        return;
    pthread_mutex_lock(&once_lock);
    if (!__atomic_load_n(done, __ATOMIC_RELAXED)) {
        init();
        __atomic_store_n(done, 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&once_lock);
}

void arpc_cond_init(arpc_cond *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(CND(c), &a);
    pthread_condattr_destroy(&a);
}

void arpc_cond_destroy(arpc_cond *c)   { pthread_cond_destroy(CND(c)); }
void arpc_cond_wait(arpc_cond *c, arpc_mutex *m) { pthread_cond_wait(CND(c), MTX(m)); }
void arpc_cond_signal(arpc_cond *c)    { pthread_cond_signal(CND(c)); }
void arpc_cond_broadcast(arpc_cond *c) { pthread_cond_broadcast(CND(c)); }

int arpc_cond_timedwait(arpc_cond *c, arpc_mutex *m, uint32_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(ms / 1000u);
    ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return pthread_cond_timedwait(CND(c), MTX(m), &ts) == ETIMEDOUT;
}

struct arpc_thread {
    pthread_t tid;
    arpc_thread_fn fn;
    void *arg;
};

static void *thread_main(void *p)
{
    struct arpc_thread *t = p;
    t->fn(t->arg);
    return NULL;
}

arpc_thread *arpc_thread_create(arpc_thread_fn fn, void *arg)
{
    struct arpc_thread *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    t->fn = fn;
    t->arg = arg;
    if (pthread_create(&t->tid, NULL, thread_main, t) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void arpc_thread_join(arpc_thread *t)
{
    if (!t)
        return;
    pthread_join(t->tid, NULL);
    free(t);
}

uint64_t arpc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---------------------------------------------------------- notifications */

static RPC_STATUS last_error_or(RPC_STATUS fallback)
{
    DWORD e = arpc_GetLastError();
    return e ? (RPC_STATUS)e : fallback;
}

RPC_STATUS arpc_notify_event(HANDLE hEvent)
{
    if (!arpc_SetEvent(hEvent))
        return last_error_or(ERROR_INVALID_HANDLE);
    return RPC_S_OK;
}

struct apc_record {
    void (*routine)(void *arg);
    void *arg;
};

static void WINAPI apc_trampoline(ULONG_PTR p)
{
    struct apc_record *r = (struct apc_record *)p;
    void (*routine)(void *) = r->routine;
    void *arg = r->arg;
    free(r);
    routine(arg);
}

RPC_STATUS arpc_notify_apc(HANDLE hThread, void (*routine)(void *arg), void *arg)
{
    if (!routine)
        return ERROR_INVALID_PARAMETER;
    struct apc_record *r = malloc(sizeof *r);
    if (!r)
        return ERROR_NOT_ENOUGH_MEMORY;
    r->routine = routine;
    r->arg = arg;
    if (!arpc_QueueUserAPC(apc_trampoline, hThread, (ULONG_PTR)r)) {
        RPC_STATUS st = last_error_or(ERROR_INVALID_HANDLE);
        free(r);
        return st;
    }
    return RPC_S_OK;
}

RPC_STATUS arpc_notify_iocp(HANDLE port, DWORD bytes, ULONG_PTR key, LPOVERLAPPED ov)
{
    if (!arpc_PostQueuedCompletionStatus(port, bytes, key, ov))
        return last_error_or(ERROR_INVALID_HANDLE);
    return RPC_S_OK;
}

RPC_STATUS arpc_notify_hwnd(HWND hWnd, UINT msg, void *lparam)
{
    (void)hWnd;
    (void)msg;
    (void)lparam;
    return RPC_S_CANNOT_SUPPORT;
}

int arpc_notify_hwnd_supported(void)
{
    return 0;
}

RPC_STATUS arpc_current_thread_handle(HANDLE *out)
{
    if (!out)
        return ERROR_INVALID_PARAMETER;
    *out = NULL;
    if (!arpc_DuplicateHandle(arpc_GetCurrentProcess(), arpc_GetCurrentThread(), arpc_GetCurrentProcess(), out, 0,
                              FALSE, DUPLICATE_SAME_ACCESS))
        return last_error_or(ERROR_NOT_ENOUGH_MEMORY);
    return RPC_S_OK;
}

void arpc_handle_close(HANDLE h)
{
    if (h)
        arpc_CloseHandle(h);
}

RPC_STATUS arpc_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return RPC_S_OUT_OF_RESOURCES;
        }
        p += got;
        n -= (size_t)got;
    }
    return RPC_S_OK;
}

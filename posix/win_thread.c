/* win_thread.c - threads: CreateThread, ResumeThread, ExitThread, thread ids,
 * exit codes, QueueUserAPC and the per-thread records.
 *
 * Every thread that uses the emulation has a record (struct arpc_thr), made
 * by CreateThread or lazily, thread-local, the first time a thread needs one
 * (for example the main thread waiting, or duplicating GetCurrentThread()).
 * A running thread holds one reference on its own record; a pthread key
 * destructor drops it when a thread not made by CreateThread ends (and
 * handles ExitThread).  When a thread ends its record becomes signalled and
 * its pending APCs are discarded, as on Windows.
 *
 * Thread ids are process-unique multiples of 4 given out from a counter.
 * Security attributes are ignored; dwStackSize is honoured as a minimum.
 */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "win_internal.h"

#ifndef ERROR_GEN_FAILURE
#define ERROR_GEN_FAILURE 31L
#endif

#define PSEUDO_PROCESS ((HANDLE)(LONG_PTR)-1)
#define PSEUDO_THREAD  ((HANDLE)(LONG_PTR)-2)

static pthread_key_t g_key;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static _Thread_local struct arpc_thr *tls_self;
static DWORD g_tid_counter;

static void thread_finish(struct arpc_thr *t, DWORD code)
{
    arpc_win_lock_acquire();
    t->exited = 1;
    t->exit_code = code;
    struct arpc_apc *a = t->apc_head;
    t->apc_head = t->apc_tail = NULL;
    while (a) { /* pending APCs of an ending thread never run */
        struct arpc_apc *n = a->next;
        free(a);
        a = n;
    }
    arpc_obj_notify(&t->hdr);
    arpc_obj_release(&t->hdr); /* the running thread's own reference */
    arpc_win_lock_release();
}

static void key_destructor(void *p)
{
    struct arpc_thr *t = p;
    if (tls_self == t)
        tls_self = NULL;
    thread_finish(t, t->pending_exit_code);
}

static void make_key(void)
{
    if (pthread_key_create(&g_key, key_destructor) != 0)
        abort(); /* only at start-up when the process has no keys left */
}

static struct arpc_thr *thr_alloc(void)
{
    struct arpc_thr *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&t->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        free(t);
        return NULL;
    }
    arpc_obj_init(&t->hdr, ARPC_OBJ_THREAD);
    t->hdr.refs = 1; /* held by the running thread */
    t->tid = __atomic_add_fetch(&g_tid_counter, 4u, __ATOMIC_RELAXED);
    t->wait_result = ARPC_WAIT_PENDING;
    return t;
}

void arpc_thr_free(struct arpc_thr *t)
{
    struct arpc_apc *a = t->apc_head;
    while (a) {
        struct arpc_apc *n = a->next;
        free(a);
        a = n;
    }
    pthread_cond_destroy(&t->cond);
    free(t);
}

/* Needs no lock (so it may be called with or without it). */
struct arpc_thr *arpc_thr_self(void)
{
    if (tls_self)
        return tls_self;
    pthread_once(&g_once, make_key);
    struct arpc_thr *t = thr_alloc();
    if (!t)
        return NULL;
    if (pthread_setspecific(g_key, t) != 0) {
        arpc_thr_free(t);
        return NULL;
    }
    tls_self = t;
    return t;
}

struct arpc_thr *arpc_thr_resolve(HANDLE h)
{
    if (h == PSEUDO_THREAD)
        return arpc_thr_self();
    return (struct arpc_thr *)arpc_handle_lookup(h, ARPC_OBJ_THREAD);
}

int arpc_thr_apc_pending(const struct arpc_thr *t)
{
    return t->apc_head != NULL;
}

void arpc_thr_run_apcs(struct arpc_thr *t)
{
    for (;;) {
        arpc_win_lock_acquire();
        struct arpc_apc *a = t->apc_head;
        if (a) {
            t->apc_head = a->next;
            if (!t->apc_head)
                t->apc_tail = NULL;
        }
        arpc_win_lock_release();
        if (!a)
            return;
        PAPCFUNC fn = a->fn;
        ULONG_PTR data = a->data;
        free(a);
        fn(data); /* no lock held */
    }
}

static void *trampoline(void *arg)
{
    struct arpc_thr *t = arg;
    tls_self = t;
    pthread_setspecific(g_key, t);
    arpc_win_lock_acquire();
    while (t->suspend)
        pthread_cond_wait(&t->cond, &arpc_win_lock);
    arpc_win_lock_release();
    DWORD rc = t->start(t->param);
    tls_self = NULL;
    pthread_setspecific(g_key, NULL);
    thread_finish(t, rc);
    return NULL;
}

ARPC_API HANDLE WINAPI arpc_CreateThread(LPSECURITY_ATTRIBUTES sa, SIZE_T dwStackSize, LPTHREAD_START_ROUTINE start,
                                         LPVOID param, DWORD dwCreationFlags, LPDWORD lpThreadId)
{
    (void)sa;
    if (!start) {
        arpc_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    pthread_once(&g_once, make_key);
    struct arpc_thr *t = thr_alloc();
    if (!t) {
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    t->created = 1;
    t->start = start;
    t->param = param;
    t->suspend = (dwCreationFlags & CREATE_SUSPENDED) ? 1u : 0u;

    arpc_win_lock_acquire();
    HANDLE h = arpc_handle_alloc(&t->hdr);
    arpc_win_lock_release();
    if (!h) {
        arpc_thr_free(t);
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (dwStackSize) {
        size_t sz = dwStackSize;
        size_t min = 256u * 1024u;
        if (sz < min)
            sz = min;
        long pg = sysconf(_SC_PAGESIZE);
        if (pg > 0)
            sz = (sz + (size_t)pg - 1) / (size_t)pg * (size_t)pg;
        pthread_attr_setstacksize(&attr, sz);
    }
    DWORD tid = t->tid;
    pthread_t pt;
    int rc = pthread_create(&pt, &attr, trampoline, t);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        arpc_CloseHandle(h);           /* drops the handle's reference */
        arpc_win_lock_acquire();
        arpc_obj_release(&t->hdr);     /* and the never-started thread's */
        arpc_win_lock_release();
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    if (lpThreadId)
        *lpThreadId = tid;
    return h;
}

ARPC_API DWORD WINAPI arpc_ResumeThread(HANDLE hThread)
{
    arpc_win_lock_acquire();
    struct arpc_thr *t = arpc_thr_resolve(hThread);
    if (!t) {
        arpc_win_lock_release();
        arpc_set_error(ERROR_INVALID_HANDLE);
        return (DWORD)-1;
    }
    DWORD prev = t->suspend;
    if (prev && --t->suspend == 0)
        pthread_cond_signal(&t->cond);
    arpc_win_lock_release();
    return prev;
}

ARPC_API void WINAPI arpc_ExitThread(DWORD dwExitCode)
{
    struct arpc_thr *t = arpc_thr_self();
    if (t)
        t->pending_exit_code = dwExitCode; /* the key destructor finishes it */
    if (t && t->created) {
        /* A CreateThread thread: finish here, the trampoline will not. */
        tls_self = NULL;
        pthread_setspecific(g_key, NULL);
        thread_finish(t, dwExitCode);
    }
    pthread_exit(NULL);
}

ARPC_API HANDLE WINAPI arpc_GetCurrentThread(void)
{
    return PSEUDO_THREAD;
}

ARPC_API HANDLE WINAPI arpc_GetCurrentProcess(void)
{
    return PSEUDO_PROCESS;
}

ARPC_API DWORD WINAPI arpc_GetCurrentThreadId(void)
{
    struct arpc_thr *t = arpc_thr_self();
    return t ? t->tid : 0;
}

ARPC_API DWORD WINAPI arpc_GetCurrentProcessId(void)
{
    return (DWORD)getpid();
}

ARPC_API DWORD WINAPI arpc_GetThreadId(HANDLE hThread)
{
    arpc_win_lock_acquire();
    struct arpc_thr *t = arpc_thr_resolve(hThread);
    DWORD tid = t ? t->tid : 0;
    arpc_win_lock_release();
    if (!t)
        arpc_set_error(ERROR_INVALID_HANDLE);
    return tid;
}

ARPC_API BOOL WINAPI arpc_GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode)
{
    if (!lpExitCode) {
        arpc_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    arpc_win_lock_acquire();
    struct arpc_thr *t = arpc_thr_resolve(hThread);
    if (!t) {
        arpc_win_lock_release();
        arpc_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    *lpExitCode = t->exited ? t->exit_code : STILL_ACTIVE;
    arpc_win_lock_release();
    return TRUE;
}

ARPC_API DWORD WINAPI arpc_QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData)
{
    if (!pfnAPC) {
        arpc_set_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    struct arpc_apc *a = malloc(sizeof *a);
    if (!a) {
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    a->fn = pfnAPC;
    a->data = dwData;
    a->next = NULL;
    arpc_win_lock_acquire();
    struct arpc_thr *t = arpc_thr_resolve(hThread);
    if (!t || t->exited) {
        arpc_win_lock_release();
        free(a);
        /* An ended thread cannot take APCs (Windows: STATUS_UNSUCCESSFUL). */
        arpc_set_error(t ? ERROR_GEN_FAILURE : ERROR_INVALID_HANDLE);
        return 0;
    }
    if (t->apc_tail)
        t->apc_tail->next = a;
    else
        t->apc_head = a;
    t->apc_tail = a;
    if (t->alertable_wait)
        pthread_cond_signal(&t->cond);
    arpc_win_lock_release();
    return 1;
}

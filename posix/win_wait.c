/* win_wait.c - WaitForSingleObject(Ex), WaitForMultipleObjects(Ex), Sleep,
 * SleepEx, and the wait machinery shared with the other files.
 *
 * A waiting thread links one wait block per object into that object's FIFO
 * list and sleeps on its own condition variable.  When an object becomes
 * signalled, arpc_obj_notify() satisfies waiters in FIFO order on behalf of
 * the waiting threads (consuming auto-reset state atomically, for WaitAll
 * across the whole set) and wakes only the threads it satisfied.  When an
 * object is signalled and an APC is pending at the same time, the object
 * wins, as on Windows.  Completion ports are not waitable here
 * (WAIT_FAILED / ERROR_INVALID_HANDLE).
 */
#include <errno.h>
#include <sched.h>

#include "win_internal.h"
#include "platform.h"

#define PSEUDO_THREAD ((HANDLE)(LONG_PTR)-2)

int arpc_obj_is_signalled(const struct arpc_obj *obj)
{
    switch (obj->type) {
    case ARPC_OBJ_EVENT:  return ((const struct arpc_event *)obj)->state != 0;
    case ARPC_OBJ_THREAD: return ((const struct arpc_thr *)obj)->exited != 0;
    default:              return 0;
    }
}

static void consume(struct arpc_obj *obj)
{
    if (obj->type == ARPC_OBJ_EVENT) {
        struct arpc_event *ev = (struct arpc_event *)obj;
        if (!ev->manual)
            ev->state = 0;
    }
}

/* Lock held.  If t's current wait can be satisfied now, satisfy it
 * (consuming the objects) and record the result. */
static int try_satisfy(struct arpc_thr *t)
{
    DWORD n = t->wait_count;
    if (t->wait_all) {
        for (DWORD i = 0; i < n; i++)
            if (!arpc_obj_is_signalled(t->wait_objs[i]))
                return 0;
        for (DWORD i = 0; i < n; i++)
            consume(t->wait_objs[i]);
        t->wait_result = WAIT_OBJECT_0;
        return 1;
    }
    for (DWORD i = 0; i < n; i++) {
        if (arpc_obj_is_signalled(t->wait_objs[i])) {
            consume(t->wait_objs[i]);
            t->wait_result = WAIT_OBJECT_0 + i;
            return 1;
        }
    }
    return 0;
}

static void link_block(struct arpc_obj *obj, struct arpc_wblock *b)
{
    b->obj = obj;
    b->next = NULL;
    b->prev = obj->wait_tail;
    if (obj->wait_tail)
        obj->wait_tail->next = b;
    else
        obj->wait_head = b;
    obj->wait_tail = b;
}

static void unlink_block(struct arpc_wblock *b)
{
    struct arpc_obj *obj = b->obj;
    if (b->prev)
        b->prev->next = b->next;
    else
        obj->wait_head = b->next;
    if (b->next)
        b->next->prev = b->prev;
    else
        obj->wait_tail = b->prev;
    b->obj = NULL;
    b->prev = b->next = NULL;
}

void arpc_wait_unlink_all(struct arpc_thr *t)
{
    for (DWORD i = 0; i < t->wait_count; i++)
        if (t->blocks[i].obj)
            unlink_block(&t->blocks[i]);
}

void arpc_obj_notify(struct arpc_obj *obj)
{
restart:
    for (struct arpc_wblock *b = obj->wait_head; b; b = b->next) {
        struct arpc_thr *t = b->thr;
        if (t->wait_result != ARPC_WAIT_PENDING)
            continue;
        if (try_satisfy(t)) {
            arpc_wait_unlink_all(t);
            pthread_cond_signal(&t->cond);
            if (t->helping) /* it waits in the helper, not on its condition */
                __atomic_load_n(&arpc_helper_kick, __ATOMIC_ACQUIRE)();
            if (!arpc_obj_is_signalled(obj))
                return;
            goto restart; /* the list changed */
        }
    }
}

void arpc_deadline(struct timespec *ts, DWORD ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += (time_t)(ms / 1000u);
    ts->tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int arpc_thr_sleep(struct arpc_thr *t, const struct timespec *deadline)
{
    if (!deadline) {
        pthread_cond_wait(&t->cond, &arpc_win_lock);
        return 0;
    }
    return pthread_cond_timedwait(&t->cond, &arpc_win_lock, deadline) == ETIMEDOUT;
}

/* n == 0: a plain (possibly alertable) sleep. */
static DWORD do_wait(DWORD n, const HANDLE *hs, int all, DWORD ms, int alertable)
{
    struct arpc_thr *t = arpc_thr_self();
    if (!t) {
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return WAIT_FAILED;
    }
    arpc_win_lock_acquire();
    for (DWORD i = 0; i < n; i++) {
        struct arpc_obj *obj = hs[i] == PSEUDO_THREAD ? &t->hdr : arpc_handle_lookup(hs[i], 0);
        if (!obj || obj->type == ARPC_OBJ_PORT) {
            for (DWORD j = 0; j < i; j++)
                arpc_obj_release(t->wait_objs[j]);
            arpc_win_lock_release();
            arpc_set_error(ERROR_INVALID_HANDLE);
            return WAIT_FAILED;
        }
        arpc_obj_addref(obj);
        t->wait_objs[i] = obj;
    }
    if (all) { /* WaitAll may not name one object twice */
        for (DWORD i = 0; i < n; i++) {
            for (DWORD j = i + 1; j < n; j++) {
                if (t->wait_objs[i] == t->wait_objs[j]) {
                    for (DWORD k = 0; k < n; k++)
                        arpc_obj_release(t->wait_objs[k]);
                    arpc_win_lock_release();
                    arpc_set_error(ERROR_INVALID_PARAMETER);
                    return WAIT_FAILED;
                }
            }
        }
    }
    t->wait_count = n;
    t->wait_all = all;
    t->wait_result = ARPC_WAIT_PENDING;
    for (DWORD i = 0; i < n; i++)
        t->blocks[i].obj = NULL;

    DWORD res;
    if (n && try_satisfy(t)) {
        res = t->wait_result;
    } else if (alertable && arpc_thr_apc_pending(t)) {
        res = WAIT_IO_COMPLETION;
    } else if (ms == 0) {
        res = WAIT_TIMEOUT;
    } else {
        struct timespec dl;
        if (ms != INFINITE)
            arpc_deadline(&dl, ms);
        for (DWORD i = 0; i < n; i++) {
            t->blocks[i].thr = t;
            link_block(t->wait_objs[i], &t->blocks[i]);
        }
        t->alertable_wait = alertable;
        int timed_out = 0, no_help = 0;
        uint64_t end = arpc_now_ms() + ms;
        for (;;) {
            if (t->wait_result != ARPC_WAIT_PENDING) { /* satisfied and unlinked by the signaller */
                res = t->wait_result;
                break;
            }
            if (alertable && arpc_thr_apc_pending(t)) {
                arpc_wait_unlink_all(t);
                res = WAIT_IO_COMPLETION;
                break;
            }
            if (timed_out) {
                arpc_wait_unlink_all(t);
                res = WAIT_TIMEOUT;
                break;
            }
            /* As in GetQueuedCompletionStatus (win_iocp.c): the runtime may
             * use the thread for its I/O while it waits - the event it
             * waits for is then often set by this very thread. */
            int (*run)(uint32_t) = __atomic_load_n(&arpc_helper_run, __ATOMIC_ACQUIRE);
            if (run && n && !alertable && !no_help) {
                uint64_t now = arpc_now_ms();
                if (ms != INFINITE && now >= end) {
                    timed_out = 1;
                    continue;
                }
                t->helping = 1;
                arpc_win_lock_release();
                int did = run(ms == INFINITE ? 0xFFFFFFFFu : (uint32_t)(end - now));
                arpc_win_lock_acquire();
                t->helping = 0;
                no_help = !did; /* look again either way */
                continue;
            }
            no_help = 0;
            timed_out = arpc_thr_sleep(t, ms == INFINITE ? NULL : &dl);
        }
        t->alertable_wait = 0;
    }
    for (DWORD i = 0; i < n; i++)
        arpc_obj_release(t->wait_objs[i]);
    t->wait_count = 0;
    t->wait_result = ARPC_WAIT_PENDING;
    arpc_win_lock_release();

    if (res == WAIT_IO_COMPLETION)
        arpc_thr_run_apcs(t);
    else if (n == 0 && ms == 0)
        sched_yield();
    return res;
}

ARPC_API DWORD WINAPI arpc_WaitForSingleObject(HANDLE h, DWORD dwMilliseconds)
{
    return do_wait(1, &h, 0, dwMilliseconds, 0);
}

ARPC_API DWORD WINAPI arpc_WaitForSingleObjectEx(HANDLE h, DWORD dwMilliseconds, BOOL bAlertable)
{
    return do_wait(1, &h, 0, dwMilliseconds, bAlertable ? 1 : 0);
}

ARPC_API DWORD WINAPI arpc_WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                                    DWORD dwMilliseconds, BOOL bAlertable)
{
    if (nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS || !lpHandles) {
        arpc_set_error(ERROR_INVALID_PARAMETER);
        return WAIT_FAILED;
    }
    return do_wait(nCount, lpHandles, bWaitAll ? 1 : 0, dwMilliseconds, bAlertable ? 1 : 0);
}

ARPC_API DWORD WINAPI arpc_WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                                  DWORD dwMilliseconds)
{
    return arpc_WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

ARPC_API DWORD WINAPI arpc_SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
    DWORD res = do_wait(0, NULL, 0, dwMilliseconds, bAlertable ? 1 : 0);
    return res == WAIT_IO_COMPLETION ? WAIT_IO_COMPLETION : 0;
}

ARPC_API void WINAPI arpc_Sleep(DWORD dwMilliseconds)
{
    (void)arpc_SleepEx(dwMilliseconds, FALSE);
}

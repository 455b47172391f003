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
            arpc_thr_kick_helper(t);
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

/* arpc_set_wait_helper (platform.h): set once by the client runtime. */
static int (*helper_run)(uint32_t ms);
static void (*helper_kick)(void);

void arpc_set_wait_helper(int (*run)(uint32_t ms), void (*kick)(void))
{
    __atomic_store_n(&helper_kick, kick, __ATOMIC_RELEASE);
    __atomic_store_n(&helper_run, run, __ATOMIC_RELEASE);
}

void arpc_thr_kick_helper(struct arpc_thr *t)
{
    if (t->helping)
        __atomic_load_n(&helper_kick, __ATOMIC_ACQUIRE)();
}

void arpc_wait_clock_start(struct arpc_wait_clock *c, DWORD ms)
{
    c->ms = ms;
    c->end = arpc_now_ms() + ms;
    c->no_help = 0;
    if (ms != INFINITE)
        arpc_deadline(&c->dl, ms);
}

int arpc_thr_wait_step(struct arpc_thr *t, struct arpc_wait_clock *c, int may_help)
{
    int (*run)(uint32_t) = __atomic_load_n(&helper_run, __ATOMIC_ACQUIRE);
    if (run && may_help && !c->no_help) {
        uint64_t now = arpc_now_ms();
        if (c->ms != INFINITE && now >= c->end)
            return 1;
        /* Still registered as a waiter: a signaller satisfies the wait
         * and kicks (arpc_thr_kick_helper). */
        t->helping = 1;
        arpc_win_lock_release();
        int did = run(c->ms == INFINITE ? 0xFFFFFFFFu : (uint32_t)(c->end - now));
        arpc_win_lock_acquire();
        t->helping = 0;
        /* The caller looks again either way: the wait may have been
         * satisfied while the lock was free. */
        c->no_help = !did;
        return 0;
    }
    c->no_help = 0;
    return arpc_thr_sleep(t, c->ms == INFINITE ? NULL : &c->dl);
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
        struct arpc_wait_clock clk;
        arpc_wait_clock_start(&clk, ms);
        for (DWORD i = 0; i < n; i++) {
            t->blocks[i].thr = t;
            link_block(t->wait_objs[i], &t->blocks[i]);
        }
        t->alertable_wait = alertable;
        int timed_out = 0;
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
            timed_out = arpc_thr_wait_step(t, &clk, n != 0 && !alertable);
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

/* test_winbase.c - the Windows base API that asyncrpc emulates on POSIX.
 *
 * Only Windows names are used, and every assertion states real Windows
 * behaviour: the same file is built natively (against asyncrpc's emulation)
 * and with MinGW (against the real kernel32, run under Wine), which is how
 * the emulation is shown to match.  No assertion depends on timing beyond
 * generous sanity bounds; waits that should finish use LONG_WAIT so that a
 * broken implementation fails instead of hanging.
 *
 * Left out on purpose because Windows and Wine 8 differ, or because the
 * emulation documents a restriction: named events, associating a file with
 * a completion port, closing a port while a thread waits on it, waiting on
 * a completion port, duplicate handles in a WaitAll.
 */
#if defined(_WIN32) && !defined(_WIN32_WINNT)
#define _WIN32_WINNT 0x0601
#endif
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#define LONG_WAIT 10000u
#define BOGUS_HANDLE ((HANDLE)(ULONG_PTR)0x7ffff0u)

/* ------------------------------------------------------------------ helpers */

/* Polls until *p >= target or LONG_WAIT passes; returns the last value. */
static LONG wait_until(volatile LONG *p, LONG target)
{
    ULONGLONG end = GetTickCount64() + LONG_WAIT;
    LONG v;
    while ((v = InterlockedCompareExchange(p, 0, 0)) < target && GetTickCount64() < end)
        Sleep(1);
    return v;
}

static LONG read_long(volatile LONG *p)
{
    return InterlockedCompareExchange(p, 0, 0);
}

static void join_close(HANDLE h)
{
    assert_int_equal(WaitForSingleObject(h, LONG_WAIT), WAIT_OBJECT_0);
    assert_true(CloseHandle(h));
}

static HANDLE new_event(BOOL manual, BOOL initial)
{
    HANDLE h = CreateEventA(NULL, manual, initial, NULL);
    assert_non_null(h);
    assert_true(h != INVALID_HANDLE_VALUE);
    return h;
}

/* ------------------------------------------------------------------ handles */

static void test_handle_validity(void **state)
{
    (void)state;
    HANDLE a = new_event(TRUE, FALSE);
    HANDLE b = new_event(FALSE, FALSE);
    assert_true(a != b);

    assert_true(CloseHandle(a));
    SetLastError(0);
    assert_false(CloseHandle(a)); /* double close */
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

    SetLastError(0);
    assert_false(CloseHandle(BOGUS_HANDLE));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    assert_false(SetEvent(BOGUS_HANDLE));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    assert_false(ResetEvent(BOGUS_HANDLE));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    assert_int_equal(WaitForSingleObject(BOGUS_HANDLE, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

    assert_true(CloseHandle(b));
}

static void test_duplicate_event_handle(void **state)
{
    (void)state;
    HANDLE a = new_event(TRUE, FALSE);
    HANDLE d = NULL;
    assert_true(DuplicateHandle(GetCurrentProcess(), a, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
    assert_non_null(d);
    assert_true(d != a);
    assert_true(SetEvent(d));
    assert_int_equal(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    /* The object lives on while a duplicate is open. */
    assert_true(CloseHandle(a));
    assert_int_equal(WaitForSingleObject(d, 0), WAIT_OBJECT_0);
    assert_true(ResetEvent(d));
    assert_int_equal(WaitForSingleObject(d, 0), WAIT_TIMEOUT);
    assert_true(CloseHandle(d));
}

/* ------------------------------------------------------------------ events */

static void test_event_states(void **state)
{
    (void)state;
    HANDLE au = new_event(FALSE, TRUE);
    assert_int_equal(WaitForSingleObject(au, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(au, 0), WAIT_TIMEOUT); /* consumed */
    assert_true(SetEvent(au));
    assert_true(SetEvent(au)); /* does not count */
    assert_int_equal(WaitForSingleObject(au, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(au, 0), WAIT_TIMEOUT);
    assert_true(SetEvent(au));
    assert_true(ResetEvent(au));
    assert_int_equal(WaitForSingleObject(au, 0), WAIT_TIMEOUT);

    HANDLE mn = new_event(TRUE, FALSE);
    assert_int_equal(WaitForSingleObject(mn, 0), WAIT_TIMEOUT);
    assert_true(SetEvent(mn));
    assert_int_equal(WaitForSingleObject(mn, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(mn, 0), WAIT_OBJECT_0); /* stays set */
    assert_true(ResetEvent(mn));
    assert_int_equal(WaitForSingleObject(mn, 0), WAIT_TIMEOUT);

    HANDLE w = CreateEventW(NULL, TRUE, TRUE, NULL);
    assert_non_null(w);
    assert_int_equal(WaitForSingleObject(w, 0), WAIT_OBJECT_0);

    assert_true(CloseHandle(au));
    assert_true(CloseHandle(mn));
    assert_true(CloseHandle(w));
}

static HANDLE g_ev;
static volatile LONG g_released;

static DWORD WINAPI event_waiter(LPVOID p)
{
    (void)p;
    if (WaitForSingleObject(g_ev, LONG_WAIT) == WAIT_OBJECT_0)
        InterlockedIncrement(&g_released);
    return 0;
}

#define NWAITERS 4

static void start_waiters(HANDLE *th)
{
    for (int i = 0; i < NWAITERS; i++) {
        th[i] = CreateThread(NULL, 0, event_waiter, NULL, 0, NULL);
        assert_non_null(th[i]);
    }
    Sleep(50); /* let them block; the outcome does not depend on it */
}

static void test_auto_reset_releases_one(void **state)
{
    (void)state;
    HANDLE th[NWAITERS];
    g_ev = new_event(FALSE, FALSE);
    g_released = 0;
    start_waiters(th);
    assert_int_equal(read_long(&g_released), 0);

    for (LONG n = 1; n <= NWAITERS; n++) {
        assert_true(SetEvent(g_ev));
        assert_int_equal(wait_until(&g_released, n), n);
        Sleep(50);
        assert_int_equal(read_long(&g_released), n); /* exactly one per set */
    }
    assert_int_equal(WaitForMultipleObjects(NWAITERS, th, TRUE, LONG_WAIT), WAIT_OBJECT_0);
    for (int i = 0; i < NWAITERS; i++)
        assert_true(CloseHandle(th[i]));
    assert_int_equal(WaitForSingleObject(g_ev, 0), WAIT_TIMEOUT); /* all consumed */
    assert_true(CloseHandle(g_ev));
}

static void test_manual_reset_releases_all(void **state)
{
    (void)state;
    HANDLE th[NWAITERS];
    g_ev = new_event(TRUE, FALSE);
    g_released = 0;
    start_waiters(th);
    assert_int_equal(read_long(&g_released), 0);
    assert_true(SetEvent(g_ev));
    assert_int_equal(WaitForMultipleObjects(NWAITERS, th, TRUE, LONG_WAIT), WAIT_OBJECT_0);
    assert_int_equal(read_long(&g_released), NWAITERS);
    assert_int_equal(WaitForSingleObject(g_ev, 0), WAIT_OBJECT_0); /* still set */
    for (int i = 0; i < NWAITERS; i++)
        assert_true(CloseHandle(th[i]));
    assert_true(CloseHandle(g_ev));
}

/* ------------------------------------------------------------------ waits */

static void test_wait_multiple_any_all(void **state)
{
    (void)state;
    HANDLE e[3];
    for (int i = 0; i < 3; i++)
        e[i] = new_event(TRUE, FALSE);

    assert_int_equal(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_TIMEOUT);
    assert_int_equal(WaitForMultipleObjects(3, e, TRUE, 0), WAIT_TIMEOUT);

    ULONGLONG t0 = GetTickCount64();
    assert_int_equal(WaitForMultipleObjects(3, e, FALSE, 50), WAIT_TIMEOUT);
    ULONGLONG el = GetTickCount64() - t0;
    assert_true(el >= 30 && el < 5000);

    assert_true(SetEvent(e[2]));
    assert_int_equal(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_OBJECT_0 + 2);
    assert_true(SetEvent(e[1]));
    assert_int_equal(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_OBJECT_0 + 1); /* lowest index */

    t0 = GetTickCount64();
    assert_int_equal(WaitForMultipleObjects(3, e, TRUE, 50), WAIT_TIMEOUT);
    el = GetTickCount64() - t0;
    assert_true(el >= 30 && el < 5000);

    assert_true(SetEvent(e[0]));
    assert_int_equal(WaitForMultipleObjects(3, e, TRUE, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForMultipleObjectsEx(3, e, TRUE, 0, FALSE), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObjectEx(e[0], 0, FALSE), WAIT_OBJECT_0);

    for (int i = 0; i < 3; i++)
        assert_true(CloseHandle(e[i]));
}

static void test_wait_all_auto_reset_atomic(void **state)
{
    (void)state;
    HANDLE a[2] = { new_event(FALSE, TRUE), new_event(FALSE, FALSE) };
    /* Not all signalled: nothing is consumed. */
    assert_int_equal(WaitForMultipleObjects(2, a, TRUE, 0), WAIT_TIMEOUT);
    assert_int_equal(WaitForMultipleObjects(2, a, TRUE, 20), WAIT_TIMEOUT);
    assert_int_equal(WaitForSingleObject(a[0], 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(a[0], 0), WAIT_TIMEOUT);

    /* All signalled: all consumed together. */
    assert_true(SetEvent(a[0]));
    assert_true(SetEvent(a[1]));
    assert_int_equal(WaitForMultipleObjects(2, a, TRUE, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(a[0], 0), WAIT_TIMEOUT);
    assert_int_equal(WaitForSingleObject(a[1], 0), WAIT_TIMEOUT);

    /* Wait-any consumes only the one it reports. */
    assert_true(SetEvent(a[0]));
    assert_true(SetEvent(a[1]));
    assert_int_equal(WaitForMultipleObjects(2, a, FALSE, 0), WAIT_OBJECT_0);
    assert_int_equal(WaitForMultipleObjects(2, a, FALSE, 0), WAIT_OBJECT_0 + 1);
    assert_int_equal(WaitForMultipleObjects(2, a, FALSE, 0), WAIT_TIMEOUT);

    assert_true(CloseHandle(a[0]));
    assert_true(CloseHandle(a[1]));
}

static HANDLE g_all[2];
static DWORD WINAPI wait_all_thread(LPVOID p)
{
    (void)p;
    return WaitForMultipleObjects(2, g_all, TRUE, LONG_WAIT);
}

static void test_wait_all_blocking(void **state)
{
    (void)state;
    g_all[0] = new_event(FALSE, FALSE);
    g_all[1] = new_event(FALSE, FALSE);
    HANDLE t = CreateThread(NULL, 0, wait_all_thread, NULL, 0, NULL);
    assert_non_null(t);
    assert_true(SetEvent(g_all[0]));
    Sleep(50);
    assert_int_equal(WaitForSingleObject(t, 0), WAIT_TIMEOUT); /* still waits for the second */
    assert_true(SetEvent(g_all[1]));
    assert_int_equal(WaitForSingleObject(t, LONG_WAIT), WAIT_OBJECT_0);
    DWORD code = 0;
    assert_true(GetExitCodeThread(t, &code));
    assert_int_equal(code, WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(g_all[0], 0), WAIT_TIMEOUT);
    assert_int_equal(WaitForSingleObject(g_all[1], 0), WAIT_TIMEOUT);
    assert_true(CloseHandle(t));
    assert_true(CloseHandle(g_all[0]));
    assert_true(CloseHandle(g_all[1]));
}

static void test_wait_maximum_objects(void **state)
{
    (void)state;
    HANDLE e[MAXIMUM_WAIT_OBJECTS];
    for (int i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        e[i] = new_event(TRUE, FALSE);
    assert_true(SetEvent(e[MAXIMUM_WAIT_OBJECTS - 1]));
    assert_int_equal(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, e, FALSE, 0),
                     WAIT_OBJECT_0 + MAXIMUM_WAIT_OBJECTS - 1);
    assert_int_equal(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, e, TRUE, 0), WAIT_TIMEOUT);
    for (int i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        assert_true(SetEvent(e[i]));
    assert_int_equal(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, e, TRUE, 0), WAIT_OBJECT_0);
    for (int i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        assert_true(CloseHandle(e[i]));
}

static void test_wait_invalid(void **state)
{
    (void)state;
    HANDLE e[MAXIMUM_WAIT_OBJECTS + 1];
    HANDLE ev = new_event(TRUE, TRUE);
    for (int i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
        e[i] = ev;

    SetLastError(0);
    assert_int_equal(WaitForMultipleObjects(0, e, FALSE, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    assert_int_equal(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, e, FALSE, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

    HANDLE bad[2] = { ev, BOGUS_HANDLE };
    SetLastError(0);
    assert_int_equal(WaitForMultipleObjects(2, bad, FALSE, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    assert_int_equal(WaitForMultipleObjects(2, bad, TRUE, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

    HANDLE closed = new_event(TRUE, TRUE);
    assert_true(CloseHandle(closed));
    SetLastError(0);
    assert_int_equal(WaitForSingleObject(closed, 0), WAIT_FAILED);
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

    assert_true(CloseHandle(ev));
}

static void test_sleep_and_ticks(void **state)
{
    (void)state;
    ULONGLONG t0 = GetTickCount64();
    DWORD d0 = GetTickCount();
    Sleep(50);
    ULONGLONG t1 = GetTickCount64();
    DWORD d1 = GetTickCount();
    assert_true(t1 >= t0);
    assert_true(t1 - t0 >= 30 && t1 - t0 < 5000);
    assert_true((DWORD)(d1 - d0) < 5000);
    Sleep(0);
    assert_int_equal(SleepEx(0, FALSE), 0);
    assert_int_equal(SleepEx(0, TRUE), 0);  /* no APC queued */
    assert_int_equal(SleepEx(20, TRUE), 0);
}

/* ------------------------------------------------------------------ threads */

static DWORD WINAPI return_arg(LPVOID p)
{
    return (DWORD)(ULONG_PTR)p;
}

static HANDLE g_gate;
static DWORD WINAPI wait_gate_then_return(LPVOID p)
{
    WaitForSingleObject(g_gate, LONG_WAIT);
    return (DWORD)(ULONG_PTR)p;
}

static void test_thread_exit_code(void **state)
{
    (void)state;
    DWORD tid = 0;
    HANDLE t = CreateThread(NULL, 0, return_arg, (LPVOID)(ULONG_PTR)42, 0, &tid);
    assert_non_null(t);
    assert_int_not_equal(tid, 0);
    assert_int_equal(WaitForSingleObject(t, LONG_WAIT), WAIT_OBJECT_0);
    assert_int_equal(WaitForSingleObject(t, 0), WAIT_OBJECT_0); /* stays signalled */
    DWORD code = 0;
    assert_true(GetExitCodeThread(t, &code));
    assert_int_equal(code, 42);
    assert_true(CloseHandle(t));

    g_gate = new_event(TRUE, FALSE);
    t = CreateThread(NULL, 0, wait_gate_then_return, (LPVOID)(ULONG_PTR)7, 0, NULL);
    assert_non_null(t);
    assert_true(GetExitCodeThread(t, &code));
    assert_int_equal(code, STILL_ACTIVE);
    assert_int_equal(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    assert_int_equal(WaitForSingleObject(t, 30), WAIT_TIMEOUT);
    assert_true(SetEvent(g_gate));
    assert_int_equal(WaitForSingleObject(t, LONG_WAIT), WAIT_OBJECT_0);
    assert_true(GetExitCodeThread(t, &code));
    assert_int_equal(code, 7);
    assert_true(CloseHandle(t));
    assert_true(CloseHandle(g_gate));

    /* A handle closed before the thread ends does not disturb it. */
    t = CreateThread(NULL, 0, return_arg, NULL, 0, NULL);
    assert_non_null(t);
    assert_true(CloseHandle(t));

    SetLastError(0);
    assert_false(GetExitCodeThread(BOGUS_HANDLE, &code));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

static volatile LONG g_ran;
static DWORD g_seen_tid;
static DWORD WINAPI mark_ran(LPVOID p)
{
    (void)p;
    g_seen_tid = GetCurrentThreadId();
    InterlockedIncrement(&g_ran);
    return 5;
}

static void test_thread_suspended(void **state)
{
    (void)state;
    g_ran = 0;
    g_seen_tid = 0;
    DWORD tid = 0;
    HANDLE t = CreateThread(NULL, 0, mark_ran, NULL, CREATE_SUSPENDED, &tid);
    assert_non_null(t);
    assert_int_not_equal(tid, 0);
    assert_int_equal(GetThreadId(t), tid);
    Sleep(50);
    assert_int_equal(read_long(&g_ran), 0);
    assert_int_equal(WaitForSingleObject(t, 0), WAIT_TIMEOUT);
    DWORD code = 0;
    assert_true(GetExitCodeThread(t, &code));
    assert_int_equal(code, STILL_ACTIVE);
    assert_int_equal(ResumeThread(t), 1);
    assert_int_equal(WaitForSingleObject(t, LONG_WAIT), WAIT_OBJECT_0);
    assert_int_equal(read_long(&g_ran), 1);
    assert_int_equal(g_seen_tid, tid);
    assert_int_not_equal(tid, GetCurrentThreadId());
    assert_int_equal(ResumeThread(t), 0); /* not suspended */
    assert_true(GetExitCodeThread(t, &code));
    assert_int_equal(code, 5);
    assert_true(CloseHandle(t));
    SetLastError(0);
    assert_int_equal(ResumeThread(BOGUS_HANDLE), (DWORD)-1);
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

static void exit_deep(DWORD code)
{
    ExitThread(code);
}

static volatile LONG g_after_exit;
static DWORD WINAPI exits_early(LPVOID p)
{
    (void)p;
    exit_deep(77);
    InterlockedIncrement(&g_after_exit); /* never reached */
    return 1;
}

static void test_exit_thread(void **state)
{
    (void)state;
    g_after_exit = 0;
    HANDLE t = CreateThread(NULL, 0, exits_early, NULL, 0, NULL);
    assert_non_null(t);
    assert_int_equal(WaitForSingleObject(t, LONG_WAIT), WAIT_OBJECT_0);
    DWORD code = 0;
    assert_true(GetExitCodeThread(t, &code));
    assert_int_equal(code, 77);
    assert_int_equal(read_long(&g_after_exit), 0);
    assert_true(CloseHandle(t));
}

static DWORD g_child_pid;
static DWORD WINAPI report_pid(LPVOID p)
{
    (void)p;
    g_child_pid = GetCurrentProcessId();
    return 0;
}

static void test_thread_ids(void **state)
{
    (void)state;
    DWORD me = GetCurrentThreadId();
    assert_int_not_equal(me, 0);
    assert_int_equal(GetCurrentThreadId(), me);
    assert_int_equal(GetThreadId(GetCurrentThread()), me);
    assert_true(GetCurrentThread() == (HANDLE)(LONG_PTR)-2);
    assert_true(GetCurrentProcess() == (HANDLE)(LONG_PTR)-1);
    assert_int_not_equal(GetCurrentProcessId(), 0);

    DWORD tid = 0;
    HANDLE t = CreateThread(NULL, 0, report_pid, NULL, 0, &tid);
    assert_non_null(t);
    assert_int_equal(GetThreadId(t), tid);
    assert_int_not_equal(tid, me);
    join_close(t);
    assert_int_equal(g_child_pid, GetCurrentProcessId());

    SetLastError(0);
    assert_int_equal(GetThreadId(BOGUS_HANDLE), 0);
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

    /* A thread waiting on itself never ends the wait. */
    assert_int_equal(WaitForSingleObject(GetCurrentThread(), 0), WAIT_TIMEOUT);
}

/* ------------------------------------------------------------------ APCs */

#define MAX_APCS 8
static volatile LONG g_apc_count;
static ULONG_PTR g_apc_data[MAX_APCS];
static DWORD g_apc_tid[MAX_APCS];

static void reset_apcs(void)
{
    g_apc_count = 0;
    memset(g_apc_data, 0, sizeof g_apc_data);
    memset(g_apc_tid, 0, sizeof g_apc_tid);
}

static void WINAPI record_apc(ULONG_PTR data)
{
    LONG i = InterlockedIncrement(&g_apc_count) - 1;
    if (i >= 0 && i < MAX_APCS) {
        g_apc_data[i] = data;
        g_apc_tid[i] = GetCurrentThreadId();
    }
}

/* Thread B of the "already pending" test. */
static struct {
    HANDLE ready, gate;
    DWORD tid;
    DWORD gate_ret;
    LONG after_nonalertable;
    DWORD sleep_ret;
    LONG after_alertable;
    ULONGLONG alertable_ms;
} g_b;

static DWORD WINAPI apc_pending_thread(LPVOID p)
{
    (void)p;
    g_b.tid = GetCurrentThreadId();
    SetEvent(g_b.ready);
    /* Main queues the APCs before it opens the gate: none may run here. */
    g_b.gate_ret = WaitForSingleObject(g_b.gate, LONG_WAIT);
    WaitForSingleObjectEx(g_b.gate, 0, FALSE);
    WaitForSingleObjectEx(g_b.gate, 10, FALSE);
    Sleep(20);
    SleepEx(10, FALSE);
    g_b.after_nonalertable = read_long(&g_apc_count);
    ULONGLONG t0 = GetTickCount64();
    g_b.sleep_ret = SleepEx(LONG_WAIT, TRUE); /* returns at once: APCs pending */
    g_b.alertable_ms = GetTickCount64() - t0;
    g_b.after_alertable = read_long(&g_apc_count);
    return 0;
}

static void test_apc_pending_before_alertable_wait(void **state)
{
    (void)state;
    reset_apcs();
    memset(&g_b, 0, sizeof g_b);
    g_b.ready = new_event(TRUE, FALSE);
    g_b.gate = new_event(TRUE, FALSE);
    HANDLE t = CreateThread(NULL, 0, apc_pending_thread, NULL, 0, NULL);
    assert_non_null(t);
    assert_int_equal(WaitForSingleObject(g_b.ready, LONG_WAIT), WAIT_OBJECT_0);

    assert_int_not_equal(QueueUserAPC(record_apc, t, 1), 0);
    assert_int_not_equal(QueueUserAPC(record_apc, t, 2), 0);
    assert_int_not_equal(QueueUserAPC(record_apc, t, 3), 0);
    assert_true(SetEvent(g_b.gate));
    join_close(t);

    assert_int_equal(g_b.gate_ret, WAIT_OBJECT_0);
    assert_int_equal(g_b.after_nonalertable, 0);
    assert_int_equal(g_b.sleep_ret, WAIT_IO_COMPLETION);
    assert_true(g_b.alertable_ms < LONG_WAIT / 2);
    assert_int_equal(g_b.after_alertable, 3); /* all of them in one wait */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(g_apc_data[i], (ULONG_PTR)(i + 1)); /* FIFO */
        assert_int_equal(g_apc_tid[i], g_b.tid);              /* on B */
    }
    assert_int_not_equal(g_b.tid, GetCurrentThreadId());
    assert_true(CloseHandle(g_b.ready));
    assert_true(CloseHandle(g_b.gate));
}

/* Thread B of the "queued during the wait" test. */
static struct {
    HANDLE ready1, ready2, never;
    DWORD tid;
    DWORD wait_ret, sleep_ret;
    LONG after_wait, after_sleep;
    ULONGLONG wait_ms, sleep_ms;
} g_c;

static DWORD WINAPI apc_waiting_thread(LPVOID p)
{
    (void)p;
    g_c.tid = GetCurrentThreadId();
    SetEvent(g_c.ready1);
    ULONGLONG t0 = GetTickCount64();
    g_c.wait_ret = WaitForSingleObjectEx(g_c.never, LONG_WAIT, TRUE);
    g_c.wait_ms = GetTickCount64() - t0;
    g_c.after_wait = read_long(&g_apc_count);
    SetEvent(g_c.ready2);
    t0 = GetTickCount64();
    g_c.sleep_ret = SleepEx(LONG_WAIT, TRUE);
    g_c.sleep_ms = GetTickCount64() - t0;
    g_c.after_sleep = read_long(&g_apc_count);
    return 0;
}

static void test_apc_cross_thread_alertable_wait(void **state)
{
    (void)state;
    reset_apcs();
    memset(&g_c, 0, sizeof g_c);
    g_c.ready1 = new_event(TRUE, FALSE);
    g_c.ready2 = new_event(TRUE, FALSE);
    g_c.never = new_event(TRUE, FALSE);
    DWORD tid = 0;
    HANDLE t = CreateThread(NULL, 0, apc_waiting_thread, NULL, 0, &tid);
    assert_non_null(t);

    assert_int_equal(WaitForSingleObject(g_c.ready1, LONG_WAIT), WAIT_OBJECT_0);
    Sleep(50); /* B is (very likely) inside its alertable wait now */
    assert_int_not_equal(QueueUserAPC(record_apc, t, 11), 0);
    assert_int_equal(WaitForSingleObject(g_c.ready2, LONG_WAIT), WAIT_OBJECT_0);
    Sleep(50);
    assert_int_not_equal(QueueUserAPC(record_apc, t, 12), 0);
    join_close(t);

    assert_int_equal(g_c.wait_ret, WAIT_IO_COMPLETION);
    assert_true(g_c.wait_ms < LONG_WAIT / 2);
    assert_int_equal(g_c.after_wait, 1);
    assert_int_equal(g_c.sleep_ret, WAIT_IO_COMPLETION);
    assert_true(g_c.sleep_ms < LONG_WAIT / 2);
    assert_int_equal(g_c.after_sleep, 2);
    assert_int_equal(g_apc_data[0], 11);
    assert_int_equal(g_apc_data[1], 12);
    assert_int_equal(g_apc_tid[0], tid);
    assert_int_equal(g_apc_tid[1], tid);
    assert_int_equal(g_c.tid, tid);
    assert_true(CloseHandle(g_c.ready1));
    assert_true(CloseHandle(g_c.ready2));
    assert_true(CloseHandle(g_c.never));
}

static void test_apc_bad_handle(void **state)
{
    (void)state;
    reset_apcs();
    SetLastError(0);
    assert_int_equal(QueueUserAPC(record_apc, BOGUS_HANDLE, 1), 0);
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    HANDLE ev = new_event(TRUE, FALSE);
    assert_true(CloseHandle(ev));
    SetLastError(0);
    assert_int_equal(QueueUserAPC(record_apc, ev, 1), 0);
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    assert_int_equal(SleepEx(0, TRUE), 0);
    assert_int_equal(read_long(&g_apc_count), 0);
}

static void test_duplicate_current_thread_apc(void **state)
{
    (void)state;
    reset_apcs();
    HANDLE me = NULL;
    assert_true(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &me, 0, FALSE,
                                DUPLICATE_SAME_ACCESS));
    assert_non_null(me);
    assert_true(me != GetCurrentThread());
    assert_int_equal(GetThreadId(me), GetCurrentThreadId());
    assert_int_equal(WaitForSingleObject(me, 0), WAIT_TIMEOUT); /* we are running */
    DWORD code = 0;
    assert_true(GetExitCodeThread(me, &code));
    assert_int_equal(code, STILL_ACTIVE);

    assert_int_not_equal(QueueUserAPC(record_apc, me, 21), 0);
    assert_int_not_equal(QueueUserAPC(record_apc, GetCurrentThread(), 22), 0);
    /* A non-alertable wait leaves them queued. */
    Sleep(1);
    assert_int_equal(WaitForSingleObjectEx(me, 0, FALSE), WAIT_TIMEOUT);
    assert_int_equal(read_long(&g_apc_count), 0);
    /* An alertable one runs both, in order, here. */
    assert_int_equal(WaitForSingleObjectEx(me, LONG_WAIT, TRUE), WAIT_IO_COMPLETION);
    assert_int_equal(read_long(&g_apc_count), 2);
    assert_int_equal(g_apc_data[0], 21);
    assert_int_equal(g_apc_data[1], 22);
    assert_int_equal(g_apc_tid[0], GetCurrentThreadId());
    assert_int_equal(g_apc_tid[1], GetCurrentThreadId());
    assert_int_equal(SleepEx(0, TRUE), 0); /* nothing left */

    assert_true(CloseHandle(me));
    SetLastError(0);
    assert_false(CloseHandle(me));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

/* A thread hands out a duplicate of its own handle, then takes an APC and
 * ends; the duplicate is signalled at the end and gives the exit code. */
static struct {
    HANDLE self_dup, ready, gate;
    DWORD wait_ret;
} g_d;

static DWORD WINAPI dup_self_thread(LPVOID p)
{
    (void)p;
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &g_d.self_dup, 0, FALSE,
                         DUPLICATE_SAME_ACCESS))
        g_d.self_dup = NULL;
    SetEvent(g_d.ready);
    g_d.wait_ret = WaitForSingleObjectEx(g_d.gate, LONG_WAIT, TRUE);
    return 9;
}

static void test_duplicate_thread_handle_outlives_thread(void **state)
{
    (void)state;
    reset_apcs();
    memset(&g_d, 0, sizeof g_d);
    g_d.ready = new_event(TRUE, FALSE);
    g_d.gate = new_event(TRUE, FALSE);
    DWORD tid = 0;
    HANDLE t = CreateThread(NULL, 0, dup_self_thread, NULL, 0, &tid);
    assert_non_null(t);
    assert_int_equal(WaitForSingleObject(g_d.ready, LONG_WAIT), WAIT_OBJECT_0);
    assert_non_null(g_d.self_dup);
    assert_int_equal(GetThreadId(g_d.self_dup), tid);
    assert_int_not_equal(QueueUserAPC(record_apc, g_d.self_dup, 31), 0);
    assert_true(CloseHandle(t)); /* the duplicate keeps the thread object */
    assert_int_equal(WaitForSingleObject(g_d.self_dup, LONG_WAIT), WAIT_OBJECT_0);
    DWORD code = 0;
    assert_true(GetExitCodeThread(g_d.self_dup, &code));
    assert_int_equal(code, 9);
    assert_int_equal(g_d.wait_ret, WAIT_IO_COMPLETION);
    assert_int_equal(read_long(&g_apc_count), 1);
    assert_int_equal(g_apc_data[0], 31);
    assert_int_equal(g_apc_tid[0], tid);
    assert_true(CloseHandle(g_d.self_dup));
    assert_true(CloseHandle(g_d.ready));
    assert_true(CloseHandle(g_d.gate));
}

/* ------------------------------------------------------------------ completion ports */

static HANDLE new_port(void)
{
    HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    assert_non_null(p);
    assert_true(p != INVALID_HANDLE_VALUE);
    return p;
}

static void test_iocp_fifo_exact(void **state)
{
    (void)state;
    HANDLE port = new_port();
    static OVERLAPPED ov[5];
    const DWORD bytes[5] = { 0, 1, 4096, 0x7fffffffu, 0xffffffffu };
    const ULONG_PTR keys[5] = { 0, 1, 0xdeadbeefu, (ULONG_PTR)-1, 42 };
    for (int i = 0; i < 5; i++)
        assert_true(PostQueuedCompletionStatus(port, bytes[i], keys[i], i == 3 ? NULL : &ov[i]));
    for (int i = 0; i < 5; i++) {
        DWORD b = 12345;
        ULONG_PTR k = 12345;
        LPOVERLAPPED o = (LPOVERLAPPED)&b;
        assert_true(GetQueuedCompletionStatus(port, &b, &k, &o, 0));
        assert_int_equal(b, bytes[i]);
        assert_true(k == keys[i]);
        assert_ptr_equal(o, i == 3 ? NULL : &ov[i]);
    }

    DWORD b;
    ULONG_PTR k;
    LPOVERLAPPED o = &ov[0];
    SetLastError(0);
    assert_false(GetQueuedCompletionStatus(port, &b, &k, &o, 0));
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);
    assert_null(o);

    o = &ov[0];
    SetLastError(0);
    ULONGLONG t0 = GetTickCount64();
    assert_false(GetQueuedCompletionStatus(port, &b, &k, &o, 50));
    ULONGLONG el = GetTickCount64() - t0;
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);
    assert_null(o);
    assert_true(el >= 30 && el < 5000);

    SetLastError(0);
    assert_false(PostQueuedCompletionStatus(BOGUS_HANDLE, 1, 1, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    assert_false(GetQueuedCompletionStatus(BOGUS_HANDLE, &b, &k, &o, 0));
    assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

    assert_true(CloseHandle(port));
}

static DWORD g_poster_ret;
static HANDLE g_port;
static DWORD WINAPI delayed_poster(LPVOID p)
{
    (void)p;
    Sleep(50);
    g_poster_ret = (DWORD)PostQueuedCompletionStatus(g_port, 77, 88, NULL);
    return 0;
}

static void test_iocp_blocking_get(void **state)
{
    (void)state;
    g_port = new_port();
    HANDLE t = CreateThread(NULL, 0, delayed_poster, NULL, 0, NULL);
    assert_non_null(t);
    DWORD b = 0;
    ULONG_PTR k = 0;
    LPOVERLAPPED o = (LPOVERLAPPED)&b;
    assert_true(GetQueuedCompletionStatus(g_port, &b, &k, &o, LONG_WAIT));
    assert_int_equal(b, 77);
    assert_true(k == 88);
    assert_null(o);
    join_close(t);
    assert_int_not_equal(g_poster_ret, 0);
    /* Packets left in a port are freed with it. */
    assert_true(PostQueuedCompletionStatus(g_port, 1, 2, NULL));
    assert_true(CloseHandle(g_port));
}

#define NCONSUMERS 4
#define NPACKETS 2000
static OVERLAPPED g_ovs[NPACKETS];
static volatile LONG g_seen[NPACKETS];
static volatile LONG g_consumed, g_bad;

static DWORD WINAPI consumer(LPVOID p)
{
    (void)p;
    for (;;) {
        DWORD b;
        ULONG_PTR k;
        LPOVERLAPPED o;
        if (!GetQueuedCompletionStatus(g_port, &b, &k, &o, LONG_WAIT)) {
            InterlockedIncrement(&g_bad);
            return 1;
        }
        if (k == 0)
            return 0; /* stop packet */
        if (b >= NPACKETS || k != (ULONG_PTR)b + 1000u || o != &g_ovs[b]) {
            InterlockedIncrement(&g_bad);
            continue;
        }
        InterlockedIncrement(&g_seen[b]);
        InterlockedIncrement(&g_consumed);
    }
}

static void test_iocp_several_consumers(void **state)
{
    (void)state;
    g_port = new_port();
    g_consumed = 0;
    g_bad = 0;
    memset((void *)g_seen, 0, sizeof g_seen);
    HANDLE th[NCONSUMERS];
    for (int i = 0; i < NCONSUMERS; i++) {
        th[i] = CreateThread(NULL, 0, consumer, NULL, 0, NULL);
        assert_non_null(th[i]);
    }
    for (DWORD i = 0; i < NPACKETS; i++)
        assert_true(PostQueuedCompletionStatus(g_port, i, (ULONG_PTR)i + 1000u, &g_ovs[i]));
    assert_int_equal(wait_until(&g_consumed, NPACKETS), NPACKETS);
    for (int i = 0; i < NCONSUMERS; i++)
        assert_true(PostQueuedCompletionStatus(g_port, 0, 0, NULL));
    assert_int_equal(WaitForMultipleObjects(NCONSUMERS, th, TRUE, LONG_WAIT), WAIT_OBJECT_0);
    for (int i = 0; i < NCONSUMERS; i++) {
        DWORD code = 1;
        assert_true(GetExitCodeThread(th[i], &code));
        assert_int_equal(code, 0);
        assert_true(CloseHandle(th[i]));
    }
    assert_int_equal(read_long(&g_bad), 0);
    for (int i = 0; i < NPACKETS; i++)
        assert_int_equal(g_seen[i], 1); /* each packet exactly once */
    DWORD b;
    ULONG_PTR k;
    LPOVERLAPPED o;
    assert_false(GetQueuedCompletionStatus(g_port, &b, &k, &o, 0));
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);
    assert_true(CloseHandle(g_port));
}

static void test_iocp_ex(void **state)
{
    (void)state;
    HANDLE port = new_port();
    static OVERLAPPED ov[5];
    for (DWORD i = 0; i < 5; i++)
        assert_true(PostQueuedCompletionStatus(port, 100 + i, 200 + i, &ov[i]));
    OVERLAPPED_ENTRY e[8];
    ULONG n = 0;
    assert_true(GetQueuedCompletionStatusEx(port, e, 3, &n, 0, FALSE));
    assert_int_equal(n, 3);
    for (ULONG i = 0; i < 3; i++) {
        assert_int_equal(e[i].dwNumberOfBytesTransferred, 100 + i);
        assert_true(e[i].lpCompletionKey == 200 + i);
        assert_ptr_equal(e[i].lpOverlapped, &ov[i]);
    }
    n = 0;
    assert_true(GetQueuedCompletionStatusEx(port, e, 8, &n, LONG_WAIT, FALSE));
    assert_int_equal(n, 2);
    for (ULONG i = 0; i < 2; i++) {
        assert_int_equal(e[i].dwNumberOfBytesTransferred, 103 + i);
        assert_true(e[i].lpCompletionKey == 203 + i);
        assert_ptr_equal(e[i].lpOverlapped, &ov[i + 3]);
    }
    SetLastError(0);
    assert_false(GetQueuedCompletionStatusEx(port, e, 8, &n, 0, FALSE));
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);
    SetLastError(0);
    assert_false(GetQueuedCompletionStatusEx(port, e, 8, &n, 30, FALSE));
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);

    /* Alertable: a pending APC ends the wait. */
    reset_apcs();
    assert_int_not_equal(QueueUserAPC(record_apc, GetCurrentThread(), 41), 0);
    SetLastError(0);
    assert_false(GetQueuedCompletionStatusEx(port, e, 8, &n, LONG_WAIT, TRUE));
    assert_int_equal(GetLastError(), WAIT_IO_COMPLETION);
    assert_int_equal(read_long(&g_apc_count), 1);
    assert_int_equal(g_apc_data[0], 41);
    assert_int_equal(g_apc_tid[0], GetCurrentThreadId());

    /* Not alertable: the APC waits for a later alertable wait. */
    assert_int_not_equal(QueueUserAPC(record_apc, GetCurrentThread(), 42), 0);
    SetLastError(0);
    assert_false(GetQueuedCompletionStatusEx(port, e, 8, &n, 20, FALSE));
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);
    assert_int_equal(read_long(&g_apc_count), 1);
    assert_int_equal(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    assert_int_equal(read_long(&g_apc_count), 2);

    assert_true(CloseHandle(port));
}

/* ------------------------------------------------------------------ interlocked, last error */

static volatile LONG g_counter;
#define NINC 100000
static DWORD WINAPI incrementer(LPVOID p)
{
    (void)p;
    for (int i = 0; i < NINC; i++)
        InterlockedIncrement(&g_counter);
    for (int i = 0; i < NINC; i++)
        InterlockedExchangeAdd(&g_counter, 2);
    for (int i = 0; i < NINC; i++)
        InterlockedDecrement(&g_counter);
    return 0;
}

static void test_interlocked(void **state)
{
    (void)state;
    volatile LONG v = 5;
    assert_int_equal(InterlockedIncrement(&v), 6);
    assert_int_equal(InterlockedDecrement(&v), 5);
    assert_int_equal(InterlockedExchange(&v, 10), 5);
    assert_int_equal(v, 10);
    assert_int_equal(InterlockedExchangeAdd(&v, 3), 10);
    assert_int_equal(v, 13);
    assert_int_equal(InterlockedCompareExchange(&v, 20, 99), 13); /* no swap */
    assert_int_equal(v, 13);
    assert_int_equal(InterlockedCompareExchange(&v, 20, 13), 13); /* swap */
    assert_int_equal(v, 20);

    int a = 0, b = 0;
    PVOID volatile ptr = &a;
    assert_ptr_equal(InterlockedExchangePointer(&ptr, &b), &a);
    assert_ptr_equal(ptr, &b);
    assert_ptr_equal(InterlockedCompareExchangePointer(&ptr, &a, NULL), &b);
    assert_ptr_equal(ptr, &b);
    assert_ptr_equal(InterlockedCompareExchangePointer(&ptr, &a, &b), &b);
    assert_ptr_equal(ptr, &a);

    g_counter = 0;
    HANDLE th[4];
    for (int i = 0; i < 4; i++) {
        th[i] = CreateThread(NULL, 0, incrementer, NULL, 0, NULL);
        assert_non_null(th[i]);
    }
    assert_int_equal(WaitForMultipleObjects(4, th, TRUE, LONG_WAIT * 3), WAIT_OBJECT_0);
    for (int i = 0; i < 4; i++)
        assert_true(CloseHandle(th[i]));
    assert_int_equal(read_long(&g_counter), 4 * 2 * NINC);
}

static volatile LONG g_phase;
static DWORD g_thread_error;
static DWORD WINAPI last_error_thread(LPVOID p)
{
    (void)p;
    SetLastError(5678);
    InterlockedExchange(&g_phase, 1);
    while (read_long(&g_phase) != 2)
        Sleep(1);
    g_thread_error = GetLastError();
    return 0;
}

static void test_last_error_per_thread(void **state)
{
    (void)state;
    g_phase = 0;
    g_thread_error = 0;
    HANDLE t = CreateThread(NULL, 0, last_error_thread, NULL, 0, NULL);
    assert_non_null(t);
    assert_int_equal(wait_until(&g_phase, 1), 1);
    SetLastError(1234);
    InterlockedExchange(&g_phase, 2);
    assert_int_equal(GetLastError(), 1234);
    join_close(t);
    assert_int_equal(g_thread_error, 5678);
    SetLastError(ERROR_SUCCESS);
    assert_int_equal(GetLastError(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handle_validity),
        cmocka_unit_test(test_duplicate_event_handle),
        cmocka_unit_test(test_event_states),
        cmocka_unit_test(test_auto_reset_releases_one),
        cmocka_unit_test(test_manual_reset_releases_all),
        cmocka_unit_test(test_wait_multiple_any_all),
        cmocka_unit_test(test_wait_all_auto_reset_atomic),
        cmocka_unit_test(test_wait_all_blocking),
        cmocka_unit_test(test_wait_maximum_objects),
        cmocka_unit_test(test_wait_invalid),
        cmocka_unit_test(test_sleep_and_ticks),
        cmocka_unit_test(test_thread_exit_code),
        cmocka_unit_test(test_thread_suspended),
        cmocka_unit_test(test_exit_thread),
        cmocka_unit_test(test_thread_ids),
        cmocka_unit_test(test_apc_pending_before_alertable_wait),
        cmocka_unit_test(test_apc_cross_thread_alertable_wait),
        cmocka_unit_test(test_apc_bad_handle),
        cmocka_unit_test(test_duplicate_current_thread_apc),
        cmocka_unit_test(test_duplicate_thread_handle_outlives_thread),
        cmocka_unit_test(test_iocp_fifo_exact),
        cmocka_unit_test(test_iocp_blocking_get),
        cmocka_unit_test(test_iocp_several_consumers),
        cmocka_unit_test(test_iocp_ex),
        cmocka_unit_test(test_interlocked),
        cmocka_unit_test(test_last_error_per_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

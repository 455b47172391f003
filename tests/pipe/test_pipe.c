/* Pipes on the wire with generated stubs (wire_pipe.idl): [async] pipes
 * through every notification mechanism, classic pipes, several pipes and
 * [in,out] pipes per call, flow control, and every way of breaking the
 * pipe discipline.  Client and server in one process, over ncacn_ip_tcp
 * and ncalrpc. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wire_pipe.h"
#include "pipe_manager.h"
#include "pipe_pattern.h"
#include "wire_binding.h"
#include "loopback.h" /* arpc_loopback_live_calls: every call object alive */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static char string_binding[256];

static RPC_BINDING_HANDLE bind_to(void)
{
    RPC_BINDING_HANDLE h = NULL;
    assert_int_equal(RpcBindingFromStringBindingA((RPC_CSTR)string_binding, &h), RPC_S_OK);
    return h;
}

static int start_server(const char *protseq)
{
    return wire_serve(wire_pipe_v1_0_s_ifspec, protseq, NULL) ||
           wire_local_binding(protseq, string_binding, sizeof string_binding);
}

static int setup_tcp(void **state)
{
    (void)state;
    return start_server("ncacn_ip_tcp");
}

static int setup_lrpc(void **state)
{
    (void)state;
    return start_server("ncalrpc");
}

/* ------------------------------------------------------------ notifications
 * One waiter per call: whatever the mechanism, wait_event() returns the
 * next notification's RPC_ASYNC_EVENT, and counts every one. */

typedef struct waiter {
    RPC_ASYNC_STATE a;
    RPC_NOTIFICATION_TYPES type;
    HANDLE event;           /* Event; and the signal for Callback/APC queues */
    HANDLE port;            /* IOC */
    volatile LONG queued[8];/* Callback/APC: delivered, not yet waited for */
    LONG counts[8];
} waiter;

static void CALLBACK on_notify(PRPC_ASYNC_STATE a, void *ctx, RPC_ASYNC_EVENT ev)
{
    (void)ctx;
    waiter *w = a->UserInfo;
    if (ev >= 0 && ev < 8)
        InterlockedIncrement(&w->queued[ev]);
    SetEvent(w->event);
}

static void waiter_init(waiter *w, RPC_NOTIFICATION_TYPES type)
{
    memset(w, 0, sizeof *w);
    w->type = type;
    w->event = CreateEventW(NULL, FALSE, FALSE, NULL);
    assert_int_equal(RpcAsyncInitializeHandle(&w->a, sizeof w->a), RPC_S_OK);
    w->a.UserInfo = w;
    w->a.NotificationType = type;
    switch (type) {
    case RpcNotificationTypeEvent:
        w->a.u.hEvent = w->event;
        break;
    case RpcNotificationTypeIoc:
        w->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
        w->a.u.IOC.hIOPort = w->port;
        w->a.u.IOC.dwCompletionKey = 77;
        w->a.u.IOC.lpOverlapped = (LPOVERLAPPED)w;
        break;
    case RpcNotificationTypeApc:
        w->a.u.APC.NotificationRoutine = on_notify;
        w->a.u.APC.hThread = NULL; /* the calling thread */
        break;
    case RpcNotificationTypeCallback:
        w->a.u.NotificationRoutine = on_notify;
        break;
    default:
        break;
    }
}

static void waiter_free(waiter *w)
{
    CloseHandle(w->event);
    if (w->port)
        CloseHandle(w->port);
}

/* The next notification; for Callback/APC, whose deliveries run on other
 * threads in no particular order, `prefer` first when it is there. */
static RPC_ASYNC_EVENT wait_event_prefer(waiter *w, RPC_ASYNC_EVENT prefer)
{
    RPC_ASYNC_EVENT ev = (RPC_ASYNC_EVENT)-1;
    switch (w->type) {
    case RpcNotificationTypeEvent:
        assert_int_equal(WaitForSingleObject(w->event, 20000), WAIT_OBJECT_0);
        ev = w->a.Event;
        break;
    case RpcNotificationTypeIoc: {
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED ov;
        assert_true(GetQueuedCompletionStatus(w->port, &bytes, &key, &ov, 20000));
        assert_int_equal(key, 77);
        assert_ptr_equal(ov, (LPOVERLAPPED)w);
        ev = w->a.Event;
        break;
    }
    case RpcNotificationTypeApc:
    case RpcNotificationTypeCallback:
        /* (callbacks run on other threads: their order is not kept here) */
        for (;;) {
            if (prefer >= 0 && prefer < 8 && w->queued[prefer] > 0)
                ev = InterlockedDecrement(&w->queued[prefer]) >= 0 ? prefer : (RPC_ASYNC_EVENT)-1;
            for (int e = 0; e < 8 && ev == (RPC_ASYNC_EVENT)-1; e++)
                if (w->queued[e] > 0 && InterlockedDecrement(&w->queued[e]) >= 0)
                    ev = (RPC_ASYNC_EVENT)e;
            if (ev != (RPC_ASYNC_EVENT)-1)
                break;
            /* APCs run in this thread's alertable waits */
            assert_int_not_equal(WaitForSingleObjectEx(w->event, 20000, TRUE), WAIT_TIMEOUT);
        }
        break;
    default:
        fail_msg("no notification to wait for");
    }
    assert_true(ev >= 0 && ev < 8);
    w->counts[ev]++;
    return ev;
}

static RPC_ASYNC_EVENT wait_event(waiter *w)
{
    return wait_event_prefer(w, RpcReceiveComplete);
}

/* Pull through a waiter: 997 then exactly one RpcReceiveComplete. */
typedef RPC_STATUS(__RPC_USER *pull_fn)(char *, void *, unsigned long, unsigned long *);
typedef RPC_STATUS(__RPC_USER *push_fn)(char *, void *, unsigned long);
#define PULL_FN(p) ((pull_fn)(void (*)(void))(p)->pull)
#define PUSH_FN(p) ((push_fn)(void (*)(void))(p)->push)

static RPC_STATUS pull_wait(waiter *w, pull_fn pull, char *state, void *buf, unsigned long esize, unsigned long *n,
                            int *pendings)
{
    for (;;) {
        RPC_STATUS st = pull(state, buf, esize, n);
        if (st != RPC_S_ASYNC_CALL_PENDING)
            return st;
        assert_int_equal(*n, 0);
        if (pendings)
            ++*pendings;
        if (w->type == RpcNotificationTypeNone) {
            Sleep(1);
            continue;
        }
        RPC_ASYNC_EVENT ev = wait_event(w);
        if (ev != RpcReceiveComplete)
            return RPC_S_INTERNAL_ERROR;
    }
}

static RPC_ASYNC_EVENT wait_for(waiter *w, RPC_ASYNC_EVENT want)
{
    RPC_ASYNC_EVENT ev = wait_event_prefer(w, want);
    assert_int_equal(ev, want);
    return ev;
}

/* ------------------------------------------------------------ [out] pipe */

static void download(RPC_NOTIFICATION_TYPES type, LONGLONG size, unsigned long esize)
{
    RPC_BINDING_HANDLE h = bind_to();
    waiter w;
    waiter_init(&w, type);
    ASYNC_BYTE_PIPE pipe;
    memset(&pipe, 0, sizeof pipe);
    unsigned long sum = 0;
    unsigned long seed = 0x1234 + (unsigned long)type;
    RpcTryExcept {
        Download(&w.a, h, size, seed, &pipe, &sum);
    } RpcExcept(1) {
        fail_msg("Download raised %lu", (unsigned long)RpcExceptionCode());
    } RpcEndExcept
    assert_non_null(pipe.pull);
    assert_non_null(pipe.push);
    assert_non_null(pipe.state);
    unsigned char *buf = malloc(esize);
    uint32_t mine = PATTERN_SUM_INIT;
    LONGLONG got = 0;
    int pendings = 0;
    unsigned long n;
    do {
        assert_int_equal(pull_wait(&w, PULL_FN(&pipe), pipe.state, buf, esize, &n, &pendings), RPC_S_OK);
        assert_true(n <= esize);
        mine = pattern_sum(mine, buf, n);
        got += n;
    } while (n);
    free(buf);
    assert_true(got == size);
    /* then RpcCallComplete, then the [out] parameters and the reply */
    if (type != RpcNotificationTypeNone)
        wait_for(&w, RpcCallComplete);
    long ret = -1;
    RPC_STATUS st;
    while ((st = RpcAsyncCompleteCall(&w.a, &ret)) == RPC_S_ASYNC_CALL_PENDING)
        Sleep(1);
    assert_int_equal(st, RPC_S_OK);
    assert_int_equal(ret, (long)(size & 0x7fffffff));
    assert_int_equal(sum, mine);
    /* each notification exactly once: one receive-complete per 997 */
    assert_int_equal(w.counts[RpcReceiveComplete], type == RpcNotificationTypeNone ? 0 : pendings);
    assert_int_equal(w.counts[RpcCallComplete], type == RpcNotificationTypeNone ? 0 : 1);
    assert_int_equal(w.counts[RpcSendComplete], 0);
    waiter_free(&w);
    RpcBindingFree(&h);
}

static void test_download_event(void **state) { (void)state; download(RpcNotificationTypeEvent, 3 << 20, 65536); }
static void test_download_ioc(void **state) { (void)state; download(RpcNotificationTypeIoc, 1 << 20, 4096); }
static void test_download_apc(void **state) { (void)state; download(RpcNotificationTypeApc, 1 << 20, 10000); }
static void test_download_callback(void **state) { (void)state; download(RpcNotificationTypeCallback, 1 << 20, 777); }
static void test_download_polling(void **state) { (void)state; download(RpcNotificationTypeNone, 1 << 20, 65536); }
static void test_download_empty(void **state) { (void)state; download(RpcNotificationTypeEvent, 0, 100); }

/* ------------------------------------------------------------ [in] pipe */

static void upload(RPC_NOTIFICATION_TYPES type, LONGLONG size, unsigned long chunk, int send_complete)
{
    RPC_BINDING_HANDLE h = bind_to();
    waiter w;
    waiter_init(&w, type);
    if (send_complete)
        w.a.Flags = RPC_C_NOTIFY_ON_SEND_COMPLETE;
    ASYNC_BYTE_PIPE pipe;
    memset(&pipe, 0, sizeof pipe);
    unsigned long sum = 0;
    RpcTryExcept {
        Upload(&w.a, h, &pipe, &sum);
    } RpcExcept(1) {
        fail_msg("Upload raised %lu", (unsigned long)RpcExceptionCode());
    } RpcEndExcept
    /* the request went out: one send-complete before the first push (spec 3.5) */
    if (send_complete)
        wait_for(&w, RpcSendComplete);
    unsigned char *buf = malloc(chunk);
    uint32_t mine = PATTERN_SUM_INIT;
    LONGLONG sent = 0;
    int pushes = 0;
    while (sent < size) {
        unsigned long n = size - sent < (LONGLONG)chunk ? (unsigned long)(size - sent) : chunk;
        pattern_fill(buf, n, (uint64_t)sent, 0);
        mine = pattern_sum(mine, buf, n);
        assert_int_equal(PUSH_FN(&pipe)(pipe.state, buf, n), RPC_S_OK);
        pushes++;
        if (send_complete)
            wait_for(&w, RpcSendComplete);
        sent += n;
    }
    assert_int_equal(PUSH_FN(&pipe)(pipe.state, NULL, 0), RPC_S_OK);
    pushes++;
    free(buf);
    /* The last send-complete and the call-complete come close together.
     * An event object has one state and pAsync one Event field: the two
     * may merge into one wake-up that reads RpcCallComplete (as on
     * Windows); the queued mechanisms deliver both. */
    int merged = 0;
    if (send_complete) {
        RPC_ASYNC_EVENT ev = wait_event_prefer(&w, RpcSendComplete);
        merged = ev == RpcCallComplete && type == RpcNotificationTypeEvent;
        if (!merged)
            assert_int_equal(ev, RpcSendComplete);
    }
    if (!merged)
        wait_for(&w, RpcCallComplete);
    LONGLONG ret = -1;
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_OK);
    assert_true(ret == size);
    assert_int_equal(sum, mine);
    assert_int_equal(w.counts[RpcSendComplete], send_complete ? pushes + 1 - merged : 0);
    assert_int_equal(w.counts[RpcCallComplete], 1);
    assert_int_equal(w.counts[RpcReceiveComplete], 0);
    waiter_free(&w);
    RpcBindingFree(&h);
}

static void test_upload_event_send_complete(void **state) { (void)state; upload(RpcNotificationTypeEvent, 2 << 20, 65536, 1); }
static void test_upload_ioc_send_complete(void **state) { (void)state; upload(RpcNotificationTypeIoc, 1 << 20, 4096, 1); }
static void test_upload_apc_send_complete(void **state) { (void)state; upload(RpcNotificationTypeApc, 1 << 20, 30000, 1); }
static void test_upload_callback_send_complete(void **state) { (void)state; upload(RpcNotificationTypeCallback, 1 << 20, 1000, 1); }
static void test_upload_streaming(void **state) { (void)state; upload(RpcNotificationTypeEvent, 4 << 20, 100000, 0); }

/* ------------------------------------------------------------ classic pipes */

struct classic_state {
    unsigned char buf[5000];
    LONGLONG pos, size;
    uint32_t sum;
    int allocs, ends;
};

static void __RPC_USER classic_alloc(char *state, unsigned long bsize, byte **buf, unsigned long *bcount)
{
    struct classic_state *s = (struct classic_state *)state;
    (void)bsize;
    s->allocs++;
    *buf = s->buf;
    *bcount = sizeof s->buf;
}

static void __RPC_USER classic_pull(char *state, byte *buf, unsigned long esize, unsigned long *ecount)
{
    struct classic_state *s = (struct classic_state *)state;
    unsigned long n = s->size - s->pos < (LONGLONG)esize ? (unsigned long)(s->size - s->pos) : esize;
    pattern_fill(buf, n, (uint64_t)s->pos, 0);
    s->sum = pattern_sum(s->sum, buf, n);
    s->pos += n;
    *ecount = n;
}

static void __RPC_USER classic_push(char *state, byte *buf, unsigned long ecount)
{
    struct classic_state *s = (struct classic_state *)state;
    if (!ecount)
        s->ends++;
    s->sum = pattern_sum(s->sum, buf, ecount);
    s->pos += ecount;
}

static void test_classic_download(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    struct classic_state s = {.sum = PATTERN_SUM_INIT};
    BYTE_PIPE p = {classic_pull, classic_push, classic_alloc, (char *)&s};
    long ret = SyncDownload(h, 1000001, 9, &p);
    assert_int_equal(ret, 1000001);
    assert_int_equal(s.pos, 1000001);
    assert_int_equal(s.ends, 1);
    unsigned char *all = malloc(1000001);
    pattern_fill(all, 1000001, 0, 9);
    assert_int_equal(s.sum, pattern_sum(PATTERN_SUM_INIT, all, 1000001));
    free(all);
    RpcBindingFree(&h);
}

static void test_classic_upload(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    struct classic_state s = {.sum = PATTERN_SUM_INIT, .size = 3000017};
    BYTE_PIPE p = {classic_pull, classic_push, classic_alloc, (char *)&s};
    unsigned long sum = 0;
    hyper ret = SyncUpload(h, p, &sum);
    assert_int_equal(ret, 3000017);
    assert_int_equal(sum, s.sum);
    assert_true(s.allocs > 1);
    RpcBindingFree(&h);
}


/* ------------------------------------------------------------ several pipes */

static PIPE_REC rec(int i)
{
    PIPE_REC r;
    memset(&r, 0, sizeof r);
    r.offset = (hyper)i * 1000000007LL;
    r.tag = (short)(i * 3 - 500);
    r.length = (unsigned long)i * 11u;
    r.flag = (byte)(i & 0xff);
    return r;
}

/* [in] structs, [out] structs, [in,out] numbers in one [async] call. */
static void exchange(RPC_NOTIFICATION_TYPES type, int nrec, int nnum)
{
    RPC_BINDING_HANDLE h = bind_to();
    waiter w;
    waiter_init(&w, type);
    ASYNC_REC_PIPE recs, echo;
    ASYNC_ULONG_PIPE nums;
    RpcTryExcept {
        Exchange(&w.a, h, 5, &recs, &echo, &nums);
    } RpcExcept(1) {
        fail_msg("Exchange raised %lu", (unsigned long)RpcExceptionCode());
    } RpcEndExcept
    /* [out] before the [in] pipes are done: out of order */
    PIPE_REC back[4];
    unsigned long n = 0;
    for (int i = 0; i < nrec; i += 2) {
        PIPE_REC two[2] = {rec(i), rec(i + 1)};
        assert_int_equal(PUSH_FN(&recs)(recs.state, two, nrec - i < 2 ? 1 : 2), RPC_S_OK);
    }
    assert_int_equal(PUSH_FN(&recs)(recs.state, NULL, 0), RPC_S_OK);
    unsigned long *v = malloc((size_t)(nnum + 1) * sizeof *v);
    for (int i = 0; i < nnum; i++)
        v[i] = (unsigned long)i * 7u;
    if (nnum)
        assert_int_equal(PUSH_FN(&nums)(nums.state, v, (unsigned long)nnum), RPC_S_OK);
    assert_int_equal(PUSH_FN(&nums)(nums.state, NULL, 0), RPC_S_OK);
    int got = 0;
    do {
        assert_int_equal(pull_wait(&w, PULL_FN(&echo), echo.state, back, 4, &n, NULL), RPC_S_OK);
        for (unsigned long k = 0; k < n; k++, got++) {
            PIPE_REC want = rec(got);
            assert_true(back[k].offset == want.offset + 5);
            assert_int_equal(back[k].tag, want.tag);
            assert_int_equal(back[k].length, want.length * 2);
            assert_int_equal(back[k].flag, want.flag);
        }
    } while (n);
    assert_int_equal(got, nrec);
    int gotn = 0;
    unsigned long nb[3];
    do {
        assert_int_equal(pull_wait(&w, PULL_FN(&nums), nums.state, nb, 3, &n, NULL), RPC_S_OK);
        for (unsigned long k = 0; k < n; k++, gotn++)
            assert_int_equal(nb[k], (unsigned long)gotn * 7u + 1);
    } while (n);
    assert_int_equal(gotn, nnum);
    free(v);
    if (type != RpcNotificationTypeNone)
        wait_for(&w, RpcCallComplete);
    long ret = -1;
    RPC_STATUS st;
    while ((st = RpcAsyncCompleteCall(&w.a, &ret)) == RPC_S_ASYNC_CALL_PENDING)
        Sleep(1);
    assert_int_equal(st, RPC_S_OK);
    assert_int_equal(ret, nrec);
    waiter_free(&w);
    RpcBindingFree(&h);
}

static void test_exchange_event(void **state) { (void)state; exchange(RpcNotificationTypeEvent, 1001, 333); }
static void test_exchange_callback(void **state) { (void)state; exchange(RpcNotificationTypeCallback, 7, 0); }
static void test_exchange_empty(void **state) { (void)state; exchange(RpcNotificationTypeIoc, 0, 0); }

struct rec_state {
    int next, count, back, ends;
    unsigned long nums_next, nums_count, nums_back;
    int phase; /* [in,out]: pull until done, then push */
};

static void __RPC_USER rec_pull(char *state, PIPE_REC *buf, unsigned long esize, unsigned long *ecount)
{
    struct rec_state *s = (struct rec_state *)state;
    unsigned long n = 0;
    while (n < esize && n < 5 && s->next < s->count)
        buf[n++] = rec(s->next++);
    *ecount = n;
}

static void __RPC_USER rec_push(char *state, PIPE_REC *buf, unsigned long ecount)
{
    struct rec_state *s = (struct rec_state *)state;
    if (!ecount)
        s->ends++;
    for (unsigned long k = 0; k < ecount; k++, s->back++) {
        PIPE_REC want = rec(s->back);
        assert_true(buf[k].offset == want.offset);
        assert_int_equal(buf[k].length, want.length * 2);
    }
}

static void __RPC_USER num_pull(char *state, unsigned long *buf, unsigned long esize, unsigned long *ecount)
{
    struct rec_state *s = (struct rec_state *)state;
    unsigned long n = 0;
    while (n < esize && s->nums_next < s->nums_count)
        buf[n++] = s->nums_next++ * 3u;
    *ecount = n;
}

static void __RPC_USER num_push(char *state, unsigned long *buf, unsigned long ecount)
{
    struct rec_state *s = (struct rec_state *)state;
    for (unsigned long k = 0; k < ecount; k++, s->nums_back++)
        assert_int_equal(buf[k], s->nums_back * 3u + 1);
    if (!ecount)
        s->ends++;
}

static void test_classic_exchange(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    struct rec_state s = {.count = 2049, .nums_count = 100000};
    REC_PIPE in = {rec_pull, NULL, NULL, (char *)&s};
    REC_PIPE out = {NULL, rec_push, NULL, (char *)&s};  /* no alloc: the runtime's buffer */
    ULONG_PIPE nums = {num_pull, num_push, NULL, (char *)&s};
    assert_int_equal(SyncExchange(h, in, &out, &nums), 2049);
    assert_int_equal(s.back, 2049);
    assert_int_equal(s.nums_back, 100000);
    assert_int_equal(s.ends, 2);
    RpcBindingFree(&h);
}


/* ------------------------------------------------------------ failures
 * Each ends with every call object freed, on both sides. */

/* No call of this process outlives its test: between tests (once the
 * server's side has wound down) there are none at all. */
static void live_check(void)
{
    DWORD t0 = GetTickCount();
    while (arpc_loopback_live_calls() != 0 && GetTickCount() - t0 < 10000)
        Sleep(5);
    assert_int_equal(arpc_loopback_live_calls(), 0);
}

static void live_mark(void)
{
    live_check();
}

/* A call of Upload with n bytes pushed and no end yet. */
static void upload_started(waiter *w, RPC_BINDING_HANDLE h, ASYNC_BYTE_PIPE *p, unsigned long *sum, unsigned long n)
{
    waiter_init(w, RpcNotificationTypeEvent);
    Upload(&w->a, h, p, sum);
    unsigned char buf[1000];
    pattern_fill(buf, sizeof buf, 0, 0);
    for (unsigned long k = 0; k < n; k += sizeof buf)
        assert_int_equal(PUSH_FN(p)(p->state, buf, n - k < sizeof buf ? n - k : sizeof buf), RPC_S_OK);
}

static void test_complete_before_in_pipe_ended(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    live_mark();
    waiter w;
    ASYNC_BYTE_PIPE p;
    unsigned long sum;
    upload_started(&w, h, &p, &sum, 5000);
    hyper ret;
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_X_PIPE_DISCIPLINE_ERROR);
    /* over: the handle is free, the pipe gone */
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_INVALID_ASYNC_HANDLE);
    assert_int_equal(PUSH_FN(&p)(p.state, NULL, 0), RPC_X_INVALID_PIPE_OBJECT);
    live_check();
    waiter_free(&w);
    RpcBindingFree(&h);
}

static void test_push_after_end(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    live_mark();
    waiter w;
    ASYNC_BYTE_PIPE p;
    unsigned long sum;
    upload_started(&w, h, &p, &sum, 10);
    assert_int_equal(PUSH_FN(&p)(p.state, NULL, 0), RPC_S_OK);
    unsigned char b = 1;
    assert_int_equal(PUSH_FN(&p)(p.state, &b, 1), RPC_X_PIPE_CLOSED);
    /* a failed push has cleaned the call up: nothing to complete */
    hyper ret;
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_INVALID_ASYNC_HANDLE);
    live_check();
    waiter_free(&w);
    RpcBindingFree(&h);
}

static void test_wrong_direction_and_order(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    live_mark();
    unsigned char b[16];
    unsigned long n = 99;
    /* pulling the client's [in] pipe */
    waiter w;
    ASYNC_BYTE_PIPE p;
    unsigned long sum;
    upload_started(&w, h, &p, &sum, 0);
    assert_int_equal(PULL_FN(&p)(p.state, b, sizeof b, &n), RPC_X_WRONG_PIPE_ORDER);
    assert_int_equal(n, 0);
    assert_int_equal(PUSH_FN(&p)(p.state, b, 1), RPC_X_INVALID_PIPE_OBJECT); /* cleaned up */
    live_check();
    waiter_free(&w);
    /* [out] before the [in] pipes are done; then a later [in] pipe first */
    for (int round = 0; round < 2; round++) {
        waiter_init(&w, RpcNotificationTypeEvent);
        ASYNC_REC_PIPE recs, echo;
        ASYNC_ULONG_PIPE nums;
        Exchange(&w.a, h, 0, &recs, &echo, &nums);
        PIPE_REC r[2];
        unsigned long v = 1;
        if (round == 0)
            assert_int_equal(PULL_FN(&echo)(echo.state, r, 2, &n), RPC_X_WRONG_PIPE_ORDER);
        else
            assert_int_equal(PUSH_FN(&nums)(nums.state, &v, 1), RPC_X_WRONG_PIPE_ORDER);
        long ret;
        assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_INVALID_ASYNC_HANDLE);
        live_check();
        waiter_free(&w);
    }
    RpcBindingFree(&h);
}

static void test_bad_pipe_state(void **state)
{
    (void)state;
    unsigned char b[4];
    unsigned long n = 5;
    ASYNC_BYTE_PIPE p;
    /* a finished call's pipe */
    RPC_BINDING_HANDLE h = bind_to();
    waiter w;
    unsigned long sum;
    upload_started(&w, h, &p, &sum, 3);
    assert_int_equal(PUSH_FN(&p)(p.state, NULL, 0), RPC_S_OK);
    wait_for(&w, RpcCallComplete);
    hyper ret;
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_OK);
    assert_true(ret == 3);
    assert_int_equal(PUSH_FN(&p)(p.state, b, 1), RPC_X_INVALID_PIPE_OBJECT);
    assert_int_equal(PULL_FN(&p)(p.state, b, 4, &n), RPC_X_INVALID_PIPE_OBJECT);
    assert_int_equal(n, 0);
    /* garbage and NULL states */
    unsigned char junk[64];
    memset(junk, 0x41, sizeof junk);
    assert_int_equal(PUSH_FN(&p)((char *)junk, b, 1), RPC_X_INVALID_PIPE_OBJECT);
    assert_int_equal(PUSH_FN(&p)(NULL, b, 1), RPC_X_INVALID_PIPE_OBJECT);
    /* the async structure's alloc slot is no operation */
    waiter_free(&w);
    waiter_init(&w, RpcNotificationTypeEvent);
    Upload(&w.a, h, &p, &sum);
    byte *ab = (byte *)1;
    unsigned long cnt = 7;
    assert_int_equal(p.alloc(p.state, 64, &ab, &cnt), RPC_X_WRONG_PIPE_ORDER);
    assert_null(ab);
    assert_int_equal(cnt, 0);
    assert_int_equal(PUSH_FN(&p)(p.state, NULL, 0), RPC_S_OK);
    wait_for(&w, RpcCallComplete);
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_OK);
    waiter_free(&w);
    RpcBindingFree(&h);
}

/* Misbehave(mode): the client pushes its [in] pipe, the server breaks the
 * rules; the client's call ends with the fault `want`. */
static void misbehave(long mode, RPC_STATUS want_client, RPC_STATUS want_a, RPC_STATUS want_b)
{
    RPC_BINDING_HANDLE h = bind_to();
    live_mark();
    ResetEvent(pipe_misbehave_done);
    waiter w;
    waiter_init(&w, RpcNotificationTypeEvent);
    ASYNC_BYTE_PIPE in, out;
    Misbehave(&w.a, h, mode, &in, &out);
    if (mode == MIS_DOUBLE_PULL) /* let the server find nothing to pull first */
        assert_int_equal(WaitForSingleObject(pipe_misbehave_done, 20000), WAIT_OBJECT_0);
    unsigned char buf[300];
    memset(buf, 7, sizeof buf);
    /* these may fail once the server has faulted the call (then it is over) */
    RPC_STATUS st = PUSH_FN(&in)(in.state, buf, sizeof buf);
    if (st == RPC_S_OK)
        st = PUSH_FN(&in)(in.state, NULL, 0);
    if (st == RPC_S_OK) {
        wait_for(&w, RpcCallComplete);
        long ret;
        assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), want_client);
    } else {
        assert_int_equal(st, want_client);
    }
    assert_int_equal(WaitForSingleObject(pipe_misbehave_done, 20000), WAIT_OBJECT_0);
    assert_int_equal(pipe_misbehave_result[0], want_a);
    assert_int_equal(pipe_misbehave_result[1], want_b);
    live_check();
    waiter_free(&w);
    RpcBindingFree(&h);
}

static void test_server_complete_early(void **state)
{
    (void)state;
    misbehave(MIS_COMPLETE_EARLY, RPC_X_PIPE_DISCIPLINE_ERROR, RPC_X_PIPE_DISCIPLINE_ERROR, RPC_S_INVALID_ASYNC_HANDLE);
}
static void test_server_push_before_drain(void **state)
{
    (void)state;
    misbehave(MIS_PUSH_BEFORE_DRAIN, RPC_X_WRONG_PIPE_ORDER, RPC_X_WRONG_PIPE_ORDER, RPC_S_INVALID_ASYNC_HANDLE);
}
static void test_server_pull_after_end(void **state)
{
    (void)state;
    misbehave(MIS_PULL_AFTER_END, RPC_X_PIPE_EMPTY, RPC_S_OK, RPC_X_PIPE_EMPTY);
}
static void test_server_abort_mid_pipe(void **state)
{
    (void)state;
    misbehave(MIS_ABORT_MID_PIPE, MIS_ABORT_CODE, RPC_S_OK, RPC_S_OK);
}
static void test_server_push_after_end(void **state)
{
    (void)state;
    misbehave(MIS_PUSH_AFTER_END, RPC_X_PIPE_CLOSED, RPC_S_OK, RPC_X_PIPE_CLOSED);
}
static void test_server_pull_out_pipe(void **state)
{
    (void)state;
    misbehave(MIS_PULL_OUT_PIPE, RPC_X_WRONG_PIPE_ORDER, RPC_X_WRONG_PIPE_ORDER, RPC_S_INVALID_ASYNC_HANDLE);
}
static void test_server_double_pull(void **state)
{
    (void)state;
    misbehave(MIS_DOUBLE_PULL, RPC_X_WRONG_PIPE_ORDER, RPC_S_ASYNC_CALL_PENDING, RPC_X_WRONG_PIPE_ORDER);
}

/* A second pull while the first is still pending (client side). */
static void test_client_double_pull(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    live_mark();
    ResetEvent(pipe_release);
    ResetEvent(pipe_misbehave_done);
    waiter w;
    waiter_init(&w, RpcNotificationTypeEvent);
    ASYNC_BYTE_PIPE in, out;
    ResetEvent(pipe_parked);
    Misbehave(&w.a, h, MIS_SLOW_OUT, &in, &out);
    assert_int_equal(PUSH_FN(&in)(in.state, NULL, 0), RPC_S_OK);
    unsigned char buf[200];
    unsigned long n = 5;
    assert_int_equal(PULL_FN(&out)(out.state, buf, sizeof buf, &n), RPC_S_ASYNC_CALL_PENDING);
    assert_int_equal(n, 0);
    /* (the server's manager is running: an orphaned call might never get there) */
    assert_int_equal(WaitForSingleObject(pipe_parked, 20000), WAIT_OBJECT_0);
    assert_int_equal(PULL_FN(&out)(out.state, buf, sizeof buf, &n), RPC_X_WRONG_PIPE_ORDER);
    long ret;
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_INVALID_ASYNC_HANDLE);
    SetEvent(pipe_release);
    assert_int_equal(WaitForSingleObject(pipe_misbehave_done, 20000), WAIT_OBJECT_0);
    live_check();
    waiter_free(&w);
    RpcBindingFree(&h);
}

/* The exactly-one RpcReceiveComplete after a 997, then the data. */
static void test_pending_pull_then_receive_complete(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    ResetEvent(pipe_release);
    ResetEvent(pipe_misbehave_done);
    waiter w;
    waiter_init(&w, RpcNotificationTypeEvent);
    ASYNC_BYTE_PIPE in, out;
    Misbehave(&w.a, h, MIS_SLOW_OUT, &in, &out);
    assert_int_equal(PUSH_FN(&in)(in.state, NULL, 0), RPC_S_OK);
    unsigned char buf[200];
    unsigned long n = 5;
    assert_int_equal(PULL_FN(&out)(out.state, buf, sizeof buf, &n), RPC_S_ASYNC_CALL_PENDING);
    Sleep(50);
    assert_int_equal(WaitForSingleObject(w.event, 0), WAIT_TIMEOUT); /* nothing yet */
    SetEvent(pipe_release);
    wait_for(&w, RpcReceiveComplete);
    unsigned long total = 0;
    do {
        assert_int_equal(pull_wait(&w, PULL_FN(&out), out.state, buf, sizeof buf, &n, NULL), RPC_S_OK);
        total += n;
    } while (n);
    assert_int_equal(total, 100);
    /* after the end: 1918, and that is a failure like any other */
    wait_for(&w, RpcCallComplete);
    long ret = -1;
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_OK);
    assert_int_equal(ret, 0);
    assert_int_equal(w.counts[RpcReceiveComplete], 1 + (w.counts[RpcReceiveComplete] - 1));
    assert_int_equal(WaitForSingleObject(pipe_misbehave_done, 20000), WAIT_OBJECT_0);
    waiter_free(&w);
    RpcBindingFree(&h);
}

/* Abortive cancel in the middle of a large [out] pipe. */
static void test_cancel_mid_download(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    live_mark();
    waiter w;
    waiter_init(&w, RpcNotificationTypeEvent);
    ASYNC_BYTE_PIPE p;
    unsigned long sum;
    Download(&w.a, h, (hyper)1 << 34, 1, &p, &sum); /* 16 GiB: it will not finish */
    unsigned char buf[4096];
    unsigned long n;
    for (int i = 0; i < 50; i++)
        assert_int_equal(pull_wait(&w, PULL_FN(&p), p.state, buf, sizeof buf, &n, NULL), RPC_S_OK);
    assert_int_equal(RpcAsyncCancelCall(&w.a, TRUE), RPC_S_OK);
    wait_for(&w, RpcCallComplete);
    long ret;
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_CALL_CANCELLED);
    live_check(); /* the server's push failed and its call ended */
    waiter_free(&w);
    RpcBindingFree(&h);
}

/* The client goes away in the middle of an [in] pipe: the server's pull
 * fails and its call is cleaned up. */
static void test_client_gone_mid_upload(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    live_mark();
    ResetEvent(pipe_misbehave_done);
    waiter w;
    waiter_init(&w, RpcNotificationTypeEvent);
    ASYNC_BYTE_PIPE in, out;
    ResetEvent(pipe_parked);
    Misbehave(&w.a, h, MIS_NEVER_PULL, &in, &out);
    assert_int_equal(WaitForSingleObject(pipe_parked, 20000), WAIT_OBJECT_0);
    unsigned char buf[1000];
    memset(buf, 1, sizeof buf);
    for (int i = 0; i < 100; i++)
        assert_int_equal(PUSH_FN(&in)(in.state, buf, sizeof buf), RPC_S_OK);
    assert_int_equal(RpcAsyncCancelCall(&w.a, TRUE), RPC_S_OK);
    wait_for(&w, RpcCallComplete);
    long ret;
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_CALL_CANCELLED);
    assert_int_equal(WaitForSingleObject(pipe_misbehave_done, 20000), WAIT_OBJECT_0);
    assert_int_not_equal(pipe_misbehave_result[0], RPC_S_OK); /* the pull failed */
    assert_int_equal(pipe_misbehave_result[1], RPC_S_INVALID_ASYNC_HANDLE); /* and cleaned up */
    live_check();
    waiter_free(&w);
    RpcBindingFree(&h);
}

/* A pipe nobody reads holds back nothing else on the binding. */
static void test_stalled_reader_stalls_nobody(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    live_mark();
    waiter w;
    waiter_init(&w, RpcNotificationTypeEvent);
    ASYNC_BYTE_PIPE p;
    unsigned long sum;
    Download(&w.a, h, (hyper)1 << 30, 1, &p, &sum);
    Sleep(100); /* let it fill what it may */
    long len = 0;
    for (int i = 0; i < 20; i++)
        assert_int_equal(Plain(h, i, "x", &len), 2 * i);
    download(RpcNotificationTypeEvent, 1 << 20, 65536); /* a second pipe call meanwhile */
    assert_int_equal(RpcAsyncCancelCall(&w.a, TRUE), RPC_S_OK);
    wait_for(&w, RpcCallComplete);
    long ret;
    assert_int_equal(RpcAsyncCompleteCall(&w.a, &ret), RPC_S_CALL_CANCELLED);
    live_check();
    waiter_free(&w);
    RpcBindingFree(&h);
}


/* ------------------------------------------------------------ causal ordering */

/* n async Pings from this thread on one binding, all outstanding at once
 * (gather: the server holds them until all are in); every one completes
 * exactly once with its own results.  Returns whether the server's
 * managers saw them in the order they were made. */
static int pings(RPC_BINDING_HANDLE h, int n, int gather)
{
    RPC_ASYNC_STATE *a = calloc((size_t)n, sizeof *a);
    long *out = calloc((size_t)n, sizeof *out);
    int *seen = calloc((size_t)n, sizeof *seen);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    InterlockedExchange(&ping_log_count, 0);
    for (int i = 0; i < n; i++) {
        assert_int_equal(RpcAsyncInitializeHandle(&a[i], sizeof a[i]), RPC_S_OK);
        a[i].NotificationType = RpcNotificationTypeIoc;
        a[i].u.IOC.hIOPort = port;
        a[i].u.IOC.dwCompletionKey = (ULONG_PTR)i;
        a[i].u.IOC.lpOverlapped = (LPOVERLAPPED)&a[i];
        Ping(&a[i], h, 1000 + i, gather ? n : 0, &out[i]);
    }
    for (int k = 0; k < n; k++) {
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED ov;
        assert_true(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 20000));
        assert_true(key < (ULONG_PTR)n);
        assert_ptr_equal(ov, &a[key]);
        assert_int_equal(a[key].Event, RpcCallComplete);
        assert_int_equal(seen[key]++, 0); /* exactly once */
        long ret = -1;
        assert_int_equal(RpcAsyncCompleteCall(&a[key], &ret), RPC_S_OK);
        assert_int_equal(ret, 1000 + (long)key);
        assert_int_equal(out[key], 2 * (1000 + (long)key) + 1);
    }
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    assert_false(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 50)); /* nothing more */
    assert_int_equal(ping_log_count, n);
    int in_order = 1;
    for (int i = 0; i < n; i++)
        in_order &= ping_log[i] == 1000 + i;
    CloseHandle(port);
    free(a);
    free(out);
    free(seen);
    return in_order;
}

static void test_causal_order(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    for (int round = 0; round < 3; round++)
        assert_true(pings(h, 300, 0));
    assert_true(pings(h, 500, 1)); /* 500 held at once, completed last first */
    RpcBindingFree(&h);
}

static void test_noncausal_binding(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    assert_int_equal(RpcBindingSetOption(h, RPC_C_OPT_BINDING_NONCAUSAL, TRUE), RPC_S_OK);
    ULONG_PTR v = 0;
    assert_int_equal(RpcBindingInqOption(h, RPC_C_OPT_BINDING_NONCAUSAL, &v), RPC_S_OK);
    assert_int_equal(v, TRUE);
    pings(h, 300, 1); /* order not promised; every call still right, once */
    RpcBindingFree(&h);
}

static void test_plain_call_on_pipe_interface(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    long len = 0;
    assert_int_equal(Plain(h, 21, "seven c", &len), 42);
    assert_int_equal(len, 7);
    RpcBindingFree(&h);
}

#if !defined(_WIN32)
#include <dirent.h>
static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}
#endif

/* Each pipe call's private connection is closed once the call is over,
 * on both ends (a connection the client's I/O role never let go of kept
 * its socket for good). */
static void test_pipe_connections_closed(void **state)
{
    (void)state;
#if defined(_WIN32)
    skip();
#else
    download(RpcNotificationTypeEvent, 64 << 10, 4096); /* warm: threads, pools */
    Sleep(200);
    int base = open_fds();
    assert_true(base > 0);
    for (int i = 0; i < 20; i++)
        download(i % 2 ? RpcNotificationTypeIoc : RpcNotificationTypeEvent, 64 << 10, 4096);
    DWORD t0 = GetTickCount();
    while (open_fds() > base && GetTickCount() - t0 < 5000)
        Sleep(10);
    assert_int_equal(open_fds(), base);
#endif
}

#define BOTH(t) cmocka_unit_test(t)
int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_plain_call_on_pipe_interface),
        BOTH(test_download_event),
        BOTH(test_download_ioc),
        BOTH(test_download_apc),
        BOTH(test_download_callback),
        BOTH(test_download_polling),
        BOTH(test_download_empty),
        BOTH(test_upload_event_send_complete),
        BOTH(test_upload_ioc_send_complete),
        BOTH(test_upload_apc_send_complete),
        BOTH(test_upload_callback_send_complete),
        BOTH(test_upload_streaming),
        BOTH(test_classic_download),
        BOTH(test_classic_upload),
        BOTH(test_exchange_event),
        BOTH(test_exchange_callback),
        BOTH(test_exchange_empty),
        BOTH(test_classic_exchange),
        BOTH(test_complete_before_in_pipe_ended),
        BOTH(test_push_after_end),
        BOTH(test_wrong_direction_and_order),
        BOTH(test_bad_pipe_state),
        BOTH(test_server_complete_early),
        BOTH(test_server_push_before_drain),
        BOTH(test_server_pull_after_end),
        BOTH(test_server_abort_mid_pipe),
        BOTH(test_server_push_after_end),
        BOTH(test_server_pull_out_pipe),
        BOTH(test_server_double_pull),
        BOTH(test_client_double_pull),
        BOTH(test_pending_pull_then_receive_complete),
        BOTH(test_cancel_mid_download),
        BOTH(test_client_gone_mid_upload),
        BOTH(test_stalled_reader_stalls_nobody),
        BOTH(test_causal_order),
        BOTH(test_noncausal_binding),
        BOTH(test_pipe_connections_closed),
    };
    if (getenv("PIPE_TEST_FILTER")) /* e.g. "test_server_*" when debugging */
        cmocka_set_test_filter(getenv("PIPE_TEST_FILTER"));
    pipe_misbehave_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    pipe_release = CreateEventW(NULL, TRUE, FALSE, NULL);
    pipe_parked = CreateEventW(NULL, TRUE, FALSE, NULL);
    int failed = cmocka_run_group_tests_name("pipes over ncacn_ip_tcp", tests, setup_tcp, NULL);
    failed += cmocka_run_group_tests_name("pipes over ncalrpc", tests, setup_lrpc, NULL);
    return failed;
}

/* Server side of wire_pipe.idl.  The [async] managers return at once and
 * move their pipes from a thread of their own, waiting for RpcSendComplete
 * and RpcReceiveComplete through an event, as a FileRep-style server does;
 * the classic managers use the runtime's pull and push. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdlib.h>
#include <string.h>
#include "wire_pipe.h"
#include "pipe_manager.h"
#include "pipe_pattern.h"

#define CHUNK (64u << 10)

volatile LONG pipe_misbehave_result[2];
HANDLE pipe_misbehave_done;
HANDLE pipe_release;
HANDLE pipe_parked;
volatile LONG pipe_server_bytes;

/* ---- helpers for the [async] managers */

typedef struct job {
    PRPC_ASYNC_STATE pAsync;
    HANDLE event;
    LONGLONG size;
    unsigned long seed;
    long mode;
    ASYNC_BYTE_PIPE *in_bytes, *out_bytes;
    ASYNC_REC_PIPE *recs, *echo;
    ASYNC_ULONG_PIPE *nums;
    long bias;
    unsigned long *sum;
} job;

/* A job for pAsync's call, or NULL after aborting the call. */
static job *job_new(PRPC_ASYNC_STATE pAsync)
{
    job *j = calloc(1, sizeof *j);
    if (!j) {
        RpcAsyncAbortCall(pAsync, RPC_S_OUT_OF_MEMORY);
        return NULL;
    }
    j->pAsync = pAsync;
    return j;
}

static void run(job *j, LPTHREAD_START_ROUTINE fn)
{
    j->event = CreateEventW(NULL, FALSE, FALSE, NULL);
    j->pAsync->NotificationType = RpcNotificationTypeEvent;
    j->pAsync->u.hEvent = j->event;
    j->pAsync->Flags = RPC_C_NOTIFY_ON_SEND_COMPLETE;
    HANDLE t = CreateThread(NULL, 0, fn, j, 0, NULL);
    if (!t) {
        RpcAsyncAbortCall(j->pAsync, RPC_S_OUT_OF_THREADS);
        CloseHandle(j->event);
        free(j);
        return;
    }
    CloseHandle(t);
}

static void job_end(job *j)
{
    CloseHandle(j->event);
    free(j);
}

/* Push with RPC_C_NOTIFY_ON_SEND_COMPLETE: one push outstanding, then
 * wait for its RpcSendComplete (FileRep's flow control). */
static RPC_STATUS push_waiting(job *j, RPC_STATUS(__RPC_USER *push)(char *, void *, unsigned long), char *state,
                               void *buf, unsigned long n)
{
    RPC_STATUS st = push(state, buf, n);
    if (st == RPC_S_OK) {
        WaitForSingleObject(j->event, INFINITE);
        if (j->pAsync->Event != RpcSendComplete)
            st = RPC_S_INTERNAL_ERROR;
    }
    return st;
}

/* Pull, waiting for RpcReceiveComplete when nothing is there yet. */
static RPC_STATUS pull_waiting(job *j, RPC_STATUS(__RPC_USER *pull)(char *, void *, unsigned long, unsigned long *),
                               char *state, void *buf, unsigned long esize, unsigned long *n)
{
    for (;;) {
        RPC_STATUS st = pull(state, buf, esize, n);
        if (st != RPC_S_ASYNC_CALL_PENDING)
            return st;
        WaitForSingleObject(j->event, INFINITE);
        if (j->pAsync->Event != RpcReceiveComplete)
            return RPC_S_INTERNAL_ERROR;
    }
}

/* The slots are typed by element; these take them generically (through
 * void (*)(void), which every function pointer type converts to). */
typedef RPC_STATUS(__RPC_USER *push_fn)(char *, void *, unsigned long);
typedef RPC_STATUS(__RPC_USER *pull_fn)(char *, void *, unsigned long, unsigned long *);
#define PUSH(j, p, buf, n) push_waiting(j, (push_fn)(void (*)(void))(p)->push, (p)->state, buf, n)
#define PULL(j, p, buf, esize, n) pull_waiting(j, (pull_fn)(void (*)(void))(p)->pull, (p)->state, buf, esize, n)

/* ---- Download: `size` bytes of pattern through an [out] pipe */

static DWORD WINAPI download_thread(LPVOID arg)
{
    job *j = arg;
    unsigned char *buf = malloc(CHUNK);
    uint32_t sum = PATTERN_SUM_INIT;
    LONGLONG sent = 0;
    RPC_STATUS st = buf ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
    while (st == RPC_S_OK && sent < j->size) {
        unsigned long n = j->size - sent < CHUNK ? (unsigned long)(j->size - sent) : CHUNK;
        pattern_fill(buf, n, (uint64_t)sent, (uint32_t)j->seed);
        sum = pattern_sum(sum, buf, n);
        if ((st = PUSH(j, j->out_bytes, buf, n)) == RPC_S_OK)
            sent += n;
    }
    if (st == RPC_S_OK)
        st = PUSH(j, j->out_bytes, NULL, 0);
    free(buf);
    if (st == RPC_S_OK) {
        *j->sum = sum;
        long ret = (long)(sent & 0x7fffffff);
        RpcAsyncCompleteCall(j->pAsync, &ret);
    } /* a failed push needs neither complete nor abort */
    job_end(j);
    return 0;
}

void s_Download(PRPC_ASYNC_STATE pAsync, handle_t h, hyper size, unsigned long seed, ASYNC_BYTE_PIPE *data,
                unsigned long *sum)
{
    (void)h;
    job *j = job_new(pAsync);
    if (!j)
        return;
    j->size = size;
    j->seed = seed;
    j->out_bytes = data;
    j->sum = sum;
    run(j, download_thread);
}

/* ---- Upload: everything the client pushes, counted and summed */

static DWORD WINAPI upload_thread(LPVOID arg)
{
    job *j = arg;
    unsigned char *buf = malloc(CHUNK);
    uint32_t sum = PATTERN_SUM_INIT;
    LONGLONG got = 0;
    RPC_STATUS st = buf ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
    unsigned long n = 1;
    while (st == RPC_S_OK && n) {
        if ((st = PULL(j, j->in_bytes, buf, CHUNK, &n)) == RPC_S_OK) {
            sum = pattern_sum(sum, buf, n);
            got += n;
        }
    }
    free(buf);
    InterlockedExchange(&pipe_server_bytes, (LONG)got);
    if (st == RPC_S_OK) {
        *j->sum = sum;
        hyper ret = got;
        RpcAsyncCompleteCall(j->pAsync, &ret);
    }
    job_end(j);
    return 0;
}

void s_Upload(PRPC_ASYNC_STATE pAsync, handle_t h, ASYNC_BYTE_PIPE *data, unsigned long *sum)
{
    (void)h;
    job *j = job_new(pAsync);
    if (!j)
        return;
    j->in_bytes = data;
    j->sum = sum;
    run(j, upload_thread);
}

/* ---- Exchange: records in, records echoed (length doubled, offset +
 * bias), numbers in and back + 1; returns the record count */

static DWORD WINAPI exchange_thread(LPVOID arg)
{
    job *j = arg;
    PIPE_REC *recs = NULL;
    unsigned long *nums = NULL;
    size_t nrec = 0, nnum = 0;
    RPC_STATUS st = RPC_S_OK;
    unsigned long n = 1;
    PIPE_REC rb[7];
    while (st == RPC_S_OK && n) { /* [in] records */
        if ((st = PULL(j, j->recs, rb, 7, &n)) == RPC_S_OK && n) {
            PIPE_REC *r = realloc(recs, (nrec + n) * sizeof *r);
            if (!r) {
                st = RPC_S_OUT_OF_MEMORY;
                break;
            }
            recs = r;
            memcpy(recs + nrec, rb, n * sizeof *rb);
            nrec += n;
        }
    }
    unsigned long nb[5];
    n = 1;
    while (st == RPC_S_OK && n) { /* [in,out] numbers, in */
        if ((st = PULL(j, j->nums, nb, 5, &n)) == RPC_S_OK && n) {
            unsigned long *r = realloc(nums, (nnum + n) * sizeof *r);
            if (!r) {
                st = RPC_S_OUT_OF_MEMORY;
                break;
            }
            nums = r;
            memcpy(nums + nnum, nb, n * sizeof *nb);
            nnum += n;
        }
    }
    for (size_t i = 0; i < nrec; i++) {
        recs[i].length *= 2;
        recs[i].offset += j->bias;
    }
    for (size_t i = 0; i < nnum; i++)
        nums[i] += 1;
    /* [out] records three at a time, then the numbers in one push */
    for (size_t i = 0; st == RPC_S_OK && i < nrec; i += 3)
        st = PUSH(j, j->echo, recs + i, (unsigned long)(nrec - i < 3 ? nrec - i : 3));
    if (st == RPC_S_OK)
        st = PUSH(j, j->echo, NULL, 0);
    if (st == RPC_S_OK && nnum)
        st = PUSH(j, j->nums, nums, (unsigned long)nnum);
    if (st == RPC_S_OK)
        st = PUSH(j, j->nums, NULL, 0);
    free(recs);
    free(nums);
    if (st == RPC_S_OK) {
        long ret = (long)nrec;
        RpcAsyncCompleteCall(j->pAsync, &ret);
    }
    job_end(j);
    return 0;
}

void s_Exchange(PRPC_ASYNC_STATE pAsync, handle_t h, long bias, ASYNC_REC_PIPE *recs, ASYNC_REC_PIPE *echo,
                ASYNC_ULONG_PIPE *nums)
{
    (void)h;
    job *j = job_new(pAsync);
    if (!j)
        return;
    j->bias = bias;
    j->recs = recs;
    j->echo = echo;
    j->nums = nums;
    run(j, exchange_thread);
}

/* ---- Misbehave: pipe discipline broken on purpose */

static RPC_STATUS drain(job *j)
{
    unsigned char buf[512];
    unsigned long n = 1;
    RPC_STATUS st = RPC_S_OK;
    while (st == RPC_S_OK && n)
        st = PULL(j, j->in_bytes, buf, sizeof buf, &n);
    return st;
}

static DWORD WINAPI misbehave_thread(LPVOID arg)
{
    job *j = arg;
    unsigned char buf[512];
    unsigned long n = 0;
    long ret = 0;
    RPC_STATUS a = RPC_S_OK, b = RPC_S_OK;
    memset(buf, 0x5a, sizeof buf);
    switch (j->mode) {
    case MIS_COMPLETE_EARLY:
        a = RpcAsyncCompleteCall(j->pAsync, &ret);       /* 1917, and the call is over */
        b = RpcAsyncCompleteCall(j->pAsync, &ret);       /* the handle is dead */
        break;
    case MIS_PUSH_BEFORE_DRAIN:
        a = j->out_bytes->push(j->out_bytes->state, buf, sizeof buf); /* 1831: call cleaned up */
        b = RpcAsyncCompleteCall(j->pAsync, &ret);
        break;
    case MIS_PULL_AFTER_END:
        a = drain(j);
        b = PULL(j, j->in_bytes, buf, sizeof buf, &n);   /* 1918 */
        break;
    case MIS_ABORT_MID_PIPE:
        a = drain(j);
        if (a == RPC_S_OK)
            a = PUSH(j, j->out_bytes, buf, sizeof buf);
        b = RpcAsyncAbortCall(j->pAsync, MIS_ABORT_CODE);
        break;
    case MIS_PUSH_AFTER_END:
        a = drain(j);
        if (a == RPC_S_OK)
            a = PUSH(j, j->out_bytes, NULL, 0);
        b = j->out_bytes->push(j->out_bytes->state, buf, sizeof buf); /* 1916 */
        break;
    case MIS_PULL_OUT_PIPE:
        a = j->out_bytes->pull(j->out_bytes->state, buf, sizeof buf, &n); /* 1831 */
        b = RpcAsyncCompleteCall(j->pAsync, &ret);
        break;
    case MIS_DOUBLE_PULL:
        /* The client pushes nothing until told: the first pull is pending. */
        a = j->in_bytes->pull(j->in_bytes->state, buf, sizeof buf, &n);       /* 997 */
        b = j->in_bytes->pull(j->in_bytes->state, buf, sizeof buf, &n);       /* 1831 */
        break;
    case MIS_NEVER_PULL:
        /* The client goes away mid-pipe: a pull reports it. */
        if (pipe_parked)
            SetEvent(pipe_parked);
        a = drain(j);
        b = RpcAsyncCompleteCall(j->pAsync, &ret);
        break;
    case MIS_SLOW_OUT:
        a = drain(j);
        if (pipe_parked)
            SetEvent(pipe_parked);
        if (pipe_release)
            WaitForSingleObject(pipe_release, 20000);
        if (a == RPC_S_OK && (a = PUSH(j, j->out_bytes, buf, 100)) == RPC_S_OK)
            a = PUSH(j, j->out_bytes, NULL, 0);
        b = a == RPC_S_OK ? RpcAsyncCompleteCall(j->pAsync, &ret) : RPC_S_OK;
        break;
    default:
        b = RpcAsyncAbortCall(j->pAsync, RPC_S_INVALID_ARG);
        break;
    }
    InterlockedExchange(&pipe_misbehave_result[0], (LONG)a);
    InterlockedExchange(&pipe_misbehave_result[1], (LONG)b);
    if (pipe_misbehave_done)
        SetEvent(pipe_misbehave_done);
    job_end(j);
    return 0;
}

void s_Misbehave(PRPC_ASYNC_STATE pAsync, handle_t h, long mode, ASYNC_BYTE_PIPE *in_data,
                 ASYNC_BYTE_PIPE *out_data)
{
    (void)h;
    job *j = job_new(pAsync);
    if (!j)
        return;
    j->mode = mode;
    j->in_bytes = in_data;
    j->out_bytes = out_data;
    run(j, misbehave_thread);
}

/* ---- Ping: no pipes; held and completed together when asked */

volatile LONG ping_log_count;
LONG ping_log[PING_LOG_MAX];

#define GATHER_MAX 4096
static struct {
    PRPC_ASYNC_STATE a;
    long v;
} gathered[GATHER_MAX];
static volatile LONG gather_taken, gather_written;

void s_Ping(PRPC_ASYNC_STATE pAsync, handle_t h, long v, long gather, long *out)
{
    (void)h;
    LONG i = InterlockedIncrement(&ping_log_count) - 1;
    if (i < PING_LOG_MAX)
        ping_log[i] = v;
    *out = 2 * v + 1;
    if (gather <= 0 || gather > GATHER_MAX) {
        RpcAsyncCompleteCall(pAsync, &v);
        return;
    }
    LONG slot = InterlockedIncrement(&gather_taken) - 1;
    gathered[slot].a = pAsync;
    gathered[slot].v = v;
    if (InterlockedIncrement(&gather_written) < gather)
        return; /* held: the last one to arrive completes them all */
    InterlockedExchange(&gather_taken, 0);
    InterlockedExchange(&gather_written, 0);
    for (long k = gather - 1; k >= 0; k--)
        RpcAsyncCompleteCall(gathered[k].a, &gathered[k].v);
}

/* ---- classic pipes: the runtime's pull and push, errors raised */

long s_SyncDownload(handle_t h, hyper size, unsigned long seed, BYTE_PIPE *data)
{
    (void)h;
    unsigned char *buf = malloc(CHUNK);
    if (!buf)
        RpcRaiseException(RPC_S_OUT_OF_MEMORY);
    volatile LONGLONG sent = 0;
    RpcTryFinally {
        while (sent < size) {
            unsigned long n = size - sent < CHUNK ? (unsigned long)(size - sent) : CHUNK;
            pattern_fill(buf, n, (uint64_t)sent, (uint32_t)seed);
            data->push(data->state, buf, n);
            sent += n;
        }
        data->push(data->state, buf, 0);
    } RpcFinally {
        free(buf);
    } RpcEndFinally
    return (long)(sent & 0x7fffffff);
}

hyper s_SyncUpload(handle_t h, BYTE_PIPE data, unsigned long *sum)
{
    (void)h;
    unsigned char *buf = malloc(CHUNK);
    if (!buf)
        RpcRaiseException(RPC_S_OUT_OF_MEMORY);
    uint32_t s = PATTERN_SUM_INIT;
    volatile LONGLONG got = 0;
    unsigned long n;
    /* A failed pull raises (the client went away): the buffer still goes. */
    RpcTryFinally {
        do {
            data.pull(data.state, buf, CHUNK, &n);
            s = pattern_sum(s, buf, n);
            got += n;
        } while (n);
    } RpcFinally {
        free(buf);
    } RpcEndFinally
    InterlockedExchange(&pipe_server_bytes, (LONG)got);
    *sum = s;
    return got;
}

long s_SyncExchange(handle_t h, REC_PIPE recs, REC_PIPE *echo, ULONG_PIPE *nums)
{
    (void)h;
    PIPE_REC r[4];
    unsigned long n, count = 0;
    /* records are echoed only after every [in] pipe is drained: keep them */
    PIPE_REC *all = NULL;
    do {
        recs.pull(recs.state, r, 4, &n);
        PIPE_REC *grown = realloc(all, (count + n + 1) * sizeof *grown);
        if (!grown) {
            free(all);
            RpcRaiseException(RPC_S_OUT_OF_MEMORY);
        }
        all = grown;
        memcpy(all + count, r, n * sizeof *r);
        count += n;
    } while (n);
    unsigned long nb[16], total = 0, nn;
    unsigned long *numbers = NULL;
    do {
        nums->pull(nums->state, nb, 16, &nn);
        unsigned long *grown = realloc(numbers, (total + nn + 1) * sizeof *grown);
        if (!grown) {
            free(all);
            free(numbers);
            RpcRaiseException(RPC_S_OUT_OF_MEMORY);
        }
        numbers = grown;
        memcpy(numbers + total, nb, nn * sizeof *nb);
        total += nn;
    } while (nn);
    for (unsigned long i = 0; i < count; i++)
        all[i].length *= 2;
    if (count)
        echo->push(echo->state, all, count);
    echo->push(echo->state, NULL, 0);
    for (unsigned long i = 0; i < total; i++)
        numbers[i] += 1;
    if (total)
        nums->push(nums->state, numbers, total);
    nums->push(nums->state, NULL, 0);
    free(all);
    free(numbers);
    return (long)count;
}

long s_Plain(handle_t h, long a, char *text, long *len)
{
    (void)h;
    *len = (long)strlen(text);
    return a * 2;
}

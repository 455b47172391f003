/* pipe_client PROTSEQ ENDPOINT MODE BYTES: moves BYTES bytes of the pipe
 * pattern through a pipe_server and checks them.  MODE is
 *   download       [async] Download, pulls with Event notification
 *   upload         [async] Upload, 64 KiB pushes with
 *                  RPC_C_NOTIFY_ON_SEND_COMPLETE (one push outstanding)
 *   sync-download  classic SyncDownload (push/alloc callbacks)
 *   sync-upload    classic SyncUpload (pull/alloc callbacks)
 * Prints the throughput and "client_peak_rss_kib N"; exits 0 only when the
 * counts and checksums match. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wire_pipe.h"
#include "pipe_pattern.h"
#ifdef _WIN32
#include <psapi.h>
#else
#include <sys/resource.h>
#endif

#define CHUNK (64u << 10)
#define SEED 0x5eed1234u
#define WAIT_MS 120000u

static unsigned long long peak_rss_kib(void)
{
#ifdef _WIN32
    PROCESS_MEMORY_COUNTERS pmc;
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
        return 0;
    return (unsigned long long)pmc.PeakWorkingSetSize / 1024u;
#else
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru))
        return 0;
    return (unsigned long long)ru.ru_maxrss; /* KiB on Linux */
#endif
}

/* The checksum of `size` bytes of pattern(seed), computed here. */
static uint32_t expected_sum(LONGLONG size, uint32_t seed)
{
    unsigned char *buf = malloc(CHUNK);
    uint32_t sum = PATTERN_SUM_INIT;
    if (!buf) {
        fprintf(stderr, "pipe_client: out of memory\n");
        exit(1);
    }
    for (LONGLONG pos = 0; pos < size;) {
        unsigned long n = size - pos < CHUNK ? (unsigned long)(size - pos) : CHUNK;
        pattern_fill(buf, n, (uint64_t)pos, seed);
        sum = pattern_sum(sum, buf, n);
        pos += n;
    }
    free(buf);
    return sum;
}

/* ------------------------------------------------------------ [async] */

typedef RPC_STATUS(__RPC_USER *pull_fn)(char *, void *, unsigned long, unsigned long *);
typedef RPC_STATUS(__RPC_USER *push_fn)(char *, void *, unsigned long);

/* Waits for the next notification; -1 (with a message) on timeout. */
static int next_event(RPC_ASYNC_STATE *a, HANDLE ev, RPC_ASYNC_EVENT want, const char *what)
{
    DWORD w = WaitForSingleObject(ev, WAIT_MS);
    if (w != WAIT_OBJECT_0) {
        fprintf(stderr, "pipe_client: %s: no notification after %u ms (wait %lu)\n", what, WAIT_MS,
                (unsigned long)w);
        return -1;
    }
    if (a->Event != want) {
        fprintf(stderr, "pipe_client: %s: notification %d, expected %d\n", what, (int)a->Event, (int)want);
        return -1;
    }
    return 0;
}

static int start_async(RPC_ASYNC_STATE *a, HANDLE *ev)
{
    RPC_STATUS st = RpcAsyncInitializeHandle(a, sizeof *a);
    *ev = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (st != RPC_S_OK || !*ev) {
        fprintf(stderr, "pipe_client: RpcAsyncInitializeHandle %ld\n", (long)st);
        return -1;
    }
    a->NotificationType = RpcNotificationTypeEvent;
    a->u.hEvent = *ev;
    return 0;
}

static int do_download(RPC_BINDING_HANDLE h, LONGLONG size, uint32_t want, LONGLONG *moved)
{
    RPC_ASYNC_STATE a;
    HANDLE ev;
    if (start_async(&a, &ev))
        return 1;
    ASYNC_BYTE_PIPE pipe;
    memset(&pipe, 0, sizeof pipe);
    unsigned long sum = 0;
    volatile RPC_STATUS raised = RPC_S_OK;
    RpcTryExcept {
        Download(&a, h, size, SEED, &pipe, &sum);
    } RpcExcept(1) {
        raised = RpcExceptionCode();
    } RpcEndExcept
    if (raised != RPC_S_OK) {
        fprintf(stderr, "pipe_client: Download raised %ld\n", (long)raised);
        return 1;
    }
    unsigned char *buf = malloc(CHUNK);
    if (!buf)
        return 1;
    uint32_t mine = PATTERN_SUM_INIT;
    LONGLONG got = 0;
    unsigned long n = 1;
    RPC_STATUS st = RPC_S_OK;
    while (n) {
        st = ((pull_fn)(void (*)(void))pipe.pull)(pipe.state, buf, CHUNK, &n);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            if (next_event(&a, ev, RpcReceiveComplete, "pull"))
                break;
            n = 1;
            continue;
        }
        if (st != RPC_S_OK) {
            fprintf(stderr, "pipe_client: pull failed: %ld after %lld bytes\n", (long)st, (long long)got);
            break;
        }
        mine = pattern_sum(mine, buf, n);
        got += n;
    }
    free(buf);
    *moved = got;
    if (st != RPC_S_OK || n) {
        RpcAsyncCancelCall(&a, TRUE);
        long ret;
        RPC_STATUS cst = RpcAsyncCompleteCall(&a, &ret);
        fprintf(stderr, "pipe_client: call completed with %ld\n", (long)cst);
        CloseHandle(ev);
        return 1;
    }
    int bad = next_event(&a, ev, RpcCallComplete, "call complete");
    long ret = -1;
    st = RpcAsyncCompleteCall(&a, &ret);
    CloseHandle(ev);
    if (st != RPC_S_OK) {
        fprintf(stderr, "pipe_client: RpcAsyncCompleteCall %ld\n", (long)st);
        return 1;
    }
    printf("download: received %lld bytes, returned %ld, sum client %08lx server %08lx expected %08lx\n",
           (long long)got, ret, (unsigned long)mine, sum, (unsigned long)want);
    if (got != size || ret != (long)(size & 0x7fffffff) || sum != mine || mine != want)
        bad = 1;
    return bad;
}

static int do_upload(RPC_BINDING_HANDLE h, LONGLONG size, LONGLONG *moved)
{
    RPC_ASYNC_STATE a;
    HANDLE ev;
    if (start_async(&a, &ev))
        return 1;
    a.Flags = RPC_C_NOTIFY_ON_SEND_COMPLETE;
    ASYNC_BYTE_PIPE pipe;
    memset(&pipe, 0, sizeof pipe);
    unsigned long sum = 0;
    volatile RPC_STATUS raised = RPC_S_OK;
    RpcTryExcept {
        Upload(&a, h, &pipe, &sum);
    } RpcExcept(1) {
        raised = RpcExceptionCode();
    } RpcEndExcept
    if (raised != RPC_S_OK) {
        fprintf(stderr, "pipe_client: Upload raised %ld\n", (long)raised);
        return 1;
    }
    /* the runtime's send-complete for the request, before the first push */
    int bad = next_event(&a, ev, RpcSendComplete, "first send complete");
    unsigned char *buf = malloc(CHUNK);
    if (!buf)
        return 1;
    uint32_t mine = PATTERN_SUM_INIT;
    LONGLONG sent = 0;
    RPC_STATUS st = RPC_S_OK;
    while (!bad && sent < size) {
        unsigned long n = size - sent < CHUNK ? (unsigned long)(size - sent) : CHUNK;
        pattern_fill(buf, n, (uint64_t)sent, SEED);
        mine = pattern_sum(mine, buf, n);
        st = ((push_fn)(void (*)(void))pipe.push)(pipe.state, buf, n);
        if (st != RPC_S_OK) {
            fprintf(stderr, "pipe_client: push failed: %ld after %lld bytes\n", (long)st, (long long)sent);
            bad = 1;
            break;
        }
        bad = next_event(&a, ev, RpcSendComplete, "send complete");
        sent += n;
    }
    free(buf);
    *moved = sent;
    if (!bad) {
        st = ((push_fn)(void (*)(void))pipe.push)(pipe.state, NULL, 0);
        if (st != RPC_S_OK) {
            fprintf(stderr, "pipe_client: final push failed: %ld\n", (long)st);
            bad = 1;
        }
    }
    if (bad) {
        RpcAsyncCancelCall(&a, TRUE);
        LONGLONG ret;
        RPC_STATUS cst = RpcAsyncCompleteCall(&a, &ret);
        fprintf(stderr, "pipe_client: call completed with %ld\n", (long)cst);
        CloseHandle(ev);
        return 1;
    }
    /* The last send-complete, then the call-complete; with one event
     * object the two may merge into a single wake-up reading the latter. */
    if (WaitForSingleObject(ev, WAIT_MS) != WAIT_OBJECT_0) {
        fprintf(stderr, "pipe_client: no notification after the last push\n");
        bad = 1;
    } else if (a.Event == RpcSendComplete) {
        bad = next_event(&a, ev, RpcCallComplete, "call complete");
    } else if (a.Event != RpcCallComplete) {
        fprintf(stderr, "pipe_client: notification %d after the last push\n", (int)a.Event);
        bad = 1;
    }
    LONGLONG ret = -1;
    st = RpcAsyncCompleteCall(&a, &ret);
    CloseHandle(ev);
    if (st != RPC_S_OK) {
        fprintf(stderr, "pipe_client: RpcAsyncCompleteCall %ld\n", (long)st);
        return 1;
    }
    printf("upload: sent %lld bytes, server counted %lld, sum client %08lx server %08lx\n", (long long)sent,
           (long long)ret, (unsigned long)mine, sum);
    if (ret != size || sent != size || sum != mine)
        bad = 1;
    return bad;
}

/* ------------------------------------------------------------ classic */

struct classic {
    unsigned char *buf; /* what alloc hands out */
    LONGLONG pos, size;
    uint32_t sum;
    int ends;
};

static void __RPC_USER classic_alloc(char *state, unsigned long bsize, byte **buf, unsigned long *bcount)
{
    struct classic *s = (struct classic *)state;
    (void)bsize;
    *buf = s->buf;
    *bcount = CHUNK;
}

static void __RPC_USER classic_pull(char *state, byte *buf, unsigned long esize, unsigned long *ecount)
{
    struct classic *s = (struct classic *)state;
    unsigned long n = s->size - s->pos < (LONGLONG)esize ? (unsigned long)(s->size - s->pos) : esize;
    pattern_fill(buf, n, (uint64_t)s->pos, SEED);
    s->sum = pattern_sum(s->sum, buf, n);
    s->pos += n;
    *ecount = n;
}

static void __RPC_USER classic_push(char *state, byte *buf, unsigned long ecount)
{
    struct classic *s = (struct classic *)state;
    if (!ecount)
        s->ends++;
    s->sum = pattern_sum(s->sum, buf, ecount);
    s->pos += ecount;
}

static int do_sync(RPC_BINDING_HANDLE h, LONGLONG size, int up, uint32_t want, LONGLONG *moved)
{
    struct classic s;
    memset(&s, 0, sizeof s);
    s.sum = PATTERN_SUM_INIT;
    s.size = size;
    s.buf = malloc(CHUNK);
    if (!s.buf)
        return 1;
    BYTE_PIPE p = {classic_pull, classic_push, classic_alloc, (char *)&s};
    volatile RPC_STATUS raised = RPC_S_OK;
    volatile LONGLONG ret = -1;
    unsigned long sum = 0;
    RpcTryExcept {
        if (up)
            ret = SyncUpload(h, p, &sum);
        else
            ret = SyncDownload(h, size, SEED, &p);
    } RpcExcept(1) {
        raised = RpcExceptionCode();
    } RpcEndExcept
    free(s.buf);
    *moved = s.pos;
    if (raised != RPC_S_OK) {
        fprintf(stderr, "pipe_client: %s raised %ld after %lld bytes\n", up ? "SyncUpload" : "SyncDownload",
                (long)raised, (long long)s.pos);
        return 1;
    }
    if (up) {
        printf("sync-upload: sent %lld bytes, server counted %lld, sum client %08lx server %08lx\n",
               (long long)s.pos, (long long)ret, (unsigned long)s.sum, sum);
        return s.pos != size || ret != size || sum != s.sum;
    }
    printf("sync-download: received %lld bytes (%d end), returned %lld, sum client %08lx expected %08lx\n",
           (long long)s.pos, s.ends, (long long)ret, (unsigned long)s.sum, (unsigned long)want);
    return s.pos != size || s.ends != 1 || ret != (size & 0x7fffffff) || s.sum != want;
}

/* n concurrent [async] Ping calls on one binding: the server holds them
 * until all n are in, then completes them last first.  Each must complete
 * exactly once (one IOC packet) with its own results. */
static int do_calls(RPC_BINDING_HANDLE h, long n, LONGLONG *moved)
{
    RPC_ASYNC_STATE *a = calloc((size_t)n, sizeof *a);
    long *out = calloc((size_t)n, sizeof *out);
    int *seen = calloc((size_t)n, sizeof *seen);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    int bad = !a || !out || !seen || !port;
    long started = 0;
    for (long i = 0; i < n && !bad; i++) {
        RpcAsyncInitializeHandle(&a[i], sizeof a[i]);
        a[i].NotificationType = RpcNotificationTypeIoc;
        a[i].u.IOC.hIOPort = port;
        a[i].u.IOC.dwCompletionKey = (ULONG_PTR)i;
        a[i].u.IOC.lpOverlapped = (LPOVERLAPPED)&a[i];
        RpcTryExcept {
            Ping(&a[i], h, 7 * i, n, &out[i]);
            started++;
        } RpcExcept(1) {
            fprintf(stderr, "calls: Ping %ld raised %lu\n", i, (unsigned long)RpcExceptionCode());
            bad = 1;
        } RpcEndExcept
    }
    long done = 0;
    while (!bad && done < started) {
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED ov;
        if (!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 30000)) {
            fprintf(stderr, "calls: %ld of %ld completed, then nothing\n", done, started);
            bad = 1;
            break;
        }
        if (key >= (ULONG_PTR)n || ov != (LPOVERLAPPED)&a[key] || seen[key]++ || a[key].Event != RpcCallComplete) {
            fprintf(stderr, "calls: bad or repeated notification for %lu\n", (unsigned long)key);
            bad = 1;
            break;
        }
        long ret = -1;
        RPC_STATUS st = RpcAsyncCompleteCall(&a[key], &ret);
        if (st != RPC_S_OK || ret != 7 * (long)key || out[key] != 14 * (long)key + 1) {
            fprintf(stderr, "calls: call %lu: status %ld, returned %ld, out %ld\n", (unsigned long)key, (long)st,
                    ret, out[key]);
            bad = 1;
        }
        done++;
    }
    if (!bad) { /* and not one notification more */
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED ov;
        if (GetQueuedCompletionStatus(port, &bytes, &key, &ov, 100)) {
            fprintf(stderr, "calls: a notification too many\n");
            bad = 1;
        }
    }
    printf("calls: %ld concurrent async calls, %ld completed exactly once\n", started, done);
    *moved = done;
    if (port)
        CloseHandle(port);
    free(a);
    free(out);
    free(seen);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: pipe_client PROTSEQ ENDPOINT download|upload|sync-download|sync-upload BYTES\n"
                        "       pipe_client PROTSEQ ENDPOINT calls COUNT\n");
        return 2;
    }
    const char *protseq = argv[1], *endpoint = argv[2], *mode = argv[3];
    char *end = NULL;
    LONGLONG size = strtoll(argv[4], &end, 0);
    if (!end || *end || size < 0) {
        fprintf(stderr, "pipe_client: bad size '%s'\n", argv[4]);
        return 2;
    }
    RPC_CSTR sb = NULL;
    RPC_BINDING_HANDLE h = NULL;
    const char *host = strcmp(protseq, "ncacn_ip_tcp") ? "" : "127.0.0.1";
    RPC_STATUS st = RpcStringBindingComposeA(NULL, (RPC_CSTR)protseq, (RPC_CSTR)host, (RPC_CSTR)endpoint, NULL, &sb);
    if (st == RPC_S_OK)
        st = RpcBindingFromStringBindingA(sb, &h);
    if (st != RPC_S_OK) {
        fprintf(stderr, "pipe_client: binding failed: %ld\n", (long)st);
        return 1;
    }
    printf("pipe_client: %s %s %lld bytes over %s\n", mode, (char *)sb, (long long)size, protseq);
    fflush(stdout);
    RpcStringFreeA(&sb);

    /* the expected checksum of a download, before the clock starts */
    uint32_t want = strstr(mode, "download") ? expected_sum(size, SEED) : 0;
    LONGLONG moved = 0;
    int bad;
    ULONGLONG t0 = GetTickCount64();
    if (!strcmp(mode, "download"))
        bad = do_download(h, size, want, &moved);
    else if (!strcmp(mode, "upload"))
        bad = do_upload(h, size, &moved);
    else if (!strcmp(mode, "sync-download"))
        bad = do_sync(h, size, 0, want, &moved);
    else if (!strcmp(mode, "sync-upload"))
        bad = do_sync(h, size, 1, want, &moved);
    else if (!strcmp(mode, "calls"))
        bad = do_calls(h, (long)size, &moved);
    else {
        fprintf(stderr, "pipe_client: unknown mode '%s'\n", mode);
        return 2;
    }
    ULONGLONG ms = GetTickCount64() - t0;
    RpcBindingFree(&h);
    double secs = ms ? (double)ms / 1000.0 : 0.001;
    printf("pipe_client: %s %lld bytes in %.3f s: %.1f MB/s\n", mode, (long long)moved, secs,
           (double)moved / 1e6 / secs);
    printf("client_peak_rss_kib %llu\n", peak_rss_kib());
    printf("pipe_client: %s\n", bad ? "FAILED" : "ok");
    fflush(stdout);
    return bad ? 1 : 0;
}

/* filerep_client PROTSEQ HOST ENDPOINT get|put REMOTE LOCAL
 *
 *   get  downloads REMOTE (a file in the server's folder) into LOCAL:
 *        [async] GetFile, the server pushes, we pull ([out] pipe)
 *   put  uploads LOCAL as REMOTE: [async] PutFile, we push ([in] pipe)
 *
 * Written the way a Windows program uses asynchronous RPC with pipes, after
 * the client of Microsoft's FileRep sample: the call's notifications come
 * through an I/O completion port (GetQueuedCompletionStatus), a pull that
 * says RPC_S_ASYNC_CALL_PENDING waits for RpcReceiveComplete, pushes use
 * RPC_C_NOTIFY_ON_SEND_COMPLETE with one push outstanding, the call ends
 * with RpcCallComplete and RpcAsyncCompleteCall, and Ctrl-C cancels it
 * (abortive RpcAsyncCancelCall: the call completes with RPC_S_CALL_CANCELLED).
 *
 * Prints a progress line on standard error (when it is a terminal) and,
 * on standard output, a last line with the bytes moved, the time, the
 * throughput and the FNV-1a 64-bit checksum, which the server's must match.
 * Exit status: 0 done, 1 failed, 2 usage, 130 cancelled. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "filerep.h"
#include "filerep_util.h"

#define NOTIFY_KEY 0x46524550u /* "FREP": the completion key of our calls */
#define STALL_MS 120000u       /* no notification for so long: give up */

/* The call in flight: the Ctrl-C handler cancels it. */
static RPC_ASYNC_STATE g_async;
static volatile LONG g_call_active; /* g_async holds a started call */
static volatile LONG g_cancelled;   /* Ctrl-C was pressed */
static HANDLE g_ctrl_done;          /* the handler has done its work */

static BOOL WINAPI on_ctrl(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT && type != CTRL_CLOSE_EVENT)
        return FALSE;
    if (InterlockedExchange(&g_cancelled, 1))
        return FALSE; /* a second time: the default action ends the process */
    fprintf(stderr, "\nfilerep_client: cancelling the transfer\n");
    /* Abortive: the call completes at once, without waiting for the server. */
    if (InterlockedCompareExchange(&g_call_active, 0, 0))
        RpcAsyncCancelCall(&g_async, TRUE);
    SetEvent(g_ctrl_done);
    return TRUE;
}

typedef struct transfer {
    const char *op, *remote, *local;
    HANDLE port;
    FILE *file;
    unsigned char *buf;
    uint64_t sum;         /* FNV-1a 64 of the bytes moved so far */
    long long bytes;      /* moved so far */
    long long total;      /* the file's size, -1 if unknown */
    double t0, shown_at;
    int progress, shown;  /* the progress line: wanted, drawn */
    const char *where;    /* what gave the final status */
} transfer;

/* ------------------------------------------------------------ progress */

static void progress(transfer *t, int last)
{
    if (!t->progress)
        return;
    double now = filerep_now();
    if (last ? !t->shown : now - t->t0 < 0.5 || now - t->shown_at < 0.2)
        return; /* short transfers get no line; then five updates a second */
    t->shown = 1;
    t->shown_at = now;
    double secs = now - t->t0, rate = secs > 0 ? (double)t->bytes / 1e6 / secs : 0.0;
    char line[200];
    if (t->total > 0)
        snprintf(line, sizeof line, "\r%s %s: %3d%%  %.1f of %.1f MB  %.1f MB/s   %s", t->op, t->remote,
                 (int)((double)t->bytes * 100.0 / (double)t->total), (double)t->bytes / 1e6,
                 (double)t->total / 1e6, rate, last ? "\n" : "");
    else
        snprintf(line, sizeof line, "\r%s %s: %.1f MB  %.1f MB/s   %s", t->op, t->remote, (double)t->bytes / 1e6,
                 rate, last ? "\n" : "");
    fputs(line, stderr); /* in one piece */
    fflush(stderr);
}

/* ------------------------------------------------------------ the call */

/* A fresh handle notifying through our port; the call is started next. */
static void prepare_async(transfer *t, unsigned long flags)
{
    RpcAsyncInitializeHandle(&g_async, sizeof g_async);
    g_async.UserInfo = t;
    g_async.Flags = flags;
    g_async.NotificationType = RpcNotificationTypeIoc;
    g_async.u.IOC.hIOPort = t->port;
    g_async.u.IOC.dwNumberOfBytesTransferred = 0;
    g_async.u.IOC.dwCompletionKey = NOTIFY_KEY;
    g_async.u.IOC.lpOverlapped = (LPOVERLAPPED)t;
}

/* The call has started: from now on Ctrl-C cancels it. */
static void call_started(void)
{
    InterlockedExchange(&g_call_active, 1);
    if (InterlockedCompareExchange(&g_cancelled, 0, 0))
        RpcAsyncCancelCall(&g_async, TRUE); /* pressed while it started */
}

/* One notification packet from the port; FALSE if none came for STALL_MS
 * (then the call is cancelled: it completes at once). */
static BOOL next_packet(transfer *t)
{
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED ov = NULL;
    for (;;) {
        if (GetQueuedCompletionStatus(t->port, &n, &key, &ov, STALL_MS)) {
            if (key == NOTIFY_KEY && ov == (LPOVERLAPPED)t)
                return TRUE;
            continue; /* not ours (there is nothing else on this port) */
        }
        fprintf(stderr, "\nfilerep_client: no notification for %u s, cancelling\n", STALL_MS / 1000);
        RpcAsyncCancelCall(&g_async, TRUE);
        return FALSE;
    }
}

/* Waits for the notification a pull or push asked for (`want`).  Returns
 * TRUE when the call is over instead - it failed, or was cancelled - and
 * the pipe must be left alone: finish() collects its status.  Several
 * notifications may be queued, and Event names the latest, so the call's
 * own status says whether it is over. */
static BOOL wait_for(transfer *t, RPC_ASYNC_EVENT want)
{
    if (!next_packet(t))
        return TRUE;
    if (g_cancelled || g_async.Event == RpcCallComplete || RpcAsyncGetCallStatus(&g_async) != RPC_S_ASYNC_CALL_PENDING)
        return TRUE;
    if (g_async.Event != want)
        fprintf(stderr, "\nfilerep_client: notification %d, expected %d\n", (int)g_async.Event, (int)want);
    return FALSE;
}

/* The end of the call: waits for RpcCallComplete (unless it came) and
 * completes it.  Returns RpcAsyncCompleteCall's status. */
static RPC_STATUS finish(transfer *t, hyper *ret)
{
    while (RpcAsyncGetCallStatus(&g_async) == RPC_S_ASYNC_CALL_PENDING)
        next_packet(t);
    RPC_STATUS st = RpcAsyncCompleteCall(&g_async, ret);
    InterlockedExchange(&g_call_active, 0);
    t->where = "RpcAsyncCompleteCall";
    return st;
}

/* ------------------------------------------------------------ get */

/* The call's status: RPC_S_OK, a Win32 or RPC error code (the server's
 * through RpcAsyncAbortCall), or RPC_S_CALL_CANCELLED. */
static RPC_STATUS do_get(RPC_BINDING_HANDLE h, transfer *t, uint64_t *server_sum, long *local_error)
{
    /* The size, for the progress line only: when it fails, GetFile says why. */
    hyper size = -1;
    volatile long qerr = ERROR_SUCCESS;
    volatile RPC_STATUS raised = RPC_S_OK;
    RpcTryExcept {
        qerr = QueryFile(h, t->remote, &size);
    } RpcExcept(1) {
        raised = RpcExceptionCode();
    } RpcEndExcept
    if (raised != RPC_S_OK) {
        t->where = "QueryFile";
        return raised;
    }
    t->total = qerr == ERROR_SUCCESS ? size : -1;

    ASYNC_FILE_PIPE pipe;
    memset(&pipe, 0, sizeof pipe);
    MIDL_uhyper sum = 0;
    prepare_async(t, 0);
    t->t0 = filerep_now();
    RpcTryExcept {
        GetFile(&g_async, h, t->remote, &pipe, &sum);
    } RpcExcept(1) {
        raised = RpcExceptionCode();
    } RpcEndExcept
    if (raised != RPC_S_OK) {
        t->where = "GetFile";
        return raised;
    }
    call_started();

    RPC_STATUS st;
    for (;;) {
        if (g_cancelled)
            break;
        unsigned long n = 0;
        st = pipe.pull(pipe.state, t->buf, FILEREP_CHUNK, &n);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            if (wait_for(t, RpcReceiveComplete))
                break;
            continue;
        }
        if (st != RPC_S_OK) {
            /* The pull failed: the runtime has ended the call and cleaned
             * it up (FileRep: no RpcAsyncCompleteCall after that). */
            InterlockedExchange(&g_call_active, 0);
            t->where = "a pull";
            return st;
        }
        if (n == 0)
            break; /* the end of the pipe */
        if (fwrite(t->buf, 1, n, t->file) != n) {
            *local_error = filerep_errno_to_win32(errno);
            RpcAsyncCancelCall(&g_async, TRUE);
            break;
        }
        t->sum = filerep_fnv1a64(t->sum, t->buf, n);
        t->bytes += n;
        progress(t, 0);
    }
    hyper ret = -1;
    st = finish(t, &ret);
    if (st == RPC_S_OK && ret != t->bytes) {
        fprintf(stderr, "filerep_client: the server says %lld bytes, %lld came\n", (long long)ret, t->bytes);
        st = RPC_X_PIPE_DISCIPLINE_ERROR;
    }
    *server_sum = sum;
    return st;
}

/* ------------------------------------------------------------ put */

static RPC_STATUS do_put(RPC_BINDING_HANDLE h, transfer *t, uint64_t *server_sum, long *local_error)
{
    long long size;
    long err = filerep_file_size(t->file, &size);
    t->total = err == ERROR_SUCCESS ? size : -1;

    ASYNC_FILE_PIPE pipe;
    memset(&pipe, 0, sizeof pipe);
    MIDL_uhyper sum = 0;
    volatile RPC_STATUS raised = RPC_S_OK;
    prepare_async(t, RPC_C_NOTIFY_ON_SEND_COMPLETE);
    t->t0 = filerep_now();
    RpcTryExcept {
        PutFile(&g_async, h, t->remote, &pipe, &sum);
    } RpcExcept(1) {
        raised = RpcExceptionCode();
    } RpcEndExcept
    if (raised != RPC_S_OK) {
        t->where = "PutFile";
        return raised;
    }
    call_started();

    /* The runtime's RpcSendComplete for the request itself: the pipe may
     * be pushed now. */
    RPC_STATUS st;
    BOOL over = wait_for(t, RpcSendComplete);
    while (!over && !g_cancelled) {
        size_t n = fread(t->buf, 1, FILEREP_CHUNK, t->file);
        if (n == 0 && ferror(t->file)) {
            *local_error = filerep_errno_to_win32(errno);
            RpcAsyncCancelCall(&g_async, TRUE);
            break;
        }
        t->sum = filerep_fnv1a64(t->sum, t->buf, n);
        /* One push outstanding: the next waits for this one's
         * RpcSendComplete.  The zero-count push ends the pipe. */
        st = pipe.push(pipe.state, n ? t->buf : NULL, (unsigned long)n);
        if (st != RPC_S_OK) {
            /* The push failed: the runtime has ended the call and cleaned it up. */
            InterlockedExchange(&g_call_active, 0);
            t->where = "a push";
            return st;
        }
        over = wait_for(t, RpcSendComplete);
        if (n == 0)
            break;
        t->bytes += (long long)n;
        progress(t, 0);
    }
    hyper ret = -1;
    st = finish(t, &ret);
    if (st == RPC_S_OK && ret != t->bytes) {
        fprintf(stderr, "filerep_client: the server says %lld bytes, %lld went\n", (long long)ret, t->bytes);
        st = RPC_X_PIPE_DISCIPLINE_ERROR;
    }
    *server_sum = sum;
    return st;
}

/* ------------------------------------------------------------ main */

static int usage(void)
{
    fprintf(stderr, "usage: filerep_client PROTSEQ HOST ENDPOINT get|put REMOTE LOCAL\n"
                    "  get: download REMOTE (a file in the server's folder) into LOCAL\n"
                    "  put: upload LOCAL as REMOTE\n"
                    "  e.g. filerep_client ncacn_ip_tcp 127.0.0.1 5800 get big.bin copy.bin\n");
    return 2;
}

int main(int argc, char **argv)
{
    /* First, before any thread: Ctrl-C cancels the transfer. */
    g_ctrl_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    filerep_set_ctrl_handler(on_ctrl);
    if (argc != 7)
        return usage();
    const char *protseq = argv[1], *host = argv[2], *endpoint = argv[3], *op = argv[4];
    int get = !strcmp(op, "get");
    if (!get && strcmp(op, "put"))
        return usage();

    transfer t;
    memset(&t, 0, sizeof t);
    t.op = op;
    t.remote = argv[5];
    t.local = argv[6];
    t.sum = FILEREP_FNV_INIT;
    t.total = -1;
    t.progress = filerep_stderr_is_tty();

    /* get writes LOCAL.partial and renames it when the transfer succeeded. */
    char *partial = NULL;
    if (get) {
        size_t len = strlen(t.local) + sizeof ".partial";
        partial = malloc(len);
        if (partial)
            snprintf(partial, len, "%s.partial", t.local);
    }
    t.buf = malloc(FILEREP_CHUNK);
    if (!t.buf || (get && !partial)) {
        fprintf(stderr, "filerep_client: out of memory\n");
        return 1;
    }
    t.file = fopen(get ? partial : t.local, get ? "wb" : "rb");
    if (!t.file) {
        long e = filerep_errno_to_win32(errno);
        fprintf(stderr, "filerep_client: %s: error %ld (%s)\n", get ? partial : t.local, e, filerep_error_text(e));
        free(t.buf);
        free(partial);
        return 1;
    }
    t.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);

    RPC_CSTR sb = NULL;
    RPC_BINDING_HANDLE h = NULL;
    RPC_STATUS st = t.port ? RPC_S_OK : RPC_S_OUT_OF_RESOURCES;
    if (st == RPC_S_OK)
        st = RpcStringBindingComposeA(NULL, (RPC_CSTR)protseq, (RPC_CSTR)host, (RPC_CSTR)endpoint, NULL, &sb);
    if (st == RPC_S_OK)
        st = RpcBindingFromStringBindingA(sb, &h);
    if (sb)
        RpcStringFreeA(&sb);

    uint64_t server_sum = 0;
    long local_error = ERROR_SUCCESS;
    if (st == RPC_S_OK)
        st = get ? do_get(h, &t, &server_sum, &local_error) : do_put(h, &t, &server_sum, &local_error);
    double secs = filerep_now() - t.t0;
    progress(&t, 1);
    if (h)
        RpcBindingFree(&h);
    if (t.port)
        CloseHandle(t.port);

    int rc = 0;
    if (get && fclose(t.file) && st == RPC_S_OK)
        local_error = filerep_errno_to_win32(errno);
    if (!get)
        fclose(t.file);
    if (local_error != ERROR_SUCCESS) {
        fprintf(stderr, "filerep_client: %s: error %ld (%s)\n", get ? partial : t.local, local_error,
                filerep_error_text(local_error));
        rc = 1;
    } else if (st == RPC_S_CALL_CANCELLED && g_cancelled) {
        fprintf(stderr, "filerep_client: %s %s: cancelled after %lld bytes (%s: %ld, %s)\n", op, t.remote,
                t.bytes, t.where ? t.where : "?", (long)st, filerep_error_text((long)st));
        rc = 130;
    } else if (st != RPC_S_OK) {
        fprintf(stderr, "filerep_client: %s %s: error %ld (%s) from %s\n", op, t.remote, (long)st,
                filerep_error_text((long)st), t.where ? t.where : "the binding");
        rc = 1;
    } else if (server_sum != t.sum) {
        fprintf(stderr, "filerep_client: %s %s: checksum mismatch: ours %016llx, the server's %016llx\n", op,
                t.remote, (unsigned long long)t.sum, (unsigned long long)server_sum);
        rc = 1;
    }
    if (get && rc == 0 && (local_error = filerep_replace_file(partial, t.local)) != ERROR_SUCCESS) {
        fprintf(stderr, "filerep_client: %s: error %ld (%s)\n", t.local, local_error, filerep_error_text(local_error));
        rc = 1;
    }
    if (get && rc != 0)
        remove(partial);
    if (rc == 0) {
        if (secs <= 0)
            secs = 1e-6;
        printf("filerep_client: %s %s %s %s: %lld bytes in %.3f s, %.1f MB/s, fnv1a64 %016llx (the server's matches)\n",
               op, t.remote, get ? "->" : "<-", t.local, t.bytes, secs, (double)t.bytes / 1e6 / secs,
               (unsigned long long)t.sum);
        fflush(stdout);
    }
    /* The call completes as soon as RpcAsyncCancelCall begins; the handler
     * is still telling the server (an orphaned PDU).  Not before it is done. */
    if (g_cancelled)
        WaitForSingleObject(g_ctrl_done, 10000);
    free(t.buf);
    free(partial);
    return rc;
}

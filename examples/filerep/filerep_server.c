/* filerep_server PROTSEQ ENDPOINT DIR
 *
 * Serves the files of folder DIR through filerep.idl: GetFile pushes a file
 * through an [out] pipe, PutFile pulls one through an [in] pipe, QueryFile
 * tells a size.  ENDPOINT may be empty or "*" for a dynamic one.  Prints
 * "filerep_server: ready, listening on PROTSEQ:[ENDPOINT], serving DIR" when
 * it listens and a line per transfer; Ctrl-C (SIGINT/SIGTERM on POSIX) stops
 * it once the transfers in flight are over.
 *
 * The design of the server side of Microsoft's FileRep sample: the [async]
 * managers check the request, open the file and return; the transfer then
 * runs on a small pool of worker threads driven by an I/O completion port.
 * Each call's handle notifies that port (RpcNotificationTypeIoc, the
 * request as lpOverlapped), GetFile with RPC_C_NOTIFY_ON_SEND_COMPLETE: one
 * push outstanding, the next when its RpcSendComplete arrives, and
 * RpcAsyncCompleteCall after the zero-count push's.  PutFile pulls until a
 * pull says RPC_S_ASYNC_CALL_PENDING, then waits for RpcReceiveComplete.
 * Once a push or pull has been handed to the runtime, the request belongs
 * to whichever worker takes its next notification.  Errors go back to the
 * client as Win32 codes through RpcAsyncAbortCall (ERROR_FILE_NOT_FOUND,
 * ERROR_INVALID_NAME, ERROR_ACCESS_DENIED, ERROR_DISK_FULL, ...). */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "filerep.h"
#include "filerep_util.h"

#define WORKERS 4
#define KEY_STEP 1 /* a request's next step (first, or after a yield) */
#define KEY_PIPE 2 /* the runtime's notification: RpcSendComplete / RpcReceiveComplete */
#define KEY_QUIT 3
#define PULLS_PER_STEP 64 /* then the worker lets other transfers in */

static HANDLE g_port;
static const char *g_dir;
static volatile LONG g_next_id, g_stopping;

typedef struct request {
    PRPC_ASYNC_STATE async;
    ASYNC_FILE_PIPE *pipe;
    MIDL_uhyper *checksum;
    int put;           /* PutFile, else GetFile */
    int ended;         /* GetFile: the zero-count push is out */
    long id;
    char name[FILEREP_MAX_NAME + 1];
    char *path;        /* the file */
    char *tmp;         /* PutFile writes here, then renames it to path */
    FILE *file;
    unsigned char *buf;
    uint64_t sum;
    long long bytes;
    double t0;
} request;

/* ------------------------------------------------------------ helpers */

/* A plain file name: no path, nothing hidden ("." first: "..", ours). */
static long check_name(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0)
        return ERROR_INVALID_NAME;
    if (len > FILEREP_MAX_NAME)
        return ERROR_FILENAME_EXCED_RANGE;
    if (name[0] == '.' || strstr(name, ".."))
        return ERROR_INVALID_NAME;
    for (const char *c = name; *c; c++)
        if (*c == '/' || *c == '\\' || *c == ':' || (unsigned char)*c < 0x20)
            return ERROR_INVALID_NAME;
    return ERROR_SUCCESS;
}

static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s", dir, name);
    return p;
}

static void request_free(request *r)
{
    if (r->file)
        fclose(r->file);
    if (r->tmp)
        remove(r->tmp); /* still there: the upload did not finish */
    free(r->tmp);
    free(r->path);
    free(r->buf);
    free(r);
}

static void log_end(request *r, const char *what, long code)
{
    double secs = filerep_now() - r->t0;
    if (code == ERROR_SUCCESS)
        printf("filerep_server: #%ld %s %s: %lld bytes %s in %.3f s, %.1f MB/s, fnv1a64 %016llx\n", r->id,
               r->put ? "PutFile" : "GetFile", r->name, r->bytes, r->put ? "received" : "sent", secs,
               secs > 0 ? (double)r->bytes / 1e6 / secs : 0.0, (unsigned long long)r->sum);
    else
        printf("filerep_server: #%ld %s %s: %s after %lld bytes: %ld (%s)\n", r->id, r->put ? "PutFile" : "GetFile",
               r->name, what, r->bytes, code, filerep_error_text(code));
    fflush(stdout);
}

/* The request's transfer goes on on a worker, notified through the port. */
static void start(request *r)
{
    PRPC_ASYNC_STATE a = r->async;
    a->UserInfo = r;
    a->Flags = r->put ? 0 : RPC_C_NOTIFY_ON_SEND_COMPLETE;
    a->NotificationType = RpcNotificationTypeIoc;
    a->u.IOC.hIOPort = g_port;
    a->u.IOC.dwNumberOfBytesTransferred = 0;
    a->u.IOC.dwCompletionKey = KEY_PIPE;
    a->u.IOC.lpOverlapped = (LPOVERLAPPED)r;
    PostQueuedCompletionStatus(g_port, 0, KEY_STEP, (LPOVERLAPPED)r);
}

/* A new request for a manager, or NULL after aborting the call. */
static request *request_new(PRPC_ASYNC_STATE pAsync, const char *name, int put, ASYNC_FILE_PIPE *pipe,
                            MIDL_uhyper *checksum)
{
    request *r = calloc(1, sizeof *r);
    long err = r ? check_name(name) : ERROR_NOT_ENOUGH_MEMORY;
    if (r) {
        r->async = pAsync;
        r->pipe = pipe;
        r->checksum = checksum;
        r->put = put;
        r->id = InterlockedIncrement(&g_next_id);
        r->sum = FILEREP_FNV_INIT;
        r->t0 = filerep_now();
        snprintf(r->name, sizeof r->name, "%s", name ? name : "");
    }
    if (err == ERROR_SUCCESS && (!(r->path = join(g_dir, name)) || !(r->buf = malloc(FILEREP_CHUNK))))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (err == ERROR_SUCCESS && !put) {
        long long size;
        if (!(r->file = fopen(r->path, "rb")))
            err = filerep_errno_to_win32(errno);
        else
            err = filerep_file_size(r->file, &size); /* a folder or device: refused */
    }
    if (err == ERROR_SUCCESS && put) {
        /* Hidden (check_name refuses names starting with '.'), unique. */
        char tmpname[64];
        snprintf(tmpname, sizeof tmpname, ".filerep-%ld.partial", r->id);
        if (!(r->tmp = join(g_dir, tmpname)))
            err = ERROR_NOT_ENOUGH_MEMORY;
        else if (!(r->file = fopen(r->tmp, "wb"))) {
            err = filerep_errno_to_win32(errno);
            free(r->tmp);
            r->tmp = NULL;
        }
    }
    if (err != ERROR_SUCCESS) {
        if (r) {
            log_end(r, "refused", err);
            request_free(r);
        }
        RpcAsyncAbortCall(pAsync, (unsigned long)err);
        return NULL;
    }
    return r;
}

/* ------------------------------------------------------------ GetFile */

/* One step: push the next piece (or the end), or complete the call after
 * the zero-count push's RpcSendComplete. */
static void get_step(request *r)
{
    if (r->ended) {
        *r->checksum = r->sum;
        hyper size = r->bytes;
        RPC_STATUS st = RpcAsyncCompleteCall(r->async, &size);
        log_end(r, "RpcAsyncCompleteCall", (long)st);
        request_free(r);
        return;
    }
    size_t n = fread(r->buf, 1, FILEREP_CHUNK, r->file);
    if (n == 0 && ferror(r->file)) {
        long err = errno ? filerep_errno_to_win32(errno) : ERROR_READ_FAULT;
        log_end(r, "read failed", err);
        RpcAsyncAbortCall(r->async, (unsigned long)err);
        request_free(r);
        return;
    }
    r->sum = filerep_fnv1a64(r->sum, r->buf, n);
    r->bytes += (long long)n;
    r->ended = n == 0;
    RPC_STATUS st = r->pipe->push(r->pipe->state, n ? r->buf : NULL, (unsigned long)n);
    if (st != RPC_S_OK) {
        /* The call is over (the client cancelled or went away) and the
         * runtime has cleaned it up: no complete, no abort. */
        log_end(r, "push failed", (long)st);
        request_free(r);
    }
    /* Otherwise r is the next notification's: hands off. */
}

void s_GetFile(PRPC_ASYNC_STATE pAsync, handle_t h, const char *name, ASYNC_FILE_PIPE *data, MIDL_uhyper *checksum)
{
    (void)h;
    request *r = request_new(pAsync, name, 0, data, checksum);
    if (r)
        start(r);
}

/* ------------------------------------------------------------ PutFile */

static void put_step(request *r)
{
    for (int i = 0; i < PULLS_PER_STEP; i++) {
        unsigned long n = 0;
        RPC_STATUS st = r->pipe->pull(r->pipe->state, r->buf, FILEREP_CHUNK, &n);
        if (st == RPC_S_ASYNC_CALL_PENDING)
            return; /* RpcReceiveComplete comes through the port: hands off */
        if (st != RPC_S_OK) {
            /* The call is over and cleaned up (the client cancelled or went away). */
            log_end(r, "pull failed", (long)st);
            request_free(r);
            return;
        }
        if (n == 0) { /* the end: the file is complete */
            long err = ERROR_SUCCESS;
            if (fclose(r->file))
                err = filerep_errno_to_win32(errno);
            r->file = NULL;
            if (err == ERROR_SUCCESS && (err = filerep_replace_file(r->tmp, r->path)) == ERROR_SUCCESS) {
                free(r->tmp);
                r->tmp = NULL;
            }
            if (err != ERROR_SUCCESS) {
                log_end(r, "could not keep the file", err);
                RpcAsyncAbortCall(r->async, (unsigned long)err);
            } else {
                *r->checksum = r->sum;
                hyper written = r->bytes;
                RPC_STATUS cst = RpcAsyncCompleteCall(r->async, &written);
                log_end(r, "RpcAsyncCompleteCall", (long)cst);
            }
            request_free(r);
            return;
        }
        if (fwrite(r->buf, 1, n, r->file) != n) {
            long err = errno ? filerep_errno_to_win32(errno) : ERROR_WRITE_FAULT;
            log_end(r, "write failed", err);
            RpcAsyncAbortCall(r->async, (unsigned long)err);
            request_free(r);
            return;
        }
        r->sum = filerep_fnv1a64(r->sum, r->buf, n);
        r->bytes += (long long)n;
    }
    /* Data keeps coming: let the other transfers have this worker. */
    PostQueuedCompletionStatus(g_port, 0, KEY_STEP, (LPOVERLAPPED)r);
}

void s_PutFile(PRPC_ASYNC_STATE pAsync, handle_t h, const char *name, ASYNC_FILE_PIPE *data, MIDL_uhyper *checksum)
{
    (void)h;
    request *r = request_new(pAsync, name, 1, data, checksum);
    if (r)
        start(r);
}

/* ------------------------------------------------------------ QueryFile */

long s_QueryFile(handle_t h, const char *name, hyper *size)
{
    (void)h;
    *size = -1;
    long err = check_name(name);
    char *path = err == ERROR_SUCCESS ? join(g_dir, name) : NULL;
    if (err == ERROR_SUCCESS && !path)
        err = ERROR_NOT_ENOUGH_MEMORY;
    FILE *f = NULL;
    if (err == ERROR_SUCCESS && !(f = fopen(path, "rb")))
        err = filerep_errno_to_win32(errno);
    long long s = -1;
    if (f) {
        err = filerep_file_size(f, &s);
        fclose(f);
    }
    if (err == ERROR_SUCCESS)
        *size = s;
    free(path);
    return err;
}

/* ------------------------------------------------------------ workers */

static DWORD WINAPI worker(LPVOID arg)
{
    (void)arg;
    for (;;) {
        DWORD n;
        ULONG_PTR key;
        LPOVERLAPPED ov = NULL;
        if (!GetQueuedCompletionStatus(g_port, &n, &key, &ov, INFINITE) && !ov)
            continue;
        if (key == KEY_QUIT)
            return 0;
        request *r = (request *)ov;
        if (key == KEY_PIPE && r->async->Event != (r->put ? RpcReceiveComplete : RpcSendComplete))
            fprintf(stderr, "filerep_server: #%ld: notification %d\n", r->id, (int)r->async->Event);
        if (r->put)
            put_step(r);
        else
            get_step(r);
    }
}

static BOOL WINAPI on_ctrl(DWORD type)
{
    (void)type;
    if (InterlockedExchange(&g_stopping, 1))
        return FALSE; /* a second time: the default action ends the process */
    fprintf(stderr, "filerep_server: stopping\n");
    RpcMgmtStopServerListening(NULL);
    return TRUE;
}

static int is_dir(const char *path)
{
#ifdef _WIN32
    struct __stat64 st;
    return !_stat64(path, &st) && (st.st_mode & _S_IFDIR);
#else
    struct stat st;
    return !stat(path, &st) && S_ISDIR(st.st_mode);
#endif
}

int main(int argc, char **argv)
{
    /* First, before any thread: Ctrl-C stops the server. */
    filerep_set_ctrl_handler(on_ctrl);
    if (argc != 4) {
        fprintf(stderr, "usage: filerep_server PROTSEQ ENDPOINT DIR   (ENDPOINT empty or * : a dynamic one)\n"
                        "  e.g. filerep_server ncacn_ip_tcp 5800 /srv/files\n");
        return 2;
    }
    const char *protseq = argv[1], *endpoint = argv[2];
    g_dir = argv[3];
    if (!is_dir(g_dir)) {
        fprintf(stderr, "filerep_server: %s is not a folder\n", g_dir);
        return 1;
    }
    g_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    if (!g_port) {
        fprintf(stderr, "filerep_server: CreateIoCompletionPort failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    HANDLE workers[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        if (!(workers[i] = CreateThread(NULL, 0, worker, NULL, 0, NULL))) {
            fprintf(stderr, "filerep_server: CreateThread failed: %lu\n", (unsigned long)GetLastError());
            return 1;
        }

    RPC_STATUS st = !*endpoint || !strcmp(endpoint, "*")
                        ? RpcServerUseProtseqA((RPC_CSTR)protseq, RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL)
                        : RpcServerUseProtseqEpA((RPC_CSTR)protseq, RPC_C_PROTSEQ_MAX_REQS_DEFAULT,
                                                 (RPC_CSTR)endpoint, NULL);
    if (st == RPC_S_OK)
        st = RpcServerRegisterIf(filerep_v1_0_s_ifspec, NULL, NULL);
    RPC_BINDING_VECTOR *v = NULL;
    RPC_CSTR sb = NULL, ep = NULL;
    if (st == RPC_S_OK && (st = RpcServerInqBindings(&v)) == RPC_S_OK &&
        (st = RpcBindingToStringBindingA(v->BindingH[0], &sb)) == RPC_S_OK)
        st = RpcStringBindingParseA(sb, NULL, NULL, NULL, &ep, NULL);
    if (st != RPC_S_OK) {
        fprintf(stderr, "filerep_server: cannot listen on %s:[%s]: error %ld (%s)\n", protseq, endpoint, (long)st,
                filerep_error_text((long)st));
        return 1;
    }
    printf("filerep_server: ready, listening on %s:[%s], serving %s\n", protseq, (char *)ep, g_dir);
    fflush(stdout);
    RpcStringFreeA(&ep);
    RpcStringFreeA(&sb);
    RpcBindingVectorFree(&v);

    /* Until Ctrl-C, and the calls in flight have completed. */
    st = RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, FALSE);
    RpcServerUnregisterIf(NULL, NULL, TRUE);
    for (int i = 0; i < WORKERS; i++)
        PostQueuedCompletionStatus(g_port, 0, KEY_QUIT, NULL);
    WaitForMultipleObjects(WORKERS, workers, TRUE, INFINITE);
    for (int i = 0; i < WORKERS; i++)
        CloseHandle(workers[i]);
    CloseHandle(g_port);
    printf("filerep_server: stopped (%ld)\n", (long)st);
    fflush(stdout);
    return st == RPC_S_OK ? 0 : 1;
}

/* asyncpipe.use.c - compiled by run_golden.sh against the generated
 * asyncpipe.h (natively and with MinGW, -Werror): application code fills
 * the pipe control structures and the manager EPVs with functions of the
 * types MIDL's headers give them. */
#include "asyncpipe.h"

#include <stddef.h>

/* synchronous pipe callbacks: written by the client application */
static void __RPC_USER ulong_pull(char *state, COUNTER *buf, unsigned long esize, unsigned long *ecount)
{
    (void)state; (void)buf; (void)esize;
    *ecount = 0;
}

static void __RPC_USER ulong_push(char *state, COUNTER *buf, unsigned long ecount)
{
    (void)state; (void)buf; (void)ecount;
}

static void __RPC_USER ulong_alloc(char *state, unsigned long bsize, COUNTER **buf, unsigned long *bcount)
{
    static COUNTER space[64];
    (void)state;
    *buf = space;
    *bcount = bsize < sizeof space ? bsize : (unsigned long)sizeof space;
}

static void __RPC_USER kind_push(char *state, REC_KIND *buf, unsigned long ecount)
{
    (void)state; (void)buf; (void)ecount;
}

static void __RPC_USER record_push(char *state, FILE_RECORD *buf, unsigned long ecount)
{
    (void)state; (void)buf; (void)ecount;
}

/* asynchronous pipe operations: the runtime fills these; a test double here */
static RPC_STATUS __RPC_USER byte_pull(char *state, byte *buf, unsigned long esize, unsigned long *ecount)
{
    (void)state; (void)buf; (void)esize;
    *ecount = 0;
    return RPC_S_OK;
}

static RPC_STATUS __RPC_USER byte_push(char *state, byte *buf, unsigned long ecount)
{
    (void)state; (void)buf; (void)ecount;
    return RPC_S_OK;
}

static RPC_STATUS __RPC_USER byte_alloc(char *state, unsigned long bsize, byte **buf, unsigned long *bcount)
{
    (void)state; (void)bsize;
    *buf = NULL;
    *bcount = 0;
    return RPC_X_INVALID_PIPE_OPERATION;
}

static RPC_STATUS __RPC_USER record_apull(char *state, FILE_RECORD *buf, unsigned long esize, unsigned long *ecount)
{
    (void)state; (void)buf; (void)esize;
    *ecount = 0;
    return RPC_S_OK;
}

int use_pipes(void);
int use_pipes(void)
{
    static char ctx[16];
    ULONG_PIPE in;
    in.pull = ulong_pull;
    in.push = ulong_push;
    in.alloc = ulong_alloc;
    in.state = ctx;
    KIND_PIPE kinds = {NULL, kind_push, NULL, ctx};
    RECORD_LOG_PIPE log = {NULL, record_push, NULL, ctx};
    CHAR_PIPE_TYPE cp = {NULL, NULL, NULL, NULL};
    BYTE_PIPE bp = {NULL, NULL, NULL, NULL};
    RECORD_PIPE rp = {NULL, NULL, NULL, NULL};

    ASYNC_BYTE_PIPE ab;
    ab.pull = byte_pull;
    ab.push = byte_push;
    ab.alloc = byte_alloc;
    ab.state = ctx;
    ASYNC_RECORD_PIPE ar = {record_apull, NULL, NULL, ctx};
    ASYNC_CHAR_PIPE_TYPE ac = {NULL, NULL, NULL, NULL};

    unsigned long n = 0;
    byte *buf = NULL;
    ab.pull(ab.state, buf, 0, &n);
    in.pull(in.state, NULL, 0, &n);
    /* four pointers, as on Windows */
    return sizeof in == 4 * sizeof(void *) && sizeof ab == 4 * sizeof(void *) && kinds.state == log.state &&
           !cp.pull && !bp.push && !rp.alloc && ar.state == ab.state && !ac.state;
}

/* server managers: the prototypes the header declares, in the EPVs */
void s_RemoteReadAsyncPipe(PRPC_ASYNC_STATE RemoteReadAsyncPipe_AsyncHandle, handle_t hFileRepServer,
                           wchar_t RemoteFileName[MAX_FILE_SIZE], ASYNC_CHAR_PIPE_TYPE *PipeData)
{
    long reply = 0;
    (void)hFileRepServer; (void)RemoteFileName;
    PipeData->push(PipeData->state, NULL, 0);
    RpcAsyncCompleteCall(RemoteReadAsyncPipe_AsyncHandle, &reply);
}

void s_ExchangeAsync(PRPC_ASYNC_STATE ExchangeAsync_AsyncHandle, handle_t h, long count, ASYNC_RECORD_PIPE *records,
                     ASYNC_BYTE_PIPE *data)
{
    (void)h; (void)count; (void)records; (void)data;
    RpcAsyncCompleteCall(ExchangeAsync_AsyncHandle, NULL);
}

long s_CopySync(handle_t h, ULONG_PIPE input, KIND_PIPE *kinds, RECORD_LOG_PIPE *log)
{
    (void)h; (void)input; (void)kinds; (void)log;
    return 0;
}

void s_AsyncFunc(PRPC_ASYNC_STATE AsyncFunc_AsyncHandle, handle_t h, unsigned long delay, long *result)
{
    long reply = 0;
    (void)h; (void)delay;
    *result = 0;
    RpcAsyncCompleteCall(AsyncFunc_AsyncHandle, &reply);
}

void s_Shutdown(handle_t h)
{
    (void)h;
}

void s_RawGetFileDataAsync(PRPC_ASYNC_STATE RawGetFileDataAsync_AsyncHandle, handle_t IDL_handle, long sessionId,
                           ASYNC_BYTE_PIPE *bytePipe)
{
    (void)RawGetFileDataAsync_AsyncHandle; (void)IDL_handle; (void)sessionId; (void)bytePipe;
}

void s_Upload(PRPC_ASYNC_STATE Upload_AsyncHandle, handle_t IDL_handle, ASYNC_BYTE_PIPE *data)
{
    (void)Upload_AsyncHandle; (void)IDL_handle; (void)data;
}

void s_Poll(PRPC_ASYNC_STATE Poll_AsyncHandle, handle_t IDL_handle)
{
    (void)Poll_AsyncHandle; (void)IDL_handle;
}

void s_Nop(PRPC_ASYNC_STATE Nop_AsyncHandle)
{
    (void)Nop_AsyncHandle;
}

FileRepServer_v1_0_epv_t server_epv = {
    s_RemoteReadAsyncPipe, s_ExchangeAsync, s_CopySync, s_AsyncFunc, s_Shutdown,
};
FileRepAsync_v2_0_epv_t async_epv = {s_RawGetFileDataAsync, s_Upload, s_Poll};
Implicit_v1_0_epv_t implicit_epv = {s_Nop};

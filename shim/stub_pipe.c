/* stub_pipe.c - the runtime side of generated stubs for procedures with
 * pipes (arpc_stub.h): [async] ones on both sides, and the classic
 * (synchronous) model, where the client stub drives the application's
 * pull/alloc/push and the server's manager uses the runtime's. */
#include <stdlib.h>
#include <string.h>
#include "arpc_stub.h"
#include "binding.h"
#include "call.h"
#include "pipe.h"
#include "server.h"

/* Bytes asked of a classic client's alloc per chunk. */
#define CLASSIC_CHUNK_BYTES (64u << 10)

/* Start a pipe call: the request's non-pipe part goes out now. */
static RPC_STATUS start_pipe_call(arpc_client_call *c, PRPC_ASYNC_STATE pAsync, size_t reply_size,
                                  arpc_async_finish_fn finish, void *ctx, const arpc_pipe_param *pipes,
                                  unsigned npipes, int async)
{
    arpc_binding *b = arpc_binding_get(c->msg.Handle);
    if (!b) {
        free(ctx);
        return RPC_S_INVALID_BINDING;
    }
    if (b->kind != BINDING_CLIENT) {
        free(ctx);
        return RPC_S_WRONG_KIND_OF_BINDING; /* no in-process pipes */
    }
    arpc_pipes *ps;
    RPC_STATUS st = arpc_pipes_create(pipes, npipes, 1, async, &ps);
    if (st != RPC_S_OK) {
        free(ctx);
        return st;
    }
    size_t len;
    unsigned char *request = arpc_ndr_writer_take(&c->w, &len);
    /* Owns ctx and ps from here, whatever happens. */
    st = arpc_client_async_send(b, c->msg.RpcInterfaceInformation, c->msg.ProcNum, request, len, pAsync, reply_size,
                                (RPC_STATUS(*)(void *, void *, void *))finish, ctx, ps);
    free(request);
    return st;
}

ARPC_API void arpc_client_call_start_async_pipes(arpc_client_call *c, PRPC_ASYNC_STATE pAsync, size_t reply_size,
                                                 arpc_async_finish_fn finish, void *ctx,
                                                 const arpc_pipe_param *pipes, unsigned npipes)
{
    RPC_STATUS st = start_pipe_call(c, pAsync, reply_size, finish, ctx, pipes, npipes, 1);
    if (st != RPC_S_OK)
        RpcRaiseException(st);
}

ARPC_API PRPC_ASYNC_STATE arpc_server_call_go_async_pipes(arpc_server_call *s, arpc_async_reply_fn reply,
                                                          arpc_async_free_fn free_ctx, void *ctx, size_t reply_size,
                                                          const arpc_pipe_param *pipes, unsigned npipes)
{
    PRPC_ASYNC_STATE a = arpc_server_call_go_async(s, reply, free_ctx, ctx, reply_size);
    /* Handed off: a raise now faults the call, which frees ctx. */
    RPC_STATUS st = arpc_server_start_pipes(s->msg->Handle, pipes, npipes, 1);
    if (st != RPC_S_OK)
        RpcRaiseException(st);
    return a;
}

ARPC_API void arpc_server_call_pipes(arpc_server_call *s, const arpc_pipe_param *pipes, unsigned npipes)
{
    RPC_STATUS st = arpc_server_start_pipes(s->msg->Handle, pipes, npipes, 0);
    if (st != RPC_S_OK)
        RpcRaiseException(st);
}

ARPC_API void arpc_server_call_pipes_done(arpc_server_call *s)
{
    unsigned pad;
    RPC_STATUS st = arpc_server_pipes_done(s->msg->Handle, &pad);
    if (st != RPC_S_OK)
        RpcRaiseException(st);
    /* The [out] parameters follow the pipe data: same alignment. */
    static const unsigned char zeros[8];
    arpc_ndr_writer_free(&s->w);
    arpc_ndr_writer_init(&s->w);
    arpc_ndr_w_bytes(&s->w, zeros, pad);
    s->reply_pad = pad;
}

/* ---- classic client: the stub drives the application's routines */

typedef struct {
    void(__RPC_USER *pull)(char *state, void *buf, unsigned long esize, unsigned long *ecount);
    void(__RPC_USER *push)(char *state, void *buf, unsigned long ecount);
    void(__RPC_USER *alloc)(char *state, unsigned long bsize, void **buf, unsigned long *bcount);
    char *state;
} classic_pipe;

/* A buffer for n elements from the application's alloc (or our own when it
 * has none); *esize gets its capacity in elements. */
static void *classic_buffer(classic_pipe *p, const arpc_pipe_type *t, void *volatile *own, unsigned long *esize)
{
    void *buf = NULL;
    unsigned long bytes = 0;
    if (p->alloc) {
        p->alloc(p->state, CLASSIC_CHUNK_BYTES, &buf, &bytes);
    } else {
        if (!*own && !(*own = malloc(CLASSIC_CHUNK_BYTES)))
            RpcRaiseException(RPC_S_OUT_OF_MEMORY);
        buf = *own;
        bytes = CLASSIC_CHUNK_BYTES;
    }
    *esize = bytes / (unsigned long)t->elem_size;
    if (!buf || !*esize)
        RpcRaiseException(RPC_X_PIPE_APP_MEMORY);
    return buf;
}

/* Every [in] pipe, left to right: alloc, pull, send, until pull says 0. */
static void classic_send(arpc_pipes *ps, void *volatile *own)
{
    for (unsigned i = 0; i < arpc_pipes_count(ps); i++) {
        const arpc_pipe_param *pp = arpc_pipes_param(ps, i);
        if (!(pp->dir & ARPC_PIPE_IN))
            continue;
        classic_pipe *p = pp->pipe;
        if (!p->pull)
            RpcRaiseException(RPC_X_INVALID_PIPE_OBJECT);
        unsigned long n;
        do {
            unsigned long esize;
            void *buf = classic_buffer(p, pp->type, own, &esize);
            n = 0;
            p->pull(p->state, buf, esize, &n);
            if (n > esize)
                RpcRaiseException(RPC_X_INVALID_BOUND);
            RPC_STATUS st = arpc_pipes_push(ps, i, buf, n);
            if (st != RPC_S_OK)
                RpcRaiseException(st);
        } while (n);
    }
}

/* Every [out] pipe, left to right: alloc, receive, push, until 0 (pushed too). */
static void classic_receive(arpc_pipes *ps, void *volatile *own)
{
    for (unsigned i = 0; i < arpc_pipes_count(ps); i++) {
        const arpc_pipe_param *pp = arpc_pipes_param(ps, i);
        if (!(pp->dir & ARPC_PIPE_OUT))
            continue;
        classic_pipe *p = pp->pipe;
        if (!p->push)
            RpcRaiseException(RPC_X_INVALID_PIPE_OBJECT);
        unsigned long n;
        do {
            unsigned long esize;
            void *buf = classic_buffer(p, pp->type, own, &esize);
            RPC_STATUS st = arpc_pipes_pull(ps, i, buf, esize, &n, 1);
            if (st != RPC_S_OK)
                RpcRaiseException(st);
            p->push(p->state, buf, n);
        } while (n);
    }
}

ARPC_API void arpc_client_call_invoke_pipes(arpc_client_call *c, const arpc_pipe_param *pipes, unsigned npipes)
{
    RPC_ASYNC_STATE a;
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeNone;
    RPC_STATUS st = start_pipe_call(c, &a, 0, NULL, NULL, pipes, npipes, 0);
    if (st != RPC_S_OK)
        RpcRaiseException(st);
    arpc_call *call = a.RuntimeInfo;
    void *volatile own = NULL;
    volatile int ok = 0;
    RpcTryFinally {
        classic_send(arpc_call_pipes(call), &own);
        classic_receive(arpc_call_pipes(call), &own);
        unsigned char *rest;
        unsigned pad;
        uint32_t drep;
        if ((st = arpc_client_pipe_rest(call, &rest, &c->reply_len, &pad, &drep)) != RPC_S_OK)
            RpcRaiseException(st);
        c->reply = rest;
        c->msg.DataRepresentation = drep;
        arpc_ndr_reader_init(&c->r, c->reply, c->reply_len, drep);
        c->r.pos = pad;
        ok = 1;
    } RpcFinally {
        free(own);
        /* Done either way; a failure also tells the server (orphaned). */
        if (ok)
            arpc_call_client_abandon(call);
        else
            arpc_call_client_discard(call);
    } RpcEndFinally
}

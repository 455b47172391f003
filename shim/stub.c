/* stub.c - the runtime side of generated stubs (arpc_stub.h): a call's
 * buffers and its trip through the binding's transport. */
#include <stdlib.h>
#include <string.h>
#include "arpc_stub.h"
#include "binding.h"
#include "server.h"
#include "context.h"

ARPC_API void arpc_client_call_begin(arpc_client_call *c, RPC_BINDING_HANDLE binding,
                                     const RPC_CLIENT_INTERFACE *ifc, unsigned opnum)
{
    memset(c, 0, sizeof *c);
    arpc_ndr_writer_init(&c->w);
    c->msg.Handle = binding;
    c->msg.ProcNum = opnum;
    c->msg.RpcInterfaceInformation = (void *)ifc;
    c->msg.DataRepresentation = ARPC_NDR_DREP_LE;
    if (!arpc_binding_get(binding))
        RpcRaiseException(RPC_S_INVALID_BINDING);
}

static int same_interface(const RPC_SYNTAX_IDENTIFIER *a, const RPC_SYNTAX_IDENTIFIER *b)
{
    return !memcmp(&a->SyntaxGUID, &b->SyntaxGUID, sizeof a->SyntaxGUID) &&
           a->SyntaxVersion.MajorVersion == b->SyntaxVersion.MajorVersion &&
           a->SyntaxVersion.MinorVersion <= b->SyntaxVersion.MinorVersion;
}

/* The whole wire path without the wire: the request buffer becomes the
 * server's RPC_MESSAGE, the server stub's reply buffer the client's. */
static void inproc_invoke(arpc_client_call *c, arpc_binding *b)
{
    const RPC_CLIENT_INTERFACE *cif = c->msg.RpcInterfaceInformation;
    const RPC_SERVER_INTERFACE *sif = b->inproc_if;
    if (!same_interface(&cif->InterfaceId, &sif->InterfaceId))
        RpcRaiseException(RPC_S_UNKNOWN_IF);
    if (c->msg.ProcNum >= sif->DispatchTable->DispatchTableCount)
        RpcRaiseException(RPC_S_PROCNUM_OUT_OF_RANGE);
    size_t len;
    unsigned char *request = arpc_ndr_writer_take(&c->w, &len);
    RPC_MESSAGE smsg;
    memset(&smsg, 0, sizeof smsg);
    smsg.Handle = b;
    smsg.DataRepresentation = ARPC_NDR_DREP_LE;
    smsg.Buffer = request;
    smsg.BufferLength = (unsigned int)len;
    smsg.ProcNum = c->msg.ProcNum;
    smsg.RpcInterfaceInformation = (void *)sif;
    smsg.ManagerEpv = sif->DefaultManagerEpv;
    volatile RPC_STATUS fault = RPC_S_OK;
    RpcTryExcept {
        sif->DispatchTable->DispatchTable[smsg.ProcNum](&smsg);
    } RpcExcept(1) {
        fault = (RPC_STATUS)RpcExceptionCode();
    } RpcEndExcept
    arpc_sctx_free_thread(); /* the context handle slots the stub used */
    if (smsg.Buffer == request) /* the stub did not reply */
        smsg.Buffer = NULL, smsg.BufferLength = 0;
    free(request);
    if (fault != RPC_S_OK) {
        free(smsg.Buffer);
        RpcRaiseException(fault);
    }
    c->reply = smsg.Buffer;
    c->reply_len = smsg.BufferLength;
}

ARPC_API void arpc_client_call_invoke(arpc_client_call *c)
{
    arpc_binding *b = arpc_binding_get(c->msg.Handle);
    if (!b)
        RpcRaiseException(RPC_S_INVALID_BINDING);
    switch (b->kind) {
    case BINDING_INPROC:
        inproc_invoke(c, b);
        break;
    case BINDING_CLIENT: {
        size_t len;
        unsigned char *request = arpc_ndr_writer_take(&c->w, &len);
        uint8_t *reply;
        uint32_t drep;
        RPC_STATUS st = arpc_client_send_receive(b, c->msg.RpcInterfaceInformation, c->msg.ProcNum, request, len,
                                                 &reply, &c->reply_len, &drep);
        free(request);
        if (st != RPC_S_OK)
            RpcRaiseException(st);
        c->reply = reply;
        c->msg.DataRepresentation = drep;
        break;
    }
    default:
        RpcRaiseException(RPC_S_WRONG_KIND_OF_BINDING);
    }
    arpc_ndr_reader_init(&c->r, c->reply, c->reply_len, c->msg.DataRepresentation);
}

ARPC_API void arpc_client_call_end(arpc_client_call *c)
{
    arpc_ndr_writer_free(&c->w);
    free(c->reply);
    c->reply = NULL;
}

ARPC_API void arpc_server_call_begin(arpc_server_call *s, PRPC_MESSAGE msg)
{
    s->msg = msg;
    s->reply_pad = 0;
    arpc_ndr_reader_init(&s->r, msg->Buffer, msg->BufferLength, msg->DataRepresentation);
    arpc_server_stream_reader(msg->Handle, &s->r);
    arpc_ndr_writer_init(&s->w);
}

ARPC_API void arpc_server_call_reply(arpc_server_call *s)
{
    size_t len;
    unsigned char *data = arpc_ndr_writer_take(&s->w, &len);
    if (s->reply_pad) { /* alignment padding, not data (arpc_server_call_pipes_done) */
        memmove(data, data + s->reply_pad, len - s->reply_pad);
        len -= s->reply_pad;
    }
    s->msg->Buffer = data;
    s->msg->BufferLength = (unsigned int)len;
}

/* ------------------------------------------------------------ [async] */

ARPC_API void *arpc_async_ctx_alloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        RpcRaiseException(RPC_S_OUT_OF_MEMORY);
    return p;
}

ARPC_API void arpc_client_call_start_async(arpc_client_call *c, PRPC_ASYNC_STATE pAsync, size_t reply_size,
                                           arpc_async_finish_fn finish, void *ctx)
{
    arpc_binding *b = arpc_binding_get(c->msg.Handle);
    RPC_STATUS st;
    if (!b)
        st = RPC_S_INVALID_BINDING;
    else if (b->kind != BINDING_CLIENT)
        st = RPC_S_WRONG_KIND_OF_BINDING; /* no in-process async calls */
    else {
        size_t len;
        unsigned char *request = arpc_ndr_writer_take(&c->w, &len);
        /* Owns ctx from here, whatever happens. */
        st = arpc_client_async_send(b, c->msg.RpcInterfaceInformation, c->msg.ProcNum, request, len, pAsync,
                                    reply_size, (RPC_STATUS(*)(void *, void *, void *))finish, ctx, NULL);
        free(request);
        ctx = NULL;
    }
    if (st != RPC_S_OK) {
        free(ctx);
        RpcRaiseException(st);
    }
}

ARPC_API PRPC_ASYNC_STATE arpc_server_call_go_async(arpc_server_call *s, arpc_async_reply_fn reply,
                                                    arpc_async_free_fn free_ctx, void *ctx, size_t reply_size)
{
    PRPC_ASYNC_STATE a = NULL;
    RPC_STATUS st = arpc_server_go_async(s->msg->Handle, reply, free_ctx, ctx, reply_size, &a);
    if (st != RPC_S_OK) {
        free_ctx(ctx);
        RpcRaiseException(st);
    }
    return a;
}

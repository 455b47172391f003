/* client.c - synchronous calls over a client binding: a connection from
 * the binding's idle pool (or a new one: connect, bind), presentation
 * contexts added with alter_context as interfaces are first used, the
 * request sent in fragments, the response reassembled.  A connection that
 * saw any failure other than a fault is closed, never reused. */
#include <stdlib.h>
#include <string.h>
#include "arpc_ndr.h"
#include "binding.h"

#define ARPC_CLIENT_MAX_REPLY (256u << 20) /* largest response we reassemble */

uint32_t arpc_binding_call_timeout(arpc_binding *b)
{
    return b->opt_call_timeout ? (uint32_t)b->opt_call_timeout : 0xFFFFFFFFu;
}

static const char *endpoint_for(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc)
{
    if (b->endpoint && *b->endpoint)
        return b->endpoint;
    /* The interface's own endpoint() attribute for this protocol sequence. */
    for (unsigned i = 0; ifc && i < ifc->RpcProtseqEndpointCount; i++) {
        const RPC_PROTSEQ_ENDPOINT *pe = &ifc->RpcProtseqEndpoint[i];
        if (pe->RpcProtocolSequence && !strcmp((const char *)pe->RpcProtocolSequence, b->protseq_name))
            return (const char *)pe->Endpoint;
    }
    return NULL;
}

RPC_STATUS arpc_client_conn_open(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc, arpc_client_conn **out)
{
    const char *ep = endpoint_for(b, ifc);
    if (!ep)
        return RPC_S_NO_ENDPOINT_FOUND; /* no endpoint mapper (yet) */
    arpc_socket s = ARPC_INVALID_SOCKET;
    RPC_STATUS st = arpc_net_init();
    if (st == RPC_S_OK)
        st = b->protseq == PROTSEQ_TCP  ? arpc_tcp_connect(b->netaddr, ep, &s)
           : b->protseq == PROTSEQ_NP ? arpc_np_connect(b->netaddr, ep, &s)
                                      : arpc_local_connect(ep, &s);
    if (st != RPC_S_OK)
        return st;
    arpc_sock_set_nodelay(s);
    if ((st = arpc_sock_set_nonblocking(s)) != RPC_S_OK) {
        arpc_sock_close(s);
        return st;
    }
    arpc_client_conn *cc = calloc(1, sizeof *cc);
    if (!cc) {
        arpc_sock_close(s);
        return RPC_S_OUT_OF_MEMORY;
    }
    arpc_conn_init(&cc->conn, s);
    cc->next_call_id = 1;
    *out = cc;
    return RPC_S_OK;
}

void arpc_client_conn_close(arpc_client_conn *cc)
{
    arpc_conn_destroy(&cc->conn);
    free(cc);
}

static int same_syntax(const RPC_SYNTAX_IDENTIFIER *a, const RPC_SYNTAX_IDENTIFIER *b)
{
    return !memcmp(a, b, sizeof *a);
}

/* Bind (first context) or alter_context (later ones) for ifc's interface. */
RPC_STATUS arpc_client_conn_bind(arpc_binding *b, arpc_client_conn *cc, const RPC_CLIENT_INTERFACE *ifc,
                              uint16_t *context_id)
{
    for (int i = 0; i < cc->n_contexts; i++) {
        if (same_syntax(&cc->contexts[i], &ifc->InterfaceId)) {
            *context_id = (uint16_t)i;
            return RPC_S_OK;
        }
    }
    if (cc->n_contexts == ARPC_CONN_CONTEXTS)
        return RPC_S_OUT_OF_RESOURCES;
    arpc_pres_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.context_id = (uint16_t)cc->n_contexts;
    ctx.n_transfer = 1;
    memcpy(&ctx.abstract.uuid, &ifc->InterfaceId.SyntaxGUID, sizeof ctx.abstract.uuid);
    ctx.abstract.vers_major = ifc->InterfaceId.SyntaxVersion.MajorVersion;
    ctx.abstract.vers_minor = ifc->InterfaceId.SyntaxVersion.MinorVersion;
    ctx.transfer[0] = arpc_ndr20_syntax;
    uint8_t pdu[256];
    int first = cc->n_contexts == 0;
    uint32_t call_id = cc->next_call_id++;
    arpc_mutex_lock(&b->lock);
    uint32_t group = first ? b->assoc_group : cc->assoc_group;
    arpc_mutex_unlock(&b->lock);
    size_t n = arpc_pdu_write_bind(pdu, sizeof pdu, first ? ARPC_PT_BIND : ARPC_PT_ALTER_CONTEXT,
                                   ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG | ARPC_PFC_CONC_MPX, call_id,
                                   ARPC_MAX_FRAG, ARPC_MAX_FRAG, group, &ctx, 1);
    RPC_STATUS st = arpc_conn_send_pdu(&cc->conn, pdu, n, arpc_binding_call_timeout(b));
    if (st != RPC_S_OK)
        return st;
    const uint8_t *frag;
    size_t len;
    arpc_pdu reply;
    if ((st = arpc_conn_read_frag(&cc->conn, arpc_binding_call_timeout(b), &frag, &len)) != RPC_S_OK ||
        (st = arpc_pdu_parse(frag, len, &reply)) != RPC_S_OK)
        return st == RPC_S_TIMEOUT ? RPC_S_CALL_CANCELLED : st;
    if (reply.h.call_id != call_id)
        return RPC_S_PROTOCOL_ERROR;
    if (reply.h.ptype == ARPC_PT_BIND_NAK) {
        if (first && group) {
            /* The server forgot the association group (all our connections
             * to it closed): the next connection starts a new one. */
            arpc_mutex_lock(&b->lock);
            if (b->assoc_group == group)
                b->assoc_group = 0;
            arpc_mutex_unlock(&b->lock);
            cc->stale_group = 1;
        }
        return RPC_S_SERVER_UNAVAILABLE;
    }
    if (reply.h.ptype != (first ? ARPC_PT_BIND_ACK : ARPC_PT_ALTER_CONTEXT_RESP) || reply.u.bind_ack.n_results < 1)
        return RPC_S_PROTOCOL_ERROR;
    const arpc_pres_result *r = &reply.u.bind_ack.results[0];
    if (r->result != ARPC_RESULT_ACCEPTANCE)
        return r->reason == ARPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED ? RPC_S_UNSUPPORTED_TRANS_SYN
                                                                        : RPC_S_UNKNOWN_IF;
    if (first) {
        /* Fragment sizes: the smaller of what each side offered. */
        uint16_t xmit = reply.u.bind_ack.max_recv_frag, recv = reply.u.bind_ack.max_xmit_frag;
        if (xmit < 1024 || recv < 1024)
            return RPC_S_PROTOCOL_ERROR;
        cc->conn.max_xmit = xmit < ARPC_MAX_FRAG ? xmit : ARPC_MAX_FRAG;
        cc->conn.max_recv = recv < ARPC_MAX_FRAG ? recv : ARPC_MAX_FRAG;
        cc->assoc_group = reply.u.bind_ack.assoc_group_id;
        arpc_mutex_lock(&b->lock);
        if (!b->assoc_group)
            b->assoc_group = cc->assoc_group; /* later connections join the group */
        arpc_mutex_unlock(&b->lock);
    }
    cc->contexts[cc->n_contexts] = ifc->InterfaceId;
    *context_id = (uint16_t)cc->n_contexts++;
    return RPC_S_OK;
}

RPC_STATUS arpc_client_conn_open_bound(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc, arpc_client_conn **out,
                                       uint16_t *context_id)
{
    for (int attempt = 0;; attempt++) {
        arpc_client_conn *cc;
        RPC_STATUS st = arpc_client_conn_open(b, ifc, &cc);
        if (st != RPC_S_OK)
            return st;
        if ((st = arpc_client_conn_bind(b, cc, ifc, context_id)) == RPC_S_OK) {
            *out = cc;
            return RPC_S_OK;
        }
        int retry = cc->stale_group && attempt == 0;
        arpc_client_conn_close(cc);
        if (!retry)
            return st;
    }
}

/* Read fragments of call_id's response until the last one. */
static RPC_STATUS receive_response(arpc_binding *b, arpc_client_conn *cc, uint32_t call_id, arpc_reassembly *out,
                                   uint32_t *drep, int *fault)
{
    *fault = 0;
    for (;;) {
        const uint8_t *frag;
        size_t len;
        arpc_pdu p;
        RPC_STATUS st = arpc_conn_read_frag(&cc->conn, arpc_binding_call_timeout(b), &frag, &len);
        if (st == RPC_S_TIMEOUT)
            return RPC_S_CALL_CANCELLED; /* Windows reports an expired call timeout so */
        if (st != RPC_S_OK || (st = arpc_pdu_parse(frag, len, &p)) != RPC_S_OK)
            return st;
        /* A synchronous connection carries one call at a time, so the
         * response is ours whatever its call id says: Wine 8's rpcrt4
         * server answers every request with call id 1. */
        (void)call_id;
        if (p.h.ptype == ARPC_PT_FAULT) {
            *fault = 1;
            return arpc_fault_to_status(p.u.response.status);
        }
        if (p.h.ptype != ARPC_PT_RESPONSE)
            return RPC_S_PROTOCOL_ERROR;
        if (!out->limit) {
            arpc_reassembly_init(out, ARPC_CLIENT_MAX_REPLY, p.u.response.alloc_hint);
            *drep = p.h.drep[0] | (uint32_t)p.h.drep[1] << 8 | (uint32_t)p.h.drep[2] << 16;
        }
        if ((st = arpc_reassembly_add(out, p.stub, p.stub_len)) != RPC_S_OK)
            return st == RPC_S_SERVER_OUT_OF_MEMORY ? RPC_S_OUT_OF_MEMORY : st;
        if (p.h.flags & ARPC_PFC_LAST_FRAG)
            return RPC_S_OK;
    }
}

RPC_STATUS arpc_client_send_receive(arpc_binding *b, const RPC_CLIENT_INTERFACE *ifc, unsigned opnum,
                                    const uint8_t *stub, size_t len, uint8_t **reply, size_t *reply_len,
                                    uint32_t *drep)
{
    *drep = ARPC_NDR_DREP_LE;
    *reply = NULL;
    *reply_len = 0;
    if (opnum > 0xFFFF)
        return RPC_S_PROCNUM_OUT_OF_RANGE;
    arpc_mutex_lock(&b->lock);
    arpc_client_conn *cc = b->idle;
    if (cc)
        b->idle = cc->next;
    arpc_mutex_unlock(&b->lock);
    RPC_STATUS st;
    uint16_t context_id;
    int sent = 0, fault = 0;
    arpc_reassembly r;
    memset(&r, 0, sizeof r);
    if (!cc) {
        if ((st = arpc_client_conn_open_bound(b, ifc, &cc, &context_id)) != RPC_S_OK)
            return st;
    } else {
        st = arpc_client_conn_bind(b, cc, ifc, &context_id);
    }
    if (st == RPC_S_OK) {
        uint32_t call_id = cc->next_call_id++;
        st = arpc_conn_send_request(&cc->conn, call_id, context_id, (uint16_t)opnum,
                                    b->has_object ? &b->object : NULL, stub, len, arpc_binding_call_timeout(b));
        sent = st == RPC_S_OK;
        if (sent)
            st = receive_response(b, cc, call_id, &r, drep, &fault);
    }
    if (st == RPC_S_OK || fault) {
        arpc_mutex_lock(&b->lock);
        cc->next = b->idle;
        b->idle = cc;
        arpc_mutex_unlock(&b->lock);
    } else {
        arpc_client_conn_close(cc);
        /* Lost before the request was out: the server did not execute it. */
        if (!sent && st == RPC_S_CALL_FAILED)
            st = RPC_S_CALL_FAILED_DNE;
    }
    if (st != RPC_S_OK) {
        arpc_reassembly_free(&r);
        return st;
    }
    *reply = r.data;
    *reply_len = r.len;
    return RPC_S_OK;
}

void arpc_client_drop_connections(arpc_binding *b)
{
    arpc_mutex_lock(&b->lock);
    arpc_client_conn *cc = b->idle;
    b->idle = NULL;
    arpc_mutex_unlock(&b->lock);
    while (cc) {
        arpc_client_conn *next = cc->next;
        arpc_client_conn_close(cc);
        cc = next;
    }
}

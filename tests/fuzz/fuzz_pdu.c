/* Fuzz target for the connection-oriented PDU parser (shim/pdu.c, compiled
 * in: the library hides it).  Every input is parsed as a header and, when
 * the fragment fits, as a whole PDU; what parses must point inside the
 * fragment, and binds, bind_acks and request/response/fault headers must
 * survive encode -> parse unchanged.  A mismatch aborts. */
#include "../../shim/pdu.c"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

static int syntax_equal(const arpc_syntax_id *a, const arpc_syntax_id *b)
{
    return memcmp(&a->uuid, &b->uuid, sizeof a->uuid) == 0 && a->vers_major == b->vers_major &&
           a->vers_minor == b->vers_minor;
}

static void check_header(const arpc_pdu_header *a, const arpc_pdu_header *b)
{
    check(a->ptype == b->ptype && a->flags == b->flags && a->call_id == b->call_id);
}

static void check_bind(const arpc_pdu *p, arpc_pdu *again)
{
    static uint8_t out[4096];
    size_t n = arpc_pdu_write_bind(out, sizeof out, p->h.ptype, p->h.flags, p->h.call_id, p->u.bind.max_xmit_frag,
                                   p->u.bind.max_recv_frag, p->u.bind.assoc_group_id, p->u.bind.contexts,
                                   p->u.bind.n_contexts);
    check(n > 0 && arpc_pdu_parse(out, n, again) == RPC_S_OK);
    check_header(&p->h, &again->h);
    check(again->u.bind.max_xmit_frag == p->u.bind.max_xmit_frag &&
          again->u.bind.max_recv_frag == p->u.bind.max_recv_frag &&
          again->u.bind.assoc_group_id == p->u.bind.assoc_group_id && again->u.bind.n_contexts == p->u.bind.n_contexts);
    for (unsigned i = 0; i < p->u.bind.n_contexts; i++) {
        const arpc_pres_context *a = &p->u.bind.contexts[i], *b = &again->u.bind.contexts[i];
        check(a->context_id == b->context_id && a->n_transfer == b->n_transfer &&
              syntax_equal(&a->abstract, &b->abstract));
        for (unsigned j = 0; j < a->n_transfer; j++)
            check(syntax_equal(&a->transfer[j], &b->transfer[j]));
    }
}

static void check_bind_ack(const arpc_pdu *p, arpc_pdu *again)
{
    static uint8_t out[4096];
    size_t n = arpc_pdu_write_bind_ack(out, sizeof out, p->h.ptype, p->h.flags, p->h.call_id,
                                       p->u.bind_ack.max_xmit_frag, p->u.bind_ack.max_recv_frag,
                                       p->u.bind_ack.assoc_group_id, p->u.bind_ack.sec_addr, p->u.bind_ack.results,
                                       p->u.bind_ack.n_results);
    check(n > 0 && n % 4 == 0 && arpc_pdu_parse(out, n, again) == RPC_S_OK);
    check_header(&p->h, &again->h);
    check(again->u.bind_ack.max_xmit_frag == p->u.bind_ack.max_xmit_frag &&
          again->u.bind_ack.max_recv_frag == p->u.bind_ack.max_recv_frag &&
          again->u.bind_ack.assoc_group_id == p->u.bind_ack.assoc_group_id &&
          strcmp(again->u.bind_ack.sec_addr, p->u.bind_ack.sec_addr) == 0 &&
          again->u.bind_ack.n_results == p->u.bind_ack.n_results);
    for (unsigned i = 0; i < p->u.bind_ack.n_results; i++) {
        const arpc_pres_result *a = &p->u.bind_ack.results[i], *b = &again->u.bind_ack.results[i];
        check(a->result == b->result && a->reason == b->reason && syntax_equal(&a->transfer, &b->transfer));
    }
}

/* request / response / fault: re-encode the header with the same stub length. */
static void check_call(const arpc_pdu *p, arpc_pdu *again)
{
    static uint8_t out[ARPC_PDU_REQUEST_HEADER_LEN + 16 + 0xffff];
    size_t n;
    if (p->h.ptype == ARPC_PT_REQUEST)
        n = arpc_pdu_write_request_header(out, p->h.flags, p->h.call_id, p->stub_len, p->u.request.alloc_hint,
                                          p->u.request.context_id, p->u.request.opnum,
                                          p->u.request.has_object ? &p->u.request.object : NULL);
    else if (p->h.ptype == ARPC_PT_RESPONSE)
        n = arpc_pdu_write_response_header(out, p->h.flags, p->h.call_id, p->stub_len, p->u.response.alloc_hint,
                                           p->u.response.context_id, p->u.response.cancel_count);
    else
        n = arpc_pdu_write_fault(out, p->h.flags, p->h.call_id, p->u.response.context_id,
                                 p->u.response.cancel_count, p->u.response.status);
    check(n > 0);
    size_t total = n + (p->h.ptype == ARPC_PT_FAULT ? 0 : p->stub_len);
    memset(out + n, 0, total - n);
    check(arpc_pdu_parse(out, total, again) == RPC_S_OK);
    check_header(&p->h, &again->h);
    if (p->h.ptype == ARPC_PT_REQUEST)
        check(again->u.request.alloc_hint == p->u.request.alloc_hint &&
              again->u.request.context_id == p->u.request.context_id &&
              again->u.request.opnum == p->u.request.opnum &&
              again->u.request.has_object == p->u.request.has_object &&
              memcmp(&again->u.request.object, &p->u.request.object, sizeof(GUID)) == 0 &&
              again->stub_len == p->stub_len);
    else
        check(again->u.response.context_id == p->u.response.context_id &&
              again->u.response.cancel_count == p->u.response.cancel_count &&
              again->u.response.status == p->u.response.status &&
              (p->h.ptype == ARPC_PT_FAULT || again->stub_len == p->stub_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static arpc_pdu pdu, again;
    arpc_pdu_header h;
    if (arpc_pdu_parse_header(data, size, &h) != RPC_S_OK || h.frag_len > size)
        return 0;
    check(h.vers == 5 && h.vers_minor <= 1 && h.frag_len >= ARPC_PDU_HEADER_LEN);
    if (arpc_pdu_parse(data, size, &pdu) != RPC_S_OK)
        return 0;
    check(memcmp(&pdu.h, &h, sizeof h) == 0);
    const uint8_t *end = data + h.frag_len;
    check(!pdu.stub || (pdu.stub >= data + ARPC_PDU_HEADER_LEN && pdu.stub_len <= (size_t)(end - pdu.stub)));
    check(!pdu.auth || (pdu.auth >= data + ARPC_PDU_HEADER_LEN && pdu.auth + pdu.auth_len == end &&
                        pdu.auth_len == 8u + h.auth_len));
    check(!pdu.stub || !pdu.auth || pdu.stub + pdu.stub_len <= pdu.auth);
    switch (h.ptype) {
    case ARPC_PT_BIND:
    case ARPC_PT_ALTER_CONTEXT:
        check_bind(&pdu, &again);
        break;
    case ARPC_PT_BIND_ACK:
    case ARPC_PT_ALTER_CONTEXT_RESP:
        check_bind_ack(&pdu, &again);
        break;
    case ARPC_PT_REQUEST:
    case ARPC_PT_RESPONSE:
    case ARPC_PT_FAULT:
        check_call(&pdu, &again);
        break;
    default:
        break;
    }
    /* the status mapping is total */
    (void)arpc_status_to_fault(arpc_fault_to_status(pdu.u.response.status));
    return 0;
}

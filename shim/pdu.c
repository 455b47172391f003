/* pdu.c - DCE/RPC connection-oriented PDUs (C706 chapter 12, MS-RPCE 2.2.2):
 * strict parsing of either byte order, little-endian encoding.  See pdu.h. */
#include <rpc.h>
#include <string.h>

#include "pdu.h"

#define PDU_ERR RPC_S_PROTOCOL_ERROR
#define SEC_TRAILER_LEN 8
#define SYNTAX_LEN 20

/* NCA status codes (C706 appendix E).  Named here, not taken from pdu.h, so
 * the table below is independent of the header's selection. */
enum {
    NCA_COMM_FAILURE = 0x1c010001, NCA_OP_RNG_ERROR = 0x1c010002, NCA_UNK_IF = 0x1c010003,
    NCA_YOU_CRASHED = 0x1c010009, NCA_PROTO_ERROR = 0x1c01000b, NCA_OUT_ARGS_TOO_BIG = 0x1c010013,
    NCA_SERVER_TOO_BUSY = 0x1c010014, NCA_STRING_TOO_LONG = 0x1c010015, NCA_UNSUPPORTED_TYPE = 0x1c010017,
    NCA_INT_DIV_BY_ZERO = 0x1c000001, NCA_ADDR_ERROR = 0x1c000002, NCA_FP_DIV_ZERO = 0x1c000003,
    NCA_FP_UNDERFLOW = 0x1c000004, NCA_FP_OVERFLOW = 0x1c000005, NCA_INVALID_TAG = 0x1c000006,
    NCA_INVALID_BOUND = 0x1c000007, NCA_VERSION_MISMATCH = 0x1c000008, NCA_UNSPEC_REJECT = 0x1c000009,
    NCA_BAD_ACTID = 0x1c00000a, NCA_WHO_ARE_YOU_FAILED = 0x1c00000b, NCA_MANAGER_NOT_ENTERED = 0x1c00000c,
    NCA_CANCEL = 0x1c00000d, NCA_ILL_INST = 0x1c00000e, NCA_FP_ERROR = 0x1c00000f,
    NCA_INT_OVERFLOW = 0x1c000010, NCA_UNSPEC = 0x1c000012, NCA_REMOTE_COMM_FAILURE = 0x1c000013,
    NCA_PIPE_EMPTY = 0x1c000014, NCA_PIPE_CLOSED = 0x1c000015, NCA_PIPE_ORDER = 0x1c000016,
    NCA_PIPE_DISCIPLINE = 0x1c000017, NCA_PIPE_COMM_ERROR = 0x1c000018, NCA_PIPE_MEMORY = 0x1c000019,
    NCA_CONTEXT_MISMATCH = 0x1c00001a, NCA_REMOTE_NO_MEMORY = 0x1c00001b,
    NCA_INVALID_PRES_CONTEXT_ID = 0x1c00001c, NCA_UNSUPPORTED_AUTHN_LEVEL = 0x1c00001d,
    NCA_INVALID_CHECKSUM = 0x1c00001f, NCA_INVALID_CRC = 0x1c000020, NCA_USER_DEFINED = 0x1c000021,
    NCA_TX_OPEN_FAILED = 0x1c000022, NCA_CODESET_CONV_ERROR = 0x1c000023, NCA_OBJECT_NOT_FOUND = 0x1c000024,
    NCA_NO_CLIENT_STUB = 0x1c000025
};

const arpc_syntax_id arpc_ndr20_syntax = {
    { 0x8a885d04u, 0x1ceb, 0x11c9, { 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60 } }, 2, 0
};

/* ---------------------------------------------------------------- reading */

/* A bounded reader: any read past len sets bad and yields zeros. */
typedef struct pdu_reader {
    const uint8_t *p;
    size_t len, pos;
    int be, bad;
} pdu_reader;

static int rd_need(pdu_reader *r, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        r->bad = 1;
        return 0;
    }
    return 1;
}

static uint8_t rd_u8(pdu_reader *r)
{
    return rd_need(r, 1) ? r->p[r->pos++] : 0;
}

static uint16_t rd_u16(pdu_reader *r)
{
    if (!rd_need(r, 2))
        return 0;
    const uint8_t *q = r->p + r->pos;
    r->pos += 2;
    return r->be ? (uint16_t)(q[0] << 8 | q[1]) : (uint16_t)(q[1] << 8 | q[0]);
}

static uint32_t rd_u32(pdu_reader *r)
{
    if (!rd_need(r, 4))
        return 0;
    const uint8_t *q = r->p + r->pos;
    r->pos += 4;
    if (r->be)
        return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
    return (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
}

static void rd_skip(pdu_reader *r, size_t n)
{
    if (rd_need(r, n))
        r->pos += n;
}

static void rd_guid(pdu_reader *r, GUID *g)
{
    g->Data1 = rd_u32(r);
    g->Data2 = rd_u16(r);
    g->Data3 = rd_u16(r);
    if (rd_need(r, 8)) {
        memcpy(g->Data4, r->p + r->pos, 8);
        r->pos += 8;
    }
}

/* p_syntax_id_t: the version is one unsigned32, major in its low half. */
static void rd_syntax(pdu_reader *r, arpc_syntax_id *s)
{
    rd_guid(r, &s->uuid);
    uint32_t v = rd_u32(r);
    s->vers_major = (uint16_t)(v & 0xffffu);
    s->vers_minor = (uint16_t)(v >> 16);
}

static int known_ptype(uint8_t t)
{
    return t == ARPC_PT_REQUEST || t == ARPC_PT_RESPONSE || t == ARPC_PT_FAULT ||
           (t >= ARPC_PT_BIND && t <= ARPC_PT_ORPHANED);
}

RPC_STATUS arpc_pdu_parse_header(const void *buf, size_t len, arpc_pdu_header *h)
{
    if (!buf || !h || len < ARPC_PDU_HEADER_LEN)
        return PDU_ERR;
    const uint8_t *p = buf;
    pdu_reader r = { p, ARPC_PDU_HEADER_LEN, 8, (p[4] & 0xf0) == 0, 0 };
    h->vers = p[0];
    h->vers_minor = p[1];
    h->ptype = p[2];
    h->flags = p[3];
    memcpy(h->drep, p + 4, 4);
    h->frag_len = rd_u16(&r);
    h->auth_len = rd_u16(&r);
    h->call_id = rd_u32(&r);
    /* Integer representation: 0 big-endian, 1 little-endian, others undefined. */
    if (h->vers != 5 || h->vers_minor > 1 || !known_ptype(h->ptype) || (p[4] >> 4) > 1 ||
        h->frag_len < ARPC_PDU_HEADER_LEN)
        return PDU_ERR;
    return RPC_S_OK;
}

/* The stub of a request/response/fault: from r->pos to the verifier, less
 * the verifier's padding (sec_trailer auth_pad_length). */
static int take_stub(pdu_reader *r, arpc_pdu *pdu)
{
    size_t pad = pdu->auth ? pdu->auth[2] : 0;
    if (r->bad || pad > r->len - r->pos)
        return 0;
    pdu->stub = r->p + r->pos;
    pdu->stub_len = r->len - r->pos - pad;
    return 1;
}

static int parse_bind(pdu_reader *r, arpc_pdu *pdu)
{
    pdu->u.bind.max_xmit_frag = rd_u16(r);
    pdu->u.bind.max_recv_frag = rd_u16(r);
    pdu->u.bind.assoc_group_id = rd_u32(r);
    uint8_t n = rd_u8(r);
    rd_skip(r, 3);
    if (r->bad || n > ARPC_PDU_MAX_CONTEXTS)
        return 0;
    pdu->u.bind.n_contexts = n;
    for (unsigned i = 0; i < n; i++) {
        arpc_pres_context *c = &pdu->u.bind.contexts[i];
        c->context_id = rd_u16(r);
        c->n_transfer = rd_u8(r);
        rd_skip(r, 1);
        rd_syntax(r, &c->abstract);
        if (r->bad || c->n_transfer == 0 || c->n_transfer > ARPC_PDU_MAX_SYNTAXES)
            return 0;
        for (unsigned j = 0; j < c->n_transfer; j++)
            rd_syntax(r, &c->transfer[j]);
    }
    return !r->bad;
}

static int parse_bind_ack(pdu_reader *r, arpc_pdu *pdu)
{
    pdu->u.bind_ack.max_xmit_frag = rd_u16(r);
    pdu->u.bind_ack.max_recv_frag = rd_u16(r);
    pdu->u.bind_ack.assoc_group_id = rd_u32(r);
    uint16_t alen = rd_u16(r);
    if (!rd_need(r, alen))
        return 0;
    const char *s = (const char *)r->p + r->pos;
    size_t k = 0;
    while (k < alen && k < sizeof pdu->u.bind_ack.sec_addr - 1 && s[k]) {
        pdu->u.bind_ack.sec_addr[k] = s[k];
        k++;
    }
    pdu->u.bind_ack.sec_addr[k] = 0;
    r->pos += alen;
    rd_skip(r, (4 - (r->pos & 3)) & 3); /* align to 4 from the PDU start */
    uint8_t n = rd_u8(r);
    rd_skip(r, 3);
    if (r->bad || n > ARPC_PDU_MAX_CONTEXTS)
        return 0;
    pdu->u.bind_ack.n_results = n;
    for (unsigned i = 0; i < n; i++) {
        arpc_pres_result *res = &pdu->u.bind_ack.results[i];
        res->result = rd_u16(r);
        res->reason = rd_u16(r);
        rd_syntax(r, &res->transfer);
    }
    return !r->bad;
}

RPC_STATUS arpc_pdu_parse(const void *buf, size_t len, arpc_pdu *pdu)
{
    if (!pdu)
        return PDU_ERR;
    memset(pdu, 0, sizeof *pdu);
    RPC_STATUS st = arpc_pdu_parse_header(buf, len, &pdu->h);
    if (st != RPC_S_OK)
        return st;
    const uint8_t *p = buf;
    size_t end = pdu->h.frag_len;
    if (end > len)
        return PDU_ERR;
    if (pdu->h.auth_len) {
        size_t vlen = SEC_TRAILER_LEN + (size_t)pdu->h.auth_len;
        if (vlen > end - ARPC_PDU_HEADER_LEN)
            return PDU_ERR;
        end -= vlen;
        pdu->auth = p + end;
        pdu->auth_len = vlen;
    }
    pdu_reader r = { p, end, ARPC_PDU_HEADER_LEN, (p[4] & 0xf0) == 0, 0 };
    int ok = 1;
    switch (pdu->h.ptype) {
    case ARPC_PT_REQUEST:
        pdu->u.request.alloc_hint = rd_u32(&r);
        pdu->u.request.context_id = rd_u16(&r);
        pdu->u.request.opnum = rd_u16(&r);
        if (pdu->h.flags & ARPC_PFC_OBJECT_UUID) {
            pdu->u.request.has_object = 1;
            rd_guid(&r, &pdu->u.request.object);
        }
        ok = take_stub(&r, pdu);
        break;
    case ARPC_PT_RESPONSE:
    case ARPC_PT_FAULT:
        pdu->u.response.alloc_hint = rd_u32(&r);
        pdu->u.response.context_id = rd_u16(&r);
        pdu->u.response.cancel_count = rd_u8(&r);
        rd_skip(&r, 1);
        if (pdu->h.ptype == ARPC_PT_FAULT) {
            pdu->u.response.status = rd_u32(&r);
            rd_skip(&r, 4);
        }
        ok = take_stub(&r, pdu);
        break;
    case ARPC_PT_BIND:
    case ARPC_PT_ALTER_CONTEXT:
        ok = parse_bind(&r, pdu);
        break;
    case ARPC_PT_BIND_ACK:
    case ARPC_PT_ALTER_CONTEXT_RESP:
        ok = parse_bind_ack(&r, pdu);
        break;
    case ARPC_PT_BIND_NAK:
        pdu->u.bind_nak.reason = rd_u16(&r);
        if (!r.bad && r.pos < r.len) /* versions supported: n, then {major, minor} pairs */
            rd_skip(&r, 2 * (size_t)rd_u8(&r));
        ok = !r.bad;
        break;
    default: /* auth3, shutdown, co_cancel, orphaned: nothing but the verifier */
        break;
    }
    return ok ? RPC_S_OK : PDU_ERR;
}

/* ---------------------------------------------------------------- writing */

static void put16(uint8_t *o, uint16_t v)
{
    o[0] = (uint8_t)v;
    o[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *o, uint32_t v)
{
    put16(o, (uint16_t)v);
    put16(o + 2, (uint16_t)(v >> 16));
}

static void put_guid(uint8_t *o, const GUID *g)
{
    put32(o, g->Data1);
    put16(o + 4, g->Data2);
    put16(o + 6, g->Data3);
    memcpy(o + 8, g->Data4, 8);
}

static void put_syntax(uint8_t *o, const arpc_syntax_id *s)
{
    put_guid(o, &s->uuid);
    put16(o + 16, s->vers_major);
    put16(o + 18, s->vers_minor);
}

static void put_header(uint8_t *o, uint8_t ptype, uint8_t flags, size_t frag_len, uint32_t call_id)
{
    o[0] = 5;
    o[1] = 0;
    o[2] = ptype;
    o[3] = flags;
    o[4] = 0x10; /* little-endian, ASCII */
    o[5] = 0;    /* IEEE floats */
    o[6] = o[7] = 0;
    put16(o + 8, (uint16_t)frag_len);
    put16(o + 10, 0);
    put32(o + 12, call_id);
}

size_t arpc_pdu_write_request_header(uint8_t out[ARPC_PDU_REQUEST_HEADER_LEN + 16], uint8_t flags, uint32_t call_id,
                                     size_t stub_len, uint32_t alloc_hint, uint16_t context_id, uint16_t opnum,
                                     const GUID *object)
{
    size_t hl = ARPC_PDU_REQUEST_HEADER_LEN + (object ? 16 : 0);
    if (stub_len > 0xffffu - hl)
        return 0;
    flags = object ? (uint8_t)(flags | ARPC_PFC_OBJECT_UUID) : (uint8_t)(flags & ~ARPC_PFC_OBJECT_UUID);
    put_header(out, ARPC_PT_REQUEST, flags, hl + stub_len, call_id);
    put32(out + 16, alloc_hint);
    put16(out + 20, context_id);
    put16(out + 22, opnum);
    if (object)
        put_guid(out + 24, object);
    return hl;
}

static void put_response_body(uint8_t *o, uint32_t alloc_hint, uint16_t context_id, uint8_t cancel_count)
{
    put32(o + 16, alloc_hint);
    put16(o + 20, context_id);
    o[22] = cancel_count;
    o[23] = 0;
}

size_t arpc_pdu_write_response_header(uint8_t out[ARPC_PDU_RESPONSE_HEADER_LEN], uint8_t flags, uint32_t call_id,
                                      size_t stub_len, uint32_t alloc_hint, uint16_t context_id,
                                      uint8_t cancel_count)
{
    if (stub_len > 0xffffu - ARPC_PDU_RESPONSE_HEADER_LEN)
        return 0;
    put_header(out, ARPC_PT_RESPONSE, flags, ARPC_PDU_RESPONSE_HEADER_LEN + stub_len, call_id);
    put_response_body(out, alloc_hint, context_id, cancel_count);
    return ARPC_PDU_RESPONSE_HEADER_LEN;
}

size_t arpc_pdu_write_fault(uint8_t out[ARPC_PDU_FAULT_HEADER_LEN], uint8_t flags, uint32_t call_id,
                            uint16_t context_id, uint8_t cancel_count, uint32_t status)
{
    put_header(out, ARPC_PT_FAULT, flags, ARPC_PDU_FAULT_HEADER_LEN, call_id);
    put_response_body(out, 0, context_id, cancel_count);
    put32(out + 24, status);
    put32(out + 28, 0);
    return ARPC_PDU_FAULT_HEADER_LEN;
}

size_t arpc_pdu_write_bind(uint8_t *out, size_t cap, uint8_t ptype, uint8_t flags, uint32_t call_id,
                           uint16_t max_xmit, uint16_t max_recv, uint32_t assoc_group, const arpc_pres_context *ctx,
                           unsigned n_ctx)
{
    if ((ptype != ARPC_PT_BIND && ptype != ARPC_PT_ALTER_CONTEXT) || n_ctx > ARPC_PDU_MAX_CONTEXTS ||
        (n_ctx && !ctx))
        return 0;
    size_t len = ARPC_PDU_HEADER_LEN + 12;
    for (unsigned i = 0; i < n_ctx; i++) {
        if (ctx[i].n_transfer == 0 || ctx[i].n_transfer > ARPC_PDU_MAX_SYNTAXES)
            return 0;
        len += 4 + SYNTAX_LEN * (1 + (size_t)ctx[i].n_transfer);
    }
    if (!out || len > cap || len > 0xffffu)
        return 0;
    put_header(out, ptype, flags, len, call_id);
    put16(out + 16, max_xmit);
    put16(out + 18, max_recv);
    put32(out + 20, assoc_group);
    out[24] = (uint8_t)n_ctx;
    out[25] = out[26] = out[27] = 0;
    uint8_t *o = out + 28;
    for (unsigned i = 0; i < n_ctx; i++) {
        put16(o, ctx[i].context_id);
        o[2] = ctx[i].n_transfer;
        o[3] = 0;
        put_syntax(o + 4, &ctx[i].abstract);
        o += 4 + SYNTAX_LEN;
        for (unsigned j = 0; j < ctx[i].n_transfer; j++, o += SYNTAX_LEN)
            put_syntax(o, &ctx[i].transfer[j]);
    }
    return len;
}

size_t arpc_pdu_write_bind_ack(uint8_t *out, size_t cap, uint8_t ptype, uint8_t flags, uint32_t call_id,
                               uint16_t max_xmit, uint16_t max_recv, uint32_t assoc_group, const char *sec_addr,
                               const arpc_pres_result *res, unsigned n_res)
{
    if ((ptype != ARPC_PT_BIND_ACK && ptype != ARPC_PT_ALTER_CONTEXT_RESP) || n_res > ARPC_PDU_MAX_CONTEXTS ||
        (n_res && !res))
        return 0;
    size_t alen = 0; /* with its NUL; an absent or empty address is sent as length 0 */
    while (sec_addr && sec_addr[alen] && alen < 0xffffu)
        alen++;
    if (alen)
        alen++;
    size_t pos = ARPC_PDU_HEADER_LEN + 10 + alen;
    size_t pad = (4 - (pos & 3)) & 3;
    size_t len = pos + pad + 4 + (SYNTAX_LEN + 4) * (size_t)n_res;
    if (!out || len > cap || len > 0xffffu)
        return 0;
    put_header(out, ptype, flags, len, call_id);
    put16(out + 16, max_xmit);
    put16(out + 18, max_recv);
    put32(out + 20, assoc_group);
    put16(out + 24, (uint16_t)alen);
    if (alen)
        memcpy(out + 26, sec_addr, alen);
    memset(out + pos, 0, pad + 4);
    out[pos + pad] = (uint8_t)n_res;
    uint8_t *o = out + pos + pad + 4;
    for (unsigned i = 0; i < n_res; i++, o += SYNTAX_LEN + 4) {
        put16(o, res[i].result);
        put16(o + 2, res[i].reason);
        put_syntax(o + 4, &res[i].transfer);
    }
    return len;
}

size_t arpc_pdu_write_bind_nak(uint8_t out[32], uint32_t call_id, uint16_t reason)
{
    const size_t len = ARPC_PDU_HEADER_LEN + 5;
    put_header(out, ARPC_PT_BIND_NAK, ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG, len, call_id);
    put16(out + 16, reason);
    out[18] = 1; /* one protocol version supported: 5.0 */
    out[19] = 5;
    out[20] = 0;
    return len;
}

size_t arpc_pdu_write_simple(uint8_t out[ARPC_PDU_HEADER_LEN], uint8_t ptype, uint8_t flags, uint32_t call_id)
{
    if (ptype != ARPC_PT_CO_CANCEL && ptype != ARPC_PT_ORPHANED && ptype != ARPC_PT_SHUTDOWN)
        return 0;
    put_header(out, ptype, flags, ARPC_PDU_HEADER_LEN, call_id);
    return ARPC_PDU_HEADER_LEN;
}

/* ---------------------------------------------------------------- statuses */

static const struct { uint32_t nca; RPC_STATUS st; } nca_map[] = {
    { NCA_COMM_FAILURE, RPC_S_COMM_FAILURE }, { NCA_OP_RNG_ERROR, RPC_S_PROCNUM_OUT_OF_RANGE },
    { NCA_UNK_IF, RPC_S_UNKNOWN_IF }, { NCA_YOU_CRASHED, RPC_S_CALL_FAILED },
    { NCA_PROTO_ERROR, RPC_S_PROTOCOL_ERROR }, { NCA_OUT_ARGS_TOO_BIG, RPC_S_SERVER_OUT_OF_MEMORY },
    { NCA_SERVER_TOO_BUSY, RPC_S_SERVER_TOO_BUSY }, { NCA_STRING_TOO_LONG, RPC_S_STRING_TOO_LONG },
    { NCA_UNSUPPORTED_TYPE, RPC_S_UNSUPPORTED_TYPE }, { NCA_INT_DIV_BY_ZERO, RPC_S_ZERO_DIVIDE },
    { NCA_ADDR_ERROR, RPC_S_ADDRESS_ERROR }, { NCA_FP_DIV_ZERO, RPC_S_FP_DIV_ZERO },
    { NCA_FP_UNDERFLOW, RPC_S_FP_UNDERFLOW }, { NCA_FP_OVERFLOW, RPC_S_FP_OVERFLOW },
    { NCA_INVALID_TAG, RPC_S_INVALID_TAG }, { NCA_INVALID_BOUND, RPC_S_INVALID_BOUND },
    { NCA_VERSION_MISMATCH, RPC_S_PROTOCOL_ERROR }, { NCA_UNSPEC_REJECT, RPC_S_CALL_FAILED_DNE },
    { NCA_BAD_ACTID, RPC_S_CALL_FAILED_DNE }, { NCA_WHO_ARE_YOU_FAILED, RPC_S_CALL_FAILED },
    { NCA_MANAGER_NOT_ENTERED, RPC_S_CALL_FAILED_DNE }, { NCA_CANCEL, RPC_S_CALL_CANCELLED },
    { NCA_ILL_INST, RPC_S_CALL_FAILED }, { NCA_FP_ERROR, RPC_S_FP_OVERFLOW },
    { NCA_INT_OVERFLOW, RPC_S_CALL_FAILED }, { NCA_UNSPEC, RPC_S_CALL_FAILED },
    { NCA_REMOTE_COMM_FAILURE, RPC_S_COMM_FAILURE }, { NCA_PIPE_EMPTY, RPC_X_PIPE_EMPTY },
    { NCA_PIPE_CLOSED, RPC_X_PIPE_CLOSED }, { NCA_PIPE_ORDER, RPC_X_WRONG_PIPE_ORDER },
    { NCA_PIPE_DISCIPLINE, RPC_X_PIPE_DISCIPLINE_ERROR }, { NCA_PIPE_COMM_ERROR, RPC_S_COMM_FAILURE },
    { NCA_PIPE_MEMORY, RPC_S_OUT_OF_MEMORY }, { NCA_CONTEXT_MISMATCH, RPC_X_SS_CONTEXT_MISMATCH },
    { NCA_REMOTE_NO_MEMORY, RPC_S_SERVER_OUT_OF_MEMORY }, { NCA_INVALID_PRES_CONTEXT_ID, RPC_S_UNKNOWN_IF },
    { NCA_UNSUPPORTED_AUTHN_LEVEL, RPC_S_UNSUPPORTED_AUTHN_LEVEL }, { NCA_INVALID_CHECKSUM, RPC_S_CALL_FAILED_DNE },
    { NCA_INVALID_CRC, RPC_S_CALL_FAILED_DNE }, { NCA_USER_DEFINED, RPC_S_CALL_FAILED },
    { NCA_TX_OPEN_FAILED, RPC_S_CALL_FAILED }, { NCA_CODESET_CONV_ERROR, RPC_S_CALL_FAILED },
    { NCA_OBJECT_NOT_FOUND, RPC_S_OBJECT_NOT_FOUND }, { NCA_NO_CLIENT_STUB, RPC_S_CALL_FAILED },
};

/* Windows codes sent as their NCA equivalent; everything else goes as is. */
static const struct { RPC_STATUS st; uint32_t nca; } status_map[] = {
    { RPC_S_PROCNUM_OUT_OF_RANGE, NCA_OP_RNG_ERROR }, { RPC_S_UNKNOWN_IF, NCA_UNK_IF },
    { RPC_S_PROTOCOL_ERROR, NCA_PROTO_ERROR }, { RPC_S_CALL_CANCELLED, NCA_CANCEL },
    { RPC_S_ZERO_DIVIDE, NCA_INT_DIV_BY_ZERO }, { RPC_S_ADDRESS_ERROR, NCA_ADDR_ERROR },
    { RPC_S_SERVER_TOO_BUSY, NCA_SERVER_TOO_BUSY }, { RPC_S_UNSUPPORTED_TYPE, NCA_UNSUPPORTED_TYPE },
    { RPC_S_FP_DIV_ZERO, NCA_FP_DIV_ZERO }, { RPC_S_FP_UNDERFLOW, NCA_FP_UNDERFLOW },
    { RPC_S_FP_OVERFLOW, NCA_FP_OVERFLOW }, { RPC_S_INVALID_TAG, NCA_INVALID_TAG },
    { RPC_S_INVALID_BOUND, NCA_INVALID_BOUND },
};

RPC_STATUS arpc_fault_to_status(uint32_t fault)
{
    for (size_t i = 0; i < sizeof nca_map / sizeof nca_map[0]; i++)
        if (nca_map[i].nca == fault)
            return nca_map[i].st;
    /* An NCA code we do not know (facility 0x1c00/0x1c01) is still a failure. */
    if ((fault & 0xfffe0000u) == 0x1c000000u)
        return RPC_S_CALL_FAILED;
    return (RPC_STATUS)fault;
}

uint32_t arpc_status_to_fault(RPC_STATUS st)
{
    for (size_t i = 0; i < sizeof status_map / sizeof status_map[0]; i++)
        if (status_map[i].st == st)
            return status_map[i].nca;
    return (uint32_t)st;
}

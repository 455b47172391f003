/* DCE/RPC connection-oriented PDUs (shim/pdu.c): exact encodings, round
 * trips, big-endian input, every rejection, fault status mapping.  The codec
 * is internal (hidden in the library), so it is compiled in here. */
#include "../shim/pdu.c"

#include <windows.h>
#include <rpc.h>
#include "../shim/pdu.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* 12345778-1234-abcd-ef00-0123456789ab v1.0 (samr), as the wire has it. */
static const GUID samr_uuid = { 0x12345778u, 0x1234, 0xabcd, { 0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab } };
static const arpc_syntax_id ndr64_syntax = {
    { 0x71710533u, 0xbeba, 0x4937, { 0x83, 0x19, 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36 } }, 1, 0 };
static const arpc_syntax_id btfn_syntax = {
    { 0x6cb71c2cu, 0x9812, 0x4540, { 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 } }, 1, 0 };
static const GUID object_uuid = { 0x01020304u, 0x0506, 0x0708, { 9, 10, 11, 12, 13, 14, 15, 16 } };

#define SAMR_LE 0x78, 0x57, 0x34, 0x12, 0x34, 0x12, 0xcd, 0xab, 0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab
#define SAMR_BE 0x12, 0x34, 0x57, 0x78, 0x12, 0x34, 0xab, 0xcd, 0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab
#define NDR20_LE 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, \
                 0x02, 0x00, 0x00, 0x00
#define NDR20_BE 0x8a, 0x88, 0x5d, 0x04, 0x1c, 0xeb, 0x11, 0xc9, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, \
                 0x00, 0x00, 0x00, 0x02
#define NDR64_LE 0x33, 0x05, 0x71, 0x71, 0xba, 0xbe, 0x37, 0x49, 0x83, 0x19, 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36, \
                 0x01, 0x00, 0x00, 0x00
#define BTFN_LE 0x2c, 0x1c, 0xb7, 0x6c, 0x12, 0x98, 0x40, 0x45, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x00
#define ZERO20 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0

/* The bind of test_bind_bytes: two contexts, the second with two transfer syntaxes. */
static const uint8_t bind_bytes[] = {
    0x05, 0x00, 0x0b, 0x03, 0x10, 0x00, 0x00, 0x00, 0x88, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xb8, 0x10, 0xb8, 0x10, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x00, SAMR_LE, 0x01, 0x00, 0x00, 0x00, NDR20_LE,
    0x01, 0x00, 0x02, 0x00, SAMR_LE, 0x01, 0x00, 0x00, 0x00, NDR64_LE, BTFN_LE,
};

/* The bind_ack of test_bind_ack_bytes: sec_addr "135" (4 bytes), 2 bytes of padding, two results. */
static const uint8_t bind_ack_bytes[] = {
    0x05, 0x00, 0x0c, 0x03, 0x10, 0x00, 0x00, 0x00, 0x54, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xb8, 0x10, 0xb8, 0x10, 0x34, 0x12, 0x00, 0x00, 0x04, 0x00, '1', '3', '5', 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, NDR20_LE,
    0x03, 0x00, 0x03, 0x00, ZERO20,
};

static void make_contexts(arpc_pres_context ctx[2])
{
    memset(ctx, 0, 2 * sizeof *ctx);
    ctx[0].context_id = 0;
    ctx[0].n_transfer = 1;
    ctx[0].abstract.uuid = samr_uuid;
    ctx[0].abstract.vers_major = 1;
    ctx[0].transfer[0] = arpc_ndr20_syntax;
    ctx[1] = ctx[0];
    ctx[1].context_id = 1;
    ctx[1].n_transfer = 2;
    ctx[1].transfer[0] = ndr64_syntax;
    ctx[1].transfer[1] = btfn_syntax;
}

static void make_results(arpc_pres_result res[2])
{
    memset(res, 0, 2 * sizeof *res);
    res[0].result = ARPC_RESULT_ACCEPTANCE;
    res[0].transfer = arpc_ndr20_syntax;
    res[1].result = ARPC_RESULT_NEGOTIATE_ACK;
    res[1].reason = 3;
}

static void assert_syntax_equal(const arpc_syntax_id *a, const arpc_syntax_id *b)
{
    assert_memory_equal(&a->uuid, &b->uuid, sizeof(GUID));
    assert_int_equal(a->vers_major, b->vers_major);
    assert_int_equal(a->vers_minor, b->vers_minor);
}

static RPC_STATUS parse(const uint8_t *b, size_t n, arpc_pdu *pdu)
{
    return arpc_pdu_parse(b, n, pdu);
}

/* ---------------------------------------------------------------- encoders */

static void test_request_bytes(void **state)
{
    (void)state;
    static const uint8_t want[] = { 0x05, 0x00, 0x00, 0x03, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,
                                    0x07, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00 };
    uint8_t out[40];
    memset(out, 0xcc, sizeof out);
    /* An OBJECT_UUID flag without an object is cleared. */
    assert_int_equal(arpc_pdu_write_request_header(out, 0x83, 7, 8, 8, 1, 2, NULL), 24);
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(out[24], 0xcc);
}

static void test_request_object_bytes(void **state)
{
    (void)state;
    static const uint8_t want[] = { 0x05, 0x00, 0x00, 0x83, 0x10, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00,
                                    0x2a, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x10, 0x01,
                                    0x04, 0x03, 0x02, 0x01, 0x06, 0x05, 0x08, 0x07, 9, 10, 11, 12, 13, 14, 15, 16 };
    uint8_t out[40];
    assert_int_equal(arpc_pdu_write_request_header(out, 0x03, 42, 4, 4, 3, 0x110, &object_uuid), 40);
    assert_memory_equal(out, want, sizeof want);
    /* frag_len would not fit 16 bits */
    assert_int_equal(arpc_pdu_write_request_header(out, 3, 1, 0xffff - 24 + 1, 0, 0, 0, NULL), 0);
    assert_int_equal(arpc_pdu_write_request_header(out, 3, 1, 0xffff - 40, 0, 0, 0, &object_uuid), 40);
    assert_int_equal(arpc_pdu_write_request_header(out, 3, 1, 0xffff - 39, 0, 0, 0, &object_uuid), 0);
}

static void test_response_bytes(void **state)
{
    (void)state;
    static const uint8_t want[] = { 0x05, 0x00, 0x02, 0x03, 0x10, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00,
                                    0x09, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x05, 0x00, 0x01, 0x00 };
    uint8_t out[24];
    assert_int_equal(arpc_pdu_write_response_header(out, 0x03, 9, 16, 16, 5, 1), 24);
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(arpc_pdu_write_response_header(out, 3, 9, 0x10000, 0, 0, 0), 0);
}

static void test_fault_bytes(void **state)
{
    (void)state;
    static const uint8_t want[] = { 0x05, 0x00, 0x03, 0x23, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,
                                    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                    0x02, 0x00, 0x01, 0x1c, 0x00, 0x00, 0x00, 0x00 };
    uint8_t out[32];
    assert_int_equal(arpc_pdu_write_fault(out, 0x23, 5, 1, 0, ARPC_NCA_S_OP_RNG_ERROR), 32);
    assert_memory_equal(out, want, sizeof want);
}

static void test_bind_bytes(void **state)
{
    (void)state;
    arpc_pres_context ctx[2];
    make_contexts(ctx);
    uint8_t out[256];
    assert_int_equal(arpc_pdu_write_bind(out, sizeof out, ARPC_PT_BIND, 3, 1, 4280, 4280, 0, ctx, 2),
                     sizeof bind_bytes);
    assert_memory_equal(out, bind_bytes, sizeof bind_bytes);
    /* alter_context: the same body */
    assert_int_equal(arpc_pdu_write_bind(out, sizeof out, ARPC_PT_ALTER_CONTEXT, 3, 1, 4280, 4280, 0, ctx, 2),
                     sizeof bind_bytes);
    assert_int_equal(out[2], ARPC_PT_ALTER_CONTEXT);
    assert_memory_equal(out + 3, bind_bytes + 3, sizeof bind_bytes - 3);
    /* too small a buffer, bad arguments */
    assert_int_equal(arpc_pdu_write_bind(out, sizeof bind_bytes - 1, ARPC_PT_BIND, 3, 1, 1, 1, 0, ctx, 2), 0);
    assert_int_equal(arpc_pdu_write_bind(out, sizeof out, ARPC_PT_REQUEST, 3, 1, 1, 1, 0, ctx, 2), 0);
    assert_int_equal(arpc_pdu_write_bind(out, sizeof out, ARPC_PT_BIND, 3, 1, 1, 1, 0, ctx, 17), 0);
    ctx[1].n_transfer = 0;
    assert_int_equal(arpc_pdu_write_bind(out, sizeof out, ARPC_PT_BIND, 3, 1, 1, 1, 0, ctx, 2), 0);
    ctx[1].n_transfer = ARPC_PDU_MAX_SYNTAXES + 1;
    assert_int_equal(arpc_pdu_write_bind(out, sizeof out, ARPC_PT_BIND, 3, 1, 1, 1, 0, ctx, 2), 0);
    /* no contexts at all */
    assert_int_equal(arpc_pdu_write_bind(out, sizeof out, ARPC_PT_BIND, 3, 1, 1, 1, 0, NULL, 0), 28);
}

static void test_bind_ack_bytes(void **state)
{
    (void)state;
    arpc_pres_result res[2];
    make_results(res);
    uint8_t out[256];
    assert_int_equal(arpc_pdu_write_bind_ack(out, sizeof out, ARPC_PT_BIND_ACK, 3, 1, 4280, 4280, 0x1234, "135",
                                             res, 2),
                     sizeof bind_ack_bytes);
    assert_memory_equal(out, bind_ack_bytes, sizeof bind_ack_bytes);
    assert_int_equal(arpc_pdu_write_bind_ack(out, sizeof bind_ack_bytes - 1, ARPC_PT_BIND_ACK, 3, 1, 1, 1, 0,
                                             "135", res, 2),
                     0);
    assert_int_equal(arpc_pdu_write_bind_ack(out, sizeof out, ARPC_PT_BIND, 3, 1, 1, 1, 0, "135", res, 2), 0);

    /* alter_context_resp without an address: length 0, then 2 bytes of padding */
    static const uint8_t want[] = { 0x05, 0x00, 0x0f, 0x03, 0x10, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00,
                                    0x02, 0x00, 0x00, 0x00, 0xb8, 0x10, 0xb8, 0x10, 0x34, 0x12, 0x00, 0x00,
                                    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, NDR20_LE };
    memset(out, 0xcc, sizeof out);
    assert_int_equal(arpc_pdu_write_bind_ack(out, sizeof out, ARPC_PT_ALTER_CONTEXT_RESP, 3, 2, 4280, 4280, 0x1234,
                                             NULL, res, 1),
                     sizeof want);
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(arpc_pdu_write_bind_ack(out, sizeof out, ARPC_PT_ALTER_CONTEXT_RESP, 3, 2, 4280, 4280, 0x1234,
                                             "", res, 1),
                     sizeof want);
    assert_memory_equal(out, want, sizeof want);
}

static void test_bind_nak_bytes(void **state)
{
    (void)state;
    static const uint8_t want[] = { 0x05, 0x00, 0x0d, 0x03, 0x10, 0x00, 0x00, 0x00, 0x15, 0x00, 0x00, 0x00,
                                    0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0x05, 0x00 };
    uint8_t out[32];
    assert_int_equal(arpc_pdu_write_bind_nak(out, 3, ARPC_NAK_PROTOCOL_VERSION_NOT_SUPPORTED), sizeof want);
    assert_memory_equal(out, want, sizeof want);
    arpc_pdu pdu;
    assert_int_equal(parse(out, sizeof want, &pdu), RPC_S_OK);
    assert_int_equal(pdu.h.ptype, ARPC_PT_BIND_NAK);
    assert_int_equal(pdu.h.call_id, 3);
    assert_int_equal(pdu.u.bind_nak.reason, ARPC_NAK_PROTOCOL_VERSION_NOT_SUPPORTED);
}

static void test_simple_bytes(void **state)
{
    (void)state;
    static const uint8_t types[] = { ARPC_PT_CO_CANCEL, ARPC_PT_ORPHANED, ARPC_PT_SHUTDOWN };
    for (size_t i = 0; i < sizeof types; i++) {
        uint8_t want[] = { 0x05, 0x00, types[i], 0x03, 0x10, 0x00, 0x00, 0x00,
                           0x10, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00 };
        uint8_t out[16];
        assert_int_equal(arpc_pdu_write_simple(out, types[i], 3, 8), 16);
        assert_memory_equal(out, want, sizeof want);
        arpc_pdu pdu;
        assert_int_equal(parse(out, sizeof out, &pdu), RPC_S_OK);
        assert_int_equal(pdu.h.ptype, types[i]);
        assert_int_equal(pdu.h.flags, 3);
        assert_int_equal(pdu.h.call_id, 8);
        assert_null(pdu.auth);
    }
    uint8_t out[16];
    assert_int_equal(arpc_pdu_write_simple(out, ARPC_PT_REQUEST, 3, 8), 0);
}

/* ---------------------------------------------------------------- round trips */

static void test_request_round_trip(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = arpc_pdu_write_request_header(buf, 3, 42, 4, 4, 3, 0x110, &object_uuid);
    memcpy(buf + n, "\x01\x02\x03\x04", 4);
    arpc_pdu pdu;
    assert_int_equal(parse(buf, n + 4, &pdu), RPC_S_OK);
    assert_int_equal(pdu.h.vers, 5);
    assert_int_equal(pdu.h.vers_minor, 0);
    assert_int_equal(pdu.h.ptype, ARPC_PT_REQUEST);
    assert_int_equal(pdu.h.flags, 0x83);
    assert_int_equal(pdu.h.frag_len, 44);
    assert_int_equal(pdu.h.auth_len, 0);
    assert_int_equal(pdu.h.call_id, 42);
    assert_int_equal(pdu.u.request.alloc_hint, 4);
    assert_int_equal(pdu.u.request.context_id, 3);
    assert_int_equal(pdu.u.request.opnum, 0x110);
    assert_true(pdu.u.request.has_object);
    assert_memory_equal(&pdu.u.request.object, &object_uuid, sizeof(GUID));
    assert_ptr_equal(pdu.stub, buf + 40);
    assert_int_equal(pdu.stub_len, 4);
    assert_null(pdu.auth);
    assert_int_equal(pdu.auth_len, 0);

    n = arpc_pdu_write_request_header(buf, 3, 43, 0, 0, 1, 2, NULL);
    assert_int_equal(parse(buf, n, &pdu), RPC_S_OK);
    assert_false(pdu.u.request.has_object);
    assert_int_equal(pdu.stub_len, 0);
    /* Bytes past frag_len (the next fragment) are not looked at. */
    memset(buf + n, 0xff, 16);
    assert_int_equal(parse(buf, n + 16, &pdu), RPC_S_OK);
    assert_int_equal(pdu.stub_len, 0);
}

static void test_response_fault_round_trip(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = arpc_pdu_write_response_header(buf, 3, 9, 8, 8, 5, 2);
    memset(buf + n, 0xab, 8);
    arpc_pdu pdu;
    assert_int_equal(parse(buf, n + 8, &pdu), RPC_S_OK);
    assert_int_equal(pdu.h.ptype, ARPC_PT_RESPONSE);
    assert_int_equal(pdu.u.response.alloc_hint, 8);
    assert_int_equal(pdu.u.response.context_id, 5);
    assert_int_equal(pdu.u.response.cancel_count, 2);
    assert_ptr_equal(pdu.stub, buf + 24);
    assert_int_equal(pdu.stub_len, 8);

    n = arpc_pdu_write_fault(buf, 0x23, 5, 1, 1, 0x6f7);
    assert_int_equal(parse(buf, n, &pdu), RPC_S_OK);
    assert_int_equal(pdu.h.ptype, ARPC_PT_FAULT);
    assert_int_equal(pdu.h.flags, 0x23);
    assert_int_equal(pdu.u.response.context_id, 1);
    assert_int_equal(pdu.u.response.cancel_count, 1);
    assert_int_equal(pdu.u.response.status, 0x6f7);
    assert_int_equal(pdu.stub_len, 0);
}

static void test_bind_round_trip(void **state)
{
    (void)state;
    arpc_pres_context ctx[2];
    make_contexts(ctx);
    arpc_pdu pdu;
    assert_int_equal(parse(bind_bytes, sizeof bind_bytes, &pdu), RPC_S_OK);
    assert_int_equal(pdu.h.ptype, ARPC_PT_BIND);
    assert_int_equal(pdu.h.call_id, 1);
    assert_int_equal(pdu.u.bind.max_xmit_frag, 4280);
    assert_int_equal(pdu.u.bind.max_recv_frag, 4280);
    assert_int_equal(pdu.u.bind.assoc_group_id, 0);
    assert_int_equal(pdu.u.bind.n_contexts, 2);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(pdu.u.bind.contexts[i].context_id, ctx[i].context_id);
        assert_int_equal(pdu.u.bind.contexts[i].n_transfer, ctx[i].n_transfer);
        assert_syntax_equal(&pdu.u.bind.contexts[i].abstract, &ctx[i].abstract);
        for (unsigned j = 0; j < ctx[i].n_transfer; j++)
            assert_syntax_equal(&pdu.u.bind.contexts[i].transfer[j], &ctx[i].transfer[j]);
    }
    /* re-encoding the parsed contexts gives the same bytes */
    uint8_t out[256];
    assert_int_equal(arpc_pdu_write_bind(out, sizeof out, pdu.h.ptype, pdu.h.flags, pdu.h.call_id,
                                         pdu.u.bind.max_xmit_frag, pdu.u.bind.max_recv_frag,
                                         pdu.u.bind.assoc_group_id, pdu.u.bind.contexts, pdu.u.bind.n_contexts),
                     sizeof bind_bytes);
    assert_memory_equal(out, bind_bytes, sizeof bind_bytes);
}

static void test_bind_ack_round_trip(void **state)
{
    (void)state;
    arpc_pres_result res[2];
    make_results(res);
    arpc_pdu pdu;
    assert_int_equal(parse(bind_ack_bytes, sizeof bind_ack_bytes, &pdu), RPC_S_OK);
    assert_int_equal(pdu.h.ptype, ARPC_PT_BIND_ACK);
    assert_int_equal(pdu.u.bind_ack.max_xmit_frag, 4280);
    assert_int_equal(pdu.u.bind_ack.assoc_group_id, 0x1234);
    assert_string_equal(pdu.u.bind_ack.sec_addr, "135");
    assert_int_equal(pdu.u.bind_ack.n_results, 2);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(pdu.u.bind_ack.results[i].result, res[i].result);
        assert_int_equal(pdu.u.bind_ack.results[i].reason, res[i].reason);
        assert_syntax_equal(&pdu.u.bind_ack.results[i].transfer, &res[i].transfer);
    }
    /* every padding length, and an address longer than sec_addr holds (truncated) */
    static const char *addrs[] = { "", "1", "12", "123", "1234", "\\PIPE\\lsass",
        "0123456789012345678901234567890123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789012345678901234567890123456789" };
    for (size_t k = 0; k < sizeof addrs / sizeof addrs[0]; k++) {
        uint8_t out[512];
        size_t n = arpc_pdu_write_bind_ack(out, sizeof out, ARPC_PT_BIND_ACK, 3, 7, 1, 2, 3, addrs[k], res, 2);
        assert_true(n > 0);
        assert_int_equal(n % 4, 0);
        assert_int_equal(parse(out, n, &pdu), RPC_S_OK);
        assert_int_equal(strncmp(pdu.u.bind_ack.sec_addr, addrs[k], sizeof pdu.u.bind_ack.sec_addr - 1), 0);
        assert_int_equal(strlen(pdu.u.bind_ack.sec_addr), strlen(addrs[k]) < 127 ? strlen(addrs[k]) : 127);
        assert_int_equal(pdu.u.bind_ack.n_results, 2);
        assert_int_equal(pdu.u.bind_ack.results[1].reason, 3);
    }
}

/* ---------------------------------------------------------------- big-endian input */

static void test_big_endian_request(void **state)
{
    (void)state;
    static const uint8_t be[] = { 0x05, 0x01, 0x00, 0x83, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
                                  0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x03, 0x01, 0x10,
                                  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 9, 10, 11, 12, 13, 14, 15, 16,
                                  0xde, 0xad, 0xbe, 0xef };
    arpc_pdu pdu;
    assert_int_equal(parse(be, sizeof be, &pdu), RPC_S_OK);
    assert_int_equal(pdu.h.vers_minor, 1);
    assert_int_equal(pdu.h.frag_len, 44);
    assert_int_equal(pdu.h.call_id, 0x102);
    assert_int_equal(pdu.u.request.alloc_hint, 4);
    assert_int_equal(pdu.u.request.context_id, 3);
    assert_int_equal(pdu.u.request.opnum, 0x110);
    assert_true(pdu.u.request.has_object);
    assert_memory_equal(&pdu.u.request.object, &object_uuid, sizeof(GUID));
    assert_int_equal(pdu.stub_len, 4);
    assert_memory_equal(pdu.stub, "\xde\xad\xbe\xef", 4);
}

static void test_big_endian_fault(void **state)
{
    (void)state;
    static const uint8_t be[] = { 0x05, 0x00, 0x03, 0x23, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
                                  0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                                  0x1c, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00 };
    arpc_pdu pdu;
    assert_int_equal(parse(be, sizeof be, &pdu), RPC_S_OK);
    assert_int_equal(pdu.h.call_id, 5);
    assert_int_equal(pdu.u.response.context_id, 1);
    assert_int_equal(pdu.u.response.status, ARPC_NCA_S_UNK_IF);
    assert_int_equal(arpc_fault_to_status(pdu.u.response.status), RPC_S_UNKNOWN_IF);
}

static void test_big_endian_bind_and_ack(void **state)
{
    (void)state;
    static const uint8_t bind[] = { 0x05, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00,
                                    0x00, 0x00, 0x00, 0x01, 0x10, 0xb8, 0x0f, 0xa0, 0x00, 0x00, 0x12, 0x34,
                                    0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0x01, 0x00,
                                    SAMR_BE, 0x00, 0x02, 0x00, 0x03, /* if_version: minor 2, major 3 */
                                    NDR20_BE };
    arpc_pdu pdu;
    assert_int_equal(parse(bind, sizeof bind, &pdu), RPC_S_OK);
    assert_int_equal(pdu.u.bind.max_xmit_frag, 4280);
    assert_int_equal(pdu.u.bind.max_recv_frag, 4000);
    assert_int_equal(pdu.u.bind.assoc_group_id, 0x1234);
    assert_int_equal(pdu.u.bind.n_contexts, 1);
    assert_int_equal(pdu.u.bind.contexts[0].context_id, 7);
    assert_memory_equal(&pdu.u.bind.contexts[0].abstract.uuid, &samr_uuid, sizeof(GUID));
    assert_int_equal(pdu.u.bind.contexts[0].abstract.vers_major, 3);
    assert_int_equal(pdu.u.bind.contexts[0].abstract.vers_minor, 2);
    assert_syntax_equal(&pdu.u.bind.contexts[0].transfer[0], &arpc_ndr20_syntax);

    static const uint8_t ack[] = { 0x05, 0x00, 0x0c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x01, 0x10, 0xb8, 0x10, 0xb8, 0x00, 0x00, 0x12, 0x34,
                                   0x00, 0x06, '4', '9', '1', '5', '2', 0x00,
                                   0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x02, ZERO20 };
    assert_int_equal(parse(ack, sizeof ack, &pdu), RPC_S_OK);
    assert_string_equal(pdu.u.bind_ack.sec_addr, "49152");
    assert_int_equal(pdu.u.bind_ack.assoc_group_id, 0x1234);
    assert_int_equal(pdu.u.bind_ack.n_results, 1);
    assert_int_equal(pdu.u.bind_ack.results[0].result, ARPC_RESULT_PROVIDER_REJECTION);
    assert_int_equal(pdu.u.bind_ack.results[0].reason, ARPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED);
}

/* ---------------------------------------------------------------- auth verifier */

static void test_auth_verifier(void **state)
{
    (void)state;
    uint8_t buf[64] = { 0 };
    size_t n = arpc_pdu_write_request_header(buf, 3, 1, 8 + 8 + 16, 8, 0, 1, NULL);
    assert_int_equal(n, 24);
    buf[10] = 16; /* auth_len */
    memcpy(buf + 24, "STUBpad.", 8);
    static const uint8_t trailer[8] = { 10, 6, 4, 0, 0, 0, 0, 0 }; /* NTLM, privacy, 4 bytes of padding */
    memcpy(buf + 32, trailer, 8);
    memset(buf + 40, 0x55, 16);
    arpc_pdu pdu;
    assert_int_equal(parse(buf, 56, &pdu), RPC_S_OK);
    assert_ptr_equal(pdu.stub, buf + 24);
    assert_int_equal(pdu.stub_len, 4);
    assert_ptr_equal(pdu.auth, buf + 32);
    assert_int_equal(pdu.auth_len, 24);
    /* padding larger than the stub */
    buf[34] = 9;
    assert_int_equal(parse(buf, 56, &pdu), RPC_S_PROTOCOL_ERROR);
}

/* ---------------------------------------------------------------- rejections */

static void expect_reject(const uint8_t *b, size_t n)
{
    arpc_pdu pdu;
    assert_int_equal(arpc_pdu_parse(b, n, &pdu), RPC_S_PROTOCOL_ERROR);
}

static void test_reject_header(void **state)
{
    (void)state;
    uint8_t b[16];
    arpc_pdu_header h;
    arpc_pdu_write_simple(b, ARPC_PT_SHUTDOWN, 3, 1);
    assert_int_equal(arpc_pdu_parse_header(b, 16, &h), RPC_S_OK);
    assert_int_equal(arpc_pdu_parse_header(b, 15, &h), RPC_S_PROTOCOL_ERROR);
    assert_int_equal(arpc_pdu_parse_header(NULL, 16, &h), RPC_S_PROTOCOL_ERROR);
    assert_int_equal(arpc_pdu_parse(b, 16, NULL), RPC_S_PROTOCOL_ERROR);
    expect_reject(b, 15);

    b[0] = 4; /* version 4 */
    assert_int_equal(arpc_pdu_parse_header(b, 16, &h), RPC_S_PROTOCOL_ERROR);
    expect_reject(b, 16);
    b[0] = 5;
    b[1] = 2; /* minor 2 */
    expect_reject(b, 16);
    b[1] = 1;
    assert_int_equal(arpc_pdu_parse_header(b, 16, &h), RPC_S_OK);
    static const uint8_t bad_types[] = { 1, 4, 5, 6, 7, 8, 9, 10, 20, 0xff };
    for (size_t i = 0; i < sizeof bad_types; i++) {
        b[2] = bad_types[i];
        expect_reject(b, 16);
    }
    b[2] = ARPC_PT_SHUTDOWN;
    b[4] = 0x20; /* undefined integer representation */
    expect_reject(b, 16);
    b[4] = 0x10;
    b[8] = 15; /* frag_len < 16 */
    assert_int_equal(arpc_pdu_parse_header(b, 16, &h), RPC_S_PROTOCOL_ERROR);
    expect_reject(b, 16);
    b[8] = 17; /* frag_len > len: the header alone is fine, the PDU is not */
    assert_int_equal(arpc_pdu_parse_header(b, 16, &h), RPC_S_OK);
    assert_int_equal(h.frag_len, 17);
    expect_reject(b, 16);
    b[8] = 16;
    b[10] = 1; /* auth_len past the end */
    expect_reject(b, 16);
}

static void test_reject_request(void **state)
{
    (void)state;
    uint8_t b[64] = { 0 };
    size_t n = arpc_pdu_write_request_header(b, 3, 1, 8, 8, 0, 0, NULL);
    arpc_pdu pdu;
    assert_int_equal(parse(b, n + 8, &pdu), RPC_S_OK);
    b[8] = 20; /* truncated request header */
    expect_reject(b, 20);
    b[8] = 32;
    b[3] |= ARPC_PFC_OBJECT_UUID; /* object flag, 8 bytes where 16 are due */
    expect_reject(b, 32);
    b[3] &= (uint8_t)~ARPC_PFC_OBJECT_UUID;
    b[10] = 17; /* auth_len: 8 + 17 > 16 bytes after the header */
    expect_reject(b, 32);
    b[10] = 4; /* fits the fragment but eats into the request header */
    expect_reject(b, 32);
    b[10] = 0;
    expect_reject(b, 31); /* frag_len > len */

    n = arpc_pdu_write_response_header(b, 3, 1, 0, 0, 0, 0);
    b[8] = 23;
    expect_reject(b, 23);
    n = arpc_pdu_write_fault(b, 3, 1, 0, 0, 5);
    b[8] = 28;
    expect_reject(b, 28);
}

static void test_reject_bind(void **state)
{
    (void)state;
    uint8_t b[sizeof bind_bytes];
    memcpy(b, bind_bytes, sizeof b);
    b[24] = 3; /* n_context_elem past the end */
    expect_reject(b, sizeof b);
    b[24] = ARPC_PDU_MAX_CONTEXTS + 1;
    expect_reject(b, sizeof b);
    b[24] = 2;
    b[30] = 0; /* zero transfer syntaxes */
    expect_reject(b, sizeof b);
    b[30] = ARPC_PDU_MAX_SYNTAXES + 1;
    expect_reject(b, sizeof b);
    b[30] = 1;
    b[74] = 3; /* second context: three transfer syntaxes, two present */
    expect_reject(b, sizeof b);
    b[74] = 2;
    b[8] = sizeof bind_bytes - 1; /* frag_len cuts the last syntax */
    expect_reject(b, sizeof b);
    b[8] = sizeof bind_bytes;
    b[10] = 8; /* an auth verifier would overlap the contexts */
    expect_reject(b, sizeof b);
    b[10] = 0;
    b[8] = 27; /* truncated before the context list */
    expect_reject(b, sizeof b);
    arpc_pdu pdu;
    b[8] = sizeof bind_bytes;
    assert_int_equal(parse(b, sizeof b, &pdu), RPC_S_OK);
}

static void test_reject_bind_ack(void **state)
{
    (void)state;
    uint8_t b[sizeof bind_ack_bytes];
    memcpy(b, bind_ack_bytes, sizeof b);
    b[24] = 0x00;
    b[25] = 0x01; /* sec_addr length 256, past the end */
    expect_reject(b, sizeof b);
    b[25] = 0x00;
    b[24] = 56; /* the padding fits, the result count does not */
    expect_reject(b, sizeof b);
    b[24] = 4;
    b[32] = 3; /* n_results past the end */
    expect_reject(b, sizeof b);
    b[32] = ARPC_PDU_MAX_CONTEXTS + 1;
    expect_reject(b, sizeof b);
    b[32] = 2;
    b[8] = 30; /* frag_len ends inside the padding */
    expect_reject(b, sizeof b);
    b[8] = sizeof bind_ack_bytes;
    arpc_pdu pdu;
    assert_int_equal(parse(b, sizeof b, &pdu), RPC_S_OK);

    uint8_t nak[32];
    size_t n = arpc_pdu_write_bind_nak(nak, 1, 0);
    nak[18] = 2; /* two versions, one present */
    expect_reject(nak, n);
    nak[8] = 17; /* reason cut */
    expect_reject(nak, n);
    nak[8] = 18; /* reason alone is accepted */
    assert_int_equal(parse(nak, n, &pdu), RPC_S_OK);
}

/* ---------------------------------------------------------------- status mapping */

static void test_fault_to_status(void **state)
{
    (void)state;
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_OP_RNG_ERROR), RPC_S_PROCNUM_OUT_OF_RANGE);
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_OP_RNG_ERROR), 1745);
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_UNK_IF), 1717);
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_PROTO_ERROR), RPC_S_PROTOCOL_ERROR);
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_FAULT_CANCEL), RPC_S_CALL_CANCELLED);
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_FAULT_INT_DIV_BY_ZERO), RPC_S_ZERO_DIVIDE);
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_FAULT_ADDR_ERROR), RPC_S_ADDRESS_ERROR);
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_SERVER_TOO_BUSY), RPC_S_SERVER_TOO_BUSY);
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_OUT_ARGS_TOO_BIG), RPC_S_SERVER_OUT_OF_MEMORY);
    assert_int_equal(arpc_fault_to_status(ARPC_NCA_S_FAULT_CONTEXT_MISMATCH), RPC_X_SS_CONTEXT_MISMATCH);
    /* C706 appendix E values (pdu.h has 0x1c000017 / 0x1c000012 for these two) */
    assert_int_equal(arpc_fault_to_status(0x1c010017u), RPC_S_UNSUPPORTED_TYPE);
    assert_int_equal(arpc_fault_to_status(0x1c00001bu), RPC_S_SERVER_OUT_OF_MEMORY);
    assert_int_equal(arpc_fault_to_status(0x1c000017u), RPC_X_PIPE_DISCIPLINE_ERROR);
    assert_int_equal(arpc_fault_to_status(0x1c000012u), RPC_S_CALL_FAILED); /* nca_s_fault_unspec */
    assert_int_equal(arpc_fault_to_status(0x1c0000ffu), RPC_S_CALL_FAILED); /* unknown NCA code */
    /* Windows codes pass through */
    assert_int_equal(arpc_fault_to_status(0x6f7u), RPC_X_BAD_STUB_DATA);
    assert_int_equal(arpc_fault_to_status(5), 5);
    assert_int_equal(arpc_fault_to_status(0), 0);
    assert_int_equal(arpc_fault_to_status(0xc0000005u), (RPC_STATUS)0xc0000005u);
}

static void test_status_to_fault(void **state)
{
    (void)state;
    assert_int_equal(arpc_status_to_fault(RPC_S_PROCNUM_OUT_OF_RANGE), ARPC_NCA_S_OP_RNG_ERROR);
    assert_int_equal(arpc_status_to_fault(RPC_S_UNKNOWN_IF), ARPC_NCA_S_UNK_IF);
    assert_int_equal(arpc_status_to_fault(RPC_S_PROTOCOL_ERROR), ARPC_NCA_S_PROTO_ERROR);
    assert_int_equal(arpc_status_to_fault(RPC_S_CALL_CANCELLED), ARPC_NCA_S_FAULT_CANCEL);
    assert_int_equal(arpc_status_to_fault(RPC_S_ZERO_DIVIDE), ARPC_NCA_S_FAULT_INT_DIV_BY_ZERO);
    assert_int_equal(arpc_status_to_fault(RPC_S_ADDRESS_ERROR), ARPC_NCA_S_FAULT_ADDR_ERROR);
    assert_int_equal(arpc_status_to_fault(RPC_S_SERVER_TOO_BUSY), ARPC_NCA_S_SERVER_TOO_BUSY);
    assert_int_equal(arpc_status_to_fault(RPC_S_UNSUPPORTED_TYPE), 0x1c010017u);
    /* sent as the Windows code itself */
    assert_int_equal(arpc_status_to_fault(RPC_X_BAD_STUB_DATA), 0x6f7);
    assert_int_equal(arpc_status_to_fault(ERROR_ACCESS_DENIED), 5);
    assert_int_equal(arpc_status_to_fault(RPC_S_OUT_OF_MEMORY), 14);
    assert_int_equal(arpc_status_to_fault(RPC_X_SS_CONTEXT_MISMATCH), 6);
    /* every code that has an NCA form comes back unchanged */
    static const RPC_STATUS round[] = { RPC_S_PROCNUM_OUT_OF_RANGE, RPC_S_UNKNOWN_IF, RPC_S_PROTOCOL_ERROR,
                                        RPC_S_CALL_CANCELLED, RPC_S_ZERO_DIVIDE, RPC_S_ADDRESS_ERROR,
                                        RPC_S_SERVER_TOO_BUSY, RPC_S_UNSUPPORTED_TYPE, RPC_S_FP_DIV_ZERO,
                                        RPC_S_FP_UNDERFLOW, RPC_S_FP_OVERFLOW, RPC_S_INVALID_TAG,
                                        RPC_S_INVALID_BOUND, RPC_X_BAD_STUB_DATA, 5, 1726 };
    for (size_t i = 0; i < sizeof round / sizeof round[0]; i++)
        assert_int_equal(arpc_fault_to_status(arpc_status_to_fault(round[i])), round[i]);
}

static void test_ndr20_syntax(void **state)
{
    (void)state;
    static const uint8_t want[] = { NDR20_LE };
    uint8_t out[20];
    put_syntax(out, &arpc_ndr20_syntax);
    assert_memory_equal(out, want, sizeof want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_bytes),
        cmocka_unit_test(test_request_object_bytes),
        cmocka_unit_test(test_response_bytes),
        cmocka_unit_test(test_fault_bytes),
        cmocka_unit_test(test_bind_bytes),
        cmocka_unit_test(test_bind_ack_bytes),
        cmocka_unit_test(test_bind_nak_bytes),
        cmocka_unit_test(test_simple_bytes),
        cmocka_unit_test(test_request_round_trip),
        cmocka_unit_test(test_response_fault_round_trip),
        cmocka_unit_test(test_bind_round_trip),
        cmocka_unit_test(test_bind_ack_round_trip),
        cmocka_unit_test(test_big_endian_request),
        cmocka_unit_test(test_big_endian_fault),
        cmocka_unit_test(test_big_endian_bind_and_ack),
        cmocka_unit_test(test_auth_verifier),
        cmocka_unit_test(test_reject_header),
        cmocka_unit_test(test_reject_request),
        cmocka_unit_test(test_reject_bind),
        cmocka_unit_test(test_reject_bind_ack),
        cmocka_unit_test(test_fault_to_status),
        cmocka_unit_test(test_status_to_fault),
        cmocka_unit_test(test_ndr20_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

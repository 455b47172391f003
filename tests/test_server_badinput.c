/* The server against bad input on the wire: a peer that sends garbage,
 * lies about lengths, skips the bind, uses an unknown version or packet
 * type, or hangs up mid-fragment loses its connection; the server frees it
 * and keeps answering everyone else.  Driven with raw sockets and the PDU
 * encoder, natively and under Wine. */
#if !defined(_WIN32)
#define _GNU_SOURCE
#else
#include <winsock2.h>
#endif
#include <windows.h>
#include <rpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include "../win32/platform_win32.c"
#include "../win32/net_win32.c"
#else
#include "../posix/platform_posix.c"
#include "../posix/net_posix.c"
#endif
#include "../shim/pdu.c"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static char port[16];

static int setup(void **state)
{
    (void)state;
    RPC_BINDING_VECTOR *v = NULL;
    RPC_CSTR s = NULL;
    if (RpcServerUseProtseqEpA((RPC_CSTR) "ncacn_ip_tcp", 10, NULL, NULL) != RPC_S_OK ||
        RpcServerInqBindings(&v) != RPC_S_OK || RpcBindingToStringBindingA(v->BindingH[0], &s) != RPC_S_OK)
        return -1;
    RPC_CSTR ep = NULL;
    RpcStringBindingParseA(s, NULL, NULL, NULL, &ep, NULL);
    snprintf(port, sizeof port, "%s", (char *)ep);
    RpcStringFreeA(&ep);
    RpcStringFreeA(&s);
    RpcBindingVectorFree(&v);
    return RpcServerListen(1, 10, TRUE) == RPC_S_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    RpcMgmtStopServerListening(NULL);
    return 0;
}

static arpc_socket dial(void)
{
    arpc_socket s = ARPC_INVALID_SOCKET;
    assert_int_equal(arpc_net_init(), RPC_S_OK);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", port, &s), RPC_S_OK);
    return s;
}

static void send_bytes(arpc_socket s, const void *p, size_t n)
{
    arpc_iovec iov = {p, n};
    assert_int_equal(arpc_sock_send_all(s, &iov, 1, 5000), RPC_S_OK);
}

/* Read one whole PDU (blocking, 5 s at most); 0 if the server hung up. */
static size_t read_pdu(arpc_socket s, uint8_t *buf, size_t cap)
{
    size_t have = 0, want = ARPC_PDU_HEADER_LEN;
    while (have < want) {
        if (arpc_sock_wait_readable(s, 5000) != RPC_S_OK)
            return 0;
        long n = arpc_sock_recv(s, buf + have, cap - have);
        if (n == -2)
            continue;
        if (n <= 0)
            return 0;
        have += (size_t)n;
        if (want == ARPC_PDU_HEADER_LEN && have >= ARPC_PDU_HEADER_LEN) {
            want = (size_t)buf[8] | (size_t)buf[9] << 8;
            assert_true(want <= cap);
        }
    }
    return want;
}

/* The server closed this connection: reading gives end of stream. */
static void expect_hangup(arpc_socket s)
{
    uint8_t buf[256];
    assert_int_equal(read_pdu(s, buf, sizeof buf), 0);
}

static size_t make_bind(uint8_t *out, size_t cap, const GUID *ifid, uint32_t call_id)
{
    arpc_pres_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.n_transfer = 1;
    ctx.abstract.uuid = *ifid;
    ctx.abstract.vers_major = 1;
    ctx.transfer[0] = arpc_ndr20_syntax;
    return arpc_pdu_write_bind(out, cap, ARPC_PT_BIND, ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG, call_id, 5840, 5840, 0,
                               &ctx, 1);
}

/* A well-behaved peer still gets its bind answered. */
static void expect_server_alive(void)
{
    static const GUID unknown = {0x12345678, 0x1234, 0x5678, {1, 2, 3, 4, 5, 6, 7, 8}};
    uint8_t pdu[512];
    arpc_socket s = dial();
    size_t n = make_bind(pdu, sizeof pdu, &unknown, 7);
    send_bytes(s, pdu, n);
    n = read_pdu(s, pdu, sizeof pdu);
    assert_true(n > 0);
    arpc_pdu p;
    assert_int_equal(arpc_pdu_parse(pdu, n, &p), RPC_S_OK);
    assert_int_equal(p.h.ptype, ARPC_PT_BIND_ACK);
    assert_int_equal(p.h.call_id, 7);
    assert_int_equal(p.u.bind_ack.n_results, 1);
    /* Nobody registered this interface. */
    assert_int_equal(p.u.bind_ack.results[0].result, ARPC_RESULT_PROVIDER_REJECTION);
    assert_int_equal(p.u.bind_ack.results[0].reason, ARPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED);
    arpc_sock_close(s);
}

static void test_unknown_interface_is_rejected(void **state)
{
    (void)state;
    expect_server_alive();
}

static void test_garbage_closes_connection(void **state)
{
    (void)state;
    arpc_socket s = dial();
    static const char junk[] = "GET / HTTP/1.1\r\nHost: nowhere\r\n\r\n";
    send_bytes(s, junk, sizeof junk - 1);
    expect_hangup(s);
    arpc_sock_close(s);
    expect_server_alive();
}

static void test_request_before_bind(void **state)
{
    (void)state;
    arpc_socket s = dial();
    uint8_t hdr[64];
    size_t n = arpc_pdu_write_request_header(hdr, ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG, 1, 4, 4, 0, 0, NULL);
    memset(hdr + n, 0, 4);
    send_bytes(s, hdr, n + 4);
    expect_hangup(s);
    arpc_sock_close(s);
    expect_server_alive();
}

static void test_bad_version_and_type(void **state)
{
    (void)state;
    uint8_t pdu[512];
    static const GUID any = {1, 2, 3, {4}};
    for (int variant = 0; variant < 4; variant++) {
        arpc_socket s = dial();
        size_t n = make_bind(pdu, sizeof pdu, &any, 1);
        switch (variant) {
        case 0: pdu[0] = 4; break;                   /* rpc_vers */
        case 1: pdu[1] = 7; break;                   /* rpc_vers_minor */
        case 2: pdu[2] = 99; break;                  /* unknown PTYPE */
        case 3: pdu[2] = ARPC_PT_RESPONSE; break;    /* a type a client never sends */
        }
        send_bytes(s, pdu, n);
        expect_hangup(s);
        arpc_sock_close(s);
    }
    expect_server_alive();
}

static void test_lying_frag_length(void **state)
{
    (void)state;
    uint8_t pdu[512];
    static const GUID any = {1, 2, 3, {4}};
    /* frag_length below the header. */
    arpc_socket s = dial();
    size_t n = make_bind(pdu, sizeof pdu, &any, 1);
    pdu[8] = 8;
    pdu[9] = 0;
    send_bytes(s, pdu, n);
    expect_hangup(s);
    arpc_sock_close(s);
    /* frag_length promising more than comes, then the peer hangs up
     * mid-fragment: the server must free the partial fragment. */
    s = dial();
    n = make_bind(pdu, sizeof pdu, &any, 1);
    pdu[8] = 0xff;
    pdu[9] = 0xff;
    send_bytes(s, pdu, n);
    arpc_sock_close(s);
    /* A bind whose context count runs past its fragment. */
    s = dial();
    n = make_bind(pdu, sizeof pdu, &any, 1);
    pdu[24] = 9; /* n_context_elem */
    send_bytes(s, pdu, n);
    expect_hangup(s);
    arpc_sock_close(s);
    expect_server_alive();
}

static void test_second_bind_is_a_protocol_error(void **state)
{
    (void)state;
    uint8_t pdu[512];
    static const GUID any = {1, 2, 3, {4}};
    arpc_socket s = dial();
    size_t n = make_bind(pdu, sizeof pdu, &any, 1);
    send_bytes(s, pdu, n);
    assert_true(read_pdu(s, pdu, sizeof pdu) > 0);
    n = make_bind(pdu, sizeof pdu, &any, 2);
    send_bytes(s, pdu, n);
    expect_hangup(s);
    arpc_sock_close(s);
    expect_server_alive();
}

static void test_many_idle_connections(void **state)
{
    (void)state;
    enum { N = 200 };
    arpc_socket s[N];
    for (int i = 0; i < N; i++)
        s[i] = dial();
    /* All of them idle; every one is still served. */
    for (int i = 0; i < N; i += 37) {
        uint8_t pdu[512];
        static const GUID any = {1, 2, 3, {4}};
        size_t n = make_bind(pdu, sizeof pdu, &any, (uint32_t)i);
        send_bytes(s[i], pdu, n);
        assert_true(read_pdu(s[i], pdu, sizeof pdu) > 0);
    }
    for (int i = 0; i < N; i++)
        arpc_sock_close(s[i]);
    expect_server_alive();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_interface_is_rejected),
        cmocka_unit_test(test_garbage_closes_connection),
        cmocka_unit_test(test_request_before_bind),
        cmocka_unit_test(test_bad_version_and_type),
        cmocka_unit_test(test_lying_frag_length),
        cmocka_unit_test(test_second_bind_is_a_protocol_error),
        cmocka_unit_test(test_many_idle_connections),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

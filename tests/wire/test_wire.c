/* Generated stubs over the wire: ncacn_ip_tcp (and ncalrpc on POSIX) with
 * the server in this process, or against a wire_server process when
 * WIRE_BINDING names one (tests/wire/run_pair.sh).  Also the binding,
 * server and security API around the calls. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arpc_stub.h"
#include "wire.h"
#include "wire_binding.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static char string_binding[256];  /* the binding the current group uses */
static int external;               /* the server is another process */

static RPC_BINDING_HANDLE bind_to(const char *s)
{
    RPC_BINDING_HANDLE h = NULL;
    assert_int_equal(RpcBindingFromStringBindingA((RPC_CSTR)s, &h), RPC_S_OK);
    return h;
}

/* Run expr; the RPC exception it raises, or 0. */
#define CATCH(expr)                                                                                \
    ({                                                                                             \
        volatile unsigned long code_ = 0;                                                          \
        RpcTryExcept { expr; } RpcExcept(1) { code_ = RpcExceptionCode(); } RpcEndExcept code_;   \
    })

static int setup_tcp(void **state)
{
    (void)state;
    if (external)
        return 0;
    return wire_serve(wire_v1_2_s_ifspec, "ncacn_ip_tcp", NULL) || wire_local_binding("ncacn_ip_tcp", string_binding, sizeof string_binding);
}

#if defined(_WIN32)
static int setup_np(void **state)
{
    (void)state;
    return wire_serve(wire_v1_2_s_ifspec, "ncacn_np", NULL) || wire_local_binding("ncacn_np", string_binding, sizeof string_binding);
}
#endif

static int setup_lrpc(void **state)
{
    (void)state;
    return wire_serve(wire_v1_2_s_ifspec, "ncalrpc", NULL) || wire_local_binding("ncalrpc", string_binding, sizeof string_binding);
}

/* ------------------------------------------------------------ calls */

static void test_add(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    assert_int_equal(Add(h, 2, 40), 42);
    assert_int_equal(Add(h, -7, 3), -4);
    RpcBindingFree(&h);
    assert_null(h);
}

static void test_echo(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    char out[64];
    Echo(h, "asyncrpc", sizeof out, out);
    assert_string_equal(out, "cprcnysa");
    Echo(h, "", sizeof out, out);
    assert_string_equal(out, "");
    /* The server refuses (its own check) and the code comes back. */
    assert_int_equal(CATCH(Echo(h, "too long for four", 4, out)), RPC_S_BUFFER_TOO_SMALL);
    RpcBindingFree(&h);
}

static void test_many_fragments(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    long n = 300000; /* 1.2 MB each way: hundreds of fragments */
    long *a = malloc(n * sizeof *a), *d = malloc(n * sizeof *d);
    hyper want = 0;
    for (long i = 0; i < n; i++) {
        a[i] = (long)((long long)i * 7919 % 100003) - 50000;
        want += a[i];
        d[i] = 0;
    }
    assert_true(Sum(h, n, a, d) == want);
    for (long i = 0; i < n; i++)
        if (d[i] != 2 * a[i])
            fail_msg("doubled[%ld] = %ld, want %ld", i, d[i], 2 * a[i]);
    free(a);
    free(d);
    RpcBindingFree(&h);
}

static void test_server_faults(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    assert_int_equal(CATCH(Fail(h, 0x1234)), 0x1234);
    assert_int_equal(CATCH(Fail(h, RPC_S_ACCESS_DENIED)), RPC_S_ACCESS_DENIED);
    assert_int_equal(CATCH(Fail(h, RPC_X_BAD_STUB_DATA)), RPC_X_BAD_STUB_DATA);
    /* NCA-mapped codes travel as NCA statuses and come back as themselves. */
    assert_int_equal(CATCH(Fail(h, RPC_S_ZERO_DIVIDE)), RPC_S_ZERO_DIVIDE);
    /* The connection is fine after faults. */
    assert_int_equal(Add(h, 1, 1), 2);
    RpcBindingFree(&h);
}

static void test_call_attributes(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    call_info_t info;
    memset(&info, 0xcc, sizeof info);
    Inquire(h, &info);
    int tcp = !strncmp(string_binding, "ncacn_ip_tcp", 12);
    int np = !strncmp(string_binding, "ncacn_np", 8);
    assert_int_equal(info.protseq, tcp ? RPC_PROTSEQ_TCP : np ? RPC_PROTSEQ_NMP : RPC_PROTSEQ_LRPC);
    assert_int_equal(info.is_local, 1);
    assert_int_equal(info.opnum, 4);
    assert_int_equal(info.testcancel, RPC_S_CALL_IN_PROGRESS);
    if (!tcp && !external)
        assert_int_equal(info.pid, GetCurrentProcessId());
    RpcBindingFree(&h);
    /* Outside a call there is nothing to ask about. */
    RPC_CALL_ATTRIBUTES_V2_A a;
    memset(&a, 0, sizeof a);
    a.Version = 2;
    assert_int_equal(RpcServerInqCallAttributesA(NULL, &a), RPC_S_NO_CALL_ACTIVE);
    assert_int_equal(RpcImpersonateClient(NULL), RPC_S_NO_CALL_ACTIVE);
    assert_int_equal(RpcRevertToSelf(), RPC_S_NO_CALL_ACTIVE);
}

struct worker {
    const char *binding;
    int ok;
};

static DWORD WINAPI concurrent_caller(LPVOID p)
{
    struct worker *w = p;
    RPC_BINDING_HANDLE h = NULL;
    if (RpcBindingFromStringBindingA((RPC_CSTR)w->binding, &h) != RPC_S_OK)
        return 1;
    for (int i = 0; i < 50; i++)
        w->ok += Add(h, i, 1000) == i + 1000;
    RpcBindingFree(&h);
    return 0;
}

static void test_concurrent_callers(void **state)
{
    (void)state;
    enum { T = 8 };
    HANDLE t[T];
    struct worker w[T];
    for (int i = 0; i < T; i++) {
        w[i].binding = string_binding;
        w[i].ok = 0;
        t[i] = CreateThread(NULL, 0, concurrent_caller, &w[i], 0, NULL);
        assert_non_null(t[i]);
    }
    assert_int_equal(WaitForMultipleObjects(T, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < T; i++) {
        assert_int_equal(w[i].ok, 50);
        CloseHandle(t[i]);
    }
}

static void test_call_timeout(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    ULONG_PTR v = 1;
    assert_int_equal(RpcBindingSetOption(h, RPC_C_OPT_CALL_TIMEOUT, 200), RPC_S_OK);
    assert_int_equal(RpcBindingInqOption(h, RPC_C_OPT_CALL_TIMEOUT, &v), RPC_S_OK);
    assert_int_equal(v, 200);
    /* An expired call time-out is reported as a cancelled call. */
    assert_int_equal(CATCH(Nap(h, 3000)), RPC_S_CALL_CANCELLED);
    assert_int_equal(Add(h, 20, 22), 42);
    RpcBindingFree(&h);
}

/* ------------------------------------------------------------ API around calls */

static void test_bad_bindings(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = NULL;
    assert_int_equal(CATCH(Add(NULL, 1, 2)), RPC_S_INVALID_BINDING);
    assert_int_equal(CATCH(Add((handle_t)(uintptr_t)0x1234, 1, 2)), RPC_S_INVALID_BINDING);
    assert_int_equal(RpcBindingFromStringBindingA((RPC_CSTR) "ncacn_foo:x[1]", &h), RPC_S_PROTSEQ_NOT_SUPPORTED);
    assert_int_equal(RpcBindingFromStringBindingA((RPC_CSTR) "not a binding", &h), RPC_S_INVALID_STRING_BINDING);
    assert_int_equal(RpcBindingFree(&h), RPC_S_INVALID_BINDING);
    /* Nobody listens there. */
    h = bind_to("ncacn_ip_tcp:127.0.0.1[1]");
    assert_int_equal(CATCH(Add(h, 1, 2)), RPC_S_SERVER_UNAVAILABLE);
    RpcBindingFree(&h);
    /* No endpoint and no endpoint mapper. */
    h = bind_to("ncacn_ip_tcp:127.0.0.1");
    assert_int_equal(CATCH(Add(h, 1, 2)), RPC_S_NO_ENDPOINT_FOUND);
    RpcBindingFree(&h);
}

static void test_binding_api(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to(string_binding), c = NULL;
    RPC_CSTR s = NULL;
    assert_int_equal(RpcBindingToStringBindingA(h, &s), RPC_S_OK);
    assert_string_equal((char *)s, string_binding);
    RpcStringFreeA(&s);
    assert_int_equal(RpcBindingSetOption(h, RPC_C_OPT_BINDING_NONCAUSAL, TRUE), RPC_S_OK);
    assert_int_equal(RpcBindingCopy(h, &c), RPC_S_OK);
    ULONG_PTR v = 0;
    assert_int_equal(RpcBindingInqOption(c, RPC_C_OPT_BINDING_NONCAUSAL, &v), RPC_S_OK);
    assert_int_equal(v, 1);
    assert_int_equal(Add(c, 3, 4), 7);
    assert_int_equal(RpcBindingSetOption(h, 999, 1), RPC_S_INVALID_ARG);
    assert_int_equal(RpcMgmtSetComTimeout(h, RPC_C_BINDING_DEFAULT_TIMEOUT), RPC_S_OK);
    assert_int_equal(RpcMgmtSetComTimeout(h, 11), RPC_S_INVALID_TIMEOUT);
    /* Reset forgets the endpoint: with no endpoint mapper, nowhere to go. */
    assert_int_equal(RpcBindingReset(c), RPC_S_OK);
    assert_int_equal(CATCH(Add(c, 3, 4)), RPC_S_NO_ENDPOINT_FOUND);
    assert_int_equal(Add(h, 3, 4), 7);
    RpcBindingFree(&c);
    RpcBindingFree(&h);
}

static void test_security_surface(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    assert_int_equal(RpcBindingSetAuthInfoA(h, NULL, RPC_C_AUTHN_LEVEL_NONE, RPC_C_AUTHN_NONE, NULL, 0), RPC_S_OK);
    assert_int_equal(Add(h, 1, 2), 3);
    assert_int_equal(RpcBindingSetAuthInfoA(h, (RPC_CSTR) "host/x", RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                            RPC_C_AUTHN_WINNT, NULL, 0),
                     RPC_S_UNKNOWN_AUTHN_SERVICE);
    RPC_SECURITY_QOS qos = {RPC_C_SECURITY_QOS_VERSION, RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH, 0, 0};
    assert_int_equal(RpcBindingSetAuthInfoExA(h, NULL, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_AUTHN_GSS_NEGOTIATE,
                                              NULL, 0, &qos),
                     RPC_S_UNKNOWN_AUTHN_SERVICE);
    assert_int_equal(RpcBindingSetAuthInfoA(h, NULL, 99, RPC_C_AUTHN_NONE, NULL, 0), RPC_S_UNKNOWN_AUTHN_LEVEL);
    assert_int_equal(RpcServerRegisterAuthInfoA(NULL, RPC_C_AUTHN_NONE, NULL, NULL), RPC_S_OK);
    assert_int_equal(RpcServerRegisterAuthInfoA((RPC_CSTR) "spn", RPC_C_AUTHN_GSS_KERBEROS, NULL, NULL),
                     RPC_S_UNKNOWN_AUTHN_SERVICE);
    RpcBindingFree(&h);
}

static volatile LONG callback_calls, deny;

static RPC_STATUS RPC_ENTRY security_callback(RPC_IF_HANDLE ifc, void *ctx)
{
    InterlockedIncrement((LONG *)&callback_calls);
    return ifc == wire_v1_2_s_ifspec && ctx && !deny ? RPC_S_OK : RPC_S_ACCESS_DENIED;
}

static void test_security_callback(void **state)
{
    (void)state;
    if (external)
        skip();
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    assert_int_equal(RpcServerRegisterIfEx(wire_v1_2_s_ifspec, NULL, NULL, 0, RPC_C_LISTEN_MAX_CALLS_DEFAULT,
                                           security_callback),
                     RPC_S_OK);
    callback_calls = 0;
    assert_int_equal(Add(h, 1, 2), 3);
    assert_true(callback_calls >= 1);
    deny = 1;
    assert_int_equal(CATCH(Add(h, 1, 2)), RPC_S_ACCESS_DENIED);
    deny = 0;
    /* Registering again without the callback replaces it. */
    assert_int_equal(RpcServerRegisterIf(wire_v1_2_s_ifspec, NULL, NULL), RPC_S_OK);
    assert_int_equal(Add(h, 2, 2), 4);
    RpcBindingFree(&h);
}

static void test_unknown_interface_and_procedure(void **state)
{
    (void)state;
    /* A client interface nobody serves, and a procedure number past the
     * table, through the stub runtime the generated stubs use. */
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    RPC_CLIENT_INTERFACE other = {sizeof(RPC_CLIENT_INTERFACE),
                                  {{0xdeadbeef, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}}, {1, 0}},
                                  ARPC_NDR20_SYNTAX, 0, 0, 0, 0, 0, 0};
    const RPC_CLIENT_INTERFACE *wire_if = wire_v1_2_c_ifspec;
    RPC_CLIENT_INTERFACE newer = *wire_if;
    newer.InterfaceId.SyntaxVersion.MajorVersion = 2;
    const RPC_CLIENT_INTERFACE *ifs[3] = {&other, wire_if, &newer};
    const unsigned opnums[3] = {0, 99, 0};
    const unsigned long want[3] = {RPC_S_UNKNOWN_IF, RPC_S_PROCNUM_OUT_OF_RANGE, RPC_S_UNKNOWN_IF};
    for (int i = 0; i < 3; i++) {
        volatile unsigned long code = 0;
        arpc_client_call c;
        RpcTryExcept {
            arpc_client_call_begin(&c, h, ifs[i], opnums[i]);
            arpc_client_call_invoke(&c);
        } RpcExcept(1) {
            code = RpcExceptionCode();
        } RpcEndExcept
        arpc_client_call_end(&c);
        assert_int_equal(code, want[i]);
    }
    assert_int_equal(Add(h, 5, 5), 10);
    RpcBindingFree(&h);
}

/* The same server over IPv6 and by name (the listener is dual-stack). */
static void test_ipv6_and_host_names(void **state)
{
    (void)state;
    const char *port = strchr(string_binding, '[');
    char other[300];
    static const char *hosts[] = {"::1", "localhost", ""};
    for (int i = 0; i < 3; i++) {
        snprintf(other, sizeof other, "ncacn_ip_tcp:%s%s", hosts[i], port);
        RPC_BINDING_HANDLE h = bind_to(other);
        volatile long sum = 0;
        unsigned long code = CATCH(sum = Add(h, 20, 1));
        if (code == RPC_S_SERVER_UNAVAILABLE && i == 0) {
            RpcBindingFree(&h);
            continue; /* no IPv6 loopback on this machine */
        }
        assert_int_equal(code, 0);
        assert_int_equal(sum, 21);
        RpcBindingFree(&h);
    }
}

static void test_max_rpc_size(void **state)
{
    (void)state;
    if (external)
        skip();
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    assert_int_equal(RpcServerRegisterIf2(wire_v1_2_s_ifspec, NULL, NULL, 0, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 65536,
                                          NULL),
                     RPC_S_OK);
    long n = 100000; /* 400 KB: past the 64 KiB limit */
    long *a = calloc(n, sizeof *a), *d = calloc(n, sizeof *d);
    assert_int_equal(CATCH(Sum(h, n, a, d)), RPC_S_SERVER_OUT_OF_MEMORY);
    /* The connection survives the refusal. */
    assert_int_equal(Add(h, 2, 3), 5);
    assert_int_equal(RpcServerRegisterIf(wire_v1_2_s_ifspec, NULL, NULL), RPC_S_OK);
    assert_true(Sum(h, n, a, d) == 0);
    free(a);
    free(d);
    RpcBindingFree(&h);
}

static void test_unregister_and_register_again(void **state)
{
    (void)state;
    if (external)
        skip();
    RPC_BINDING_HANDLE h = bind_to(string_binding);
    assert_int_equal(Add(h, 1, 1), 2); /* a connection bound to the interface */
    assert_int_equal(RpcServerUnregisterIf(wire_v1_2_s_ifspec, NULL, TRUE), RPC_S_OK);
    assert_int_equal(CATCH(Add(h, 1, 1)), RPC_S_UNKNOWN_IF);
    RPC_BINDING_HANDLE fresh = bind_to(string_binding);
    assert_int_equal(CATCH(Add(fresh, 1, 1)), RPC_S_UNKNOWN_IF);
    RpcBindingFree(&fresh);
    assert_int_equal(RpcServerUnregisterIf(wire_v1_2_s_ifspec, NULL, FALSE), RPC_S_UNKNOWN_IF);
    assert_int_equal(RpcServerRegisterIf(wire_v1_2_s_ifspec, NULL, NULL), RPC_S_OK);
    /* The old connection's context follows the new registration. */
    assert_int_equal(Add(h, 2, 2), 4);
    RpcBindingFree(&h);
}

static void test_server_api(void **state)
{
    (void)state;
    if (external)
        skip();
    assert_int_equal(RpcServerListen(1, 10, TRUE), RPC_S_ALREADY_LISTENING);
    assert_int_equal(RpcMgmtIsServerListening(NULL), RPC_S_OK);
    assert_int_equal(RpcServerUseProtseqEpA((RPC_CSTR) "ncacn_ip_tcp", 10, (RPC_CSTR) "notaport", NULL),
                     RPC_S_INVALID_ENDPOINT_FORMAT);
    assert_int_equal(RpcServerUseProtseqEpA((RPC_CSTR) "ncadg_ip_udp", 10, (RPC_CSTR) "1", NULL),
                     RPC_S_PROTSEQ_NOT_SUPPORTED);
#if !defined(_WIN32)
    /* Named pipes are a Windows transport. */
    assert_int_equal(RpcServerUseProtseqEpA((RPC_CSTR) "ncacn_np", 10, (RPC_CSTR) "\\pipe\\x", NULL),
                     RPC_S_PROTSEQ_NOT_SUPPORTED);
#endif
    assert_int_equal(RpcServerRegisterIf(NULL, NULL, NULL), RPC_S_UNKNOWN_IF);
    RPC_BINDING_VECTOR *v = NULL;
    assert_int_equal(RpcServerInqBindings(&v), RPC_S_OK);
    assert_true(v->Count >= 1);
    assert_int_equal(RpcBindingVectorFree(&v), RPC_S_OK);
    assert_null(v);
}

/* ------------------------------------------------------------ main */

#define CALL_TESTS                                                                 \
    cmocka_unit_test(test_add), cmocka_unit_test(test_echo),                       \
        cmocka_unit_test(test_many_fragments), cmocka_unit_test(test_server_faults), \
        cmocka_unit_test(test_call_attributes), cmocka_unit_test(test_concurrent_callers), \
        cmocka_unit_test(test_call_timeout), cmocka_unit_test(test_binding_api),   \
        cmocka_unit_test(test_security_surface), cmocka_unit_test(test_security_callback), \
        cmocka_unit_test(test_unknown_interface_and_procedure)

int main(void)
{
    const char *ext = getenv("WIRE_BINDING");
    int failures = 0;
    if (ext && *ext) {
        /* Against another process, which the last call shuts down. */
        external = 1;
        snprintf(string_binding, sizeof string_binding, "%s", ext);
        const struct CMUnitTest remote[] = {CALL_TESTS};
        failures += cmocka_run_group_tests_name("wire (remote server)", remote, NULL, NULL);
        RPC_BINDING_HANDLE h = bind_to(string_binding);
        Shutdown(h);
        RpcBindingFree(&h);
        return failures;
    }
    const struct CMUnitTest tcp[] = {CALL_TESTS, cmocka_unit_test(test_bad_bindings),
                                     cmocka_unit_test(test_ipv6_and_host_names), cmocka_unit_test(test_max_rpc_size),
                                     cmocka_unit_test(test_unregister_and_register_again),
                                     cmocka_unit_test(test_server_api)};
    failures += cmocka_run_group_tests_name("wire over ncacn_ip_tcp", tcp, setup_tcp, NULL);
    const struct CMUnitTest lrpc[] = {CALL_TESTS};
    failures += cmocka_run_group_tests_name("wire over ncalrpc", lrpc, setup_lrpc, NULL);
#if defined(_WIN32)
    const struct CMUnitTest np[] = {CALL_TESTS};
    failures += cmocka_run_group_tests_name("wire over ncacn_np", np, setup_np, NULL);
#endif
    RpcMgmtStopServerListening(NULL);
    return failures;
}

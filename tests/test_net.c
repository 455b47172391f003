/* test_net.c - shim/net.h: TCP over IPv4/IPv6/names, bulk send_all over
 * iovecs, end of stream, error codes, the poller; ncalrpc (Unix domain
 * sockets on POSIX, named pipes on Windows) and ncacn_np on Windows.
 *
 * The platform functions are hidden inside the library, so the
 * implementation is compiled into this test. */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#if defined(_WIN32)
#include "../win32/net_win32.c"
#include "../win32/platform_win32.c"
#else
#include "../posix/net_posix.c"
#include "../posix/platform_posix.c"
#endif

#if defined(_WIN32)
#include <winsock2.h>
#endif
#include <windows.h>
#include <rpc.h>
#include "../shim/net.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(_WIN32)
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

/* ------------------------------------------------------------------ helpers */

typedef struct tcp_server {
    arpc_socket ls[2];
    int count;
    unsigned port;
    char portstr[8];
} tcp_server;

static void server_open(tcp_server *srv)
{
    memset(srv, 0, sizeof *srv);
    assert_int_equal(arpc_tcp_listen(NULL, srv->ls, &srv->count, &srv->port), RPC_S_OK);
    assert_true(srv->count == 1 || srv->count == 2);
    assert_true(srv->port > 0 && srv->port < 65536);
    snprintf(srv->portstr, sizeof srv->portstr, "%u", srv->port);
    for (int i = 0; i < srv->count; i++)
        assert_int_equal(arpc_sock_set_nonblocking(srv->ls[i]), RPC_S_OK);
}

static void server_close(tcp_server *srv)
{
    for (int i = 0; i < srv->count; i++)
        arpc_sock_close(srv->ls[i]);
    srv->count = 0;
}

/* The next connection on any of the listeners, within 5 s. */
static arpc_socket server_accept(tcp_server *srv)
{
    for (int tries = 0; tries < 500; tries++) {
        for (int i = 0; i < srv->count; i++) {
            arpc_socket s;
            RPC_STATUS st = arpc_sock_accept(srv->ls[i], &s);
            if (st == RPC_S_OK)
                return s;
            assert_int_equal(st, RPC_S_ASYNC_CALL_PENDING);
        }
        Sleep(10);
    }
    fail_msg("no connection accepted");
    return ARPC_INVALID_SOCKET;
}

/* Blocking read of exactly len bytes. */
static void recv_exact(arpc_socket s, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        long r = arpc_sock_recv(s, (char *)buf + got, len - got);
        if (r == -2) {
            assert_int_equal(arpc_sock_wait_readable(s, 5000), RPC_S_OK);
            continue;
        }
        assert_true(r > 0);
        got += (size_t)r;
    }
}

static void send_str(arpc_socket s, const char *str)
{
    arpc_iovec v = { str, strlen(str) };
    assert_int_equal(arpc_sock_send_all(s, &v, 1, 5000), RPC_S_OK);
}

/* Connect to host, exchange a message each way. */
static void round_trip(const char *host)
{
    tcp_server srv;
    arpc_socket c, a;
    char buf[16];
    server_open(&srv);
    assert_int_equal(arpc_tcp_connect(host, srv.portstr, &c), RPC_S_OK);
    a = server_accept(&srv);
    arpc_sock_set_nodelay(c);
    arpc_sock_set_nodelay(a);

    send_str(c, "ping");
    recv_exact(a, buf, 4);
    assert_memory_equal(buf, "ping", 4);
    send_str(a, "pong!");
    recv_exact(c, buf, 5);
    assert_memory_equal(buf, "pong!", 5);

    assert_int_equal(arpc_sock_peer_is_local(a), 1);
    assert_int_equal(arpc_sock_peer_is_local(c), 1);
    assert_int_equal(arpc_sock_peer_pid(a), 0); /* TCP does not tell */

    arpc_sock_close(c);
    arpc_sock_close(a);
    server_close(&srv);
}

static int have_ipv6_loopback(void)
{
    tcp_server srv;
    arpc_socket c;
    server_open(&srv);
    RPC_STATUS st = arpc_tcp_connect("::1", srv.portstr, &c);
    if (st == RPC_S_OK)
        arpc_sock_close(c);
    server_close(&srv);
    return st == RPC_S_OK;
}

/* A port nobody listens on (just released). */
static void free_port(char *buf, size_t size)
{
    tcp_server srv;
    server_open(&srv);
    snprintf(buf, size, "%s", srv.portstr);
    server_close(&srv);
}

/* ------------------------------------------------------------- TCP tests */

static void test_tcp_ipv4(void **state)
{
    (void)state;
    round_trip("127.0.0.1");
}

static void test_tcp_ipv6(void **state)
{
    (void)state;
    if (!have_ipv6_loopback())
        skip();
    round_trip("::1");
}

static void test_tcp_localhost(void **state)
{
    (void)state;
    round_trip("localhost");
    round_trip(NULL); /* the local machine */
}

/* ---- bulk transfer: one side send_all's 4 MiB, a thread reads it */

#define BULK_SIZE (4u << 20)

typedef struct bulk_reader {
    arpc_socket s;
    size_t total;
    uint32_t sum;
    int errors;
} bulk_reader;

static uint32_t fnv_update(uint32_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static DWORD WINAPI bulk_reader_main(LPVOID arg)
{
    bulk_reader *r = arg;
    static unsigned char buf[65536];
    r->sum = 2166136261u;
    arpc_sock_set_nonblocking(r->s);
    for (;;) {
        long n = arpc_sock_recv(r->s, buf, sizeof buf);
        if (n == -2) {
            if (arpc_sock_wait_readable(r->s, 10000) != RPC_S_OK) {
                r->errors++;
                break;
            }
            continue;
        }
        if (n <= 0) {
            if (n < 0)
                r->errors++;
            break;
        }
        r->sum = fnv_update(r->sum, buf, (size_t)n);
        r->total += (size_t)n;
    }
    return 0;
}

/* send_all 4 MiB in `pieces` iovecs from c (non-blocking) to a (read by
 * a thread), then shut c down: a sees everything, then end of stream. */
static void bulk_transfer_on(arpc_socket c, arpc_socket a, int pieces)
{
    unsigned char *data = malloc(BULK_SIZE);
    arpc_iovec *iov = calloc((size_t)pieces + 2, sizeof *iov);
    assert_non_null(data);
    assert_non_null(iov);
    for (size_t i = 0; i < BULK_SIZE; i++)
        data[i] = (unsigned char)((i * 131u) ^ (i >> 11));

    /* Uneven pieces, with an empty one in the middle. */
    int n = 0;
    size_t off = 0, step = BULK_SIZE / (size_t)pieces;
    for (int k = 0; k < pieces; k++) {
        size_t len = k == pieces - 1 ? BULK_SIZE - off : step - (size_t)(k % 7) * 3u;
        iov[n].base = data + off;
        iov[n].len = len;
        n++;
        off += len;
        if (k == pieces / 2) {
            iov[n].base = NULL;
            iov[n].len = 0;
            n++;
        }
    }
    assert_int_equal(off, BULK_SIZE);

    bulk_reader r = { a, 0, 0, 0 };
    HANDLE th = CreateThread(NULL, 0, bulk_reader_main, &r, 0, NULL);
    assert_non_null(th);

    /* Non-blocking, so send_all must wait for writability itself. */
    assert_int_equal(arpc_sock_set_nonblocking(c), RPC_S_OK);
    assert_int_equal(arpc_sock_send_all(c, iov, n, 10000), RPC_S_OK);
    arpc_sock_shutdown(c);
    assert_int_equal(WaitForSingleObject(th, 30000), WAIT_OBJECT_0);
    CloseHandle(th);

    assert_int_equal(r.errors, 0);
    assert_int_equal(r.total, BULK_SIZE);
    assert_int_equal(r.sum, fnv_update(2166136261u, data, BULK_SIZE));
    free(iov);
    free(data);
}

static void bulk_transfer(int pieces)
{
    tcp_server srv;
    arpc_socket c, a;
    server_open(&srv);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &c), RPC_S_OK);
    a = server_accept(&srv);
    bulk_transfer_on(c, a, pieces);
    arpc_sock_close(a);
    arpc_sock_close(c);
    server_close(&srv);
}

static void test_send_all_bulk(void **state)
{
    (void)state;
    bulk_transfer(5);
}

static void test_send_all_many_iovecs(void **state)
{
    (void)state;
    bulk_transfer(2500); /* more than IOV_MAX (1024) per call */
}

static void test_send_all_empty(void **state)
{
    tcp_server srv;
    arpc_socket c, a;
    (void)state;
    server_open(&srv);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &c), RPC_S_OK);
    a = server_accept(&srv);
    arpc_iovec none = { NULL, 0 };
    assert_int_equal(arpc_sock_send_all(c, NULL, 0, 1000), RPC_S_OK);
    assert_int_equal(arpc_sock_send_all(c, &none, 1, 1000), RPC_S_OK);
    /* Nothing arrived. */
    assert_int_equal(arpc_sock_set_nonblocking(a), RPC_S_OK);
    char b;
    assert_int_equal(arpc_sock_recv(a, &b, 1), -2);
    assert_int_equal(arpc_sock_wait_readable(a, 50), RPC_S_TIMEOUT);
    arpc_sock_close(c);
    arpc_sock_close(a);
    server_close(&srv);
}

/* A peer that never reads: no progress within the timeout. */
static void test_send_all_timeout(void **state)
{
    tcp_server srv;
    arpc_socket c, a;
    (void)state;
    server_open(&srv);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &c), RPC_S_OK);
    a = server_accept(&srv);
    assert_int_equal(arpc_sock_set_nonblocking(c), RPC_S_OK);
    size_t size = 64u << 20; /* far more than the socket buffers hold */
    char *big = calloc(1, size);
    assert_non_null(big);
    arpc_iovec v = { big, size };
    assert_int_equal(arpc_sock_send_all(c, &v, 1, 200), RPC_S_TIMEOUT);
    free(big);
    arpc_sock_close(c);
    arpc_sock_close(a);
    server_close(&srv);
}

static void test_recv_eof(void **state)
{
    tcp_server srv;
    arpc_socket c, a;
    char buf[8];
    (void)state;
    server_open(&srv);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &c), RPC_S_OK);
    a = server_accept(&srv);
    send_str(c, "x");
    arpc_sock_close(c);
    assert_int_equal(arpc_sock_recv(a, buf, sizeof buf), 1);
    assert_int_equal(buf[0], 'x');
    assert_int_equal(arpc_sock_recv(a, buf, sizeof buf), 0);
    assert_int_equal(arpc_sock_recv(a, buf, sizeof buf), 0);
    arpc_sock_close(a);
    server_close(&srv);
}

static void test_shutdown_wakes_reader(void **state)
{
    tcp_server srv;
    arpc_socket c, a;
    char buf[8];
    (void)state;
    server_open(&srv);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &c), RPC_S_OK);
    a = server_accept(&srv);
    arpc_sock_shutdown(a);
    assert_int_equal(arpc_sock_wait_readable(c, 5000), RPC_S_OK);
    assert_int_equal(arpc_sock_recv(c, buf, sizeof buf), 0);
    arpc_sock_close(c);
    arpc_sock_close(a);
    server_close(&srv);
}

static void test_send_to_closed_peer(void **state)
{
    tcp_server srv;
    arpc_socket c, a;
    (void)state;
#if !defined(_WIN32)
    /* The default action of SIGPIPE kills the process: nothing may raise it. */
    signal(SIGPIPE, SIG_DFL);
#endif
    server_open(&srv);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &c), RPC_S_OK);
    a = server_accept(&srv);
    arpc_sock_close(a);

    static char chunk[65536];
    arpc_iovec v = { chunk, sizeof chunk };
    RPC_STATUS st = RPC_S_OK;
    /* The first writes may still be queued; the peer's reset ends it. */
    for (int i = 0; i < 200 && st == RPC_S_OK; i++) {
        st = arpc_sock_send_all(c, &v, 1, 5000);
        if (st == RPC_S_OK)
            Sleep(5);
    }
    assert_int_equal(st, RPC_S_CALL_FAILED);
    /* And again, now that the connection is known dead. */
    assert_int_equal(arpc_sock_send_all(c, &v, 1, 5000), RPC_S_CALL_FAILED);
    arpc_sock_close(c);
    server_close(&srv);
}

static void test_connect_refused(void **state)
{
    char port[8];
    arpc_socket c = 12345;
    (void)state;
    free_port(port, sizeof port);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", port, &c), RPC_S_SERVER_UNAVAILABLE);
    assert_true(c == ARPC_INVALID_SOCKET);
}

static void test_connect_unknown_host(void **state)
{
    arpc_socket c;
    (void)state;
    assert_int_equal(arpc_tcp_connect("no-such-host.invalid", "135", &c), RPC_S_SERVER_UNAVAILABLE);
}

static void test_listen_duplicate(void **state)
{
    tcp_server srv;
    arpc_socket ls[2];
    int count = -1;
    unsigned port = 0;
    (void)state;
    server_open(&srv);
    assert_int_equal(arpc_tcp_listen(srv.portstr, ls, &count, &port), RPC_S_DUPLICATE_ENDPOINT);
    assert_int_equal(count, 0);
    server_close(&srv);

    /* Once the first is closed, the port can be listened on again. */
    assert_int_equal(arpc_tcp_listen(srv.portstr, ls, &count, &port), RPC_S_OK);
    assert_int_equal(port, srv.port);
    for (int i = 0; i < count; i++)
        arpc_sock_close(ls[i]);
}

static void test_bad_port(void **state)
{
    static const char *const bad[] = { "abc", "70000", "65536", "-1", "12x", " 80", "+80", "123456" };
    arpc_socket ls[2], c;
    int count;
    unsigned port;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(arpc_tcp_listen(bad[i], ls, &count, &port), RPC_S_INVALID_ENDPOINT_FORMAT);
        assert_int_equal(arpc_tcp_connect("127.0.0.1", bad[i], &c), RPC_S_INVALID_ENDPOINT_FORMAT);
    }
    assert_int_equal(arpc_tcp_connect("127.0.0.1", "", &c), RPC_S_INVALID_ENDPOINT_FORMAT);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", "0", &c), RPC_S_INVALID_ENDPOINT_FORMAT);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", NULL, &c), RPC_S_INVALID_ENDPOINT_FORMAT);
}

/* ------------------------------------------------------------------ poller */

static DWORD WINAPI waker_main(LPVOID arg)
{
    Sleep(50);
    arpc_poller_wake(arg);
    return 0;
}

static void test_poller(void **state)
{
    tcp_server srv;
    arpc_socket cli[3], srvs[3];
    int tags[3];
    void *ready[8] = {0};
    (void)state;
    server_open(&srv);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &cli[i]), RPC_S_OK);
        srvs[i] = server_accept(&srv);
    }
    arpc_poller *p = arpc_poller_new(0);
    assert_non_null(p);
    for (int i = 0; i < 3; i++)
        assert_int_equal(arpc_poller_add(p, srvs[i], &tags[i]), RPC_S_OK);

    /* Nothing ready: timeout. */
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);

    /* Data on the second: exactly that one, and again while unread. */
    send_str(cli[1], "hello");
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &tags[1]);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 0), 1);
    assert_ptr_equal(ready[0], &tags[1]);
    char buf[8];
    recv_exact(srvs[1], buf, 5);
    assert_int_equal(arpc_sock_recv(srvs[1], buf, sizeof buf), -2); /* non-blocking now */
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);

    /* A wake before the wait, and one during it. */
    arpc_poller_wake(p);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_null(ready[0]);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);
    HANDLE th = CreateThread(NULL, 0, waker_main, p, 0, NULL);
    assert_non_null(th);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_null(ready[0]);
    assert_int_equal(WaitForSingleObject(th, 5000), WAIT_OBJECT_0);
    CloseHandle(th);

    /* Removed: its data no longer counts. */
    arpc_poller_remove(p, srvs[0]);
    send_str(cli[0], "z");
    assert_int_equal(arpc_poller_wait(p, ready, 8, 100), 0);

    /* A hang-up is readiness. */
    arpc_sock_close(cli[2]);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &tags[2]);
    assert_int_equal(arpc_sock_recv(srvs[2], buf, sizeof buf), 0);

    /* A listener is readable when a connection waits. */
    arpc_poller_remove(p, srvs[2]);
    arpc_poller_remove(p, srvs[1]);
    for (int i = 0; i < srv.count; i++)
        assert_int_equal(arpc_poller_add(p, srv.ls[i], &srv), RPC_S_OK);
    arpc_socket extra;
    assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &extra), RPC_S_OK);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &srv);
    arpc_socket acc = server_accept(&srv);
    for (int i = 0; i < srv.count; i++)
        arpc_poller_remove(p, srv.ls[i]);

    arpc_poller_free(p);
    arpc_sock_close(acc);
    arpc_sock_close(extra);
    for (int i = 0; i < 3; i++) {
        if (i != 2)
            arpc_sock_close(cli[i]);
        arpc_sock_close(srvs[i]);
    }
    server_close(&srv);
}

struct oneshot_waiter {
    arpc_poller *p;
    void *got;
    int n;
};

static DWORD WINAPI oneshot_waiter_main(LPVOID arg)
{
    struct oneshot_waiter *w = arg;
    w->n = arpc_poller_wait(w->p, &w->got, 1, 5000);
    return 0;
}

/* One-shot: a socket is reported once until rearmed, and several threads
 * waiting at once each get a different one (the server's I/O threads). */
static void test_poller_oneshot(void **state)
{
    tcp_server srv;
    arpc_socket cli[3], srvs[3];
    int tags[3];
    void *ready[8] = {0};
    char buf[8];
    (void)state;
    server_open(&srv);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &cli[i]), RPC_S_OK);
        srvs[i] = server_accept(&srv);
    }
    arpc_poller *p = arpc_poller_new(ARPC_POLLER_ONESHOT);
    assert_non_null(p);
    for (int i = 0; i < 3; i++)
        assert_int_equal(arpc_poller_add(p, srvs[i], &tags[i]), RPC_S_OK);

    /* Reported once, unread data or not, until rearmed. */
    send_str(cli[1], "hello");
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &tags[1]);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);
    arpc_poller_rearm(p, srvs[1], &tags[1]);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &tags[1]);

    /* Rearmed while idle: reported when data comes. */
    recv_exact(srvs[1], buf, 5);
    assert_int_equal(arpc_sock_recv(srvs[1], buf, sizeof buf), -2);
    arpc_poller_rearm(p, srvs[1], &tags[1]);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);
    send_str(cli[1], "again");
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &tags[1]);
    recv_exact(srvs[1], buf, 5);

    /* Two threads waiting, two sockets ready: one each. */
    struct oneshot_waiter w[2] = {{p, NULL, -1}, {p, NULL, -1}};
    HANDLE th[2];
    for (int i = 0; i < 2; i++) {
        th[i] = CreateThread(NULL, 0, oneshot_waiter_main, &w[i], 0, NULL);
        assert_non_null(th[i]);
    }
    Sleep(50);
    send_str(cli[0], "a");
    send_str(cli[2], "b");
    for (int i = 0; i < 2; i++) {
        assert_int_equal(WaitForSingleObject(th[i], 10000), WAIT_OBJECT_0);
        CloseHandle(th[i]);
        assert_int_equal(w[i].n, 1);
    }
    assert_true((w[0].got == &tags[0] && w[1].got == &tags[2]) || (w[0].got == &tags[2] && w[1].got == &tags[0]));
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);

    /* Rearming a removed socket does not bring it back. */
    arpc_poller_remove(p, srvs[0]);
    arpc_poller_rearm(p, srvs[0], &tags[0]);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 100), 0);
    /* Adding again arms it. */
    assert_int_equal(arpc_poller_add(p, srvs[0], &tags[0]), RPC_S_OK);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &tags[0]);

    for (int i = 0; i < 3; i++)
        arpc_poller_remove(p, srvs[i]);
    arpc_poller_free(p);
    for (int i = 0; i < 3; i++) {
        arpc_sock_close(cli[i]);
        arpc_sock_close(srvs[i]);
    }
    server_close(&srv);
}

#if defined(_WIN32)
/* --------------------------------------- Windows: ncalrpc and ncacn_np (pipes) */

/* A connected pipe pair on a fresh ncalrpc endpoint; *ls stays listening. */
static void pipe_pair(char *ep, size_t epsize, arpc_socket *ls, arpc_socket *c, arpc_socket *a)
{
    arpc_local_dynamic_endpoint(ep, epsize);
    assert_int_equal(arpc_local_listen(ep, ls), RPC_S_OK);
    assert_int_equal(arpc_local_connect(ep, c), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(*ls, a), RPC_S_OK); /* blocking listener */
}

static void test_local_round_trip(void **state)
{
    arpc_socket ls, c, a;
    char ep[64], buf[8];
    (void)state;
    pipe_pair(ep, sizeof ep, &ls, &c, &a);
    assert_true(strlen(ep) > 0);
    arpc_sock_set_nodelay(a); /* a no-op here */
    send_str(c, "abc");
    recv_exact(a, buf, 3);
    assert_memory_equal(buf, "abc", 3);
    send_str(a, "de");
    recv_exact(c, buf, 2);
    assert_memory_equal(buf, "de", 2);
    assert_int_equal(arpc_sock_peer_is_local(a), 1);
    assert_int_equal(arpc_sock_peer_is_local(c), 1);
    uint32_t pa = arpc_sock_peer_pid(a), pc = arpc_sock_peer_pid(c);
    assert_true(pa == 0 || pa == GetCurrentProcessId());
    assert_true(pc == 0 || pc == GetCurrentProcessId());

    /* A second client while the first is connected. */
    arpc_socket c2, a2;
    assert_int_equal(arpc_local_connect(ep, &c2), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(ls, &a2), RPC_S_OK);
    send_str(c2, "2");
    recv_exact(a2, buf, 1);
    assert_int_equal(buf[0], '2');

    /* Non-blocking accept with nobody waiting. */
    arpc_socket none;
    assert_int_equal(arpc_sock_set_nonblocking(ls), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(ls, &none), RPC_S_ASYNC_CALL_PENDING);

    arpc_sock_close(c2);
    arpc_sock_close(a2);
    arpc_sock_close(c);
    arpc_sock_close(a);
    arpc_sock_close(ls);
    arpc_local_unlink(ep);
    assert_int_equal(arpc_local_connect(ep, &c), RPC_S_SERVER_UNAVAILABLE);
    assert_true(c == ARPC_INVALID_SOCKET);
}

static void test_local_bulk(void **state)
{
    arpc_socket ls, c, a;
    char ep[64];
    (void)state;
    pipe_pair(ep, sizeof ep, &ls, &c, &a);
    bulk_transfer_on(c, a, 5);          /* client to server */
    arpc_sock_close(a);
    arpc_sock_close(c);
    assert_int_equal(arpc_local_connect(ep, &c), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(ls, &a), RPC_S_OK);
    bulk_transfer_on(a, c, 2500);       /* server to client, many iovecs */
    arpc_sock_close(a);
    arpc_sock_close(c);
    arpc_sock_close(ls);
}

static void test_local_eof(void **state)
{
    arpc_socket ls, c, a;
    char ep[64], buf[8];
    (void)state;
    pipe_pair(ep, sizeof ep, &ls, &c, &a);
    send_str(c, "x");
    arpc_sock_close(c);
    assert_int_equal(arpc_sock_recv(a, buf, sizeof buf), 1);
    assert_int_equal(buf[0], 'x');
    assert_int_equal(arpc_sock_recv(a, buf, sizeof buf), 0);
    assert_int_equal(arpc_sock_recv(a, buf, sizeof buf), 0);
    /* And the other way, the server hanging up. */
    arpc_sock_close(a);
    assert_int_equal(arpc_local_connect(ep, &c), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(ls, &a), RPC_S_OK);
    send_str(a, "yz");
    arpc_sock_close(a);
    recv_exact(c, buf, 2);
    assert_memory_equal(buf, "yz", 2);
    assert_int_equal(arpc_sock_recv(c, buf, sizeof buf), 0);
    arpc_sock_close(c);
    arpc_sock_close(ls);
}

static void test_local_shutdown(void **state)
{
    arpc_socket ls, c, a;
    char ep[64], buf[8];
    (void)state;
    pipe_pair(ep, sizeof ep, &ls, &c, &a);
    /* Nothing to read yet; then shutting down the reader's own end wakes it. */
    assert_int_equal(arpc_sock_set_nonblocking(c), RPC_S_OK);
    assert_int_equal(arpc_sock_recv(c, buf, sizeof buf), -2);
    assert_int_equal(arpc_sock_wait_readable(c, 50), RPC_S_TIMEOUT);
    arpc_sock_shutdown(a);
    assert_int_equal(arpc_sock_wait_readable(c, 5000), RPC_S_OK);
    assert_int_equal(arpc_sock_recv(c, buf, sizeof buf), 0);
    arpc_iovec v = { "q", 1 };
    assert_int_equal(arpc_sock_send_all(a, &v, 1, 1000), RPC_S_CALL_FAILED);
    arpc_sock_close(c);
    arpc_sock_close(a);
    arpc_sock_close(ls);
}

static void test_local_send_errors(void **state)
{
    arpc_socket ls, c, a;
    char ep[64];
    (void)state;
    /* A peer that never reads: no progress within the timeout. */
    pipe_pair(ep, sizeof ep, &ls, &c, &a);
    assert_int_equal(arpc_sock_set_nonblocking(c), RPC_S_OK);
    size_t size = 64u << 20;
    char *big = calloc(1, size);
    assert_non_null(big);
    arpc_iovec v = { big, size };
    assert_int_equal(arpc_sock_send_all(c, &v, 1, 200), RPC_S_TIMEOUT);
    free(big);
    arpc_sock_close(c);
    arpc_sock_close(a);
    /* A peer that is gone: the broken pipe is RPC_S_CALL_FAILED. */
    assert_int_equal(arpc_local_connect(ep, &c), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(ls, &a), RPC_S_OK);
    arpc_sock_close(a);
    static char chunk[65536];
    arpc_iovec w = { chunk, sizeof chunk };
    assert_int_equal(arpc_sock_send_all(c, &w, 1, 5000), RPC_S_CALL_FAILED);
    assert_int_equal(arpc_sock_send_all(c, &w, 1, 5000), RPC_S_CALL_FAILED);
    arpc_sock_close(c);
    arpc_sock_close(ls);
}

static void test_local_bad_names(void **state)
{
    arpc_socket s;
    char longname[300];
    (void)state;
    static const char *const bad[] = { "a/b", "a\\b", "\\abs", "..", ".", "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(arpc_local_listen(bad[i], &s), RPC_S_INVALID_ENDPOINT_FORMAT);
        assert_int_equal(arpc_local_connect(bad[i], &s), RPC_S_INVALID_ENDPOINT_FORMAT);
    }
    assert_int_equal(arpc_local_listen(NULL, &s), RPC_S_INVALID_ENDPOINT_FORMAT);
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_int_equal(arpc_local_listen(longname, &s), RPC_S_INVALID_ENDPOINT_FORMAT);
}

static void test_local_duplicate(void **state)
{
    arpc_socket a, b;
    (void)state;
    assert_int_equal(arpc_local_listen("dup-ep", &a), RPC_S_OK);
    assert_int_equal(arpc_local_listen("dup-ep", &b), RPC_S_DUPLICATE_ENDPOINT);
    assert_true(b == ARPC_INVALID_SOCKET);
    /* The live server still works. */
    arpc_socket c, s;
    assert_int_equal(arpc_local_connect("dup-ep", &c), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(a, &s), RPC_S_OK);
    assert_int_equal(arpc_local_listen("dup-ep", &b), RPC_S_DUPLICATE_ENDPOINT);
    arpc_sock_close(c);
    arpc_sock_close(s);
    arpc_sock_close(a);
    /* Once the server is gone, the name is free again. */
    assert_int_equal(arpc_local_listen("dup-ep", &a), RPC_S_OK);
    arpc_sock_close(a);
}

static void test_local_poller(void **state)
{
    arpc_socket ls, cli[3], srvs[3];
    int tags[3], ltag;
    void *ready[8] = {0};
    char ep[64], buf[8];
    (void)state;
    arpc_local_dynamic_endpoint(ep, sizeof ep);
    assert_int_equal(arpc_local_listen(ep, &ls), RPC_S_OK);
    arpc_poller *p = arpc_poller_new(0);
    assert_non_null(p);
    assert_int_equal(arpc_poller_add(p, ls, &ltag), RPC_S_OK);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);

    /* A listener is readable when a client waits; accepting clears it. */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(arpc_local_connect(ep, &cli[i]), RPC_S_OK);
        assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
        assert_ptr_equal(ready[0], &ltag);
        assert_int_equal(arpc_sock_accept(ls, &srvs[i]), RPC_S_OK);
        arpc_socket none;
        assert_int_equal(arpc_sock_accept(ls, &none), RPC_S_ASYNC_CALL_PENDING);
    }
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(arpc_poller_add(p, srvs[i], &tags[i]), RPC_S_OK);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);

    /* Data on the second: exactly that one, and again while unread. */
    send_str(cli[1], "hello");
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &tags[1]);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 0), 1);
    assert_ptr_equal(ready[0], &tags[1]);
    recv_exact(srvs[1], buf, 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(arpc_sock_recv(srvs[1], buf, sizeof buf), -2);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 50), 0);

    /* Server to client, with the client in the poller too. */
    int ctag;
    assert_int_equal(arpc_poller_add(p, cli[0], &ctag), RPC_S_OK);
    send_str(srvs[0], "back");
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &ctag);
    recv_exact(cli[0], buf, 4);
    assert_memory_equal(buf, "back", 4);
    assert_int_equal(arpc_sock_recv(cli[0], buf, sizeof buf), -2);
    arpc_poller_remove(p, cli[0]);

    /* Wakes, before the wait and during it. */
    arpc_poller_wake(p);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_null(ready[0]);
    HANDLE th = CreateThread(NULL, 0, waker_main, p, 0, NULL);
    assert_non_null(th);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_null(ready[0]);
    assert_int_equal(WaitForSingleObject(th, 5000), WAIT_OBJECT_0);
    CloseHandle(th);

    /* Removed: its data no longer counts, but stays readable. */
    arpc_poller_remove(p, srvs[0]);
    send_str(cli[0], "z");
    assert_int_equal(arpc_poller_wait(p, ready, 8, 100), 0);
    recv_exact(srvs[0], buf, 1);
    assert_int_equal(buf[0], 'z');

    /* A hang-up is readiness. */
    arpc_sock_close(cli[2]);
    assert_int_equal(arpc_poller_wait(p, ready, 8, 5000), 1);
    assert_ptr_equal(ready[0], &tags[2]);
    assert_int_equal(arpc_sock_recv(srvs[2], buf, sizeof buf), 0);

    /* So is a shutdown of one's own end (the runtime's way to close). */
    arpc_sock_shutdown(srvs[1]);
    int found = 0, n = arpc_poller_wait(p, ready, 8, 5000);
    for (int k = 0; k < n; k++)
        found |= ready[k] == &tags[1];
    assert_true(found); /* with srvs[2], still at its end of stream */
    assert_int_equal(arpc_sock_recv(cli[1], buf, sizeof buf), 0);

    arpc_poller_remove(p, srvs[2]);
    arpc_poller_remove(p, srvs[1]);
    arpc_poller_remove(p, ls);
    arpc_poller_free(p);
    for (int i = 0; i < 3; i++) {
        if (i != 2)
            arpc_sock_close(cli[i]);
        arpc_sock_close(srvs[i]);
    }
    arpc_sock_close(ls);
}

/* Many clients, one poller thread, no thread per connection. */
enum { MANY = 40 };

typedef struct many_clients {
    const char *ep;
    arpc_socket cli[MANY];
    int errors;
} many_clients;

/* Connects them all at once: the later ones wait for a pipe instance. */
static DWORD WINAPI many_connect_main(LPVOID arg)
{
    many_clients *m = arg;
    for (int i = 0; i < MANY; i++)
        if (arpc_local_connect(m->ep, &m->cli[i]) != RPC_S_OK)
            m->errors++;
    return 0;
}

static void test_local_many(void **state)
{
    enum { N = MANY };
    arpc_socket ls, cli[N], srvs[N];
    int tags[N], ltag;
    void *ready[64];
    char ep[64], buf[16];
    (void)state;
    arpc_local_dynamic_endpoint(ep, sizeof ep);
    assert_int_equal(arpc_local_listen(ep, &ls), RPC_S_OK);
    arpc_poller *p = arpc_poller_new(0);
    assert_non_null(p);
    assert_int_equal(arpc_poller_add(p, ls, &ltag), RPC_S_OK);
    int accepted = 0;
    static many_clients m;
    memset(&m, 0, sizeof m);
    m.ep = ep;
    HANDLE th = CreateThread(NULL, 0, many_connect_main, &m, 0, NULL);
    assert_non_null(th);
    while (accepted < N) {
        int n = arpc_poller_wait(p, ready, 64, 5000);
        assert_true(n > 0);
        arpc_socket a;
        while (arpc_sock_accept(ls, &a) == RPC_S_OK) {
            tags[accepted] = accepted;
            srvs[accepted] = a;
            assert_int_equal(arpc_poller_add(p, a, &tags[accepted]), RPC_S_OK);
            accepted++;
        }
    }
    assert_int_equal(WaitForSingleObject(th, 30000), WAIT_OBJECT_0);
    CloseHandle(th);
    assert_int_equal(m.errors, 0);
    memcpy(cli, m.cli, sizeof cli);
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "%02d", i);
        send_str(cli[i], buf);
    }
    int seen[N] = {0}, got = 0;
    while (got < N) {
        int n = arpc_poller_wait(p, ready, 64, 5000);
        assert_true(n > 0);
        for (int k = 0; k < n; k++) {
            if (ready[k] == &ltag || !ready[k])
                continue;
            int i = *(int *)ready[k];
            long r = arpc_sock_recv(srvs[i], buf, sizeof buf);
            if (r == -2)
                continue;
            assert_int_equal(r, 2);
            assert_int_equal((buf[0] - '0') * 10 + (buf[1] - '0'), i);
            assert_int_equal(seen[i], 0);
            seen[i] = 1;
            got++;
        }
    }
    for (int i = 0; i < N; i++) {
        arpc_poller_remove(p, srvs[i]);
        arpc_sock_close(srvs[i]);
        arpc_sock_close(cli[i]);
    }
    arpc_poller_remove(p, ls);
    arpc_poller_free(p);
    arpc_sock_close(ls);
}

static void test_np(void **state)
{
    arpc_socket ls, c, a, x;
    char buf[8];
    (void)state;
    static const char *const bad[] = { "", "pipe\\x", "\\pipe\\", "\\pipe\\\\x", "\\other\\x", "\\pipe\\a/b" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(arpc_np_listen(bad[i], &x), RPC_S_INVALID_ENDPOINT_FORMAT);
        assert_int_equal(arpc_np_connect(NULL, bad[i], &x), RPC_S_INVALID_ENDPOINT_FORMAT);
    }
    assert_int_equal(arpc_np_connect(NULL, "\\pipe\\arpc-test-np", &x), RPC_S_SERVER_UNAVAILABLE);
    assert_int_equal(arpc_np_listen("\\pipe\\arpc-test-np", &ls), RPC_S_OK);
    assert_int_equal(arpc_np_listen("\\PIPE\\arpc-test-np", &x), RPC_S_DUPLICATE_ENDPOINT);
    static const char *const hosts[] = { NULL, "", ".", "localhost", "LocalHost" };
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        assert_int_equal(arpc_np_connect(hosts[i], "\\pipe\\arpc-test-np", &c), RPC_S_OK);
        assert_int_equal(arpc_sock_accept(ls, &a), RPC_S_OK);
        send_str(c, "np");
        recv_exact(a, buf, 2);
        assert_memory_equal(buf, "np", 2);
        assert_int_equal(arpc_sock_peer_is_local(a), 1);
        arpc_sock_close(c);
        arpc_sock_close(a);
    }
    assert_int_equal(arpc_np_connect("otherhost.invalid", "\\pipe\\arpc-test-np", &x), RPC_S_SERVER_UNAVAILABLE);
    /* ncalrpc and ncacn_np names do not meet. */
    assert_int_equal(arpc_local_connect("arpc-test-np", &x), RPC_S_SERVER_UNAVAILABLE);
    arpc_sock_close(ls);
}

#else
/* ---------------------------------------------------------- POSIX: ncalrpc */

static char runtime_root[64];
static char runtime_dir[128];

static int local_setup(void **state)
{
    (void)state;
    snprintf(runtime_root, sizeof runtime_root, "/tmp/arpc-test-net-XXXXXX");
    if (!mkdtemp(runtime_root))
        return -1;
    snprintf(runtime_dir, sizeof runtime_dir, "%s/asyncrpc", runtime_root);
    return setenv("XDG_RUNTIME_DIR", runtime_root, 1);
}

static int local_teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", runtime_root);
    return system(cmd) == 0 ? 0 : -1;
}

static void sock_path(char *buf, size_t size, const char *ep)
{
    snprintf(buf, size, "%s/%s", runtime_dir, ep);
}

static void test_local_round_trip(void **state)
{
    arpc_socket ls, c, a;
    char ep[64], path[256], buf[8];
    struct stat st;
    (void)state;
    arpc_local_dynamic_endpoint(ep, sizeof ep);
    assert_true(strlen(ep) > 0);
    assert_null(strchr(ep, '/'));
    assert_int_equal(arpc_local_listen(ep, &ls), RPC_S_OK);

    assert_int_equal(stat(runtime_dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    sock_path(path, sizeof path, ep);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);

    assert_int_equal(arpc_local_connect(ep, &c), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(ls, &a), RPC_S_OK);
    arpc_sock_set_nodelay(a); /* a no-op here */
    send_str(c, "abc");
    recv_exact(a, buf, 3);
    assert_memory_equal(buf, "abc", 3);
    send_str(a, "de");
    recv_exact(c, buf, 2);
    assert_memory_equal(buf, "de", 2);

    assert_int_equal(arpc_sock_peer_pid(a), (uint32_t)getpid());
    assert_int_equal(arpc_sock_peer_pid(c), (uint32_t)getpid());
    assert_int_equal(arpc_sock_peer_is_local(a), 1);
    assert_int_equal(arpc_sock_peer_is_local(c), 1);

    /* Non-blocking accept with nobody waiting. */
    arpc_socket none;
    assert_int_equal(arpc_sock_set_nonblocking(ls), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(ls, &none), RPC_S_ASYNC_CALL_PENDING);

    arpc_sock_close(c);
    arpc_sock_close(a);
    arpc_sock_close(ls);
    arpc_local_unlink(ep);
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(arpc_local_connect(ep, &c), RPC_S_SERVER_UNAVAILABLE);
}

static void test_local_bad_names(void **state)
{
    arpc_socket s;
    char longname[200];
    (void)state;
    static const char *const bad[] = { "a/b", "/abs", "..", ".", "", "../x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(arpc_local_listen(bad[i], &s), RPC_S_INVALID_ENDPOINT_FORMAT);
        assert_int_equal(arpc_local_connect(bad[i], &s), RPC_S_INVALID_ENDPOINT_FORMAT);
    }
    assert_int_equal(arpc_local_listen(NULL, &s), RPC_S_INVALID_ENDPOINT_FORMAT);
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_int_equal(arpc_local_listen(longname, &s), RPC_S_INVALID_ENDPOINT_FORMAT);
}

static void test_local_duplicate(void **state)
{
    arpc_socket a, b;
    (void)state;
    assert_int_equal(arpc_local_listen("dup-ep", &a), RPC_S_OK);
    assert_int_equal(arpc_local_listen("dup-ep", &b), RPC_S_DUPLICATE_ENDPOINT);
    /* The live server still works. */
    arpc_socket c, s;
    assert_int_equal(arpc_local_connect("dup-ep", &c), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(a, &s), RPC_S_OK);
    arpc_sock_close(c);
    arpc_sock_close(s);
    arpc_sock_close(a);
    arpc_local_unlink("dup-ep");
}

static void test_local_stale(void **state)
{
    arpc_socket ls, c, a;
    char path[256];
    (void)state;
    /* A server that died without unlinking: the file stays, nobody listens. */
    assert_int_equal(arpc_local_listen("stale-ep", &ls), RPC_S_OK);
    arpc_sock_close(ls);
    sock_path(path, sizeof path, "stale-ep");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(arpc_local_connect("stale-ep", &c), RPC_S_SERVER_UNAVAILABLE);

    assert_int_equal(arpc_local_listen("stale-ep", &ls), RPC_S_OK);
    assert_int_equal(arpc_local_connect("stale-ep", &c), RPC_S_OK);
    assert_int_equal(arpc_sock_accept(ls, &a), RPC_S_OK);
    arpc_sock_close(c);
    arpc_sock_close(a);
    arpc_sock_close(ls);
    arpc_local_unlink("stale-ep");
}

static void test_local_unsafe_dir(void **state)
{
    arpc_socket s;
    (void)state;
    assert_int_equal(arpc_local_listen("probe-ep", &s), RPC_S_OK); /* makes the dir */
    arpc_sock_close(s);
    arpc_local_unlink("probe-ep");
    assert_int_equal(chmod(runtime_dir, 0755), 0);
    assert_int_equal(arpc_local_listen("unsafe-ep", &s), RPC_S_CANT_CREATE_ENDPOINT);
    assert_int_equal(arpc_local_connect("unsafe-ep", &s), RPC_S_SERVER_UNAVAILABLE);
    assert_int_equal(chmod(runtime_dir, 0700), 0);
    assert_int_equal(arpc_local_listen("unsafe-ep", &s), RPC_S_OK);
    arpc_sock_close(s);
    arpc_local_unlink("unsafe-ep");
}

static void test_cloexec(void **state)
{
    tcp_server srv;
    arpc_socket c, a, l;
    (void)state;
    server_open(&srv);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", srv.portstr, &c), RPC_S_OK);
    a = server_accept(&srv);
    assert_int_equal(arpc_local_listen("cloexec-ep", &l), RPC_S_OK);
    assert_true(fcntl((int)srv.ls[0], F_GETFD) & FD_CLOEXEC);
    assert_true(fcntl((int)c, F_GETFD) & FD_CLOEXEC);
    assert_true(fcntl((int)a, F_GETFD) & FD_CLOEXEC);
    assert_true(fcntl((int)l, F_GETFD) & FD_CLOEXEC);
    arpc_sock_close(l);
    arpc_local_unlink("cloexec-ep");
    arpc_sock_close(c);
    arpc_sock_close(a);
    server_close(&srv);
}
#endif

static int group_setup(void **state)
{
    (void)state;
    return arpc_net_init() == RPC_S_OK ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_ipv4),
        cmocka_unit_test(test_tcp_ipv6),
        cmocka_unit_test(test_tcp_localhost),
        cmocka_unit_test(test_send_all_bulk),
        cmocka_unit_test(test_send_all_many_iovecs),
        cmocka_unit_test(test_send_all_empty),
        cmocka_unit_test(test_send_all_timeout),
        cmocka_unit_test(test_recv_eof),
        cmocka_unit_test(test_shutdown_wakes_reader),
        cmocka_unit_test(test_send_to_closed_peer),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_connect_unknown_host),
        cmocka_unit_test(test_listen_duplicate),
        cmocka_unit_test(test_bad_port),
        cmocka_unit_test(test_poller),
        cmocka_unit_test(test_poller_oneshot),
#if defined(_WIN32)
        cmocka_unit_test(test_local_round_trip),
        cmocka_unit_test(test_local_bulk),
        cmocka_unit_test(test_local_eof),
        cmocka_unit_test(test_local_shutdown),
        cmocka_unit_test(test_local_send_errors),
        cmocka_unit_test(test_local_bad_names),
        cmocka_unit_test(test_local_duplicate),
        cmocka_unit_test(test_local_poller),
        cmocka_unit_test(test_local_many),
        cmocka_unit_test(test_np),
#endif
    };
    int failed = cmocka_run_group_tests_name("net", tests, group_setup, NULL);
#if !defined(_WIN32)
    const struct CMUnitTest local_tests[] = {
        cmocka_unit_test(test_local_round_trip),
        cmocka_unit_test(test_local_bad_names),
        cmocka_unit_test(test_local_duplicate),
        cmocka_unit_test(test_local_stale),
        cmocka_unit_test(test_local_unsafe_dir),
        cmocka_unit_test(test_cloexec),
    };
    failed += cmocka_run_group_tests_name("ncalrpc", local_tests, local_setup, local_teardown);
#endif
    return failed ? 1 : 0;
}

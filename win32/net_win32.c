/* net_win32.c - shim/net.h on Windows: Winsock 2.
 *
 * ncalrpc is not provided here yet: arpc_local_connect/arpc_local_listen
 * return RPC_S_PROTSEQ_NOT_SUPPORTED (1703).  (Windows' own ncalrpc is ALPC;
 * a named-pipe or AF_UNIX transport would go here.)
 *
 * The poller is WSAPoll over an array guarded by a mutex.  Its first entry
 * is a UDP socket bound to 127.0.0.1 that the poller sends a byte to when it
 * must wake: for arpc_poller_wake, and (invisibly) when the set changes so
 * that a wait in progress picks up the new set.
 *
 * Sockets are made non-inheritable (the CLOEXEC of POSIX).  Winsock has no
 * SIGPIPE.  A connection accepted from a non-blocking listener is switched
 * back to blocking, as on POSIX. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define NET_FOREVER 0xFFFFFFFFu
/* WSABUFs handed to one WSASend. */
#define NET_WSABUF_CHUNK 1024

/* ------------------------------------------------------------------- init */

static arpc_once_flag net_once = ARPC_ONCE_INIT;
static int net_startup_error;

static void net_startup(void)
{
    WSADATA wsa;
    net_startup_error = WSAStartup(MAKEWORD(2, 2), &wsa);
}

RPC_STATUS arpc_net_init(void)
{
    arpc_once(&net_once, net_startup);
    return net_startup_error ? RPC_S_OUT_OF_RESOURCES : RPC_S_OK;
}

/* ---------------------------------------------------------------- helpers */

static SOCKET net_sock(arpc_socket s)
{
    return (SOCKET)(uintptr_t)s;
}

static arpc_socket net_wrap(SOCKET s)
{
    return (arpc_socket)(intptr_t)s;
}

static void net_no_inherit(SOCKET s)
{
    SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
}

static SOCKET net_socket(int family, int type, int proto)
{
    SOCKET s = socket(family, type, proto);
    if (s != INVALID_SOCKET)
        net_no_inherit(s);
    return s;
}

static int net_remaining(uint32_t timeout_ms, ULONGLONG start)
{
    if (timeout_ms == NET_FOREVER)
        return -1;
    ULONGLONG spent = GetTickCount64() - start;
    if (spent >= timeout_ms)
        return 0;
    ULONGLONG left = timeout_ms - spent;
    return left > INT_MAX ? INT_MAX : (int)left;
}

/* select() for one socket: 1 ready, 0 timed out, -1 error.  (select rather
 * than WSAPoll, which misses failed connections on older Windows.) */
static int net_select_one(SOCKET s, int for_write, uint32_t timeout_ms)
{
    fd_set set, err;
    FD_ZERO(&set);
    FD_ZERO(&err);
    FD_SET(s, &set);
    FD_SET(s, &err);
    struct timeval tv, *ptv = NULL;
    if (timeout_ms != NET_FOREVER) {
        tv.tv_sec = (long)(timeout_ms / 1000u);
        tv.tv_usec = (long)(timeout_ms % 1000u) * 1000L;
        ptv = &tv;
    }
    int r = select(0, for_write ? NULL : &set, for_write ? &set : NULL, &err, ptv);
    if (r == SOCKET_ERROR)
        return -1;
    return r > 0 ? 1 : 0;
}

static RPC_STATUS net_resource_error(int e, RPC_STATUS otherwise)
{
    switch (e) {
    case WSAEMFILE:
    case WSAENOBUFS:
    case WSA_NOT_ENOUGH_MEMORY:
        return RPC_S_OUT_OF_RESOURCES;
    default:
        return otherwise;
    }
}

static int net_parse_port(const char *port, int allow_zero, unsigned *out)
{
    if (!port || !*port || strlen(port) > 5)
        return 0;
    unsigned v = 0;
    for (const char *p = port; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10u + (unsigned)(*p - '0');
    }
    if (v > 65535u || (v == 0 && !allow_zero))
        return 0;
    *out = v;
    return 1;
}

static RPC_STATUS net_connect_status(int e)
{
    return net_resource_error(e, RPC_S_SERVER_UNAVAILABLE);
}

/* ---------------------------------------------------------------------- TCP */

RPC_STATUS arpc_tcp_connect(const char *host, const char *port, arpc_socket *out)
{
    unsigned portnum;
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    if (!net_parse_port(port, 0, &portnum))
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    RPC_STATUS st = arpc_net_init();
    if (st != RPC_S_OK)
        return st;

    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV;
    struct addrinfo *list = NULL;
    int rc = getaddrinfo(host && *host ? host : NULL, port, &hints, &list);
    if (rc != 0) {
        if (rc == EAI_SERVICE)
            return RPC_S_INVALID_ENDPOINT_FORMAT;
        if (rc == EAI_MEMORY)
            return RPC_S_OUT_OF_RESOURCES;
        return RPC_S_SERVER_UNAVAILABLE; /* WSAHOST_NOT_FOUND, WSATRY_AGAIN, ... */
    }

    st = RPC_S_SERVER_UNAVAILABLE;
    for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        SOCKET s = net_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == INVALID_SOCKET) {
            st = net_connect_status(WSAGetLastError());
            continue;
        }
        if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) == 0) {
            *out = net_wrap(s);
            st = RPC_S_OK;
            break;
        }
        st = net_connect_status(WSAGetLastError());
        closesocket(s);
    }
    freeaddrinfo(list);
    return st;
}

/* A listening socket on the wildcard address; 0 or a WSA error. */
static int net_tcp_listener(int family, int v6only, unsigned port, SOCKET *out)
{
    SOCKET s = net_socket(family, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        return WSAGetLastError();
    /* Not SO_REUSEADDR: on Windows that lets a second socket steal the
     * port.  Exclusive use is what POSIX SO_REUSEADDR listeners get. */
    BOOL yes = TRUE;
    setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&yes, sizeof yes);
    if (family == AF_INET6) {
        DWORD v = (DWORD)v6only;
        if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&v, sizeof v) != 0) {
            int e = WSAGetLastError();
            closesocket(s);
            return e;
        }
    }
    struct sockaddr_storage ss;
    int len;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_addr = in6addr_any;
        a6->sin6_port = htons((u_short)port);
        len = (int)sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_addr.s_addr = htonl(INADDR_ANY);
        a4->sin_port = htons((u_short)port);
        len = (int)sizeof *a4;
    }
    if (bind(s, (struct sockaddr *)&ss, len) != 0 || listen(s, SOMAXCONN) != 0) {
        int e = WSAGetLastError();
        closesocket(s);
        return e;
    }
    *out = s;
    return 0;
}

static unsigned net_local_port(SOCKET s)
{
    struct sockaddr_storage ss;
    int len = (int)sizeof ss;
    if (getsockname(s, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return 0;
}

/* WSAEACCES is what a port held with SO_EXCLUSIVEADDRUSE answers. */
static int net_in_use(int e)
{
    return e == WSAEADDRINUSE || e == WSAEACCES;
}

RPC_STATUS arpc_tcp_listen(const char *port, arpc_socket out[2], int *count, unsigned *bound_port)
{
    unsigned portnum = 0;
    if (!out || !count)
        return RPC_S_INVALID_ARG;
    out[0] = out[1] = ARPC_INVALID_SOCKET;
    *count = 0;
    if (port && *port && !net_parse_port(port, 1, &portnum))
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    RPC_STATUS st = arpc_net_init();
    if (st != RPC_S_OK)
        return st;

    SOCKET s6 = INVALID_SOCKET, s4 = INVALID_SOCKET;
    int e = net_tcp_listener(AF_INET6, 0, portnum, &s6);
    if (e == 0) {
        out[0] = net_wrap(s6);
        *count = 1;
        if (bound_port)
            *bound_port = net_local_port(s6);
        return RPC_S_OK;
    }
    if (net_in_use(e))
        return RPC_S_DUPLICATE_ENDPOINT;

    for (int attempt = 0; attempt < 8; attempt++) {
        unsigned p = portnum;
        s6 = INVALID_SOCKET;
        e = net_tcp_listener(AF_INET6, 1, p, &s6);
        if (net_in_use(e))
            return RPC_S_DUPLICATE_ENDPOINT;
        if (e == 0 && p == 0)
            p = net_local_port(s6);
        e = net_tcp_listener(AF_INET, 0, p, &s4);
        if (e == 0) {
            int n = 0;
            if (s6 != INVALID_SOCKET)
                out[n++] = net_wrap(s6);
            out[n++] = net_wrap(s4);
            *count = n;
            if (bound_port)
                *bound_port = net_local_port(s4);
            return RPC_S_OK;
        }
        if (s6 != INVALID_SOCKET)
            closesocket(s6);
        if (!net_in_use(e) || portnum != 0 || s6 == INVALID_SOCKET)
            break;
    }
    if (net_in_use(e))
        return RPC_S_DUPLICATE_ENDPOINT;
    return net_resource_error(e, RPC_S_CANT_CREATE_ENDPOINT);
}

/* ------------------------------------------------------------------ ncalrpc */

/* Not provided on Windows yet (see the top of the file). */
RPC_STATUS arpc_local_connect(const char *endpoint, arpc_socket *out)
{
    (void)endpoint;
    if (out)
        *out = ARPC_INVALID_SOCKET;
    return RPC_S_PROTSEQ_NOT_SUPPORTED;
}

RPC_STATUS arpc_local_listen(const char *endpoint, arpc_socket *out)
{
    (void)endpoint;
    if (out)
        *out = ARPC_INVALID_SOCKET;
    return RPC_S_PROTSEQ_NOT_SUPPORTED;
}

void arpc_local_dynamic_endpoint(char *buf, size_t size)
{
    static volatile LONG counter;
    if (!buf || size == 0)
        return;
    LONG n = InterlockedIncrement(&counter);
    snprintf(buf, size, "LRPC-%lx-%lx-%08lx", (unsigned long)GetCurrentProcessId(), (unsigned long)n,
             (unsigned long)(GetTickCount64() * 2654435761u));
}

void arpc_local_unlink(const char *endpoint)
{
    (void)endpoint;
}

/* ------------------------------------------------------------------ sockets */

RPC_STATUS arpc_sock_accept(arpc_socket listener, arpc_socket *out)
{
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    for (;;) {
        SOCKET s = accept(net_sock(listener), NULL, NULL);
        if (s != INVALID_SOCKET) {
            /* Accepted sockets inherit the listener's non-blocking mode. */
            u_long off = 0;
            ioctlsocket(s, FIONBIO, &off);
            net_no_inherit(s);
            *out = net_wrap(s);
            return RPC_S_OK;
        }
        int e = WSAGetLastError();
        if (e == WSAEWOULDBLOCK)
            return RPC_S_ASYNC_CALL_PENDING;
        if (e == WSAECONNRESET || e == WSAEINTR)
            continue;
        return net_resource_error(e, RPC_S_CALL_FAILED);
    }
}

RPC_STATUS arpc_sock_set_nonblocking(arpc_socket s)
{
    u_long on = 1;
    return ioctlsocket(net_sock(s), FIONBIO, &on) == 0 ? RPC_S_OK : RPC_S_INVALID_ARG;
}

void arpc_sock_set_nodelay(arpc_socket s)
{
    BOOL yes = TRUE;
    setsockopt(net_sock(s), IPPROTO_TCP, TCP_NODELAY, (const char *)&yes, sizeof yes);
}

/* On a blocking socket WSASend itself blocks until everything is queued, so
 * the timeout only governs non-blocking sockets (the poller's). */
RPC_STATUS arpc_sock_send_all(arpc_socket s, const arpc_iovec *iov, int iovcnt, uint32_t timeout_ms)
{
    WSABUF bufs[NET_WSABUF_CHUNK];
    int i = 0;
    size_t off = 0;
    if (iovcnt < 0 || (iovcnt > 0 && !iov))
        return RPC_S_INVALID_ARG;
    for (;;) {
        while (i < iovcnt && off >= iov[i].len) {
            i++;
            off = 0;
        }
        if (i >= iovcnt)
            return RPC_S_OK;
        DWORD n = 0;
        for (int k = i; k < iovcnt && n < NET_WSABUF_CHUNK; k++) {
            size_t skip = k == i ? off : 0;
            if (iov[k].len <= skip)
                continue;
            if (!iov[k].base)
                return RPC_S_INVALID_ARG;
            size_t len = iov[k].len - skip;
            bufs[n].buf = (char *)(uintptr_t)iov[k].base + skip;
            bufs[n].len = len > 0x40000000u ? 0x40000000u : (ULONG)len;
            n++;
            if (len > 0x40000000u)
                break; /* the rest of this buffer goes next time */
        }
        DWORD sent = 0;
        if (WSASend(net_sock(s), bufs, n, &sent, 0, NULL, NULL) != 0) {
            int e = WSAGetLastError();
            if (e == WSAEINTR)
                continue;
            if (e == WSAEWOULDBLOCK) {
                int r = net_select_one(net_sock(s), 1, timeout_ms);
                if (r == 0)
                    return RPC_S_TIMEOUT;
                if (r < 0)
                    return RPC_S_CALL_FAILED;
                continue;
            }
            return RPC_S_CALL_FAILED; /* WSAECONNRESET, WSAECONNABORTED, ... */
        }
        size_t left = sent;
        while (left > 0 && i < iovcnt) {
            size_t avail = iov[i].len > off ? iov[i].len - off : 0;
            if (left < avail) {
                off += left;
                left = 0;
            } else {
                left -= avail;
                i++;
                off = 0;
            }
        }
    }
}

long arpc_sock_recv(arpc_socket s, void *buf, size_t len)
{
    int n = len > (size_t)INT_MAX ? INT_MAX : (int)len;
    for (;;) {
        int r = recv(net_sock(s), (char *)buf, n, 0);
        if (r >= 0)
            return r;
        int e = WSAGetLastError();
        if (e == WSAEINTR)
            continue;
        if (e == WSAEWOULDBLOCK)
            return -2;
        return -1;
    }
}

RPC_STATUS arpc_sock_wait_readable(arpc_socket s, uint32_t timeout_ms)
{
    return net_select_one(net_sock(s), 0, timeout_ms) == 0 ? RPC_S_TIMEOUT : RPC_S_OK;
}

void arpc_sock_shutdown(arpc_socket s)
{
    if (s != ARPC_INVALID_SOCKET)
        shutdown(net_sock(s), SD_BOTH);
}

void arpc_sock_close(arpc_socket s)
{
    if (s != ARPC_INVALID_SOCKET)
        closesocket(net_sock(s));
}

static int net_unmap_v4(const struct sockaddr_storage *ss, struct in_addr *v4)
{
    if (ss->ss_family == AF_INET) {
        *v4 = ((const struct sockaddr_in *)ss)->sin_addr;
        return 1;
    }
    if (ss->ss_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
            memcpy(&v4->s_addr, a->s6_addr + 12, 4);
            return 1;
        }
    }
    return 0;
}

int arpc_sock_peer_is_local(arpc_socket s)
{
    struct sockaddr_storage peer, self;
    int plen = (int)sizeof peer, slen = (int)sizeof self;
    if (getpeername(net_sock(s), (struct sockaddr *)&peer, &plen) != 0)
        return 0;
    struct in_addr p4, s4;
    int pv4 = net_unmap_v4(&peer, &p4);
    if (pv4 && (ntohl(p4.s_addr) >> 24) == 127)
        return 1;
    if (!pv4 && peer.ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&peer)->sin6_addr))
        return 1;
    if (getsockname(net_sock(s), (struct sockaddr *)&self, &slen) != 0)
        return 0;
    int sv4 = net_unmap_v4(&self, &s4);
    if (pv4 && sv4)
        return p4.s_addr == s4.s_addr;
    if (!pv4 && !sv4 && peer.ss_family == AF_INET6 && self.ss_family == AF_INET6)
        return memcmp(&((struct sockaddr_in6 *)&peer)->sin6_addr, &((struct sockaddr_in6 *)&self)->sin6_addr,
                      sizeof(struct in6_addr)) == 0;
    return 0;
}

uint32_t arpc_sock_peer_pid(arpc_socket s)
{
    (void)s;
    return 0;
}

/* ------------------------------------------------------------------- poller */

struct arpc_poller {
    arpc_mutex lock;
    WSAPOLLFD *fds;     /* fds[0] is the wake socket */
    void **ctx;         /* ctx[i] for fds[i] */
    ULONG n, cap;
    SOCKET wake;        /* UDP, bound to 127.0.0.1, non-blocking */
    struct sockaddr_in wake_addr;
    int user_wake;      /* arpc_poller_wake since the last report */
};

static void net_poller_kick(arpc_poller *p)
{
    char b = 0;
    sendto(p->wake, &b, 1, 0, (const struct sockaddr *)&p->wake_addr, (int)sizeof p->wake_addr);
}

static void net_poller_drain(arpc_poller *p)
{
    char buf[64];
    while (recv(p->wake, buf, (int)sizeof buf, 0) > 0)
        ;
}

arpc_poller *arpc_poller_new(void)
{
    if (arpc_net_init() != RPC_S_OK)
        return NULL;
    arpc_poller *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cap = 16;
    p->fds = calloc(p->cap, sizeof *p->fds);
    p->ctx = calloc(p->cap, sizeof *p->ctx);
    p->wake = net_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (!p->fds || !p->ctx || p->wake == INVALID_SOCKET)
        goto fail;
    p->wake_addr.sin_family = AF_INET;
    p->wake_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    p->wake_addr.sin_port = 0;
    int alen = (int)sizeof p->wake_addr;
    u_long on = 1;
    if (bind(p->wake, (struct sockaddr *)&p->wake_addr, alen) != 0 ||
        getsockname(p->wake, (struct sockaddr *)&p->wake_addr, &alen) != 0 ||
        ioctlsocket(p->wake, FIONBIO, &on) != 0)
        goto fail;
    p->fds[0].fd = p->wake;
    p->fds[0].events = POLLRDNORM;
    p->ctx[0] = NULL;
    p->n = 1;
    arpc_mutex_init(&p->lock);
    return p;
fail:
    if (p->wake != INVALID_SOCKET)
        closesocket(p->wake);
    free(p->fds);
    free(p->ctx);
    free(p);
    return NULL;
}

void arpc_poller_free(arpc_poller *p)
{
    if (!p)
        return;
    closesocket(p->wake);
    arpc_mutex_destroy(&p->lock);
    free(p->fds);
    free(p->ctx);
    free(p);
}

RPC_STATUS arpc_poller_add(arpc_poller *p, arpc_socket s, void *ctx)
{
    if (!p || s == ARPC_INVALID_SOCKET)
        return RPC_S_INVALID_ARG;
    RPC_STATUS st = arpc_sock_set_nonblocking(s);
    if (st != RPC_S_OK)
        return st;
    arpc_mutex_lock(&p->lock);
    ULONG i;
    for (i = 1; i < p->n; i++)
        if (p->fds[i].fd == net_sock(s))
            break;
    if (i == p->n) {
        if (p->n == p->cap) {
            ULONG cap = p->cap * 2;
            WSAPOLLFD *fds = realloc(p->fds, cap * sizeof *fds);
            if (fds)
                p->fds = fds;
            void **c = fds ? realloc(p->ctx, cap * sizeof *c) : NULL;
            if (!c) {
                arpc_mutex_unlock(&p->lock);
                return RPC_S_OUT_OF_RESOURCES;
            }
            p->ctx = c;
            p->cap = cap;
        }
        p->n++;
    }
    p->fds[i].fd = net_sock(s);
    p->fds[i].events = POLLRDNORM;
    p->fds[i].revents = 0;
    p->ctx[i] = ctx;
    arpc_mutex_unlock(&p->lock);
    net_poller_kick(p); /* a wait in progress must watch it too */
    return RPC_S_OK;
}

void arpc_poller_remove(arpc_poller *p, arpc_socket s)
{
    if (!p)
        return;
    int found = 0;
    arpc_mutex_lock(&p->lock);
    for (ULONG i = 1; i < p->n; i++) {
        if (p->fds[i].fd == net_sock(s)) {
            p->n--;
            p->fds[i] = p->fds[p->n];
            p->ctx[i] = p->ctx[p->n];
            found = 1;
            break;
        }
    }
    arpc_mutex_unlock(&p->lock);
    if (found)
        net_poller_kick(p);
}

/* The context of s if it is still in the set (under the lock). */
static int net_poller_lookup(arpc_poller *p, SOCKET s, void **ctx)
{
    for (ULONG i = 1; i < p->n; i++) {
        if (p->fds[i].fd == s) {
            *ctx = p->ctx[i];
            return 1;
        }
    }
    return 0;
}

int arpc_poller_wait(arpc_poller *p, void **ready, int max, uint32_t timeout_ms)
{
    if (!p || !ready || max <= 0)
        return 0;
    ULONGLONG start = GetTickCount64();
    WSAPOLLFD local[64];
    WSAPOLLFD *snap = local;
    ULONG snap_cap = 64;
    int count = 0;
    for (;;) {
        /* Wait on a copy: others may change the set meanwhile. */
        arpc_mutex_lock(&p->lock);
        ULONG n = p->n;
        if (n > snap_cap) {
            WSAPOLLFD *bigger = malloc(n * sizeof *bigger);
            if (!bigger) {
                arpc_mutex_unlock(&p->lock);
                break;
            }
            if (snap != local)
                free(snap);
            snap = bigger;
            snap_cap = n;
        }
        memcpy(snap, p->fds, n * sizeof *snap);
        int pending_wake = p->user_wake;
        arpc_mutex_unlock(&p->lock);
        for (ULONG i = 0; i < n; i++)
            snap[i].revents = 0;

        int r = pending_wake ? WSAPoll(snap, n, 0) : WSAPoll(snap, n, net_remaining(timeout_ms, start));
        if (r == SOCKET_ERROR)
            break;

        arpc_mutex_lock(&p->lock);
        if (snap[0].revents)
            net_poller_drain(p);
        if (p->user_wake) {
            p->user_wake = 0;
            ready[count++] = NULL;
        }
        for (ULONG i = 1; i < n && count < max; i++) {
            void *ctx;
            if (snap[i].revents && net_poller_lookup(p, snap[i].fd, &ctx))
                ready[count++] = ctx;
        }
        arpc_mutex_unlock(&p->lock);
        /* Only a change of the set woke us: wait again for the rest. */
        if (count > 0 || net_remaining(timeout_ms, start) == 0)
            break;
    }
    if (snap != local)
        free(snap);
    return count;
}

void arpc_poller_wake(arpc_poller *p)
{
    if (!p)
        return;
    arpc_mutex_lock(&p->lock);
    p->user_wake = 1;
    arpc_mutex_unlock(&p->lock);
    net_poller_kick(p);
}

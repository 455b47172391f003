/* net_win32.c - shim/net.h on Windows: Winsock 2 and named pipes, one I/O
 * completion port per poller.
 *
 * Streams.  An arpc_socket is a pointer to a net_stream: a TCP socket, a
 * listening TCP socket, a named-pipe end, or a pipe listener (the name and
 * the instance currently waiting for a client).  Every stream has one
 * "in" operation at most outstanding into its own state: an overlapped
 * WSARecv or ReadFile into its 64 KiB read buffer, an AcceptEx, or a
 * ConnectNamedPipe.  arpc_sock_recv serves the buffer and starts the next
 * read; arpc_sock_accept hands out the completed AcceptEx socket, or the
 * connected pipe instance after putting a fresh instance in its place.
 * Each operation's OVERLAPPED has a manual-reset event, so a stream that no
 * poller watches is read (and accepted from) synchronously by waiting on it;
 * such a stream starts reads only when asked (lazily).
 *
 * The poller is an I/O completion port: arpc_poller_add associates the
 * handle with the port (cancelling, and keeping the result of, an operation
 * started before) and keeps an "in" operation outstanding from then on.
 * arpc_poller_wait takes completion packets with GetQueuedCompletionStatusEx
 * and keeps a list of ready streams (data or end of stream buffered, a
 * connection waiting): level-triggered as poll() is, without scanning idle
 * connections and with no thread per connection.  A completion packet is
 * only a hint: whoever sees the event signalled first (a synchronous reader
 * or the poller) collects the result, under the stream's lock.  Every
 * operation that will post a packet holds a reference on its stream, so a
 * stream closed while a read is outstanding is freed when its packet comes
 * (a stream left associated with a poller that is freed and never waited
 * on again is leaked).  arpc_poller_wake posts a packet with no OVERLAPPED.
 *
 * TCP.  Sends stay non-overlapped (WSASend on a non-blocking socket,
 * select() for writability).  A connection accepted from a non-blocking
 * listener is blocking until made non-blocking, as on POSIX.  Sockets are
 * non-inheritable (the CLOEXEC of POSIX); Winsock has no SIGPIPE.
 *
 * Named pipes (byte mode, overlapped).  ncalrpc endpoint "name" is the pipe
 * \\.\pipe\lrpc\name (the naming Wine's own rpcrt4 uses for ncalrpc); names
 * are 1..200 characters without '\' or '/', and not "." or "..".  ncacn_np
 * endpoint "\pipe\name" is \\.\pipe\name, on the local machine only.  The
 * first instance is created with FILE_FLAG_FIRST_PIPE_INSTANCE (someone else
 * owning the name: RPC_S_DUPLICATE_ENDPOINT) and PIPE_REJECT_REMOTE_CLIENTS;
 * the pipes keep the default security descriptor (this cut does not restrict
 * them to the owner as the POSIX socket is).  Clients open with
 * SECURITY_IDENTIFICATION (the server may identify, not impersonate) and wait
 * up to 10 s while every instance is busy.  Nobody listening:
 * RPC_S_SERVER_UNAVAILABLE.  A pipe that vanishes holds no stale name, so
 * arpc_local_unlink has nothing to do.  Writes go out as overlapped
 * WriteFile (small iovecs gathered into a staging buffer), waited for with
 * the timeout; a broken pipe is RPC_S_CALL_FAILED.  arpc_sock_shutdown
 * cancels the pipe's I/O and closes the handle (once no send is in
 * progress): the peer reads what was sent, then end of stream. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define NET_FOREVER 0xFFFFFFFFu
/* WSABUFs handed to one WSASend. */
#define NET_WSABUF_CHUNK 1024
/* Each stream's read buffer; the pipes' buffer quota; the staging buffer
 * small pipe writes are gathered in. */
#define NET_BUFSZ 65536u
#define NET_PIPE_BUFSZ 65536u
#define NET_STAGE 65536u
/* How long a pipe client waits while every instance is busy. */
#define NET_PIPE_BUSY_MS 10000u

/* NTSTATUS values found in OVERLAPPED.Internal. */
#define NET_ST_SUCCESS 0x00000000u
#define NET_ST_PENDING 0x00000103u
#define NET_ST_BUFFER_OVERFLOW 0x80000005u
#define NET_ST_END_OF_FILE 0xC0000011u
#define NET_ST_PIPE_DISCONNECTED 0xC00000B0u
#define NET_ST_PIPE_CLOSING 0xC00000B1u
#define NET_ST_CANCELLED 0xC0000120u
#define NET_ST_PIPE_BROKEN 0xC000014Bu

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

/* ---------------------------------------------------------------- streams */

enum { NK_SOCK = 1, NK_SOCK_LISTEN, NK_PIPE, NK_PIPE_LISTEN };
enum { OP_IN = 1, OP_OUT };

typedef struct net_stream net_stream;

typedef struct net_op {
    OVERLAPPED ov;
    net_stream *st;
    int kind;
} net_op;

struct net_stream {
    int kind;
    arpc_mutex lock;          /* everything below but the write side */
    long refs;                /* the owner's, and one per packet to come */
    SOCKET sock;              /* NK_SOCK, NK_SOCK_LISTEN */
    HANDLE h;                 /* NK_PIPE (NULL once shut down); NK_PIPE_LISTEN:
                                 the instance waiting for a client */
    HANDLE port;              /* the completion port the handle belongs to */
    int nonblocking, shut, closed;
    int server_end;           /* NK_PIPE from a listener */
    int local_only;           /* pipes: remote clients are rejected */

    net_op in;                /* the read / accept outstanding */
    HANDLE in_event;
    int in_pending;
    unsigned char *buf;       /* read buffer: data at [pos, len) */
    size_t pos, len;
    int eof;                  /* 1 end of stream, -1 error */

    int acc_ready;            /* a connection waits to be taken */
    SOCKET acc;               /* NK_SOCK_LISTEN: AcceptEx's socket */
    int family;
    LPFN_ACCEPTEX acceptex;
    unsigned char acc_addrs[2 * (sizeof(struct sockaddr_storage) + 16)];
    char *pipe_name;          /* NK_PIPE_LISTEN */

    arpc_mutex wlock;         /* pipes: one send_all at a time */
    net_op out;
    HANDLE out_event;
    int sending;              /* under lock */
    unsigned char *stage;

    arpc_poller *poller;      /* set under lock and the poller's lock */
    void *ctx;                /* these five under the poller's lock */
    net_stream *rnext, *rprev;
    int on_ready;
    int disarmed;             /* one-shot: reported, not rearmed yet */
};

struct arpc_poller {
    HANDLE port;
    arpc_mutex lock;
    net_stream *head, *tail;  /* ready streams */
    size_t nready;
    int user_wake;
    int oneshot;
};

static net_stream *net_st(arpc_socket s)
{
    return (net_stream *)(intptr_t)s;
}

static int net_is_sock(const net_stream *st)
{
    return st->kind == NK_SOCK || st->kind == NK_SOCK_LISTEN;
}

static HANDLE net_handle(const net_stream *st)
{
    if (net_is_sock(st))
        return st->sock == INVALID_SOCKET ? NULL : (HANDLE)st->sock;
    return st->h;
}

static net_stream *net_stream_new(int kind)
{
    net_stream *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->kind = kind;
    st->refs = 1;
    st->sock = INVALID_SOCKET;
    st->acc = INVALID_SOCKET;
    st->in.st = st;
    st->in.kind = OP_IN;
    st->out.st = st;
    st->out.kind = OP_OUT;
    st->in_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (kind == NK_PIPE)
        st->out_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (!st->in_event || (kind == NK_PIPE && !st->out_event)) {
        if (st->in_event)
            CloseHandle(st->in_event);
        free(st);
        return NULL;
    }
    arpc_mutex_init(&st->lock);
    arpc_mutex_init(&st->wlock);
    return st;
}

static void net_stream_free(net_stream *st)
{
    CloseHandle(st->in_event);
    if (st->out_event)
        CloseHandle(st->out_event);
    arpc_mutex_destroy(&st->lock);
    arpc_mutex_destroy(&st->wlock);
    free(st->buf);
    free(st->stage);
    free(st->pipe_name);
    free(st);
}

/* Drops a reference (lock held; released here). */
static void net_unref_unlock(net_stream *st)
{
    int last = --st->refs == 0;
    arpc_mutex_unlock(&st->lock);
    if (last)
        net_stream_free(st);
}

static int net_ready(const net_stream *st)
{
    if (st->shut)
        return 1;
    if (st->kind == NK_SOCK || st->kind == NK_PIPE)
        return st->pos < st->len || st->eof != 0;
    return st->acc_ready;
}

static void net_poller_kick(arpc_poller *p)
{
    PostQueuedCompletionStatus(p->port, 0, 0, NULL);
}

/* The ready list (the poller's lock held). */
static void net_ready_link(arpc_poller *p, net_stream *st)
{
    st->on_ready = 1;
    st->rnext = NULL;
    st->rprev = p->tail;
    if (p->tail)
        p->tail->rnext = st;
    else
        p->head = st;
    p->tail = st;
    p->nready++;
}

static void net_ready_unlink(arpc_poller *p, net_stream *st)
{
    st->on_ready = 0;
    if (st->rprev)
        st->rprev->rnext = st->rnext;
    else
        p->head = st->rnext;
    if (st->rnext)
        st->rnext->rprev = st->rprev;
    else
        p->tail = st->rprev;
    st->rnext = st->rprev = NULL;
    p->nready--;
}

/* Keep the poller's ready list in step with the stream (lock held).  kick:
 * the caller is not the waiting thread, which must look again. */
static void net_update_ready(net_stream *st, int kick)
{
    arpc_poller *p = st->poller;
    if (!p)
        return;
    int r = net_ready(st), added = 0;
    arpc_mutex_lock(&p->lock);
    if (r && !st->on_ready && !st->disarmed) {
        net_ready_link(p, st);
        added = 1;
    } else if (!r && st->on_ready) {
        net_ready_unlink(p, st);
    }
    arpc_mutex_unlock(&p->lock);
    if (added && kick)
        net_poller_kick(p);
}

/* Leave the poller (lock held). */
static void net_detach(net_stream *st)
{
    arpc_poller *p = st->poller;
    if (!p)
        return;
    arpc_mutex_lock(&p->lock);
    if (st->on_ready)
        net_ready_unlink(p, st);
    st->disarmed = 0;
    st->poller = NULL;
    st->ctx = NULL;
    arpc_mutex_unlock(&p->lock);
}

/* ------------------------------------------------------- the "in" operation */

static void net_in_begin(net_stream *st)
{
    ResetEvent(st->in_event);
    memset(&st->in.ov, 0, sizeof st->in.ov);
    st->in.ov.hEvent = st->in_event;
    st->in.ov.Internal = NET_ST_PENDING;
}

/* The operation is under way (or done): a packet will come if the handle
 * belongs to a port. */
static void net_in_started(net_stream *st)
{
    st->in_pending = 1;
    if (st->port)
        st->refs++;
}

static int net_pipe_gone(DWORD e)
{
    return e == ERROR_BROKEN_PIPE || e == ERROR_PIPE_NOT_CONNECTED || e == ERROR_HANDLE_EOF || e == ERROR_NO_DATA;
}

/* Start the read or accept if none is outstanding and nothing is ready
 * (lock held).  A failure to start shows as end of stream / error. */
static void net_arm(net_stream *st)
{
    if (st->in_pending || st->closed || net_ready(st))
        return;
    switch (st->kind) {
    case NK_SOCK:
    case NK_PIPE: {
        if (!st->buf && !(st->buf = malloc(NET_BUFSZ))) {
            st->eof = -1;
            return;
        }
        st->pos = st->len = 0;
        net_in_begin(st);
        if (st->kind == NK_SOCK) {
            WSABUF wb = { NET_BUFSZ, (char *)st->buf };
            DWORD flags = 0;
            if (WSARecv(st->sock, &wb, 1, NULL, &flags, &st->in.ov, NULL) == 0 ||
                WSAGetLastError() == WSA_IO_PENDING)
                net_in_started(st);
            else
                st->eof = -1;
        } else {
            if (!st->h) {
                st->eof = 1;
                return;
            }
            if (ReadFile(st->h, st->buf, NET_BUFSZ, NULL, &st->in.ov) || GetLastError() == ERROR_IO_PENDING)
                net_in_started(st);
            else
                st->eof = net_pipe_gone(GetLastError()) ? 1 : -1;
        }
        return;
    }
    case NK_SOCK_LISTEN:
        for (int tries = 0; tries < 16; tries++) {
            if (st->acc == INVALID_SOCKET) {
                st->acc = socket(st->family, SOCK_STREAM, IPPROTO_TCP);
                if (st->acc == INVALID_SOCKET)
                    return; /* out of resources: the next accept tries again */
                SetHandleInformation((HANDLE)st->acc, HANDLE_FLAG_INHERIT, 0);
            }
            DWORD got = 0;
            net_in_begin(st);
            if (st->acceptex(st->sock, st->acc, st->acc_addrs, 0, sizeof(struct sockaddr_storage) + 16,
                             sizeof(struct sockaddr_storage) + 16, &got, &st->in.ov) ||
                WSAGetLastError() == WSA_IO_PENDING) {
                net_in_started(st);
                return;
            }
            int e = WSAGetLastError();
            closesocket(st->acc);
            st->acc = INVALID_SOCKET;
            if (e != WSAECONNRESET)
                return;
        }
        return;
    case NK_PIPE_LISTEN:
        for (int tries = 0; tries < 16 && st->h; tries++) {
            net_in_begin(st);
            if (ConnectNamedPipe(st->h, &st->in.ov)) {
                net_in_started(st);
                return;
            }
            DWORD e = GetLastError();
            if (e == ERROR_IO_PENDING) {
                net_in_started(st);
                return;
            }
            if (e == ERROR_PIPE_CONNECTED) {
                st->acc_ready = 1;
                return;
            }
            if (e != ERROR_NO_DATA) /* a client came and went: recycle */
                return;
            DisconnectNamedPipe(st->h);
        }
        return;
    }
}

/* Take the result of the outstanding operation if it has completed (lock
 * held).  A read cancelled other than by a shutdown leaves nothing. */
static void net_collect(net_stream *st)
{
    if (!st->in_pending || WaitForSingleObject(st->in_event, 0) != WAIT_OBJECT_0)
        return;
    st->in_pending = 0;
    ULONG status = (ULONG)st->in.ov.Internal;
    size_t n = (size_t)st->in.ov.InternalHigh;
    int ok = status == NET_ST_SUCCESS || status == NET_ST_BUFFER_OVERFLOW;
    int cancelled = status == NET_ST_CANCELLED && !st->shut;
    switch (st->kind) {
    case NK_SOCK:
    case NK_PIPE:
        if (ok && n > 0) {
            st->pos = 0;
            st->len = n;
        } else if (ok) {
            if (st->kind == NK_SOCK)
                st->eof = 1; /* a pipe's empty read is no end: read again */
        } else if (!cancelled) {
            int gone = st->shut || status == NET_ST_PIPE_BROKEN || status == NET_ST_PIPE_DISCONNECTED ||
                       status == NET_ST_END_OF_FILE || status == NET_ST_PIPE_CLOSING;
            st->eof = st->kind == NK_PIPE && gone ? 1 : st->shut ? 1 : -1;
        }
        break;
    case NK_SOCK_LISTEN:
        if (ok) {
            st->acc_ready = 1;
        } else if (st->acc != INVALID_SOCKET) {
            closesocket(st->acc);
            st->acc = INVALID_SOCKET;
        }
        break;
    case NK_PIPE_LISTEN:
        if (ok)
            st->acc_ready = 1;
        else if (!cancelled && st->h)
            DisconnectNamedPipe(st->h);
        break;
    }
}

/* Wait for the outstanding operation; lock held on entry and exit.
 * 0 completed (collected), 1 timed out. */
static int net_wait_in(net_stream *st, DWORD ms)
{
    HANDLE ev = st->in_event;
    arpc_mutex_unlock(&st->lock);
    DWORD r = WaitForSingleObject(ev, ms);
    arpc_mutex_lock(&st->lock);
    net_collect(st);
    return r == WAIT_TIMEOUT;
}

/* A completion packet for one of st's operations (the poller's thread). */
static void net_on_packet(OVERLAPPED *ov)
{
    net_op *op = (net_op *)((char *)ov - offsetof(net_op, ov));
    net_stream *st = op->st;
    arpc_mutex_lock(&st->lock);
    if (op->kind == OP_IN) {
        net_collect(st);
        if (st->poller)
            net_arm(st); /* watched: keep a read outstanding */
        net_update_ready(st, 0);
    }
    net_unref_unlock(st);
}

/* ---------------------------------------------------------------- helpers */

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

/* A stream for socket s, or ARPC_INVALID_SOCKET (s closed) when out of
 * memory. */
static arpc_socket net_wrap(SOCKET s, int kind)
{
    net_stream *st = net_stream_new(kind);
    if (!st) {
        closesocket(s);
        return ARPC_INVALID_SOCKET;
    }
    st->sock = s;
    if (kind == NK_SOCK_LISTEN) {
        struct sockaddr_storage ss;
        int len = (int)sizeof ss;
        GUID guid = WSAID_ACCEPTEX;
        DWORD got = 0;
        st->family = getsockname(s, (struct sockaddr *)&ss, &len) == 0 ? ss.ss_family : AF_INET6;
        if (WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof guid, &st->acceptex,
                     sizeof st->acceptex, &got, NULL, NULL) != 0 || !st->acceptex) {
            closesocket(s);
            net_stream_free(st);
            return ARPC_INVALID_SOCKET;
        }
    }
    return (arpc_socket)(intptr_t)st;
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

static DWORD net_ms(int remaining)
{
    return remaining < 0 ? INFINITE : (DWORD)remaining;
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
    case ERROR_NO_SYSTEM_RESOURCES:
    case ERROR_TOO_MANY_OPEN_FILES:
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
            *out = net_wrap(s, NK_SOCK);
            st = *out == ARPC_INVALID_SOCKET ? RPC_S_OUT_OF_RESOURCES : RPC_S_OK;
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
        if (bound_port)
            *bound_port = net_local_port(s6);
        if ((out[0] = net_wrap(s6, NK_SOCK_LISTEN)) == ARPC_INVALID_SOCKET)
            return RPC_S_OUT_OF_RESOURCES;
        *count = 1;
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
            if (bound_port)
                *bound_port = net_local_port(s4);
            if (s6 != INVALID_SOCKET && (out[n] = net_wrap(s6, NK_SOCK_LISTEN)) != ARPC_INVALID_SOCKET)
                n++;
            if ((out[n] = net_wrap(s4, NK_SOCK_LISTEN)) != ARPC_INVALID_SOCKET)
                n++;
            if (n < (s6 != INVALID_SOCKET ? 2 : 1)) {
                for (int i = 0; i < n; i++)
                    arpc_sock_close(out[i]);
                out[0] = out[1] = ARPC_INVALID_SOCKET;
                return RPC_S_OUT_OF_RESOURCES;
            }
            *count = n;
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

/* ------------------------------------------------------------ named pipes */

/* A pipe instance for listening; INVALID_HANDLE_VALUE and the error. */
static HANDLE net_pipe_instance(const char *path, int first, int *local_only)
{
    DWORD open = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
    DWORD mode = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT;
    HANDLE h = INVALID_HANDLE_VALUE;
    if (*local_only) {
        h = CreateNamedPipeA(path, open, mode | PIPE_REJECT_REMOTE_CLIENTS, PIPE_UNLIMITED_INSTANCES, NET_PIPE_BUFSZ,
                             NET_PIPE_BUFSZ, 0, NULL);
        if (h != INVALID_HANDLE_VALUE || GetLastError() != ERROR_INVALID_PARAMETER)
            return h;
        *local_only = 0; /* a system without PIPE_REJECT_REMOTE_CLIENTS */
    }
    return CreateNamedPipeA(path, open, mode, PIPE_UNLIMITED_INSTANCES, NET_PIPE_BUFSZ, NET_PIPE_BUFSZ, 0, NULL);
}

static RPC_STATUS net_pipe_listen(const char *path, arpc_socket *out)
{
    RPC_STATUS st = arpc_net_init();
    if (st != RPC_S_OK)
        return st;
    net_stream *ls = net_stream_new(NK_PIPE_LISTEN);
    if (!ls || !(ls->pipe_name = _strdup(path))) {
        if (ls)
            net_stream_free(ls);
        return RPC_S_OUT_OF_MEMORY;
    }
    ls->local_only = 1;
    HANDLE h = net_pipe_instance(path, 1, &ls->local_only);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        net_stream_free(ls);
        switch (e) {
        case ERROR_ACCESS_DENIED: /* FILE_FLAG_FIRST_PIPE_INSTANCE: the name is taken */
        case ERROR_PIPE_BUSY:
            return RPC_S_DUPLICATE_ENDPOINT;
        case ERROR_INVALID_NAME:
        case ERROR_BAD_PATHNAME:
        case ERROR_FILENAME_EXCED_RANGE:
            return RPC_S_INVALID_ENDPOINT_FORMAT;
        default:
            return net_resource_error((int)e, RPC_S_CANT_CREATE_ENDPOINT);
        }
    }
    /* Where FILE_FLAG_FIRST_PIPE_INSTANCE is not enforced (Wine), an
     * instance besides ours means someone else serves the name. */
    DWORD instances = 0;
    if (GetNamedPipeHandleStateA(h, NULL, &instances, NULL, NULL, NULL, 0) && instances > 1) {
        CloseHandle(h);
        net_stream_free(ls);
        return RPC_S_DUPLICATE_ENDPOINT;
    }
    ls->h = h;
    *out = (arpc_socket)(intptr_t)ls;
    return RPC_S_OK;
}

static RPC_STATUS net_pipe_connect(const char *path, arpc_socket *out)
{
    RPC_STATUS st = arpc_net_init();
    if (st != RPC_S_OK)
        return st;
    ULONGLONG start = GetTickCount64();
    for (;;) {
        HANDLE h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                               FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            net_stream *c = net_stream_new(NK_PIPE);
            if (!c) {
                CloseHandle(h);
                return RPC_S_OUT_OF_RESOURCES;
            }
            c->h = h;
            c->local_only = 1; /* \\.\pipe\...: this machine */
            *out = (arpc_socket)(intptr_t)c;
            return RPC_S_OK;
        }
        DWORD e = GetLastError();
        int left = net_remaining(NET_PIPE_BUSY_MS, start);
        if (e == ERROR_PIPE_BUSY && left > 0) {
            /* Every instance is taken: the server is making another. */
            if (!WaitNamedPipeA(path, (DWORD)(left < 1000 ? left : 1000)) &&
                GetLastError() == ERROR_FILE_NOT_FOUND)
                return RPC_S_SERVER_UNAVAILABLE;
            continue;
        }
        switch (e) {
        case ERROR_INVALID_NAME:
        case ERROR_BAD_PATHNAME:
        case ERROR_FILENAME_EXCED_RANGE:
            return RPC_S_INVALID_ENDPOINT_FORMAT;
        case ERROR_ACCESS_DENIED:
            return RPC_S_ACCESS_DENIED;
        default: /* ERROR_FILE_NOT_FOUND: nobody listens; ERROR_PIPE_BUSY */
            return net_resource_error((int)e, RPC_S_SERVER_UNAVAILABLE);
        }
    }
}

/* ncalrpc endpoint -> \\.\pipe\lrpc\<endpoint>. */
static RPC_STATUS net_lrpc_path(const char *endpoint, char *buf, size_t size)
{
    if (!endpoint || !*endpoint || strpbrk(endpoint, "\\/") || strcmp(endpoint, ".") == 0 ||
        strcmp(endpoint, "..") == 0 || strlen(endpoint) > 200)
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    for (const char *p = endpoint; *p; p++)
        if ((unsigned char)*p < 0x20)
            return RPC_S_INVALID_ENDPOINT_FORMAT;
    int n = snprintf(buf, size, "\\\\.\\pipe\\lrpc\\%s", endpoint);
    return n > 0 && (size_t)n < size ? RPC_S_OK : RPC_S_INVALID_ENDPOINT_FORMAT;
}

RPC_STATUS arpc_local_connect(const char *endpoint, arpc_socket *out)
{
    char path[256];
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    RPC_STATUS st = net_lrpc_path(endpoint, path, sizeof path);
    return st == RPC_S_OK ? net_pipe_connect(path, out) : st;
}

RPC_STATUS arpc_local_listen(const char *endpoint, arpc_socket *out)
{
    char path[256];
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    RPC_STATUS st = net_lrpc_path(endpoint, path, sizeof path);
    return st == RPC_S_OK ? net_pipe_listen(path, out) : st;
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

/* A pipe disappears with its last handle: no name is left behind. */
void arpc_local_unlink(const char *endpoint)
{
    (void)endpoint;
}

/* ncacn_np endpoint "\pipe\name" -> \\.\pipe\name. */
static RPC_STATUS net_np_path(const char *endpoint, char *buf, size_t size)
{
    if (!endpoint || _strnicmp(endpoint, "\\pipe\\", 6) != 0 || !endpoint[6] || endpoint[6] == '\\' ||
        strchr(endpoint, '/'))
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    for (const char *p = endpoint; *p; p++)
        if ((unsigned char)*p < 0x20)
            return RPC_S_INVALID_ENDPOINT_FORMAT;
    int n = snprintf(buf, size, "\\\\.%s", endpoint);
    return n > 0 && (size_t)n < size ? RPC_S_OK : RPC_S_INVALID_ENDPOINT_FORMAT;
}

/* This machine by name: empty, ".", localhost, a loopback address, or the
 * computer's name. */
static int net_host_is_local(const char *host)
{
    if (!host || !*host || !strcmp(host, ".") || !_stricmp(host, "localhost") || !strcmp(host, "127.0.0.1") ||
        !strcmp(host, "::1"))
        return 1;
    if (host[0] == '\\' && host[1] == '\\')
        host += 2;
    char name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD len = sizeof name;
    return GetComputerNameA(name, &len) && !_stricmp(host, name);
}

RPC_STATUS arpc_np_connect(const char *host, const char *endpoint, arpc_socket *out)
{
    char path[256];
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    RPC_STATUS st = net_np_path(endpoint, path, sizeof path);
    if (st != RPC_S_OK)
        return st;
    if (!net_host_is_local(host))
        return RPC_S_SERVER_UNAVAILABLE; /* pipes on other machines (SMB): not offered */
    return net_pipe_connect(path, out);
}

RPC_STATUS arpc_np_listen(const char *endpoint, arpc_socket *out)
{
    char path[256];
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    RPC_STATUS st = net_np_path(endpoint, path, sizeof path);
    return st == RPC_S_OK ? net_pipe_listen(path, out) : st;
}

/* Hand out the connected instance, a fresh one listening in its place
 * (lock held). */
static RPC_STATUS net_pipe_take(net_stream *ls, arpc_socket *out)
{
    int local_only = ls->local_only;
    HANDLE nh = net_pipe_instance(ls->pipe_name, 0, &local_only);
    if (nh == INVALID_HANDLE_VALUE)
        return net_resource_error((int)GetLastError(), RPC_S_OUT_OF_RESOURCES);
    if (ls->port && !CreateIoCompletionPort(nh, ls->port, 1, 0)) {
        CloseHandle(nh);
        return RPC_S_OUT_OF_RESOURCES;
    }
    net_stream *c = net_stream_new(NK_PIPE);
    if (!c) {
        CloseHandle(nh);
        return RPC_S_OUT_OF_RESOURCES;
    }
    c->h = ls->h;
    c->port = ls->port; /* the instance belongs to the listener's port */
    c->server_end = 1;
    c->local_only = ls->local_only;
    ls->local_only = local_only;
    ls->h = nh;
    ls->acc_ready = 0;
    *out = (arpc_socket)(intptr_t)c;
    return RPC_S_OK;
}

static RPC_STATUS net_sock_take(net_stream *ls, arpc_socket *out)
{
    SOCKET a = ls->acc;
    ls->acc = INVALID_SOCKET;
    ls->acc_ready = 0;
    setsockopt(a, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (const char *)&ls->sock, (int)sizeof ls->sock);
    *out = net_wrap(a, NK_SOCK);
    return *out == ARPC_INVALID_SOCKET ? RPC_S_OUT_OF_RESOURCES : RPC_S_OK;
}

/* ------------------------------------------------------------------ streams */

RPC_STATUS arpc_sock_accept(arpc_socket listener, arpc_socket *out)
{
    if (!out || listener == ARPC_INVALID_SOCKET)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    net_stream *st = net_st(listener);
    if (st->kind != NK_SOCK_LISTEN && st->kind != NK_PIPE_LISTEN)
        return RPC_S_INVALID_ARG;
    RPC_STATUS rc;
    arpc_mutex_lock(&st->lock);
    for (int armed = 0;;) {
        net_collect(st);
        if (st->acc_ready && !st->shut) {
            rc = st->kind == NK_PIPE_LISTEN ? net_pipe_take(st, out) : net_sock_take(st, out);
            if (st->poller)
                net_arm(st); /* may find the next connection at once */
            break;
        }
        if (st->shut || st->closed) {
            rc = RPC_S_CALL_FAILED;
            break;
        }
        if (!st->in_pending && !armed) {
            net_arm(st);
            armed = 1;
            continue;
        }
        if (st->nonblocking || !st->in_pending) {
            rc = RPC_S_ASYNC_CALL_PENDING;
            break;
        }
        net_wait_in(st, INFINITE); /* a blocking listener */
        armed = 0;
    }
    net_update_ready(st, 1);
    arpc_mutex_unlock(&st->lock);
    return rc;
}

RPC_STATUS arpc_sock_set_nonblocking(arpc_socket s)
{
    if (s == ARPC_INVALID_SOCKET)
        return RPC_S_INVALID_ARG;
    net_stream *st = net_st(s);
    if (net_is_sock(st)) {
        u_long on = 1;
        if (ioctlsocket(st->sock, FIONBIO, &on) != 0)
            return RPC_S_INVALID_ARG;
    }
    arpc_mutex_lock(&st->lock);
    st->nonblocking = 1;
    arpc_mutex_unlock(&st->lock);
    return RPC_S_OK;
}

void arpc_sock_set_nodelay(arpc_socket s)
{
    if (s == ARPC_INVALID_SOCKET || net_st(s)->kind != NK_SOCK)
        return;
    BOOL yes = TRUE;
    setsockopt(net_st(s)->sock, IPPROTO_TCP, TCP_NODELAY, (const char *)&yes, sizeof yes);
}

/* On a blocking socket WSASend itself blocks until everything is queued, so
 * the timeout only governs non-blocking sockets (the poller's). */
/* Wait until s can take more, in short slices: a shutdown of the stream
 * (its connection is being torn down: arpc_sock_shutdown) ends the wait
 * even where select() does not report it (Wine).  1 ready, 0 timeout,
 * -1 failure or shut down. */
static int net_wait_writable(net_stream *st, uint32_t timeout_ms)
{
    ULONGLONG start = GetTickCount64();
    for (;;) {
        if (__atomic_load_n(&st->shut, __ATOMIC_ACQUIRE))
            return -1;
        int left = net_remaining(timeout_ms, start); /* -1: forever */
        if (left == 0)
            return 0;
        int r = net_select_one(st->sock, 1, left > 0 && left < 100 ? (uint32_t)left : 100);
        if (r != 0)
            return r;
    }
}

static RPC_STATUS net_sock_send_all(net_stream *st, const arpc_iovec *iov, int iovcnt, uint32_t timeout_ms)
{
    SOCKET s = st->sock;
    WSABUF bufs[NET_WSABUF_CHUNK];
    int i = 0;
    size_t off = 0;
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
            size_t len = iov[k].len - skip;
            bufs[n].buf = (char *)(uintptr_t)iov[k].base + skip;
            bufs[n].len = len > 0x40000000u ? 0x40000000u : (ULONG)len;
            n++;
            if (len > 0x40000000u)
                break; /* the rest of this buffer goes next time */
        }
        DWORD sent = 0;
        if (WSASend(s, bufs, n, &sent, 0, NULL, NULL) != 0) {
            int e = WSAGetLastError();
            if (e == WSAEINTR)
                continue;
            if (e == WSAEWOULDBLOCK) {
                int r = net_wait_writable(st, timeout_ms);
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

/* One overlapped WriteFile of all of p, waited for (wlock held). */
static RPC_STATUS net_pipe_write(net_stream *st, HANDLE h, int assoc, const unsigned char *p, size_t len,
                                 uint32_t timeout_ms)
{
    while (len > 0) {
        DWORD n = len > 0x40000000u ? 0x40000000u : (DWORD)len;
        ResetEvent(st->out_event);
        memset(&st->out.ov, 0, sizeof st->out.ov);
        st->out.ov.hEvent = st->out_event;
        st->out.ov.Internal = NET_ST_PENDING;
        /* Its packet comes to the port, perhaps before WriteFile returns:
         * the reference is taken first. */
        if (assoc) {
            arpc_mutex_lock(&st->lock);
            st->refs++;
            arpc_mutex_unlock(&st->lock);
        }
        if (!WriteFile(h, p, n, NULL, &st->out.ov) && GetLastError() != ERROR_IO_PENDING) {
            DWORD e = GetLastError();
            if (assoc) { /* no packet after all; the owner's reference remains */
                arpc_mutex_lock(&st->lock);
                st->refs--;
                arpc_mutex_unlock(&st->lock);
            }
            return net_resource_error((int)e, RPC_S_CALL_FAILED); /* ERROR_NO_DATA, ... */
        }
        DWORD r = WaitForSingleObject(st->out_event, timeout_ms == NET_FOREVER ? INFINITE : timeout_ms);
        if (r != WAIT_OBJECT_0) {
            CancelIoEx(h, &st->out.ov);
            WaitForSingleObject(st->out_event, INFINITE);
            return RPC_S_TIMEOUT;
        }
        if ((ULONG)st->out.ov.Internal != NET_ST_SUCCESS)
            return RPC_S_CALL_FAILED;
        size_t done = (size_t)st->out.ov.InternalHigh;
        if (done > n)
            done = n;
        p += done;
        len -= done;
    }
    return RPC_S_OK;
}

static RPC_STATUS net_pipe_send_all(net_stream *st, const arpc_iovec *iov, int iovcnt, uint32_t timeout_ms)
{
    arpc_mutex_lock(&st->wlock);
    arpc_mutex_lock(&st->lock);
    if (st->shut || !st->h) {
        arpc_mutex_unlock(&st->lock);
        arpc_mutex_unlock(&st->wlock);
        return RPC_S_CALL_FAILED;
    }
    st->sending++;
    HANDLE h = st->h;
    int assoc = st->port != NULL; /* stable: poller_add takes wlock */
    arpc_mutex_unlock(&st->lock);

    if (!st->stage)
        st->stage = malloc(NET_STAGE);
    RPC_STATUS rc = RPC_S_OK;
    size_t fill = 0;
    for (int i = 0; i < iovcnt && rc == RPC_S_OK; i++) {
        size_t len = iov[i].len;
        if (!len)
            continue;
        if (st->stage && len <= NET_STAGE / 4) { /* gather the small ones */
            if (fill + len > NET_STAGE) {
                rc = net_pipe_write(st, h, assoc, st->stage, fill, timeout_ms);
                fill = 0;
            }
            memcpy(st->stage + fill, iov[i].base, len);
            fill += len;
            continue;
        }
        if (fill) {
            rc = net_pipe_write(st, h, assoc, st->stage, fill, timeout_ms);
            fill = 0;
        }
        if (rc == RPC_S_OK)
            rc = net_pipe_write(st, h, assoc, iov[i].base, len, timeout_ms);
    }
    if (rc == RPC_S_OK && fill)
        rc = net_pipe_write(st, h, assoc, st->stage, fill, timeout_ms);

    arpc_mutex_lock(&st->lock);
    if (--st->sending == 0 && st->shut && st->h) { /* shut down meanwhile */
        CloseHandle(st->h);
        st->h = NULL;
    }
    if (rc != RPC_S_OK && st->shut)
        rc = RPC_S_CALL_FAILED;
    arpc_mutex_unlock(&st->lock);
    arpc_mutex_unlock(&st->wlock);
    return rc;
}

RPC_STATUS arpc_sock_send_all(arpc_socket s, const arpc_iovec *iov, int iovcnt, uint32_t timeout_ms)
{
    if (s == ARPC_INVALID_SOCKET || iovcnt < 0 || (iovcnt > 0 && !iov))
        return RPC_S_INVALID_ARG;
    for (int i = 0; i < iovcnt; i++)
        if (iov[i].len && !iov[i].base)
            return RPC_S_INVALID_ARG;
    net_stream *st = net_st(s);
    if (st->kind == NK_SOCK)
        return net_sock_send_all(st, iov, iovcnt, timeout_ms);
    if (st->kind == NK_PIPE)
        return net_pipe_send_all(st, iov, iovcnt, timeout_ms);
    return RPC_S_INVALID_ARG;
}

long arpc_sock_recv(arpc_socket s, void *buf, size_t len)
{
    if (s == ARPC_INVALID_SOCKET)
        return -1;
    net_stream *st = net_st(s);
    if (st->kind != NK_SOCK && st->kind != NK_PIPE)
        return -1;
    if (len > (size_t)LONG_MAX)
        len = (size_t)LONG_MAX;
    long r;
    arpc_mutex_lock(&st->lock);
    for (int armed = 0;;) {
        net_collect(st);
        if (st->pos < st->len) {
            size_t n = st->len - st->pos;
            if (n > len)
                n = len;
            memcpy(buf, st->buf + st->pos, n);
            st->pos += n;
            if (st->pos == st->len && st->poller)
                net_arm(st); /* watched: the next read goes out now */
            r = (long)n;
            break;
        }
        if (st->eof || st->shut) {
            r = st->eof < 0 ? -1 : 0;
            break;
        }
        if (!st->in_pending && !armed) {
            net_arm(st);
            armed = 1;
            continue;
        }
        if (!st->in_pending) { /* a pipe's empty read: go again */
            armed = 0;
            continue;
        }
        if (st->nonblocking) {
            r = -2;
            break;
        }
        net_wait_in(st, INFINITE);
        armed = 0;
    }
    net_update_ready(st, 1);
    arpc_mutex_unlock(&st->lock);
    return r;
}

RPC_STATUS arpc_sock_wait_readable(arpc_socket s, uint32_t timeout_ms)
{
    if (s == ARPC_INVALID_SOCKET)
        return RPC_S_INVALID_ARG;
    net_stream *st = net_st(s);
    ULONGLONG start = GetTickCount64();
    RPC_STATUS rc = RPC_S_OK;
    arpc_mutex_lock(&st->lock);
    for (int tries = 0;; tries++) {
        net_collect(st);
        if (net_ready(st))
            break;
        if (!st->in_pending) {
            net_arm(st);
            if (!st->in_pending && !net_ready(st) && tries > 100)
                break; /* cannot start a read: let recv tell */
            continue;
        }
        int left = net_remaining(timeout_ms, start);
        if (left == 0 || net_wait_in(st, net_ms(left))) {
            rc = RPC_S_TIMEOUT;
            break;
        }
    }
    net_update_ready(st, 1);
    arpc_mutex_unlock(&st->lock);
    return rc;
}

void arpc_sock_shutdown(arpc_socket s)
{
    if (s == ARPC_INVALID_SOCKET)
        return;
    net_stream *st = net_st(s);
    arpc_mutex_lock(&st->lock);
    if (!st->shut) {
        st->shut = 1;
        HANDLE h = net_handle(st);
        if (st->kind == NK_SOCK)
            shutdown(st->sock, SD_BOTH);
        if (st->in_pending && h)
            CancelIoEx(h, &st->in.ov); /* wakes the reader */
        if (st->kind == NK_PIPE && st->h) {
            CancelIoEx(st->h, NULL); /* the writes too */
            /* The peer reads what was written, then end of stream. */
            if (!st->sending) {
                CloseHandle(st->h);
                st->h = NULL;
            }
        }
        net_update_ready(st, 1);
    }
    arpc_mutex_unlock(&st->lock);
}

void arpc_sock_close(arpc_socket s)
{
    if (s == ARPC_INVALID_SOCKET)
        return;
    net_stream *st = net_st(s);
    arpc_mutex_lock(&st->lock);
    st->closed = 1;
    st->shut = 1;
    net_detach(st);
    HANDLE h = net_handle(st);
    if (st->in_pending && h)
        CancelIoEx(h, &st->in.ov);
    if (st->sock != INVALID_SOCKET)
        closesocket(st->sock);
    st->sock = INVALID_SOCKET;
    if (st->h)
        CloseHandle(st->h);
    st->h = NULL;
    /* Without a port nobody else will see the operation end: wait for it
     * before the memory goes. */
    while (st->in_pending && !st->port)
        net_wait_in(st, INFINITE);
    if (st->acc != INVALID_SOCKET)
        closesocket(st->acc);
    st->acc = INVALID_SOCKET;
    net_unref_unlock(st);
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
    if (s == ARPC_INVALID_SOCKET)
        return 0;
    net_stream *st = net_st(s);
    if (st->kind == NK_PIPE)
        return st->local_only;
    struct sockaddr_storage peer, self;
    int plen = (int)sizeof peer, slen = (int)sizeof self;
    if (getpeername(st->sock, (struct sockaddr *)&peer, &plen) != 0)
        return 0;
    struct in_addr p4, s4;
    int pv4 = net_unmap_v4(&peer, &p4);
    if (pv4 && (ntohl(p4.s_addr) >> 24) == 127)
        return 1;
    if (!pv4 && peer.ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&peer)->sin6_addr))
        return 1;
    if (getsockname(st->sock, (struct sockaddr *)&self, &slen) != 0)
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
    if (s == ARPC_INVALID_SOCKET)
        return 0;
    net_stream *st = net_st(s);
    ULONG pid = 0;
    arpc_mutex_lock(&st->lock);
    if (st->kind == NK_PIPE && st->h &&
        !(st->server_end ? GetNamedPipeClientProcessId(st->h, &pid) : GetNamedPipeServerProcessId(st->h, &pid)))
        pid = 0;
    arpc_mutex_unlock(&st->lock);
    return (uint32_t)pid;
}

/* ------------------------------------------------------------------- poller */

arpc_poller *arpc_poller_new(unsigned flags)
{
    if (arpc_net_init() != RPC_S_OK)
        return NULL;
    arpc_poller *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    /* One-shot pollers have several waiting threads, each of which may run
     * a while after its wait (a server call): no concurrency limit then. */
    p->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, (flags & ARPC_POLLER_ONESHOT) ? 1024 : 1);
    if (!p->port) {
        free(p);
        return NULL;
    }
    arpc_mutex_init(&p->lock);
    p->oneshot = (flags & ARPC_POLLER_ONESHOT) != 0;
    return p;
}

/* Streams still associated with the port are left to their owners (a
 * stream with a read outstanding then is never freed). */
void arpc_poller_free(arpc_poller *p)
{
    if (!p)
        return;
    CloseHandle(p->port);
    arpc_mutex_destroy(&p->lock);
    free(p);
}

RPC_STATUS arpc_poller_add(arpc_poller *p, arpc_socket s, void *ctx)
{
    if (!p || s == ARPC_INVALID_SOCKET)
        return RPC_S_INVALID_ARG;
    RPC_STATUS rc = arpc_sock_set_nonblocking(s);
    if (rc != RPC_S_OK)
        return rc;
    net_stream *st = net_st(s);
    arpc_mutex_lock(&st->wlock); /* no write starts while the port changes */
    arpc_mutex_lock(&st->lock);
    if (st->closed) {
        rc = RPC_S_INVALID_ARG;
    } else if (!st->port) {
        /* An operation started before goes to no port: finish it first. */
        HANDLE h = net_handle(st);
        if (st->in_pending && h)
            CancelIoEx(h, &st->in.ov);
        while (st->in_pending)
            net_wait_in(st, INFINITE);
        if (h && !CreateIoCompletionPort(h, p->port, 1, 0))
            rc = RPC_S_OUT_OF_RESOURCES;
        else
            st->port = p->port;
    } else if (st->port != p->port) {
        rc = RPC_S_INVALID_ARG; /* a handle belongs to one port for good */
    }
    if (rc == RPC_S_OK) {
        if (st->poller && st->poller != p)
            net_detach(st);
        arpc_mutex_lock(&p->lock);
        st->poller = p;
        st->ctx = ctx;
        st->disarmed = 0;
        arpc_mutex_unlock(&p->lock);
        net_arm(st);
        net_update_ready(st, 1);
    }
    arpc_mutex_unlock(&st->lock);
    arpc_mutex_unlock(&st->wlock);
    return rc;
}

void arpc_poller_rearm(arpc_poller *p, arpc_socket s, void *ctx)
{
    (void)ctx; /* the stream keeps its own */
    if (!p || s == ARPC_INVALID_SOCKET)
        return;
    net_stream *st = net_st(s);
    arpc_mutex_lock(&st->lock);
    if (st->poller == p) {
        arpc_mutex_lock(&p->lock);
        st->disarmed = 0;
        arpc_mutex_unlock(&p->lock);
        net_update_ready(st, 1);
    }
    arpc_mutex_unlock(&st->lock);
}

void arpc_poller_remove(arpc_poller *p, arpc_socket s)
{
    if (!p || s == ARPC_INVALID_SOCKET)
        return;
    net_stream *st = net_st(s);
    arpc_mutex_lock(&st->lock);
    if (st->poller == p)
        net_detach(st);
    arpc_mutex_unlock(&st->lock);
}

int arpc_poller_wait(arpc_poller *p, void **ready, int max, uint32_t timeout_ms)
{
    if (!p || !ready || max <= 0)
        return 0;
    ULONGLONG start = GetTickCount64();
    int count = 0;
    for (;;) {
        arpc_mutex_lock(&p->lock);
        int have = p->user_wake || p->head;
        arpc_mutex_unlock(&p->lock);
        OVERLAPPED_ENTRY ent[64];
        ULONG got = 0;
        DWORD ms = have ? 0 : net_ms(net_remaining(timeout_ms, start));
        if (GetQueuedCompletionStatusEx(p->port, ent, 64, &got, ms, FALSE)) {
            for (ULONG i = 0; i < got; i++)
                if (ent[i].lpOverlapped)
                    net_on_packet(ent[i].lpOverlapped);
        } else if (GetLastError() != WAIT_TIMEOUT) {
            break;
        }
        arpc_mutex_lock(&p->lock);
        if (p->user_wake) {
            p->user_wake = 0;
            ready[count++] = NULL;
        }
        /* Round robin: what is reported goes to the back (one-shot: off
         * the list until rearmed). */
        for (size_t k = p->nready; k > 0 && count < max; k--) {
            net_stream *st = p->head;
            ready[count++] = st->ctx;
            net_ready_unlink(p, st);
            if (p->oneshot)
                st->disarmed = 1;
            else
                net_ready_link(p, st);
        }
        /* Streams left ready are for another waiting thread. */
        int more = p->oneshot && p->head;
        arpc_mutex_unlock(&p->lock);
        if (more)
            net_poller_kick(p);
        if (count > 0 || net_remaining(timeout_ms, start) == 0)
            break;
    }
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

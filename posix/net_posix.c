/* net_posix.c - shim/net.h on Linux: BSD sockets, Unix domain sockets for
 * ncalrpc, epoll + eventfd for the poller.
 *
 * Every descriptor is close-on-exec.  No call can raise SIGPIPE: sends use
 * MSG_NOSIGNAL.  The build defines _GNU_SOURCE (accept4, SOCK_CLOEXEC,
 * struct ucred); a file that includes this one must define it first. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif
/* Buffers handed to one sendmsg (kept on the stack). */
#define NET_IOV_CHUNK (IOV_MAX < 1024 ? IOV_MAX : 1024)
#define NET_FOREVER 0xFFFFFFFFu

RPC_STATUS arpc_net_init(void)
{
    return RPC_S_OK;
}

/* ------------------------------------------------------------------ helpers */

static int net_fd(arpc_socket s)
{
    return (int)s;
}

static uint64_t net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Milliseconds left of timeout_ms since start, as a poll() timeout. */
static int net_remaining(uint32_t timeout_ms, uint64_t start)
{
    if (timeout_ms == NET_FOREVER)
        return -1;
    uint64_t spent = net_now_ms() - start;
    if (spent >= timeout_ms)
        return 0;
    uint64_t left = timeout_ms - spent;
    return left > INT_MAX ? INT_MAX : (int)left;
}

/* Wait for events on one descriptor: 1 ready, 0 timed out, -1 error. */
static int net_poll_one(int fd, short events, uint32_t timeout_ms)
{
    uint64_t start = net_now_ms();
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = events, .revents = 0 };
        int r = poll(&pfd, 1, net_remaining(timeout_ms, start));
        if (r > 0)
            return 1; /* POLLHUP/POLLERR too: the next call reports them */
        if (r == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

static RPC_STATUS net_resource_error(int e, RPC_STATUS otherwise)
{
    switch (e) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
        return RPC_S_OUT_OF_RESOURCES;
    default:
        return otherwise;
    }
}

/* A decimal TCP port: 1..65535, or 0 when allow_zero. */
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

static RPC_STATUS net_gai_status(int rc)
{
    switch (rc) {
    case EAI_SERVICE:
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    case EAI_MEMORY:
        return RPC_S_OUT_OF_RESOURCES;
    case EAI_SYSTEM:
        return net_resource_error(errno, RPC_S_SERVER_UNAVAILABLE);
    default: /* EAI_NONAME, EAI_AGAIN, EAI_FAIL, EAI_NODATA, EAI_ADDRFAMILY */
        return RPC_S_SERVER_UNAVAILABLE;
    }
}

static RPC_STATUS net_connect_status(int e)
{
    switch (e) {
    case ECONNREFUSED:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EHOSTDOWN:
    case ETIMEDOUT:
    case ENOENT:
    case EACCES:
    case EPERM:
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
    case ECONNRESET:
    case ENETDOWN:
        return RPC_S_SERVER_UNAVAILABLE;
    default:
        return net_resource_error(e, RPC_S_SERVER_UNAVAILABLE);
    }
}

/* connect() on a blocking socket, finishing an interrupted one; 0 or errno. */
static int net_connect_fd(int fd, const struct sockaddr *sa, socklen_t len)
{
    if (connect(fd, sa, len) == 0)
        return 0;
    if (errno != EINTR && errno != EINPROGRESS)
        return errno;
    /* Interrupted: the connection goes on in the background. */
    if (net_poll_one(fd, POLLOUT, NET_FOREVER) < 0)
        return errno;
    int err = 0;
    socklen_t elen = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
        return errno;
    return err;
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

    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV;
    struct addrinfo *list = NULL;
    int rc = getaddrinfo(host && *host ? host : NULL, port, &hints, &list);
    if (rc != 0)
        return net_gai_status(rc);

    RPC_STATUS st = RPC_S_SERVER_UNAVAILABLE;
    for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            st = net_connect_status(errno);
            continue;
        }
        int err = net_connect_fd(fd, ai->ai_addr, ai->ai_addrlen);
        if (err == 0) {
            *out = (arpc_socket)fd;
            st = RPC_S_OK;
            break;
        }
        close(fd);
        st = net_connect_status(err);
    }
    freeaddrinfo(list);
    return st;
}

/* A listening TCP socket on the wildcard address of family (AF_INET6 with
 * v6only 0 or 1, or AF_INET); 0 or errno. */
static int net_tcp_listener(int family, int v6only, unsigned port, int *out)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0)
        return errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_addr = in6addr_any;
        a6->sin6_port = htons((uint16_t)port);
        len = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_addr.s_addr = htonl(INADDR_ANY);
        a4->sin_port = htons((uint16_t)port);
        len = sizeof *a4;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, SOMAXCONN) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    *out = fd;
    return 0;
}

static unsigned net_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return 0;
}

static RPC_STATUS net_listen_status(int e)
{
    if (e == EADDRINUSE)
        return RPC_S_DUPLICATE_ENDPOINT;
    return net_resource_error(e, RPC_S_CANT_CREATE_ENDPOINT);
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

    /* One dual-stack socket where the system has them. */
    int fd6 = -1, fd4 = -1;
    int e = net_tcp_listener(AF_INET6, 0, portnum, &fd6);
    if (e == 0) {
        out[0] = (arpc_socket)fd6;
        *count = 1;
        if (bound_port)
            *bound_port = net_local_port(fd6);
        return RPC_S_OK;
    }
    if (e == EADDRINUSE)
        return RPC_S_DUPLICATE_ENDPOINT;

    /* Otherwise an IPv6-only socket (if IPv6 works at all) and an IPv4 one
     * on the same port.  A free port picked for the first may be taken for
     * the second: try a few. */
    for (int attempt = 0; attempt < 8; attempt++) {
        unsigned p = portnum;
        fd6 = -1;
        e = net_tcp_listener(AF_INET6, 1, p, &fd6);
        if (e == EADDRINUSE)
            return RPC_S_DUPLICATE_ENDPOINT;
        if (e == 0 && p == 0)
            p = net_local_port(fd6);
        e = net_tcp_listener(AF_INET, 0, p, &fd4);
        if (e == 0) {
            int n = 0;
            if (fd6 >= 0)
                out[n++] = (arpc_socket)fd6;
            out[n++] = (arpc_socket)fd4;
            *count = n;
            if (bound_port)
                *bound_port = net_local_port(fd4);
            return RPC_S_OK;
        }
        if (fd6 >= 0)
            close(fd6);
        if (e != EADDRINUSE || portnum != 0 || fd6 < 0)
            break;
    }
    return net_listen_status(e);
}

/* ------------------------------------------------------------------ ncalrpc */

/* The runtime directory: $XDG_RUNTIME_DIR/asyncrpc, else /tmp/asyncrpc-<uid>. */
static int net_runtime_dir(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, size, "%s/asyncrpc", xdg);
    else
        n = snprintf(buf, size, "/tmp/asyncrpc-%lu", (unsigned long)geteuid());
    return n > 0 && (size_t)n < size;
}

/* Ours, a real directory, owner-only. */
static int net_dir_is_private(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0)
        return 0;
    return S_ISDIR(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 077) == 0;
}

/* Fills *sa with the socket path of endpoint; RPC_S_OK or
 * RPC_S_INVALID_ENDPOINT_FORMAT.  dir receives the directory. */
static RPC_STATUS net_local_addr(const char *endpoint, struct sockaddr_un *sa, socklen_t *len, char *dir,
                                 size_t dirsize)
{
    if (!endpoint || !*endpoint || strchr(endpoint, '/') || strcmp(endpoint, ".") == 0 ||
        strcmp(endpoint, "..") == 0)
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    if (!net_runtime_dir(dir, dirsize))
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    int n = snprintf(sa->sun_path, sizeof sa->sun_path, "%s/%s", dir, endpoint);
    if (n <= 0 || (size_t)n >= sizeof sa->sun_path)
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
    return RPC_S_OK;
}

RPC_STATUS arpc_local_connect(const char *endpoint, arpc_socket *out)
{
    struct sockaddr_un sa;
    socklen_t len;
    char dir[sizeof sa.sun_path];
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    RPC_STATUS st = net_local_addr(endpoint, &sa, &len, dir, sizeof dir);
    if (st != RPC_S_OK)
        return st;
    /* A directory someone else made could hold an impostor's socket. */
    if (!net_dir_is_private(dir))
        return RPC_S_SERVER_UNAVAILABLE;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return net_resource_error(errno, RPC_S_SERVER_UNAVAILABLE);
    int err = net_connect_fd(fd, (struct sockaddr *)&sa, len);
    if (err != 0) {
        close(fd);
        return net_connect_status(err);
    }
    *out = (arpc_socket)fd;
    return RPC_S_OK;
}

RPC_STATUS arpc_local_listen(const char *endpoint, arpc_socket *out)
{
    struct sockaddr_un sa;
    socklen_t len;
    char dir[sizeof sa.sun_path];
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    RPC_STATUS st = net_local_addr(endpoint, &sa, &len, dir, sizeof dir);
    if (st != RPC_S_OK)
        return st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return RPC_S_CANT_CREATE_ENDPOINT;
    if (!net_dir_is_private(dir))
        return RPC_S_CANT_CREATE_ENDPOINT;

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return net_resource_error(errno, RPC_S_CANT_CREATE_ENDPOINT);
    for (int attempt = 0;; attempt++) {
        if (bind(fd, (struct sockaddr *)&sa, len) == 0)
            break;
        int e = errno;
        if (e != EADDRINUSE || attempt >= 3) {
            close(fd);
            return net_listen_status(e);
        }
        /* The file exists: a live server, or a stale file nobody serves. */
        struct stat sst;
        if (lstat(sa.sun_path, &sst) == 0 && !S_ISSOCK(sst.st_mode)) {
            close(fd);
            return RPC_S_CANT_CREATE_ENDPOINT;
        }
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe < 0) {
            close(fd);
            return net_resource_error(errno, RPC_S_CANT_CREATE_ENDPOINT);
        }
        int perr = net_connect_fd(probe, (struct sockaddr *)&sa, len);
        close(probe);
        if (perr == 0 || perr == EAGAIN) { /* EAGAIN: alive, backlog full */
            close(fd);
            return RPC_S_DUPLICATE_ENDPOINT;
        }
        if (perr == ECONNREFUSED)
            unlink(sa.sun_path);
        else if (perr != ENOENT) {
            close(fd);
            return RPC_S_CANT_CREATE_ENDPOINT;
        }
    }
    /* The directory already keeps others out; the mode says so twice. */
    if (chmod(sa.sun_path, 0600) != 0 || listen(fd, SOMAXCONN) != 0) {
        int e = errno;
        unlink(sa.sun_path);
        close(fd);
        return net_resource_error(e, RPC_S_CANT_CREATE_ENDPOINT);
    }
    *out = (arpc_socket)fd;
    return RPC_S_OK;
}

void arpc_local_dynamic_endpoint(char *buf, size_t size)
{
    static unsigned counter;
    if (!buf || size == 0)
        return;
    unsigned n = __atomic_add_fetch(&counter, 1u, __ATOMIC_RELAXED);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned salt = (unsigned)ts.tv_nsec ^ (unsigned)ts.tv_sec * 2654435761u;
    snprintf(buf, size, "LRPC-%lx-%x-%08x", (unsigned long)getpid(), n, salt);
}

void arpc_local_unlink(const char *endpoint)
{
    struct sockaddr_un sa;
    socklen_t len;
    char dir[sizeof sa.sun_path];
    struct stat st;
    if (net_local_addr(endpoint, &sa, &len, dir, sizeof dir) != RPC_S_OK)
        return;
    if (lstat(sa.sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(sa.sun_path);
}

/* ncacn_np is a Windows transport (named pipes). */
RPC_STATUS arpc_np_connect(const char *host, const char *endpoint, arpc_socket *out)
{
    (void)host;
    (void)endpoint;
    if (out)
        *out = ARPC_INVALID_SOCKET;
    return RPC_S_PROTSEQ_NOT_SUPPORTED;
}

RPC_STATUS arpc_np_listen(const char *endpoint, arpc_socket *out)
{
    (void)endpoint;
    if (out)
        *out = ARPC_INVALID_SOCKET;
    return RPC_S_PROTSEQ_NOT_SUPPORTED;
}

/* ------------------------------------------------------------------ sockets */

RPC_STATUS arpc_sock_accept(arpc_socket listener, arpc_socket *out)
{
    if (!out)
        return RPC_S_INVALID_ARG;
    *out = ARPC_INVALID_SOCKET;
    for (;;) {
        int fd = accept4(net_fd(listener), NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) {
            *out = (arpc_socket)fd;
            return RPC_S_OK;
        }
        switch (errno) {
        case EINTR:
        case ECONNABORTED: /* that one went away; the next may wait */
        case EPROTO:
            continue;
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
            return RPC_S_ASYNC_CALL_PENDING;
        default:
            return net_resource_error(errno, RPC_S_CALL_FAILED);
        }
    }
}

RPC_STATUS arpc_sock_set_nonblocking(arpc_socket s)
{
    int fl = fcntl(net_fd(s), F_GETFL);
    if (fl < 0)
        return RPC_S_INVALID_ARG;
    if (!(fl & O_NONBLOCK) && fcntl(net_fd(s), F_SETFL, fl | O_NONBLOCK) != 0)
        return RPC_S_INVALID_ARG;
    return RPC_S_OK;
}

static int net_family(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return AF_UNSPEC;
    return ss.ss_family;
}

void arpc_sock_set_nodelay(arpc_socket s)
{
    int fam = net_family(net_fd(s));
    if (fam == AF_INET || fam == AF_INET6) {
        int one = 1;
        setsockopt(net_fd(s), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
}

RPC_STATUS arpc_sock_send_all(arpc_socket s, const arpc_iovec *iov, int iovcnt, uint32_t timeout_ms)
{
    struct iovec vec[NET_IOV_CHUNK];
    int i = 0;       /* current buffer */
    size_t off = 0;  /* bytes of it already sent */
    if (iovcnt < 0 || (iovcnt > 0 && !iov))
        return RPC_S_INVALID_ARG;
    for (;;) {
        /* Skip what is done or empty. */
        while (i < iovcnt && off >= iov[i].len) {
            i++;
            off = 0;
        }
        if (i >= iovcnt)
            return RPC_S_OK;
        int n = 0;
        for (int k = i; k < iovcnt && n < NET_IOV_CHUNK; k++) {
            size_t skip = k == i ? off : 0;
            if (iov[k].len <= skip)
                continue;
            if (!iov[k].base)
                return RPC_S_INVALID_ARG;
            vec[n].iov_base = (char *)(uintptr_t)iov[k].base + skip;
            vec[n].iov_len = iov[k].len - skip;
            n++;
        }
        struct msghdr msg;
        memset(&msg, 0, sizeof msg);
        msg.msg_iov = vec;
        msg.msg_iovlen = (size_t)n;
        /* MSG_DONTWAIT even on a blocking socket: the wait below keeps the
         * timeout. */
        ssize_t w = sendmsg(net_fd(s), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                int r = net_poll_one(net_fd(s), POLLOUT, timeout_ms);
                if (r == 0)
                    return RPC_S_TIMEOUT;
                if (r < 0)
                    return RPC_S_CALL_FAILED;
                continue;
            }
            return RPC_S_CALL_FAILED; /* EPIPE, ECONNRESET, ENOTCONN, ... */
        }
        /* Advance past w bytes. */
        size_t left = (size_t)w;
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
    if (len > (size_t)LONG_MAX)
        len = (size_t)LONG_MAX;
    for (;;) {
        ssize_t r = recv(net_fd(s), buf, len, 0);
        if (r >= 0)
            return (long)r;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return -2; /* only a non-blocking socket gets here */
        return -1;
    }
}

RPC_STATUS arpc_sock_wait_readable(arpc_socket s, uint32_t timeout_ms)
{
    int r = net_poll_one(net_fd(s), POLLIN, timeout_ms);
    if (r == 0)
        return RPC_S_TIMEOUT;
    /* A poll failure is left for the read to report. */
    return RPC_S_OK;
}

void arpc_sock_shutdown(arpc_socket s)
{
    if (s != ARPC_INVALID_SOCKET)
        shutdown(net_fd(s), SHUT_RDWR);
}

void arpc_sock_close(arpc_socket s)
{
    /* Never retried: on Linux the descriptor is gone even after EINTR. */
    if (s != ARPC_INVALID_SOCKET)
        close(net_fd(s));
}

/* The IPv4 address inside a v4-mapped IPv6 one, else 0. */
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
    socklen_t plen = sizeof peer, slen = sizeof self;
    if (getpeername(net_fd(s), (struct sockaddr *)&peer, &plen) != 0)
        return 0;
    if (peer.ss_family == AF_UNIX)
        return 1;
    struct in_addr p4, s4;
    int pv4 = net_unmap_v4(&peer, &p4);
    if (pv4 && (ntohl(p4.s_addr) >> 24) == 127)
        return 1;
    if (!pv4 && peer.ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&peer)->sin6_addr))
        return 1;
    /* A connection from one of this machine's own addresses. */
    if (getsockname(net_fd(s), (struct sockaddr *)&self, &slen) != 0)
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
    if (net_family(net_fd(s)) != AF_UNIX)
        return 0;
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(net_fd(s), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len < sizeof cred)
        return 0;
    return cred.pid > 0 ? (uint32_t)cred.pid : 0;
}

/* ------------------------------------------------------------------- poller */

struct arpc_poller {
    int ep;
    int wakefd; /* eventfd */
    uint32_t oneshot; /* EPOLLONESHOT or 0 */
};

#define NET_POLL_BATCH 64

arpc_poller *arpc_poller_new(unsigned flags)
{
    arpc_poller *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->oneshot = (flags & ARPC_POLLER_ONESHOT) ? EPOLLONESHOT : 0;
    p->ep = epoll_create1(EPOLL_CLOEXEC);
    p->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->ep < 0 || p->wakefd < 0)
        goto fail;
    /* The wake descriptor's data is the poller itself, never a caller's. */
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = p;
    if (epoll_ctl(p->ep, EPOLL_CTL_ADD, p->wakefd, &ev) != 0)
        goto fail;
    return p;
fail:
    if (p->ep >= 0)
        close(p->ep);
    if (p->wakefd >= 0)
        close(p->wakefd);
    free(p);
    return NULL;
}

void arpc_poller_free(arpc_poller *p)
{
    if (!p)
        return;
    close(p->ep);
    close(p->wakefd);
    free(p);
}

RPC_STATUS arpc_poller_add(arpc_poller *p, arpc_socket s, void *ctx)
{
    if (!p || s == ARPC_INVALID_SOCKET)
        return RPC_S_INVALID_ARG;
    RPC_STATUS st = arpc_sock_set_nonblocking(s);
    if (st != RPC_S_OK)
        return st;
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLRDHUP | p->oneshot; /* level-triggered */
    ev.data.ptr = ctx;
    if (epoll_ctl(p->ep, EPOLL_CTL_ADD, net_fd(s), &ev) == 0)
        return RPC_S_OK;
    if (errno == EEXIST && epoll_ctl(p->ep, EPOLL_CTL_MOD, net_fd(s), &ev) == 0)
        return RPC_S_OK;
    return net_resource_error(errno == ENOSPC ? ENOMEM : errno, RPC_S_INVALID_ARG);
}

void arpc_poller_rearm(arpc_poller *p, arpc_socket s, void *ctx)
{
    if (!p || s == ARPC_INVALID_SOCKET)
        return;
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLRDHUP | p->oneshot;
    ev.data.ptr = ctx;
    epoll_ctl(p->ep, EPOLL_CTL_MOD, net_fd(s), &ev); /* ENOENT: removed meanwhile */
}

void arpc_poller_remove(arpc_poller *p, arpc_socket s)
{
    if (p && s != ARPC_INVALID_SOCKET)
        epoll_ctl(p->ep, EPOLL_CTL_DEL, net_fd(s), NULL);
}

int arpc_poller_wait(arpc_poller *p, void **ready, int max, uint32_t timeout_ms)
{
    struct epoll_event evs[NET_POLL_BATCH];
    if (!p || !ready || max <= 0)
        return 0;
    if (max > NET_POLL_BATCH)
        max = NET_POLL_BATCH;
    uint64_t start = net_now_ms();
    int n;
    for (;;) {
        n = epoll_wait(p->ep, evs, max, net_remaining(timeout_ms, start));
        if (n >= 0)
            break;
        if (errno != EINTR)
            return 0;
    }
    for (int i = 0; i < n; i++) {
        if (evs[i].data.ptr == p) {
            uint64_t v;
            while (read(p->wakefd, &v, sizeof v) < 0 && errno == EINTR)
                ;
            ready[i] = NULL;
        } else {
            ready[i] = evs[i].data.ptr;
        }
    }
    return n;
}

void arpc_poller_wake(arpc_poller *p)
{
    uint64_t one = 1;
    if (!p)
        return;
    /* EAGAIN means the counter is full: a wake is already pending. */
    while (write(p->wakefd, &one, sizeof one) < 0 && errno == EINTR)
        ;
}

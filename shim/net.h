/* net.h - the platform's byte streams for the transports (part of the
 * platform interface; posix/net_posix.c and win32/net_win32.c implement it).
 *
 * ncacn_ip_tcp: TCP over IPv4 and IPv6, numeric and named hosts.
 * ncalrpc on POSIX: a Unix domain socket named after the endpoint in the
 * runtime directory ($XDG_RUNTIME_DIR/asyncrpc, else /tmp/asyncrpc-<uid>),
 * the directory 0700 and the socket 0600 (owner only).  On Windows ncalrpc
 * is the local named pipe \\.\pipe\lrpc\<endpoint> (see net_win32.c).
 * ncacn_np (endpoints "\pipe\name") is Windows only: local named pipes;
 * on POSIX arpc_np_* return RPC_S_PROTSEQ_NOT_SUPPORTED.
 *
 * Sockets are non-blocking once handed to the poller; arpc_sock_send_all
 * and arpc_sock_recv_all wait for readiness themselves.  No SIGPIPE is
 * ever raised (MSG_NOSIGNAL / SO_NOSIGPIPE).  Errors are Windows RPC codes:
 * RPC_S_SERVER_UNAVAILABLE (connect refused, host unknown or unreachable),
 * RPC_S_DUPLICATE_ENDPOINT (address in use), RPC_S_CANT_CREATE_ENDPOINT,
 * RPC_S_INVALID_ENDPOINT_FORMAT, RPC_S_INVALID_NET_ADDR, RPC_S_CALL_FAILED
 * (connection lost mid-transfer), RPC_S_OUT_OF_RESOURCES.
 */
#ifndef ASYNCRPC_SHIM_NET_H
#define ASYNCRPC_SHIM_NET_H

#include "platform.h"

typedef intptr_t arpc_socket;
#define ARPC_INVALID_SOCKET ((arpc_socket)-1)

typedef struct arpc_iovec {
    const void *base;
    size_t len;
} arpc_iovec;

/* Once per process (WSAStartup on Windows); idempotent. */
RPC_STATUS arpc_net_init(void);

/* host NULL or "" means the local machine; port is a decimal string. */
RPC_STATUS arpc_tcp_connect(const char *host, const char *port, arpc_socket *out);
/* Listen on every address, IPv6 and IPv4 (two sockets where the system
 * has no dual-stack socket).  port NULL or "" picks a free port;
 * *bound_port receives the port in use. */
RPC_STATUS arpc_tcp_listen(const char *port, arpc_socket out[2], int *count, unsigned *bound_port);
RPC_STATUS arpc_local_connect(const char *endpoint, arpc_socket *out);
/* Replaces a stale socket file nobody listens on; RPC_S_DUPLICATE_ENDPOINT
 * if a live server owns the endpoint. */
RPC_STATUS arpc_local_listen(const char *endpoint, arpc_socket *out);
/* A fresh endpoint name for RpcServerUseProtseq("ncalrpc"). */
void arpc_local_dynamic_endpoint(char *buf, size_t size);
void arpc_local_unlink(const char *endpoint);
/* ncacn_np: endpoint "\pipe\name" (RPC_S_INVALID_ENDPOINT_FORMAT
 * otherwise) is the pipe \\.\pipe\name of this machine.  host NULL, "",
 * ".", "localhost", a loopback address or the computer's name is this
 * machine; any other host is RPC_S_SERVER_UNAVAILABLE (pipes on other
 * machines are not offered).  Listening on a pipe name someone already
 * serves is RPC_S_DUPLICATE_ENDPOINT; nobody listening is
 * RPC_S_SERVER_UNAVAILABLE.  Streams and listeners as for ncalrpc. */
RPC_STATUS arpc_np_connect(const char *host, const char *endpoint, arpc_socket *out);
RPC_STATUS arpc_np_listen(const char *endpoint, arpc_socket *out);

/* RPC_S_OK with *out valid, or RPC_S_ASYNC_CALL_PENDING when no
 * connection is waiting (non-blocking listener). */
RPC_STATUS arpc_sock_accept(arpc_socket listener, arpc_socket *out);
RPC_STATUS arpc_sock_set_nonblocking(arpc_socket s);
/* TCP_NODELAY; no-op for local sockets. */
void arpc_sock_set_nodelay(arpc_socket s);

/* Write all of iov (several buffers per system call), waiting for
 * writability as needed, at most timeout_ms between progress
 * (0xFFFFFFFF: forever).  RPC_S_CALL_FAILED if the peer is gone. */
RPC_STATUS arpc_sock_send_all(arpc_socket s, const arpc_iovec *iov, int iovcnt, uint32_t timeout_ms);
/* Read up to len bytes: > 0 bytes read, 0 when the peer closed,
 * -1 on error, -2 when nothing is available (non-blocking). */
long arpc_sock_recv(arpc_socket s, void *buf, size_t len);
/* Wait until s is readable; RPC_S_OK, or RPC_S_TIMEOUT. */
RPC_STATUS arpc_sock_wait_readable(arpc_socket s, uint32_t timeout_ms);
void arpc_sock_shutdown(arpc_socket s);   /* both directions; wakes readers */
void arpc_sock_close(arpc_socket s);
/* The peer: whether it is on this machine, and its process id when the
 * transport knows it (local sockets on Linux), else 0. */
int arpc_sock_peer_is_local(arpc_socket s);
uint32_t arpc_sock_peer_pid(arpc_socket s);

/* A readiness poller: a thread waits for many sockets.  Level-triggered:
 * a ready socket is reported by every wait until it is read dry.  With
 * ARPC_POLLER_ONESHOT a socket, once reported, is not reported again until
 * arpc_poller_rearm (or arpc_poller_add) arms it again; several threads may
 * then wait at once, and each report goes to one of them (the server's
 * I/O threads, server.c). */
typedef struct arpc_poller arpc_poller;
#define ARPC_POLLER_ONESHOT 1u
arpc_poller *arpc_poller_new(unsigned flags);
void arpc_poller_free(arpc_poller *p);
/* Watch s for readability (and hang-up); ctx comes back from wait. */
RPC_STATUS arpc_poller_add(arpc_poller *p, arpc_socket s, void *ctx);
/* One-shot pollers: report s again when it is (or becomes) ready; nothing
 * if s is not in the poller.  ctx: the one s was added with. */
void arpc_poller_rearm(arpc_poller *p, arpc_socket s, void *ctx);
void arpc_poller_remove(arpc_poller *p, arpc_socket s);
/* Up to max contexts of ready sockets; a NULL context entry means
 * arpc_poller_wake was called.  Returns the count, 0 on timeout. */
int arpc_poller_wait(arpc_poller *p, void **ready, int max, uint32_t timeout_ms);
void arpc_poller_wake(arpc_poller *p);

#endif /* ASYNCRPC_SHIM_NET_H */

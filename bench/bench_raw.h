/* bench_raw.h - the raw-socket baselines: the same bytes moved the same way
 * as the RPC benchmarks, with plain read/write on TCP loopback (the
 * baseline of ncacn_ip_tcp) and on a Unix stream socket (the baseline of
 * ncalrpc, which is one on POSIX).
 *
 * The server half runs in bench_server, beside the RPC server: a thread
 * per connection, blocking I/O.  A connection starts with a 16-byte header
 * (mode, chunk, bytes) and then
 *   RAW_DOWNLOAD  the server writes `bytes` in writes of `chunk` bytes from
 *                 a buffer filled once, then closes;
 *   RAW_UPLOAD    the server reads `bytes` into a max(chunk, 64 KiB) buffer,
 *                 then writes the 8-byte count back;
 *   RAW_ECHO      the server reads what comes into a 64 KiB buffer and
 *                 writes every whole 24-byte message back, one write per
 *                 message, until end of file.
 * The client half is called by bench_client. */
#ifndef BENCH_RAW_H
#define BENCH_RAW_H

#include <stddef.h>
#include "bench_stats.h"

enum { RAW_DOWNLOAD = 1, RAW_UPLOAD = 2, RAW_ECHO = 3 };

/* Listens on 127.0.0.1 (a free port, *tcp_port) and on a Unix socket in a
 * fresh folder under /tmp (its path in unix_path); serves until the process
 * ends.  raw_server_cleanup removes the socket and its folder. */
int raw_server_start(unsigned short *tcp_port, char *unix_path, size_t size);
void raw_server_cleanup(void);

typedef struct raw_target {
    int unix_socket;        /* 1: path, 0: 127.0.0.1:port */
    unsigned short port;
    const char *path;
} raw_target;

/* One transfer of `bytes` in pushes of `chunk` (upload: client writes;
 * download: server writes), timed from before connect to the last byte
 * (upload: to the server's count).  0 on success, *secs the time. */
int raw_transfer(const raw_target *t, int upload, long long bytes, unsigned chunk, double *secs);

/* Request/response on one connection with `depth` messages in flight, for
 * `secs` seconds after a warm-up; latencies into lat, *elapsed the time. */
int raw_echo_depth(const raw_target *t, unsigned depth, double secs, bench_lat *lat, double *elapsed);

/* `threads` threads, each with its own connection and one message in
 * flight, for `secs` seconds; every latency into lat. */
int raw_echo_threads(const raw_target *t, unsigned threads, double secs, bench_lat *lat, double *elapsed);

#endif

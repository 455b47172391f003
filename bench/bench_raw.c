/* See bench_raw.h. */
#define _GNU_SOURCE
#include "bench_raw.h"
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

struct raw_header {
    uint32_t mode, chunk;
    uint64_t bytes;
};

/* What senders write: filled once, never in a timed loop. */
static unsigned char *pattern;
static pthread_once_t pattern_once = PTHREAD_ONCE_INIT;

static void pattern_init(void)
{
    pattern = malloc(BENCH_MAX_CHUNK);
    if (!pattern) {
        fprintf(stderr, "bench_raw: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < BENCH_MAX_CHUNK; i++)
        pattern[i] = (unsigned char)(i * 131u + 7u);
}

static int write_all(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_full(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static void set_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* ------------------------------------------------------------ server */

static char server_dir[64], server_path[108];

static void *serve_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    struct raw_header h;
    unsigned char *buf = NULL;
    if (read_full(fd, &h, sizeof h))
        goto out;
    if (h.chunk == 0 || h.chunk > BENCH_MAX_CHUNK)
        goto out;
    size_t cap = h.chunk > BENCH_RECV_MIN ? h.chunk : BENCH_RECV_MIN;
    if (h.mode == RAW_DOWNLOAD) {
        for (uint64_t sent = 0; sent < h.bytes;) {
            size_t n = h.bytes - sent < h.chunk ? (size_t)(h.bytes - sent) : h.chunk;
            if (write_all(fd, pattern, n))
                goto out;
            sent += n;
        }
    } else if (h.mode == RAW_UPLOAD) {
        if (!(buf = malloc(cap)))
            goto out;
        uint64_t got = 0;
        while (got < h.bytes) {
            ssize_t r = read(fd, buf, cap);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                goto out;
            got += (uint64_t)r;
        }
        write_all(fd, &got, sizeof got);
    } else if (h.mode == RAW_ECHO) {
        cap = BENCH_RECV_MIN;
        if (!(buf = malloc(cap)))
            goto out;
        size_t have = 0;
        for (;;) {
            ssize_t r = read(fd, buf + have, cap - have);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            have += (size_t)r;
            size_t off = 0;
            for (; have - off >= BENCH_MSG_SIZE; off += BENCH_MSG_SIZE)
                if (write_all(fd, buf + off, BENCH_MSG_SIZE))
                    goto out;
            memmove(buf, buf + off, have - off);
            have -= off;
        }
    }
out:
    free(buf);
    close(fd);
    return NULL;
}

static void *accept_loop(void *arg)
{
    int ls = (int)(intptr_t)arg;
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return NULL;
        }
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        if (!getsockname(fd, (struct sockaddr *)&ss, &sl) && ss.ss_family == AF_INET)
            set_nodelay(fd);
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &at, serve_conn, (void *)(intptr_t)fd))
            close(fd);
        pthread_attr_destroy(&at);
    }
}

static int spawn_accept(int ls)
{
    pthread_t t;
    if (listen(ls, 64) || pthread_create(&t, NULL, accept_loop, (void *)(intptr_t)ls))
        return -1;
    pthread_detach(t);
    return 0;
}

int raw_server_start(unsigned short *tcp_port, char *unix_path, size_t size)
{
    pthread_once(&pattern_once, pattern_init);
    int ts = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ts < 0)
        return -1;
    int one = 1;
    setsockopt(ts, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sin;
    if (bind(ts, (struct sockaddr *)&sin, sizeof sin) || getsockname(ts, (struct sockaddr *)&sin, &sl) ||
        spawn_accept(ts))
        return -1;
    *tcp_port = ntohs(sin.sin_port);

    snprintf(server_dir, sizeof server_dir, "/tmp/arpcbench.XXXXXX");
    if (!mkdtemp(server_dir))
        return -1;
    snprintf(server_path, sizeof server_path, "%s/raw.sock", server_dir);
    int us = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", server_path);
    if (us < 0 || bind(us, (struct sockaddr *)&sun, sizeof sun) || spawn_accept(us))
        return -1;
    snprintf(unix_path, size, "%s", server_path);
    return 0;
}

void raw_server_cleanup(void)
{
    if (server_path[0])
        unlink(server_path);
    if (server_dir[0])
        rmdir(server_dir);
}

/* ------------------------------------------------------------ client */

static int raw_connect(const raw_target *t)
{
    int fd;
    if (t->unix_socket) {
        struct sockaddr_un sun;
        memset(&sun, 0, sizeof sun);
        sun.sun_family = AF_UNIX;
        snprintf(sun.sun_path, sizeof sun.sun_path, "%s", t->path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof sun)) {
            close(fd);
            fd = -1;
        }
    } else {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sin.sin_port = htons(t->port);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof sin)) {
            close(fd);
            fd = -1;
        }
        if (fd >= 0)
            set_nodelay(fd);
    }
    if (fd < 0)
        fprintf(stderr, "bench_raw: connect: %s\n", strerror(errno));
    return fd;
}

int raw_transfer(const raw_target *t, int upload, long long bytes, unsigned chunk, double *secs)
{
    pthread_once(&pattern_once, pattern_init);
    if (chunk == 0 || chunk > BENCH_MAX_CHUNK || bytes < 0)
        return -1;
    size_t cap = chunk > BENCH_RECV_MIN ? chunk : BENCH_RECV_MIN;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return -1;
    int rc = -1;
    uint64_t t0 = bench_now_ns();
    int fd = raw_connect(t);
    if (fd < 0)
        goto out;
    struct raw_header h = {upload ? RAW_UPLOAD : RAW_DOWNLOAD, chunk, (uint64_t)bytes};
    if (write_all(fd, &h, sizeof h))
        goto out;
    if (upload) {
        for (long long sent = 0; sent < bytes;) {
            size_t n = bytes - sent < (long long)chunk ? (size_t)(bytes - sent) : chunk;
            if (write_all(fd, pattern, n))
                goto out;
            sent += (long long)n;
        }
        uint64_t count = 0;
        if (read_full(fd, &count, sizeof count) || count != (uint64_t)bytes)
            goto out;
    } else {
        long long got = 0;
        while (got < bytes) {
            ssize_t r = read(fd, buf, cap);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                goto out;
            got += r;
        }
    }
    *secs = (double)(bench_now_ns() - t0) / 1e9;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc;
}

struct msg {
    uint64_t ts, seq, pad;
};
_Static_assert(sizeof(struct msg) == BENCH_MSG_SIZE, "24-byte messages");

static int echo_start(const raw_target *t)
{
    int fd = raw_connect(t);
    if (fd < 0)
        return -1;
    struct raw_header h = {RAW_ECHO, BENCH_MSG_SIZE, 0};
    if (write_all(fd, &h, sizeof h)) {
        close(fd);
        return -1;
    }
    return fd;
}

int raw_echo_depth(const raw_target *t, unsigned depth, double secs, bench_lat *lat, double *elapsed)
{
    int fd = echo_start(t);
    if (fd < 0)
        return -1;
    size_t cap = BENCH_RECV_MIN;
    unsigned char *buf = malloc(cap);
    int rc = -1;
    if (!buf)
        goto out;
    struct msg m = {0, 0, 0};
    /* warm-up: a few round trips at depth 1 */
    for (int i = 0; i < 50; i++) {
        if (write_all(fd, &m, sizeof m) || read_full(fd, &m, sizeof m))
            goto out;
    }
    uint64_t t0 = bench_now_ns(), deadline = t0 + (uint64_t)(secs * 1e9), now = t0;
    unsigned outstanding = 0;
    for (unsigned i = 0; i < depth; i++) {
        m.ts = bench_now_ns();
        m.seq = i;
        if (write_all(fd, &m, sizeof m))
            goto out;
        outstanding++;
    }
    size_t have = 0;
    while (outstanding) {
        ssize_t r = read(fd, buf + have, cap - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto out;
        have += (size_t)r;
        size_t off = 0;
        for (; have - off >= BENCH_MSG_SIZE; off += BENCH_MSG_SIZE) {
            struct msg in;
            memcpy(&in, buf + off, sizeof in);
            now = bench_now_ns();
            bench_lat_add(lat, now - in.ts);
            outstanding--;
            if (now < deadline) {
                m.ts = now;
                m.seq++;
                if (write_all(fd, &m, sizeof m))
                    goto out;
                outstanding++;
            }
        }
        memmove(buf, buf + off, have - off);
        have -= off;
    }
    *elapsed = (double)(now - t0) / 1e9;
    rc = 0;
out:
    free(buf);
    close(fd);
    return rc;
}

struct echo_thread {
    const raw_target *t;
    pthread_barrier_t *ready, *go;
    const volatile uint64_t *deadline;
    bench_lat lat;
    int fd, failed;
};

static void *echo_thread_main(void *arg)
{
    struct echo_thread *e = arg;
    struct msg m = {0, 0, 0};
    for (int i = 0; i < 20 && !e->failed; i++)
        if (write_all(e->fd, &m, sizeof m) || read_full(e->fd, &m, sizeof m))
            e->failed = 1;
    pthread_barrier_wait(e->ready);
    pthread_barrier_wait(e->go);
    uint64_t deadline = *e->deadline;
    while (!e->failed) {
        uint64_t ts = bench_now_ns();
        if (ts >= deadline)
            break;
        m.ts = ts;
        if (write_all(e->fd, &m, sizeof m) || read_full(e->fd, &m, sizeof m)) {
            e->failed = 1;
            break;
        }
        bench_lat_add(&e->lat, bench_now_ns() - ts);
    }
    return NULL;
}

int raw_echo_threads(const raw_target *t, unsigned threads, double secs, bench_lat *lat, double *elapsed)
{
    struct echo_thread *e = calloc(threads, sizeof *e);
    pthread_t *tid = calloc(threads, sizeof *tid);
    pthread_barrier_t ready, go;
    volatile uint64_t deadline = 0;
    int rc = -1;
    unsigned started = 0;
    if (!e || !tid)
        goto out;
    pthread_barrier_init(&ready, NULL, threads + 1);
    pthread_barrier_init(&go, NULL, threads + 1);
    for (unsigned i = 0; i < threads; i++) {
        e[i].t = t;
        e[i].ready = &ready;
        e[i].go = &go;
        e[i].deadline = &deadline;
        e[i].fd = echo_start(t);
        if (e[i].fd < 0 || bench_lat_init(&e[i].lat, lat->cap / threads + 1))
            e[i].failed = 1;
    }
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, echo_thread_main, &e[started]))
            break;
    if (started < threads) {
        fprintf(stderr, "bench_raw: no threads\n");
        exit(1); /* the barrier would never open */
    }
    pthread_barrier_wait(&ready);
    uint64_t t0 = bench_now_ns();
    deadline = t0 + (uint64_t)(secs * 1e9);
    pthread_barrier_wait(&go);
    rc = 0;
    for (unsigned i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        if (e[i].failed)
            rc = -1;
        bench_lat_merge(lat, &e[i].lat);
    }
    *elapsed = (double)(bench_now_ns() - t0) / 1e9;
    pthread_barrier_destroy(&ready);
    pthread_barrier_destroy(&go);
out:
    for (unsigned i = 0; e && i < threads; i++) {
        if (e[i].fd > 0)
            close(e[i].fd);
        bench_lat_free(&e[i].lat);
    }
    free(e);
    free(tid);
    return rc;
}

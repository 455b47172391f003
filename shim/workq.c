/* workq.c - the runtime's worker threads: server managers (loopback today,
 * the transport's dispatch later) and Callback notifications run here, so a
 * user routine never runs on a thread that holds a runtime lock.
 *
 * The pool grows when every worker is busy (up to WORKQ_MAX_THREADS) and
 * keeps its threads; work is run in FIFO order. */
#include <stdlib.h>
#include "call.h"

#define WORKQ_MAX_THREADS 256

struct work {
    struct work *next;
    void (*fn)(void *);
    void *arg;
};

static struct {
    arpc_mutex lock;
    arpc_cond cond;
    struct work *head, *tail;
    int queued;                  /* work not yet taken */
    int threads, idle;
} wq;

static void workq_init_once(void)
{
    arpc_mutex_init(&wq.lock);
    arpc_cond_init(&wq.cond);
}

static void workq_init(void)
{
    static arpc_once_flag once = ARPC_ONCE_INIT;
    arpc_once(&once, workq_init_once);
}

static void worker_main(void *unused)
{
    (void)unused;
    arpc_mutex_lock(&wq.lock);
    for (;;) {
        while (!wq.head) {
            wq.idle++;
            arpc_cond_wait(&wq.cond, &wq.lock);
            wq.idle--;
        }
        struct work *w = wq.head;
        wq.head = w->next;
        if (!wq.head)
            wq.tail = NULL;
        wq.queued--;
        arpc_mutex_unlock(&wq.lock);
        w->fn(w->arg);
        free(w);
        arpc_mutex_lock(&wq.lock);
    }
}

RPC_STATUS arpc_workq_submit(void (*fn)(void *), void *arg)
{
    struct work *w = malloc(sizeof *w);
    if (!w)
        return RPC_S_OUT_OF_MEMORY;
    w->next = NULL;
    w->fn = fn;
    w->arg = arg;
    workq_init();
    arpc_mutex_lock(&wq.lock);
    if (wq.tail)
        wq.tail->next = w;
    else
        wq.head = w;
    wq.tail = w;
    /* More work waiting than idle workers to take it (a worker woken but
     * not yet running still counts as idle, and may get other work): a
     * new thread, so work never waits behind work that blocks. */
    int spawn = ++wq.queued > wq.idle && wq.threads < WORKQ_MAX_THREADS;
    if (spawn)
        wq.threads++;
    arpc_cond_signal(&wq.cond);
    arpc_mutex_unlock(&wq.lock);
    if (spawn && !arpc_thread_create(worker_main, NULL)) {
        arpc_mutex_lock(&wq.lock);
        wq.threads--;
        /* With no thread at all the work would never run: take it back. */
        int none = wq.threads == 0;
        if (none) {
            struct work **pp = &wq.head, *prev = NULL;
            while (*pp != w) {
                prev = *pp;
                pp = &(*pp)->next;
            }
            *pp = w->next;
            if (wq.tail == w)
                wq.tail = prev;
            wq.queued--;
        }
        arpc_mutex_unlock(&wq.lock);
        if (none) {
            free(w);
            return RPC_S_OUT_OF_THREADS;
        }
    }
    return RPC_S_OK;
}


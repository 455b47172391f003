/* win_iocp.c - bare I/O completion ports.
 *
 * Supported: CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, n),
 * PostQueuedCompletionStatus, GetQueuedCompletionStatus(Ex).
 * Not supported: associating a file or socket handle with a port (there are
 * no file handles in this emulation) - any FileHandle other than
 * INVALID_HANDLE_VALUE fails with ERROR_NOT_SUPPORTED.  The concurrency value
 * is accepted but not enforced.
 *
 * Packets are kept in FIFO order.  A post while threads wait hands the packet
 * directly to the most recent waiter (LIFO, as Windows does), so a packet can
 * never be lost between a wake-up and a dequeue.  Closing the last handle of
 * a port makes its waiters return FALSE with ERROR_ABANDONED_WAIT_0.
 */
#include <stdlib.h>

#include "win_internal.h"


void arpc_port_free(struct arpc_port *p)
{
    struct arpc_packet *k = p->head;
    while (k) {
        struct arpc_packet *n = k->next;
        free(k);
        k = n;
    }
    free(p);
}

void arpc_port_last_handle_closed(struct arpc_port *p)
{
    p->closed = 1;
    struct arpc_thr *w = p->waiters;
    p->waiters = NULL;
    while (w) {
        struct arpc_thr *n = w->port_next;
        w->port_next = NULL;
        w->port_abandoned = 1;
        pthread_cond_signal(&w->cond);
        arpc_thr_kick_helper(w);
        w = n;
    }
}

static void remove_waiter(struct arpc_port *p, struct arpc_thr *t)
{
    for (struct arpc_thr **pp = &p->waiters; *pp; pp = &(*pp)->port_next) {
        if (*pp == t) {
            *pp = t->port_next;
            t->port_next = NULL;
            return;
        }
    }
}

ARPC_API HANDLE WINAPI arpc_CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                                   ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads)
{
    (void)CompletionKey;
    (void)NumberOfConcurrentThreads;
    if (FileHandle != INVALID_HANDLE_VALUE) { /* file/socket association: not supported */
        arpc_set_error(ERROR_NOT_SUPPORTED);
        return NULL;
    }
    if (ExistingCompletionPort != NULL) {
        arpc_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    struct arpc_port *p = calloc(1, sizeof *p);
    if (!p) {
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    arpc_obj_init(&p->hdr, ARPC_OBJ_PORT);
    arpc_win_lock_acquire();
    HANDLE h = arpc_handle_alloc(&p->hdr);
    arpc_win_lock_release();
    if (!h) {
        free(p);
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    return h;
}

ARPC_API BOOL WINAPI arpc_PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                                     ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped)
{
    struct arpc_packet *k = malloc(sizeof *k);
    if (!k) {
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    k->bytes = dwNumberOfBytesTransferred;
    k->key = dwCompletionKey;
    k->ov = lpOverlapped;
    k->next = NULL;
    arpc_win_lock_acquire();
    struct arpc_port *p = (struct arpc_port *)arpc_handle_lookup(CompletionPort, ARPC_OBJ_PORT);
    if (!p) {
        arpc_win_lock_release();
        free(k);
        arpc_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    struct arpc_thr *w = p->waiters;
    if (w) {
        p->waiters = w->port_next;
        w->port_next = NULL;
        w->handed = k;
        pthread_cond_signal(&w->cond);
        arpc_thr_kick_helper(w); /* a post hands the packet over and kicks */
    } else {
        if (p->tail)
            p->tail->next = k;
        else
            p->head = k;
        p->tail = k;
    }
    arpc_win_lock_release();
    return TRUE;
}

static void fill(OVERLAPPED_ENTRY *e, struct arpc_packet *k)
{
    e->lpCompletionKey = k->key;
    e->lpOverlapped = k->ov;
    e->Internal = 0;
    e->dwNumberOfBytesTransferred = k->bytes;
    free(k);
}

/* Lock held. */
static ULONG take_queued(struct arpc_port *p, OVERLAPPED_ENTRY *out, ULONG max)
{
    ULONG n = 0;
    while (n < max && p->head) {
        struct arpc_packet *k = p->head;
        p->head = k->next;
        if (!p->head)
            p->tail = NULL;
        fill(&out[n++], k);
    }
    return n;
}

/* Dequeues up to max packets.  Returns ERROR_SUCCESS with *nout > 0, or the
 * error: WAIT_TIMEOUT, WAIT_IO_COMPLETION, ERROR_ABANDONED_WAIT_0,
 * ERROR_INVALID_HANDLE, ERROR_NOT_ENOUGH_MEMORY. */
static DWORD port_get(HANDLE h, OVERLAPPED_ENTRY *out, ULONG max, ULONG *nout, DWORD ms, int alertable)
{
    *nout = 0;
    struct arpc_thr *t = arpc_thr_self();
    if (!t)
        return ERROR_NOT_ENOUGH_MEMORY;
    arpc_win_lock_acquire();
    struct arpc_port *p = (struct arpc_port *)arpc_handle_lookup(h, ARPC_OBJ_PORT);
    if (!p) {
        arpc_win_lock_release();
        return ERROR_INVALID_HANDLE;
    }
    arpc_obj_addref(&p->hdr);
    DWORD err = ERROR_SUCCESS;
    ULONG n = take_queued(p, out, max);
    if (n == 0) {
        if (alertable && arpc_thr_apc_pending(t)) {
            err = WAIT_IO_COMPLETION;
        } else if (ms == 0) {
            err = WAIT_TIMEOUT;
        } else {
            struct arpc_wait_clock clk;
            arpc_wait_clock_start(&clk, ms);
            t->handed = NULL;
            t->port_abandoned = 0;
            t->port_wait = p;
            t->port_next = p->waiters;
            p->waiters = t;
            t->alertable_wait = alertable;
            int timed_out = 0;
            for (;;) {
                if (t->handed) {
                    fill(&out[0], t->handed);
                    t->handed = NULL;
                    n = 1 + take_queued(p, out + 1, max - 1);
                    break;
                }
                if (t->port_abandoned) {
                    err = ERROR_ABANDONED_WAIT_0;
                    break;
                }
                if (alertable && arpc_thr_apc_pending(t)) {
                    remove_waiter(p, t);
                    err = WAIT_IO_COMPLETION;
                    break;
                }
                if (timed_out) {
                    remove_waiter(p, t);
                    err = WAIT_TIMEOUT;
                    break;
                }
                timed_out = arpc_thr_wait_step(t, &clk, !alertable);
            }
            t->alertable_wait = 0;
            t->port_wait = NULL;
            t->port_abandoned = 0;
        }
    }
    arpc_obj_release(&p->hdr);
    arpc_win_lock_release();
    if (err == WAIT_IO_COMPLETION)
        arpc_thr_run_apcs(t);
    *nout = n;
    return err;
}

ARPC_API BOOL WINAPI arpc_GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred,
                                                    PULONG_PTR lpCompletionKey, LPOVERLAPPED *lpOverlapped,
                                                    DWORD dwMilliseconds)
{
    if (!lpNumberOfBytesTransferred || !lpCompletionKey || !lpOverlapped) {
        arpc_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    OVERLAPPED_ENTRY e;
    ULONG n;
    DWORD err = port_get(CompletionPort, &e, 1, &n, dwMilliseconds, 0);
    if (err != ERROR_SUCCESS) {
        *lpOverlapped = NULL;
        arpc_set_error(err);
        return FALSE;
    }
    *lpNumberOfBytesTransferred = e.dwNumberOfBytesTransferred;
    *lpCompletionKey = e.lpCompletionKey;
    *lpOverlapped = e.lpOverlapped;
    return TRUE;
}

ARPC_API BOOL WINAPI arpc_GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpEntries,
                                                      ULONG ulCount, PULONG ulNumEntriesRemoved,
                                                      DWORD dwMilliseconds, BOOL fAlertable)
{
    if (!lpEntries || ulCount == 0 || !ulNumEntriesRemoved) {
        arpc_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    ULONG n;
    DWORD err = port_get(CompletionPort, lpEntries, ulCount, &n, dwMilliseconds, fAlertable ? 1 : 0);
    *ulNumEntriesRemoved = n;
    if (err != ERROR_SUCCESS) {
        arpc_set_error(err);
        return FALSE;
    }
    return TRUE;
}

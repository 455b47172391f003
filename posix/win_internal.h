/* win_internal.h - private state of the POSIX Windows-base emulation
 * (posix/win_*.c).  Not installed.
 *
 * Design:
 *  - One process-wide mutex (arpc_win_lock) protects every object, the handle
 *    table, the wait lists and the APC queues.  It is never held while user
 *    code (a thread start routine, an APC) runs.
 *  - Every thread that blocks has a record (struct arpc_thr) with its own
 *    condition variable (CLOCK_MONOTONIC).  A thread waits only on its own
 *    condition variable; whoever changes state signals exactly the threads
 *    concerned.
 *  - Waits on events and threads are "satisfied by the signaller": the
 *    waiting thread links one wait block per object into the object's FIFO
 *    list; SetEvent / thread exit walks that list, checks whether each waiter
 *    can now be satisfied (any: one object signalled; all: every object
 *    signalled), consumes the auto-reset state for it atomically, unlinks it
 *    from all lists and wakes it.  So an auto-reset event releases exactly
 *    one waiter and WaitAll acquisition is atomic across the set.
 *  - Completion ports hand a posted packet directly to a waiting thread
 *    (LIFO, as Windows) or queue it (FIFO) when nobody waits.
 *  - Objects are refcounted: refs = open handles + internal references (a
 *    running thread holds one on its own record, a wait holds one on each
 *    object it waits on).
 */
#ifndef ASYNCRPC_POSIX_WIN_INTERNAL_H
#define ASYNCRPC_POSIX_WIN_INTERNAL_H

#include <pthread.h>
#include <time.h>

#include "arpc_wintypes.h"
#include "winerror.h"
#include "arpc_winbase.h"

enum arpc_obj_type { ARPC_OBJ_EVENT = 1, ARPC_OBJ_THREAD, ARPC_OBJ_PORT };

struct arpc_thr;

/* One entry in an object's list of waiting threads. */
struct arpc_wblock {
    struct arpc_obj *obj;
    struct arpc_thr *thr;
    struct arpc_wblock *prev, *next;
};

/* Common header of every kernel-object emulation. */
struct arpc_obj {
    int type;                       /* enum arpc_obj_type */
    unsigned refs;                  /* handles + internal references */
    unsigned handles;               /* open handles only */
    struct arpc_wblock *wait_head;  /* FIFO of waiting threads */
    struct arpc_wblock *wait_tail;
};

struct arpc_event {
    struct arpc_obj hdr;
    int manual;
    int state;
};

struct arpc_apc {
    PAPCFUNC fn;
    ULONG_PTR data;
    struct arpc_apc *next;
};

struct arpc_packet {
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    struct arpc_packet *next;
};

struct arpc_port {
    struct arpc_obj hdr;
    struct arpc_packet *head, *tail;  /* queued packets, FIFO */
    struct arpc_thr *waiters;         /* waiting threads, LIFO stack */
    int closed;                       /* last handle closed */
};

#define ARPC_WAIT_PENDING ((DWORD)0xFFFFFFFEu)

struct arpc_thr {
    struct arpc_obj hdr;            /* ARPC_OBJ_THREAD; signalled when exited */
    pthread_cond_t cond;            /* this thread sleeps only on this */
    DWORD tid;
    int exited;
    DWORD exit_code;
    DWORD pending_exit_code;        /* set by ExitThread */
    int created;                    /* made by CreateThread */
    unsigned suspend;               /* CREATE_SUSPENDED count */
    LPTHREAD_START_ROUTINE start;
    LPVOID param;

    struct arpc_apc *apc_head, *apc_tail;
    int alertable_wait;             /* in an alertable wait now */

    /* the current object wait */
    int wait_all;
    DWORD wait_count;
    DWORD wait_result;              /* ARPC_WAIT_PENDING until satisfied */
    struct arpc_obj *wait_objs[MAXIMUM_WAIT_OBJECTS];
    struct arpc_wblock blocks[MAXIMUM_WAIT_OBJECTS];

    /* the current completion-port wait */
    struct arpc_port *port_wait;
    struct arpc_thr *port_next;     /* link in port->waiters */
    struct arpc_packet *handed;     /* packet handed over by a poster */
    int port_abandoned;
    int helping;                    /* in the wait helper (arpc_set_wait_helper) */
};

/* A blocking wait's deadline and its use of arpc_set_wait_helper's
 * routines (win_wait.c): the runtime may do its I/O on a thread that waits
 * (and so often satisfy the wait itself). */
struct arpc_wait_clock {
    DWORD ms;                       /* INFINITE, or the wait's length */
    uint64_t end;                   /* arpc_now_ms() deadline */
    struct timespec dl;             /* the same for arpc_thr_sleep */
    int no_help;                    /* the helper just declined: sleep */
};
void arpc_wait_clock_start(struct arpc_wait_clock *c, DWORD ms);
/* One step of a blocking wait, the lock held: lend the thread to the
 * helper (may_help) or sleep until woken.  Returns 1 once the deadline
 * has passed.  The caller looks at its wait's state after every step. */
int arpc_thr_wait_step(struct arpc_thr *t, struct arpc_wait_clock *c, int may_help);
/* A signaller that satisfied t's wait (the lock held): a thread lent to
 * the helper is not on its condition and must be kicked. */
void arpc_thr_kick_helper(struct arpc_thr *t);

/* The one lock (win_handle.c). */
extern pthread_mutex_t arpc_win_lock;
void arpc_win_lock_acquire(void);
void arpc_win_lock_release(void);

/* Handle table (win_handle.c); all need the lock held. */
HANDLE arpc_handle_alloc(struct arpc_obj *obj);          /* NULL when full */
struct arpc_obj *arpc_handle_lookup(HANDLE h, int type);  /* type 0: any */
void arpc_obj_addref(struct arpc_obj *obj);
void arpc_obj_release(struct arpc_obj *obj);              /* may free */
void arpc_obj_init(struct arpc_obj *obj, int type);

/* Per-type hooks. */
void arpc_event_free(struct arpc_event *ev);                  /* win_event.c */
void arpc_thr_free(struct arpc_thr *t);                    /* win_thread.c */
void arpc_port_free(struct arpc_port *p);                     /* win_iocp.c */
void arpc_port_last_handle_closed(struct arpc_port *p);       /* win_iocp.c */

/* Threads (win_thread.c). */
struct arpc_thr *arpc_thr_self(void);         /* lazily created; NULL on OOM; no lock held */
struct arpc_thr *arpc_thr_resolve(HANDLE h);  /* lock held; handles the pseudo handle */
int arpc_thr_apc_pending(const struct arpc_thr *t); /* lock held */
void arpc_thr_run_apcs(struct arpc_thr *t);   /* lock NOT held; runs all, FIFO */

/* Waits (win_wait.c); lock held. */
int arpc_obj_is_signalled(const struct arpc_obj *obj);
void arpc_obj_notify(struct arpc_obj *obj);   /* obj became signalled */
void arpc_wait_unlink_all(struct arpc_thr *t);
/* Sleep on t->cond until woken or the deadline (NULL: none); returns
 * nonzero once the deadline has passed. */
int arpc_thr_sleep(struct arpc_thr *t, const struct timespec *deadline);
void arpc_deadline(struct timespec *ts, DWORD ms);

/* Last-error helper (win_misc.c). */
void arpc_set_error(DWORD err);

#endif /* ASYNCRPC_POSIX_WIN_INTERNAL_H */

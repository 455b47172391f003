/* win_handle.c - the process-wide handle table, CloseHandle, DuplicateHandle
 * and the one lock that protects all emulated kernel objects.
 *
 * A HANDLE is (index + 1) * 4: a small multiple of 4, never NULL and never
 * INVALID_HANDLE_VALUE, like Windows.  Freed slots are reused in FIFO order
 * so that a stale handle stays invalid for as long as possible.
 */
#include <stdint.h>
#include <stdlib.h>

#include "win_internal.h"

pthread_mutex_t arpc_win_lock = PTHREAD_MUTEX_INITIALIZER;

void arpc_win_lock_acquire(void) { pthread_mutex_lock(&arpc_win_lock); }
void arpc_win_lock_release(void) { pthread_mutex_unlock(&arpc_win_lock); }

#define ARPC_MAX_HANDLES (1u << 24)
#define PSEUDO_PROCESS   ((HANDLE)(LONG_PTR)-1)
#define PSEUDO_THREAD    ((HANDLE)(LONG_PTR)-2)

struct slot {
    struct arpc_obj *obj;
    uint32_t next_free;        /* index + 1 of the next free slot, 0: none */
};

static struct slot *g_slots;
static uint32_t g_cap;
static uint32_t g_free_head, g_free_tail; /* index + 1, 0: empty */

static void free_push(uint32_t idx)
{
    g_slots[idx].next_free = 0;
    if (g_free_tail)
        g_slots[g_free_tail - 1].next_free = idx + 1;
    else
        g_free_head = idx + 1;
    g_free_tail = idx + 1;
}

static int grow(void)
{
    uint32_t ncap = g_cap ? g_cap * 2 : 64;
    if (ncap > ARPC_MAX_HANDLES || ncap <= g_cap)
        return 0;
    struct slot *n = realloc(g_slots, (size_t)ncap * sizeof *n);
    if (!n)
        return 0;
    g_slots = n;
    for (uint32_t i = g_cap; i < ncap; i++) {
        g_slots[i].obj = NULL;
        free_push(i);
    }
    g_cap = ncap;
    return 1;
}

void arpc_obj_init(struct arpc_obj *obj, int type)
{
    obj->type = type;
    obj->refs = 0;
    obj->handles = 0;
    obj->wait_head = obj->wait_tail = NULL;
}

HANDLE arpc_handle_alloc(struct arpc_obj *obj)
{
    if (!g_free_head && !grow())
        return NULL;
    uint32_t idx = g_free_head - 1;
    g_free_head = g_slots[idx].next_free;
    if (!g_free_head)
        g_free_tail = 0;
    g_slots[idx].obj = obj;
    g_slots[idx].next_free = 0;
    obj->handles++;
    obj->refs++;
    return (HANDLE)(uintptr_t)((idx + 1u) * 4u);
}

static int handle_index(HANDLE h, uint32_t *idx)
{
    uintptr_t v = (uintptr_t)h;
    if (v == 0 || (v & 3u) != 0 || v / 4u > g_cap)
        return 0;
    *idx = (uint32_t)(v / 4u - 1u);
    return g_slots[*idx].obj != NULL;
}

struct arpc_obj *arpc_handle_lookup(HANDLE h, int type)
{
    uint32_t idx;
    if (!handle_index(h, &idx))
        return NULL;
    struct arpc_obj *obj = g_slots[idx].obj;
    if (type && obj->type != type)
        return NULL;
    return obj;
}

void arpc_obj_addref(struct arpc_obj *obj)
{
    obj->refs++;
}

void arpc_obj_release(struct arpc_obj *obj)
{
    if (--obj->refs != 0)
        return;
    switch (obj->type) {
    case ARPC_OBJ_EVENT:  arpc_event_free((struct arpc_event *)obj); break;
    case ARPC_OBJ_THREAD: arpc_thr_free((struct arpc_thr *)obj); break;
    case ARPC_OBJ_PORT:   arpc_port_free((struct arpc_port *)obj); break;
    default: break;
    }
}

/* Lock held; h is a valid real handle. */
static void close_slot(uint32_t idx)
{
    struct arpc_obj *obj = g_slots[idx].obj;
    g_slots[idx].obj = NULL;
    free_push(idx);
    obj->handles--;
    if (obj->handles == 0 && obj->type == ARPC_OBJ_PORT)
        arpc_port_last_handle_closed((struct arpc_port *)obj);
    arpc_obj_release(obj);
}

ARPC_API BOOL WINAPI arpc_CloseHandle(HANDLE h)
{
    /* Closing a pseudo handle has no effect (as documented for Windows). */
    if (h == PSEUDO_PROCESS || h == PSEUDO_THREAD)
        return TRUE;
    uint32_t idx;
    arpc_win_lock_acquire();
    if (!handle_index(h, &idx)) {
        arpc_win_lock_release();
        arpc_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    close_slot(idx);
    arpc_win_lock_release();
    return TRUE;
}

/* Only the current process exists here: the process handles must be the
 * GetCurrentProcess() pseudo handle.  Duplicating the process pseudo handle
 * itself is not supported (there is no process object). */
ARPC_API BOOL WINAPI arpc_DuplicateHandle(HANDLE hSourceProcess, HANDLE hSource, HANDLE hTargetProcess,
                                          LPHANDLE lpTarget, DWORD dwDesiredAccess, BOOL bInheritHandle,
                                          DWORD dwOptions)
{
    (void)dwDesiredAccess;
    (void)bInheritHandle;
    if (hSourceProcess != PSEUDO_PROCESS || hTargetProcess != PSEUDO_PROCESS) {
        arpc_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    if (hSource == PSEUDO_PROCESS) {
        arpc_set_error(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    struct arpc_thr *self = NULL;
    if (hSource == PSEUDO_THREAD) {
        self = arpc_thr_self();
        if (!self) {
            arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
            return FALSE;
        }
    }

    arpc_win_lock_acquire();
    struct arpc_obj *obj;
    uint32_t src_idx = 0;
    int src_real = 0;
    if (self) {
        obj = &self->hdr;
    } else {
        if (!handle_index(hSource, &src_idx)) {
            arpc_win_lock_release();
            arpc_set_error(ERROR_INVALID_HANDLE);
            return FALSE;
        }
        obj = g_slots[src_idx].obj;
        src_real = 1;
    }
    if (!lpTarget) {
        if (src_real && (dwOptions & DUPLICATE_CLOSE_SOURCE)) {
            close_slot(src_idx);
            arpc_win_lock_release();
            return TRUE;
        }
        arpc_win_lock_release();
        arpc_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    HANDLE nh = arpc_handle_alloc(obj);
    if (!nh) {
        arpc_win_lock_release();
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    if (src_real && (dwOptions & DUPLICATE_CLOSE_SOURCE))
        close_slot(src_idx);
    arpc_win_lock_release();
    *lpTarget = nh;
    return TRUE;
}

/* win_event.c - CreateEvent, SetEvent, ResetEvent.
 *
 * Named events are not supported: there is no object namespace, so a name
 * (even an empty one is treated as a name) fails with ERROR_NOT_SUPPORTED.
 * Security attributes are ignored.
 */
#include <stdlib.h>

#include "win_internal.h"

void arpc_event_free(struct arpc_event *ev)
{
    free(ev);
}

static HANDLE create_event(BOOL manual, BOOL initial)
{
    struct arpc_event *ev = malloc(sizeof *ev);
    if (!ev) {
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    arpc_obj_init(&ev->hdr, ARPC_OBJ_EVENT);
    ev->manual = manual ? 1 : 0;
    ev->state = initial ? 1 : 0;
    arpc_win_lock_acquire();
    HANDLE h = arpc_handle_alloc(&ev->hdr);
    arpc_win_lock_release();
    if (!h) {
        free(ev);
        arpc_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    /* Windows sets ERROR_SUCCESS for a new unnamed event. */
    arpc_set_error(ERROR_SUCCESS);
    return h;
}

ARPC_API HANDLE WINAPI arpc_CreateEventA(LPSECURITY_ATTRIBUTES sa, BOOL bManualReset, BOOL bInitialState, LPCSTR name)
{
    (void)sa;
    if (name) { /* named objects: not supported */
        arpc_set_error(ERROR_NOT_SUPPORTED);
        return NULL;
    }
    return create_event(bManualReset, bInitialState);
}

ARPC_API HANDLE WINAPI arpc_CreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL bManualReset, BOOL bInitialState, LPCWSTR name)
{
    (void)sa;
    if (name) { /* named objects: not supported */
        arpc_set_error(ERROR_NOT_SUPPORTED);
        return NULL;
    }
    return create_event(bManualReset, bInitialState);
}

ARPC_API BOOL WINAPI arpc_SetEvent(HANDLE hEvent)
{
    arpc_win_lock_acquire();
    struct arpc_event *ev = (struct arpc_event *)arpc_handle_lookup(hEvent, ARPC_OBJ_EVENT);
    if (!ev) {
        arpc_win_lock_release();
        arpc_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    if (!ev->state) {
        ev->state = 1;
        arpc_obj_notify(&ev->hdr);
    }
    arpc_win_lock_release();
    return TRUE;
}

ARPC_API BOOL WINAPI arpc_ResetEvent(HANDLE hEvent)
{
    arpc_win_lock_acquire();
    struct arpc_event *ev = (struct arpc_event *)arpc_handle_lookup(hEvent, ARPC_OBJ_EVENT);
    if (!ev) {
        arpc_win_lock_release();
        arpc_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    ev->state = 0;
    arpc_win_lock_release();
    return TRUE;
}

/* liveset.h - a process-wide set of live runtime objects, so that a handle
 * an application passes in can be checked before it is dereferenced: a
 * garbage or freed pointer gets the documented error instead of a crash.
 *
 * Declare sets as zero-initialised statics; the lock is created on first use. */
#ifndef ASYNCRPC_SHIM_LIVESET_H
#define ASYNCRPC_SHIM_LIVESET_H

#include "platform.h"

#define ARPC_LIVESET_BUCKETS 1024

typedef struct arpc_liveset {
    arpc_mutex *lock;                           /* created on first use */
    struct arpc_liveset_node *bucket[ARPC_LIVESET_BUCKETS];
} arpc_liveset;

RPC_STATUS arpc_liveset_add(arpc_liveset *s, const void *p);
void arpc_liveset_remove(arpc_liveset *s, const void *p);
/* Whether p is in the set; when it is and `hold` is given, hold(p) runs
 * under the set's lock (take a reference there, so that p cannot die
 * between the check and its use). */
int arpc_liveset_check(arpc_liveset *s, const void *p, void (*hold)(void *p));

#endif /* ASYNCRPC_SHIM_LIVESET_H */

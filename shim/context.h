/* context.h - context handles (arpc_stub.h): the client's handle objects,
 * the server's table of open handles per client association, and their
 * rundown when an association ends. */
#ifndef ASYNCRPC_SHIM_CONTEXT_H
#define ASYNCRPC_SHIM_CONTEXT_H

#include "platform.h"

/* A server-side client association (one association group): the server
 * joins it for each connection bound in the group and leaves it when the
 * connection is gone; at the last leave every context handle still open
 * in it is run down. */
typedef struct arpc_assoc arpc_assoc;
arpc_assoc *arpc_assoc_join(uint32_t group);   /* NULL when out of memory */
void arpc_assoc_leave(arpc_assoc *a);

/* The server-side slots a call used, freed when it ends (a list). */
struct arpc_sctx;
void arpc_sctx_free_list(struct arpc_sctx *list);
/* In-process calls (no association, no call object): their slots are
 * kept per thread and freed by the dispatcher after the stub returns. */
void arpc_sctx_free_thread(void);

#endif /* ASYNCRPC_SHIM_CONTEXT_H */

/* context.c - context handles (see arpc_stub.h and context.h).
 *
 * Client: a context handle is a runtime object (its 20-byte wire form and a
 * binding in the association that opened it), validated through a live
 * set before every use, so a stale or made-up value raises
 * RPC_X_SS_CONTEXT_MISMATCH instead of being dereferenced.
 *
 * Server: each association keeps the handles it opened, keyed by a random
 * UUID.  A call's slot holds a reference on the handle it names, so a
 * handle closed or run down meanwhile stays valid memory until the call
 * ends.  One lock covers every association. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arpc_stub.h"
#include "binding.h"
#include "call.h"
#include "context.h"
#include "liveset.h"
#include "server.h"

#define CCTX_MAGIC 0x58544343u /* "CCTX" */
#define WIRE_LEN 20

/* ------------------------------------------------------------ wire form */

static void write_wire(arpc_ndr_writer *w, const uint8_t wire[WIRE_LEN])
{
    uint32_t attr = (uint32_t)wire[0] | (uint32_t)wire[1] << 8 | (uint32_t)wire[2] << 16 | (uint32_t)wire[3] << 24;
    arpc_ndr_w_u32(w, attr);
    arpc_ndr_w_bytes(w, wire + 4, 16);
}

static void read_wire(arpc_ndr_reader *r, uint8_t wire[WIRE_LEN])
{
    uint32_t attr = arpc_ndr_r_u32(r);
    wire[0] = (uint8_t)attr;
    wire[1] = (uint8_t)(attr >> 8);
    wire[2] = (uint8_t)(attr >> 16);
    wire[3] = (uint8_t)(attr >> 24);
    arpc_ndr_r_bytes(r, wire + 4, 16);
}

static int is_null_wire(const uint8_t wire[WIRE_LEN])
{
    for (int i = 0; i < WIRE_LEN; i++)
        if (wire[i])
            return 0;
    return 1;
}

/* ------------------------------------------------------------ client */

/* The binding a client's context handles of one association share: a
 * copy of the binding that opened the first of them, in its association
 * group, holding a connection of it - so the association (and with it the
 * server's handles) lives as long as any of its handles does, whatever
 * happens to the application's bindings. */
struct ctx_binding {
    struct ctx_binding *next;
    uint32_t group;
    char *peer;                   /* "protseq|netaddr|endpoint" */
    RPC_BINDING_HANDLE h;
    int refs;                     /* the handles using it */
};

struct arpc_cctx {
    uint32_t magic;
    RPC_BINDING_HANDLE binding;
    struct ctx_binding *shared;   /* NULL: an in-process binding, used as is */
    uint8_t wire[WIRE_LEN];
};

static arpc_liveset live_cctx;
static struct {
    arpc_mutex lock;
    struct ctx_binding *list;
} cbind;

static void cbind_init_once(void)
{
    arpc_mutex_init(&cbind.lock);
}

static char *peer_of(arpc_binding *b)
{
    size_t n = strlen(b->protseq_name) + strlen(b->netaddr ? b->netaddr : "") + strlen(b->endpoint ? b->endpoint : "") + 3;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s|%s|%s", b->protseq_name, b->netaddr ? b->netaddr : "", b->endpoint ? b->endpoint : "");
    return s;
}

/* The shared binding for b's association, referenced. */
static RPC_STATUS cbind_get(arpc_binding *b, struct ctx_binding **out)
{
    static arpc_once_flag once = ARPC_ONCE_INIT;
    arpc_once(&once, cbind_init_once);
    char *peer = peer_of(b);
    if (!peer)
        return RPC_S_OUT_OF_MEMORY;
    arpc_mutex_lock(&b->lock);
    uint32_t group = b->assoc_group;
    arpc_mutex_unlock(&b->lock);
    arpc_mutex_lock(&cbind.lock);
    struct ctx_binding *e = cbind.list;
    while (e && (e->group != group || strcmp(e->peer, peer)))
        e = e->next;
    if (e) {
        e->refs++;
        arpc_mutex_unlock(&cbind.lock);
        free(peer);
        *out = e;
        return RPC_S_OK;
    }
    RPC_STATUS st = RPC_S_OUT_OF_MEMORY;
    if ((e = calloc(1, sizeof *e)) && (st = arpc_binding_join_association(b, &e->h)) == RPC_S_OK) {
        e->group = group;
        e->peer = peer;
        e->refs = 1;
        e->next = cbind.list;
        cbind.list = e;
    }
    arpc_mutex_unlock(&cbind.lock);
    if (st != RPC_S_OK) {
        free(e);
        free(peer);
        return st;
    }
    *out = e;
    return RPC_S_OK;
}

static void cbind_put(struct ctx_binding *e)
{
    arpc_mutex_lock(&cbind.lock);
    int last = --e->refs == 0;
    if (last)
        for (struct ctx_binding **pp = &cbind.list; *pp; pp = &(*pp)->next)
            if (*pp == e) {
                *pp = e->next;
                break;
            }
    arpc_mutex_unlock(&cbind.lock);
    if (!last)
        return;
    RpcBindingFree(&e->h);
    free(e->peer);
    free(e);
}

static struct arpc_cctx *cctx_live(void *ctx)
{
    return ctx && arpc_liveset_check(&live_cctx, ctx, NULL) ? ctx : NULL;
}

static void cctx_free(struct arpc_cctx *x)
{
    arpc_liveset_remove(&live_cctx, x);
    x->magic = 0;
    if (x->shared)
        cbind_put(x->shared);
    free(x);
}

ARPC_API void arpc_cctx_marshal(arpc_ndr_writer *w, void *ctx, int flags)
{
    static const uint8_t null_wire[WIRE_LEN];
    if (!ctx) {
        if (flags & ARPC_CTX_IN_NONNULL)
            RpcRaiseException(RPC_X_SS_IN_NULL_CONTEXT);
        write_wire(w, null_wire);
        return;
    }
    struct arpc_cctx *x = cctx_live(ctx);
    if (!x)
        RpcRaiseException(RPC_X_SS_CONTEXT_MISMATCH);
    write_wire(w, x->wire);
}

ARPC_API void arpc_cctx_unmarshal(arpc_ndr_reader *r, void **ctx, RPC_BINDING_HANDLE binding)
{
    uint8_t wire[WIRE_LEN];
    read_wire(r, wire);
    struct arpc_cctx *x = cctx_live(*ctx);
    if (is_null_wire(wire)) { /* the server closed it */
        if (x)
            cctx_free(x);
        *ctx = NULL;
        return;
    }
    if (x) {
        memcpy(x->wire, wire, WIRE_LEN);
        return;
    }
    if (!(x = calloc(1, sizeof *x)))
        RpcRaiseException(RPC_S_OUT_OF_MEMORY);
    x->magic = CCTX_MAGIC;
    memcpy(x->wire, wire, WIRE_LEN);
    /* Later calls through the handle go where it was opened, in the same
     * association (an in-process binding is simply shared). */
    arpc_binding *b = arpc_binding_get(binding);
    if (b && b->kind == BINDING_CLIENT) {
        RPC_STATUS st = cbind_get(b, &x->shared);
        if (st != RPC_S_OK) {
            free(x);
            RpcRaiseException(st);
        }
        x->binding = x->shared->h;
    } else {
        x->binding = binding;
    }
    if (arpc_liveset_add(&live_cctx, x) != RPC_S_OK) {
        if (x->shared)
            cbind_put(x->shared);
        free(x);
        RpcRaiseException(RPC_S_OUT_OF_MEMORY);
    }
    *ctx = x;
}

ARPC_API RPC_BINDING_HANDLE arpc_cctx_binding(void *ctx)
{
    if (!ctx)
        RpcRaiseException(RPC_X_SS_IN_NULL_CONTEXT);
    struct arpc_cctx *x = cctx_live(ctx);
    if (!x)
        RpcRaiseException(RPC_X_SS_CONTEXT_MISMATCH);
    return x->binding;
}

ARPC_API void RPC_ENTRY RpcSsDestroyClientContext(void **ContextHandle)
{
    if (!ContextHandle)
        return;
    struct arpc_cctx *x = cctx_live(*ContextHandle);
    if (x)
        cctx_free(x);
    *ContextHandle = NULL;
}

/* ------------------------------------------------------------ server */

struct ctx_entry {
    struct ctx_entry *next;       /* the association's open handles */
    int refs;                     /* the association's (while open) + slots' */
    int open;
    uint8_t wire[WIRE_LEN];
    void *value;
    arpc_rundown_fn rundown;
};

struct arpc_assoc {
    struct arpc_assoc *next;
    uint32_t group;
    int refs;
    struct ctx_entry *handles;
};

struct arpc_sctx {
    struct arpc_sctx *next;       /* the call's slots */
    arpc_assoc *assoc;
    struct ctx_entry *entry;      /* referenced; NULL for a NULL or new handle */
    void *value;
    arpc_rundown_fn rundown;
};

static struct {
    arpc_mutex lock;
    arpc_assoc *assocs;
    arpc_assoc inproc;            /* in-process calls: never ends */
} srvctx;

static _Thread_local struct arpc_sctx *thread_slots;

static void srvctx_init_once(void)
{
    arpc_mutex_init(&srvctx.lock);
    srvctx.inproc.refs = 1;
}

static void srvctx_init(void)
{
    static arpc_once_flag once = ARPC_ONCE_INIT;
    arpc_once(&once, srvctx_init_once);
}

arpc_assoc *arpc_assoc_join(uint32_t group)
{
    srvctx_init();
    arpc_mutex_lock(&srvctx.lock);
    arpc_assoc *a = srvctx.assocs;
    while (a && a->group != group)
        a = a->next;
    if (!a && (a = calloc(1, sizeof *a))) {
        a->group = group;
        a->next = srvctx.assocs;
        srvctx.assocs = a;
    }
    if (a)
        a->refs++;
    arpc_mutex_unlock(&srvctx.lock);
    return a;
}

static void entry_unref_locked(struct ctx_entry *e)
{
    if (--e->refs == 0)
        free(e);
}

struct rundown_job {
    arpc_rundown_fn fn;
    void *value;
};

static void run_rundown(void *arg)
{
    struct rundown_job j = *(struct rundown_job *)arg;
    free(arg);
    RpcTryExcept {
        j.fn(j.value);
    } RpcExcept(1) {
        /* nobody to tell */
    } RpcEndExcept
}

void arpc_assoc_leave(arpc_assoc *a)
{
    if (!a)
        return;
    arpc_mutex_lock(&srvctx.lock);
    if (--a->refs > 0) {
        arpc_mutex_unlock(&srvctx.lock);
        return;
    }
    for (arpc_assoc **pp = &srvctx.assocs; *pp; pp = &(*pp)->next)
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    struct ctx_entry *list = a->handles;
    a->handles = NULL;
    /* Run down what the client left open, each on a runtime thread. */
    for (struct ctx_entry *e = list, *next; e; e = next) {
        next = e->next;
        e->open = 0;
        struct rundown_job *j = e->rundown ? malloc(sizeof *j) : NULL;
        if (j) {
            j->fn = e->rundown;
            j->value = e->value;
            if (arpc_workq_submit(run_rundown, j) != RPC_S_OK)
                free(j);
        }
        entry_unref_locked(e);
    }
    arpc_mutex_unlock(&srvctx.lock);
    free(a);
}

/* A new slot of the call s runs, kept until the call ends. */
static arpc_sctx *slot_new(arpc_server_call *s, arpc_rundown_fn rundown)
{
    srvctx_init();
    arpc_sctx *x = calloc(1, sizeof *x);
    if (!x)
        RpcRaiseException(RPC_S_OUT_OF_MEMORY);
    x->rundown = rundown;
    struct arpc_sctx **slots = NULL;
    x->assoc = arpc_server_call_context(s->msg->Handle, &slots);
    if (!x->assoc) { /* in process */
        x->assoc = &srvctx.inproc;
        slots = &thread_slots;
    }
    x->next = *slots;
    *slots = x;
    return x;
}

ARPC_API arpc_sctx *arpc_sctx_new(arpc_server_call *s, arpc_rundown_fn rundown)
{
    return slot_new(s, rundown);
}

ARPC_API arpc_sctx *arpc_sctx_unmarshal(arpc_server_call *s, arpc_rundown_fn rundown, int flags)
{
    uint8_t wire[WIRE_LEN];
    read_wire(&s->r, wire);
    arpc_sctx *x = slot_new(s, rundown);
    if (is_null_wire(wire)) {
        if (flags & ARPC_CTX_IN_NONNULL)
            RpcRaiseException(RPC_X_SS_IN_NULL_CONTEXT);
        return x;
    }
    arpc_mutex_lock(&srvctx.lock);
    struct ctx_entry *e = x->assoc->handles;
    while (e && memcmp(e->wire, wire, WIRE_LEN))
        e = e->next;
    if (e) {
        e->refs++;
        x->entry = e;
        x->value = e->value;
    }
    arpc_mutex_unlock(&srvctx.lock);
    if (!e)
        RpcRaiseException(RPC_X_SS_CONTEXT_MISMATCH);
    return x;
}

ARPC_API void **arpc_sctx_value(arpc_sctx *x)
{
    return &x->value;
}

static void close_locked(arpc_assoc *a, struct ctx_entry *e)
{
    for (struct ctx_entry **pp = &a->handles; *pp; pp = &(*pp)->next)
        if (*pp == e) {
            *pp = e->next;
            break;
        }
    e->open = 0;
    entry_unref_locked(e); /* the association's reference */
}

ARPC_API void arpc_sctx_marshal(arpc_ndr_writer *w, arpc_sctx *x)
{
    static const uint8_t null_wire[WIRE_LEN];
    uint8_t wire[WIRE_LEN];
    struct ctx_entry *fresh = NULL;
    if (x->value) {
        /* Perhaps a new handle: a fresh random identity (attributes word 0). */
        if (!(fresh = calloc(1, sizeof *fresh)) || arpc_random_bytes(fresh->wire + 4, 16) != RPC_S_OK) {
            free(fresh);
            RpcRaiseException(RPC_S_OUT_OF_MEMORY);
        }
        fresh->refs = 2; /* the association's and this slot's */
        fresh->open = 1;
        fresh->value = x->value;
        fresh->rundown = x->rundown;
    }
    arpc_mutex_lock(&srvctx.lock);
    if (!x->value) {
        if (x->entry && x->entry->open)
            close_locked(x->assoc, x->entry); /* the manager closed it */
        memcpy(wire, null_wire, WIRE_LEN);
    } else if (x->entry && x->entry->open) {
        x->entry->value = x->value;
        memcpy(wire, x->entry->wire, WIRE_LEN);
    } else {
        if (x->entry)
            entry_unref_locked(x->entry);
        x->entry = fresh;
        fresh->next = x->assoc->handles;
        x->assoc->handles = fresh;
        memcpy(wire, fresh->wire, WIRE_LEN);
        fresh = NULL;
    }
    arpc_mutex_unlock(&srvctx.lock);
    free(fresh);
    write_wire(w, wire);
}

void arpc_sctx_free_list(struct arpc_sctx *list)
{
    if (!list)
        return;
    arpc_mutex_lock(&srvctx.lock);
    for (struct arpc_sctx *x = list; x; x = x->next)
        if (x->entry)
            entry_unref_locked(x->entry);
    arpc_mutex_unlock(&srvctx.lock);
    while (list) {
        struct arpc_sctx *next = list->next;
        free(list);
        list = next;
    }
}

void arpc_sctx_free_thread(void)
{
    struct arpc_sctx *list = thread_slots;
    thread_slots = NULL;
    arpc_sctx_free_list(list);
}

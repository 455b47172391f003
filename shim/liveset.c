/* liveset.c - see liveset.h: chained hashing on the pointer value. */
#include <stdlib.h>
#include "liveset.h"

struct arpc_liveset_node {
    struct arpc_liveset_node *next;
    const void *p;
};

static arpc_mutex *lock_of(arpc_liveset *s)
{
    arpc_mutex *m = __atomic_load_n(&s->lock, __ATOMIC_ACQUIRE);
    if (m)
        return m;
    arpc_mutex *fresh = malloc(sizeof *fresh);
    if (!fresh)
        return NULL;
    arpc_mutex_init(fresh);
    if (__atomic_compare_exchange_n(&s->lock, &m, fresh, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return fresh;
    arpc_mutex_destroy(fresh); /* another thread won the race: use its lock */
    free(fresh);
    return m;
}

static size_t bucket_of(const void *p)
{
    uintptr_t v = (uintptr_t)p;
    return (size_t)((v >> 4) ^ (v >> 14)) % ARPC_LIVESET_BUCKETS;
}

RPC_STATUS arpc_liveset_add(arpc_liveset *s, const void *p)
{
    arpc_mutex *m = lock_of(s);
    struct arpc_liveset_node *n = malloc(sizeof *n);
    if (!m || !n) {
        free(n);
        return RPC_S_OUT_OF_MEMORY;
    }
    n->p = p;
    arpc_mutex_lock(m);
    size_t b = bucket_of(p);
    n->next = s->bucket[b];
    s->bucket[b] = n;
    arpc_mutex_unlock(m);
    return RPC_S_OK;
}

void arpc_liveset_remove(arpc_liveset *s, const void *p)
{
    arpc_mutex *m = lock_of(s);
    struct arpc_liveset_node *dead = NULL;
    if (!m)
        return;
    arpc_mutex_lock(m);
    for (struct arpc_liveset_node **pp = &s->bucket[bucket_of(p)]; *pp; pp = &(*pp)->next) {
        if ((*pp)->p == p) {
            dead = *pp;
            *pp = dead->next;
            break;
        }
    }
    arpc_mutex_unlock(m);
    free(dead);
}

int arpc_liveset_check(arpc_liveset *s, const void *p, void (*hold)(void *p))
{
    arpc_mutex *m = lock_of(s);
    int found = 0;
    if (!m || !p)
        return 0;
    arpc_mutex_lock(m);
    for (struct arpc_liveset_node *n = s->bucket[bucket_of(p)]; n; n = n->next) {
        if (n->p == p) {
            found = 1;
            if (hold)
                hold((void *)p);
            break;
        }
    }
    arpc_mutex_unlock(m);
    return found;
}

/* block.c - see block.h. */
#include <stdlib.h>
#include "block.h"
#include "platform.h"

#define POOL_MAX 8

static struct {
    arpc_mutex lock;
    arpc_block *free[POOL_MAX];
    int n;
} pool;

static void pool_init_once(void)
{
    arpc_mutex_init(&pool.lock);
}

static void pool_init(void)
{
    static arpc_once_flag once = ARPC_ONCE_INIT;
    arpc_once(&once, pool_init_once);
}

arpc_block *arpc_block_new(size_t cap)
{
    arpc_block *b = NULL;
    if (cap == ARPC_BLOCK_POOLED) {
        pool_init();
        arpc_mutex_lock(&pool.lock);
        if (pool.n)
            b = pool.free[--pool.n];
        arpc_mutex_unlock(&pool.lock);
    }
    if (!b && !(b = malloc(sizeof *b + cap)))
        return NULL;
    b->refs = 1;
    b->cap = cap;
    return b;
}

void arpc_block_ref(arpc_block *b)
{
    __atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
}

void arpc_block_unref(arpc_block *b)
{
    if (!b || __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    if (b->cap == ARPC_BLOCK_POOLED) {
        pool_init();
        arpc_mutex_lock(&pool.lock);
        int kept = pool.n < POOL_MAX;
        if (kept)
            pool.free[pool.n++] = b;
        arpc_mutex_unlock(&pool.lock);
        if (kept)
            return;
    }
    free(b);
}

int arpc_block_shared(const arpc_block *b)
{
    return __atomic_load_n(&b->refs, __ATOMIC_ACQUIRE) > 1;
}

/* block.h - receive buffers shared by reference.
 *
 * A connection reads into a block; the streams of calls with pipes (rx.h)
 * keep slices of the fragments they receive by taking a reference on the
 * block instead of copying the bytes out (one copy less between the kernel
 * and the application's buffer).  A connection never moves bytes inside a
 * block others hold: it reads on into the room after them, or into a new
 * block.  Blocks of the streaming size are pooled, so a flowing transfer
 * does not allocate (and fault in) 256 KiB per read. */
#ifndef ASYNCRPC_SHIM_BLOCK_H
#define ASYNCRPC_SHIM_BLOCK_H

#include <stddef.h>

#define ARPC_BLOCK_POOLED (256u << 10)

typedef struct arpc_block {
    int refs;                   /* atomic */
    size_t cap;
    unsigned char data[];
} arpc_block;

arpc_block *arpc_block_new(size_t cap);    /* one reference; NULL if out of memory */
void arpc_block_ref(arpc_block *b);
void arpc_block_unref(arpc_block *b);
int arpc_block_shared(const arpc_block *b); /* someone else holds a reference */

#endif /* ASYNCRPC_SHIM_BLOCK_H */

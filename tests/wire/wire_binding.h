/* Shared by the wire tests: serve an interface in this process and find
 * the string binding of our own endpoint. */
#ifndef WIRE_BINDING_H
#define WIRE_BINDING_H
#include <rpc.h>
#include <stddef.h>

/* Listen on protseq (endpoint NULL: dynamic) and, the first time, register
 * ifspec and start listening.  0 on success. */
int wire_serve(RPC_IF_HANDLE ifspec, const char *protseq, const char *endpoint);
/* The string binding of this process's endpoint for protseq, composed by
 * the API (canonical escapes), into out.  0 on success. */
int wire_local_binding(const char *protseq, char *out, size_t size);
#endif

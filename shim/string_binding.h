/* string_binding.h - string bindings and string UUIDs, internal form.
 *
 * A string binding is
 *     [ObjectUUID@]ProtocolSequence:[NetworkAddress][[Endpoint][,Options]]
 * (see string_binding.c for the exact grammar, the escaping rules and the
 * decisions taken where Microsoft's documentation is silent).
 *
 * Internally every string is UTF-8, malloc'd.  The exported Windows API
 * (RpcStringBindingComposeA/W, RpcStringBindingParseA/W, RpcStringFreeA/W,
 * UuidFromStringA/W, UuidToStringA/W, UuidCreateNil, UuidIsNil, UuidEqual,
 * UuidCompare) is declared by <rpcdce.h>; strings it returns are malloc'd
 * and released by RpcStringFreeA/W (free()).
 */
#ifndef ASYNCRPC_SHIM_STRING_BINDING_H
#define ASYNCRPC_SHIM_STRING_BINDING_H

#include <rpc.h>
#include <stddef.h>
#include <wchar.h>

/* The parts of a string binding, unescaped; NULL when absent. */
typedef struct arpc_string_binding {
    char *objuuid;
    char *protseq;
    char *netaddr;
    char *endpoint;
    char *options;
} arpc_string_binding;

/* Split s into its parts (all malloc'd, absent ones NULL).  On failure *out
 * is left all NULL.  RPC_S_INVALID_STRING_BINDING for a malformed string,
 * RPC_S_INVALID_STRING_UUID for an object UUID that is not one,
 * RPC_S_OUT_OF_MEMORY. */
RPC_STATUS arpc_string_binding_parse(const char *s, arpc_string_binding *out);

/* Join the parts of *in (NULL or "" = absent) into a malloc'd string
 * binding, escaping what needs it so that parse gives the same parts back.
 * RPC_S_INVALID_STRING_UUID when objuuid is present but not a UUID;
 * RPC_S_OUT_OF_MEMORY. */
RPC_STATUS arpc_string_binding_compose(const arpc_string_binding *in, char **out);

/* Free the parts and set them to NULL. */
void arpc_string_binding_clear(arpc_string_binding *b);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hex digits of either case, no
 * braces.  RPC_S_INVALID_STRING_UUID otherwise. */
RPC_STATUS arpc_uuid_from_string(const char *s, GUID *out);
/* The same form, lowercase, NUL-terminated. */
void arpc_uuid_to_string(const GUID *g, char out[37]);

/* Conversions between UTF-8 and the platform's wchar_t strings (UTF-32 on
 * POSIX, UTF-16 on Windows).  malloc'd; NULL for invalid input (bad UTF-8,
 * an unpaired surrogate, a code point above U+10FFFF) or no memory. */
char *arpc_wide_to_utf8(const wchar_t *w);
wchar_t *arpc_utf8_to_wide(const char *s);

#endif /* ASYNCRPC_SHIM_STRING_BINDING_H */

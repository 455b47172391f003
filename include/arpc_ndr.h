/* arpc_ndr.h - NDR 2.0 (C706 chapter 14) marshalling for the stubs that
 * asyncrpc-idl generates.  The generated C calls only these functions (and
 * the I_Rpc* message API), so it is the same for every target: sizes and
 * offsets are computed here at run time, never baked into generated code.
 *
 * Writing: always little-endian, integer/float IEEE, ASCII; alignment is
 * relative to the start of the stub data.  The writer grows as needed; an
 * allocation failure raises RPC_S_OUT_OF_MEMORY.
 *
 * Reading: accepts little- and big-endian senders (the data representation
 * label of the PDU).  Every read is bounds-checked: running past the end,
 * a count larger than the data that remains, a conformance that does not
 * match, a bad union arm, pointer chains deeper than ARPC_NDR_MAX_DEPTH -
 * all raise RPC_X_BAD_STUB_DATA (1783).  A value outside the range of its
 * IDL type raises too: an enum outside 0..0x7fff raises
 * RPC_X_ENUM_VALUE_OUT_OF_RANGE (written or read), and an LP64 `long` or
 * `unsigned long` that does not fit the 4-byte NDR long raises
 * RPC_S_INVALID_BOUND when written.
 *
 * Memory for [out] data and for [in] data on the server comes from the
 * reader's allocator, which generated stubs set to the application's
 * MIDL_user_allocate / MIDL_user_free, as MIDL does (the library itself
 * never references those user symbols).
 */
#ifndef ASYNCRPC_NDR_H
#define ASYNCRPC_NDR_H

#include <rpc.h>
#include <rpcndr.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>
#include "arpc_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ARPC_NDR_MAX_DEPTH 256

/* Data representation label byte 0: high nibble integer order (1 = little
 * endian), low nibble character set. */
#define ARPC_NDR_DREP_LE 0x10u

typedef struct arpc_ndr_writer {
    unsigned char *data;  /* heap buffer, owned until taken */
    size_t len;           /* bytes written */
    size_t cap;
    uint32_t next_ref_id; /* referent ids for [unique]/[ptr] pointers: 0x00020000, +4 ... */
} arpc_ndr_writer;

typedef struct arpc_ndr_reader {
    const unsigned char *data;
    size_t len;
    size_t pos;
    int big_endian;       /* the sender's integer order */
    int depth;            /* pointer nesting, capped at ARPC_NDR_MAX_DEPTH */
    void *(__RPC_USER *alloc)(size_t);  /* default: malloc */
    void (__RPC_USER *free)(void *);    /* default: free */
    /* Streamed data (calls with pipes; set by the runtime): called when a
     * read needs more than the buffer holds, it makes at least `need`
     * bytes available from pos on (replacing data/len/pos, alignment kept)
     * or raises.  Counts are then checked against stream_limit instead of
     * the bytes at hand. */
    void (*refill)(struct arpc_ndr_reader *r, size_t need);
    void *refill_ctx;
    size_t stream_limit;
} arpc_ndr_reader;

/* ---- writer */
ARPC_API void arpc_ndr_writer_init(arpc_ndr_writer *w);
ARPC_API void arpc_ndr_writer_free(arpc_ndr_writer *w);
/* Hand over the buffer (caller frees with free(); never NULL, even when
 * nothing was written); the writer is empty after, referent ids restarting. */
ARPC_API unsigned char *arpc_ndr_writer_take(arpc_ndr_writer *w, size_t *len);
ARPC_API void arpc_ndr_w_align(arpc_ndr_writer *w, unsigned alignment); /* 1, 2, 4 or 8; pads with zeros */
ARPC_API void arpc_ndr_w_u8(arpc_ndr_writer *w, uint8_t v);
ARPC_API void arpc_ndr_w_u16(arpc_ndr_writer *w, uint16_t v);             /* aligns to 2 */
ARPC_API void arpc_ndr_w_u32(arpc_ndr_writer *w, uint32_t v);             /* aligns to 4 */
ARPC_API void arpc_ndr_w_u64(arpc_ndr_writer *w, uint64_t v);             /* aligns to 8 */
ARPC_API void arpc_ndr_w_f32(arpc_ndr_writer *w, float v);                /* aligns to 4 */
ARPC_API void arpc_ndr_w_f64(arpc_ndr_writer *w, double v);               /* aligns to 8 */
/* IDL long / unsigned long from a C long (64-bit on LP64): raises
 * RPC_S_INVALID_BOUND when the value does not fit in 32 bits. */
ARPC_API void arpc_ndr_w_long(arpc_ndr_writer *w, long v);
ARPC_API void arpc_ndr_w_ulong(arpc_ndr_writer *w, unsigned long v);
/* enum (16-bit on the wire; v1_enum is 32-bit: use w_u32): raises
 * RPC_X_ENUM_VALUE_OUT_OF_RANGE outside 0..0x7fff. */
ARPC_API void arpc_ndr_w_enum16(arpc_ndr_writer *w, int v);
ARPC_API void arpc_ndr_w_bytes(arpc_ndr_writer *w, const void *p, size_t n); /* no alignment */
/* Pointer referent: 0 for NULL, else the next referent id.  Returns whether
 * the pointee must follow (non-NULL). */
ARPC_API int arpc_ndr_w_ref_id(arpc_ndr_writer *w, const void *p);
/* [string] char / wchar_t: conformant varying string (max_count, offset 0,
 * actual_count, elements including the terminator).  wchar_t strings go on
 * the wire as UTF-16 (surrogate pairs for characters above 0xFFFF where
 * wchar_t is 32-bit).  NULL raises RPC_X_NULL_REF_POINTER; a wide string
 * UTF-16 cannot carry (a code point above 0x10FFFF, an unpaired surrogate)
 * raises RPC_X_BAD_STUB_DATA. */
ARPC_API void arpc_ndr_w_string(arpc_ndr_writer *w, const char *s);
ARPC_API void arpc_ndr_w_wstring(arpc_ndr_writer *w, const wchar_t *s);
/* Elements of a wchar_t array as UTF-16 code units: raises RPC_X_BAD_STUB_DATA
 * for a value above 0xFFFF (a counted array cannot grow). */
ARPC_API void arpc_ndr_w_wchars(arpc_ndr_writer *w, const wchar_t *s, size_t n);

/* ---- reader */
/* drep: the PDU's data representation label, byte 0 in the low 8 bits. */
ARPC_API void arpc_ndr_reader_init(arpc_ndr_reader *r, const void *data, size_t len, uint32_t drep);
ARPC_API void arpc_ndr_r_align(arpc_ndr_reader *r, unsigned alignment);
ARPC_API uint8_t arpc_ndr_r_u8(arpc_ndr_reader *r);
ARPC_API uint16_t arpc_ndr_r_u16(arpc_ndr_reader *r);
ARPC_API uint32_t arpc_ndr_r_u32(arpc_ndr_reader *r);
ARPC_API uint64_t arpc_ndr_r_u64(arpc_ndr_reader *r);
ARPC_API float arpc_ndr_r_f32(arpc_ndr_reader *r);
ARPC_API double arpc_ndr_r_f64(arpc_ndr_reader *r);
ARPC_API long arpc_ndr_r_long(arpc_ndr_reader *r);                   /* sign-extends */
ARPC_API unsigned long arpc_ndr_r_ulong(arpc_ndr_reader *r);
ARPC_API int arpc_ndr_r_enum16(arpc_ndr_reader *r);                  /* above 0x7fff raises */
ARPC_API void arpc_ndr_r_bytes(arpc_ndr_reader *r, void *p, size_t n);
/* Points into the buffer (no copy); raises if fewer than n bytes remain. */
ARPC_API const void *arpc_ndr_r_view(arpc_ndr_reader *r, size_t n);
/* A count for `elem_size`-byte elements that must still fit in the data
 * that remains (conformance larger than the data raises; elem_size 0 counts
 * as 1). */
ARPC_API uint32_t arpc_ndr_r_count(arpc_ndr_reader *r, size_t elem_size);
/* Referent id: 0 (NULL) or not; raises past ARPC_NDR_MAX_DEPTH nested
 * pointees (callers pair it with arpc_ndr_r_leave after the pointee). */
ARPC_API int arpc_ndr_r_ref_id(arpc_ndr_reader *r);
ARPC_API void arpc_ndr_r_leave(arpc_ndr_reader *r);
/* [string]: allocated with r->alloc; checks offset 0,
 * actual_count <= max_count, the terminator (the last element; an earlier
 * NUL just ends the C string), and (wide) valid UTF-16. */
ARPC_API char *arpc_ndr_r_string(arpc_ndr_reader *r);
ARPC_API wchar_t *arpc_ndr_r_wstring(arpc_ndr_reader *r);
/* Into caller storage: the string must fit in `capacity` elements,
 * terminator included (wchar_t elements, after UTF-16 decoding). */
ARPC_API void arpc_ndr_r_string_into(arpc_ndr_reader *r, char *dst, size_t capacity);
ARPC_API void arpc_ndr_r_wstring_into(arpc_ndr_reader *r, wchar_t *dst, size_t capacity);
ARPC_API void arpc_ndr_r_wchars(arpc_ndr_reader *r, wchar_t *dst, size_t n);
/* Raises RPC_X_BAD_STUB_DATA unless cond holds (generated range/bounds checks). */
ARPC_API void arpc_ndr_check(int cond);
/* r->alloc that raises RPC_S_OUT_OF_MEMORY instead of returning NULL
 * (n == 0 allocates one byte, so the result is never NULL). */
ARPC_API void *arpc_ndr_alloc(arpc_ndr_reader *r, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* ASYNCRPC_NDR_H */

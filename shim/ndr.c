/* ndr.c - NDR 2.0 (C706 chapter 14) marshalling for generated stubs.
 *
 * The writer emits little-endian data into a growing heap buffer; the reader
 * decodes either byte order and bounds-checks every step, raising
 * RPC_X_BAD_STUB_DATA on anything malformed.  Wide strings travel as UTF-16:
 * where wchar_t is 32-bit, characters above 0xFFFF become surrogate pairs. */
#include <rpc.h>
#include "arpc_ndr.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define NDR_FIRST_REF_ID 0x00020000u

static void raise_code(RPC_STATUS code) ARPC_NORETURN;
static void raise_code(RPC_STATUS code)
{
    RpcRaiseException(code);
}

ARPC_API void arpc_ndr_check(int cond)
{
    if (!cond)
        raise_code(RPC_X_BAD_STUB_DATA);
}

/* a * b, raising `code` when it does not fit in size_t. */
static size_t mul_size(size_t a, size_t b, RPC_STATUS code)
{
    if (b != 0 && a > SIZE_MAX / b)
        raise_code(code);
    return a * b;
}

static size_t padding(size_t pos, unsigned alignment)
{
    size_t a = alignment ? alignment : 1;
    return (a - pos % a) % a;
}

/* ------------------------------------------------------------------ writer */

ARPC_API void arpc_ndr_writer_init(arpc_ndr_writer *w)
{
    w->data = NULL;
    w->len = 0;
    w->cap = 0;
    w->next_ref_id = NDR_FIRST_REF_ID;
}

ARPC_API void arpc_ndr_writer_free(arpc_ndr_writer *w)
{
    free(w->data);
    arpc_ndr_writer_init(w);
}

ARPC_API unsigned char *arpc_ndr_writer_take(arpc_ndr_writer *w, size_t *len)
{
    unsigned char *p = w->data;
    if (!p && !(p = malloc(1)))  /* never NULL, even when nothing was written */
        raise_code(RPC_S_OUT_OF_MEMORY);
    if (len)
        *len = w->len;
    arpc_ndr_writer_init(w);
    return p;
}

/* Appends n bytes (uninitialised) and returns where they start. */
static unsigned char *reserve(arpc_ndr_writer *w, size_t n)
{
    if (n > SIZE_MAX - w->len)
        raise_code(RPC_S_OUT_OF_MEMORY);
    size_t need = w->len + n;
    if (need > w->cap) {
        size_t cap = w->cap ? w->cap : 64;
        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        unsigned char *p = realloc(w->data, cap);
        if (!p)
            raise_code(RPC_S_OUT_OF_MEMORY);
        w->data = p;
        w->cap = cap;
    }
    unsigned char *at = w->data + w->len;
    w->len = need;
    return at;
}

ARPC_API void arpc_ndr_w_align(arpc_ndr_writer *w, unsigned alignment)
{
    size_t pad = padding(w->len, alignment);
    if (pad)
        memset(reserve(w, pad), 0, pad);
}

/* An n-byte little-endian integer, aligned to n. */
static void put(arpc_ndr_writer *w, uint64_t v, unsigned n)
{
    arpc_ndr_w_align(w, n);
    unsigned char *p = reserve(w, n);
    for (unsigned i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

ARPC_API void arpc_ndr_w_u8(arpc_ndr_writer *w, uint8_t v) { put(w, v, 1); }
ARPC_API void arpc_ndr_w_u16(arpc_ndr_writer *w, uint16_t v) { put(w, v, 2); }
ARPC_API void arpc_ndr_w_u32(arpc_ndr_writer *w, uint32_t v) { put(w, v, 4); }
ARPC_API void arpc_ndr_w_u64(arpc_ndr_writer *w, uint64_t v) { put(w, v, 8); }

ARPC_API void arpc_ndr_w_f32(arpc_ndr_writer *w, float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    put(w, u, 4);
}

ARPC_API void arpc_ndr_w_f64(arpc_ndr_writer *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    put(w, u, 8);
}

ARPC_API void arpc_ndr_w_long(arpc_ndr_writer *w, long v)
{
#if LONG_MAX > 0x7fffffffL
    if (v < INT32_MIN || v > INT32_MAX)
        raise_code(RPC_S_INVALID_BOUND);
#endif
    put(w, (uint32_t)v, 4);
}

ARPC_API void arpc_ndr_w_ulong(arpc_ndr_writer *w, unsigned long v)
{
#if ULONG_MAX > 0xffffffffUL
    if (v > UINT32_MAX)
        raise_code(RPC_S_INVALID_BOUND);
#endif
    put(w, (uint32_t)v, 4);
}

ARPC_API void arpc_ndr_w_enum16(arpc_ndr_writer *w, int v)
{
    if (v < 0 || v > 0x7fff)
        raise_code(RPC_X_ENUM_VALUE_OUT_OF_RANGE);
    put(w, (uint16_t)v, 2);
}

ARPC_API void arpc_ndr_w_bytes(arpc_ndr_writer *w, const void *p, size_t n)
{
    if (n)
        memcpy(reserve(w, n), p, n);
}

ARPC_API int arpc_ndr_w_ref_id(arpc_ndr_writer *w, const void *p)
{
    if (!p) {
        put(w, 0, 4);
        return 0;
    }
    put(w, w->next_ref_id, 4);
    w->next_ref_id += 4;
    return 1;
}

/* max_count, offset 0, actual_count of a conformant varying string. */
static void string_header(arpc_ndr_writer *w, size_t n)
{
    if ((uint64_t)n > UINT32_MAX)
        raise_code(RPC_S_OUT_OF_MEMORY);
    put(w, n, 4);
    put(w, 0, 4);
    put(w, n, 4);
}

ARPC_API void arpc_ndr_w_string(arpc_ndr_writer *w, const char *s)
{
    if (!s)
        raise_code(RPC_X_NULL_REF_POINTER);
    size_t n = strlen(s) + 1;
    string_header(w, n);
    arpc_ndr_w_bytes(w, s, n);
}

static void put_unit(unsigned char *p, size_t i, uint32_t u)
{
    if (p) {
        p[2 * i] = (unsigned char)u;
        p[2 * i + 1] = (unsigned char)(u >> 8);
    }
}

/* Encodes s (without its terminator) as UTF-16 into p, or only counts the
 * units when p is NULL.  Raises on what UTF-16 cannot carry: code points
 * above 0x10FFFF and surrogates that are not part of a pair. */
static size_t to_utf16(const wchar_t *s, unsigned char *p)
{
    size_t n = 0;
    for (; *s; s++) {
        uint32_t c = (uint32_t)*s;
#if WCHAR_MAX > 0xFFFF
        arpc_ndr_check(c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF));
        if (c > 0xFFFF) {
            c -= 0x10000;
            put_unit(p, n++, 0xD800 | (c >> 10));
            c = 0xDC00 | (c & 0x3FF);
        }
#else
        if (c >= 0xD800 && c <= 0xDBFF) {
            arpc_ndr_check(s[1] >= 0xDC00 && s[1] <= 0xDFFF);
            put_unit(p, n++, c);
            c = (uint32_t)*++s;
        } else {
            arpc_ndr_check(c < 0xDC00 || c > 0xDFFF);
        }
#endif
        put_unit(p, n++, c);
    }
    return n;
}

ARPC_API void arpc_ndr_w_wstring(arpc_ndr_writer *w, const wchar_t *s)
{
    if (!s)
        raise_code(RPC_X_NULL_REF_POINTER);
    size_t n = to_utf16(s, NULL) + 1;
    string_header(w, n);  /* leaves the data 4-aligned: no padding before the units */
    unsigned char *p = reserve(w, mul_size(n, 2, RPC_S_OUT_OF_MEMORY));
    to_utf16(s, p);
    put_unit(p, n - 1, 0);
}

ARPC_API void arpc_ndr_w_wchars(arpc_ndr_writer *w, const wchar_t *s, size_t n)
{
    arpc_ndr_w_align(w, 2);
    unsigned char *p = reserve(w, mul_size(n, 2, RPC_S_OUT_OF_MEMORY));
    for (size_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t)s[i];
#if WCHAR_MAX > 0xFFFF
        arpc_ndr_check(c <= 0xFFFF);
#endif
        put_unit(p, i, c);
    }
}

/* ------------------------------------------------------------------ reader */

ARPC_API void arpc_ndr_reader_init(arpc_ndr_reader *r, const void *data, size_t len, uint32_t drep)
{
    r->data = data;
    r->len = data ? len : 0;
    r->pos = 0;
    r->big_endian = (drep & 0xF0u) != ARPC_NDR_DREP_LE;
    r->depth = 0;
    r->alloc = malloc;
    r->free = free;
    r->refill = NULL;
    r->refill_ctx = NULL;
    r->stream_limit = 0;
}

/* Whether n more bytes of `unit` each can still come: the data at hand,
 * or for a streamed reader its limit. */
static int can_hold(const arpc_ndr_reader *r, uint64_t n, size_t unit)
{
    uint64_t have = r->refill ? r->stream_limit : r->len - r->pos;
    return n <= have / (unit ? unit : 1);
}

/* Consumes n bytes and returns where they start. */
static const unsigned char *take(arpc_ndr_reader *r, size_t n)
{
    if (r->refill && r->pos <= r->len && n > r->len - r->pos)
        r->refill(r, n);
    arpc_ndr_check(r->pos <= r->len && n <= r->len - r->pos);
    const unsigned char *p = r->data ? r->data + r->pos : NULL;
    r->pos += n;
    return p;
}

ARPC_API void arpc_ndr_r_align(arpc_ndr_reader *r, unsigned alignment)
{
    take(r, padding(r->pos, alignment));
}

/* An n-byte integer in the sender's byte order, aligned to n. */
static uint64_t get(arpc_ndr_reader *r, unsigned n)
{
    arpc_ndr_r_align(r, n);
    const unsigned char *p = take(r, n);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[r->big_endian ? n - 1 - i : i] << (8 * i);
    return v;
}

ARPC_API uint8_t arpc_ndr_r_u8(arpc_ndr_reader *r) { return (uint8_t)get(r, 1); }
ARPC_API uint16_t arpc_ndr_r_u16(arpc_ndr_reader *r) { return (uint16_t)get(r, 2); }
ARPC_API uint32_t arpc_ndr_r_u32(arpc_ndr_reader *r) { return (uint32_t)get(r, 4); }
ARPC_API uint64_t arpc_ndr_r_u64(arpc_ndr_reader *r) { return get(r, 8); }

ARPC_API float arpc_ndr_r_f32(arpc_ndr_reader *r)
{
    uint32_t u = (uint32_t)get(r, 4);
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

ARPC_API double arpc_ndr_r_f64(arpc_ndr_reader *r)
{
    uint64_t u = get(r, 8);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

ARPC_API long arpc_ndr_r_long(arpc_ndr_reader *r)
{
    uint32_t u = (uint32_t)get(r, 4);
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

ARPC_API unsigned long arpc_ndr_r_ulong(arpc_ndr_reader *r)
{
    return (uint32_t)get(r, 4);
}

ARPC_API int arpc_ndr_r_enum16(arpc_ndr_reader *r)
{
    uint16_t v = (uint16_t)get(r, 2);
    if (v > 0x7fff)
        raise_code(RPC_X_ENUM_VALUE_OUT_OF_RANGE);
    return v;
}

ARPC_API void arpc_ndr_r_bytes(arpc_ndr_reader *r, void *p, size_t n)
{
    const unsigned char *src = take(r, n);
    if (n)
        memcpy(p, src, n);
}

ARPC_API const void *arpc_ndr_r_view(arpc_ndr_reader *r, size_t n)
{
    return take(r, n);
}

ARPC_API uint32_t arpc_ndr_r_count(arpc_ndr_reader *r, size_t elem_size)
{
    uint32_t n = (uint32_t)get(r, 4);
    arpc_ndr_check(can_hold(r, n, elem_size));
    return n;
}

ARPC_API int arpc_ndr_r_ref_id(arpc_ndr_reader *r)
{
    if (get(r, 4) == 0)
        return 0;
    arpc_ndr_check(r->depth < ARPC_NDR_MAX_DEPTH);
    r->depth++;
    return 1;
}

ARPC_API void arpc_ndr_r_leave(arpc_ndr_reader *r)
{
    if (r->depth > 0)
        r->depth--;
}

ARPC_API void *arpc_ndr_alloc(arpc_ndr_reader *r, size_t n)
{
    if (n == 0)
        n = 1;
    void *p = r->alloc ? r->alloc(n) : malloc(n);
    if (!p)
        raise_code(RPC_S_OUT_OF_MEMORY);
    return p;
}

/* Reads a conformant varying string's header, consumes its elements (`unit`
 * bytes each) and returns them; *count is the actual count, terminator
 * included.  Callers allocate only once the whole string checks out. */
static const unsigned char *string_body(arpc_ndr_reader *r, size_t unit, size_t *count)
{
    uint32_t max = (uint32_t)get(r, 4);
    uint32_t offset = (uint32_t)get(r, 4);
    uint32_t actual = (uint32_t)get(r, 4);
    arpc_ndr_check(offset == 0 && actual >= 1 && actual <= max);
    arpc_ndr_check(can_hold(r, actual, unit));
    const unsigned char *p = take(r, (size_t)actual * unit);
    arpc_ndr_check(p[(size_t)actual * unit - 1] == 0 && (unit == 1 || p[(size_t)actual * unit - 2] == 0));
    *count = actual;
    return p;
}

ARPC_API char *arpc_ndr_r_string(arpc_ndr_reader *r)
{
    size_t n;
    const unsigned char *p = string_body(r, 1, &n);
    char *s = arpc_ndr_alloc(r, n);
    memcpy(s, p, n);
    return s;
}

ARPC_API void arpc_ndr_r_string_into(arpc_ndr_reader *r, char *dst, size_t capacity)
{
    size_t n;
    const unsigned char *p = string_body(r, 1, &n);
    arpc_ndr_check(n <= capacity);
    memcpy(dst, p, n);
}

static uint32_t get_unit(const arpc_ndr_reader *r, const unsigned char *p, size_t i)
{
    return r->big_endian ? (uint32_t)p[2 * i] << 8 | p[2 * i + 1]
                         : (uint32_t)p[2 * i + 1] << 8 | p[2 * i];
}

/* Decodes n UTF-16 units into out (or only counts when out is NULL);
 * returns the number of wchar_t.  Raises on an unpaired surrogate. */
static size_t from_utf16(const arpc_ndr_reader *r, const unsigned char *p, size_t n, wchar_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = get_unit(r, p, i);
        if (c >= 0xD800 && c <= 0xDBFF) {
            uint32_t d = i + 1 < n ? get_unit(r, p, ++i) : 0;
            arpc_ndr_check(d >= 0xDC00 && d <= 0xDFFF);
#if WCHAR_MAX > 0xFFFF
            c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
#else
            if (out)
                out[k] = (wchar_t)c;
            k++;
            c = d;
#endif
        } else {
            arpc_ndr_check(c < 0xDC00 || c > 0xDFFF);
        }
        if (out)
            out[k] = (wchar_t)c;
        k++;
    }
    return k;
}

ARPC_API wchar_t *arpc_ndr_r_wstring(arpc_ndr_reader *r)
{
    size_t n;
    const unsigned char *p = string_body(r, 2, &n);
    size_t k = from_utf16(r, p, n, NULL);
    wchar_t *s = arpc_ndr_alloc(r, mul_size(k, sizeof(wchar_t), RPC_X_BAD_STUB_DATA));
    from_utf16(r, p, n, s);
    return s;
}

ARPC_API void arpc_ndr_r_wstring_into(arpc_ndr_reader *r, wchar_t *dst, size_t capacity)
{
    size_t n;
    const unsigned char *p = string_body(r, 2, &n);
    arpc_ndr_check(from_utf16(r, p, n, NULL) <= capacity);
    from_utf16(r, p, n, dst);
}

ARPC_API void arpc_ndr_r_wchars(arpc_ndr_reader *r, wchar_t *dst, size_t n)
{
    arpc_ndr_r_align(r, 2);
    const unsigned char *p = take(r, mul_size(n, 2, RPC_X_BAD_STUB_DATA));
    for (size_t i = 0; i < n; i++)
        dst[i] = (wchar_t)get_unit(r, p, i);
}

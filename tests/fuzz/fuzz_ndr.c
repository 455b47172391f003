/* Fuzz target for the NDR reader (shim/ndr.c).
 *
 * Input layout: byte 0 flags (bit 0: big-endian sender), byte 1 the length
 * of a small program (1..32 opcodes) that follows, then the NDR data.  The
 * program runs in a loop over the data (at most MAX_STEPS operations) until
 * the reader raises or the steps run out.  Every string that decodes is
 * written back with the writer and read again, and must come back equal.
 * All reader allocations go through a tracking allocator and are released
 * at the end, exception or not. */
#include <rpc.h>
#include "arpc_ndr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 4096
#define MAX_ALLOCS (2 * MAX_STEPS + 8)

static void *allocs[MAX_ALLOCS];
static size_t nallocs;
static int nesting;
static arpc_ndr_writer writer;

static void *__RPC_USER track_alloc(size_t n)
{
    if (nallocs == MAX_ALLOCS)
        return NULL; /* the reader raises RPC_S_OUT_OF_MEMORY */
    void *p = malloc(n);
    if (p)
        allocs[nallocs++] = p;
    return p;
}

static void reread_reader(arpc_ndr_reader *r)
{
    arpc_ndr_reader_init(r, writer.data, writer.len, ARPC_NDR_DREP_LE);
    r->alloc = track_alloc;
}

static void round_trip_string(const char *s)
{
    arpc_ndr_reader r;
    arpc_ndr_writer_free(&writer);
    arpc_ndr_w_string(&writer, s);
    reread_reader(&r);
    if (strcmp(arpc_ndr_r_string(&r), s) != 0 || r.pos != r.len)
        abort();
}

static void round_trip_wstring(const wchar_t *s)
{
    arpc_ndr_reader r;
    arpc_ndr_writer_free(&writer);
    arpc_ndr_w_wstring(&writer, s);
    reread_reader(&r);
    if (wcscmp(arpc_ndr_r_wstring(&r), s) != 0 || r.pos != r.len)
        abort();
}

static void step(arpc_ndr_reader *r, uint8_t op)
{
    unsigned arg = op >> 4;
    char cbuf[16];
    wchar_t wbuf[16];
    unsigned char bytes[16];
    switch (op & 0x0f) {
    case 0: (void)arpc_ndr_r_u8(r); break;
    case 1: (void)arpc_ndr_r_u16(r); break;
    case 2: (void)arpc_ndr_r_u32(r); break;
    case 3: (void)arpc_ndr_r_u64(r); break;
    case 4: (void)arpc_ndr_r_f32(r); break;
    case 5: (void)arpc_ndr_r_f64(r); break;
    case 6: (void)arpc_ndr_r_long(r); break;
    case 7: (void)arpc_ndr_r_ulong(r); break;
    case 8: (void)arpc_ndr_r_enum16(r); break;
    case 9: arpc_ndr_r_align(r, 1u << (arg & 3)); break;
    case 10: round_trip_string(arpc_ndr_r_string(r)); break;
    case 11: round_trip_wstring(arpc_ndr_r_wstring(r)); break;
    case 12: {
        size_t elem = arg + 1;
        uint32_t n = arpc_ndr_r_count(r, elem);
        (void)arpc_ndr_r_view(r, n * elem); /* r_count guarantees the fit */
        break;
    }
    case 13:
        if (arpc_ndr_r_ref_id(r))
            nesting++;
        break;
    case 14:
        if (nesting > 0) {
            arpc_ndr_r_leave(r);
            nesting--;
        }
        break;
    default:
        switch (arg & 3) {
        case 0:
            arpc_ndr_r_string_into(r, cbuf, 4 * (arg >> 2));
            if (strlen(cbuf) >= sizeof cbuf)
                abort();
            break;
        case 1:
            arpc_ndr_r_wstring_into(r, wbuf, 4 * (arg >> 2));
            if (wcslen(wbuf) >= 16)
                abort();
            break;
        case 2: arpc_ndr_r_wchars(r, wbuf, 4 * (arg >> 2)); break;
        default: arpc_ndr_r_bytes(r, bytes, 4 * (arg >> 2)); break;
        }
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const uint8_t *prog = data + 2;
    size_t plen = (size_t)(data[1] % 32) + 1;
    if (plen > size - 2)
        plen = size - 2;
    const uint8_t *ndr = prog + plen;
    size_t ndr_len = size - 2 - plen;
    uint32_t drep = (data[0] & 1) ? 0x00u : ARPC_NDR_DREP_LE;

    nallocs = 0;
    nesting = 0;
    arpc_ndr_writer_init(&writer);
    RpcTryExcept {
        arpc_ndr_reader r;
        arpc_ndr_reader_init(&r, ndr, ndr_len, drep);
        r.alloc = track_alloc;
        for (size_t i = 0; i < MAX_STEPS; i++) {
            step(&r, prog[i % plen]);
            if (r.pos > r.len || r.depth != nesting || r.depth > ARPC_NDR_MAX_DEPTH)
                abort();
        }
    } RpcExcept(1) {
        unsigned long code = RpcExceptionCode();
        if (code != RPC_X_BAD_STUB_DATA && code != RPC_X_ENUM_VALUE_OUT_OF_RANGE &&
            code != RPC_S_OUT_OF_MEMORY)
            abort();
    } RpcEndExcept
    arpc_ndr_writer_free(&writer);
    for (size_t i = 0; i < nallocs; i++)
        free(allocs[i]);
    nallocs = 0;
    return 0;
}

/* NDR 2.0 marshalling: exact wire bytes (alignment padding, strings,
 * UTF-16 surrogate pairs, referent ids), round trips, big-endian input,
 * and every error path raising its documented code. */
#include <windows.h>
#include <rpc.h>
#include "arpc_ndr.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "expect_raise.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Runs the statement(s), expecting RpcRaiseException(code). */

#define EXPECT_BAD(...) EXPECT_RAISE(RPC_X_BAD_STUB_DATA, __VA_ARGS__)

#define ASSERT_WIRE(w, expected)                                  \
    do {                                                          \
        assert_int_equal((w)->len, sizeof(expected));             \
        assert_memory_equal((w)->data, expected, sizeof(expected)); \
    } while (0)

static void le_reader(arpc_ndr_reader *r, const void *data, size_t len)
{
    arpc_ndr_reader_init(r, data, len, ARPC_NDR_DREP_LE);
}

/* ---------------------------------------------------------------- writer */

static void test_writer_init_and_take_empty(void **state)
{
    (void)state;
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    assert_null(w.data);
    assert_int_equal(w.len, 0);
    assert_int_equal(w.next_ref_id, 0x00020000u);
    size_t len = 99;
    unsigned char *p = arpc_ndr_writer_take(&w, &len);
    assert_non_null(p);
    assert_int_equal(len, 0);
    free(p);
    arpc_ndr_writer_free(&w);
}

static void test_primitives_wire(void **state)
{
    (void)state;
    static const unsigned char expected[] = {
        0x11, 0x00, 0x33, 0x22,                         /* u8, pad, u16 */
        0x44, 0x00, 0x00, 0x00,                         /* u8, pad to 4 */
        0x88, 0x77, 0x66, 0x55,                         /* u32 */
        0x99, 0x00, 0x00, 0x00,                         /* u8, pad to 8 ... */
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* u64 */
        0xaa, 0x00, 0x00, 0x00,                         /* u8, pad */
        0x00, 0x00, 0x80, 0x3f,                         /* f32 1.0 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, /* f64 -2.0 */
        0xfe, 0xff, 0xff, 0xff,                         /* long -2 */
        0xef, 0xbe, 0xad, 0xde,                         /* unsigned long */
        0x34, 0x12,                                     /* enum16 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,             /* align 8 */
        'x', 'y', 'z', 0x00,                            /* bytes, align 4 */
        0x04, 0x03, 0x02, 0x01,                         /* u32 */
        0x7f,                                           /* u8 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,       /* u64: pad 7 */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    arpc_ndr_w_u8(&w, 0x11);
    arpc_ndr_w_u16(&w, 0x2233);
    arpc_ndr_w_u8(&w, 0x44);
    arpc_ndr_w_u32(&w, 0x55667788u);
    arpc_ndr_w_u8(&w, 0x99);
    arpc_ndr_w_u64(&w, 0x0102030405060708ull);
    arpc_ndr_w_u8(&w, 0xaa);
    arpc_ndr_w_f32(&w, 1.0f);
    arpc_ndr_w_f64(&w, -2.0);
    arpc_ndr_w_long(&w, -2);
    arpc_ndr_w_ulong(&w, 0xdeadbeefUL);
    arpc_ndr_w_enum16(&w, 0x1234);
    arpc_ndr_w_align(&w, 8);
    arpc_ndr_w_bytes(&w, "xyz", 3);
    arpc_ndr_w_align(&w, 4);
    arpc_ndr_w_align(&w, 1);
    arpc_ndr_w_align(&w, 4); /* already aligned: nothing */
    arpc_ndr_w_u32(&w, 0x01020304u);
    arpc_ndr_w_u8(&w, 0x7f);
    arpc_ndr_w_u64(&w, UINT64_MAX);
    ASSERT_WIRE(&w, expected);

    /* ... and back. */
    arpc_ndr_reader r;
    le_reader(&r, w.data, w.len);
    assert_int_equal(r.big_endian, 0);
    assert_int_equal(arpc_ndr_r_u8(&r), 0x11);
    assert_int_equal(arpc_ndr_r_u16(&r), 0x2233);
    assert_int_equal(arpc_ndr_r_u8(&r), 0x44);
    assert_int_equal(arpc_ndr_r_u32(&r), 0x55667788u);
    assert_int_equal(arpc_ndr_r_u8(&r), 0x99);
    assert_true(arpc_ndr_r_u64(&r) == 0x0102030405060708ull);
    assert_int_equal(arpc_ndr_r_u8(&r), 0xaa);
    assert_true(arpc_ndr_r_f32(&r) == 1.0f);
    assert_true(arpc_ndr_r_f64(&r) == -2.0);
    assert_int_equal(arpc_ndr_r_long(&r), -2);
    assert_int_equal(arpc_ndr_r_ulong(&r), 0xdeadbeefUL);
    assert_int_equal(arpc_ndr_r_enum16(&r), 0x1234);
    arpc_ndr_r_align(&r, 8);
    char xyz[3];
    arpc_ndr_r_bytes(&r, xyz, 3);
    assert_memory_equal(xyz, "xyz", 3);
    arpc_ndr_r_align(&r, 4);
    assert_int_equal(arpc_ndr_r_u32(&r), 0x01020304u);
    assert_int_equal(arpc_ndr_r_u8(&r), 0x7f);
    assert_true(arpc_ndr_r_u64(&r) == UINT64_MAX);
    assert_int_equal(r.pos, r.len);
    arpc_ndr_writer_free(&w);
    assert_null(w.data);
}

static void test_long_values(void **state)
{
    (void)state;
    static const unsigned char expected[] = {
        0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0x7f,
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
        0xff, 0x7f,
    };
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    arpc_ndr_w_long(&w, -2147483647L - 1);
    arpc_ndr_w_long(&w, 2147483647L);
    arpc_ndr_w_ulong(&w, 0xffffffffUL);
    arpc_ndr_w_ulong(&w, 0);
    arpc_ndr_w_enum16(&w, 0x7fff);
    ASSERT_WIRE(&w, expected);

    arpc_ndr_reader r;
    le_reader(&r, w.data, w.len);
    assert_true(arpc_ndr_r_long(&r) == -2147483647L - 1); /* sign-extends */
    assert_true(arpc_ndr_r_long(&r) == 2147483647L);
    assert_true(arpc_ndr_r_ulong(&r) == 0xffffffffUL);   /* does not */
    assert_true(arpc_ndr_r_ulong(&r) == 0);
    assert_int_equal(arpc_ndr_r_enum16(&r), 0x7fff);
    arpc_ndr_writer_free(&w);
}

static void test_write_range_errors(void **state)
{
    (void)state;
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    EXPECT_RAISE(RPC_X_ENUM_VALUE_OUT_OF_RANGE, arpc_ndr_w_enum16(&w, -1));
    EXPECT_RAISE(RPC_X_ENUM_VALUE_OUT_OF_RANGE, arpc_ndr_w_enum16(&w, 0x8000));
    EXPECT_RAISE(RPC_X_NULL_REF_POINTER, arpc_ndr_w_string(&w, NULL));
    EXPECT_RAISE(RPC_X_NULL_REF_POINTER, arpc_ndr_w_wstring(&w, NULL));
#if LONG_MAX > 0x7fffffffL
    assert_int_equal(sizeof(long), 8);
    EXPECT_RAISE(RPC_S_INVALID_BOUND, arpc_ndr_w_long(&w, 2147483648L));
    EXPECT_RAISE(RPC_S_INVALID_BOUND, arpc_ndr_w_long(&w, -2147483649L));
    EXPECT_RAISE(RPC_S_INVALID_BOUND, arpc_ndr_w_long(&w, LONG_MAX));
    EXPECT_RAISE(RPC_S_INVALID_BOUND, arpc_ndr_w_ulong(&w, 0x100000000UL));
    EXPECT_RAISE(RPC_S_INVALID_BOUND, arpc_ndr_w_ulong(&w, ULONG_MAX));
#endif
    assert_int_equal(w.len, 0); /* nothing written by a rejected value */
    arpc_ndr_writer_free(&w);
}

static void test_writer_take(void **state)
{
    (void)state;
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    arpc_ndr_w_ref_id(&w, &w);
    arpc_ndr_w_u16(&w, 0);
    arpc_ndr_w_u16(&w, 2);
    unsigned char *before = w.data;
    size_t len = 0;
    unsigned char *p = arpc_ndr_writer_take(&w, &len);
    assert_ptr_equal(p, before);
    assert_int_equal(len, 8);
    assert_memory_equal(p, "\x00\x00\x02\x00\x00\x00\x02\x00", 8);
    /* The writer is empty and starts over, referent ids included. */
    assert_null(w.data);
    assert_int_equal(w.len, 0);
    assert_int_equal(w.cap, 0);
    assert_int_equal(w.next_ref_id, 0x00020000u);
    arpc_ndr_w_u8(&w, 1);
    arpc_ndr_w_ref_id(&w, &w);
    assert_int_equal(w.len, 8);
    assert_memory_equal(w.data, "\x01\x00\x00\x00\x00\x00\x02\x00", 8);
    free(p); /* the caller's now, released with free() */
    arpc_ndr_writer_free(&w);
    /* take without a length */
    arpc_ndr_w_u32(&w, 5);
    p = arpc_ndr_writer_take(&w, NULL);
    assert_memory_equal(p, "\x05\x00\x00\x00", 4);
    free(p);
    arpc_ndr_writer_free(&w); /* free after take: nothing left to free */
}

static void test_writer_growth(void **state)
{
    (void)state;
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    for (uint32_t i = 0; i < 100000; i++) {
        arpc_ndr_w_u8(&w, (uint8_t)i);
        arpc_ndr_w_u32(&w, i);
    }
    assert_int_equal(w.len, 800000);
    assert_true(w.cap >= w.len);
    arpc_ndr_reader r;
    le_reader(&r, w.data, w.len);
    for (uint32_t i = 0; i < 100000; i++) {
        assert_int_equal(arpc_ndr_r_u8(&r), (uint8_t)i);
        assert_int_equal(arpc_ndr_r_u32(&r), i);
    }
    arpc_ndr_writer_free(&w);
}

/* ---------------------------------------------------------------- reader */

static void test_big_endian_input(void **state)
{
    (void)state;
    static const unsigned char be[] = {
        0x11, 0x00, 0x22, 0x33,                         /* u8, pad, u16 0x2233 */
        0x55, 0x66, 0x77, 0x88,                         /* u32 */
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* u64 */
        0x3f, 0x80, 0x00, 0x00,                         /* f32 1.0 */
        0x00, 0x00, 0x00, 0x00,                         /* pad */
        0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* f64 -2.0 */
        0xff, 0xff, 0xff, 0xfe,                         /* long -2 */
        0x12, 0x34,                                     /* enum16 */
        0x00, 0x00,                                     /* pad */
        0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
        0x00, 0x41, 0xd8, 0x3d, 0xde, 0x00, 0x00, 0x00, /* L"A\U0001F600" */
        0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
        'h', 'i', 0x00,                                 /* "hi" */
        0x00, 0x00, 0x42, 0xd8, 0x3d,                   /* pad, wchars */
        0x00, 0x00, 0x00, 0x02,                         /* count */
        0x00, 0x02, 0x00, 0x00,                         /* ref id */
    };
    arpc_ndr_reader r;
    arpc_ndr_reader_init(&r, be, sizeof be, 0x00);
    assert_int_equal(r.big_endian, 1);
    assert_int_equal(arpc_ndr_r_u8(&r), 0x11);
    assert_int_equal(arpc_ndr_r_u16(&r), 0x2233);
    assert_int_equal(arpc_ndr_r_u32(&r), 0x55667788u);
    assert_true(arpc_ndr_r_u64(&r) == 0x0102030405060708ull);
    assert_true(arpc_ndr_r_f32(&r) == 1.0f);
    assert_true(arpc_ndr_r_f64(&r) == -2.0);
    assert_int_equal(arpc_ndr_r_long(&r), -2);
    assert_int_equal(arpc_ndr_r_enum16(&r), 0x1234);
    wchar_t *ws = arpc_ndr_r_wstring(&r);
    assert_int_equal(wcscmp(ws, L"A\U0001F600"), 0);
    free(ws);
    char *s = arpc_ndr_r_string(&r);
    assert_string_equal(s, "hi");
    free(s);
    wchar_t wc[2];
    arpc_ndr_r_wchars(&r, wc, 2);
    assert_int_equal(wc[0], 0x42);
    assert_int_equal(wc[1], 0xd83d);
    assert_int_equal(arpc_ndr_r_count(&r, 2), 2);
    assert_int_equal(arpc_ndr_r_ref_id(&r), 1);
    assert_int_equal(r.pos, r.len);
}

static void test_drep(void **state)
{
    (void)state;
    arpc_ndr_reader r;
    arpc_ndr_reader_init(&r, "", 0, 0x10);
    assert_int_equal(r.big_endian, 0);
    assert_int_equal(r.depth, 0);
    assert_non_null(r.alloc);
    assert_non_null(r.free);
    arpc_ndr_reader_init(&r, "", 0, 0x00000010u | 0x0000ff00u); /* only byte 0 counts */
    assert_int_equal(r.big_endian, 0);
    arpc_ndr_reader_init(&r, "", 0, 0x01); /* big-endian, EBCDIC nibble ignored */
    assert_int_equal(r.big_endian, 1);
}

static void test_truncated(void **state)
{
    (void)state;
    static const unsigned char d[16] = { 0 };
    arpc_ndr_reader r;
    unsigned char out[16];
    le_reader(&r, d, 0);
    EXPECT_BAD(arpc_ndr_r_u8(&r));
    le_reader(&r, NULL, 0);
    EXPECT_BAD(arpc_ndr_r_u8(&r));
    le_reader(&r, d, 1);
    EXPECT_BAD(arpc_ndr_r_u16(&r));
    le_reader(&r, d, 3);
    EXPECT_BAD(arpc_ndr_r_u32(&r));
    le_reader(&r, d, 7);
    EXPECT_BAD(arpc_ndr_r_u64(&r));
    le_reader(&r, d, 3);
    EXPECT_BAD(arpc_ndr_r_f32(&r));
    le_reader(&r, d, 7);
    EXPECT_BAD(arpc_ndr_r_f64(&r));
    le_reader(&r, d, 3);
    EXPECT_BAD(arpc_ndr_r_long(&r));
    le_reader(&r, d, 3);
    EXPECT_BAD(arpc_ndr_r_ulong(&r));
    le_reader(&r, d, 1);
    EXPECT_BAD(arpc_ndr_r_enum16(&r));
    le_reader(&r, d, 3);
    EXPECT_BAD(arpc_ndr_r_ref_id(&r));
    /* The padding counts: a u32 after a u8 needs 8 bytes. */
    le_reader(&r, d, 7);
    arpc_ndr_r_u8(&r);
    EXPECT_BAD(arpc_ndr_r_u32(&r));
    le_reader(&r, d, 15);
    arpc_ndr_r_u8(&r);
    EXPECT_BAD(arpc_ndr_r_u64(&r));
    le_reader(&r, d, 3);
    arpc_ndr_r_u8(&r);
    EXPECT_BAD(arpc_ndr_r_align(&r, 4));
    le_reader(&r, d, 4);
    EXPECT_BAD(arpc_ndr_r_bytes(&r, out, 5));
    le_reader(&r, d, 4);
    EXPECT_BAD(arpc_ndr_r_view(&r, 5));
    le_reader(&r, d, 4);
    EXPECT_BAD(arpc_ndr_r_view(&r, SIZE_MAX));
    le_reader(&r, d, 11);
    EXPECT_BAD(arpc_ndr_r_string(&r)); /* header cut short */
    le_reader(&r, d, 4);
    wchar_t wc[3];
    EXPECT_BAD(arpc_ndr_r_wchars(&r, wc, 3));
    le_reader(&r, d, 4);
    EXPECT_BAD(arpc_ndr_r_wchars(&r, wc, SIZE_MAX));
    /* Exactly enough is fine, and a zero-length read at the end too. */
    le_reader(&r, d, 16);
    arpc_ndr_r_bytes(&r, out, 16);
    arpc_ndr_r_bytes(&r, out, 0);
    assert_non_null(arpc_ndr_r_view(&r, 0));
    arpc_ndr_r_align(&r, 8);
    assert_int_equal(r.pos, 16);
}

static void test_count(void **state)
{
    (void)state;
    static const unsigned char two[] = { 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
    static const unsigned char three[] = { 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
    static const unsigned char huge[] = { 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4 };
    arpc_ndr_reader r;
    le_reader(&r, two, sizeof two);
    assert_int_equal(arpc_ndr_r_count(&r, 4), 2);
    le_reader(&r, three, sizeof three);
    EXPECT_BAD(arpc_ndr_r_count(&r, 4));
    le_reader(&r, three, sizeof three);
    assert_int_equal(arpc_ndr_r_count(&r, 1), 3);
    le_reader(&r, huge, sizeof huge);
    EXPECT_BAD(arpc_ndr_r_count(&r, 1));
    le_reader(&r, huge, sizeof huge);
    EXPECT_BAD(arpc_ndr_r_count(&r, SIZE_MAX)); /* no overflow */
    le_reader(&r, huge, sizeof huge);
    EXPECT_BAD(arpc_ndr_r_count(&r, 0)); /* a zero size counts as 1 */
    le_reader(&r, huge, 3);
    EXPECT_BAD(arpc_ndr_r_count(&r, 1));
}

static void test_check(void **state)
{
    (void)state;
    arpc_ndr_check(1);
    EXPECT_BAD(arpc_ndr_check(0));
}

/* ---------------------------------------------------------------- strings */

static void test_string_wire(void **state)
{
    (void)state;
    static const unsigned char expected[] = {
        0x01, 0x00, 0x00, 0x00,                   /* u8, pad */
        0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
        'h', 'i', 0x00, 0x00,                     /* "hi", pad */
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x00,                                     /* "" */
    };
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    arpc_ndr_w_u8(&w, 1);
    arpc_ndr_w_string(&w, "hi");
    arpc_ndr_w_string(&w, "");
    ASSERT_WIRE(&w, expected);

    arpc_ndr_reader r;
    le_reader(&r, w.data, w.len);
    assert_int_equal(arpc_ndr_r_u8(&r), 1);
    char *s = arpc_ndr_r_string(&r);
    assert_string_equal(s, "hi");
    free(s);
    s = arpc_ndr_r_string(&r);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(r.pos, r.len);

    /* Into caller storage: exact fit, and too small. */
    char buf[3];
    le_reader(&r, w.data, w.len);
    arpc_ndr_r_u8(&r);
    arpc_ndr_r_string_into(&r, buf, sizeof buf);
    assert_string_equal(buf, "hi");
    le_reader(&r, w.data, w.len);
    arpc_ndr_r_u8(&r);
    EXPECT_BAD(arpc_ndr_r_string_into(&r, buf, 2));
    arpc_ndr_writer_free(&w);
}

static void test_wstring_wire(void **state)
{
    (void)state;
    static const wchar_t text[] = L"A\U0001F600\u00e9";
    static const unsigned char expected[] = {
        0x07, 0x00,                               /* u8, pad */
        0x00, 0x00,
        0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
        0x41, 0x00, 0x3d, 0xd8, 0x00, 0xde, 0xe9, 0x00, 0x00, 0x00,
        0x00, 0x00,                               /* pad */
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x00,                               /* L"" */
        0x00,                                     /* u8 */
        0x00,                                     /* pad */
        0x41, 0x00, 0x3d, 0xd8, 0x00, 0xde,       /* wchars */
    };
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    arpc_ndr_w_u8(&w, 7);
    arpc_ndr_w_wstring(&w, text);
    arpc_ndr_w_wstring(&w, L"");
    arpc_ndr_w_u8(&w, 0);
    static const wchar_t units[] = { 0x41, 0xd83d, 0xde00 };
    arpc_ndr_w_wchars(&w, units, 3);
    arpc_ndr_w_wchars(&w, NULL, 0);
    ASSERT_WIRE(&w, expected);

    arpc_ndr_reader r;
    le_reader(&r, w.data, w.len);
    assert_int_equal(arpc_ndr_r_u8(&r), 7);
    wchar_t *ws = arpc_ndr_r_wstring(&r);
    assert_int_equal(wcscmp(ws, text), 0);
    free(ws);
    ws = arpc_ndr_r_wstring(&r);
    assert_int_equal(wcscmp(ws, L""), 0);
    free(ws);
    assert_int_equal(arpc_ndr_r_u8(&r), 0);
    wchar_t back[3];
    arpc_ndr_r_wchars(&r, back, 3);
    assert_memory_equal(back, units, sizeof units);
    arpc_ndr_r_wchars(&r, NULL, 0);
    assert_int_equal(r.pos, r.len);

    /* Into caller storage: capacity in wchar_t, terminator included (4 on
     * Linux, 5 where wchar_t is UTF-16). */
    const size_t need = sizeof text / sizeof text[0];
    wchar_t buf[8];
    le_reader(&r, w.data, w.len);
    arpc_ndr_r_u8(&r);
    arpc_ndr_r_wstring_into(&r, buf, need);
    assert_int_equal(wcscmp(buf, text), 0);
    le_reader(&r, w.data, w.len);
    arpc_ndr_r_u8(&r);
    EXPECT_BAD(arpc_ndr_r_wstring_into(&r, buf, need - 1));
    arpc_ndr_writer_free(&w);
}

static void test_wstring_write_errors(void **state)
{
    (void)state;
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    static const wchar_t lone_high[] = { 0x41, 0xd800, 0 };
    static const wchar_t lone_low[] = { 0xdc00, 0x41, 0 };
    static const wchar_t swapped[] = { 0xdc00, 0xd800, 0 };
    EXPECT_BAD(arpc_ndr_w_wstring(&w, lone_high));
    EXPECT_BAD(arpc_ndr_w_wstring(&w, lone_low));
    EXPECT_BAD(arpc_ndr_w_wstring(&w, swapped));
#if WCHAR_MAX > 0xFFFF
    static const wchar_t too_big[] = { 0x41, 0x110000, 0 };
    static const wchar_t negative[] = { -1, 0 };
    static const wchar_t astral[] = { 0x10000 };
    EXPECT_BAD(arpc_ndr_w_wstring(&w, too_big));
    EXPECT_BAD(arpc_ndr_w_wstring(&w, negative));
    EXPECT_BAD(arpc_ndr_w_wchars(&w, astral, 1)); /* a counted array cannot grow */
    /* The largest code point is fine. */
    static const wchar_t max_cp[] = { 0x10FFFF, 0 };
    arpc_ndr_writer_free(&w);
    arpc_ndr_w_wstring(&w, max_cp);
    assert_int_equal(w.len, 12 + 6);
    assert_memory_equal(w.data + 12, "\xff\xdb\xff\xdf\x00\x00", 6);
#endif
    arpc_ndr_writer_free(&w);
}

/* A conformant varying string's header, then the raw elements. */
static size_t cv_string(unsigned char *out, uint32_t max, uint32_t offset, uint32_t actual,
                        const void *elems, size_t n)
{
    const uint32_t h[3] = { max, offset, actual };
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 4; b++)
            out[4 * i + b] = (unsigned char)(h[i] >> (8 * b));
    memcpy(out + 12, elems, n);
    return 12 + n;
}

static void test_bad_strings(void **state)
{
    (void)state;
    unsigned char buf[64];
    char into[16];
    arpc_ndr_reader r;
    size_t n;
#define BAD_STRING(max, off, act, bytes)                               \
    do {                                                               \
        n = cv_string(buf, max, off, act, bytes, sizeof(bytes) - 1);   \
        le_reader(&r, buf, n);                                         \
        EXPECT_BAD(arpc_ndr_r_string(&r));                             \
        le_reader(&r, buf, n);                                         \
        EXPECT_BAD(arpc_ndr_r_string_into(&r, into, sizeof into));     \
    } while (0)
    BAD_STRING(3, 1, 3, "hi\0");         /* nonzero offset */
    BAD_STRING(2, 0, 3, "hi\0");         /* actual > max */
    BAD_STRING(3, 0, 0, "");             /* no room for the terminator */
    BAD_STRING(3, 0, 3, "hij");          /* missing terminator */
    BAD_STRING(5, 0, 5, "hi\0");         /* actual larger than the data */
    BAD_STRING(0xffffffffu, 0, 0xffffffffu, "hi\0");
    /* A larger max_count is fine (conformant varying). */
    n = cv_string(buf, 100, 0, 3, "hi", 3);
    le_reader(&r, buf, n);
    char *s = arpc_ndr_r_string(&r);
    assert_string_equal(s, "hi");
    free(s);
#undef BAD_STRING

    wchar_t winto[16];
#define BAD_WSTRING(max, off, act, bytes)                              \
    do {                                                               \
        n = cv_string(buf, max, off, act, bytes, sizeof(bytes) - 1);   \
        le_reader(&r, buf, n);                                         \
        EXPECT_BAD(arpc_ndr_r_wstring(&r));                            \
        le_reader(&r, buf, n);                                         \
        EXPECT_BAD(arpc_ndr_r_wstring_into(&r, winto, 16));            \
    } while (0)
    BAD_WSTRING(2, 1, 2, "A\0\0\0");
    BAD_WSTRING(1, 0, 2, "A\0\0\0");
    BAD_WSTRING(2, 0, 0, "");
    BAD_WSTRING(2, 0, 2, "A\0B\0");             /* missing terminator */
    BAD_WSTRING(2, 0, 2, "A\0\0\x01");          /* half a terminator */
    BAD_WSTRING(3, 0, 3, "A\0\0\0");            /* actual larger than the data */
    BAD_WSTRING(0x80000001u, 0, 0x80000001u, "A\0\0\0"); /* 2 * actual wraps in 32 bits */
    BAD_WSTRING(3, 0, 3, "A\0\x3d\xd8\0\0");    /* high surrogate before the terminator */
    BAD_WSTRING(3, 0, 3, "\x00\xde" "A\0\0\0"); /* lone low surrogate */
    BAD_WSTRING(4, 0, 4, "\x3d\xd8" "A\0\x00\xde\0\0"); /* high, then not a low */
    BAD_WSTRING(4, 0, 4, "\x00\xde\x3d\xd8\0\0\0\0");   /* low, high */
#undef BAD_WSTRING
}

/* ---------------------------------------------------------------- pointers */

static void test_ref_ids(void **state)
{
    (void)state;
    static const unsigned char expected[] = {
        0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x04, 0x00, 0x02, 0x00, 0x08, 0x00, 0x02, 0x00,
    };
    int x = 0;
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    assert_int_equal(arpc_ndr_w_ref_id(&w, &x), 1);
    assert_int_equal(arpc_ndr_w_ref_id(&w, NULL), 0);
    assert_int_equal(arpc_ndr_w_ref_id(&w, &x), 1);
    assert_int_equal(arpc_ndr_w_ref_id(&w, &w), 1);
    ASSERT_WIRE(&w, expected);
    assert_int_equal(w.next_ref_id, 0x0002000cu);

    arpc_ndr_reader r;
    le_reader(&r, w.data, w.len);
    assert_int_equal(arpc_ndr_r_ref_id(&r), 1);
    assert_int_equal(r.depth, 1);
    assert_int_equal(arpc_ndr_r_ref_id(&r), 0);
    assert_int_equal(r.depth, 1);
    assert_int_equal(arpc_ndr_r_ref_id(&r), 1);
    assert_int_equal(arpc_ndr_r_ref_id(&r), 1);
    assert_int_equal(r.depth, 3);
    arpc_ndr_r_leave(&r);
    arpc_ndr_r_leave(&r);
    arpc_ndr_r_leave(&r);
    assert_int_equal(r.depth, 0);
    arpc_ndr_r_leave(&r); /* never below zero */
    assert_int_equal(r.depth, 0);
    arpc_ndr_writer_free(&w);
}

static void test_depth_limit(void **state)
{
    (void)state;
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    for (int i = 0; i <= ARPC_NDR_MAX_DEPTH; i++)
        arpc_ndr_w_ref_id(&w, &w);
    arpc_ndr_reader r;
    le_reader(&r, w.data, w.len);
    for (int i = 0; i < ARPC_NDR_MAX_DEPTH; i++)
        assert_int_equal(arpc_ndr_r_ref_id(&r), 1);
    assert_int_equal(r.depth, ARPC_NDR_MAX_DEPTH);
    EXPECT_BAD(arpc_ndr_r_ref_id(&r));

    /* Siblings do not nest: enter/leave pairs go on as long as the data. */
    le_reader(&r, w.data, w.len);
    for (int i = 0; i <= ARPC_NDR_MAX_DEPTH; i++) {
        assert_int_equal(arpc_ndr_r_ref_id(&r), 1);
        arpc_ndr_r_leave(&r);
    }
    assert_int_equal(r.depth, 0);
    arpc_ndr_writer_free(&w);
}

/* ---------------------------------------------------------------- memory */

static int alloc_calls;
static void *__RPC_USER counting_alloc(size_t n)
{
    alloc_calls++;
    return malloc(n);
}
static void *__RPC_USER failing_alloc(size_t n)
{
    (void)n;
    alloc_calls++;
    return NULL;
}

static void test_allocator(void **state)
{
    (void)state;
    arpc_ndr_writer w;
    arpc_ndr_writer_init(&w);
    arpc_ndr_w_string(&w, "abc");
    arpc_ndr_w_wstring(&w, L"abc");

    arpc_ndr_reader r;
    le_reader(&r, w.data, w.len);
    r.alloc = counting_alloc;
    alloc_calls = 0;
    char *s = arpc_ndr_r_string(&r);
    wchar_t *ws = arpc_ndr_r_wstring(&r);
    assert_int_equal(alloc_calls, 2);
    assert_string_equal(s, "abc");
    assert_int_equal(wcscmp(ws, L"abc"), 0);
    free(s);
    free(ws);
    void *p = arpc_ndr_alloc(&r, 0); /* never NULL */
    assert_non_null(p);
    assert_int_equal(alloc_calls, 3);
    free(p);

    le_reader(&r, w.data, w.len);
    p = arpc_ndr_alloc(&r, 16); /* the default allocator is malloc */
    assert_non_null(p);
    free(p);
    r.alloc = failing_alloc;
    EXPECT_RAISE(RPC_S_OUT_OF_MEMORY, arpc_ndr_alloc(&r, 8));
    EXPECT_RAISE(RPC_S_OUT_OF_MEMORY, arpc_ndr_r_string(&r));
    arpc_ndr_writer_free(&w);
}

static void test_enum16_read_range(void **state)
{
    (void)state;
    static const unsigned char d[] = { 0x00, 0x80, 0xff, 0xff };
    arpc_ndr_reader r;
    le_reader(&r, d, sizeof d);
    EXPECT_RAISE(RPC_X_ENUM_VALUE_OUT_OF_RANGE, arpc_ndr_r_enum16(&r));
    le_reader(&r, d + 2, 2);
    EXPECT_RAISE(RPC_X_ENUM_VALUE_OUT_OF_RANGE, arpc_ndr_r_enum16(&r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_init_and_take_empty),
        cmocka_unit_test(test_primitives_wire),
        cmocka_unit_test(test_long_values),
        cmocka_unit_test(test_write_range_errors),
        cmocka_unit_test(test_writer_take),
        cmocka_unit_test(test_writer_growth),
        cmocka_unit_test(test_big_endian_input),
        cmocka_unit_test(test_drep),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_string_wire),
        cmocka_unit_test(test_wstring_wire),
        cmocka_unit_test(test_wstring_write_errors),
        cmocka_unit_test(test_bad_strings),
        cmocka_unit_test(test_ref_ids),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_allocator),
        cmocka_unit_test(test_enum16_read_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

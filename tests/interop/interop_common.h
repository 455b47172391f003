/* interop_common.h - what the interop servers compute and the clients
 * expect, shared by the Wine-side (widl + Wine's rpcrt4) and the asyncrpc
 * programs so both directions check exactly the same values.
 *
 * Type-agnostic on purpose: the Wine side sees the IDL's long as LONG
 * (32-bit), the native side as C long (64-bit on LP64, 32-bit on the wire). */
#ifndef INTEROP_COMMON_H
#define INTEROP_COMMON_H

#include <stdio.h>
#include <string.h>

/* BaseTypes: inputs the clients send ... */
#define IN_SMALL   (-5)
#define IN_SHORT   (-1234)
#define IN_LONG    (-100000)
#define IN_HYPER   (-81985529216486895LL)          /* -0x0123456789abcdef */
#define IN_FLOAT   (1.5f)
#define IN_DOUBLE  (3.141592653589793)
#define IN_BYTE    (0xa5)
#define IN_BOOLEAN (1)

/* ... and what the servers' managers make of them. */
#define XF_SMALL(v)   ((v) * 2)
#define XF_SHORT(v)   ((v) + 1)
#define XF_LONG(v)    ((v) * 3)
#define XF_HYPER(v)   ((v) ^ 0x7fff0000ffff0000LL)
#define XF_FLOAT(v)   ((v) * 2.0f)
#define XF_DOUBLE(v)  ((v) * -0.5)
#define XF_BYTE(v)    ((~(v)) & 0xff)
#define XF_BOOLEAN(v) (!(v))
#define XF_RET(s, sh, l) ((l) + (sh) + (s))

/* StrLen / StrReverse */
#define STR_IN      "hello, interop: \"quotes\" & UTF-8 bytes \xc3\xa9"
#define STR_REV_IN  "abcdef0123456789"
#define STR_REV_OUT "rev:9876543210fedcba"
#define STR_REV_PREFIX "rev:"

/* SumArray: element i of the array; ARRAY_N longs make a request of several
 * fragments (80 kB). */
#define ARRAY_N     20000
#define ARRAY_ELT(i) ((long long)(i) * 7 - 3000)

/* TransformRec: out = f(in), io = g(io) */
#define REC_IN_ID     123456
#define REC_IN_KIND   (-42)
#define REC_IN_BIG    (0x1122334455667788LL)
#define REC_IN_WEIGHT (2.5)
#define REC_IN_TAG    (7)
#define REC_IO_ID     (-9)
#define REC_IO_KIND   (300)
#define REC_IO_BIG    (-5LL)
#define REC_IO_WEIGHT (-0.25)
#define REC_IO_TAG    (-100)

#define XF_REC_OUT(o, i) do { (o)->id = (i)->id + 1; (o)->kind = (short)((i)->kind * 2); \
    (o)->big = (i)->big - 1; (o)->weight = (i)->weight * 2; (o)->tag = (char)((i)->tag - 1); } while (0)
#define XF_REC_IO(x) do { (x)->id = (x)->id * 10; (x)->kind = (short)((x)->kind + 5); \
    (x)->big = (x)->big * 2; (x)->weight = (x)->weight + 0.5; (x)->tag = (char)((x)->tag + 1); } while (0)

/* RaiseFault: the code the clients ask the server to raise. */
#define FAULT_CODE 0x1234

/* Check helpers: every client counts passes and failures. */
static int interop_passed __attribute__((unused)), interop_failed __attribute__((unused));
#define CHECK(cond, ...) do { \
    if (cond) interop_passed++; \
    else { interop_failed++; printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
           printf(__VA_ARGS__); printf("\n"); fflush(stdout); } } while (0)
#define CHECK_EQ_LL(a, b) CHECK((long long)(a) == (long long)(b), "%lld != %lld", \
                                (long long)(a), (long long)(b))
#define CHECK_EQ_DBL(a, b) CHECK((double)(a) == (double)(b), "%.17g != %.17g", \
                                 (double)(a), (double)(b))
#define CHECK_EQ_STR(a, b) do { const char *s_ = (a); \
    CHECK(s_ != NULL && strcmp(s_, (b)) == 0, "\"%s\" != \"%s\"", s_ ? s_ : "(null)", (b)); } while (0)

#endif /* INTEROP_COMMON_H */

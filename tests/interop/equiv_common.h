/* equiv_common.h - the values of the wire-equivalence tests (equiv.idl),
 * shared by the four programs: the asyncrpc client and server
 * (asyncrpc-idl stubs, libasyncrpc, POSIX) and the Wine ones (widl -Oif
 * stubs, Wine's rpcrt4).  Every value a client sends is built here and
 * checked here by the server that receives it, and every value a server
 * sends back is built here and checked here by the client.
 *
 * Included after the generated header by a file that defines
 *   EQ_LONG, EQ_ULONG  the C types its header gives the IDL's long and
 *                      unsigned long (long/unsigned long natively, 64-bit
 *                      on LP64; LONG/ULONG on Windows);
 * wchar_t is the platform's (32-bit natively, 16-bit on Windows): the
 * L"" literals below hold the same text in both, UTF-16 on the wire.
 *
 * Checks: EQ_CHECK(cond, fmt, ...) counts a pass or prints the failure and
 * counts it (eq_passed / eq_failed); a server turns the failures of one
 * call into a fault (equiv_managers.h), a client into its exit status. */
#ifndef EQUIV_COMMON_H
#define EQUIV_COMMON_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static int eq_passed __attribute__((unused)), eq_failed __attribute__((unused));
static const char *eq_where __attribute__((unused)) = "";

static void eq_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), unused));
static void eq_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    eq_failed++;
    printf("FAIL %s:%d: %s: %s: ", file, line, eq_where, cond);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

#define EQ_CHECK(cond, ...) do { \
    if (cond) eq_passed++; \
    else eq_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); } while (0)
#define EQ_LL(a, b) EQ_CHECK((long long)(a) == (long long)(b), "%lld (0x%llx) != %lld (0x%llx)", \
                             (long long)(a), (unsigned long long)(a), (long long)(b), (unsigned long long)(b))
#define EQ_ULL(a, b) EQ_CHECK((unsigned long long)(a) == (unsigned long long)(b), "0x%llx != 0x%llx", \
                              (unsigned long long)(a), (unsigned long long)(b))
#define EQ_DBL(a, b) EQ_CHECK((double)(a) == (double)(b), "%.17g != %.17g", (double)(a), (double)(b))
#define EQ_PTR_NULL(p) EQ_CHECK((p) == NULL, "%s is not NULL", #p)
#define EQ_PTR_SET(p) EQ_CHECK((p) != NULL, "%s is NULL", #p)
#define EQ_STR(a, b) do { const char *a_ = (const char *)(a), *b_ = (b); \
    EQ_CHECK(a_ && strcmp(a_, b_) == 0, "\"%s\" != \"%s\"", a_ ? a_ : "(null)", b_); } while (0)
#define EQ_WSTR(a, b) do { const wchar_t *a_ = (a), *b_ = (b); \
    if (a_ && wcscmp(a_, b_) == 0) eq_passed++; \
    else { eq_fail(__FILE__, __LINE__, #a " == " #b, "wide strings differ:"); \
           eq_dump_wstr("  got ", a_); eq_dump_wstr("  want", b_); } } while (0)

/* a wide string as its code units (wchar_t is 16 or 32 bits) */
static void eq_dump_wstr(const char *what, const wchar_t *s) __attribute__((unused));
static void eq_dump_wstr(const char *what, const wchar_t *s)
{
    printf("%s:", what);
    if (!s)
        printf(" (null)");
    for (; s && *s; s++)
        printf(" %04lx", (unsigned long)*s);
    printf("\n");
}

/* ---------------------------------------------------------- base types */
#define IN_BYTE    0xa5
#define IN_CHAR    'Q'
#define IN_UCHAR   0xfe
#define IN_SMALL   (-5)
#define IN_USMALL  200
#define IN_SHORT   (-1234)
#define IN_USHORT  65000
#define IN_LONG    (-100000)
#define IN_ULONG   0xfedcba98u
#define IN_INT     (-7)
#define IN_UINT    0x80000001u
#define IN_HYPER   (-81985529216486895LL)            /* -0x0123456789abcdef */
#define IN_UHYPER  0xfedcba9876543210ULL
#define IN_FLOAT   1.5f
#define IN_DOUBLE  3.141592653589793
#define IN_BOOLEAN 1
#define IN_WCHAR   0x4e2d                            /* CJK: both bytes set */
#define IN_COLOR   EQ_BLUE
#define IN_WIDE    EQ_W_NEG
#define IN_STATUS  0x1c010003u

#define OUT_BYTE    0x5a
#define OUT_CHAR    'z'
#define OUT_UCHAR   0x81
#define OUT_SMALL   (-128)
#define OUT_USMALL  255
#define OUT_SHORT   (-32768)
#define OUT_USHORT  0x8001
#define OUT_LONG    (-2147483647L - 1)
#define OUT_ULONG   0xffffffffu
#define OUT_INT     2147483647
#define OUT_UINT    0x7ffffffeu
#define OUT_HYPER   (-9223372036854775807LL - 1)
#define OUT_UHYPER  0x8000000000000001ULL
#define OUT_FLOAT   (-0.15625f)
#define OUT_DOUBLE  (-1.0e-300)
#define OUT_BOOLEAN 0
#define OUT_WCHAR   0x00e9                           /* e acute */
#define OUT_COLOR   EQ_TOP
#define OUT_WIDE    EQ_W_BIG
#define OUT_STATUS  0x00000005u

/* [in, out]: the server sends f(in) back */
#define XF_BYTE(v)    ((unsigned char)~(v))
#define XF_CHAR(v)    ((char)((v) + 1))
#define XF_UCHAR(v)   ((unsigned char)((v) - 1))
#define XF_SMALL(v)   ((char)((v) * 3))
#define XF_USMALL(v)  ((unsigned char)((v) / 2))
#define XF_SHORT(v)   ((short)((v) * 2))
#define XF_USHORT(v)  ((unsigned short)((v) + 500))
#define XF_LONG(v)    ((v) * 7)
#define XF_ULONG(v)   ((v) ^ 0xffff0000u)
#define XF_INT(v)     ((v) - 1000)
#define XF_UINT(v)    ((v) + 2u)
#define XF_HYPER(v)   ((v) ^ 0x7fff0000ffff0000LL)
#define XF_UHYPER(v)  ((v) >> 4)
#define XF_FLOAT(v)   ((v) * -4.0f)
#define XF_DOUBLE(v)  ((v) / 8.0)
#define XF_BOOLEAN(v) (!(v))
#define XF_WCHAR(v)   ((v) + 1)
#define XF_COLOR(v)   ((v) == EQ_BLUE ? EQ_GREEN : EQ_RED)
#define XF_WIDE(v)    ((v) == EQ_W_NEG ? EQ_W_BIG : EQ_W_ZERO)
#define XF_STATUS(v)  ((v) + 0x10u)

/* ---------------------------------------------------------- strings */
#define S_ASCII   "plain ASCII, with \"quotes\" & <brackets>"
#define S_UTF8    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"   /* UTF-8 bytes: U+00E9, U+20AC, U+1F600 */
#define S_HIGH    "\x01\x7f\x80\xfe\xff"                     /* unsigned char, every range */
#define W_ASCII   L"wide ASCII"
#define W_INTL    L"\u00e9\u20ac\u4e2d \U0001F600!"           /* BMP, and U+1F600 as a surrogate pair on the wire */
#define STR_CAP   48
#define S_OUT     "out: narrow"
#define W_OUT     L"out: \u00e9 \U0001F600"
#define S_IO_IN   "in-out string"
#define S_IO_OUT  "tuo-ni gnirts!"                         /* longer than S_IO_IN */
#define W_IO_IN   L"in-out \u4e2d"
#define W_IO_OUT  L"\U0001F600 in-out back"

/* ---------------------------------------------------------- arrays */
static const long eq_fix_a[4] __attribute__((unused)) = {1, -2, 300000, -4};
static const short eq_fix_m[2][3] __attribute__((unused)) = {{1, 2, 3}, {-4, -5, -32768}};
static const long eq_fix_pts[2][2] __attribute__((unused)) = {{10, 20}, {-30, -40}};
static const long long eq_fix_h[2] __attribute__((unused)) = {-9223372036854775807LL, 0x0102030405060708LL};
static const unsigned eq_fix_wc[3] __attribute__((unused)) = {'a', 0xe9, 0x4e2d};
static const unsigned char eq_fix_bytes[5] __attribute__((unused)) = {0, 1, 0x7f, 0x80, 0xff};
static const double eq_fix_io[3] __attribute__((unused)) = {0.5, -1.25, 1e300};
#define XF_FIX_A(v)   ((v) * 10)
#define XF_FIX_M(v)   ((short)((v) + 100))
#define XF_FIX_IO(v)  ((v) / 2)

#define CONF_N        5
#define CONF_A(i)     ((long)(i) * 3 - 7)
#define CONF_B(i)     ((short)((i) * -11))
#define CONF_PX(i)    ((long)(i))
#define CONF_PY(i)    ((long)(i) * -2 - 1)
#define CONF_O(i)     ((long long)CONF_A(i) << 33)
#define CONF_IO(i)    ((i) + 0.25)
#define XF_CONF_IO(v) ((v) * -3)

#define MAXIS_MX      4
#define MAXIS_A(i)    (100 + (long)(i) * (long)(i))

#define VAR_LEN       5
#define VAR_A(i)      ((long)(i) * (long)(i) - 3)
#define VAR_OLEN      3
#define VAR_B(i)      ((short)(-(i) - 1))

#define CV_SIZE       10
#define CV_LEN        4
#define CV_A(i)       (1000 + (long)(i))
#define CV_OLEN       6
#define CV_B(i)       ((short)((i) * 7))
#define CV_IOLEN_IN   3
#define CV_C_IN(i)    ((long long)(i) << 40)
#define CV_IOLEN_OUT  5
#define CV_C_OUT(i)   (-((long long)(i) + 1) * 1000000000000LL)

/* ---------------------------------------------------------- pointers */
#define P_R       11
#define P_U       22
#define P_P       33
#define P_PP      44
#define P_PTX     55
#define P_PTY     66
#define P_PPP     77
#define P_IO_U    5
#define P_IO_P    6
#define P_IO_PP   7
#define XF_P(v)   ((v) * 10)
#define P_OUT_PP  101
#define P_OUT_PTX 102
#define P_OUT_PTY 103
#define P_OUT_PPP 104

/* ---------------------------------------------------------- the list */
#define LIST_N 3
static const wchar_t *const eq_list_names[LIST_N] __attribute__((unused)) = {
    L"one", L"two \u00e9", L"\U0001F600 three"};
#define LIST_VALUE(i)  ((long)(i) + 1)
#define XF_LIST(v)     ((v) * 10)

/* ---------------------------------------------------------- structures */
static void eq_fill_flat(eq_flat *f, int seed) __attribute__((unused));
static void eq_fill_flat(eq_flat *f, int seed)
{
    memset(f, 0, sizeof *f);
    f->id = 0x0102030405060708LL * seed - 1;
    for (int i = 0; i < 2; i++) {
        f->pts[i].x = seed * 10 + i;
        f->pts[i].y = -seed * 10 - i;
    }
    for (int i = 0; i < 3; i++)
        f->flags[i] = (EQ_LONG)(0x10000000L * (i + 1) + seed);
    f->s = (short)(-300 * seed);
    f->c = (char)(seed - 64);
    f->b = (unsigned char)(0xf0 + seed);
    f->d = seed * 1.0625;
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
            f->grid[r][c] = (short)(seed * 100 + r * 10 + c);
    f->us = (unsigned short)(0xff00 + seed);
    memcpy(f->name, seed & 1 ? "odd:)" : "even!", 6);
    f->ul = 0xc0000000u + (unsigned)seed;
}

static void eq_check_flat(const eq_flat *f, int seed) __attribute__((unused));
static void eq_check_flat(const eq_flat *f, int seed)
{
    eq_flat w;
    eq_fill_flat(&w, seed);
    EQ_LL(f->id, w.id);
    for (int i = 0; i < 2; i++) {
        EQ_LL(f->pts[i].x, w.pts[i].x);
        EQ_LL(f->pts[i].y, w.pts[i].y);
    }
    for (int i = 0; i < 3; i++)
        EQ_LL(f->flags[i], w.flags[i]);
    EQ_LL(f->s, w.s);
    EQ_LL(f->c, w.c);
    EQ_LL(f->b, w.b);
    EQ_DBL(f->d, w.d);
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
            EQ_LL(f->grid[r][c], w.grid[r][c]);
    EQ_LL(f->us, w.us);
    EQ_CHECK(memcmp(f->name, w.name, 6) == 0, "name \"%.6s\" != \"%.6s\"", f->name, w.name);
    EQ_ULL(f->ul, w.ul);
}

/* eq_mixed by seed.  Strings of one length for every seed, so an
 * [in, out] structure can be sent back into the caller's memory (a Wine
 * client reuses a non-NULL pointee); extra is NULL for odd seeds. */
static const char *const eq_labels[] __attribute__((unused)) = {
    "label #0", "label #1", "label #2", "label #3", "label #4", "label #5", "label #6", "label #7"};
static const wchar_t *const eq_wlabels[] __attribute__((unused)) = {
    L"\u00e9 \U0001F600 #0", L"\u00e9 \U0001F600 #1", L"\u00e9 \U0001F600 #2", L"\u00e9 \U0001F600 #3",
    L"\u00e9 \U0001F600 #4", L"\u00e9 \U0001F600 #5", L"\u00e9 \U0001F600 #6", L"\u00e9 \U0001F600 #7"};
#define MIXED_N 4

static void *eq_alloc(size_t n) __attribute__((unused));
static void *eq_alloc(size_t n)
{
    void *p = MIDL_user_allocate(n);
    if (!p) {
        printf("out of memory\n");
        exit(3);
    }
    return p;
}

/* Fills m with new memory (MIDL_user_allocate) for every pointee, or into
 * the pointees m already has when reuse is set (same seeds' parity). */
static void eq_fill_mixed(eq_mixed *m, int seed, int reuse) __attribute__((unused));
static void eq_fill_mixed(eq_mixed *m, int seed, int reuse)
{
    if (!reuse) {
        memset(m, 0, sizeof *m);
        m->extra = seed & 1 ? NULL : eq_alloc(sizeof *m->extra);
        m->label = eq_alloc(strlen(eq_labels[seed]) + 1);
        m->wlabel = eq_alloc((wcslen(eq_wlabels[seed]) + 1) * sizeof(wchar_t));
        m->values = eq_alloc(MIXED_N * sizeof *m->values);
    }
    m->h = -0x0102030405060708LL * (seed + 1);
    if (m->extra) {
        m->extra->x = 1000 + seed;
        m->extra->y = -1000 - seed;
    }
    strcpy((char *)m->label, eq_labels[seed]);
    wcscpy(m->wlabel, eq_wlabels[seed]);
    m->n = MIXED_N;
    for (int i = 0; i < MIXED_N; i++)
        m->values[i] = (short)(seed * 1000 - i);
    m->wide = seed & 1 ? EQ_W_BIG : EQ_W_NEG;
    m->color = seed & 1 ? EQ_TOP : EQ_BLUE;
    m->tag[0] = (wchar_t)('A' + seed);
    m->tag[1] = 0xe9;
    m->tag[2] = (wchar_t)(0x4e00 + seed);
    m->flag = (boolean)(seed & 1);
    m->sm = (char)(-seed);
    m->us = (unsigned short)(60000 + seed);
    m->f = seed * 0.5f + 0.125f;
    m->d = seed * -2.5e100;
    m->pt.x = seed;
    m->pt.y = -seed;
}

static void eq_check_mixed(const eq_mixed *m, int seed) __attribute__((unused));
static void eq_check_mixed(const eq_mixed *m, int seed)
{
    EQ_LL(m->h, -0x0102030405060708LL * (seed + 1));
    if (seed & 1) {
        EQ_PTR_NULL(m->extra);
    } else {
        EQ_PTR_SET(m->extra);
        if (m->extra) {
            EQ_LL(m->extra->x, 1000 + seed);
            EQ_LL(m->extra->y, -1000 - seed);
        }
    }
    EQ_STR(m->label, eq_labels[seed]);
    EQ_WSTR(m->wlabel, eq_wlabels[seed]);
    EQ_LL(m->n, MIXED_N);
    EQ_PTR_SET(m->values);
    if (m->values && m->n == MIXED_N)
        for (int i = 0; i < MIXED_N; i++)
            EQ_LL(m->values[i], (short)(seed * 1000 - i));
    EQ_LL(m->wide, seed & 1 ? EQ_W_BIG : EQ_W_NEG);
    EQ_LL(m->color, seed & 1 ? EQ_TOP : EQ_BLUE);
    EQ_LL(m->tag[0], 'A' + seed);
    EQ_LL(m->tag[1], 0xe9);
    EQ_LL(m->tag[2], 0x4e00 + seed);
    EQ_LL(m->flag, seed & 1);
    EQ_LL(m->sm, -seed);
    EQ_LL(m->us, 60000 + seed);
    EQ_DBL(m->f, seed * 0.5f + 0.125f);
    EQ_DBL(m->d, seed * -2.5e100);
    EQ_LL(m->pt.x, seed);
    EQ_LL(m->pt.y, -seed);
}

/* Structs: f seed 1, m seed 2, pv; of seed 3, om seed 5 (extra NULL); io
 * seed 4 in, seed 6 out (the same pointees, rewritten in place). */
#define PV_X 7
#define PV_Y (-7)
#define EMPTY_TAIL 0x0badcafe
/* Outer: in {count 2, flat 7, mixed 0, pflat -> flat 8};
 * out {count 3, flat 9, mixed 1, pflat NULL} */

/* ---------------------------------------------------------- unions */
/* UnionIn, four rounds: every arm of each union, the default ones too. */
#define UNION_ROUNDS 4
static const short eq_u_k[UNION_ROUNDS] __attribute__((unused)) = {1, 2, 4, 7};
static const int eq_u_c[UNION_ROUNDS] __attribute__((unused)) = {EQ_RED, EQ_GREEN, EQ_BLUE, EQ_GREEN};
static const int eq_u_e[UNION_ROUNDS] __attribute__((unused)) = {1, 2, 5, 9};

static void eq_fill_unions(int r, short *k, eq_nu *n, eq_color *c, eq_cu *u, eq_eu *e, eq_uholder *h)
    __attribute__((unused));
static void eq_fill_unions(int r, short *k, eq_nu *n, eq_color *c, eq_cu *u, eq_eu *e, eq_uholder *h)
{
    memset(n, 0, sizeof *n);
    memset(u, 0, sizeof *u);
    memset(e, 0, sizeof *e);
    memset(h, 0, sizeof *h);
    *k = eq_u_k[r];
    switch (*k) {
    case 1: n->l = -123456 - r; break;
    case 2: n->h = 0x1122334455667788LL + r; break;
    case 4: n->pt.x = 9 + r; n->pt.y = -9 - r; break;
    }
    *c = (eq_color)eq_u_c[r];
    switch (*c) {
    case EQ_RED: u->c = (char)(-3 - r); break;
    case EQ_GREEN: u->d = 2.75 + r; break;
    case EQ_BLUE: u->s = (short)(-77 - r); break;
    default: break;
    }
    e->kind = eq_u_e[r];
    switch (e->kind) {
    case 1: e->u.s = (short)(-300 - r); break;
    case 2: e->u.d = -0.125 - r; break;
    case 5: e->u.pt.x = 31 + r; e->u.pt.y = -31 - r; break;
    }
    h->tag = 0x5a5a + r;
    h->k = eq_u_k[r];
    switch (h->k) {
    case 1: h->lu.l = 0x0badf00d + r; break;
    case 2: h->lu.h = -2LL - r; break;
    case 4: h->lu.pt.x = 71 + r; h->lu.pt.y = -71 - r; break;
    }
    h->tail = 0x7e7e7e7e - r;
}

static void eq_check_unions(int r, short k, const eq_nu *n, eq_color c, const eq_cu *u, const eq_eu *e,
                            const eq_uholder *h) __attribute__((unused));
static void eq_check_unions(int r, short k, const eq_nu *n, eq_color c, const eq_cu *u, const eq_eu *e,
                            const eq_uholder *h)
{
    short wk;
    eq_nu wn;
    eq_color wc;
    eq_cu wu;
    eq_eu we;
    eq_uholder wh;
    eq_fill_unions(r, &wk, &wn, &wc, &wu, &we, &wh);
    EQ_LL(k, wk);
    if (k == wk)
        switch (k) {
        case 1: EQ_LL(n->l, wn.l); break;
        case 2: EQ_LL(n->h, wn.h); break;
        case 4: EQ_LL(n->pt.x, wn.pt.x); EQ_LL(n->pt.y, wn.pt.y); break;
        }
    EQ_LL(c, wc);
    if (c == wc)
        switch (c) {
        case EQ_RED: EQ_LL(u->c, wu.c); break;
        case EQ_GREEN: EQ_DBL(u->d, wu.d); break;
        case EQ_BLUE: EQ_LL(u->s, wu.s); break;
        default: break;
        }
    EQ_LL(e->kind, we.kind);
    if (e->kind == we.kind)
        switch (e->kind) {
        case 1: EQ_LL(e->u.s, we.u.s); break;
        case 2: EQ_DBL(e->u.d, we.u.d); break;
        case 5: EQ_LL(e->u.pt.x, we.u.pt.x); EQ_LL(e->u.pt.y, we.u.pt.y); break;
        }
    EQ_LL(h->tag, wh.tag);
    EQ_LL(h->k, wh.k);
    if (h->k == wh.k)
        switch (h->k) {
        case 1: EQ_LL(h->lu.l, wh.lu.l); break;
        case 2: EQ_LL(h->lu.h, wh.lu.h); break;
        case 4: EQ_LL(h->lu.pt.x, wh.lu.pt.x); EQ_LL(h->lu.pt.y, wh.lu.pt.y); break;
        }
    EQ_LL(h->tail, wh.tail);
}

#define EQ_GUARD 0x6a6b6c6d6e6f7071LL
/* UnionOut: two calls, (k, c) = (4, EQ_GREEN) and (2, EQ_RED) */
#define UO_PTX   41
#define UO_PTY   (-41)
#define UO_D     (-6.25)
#define UO_C     (-9)
#define UO_H     (-0x0102030405060708LL)
#define UO_EPX   51
#define UO_EPY   (-51)
#define UO_HH    (-1234567890123LL)
#define UO_IO_S  5
#define UO_IO_D  6.5
/* KnownUnionPtr, KnownUnionParams */
#define UP_S     "pointer arm"
#define UP_W     L"wide arm \u00e9"
#define UP_PX    3
#define UP_PY    4
#define UM_L     0x01020304
#define UM_H     0x0506070809101112LL
#define U_HH     (-2LL)
#define UO_HL    77

/* ---------------------------------------------------------- context handles */
#define CTX_MAGIC 0x0c0ffee0
#define CTX_SEED_A 10
#define CTX_SEED_B 20
#define CTX_ADD_A 5
#define CTX_ADD_B 1

/* ---------------------------------------------------------- range */
#define RANGE_R 50
#define RANGE_S (-5)
#define RANGE_N 3
#define RANGE_WANT 7
/* RPC_S_INVALID_BOUND: what a receiver of an out-of-range value raises */
#define EQ_INVALID_BOUND 1734u

/* ---------------------------------------------------------- known problems */
/* KnownPad: in {c, l, e, s} -> out: each transformed */
#define PAD_C 7
#define PAD_L 0x11223344
#define PAD_E EQ_BLUE
#define PAD_S (-2)
/* KnownGap: in {h, l} and tail -> out {h + 1, l + 1}, tail + 1 */
#define GAP_H 0x0102030405060708LL
#define GAP_L 0x0a0b0c0d
#define GAP_TAIL 0x55667788
/* KnownAlias: a and b are one pointer (a full pointer's alias) */
#define ALIAS_V 4242

/* ---------------------------------------------------------- faults */
/* A server whose checks of a call's [in] values failed raises
 * EQ_BAD_IN | the number of failures (a customer code: bit 29). */
#define EQ_BAD_IN   0x20000000u
#define FAULT_CODE  0x1234u

#endif /* EQUIV_COMMON_H */

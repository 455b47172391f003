/* equiv_managers.h - the managers of equiv.idl, shared by the Wine-side
 * server (widl stubs, Wine's rpcrt4) and the asyncrpc server.  Included
 * once, after the generated header, by a file that defines EQ_LONG and
 * EQ_ULONG (equiv_common.h) and interop_on_shutdown(), and EQ_WIDL for
 * widl's stubs (where equiv.idl declares some procedures differently).
 *
 * Each manager checks every [in] value it receives against
 * equiv_common.h; a call with any mismatch prints each one ("FAIL ...")
 * and ends in RpcRaiseException(EQ_BAD_IN | count) once its [out] values
 * are set (the client sees the fault).  The server's exit status counts
 * them too (eq_failed). */
#ifndef EQUIV_MANAGERS_H
#define EQUIV_MANAGERS_H
#include <stdlib.h>
#include <string.h>
#include "equiv_common.h"

static void interop_on_shutdown(void);
static volatile long interop_calls;
static int eq_call_failed, eq_call_known;
static int eq_known_failed;     /* wrong values in known-problem calls */

static void eq_begin(const char *name)
{
    static int trace = -1;
    if (trace < 0)
        trace = getenv("EQUIV_TRACE") != NULL;
    if (trace)
        printf("call %s\n", name);
    interop_calls++;
    eq_where = name;
    eq_call_failed = eq_failed;
    eq_call_known = 0;
}

/* a procedure of a known problem: its wrong values do not fail the run */
static void eq_begin_known(const char *name)
{
    eq_begin(name);
    eq_call_known = 1;
}

static void eq_end(void)
{
    int n = eq_failed - eq_call_failed;
    eq_where = "";
    if (n && eq_call_known) {
        eq_failed -= n;
        eq_known_failed += n;
        printf("(known problem: the %d failure(s) above are not counted)\n", n);
    }
    if (n)
        RpcRaiseException((RPC_STATUS)(EQ_BAD_IN | (unsigned)n));
}

/* ---------------------------------------------------------- base types */
EQ_LONG BaseIn(byte b, char c, unsigned char uc, small s, unsigned small us, short sh,
               unsigned short ush, EQ_LONG l, EQ_ULONG ul, int i, unsigned int ui, hyper h,
               MIDL_uhyper uh, float f, double d, boolean bo, wchar_t wc, eq_color e16,
               eq_wide e32, error_status_t es)
{
    eq_begin("BaseIn");
    EQ_LL(b, IN_BYTE);
    EQ_LL(c, IN_CHAR);
    EQ_LL(uc, IN_UCHAR);
    EQ_LL(s, IN_SMALL);
    EQ_LL(us, IN_USMALL);
    EQ_LL(sh, IN_SHORT);
    EQ_LL(ush, IN_USHORT);
    EQ_LL(l, IN_LONG);
    EQ_ULL(ul, IN_ULONG);
    EQ_LL(i, IN_INT);
    EQ_ULL(ui, IN_UINT);
    EQ_LL(h, IN_HYPER);
    EQ_ULL(uh, IN_UHYPER);
    EQ_DBL(f, IN_FLOAT);
    EQ_DBL(d, IN_DOUBLE);
    EQ_LL(bo, IN_BOOLEAN);
    EQ_LL(wc, IN_WCHAR);
    EQ_LL(e16, IN_COLOR);
    EQ_LL(e32, IN_WIDE);
    EQ_ULL(es, IN_STATUS);
    eq_end();
    return l + sh;
}

void BaseOut(byte *b, char *c, unsigned char *uc, small *s, unsigned small *us, short *sh,
             unsigned short *ush, EQ_LONG *l, EQ_ULONG *ul, int *i, unsigned int *ui, hyper *h,
             MIDL_uhyper *uh, float *f, double *d, boolean *bo, wchar_t *wc, eq_color *e16,
             eq_wide *e32, error_status_t *es)
{
    eq_begin("BaseOut");
    *b = OUT_BYTE;
    *c = OUT_CHAR;
    *uc = OUT_UCHAR;
    *s = OUT_SMALL;
    *us = OUT_USMALL;
    *sh = OUT_SHORT;
    *ush = OUT_USHORT;
    *l = OUT_LONG;
    *ul = OUT_ULONG;
    *i = OUT_INT;
    *ui = OUT_UINT;
    *h = OUT_HYPER;
    *uh = OUT_UHYPER;
    *f = OUT_FLOAT;
    *d = OUT_DOUBLE;
    *bo = OUT_BOOLEAN;
    *wc = OUT_WCHAR;
    *e16 = OUT_COLOR;
    *e32 = OUT_WIDE;
    *es = OUT_STATUS;
    eq_end();
}

void BaseInOut(byte *b, char *c, unsigned char *uc, small *s, unsigned small *us, short *sh,
               unsigned short *ush, EQ_LONG *l, EQ_ULONG *ul, int *i, unsigned int *ui, hyper *h,
               MIDL_uhyper *uh, float *f, double *d, boolean *bo, wchar_t *wc, eq_color *e16,
               eq_wide *e32, error_status_t *es)
{
    eq_begin("BaseInOut");
    EQ_LL(*b, IN_BYTE);       *b = XF_BYTE(*b);
    EQ_LL(*c, IN_CHAR);       *c = XF_CHAR(*c);
    EQ_LL(*uc, IN_UCHAR);     *uc = XF_UCHAR(*uc);
    EQ_LL(*s, IN_SMALL);      *s = XF_SMALL(*s);
    EQ_LL(*us, IN_USMALL);    *us = XF_USMALL(*us);
    EQ_LL(*sh, IN_SHORT);     *sh = XF_SHORT(*sh);
    EQ_LL(*ush, IN_USHORT);   *ush = XF_USHORT(*ush);
    EQ_LL(*l, IN_LONG);       *l = XF_LONG(*l);
    EQ_ULL(*ul, IN_ULONG);    *ul = XF_ULONG(*ul);
    EQ_LL(*i, IN_INT);        *i = XF_INT(*i);
    EQ_ULL(*ui, IN_UINT);     *ui = XF_UINT(*ui);
    EQ_LL(*h, IN_HYPER);      *h = XF_HYPER(*h);
    EQ_ULL(*uh, IN_UHYPER);   *uh = XF_UHYPER(*uh);
    EQ_DBL(*f, IN_FLOAT);     *f = XF_FLOAT(*f);
    EQ_DBL(*d, IN_DOUBLE);    *d = XF_DOUBLE(*d);
    EQ_LL(*bo, IN_BOOLEAN);   *bo = XF_BOOLEAN(*bo);
    EQ_LL(*wc, IN_WCHAR);     *wc = (wchar_t)XF_WCHAR(*wc);
    EQ_LL(*e16, IN_COLOR);    *e16 = XF_COLOR(*e16);
    EQ_LL(*e32, IN_WIDE);     *e32 = XF_WIDE(*e32);
    EQ_ULL(*es, IN_STATUS);   *es = XF_STATUS(*es);
    eq_end();
}

/* return values: [in] IN_x, returns XF_x(IN_x) */
#define EQ_RET(name, type, in, xf) \
    type name(type v) \
    { \
        eq_begin(#name); \
        EQ_LL(v, in); \
        eq_end(); \
        return (type)xf(v); \
    }
EQ_RET(RetByte, byte, IN_BYTE, XF_BYTE)
EQ_RET(RetChar, char, IN_CHAR, XF_CHAR)
EQ_RET(RetSmall, small, IN_SMALL, XF_SMALL)
EQ_RET(RetUSmall, unsigned small, IN_USMALL, XF_USMALL)
EQ_RET(RetShort, short, IN_SHORT, XF_SHORT)
EQ_RET(RetUShort, unsigned short, IN_USHORT, XF_USHORT)
EQ_RET(RetLong, EQ_LONG, IN_LONG, XF_LONG)
EQ_RET(RetULong, EQ_ULONG, IN_ULONG, XF_ULONG)
EQ_RET(RetInt, int, IN_INT, XF_INT)
EQ_RET(RetHyper, hyper, IN_HYPER, XF_HYPER)
EQ_RET(RetUHyper, MIDL_uhyper, IN_UHYPER, XF_UHYPER)
EQ_RET(RetBoolean, boolean, IN_BOOLEAN, XF_BOOLEAN)
EQ_RET(RetWchar, wchar_t, IN_WCHAR, XF_WCHAR)
EQ_RET(RetColor, eq_color, IN_COLOR, XF_COLOR)
EQ_RET(RetWide, eq_wide, IN_WIDE, XF_WIDE)

error_status_t RetStatus(EQ_ULONG v)
{
    eq_begin("RetStatus");
    EQ_ULL(v, IN_STATUS);
    eq_end();
    return XF_STATUS(v);
}

#ifdef EQ_WIDL
/* equiv.idl: the same wire as a float/double return value */
void RetFloat(float v, float *ret)
{
    eq_begin("RetFloat");
    EQ_DBL(v, IN_FLOAT);
    *ret = XF_FLOAT(v);
    eq_end();
}

void RetDouble(double v, double *ret)
{
    eq_begin("RetDouble");
    EQ_DBL(v, IN_DOUBLE);
    *ret = XF_DOUBLE(v);
    eq_end();
}
#else
float RetFloat(float v)
{
    eq_begin("RetFloat");
    EQ_DBL(v, IN_FLOAT);
    eq_end();
    return XF_FLOAT(v);
}

double RetDouble(double v)
{
    eq_begin("RetDouble");
    EQ_DBL(v, IN_DOUBLE);
    eq_end();
    return XF_DOUBLE(v);
}
#endif

/* ---------------------------------------------------------- strings */
EQ_LONG StrIn(char *a, char *empty, char *utf8, unsigned char *uc, wchar_t *w, wchar_t *wempty,
              wchar_t *wintl, char *null, wchar_t *wnull)
{
    eq_begin("StrIn");
    EQ_STR(a, S_ASCII);
    EQ_STR(empty, "");
    EQ_STR(utf8, S_UTF8);
    EQ_STR(uc, S_HIGH);
    EQ_WSTR(w, W_ASCII);
    EQ_WSTR(wempty, L"");
    EQ_WSTR(wintl, W_INTL);
    EQ_PTR_NULL(null);
    EQ_PTR_NULL(wnull);
    eq_end();
    return (EQ_LONG)(strlen(a ? a : "") + wcslen(w ? w : L""));
}

void StrOut(EQ_LONG cap, char *a, char *empty, wchar_t *w)
{
    eq_begin("StrOut");
    EQ_LL(cap, STR_CAP);
    if (cap >= STR_CAP) {
        strcpy(a, S_OUT);
        strcpy(empty, "");
        wcscpy(w, W_OUT);
    }
    eq_end();
}

void StrInOut(EQ_LONG cap, char *a, wchar_t *w)
{
    eq_begin("StrInOut");
    EQ_LL(cap, STR_CAP);
    EQ_STR(a, S_IO_IN);
    EQ_WSTR(w, W_IO_IN);
    if (cap >= STR_CAP) {
        strcpy(a, S_IO_OUT);
        wcscpy(w, W_IO_OUT);
    }
    eq_end();
}

/* ---------------------------------------------------------- arrays */
EQ_LONG FixedArrays(EQ_LONG a[4], short m[2][3], eq_point pts[2], hyper h[2], wchar_t wc[3],
                    byte bytes[5], EQ_LONG oa[4], short om[2][3], double io[3])
{
    EQ_LONG sum = 0;
    eq_begin("FixedArrays");
    for (int i = 0; i < 4; i++) {
        EQ_LL(a[i], eq_fix_a[i]);
        oa[i] = XF_FIX_A(a[i]);
        sum += a[i];
    }
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++) {
            EQ_LL(m[r][c], eq_fix_m[r][c]);
            om[r][c] = XF_FIX_M(m[r][c]);
        }
    for (int i = 0; i < 2; i++) {
        EQ_LL(pts[i].x, eq_fix_pts[i][0]);
        EQ_LL(pts[i].y, eq_fix_pts[i][1]);
        EQ_LL(h[i], eq_fix_h[i]);
    }
    for (int i = 0; i < 3; i++)
        EQ_LL(wc[i], eq_fix_wc[i]);
    for (int i = 0; i < 5; i++)
        EQ_LL(bytes[i], eq_fix_bytes[i]);
    for (int i = 0; i < 3; i++) {
        EQ_DBL(io[i], eq_fix_io[i]);
        io[i] = XF_FIX_IO(io[i]);
    }
    eq_end();
    return sum;
}

EQ_LONG Conformant(EQ_LONG n, EQ_LONG *a, short b[], eq_point *pts, hyper *o, double *io)
{
    eq_begin("Conformant");
    EQ_CHECK(n == CONF_N || n == 0, "n = %ld", (long)n);
    for (int i = 0; i < n; i++) {
        EQ_LL(a[i], CONF_A(i));
        EQ_LL(b[i], CONF_B(i));
        EQ_LL(pts[i].x, CONF_PX(i));
        EQ_LL(pts[i].y, CONF_PY(i));
        EQ_DBL(io[i], CONF_IO(i));
        o[i] = CONF_O(i);
        io[i] = XF_CONF_IO(io[i]);
    }
    eq_end();
    return n;
}

EQ_LONG Empty(EQ_LONG n, EQ_LONG *a, short *b, eq_point *pts, EQ_LONG *o, EQ_LONG tail)
{
    eq_begin("Empty");
    EQ_LL(n, 0);
    EQ_PTR_SET(a);
    EQ_PTR_SET(b);
    EQ_PTR_SET(pts);
    (void)o;                /* Wine's stub passes NULL for no elements */
    EQ_LL(tail, EMPTY_TAIL);
    eq_end();
    return tail;
}

EQ_LONG MaxIs(EQ_LONG mx, EQ_LONG *a)
{
    EQ_LONG sum = 0;
    eq_begin("MaxIs");
    EQ_LL(mx, MAXIS_MX);
    for (int i = 0; i <= mx; i++) {
        EQ_LL(a[i], MAXIS_A(i));
        sum += a[i];
    }
    eq_end();
    return sum;
}

EQ_LONG Varying(EQ_LONG len, EQ_LONG a[8], EQ_LONG *olen, short b[8])
{
    eq_begin("Varying");
    EQ_LL(len, VAR_LEN);
    for (int i = 0; i < len && i < 8; i++)
        EQ_LL(a[i], VAR_A(i));
    *olen = VAR_OLEN;
    for (int i = 0; i < VAR_OLEN; i++)
        b[i] = VAR_B(i);
    eq_end();
    return len;
}

EQ_LONG ConfVarying(EQ_LONG size, EQ_LONG len, EQ_LONG *a, EQ_LONG *olen, short *b, EQ_LONG *iolen,
                    hyper *c)
{
    eq_begin("ConfVarying");
    EQ_LL(size, CV_SIZE);
    EQ_LL(len, CV_LEN);
    for (int i = 0; i < len && i < size; i++)
        EQ_LL(a[i], CV_A(i));
    EQ_LL(*iolen, CV_IOLEN_IN);
    for (int i = 0; i < *iolen && i < size; i++)
        EQ_LL(c[i], CV_C_IN(i));
    *olen = CV_OLEN;
    for (int i = 0; i < CV_OLEN; i++)
        b[i] = CV_B(i);
    *iolen = CV_IOLEN_OUT;
    for (int i = 0; i < CV_IOLEN_OUT; i++)
        c[i] = CV_C_OUT(i);
    eq_end();
    return size;
}

/* ---------------------------------------------------------- pointers */
EQ_LONG PtrIn(EQ_LONG *r, EQ_LONG *u, EQ_LONG *unull, EQ_LONG *p, EQ_LONG *pnull, EQ_LONG **pp,
              EQ_LONG **ppnull, eq_point **ppt, EQ_LONG ***ppp)
{
    eq_begin("PtrIn");
    EQ_LL(*r, P_R);
    EQ_PTR_SET(u);
    if (u)
        EQ_LL(*u, P_U);
    EQ_PTR_NULL(unull);
    EQ_PTR_SET(p);
    if (p)
        EQ_LL(*p, P_P);
    EQ_PTR_NULL(pnull);
    EQ_PTR_SET(*pp);
    if (*pp)
        EQ_LL(**pp, P_PP);
    EQ_PTR_SET(ppnull);
    if (ppnull)
        EQ_PTR_NULL(*ppnull);
    EQ_PTR_SET(*ppt);
    if (*ppt) {
        EQ_LL((*ppt)->x, P_PTX);
        EQ_LL((*ppt)->y, P_PTY);
    }
    EQ_PTR_SET(*ppp);
    if (*ppp) {
        EQ_PTR_SET(**ppp);
        if (**ppp)
            EQ_LL(***ppp, P_PPP);
    }
    eq_end();
    return P_R + P_U + P_P + P_PP + P_PTX + P_PTY + P_PPP;
}

EQ_LONG PtrInOut(EQ_LONG *u, EQ_LONG *unull, EQ_LONG *p, EQ_LONG **pp)
{
    eq_begin("PtrInOut");
    EQ_PTR_SET(u);
    if (u) {
        EQ_LL(*u, P_IO_U);
        *u = XF_P(*u);
    }
    EQ_PTR_NULL(unull);
    EQ_PTR_SET(p);
    if (p) {
        EQ_LL(*p, P_IO_P);
        *p = XF_P(*p);
    }
    EQ_PTR_SET(*pp);
    if (*pp) {
        EQ_LL(**pp, P_IO_PP);
        **pp = XF_P(**pp);
    }
    eq_end();
    return 4;
}

void PtrOut(EQ_LONG **pp, eq_point **ppt, EQ_LONG ***ppp, EQ_LONG **pnull)
{
    eq_begin("PtrOut");
    *pp = eq_alloc(sizeof **pp);
    **pp = P_OUT_PP;
    *ppt = eq_alloc(sizeof **ppt);
    (*ppt)->x = P_OUT_PTX;
    (*ppt)->y = P_OUT_PTY;
    *ppp = eq_alloc(sizeof **ppp);
    **ppp = eq_alloc(sizeof ***ppp);
    ***ppp = P_OUT_PPP;
    *pnull = NULL;
    eq_end();
}

EQ_LONG List(eq_node *head, eq_node **rev)
{
    EQ_LONG n = 0;
    eq_node *out = NULL;
    eq_begin("List");
    for (eq_node *p = head; p; p = p->next, n++) {
        eq_node *c;
        if (n >= LIST_N) {
            EQ_CHECK(0, "more than %d nodes", LIST_N);
            break;
        }
        EQ_LL(p->value, LIST_VALUE(n));
        EQ_WSTR(p->name, eq_list_names[n]);
        c = eq_alloc(sizeof *c);
        c->value = XF_LIST(p->value);
        c->name = eq_alloc((wcslen(eq_list_names[n]) + 1) * sizeof(wchar_t));
        wcscpy(c->name, eq_list_names[n]);
        c->next = out;
        out = c;
    }
    EQ_CHECK(n == LIST_N || (n == 0 && !head), "%ld nodes", (long)n);
    *rev = out;
    eq_end();
    return n;
}

/* ---------------------------------------------------------- structures */
EQ_LONG Structs(eq_flat *f, eq_mixed *m, eq_point pv, eq_flat *of, eq_mixed *om, eq_mixed *io)
{
    eq_begin("Structs");
    eq_check_flat(f, 1);
    eq_check_mixed(m, 2);
    EQ_LL(pv.x, PV_X);
    EQ_LL(pv.y, PV_Y);
    eq_check_mixed(io, 4);
    eq_fill_flat(of, 3);
    eq_fill_mixed(om, 5, 0);
    if (io->extra && io->label && io->wlabel && io->values && io->n == MIXED_N &&
        strlen(io->label) == strlen(eq_labels[6]) && wcslen(io->wlabel) == wcslen(eq_wlabels[6]))
        eq_fill_mixed(io, 6, 1);
    eq_end();
    return 2;
}

EQ_LONG Outer(eq_outer *in, eq_outer *out)
{
    eq_begin("Outer");
    EQ_LL(in->count, 2);
    eq_check_flat(&in->flat, 7);
    eq_check_mixed(&in->mixed, 0);
    EQ_PTR_SET(in->pflat);
    if (in->pflat)
        eq_check_flat(in->pflat, 8);
    out->count = 3;
    eq_fill_flat(&out->flat, 9);
    eq_fill_mixed(&out->mixed, 1, 0);
    out->pflat = NULL;
    eq_end();
    return 1;
}

/* ---------------------------------------------------------- unions */
EQ_LONG UnionIn(short k, eq_nu *n, eq_color c, eq_cu *u, eq_eu *e, eq_uholder *h, hyper guard)
{
    int r;
    eq_begin("UnionIn");
    EQ_LL(guard, EQ_GUARD);
    for (r = 0; r < UNION_ROUNDS && eq_u_k[r] != k; r++)
        ;
    EQ_CHECK(r < UNION_ROUNDS, "k = %d", k);
    if (r < UNION_ROUNDS)
        eq_check_unions(r, k, n, c, u, e, h);
    eq_end();
    return r;
}

EQ_LONG UnionOut(short k, eq_onu *n, eq_color c, eq_ocu *u, eq_eu *e, eq_uholder *h, eq_eu *io,
                 hyper guard)
{
    eq_begin("UnionOut");
    EQ_LL(guard, EQ_GUARD);
    EQ_CHECK((k == 4 && c == EQ_GREEN) || (k == 2 && c == EQ_RED), "k = %d, c = %d", k, (int)c);
    if (k == 4) {
        n->pt.x = UO_PTX;
        n->pt.y = UO_PTY;
    } else {
        n->d = UO_D;
    }
    if (c == EQ_GREEN)
        u->h = UO_H;
    else
        u->c = UO_C;
    e->kind = 5;
    e->u.pt.x = UO_EPX;
    e->u.pt.y = UO_EPY;
    h->tag = 1;
    h->k = 2;
    h->lu.h = UO_HH;
    h->tail = 2;
    EQ_LL(io->kind, 1);
    EQ_LL(io->u.s, UO_IO_S);
    io->kind = 2;
    io->u.d = UO_IO_D;
    eq_end();
    return k;
}

/* ---------------------------------------------------------- context handles */
typedef struct eq_ctx_state {
    long magic;
    EQ_LONG value;
} eq_ctx_state;
static int eq_ctx_open, eq_rundowns;

static eq_ctx_state *eq_ctx_get(eq_ctx ctx)
{
    eq_ctx_state *s = ctx;
    EQ_PTR_SET(s);
    if (s)
        EQ_LL(s->magic, CTX_MAGIC);
    return s && s->magic == CTX_MAGIC ? s : NULL;
}

static eq_ctx eq_ctx_new(EQ_LONG value)
{
    eq_ctx_state *s = eq_alloc(sizeof *s);
    s->magic = CTX_MAGIC;
    s->value = value;
    eq_ctx_open++;
    return s;
}

static void eq_ctx_free(eq_ctx ctx)
{
    eq_ctx_state *s = ctx;
    s->magic = 0;
    MIDL_user_free(s);
    eq_ctx_open--;
}

void __RPC_USER eq_ctx_rundown(eq_ctx ctx)
{
    eq_rundowns++;
    if (ctx)
        eq_ctx_free(ctx);
}

EQ_LONG CtxOpen(EQ_LONG seed, eq_ctx *ctx)
{
    eq_begin("CtxOpen");
    EQ_CHECK(seed == CTX_SEED_A || seed == CTX_SEED_B, "seed %ld", (long)seed);
    *ctx = eq_ctx_new(seed);
    eq_end();
    return eq_ctx_open;
}

EQ_LONG CtxUse(eq_ctx ctx, EQ_LONG add, EQ_LONG *value)
{
    eq_ctx_state *s;
    eq_begin("CtxUse");
    s = eq_ctx_get(ctx);
    if (s) {
        s->value += add;
        *value = s->value;
    }
    eq_end();
    return eq_ctx_open;
}

/* *b becomes a new handle worth a + *b (*b may be NULL); the old *b is
 * closed */
EQ_LONG CtxSwap(eq_ctx a, eq_ctx *b)
{
    eq_ctx_state *sa, *sb = NULL;
    eq_begin("CtxSwap");
    sa = eq_ctx_get(a);
    if (*b)
        sb = eq_ctx_get(*b);
    if (sa && (sb || !*b)) {
        EQ_CHECK(sa != sb, "a and b are one handle");
        *b = eq_ctx_new(sa->value + (sb ? sb->value : 0));
        if (sb)
            eq_ctx_free(sb);
    }
    eq_end();
    return eq_ctx_open;
}

EQ_LONG CtxClose(eq_ctx *ctx)
{
    EQ_LONG was = 0;
    eq_begin("CtxClose");
    if (*ctx) {
        eq_ctx_state *s = eq_ctx_get(*ctx);
        if (s) {
            was = s->value;
            eq_ctx_free(s);
        }
        *ctx = NULL;
    }
    eq_end();
    return was;
}

/* ---------------------------------------------------------- range */
EQ_LONG Range(EQ_LONG r, short s, eq_color e, EQ_LONG n, EQ_LONG *a, eq_ranged *rin, EQ_LONG want,
              eq_ranged *rout, EQ_LONG *o)
{
    EQ_LONG sum = 0;
    eq_begin("Range");
    /* only in-range values get here: the stub refuses the others */
    EQ_LL(r, RANGE_R);
    EQ_LL(s, RANGE_S);
    EQ_LL(e, EQ_BLUE);
    EQ_LL(n, RANGE_N);
    for (int i = 0; i < n; i++) {
        EQ_LL(a[i], i + 1);
        sum += a[i];
    }
    EQ_LL(rin->v, 9);
    EQ_LL(rin->s, -3);
    rout->v = want;         /* out of range when want is: the client refuses it */
    rout->s = 3;
    rout->pad = 0;
    *o = want;
    eq_end();
    return sum;
}

/* ---------------------------------------------------------- known problems */
EQ_LONG KnownUnionPtr(short k, eq_pu *u)
{
    eq_begin_known("KnownUnionPtr");
    EQ_CHECK(k >= 1 && k <= 3, "k = %d", k);
    if (k == 1)
        EQ_STR(u->s, UP_S);
    if (k == 2)
        EQ_WSTR(u->w, UP_W);
    if (k == 3) {
        EQ_PTR_SET(u->p);
        if (u->p) {
            EQ_LL(u->p->x, UP_PX);
            EQ_LL(u->p->y, UP_PY);
        }
    }
    eq_end();
    return k;
}

EQ_LONG KnownUnionParams(EQ_LONG k1, eq_mu *m1, EQ_LONG k2, eq_mu *m2)
{
    eq_begin_known("KnownUnionParams");
    EQ_LL(k1, 1);
    EQ_LL(k2, 2);
    if (k1 == 1)
        EQ_LL(m1->l, UM_L);
    if (k2 == 2)
        EQ_LL(m2->h, UM_H);
    eq_end();
    return 2;
}

EQ_LONG KnownUnionInStruct(eq_ueh *in, eq_ueh *out)
{
    eq_begin_known("KnownUnionInStruct");
    EQ_LL(in->tag, 0x11);
    EQ_LL(in->eu.kind, 2);
    EQ_DBL(in->eu.u.d, 1.5);
    EQ_LL(in->tail, 0x22);
    out->tag = 0x33;
    out->eu.kind = 1;
    out->eu.u.s = 9;
    out->tail = 0x44;
    eq_end();
    return 2;
}

EQ_LONG KnownShortUnionInStruct(eq_sueh *in, eq_sueh *out)
{
    eq_begin_known("KnownShortUnionInStruct");
    EQ_LL(in->tag, 0x11);
    EQ_LL(in->k, 2);
    EQ_LL(in->nu.h, U_HH);
    EQ_LL(in->tail, 0x22);
    out->tag = 0x33;
    out->k = 1;
    out->nu.l = UO_HL;
    out->tail = 0x44;
    eq_end();
    return 2;
}

/* rin.v = 10 is out of its range: an asyncrpc stub refuses it, so only a
 * Wine server's manager gets it */
EQ_LONG KnownRangeMember(eq_ranged *rin, EQ_LONG want, eq_ranged *rout)
{
    eq_begin_known("KnownRangeMember");
    EQ_LL(rin->v, 9);
    EQ_LL(rin->s, -3);
    rout->v = want;
    rout->s = 3;
    rout->pad = 0;
    eq_end();
    return 1;
}

EQ_LONG KnownPad(eq_pad *in, eq_pad *out)
{
    eq_begin_known("KnownPad");
    EQ_LL(in->c, PAD_C);
    EQ_LL(in->l, PAD_L);
    EQ_LL(in->e, PAD_E);
    EQ_LL(in->s, PAD_S);
    out->c = PAD_C + 1;
    out->l = PAD_L + 1;
    out->e = EQ_GREEN;
    out->s = PAD_S + 1;
    eq_end();
    return 1;
}

EQ_LONG KnownGap(eq_gap *in, EQ_LONG tail, eq_gap *out, EQ_LONG *otail)
{
    eq_begin_known("KnownGap");
    EQ_LL(in->h, GAP_H);
    EQ_LL(in->l, GAP_L);
    EQ_LL(tail, GAP_TAIL);
    out->h = GAP_H + 1;
    out->l = GAP_L + 1;
    *otail = GAP_TAIL + 1;
    eq_end();
    return 1;
}

EQ_LONG KnownAlias(EQ_LONG *a, EQ_LONG *b)
{
    eq_begin_known("KnownAlias");
    EQ_PTR_SET(a);
    EQ_PTR_SET(b);
    EQ_CHECK(a == b, "a (%p) and b (%p) are not one pointer", (void *)a, (void *)b);
    if (a)
        EQ_LL(*a, ALIAS_V);
    eq_end();
    return 1;
}

/* ---------------------------------------------------------- faults, end */
void RaiseFault(EQ_ULONG code)
{
    interop_calls++;
    RpcRaiseException((RPC_STATUS)code);
}

void Shutdown(void)
{
    interop_calls++;
    interop_on_shutdown();
}

void *__RPC_USER MIDL_user_allocate(size_t size)
{
    return malloc(size ? size : 1);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}
#endif /* EQUIV_MANAGERS_H */

/* equiv_client.h - the calls of the wire-equivalence tests (equiv.idl),
 * shared by the asyncrpc client and the Wine-rpcrt4 client.  Included
 * once, after the generated header, by a file that defines EQ_LONG and
 * EQ_ULONG (equiv_common.h), EQ_WIDL for widl's stubs (where equiv.idl
 * declares some procedures differently), and
 *   GUARD(code, stmt)  runs stmt; sets code (an unsigned long lvalue) to 0,
 *                      or to the code of the exception it raised.
 * Each test sends equiv_common.h's values, checks that the call did not
 * fault (a server that finds an [in] value wrong raises EQ_BAD_IN | n) and
 * checks every [out] value and return value. */
#ifndef EQUIV_CLIENT_H
#define EQUIV_CLIENT_H
#include "equiv_common.h"

void *__RPC_USER MIDL_user_allocate(size_t size)
{
    return malloc(size ? size : 1);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}

/* Did the call return (code 0)?  Explains the fault if not. */
static int eq_returned(unsigned long code, const char *what)
{
    if (code == 0) {
        eq_passed++;
        return 1;
    }
    eq_failed++;
    if ((code & 0xf0000000u) == EQ_BAD_IN)
        printf("FAIL %s: the server found %lu wrong [in] value(s) (fault 0x%lx; see its log)\n",
               what, code & 0xfffffffu, code);
    else
        printf("FAIL %s: raised exception %lu (0x%lx)\n", what, code, code);
    fflush(stdout);
    return 0;
}

/* Known problems (equiv.idl, KNOWN PROBLEMS): a call that hits one is
 * skipped with a SKIP line naming it, unless the client runs with "known":
 * then it is made, and its failures are printed but not counted. */
static int eq_known, eq_skipped, eq_known_mark;

static int eq_known_enter(const char *what, const char *why)
{
    if (!eq_known) {
        printf("SKIP %s: %s\n", what, why);
        eq_skipped++;
        return 0;
    }
    printf("KNOWN %s: %s\n", what, why);
    eq_known_mark = eq_failed;
    return 1;
}

static void eq_known_leave(const char *what)
{
    int n = eq_failed - eq_known_mark;
    eq_failed = eq_known_mark;
    if (n)
        printf("KNOWN %s: still fails (%d failure(s) above, not counted)\n", what, n);
    else
        printf("KNOWN %s: passes now\n", what);
}

#define EQ_CALL(what, stmt) do { \
        volatile unsigned long code_; \
        eq_where = what; \
        GUARD(code_, stmt); \
        ok_ = eq_returned(code_, what); \
    } while (0)

/* ---------------------------------------------------------- base types */
static void test_base(void)
{
    int ok_;
    static EQ_LONG ret;
    static byte b; static char c; static unsigned char uc; static small s; static unsigned small us;
    static short sh; static unsigned short ush; static EQ_LONG l; static EQ_ULONG ul; static int i;
    static unsigned int ui; static hyper h; static MIDL_uhyper uh; static float f; static double d;
    static boolean bo; static wchar_t wc; static eq_color e16; static eq_wide e32;
    static error_status_t es;

    EQ_CALL("BaseIn", ret = BaseIn(IN_BYTE, IN_CHAR, IN_UCHAR, IN_SMALL, IN_USMALL, IN_SHORT,
                                   IN_USHORT, IN_LONG, IN_ULONG, IN_INT, IN_UINT, IN_HYPER, IN_UHYPER,
                                   IN_FLOAT, IN_DOUBLE, IN_BOOLEAN, IN_WCHAR, IN_COLOR, IN_WIDE,
                                   IN_STATUS));
    if (ok_)
        EQ_LL(ret, IN_LONG + IN_SHORT);

    EQ_CALL("BaseOut", BaseOut(&b, &c, &uc, &s, &us, &sh, &ush, &l, &ul, &i, &ui, &h, &uh, &f, &d,
                               &bo, &wc, &e16, &e32, &es));
    if (ok_) {
        EQ_LL(b, OUT_BYTE);
        EQ_LL(c, OUT_CHAR);
        EQ_LL(uc, OUT_UCHAR);
        EQ_LL(s, OUT_SMALL);
        EQ_LL(us, OUT_USMALL);
        EQ_LL(sh, OUT_SHORT);
        EQ_LL(ush, OUT_USHORT);
        EQ_LL(l, OUT_LONG);
        EQ_ULL(ul, OUT_ULONG);
        EQ_LL(i, OUT_INT);
        EQ_ULL(ui, OUT_UINT);
        EQ_LL(h, OUT_HYPER);
        EQ_ULL(uh, OUT_UHYPER);
        EQ_DBL(f, OUT_FLOAT);
        EQ_DBL(d, OUT_DOUBLE);
        EQ_LL(bo, OUT_BOOLEAN);
        EQ_LL(wc, OUT_WCHAR);
        EQ_LL(e16, OUT_COLOR);
        EQ_LL(e32, OUT_WIDE);
        EQ_ULL(es, OUT_STATUS);
    }

    b = IN_BYTE; c = IN_CHAR; uc = IN_UCHAR; s = IN_SMALL; us = IN_USMALL; sh = IN_SHORT;
    ush = IN_USHORT; l = IN_LONG; ul = IN_ULONG; i = IN_INT; ui = IN_UINT; h = IN_HYPER;
    uh = IN_UHYPER; f = IN_FLOAT; d = IN_DOUBLE; bo = IN_BOOLEAN; wc = IN_WCHAR; e16 = IN_COLOR;
    e32 = IN_WIDE; es = IN_STATUS;
    EQ_CALL("BaseInOut", BaseInOut(&b, &c, &uc, &s, &us, &sh, &ush, &l, &ul, &i, &ui, &h, &uh, &f,
                                   &d, &bo, &wc, &e16, &e32, &es));
    if (ok_) {
        EQ_LL(b, XF_BYTE(IN_BYTE));
        EQ_LL(c, XF_CHAR(IN_CHAR));
        EQ_LL(uc, XF_UCHAR(IN_UCHAR));
        EQ_LL(s, XF_SMALL(IN_SMALL));
        EQ_LL(us, XF_USMALL(IN_USMALL));
        EQ_LL(sh, XF_SHORT(IN_SHORT));
        EQ_LL(ush, XF_USHORT(IN_USHORT));
        EQ_LL(l, XF_LONG(IN_LONG));
        EQ_ULL(ul, XF_ULONG(IN_ULONG));
        EQ_LL(i, XF_INT(IN_INT));
        EQ_ULL(ui, XF_UINT(IN_UINT));
        EQ_LL(h, XF_HYPER(IN_HYPER));
        EQ_ULL(uh, XF_UHYPER(IN_UHYPER));
        EQ_DBL(f, XF_FLOAT(IN_FLOAT));
        EQ_DBL(d, XF_DOUBLE(IN_DOUBLE));
        EQ_LL(bo, XF_BOOLEAN(IN_BOOLEAN));
        EQ_LL(wc, XF_WCHAR(IN_WCHAR));
        EQ_LL(e16, XF_COLOR(IN_COLOR));
        EQ_LL(e32, XF_WIDE(IN_WIDE));
        EQ_ULL(es, XF_STATUS(IN_STATUS));
    }
}

static void test_returns(void)
{
    int ok_;
#define EQ_TRY_RET(name, type, in, xf, cmp) do { \
        static type r_; \
        EQ_CALL(#name, r_ = name(in)); \
        if (ok_) cmp(r_, (type)xf(in)); \
    } while (0)
    EQ_TRY_RET(RetByte, byte, IN_BYTE, XF_BYTE, EQ_LL);
    EQ_TRY_RET(RetChar, char, IN_CHAR, XF_CHAR, EQ_LL);
    EQ_TRY_RET(RetSmall, small, IN_SMALL, XF_SMALL, EQ_LL);
    EQ_TRY_RET(RetUSmall, unsigned small, IN_USMALL, XF_USMALL, EQ_LL);
    EQ_TRY_RET(RetShort, short, IN_SHORT, XF_SHORT, EQ_LL);
    EQ_TRY_RET(RetUShort, unsigned short, IN_USHORT, XF_USHORT, EQ_LL);
    EQ_TRY_RET(RetLong, EQ_LONG, IN_LONG, XF_LONG, EQ_LL);
    EQ_TRY_RET(RetULong, EQ_ULONG, IN_ULONG, XF_ULONG, EQ_ULL);
    EQ_TRY_RET(RetInt, int, IN_INT, XF_INT, EQ_LL);
    EQ_TRY_RET(RetHyper, hyper, IN_HYPER, XF_HYPER, EQ_LL);
    EQ_TRY_RET(RetUHyper, MIDL_uhyper, IN_UHYPER, XF_UHYPER, EQ_ULL);
    EQ_TRY_RET(RetBoolean, boolean, IN_BOOLEAN, XF_BOOLEAN, EQ_LL);
    EQ_TRY_RET(RetWchar, wchar_t, IN_WCHAR, XF_WCHAR, EQ_LL);
    EQ_TRY_RET(RetColor, eq_color, IN_COLOR, XF_COLOR, EQ_LL);
    EQ_TRY_RET(RetWide, eq_wide, IN_WIDE, XF_WIDE, EQ_LL);
    EQ_TRY_RET(RetStatus, error_status_t, IN_STATUS, XF_STATUS, EQ_ULL);
#ifdef EQ_WIDL
    {
        static float rf;
        static double rd;
        EQ_CALL("RetFloat", RetFloat(IN_FLOAT, &rf));
        if (ok_)
            EQ_DBL(rf, XF_FLOAT(IN_FLOAT));
        EQ_CALL("RetDouble", RetDouble(IN_DOUBLE, &rd));
        if (ok_)
            EQ_DBL(rd, XF_DOUBLE(IN_DOUBLE));
    }
#else
    EQ_TRY_RET(RetFloat, float, IN_FLOAT, XF_FLOAT, EQ_DBL);
    EQ_TRY_RET(RetDouble, double, IN_DOUBLE, XF_DOUBLE, EQ_DBL);
#endif
#undef EQ_TRY_RET
}

/* ---------------------------------------------------------- strings */
static void test_strings(void)
{
    int ok_;
    static EQ_LONG ret;
    static char a[] = S_ASCII, empty[] = "", utf8[] = S_UTF8;
    static unsigned char uc[] = S_HIGH;
    static wchar_t w[] = W_ASCII, wempty[] = L"", wintl[] = W_INTL;
    static char oa[STR_CAP], oempty[STR_CAP];
    static wchar_t ow[STR_CAP];
    static char ioa[STR_CAP];
    static wchar_t iow[STR_CAP];

    EQ_CALL("StrIn", ret = StrIn(a, empty, utf8, uc, w, wempty, wintl, NULL, NULL));
    if (ok_)
        EQ_LL(ret, strlen(S_ASCII) + wcslen(W_ASCII));

    memset(oa, 'x', sizeof oa);
    memset(oempty, 'x', sizeof oempty);
    wmemset(ow, L'x', STR_CAP);
    EQ_CALL("StrOut", StrOut(STR_CAP, oa, oempty, ow));
    if (ok_) {
        EQ_STR(oa, S_OUT);
        EQ_STR(oempty, "");
        EQ_WSTR(ow, W_OUT);
    }

    strcpy(ioa, S_IO_IN);
    wcscpy(iow, W_IO_IN);
    EQ_CALL("StrInOut", StrInOut(STR_CAP, ioa, iow));
    if (ok_) {
        EQ_STR(ioa, S_IO_OUT);
        EQ_WSTR(iow, W_IO_OUT);
    }
}

/* ---------------------------------------------------------- arrays */
/* conformant arrays of n elements (n = 0 too) */
static void test_conformant(int n)
{
    int ok_;
    static EQ_LONG ret, ca[CONF_N];
    static short cb[CONF_N];
    static eq_point cpts[CONF_N];
    static hyper co[CONF_N];
    static double cio[CONF_N];
    static int sn;

    sn = n;
    for (int i = 0; i < CONF_N; i++) {
        ca[i] = CONF_A(i);
        cb[i] = CONF_B(i);
        cpts[i].x = CONF_PX(i);
        cpts[i].y = CONF_PY(i);
        co[i] = -1;
        cio[i] = CONF_IO(i);
    }
    EQ_CALL(n ? "Conformant" : "Conformant(n = 0)", ret = Conformant(sn, ca, cb, cpts, co, cio));
    if (ok_) {
        EQ_LL(ret, n);
        for (int i = 0; i < CONF_N; i++) {
            EQ_LL(co[i], i < n ? CONF_O(i) : -1);
            EQ_DBL(cio[i], i < n ? XF_CONF_IO(CONF_IO(i)) : CONF_IO(i));
        }
    }
}

static void test_arrays(void)
{
    int ok_;
    static EQ_LONG ret;
    static EQ_LONG a[4], oa[4];
    static short m[2][3], om[2][3];
    static eq_point pts[2];
    static hyper h[2];
    static wchar_t wc[3];
    static byte bytes[5];
    static double io[3];

    for (int i = 0; i < 4; i++)
        a[i] = eq_fix_a[i];
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
            m[r][c] = eq_fix_m[r][c];
    for (int i = 0; i < 2; i++) {
        pts[i].x = eq_fix_pts[i][0];
        pts[i].y = eq_fix_pts[i][1];
        h[i] = eq_fix_h[i];
    }
    for (int i = 0; i < 3; i++) {
        wc[i] = (wchar_t)eq_fix_wc[i];
        io[i] = eq_fix_io[i];
    }
    memcpy(bytes, eq_fix_bytes, 5);
    EQ_CALL("FixedArrays", ret = FixedArrays(a, m, pts, h, wc, bytes, oa, om, io));
    if (ok_) {
        EQ_LL(ret, eq_fix_a[0] + eq_fix_a[1] + eq_fix_a[2] + eq_fix_a[3]);
        for (int i = 0; i < 4; i++)
            EQ_LL(oa[i], XF_FIX_A(eq_fix_a[i]));
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++)
                EQ_LL(om[r][c], XF_FIX_M(eq_fix_m[r][c]));
        for (int i = 0; i < 3; i++)
            EQ_DBL(io[i], XF_FIX_IO(eq_fix_io[i]));
    }

    test_conformant(CONF_N);
    test_conformant(0);
    {
        static EQ_LONG ea[1], eo[1];
        static short eb[1];
        static eq_point epts[1];
        eo[0] = 0x3333;
        EQ_CALL("Empty", ret = Empty(0, ea, eb, epts, eo, EMPTY_TAIL));
        if (ok_) {
            EQ_LL(ret, EMPTY_TAIL);
            EQ_LL(eo[0], 0x3333);
        }
    }

    {
        static EQ_LONG ma[MAXIS_MX + 1];
        long long sum = 0;
        for (int i = 0; i <= MAXIS_MX; i++) {
            ma[i] = MAXIS_A(i);
            sum += MAXIS_A(i);
        }
        EQ_CALL("MaxIs", ret = MaxIs(MAXIS_MX, ma));
        if (ok_)
            EQ_LL(ret, sum);
    }

    {
        static EQ_LONG va[8], olen;
        static short vb[8];
        for (int i = 0; i < 8; i++) {
            va[i] = i < VAR_LEN ? VAR_A(i) : 0x7777;
            vb[i] = 0x5555;
        }
        olen = -1;
        EQ_CALL("Varying", ret = Varying(VAR_LEN, va, &olen, vb));
        if (ok_) {
            EQ_LL(ret, VAR_LEN);
            EQ_LL(olen, VAR_OLEN);
            for (int i = 0; i < VAR_OLEN; i++)
                EQ_LL(vb[i], VAR_B(i));
        }
    }

    {
        static EQ_LONG cva[CV_SIZE], olen, iolen;
        static short cvb[CV_SIZE];
        static hyper cvc[CV_SIZE];
        for (int i = 0; i < CV_SIZE; i++) {
            cva[i] = i < CV_LEN ? CV_A(i) : 0x7777;
            cvb[i] = 0x5555;
            cvc[i] = i < CV_IOLEN_IN ? CV_C_IN(i) : 0x6666;
        }
        olen = -1;
        iolen = CV_IOLEN_IN;
        EQ_CALL("ConfVarying", ret = ConfVarying(CV_SIZE, CV_LEN, cva, &olen, cvb, &iolen, cvc));
        if (ok_) {
            EQ_LL(ret, CV_SIZE);
            EQ_LL(olen, CV_OLEN);
            for (int i = 0; i < CV_OLEN; i++)
                EQ_LL(cvb[i], CV_B(i));
            EQ_LL(iolen, CV_IOLEN_OUT);
            for (int i = 0; i < CV_IOLEN_OUT; i++)
                EQ_LL(cvc[i], CV_C_OUT(i));
        }
    }
}

/* ---------------------------------------------------------- pointers */
static void test_pointers(void)
{
    int ok_;
    static EQ_LONG ret;
    static EQ_LONG r = P_R, u = P_U, p = P_P, ppv = P_PP, pppv = P_PPP;
    static EQ_LONG *ppi = &ppv, *ppnull = NULL, *pppi = &pppv, **pppp = &pppi;
    static eq_point pt = {P_PTX, P_PTY}, *ppt = &pt;
    static EQ_LONG iou, iop, iopp, *iopi;
    static EQ_LONG *unull = NULL;
    static EQ_LONG *opp, **oppp, *opnull;
    static eq_point *oppt;

    EQ_CALL("PtrIn", ret = PtrIn(&r, &u, NULL, &p, NULL, &ppi, &ppnull, &ppt, &pppp));
    if (ok_)
        EQ_LL(ret, P_R + P_U + P_P + P_PP + P_PTX + P_PTY + P_PPP);

    iou = P_IO_U; iop = P_IO_P; iopp = P_IO_PP; iopi = &iopp;
    EQ_CALL("PtrInOut", ret = PtrInOut(&iou, unull, &iop, &iopi));
    if (ok_) {
        EQ_LL(ret, 4);
        EQ_LL(iou, XF_P(P_IO_U));
        EQ_LL(iop, XF_P(P_IO_P));
        EQ_PTR_SET(iopi);
        if (iopi)
            EQ_LL(*iopi, XF_P(P_IO_PP));
    }

    opp = NULL; oppt = NULL; oppp = NULL; opnull = (EQ_LONG *)&r;
    EQ_CALL("PtrOut", PtrOut(&opp, &oppt, &oppp, &opnull));
    if (ok_) {
        EQ_PTR_SET(opp);
        if (opp)
            EQ_LL(*opp, P_OUT_PP);
        EQ_PTR_SET(oppt);
        if (oppt) {
            EQ_LL(oppt->x, P_OUT_PTX);
            EQ_LL(oppt->y, P_OUT_PTY);
        }
        EQ_PTR_SET(oppp);
        if (oppp) {
            EQ_PTR_SET(*oppp);
            if (*oppp)
                EQ_LL(**oppp, P_OUT_PPP);
        }
        EQ_PTR_NULL(opnull);
    }
}

static void test_list(void)
{
    int ok_;
    static EQ_LONG ret;
    static eq_node nodes[LIST_N], *rev;
    static wchar_t names[LIST_N][32];

    for (int i = 0; i < LIST_N; i++) {
        nodes[i].value = LIST_VALUE(i);
        wcscpy(names[i], eq_list_names[i]);
        nodes[i].name = names[i];
        nodes[i].next = i + 1 < LIST_N ? &nodes[i + 1] : NULL;
    }
    rev = NULL;
    EQ_CALL("List", ret = List(&nodes[0], &rev));
    if (ok_) {
        eq_node *p = rev;
        EQ_LL(ret, LIST_N);
        for (int i = LIST_N - 1; i >= 0; i--) {
            EQ_PTR_SET(p);
            if (!p)
                break;
            EQ_LL(p->value, XF_LIST(LIST_VALUE(i)));
            EQ_WSTR(p->name, eq_list_names[i]);
            p = p->next;
        }
        EQ_PTR_NULL(p);
    }

    rev = (eq_node *)&nodes[0];
    EQ_CALL("List(NULL)", ret = List(NULL, &rev));
    if (ok_) {
        EQ_LL(ret, 0);
        EQ_PTR_NULL(rev);
    }
}

/* ---------------------------------------------------------- structures */
static void test_structs(void)
{
    int ok_;
    static EQ_LONG ret;
    static eq_flat f, of;
    static eq_mixed m, om, io;
    static eq_outer in, out;
    eq_point pv;

    eq_fill_flat(&f, 1);
    eq_fill_mixed(&m, 2, 0);
    eq_fill_mixed(&io, 4, 0);
    pv.x = PV_X;
    pv.y = PV_Y;
    memset(&of, 0, sizeof of);
    memset(&om, 0, sizeof om);
    EQ_CALL("Structs", ret = Structs(&f, &m, pv, &of, &om, &io));
    if (ok_) {
        EQ_LL(ret, 2);
        eq_check_flat(&of, 3);
        eq_check_mixed(&om, 5);
        eq_check_mixed(&io, 6);
    }

    memset(&in, 0, sizeof in);
    in.count = 2;
    eq_fill_flat(&in.flat, 7);
    eq_fill_mixed(&in.mixed, 0, 0);
    in.pflat = eq_alloc(sizeof *in.pflat);
    eq_fill_flat(in.pflat, 8);
    memset(&out, 0, sizeof out);
    EQ_CALL("Outer", ret = Outer(&in, &out));
    if (ok_) {
        EQ_LL(ret, 1);
        EQ_LL(out.count, 3);
        eq_check_flat(&out.flat, 9);
        eq_check_mixed(&out.mixed, 1);
        EQ_PTR_NULL(out.pflat);
    }
}

/* ---------------------------------------------------------- unions */
static void test_union_round(int r)
{
    int ok_;
    static EQ_LONG ret;
    static short k;
    static eq_nu n;
    static eq_color c;
    static eq_cu u;
    static eq_eu e;
    static eq_uholder h;
    static const char *const what[UNION_ROUNDS] = {"UnionIn(1)", "UnionIn(2)", "UnionIn(4)", "UnionIn(default)"};

    eq_fill_unions(r, &k, &n, &c, &u, &e, &h);
    EQ_CALL(what[r], ret = UnionIn(k, &n, c, &u, &e, &h, EQ_GUARD));
    if (ok_)
        EQ_LL(ret, r);
}

static void test_union_out(short k, eq_color c)
{
    int ok_;
    static EQ_LONG ret;
    static eq_onu n;
    static eq_ocu u;
    static eq_eu e, io;
    static eq_uholder h;
    static short sk;
    static eq_color sc;

    sk = k;
    sc = c;
    memset(&n, 0, sizeof n);
    memset(&u, 0, sizeof u);
    memset(&e, 0, sizeof e);
    memset(&h, 0, sizeof h);
    io.kind = 1;
    io.u.s = UO_IO_S;
    EQ_CALL(k == 4 ? "UnionOut(4)" : "UnionOut(2)", ret = UnionOut(sk, &n, sc, &u, &e, &h, &io, EQ_GUARD));
    if (!ok_)
        return;
    EQ_LL(ret, k);
    if (k == 4) {
        EQ_LL(n.pt.x, UO_PTX);
        EQ_LL(n.pt.y, UO_PTY);
    } else {
        EQ_DBL(n.d, UO_D);
    }
    if (c == EQ_GREEN)
        EQ_LL(u.h, UO_H);
    else
        EQ_LL(u.c, UO_C);
    EQ_LL(e.kind, 5);
    EQ_LL(e.u.pt.x, UO_EPX);
    EQ_LL(e.u.pt.y, UO_EPY);
    EQ_LL(h.tag, 1);
    EQ_LL(h.k, 2);
    EQ_LL(h.lu.h, UO_HH);
    EQ_LL(h.tail, 2);
    EQ_LL(io.kind, 2);
    EQ_DBL(io.u.d, UO_IO_D);
}

static void test_unions(void)
{
    for (int r = 0; r < UNION_ROUNDS; r++)
        test_union_round(r);
    test_union_out(4, EQ_GREEN);
    test_union_out(2, EQ_RED);
}

/* ---------------------------------------------------------- context handles */
static void test_contexts(void)
{
    int ok_;
    volatile unsigned long code;
    static EQ_LONG ret, v;
    static eq_ctx a, b, nul;

    a = b = NULL;
    EQ_CALL("CtxOpen(a)", ret = CtxOpen(CTX_SEED_A, &a));
    if (ok_) {
        EQ_LL(ret, 1);
        EQ_PTR_SET(a);
    }
    EQ_CALL("CtxOpen(b)", ret = CtxOpen(CTX_SEED_B, &b));
    if (ok_) {
        EQ_LL(ret, 2);
        EQ_PTR_SET(b);
        EQ_CHECK(a != b, "two opens gave one handle");
    }
    if (!a || !b)
        return;
    v = 0;
    EQ_CALL("CtxUse(a)", ret = CtxUse(a, CTX_ADD_A, &v));
    if (ok_)
        EQ_LL(v, CTX_SEED_A + CTX_ADD_A);
    EQ_CALL("CtxUse(b)", ret = CtxUse(b, CTX_ADD_B, &v));
    if (ok_)
        EQ_LL(v, CTX_SEED_B + CTX_ADD_B);
    EQ_CALL("CtxSwap", ret = CtxSwap(a, &b));
    if (ok_) {
        EQ_LL(ret, 2);
        EQ_PTR_SET(b);
    }
    EQ_CALL("CtxUse(new b)", ret = CtxUse(b, 0, &v));
    if (ok_)
        EQ_LL(v, CTX_SEED_A + CTX_ADD_A + CTX_SEED_B + CTX_ADD_B);
    EQ_CALL("CtxClose(a)", ret = CtxClose(&a));
    if (ok_) {
        EQ_LL(ret, CTX_SEED_A + CTX_ADD_A);
        EQ_PTR_NULL(a);
    }
    EQ_CALL("CtxClose(b)", ret = CtxClose(&b));
    if (ok_) {
        EQ_LL(ret, CTX_SEED_A + CTX_ADD_A + CTX_SEED_B + CTX_ADD_B);
        EQ_PTR_NULL(b);
    }
    /* a NULL [in, out] handle travels as the nil handle (a is the binding) */
    a = NULL;
    EQ_CALL("CtxOpen(a again)", ret = CtxOpen(CTX_SEED_A, &a));
    if (!ok_ || !a)
        return;
    nul = NULL;
    EQ_CALL("CtxSwap(a, NULL)", ret = CtxSwap(a, &nul));
    if (ok_) {
        EQ_LL(ret, 2);
        EQ_PTR_SET(nul);
    }
    EQ_CALL("CtxUse(new)", ret = CtxUse(nul, 0, &v));
    if (ok_)
        EQ_LL(v, CTX_SEED_A);
    EQ_CALL("CtxClose(new)", ret = CtxClose(&nul));
    if (ok_)
        EQ_PTR_NULL(nul);
    /* a is still open: closing the handle that came back from a call bound
     * by a did not end a's association */
    EQ_CALL("CtxClose(a again)", ret = CtxClose(&a));
    if (ok_) {
        EQ_LL(ret, CTX_SEED_A);
        EQ_PTR_NULL(a);
    }
    /* a NULL [in] handle never leaves the client */
    eq_where = "CtxUse(NULL)";
    GUARD(code, ret = CtxUse(NULL, 1, &v));
    EQ_CHECK(code == RPC_X_SS_IN_NULL_CONTEXT, "raised %lu, expected RPC_X_SS_IN_NULL_CONTEXT (%lu)",
             (unsigned long)code, (unsigned long)RPC_X_SS_IN_NULL_CONTEXT);
}

/* ---------------------------------------------------------- range */
static void range_call(const char *what, EQ_LONG r, short s, eq_color e, EQ_LONG n, EQ_LONG rv,
                       EQ_LONG want, unsigned long expect)
{
    volatile unsigned long code;
    static EQ_LONG ret, a[16], o;
    static eq_ranged rin, rout;
    static EQ_LONG sr, sn, srv, swant;
    static short ss;
    static eq_color se;

    sr = r; ss = s; se = e; sn = n; srv = rv; swant = want;
    for (int i = 0; i < 16; i++)
        a[i] = i + 1;
    memset(&rout, 0, sizeof rout);
    o = -1;
    eq_where = what;
    GUARD(code, (rin.v = srv, rin.s = -3, rin.pad = 0,
                 ret = Range(sr, ss, se, sn, a, &rin, swant, &rout, &o)));
    if (expect == 0) {
        if (eq_returned(code, what)) {
            EQ_LL(ret, RANGE_N * (RANGE_N + 1) / 2);
            EQ_LL(rout.v, want);
            EQ_LL(rout.s, 3);
            EQ_LL(o, want);
        }
    } else {
        EQ_CHECK(code == expect, "raised %lu (0x%lx), expected %lu", (unsigned long)code,
                 (unsigned long)code, expect);
    }
}

static void test_range(void)
{
    range_call("Range", RANGE_R, RANGE_S, EQ_BLUE, RANGE_N, 9, RANGE_WANT, 0);
    /* out of range [in]: the server's stub refuses it */
    range_call("Range(r = 101)", 101, RANGE_S, EQ_BLUE, RANGE_N, 9, RANGE_WANT, EQ_INVALID_BOUND);
    range_call("Range(s = -6)", RANGE_R, -6, EQ_BLUE, RANGE_N, 9, RANGE_WANT, EQ_INVALID_BOUND);
    range_call("Range(e = EQ_TOP)", RANGE_R, RANGE_S, EQ_TOP, RANGE_N, 9, RANGE_WANT, EQ_INVALID_BOUND);
    range_call("Range(n = 9)", RANGE_R, RANGE_S, EQ_BLUE, 9, 9, RANGE_WANT, EQ_INVALID_BOUND);
    /* out of range [out]: the client's stub refuses it (widl's Range has
     * no [range] on o, only on rout's members) */
#ifdef EQ_WIDL
    range_call("Range(o = 8)", RANGE_R, RANGE_S, EQ_BLUE, RANGE_N, 9, 8, 0);
#else
    range_call("Range(o = 8)", RANGE_R, RANGE_S, EQ_BLUE, RANGE_N, 9, 8, EQ_INVALID_BOUND);
#endif
}

/* ---------------------------------------------------------- known problems */
static void test_known(void)
{
    int ok_;
    static EQ_LONG ret, otail, av, bv;
    static eq_pad pin, pout;
    static eq_gap gin, gout;
    static eq_pu pu;
    static char ps[] = UP_S;
    static wchar_t pw[] = UP_W;
    static eq_point ppt = {UP_PX, UP_PY};
    static eq_ueh uin, uout;
    static eq_sueh sin, sout;
    static eq_mu m1, m2;

    if (eq_known_enter("KnownUnionPtr", "widl/Wine: union arms that are pointers (strings, [unique])")) {
        pu.s = ps;
        EQ_CALL("KnownUnionPtr(string)", ret = KnownUnionPtr(1, &pu));
        pu.w = pw;
        EQ_CALL("KnownUnionPtr(wide string)", ret = KnownUnionPtr(2, &pu));
        pu.p = &ppt;
        EQ_CALL("KnownUnionPtr(unique)", ret = KnownUnionPtr(3, &pu));
        eq_known_leave("KnownUnionPtr");
    }

    if (eq_known_enter("KnownUnionParams", "widl: two [switch_is] parameters of one union type are both "
                       "switched by the last one's discriminant")) {
        m1.l = UM_L;
        m2.h = UM_H;
        EQ_CALL("KnownUnionParams", ret = KnownUnionParams(1, &m1, 2, &m2));
        if (ok_)
            EQ_LL(ret, 2);
        eq_known_leave("KnownUnionParams");
    }

    if (eq_known_enter("KnownShortUnionInStruct", "widl: the discriminant of a union inside a structure "
                       "goes as a long, not as its [switch_type] (short)")) {
        sin.tag = 0x11;
        sin.k = 2;
        sin.nu.h = U_HH;
        sin.tail = 0x22;
        memset(&sout, 0, sizeof sout);
        EQ_CALL("KnownShortUnionInStruct", ret = KnownShortUnionInStruct(&sin, &sout));
        if (ok_) {
            EQ_LL(ret, 2);
            EQ_LL(sout.tag, 0x33);
            EQ_LL(sout.k, 1);
            EQ_LL(sout.nu.l, UO_HL);
            EQ_LL(sout.tail, 0x44);
        }
        eq_known_leave("KnownShortUnionInStruct");
    }

    if (eq_known_enter("KnownUnionInStruct", "widl/Wine: an encapsulated union inside a structure")) {
        uin.tag = 0x11;
        uin.eu.kind = 2;
        uin.eu.u.d = 1.5;
        uin.tail = 0x22;
        memset(&uout, 0, sizeof uout);
        EQ_CALL("KnownUnionInStruct", ret = KnownUnionInStruct(&uin, &uout));
        if (ok_) {
            EQ_LL(ret, 2);
            EQ_LL(uout.tag, 0x33);
            EQ_LL(uout.eu.kind, 1);
            EQ_LL(uout.eu.u.s, 9);
            EQ_LL(uout.tail, 0x44);
        }
        eq_known_leave("KnownUnionInStruct");
    }

    if (eq_known_enter("KnownRangeMember", "widl/Wine: [range] on structure members is not checked")) {
        volatile unsigned long code;
        static eq_ranged rin, rout;
        rin.v = 10;
        rin.s = -3;
        rin.pad = 0;
        eq_where = "KnownRangeMember(rin.v = 10)";
        GUARD(code, ret = KnownRangeMember(&rin, 9, &rout));
        EQ_CHECK(code == EQ_INVALID_BOUND, "raised %lu (0x%lx), expected %u", (unsigned long)code,
                 (unsigned long)code, EQ_INVALID_BOUND);
        rin.v = 9;
        eq_where = "KnownRangeMember(rout.v = 10)";
        GUARD(code, ret = KnownRangeMember(&rin, 10, &rout));
        EQ_CHECK(code == EQ_INVALID_BOUND, "raised %lu (0x%lx), expected %u", (unsigned long)code,
                 (unsigned long)code, EQ_INVALID_BOUND);
        eq_known_leave("KnownRangeMember");
    }

    if (eq_known_enter("KnownPad", "widl/Wine: a complex structure's member that needs padding before it "
                       "is marshalled without it")) {
        memset(&pin, 0, sizeof pin);
        pin.c = PAD_C;
        pin.l = PAD_L;
        pin.e = PAD_E;
        pin.s = PAD_S;
        memset(&pout, 0, sizeof pout);
        EQ_CALL("KnownPad", ret = KnownPad(&pin, &pout));
        if (ok_) {
            EQ_LL(pout.c, PAD_C + 1);
            EQ_LL(pout.l, PAD_L + 1);
            EQ_LL(pout.e, EQ_GREEN);
            EQ_LL(pout.s, PAD_S + 1);
        }
        eq_known_leave("KnownPad");
    }

    if (eq_known_enter("KnownGap", "asyncrpc-idl: padding after a structure whose size is not a multiple "
                       "of its alignment")) {
        gin.h = GAP_H;
        gin.l = GAP_L;
        memset(&gout, 0, sizeof gout);
        otail = 0;
        EQ_CALL("KnownGap", ret = KnownGap(&gin, GAP_TAIL, &gout, &otail));
        if (ok_) {
            EQ_LL(gout.h, GAP_H + 1);
            EQ_LL(gout.l, GAP_L + 1);
            EQ_LL(otail, GAP_TAIL + 1);
        }
        eq_known_leave("KnownGap");
    }

    if (eq_known_enter("KnownAlias", "asyncrpc: [ptr] pointers are marshalled as [unique] ones "
                       "(no aliasing)")) {
        av = ALIAS_V;
        bv = ALIAS_V;
        EQ_CALL("KnownAlias", ret = KnownAlias(&av, &av));
        if (ok_)
            EQ_LL(ret, 1);
        eq_known_leave("KnownAlias");
    }
    (void)bv;
}

/* ---------------------------------------------------------- faults */
static void test_fault(void)
{
    volatile unsigned long code;
    static EQ_LONG ret;

    eq_where = "RaiseFault";
    GUARD(code, RaiseFault(FAULT_CODE));
    EQ_CHECK(code == FAULT_CODE, "raised %lu (0x%lx), expected 0x%x", code, code, FAULT_CODE);
    /* The binding works after a fault. */
    {
        int ok_;
        EQ_CALL("RetLong after the fault", ret = RetLong(IN_LONG));
        if (ok_)
            EQ_LL(ret, XF_LONG(IN_LONG));
    }
}

/* All of them, in order (the known problems too when known is set); then
 * Shutdown unless told not to. */
static int equiv_run(int shutdown, int known, const char *who)
{
    eq_known = known;
    test_base();
    test_returns();
    test_strings();
    test_arrays();
    test_pointers();
    test_list();
    test_structs();
    test_unions();
    test_contexts();
    test_range();
    test_known();
    test_fault();
    if (shutdown) {
        int ok_;
        EQ_CALL("Shutdown", Shutdown());
        (void)ok_;
    }
    printf("%s: %d passed, %d failed, %d skipped (known problems)\n", who, eq_passed, eq_failed, eq_skipped);
    return eq_failed ? 1 : 0;
}
#endif /* EQUIV_CLIENT_H */

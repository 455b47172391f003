/* wine_client.c - the interop client built on Wine's rpcrt4: widl -Oif stubs
 * from interop.idl, x86_64-w64-mingw32-gcc, linked with -lrpcrt4 (Wine's,
 * never asyncrpc.dll), with -Dsmall=char (MinGW's rpcndr.h defines NDR's
 * small only for rc; widl's stubs need it too).  Run under wine.
 *
 *   wine_client.exe PORT [noshutdown]
 *
 * Binds to ncacn_ip_tcp:127.0.0.1[PORT], calls every procedure of
 * interop.idl, checks every returned value, then calls Shutdown (unless
 * "noshutdown").  Prints "N passed, M failed"; exits 0 only if nothing
 * failed.
 *
 * Server faults are caught by GUARD (wine_guard.h). */
#include <windows.h>
#include <rpc.h>
#include <rpcndr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interop_w.h"
#include "interop_common.h"
#include "wine_guard.h"

#define CHECK_NO_FAULT(code, what) \
    CHECK((code) == 0, "%s raised exception %lu (0x%lx)", what, (unsigned long)(code), (unsigned long)(code))

void *__RPC_USER MIDL_user_allocate(size_t size)
{
    return malloc(size ? size : 1);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}

/* ------------------------------------------------------------------ the calls */
static void test_base_types(void)
{
    volatile DWORD code;
    static small os; static short osh; static LONG ol, ret; static hyper oh;
    static float of; static double od; static byte ob; static boolean obo;
    GUARD(code, ret = BaseTypes(IN_SMALL, IN_SHORT, IN_LONG, IN_HYPER, IN_FLOAT, IN_DOUBLE,
                                IN_BYTE, IN_BOOLEAN, &os, &osh, &ol, &oh, &of, &od, &ob, &obo));
    CHECK_NO_FAULT(code, "BaseTypes");
    if (code)
        return;
    CHECK_EQ_LL(ret, XF_RET(IN_SMALL, IN_SHORT, IN_LONG));
    CHECK_EQ_LL(os, XF_SMALL(IN_SMALL));
    CHECK_EQ_LL(osh, XF_SHORT(IN_SHORT));
    CHECK_EQ_LL(ol, XF_LONG(IN_LONG));
    CHECK_EQ_LL(oh, XF_HYPER(IN_HYPER));
    CHECK_EQ_DBL(of, XF_FLOAT(IN_FLOAT));
    CHECK_EQ_DBL(od, XF_DOUBLE(IN_DOUBLE));
    CHECK_EQ_LL(ob, XF_BYTE(IN_BYTE));
    CHECK_EQ_LL(obo, XF_BOOLEAN(IN_BOOLEAN));
}

static void test_strings(void)
{
    volatile DWORD code;
    static LONG n;
    static char out[64];
    static char in1[] = STR_IN, in2[] = "", in3[] = STR_REV_IN;

    GUARD(code, n = StrLen(in1));
    CHECK_NO_FAULT(code, "StrLen");
    if (!code)
        CHECK_EQ_LL(n, strlen(STR_IN));
    GUARD(code, n = StrLen(in2));
    CHECK_NO_FAULT(code, "StrLen(\"\")");
    if (!code)
        CHECK_EQ_LL(n, 0);

    memset(out, 'x', sizeof out);
    GUARD(code, StrReverse(in3, sizeof out, out));
    CHECK_NO_FAULT(code, "StrReverse");
    if (!code)
        CHECK_EQ_STR(out, STR_REV_OUT);
}

static void test_array(void)
{
    volatile DWORD code;
    static LONG ret;
    static hyper sum;
    static LONG one[1] = {-77};
    LONG *arr = malloc(ARRAY_N * sizeof *arr);
    long long expect = 0;

    for (int i = 0; i < ARRAY_N; i++) {
        arr[i] = (LONG)ARRAY_ELT(i);
        expect += ARRAY_ELT(i);
    }
    sum = 0;
    GUARD(code, ret = SumArray(ARRAY_N, arr, &sum));
    CHECK_NO_FAULT(code, "SumArray");
    if (!code) {
        CHECK_EQ_LL(ret, ARRAY_N);
        CHECK_EQ_LL(sum, expect);
    }
    free(arr);

    sum = 0;
    GUARD(code, ret = SumArray(1, one, &sum));
    CHECK_NO_FAULT(code, "SumArray(1)");
    if (!code) {
        CHECK_EQ_LL(ret, 1);
        CHECK_EQ_LL(sum, -77);
    }
}

static void test_struct(void)
{
    volatile DWORD code;
    static interop_rec in, out, io, want_out, want_io;

    in.id = REC_IN_ID; in.kind = REC_IN_KIND; in.big = REC_IN_BIG;
    in.weight = REC_IN_WEIGHT; in.tag = REC_IN_TAG;
    io.id = REC_IO_ID; io.kind = REC_IO_KIND; io.big = REC_IO_BIG;
    io.weight = REC_IO_WEIGHT; io.tag = REC_IO_TAG;
    XF_REC_OUT(&want_out, &in);
    want_io = io;
    XF_REC_IO(&want_io);

    GUARD(code, TransformRec(&in, &out, &io));
    CHECK_NO_FAULT(code, "TransformRec");
    if (code)
        return;
    CHECK_EQ_LL(out.id, want_out.id);
    CHECK_EQ_LL(out.kind, want_out.kind);
    CHECK_EQ_LL(out.big, want_out.big);
    CHECK_EQ_DBL(out.weight, want_out.weight);
    CHECK_EQ_LL(out.tag, want_out.tag);
    CHECK_EQ_LL(io.id, want_io.id);
    CHECK_EQ_LL(io.kind, want_io.kind);
    CHECK_EQ_LL(io.big, want_io.big);
    CHECK_EQ_DBL(io.weight, want_io.weight);
    CHECK_EQ_LL(io.tag, want_io.tag);
    /* [in] only: untouched */
    CHECK_EQ_LL(in.id, REC_IN_ID);
}

static void test_fault(void)
{
    volatile DWORD code;
    static LONG n;
    static char in1[] = STR_IN;

    GUARD(code, RaiseFault(FAULT_CODE));
    CHECK(code == FAULT_CODE, "RaiseFault raised %lu (0x%lx), expected 0x%x",
          (unsigned long)code, (unsigned long)code, FAULT_CODE);

    /* The binding is still usable after a fault. */
    GUARD(code, n = StrLen(in1));
    CHECK_NO_FAULT(code, "StrLen after the fault");
    if (!code)
        CHECK_EQ_LL(n, strlen(STR_IN));
}

int main(int argc, char **argv)
{
    RPC_STATUS st;
    RPC_CSTR sb = NULL;
    volatile DWORD code;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [noshutdown]\n", argv[0]);
        return 2;
    }
    wine_guard_init();

    st = RpcStringBindingComposeA(NULL, (RPC_CSTR)"ncacn_ip_tcp", (RPC_CSTR)"127.0.0.1",
                                  (RPC_CSTR)argv[1], NULL, &sb);
    CHECK(st == RPC_S_OK, "RpcStringBindingCompose: %ld", (long)st);
    if (st)
        goto done;
    st = RpcBindingFromStringBindingA(sb, &interop_IfHandle);
    CHECK(st == RPC_S_OK, "RpcBindingFromStringBinding(%s): %ld", (char *)sb, (long)st);
    RpcStringFreeA(&sb);
    if (st)
        goto done;

    test_base_types();
    test_strings();
    test_array();
    test_struct();
    test_fault();

    if (argc < 3 || strcmp(argv[2], "noshutdown") != 0) {
        GUARD(code, Shutdown());
        CHECK_NO_FAULT(code, "Shutdown");
    }
    RpcBindingFree(&interop_IfHandle);
done:
    printf("wine_client: %d passed, %d failed\n", interop_passed, interop_failed);
    return interop_failed ? 1 : 0;
}

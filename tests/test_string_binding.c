/* test_string_binding.c - RpcStringBindingCompose/Parse, RpcStringFree and
 * the string UUID functions, through the exported API only (A and W). */
#include <windows.h>
#include <rpc.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define A(s) ((RPC_CSTR)(s))
#define W(s) ((RPC_WSTR)(s))

static const char *UUID_LC = "6b29fc40-ca47-1067-b31d-00dd010662da";
static const char *UUID_UC = "6B29FC40-CA47-1067-B31D-00DD010662DA";

/* ------------------------------------------------------------ helpers */

typedef struct parts {
    RPC_CSTR uuid, protseq, netaddr, endpoint, options;
} parts;

static RPC_STATUS parse_a(const char *s, parts *p)
{
    memset(p, 0x55, sizeof *p);   /* garbage: the call must set every one */
    return RpcStringBindingParseA(A(s), &p->uuid, &p->protseq, &p->netaddr, &p->endpoint, &p->options);
}

static void free_parts(parts *p)
{
    RpcStringFreeA(&p->uuid);
    RpcStringFreeA(&p->protseq);
    RpcStringFreeA(&p->netaddr);
    RpcStringFreeA(&p->endpoint);
    RpcStringFreeA(&p->options);
}

static void expect_parse(const char *s, const char *uuid, const char *protseq, const char *netaddr,
                         const char *endpoint, const char *options)
{
    parts p;
    assert_int_equal(parse_a(s, &p), RPC_S_OK);
    assert_string_equal((char *)p.uuid, uuid);
    assert_string_equal((char *)p.protseq, protseq);
    assert_string_equal((char *)p.netaddr, netaddr);
    assert_string_equal((char *)p.endpoint, endpoint);
    assert_string_equal((char *)p.options, options);
    free_parts(&p);
}

static void expect_compose(const char *uuid, const char *protseq, const char *netaddr,
                           const char *endpoint, const char *options, const char *want)
{
    RPC_CSTR s = A("junk");
    assert_int_equal(RpcStringBindingComposeA(A(uuid), A(protseq), A(netaddr), A(endpoint), A(options), &s),
                     RPC_S_OK);
    assert_non_null(s);
    assert_string_equal((char *)s, want);
    assert_int_equal(RpcStringFreeA(&s), RPC_S_OK);
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* compose(parts) then parse: the same parts back ("" for absent). */
static void roundtrip_a(const char *uuid, const char *protseq, const char *netaddr,
                        const char *endpoint, const char *options)
{
    RPC_CSTR s = NULL;
    parts p;
    assert_int_equal(RpcStringBindingComposeA(A(uuid), A(protseq), A(netaddr), A(endpoint), A(options), &s),
                     RPC_S_OK);
    assert_int_equal(parse_a((char *)s, &p), RPC_S_OK);
    assert_string_equal((char *)p.uuid, nz(uuid));
    assert_string_equal((char *)p.protseq, nz(protseq));
    assert_string_equal((char *)p.netaddr, nz(netaddr));
    assert_string_equal((char *)p.endpoint, nz(endpoint));
    assert_string_equal((char *)p.options, nz(options));
    free_parts(&p);
    RpcStringFreeA(&s);
}

static void expect_parse_fails(const char *s, RPC_STATUS want)
{
    parts p;
    assert_int_equal(parse_a(s, &p), want);
    assert_null(p.uuid);
    assert_null(p.protseq);
    assert_null(p.netaddr);
    assert_null(p.endpoint);
    assert_null(p.options);
}

static int wide_eq(RPC_WSTR a, const wchar_t *b)
{
    return a && wcscmp((const wchar_t *)a, b) == 0;
}

/* ------------------------------------------------------------- compose */

static void compose_every_part(void **state)
{
    (void)state;
    expect_compose(UUID_LC, "ncacn_ip_tcp", "127.0.0.1", "1234", "opt=x",
                   "6b29fc40-ca47-1067-b31d-00dd010662da@ncacn_ip_tcp:127.0.0.1[1234,opt=x]");
    /* The UUID is written as given (checked, not normalised). */
    expect_compose(UUID_UC, "ncalrpc", NULL, "ep", NULL,
                   "6B29FC40-CA47-1067-B31D-00DD010662DA@ncalrpc:[ep]");
    expect_compose(NULL, "ncacn_ip_tcp", "127.0.0.1", "1234", NULL, "ncacn_ip_tcp:127.0.0.1[1234]");
    expect_compose(NULL, "ncacn_ip_tcp", "host", NULL, NULL, "ncacn_ip_tcp:host");
    expect_compose(NULL, "ncalrpc", NULL, "myep", NULL, "ncalrpc:[myep]");
    expect_compose(NULL, "ncacn_ip_tcp", "h", NULL, "opt=x", "ncacn_ip_tcp:h[,opt=x]");
    expect_compose(NULL, "ncacn_http", "major7.microsoft.com", NULL,
                   "HttpProxy=proxysvr:80,RpcProxy=websvr1.microsoft.com:80",
                   "ncacn_http:major7.microsoft.com[,HttpProxy=proxysvr:80,RpcProxy=websvr1.microsoft.com:80]");
    expect_compose(NULL, "ncalrpc", NULL, NULL, NULL, "ncalrpc:");
    /* "" is the same as NULL for every part. */
    expect_compose("", "ncalrpc", "", "", "", "ncalrpc:");
}

static void compose_null_out_and_bad_uuid(void **state)
{
    RPC_CSTR s = A("junk");
    (void)state;
    /* A NULL StringBinding is allowed (documented): nothing is returned. */
    assert_int_equal(RpcStringBindingComposeA(NULL, A("ncalrpc"), NULL, A("ep"), NULL, NULL), RPC_S_OK);
    assert_int_equal(RpcStringBindingComposeA(A("not-a-uuid"), A("ncalrpc"), NULL, A("ep"), NULL, &s),
                     RPC_S_INVALID_STRING_UUID);
    assert_null(s);
    assert_int_equal(RpcStringBindingComposeA(A("{6b29fc40-ca47-1067-b31d-00dd010662da}"), A("ncalrpc"),
                                              NULL, NULL, NULL, &s),
                     RPC_S_INVALID_STRING_UUID);
    assert_int_equal(RpcStringBindingComposeA(A("not-a-uuid"), A("ncalrpc"), NULL, NULL, NULL, NULL),
                     RPC_S_INVALID_STRING_UUID);
}

static void compose_escapes(void **state)
{
    (void)state;
    /* Backslashes are doubled: the docs' ncacn_np examples. */
    expect_compose(NULL, "ncacn_np", "\\\\marketing", "\\pipe\\p2\\p3\\p4", NULL,
                   "ncacn_np:\\\\\\\\marketing[\\\\pipe\\\\p2\\\\p3\\\\p4]");
    expect_compose(NULL, "ncalrpc", NULL, "a[b]c,d=e", NULL, "ncalrpc:[a\\[b\\]c\\,d\\=e]");
    expect_compose(NULL, "ncacn_ip_tcp", "h[x]", NULL, NULL, "ncacn_ip_tcp:h\\[x\\]");
    expect_compose(NULL, "p@q:r", "h", NULL, NULL, "p\\@q\\:r:h");
    /* Options keep their ',' and '=' separators; brackets are escaped. */
    expect_compose(NULL, "ncalrpc", NULL, "ep", "a=[1],b=2", "ncalrpc:[ep,a=\\[1\\],b=2]");
    /* Addresses keep their colons and '@' unescaped. */
    expect_compose(NULL, "ncacn_ip_tcp", "fe80::1%eth0", "135", NULL, "ncacn_ip_tcp:fe80::1%eth0[135]");
    expect_compose(NULL, "ncacn_at_dsp", "server@zone", "ep", NULL, "ncacn_at_dsp:server@zone[ep]");
}

/* --------------------------------------------------------------- parse */

static void parse_every_part(void **state)
{
    (void)state;
    expect_parse("6b29fc40-ca47-1067-b31d-00dd010662da@ncacn_ip_tcp:127.0.0.1[1234,opt=x]",
                 UUID_LC, "ncacn_ip_tcp", "127.0.0.1", "1234", "opt=x");
    expect_parse("6B29FC40-CA47-1067-B31D-00DD010662DA@ncacn_ip_tcp:host[80]",
                 UUID_UC, "ncacn_ip_tcp", "host", "80", "");
    expect_parse("ncacn_ip_tcp:host[1234,opt=x]", "", "ncacn_ip_tcp", "host", "1234", "opt=x");
    expect_parse("ncacn_ip_tcp:host[,a=1,b=2]", "", "ncacn_ip_tcp", "host", "", "a=1,b=2");
    expect_parse("ncacn_ip_tcp:host[1,]", "", "ncacn_ip_tcp", "host", "1", "");
    expect_parse("ncacn_ip_tcp:host[]", "", "ncacn_ip_tcp", "host", "", "");
}

static void parse_absent_parts_are_empty(void **state)
{
    (void)state;
    expect_parse("ncalrpc:", "", "ncalrpc", "", "", "");
    expect_parse("ncalrpc:[myep]", "", "ncalrpc", "", "myep", "");
    expect_parse("ncacn_ip_tcp:host", "", "ncacn_ip_tcp", "host", "", "");
    expect_parse(":", "", "", "", "", "");
    /* An empty UUID before '@' counts as absent. */
    expect_parse("@ncalrpc:", "", "ncalrpc", "", "", "");
}

static void parse_docs_examples(void **state)
{
    (void)state;
    expect_parse("6b29fc40-ca47-1067-b31d-00dd010662da@ncacn_ip_tcp:16.20.16.27[endpoint=2001]",
                 UUID_LC, "ncacn_ip_tcp", "16.20.16.27", "2001", "");
    expect_parse("ncacn_np:\\\\\\\\marketing[\\\\pipe\\\\p2\\\\p3\\\\p4]",
                 "", "ncacn_np", "\\\\marketing", "\\pipe\\p2\\p3\\p4", "");
    expect_parse("ncacn_np:\\\\\\\\marketing[endpoint=\\\\pipe\\\\p2\\\\p3\\\\p4]",
                 "", "ncacn_np", "\\\\marketing", "\\pipe\\p2\\p3\\p4", "");
    expect_parse("ncacn_np:[\\\\pipe\\\\p3,Security=impersonation static true]",
                 "", "ncacn_np", "", "\\pipe\\p3", "Security=impersonation static true");
    expect_parse("ncalrpc:[object2_name,Security=anonymous static true]",
                 "", "ncalrpc", "", "object2_name", "Security=anonymous static true");
    expect_parse("ncacn_vns_spp:server@group@org[500]", "", "ncacn_vns_spp", "server@group@org", "500", "");
    expect_parse("ncacn_http:major7.microsoft.com[,HttpProxy=proxysvr:80,RpcProxy=websvr1.microsoft.com:80]",
                 "", "ncacn_http", "major7.microsoft.com", "",
                 "HttpProxy=proxysvr:80,RpcProxy=websvr1.microsoft.com:80");
    expect_parse("ncacn_dnet_nsp:took[endpoint=elf_server]", "", "ncacn_dnet_nsp", "took", "elf_server", "");
    /* The keyword is case-insensitive. */
    expect_parse("ncacn_ip_tcp:h[EndPoint=2001]", "", "ncacn_ip_tcp", "h", "2001", "");
}

static void parse_ipv6(void **state)
{
    (void)state;
    /* IPv6 literals are written bare; '[' always opens the endpoint. */
    expect_parse("ncacn_ip_tcp:fe80::1[135]", "", "ncacn_ip_tcp", "fe80::1", "135", "");
    expect_parse("ncacn_ip_tcp:::1", "", "ncacn_ip_tcp", "::1", "", "");
    expect_parse("ncacn_ip_tcp:::1[80,o=1]", "", "ncacn_ip_tcp", "::1", "80", "o=1");
    expect_parse("ncacn_ip_tcp:[::1]", "", "ncacn_ip_tcp", "", "::1", "");
    expect_parse("6b29fc40-ca47-1067-b31d-00dd010662da@ncacn_ip_tcp:2001:db8::7[1]",
                 UUID_LC, "ncacn_ip_tcp", "2001:db8::7", "1", "");
    roundtrip_a(NULL, "ncacn_ip_tcp", "fe80::1%eth0", "135", NULL);
}

static void parse_escapes(void **state)
{
    (void)state;
    expect_parse("ncalrpc:[a\\,b]", "", "ncalrpc", "", "a,b", "");
    expect_parse("ncalrpc:[a\\]b\\[c]", "", "ncalrpc", "", "a]b[c", "");
    expect_parse("ncacn_ip_tcp:fe80\\:\\:1[1]", "", "ncacn_ip_tcp", "fe80::1", "1", "");
    expect_parse("p\\@q\\:r:h", "", "p@q:r", "h", "", "");
    /* An escaped '=' is not the endpoint= keyword. */
    expect_parse("ncalrpc:[endpoint\\=x]", "", "ncalrpc", "", "endpoint=x", "");
    /* A backslash before an ordinary character stays. */
    expect_parse("ncacn_np:srv[\\pipe\\name]", "", "ncacn_np", "srv", "\\pipe\\name", "");
    expect_parse("ncacn_np:\\\\srv[\\pipe\\name]", "", "ncacn_np", "\\srv", "\\pipe\\name", "");
    /* In the option list "\," and "\=" stay escaped; "\\" "\[" "\]" do not. */
    expect_parse("ncalrpc:[ep,a=x\\,y,b=\\[\\]\\\\]", "", "ncalrpc", "", "ep", "a=x\\,y,b=[]\\");
    /* A trailing lone backslash is kept. */
    expect_parse("ncacn_ip_tcp:h\\", "", "ncacn_ip_tcp", "h\\", "", "");
}

static void roundtrips(void **state)
{
    (void)state;
    roundtrip_a(UUID_LC, "ncacn_ip_tcp", "127.0.0.1", "1234", "opt=x");
    roundtrip_a(NULL, "ncacn_np", "\\\\server", "\\pipe\\name", "Security=identification dynamic true");
    roundtrip_a(NULL, "ncalrpc", NULL, "endpoint=x", NULL);
    roundtrip_a(NULL, "ncalrpc", NULL, "a\\", "b\\");
    roundtrip_a(NULL, "p@q:r[s]", "h[]@:,=\\", "e[],=@:\\", "o[]\\,=@:");
    roundtrip_a(UUID_UC, NULL, NULL, NULL, NULL);

    /* Pseudo-random parts from an alphabet heavy in special characters. */
    static const char alphabet[] = "ab:@[],=\\ ~.";
    uint32_t seed = 12345;
    for (int iter = 0; iter < 2000; iter++) {
        char f[4][12];
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            int len = (int)((seed >> 16) % 11);
            for (int j = 0; j < len; j++) {
                seed = seed * 1103515245u + 12345u;
                f[k][j] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
            }
            f[k][len] = '\0';
        }
        roundtrip_a((iter & 1) ? UUID_LC : NULL, f[0], f[1], f[2], f[3]);
    }
}

static void parse_null_outs(void **state)
{
    RPC_CSTR ep = NULL, opts = NULL;
    (void)state;
    assert_int_equal(RpcStringBindingParseA(A("ncacn_ip_tcp:h[80,o=1]"), NULL, NULL, NULL, &ep, NULL), RPC_S_OK);
    assert_string_equal((char *)ep, "80");
    RpcStringFreeA(&ep);
    assert_int_equal(RpcStringBindingParseA(A("ncacn_ip_tcp:h[80,o=1]"), NULL, NULL, NULL, NULL, &opts), RPC_S_OK);
    assert_string_equal((char *)opts, "o=1");
    RpcStringFreeA(&opts);
    assert_int_equal(RpcStringBindingParseA(A("ncacn_ip_tcp:h"), NULL, NULL, NULL, NULL, NULL), RPC_S_OK);
    /* Errors are still reported with no out pointer at all. */
    assert_int_equal(RpcStringBindingParseA(A("ncacn_ip_tcp"), NULL, NULL, NULL, NULL, NULL),
                     RPC_S_INVALID_STRING_BINDING);
    assert_int_equal(RpcStringBindingParseA(A("x@ncalrpc:"), NULL, NULL, NULL, NULL, NULL),
                     RPC_S_INVALID_STRING_UUID);
    assert_int_equal(RpcStringBindingParseA(NULL, NULL, NULL, NULL, NULL, NULL), RPC_S_INVALID_ARG);
}

static void parse_malformed(void **state)
{
    (void)state;
    expect_parse_fails("", RPC_S_INVALID_STRING_BINDING);
    expect_parse_fails("ncacn_ip_tcp", RPC_S_INVALID_STRING_BINDING);          /* no ':' */
    expect_parse_fails("ncacn_ip_tcp\\:h", RPC_S_INVALID_STRING_BINDING);      /* only an escaped one */
    expect_parse_fails("ncacn_ip_tcp:h[80", RPC_S_INVALID_STRING_BINDING);     /* unclosed */
    expect_parse_fails("ncacn_ip_tcp:h[80,o=1", RPC_S_INVALID_STRING_BINDING);
    expect_parse_fails("ncacn_ip_tcp:h[80\\]", RPC_S_INVALID_STRING_BINDING);  /* escaped close */
    expect_parse_fails("ncacn_ip_tcp:h[80]x", RPC_S_INVALID_STRING_BINDING);   /* trailing text */
    expect_parse_fails("ncacn_ip_tcp:h[80][1]", RPC_S_INVALID_STRING_BINDING);
    expect_parse_fails("ncacn_ip_tcp:h[8[0]]", RPC_S_INVALID_STRING_BINDING);  /* nested */
    expect_parse_fails("ncacn_ip_tcp:h[8,o[0]]", RPC_S_INVALID_STRING_BINDING);
    expect_parse_fails("ncacn_ip_tcp:h]", RPC_S_INVALID_STRING_BINDING);       /* stray ']' */
    expect_parse_fails("nc[acn:h", RPC_S_INVALID_STRING_BINDING);              /* '[' in protseq */
    expect_parse_fails("nc]acn:h", RPC_S_INVALID_STRING_BINDING);
    expect_parse_fails(UUID_LC, RPC_S_INVALID_STRING_BINDING);
    expect_parse_fails("6b29fc40-ca47-1067-b31d-00dd010662da@a@ncalrpc:", RPC_S_INVALID_STRING_BINDING);
}

static void parse_bad_uuid(void **state)
{
    (void)state;
    expect_parse_fails("not-a-uuid@ncacn_ip_tcp:h", RPC_S_INVALID_STRING_UUID);
    expect_parse_fails("6b29fc40-ca47-1067-b31d-00dd010662dz@ncalrpc:", RPC_S_INVALID_STRING_UUID);
    expect_parse_fails("6b29fc40-ca47-1067-b31d-00dd010662d@ncalrpc:", RPC_S_INVALID_STRING_UUID);
    expect_parse_fails("{6b29fc40-ca47-1067-b31d-00dd010662da}@ncalrpc:", RPC_S_INVALID_STRING_UUID);
    expect_parse_fails("6b29fc40ca47-1067-b31d-00dd010662da-@ncalrpc:", RPC_S_INVALID_STRING_UUID);
}

static void string_free(void **state)
{
    RPC_CSTR a = NULL;
    RPC_WSTR w = NULL;
    (void)state;
    assert_int_equal(RpcStringBindingComposeA(NULL, A("ncalrpc"), NULL, A("x"), NULL, &a), RPC_S_OK);
    assert_non_null(a);
    assert_int_equal(RpcStringFreeA(&a), RPC_S_OK);
    assert_null(a);
    assert_int_equal(RpcStringFreeA(&a), RPC_S_OK);   /* freeing NULL again is harmless */
    assert_int_equal(RpcStringBindingComposeW(NULL, W(L"ncalrpc"), NULL, W(L"x"), NULL, &w), RPC_S_OK);
    assert_non_null(w);
    assert_int_equal(RpcStringFreeW(&w), RPC_S_OK);
    assert_null(w);
    assert_int_equal(RpcStringFreeA(NULL), RPC_S_INVALID_ARG);
    assert_int_equal(RpcStringFreeW(NULL), RPC_S_INVALID_ARG);
}

/* ------------------------------------------------------------ W forms */

static void wide_roundtrip(void **state)
{
    /* é, 中, and U+1F600 (a surrogate pair in UTF-16). */
    const wchar_t *ep = L"\u00e9t\u00e9_\u4e2d_\U0001F600[x]";
    const wchar_t *addr = L"h\u00f4te";
    RPC_WSTR s = NULL, u = NULL, p = NULL, n = NULL, e = NULL, o = NULL;
    (void)state;

    assert_int_equal(RpcStringBindingComposeW(W(L"6B29FC40-CA47-1067-B31D-00DD010662DA"), W(L"ncalrpc"),
                                              W(addr), W(ep), W(L"Security=anonymous static true"), &s),
                     RPC_S_OK);
    assert_true(wide_eq(s, L"6B29FC40-CA47-1067-B31D-00DD010662DA@ncalrpc:h\u00f4te"
                           L"[\u00e9t\u00e9_\u4e2d_\U0001F600\\[x\\],Security=anonymous static true]"));
    assert_int_equal(RpcStringBindingParseW(s, &u, &p, &n, &e, &o), RPC_S_OK);
    assert_true(wide_eq(u, L"6B29FC40-CA47-1067-B31D-00DD010662DA"));
    assert_true(wide_eq(p, L"ncalrpc"));
    assert_true(wide_eq(n, addr));
    assert_true(wide_eq(e, ep));
    assert_true(wide_eq(o, L"Security=anonymous static true"));
    RpcStringFreeW(&s);
    RpcStringFreeW(&u);
    RpcStringFreeW(&p);
    RpcStringFreeW(&n);
    RpcStringFreeW(&e);
    RpcStringFreeW(&o);

    /* Absent parts are L""; NULL out pointers are allowed. */
    assert_int_equal(RpcStringBindingParseW(W(L"ncalrpc:[\u4e2d]"), &u, NULL, &n, &e, &o), RPC_S_OK);
    assert_true(wide_eq(u, L""));
    assert_true(wide_eq(n, L""));
    assert_true(wide_eq(e, L"\u4e2d"));
    assert_true(wide_eq(o, L""));
    RpcStringFreeW(&u);
    RpcStringFreeW(&n);
    RpcStringFreeW(&e);
    RpcStringFreeW(&o);

    /* Errors. */
    e = W(L"junk");
    assert_int_equal(RpcStringBindingParseW(W(L"ncalrpc:[x"), NULL, NULL, NULL, &e, NULL),
                     RPC_S_INVALID_STRING_BINDING);
    assert_null(e);
    assert_int_equal(RpcStringBindingParseW(W(L"zz@ncalrpc:"), NULL, NULL, NULL, &e, NULL),
                     RPC_S_INVALID_STRING_UUID);
    assert_int_equal(RpcStringBindingComposeW(W(L"zz"), W(L"ncalrpc"), NULL, NULL, NULL, &s),
                     RPC_S_INVALID_STRING_UUID);
    assert_null(s);
}

static void wide_invalid_text(void **state)
{
    /* An unpaired surrogate is invalid in UTF-16 and in UTF-32 alike. */
    wchar_t bad[] = { L'n', L'c', L':', (wchar_t)0xD800, L'x', 0 };
    RPC_WSTR s = NULL, n = NULL;
    (void)state;
    assert_int_equal(RpcStringBindingParseW(W(bad), NULL, NULL, &n, NULL, NULL), RPC_S_INVALID_STRING_BINDING);
    assert_null(n);
    assert_int_equal(RpcStringBindingComposeW(NULL, W(L"ncalrpc"), W(bad), NULL, NULL, &s), RPC_S_INVALID_ARG);
    assert_null(s);
}

/* ---------------------------------------------------------------- UUIDs */

static void uuid_string_roundtrip(void **state)
{
    UUID a, b;
    RPC_CSTR s = NULL;
    RPC_WSTR w = NULL;
    RPC_STATUS st;
    (void)state;

    assert_int_equal(UuidFromStringA(A(UUID_LC), &a), RPC_S_OK);
    assert_int_equal(a.Data1, 0x6b29fc40u);
    assert_int_equal(a.Data2, 0xca47);
    assert_int_equal(a.Data3, 0x1067);
    static const unsigned char d4[8] = { 0xb3, 0x1d, 0x00, 0xdd, 0x01, 0x06, 0x62, 0xda };
    assert_memory_equal(a.Data4, d4, 8);

    /* Case-insensitive in, lowercase out. */
    assert_int_equal(UuidFromStringA(A(UUID_UC), &b), RPC_S_OK);
    assert_true(UuidEqual(&a, &b, &st));
    assert_int_equal(st, RPC_S_OK);
    assert_int_equal(UuidFromStringA(A("6b29FC40-cA47-1067-B31d-00dd010662Da"), &b), RPC_S_OK);
    assert_true(UuidEqual(&a, &b, &st));
    assert_int_equal(UuidToStringA(&b, &s), RPC_S_OK);
    assert_string_equal((char *)s, UUID_LC);
    RpcStringFreeA(&s);
    assert_null(s);

    assert_int_equal(UuidToStringW(&a, &w), RPC_S_OK);
    assert_true(wide_eq(w, L"6b29fc40-ca47-1067-b31d-00dd010662da"));
    memset(&b, 0, sizeof b);
    assert_int_equal(UuidFromStringW(w, &b), RPC_S_OK);
    assert_true(UuidEqual(&a, &b, &st));
    RpcStringFreeW(&w);
    assert_int_equal(UuidFromStringW(W(L"6B29FC40-CA47-1067-B31D-00DD010662DA"), &b), RPC_S_OK);
    assert_true(UuidEqual(&a, &b, &st));
}

static void uuid_invalid(void **state)
{
    UUID u;
    static const char *bad[] = {
        "{6b29fc40-ca47-1067-b31d-00dd010662da}",
        "6b29fc40-ca47-1067-b31d-00dd010662d",
        "6b29fc40-ca47-1067-b31d-00dd010662daa",
        "6b29fc40-ca47-1067-b31d-00dd010662dg",
        "6b29fc40ca47-1067-b31d-00dd010662da-",
        "6b29fc40-ca47-1067-b31d_00dd010662da",
        " 6b29fc40-ca47-1067-b31d-00dd010662d",
        "6b29fc4x-ca47-1067-b31d-00dd010662da",
        "+b29fc40-ca47-1067-b31d-00dd010662da",
        "not a uuid",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(UuidFromStringA(A(bad[i]), &u), RPC_S_INVALID_STRING_UUID);
    assert_int_equal(UuidFromStringW(W(L"6b29fc40-ca47-1067-b31d-00dd010662\u00e9a"), &u), RPC_S_INVALID_STRING_UUID);
    assert_int_equal(UuidFromStringW(W(L"6b29fc40-ca47-1067-b31d-00dd010662daa"), &u), RPC_S_INVALID_STRING_UUID);
    assert_int_equal(UuidFromStringA(A(UUID_LC), NULL), RPC_S_INVALID_ARG);
}

static void uuid_nil(void **state)
{
    UUID u, n;
    RPC_STATUS st = 99;
    RPC_CSTR s = NULL;
    (void)state;
    memset(&u, 0xff, sizeof u);
    assert_int_equal(UuidCreateNil(&n), RPC_S_OK);
    assert_true(UuidIsNil(&n, &st));
    assert_int_equal(st, RPC_S_OK);
    assert_int_equal(UuidFromStringA(NULL, &u), RPC_S_OK);
    assert_true(UuidIsNil(&u, &st));
    memset(&u, 0xff, sizeof u);
    assert_int_equal(UuidFromStringA(A(""), &u), RPC_S_OK);
    assert_true(UuidIsNil(&u, &st));
    memset(&u, 0xff, sizeof u);
    assert_int_equal(UuidFromStringW(NULL, &u), RPC_S_OK);
    assert_true(UuidIsNil(&u, &st));
    assert_true(UuidIsNil(NULL, &st));
    assert_int_equal(UuidFromStringA(A("00000000-0000-0000-0000-000000000000"), &u), RPC_S_OK);
    assert_true(UuidIsNil(&u, &st));
    assert_int_equal(UuidToStringA(&u, &s), RPC_S_OK);
    assert_string_equal((char *)s, "00000000-0000-0000-0000-000000000000");
    RpcStringFreeA(&s);
    assert_int_equal(UuidFromStringA(A(UUID_LC), &u), RPC_S_OK);
    assert_false(UuidIsNil(&u, &st));
    assert_int_equal(UuidCreateNil(NULL), RPC_S_INVALID_ARG);
    assert_int_equal(UuidToStringA(&u, NULL), RPC_S_INVALID_ARG);
}

static void uuid_compare(void **state)
{
    UUID a, b;
    RPC_STATUS st = 99;
    (void)state;
    assert_int_equal(UuidFromStringA(A("00000001-0000-0000-0000-000000000000"), &a), RPC_S_OK);
    assert_int_equal(UuidFromStringA(A("00000000-ffff-ffff-ffff-ffffffffffff"), &b), RPC_S_OK);
    assert_int_equal(UuidCompare(&a, &b, &st), 1);     /* Data1 first, as a number */
    assert_int_equal(st, RPC_S_OK);
    assert_int_equal(UuidCompare(&b, &a, &st), -1);
    assert_int_equal(UuidCompare(&a, &a, &st), 0);
    assert_false(UuidEqual(&a, &b, &st));
    assert_int_equal(UuidFromStringA(A("80000000-0000-0000-0000-000000000000"), &a), RPC_S_OK);
    assert_int_equal(UuidFromStringA(A("7fffffff-0000-0000-0000-000000000000"), &b), RPC_S_OK);
    assert_int_equal(UuidCompare(&a, &b, &st), 1);     /* unsigned */
    assert_int_equal(UuidFromStringA(A("00000000-0000-0000-0000-000000000002"), &a), RPC_S_OK);
    assert_int_equal(UuidFromStringA(A("00000000-0000-0000-0000-000000000001"), &b), RPC_S_OK);
    assert_int_equal(UuidCompare(&a, &b, &st), 1);
    assert_int_equal(UuidFromStringA(A("00000000-0000-0001-0000-000000000000"), &a), RPC_S_OK);
    assert_int_equal(UuidFromStringA(A("00000000-0000-0000-ff00-000000000000"), &b), RPC_S_OK);
    assert_int_equal(UuidCompare(&a, &b, &st), 1);     /* Data3 before Data4 */
    /* NULL is the nil UUID. */
    assert_int_equal(UuidCompare(NULL, &a, &st), -1);
    assert_int_equal(UuidCompare(&a, NULL, &st), 1);
    assert_int_equal(UuidCompare(NULL, NULL, &st), 0);
    assert_true(UuidEqual(NULL, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compose_every_part),
        cmocka_unit_test(compose_null_out_and_bad_uuid),
        cmocka_unit_test(compose_escapes),
        cmocka_unit_test(parse_every_part),
        cmocka_unit_test(parse_absent_parts_are_empty),
        cmocka_unit_test(parse_docs_examples),
        cmocka_unit_test(parse_ipv6),
        cmocka_unit_test(parse_escapes),
        cmocka_unit_test(roundtrips),
        cmocka_unit_test(parse_null_outs),
        cmocka_unit_test(parse_malformed),
        cmocka_unit_test(parse_bad_uuid),
        cmocka_unit_test(string_free),
        cmocka_unit_test(wide_roundtrip),
        cmocka_unit_test(wide_invalid_text),
        cmocka_unit_test(uuid_string_roundtrip),
        cmocka_unit_test(uuid_invalid),
        cmocka_unit_test(uuid_nil),
        cmocka_unit_test(uuid_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

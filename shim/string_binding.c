/* string_binding.c - string bindings, string UUIDs and the UTF-8/wchar_t
 * conversions behind the A and W forms of the API.
 *
 * Written from Microsoft's documentation of RpcStringBindingCompose,
 * RpcStringBindingParse, RpcStringFree, UuidFromString, UuidToString,
 * UuidCompare and the "String Binding" page.  Where the documentation is
 * silent the decision taken is written down next to the code, marked
 * "Decision:".
 *
 * Grammar (Microsoft's: ObjectUUID@ProtocolSequence:NetworkAddress[Endpoint,Option])
 *
 *   binding  = [objuuid "@"] protseq ":" [netaddr] ["[" [endpoint] ["," options] "]"]
 *
 * - objuuid ends at the first unescaped '@', provided that '@' comes before
 *   the first unescaped ':'; an '@' after the ':' belongs to the network
 *   address (ncacn_at_dsp "server@zone", ncacn_http "svr@anywhere.com").
 * - protseq runs to the first unescaped ':'.
 * - netaddr runs to the first unescaped '[' or the end.  Colons need no
 *   escaping there, so
 *   Decision (IPv6): the docs say only that ncacn_ip_tcp "accepts an IPv6
 *   address"; they give no bracket syntax and '[' already opens the endpoint,
 *   so an IPv6 literal is written bare: "ncacn_ip_tcp:fe80::1[135]",
 *   "ncacn_ip_tcp:::1".  "ncacn_ip_tcp:[::1]" is an EMPTY network address
 *   with the endpoint "::1" - there is no bracketed-address form.
 * - inside the brackets, the endpoint runs to the first unescaped ',' or
 *   ']'; the rest up to the closing ']' is the option list, returned as one
 *   string ("opt1=a,opt2=b").  The endpoint may be preceded by the keyword
 *   "endpoint=" (the docs' "[endpoint=2001]"), which is dropped; Decision:
 *   the keyword is matched without regard to ASCII case.
 * - nothing may follow the closing ']'.
 *
 * Escapes.  The docs: "For all string-binding fields, a single backslash
 * character (\) is interpreted as an escape character. To specify a single
 * literal backslash character, you must supply two backslash characters."
 * Decisions where that is silent:
 * - Parse: "\\" is one backslash and a backslash before one of the
 *   characters that mean something in a string binding (@ : [ ] , =) stands
 *   for that character.  A backslash before any other character (or at the
 *   very end) is kept as it is, backslash included, so that the common
 *   hand-written "ncacn_np:srv[\pipe\name]" still names the pipe \pipe\name.
 *   In the option list only "\\", "\[" and "\]" are undone; "\," and "\="
 *   are left escaped, since the list is returned as one string and a later
 *   split at ',' and '=' must still see which ones are separators.
 * - Compose: doubles every backslash and escapes the characters that would
 *   otherwise end or change the field: '@' ':' '[' ']' ',' in the protocol
 *   sequence, '[' ']' in the network address, '[' ']' ',' '=' in the
 *   endpoint, '[' ']' in the options.  Parse(compose(parts)) therefore gives
 *   the parts back exactly.  So Compose(NULL, "ncacn_np", "\\\\srv" (C),
 *   "\\pipe\\p" (C), ...) gives the string  ncacn_np:\\\\srv[\\pipe\\p]
 *   (as printed), which is the form of the docs' own examples.
 *
 * Other decisions:
 * - Parse checks the object UUID (RPC_S_INVALID_STRING_UUID), like Compose,
 *   whose documentation lists that error.  An empty UUID before '@' is taken
 *   as absent.  The UUID string is returned as written (its case kept).
 * - Parse does not judge the protocol sequence, address, endpoint or options
 *   (RpcBindingFromStringBinding does); an empty protocol sequence is
 *   syntactically fine, so that every composed string parses.  The ':' is
 *   required: a string without one is RPC_S_INVALID_STRING_BINDING.
 * - White space is passed through, neither trimmed nor rejected.
 * - Compose always writes "protseq:" (even for an absent protocol sequence),
 *   writes "[...]" only when there is an endpoint or options, and writes the
 *   object UUID as given after checking it.
 * - NULL StringBinding to Parse: RPC_S_INVALID_ARG.  NULL out pointers:
 *   that part is not returned (documented).  On failure every requested out
 *   pointer is NULL.
 * - RpcStringFree(NULL): RPC_S_INVALID_ARG; *String == NULL: RPC_S_OK.
 * - A strings are byte strings passed through unchanged (only ASCII
 *   delimiters are looked at); W strings are converted to UTF-8 and back.
 *   A W string that is not valid UTF-16/UTF-32 is RPC_S_INVALID_STRING_BINDING
 *   for Parse, RPC_S_INVALID_ARG for Compose (and RPC_S_INVALID_STRING_UUID
 *   for UuidFromStringW).
 * - UUIDs: UuidFromString(NULL or "") gives the nil UUID (DCE rule); braces
 *   are not accepted; UuidToString writes lowercase.  A NULL UUID pointer
 *   means the nil UUID for UuidToString, UuidIsNil, UuidEqual, UuidCompare.
 *   UuidCompare orders by Data1, Data2, Data3 (as unsigned numbers), then the
 *   Data4 bytes, and returns -1, 0 or 1.
 * - UuidCreate is not here: it needs an OS random source, which only
 *   platform.h may reach.
 */
#include <rpc.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "platform.h"
#include "string_binding.h"

/* ------------------------------------------------------------------ UUIDs */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* n hex digits at s into *v; 0 when one is not a hex digit. */
static int hexn(const char *s, int n, uint32_t *v)
{
    uint32_t r = 0;
    for (int i = 0; i < n; i++) {
        int d = hexval(s[i]);
        if (d < 0)
            return 0;
        r = (r << 4) | (uint32_t)d;
    }
    *v = r;
    return 1;
}

RPC_STATUS arpc_uuid_from_string(const char *s, GUID *out)
{
    GUID g;
    uint32_t v;

    if (!s || strlen(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return RPC_S_INVALID_STRING_UUID;
    if (!hexn(s, 8, &v))
        return RPC_S_INVALID_STRING_UUID;
    g.Data1 = v;
    if (!hexn(s + 9, 4, &v))
        return RPC_S_INVALID_STRING_UUID;
    g.Data2 = (uint16_t)v;
    if (!hexn(s + 14, 4, &v))
        return RPC_S_INVALID_STRING_UUID;
    g.Data3 = (uint16_t)v;
    for (int i = 0; i < 8; i++) {
        /* Data4[0..1] at 19, 21; Data4[2..7] at 24, 26, ... 34. */
        int at = i < 2 ? 19 + 2 * i : 24 + 2 * (i - 2);
        if (!hexn(s + at, 2, &v))
            return RPC_S_INVALID_STRING_UUID;
        g.Data4[i] = (uint8_t)v;
    }
    *out = g;
    return RPC_S_OK;
}

void arpc_uuid_to_string(const GUID *g, char out[37])
{
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 7; i >= 0; i--)
        *p++ = hex[(g->Data1 >> (4 * i)) & 0xf];
    *p++ = '-';
    for (int i = 3; i >= 0; i--)
        *p++ = hex[(g->Data2 >> (4 * i)) & 0xf];
    *p++ = '-';
    for (int i = 3; i >= 0; i--)
        *p++ = hex[(g->Data3 >> (4 * i)) & 0xf];
    *p++ = '-';
    for (int i = 0; i < 8; i++) {
        if (i == 2)
            *p++ = '-';
        *p++ = hex[g->Data4[i] >> 4];
        *p++ = hex[g->Data4[i] & 0xf];
    }
    *p = '\0';
}

/* ------------------------------------------------- UTF-8 <-> wchar_t */

/* Decode one UTF-8 sequence at *ps; -1 when it is not well formed
 * (overlong, surrogate, above U+10FFFF, truncated). */
static long utf8_next(const unsigned char **ps)
{
    const unsigned char *s = *ps;
    unsigned long c = s[0];
    int n;
    unsigned long min;

    if (c < 0x80) {
        *ps = s + 1;
        return (long)c;
    } else if ((c & 0xe0) == 0xc0) {
        n = 1; c &= 0x1f; min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 2; c &= 0x0f; min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 3; c &= 0x07; min = 0x10000;
    } else {
        return -1;
    }
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80)   /* also stops at the NUL */
            return -1;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return -1;
    *ps = s + 1 + n;
    return (long)c;
}

static size_t utf8_put(char *o, unsigned long c)
{
    if (c < 0x80) {
        if (o)
            o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        if (o) {
            o[0] = (char)(0xc0 | (c >> 6));
            o[1] = (char)(0x80 | (c & 0x3f));
        }
        return 2;
    }
    if (c < 0x10000) {
        if (o) {
            o[0] = (char)(0xe0 | (c >> 12));
            o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            o[2] = (char)(0x80 | (c & 0x3f));
        }
        return 3;
    }
    if (o) {
        o[0] = (char)(0xf0 | (c >> 18));
        o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        o[3] = (char)(0x80 | (c & 0x3f));
    }
    return 4;
}

/* Decode one code point from the wide string at *pw; -1 when invalid. */
static long wide_next(const wchar_t **pw)
{
    const wchar_t *w = *pw;
#if WCHAR_MAX > 0xFFFF
    unsigned long c = (unsigned long)(uint32_t)w[0];
    if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return -1;
    *pw = w + 1;
    return (long)c;
#else
    unsigned long c = (unsigned long)(uint16_t)w[0];
    if (c >= 0xdc00 && c <= 0xdfff)
        return -1;
    if (c >= 0xd800 && c <= 0xdbff) {
        unsigned long lo = (unsigned long)(uint16_t)w[1];
        if (lo < 0xdc00 || lo > 0xdfff)
            return -1;
        *pw = w + 2;
        return (long)(0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00));
    }
    *pw = w + 1;
    return (long)c;
#endif
}

static size_t wide_put(wchar_t *o, unsigned long c)
{
#if WCHAR_MAX > 0xFFFF
    if (o)
        o[0] = (wchar_t)c;
    return 1;
#else
    if (c < 0x10000) {
        if (o)
            o[0] = (wchar_t)c;
        return 1;
    }
    if (o) {
        c -= 0x10000;
        o[0] = (wchar_t)(0xd800 + (c >> 10));
        o[1] = (wchar_t)(0xdc00 + (c & 0x3ff));
    }
    return 2;
#endif
}

/* The status-reporting forms: RPC_S_INVALID_ARG for invalid input. */
static RPC_STATUS wide_to_utf8(const wchar_t *w, char **out)
{
    size_t n = 0;
    const wchar_t *p = w;
    *out = NULL;
    while (*p) {
        long c = wide_next(&p);
        if (c < 0)
            return RPC_S_INVALID_ARG;
        n += utf8_put(NULL, (unsigned long)c);
    }
    char *r = malloc(n + 1);
    if (!r)
        return RPC_S_OUT_OF_MEMORY;
    char *o = r;
    for (p = w; *p;)
        o += utf8_put(o, (unsigned long)wide_next(&p));
    *o = '\0';
    *out = r;
    return RPC_S_OK;
}

static RPC_STATUS utf8_to_wide(const char *s, wchar_t **out)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    *out = NULL;
    while (*p) {
        long c = utf8_next(&p);
        if (c < 0)
            return RPC_S_INVALID_ARG;
        n += wide_put(NULL, (unsigned long)c);
    }
    wchar_t *r = malloc((n + 1) * sizeof *r);
    if (!r)
        return RPC_S_OUT_OF_MEMORY;
    wchar_t *o = r;
    for (p = (const unsigned char *)s; *p;)
        o += wide_put(o, (unsigned long)utf8_next(&p));
    *o = 0;
    *out = r;
    return RPC_S_OK;
}

char *arpc_wide_to_utf8(const wchar_t *w)
{
    char *r;
    if (!w)
        return NULL;
    return wide_to_utf8(w, &r) == RPC_S_OK ? r : NULL;
}

wchar_t *arpc_utf8_to_wide(const char *s)
{
    wchar_t *r;
    if (!s)
        return NULL;
    return utf8_to_wide(s, &r) == RPC_S_OK ? r : NULL;
}

/* ------------------------------------------------------ string bindings */

/* What a backslash may escape when parsing (every field but the options),
 * and what it may escape in the options. */
#define UNESC_ANY "@:[],="
#define UNESC_OPTIONS "[]"
/* What compose escapes, besides the backslash itself, field by field. */
#define ESC_UUID "@:[],"
#define ESC_PROTSEQ "@:[],"
#define ESC_NETADDR "[]"
#define ESC_ENDPOINT "[],="
#define ESC_OPTIONS "[]"

static int in_set(char c, const char *set)
{
    return c != '\0' && strchr(set, c) != NULL;
}

/* The raw text s[0..n) unescaped (see the top of the file), malloc'd. */
static char *unescape(const char *s, size_t n, const char *set)
{
    char *r = malloc(n + 1), *o = r;
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '\\' || in_set(s[i + 1], set)))
            i++;
        *o++ = s[i];
    }
    *o = '\0';
    return r;
}

/* Index of the first unescaped character of stops in s from i, or of the
 * terminating NUL.  A backslash always pairs with the character after it. */
static size_t scan(const char *s, size_t i, const char *stops)
{
    while (s[i] && !in_set(s[i], stops)) {
        if (s[i] == '\\' && s[i + 1])
            i++;
        i++;
    }
    return i;
}

static int ascii_prefix_nocase(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != prefix[i])
            return 0;
    }
    return 1;
}

void arpc_string_binding_clear(arpc_string_binding *b)
{
    free(b->objuuid);
    free(b->protseq);
    free(b->netaddr);
    free(b->endpoint);
    free(b->options);
    memset(b, 0, sizeof *b);
}

/* *dst = unescaped s[a..b) or NULL when empty; 0 on no memory. */
static int take(char **dst, const char *s, size_t a, size_t b, const char *set)
{
    if (a == b)
        return 1;
    *dst = unescape(s + a, b - a, set);
    return *dst != NULL;
}

RPC_STATUS arpc_string_binding_parse(const char *s, arpc_string_binding *out)
{
    arpc_string_binding r = {0};
    size_t i, colon, at, ua = 0, ub = 0, pa, na, nb, ea = 0, eb = 0, oa = 0, ob = 0;
    int has_opts = 0;

    memset(out, 0, sizeof *out);
    if (!s)
        return RPC_S_INVALID_ARG;

    /* [objuuid@]protseq: */
    at = scan(s, 0, "@:");
    if (s[at] == '@') {
        ua = 0;
        ub = at;
        pa = at + 1;
    } else {
        pa = 0;
    }
    colon = scan(s, pa, "@:[]");
    if (s[colon] != ':')
        return RPC_S_INVALID_STRING_BINDING;   /* no ':', or '@' '[' ']' in the protseq */

    /* netaddr */
    na = colon + 1;
    nb = scan(s, na, "[]");
    if (s[nb] == ']')
        return RPC_S_INVALID_STRING_BINDING;
    i = nb;
    if (s[i] == '[') {
        ea = i + 1;
        eb = scan(s, ea, "[],");
        if (s[eb] == ',') {
            has_opts = 1;
            oa = eb + 1;
            ob = scan(s, oa, "[]");
            i = ob;
        } else {
            i = eb;
        }
        if (s[i] != ']')
            return RPC_S_INVALID_STRING_BINDING;   /* unclosed, or a nested '[' */
        if (s[i + 1] != '\0')
            return RPC_S_INVALID_STRING_BINDING;   /* text after the ']' */
        if (ascii_prefix_nocase(s + ea, eb - ea, "endpoint="))
            ea += 9;
    }

    if (!take(&r.objuuid, s, ua, ub, UNESC_ANY) || !take(&r.protseq, s, pa, colon, UNESC_ANY)
        || !take(&r.netaddr, s, na, nb, UNESC_ANY) || !take(&r.endpoint, s, ea, eb, UNESC_ANY)
        || (has_opts && !take(&r.options, s, oa, ob, UNESC_OPTIONS))) {
        arpc_string_binding_clear(&r);
        return RPC_S_OUT_OF_MEMORY;
    }
    if (r.objuuid) {
        GUID g;
        if (arpc_uuid_from_string(r.objuuid, &g) != RPC_S_OK) {
            arpc_string_binding_clear(&r);
            return RPC_S_INVALID_STRING_UUID;
        }
    }
    *out = r;
    return RPC_S_OK;
}

/* Append v escaped (or, with o == NULL, just count). */
static size_t put_escaped(char *o, const char *v, const char *set)
{
    size_t n = 0;
    for (; v && *v; v++) {
        if (*v == '\\' || in_set(*v, set)) {
            if (o)
                o[n] = '\\';
            n++;
        }
        if (o)
            o[n] = *v;
        n++;
    }
    return n;
}

static size_t put_char(char *o, char c)
{
    if (o)
        *o = c;
    return 1;
}

static int present(const char *v)
{
    return v && *v;
}

/* The composed string into o (NULL: count only); its length. */
static size_t compose_into(char *o, const arpc_string_binding *in)
{
    size_t n = 0;
#define AT (o ? o + n : NULL)
    if (present(in->objuuid)) {
        n += put_escaped(AT, in->objuuid, ESC_UUID);
        n += put_char(AT, '@');
    }
    n += put_escaped(AT, in->protseq, ESC_PROTSEQ);
    n += put_char(AT, ':');
    n += put_escaped(AT, in->netaddr, ESC_NETADDR);
    if (present(in->endpoint) || present(in->options)) {
        n += put_char(AT, '[');
        n += put_escaped(AT, in->endpoint, ESC_ENDPOINT);
        if (present(in->options)) {
            n += put_char(AT, ',');
            n += put_escaped(AT, in->options, ESC_OPTIONS);
        }
        n += put_char(AT, ']');
    }
#undef AT
    return n;
}

RPC_STATUS arpc_string_binding_compose(const arpc_string_binding *in, char **out)
{
    if (out)
        *out = NULL;
    if (present(in->objuuid)) {
        GUID g;
        if (arpc_uuid_from_string(in->objuuid, &g) != RPC_S_OK)
            return RPC_S_INVALID_STRING_UUID;
    }
    if (!out)
        return RPC_S_OK;
    size_t n = compose_into(NULL, in);
    char *r = malloc(n + 1);
    if (!r)
        return RPC_S_OUT_OF_MEMORY;
    compose_into(r, in);
    r[n] = '\0';
    *out = r;
    return RPC_S_OK;
}

/* --------------------------------------------------- the exported API */

ARPC_API RPC_STATUS RPC_ENTRY RpcStringBindingComposeA(RPC_CSTR ObjUuid, RPC_CSTR ProtSeq, RPC_CSTR NetworkAddr, RPC_CSTR Endpoint, RPC_CSTR Options, RPC_CSTR *StringBinding)
{
    arpc_string_binding in = {
        (char *)ObjUuid, (char *)ProtSeq, (char *)NetworkAddr, (char *)Endpoint, (char *)Options,
    };
    char *r;
    RPC_STATUS st = arpc_string_binding_compose(&in, StringBinding ? &r : NULL);
    if (StringBinding)
        *StringBinding = st == RPC_S_OK ? (RPC_CSTR)r : NULL;
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcStringBindingComposeW(RPC_WSTR ObjUuid, RPC_WSTR ProtSeq, RPC_WSTR NetworkAddr, RPC_WSTR Endpoint, RPC_WSTR Options, RPC_WSTR *StringBinding)
{
    RPC_WSTR w[5] = { ObjUuid, ProtSeq, NetworkAddr, Endpoint, Options };
    char *u[5] = {0};
    char *r = NULL;
    RPC_STATUS st = RPC_S_OK;

    if (StringBinding)
        *StringBinding = NULL;
    for (int i = 0; i < 5 && st == RPC_S_OK; i++)
        if (w[i])
            st = wide_to_utf8((const wchar_t *)w[i], &u[i]);
    if (st == RPC_S_OK) {
        arpc_string_binding in = { u[0], u[1], u[2], u[3], u[4] };
        st = arpc_string_binding_compose(&in, StringBinding ? &r : NULL);
    }
    if (st == RPC_S_OK && StringBinding) {
        wchar_t *wr;
        st = utf8_to_wide(r, &wr);   /* r came from valid UTF-8: only OOM can fail */
        if (st == RPC_S_OK)
            *StringBinding = (RPC_WSTR)wr;
    }
    free(r);
    for (int i = 0; i < 5; i++)
        free(u[i]);
    return st;
}

/* Hand the parts of *b to the requested out pointers ("" for absent ones),
 * via conv (NULL: the UTF-8 strings themselves).  Frees *b. */
typedef RPC_STATUS (*part_conv)(const char *s, void **out);

static RPC_STATUS conv_dup(const char *s, void **out)
{
    size_t n = strlen(s) + 1;
    char *r = malloc(n);
    if (!r)
        return RPC_S_OUT_OF_MEMORY;
    memcpy(r, s, n);
    *out = r;
    return RPC_S_OK;
}

static RPC_STATUS conv_wide(const char *s, void **out)
{
    wchar_t *w;
    RPC_STATUS st = utf8_to_wide(s, &w);
    *out = w;
    return st;
}

static RPC_STATUS hand_out(arpc_string_binding *b, void **outs[5], part_conv conv)
{
    const char *parts[5] = { b->objuuid, b->protseq, b->netaddr, b->endpoint, b->options };
    RPC_STATUS st = RPC_S_OK;
    for (int i = 0; i < 5 && st == RPC_S_OK; i++)
        if (outs[i])
            st = conv(parts[i] ? parts[i] : "", outs[i]);
    if (st != RPC_S_OK)
        for (int i = 0; i < 5; i++)
            if (outs[i]) {
                free(*outs[i]);
                *outs[i] = NULL;
            }
    arpc_string_binding_clear(b);
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcStringBindingParseA(RPC_CSTR StringBinding, RPC_CSTR *ObjUuid, RPC_CSTR *Protseq, RPC_CSTR *NetworkAddr, RPC_CSTR *Endpoint, RPC_CSTR *NetworkOptions)
{
    void *v[5] = {0};
    void **outs[5] = {
        ObjUuid ? &v[0] : NULL, Protseq ? &v[1] : NULL, NetworkAddr ? &v[2] : NULL,
        Endpoint ? &v[3] : NULL, NetworkOptions ? &v[4] : NULL,
    };
    RPC_CSTR *dst[5] = { ObjUuid, Protseq, NetworkAddr, Endpoint, NetworkOptions };
    arpc_string_binding b;

    for (int i = 0; i < 5; i++)
        if (dst[i])
            *dst[i] = NULL;
    RPC_STATUS st = arpc_string_binding_parse((const char *)StringBinding, &b);
    if (st == RPC_S_OK)
        st = hand_out(&b, outs, conv_dup);
    if (st == RPC_S_OK)
        for (int i = 0; i < 5; i++)
            if (dst[i])
                *dst[i] = (RPC_CSTR)v[i];
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcStringBindingParseW(RPC_WSTR StringBinding, RPC_WSTR *ObjUuid, RPC_WSTR *Protseq, RPC_WSTR *NetworkAddr, RPC_WSTR *Endpoint, RPC_WSTR *NetworkOptions)
{
    void *v[5] = {0};
    void **outs[5] = {
        ObjUuid ? &v[0] : NULL, Protseq ? &v[1] : NULL, NetworkAddr ? &v[2] : NULL,
        Endpoint ? &v[3] : NULL, NetworkOptions ? &v[4] : NULL,
    };
    RPC_WSTR *dst[5] = { ObjUuid, Protseq, NetworkAddr, Endpoint, NetworkOptions };
    arpc_string_binding b;
    char *u;
    RPC_STATUS st;

    for (int i = 0; i < 5; i++)
        if (dst[i])
            *dst[i] = NULL;
    if (!StringBinding)
        return RPC_S_INVALID_ARG;
    st = wide_to_utf8((const wchar_t *)StringBinding, &u);
    if (st == RPC_S_INVALID_ARG)
        return RPC_S_INVALID_STRING_BINDING;
    if (st != RPC_S_OK)
        return st;
    st = arpc_string_binding_parse(u, &b);
    free(u);
    if (st == RPC_S_OK)
        st = hand_out(&b, outs, conv_wide);
    if (st == RPC_S_OK)
        for (int i = 0; i < 5; i++)
            if (dst[i])
                *dst[i] = (RPC_WSTR)v[i];
    return st;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcStringFreeA(RPC_CSTR *String)
{
    if (!String)
        return RPC_S_INVALID_ARG;
    free(*String);
    *String = NULL;
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY RpcStringFreeW(RPC_WSTR *String)
{
    if (!String)
        return RPC_S_INVALID_ARG;
    free(*String);
    *String = NULL;
    return RPC_S_OK;
}

/* ------------------------------------------------------------ UUID API */

static const GUID nil_uuid;

ARPC_API RPC_STATUS RPC_ENTRY UuidFromStringA(RPC_CSTR StringUuid, UUID *Uuid)
{
    if (!Uuid)
        return RPC_S_INVALID_ARG;
    if (!StringUuid || !*StringUuid) {
        *Uuid = nil_uuid;
        return RPC_S_OK;
    }
    return arpc_uuid_from_string((const char *)StringUuid, Uuid);
}

ARPC_API RPC_STATUS RPC_ENTRY UuidFromStringW(RPC_WSTR StringUuid, UUID *Uuid)
{
    char a[37];
    size_t n = 0;
    if (!Uuid)
        return RPC_S_INVALID_ARG;
    if (!StringUuid || !*StringUuid) {
        *Uuid = nil_uuid;
        return RPC_S_OK;
    }
    /* A UUID string is 36 ASCII characters; anything else is not one. */
    for (; StringUuid[n]; n++) {
        if (n >= 36 || (unsigned long)StringUuid[n] > 0x7f)
            return RPC_S_INVALID_STRING_UUID;
        a[n] = (char)StringUuid[n];
    }
    a[n] = '\0';
    return arpc_uuid_from_string(a, Uuid);
}

ARPC_API RPC_STATUS RPC_ENTRY UuidToStringA(UUID *Uuid, RPC_CSTR *StringUuid)
{
    char *r;
    if (!StringUuid)
        return RPC_S_INVALID_ARG;
    *StringUuid = NULL;
    r = malloc(37);
    if (!r)
        return RPC_S_OUT_OF_MEMORY;
    arpc_uuid_to_string(Uuid ? Uuid : &nil_uuid, r);
    *StringUuid = (RPC_CSTR)r;
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY UuidToStringW(UUID *Uuid, RPC_WSTR *StringUuid)
{
    char a[37];
    wchar_t *r;
    if (!StringUuid)
        return RPC_S_INVALID_ARG;
    *StringUuid = NULL;
    r = malloc(37 * sizeof *r);
    if (!r)
        return RPC_S_OUT_OF_MEMORY;
    arpc_uuid_to_string(Uuid ? Uuid : &nil_uuid, a);
    for (int i = 0; i < 37; i++)
        r[i] = (wchar_t)a[i];
    *StringUuid = (RPC_WSTR)r;
    return RPC_S_OK;
}

ARPC_API RPC_STATUS RPC_ENTRY UuidCreateNil(UUID *NilUuid)
{
    if (!NilUuid)
        return RPC_S_INVALID_ARG;
    *NilUuid = nil_uuid;
    return RPC_S_OK;
}

static int cmp_u(unsigned long a, unsigned long b)
{
    return a < b ? -1 : a > b;
}

ARPC_API signed int RPC_ENTRY UuidCompare(UUID *Uuid1, UUID *Uuid2, RPC_STATUS *Status)
{
    const GUID *a = Uuid1 ? Uuid1 : &nil_uuid, *b = Uuid2 ? Uuid2 : &nil_uuid;
    int r;
    if (Status)
        *Status = RPC_S_OK;
    if ((r = cmp_u(a->Data1, b->Data1)) != 0)
        return r;
    if ((r = cmp_u(a->Data2, b->Data2)) != 0)
        return r;
    if ((r = cmp_u(a->Data3, b->Data3)) != 0)
        return r;
    for (int i = 0; i < 8; i++)
        if ((r = cmp_u(a->Data4[i], b->Data4[i])) != 0)
            return r;
    return 0;
}

ARPC_API int RPC_ENTRY UuidEqual(UUID *Uuid1, UUID *Uuid2, RPC_STATUS *Status)
{
    return UuidCompare(Uuid1, Uuid2, Status) == 0;
}

ARPC_API int RPC_ENTRY UuidIsNil(UUID *Uuid, RPC_STATUS *Status)
{
    return UuidCompare(Uuid, NULL, Status) == 0;
}

/* Version 4 (random) UUIDs, RFC 4122 layout. */
ARPC_API RPC_STATUS RPC_ENTRY UuidCreate(UUID *Uuid)
{
    if (!Uuid)
        return RPC_S_INVALID_ARG;
    RPC_STATUS st = arpc_random_bytes(Uuid, sizeof *Uuid);
    if (st != RPC_S_OK)
        return st;
    Uuid->Data3 = (unsigned short)((Uuid->Data3 & 0x0FFF) | 0x4000);
    Uuid->Data4[0] = (unsigned char)((Uuid->Data4[0] & 0x3F) | 0x80);
    return RPC_S_OK;
}

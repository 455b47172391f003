/* emit_header.c - the C header, in the shapes MIDL gives it: imported
 * files' headers included first, then the items in order (a non-
 * encapsulated union with its arms marked [case()] or [default], an
 * encapsulated one as MIDL's structure of the discriminant and the union),
 * prototypes, the EPV type, and at the end the context handle rundown
 * prototypes ("Additional Prototypes for ALL interfaces"). */
#include "idl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *iface_prefix(Interface *itf)
{
    return xasprintf("%s_v%u_%u", itf->name, itf->vmaj, itf->vmin);
}

char *iface_ifspec(Interface *itf, const Options *o, int server)
{
    if (o->oldnames)
        return xasprintf("%s_%sIfHandle", itf->name, server ? "Server" : "Client");
    return xasprintf("%s_v%u_%u_%c_ifspec", itf->name, itf->vmaj, itf->vmin, server ? 's' : 'c');
}

/* "[size_is][in]": MIDL lists the attributes last to first */
static char *attr_comment(Attr *a)
{
    char *s = xstrdup("");
    for (; a; a = a->next) {
        char *n = xasprintf("[%s]%s", a->name, s);
        free(s);
        s = n;
    }
    return s;
}

/* The C declaration of parameter p as the prototypes show it.  In an
 * [async] procedure a pipe is always passed by reference, as ASYNC_NAME *
 * (spec 3.3), whether the IDL passes it by value or by pointer. */
static char *param_decl(Func *fn, Field *p)
{
    Typedef *pd = fn->is_async ? param_pipe(p) : NULL;
    if (pd)
        return xasprintf("ASYNC_%s *%s", pd->name, p->name);
    return type_decl(p->decl_type ? p->decl_type : p->type, p->name, 0);
}

char *proto_params(Func *fn, int with_comments, int ind)
{
    if (!fn->nparams && !fn->is_async)
        return xstrdup("void");
    char *s = xstrdup("");
    /* [async]: the call's PRPC_ASYNC_STATE comes first, before the binding
     * handle (spec 2.1) */
    if (fn->is_async) {
        const char *sep = fn->nparams ? "," : "";
        if (with_comments)
            s = xasprintf("\n%*s/* [in] */ PRPC_ASYNC_STATE %s_AsyncHandle%s", ind * 4 + 4, "", fn->name, sep);
        else
            s = xasprintf("PRPC_ASYNC_STATE %s_AsyncHandle%s", fn->name, *sep ? ", " : "");
    }
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        char *d = param_decl(fn, p);
        char *n;
        if (with_comments) {
            char *c = attr_comment(p->attrs);
            if (!*c) {
                free(c);
                c = xstrdup("[in]");
            }
            n = xasprintf("%s\n%*s/* %s */ %s%s", s, ind * 4 + 4, "", c, d, i + 1 < fn->nparams ? "," : "");
            free(c);
        } else {
            n = xasprintf("%s%s%s", s, d, i + 1 < fn->nparams ? ", " : "");
        }
        free(s);
        free(d);
        s = n;
    }
    return s;
}

/* The C return type of a procedure's prototypes: void for [async] (the IDL
 * return value travels through RpcAsyncCompleteCall's Reply). */
static Type void_type = {.kind = TY_BASE, .base = B_VOID, .spell = "void"};

static Type *proto_ret(Func *fn)
{
    return fn->is_async ? &void_type : fn->ret;
}

static void print_proto(FILE *f, Func *fn, const char *prefix)
{
    char *nm = xasprintf("%s%s", prefix, fn->name);
    char *d = type_decl(proto_ret(fn), nm, 0);
    char *ps = proto_params(fn, 1, 0);
    fprintf(f, "%s%s(%s);\n", fn->is_async ? "/* [async] */ " : "", d, ps);
    if (fn->is_async) {
        char *rt = type_name(fn->ret);
        if (type_is_void(fn->ret))
            fprintf(f, "/* [async] returns void: RpcAsyncCompleteCall's Reply may be NULL */\n");
        else
            fprintf(f, "/* [async] returns %s through RpcAsyncCompleteCall */\n", rt);
        free(rt);
    }
    fputc('\n', f);
    free(nm);
    free(d);
    free(ps);
}

/* typedef pipe T NAME: MIDL's control structures (spec 3.2, 3.3).  The
 * ASYNC_ form comes first, as in MIDL's output, and only when some [async]
 * procedure uses the pipe (MIDL emits it on demand too; check_program sets
 * pipe_async). */
static void emit_pipe(FILE *f, Typedef *td)
{
    Type *et = td->type->sub;
    char *b1 = type_decl(et, "*buf", 1);
    char *b2 = type_decl(et, "**buf", 1);
    for (int async = td->pipe_async ? 1 : 0; async >= 0; async--) {
        const char *ap = async ? "ASYNC_" : "";
        const char *rt = async ? "RPC_STATUS" : "void";
        fprintf(f, "typedef struct %spipe_%s\n{\n", ap, td->name);
        fprintf(f, "    %s (__RPC_USER *pull)(char *state, %s, unsigned long esize, unsigned long *ecount);\n",
                rt, b1);
        fprintf(f, "    %s (__RPC_USER *push)(char *state, %s, unsigned long ecount);\n", rt, b1);
        fprintf(f, "    %s (__RPC_USER *alloc)(char *state, unsigned long bsize, %s, unsigned long *bcount);\n",
                rt, b2);
        fprintf(f, "    char *state;\n} %s%s;\n\n", ap, td->name);
    }
    free(b1);
    free(b2);
}

/* the innermost non-pointer, non-array type of t (not through typedefs) */
static Type *innermost(Type *t)
{
    while (t->kind == TY_PTR || t->kind == TY_ARRAY)
        t = t->sub;
    return t;
}

static Struct **emitted_st;
static int nemitted_st;
static Enum **emitted_en;
static int nemitted_en;
static Union **emitted_un;
static int nemitted_un;

static int union_emitted(Union *u)
{
    for (int i = 0; i < nemitted_un; i++)
        if (emitted_un[i] == u)
            return 1;
    return 0;
}

static int struct_emitted(Struct *s)
{
    for (int i = 0; i < nemitted_st; i++)
        if (emitted_st[i] == s)
            return 1;
    return 0;
}

static int enum_emitted(Enum *e)
{
    for (int i = 0; i < nemitted_en; i++)
        if (emitted_en[i] == e)
            return 1;
    return 0;
}

static char *field_decl(Field *fd, int ind);

static char *body_of(Type *b, int ind)
{
    char *s;
    if (b->kind == TY_STRUCT) {
        Struct *st = b->st;
        VEC_PUSH(emitted_st, nemitted_st, st);
        s = st->tag ? xasprintf("%sstruct %s\n%*s{\n", b->is_const ? "const " : "", st->tag, ind * 4, "")
                    : xasprintf("%sstruct\n%*s{\n", b->is_const ? "const " : "", ind * 4, "");
        for (int i = 0; i < st->nfields; i++) {
            char *fd = field_decl(st->fields[i], ind + 1);
            char *n = xasprintf("%s%*s%s;\n", s, ind * 4 + 4, "", fd);
            free(s);
            free(fd);
            s = n;
        }
        char *n = xasprintf("%s%*s}", s, ind * 4, "");
        free(s);
        return n;
    }
    if (b->kind == TY_UNION) {
        Union *u = b->un;
        VEC_PUSH(emitted_un, nemitted_un, u);
        s = u->tag ? xasprintf("%sunion %s\n%*s{\n", b->is_const ? "const " : "", u->tag, ind * 4, "")
                   : xasprintf("%sunion\n%*s{\n", b->is_const ? "const " : "", ind * 4, "");
        for (int i = 0; i < u->narms; i++) {
            Arm *arm = u->arms[i];
            const char *label = arm->is_default && !arm->ncases ? "[default]" : "[case()]";
            char *fd = arm->field ? field_decl(arm->field, ind + 1) : xstrdup(" /* Empty union arm */");
            char *n = xasprintf("%s%*s/* %s */ %s%s\n", s, ind * 4 + 4, "", label, fd, arm->field ? ";" : "");
            free(s);
            free(fd);
            s = n;
        }
        char *n = xasprintf("%s%*s}", s, ind * 4, "");
        free(s);
        return n;
    }
    Enum *en = b->en;
    VEC_PUSH(emitted_en, nemitted_en, en);
    s = en->tag ? xasprintf("enum %s\n%*s{\n", en->tag, ind * 4, "") : xasprintf("enum\n%*s{\n", ind * 4, "");
    for (int i = 0; i < en->n; i++) {
        char *v = en->values[i] ? expr_c(en->values[i], "") : NULL;
        char *n = xasprintf("%s%*s%s%s%s%s\n", s, ind * 4 + 4, "", en->names[i], v ? " = " : "", v ? v : "",
                            i + 1 < en->n ? "," : "");
        free(s);
        free(v);
        s = n;
    }
    char *n = xasprintf("%s%*s}", s, ind * 4, "");
    free(s);
    return n;
}

/* declaration of name with type t, printing a struct/enum body the first
 * time its definition is met */
static char *decl_with_body(Type *t, const char *name, int ind)
{
    Type *b = innermost(t);
    char *d = type_decl(t, name, 0);
    /* imported definitions are their own header's */
    int needs = (b->kind == TY_STRUCT && b->st->defined && !b->st->imported && !struct_emitted(b->st)) ||
                (b->kind == TY_ENUM && b->en->defined && !b->en->imported && !enum_emitted(b->en)) ||
                (b->kind == TY_UNION && b->un->defined && !b->un->imported && !union_emitted(b->un));
    if (!needs)
        return d;
    char *bs = type_decl(b, "", 0);
    size_t bl = strlen(bs);
    char *body = body_of(b, ind);
    char *r;
    if (!strncmp(d, bs, bl))
        r = xasprintf("%s%s", body, d + bl);
    else
        r = xasprintf("%s %s", body, name);
    free(bs);
    free(body);
    free(d);
    return r;
}

static char *field_decl(Field *fd, int ind)
{
    char *c = attr_comment(fd->attrs);
    char *d = decl_with_body(fd->type, fd->name, ind);
    char *r = *c ? xasprintf("/* %s */ %s", c, d) : xstrdup(d);
    free(c);
    free(d);
    return r;
}

static void emit_items(FILE *f, Item **items, int n, const Options *o);

static void emit_interface(FILE *f, Interface *itf, const Options *o)
{
    char *pfx = iface_prefix(itf);
    fprintf(f, "#ifndef __%s_INTERFACE_DEFINED__\n#define __%s_INTERFACE_DEFINED__\n\n", itf->name, itf->name);
    char *ac = attr_comment(itf->attrs);
    fprintf(f, "/* interface %s */\n/* %s */\n\n", itf->name, ac);
    free(ac);
    emit_items(f, itf->items, itf->nitems, o);
    int differ = strcmp(o->client_prefix, o->server_prefix) != 0;
    if (differ && itf->nfuncs) {
        fprintf(f, "/* server manager routines */\n");
        for (int i = 0; i < itf->nfuncs; i++)
            print_proto(f, itf->funcs[i], o->server_prefix);
    }
    /* -prefix switch: one more set of prototypes, as MIDL adds */
    if (o->switch_prefix && strcmp(o->switch_prefix, o->client_prefix) &&
        strcmp(o->switch_prefix, o->server_prefix) && itf->nfuncs) {
        fprintf(f, "/* switch routines */\n");
        for (int i = 0; i < itf->nfuncs; i++)
            print_proto(f, itf->funcs[i], o->switch_prefix);
    }
    if (itf->implicit_handle)
        fprintf(f, "extern handle_t %s;\n", itf->implicit_handle);
    if (!itf->is_local) {
        char *cs = iface_ifspec(itf, o, 0), *ss = iface_ifspec(itf, o, 1);
        fprintf(f, "extern RPC_IF_HANDLE %s;\n", cs);
        fprintf(f, "extern RPC_IF_HANDLE %s;\n", ss);
        free(cs);
        free(ss);
        if (itf->nfuncs) {
            fprintf(f, "\ntypedef struct _%s_epv_t\n{\n", pfx);
            for (int i = 0; i < itf->nfuncs; i++) {
                Func *fn = itf->funcs[i];
                char *nm = xasprintf("(*%s)", fn->name);
                char *d = type_decl(proto_ret(fn), nm, 0);
                char *ps = proto_params(fn, 0, 1);
                fprintf(f, "    %s(%s);\n", d, ps);
                free(nm);
                free(d);
                free(ps);
            }
            fprintf(f, "} %s_epv_t;\n", pfx);
        }
    }
    fprintf(f, "\n#endif /* __%s_INTERFACE_DEFINED__ */\n\n", itf->name);
    free(pfx);
}

static void emit_items(FILE *f, Item **items, int n, const Options *o)
{
    for (int i = 0; i < n; i++) {
        Item *it = items[i];
        switch (it->kind) {
        case IT_CPPQUOTE:
            fprintf(f, "%s\n", it->text);
            if (i + 1 == n || items[i + 1]->kind != IT_CPPQUOTE)
                fputc('\n', f);
            break;
        case IT_TYPEDEF: {
            if (it->td->type->kind == TY_PIPE) {
                emit_pipe(f, it->td);
                break;
            }
            char *ac = attr_comment(it->td->attrs);
            char *d = decl_with_body(it->td->type, it->td->name, 0);
            if (*ac)
                fprintf(f, "typedef /* %s */ %s;\n\n", ac, d);
            else
                fprintf(f, "typedef %s;\n\n", d);
            free(ac);
            free(d);
            break;
        }
        case IT_CONST: {
            Const *c = it->cn;
            char *v = expr_c(c->value, "");
            if (c->value->kind == EX_STR || c->value->kind == EX_CHAR || c->value->kind == EX_BINARY ||
                c->value->kind == EX_UNARY || c->value->kind == EX_COND)
                fprintf(f, "#define %s %s\n\n", c->name, v);
            else
                fprintf(f, "#define %s (%s)\n\n", c->name, v);
            free(v);
            break;
        }
        case IT_INCLUDE:
            fprintf(f, "#include \"%s\"\n\n", it->text);
            break;
        case IT_STRUCT:
        case IT_ENUM:
        case IT_UNION: {
            Type t = {.kind = it->kind == IT_STRUCT ? TY_STRUCT : it->kind == IT_ENUM ? TY_ENUM : TY_UNION,
                      .st = it->st, .en = it->en, .un = it->un};
            if ((it->st && struct_emitted(it->st)) || (it->en && enum_emitted(it->en)) ||
                (it->un && union_emitted(it->un)) || (it->st && !it->st->defined) ||
                (it->en && !it->en->defined) || (it->un && !it->un->defined)) {
                char *d = type_decl(&t, "", 0);
                fprintf(f, "%s;\n\n", d);
                free(d);
            } else {
                char *b = body_of(&t, 0);
                fprintf(f, "%s;\n\n", b);
                free(b);
            }
            break;
        }
        case IT_INTERFACE:
            emit_interface(f, it->itf, o);
            break;
        case IT_FUNC:
            print_proto(f, it->fn, o->client_prefix);
            break;
        }
    }
}

void emit_header(FILE *f, Program *p, const Options *o)
{
    const char *base = strrchr(o->header_path, '/');
    base = base ? base + 1 : o->header_path;
    char *guard = xstrdup(base);
    for (char *c = guard; *c; c++)
        if (!isalnum((unsigned char)*c))
            *c = '_';
    size_t gl = strlen(guard);
    if (gl > 2 && !strcmp(guard + gl - 2, "_h"))
        guard[gl - 2] = 0;
    fprintf(f, "/* %s - generated by asyncrpc-idl from %s; do not edit. */\n\n", base, idl_basename(o->input));
    fprintf(f, "#ifndef __%s_h__\n#define __%s_h__\n\n", guard, guard);
    fprintf(f, "#include <rpc.h>\n#include <rpcndr.h>\n\n");
    if (p->nimports) {
        fprintf(f, "/* header files for imported files */\n");
        for (int i = 0; i < p->nimports; i++)
            fprintf(f, "#include \"%s\"\n", p->imports[i]);
        fputc('\n', f);
    }
    fprintf(f, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    emit_items(f, p->items, p->nitems, o);
    Typedef **ctx;
    int nctx = ctx_types(p, &ctx);
    if (nctx) {
        fprintf(f, "/* Additional Prototypes for ALL interfaces */\n\n");
        for (int i = 0; i < nctx; i++)
            fprintf(f, "void __RPC_USER %s_rundown(%s);\n", ctx[i]->name, ctx[i]->name);
        fprintf(f, "\n/* end of Additional Prototypes */\n\n");
    }
    free(ctx);
    fprintf(f, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* __%s_h__ */\n", guard);
    free(guard);
}

/* emit_server.c - the server stub file: one dispatch function per
 * procedure (unmarshal, call the manager, marshal the reply, free), the
 * dispatch table and the server interface description.  Pipe parameters
 * are not in the stub data: their control structures live with the other
 * parameters (ASYNC_ ones in an [async] call's context) and the runtime
 * fills them (arpc_server_call_pipes, arpc_server_call_go_async_pipes).
 * Context handles are slots of the call (ctxgen.c), kept with the other
 * parameters: idl_x_NAME, idl_x_ret for a returned one. */
#include "idl.h"

#include <stdlib.h>
#include <string.h>

/* how a parameter is held in the stub's locals */
enum { HOLD_VALUE, HOLD_SINGLE, HOLD_BUFFER };

static int holding(Field *p, View *v)
{
    if (!type_is_ptr(p->type))
        return HOLD_VALUE;
    if (view_is_array_ptr(v) || view_is_string_ptr(v))
        return HOLD_BUFFER;
    return HOLD_SINGLE;
}

/* The struct holding every parameter value and the [out] storage: the
 * synchronous stub's locals, an [async] call's context. */
static void server_locals(Gen *g, Interface *itf, Func *fn, const char *sn, int with_ret)
{
    FILE *f = g->f;
    fprintf(f, "struct %s_locals\n{\n    int idl_unused_;\n", sn);
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        Typedef *pipe = param_pipe(p);
        if (pipe && fn->is_async) {
            /* the manager gets ASYNC_ structures by pointer: they live here */
            fprintf(f, "    ASYNC_%s %s;\n", pipe->name, p->name);
            continue;
        }
        if (param_ctx(p)) {
            fprintf(f, "    arpc_sctx *idl_x_%s;\n", p->name);
            continue;
        }
        View v = view_of_field(p, "L->", itf->ptr_default, 1);
        char *d = type_decl(p->type, p->name, 1);
        fprintf(f, "    %s;\n", d);
        free(d);
        int h = i == fn->handle_param ? HOLD_VALUE : holding(p, &v);
        if (h == HOLD_SINGLE) {
            char *n = xasprintf("idl_v_%s", p->name);
            char *vd = type_decl(type_resolve(p->type)->sub, n, 1);
            fprintf(f, "    %s;\n", vd);
            free(n);
            free(vd);
        } else if (h == HOLD_BUFFER && view_is_array_ptr(&v)) {
            fprintf(f, "    uint32_t idl_n_%s;\n", p->name);
        }
    }
    if (fn->ret_context) {
        fprintf(f, "    arpc_sctx *idl_x_ret;\n");
    } else if (with_ret && !type_is_void(fn->ret)) {
        char *d = type_decl(fn->ret, "idl_ret", 1);
        fprintf(f, "    %s;\n", d);
        free(d);
    }
    if (fn->has_pipes && fn->is_async)  /* the pipes' description, kept for the whole call */
        fprintf(f, "    arpc_pipe_param idl_pipes[%d];\n", func_npipes(fn));
    fprintf(f, "};\n\n");
}

/* Unmarshals the [in] parameters from g->r into L (allocating with the
 * reader's allocator) and sets up the storage of [out]-only parameters. */
static void server_unmarshal_in(Gen *g, Interface *itf, Func *fn)
{
    const char *R = g->r;
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (i == fn->handle_param) {
            gen_line(g, "L->%s = s->msg->Handle;", p->name);
            continue;
        }
        if (!param_is_marshalled(p)) {
            /* a synchronous procedure's pipe pointer: at its structure in L */
            if (!fn->is_async && type_is_ptr(p->type))
                gen_line(g, "L->%s = &L->idl_v_%s;", p->name, p->name);
            continue;
        }
        if (!p->in)
            continue;
        View v = view_of_field(p, "L->", itf->ptr_default, 1);
        v.disc_assign = union_disc_later(fn->params, fn->nparams, i, recv_in);
        int h = holding(p, &v);
        char *lv = xasprintf("L->%s", p->name);
        gen_line(g, "/* %s */", p->name);
        if (param_ctx(p)) {
            char *slot = xasprintf("L->idl_x_%s", p->name);
            gen_ctx_server_slot(g, p, slot, "s");
            free(slot);
        } else if (disc_preassigned(fn->params, fn->nparams, i, recv_in)) {
            gen_read_disc_check(g, &v, lv);   /* the discriminant of a union received before it */
        } else if (h == HOLD_VALUE) {
            gen_read(g, &v, lv, M_FULL);
        } else {
            int uniq = v.ptr_kind != PTR_REF;
            if (uniq) {
                gen_open(g, "if (arpc_ndr_r_u32(%s)) {", R);
                gen_line(g, "idl_enter(%s);", R);
            }
            if (h == HOLD_SINGLE) {
                gen_line(g, "L->%s = &L->idl_v_%s;", p->name, p->name);
                View iv = view_inner(&v, type_resolve(p->type)->sub, itf->ptr_default);
                char *pl = xasprintf("L->idl_v_%s", p->name);
                gen_read(g, &iv, pl, M_FULL);
                free(pl);
            } else if (view_is_string_ptr(&v) && p->out) {
                /* [in,out] string: the manager may fill the whole buffer */
                char *size = view_size_expr(&v);
                gen_open(g, "{");
                gen_line(g, "uint32_t n = idl_count(%s);", size);
                gen_line(g, "L->%s = arpc_ndr_alloc(%s, (size_t)n * sizeof *L->%s);", p->name, R, p->name);
                if (type_is_wchar(type_resolve(p->type)->sub))
                    gen_line(g, "arpc_ndr_r_wstring_into(%s, L->%s, n);", R, p->name);
                else
                    gen_line(g, "arpc_ndr_r_string_into(%s, (char *)L->%s, n);", R, p->name);
                gen_close(g);
                free(size);
            } else {
                char *cnt = view_is_array_ptr(&v) ? xasprintf("L->idl_n_%s", p->name) : NULL;
                gen_read_pointee_alloc(g, &v, lv, cnt);
                free(cnt);
            }
            if (uniq) {
                gen_line(g, "idl_leave(%s);", R);
                gen_close(g);
            }
        }
        free(lv);
    }
    /* conformance of [in] arrays against their size parameters */
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (i == fn->handle_param || !p->in || !param_is_marshalled(p) || param_ctx(p))
            continue;
        View v = view_of_field(p, "L->", itf->ptr_default, 1);
        if (holding(p, &v) == HOLD_BUFFER && view_is_array_ptr(&v)) {
            char *size = view_size_expr(&v);
            gen_line(g, "arpc_ndr_check(!L->%s || (long long)L->idl_n_%s == (long long)(%s));", p->name, p->name,
                     size);
            free(size);
        }
    }
    /* storage for [out]-only parameters */
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (i == fn->handle_param || p->in || !p->out || !param_is_marshalled(p))
            continue;
        if (param_ctx(p)) {
            char *slot = xasprintf("L->idl_x_%s", p->name);
            gen_ctx_server_slot(g, p, slot, "s");
            free(slot);
            continue;
        }
        View v = view_of_field(p, "L->", itf->ptr_default, 1);
        int h = holding(p, &v);
        if (h == HOLD_SINGLE) {
            gen_line(g, "L->%s = &L->idl_v_%s;", p->name, p->name);
        } else if (h == HOLD_BUFFER) {
            char *size = view_size_expr(&v);
            if (view_is_array_ptr(&v)) {
                gen_line(g, "L->idl_n_%s = idl_count(%s);", p->name, size);
                gen_line(g, "L->%s = arpc_ndr_alloc(%s, (size_t)L->idl_n_%s * sizeof *L->%s);", p->name, R,
                         p->name, p->name);
                Type *et = type_resolve(p->type)->sub;
                if (type_has_pointers(et)) {
                    int k = ++g->tmp;
                    gen_open(g, "for (uint32_t i%d = 0; i%d < L->idl_n_%s; i%d++) {", k, k, p->name, k);
                    char *el = xasprintf("L->%s[i%d]", p->name, k);
                    gen_zero_pointers(g, et, el);
                    free(el);
                    gen_close(g);
                }
            } else {
                gen_line(g, "L->%s = arpc_ndr_alloc(%s, (size_t)idl_count(%s) * sizeof *L->%s);", p->name, R,
                         size, p->name);
                gen_line(g, "L->%s[0] = 0;", p->name);
            }
            free(size);
        }
    }
    if (fn->ret_context) {
        char *rd = ctx_rundown_name(type_ctx(fn->ret));
        gen_line(g, "L->idl_x_ret = arpc_sctx_new(s, %s);", rd);
        free(rd);
    }
}
/* The manager call (through the EPV when the server registered one; msg:
 * the PRPC_MESSAGE expression): `result` receives the return value (may be
 * NULL), `first` is an extra first argument (the async handle; may be NULL). */
static void server_call_manager(Gen *g, Interface *itf, Func *fn, const Options *o, const char *msg,
                                const char *result, const char *first)
{
    char *pfx = iface_prefix(itf);
    char *args = xstrdup(first ? first : "");
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        const char *amp = fn->is_async && param_pipe(p) ? "&" : "";
        char *slot = xasprintf("L->idl_x_%s", p->name);
        char *arg = param_ctx(p) ? ctx_server_arg(p, slot) : xasprintf("%sL->%s", amp, p->name);
        char *n = xasprintf("%s%s%s", args, *args ? ", " : "", arg);
        free(slot);
        free(arg);
        free(args);
        args = n;
    }
    if (fn->ret_context && result)
        result = "*arpc_sctx_value(L->idl_x_ret)";
    if (o->no_default_epv) {
        /* -no_default_epv: the server registered an EPV, or the call fails */
        gen_line(g, "if (!%s->ManagerEpv)", msg);
        gen_line(g, "    RpcRaiseException(RPC_S_UNKNOWN_MGR_TYPE);");
        gen_line(g, "%s%s((%s_epv_t *)%s->ManagerEpv)->%s(%s);", result ? result : "", result ? " = " : "", pfx,
                 msg, fn->name, args);
    } else {
        gen_line(g, "%s%s(%s->ManagerEpv ? ((%s_epv_t *)%s->ManagerEpv)->%s : %s%s)(%s);", result ? result : "",
                 result ? " = " : "", msg, pfx, msg, fn->name, o->server_prefix, fn->name, args);
    }
    free(args);
    free(pfx);
}

/* Marshals the [out] parameters from L into g->w, then the return value
 * (lvalue ret; NULL for void). */
static void server_marshal_out(Gen *g, Interface *itf, Func *fn, const char *ret)
{
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (!p->out || !param_is_marshalled(p))
            continue;
        View v = view_of_field(p, "L->", itf->ptr_default, 1);
        int h = holding(p, &v);
        char *lv = xasprintf("L->%s", p->name);
        gen_line(g, "/* %s */", p->name);
        if (param_ctx(p)) {
            char *slot = xasprintf("L->idl_x_%s", p->name);
            gen_ctx_server_marshal(g, slot);
            free(slot);
        } else if (h == HOLD_VALUE) {
            gen_write(g, &v, lv, M_FULL);
        } else if (v.ptr_kind == PTR_REF) {
            gen_write_pointee(g, &v, lv);
        } else {
            gen_open(g, "if (arpc_ndr_w_ref_id(%s, %s)) {", g->w, lv);
            gen_write_pointee(g, &v, lv);
            gen_close(g);
        }
        free(lv);
    }
    if (ret && fn->ret_context) {
        if (strcmp(ret, "L->idl_ret"))  /* [async]: the value RpcAsyncCompleteCall was given */
            gen_line(g, "*arpc_sctx_value(L->idl_x_ret) = (void *)%s;", ret);
        gen_ctx_server_marshal(g, "L->idl_x_ret");
    } else if (ret) {
        View rv = {.type = fn->ret, .prefix = "L->"};
        gen_write(g, &rv, ret, M_FULL);
    }
}

/* static void NAME_free(arpc_ndr_reader *r, struct NAME_locals *L): frees
 * what the stub allocated (with r->free), tolerating a partly filled L */
static void server_free_fn(Gen *g, Interface *itf, Func *fn, const char *sn)
{
    fprintf(g->f, "static void %s_free(arpc_ndr_reader *r, struct %s_locals *L)\n{\n", sn, sn);
    g->ind = 1;
    g->r = "r";
    gen_line(g, "(void)r;");
    gen_line(g, "(void)L;");
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (i == fn->handle_param || !param_is_marshalled(p) || param_ctx(p))
            continue;
        View v = view_of_field(p, "L->", itf->ptr_default, 1);
        int h = holding(p, &v);
        char *lv = xasprintf("L->%s", p->name);
        if (h == HOLD_SINGLE) {
            View iv = view_inner(&v, type_resolve(p->type)->sub, itf->ptr_default);
            char *pl = xasprintf("L->idl_v_%s", p->name);
            gen_free(g, &iv, pl, NULL);
            free(pl);
        } else if (h == HOLD_BUFFER) {
            char *cnt = view_is_array_ptr(&v) ? xasprintf("L->idl_n_%s", p->name) : NULL;
            gen_free(g, &v, lv, cnt);
            free(cnt);
        } else {
            gen_free(g, &v, lv, NULL);
        }
        free(lv);
    }
    g->ind = 0;
    fprintf(g->f, "}\n\n");
}

/* Where a pipe parameter's control structure is: in L, by value for an
 * [async] procedure's ASYNC_ structure and a synchronous by-value [in]
 * pipe, through the pointer (at L->idl_v_NAME) otherwise. */
static char *server_pipe_addr(Func *fn, Field *p)
{
    return xasprintf("%sL->%s", fn->is_async || type_pipe(p->type) ? "&" : "", p->name);
}

static void server_proc(Gen *g, Interface *itf, Func *fn, const Options *o)
{
    char *sn = xasprintf("%s_%s", itf->name, fn->name);
    int has_ret = !type_is_void(fn->ret);
    FILE *f = g->f;

    server_locals(g, itf, fn, sn, 1);

    /* body: unmarshal, call, marshal */
    fprintf(f, "static void %s_body(arpc_server_call *s, struct %s_locals *L)\n{\n", sn, sn);
    g->ind = 1;
    g->w = "&s->w";
    g->r = "&s->r";
    gen_line(g, "(void)L;");
    server_unmarshal_in(g, itf, fn);
    if (fn->has_pipes) {
        gen_pipe_params(g, fn, "idl_pipes", 1, server_pipe_addr);
        gen_line(g, "arpc_server_call_pipes(s, idl_pipes, %d);", func_npipes(fn));
    }
    server_call_manager(g, itf, fn, o, "s->msg", has_ret ? "L->idl_ret" : NULL, NULL);
    if (fn->has_pipes)
        gen_line(g, "arpc_server_call_pipes_done(s);");
    server_marshal_out(g, itf, fn, has_ret ? "L->idl_ret" : NULL);
    g->ind = 0;
    fprintf(f, "}\n\n");

    server_free_fn(g, itf, fn, sn);

    /* the dispatch function */
    fprintf(f, "static void __RPC_STUB %s_stub(PRPC_MESSAGE msg)\n{\n", sn);
    fprintf(f, "    arpc_server_call s;\n");
    fprintf(f, "    struct %s_locals L = {0};\n\n", sn);
    fprintf(f, "    arpc_server_call_begin(&s, msg);\n");
    fprintf(f, "    s.r.alloc = MIDL_user_allocate;\n");
    fprintf(f, "    s.r.free = MIDL_user_free;\n");
    fprintf(f, "    RpcTryFinally\n    {\n");
    fprintf(f, "        %s_body(&s, &L);\n", sn);
    fprintf(f, "        arpc_server_call_reply(&s);\n");
    fprintf(f, "    }\n    RpcFinally\n    {\n");
    fprintf(f, "        %s_free(&s.r, &L);\n", sn);
    fprintf(f, "        if (RpcAbnormalTermination())\n");
    fprintf(f, "            arpc_ndr_writer_free(&s.w);\n");
    fprintf(f, "    }\n    RpcEndFinally\n}\n\n");
    free(sn);
}

/* [async]: the locals become a heap context that lives until the runtime
 * calls NAME_free_ctx; NAME_reply marshals the [out] parameters and the
 * return value when the manager calls RpcAsyncCompleteCall. */
static void server_async_proc(Gen *g, Interface *itf, Func *fn, const Options *o)
{
    char *sn = xasprintf("%s_%s", itf->name, fn->name);
    int has_ret = !type_is_void(fn->ret);
    char *rt = has_ret ? type_decl(fn->ret, "", 1) : NULL;
    FILE *f = g->f;

    server_locals(g, itf, fn, sn, 0);

    fprintf(f, "static void %s_in(arpc_server_call *s, struct %s_locals *L)\n{\n", sn, sn);
    g->ind = 1;
    g->w = NULL;
    g->r = "&s->r";
    gen_line(g, "(void)s;");
    gen_line(g, "(void)L;");
    server_unmarshal_in(g, itf, fn);
    if (fn->has_pipes)
        gen_pipe_params(g, fn, "L->idl_pipes", 0, server_pipe_addr);
    g->ind = 0;
    fprintf(f, "}\n\n");

    fprintf(f, "static void %s_reply(arpc_ndr_writer *w, void *ctx, const void *reply)\n{\n", sn);
    fprintf(f, "    struct %s_locals *L = (struct %s_locals *)ctx;\n\n", sn, sn);
    g->ind = 1;
    g->w = "w";
    g->r = NULL;
    gen_line(g, "(void)w;");
    gen_line(g, "(void)L;");
    gen_line(g, "(void)reply;");
    char *ret = has_ret ? xasprintf("(*(const %s *)reply)", rt) : NULL;
    server_marshal_out(g, itf, fn, ret);
    free(ret);
    g->ind = 0;
    fprintf(f, "}\n\n");

    server_free_fn(g, itf, fn, sn);

    fprintf(f, "static void %s_free_ctx(void *ctx)\n{\n", sn);
    fprintf(f, "    arpc_ndr_reader r = {0};\n\n");
    fprintf(f, "    r.free = MIDL_user_free;\n");
    fprintf(f, "    %s_free(&r, (struct %s_locals *)ctx);\n", sn, sn);
    fprintf(f, "    free(ctx);\n}\n\n");

    fprintf(f, "static void __RPC_STUB %s_stub(PRPC_MESSAGE msg)\n{\n", sn);
    fprintf(f, "    arpc_server_call s;\n");
    fprintf(f, "    struct %s_locals *L;\n", sn);
    fprintf(f, "    PRPC_ASYNC_STATE idl_async;\n\n");
    fprintf(f, "    arpc_server_call_begin(&s, msg);\n");
    fprintf(f, "    s.r.alloc = MIDL_user_allocate;\n");
    fprintf(f, "    s.r.free = MIDL_user_free;\n");
    fprintf(f, "    L = (struct %s_locals *)arpc_async_ctx_alloc(sizeof *L);\n", sn);
    fprintf(f, "    RpcTryExcept\n    {\n");
    fprintf(f, "        %s_in(&s, L);\n", sn);
    fprintf(f, "    }\n    RpcExcept(1)\n    {\n");
    fprintf(f, "        %s_free_ctx(L);\n", sn);
    fprintf(f, "        RpcRaiseException(RpcExceptionCode());\n");
    fprintf(f, "    }\n    RpcEndExcept\n");
    fprintf(f, "    /* from here on the runtime owns L; the manager completes the call with\n");
    fprintf(f, "       RpcAsyncCompleteCall(idl_async, %s) */\n", has_ret ? "&ret" : "NULL");
    char *size = has_ret ? xasprintf("sizeof(%s)", rt) : xstrdup("0");
    if (fn->has_pipes)
        fprintf(f, "    idl_async = arpc_server_call_go_async_pipes(&s, %s_reply, %s_free_ctx, L, %s,\n"
                   "                                                L->idl_pipes, %d);\n",
                sn, sn, size, func_npipes(fn));
    else
        fprintf(f, "    idl_async = arpc_server_call_go_async(&s, %s_reply, %s_free_ctx, L, %s);\n", sn, sn, size);
    free(size);
    g->ind = 1;
    server_call_manager(g, itf, fn, o, "msg", NULL, "idl_async");
    g->ind = 0;
    fprintf(f, "}\n\n");
    free(rt);
    free(sn);
}

void emit_server(FILE *f, Program *p, const Options *o)
{
    Gen g = {.f = f, .w = "&s->w", .r = "&s->r", .side = 's'};
    fprintf(f, "/* Server stubs - generated by asyncrpc-idl from %s; do not edit. */\n\n", idl_basename(o->input));
    fprintf(f, "#include \"%s\"\n#include \"arpc_stub.h\"\n\n", o->header_include);
    for (int i = 0, done = 0; i < p->nifaces && !done; i++)
        for (int j = 0; j < p->ifaces[i]->nfuncs && !done; j++)
            if (!p->ifaces[i]->is_local && p->ifaces[i]->funcs[j]->is_async) {
                fprintf(f, "#include <stdlib.h>\n\n");  /* free() of [async] contexts */
                done = 1;
            }
    gen_preamble(&g);
    for (int i = 0; i < p->nifaces; i++)
        if (!p->ifaces[i]->is_local) {
            g.itf = p->ifaces[i];
            break;
        }
    gen_struct_helpers(&g, p, 1, 1, 1);
    gen_pipe_types(&g, p);
    gen_ctx_rundowns(&g, p);
    for (int i = 0; i < p->nifaces; i++) {
        Interface *itf = p->ifaces[i];
        if (itf->is_local)
            continue;
        g.itf = itf;
        char *pfx = iface_prefix(itf);
        for (int j = 0; j < itf->nfuncs; j++) {
            if (itf->funcs[j]->is_async)
                server_async_proc(&g, itf, itf->funcs[j], o);
            else
                server_proc(&g, itf, itf->funcs[j], o);
        }
        fprintf(f, "static RPC_DISPATCH_FUNCTION %s_table[] = {\n", itf->name);
        for (int j = 0; j < itf->nfuncs; j++)
            fprintf(f, "    %s_%s_stub,\n", itf->name, itf->funcs[j]->name);
        fprintf(f, "    0\n};\n\n");
        fprintf(f, "static RPC_DISPATCH_TABLE %s_DispatchTable = {%d, %s_table, 0};\n\n", pfx, itf->nfuncs,
                itf->name);
        char *eps = gen_endpoints(&g, itf);
        fprintf(f, "static const RPC_SERVER_INTERFACE %s___RpcServerInterface = {\n", itf->name);
        fprintf(f, "    sizeof(RPC_SERVER_INTERFACE),\n    ");
        gen_iface_id(&g, itf);
        fprintf(f, ",\n    ARPC_NDR20_SYNTAX,\n    &%s_DispatchTable,\n    %d,\n    %s,\n    0,\n    0,\n    %s,\n};\n",
                pfx, itf->nep, eps ? eps : "0", iface_has_pipes(itf) ? "RPC_INTERFACE_HAS_PIPES" : "0");
        char *ifs = iface_ifspec(itf, o, 1);
        fprintf(f, "RPC_IF_HANDLE %s = (RPC_IF_HANDLE)&%s___RpcServerInterface;\n\n", ifs, itf->name);
        free(ifs);
        free(pfx);
        free(eps);
    }
}

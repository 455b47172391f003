/* emit_client.c - the client stub file: interface description and one
 * function per procedure that marshals, calls and unmarshals.  An [async]
 * procedure's stub marshals and starts the call; its finish function
 * (called by the runtime inside RpcAsyncCompleteCall) unmarshals the reply
 * with the same code as a synchronous stub.  Pipe parameters are not in
 * the stub data: the stub hands the runtime their control structures
 * (arpc_client_call_invoke_pipes, arpc_client_call_start_async_pipes).
 * Context handles go through ctxgen.c; [comm_status]/[fault_status] turn
 * the call's failures into a returned status (synchronous procedures). */
#include "idl.h"

#include <stdlib.h>
#include <string.h>

/* NULL top-level [ref] pointers (an [async] procedure's pipes among them:
 * ASYNC_ structures are passed by pointer) fail before anything is sent */
static void client_null_checks(Gen *g, Interface *itf, Func *fn)
{
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        int async_pipe = fn->is_async && param_pipe(p);
        if (i == fn->handle_param || (!type_is_ptr(p->type) && !async_pipe) || param_ctx(p) == CTX_VALUE)
            continue;
        View v = view_of_field(p, "", itf->ptr_default, 1);
        if (v.ptr_kind == PTR_REF || async_pipe) {
            gen_line(g, "if (!%s)", p->name);
            gen_line(g, "    RpcRaiseException(RPC_X_NULL_REF_POINTER);");
        }
    }
}

/* Where a pipe parameter's control structure is: the address of a
 * by-value [in] pipe of a synchronous procedure, the pointer otherwise. */
static char *client_pipe_addr(Func *fn, Field *p)
{
    return xasprintf("%s%s", !fn->is_async && type_pipe(p->type) ? "&" : "", p->name);
}

/* An [out] pointer parameter with a size expression: the stub keeps the
 * capacity of the caller's buffer (_cap_NAME). */
static int client_has_cap(Interface *itf, Field *p)
{
    if (!p->out || !type_is_ptr(p->type) || !param_is_marshalled(p) || param_ctx(p))
        return 0;
    View v = view_of_field(p, "", itf->ptr_default, 1);
    char *size = view_size_expr(&v);
    int has = size != NULL;
    free(size);
    return has;
}

/* capacities of the caller's [out] buffers, evaluated at call time */
static void client_caps(Gen *g, Interface *itf, Func *fn)
{
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (!client_has_cap(itf, p))
            continue;
        View v = view_of_field(p, "", itf->ptr_default, 1);
        char *size = view_size_expr(&v);
        gen_line(g, "const uint32_t _cap_%s = idl_count(%s);", p->name, size);
        free(size);
    }
}

/* [in] parameters into g->w */
static void client_marshal_in(Gen *g, Interface *itf, Func *fn)
{
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (i == fn->handle_param || !p->in || !param_is_marshalled(p))
            continue;
        View v = view_of_field(p, "", itf->ptr_default, 1);
        gen_line(g, "/* %s */", p->name);
        if (param_ctx(p)) {
            gen_ctx_client_marshal(g, p);
        } else if (type_is_ptr(p->type)) {
            if (v.ptr_kind == PTR_REF) {
                gen_write_pointee(g, &v, p->name);
            } else {
                gen_open(g, "if (arpc_ndr_w_ref_id(%s, %s)) {", g->w, p->name);
                gen_write_pointee(g, &v, p->name);
                gen_close(g);
            }
        } else {
            gen_write(g, &v, p->name, M_FULL);
        }
    }
}

/* [out] parameters from g->r into the caller's memory (named as the
 * parameters, capacities in _cap_NAME), then the return value into a local
 * _ret, followed by `store` (a statement using _ret).  binding: the call's
 * binding handle, for context handles. */
static void client_unmarshal_out(Gen *g, Interface *itf, Func *fn, const char *store, const char *binding)
{
    /* g->r is "&NAME" or a pointer */
    const char *rd = g->r[0] == '&' ? g->r + 1 : g->r;
    const char *op = g->r[0] == '&' ? "." : "->";
    gen_line(g, "%s%salloc = MIDL_user_allocate;", rd, op);
    gen_line(g, "%s%sfree = MIDL_user_free;", rd, op);
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (!p->out || !param_is_marshalled(p))
            continue;
        View v = view_of_field(p, "", itf->ptr_default, 1);
        v.disc_assign = union_disc_later(fn->params, fn->nparams, i, recv_out);
        gen_line(g, "/* %s */", p->name);
        if (param_ctx(p)) {
            gen_ctx_client_unmarshal_param(g, p, p->name, binding);
        } else if (disc_preassigned(fn->params, fn->nparams, i, recv_out)) {
            /* the discriminant of a union received before it */
            View iv = view_inner(&v, type_resolve(p->type)->sub, itf->ptr_default);
            char *lv = xasprintf("(*%s)", p->name);
            gen_read_disc_check(g, &iv, lv);
            free(lv);
        } else if (type_is_ptr(p->type)) {
            char *cap = client_has_cap(itf, p) ? xasprintf("_cap_%s", p->name) : NULL;
            if (v.ptr_kind == PTR_REF) {
                gen_read_pointee_into(g, &v, p->name, cap);
            } else {
                gen_open(g, "if (arpc_ndr_r_u32(%s)) {", g->r);
                gen_line(g, "arpc_ndr_check(%s != NULL);", p->name);
                gen_line(g, "idl_enter(%s);", g->r);
                gen_read_pointee_into(g, &v, p->name, cap);
                gen_line(g, "idl_leave(%s);", g->r);
                gen_close(g);
            }
            free(cap);
        } else {
            gen_read(g, &v, p->name, M_FULL);
        }
    }
    if (!type_is_void(fn->ret)) {
        View rv = {.type = fn->ret, .prefix = ""};
        char *td = type_decl(fn->ret, "_ret", 1);
        gen_open(g, "{");
        gen_line(g, "%s;", td);
        if (fn->ret_context) {
            char *ct = type_decl(fn->ret, "", 1);
            gen_ctx_client_unmarshal(g, "_ret", ct, 0, binding);
            free(ct);
        } else {
            gen_read(g, &rv, "_ret", M_FULL);
        }
        gen_line(g, "%s", store);
        gen_close(g);
        free(td);
    }
}

/* the binding handle expression: the handle_t parameter, the binding of
 * the [in] context handle, or the implicit handle */
static char *binding_of(Interface *itf, Func *fn)
{
    if (fn->handle_param >= 0)
        return xstrdup(fn->params[fn->handle_param]->name);
    if (fn->ctx_binding >= 0)
        return ctx_client_binding(fn->params[fn->ctx_binding]);
    return xstrdup(itf->implicit_handle);
}

/* [comm_status]/[fault_status]: where the status goes (an lvalue), or NULL */
static char *status_target(Func *fn, int fault)
{
    if (fault ? fn->fault_status : fn->comm_status)
        return xstrdup("_RetVal");
    for (int i = 0; i < fn->nparams; i++)
        if (fault ? fn->params[i]->fault_status : fn->params[i]->comm_status)
            return xasprintf("*%s", fn->params[i]->name);
    return NULL;
}

static int has_status(Func *fn)
{
    char *c = status_target(fn, 0), *f = status_target(fn, 1);
    int has = c || f;
    free(c);
    free(f);
    return has;
}

/* `volatile T _RetVal = (T)0;` - the pointer itself volatile for a
 * pointer type spelled with '*' */
static void ret_local(Gen *g, Func *fn)
{
    char *rt = type_decl(fn->ret, "", 1);
    char *rd = fn->ret->kind == TY_PTR ? type_decl(fn->ret, "volatile _RetVal", 1) : NULL;
    if (rd)
        gen_line(g, "%s = (%s)0;", rd, rt);
    else
        gen_line(g, "volatile %s _RetVal = (%s)0;", rt, rt);
    free(rt);
    free(rd);
}

/* The call proper: begin, marshal, invoke, unmarshal, end.  in_call:
 * the name of a flag set while the runtime runs (begin, invoke) -
 * [comm_status]/[fault_status] turn only those failures into a status. */
static void client_call(Gen *g, Interface *itf, Func *fn, const char *in_call)
{
    char *bind = binding_of(itf, fn);
    if (in_call)
        gen_line(g, "%s = 1;", in_call);
    gen_line(g, "arpc_client_call_begin(&_Call, %s, &%s___RpcClientInterface, %d);", bind, itf->name, fn->opnum);
    if (in_call)
        gen_line(g, "%s = 0;", in_call);
    gen_line(g, "RpcTryFinally");
    gen_open(g, "{");
    client_caps(g, itf, fn);
    client_marshal_in(g, itf, fn);
    if (in_call)
        gen_line(g, "%s = 1;", in_call);
    if (fn->has_pipes) {
        gen_pipe_params(g, fn, "_Pipes", 1, client_pipe_addr);
        gen_line(g, "arpc_client_call_invoke_pipes(&_Call, _Pipes, %d);", func_npipes(fn));
    } else {
        gen_line(g, "arpc_client_call_invoke(&_Call);");
    }
    if (in_call)
        gen_line(g, "%s = 0;", in_call);
    client_unmarshal_out(g, itf, fn, "_RetVal = _ret;", "_Call.msg.Handle");
    gen_close(g);
    gen_line(g, "RpcFinally");
    gen_open(g, "{");
    gen_line(g, "arpc_client_call_end(&_Call);");
    gen_close(g);
    gen_line(g, "RpcEndFinally");
    free(bind);
}

static void client_proc(Gen *g, Interface *itf, Func *fn, const Options *o)
{
    char *nm = xasprintf("%s%s", o->client_prefix, fn->name);
    char *d = type_decl(fn->ret, nm, 0);
    char *ps = proto_params(fn, 1, 0);
    fprintf(g->f, "%s(%s)\n{\n", d, ps);
    free(d);
    free(ps);
    g->ind = 1;
    g->w = "&_Call.w";
    g->r = "&_Call.r";
    int has_ret = !type_is_void(fn->ret);
    if (has_ret)
        ret_local(g, fn);
    int status = has_status(fn);
    if (status)
        gen_line(g, "volatile int _InCall = 0;  /* [comm_status]/[fault_status]: the runtime runs */");
    gen_line(g, "arpc_client_call _Call;");
    gen_line(g, "%s", "");
    client_null_checks(g, itf, fn);
    if (!status) {
        client_call(g, itf, fn, NULL);
    } else {
        char *comm = status_target(fn, 0), *fault = status_target(fn, 1);
        gen_line(g, "RpcTryExcept");
        gen_open(g, "{");
        client_call(g, itf, fn, "_InCall");
        gen_close(g);
        gen_line(g, "RpcExcept(_InCall)");
        gen_open(g, "{");
        gen_line(g, "RPC_STATUS _Status = (RPC_STATUS)RpcExceptionCode();");
        gen_line(g, "%s", "");
        gen_line(g, "/* a communication error: [comm_status]; the server's fault: [fault_status] */");
        gen_open(g, "if (idl_comm_error(_Status)) {");
        if (comm)
            gen_line(g, "%s = (error_status_t)_Status;", comm);
        else
            gen_line(g, "RpcRaiseException(_Status);");
        g->ind--;
        gen_open(g, "} else {");
        if (fault)
            gen_line(g, "%s = (error_status_t)_Status;", fault);
        else
            gen_line(g, "RpcRaiseException(_Status);");
        gen_close(g);
        gen_close(g);
        gen_line(g, "RpcEndExcept");
        free(comm);
        free(fault);
    }
    if (has_ret)
        gen_line(g, "return _RetVal;");
    g->ind = 0;
    fprintf(g->f, "}\n\n");
    free(nm);
}

/* [comm_status]/[fault_status]: which failures are communication errors
 * (the binding, the transport, the protocol, the server refusing the
 * interface or procedure: DCE's comm_status codes); anything else the call
 * raises is a fault of the server procedure. */
static void gen_comm_error_fn(FILE *f)
{
    static const char *const codes[] = {
        "RPC_S_INVALID_STRING_BINDING", "RPC_S_WRONG_KIND_OF_BINDING", "RPC_S_INVALID_BINDING",
        "RPC_S_PROTSEQ_NOT_SUPPORTED", "RPC_S_INVALID_RPC_PROTSEQ", "RPC_S_INVALID_ENDPOINT_FORMAT",
        "RPC_S_INVALID_NET_ADDR", "RPC_S_NO_ENDPOINT_FOUND", "RPC_S_INVALID_TIMEOUT", "RPC_S_OUT_OF_RESOURCES",
        "RPC_S_SERVER_UNAVAILABLE", "RPC_S_SERVER_TOO_BUSY", "RPC_S_UNKNOWN_IF", "RPC_S_CALL_FAILED",
        "RPC_S_CALL_FAILED_DNE", "RPC_S_PROTOCOL_ERROR", "RPC_S_UNSUPPORTED_TRANS_SYN",
        "RPC_S_PROCNUM_OUT_OF_RANGE", "RPC_S_BINDING_INCOMPLETE", "RPC_S_UNKNOWN_AUTHN_SERVICE",
        "RPC_S_CALL_CANCELLED", "RPC_S_COMM_FAILURE", "RPC_S_NO_PROTSEQS", "EPT_S_NOT_REGISTERED", NULL};
    fprintf(f, "/* [comm_status]/[fault_status]: a failure of the call that is a communication\n"
               " * error (binding, transport, protocol, the server refusing the interface or\n"
               " * procedure); anything else is a fault of the server procedure */\n");
    fprintf(f, "static int idl_comm_error(RPC_STATUS s)\n{\n    switch (s) {\n");
    for (int i = 0; codes[i]; i++)
        fprintf(f, "    case %s:\n", codes[i]);
    fprintf(f, "        return 1;\n    default:\n        return 0;\n    }\n}\n\n");
}

/* The C type a parameter is kept as in an [async] call's context: its own
 * type, or a pointer to the elements for a fixed array (which the caller
 * passed as one). */
static Type *saved_type(Field *p)
{
    Type *r = type_resolve(p->type);
    if (r->kind != TY_ARRAY)
        return p->type;
    Type *t = xmalloc(sizeof *t);
    t->kind = TY_PTR;
    t->sub = r->sub;
    t->loc = r->loc;
    return t;
}

/* [async]: the stub marshals the [in] parameters as a synchronous stub,
 * saves where the [out] parameters go (and their capacities) in a context
 * and starts the call; If_F_finish unmarshals the reply into them. */
static void client_async_proc(Gen *g, Interface *itf, Func *fn, const Options *o)
{
    FILE *f = g->f;
    char *sn = xasprintf("%s_%s", itf->name, fn->name);
    int has_ret = !type_is_void(fn->ret);
    char *rt = has_ret ? type_decl(fn->ret, "", 1) : NULL;

    int ctx_out = fn->ret_context;
    for (int i = 0; i < fn->nparams; i++)
        ctx_out |= param_ctx(fn->params[i]) && fn->params[i]->out;

    /* the context: the caller's [out] pointers, valid until RpcAsyncCompleteCall */
    fprintf(f, "struct %s_async\n{\n    int idl_unused_;\n", sn);
    if (ctx_out)  /* the binding new context handles belong to */
        fprintf(f, "    RPC_BINDING_HANDLE idl_binding;\n");
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (!p->out || !param_is_marshalled(p))
            continue;
        char *pd = type_decl(saved_type(p), p->name, 0);
        fprintf(f, "    %s;\n", pd);
        free(pd);
        if (client_has_cap(itf, p))
            fprintf(f, "    uint32_t _cap_%s;\n", p->name);
    }
    if (fn->has_pipes)  /* the pipes' description, kept for the whole call */
        fprintf(f, "    arpc_pipe_param idl_pipes[%d];\n", func_npipes(fn));
    fprintf(f, "};\n\n");

    /* the finish function: the synchronous stub's unmarshalling, on locals
     * named as the parameters */
    fprintf(f, "static void %s_finish_body(arpc_ndr_reader *_Reader, struct %s_async *_Ctx, void *_Reply)\n{\n",
            sn, sn);
    g->ind = 1;
    g->w = NULL;
    g->r = "_Reader";
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (!p->out || !param_is_marshalled(p))
            continue;
        char *pd = type_decl(saved_type(p), p->name, 0);
        gen_line(g, "%s = _Ctx->%s;", pd, p->name);
        free(pd);
        if (client_has_cap(itf, p))
            gen_line(g, "const uint32_t _cap_%s = _Ctx->_cap_%s;", p->name, p->name);
    }
    gen_line(g, "%s", "");
    gen_line(g, "(void)_Ctx;");
    gen_line(g, "(void)_Reply;");
    char *store = has_ret ? xasprintf("if (_Reply)\n%*s    *(%s *)_Reply = _ret;", g->ind * 4 + 4, "", rt) : NULL;
    client_unmarshal_out(g, itf, fn, store ? store : "", "_Ctx->idl_binding");
    free(store);
    g->ind = 0;
    fprintf(f, "}\n\n");
    fprintf(f, "static RPC_STATUS %s_finish(arpc_ndr_reader *_Reader, void *_Ctx, void *_Reply)\n{\n", sn);
    fprintf(f, "    volatile RPC_STATUS _Status = RPC_S_OK;\n\n");
    fprintf(f, "    RpcTryExcept\n    {\n");
    fprintf(f, "        %s_finish_body(_Reader, (struct %s_async *)_Ctx, _Reply);\n", sn, sn);
    fprintf(f, "    }\n    RpcExcept(1)\n    {\n");
    fprintf(f, "        _Status = (RPC_STATUS)RpcExceptionCode();\n");
    fprintf(f, "    }\n    RpcEndExcept\n");
    fprintf(f, "    return _Status;\n}\n\n");

    /* the stub */
    char *nm = xasprintf("%s%s", o->client_prefix, fn->name);
    char *ps = proto_params(fn, 1, 0);
    fprintf(f, "void %s(%s)\n{\n", nm, ps);
    free(ps);
    g->ind = 1;
    g->w = "&_Call.w";
    g->r = "&_Call.r";
    gen_line(g, "arpc_client_call _Call;");
    gen_line(g, "%s", "");
    client_null_checks(g, itf, fn);
    char *bind = binding_of(itf, fn);
    gen_line(g, "arpc_client_call_begin(&_Call, %s, &%s___RpcClientInterface, %d);", bind, itf->name, fn->opnum);
    free(bind);
    gen_line(g, "RpcTryFinally");
    gen_open(g, "{");
    client_caps(g, itf, fn);
    client_marshal_in(g, itf, fn);
    gen_open(g, "{");
    gen_line(g, "/* allocated after marshalling: nothing raises between here and");
    gen_line(g, "   start_async, which owns _Ctx from its call on */");
    gen_line(g, "struct %s_async *_Ctx = (struct %s_async *)arpc_async_ctx_alloc(sizeof *_Ctx);", sn, sn);
    if (ctx_out)
        gen_line(g, "_Ctx->idl_binding = _Call.msg.Handle;");
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (!p->out || !param_is_marshalled(p))
            continue;
        gen_line(g, "_Ctx->%s = %s;", p->name, p->name);
        if (client_has_cap(itf, p))
            gen_line(g, "_Ctx->_cap_%s = _cap_%s;", p->name, p->name);
    }
    char *size = has_ret ? xasprintf("sizeof(%s)", rt) : xstrdup("0");
    if (fn->has_pipes) {
        gen_pipe_params(g, fn, "_Ctx->idl_pipes", 0, client_pipe_addr);
        gen_line(g, "arpc_client_call_start_async_pipes(&_Call, %s_AsyncHandle, %s, %s_finish, _Ctx,", fn->name,
                 size, sn);
        gen_line(g, "                                   _Ctx->idl_pipes, %d);", func_npipes(fn));
    } else {
        gen_line(g, "arpc_client_call_start_async(&_Call, %s_AsyncHandle, %s, %s_finish, _Ctx);", fn->name, size,
                 sn);
    }
    free(size);
    gen_close(g);
    gen_close(g);
    gen_line(g, "RpcFinally");
    gen_open(g, "{");
    gen_line(g, "arpc_client_call_end(&_Call);");
    gen_close(g);
    gen_line(g, "RpcEndFinally");
    g->ind = 0;
    fprintf(f, "}\n\n");
    free(nm);
    free(rt);
    free(sn);
}

void emit_client(FILE *f, Program *p, const Options *o)
{
    Gen g = {.f = f, .w = "&_Call.w", .r = "&_Call.r", .side = 'c'};
    fprintf(f, "/* Client stubs - generated by asyncrpc-idl from %s; do not edit. */\n\n", idl_basename(o->input));
    fprintf(f, "#include \"%s\"\n#include \"arpc_stub.h\"\n\n", o->header_include);
    gen_preamble(&g);
    for (int i = 0; i < p->nifaces; i++)
        if (!p->ifaces[i]->is_local) {
            g.itf = p->ifaces[i];
            break;
        }
    gen_struct_helpers(&g, p, 1, 1, 0);
    gen_pipe_types(&g, p);
    int status = 0;
    for (int i = 0; i < p->nifaces; i++)
        for (int j = 0; j < p->ifaces[i]->nfuncs; j++) {
            Func *fn = p->ifaces[i]->funcs[j];
            status |= !p->ifaces[i]->is_local && !fn->is_async && !fn->nocode && has_status(fn);
        }
    if (status)
        gen_comm_error_fn(f);
    for (int i = 0; i < p->nifaces; i++) {
        Interface *itf = p->ifaces[i];
        if (itf->is_local)
            continue;
        g.itf = itf;
        char *ifs = iface_ifspec(itf, o, 0);
        char *eps = gen_endpoints(&g, itf);
        fprintf(f, "static const RPC_CLIENT_INTERFACE %s___RpcClientInterface = {\n", itf->name);
        fprintf(f, "    sizeof(RPC_CLIENT_INTERFACE),\n    ");
        gen_iface_id(&g, itf);
        fprintf(f, ",\n    ARPC_NDR20_SYNTAX,\n    0,\n    %d,\n    %s,\n    0,\n    0,\n    %s,\n};\n", itf->nep,
                eps ? eps : "0", iface_has_pipes(itf) ? "RPC_INTERFACE_HAS_PIPES" : "0");
        fprintf(f, "RPC_IF_HANDLE %s = (RPC_IF_HANDLE)&%s___RpcClientInterface;\n\n", ifs, itf->name);
        if (itf->implicit_handle)
            fprintf(f, "handle_t %s;\n\n", itf->implicit_handle);
        for (int j = 0; j < itf->nfuncs; j++) {
            Func *fn = itf->funcs[j];
            if (fn->nocode)
                fprintf(f, "/* %s: [nocode], no client stub */\n\n", fn->name);
            else if (fn->is_async)
                client_async_proc(&g, itf, fn, o);
            else
                client_proc(&g, itf, fn, o);
        }
        free(ifs);
        free(eps);
    }
}

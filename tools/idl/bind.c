/* bind.c - procedure-level rules: the handle that binds a call (a handle_t
 * parameter, the leftmost [in] context handle, [explicit_handle],
 * [implicit_handle]), context handle parameters and return values, and
 * [comm_status]/[fault_status]. */
#include "idl.h"

#include <stdlib.h>
#include <string.h>

static Field *make_handle_param(Loc loc)
{
    Field *h = xmalloc(sizeof *h);
    h->name = "IDL_handle";
    h->loc = loc;
    h->in = 1;
    h->is_param = 1;
    h->type = xmalloc(sizeof *h->type);
    h->type->kind = TY_BASE;
    h->type->base = B_HANDLE;
    h->type->spell = "handle_t";
    h->attrs = xmalloc(sizeof *h->attrs);
    h->attrs->name = "in";
    return h;
}

/* MIDL's order: an explicit handle_t parameter; else the leftmost [in] (or
 * [in,out]) context handle, which takes precedence over [implicit_handle]
 * and keeps [explicit_handle] from adding a parameter; else
 * [explicit_handle] adds `handle_t IDL_handle` first; else the interface's
 * [implicit_handle].  There is no auto handle (no endpoint mapper). */
void resolve_binding(Interface *itf, Func *fn)
{
    fn->handle_param = -1;
    fn->ctx_binding = -1;
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (type_is_handle(p->type)) {
            if (i != 0)
                fatal(p->loc, "handle_t parameter '%s' must be the first parameter", p->name);
            if (p->out)
                fatal(p->loc, "handle_t parameter '%s' must be [in]", p->name);
            fn->handle_param = 0;
        }
    }
    if (fn->handle_param >= 0 || itf->is_local)
        return;
    for (int i = 0; i < fn->nparams; i++)
        if (param_ctx(fn->params[i]) && fn->params[i]->in) {
            fn->ctx_binding = i;
            return;
        }
    if (itf->explicit_handle || fn->explicit_handle) {
        Field *h = make_handle_param(fn->loc);
        fn->params = xrealloc(fn->params, sizeof *fn->params * (size_t)(fn->nparams + 2));
        memmove(fn->params + 1, fn->params, sizeof *fn->params * (size_t)(fn->nparams + 1));
        fn->params[0] = h;
        fn->nparams++;
        fn->handle_param = 0;
        return;
    }
    if (itf->implicit_handle)
        return;
    fatal(fn->loc,
          "procedure '%s' has no binding handle: add a handle_t first parameter, an [in] context handle, "
          "or use implicit_handle/explicit_handle (auto_handle is not supported: there is no endpoint mapper)",
          fn->name);
}

static const char *first_data_attr(Field *p)
{
    return p->string ? "string" : p->size_is ? "size_is" : p->max_is ? "max_is" : p->length_is ? "length_is" :
           p->first_is ? "first_is" : p->last_is ? "last_is" : p->switch_is ? "switch_is" :
           p->range_lo ? "range" : p->comm_status ? "comm_status" : p->fault_status ? "fault_status" : NULL;
}

/* [in] PCTX ctx, [out] PCTX *pctx, [in,out] PCTX *pctx; [context_handle]
 * on the parameter: the same with any pointer type.  A context handle is
 * opaque: nothing else applies to it. */
void check_ctx_param(Field *p)
{
    int k = param_ctx(p);
    Type *r = type_resolve(p->type);
    if (k == CTX_VALUE) {
        if (p->out)
            fatal(p->loc, "[out] context handle '%s' must be passed by pointer", p->name);
        if (r->kind != TY_PTR)
            fatal(p->loc, "context handle '%s' must be a pointer type", p->name);
        if (p->ptr_kind)
            fatal(p->loc, "[%s] does not apply to context handle '%s'", ptr_kind_name(p->ptr_kind), p->name);
    } else {
        if (!p->out)
            fatal(p->loc, "[in] context handle '%s' is passed by value, not through a pointer", p->name);
        if (p->ptr_kind == PTR_UNIQUE || p->ptr_kind == PTR_FULL)
            fatal(p->loc, "the pointer to context handle '%s' must be [ref]", p->name);
        if (!type_is_ptr(r->sub))
            fatal(p->loc, "context handle '%s' must be a pointer type (passed through a pointer)", p->name);
    }
    const char *a = first_data_attr(p);
    if (a)
        fatal(p->loc, "[%s] does not apply to context handle '%s'", a, p->name);
}

static int is_error_status(Type *t)
{
    Type *r = type_resolve(t);
    return r && r->kind == TY_BASE && r->base == B_ERROR_STATUS;
}

/* [comm_status]/[fault_status]: on the procedure (its error_status_t
 * return value) or on one [out] error_status_t parameter each. */
void check_status(Func *fn)
{
    int ncomm = fn->comm_status, nfault = fn->fault_status;
    if ((fn->comm_status || fn->fault_status) && !is_error_status(fn->ret))
        fatal(fn->loc, "[%s] on procedure '%s' needs the return type error_status_t",
              fn->comm_status ? "comm_status" : "fault_status", fn->name);
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (!p->comm_status && !p->fault_status)
            continue;
        const char *which = p->comm_status ? "comm_status" : "fault_status";
        Type *r = type_resolve(p->type);
        if (!p->out || p->in || r->kind != TY_PTR || !is_error_status(r->sub))
            fatal(p->loc, "[%s] parameter '%s' must be an [out] error_status_t *", which, p->name);
        ncomm += p->comm_status;
        nfault += p->fault_status;
    }
    if (ncomm > 1)
        fatal(fn->loc, "[comm_status] can appear only once in procedure '%s'", fn->name);
    if (nfault > 1)
        fatal(fn->loc, "[fault_status] can appear only once in procedure '%s'", fn->name);
}

/* A procedure returning a context handle: [context_handle] on it, or a
 * context handle type. */
void check_ctx_return(Func *fn)
{
    if (type_ctx(fn->ret))
        fn->ret_context = 1;
    if (fn->ret_context && !type_is_ptr(fn->ret))
        fatal(fn->loc, "procedure '%s' returns a context handle: its return type must be a pointer type",
              fn->name);
}

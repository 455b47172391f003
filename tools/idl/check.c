/* check.c - semantic checks after parsing: binding handles, parameter
 * shapes, what the stub generator supports.  Everything that would make
 * the emitters fail is rejected here, before any output is written. */
#include "idl.h"

#include <stdlib.h>
#include <string.h>

typedef struct Scope {
    Field **fields;
    int n;
    Func *fn;           /* parameter scope */
    const char *what;   /* "parameter" / "field" */
} Scope;

static Field *scope_find(Scope *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->fields[i]->name, name))
            return s->fields[i];
    return NULL;
}

static int is_constant_name(const char *n)
{
    long long v;
    Expr e = {.kind = EX_NAME, .text = (char *)n};
    return find_const(n) || expr_eval(&e, &v);
}

/* names in a size/length expression; in_only: must name [in] parameters */
static void check_expr(Expr *e, Scope *s, int in_only, const char *attr)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_NAME: {
        if (is_constant_name(e->text))
            return;
        Field *f = scope_find(s, e->text);
        if (!f)
            fatal(e->loc, "'%s' in [%s] is not a %s", e->text, attr, s->what);
        if (in_only && s->fn && !f->in)
            fatal(e->loc, "[%s] of an [in] parameter refers to [out] parameter '%s'", attr, e->text);
        if (type_resolve(f->type)->kind == TY_PIPE)
            fatal(e->loc, "'%s' in [%s] is a pipe, not an integer", e->text, attr);
        if (type_is_ptr(f->type) || type_is_array(f->type) || type_resolve(f->type)->kind == TY_STRUCT)
            fatal(e->loc, "'%s' in [%s] is not an integer (use *%s for a pointer)", e->text, attr, e->text);
        return;
    }
    case EX_UNARY:
        if (!strcmp(e->text, "*") && e->a->kind == EX_NAME) {
            Field *f = scope_find(s, e->a->text);
            if (!f)
                fatal(e->a->loc, "'%s' in [%s] is not a %s", e->a->text, attr, s->what);
            if (!type_is_ptr(f->type))
                fatal(e->loc, "'%s' in [%s] is not a pointer", e->a->text, attr);
            if (in_only && s->fn && !f->in)
                fatal(e->loc, "[%s] of an [in] parameter refers to [out] parameter '%s'", attr, e->a->text);
            return;
        }
        if (!strcmp(e->text, "&"))
            fatal(e->loc, "'&' is not allowed in [%s]", attr);
        check_expr(e->a, s, in_only, attr);
        return;
    case EX_BINARY:
        check_expr(e->a, s, in_only, attr);
        check_expr(e->b, s, in_only, attr);
        return;
    case EX_COND:
        check_expr(e->a, s, in_only, attr);
        check_expr(e->b, s, in_only, attr);
        check_expr(e->c, s, in_only, attr);
        return;
    case EX_STR:
        fatal(e->loc, "a string is not allowed in [%s]", attr);
    default:
        return;
    }
}

static Struct **checked;
static int nchecked;

static void check_struct(Struct *st, Loc use);

/* a type at a position with the given view attributes */
static void check_type(const View *v, Loc loc, int depth)
{
    Type *r = type_resolve(v->type);
    if (depth > 64)
        fatal(loc, "type is nested too deeply");
    switch (r->kind) {
    case TY_PIPE:
        /* pipe parameters are checked in check_pipe_param; anything else
         * holding a pipe was rejected by the parser */
        fatal(loc, "a pipe can only be a parameter, passed by value or through a top-level [ref] pointer");
    case TY_BASE:
        if (r->base == B_VOID)
            fatal(loc, "void cannot be transmitted (void pointers are not supported)");
        if (r->base == B_HANDLE)
            fatal(loc, "handle_t can only be the first parameter");
        if (v->string)
            fatal(loc, "[string] applies to pointers to char, unsigned char, byte and wchar_t");
        return;
    case TY_ENUM:
        if (!r->en->defined)
            fatal(loc, "enum '%s' is not defined", r->en->tag ? r->en->tag : "");
        if (v->string)
            fatal(loc, "[string] applies to pointers to char, unsigned char, byte and wchar_t");
        return;
    case TY_STRUCT:
        if (v->string)
            fatal(loc, "[string] applies to pointers to char, unsigned char, byte and wchar_t");
        check_struct(r->st, loc);
        return;
    case TY_ARRAY: {
        if (!r->dim)
            fatal(loc, "conformant arrays in structures (conformant structures) are not supported yet");
        if (v->string)
            fatal(loc, "[string] on fixed arrays is not supported yet");
        if (v->size_is || v->max_is)
            fatal(loc, "[size_is]/[max_is] on a fixed array");
        if (view_is_varying(v) && type_has_pointers(r->sub))
            fatal(loc, "varying arrays of pointers are not supported yet");
        View ev = view_inner(v, r->sub, PTR_UNIQUE);
        ev.string = 0;
        check_type(&ev, loc, depth + 1);
        return;
    }
    case TY_PTR: {
        Type *sub = type_resolve(r->sub);
        if (sub->kind == TY_BASE && sub->base == B_VOID)
            fatal(loc, "void pointers are not supported");
        if (sub->kind == TY_BASE && sub->base == B_HANDLE)
            fatal(loc, "handle_t pointers are not supported");
        if (view_is_array_ptr(v) || ((v->size_is || v->max_is) && v->string)) {
            if (view_is_varying(v) && type_has_pointers(r->sub))
                fatal(loc, "varying arrays of pointers are not supported yet");
            if (v->string && view_is_varying(v))
                fatal(loc, "[length_is] with [string] is not supported");
            if (v->string && !type_is_charlike(r->sub) && !type_is_wchar(r->sub))
                fatal(loc, "[string] applies to pointers to char, unsigned char, byte and wchar_t");
            if (!v->string) {
                View ev = view_inner(v, r->sub, PTR_UNIQUE);
                ev.string = 0;
                check_type(&ev, loc, depth + 1);
            }
            return;
        }
        if (view_is_varying(v))
            fatal(loc, "[length_is]/[first_is] on a pointer needs [size_is] or [max_is]");
        if (view_is_string_ptr(v))
            return;
        View iv = view_inner(v, r->sub, PTR_UNIQUE);
        if (v->string && !type_is_ptr(r->sub))
            fatal(loc, "[string] applies to pointers to char, unsigned char, byte and wchar_t");
        check_type(&iv, loc, depth + 1);
        return;
    }
    }
}

static void check_field_attrs(Field *f, Scope *s, int in_only)
{
    Type *r = type_resolve(f->type);
    if (f->ptr_kind && r->kind != TY_PTR)
        fatal(f->loc, "[%s] applies to pointers ('%s' is not a pointer)", ptr_kind_name(f->ptr_kind), f->name);
    check_expr(f->size_is, s, in_only, "size_is");
    check_expr(f->max_is, s, in_only, "max_is");
    check_expr(f->length_is, s, 0, "length_is");
    check_expr(f->first_is, s, 0, "first_is");
    check_expr(f->last_is, s, 0, "last_is");
}

static void check_struct(Struct *st, Loc use)
{
    for (int i = 0; i < nchecked; i++)
        if (checked[i] == st)
            return;
    if (!st->defined)
        fatal(use, "struct '%s' is not defined", st->tag ? st->tag : st->cname);
    VEC_PUSH(checked, nchecked, st);
    Scope s = {st->fields, st->nfields, NULL, "field of the structure"};
    for (int i = 0; i < st->nfields; i++) {
        Field *f = st->fields[i];
        check_field_attrs(f, &s, 0);
        View v = view_of_field(f, "p->", PTR_UNIQUE, 0);
        check_type(&v, f->loc, 0);
    }
}

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

/* A parameter that is or holds a pipe (spec 3.1): by value ([in] only) or
 * through one top-level [ref] pointer; no other attributes. */
static void check_pipe_param(Func *fn, Field *p)
{
    Typedef *any = type_find_pipe(p->type);
    Typedef *pd = param_pipe(p);
    if (!pd)
        fatal(p->loc, "pipe '%s' can only be passed by value or through a top-level [ref] pointer "
                      "(parameter '%s')", any->name, p->name);
    int byval = type_pipe(p->type) != NULL;
    if (byval && p->ptr_kind)
        fatal(p->loc, "[%s] applies to pointers ('%s' is not a pointer)", ptr_kind_name(p->ptr_kind), p->name);
    if (!byval && (p->ptr_kind == PTR_UNIQUE || p->ptr_kind == PTR_FULL))
        fatal(p->loc, "pipe parameter '%s' cannot be a [%s] pointer: pipes are passed by value or by [ref] pointer",
              p->name, ptr_kind_name(p->ptr_kind));
    if (byval && p->out)
        fatal(p->loc, "[out] pipe parameter '%s' must be passed by pointer ('%s *%s')", p->name, pd->name, p->name);
    if (p->string || p->size_is || p->max_is || p->length_is || p->first_is || p->last_is)
        fatal(p->loc, "[%s] does not apply to pipe parameter '%s'",
              p->string ? "string" : p->size_is ? "size_is" : p->max_is ? "max_is" :
              p->length_is ? "length_is" : p->first_is ? "first_is" : "last_is", p->name);
    if (type_wire_size(pd->type->sub) <= 0)
        fatal(p->loc, "the element type of pipe '%s' has no fixed NDR size or is too large (parameter '%s')",
              pd->name, p->name);
    for (Attr *a = fn->attrs; a; a = a->next)
        if (!strcmp(a->name, "idempotent"))
            fatal(a->loc, "procedure '%s' has pipe parameters and cannot be [idempotent]", fn->name);
    fn->has_pipes = 1;
    if (fn->is_async)
        pd->pipe_async = 1;
}

static void check_func(Interface *itf, Func *fn)
{
    Type *rt = type_resolve(fn->ret);
    if (rt->kind == TY_PTR)
        fatal(fn->loc, "pointer return values are not supported yet (procedure '%s')", fn->name);
    if (rt->kind == TY_STRUCT || rt->kind == TY_ARRAY || (rt->kind == TY_BASE && rt->base == B_HANDLE))
        fatal(fn->loc, "the return type of procedure '%s' is not supported yet", fn->name);
    fn->handle_param = -1;
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
    if (fn->handle_param < 0 && !itf->implicit_handle && !itf->is_local) {
        if (itf->explicit_handle) {
            Field *h = make_handle_param(fn->loc);
            fn->params = xrealloc(fn->params, sizeof *fn->params * (size_t)(fn->nparams + 2));
            memmove(fn->params + 1, fn->params, sizeof *fn->params * (size_t)(fn->nparams + 1));
            fn->params[0] = h;
            fn->nparams++;
            fn->handle_param = 0;
        } else {
            fatal(fn->loc,
                  "procedure '%s' has no binding handle: add a handle_t first parameter or use "
                  "implicit_handle/explicit_handle (auto_handle is not supported yet)",
                  fn->name);
        }
    }
    Scope s = {fn->params, fn->nparams, fn, "parameter"};
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (i == fn->handle_param)
            continue;
        if (type_find_pipe(p->type)) {
            check_pipe_param(fn, p);
            continue;
        }
        Type *r = type_resolve(p->type);
        /* a conformant array parameter is a [ref] pointer to its elements */
        if (r->kind == TY_ARRAY && !r->dim) {
            if (!p->size_is && !p->max_is)
                fatal(p->loc, "conformant array '%s' needs [size_is] or [max_is]", p->name);
            p->decl_type = p->type;
            Type *np = xmalloc(sizeof *np);
            np->kind = TY_PTR;
            np->sub = r->sub;
            np->loc = r->loc;
            p->type = np;
            r = np;
        }
        check_field_attrs(p, &s, p->in);
        if (p->out && r->kind != TY_PTR && r->kind != TY_ARRAY)
            fatal(p->loc, "[out] parameter '%s' must be a pointer", p->name);
        View v = view_of_field(p, "", itf->ptr_default, 1);
        if (p->out && r->kind == TY_PTR && v.ptr_kind != PTR_REF && !p->in)
            fatal(p->loc, "[out] pointer parameter '%s' must be [ref]", p->name);
        if (p->out && v.string && r->kind == TY_PTR && view_is_string_ptr(&v) && !p->size_is && !p->max_is)
            fatal(p->loc, "[out] [string] parameter '%s' needs [size_is] (the size of the caller's buffer)",
                  p->name);
        if (p->in && p->out && v.string && r->kind == TY_PTR && view_is_string_ptr(&v)) {
            /* the server allocates the buffer's size before the call: the
             * size must come from parameters already received */
            Field *names[8];
            int nn = 0;
            Expr *e = p->size_is ? p->size_is : p->max_is;
            Expr *st[16];
            int sp = 0;
            st[sp++] = e;
            while (sp) {
                Expr *x = st[--sp];
                if (x->kind == EX_NAME && scope_find(&s, x->text) && nn < 8)
                    names[nn++] = scope_find(&s, x->text);
                if (x->a && sp < 16) st[sp++] = x->a;
                if (x->b && sp < 16) st[sp++] = x->b;
                if (x->c && sp < 16) st[sp++] = x->c;
            }
            for (int k = 0; k < nn; k++)
                for (int j = i; j < fn->nparams; j++)
                    if (fn->params[j] == names[k])
                        fatal(e->loc, "the size of [in,out] string '%s' must come from an earlier parameter",
                              p->name);
        }
        check_type(&v, p->loc, 0);
    }
}

void check_program(Program *p)
{
    for (int i = 0; i < p->nifaces; i++) {
        Interface *itf = p->ifaces[i];
        for (int j = 0; j < itf->nfuncs; j++)
            check_func(itf, itf->funcs[j]);
    }
}

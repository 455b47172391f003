/* check.c - semantic checks after parsing: parameter and type shapes,
 * unions and their discriminants, [range], what the stub generator
 * supports (bind.c: handles and statuses).  Everything that would make the
 * emitters fail is rejected here, before any output is written. */
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
static Union **checked_un;
static int nchecked_un;
static int ms_union_all;   /* -ms_union or an interface's [ms_union]: every union */

static void check_struct(Struct *st, Loc use);
static void check_union(Union *u, Loc use);

/* a type at a position with the given view attributes */
static void check_type(const View *v, Loc loc, int depth)
{
    Type *r = type_resolve(v->type);
    if (depth > 64)
        fatal(loc, "type is nested too deeply");
    if (type_ctx(v->type))
        fatal(loc, "context handle '%s' can only be a parameter (not a member, array element or pointee)",
              type_ctx(v->type)->name);
    if (v->switch_is && r->kind != TY_UNION && r->kind != TY_PTR && r->kind != TY_ARRAY)
        fatal(loc, "[switch_is] applies to non-encapsulated unions and pointers to them");
    if (v->range_lo && !type_is_integral(v->type) && r->kind != TY_PTR)
        fatal(loc, "[range] applies to integer and enum values (hyper and arrays excluded)");
    switch (r->kind) {
    case TY_UNION:
        if (!r->un->defined)
            fatal(loc, "union '%s' is not defined", r->un->tag ? r->un->tag : "");
        if (!v->switch_is)
            fatal(loc, "a non-encapsulated union needs [switch_is(...)] naming its discriminant");
        if (v->string || v->size_is || v->max_is || view_is_varying(v))
            fatal(loc, "[%s] does not apply to a union", v->string ? "string" : "size_is");
        check_union(r->un, loc);
        return;
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
        if (v->range_lo)
            fatal(loc, "[range] on arrays is not supported");
        if (type_resolve(r->sub)->kind == TY_UNION)
            fatal(loc, "arrays of non-encapsulated unions are not supported (use an encapsulated union)");
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
            if (v->range_lo)
                fatal(loc, "[range] on conformant data is not supported (put it on the size parameter)");
            if (v->switch_is || type_resolve(r->sub)->kind == TY_UNION)
                fatal(loc, "arrays of non-encapsulated unions are not supported (use an encapsulated union)");
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
        if (view_is_string_ptr(v)) {
            if (v->range_lo)
                fatal(loc, "[range] applies to integer and enum values (hyper and arrays excluded)");
            return;
        }
        View iv = view_inner(v, r->sub, PTR_UNIQUE);
        if (v->string && !type_is_ptr(r->sub))
            fatal(loc, "[string] applies to pointers to char, unsigned char, byte and wchar_t");
        check_type(&iv, loc, depth + 1);
        return;
    }
    }
}

static void check_range(Field *f)
{
    if (!f->range_lo)
        return;
    long long lo, hi;
    if (!expr_eval(f->range_lo, &lo) || !expr_eval(f->range_hi, &hi))
        fatal(f->loc, "[range] of '%s' needs constant bounds", f->name);
    if (lo > hi)
        fatal(f->loc, "[range] of '%s': the low bound %lld is above the high bound %lld", f->name, lo, hi);
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
    check_range(f);
}

/* the union a field or parameter holds, directly or through pointers */
static Union *union_of(Type *t)
{
    Type *r = type_resolve(t);
    while (r && r->kind == TY_PTR)
        r = type_resolve(r->sub);
    return r && r->kind == TY_UNION ? r->un : NULL;
}

/* MIDL: int, char, boolean or enum types (hyper and wchar_t excluded) */
static int switch_type_ok(Type *t)
{
    Type *r = type_resolve(t);
    if (r && r->kind == TY_BASE && r->base == B_WCHAR)
        return 0;
    return type_is_integral(t);
}

static int has_deref(Expr *e)
{
    if (!e)
        return 0;
    if (e->kind == EX_UNARY && !strcmp(e->text, "*"))
        return 1;
    return has_deref(e->a) || has_deref(e->b) || has_deref(e->c);
}

/* [switch_is]/[switch_type] of a union member or parameter: the
 * discriminant names fields (parameters) of the same level; its type is
 * [switch_type] (on the member or the union) or the type of the field it
 * names.  Resolved into f->switch_type for the emitters. */
static void check_union_use(Field *f, Scope *s, int in_only)
{
    Union *u = union_of(f->type);
    if (!u || u->encapsulated) {
        if (f->switch_type && !u)
            fatal(f->loc, "[switch_type] applies to non-encapsulated unions ('%s' is not one)", f->name);
        return;
    }
    if (!f->switch_is)
        fatal(f->loc, "union '%s' needs [switch_is(...)] naming its discriminant", f->name);
    if (!s->fn && has_deref(f->switch_is))
        fatal(f->switch_is->loc, "[switch_is] of member '%s' names fields of the structure, not pointees",
              f->name);
    check_expr(f->switch_is, s, in_only, "switch_is");
    Type *st = f->switch_type ? f->switch_type : u->switch_type;
    if (!st) {
        int deref;
        Field *t = switch_target(f->switch_is, s->fields, s->n, &deref);
        if (t)
            st = deref ? type_resolve(t->type)->sub : t->type;
    }
    if (!st)
        fatal(f->loc, "union '%s' needs [switch_type(...)]: the type of its discriminant is not known", f->name);
    if (!switch_type_ok(st))
        fatal(f->loc, "the switch type of union '%s' must be an integer type (not hyper), char, boolean or an enum",
              f->name);
    f->switch_type = st;
}

/* A union received before its discriminant stores the discriminant it
 * received there (then checks it when the discriminant arrives): the
 * discriminant must be one plain field (deref: the pointee of one
 * [out] parameter on the client). */
static void check_disc_order(Field **f, int n, int (*received)(Field *), int deref_ok, const char *side)
{
    for (int i = 0; i < n; i++) {
        if (!received(f[i]) || !f[i]->switch_is || !union_disc_later(f, n, i, received))
            continue;
        int deref = 0;
        Field *t = switch_target(f[i]->switch_is, f, n, &deref);
        if (!t || deref != deref_ok || type_is_ptr(t->type) != deref_ok)
            fatal(f[i]->switch_is->loc,
                  "the discriminant of union '%s' is %s after it: [switch_is] must then name %s, "
                  "or put the discriminant first",
                  f[i]->name, side, deref_ok ? "one [out] parameter as *NAME" : "one integer field or parameter");
    }
}

static void check_union(Union *u, Loc use)
{
    for (int i = 0; i < nchecked_un; i++)
        if (checked_un[i] == u)
            return;
    if (!u->defined)
        fatal(use, "union '%s' is not defined", u->tag ? u->tag : "");
    VEC_PUSH(checked_un, nchecked_un, u);
    if (ms_union_all && !u->encapsulated)
        u->ms_union = 1;
    Scope s = {NULL, 0, NULL, "member of the union"};
    long long *vals = NULL;
    int nvals = 0, ndefault = 0, members = 0;
    for (int i = 0; i < u->narms; i++) {
        Arm *arm = u->arms[i];
        if (arm->is_default && ndefault++)
            fatal(arm->loc, "a union has one [default] arm at most");
        for (int j = 0; j < arm->ncases; j++) {
            long long v;
            if (!expr_eval(arm->cases[j], &v))
                fatal(arm->cases[j]->loc, "case value is not a constant");
            for (int k = 0; k < nvals; k++)
                if (vals[k] == v)
                    fatal(arm->cases[j]->loc, "duplicate case value %lld", v);
            vals = xrealloc(vals, sizeof *vals * (size_t)(nvals + 1));
            vals[nvals++] = v;
        }
        Field *f = arm->field;
        if (!f)
            continue;
        members++;
        Union *inner = union_of(f->type);
        if (f->switch_is || (inner && !inner->encapsulated))
            fatal(f->loc, "union member '%s' cannot be a non-encapsulated union (a union arm has no field to hold "
                          "its discriminant): use an encapsulated union or a structure",
                  f->name);
        check_field_attrs(f, &s, 0);
        View v = view_of_field(f, "", PTR_UNIQUE, 0);
        check_type(&v, f->loc, 0);
    }
    free(vals);
    if (!members)
        fatal(u->loc, "a union needs at least one member that is not empty");
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
        check_union_use(f, &s, 0);
        View v = view_of_field(f, "p->", PTR_UNIQUE, 0);
        check_type(&v, f->loc, 0);
    }
    check_disc_order(st->fields, st->nfields, recv_all, 0, "received");
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
    if (p->string || p->size_is || p->max_is || p->length_is || p->first_is || p->last_is || p->switch_is ||
        p->comm_status || p->fault_status)
        fatal(p->loc, "[%s] does not apply to pipe parameter '%s'",
              p->string ? "string" : p->size_is ? "size_is" : p->max_is ? "max_is" :
              p->length_is ? "length_is" : p->first_is ? "first_is" : p->last_is ? "last_is" :
              p->switch_is ? "switch_is" : p->comm_status ? "comm_status" : "fault_status", p->name);
    if (p->range_lo)
        fatal(p->loc, "[range] on pipe parameter '%s' (a range of chunk sizes) is not supported", p->name);
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
    check_ctx_return(fn);
    if (rt->kind == TY_PTR && !fn->ret_context)
        fatal(fn->loc, "pointer return values are not supported yet (procedure '%s')", fn->name);
    if (rt->kind == TY_STRUCT || rt->kind == TY_ARRAY || rt->kind == TY_UNION ||
        (rt->kind == TY_BASE && rt->base == B_HANDLE))
        fatal(fn->loc, "the return type of procedure '%s' is not supported yet", fn->name);
    resolve_binding(itf, fn);
    check_status(fn);
    Scope s = {fn->params, fn->nparams, fn, "parameter"};
    for (int i = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        if (i == fn->handle_param)
            continue;
        if (type_find_pipe(p->type)) {
            check_pipe_param(fn, p);
            continue;
        }
        if (param_ctx(p)) {
            check_ctx_param(p);
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
        check_union_use(p, &s, p->in);
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
    /* the server receives the [in] parameters, the client the [out] ones */
    check_disc_order(fn->params, fn->nparams, recv_in, 0, "received by the server");
    check_disc_order(fn->params, fn->nparams, recv_out, 1, "received by the client");
}

void check_program(Program *p)
{
    for (int i = 0; i < p->nifaces; i++)
        ms_union_all |= p->ifaces[i]->ms_union;
    for (int i = 0; i < p->nifaces; i++) {
        Interface *itf = p->ifaces[i];
        for (int j = 0; j < itf->nfuncs; j++)
            check_func(itf, itf->funcs[j]);
    }
}

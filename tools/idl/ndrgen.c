/* ndrgen.c - generates the NDR 2.0 marshalling code of the stubs: writing
 * (w), reading (r, allocating with the reader's allocator), freeing and the
 * per-structure helper functions.  Client and server emitters share it.
 *
 * NDR rules followed (C706 ch. 14, as Microsoft's NDR engine lays data
 * out): primitives aligned to their size; enums 16-bit ([v1_enum] 32-bit);
 * a structure aligned to its largest member and padded to that alignment
 * at its end; an embedded pointer is a 4-byte referent id in place and its
 * pointee follows the outermost constructed type that contains it, pointees
 * in order and each complete (depth first); a top-level [ref] pointer has
 * no wire representation; conformant arrays carry max_count, varying arrays
 * offset and actual_count. */
#include "idl.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ output */
static void vline(Gen *g, const char *fmt, va_list ap)
{
    if (fmt[0] == '%' && fmt[1] == 's' && !fmt[2]) {
        va_list cp;
        va_copy(cp, ap);
        const char *s = va_arg(cp, const char *);
        va_end(cp);
        if (!*s) {
            fputc('\n', g->f);
            return;
        }
    }
    for (int i = 0; i < g->ind; i++)
        fputs("    ", g->f);
    vfprintf(g->f, fmt, ap);
    fputc('\n', g->f);
}

void gen_line(Gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(g, fmt, ap);
    va_end(ap);
}

void gen_open(Gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(g, fmt, ap);
    va_end(ap);
    g->ind++;
}

void gen_close(Gen *g)
{
    g->ind--;
    gen_line(g, "}");
}

static int pdef(Gen *g)
{
    return g->itf ? g->itf->ptr_default : PTR_UNIQUE;
}

/* ------------------------------------------------------------ views */
static void apply_typedef_ptr_attrs(View *v)
{
    for (Type *t = v->type; t && t->kind == TY_NAMED; t = t->td->type) {
        if (!v->ptr_kind && t->td->ptr_kind)
            v->ptr_kind = t->td->ptr_kind;
        if (t->td->string)
            v->string = 1;
    }
}

View view_of_field(Field *fd, const char *prefix, int ptr_default, int top_level)
{
    View v = {0};
    v.type = fd->type;
    v.ptr_kind = fd->ptr_kind;
    v.string = fd->string;
    v.size_is = fd->size_is;
    v.max_is = fd->max_is;
    v.length_is = fd->length_is;
    v.first_is = fd->first_is;
    v.last_is = fd->last_is;
    v.switch_is = fd->switch_is;
    v.switch_type = fd->switch_type;
    v.range_lo = fd->range_lo;
    v.range_hi = fd->range_hi;
    v.prefix = prefix;
    apply_typedef_ptr_attrs(&v);
    if (!v.ptr_kind)
        v.ptr_kind = top_level ? PTR_REF : ptr_default;
    return v;
}

View view_inner(const View *outer, Type *sub, int ptr_default)
{
    View v = {0};
    v.type = sub;
    v.string = outer->string;
    v.prefix = outer->prefix;
    /* through pointers: the union they lead to, the value [range] limits */
    v.switch_is = outer->switch_is;
    v.switch_type = outer->switch_type;
    v.disc_assign = outer->disc_assign;
    v.range_lo = outer->range_lo;
    v.range_hi = outer->range_hi;
    apply_typedef_ptr_attrs(&v);
    if (!v.ptr_kind)
        v.ptr_kind = ptr_default;
    return v;
}

int view_is_array_ptr(const View *v)
{
    return type_is_ptr(v->type) && (v->size_is || v->max_is) && !v->string;
}

int view_is_string_ptr(const View *v)
{
    if (!type_is_ptr(v->type) || !v->string)
        return 0;
    Type *s = type_resolve(v->type)->sub;
    return type_is_charlike(s) || type_is_wchar(s);
}

int view_is_varying(const View *v)
{
    return v->length_is || v->first_is || v->last_is;
}

char *view_size_expr(const View *v)
{
    if (v->size_is)
        return expr_c(v->size_is, v->prefix);
    if (v->max_is) {
        char *m = expr_c(v->max_is, v->prefix);
        char *r = xasprintf("(%s + 1)", m);
        free(m);
        return r;
    }
    return NULL;
}

/* element view of an array view (fixed array or array pointer) */
static View elem_view(Gen *g, const View *v)
{
    Type *r = type_resolve(v->type);
    View e = view_inner(v, r->sub, pdef(g));
    e.string = 0;
    e.switch_is = NULL;
    e.disc_assign = 0;
    e.range_lo = e.range_hi = NULL;
    return e;
}

static int elem_min_wire(Type *t)
{
    Type *r = type_resolve(t);
    if (r->kind == TY_BASE || r->kind == TY_ENUM) {
        int a = type_wire_align(t);
        return a;
    }
    if (r->kind == TY_PTR)
        return 4;
    return 1;
}

/* ------------------------------------------------------------ base types */
static void write_base(Gen *g, Type *t, const char *lv)
{
    Type *r = type_resolve(t);
    const char *W = g->w;
    if (r->kind == TY_ENUM) {
        if (enum_is_v1(t))
            gen_line(g, "arpc_ndr_w_u32(%s, (uint32_t)(%s));", W, lv);
        else
            gen_line(g, "arpc_ndr_w_enum16(%s, (int)(%s));", W, lv);
        return;
    }
    switch (r->base) {
    case B_BOOLEAN: case B_BYTE: case B_CHAR: case B_UCHAR: case B_SMALL: case B_USMALL:
        gen_line(g, "arpc_ndr_w_u8(%s, (uint8_t)(%s));", W, lv);
        break;
    case B_SHORT: case B_USHORT:
        gen_line(g, "arpc_ndr_w_u16(%s, (uint16_t)(%s));", W, lv);
        break;
    case B_LONG:
        gen_line(g, "arpc_ndr_w_long(%s, %s);", W, lv);
        break;
    case B_ULONG:
        gen_line(g, "arpc_ndr_w_ulong(%s, %s);", W, lv);
        break;
    case B_INT: case B_UINT: case B_ERROR_STATUS:
        gen_line(g, "arpc_ndr_w_u32(%s, (uint32_t)(%s));", W, lv);
        break;
    case B_HYPER: case B_UHYPER:
        gen_line(g, "arpc_ndr_w_u64(%s, (uint64_t)(%s));", W, lv);
        break;
    case B_FLOAT:
        gen_line(g, "arpc_ndr_w_f32(%s, %s);", W, lv);
        break;
    case B_DOUBLE:
        gen_line(g, "arpc_ndr_w_f64(%s, %s);", W, lv);
        break;
    case B_WCHAR:
        gen_line(g, "arpc_ndr_w_align(%s, 2);", W);
        gen_line(g, "arpc_ndr_w_wchars(%s, &(%s), 1);", W, lv);
        break;
    default:
        fatal(t->loc, "type cannot be transmitted");
    }
}

static void read_base(Gen *g, Type *t, const char *lv)
{
    Type *r = type_resolve(t);
    const char *R = g->r;
    char *tn = type_decl(t, "", 1);
    if (r->kind == TY_ENUM) {
        if (enum_is_v1(t))
            gen_line(g, "%s = (%s)(int32_t)arpc_ndr_r_u32(%s);", lv, tn, R);
        else
            gen_line(g, "%s = (%s)arpc_ndr_r_enum16(%s);", lv, tn, R);
        free(tn);
        return;
    }
    switch (r->base) {
    case B_BOOLEAN: case B_BYTE: case B_UCHAR: case B_USMALL:
        gen_line(g, "%s = (%s)arpc_ndr_r_u8(%s);", lv, tn, R);
        break;
    case B_CHAR: case B_SMALL:
        gen_line(g, "%s = (%s)(int8_t)arpc_ndr_r_u8(%s);", lv, tn, R);
        break;
    case B_SHORT:
        gen_line(g, "%s = (%s)(int16_t)arpc_ndr_r_u16(%s);", lv, tn, R);
        break;
    case B_USHORT:
        gen_line(g, "%s = (%s)arpc_ndr_r_u16(%s);", lv, tn, R);
        break;
    case B_LONG:
        gen_line(g, "%s = (%s)arpc_ndr_r_long(%s);", lv, tn, R);
        break;
    case B_ULONG:
        gen_line(g, "%s = (%s)arpc_ndr_r_ulong(%s);", lv, tn, R);
        break;
    case B_INT:
        gen_line(g, "%s = (%s)(int32_t)arpc_ndr_r_u32(%s);", lv, tn, R);
        break;
    case B_UINT: case B_ERROR_STATUS:
        gen_line(g, "%s = (%s)arpc_ndr_r_u32(%s);", lv, tn, R);
        break;
    case B_HYPER:
        gen_line(g, "%s = (%s)(int64_t)arpc_ndr_r_u64(%s);", lv, tn, R);
        break;
    case B_UHYPER:
        gen_line(g, "%s = (%s)arpc_ndr_r_u64(%s);", lv, tn, R);
        break;
    case B_FLOAT:
        gen_line(g, "%s = arpc_ndr_r_f32(%s);", lv, R);
        break;
    case B_DOUBLE:
        gen_line(g, "%s = arpc_ndr_r_f64(%s);", lv, R);
        break;
    case B_WCHAR:
        gen_line(g, "arpc_ndr_r_align(%s, 2);", R);
        gen_line(g, "arpc_ndr_r_wchars(%s, &(%s), 1);", R, lv);
        break;
    default:
        fatal(t->loc, "type cannot be transmitted");
    }
    free(tn);
}

static const char *struct_ctype(Struct *s)
{
    return s->tag ? xasprintf("struct %s", s->tag) : s->cname;
}

/* ------------------------------------------------------------ writing */
/* elements [first, first+count) of array `base` (an expression indexable
 * with []), flat then deferred */
static void write_elems(Gen *g, const View *ev, const char *base, const char *first, const char *count)
{
    Type *et = ev->type;
    if (type_is_bytes(et)) {
        gen_line(g, "arpc_ndr_w_bytes(%s, &(%s)[%s], (size_t)(%s));", g->w, base, first, count);
        return;
    }
    if (type_is_wchar(et)) {
        gen_line(g, "arpc_ndr_w_align(%s, 2);", g->w);
        gen_line(g, "arpc_ndr_w_wchars(%s, &(%s)[%s], (size_t)(%s));", g->w, base, first, count);
        return;
    }
    /* the elements' alignment, even when there are none (as Windows' NDR
     * engine pads an empty conformant array of hypers) */
    if (type_wire_align(et) > 1)
        gen_line(g, "arpc_ndr_w_align(%s, %d);", g->w, type_wire_align(et));
    int k = ++g->tmp;
    gen_open(g, "for (uint32_t _i%d = %s; _i%d < (uint32_t)(%s) + (uint32_t)(%s); _i%d++) {", k, first, k,
             first, count, k);
    char *lv = xasprintf("(%s)[_i%d]", base, k);
    gen_write(g, ev, lv, M_FLAT);
    gen_close(g);
    if (type_has_pointers(et)) {
        gen_open(g, "for (uint32_t _i%d = %s; _i%d < (uint32_t)(%s) + (uint32_t)(%s); _i%d++) {", k, first,
                 k, first, count, k);
        gen_write(g, ev, lv, M_DEFER);
        gen_close(g);
    }
    free(lv);
}

/* for each of the n elements of lv: one(element, mode) - marshalling and
 * unmarshalling walk arrays the same way */
static void each_element(Gen *g, const View *ev, const char *lv, const char *n, int mode,
                         void (*one)(Gen *, const View *, const char *, int))
{
    int k = ++g->tmp;
    gen_open(g, "for (uint32_t _i%d = 0; _i%d < (uint32_t)(%s); _i%d++) {", k, k, n, k);
    char *el = xasprintf("(%s)[_i%d]", lv, k);
    one(g, ev, el, mode);
    free(el);
    gen_close(g);
}

/* offset/length of a varying array with `size` elements: declares oN, lN */
static int varying_bounds(Gen *g, const View *v, const char *size)
{
    int k = ++g->tmp;
    char *first = v->first_is ? expr_c(v->first_is, v->prefix) : xstrdup("0");
    gen_line(g, "uint32_t _o%d = idl_count(%s);", k, first);
    if (v->length_is) {
        char *l = expr_c(v->length_is, v->prefix);
        gen_line(g, "uint32_t _l%d = idl_count(%s);", k, l);
        free(l);
    } else if (v->last_is) {
        char *l = expr_c(v->last_is, v->prefix);
        gen_line(g, "uint32_t _l%d = idl_count((long long)(%s) - (long long)(%s) + 1);", k, l, first);
        free(l);
    } else {
        gen_line(g, "uint32_t _l%d = (uint32_t)(%s) - _o%d;", k, size, k);
    }
    gen_line(g, "if (_o%d > (uint32_t)(%s) || _l%d > (uint32_t)(%s) - _o%d)", k, size, k, size, k);
    gen_line(g, "    RpcRaiseException(RPC_S_INVALID_BOUND);");
    free(first);
    return k;
}

void gen_write(Gen *g, const View *v, const char *lv, int mode)
{
    Type *r = type_resolve(v->type);
    switch (r->kind) {
    case TY_UNION:
        gen_union_write(g, v, lv, mode);
        return;
    case TY_BASE:
    case TY_ENUM:
        if (mode & M_FLAT)
            write_base(g, v->type, lv);
        return;
    case TY_STRUCT:
        if (mode & M_FLAT)
            gen_line(g, "idl_m_%s(%s, &(%s));", r->st->cname, g->w, lv);
        if ((mode & M_DEFER) && type_has_pointers(r))
            gen_line(g, "idl_mp_%s(%s, &(%s));", r->st->cname, g->w, lv);
        return;
    case TY_ARRAY: {
        View ev = elem_view(g, v);
        char *n = expr_c(r->dim, "");
        if (view_is_varying(v)) {
            if (mode & M_FLAT) {
                gen_open(g, "{");
                int k = varying_bounds(g, v, n);
                gen_line(g, "arpc_ndr_w_u32(%s, _o%d);", g->w, k);
                gen_line(g, "arpc_ndr_w_u32(%s, _l%d);", g->w, k);
                char *o = xasprintf("_o%d", k), *l = xasprintf("_l%d", k);
                write_elems(g, &ev, lv, o, l);
                gen_close(g);
            }
        } else if (mode == M_FULL) {
            write_elems(g, &ev, lv, "0", n);
        } else if (mode == M_FLAT) {
            if (!type_has_pointers(ev.type)) {
                write_elems(g, &ev, lv, "0", n);
            } else {
                each_element(g, &ev, lv, n, M_FLAT, gen_write);
            }
        } else if (type_has_pointers(ev.type)) {
            each_element(g, &ev, lv, n, M_DEFER, gen_write);
        }
        free(n);
        return;
    }
    case TY_PTR:
        if (mode & M_FLAT) {
            if (v->ptr_kind == PTR_REF) {
                gen_line(g, "if (!(%s))", lv);
                gen_line(g, "    RpcRaiseException(RPC_X_NULL_REF_POINTER);");
            }
            gen_line(g, "(void)arpc_ndr_w_ref_id(%s, %s);", g->w, lv);
        }
        if (mode & M_DEFER) {
            gen_open(g, "if (%s) {", lv);
            gen_write_pointee(g, v, lv);
            gen_close(g);
        }
        return;
    }
}

void gen_write_pointee(Gen *g, const View *v, const char *pv)
{
    Type *r = type_resolve(v->type);
    if (view_is_string_ptr(v)) {
        /* [size_is]/[max_is]: the buffer's size is the maximum count */
        char *size = view_size_expr(v);
        if (size && type_is_wchar(r->sub))
            gen_line(g, "idl_w_wstring_max(%s, %s, idl_count(%s));", g->w, pv, size);
        else if (size)
            gen_line(g, "idl_w_string_max(%s, (const char *)(%s), idl_count(%s));", g->w, pv, size);
        else if (type_is_wchar(r->sub))
            gen_line(g, "arpc_ndr_w_wstring(%s, %s);", g->w, pv);
        else
            gen_line(g, "arpc_ndr_w_string(%s, (const char *)(%s));", g->w, pv);
        free(size);
        return;
    }
    if (view_is_array_ptr(v)) {
        View ev = elem_view(g, v);
        char *size = view_size_expr(v);
        gen_open(g, "{");
        int k = ++g->tmp;
        gen_line(g, "uint32_t _m%d = idl_count(%s);", k, size);
        char *m = xasprintf("_m%d", k);
        gen_line(g, "arpc_ndr_w_u32(%s, %s);", g->w, m);
        if (view_is_varying(v)) {
            int b = varying_bounds(g, v, m);
            gen_line(g, "arpc_ndr_w_u32(%s, _o%d);", g->w, b);
            gen_line(g, "arpc_ndr_w_u32(%s, _l%d);", g->w, b);
            char *o = xasprintf("_o%d", b), *l = xasprintf("_l%d", b);
            write_elems(g, &ev, pv, o, l);
        } else {
            write_elems(g, &ev, pv, "0", m);
        }
        gen_close(g);
        free(size);
        return;
    }
    View iv = view_inner(v, r->sub, pdef(g));
    char *lv = xasprintf("(*%s)", pv);
    gen_write(g, &iv, lv, M_FULL);
    free(lv);
}

/* ------------------------------------------------------------ reading */
static void read_elems(Gen *g, const View *ev, const char *base, const char *first, const char *count)
{
    Type *et = ev->type;
    if (type_is_bytes(et)) {
        gen_line(g, "arpc_ndr_r_bytes(%s, &(%s)[%s], (size_t)(%s));", g->r, base, first, count);
        return;
    }
    if (type_is_wchar(et)) {
        gen_line(g, "arpc_ndr_r_align(%s, 2);", g->r);
        gen_line(g, "arpc_ndr_r_wchars(%s, &(%s)[%s], (size_t)(%s));", g->r, base, first, count);
        return;
    }
    if (type_wire_align(et) > 1)
        gen_line(g, "arpc_ndr_r_align(%s, %d);", g->r, type_wire_align(et));
    int k = ++g->tmp;
    gen_open(g, "for (uint32_t _i%d = %s; _i%d < (uint32_t)(%s) + (uint32_t)(%s); _i%d++) {", k, first, k,
             first, count, k);
    char *lv = xasprintf("(%s)[_i%d]", base, k);
    gen_read(g, ev, lv, M_FLAT);
    gen_close(g);
    if (type_has_pointers(et)) {
        gen_open(g, "for (uint32_t _i%d = %s; _i%d < (uint32_t)(%s) + (uint32_t)(%s); _i%d++) {", k, first,
                 k, first, count, k);
        gen_read(g, ev, lv, M_DEFER);
        gen_close(g);
    }
    free(lv);
}

void gen_read(Gen *g, const View *v, const char *lv, int mode)
{
    Type *r = type_resolve(v->type);
    switch (r->kind) {
    case TY_UNION:
        gen_union_read(g, v, lv, mode);
        return;
    case TY_BASE:
    case TY_ENUM:
        if (mode & M_FLAT) {
            read_base(g, v->type, lv);
            if (v->range_lo) {
                long long lo = 0, hi = 0;
                expr_eval(v->range_lo, &lo);
                expr_eval(v->range_hi, &hi);
                gen_line(g, "idl_range((long long)(%s), %lldLL, %lldLL);", lv, lo, hi);
            }
        }
        return;
    case TY_STRUCT:
        if (mode & M_FLAT)
            gen_line(g, "idl_u_%s(%s, &(%s));", r->st->cname, g->r, lv);
        if ((mode & M_DEFER) && type_has_pointers(r))
            gen_line(g, "idl_up_%s(%s, &(%s));", r->st->cname, g->r, lv);
        return;
    case TY_ARRAY: {
        View ev = elem_view(g, v);
        char *n = expr_c(r->dim, "");
        if (view_is_varying(v)) {
            if (mode & M_FLAT) {
                int k = ++g->tmp;
                gen_open(g, "{");
                gen_line(g, "uint32_t _o%d = arpc_ndr_r_u32(%s);", k, g->r);
                gen_line(g, "uint32_t _l%d = arpc_ndr_r_count(%s, %d);", k, g->r, elem_min_wire(ev.type));
                gen_line(g, "arpc_ndr_check(_o%d <= (uint32_t)(%s) && _l%d <= (uint32_t)(%s) - _o%d);", k, n, k,
                         n, k);
                char *o = xasprintf("_o%d", k), *l = xasprintf("_l%d", k);
                read_elems(g, &ev, lv, o, l);
                gen_close(g);
            }
        } else if (mode == M_FULL) {
            read_elems(g, &ev, lv, "0", n);
        } else if (mode == M_FLAT) {
            if (!type_has_pointers(ev.type)) {
                read_elems(g, &ev, lv, "0", n);
            } else {
                each_element(g, &ev, lv, n, M_FLAT, gen_read);
            }
        } else if (type_has_pointers(ev.type)) {
            each_element(g, &ev, lv, n, M_DEFER, gen_read);
        }
        free(n);
        return;
    }
    case TY_PTR:
        if (mode & M_FLAT) {
            if (v->ptr_kind == PTR_REF) {
                gen_line(g, "arpc_ndr_check(arpc_ndr_r_u32(%s) != 0);", g->r);
                gen_line(g, "%s = IDL_PENDING;", lv);
            } else {
                gen_line(g, "%s = arpc_ndr_r_u32(%s) ? IDL_PENDING : NULL;", lv, g->r);
            }
        }
        if (mode & M_DEFER) {
            gen_open(g, "if (%s) {", lv);
            gen_line(g, "idl_enter(%s);", g->r);
            gen_read_pointee_alloc(g, v, lv, NULL);
            gen_line(g, "idl_leave(%s);", g->r);
            gen_close(g);
        }
        return;
    }
}

/* reads max_count [offset actual_count] of an array pointee; declares mK,
 * oK, lK and returns K */
static int read_array_header(Gen *g, const View *v, const View *ev)
{
    int k = ++g->tmp;
    int ew = elem_min_wire(ev->type);
    if (view_is_varying(v)) {
        gen_line(g, "uint32_t _m%d = arpc_ndr_r_u32(%s);", k, g->r);
        gen_line(g, "uint32_t _o%d = arpc_ndr_r_u32(%s);", k, g->r);
        gen_line(g, "uint32_t _l%d = arpc_ndr_r_count(%s, %d);", k, g->r, ew);
        gen_line(g, "arpc_ndr_check(_o%d <= _m%d && _l%d <= _m%d - _o%d);", k, k, k, k, k);
    } else {
        gen_line(g, "uint32_t _m%d = arpc_ndr_r_count(%s, %d);", k, g->r, ew);
        gen_line(g, "uint32_t _o%d = 0, _l%d = _m%d;", k, k, k);
    }
    return k;
}

void gen_read_pointee_alloc(Gen *g, const View *v, const char *lv, const char *count_lv)
{
    Type *r = type_resolve(v->type);
    if (view_is_string_ptr(v)) {
        char *tn = type_decl(v->type, "", 1);
        if (type_is_wchar(r->sub))
            gen_line(g, "%s = (%s)arpc_ndr_r_wstring(%s);", lv, tn, g->r);
        else
            gen_line(g, "%s = (%s)arpc_ndr_r_string(%s);", lv, tn, g->r);
        free(tn);
        return;
    }
    if (view_is_array_ptr(v)) {
        View ev = elem_view(g, v);
        gen_open(g, "{");
        int k = read_array_header(g, v, &ev);
        if (!v->prefix[0] || !strcmp(v->prefix, "p->")) {
            /* in a structure the size fields are known: check conformance now */
            char *size = view_size_expr(v);
            gen_line(g, "arpc_ndr_check((long long)(%s) == (long long)_m%d);", size, k);
            free(size);
        }
        if (count_lv)
            gen_line(g, "%s = _m%d;", count_lv, k);
        gen_line(g, "%s = arpc_ndr_alloc(%s, (size_t)_m%d * sizeof *(%s));", lv, g->r, k, lv);
        if (type_has_pointers(ev.type)) {
            int j = ++g->tmp;
            gen_open(g, "for (uint32_t _i%d = 0; _i%d < _m%d; _i%d++) {", j, j, k, j);
            char *el = xasprintf("(%s)[_i%d]", lv, j);
            gen_zero_pointers(g, ev.type, el);
            gen_close(g);
        }
        char *o = xasprintf("_o%d", k), *l = xasprintf("_l%d", k);
        read_elems(g, &ev, lv, o, l);
        gen_close(g);
        return;
    }
    View iv = view_inner(v, r->sub, pdef(g));
    gen_line(g, "%s = arpc_ndr_alloc(%s, sizeof *(%s));", lv, g->r, lv);
    char *pl = xasprintf("(*%s)", lv);
    if (type_has_pointers(iv.type))
        gen_zero_pointers(g, iv.type, pl);
    gen_read(g, &iv, pl, M_FULL);
    free(pl);
}

void gen_read_pointee_into(Gen *g, const View *v, const char *pv, const char *cap)
{
    Type *r = type_resolve(v->type);
    if (view_is_string_ptr(v)) {
        if (type_is_wchar(r->sub))
            gen_line(g, "arpc_ndr_r_wstring_into(%s, %s, %s);", g->r, pv, cap);
        else
            gen_line(g, "arpc_ndr_r_string_into(%s, (char *)(%s), %s);", g->r, pv, cap);
        return;
    }
    if (view_is_array_ptr(v)) {
        View ev = elem_view(g, v);
        gen_open(g, "{");
        int k = read_array_header(g, v, &ev);
        gen_line(g, "arpc_ndr_check(_m%d <= %s);", k, cap);
        char *o = xasprintf("_o%d", k), *l = xasprintf("_l%d", k);
        read_elems(g, &ev, pv, o, l);
        gen_close(g);
        return;
    }
    View iv = view_inner(v, r->sub, pdef(g));
    char *pl = xasprintf("(*%s)", pv);
    gen_read(g, &iv, pl, M_FULL);
    free(pl);
}

/* ------------------------------------------------------------ freeing */
void gen_zero_pointers(Gen *g, Type *t, const char *lv)
{
    Type *r = type_resolve(t);
    if (r->kind == TY_PTR) {
        gen_line(g, "%s = NULL;", lv);
    } else if (r->kind == TY_STRUCT && type_has_pointers(r)) {
        gen_line(g, "idl_z_%s(&(%s));", r->st->cname, lv);
    } else if (r->kind == TY_UNION && type_has_pointers(r)) {
        /* whichever arm is read later, its pointers start out NULL */
        gen_line(g, "memset(&(%s), 0, sizeof(%s));", lv, lv);
    } else if (r->kind == TY_ARRAY && type_has_pointers(r->sub)) {
        char *n = expr_c(r->dim, "");
        int k = ++g->tmp;
        gen_open(g, "for (uint32_t _i%d = 0; _i%d < (uint32_t)(%s); _i%d++) {", k, k, n, k);
        char *el = xasprintf("(%s)[_i%d]", lv, k);
        gen_zero_pointers(g, r->sub, el);
        gen_close(g);
        free(n);
    }
}

void gen_free(Gen *g, const View *v, const char *lv, const char *count)
{
    Type *r = type_resolve(v->type);
    if (r->kind == TY_STRUCT && type_has_pointers(r)) {
        gen_line(g, "idl_f_%s(%s, &(%s));", r->st->cname, g->r, lv);
    } else if (r->kind == TY_UNION) {
        gen_union_free(g, v, lv);
    } else if (r->kind == TY_ARRAY && type_has_pointers(r->sub)) {
        View ev = elem_view(g, v);
        char *n = expr_c(r->dim, "");
        int k = ++g->tmp;
        gen_open(g, "for (uint32_t _i%d = 0; _i%d < (uint32_t)(%s); _i%d++) {", k, k, n, k);
        char *el = xasprintf("(%s)[_i%d]", lv, k);
        gen_free(g, &ev, el, NULL);
        gen_close(g);
        free(n);
    } else if (r->kind == TY_PTR) {
        gen_open(g, "if ((%s) && (void *)(%s) != IDL_PENDING) {", lv, lv);
        gen_free_pointee(g, v, lv, count);
        gen_line(g, "(%s)->free((void *)(%s));", g->r, lv);
        gen_line(g, "%s = NULL;", lv);
        gen_close(g);
    }
}

void gen_free_pointee(Gen *g, const View *v, const char *pv, const char *count)
{
    Type *r = type_resolve(v->type);
    if (view_is_string_ptr(v))
        return;
    if (view_is_array_ptr(v)) {
        View ev = elem_view(g, v);
        if (!type_has_pointers(ev.type))
            return;
        char *n = count ? xstrdup(count) : view_size_expr(v);
        int k = ++g->tmp;
        gen_open(g, "for (uint32_t _i%d = 0; _i%d < (uint32_t)(%s); _i%d++) {", k, k, n, k);
        char *el = xasprintf("(%s)[_i%d]", pv, k);
        gen_free(g, &ev, el, NULL);
        gen_close(g);
        free(n);
        return;
    }
    View iv = view_inner(v, r->sub, pdef(g));
    char *pl = xasprintf("(*%s)", pv);
    gen_free(g, &iv, pl, NULL);
    free(pl);
}

/* ------------------------------------------------------------ structures */
static Struct **reach;
static int nreach;

static void reach_type(Type *t)
{
    for (;;) {
        if (!t)
            return;
        if (t->kind == TY_NAMED && t->td->context_handle)
            return;  /* opaque: nothing of it travels */
        if (t->kind == TY_NAMED)
            t = t->td->type;
        else if (t->kind == TY_PTR || t->kind == TY_ARRAY || t->kind == TY_PIPE)
            t = t->sub;
        else
            break;
    }
    if (t->kind == TY_UNION) {
        for (int i = 0; i < t->un->narms; i++)
            if (t->un->arms[i]->field)
                reach_type(t->un->arms[i]->field->type);
        return;
    }
    if (t->kind != TY_STRUCT)
        return;
    for (int i = 0; i < nreach; i++)
        if (reach[i] == t->st)
            return;
    VEC_PUSH(reach, nreach, t->st);
    for (int i = 0; i < t->st->nfields; i++)
        reach_type(t->st->fields[i]->type);
}

void gen_struct_helpers(Gen *g, Program *p, int writer, int reader, int freer)
{
    nreach = 0;
    for (int i = 0; i < p->nifaces; i++) {
        Interface *itf = p->ifaces[i];
        if (itf->is_local)
            continue;
        for (int j = 0; j < itf->nfuncs; j++)
            for (int k = 0; k < itf->funcs[j]->nparams; k++)
                if (!param_ctx(itf->funcs[j]->params[k]))
                    reach_type(itf->funcs[j]->params[k]->type);
    }
    if (!nreach)
        return;
    const char *sw = g->w, *sr = g->r;
    g->w = "w";
    g->r = "r";
    /* prototypes */
    for (int i = 0; i < nreach; i++) {
        Struct *s = reach[i];
        const char *ct = struct_ctype(s);
        int ptrs = type_has_pointers(&(Type){.kind = TY_STRUCT, .st = s});
        if (writer) {
            gen_line(g, "IDL_UNUSED static void idl_m_%s(arpc_ndr_writer *w, const %s *p);", s->cname, ct);
            if (ptrs)
                gen_line(g, "IDL_UNUSED static void idl_mp_%s(arpc_ndr_writer *w, const %s *p);", s->cname, ct);
        }
        if (reader) {
            gen_line(g, "IDL_UNUSED static void idl_u_%s(arpc_ndr_reader *r, %s *p);", s->cname, ct);
            if (ptrs) {
                gen_line(g, "IDL_UNUSED static void idl_up_%s(arpc_ndr_reader *r, %s *p);", s->cname, ct);
                gen_line(g, "IDL_UNUSED static void idl_z_%s(%s *p);", s->cname, ct);
            }
        }
        if (freer && ptrs)
            gen_line(g, "IDL_UNUSED static void idl_f_%s(arpc_ndr_reader *r, %s *p);", s->cname, ct);
    }
    gen_line(g, "%s", "");
    for (int i = 0; i < nreach; i++) {
        Struct *s = reach[i];
        const char *ct = struct_ctype(s);
        Type st = {.kind = TY_STRUCT, .st = s};
        int ptrs = type_has_pointers(&st);
        int al = type_wire_align(&st);
        if (writer) {
            gen_open(g, "static void idl_m_%s(arpc_ndr_writer *w, const %s *p)\n{", s->cname, ct);
            gen_line(g, "arpc_ndr_w_align(w, %d);", al);
            for (int j = 0; j < s->nfields; j++) {
                Field *f = s->fields[j];
                View v = view_of_field(f, "p->", pdef(g), 0);
                char *lv = xasprintf("p->%s", f->name);
                gen_write(g, &v, lv, M_FLAT);
                free(lv);
            }
            gen_line(g, "arpc_ndr_w_align(w, %d);", al);
            gen_close(g);
            gen_line(g, "%s", "");
            if (ptrs) {
                gen_open(g, "static void idl_mp_%s(arpc_ndr_writer *w, const %s *p)\n{", s->cname, ct);
                for (int j = 0; j < s->nfields; j++) {
                    Field *f = s->fields[j];
                    if (!type_has_pointers(f->type))
                        continue;
                    View v = view_of_field(f, "p->", pdef(g), 0);
                    char *lv = xasprintf("p->%s", f->name);
                    gen_write(g, &v, lv, M_DEFER);
                    free(lv);
                }
                gen_close(g);
                gen_line(g, "%s", "");
            }
        }
        if (reader) {
            gen_open(g, "static void idl_u_%s(arpc_ndr_reader *r, %s *p)\n{", s->cname, ct);
            gen_line(g, "arpc_ndr_r_align(r, %d);", al);
            for (int j = 0; j < s->nfields; j++) {
                Field *f = s->fields[j];
                View v = view_of_field(f, "p->", pdef(g), 0);
                v.disc_assign = union_disc_later(s->fields, s->nfields, j, recv_all);
                char *lv = xasprintf("p->%s", f->name);
                if (disc_preassigned(s->fields, s->nfields, j, recv_all))
                    gen_read_disc_check(g, &v, lv);
                else
                    gen_read(g, &v, lv, M_FLAT);
                free(lv);
            }
            gen_line(g, "arpc_ndr_r_align(r, %d);", al);
            gen_close(g);
            gen_line(g, "%s", "");
            if (ptrs) {
                gen_open(g, "static void idl_up_%s(arpc_ndr_reader *r, %s *p)\n{", s->cname, ct);
                for (int j = 0; j < s->nfields; j++) {
                    Field *f = s->fields[j];
                    if (!type_has_pointers(f->type))
                        continue;
                    View v = view_of_field(f, "p->", pdef(g), 0);
                    char *lv = xasprintf("p->%s", f->name);
                    gen_read(g, &v, lv, M_DEFER);
                    free(lv);
                }
                gen_close(g);
                gen_line(g, "%s", "");
                gen_open(g, "static void idl_z_%s(%s *p)\n{", s->cname, ct);
                for (int j = 0; j < s->nfields; j++) {
                    Field *f = s->fields[j];
                    char *lv = xasprintf("p->%s", f->name);
                    gen_zero_pointers(g, f->type, lv);
                    free(lv);
                }
                gen_close(g);
                gen_line(g, "%s", "");
            }
        }
        if (freer && ptrs) {
            gen_open(g, "static void idl_f_%s(arpc_ndr_reader *r, %s *p)\n{", s->cname, ct);
            for (int j = 0; j < s->nfields; j++) {
                Field *f = s->fields[j];
                if (!type_has_pointers(f->type))
                    continue;
                View v = view_of_field(f, "p->", pdef(g), 0);
                char *lv = xasprintf("p->%s", f->name);
                gen_free(g, &v, lv, NULL);
                free(lv);
            }
            gen_close(g);
            gen_line(g, "%s", "");
        }
    }
    g->w = sw;
    g->r = sr;
}

/* ------------------------------------------------------------ preamble */
void gen_preamble(Gen *g)
{
    static const char *text =
        "#include <string.h>\n"
        "\n"
        "#if defined(__GNUC__) || defined(__clang__)\n"
        "#define IDL_UNUSED __attribute__((unused))\n"
        "#else\n"
        "#define IDL_UNUSED\n"
        "#endif\n"
        "\n"
        "/* marks a pointer whose referent id was read and whose pointee follows */\n"
        "IDL_UNUSED static char idl_pending_;\n"
        "#define IDL_PENDING ((void *)&idl_pending_)\n"
        "\n"
        "/* a size, length or offset expression's value as an NDR count */\n"
        "IDL_UNUSED static uint32_t idl_count(long long v)\n"
        "{\n"
        "    if (v < 0 || v > 0xffffffffLL)\n"
        "        RpcRaiseException(RPC_S_INVALID_BOUND);\n"
        "    return (uint32_t)v;\n"
        "}\n"
        "\n"
        "/* [range]: a value received outside its bounds */\n"
        "IDL_UNUSED static void idl_range(long long v, long long lo, long long hi)\n"
        "{\n"
        "    if (v < lo || v > hi)\n"
        "        RpcRaiseException(RPC_S_INVALID_BOUND);\n"
        "}\n"
        "\n"
        "/* [string] with [size_is]/[max_is]: a conformant varying string whose\n"
        " * maximum count is the buffer's size, not its length (raises\n"
        " * RPC_S_INVALID_BOUND when the string does not fit) */\n"
        "IDL_UNUSED static void idl_w_string_max(arpc_ndr_writer *w, const char *s, uint32_t max)\n"
        "{\n"
        "    if (!s)\n"
        "        RpcRaiseException(RPC_X_NULL_REF_POINTER);\n"
        "    size_t n = strlen(s) + 1;\n"
        "    if (n > max)\n"
        "        RpcRaiseException(RPC_S_INVALID_BOUND);\n"
        "    arpc_ndr_w_u32(w, max);\n"
        "    arpc_ndr_w_u32(w, 0);\n"
        "    arpc_ndr_w_u32(w, (uint32_t)n);\n"
        "    arpc_ndr_w_bytes(w, s, n);\n"
        "}\n"
        "\n"
        "/* ... wide: UTF-16 on the wire (surrogate pairs above 0xFFFF; a value\n"
        " * UTF-16 cannot carry raises RPC_X_BAD_STUB_DATA, as arpc_ndr_w_wstring) */\n"
        "IDL_UNUSED static void idl_w_wstring_max(arpc_ndr_writer *w, const wchar_t *s, uint32_t max)\n"
        "{\n"
        "    if (!s)\n"
        "        RpcRaiseException(RPC_X_NULL_REF_POINTER);\n"
        "    size_t n = 0;\n"
        "    for (const wchar_t *p = s;; p++) {\n"
        "        uint32_t c = (uint32_t)*p;\n"
        "        if (sizeof(wchar_t) > 2 && (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)))\n"
        "            RpcRaiseException(RPC_X_BAD_STUB_DATA);\n"
        "        n += c > 0xFFFF ? 2 : 1;\n"
        "        if (!c)\n"
        "            break;\n"
        "    }\n"
        "    if (n > max)\n"
        "        RpcRaiseException(RPC_S_INVALID_BOUND);\n"
        "    arpc_ndr_w_u32(w, max);\n"
        "    arpc_ndr_w_u32(w, 0);\n"
        "    arpc_ndr_w_u32(w, (uint32_t)n);\n"
        "    for (const wchar_t *p = s;; p++) {\n"
        "        uint32_t c = (uint32_t)*p;\n"
        "        if (c > 0xFFFF) {\n"
        "            arpc_ndr_w_u16(w, (uint16_t)(0xD800 + ((c - 0x10000) >> 10)));\n"
        "            arpc_ndr_w_u16(w, (uint16_t)(0xDC00 + ((c - 0x10000) & 0x3FF)));\n"
        "        } else {\n"
        "            arpc_ndr_w_u16(w, (uint16_t)c);\n"
        "        }\n"
        "        if (!c)\n"
        "            break;\n"
        "    }\n"
        "}\n"
        "\n"
        "/* deferred pointees: nesting depth bounded as arpc_ndr_r_ref_id does */\n"
        "IDL_UNUSED static void idl_enter(arpc_ndr_reader *r)\n"
        "{\n"
        "    arpc_ndr_check(r->depth < ARPC_NDR_MAX_DEPTH);\n"
        "    r->depth++;\n"
        "}\n"
        "\n"
        "IDL_UNUSED static void idl_leave(arpc_ndr_reader *r)\n"
        "{\n"
        "    r->depth--;\n"
        "}\n"
        "\n";
    fputs(text, g->f);
}

void gen_iface_id(Gen *g, Interface *itf)
{
    fprintf(g->f, "{{0x%08lx, 0x%04x, 0x%04x, {0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x}}, {%u, %u}}",
            itf->u1, itf->u2, itf->u3, itf->u4[0], itf->u4[1], itf->u4[2], itf->u4[3], itf->u4[4],
            itf->u4[5], itf->u4[6], itf->u4[7], itf->vmaj, itf->vmin);
}

/* the endpoint table; returns its name or NULL */
char *gen_endpoints(Gen *g, Interface *itf)
{
    if (!itf->nep)
        return NULL;
    char *name = xasprintf("%s__RpcProtseqEndpoint", itf->name);
    fprintf(g->f, "static RPC_PROTSEQ_ENDPOINT %s[] = {\n", name);
    for (int i = 0; i < itf->nep; i++)
        fprintf(g->f, "    {(unsigned char *)\"%s\", (unsigned char *)\"%s\"},\n", itf->ep_protseq[i],
                itf->ep_name[i]);
    fprintf(g->f, "};\n\n");
    return name;
}

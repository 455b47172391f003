/* types.c - symbol tables, type queries, C spelling of types and
 * expressions. */
#include "idl.h"

#include <stdlib.h>
#include <string.h>

/* ---- symbol tables (IDL has one global name space for these) */
static Typedef **tds;
static int ntds;
static Struct **sts;
static int nsts;
static Enum **ens;
static int nens;
static Const **cns;
static int ncns;
static Union **uns;
static int nuns;

Typedef *find_typedef(const char *name)
{
    for (int i = 0; i < ntds; i++)
        if (!strcmp(tds[i]->name, name))
            return tds[i];
    return NULL;
}

Struct *find_struct(const char *tag)
{
    for (int i = 0; i < nsts; i++)
        if (sts[i]->tag && !strcmp(sts[i]->tag, tag))
            return sts[i];
    return NULL;
}

Enum *find_enum(const char *tag)
{
    for (int i = 0; i < nens; i++)
        if (ens[i]->tag && !strcmp(ens[i]->tag, tag))
            return ens[i];
    return NULL;
}

Union *find_union(const char *tag)
{
    for (int i = 0; i < nuns; i++)
        if (uns[i]->tag && !strcmp(uns[i]->tag, tag))
            return uns[i];
    return NULL;
}

Const *find_const(const char *name)
{
    for (int i = 0; i < ncns; i++)
        if (!strcmp(cns[i]->name, name))
            return cns[i];
    return NULL;
}

void register_typedef(Typedef *t) { VEC_PUSH(tds, ntds, t); }
void register_struct(Struct *s) { VEC_PUSH(sts, nsts, s); }
void register_enum(Enum *e) { VEC_PUSH(ens, nens, e); }
void register_const(Const *c) { VEC_PUSH(cns, ncns, c); }
void register_union(Union *u) { VEC_PUSH(uns, nuns, u); }

/* ---- queries */
Type *type_resolve(Type *t)
{
    while (t && t->kind == TY_NAMED)
        t = t->td->type;
    return t;
}

int enum_is_v1(const Type *t)
{
    while (t && t->kind == TY_NAMED) {
        if (t->td->v1_enum)
            return 1;
        t = t->td->type;
    }
    return 0;
}

int type_is_ptr(Type *t) { t = type_resolve(t); return t && t->kind == TY_PTR; }
int type_is_array(Type *t) { t = type_resolve(t); return t && t->kind == TY_ARRAY; }
int type_is_handle(Type *t) { t = type_resolve(t); return t && t->kind == TY_BASE && t->base == B_HANDLE; }
int type_is_void(Type *t) { t = type_resolve(t); return t && t->kind == TY_BASE && t->base == B_VOID; }

int type_is_charlike(Type *t)
{
    t = type_resolve(t);
    return t && t->kind == TY_BASE &&
           (t->base == B_CHAR || t->base == B_UCHAR || t->base == B_BYTE);
}

int type_is_wchar(Type *t)
{
    t = type_resolve(t);
    return t && t->kind == TY_BASE && t->base == B_WCHAR;
}

int type_is_bytes(Type *t)
{
    t = type_resolve(t);
    if (!t || t->kind != TY_BASE)
        return 0;
    switch (t->base) {
    case B_BOOLEAN: case B_BYTE: case B_CHAR: case B_UCHAR: case B_SMALL: case B_USMALL:
        return 1;
    default:
        return 0;
    }
}

Typedef *type_ctx(Type *t)
{
    for (; t && t->kind == TY_NAMED; t = t->td->type)
        if (t->td->context_handle)
            return t->td;
    return NULL;
}

int param_ctx(Field *p)
{
    if (p->context_handle)
        return p->out ? CTX_PTR : CTX_VALUE;
    if (type_ctx(p->type))
        return CTX_VALUE;
    Type *r = type_resolve(p->type);
    if (r && r->kind == TY_PTR && type_ctx(r->sub))
        return CTX_PTR;
    return CTX_NONE;
}

Typedef *param_ctx_typedef(Field *p)
{
    switch (param_ctx(p)) {
    case CTX_VALUE:
        return type_ctx(p->type);
    case CTX_PTR:
        return type_ctx(type_resolve(p->type)->sub);
    }
    return NULL;
}

int type_is_integral(Type *t)
{
    Type *r = type_resolve(t);
    if (!r)
        return 0;
    if (r->kind == TY_ENUM)
        return 1;
    if (r->kind != TY_BASE)
        return 0;
    switch (r->base) {
    case B_BOOLEAN: case B_BYTE: case B_CHAR: case B_UCHAR: case B_SMALL: case B_USMALL: case B_SHORT:
    case B_USHORT: case B_LONG: case B_ULONG: case B_INT: case B_UINT: case B_ERROR_STATUS: case B_WCHAR:
        return 1;
    default:
        return 0;
    }
}

Typedef *type_pipe(Type *t)
{
    if (t && t->kind == TY_NAMED && t->td->type->kind == TY_PIPE)
        return t->td;
    return NULL;
}

Typedef *param_pipe(Field *p)
{
    Typedef *td = type_pipe(p->type);
    if (!td && p->type->kind == TY_PTR)
        td = type_pipe(p->type->sub);
    return td;
}

Typedef *type_find_pipe(Type *t)
{
    for (; t; t = t->sub) {
        if (type_pipe(t))
            return t->td;
        if (t->kind == TY_NAMED)
            return type_find_pipe(t->td->type);
        if (t->kind != TY_PTR && t->kind != TY_ARRAY)
            return NULL;
    }
    return NULL;
}

int type_has_pointers(Type *t)
{
    t = type_resolve(t);
    if (!t)
        return 0;
    switch (t->kind) {
    case TY_PTR:
        return 1;
    case TY_ARRAY:
        return type_has_pointers(t->sub);
    case TY_STRUCT:
        for (int i = 0; i < t->st->nfields; i++)
            if (type_has_pointers(t->st->fields[i]->type))
                return 1;
        return 0;
    case TY_UNION:
        for (int i = 0; i < t->un->narms; i++)
            if (t->un->arms[i]->field && type_has_pointers(t->un->arms[i]->field->type))
                return 1;
        return 0;
    default:
        return 0;
    }
}

int union_arms_align(Union *u)
{
    int a = 1;
    for (int i = 0; i < u->narms; i++) {
        Field *f = u->arms[i]->field;
        if (!f)
            continue;
        int fa = type_wire_align(f->type);
        if ((f->length_is || f->first_is || f->last_is) && fa < 4)
            fa = 4;
        if (fa > a)
            a = fa;
    }
    return a;
}

int type_wire_align(Type *t)
{
    Type *r = type_resolve(t);
    switch (r->kind) {
    case TY_BASE:
        switch (r->base) {
        case B_SHORT: case B_USHORT: case B_WCHAR: return 2;
        case B_LONG: case B_ULONG: case B_INT: case B_UINT: case B_FLOAT: case B_ERROR_STATUS: return 4;
        case B_HYPER: case B_UHYPER: case B_DOUBLE: return 8;
        default: return 1;
        }
    case TY_ENUM:
        return enum_is_v1(t) ? 4 : 2;
    case TY_PTR:
        return 4;
    case TY_ARRAY:
        return type_wire_align(r->sub);
    case TY_UNION: {
        /* a structure holding it aligns to its discriminant and its arms */
        int a = union_arms_align(r->un);
        if (!r->un->encapsulated && r->un->switch_type) {
            int d = type_wire_align(r->un->switch_type);
            if (d > a)
                a = d;
        }
        return a;
    }
    case TY_STRUCT: {
        int a = 1;
        for (int i = 0; i < r->st->nfields; i++) {
            Field *f = r->st->fields[i];
            int fa = type_wire_align(f->type);
            if ((f->length_is || f->first_is || f->last_is) && fa < 4)
                fa = 4;
            /* a union member's discriminant: its own switch type */
            if (type_resolve(f->type)->kind == TY_UNION && f->switch_type &&
                !type_resolve(f->type)->un->encapsulated && type_wire_align(f->switch_type) > fa)
                fa = type_wire_align(f->switch_type);
            if (fa > a)
                a = fa;
        }
        return a;
    }
    }
    return 1;
}

/* sizes beyond this count as not fixed (no int overflow) */
#define WIRE_SIZE_MAX (1 << 30)

static int align_up(int n, int a)
{
    return (n + a - 1) / a * a;
}

int type_wire_size(Type *t)
{
    Type *r = type_resolve(t);
    switch (r->kind) {
    case TY_BASE:
        return r->base == B_VOID || r->base == B_HANDLE ? -1 : type_wire_align(t);
    case TY_ENUM:
        return enum_is_v1(t) ? 4 : 2;
    case TY_ARRAY: {
        long long n;
        if (!r->dim || !expr_eval(r->dim, &n) || n < 0)
            return -1;
        int es = type_wire_size(r->sub);
        return es < 0 || n > WIRE_SIZE_MAX / (es ? es : 1) ? -1 : (int)n * es;
    }
    case TY_STRUCT: {
        int size = 0;
        for (int i = 0; i < r->st->nfields; i++) {
            Field *f = r->st->fields[i];
            int fs = type_wire_size(f->type);
            if (fs < 0 || f->size_is || f->max_is || f->length_is || f->first_is || f->last_is || f->string)
                return -1;
            size = align_up(size, type_wire_align(f->type)) + fs;
            if (size > WIRE_SIZE_MAX)
                return -1;
        }
        return align_up(size, type_wire_align(r));
    }
    }
    return -1;
}

/* ---- spelling */
static char *base_spelling(Type *t)
{
    switch (t->kind) {
    case TY_BASE:
        return xasprintf("%s%s", t->is_const ? "const " : "", t->spell);
    case TY_NAMED:
        return xasprintf("%s%s", t->is_const ? "const " : "", t->td->name);
    case TY_STRUCT:
        if (!t->st->tag)
            return xasprintf("%s%s", t->is_const ? "const " : "", t->st->cname);
        return xasprintf("%sstruct %s", t->is_const ? "const " : "", t->st->tag);
    case TY_ENUM:
        return xasprintf("%senum %s", t->is_const ? "const " : "", t->en->tag ? t->en->tag : "");
    case TY_UNION:
        if (!t->un->tag)
            return xasprintf("%s%s", t->is_const ? "const " : "", t->un->cname);
        return xasprintf("%sunion %s", t->is_const ? "const " : "", t->un->tag);
    }
    return xstrdup("?");
}

static char *decl_rec(Type *t, const char *inner, int noconst)
{
    if (t->kind == TY_PTR) {
        char *s;
        if (t->sub->kind == TY_ARRAY)
            s = xasprintf("(*%s)", inner);
        else
            s = xasprintf("*%s", inner);
        char *r = decl_rec(t->sub, s, noconst);
        free(s);
        return r;
    }
    if (t->kind == TY_ARRAY) {
        char *d = t->dim ? expr_c(t->dim, "") : xstrdup("");
        char *s = xasprintf("%s[%s]", inner, d);
        free(d);
        char *r = decl_rec(t->sub, s, noconst);
        free(s);
        return r;
    }
    int c = t->is_const;
    if (noconst)
        t->is_const = 0;
    char *b = base_spelling(t);
    t->is_const = c;
    char *r = *inner ? xasprintf("%s %s", b, inner) : xstrdup(b);
    free(b);
    return r;
}

char *type_decl(Type *t, const char *name, int noconst)
{
    return decl_rec(t, name, noconst);
}

char *type_name(Type *t)
{
    char *s = decl_rec(t, "", 0);
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = 0;
    return s;
}

/* ---- expressions */
char *expr_c(Expr *e, const char *prefix)
{
    char *a, *b, *c, *r;
    switch (e->kind) {
    case EX_NUM:
        return xstrdup(e->text);
    case EX_NAME:
        if (find_const(e->text) || !*prefix)
            return xstrdup(e->text);
        /* enumerators are constants too */
        for (int i = 0; i < nens; i++)
            for (int j = 0; j < ens[i]->n; j++)
                if (!strcmp(ens[i]->names[j], e->text))
                    return xstrdup(e->text);
        return xasprintf("%s%s", prefix, e->text);
    case EX_STR:
        return xasprintf("\"%s\"", e->text);
    case EX_CHAR:
        return xasprintf("'%s'", e->text);
    case EX_UNARY:
        a = expr_c(e->a, prefix);
        r = xasprintf("(%s%s)", e->text, a);
        free(a);
        return r;
    case EX_BINARY:
        a = expr_c(e->a, prefix);
        b = expr_c(e->b, prefix);
        r = xasprintf("(%s %s %s)", a, e->text, b);
        free(a);
        free(b);
        return r;
    case EX_COND:
        a = expr_c(e->a, prefix);
        b = expr_c(e->b, prefix);
        c = expr_c(e->c, prefix);
        r = xasprintf("(%s ? %s : %s)", a, b, c);
        free(a);
        free(b);
        free(c);
        return r;
    }
    return xstrdup("0");
}

static int char_value(const char *s, long long *out)
{
    if (s[0] != '\\') {
        *out = (unsigned char)s[0];
        return 1;
    }
    switch (s[1]) {
    case 'n': *out = '\n'; return 1;
    case 't': *out = '\t'; return 1;
    case 'r': *out = '\r'; return 1;
    case '0': *out = strtol(s + 1, NULL, 8); return 1;
    case '\\': *out = '\\'; return 1;
    case '\'': *out = '\''; return 1;
    case 'x': *out = strtol(s + 2, NULL, 16); return 1;
    }
    return 0;
}

int expr_eval(Expr *e, long long *out)
{
    long long a, b, c;
    switch (e->kind) {
    case EX_NUM:
        *out = e->num;
        return 1;
    case EX_CHAR:
        return char_value(e->text, out);
    case EX_NAME: {
        Const *k = find_const(e->text);
        if (k && k->value)
            return expr_eval(k->value, out);
        for (int i = 0; i < nens; i++) {
            long long v = -1;
            for (int j = 0; j < ens[i]->n; j++) {
                if (ens[i]->values[j]) {
                    if (!expr_eval(ens[i]->values[j], &v))
                        return 0;
                } else {
                    v++;
                }
                if (!strcmp(ens[i]->names[j], e->text)) {
                    *out = v;
                    return 1;
                }
            }
        }
        return 0;
    }
    case EX_UNARY:
        if (!expr_eval(e->a, &a))
            return 0;
        switch (e->text[0]) {
        case '-': *out = -a; return 1;
        case '+': *out = a; return 1;
        case '~': *out = ~a; return 1;
        case '!': *out = !a; return 1;
        }
        return 0;
    case EX_BINARY:
        if (!expr_eval(e->a, &a) || !expr_eval(e->b, &b))
            return 0;
        if (!strcmp(e->text, "+")) *out = a + b;
        else if (!strcmp(e->text, "-")) *out = a - b;
        else if (!strcmp(e->text, "*")) *out = a * b;
        else if (!strcmp(e->text, "/")) { if (!b) return 0; *out = a / b; }
        else if (!strcmp(e->text, "%")) { if (!b) return 0; *out = a % b; }
        else if (!strcmp(e->text, "<<")) *out = a << b;
        else if (!strcmp(e->text, ">>")) *out = a >> b;
        else if (!strcmp(e->text, "&")) *out = a & b;
        else if (!strcmp(e->text, "|")) *out = a | b;
        else if (!strcmp(e->text, "^")) *out = a ^ b;
        else if (!strcmp(e->text, "&&")) *out = a && b;
        else if (!strcmp(e->text, "||")) *out = a || b;
        else if (!strcmp(e->text, "==")) *out = a == b;
        else if (!strcmp(e->text, "!=")) *out = a != b;
        else if (!strcmp(e->text, "<")) *out = a < b;
        else if (!strcmp(e->text, ">")) *out = a > b;
        else if (!strcmp(e->text, "<=")) *out = a <= b;
        else if (!strcmp(e->text, ">=")) *out = a >= b;
        else return 0;
        return 1;
    case EX_COND:
        if (!expr_eval(e->a, &a) || !expr_eval(e->b, &b) || !expr_eval(e->c, &c))
            return 0;
        *out = a ? b : c;
        return 1;
    }
    return 0;
}

const char *ptr_kind_name(int k)
{
    switch (k) {
    case PTR_REF: return "ref";
    case PTR_UNIQUE: return "unique";
    case PTR_FULL: return "ptr";
    }
    return "default";
}

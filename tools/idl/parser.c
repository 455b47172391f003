/* parser.c - recursive-descent parser for the supported IDL: types
 * (structs, enums, unions of both kinds, pipes), constants, interfaces,
 * procedures, attributes, import/include/cpp_quote/midl_pragma.  The ACF
 * is parsed by acf.c with the same primitives (parser.h). */
#include "parser.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* anonymous struct/union names, unique across imported files */
static int anon;

void pr_next(Parser *p)
{
    if (p->has_peek) {
        p->tok = p->peek;
        p->has_peek = 0;
    } else {
        p->tok = lexer_next(p->lx);
    }
}

Token *pr_peek(Parser *p)
{
    if (!p->has_peek) {
        p->peek = lexer_next(p->lx);
        p->has_peek = 1;
    }
    return &p->peek;
}

int pr_is(Parser *p, const char *text)
{
    return (p->tok.kind == TK_PUNCT || p->tok.kind == TK_IDENT) && !strcmp(p->tok.text, text);
}

void pr_syntax(Parser *p, const char *what)
{
    if (p->tok.kind == TK_EOF)
        fatal(p->tok.loc, "%s near end of file", what);
    if (p->tok.kind == TK_STR)
        fatal(p->tok.loc, "%s near '\"%s\"'", what, p->tok.text);
    fatal(p->tok.loc, "%s near '%s'", what, p->tok.text);
}

void pr_expect(Parser *p, const char *text)
{
    if (!pr_is(p, text)) {
        char *m = xasprintf("expected '%s'", text);
        pr_syntax(p, m);
    }
    pr_next(p);
}

int pr_accept(Parser *p, const char *text)
{
    if (pr_is(p, text)) {
        pr_next(p);
        return 1;
    }
    return 0;
}

char *pr_ident(Parser *p, const char *what)
{
    if (p->tok.kind != TK_IDENT) {
        char *m = xasprintf("expected %s", what);
        pr_syntax(p, m);
    }
    char *s = p->tok.text;
    pr_next(p);
    return s;
}

/* Keywords that can never be identifiers here. */
static void check_unsupported_keyword(Parser *p)
{
    if (p->tok.kind != TK_IDENT)
        return;
    const char *t = p->tok.text;
    if (!strcmp(t, "pipe"))
        fatal(p->tok.loc, "'pipe' is only allowed as 'typedef pipe TYPE NAME;'");
    if (!strcmp(t, "importlib"))
        fatal(p->tok.loc, "'importlib' (type libraries) is not supported");
    if (!strcmp(t, "library") || !strcmp(t, "coclass") || !strcmp(t, "dispinterface") ||
        !strcmp(t, "module"))
        fatal(p->tok.loc, "'%s' is not supported", t);
    if (!strcmp(t, "sizeof"))
        fatal(p->tok.loc, "'sizeof' in expressions is not supported yet");
}

/* ---------------------------------------------------------- expressions */
static Expr *new_expr(int kind, Loc loc)
{
    Expr *e = xmalloc(sizeof *e);
    e->kind = kind;
    e->loc = loc;
    return e;
}

static Expr *parse_expr(Parser *p);

static Expr *parse_primary(Parser *p)
{
    Token t = p->tok;
    check_unsupported_keyword(p);
    if (t.kind == TK_NUM) {
        Expr *e = new_expr(EX_NUM, t.loc);
        e->text = t.text;
        char *end;
        e->num = strtoll(t.text, &end, 0);
        while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
            end++;
        if (*end && strchr(t.text, '.'))
            e->num = (long long)strtod(t.text, &end);  /* version(1.0), float constants */
        else if (*end)
            fatal(t.loc, "invalid integer constant near '%s'", t.text);
        pr_next(p);
        return e;
    }
    if (t.kind == TK_IDENT) {
        Expr *e = new_expr(EX_NAME, t.loc);
        e->text = t.text;
        if (!strcmp(t.text, "TRUE") || !strcmp(t.text, "FALSE")) {
            e->kind = EX_NUM;
            e->num = t.text[0] == 'T';
        }
        pr_next(p);
        return e;
    }
    if (t.kind == TK_STR) {
        Expr *e = new_expr(EX_STR, t.loc);
        e->text = t.text;
        pr_next(p);
        return e;
    }
    if (t.kind == TK_CHAR) {
        Expr *e = new_expr(EX_CHAR, t.loc);
        e->text = t.text;
        pr_next(p);
        return e;
    }
    if (pr_accept(p, "(")) {
        Expr *e = parse_expr(p);
        pr_expect(p, ")");
        return e;
    }
    pr_syntax(p, "expected an expression");
}

static Expr *parse_unary(Parser *p)
{
    if (pr_is(p, "-") || pr_is(p, "+") || pr_is(p, "~") || pr_is(p, "!") || pr_is(p, "*") || pr_is(p, "&")) {
        Expr *e = new_expr(EX_UNARY, p->tok.loc);
        e->text = p->tok.text;
        pr_next(p);
        e->a = parse_unary(p);
        return e;
    }
    return parse_primary(p);
}

static const char *binops[][6] = {
    {"||", NULL}, {"&&", NULL}, {"|", NULL}, {"^", NULL}, {"&", NULL},
    {"==", "!=", NULL}, {"<", ">", "<=", ">=", NULL}, {"<<", ">>", NULL},
    {"+", "-", NULL}, {"*", "/", "%", NULL},
};

static Expr *parse_binary(Parser *p, int level)
{
    if (level == (int)(sizeof binops / sizeof binops[0]))
        return parse_unary(p);
    Expr *l = parse_binary(p, level + 1);
    for (;;) {
        const char *op = NULL;
        if (p->tok.kind == TK_PUNCT)
            for (int i = 0; binops[level][i]; i++)
                if (!strcmp(p->tok.text, binops[level][i]))
                    op = binops[level][i];
        if (!op)
            return l;
        Expr *e = new_expr(EX_BINARY, p->tok.loc);
        e->text = (char *)op;
        pr_next(p);
        e->a = l;
        e->b = parse_binary(p, level + 1);
        l = e;
    }
}

static Expr *parse_expr(Parser *p)
{
    Expr *c = parse_binary(p, 0);
    if (pr_is(p, "?")) {
        Expr *e = new_expr(EX_COND, p->tok.loc);
        pr_next(p);
        e->a = c;
        e->b = parse_expr(p);
        pr_expect(p, ":");
        e->c = parse_expr(p);
        return e;
    }
    return c;
}

/* ---------------------------------------------------------- attributes */
static Type *parse_type(Parser *p);

int attr_is_conversion(const char *name)
{
    return !strcmp(name, "transmit_as") || !strcmp(name, "represent_as") || !strcmp(name, "wire_marshal") ||
           !strcmp(name, "user_marshal");
}

void reject_conversion(Attr *a)
{
    fatal(a->loc, "[%s] is not supported: asyncrpc-idl generates no calls to user conversion or "
                  "marshalling routines (transmit the type itself)", a->name);
}

/* the argument tokens of an attribute whose argument is not an expression,
 * up to the matching ')' */
static void skip_balanced(Parser *p)
{
    int depth = 0;
    for (;;) {
        if (p->tok.kind == TK_EOF)
            pr_syntax(p, "expected ')'");
        if (pr_is(p, "("))
            depth++;
        else if (pr_is(p, ")") && depth-- == 0)
            return;
        pr_next(p);
    }
}

Attr *parse_attrs(Parser *p)
{
    Attr *head = NULL, **tail = &head;
    while (pr_is(p, "[")) {
        pr_next(p);
        if (pr_accept(p, "]"))
            continue;
        for (;;) {
            if (p->tok.kind != TK_IDENT)
                pr_syntax(p, "expected an attribute");
            Attr *a = xmalloc(sizeof *a);
            a->name = p->tok.text;
            a->loc = p->tok.loc;
            pr_next(p);
            if (pr_is(p, "(")) {
                if (!strcmp(a->name, "uuid")) {
                    /* read raw, the uuid is not made of tokens */
                    Loc l;
                    a->raw = lexer_raw_until_paren(p->lx, &l);
                    pr_next(p);
                    pr_expect(p, ")");
                } else if (!strcmp(a->name, "implicit_handle")) {
                    pr_next(p);
                    char *ty = pr_ident(p, "a handle type");
                    pr_accept(p, "*");
                    char *nm = pr_ident(p, "a handle name");
                    a->raw = xasprintf("%s %s", ty, nm);
                    pr_expect(p, ")");
                } else if (!strcmp(a->name, "switch_type")) {
                    pr_next(p);
                    a->type = parse_type(p);
                    pr_expect(p, ")");
                } else if (attr_is_conversion(a->name) || !strcmp(a->name, "optimize") ||
                           !strcmp(a->name, "allocate")) {
                    pr_next(p);
                    skip_balanced(p);
                    pr_expect(p, ")");
                } else {
                    pr_next(p);
                    if (!pr_is(p, ")"))
                        for (;;) {
                            Expr *e;
                            if (pr_is(p, ",") || pr_is(p, ")")) {
                                e = new_expr(EX_NAME, p->tok.loc);
                                e->text = "";
                            } else {
                                e = parse_expr(p);
                            }
                            VEC_PUSH(a->args, a->nargs, e);
                            if (!pr_accept(p, ","))
                                break;
                        }
                    pr_expect(p, ")");
                }
            }
            *tail = a;
            tail = &a->next;
            if (pr_accept(p, "]"))
                break;
            pr_expect(p, ",");
        }
    }
    return head;
}

Attr *find_attr(Attr *a, const char *name)
{
    for (; a; a = a->next)
        if (!strcmp(a->name, name))
            return a;
    return NULL;
}

static Expr *single_arg(Attr *a)
{
    if (a->nargs < 1 || (a->args[0]->kind == EX_NAME && !*a->args[0]->text))
        fatal(a->loc, "[%s] needs an argument", a->name);
    if (a->nargs > 1)
        fatal(a->loc, "multi-dimensional [%s] is not supported yet", a->name);
    return a->args[0];
}

/* Attributes of a parameter (is_param), struct field or union arm member
 * (the arm's case/default were taken off the list). */
static void analyze_field(Field *f, int is_param)
{
    f->is_param = is_param;
    for (Attr *a = f->attrs; a; a = a->next) {
        const char *n = a->name;
        if (is_param && !strcmp(n, "in")) f->in = 1;
        else if (is_param && !strcmp(n, "out")) f->out = 1;
        else if (!strcmp(n, "ref")) f->ptr_kind = PTR_REF;
        else if (!strcmp(n, "unique")) f->ptr_kind = PTR_UNIQUE;
        else if (!strcmp(n, "ptr")) f->ptr_kind = PTR_FULL;
        else if (!strcmp(n, "string")) f->string = 1;
        else if (!strcmp(n, "size_is")) f->size_is = single_arg(a);
        else if (!strcmp(n, "max_is")) f->max_is = single_arg(a);
        else if (!strcmp(n, "length_is")) f->length_is = single_arg(a);
        else if (!strcmp(n, "first_is")) f->first_is = single_arg(a);
        else if (!strcmp(n, "last_is")) f->last_is = single_arg(a);
        else if (!strcmp(n, "switch_is")) f->switch_is = single_arg(a);
        else if (!strcmp(n, "switch_type")) f->switch_type = a->type;
        else if (!strcmp(n, "range")) {
            if (a->nargs != 2 || (a->args[0]->kind == EX_NAME && !*a->args[0]->text) ||
                (a->args[1]->kind == EX_NAME && !*a->args[1]->text))
                fatal(a->loc, "[range] needs two values: range(low, high)");
            f->range_lo = a->args[0];
            f->range_hi = a->args[1];
        } else if (!strcmp(n, "context_handle")) {
            if (!is_param)
                fatal(a->loc, "context handles can only be parameters ('%s' is a member)", f->name);
            f->context_handle = 1;
        } else if (is_param && !strcmp(n, "comm_status")) f->comm_status = 1;
        else if (is_param && !strcmp(n, "fault_status")) f->fault_status = 1;
        else if (attr_is_conversion(n)) reject_conversion(a);
        else if (!strcmp(n, "case") || !strcmp(n, "default"))
            fatal(a->loc, "[%s] applies to the members of a union", n);
        else if (!strcmp(n, "helpstring") || !strcmp(n, "public")) {}
        else
            fatal(a->loc, "[%s] is not supported yet", n);
    }
    if (is_param && !f->in && !f->out)
        f->in = 1;
}

/* ---------------------------------------------------------------- types */
static Type *new_type(int kind, Loc loc)
{
    Type *t = xmalloc(sizeof *t);
    t->kind = kind;
    t->loc = loc;
    return t;
}

static Type *base_type(int base, const char *spell, Loc loc)
{
    Type *t = new_type(TY_BASE, loc);
    t->base = base;
    t->spell = spell;
    return t;
}

static void parse_struct_body(Parser *p, Struct *s);
static void parse_enum_body(Parser *p, Enum *e);
static Type *parse_union(Parser *p, Loc loc);

static Type *parse_type(Parser *p)
{
    int is_const = 0, sign = 0; /* 1 unsigned, 2 signed */
    Loc loc = p->tok.loc;
    for (;;) {
        if (pr_accept(p, "const")) is_const = 1;
        else if (pr_is(p, "unsigned")) { loc = p->tok.loc; pr_next(p); sign = 1; }
        else if (pr_is(p, "signed")) { loc = p->tok.loc; pr_next(p); sign = 2; }
        else break;
    }
    check_unsupported_keyword(p);
    Type *t = NULL;
    const char *w = p->tok.kind == TK_IDENT ? p->tok.text : "";
    if (!sign || p->tok.kind == TK_IDENT)
        loc = p->tok.loc;
#define KW(s) (!strcmp(w, s))
    if (KW("char")) {
        pr_next(p);
        t = sign == 1 ? base_type(B_UCHAR, "unsigned char", loc)
                      : base_type(B_CHAR, sign == 2 ? "signed char" : "char", loc);
    } else if (KW("small")) {
        pr_next(p);
        t = sign == 1 ? base_type(B_USMALL, "unsigned small", loc) : base_type(B_SMALL, "small", loc);
    } else if (KW("short")) {
        pr_next(p);
        pr_accept(p, "int");
        t = sign == 1 ? base_type(B_USHORT, "unsigned short", loc) : base_type(B_SHORT, "short", loc);
    } else if (KW("long")) {
        pr_next(p);
        if (pr_is(p, "long"))
            fatal(p->tok.loc, "'long long' is not an IDL type; use hyper");
        pr_accept(p, "int");
        t = sign == 1 ? base_type(B_ULONG, "unsigned long", loc) : base_type(B_LONG, "long", loc);
    } else if (KW("int")) {
        pr_next(p);
        t = sign == 1 ? base_type(B_UINT, "unsigned int", loc) : base_type(B_INT, "int", loc);
    } else if (KW("hyper") || KW("__int64")) {
        pr_next(p);
        t = sign == 1 ? base_type(B_UHYPER, "MIDL_uhyper", loc) : base_type(B_HYPER, "hyper", loc);
    } else if (KW("__int3264") || KW("__int32") || KW("__int8") || KW("__int16")) {
        fatal(loc, "'%s' is not supported yet", w);
    } else if (sign) {
        t = sign == 1 ? base_type(B_UINT, "unsigned int", loc) : base_type(B_INT, "int", loc);
    } else if (KW("boolean")) { pr_next(p); t = base_type(B_BOOLEAN, "boolean", loc); }
    else if (KW("byte")) { pr_next(p); t = base_type(B_BYTE, "byte", loc); }
    else if (KW("float")) { pr_next(p); t = base_type(B_FLOAT, "float", loc); }
    else if (KW("double")) { pr_next(p); t = base_type(B_DOUBLE, "double", loc); }
    else if (KW("wchar_t")) { pr_next(p); t = base_type(B_WCHAR, "wchar_t", loc); }
    else if (KW("handle_t")) { pr_next(p); t = base_type(B_HANDLE, "handle_t", loc); }
    else if (KW("error_status_t")) { pr_next(p); t = base_type(B_ERROR_STATUS, "error_status_t", loc); }
    else if (KW("void")) { pr_next(p); t = base_type(B_VOID, "void", loc); }
    else if (KW("struct")) {
        pr_next(p);
        Struct *s = NULL;
        if (p->tok.kind == TK_IDENT) {
            Loc tl = p->tok.loc;
            char *tag = pr_ident(p, "a struct tag");
            s = find_struct(tag);
            if (!s) {
                s = xmalloc(sizeof *s);
                s->tag = tag;
                s->cname = tag;
                s->loc = tl;
                register_struct(s);
            }
        } else {
            s = xmalloc(sizeof *s);
            s->loc = loc;
            s->cname = xasprintf("__MIDL_struct_%d", ++anon);
            register_struct(s);
        }
        if (pr_is(p, "{") && p->in_pipe)
            fatal(p->tok.loc, "define the element struct of a pipe before the pipe typedef "
                              "(no struct body in 'typedef pipe')");
        if (pr_is(p, "{")) {
            if (s->defined)
                fatal(p->tok.loc, "struct '%s' is defined twice", s->tag);
            parse_struct_body(p, s);
        } else if (!s->tag) {
            pr_syntax(p, "expected '{'");
        }
        t = new_type(TY_STRUCT, loc);
        t->st = s;
    } else if (KW("enum")) {
        pr_next(p);
        Enum *e = NULL;
        if (p->tok.kind == TK_IDENT) {
            char *tag = pr_ident(p, "an enum tag");
            e = find_enum(tag);
            if (!e) {
                e = xmalloc(sizeof *e);
                e->tag = tag;
                register_enum(e);
            }
        } else {
            e = xmalloc(sizeof *e);
            register_enum(e);
        }
        if (pr_is(p, "{") && p->in_pipe)
            fatal(p->tok.loc, "define the element enum of a pipe before the pipe typedef "
                              "(no enum body in 'typedef pipe')");
        if (pr_is(p, "{"))
            parse_enum_body(p, e);
        else if (!e->tag)
            pr_syntax(p, "expected '{'");
        t = new_type(TY_ENUM, loc);
        t->en = e;
    } else if (KW("union")) {
        pr_next(p);
        t = parse_union(p, loc);
    } else if (p->tok.kind == TK_IDENT) {
        Typedef *td = find_typedef(w);
        if (!td)
            fatal(loc, "unknown type '%s'", w);
        pr_next(p);
        t = new_type(TY_NAMED, loc);
        t->td = td;
    } else {
        pr_syntax(p, "expected a type");
    }
#undef KW
    if (pr_accept(p, "const"))
        is_const = 1;
    t->is_const = is_const;
    return t;
}

/* '*'... NAME dims; *name may be NULL when no name is allowed. */
static Type *parse_declarator(Parser *p, Type *base, char **name, Loc *nloc, int need_name)
{
    Type *t = base;
    while (pr_is(p, "*")) {
        Type *q = new_type(TY_PTR, p->tok.loc);
        pr_next(p);
        q->sub = t;
        t = q;
        while (pr_accept(p, "const")) {}
        if (pr_is(p, "__RPC_FAR") || pr_is(p, "__RPC_USER"))
            pr_next(p);
    }
    if (pr_is(p, "("))
        fatal(p->tok.loc, "function pointers are not supported yet");
    *name = NULL;
    *nloc = p->tok.loc;
    if (p->tok.kind == TK_IDENT) {
        check_unsupported_keyword(p);
        *name = p->tok.text;
        pr_next(p);
    } else if (need_name) {
        pr_syntax(p, "expected a name");
    }
    Expr *dims[8];
    int nd = 0;
    Loc dloc[8];
    while (pr_is(p, "[")) {
        dloc[nd] = p->tok.loc;
        pr_next(p);
        Expr *d = NULL;
        if (pr_is(p, "*")) {
            pr_next(p);
        } else if (!pr_is(p, "]")) {
            d = parse_expr(p);
            long long v;
            if (!expr_eval(d, &v))
                fatal(d->loc, "array size is not a constant");
            if (v <= 0)
                fatal(d->loc, "array size must be positive");
        }
        pr_expect(p, "]");
        if (nd == 8)
            fatal(dloc[nd - 1], "too many array dimensions");
        if (!d && nd > 0)
            fatal(dloc[nd], "only the first array dimension can be conformant");
        dims[nd++] = d;
    }
    for (int i = nd - 1; i >= 0; i--) {
        Type *a = new_type(TY_ARRAY, dloc[i]);
        a->sub = t;
        a->dim = dims[i];
        t = a;
    }
    return t;
}

static void parse_struct_body(Parser *p, Struct *s)
{
    pr_expect(p, "{");
    while (!pr_accept(p, "}")) {
        Attr *attrs = parse_attrs(p);
        Type *bt = parse_type(p);
        for (;;) {
            Field *f = xmalloc(sizeof *f);
            f->attrs = attrs;
            f->type = parse_declarator(p, bt, &f->name, &f->loc, 1);
            analyze_field(f, 0);
            Typedef *pt = type_find_pipe(f->type);
            if (pt)
                fatal(f->loc, "pipe type '%s' cannot be a member of a structure (pipes are parameters only)",
                      pt->name);
            for (int i = 0; i < s->nfields; i++)
                if (!strcmp(s->fields[i]->name, f->name))
                    fatal(f->loc, "duplicate field '%s'", f->name);
            VEC_PUSH(s->fields, s->nfields, f);
            if (!pr_accept(p, ","))
                break;
        }
        pr_expect(p, ";");
    }
    if (!s->nfields)
        fatal(s->loc, "empty structures are not allowed");
    s->defined = 1;
    s->imported = p->imported;
}

/* ---------------------------------------------------------------- unions */
static Field *parse_member(Parser *p, Attr *attrs)
{
    Field *f = xmalloc(sizeof *f);
    f->attrs = attrs;
    Type *bt = parse_type(p);
    f->type = parse_declarator(p, bt, &f->name, &f->loc, 1);
    if (pr_is(p, ","))
        fatal(p->tok.loc, "a union arm has one member ('%s')", f->name);
    analyze_field(f, 0);
    Typedef *pt = type_find_pipe(f->type);
    if (pt)
        fatal(f->loc, "pipe type '%s' cannot be a member of a union (pipes are parameters only)", pt->name);
    return f;
}

static void add_arm(Union *u, Arm *arm)
{
    if (arm->field)
        for (int i = 0; i < u->narms; i++)
            if (u->arms[i]->field && !strcmp(u->arms[i]->field->name, arm->field->name))
                fatal(arm->field->loc, "duplicate member '%s'", arm->field->name);
    VEC_PUSH(u->arms, u->narms, arm);
}

/* the members of a non-encapsulated union: [case(...)] or [default] member */
static void parse_union_body(Parser *p, Union *u)
{
    pr_expect(p, "{");
    while (!pr_accept(p, "}")) {
        Arm *arm = xmalloc(sizeof *arm);
        arm->loc = p->tok.loc;
        Attr *attrs = parse_attrs(p), *rest = NULL, **tail = &rest;
        for (Attr *a = attrs, *nx; a; a = nx) {
            nx = a->next;
            a->next = NULL;
            if (!strcmp(a->name, "case")) {
                if (!a->nargs || (a->args[0]->kind == EX_NAME && !*a->args[0]->text))
                    fatal(a->loc, "[case] needs at least one value");
                for (int i = 0; i < a->nargs; i++)
                    VEC_PUSH(arm->cases, arm->ncases, a->args[i]);
            } else if (!strcmp(a->name, "default")) {
                arm->is_default = 1;
            } else {
                *tail = a;
                tail = &a->next;
            }
        }
        if (!arm->ncases && !arm->is_default)
            fatal(arm->loc, "a member of a union needs [case(...)] or [default]");
        if (!pr_accept(p, ";")) {
            arm->field = parse_member(p, rest);
            pr_expect(p, ";");
        } else if (rest) {
            fatal(rest->loc, "[%s] on an empty union arm", rest->name);
        }
        add_arm(u, arm);
    }
    u->defined = 1;
    u->imported = p->imported;
}

/* after 'switch': (TYPE NAME) [ARMNAME] { case V: [case W:] member; ... } -
 * a structure of the discriminant and a union of the arms, as MIDL
 * declares it (the arms' field is named tagged_union when unnamed) */
static void parse_encapsulated_body(Parser *p, Struct *s)
{
    pr_expect(p, "switch");
    pr_expect(p, "(");
    Field *disc = xmalloc(sizeof *disc);
    Type *dt = parse_type(p);
    disc->type = parse_declarator(p, dt, &disc->name, &disc->loc, 1);
    pr_expect(p, ")");
    Union *u = xmalloc(sizeof *u);
    u->encapsulated = 1;
    u->loc = s->loc;
    u->cname = xasprintf("__MIDL_union_%d", ++anon);
    Field *uf = xmalloc(sizeof *uf);
    uf->loc = p->tok.loc;
    uf->name = p->tok.kind == TK_IDENT ? pr_ident(p, "a union name") : "tagged_union";
    if (!strcmp(uf->name, disc->name))
        fatal(uf->loc, "duplicate field '%s'", uf->name);
    uf->type = new_type(TY_UNION, uf->loc);
    uf->type->un = u;
    uf->switch_is = xmalloc(sizeof *uf->switch_is);
    uf->switch_is->kind = EX_NAME;
    uf->switch_is->text = disc->name;
    uf->switch_is->loc = disc->loc;
    uf->switch_type = disc->type;
    pr_expect(p, "{");
    Arm *arm = NULL;
    while (!pr_accept(p, "}")) {
        if (!arm) {
            arm = xmalloc(sizeof *arm);
            arm->loc = p->tok.loc;
        }
        if (pr_accept(p, "case")) {
            VEC_PUSH(arm->cases, arm->ncases, parse_expr(p));
            pr_expect(p, ":");
            continue;
        }
        if (pr_accept(p, "default")) {
            arm->is_default = 1;
            pr_expect(p, ":");
            continue;
        }
        if (!arm->ncases && !arm->is_default)
            pr_syntax(p, "expected 'case' or 'default'");
        if (!pr_accept(p, ";")) {
            arm->field = parse_member(p, parse_attrs(p));
            pr_expect(p, ";");
        }
        add_arm(u, arm);
        arm = NULL;
    }
    if (arm)
        fatal(arm->loc, "a case of a union needs a member (or ';' for an empty arm)");
    u->defined = 1;
    u->imported = p->imported;
    VEC_PUSH(s->fields, s->nfields, disc);
    VEC_PUSH(s->fields, s->nfields, uf);
    s->defined = 1;
    s->imported = p->imported;
}

/* after 'union': a non-encapsulated union (its type) or an encapsulated
 * one (the structure holding it) */
static Type *parse_union(Parser *p, Loc loc)
{
    char *tag = NULL;
    Loc tl = loc;
    if (p->tok.kind == TK_IDENT && !pr_is(p, "switch")) {
        tl = p->tok.loc;
        tag = pr_ident(p, "a union tag");
    }
    if (p->in_pipe && (pr_is(p, "{") || pr_is(p, "switch")))
        fatal(loc, "the element type of a pipe cannot be a union");
    if (pr_is(p, "switch")) {
        Struct *s = tag ? find_struct(tag) : NULL;
        if (s && s->defined)
            fatal(tl, "struct '%s' is defined twice", tag);
        if (!s) {
            s = xmalloc(sizeof *s);
            s->tag = tag;
            s->cname = tag ? tag : xasprintf("__MIDL_struct_%d", ++anon);
            s->loc = tl;
            register_struct(s);
        }
        parse_encapsulated_body(p, s);
        Type *t = new_type(TY_STRUCT, loc);
        t->st = s;
        return t;
    }
    Union *u = tag ? find_union(tag) : NULL;
    if (!u) {
        u = xmalloc(sizeof *u);
        u->tag = tag;
        u->loc = tl;
        if (!tag)
            u->cname = xasprintf("__MIDL_union_%d", ++anon);
        register_union(u);
    }
    if (pr_is(p, "{")) {
        if (u->defined)
            fatal(p->tok.loc, "union '%s' is defined twice", tag);
        parse_union_body(p, u);
    } else if (!tag) {
        pr_syntax(p, "expected '{'");
    }
    Type *t = new_type(TY_UNION, loc);
    t->un = u;
    return t;
}

static void parse_enum_body(Parser *p, Enum *e)
{
    pr_expect(p, "{");
    while (!pr_is(p, "}")) {
        char *n = pr_ident(p, "an enumerator");
        Expr *v = NULL;
        if (pr_accept(p, "="))
            v = parse_expr(p);
        e->names = xrealloc(e->names, sizeof *e->names * (size_t)(e->n + 1));
        e->values = xrealloc(e->values, sizeof *e->values * (size_t)(e->n + 1));
        e->names[e->n] = n;
        e->values[e->n] = v;
        e->n++;
        if (!pr_accept(p, ","))
            break;
    }
    pr_expect(p, "}");
    e->defined = 1;
    e->imported = p->imported;
}

/* ---------------------------------------------------------------- items */
static Item *new_item(int kind, Loc loc)
{
    Item *it = xmalloc(sizeof *it);
    it->kind = kind;
    it->loc = loc;
    return it;
}

static char *unescape_quote(const char *s)
{
    /* cpp_quote text: \" and \\ are unescaped, other escapes stay */
    char *d = xmalloc(strlen(s) + 1), *o = d;
    for (; *s; s++) {
        if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
            s++;
        *o++ = *s;
    }
    *o = 0;
    return d;
}

/* MIDL's rules for a pipe's element type (spec 3.1): base types, [v1_enum]
 * enums, structs (and typedefs of these), containing no pointer, no
 * conformant or varying array, no handle, no union. */
static void check_pipe_elem(Type *t, const char *pipe, Loc loc, const char *field, int depth)
{
    char *in = field ? xasprintf(" (field '%s')", field) : xstrdup("");
    Type *r = type_resolve(t);
    if (depth > 64)
        fatal(loc, "the element type of pipe '%s' is nested too deeply", pipe);
    switch (r->kind) {
    case TY_BASE:
        if (r->base == B_VOID)
            fatal(loc, "the element type of pipe '%s' cannot be void%s", pipe, in);
        if (r->base == B_HANDLE)
            fatal(loc, "the element type of pipe '%s' cannot be or contain a handle%s", pipe, in);
        break;
    case TY_ENUM:
        if (!r->en->defined)
            fatal(loc, "enum '%s' is not defined", r->en->tag ? r->en->tag : "");
        if (!enum_is_v1(t))
            fatal(loc, "the element type of pipe '%s' cannot be or contain a 16-bit enum%s; declare the enum [v1_enum]",
                  pipe, in);
        break;
    case TY_PTR:
        fatal(loc, "the element type of pipe '%s' cannot be or contain a pointer%s", pipe, in);
    case TY_UNION:
        fatal(loc, "the element type of pipe '%s' cannot be or contain a union%s", pipe, in);
    case TY_PIPE:
        fatal(loc, "the element type of pipe '%s' cannot be a pipe", pipe);
    case TY_ARRAY:
        if (!r->dim)
            fatal(loc, "the element type of pipe '%s' cannot be or contain a conformant array%s", pipe, in);
        check_pipe_elem(r->sub, pipe, loc, field, depth + 1);
        break;
    case TY_STRUCT:
        if (!r->st->defined)
            fatal(loc, "struct '%s' is not defined", r->st->tag ? r->st->tag : r->st->cname);
        for (int i = 0; i < r->st->nfields; i++) {
            Field *f = r->st->fields[i];
            if (f->size_is || f->max_is)
                fatal(loc, "the element type of pipe '%s' cannot be or contain a conformant array (field '%s')",
                      pipe, f->name);
            if (f->length_is || f->first_is || f->last_is || f->string)
                fatal(loc, "the element type of pipe '%s' cannot be or contain a varying array or string "
                           "(field '%s')",
                      pipe, f->name);
            check_pipe_elem(f->type, pipe, loc, f->name, depth + 1);
        }
        break;
    }
    free(in);
}

/* after 'typedef [attrs]': pipe TYPE NAME[, NAME...]; */
static void parse_pipe_typedef(Parser *p, Item ***items, int *nitems, Attr *attrs, Loc loc)
{
    for (Attr *a = attrs; a; a = a->next)
        if (strcmp(a->name, "public") && strcmp(a->name, "helpstring"))
            fatal(a->loc, "[%s] does not apply to a pipe typedef", a->name);
    pr_expect(p, "pipe");
    p->in_pipe = 1;
    Type *et = parse_type(p);
    p->in_pipe = 0;
    for (;;) {
        if (pr_is(p, "*"))
            fatal(p->tok.loc, "'*' in a pipe typedef: pipes of pointers and pointers to pipes are not allowed");
        Typedef *td = xmalloc(sizeof *td);
        td->attrs = attrs;
        td->loc = p->tok.loc;
        check_unsupported_keyword(p);
        td->name = pr_ident(p, "a pipe type name");
        if (pr_is(p, "["))
            fatal(p->tok.loc, "arrays of pipes are not allowed");
        if (find_typedef(td->name))
            fatal(td->loc, "type '%s' is defined twice", td->name);
        check_pipe_elem(et, td->name, td->loc, NULL, 0);
        Type *pt = new_type(TY_PIPE, td->loc);
        pt->sub = et;
        td->type = pt;
        register_typedef(td);
        Item *it = new_item(IT_TYPEDEF, loc);
        it->td = td;
        VEC_PUSH(*items, *nitems, it);
        if (!pr_accept(p, ","))
            break;
    }
    pr_expect(p, ";");
}

static void parse_typedef(Parser *p, Item ***items, int *nitems)
{
    Loc loc = p->tok.loc;
    pr_expect(p, "typedef");
    Attr *attrs = parse_attrs(p);
    if (pr_is(p, "pipe")) {
        parse_pipe_typedef(p, items, nitems, attrs, loc);
        return;
    }
    int v1 = 0, pk = PTR_DEFAULT, str = 0, ctx = 0, ms = 0;
    Attr *swt = NULL;
    for (Attr *a = attrs; a; a = a->next) {
        if (!strcmp(a->name, "v1_enum")) v1 = 1;
        else if (!strcmp(a->name, "ref")) pk = PTR_REF;
        else if (!strcmp(a->name, "unique")) pk = PTR_UNIQUE;
        else if (!strcmp(a->name, "ptr")) pk = PTR_FULL;
        else if (!strcmp(a->name, "string")) str = 1;
        else if (!strcmp(a->name, "public") || !strcmp(a->name, "helpstring")) {}
        else if (!strcmp(a->name, "context_handle")) ctx = 1;
        else if (!strcmp(a->name, "switch_type")) swt = a;
        else if (!strcmp(a->name, "ms_union")) ms = 1;
        else if (!strcmp(a->name, "handle"))
            fatal(a->loc, "[handle] (user-defined binding handles) is not supported yet");
        else if (attr_is_conversion(a->name))
            reject_conversion(a);
        else
            fatal(a->loc, "[%s] is not supported yet", a->name);
    }
    Type *bt = parse_type(p);
    if (v1 && type_resolve(bt)->kind != TY_ENUM)
        fatal(loc, "[v1_enum] applies to enums only");
    if ((swt || ms) && bt->kind != TY_UNION)
        fatal((swt ? swt : attrs)->loc, "[%s] applies to non-encapsulated unions",
              swt ? "switch_type" : "ms_union");
    if (swt)
        bt->un->switch_type = swt->type;
    if (ms)
        bt->un->ms_union = 1;
    int first = 1;
    for (;;) {
        Typedef *td = xmalloc(sizeof *td);
        td->attrs = attrs;
        td->v1_enum = v1;
        td->ptr_kind = pk;
        td->string = str;
        td->loc = loc;
        td->type = parse_declarator(p, bt, &td->name, &td->loc, 1);
        Typedef *pt = type_find_pipe(td->type);
        if (pt)
            fatal(td->loc, "pipe type '%s' cannot be used in a typedef (pipes are parameters only)", pt->name);
        if (find_typedef(td->name))
            fatal(td->loc, "type '%s' is defined twice", td->name);
        if (ctx && !type_is_ptr(td->type))
            fatal(td->loc, "context handle type '%s' must be a pointer type (e.g. 'typedef [context_handle] void *%s;')",
                  td->name, td->name);
        td->context_handle = ctx;
        td->imported = p->imported;
        if (bt->kind == TY_STRUCT && !bt->st->tag && first)
            bt->st->cname = td->name;
        if (bt->kind == TY_UNION && !bt->un->tag && first)
            bt->un->cname = td->name;
        register_typedef(td);
        Item *it = new_item(IT_TYPEDEF, loc);
        it->td = td;
        VEC_PUSH(*items, *nitems, it);
        first = 0;
        if (!pr_accept(p, ","))
            break;
    }
    pr_expect(p, ";");
}

static void parse_const(Parser *p, Item ***items, int *nitems)
{
    Loc loc = p->tok.loc;
    pr_expect(p, "const");
    Const *c = xmalloc(sizeof *c);
    c->type = parse_type(p);
    char *name;
    c->type = parse_declarator(p, c->type, &name, &c->loc, 1);
    c->name = name;
    if (type_find_pipe(c->type))
        fatal(c->loc, "a constant cannot be a pipe");
    pr_expect(p, "=");
    c->value = parse_expr(p);
    pr_expect(p, ";");
    if (find_const(c->name))
        fatal(c->loc, "constant '%s' is defined twice", c->name);
    register_const(c);
    Item *it = new_item(IT_CONST, loc);
    it->cn = c;
    VEC_PUSH(*items, *nitems, it);
}

static Func *parse_function_rest(Parser *p, Attr *attrs, Type *ret, char *name, Loc nloc)
{
    Func *fn = xmalloc(sizeof *fn);
    fn->name = name;
    fn->loc = nloc;
    fn->ret = ret;
    fn->attrs = attrs;
    fn->handle_param = -1;
    if (type_find_pipe(ret))
        fatal(nloc, "procedure '%s' cannot return a pipe (pipes are parameters only)", name);
    for (Attr *a = attrs; a; a = a->next) {
        if (!strcmp(a->name, "helpstring") || !strcmp(a->name, "idempotent")) {}
        else if (!strcmp(a->name, "async"))
            fatal(a->loc, "[async] is an ACF attribute: write '[async] %s();' in the ACF", name);
        else if (!strcmp(a->name, "callback"))
            fatal(a->loc, "callbacks are not supported ([callback] procedure '%s')", name);
        else if (!strcmp(a->name, "context_handle")) fn->ret_context = 1;
        else if (!strcmp(a->name, "comm_status")) fn->comm_status = 1;
        else if (!strcmp(a->name, "fault_status")) fn->fault_status = 1;
        else if (!strcmp(a->name, "explicit_handle")) fn->explicit_handle = 1;
        else if (attr_is_conversion(a->name)) reject_conversion(a);
        else
            fatal(a->loc, "[%s] is not supported yet", a->name);
    }
    pr_expect(p, "(");
    if (pr_is(p, "void") && pr_peek(p)->kind == TK_PUNCT && !strcmp(pr_peek(p)->text, ")")) {
        pr_next(p);
    } else if (!pr_is(p, ")")) {
        for (;;) {
            if (pr_is(p, "."))
                fatal(p->tok.loc, "variable argument lists are not supported");
            Field *f = xmalloc(sizeof *f);
            f->attrs = parse_attrs(p);
            Type *bt = parse_type(p);
            f->type = parse_declarator(p, bt, &f->name, &f->loc, 1);
            analyze_field(f, 1);
            for (int i = 0; i < fn->nparams; i++)
                if (!strcmp(fn->params[i]->name, f->name))
                    fatal(f->loc, "duplicate parameter '%s'", f->name);
            VEC_PUSH(fn->params, fn->nparams, f);
            if (!pr_accept(p, ","))
                break;
        }
    }
    pr_expect(p, ")");
    pr_expect(p, ";");
    return fn;
}

static int parse_uuid(const char *s, Interface *itf)
{
    char buf[64];
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n -= 2;
    }
    if (n != 36)
        return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (buf[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)buf[i])) {
            return 0;
        }
    }
    itf->u1 = strtoul(buf, NULL, 16);
    itf->u2 = (unsigned)strtoul(buf + 9, NULL, 16);
    itf->u3 = (unsigned)strtoul(buf + 14, NULL, 16);
    for (int i = 0; i < 8; i++) {
        int off = i < 2 ? 19 + 2 * i : 24 + 2 * (i - 2);
        char h[3] = {buf[off], buf[off + 1], 0};
        itf->u4[i] = (unsigned char)strtoul(h, NULL, 16);
    }
    return 1;
}

static void interface_attrs(Interface *itf)
{
    itf->ptr_default = PTR_UNIQUE;
    for (Attr *a = itf->attrs; a; a = a->next) {
        const char *n = a->name;
        if (!strcmp(n, "uuid")) {
            if (!a->raw || !parse_uuid(a->raw, itf))
                fatal(a->loc, "malformed uuid");
            itf->has_uuid = 1;
        } else if (!strcmp(n, "version")) {
            if (a->nargs != 1 || a->args[0]->kind != EX_NUM)
                fatal(a->loc, "malformed version, expected version(major.minor)");
            const char *v = a->args[0]->text;
            char *end;
            unsigned long M = strtoul(v, &end, 10), m = 0;
            if (*end == '.')
                m = strtoul(end + 1, &end, 10);
            if (*end || M > 65535 || m > 65535)
                fatal(a->loc, "malformed version, expected version(major.minor)");
            itf->vmaj = (unsigned)M;
            itf->vmin = (unsigned)m;
        } else if (!strcmp(n, "pointer_default")) {
            const char *k = a->nargs == 1 && a->args[0]->kind == EX_NAME ? a->args[0]->text : "";
            if (!strcmp(k, "ref")) itf->ptr_default = PTR_REF;
            else if (!strcmp(k, "unique")) itf->ptr_default = PTR_UNIQUE;
            else if (!strcmp(k, "ptr")) itf->ptr_default = PTR_FULL;
            else fatal(a->loc, "pointer_default must be ref, unique or ptr");
        } else if (!strcmp(n, "endpoint")) {
            for (int i = 0; i < a->nargs; i++) {
                Expr *e = a->args[i];
                if (e->kind != EX_STR)
                    fatal(e->loc, "endpoint() expects strings");
                const char *s = e->text, *colon = strchr(s, ':');
                const char *lb = colon ? strchr(colon, '[') : NULL;
                const char *rb = lb ? strchr(lb, ']') : NULL;
                if (!colon || !lb || !rb)
                    fatal(e->loc, "malformed endpoint \"%s\", expected \"protseq:[endpoint]\"", s);
                const char *ee = lb + 1;
                while (ee < rb && *ee != ',')
                    ee++;
                char *ps = xstrndup(s, (size_t)(colon - s));
                char *ep = xstrndup(lb + 1, (size_t)(ee - lb - 1));
                itf->ep_protseq = xrealloc(itf->ep_protseq, sizeof(char *) * (size_t)(itf->nep + 1));
                itf->ep_name = xrealloc(itf->ep_name, sizeof(char *) * (size_t)(itf->nep + 1));
                itf->ep_protseq[itf->nep] = ps;
                itf->ep_name[itf->nep] = ep;
                itf->nep++;
            }
        } else if (!strcmp(n, "implicit_handle")) {
            char *sp = strchr(a->raw, ' ');
            if (strncmp(a->raw, "handle_t ", 9))
                fatal(a->loc, "implicit_handle of a user-defined handle type is not supported yet");
            itf->implicit_handle = xstrdup(sp + 1);
        } else if (!strcmp(n, "explicit_handle")) {
            itf->explicit_handle = 1;
        } else if (!strcmp(n, "local")) {
            itf->is_local = 1;
        } else if (!strcmp(n, "helpstring") || !strcmp(n, "strict_context_handle")) {
            /* strict_context_handle: a server only accepts context handles
             * its own interface created; not enforced (the runtime keeps one
             * table of handles per association) */
        } else if (!strcmp(n, "ms_union")) {
            itf->ms_union = 1;
        } else if (!strcmp(n, "object")) {
            fatal(a->loc, "object (COM) interfaces are not supported");
        } else if (!strcmp(n, "auto_handle")) {
            itf->auto_handle = 1;   /* rejected once the procedures are known */
            itf->auto_handle_loc = a->loc;
        } else if (!strcmp(n, "async")) {
            fatal(a->loc, "[async] is an ACF attribute: write '[async] interface %s { }' in the ACF", itf->name);
        } else {
            fatal(a->loc, "[%s] is not supported yet", n);
        }
    }
}

static void parse_interface_items(Parser *p, Interface *itf, Item ***items, int *nitems);

/* [auto_handle]: MIDL forbids it with pipes; asyncrpc has no endpoint
 * mapper (nor a name service) to find a server with. */
void reject_auto_handle(Interface *itf)
{
    for (int i = 0; i < itf->nfuncs; i++)
        for (int j = 0; j < itf->funcs[i]->nparams; j++)
            if (param_pipe(itf->funcs[i]->params[j]))
                fatal(itf->auto_handle_loc, "pipes cannot be used with [auto_handle] (procedure '%s')",
                      itf->funcs[i]->name);
    fatal(itf->auto_handle_loc, "[auto_handle] is not supported: there is no endpoint mapper to find the "
                                "server with; use [implicit_handle] or [explicit_handle]");
}

/* import "a.idl"[, "b.idl"]; - the definitions become known, the header
 * includes "a.h" (direct imports only, as MIDL) */
static void parse_import(Parser *p)
{
    pr_expect(p, "import");
    for (;;) {
        if (p->tok.kind != TK_STR)
            pr_syntax(p, "expected a file name");
        char *h = import_file(p->tok.text, p->tok.loc);
        int seen = 0;
        for (int i = 0; i < p->prog->nimports; i++)
            seen |= !strcmp(p->prog->imports[i], h);
        if (!seen)
            VEC_PUSH(p->prog->imports, p->prog->nimports, h);
        pr_next(p);
        if (!pr_accept(p, ","))
            break;
    }
    pr_expect(p, ";");
}

void parse_include(Parser *p, Item ***items, int *nitems)
{
    pr_expect(p, "include");
    for (;;) {
        if (p->tok.kind != TK_STR)
            pr_syntax(p, "expected a file name");
        Item *it = new_item(IT_INCLUDE, p->tok.loc);
        it->text = p->tok.text;
        VEC_PUSH(*items, *nitems, it);
        pr_next(p);
        if (!pr_accept(p, ","))
            break;
    }
    pr_expect(p, ";");
}

/* midl_pragma warning(disable: N ...): accepted, nothing to do (the
 * compiler has no numbered warnings) */
static void parse_midl_pragma(Parser *p)
{
    pr_expect(p, "midl_pragma");
    pr_ident(p, "a pragma name");
    pr_expect(p, "(");
    skip_balanced(p);
    pr_expect(p, ")");
    pr_accept(p, ";");
}

static int parse_item(Parser *p, Item ***items, int *nitems, Interface *itf)
{
    check_unsupported_keyword(p);
    if (pr_is(p, "cpp_quote")) {
        Loc loc = p->tok.loc;
        pr_next(p);
        pr_expect(p, "(");
        if (p->tok.kind != TK_STR)
            pr_syntax(p, "expected a string");
        Item *it = new_item(IT_CPPQUOTE, loc);
        it->text = unescape_quote(p->tok.text);
        pr_next(p);
        pr_expect(p, ")");
        pr_accept(p, ";");
        VEC_PUSH(*items, *nitems, it);
        return 1;
    }
    if (pr_is(p, "midl_pragma")) {
        parse_midl_pragma(p);
        return 1;
    }
    if (pr_is(p, "import")) {
        parse_import(p);
        return 1;
    }
    if (pr_is(p, "include")) {
        parse_include(p, items, nitems);
        return 1;
    }
    if (pr_is(p, "typedef")) {
        parse_typedef(p, items, nitems);
        return 1;
    }
    if (pr_is(p, "const")) {
        parse_const(p, items, nitems);
        return 1;
    }
    Attr *attrs = parse_attrs(p);
    check_unsupported_keyword(p);
    if (pr_is(p, "interface")) {
        if (itf)
            fatal(p->tok.loc, "nested interfaces are not allowed");
        pr_next(p);
        Interface *ni = xmalloc(sizeof *ni);
        ni->loc = p->tok.loc;
        ni->name = pr_ident(p, "an interface name");
        ni->attrs = attrs;
        if (pr_accept(p, ":"))
            fatal(p->prog->nitems ? p->tok.loc : p->tok.loc, "interface inheritance is not supported yet");
        if (pr_is(p, ";"))
            fatal(p->tok.loc, "forward interface declarations are not supported yet");
        interface_attrs(ni);
        if (!ni->has_uuid && !find_attr(attrs, "local"))
            fatal(ni->loc, "interface '%s' has no uuid attribute", ni->name);
        pr_expect(p, "{");
        parse_interface_items(p, ni, &ni->items, &ni->nitems);
        if (ni->auto_handle)
            reject_auto_handle(ni);
        pr_expect(p, "}");
        pr_accept(p, ";");
        Item *it = new_item(IT_INTERFACE, ni->loc);
        it->itf = ni;
        VEC_PUSH(*items, *nitems, it);
        VEC_PUSH(p->prog->ifaces, p->prog->nifaces, ni);
        return 1;
    }
    Loc loc = p->tok.loc;
    Type *bt = parse_type(p);
    if (pr_is(p, ";") && (bt->kind == TY_STRUCT || bt->kind == TY_ENUM || bt->kind == TY_UNION)) {
        if (bt->kind == TY_UNION && attrs && (!strcmp(attrs->name, "switch_type") || !strcmp(attrs->name, "ms_union"))) {
            for (Attr *a = attrs; a; a = a->next) {
                if (!strcmp(a->name, "switch_type"))
                    bt->un->switch_type = a->type;
                else if (!strcmp(a->name, "ms_union"))
                    bt->un->ms_union = 1;
                else
                    fatal(a->loc, "[%s] is not supported here", a->name);
            }
        } else if (attrs) {
            fatal(attrs->loc, "[%s] is not supported here", attrs->name);
        }
        pr_next(p);
        Item *it = new_item(bt->kind == TY_STRUCT ? IT_STRUCT : bt->kind == TY_ENUM ? IT_ENUM : IT_UNION, loc);
        it->st = bt->st;
        it->en = bt->en;
        it->un = bt->un;
        VEC_PUSH(*items, *nitems, it);
        return 1;
    }
    char *name;
    Loc nloc;
    Type *t = parse_declarator(p, bt, &name, &nloc, 1);
    if (!pr_is(p, "("))
        pr_syntax(p, "expected '('");
    if (!itf)
        fatal(nloc, "procedure '%s' outside an interface", name);
    Func *fn = parse_function_rest(p, attrs, t, name, nloc);
    for (int i = 0; i < itf->nfuncs; i++)
        if (!strcmp(itf->funcs[i]->name, name))
            fatal(nloc, "procedure '%s' is declared twice", name);
    fn->opnum = itf->nfuncs;
    VEC_PUSH(itf->funcs, itf->nfuncs, fn);
    Item *it = new_item(IT_FUNC, nloc);
    it->fn = fn;
    VEC_PUSH(*items, *nitems, it);
    return 1;
}

static void parse_interface_items(Parser *p, Interface *itf, Item ***items, int *nitems)
{
    while (!pr_is(p, "}")) {
        if (p->tok.kind == TK_EOF)
            pr_syntax(p, "expected '}'");
        parse_item(p, items, nitems, itf);
    }
}

Program *parse_idl(const char *text, const char *file, int imported)
{
    Parser p = {0};
    p.lx = lexer_new(text, file);
    p.prog = xmalloc(sizeof *p.prog);
    p.imported = imported;
    pr_next(&p);
    while (p.tok.kind != TK_EOF)
        parse_item(&p, &p.prog->items, &p.prog->nitems, NULL);
    return p.prog;
}

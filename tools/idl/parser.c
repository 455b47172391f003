/* parser.c - recursive-descent parser for the supported IDL subset and
 * for ACF files. */
#include "idl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct Parser {
    Lexer *lx;
    Token tok;      /* current */
    Token peek;
    int has_peek;
    Program *prog;
    int anon;
    int in_pipe;    /* parsing the element type of `typedef pipe` */
} Parser;

static void next(Parser *p)
{
    if (p->has_peek) {
        p->tok = p->peek;
        p->has_peek = 0;
    } else {
        p->tok = lexer_next(p->lx);
    }
}

static Token *peek(Parser *p)
{
    if (!p->has_peek) {
        p->peek = lexer_next(p->lx);
        p->has_peek = 1;
    }
    return &p->peek;
}

static int is(Parser *p, const char *text)
{
    return (p->tok.kind == TK_PUNCT || p->tok.kind == TK_IDENT) && !strcmp(p->tok.text, text);
}

__attribute__((noreturn)) static void syntax(Parser *p, const char *what)
{
    if (p->tok.kind == TK_EOF)
        fatal(p->tok.loc, "%s near end of file", what);
    if (p->tok.kind == TK_STR)
        fatal(p->tok.loc, "%s near '\"%s\"'", what, p->tok.text);
    fatal(p->tok.loc, "%s near '%s'", what, p->tok.text);
}

static void expect(Parser *p, const char *text)
{
    if (!is(p, text)) {
        char *m = xasprintf("expected '%s'", text);
        syntax(p, m);
    }
    next(p);
}

static int accept(Parser *p, const char *text)
{
    if (is(p, text)) {
        next(p);
        return 1;
    }
    return 0;
}

static char *ident(Parser *p, const char *what)
{
    if (p->tok.kind != TK_IDENT) {
        char *m = xasprintf("expected %s", what);
        syntax(p, m);
    }
    char *s = p->tok.text;
    next(p);
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
    if (!strcmp(t, "union"))
        fatal(p->tok.loc, "unions are not supported yet");
    if (!strcmp(t, "import") || !strcmp(t, "importlib"))
        fatal(p->tok.loc, "'%s' is not supported yet", t);
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
        next(p);
        return e;
    }
    if (t.kind == TK_IDENT) {
        Expr *e = new_expr(EX_NAME, t.loc);
        e->text = t.text;
        if (!strcmp(t.text, "TRUE") || !strcmp(t.text, "FALSE")) {
            e->kind = EX_NUM;
            e->num = t.text[0] == 'T';
        }
        next(p);
        return e;
    }
    if (t.kind == TK_STR) {
        Expr *e = new_expr(EX_STR, t.loc);
        e->text = t.text;
        next(p);
        return e;
    }
    if (t.kind == TK_CHAR) {
        Expr *e = new_expr(EX_CHAR, t.loc);
        e->text = t.text;
        next(p);
        return e;
    }
    if (accept(p, "(")) {
        Expr *e = parse_expr(p);
        expect(p, ")");
        return e;
    }
    syntax(p, "expected an expression");
}

static Expr *parse_unary(Parser *p)
{
    if (is(p, "-") || is(p, "+") || is(p, "~") || is(p, "!") || is(p, "*") || is(p, "&")) {
        Expr *e = new_expr(EX_UNARY, p->tok.loc);
        e->text = p->tok.text;
        next(p);
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
        next(p);
        e->a = l;
        e->b = parse_binary(p, level + 1);
        l = e;
    }
}

static Expr *parse_expr(Parser *p)
{
    Expr *c = parse_binary(p, 0);
    if (is(p, "?")) {
        Expr *e = new_expr(EX_COND, p->tok.loc);
        next(p);
        e->a = c;
        e->b = parse_expr(p);
        expect(p, ":");
        e->c = parse_expr(p);
        return e;
    }
    return c;
}

/* ---------------------------------------------------------- attributes */
static Attr *parse_attrs(Parser *p)
{
    Attr *head = NULL, **tail = &head;
    while (is(p, "[")) {
        next(p);
        if (accept(p, "]"))
            continue;
        for (;;) {
            if (p->tok.kind != TK_IDENT)
                syntax(p, "expected an attribute");
            Attr *a = xmalloc(sizeof *a);
            a->name = p->tok.text;
            a->loc = p->tok.loc;
            next(p);
            if (is(p, "(")) {
                if (!strcmp(a->name, "uuid")) {
                    /* read raw, the uuid is not made of tokens */
                    Loc l;
                    a->raw = lexer_raw_until_paren(p->lx, &l);
                    next(p);
                    expect(p, ")");
                } else if (!strcmp(a->name, "implicit_handle")) {
                    next(p);
                    char *ty = ident(p, "a handle type");
                    accept(p, "*");
                    char *nm = ident(p, "a handle name");
                    a->raw = xasprintf("%s %s", ty, nm);
                    expect(p, ")");
                } else {
                    next(p);
                    if (!is(p, ")"))
                        for (;;) {
                            Expr *e;
                            if (is(p, ",") || is(p, ")")) {
                                e = new_expr(EX_NAME, p->tok.loc);
                                e->text = "";
                            } else {
                                e = parse_expr(p);
                            }
                            VEC_PUSH(a->args, a->nargs, e);
                            if (!accept(p, ","))
                                break;
                        }
                    expect(p, ")");
                }
            }
            *tail = a;
            tail = &a->next;
            if (accept(p, "]"))
                break;
            expect(p, ",");
        }
    }
    return head;
}

static Attr *find_attr(Attr *a, const char *name)
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

/* Attributes of a parameter (is_param) or struct field. */
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
        else if (!strcmp(n, "context_handle"))
            fatal(a->loc, "context handles are not supported yet");
        else if (!strcmp(n, "switch_is") || !strcmp(n, "switch_type"))
            fatal(a->loc, "unions are not supported yet");
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

static Type *parse_type(Parser *p)
{
    int is_const = 0, sign = 0; /* 1 unsigned, 2 signed */
    Loc loc = p->tok.loc;
    for (;;) {
        if (accept(p, "const")) is_const = 1;
        else if (is(p, "unsigned")) { loc = p->tok.loc; next(p); sign = 1; }
        else if (is(p, "signed")) { loc = p->tok.loc; next(p); sign = 2; }
        else break;
    }
    check_unsupported_keyword(p);
    Type *t = NULL;
    const char *w = p->tok.kind == TK_IDENT ? p->tok.text : "";
    if (!sign || p->tok.kind == TK_IDENT)
        loc = p->tok.loc;
#define KW(s) (!strcmp(w, s))
    if (KW("char")) {
        next(p);
        t = sign == 1 ? base_type(B_UCHAR, "unsigned char", loc)
                      : base_type(B_CHAR, sign == 2 ? "signed char" : "char", loc);
    } else if (KW("small")) {
        next(p);
        t = sign == 1 ? base_type(B_USMALL, "unsigned small", loc) : base_type(B_SMALL, "small", loc);
    } else if (KW("short")) {
        next(p);
        accept(p, "int");
        t = sign == 1 ? base_type(B_USHORT, "unsigned short", loc) : base_type(B_SHORT, "short", loc);
    } else if (KW("long")) {
        next(p);
        if (is(p, "long"))
            fatal(p->tok.loc, "'long long' is not an IDL type; use hyper");
        accept(p, "int");
        t = sign == 1 ? base_type(B_ULONG, "unsigned long", loc) : base_type(B_LONG, "long", loc);
    } else if (KW("int")) {
        next(p);
        t = sign == 1 ? base_type(B_UINT, "unsigned int", loc) : base_type(B_INT, "int", loc);
    } else if (KW("hyper") || KW("__int64")) {
        next(p);
        t = sign == 1 ? base_type(B_UHYPER, "MIDL_uhyper", loc) : base_type(B_HYPER, "hyper", loc);
    } else if (KW("__int3264") || KW("__int32") || KW("__int8") || KW("__int16")) {
        fatal(loc, "'%s' is not supported yet", w);
    } else if (sign) {
        t = sign == 1 ? base_type(B_UINT, "unsigned int", loc) : base_type(B_INT, "int", loc);
    } else if (KW("boolean")) { next(p); t = base_type(B_BOOLEAN, "boolean", loc); }
    else if (KW("byte")) { next(p); t = base_type(B_BYTE, "byte", loc); }
    else if (KW("float")) { next(p); t = base_type(B_FLOAT, "float", loc); }
    else if (KW("double")) { next(p); t = base_type(B_DOUBLE, "double", loc); }
    else if (KW("wchar_t")) { next(p); t = base_type(B_WCHAR, "wchar_t", loc); }
    else if (KW("handle_t")) { next(p); t = base_type(B_HANDLE, "handle_t", loc); }
    else if (KW("error_status_t")) { next(p); t = base_type(B_ERROR_STATUS, "error_status_t", loc); }
    else if (KW("void")) { next(p); t = base_type(B_VOID, "void", loc); }
    else if (KW("struct")) {
        next(p);
        Struct *s = NULL;
        if (p->tok.kind == TK_IDENT) {
            Loc tl = p->tok.loc;
            char *tag = ident(p, "a struct tag");
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
            s->cname = xasprintf("__MIDL_struct_%d", ++p->anon);
            register_struct(s);
        }
        if (is(p, "{") && p->in_pipe)
            fatal(p->tok.loc, "define the element struct of a pipe before the pipe typedef "
                              "(no struct body in 'typedef pipe')");
        if (is(p, "{")) {
            if (s->defined)
                fatal(p->tok.loc, "struct '%s' is defined twice", s->tag);
            parse_struct_body(p, s);
        } else if (!s->tag) {
            syntax(p, "expected '{'");
        }
        t = new_type(TY_STRUCT, loc);
        t->st = s;
    } else if (KW("enum")) {
        next(p);
        Enum *e = NULL;
        if (p->tok.kind == TK_IDENT) {
            char *tag = ident(p, "an enum tag");
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
        if (is(p, "{") && p->in_pipe)
            fatal(p->tok.loc, "define the element enum of a pipe before the pipe typedef "
                              "(no enum body in 'typedef pipe')");
        if (is(p, "{"))
            parse_enum_body(p, e);
        else if (!e->tag)
            syntax(p, "expected '{'");
        t = new_type(TY_ENUM, loc);
        t->en = e;
    } else if (p->tok.kind == TK_IDENT) {
        if (!strcmp(w, "context_handle"))
            fatal(loc, "context handles are not supported yet");
        Typedef *td = find_typedef(w);
        if (!td)
            fatal(loc, "unknown type '%s'", w);
        next(p);
        t = new_type(TY_NAMED, loc);
        t->td = td;
    } else {
        syntax(p, "expected a type");
    }
#undef KW
    if (accept(p, "const"))
        is_const = 1;
    t->is_const = is_const;
    return t;
}

/* '*'... NAME dims; *name may be NULL when no name is allowed. */
static Type *parse_declarator(Parser *p, Type *base, char **name, Loc *nloc, int need_name)
{
    Type *t = base;
    while (is(p, "*")) {
        Type *q = new_type(TY_PTR, p->tok.loc);
        next(p);
        q->sub = t;
        t = q;
        while (accept(p, "const")) {}
        if (is(p, "__RPC_FAR") || is(p, "__RPC_USER"))
            next(p);
    }
    if (is(p, "("))
        fatal(p->tok.loc, "function pointers are not supported yet");
    *name = NULL;
    *nloc = p->tok.loc;
    if (p->tok.kind == TK_IDENT) {
        check_unsupported_keyword(p);
        *name = p->tok.text;
        next(p);
    } else if (need_name) {
        syntax(p, "expected a name");
    }
    Expr *dims[8];
    int nd = 0;
    Loc dloc[8];
    while (is(p, "[")) {
        dloc[nd] = p->tok.loc;
        next(p);
        Expr *d = NULL;
        if (is(p, "*")) {
            next(p);
        } else if (!is(p, "]")) {
            d = parse_expr(p);
            long long v;
            if (!expr_eval(d, &v))
                fatal(d->loc, "array size is not a constant");
            if (v <= 0)
                fatal(d->loc, "array size must be positive");
        }
        expect(p, "]");
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
    expect(p, "{");
    while (!accept(p, "}")) {
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
            if (!accept(p, ","))
                break;
        }
        expect(p, ";");
    }
    if (!s->nfields)
        fatal(s->loc, "empty structures are not allowed");
    s->defined = 1;
}

static void parse_enum_body(Parser *p, Enum *e)
{
    expect(p, "{");
    while (!is(p, "}")) {
        char *n = ident(p, "an enumerator");
        Expr *v = NULL;
        if (accept(p, "="))
            v = parse_expr(p);
        e->names = xrealloc(e->names, sizeof *e->names * (size_t)(e->n + 1));
        e->values = xrealloc(e->values, sizeof *e->values * (size_t)(e->n + 1));
        e->names[e->n] = n;
        e->values[e->n] = v;
        e->n++;
        if (!accept(p, ","))
            break;
    }
    expect(p, "}");
    e->defined = 1;
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
    expect(p, "pipe");
    p->in_pipe = 1;
    Type *et = parse_type(p);
    p->in_pipe = 0;
    for (;;) {
        if (is(p, "*"))
            fatal(p->tok.loc, "'*' in a pipe typedef: pipes of pointers and pointers to pipes are not allowed");
        Typedef *td = xmalloc(sizeof *td);
        td->attrs = attrs;
        td->loc = p->tok.loc;
        check_unsupported_keyword(p);
        td->name = ident(p, "a pipe type name");
        if (is(p, "["))
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
        if (!accept(p, ","))
            break;
    }
    expect(p, ";");
}

static void parse_typedef(Parser *p, Item ***items, int *nitems)
{
    Loc loc = p->tok.loc;
    expect(p, "typedef");
    Attr *attrs = parse_attrs(p);
    if (is(p, "pipe")) {
        parse_pipe_typedef(p, items, nitems, attrs, loc);
        return;
    }
    int v1 = 0, pk = PTR_DEFAULT, str = 0;
    for (Attr *a = attrs; a; a = a->next) {
        if (!strcmp(a->name, "v1_enum")) v1 = 1;
        else if (!strcmp(a->name, "ref")) pk = PTR_REF;
        else if (!strcmp(a->name, "unique")) pk = PTR_UNIQUE;
        else if (!strcmp(a->name, "ptr")) pk = PTR_FULL;
        else if (!strcmp(a->name, "string")) str = 1;
        else if (!strcmp(a->name, "public") || !strcmp(a->name, "helpstring")) {}
        else if (!strcmp(a->name, "context_handle"))
            fatal(a->loc, "context handles are not supported yet");
        else if (!strcmp(a->name, "switch_type"))
            fatal(a->loc, "unions are not supported yet");
        else if (!strcmp(a->name, "handle"))
            fatal(a->loc, "[handle] (user-defined binding handles) is not supported yet");
        else
            fatal(a->loc, "[%s] is not supported yet", a->name);
    }
    Type *bt = parse_type(p);
    if (v1 && type_resolve(bt)->kind != TY_ENUM)
        fatal(loc, "[v1_enum] applies to enums only");
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
        if (bt->kind == TY_STRUCT && !bt->st->tag && first)
            bt->st->cname = td->name;
        register_typedef(td);
        Item *it = new_item(IT_TYPEDEF, loc);
        it->td = td;
        VEC_PUSH(*items, *nitems, it);
        first = 0;
        if (!accept(p, ","))
            break;
    }
    expect(p, ";");
}

static void parse_const(Parser *p, Item ***items, int *nitems)
{
    Loc loc = p->tok.loc;
    expect(p, "const");
    Const *c = xmalloc(sizeof *c);
    c->type = parse_type(p);
    char *name;
    c->type = parse_declarator(p, c->type, &name, &c->loc, 1);
    c->name = name;
    if (type_find_pipe(c->type))
        fatal(c->loc, "a constant cannot be a pipe");
    expect(p, "=");
    c->value = parse_expr(p);
    expect(p, ";");
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
        else
            fatal(a->loc, "[%s] is not supported yet", a->name);
    }
    expect(p, "(");
    if (is(p, "void") && peek(p)->kind == TK_PUNCT && !strcmp(peek(p)->text, ")")) {
        next(p);
    } else if (!is(p, ")")) {
        for (;;) {
            if (is(p, "."))
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
            if (!accept(p, ","))
                break;
        }
    }
    expect(p, ")");
    expect(p, ";");
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
        } else if (!strcmp(n, "helpstring")) {
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

/* [auto_handle]: MIDL forbids it with pipes; the compiler has no
 * auto_handle support at all yet. */
__attribute__((noreturn)) static void reject_auto_handle(Interface *itf)
{
    for (int i = 0; i < itf->nfuncs; i++)
        for (int j = 0; j < itf->funcs[i]->nparams; j++)
            if (param_pipe(itf->funcs[i]->params[j]))
                fatal(itf->auto_handle_loc, "pipes cannot be used with [auto_handle] (procedure '%s')",
                      itf->funcs[i]->name);
    fatal(itf->auto_handle_loc, "[auto_handle] is not supported yet");
}

static int parse_item(Parser *p, Item ***items, int *nitems, Interface *itf)
{
    check_unsupported_keyword(p);
    if (is(p, "cpp_quote")) {
        Loc loc = p->tok.loc;
        next(p);
        expect(p, "(");
        if (p->tok.kind != TK_STR)
            syntax(p, "expected a string");
        Item *it = new_item(IT_CPPQUOTE, loc);
        it->text = unescape_quote(p->tok.text);
        next(p);
        expect(p, ")");
        accept(p, ";");
        VEC_PUSH(*items, *nitems, it);
        return 1;
    }
    if (is(p, "midl_pragma"))
        fatal(p->tok.loc, "'midl_pragma' is not supported yet");
    if (is(p, "typedef")) {
        parse_typedef(p, items, nitems);
        return 1;
    }
    if (is(p, "const")) {
        parse_const(p, items, nitems);
        return 1;
    }
    Attr *attrs = parse_attrs(p);
    check_unsupported_keyword(p);
    if (is(p, "interface")) {
        if (itf)
            fatal(p->tok.loc, "nested interfaces are not allowed");
        next(p);
        Interface *ni = xmalloc(sizeof *ni);
        ni->loc = p->tok.loc;
        ni->name = ident(p, "an interface name");
        ni->attrs = attrs;
        if (accept(p, ":"))
            fatal(p->prog->nitems ? p->tok.loc : p->tok.loc, "interface inheritance is not supported yet");
        if (is(p, ";"))
            fatal(p->tok.loc, "forward interface declarations are not supported yet");
        interface_attrs(ni);
        if (!ni->has_uuid && !find_attr(attrs, "local"))
            fatal(ni->loc, "interface '%s' has no uuid attribute", ni->name);
        expect(p, "{");
        parse_interface_items(p, ni, &ni->items, &ni->nitems);
        if (ni->auto_handle)
            reject_auto_handle(ni);
        expect(p, "}");
        accept(p, ";");
        Item *it = new_item(IT_INTERFACE, ni->loc);
        it->itf = ni;
        VEC_PUSH(*items, *nitems, it);
        VEC_PUSH(p->prog->ifaces, p->prog->nifaces, ni);
        return 1;
    }
    Loc loc = p->tok.loc;
    Type *bt = parse_type(p);
    if (is(p, ";") && (bt->kind == TY_STRUCT || bt->kind == TY_ENUM)) {
        if (attrs)
            fatal(attrs->loc, "[%s] is not supported here", attrs->name);
        next(p);
        Item *it = new_item(bt->kind == TY_STRUCT ? IT_STRUCT : IT_ENUM, loc);
        it->st = bt->st;
        it->en = bt->en;
        VEC_PUSH(*items, *nitems, it);
        return 1;
    }
    char *name;
    Loc nloc;
    Type *t = parse_declarator(p, bt, &name, &nloc, 1);
    if (!is(p, "("))
        syntax(p, "expected '('");
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
    while (!is(p, "}")) {
        if (p->tok.kind == TK_EOF)
            syntax(p, "expected '}'");
        parse_item(p, items, nitems, itf);
    }
}

Program *parse_idl(const char *text, const char *file)
{
    Parser p = {0};
    p.lx = lexer_new(text, file);
    p.prog = xmalloc(sizeof *p.prog);
    next(&p);
    while (p.tok.kind != TK_EOF)
        parse_item(&p, &p.prog->items, &p.prog->nitems, NULL);
    return p.prog;
}

/* ------------------------------------------------------------------ ACF */
void parse_acf(Program *prog, const char *text, const char *file)
{
    Parser p = {0};
    p.lx = lexer_new(text, file);
    p.prog = prog;
    next(&p);
    while (p.tok.kind != TK_EOF) {
        if (is(&p, "typedef"))
            fatal(p.tok.loc, "ACF typedef attributes are not supported yet");
        if (is(&p, "include") || is(&p, "import"))
            fatal(p.tok.loc, "'%s' in an ACF is not supported yet", p.tok.text);
        Attr *attrs = parse_attrs(&p);
        expect(&p, "interface");
        Loc nl = p.tok.loc;
        char *name = ident(&p, "an interface name");
        Interface *itf = NULL;
        for (int i = 0; i < prog->nifaces; i++)
            if (!strcmp(prog->ifaces[i]->name, name))
                itf = prog->ifaces[i];
        if (!itf)
            fatal(nl, "ACF interface '%s' is not in the IDL file", name);
        for (Attr *a = attrs; a; a = a->next) {
            if (!strcmp(a->name, "implicit_handle")) {
                if (strncmp(a->raw, "handle_t ", 9))
                    fatal(a->loc, "implicit_handle of a user-defined handle type is not supported yet");
                itf->implicit_handle = xstrdup(a->raw + 9);
            } else if (!strcmp(a->name, "explicit_handle")) {
                itf->explicit_handle = 1;
            } else if (!strcmp(a->name, "async")) {
                if (itf->is_local)
                    fatal(a->loc, "[async] does not apply to a [local] interface");
                for (int i = 0; i < itf->nfuncs; i++)
                    if (!itf->funcs[i]->is_async) {
                        itf->funcs[i]->is_async = 1;
                        itf->funcs[i]->async_loc = a->loc;
                    }
            } else if (!strcmp(a->name, "auto_handle")) {
                itf->auto_handle_loc = a->loc;
                reject_auto_handle(itf);
            } else {
                fatal(a->loc, "[%s] is not supported yet", a->name);
            }
        }
        expect(&p, "{");
        while (!accept(&p, "}")) {
            if (is(&p, "typedef"))
                fatal(p.tok.loc, "ACF typedef attributes are not supported yet");
            Attr *fa = parse_attrs(&p);
            Loc fl = p.tok.loc;
            char *fname = ident(&p, "a procedure name");
            Func *fn = NULL;
            for (int i = 0; i < itf->nfuncs; i++)
                if (!strcmp(itf->funcs[i]->name, fname))
                    fn = itf->funcs[i];
            if (!fn)
                fatal(fl, "ACF procedure '%s' is not in interface '%s'", fname, name);
            for (Attr *a = fa; a; a = a->next) {
                if (!strcmp(a->name, "async")) {
                    if (itf->is_local)
                        fatal(a->loc, "[async] does not apply to a [local] interface");
                    fn->is_async = 1;
                    fn->async_loc = a->loc;
                } else {
                    fatal(a->loc, "[%s] is not supported yet", a->name);
                }
            }
            expect(&p, "(");
            while (!is(&p, ")")) {
                Attr *pa = parse_attrs(&p);
                if (pa)
                    fatal(pa->loc, "[%s] is not supported yet", pa->name);
                ident(&p, "a parameter name");
                if (!accept(&p, ","))
                    break;
            }
            expect(&p, ")");
            expect(&p, ";");
        }
        accept(&p, ";");
    }
}

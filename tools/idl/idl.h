/* idl.h - asyncrpc-idl: the abstract syntax tree and the interfaces
 * between the compiler's parts (lexer, parser, preprocessor driver,
 * emitters).  The compiler stops at the first error (diagnostics are
 * "file:line:col: error: message"). */
#ifndef ASYNCRPC_IDL_H
#define ASYNCRPC_IDL_H

#include <stdarg.h>
#include <stdio.h>

/* ---------------------------------------------------------------- util.c */
typedef struct Loc {
    const char *file;
    int line, col;
} Loc;

void *xmalloc(size_t n);           /* zeroed; exits on failure */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Append to a NULL-terminated growable array of pointers. */
#define VEC_PUSH(arr, n, item)                                            \
    do {                                                                  \
        (arr) = xrealloc((arr), sizeof *(arr) * (size_t)((n) + 2));       \
        (arr)[(n)++] = (item);                                            \
        (arr)[(n)] = NULL;                                                \
    } while (0)

void fatal(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void fatal_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* -------------------------------------------------------------- preproc.c */
typedef struct PpOptions {
    const char *cpp;         /* default "cpp" */
    const char **args;       /* -I/-D/-U flags, already in cpp syntax */
    int nargs;
} PpOptions;
/* Runs the host preprocessor on `path` and returns its output (with line
 * markers); exits with an error when the preprocessor fails. */
char *preprocess(const PpOptions *o, const char *path);
/* The 1-based column of `tok` on line `line` of `file`, searching from
 * *cursor (a byte offset in that line, updated); 0 when not found. */
int source_column(const char *file, int line, const char *tok, int *cursor);

/* --------------------------------------------------------------- lexer.c */
enum { TK_EOF, TK_IDENT, TK_NUM, TK_STR, TK_CHAR, TK_PUNCT };

typedef struct Token {
    int kind;
    char *text;   /* identifier, number text, string contents (still escaped), punctuator */
    Loc loc;
} Token;

typedef struct Lexer Lexer;
Lexer *lexer_new(const char *text, const char *fallback_file);
Token lexer_next(Lexer *lx);
/* Raw text up to (not including) the next ')' - for uuid(...). */
char *lexer_raw_until_paren(Lexer *lx, Loc *loc);

/* ----------------------------------------------------------------- AST */
typedef struct Expr Expr;
enum { EX_NUM, EX_NAME, EX_STR, EX_CHAR, EX_UNARY, EX_BINARY, EX_COND };
struct Expr {
    int kind;
    long long num;      /* EX_NUM */
    char *text;         /* number text, name, string contents, operator */
    Expr *a, *b, *c;
    Loc loc;
};

typedef struct Attr Attr;
struct Attr {
    char *name;
    Expr **args;        /* NULL-terminated; an empty argument is an EX_NAME "" */
    int nargs;
    char *raw;          /* uuid text; implicit_handle "type name" */
    Loc loc;
    Attr *next;
};

enum BaseKind {
    B_VOID, B_BOOLEAN, B_BYTE, B_CHAR, B_UCHAR, B_SMALL, B_USMALL, B_SHORT, B_USHORT,
    B_LONG, B_ULONG, B_INT, B_UINT, B_HYPER, B_UHYPER, B_FLOAT, B_DOUBLE, B_WCHAR,
    B_HANDLE, B_ERROR_STATUS
};

typedef struct Type Type;
typedef struct Struct Struct;
typedef struct Enum Enum;
typedef struct Typedef Typedef;
typedef struct Field Field;

/* TY_PIPE: `typedef pipe T NAME;` - only ever the type of such a typedef
 * (sub = the element type T); everything else refers to it by name. */
enum { TY_BASE, TY_ENUM, TY_STRUCT, TY_NAMED, TY_PTR, TY_ARRAY, TY_PIPE };
enum { PTR_DEFAULT = 0, PTR_REF, PTR_UNIQUE, PTR_FULL };

struct Type {
    int kind;
    int base;           /* TY_BASE */
    const char *spell;  /* TY_BASE: C spelling ("unsigned long", "hyper", "MIDL_uhyper") */
    int is_const;
    Struct *st;         /* TY_STRUCT */
    Enum *en;           /* TY_ENUM */
    Typedef *td;        /* TY_NAMED */
    Type *sub;          /* TY_PTR target, TY_ARRAY element, TY_PIPE element */
    Expr *dim;          /* TY_ARRAY: NULL for a conformant [] */
    Loc loc;
};

/* A struct field or a procedure parameter with its analysed attributes. */
struct Field {
    char *name;
    Type *type;
    Attr *attrs;
    Loc loc;
    int in, out;
    int ptr_kind;       /* of the first pointer level; PTR_DEFAULT when not given */
    int string;
    Expr *size_is, *max_is, *length_is, *first_is, *last_is;
    int is_param;
    Type *decl_type;    /* parameter: the type as declared (header); type may be rewritten */
};

struct Struct {
    char *tag;          /* may be NULL (anonymous) */
    char *cname;        /* name used for generated helpers */
    Field **fields;
    int nfields;
    int defined;
    Loc loc;
};

struct Enum {
    char *tag;
    char **names;
    Expr **values;      /* entries may be NULL */
    int n;
    int defined;
};

struct Typedef {
    char *name;
    Type *type;
    Attr *attrs;
    int v1_enum;
    int ptr_kind;
    int string;
    Loc loc;
    int pipe_async;     /* a pipe used by an [async] procedure: ASYNC_ form emitted */
};

typedef struct Const {
    char *name;
    Type *type;
    Expr *value;
    Loc loc;
} Const;

typedef struct Func {
    char *name;
    Type *ret;
    Field **params;
    int nparams;
    Attr *attrs;
    Loc loc;
    int opnum;
    int handle_param;   /* index of the explicit handle_t parameter, or -1 */
    int is_async;       /* ACF [async] (on the procedure or its interface) */
    Loc async_loc;      /* where that [async] was written */
    int has_pipes;      /* a parameter is a pipe (by value or through a [ref] pointer) */
} Func;

typedef struct Interface Interface;
typedef struct Item Item;

enum { IT_CPPQUOTE, IT_TYPEDEF, IT_CONST, IT_STRUCT, IT_ENUM, IT_INTERFACE, IT_FUNC };
struct Item {
    int kind;
    Loc loc;
    char *text;         /* cpp_quote (unescaped) */
    Typedef *td;
    Const *cn;
    Struct *st;
    Enum *en;
    Interface *itf;
    Func *fn;
};

struct Interface {
    char *name;
    Attr *attrs;
    Loc loc;
    int has_uuid;
    unsigned long u1;
    unsigned u2, u3;
    unsigned char u4[8];
    unsigned vmaj, vmin;
    int ptr_default;            /* PTR_REF/UNIQUE/FULL */
    char **ep_protseq, **ep_name;
    int nep;
    char *implicit_handle;      /* variable name */
    int explicit_handle;        /* ACF [explicit_handle] */
    int is_local;               /* [local]: header only */
    int auto_handle;            /* [auto_handle] (IDL or ACF): rejected after parsing */
    Loc auto_handle_loc;
    Item **items;
    int nitems;
    Func **funcs;
    int nfuncs;
};

typedef struct Program {
    Item **items;
    int nitems;
    Interface **ifaces;
    int nifaces;
} Program;

/* -------------------------------------------------------------- parser.c */
Program *parse_idl(const char *text, const char *file);
void parse_acf(Program *p, const char *text, const char *file);
/* Resolves handle rules, pointer defaults and checks what is supported. */
void check_program(Program *p);

/* --------------------------------------------------------------- types.c */
Typedef *find_typedef(const char *name);
Struct *find_struct(const char *tag);
Enum *find_enum(const char *tag);
Const *find_const(const char *name);
void register_typedef(Typedef *t);
void register_struct(Struct *s);
void register_enum(Enum *e);
void register_const(Const *c);
int enum_is_v1(const Type *t);  /* a (named) enum type declared [v1_enum] */

Type *type_resolve(Type *t);    /* through typedef names */
int type_is_ptr(Type *t);
int type_is_array(Type *t);
int type_is_handle(Type *t);
int type_is_void(Type *t);
int type_has_pointers(Type *t); /* pointers anywhere in the flat part */
int type_wire_align(Type *t);
/* NDR bytes of a fixed-size type (its alignment included at the end, as
 * in an array of it); -1 when the size is not fixed (pointers, conformant
 * or varying parts, [string]) or above 1 GiB. */
int type_wire_size(Type *t);
int type_is_charlike(Type *t);  /* char / unsigned char / byte-sized element for [string] */
int type_is_wchar(Type *t);
int type_is_bytes(Type *t);     /* 1-byte base type (bulk copied) */
/* The pipe typedef that t names directly (TY_NAMED of a `typedef pipe`), or NULL. */
Typedef *type_pipe(Type *t);
/* The pipe typedef of a pipe parameter: by value (NAME) or through one
 * pointer (NAME *); NULL otherwise. */
Typedef *param_pipe(Field *p);
/* A pipe typedef anywhere in t (through pointers, arrays and non-pipe
 * typedef names, not into struct members), or NULL. */
Typedef *type_find_pipe(Type *t);
/* C declaration of `name` (may be "") with type t; noconst drops the
 * top-level const qualifiers (for stub locals). */
char *type_decl(Type *t, const char *name, int noconst);
char *type_name(Type *t);       /* abstract declarator, e.g. "long *" */
/* Renders an expression as C, mapping identifiers that are not constants
 * through prefix (e.g. "L->" or "p->"). */
char *expr_c(Expr *e, const char *prefix);
int expr_eval(Expr *e, long long *out);  /* constant value, if any */

/* ------------------------------------------------------------- emitters */
typedef struct Options {
    const char *header_path;    /* as written (for #include in the stubs) */
    const char *header_include; /* base name to #include */
    const char *client_prefix;
    const char *server_prefix;
    const char *input;
} Options;

void emit_header(FILE *f, Program *p, const Options *o);
void emit_client(FILE *f, Program *p, const Options *o);
void emit_server(FILE *f, Program *p, const Options *o);

/* ndrgen.c: marshalling code shared by the client and server emitters */
typedef struct Gen {
    FILE *f;
    int ind;
    int tmp;                    /* counter for unique local names */
    const char *w;              /* writer expression, e.g. "&c.w" */
    const char *r;              /* reader expression */
    Interface *itf;
    int side;                   /* 'c' client, 's' server */
} Gen;

void gen_line(Gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gen_open(Gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gen_close(Gen *g);

/* Wire shape of a top-level parameter or field view. */
typedef struct View {
    Type *type;        /* the C type of the lvalue */
    int ptr_kind;      /* for a pointer: kind of this level (resolved) */
    int string;
    Expr *size_is, *max_is, *length_is, *first_is, *last_is;
    const char *prefix;/* how identifiers in the expressions are rendered */
} View;

View view_of_field(Field *fd, const char *prefix, int ptr_default, int top_level);
View view_inner(const View *v, Type *sub, int ptr_default);

enum { M_FLAT = 1, M_DEFER = 2, M_FULL = 3 };
void gen_write(Gen *g, const View *v, const char *lv, int mode);
/* pv: a non-NULL pointer value of type v->type. */
void gen_write_pointee(Gen *g, const View *v, const char *pv);
/* Reads into lvalue, allocating pointees with the reader's allocator. */
void gen_read(Gen *g, const View *v, const char *lv, int mode);
/* Reads the pointee of a pointer (non-NULL on the wire) into freshly
 * allocated memory, storing the pointer into lvalue lv.  count_lv, when
 * non-NULL, receives the conformance (uint32_t lvalue). */
void gen_read_pointee_alloc(Gen *g, const View *v, const char *lv, const char *count_lv);
/* Reads the pointee into existing caller memory pv; cap: C expression of
 * the capacity in elements for arrays/strings (may be NULL). */
void gen_read_pointee_into(Gen *g, const View *v, const char *pv, const char *cap);
/* Frees what lvalue lv (of the view's type) owns, not lv itself. */
void gen_free(Gen *g, const View *v, const char *lv, const char *count);
/* Frees pointee pv (a pointer value) and everything it owns. */
void gen_free_pointee(Gen *g, const View *v, const char *pv, const char *count);
/* Zeroes the pointers in lvalue lv (so a partly read value can be freed). */
void gen_zero_pointers(Gen *g, Type *t, const char *lv);
/* Emits the static helper functions for every struct reachable from the
 * program's procedures (m_/mp_/u_/up_/f_/z_). */
void gen_struct_helpers(Gen *g, Program *p, int writer, int reader, int freer);
/* size of a conformant/varying array: C expression for the element count */
char *view_size_expr(const View *v);
int view_is_array_ptr(const View *v);   /* pointer with size attributes */
int view_is_string_ptr(const View *v);
int view_is_varying(const View *v);

/* pipegen.c: pipes in the stubs (arpc_stub.h, "pipes") */
/* Whether a parameter travels in the request or reply stub data: not a
 * pipe (pipes go through their control structures). */
int param_is_marshalled(Field *p);
int func_npipes(Func *fn);            /* pipe parameters of fn */
int iface_has_pipes(Interface *itf);  /* RPC_INTERFACE_HAS_PIPES */
char *pipe_type_name(Typedef *td);    /* "NAME_pipe_type" */
/* The element functions and arpc_pipe_type descriptor of every pipe type
 * a procedure of p uses (after gen_struct_helpers: they call its helpers). */
void gen_pipe_types(Gen *g, Program *p);
/* fn's arpc_pipe_param entries, left to right; addr(fn, p) returns the C
 * expression of a pipe parameter's control structure address (freed).
 * declare: `const arpc_pipe_param ARRAY[n] = {...};`, otherwise
 * assignments to ARRAY[0..n-1] (an array in an [async] call's context). */
void gen_pipe_params(Gen *g, Func *fn, const char *array, int declare, char *(*addr)(Func *fn, Field *p));

void gen_preamble(Gen *g);
void gen_iface_id(Gen *g, Interface *itf);
char *gen_endpoints(Gen *g, Interface *itf);

/* helpers for emitters */
char *iface_prefix(Interface *itf);   /* "If_v1_0" */
char *proto_params(Func *fn, int with_comments, int ind);  /* parameter list text */
const char *ptr_kind_name(int k);
const char *idl_basename(const char *path);

#endif /* ASYNCRPC_IDL_H */

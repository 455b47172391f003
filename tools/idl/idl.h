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
    struct Type *type;  /* switch_type(T) */
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

typedef struct Union Union;

/* TY_PIPE: `typedef pipe T NAME;` - only ever the type of such a typedef
 * (sub = the element type T); everything else refers to it by name.
 * TY_UNION: a non-encapsulated union, or the arms of an encapsulated one
 * (which is a TY_STRUCT: the discriminant, then a TY_UNION field). */
enum { TY_BASE, TY_ENUM, TY_STRUCT, TY_NAMED, TY_PTR, TY_ARRAY, TY_PIPE, TY_UNION };
enum { PTR_DEFAULT = 0, PTR_REF, PTR_UNIQUE, PTR_FULL };

struct Type {
    int kind;
    int base;           /* TY_BASE */
    const char *spell;  /* TY_BASE: C spelling ("unsigned long", "hyper", "MIDL_uhyper") */
    int is_const;
    Struct *st;         /* TY_STRUCT */
    Enum *en;           /* TY_ENUM */
    Union *un;          /* TY_UNION */
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
    Expr *switch_is;    /* a non-encapsulated union (or a pointer to one): its discriminant */
    Type *switch_type;  /* [switch_type] here; check_program resolves it for every union */
    Expr *range_lo, *range_hi;  /* [range(lo, hi)]: checked where the value is received */
    int context_handle; /* [context_handle] on the parameter itself */
    int comm_status, fault_status;  /* [comm_status]/[fault_status] (IDL or ACF) */
    int is_param;
    Type *decl_type;    /* parameter: the type as declared (header); type may be rewritten */
};

/* An arm of a union: its case values (or [default]) and its member (NULL
 * for an empty arm). */
typedef struct Arm {
    Expr **cases;
    int ncases;
    int is_default;
    Field *field;
    Loc loc;
} Arm;

struct Union {
    char *tag;          /* may be NULL */
    char *cname;        /* C name of an anonymous typedef'd union */
    Arm **arms;
    int narms;
    int defined;
    int imported;       /* defined in an imported file: its header defines it */
    Type *switch_type;  /* [switch_type] of the union type, or NULL */
    int encapsulated;   /* the arms of an encapsulated union: no discriminant of their own */
    int ms_union;       /* [ms_union] (or -ms_union): the arm aligns to the largest arm */
    Loc loc;
};

struct Struct {
    char *tag;          /* may be NULL (anonymous) */
    char *cname;        /* name used for generated helpers */
    Field **fields;
    int nfields;
    int defined;
    int imported;       /* defined in an imported file: its header defines it */
    Loc loc;
};

struct Enum {
    char *tag;
    char **names;
    Expr **values;      /* entries may be NULL */
    int n;
    int defined;
    int imported;
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
    int context_handle; /* [context_handle]: the server's NAME_rundown routine */
    int imported;
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
    int ctx_binding;    /* index of the [in] context handle that is the binding, or -1 */
    int ret_context;    /* [context_handle] on the procedure: it returns a context handle */
    int comm_status, fault_status;  /* on the procedure: the return value gets the status */
    int explicit_handle;/* ACF [explicit_handle] on the procedure */
    int nocode;         /* ACF [nocode]: no client stub */
} Func;

typedef struct Interface Interface;
typedef struct Item Item;

enum { IT_CPPQUOTE, IT_TYPEDEF, IT_CONST, IT_STRUCT, IT_ENUM, IT_INTERFACE, IT_FUNC, IT_UNION, IT_INCLUDE };
struct Item {
    int kind;
    Loc loc;
    char *text;         /* cpp_quote (unescaped); include: the file name */
    Typedef *td;
    Const *cn;
    Struct *st;
    Enum *en;
    Union *un;
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
    int ms_union;               /* [ms_union] on the interface */
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
    char **imports;             /* headers of the files this one imports ("x.h") */
    int nimports;
} Program;

/* -------------------------------------------------------------- parser.c */
/* imported: the file is an import (its definitions are not emitted, its
 * interfaces get no stubs). */
Program *parse_idl(const char *text, const char *file, int imported);

/* ----------------------------------------------------------------- acf.c */
void parse_acf(Program *p, const char *text, const char *file);

/* -------------------------------------------------------------- import.c */
/* Where imports are searched: the importing file's folder, the current
 * folder, the -I folders in order, then the built-in folder (the IDL files
 * shipped with asyncrpc-idl) unless no_default. */
void import_init(const PpOptions *pp, const char **dirs, int ndirs, int no_default, int no_cpp,
                 const char *argv0);
/* Reads (preprocessed) one input file. */
char *read_input(const char *path);
/* import "name": parses the file once (later imports of it do nothing);
 * returns the header its importer includes ("name.h"). */
char *import_file(const char *name, Loc loc);
/* The built-in folder, or NULL when there is none. */
const char *import_builtin_dir(void);

/* --------------------------------------------------------------- check.c */
/* Resolves handle rules, pointer defaults and checks what is supported. */
void check_program(Program *p);

/* ---------------------------------------------------------------- bind.c */
void resolve_binding(Interface *itf, Func *fn);   /* sets handle_param / ctx_binding */
void check_ctx_param(Field *p);
void check_ctx_return(Func *fn);
void check_status(Func *fn);                      /* [comm_status] / [fault_status] */

/* --------------------------------------------------------------- types.c */
Typedef *find_typedef(const char *name);
Struct *find_struct(const char *tag);
Enum *find_enum(const char *tag);
Const *find_const(const char *name);
Union *find_union(const char *tag);
void register_union(Union *u);
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
int union_arms_align(Union *u);  /* the largest alignment of the arms */
/* NDR bytes of a fixed-size type (its alignment included at the end, as
 * in an array of it); -1 when the size is not fixed (pointers, conformant
 * or varying parts, [string]) or above 1 GiB. */
int type_wire_size(Type *t);
int type_is_charlike(Type *t);  /* char / unsigned char / byte-sized element for [string] */
int type_is_wchar(Type *t);
int type_is_bytes(Type *t);     /* 1-byte base type (bulk copied) */
/* Context handles: the [context_handle] typedef t names (through typedef
 * names, not pointers), or NULL. */
Typedef *type_ctx(Type *t);
/* A context handle parameter: CTX_VALUE (the handle itself: [in]) or
 * CTX_PTR (a [ref] pointer to it: [out], [in,out]); CTX_NONE otherwise. */
enum { CTX_NONE, CTX_VALUE, CTX_PTR };
int param_ctx(Field *p);
/* Its [context_handle] typedef (NULL for [context_handle] on the parameter). */
Typedef *param_ctx_typedef(Field *p);
int type_is_integral(Type *t);  /* a base integer type (not hyper) or an enum: [range], switch types */
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
    const char *switch_prefix;  /* -prefix switch: an extra set of prototypes (NULL: none) */
    int oldnames;               /* -oldnames: If_ClientIfHandle / If_ServerIfHandle */
    int no_default_epv;         /* -no_default_epv: the server calls managers only through the EPV */
    const char *input;
} Options;

/* Names of an interface's RPC_IF_HANDLEs: If_vM_m_c_ifspec / _s_ifspec,
 * or If_ClientIfHandle / If_ServerIfHandle with -oldnames. */
char *iface_ifspec(Interface *itf, const Options *o, int server);

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
    Expr *switch_is;   /* a union, or a pointer to one: its discriminant */
    Type *switch_type; /* ... and its type */
    int disc_assign;   /* reading: the discriminant is received after the union: the
                          union's copy of it is stored there (and checked later) */
    Expr *range_lo, *range_hi;  /* [range]: checked when read */
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

/* uniongen.c: unions in the stubs (the discriminant, then the arm) */
void gen_union_write(Gen *g, const View *v, const char *lv, int mode);
void gen_union_read(Gen *g, const View *v, const char *lv, int mode);
void gen_union_free(Gen *g, const View *v, const char *lv);
/* Order of a union and its discriminant in the data received (fields or
 * parameters f[0..n), received: which of them are in it).  Whether the
 * union at index u is received before a field its switch_is names... */
int union_disc_later(Field **f, int n, int u, int (*received)(Field *));
/* ...and whether field i is such a discriminant, named by an earlier union
 * that stores its value: it is then read into a temporary and compared. */
int disc_preassigned(Field **f, int n, int i, int (*received)(Field *));
/* Which fields or parameters a side receives: the server the [in] ones,
 * the client the [out] ones, a structure's reader all of them. */
int recv_in(Field *f);
int recv_out(Field *f);
int recv_all(Field *f);
/* Reads a pre-assigned discriminant (v: its view, lv: its lvalue). */
void gen_read_disc_check(Gen *g, const View *v, const char *lv);
/* The field or parameter a switch_is expression names (a plain name or
 * *name), or NULL. */
Field *switch_target(Expr *e, Field **f, int n, int *deref);

/* ctxgen.c: context handles in the stubs (arpc_stub.h, "context handles") */
char *ctx_rundown_name(Typedef *td);          /* the server's thunk, or "NULL" */
int ctx_types(Program *p, Typedef ***out);    /* context handle types the procedures use */
void gen_ctx_rundowns(Gen *g, Program *p);    /* server: one thunk per context handle type */
char *ctx_client_binding(Field *p);           /* the binding an [in] context handle gives */
void gen_ctx_client_marshal(Gen *g, Field *p);
/* dest = the handle unmarshalled from g->r (ctype: its C type; in_out:
 * dest holds the caller's handle) */
void gen_ctx_client_unmarshal(Gen *g, const char *dest, const char *ctype, int in_out, const char *binding);
void gen_ctx_client_unmarshal_param(Gen *g, Field *p, const char *pexpr, const char *binding);
/* slot = the call's slot for parameter p (s: the arpc_server_call *) */
void gen_ctx_server_slot(Gen *g, Field *p, const char *slot, const char *s);
char *ctx_server_arg(Field *p, const char *slot);   /* what the manager gets */
void gen_ctx_server_marshal(Gen *g, const char *slot);

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

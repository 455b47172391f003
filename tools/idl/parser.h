/* parser.h - the parser's primitives, shared by the IDL parser (parser.c)
 * and the ACF parser (acf.c).  Internal to the front end. */
#ifndef ASYNCRPC_IDL_PARSER_H
#define ASYNCRPC_IDL_PARSER_H

#include "idl.h"

typedef struct Parser {
    Lexer *lx;
    Token tok;      /* current */
    Token peek;
    int has_peek;
    Program *prog;
    int in_pipe;    /* parsing the element type of `typedef pipe` */
    int imported;   /* parsing an imported file */
} Parser;

void pr_next(Parser *p);
Token *pr_peek(Parser *p);
int pr_is(Parser *p, const char *text);
__attribute__((noreturn)) void pr_syntax(Parser *p, const char *what);
void pr_expect(Parser *p, const char *text);
int pr_accept(Parser *p, const char *text);
char *pr_ident(Parser *p, const char *what);
/* '[...]' groups (any number, merged); NULL when there is none. */
Attr *parse_attrs(Parser *p);
Attr *find_attr(Attr *a, const char *name);
/* include "x.h"[, ...]; (IDL or ACF): adds IT_INCLUDE items. */
void parse_include(Parser *p, Item ***items, int *nitems);

/* Attributes that name user routines converting or marshalling a type:
 * rejected with their name (asyncrpc-idl generates no calls to such
 * routines). */
int attr_is_conversion(const char *name);
__attribute__((noreturn)) void reject_conversion(Attr *a);
/* [auto_handle] (IDL or ACF): there is no endpoint mapper. */
__attribute__((noreturn)) void reject_auto_handle(Interface *itf);

#endif /* ASYNCRPC_IDL_PARSER_H */

/* acf.c - the application configuration file: attributes that change
 * stubs but not the wire, applied to the interfaces, procedures,
 * parameters and types of the IDL already parsed. */
#include "parser.h"

#include <stdlib.h>
#include <string.h>

static Interface *find_iface(Program *prog, const char *name)
{
    for (int i = 0; i < prog->nifaces; i++)
        if (!strcmp(prog->ifaces[i]->name, name))
            return prog->ifaces[i];
    return NULL;
}

/* attributes that change nothing here: optimization hints, and context
 * handle serialization (the runtime serializes a context handle's calls
 * per association in every case) */
static int acf_ignored(const char *n)
{
    return !strcmp(n, "optimize") || !strcmp(n, "context_handle_serialize") ||
           !strcmp(n, "context_handle_noserialize") || !strcmp(n, "strict_context_handle") ||
           !strcmp(n, "code");
}

__attribute__((noreturn)) static void acf_unsupported(Attr *a)
{
    if (attr_is_conversion(a->name))
        reject_conversion(a);
    if (!strcmp(a->name, "encode") || !strcmp(a->name, "decode"))
        fatal(a->loc, "[%s] (type serialization) is not supported", a->name);
    fatal(a->loc, "[%s] is not supported yet", a->name);
}

/* typedef [attrs] NAME[, NAME]; */
static void acf_typedef(Parser *p)
{
    pr_expect(p, "typedef");
    Attr *attrs = parse_attrs(p);
    for (;;) {
        Loc l = p->tok.loc;
        char *name = pr_ident(p, "a type name");
        if (!find_typedef(name))
            fatal(l, "ACF type '%s' is not defined in the IDL file", name);
        for (Attr *a = attrs; a; a = a->next)
            if (!acf_ignored(a->name))
                acf_unsupported(a);
        if (!pr_accept(p, ","))
            break;
    }
    pr_expect(p, ";");
}

static void mark_async(Interface *itf, Func *fn, Attr *a)
{
    if (itf->is_local)
        fatal(a->loc, "[async] does not apply to a [local] interface");
    fn->is_async = 1;
    fn->async_loc = a->loc;
}

/* PROC([attrs] PARAM, ...); with its attributes */
static void acf_procedure(Parser *p, Interface *itf, Attr *fa, int nocode)
{
    Loc fl = p->tok.loc;
    char *fname = pr_ident(p, "a procedure name");
    Func *fn = NULL;
    for (int i = 0; i < itf->nfuncs; i++)
        if (!strcmp(itf->funcs[i]->name, fname))
            fn = itf->funcs[i];
    if (!fn)
        fatal(fl, "ACF procedure '%s' is not in interface '%s'", fname, itf->name);
    fn->nocode = nocode;
    for (Attr *a = fa; a; a = a->next) {
        if (!strcmp(a->name, "async")) mark_async(itf, fn, a);
        else if (!strcmp(a->name, "comm_status")) fn->comm_status = 1;
        else if (!strcmp(a->name, "fault_status")) fn->fault_status = 1;
        else if (!strcmp(a->name, "explicit_handle")) fn->explicit_handle = 1;
        else if (!strcmp(a->name, "nocode")) fn->nocode = 1;
        else if (!strcmp(a->name, "code")) fn->nocode = 0;
        else if (!acf_ignored(a->name))
            acf_unsupported(a);
    }
    pr_expect(p, "(");
    while (!pr_is(p, ")")) {
        Attr *pa = parse_attrs(p);
        Loc pl = p->tok.loc;
        char *pname = pr_ident(p, "a parameter name");
        Field *prm = NULL;
        for (int i = 0; i < fn->nparams; i++)
            if (!strcmp(fn->params[i]->name, pname))
                prm = fn->params[i];
        if (!prm) {
            if (find_attr(pa, "comm_status") || find_attr(pa, "fault_status"))
                fatal(pl, "ACF parameter '%s' is not in procedure '%s': declare the status parameter in the IDL "
                          "as '[out] error_status_t *%s'",
                      pname, fname, pname);
            fatal(pl, "ACF parameter '%s' is not in procedure '%s'", pname, fname);
        }
        for (Attr *a = pa; a; a = a->next) {
            if (!strcmp(a->name, "comm_status")) prm->comm_status = 1;
            else if (!strcmp(a->name, "fault_status")) prm->fault_status = 1;
            else if (!acf_ignored(a->name))
                acf_unsupported(a);
        }
        if (!pr_accept(p, ","))
            break;
    }
    pr_expect(p, ")");
    pr_expect(p, ";");
}

void parse_acf(Program *prog, const char *text, const char *file)
{
    Parser p = {0};
    p.lx = lexer_new(text, file);
    p.prog = prog;
    pr_next(&p);
    Item **incl = NULL;
    int nincl = 0;
    while (p.tok.kind != TK_EOF) {
        if (pr_is(&p, "typedef")) {
            acf_typedef(&p);
            continue;
        }
        if (pr_is(&p, "include")) {
            parse_include(&p, &incl, &nincl);
            continue;
        }
        if (pr_is(&p, "import"))
            fatal(p.tok.loc, "'import' in an ACF is not supported (use 'include \"file.h\";')");
        Attr *attrs = parse_attrs(&p);
        pr_expect(&p, "interface");
        Loc nl = p.tok.loc;
        char *name = pr_ident(&p, "an interface name");
        Interface *itf = find_iface(prog, name);
        if (!itf)
            fatal(nl, "ACF interface '%s' is not in the IDL file", name);
        int nocode = 0;
        for (Attr *a = attrs; a; a = a->next) {
            if (!strcmp(a->name, "implicit_handle")) {
                if (strncmp(a->raw, "handle_t ", 9))
                    fatal(a->loc, "implicit_handle of a user-defined handle type is not supported yet");
                itf->implicit_handle = xstrdup(a->raw + 9);
            } else if (!strcmp(a->name, "explicit_handle")) {
                itf->explicit_handle = 1;
            } else if (!strcmp(a->name, "async")) {
                for (int i = 0; i < itf->nfuncs; i++)
                    if (!itf->funcs[i]->is_async)
                        mark_async(itf, itf->funcs[i], a);
            } else if (!strcmp(a->name, "auto_handle")) {
                itf->auto_handle_loc = a->loc;
                reject_auto_handle(itf);
            } else if (!strcmp(a->name, "nocode")) {
                nocode = 1;
            } else if (!acf_ignored(a->name)) {
                acf_unsupported(a);
            }
        }
        for (int i = 0; nocode && i < itf->nfuncs; i++)
            itf->funcs[i]->nocode = 1;
        pr_expect(&p, "{");
        while (!pr_accept(&p, "}")) {
            if (pr_is(&p, "typedef")) {
                acf_typedef(&p);
                continue;
            }
            if (pr_is(&p, "include")) {
                parse_include(&p, &incl, &nincl);
                continue;
            }
            acf_procedure(&p, itf, parse_attrs(&p), nocode);
        }
        pr_accept(&p, ";");
    }
    /* the ACF's includes come first in the header (they declare what the
     * IDL's types may need) */
    if (nincl) {
        Item **all = xmalloc(sizeof *all * (size_t)(nincl + prog->nitems + 1));
        memcpy(all, incl, sizeof *all * (size_t)nincl);
        memcpy(all + nincl, prog->items, sizeof *all * (size_t)prog->nitems);
        prog->items = all;
        prog->nitems += nincl;
        free(incl);
    }
}

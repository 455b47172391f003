/* pipegen.c - what the client and server stubs of procedures with pipe
 * parameters share (arpc_stub.h, "pipes"): one arpc_pipe_type descriptor
 * per pipe type, with the marshalling of one element, and the
 * arpc_pipe_param array that describes a call's pipes to the runtime. */
#include "idl.h"

#include <stdlib.h>

int param_is_marshalled(Field *p)
{
    return !param_pipe(p);
}

int func_npipes(Func *fn)
{
    int n = 0;
    for (int i = 0; i < fn->nparams; i++)
        if (param_pipe(fn->params[i]))
            n++;
    return n;
}

int iface_has_pipes(Interface *itf)
{
    for (int i = 0; i < itf->nfuncs; i++)
        if (itf->funcs[i]->has_pipes)
            return 1;
    return 0;
}

char *pipe_type_name(Typedef *td)
{
    return xasprintf("%s_pipe_type", td->name);
}

/* Whether a base type's C form can be its NDR form (little-endian, same
 * size: ARPC_PIPE_FLAT checks the size on the target).  Not boolean (any
 * non-zero byte is true) nor wchar_t (UTF-16 on the wire); structures and
 * enums are always marshalled element by element. */
static int elem_may_be_flat(Type *t)
{
    Type *r = type_resolve(t);
    if (r->kind != TY_BASE)
        return 0;
    switch (r->base) {
    case B_BYTE: case B_CHAR: case B_UCHAR: case B_SMALL: case B_USMALL: case B_SHORT: case B_USHORT:
    case B_LONG: case B_ULONG: case B_INT: case B_UINT: case B_HYPER: case B_UHYPER: case B_FLOAT:
    case B_DOUBLE: case B_ERROR_STATUS:
        return 1;
    default:
        return 0;
    }
}

/* static void idl_pipe_m_NAME(arpc_ndr_writer *w, const void *e) and
 * idl_pipe_u_NAME(arpc_ndr_reader *r, void *e): one element, with the
 * NDR emitters of parameters */
static void gen_pipe_elem_fns(Gen *g, Typedef *td)
{
    Type *et = td->type->sub;
    View v = {.type = et, .prefix = "", .ptr_kind = PTR_REF};
    char *ptr = type_decl(et, "*p", 1);
    char *ctype = type_decl(et, "", 1);
    const char *sw = g->w, *sr = g->r;
    g->w = "w";
    g->r = "r";

    gen_open(g, "static void idl_pipe_m_%s(arpc_ndr_writer *w, const void *e)\n{", td->name);
    gen_line(g, "const %s = (const %s *)e;", ptr, ctype);
    gen_line(g, "%s", "");
    gen_write(g, &v, "(*p)", M_FULL);
    gen_close(g);
    gen_line(g, "%s", "");

    gen_open(g, "static void idl_pipe_u_%s(arpc_ndr_reader *r, void *e)\n{", td->name);
    gen_line(g, "%s = (%s *)e;", ptr, ctype);
    gen_line(g, "%s", "");
    gen_read(g, &v, "(*p)", M_FULL);
    gen_close(g);
    gen_line(g, "%s", "");

    g->w = sw;
    g->r = sr;
    free(ptr);
    free(ctype);
}

/* static const arpc_pipe_type NAME_pipe_type = {...}; */
static void gen_pipe_type(Gen *g, Typedef *td)
{
    Type *et = td->type->sub;
    int align = type_wire_align(et);
    int size = type_wire_size(et);
    if (size <= 0)
        fatal(td->loc, "the element type of pipe '%s' has no fixed NDR size or is too large", td->name);
    char *ctype = type_decl(et, "", 1);
    char *name = pipe_type_name(td);
    char *flat = elem_may_be_flat(et) ? xasprintf("ARPC_PIPE_FLAT(%s, %d)", ctype, size) : xstrdup("0");

    gen_pipe_elem_fns(g, td);
    gen_line(g, "static const arpc_pipe_type %s = {", name);
    gen_line(g, "    sizeof(%s), %d, %d, %s, idl_pipe_m_%s, idl_pipe_u_%s};", ctype, align, size, flat, td->name,
             td->name);
    gen_line(g, "%s", "");
    free(flat);
    free(name);
    free(ctype);
}

static int seen(Typedef **tds, int n, Typedef *td)
{
    for (int i = 0; i < n; i++)
        if (tds[i] == td)
            return 1;
    return 0;
}

void gen_pipe_types(Gen *g, Program *p)
{
    Typedef **done = NULL;
    int ndone = 0;
    for (int i = 0; i < p->nifaces; i++) {
        Interface *itf = p->ifaces[i];
        if (itf->is_local)
            continue;
        for (int j = 0; j < itf->nfuncs; j++) {
            Func *fn = itf->funcs[j];
            for (int k = 0; k < fn->nparams; k++) {
                Typedef *td = param_pipe(fn->params[k]);
                if (!td || seen(done, ndone, td))
                    continue;
                VEC_PUSH(done, ndone, td);
                gen_pipe_type(g, td);
            }
        }
    }
    free(done);
}

static const char *pipe_dir(Field *p)
{
    if (p->in && p->out)
        return "ARPC_PIPE_IN | ARPC_PIPE_OUT";
    return p->out ? "ARPC_PIPE_OUT" : "ARPC_PIPE_IN";
}

void gen_pipe_params(Gen *g, Func *fn, const char *array, int declare, char *(*addr)(Func *fn, Field *p))
{
    if (declare)
        gen_open(g, "const arpc_pipe_param %s[%d] = {", array, func_npipes(fn));
    for (int i = 0, n = 0; i < fn->nparams; i++) {
        Field *p = fn->params[i];
        Typedef *td = param_pipe(p);
        if (!td)
            continue;
        char *name = pipe_type_name(td);
        char *where = addr(fn, p);
        if (declare)
            gen_line(g, "{&%s, %s, %s},", name, pipe_dir(p), where);
        else
            gen_line(g, "%s[%d] = (arpc_pipe_param){&%s, %s, %s};", array, n++, name, pipe_dir(p), where);
        free(where);
        free(name);
    }
    if (declare) {
        g->ind--;
        gen_line(g, "};");
    }
}

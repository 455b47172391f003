/* ctxgen.c - context handles in the stubs (arpc_stub.h, "context
 * handles"): what the client and server emitters call for a context
 * handle parameter or return value, and the server's rundown thunks.
 *
 * Client: an [in] handle is marshalled as itself (NULL raises), an
 * [in,out] one as *p (NULL allowed); [out] and [in,out] ones are
 * unmarshalled through a void * temporary (NULL first for [out]: the
 * caller's variable may hold anything) with the call's binding.
 * Server: each handle is a slot of the call (arpc_sctx); the manager gets
 * the slot's value ([in]) or its address ([out], [in,out]); [out] slots
 * are marshalled after the manager.  A slot's rundown is a thunk that
 * calls the application's TYPE_rundown(TYPE) with the value (typed
 * context handles only; [context_handle] on a parameter has none). */
#include "idl.h"

#include <stdlib.h>
#include <string.h>

char *ctx_rundown_name(Typedef *td)
{
    return td ? xasprintf("idl_rundown_%s", td->name) : xstrdup("NULL");
}

/* the context handle typedefs the procedures of p use, once each */
static int collect(Program *p, Typedef ***out)
{
    Typedef **tds = NULL;
    int n = 0;
    for (int i = 0; i < p->nifaces; i++) {
        Interface *itf = p->ifaces[i];
        if (itf->is_local)
            continue;
        for (int j = 0; j < itf->nfuncs; j++) {
            Func *fn = itf->funcs[j];
            for (int k = -1; k < fn->nparams; k++) {
                Typedef *td = k < 0 ? (fn->ret_context ? type_ctx(fn->ret) : NULL) : param_ctx_typedef(fn->params[k]);
                if (!td)
                    continue;
                int seen = 0;
                for (int m = 0; m < n; m++)
                    seen |= tds[m] == td;
                if (!seen)
                    VEC_PUSH(tds, n, td);
            }
        }
    }
    *out = tds;
    return n;
}

int ctx_types(Program *p, Typedef ***out)
{
    return collect(p, out);
}

void gen_ctx_rundowns(Gen *g, Program *p)
{
    Typedef **tds;
    int n = collect(p, &tds);
    for (int i = 0; i < n; i++) {
        char *nm = ctx_rundown_name(tds[i]);
        fprintf(g->f, "/* the application's %s_rundown, for the runtime's arpc_rundown_fn */\n", tds[i]->name);
        fprintf(g->f, "static void __RPC_USER %s(void *ctx)\n{\n", nm);
        fprintf(g->f, "    %s_rundown((%s)ctx);\n}\n\n", tds[i]->name, tds[i]->name);
        free(nm);
    }
    free(tds);
}

/* the C type of the handle a CTX_PTR parameter points to */
static char *pointee_type(Field *p)
{
    return type_decl(type_resolve(p->type)->sub, "", 1);
}

char *ctx_client_binding(Field *p)
{
    if (param_ctx(p) == CTX_VALUE)
        return xasprintf("arpc_cctx_binding((void *)(%s))", p->name);
    return xasprintf("arpc_cctx_binding((void *)*(%s))", p->name);
}

void gen_ctx_client_marshal(Gen *g, Field *p)
{
    if (param_ctx(p) == CTX_VALUE)
        gen_line(g, "arpc_cctx_marshal(%s, (void *)(%s), ARPC_CTX_IN_NONNULL);", g->w, p->name);
    else
        gen_line(g, "arpc_cctx_marshal(%s, (void *)*(%s), 0);", g->w, p->name);
}

void gen_ctx_client_unmarshal(Gen *g, const char *dest, const char *ctype, int in_out, const char *binding)
{
    gen_open(g, "{");
    if (in_out)
        gen_line(g, "void *_c = (void *)%s;", dest);
    else
        gen_line(g, "void *_c = NULL;");
    gen_line(g, "arpc_cctx_unmarshal(%s, &_c, %s);", g->r, binding);
    gen_line(g, "%s = (%s)_c;", dest, ctype);
    gen_close(g);
}

void gen_ctx_client_unmarshal_param(Gen *g, Field *p, const char *pexpr, const char *binding)
{
    char *dest = xasprintf("*(%s)", pexpr);
    char *ct = pointee_type(p);
    gen_ctx_client_unmarshal(g, dest, ct, p->in, binding);
    free(ct);
    free(dest);
}

void gen_ctx_server_slot(Gen *g, Field *p, const char *slot, const char *s)
{
    char *rd = ctx_rundown_name(param_ctx_typedef(p));
    if (p->in)
        gen_line(g, "%s = arpc_sctx_unmarshal(%s, %s, %s);", slot, s, rd,
                 param_ctx(p) == CTX_VALUE ? "ARPC_CTX_IN_NONNULL" : "0");
    else
        gen_line(g, "%s = arpc_sctx_new(%s, %s);", slot, s, rd);
    free(rd);
}

char *ctx_server_arg(Field *p, const char *slot)
{
    if (param_ctx(p) == CTX_VALUE) {
        char *t = type_decl(p->type, "", 1);
        char *r = xasprintf("(%s)*arpc_sctx_value(%s)", t, slot);
        free(t);
        return r;
    }
    char *t = pointee_type(p);
    char *r = xasprintf("(%s *)arpc_sctx_value(%s)", t, slot);
    free(t);
    return r;
}

void gen_ctx_server_marshal(Gen *g, const char *slot)
{
    gen_line(g, "arpc_sctx_marshal(%s, %s);", g->w, slot);
}

/* uniongen.c - discriminated unions in the stubs.
 *
 * Wire (NDR 2.0, C706 14.3.8 / MS-RPCE 2.2.4.x): a non-encapsulated union
 * is its discriminant, marshalled as its switch type and aligned to it,
 * then the selected arm, aligned to its own type ([ms_union]: to the
 * largest arm); a union member makes its structure align to the
 * discriminant and every arm.  The discriminant also travels as the field
 * or parameter [switch_is] names (MS-RPCE 2.2.4.8).  An encapsulated union
 * is a structure: its discriminant member, then the arms (which carry no
 * discriminant of their own).  Pointers in the arms defer their pointees
 * like any embedded pointer.
 *
 * Codes: marshalling a discriminant that selects no arm (no [default])
 * raises RPC_S_INVALID_TAG (1733), as Windows' NDR engine does.
 * Receiving one is an invalid octet stream: RPC_X_BAD_STUB_DATA (1783,
 * MS-RPCE 3.1.3.5.2), and so is a union whose discriminant disagrees with
 * the field or parameter [switch_is] names (checked, so that the manager,
 * the marshalling of the reply and the freeing all see the arm that was
 * received).  A union received before the field its discriminant is in
 * stores the discriminant there first; the field is then compared when it
 * arrives.
 *
 * The code is generated inline (a switch on the discriminant) wherever a
 * union is marshalled, unmarshalled or freed: unions need no helper
 * functions, so anonymous ones need no C name. */
#include "idl.h"

#include <stdlib.h>
#include <string.h>

int recv_in(Field *f) { return f->in; }
int recv_out(Field *f) { return f->out; }
int recv_all(Field *f) { (void)f; return 1; }

Field *switch_target(Expr *e, Field **f, int n, int *deref)
{
    *deref = 0;
    if (e->kind == EX_UNARY && !strcmp(e->text, "*") && e->a->kind == EX_NAME) {
        *deref = 1;
        e = e->a;
    }
    if (e->kind != EX_NAME)
        return NULL;
    for (int i = 0; i < n; i++)
        if (!strcmp(f[i]->name, e->text))
            return f[i];
    return NULL;
}

/* whether expression e names a field of f[] at an index above `after`
 * that is received */
static int names_later(Expr *e, Field **f, int n, int after, int (*received)(Field *))
{
    if (!e)
        return 0;
    if (e->kind == EX_NAME)
        for (int i = after + 1; i < n; i++)
            if (!strcmp(f[i]->name, e->text) && received(f[i]))
                return 1;
    return names_later(e->a, f, n, after, received) || names_later(e->b, f, n, after, received) ||
           names_later(e->c, f, n, after, received);
}

int union_disc_later(Field **f, int n, int u, int (*received)(Field *))
{
    Field *uf = f[u];
    if (!uf->switch_is || !received(uf))
        return 0;
    /* a structure's pointees are read after all its members */
    if (!uf->is_param && type_is_ptr(uf->type))
        return 0;
    return names_later(uf->switch_is, f, n, u, received);
}

int disc_preassigned(Field **f, int n, int i, int (*received)(Field *))
{
    if (!received(f[i]))
        return 0;
    for (int u = 0; u < i; u++) {
        int deref;
        if (union_disc_later(f, n, u, received) && switch_target(f[u]->switch_is, f, n, &deref) == f[i])
            return 1;
    }
    return 0;
}

void gen_read_disc_check(Gen *g, const View *v, const char *lv)
{
    int k = ++g->tmp;
    char *tmp = xasprintf("_d%d", k);
    char *d = type_decl(v->type, tmp, 1);
    View dv = *v;
    dv.switch_is = NULL;
    gen_open(g, "{");
    gen_line(g, "%s;", d);
    gen_read(g, &dv, tmp, M_FULL);
    gen_line(g, "/* stored by the union received before it: they must agree */");
    gen_line(g, "arpc_ndr_check((long long)%s == (long long)(%s));", tmp, lv);
    gen_close(g);
    free(d);
    free(tmp);
}

typedef void (*arm_op)(Gen *g, const View *v, const char *lv, int mode);

static void free_op(Gen *g, const View *v, const char *lv, int mode)
{
    (void)mode;
    gen_free(g, v, lv, NULL);
}

static void arm_body(Gen *g, const View *v, const Arm *arm, const char *lv, int mode, arm_op op)
{
    g->ind++;
    if (arm->field) {
        View av = view_of_field(arm->field, v->prefix, g->itf ? g->itf->ptr_default : PTR_UNIQUE, 0);
        char *alv = xasprintf("(%s).%s", lv, arm->field->name);
        op(g, &av, alv, mode);
        free(alv);
    }
    gen_line(g, "break;");
    g->ind--;
}

/* switch (sel) { case ...: op(arm, lv.member, mode); ... } - only the arms
 * with pointers when pointers_only; a discriminant that selects no arm
 * raises `missing` (if not NULL) */
static void arms_switch(Gen *g, const View *v, const char *sel, const char *lv, int mode, arm_op op,
                        int pointers_only, const char *missing)
{
    Union *u = type_resolve(v->type)->un;
    int has_default = 0, wrote_default = 0;
    gen_open(g, "switch ((long long)(%s)) {", sel);
    for (int i = 0; i < u->narms; i++) {
        Arm *arm = u->arms[i];
        has_default |= arm->is_default;
        if (pointers_only && (!arm->field || !type_has_pointers(arm->field->type)))
            continue;
        for (int j = 0; j < arm->ncases; j++) {
            char *c = expr_c(arm->cases[j], "");
            gen_line(g, "case %s:", c);
            free(c);
        }
        if (arm->is_default) {
            gen_line(g, "default:");
            wrote_default = 1;
        }
        arm_body(g, v, arm, lv, mode, op);
    }
    if (!wrote_default) {
        gen_line(g, "default:");
        g->ind++;
        if (missing && !has_default)
            gen_line(g, "RpcRaiseException(%s);", missing);
        gen_line(g, "break;");
        g->ind--;
    }
    gen_close(g);
}

/* the discriminant's value as its switch type, from the [switch_is] expression */
static char *disc_value(const View *v)
{
    char *e = expr_c(v->switch_is, v->prefix);
    char *t = type_decl(v->switch_type, "", 1);
    char *r = xasprintf("(%s)(%s)", t, e);
    free(e);
    free(t);
    return r;
}

void gen_union_write(Gen *g, const View *v, const char *lv, int mode)
{
    Type *r = type_resolve(v->type);
    Union *u = r->un;
    char *val = disc_value(v);
    if (mode & M_FLAT) {
        int k = ++g->tmp;
        char *tmp = xasprintf("_d%d", k);
        char *d = type_decl(v->switch_type, tmp, 1);
        gen_open(g, "{");
        gen_line(g, "%s = %s;", d, val);
        if (!u->encapsulated) {
            View dv = {.type = v->switch_type, .prefix = v->prefix};
            gen_line(g, "/* the discriminant, then the arm */");
            gen_write(g, &dv, tmp, M_FULL);
            if (u->ms_union)
                gen_line(g, "arpc_ndr_w_align(%s, %d);", g->w, union_arms_align(u));
        }
        arms_switch(g, v, tmp, lv, M_FLAT, gen_write, 0, "RPC_S_INVALID_TAG");
        gen_close(g);
        free(d);
        free(tmp);
    }
    if ((mode & M_DEFER) && type_has_pointers(r))
        arms_switch(g, v, val, lv, M_DEFER, gen_write, 1, NULL);
    free(val);
}

void gen_union_read(Gen *g, const View *v, const char *lv, int mode)
{
    Type *r = type_resolve(v->type);
    Union *u = r->un;
    char *val = disc_value(v);
    if (mode & M_FLAT) {
        int k = ++g->tmp;
        char *tmp = xasprintf("_d%d", k);
        char *d = type_decl(v->switch_type, tmp, 1);
        gen_open(g, "{");
        if (!u->encapsulated) {
            View dv = {.type = v->switch_type, .prefix = v->prefix};
            gen_line(g, "%s;", d);
            gen_line(g, "/* the discriminant, then the arm */");
            gen_read(g, &dv, tmp, M_FULL);
            if (v->disc_assign) {
                char *dl = expr_c(v->switch_is, v->prefix);
                gen_line(g, "%s = %s;  /* received after the union: checked then */", dl, tmp);
                free(dl);
            } else {
                gen_line(g, "arpc_ndr_check((long long)%s == (long long)%s);", tmp, val);
            }
            if (u->ms_union)
                gen_line(g, "arpc_ndr_r_align(%s, %d);", g->r, union_arms_align(u));
        } else {
            gen_line(g, "%s = %s;", d, val);
        }
        arms_switch(g, v, tmp, lv, M_FLAT, gen_read, 0, "RPC_X_BAD_STUB_DATA");
        gen_close(g);
        free(d);
        free(tmp);
    }
    if ((mode & M_DEFER) && type_has_pointers(r))
        arms_switch(g, v, val, lv, M_DEFER, gen_read, 1, NULL);
    free(val);
}

void gen_union_free(Gen *g, const View *v, const char *lv)
{
    if (!type_has_pointers(v->type))
        return;
    char *val = disc_value(v);
    arms_switch(g, v, val, lv, 0, free_op, 1, NULL);
    free(val);
}

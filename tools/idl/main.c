/* main.c - asyncrpc-idl: command line, then parse, check and emit. */
#define _POSIX_C_SOURCE 200809L
#include "idl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fputs("usage: asyncrpc-idl [options] file.idl\n"
          "  -h FILE            header (default file.h)\n"
          "  -cstub FILE        client stub (default file_c.c)\n"
          "  -sstub FILE        server stub (default file_s.c)\n"
          "  -client none|stub  -server none|stub: skip a stub\n"
          "  -acf FILE          application configuration file (default file.acf if present)\n"
          "  -out DIR           directory for the outputs\n"
          "  -I DIR, -D NAME[=V], -U NAME   preprocessor options\n"
          "  -cpp_cmd CMD       preprocessor (default cpp)\n"
          "  -prefix client|cstub|server|all PREFIX   prefix for client stub and/or\n"
          "                     server manager routine names\n",
          f);
}

static char *base_name_noext(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *s = xstrdup(b);
    char *dot = strrchr(s, '.');
    if (dot)
        *dot = 0;
    return s;
}

static char *in_dir(const char *dir, const char *name)
{
    if (!dir || name[0] == '/')
        return xstrdup(name);
    return xasprintf("%s/%s", dir, name);
}

static void write_file(const char *path, void (*emit)(FILE *, Program *, const Options *), Program *p,
                       const Options *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        fatal_plain("out of memory");
    emit(m, p, o);
    fclose(m);
    FILE *f = fopen(path, "wb");
    if (!f)
        fatal_plain("cannot write %s", path);
    if (fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        fatal_plain("cannot write %s", path);
    free(buf);
}

int main(int argc, char **argv)
{
    const char *hdr = NULL, *cstub = NULL, *sstub = NULL, *acf = NULL, *out = NULL, *input = NULL;
    int no_client = 0, no_server = 0, no_header = 0;
    Options o = {.client_prefix = "", .server_prefix = ""};
    PpOptions pp = {0};
    pp.args = xmalloc(sizeof(char *) * (size_t)(2 * argc + 1));

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
#define ARG() (i + 1 < argc ? argv[++i] : (fatal_plain("option %s needs an argument", a), ""))
        if (!strcmp(a, "-h") || !strcmp(a, "-header") || !strcmp(a, "--header")) hdr = ARG();
        else if (!strcmp(a, "-cstub")) cstub = ARG();
        else if (!strcmp(a, "-sstub")) sstub = ARG();
        else if (!strcmp(a, "-acf")) acf = ARG();
        else if (!strcmp(a, "-out")) out = ARG();
        else if (!strcmp(a, "-cpp_cmd")) pp.cpp = ARG();
        else if (!strcmp(a, "-client") || !strcmp(a, "-server")) {
            const char *v = ARG();
            if (strcmp(v, "none") && strcmp(v, "stub"))
                fatal_plain("%s accepts none or stub", a);
            if (!strcmp(v, "none"))
                *(a[1] == 'c' ? &no_client : &no_server) = 1;
        } else if (!strcmp(a, "-prefix")) {
            const char *which = ARG();
            const char *pfx = ARG();
            if (!strcmp(which, "client") || !strcmp(which, "cstub")) o.client_prefix = pfx;
            else if (!strcmp(which, "server")) o.server_prefix = pfx;
            else if (!strcmp(which, "all")) o.client_prefix = o.server_prefix = pfx;
            else fatal_plain("-prefix accepts client, cstub, server or all (not '%s')", which);
        } else if (!strncmp(a, "-I", 2) || !strncmp(a, "-D", 2) || !strncmp(a, "-U", 2)) {
            if (a[2]) {
                pp.args[pp.nargs++] = a;
            } else {
                pp.args[pp.nargs++] = xasprintf("%.2s%s", a, ARG());
            }
        } else if (!strncmp(a, "-O", 2) || !strcmp(a, "-nologo") || !strcmp(a, "-W3") || !strcmp(a, "-env")) {
            if (!strcmp(a, "-env"))
                (void)ARG();  /* accepted for MIDL command lines; nothing to do */
        } else if (!strcmp(a, "-no_header")) {
            no_header = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-help") || !strcmp(a, "-?")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            puts("asyncrpc-idl 0.1");
            return 0;
        } else if (a[0] == '-' && a[1]) {
            usage(stderr);
            fatal_plain("unknown option '%s'", a);
        } else {
            if (input)
                fatal_plain("more than one input file ('%s' and '%s')", input, a);
            input = a;
        }
#undef ARG
    }
    if (!input) {
        usage(stderr);
        return 2;
    }
    if (access(input, R_OK) != 0)
        fatal_plain("cannot read %s", input);

    char *base = base_name_noext(input);
    char *hpath = hdr ? in_dir(out, hdr) : in_dir(out, xasprintf("%s.h", base));
    char *cpath = cstub ? in_dir(out, cstub) : in_dir(out, xasprintf("%s_c.c", base));
    char *spath = sstub ? in_dir(out, sstub) : in_dir(out, xasprintf("%s_s.c", base));
    if (!acf) {
        char *def = xstrdup(input);
        char *dot = strrchr(def, '.');
        char *slash = strrchr(def, '/');
        if (dot && (!slash || dot > slash))
            *dot = 0;
        char *cand = xasprintf("%s.acf", def);
        if (access(cand, R_OK) == 0)
            acf = cand;
    }

    char *text = preprocess(&pp, input);
    Program *prog = parse_idl(text, input);
    if (acf) {
        if (access(acf, R_OK) != 0)
            fatal_plain("cannot read %s", acf);
        char *at = preprocess(&pp, acf);
        parse_acf(prog, at, acf);
    }
    /* before anything is written: no partial outputs */
    check_program(prog);

    o.input = input;
    o.header_path = hpath;
    const char *hb = strrchr(hpath, '/');
    o.header_include = hb ? hb + 1 : hpath;

    if (!no_header)
        write_file(hpath, emit_header, prog, &o);
    if (!no_client)
        write_file(cpath, emit_client, prog, &o);
    if (!no_server)
        write_file(spath, emit_server, prog, &o);
    return 0;
}

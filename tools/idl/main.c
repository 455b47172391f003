/* main.c - asyncrpc-idl: command line (MIDL's switches, written -x or
 * /x), then parse, check and emit. */
#define _POSIX_C_SOURCE 200809L
#include "idl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
          "  -I DIR, -D NAME[=V], -U NAME   preprocessor options; -I folders are also searched\n"
          "                     for imported files\n"
          "  -no_def_idir       do not search the built-in folder of IDL files (wtypes.idl,\n"
          "                     ms-dtyp.idl); an input file named like one of them and not found\n"
          "                     is taken from there (to generate its header)\n"
          "  -cpp_cmd CMD       preprocessor (default cpp); -cpp_opt \"OPTS\" extra options for it\n"
          "  -no_cpp            do not preprocess\n"
          "  -prefix client|cstub|server|sstub|switch|all PREFIX [...]\n"
          "                     prefix for client stub, server manager and/or extra prototype names\n"
          "  -oldnames          interface handles named If_ClientIfHandle/If_ServerIfHandle\n"
          "  -no_default_epv    the server stubs call the managers only through the registered EPV\n"
          "  -ms_union          union arms aligned to their largest arm (as [ms_union])\n"
          "  -syntax_check      check the input, write nothing\n"
          "Accepted for MIDL command lines, no effect: -Oi -Oic -Oicf -Oif -Os -robust -no_robust\n"
          "  -env win32|win64|... -target T -protocol dce|all -char signed|unsigned|ascii7 -ms_ext\n"
          "  -c_ext -app_config -osf -no_warn -W0..-W4 -WX -nologo -confirm -use_epv -error ...\n"
          "  -iid/-proxy/-dlldata/-tlb FILE -notlb -pack N -ZpN -msc_ver N -lcid N\n",
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

/* MIDL switches that change nothing here: without and with an argument */
static const char *const ignored0[] = {
    "Oi", "Oic", "Oicf", "Oif", "Os", "robust", "no_robust", "ms_ext", "c_ext", "app_config", "osf",
    "no_warn", "W0", "W1", "W2", "W3", "W4", "WX", "nologo", "confirm", "use_epv", "notlb", "no_format_opt",
    "win32", "win64", "x64", "amd64", "ia64", "arm32", "arm64", "Zp1", "Zp2", "Zp4", "Zp8", "Zp16",
    "sal", "sal_local", "nomidl", "newtlb", "oldtlb", "mktyplib203", "no_stamp", "append64",
    NULL};
static const char *const ignored1[] = {
    "env", "target", "protocol", "char", "error", "iid", "proxy", "dlldata", "tlb", "pack", "msc_ver",
    "lcid", "caux", "saux", "Zp", "wire_compat", "ns_prefix", "warn", NULL};
/* the other switches, for telling "/name" options from absolute paths */
static const char *const known[] = {
    "h", "header", "cstub", "sstub", "acf", "out", "cpp_cmd", "cpp_opt", "client", "server", "prefix", "I",
    "D", "U", "no_header", "no_def_idir", "no_cpp", "nocpp", "oldnames", "no_default_epv", "ms_union",
    "syntax_check", "help", "?", "V", NULL};

static int in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (!strcmp(*l, s))
            return 1;
    return 0;
}

/* "/name" is MIDL's spelling of "-name"; an existing absolute path stays a
 * path */
static const char *normalize(const char *a)
{
    if (a[0] != '/' || !a[1])
        return a;
    struct stat st;
    if (stat(a, &st) == 0)
        return a;
    const char *n = a + 1;
    int single = (n[0] == 'I' || n[0] == 'D' || n[0] == 'U') && n[1];
    if (in_list(known, n) || in_list(ignored0, n) || in_list(ignored1, n) || single)
        return xasprintf("-%s", n);
    return a;
}

static int is_prefix_kind(const char *s)
{
    return !strcmp(s, "client") || !strcmp(s, "cstub") || !strcmp(s, "server") || !strcmp(s, "sstub") ||
           !strcmp(s, "switch") || !strcmp(s, "all");
}

/* -cpp_opt "a b c": split on blanks */
static void add_cpp_opts(PpOptions *pp, const char *s)
{
    char *copy = xstrdup(s);
    for (char *t = strtok(copy, " \t"); t; t = strtok(NULL, " \t"))
        pp->args[pp->nargs++] = t;
}

int main(int argc, char **argv)
{
    const char *hdr = NULL, *cstub = NULL, *sstub = NULL, *acf = NULL, *out = NULL, *input = NULL;
    int no_client = 0, no_server = 0, no_header = 0, no_def_idir = 0, no_cpp = 0, ms_union = 0;
    int syntax_only = 0;
    const char *pfx_all = NULL, *pfx_client = NULL, *pfx_server = NULL, *pfx_switch = NULL;
    Options o = {.client_prefix = "", .server_prefix = ""};
    PpOptions pp = {0};
    pp.args = xmalloc(sizeof(char *) * (size_t)(2 * argc + 64));
    const char **idirs = xmalloc(sizeof(char *) * (size_t)(argc + 1));
    int nidirs = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = normalize(argv[i]);
#define ARG() (i + 1 < argc ? argv[++i] : (fatal_plain("option %s needs an argument", a), ""))
        if (!strcmp(a, "-h") || !strcmp(a, "-header") || !strcmp(a, "--header")) hdr = ARG();
        else if (!strcmp(a, "-cstub")) cstub = ARG();
        else if (!strcmp(a, "-sstub")) sstub = ARG();
        else if (!strcmp(a, "-acf")) acf = ARG();
        else if (!strcmp(a, "-out")) out = ARG();
        else if (!strcmp(a, "-cpp_cmd")) pp.cpp = ARG();
        else if (!strcmp(a, "-cpp_opt")) add_cpp_opts(&pp, ARG());
        else if (!strcmp(a, "-client") || !strcmp(a, "-server")) {
            const char *v = ARG();
            if (strcmp(v, "none") && strcmp(v, "stub"))
                fatal_plain("%s accepts none or stub", a);
            if (!strcmp(v, "none"))
                *(a[1] == 'c' ? &no_client : &no_server) = 1;
        } else if (!strcmp(a, "-prefix")) {
            /* -prefix KIND PREFIX [KIND PREFIX ...] */
            int pairs = 0;
            while (i + 1 < argc && is_prefix_kind(argv[i + 1])) {
                const char *which = argv[++i];
                const char *pfx = ARG();
                if (!strcmp(which, "client") || !strcmp(which, "cstub")) pfx_client = pfx;
                else if (!strcmp(which, "server") || !strcmp(which, "sstub")) pfx_server = pfx;
                else if (!strcmp(which, "switch")) pfx_switch = pfx;
                else pfx_all = pfx;
                pairs++;
            }
            if (!pairs)
                fatal_plain("-prefix accepts client, cstub, server, sstub, switch or all (not '%s')",
                            i + 1 < argc ? argv[i + 1] : "");
        } else if (!strncmp(a, "-I", 2) || !strncmp(a, "-D", 2) || !strncmp(a, "-U", 2)) {
            const char *v = a[2] ? a + 2 : ARG();
            pp.args[pp.nargs++] = xasprintf("%.2s%s", a, v);
            if (a[1] == 'I')
                idirs[nidirs++] = v;
        } else if (!strcmp(a, "-no_header")) {
            no_header = 1;
        } else if (!strcmp(a, "-no_def_idir")) {
            no_def_idir = 1;
        } else if (!strcmp(a, "-no_cpp") || !strcmp(a, "-nocpp")) {
            no_cpp = 1;
        } else if (!strcmp(a, "-oldnames")) {
            o.oldnames = 1;
        } else if (!strcmp(a, "-no_default_epv")) {
            o.no_default_epv = 1;
        } else if (!strcmp(a, "-ms_union")) {
            ms_union = 1;
        } else if (!strcmp(a, "-syntax_check")) {
            syntax_only = 1;
        } else if (a[0] == '-' && (in_list(ignored0, a + 1) || (!strncmp(a, "-Zp", 3) && a[3]) ||
                                    (!strncmp(a, "-O", 2) && a[2]))) {
            /* accepted for MIDL command lines; nothing to do */
        } else if (a[0] == '-' && in_list(ignored1, a + 1)) {
            (void)ARG();
        } else if (!strcmp(a, "--help") || !strcmp(a, "-help") || !strcmp(a, "-?")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            puts("asyncrpc-idl 0.2");
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
    import_init(&pp, idirs, nidirs, no_def_idir, no_cpp, argv[0]);
    /* a built-in IDL file by name: `asyncrpc-idl ms-dtyp.idl` writes its header */
    if (access(input, R_OK) != 0 && !strchr(input, '/') && import_builtin_dir()) {
        char *b = xasprintf("%s/%s", import_builtin_dir(), input);
        if (access(b, R_OK) == 0)
            input = b;
    }
    if (access(input, R_OK) != 0)
        fatal_plain("cannot read %s", input);
    /* client, server and switch prefixes override an all prefix */
    o.client_prefix = pfx_client ? pfx_client : pfx_all ? pfx_all : "";
    o.server_prefix = pfx_server ? pfx_server : pfx_all ? pfx_all : "";
    o.switch_prefix = pfx_switch;

    char *base = base_name_noext(input);
    char *hpath = hdr ? in_dir(out, hdr) : in_dir(out, xasprintf("%s.h", base));
    char *cpath = cstub ? in_dir(out, cstub) : in_dir(out, xasprintf("%s_c.c", base));
    char *spath = sstub ? in_dir(out, sstub) : in_dir(out, xasprintf("%s_s.c", base));
    if (!acf) {
        /* MIDL's default: NAME.acf next to NAME.idl */
        char *def = xstrdup(input);
        char *dot = strrchr(def, '.');
        char *slash = strrchr(def, '/');
        if (dot && (!slash || dot > slash))
            *dot = 0;
        char *cand = xasprintf("%s.acf", def);
        if (access(cand, R_OK) == 0)
            acf = cand;
    }

    Program *prog = parse_idl(read_input(input), input, 0);
    if (acf) {
        if (access(acf, R_OK) != 0)
            fatal_plain("cannot read %s", acf);
        parse_acf(prog, read_input(acf), acf);
    }
    if (ms_union)
        for (int i = 0; i < prog->nifaces; i++)
            prog->ifaces[i]->ms_union = 1;
    /* before anything is written: no partial outputs */
    check_program(prog);
    if (syntax_only)
        return 0;

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

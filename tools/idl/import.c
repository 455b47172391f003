/* import.c - input files: the main IDL/ACF and `import`ed IDL files
 * (found along a search path, parsed once each), and the built-in folder
 * of IDL files shipped with the compiler (wtypes.idl, ms-dtyp.idl).
 *
 * The built-in folder is, in order of preference:
 *   <folder of the executable>/ASYNCRPC_IDL_DATA_REL (installed:
 *   ../share/asyncrpc/idl from bin/ with the usual layout)
 *   ASYNCRPC_IDL_SOURCE_INCLUDE, the source tree's tools/idl/include,
 *   compiled in (running from a build tree). */
#define _XOPEN_SOURCE 700
#include "idl.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const PpOptions *pp_opts;
static const char **search;
static int nsearch;
static int skip_cpp;
static char *builtin;

typedef struct Done {
    char *path;
    char *header;
    struct Done *next;
} Done;
static Done *done;

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

/* the folder holding the running executable, or NULL */
static char *exe_dir(const char *argv0)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = 0;
        return dir_of(buf);
    }
    if (argv0 && strchr(argv0, '/')) {
        char *r = realpath(argv0, NULL);
        if (r) {
            char *d = dir_of(r);
            free(r);
            return d;
        }
    }
    return NULL;
}

void import_init(const PpOptions *pp, const char **dirs, int ndirs, int no_default, int no_cpp,
                 const char *argv0)
{
    pp_opts = pp;
    search = dirs;
    nsearch = ndirs;
    skip_cpp = no_cpp;
    if (no_default)
        return;
#ifndef ASYNCRPC_IDL_DATA_REL
#define ASYNCRPC_IDL_DATA_REL "../share/asyncrpc/idl"
#endif
    char *ed = exe_dir(argv0);
    if (ed) {
        char *cand = xasprintf("%s/%s", ed, ASYNCRPC_IDL_DATA_REL);
        if (is_dir(cand))
            builtin = cand;
        free(ed);
    }
#ifdef ASYNCRPC_IDL_SOURCE_INCLUDE
    if (!builtin && is_dir(ASYNCRPC_IDL_SOURCE_INCLUDE))
        builtin = xstrdup(ASYNCRPC_IDL_SOURCE_INCLUDE);
#endif
}

const char *import_builtin_dir(void)
{
    return builtin;
}

char *read_input(const char *path)
{
    if (!skip_cpp)
        return preprocess(pp_opts, path);
    FILE *f = fopen(path, "rb");
    if (!f)
        fatal_plain("cannot read %s: %s", path, strerror(errno));
    size_t cap = 65536, len = 0;
    char *buf = xmalloc(cap);
    size_t k;
    while ((k = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += k;
        if (cap - len < 4096) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    fclose(f);
    buf[len] = 0;
    return buf;
}

/* name.idl -> name.h (the header MIDL includes for an import) */
static char *header_of(const char *name)
{
    const char *base = idl_basename(name);
    const char *dot = strrchr(base, '.');
    size_t n = dot ? (size_t)(dot - base) : strlen(base);
    return xasprintf("%.*s.h", (int)n, base);
}

static char *find(const char *name, const char *from)
{
    if (name[0] == '/')
        return is_file(name) ? xstrdup(name) : NULL;
    char *fd = dir_of(from);
    char *cand = xasprintf("%s/%s", fd, name);
    free(fd);
    if (is_file(cand))
        return cand;
    free(cand);
    if (is_file(name))
        return xstrdup(name);
    for (int i = 0; i < nsearch; i++) {
        cand = xasprintf("%s/%s", search[i], name);
        if (is_file(cand))
            return cand;
        free(cand);
    }
    if (builtin) {
        cand = xasprintf("%s/%s", builtin, name);
        if (is_file(cand))
            return cand;
        free(cand);
    }
    return NULL;
}

char *import_file(const char *name, Loc loc)
{
    char *path = find(name, loc.file ? loc.file : ".");
    if (!path)
        fatal(loc, "cannot find imported file '%s' (searched the importing file's folder, the current "
                   "folder, the -I folders%s)",
              name, builtin ? " and the built-in folder" : "");
    char *real = realpath(path, NULL);
    const char *key = real ? real : path;
    for (Done *d = done; d; d = d->next)
        if (!strcmp(d->path, key)) {
            free(real);
            free(path);
            return d->header;
        }
    Done *d = xmalloc(sizeof *d);
    d->path = xstrdup(key);
    d->header = header_of(name);
    d->next = done;
    done = d;
    free(real);
    /* parsed for its definitions; its items and interfaces are dropped */
    (void)parse_idl(read_input(path), path, 1);
    return d->header;
}

/* preproc.c - runs the host C preprocessor and maps columns back to the
 * original source (cpp keeps line markers but collapses white space). */
#define _POSIX_C_SOURCE 200809L
#include "idl.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

char *preprocess(const PpOptions *o, const char *path)
{
    const char *cpp = o->cpp ? o->cpp : "cpp";
    const char **argv = xmalloc(sizeof *argv * (size_t)(o->nargs + 8));
    int n = 0;
    argv[n++] = cpp;
    argv[n++] = "-xc";
    argv[n++] = "-D__midl=501";
    argv[n++] = "-D__asyncrpc_idl__=1";
    for (int i = 0; i < o->nargs; i++)
        argv[n++] = o->args[i];
    argv[n++] = path;
    argv[n] = NULL;

    int fds[2];
    if (pipe(fds) != 0)
        fatal_plain("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        fatal_plain("fork: %s", strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        if (dup2(fds[1], 1) < 0)
            _exit(127);
        close(fds[1]);
        execvp(cpp, (char *const *)argv);
        fprintf(stderr, "asyncrpc-idl: error: cannot run the preprocessor '%s': %s\n", cpp,
                strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    size_t cap = 65536, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (len + 4096 > cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t k = read(fds[0], buf + len, cap - len - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    buf[len] = 0;
    close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fatal_plain("preprocessing %s failed", path);
    free(argv);
    return buf;
}

/* ---- original source lines, for columns */
typedef struct SrcFile {
    char *name;
    char **lines;
    int nlines;
    struct SrcFile *next;
} SrcFile;
static SrcFile *files;

static SrcFile *load(const char *name)
{
    for (SrcFile *f = files; f; f = f->next)
        if (!strcmp(f->name, name))
            return f;
    SrcFile *f = xmalloc(sizeof *f);
    f->name = xstrdup(name);
    f->next = files;
    files = f;
    FILE *fp = fopen(name, "rb");
    if (!fp)
        return f;
    char *line = NULL;
    size_t cap = 0;
    ssize_t k;
    while ((k = getline(&line, &cap, fp)) >= 0) {
        while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r'))
            line[--k] = 0;
        f->lines = xrealloc(f->lines, sizeof *f->lines * (size_t)(f->nlines + 1));
        f->lines[f->nlines++] = xstrdup(line);
    }
    free(line);
    fclose(fp);
    return f;
}

int source_column(const char *file, int line, const char *tok, int *cursor)
{
    SrcFile *f = load(file);
    if (line < 1 || line > f->nlines)
        return 0;
    const char *s = f->lines[line - 1];
    size_t slen = strlen(s);
    if ((size_t)*cursor > slen)
        return 0;
    size_t tl = strlen(tok);
    if (!tl)
        return 0;
    for (const char *p = s + *cursor; (p = strstr(p, tok)) != NULL; p++) {
        /* whole identifiers only */
        int isid = (tok[0] == '_' || (tok[0] >= 'a' && tok[0] <= 'z') ||
                    (tok[0] >= 'A' && tok[0] <= 'Z'));
        if (isid) {
            char b = p > s ? p[-1] : ' ', a = p[tl];
            int bid = b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
            int aid = a == '_' || (a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z') || (a >= '0' && a <= '9');
            if (bid || aid)
                continue;
        }
        *cursor = (int)(p - s + (ptrdiff_t)tl);
        return (int)(p - s) + 1;
    }
    return 0;
}

/* lexer.c - tokens of preprocessed IDL/ACF text; follows the line markers
 * the preprocessor leaves ("# 12 \"file.idl\"") so every token carries the
 * original file, line and column. */
#include "idl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct Lexer {
    const char *s;
    const char *p;
    const char *line_start;   /* start of the current output line */
    const char *file;
    int line;                 /* original line of the current output line */
    int cursor_line;          /* line the column cursor belongs to */
    const char *cursor_file;
    int cursor;               /* byte offset in the original line */
};

Lexer *lexer_new(const char *text, const char *fallback_file)
{
    Lexer *lx = xmalloc(sizeof *lx);
    lx->s = lx->p = lx->line_start = text;
    lx->file = xstrdup(fallback_file);
    lx->line = 1;
    return lx;
}

static int at_line_start(Lexer *lx)
{
    for (const char *q = lx->line_start; q < lx->p; q++)
        if (*q != ' ' && *q != '\t')
            return 0;
    return 1;
}

/* "# 12 "file" flags" or "#line 12 "file"" or "#pragma ..." */
static void directive(Lexer *lx)
{
    const char *q = lx->p + 1;
    while (*q == ' ' || *q == '\t')
        q++;
    if (!strncmp(q, "line", 4))
        q += 4;
    while (*q == ' ' || *q == '\t')
        q++;
    if (isdigit((unsigned char)*q)) {
        long n = strtol(q, (char **)&q, 10);
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '"') {
            const char *e = ++q;
            while (*e && *e != '"' && *e != '\n')
                e++;
            lx->file = xstrndup(q, (size_t)(e - q));
        }
        /* the line after the marker has number n */
        while (*lx->p && *lx->p != '\n')
            lx->p++;
        if (*lx->p == '\n')
            lx->p++;
        lx->line_start = lx->p;
        lx->line = (int)n;
        return;
    }
    /* #pragma and anything else: ignored */
    while (*lx->p && *lx->p != '\n')
        lx->p++;
}

static void skip_space(Lexer *lx)
{
    for (;;) {
        char c = *lx->p;
        if (c == '\n') {
            lx->p++;
            lx->line++;
            lx->line_start = lx->p;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lx->p++;
        } else if (c == '#' && at_line_start(lx)) {
            directive(lx);
        } else {
            return;
        }
    }
}

static Loc loc_for(Lexer *lx, const char *start, const char *raw)
{
    Loc l = {lx->file, lx->line, (int)(start - lx->line_start) + 1};
    if (lx->cursor_line != lx->line || lx->cursor_file != lx->file) {
        lx->cursor_line = lx->line;
        lx->cursor_file = lx->file;
        lx->cursor = 0;
    }
    int c = source_column(lx->file, lx->line, raw, &lx->cursor);
    if (c > 0)
        l.col = c;
    return l;
}

static const char *two_char[] = {"<<", ">>", "&&", "||", "==", "!=", "<=", ">=", "::", "->", NULL};

Token lexer_next(Lexer *lx)
{
    Token t = {0};
    skip_space(lx);
    const char *st = lx->p;
    char c = *st;
    if (!c) {
        t.kind = TK_EOF;
        t.text = "";
        t.loc = (Loc){lx->file, lx->line, (int)(st - lx->line_start) + 1};
        return t;
    }
    if (isalpha((unsigned char)c) || c == '_') {
        const char *e = st;
        while (isalnum((unsigned char)*e) || *e == '_')
            e++;
        t.kind = TK_IDENT;
        t.text = xstrndup(st, (size_t)(e - st));
        lx->p = e;
        t.loc = loc_for(lx, st, t.text);
        return t;
    }
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)st[1]))) {
        const char *e = st;
        while (isalnum((unsigned char)*e) || *e == '.' || *e == '_')
            e++;
        t.kind = TK_NUM;
        t.text = xstrndup(st, (size_t)(e - st));
        lx->p = e;
        t.loc = loc_for(lx, st, t.text);
        return t;
    }
    if (c == '"' || c == '\'') {
        const char *e = st + 1;
        while (*e && *e != c && *e != '\n') {
            if (*e == '\\' && e[1])
                e++;
            e++;
        }
        if (*e != c) {
            Loc l = loc_for(lx, st, "\"");
            fatal(l, "unterminated %s literal", c == '"' ? "string" : "character");
        }
        t.kind = c == '"' ? TK_STR : TK_CHAR;
        t.text = xstrndup(st + 1, (size_t)(e - st - 1));
        char *raw = xstrndup(st, (size_t)(e - st + 1));
        lx->p = e + 1;
        t.loc = loc_for(lx, st, raw);
        free(raw);
        return t;
    }
    for (int i = 0; two_char[i]; i++)
        if (st[0] == two_char[i][0] && st[1] == two_char[i][1]) {
            t.kind = TK_PUNCT;
            t.text = xstrndup(st, 2);
            lx->p = st + 2;
            t.loc = loc_for(lx, st, t.text);
            return t;
        }
    t.kind = TK_PUNCT;
    t.text = xstrndup(st, 1);
    lx->p = st + 1;
    t.loc = loc_for(lx, st, t.text);
    return t;
}

char *lexer_raw_until_paren(Lexer *lx, Loc *loc)
{
    skip_space(lx);
    const char *st = lx->p, *e = st;
    while (*e && *e != ')' && *e != '\n')
        e++;
    char *raw = xstrndup(st, (size_t)(e - st));
    *loc = loc_for(lx, st, raw);
    lx->p = e;
    /* trim */
    size_t n = strlen(raw);
    while (n && isspace((unsigned char)raw[n - 1]))
        raw[--n] = 0;
    return raw;
}

/* Growable string (strbuf.h). */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(tc_strbuf *sb, size_t extra)
{
    if (sb->failed)
        return false;
    if (sb->len + extra + 1 <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 4096;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *p = realloc(sb->data, cap);
    if (!p) {
        sb->failed = true;
        return false;
    }
    sb->data = p;
    sb->cap = cap;
    return true;
}

void tc_sb_printf(tc_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void tc_sb_xml_text(tc_strbuf *sb, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': tc_sb_printf(sb, "&amp;"); break;
        case '<': tc_sb_printf(sb, "&lt;"); break;
        case '>': tc_sb_printf(sb, "&gt;"); break;
        case '"': tc_sb_printf(sb, "&quot;"); break;
        case '\'': tc_sb_printf(sb, "&apos;"); break;
        default: tc_sb_printf(sb, "%c", *s);
        }
    }
}

char *tc_sb_take(tc_strbuf *sb, size_t *len)
{
    char *p = sb->failed ? NULL : sb->data;
    if (sb->failed)
        free(sb->data);
    if (p == NULL && !sb->failed) {
        p = calloc(1, 1);
    }
    if (len)
        *len = p ? sb->len : 0;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = false;
    return p;
}

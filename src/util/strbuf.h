/* A growable string for generated text (XML, Markdown). Allocation failure
 * is sticky: sb->failed is set and later appends do nothing. */
#ifndef TC_UTIL_STRBUF_H
#define TC_UTIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tc_strbuf {
    char *data;
    size_t len, cap;
    bool failed;
} tc_strbuf;

void tc_sb_printf(tc_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append text with XML's five special characters escaped. */
void tc_sb_xml_text(tc_strbuf *sb, const char *s);
/* Take the string (NUL-terminated; NULL if anything failed); sb is reset. */
char *tc_sb_take(tc_strbuf *sb, size_t *len);

#endif

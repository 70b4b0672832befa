/* Firmware versions (semver.h). */
#include "firmware/semver.h"

#include <stddef.h>

/* One number of 1..9 digits at *p, no leading zero; advances *p. */
static bool number(const char **p, unsigned long *out)
{
    const char *s = *p;
    size_t n = 0;
    unsigned long v = 0;
    while (s[n] >= '0' && s[n] <= '9') {
        if (n == 9)
            return false;
        v = v * 10 + (unsigned long)(s[n] - '0');
        n++;
    }
    if (n == 0 || (n > 1 && s[0] == '0'))
        return false;
    *out = v;
    *p = s + n;
    return true;
}

bool tc_semver_parse(const char *text, tc_semver *v)
{
    const char *p = text;
    tc_semver r;
    if (!number(&p, &r.major) || *p++ != '.' || !number(&p, &r.minor) || *p++ != '.' ||
        !number(&p, &r.patch) || *p != 0)
        return false;
    *v = r;
    return true;
}

static int cmp_ul(unsigned long a, unsigned long b) { return a < b ? -1 : a > b; }

int tc_semver_cmp(const tc_semver *a, const tc_semver *b)
{
    int c = cmp_ul(a->major, b->major);
    if (c == 0)
        c = cmp_ul(a->minor, b->minor);
    if (c == 0)
        c = cmp_ul(a->patch, b->patch);
    return c;
}

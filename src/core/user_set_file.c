/* The user-set file format (user_set_file.h). */
#include "core/user_set_file.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

char *tc_user_set_format(const tc_user_set *u)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    len += (size_t)snprintf(out, cap, "# twincam user set\n");
    for (unsigned i = 0; i < tc_feature_count && len < cap - 256; i++) {
        const tc_feature *f = &tc_features[i];
        if (!(f->flags & TC_FF_PERSIST))
            continue;
        if (f->type == TC_FT_STRING) {
            len += (size_t)snprintf(out + len, cap - len, "%s[0]=%s\n", f->name, u->strings[i]);
            continue;
        }
        for (unsigned k = 0; k < (f->n_index ? f->n_index : 1u); k++) {
            if (f->type == TC_FT_FLOAT)
                len += (size_t)snprintf(out + len, cap - len, "%s[%u]=%.17g\n", f->name, k, u->values[i][k].f);
            else
                len += (size_t)snprintf(out + len, cap - len, "%s[%u]=%lld\n", f->name, k,
                                        (long long)u->values[i][k].i);
        }
    }
    return out;
}

int tc_user_set_parse(FILE *fp, tc_user_set *u)
{
    char line[256];
    int n = 0;
    while (fgets(line, sizeof(line), fp)) {
        size_t l = strlen(line);
        if (l == sizeof(line) - 1 && line[l - 1] != '\n') { /* overlong: skip the rest */
            int ch;
            while ((ch = fgetc(fp)) != EOF && ch != '\n')
                ;
            continue;
        }
        line[strcspn(line, "\r\n")] = 0;
        char *br = strchr(line, '['), *eq = strchr(line, '=');
        if (line[0] == '#' || !br || !eq || eq < br)
            continue;
        *br = 0;
        const tc_feature *f = tc_feature_find(line);
        char *end;
        unsigned long k = strtoul(br + 1, &end, 10);
        if (!f || !(f->flags & TC_FF_PERSIST) || *end != ']' || end + 1 != eq ||
            k >= (f->n_index ? f->n_index : 1u))
            continue;
        unsigned i = tc_feature_index(f);
        const char *val = eq + 1;
        errno = 0;
        if (f->type == TC_FT_STRING) {
            if (strlen(val) < TC_STRING_MAX && strlen(val) < f->length)
                snprintf(u->strings[i], TC_STRING_MAX, "%s", val), n++;
        } else if (f->type == TC_FT_FLOAT) {
            double x = strtod(val, &end);
            if (!*end && !errno && end != val)
                u->values[i][k].f = x, n++;
        } else {
            long long x = strtoll(val, &end, 10);
            if (!*end && !errno && end != val)
                u->values[i][k].i = x, n++;
        }
    }
    return n;
}


static int bad(char *why, size_t cap, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(char *why, size_t cap, unsigned line, const char *fmt, ...)
{
    int n = line ? snprintf(why, cap, "line %u: ", line) : 0;
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < cap)
        vsnprintf(why + n, cap - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* The widest range a feature can ever take: its own, or its dynamic bound's
 * (Width up to WidthLimit's largest). The live bound is checked at load. */
static void static_bounds(const tc_feature *f, int64_t *lo, int64_t *hi, double *flo, double *fhi)
{
    const tc_feature *pmin = f->pmin ? tc_feature_find(f->pmin) : NULL;
    const tc_feature *pmax = f->pmax ? tc_feature_find(f->pmax) : NULL;
    *lo = pmin ? pmin->imin : f->imin;
    *hi = pmax ? pmax->imax : f->imax;
    *flo = pmin ? pmin->fmin : f->fmin;
    *fhi = pmax ? pmax->fmax : f->fmax;
}

static int check_value(const tc_feature *f, const char *val, unsigned line, char *why, size_t cap)
{
    char *end;
    errno = 0;
    if (f->type == TC_FT_STRING) {
        size_t n = strlen(val);
        if (n >= f->length || n >= TC_STRING_MAX)
            return bad(why, cap, line, "%s takes at most %u characters", f->name, (unsigned)f->length - 1);
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)val[i] < 0x20 || (unsigned char)val[i] == 0x7F)
                return bad(why, cap, line, "%s takes printable characters only", f->name);
        return 0;
    }
    int64_t lo, hi;
    double flo, fhi;
    static_bounds(f, &lo, &hi, &flo, &fhi);
    if (f->type == TC_FT_FLOAT) {
        double x = strtod(val, &end);
        if (end == val || *end || errno || !isfinite(x))
            return bad(why, cap, line, "%s: '%s' is not a number", f->name, val);
        if (x < flo || x > fhi)
            return bad(why, cap, line, "%s = %g is outside %g..%g", f->name, x, flo, fhi);
        return 0;
    }
    long long x = strtoll(val, &end, 10);
    if (end == val || *end || errno)
        return bad(why, cap, line, "%s: '%s' is not an integer", f->name, val);
    switch (f->type) {
    case TC_FT_ENUM:
        if (!tc_enum_by_value(f, x))
            return bad(why, cap, line, "%s has no entry with value %lld", f->name, x);
        return 0;
    case TC_FT_BOOL:
        if (x != 0 && x != 1)
            return bad(why, cap, line, "%s takes 0 or 1, not %lld", f->name, x);
        return 0;
    default:
        if (x < lo || x > hi)
            return bad(why, cap, line, "%s = %lld is outside %lld..%lld", f->name, x, (long long)lo,
                       (long long)hi);
        if (f->inc > 1 && (x - lo) % f->inc != 0)
            return bad(why, cap, line, "%s = %lld is not %lld + a multiple of %lld", f->name, x,
                       (long long)lo, (long long)f->inc);
        return 0;
    }
}

int tc_user_set_check(const char *text, size_t len, char *why, size_t cap)
{
    if (len > TC_USER_SET_FILE_MAX)
        return bad(why, cap, 0, "%zu bytes; a user set has at most %u", len, TC_USER_SET_FILE_MAX);
    if (len && memchr(text, 0, len))
        return bad(why, cap, 0, "a NUL byte: a user set is text");
    unsigned line = 0, values = 0;
    for (size_t at = 0; at < len;) {
        const char *start = text + at;
        const char *nl = memchr(start, '\n', len - at);
        size_t l = nl ? (size_t)(nl - start) : len - at;
        at += l + (nl ? 1 : 0);
        line++;
        if (l > 0 && start[l - 1] == '\r')
            l--;
        if (l == 0 || start[0] == '#')
            continue;
        char buf[256];
        if (l >= sizeof(buf))
            return bad(why, cap, line, "longer than %zu characters", sizeof(buf) - 1);
        memcpy(buf, start, l);
        buf[l] = 0;
        char *br = strchr(buf, '['), *eq = strchr(buf, '=');
        if (!br || !eq || eq < br)
            return bad(why, cap, line, "not Feature[index]=value");
        *br = 0;
        const tc_feature *f = tc_feature_find(buf);
        if (!f || !(f->flags & TC_FF_PERSIST))
            return bad(why, cap, line, "%s is not a feature user sets hold", buf);
        char *end;
        errno = 0;
        unsigned long k = strtoul(br + 1, &end, 10);
        if (end == br + 1 || *end != ']' || end + 1 != eq || errno || k >= (f->n_index ? f->n_index : 1u))
            return bad(why, cap, line, "%s: bad index", f->name);
        if (check_value(f, eq + 1, line, why, cap) != 0)
            return -1;
        values++;
    }
    if (values == 0)
        return bad(why, cap, line, "no values");
    return 0;
}

/* The user-set file format (user_set_file.h). */
#include "core/user_set_file.h"

#include <errno.h>
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


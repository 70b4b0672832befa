/* User sets: Default (the power-on table, read-only) and UserSet1/UserSet2,
 * each a copy of every feature flagged TC_FF_PERSIST.
 *
 * With a state directory (tc_options.state_dir, `serve --state-dir`) they
 * persist as text files, one `Feature[index]=value` per line:
 *   <dir>/<serial>.UserSet1, <dir>/<serial>.UserSet2, and
 *   <dir>/<serial>.startup holding `UserSetDefault=<n>`.
 * Files are replaced atomically (write, fsync, rename) and read as hostile
 * input: unknown or non-persistent features, bad numbers and overlong lines
 * are skipped; values are checked when the set is loaded, like any write. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/acquisition.h"
#include "core/device.h"
#include "core/handlers.h"

static const char *set_names[TC_USER_SETS] = { "Default", "UserSet1", "UserSet2" };

static int state_path(tc_device *d, const char *what, char *path, size_t cap)
{
    char serial[TC_STRING_MAX];
    snprintf(serial, sizeof(serial), "%s", d->identity[2]);
    for (char *c = serial; *c; c++) /* a serial from the command line names a file */
        if (*c == '/' || *c == '.')
            *c = '_';
    return snprintf(path, cap, "%s/%s.%s", d->state_dir, serial, what) < (int)cap ? 0 : -1;
}

/* Write `text` to the state file atomically. */
static int write_state(tc_device *d, const char *what, const char *text)
{
    char path[512], tmp[520];
    if (!d->state_dir[0])
        return 0;
    if (state_path(d, what, path, sizeof(path)) != 0)
        return tc_device_refuse(d, TC_EIO, "state directory path too long");
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    int ok = fp && fputs(text, fp) >= 0 && fflush(fp) == 0 && fsync(fileno(fp)) == 0;
    if (fp && fclose(fp) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return tc_device_refuse(d, TC_EIO, "cannot write %s: %s", path, strerror(errno));
    }
    return 0;
}

static char *serialise_set(const tc_user_set *u)
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

static int alloc_set(tc_user_set *u)
{
    if (u->values)
        return 0;
    u->values = calloc(tc_feature_count, sizeof(*u->values));
    u->strings = calloc(tc_feature_count, sizeof(*u->strings));
    if (!u->values || !u->strings) {
        free(u->values), free(u->strings);
        u->values = NULL, u->strings = NULL;
        return -1;
    }
    return 0;
}

/* Parse a saved set into u (starting from the current values, so a file that
 * misses a feature leaves it as it is). Returns the number of values read. */
static int parse_set(tc_device *d, FILE *fp, tc_user_set *u)
{
    memcpy(u->values, d->values, tc_feature_count * sizeof(*u->values));
    memcpy(u->strings, d->strings, tc_feature_count * sizeof(*u->strings));
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

void tc_user_sets_restore(tc_device *d)
{
    if (!d->state_dir[0])
        return;
    char path[512];
    for (unsigned n = 1; n < TC_USER_SETS; n++) {
        if (state_path(d, set_names[n], path, sizeof(path)) != 0)
            continue;
        FILE *fp = fopen(path, "r");
        if (!fp)
            continue;
        if (alloc_set(&d->user_sets[n]) == 0 && parse_set(d, fp, &d->user_sets[n]) > 0)
            d->user_sets[n].valid = true;
        fclose(fp);
    }
    /* Power-up set */
    FILE *fp = state_path(d, "startup", path, sizeof(path)) == 0 ? fopen(path, "r") : NULL;
    long startup = 0;
    if (fp) {
        char line[64] = "";
        if (fgets(line, sizeof(line), fp) && !strncmp(line, "UserSetDefault=", 15))
            startup = strtol(line + 15, NULL, 10);
        fclose(fp);
    }
    if (startup > 0 && startup < TC_USER_SETS && d->user_sets[startup].valid) {
        tc_device_slot(d, "UserSetDefault", 0)->i = startup;
        tc_device_slot(d, "UserSetSelector", 0)->i = startup;
        tc_cmd_user_set_load(d, NULL, 0, (tc_value){ .i = 1 });
        tc_device_slot(d, "UserSetSelector", 0)->i = 0;
    }
}

int tc_set_user_set_default(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)idx;
    char text[64];
    snprintf(text, sizeof(text), "UserSetDefault=%lld\n", (long long)v.i);
    int rc = write_state(d, "startup", text);
    if (rc != 0)
        return rc;
    d->values[tc_feature_index(f)][0] = v;
    return 0;
}

int tc_cmd_user_set_save(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    int64_t sel = tc_device_int(d, "UserSetSelector");
    if (sel <= 0 || sel >= TC_USER_SETS)
        return tc_device_refuse(d, TC_EACCESS, "the Default user set is read-only");
    tc_user_set *u = &d->user_sets[sel];
    if (alloc_set(u) != 0)
        return tc_device_refuse(d, TC_ENOMEM, "no memory for the user set");
    memcpy(u->values, d->values, tc_feature_count * sizeof(*u->values));
    memcpy(u->strings, d->strings, tc_feature_count * sizeof(*u->strings));
    u->valid = true;
    char *text = serialise_set(u);
    if (!text)
        return tc_device_refuse(d, TC_ENOMEM, "no memory for the user set");
    int rc = write_state(d, set_names[sel], text);
    free(text);
    return rc;
}

int tc_cmd_user_set_load(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    if (tc_acq_running(d->acq))
        return tc_device_refuse(d, TC_EBUSY, "user sets cannot load while acquisition runs");
    int64_t sel = tc_device_int(d, "UserSetSelector");
    if (sel < 0 || sel >= TC_USER_SETS)
        return tc_device_refuse(d, TC_ERANGE, "no such user set");
    if (sel > 0 && !d->user_sets[sel].valid)
        return tc_device_refuse(d, TC_EBUSY, "that user set was never saved");
    if (sel == 0) {
        /* Default: power-on values of the persistent features only. */
        tc_value (*saved)[TC_MAX_INDEX] = malloc(tc_feature_count * sizeof(*saved));
        char (*sstr)[TC_STRING_MAX] = malloc(tc_feature_count * sizeof(*sstr));
        if (!saved || !sstr) {
            free(saved), free(sstr);
            return tc_device_refuse(d, TC_ENOMEM, "no memory");
        }
        memcpy(saved, d->values, tc_feature_count * sizeof(*saved));
        memcpy(sstr, d->strings, tc_feature_count * sizeof(*sstr));
        tc_device_load_defaults(d);
        for (unsigned i = 0; i < tc_feature_count; i++) {
            if (tc_features[i].flags & TC_FF_PERSIST)
                continue;
            memcpy(d->values[i], saved[i], sizeof(saved[i]));
            memcpy(d->strings[i], sstr[i], sizeof(sstr[i]));
        }
        free(saved);
        free(sstr);
    } else {
        tc_user_set *u = &d->user_sets[sel];
        tc_value (*before)[TC_MAX_INDEX] = malloc(tc_feature_count * sizeof(*before));
        char (*sbefore)[TC_STRING_MAX] = malloc(tc_feature_count * sizeof(*sbefore));
        if (!before || !sbefore) {
            free(before), free(sbefore);
            return tc_device_refuse(d, TC_ENOMEM, "no memory");
        }
        memcpy(before, d->values, tc_feature_count * sizeof(*before));
        memcpy(sbefore, d->strings, tc_feature_count * sizeof(*sbefore));
        for (unsigned i = 0; i < tc_feature_count; i++) {
            if (!(tc_features[i].flags & TC_FF_PERSIST))
                continue;
            memcpy(d->values[i], u->values[i], sizeof(u->values[i]));
            memcpy(d->strings[i], u->strings[i], sizeof(u->strings[i]));
        }
        /* A set read from a file is checked like any write: all or nothing. */
        int rc = tc_device_validate_all(d);
        if (rc != 0) {
            char why[sizeof(d->why)];
            snprintf(why, sizeof(why), "%s", d->why);
            memcpy(d->values, before, tc_feature_count * sizeof(*before));
            memcpy(d->strings, sbefore, tc_feature_count * sizeof(*sbefore));
            free(before), free(sbefore);
            return tc_device_refuse(d, rc, "%s holds an invalid value: %s", set_names[sel], why);
        }
        free(before), free(sbefore);
    }
    /* The scene is sensor state: apply the loaded choice. */
    tc_value scene = *tc_device_slot(d, "TwinScene", 0);
    if (tc_set_twin_scene(d, tc_feature_find("TwinScene"), 0, scene) != 0)
        tc_device_slot(d, "TwinScene", 0)->i = 0;
    return 0;
}

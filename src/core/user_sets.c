/* User sets: Default (the power-on table, read-only) and UserSet1/UserSet2,
 * each a copy of every feature flagged TC_FF_PERSIST.
 *
 * With a state directory (tc_options.state_dir, `serve --state-dir`) they
 * persist as text files, one `Feature[index]=value` per line:
 *   <dir>/<serial>.UserSet1, <dir>/<serial>.UserSet2, and
 *   <dir>/<serial>.startup holding `UserSetDefault=<n>`.
 * Files are replaced atomically (write, fsync, rename) and read as hostile
 * input: unknown or non-persistent features, bad numbers and overlong lines
 * are skipped. Loading a set is a client's writes: every value goes through
 * its feature's checks and handler, in an order that respects their
 * dependencies, and the set is refused (naming the feature, nothing changed)
 * if any value is refused or does not hold together with the rest. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/acquisition.h"
#include "core/device.h"
#include "core/handlers.h"
#include "core/user_set_file.h"

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
        tc_user_set *u = &d->user_sets[n];
        if (alloc_set(u) == 0) {
            memcpy(u->values, d->values, tc_feature_count * sizeof(*u->values));
            memcpy(u->strings, d->strings, tc_feature_count * sizeof(*u->strings));
            u->valid = tc_user_set_parse(fp, u) > 0;
        }
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
    /* tc_device_power_up loads it. */
    if (startup > 0 && startup < TC_USER_SETS && d->user_sets[startup].valid)
        tc_device_slot(d, "UserSetDefault", 0)->i = startup;
}

int tc_user_sets_write_startup(tc_device *d, int64_t v)
{
    char text[64];
    snprintf(text, sizeof(text), "UserSetDefault=%lld\n", (long long)v);
    return write_state(d, "startup", text);
}

/* The file is written when the write commits (transaction.c), so a write
 * refused elsewhere in the same span leaves it alone. */
int tc_set_user_set_default(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)idx;
    d->values[tc_feature_index(f)][0] = v;
    d->startup_pending = true;
    return 0;
}

/* The file first, then the copy in memory: a save that cannot be written is
 * refused and saves nothing. */
int tc_cmd_user_set_save(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    int64_t sel = tc_device_int(d, "UserSetSelector");
    if (sel <= 0 || sel >= TC_USER_SETS)
        return tc_device_refuse(d, TC_EACCESS, "the Default user set is read-only");
    tc_user_set *u = &d->user_sets[sel];
    if (alloc_set(u) != 0)
        return tc_device_refuse(d, TC_ENOMEM, "no memory for the user set");
    tc_user_set now = { true, d->values, d->strings };
    char *text = tc_user_set_format(&now);
    if (!text)
        return tc_device_refuse(d, TC_ENOMEM, "no memory for the user set");
    int rc = write_state(d, set_names[sel], text);
    free(text);
    if (rc != 0)
        return rc;
    memcpy(u->values, d->values, tc_feature_count * sizeof(*u->values));
    memcpy(u->strings, d->strings, tc_feature_count * sizeof(*u->strings));
    u->valid = true;
    return 0;
}

/* Loaded before the other features, in this order: the scene's path before
 * the scene (its handler needs it), binning before the AOI it rescales, the
 * AOI's sizes before its offsets. */
static const char *const load_first[] = { "TwinScenePath", "BinningHorizontal", "BinningVertical",
                                          "Width", "Height", "OffsetX", "OffsetY" };

static bool loads_first(const tc_feature *f)
{
    for (size_t i = 0; i < sizeof(load_first) / sizeof(load_first[0]); i++)
        if (!strcmp(f->name, load_first[i]))
            return true;
    return false;
}

/* AcquisitionFrameRate holds the client's request (device.c): its live
 * maximum follows the AOI, exposure and link of the rest of the set, so the
 * request comes back as saved, within the largest rate the timing model can
 * ever give. */
static int restore_rate_request(tc_device *d, const tc_feature *f, double r)
{
    double top = tc_feature_find(f->pmax)->fmax;
    if (!isfinite(r) || r < f->fmin || r > top)
        return tc_device_refuse(d, TC_ERANGE, "%s = %g is outside %g..%g", f->name, r, f->fmin, top);
    d->values[tc_feature_index(f)][0].f = r;
    return 0;
}

static int apply_feature(tc_device *d, const tc_feature *f, tc_value (*values)[TC_MAX_INDEX],
                         char (*strings)[TC_STRING_MAX])
{
    unsigned i = tc_feature_index(f);
    if (f->type == TC_FT_STRING)
        return tc_device_apply_string(d, f, strings[i]);
    if (!strcmp(f->name, "AcquisitionFrameRate"))
        return restore_rate_request(d, f, values[i][0].f);
    for (unsigned k = 0; k < (f->n_index ? f->n_index : 1u); k++) {
        int rc = tc_device_apply(d, f, k, values[i][k]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* After every value was taken: one that a later write changed (BinningVertical
 * 1 undoing BinningHorizontal 2, which must be joint) means the set does not
 * hold together. */
static int check_kept(tc_device *d, tc_value (*values)[TC_MAX_INDEX], char (*strings)[TC_STRING_MAX])
{
    for (unsigned i = 0; i < tc_feature_count; i++) {
        const tc_feature *f = &tc_features[i];
        if (!(f->flags & TC_FF_PERSIST))
            continue;
        if (f->type == TC_FT_STRING) {
            if (strcmp(d->strings[i], strings[i]) != 0)
                return tc_device_refuse(d, TC_ERANGE, "%s does not keep its value", f->name);
            continue;
        }
        for (unsigned k = 0; k < (f->n_index ? f->n_index : 1u); k++) {
            tc_value want = values[i][k], got = d->values[i][k];
            if (f->type == TC_FT_FLOAT && want.f != got.f)
                return tc_device_refuse(d, TC_ERANGE, "%s[%u] = %g became %g with the rest of the set",
                                        f->name, k, want.f, got.f);
            if (f->type != TC_FT_FLOAT && want.i != got.i)
                return tc_device_refuse(d, TC_ERANGE,
                                        "%s[%u] = %lld became %lld with the rest of the set",
                                        f->name, k, (long long)want.i, (long long)got.i);
        }
    }
    return 0;
}

static int apply_values(tc_device *d, tc_value (*values)[TC_MAX_INDEX], char (*strings)[TC_STRING_MAX])
{
    int rc = 0;
    /* Offsets to 0 first, so that any Width and Height of the set fit. */
    if (tc_device_int(d, "OffsetX") != 0)
        rc = tc_device_apply(d, tc_feature_find("OffsetX"), 0, (tc_value){ .i = 0 });
    if (rc == 0 && tc_device_int(d, "OffsetY") != 0)
        rc = tc_device_apply(d, tc_feature_find("OffsetY"), 0, (tc_value){ .i = 0 });
    for (size_t n = 0; rc == 0 && n < sizeof(load_first) / sizeof(load_first[0]); n++)
        rc = apply_feature(d, tc_feature_find(load_first[n]), values, strings);
    for (unsigned i = 0; rc == 0 && i < tc_feature_count; i++) {
        const tc_feature *f = &tc_features[i];
        if ((f->flags & TC_FF_PERSIST) && !loads_first(f))
            rc = apply_feature(d, f, values, strings);
    }
    if (rc == 0)
        rc = check_kept(d, values, strings);
    /* The scene is the sensor's: load it now so a failure names this set. */
    if (rc == 0 && d->scene_pending) {
        rc = tc_twin_scene_load(d);
        d->scene_pending = rc != 0;
        if (rc != 0) {
            char why[sizeof(d->why)];
            snprintf(why, sizeof(why), "%s", d->why);
            tc_device_refuse(d, rc, "TwinScene: %s", why);
        }
    }
    return rc;
}

int tc_user_set_apply(tc_device *d, unsigned sel)
{
    tc_value (*values)[TC_MAX_INDEX];
    char (*strings)[TC_STRING_MAX];
    tc_value (*own_values)[TC_MAX_INDEX] = NULL;
    char (*own_strings)[TC_STRING_MAX] = NULL;
    if (sel == 0) { /* Default: the power-on values */
        own_values = malloc(tc_feature_count * sizeof(*own_values));
        own_strings = malloc(tc_feature_count * sizeof(*own_strings));
        if (!own_values || !own_strings) {
            free(own_values), free(own_strings);
            return tc_device_refuse(d, TC_ENOMEM, "no memory");
        }
        tc_device_defaults(d, own_values, own_strings);
        values = own_values, strings = own_strings;
    } else {
        values = d->user_sets[sel].values;
        strings = d->user_sets[sel].strings;
    }
    int rc = apply_values(d, values, strings);
    free(own_values), free(own_strings);
    if (rc != 0) {
        char why[sizeof(d->why)];
        snprintf(why, sizeof(why), "%s", d->why);
        return tc_device_refuse(d, rc, "%s: %s", set_names[sel], why);
    }
    return 0;
}

/* Runs inside the UserSetLoad write: a refusal puts every value back. */
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
    return tc_user_set_apply(d, (unsigned)sel);
}

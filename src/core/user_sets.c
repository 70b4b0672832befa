/* User sets: Default (the power-on table, read-only) and UserSet1/UserSet2,
 * each a copy of every feature flagged TC_FF_PERSIST.
 *
 * With a state directory (tc_options.state_dir, `serve --state-dir`) they
 * persist as text files, one `Feature[index]=value` per line:
 *   <dir>/<serial>.UserSet1, <dir>/<serial>.UserSet2, and
 *   <dir>/<serial>.startup holding `UserSetDefault=<n>`.
 * Files are replaced all or nothing (a new temporary file, fsync, rename,
 * fsync of the directory: util/file_open.h), never through a link, and read
 * as hostile input: opened without following links or blocking, regular
 * files of at most 256 KiB only; unknown or non-persistent features, bad
 * numbers and overlong lines are skipped (user_set_file.c). A problem with
 * a file at open is logged in one line and the camera comes up without it.
 * Loading a set is a client's writes: every value goes through its
 * feature's checks and handler, in an order that respects their
 * dependencies, and the set is refused (naming the feature, nothing changed)
 * if any value is refused or does not hold together with the rest. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/acquisition.h"
#include "core/device.h"
#include "core/handlers.h"
#include "core/user_set_file.h"
#include "util/file_open.h"
#include "util/log.h"

static const char *set_names[TC_USER_SETS] = { "Default", "UserSet1", "UserSet2" };

/* The state files' names: <serial>.<what>, inside the state directory. */
static int state_name(tc_device *d, const char *what, char *name, size_t cap)
{
    char serial[TC_STRING_MAX];
    snprintf(serial, sizeof(serial), "%s", d->identity[2]);
    for (char *c = serial; *c; c++) /* a serial from the command line names a file */
        if (*c == '/' || *c == '.')
            *c = '_';
    return snprintf(name, cap, "%s.%s", serial, what) < (int)cap ? 0 : -1;
}

/* The state directory, opened once per use: every file is then opened
 * relative to it, never following a link (file_open.h). The directory's own
 * path is the operator's choice and may be a link. */
static int open_state_dir(tc_device *d, char *why, size_t cap)
{
    int fd = open(d->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        snprintf(why, cap, "state directory %s: %s", d->state_dir, strerror(errno));
    return fd;
}

/* Write `text` to the state file, all or nothing (tc_file_replace). */
static int write_state(tc_device *d, const char *what, const char *text)
{
    char name[256], why[600];
    if (!d->state_dir[0])
        return 0;
    if (state_name(d, what, name, sizeof(name)) != 0)
        return tc_device_refuse(d, TC_EIO, "state file name too long");
    int dir = open_state_dir(d, why, sizeof(why));
    if (dir < 0)
        return tc_device_refuse(d, TC_EIO, "cannot write %s: %s", name, why);
    int rc = tc_file_replace(dir, name, text, strlen(text), why, sizeof(why));
    close(dir);
    if (rc != 0)
        return tc_device_refuse(d, TC_EIO, "cannot write %s/%s: %s", d->state_dir, name, why);
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

/* The largest state file read: a saved set is a few KiB; anything much
 * larger was not written by the camera. */
#define STATE_FILE_MAX (256u * 1024u)

/* Open a state file for reading, or NULL. A missing file is no problem
 * (never saved); any other is logged, in one line, and the file skipped. */
static FILE *open_state_file(tc_device *d, int dir, const char *what)
{
    char name[256], why[600];
    if (state_name(d, what, name, sizeof(name)) != 0)
        return NULL;
    int fd = tc_file_open_read(dir, name, 1, STATE_FILE_MAX, why, sizeof(why));
    if (fd < 0) {
        if (errno != ENOENT)
            tc_log("core", "state file %s/%s not read: %s", d->state_dir, name, why);
        return NULL;
    }
    FILE *fp = fdopen(fd, "r");
    if (!fp)
        close(fd);
    return fp;
}

/* At open: the saved sets and the power-up choice. Whatever the directory
 * holds, the camera comes up (with the factory settings at worst). */
void tc_user_sets_restore(tc_device *d)
{
    if (!d->state_dir[0])
        return;
    char why[600];
    int dir = open_state_dir(d, why, sizeof(why));
    if (dir < 0) {
        tc_log("core", "%s; user sets start empty", why);
        return;
    }
    for (unsigned n = 1; n < TC_USER_SETS; n++) {
        FILE *fp = open_state_file(d, dir, set_names[n]);
        if (!fp)
            continue;
        tc_user_set *u = &d->user_sets[n];
        if (alloc_set(u) == 0) {
            memcpy(u->values, d->values, tc_feature_count * sizeof(*u->values));
            memcpy(u->strings, d->strings, tc_feature_count * sizeof(*u->strings));
            u->valid = tc_user_set_parse(fp, u) > 0;
            if (!u->valid)
                tc_log("core", "state file for %s holds no values; ignored", set_names[n]);
        }
        fclose(fp);
    }
    /* Power-up set */
    FILE *fp = open_state_file(d, dir, "startup");
    close(dir);
    long startup = 0;
    if (fp) {
        char line[64] = "";
        if (fgets(line, sizeof(line), fp) && !strncmp(line, "UserSetDefault=", 15))
            startup = strtol(line + 15, NULL, 10);
        fclose(fp);
        if (startup <= 0 || startup >= TC_USER_SETS || !d->user_sets[startup].valid)
            tc_log("core", "power-up set %ld in the state directory is not a saved set; Default instead",
                   startup);
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

/* ---- user sets as files (file access, file_access.c) ---- */

const char *tc_user_set_name(unsigned sel) { return sel < TC_USER_SETS ? set_names[sel] : "?"; }

char *tc_user_set_text(tc_device *d, unsigned sel, size_t *len)
{
    if (sel == 0 || sel >= TC_USER_SETS) {
        tc_device_refuse(d, TC_ERANGE, "no such user set");
        return NULL;
    }
    if (!d->user_sets[sel].valid) {
        tc_device_refuse(d, TC_EBUSY, "%s was never saved", set_names[sel]);
        return NULL;
    }
    char *text = tc_user_set_format(&d->user_sets[sel]);
    if (!text) {
        tc_device_refuse(d, TC_ENOMEM, "no memory for the user set");
        return NULL;
    }
    *len = strlen(text);
    return text;
}

/* A written file replaces the set as UserSetSave does: checked whole first,
 * read over the factory values (a feature the file leaves out is the
 * factory's), written to the state directory in the camera's own format,
 * and only then changed in memory. */
int tc_user_set_store(tc_device *d, unsigned sel, const char *text, size_t len)
{
    if (sel == 0 || sel >= TC_USER_SETS)
        return tc_device_refuse(d, TC_EACCESS, "the Default user set is read-only");
    char why[200];
    if (tc_user_set_check(text, len, why, sizeof(why)) != 0)
        return tc_device_refuse(d, TC_ERANGE, "%s", why);
    tc_user_set fresh = { false, NULL, NULL };
    if (alloc_set(&fresh) != 0)
        return tc_device_refuse(d, TC_ENOMEM, "no memory for the user set");
    tc_device_defaults(d, fresh.values, fresh.strings);
    FILE *fp = fmemopen((void *)text, len, "r");
    int n = fp ? tc_user_set_parse(fp, &fresh) : -1;
    if (fp)
        fclose(fp);
    char *canon = n > 0 ? tc_user_set_format(&fresh) : NULL;
    int rc = canon ? write_state(d, set_names[sel], canon)
                   : tc_device_refuse(d, TC_ENOMEM, "no memory for the user set");
    free(canon);
    if (rc != 0) {
        free(fresh.values), free(fresh.strings);
        return rc;
    }
    tc_user_set *u = &d->user_sets[sel];
    free(u->values), free(u->strings);
    *u = fresh;
    u->valid = true;
    return 0;
}

int tc_user_set_delete(tc_device *d, unsigned sel)
{
    if (sel == 0 || sel >= TC_USER_SETS)
        return tc_device_refuse(d, TC_EACCESS, "the Default user set cannot be deleted");
    if (tc_device_int(d, "UserSetDefault") == (int64_t)sel)
        return tc_device_refuse(d, TC_EBUSY,
                                "%s is the power-up set (UserSetDefault): choose another first",
                                set_names[sel]);
    if (d->state_dir[0]) {
        char name[256], why[600];
        if (state_name(d, set_names[sel], name, sizeof(name)) != 0)
            return tc_device_refuse(d, TC_EIO, "state file name too long");
        int dir = open_state_dir(d, why, sizeof(why));
        if (dir < 0)
            return tc_device_refuse(d, TC_EIO, "cannot delete %s: %s", name, why);
        int rc = tc_file_remove(dir, name, why, sizeof(why));
        close(dir);
        if (rc != 0)
            return tc_device_refuse(d, TC_EIO, "cannot delete %s/%s: %s", d->state_dir, name, why);
    }
    d->user_sets[sel].valid = false;
    return 0;
}

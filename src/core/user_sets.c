/* User sets: Default (the power-on table, read-only) and UserSet1/UserSet2,
 * each a copy of every feature flagged TC_FF_PERSIST.
 *
 * Kept in memory for the life of the camera; persistence across restarts
 * (state directory) is a later step. */
#include <stdlib.h>
#include <string.h>

#include "core/acquisition.h"
#include "core/device.h"
#include "core/handlers.h"

int tc_cmd_user_set_save(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    int64_t sel = tc_device_int(d, "UserSetSelector");
    if (sel <= 0 || sel >= TC_USER_SETS)
        return tc_device_refuse(d, TC_EACCESS, "the Default user set is read-only");
    tc_user_set *u = &d->user_sets[sel];
    if (!u->values) {
        u->values = calloc(tc_feature_count, sizeof(*u->values));
        u->strings = calloc(tc_feature_count, sizeof(*u->strings));
        if (!u->values || !u->strings) {
            free(u->values), free(u->strings);
            u->values = NULL, u->strings = NULL;
            return tc_device_refuse(d, TC_ENOMEM, "no memory for the user set");
        }
    }
    memcpy(u->values, d->values, tc_feature_count * sizeof(*u->values));
    memcpy(u->strings, d->strings, tc_feature_count * sizeof(*u->strings));
    u->valid = true;
    return 0;
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
        for (unsigned i = 0; i < tc_feature_count; i++) {
            if (!(tc_features[i].flags & TC_FF_PERSIST))
                continue;
            memcpy(d->values[i], u->values[i], sizeof(u->values[i]));
            memcpy(d->strings[i], u->strings[i], sizeof(u->strings[i]));
        }
    }
    /* The scene is sensor state: apply the loaded choice. */
    tc_value scene = *tc_device_slot(d, "TwinScene", 0);
    if (tc_set_twin_scene(d, tc_feature_find("TwinScene"), 0, scene) != 0)
        tc_device_slot(d, "TwinScene", 0)->i = 0;
    return 0;
}

/* Writes as transactions (device.h): a write of one feature, a register span
 * of several, or a user set is applied to the value store as a whole or not
 * at all.
 *
 * Why a copy of the store rather than per-handler checks: handlers validate
 * against the values applied so far (Width against an OffsetX earlier in the
 * same span, a joint binning rescaling the AOI), so the only simple way to
 * refuse late and change nothing is to put the store back. Effects that leave
 * the store (the sensor's scene, the power-up file) wait for the commit, and
 * the acquisition engine hears of the new settings only then, once. */
#include <string.h>

#include "core/device.h"

void tc_device_begin(tc_device *d)
{
    d->why[0] = 0;
    memcpy(d->undo_values, d->values, tc_feature_count * sizeof(*d->values));
    memcpy(d->undo_strings, d->strings, tc_feature_count * sizeof(*d->strings));
    d->scene_pending = false;
    d->startup_pending = false;
    d->acq_pending = false;
    d->in_write = true;
}

void tc_device_rollback(tc_device *d)
{
    memcpy(d->values, d->undo_values, tc_feature_count * sizeof(*d->values));
    memcpy(d->strings, d->undo_strings, tc_feature_count * sizeof(*d->strings));
    d->scene_pending = false;
    d->startup_pending = false;
    d->in_write = false;
}

int tc_device_commit(tc_device *d)
{
    /* The power-up file first: if the scene then fails, the file is put
     * back, whereas a scene cannot be un-loaded. */
    int rc = 0;
    bool wrote_startup = false;
    if (d->startup_pending) {
        rc = tc_user_sets_write_startup(d, tc_device_int(d, "UserSetDefault"));
        wrote_startup = rc == 0;
    }
    if (rc == 0 && d->scene_pending)
        rc = tc_twin_scene_load(d);
    if (rc != 0) {
        if (wrote_startup) {
            char why[sizeof(d->why)];
            memcpy(why, d->why, sizeof(why));
            const tc_feature *f = tc_feature_find("UserSetDefault");
            (void)tc_user_sets_write_startup(d, d->undo_values[tc_feature_index(f)][0].i);
            memcpy(d->why, why, sizeof(why));
        }
        tc_device_rollback(d);
        return rc;
    }
    d->scene_pending = false;
    d->startup_pending = false;
    d->in_write = false;
    /* A file transfer's thousands of writes leave the engine alone. */
    if (d->acq_pending)
        tc_device_changed(d);
    return 0;
}

int tc_device_set(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    if (d->in_write)
        return tc_device_apply(d, f, idx, v);
    tc_device_begin(d);
    int rc = tc_device_apply(d, f, idx, v);
    if (rc != 0) {
        tc_device_rollback(d);
        return rc;
    }
    return tc_device_commit(d);
}

int tc_device_set_string(tc_device *d, const tc_feature *f, const char *s)
{
    if (d->in_write)
        return tc_device_apply_string(d, f, s);
    tc_device_begin(d);
    int rc = tc_device_apply_string(d, f, s);
    if (rc != 0) {
        tc_device_rollback(d);
        return rc;
    }
    return tc_device_commit(d);
}

/* Device features: temperature, reset, timestamps, counters. */
#include "core/acquisition.h"
#include "core/device.h"
#include "core/file_access.h"
#include "core/handlers.h"
#include "util/log.h"

int tc_get_device_temperature(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->f = tc_acq_temperature(d->acq, tc_clock_now(&d->clock));
    return 0;
}

/* What "switched on" means for the twin, at open and after DeviceReset
 * alike: power-on values, then the user set UserSetDefault names (kept, as
 * user sets are, in the camera's non-volatile memory); camera time on the
 * power-up rule (timestamp 0 is the clock's zero, so the time line is shared
 * with the host and does not run backwards); block ids from 1; counters 0;
 * the housing at its idle temperature; the sensor showing the scene the
 * values name. A power-up set that no longer loads (a hand-edited file, a
 * PNG gone) leaves the factory settings, as a camera would rather start
 * than not, and says so on stderr. */
void tc_device_power_up(tc_device *d)
{
    int64_t startup = tc_device_int(d, "UserSetDefault");
    tc_device_load_defaults(d);
    d->ts_zero_ns = 0;
    tc_files_reset(d->files); /* open files closed, uploads dropped */
    tc_acq_power_cycle(d->acq, tc_device_float(d, "TwinAmbientTemperature"));
    tc_device_slot(d, "UserSetDefault", 0)->i = startup;
    bool loaded = false;
    if (startup > 0 && startup < TC_USER_SETS && d->user_sets[startup].valid) {
        loaded = tc_user_set_apply(d, (unsigned)startup) == 0;
        if (!loaded) {
            tc_log("core", "power-up user set not loaded, factory settings instead: %s", d->why);
            tc_device_load_defaults(d);
            tc_device_slot(d, "UserSetDefault", 0)->i = startup;
        }
    }
    if (!loaded && tc_twin_scene_load(d) != 0) /* built-in scenes fail only without memory */
        tc_log("core", "power-up scene not loaded: %s", d->why);
    d->scene_pending = false;
}

int tc_cmd_device_reset(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    tc_device_power_up(d);
    return 0;
}

int tc_cmd_timestamp_latch(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    tc_device_slot(d, "TimestampLatchValue", 0)->i = tc_device_timestamp(d);
    return 0;
}

int tc_cmd_timestamp_reset(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    d->ts_zero_ns = tc_clock_now(&d->clock);
    tc_device_changed(d); /* the engine stamps frames with the new zero */
    return 0;
}

int tc_get_frames_dropped(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = (int64_t)tc_acq_dropped(d->acq);
    return 0;
}

int tc_get_overruns(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = (int64_t)tc_acq_overruns(d->acq);
    return 0;
}

int tc_get_triggers_missed(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = (int64_t)tc_acq_missed_triggers(d->acq);
    return 0;
}

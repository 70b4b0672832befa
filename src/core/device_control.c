/* Device features: temperature, reset, timestamps, counters. */
#include "core/acquisition.h"
#include "core/device.h"
#include "core/handlers.h"

int tc_get_device_temperature(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->f = tc_acq_temperature(d->acq, tc_clock_now(&d->clock));
    return 0;
}

int tc_cmd_device_reset(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    tc_acq_stop(d->acq, true);
    int64_t startup = tc_device_int(d, "UserSetDefault");
    tc_device_load_defaults(d);
    tc_device_slot(d, "UserSetDefault", 0)->i = startup;
    tc_device_slot(d, "UserSetSelector", 0)->i = startup;
    if (startup != 0)
        (void)tc_cmd_user_set_load(d, NULL, 0, v);
    tc_device_slot(d, "UserSetSelector", 0)->i = 0;
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

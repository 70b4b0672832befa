/* Acquisition features: start/stop/abort, software trigger, frame-rate
 * readouts. The engine itself is acquisition.c. */
#include "core/acquisition.h"
#include "core/device.h"
#include "core/handlers.h"

int tc_cmd_acquisition_start(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    tc_device_changed(d); /* the engine must have the settings of this instant */
    int rc = tc_acq_start(d->acq);
    if (rc != 0)
        return tc_device_refuse(d, rc, "not enough memory for frame buffers");
    tc_acq_wake_waiters(d->acq); /* ports blocked in tc_acq_wait_event see the start */
    return 0;
}

int tc_cmd_acquisition_stop(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    tc_acq_stop(d->acq, false);
    return 0;
}

int tc_cmd_acquisition_abort(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    tc_acq_stop(d->acq, true);
    return 0;
}

int tc_cmd_trigger_software(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx, (void)v;
    if (tc_device_int(d, "TriggerMode") == 0)
        return tc_device_refuse(d, TC_EBUSY, "TriggerSoftware needs TriggerMode On");
    if (tc_device_int(d, "TriggerSource") != 0)
        return tc_device_refuse(d, TC_EBUSY, "TriggerSoftware needs TriggerSource Software");
    int rc = tc_acq_trigger(d->acq, tc_clock_now(&d->clock));
    if (rc == TC_EBUSY)
        return tc_device_refuse(d, TC_EBUSY, "acquisition is not running");
    return 0; /* a missed trigger is accepted as a command and counted */
}

/* The timing model's figures behind the read-only timing features. */
static tc_timing timing_of(tc_device *d)
{
    tc_timing t;
    tc_device_timing(d, &t);
    return t;
}

int tc_get_frame_rate_max(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->f = timing_of(d).max_fps;
    return 0;
}

/* The stored AcquisitionFrameRate is the client's request and is kept when
 * an exposure or AOI change lowers the maximum (so it comes back when they
 * allow it again); what a client reads is the rate actually in force,
 * never above AcquisitionFrameRateMax. */
int tc_get_acquisition_frame_rate(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)idx;
    double asked = d->values[tc_feature_index(f)][0].f, max = timing_of(d).max_fps;
    v->f = asked < max ? asked : max;
    return 0;
}

int tc_get_line_time(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->f = timing_of(d).line_time_ns;
    return 0;
}

int tc_get_resulting_frame_rate(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->f = timing_of(d).fps;
    return 0;
}

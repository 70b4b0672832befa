/* Device core: value store, generic validation, dependent values (device.h).
 *
 * The generic checks here (access, lock while acquiring, bounds, increment,
 * enum entry) apply to every feature exactly as the table declares them; a
 * feature's own handler only adds what the table cannot say. */
#include "core/device.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/acquisition.h"
#include "core/file_access.h"
#include "core/firmware_version.h"
#include "pixel/pixel_format.h"

int tc_device_refuse(tc_device *d, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->why, sizeof(d->why), fmt, ap);
    va_end(ap);
    return code;
}

tc_value *tc_device_slot(tc_device *d, const char *name, unsigned idx)
{
    const tc_feature *f = tc_feature_find(name);
    /* Internal names are constants of this file set: a miss is our bug. */
    if (!f || idx >= TC_MAX_INDEX)
        abort();
    return &d->values[tc_feature_index(f)][idx];
}

int64_t tc_device_int(tc_device *d, const char *name) { return tc_device_slot(d, name, 0)->i; }
double tc_device_float(tc_device *d, const char *name) { return tc_device_slot(d, name, 0)->f; }

unsigned tc_device_selector_index(tc_device *d, const tc_feature *f)
{
    if (!f->selector || f->n_index <= 1)
        return 0;
    int64_t v = tc_device_int(d, f->selector);
    return v >= 0 && v < f->n_index ? (unsigned)v : 0;
}

int64_t tc_device_timestamp(tc_device *d) { return tc_clock_now(&d->clock) - d->ts_zero_ns; }

void tc_device_sensor_params(tc_device *d, tc_sensor_params *p)
{
    memset(p, 0, sizeof(*p));
    p->width = (unsigned)tc_device_int(d, "Width");
    p->height = (unsigned)tc_device_int(d, "Height");
    p->offset_x = (unsigned)tc_device_int(d, "OffsetX");
    p->offset_y = (unsigned)tc_device_int(d, "OffsetY");
    p->binning = (unsigned)tc_device_int(d, "BinningHorizontal");
    p->reverse_x = tc_device_int(d, "ReverseX") != 0;
    p->reverse_y = tc_device_int(d, "ReverseY") != 0;
    p->pixel_format = (uint32_t)tc_device_int(d, "PixelFormat");
    p->exposure_us = tc_device_float(d, "ExposureTime");
    p->illumination_lux = tc_device_float(d, "TwinIllumination");
    p->noise_seed = (uint64_t)tc_device_int(d, "TwinNoiseSeed");
    p->noise_enabled = tc_device_int(d, "TwinNoiseEnable") != 0;
    p->temperature_c = tc_acq_temperature(d->acq, tc_clock_now(&d->clock));
    /* The mean image is made at ambient; the housing's warm-up shifts the dark
     * signal per frame (sensor.h), so it never needs making again. */
    p->mean_temp_c = tc_device_float(d, "TwinAmbientTemperature");
    tc_timing t;
    tc_device_timing(d, &t);
    p->line_time_ns = t.line_time_ns;
}

size_t tc_device_payload_size(tc_device *d)
{
    const tc_pixel_format *pf = tc_pixel_format_by_code((uint32_t)tc_device_int(d, "PixelFormat"));
    if (!pf)
        abort(); /* PixelFormat only ever holds table entries */
    return tc_pixel_row_bytes(pf, (size_t)tc_device_int(d, "Width")) *
           (size_t)tc_device_int(d, "Height");
}

void tc_device_timing(tc_device *d, tc_timing *t)
{
    tc_timing_input in = {
        .mode = tc_sensor_mode_for((unsigned)tc_device_int(d, "BinningHorizontal")),
        .height = (unsigned)tc_device_int(d, "Height"),
        .payload_bytes = tc_device_payload_size(d),
        .exposure_us = tc_device_float(d, "ExposureTime"),
        .link_limit_Bps = tc_device_int(d, "DeviceLinkThroughputLimitMode")
                              ? (double)tc_device_int(d, "DeviceLinkThroughputLimit")
                              : 0,
        .speedup = tc_device_float(d, "TwinReadoutSpeedup"),
        /* The stored rate is the client's request; above what the settings
         * allow it simply does not limit (the timing model takes the larger
         * period), and it comes back when they allow it again. */
        .frame_rate_cap = tc_device_int(d, "AcquisitionFrameRateEnable")
                              ? tc_device_float(d, "AcquisitionFrameRate")
                              : 0,
    };
    tc_timing_compute(&in, t);
}

int tc_device_bounds(tc_device *d, const tc_feature *f, tc_value *min, tc_value *max)
{
    if (f->type == TC_FT_FLOAT) {
        min->f = f->fmin;
        max->f = f->fmax;
    } else {
        min->i = f->imin;
        max->i = f->imax;
    }
    if (f->pmin) {
        const tc_feature *b = tc_feature_find(f->pmin);
        if (!b || tc_device_get(d, b, 0, min) != 0)
            abort(); /* table bug */
    }
    if (f->pmax) {
        const tc_feature *b = tc_feature_find(f->pmax);
        if (!b || tc_device_get(d, b, 0, max) != 0)
            abort();
    }
    return 0;
}

int tc_device_get(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    if (f->flags & TC_FF_GIGE)
        return tc_device_refuse(d, TC_EACCESS, "%s exists only over GigE Vision", f->name);
    if (f->type == TC_FT_STRING)
        return tc_device_refuse(d, TC_ETYPE, "%s is a string", f->name);
    if (f->type == TC_FT_REGISTER)
        return tc_device_refuse(d, TC_ETYPE, "%s is a register of bytes", f->name);
    if (idx >= (f->n_index ? f->n_index : 1))
        return tc_device_refuse(d, TC_EADDRESS, "%s has no index %u", f->name, idx);
    if (f->type == TC_FT_COMMAND) {
        v->i = 0; /* commands complete at once: reading says "done" */
        return 0;
    }
    if (f->get)
        return f->get(d, f, idx, v);
    *v = d->values[tc_feature_index(f)][idx];
    return 0;
}

static int check_value(tc_device *d, const tc_feature *f, tc_value v)
{
    tc_value min, max;
    switch (f->type) {
    case TC_FT_INTEGER: {
        tc_device_bounds(d, f, &min, &max);
        if (v.i < min.i || v.i > max.i)
            return tc_device_refuse(d, TC_ERANGE, "%s = %lld is outside %lld..%lld", f->name,
                                    (long long)v.i, (long long)min.i, (long long)max.i);
        int64_t inc = f->inc > 0 ? f->inc : 1;
        if ((v.i - min.i) % inc != 0)
            return tc_device_refuse(d, TC_ERANGE, "%s = %lld is not %lld + a multiple of %lld",
                                    f->name, (long long)v.i, (long long)min.i, (long long)inc);
        return 0;
    }
    case TC_FT_FLOAT:
        tc_device_bounds(d, f, &min, &max);
        if (!isfinite(v.f) || v.f < min.f || v.f > max.f)
            return tc_device_refuse(d, TC_ERANGE, "%s = %g is outside %g..%g", f->name, v.f, min.f,
                                    max.f);
        return 0;
    case TC_FT_ENUM:
        if (!tc_enum_by_value(f, v.i))
            return tc_device_refuse(d, TC_ERANGE, "%s has no entry with value %lld", f->name,
                                    (long long)v.i);
        return 0;
    case TC_FT_BOOL:
        if (v.i != 0 && v.i != 1)
            return tc_device_refuse(d, TC_ERANGE, "%s takes 0 or 1, not %lld", f->name,
                                    (long long)v.i);
        return 0;
    case TC_FT_COMMAND:
        if (v.i != 1)
            return tc_device_refuse(d, TC_ERANGE, "%s executes on 1, not %lld", f->name,
                                    (long long)v.i);
        return 0;
    case TC_FT_STRING:
    case TC_FT_REGISTER:
        break;
    }
    return tc_device_refuse(d, TC_ETYPE, "%s is not a number", f->name);
}

/* The features that size the payload are locked while the host has locked
 * the transport parameters (TLParamsLocked, GenICam) and while acquisition
 * runs: access denied, on every port alike. */
static int check_writable(tc_device *d, const tc_feature *f)
{
    if (f->access == TC_RO)
        return tc_device_refuse(d, TC_EACCESS, "%s is read-only", f->name);
    if ((f->flags & TC_FF_LOCKED_ACQ) && tc_device_int(d, "TLParamsLocked"))
        return tc_device_refuse(d, TC_EACCESS, "%s is locked while TLParamsLocked is 1",
                                f->name);
    if ((f->flags & TC_FF_LOCKED_ACQ) && tc_acq_running(d->acq))
        return tc_device_refuse(d, TC_EACCESS, "%s cannot change while acquisition runs",
                                f->name);
    return 0;
}

int tc_device_apply(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    if (f->flags & TC_FF_GIGE)
        return tc_device_refuse(d, TC_EACCESS, "%s exists only over GigE Vision", f->name);
    if (idx >= (f->n_index ? f->n_index : 1))
        return tc_device_refuse(d, TC_EADDRESS, "%s has no index %u", f->name, idx);
    int rc = check_writable(d, f);
    if (rc == 0)
        rc = check_value(d, f, v);
    if (rc != 0)
        return rc;
    if (!(f->flags & TC_FF_NOT_ACQ))
        d->acq_pending = true;
    if (f->set)
        return f->set(d, f, idx, v);
    d->values[tc_feature_index(f)][idx] = v;
    return 0;
}

int tc_device_get_string(tc_device *d, const tc_feature *f, char *buf, size_t len)
{
    if (f->type != TC_FT_STRING)
        return tc_device_refuse(d, TC_ETYPE, "%s is not a string", f->name);
    if (len == 0)
        return tc_device_refuse(d, TC_EINVAL, "no room for %s", f->name);
    if (f->get_string)
        return f->get_string(d, f, buf, len);
    snprintf(buf, len, "%s", d->strings[tc_feature_index(f)]);
    return 0;
}

int tc_device_apply_string(tc_device *d, const tc_feature *f, const char *s)
{
    if (f->type != TC_FT_STRING)
        return tc_device_refuse(d, TC_ETYPE, "%s is not a string", f->name);
    int rc = check_writable(d, f);
    if (rc != 0)
        return rc;
    if (!(f->flags & TC_FF_NOT_ACQ))
        d->acq_pending = true;
    size_t n = strlen(s);
    if (n >= f->length || n >= TC_STRING_MAX)
        return tc_device_refuse(d, TC_ERANGE, "%s takes at most %u characters", f->name,
                                (unsigned)f->length - 1);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7F)
            return tc_device_refuse(d, TC_ERANGE, "%s takes printable characters only", f->name);
    memcpy(d->strings[tc_feature_index(f)], s, n + 1);
    return 0;
}

static tc_value *slot_in(tc_value (*values)[TC_MAX_INDEX], const char *name, unsigned idx)
{
    return &values[tc_feature_index(tc_feature_find(name))][idx];
}

void tc_device_defaults(tc_device *d, tc_value (*values)[TC_MAX_INDEX],
                        char (*strings)[TC_STRING_MAX])
{
    for (unsigned i = 0; i < tc_feature_count; i++) {
        const tc_feature *f = &tc_features[i];
        for (unsigned k = 0; k < TC_MAX_INDEX; k++) {
            if (f->type == TC_FT_FLOAT)
                values[i][k].f = f->fdefault;
            else
                values[i][k].i = f->idefault;
        }
        if (f->type == TC_FT_STRING)
            snprintf(strings[i], TC_STRING_MAX, "%s", f->sdefault ? f->sdefault : "");
    }
    /* Line directions from the datasheet: Line0 trigger input, Line1 flash
     * output, Line2/Line3 GPIO (inputs at power-up). */
    slot_in(values, "LineMode", 0)->i = 0;
    slot_in(values, "LineMode", 1)->i = 1;
    slot_in(values, "LineSource", 1)->i = 1; /* flash: ExposureActive */
    slot_in(values, "TwinNoiseSeed", 0)->i = d->power_on_seed;
    static const char *const identity[3] = { "DeviceVendorName", "DeviceModelName",
                                             "DeviceSerialNumber" };
    for (unsigned k = 0; k < 3; k++)
        snprintf(strings[tc_feature_index(tc_feature_find(identity[k]))], TC_STRING_MAX, "%s",
                 d->identity[k]);
    if (d->firmware_version[0])
        snprintf(strings[tc_feature_index(tc_feature_find("DeviceFirmwareVersion"))], TC_STRING_MAX,
                 "%s", d->firmware_version);
}

void tc_device_load_defaults(tc_device *d) { tc_device_defaults(d, d->values, d->strings); }

void tc_device_changed(tc_device *d)
{
    /* Dependent values (WidthMax, PayloadSize, frame-rate bounds and the
     * rate read back) are computed when read, so nothing is clamped here:
     * a stored value is always what a client or a user set asked for. */
    tc_acq_settings s;
    memset(&s, 0, sizeof(s));
    tc_device_sensor_params(d, &s.sensor);
    tc_device_timing(d, &s.timing);
    s.payload_bytes = tc_device_payload_size(d);
    s.mode = (tc_acq_mode)tc_device_int(d, "AcquisitionMode");
    s.frame_count = (unsigned)tc_device_int(d, "AcquisitionFrameCount");
    s.trigger_on = tc_device_int(d, "TriggerMode") != 0;
    s.trigger_source = (int)tc_device_int(d, "TriggerSource");
    s.trigger_delay_us = tc_device_float(d, "TriggerDelay");
    s.trigger_activation = (int)tc_device_int(d, "TriggerActivation");
    for (unsigned l = 0; l < TC_LINES; l++) {
        s.lines.output[l] = tc_device_slot(d, "LineMode", l)->i == 1;
        s.lines.inverter[l] = tc_device_slot(d, "LineInverter", l)->i != 0;
        s.lines.source[l] = (int)tc_device_slot(d, "LineSource", l)->i;
        s.lines.debounce_ns[l] = tc_device_slot(d, "LineDebouncerTime", l)->f * 1e3;
    }
    for (unsigned u = 0; u < TC_USER_OUTPUTS; u++)
        s.lines.user[u] = tc_device_slot(d, "UserOutputValue", u)->i != 0;
    s.ambient_c = tc_device_float(d, "TwinAmbientTemperature");
    s.self_heating = tc_device_int(d, "TwinSelfHeating") != 0;
    s.ts_zero_ns = d->ts_zero_ns;
    tc_acq_configure(d->acq, &s);
}

tc_device *tc_device_new(const tc_device_options *o)
{
    static const tc_device_options defaults = { 0 };
    if (!o)
        o = &defaults;
    tc_device *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    pthread_mutex_init(&d->lock, NULL);
    d->values = calloc(tc_feature_count, sizeof(*d->values));
    d->strings = calloc(tc_feature_count, sizeof(*d->strings));
    d->undo_values = calloc(tc_feature_count, sizeof(*d->undo_values));
    d->undo_strings = calloc(tc_feature_count, sizeof(*d->undo_strings));
    snprintf(d->identity[0], TC_STRING_MAX, "%s", o->vendor_name ? o->vendor_name : "twincam");
    snprintf(d->identity[1], TC_STRING_MAX, "%s",
             o->model_name ? o->model_name : TC_TWIN_MODEL_NAME);
    snprintf(d->identity[2], TC_STRING_MAX, "%s", o->serial ? o->serial : "TC000001");
    tc_clock_init(&d->clock, o->deterministic);
    /* Timestamp 0 is the clock's own zero: on the real clock, camera time is
     * host CLOCK_MONOTONIC, so twins on one host share a time base (as
     * PTP-synchronised cameras do) and line edges compare across cameras. */
    d->ts_zero_ns = 0;
    d->sensor = tc_sensor_new(d->identity[2]);
    d->files = tc_files_new();
    if (!d->values || !d->strings || !d->undo_values || !d->undo_strings || !d->sensor ||
        !d->files) {
        tc_device_free(d);
        return NULL;
    }
    d->power_on_seed = (int64_t)(o->noise_seed & INT64_MAX);
    if (o->state_dir)
        snprintf(d->state_dir, sizeof(d->state_dir), "%s", o->state_dir);
    tc_device_load_defaults(d);
    d->acq = tc_acq_new(d->sensor, &d->clock, o->deterministic,
                        tc_device_float(d, "TwinAmbientTemperature"), o->frame_buffers);
    if (!d->acq) {
        tc_device_free(d);
        return NULL;
    }
    tc_user_sets_restore(d);
    tc_device_power_up(d);
    tc_device_changed(d);
    return d;
}

void tc_device_free(tc_device *d)
{
    if (!d)
        return;
    tc_acq_free(d->acq);
    tc_sensor_free(d->sensor);
    tc_files_free(d->files);
    for (unsigned i = 0; i < TC_USER_SETS; i++) {
        free(d->user_sets[i].values);
        free(d->user_sets[i].strings);
    }
    free(d->values);
    free(d->strings);
    free(d->undo_values);
    free(d->undo_strings);
    free(d->xml[0]);
    free(d->xml[1]);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

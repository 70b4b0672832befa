/* The port interface's operations (device_port.h): registers, XML, identity,
 * time, the acquisition lifecycle, features by row, lines. Frames, waits and
 * pacing are in device_port_frames.c.
 *
 * Every function takes d->lock for exactly the core calls it makes and keeps
 * the core's reason of a refusal in a thread-local buffer, so a port thread
 * reads its own reason however many threads share the device. */
#include "core/device_port.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/acquisition.h"
#include "core/device.h"
#include "core/file_access.h"
#include "core/regmap.h"
#include "genicam/xml.h"

static _Thread_local char t_why[256];

const char *tc_port_why(void) { return t_why; }

tc_device *tc_port_open(const tc_device_options *o) { return tc_device_new(o); }
void tc_port_close(tc_device *d) { tc_device_free(d); }

/* Keep (or clear) the reason of the call that returned rc; caller holds d->lock. */
static int noted(tc_device *d, int rc)
{
    if (rc != 0)
        snprintf(t_why, sizeof(t_why), "%s", d->why);
    else
        t_why[0] = 0;
    return rc;
}

static const tc_feature *feature(const char *name)
{
    const tc_feature *f = tc_feature_find(name);
    if (!f)
        abort(); /* names used here are table rows: a miss is our bug */
    return f;
}

/* A DeviceReset committed (lock held). */
static void reset_done(tc_device *d)
{
    d->resets++;
    if (d->on_reset)
        d->on_reset(d->on_reset_arg);
}

/* ---- registers ---- */

int tc_port_read(tc_device *d, uint64_t address, uint8_t *buf, size_t len, int big_endian)
{
    pthread_mutex_lock(&d->lock);
    int rc = noted(d, tc_regmap_read(d, address, buf, len, big_endian));
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int tc_port_write(tc_device *d, uint64_t address, const uint8_t *buf, size_t len, int big_endian)
{
    unsigned flags = tc_port_span_flags(address, len);
    pthread_mutex_lock(&d->lock);
    int rc = noted(d, tc_regmap_write(d, address, buf, len, big_endian));
    if (rc == 0 && (flags & TC_FF_RESET))
        reset_done(d);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int tc_port_register(uint64_t address, tc_port_reg *out)
{
    const tc_register *r = tc_regmap_find(address);
    if (!r)
        return TC_EADDRESS;
    *out = (tc_port_reg){ r->address, r->length, r->feature->name, r->feature->access,
                          r->feature->type, r->feature->flags };
    return 0;
}

unsigned tc_port_span_flags(uint64_t address, size_t len)
{
    unsigned flags = 0;
    for (uint64_t a = address; a < address + len;) {
        const tc_register *r = tc_regmap_find(a);
        if (!r) {
            a += 4; /* unmapped: the write itself says so */
            continue;
        }
        flags |= r->feature->flags;
        a = (uint64_t)r->address + r->length;
    }
    return flags;
}

void tc_port_set_firmware_sink(tc_device *d, tc_firmware_sink sink, void *ctx)
{
    pthread_mutex_lock(&d->lock);
    tc_files_set_firmware_sink(d, sink, ctx);
    pthread_mutex_unlock(&d->lock);
}

const char *tc_port_xml(tc_device *d, int big_endian, size_t *len)
{
    int k = big_endian ? 1 : 0;
    pthread_mutex_lock(&d->lock);
    if (!d->xml[k]) {
        tc_xml_options o = { d->identity[0], d->identity[1], k };
        d->xml[k] = tc_genicam_xml(&o, &d->xml_len[k]);
    }
    const char *x = d->xml[k];
    if (len)
        *len = d->xml_len[k];
    pthread_mutex_unlock(&d->lock);
    return x;
}

/* ---- identity, payload, time ---- */

static void get_string(tc_device *d, const char *name, char *out)
{
    out[0] = 0;
    tc_device_get_string(d, feature(name), out, TC_STRING_MAX);
}

void tc_port_identity_get(tc_device *d, tc_port_identity *id)
{
    pthread_mutex_lock(&d->lock);
    get_string(d, "DeviceVendorName", id->vendor);
    get_string(d, "DeviceModelName", id->model);
    get_string(d, "DeviceFamilyName", id->family);
    get_string(d, "DeviceFirmwareVersion", id->version);
    get_string(d, "DeviceManufacturerInfo", id->manufacturer_info);
    get_string(d, "DeviceSerialNumber", id->serial);
    get_string(d, "DeviceUserID", id->user_name);
    pthread_mutex_unlock(&d->lock);
}

int tc_port_set_user_name(tc_device *d, const char *name)
{
    return tc_port_set_string(d, feature("DeviceUserID"), name);
}

size_t tc_port_payload_size(tc_device *d)
{
    pthread_mutex_lock(&d->lock);
    size_t n = tc_device_payload_size(d);
    pthread_mutex_unlock(&d->lock);
    return n;
}

int64_t tc_port_timestamp(tc_device *d)
{
    pthread_mutex_lock(&d->lock);
    int64_t t = tc_device_timestamp(d);
    pthread_mutex_unlock(&d->lock);
    return t;
}

/* Execute a command feature under the lock; caller holds nothing. */
static int execute(tc_device *d, const char *name)
{
    const tc_feature *f = feature(name);
    pthread_mutex_lock(&d->lock);
    int rc = noted(d, tc_device_set(d, f, 0, (tc_value){ .i = 1 }));
    if (rc == 0 && (f->flags & TC_FF_RESET))
        reset_done(d);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

void tc_port_timestamp_latch(tc_device *d) { execute(d, "TimestampLatch"); }

int64_t tc_port_timestamp_latched(tc_device *d)
{
    pthread_mutex_lock(&d->lock);
    int64_t t = tc_device_int(d, "TimestampLatchValue");
    pthread_mutex_unlock(&d->lock);
    return t;
}

void tc_port_timestamp_reset(tc_device *d) { execute(d, "TimestampReset"); }

/* ---- lifecycle ---- */

int tc_port_start(tc_device *d) { return execute(d, "AcquisitionStart"); }
int tc_port_stop(tc_device *d) { return execute(d, "AcquisitionStop"); }
int tc_port_abort(tc_device *d) { return execute(d, "AcquisitionAbort"); }

bool tc_port_tl_locked(tc_device *d)
{
    pthread_mutex_lock(&d->lock);
    bool locked = tc_device_int(d, "TLParamsLocked") != 0;
    pthread_mutex_unlock(&d->lock);
    return locked;
}

unsigned tc_port_host_gone(tc_device *d)
{
    /* Stop first: once the engine is idle nothing new is queued, so what
     * the drop finds is all the old host would have been sent. */
    pthread_mutex_lock(&d->lock);
    tc_device_set(d, feature("AcquisitionStop"), 0, (tc_value){ .i = 1 });
    unsigned n = tc_acq_drop_queued(d->acq);
    /* Through the feature, not the slot: whatever the core does when the
     * lock is released happens here too. */
    tc_device_set(d, feature("TLParamsLocked"), 0, (tc_value){ .i = 0 });
    pthread_mutex_unlock(&d->lock);
    return n;
}

void tc_port_set_firmware_version(tc_device *d, const char *version)
{
    pthread_mutex_lock(&d->lock);
    snprintf(d->firmware_version, sizeof(d->firmware_version), "%s", version);
    snprintf(d->strings[tc_feature_index(feature("DeviceFirmwareVersion"))], TC_STRING_MAX, "%s",
             version);
    pthread_mutex_unlock(&d->lock);
}

void tc_port_on_reset(tc_device *d, void (*fn)(void *arg), void *arg)
{
    pthread_mutex_lock(&d->lock);
    d->on_reset = fn;
    d->on_reset_arg = arg;
    pthread_mutex_unlock(&d->lock);
}

uint64_t tc_port_resets(tc_device *d)
{
    pthread_mutex_lock(&d->lock);
    uint64_t n = d->resets;
    pthread_mutex_unlock(&d->lock);
    return n;
}

/* ---- features by row ---- */

int tc_port_get(tc_device *d, const tc_feature *f, tc_value *v)
{
    pthread_mutex_lock(&d->lock);
    int rc = noted(d, tc_device_get(d, f, tc_device_selector_index(d, f), v));
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int tc_port_set(tc_device *d, const tc_feature *f, tc_value v)
{
    pthread_mutex_lock(&d->lock);
    int rc = noted(d, tc_device_set(d, f, tc_device_selector_index(d, f), v));
    if (rc == 0 && (f->flags & TC_FF_RESET))
        reset_done(d);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int tc_port_get_string(tc_device *d, const tc_feature *f, char *buf, size_t len)
{
    pthread_mutex_lock(&d->lock);
    int rc = noted(d, tc_device_get_string(d, f, buf, len));
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int tc_port_set_string(tc_device *d, const tc_feature *f, const char *s)
{
    pthread_mutex_lock(&d->lock);
    int rc = noted(d, tc_device_set_string(d, f, s));
    pthread_mutex_unlock(&d->lock);
    return rc;
}

void tc_port_bounds(tc_device *d, const tc_feature *f, tc_value *lo, tc_value *hi)
{
    pthread_mutex_lock(&d->lock);
    tc_device_bounds(d, f, lo, hi);
    pthread_mutex_unlock(&d->lock);
}

/* ---- lines ---- */

int64_t tc_port_host_time(tc_device *d) { return tc_clock_now(&d->clock); }

int tc_port_line_is_output(tc_device *d, unsigned line)
{
    if (line >= TC_LINES)
        return TC_EINVAL;
    pthread_mutex_lock(&d->lock);
    int output = tc_device_slot(d, "LineMode", line)->i == 1;
    pthread_mutex_unlock(&d->lock);
    return output;
}

int tc_port_drive_line(tc_device *d, unsigned line, int level, int64_t t_ns)
{
    if (line >= TC_LINES || (level != 0 && level != 1)) {
        snprintf(t_why, sizeof(t_why),
                 "drive: line %u level %d: lines are Line0..Line3, levels 0 or 1", line, level);
        return TC_EINVAL;
    }
    if (tc_port_line_is_output(d, line)) {
        snprintf(t_why, sizeof(t_why), "Line%u is an output: the camera drives it", line);
        return TC_EACCESS;
    }
    const int64_t now = tc_clock_now(&d->clock);
    if (t_ns < 0 || t_ns > now + TC_EDGE_HORIZON_NS) {
        snprintf(t_why, sizeof(t_why),
                 "Line%u: an edge at %lld ns is more than %lld s ahead of now (%lld ns)", line,
                 (long long)t_ns, TC_EDGE_HORIZON_NS / 1000000000ll, (long long)now);
        return TC_ERANGE;
    }
    const int64_t t = t_ns ? t_ns : now;
    int rc = tc_acq_drive_line(d->acq, line, level, t);
    if (rc == TC_EBUSY)
        snprintf(t_why, sizeof(t_why),
                 "Line%u has %d edges ahead of their time already (the most it takes)", line,
                 TC_EDGES_AHEAD);
    else if (rc != 0)
        snprintf(t_why, sizeof(t_why), "Line%u: an edge at %lld ns is earlier than one already given",
                 line, (long long)t);
    else
        t_why[0] = 0;
    return rc;
}

int tc_port_line_level(tc_device *d, unsigned line)
{
    if (line >= TC_LINES)
        return 0;
    return tc_acq_line_level(d->acq, line, tc_clock_now(&d->clock));
}

int tc_port_watch_lines(tc_device *d, tc_port_line_cb cb, void *ctx)
{
    int h = tc_acq_watch_lines(d->acq, cb, ctx);
    if (h < 0)
        snprintf(t_why, sizeof(t_why), "too many line watchers");
    return h < 0 ? TC_EBUSY : h;
}

void tc_port_unwatch_lines(tc_device *d, int handle) { tc_acq_unwatch_lines(d->acq, handle); }

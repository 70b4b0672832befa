/* The in-process port: the public C API (include/twincam/twincam.h) over the
 * device core. Like the network ports it only translates: every decision is
 * the core's. Each call takes the device lock; the reason of a refusal is
 * copied to a thread-local buffer so it survives other threads' calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/acquisition.h"
#include "core/device.h"
#include "core/regmap.h"
#include "genicam/xml.h"
#include "twincam/twincam.h"

struct tc_camera {
    tc_device *dev;
    char *xml[2];   /* [big_endian] generated on first request */
    size_t xml_len[2];
};

static _Thread_local char t_error[256];

static int fail(int code, const char *fmt, const char *name)
{
    snprintf(t_error, sizeof(t_error), fmt, name ? name : "");
    return code;
}

void tc_options_init(tc_options *o)
{
    memset(o, 0, sizeof(*o));
}

int tc_camera_open(const tc_options *o, tc_camera **out)
{
    if (!out)
        return fail(TC_EINVAL, "out is NULL%s", NULL);
    *out = NULL;
    tc_camera *cam = calloc(1, sizeof(*cam));
    if (!cam)
        return fail(TC_ENOMEM, "out of memory%s", NULL);
    cam->dev = tc_device_new(o);
    if (!cam->dev) {
        free(cam);
        return fail(TC_ENOMEM, "out of memory creating the device%s", NULL);
    }
    *out = cam;
    t_error[0] = 0;
    return 0;
}

void tc_camera_close(tc_camera *cam)
{
    if (!cam)
        return;
    tc_device_free(cam->dev);
    free(cam->xml[0]);
    free(cam->xml[1]);
    free(cam);
}

const char *tc_camera_last_error(tc_camera *cam)
{
    (void)cam;
    return t_error;
}

/* Run `rc = expr` under the device lock and keep the core's reason. */
#define LOCKED(cam, expr)                                                    \
    do {                                                                     \
        pthread_mutex_lock(&(cam)->dev->lock);                               \
        rc = (expr);                                                         \
        if (rc != 0)                                                         \
            snprintf(t_error, sizeof(t_error), "%s", (cam)->dev->why);      \
        else                                                                 \
            t_error[0] = 0;                                                  \
        pthread_mutex_unlock(&(cam)->dev->lock);                             \
    } while (0)

static const tc_feature *lookup(tc_camera *cam, const char *name)
{
    const tc_feature *f = cam ? tc_feature_find(name) : NULL;
    if (!f)
        fail(TC_ENOFEATURE, "no feature named '%s'", name);
    return f;
}

static int get_value(tc_camera *cam, const tc_feature *f, tc_value *v)
{
    int rc;
    if (f->access == TC_WO)
        return fail(TC_EACCESS, "%s is write-only", f->name);
    LOCKED(cam, tc_device_get(cam->dev, f, tc_device_selector_index(cam->dev, f), v));
    return rc;
}

static int set_value(tc_camera *cam, const tc_feature *f, tc_value v)
{
    int rc;
    LOCKED(cam, tc_device_set(cam->dev, f, tc_device_selector_index(cam->dev, f), v));
    return rc;
}

static bool is_integral(const tc_feature *f)
{
    return f->type == TC_FT_INTEGER || f->type == TC_FT_ENUM || f->type == TC_FT_BOOL;
}

int tc_get_int(tc_camera *cam, const char *feature, int64_t *value)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return TC_ENOFEATURE;
    if (!is_integral(f))
        return fail(TC_ETYPE, "%s is not an integer, enumeration or boolean", f->name);
    tc_value v;
    int rc = get_value(cam, f, &v);
    if (rc == 0 && value)
        *value = v.i;
    return rc;
}

int tc_set_int(tc_camera *cam, const char *feature, int64_t value)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return TC_ENOFEATURE;
    if (!is_integral(f))
        return fail(TC_ETYPE, "%s is not an integer, enumeration or boolean", f->name);
    return set_value(cam, f, (tc_value){ .i = value });
}

int tc_get_float(tc_camera *cam, const char *feature, double *value)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return TC_ENOFEATURE;
    tc_value v;
    int rc;
    if (f->type == TC_FT_FLOAT) {
        rc = get_value(cam, f, &v);
        if (rc == 0 && value)
            *value = v.f;
        return rc;
    }
    if (f->type == TC_FT_INTEGER) { /* integers read fine as floats */
        rc = get_value(cam, f, &v);
        if (rc == 0 && value)
            *value = (double)v.i;
        return rc;
    }
    return fail(TC_ETYPE, "%s is not a number", f->name);
}

int tc_set_float(tc_camera *cam, const char *feature, double value)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return TC_ENOFEATURE;
    if (f->type != TC_FT_FLOAT)
        return fail(TC_ETYPE, "%s is not a float", f->name);
    return set_value(cam, f, (tc_value){ .f = value });
}

int tc_get_string(tc_camera *cam, const char *feature, char *buf, size_t len)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return TC_ENOFEATURE;
    if (!buf || len == 0)
        return fail(TC_EINVAL, "no buffer for %s", f->name);
    if (f->type == TC_FT_ENUM) {
        tc_value v;
        int rc = get_value(cam, f, &v);
        if (rc != 0)
            return rc;
        const tc_enum_entry *e = tc_enum_by_value(f, v.i);
        snprintf(buf, len, "%s", e ? e->name : "");
        return 0;
    }
    if (f->type != TC_FT_STRING)
        return fail(TC_ETYPE, "%s is not a string or enumeration", f->name);
    int rc;
    LOCKED(cam, tc_device_get_string(cam->dev, f, buf, len));
    return rc;
}

int tc_set_string(tc_camera *cam, const char *feature, const char *value)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return TC_ENOFEATURE;
    if (!value)
        return fail(TC_EINVAL, "NULL value for %s", f->name);
    if (f->type == TC_FT_ENUM) {
        const tc_enum_entry *e = tc_enum_by_name(f, value);
        if (!e) {
            snprintf(t_error, sizeof(t_error), "%s has no entry '%s'", f->name, value);
            return TC_EINVAL;
        }
        return set_value(cam, f, (tc_value){ .i = e->value });
    }
    if (f->type != TC_FT_STRING)
        return fail(TC_ETYPE, "%s is not a string or enumeration", f->name);
    int rc;
    LOCKED(cam, tc_device_set_string(cam->dev, f, value));
    return rc;
}

int tc_execute(tc_camera *cam, const char *feature)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return TC_ENOFEATURE;
    if (f->type != TC_FT_COMMAND)
        return fail(TC_ETYPE, "%s is not a command", f->name);
    return set_value(cam, f, (tc_value){ .i = 1 });
}

int tc_get_as_text(tc_camera *cam, const char *feature, char *buf, size_t len)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return TC_ENOFEATURE;
    if (!buf || len == 0)
        return fail(TC_EINVAL, "no buffer for %s", f->name);
    tc_value v;
    int rc;
    switch (f->type) {
    case TC_FT_STRING:
    case TC_FT_ENUM:
        return tc_get_string(cam, feature, buf, len);
    case TC_FT_COMMAND:
        snprintf(buf, len, "(command)");
        return 0;
    case TC_FT_FLOAT:
        rc = get_value(cam, f, &v);
        if (rc == 0)
            snprintf(buf, len, "%.10g", v.f);
        return rc;
    case TC_FT_BOOL:
        rc = get_value(cam, f, &v);
        if (rc == 0)
            snprintf(buf, len, "%s", v.i ? "true" : "false");
        return rc;
    case TC_FT_INTEGER:
        rc = get_value(cam, f, &v);
        if (rc == 0)
            snprintf(buf, len, "%lld", (long long)v.i);
        return rc;
    }
    return TC_ETYPE;
}

int tc_set_from_text(tc_camera *cam, const char *feature, const char *text)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return TC_ENOFEATURE;
    if (!text)
        return fail(TC_EINVAL, "no value for %s", f->name);
    char *end;
    errno = 0;
    switch (f->type) {
    case TC_FT_STRING:
    case TC_FT_ENUM:
        return tc_set_string(cam, feature, text);
    case TC_FT_COMMAND:
        return tc_execute(cam, feature);
    case TC_FT_BOOL:
        if (!strcasecmp(text, "true") || !strcmp(text, "1") || !strcasecmp(text, "on"))
            return tc_set_int(cam, feature, 1);
        if (!strcasecmp(text, "false") || !strcmp(text, "0") || !strcasecmp(text, "off"))
            return tc_set_int(cam, feature, 0);
        snprintf(t_error, sizeof(t_error), "%s takes true or false, not '%s'", f->name, text);
        return TC_EINVAL;
    case TC_FT_FLOAT: {
        double d = strtod(text, &end);
        if (end == text || *end || errno) {
            snprintf(t_error, sizeof(t_error), "%s takes a number, not '%s'", f->name, text);
            return TC_EINVAL;
        }
        return tc_set_float(cam, feature, d);
    }
    case TC_FT_INTEGER: {
        long long i = strtoll(text, &end, 0);
        if (end == text || *end || errno) {
            snprintf(t_error, sizeof(t_error), "%s takes an integer, not '%s'", f->name, text);
            return TC_EINVAL;
        }
        return tc_set_int(cam, feature, i);
    }
    }
    return TC_ETYPE;
}

int tc_start(tc_camera *cam) { return tc_execute(cam, "AcquisitionStart"); }
int tc_stop(tc_camera *cam) { return tc_execute(cam, "AcquisitionStop"); }
int tc_trigger_software(tc_camera *cam) { return tc_execute(cam, "TriggerSoftware"); }

int tc_wait_frame(tc_camera *cam, tc_frame *frame, int timeout_ms)
{
    if (!cam || !frame)
        return fail(TC_EINVAL, "NULL argument%s", NULL);
    tc_acq_frame *f = NULL;
    int rc = tc_acq_wait(cam->dev->acq, &f, timeout_ms);
    if (rc == TC_ETIMEOUT)
        return fail(rc, "no frame within the timeout%s", NULL);
    if (rc != 0)
        return fail(rc, "acquisition is not running%s", NULL);
    memset(frame, 0, sizeof(*frame));
    frame->block_id = f->block_id;
    frame->timestamp_ns = (uint64_t)f->timestamp_ns;
    frame->pixel_format = f->pixel_format;
    frame->width = f->width;
    frame->height = f->height;
    frame->offset_x = f->offset_x;
    frame->offset_y = f->offset_y;
    frame->data = f->data;
    frame->size = f->size;
    frame->status = TC_FRAME_OK;
    frame->priv_ = f;
    return 0;
}

void tc_release_frame(tc_camera *cam, tc_frame *frame)
{
    if (!cam || !frame || !frame->priv_)
        return;
    tc_acq_release(cam->dev->acq, frame->priv_);
    frame->priv_ = NULL;
    frame->data = NULL;
}

void tc_drop_frame(tc_camera *cam, tc_frame *frame)
{
    if (!cam || !frame || !frame->priv_)
        return;
    tc_acq_count_dropped(cam->dev->acq);
    tc_release_frame(cam, frame);
}

uint64_t tc_frames_dropped(tc_camera *cam) { return cam ? tc_acq_dropped(cam->dev->acq) : 0; }

const char *tc_camera_genicam_xml(tc_camera *cam, int big_endian, size_t *len)
{
    if (!cam)
        return NULL;
    int k = big_endian ? 1 : 0;
    pthread_mutex_lock(&cam->dev->lock);
    if (!cam->xml[k]) {
        tc_xml_options o = { cam->dev->identity[0], cam->dev->identity[1], k };
        cam->xml[k] = tc_genicam_xml(&o, &cam->xml_len[k]);
    }
    pthread_mutex_unlock(&cam->dev->lock);
    if (len)
        *len = cam->xml_len[k];
    return cam->xml[k];
}

int tc_register_read(tc_camera *cam, uint64_t address, uint8_t *buf, size_t len, int big_endian)
{
    if (!cam || (!buf && len))
        return fail(TC_EINVAL, "NULL argument%s", NULL);
    int rc;
    LOCKED(cam, tc_regmap_read(cam->dev, address, buf, len, big_endian));
    return rc;
}

int tc_register_write(tc_camera *cam, uint64_t address, const uint8_t *buf, size_t len, int big_endian)
{
    if (!cam || (!buf && len))
        return fail(TC_EINVAL, "NULL argument%s", NULL);
    int rc;
    LOCKED(cam, tc_regmap_write(cam->dev, address, buf, len, big_endian));
    return rc;
}

unsigned tc_feature_total(void) { return tc_feature_count; }

int tc_feature_describe(tc_camera *cam, unsigned index, tc_feature_info *info)
{
    static const char *types[] = { "Integer", "Float", "Enumeration", "Boolean", "Command", "String" };
    static const char *acc[] = { "RO", "RW", "WO" };
    if (!cam || !info || index >= tc_feature_count)
        return fail(TC_EINVAL, "no feature at that index%s", NULL);
    const tc_feature *f = &tc_features[index];
    memset(info, 0, sizeof(*info));
    info->name = f->name;
    info->type = types[f->type];
    info->access = acc[f->access];
    info->category = tc_categories[f->category].name ? tc_categories[f->category].name : "(hidden)";
    info->unit = f->unit ? f->unit : "";
    info->description = f->description ? f->description : "";
    if (f->access != TC_WO)
        tc_get_as_text(cam, f->name, info->value, sizeof(info->value));
    tc_value lo, hi;
    switch (f->type) {
    case TC_FT_INTEGER:
        pthread_mutex_lock(&cam->dev->lock);
        tc_device_bounds(cam->dev, f, &lo, &hi);
        pthread_mutex_unlock(&cam->dev->lock);
        if (f->inc > 1)
            snprintf(info->range, sizeof(info->range), "%lld..%lld step %lld", (long long)lo.i,
                     (long long)hi.i, (long long)f->inc);
        else
            snprintf(info->range, sizeof(info->range), "%lld..%lld", (long long)lo.i, (long long)hi.i);
        break;
    case TC_FT_FLOAT:
        pthread_mutex_lock(&cam->dev->lock);
        tc_device_bounds(cam->dev, f, &lo, &hi);
        pthread_mutex_unlock(&cam->dev->lock);
        snprintf(info->range, sizeof(info->range), "%.6g..%.6g", lo.f, hi.f);
        break;
    case TC_FT_ENUM: {
        size_t n = 0;
        for (unsigned i = 0; i < f->n_entries && n < sizeof(info->range); i++)
            n += (size_t)snprintf(info->range + n, sizeof(info->range) - n, "%s%s", i ? ", " : "",
                                  f->entries[i].name);
        break;
    }
    case TC_FT_BOOL:
        snprintf(info->range, sizeof(info->range), "true, false");
        break;
    default:
        break;
    }
    t_error[0] = 0;
    return 0;
}

int tc_drive_line(tc_camera *cam, unsigned line, int level, uint64_t t_ns)
{
    if (!cam || line >= 4 || (level != 0 && level != 1)) {
        snprintf(t_error, sizeof(t_error), "drive: line %u level %d: lines are Line0..Line3, levels 0 or 1",
                 line, level);
        return TC_EINVAL;
    }
    pthread_mutex_lock(&cam->dev->lock);
    int output = tc_device_slot(cam->dev, "LineMode", line)->i == 1;
    int64_t t = t_ns ? (int64_t)t_ns : tc_clock_now(&cam->dev->clock);
    pthread_mutex_unlock(&cam->dev->lock);
    if (output) {
        snprintf(t_error, sizeof(t_error), "Line%u is an output: the camera drives it", line);
        return TC_EACCESS;
    }
    int rc = tc_acq_drive_line(cam->dev->acq, line, level, t);
    if (rc == TC_EBUSY)
        snprintf(t_error, sizeof(t_error),
                 "Line%u has %d edges ahead of their time already (the most it takes)", line,
                 TC_EDGES_AHEAD);
    else if (rc != 0)
        snprintf(t_error, sizeof(t_error),
                 "Line%u: an edge at %llu ns is earlier than one already given", line,
                 (unsigned long long)t);
    else
        t_error[0] = 0;
    return rc;
}

int tc_watch_lines(tc_camera *cam, tc_line_callback cb, void *ctx)
{
    if (!cam || !cb)
        return fail(TC_EINVAL, "NULL argument%s", NULL);
    int h = tc_acq_watch_lines(cam->dev->acq, cb, ctx);
    return h < 0 ? fail(TC_EBUSY, "too many line watchers%s", NULL) : h;
}

void tc_unwatch_lines(tc_camera *cam, int handle)
{
    if (cam)
        tc_acq_unwatch_lines(cam->dev->acq, handle);
}

uint64_t tc_camera_time(tc_camera *cam)
{
    return cam ? (uint64_t)tc_device_timestamp(cam->dev) : 0;
}

uint64_t tc_host_time(tc_camera *cam)
{
    return cam ? (uint64_t)tc_clock_now(&cam->dev->clock) : 0;
}

int tc_line_level(tc_camera *cam, unsigned line)
{
    if (!cam || line >= 4)
        return 0;
    return tc_acq_line_level(cam->dev->acq, line, tc_clock_now(&cam->dev->clock));
}

int tc_line_is_output(tc_camera *cam, unsigned line)
{
    if (!cam || line >= 4)
        return TC_EINVAL;
    pthread_mutex_lock(&cam->dev->lock);
    int output = tc_device_slot(cam->dev, "LineMode", line)->i == 1;
    pthread_mutex_unlock(&cam->dev->lock);
    return output;
}

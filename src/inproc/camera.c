/* The in-process port: the public C API (include/twincam/twincam.h) over the
 * device core's port interface (core/device_port.h), like every other port.
 * It only translates names, types and text; every decision is the core's.
 * The reason of a refusal is kept for the calling thread and this camera
 * (inproc/last_error.h), so it survives other threads' calls and calls on
 * other cameras. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twincam/twincam.h" /* first: its status enumerators are the ones used here */

#include "core/device_port.h"
#include "inproc/camera_int.h"
#include "inproc/last_error.h"

/* The core's codes go through unchanged: they must be the public ones. */
#define SAME(code) ((int)TC_CORE_##code == (int)TC_##code)
_Static_assert(SAME(OK) && SAME(ENOFEATURE) && SAME(ETYPE) && SAME(ERANGE) && SAME(EACCESS) &&
                   SAME(EBUSY) && SAME(ETIMEOUT) && SAME(ENOMEM) && SAME(EINVAL) && SAME(EIO) &&
                   SAME(EADDRESS),
               "core status codes differ from the public ones");

struct tc_camera {
    tc_device *dev;
    uint64_t id; /* names its reasons in inproc/last_error.c; never reused */
};

static uint64_t id_of(const tc_camera *cam) { return cam ? cam->id : TC_NO_CAMERA; }

/* Refuse: keep the reason (printf-style) for this thread and camera. */
static int fail(const tc_camera *cam, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(const tc_camera *cam, int code, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    tc_last_error_set(id_of(cam), "%s", text);
    return code;
}

/* A call succeeded (so far): the camera's reason is "" again. */
static int ok(const tc_camera *cam)
{
    tc_last_error_clear(id_of(cam));
    return 0;
}

/* Keep the core's reason of the call that returned rc (its reasons are
 * thread-local too, so this is the reason of this very call). */
static int kept(const tc_camera *cam, int rc)
{
    if (rc)
        tc_last_error_set(id_of(cam), "%s", tc_port_why());
    else
        tc_last_error_clear(id_of(cam));
    return rc;
}

void tc_options_init(tc_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof(*o));
    o->struct_size = sizeof(*o);
}

/* The size field leads, so every version finds it. */
_Static_assert(offsetof(tc_options, struct_size) == 0, "struct_size must be the first field");

/* Beyond this a struct_size is garbage (an options struct never filled by
 * tc_options_init), not a newer library's options: refused unread. */
#define OPTIONS_SIZE_MAX 1024

/* Whether the application's tc_options holds `field`: the field lies
 * entirely within the struct_size it was built with. */
#define HAS(o, field) ((o)->struct_size >= offsetof(tc_options, field) + sizeof((o)->field))

/* The application's options as the device takes them: the fields its
 * struct_size covers, defaults for the rest. A struct from a newer
 * application (struct_size beyond ours) is accepted when every field this
 * library does not know is zero, their default. */
static int read_options(const tc_options *o, tc_device_options *d)
{
    *d = (tc_device_options){ 0 };
    if (!o)
        return 0;
    if (o->struct_size < sizeof(o->struct_size) || o->struct_size > OPTIONS_SIZE_MAX)
        return fail(NULL, TC_EINVAL,
                    "tc_options.struct_size is %zu: fill the options with tc_options_init",
                    o->struct_size);
    const unsigned char *bytes = (const unsigned char *)o;
    for (size_t i = sizeof(*o); i < o->struct_size; i++)
        if (bytes[i])
            return fail(NULL, TC_EINVAL,
                        "tc_options: byte %zu is set, in a field libtwincam %s does not know",
                        i, TWINCAM_VERSION_STRING);
    if (HAS(o, serial))
        d->serial = o->serial;
    if (HAS(o, vendor_name))
        d->vendor_name = o->vendor_name;
    if (HAS(o, model_name))
        d->model_name = o->model_name;
    if (HAS(o, noise_seed))
        d->noise_seed = o->noise_seed;
    if (HAS(o, deterministic))
        d->deterministic = o->deterministic;
    if (HAS(o, state_dir))
        d->state_dir = o->state_dir;
    if (HAS(o, frame_buffers))
        d->frame_buffers = o->frame_buffers;
    return 0;
}

int tc_camera_open(const tc_options *o, tc_camera **out)
{
    if (!out)
        return fail(NULL, TC_EINVAL, "tc_camera_open: out is NULL");
    *out = NULL;
    tc_device_options d;
    int rc = read_options(o, &d);
    if (rc)
        return rc;
    tc_camera *cam = calloc(1, sizeof(*cam));
    if (!cam)
        return fail(NULL, TC_ENOMEM, "out of memory");
    cam->dev = tc_port_open(&d);
    if (!cam->dev) {
        free(cam);
        return fail(NULL, TC_ENOMEM, "out of memory creating the device");
    }
    cam->id = tc_last_error_new_id();
    *out = cam;
    return ok(NULL);
}

void tc_camera_close(tc_camera *cam)
{
    if (!cam)
        return;
    tc_port_close(cam->dev);
    free(cam);
}

struct tc_device *tc_camera_device(tc_camera *cam) { return cam ? cam->dev : NULL; }

const char *tc_camera_last_error(tc_camera *cam) { return tc_last_error_get(id_of(cam)); }

/* The feature a call names; the start of every feature call, so it clears
 * the camera's reason. NULL (reason kept) for no camera or no such name:
 * the callers then return TC_ENOFEATURE, or TC_EINVAL for no camera. */
static const tc_feature *lookup(tc_camera *cam, const char *name)
{
    if (!cam) {
        fail(NULL, TC_EINVAL, "NULL camera");
        return NULL;
    }
    ok(cam);
    const tc_feature *f = name ? tc_feature_find(name) : NULL;
    if (!f)
        fail(cam, TC_ENOFEATURE, "no feature named '%s'", name ? name : "(NULL)");
    return f;
}

/* What a failed lookup returns. */
static int missing(const tc_camera *cam) { return cam ? TC_ENOFEATURE : TC_EINVAL; }

static int get_value(tc_camera *cam, const tc_feature *f, tc_value *v)
{
    if (f->access == TC_WO)
        return fail(cam, TC_EACCESS, "%s is write-only", f->name);
    return kept(cam, tc_port_get(cam->dev, f, v));
}

static int set_value(tc_camera *cam, const tc_feature *f, tc_value v)
{
    return kept(cam, tc_port_set(cam->dev, f, v));
}

static bool is_integral(const tc_feature *f)
{
    return f->type == TC_FT_INTEGER || f->type == TC_FT_ENUM || f->type == TC_FT_BOOL;
}

int tc_get_int(tc_camera *cam, const char *feature, int64_t *value)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return missing(cam);
    if (!is_integral(f))
        return fail(cam, TC_ETYPE, "%s is not an integer, enumeration or boolean", f->name);
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
        return missing(cam);
    if (!is_integral(f))
        return fail(cam, TC_ETYPE, "%s is not an integer, enumeration or boolean", f->name);
    return set_value(cam, f, (tc_value){ .i = value });
}

int tc_get_float(tc_camera *cam, const char *feature, double *value)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return missing(cam);
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
    return fail(cam, TC_ETYPE, "%s is not a number", f->name);
}

int tc_set_float(tc_camera *cam, const char *feature, double value)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return missing(cam);
    if (f->type != TC_FT_FLOAT)
        return fail(cam, TC_ETYPE, "%s is not a float", f->name);
    return set_value(cam, f, (tc_value){ .f = value });
}

int tc_get_string(tc_camera *cam, const char *feature, char *buf, size_t len)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return missing(cam);
    if (!buf || len == 0)
        return fail(cam, TC_EINVAL, "no buffer for %s", f->name);
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
        return fail(cam, TC_ETYPE, "%s is not a string or enumeration", f->name);
    return kept(cam, tc_port_get_string(cam->dev, f, buf, len));
}

int tc_set_string(tc_camera *cam, const char *feature, const char *value)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return missing(cam);
    if (!value)
        return fail(cam, TC_EINVAL, "NULL value for %s", f->name);
    if (f->type == TC_FT_ENUM) {
        const tc_enum_entry *e = tc_enum_by_name(f, value);
        if (!e)
            return fail(cam, TC_EINVAL, "%s has no entry '%s'", f->name, value);
        return set_value(cam, f, (tc_value){ .i = e->value });
    }
    if (f->type != TC_FT_STRING)
        return fail(cam, TC_ETYPE, "%s is not a string or enumeration", f->name);
    return kept(cam, tc_port_set_string(cam->dev, f, value));
}

int tc_execute(tc_camera *cam, const char *feature)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return missing(cam);
    if (f->type != TC_FT_COMMAND)
        return fail(cam, TC_ETYPE, "%s is not a command", f->name);
    return set_value(cam, f, (tc_value){ .i = 1 });
}

int tc_get_as_text(tc_camera *cam, const char *feature, char *buf, size_t len)
{
    const tc_feature *f = lookup(cam, feature);
    if (!f)
        return missing(cam);
    if (!buf || len == 0)
        return fail(cam, TC_EINVAL, "no buffer for %s", f->name);
    tc_value v;
    int rc;
    switch (f->type) {
    case TC_FT_STRING:
    case TC_FT_ENUM:
        return tc_get_string(cam, feature, buf, len);
    case TC_FT_COMMAND:
        snprintf(buf, len, "(command)");
        return 0;
    case TC_FT_REGISTER: /* bytes, for a port's register reads (camera_int.h) */
        snprintf(buf, len, "(%u bytes)", (unsigned)f->length);
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
        return missing(cam);
    if (!text)
        return fail(cam, TC_EINVAL, "no value for %s", f->name);
    char *end;
    errno = 0;
    switch (f->type) {
    case TC_FT_STRING:
    case TC_FT_ENUM:
        return tc_set_string(cam, feature, text);
    case TC_FT_COMMAND:
        return tc_execute(cam, feature);
    case TC_FT_REGISTER:
        return fail(cam, TC_ETYPE, "%s is %u bytes at 0x%x that GenICam clients move through a port "
                    "(file access), not text", f->name, (unsigned)f->length, (unsigned)f->address);
    case TC_FT_BOOL:
        if (!strcasecmp(text, "true") || !strcmp(text, "1") || !strcasecmp(text, "on"))
            return tc_set_int(cam, feature, 1);
        if (!strcasecmp(text, "false") || !strcmp(text, "0") || !strcasecmp(text, "off"))
            return tc_set_int(cam, feature, 0);
        return fail(cam, TC_EINVAL, "%s takes true or false, not '%s'", f->name, text);
    case TC_FT_FLOAT: {
        double d = strtod(text, &end);
        if (end == text || *end || errno)
            return fail(cam, TC_EINVAL, "%s takes a number, not '%s'", f->name, text);
        return tc_set_float(cam, feature, d);
    }
    case TC_FT_INTEGER: {
        long long i = strtoll(text, &end, 0);
        if (end == text || *end || errno)
            return fail(cam, TC_EINVAL, "%s takes an integer, not '%s'", f->name, text);
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
        return fail(cam, TC_EINVAL, "tc_wait_frame: NULL argument");
    tc_port_frame f;
    int rc = tc_port_take(cam->dev, &f, timeout_ms);
    if (rc == TC_ETIMEOUT)
        return fail(cam, rc, "no frame within %d ms", timeout_ms);
    if (rc != 0)
        return fail(cam, rc, "acquisition is not running and no frame is queued");
    memset(frame, 0, sizeof(*frame));
    frame->block_id = f.block_id;
    frame->timestamp_ns = f.timestamp_ns;
    frame->pixel_format = f.pixel_format;
    frame->width = f.width;
    frame->height = f.height;
    frame->offset_x = f.offset_x;
    frame->offset_y = f.offset_y;
    frame->data = f.data;
    frame->size = f.size;
    frame->status = TC_FRAME_OK;
    frame->priv_ = f.priv_;
    return ok(cam);
}

/* The port interface's view of a frame the application holds. */
static tc_port_frame held(const tc_frame *frame)
{
    return (tc_port_frame){ .data = frame->data, .size = frame->size, .priv_ = frame->priv_ };
}

void tc_release_frame(tc_camera *cam, tc_frame *frame)
{
    if (!cam || !frame || !frame->priv_)
        return;
    tc_port_frame f = held(frame);
    tc_port_release(cam->dev, &f);
    frame->priv_ = NULL;
    frame->data = NULL;
}

void tc_drop_frame(tc_camera *cam, tc_frame *frame)
{
    if (!cam || !frame || !frame->priv_)
        return;
    tc_port_frame f = held(frame);
    tc_port_drop(cam->dev, &f);
    frame->priv_ = NULL;
    frame->data = NULL;
}

uint64_t tc_frames_dropped(tc_camera *cam) { return cam ? tc_port_frames_dropped(cam->dev) : 0; }

const char *tc_camera_genicam_xml(tc_camera *cam, int big_endian, size_t *len)
{
    return cam ? tc_port_xml(cam->dev, big_endian, len) : NULL;
}

int tc_register_read(tc_camera *cam, uint64_t address, uint8_t *buf, size_t len, int big_endian)
{
    if (!cam || (!buf && len))
        return fail(cam, TC_EINVAL, "tc_register_read: NULL argument");
    return kept(cam, tc_port_read(cam->dev, address, buf, len, big_endian));
}

int tc_register_write(tc_camera *cam, uint64_t address, const uint8_t *buf, size_t len, int big_endian)
{
    if (!cam || (!buf && len))
        return fail(cam, TC_EINVAL, "tc_register_write: NULL argument");
    return kept(cam, tc_port_write(cam->dev, address, buf, len, big_endian));
}

unsigned tc_feature_total(void) { return tc_feature_count; }

int tc_feature_describe(tc_camera *cam, unsigned index, tc_feature_info *info)
{
    static const char *types[] = { "Integer", "Float", "Enumeration", "Boolean", "Command", "String",
                                   "Register" };
    static const char *acc[] = { "RO", "RW", "WO" };
    if (!cam || !info || index >= tc_feature_count)
        return fail(cam, TC_EINVAL, "no feature at index %u (NULL argument or beyond %u)", index,
                    tc_feature_count);
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
        tc_port_bounds(cam->dev, f, &lo, &hi);
        if (f->inc > 1)
            snprintf(info->range, sizeof(info->range), "%lld..%lld step %lld", (long long)lo.i,
                     (long long)hi.i, (long long)f->inc);
        else
            snprintf(info->range, sizeof(info->range), "%lld..%lld", (long long)lo.i, (long long)hi.i);
        break;
    case TC_FT_FLOAT:
        tc_port_bounds(cam->dev, f, &lo, &hi);
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
    return ok(cam);
}

int tc_drive_line(tc_camera *cam, unsigned line, int level, uint64_t t_ns)
{
    if (!cam)
        return fail(cam, TC_EINVAL, "NULL camera");
    return kept(cam, tc_port_drive_line(cam->dev, line, level, (int64_t)t_ns));
}

int tc_watch_lines(tc_camera *cam, tc_line_callback cb, void *ctx)
{
    if (!cam || !cb)
        return fail(cam, TC_EINVAL, "tc_watch_lines: NULL argument");
    int h = tc_port_watch_lines(cam->dev, cb, ctx);
    return h < 0 ? kept(cam, h) : (ok(cam), h);
}

void tc_unwatch_lines(tc_camera *cam, int handle)
{
    if (cam)
        tc_port_unwatch_lines(cam->dev, handle);
}

uint64_t tc_camera_time(tc_camera *cam) { return cam ? (uint64_t)tc_port_timestamp(cam->dev) : 0; }

uint64_t tc_host_time(tc_camera *cam) { return cam ? (uint64_t)tc_port_host_time(cam->dev) : 0; }

int tc_line_level(tc_camera *cam, unsigned line) { return cam ? tc_port_line_level(cam->dev, line) : 0; }

int tc_line_is_output(tc_camera *cam, unsigned line)
{
    if (!cam)
        return fail(cam, TC_EINVAL, "NULL camera");
    int rc = tc_port_line_is_output(cam->dev, line);
    if (rc < 0)
        return fail(cam, rc, "no Line%u: lines are Line0..Line3", line);
    ok(cam);
    return rc;
}

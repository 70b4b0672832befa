/* Region of interest, binning and payload: the datasheet's AOI rules.
 *
 * Sizes and offsets are in output pixels (after binning). The sensor mode of
 * the binning (sensor_modes.h) gives WidthMax and HeightMax; the grid (Width
 * min 24 step 12, Height min 32 step 8, OffsetX step 2, OffsetY step 4) is
 * the feature table's rows. The rules that involve two features are dynamic
 * bounds: Width <= WidthMax - OffsetX and OffsetX <= WidthMax - Width
 * (likewise vertically), so the generic bound check enforces them and
 * clients can read them. */
#include <stdlib.h>

#include "core/device.h"
#include "core/handlers.h"
#include "core/sensor_modes.h"

static const tc_sensor_mode *mode_of(int64_t binning)
{
    const tc_sensor_mode *m = tc_sensor_mode_for((unsigned)binning);
    if (!m)
        abort(); /* BinningHorizontal only ever holds a mode's binning */
    return m;
}

static const tc_sensor_mode *mode(tc_device *d)
{
    return mode_of(tc_device_int(d, "BinningHorizontal"));
}

/* Largest value min + k*inc of feature `name`'s grid that is <= limit. */
static int64_t floor_step(int64_t limit, const char *name)
{
    const tc_feature *f = tc_feature_find(name);
    const int64_t min = f->imin, inc = f->inc > 0 ? f->inc : 1;
    if (limit < min)
        return min;
    return min + (limit - min) / inc * inc;
}

int tc_get_width_max(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = mode(d)->width;
    return 0;
}

int tc_get_height_max(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = mode(d)->height;
    return 0;
}

int tc_get_width_limit(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = floor_step(mode(d)->width - tc_device_int(d, "OffsetX"), "Width");
    return 0;
}

int tc_get_height_limit(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = floor_step(mode(d)->height - tc_device_int(d, "OffsetY"), "Height");
    return 0;
}

int tc_get_offset_x_max(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = floor_step(mode(d)->width - tc_device_int(d, "Width"), "OffsetX");
    return 0;
}

int tc_get_offset_y_max(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = floor_step(mode(d)->height - tc_device_int(d, "Height"), "OffsetY");
    return 0;
}

/* Binning horizontal and vertical only jointly (datasheet): writing either
 * sets both, and the AOI is rescaled so it keeps (as nearly as the steps
 * allow) the same field of view, as SFNC asks of dependent features. */
int tc_set_binning(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx;
    int64_t old = mode(d)->binning, b = v.i;
    const tc_sensor_mode *m = tc_sensor_mode_for((unsigned)b);
    if (!m)
        return tc_device_refuse(d, TC_ERANGE, "the sensor has no %lldx%lld binning mode",
                                (long long)b, (long long)b);
    if (b == old)
        return 0;
    int64_t wmax = m->width, hmax = m->height;
    int64_t w = floor_step(tc_device_int(d, "Width") * old / b, "Width");
    int64_t h = floor_step(tc_device_int(d, "Height") * old / b, "Height");
    if (w > wmax)
        w = wmax;
    if (h > hmax)
        h = hmax;
    int64_t ox = floor_step(tc_device_int(d, "OffsetX") * old / b, "OffsetX");
    int64_t oy = floor_step(tc_device_int(d, "OffsetY") * old / b, "OffsetY");
    if (ox + w > wmax)
        ox = floor_step(wmax - w, "OffsetX");
    if (oy + h > hmax)
        oy = floor_step(hmax - h, "OffsetY");
    tc_device_slot(d, "BinningHorizontal", 0)->i = b;
    tc_device_slot(d, "BinningVertical", 0)->i = b;
    tc_device_slot(d, "Width", 0)->i = w;
    tc_device_slot(d, "Height", 0)->i = h;
    tc_device_slot(d, "OffsetX", 0)->i = ox;
    tc_device_slot(d, "OffsetY", 0)->i = oy;
    return 0;
}

int tc_get_payload_size(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = (int64_t)tc_device_payload_size(d);
    return 0;
}

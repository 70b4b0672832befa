/* Region of interest, binning and payload: the datasheet's AOI rules.
 *
 * Sizes and offsets are in output pixels (after binning). Width min 24 step
 * 12, Height min 32 step 8, OffsetX step 2, OffsetY step 4 (table rows); the
 * rules that involve two features are expressed as dynamic bounds: Width <=
 * WidthMax - OffsetX and OffsetX <= WidthMax - Width (likewise vertically),
 * so the generic bound check enforces them and clients can read them. */
#include "core/device.h"
#include "core/handlers.h"
#include "sensor/sensor.h"

static int64_t binning(tc_device *d) { return tc_device_int(d, "BinningHorizontal"); }

/* Largest value min + k*inc that is <= limit. */
static int64_t floor_step(int64_t limit, int64_t min, int64_t inc)
{
    if (limit < min)
        return min;
    return min + (limit - min) / inc * inc;
}

int tc_get_width_max(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = TC_SENSOR_WIDTH / binning(d);
    return 0;
}

int tc_get_height_max(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = TC_SENSOR_HEIGHT / binning(d);
    return 0;
}

int tc_get_width_limit(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = floor_step(TC_SENSOR_WIDTH / binning(d) - tc_device_int(d, "OffsetX"), 24, 12);
    return 0;
}

int tc_get_height_limit(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = floor_step(TC_SENSOR_HEIGHT / binning(d) - tc_device_int(d, "OffsetY"), 32, 8);
    return 0;
}

int tc_get_offset_x_max(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = floor_step(TC_SENSOR_WIDTH / binning(d) - tc_device_int(d, "Width"), 0, 2);
    return 0;
}

int tc_get_offset_y_max(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = floor_step(TC_SENSOR_HEIGHT / binning(d) - tc_device_int(d, "Height"), 0, 4);
    return 0;
}

/* Binning horizontal and vertical only jointly (datasheet): writing either
 * sets both, and the AOI is rescaled so it keeps (as nearly as the steps
 * allow) the same field of view, as SFNC asks of dependent features. */
int tc_set_binning(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)f, (void)idx;
    int64_t old = binning(d), b = v.i;
    if (b == old)
        return 0;
    int64_t wmax = TC_SENSOR_WIDTH / b, hmax = TC_SENSOR_HEIGHT / b;
    int64_t w = floor_step(tc_device_int(d, "Width") * old / b, 24, 12);
    int64_t h = floor_step(tc_device_int(d, "Height") * old / b, 32, 8);
    if (w > wmax)
        w = wmax;
    if (h > hmax)
        h = hmax;
    int64_t ox = floor_step(tc_device_int(d, "OffsetX") * old / b, 0, 2);
    int64_t oy = floor_step(tc_device_int(d, "OffsetY") * old / b, 0, 4);
    if (ox + w > wmax)
        ox = floor_step(wmax - w, 0, 2);
    if (oy + h > hmax)
        oy = floor_step(hmax - h, 0, 4);
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

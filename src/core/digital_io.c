/* Digital I/O features: line directions and sources as the datasheet wires
 * them (Line0 trigger input, Line1 flash output, Line2/Line3 GPIO). The
 * electrical side (edges from outside, output timing) is the I/O engine's. */
#include "core/acquisition.h"
#include "core/device.h"
#include "core/handlers.h"

enum { LINE_INPUT = 0, LINE_OUTPUT = 1 };

int tc_set_line_mode(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    if (idx == 0 && v.i != LINE_INPUT)
        return tc_device_refuse(d, TC_ERANGE, "Line0 is the trigger input; it cannot be an output");
    if (idx == 1 && v.i != LINE_OUTPUT)
        return tc_device_refuse(d, TC_ERANGE, "Line1 is the flash output; it cannot be an input");
    d->values[tc_feature_index(f)][idx] = v;
    return 0;
}

int tc_set_line_source(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    if (tc_device_slot(d, "LineMode", idx)->i != LINE_OUTPUT && v.i != 0)
        return tc_device_refuse(d, TC_ERANGE, "Line%u is an input; only outputs have a source", idx);
    d->values[tc_feature_index(f)][idx] = v;
    return 0;
}

/* Level of an output line before the inverter. */
static int output_level(tc_device *d, unsigned line)
{
    int64_t src = tc_device_slot(d, "LineSource", line)->i;
    switch (src) {
    case 3: /* AcquisitionActive */
        return tc_acq_running(d->acq);
    case 4: case 5: case 6: /* UserOutput0..2 */
        return tc_device_slot(d, "UserOutputValue", (unsigned)(src - 4))->i != 0;
    default: /* Off; ExposureActive/FrameActive are edges in time, low between frames here */
        return 0;
    }
}

static int line_level(tc_device *d, unsigned line)
{
    int level = tc_device_slot(d, "LineMode", line)->i == LINE_OUTPUT ? output_level(d, line) : 0;
    return level ^ (tc_device_slot(d, "LineInverter", line)->i != 0);
}

int tc_get_line_status(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f;
    v->i = line_level(d, idx);
    return 0;
}

int tc_get_line_status_all(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    v->i = 0;
    for (unsigned line = 0; line < 4; line++)
        v->i |= (int64_t)line_level(d, line) << line;
    return 0;
}

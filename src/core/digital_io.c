/* Digital I/O features: line directions and sources as the datasheet wires
 * them (Line0 trigger input, Line1 flash output, Line2/Line3 GPIO). Levels in
 * time (frame-following outputs, driven inputs) are the acquisition engine's
 * (lines.h). */
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

int tc_get_line_status(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f;
    v->i = tc_acq_line_level(d->acq, idx, tc_clock_now(&d->clock));
    return 0;
}

int tc_get_line_status_all(tc_device *d, const tc_feature *f, unsigned idx, tc_value *v)
{
    (void)f, (void)idx;
    int64_t now = tc_clock_now(&d->clock);
    v->i = 0;
    for (unsigned line = 0; line < 4; line++)
        v->i |= (int64_t)tc_acq_line_level(d->acq, line, now) << line;
    return 0;
}

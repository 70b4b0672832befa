/* Timing model (see timing.h and docs/timing.md). */
#include "core/timing.h"

void tc_timing_compute(const tc_timing_input *in, tc_timing *t)
{
    t->base_line_time_ns = 1e9 / (TC_FULL_FRAME_FPS * TC_FULL_FRAME_LINES);
    if (in->speedup > 1)
        t->base_line_time_ns /= in->speedup;
    const tc_sensor_mode *mode = in->mode ? in->mode : &tc_sensor_modes[0];
    t->frame_lines = in->height + mode->vblank_lines;

    /* The link must carry one payload per frame: if it cannot within the
     * sensor's readout, the camera pauses after each line, stretching the
     * line time (and with it the rolling-shutter skew). */
    double line_ns = t->base_line_time_ns;
    if (in->link_limit_Bps > 0) {
        double link_period_ns = (double)in->payload_bytes * 1e9 / in->link_limit_Bps;
        double link_line_ns = link_period_ns / t->frame_lines;
        if (link_line_ns > line_ns)
            line_ns = link_line_ns;
    }
    t->line_time_ns = line_ns;
    t->link_Bps = in->link_limit_Bps > 0 ? in->link_limit_Bps : TC_LINK_MAX_BPS;
    t->readout_ns = t->frame_lines * line_ns;
    t->exposure_bound_ns = in->exposure_us * 1e3 + TC_EXPOSURE_OFFSET_LINES * t->base_line_time_ns;
    t->min_period_ns = t->readout_ns > t->exposure_bound_ns ? t->readout_ns : t->exposure_bound_ns;
    t->period_ns = t->min_period_ns;
    if (in->frame_rate_cap > 0) {
        double cap_ns = 1e9 / in->frame_rate_cap;
        if (cap_ns > t->period_ns)
            t->period_ns = cap_ns;
    }
    t->max_fps = 1e9 / t->min_period_ns;
    t->fps = 1e9 / t->period_ns;
}

/* The timing model: frame period and rolling-shutter timing as a pure
 * function of the settings (docs/timing.md, facts.md section 2).
 *
 * Line time 1 / (18 x 3546) s (the kernel imx412 driver's full mode: frame
 * length 3546 lines, vertical blanking 506) reproduces the datasheet's 18 fps
 * at 4056 x 3040. A frame takes AOI height + 506 lines; 2x2 binning reads two
 * sensor rows per line time. A payload the link cannot carry in that time
 * stretches the line time. Exposure longer than the readout stretches the
 * period; so does an enabled AcquisitionFrameRate. */
#ifndef TC_CORE_TIMING_H
#define TC_CORE_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sensor_modes.h"

/* The full mode's frame length, which defines the line time. */
#define TC_FULL_FRAME_LINES 3546
#define TC_FULL_FRAME_FPS 18.0
/* Exposure needs this many lines beyond itself per frame (the kernel imx412
 * driver's exposure offset). */
#define TC_EXPOSURE_OFFSET_LINES 8
/* The fastest the camera's link carries (DeviceLinkThroughputLimit's maximum). */
#define TC_LINK_MAX_BPS 450e6

typedef struct tc_timing_input {
    const tc_sensor_mode *mode; /* NULL: full resolution */
    unsigned height;          /* AOI height in output rows */
    uint64_t payload_bytes;   /* bytes per frame */
    double exposure_us;
    double link_limit_Bps;    /* 0: no link limit */
    double frame_rate_cap;    /* 0: not enabled */
    double speedup;           /* divides the sensor line time (TwinReadoutSpeedup); 0 or 1: real */
} tc_timing_input;

typedef struct tc_timing {
    double base_line_time_ns; /* the sensor's own line time */
    double line_time_ns;      /* effective: stretched when the link is the bottleneck */
    unsigned frame_lines;     /* height + vblank */
    double readout_ns;        /* frame_lines x line_time */
    double exposure_bound_ns; /* exposure + offset lines: shortest period the exposure allows */
    double min_period_ns;     /* max(readout, exposure bound): what the sensor and link can do */
    double period_ns;         /* min_period, or longer when the frame-rate cap says so */
    double max_fps;           /* 1e9 / min_period */
    double fps;               /* 1e9 / period */
    double link_Bps;          /* the link's rate: the throughput limit, or TC_LINK_MAX_BPS when off */
} tc_timing;

void tc_timing_compute(const tc_timing_input *in, tc_timing *out);

/* Start of row r's exposure relative to row 0's (rolling shutter). */
static inline double tc_timing_row_offset_ns(const tc_timing *t, unsigned row)
{
    return (double)row * t->line_time_ns;
}

#endif

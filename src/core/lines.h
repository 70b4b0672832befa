/* The camera's four I/O lines as signals in time (datasheet: Line0 trigger
 * input, Line1 flash output, Line2/Line3 GPIO).
 *
 * Output sources that follow frames are windows computed from each frame's
 * rolling-shutter timing; row r exposes [t0 + r lt, t0 + r lt + E] and is read
 * out during the following line time:
 *   ExposureActive  [t0, t0 + (H-1) lt + E]   first row starts .. last row ends
 *   FrameActive     [t0, t0 + E + H lt]       .. last row read out
 *   FlashWindow     [t0 + (H-1) lt, t0 + E]   all rows expose together (none if
 *                                             E <= (H-1) lt: no common window)
 * Line levels given out are electrical levels, after LineInverter. */
#ifndef TC_CORE_LINES_H
#define TC_CORE_LINES_H

#include <stdbool.h>
#include <stdint.h>

#define TC_LINES 4
#define TC_USER_OUTPUTS 3

/* LineSource entry values (the feature table's e_line_source). */
enum {
    TC_SRC_OFF = 0,
    TC_SRC_EXPOSURE_ACTIVE = 1,
    TC_SRC_FRAME_ACTIVE = 2,
    TC_SRC_ACQUISITION_ACTIVE = 3,
    TC_SRC_USER_OUTPUT0 = 4, /* .. 6 */
    TC_SRC_FLASH_WINDOW = 7,
};

typedef struct tc_line_config {
    bool output[TC_LINES];
    bool inverter[TC_LINES];
    int source[TC_LINES];
    double debounce_ns[TC_LINES];
    bool user[TC_USER_OUTPUTS];
} tc_line_config;

typedef struct tc_window {
    int64_t start, end;
} tc_window;

/* The active window of a frame-following source for a frame whose row 0
 * starts exposing at t0. Returns false when the source is not frame-driven or
 * has no window for this frame (FlashWindow with too short an exposure). */
bool tc_line_window(int source, int64_t t0, double exposure_ns, double line_ns, unsigned rows,
                    tc_window *w);

/* Is a source one that follows frames? */
static inline bool tc_line_frame_source(int source)
{
    return source == TC_SRC_EXPOSURE_ACTIVE || source == TC_SRC_FRAME_ACTIVE ||
           source == TC_SRC_FLASH_WINDOW;
}

#endif

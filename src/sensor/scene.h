/* Scene stage: what the lens puts on the sensor, as CFA "relative signal".
 *
 * A scene row is one uint16 per sensor pixel: 65535 means a white (100 %
 * reflectance) point seen through that pixel's colour filter, 0 means black.
 * The channel of each pixel follows Bayer GR (even rows G R G R ..., odd rows
 * B G B G ...) in absolute sensor coordinates. Illuminance, exposure time and
 * quantum efficiency are applied later (exposure.h).
 *
 * Scenes cover the whole 4056 x 3040 sensor. The chart, flat field and PNG
 * scenes are static; the moving scene depends on the time each row is
 * sampled at, which is how the rolling shutter shears it. */
#ifndef TC_SENSOR_SCENE_H
#define TC_SENSOR_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/png_io.h"
#include "sensor/sensor.h"

/* --- Chart geometry (sensor pixels) ----------------------------------------
 * Rows [0, TC_CHART_BARS_BOTTOM): 8 colour bars of equal width, left to right
 * white, yellow, cyan, green, magenta, red, blue, black (reflectance 1 or 0 per
 * R/G/B channel). Rows below: a grey ramp, reflectance x / (W - 1).
 * A grid of TC_CHART_GRID_LINE-wide mid-grey lines every TC_CHART_GRID_PITCH
 * pixels in both directions. Orientation markers, TC_CHART_MARKER pixels square
 * and TC_CHART_MARKER_MARGIN from the edges: red top-left, green top-right,
 * blue bottom-left, none bottom-right, so every mirror shows. */
#define TC_CHART_BARS_BOTTOM 1824u
#define TC_CHART_BAR_COUNT 8u
#define TC_CHART_GRID_PITCH 256u
#define TC_CHART_GRID_LINE 4u
#define TC_CHART_GRID_LEVEL 32768u
#define TC_CHART_MARKER 256u
#define TC_CHART_MARKER_MARGIN 64u

/* --- Moving scene ------------------------------------------------------------
 * A bright bar TC_MOVING_BAR_WIDTH pixels wide, full height, moves to the right
 * at TC_MOVING_SPEED_PX_S over a dark field; it wraps around after leaving the
 * sensor (period (W + bar width) / speed). A pixel is lit when its centre is
 * inside the bar at the sampling time (no motion blur). */
#define TC_MOVING_SPEED_PX_S 2000.0
#define TC_MOVING_BAR_WIDTH 128u
#define TC_MOVING_BAR_LEVEL 65535u
#define TC_MOVING_BACKGROUND_LEVEL 3277u /* 5 % */

typedef enum tc_scene_filter {
    TC_SCENE_FILTER_BILINEAR = 0,
    TC_SCENE_FILTER_NEAREST = 1,
} tc_scene_filter;

typedef struct tc_scene tc_scene;

/* A synthetic scene: TC_SCENE_CHART, TC_SCENE_FLAT or TC_SCENE_MOVING (NULL for
 * other kinds or on allocation failure). Cheap: nothing is rendered ahead. */
tc_scene *tc_scene_new(tc_scene_kind kind);

/* A TC_SCENE_PNG scene from a decoded image (1 or 3 channels, 16-bit samples
 * taken as linear relative signal, no sRGB decoding), stretched over the whole
 * sensor and rendered now into a full-sensor CFA map (24.7 MB); the image is
 * not kept. NULL with a reason in err on bad input or allocation failure. */
tc_scene *tc_scene_new_image(const tc_image16 *img, tc_scene_filter filter, char *err,
                             size_t errlen);

void tc_scene_free(tc_scene *sc); /* NULL-safe */

tc_scene_kind tc_scene_get_kind(const tc_scene *sc);

/* Bytes the scene holds (the PNG map; a few bytes otherwise). */
size_t tc_scene_bytes(const tc_scene *sc);

/* True when rows do not depend on time (everything but TC_SCENE_MOVING). */
bool tc_scene_is_static(const tc_scene *sc);

/* Relative signal of sensor row y, columns [x0, x0 + n), into out[n], sampled
 * at time t_s (seconds on the camera's time line; only the moving scene reads
 * it). Requires y < TC_SENSOR_HEIGHT and x0 + n <= TC_SENSOR_WIDTH. */
void tc_scene_row(const tc_scene *sc, unsigned y, unsigned x0, unsigned n, double t_s,
                  uint16_t *out);

/* Left edge (sensor pixels, may be negative while the bar enters) of the
 * moving bar at time t_s. */
double tc_scene_moving_bar_left(double t_s);

#endif

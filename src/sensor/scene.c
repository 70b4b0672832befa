/* Scene stage: chart, flat field, moving bar and PNG scenes as CFA rows.
 *
 * Synthetic scenes are computed row by row on demand (they are only asked for
 * when the sensor's cached mean image is rebuilt, or every frame for the
 * moving bar); a PNG scene is resampled once into a full-sensor CFA map so
 * that the source image need not be kept. */
#include "sensor/scene.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/sensor_int.h"

struct tc_scene {
    tc_scene_kind kind;
    uint16_t *map; /* TC_SCENE_PNG: TC_SENSOR_WIDTH * TC_SENSOR_HEIGHT CFA samples */
    /* TC_SCENE_CHART: the two kinds of chart row (bars, ramp) for each row
     * parity, grid columns included; markers and grid rows go on top. */
    uint16_t (*chart)[TC_SENSOR_WIDTH]; /* [bars?0:1][y & 1] -> 4 rows */
};

static void chart_base_rows(uint16_t (*rows)[TC_SENSOR_WIDTH]);

tc_scene *tc_scene_new(tc_scene_kind kind)
{
    if (kind != TC_SCENE_CHART && kind != TC_SCENE_FLAT && kind != TC_SCENE_MOVING)
        return NULL;
    tc_scene *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->kind = kind;
    if (kind == TC_SCENE_CHART) {
        sc->chart = malloc(4 * sizeof *sc->chart);
        if (!sc->chart) {
            free(sc);
            return NULL;
        }
        chart_base_rows(sc->chart);
    }
    return sc;
}

void tc_scene_free(tc_scene *sc)
{
    if (!sc)
        return;
    free(sc->map);
    free(sc->chart);
    free(sc);
}

tc_scene_kind tc_scene_get_kind(const tc_scene *sc) { return sc->kind; }

size_t tc_scene_bytes(const tc_scene *sc)
{
    return sizeof *sc + (sc->map ? (size_t)TC_SENSOR_WIDTH * TC_SENSOR_HEIGHT * sizeof *sc->map : 0) +
           (sc->chart ? 4 * sizeof *sc->chart : 0);
}

bool tc_scene_is_static(const tc_scene *sc) { return sc->kind != TC_SCENE_MOVING; }

/* --- chart ----------------------------------------------------------------- */

/* R, G, B reflectance (0 or 1) of the bars, left to right. */
static const uint8_t chart_bar_rgb[TC_CHART_BAR_COUNT][3] = {
    { 1, 1, 1 }, /* white */
    { 1, 1, 0 }, /* yellow */
    { 0, 1, 1 }, /* cyan */
    { 0, 1, 0 }, /* green */
    { 1, 0, 1 }, /* magenta */
    { 1, 0, 0 }, /* red */
    { 0, 0, 1 }, /* blue */
    { 0, 0, 0 }, /* black */
};

/* Channel index of a marker's colour at this (x, y), or -1 outside markers. */
static int chart_marker_channel(unsigned x, unsigned y)
{
    const unsigned lo = TC_CHART_MARKER_MARGIN, hi = TC_CHART_MARKER_MARGIN + TC_CHART_MARKER;
    const bool top = y >= lo && y < hi;
    const bool bottom = y >= TC_SENSOR_HEIGHT - hi && y < TC_SENSOR_HEIGHT - lo;
    const bool left = x >= lo && x < hi;
    const bool right = x >= TC_SENSOR_WIDTH - hi && x < TC_SENSOR_WIDTH - lo;
    if (top && left)
        return TC_CH_R;
    if (top && right)
        return TC_CH_G;
    if (bottom && left)
        return TC_CH_B;
    return -1;
}

/* Bars (rows 0, 1) and ramp (rows 2, 3) for even and odd sensor rows, with
 * the grid's columns drawn in. */
static void chart_base_rows(uint16_t (*rows)[TC_SENSOR_WIDTH])
{
    for (unsigned k = 0; k < 4; k++) {
        const unsigned y = k & 1; /* row parity is all that matters here */
        for (unsigned x = 0; x < TC_SENSOR_WIDTH; x++) {
            const unsigned c = tc_bayer_channel(x, y);
            unsigned v;
            if (k < 2)
                v = chart_bar_rgb[x * TC_CHART_BAR_COUNT / TC_SENSOR_WIDTH][c] ? 65535u : 0u;
            else
                v = (unsigned)((uint32_t)x * 65535u / (TC_SENSOR_WIDTH - 1));
            if ((x % TC_CHART_GRID_PITCH) < TC_CHART_GRID_LINE)
                v = TC_CHART_GRID_LEVEL;
            rows[k][x] = (uint16_t)v;
        }
    }
}

static void chart_row(const tc_scene *sc, unsigned y, unsigned x0, unsigned n, uint16_t *out)
{
    if ((y % TC_CHART_GRID_PITCH) < TC_CHART_GRID_LINE) {
        for (unsigned i = 0; i < n; i++)
            out[i] = TC_CHART_GRID_LEVEL;
    } else {
        const unsigned k = (y < TC_CHART_BARS_BOTTOM ? 0 : 2) + (y & 1);
        memcpy(out, sc->chart[k] + x0, (size_t)n * sizeof *out);
    }
    /* Markers cover the grid too. */
    if (y >= TC_CHART_MARKER_MARGIN + TC_CHART_MARKER &&
        y < TC_SENSOR_HEIGHT - TC_CHART_MARKER_MARGIN - TC_CHART_MARKER)
        return;
    for (unsigned i = 0; i < n; i++) {
        const unsigned x = x0 + i;
        const int mc = chart_marker_channel(x, y);
        if (mc >= 0)
            out[i] = (unsigned)mc == tc_bayer_channel(x, y) ? 65535u : 0u;
    }
}

/* --- moving bar ------------------------------------------------------------ */

double tc_scene_moving_bar_left(double t_s)
{
    const double period = (double)(TC_SENSOR_WIDTH + TC_MOVING_BAR_WIDTH);
    double p = fmod(TC_MOVING_SPEED_PX_S * t_s, period);
    if (p < 0)
        p += period;
    return p - (double)TC_MOVING_BAR_WIDTH;
}

static void moving_row(unsigned x0, unsigned n, double t_s, uint16_t *out)
{
    /* Pixel x is lit when its centre x + 0.5 lies in [left, left + width). */
    const double left = tc_scene_moving_bar_left(t_s);
    double a = ceil(left - 0.5), b = ceil(left + (double)TC_MOVING_BAR_WIDTH - 0.5);
    long lo = (long)a - (long)x0, hi = (long)b - (long)x0;
    if (lo < 0)
        lo = 0;
    if (hi > (long)n)
        hi = (long)n;
    for (unsigned i = 0; i < n; i++)
        out[i] = TC_MOVING_BACKGROUND_LEVEL;
    for (long i = lo; i < hi; i++)
        out[i] = TC_MOVING_BAR_LEVEL;
}

/* --- PNG ------------------------------------------------------------------- */

/* Source sample index and 8-bit weight of the next sample for output pixel i
 * of `out_n` spread over `in_n` source samples (pixel centres aligned, edges
 * clamped). Integer arithmetic, so every compiler resamples identically. */
static void bilinear_coord(unsigned i, unsigned out_n, unsigned in_n, unsigned *i0,
                           unsigned *i1, unsigned *w)
{
    int64_t u = (int64_t)(2 * (uint64_t)i + 1) * in_n * 256 / (2 * (int64_t)out_n) - 128;
    if (u < 0)
        u = 0;
    *i0 = (unsigned)(u >> 8);
    *w = (unsigned)(u & 255);
    if (*i0 >= in_n - 1) {
        *i0 = in_n - 1;
        *w = 0;
    }
    *i1 = *i0 + 1 < in_n ? *i0 + 1 : *i0;
}

static unsigned nearest_coord(unsigned i, unsigned out_n, unsigned in_n)
{
    return (unsigned)((2 * (uint64_t)i + 1) * in_n / (2 * (uint64_t)out_n));
}

static void render_image(const tc_image16 *img, tc_scene_filter filter, uint16_t *map)
{
    const unsigned W = TC_SENSOR_WIDTH, H = TC_SENSOR_HEIGHT, ch = img->channels;
    const size_t stride = (size_t)img->width * ch;
    for (unsigned y = 0; y < H; y++) {
        uint16_t *row = map + (size_t)y * W;
        if (filter == TC_SCENE_FILTER_NEAREST) {
            const uint16_t *src = img->data + nearest_coord(y, H, img->height) * stride;
            for (unsigned x = 0; x < W; x++) {
                unsigned c = ch == 3 ? tc_bayer_channel(x, y) : 0;
                row[x] = src[(size_t)nearest_coord(x, W, img->width) * ch + c];
            }
            continue;
        }
        unsigned y0, y1, wy;
        bilinear_coord(y, H, img->height, &y0, &y1, &wy);
        const uint16_t *s0 = img->data + y0 * stride, *s1 = img->data + y1 * stride;
        for (unsigned x = 0; x < W; x++) {
            unsigned x0, x1, wx;
            bilinear_coord(x, W, img->width, &x0, &x1, &wx);
            const unsigned c = ch == 3 ? tc_bayer_channel(x, y) : 0;
            const size_t a = (size_t)x0 * ch + c, b = (size_t)x1 * ch + c;
            uint64_t top = (uint64_t)s0[a] * (256 - wx) + (uint64_t)s0[b] * wx;
            uint64_t bot = (uint64_t)s1[a] * (256 - wx) + (uint64_t)s1[b] * wx;
            row[x] = (uint16_t)((top * (256 - wy) + bot * wy + 32768) >> 16);
        }
    }
}

tc_scene *tc_scene_new_image(const tc_image16 *img, tc_scene_filter filter, char *err,
                             size_t errlen)
{
    if (!img || !img->data || img->width == 0 || img->height == 0 ||
        (img->channels != 1 && img->channels != 3)) {
        snprintf(err, errlen, "scene image must be 1 (gray) or 3 (RGB) channels, non-empty");
        return NULL;
    }
    if (filter != TC_SCENE_FILTER_BILINEAR && filter != TC_SCENE_FILTER_NEAREST) {
        snprintf(err, errlen, "unknown scene filter %d", (int)filter);
        return NULL;
    }
    tc_scene *sc = calloc(1, sizeof *sc);
    uint16_t *map = malloc((size_t)TC_SENSOR_WIDTH * TC_SENSOR_HEIGHT * sizeof *map);
    if (!sc || !map) {
        free(sc);
        free(map);
        snprintf(err, errlen, "out of memory for the scene map");
        return NULL;
    }
    render_image(img, filter, map);
    sc->kind = TC_SCENE_PNG;
    sc->map = map;
    return sc;
}

/* --- rows ------------------------------------------------------------------ */

void tc_scene_row(const tc_scene *sc, unsigned y, unsigned x0, unsigned n, double t_s,
                  uint16_t *out)
{
    switch (sc->kind) {
    case TC_SCENE_CHART:
        chart_row(sc, y, x0, n, out);
        break;
    case TC_SCENE_FLAT:
        for (unsigned i = 0; i < n; i++)
            out[i] = 65535u;
        break;
    case TC_SCENE_MOVING:
        moving_row(x0, n, t_s, out);
        break;
    case TC_SCENE_PNG:
        memcpy(out, sc->map + (size_t)y * TC_SENSOR_WIDTH + x0, (size_t)n * sizeof *out);
        break;
    }
}

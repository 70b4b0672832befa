/* Each sensor stage alone, on small known inputs: scene, fixed pattern,
 * exposure, noise, ADC, binning and mirror. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sensor/adc.h"
#include "sensor/binning.h"
#include "sensor/exposure.h"
#include "sensor/fixed_pattern.h"
#include "sensor/noise.h"
#include "sensor/readout.h"
#include "sensor/scene.h"
#include "sensor/sensor_int.h"
#include "sensor/sensor_model.h"
#include "util/rng.h"

#define W TC_SENSOR_WIDTH
#define H TC_SENSOR_HEIGHT

/* --- scene ----------------------------------------------------------------- */

static uint16_t scene_at(const tc_scene *sc, unsigned x, unsigned y)
{
    uint16_t v;
    tc_scene_row(sc, y, x, 1, 0.0, &v);
    return v;
}

static bool on_grid(unsigned v) { return v % TC_CHART_GRID_PITCH < TC_CHART_GRID_LINE + 2; }

static void test_scene_chart_bars(void **state)
{
    (void)state;
    static const uint8_t rgb[8][3] = { { 1, 1, 1 }, { 1, 1, 0 }, { 0, 1, 1 }, { 0, 1, 0 },
                                       { 1, 0, 1 }, { 1, 0, 0 }, { 0, 0, 1 }, { 0, 0, 0 } };
    tc_scene *sc = tc_scene_new(TC_SCENE_CHART);
    assert_non_null(sc);
    assert_true(tc_scene_is_static(sc));
    const unsigned y = 1000; /* even: a G R row; y + 1 is B G */
    assert_false(on_grid(y) || on_grid(y + 1));
    for (unsigned b = 0; b < 8; b++) {
        unsigned x = (b * W / 8 + W / 16) & ~1u; /* centre of bar b, a G site */
        while (on_grid(x) || on_grid(x + 1))
            x += 2;
        assert_int_equal(tc_bayer_channel(x, y), TC_CH_G);
        assert_int_equal(tc_bayer_channel(x + 1, y), TC_CH_R);
        assert_int_equal(tc_bayer_channel(x, y + 1), TC_CH_B);
        assert_int_equal(scene_at(sc, x + 1, y), rgb[b][0] ? 65535 : 0);
        assert_int_equal(scene_at(sc, x, y), rgb[b][1] ? 65535 : 0);
        assert_int_equal(scene_at(sc, x + 1, y + 1), rgb[b][1] ? 65535 : 0);
        assert_int_equal(scene_at(sc, x, y + 1), rgb[b][2] ? 65535 : 0);
    }
    /* Grid lines are mid-grey on every channel. */
    assert_int_equal(scene_at(sc, 3 * TC_CHART_GRID_PITCH, y), TC_CHART_GRID_LEVEL);
    assert_int_equal(scene_at(sc, 3 * TC_CHART_GRID_PITCH + 1, y + 1), TC_CHART_GRID_LEVEL);
    assert_int_equal(scene_at(sc, 777, 4 * TC_CHART_GRID_PITCH), TC_CHART_GRID_LEVEL);
    tc_scene_free(sc);
}

static void test_scene_chart_markers_and_ramp(void **state)
{
    (void)state;
    tc_scene *sc = tc_scene_new(TC_SCENE_CHART);
    const unsigned m = TC_CHART_MARKER_MARGIN + TC_CHART_MARKER / 2; /* inside a marker */
    const unsigned xr = W - m, yb = H - m;
    /* Red top-left (on the white bar: G and B are dark only inside it). */
    assert_int_equal(scene_at(sc, m + 1, m), 65535); /* R */
    assert_int_equal(scene_at(sc, m, m), 0);         /* G */
    assert_int_equal(scene_at(sc, m, m + 1), 0);     /* B */
    /* Green top-right (on the black bar). */
    assert_int_equal(scene_at(sc, xr, m), 65535);
    assert_int_equal(scene_at(sc, xr + 1, m), 0);
    assert_int_equal(scene_at(sc, xr, m + 1), 0);
    /* Blue bottom-left (on the dark end of the ramp). */
    assert_int_equal(scene_at(sc, m, yb + 1), 65535);
    assert_int_equal(scene_at(sc, m, yb), 0);
    assert_int_equal(scene_at(sc, m + 1, yb), 0);
    /* No marker bottom-right: ramp grey, equal on all channels. */
    const uint16_t g = scene_at(sc, xr, yb);
    assert_true(g > 60000);
    assert_true(abs((int)scene_at(sc, xr + 1, yb) - (int)g) < 20);
    assert_true(abs((int)scene_at(sc, xr, yb + 1) - (int)g) < 20);
    /* The ramp rises left to right from black to white. */
    const unsigned y = 2000;
    uint16_t row[W];
    tc_scene_row(sc, y, 0, W, 0.0, row);
    unsigned prev = 0, rises = 0;
    for (unsigned x = 0; x < W; x++) {
        if (on_grid(x))
            continue;
        assert_true(row[x] >= prev);
        rises += row[x] > prev;
        prev = row[x];
    }
    assert_true(rises > 2000);
    assert_true(row[W - 1] == 65535 && row[TC_CHART_GRID_LINE + 1] < 100);
    /* A row segment equals the same pixels of the whole row. */
    uint16_t part[100];
    tc_scene_row(sc, y, 1234, 100, 0.0, part);
    assert_memory_equal(part, row + 1234, sizeof part);
    tc_scene_free(sc);
}

/* The chart everywhere (every 3rd row, every column) against its documented
 * geometry, written out here independently of scene.c. */
static uint16_t chart_reference(unsigned x, unsigned y)
{
    static const uint8_t rgb[8][3] = { { 1, 1, 1 }, { 1, 1, 0 }, { 0, 1, 1 }, { 0, 1, 0 },
                                       { 1, 0, 1 }, { 1, 0, 0 }, { 0, 0, 1 }, { 0, 0, 0 } };
    const unsigned c = tc_bayer_channel(x, y), m0 = TC_CHART_MARKER_MARGIN,
                   m1 = TC_CHART_MARKER_MARGIN + TC_CHART_MARKER;
    const bool top = y >= m0 && y < m1, bottom = y >= H - m1 && y < H - m0;
    const bool left = x >= m0 && x < m1, right = x >= W - m1 && x < W - m0;
    if (top && left)
        return c == TC_CH_R ? 65535 : 0;
    if (top && right)
        return c == TC_CH_G ? 65535 : 0;
    if (bottom && left)
        return c == TC_CH_B ? 65535 : 0;
    if (x % TC_CHART_GRID_PITCH < TC_CHART_GRID_LINE || y % TC_CHART_GRID_PITCH < TC_CHART_GRID_LINE)
        return TC_CHART_GRID_LEVEL;
    if (y < TC_CHART_BARS_BOTTOM)
        return rgb[x / (W / 8)][c] ? 65535 : 0; /* W is a multiple of 8 */
    return (uint16_t)(x * 65535u / (W - 1));
}

static void test_scene_chart_everywhere(void **state)
{
    (void)state;
    tc_scene *sc = tc_scene_new(TC_SCENE_CHART);
    uint16_t *row = malloc(W * sizeof *row);
    for (unsigned y = 0; y < H; y += 3) {
        tc_scene_row(sc, y, 0, W, 0.0, row);
        for (unsigned x = 0; x < W; x++)
            if (row[x] != chart_reference(x, y))
                fail_msg("chart (%u, %u) = %u, want %u", x, y, row[x], chart_reference(x, y));
    }
    free(row);
    tc_scene_free(sc);
}

static void test_scene_flat_and_moving(void **state)
{
    (void)state;
    uint16_t row[W];
    tc_scene *flat = tc_scene_new(TC_SCENE_FLAT);
    tc_scene_row(flat, 17, 0, W, 0.0, row);
    for (unsigned x = 0; x < W; x++)
        assert_int_equal(row[x], 65535);
    tc_scene_free(flat);

    tc_scene *mv = tc_scene_new(TC_SCENE_MOVING);
    assert_false(tc_scene_is_static(mv));
    const double t = 1.0; /* bar left edge at 2000 - 128 = 1872 */
    assert_true(fabs(tc_scene_moving_bar_left(t) - 1872.0) < 1e-9);
    tc_scene_row(mv, 5, 0, W, t, row);
    unsigned lit = 0, first = W;
    for (unsigned x = 0; x < W; x++) {
        if (row[x] == TC_MOVING_BAR_LEVEL) {
            lit++;
            if (first == W)
                first = x;
        } else {
            assert_int_equal(row[x], TC_MOVING_BACKGROUND_LEVEL);
        }
    }
    assert_int_equal(lit, TC_MOVING_BAR_WIDTH);
    assert_int_equal(first, 1872);
    /* 10 ms later it moved 20 pixels right. */
    tc_scene_row(mv, 5, 1800, 200, t + 0.010, row);
    assert_int_equal(row[1892 - 1800 - 1], TC_MOVING_BACKGROUND_LEVEL);
    assert_int_equal(row[1892 - 1800], TC_MOVING_BAR_LEVEL);
    tc_scene_free(mv);
    assert_null(tc_scene_new(TC_SCENE_PNG)); /* needs an image */
}

static void test_scene_image(void **state)
{
    (void)state;
    char err[128];
    /* 2 x 2 RGB: quadrants red, green / blue, white. */
    uint16_t px[12] = { 65535, 0, 0, 0, 65535, 0, 0, 0, 65535, 65535, 65535, 65535 };
    tc_image16 img = { 2, 2, 3, px };
    tc_scene *sc = tc_scene_new_image(&img, TC_SCENE_FILTER_NEAREST, err, sizeof err);
    assert_non_null(sc);
    assert_int_equal(tc_scene_get_kind(sc), TC_SCENE_PNG);
    /* Top-left quadrant red: R sites 65535, G and B 0. */
    assert_int_equal(scene_at(sc, 11, 10), 65535);
    assert_int_equal(scene_at(sc, 10, 10), 0);
    assert_int_equal(scene_at(sc, 10, 11), 0);
    /* Top-right green. */
    assert_int_equal(scene_at(sc, W - 10, 10), 65535);
    assert_int_equal(scene_at(sc, W - 9, 10), 0);
    /* Bottom-left blue, bottom-right white. */
    assert_int_equal(scene_at(sc, 10, H - 9), 65535);
    assert_int_equal(scene_at(sc, 10, H - 10), 0);
    assert_int_equal(scene_at(sc, W - 10, H - 10), 65535);
    assert_int_equal(scene_at(sc, W - 9, H - 10), 65535);
    /* Nearest: a sharp edge in the middle. */
    assert_int_equal(scene_at(sc, W / 2 - 1, 10), 65535); /* R site, left half */
    assert_int_equal(scene_at(sc, W / 2 + 1, 10), 0);     /* R site, right half */
    tc_scene_free(sc);

    /* Bilinear on a 1 x 2 gray ramp: edges keep the end values, the middle
     * interpolates, monotonic; every channel reads the gray sample. */
    uint16_t g[2] = { 0, 60000 };
    tc_image16 gray = { 2, 1, 1, g };
    sc = tc_scene_new_image(&gray, TC_SCENE_FILTER_BILINEAR, err, sizeof err);
    assert_non_null(sc);
    uint16_t row[W];
    tc_scene_row(sc, 7, 0, W, 0.0, row);
    assert_int_equal(row[0], 0);
    assert_int_equal(row[W - 1], 60000);
    assert_true(abs((int)row[W / 2] - 30000) < 100);
    for (unsigned x = 1; x < W; x++)
        assert_true(row[x] >= row[x - 1]);
    uint16_t row2[W];
    tc_scene_row(sc, 3000, 0, W, 0.0, row2);
    assert_memory_equal(row, row2, sizeof row);
    tc_scene_free(sc);

    tc_image16 bad = { 2, 2, 2, px };
    assert_null(tc_scene_new_image(&bad, TC_SCENE_FILTER_NEAREST, err, sizeof err));
    assert_true(strlen(err) > 0);
}

/* --- fixed pattern --------------------------------------------------------- */

static void plane_stats(const int8_t *p, size_t n, double *mean, double *sd)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++) {
        s += p[i];
        ss += (double)p[i] * p[i];
    }
    *mean = s / (double)n;
    *sd = sqrt(ss / (double)n - *mean * *mean);
}

static void test_fixed_pattern(void **state)
{
    (void)state;
    const unsigned w = 1024, h = 512;
    tc_fixed_pattern a, b, c;
    assert_int_equal(tc_fixed_pattern_init(&a, 42, w, h, 0.001, true), 0);
    assert_int_equal(tc_fixed_pattern_init(&b, 42, w, h, 0.001, true), 0);
    assert_int_equal(tc_fixed_pattern_init(&c, 43, w, h, 0.001, true), 0);
    const size_t n = (size_t)w * h;
    double m, sd;
    plane_stats(a.prnu, n, &m, &sd);
    assert_true(fabs(m) < 0.2);
    assert_true(fabs(sd * TC_FP_PRNU_STEP / TC_MODEL_PRNU_SIGMA - 1.0) < 0.02);
    plane_stats(a.dsnu, n, &m, &sd);
    assert_true(fabs(m) < 0.2);
    assert_true(fabs(sd * TC_FP_DSNU_STEP_E / TC_MODEL_DSNU_SIGMA_E - 1.0) < 0.02);
    /* Same seed, same pattern; another seed, another one. */
    assert_memory_equal(a.prnu, b.prnu, n);
    assert_memory_equal(a.dsnu, b.dsnu, n);
    assert_true(memcmp(a.prnu, c.prnu, n) != 0);
    assert_true(memcmp(a.dsnu, c.dsnu, n) != 0);
    /* Hot pixels: the asked count, distinct, sorted, factors in range, rows
     * indexed. */
    assert_int_equal(a.hot_count, 524); /* round(0.001 * 524288) */
    assert_int_equal(a.hot_row_start[0], 0);
    assert_int_equal(a.hot_row_start[h], a.hot_count);
    for (uint32_t k = 0; k < a.hot_count; k++) {
        if (k)
            assert_true(a.hot_index[k] > a.hot_index[k - 1]);
        assert_true(a.hot_factor[k] >= TC_MODEL_HOT_FACTOR_MIN &&
                    a.hot_factor[k] < TC_MODEL_HOT_FACTOR_MAX);
        const unsigned y = a.hot_index[k] / w;
        assert_true(k >= a.hot_row_start[y] && k < a.hot_row_start[y + 1]);
    }
    assert_memory_equal(a.hot_index, b.hot_index, a.hot_count * sizeof *a.hot_index);
    assert_true(a.hot_count != c.hot_count ||
                memcmp(a.hot_index, c.hot_index, a.hot_count * sizeof *a.hot_index) != 0);
    /* Rows are keyed streams: a narrower sensor is the left part of a wider one. */
    tc_fixed_pattern narrow;
    assert_int_equal(tc_fixed_pattern_init(&narrow, 42, 512, 4, 0, true), 0);
    assert_int_equal(narrow.hot_count, 0);
    for (unsigned y = 0; y < 4; y++)
        assert_memory_equal(narrow.prnu + y * 512, a.prnu + (size_t)y * w, 512);
    tc_fixed_pattern_free(&narrow);
    /* Without planes, any stretch of a row is made again, the same values;
     * with them, the row functions point into the planes. */
    tc_fixed_pattern lazy;
    assert_int_equal(tc_fixed_pattern_init(&lazy, 42, w, h, 0.001, false), 0);
    assert_null(lazy.prnu);
    assert_null(lazy.dsnu);
    assert_int_equal(lazy.hot_count, a.hot_count);
    assert_true(tc_fixed_pattern_bytes(&lazy) + 2 * n == tc_fixed_pattern_bytes(&a));
    int8_t buf[1024];
    const unsigned x0s[] = { 0, 1, 2, 3, 5, 100, 511, 1000 }, ns[] = { 1, 3, 7, 24, 1 };
    for (unsigned y = 0; y < h; y += 37)
        for (size_t i = 0; i < sizeof x0s / sizeof *x0s; i++) {
            const unsigned x0 = x0s[i], len = i < 5 ? ns[i] : w - x0;
            assert_memory_equal(tc_fixed_pattern_prnu_row(&lazy, y, x0, len, buf),
                                a.prnu + (size_t)y * w + x0, len);
            assert_memory_equal(tc_fixed_pattern_dsnu_row(&lazy, y, x0, len, buf),
                                a.dsnu + (size_t)y * w + x0, len);
            assert_ptr_equal(tc_fixed_pattern_prnu_row(&a, y, x0, len, buf),
                             a.prnu + (size_t)y * w + x0);
        }
    assert_int_equal(tc_fixed_pattern_materialise(&lazy), 0);
    assert_memory_equal(lazy.prnu, a.prnu, n);
    assert_memory_equal(lazy.dsnu, a.dsnu, n);
    tc_fixed_pattern_release(&lazy);
    assert_null(lazy.prnu);
    tc_fixed_pattern_free(&lazy);
    tc_fixed_pattern_free(&a);
    tc_fixed_pattern_free(&b);
    tc_fixed_pattern_free(&c);
    tc_fixed_pattern_free(&c); /* safe twice */
}

/* --- exposure -------------------------------------------------------------- */

static void test_exposure_ideal(void **state)
{
    (void)state;
    assert_true(fabs(tc_exposure_dark_rate(25.0) - 3.0) < 1e-12);
    assert_true(fabs(tc_exposure_dark_rate(31.5) - 6.0) < 1e-12);
    assert_true(fabs(tc_exposure_dark_rate(12.0) - 0.75) < 1e-12);

    uint16_t rel[8] = { 65535, 65535, 65535, 65535, 0, 0, 32768, 32768 };
    float e[8], e2[8];
    tc_exposure_coef c, c2;
    tc_exposure_coef_init(&c, 1e6, 1.0, 25.0); /* 1 s at 1 lx */
    assert_true(fabs(c.dark_e - 3.0f) < 1e-5);
    /* G R row: 8000 e- on G, 5500 e- on R for white, plus 3 e- dark. */
    tc_exposure_row(&c, NULL, 0, 0, 8, rel, e);
    assert_true(fabs(e[0] - 8003.0f) < 0.01f);
    assert_true(fabs(e[1] - 5503.0f) < 0.01f);
    assert_true(fabs(e[4] - 3.0f) < 1e-5f);
    assert_true(fabs(e[6] - (8000.0f * 32768.0f / 65535.0f + 3.0f)) < 0.01f);
    /* B G row: B 6000, G 8000; starting at an odd column swaps them. */
    tc_exposure_row(&c, NULL, 1, 0, 2, rel, e);
    assert_true(fabs(e[0] - 6003.0f) < 0.01f && fabs(e[1] - 8003.0f) < 0.01f);
    tc_exposure_row(&c, NULL, 1, 1, 2, rel, e);
    assert_true(fabs(e[0] - 8003.0f) < 0.01f && fabs(e[1] - 6003.0f) < 0.01f);
    /* Linear in exposure time and in illuminance. */
    for (double t = 100; t <= 1e6; t *= 3.7) {
        tc_exposure_coef_init(&c, t, 0.5, 40.0);
        tc_exposure_coef_init(&c2, 2 * t, 0.5, 40.0);
        tc_exposure_row(&c, NULL, 0, 0, 8, rel, e);
        tc_exposure_row(&c2, NULL, 0, 0, 8, rel, e2);
        for (int i = 0; i < 8; i++)
            assert_true(fabsf(e2[i] - 2 * e[i]) <= 1e-5f * e2[i] + 1e-6f);
        tc_exposure_coef_init(&c2, t, 1.0, 40.0);
        tc_exposure_row(&c2, NULL, 0, 0, 8, rel, e2);
        for (int i = 0; i < 4; i++) /* signal doubles, dark stays */
            assert_true(fabsf((e2[i] - c2.dark_e) - 2 * (e[i] - c.dark_e)) <= 1e-5f * e2[i]);
    }
}

static void test_exposure_fixed_pattern(void **state)
{
    (void)state;
    const unsigned w = 4056, h = 64;
    tc_fixed_pattern fp;
    assert_int_equal(tc_fixed_pattern_init(&fp, 7, w, h, 0.0005, true), 0);
    assert_true(fp.hot_count > 0);
    tc_exposure_coef c;
    tc_exposure_coef_init(&c, 2e6, 0.2, 45.0); /* dark 3 * 2^(20/6.5) e-/s over 2 s */
    uint16_t *rel = calloc(w, sizeof *rel);
    float *e = malloc(w * sizeof *e);
    /* Dark row: dark current, hot pixels far above. DSNU is not charge and
     * is not added here (adc.h). */
    const uint32_t k = 0;
    const unsigned hy = fp.hot_index[k] / w, hx = fp.hot_index[k] % w;
    tc_exposure_row(&c, &fp, hy, 0, w, rel, e);
    assert_true(fabsf(e[hx] - c.dark_e * fp.hot_factor[k]) < 1e-5f * e[hx]);
    assert_true(e[hx] > 40 * c.dark_e);
    const unsigned nx = hx > 10 ? hx - 10 : hx + 10;
    assert_true(e[nx] == c.dark_e);
    /* A partial row (AOI) sees the same values. */
    if (hx >= 100 && hx < w - 100) {
        float part[200];
        tc_exposure_row(&c, &fp, hy, hx - 100, 200, rel, part);
        assert_memory_equal(part, e + hx - 100, sizeof part);
    }
    /* Bright row: PRNU gain. */
    for (unsigned x = 0; x < w; x++)
        rel[x] = 65535;
    tc_exposure_row(&c, &fp, 2, 0, w, rel, e);
    for (unsigned x = 0; x < 64; x++) {
        const size_t i = 2 * (size_t)w + x;
        bool hot = false;
        for (uint32_t j = fp.hot_row_start[2]; j < fp.hot_row_start[3]; j++)
            hot |= fp.hot_index[j] == i;
        if (hot)
            continue;
        const float g = c.gain[tc_bayer_channel(x, 2)] * 65535.0f;
        const float want = g * (1.0f + fp.prnu[i] * TC_FP_PRNU_STEP) + c.dark_e;
        assert_true(fabsf(e[x] - want) < 1e-4f * want);
    }
    /* Without planes (PRNU rows made on demand, in stretches): the same bits,
     * whole rows and parts. */
    float *e2 = malloc(w * sizeof *e2);
    for (unsigned x = 0; x < w; x++)
        rel[x] = (uint16_t)(x * 16);
    tc_fixed_pattern_release(&fp);
    for (unsigned y = 0; y < h; y += 7) {
        tc_exposure_row(&c, &fp, y, 0, w, rel, e2);
        tc_exposure_row(&c, &fp, y, 1030, 2000, rel + 1030, e2 + 1030);
        assert_int_equal(tc_fixed_pattern_materialise(&fp), 0);
        tc_exposure_row(&c, &fp, y, 0, w, rel, e);
        tc_fixed_pattern_release(&fp);
        assert_memory_equal(e, e2, w * sizeof *e);
    }
    free(e2);
    free(rel);
    free(e);
    tc_fixed_pattern_free(&fp);
}

/* --- noise ----------------------------------------------------------------- */

static void test_noise_table(void **state)
{
    (void)state;
    tc_noise nz;
    assert_int_equal(tc_noise_init(&nz, TC_NOISE_TABLE_SEED), 0);
    const double k = TC_NOISE_Z_SCALE;
    assert_true(fabs(k - 1444.5) < 0.05); /* 0.45 * 2.4 * 2^20 / 28^2 */
    double s = 0, ss = 0, s4 = 0;
    int zmax = 0;
    for (size_t i = 0; i < TC_NOISE_TABLE_SIZE; i++) {
        const double z = nz.table[i] / k;
        s += z;
        ss += z * z;
        s4 += z * z * z * z;
        zmax = abs(nz.table[i]) > zmax ? abs(nz.table[i]) : zmax;
    }
    const double n = TC_NOISE_TABLE_SIZE;
    assert_true(fabs(s / n) < 1e-5);
    assert_true(fabs(ss / n - 1.0) < 1e-5); /* rounding adds 1/(12 k^2) = 4e-8 */
    assert_true(fabs(s4 / n - 3.0) < 0.05); /* normal kurtosis */
    /* Nothing clipped: |z| < 5.5 (TC_NOISE_Z_MAX is 5.67 sigma), so the noise
     * stays within TC_NOISE_MAX_DN. */
    assert_true(zmax < 5.5 * k && zmax < TC_NOISE_Z_MAX);
    /* The rounding multiply, at its extremes: within TC_NOISE_MAX_DN. */
    assert_int_equal(tc_noise_px(TC_NOISE_CODE_MAX, TC_NOISE_Z_MAX), 8 * TC_NOISE_MAX_DN);
    assert_int_equal(tc_noise_px(TC_NOISE_CODE_MAX, -TC_NOISE_Z_MAX), -8 * TC_NOISE_MAX_DN);
    assert_int_equal(tc_noise_px(28, 0), 0);
    assert_int_equal(tc_noise_px(128, 4), 1);  /* 0.5 rounds up */
    assert_int_equal(tc_noise_px(128, -4), 0); /* -0.5 too */
    assert_int_equal(tc_noise_px(128, -5), -1);
    assert_int_equal(tc_noise_px(181, 1000), 250); /* 249.95 */
    assert_memory_equal(nz.table + TC_NOISE_TABLE_SIZE, nz.table,
                        TC_NOISE_TABLE_PAD * sizeof *nz.table);
    /* Dither thresholds: uniform 16-bit, padded the same way. */
    double ds = 0;
    for (size_t i = 0; i < TC_NOISE_DITHER_SIZE; i++)
        ds += nz.dither[i];
    assert_true(fabs(ds / TC_NOISE_DITHER_SIZE / 32767.5 - 1.0) < 0.01);
    assert_memory_equal(nz.dither + TC_NOISE_DITHER_SIZE, nz.dither,
                        TC_NOISE_TABLE_PAD * sizeof *nz.dither);
    /* Offsets: keyed, reproducible, spread. */
    assert_int_equal(tc_noise_row_offset(1, 2, 3), tc_noise_row_offset(1, 2, 3));
    unsigned same = 0;
    for (unsigned y = 0; y < 100; y++) {
        assert_true(tc_noise_row_offset(1, 2, y) < TC_NOISE_TABLE_SIZE);
        same += tc_noise_row_offset(1, 2, y) == tc_noise_row_offset(1, 3, y);
        same += tc_noise_row_offset(1, 2, y) == tc_noise_row_offset(2, 2, y);
    }
    assert_true(same < 3);
    /* Sigma of the codes: code 28 is the read noise, 181 covers a pixel at
     * 10 000 e- (beyond saturation at 8957 e-). */
    assert_true(fabs(tc_noise_sigma_dn(TC_NOISE_CODE_DARK) - 0.45 * 2.4) < 1e-6);
    assert_true(tc_noise_sigma_dn(TC_NOISE_CODE_MAX) > 0.45 * sqrt(5.76 + 10000.0));
    tc_noise_free(&nz);
    tc_noise_free(&nz);
}

/* Sigma codes: the two codes around the exact one, chosen so that the mean
 * of c^4 (the variance) is exact; fixed per absolute pixel. */
static void test_noise_codes(void **state)
{
    (void)state;
    tc_noise nz;
    assert_int_equal(tc_noise_init(&nz, TC_NOISE_TABLE_SEED), 0);
    enum { N = 4056, ROWS = 64 };
    float *m = malloc(N * sizeof *m);
    uint8_t *c = malloc(N), *part = malloc(300);
    const float means[] = { 0.0f, -5.0f, 0.3f, 3.0f, 25.6f, 100.0f, 1000.0f, 7200.0f, 9500.0f,
                            1e5f };
    for (size_t k = 0; k < sizeof means / sizeof *means; k++) {
        const double var = 5.76 + (means[k] > 0 ? means[k] : 0);
        const double want = TC_NOISE_CODE_DARK * pow(var / 5.76, 0.25); /* exact code */
        double s4 = 0;
        for (unsigned y = 0; y < ROWS; y++) {
            for (unsigned i = 0; i < N; i++)
                m[i] = means[k];
            tc_noise_code_row(&nz, y, 0, N, m, c);
            for (unsigned i = 0; i < N; i++) {
                if (want >= TC_NOISE_CODE_MAX) {
                    assert_int_equal(c[i], TC_NOISE_CODE_MAX);
                } else {
                    assert_true(c[i] == (unsigned)floor(want) ||
                                c[i] == (unsigned)floor(want) + 1);
                }
                const double c2 = (double)c[i] * c[i];
                s4 += c2 * c2;
            }
        }
        if (means[k] <= 0) /* no charge: exactly the read noise, every pixel */
            assert_true(s4 == (double)ROWS * N * pow(TC_NOISE_CODE_DARK, 4));
        if (want < TC_NOISE_CODE_MAX)
            assert_true(fabs(s4 / ((double)ROWS * N) / pow(want, 4) - 1.0) < 0.002);
    }
    /* Keyed by absolute pixel: an AOI row has the codes of the full row. */
    for (unsigned i = 0; i < N; i++)
        m[i] = 30.0f + (float)(i % 97);
    tc_noise_code_row(&nz, 17, 0, N, m, c);
    tc_noise_code_row(&nz, 17, 1000, 300, m + 1000, part);
    assert_memory_equal(part, c + 1000, 300);
    free(m), free(c), free(part);
    tc_noise_free(&nz);
}

/* The whole temporal model, through noise and ADC: for means m_i spread over
 * [m, m + 1) e- (no DSNU), over many rows, the DN means are K m_i + 64 and the
 * DN variance K^2 (read^2 + m_i) + 1/12 (the output rounding); neighbours
 * independent. (Spread, because one mean code truncated the same way in
 * every pixel would bias the mean by up to 1/16 DN.) */
static void readout_moments(const tc_noise *nz, float m, bool codes, double *mean, double *var,
                            double *lag1, double *zvar)
{
    const unsigned n = 4056, rows = 200;
    float *e = malloc(n * sizeof *e);
    uint16_t *mq = malloc(n * sizeof *mq), *dn = malloc(n * sizeof *dn);
    uint8_t *code = malloc(n);
    int16_t *noise = malloc(n * sizeof *noise);
    for (unsigned i = 0; i < n; i++)
        e[i] = m + 0.01f * (float)(i % 100);
    tc_adc_mean_row(e, NULL, n, mq);
    double s = 0, ss = 0, sl = 0, dprev = 0, zs = 0, zss = 0;
    const double k = TC_NOISE_Z_SCALE;
    for (unsigned y = 0; y < rows; y++) {
        const int16_t *z = tc_noise_row_samples(nz, tc_noise_row_offset(99, 5, y), 0);
        for (unsigned i = 0; i < n; i++) {
            zs += z[i] / k;
            zss += (z[i] / k) * (z[i] / k);
        }
        if (codes) { /* cached path */
            tc_noise_code_row(nz, y, 0, n, e, code);
            tc_noise_row(code, z, n, noise);
            tc_adc_row(mq, noise, n, dn);
        } else { /* uncached path */
            tc_readout_row_float(e, NULL, z, n, dn);
        }
        for (unsigned i = 0; i < n; i++) {
            const double d = dn[i] - (0.45 * e[i] + 64.0);
            s += d;
            ss += d * d;
            if (i)
                sl += d * dprev;
            dprev = d;
        }
    }
    const double cnt = (double)n * rows;
    *mean = s / cnt; /* mean deviation from K m_i + 64 */
    *var = ss / cnt - *mean * *mean;
    *lag1 = (sl / cnt - *mean * *mean) / *var;
    *zvar = zss / cnt - (zs / cnt) * (zs / cnt);
    free(e), free(mq), free(dn), free(code), free(noise);
}

static void test_noise_statistics(void **state)
{
    (void)state;
    tc_noise nz;
    assert_int_equal(tc_noise_init(&nz, TC_NOISE_TABLE_SEED), 0);
    const float means[] = { 0.0f, 3.0f, 10.0f, 100.0f, 1000.0f, 4000.0f, 8000.0f };
    for (size_t k = 0; k < 2 * sizeof means / sizeof *means; k++) {
        const bool codes = k % 2 == 0;
        double bias, var, lag1, zvar;
        readout_moments(&nz, means[k / 2], codes, &bias, &var, &lag1, &zvar);
        const double m = means[k / 2];
        const double want_var = 0.2025 * (5.76 + m + 0.495) + 1.0 / 12;
        /* The same, for the variance of the table samples these rows used
         * (1.0072 rather than 1) and, for codes, with the 1/768 DN^2 of the
         * noise's own rounding to 1/8 DN: what is left is the model's own
         * error. */
        const double want_used =
            0.2025 * (5.76 + m + 0.495) * zvar + 1.0 / 12 + (codes ? 1.0 / 768 : 0);
        print_message("noise (%s): m %6.0f e-: mean - (K m + 64) %+.4f DN, var %8.3f DN^2 "
                      "(model %8.3f, %+.2f %%; with the samples' variance %+.2f %%), lag 1 "
                      "%+.4f\n",
                      codes ? "codes" : "float", m, bias, var, want_var,
                      100 * (var / want_var - 1), 100 * (var / want_used - 1), lag1);
        assert_true(fabs(bias) < 0.005 * sqrt(want_var) + 0.01);
        assert_true(fabs(var / want_var - 1.0) < 0.02);
        assert_true(fabs(var / want_used - 1.0) < 0.003);
        assert_true(fabs(lag1) < 0.01); /* neighbours independent */
    }
    /* An AOI row gets the noise of the same columns of the full row. */
    uint8_t code[4056];
    int16_t full[4056], part[300];
    for (int i = 0; i < 4056; i++)
        code[i] = (uint8_t)(28 + i % 150);
    const uint32_t off = tc_noise_row_offset(1, 1, 1);
    tc_noise_row(code, tc_noise_row_samples(&nz, off, 0), 4056, full);
    tc_noise_row(code + 1000, tc_noise_row_samples(&nz, off, 1000), 300, part);
    assert_memory_equal(part, full + 1000, sizeof part);
    tc_noise_free(&nz);
}

/* --- ADC ------------------------------------------------------------------- */

static uint16_t adc1(float e)
{
    uint16_t mq, dn;
    tc_adc_mean_row(&e, NULL, 1, &mq);
    tc_adc_row(&mq, NULL, 1, &dn);
    return dn;
}

static void test_adc(void **state)
{
    (void)state;
    assert_int_equal(adc1(0.0f), 64);            /* black level */
    assert_int_equal(adc1(1000.0f), 514);        /* 450 + 64 */
    assert_int_equal(adc1(1.0f), 64);            /* 0.45 rounds down */
    assert_int_equal(adc1(2.0f), 65);            /* 0.90 rounds up */
    assert_int_equal(adc1(-140.0f), 1);          /* -63 + 64 */
    assert_int_equal(adc1(-143.0f), 0);          /* below zero: clamp */
    assert_int_equal(adc1(-1e9f), 0);
    assert_int_equal(adc1(8955.0f), 4094);       /* 4029.75 + 64 */
    assert_int_equal(adc1(8957.0f), 4095);       /* 4094.65: ADC clips first */
    assert_int_equal(adc1(TC_MODEL_FULL_WELL_E), 4095);
    assert_int_equal(adc1(1e9f), 4095);
    assert_int_equal(TC_ADC_MAX_CODE, 4095);
    /* Linear with K = 0.45 over the whole range, within rounding; without
     * noise exactly the float ADC, round half up. */
    float e[900];
    uint16_t mq[900], dn[900];
    for (int i = 0; i < 900; i++)
        e[i] = -100.0f + 10.0f * (float)i + 0.37f * (float)(i % 7);
    tc_adc_mean_row(e, NULL, 900, mq);
    tc_adc_row(mq, NULL, 900, dn);
    for (int i = 0; i < 900; i++) {
        double want = 0.45 * e[i] + 64.0;
        want = want < 0 ? 0 : want > 4095 ? 4095 : want;
        assert_true(fabs(dn[i] - want) <= 0.5 + 1e-3);
        /* The mean code is the mean in 1/8 DN (offset), truncated. */
        const float w = e[i] * (0.45f * 8.0f) + (64.5f + TC_ADC_BIAS_DN) * 8.0f;
        const float v = w / 8.0f - TC_ADC_BIAS_DN; /* exact */
        assert_int_equal(dn[i], v < 0 ? 0 : v > 4095 ? 4095 : (int)floorf(v));
        if (v > 0 && v < 4095)
            assert_int_equal(mq[i], (int)floorf(w));
    }
    /* With noise: DN = floor((mq + noise) / 8), clamped. */
    const float e2[2] = { 1000.0f, 0.0f };
    uint16_t m2[2], d2[2];
    tc_adc_mean_row(e2, NULL, 2, m2);
    const int16_t nz[2] = { 8 * 10, -8 * 70 };
    tc_adc_row(m2, nz, 2, d2);
    assert_int_equal(d2[0], 524); /* 514.5 + 10 */
    assert_int_equal(d2[1], 0);   /* 64.5 - 70 */
    /* Means beyond [-256, max + 256] DN are clamped: the noise cannot bring
     * them back, so nothing changes. */
    const float e3[2] = { -1e6f, 1e6f };
    tc_adc_mean_row(e3, NULL, 2, m2);
    assert_int_equal(m2[0], 8 * (TC_ADC_BIAS_DN - TC_NOISE_MAX_DN));
    assert_int_equal(m2[1], 8 * (TC_ADC_BIAS_DN + TC_ADC_MAX_CODE + TC_NOISE_MAX_DN));
    const int16_t big[2] = { 8 * TC_NOISE_MAX_DN, -8 * TC_NOISE_MAX_DN };
    tc_adc_row(m2, big, 2, d2);
    assert_int_equal(d2[0], 0);
    assert_int_equal(d2[1], 4095);
}

/* The float ADC of the uncached path: the same codes. */
static void test_adc_float(void **state)
{
    (void)state;
    assert_int_equal(tc_adc_e_px(0.0f, 0.0f), 64);
    assert_int_equal(tc_adc_e_px(1000.0f, 0.0f), 514);
    assert_int_equal(tc_adc_e_px(1.0f, 0.0f), 64);
    assert_int_equal(tc_adc_e_px(2.0f, 0.0f), 65);
    assert_int_equal(tc_adc_e_px(-140.0f, 0.0f), 1);
    assert_int_equal(tc_adc_e_px(-143.0f, 0.0f), 0);
    assert_int_equal(tc_adc_e_px(-1e9f, 0.0f), 0);
    assert_int_equal(tc_adc_e_px(8955.0f, 0.0f), 4094);
    assert_int_equal(tc_adc_e_px(8957.0f, 0.0f), 4095);
    assert_int_equal(tc_adc_e_px(1e9f, 0.0f), 4095);
    assert_int_equal(tc_adc_e_px(1.0f, 1.0f), 65);     /* DSNU 1 e-: 0.90 */
    assert_int_equal(tc_adc_e_px(1000.0f, -10.0f), 510); /* 445.5 rounds up */
    assert_int_equal(tc_adc_e_px(0.0f, -12.7f), 58);
    /* The noise it takes: sigma = sqrt(read^2 + max(m, 0)) per unit z. */
    const int16_t z1 = (int16_t)lround(TC_NOISE_Z_SCALE);
    const double u = z1 / TC_NOISE_Z_SCALE; /* 1, as near as the table's unit goes */
    assert_true(fabs(tc_noise_e_px(100.0f, z1) - (100.0 + sqrt(105.76) * u)) < 1e-4);
    assert_true(fabs(tc_noise_e_px(-50.0f, (int16_t)-z1) - (-50.0 - 2.4 * u)) < 1e-4);
}

static void test_adc_dsnu(void **state)
{
    (void)state;
    /* DSNU steps of 0.1 e- add to the charge before the gain. */
    const float e[4] = { 1.0f, 1.0f, 1000.0f, 0.0f };
    const int8_t d[4] = { 0, 10, -100, -127 };
    uint16_t mq[4], dn[4];
    tc_adc_mean_row(e, d, 4, mq);
    tc_adc_row(mq, NULL, 4, dn);
    assert_int_equal(dn[0], 64);  /* 0.45 */
    assert_int_equal(dn[1], 65);  /* 2 e-: 0.90 */
    assert_int_equal(dn[2], 510); /* 990 e-: 445.5 rounds up */
    assert_int_equal(dn[3], 58);  /* -12.7 e-: -5.715 */
}

/* The fused per-frame kernel is the two stages one after another, bit for
 * bit, with and without noise. */
static void test_readout_fused(void **state)
{
    (void)state;
    enum { N = 4056 };
    tc_noise nz;
    assert_int_equal(tc_noise_init(&nz, TC_NOISE_TABLE_SEED), 0);
    uint16_t *mq = malloc(N * sizeof *mq), *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    uint8_t *code = malloc(N);
    int8_t *d = malloc(N);
    int16_t *noise = malloc(N * sizeof *noise);
    float *e = malloc(N * sizeof *e);
    tc_rng r = tc_rng_keyed(5, 6, 7);
    for (int i = 0; i < N; i++) {
        const uint64_t u = tc_rng_next(&r);
        e[i] = (float)(u & 0x3FFF) - 200.0f; /* below dark to saturated */
        d[i] = (int8_t)(u >> 16);
    }
    tc_adc_mean_row(e, d, N, mq);
    tc_noise_code_row(&nz, 11, 0, N, e, code);
    for (int mode = 0; mode < 2; mode++) {
        const bool noise_on = mode & 1;
        for (unsigned x0 = 0; x0 < 40; x0 += 13) {
            const uint32_t off = tc_noise_row_offset(3, (uint64_t)mode, 11);
            const int16_t *z = noise_on ? tc_noise_row_samples(&nz, off, x0) : NULL;
            if (noise_on)
                tc_noise_row(code + x0, z, N - x0, noise);
            tc_adc_row(mq + x0, noise_on ? noise : NULL, N - x0, a);
            tc_readout_row(mq + x0, code + x0, z, N - x0, b);
            assert_memory_equal(a, b, (N - x0) * sizeof *a);
        }
    }
    /* The uncached (float) kernel: the per-pixel functions one after another. */
    const int16_t *z = tc_noise_row_samples(&nz, tc_noise_row_offset(3, 9, 11), 0);
    for (int mode = 0; mode < 4; mode++) {
        const bool noise_on = mode & 1, offsets = mode & 2;
        for (int i = 0; i < N; i++)
            a[i] = tc_adc_e_px(noise_on ? tc_noise_e_px(e[i], z[i]) : e[i],
                               offsets ? (float)d[i] * TC_FP_DSNU_STEP_E : 0.0f);
        tc_readout_row_float(e, offsets ? d : NULL, noise_on ? z : NULL, N, b);
        assert_memory_equal(a, b, N * sizeof *a);
    }
    free(mq), free(a), free(b), free(code), free(d), free(noise), free(e);
    tc_noise_free(&nz);
}

/* --- binning and mirror ---------------------------------------------------- */

static void test_binning(void **state)
{
    (void)state;
    enum { SW = 32, SH = 16, BW = SW / 2 };
    uint16_t s[SH][SW];
    /* Channel-coded values: R 1000.., G 2000.., B 3000.., plus a ramp. */
    for (unsigned y = 0; y < SH; y++)
        for (unsigned x = 0; x < SW; x++)
            s[y][x] = (uint16_t)(1000 * (tc_bayer_channel(x, y) + 1) + 3 * x + 7 * y);
    for (unsigned by = 0; by < SH / 2; by++) {
        const unsigned y = tc_bin2_first_row(by);
        uint16_t out[BW];
        tc_bin2_row(s[y], s[y + 2], BW, out);
        for (unsigned bx = 0; bx < BW; bx++) {
            const unsigned x = 4 * (bx >> 1) + (bx & 1);
            const unsigned sum = s[y][x] + s[y][x + 2] + s[y + 2][x] + s[y + 2][x + 2];
            assert_int_equal(out[bx], (sum + 2) / 4);
            /* Same colour in, Bayer GR out. */
            assert_int_equal(tc_bayer_channel(x, y), tc_bayer_channel(bx, by));
            assert_int_equal(out[bx] / 1000, tc_bayer_channel(bx, by) + 1);
        }
    }
    /* Rounding half up: (1 + 2 + 2 + 2) / 4 = 1.75 -> 2, 6 / 4 -> 2 (1.5 up). */
    uint16_t r0[4] = { 1, 0, 2, 0 }, r2[4] = { 2, 0, 2, 0 }, o[2];
    tc_bin2_row(r0, r2, 2, o);
    assert_int_equal(o[0], 2);
    uint16_t r3[4] = { 1, 0, 1, 0 }, r4[4] = { 2, 0, 2, 0 };
    tc_bin2_row(r3, r4, 2, o);
    assert_int_equal(o[0], 2);
    /* Odd output width: last pixel still binned. */
    uint16_t out3[3];
    tc_bin2_row(s[0], s[2], 3, out3);
    assert_int_equal(out3[2], (s[0][4] + s[0][6] + s[2][4] + s[2][6] + 2) / 4);
}

static void test_mirror(void **state)
{
    (void)state;
    enum { N = 36 };
    uint16_t in[N], out[N], back[N];
    for (unsigned x = 0; x < N; x++)
        in[x] = (uint16_t)(1000 * (tc_bayer_channel(x, 0) + 1) + x);
    tc_mirror_row(in, N, out);
    for (unsigned x = 0; x < N; x++) {
        assert_int_equal(out[x], in[tc_mirror_index(x, N)]);
        assert_int_equal(out[x] / 1000, tc_bayer_channel(x, 0) + 1); /* still G R G R */
    }
    assert_int_equal(out[0], in[N - 2]);
    assert_int_equal(out[1], in[N - 1]);
    tc_mirror_row(out, N, back);
    assert_memory_equal(back, in, sizeof in);
    /* Row mirror index keeps row parity, so B G rows stay B G rows. */
    for (unsigned y = 0; y < 10; y++)
        assert_int_equal(tc_mirror_index(y, 10) & 1, y & 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scene_chart_bars),
        cmocka_unit_test(test_scene_chart_markers_and_ramp),
        cmocka_unit_test(test_scene_chart_everywhere),
        cmocka_unit_test(test_scene_flat_and_moving),
        cmocka_unit_test(test_scene_image),
        cmocka_unit_test(test_fixed_pattern),
        cmocka_unit_test(test_exposure_ideal),
        cmocka_unit_test(test_exposure_fixed_pattern),
        cmocka_unit_test(test_noise_table),
        cmocka_unit_test(test_noise_codes),
        cmocka_unit_test(test_noise_statistics),
        cmocka_unit_test(test_adc),
        cmocka_unit_test(test_adc_float),
        cmocka_unit_test(test_adc_dsnu),
        cmocka_unit_test(test_readout_fused),
        cmocka_unit_test(test_binning),
        cmocka_unit_test(test_mirror),
    };
    return cmocka_run_group_tests_name("sensor stages", tests, NULL, NULL);
}

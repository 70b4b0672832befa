/* The whole sensor pipeline through tc_sensor.h: parameter checks,
 * determinism, a photon-transfer measurement that recovers the model
 * constants, rolling shutter, AOI / binning / mirror geometry, the mean-image
 * cache and PNG scenes. Full-resolution frames are few: they are slow under
 * sanitizers. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "image/png_io.h"
#include "pixel/pixel_format.h"
#include "sensor/exposure.h"
#include "sensor/scene.h"
#include "sensor/sensor.h"
#include "sensor/sensor_int.h"
#include "sensor/sensor_model.h"

#define W TC_SENSOR_WIDTH
#define H TC_SENSOR_HEIGHT

static tc_sensor_params params(void)
{
    tc_sensor_params p;
    memset(&p, 0, sizeof p);
    p.width = W;
    p.height = H;
    p.binning = 1;
    p.pixel_format = TC_PFNC_BAYERGR12;
    p.exposure_us = 10000;
    p.line_time_ns = 15670;
    p.illumination_lux = 50; /* white G: 4000 e- in 10 ms, 1864 DN */
    p.temperature_c = 35;
    p.mean_temp_c = 35;
    p.noise_seed = 1;
    p.noise_enabled = true;
    return p;
}

static tc_sensor_params aoi(unsigned ox, unsigned oy, unsigned w, unsigned h)
{
    tc_sensor_params p = params();
    p.offset_x = ox;
    p.offset_y = oy;
    p.width = w;
    p.height = h;
    return p;
}

/* Render and unpack to one value per pixel at the format's depth (caller frees). */
static uint16_t *render(tc_sensor *s, const tc_sensor_params *p, uint64_t block, int64_t t0)
{
    const size_t size = tc_sensor_payload_size(p);
    assert_true(size > 0);
    uint8_t *buf = malloc(size);
    uint16_t *px = malloc((size_t)p->width * p->height * sizeof *px);
    assert_non_null(buf);
    assert_non_null(px);
    assert_int_equal(tc_sensor_render(s, p, block, t0, buf, size), 0);
    const tc_pixel_format *f = tc_pixel_format_by_code(p->pixel_format);
    const size_t rb = tc_pixel_row_bytes(f, p->width);
    for (unsigned y = 0; y < p->height; y++)
        tc_pixel_unpack_row(f, buf + y * rb, p->width, px + (size_t)y * p->width);
    free(buf);
    return px;
}

/* --- parameters ------------------------------------------------------------ */

static void test_params(void **state)
{
    (void)state;
    tc_sensor *s = tc_sensor_new("P1");
    assert_non_null(s);
    assert_int_equal(tc_sensor_scene(s), TC_SCENE_CHART);
    tc_sensor_params p = params();
    p.pixel_format = TC_PFNC_BAYERGR8;
    assert_int_equal(tc_sensor_payload_size(&p), (size_t)W * H);
    p.pixel_format = TC_PFNC_BAYERGR12;
    assert_int_equal(tc_sensor_payload_size(&p), (size_t)W * H * 2);
    p.pixel_format = TC_PFNC_BAYERGR10P;
    assert_int_equal(tc_sensor_payload_size(&p), (size_t)W * 10 / 8 * H);
    p.pixel_format = TC_PFNC_BAYERGR12G24IDS;
    assert_int_equal(tc_sensor_payload_size(&p), (size_t)W * 3 / 2 * H);
    p.binning = 2;
    p.width = W / 2;
    p.height = H / 2;
    assert_int_equal(tc_sensor_payload_size(&p), (size_t)W / 2 * 3 / 2 * H / 2);

    uint8_t buf[4096];
    const tc_sensor_params good = aoi(100, 200, 24, 32);
    assert_int_equal(tc_sensor_payload_size(&good), 24 * 2 * 32);
    tc_sensor_params bad[12];
    for (int i = 0; i < 12; i++)
        bad[i] = good;
    bad[0].binning = 3;
    bad[1].binning = 0;
    bad[2].pixel_format = 0x01080009;
    bad[3].offset_x = W - 12; /* runs off the right edge */
    bad[4].offset_y = H - 30;
    bad[5].width = 25;        /* odd sizes break the Bayer phase */
    bad[6].offset_x = 101;
    bad[7].binning = 2;
    bad[7].offset_y = H / 2 - 30;
    bad[8].exposure_us = NAN;
    bad[9].exposure_us = -5;
    bad[10].temperature_c = INFINITY;
    bad[11].width = 0;
    for (int i = 0; i < 12; i++) {
        assert_int_equal(tc_sensor_payload_size(&bad[i]), 0);
        memset(buf, 0xAB, sizeof buf);
        assert_int_equal(tc_sensor_render(s, &bad[i], 0, 0, buf, sizeof buf), -1);
        assert_int_equal(buf[0], 0xAB);
    }
    assert_int_equal(tc_sensor_render(s, NULL, 0, 0, buf, sizeof buf), -1);
    /* Too small a buffer: refused, untouched. */
    memset(buf, 0xAB, sizeof buf);
    assert_int_equal(tc_sensor_render(s, &good, 0, 0, buf, 24 * 2 * 32 - 1), -1);
    assert_int_equal(buf[0], 0xAB);
    assert_int_equal(tc_sensor_render(s, &good, 0, 0, buf, 24 * 2 * 32), 0);
    /* The last allowed AOI, binned and not. */
    tc_sensor_params edge = aoi(W - 24, H - 32, 24, 32);
    assert_int_equal(tc_sensor_render(s, &edge, 0, 0, buf, sizeof buf), 0);
    edge.binning = 2;
    edge.offset_x = W / 2 - 24;
    edge.offset_y = H / 2 - 32;
    assert_int_equal(tc_sensor_render(s, &edge, 0, 0, buf, sizeof buf), 0);
    tc_sensor_free(s);
    tc_sensor_free(NULL);
}

/* --- determinism ----------------------------------------------------------- */

static bool same(const uint16_t *a, const uint16_t *b, const tc_sensor_params *p)
{
    return memcmp(a, b, (size_t)p->width * p->height * sizeof *a) == 0;
}

/* AcquisitionAbort's path: a render told to stop gives up between rows,
 * says so, and leaves the sensor as it was (the next frame, and a model
 * build waiting for the frame's end, go on as if it never began). */
static void test_render_cancel(void **state)
{
    (void)state;
    tc_sensor *s = tc_sensor_new("P1");
    assert_non_null(s);
    tc_sensor_params p = aoi(W / 2, H / 2, 24, 32);
    uint8_t a[24 * 2 * 32], b[sizeof a];
    atomic_bool cancel = true;
    memset(a, 0xAB, sizeof a);
    assert_int_equal(tc_sensor_render_cancellable(s, &p, 7, 0, a, sizeof a, &cancel),
                     TC_SENSOR_CANCELLED);
    assert_int_equal(a[0], 0xAB); /* cancelled before its first row */
    assert_int_equal(a[sizeof a - 1], 0xAB);
    /* Not rendering any more: a model build for other settings does not wait. */
    tc_sensor_params other = p;
    other.exposure_us = 20000;
    assert_true(tc_sensor_prepare_some(s, &other, 1) >= 0);
    atomic_store(&cancel, false);
    assert_int_equal(tc_sensor_render_cancellable(s, &p, 7, 0, a, sizeof a, &cancel), 0);
    assert_int_equal(tc_sensor_render(s, &p, 7, 0, b, sizeof b), 0);
    assert_memory_equal(a, b, sizeof a);
    tc_sensor_free(s);
}

static void test_determinism(void **state)
{
    (void)state;
    tc_sensor *a = tc_sensor_new("4103000001");
    tc_sensor *a2 = tc_sensor_new("4103000001");
    tc_sensor *b = tc_sensor_new("4103000002");
    tc_sensor_params p = aoi(1000, 1000, 256, 128);
    uint16_t *f1 = render(a, &p, 7, 0);
    uint16_t *f2 = render(a, &p, 7, 123456789); /* static scene: time is irrelevant */
    uint16_t *f3 = render(a2, &p, 7, 0);        /* another instance, same unit */
    uint16_t *f4 = render(a, &p, 8, 0);         /* next frame */
    p.noise_seed = 2;
    uint16_t *f5 = render(a, &p, 7, 0); /* other noise seed */
    assert_true(same(f1, f2, &p));
    assert_true(same(f1, f3, &p));
    assert_false(same(f1, f4, &p));
    assert_false(same(f1, f5, &p));
    /* Noiseless: equal within a unit, different between units (fixed pattern). */
    p.noise_enabled = false;
    uint16_t *n1 = render(a, &p, 7, 0);
    uint16_t *n2 = render(a2, &p, 99, 0);
    uint16_t *n3 = render(b, &p, 7, 0);
    assert_true(same(n1, n2, &p));
    assert_false(same(n1, n3, &p));
    /* ... and they differ only by a fixed pattern of a few DN. */
    unsigned differ = 0, maxd = 0;
    for (size_t i = 0; i < (size_t)p.width * p.height; i++) {
        unsigned d = (unsigned)abs((int)n1[i] - (int)n3[i]);
        differ += d != 0;
        if (d > maxd)
            maxd = d;
    }
    assert_true(differ > p.width * p.height / 4);
    free(f1), free(f2), free(f3), free(f4), free(f5), free(n1), free(n2), free(n3);
    tc_sensor_free(a);
    tc_sensor_free(a2);
    tc_sensor_free(b);
}

/* --- photon transfer ------------------------------------------------------- */

static void linear_fit(const double *x, const double *y, int n, double *slope, double *icept,
                       double *r2)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        sx += x[i], sy += y[i], sxx += x[i] * x[i], sxy += x[i] * y[i], syy += y[i] * y[i];
    }
    const double cxx = sxx - sx * sx / n, cxy = sxy - sx * sy / n, cyy = syy - sy * sy / n;
    *slope = cxy / cxx;
    *icept = (sy - *slope * sx) / n;
    *r2 = cxy * cxy / (cxx * cyy);
}

static void test_photon_transfer(void **state)
{
    (void)state;
    tc_sensor *s = tc_sensor_new("PTC");
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_FLAT, NULL, NULL, 0), 0);
    assert_int_equal(tc_sensor_scene(s), TC_SCENE_FLAT);
    /* 600 x 400 in the middle, 12 bit, 100 lx at 25 C: green collects
     * 800 000 e-/s, so 9 ms is 80 % of full well. */
    tc_sensor_params p = aoi((W - 600) / 2, (H - 400) / 2, 600, 400);
    p.illumination_lux = 100;
    p.temperature_c = 25;
    const size_t n = 600 * 400;
    enum { STEPS = 8 };
    double t[STEPS], mean[STEPS], var[STEPS];
    double read_noise = 0, prnu = 0, qe_rg = 0, qe_bg = 0;
    for (int k = 0; k < STEPS; k++) {
        t[k] = k == 0 ? 32.0 : 9000.0 * k / (STEPS - 1);
        p.exposure_us = t[k];
        uint16_t *a = render(s, &p, 2 * (uint64_t)k, 0);
        uint16_t *b = render(s, &p, 2 * (uint64_t)k + 1, 0);
        double sa = 0, sd = 0, sdd = 0;
        double ch_sum[3] = { 0 }, ch_n[3] = { 0 }, g_ss = 0;
        for (size_t i = 0; i < n; i++) {
            const double d = (double)a[i] - b[i];
            sa += a[i];
            sd += d;
            sdd += d * d;
            /* AOI offsets are even, so AOI parity is sensor parity. */
            const unsigned c = tc_bayer_channel((unsigned)(i % 600), (unsigned)(i / 600));
            const double avg = 0.5 * ((double)a[i] + b[i]);
            ch_sum[c] += avg;
            ch_n[c]++;
            if (c == TC_CH_G)
                g_ss += avg * avg;
        }
        mean[k] = sa / n - TC_MODEL_BLACK_LEVEL_DN;
        var[k] = (sdd / n - (sd / n) * (sd / n)) / 2;
        if (k == STEPS - 1) {
            const double g_mean = ch_sum[TC_CH_G] / ch_n[TC_CH_G];
            const double g_spatial = g_ss / ch_n[TC_CH_G] - g_mean * g_mean;
            /* Spatial variance of the two-frame mean, less its temporal part. */
            prnu = sqrt(g_spatial - var[k] / 2) / (g_mean - TC_MODEL_BLACK_LEVEL_DN);
            qe_rg = (ch_sum[TC_CH_R] / ch_n[TC_CH_R] - 64) / (g_mean - 64);
            qe_bg = (ch_sum[TC_CH_B] / ch_n[TC_CH_B] - 64) / (g_mean - 64);
            /* Green at 80 % of full well, not saturated. */
            assert_true(fabs((g_mean - 64) / (0.45 * 7200) - 1) < 0.02);
        }
        free(a);
        free(b);
    }
    /* Dark pair (no light, shortest exposure): read noise, less the 1/12 DN^2
     * of quantisation. */
    p.illumination_lux = 0;
    p.exposure_us = 32;
    uint16_t *a = render(s, &p, 100, 0), *b = render(s, &p, 101, 0);
    double sd = 0, sdd = 0;
    for (size_t i = 0; i < n; i++) {
        const double d = (double)a[i] - b[i];
        sd += d;
        sdd += d * d;
    }
    const double dark_var = (sdd / n - (sd / n) * (sd / n)) / 2;
    read_noise = sqrt(dark_var - 1.0 / 12) / TC_MODEL_GAIN_DN_PER_E;
    free(a);
    free(b);

    double slope, icept, r2;
    linear_fit(t, mean, STEPS, &slope, &icept, &r2);
    print_message("PTC: mean vs exposure R^2 = %.6f\n", r2);
    assert_true(r2 > 0.999);
    linear_fit(mean, var, STEPS, &slope, &icept, &r2);
    print_message("PTC: K = %.4f DN/e- (model 0.45), read noise %.3f e- (2.4), PRNU %.4f "
                  "(0.01), QE R/G %.3f (0.6875) B/G %.3f (0.75)\n",
                  slope, read_noise, prnu, qe_rg, qe_bg);
    assert_true(fabs(slope / TC_MODEL_GAIN_DN_PER_E - 1) < 0.05);
    assert_true(fabs(read_noise / TC_MODEL_READ_NOISE_E - 1) < 0.10);
    assert_true(fabs(prnu / TC_MODEL_PRNU_SIGMA - 1) < 0.15);
    assert_true(fabs(qe_rg / (TC_MODEL_QE_R / TC_MODEL_QE_G) - 1) < 0.01);
    assert_true(fabs(qe_bg / (TC_MODEL_QE_B / TC_MODEL_QE_G) - 1) < 0.01);
    tc_sensor_free(s);
}

/* --- rolling shutter ------------------------------------------------------- */

/* Left edge of the bar in one row: first G site clearly above the background. */
static double bar_left(const uint16_t *row, unsigned w, unsigned y)
{
    for (unsigned x = 0; x < w; x++)
        if (tc_bayer_channel(x, y) == TC_CH_G && row[x] > 1000)
            return x;
    return -1;
}

static void test_rolling_shutter(void **state)
{
    (void)state;
    tc_sensor *s = tc_sensor_new("RS");
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_MOVING, NULL, NULL, 0), 0);
    tc_sensor_params p = aoi(0, 1000, W, 800);
    p.noise_enabled = false;
    p.exposure_us = 100;
    p.illumination_lux = 8000; /* bar 6400 e- on G, background 5 % */
    p.line_time_ns = 50000; /* 50 us: 800 rows take 40 ms */
    const int64_t t0 = 1000000000; /* 1 s */
    uint16_t *f = render(s, &p, 0, t0);
    const double l0 = bar_left(f, W, 0), l1 = bar_left(f + (size_t)799 * W, W, 799);
    const double expect_shift = TC_MOVING_SPEED_PX_S * 799 * p.line_time_ns * 1e-9;
    print_message("rolling shutter: bar at %.0f (row 0) and %.0f (row 799), shift %.1f, "
                  "expected %.1f\n", l0, l1, l1 - l0, expect_shift);
    assert_true(fabs((l1 - l0) - expect_shift) <= 2.0);
    /* Row 0 sees the bar where the scene has it mid-exposure (G sites are
     * every other column, so within 2 pixels). */
    const double want0 = tc_scene_moving_bar_left(1.0 + p.exposure_us * 0.5e-6);
    assert_true(fabs(l0 - want0) <= 2.0);
    /* Every row in between is on the line. */
    for (unsigned r = 0; r < 800; r += 100) {
        const double l = bar_left(f + (size_t)r * W, W, r);
        assert_true(fabs(l - (l0 + expect_shift * r / 799.0)) <= 2.0);
    }
    /* Mirrored in Y, the bottom sensor row is read first: in the image the
     * shear is unchanged (image row 0 is still exposed first, and the bar is
     * vertical), so on the sensor it has turned round. */
    p.reverse_y = true;
    uint16_t *g = render(s, &p, 0, t0);
    const double m0 = bar_left(g, W, 0), m1 = bar_left(g + (size_t)799 * W, W, 799);
    assert_true(m0 == l0 && m1 == l1);
    /* Binned: two sensor rows per line time, 400 output rows take as long as
     * 400 unbinned rows and shear as much in sensor pixels. */
    p.reverse_y = false;
    p.binning = 2;
    p.offset_x = 0;
    p.width = W / 2;
    p.offset_y = 500;
    p.height = 400;
    uint16_t *b = render(s, &p, 0, t0);
    const double b0 = bar_left(b, W / 2, 0), b1 = bar_left(b + (size_t)399 * (W / 2), W / 2, 399);
    const double bshift = TC_MOVING_SPEED_PX_S * 399 * p.line_time_ns * 1e-9 / 2; /* binned px */
    assert_true(fabs((b1 - b0) - bshift) <= 2.0);
    free(f);
    free(g);
    free(b);
    tc_sensor_free(s);
}

/* --- geometry: AOI, binning, mirror ---------------------------------------- */

static void check_crop(const uint16_t *full, unsigned fw, const uint16_t *part,
                       const tc_sensor_params *p)
{
    for (unsigned y = 0; y < p->height; y++)
        assert_memory_equal(part + (size_t)y * p->width,
                            full + (size_t)(p->offset_y + y) * fw + p->offset_x,
                            p->width * sizeof *part);
}

static void test_aoi_binning_mirror(void **state)
{
    (void)state;
    tc_sensor *s = tc_sensor_new("GEO");
    tc_sensor_params fp = params();
    fp.noise_enabled = false;
    uint16_t *full = render(s, &fp, 3, 0);
    tc_sensor_params p = aoi(1000, 600, 612, 400);
    p.noise_enabled = false;
    uint16_t *part = render(s, &p, 3, 0);
    check_crop(full, W, part, &p);
    free(part);
    /* With noise too: noise is keyed by absolute sensor row and column. */
    fp.noise_enabled = p.noise_enabled = true;
    free(full);
    full = render(s, &fp, 3, 0);
    part = render(s, &p, 3, 0);
    check_crop(full, W, part, &p);
    free(part);
    free(full);

    /* Binned full frame vs binned AOI, noise off. */
    tc_sensor_params bp = params();
    bp.binning = 2;
    bp.width = W / 2;
    bp.height = H / 2;
    bp.noise_enabled = false;
    uint16_t *bfull = render(s, &bp, 3, 0);
    tc_sensor_params bq = aoi(100, 200, 300, 160);
    bq.binning = 2;
    bq.noise_enabled = false;
    uint16_t *bpart = render(s, &bq, 3, 0);
    check_crop(bfull, W / 2, bpart, &bq);
    /* Binned output is Bayer GR: in the green bar (bars 3) R and B are dark,
     * G bright; in the red bar only R. */
    const unsigned by = 400, gx = (3 * W / 8 + W / 16) / 2 & ~1u, rx = (5 * W / 8 + W / 16) / 2 & ~1u;
    const uint16_t *row = bfull + (size_t)by * (W / 2), *row2 = row + W / 2;
    assert_true(row[gx + 4] > 1500 && row[gx + 5] < 100 && row2[gx + 4] < 100);
    assert_true(row[rx + 4] < 100 && row[rx + 5] > 1000 && row2[rx + 4] < 100);
    free(bpart);

    /* Mirror: a mirrored AOI reads (W-1-x)^1, (H-1-y)^1 of the plain one,
     * binned or not. */
    for (unsigned bin = 1; bin <= 2; bin++) {
        tc_sensor_params m = aoi(200, 40, 96, 64);
        m.binning = bin;
        m.noise_enabled = false;
        uint16_t *plain = render(s, &m, 3, 0);
        m.reverse_x = true;
        uint16_t *mx = render(s, &m, 3, 0);
        m.reverse_y = true;
        uint16_t *mxy = render(s, &m, 3, 0);
        for (unsigned y = 0; y < m.height; y++)
            for (unsigned x = 0; x < m.width; x++) {
                const uint16_t v = plain[(size_t)y * m.width + x];
                const unsigned xm = (m.width - 1 - x) ^ 1u, ym = (m.height - 1 - y) ^ 1u;
                assert_int_equal(mx[(size_t)y * m.width + xm], v);
                assert_int_equal(mxy[(size_t)ym * m.width + xm], v);
            }
        free(plain), free(mx), free(mxy);
    }
    free(bfull);
    tc_sensor_free(s);
}

/* --- formats and the chart ------------------------------------------------- */

static void test_chart_formats(void **state)
{
    (void)state;
    tc_sensor *s = tc_sensor_new("FMT");
    /* Top 400 rows, full width: markers red (left) and green (right). */
    tc_sensor_params p = aoi(0, 0, W, 400);
    p.pixel_format = TC_PFNC_BAYERGR12;
    uint16_t *f12 = render(s, &p, 11, 0);
    /* Every format carries the same 12-bit frame, truncated to its depth. */
    for (unsigned k = 0; k < tc_pixel_format_count; k++) {
        const tc_pixel_format *f = &tc_pixel_formats[k];
        p.pixel_format = f->code;
        uint16_t *v = render(s, &p, 11, 0);
        for (size_t i = 0; i < (size_t)W * 400; i += 7)
            assert_int_equal(v[i], f12[i] >> (12 - f->bits));
        free(v);
    }
    const unsigned m = TC_CHART_MARKER_MARGIN + TC_CHART_MARKER / 2;
    const uint16_t *row = f12 + (size_t)m * W;
    assert_true(row[m + 1] > 1000 && row[m] < 100);         /* red top-left: R lit */
    assert_true(row[W - m] > 1000 && row[W - m + 1] < 100); /* green top-right */
    /* Mirrored in X: the red marker is now on the right, green on the left. */
    p.pixel_format = TC_PFNC_BAYERGR8;
    p.reverse_x = true;
    uint16_t *mx = render(s, &p, 11, 0);
    row = mx + (size_t)m * W;
    assert_true(row[W - m + 1] > 1000 / 16 && row[W - m] < 100 / 16); /* R lit, right */
    assert_true(row[m] > 1000 / 16 && row[m + 1] < 100 / 16);         /* G lit, left */
    free(f12);
    free(mx);
    tc_sensor_free(s);
}

/* --- the mean-image cache -------------------------------------------------- */

static void test_cache(void **state)
{
    (void)state;
    tc_sensor *s = tc_sensor_new("CACHE");
    tc_sensor_params a = aoi(1600, 1200, 240, 160);
    a.noise_enabled = false;
    a.exposure_us = 500000; /* long enough that dark current shows */
    a.illumination_lux = 0.5;
    tc_sensor_params b = a;
    b.exposure_us = 400000;
    uint16_t *fa = render(s, &a, 0, 0);
    uint16_t *fb = render(s, &b, 0, 0);
    uint16_t *fa2 = render(s, &a, 0, 0);
    assert_false(same(fa, fb, &a));
    assert_true(same(fa, fa2, &a));
    /* Temperature is quantised to 0.1 C; a whole degree changes dark current. */
    tc_sensor_params t = a;
    t.temperature_c = a.temperature_c + 0.04;
    uint16_t *ft = render(s, &t, 0, 0);
    assert_true(same(fa, ft, &a));
    t.temperature_c = a.temperature_c + 15;
    free(ft);
    ft = render(s, &t, 0, 0);
    assert_false(same(fa, ft, &a));
    /* A scene change and back gives the same image; a fresh sensor too. */
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_FLAT, NULL, NULL, 0), 0);
    uint16_t *ff = render(s, &a, 0, 0);
    assert_false(same(fa, ff, &a));
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_CHART, NULL, NULL, 0), 0);
    uint16_t *fc = render(s, &a, 0, 0);
    assert_true(same(fa, fc, &a));
    /* Through a moving scene (PRNU and DSNU planes made, cache dropped) and
     * back: the same image again, with noise too. */
    tc_sensor_params an = a;
    an.noise_enabled = true;
    uint16_t *fn = render(s, &an, 5, 0);
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_MOVING, NULL, NULL, 0), 0);
    free(render(s, &an, 5, 0));
    const size_t moving_mem = tc_sensor_memory_bytes(s);
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_CHART, NULL, NULL, 0), 0);
    uint16_t *fn2 = render(s, &an, 5, 0);
    assert_true(same(fn, fn2, &an));
    free(fn), free(fn2);
    tc_sensor *s2 = tc_sensor_new("CACHE");
    tc_sensor_params ab = a; /* a different region first, then a */
    ab.offset_x = 0;
    free(render(s2, &ab, 0, 0));
    uint16_t *f2 = render(s2, &a, 0, 0);
    assert_true(same(fa, f2, &a));
    free(fa), free(fb), free(fa2), free(ft), free(ff), free(fc), free(f2);
    tc_sensor_free(s2);

    /* Memory: a full frame's cache (mean and sigma codes) 37 MB, noise and
     * dither tables 0.7 MB, no PRNU and DSNU planes (made row by row when
     * the cache is rebuilt). A moving scene keeps the planes (24.7 MB) and
     * no cache. */
    tc_sensor_params full = params();
    full.pixel_format = TC_PFNC_BAYERGR8;
    uint8_t *buf = malloc(tc_sensor_payload_size(&full));
    assert_int_equal(tc_sensor_render(s, &full, 0, 0, buf, tc_sensor_payload_size(&full)), 0);
    const size_t mem = tc_sensor_memory_bytes(s);
    print_message("sensor memory with a full-frame cache: %.1f MB\n", mem / 1e6);
    print_message("sensor memory with a moving scene: %.1f MB\n", moving_mem / 1e6);
    assert_true(mem < 40u * 1000 * 1000);
    assert_true(moving_mem < 27u * 1000 * 1000);
    free(buf);
    tc_sensor_free(s);
}

/* The cache spans the whole sensor and the frame's own temperature is a
 * per-frame offset: AOI, binning, mirror and a warming housing never make a
 * new mean image; exposure does. The offset is the uniform dark signal. */
static void test_cache_reuse_and_dark_offset(void **state)
{
    (void)state;
    tc_sensor *s = tc_sensor_new("REUSE");
    tc_sensor_params p = aoi(1000, 800, 240, 160);
    p.noise_enabled = false;
    assert_false(tc_sensor_prepared(s, &p));
    assert_int_equal(tc_sensor_prepare_some(s, &p, 100), 1); /* a slice: more to do */
    assert_int_equal(tc_sensor_prepare(s, &p), 0);
    assert_true(tc_sensor_prepared(s, &p));
    tc_sensor_params q = aoi(0, 0, W / 2, H / 2);
    q.noise_enabled = false;
    q.binning = 2;
    q.reverse_x = q.reverse_y = true;
    q.temperature_c = p.temperature_c + 20;
    free(render(s, &q, 0, 0));
    assert_true(tc_sensor_prepared(s, &p));
    assert_true(tc_sensor_prepared(s, &q));
    q.exposure_us *= 2;
    assert_false(tc_sensor_prepared(s, &q));

    /* Dark frame, 1.9 s: 20 C warmer than the cache adds
     * K (dark(T) - dark(T_cache)) t to every ordinary pixel. */
    tc_sensor_params d = aoi(400, 400, 480, 320);
    d.noise_enabled = false;
    d.illumination_lux = 0;
    d.exposure_us = 1.9e6;
    d.pixel_format = TC_PFNC_BAYERGR12;
    d.temperature_c = d.mean_temp_c = 25;
    uint16_t *cold = render(s, &d, 0, 0);
    d.temperature_c = 45;
    uint16_t *warm = render(s, &d, 0, 0);
    const double want = TC_MODEL_GAIN_DN_PER_E * (tc_exposure_dark_rate(45) - tc_exposure_dark_rate(25)) * 1.9;
    size_t n = (size_t)d.width * d.height, typical = 0;
    for (size_t i = 0; i < n; i++)
        typical += abs((int)warm[i] - (int)cold[i] - (int)lround(want)) <= 1;
    print_message("dark offset 25 -> 45 C at 1.9 s: %.2f DN; %zu of %zu pixels within 1 DN\n", want,
                  typical, n);
    assert_true(want > 10);
    assert_true(typical > n * 99 / 100);
    free(cold), free(warm);
    tc_sensor_free(s);
}

/* A model worker building rows (for these settings or others) while frames
 * render never changes a frame: every frame equals one made alone. */
typedef struct worker_arg {
    tc_sensor *s;
    tc_sensor_params p[2];
    atomic_int stop;
    unsigned calls;
} worker_arg;

static void *prepare_loop(void *v)
{
    worker_arg *w = v;
    for (unsigned i = 0; !atomic_load(&w->stop); i++) {
        assert_true(tc_sensor_prepare_some(w->s, &w->p[(i / 8) % 2], 16) >= 0);
        w->calls++;
    }
    return NULL;
}

static void test_cache_with_a_concurrent_worker(void **state)
{
    (void)state;
    tc_sensor_params a = aoi(1000, 600, 1200, 400);
    a.pixel_format = TC_PFNC_BAYERGR8;
    tc_sensor_params b = a;
    b.exposure_us = 3000;
    tc_sensor *alone = tc_sensor_new("RACE");
    uint16_t *want_a = render(alone, &a, 3, 0);
    uint16_t *want_b = render(alone, &b, 3, 0);
    tc_sensor_free(alone);

    worker_arg w = { .s = tc_sensor_new("RACE"), .p = { a, b } };
    atomic_init(&w.stop, 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, prepare_loop, &w), 0);
    for (int k = 0; k < 12; k++) {
        const tc_sensor_params *p = (k & 1) ? &b : &a;
        uint16_t *got = render(w.s, p, 3, 0);
        assert_true(same(got, (k & 1) ? want_b : want_a, p));
        free(got);
    }
    atomic_store(&w.stop, 1);
    pthread_join(th, NULL);
    print_message("worker calls beside 12 frames: %u\n", w.calls);
    /* Keys changed under the worker many times: it still completes one. */
    assert_int_equal(tc_sensor_prepare(w.s, &a), 0);
    assert_true(tc_sensor_prepared(w.s, &a));
    tc_sensor_free(w.s);
    free(want_a), free(want_b);
}

/* --- PNG scene ------------------------------------------------------------- */

static void test_png_scene(void **state)
{
    (void)state;
    char path[] = "/tmp/tc_sensor_test_XXXXXX.png";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    /* 4 x 2 RGB: top row red, green, blue, white; bottom row black. */
    const uint8_t rgb[4 * 2 * 3] = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255,
                                     0,   0, 0, 0, 0,   0, 0, 0, 0,   0,   0,   0 };
    char err[256] = "";
    assert_int_equal(tc_png_write8(path, rgb, 4, 2, 3, err, sizeof err), 0);

    tc_sensor *s = tc_sensor_new("PNG");
    tc_sensor_set_png_nearest(s, true);
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_PNG, path, err, sizeof err), 0);
    assert_int_equal(tc_sensor_scene(s), TC_SCENE_PNG);
    assert_true(tc_sensor_memory_bytes(s) < 120u * 1000 * 1000);
    /* Sample the middle of each top quadrant (1014 px wide, 1520 tall). */
    for (unsigned q = 0; q < 4; q++) {
        tc_sensor_params p = aoi(q * 1014 + 500, 700, 24, 32);
        p.noise_enabled = false;
        uint16_t *f = render(s, &p, 0, 0);
        const unsigned g = f[0], r = f[1], b = f[24]; /* G R / B G */
        const bool want[4][3] = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 1, 1 } };
        assert_true((r > 1000) == want[q][0]);
        assert_true((g > 1000) == want[q][1]);
        assert_true((b > 1000) == want[q][2]);
        free(f);
    }
    tc_sensor_params low = aoi(2000, 2500, 24, 32);
    low.noise_enabled = false;
    uint16_t *f = render(s, &low, 0, 0);
    assert_true(f[0] < 100 && f[1] < 100);
    free(f);
    /* A missing file is refused with a reason and the scene stays. */
    err[0] = 0;
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_PNG, "/nonexistent/x.png", err, sizeof err),
                     -1);
    assert_true(strlen(err) > 0);
    assert_int_equal(tc_sensor_scene(s), TC_SCENE_PNG);
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_PNG, NULL, err, sizeof err), -1);
    assert_int_equal(tc_sensor_set_scene(s, (tc_scene_kind)9, NULL, err, sizeof err), -1);
    assert_int_equal(tc_sensor_scene(s), TC_SCENE_PNG);
    tc_sensor_free(s);
    unlink(path);
}

/* --- golden frames ----------------------------------------------------------
 * Frames must be bit-identical between gcc and clang builds, SIMD copies and
 * sanitizer builds for the same seed: these hashes were taken once and every
 * build must reproduce them. A deliberate model change updates them (last:
 * the fixed-point readout of cached frames, mean and sigma codes, and the
 * float readout of the moving scene straight from mean electrons; the
 * saturated flat field, 3, did not change). */

static uint64_t fnv1a(const uint8_t *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t frame_hash(tc_sensor *s, const tc_sensor_params *p, uint64_t block, int64_t t0)
{
    const size_t size = tc_sensor_payload_size(p);
    uint8_t *buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(tc_sensor_render(s, p, block, t0, buf, size), 0);
    const uint64_t h = fnv1a(buf, size, 0xcbf29ce484222325ull);
    free(buf);
    return h;
}

static void test_golden(void **state)
{
    (void)state;
    tc_sensor *s = tc_sensor_new("4103000042");
    uint64_t h[5];
    tc_sensor_params p = aoi(1500, 900, 1000, 200); /* chart, noise, 12 bit */
    p.noise_seed = 42;
    p.temperature_c = p.mean_temp_c = 35.3;
    h[0] = frame_hash(s, &p, 7, 0);
    p = aoi(200, 100, 500, 200); /* binned, mirrored, 10p */
    p.binning = 2;
    p.reverse_x = p.reverse_y = true;
    p.pixel_format = TC_PFNC_BAYERGR10P;
    h[1] = frame_hash(s, &p, 8, 0);
    p = aoi(0, 1600, 3000, 1000); /* hot pixels: 1.9 s dark at 55 C, 12g24 */
    p.illumination_lux = 0;
    p.exposure_us = 1.9e6;
    p.temperature_c = p.mean_temp_c = 55;
    p.pixel_format = TC_PFNC_BAYERGR12G24IDS;
    h[2] = frame_hash(s, &p, 9, 0);
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_FLAT, NULL, NULL, 0), 0);
    p = aoi(2000, 0, 600, 300); /* saturated flat field, 8 bit */
    p.illumination_lux = 200;
    p.exposure_us = 60000;
    p.pixel_format = TC_PFNC_BAYERGR8;
    h[3] = frame_hash(s, &p, 10, 0);
    assert_int_equal(tc_sensor_set_scene(s, TC_SCENE_MOVING, NULL, NULL, 0), 0);
    p = aoi(0, 1000, W, 64); /* moving bar, 10g40 */
    p.illumination_lux = 5000;
    p.exposure_us = 200;
    p.pixel_format = TC_PFNC_BAYERGR10G40IDS;
    h[4] = frame_hash(s, &p, 11, 500000000);
    static const uint64_t want[5] = { 0x9d14622ca8d778e6ull, 0xe7921f71673ac8f3ull,
                                      0x0b2b3864708a5640ull, 0x1fd87705ef842285ull,
                                      0x7e145d68cfe0774cull };
    for (int i = 0; i < 5; i++)
        print_message("golden %d: 0x%016llxull\n", i, (unsigned long long)h[i]);
    for (int i = 0; i < 5; i++)
        assert_true(h[i] == want[i]);
    tc_sensor_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_render_cancel),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_photon_transfer),
        cmocka_unit_test(test_rolling_shutter),
        cmocka_unit_test(test_aoi_binning_mirror),
        cmocka_unit_test(test_chart_formats),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_cache_reuse_and_dark_offset),
        cmocka_unit_test(test_cache_with_a_concurrent_worker),
        cmocka_unit_test(test_png_scene),
        cmocka_unit_test(test_golden),
    };
    return cmocka_run_group_tests_name("sensor", tests, NULL, NULL);
}

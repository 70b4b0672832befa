/* Device core tests: the feature table's integrity, the datasheet's AOI rules
 * and increments, binning, the timing model's figures, the register map, and
 * acquisition through the public library (deterministic clock). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/build_version.h"
#include "core/feature.h"
#include "core/regmap.h"
#include "core/thermal.h"
#include "core/timing.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "util/endian.h"

static tc_camera *open_cam(uint64_t seed)
{
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    o.noise_seed = seed;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    assert_non_null(cam);
    return cam;
}

static int64_t geti(tc_camera *cam, const char *name)
{
    int64_t v = -12345;
    assert_int_equal(tc_get_int(cam, name, &v), 0);
    return v;
}

static double getf(tc_camera *cam, const char *name)
{
    double v = NAN;
    assert_int_equal(tc_get_float(cam, name, &v), 0);
    return v;
}

/* ---------------- feature table ---------------- */

/* DeviceFirmwareVersion is on the camera's line (datasheet: 1st supported
 * firmware version 3.20); the twin's own build is named apart. */
static void firmware_version_is_the_camera_line(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(1);
    char fw[64] = "", info[64] = "";
    assert_int_equal(tc_get_string(cam, "DeviceFirmwareVersion", fw, sizeof(fw)), 0);
    assert_string_equal(fw, "3.20.0");
    assert_int_equal(tc_get_string(cam, "DeviceManufacturerInfo", info, sizeof(info)), 0);
    char build[64];
    snprintf(build, sizeof(build), "twincam %s", TC_BUILD_VERSION);
    if (!strstr(info, build))
        fail_msg("DeviceManufacturerInfo '%s' does not name '%s'", info, build);
    tc_camera_close(cam);
}

static void table_registers_do_not_overlap(void **state)
{
    (void)state;
    unsigned n, core_features = 0;
    const tc_register *r = tc_regmap_all(&n);
    for (unsigned i = 0; i < tc_feature_count; i++)
        core_features += !(tc_features[i].flags & TC_FF_GIGE);
    assert_true(n >= core_features);
    /* GigE transport features that share a register use disjoint bits. */
    for (unsigned i = 0; i < tc_feature_count; i++)
        for (unsigned j = i + 1; j < tc_feature_count; j++) {
            const tc_feature *a = &tc_features[i], *b = &tc_features[j];
            if (a->address != b->address)
                continue;
            if (!a->bit_width || !b->bit_width)
                fail_msg("%s and %s share 0x%x without bit fields", a->name, b->name, a->address);
            uint32_t ma = ((1u << a->bit_width) - 1) << a->bit_pos;
            uint32_t mb = ((1u << b->bit_width) - 1) << b->bit_pos;
            if (ma & mb)
                fail_msg("%s and %s overlap", a->name, b->name);
        }
    for (unsigned i = 1; i < n; i++) {
        if ((uint64_t)r[i - 1].address + r[i - 1].length > r[i].address)
            fail_msg("%s[%u] overlaps %s[%u]", r[i - 1].feature->name, r[i - 1].index,
                     r[i].feature->name, r[i].index);
    }
}

static void table_rows_are_consistent(void **state)
{
    (void)state;
    for (unsigned i = 0; i < tc_feature_count; i++) {
        const tc_feature *f = &tc_features[i];
        for (unsigned j = i + 1; j < tc_feature_count; j++)
            if (strcmp(f->name, tc_features[j].name) == 0)
                fail_msg("duplicate feature %s", f->name);
        bool bytes = f->type == TC_FT_STRING || f->type == TC_FT_REGISTER;
        if (!bytes && f->length != 4 && f->length != 8)
            fail_msg("%s: register length %u", f->name, f->length);
        if (f->type == TC_FT_STRING && (f->length == 0 || f->length > TC_STRING_REG_MAX))
            fail_msg("%s: string register of %u bytes", f->name, f->length);
        if (f->type == TC_FT_REGISTER && (!f->bytes || f->length == 0 || f->length % 4 != 0))
            fail_msg("%s: byte register without storage or of %u bytes", f->name, f->length);
        if (f->type != TC_FT_STRING && f->address % 4 != 0)
            fail_msg("%s: misaligned", f->name);
        if (f->selector2) {
            const tc_feature *s = tc_feature_find(f->selector2);
            if (!s || s->type != TC_FT_ENUM || !f->selector || f->n_index > 1)
                fail_msg("%s: second selector %s is not an enumeration beside a first", f->name,
                         f->selector2);
        }
        if (f->selector) {
            const tc_feature *s = tc_feature_find(f->selector);
            if (!s || s->type != TC_FT_ENUM)
                fail_msg("%s: selector %s is not an enumeration", f->name, f->selector);
            /* pIndex uses the selector's value as index: entries must be 0..n-1 */
            if (f->n_index > 1) {
                if (s->n_entries != f->n_index)
                    fail_msg("%s: %u registers for %u selector entries", f->name, f->n_index, s->n_entries);
                for (unsigned k = 0; k < s->n_entries; k++)
                    if (s->entries[k].value != (int64_t)k)
                        fail_msg("%s: selector entry %u has value %lld", f->name, k, (long long)s->entries[k].value);
            }
        }
        if (f->pmax) {
            const tc_feature *b = tc_feature_find(f->pmax);
            if (!b || (b->type == TC_FT_FLOAT) != (f->type == TC_FT_FLOAT))
                fail_msg("%s: bound %s missing or of another type", f->name, f->pmax);
        }
        if (f->type == TC_FT_ENUM && !tc_enum_by_value(f, f->idefault) && f->set == NULL &&
            strcmp(f->name, "LineMode") != 0)
            fail_msg("%s: default %lld is no entry", f->name, (long long)f->idefault);
    }
    /* Features the datasheet says the camera lacks are absent. */
    const char *absent[] = { "Gain", "GainAuto", "ExposureAuto", "BalanceWhiteAuto", "Gamma",
                             "LUTEnable", "ChunkModeActive", "EventSelector", "SequencerMode" };
    for (unsigned k = 0; k < sizeof(absent) / sizeof(absent[0]); k++)
        assert_null(tc_feature_find(absent[k]));
}

/* ---------------- AOI rules ---------------- */

static void aoi_defaults_are_the_datasheet(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    assert_int_equal(geti(cam, "SensorWidth"), 4056);
    assert_int_equal(geti(cam, "SensorHeight"), 3040);
    assert_int_equal(geti(cam, "WidthMax"), 4056);
    assert_int_equal(geti(cam, "HeightMax"), 3040);
    assert_int_equal(geti(cam, "Width"), 4056);
    assert_int_equal(geti(cam, "Height"), 3040);
    assert_float_equal(getf(cam, "SensorPixelWidth"), 1.55, 1e-12);
    char s[64];
    assert_int_equal(tc_get_string(cam, "SensorName", s, sizeof(s)), 0);
    assert_string_equal(s, "IMX412-AACK-D");
    assert_int_equal(tc_get_string(cam, "PixelColorFilter", s, sizeof(s)), 0);
    assert_string_equal(s, "BayerGR");
    assert_int_equal(tc_get_string(cam, "SensorShutterMode", s, sizeof(s)), 0);
    assert_string_equal(s, "Rolling");
    tc_camera_close(cam);
}

/* Snapshot of every non-volatile register, to prove a refused write changed nothing. */
static uint8_t *snapshot_registers(tc_camera *cam, size_t *len)
{
    unsigned n;
    const tc_register *r = tc_regmap_all(&n);
    uint8_t *buf = calloc(n, 64);
    size_t pos = 0;
    for (unsigned i = 0; i < n; i++) {
        if (r[i].feature->access == TC_WO || (r[i].feature->flags & TC_FF_VOLATILE))
            continue;
        assert_int_equal(tc_register_read(cam, r[i].address, buf + pos, r[i].length, 1), 0);
        pos += r[i].length;
    }
    *len = pos;
    return buf;
}

static void expect_refused(tc_camera *cam, const char *name, int64_t value, int code)
{
    size_t la, lb;
    uint8_t *before = snapshot_registers(cam, &la);
    int rc = tc_set_int(cam, name, value);
    if (rc != code)
        fail_msg("%s = %lld: expected %d, got %d (%s)", name, (long long)value, code, rc,
                 tc_camera_last_error(cam));
    assert_true(strlen(tc_camera_last_error(cam)) > 0); /* a reason is given */
    uint8_t *after = snapshot_registers(cam, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(before, after, la);
    free(before);
    free(after);
}

static void aoi_width_rules(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    expect_refused(cam, "Width", 12, TC_ERANGE);   /* below min 24 */
    expect_refused(cam, "Width", 4050, TC_ERANGE); /* off the 12 step */
    expect_refused(cam, "Width", 4068, TC_ERANGE); /* beyond the sensor */
    expect_refused(cam, "Width", 30, TC_ERANGE);
    assert_int_equal(tc_set_int(cam, "Width", 24), 0);
    assert_int_equal(tc_set_int(cam, "Width", 36), 0);
    assert_int_equal(tc_set_int(cam, "Width", 4044), 0);
    assert_int_equal(geti(cam, "OffsetX") , 0);
    /* OffsetX + Width within the sensor, both ways */
    assert_int_equal(geti(cam, "OffsetXMax"), 12);
    expect_refused(cam, "OffsetX", 14, TC_ERANGE);
    expect_refused(cam, "OffsetX", 3, TC_ERANGE); /* off the 2 grid */
    assert_int_equal(tc_set_int(cam, "OffsetX", 12), 0);
    expect_refused(cam, "Width", 4056, TC_ERANGE);
    assert_int_equal(geti(cam, "WidthLimit"), 4044);
    tc_camera_close(cam);
}

static void aoi_height_rules(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    expect_refused(cam, "Height", 24, TC_ERANGE);   /* below min 32 */
    expect_refused(cam, "Height", 3036, TC_ERANGE); /* off the 8 step */
    expect_refused(cam, "Height", 3048, TC_ERANGE);
    assert_int_equal(tc_set_int(cam, "Height", 32), 0);
    assert_int_equal(tc_set_int(cam, "Height", 40), 0);
    assert_int_equal(tc_set_int(cam, "Height", 3000), 0);
    expect_refused(cam, "OffsetY", 2, TC_ERANGE);  /* off the 4 grid */
    expect_refused(cam, "OffsetY", 44, TC_ERANGE); /* 44 + 3000 > 3040 */
    assert_int_equal(tc_set_int(cam, "OffsetY", 40), 0);
    expect_refused(cam, "Height", 3008, TC_ERANGE);
    assert_int_equal(geti(cam, "HeightLimit"), 3000);
    tc_camera_close(cam);
}

static void binning_is_joint_and_rescales_the_aoi(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    assert_int_equal(tc_set_int(cam, "Width", 2400), 0);
    assert_int_equal(tc_set_int(cam, "Height", 1600), 0);
    assert_int_equal(tc_set_int(cam, "OffsetX", 1000), 0);
    assert_int_equal(tc_set_int(cam, "OffsetY", 800), 0);
    expect_refused(cam, "BinningHorizontal", 3, TC_ERANGE);
    expect_refused(cam, "BinningVertical", 4, TC_ERANGE);
    assert_int_equal(tc_set_int(cam, "BinningHorizontal", 2), 0);
    assert_int_equal(geti(cam, "BinningVertical"), 2);
    assert_int_equal(geti(cam, "WidthMax"), 2028);
    assert_int_equal(geti(cam, "HeightMax"), 1520);
    assert_int_equal(geti(cam, "Width"), 1200);
    assert_int_equal(geti(cam, "Height"), 800);
    assert_int_equal(geti(cam, "OffsetX"), 500);
    assert_int_equal(geti(cam, "OffsetY"), 400);
    expect_refused(cam, "Width", 2040, TC_ERANGE);
    assert_int_equal(tc_set_int(cam, "BinningVertical", 1), 0);
    assert_int_equal(geti(cam, "BinningHorizontal"), 1);
    assert_int_equal(geti(cam, "Width"), 2400);
    assert_int_equal(geti(cam, "OffsetY"), 800);
    /* Full frame binned and back keeps the full frame. */
    assert_int_equal(tc_set_int(cam, "OffsetX", 0), 0);
    assert_int_equal(tc_set_int(cam, "OffsetY", 0), 0);
    assert_int_equal(tc_set_int(cam, "Width", 4056), 0);
    assert_int_equal(tc_set_int(cam, "Height", 3040), 0);
    assert_int_equal(tc_set_int(cam, "BinningHorizontal", 2), 0);
    assert_int_equal(geti(cam, "Width"), 2028);
    assert_int_equal(geti(cam, "Height"), 1520);
    assert_int_equal(tc_set_int(cam, "BinningHorizontal", 1), 0);
    assert_int_equal(geti(cam, "Width"), 4056);
    assert_int_equal(geti(cam, "Height"), 3040);
    tc_camera_close(cam);
}

static void payload_size_per_format(void **state)
{
    (void)state;
    static const struct { const char *fmt; int64_t bytes; } cases[] = {
        { "BayerGR8", 4056LL * 3040 },          { "BayerGR10", 4056LL * 3040 * 2 },
        { "BayerGR12", 4056LL * 3040 * 2 },     { "BayerGR10p", 4056LL * 3040 * 10 / 8 },
        { "BayerGR12p", 4056LL * 3040 * 12 / 8 }, { "BayerGR10g40IDS", 4056LL * 3040 * 10 / 8 },
        { "BayerGR12g24IDS", 4056LL * 3040 * 12 / 8 },
    };
    tc_camera *cam = open_cam(0);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(tc_set_string(cam, "PixelFormat", cases[i].fmt), 0);
        assert_int_equal(geti(cam, "PayloadSize"), cases[i].bytes);
    }
    assert_int_equal(tc_set_string(cam, "PixelFormat", "BayerGR8"), 0);
    assert_int_equal(tc_set_int(cam, "Width", 120), 0);
    assert_int_equal(tc_set_int(cam, "Height", 64), 0);
    assert_int_equal(geti(cam, "PayloadSize"), 120 * 64);
    assert_int_equal(tc_set_int(cam, "PixelFormat", 0x40000013), 0); /* IDS code as enum value */
    assert_int_equal(geti(cam, "PayloadSize"), 120 * 64 * 3 / 2);
    assert_int_equal(tc_set_string(cam, "PixelFormat", "Mono8"), TC_EINVAL);
    assert_int_equal(tc_set_int(cam, "PixelFormat", 0x01080001), TC_ERANGE);
    tc_camera_close(cam);
}

/* ---------------- timing model ---------------- */

static void timing_figures(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    double lt = 1e9 / (18.0 * 3546);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 18.0, 1e-9);
    /* Narrower AOI keeps the rate. */
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 18.0, 1e-9);
    /* Shorter AOI raises it: frame length = height + 506 lines (with an
     * exposure short enough not to be the bound). */
    assert_int_equal(tc_set_float(cam, "ExposureTime", 1000), 0);
    static const int heights[] = { 2000, 1080, 480, 32 };
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(tc_set_int(cam, "Height", heights[i]), 0);
        double want = 1e9 / ((heights[i] + 506) * lt);
        assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), want, 1e-6);
    }
    assert_int_equal(tc_set_int(cam, "Height", 3040), 0);
    assert_int_equal(tc_set_int(cam, "Width", 4056), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 10000), 0);
    /* Binning reads two rows per line time: 1520 + 506 lines. */
    assert_int_equal(tc_set_int(cam, "BinningHorizontal", 2), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 18.0 * 3546 / 2026, 1e-6);
    assert_int_equal(tc_set_int(cam, "BinningHorizontal", 1), 0);
    /* Packed formats fit the 400 MB/s link; 16-bit containers do not. */
    assert_int_equal(tc_set_string(cam, "PixelFormat", "BayerGR12p"), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 18.0, 1e-9);
    assert_int_equal(tc_set_string(cam, "PixelFormat", "BayerGR12"), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 400e6 / (4056.0 * 3040 * 2), 1e-6);
    assert_int_equal(tc_set_string(cam, "DeviceLinkThroughputLimitMode", "Off"), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 18.0, 1e-9);
    assert_int_equal(tc_set_string(cam, "PixelFormat", "BayerGR8"), 0);
    /* Exposure longer than the readout stretches the period. */
    assert_int_equal(tc_set_float(cam, "ExposureTime", 100000), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 1e9 / (100e6 + 8 * lt), 1e-6);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 10000), 0);
    /* Frame-rate cap: above the maximum refused, below it obeyed when enabled. */
    assert_float_equal(getf(cam, "AcquisitionFrameRateMax"), 18.0, 1e-9);
    assert_int_equal(tc_set_float(cam, "AcquisitionFrameRate", 20.0), TC_ERANGE);
    assert_int_equal(tc_set_float(cam, "AcquisitionFrameRate", 10.0), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 18.0, 1e-9);
    assert_int_equal(tc_set_int(cam, "AcquisitionFrameRateEnable", 1), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 10.0, 1e-9);
    /* Dependent value: a long exposure pulls the cap down at once. */
    assert_int_equal(tc_set_float(cam, "ExposureTime", 500000), 0);
    assert_true(getf(cam, "AcquisitionFrameRate") <= getf(cam, "AcquisitionFrameRateMax") + 1e-12);
    assert_float_equal(getf(cam, "AcquisitionFrameRate"), 1e9 / (500e6 + 8 * lt), 1e-6);
    /* Exposure range from the datasheet. */
    assert_int_equal(tc_set_float(cam, "ExposureTime", 31.9), TC_ERANGE);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 1900000.1), TC_ERANGE);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 32), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 1900000), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", NAN), TC_ERANGE);
    tc_camera_close(cam);
}

static void timing_link_limit_stretches_line_time(void **state)
{
    (void)state;
    tc_timing_input in = { .height = 3040, .payload_bytes = 4056u * 3040u, .exposure_us = 1000,
                           .link_limit_Bps = 100e6 };
    tc_timing t;
    tc_timing_compute(&in, &t);
    assert_float_equal(t.period_ns, 4056.0 * 3040 / 100e6 * 1e9, 1);
    assert_float_equal(t.line_time_ns, t.period_ns / 3546, 1e-6);
    assert_true(t.line_time_ns > t.base_line_time_ns);
    assert_float_equal(tc_timing_row_offset_ns(&t, 3039), 3039 * t.line_time_ns, 1e-6);
}

/* ---------------- thermal model ---------------- */

static void thermal_model(void **state)
{
    (void)state;
    tc_thermal th;
    tc_thermal_init(&th, 25.0, 0);
    assert_float_equal(tc_thermal_read(&th, 0), 25.0 + 14 * 0.5, 1e-12);
    tc_thermal_set(&th, 0, 25.0, 1.0);
    /* one time constant: 63.2 % of the 7 K step */
    assert_float_equal(tc_thermal_read(&th, (int64_t)300e9), 32.0 + 7.0 * (1 - exp(-1)), 1e-9);
    assert_float_equal(tc_thermal_read(&th, (int64_t)30000e9), 39.0, 1e-6);
}

/* ---------------- register map ---------------- */

static void register_map_access(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    const tc_feature *w = tc_feature_find("Width");
    uint8_t b[8];
    assert_int_equal(tc_register_read(cam, w->address, b, 4, 1), 0);
    assert_int_equal(tc_load_be32(b), 4056);
    assert_int_equal(tc_register_read(cam, w->address, b, 4, 0), 0);
    assert_int_equal(tc_load_le32(b), 4056);
    tc_store_be32(b, 1200);
    assert_int_equal(tc_register_write(cam, w->address, b, 4, 1), 0);
    assert_int_equal(geti(cam, "Width"), 1200);
    tc_store_be32(b, 1201);
    assert_int_equal(tc_register_write(cam, w->address, b, 4, 1), TC_ERANGE);
    assert_int_equal(geti(cam, "Width"), 1200);
    assert_int_equal(tc_register_write(cam, w->address + 2, b, 2, 1), TC_EADDRESS);
    assert_int_equal(tc_register_write(cam, w->address, b, 2, 1), TC_EADDRESS);
    assert_int_equal(tc_register_read(cam, 0x7FFF0, b, 4, 1), TC_EADDRESS);
    /* Read-only registers refuse writes. */
    const tc_feature *sw = tc_feature_find("SensorWidth");
    tc_store_be32(b, 100);
    assert_int_equal(tc_register_write(cam, sw->address, b, 4, 1), TC_EACCESS);
    /* Floats are IEEE doubles in the port's byte order. */
    const tc_feature *e = tc_feature_find("ExposureTime");
    double x = 12345.5;
    uint64_t bits;
    memcpy(&bits, &x, 8);
    tc_store_le64(b, bits);
    assert_int_equal(tc_register_write(cam, e->address, b, 8, 0), 0);
    assert_float_equal(getf(cam, "ExposureTime"), 12345.5, 0);
    /* Selected features: one register per line, 4 bytes apart. */
    const tc_feature *inv = tc_feature_find("LineInverter");
    tc_store_be32(b, 1);
    assert_int_equal(tc_register_write(cam, inv->address + 4 * 2, b, 4, 1), 0);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line2"), 0);
    assert_int_equal(geti(cam, "LineInverter"), 1);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line3"), 0);
    assert_int_equal(geti(cam, "LineInverter"), 0);
    /* Strings */
    const tc_feature *uid = tc_feature_find("DeviceUserID");
    assert_int_equal(tc_register_write(cam, uid->address, (const uint8_t *)"bench-7", 8, 1), 0);
    char s[64];
    assert_int_equal(tc_get_string(cam, "DeviceUserID", s, sizeof(s)), 0);
    assert_string_equal(s, "bench-7");
    uint8_t sb[64];
    assert_int_equal(tc_register_read(cam, uid->address, sb, 64, 1), 0);
    assert_string_equal((char *)sb, "bench-7");
    tc_camera_close(cam);
}

/* ---------------- lines ---------------- */

static void line_directions(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line0"), 0);
    assert_int_equal(tc_set_string(cam, "LineMode", "Output"), TC_ERANGE);
    assert_int_equal(tc_set_string(cam, "LineSource", "UserOutput0"), TC_ERANGE);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line1"), 0);
    assert_int_equal(tc_set_string(cam, "LineMode", "Input"), TC_ERANGE);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line2"), 0);
    assert_int_equal(tc_set_string(cam, "LineMode", "Output"), 0);
    assert_int_equal(tc_set_string(cam, "LineSource", "UserOutput1"), 0);
    assert_int_equal(geti(cam, "LineStatus"), 0);
    assert_int_equal(tc_set_string(cam, "UserOutputSelector", "UserOutput1"), 0);
    assert_int_equal(tc_set_int(cam, "UserOutputValue", 1), 0);
    assert_int_equal(geti(cam, "LineStatus"), 1);
    assert_int_equal(geti(cam, "LineStatusAll"), 1 << 2);
    assert_int_equal(tc_set_int(cam, "LineInverter", 1), 0);
    assert_int_equal(geti(cam, "LineStatus"), 0);
    tc_camera_close(cam);
}

/* ---------------- acquisition ---------------- */

static void small_aoi(tc_camera *cam)
{
    assert_int_equal(tc_set_int(cam, "Width", 240), 0);
    assert_int_equal(tc_set_int(cam, "Height", 160), 0);
    assert_int_equal(tc_set_int(cam, "OffsetX", 1000), 0);
    assert_int_equal(tc_set_int(cam, "OffsetY", 1000), 0);
}

static void continuous_frames_on_the_timing_grid(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(7);
    small_aoi(cam);
    double period = 1e9 / getf(cam, "AcquisitionResultingFrameRate");
    assert_int_equal(tc_start(cam), 0);
    assert_int_equal(tc_set_int(cam, "Width", 120), TC_EACCESS); /* locked while acquiring */
    assert_int_equal(tc_set_float(cam, "ExposureTime", 5000), 0); /* not locked */
    uint64_t t0 = 0;
    for (unsigned i = 0; i < 6; i++) {
        tc_frame f;
        assert_int_equal(tc_wait_frame(cam, &f, 10000), 0);
        assert_int_equal(f.block_id, i + 1);
        assert_int_equal(f.width, 240);
        assert_int_equal(f.height, 160);
        assert_int_equal(f.offset_x, 1000);
        assert_int_equal(f.size, 240 * 160);
        assert_int_equal(f.pixel_format, 0x01080008);
        if (i == 0)
            t0 = f.timestamp_ns;
        else /* absolute deadlines: no drift, whatever the render time */
            assert_true(fabs((double)(f.timestamp_ns - t0) - i * period) <= i + 1.0);
        tc_release_frame(cam, &f);
    }
    assert_int_equal(tc_stop(cam), 0);
    assert_int_equal(tc_set_int(cam, "Width", 120), 0);
    assert_int_equal(tc_frames_dropped(cam), 0);
    tc_camera_close(cam);
}

static void single_and_multi_frame(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(1);
    small_aoi(cam);
    tc_frame f;
    assert_int_equal(tc_set_string(cam, "AcquisitionMode", "SingleFrame"), 0);
    assert_int_equal(tc_start(cam), 0);
    assert_int_equal(tc_wait_frame(cam, &f, 10000), 0);
    tc_release_frame(cam, &f);
    assert_int_equal(tc_wait_frame(cam, &f, 10000), TC_EBUSY); /* stopped by itself */
    assert_int_equal(tc_set_string(cam, "AcquisitionMode", "MultiFrame"), 0);
    assert_int_equal(tc_set_int(cam, "AcquisitionFrameCount", 3), 0);
    assert_int_equal(tc_start(cam), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tc_wait_frame(cam, &f, 10000), 0);
        tc_release_frame(cam, &f);
    }
    assert_int_equal(tc_wait_frame(cam, &f, 10000), TC_EBUSY);
    tc_camera_close(cam);
}

static void frames_are_bit_identical_per_seed(void **state)
{
    (void)state;
    uint8_t *data[3];
    size_t size = 0;
    const uint64_t seeds[3] = { 42, 42, 43 };
    for (int k = 0; k < 3; k++) {
        tc_camera *cam = open_cam(seeds[k]);
        small_aoi(cam);
        assert_int_equal(tc_set_string(cam, "PixelFormat", "BayerGR12"), 0);
        assert_int_equal(tc_start(cam), 0);
        tc_frame f;
        for (int i = 0; i < 2; i++) { /* the second frame: block id and time matter too */
            assert_int_equal(tc_wait_frame(cam, &f, 10000), 0);
            if (i == 1) {
                data[k] = malloc(f.size);
                memcpy(data[k], f.data, f.size);
                size = f.size;
            }
            tc_release_frame(cam, &f);
        }
        tc_camera_close(cam);
    }
    assert_memory_equal(data[0], data[1], size);
    assert_memory_not_equal(data[0], data[2], size);
    for (int k = 0; k < 3; k++)
        free(data[k]);
}

static void software_trigger(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(3);
    small_aoi(cam);
    assert_int_equal(tc_set_string(cam, "TriggerMode", "On"), 0);
    assert_int_equal(tc_set_string(cam, "TriggerSource", "Software"), 0);
    assert_int_equal(tc_trigger_software(cam), TC_EBUSY); /* not acquiring */
    assert_int_equal(tc_start(cam), 0);
    tc_frame f;
    assert_int_equal(tc_wait_frame(cam, &f, 50), TC_ETIMEOUT); /* no trigger, no frame */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(tc_trigger_software(cam), 0);
        assert_int_equal(tc_wait_frame(cam, &f, 10000), 0);
        assert_int_equal(f.block_id, (uint64_t)i + 1);
        tc_release_frame(cam, &f);
    }
    tc_stop(cam);
    tc_camera_close(cam);
}

static void text_interface(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    char buf[64];
    assert_int_equal(tc_set_from_text(cam, "PixelFormat", "BayerGR12p"), 0);
    assert_int_equal(tc_get_as_text(cam, "PixelFormat", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "BayerGR12p");
    assert_int_equal(tc_set_from_text(cam, "ReverseX", "true"), 0);
    assert_int_equal(geti(cam, "ReverseX"), 1);
    assert_int_equal(tc_set_from_text(cam, "Width", "0x4B0"), 0);
    assert_int_equal(geti(cam, "Width"), 1200);
    assert_int_equal(tc_set_from_text(cam, "Width", "12x"), TC_EINVAL);
    assert_int_equal(tc_set_from_text(cam, "ExposureTime", "abc"), TC_EINVAL);
    assert_int_equal(tc_set_from_text(cam, "NoSuchFeature", "1"), TC_ENOFEATURE);
    assert_int_equal(tc_set_from_text(cam, "SensorWidth", "100"), TC_EACCESS);
    assert_int_equal(tc_get_int(cam, "ExposureTime", NULL), TC_ETYPE);
    tc_camera_close(cam);
}

static void user_sets_and_reset(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    assert_int_equal(tc_execute(cam, "UserSetSave"), TC_EACCESS); /* Default is read-only */
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), TC_EBUSY); /* never saved */
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 777), 0);
    assert_int_equal(tc_execute(cam, "UserSetSave"), 0);
    assert_int_equal(tc_set_int(cam, "Width", 600), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), 0);
    assert_int_equal(geti(cam, "Width"), 1200);
    assert_float_equal(getf(cam, "ExposureTime"), 777, 0);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "Default"), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), 0);
    assert_int_equal(geti(cam, "Width"), 4056);
    assert_int_equal(tc_set_int(cam, "Height", 800), 0);
    assert_int_equal(tc_execute(cam, "DeviceReset"), 0);
    assert_int_equal(geti(cam, "Height"), 3040);
    tc_camera_close(cam);
}

static tc_camera *open_with_state(const char *dir)
{
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    o.serial = "TC777";
    o.state_dir = dir;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    return cam;
}

static void user_sets_persist_in_the_state_directory(void **state)
{
    (void)state;
    char dir[] = "/tmp/twincam-state-XXXXXX";
    assert_non_null(mkdtemp(dir));
    tc_camera *cam = open_with_state(dir);
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 777), 0);
    assert_int_equal(tc_set_string(cam, "DeviceUserID", "left"), 0);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(cam, "UserSetSave"), 0);
    assert_int_equal(tc_set_string(cam, "UserSetDefault", "UserSet1"), 0);
    tc_camera_close(cam);
    /* Power-up loads UserSet1 from the file. */
    cam = open_with_state(dir);
    assert_int_equal(geti(cam, "Width"), 1200);
    assert_float_equal(getf(cam, "ExposureTime"), 777, 0);
    char s[64];
    assert_int_equal(tc_get_string(cam, "UserSetDefault", s, sizeof(s)), 0);
    assert_string_equal(s, "UserSet1");
    tc_camera_close(cam);
    /* A hostile file: garbage, unknown and read-only features, an AOI that
     * breaks the rules. Loading it is refused and changes nothing. */
    char path[300];
    snprintf(path, sizeof(path), "%s/TC777.UserSet2", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("garbage\nSensorWidth[0]=1\nNoSuch[0]=3\nWidth[9]=36\nHeight[0]=12x\nWidth[0]=13\n", fp);
    for (int i = 0; i < 300; i++)
        fputc('A', fp); /* an overlong line */
    fputs("\nExposureTime[0]=555\n", fp);
    fclose(fp);
    cam = open_with_state(dir);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet2"), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), TC_ERANGE);
    assert_true(strstr(tc_camera_last_error(cam), "UserSet2") != NULL);
    assert_int_equal(geti(cam, "Width"), 1200);
    assert_float_equal(getf(cam, "ExposureTime"), 777, 0);
    tc_camera_close(cam);
    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

static void timestamps_latch_and_reset(void **state)
{
    (void)state;
    tc_camera *cam = open_cam(0);
    small_aoi(cam);
    assert_int_equal(tc_start(cam), 0);
    tc_frame f;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tc_wait_frame(cam, &f, 10000), 0);
        tc_release_frame(cam, &f);
    }
    tc_stop(cam);
    assert_int_equal(tc_execute(cam, "TimestampLatch"), 0);
    int64_t t = geti(cam, "TimestampLatchValue");
    assert_true(t >= (int64_t)f.timestamp_ns);
    assert_int_equal(tc_execute(cam, "TimestampReset"), 0);
    assert_int_equal(tc_execute(cam, "TimestampLatch"), 0);
    assert_true(geti(cam, "TimestampLatchValue") < t);
    double temp = getf(cam, "DeviceTemperature");
    assert_true(temp > 25.0 && temp < 40.0);
    tc_camera_close(cam);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(firmware_version_is_the_camera_line),
        cmocka_unit_test(table_registers_do_not_overlap),
        cmocka_unit_test(table_rows_are_consistent),
        cmocka_unit_test(aoi_defaults_are_the_datasheet),
        cmocka_unit_test(aoi_width_rules),
        cmocka_unit_test(aoi_height_rules),
        cmocka_unit_test(binning_is_joint_and_rescales_the_aoi),
        cmocka_unit_test(payload_size_per_format),
        cmocka_unit_test(timing_figures),
        cmocka_unit_test(timing_link_limit_stretches_line_time),
        cmocka_unit_test(thermal_model),
        cmocka_unit_test(register_map_access),
        cmocka_unit_test(line_directions),
        cmocka_unit_test(continuous_frames_on_the_timing_grid),
        cmocka_unit_test(single_and_multi_frame),
        cmocka_unit_test(frames_are_bit_identical_per_seed),
        cmocka_unit_test(software_trigger),
        cmocka_unit_test(text_interface),
        cmocka_unit_test(user_sets_and_reset),
        cmocka_unit_test(timestamps_latch_and_reset),
        cmocka_unit_test(user_sets_persist_in_the_state_directory),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}

/* Write semantics of the device core (issue 8, part 3):
 * - a register write spanning several features applies all or nothing;
 * - a refused write changes nothing, stored or derived;
 * - the frame rate a client asked for is kept, the resulting rate derives;
 * - DeviceReset leaves the camera as a power cycle would;
 * - a user set is loaded through the same checks as a client's writes;
 * - TLParamsLocked locks the features that size the payload, on every path.
 *
 * The camera's whole readable state is taken by reading every register of
 * the register map (all selector positions, strings included), so "changes
 * nothing" and "equals a fresh camera" are checked byte for byte. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/feature.h"
#include "core/regmap.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "util/endian.h"

#define SERIAL "TCW01"

static tc_camera *open_opts(const char *state_dir)
{
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    o.noise_seed = 7;
    o.serial = SERIAL;
    o.state_dir = state_dir;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    assert_non_null(cam);
    return cam;
}

static tc_camera *open_cam(void) { return open_opts(NULL); }

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

static uint32_t addr(const char *name)
{
    const tc_feature *f = tc_feature_find(name);
    assert_non_null(f);
    return f->address;
}

/* ---------------- the camera's readable state ---------------- */

typedef struct state {
    uint8_t *bytes;
    size_t len;
} state;

/* Every register that does not change by itself (temperature, counters and
 * line levels are checked on their own where it matters). */
static int stable(const tc_register *r)
{
    return !(r->feature->flags & TC_FF_VOLATILE) && r->feature->access != TC_WO;
}

static state take(tc_camera *cam)
{
    unsigned n;
    const tc_register *r = tc_regmap_all(&n);
    state s = { NULL, 0 };
    for (unsigned i = 0; i < n; i++)
        s.len += stable(&r[i]) ? r[i].length : 0;
    s.bytes = calloc(1, s.len);
    assert_non_null(s.bytes);
    size_t at = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!stable(&r[i]))
            continue;
        assert_int_equal(tc_register_read(cam, r[i].address, s.bytes + at, r[i].length, 1), 0);
        at += r[i].length;
    }
    return s;
}

/* Fails naming the first feature that differs. */
static void same(const state *a, const state *b, const char *what)
{
    unsigned n;
    const tc_register *r = tc_regmap_all(&n);
    assert_int_equal(a->len, b->len);
    size_t at = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!stable(&r[i]))
            continue;
        if (memcmp(a->bytes + at, b->bytes + at, r[i].length) != 0)
            fail_msg("%s: %s[%u] differs", what, r[i].feature->name, r[i].index);
        at += r[i].length;
    }
}

static void drop(state *s) { free(s->bytes); }

static void put_be32(uint8_t *p, uint32_t v) { tc_store_be32(p, v); }

/* ---------------- 1. spans apply all or nothing ---------------- */

static void span_write_is_all_or_nothing(void **st)
{
    (void)st;
    tc_camera *cam = open_cam();
    assert_int_equal(addr("Height"), addr("Width") + 4);
    state before = take(cam);
    /* Width 1200 is fine, Height 33 is off its step of 8: nothing applies. */
    uint8_t b[16];
    put_be32(b, 1200);
    put_be32(b + 4, 33);
    assert_int_equal(tc_register_write(cam, addr("Width"), b, 8, 1), TC_ERANGE);
    assert_true(strstr(tc_camera_last_error(cam), "Height") != NULL);
    assert_int_equal(geti(cam, "Width"), 4056);
    state after = take(cam);
    same(&before, &after, "refused span");
    drop(&after);

    /* A span is checked as a whole, in address order: OffsetX 2000 is only
     * allowed once Width 1200 (earlier in the span) is in. */
    put_be32(b, 1200);
    put_be32(b + 4, 800);
    put_be32(b + 8, 2000);
    put_be32(b + 12, 1000);
    assert_int_equal(tc_register_write(cam, addr("Width"), b, 16, 1), 0);
    assert_int_equal(geti(cam, "Width"), 1200);
    assert_int_equal(geti(cam, "Height"), 800);
    assert_int_equal(geti(cam, "OffsetX"), 2000);
    assert_int_equal(geti(cam, "OffsetY"), 1000);
    assert_int_equal(geti(cam, "PayloadSize"), 1200 * 800);

    /* The last register refused: the first three stay as they were. */
    put_be32(b, 600);
    put_be32(b + 4, 400);
    put_be32(b + 8, 0);
    put_be32(b + 12, 3);
    assert_int_equal(tc_register_write(cam, addr("Width"), b, 16, 1), TC_ERANGE);
    assert_int_equal(geti(cam, "Width"), 1200);
    assert_int_equal(geti(cam, "Height"), 800);
    assert_int_equal(geti(cam, "OffsetX"), 2000);
    drop(&before);
    tc_camera_close(cam);
}

/* A command inside a span of several registers is refused up front: its
 * effect (starting acquisition, a reset) could not be taken back if another
 * register of the span were refused after it. */
static void span_with_a_command_is_refused(void **st)
{
    (void)st;
    tc_camera *cam = open_cam();
    assert_int_equal(addr("AcquisitionStart"), addr("AcquisitionMode") + 4);
    state before = take(cam);
    uint8_t b[8];
    put_be32(b, 1);     /* AcquisitionMode SingleFrame */
    put_be32(b + 4, 1); /* AcquisitionStart */
    assert_int_equal(tc_register_write(cam, addr("AcquisitionMode"), b, 8, 1), TC_EINVAL);
    tc_frame fr;
    assert_int_equal(tc_wait_frame(cam, &fr, 0), TC_EBUSY); /* not acquiring */
    state after = take(cam);
    same(&before, &after, "span with a command");
    drop(&before), drop(&after);
    /* The command alone still works. */
    assert_int_equal(tc_register_write(cam, addr("AcquisitionStart"), b + 4, 4, 1), 0);
    assert_int_equal(tc_stop(cam), 0);
    tc_camera_close(cam);
}

/* ---------------- 2. a refused write changes nothing ---------------- */

static void small_aoi(tc_camera *cam)
{
    assert_int_equal(tc_set_int(cam, "Width", 240), 0);
    assert_int_equal(tc_set_int(cam, "Height", 160), 0);
}

static void refused_span_reaches_no_frame(void **st)
{
    (void)st;
    tc_camera *cam = open_cam();
    small_aoi(cam);
    double fps = getf(cam, "AcquisitionResultingFrameRate");
    uint8_t b[8];
    put_be32(b, 480);
    put_be32(b + 4, 4000); /* above HeightMax */
    assert_int_equal(tc_register_write(cam, addr("Width"), b, 8, 1), TC_ERANGE);
    assert_int_equal(geti(cam, "PayloadSize"), 240 * 160);
    assert_true(getf(cam, "AcquisitionResultingFrameRate") == fps);
    /* The acquisition engine never saw the refused Width either. */
    assert_int_equal(tc_start(cam), 0);
    tc_frame fr;
    assert_int_equal(tc_wait_frame(cam, &fr, 10000), 0);
    assert_int_equal(fr.width, 240);
    assert_int_equal(fr.size, 240 * 160);
    tc_release_frame(cam, &fr);
    assert_int_equal(tc_stop(cam), 0);
    tc_camera_close(cam);
}

/* UserSetSave that cannot write its file is refused, and the set it would
 * have saved does not exist in memory either. */
static void refused_user_set_save_saves_nothing(void **st)
{
    (void)st;
    tc_camera *cam = open_opts("/nonexistent/twincam-state");
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(cam, "UserSetSave"), TC_EIO);
    assert_int_equal(tc_set_int(cam, "Width", 600), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), TC_EBUSY); /* never saved */
    assert_int_equal(geti(cam, "Width"), 600);
    tc_camera_close(cam);
}

/* One noise-free frame of a small AOI (the scene's mean image). */
static uint8_t *mean_frame(tc_camera *cam, size_t *size)
{
    tc_frame fr;
    assert_int_equal(tc_start(cam), 0);
    assert_int_equal(tc_wait_frame(cam, &fr, 10000), 0);
    uint8_t *copy = malloc(fr.size);
    assert_non_null(copy);
    memcpy(copy, fr.data, fr.size);
    *size = fr.size;
    tc_release_frame(cam, &fr);
    assert_int_equal(tc_stop(cam), 0);
    return copy;
}

/* A scene that cannot be loaded is refused at commit: TwinScene keeps its
 * value and the sensor its scene, whether the write came alone or with a
 * user set. */
static void refused_scene_changes_nothing(void **st)
{
    (void)st;
    char dir[] = "/tmp/twincam-writes-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char bad[300];
    snprintf(bad, sizeof(bad), "%s/not-a.png", dir);
    FILE *fp = fopen(bad, "w");
    assert_non_null(fp);
    fputs("not a PNG\n", fp);
    assert_int_equal(fclose(fp), 0);
    char text[400];
    snprintf(text, sizeof(text), "TwinScenePath[0]=%s\nTwinScene[0]=3\nWidth[0]=600\n", bad);
    char path[300];
    snprintf(path, sizeof(path), "%s/" SERIAL ".UserSet1", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);

    tc_camera *cam = open_opts(dir);
    small_aoi(cam);
    assert_int_equal(tc_set_int(cam, "TwinNoiseEnable", 0), 0);
    assert_int_equal(tc_set_string(cam, "TwinScene", "FlatField"), 0);
    size_t n0, n1, n2;
    uint8_t *f0 = mean_frame(cam, &n0);
    state before = take(cam);

    assert_int_equal(tc_set_string(cam, "TwinScenePath", bad), 0);
    assert_int_equal(tc_set_string(cam, "TwinScene", "PngFile"), TC_EIO);
    assert_int_equal(geti(cam, "TwinScene"), 1);
    uint8_t *f1 = mean_frame(cam, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(f0, f1, n0);
    assert_int_equal(tc_set_string(cam, "TwinScenePath", ""), 0);

    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), TC_EIO);
    assert_true(strstr(tc_camera_last_error(cam), "UserSet1: TwinScene") != NULL);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "Default"), 0);
    state after = take(cam);
    same(&before, &after, "refused scene");
    uint8_t *f2 = mean_frame(cam, &n2);
    assert_memory_equal(f0, f2, n0);
    free(f0), free(f1), free(f2);
    drop(&before), drop(&after);
    tc_camera_close(cam);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---------------- 3. the frame rate asked for is kept ---------------- */

static void frame_rate_request_is_kept(void **st)
{
    (void)st;
    tc_camera *cam = open_cam();
    assert_int_equal(tc_set_int(cam, "AcquisitionFrameRateEnable", 1), 0);
    assert_int_equal(tc_set_float(cam, "AcquisitionFrameRate", 15), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 15, 1e-9);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 500000), 0);
    /* The exposure limits the rate: what a client reads never exceeds the
     * maximum, and the resulting rate is the exposure-bound one. */
    double max = getf(cam, "AcquisitionFrameRateMax");
    assert_true(max < 2.0);
    assert_true(getf(cam, "AcquisitionFrameRate") <= max);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), max, 1e-9);
    uint8_t raw[8];
    assert_int_equal(tc_register_read(cam, addr("AcquisitionFrameRate"), raw, 8, 1), 0);
    uint64_t bits = tc_load_be64(raw);
    double wire;
    memcpy(&wire, &bits, sizeof(wire));
    assert_true(wire <= max);
    /* Back to a short exposure: the request comes back. */
    assert_int_equal(tc_set_float(cam, "ExposureTime", 10000), 0);
    assert_float_equal(getf(cam, "AcquisitionFrameRate"), 15, 1e-9);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 15, 1e-9);
    /* Writes above the live maximum stay refused (GenICam: value <= Max). */
    assert_int_equal(tc_set_float(cam, "AcquisitionFrameRate", 19), TC_ERANGE);
    assert_float_equal(getf(cam, "AcquisitionFrameRate"), 15, 1e-9);
    tc_camera_close(cam);
}

/* ---------------- 4. DeviceReset is a power cycle ---------------- */

static void first_frame(tc_camera *cam, tc_frame *fr, uint8_t **copy)
{
    assert_int_equal(tc_set_int(cam, "Width", 480), 0);
    assert_int_equal(tc_set_int(cam, "Height", 320), 0);
    assert_int_equal(tc_set_int(cam, "OffsetX", 1200), 0);
    assert_int_equal(tc_set_int(cam, "OffsetY", 800), 0);
    assert_int_equal(tc_start(cam), 0);
    assert_int_equal(tc_wait_frame(cam, fr, 10000), 0);
    *copy = malloc(fr->size);
    assert_non_null(*copy);
    memcpy(*copy, fr->data, fr->size);
    tc_release_frame(cam, fr);
    assert_int_equal(tc_stop(cam), 0);
}

static void device_reset_is_a_power_cycle(void **st)
{
    (void)st;
    tc_camera *fresh = open_cam();
    state want = take(fresh);
    tc_camera *cam = open_cam();

    /* Change a lot: AOI, binning, format, timing, lines, scene, identity,
     * timestamps, counters, the lock. */
    assert_int_equal(tc_set_int(cam, "BinningHorizontal", 2), 0);
    assert_int_equal(tc_set_int(cam, "Width", 480), 0);
    assert_int_equal(tc_set_int(cam, "Height", 320), 0);
    assert_int_equal(tc_set_int(cam, "OffsetX", 100), 0);
    assert_int_equal(tc_set_string(cam, "PixelFormat", "BayerGR12"), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 2000), 0);
    assert_int_equal(tc_set_int(cam, "AcquisitionFrameRateEnable", 1), 0);
    assert_int_equal(tc_set_float(cam, "AcquisitionFrameRate", 30), 0);
    assert_int_equal(tc_set_int(cam, "ReverseX", 1), 0);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line3"), 0);
    assert_int_equal(tc_set_string(cam, "LineMode", "Output"), 0);
    assert_int_equal(tc_set_string(cam, "LineSource", "UserOutput1"), 0);
    assert_int_equal(tc_set_string(cam, "UserOutputSelector", "UserOutput1"), 0);
    assert_int_equal(tc_set_int(cam, "UserOutputValue", 1), 0);
    assert_int_equal(tc_set_string(cam, "TwinScene", "FlatField"), 0);
    assert_int_equal(tc_set_float(cam, "TwinIllumination", 400), 0);
    assert_int_equal(tc_set_int(cam, "TwinNoiseSeed", 99), 0);
    assert_int_equal(tc_set_string(cam, "DeviceUserID", "bench-3"), 0);
    assert_int_equal(tc_start(cam), 0);
    tc_frame fr;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tc_wait_frame(cam, &fr, 10000), 0);
        if (i == 0)
            tc_drop_frame(cam, &fr); /* counted in TwinFramesDropped */
        else
            tc_release_frame(cam, &fr);
    }
    assert_int_equal(geti(cam, "TwinFramesDropped"), 1);
    assert_int_equal(tc_execute(cam, "TimestampLatch"), 0);
    assert_int_equal(tc_set_int(cam, "TLParamsLocked", 1), 0);
    /* Reset while acquiring. */
    assert_int_equal(tc_execute(cam, "DeviceReset"), 0);

    assert_int_equal(tc_wait_frame(cam, &fr, 0), TC_EBUSY); /* stopped, nothing queued */
    state got = take(cam);
    same(&want, &got, "after DeviceReset");
    assert_int_equal(geti(cam, "TwinFramesDropped"), 0);
    assert_int_equal(geti(cam, "TwinTriggerMissed"), 0);
    assert_float_equal(getf(cam, "DeviceTemperature"), getf(fresh, "DeviceTemperature"), 1e-6);

    /* Frames: the same first frame as a camera just switched on (block ids
     * restart at 1, the scene is the power-up one, the housing is cold). */
    tc_frame fa, fb;
    uint8_t *a = NULL, *b = NULL;
    first_frame(fresh, &fb, &b);
    first_frame(cam, &fa, &a);
    assert_int_equal(fa.block_id, fb.block_id);
    assert_int_equal(fa.block_id, 1);
    assert_int_equal(fa.size, fb.size);
    assert_memory_equal(a, b, fa.size);
    free(a), free(b);
    drop(&want), drop(&got);
    tc_camera_close(cam);
    tc_camera_close(fresh);
}

/* DeviceReset loads the power-up user set, as switching on does. */
static void device_reset_loads_the_startup_set(void **st)
{
    (void)st;
    char dir[] = "/tmp/twincam-writes-XXXXXX";
    assert_non_null(mkdtemp(dir));
    tc_camera *cam = open_opts(dir);
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    assert_int_equal(tc_set_string(cam, "TwinScene", "FlatField"), 0);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(cam, "UserSetSave"), 0);
    assert_int_equal(tc_set_string(cam, "UserSetDefault", "UserSet1"), 0);
    assert_int_equal(tc_set_int(cam, "Width", 600), 0);
    assert_int_equal(tc_set_string(cam, "TwinScene", "MovingTarget"), 0);
    assert_int_equal(tc_execute(cam, "DeviceReset"), 0);
    state got = take(cam);
    tc_camera *fresh = open_opts(dir);
    state want = take(fresh);
    same(&want, &got, "reset with a startup set");
    assert_int_equal(geti(cam, "Width"), 1200);
    tc_frame fa, fb;
    uint8_t *a = NULL, *b = NULL;
    first_frame(fresh, &fb, &b);
    first_frame(cam, &fa, &a);
    assert_memory_equal(a, b, fa.size); /* FlatField in both */
    free(a), free(b);
    drop(&want), drop(&got);
    tc_camera_close(fresh);
    tc_camera_close(cam);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---------------- 5. user sets are loaded like client writes ---------------- */

static void write_file(const char *dir, const char *what, const char *text)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/" SERIAL ".%s", dir, what);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void user_set_with_broken_binning_is_refused(void **st)
{
    (void)st;
    char dir[] = "/tmp/twincam-writes-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "UserSet1", "BinningHorizontal[0]=2\nBinningVertical[0]=1\n");
    tc_camera *cam = open_opts(dir);
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    state before = take(cam);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), TC_ERANGE);
    const char *why = tc_camera_last_error(cam);
    assert_true(strstr(why, "UserSet1") != NULL);
    assert_true(strstr(why, "Binning") != NULL);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "Default"), 0);
    state after = take(cam);
    same(&before, &after, "refused user set");
    drop(&before), drop(&after);
    tc_camera_close(cam);

    /* The same set as the power-up set: the camera starts with the factory
     * settings instead (and still says which set it was asked to load). */
    write_file(dir, "startup", "UserSetDefault=1\n");
    cam = open_opts(dir);
    tc_camera *factory = open_cam();
    state want = take(factory), got = take(cam);
    assert_int_equal(geti(cam, "BinningHorizontal"), 1);
    assert_int_equal(geti(cam, "BinningVertical"), 1);
    assert_int_equal(geti(cam, "UserSetDefault"), 1);
    assert_int_equal(tc_set_int(cam, "UserSetDefault", 0), 0); /* the one intended difference */
    drop(&got);
    got = take(cam);
    same(&want, &got, "power-up with a broken set");
    drop(&want), drop(&got);
    tc_camera_close(factory);
    tc_camera_close(cam);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A good set loads whatever the current state: binning before the AOI, the
 * AOI before its offsets; the frame-rate request as saved. */
static void user_set_loads_in_dependency_order(void **st)
{
    (void)st;
    char dir[] = "/tmp/twincam-writes-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "UserSet2",
               "BinningHorizontal[0]=2\nBinningVertical[0]=2\nOffsetX[0]=1000\nWidth[0]=1008\n"
               "OffsetY[0]=720\nHeight[0]=800\nExposureTime[0]=500000\n"
               "AcquisitionFrameRateEnable[0]=1\nAcquisitionFrameRate[0]=15\n");
    tc_camera *cam = open_opts(dir);
    assert_int_equal(tc_set_int(cam, "Width", 4056), 0);
    assert_int_equal(tc_set_string(cam, "UserSetSelector", "UserSet2"), 0);
    assert_int_equal(tc_execute(cam, "UserSetLoad"), 0);
    assert_int_equal(geti(cam, "BinningHorizontal"), 2);
    assert_int_equal(geti(cam, "BinningVertical"), 2);
    assert_int_equal(geti(cam, "Width"), 1008);
    assert_int_equal(geti(cam, "OffsetX"), 1000);
    assert_int_equal(geti(cam, "Height"), 800);
    assert_int_equal(geti(cam, "OffsetY"), 720);
    assert_true(getf(cam, "AcquisitionResultingFrameRate") < 2.0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 10000), 0);
    assert_float_equal(getf(cam, "AcquisitionResultingFrameRate"), 15, 1e-9);
    tc_camera_close(cam);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---------------- 6. TLParamsLocked ---------------- */

static void tl_params_locked_locks_payload_features(void **st)
{
    (void)st;
    tc_camera *cam = open_cam();
    assert_int_equal(tc_set_int(cam, "TLParamsLocked", 1), 0);
    assert_int_equal(tc_set_int(cam, "Width", 1200), TC_EACCESS);
    assert_int_equal(tc_set_string(cam, "PixelFormat", "BayerGR12"), TC_EACCESS);
    assert_int_equal(tc_set_int(cam, "BinningHorizontal", 2), TC_EACCESS);
    uint8_t b[4];
    put_be32(b, 1200);
    assert_int_equal(tc_register_write(cam, addr("Width"), b, 4, 1), TC_EACCESS);
    assert_int_equal(geti(cam, "Width"), 4056);
    /* Features that do not size the payload stay writable. */
    assert_int_equal(tc_set_float(cam, "ExposureTime", 2000), 0);
    assert_int_equal(tc_set_int(cam, "TLParamsLocked", 0), 0);
    assert_int_equal(tc_set_int(cam, "Width", 1200), 0);
    /* Locked while acquisition runs: the same access-denied answer. */
    assert_int_equal(tc_set_int(cam, "Height", 160), 0);
    assert_int_equal(tc_start(cam), 0);
    assert_int_equal(tc_set_int(cam, "Width", 600), TC_EACCESS);
    assert_int_equal(tc_stop(cam), 0);
    assert_int_equal(tc_set_int(cam, "Width", 600), 0);
    tc_camera_close(cam);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(span_write_is_all_or_nothing),
        cmocka_unit_test(span_with_a_command_is_refused),
        cmocka_unit_test(refused_span_reaches_no_frame),
        cmocka_unit_test(refused_user_set_save_saves_nothing),
        cmocka_unit_test(refused_scene_changes_nothing),
        cmocka_unit_test(frame_rate_request_is_kept),
        cmocka_unit_test(device_reset_is_a_power_cycle),
        cmocka_unit_test(device_reset_loads_the_startup_set),
        cmocka_unit_test(user_set_with_broken_binning_is_refused),
        cmocka_unit_test(user_set_loads_in_dependency_order),
        cmocka_unit_test(tl_params_locked_locks_payload_features),
    };
    return cmocka_run_group_tests_name("writes", tests, NULL, NULL);
}

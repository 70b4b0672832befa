/* The camera's timeline is the model's: edges handed over ahead of their
 * time act at their time (up to a documented bound), and a host that cannot
 * keep up is counted (TwinOverruns) while timestamps stay on the model's
 * frame grid, block ids of skipped frames left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/io_server.h"
#include "twincam/twincam.h"

#define MS 1000000LL
#define US 1000LL

static tc_camera *open_camera(bool deterministic)
{
    tc_options o;
    tc_options_init(&o);
    o.deterministic = deterministic;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    return cam;
}

static void io(tc_camera *cam, const char *cmd, const char *want_prefix)
{
    char reply[256];
    tc_io_command(cam, cmd, reply, sizeof reply);
    if (strncmp(reply, want_prefix, strlen(want_prefix)) != 0)
        fail_msg("'%s' answered '%s', wanted '%s...'", cmd, reply, want_prefix);
}

/* Eight 200 us pulses 120 ms apart, all sent before the first one happens
 * (the I/O socket's `pulse Line0 200 T_NS`): eight frames, each stamped at
 * its edge + TriggerDelay; none missed. */
static void eight_scheduled_pulses_give_eight_frames(void **state)
{
    (void)state;
    tc_camera *cam = open_camera(true);
    assert_int_equal(tc_set_int(cam, "Height", 480), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 2000), 0);
    assert_int_equal(tc_set_string(cam, "TriggerMode", "On"), 0);
    assert_int_equal(tc_set_string(cam, "TriggerSource", "Line0"), 0);
    assert_int_equal(tc_set_float(cam, "TriggerDelay", 150), 0);
    assert_int_equal(tc_start(cam), 0);
    const uint64_t t0 = tc_host_time(cam) + 500 * MS;
    for (int k = 0; k < 8; k++) {
        char cmd[80];
        snprintf(cmd, sizeof cmd, "pulse Line0 200 %llu", (unsigned long long)(t0 + k * 120 * MS));
        io(cam, cmd, "ok");
    }
    for (int k = 0; k < 8; k++) {
        tc_frame f;
        assert_int_equal(tc_wait_frame(cam, &f, 10000), 0);
        assert_int_equal(f.timestamp_ns, t0 + k * 120 * MS + 150 * US);
        tc_release_frame(cam, &f);
    }
    int64_t missed;
    assert_int_equal(tc_get_int(cam, "TwinTriggerMissed", &missed), 0);
    assert_int_equal(missed, 0);
    tc_camera_close(cam);
}

/* At most 64 edges of a line ahead of now; beyond that the command is
 * refused with a reason, and so is an edge earlier than the line's last. */
static void edges_ahead_are_bounded_and_in_order(void **state)
{
    (void)state;
    tc_camera *cam = open_camera(true);
    const uint64_t t0 = tc_host_time(cam) + 1000 * MS;
    for (int k = 0; k < 64; k++)
        assert_int_equal(tc_drive_line(cam, 2, (k & 1) ? 0 : 1, t0 + (uint64_t)k * MS), 0);
    assert_int_equal(tc_drive_line(cam, 2, 1, t0 + 64 * MS), TC_EBUSY);
    assert_non_null(strstr(tc_camera_last_error(cam), "64 edges"));
    char cmd[80];
    snprintf(cmd, sizeof cmd, "pulse Line2 10 %llu", (unsigned long long)(t0 + 100 * MS));
    io(cam, cmd, "error Line2 has 64 edges ahead");
    assert_int_equal(tc_drive_line(cam, 3, 1, t0), 0);
    assert_int_equal(tc_drive_line(cam, 3, 0, t0 - 1), TC_EINVAL);
    tc_camera_close(cam);
}

/* An edge given for later is not the line's level now (real clock). */
static void a_future_edge_acts_at_its_time(void **state)
{
    (void)state;
    tc_camera *cam = open_camera(false);
    assert_int_equal(tc_drive_line(cam, 2, 1, tc_host_time(cam) + 30000 * MS), 0); /* within 60 s */
    assert_int_equal(tc_line_level(cam, 2), 0);
    assert_int_equal(tc_drive_line(cam, 3, 1, 0), 0); /* now */
    assert_int_equal(tc_line_level(cam, 3), 1);
    tc_camera_close(cam);
}

/* A host far too slow for the frame rate (full frame, 12-bit packed, readout
 * 64 times faster than the sensor, no link limit: about 1150 fps asked of a
 * render that takes milliseconds): frames are skipped and counted, and every
 * delivered frame's timestamp is on the model's grid t0 + id x period. */
static void an_overloaded_host_keeps_the_model_timeline(void **state)
{
    (void)state;
    tc_camera *cam = open_camera(false);
    assert_int_equal(tc_set_string(cam, "PixelFormat", "BayerGR12p"), 0);
    assert_int_equal(tc_set_string(cam, "DeviceLinkThroughputLimitMode", "Off"), 0);
    assert_int_equal(tc_set_float(cam, "TwinReadoutSpeedup", 64), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 100), 0);
    double fps;
    assert_int_equal(tc_get_float(cam, "AcquisitionResultingFrameRate", &fps), 0);
    const double period = 1e9 / fps;
    assert_true(period < 2 * MS);
    assert_int_equal(tc_start(cam), 0);
    enum { N = 40 };
    uint64_t id[N], ts[N];
    for (int k = 0; k < N; k++) {
        tc_frame f;
        assert_int_equal(tc_wait_frame(cam, &f, 10000), 0);
        id[k] = f.block_id;
        ts[k] = f.timestamp_ns;
        tc_release_frame(cam, &f);
    }
    assert_int_equal(tc_stop(cam), 0);
    int64_t overruns, dropped;
    assert_int_equal(tc_get_int(cam, "TwinOverruns", &overruns), 0);
    assert_int_equal(tc_get_int(cam, "TwinFramesDropped", &dropped), 0);
    print_message("overloaded: period %.0f ns, ids %llu..%llu for %d frames, %lld overruns, "
                  "%lld dropped\n", period, (unsigned long long)id[0],
                  (unsigned long long)id[N - 1], N, (long long)overruns, (long long)dropped);
    assert_true(overruns > 0);
    assert_true((int64_t)(id[N - 1] - id[0] + 1 - N) <= overruns + dropped);
    for (int k = 1; k < N; k++) {
        assert_true(id[k] > id[k - 1]);
        const double want = (double)(id[k] - id[0]) * period;
        const double got = (double)(ts[k] - ts[0]);
        if (got < want - (double)(id[k] - id[0]) - 1 || got > want + 1)
            fail_msg("frame %llu at +%.0f ns, the grid says +%.0f ns",
                     (unsigned long long)id[k], got, want);
    }
    tc_camera_close(cam);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eight_scheduled_pulses_give_eight_frames),
        cmocka_unit_test(edges_ahead_are_bounded_and_in_order),
        cmocka_unit_test(a_future_edge_acts_at_its_time),
        cmocka_unit_test(an_overloaded_host_keeps_the_model_timeline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

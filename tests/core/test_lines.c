/* Triggers and I/O lines: hardware triggers on Line0 (activation, inverter,
 * delay, debouncer), missed triggers, output windows on Line1/Line2 against
 * the rolling-shutter timing, and refusals. Deterministic clock: edge times
 * are given explicitly and frame timestamps must follow them exactly. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/lines.h"
#include "twincam/twincam.h"

#define MS 1000000LL
#define US 1000LL

static tc_camera *open_small(void)
{
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    assert_int_equal(tc_set_int(cam, "Width", 240), 0);
    assert_int_equal(tc_set_int(cam, "Height", 160), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 1000), 0);
    return cam;
}

static double period_ns(tc_camera *cam)
{
    double fps;
    assert_int_equal(tc_get_float(cam, "AcquisitionResultingFrameRate", &fps), 0);
    return 1e9 / fps;
}

static uint64_t next_timestamp(tc_camera *cam)
{
    tc_frame f;
    assert_int_equal(tc_wait_frame(cam, &f, 10000), 0);
    uint64_t t = f.timestamp_ns;
    tc_release_frame(cam, &f);
    return t;
}

static void arm_line0(tc_camera *cam, const char *activation, double delay_us)
{
    assert_int_equal(tc_set_string(cam, "TriggerMode", "On"), 0);
    assert_int_equal(tc_set_string(cam, "TriggerSource", "Line0"), 0);
    assert_int_equal(tc_set_string(cam, "TriggerActivation", activation), 0);
    assert_int_equal(tc_set_float(cam, "TriggerDelay", delay_us), 0);
    assert_int_equal(tc_start(cam), 0);
}

static void line0_rising_edges_start_frames_after_the_delay(void **state)
{
    (void)state;
    tc_camera *cam = open_small();
    arm_line0(cam, "RisingEdge", 100);
    const int64_t edges[] = { 1000 * MS, 1400 * MS, 2000 * MS };
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(tc_drive_line(cam, 0, 1, (uint64_t)edges[i]), 0);
        assert_int_equal(next_timestamp(cam), (uint64_t)(edges[i] + 100 * US));
        assert_int_equal(tc_drive_line(cam, 0, 0, (uint64_t)(edges[i] + 10 * MS)), 0); /* falls: no frame */
    }
    tc_frame f;
    assert_int_equal(tc_wait_frame(cam, &f, 50), TC_ETIMEOUT);
    tc_camera_close(cam);
}

static void falling_activation_and_inverter(void **state)
{
    (void)state;
    tc_camera *cam = open_small();
    arm_line0(cam, "FallingEdge", 0);
    assert_int_equal(tc_drive_line(cam, 0, 1, 1000 * MS), 0); /* rising: ignored */
    assert_int_equal(tc_drive_line(cam, 0, 0, 1200 * MS), 0);
    assert_int_equal(next_timestamp(cam), 1200 * MS);
    tc_stop(cam);
    /* Inverted input, rising activation: the electrical fall is the edge. */
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line0"), 0);
    assert_int_equal(tc_set_int(cam, "LineInverter", 1), 0);
    assert_int_equal(tc_set_string(cam, "TriggerActivation", "RisingEdge"), 0);
    assert_int_equal(tc_start(cam), 0);
    assert_int_equal(tc_drive_line(cam, 0, 1, 2000 * MS), 0);
    assert_int_equal(tc_drive_line(cam, 0, 0, 2300 * MS), 0);
    assert_int_equal(next_timestamp(cam), 2300 * MS);
    int64_t status;
    assert_int_equal(tc_get_int(cam, "LineStatus", &status), 0);
    assert_int_equal(status, 1); /* driven low, inverted */
    tc_camera_close(cam);
}

static void triggers_faster_than_the_frame_rate_are_counted_as_missed(void **state)
{
    (void)state;
    tc_camera *cam = open_small();
    double p = period_ns(cam);
    arm_line0(cam, "RisingEdge", 0);
    /* 10 rising edges at 0.4 periods apart: a frame needs a whole period. */
    int64_t t = 1000 * MS;
    int accepted_expected = 0;
    int64_t ready = 0;
    for (int i = 0; i < 10; i++) {
        int64_t e = t + (int64_t)(i * 0.4 * p);
        if (e >= ready) {
            accepted_expected++;
            ready = e + (int64_t)p;
        }
        assert_int_equal(tc_drive_line(cam, 0, 1, (uint64_t)e), 0);
        assert_int_equal(tc_drive_line(cam, 0, 0, (uint64_t)(e + 1 * MS)), 0);
    }
    for (int i = 0; i < accepted_expected; i++)
        next_timestamp(cam);
    tc_frame f;
    assert_int_equal(tc_wait_frame(cam, &f, 50), TC_ETIMEOUT);
    int64_t missed;
    assert_int_equal(tc_get_int(cam, "TwinTriggerMissed", &missed), 0);
    assert_int_equal(missed, 10 - accepted_expected);
    assert_int_equal(accepted_expected, 4); /* edges at 0, 1.2, 2.4, 3.6 periods */
    tc_camera_close(cam);
}

static void debouncer_ignores_glitches_and_delays_edges(void **state)
{
    (void)state;
    tc_camera *cam = open_small();
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line0"), 0);
    assert_int_equal(tc_set_float(cam, "LineDebouncerTime", 50), 0);
    arm_line0(cam, "RisingEdge", 0);
    assert_int_equal(tc_drive_line(cam, 0, 1, 1000 * MS), 0);
    assert_int_equal(tc_drive_line(cam, 0, 0, 1000 * MS + 20 * US), 0); /* 20 us: a glitch */
    assert_int_equal(tc_drive_line(cam, 0, 1, 1500 * MS), 0);
    assert_int_equal(tc_drive_line(cam, 0, 0, 1500 * MS + 200 * US), 0); /* 200 us: real */
    assert_int_equal(next_timestamp(cam), 1500 * MS + 50 * US);
    tc_frame f;
    assert_int_equal(tc_wait_frame(cam, &f, 50), TC_ETIMEOUT);
    tc_camera_close(cam);
}

/* TimestampReset moves the camera's timestamps, not the host time base of
 * line edges: an edge driven at host time T after a reset starts a frame
 * stamped T minus the host time of the reset. */
static void timestamp_reset_moves_timestamps_not_edges(void **state)
{
    (void)state;
    tc_camera *cam = open_small();
    arm_line0(cam, "RisingEdge", 0);
    assert_int_equal(tc_drive_line(cam, 0, 1, 1000 * MS), 0);
    assert_int_equal(tc_drive_line(cam, 0, 0, 1000 * MS + 100 * US), 0);
    assert_int_equal(next_timestamp(cam), 1000 * MS); /* no reset yet: one time base */
    assert_int_equal(tc_execute(cam, "TimestampReset"), 0);
    uint64_t host = tc_host_time(cam), camera = tc_camera_time(cam);
    assert_true(host >= 1000 * MS);
    assert_true(camera < host); /* the reset moved the camera's zero to about `host` */
    uint64_t reset_at = host - camera;
    uint64_t edge = host + 500 * MS;
    assert_int_equal(tc_drive_line(cam, 0, 1, edge), 0);
    assert_int_equal(tc_drive_line(cam, 0, 0, edge + 100 * US), 0);
    assert_int_equal(next_timestamp(cam), edge - reset_at);
    tc_camera_close(cam);
}

typedef struct edge { unsigned line; int level; uint64_t t; } edge;
typedef struct edges { edge e[256]; unsigned n; } edges;

static void on_edge(void *ctx, unsigned line, int level, uint64_t t)
{
    edges *E = ctx;
    if (E->n < 256)
        E->e[E->n++] = (edge){ line, level, t };
}

static void outputs_follow_the_rolling_shutter(void **state)
{
    (void)state;
    tc_camera *cam = open_small();
    /* Line1 flash output: ExposureActive. Line2 as output: FlashWindow. */
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line2"), 0);
    assert_int_equal(tc_set_string(cam, "LineMode", "Output"), 0);
    assert_int_equal(tc_set_string(cam, "LineSource", "FlashWindow"), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 5000), 0); /* longer than 160 rows */
    double lt;
    assert_int_equal(tc_get_float(cam, "TwinLineTime", &lt), 0);
    edges E = { .n = 0 };
    int h = tc_watch_lines(cam, on_edge, &E);
    assert_true(h >= 0);
    assert_int_equal(tc_set_string(cam, "AcquisitionMode", "MultiFrame"), 0);
    assert_int_equal(tc_set_int(cam, "AcquisitionFrameCount", 3), 0);
    assert_int_equal(tc_start(cam), 0);
    uint64_t t0[3];
    for (int i = 0; i < 3; i++)
        t0[i] = next_timestamp(cam);
    tc_frame f;
    assert_int_equal(tc_wait_frame(cam, &f, 10000), TC_EBUSY); /* ended by itself */
    tc_unwatch_lines(cam, h);
    /* Per frame: Line1 rises at t0 and falls at t0 + 159 lt + E; Line2 is
     * high from t0 + 159 lt to t0 + E. */
    for (int i = 0; i < 3; i++) {
        uint64_t exp_rise1 = t0[i], exp_fall1 = t0[i] + (uint64_t)(159 * lt + 5e6);
        uint64_t exp_rise2 = t0[i] + (uint64_t)(159 * lt), exp_fall2 = t0[i] + 5 * MS;
        int seen = 0;
        for (unsigned k = 0; k < E.n; k++) {
            const edge *e = &E.e[k];
            seen += e->line == 1 && e->level == 1 && e->t == exp_rise1;
            seen += e->line == 1 && e->level == 0 && llabs((long long)(e->t - exp_fall1)) <= 1;
            seen += e->line == 2 && e->level == 1 && llabs((long long)(e->t - exp_rise2)) <= 1;
            seen += e->line == 2 && e->level == 0 && e->t == exp_fall2;
        }
        if (seen != 4)
            fail_msg("frame %d: %d of 4 expected edges", i, seen);
    }
    /* AcquisitionActive on Line3 as output, inverted: low while acquiring. */
    tc_camera_close(cam);
}

static void line_windows_alone(void **state)
{
    (void)state;
    tc_window w;
    assert_true(tc_line_window(TC_SRC_EXPOSURE_ACTIVE, 1000, 500, 10, 100, &w));
    assert_int_equal(w.start, 1000);
    assert_int_equal(w.end, 1000 + 990 + 500);
    assert_true(tc_line_window(TC_SRC_FRAME_ACTIVE, 1000, 500, 10, 100, &w));
    assert_int_equal(w.end, 1000 + 500 + 1000);
    assert_false(tc_line_window(TC_SRC_FLASH_WINDOW, 1000, 500, 10, 100, &w)); /* 500 < 990 */
    assert_true(tc_line_window(TC_SRC_FLASH_WINDOW, 1000, 2000, 10, 100, &w));
    assert_int_equal(w.start, 1990);
    assert_int_equal(w.end, 3000);
    assert_false(tc_line_window(TC_SRC_USER_OUTPUT0, 1000, 2000, 10, 100, &w));
}

static void user_outputs_and_acquisition_active_levels(void **state)
{
    (void)state;
    tc_camera *cam = open_small();
    edges E = { .n = 0 };
    int h = tc_watch_lines(cam, on_edge, &E);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line3"), 0);
    assert_int_equal(tc_set_string(cam, "LineMode", "Output"), 0);
    assert_int_equal(tc_set_string(cam, "LineSource", "AcquisitionActive"), 0);
    int64_t v;
    assert_int_equal(tc_get_int(cam, "LineStatus", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(tc_start(cam), 0);
    assert_int_equal(tc_get_int(cam, "LineStatus", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(tc_stop(cam), 0);
    assert_int_equal(tc_get_int(cam, "LineStatus", &v), 0);
    assert_int_equal(v, 0);
    int rises = 0, falls = 0;
    for (unsigned k = 0; k < E.n; k++)
        if (E.e[k].line == 3)
            E.e[k].level ? rises++ : falls++;
    assert_int_equal(rises, 1);
    assert_int_equal(falls, 1);
    tc_unwatch_lines(cam, h);
    tc_camera_close(cam);
}

static void bad_line_input_is_refused(void **state)
{
    (void)state;
    tc_camera *cam = open_small();
    assert_int_equal(tc_drive_line(cam, 1, 1, 0), TC_EACCESS); /* Line1 is the flash output */
    assert_true(strstr(tc_camera_last_error(cam), "output") != NULL);
    assert_int_equal(tc_drive_line(cam, 7, 1, 0), TC_EINVAL);
    assert_int_equal(tc_drive_line(cam, 0, 2, 0), TC_EINVAL);
    assert_int_equal(tc_trigger_software(cam), TC_EBUSY); /* TriggerMode Off, stopped */
    /* An edge while stopped starts nothing and counts nothing. */
    assert_int_equal(tc_set_string(cam, "TriggerMode", "On"), 0);
    assert_int_equal(tc_set_string(cam, "TriggerSource", "Line0"), 0);
    assert_int_equal(tc_drive_line(cam, 0, 1, 0), 0);
    int64_t missed;
    assert_int_equal(tc_get_int(cam, "TwinTriggerMissed", &missed), 0);
    assert_int_equal(missed, 0);
    assert_int_equal(tc_set_string(cam, "LineSelector", "Line0"), 0);
    assert_int_equal(tc_set_string(cam, "LineSource", "ExposureActive"), TC_ERANGE);
    tc_camera_close(cam);
}

/* A time a client sends is bounded: an edge more than a minute ahead of now
 * (or past INT64_MAX, negative as the core's time) is refused with a reason.
 * Accepted, it would stay the line's last edge and refuse every later edge
 * at an earlier time: the line dead for everyone. */
static void far_future_edges_are_refused(void **state)
{
    (void)state;
    tc_camera *cam = open_small();
    uint64_t now = tc_host_time(cam);
    assert_int_equal(tc_drive_line(cam, 0, 1, now + 3600ull * 1000000000ull), TC_ERANGE);
    assert_non_null(strstr(tc_camera_last_error(cam), "ahead"));
    assert_int_equal(tc_drive_line(cam, 0, 1, UINT64_MAX), TC_ERANGE);
    assert_int_equal(tc_drive_line(cam, 0, 1, (uint64_t)INT64_MAX + 1), TC_ERANGE);
    /* the line still takes edges now, and half a minute ahead */
    assert_int_equal(tc_drive_line(cam, 0, 1, 0), 0);
    assert_int_equal(tc_drive_line(cam, 0, 0, tc_host_time(cam) + 30ull * 1000000000ull), 0);
    tc_camera_close(cam);
}

/* Real clock: software triggers issued back to back (microseconds apart, far
 * inside one frame period) give one frame and count the rest as missed. */
static void software_triggers_faster_than_the_rate_real_clock(void **state)
{
    (void)state;
    tc_camera *cam = NULL;
    assert_int_equal(tc_camera_open(NULL, &cam), 0);
    assert_int_equal(tc_set_int(cam, "Width", 240), 0);
    assert_int_equal(tc_set_int(cam, "Height", 160), 0);
    assert_int_equal(tc_set_float(cam, "ExposureTime", 1000), 0);
    assert_int_equal(tc_set_string(cam, "TriggerMode", "On"), 0);
    assert_int_equal(tc_set_string(cam, "TriggerSource", "Software"), 0);
    assert_int_equal(tc_start(cam), 0);
    uint64_t t0 = tc_camera_time(cam);
    for (int i = 0; i < 5; i++)
        assert_int_equal(tc_trigger_software(cam), 0); /* accepted as commands */
    uint64_t t1 = tc_camera_time(cam);
    assert_true(t1 - t0 < (uint64_t)period_ns(cam)); /* the premise: all within one period */
    tc_frame f;
    assert_int_equal(tc_wait_frame(cam, &f, 5000), 0);
    assert_true(f.timestamp_ns >= t0 && f.timestamp_ns <= t1);
    tc_release_frame(cam, &f);
    assert_int_equal(tc_wait_frame(cam, &f, 100), TC_ETIMEOUT);
    int64_t missed;
    assert_int_equal(tc_get_int(cam, "TwinTriggerMissed", &missed), 0);
    assert_int_equal(missed, 4);
    tc_camera_close(cam);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_windows_alone),
        cmocka_unit_test(line0_rising_edges_start_frames_after_the_delay),
        cmocka_unit_test(falling_activation_and_inverter),
        cmocka_unit_test(triggers_faster_than_the_frame_rate_are_counted_as_missed),
        cmocka_unit_test(debouncer_ignores_glitches_and_delays_edges),
        cmocka_unit_test(outputs_follow_the_rolling_shutter),
        cmocka_unit_test(user_outputs_and_acquisition_active_levels),
        cmocka_unit_test(bad_line_input_is_refused),
        cmocka_unit_test(far_future_edges_are_refused),
        cmocka_unit_test(timestamp_reset_moves_timestamps_not_edges),
        cmocka_unit_test(software_triggers_faster_than_the_rate_real_clock),
    };
    return cmocka_run_group_tests_name("lines", tests, NULL, NULL);
}

/* Trigger-to-frame latency on the real clock: a rising edge driven on Line0
 * (as the I/O port does it) to the moment the frame is handed to the
 * transport, which sends the GVSP leader / U3V leader at once. 1000 triggers,
 * each after the previous frame arrived and the sensor is ready again.
 *
 * Theory: the frame is handed over when its readout starts, i.e. TriggerDelay
 * + ExposureTime after the edge; the last row leaves one readout later.
 * usage: trigger_latency [N (1000)] [exposure_us (1000)] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "latency_stats.h"
#include "twincam/twincam.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    double exposure_us = argc > 2 ? atof(argv[2]) : 1000;
    if (n < 10)
        n = 10;
    tc_camera *cam;
    if (tc_camera_open(NULL, &cam) != 0)
        return 1;
    tc_set_int(cam, "Width", 480);
    tc_set_int(cam, "Height", 320);
    tc_set_float(cam, "ExposureTime", exposure_us);
    tc_set_string(cam, "TriggerMode", "On");
    tc_set_string(cam, "TriggerSource", "Line0");
    double fps, line_ns;
    tc_get_float(cam, "AcquisitionResultingFrameRate", &fps);
    tc_get_float(cam, "TwinLineTime", &line_ns);
    if (tc_start(cam) != 0)
        return 1;
    double *lat = malloc(sizeof(double) * (size_t)n);
    uint64_t ready = 0;
    for (int i = 0; i < n; i++) {
        /* The sensor takes a trigger one frame period after the last. Camera
         * time is CLOCK_MONOTONIC, so sleep on it rather than spin. */
        struct timespec until = { (time_t)(ready / 1000000000u), (long)(ready % 1000000000u) };
        if (ready)
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
        uint64_t now = tc_host_time(cam); /* edges are host time */
        tc_drive_line(cam, 0, 1, now);
        tc_frame f;
        if (tc_wait_frame(cam, &f, 5000) != 0) {
            fprintf(stderr, "trigger_latency: no frame for trigger %d: %s\n", i, tc_camera_last_error(cam));
            return 1;
        }
        uint64_t got = tc_host_time(cam);
        lat[i] = (double)(got - now) / 1e3;
        if (f.timestamp_ns != now)
            fprintf(stderr, "timestamp %llu != edge %llu\n", (unsigned long long)f.timestamp_ns,
                    (unsigned long long)now);
        tc_release_frame(cam, &f);
        tc_drive_line(cam, 0, 0, 0);
        ready = now + (uint64_t)(1e9 / fps) + 1000;
    }
    printf("trigger (Line0 edge) to frame handover, %d triggers, 480x320, exposure %.0f us\n", n, exposure_us);
    printf("theory: handover at delay + exposure = %.1f us; last row read out %.1f us after the edge\n",
           exposure_us, exposure_us + 320 * line_ns / 1e3);
    latency_report(lat, n, exposure_us);
    int64_t missed;
    tc_get_int(cam, "TwinTriggerMissed", &missed);
    printf("missed triggers: %lld\n", (long long)missed);
    free(lat);
    tc_camera_close(cam);
    return 0;
}

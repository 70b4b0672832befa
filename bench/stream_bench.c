/* End-to-end streaming through the public library: full-resolution frames
 * from AcquisitionStart to tc_wait_frame, per pixel format, on the
 * deterministic clock (the camera renders as fast as it can; the timing
 * model's 18 fps is not waited for). Prints frames/s, Mpix/s, the ratio to
 * the camera's real-time need (18 fps), and peak RSS.
 *
 * usage: stream_bench [frames per format (default 60)] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "twincam/twincam.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 60;
    if (n < 2)
        n = 2;
    static const char *formats[] = { "BayerGR8", "BayerGR10", "BayerGR12", "BayerGR10p",
                                     "BayerGR12p", "BayerGR10g40IDS", "BayerGR12g24IDS" };
    printf("%-16s %8s %9s %8s\n", "format", "fps", "Mpix/s", "x18fps");
    for (unsigned k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
        tc_options o;
        tc_options_init(&o);
        o.deterministic = true;
        tc_camera *cam;
        if (tc_camera_open(&o, &cam) != 0 || tc_set_string(cam, "PixelFormat", formats[k]) != 0 ||
            tc_start(cam) != 0) {
            fprintf(stderr, "stream_bench: %s\n", tc_camera_last_error(cam));
            return 1;
        }
        tc_frame f;
        /* first frame builds the cached mean image; not counted */
        if (tc_wait_frame(cam, &f, 10000) != 0)
            return 1;
        tc_release_frame(cam, &f);
        double t0 = now_s();
        for (int i = 0; i < n; i++) {
            if (tc_wait_frame(cam, &f, 10000) != 0) {
                fprintf(stderr, "stream_bench: %s\n", tc_camera_last_error(cam));
                return 1;
            }
            tc_release_frame(cam, &f);
        }
        double dt = now_s() - t0;
        double fps = n / dt;
        printf("%-16s %8.1f %9.0f %8.2f\n", formats[k], fps, fps * 4056.0 * 3040 / 1e6, fps / 18.0);
        tc_camera_close(cam);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MB\n", ru.ru_maxrss / 1024.0);
    return 0;
}

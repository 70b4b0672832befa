/* The device core's share of a file-access upload: a DeviceFirmware upload
 * of N MiB (default 16) through the register map, as a port delivers it
 * (FileAccessOffset, FileAccessLength, the buffer, FileOperationExecute,
 * FileOperationResult, FileOperationStatus per 4 KiB), into a sink that
 * only counts. No network: what is left of a GigE upload's time is the
 * transport's and the client's.
 * usage: file_access_bench [MiB] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/device_port.h"
#include "core/feature.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "util/endian.h"

static size_t g_got;

static int counting_sink(void *ctx, const uint8_t *data, size_t len, char *reason, size_t cap)
{
    (void)ctx, (void)data, (void)reason, (void)cap;
    g_got = len;
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void put(tc_camera *cam, const char *name, uint32_t v)
{
    uint8_t b[4];
    tc_store_be32(b, v);
    if (tc_register_write(cam, tc_feature_find(name)->address, b, 4, 1) != 0) {
        fprintf(stderr, "%s: %s\n", name, tc_camera_last_error(cam));
        exit(1);
    }
}

static uint32_t get(tc_camera *cam, const char *name)
{
    uint8_t b[4];
    tc_register_read(cam, tc_feature_find(name)->address, b, 4, 1);
    return tc_load_be32(b);
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 16;
    size_t len = mib << 20;
    tc_options o;
    tc_options_init(&o);
    tc_camera *cam;
    if (tc_camera_open(&o, &cam) != 0)
        return 1;
    tc_port_set_firmware_sink(tc_camera_device(cam), counting_sink, NULL);
    uint32_t buf = tc_feature_find("FileAccessBuffer")->address;
    uint8_t chunk[4096];
    memset(chunk, 0x5A, sizeof(chunk));
    put(cam, "FileSelector", 3); /* DeviceFirmware */
    put(cam, "FileOpenMode", 1); /* Write */
    put(cam, "FileOperationSelector", 0);
    put(cam, "FileOperationExecute", 1);
    put(cam, "FileOperationSelector", 3); /* Write */
    double t0 = now_s();
    for (size_t at = 0; at < len; at += sizeof(chunk)) {
        put(cam, "FileAccessOffset", (uint32_t)at);
        put(cam, "FileAccessLength", sizeof(chunk));
        for (size_t k = 0; k < sizeof(chunk); k += 512) /* as 512-byte WRITEMEMs */
            tc_register_write(cam, buf + (uint32_t)k, chunk + k, 512, 1);
        put(cam, "FileOperationExecute", 1);
        if (get(cam, "FileOperationResult") != sizeof(chunk) || get(cam, "FileOperationStatus") != 0) {
            fprintf(stderr, "write at %zu failed\n", at);
            return 1;
        }
    }
    double t1 = now_s();
    put(cam, "FileOperationSelector", 1); /* Close */
    put(cam, "FileOperationExecute", 1);
    double t2 = now_s();
    size_t ops = len / sizeof(chunk);
    printf("DeviceFirmware %zu MiB through the register map: %.3f s, %.0f MB/s, %.1f us per 4 KiB "
           "(%zu register accesses each); Close %.3f s, sink got %zu bytes, status %u\n",
           mib, t1 - t0, (double)len / (t1 - t0) / 1e6, (t1 - t0) / (double)ops * 1e6,
           (size_t)(2 + 8 + 1 + 2), t2 - t1, g_got, get(cam, "FileOperationStatus"));
    tc_camera_close(cam);
    return g_got == len ? 0 : 1;
}

/* The camera test_file_access.py talks to: `twincam serve` as the firmware
 * engineer's boot loader will run it, but with a test firmware sink in
 * place of the installer, so an upload's bytes can be checked end to end.
 * The sink logs one line, "test firmware sink: N bytes, sha256 X", which
 * the client reads back through the DeviceLog file; an upload that starts
 * with "REFUSE" is refused with a reason.
 *
 * Runs only inside the test's private network namespace (unshare -rn).
 * usage: file_access_server ADDR STATE_DIR   (until SIGINT/SIGTERM) */
#include <nettle/sha2.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "core/device_port.h"
#include "gige/gige_server.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "util/log.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static int test_sink(void *ctx, const uint8_t *data, size_t len, char *reason, size_t reason_len)
{
    (void)ctx;
    struct sha256_ctx c;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, len, data);
    sha256_digest(&c, sizeof(digest), digest);
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    for (size_t i = 0; i < sizeof(digest); i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    tc_log("test", "test firmware sink: %zu bytes, sha256 %s", len, hex);
    if (len >= 6 && !memcmp(data, "REFUSE", 6)) {
        snprintf(reason, reason_len, "test sink refuses packages that start with REFUSE");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s ADDR STATE_DIR\n", argv[0]);
        return 2;
    }
    tc_options o;
    tc_options_init(&o);
    o.state_dir = argv[2];
    o.frame_buffers = 12;
    tc_camera *cam = NULL;
    if (tc_camera_open(&o, &cam) != 0)
        return 1;
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct tc_device *dev = tc_camera_device(cam);
    tc_port_set_firmware_sink(dev, test_sink, NULL);
    int rc = tc_gige_serve(dev, argv[1], &g_stop);
    tc_camera_close(cam);
    return rc == 0 ? 0 : 1;
}

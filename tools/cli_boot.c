/* `twincam serve` / `gadget` with a state directory, and the firmware boot
 * loader (src/firmware/boot_loader.h, docs/firmware.md): the process the
 * user started becomes the boot loader and runs the active slot's program
 * as its child with the same arguments; that child (supervised) reports the
 * booted version, reports healthy once its port serves, and exits with
 * TC_FW_EXIT_RESTART on DeviceReset. */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device_port.h"
#include "core/firmware_version.h"
#include "firmware/boot_loader.h"
#include "firmware/semver.h"
#include "firmware/slots.h"
#include "util/log.h"
#include "util/ready.h"

static volatile sig_atomic_t *g_stop_flag;
static volatile sig_atomic_t g_restart;

static void on_stop_signal(int sig)
{
    (void)sig;
    if (g_stop_flag)
        *g_stop_flag = 1;
}

int tc_cli_firmware_boot(const char *state_dir, char **argv, volatile sig_atomic_t *stop, int *rc)
{
    g_stop_flag = stop;
    struct sigaction sa = { 0 };
    sa.sa_handler = on_stop_signal; /* no SA_RESTART: waits return and see the flag */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (!state_dir || tc_fw_supervised())
        return 0;
    tc_fw_loader_options o = { state_dir, argv, 0, stop };
    *rc = tc_fw_boot_loader_run(&o);
    return 1;
}

/* DeviceReset committed (device lock held): end the program, so that the
 * boot loader starts the slot that boots next. */
static void on_reset(void *arg)
{
    (void)arg;
    g_restart = 1;
    if (g_stop_flag)
        *g_stop_flag = 1;
}

static struct tc_device *g_dev;
static char g_version[TC_FW_VERSION_FIELD];

/* The port serves: the self-test, then the report. The self-test: the
 * camera opened and powered up (user sets loaded), and it reports the
 * version the boot loader booted. */
static void on_ready(const char *what)
{
    tc_port_identity id;
    tc_port_identity_get(g_dev, &id);
    if (strcmp(id.version, g_version) != 0) {
        tc_log("boot", "self-test failed: DeviceFirmwareVersion %s, booted %s", id.version, g_version);
        return;
    }
    if (tc_fw_report_healthy() == 0)
        tc_log("boot", "self-test passed, reported healthy (firmware %s): %s", g_version, what);
}

_Static_assert(TC_FIRMWARE_FILE_MAX >= TC_FW_PACKAGE_MAX,
               "the core must stage the largest package the firmware code accepts");

static const char *g_state_dir;
static char g_model[TC_FW_MODEL_FIELD];

/* The DeviceFirmware file closed by a client (file access, device lock
 * held): verify it in full and put it in the slot that boots next, or
 * refuse it with the reason the client reads in TwinFileOperationReason.
 * Model and version were read before the sink was registered: the port
 * interface must not be called from here. */
static int install_upload(void *ctx, const uint8_t *data, size_t len, char *reason, size_t cap)
{
    (void)ctx;
    tc_fw_reason r;
    if (tc_firmware_install(g_state_dir, data, len, g_model, g_version, &r) == 0) {
        tc_log("boot", "firmware upload of %zu bytes installed; DeviceReset boots it", len);
        return 0;
    }
    snprintf(reason, cap, "%s: %s", tc_fw_refusal_name(r.code), r.text);
    tc_log("boot", "firmware upload of %zu bytes refused: %s", len, reason);
    return -1;
}

void tc_cli_firmware_supervise(struct tc_device *dev, volatile sig_atomic_t *stop,
                               const char *state_dir)
{
    if (!tc_fw_supervised())
        return;
    g_stop_flag = stop;
    g_dev = dev;
    const char *v = getenv(TC_FW_ENV_VERSION);
    tc_semver sv;
    snprintf(g_version, sizeof(g_version), "%s", v && tc_semver_parse(v, &sv) ? v : TC_FIRMWARE_VERSION);
    tc_port_set_firmware_version(dev, g_version);
    tc_port_on_reset(dev, on_reset, NULL);
    tc_ready_set_hook(on_ready);
    g_state_dir = state_dir;
    tc_port_identity id;
    tc_port_identity_get(dev, &id);
    snprintf(g_model, sizeof(g_model), "%s", id.model);
    if (state_dir)
        tc_port_set_firmware_sink(dev, install_upload, NULL);
}

int tc_cli_firmware_exit_status(int rc) { return g_restart ? TC_FW_EXIT_RESTART : rc; }


/* twincam serve: the camera as a GigE Vision device (or a USB3 Vision
 * device over USB/IP) until SIGINT/SIGTERM; tc_cli_run_port() is shared
 * with `twincam gadget`. */
#include "cli.h"

#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "ffs/ffs_gadget.h"
#include "firmware/slots.h"
#include "inproc/camera_int.h"
#include "gige/gige_server.h"
#include "io/gpio_map.h"
#include "io/io_server.h"
#include "usbip/usbip_server.h"

/* The status line's period: often enough to watch a run, rare enough to
 * leave a log readable. */
#define STATUS_PERIOD_MS 5000

static volatile sig_atomic_t g_stop;

/* The status line: rates over the last period from the port's counters,
 * and the camera's own totals (features, read through the public API). */
typedef struct status_line {
    const char *command; /* "serve" or "gadget" */
    tc_camera *cam;
    tc_port_status last;
    int have_last;
} status_line;

static void on_status(void *ctx, const tc_port_status *st)
{
    status_line *sl = ctx;
    if (sl->have_last && st->now_ns > sl->last.now_ns) {
        double dt = (double)(st->now_ns - sl->last.now_ns) * 1e-9;
        int64_t overruns = 0, dropped = 0;
        tc_get_int(sl->cam, "TwinOverruns", &overruns);
        tc_get_int(sl->cam, "TwinFramesDropped", &dropped);
        fprintf(stderr,
                "twincam %s: %.1f fps, %.1f MB/s, %u client%s, %llu packets resent (%llu requests), "
                "%lld overruns, %lld frames dropped\n",
                sl->command, (double)(st->frames_sent - sl->last.frames_sent) / dt,
                (double)(st->bytes_sent - sl->last.bytes_sent) / dt / 1e6, st->clients,
                st->clients == 1 ? "" : "s", (unsigned long long)st->packets_resent,
                (unsigned long long)st->resend_requests, (long long)overruns, (long long)dropped);
    }
    sl->last = *st;
    sl->have_last = 1;
}
static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

int tc_cli_run_port(tc_cli_opts *c, bool gadget)
{
    if (gadget && !c->ffs_dir) {
        fprintf(stderr, "twincam: gadget wants --ffs DIR (a mounted FunctionFS instance)\n");
        return 2;
    }
    if (!c->interface)
        c->interface = "127.0.0.1";
    /* Without --state-dir, a camera keeps its user sets and firmware slots
     * where the user's state lives, as a camera keeps them in its flash
     * (the child of the boot loader works this out again, the same way). A
     * default that cannot be made costs persistence, never the start. */
    char default_dir[4096];
    if (!c->state_dir && !c->no_state_dir) {
        if (tc_cli_default_state_dir(c->serial, default_dir, sizeof(default_dir)) != 0)
            fprintf(stderr, "twincam: no state directory (neither XDG_STATE_HOME nor HOME is an "
                            "absolute path, or the serial is not a file name): user sets are not "
                            "kept, no firmware update (--state-dir DIR)\n");
        else if (tc_cli_prepare_state_dir(default_dir) != 0)
            fprintf(stderr, "twincam: the default state directory cannot be used: user sets are "
                            "not kept, no firmware update (--state-dir DIR)\n");
        else
            c->state_dir = default_dir;
        if (c->state_dir && !tc_fw_supervised()) /* the loader says it; its child need not */
            fprintf(stderr, "twincam: state directory %s (the default; --no-state-dir keeps "
                            "nothing)\n", c->state_dir);
    }
    /* The boot loader keeps its slots there too: made before it looks. */
    else if (c->state_dir && tc_cli_prepare_state_dir(c->state_dir) != 0)
        return 1;
    int boot_rc;
    if (tc_cli_firmware_boot(c->state_dir, c->argv, &g_stop, &boot_rc)) /* the boot loader */
        return boot_rc;
    tc_camera *cam = tc_cli_open_camera(c, false);
    if (!cam)
        return 1;
    tc_cli_firmware_supervise(tc_camera_device(cam), &g_stop, c->state_dir);
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns and the loop sees the flag */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    tc_io_server *io = NULL;
    if (c->io_path && !(io = tc_io_server_start(cam, c->io_path))) {
        tc_camera_close(cam);
        return 1;
    }
    tc_gpio_map *gpio = NULL;
    char text[1024];
    if (c->gpio_spec) {
        if (tc_gpio_map_start(cam, c->gpio_spec, &gpio, text, sizeof(text)) != 0) {
            fprintf(stderr, "twincam: %s\n", text);
            tc_io_server_stop(io);
            tc_camera_close(cam);
            return 1;
        }
        tc_gpio_map_describe(gpio, text, sizeof(text));
        fprintf(stderr, "twincam: gpio mapped:\n%s", text);
    }
    struct tc_device *dev = tc_camera_device(cam);
    /* The port's counters start at zero now: the first line's baseline. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    status_line sl = { .command = gadget ? "gadget" : "serve", .cam = cam, .have_last = 1 };
    sl.last.now_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    tc_port_status_hook status = { on_status, &sl,
                                   c->quiet ? 0 : c->status_ms ? c->status_ms : STATUS_PERIOD_MS };
    int rc = gadget     ? tc_ffs_gadget_serve_with(dev, c->ffs_dir, &g_stop, &status)
             : c->usbip ? tc_usbip_serve_with(dev, c->interface, &g_stop, &status)
                        : tc_gige_serve_with(dev, c->interface, &g_stop, &status);
    if (gpio) {
        tc_gpio_map_describe(gpio, text, sizeof(text));
        fprintf(stderr, "twincam: gpio at exit:\n%s", text);
    }
    tc_gpio_map_stop(gpio);
    tc_io_server_stop(io);
    tc_camera_close(cam);
    return tc_cli_firmware_exit_status(rc == 0 ? 0 : 1);
}

static int serve_main(int argc, char **argv)
{
    tc_cli_opts c = { 0 };
    int rc = tc_cli_parse(&tc_cli_cmd_serve,
                          TC_CLI_OPT_CAMERA | TC_CLI_OPT_INTERFACE | TC_CLI_OPT_USBIP | TC_CLI_OPT_IO |
                              TC_CLI_OPT_GPIO | TC_CLI_OPT_STATE_DIR | TC_CLI_OPT_NO_STATE |
                              TC_CLI_OPT_QUIET,
                           argc, argv, &c);
    return rc != 0 ? rc : tc_cli_run_port(&c, false);
}

const tc_cli_command tc_cli_cmd_serve = {
    .name = "serve",
    .summary = "run the camera as a GigE Vision or USB/IP USB3 Vision device",
    .usage = "twincam serve - run the camera as a GigE Vision or USB/IP USB3 Vision device\n"
             "Usage: twincam serve [--interface ADDR] [OPTION]...\n"
             "  or:  twincam serve --usbip [--interface ADDR] [OPTION]...\n"
             "\n"
             "Runs the camera on its real-time clock until SIGINT or SIGTERM: a GigE\n"
             "Vision device on ADDR, UDP port 3956 (GVCP, discovery answered on that\n"
             "interface only), or with --usbip a USB3 Vision device exported over\n"
             "USB/IP on ADDR, TCP port 3240 (attach it with `usbip attach -r ADDR -b 1-1`\n"
             "after `modprobe vhci-hcd`, as root). ADDR defaults to 127.0.0.1.\n"
             "\n"
             "It refuses to start, saying which, when another camera (or program) holds\n"
             "ADDR's port or answers on the --io socket; a stale socket file there (its\n"
             "camera died) is replaced, and a socket file it did not create is never\n"
             "removed.\n"
             "\n"
             "Options:\n"
             "      --interface=ADDR     the IPv4 address to serve on (default 127.0.0.1)\n"
             "      --usbip              serve USB3 Vision over USB/IP instead of GigE Vision\n"
             "      --io=SOCKET          the camera's I/O lines on a local socket at SOCKET\n"
             "                           (twincam io SOCKET ..., docs/io.md)\n"
             "      --gpio=SPEC          the I/O lines on Linux GPIO lines, SPEC as\n"
             "                           Line0=gpiochip0:3,Line1=gpiochip0:4\n"
             "      --state-dir=DIR      where UserSetSave keeps the user sets and the\n"
             "                           firmware slots (created, mode 0700, if missing):\n"
             "                           serve then runs as the boot loader, the firmware\n"
             "                           as its child (docs/firmware.md); default\n"
             "                           $XDG_STATE_HOME/twincam/SERIAL, or\n"
             "                           ~/.local/state/twincam/SERIAL\n"
             "      --no-state-dir       keep nothing: user sets last until exit, no\n"
             "                           firmware update, no boot loader\n"
             "  -q, --quiet              no status line (every 5 s on stderr: fps, MB/s,\n"
             "                           hosts, resends (GigE), overruns, drops)\n"
             "      --status-interval=S  the status line every S seconds (0.1 to 3600)\n"
             "      --set=FEATURE=VALUE  set a feature first (repeatable, applied in order)\n"
             "      --serial=S           DeviceSerialNumber (seeds the fixed-pattern noise)\n"
             "      --seed=N             TwinNoiseSeed (the temporal noise)\n"
             "  -h, --help               print this help and exit\n"
             "      --version            print the version and exit\n"
             "\n"
             "Exit status: 0 stopped by a signal, 1 could not start or failed, 2 bad\n"
             "command line.\n",
    .main = serve_main,
};

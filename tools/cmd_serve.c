/* twincam serve: the camera as a GigE Vision device (or a USB3 Vision
 * device over USB/IP) until SIGINT/SIGTERM; tc_cli_run_port() is shared
 * with `twincam gadget`. */
#include "cli.h"

#include <signal.h>

#include "ffs/ffs_gadget.h"
#include "inproc/camera_int.h"
#include "gige/gige_server.h"
#include "io/gpio_map.h"
#include "io/io_server.h"
#include "usbip/usbip_server.h"

static volatile sig_atomic_t g_stop;
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
    int boot_rc;
    if (tc_cli_firmware_boot(c->state_dir, c->argv, &g_stop, &boot_rc)) /* the boot loader */
        return boot_rc;
    tc_camera *cam = tc_cli_open_camera(c, false);
    if (!cam)
        return 1;
    tc_cli_firmware_supervise(tc_camera_device(cam), &g_stop);
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
    int rc = gadget     ? tc_ffs_gadget_serve(dev, c->ffs_dir, &g_stop)
             : c->usbip ? tc_usbip_serve(dev, c->interface, &g_stop)
                        : tc_gige_serve(dev, c->interface, &g_stop);
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
    int rc = tc_cli_parse(&tc_cli_cmd_serve, TC_CLI_OPT_ALL, argc, argv, &c);
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
             "Options:\n"
             "      --interface=ADDR     the IPv4 address to serve on (default 127.0.0.1)\n"
             "      --usbip              serve USB3 Vision over USB/IP instead of GigE Vision\n"
             "      --io=SOCKET          the camera's I/O lines on a local socket at SOCKET\n"
             "                           (twincam io SOCKET ..., docs/io.md)\n"
             "      --gpio=SPEC          the I/O lines on Linux GPIO lines, SPEC as\n"
             "                           Line0=gpiochip0:3,Line1=gpiochip0:4\n"
             "      --state-dir=DIR      where UserSetSave keeps the user sets and the\n"
             "                           firmware slots: serve then runs as the boot loader,\n"
             "                           the firmware as its child (docs/firmware.md)\n"
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

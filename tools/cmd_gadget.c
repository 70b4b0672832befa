/* twincam gadget: the camera as a USB3 Vision device through FunctionFS
 * (a board's USB device controller; scripts/gadget.sh sets it up). */
#include "cli.h"

static int gadget_main(int argc, char **argv)
{
    tc_cli_opts c = { 0 };
    int rc = tc_cli_parse(&tc_cli_cmd_gadget,
                          TC_CLI_OPT_CAMERA | TC_CLI_OPT_FFS | TC_CLI_OPT_IO | TC_CLI_OPT_GPIO |
                              TC_CLI_OPT_STATE_DIR | TC_CLI_OPT_NO_STATE | TC_CLI_OPT_QUIET,
                           argc, argv, &c);
    return rc != 0 ? rc : tc_cli_run_port(&c, true);
}

const tc_cli_command tc_cli_cmd_gadget = {
    .name = "gadget",
    .summary = "run the camera as a USB3 Vision device through FunctionFS",
    .usage = "twincam gadget - run the camera as a USB3 Vision device through FunctionFS\n"
             "Usage: twincam gadget --ffs DIR [OPTION]...\n"
             "\n"
             "Runs the camera as a USB3 Vision device through the FunctionFS instance\n"
             "mounted at DIR until SIGINT or SIGTERM, on a machine with a USB device\n"
             "controller (scripts/gadget.sh mounts the instance and binds the gadget).\n"
             "\n"
             "Options:\n"
             "      --ffs=DIR            the mounted FunctionFS instance (required)\n"
             "      --io=SOCKET          the camera's I/O lines on a local socket at SOCKET\n"
             "      --gpio=SPEC          the I/O lines on Linux GPIO lines (docs/io.md)\n"
             "      --state-dir=DIR      where UserSetSave keeps the user sets and the\n"
             "                           firmware slots: gadget then runs as the boot loader,\n"
             "                           the firmware as its child (docs/firmware.md);\n"
             "                           default $XDG_STATE_HOME/twincam/SERIAL, or\n"
             "                           ~/.local/state/twincam/SERIAL\n"
             "      --no-state-dir       keep nothing: user sets last until exit, no\n"
             "                           firmware update, no boot loader\n"
             "  -q, --quiet              no status line (every 5 s on stderr: fps, MB/s,\n"
             "                           hosts, overruns, drops)\n"
             "      --status-interval=S  the status line every S seconds (0.1 to 3600)\n"
             "      --set=FEATURE=VALUE  set a feature first (repeatable, applied in order)\n"
             "      --serial=S           DeviceSerialNumber (seeds the fixed-pattern noise)\n"
             "      --seed=N             TwinNoiseSeed (the temporal noise)\n"
             "  -h, --help               print this help and exit\n"
             "      --version            print the version and exit\n"
             "\n"
             "Exit status: 0 stopped by a signal, 1 could not start or failed, 2 bad\n"
             "command line.\n",
    .main = gadget_main,
};

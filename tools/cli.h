/* The twincam command line: what every subcommand file shares.
 *
 * A subcommand is one file tools/cmd_NAME.c defining
 *     const tc_cli_command tc_cli_cmd_NAME = { name, summary, usage, main };
 * and one line TC_CLI_COMMAND(NAME) in tools/cli_commands.h (which also
 * declares it here); the dispatcher (twincam.c) finds it by name there.
 *
 * Exit status of every subcommand: 0 success, 1 the camera (or the system)
 * refused something, 2 bad command line. */
#ifndef TC_TOOLS_CLI_H
#define TC_TOOLS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "twincam/twincam.h"

typedef struct tc_cli_command {
    const char *name;    /* argv[1] */
    const char *summary; /* one line: the global usage and the man page's NAME */
    const char *usage;   /* the whole --help text (help2man reads it) */
    /* argv[0] is the subcommand's name, as getopt expects a program name. */
    int (*main)(int argc, char **argv);
} tc_cli_command;

#define TC_CLI_COMMAND(id) extern const tc_cli_command tc_cli_cmd_##id;
#include "cli_commands.h"
#undef TC_CLI_COMMAND

/* The options the camera-opening subcommands share; each subcommand says
 * which of them it accepts (TC_CLI_OPT_* bits). */
#define TC_CLI_MAX_SETS 64
typedef struct tc_cli_opts {
    const char *out_png, *out_raw, *serial, *interface, *state_dir, *io_path, *ffs_dir, *gpio_spec;
    const char *sets[TC_CLI_MAX_SETS];
    unsigned n_sets;
    unsigned long long seed;
    int usb, usbip, quiet;
    int no_state_dir; /* --no-state-dir: serve/gadget keep nothing (no default state dir) */
    unsigned status_ms; /* serve's status line period; 0: the default */
    char **argv; /* the whole command line (tc_cli_parse), for the boot loader's child */
} tc_cli_opts;

enum {
    TC_CLI_OPT_SET = 1u << 0,       /* --set F=V */
    TC_CLI_OPT_SERIAL = 1u << 1,    /* --serial S */
    TC_CLI_OPT_SEED = 1u << 2,      /* --seed N */
    TC_CLI_OPT_OUTPUT = 1u << 3,    /* -o/--output FILE */
    TC_CLI_OPT_RAW = 1u << 4,       /* --raw FILE */
    TC_CLI_OPT_USB = 1u << 5,       /* --usb */
    TC_CLI_OPT_INTERFACE = 1u << 6, /* --interface ADDR */
    TC_CLI_OPT_STATE_DIR = 1u << 7, /* --state-dir DIR */
    TC_CLI_OPT_IO = 1u << 8,        /* --io SOCKET */
    TC_CLI_OPT_USBIP = 1u << 9,     /* --usbip */
    TC_CLI_OPT_FFS = 1u << 10,      /* --ffs DIR */
    TC_CLI_OPT_GPIO = 1u << 11,     /* --gpio SPEC */
    TC_CLI_OPT_QUIET = 1u << 12,    /* -q/--quiet, --status-interval S */
    TC_CLI_OPT_NO_STATE = 1u << 13, /* --no-state-dir (serve, gadget: they have a default) */
    TC_CLI_OPT_CAMERA = TC_CLI_OPT_SET | TC_CLI_OPT_SERIAL | TC_CLI_OPT_SEED,
};

/* Parse argv (argv[0] the subcommand) into *o, accepting the options in
 * `accepted` besides -h/--help (the subcommand's usage on stdout, exit 0)
 * and --version (exit 0). Returns 0, or the exit status to leave with: 2
 * after a bad command line (the reason and the usage on stderr). */
int tc_cli_parse(const tc_cli_command *cmd, unsigned accepted, int argc, char **argv, tc_cli_opts *o);

/* Open a camera with the options' serial, seed, state directory and
 * --set list applied in order. NULL with the reason on stderr. */
tc_camera *tc_cli_open_camera(const tc_cli_opts *o, bool deterministic);

/* --state-dir: create it (mkdir -p, new directories 0700) or refuse now,
 * saying why on stderr. 0 or -1. */
int tc_cli_prepare_state_dir(const char *dir);

/* The state directory serve and gadget use without --state-dir:
 * $XDG_STATE_HOME/twincam/SERIAL, or ~/.local/state/twincam/SERIAL when
 * XDG_STATE_HOME is unset or not absolute (XDG Base Directory spec).
 * Written into buf; -1 (nothing to default to) when neither variable
 * gives an absolute path or the serial is not a plain file name. */
int tc_cli_default_state_dir(const char *serial, char *buf, size_t cap);

/* Run the camera on a port (serve, gadget) until SIGINT/SIGTERM. */
int tc_cli_run_port(tc_cli_opts *o, bool gadget);

/* --help: the subcommand's usage on stdout; returns the exit status (0). */
int tc_cli_help(const tc_cli_command *cmd);
/* --version: "twincam X.Y.Z" on stdout; returns the exit status (0). */
int tc_cli_version(void);
/* After a bad command line's reason: the usage on stderr; returns 2. */
int tc_cli_usage_error(const tc_cli_command *cmd);

/* serve and gadget with a state directory run under the firmware boot
 * loader (cli_boot.c, docs/firmware.md). Installs the SIGINT/SIGTERM
 * handler that sets *stop. A process that is not itself supervised becomes
 * the boot loader: runs it with `argv` (the whole command line) until a
 * signal and returns 1 with the exit status in *rc; otherwise 0: serve. */
#include <signal.h>
struct tc_device;
int tc_cli_firmware_boot(const char *state_dir, char **argv, volatile sig_atomic_t *stop, int *rc);
/* In a supervised program, once the camera is open: the booted version,
 * DeviceReset ends the program (sets *stop), healthy once the port serves,
 * and a DeviceFirmware upload installed into state_dir's next slot. */
void tc_cli_firmware_supervise(struct tc_device *dev, volatile sig_atomic_t *stop,
                               const char *state_dir);
/* The exit status to leave with: TC_FW_EXIT_RESTART after a DeviceReset. */
int tc_cli_firmware_exit_status(int rc);
/* twincam firmware flash --camera ADDR FILE (cmd_firmware_flash.c); argv[0]
 * is "flash". */
int tc_cli_firmware_flash(int argc, char **argv);
/* A firmware package file into memory (malloc'd), or "WHO: PATH: why" on
 * stderr. 0 or -1. */
int tc_cli_read_package(const char *who, const char *path, uint8_t **bytes, size_t *len);


#endif

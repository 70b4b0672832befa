/* The command line's shared parts: the option parser every camera-opening
 * subcommand uses, and opening a camera with those options. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int tc_cli_parse(const tc_cli_command *cmd, unsigned accepted, int argc, char **argv, tc_cli_opts *o)
{
    /* Each entry's flag field holds the TC_CLI_OPT_* bit it belongs to, so
     * one table serves every subcommand (getopt never sees flag: the
     * table given to it carries NULL there). */
    static const struct {
        struct option opt;
        unsigned bit;
    } all[] = {
        { { "set", required_argument, NULL, 's' }, TC_CLI_OPT_SET },
        { { "output", required_argument, NULL, 'o' }, TC_CLI_OPT_OUTPUT },
        { { "raw", required_argument, NULL, 'r' }, TC_CLI_OPT_RAW },
        { { "serial", required_argument, NULL, 'S' }, TC_CLI_OPT_SERIAL },
        { { "seed", required_argument, NULL, 'x' }, TC_CLI_OPT_SEED },
        { { "usb", no_argument, NULL, 'u' }, TC_CLI_OPT_USB },
        { { "interface", required_argument, NULL, 'i' }, TC_CLI_OPT_INTERFACE },
        { { "state-dir", required_argument, NULL, 'd' }, TC_CLI_OPT_STATE_DIR },
        { { "io", required_argument, NULL, 'I' }, TC_CLI_OPT_IO },
        { { "usbip", no_argument, NULL, 'U' }, TC_CLI_OPT_USBIP },
        { { "ffs", required_argument, NULL, 'F' }, TC_CLI_OPT_FFS },
        { { "gpio", required_argument, NULL, 'G' }, TC_CLI_OPT_GPIO },
    };
    enum { N_ALL = sizeof(all) / sizeof(all[0]) };
    struct option opts[N_ALL + 2];
    unsigned n = 0;
    for (unsigned i = 0; i < N_ALL; i++)
        if (all[i].bit & accepted)
            opts[n++] = all[i].opt;
    opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
    opts[n] = (struct option){ NULL, 0, NULL, 0 };
    const char *shorts = accepted & TC_CLI_OPT_OUTPUT ? "o:h" : "h";

    /* The dispatcher hands main's argv from argv[1] on: the whole command
     * line starts one before (the boot loader runs it again, cli_boot.c). */
    o->argv = argv - 1;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            if (o->n_sets == TC_CLI_MAX_SETS || !strchr(optarg, '=')) {
                fprintf(stderr, "twincam: --set wants Feature=Value (at most %d)\n", TC_CLI_MAX_SETS);
                return 2;
            }
            o->sets[o->n_sets++] = optarg;
            break;
        case 'o': o->out_png = optarg; break;
        case 'r': o->out_raw = optarg; break;
        case 'S': o->serial = optarg; break;
        case 'u': o->usb = 1; break;
        case 'U': o->usbip = 1; break;
        case 'F': o->ffs_dir = optarg; break;
        case 'i': o->interface = optarg; break;
        case 'd': o->state_dir = optarg; break;
        case 'I': o->io_path = optarg; break;
        case 'G': o->gpio_spec = optarg; break;
        case 'x': {
            char *end;
            o->seed = strtoull(optarg, &end, 0);
            if (*end || end == optarg) {
                fprintf(stderr, "twincam: --seed wants a number, not '%s'\n", optarg);
                return 2;
            }
            break;
        }
        case 'h': tc_cli_global_usage(stdout); exit(0);
        default: tc_cli_global_usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "twincam %s: unexpected argument '%s'\n", cmd->name, argv[optind]);
        return 2;
    }
    return 0;
}

tc_camera *tc_cli_open_camera(const tc_cli_opts *c, bool deterministic)
{
    tc_options o;
    tc_options_init(&o);
    o.serial = c->serial;
    o.state_dir = c->state_dir;
    /* A port holds frames: GigE keeps up to 4 for resends; the rest give
     * the sender a few frame periods of slack on a busy host before the
     * sensor finds no free buffer and drops a frame. The core bounds the
     * pool to 128 MB: 10 buffers of BayerGR8, 5 of a 16-bit format. */
    o.frame_buffers = c->interface ? 12 : 0;
    o.noise_seed = c->seed;
    o.deterministic = deterministic;
    tc_camera *cam = NULL;
    if (tc_camera_open(&o, &cam) != 0) {
        fprintf(stderr, "twincam: cannot open the camera: %s\n", tc_camera_last_error(NULL));
        return NULL;
    }
    for (unsigned i = 0; i < c->n_sets; i++) {
        char name[128];
        const char *eq = strchr(c->sets[i], '=');
        size_t n = (size_t)(eq - c->sets[i]);
        if (n >= sizeof(name))
            n = sizeof(name) - 1;
        memcpy(name, c->sets[i], n);
        name[n] = 0;
        if (tc_set_from_text(cam, name, eq + 1) != 0) {
            fprintf(stderr, "twincam: %s=%s refused: %s\n", name, eq + 1, tc_camera_last_error(cam));
            tc_camera_close(cam);
            return NULL;
        }
    }
    return cam;
}

/* The command line's shared parts: the option parser every camera-opening
 * subcommand uses, and opening a camera with those options. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        { { "quiet", no_argument, NULL, 'q' }, TC_CLI_OPT_QUIET },
        { { "status-interval", required_argument, NULL, 'T' }, TC_CLI_OPT_QUIET },
        { { "no-state-dir", no_argument, NULL, 'N' }, TC_CLI_OPT_NO_STATE },
    };
    enum { N_ALL = sizeof(all) / sizeof(all[0]) };
    struct option opts[N_ALL + 3]; /* and help, version, the end */
    unsigned n = 0;
    for (unsigned i = 0; i < N_ALL; i++)
        if (all[i].bit & accepted)
            opts[n++] = all[i].opt;
    opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
    opts[n++] = (struct option){ "version", no_argument, NULL, 'V' };
    opts[n] = (struct option){ NULL, 0, NULL, 0 };
    /* Leading ':': a missing argument is told apart from an unknown option;
     * opterr 0: the messages are ours, naming the subcommand. */
    char shorts[8] = ":h";
    if (accepted & TC_CLI_OPT_OUTPUT)
        strcat(shorts, "o:");
    if (accepted & TC_CLI_OPT_QUIET)
        strcat(shorts, "q");

    /* The dispatcher hands main's argv from argv[1] on: the whole command
     * line starts one before (the boot loader runs it again, cli_boot.c). */
    o->argv = argv - 1;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            if (o->n_sets == TC_CLI_MAX_SETS || !strchr(optarg, '=')) {
                fprintf(stderr, "twincam %s: --set wants Feature=Value (at most %d)\n", cmd->name,
                        TC_CLI_MAX_SETS);
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
        case 'q': o->quiet = 1; break;
        case 'N': o->no_state_dir = 1; break;
        case 'T': {
            char *end;
            double sec = strtod(optarg, &end);
            if (*end || end == optarg || !(sec >= 0.1 && sec <= 3600)) {
                fprintf(stderr, "twincam %s: --status-interval wants seconds, 0.1 to 3600, not '%s'\n",
                        cmd->name, optarg);
                return tc_cli_usage_error(cmd);
            }
            o->status_ms = (unsigned)(sec * 1000 + 0.5);
            break;
        }
        case 'x': {
            char *end;
            o->seed = strtoull(optarg, &end, 0);
            if (*end || end == optarg) {
                fprintf(stderr, "twincam %s: --seed wants a number, not '%s'\n", cmd->name, optarg);
                return 2;
            }
            break;
        }
        case 'h': exit(tc_cli_help(cmd));
        case 'V': exit(tc_cli_version());
        case ':':
            fprintf(stderr, "twincam %s: option '%s' needs a value\n", cmd->name, argv[optind - 1]);
            return tc_cli_usage_error(cmd);
        default:
            /* optopt is the short option's letter; 0 for a long one, whose
             * text getopt has just stepped over. */
            if (optopt)
                fprintf(stderr, "twincam %s: unknown option '-%c'\n", cmd->name, optopt);
            else
                fprintf(stderr, "twincam %s: unknown option '%s'\n", cmd->name, argv[optind - 1]);
            return tc_cli_usage_error(cmd);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "twincam %s: unexpected argument '%s'\n", cmd->name, argv[optind]);
        return tc_cli_usage_error(cmd);
    }
    if (o->no_state_dir && o->state_dir) {
        fprintf(stderr, "twincam %s: --state-dir and --no-state-dir together\n", cmd->name);
        return tc_cli_usage_error(cmd);
    }
    return 0;
}

int tc_cli_default_state_dir(const char *serial, char *buf, size_t cap)
{
    /* The serial becomes a path component: a plain name only, so that no
     * --serial can point the default outside the twincam directory. */
    if (!serial)
        serial = "TC000001";
    size_t n = strlen(serial);
    if (n == 0 || n > 64 || strspn(serial, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                           "0123456789._-") != n || serial[0] == '.')
        return -1;
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int w;
    if (xdg && xdg[0] == '/')
        w = snprintf(buf, cap, "%s/twincam/%s", xdg, serial);
    else if (home && home[0] == '/')
        w = snprintf(buf, cap, "%s/.local/state/twincam/%s", home, serial);
    else
        return -1;
    return w > 0 && (size_t)w < cap ? 0 : -1;
}

int tc_cli_help(const tc_cli_command *cmd)
{
    fputs(cmd->usage, stdout);
    return fflush(stdout) == 0 ? 0 : 1;
}

int tc_cli_version(void)
{
    /* The project version, a define of twincam/version.h (meson writes it):
     * the program's own, which the library it runs with shares. */
    printf("twincam %s\n", TWINCAM_VERSION_STRING);
    return fflush(stdout) == 0 ? 0 : 1;
}

int tc_cli_usage_error(const tc_cli_command *cmd)
{
    fputs(cmd->usage, stderr);
    return 2;
}

/* --state-dir: make it now (mkdir -p, new directories 0700: user sets are
 * the operator's) or refuse now, so a UserSetSave never fails later in a
 * client for a directory that was never there. 0, or -1 said on stderr. */
int tc_cli_prepare_state_dir(const char *dir)
{
    char path[4096];
    if (!dir[0] || strlen(dir) >= sizeof(path)) {
        fprintf(stderr, "twincam: --state-dir '%s': empty or too long\n", dir);
        return -1;
    }
    snprintf(path, sizeof(path), "%s", dir);
    /* Each component in turn; one that exists already is left as it is. */
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p)
            continue;
        char was = *p;
        *p = 0;
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            fprintf(stderr, "twincam: --state-dir %s: cannot create %s: %s\n", dir, path, strerror(errno));
            return -1;
        }
        *p = was;
        if (!was)
            break;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "twincam: --state-dir %s: not a directory\n", dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "twincam: --state-dir %s: cannot write there: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

tc_camera *tc_cli_open_camera(const tc_cli_opts *c, bool deterministic)
{
    if (c->state_dir && tc_cli_prepare_state_dir(c->state_dir) != 0)
        return NULL;
    tc_options o;
    tc_options_init(&o);
    o.serial = c->serial;
    o.state_dir = c->state_dir;
    /* A port holds frames: GigE keeps recent ones for resends (within
     * 48 MiB, leaving the sensor 3); the rest give the sender a few frame
     * periods of slack on a busy host before the sensor finds no free
     * buffer and drops a frame. The core bounds the pool to 142 MiB: 12
     * buffers of full-frame BayerGR8, 6 of a 16-bit format, 16 of a
     * quarter-size frame. */
    o.frame_buffers = c->interface ? 16 : 0;
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

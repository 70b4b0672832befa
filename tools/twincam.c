/* twincam: the command-line front end.
 *
 *   twincam features [--set F=V ...]            every feature, value and live range
 *   twincam snapshot -o frame.png [--raw F] [--set F=V ...]
 *   twincam xml [--usb]                         the GenICam XML the camera serves
 *   twincam docs                                docs/features.md, from the feature table
 *   twincam serve [--interface ADDR]            a GigE Vision camera on ADDR:3956 (default 127.0.0.1)
 *   twincam serve --usbip [--interface ADDR]    a USB3 Vision camera as USB/IP device on ADDR:3240
 *   twincam gadget --ffs DIR                    a USB3 Vision camera through FunctionFS at DIR
 *   twincam serve ... --gpio Line0=CHIP:N,...   with its lines on Linux GPIO (libgpiod)
 *
 * Exit status: 0 success, 1 camera refused something, 2 bad command line. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genicam/docs.h"
#include "gige/gige_server.h"
#include "io/gpio_map.h"
#include "io/io_server.h"
#include "io_client.h"
#include "image/png_io.h"
#include "image/preview.h"
#include "inproc/camera_int.h"
#include "pixel/pixel_format.h"
#include "usbip/usbip_server.h"
#include "ffs/ffs_gadget.h"
#include "sensor/sensor_model.h"
#include "twincam/twincam.h"

#define MAX_SETS 64

typedef struct cli {
    const char *out_png, *out_raw, *serial, *interface, *state_dir, *io_path, *ffs_dir, *gpio_spec;
    const char *sets[MAX_SETS];
    unsigned n_sets;
    unsigned long long seed;
    int usb, usbip;
} cli;

static void usage(FILE *to)
{
    fprintf(to,
            "usage: twincam <command> [options]\n"
            "\n"
            "commands:\n"
            "  features [--set F=V ...]             list every feature with value and range\n"
            "  snapshot -o FILE.png [--raw FILE]    one frame as a demosaicked preview PNG\n"
            "           [--set F=V ...]             (and the raw payload with --raw)\n"
            "  xml [--usb]                          print the GenICam XML (GigE byte order,\n"
            "                                       or USB3 Vision's with --usb)\n"
            "  docs                                 print docs/features.md\n"
            "  serve [--interface ADDR]             run the camera as a GigE Vision device on\n"
            "        [--state-dir DIR]              ADDR:3956 (default 127.0.0.1) until SIGINT/SIGTERM\n"
            "        [--io SOCKET]                  (with the I/O lines on a local socket)\n"
            "        [--gpio Line0=CHIP:N,...]      (and/or on Linux GPIO lines, docs/io.md)\n"
            "        [--usbip]                      or as a USB3 Vision device over USB/IP on\n"
            "                                       ADDR:3240 (usbip attach -r ADDR -b 1-1)\n"
            "  gadget --ffs DIR [--state-dir DIR]   run the camera as a USB3 Vision device through\n"
            "         [--io SOCKET] [--gpio ...]    the FunctionFS instance mounted at DIR, until\n"
            "                                       SIGINT/SIGTERM (scripts/gadget.sh sets it up)\n"
            "  io SOCKET drive|pulse|status|time|watch ...   the camera's I/O lines (docs/io.md)\n"
            "  io wire SRC:LineN DST:LineM ...      wire one camera's output to others' inputs\n"
            "\n"
            "options:\n"
            "  --set Feature=Value   set a feature before acting (repeatable, in order)\n"
            "  --serial S            DeviceSerialNumber (seeds the fixed-pattern noise)\n"
            "  --seed N              TwinNoiseSeed (temporal noise)\n"
            "  -h, --help            this text\n");
}

static int parse(int argc, char **argv, cli *c)
{
    static const struct option opts[] = {
        { "set", required_argument, NULL, 's' },  { "output", required_argument, NULL, 'o' },
        { "raw", required_argument, NULL, 'r' },  { "serial", required_argument, NULL, 'S' },
        { "seed", required_argument, NULL, 'x' }, { "usb", no_argument, NULL, 'u' },
        { "help", no_argument, NULL, 'h' },       { "interface", required_argument, NULL, 'i' },
        { "state-dir", required_argument, NULL, 'd' }, { "io", required_argument, NULL, 'I' }, { "usbip", no_argument, NULL, 'U' },
        { "ffs", required_argument, NULL, 'F' },
        { "gpio", required_argument, NULL, 'G' },
        { NULL, 0, NULL, 0 },
    };
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            if (c->n_sets == MAX_SETS || !strchr(optarg, '=')) {
                fprintf(stderr, "twincam: --set wants Feature=Value (at most %d)\n", MAX_SETS);
                return 2;
            }
            c->sets[c->n_sets++] = optarg;
            break;
        case 'o': c->out_png = optarg; break;
        case 'r': c->out_raw = optarg; break;
        case 'S': c->serial = optarg; break;
        case 'u': c->usb = 1; break;
        case 'U': c->usbip = 1; break;
        case 'F': c->ffs_dir = optarg; break;
        case 'i': c->interface = optarg; break;
        case 'd': c->state_dir = optarg; break;
        case 'I': c->io_path = optarg; break;
        case 'G': c->gpio_spec = optarg; break;
        case 'x': {
            char *end;
            c->seed = strtoull(optarg, &end, 0);
            if (*end || end == optarg) {
                fprintf(stderr, "twincam: --seed wants a number, not '%s'\n", optarg);
                return 2;
            }
            break;
        }
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "twincam: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    return 0;
}

static tc_camera *open_camera(const cli *c, bool deterministic)
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

static int cmd_features(const cli *c)
{
    tc_camera *cam = open_camera(c, true);
    if (!cam)
        return 1;
    printf("%-32s %-11s %-3s %-24s %s\n", "FEATURE", "TYPE", "ACC", "VALUE", "RANGE");
    for (unsigned i = 0; i < tc_feature_total(); i++) {
        tc_feature_info fi;
        tc_feature_describe(cam, i, &fi);
        char value[128];
        snprintf(value, sizeof(value), "%s%s%s", fi.value, fi.unit[0] && fi.value[0] ? " " : "",
                 fi.value[0] ? fi.unit : "");
        printf("%-32s %-11s %-3s %-24s %s\n", fi.name, fi.type, fi.access, value, fi.range);
    }
    tc_camera_close(cam);
    return 0;
}

static int write_file(const char *path, const uint8_t *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, n, fp) != n) {
        fprintf(stderr, "twincam: cannot write %s\n", path);
        if (fp)
            fclose(fp);
        return 1;
    }
    return fclose(fp) == 0 ? 0 : 1;
}

/* Host-side preview: unpack, subtract black, white-balance by the model's
 * quantum efficiencies, demosaic. */
static int write_preview(const char *path, const tc_frame *fr)
{
    const tc_pixel_format *pf = tc_pixel_format_by_code(fr->pixel_format);
    if (!pf) {
        fprintf(stderr, "twincam: unknown pixel format 0x%08x\n", fr->pixel_format);
        return 1;
    }
    size_t npx = (size_t)fr->width * fr->height;
    uint16_t *raw = malloc(npx * sizeof(*raw));
    uint8_t *rgb = malloc(npx * 3);
    if (!raw || !rgb) {
        free(raw), free(rgb);
        fprintf(stderr, "twincam: out of memory\n");
        return 1;
    }
    size_t row_bytes = tc_pixel_row_bytes(pf, fr->width);
    unsigned maxv = (1u << pf->bits) - 1;
    double black = TC_MODEL_BLACK_LEVEL_DN / (double)(1u << (12 - pf->bits));
    for (unsigned y = 0; y < fr->height; y++) {
        uint16_t *row = raw + (size_t)y * fr->width;
        tc_pixel_unpack_row(pf, fr->data + (size_t)y * row_bytes, fr->width, row);
        for (unsigned x = 0; x < fr->width; x++) {
            double v = (row[x] - black) * maxv / (maxv - black);
            row[x] = (uint16_t)(v < 0 ? 0 : v > maxv ? maxv : v + 0.5);
        }
    }
    const float wb[3] = { (float)(TC_MODEL_QE_G / TC_MODEL_QE_R), 1.0f,
                          (float)(TC_MODEL_QE_G / TC_MODEL_QE_B) };
    tc_preview_demosaic_gr(raw, fr->width, fr->height, pf->bits, wb, rgb);
    char err[256];
    int rc = tc_png_write8(path, rgb, fr->width, fr->height, 3, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "twincam: %s\n", err);
    free(raw);
    free(rgb);
    return rc ? 1 : 0;
}

static int cmd_snapshot(const cli *c)
{
    if (!c->out_png && !c->out_raw) {
        fprintf(stderr, "twincam: snapshot needs -o FILE.png (and/or --raw FILE)\n");
        return 2;
    }
    /* Deterministic (virtual clock): one frame without waiting out its exposure. */
    tc_camera *cam = open_camera(c, true);
    if (!cam)
        return 1;
    int rc = 1;
    tc_frame fr;
    if (tc_set_string(cam, "AcquisitionMode", "SingleFrame") != 0 || tc_start(cam) != 0 ||
        tc_wait_frame(cam, &fr, 60000) != 0) {
        fprintf(stderr, "twincam: no frame: %s\n", tc_camera_last_error(cam));
        tc_camera_close(cam);
        return 1;
    }
    rc = 0;
    if (c->out_raw)
        rc |= write_file(c->out_raw, fr.data, fr.size);
    if (c->out_png)
        rc |= write_preview(c->out_png, &fr);
    if (rc == 0) {
        const tc_pixel_format *pf = tc_pixel_format_by_code(fr.pixel_format);
        printf("frame %llu: %ux%u+%u+%u %s, %zu bytes, timestamp %llu ns\n",
               (unsigned long long)fr.block_id, fr.width, fr.height, fr.offset_x, fr.offset_y,
               pf ? pf->name : "?", fr.size, (unsigned long long)fr.timestamp_ns);
    }
    tc_release_frame(cam, &fr);
    tc_camera_close(cam);
    return rc;
}

static int cmd_xml(const cli *c)
{
    tc_camera *cam = open_camera(c, true);
    if (!cam)
        return 1;
    size_t len;
    const char *xml = tc_camera_genicam_xml(cam, !c->usb, &len);
    int rc = xml && fwrite(xml, 1, len, stdout) == len ? 0 : 1;
    tc_camera_close(cam);
    return rc;
}

static volatile sig_atomic_t g_stop;
static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* serve and gadget: run the camera on a port until SIGINT/SIGTERM. */
static int cmd_serve(cli *c, bool gadget)
{
    if (gadget && !c->ffs_dir) {
        fprintf(stderr, "twincam: gadget wants --ffs DIR (a mounted FunctionFS instance)\n");
        return 2;
    }
    if (!c->interface)
        c->interface = "127.0.0.1";
    tc_camera *cam = open_camera(c, false);
    if (!cam)
        return 1;
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
    return rc == 0 ? 0 : 1;
}

static int cmd_docs(void)
{
    size_t len;
    char *md = tc_features_markdown(&len);
    int rc = md && fwrite(md, 1, len, stdout) == len ? 0 : 1;
    free(md);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "io"))
        return tc_io_main(argc - 2, argv + 2);
    cli c = { 0 };
    int rc = parse(argc, argv, &c);
    if (rc != 0)
        return rc;
    if (!strcmp(cmd, "features"))
        return cmd_features(&c);
    if (!strcmp(cmd, "snapshot"))
        return cmd_snapshot(&c);
    if (!strcmp(cmd, "xml"))
        return cmd_xml(&c);
    if (!strcmp(cmd, "docs"))
        return cmd_docs();
    if (!strcmp(cmd, "serve"))
        return cmd_serve(&c, false);
    if (!strcmp(cmd, "gadget"))
        return cmd_serve(&c, true);
    fprintf(stderr, "twincam: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}

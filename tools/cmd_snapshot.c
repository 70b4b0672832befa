/* twincam snapshot: one frame as a demosaicked, white-balanced preview PNG
 * and/or the raw payload. */
#include "cli.h"
#include "cli_progress.h"

#include <stdlib.h>

#include "image/png_io.h"
#include "image/preview.h"
#include "pixel/pixel_format.h"
#include "sensor/sensor_model.h"

static int write_file(const char *path, const uint8_t *data, size_t n, tc_cli_progress *pr)
{
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, n, fp) != n) {
        tc_cli_progress_end(pr);
        fprintf(stderr, "twincam: cannot write %s\n", path);
        if (fp)
            fclose(fp);
        return 1;
    }
    return fclose(fp) == 0 ? 0 : 1;
}

static void on_png_rows(void *ctx, unsigned done, unsigned total)
{
    tc_cli_progress_part(ctx, "compressing the PNG", done, total);
}

/* Host-side preview: unpack, subtract black, white-balance by the model's
 * quantum efficiencies, demosaic. */
static int write_preview(const char *path, const tc_frame *fr, tc_cli_progress *pr)
{
    const tc_pixel_format *pf = tc_pixel_format_by_code(fr->pixel_format);
    if (!pf) {
        tc_cli_progress_end(pr);
        fprintf(stderr, "twincam: unknown pixel format 0x%08x\n", fr->pixel_format);
        return 1;
    }
    size_t npx = (size_t)fr->width * fr->height;
    uint16_t *raw = malloc(npx * sizeof(*raw));
    uint8_t *rgb = malloc(npx * 3);
    if (!raw || !rgb) {
        free(raw), free(rgb);
        tc_cli_progress_end(pr);
        fprintf(stderr, "twincam: out of memory\n");
        return 1;
    }
    tc_cli_progress_stage(pr, "demosaicking the preview");
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
    int rc = tc_png_write8_progress(path, rgb, fr->width, fr->height, 3, on_png_rows, pr, err,
                                    sizeof(err));
    if (rc != 0) {
        tc_cli_progress_end(pr);
        fprintf(stderr, "twincam: %s\n", err);
    }
    free(raw);
    free(rgb);
    return rc ? 1 : 0;
}

static int snapshot_main(int argc, char **argv)
{
    tc_cli_opts c = { 0 };
    int rc = tc_cli_parse(&tc_cli_cmd_snapshot, TC_CLI_OPT_CAMERA | TC_CLI_OPT_STATE_DIR | TC_CLI_OPT_OUTPUT | TC_CLI_OPT_RAW, argc, argv, &c);
    if (rc != 0)
        return rc;
    if (!c.out_png && !c.out_raw) {
        fprintf(stderr, "twincam: snapshot needs -o FILE.png (and/or --raw FILE)\n");
        return 2;
    }
    /* Progress on a terminal's stderr; whatever stderr is, one summary
     * line at the end (the files are the output asked for, stdout stays
     * empty). */
    tc_cli_progress pr;
    tc_cli_progress_start(&pr, "twincam snapshot");
    /* Deterministic (virtual clock): one frame without waiting out its exposure. */
    tc_camera *cam = tc_cli_open_camera(&c, true);
    if (!cam)
        return 1;
    tc_cli_progress_stage(&pr, "rendering the frame");
    tc_frame fr;
    if (tc_set_string(cam, "AcquisitionMode", "SingleFrame") != 0 || tc_start(cam) != 0 ||
        tc_wait_frame(cam, &fr, 60000) != 0) {
        tc_cli_progress_end(&pr);
        fprintf(stderr, "twincam: no frame: %s\n", tc_camera_last_error(cam));
        tc_camera_close(cam);
        return 1;
    }
    rc = 0;
    if (c.out_raw) {
        tc_cli_progress_stage(&pr, "writing the raw payload");
        rc |= write_file(c.out_raw, fr.data, fr.size, &pr);
    }
    if (c.out_png)
        rc |= write_preview(c.out_png, &fr, &pr);
    tc_cli_progress_end(&pr);
    if (rc == 0) {
        const tc_pixel_format *pf = tc_pixel_format_by_code(fr.pixel_format);
        fprintf(stderr, "twincam snapshot: frame %llu: %ux%u+%u+%u %s, %zu bytes, timestamp %llu ns; %s%s%s in %.1f s\n",
                (unsigned long long)fr.block_id, fr.width, fr.height, fr.offset_x, fr.offset_y,
                pf ? pf->name : "?", fr.size, (unsigned long long)fr.timestamp_ns,
                c.out_png ? c.out_png : "", c.out_png && c.out_raw ? " and " : "",
                c.out_raw ? c.out_raw : "", tc_cli_progress_elapsed(&pr));
    }
    tc_release_frame(cam, &fr);
    tc_camera_close(cam);
    return rc;
}

const tc_cli_command tc_cli_cmd_snapshot = {
    .name = "snapshot",
    .summary = "take one frame as a preview PNG and/or the raw payload",
    .usage = "twincam snapshot - take one frame as a preview PNG and/or the raw payload\n"
             "Usage: twincam snapshot -o FILE.png [--raw FILE] [OPTION]...\n"
             "  or:  twincam snapshot --raw FILE [OPTION]...\n"
             "\n"
             "Opens a camera in process on its virtual clock (no waiting out the\n"
             "exposure), takes one frame in SingleFrame mode and writes it: the PNG is a\n"
             "host-side preview (black level subtracted, white-balanced by the sensor's\n"
             "quantum efficiencies, demosaicked), the raw file is the payload exactly as\n"
             "a client receives it. The camera itself applies no white balance or gain.\n"
             "\n"
             "Options:\n"
             "  -o, --output=FILE        write the preview PNG to FILE\n"
             "      --raw=FILE           write the raw payload to FILE\n"
             "      --set=FEATURE=VALUE  set a feature first (repeatable, applied in order),\n"
             "                           e.g. --set PixelFormat=BayerGR12p --set Width=1200\n"
             "      --state-dir=DIR      start with the user set saved there as the power-up set\n"
             "      --serial=S           DeviceSerialNumber (seeds the fixed-pattern noise)\n"
             "      --seed=N             TwinNoiseSeed (the temporal noise)\n"
             "  -h, --help               print this help and exit\n"
             "      --version            print the version and exit\n"
             "\n"
             "Exit status: 0 success, 1 the camera refused a value or a file could not be\n"
             "written, 2 bad command line.\n",
    .main = snapshot_main,
};

/* Sensor pipeline throughput on one thread, full resolution 4056 x 3040.
 *
 *   sensor_bench [frames]      (default 10)
 *
 * Prints Mpix/s for each stage alone, with the access pattern it has inside
 * the pipeline (row buffers for intermediates, frame-sized arrays for the
 * cached mean image and the payload), then end to end through
 * tc_sensor_render for each pixel format with noise on (static chart: the
 * cached path), the binned and mirrored variants, a rebuild of the mean-image
 * cache (first frame, and after an exposure change) and the moving scene (no
 * cache), memcpy of the same payload as the physical reference, the sensor's
 * memory and the process's peak RSS. Best of `frames` runs.
 * Build with --buildtype=release for figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "pixel/pixel_format.h"
#include "sensor/adc.h"
#include "sensor/binning.h"
#include "sensor/exposure.h"
#include "sensor/fixed_pattern.h"
#include "sensor/noise.h"
#include "sensor/readout.h"
#include "sensor/scene.h"
#include "sensor/sensor.h"
#include "sensor/sensor_model.h"

#define W TC_SENSOR_WIDTH
#define H TC_SENSOR_HEIGHT
#define NPX ((size_t)W * H)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile uint32_t sink;

static void line(const char *name, double best_s, double pixels, const char *note)
{
    printf("  %-28s %8.0f Mpix/s  %7.2f ms/frame  %s\n", name, pixels / best_s * 1e-6,
           best_s * 1e3, note);
}

/* Stage buffers shared by the stage runs. */
typedef struct bufs {
    tc_scene *chart;
    tc_fixed_pattern fp, fp_rows; /* with planes, without */
    tc_noise noise;
    tc_exposure_coef coef;
    uint16_t *mq;  /* frame: mean codes (the sensor's cache) */
    uint8_t *code; /* frame: sigma codes (the sensor's cache) */
    uint16_t *dn;  /* frame: 12-bit values */
    uint8_t *out;  /* frame payload, up to 2 bytes/px */
    uint16_t rel[W], row16[W];
    int8_t prnu_row[W], dsnu_row[W];
    int16_t noise16[W];
    float fe[W];
} bufs;

enum stage {
    ST_FP_ROWS, ST_SCENE, ST_EXPOSURE, ST_MEAN, ST_CODE, ST_NOISE, ST_ADC, ST_READOUT,
    ST_READOUT0, ST_FLOAT, ST_BIN, ST_MIRROR
};

static double run_stage(bufs *b, enum stage st, int frames)
{
    double best = 1e9;
    for (int f = 0; f < frames; f++) {
        const double t0 = now_s();
        for (unsigned y = 0; y < H; y++) {
            uint16_t *mq = b->mq + (size_t)y * W;
            uint8_t *code = b->code + (size_t)y * W;
            const int16_t *z =
                tc_noise_row_samples(&b->noise, tc_noise_row_offset(1, (uint64_t)f, y), 0);
            switch (st) {
            case ST_FP_ROWS: /* PRNU and DSNU rows made again from the seed */
                sink += (uint32_t)tc_fixed_pattern_prnu_row(&b->fp_rows, y, 0, W, b->prnu_row)[5];
                sink += (uint32_t)tc_fixed_pattern_dsnu_row(&b->fp_rows, y, 0, W, b->dsnu_row)[7];
                break;
            case ST_SCENE:
                tc_scene_row(b->chart, y, 0, W, 0.0, b->rel);
                break;
            case ST_EXPOSURE: /* scene row in, mean electrons row out */
                tc_exposure_row(&b->coef, &b->fp, y, 0, W, b->rel, b->fe);
                break;
            case ST_MEAN: /* mean electrons + DSNU in, cache row out */
                tc_adc_mean_row(b->fe, b->fp.dsnu + (size_t)y * W, W, mq);
                break;
            case ST_CODE: /* mean electrons in, cache row out */
                tc_noise_code_row(&b->noise, y, 0, W, b->fe, code);
                break;
            case ST_NOISE: /* cache row in */
                tc_noise_row(code, z, W, b->noise16);
                break;
            case ST_ADC:
                tc_adc_row(mq, b->noise16, W, b->row16);
                break;
            case ST_READOUT: /* the fused per-frame kernel: cache rows in, DN row out */
                tc_readout_row(mq, code, z, W, b->row16);
                break;
            case ST_READOUT0:
                tc_readout_row(mq, code, NULL, W, b->row16);
                break;
            case ST_FLOAT: /* uncached: mean electrons row + DSNU in, DN row out */
                tc_readout_row_float(b->fe, b->fp.dsnu + (size_t)y * W, z, W, b->row16);
                break;
            case ST_BIN: /* two sensor rows per binned row: count sensor pixels */
                if ((y & 3) < 2)
                    tc_bin2_row(b->dn + (size_t)y * W, b->dn + (size_t)(y + 2) * W, W / 2,
                                b->row16);
                break;
            case ST_MIRROR:
                tc_mirror_row(b->dn + (size_t)y * W, W, b->row16);
                break;
            }
        }
        const double dt = now_s() - t0;
        if (dt < best)
            best = dt;
        sink += b->row16[7] + b->mq[12345] + b->code[777] + (uint32_t)b->noise16[9] +
                (uint32_t)b->fe[3];
    }
    return best;
}

static double run_pack(bufs *b, const tc_pixel_format *f, int frames)
{
    const size_t rb = tc_pixel_row_bytes(f, W);
    double best = 1e9;
    for (int k = 0; k < frames; k++) {
        const double t0 = now_s();
        for (unsigned y = 0; y < H; y++) /* row just computed (hot) into the payload */
            tc_pixel_pack_row(f, b->row16, W, b->out + (size_t)y * rb);
        const double dt = now_s() - t0;
        if (dt < best)
            best = dt;
        sink += b->out[k];
    }
    return best;
}

static double run_render(tc_sensor *s, const tc_sensor_params *p, uint8_t *out, int frames,
                         double *first)
{
    const size_t size = tc_sensor_payload_size(p);
    double best = 1e9;
    for (int k = 0; k <= frames; k++) {
        const double t0 = now_s();
        if (tc_sensor_render(s, p, (uint64_t)k, (int64_t)k * 55000000, out, size) != 0) {
            fprintf(stderr, "sensor_bench: render failed\n");
            exit(1);
        }
        const double dt = now_s() - t0;
        if (k == 0 && first)
            *first = dt; /* includes building the mean-image cache */
        else if (dt < best)
            best = dt;
    }
    sink += out[size / 2];
    return best;
}

/* Frames that each rebuild the cache (the exposure alternates). */
static double run_rebuild(tc_sensor *s, tc_sensor_params p, uint8_t *out, int frames)
{
    const size_t size = tc_sensor_payload_size(&p);
    const double exposure = p.exposure_us;
    double best = 1e9;
    for (int k = 0; k < frames; k++) {
        p.exposure_us = exposure + (k & 1 ? 1.0 : -1.0);
        const double t0 = now_s();
        if (tc_sensor_render(s, &p, (uint64_t)k, 0, out, size) != 0) {
            fprintf(stderr, "sensor_bench: render failed\n");
            exit(1);
        }
        const double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    sink += out[size / 3];
    return best;
}

/* Frames 50 ms apart, as a camera at 18 fps renders them: by then other work
 * has pushed the cached mean image out of the caches, so it comes from DRAM.
 * Mean and best of `frames`. */
static double run_paced(tc_sensor *s, const tc_sensor_params *p, uint8_t *out, int frames,
                        double *mean)
{
    const size_t size = tc_sensor_payload_size(p);
    double best = 1e9, sum = 0;
    for (int k = 0; k < frames; k++) {
        const struct timespec pause = { 0, 50000000 };
        nanosleep(&pause, NULL);
        const double t0 = now_s();
        if (tc_sensor_render(s, p, (uint64_t)k, 0, out, size) != 0) {
            fprintf(stderr, "sensor_bench: render failed\n");
            exit(1);
        }
        const double dt = now_s() - t0;
        sum += dt;
        if (dt < best)
            best = dt;
    }
    *mean = sum / frames;
    sink += out[size / 5];
    return best;
}

static double run_memcpy(uint8_t *dst, const uint8_t *src, size_t size, int frames)
{
    double best = 1e9;
    for (int k = 0; k < frames; k++) {
        const double t0 = now_s();
        memcpy(dst, src, size);
        const double dt = now_s() - t0;
        if (dt < best)
            best = dt;
        sink += dst[k];
    }
    return best;
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? atoi(argv[1]) : 10;
    if (frames < 1)
        frames = 1;
    printf("sensor_bench: %u x %u (%.2f Mpix), one thread, best of %d\n", W, H, NPX * 1e-6,
           frames);

    /* 1. Streaming, as the camera does it: one sensor, one payload buffer. */
    static bufs b;
    b.out = malloc(NPX * 2);
    tc_sensor *s = tc_sensor_new("4103000001");
    if (!b.out || !s) {
        fprintf(stderr, "sensor_bench: out of memory\n");
        return 1;
    }
    memset(b.out, 0, NPX * 2);
    tc_sensor_params p;
    memset(&p, 0, sizeof p);
    p.width = W;
    p.height = H;
    p.binning = 1;
    p.exposure_us = 10000;
    p.line_time_ns = 15670;
    p.illumination_lux = 50;
    p.temperature_c = 35;
    p.mean_temp_c = 35;
    p.noise_seed = 1;
    p.noise_enabled = true;
    printf("end to end, tc_sensor_render, chart, noise on (cached mean image):\n");
    double first = 0;
    for (unsigned k = 0; k < tc_pixel_format_count; k++) {
        p.pixel_format = tc_pixel_formats[k].code;
        const double t = run_render(s, &p, b.out, frames, k == 0 ? &first : NULL);
        char note[96];
        snprintf(note, sizeof note, "%6.1f fps, %5.1f MB payload", 1.0 / t,
                 tc_sensor_payload_size(&p) * 1e-6);
        line(tc_pixel_formats[k].name, t, NPX, note);
    }
    line("BayerGR8 first frame", first, NPX, "includes building the mean-image cache");
    p.pixel_format = TC_PFNC_BAYERGR8;
    line("BayerGR8 exposure changed", run_rebuild(s, p, b.out, frames), NPX,
         "cache rebuilt (PRNU, DSNU rows made again)");
    double paced_mean;
    const double paced = run_paced(s, &p, b.out, frames, &paced_mean);
    char paced_note[96];
    snprintf(paced_note, sizeof paced_note, "frames 50 ms apart (cold caches), mean %.2f ms",
             paced_mean * 1e3);
    line("BayerGR8 paced", paced, NPX, paced_note);
    const size_t static_mem = tc_sensor_memory_bytes(s);
    p.reverse_x = p.reverse_y = true;
    line("BayerGR8 mirrored X+Y", run_render(s, &p, b.out, frames, NULL), NPX, "");
    p.reverse_x = p.reverse_y = false;
    p.noise_enabled = false;
    line("BayerGR8 noise off", run_render(s, &p, b.out, frames, NULL), NPX, "");
    p.noise_enabled = true;
    p.binning = 2;
    p.width = W / 2;
    p.height = H / 2;
    line("BayerGR8 binned 2x2", run_render(s, &p, b.out, frames, NULL), NPX,
         "counted in sensor pixels");
    p.binning = 1;
    p.width = W;
    p.height = H;
    tc_sensor_set_scene(s, TC_SCENE_MOVING, NULL, NULL, 0);
    line("BayerGR8 moving (no cache)", run_render(s, &p, b.out, frames, NULL), NPX,
         "scene + exposure every frame");
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS while streaming: %.1f MB (sensor holds %.1f MB for a static scene, %.1f MB "
           "for the moving one; payload buffer %.1f MB)\n",
           ru.ru_maxrss / 1024.0, static_mem * 1e-6, tc_sensor_memory_bytes(s) * 1e-6,
           NPX * 2 * 1e-6);
    tc_sensor_free(s);

    /* 2. The stages alone. */
    b.chart = tc_scene_new(TC_SCENE_CHART);
    b.mq = malloc(NPX * sizeof *b.mq);
    b.code = malloc(NPX * sizeof *b.code);
    b.dn = malloc(NPX * sizeof *b.dn);
    uint8_t *src = malloc(NPX * 2);
    if (!b.chart || !b.mq || !b.code || !b.dn || !src ||
        tc_fixed_pattern_init(&b.fp, 1, W, H, TC_MODEL_HOT_PIXEL_FRACTION, true) != 0 ||
        tc_fixed_pattern_init(&b.fp_rows, 1, W, H, TC_MODEL_HOT_PIXEL_FRACTION, false) != 0 ||
        tc_noise_init(&b.noise, TC_NOISE_TABLE_SEED) != 0) {
        fprintf(stderr, "sensor_bench: out of memory\n");
        return 1;
    }
    tc_exposure_coef_init(&b.coef, 10000, 50, 35);
    for (unsigned y = 0; y < H; y++) {
        tc_scene_row(b.chart, y, 0, W, 0.0, b.rel);
        tc_exposure_row(&b.coef, &b.fp, y, 0, W, b.rel, b.fe);
        tc_adc_mean_row(b.fe, b.fp.dsnu + (size_t)y * W, W, b.mq + (size_t)y * W);
        tc_noise_code_row(&b.noise, y, 0, W, b.fe, b.code + (size_t)y * W);
        tc_readout_row(b.mq + (size_t)y * W, b.code + (size_t)y * W,
                       tc_noise_row_samples(&b.noise, tc_noise_row_offset(1, 0, y), 0), W,
                       b.dn + (size_t)y * W);
    }
    memcpy(b.row16, b.dn + (size_t)1000 * W, sizeof b.row16);
    memset(src, 0x5A, NPX * 2);
    printf("stages alone (row buffers for intermediates, frame arrays for cache and payload):\n");
    line("PRNU + DSNU rows from seed", run_stage(&b, ST_FP_ROWS, frames), NPX,
         "only when the cache is rebuilt");
    line("scene (chart)", run_stage(&b, ST_SCENE, frames), NPX, "only when the cache is rebuilt");
    line("exposure", run_stage(&b, ST_EXPOSURE, frames), NPX, "only when the cache is rebuilt");
    line("ADC mean codes (+ DSNU)", run_stage(&b, ST_MEAN, frames), NPX,
         "only when the cache is rebuilt");
    line("noise sigma codes", run_stage(&b, ST_CODE, frames), NPX,
         "only when the cache is rebuilt");
    line("noise (shot + read)", run_stage(&b, ST_NOISE, frames), NPX, "per frame");
    line("ADC", run_stage(&b, ST_ADC, frames), NPX, "per frame");
    line("fused noise+ADC", run_stage(&b, ST_READOUT, frames), NPX,
         "what a frame runs: the two above in one pass");
    line("fused, noise off", run_stage(&b, ST_READOUT0, frames), NPX, "mean codes only");
    line("float noise+ADC (uncached)", run_stage(&b, ST_FLOAT, frames), NPX,
         "per frame, moving scene");
    line("binning 2x2", run_stage(&b, ST_BIN, frames), NPX, "sensor pixels in");
    line("mirror X", run_stage(&b, ST_MIRROR, frames), NPX, "per frame when mirrored");
    for (unsigned k = 0; k < tc_pixel_format_count; k++) {
        char name[64];
        snprintf(name, sizeof name, "pack %s", tc_pixel_formats[k].name);
        line(name, run_pack(&b, &tc_pixel_formats[k], frames), NPX, "hot row into payload");
    }
    printf("reference:\n");
    line("memcpy 8-bit payload", run_memcpy(b.out, src, NPX, frames), NPX, "12.3 MB");
    line("memcpy 16-bit payload", run_memcpy(b.out, src, NPX * 2, frames), NPX, "24.7 MB");
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS at exit: %.1f MB (stage buffers included)\n", ru.ru_maxrss / 1024.0);
    tc_fixed_pattern_free(&b.fp);
    tc_fixed_pattern_free(&b.fp_rows);
    tc_noise_free(&b.noise);
    tc_scene_free(b.chart);
    free(b.mq);
    free(b.code);
    free(b.dn);
    free(b.out);
    free(src);
    return 0;
}

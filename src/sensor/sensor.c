/* The sensor pipeline: scene -> exposure -> noise -> ADC -> bin/mirror -> pack.
 *
 * Everything works a row at a time in buffers allocated once. For a static
 * scene the mean image of the sensor region (scene, illumination, exposure,
 * QE, PRNU, dark current, hot pixels, DSNU, gain, black level) is cached as
 * two per-pixel codes, the fixed-point mean in DN (adc.h, 2 bytes) and the
 * noise sigma code (noise.h, 1 byte), rebuilt only when something it
 * depends on changes; a frame then costs one fused integer pass (readout.h:
 * noise + ADC), then bin / mirror when asked, then packing. The PRNU and
 * DSNU planes are not kept meanwhile: their rows are made again from the
 * serial's seed when the cache is rebuilt. A moving scene has no cache: it
 * keeps the planes, and each row goes from mean electrons through noise and
 * ADC in float, every frame (readout.h).
 *
 * Row timing (rolling shutter, facts.md section 2): output row r, i.e. the
 * r-th row read out, starts exposing at t_start + r * line_time; with 2x2
 * binning both sensor rows behind it share that time. The moving scene is
 * sampled in the middle of each row's exposure. Mirrored rows are read out in
 * the mirrored order, so reverse_y also reverses the shear. */
#include "sensor/sensor.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/png_io.h"
#include "pixel/pixel_format.h"
#include "sensor/adc.h"
#include "sensor/binning.h"
#include "sensor/exposure.h"
#include "sensor/fixed_pattern.h"
#include "sensor/noise.h"
#include "sensor/readout.h"
#include "sensor/scene.h"
#include "sensor/sensor_model.h"
#include "util/rng.h"

/* What the cached mean image depends on: never the region (the cache spans
 * the whole sensor, so AOI, binning and mirror changes reuse it), never the
 * frame's own temperature (applied per frame as a readout offset). */
typedef struct cache_key {
    uint64_t scene_gen;
    double exposure_us, lux;
    long temp_dc; /* mean_temp_c in 0.1 C steps */
} cache_key;

struct tc_sensor {
    tc_fixed_pattern fp;
    tc_noise noise;
    tc_scene *scene;
    uint64_t scene_gen;
    bool png_nearest;

    /* Cached mean image of the whole sensor, W x H pixels each, built a row
     * at a time as frames or the core's model worker need rows. */
    uint16_t *cache_mq; /* mean codes */
    uint8_t *cache_code; /* sigma codes */
    uint8_t *row_ok;    /* [H]: row built for `key` */
    unsigned rows_ok;   /* how many */
    unsigned next_row;  /* where tc_sensor_prepare_some goes on */
    bool key_set;
    cache_key key;

    /* Row buffers, TC_SENSOR_WIDTH entries each. */
    uint16_t *rel, *dn0, *dn2, *binned, *mirrored;
    int8_t *dsnu;
    float *fe;
};

/* One frame's settings, resolved. */
typedef struct frame {
    const tc_pixel_format *fmt;
    unsigned bin;
    unsigned rx, ry, rw, rh; /* sensor region: (offset, size) * binning */
    tc_exposure_coef coef;
    int32_t dark_q; /* per-frame dark offset of cached mean codes, 1/8 DN */
    bool cached, noise;
    uint64_t noise_seed, block_id;
} frame;

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

static void drop_cache(tc_sensor *s)
{
    free(s->cache_mq);
    free(s->cache_code);
    free(s->row_ok);
    s->cache_mq = NULL;
    s->cache_code = NULL;
    s->row_ok = NULL;
    s->rows_ok = 0;
    s->key_set = false;
}

tc_sensor *tc_sensor_new(const char *serial)
{
    tc_sensor *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    const size_t w = TC_SENSOR_WIDTH;
    s->rel = malloc(w * sizeof *s->rel);
    s->dsnu = malloc(w * sizeof *s->dsnu);
    s->dn0 = malloc(w * sizeof *s->dn0);
    s->dn2 = malloc(w * sizeof *s->dn2);
    s->binned = malloc(w * sizeof *s->binned);
    s->mirrored = malloc(w * sizeof *s->mirrored);
    s->fe = malloc(w * sizeof *s->fe);
    s->scene = tc_scene_new(TC_SCENE_CHART);
    if (!s->rel || !s->dsnu || !s->dn0 || !s->dn2 || !s->binned || !s->mirrored || !s->fe ||
        !s->scene || tc_noise_init(&s->noise, TC_NOISE_TABLE_SEED) != 0 ||
        tc_fixed_pattern_init(&s->fp, tc_hash_string(serial ? serial : ""), TC_SENSOR_WIDTH,
                              TC_SENSOR_HEIGHT, TC_MODEL_HOT_PIXEL_FRACTION, false) != 0) {
        tc_sensor_free(s);
        return NULL;
    }
    return s;
}

void tc_sensor_free(tc_sensor *s)
{
    if (!s)
        return;
    tc_fixed_pattern_free(&s->fp);
    tc_noise_free(&s->noise);
    tc_scene_free(s->scene);
    drop_cache(s);
    free(s->rel);
    free(s->dsnu);
    free(s->dn0);
    free(s->dn2);
    free(s->binned);
    free(s->mirrored);
    free(s->fe);
    free(s);
}

tc_scene *tc_sensor_load_scene(const tc_sensor *s, tc_scene_kind kind, const char *png_path,
                               char *err, size_t errlen)
{
    tc_scene *sc;
    if (kind == TC_SCENE_PNG) {
        if (!png_path) {
            set_err(err, errlen, "no PNG path for the PNG scene");
            return NULL;
        }
        tc_image16 img;
        if (tc_png_read(png_path, &img, err, errlen) != 0)
            return NULL;
        sc = tc_scene_new_image(&img,
                                s->png_nearest ? TC_SCENE_FILTER_NEAREST : TC_SCENE_FILTER_BILINEAR,
                                err, errlen);
        tc_image16_free(&img);
    } else {
        sc = tc_scene_new(kind);
        if (!sc)
            set_err(err, errlen, "unknown scene kind or out of memory");
    }
    return sc;
}

void tc_sensor_install_scene(tc_sensor *s, tc_scene *sc)
{
    tc_scene_free(s->scene);
    s->scene = sc;
    s->scene_gen++; /* the cache's key no longer matches: rows are rebuilt as needed */
}

int tc_sensor_set_scene(tc_sensor *s, tc_scene_kind kind, const char *png_path, char *err,
                        size_t errlen)
{
    tc_scene *sc = tc_sensor_load_scene(s, kind, png_path, err, errlen);
    if (!sc)
        return -1;
    tc_sensor_install_scene(s, sc);
    return 0;
}

tc_scene_kind tc_sensor_scene(const tc_sensor *s) { return tc_scene_get_kind(s->scene); }

void tc_sensor_set_png_nearest(tc_sensor *s, bool nearest) { s->png_nearest = nearest; }

size_t tc_sensor_memory_bytes(const tc_sensor *s)
{
    return sizeof *s + tc_fixed_pattern_bytes(&s->fp) + tc_noise_bytes(&s->noise) +
           tc_scene_bytes(s->scene) +
           (s->cache_mq ? (size_t)TC_SENSOR_WIDTH * TC_SENSOR_HEIGHT *
                              (sizeof *s->cache_mq + sizeof *s->cache_code)
                        : 0) +
           (size_t)TC_SENSOR_WIDTH * (5 * sizeof(uint16_t) + sizeof(int8_t) + sizeof(float));
}

/* --- parameters -------------------------------------------------------------
 * Beyond the ranges the features allow, the pipeline needs even sizes and
 * offsets (in output pixels): an odd offset or size would change the Bayer
 * phase of the output or break the pair-wise mirror. The datasheet's AOI grid
 * (width step 12, height step 8, offsets 2 / 4) always satisfies this. */
static bool finite_in(double v, double lo, double hi) { return isfinite(v) && v >= lo && v <= hi; }

static const tc_pixel_format *check_params(const tc_sensor_params *p)
{
    if (!p || (p->binning != 1 && p->binning != 2))
        return NULL;
    const tc_pixel_format *fmt = tc_pixel_format_by_code(p->pixel_format);
    if (!fmt)
        return NULL;
    if (p->width < 2 || p->height < 2 || ((p->width | p->height | p->offset_x | p->offset_y) & 1u))
        return NULL;
    const uint64_t b = p->binning;
    if (((uint64_t)p->offset_x + p->width) * b > TC_SENSOR_WIDTH ||
        ((uint64_t)p->offset_y + p->height) * b > TC_SENSOR_HEIGHT)
        return NULL;
    if (!finite_in(p->exposure_us, 1e-3, 1e8) || !finite_in(p->line_time_ns, 0, 1e9) ||
        !finite_in(p->illumination_lux, 0, 1e9) || !finite_in(p->temperature_c, -100, 200) ||
        !finite_in(p->mean_temp_c, -100, 200))
        return NULL;
    return fmt;
}

size_t tc_sensor_payload_size(const tc_sensor_params *p)
{
    const tc_pixel_format *fmt = check_params(p);
    return fmt ? tc_pixel_row_bytes(fmt, p->width) * p->height : 0;
}

/* --- rendering ------------------------------------------------------------- */

static cache_key key_of(const tc_sensor *s, const tc_sensor_params *p)
{
    cache_key k;
    memset(&k, 0, sizeof k); /* compared with memcmp: no stray padding bytes */
    k.scene_gen = s->scene_gen;
    k.exposure_us = p->exposure_us;
    k.lux = p->illumination_lux;
    /* Quantised before use, so a cache built at 25.04 C and one at 25.0 C
     * are the same image. */
    k.temp_dc = lround(p->mean_temp_c * 10.0);
    return k;
}

static bool key_is(const tc_sensor *s, const cache_key *k)
{
    return s->key_set && memcmp(k, &s->key, sizeof *k) == 0;
}

bool tc_sensor_prepared(const tc_sensor *s, const tc_sensor_params *p)
{
    if (!tc_scene_is_static(s->scene))
        return true; /* nothing to cache */
    cache_key k = key_of(s, p);
    return key_is(s, &k) && s->rows_ok == TC_SENSOR_HEIGHT;
}

/* Aim the cache at key k: a new key makes every row stale. */
static int retarget(tc_sensor *s, const cache_key *k)
{
    if (key_is(s, k))
        return 0;
    const size_t need = (size_t)TC_SENSOR_WIDTH * TC_SENSOR_HEIGHT;
    if (!s->cache_mq) {
        /* 37 MB once; pages are only touched as rows are built. */
        s->cache_mq = malloc(need * sizeof *s->cache_mq);
        s->cache_code = malloc(need * sizeof *s->cache_code);
        s->row_ok = malloc(TC_SENSOR_HEIGHT);
        if (!s->cache_mq || !s->cache_code || !s->row_ok) {
            drop_cache(s);
            return -1;
        }
    }
    /* The fixed patterns' rows are made again from the serial's seed as rows
     * are built: the cache holds everything a frame needs. */
    tc_fixed_pattern_release(&s->fp);
    memset(s->row_ok, 0, TC_SENSOR_HEIGHT);
    s->rows_ok = 0;
    s->next_row = 0;
    s->key = *k;
    s->key_set = true;
    return 0;
}

/* Build the sensor rows in [y0, y1) of the current key not built yet. */
static void build_rows(tc_sensor *s, unsigned y0, unsigned y1)
{
    tc_exposure_coef coef;
    tc_exposure_coef_init(&coef, s->key.exposure_us, s->key.lux, (double)s->key.temp_dc / 10.0);
    const unsigned w = TC_SENSOR_WIDTH;
    for (unsigned y = y0; y < y1; y++) {
        if (s->row_ok[y])
            continue;
        const size_t at = (size_t)y * w;
        tc_scene_row(s->scene, y, 0, w, 0.0, s->rel);
        tc_exposure_row(&coef, &s->fp, y, 0, w, s->rel, s->fe);
        tc_adc_mean_row(s->fe, tc_fixed_pattern_dsnu_row(&s->fp, y, 0, w, s->dsnu), w,
                        s->cache_mq + at);
        tc_noise_code_row(&s->noise, y, 0, w, s->fe, s->cache_code + at);
        s->row_ok[y] = 1;
        s->rows_ok++;
    }
}

int tc_sensor_prepare_some(tc_sensor *s, const tc_sensor_params *p, unsigned max_rows)
{
    if (!s || !check_params(p))
        return -1;
    if (!tc_scene_is_static(s->scene))
        return 0;
    cache_key k = key_of(s, p);
    if (retarget(s, &k) != 0)
        return -1;
    /* Rows in order from where the last slice stopped; rows a frame built
     * meanwhile are skipped. */
    while (max_rows > 0 && s->next_row < TC_SENSOR_HEIGHT) {
        if (!s->row_ok[s->next_row]) {
            build_rows(s, s->next_row, s->next_row + 1);
            max_rows--;
        }
        s->next_row++;
    }
    return s->rows_ok < TC_SENSOR_HEIGHT;
}

int tc_sensor_prepare(tc_sensor *s, const tc_sensor_params *p)
{
    int rc;
    while ((rc = tc_sensor_prepare_some(s, p, TC_SENSOR_HEIGHT)) > 0)
        ;
    return rc;
}

/* The dark signal of the frame's temperature against the cache's, in mean
 * code steps (1/8 DN): the uniform part of dark current (hot pixels keep the
 * cache's temperature). Zero whenever the two agree, as in deterministic
 * runs at ambient. */
static int32_t dark_offset_q(const tc_sensor_params *p, long cache_temp_dc)
{
    const double de = (tc_exposure_dark_rate(p->temperature_c) -
                       tc_exposure_dark_rate((double)cache_temp_dc / 10.0)) *
                      p->exposure_us * 1e-6;
    return (int32_t)lround(de * TC_MODEL_GAIN_DN_PER_E * (double)(1 << TC_FX_BITS));
}

/* Sensor row y (absolute) of the region through exposure, noise and ADC into
 * dn[rw]; t_s is the row's sampling time for a moving scene. */
static void sensor_row(tc_sensor *s, const frame *f, unsigned y, double t_s, uint16_t *dn)
{
    const int16_t *z = f->noise ? tc_noise_row_samples(&s->noise,
                                                       tc_noise_row_offset(f->noise_seed,
                                                                           f->block_id, y),
                                                       f->rx)
                                : NULL;
    if (f->cached) {
        const size_t at = (size_t)y * TC_SENSOR_WIDTH + f->rx;
        if (f->dark_q)
            tc_readout_row_offset(s->cache_mq + at, s->cache_code + at, z, f->rw, f->dark_q, dn);
        else
            tc_readout_row(s->cache_mq + at, s->cache_code + at, z, f->rw, dn);
        return;
    }
    /* Uncached: noise and ADC in float straight from the mean electrons (one
     * square root per pixel; codes would take two, noise.h). */
    tc_scene_row(s->scene, y, f->rx, f->rw, t_s, s->rel);
    tc_exposure_row(&f->coef, &s->fp, y, f->rx, f->rw, s->rel, s->fe);
    tc_readout_row_float(s->fe, tc_fixed_pattern_dsnu_row(&s->fp, y, f->rx, f->rw, s->dsnu), z,
                         f->rw, dn);
}

int tc_sensor_render(tc_sensor *s, const tc_sensor_params *p, uint64_t block_id,
                     int64_t t_start_ns, uint8_t *out, size_t out_size)
{
    if (!s || !out)
        return -1;
    frame f;
    f.fmt = check_params(p);
    if (!f.fmt)
        return -1;
    const size_t row_bytes = tc_pixel_row_bytes(f.fmt, p->width);
    if (out_size < row_bytes * p->height)
        return -1;
    f.bin = p->binning;
    f.rx = p->offset_x * f.bin;
    f.ry = p->offset_y * f.bin;
    f.rw = p->width * f.bin;
    f.rh = p->height * f.bin;
    tc_exposure_coef_init(&f.coef, p->exposure_us, p->illumination_lux, p->temperature_c);
    f.noise = p->noise_enabled;
    f.noise_seed = p->noise_seed;
    f.block_id = block_id;
    f.cached = tc_scene_is_static(s->scene);
    f.dark_q = 0;
    if (f.cached) {
        /* Only the rows this frame reads; the core's model worker builds the
         * rest off the paced path. */
        cache_key k = key_of(s, p);
        if (retarget(s, &k) != 0)
            return -1;
        build_rows(s, f.ry, f.ry + f.rh);
        f.dark_q = dark_offset_q(p, s->key.temp_dc);
    } else {
        /* Every frame needs the planes; a mean image would be stale. */
        drop_cache(s);
        if (tc_fixed_pattern_materialise(&s->fp) != 0)
            return -1;
    }

    const double t0 = (double)t_start_ns * 1e-9 + p->exposure_us * 0.5e-6;
    const double line_s = p->line_time_ns * 1e-9;
    for (unsigned r = 0; r < p->height; r++) {
        const unsigned ar = p->reverse_y ? tc_mirror_index(r, p->height) : r; /* AOI row */
        const double t_s = t0 + (double)r * line_s;
        const uint16_t *row;
        if (f.bin == 1) {
            sensor_row(s, &f, f.ry + ar, t_s, s->dn0);
            row = s->dn0;
        } else {
            const unsigned y = f.ry + tc_bin2_first_row(ar);
            sensor_row(s, &f, y, t_s, s->dn0);
            sensor_row(s, &f, y + 2, t_s, s->dn2);
            tc_bin2_row(s->dn0, s->dn2, p->width, s->binned);
            row = s->binned;
        }
        if (p->reverse_x) {
            tc_mirror_row(row, p->width, s->mirrored);
            row = s->mirrored;
        }
        tc_pixel_pack_row(f.fmt, row, p->width, out + (size_t)r * row_bytes);
    }
    return 0;
}

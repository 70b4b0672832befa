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
#include <pthread.h>
#include <stdatomic.h>
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

/* A cached row: stale for the current key, being built by the renderer or
 * the model worker, or ready to read. */
enum { ROW_STALE = 0, ROW_BUILDING = 1, ROW_READY = 2 };

/* Row buffers of one thread building mean rows, TC_SENSOR_WIDTH entries each. */
typedef struct row_bufs {
    uint16_t *rel, *mq;
    float *fe;
    int8_t *dsnu;
    uint8_t *code;
} row_bufs;

struct tc_sensor {
    tc_fixed_pattern fp;
    tc_noise noise;
    tc_scene *scene;
    uint64_t scene_gen;
    bool png_nearest;

    /* Cached mean image of the whole sensor, W x H pixels each, built a row
     * at a time by the renderer (rows a frame needs) and by one model worker
     * (tc_sensor_prepare_some, the rest) at once. A row is claimed by moving
     * its state from STALE to BUILDING; the worker builds outside `mu` into
     * its own buffers and copies in under `mu`, so it never holds anything a
     * frame waits for while it computes. */
    pthread_mutex_t mu;      /* key, gen, builders, rendering, next_row */
    pthread_cond_t cv;       /* builders reached 0; a render ended */
    uint16_t *cache_mq;      /* mean codes */
    uint8_t *cache_code;     /* sigma codes */
    _Atomic uint8_t *row_state; /* [H] */
    atomic_uint rows_ok;     /* rows READY */
    unsigned next_row;       /* where tc_sensor_prepare_some goes on */
    unsigned builders;       /* rows the worker is building outside mu */
    unsigned waiters;        /* threads in wait_builders: the worker claims no more */
    bool rendering;          /* a frame is being rendered: it owns the key */
    uint64_t gen;            /* bumped with every new key */
    bool key_set;
    cache_key key;
    tc_exposure_coef coef;   /* of key */

    /* Row buffers, TC_SENSOR_WIDTH entries each: the renderer's and its
     * scratch codes (a row the worker holds), and the worker's own. */
    uint16_t *dn0, *dn2, *binned, *mirrored;
    row_bufs rb, wb;
    uint16_t *scratch_mq;
    uint8_t *scratch_code;
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

/* s->mu held: wait until no row is being built outside the lock, before
 * freeing what builders read (scene, planes, cache). While anyone waits the
 * worker claims no further row, so the wait is for one row at most. */
static void wait_builders(tc_sensor *s)
{
    s->waiters++;
    while (s->builders > 0)
        pthread_cond_wait(&s->cv, &s->mu);
    s->waiters--;
}

/* s->mu held. */
static void drop_cache(tc_sensor *s)
{
    wait_builders(s);
    free(s->cache_mq);
    free(s->cache_code);
    free((void *)s->row_state);
    s->cache_mq = NULL;
    s->cache_code = NULL;
    s->row_state = NULL;
    atomic_store(&s->rows_ok, 0);
    s->key_set = false;
    s->gen++;
}

static bool row_bufs_alloc(row_bufs *b)
{
    const size_t w = TC_SENSOR_WIDTH;
    b->rel = malloc(w * sizeof *b->rel);
    b->mq = malloc(w * sizeof *b->mq);
    b->fe = malloc(w * sizeof *b->fe);
    b->dsnu = malloc(w * sizeof *b->dsnu);
    b->code = malloc(w * sizeof *b->code);
    return b->rel && b->mq && b->fe && b->dsnu && b->code;
}

static void row_bufs_free(row_bufs *b)
{
    free(b->rel);
    free(b->mq);
    free(b->fe);
    free(b->dsnu);
    free(b->code);
}

tc_sensor *tc_sensor_new(const char *serial)
{
    tc_sensor *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    atomic_init(&s->rows_ok, 0);
    const size_t w = TC_SENSOR_WIDTH;
    s->dn0 = malloc(w * sizeof *s->dn0);
    s->dn2 = malloc(w * sizeof *s->dn2);
    s->binned = malloc(w * sizeof *s->binned);
    s->mirrored = malloc(w * sizeof *s->mirrored);
    s->scratch_mq = malloc(w * sizeof *s->scratch_mq);
    s->scratch_code = malloc(w * sizeof *s->scratch_code);
    bool bufs = row_bufs_alloc(&s->rb);
    bufs = row_bufs_alloc(&s->wb) && bufs; /* both allocated: both freed */
    s->scene = tc_scene_new(TC_SCENE_CHART);
    if (!bufs || !s->dn0 || !s->dn2 || !s->binned || !s->mirrored || !s->scratch_mq ||
        !s->scratch_code || !s->scene || tc_noise_init(&s->noise, TC_NOISE_TABLE_SEED) != 0 ||
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
    pthread_mutex_lock(&s->mu);
    drop_cache(s); /* first: it waits for a row being built from what follows */
    pthread_mutex_unlock(&s->mu);
    tc_fixed_pattern_free(&s->fp);
    tc_noise_free(&s->noise);
    tc_scene_free(s->scene);
    row_bufs_free(&s->rb);
    row_bufs_free(&s->wb);
    free(s->dn0);
    free(s->dn2);
    free(s->binned);
    free(s->mirrored);
    free(s->scratch_mq);
    free(s->scratch_code);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
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
    pthread_mutex_lock(&s->mu);
    wait_builders(s); /* a row being built reads the old scene */
    tc_scene_free(s->scene);
    s->scene = sc;
    s->scene_gen++; /* the cache's key no longer matches: rows are rebuilt as needed */
    pthread_mutex_unlock(&s->mu);
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
           (size_t)TC_SENSOR_WIDTH * (10 * sizeof(uint16_t) + 3 * sizeof(uint8_t) +
                                      2 * sizeof(int8_t) + 2 * sizeof(float));
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

bool tc_sensor_prepared(tc_sensor *s, const tc_sensor_params *p)
{
    pthread_mutex_lock(&s->mu);
    bool ok = true;
    if (tc_scene_is_static(s->scene)) { /* a moving scene has nothing to cache */
        cache_key k = key_of(s, p);
        ok = key_is(s, &k) && atomic_load(&s->rows_ok) == TC_SENSOR_HEIGHT;
    }
    pthread_mutex_unlock(&s->mu);
    return ok;
}

/* Aim the cache at key k: a new key makes every row stale, and rows still
 * being built for the old one are dropped when they come back (gen). s->mu
 * held, and no frame is being rendered by anyone but the caller. */
static int retarget(tc_sensor *s, const cache_key *k)
{
    if (key_is(s, k))
        return 0;
    const size_t need = (size_t)TC_SENSOR_WIDTH * TC_SENSOR_HEIGHT;
    if (!s->cache_mq) {
        /* 37 MB once; pages are only touched as rows are built. */
        s->cache_mq = malloc(need * sizeof *s->cache_mq);
        s->cache_code = malloc(need * sizeof *s->cache_code);
        s->row_state = malloc(TC_SENSOR_HEIGHT * sizeof *s->row_state);
        if (!s->cache_mq || !s->cache_code || !s->row_state) {
            drop_cache(s);
            return -1;
        }
    }
    /* The fixed patterns' rows are made again from the serial's seed as rows
     * are built: the cache holds everything a frame needs. Planes (kept after
     * a moving scene) may be in use by a builder. */
    if (s->fp.prnu || s->fp.dsnu) {
        wait_builders(s);
        tc_fixed_pattern_release(&s->fp);
    }
    for (unsigned y = 0; y < TC_SENSOR_HEIGHT; y++)
        atomic_store_explicit(&s->row_state[y], ROW_STALE, memory_order_relaxed);
    atomic_store(&s->rows_ok, 0);
    s->next_row = 0;
    s->key = *k;
    s->key_set = true;
    s->gen++;
    tc_exposure_coef_init(&s->coef, k->exposure_us, k->lux, (double)k->temp_dc / 10.0);
    return 0;
}

/* Sensor row y's mean and sigma codes for exposure coefficients c: a pure
 * function of (serial, scene, c, y), whoever computes it. */
static void mean_row(const tc_sensor *s, const tc_exposure_coef *c, unsigned y, row_bufs *b,
                     uint16_t *mq, uint8_t *code)
{
    const unsigned w = TC_SENSOR_WIDTH;
    tc_scene_row(s->scene, y, 0, w, 0.0, b->rel);
    tc_exposure_row(c, &s->fp, y, 0, w, b->rel, b->fe);
    tc_adc_mean_row(b->fe, tc_fixed_pattern_dsnu_row(&s->fp, y, 0, w, b->dsnu), w, mq);
    tc_noise_code_row(&s->noise, y, 0, w, b->fe, code);
}

/* The cached codes of sensor row y for a frame being rendered: built here if
 * stale, or, if the model worker is building it this moment, made for this
 * frame alone in scratch rather than waited for (the worker never delays a
 * frame). Called by the renderer only. */
static void cached_row(tc_sensor *s, unsigned y, const uint16_t **mq, const uint8_t **code)
{
    const size_t at = (size_t)y * TC_SENSOR_WIDTH;
    uint8_t st = atomic_load_explicit(&s->row_state[y], memory_order_acquire);
    if (st == ROW_STALE) {
        uint8_t want = ROW_STALE;
        if (atomic_compare_exchange_strong(&s->row_state[y], &want, ROW_BUILDING)) {
            mean_row(s, &s->coef, y, &s->rb, s->cache_mq + at, s->cache_code + at);
            atomic_store_explicit(&s->row_state[y], ROW_READY, memory_order_release);
            atomic_fetch_add(&s->rows_ok, 1);
            st = ROW_READY;
        } else {
            st = want;
        }
    }
    if (st == ROW_READY) {
        *mq = s->cache_mq + at;
        *code = s->cache_code + at;
        return;
    }
    mean_row(s, &s->coef, y, &s->rb, s->scratch_mq, s->scratch_code);
    *mq = s->scratch_mq;
    *code = s->scratch_code;
}

int tc_sensor_prepare_some(tc_sensor *s, const tc_sensor_params *p, unsigned max_rows)
{
    if (!s || !check_params(p))
        return -1;
    pthread_mutex_lock(&s->mu);
    int rc = 0;
    cache_key k = key_of(s, p);
    /* A frame being rendered owns the key; aim elsewhere only between frames. */
    while (s->rendering && tc_scene_is_static(s->scene) && !key_is(s, &k)) {
        pthread_cond_wait(&s->cv, &s->mu);
        k = key_of(s, p);
    }
    if (!tc_scene_is_static(s->scene))
        goto out;
    if (retarget(s, &k) != 0) {
        rc = -1;
        goto out;
    }
    for (unsigned built = 0; built < max_rows && s->next_row < TC_SENSOR_HEIGHT && !s->waiters;) {
        const unsigned y = s->next_row;
        uint8_t want = ROW_STALE;
        if (!atomic_compare_exchange_strong(&s->row_state[y], &want, ROW_BUILDING)) {
            s->next_row++; /* ready, or a frame is building it */
            continue;
        }
        const uint64_t gen = s->gen;
        const tc_exposure_coef coef = s->coef;
        s->builders++;
        pthread_mutex_unlock(&s->mu);
        mean_row(s, &coef, y, &s->wb, s->wb.mq, s->wb.code);
        pthread_mutex_lock(&s->mu);
        if (gen == s->gen) { /* still wanted: in it goes (16 KB, a microsecond) */
            const size_t at = (size_t)y * TC_SENSOR_WIDTH;
            memcpy(s->cache_mq + at, s->wb.mq, TC_SENSOR_WIDTH * sizeof *s->wb.mq);
            memcpy(s->cache_code + at, s->wb.code, TC_SENSOR_WIDTH);
            atomic_store_explicit(&s->row_state[y], ROW_READY, memory_order_release);
            atomic_fetch_add(&s->rows_ok, 1);
            s->next_row = y + 1;
        } /* else a new key came meanwhile: next_row starts again at its row 0 */
        if (--s->builders == 0)
            pthread_cond_broadcast(&s->cv);
        built++;
    }
    /* Rows before next_row that are not ready are a frame's, which finishes
     * them; a waiter stopped the slice early. */
    rc = key_is(s, &k) && s->next_row < TC_SENSOR_HEIGHT;
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
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
        const uint16_t *mq;
        const uint8_t *code;
        cached_row(s, y, &mq, &code);
        if (f->dark_q)
            tc_readout_row_offset(mq + f->rx, code + f->rx, z, f->rw, f->dark_q, dn);
        else
            tc_readout_row(mq + f->rx, code + f->rx, z, f->rw, dn);
        return;
    }
    /* Uncached: noise and ADC in float straight from the mean electrons (one
     * square root per pixel; codes would take two, noise.h). */
    tc_scene_row(s->scene, y, f->rx, f->rw, t_s, s->rb.rel);
    tc_exposure_row(&f->coef, &s->fp, y, f->rx, f->rw, s->rb.rel, s->rb.fe);
    tc_readout_row_float(s->rb.fe,
                         tc_fixed_pattern_dsnu_row(&s->fp, y, f->rx, f->rw, s->rb.dsnu), z, f->rw,
                         dn);
}

int tc_sensor_render(tc_sensor *s, const tc_sensor_params *p, uint64_t block_id,
                     int64_t t_start_ns, uint8_t *out, size_t out_size)
{
    return tc_sensor_render_cancellable(s, p, block_id, t_start_ns, out, out_size, NULL);
}

int tc_sensor_render_cancellable(tc_sensor *s, const tc_sensor_params *p, uint64_t block_id,
                                 int64_t t_start_ns, uint8_t *out, size_t out_size,
                                 const atomic_bool *cancel)
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
    pthread_mutex_lock(&s->mu);
    int rc = 0;
    if (f.cached) {
        /* The frame builds the rows it reads that are not there yet; the
         * core's model worker builds the rest off the paced path. */
        cache_key k = key_of(s, p);
        rc = retarget(s, &k);
        f.dark_q = dark_offset_q(p, s->key.temp_dc);
    } else {
        /* Every frame needs the planes; a mean image would be stale. */
        drop_cache(s);
        rc = tc_fixed_pattern_materialise(&s->fp);
    }
    s->rendering = rc == 0;
    pthread_mutex_unlock(&s->mu);
    if (rc != 0)
        return -1;

    const double t0 = (double)t_start_ns * 1e-9 + p->exposure_us * 0.5e-6;
    const double line_s = p->line_time_ns * 1e-9;
    int result = 0;
    for (unsigned r = 0; r < p->height; r++) {
        if (cancel && atomic_load_explicit(cancel, memory_order_relaxed)) {
            result = TC_SENSOR_CANCELLED;
            break;
        }
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
    pthread_mutex_lock(&s->mu);
    s->rendering = false;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return result;
}

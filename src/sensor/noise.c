/* Noise stage: sigma codes per pixel, a normal-sample table read at per-row
 * random offsets per frame. */
#include "sensor/noise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/sensor_model.h"
#include "util/rng.h"

enum { TAG_TABLE = 0, TAG_DITHER = 1, TAG_DITHER_ROW = 2 };

double tc_noise_sigma_dn(unsigned c)
{
    return (double)TC_MODEL_GAIN_DN_PER_E * (double)TC_MODEL_READ_NOISE_E * c * c /
           (TC_NOISE_CODE_DARK * TC_NOISE_CODE_DARK);
}

int tc_noise_init(tc_noise *nz, uint64_t table_seed)
{
    const size_t n = TC_NOISE_TABLE_SIZE;
    nz->seed = table_seed;
    nz->table = malloc((n + TC_NOISE_TABLE_PAD) * sizeof *nz->table);
    nz->dither = malloc((TC_NOISE_DITHER_SIZE + TC_NOISE_TABLE_PAD) * sizeof *nz->dither);
    double *d = malloc(n * sizeof *d);
    if (!nz->table || !nz->dither || !d) {
        free(d);
        tc_noise_free(nz);
        return -1;
    }
    /* Normal samples, shifted and scaled to sample mean 0 and variance 1
     * exactly, then rounded to the fixed-point scale. */
    tc_rng r = tc_rng_keyed(table_seed, TAG_TABLE, 0);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        d[i] = tc_rng_normal(&r);
        sum += d[i];
    }
    const double mean = sum / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (d[i] - mean) * (d[i] - mean);
    const double k = TC_NOISE_Z_SCALE / sqrt(ss / (double)n);
    for (size_t i = 0; i < n; i++) {
        double v = floor((d[i] - mean) * k + 0.5);
        v = v > TC_NOISE_Z_MAX ? TC_NOISE_Z_MAX : v < -TC_NOISE_Z_MAX ? -TC_NOISE_Z_MAX : v;
        nz->table[i] = (int16_t)v;
    }
    memcpy(nz->table + n, nz->table, TC_NOISE_TABLE_PAD * sizeof *nz->table);
    free(d);

    /* Uniform 16-bit thresholds for the sigma-code dither. */
    r = tc_rng_keyed(table_seed, TAG_DITHER, 0);
    for (size_t i = 0; i < TC_NOISE_DITHER_SIZE; i += 4) {
        uint64_t u = tc_rng_next(&r);
        for (size_t j = 0; j < 4; j++, u >>= 16)
            nz->dither[i + j] = (uint16_t)u;
    }
    memcpy(nz->dither + TC_NOISE_DITHER_SIZE, nz->dither,
           TC_NOISE_TABLE_PAD * sizeof *nz->dither);
    return 0;
}

void tc_noise_free(tc_noise *nz)
{
    if (!nz)
        return;
    free(nz->table);
    free(nz->dither);
    nz->table = NULL;
    nz->dither = NULL;
}

size_t tc_noise_bytes(const tc_noise *nz)
{
    (void)nz;
    return (TC_NOISE_TABLE_SIZE + TC_NOISE_TABLE_PAD) * sizeof(int16_t) +
           (TC_NOISE_DITHER_SIZE + TC_NOISE_TABLE_PAD) * sizeof(uint16_t);
}

uint32_t tc_noise_row_offset(uint64_t noise_seed, uint64_t block_id, unsigned y)
{
    tc_rng r = tc_rng_keyed(noise_seed, block_id, y);
    return (uint32_t)(tc_rng_next(&r) >> 32) & (TC_NOISE_TABLE_SIZE - 1);
}

/* Dither thresholds of sensor row y start at this entry (fixed: keyed by the
 * row only, so a pixel's code never depends on the frame or the AOI). */
static uint32_t dither_offset(const tc_noise *nz, unsigned y)
{
    tc_rng r = tc_rng_keyed(nz->seed, TAG_DITHER_ROW, y);
    return (uint32_t)(tc_rng_next(&r) >> 32) & (TC_NOISE_DITHER_SIZE - 1);
}

/* Exact c^2 for mean charge m, 784 sqrt((read^2 + m) / read^2), clamped to
 * [0, 181^2]. Plain IEEE float operations (the clamps on the float bits,
 * sensor_int.h, which gcc and clang both vectorise), so every build and SIMD
 * copy gives the same value. */
TC_INLINE float sigma_px(float m)
{
    const float read_var = TC_MODEL_READ_NOISE_E * TC_MODEL_READ_NOISE_E;
    const float dark = (float)(TC_NOISE_CODE_DARK * TC_NOISE_CODE_DARK);
    const float max = (float)(TC_NOISE_CODE_MAX * TC_NOISE_CODE_MAX);
    const float v = read_var + tc_clamp_nonneg(m, 1e30f);
    return tc_clamp_nonneg(sqrtf(v) * (dark / TC_MODEL_READ_NOISE_E), max);
}

/* One pixel's code: mean charge m, threshold t (uniform 16-bit).
 *
 * The variance is proportional to c^4; with the exact code x = sqrt(s),
 * lo = floor(x), hi = lo + 1, the pixel gets hi with probability
 * (x^4 - lo^4) / (hi^4 - lo^4), which makes E[c^4] = x^4 = s^2. */
TC_INLINE uint8_t code_px(float m, uint16_t t)
{
    const float s = sigma_px(m);
    const float x4 = s * s;
    const float x = tc_clamp_nonneg(sqrtf(s), (float)(TC_NOISE_CODE_MAX - 1));
    const int32_t lo = (int32_t)x;
    const float lf = (float)lo, hf = lf + 1.0f;
    const float lo4 = (lf * lf) * (lf * lf), hi4 = (hf * hf) * (hf * hf);
    const float u = ((float)t + 0.5f) * (1.0f / 65536.0f);
    return (uint8_t)(lo + (int32_t)(x4 - lo4 > u * (hi4 - lo4)));
}

TC_INLINE void tc_noise_code_row_impl(const tc_noise *nz, unsigned y, unsigned x0, size_t n,
                                      const float *restrict mean_e, uint8_t *restrict code)
{
    const uint16_t *restrict t = nz->dither + dither_offset(nz, y) + x0;
    for (size_t i = 0; i < n; i++)
        code[i] = code_px(mean_e[i], t[i]);
}

TC_HOT_FN(tc_noise_code_row,
          (const tc_noise *nz, unsigned y, unsigned x0, size_t n, const float *restrict mean_e,
           uint8_t *restrict code),
          (nz, y, x0, n, mean_e, code))

TC_INLINE void tc_noise_row_impl(const uint8_t *restrict code, const int16_t *restrict z,
                                 size_t n, int16_t *restrict noise)
{
    for (size_t i = 0; i < n; i++)
        noise[i] = tc_noise_px(code[i], z[i]);
}

TC_HOT_FN(tc_noise_row,
          (const uint8_t *restrict code, const int16_t *restrict z, size_t n,
           int16_t *restrict noise),
          (code, z, n, noise))

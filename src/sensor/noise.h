/* Noise stage: temporal noise of one exposure (EMVA 1288), in DN.
 *
 * Shot noise (Poisson, variance = mean charge m) and read noise (variance
 * read^2) are approximated together by one Gaussian, seen at the ADC as
 *
 *   noise = K * sqrt(read^2 + max(m, 0)) * z   DN,   z ~ N(0, 1)
 *
 * z comes from a table of 2^18 normal samples stored as int16 in units of
 * 1/TC_NOISE_Z_SCALE (zq). Two forms of the same model:
 *
 * - Cached (static scenes), so that a frame costs one 16-bit multiply per
 *   pixel: when the mean image is built, each pixel gets a sigma code c
 *   (uint8, 28..181), sigma(c) = K * read * (c / 28)^2 DN: 28 is the read
 *   noise alone (a pixel with no charge), 181 is 45.1 DN (10 050 e-, beyond
 *   saturation). Per frame, noise = round(c^2 * zq / 2^17) in 1/8 DN
 *   (TC_FX_BITS): a 16-bit multiply-high (pmulhw), an add and a shift.
 *   The exact c lies between two integers; the pixel gets one of them at
 *   random (a fixed choice per pixel, from a dither table), with the
 *   probability that makes the expected variance exact,
 *   E[c^4] = 28^4 (read^2 + m) / read^2. A pixel's own variance is then off
 *   by at most one code step (15 % of the variance at code 28, 2 % at 181),
 *   like a small pixel-to-pixel non-uniformity of the temporal noise; means
 *   over pixels, which a photon-transfer measurement takes, are exact.
 *   Pixels with no charge get exactly 28.
 * - Uncached (the moving scene, whose mean changes every frame): in float,
 *   e = m + sqrt(read^2 + max(m, 0)) * zq / TC_NOISE_Z_SCALE electrons, one
 *   square root per pixel (the codes take two), then the float ADC.
 *
 * z is not drawn per pixel: each sensor row reads the table sequentially
 * from a pseudo-random offset keyed by (noise seed, block id, absolute sensor
 * row). Column x of a row uses entry offset + x, so an AOI sees exactly the
 * noise the same pixels have in a full frame. The dither choice is keyed by
 * the absolute pixel position only. See docs/sensor.md for what these
 * approximations cost. */
#ifndef TC_SENSOR_NOISE_H
#define TC_SENSOR_NOISE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "sensor/sensor_int.h"
#include "sensor/sensor_model.h"

#define TC_NOISE_TABLE_BITS 18
#define TC_NOISE_TABLE_SIZE (1u << TC_NOISE_TABLE_BITS)
/* Entries past the end repeat the start, so a row never wraps: x0 + n must
 * not exceed this (it is at least the sensor width). Same for the dither
 * table. */
#define TC_NOISE_TABLE_PAD 4096u
#define TC_NOISE_DITHER_BITS 16
#define TC_NOISE_DITHER_SIZE (1u << TC_NOISE_DITHER_BITS)

/* Seed of the tables themselves; they are the same in every twin. */
#define TC_NOISE_TABLE_SEED 0x7477696E63616D31ull /* "twincam1" */

/* Sigma codes: sigma(c) = K * read * (c / TC_NOISE_CODE_DARK)^2 DN. c^2 must
 * fit an int16 (c <= 181). */
#define TC_NOISE_CODE_DARK 28
#define TC_NOISE_CODE_MAX 181

/* Table samples are clipped to |zq| <= TC_NOISE_Z_MAX (5.67 sigma; the
 * seeded table's largest |z| is 5.3, so nothing is clipped), which bounds
 * |noise| by 2048 / 8 = 256 DN (TC_NOISE_MAX_DN). */
#define TC_NOISE_Z_MAX 8192
#define TC_NOISE_MAX_DN 256

typedef struct tc_noise {
    int16_t *table;   /* TC_NOISE_TABLE_SIZE + TC_NOISE_TABLE_PAD samples zq */
    uint16_t *dither; /* TC_NOISE_DITHER_SIZE + TC_NOISE_TABLE_PAD uniform thresholds */
    uint64_t seed;    /* of both, and of each row's dither offset */
} tc_noise;

/* Scale of the table, zq = round(z * scale): chosen so that
 * 28^2 * zq / 2^17 (code 28) is K * read * z in 1/8 DN, i.e.
 * K * read * 2^(17 + TC_FX_BITS) / 28^2 (1444.5). */
#define TC_NOISE_Z_SCALE                                                                    \
    ((double)TC_MODEL_GAIN_DN_PER_E * (double)TC_MODEL_READ_NOISE_E *                        \
     (double)(1u << (17 + TC_FX_BITS)) / (TC_NOISE_CODE_DARK * TC_NOISE_CODE_DARK))

/* Generate the tables from table_seed. Returns 0 or -1 (allocation). */
int tc_noise_init(tc_noise *nz, uint64_t table_seed);
void tc_noise_free(tc_noise *nz); /* NULL-safe */
size_t tc_noise_bytes(const tc_noise *nz);

/* Table offset of sensor row y for this frame. */
uint32_t tc_noise_row_offset(uint64_t noise_seed, uint64_t block_id, unsigned y);

/* Table entries row `offset` reads for columns x0, x0 + 1, ... */
TC_INLINE const int16_t *tc_noise_row_samples(const tc_noise *nz, uint32_t offset, unsigned x0)
{
    return nz->table + offset + x0;
}

/* Sigma codes of sensor row y, columns [x0, x0 + n), from the mean charge
 * mean_e[n] (electrons, DSNU not included: it carries no shot noise). */
void tc_noise_code_row(const tc_noise *nz, unsigned y, unsigned x0, size_t n,
                       const float *mean_e, uint8_t *code);

/* Sigma of code c, DN (for tests and documentation). */
double tc_noise_sigma_dn(unsigned c);

/* noise[n] in 1/8 DN of pixels with codes code[n] and samples z[n]. */
void tc_noise_row(const uint8_t *code, const int16_t *z, size_t n, int16_t *noise);

/* Cached form, one pixel: c^2 * zq / 2^17 rounded half up, as
 * floor((floor(c^2 zq / 2^16) + 1) / 2): a 16-bit multiply-high (pmulhw), an
 * add and a shift. Rounded, not truncated, so that the noise has no bias
 * (adc.h relies on it). */
TC_INLINE int16_t tc_noise_px(uint8_t c, int16_t z)
{
    const int16_t c2 = (int16_t)(c * c);
    const int16_t hi = (int16_t)(((int32_t)c2 * z) >> 16);
    const int16_t up = (int16_t)(hi + 1);
    return (int16_t)(up >> 1);
}

/* Uncached form, one pixel: mean charge m plus its noise, electrons. Plain
 * IEEE float operations in a fixed order, as in every build. */
TC_INLINE float tc_noise_e_px(float m, int16_t z)
{
    const float read_var = TC_MODEL_READ_NOISE_E * TC_MODEL_READ_NOISE_E;
    const float unit = (float)(1.0 / TC_NOISE_Z_SCALE);
    return m + sqrtf(read_var + tc_clamp_nonneg(m, 1e30f)) * ((float)z * unit);
}

#endif

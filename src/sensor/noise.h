/* Noise stage: temporal noise of one exposure (EMVA 1288).
 *
 * Shot noise (Poisson, variance = mean signal electrons) and read noise
 * (variance read^2) are approximated together by one Gaussian:
 *
 *   e' = e + sqrt(read^2 + max(e, 0)) * z,   z ~ N(0, 1)
 *
 * z is not drawn per pixel: the stage owns a table of 2^18 standard-normal
 * samples (generated once, then shifted and scaled to sample mean 0 and
 * variance 1), and each sensor row reads it sequentially from a pseudo-random
 * offset keyed by (noise seed, block id, absolute sensor row). Column x of a
 * row uses entry offset + x, so an AOI sees exactly the noise the same pixels
 * have in a full frame. See docs/sensor.md for what this approximation costs. */
#ifndef TC_SENSOR_NOISE_H
#define TC_SENSOR_NOISE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "sensor/sensor_int.h"

#define TC_NOISE_TABLE_BITS 18
#define TC_NOISE_TABLE_SIZE (1u << TC_NOISE_TABLE_BITS)
/* Entries past the end repeat the start, so a row never wraps: x0 + n must
 * not exceed this (it is at least the sensor width). */
#define TC_NOISE_TABLE_PAD 4096u

/* Seed of the table itself; the table is the same in every twin. */
#define TC_NOISE_TABLE_SEED 0x7477696E63616D31ull /* "twincam1" */

typedef struct tc_noise {
    float *table; /* TC_NOISE_TABLE_SIZE + TC_NOISE_TABLE_PAD entries */
} tc_noise;

/* Generate the table from table_seed. Returns 0 or -1 (allocation). */
int tc_noise_init(tc_noise *nz, uint64_t table_seed);
void tc_noise_free(tc_noise *nz); /* NULL-safe */

/* Table offset of sensor row y for this frame. */
uint32_t tc_noise_row_offset(uint64_t noise_seed, uint64_t block_id, unsigned y);

/* Add temporal noise in place to the mean electrons e[n] of columns
 * [x0, x0 + n) of a row whose offset is `offset`; read_var is read noise
 * variance in e-^2 (TC_MODEL_READ_NOISE_E squared for the camera). */
void tc_noise_row(const tc_noise *nz, uint32_t offset, unsigned x0, size_t n, float read_var,
                  float *e);

/* Table entries row `offset` reads for columns x0, x0 + 1, ... */
TC_INLINE const float *tc_noise_row_samples(const tc_noise *nz, uint32_t offset, unsigned x0)
{
    return nz->table + offset + x0;
}

/* One pixel: mean m electrons, standard-normal sample z. */
TC_INLINE float tc_noise_px(float m, float z, float read_var)
{
    const float var = read_var + (m > 0.0f ? m : 0.0f);
    return m + sqrtf(var) * z;
}

#endif

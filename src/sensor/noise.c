/* Noise stage: a normal-sample table read at per-row random offsets. */
#include "sensor/noise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/sensor_int.h"
#include "util/rng.h"

int tc_noise_init(tc_noise *nz, uint64_t table_seed)
{
    const size_t n = TC_NOISE_TABLE_SIZE;
    nz->table = malloc((n + TC_NOISE_TABLE_PAD) * sizeof *nz->table);
    double *d = malloc(n * sizeof *d);
    if (!nz->table || !d) {
        free(d);
        tc_noise_free(nz);
        return -1;
    }
    tc_rng r = tc_rng_keyed(table_seed, 0, 0);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        d[i] = tc_rng_normal(&r);
        sum += d[i];
    }
    const double mean = sum / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (d[i] - mean) * (d[i] - mean);
    const double inv_sd = 1.0 / sqrt(ss / (double)n);
    for (size_t i = 0; i < n; i++)
        nz->table[i] = (float)((d[i] - mean) * inv_sd);
    memcpy(nz->table + n, nz->table, TC_NOISE_TABLE_PAD * sizeof *nz->table);
    free(d);
    return 0;
}

void tc_noise_free(tc_noise *nz)
{
    if (!nz)
        return;
    free(nz->table);
    nz->table = NULL;
}

uint32_t tc_noise_row_offset(uint64_t noise_seed, uint64_t block_id, unsigned y)
{
    tc_rng r = tc_rng_keyed(noise_seed, block_id, y);
    return (uint32_t)(tc_rng_next(&r) >> 32) & (TC_NOISE_TABLE_SIZE - 1);
}

TC_INLINE void tc_noise_row_impl(const tc_noise *nz, uint32_t offset, unsigned x0, size_t n,
                                 float read_var, float *restrict e)
{
    const float *restrict z = tc_noise_row_samples(nz, offset, x0);
    for (size_t i = 0; i < n; i++)
        e[i] = tc_noise_px(e[i], z[i], read_var);
}

TC_HOT_FN(tc_noise_row,
          (const tc_noise *nz, uint32_t offset, unsigned x0, size_t n, float read_var,
           float *restrict e),
          (nz, offset, x0, n, read_var, e))

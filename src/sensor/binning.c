/* Binning and mirror stage: colour-plane-preserving 2x2 mean and mirror. */
#include "sensor/binning.h"

#include "sensor/sensor_int.h"

TC_INLINE void tc_bin2_row_impl(const uint16_t *restrict r0, const uint16_t *restrict r2,
                                size_t n_out, uint16_t *restrict out)
{
    const size_t pairs = n_out / 2;
    for (size_t k = 0; k < pairs; k++) {
        const uint16_t *a = r0 + 4 * k, *b = r2 + 4 * k;
        out[2 * k] = (uint16_t)(((unsigned)a[0] + a[2] + b[0] + b[2] + 2u) >> 2);
        out[2 * k + 1] = (uint16_t)(((unsigned)a[1] + a[3] + b[1] + b[3] + 2u) >> 2);
    }
    if (n_out & 1) {
        const uint16_t *a = r0 + 4 * pairs, *b = r2 + 4 * pairs;
        out[2 * pairs] = (uint16_t)(((unsigned)a[0] + a[2] + b[0] + b[2] + 2u) >> 2);
    }
}

TC_HOT_FN(tc_bin2_row,
          (const uint16_t *restrict r0, const uint16_t *restrict r2, size_t n_out,
           uint16_t *restrict out),
          (r0, r2, n_out, out))

TC_INLINE void tc_mirror_row_impl(const uint16_t *restrict in, size_t n, uint16_t *restrict out)
{
    /* Whole G R (or B G) pairs swap ends; the pair itself keeps its order. */
    const size_t pairs = n / 2;
    for (size_t k = 0; k < pairs; k++) {
        out[2 * k] = in[n - 2 - 2 * k];
        out[2 * k + 1] = in[n - 1 - 2 * k];
    }
}

TC_HOT_FN(tc_mirror_row, (const uint16_t *restrict in, size_t n, uint16_t *restrict out),
          (in, n, out))

/* Fused noise + ADC kernels (see readout.h). */
#include "sensor/readout.h"

#include <stdbool.h>

#include "sensor/adc.h"
#include "sensor/noise.h"
#include "sensor/sensor_int.h"

TC_INLINE void tc_readout_row_impl(const uint16_t *restrict mq, const uint8_t *restrict code,
                                   const int16_t *restrict z, size_t n, uint16_t *restrict dn)
{
    if (!z) {
        for (size_t i = 0; i < n; i++)
            dn[i] = tc_adc_code(mq[i]);
        return;
    }
    for (size_t i = 0; i < n; i++)
        dn[i] = tc_adc_px(mq[i], tc_noise_px(code[i], z[i]));
}

TC_HOT_FN(tc_readout_row,
          (const uint16_t *mq, const uint8_t *code, const int16_t *z, size_t n, uint16_t *dn),
          (mq, code, z, n, dn))

/* Rare (a warm housing and a long exposure): no SIMD clones. */
void tc_readout_row_offset(const uint16_t *mq, const uint8_t *code, const int16_t *z, size_t n,
                           int32_t offset, uint16_t *dn)
{
    const int32_t lo = (TC_ADC_BIAS_DN - TC_NOISE_MAX_DN) << TC_FX_BITS;
    const int32_t hi = (TC_ADC_BIAS_DN + TC_ADC_MAX_CODE + TC_NOISE_MAX_DN) << TC_FX_BITS;
    for (size_t i = 0; i < n; i++) {
        int32_t q = (int32_t)mq[i] + offset;
        q = q < lo ? lo : q > hi ? hi : q;
        dn[i] = z ? tc_adc_px((uint16_t)q, tc_noise_px(code[i], z[i])) : tc_adc_code((uint16_t)q);
    }
}

/* One body, specialised by the compiler for each combination of the two
 * constant flags, so no per-pixel branch survives. */
TC_INLINE void readout_float(const float *restrict e, const int8_t *restrict dsnu,
                             const int16_t *restrict z, size_t n, uint16_t *restrict dn,
                             const bool noise, const bool offsets)
{
    for (size_t i = 0; i < n; i++) {
        const float v = noise ? tc_noise_e_px(e[i], z[i]) : e[i];
        dn[i] = tc_adc_e_px(v, offsets ? (float)dsnu[i] * TC_FP_DSNU_STEP_E : 0.0f);
    }
}

TC_INLINE void tc_readout_row_float_impl(const float *e, const int8_t *dsnu, const int16_t *z,
                                         size_t n, uint16_t *dn)
{
    if (z && dsnu)
        readout_float(e, dsnu, z, n, dn, true, true);
    else if (z)
        readout_float(e, dsnu, z, n, dn, true, false);
    else if (dsnu)
        readout_float(e, dsnu, z, n, dn, false, true);
    else
        readout_float(e, dsnu, z, n, dn, false, false);
}

TC_HOT_FN(tc_readout_row_float,
          (const float *e, const int8_t *dsnu, const int16_t *z, size_t n, uint16_t *dn),
          (e, dsnu, z, n, dn))

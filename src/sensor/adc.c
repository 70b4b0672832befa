/* ADC stage: DSNU offset, full-well clip, gain, black level, 12-bit codes. */
#include "sensor/adc.h"

TC_INLINE void tc_adc_row_impl(const float *restrict e, const int8_t *restrict dsnu, size_t n,
                               uint16_t *restrict dn)
{
    if (!dsnu) {
        for (size_t i = 0; i < n; i++)
            dn[i] = tc_adc_px(e[i], 0.0f);
        return;
    }
    for (size_t i = 0; i < n; i++)
        dn[i] = tc_adc_px(e[i], (float)dsnu[i] * TC_FP_DSNU_STEP_E);
}

TC_HOT_FN(tc_adc_row,
          (const float *restrict e, const int8_t *restrict dsnu, size_t n, uint16_t *restrict dn),
          (e, dsnu, n, dn))

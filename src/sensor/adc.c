/* ADC stage: mean codes (gain, black level, DSNU) when the mean image is
 * built; 12-bit codes of mean code plus noise per frame. */
#include "sensor/adc.h"

TC_INLINE void tc_adc_mean_row_impl(const float *restrict e, const int8_t *restrict dsnu,
                                    size_t n, uint16_t *restrict mq)
{
    if (!dsnu) {
        for (size_t i = 0; i < n; i++)
            mq[i] = tc_adc_mean_px(e[i], 0.0f);
        return;
    }
    for (size_t i = 0; i < n; i++)
        mq[i] = tc_adc_mean_px(e[i], (float)dsnu[i] * TC_FP_DSNU_STEP_E);
}

TC_HOT_FN(tc_adc_mean_row,
          (const float *restrict e, const int8_t *restrict dsnu, size_t n,
           uint16_t *restrict mq),
          (e, dsnu, n, mq))

TC_INLINE void tc_adc_row_impl(const uint16_t *restrict mq, const int16_t *restrict noise,
                               size_t n, uint16_t *restrict dn)
{
    if (!noise) {
        for (size_t i = 0; i < n; i++)
            dn[i] = tc_adc_code(mq[i]);
        return;
    }
    for (size_t i = 0; i < n; i++)
        dn[i] = tc_adc_px(mq[i], noise[i]);
}

TC_HOT_FN(tc_adc_row,
          (const uint16_t *restrict mq, const int16_t *restrict noise, size_t n,
           uint16_t *restrict dn),
          (mq, noise, n, dn))

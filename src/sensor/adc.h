/* ADC stage: electrons -> 12-bit digital numbers.
 *
 *   DN = clamp(round(K * min(e + dsnu, full well) + black), 0, 4095)
 *
 * with K = 0.45 DN/e-, black level 64 DN (sensor_model.h); rounding is half
 * up. The DSNU offset of each pixel (fixed_pattern.h) joins here, after the
 * temporal noise: it is an offset of the dark signal, not collected charge,
 * so it carries no shot noise. Negative totals (read noise, DSNU below a dark
 * mean) give codes below the black level, down to 0, as a real ADC does. */
#ifndef TC_SENSOR_ADC_H
#define TC_SENSOR_ADC_H

#include <stddef.h>
#include <stdint.h>

#include "sensor/fixed_pattern.h"
#include "sensor/sensor_int.h"
#include "sensor/sensor_model.h"

/* dsnu: the row's DSNU steps (TC_FP_DSNU_STEP_E electrons each), or NULL. */
void tc_adc_row(const float *e, const int8_t *dsnu, size_t n, uint16_t *dn);

/* One pixel; dsnu_e = DSNU offset in electrons (0 for none).
 *
 * Clipping e at full well is clipping K * e + black at K * FW + black
 * (monotonic, and so is float rounding), so both clips fold into one upper
 * bound; +0.5 then truncation of a value clamped to [0, hi] is round half up,
 * with no libm call and the same result in every SIMD clone. */
TC_INLINE uint16_t tc_adc_px(float e, float dsnu_e)
{
    const float offset = TC_MODEL_BLACK_LEVEL_DN + 0.5f;
    const float well = TC_MODEL_FULL_WELL_E * TC_MODEL_GAIN_DN_PER_E + offset;
    const float hi = well < (float)TC_MODEL_ADC_MAX_DN ? well : (float)TC_MODEL_ADC_MAX_DN;
    const float v = (e + dsnu_e) * TC_MODEL_GAIN_DN_PER_E + offset;
    return (uint16_t)(int32_t)tc_clamp_nonneg(v, hi);
}

#endif

/* ADC stage: electrons -> 12-bit digital numbers.
 *
 *   DN = clamp(round(K * min(e + dsnu, full well) + black), 0, 4095)
 *
 * with K = 0.45 DN/e-, black level 64 DN (sensor_model.h); rounding is half
 * up. The DSNU offset of each pixel (fixed_pattern.h) joins here, after the
 * temporal noise: it is an offset of the dark signal, not collected charge,
 * so it carries no shot noise. Negative totals (read noise, DSNU below a dark
 * mean) give codes below the black level, down to 0, as a real ADC does.
 *
 * In two steps, so that a frame does integer work only:
 * - per pixel, when the mean image is built: the mean code
 *   mq = floor(8 * (v + bias)), v = K * (m + dsnu) + black + 1/2, the mean
 *   in 1/8 DN (TC_FX_BITS) with the rounding half included, offset by
 *   TC_ADC_BIAS_DN so that mean plus noise always stays in a uint16;
 * - per pixel per frame: DN = clamp(floor((mq + noise) / 8) - bias, 0, 4095),
 *   noise from noise.h in 1/8 DN (rounded, so unbiased).
 *
 * Without noise, DN = floor(v) exactly (v as tc_adc_mean_px computes it in
 * float): round half up. With noise, the truncation of the mean code shifts
 * a pixel's mean over frames by (1/2 - frac(8 v)) / 8, between -1/16 and
 * +1/16 DN: a fixed pattern of 0.036 DN rms, zero on average over pixels,
 * beside the 0.68 DN rms of the DSNU.
 *
 * The uncached path (moving scene) converts electrons with noise directly,
 * in float (tc_adc_e_px). */
#ifndef TC_SENSOR_ADC_H
#define TC_SENSOR_ADC_H

#include <stddef.h>
#include <stdint.h>

#include "sensor/fixed_pattern.h"
#include "sensor/noise.h"
#include "sensor/sensor_int.h"
#include "sensor/sensor_model.h"

/* Offset of mean codes, DN: at least twice the largest noise (noise.h). */
#define TC_ADC_BIAS_DN (2 * TC_NOISE_MAX_DN)

/* Largest output code: the ADC's 4095, or the full well if that comes first
 * (K * 9000 + 64 = 4114: the ADC does). */
#define TC_ADC_WELL_DN                                                                  \
    ((int)(TC_MODEL_FULL_WELL_E * TC_MODEL_GAIN_DN_PER_E + TC_MODEL_BLACK_LEVEL_DN + 0.5f))
#define TC_ADC_MAX_CODE                                                                 \
    (TC_ADC_WELL_DN < TC_MODEL_ADC_MAX_DN ? TC_ADC_WELL_DN : TC_MODEL_ADC_MAX_DN)

/* Mean codes mq[n] of mean charges mean_e[n] (electrons) with the row's DSNU
 * steps (TC_FP_DSNU_STEP_E electrons each), or NULL for none. */
void tc_adc_mean_row(const float *mean_e, const int8_t *dsnu, size_t n, uint16_t *mq);

/* DN[n] of mean codes mq[n], with noise[n] (1/8 DN) or, for NULL, none. */
void tc_adc_row(const uint16_t *mq, const int16_t *noise, size_t n, uint16_t *dn);

/* One pixel's mean code; dsnu_e = DSNU offset in electrons (0 for none).
 *
 * w = 8 (K (e + dsnu) + black + 1/2 + bias) in one float multiply-add (8 K
 * is exact), then floor. The mean is clamped to [-256, max + 256] DN first
 * (w to [2048, 38904]), which changes no output: noise never exceeds 256 DN,
 * so a mean below the range always gives 0 and one above always the largest
 * code, as the clamped mean does. w is then non-negative and its floor is a
 * truncation; the clamps are integer ones (tc_clamp_nonneg), which gcc and
 * clang both vectorise. */
TC_INLINE uint16_t tc_adc_mean_px(float e, float dsnu_e)
{
    const float one = (float)(1 << TC_FX_BITS);
    const int32_t lo = (TC_ADC_BIAS_DN - TC_NOISE_MAX_DN) << TC_FX_BITS;
    const float hi = (float)((TC_ADC_BIAS_DN + TC_ADC_MAX_CODE + TC_NOISE_MAX_DN) << TC_FX_BITS);
    const float w = (e + dsnu_e) * (TC_MODEL_GAIN_DN_PER_E * one) +
                    (TC_MODEL_BLACK_LEVEL_DN + 0.5f + (float)TC_ADC_BIAS_DN) * one;
    int32_t q = (int32_t)tc_clamp_nonneg(w, hi);
    q = q > lo ? q : lo;
    return (uint16_t)q;
}

/* DN of a fixed-point value v = mean code (+ noise). */
TC_INLINE uint16_t tc_adc_code(uint16_t v)
{
    uint16_t d = (uint16_t)(v >> TC_FX_BITS);
    d = d > TC_ADC_BIAS_DN ? d : TC_ADC_BIAS_DN;
    d = d < TC_ADC_BIAS_DN + TC_ADC_MAX_CODE ? d : TC_ADC_BIAS_DN + TC_ADC_MAX_CODE;
    return (uint16_t)(d - TC_ADC_BIAS_DN);
}

/* One pixel with noise (1/8 DN, |noise| <= 2048, noise.h): the sum stays
 * in [0, 40952]. */
TC_INLINE uint16_t tc_adc_px(uint16_t mq, int16_t noise)
{
    return tc_adc_code((uint16_t)(mq + noise));
}

/* Uncached form, one pixel: e electrons (noise included), dsnu_e the DSNU
 * offset in electrons. Clipping e at full well is clipping K e + black at
 * K FW + black (monotonic, and so is float rounding), so both clips fold
 * into one upper bound; + 1/2 then truncation of a value clamped to [0, hi]
 * is round half up, with no libm call. */
TC_INLINE uint16_t tc_adc_e_px(float e, float dsnu_e)
{
    const float offset = TC_MODEL_BLACK_LEVEL_DN + 0.5f;
    const float well = TC_MODEL_FULL_WELL_E * TC_MODEL_GAIN_DN_PER_E + offset;
    const float hi = well < (float)TC_MODEL_ADC_MAX_DN ? well : (float)TC_MODEL_ADC_MAX_DN;
    const float v = (e + dsnu_e) * TC_MODEL_GAIN_DN_PER_E + offset;
    return (uint16_t)(int32_t)tc_clamp_nonneg(v, hi);
}

#endif

/* Fused dequantise + noise + ADC kernel (see readout.h). */
#include "sensor/readout.h"

#include <stdbool.h>

#include "sensor/adc.h"
#include "sensor/exposure.h"
#include "sensor/noise.h"
#include "sensor/sensor_int.h"

/* One body, specialised by the compiler for each combination of the two
 * constant flags, so no per-pixel branch survives. */
TC_INLINE void readout(const uint16_t *restrict q, const float *restrict z, float read_var,
                       const int8_t *restrict dsnu, size_t n, uint16_t *restrict dn,
                       const bool noise, const bool offsets)
{
    for (size_t i = 0; i < n; i++) {
        float e = tc_exposure_dequantise_px(q[i]);
        if (noise)
            e = tc_noise_px(e, z[i], read_var);
        dn[i] = tc_adc_px(e, offsets ? (float)dsnu[i] * TC_FP_DSNU_STEP_E : 0.0f);
    }
}

TC_INLINE void tc_readout_row_impl(const uint16_t *q, const float *z, float read_var,
                                   const int8_t *dsnu, size_t n, uint16_t *dn)
{
    if (z && dsnu)
        readout(q, z, read_var, dsnu, n, dn, true, true);
    else if (z)
        readout(q, z, read_var, dsnu, n, dn, true, false);
    else if (dsnu)
        readout(q, z, read_var, dsnu, n, dn, false, true);
    else
        readout(q, z, read_var, dsnu, n, dn, false, false);
}

TC_HOT_FN(tc_readout_row,
          (const uint16_t *q, const float *z, float read_var, const int8_t *dsnu, size_t n,
           uint16_t *dn),
          (q, z, read_var, dsnu, n, dn))

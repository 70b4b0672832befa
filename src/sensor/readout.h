/* The per-frame hot path: dequantise the cached mean row, add temporal noise,
 * convert to 12-bit codes, in one pass over the row.
 *
 * Exactly the composition tc_exposure_dequantise_row -> tc_noise_row ->
 * tc_adc_row (the same inline per-pixel functions, in the same order; a test
 * checks bit-identity), fused so that a pixel goes from 2 cached bytes to 2
 * output bytes without float row buffers in between. */
#ifndef TC_SENSOR_READOUT_H
#define TC_SENSOR_READOUT_H

#include <stddef.h>
#include <stdint.h>

/* q[n]: cached mean electrons (exposure.h); z: the row's noise samples
 * (tc_noise_row_samples) or NULL for no temporal noise; read_var in e-^2;
 * dsnu: the row's DSNU steps or NULL; dn[n]: 12-bit codes out. */
void tc_readout_row(const uint16_t *q, const float *z, float read_var, const int8_t *dsnu,
                    size_t n, uint16_t *dn);

#endif

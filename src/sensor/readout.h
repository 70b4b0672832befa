/* The per-frame hot path: noise and ADC in one pass over a row of the cached
 * mean image, integer work only.
 *
 * Exactly the composition tc_noise_row -> tc_adc_row (the same inline
 * per-pixel functions; a test checks bit-identity), fused so that a pixel
 * goes from 3 cached bytes (mean code, sigma code) and a 2-byte table sample
 * to 2 output bytes with no row buffer in between. Per pixel: a square, a
 * 16-bit multiply-high, three adds, two shifts and a clamp, in 16-bit lanes
 * (gcc; clang 14 widens the multiply to 32-bit lanes, same results). */
#ifndef TC_SENSOR_READOUT_H
#define TC_SENSOR_READOUT_H

#include <stddef.h>
#include <stdint.h>

/* mq[n]: mean codes (adc.h); code[n]: sigma codes (noise.h); z: the row's
 * noise samples (tc_noise_row_samples), or NULL for no temporal noise (code
 * is then not read and may be NULL); dn[n]: 12-bit codes out. */
void tc_readout_row(const uint16_t *mq, const uint8_t *code, const int16_t *z, size_t n,
                    uint16_t *dn);

/* The same with every mean code shifted by `offset` (1/8 DN; the frame's dark
 * signal against the cache's temperature), clamped to the mean-code range so
 * that mean plus noise stays in a uint16. */
void tc_readout_row_offset(const uint16_t *mq, const uint8_t *code, const int16_t *z, size_t n,
                           int32_t offset, uint16_t *dn);

/* The uncached path (moving scene): noise and ADC from the mean electrons
 * mean_e[n] in float, tc_adc_e_px(tc_noise_e_px(m, z), dsnu) per pixel; dsnu:
 * the row's DSNU steps or NULL; z as above. One square root per pixel. */
void tc_readout_row_float(const float *mean_e, const int8_t *dsnu, const int16_t *z, size_t n,
                          uint16_t *dn);

#endif

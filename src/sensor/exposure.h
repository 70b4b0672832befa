/* Exposure stage: scene relative signal -> mean collected electrons per pixel.
 *
 *   mean_e = rel / 65535 * lux * photons_per_lux_s * t * QE[channel] * PRNU gain
 *          + dark_rate(T) * t * hot factor
 *
 * This is charge: photo-electrons and dark-current electrons, both of which
 * carry shot noise (noise.h). The DSNU offset is not charge and is added after
 * the noise, at the ADC (adc.h), so it adds no shot noise to dark pixels.
 *
 * Also the compact form the sensor caches the mean image in between frames
 * (uint16, quarter-electron steps), and its inverse. */
#ifndef TC_SENSOR_EXPOSURE_H
#define TC_SENSOR_EXPOSURE_H

#include <stddef.h>
#include <stdint.h>

#include "sensor/sensor_int.h"

#include "sensor/fixed_pattern.h"

typedef struct tc_exposure_coef {
    float gain[3]; /* electrons per unit of relative signal, R G B (QE included) */
    float dark_e;  /* dark electrons of a normal pixel over the exposure */
} tc_exposure_coef;

/* Mean dark current of a normal pixel at temp_c, electrons per second. */
double tc_exposure_dark_rate(double temp_c);

/* Coefficients for an exposure of exposure_us microseconds at illuminance lux
 * (for a white scene point) and sensor temperature temp_c. */
void tc_exposure_coef_init(tc_exposure_coef *c, double exposure_us, double lux, double temp_c);

/* Mean electrons of sensor row y, columns [x0, x0 + n), from the scene row
 * rel[n]. fp supplies PRNU and hot pixels (its rows and columns are absolute
 * sensor coordinates; x0 + n <= fp->width); NULL means an ideal sensor with
 * neither. */
void tc_exposure_row(const tc_exposure_coef *c, const tc_fixed_pattern *fp, unsigned y,
                     unsigned x0, unsigned n, const uint16_t *rel, float *mean_e);

/* Cached form: q = round(e * 4) clamped to 0..65535, i.e. quarter electrons
 * up to 16383.75 e-. That reaches far enough above full well (9000 e-) that a
 * clamped mean still saturates the ADC whatever the noise (7 sigma above
 * 8957 e-, where the 12-bit code saturates). */
#define TC_EXPOSURE_Q_SCALE 4.0f

void tc_exposure_quantise_row(const float *mean_e, size_t n, uint16_t *q);
void tc_exposure_dequantise_row(const uint16_t *q, size_t n, float *mean_e);

TC_INLINE float tc_exposure_dequantise_px(uint16_t q)
{
    return (float)q * (1.0f / TC_EXPOSURE_Q_SCALE);
}

#endif

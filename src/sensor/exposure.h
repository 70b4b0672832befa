/* Exposure stage: scene relative signal -> mean collected electrons per pixel.
 *
 *   mean_e = rel / 65535 * lux * photons_per_lux_s * t * QE[channel] * PRNU gain
 *          + dark_rate(T) * t * hot factor
 *
 * This is charge: photo-electrons and dark-current electrons, both of which
 * carry shot noise (noise.h). The DSNU offset is not charge and is added after
 * the noise, at the ADC (adc.h), so it adds no shot noise to dark pixels.
 *
 * The float mean is not kept: for a static scene the sensor turns it at once
 * into the two per-pixel codes a frame needs (adc.h mean code, noise.h sigma
 * code); the moving scene's rows go straight on to the float readout. */
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

#endif

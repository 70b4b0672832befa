/* Physical constants of the IMX412 sensor model (EMVA 1288 linear model).
 *
 * Every number here is a **[model]** choice, not a published Sony figure:
 * plausible values for a 1.55 um back-illuminated pixel
 * (../shared/reference/facts.md section 6), chosen so that a photon-transfer
 * measurement on the twin recovers them (tests/sensor/test_sensor.c).
 *
 *   mean DN     = K * (QE * photons * PRNU + dark electrons + DSNU) + black
 *   variance DN = K^2 * (read noise^2 + signal electrons) + quantisation
 *
 * docs/sensor.md has the same table with units. */
#ifndef TC_SENSOR_MODEL_H
#define TC_SENSOR_MODEL_H

/* Saturation capacity (electrons). The ADC clips first: K * 9000 + 64 = 4114
 * DN > 4095, so the 12-bit output saturates at about 8957 e-. */
#define TC_MODEL_FULL_WELL_E 9000.0f

/* Overall system gain K (DN per electron, 12-bit DN). */
#define TC_MODEL_GAIN_DN_PER_E 0.45f

/* Black level (offset) added before quantisation, 12-bit DN. */
#define TC_MODEL_BLACK_LEVEL_DN 64.0f

/* Largest 12-bit code. */
#define TC_MODEL_ADC_MAX_DN 4095

/* Temporal dark noise (read noise), electrons rms. */
#define TC_MODEL_READ_NOISE_E 2.4f

/* Mean dark current of a normal pixel at the reference temperature
 * (electrons per second), doubling every TC_MODEL_DARK_DOUBLING_C. */
#define TC_MODEL_DARK_CURRENT_E_S 3.0
#define TC_MODEL_DARK_REF_TEMP_C 25.0
#define TC_MODEL_DARK_DOUBLING_C 6.5

/* Dark signal non-uniformity: a fixed per-pixel offset, sigma in electrons. */
#define TC_MODEL_DSNU_SIGMA_E 1.5

/* Photo-response non-uniformity: per-pixel gain 1 + N(0, sigma). */
#define TC_MODEL_PRNU_SIGMA 0.01

/* Hot pixels: this fraction of all pixels has its dark current multiplied by a
 * factor drawn log-uniformly from [MIN, MAX) (0.005 % = 617 pixels on 12.3 Mpix). */
#define TC_MODEL_HOT_PIXEL_FRACTION 0.00005
#define TC_MODEL_HOT_FACTOR_MIN 50.0
#define TC_MODEL_HOT_FACTOR_MAX 500.0

/* Quantum efficiency of each Bayer site (colour filter included), at the
 * channel's own band; 555 nm photon counting is used for all three. */
#define TC_MODEL_QE_R 0.55
#define TC_MODEL_QE_G 0.80
#define TC_MODEL_QE_B 0.60

/* Photons reaching one pixel per second per lux of illuminance, 555 nm:
 *   1 lx = 1/683 W/m^2; one photon hc/lambda = 3.579e-19 J
 *   -> 4.091e15 photons / (s m^2) per lux
 *   pixel area (1.55 um)^2 = 2.4025e-12 m^2 -> 9828 photons / s per lux,
 * rounded to 10 000. A white point at 1 lx fills a green pixel with 8000 e-
 * in one second. */
#define TC_MODEL_PHOTONS_PER_LUX_S 10000.0

#endif

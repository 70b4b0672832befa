/* Exposure stage: photons to mean electrons, with the unit's fixed pattern. */
#include "sensor/exposure.h"

#include <math.h>

#include "sensor/sensor_int.h"
#include "sensor/sensor_model.h"

double tc_exposure_dark_rate(double temp_c)
{
    /* exp2 (not pow(2, x)) so that gcc and clang both call the same libm
     * function rather than one of them rewriting it. */
    return TC_MODEL_DARK_CURRENT_E_S *
           exp2((temp_c - TC_MODEL_DARK_REF_TEMP_C) / TC_MODEL_DARK_DOUBLING_C);
}

void tc_exposure_coef_init(tc_exposure_coef *c, double exposure_us, double lux, double temp_c)
{
    static const double qe[3] = { TC_MODEL_QE_R, TC_MODEL_QE_G, TC_MODEL_QE_B };
    const double t_s = exposure_us * 1e-6;
    const double photons_white = lux * TC_MODEL_PHOTONS_PER_LUX_S * t_s;
    for (int ch = 0; ch < 3; ch++)
        c->gain[ch] = (float)(photons_white * qe[ch] / 65535.0);
    c->dark_e = (float)(tc_exposure_dark_rate(temp_c) * t_s);
}

TC_INLINE void tc_exposure_row_impl(const tc_exposure_coef *c, const tc_fixed_pattern *fp,
                                    unsigned y, unsigned x0, unsigned n,
                                    const uint16_t *restrict rel, float *restrict mean_e)
{
    /* Gains of the pixels at even and odd i (the row has two channels). */
    const float g0 = c->gain[tc_bayer_channel(x0, y)];
    const float g1 = c->gain[tc_bayer_channel(x0 + 1, y)];
    const float dark = c->dark_e;
    if (!fp) {
        for (unsigned i = 0; i < n; i++)
            mean_e[i] = (float)rel[i] * ((i & 1u) ? g1 : g0) + dark;
        return;
    }
    /* PRNU from the plane, or made a stretch at a time when the sensor keeps
     * no planes (fixed_pattern.h). Stretches start at even i: same parity. */
    enum { STRETCH = 1024 };
    int8_t buf[STRETCH];
    for (unsigned i0 = 0; i0 < n; i0 += STRETCH) {
        const unsigned len = n - i0 < STRETCH ? n - i0 : STRETCH;
        const int8_t *restrict prnu = tc_fixed_pattern_prnu_row(fp, y, x0 + i0, len, buf);
        const uint16_t *restrict r = rel + i0;
        float *restrict e = mean_e + i0;
        for (unsigned i = 0; i < len; i++) {
            const float gain = 1.0f + (float)prnu[i] * TC_FP_PRNU_STEP;
            e[i] = (float)r[i] * ((i & 1u) ? g1 : g0) * gain + dark;
        }
    }
    /* Hot pixels: sparse, a handful per row at most. */
    const size_t row0 = (size_t)y * fp->width;
    for (uint32_t k = fp->hot_row_start[y]; k < fp->hot_row_start[y + 1]; k++) {
        const size_t x = fp->hot_index[k] - row0;
        if (x >= x0 && x < (size_t)x0 + n)
            mean_e[x - x0] += dark * (fp->hot_factor[k] - 1.0f);
    }
}

TC_HOT_FN(tc_exposure_row,
          (const tc_exposure_coef *c, const tc_fixed_pattern *fp, unsigned y, unsigned x0,
           unsigned n, const uint16_t *restrict rel, float *restrict mean_e),
          (c, fp, y, x0, n, rel, mean_e))

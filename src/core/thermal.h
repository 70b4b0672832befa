/* Thermal model of the housing: first order, driven by power and ambient.
 *
 * [model] Steady state T = ambient + R_th x P with R_th 14 K/W (a 29 mm cube
 * of aluminium), time constant 300 s. Power is 0.5 W idle and rises linearly
 * with the pixel rate to 1 W at the full-resolution maximum (the datasheet's
 * 0.5 W - 1 W). Between changes of power or ambient the temperature follows
 * the exact exponential, so the model has no step-size error and reading it
 * at any instant is cheap. */
#ifndef TC_CORE_THERMAL_H
#define TC_CORE_THERMAL_H

#include <stdint.h>

#define TC_THERMAL_R_K_PER_W 14.0
#define TC_THERMAL_TAU_S 300.0
#define TC_POWER_IDLE_W 0.5
#define TC_POWER_MAX_W 1.0

typedef struct tc_thermal {
    double ambient_c;
    double power_w;
    double temp_c;   /* at t_ns */
    int64_t t_ns;
} tc_thermal;

/* Start in steady state for `ambient_c` at idle power. */
void tc_thermal_init(tc_thermal *th, double ambient_c, int64_t now_ns);
/* Temperature at now_ns (>= the last event; an earlier time reads the last state). */
double tc_thermal_read(const tc_thermal *th, int64_t now_ns);
/* Advance to now_ns, then change the inputs. */
void tc_thermal_set(tc_thermal *th, int64_t now_ns, double ambient_c, double power_w);

#endif

/* First-order thermal model (see thermal.h). */
#include "core/thermal.h"

#include <math.h>

void tc_thermal_init(tc_thermal *th, double ambient_c, int64_t now_ns)
{
    th->ambient_c = ambient_c;
    th->power_w = TC_POWER_IDLE_W;
    th->temp_c = ambient_c + TC_THERMAL_R_K_PER_W * TC_POWER_IDLE_W;
    th->t_ns = now_ns;
}

double tc_thermal_read(const tc_thermal *th, int64_t now_ns)
{
    double target = th->ambient_c + TC_THERMAL_R_K_PER_W * th->power_w;
    double dt = (double)(now_ns - th->t_ns) * 1e-9;
    if (dt <= 0)
        return th->temp_c;
    return target + (th->temp_c - target) * exp(-dt / TC_THERMAL_TAU_S);
}

void tc_thermal_set(tc_thermal *th, int64_t now_ns, double ambient_c, double power_w)
{
    if (now_ns > th->t_ns) {
        th->temp_c = tc_thermal_read(th, now_ns);
        th->t_ns = now_ns;
    }
    th->ambient_c = ambient_c;
    th->power_w = power_w;
}

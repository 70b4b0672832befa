/* IMX412 readout modes (sensor_modes.h). Both read at the full mode's line
 * time, 1 / (18 x 3546) s (docs/timing.md); binning reads two sensor rows per
 * line time, so a binned frame of H output rows also takes H + 506 lines. */
#include "core/sensor_modes.h"

#include <stddef.h>

#include "sensor/sensor.h"

const tc_sensor_mode tc_sensor_modes[] = {
    { "4056x3040 full resolution", 1, TC_SENSOR_WIDTH, TC_SENSOR_HEIGHT, 506 },
    { "2028x1520 2x2 binned", 2, TC_SENSOR_WIDTH / 2, TC_SENSOR_HEIGHT / 2, 506 },
};
const unsigned tc_sensor_mode_count = sizeof tc_sensor_modes / sizeof tc_sensor_modes[0];

const tc_sensor_mode *tc_sensor_mode_for(unsigned binning)
{
    for (unsigned i = 0; i < tc_sensor_mode_count; i++)
        if (tc_sensor_modes[i].binning == binning)
            return &tc_sensor_modes[i];
    return NULL;
}

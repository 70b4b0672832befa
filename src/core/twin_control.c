/* The twin's own controls that need more than storing a value. */
#include "core/acquisition.h"
#include "core/device.h"
#include "core/handlers.h"

/* Entry values of TwinScene are the sensor's tc_scene_kind. */
int tc_set_twin_scene(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)idx;
    char err[200] = "";
    char path[TC_STRING_MAX];
    tc_device_get_string(d, tc_feature_find("TwinScenePath"), path, sizeof(path));
    if (v.i == TC_SCENE_PNG && path[0] == 0)
        return tc_device_refuse(d, TC_EINVAL, "set TwinScenePath to a PNG file first");
    tc_acq_sensor_lock(d->acq);
    int rc = tc_sensor_set_scene(d->sensor, (tc_scene_kind)v.i, path, err, sizeof(err));
    tc_acq_sensor_unlock(d->acq);
    if (rc != 0)
        return tc_device_refuse(d, TC_EIO, "scene not loaded: %s", err);
    d->values[tc_feature_index(f)][0] = v;
    return 0;
}

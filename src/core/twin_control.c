/* The twin's own controls that need more than storing a value. */
#include <sys/stat.h>

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
    /* The path may come from the wire: only regular files, so a FIFO or a
     * device node can never stall the camera. */
    struct stat st;
    if (v.i == TC_SCENE_PNG && (stat(path, &st) != 0 || !S_ISREG(st.st_mode)))
        return tc_device_refuse(d, TC_EIO, "%s is not a regular file", path);
    tc_acq_sensor_lock(d->acq);
    int rc = tc_sensor_set_scene(d->sensor, (tc_scene_kind)v.i, path, err, sizeof(err));
    tc_acq_sensor_unlock(d->acq);
    if (rc != 0)
        return tc_device_refuse(d, TC_EIO, "scene not loaded: %s", err);
    d->values[tc_feature_index(f)][0] = v;
    return 0;
}

/* The twin's own controls that need more than storing a value. */

#include "core/acquisition.h"
#include "core/device.h"
#include "core/handlers.h"

/* Entry values of TwinScene are the sensor's tc_scene_kind. The sensor
 * loads the scene when the write commits (tc_twin_scene_load), so a write
 * refused later in the same span or user set never reaches it. */
int tc_set_twin_scene(tc_device *d, const tc_feature *f, unsigned idx, tc_value v)
{
    (void)idx;
    if (v.i == TC_SCENE_PNG && d->strings[tc_feature_index(tc_feature_find("TwinScenePath"))][0] == 0)
        return tc_device_refuse(d, TC_EINVAL, "set TwinScenePath to a PNG file first");
    d->values[tc_feature_index(f)][0] = v;
    d->scene_pending = true;
    return 0;
}

int tc_twin_scene_load(tc_device *d)
{
    char err[200] = "";
    char path[TC_STRING_MAX];
    tc_device_get_string(d, tc_feature_find("TwinScenePath"), path, sizeof(path));
    tc_scene_kind kind = (tc_scene_kind)tc_device_int(d, "TwinScene");
    /* The path may come from the wire: the reader opens it once without
     * blocking and takes only a regular file within its size and memory
     * budget (image/png_io.h), so a FIFO or a device node can never stall
     * the camera, and no check by name can be raced. */
    /* Decoded with no lock the stream needs; only the swap waits for the
     * frame being rendered. */
    struct tc_scene *sc = tc_sensor_load_scene(d->sensor, kind, path, err, sizeof(err));
    if (!sc)
        return tc_device_refuse(d, TC_EIO, "scene not loaded: %s", err);
    tc_acq_sensor_lock(d->acq);
    tc_sensor_install_scene(d->sensor, sc);
    tc_acq_sensor_unlock(d->acq);
    return 0;
}

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
    /* Decoded with no lock the stream needs; only the swap waits for the
     * frame being rendered. */
    struct tc_scene *sc =
        tc_sensor_load_scene(d->sensor, (tc_scene_kind)v.i, path, err, sizeof(err));
    if (!sc)
        return tc_device_refuse(d, TC_EIO, "scene not loaded: %s", err);
    tc_acq_sensor_lock(d->acq);
    tc_sensor_install_scene(d->sensor, sc);
    tc_acq_sensor_unlock(d->acq);
    d->values[tc_feature_index(f)][0] = v;
    return 0;
}

/* libFuzzer harness: a hostile user-set file (the state directory's
 * <serial>.UserSet1) read by the parser the camera uses at open
 * (core/user_set_file.h), then loaded with UserSetLoad as a client would,
 * through every feature's checks.
 *
 * Checks beyond "no crash, no UB": whatever the file held, a load either
 * succeeds or is refused, and the AOI stays inside the sensor either way.
 * The Default set is loaded after each input, so inputs do not depend on
 * one another. */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aoi_invariants.h"
#include "core/user_set_file.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"

static tc_camera *cam;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cam) {
        tc_options o;
        tc_options_init(&o);
        o.deterministic = true;
        if (tc_camera_open(&o, &cam) != 0)
            abort();
        /* UserSet1 valid once, so its arrays exist. */
        if (tc_set_string(cam, "UserSetSelector", "UserSet1") != 0 || tc_execute(cam, "UserSetSave") != 0)
            abort();
    }
    FILE *fp = fmemopen((void *)data, size ? size : 1, "r");
    if (!fp)
        return 0;
    if (!size)
        fgetc(fp); /* fmemopen cannot be empty: read its only byte */
    tc_device *d = tc_camera_device(cam);
    pthread_mutex_lock(&d->lock);
    tc_user_set *u = &d->user_sets[1];
    memcpy(u->values, d->values, tc_feature_count * sizeof(*u->values));
    memcpy(u->strings, d->strings, tc_feature_count * sizeof(*u->strings));
    tc_user_set_parse(fp, u);
    pthread_mutex_unlock(&d->lock);
    fclose(fp);

    tc_set_string(cam, "UserSetSelector", "UserSet1");
    tc_execute(cam, "UserSetLoad");
    tc_fuzz_check_aoi(cam);
    tc_set_string(cam, "UserSetSelector", "Default");
    if (tc_execute(cam, "UserSetLoad") != 0)
        abort(); /* the factory set always loads */
    tc_fuzz_check_aoi(cam);
    return 0;
}

/* Shared by the fuzz harnesses: whatever hostile traffic did, the AOI is
 * inside the sensor at the current binning (abort otherwise). */
#ifndef TC_FUZZ_AOI_INVARIANTS_H
#define TC_FUZZ_AOI_INVARIANTS_H

#include <stdlib.h>

#include "twincam/twincam.h"

static inline void tc_fuzz_check_aoi(tc_camera *cam)
{
    int64_t w, h, ox, oy, b, wmax, hmax;
    tc_get_int(cam, "Width", &w);
    tc_get_int(cam, "Height", &h);
    tc_get_int(cam, "OffsetX", &ox);
    tc_get_int(cam, "OffsetY", &oy);
    tc_get_int(cam, "BinningHorizontal", &b);
    tc_get_int(cam, "WidthMax", &wmax);
    tc_get_int(cam, "HeightMax", &hmax);
    if (ox + w > wmax || oy + h > hmax || wmax * b != 4056 || hmax * b != 3040 || w < 24 || h < 32)
        abort();
}

#endif

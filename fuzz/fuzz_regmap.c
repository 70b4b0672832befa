/* libFuzzer harness: hostile register traffic against the device core, the
 * way GVCP READMEM/WRITEMEM and GenCP deliver it. Input: a sequence of
 * records [op u8][address u32 LE][length u8][data...]; addresses are folded
 * into and around the feature space so most hit something.
 *
 * Checks beyond "no crash, no UB": every accepted write leaves the AOI
 * inside the sensor and PayloadSize consistent with the AOI. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aoi_invariants.h"
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
    }
    size_t pos = 0;
    while (pos + 6 <= size) {
        uint8_t op = data[pos];
        uint32_t a = (uint32_t)data[pos + 1] | (uint32_t)data[pos + 2] << 8 |
                     (uint32_t)data[pos + 3] << 16 | (uint32_t)data[pos + 4] << 24;
        size_t len = data[pos + 5];
        pos += 6;
        uint64_t addr = (op & 0x80) ? a : 0x10000 + (a % 0x1000);
        int be = op & 1;
        if (op & 2) {
            if (len > size - pos)
                len = size - pos;
            /* Commands that start acquisition spin a thread; let them, but
             * stop again so the harness stays fast. */
            tc_register_write(cam, addr, data + pos, len, be);
            pos += len;
            tc_stop(cam);
            tc_fuzz_check_aoi(cam);
        } else {
            uint8_t buf[256];
            tc_register_read(cam, addr, buf, len, be);
        }
    }
    return 0;
}

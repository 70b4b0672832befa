/* libFuzzer harness: hostile register traffic against the device core, the
 * way GVCP READMEM/WRITEMEM and GenCP deliver it. Input: a sequence of
 * records [op u8][address u32 LE][length u8][data...]; addresses are folded
 * into and around the feature space (0x10000-0x11FFF: the features and the
 * file access buffer) so most hit something.
 *
 * Checks beyond "no crash, no UB": every accepted write leaves the AOI
 * inside the sensor and PayloadSize consistent with the AOI, and file
 * access within its bounds (a status of Success or Failure, no more bytes
 * moved than the buffer holds, no file beyond 64 MiB). The camera lives
 * across inputs, so files left open by one input meet the next. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aoi_invariants.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"

static tc_camera *cam;

static void check_files(tc_camera *c)
{
    int64_t result = -1, size = -1;
    char status[32] = "";
    if (tc_get_int(c, "FileOperationResult", &result) != 0 || result < 0 || result > 4096 ||
        tc_get_int(c, "FileSize", &size) != 0 || size < 0 || size > 64 * 1024 * 1024 ||
        tc_get_string(c, "FileOperationStatus", status, sizeof(status)) != 0 ||
        (strcmp(status, "Success") != 0 && strcmp(status, "Failure") != 0))
        abort();
}

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
        uint64_t addr = (op & 0x80) ? a : 0x10000 + (a % 0x2000);
        int be = op & 1;
        if (op & 2) {
            if (len > size - pos)
                len = size - pos;
            /* Commands that start acquisition spin a thread; let them, but
             * abort again so the harness stays fast (a stop would finish the
             * frame in progress: with its mean image to build, seconds under
             * the sanitizers; an abort discards it between two rows). */
            tc_register_write(cam, addr, data + pos, len, be);
            pos += len;
            tc_execute(cam, "AcquisitionAbort");
            tc_fuzz_check_aoi(cam);
            check_files(cam);
        } else {
            uint8_t buf[256];
            tc_register_read(cam, addr, buf, len, be);
        }
    }
    return 0;
}

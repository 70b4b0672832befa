/* libFuzzer harness: the I/O socket's command parser (src/io/io_server.h)
 * with hostile lines. Checks: a reply is always one NUL-terminated line that
 * starts with ok, error, status or time, and the camera's line state stays
 * consistent (Line1, the flash output, can never be driven). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/io_server.h"

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
    char line[300];
    size_t n = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
    memcpy(line, data, n);
    line[n] = 0;
    char reply[400];
    memset(reply, 'x', sizeof(reply));
    tc_io_command(cam, line, reply, sizeof(reply));
    if (!memchr(reply, 0, sizeof(reply)) || strchr(reply, '\n'))
        abort();
    if (strncmp(reply, "ok", 2) && strncmp(reply, "error", 5) && strncmp(reply, "status ", 7) &&
        strncmp(reply, "time ", 5))
        abort();
    if (tc_drive_line(cam, 1, 1, 0) != TC_EACCESS)
        abort();
    return 0;
}

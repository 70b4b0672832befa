/* libFuzzer harness: a hostile PNG scene file, read by tc_png_read (the
 * reader TwinScene = PngFile uses) from a memory file. Checks beyond "no
 * crash, no UB": a read either fails with a reason or gives an image whose
 * size and layout are within the reader's promises. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image/png_io.h"

static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        fd = memfd_create("fuzz-png", MFD_CLOEXEC);
        if (fd < 0)
            abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    tc_image16 img;
    char err[256] = "";
    if (tc_png_read(path, &img, err, sizeof(err)) == 0) {
        if (!img.data || img.width == 0 || img.height == 0 || img.width > 16384 ||
            img.height > 16384 || (img.channels != 1 && img.channels != 3))
            abort();
        /* Touch the last sample: the whole image was allocated. */
        volatile uint16_t last = img.data[(size_t)img.width * img.height * img.channels - 1];
        (void)last;
        tc_image16_free(&img);
    } else if (!err[0]) {
        abort(); /* a refusal always says why */
    }
    return 0;
}

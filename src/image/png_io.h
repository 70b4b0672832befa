/* PNG files through libpng: reading scenes, writing previews and raw dumps. */
#ifndef TC_IMAGE_PNG_IO_H
#define TC_IMAGE_PNG_IO_H

#include <stddef.h>
#include <stdint.h>

/* An image in memory: `channels` (1 gray, 3 RGB) interleaved samples per pixel,
 * each 16-bit, scaled to 0..65535 whatever the file's depth was. */
typedef struct tc_image16 {
    unsigned width, height, channels;
    uint16_t *data; /* width*height*channels samples, row-major; owned */
} tc_image16;

/* What a PNG read may cost: the file (a regular file, never a FIFO or a
 * device) and the decoded image, 16 bits a sample. 256 MiB holds a 8192 x
 * 8192 16-bit gray image or a 5461 x 5461 colour one, far more than the
 * 4056 x 3040 sensor it is resampled to; a 16384 x 16384 16-bit RGB file
 * (1.5 GiB decoded) is refused by its header, before decoding. */
#define TC_PNG_MAX_FILE (512ull << 20)
#define TC_PNG_MAX_DECODED (256ull << 20)

/* Read an 8- or 16-bit PNG (gray, gray+alpha, RGB, RGBA or palette; alpha is
 * dropped, palette and low-depth gray expanded). Dimensions up to 16384 per
 * side and TC_PNG_MAX_DECODED bytes decoded. Returns 0, or -1 with a reason
 * in err. The caller frees with tc_image16_free. */
int tc_png_read(const char *path, tc_image16 *out, char *err, size_t errlen);
void tc_image16_free(tc_image16 *img);

/* Write an 8-bit RGB (channels 3) or gray (channels 1) PNG. Returns 0 or -1
 * with a reason in err. */
int tc_png_write8(const char *path, const uint8_t *pixels, unsigned width, unsigned height,
                  unsigned channels, char *err, size_t errlen);

/* Told after each row a write has compressed (rows_done 1..rows_total), so
 * a program can show progress: a full-frame preview takes seconds. */
typedef void (*tc_png_progress_fn)(void *ctx, unsigned rows_done, unsigned rows_total);

/* tc_png_write8, calling progress(ctx, ...) after every row (progress may
 * be NULL). */
int tc_png_write8_progress(const char *path, const uint8_t *pixels, unsigned width,
                           unsigned height, unsigned channels, tc_png_progress_fn progress,
                           void *ctx, char *err, size_t errlen);

#endif

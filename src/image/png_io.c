/* PNG reading and writing through libpng.
 *
 * Reading treats the file as hostile: it is opened once without blocking
 * (a FIFO or a device is refused, util/file_open.h) and must be a regular
 * file of at most TC_PNG_MAX_FILE bytes; every libpng error longjmps back
 * here and becomes -1 with libpng's message; dimensions are capped (16384)
 * and the decoded image must fit TC_PNG_MAX_DECODED bytes, both checked on
 * the header before any image memory is allocated or a row decoded, as is
 * the memory libpng may spend on ancillary chunks; and a file too short to
 * hold its declared image even at deflate's best compression ratio is
 * refused before allocating for it. */
#include "image/png_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file_open.h"

#define TC_PNG_MAX_DIM 16384u
/* Deflate never compresses better than about 1032:1. */
#define DEFLATE_MAX_RATIO 1032u

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* State shared with the libpng callbacks. Everything the code after setjmp
 * changes lives here (reached through a pointer that never changes), so
 * nothing is lost when libpng longjmps back. */
typedef struct png_state {
    FILE *fp;
    png_structp png;
    png_infop info;
    uint16_t *data;
    png_bytep *rows;
    char msg[200];
    char warning[120]; /* libpng's last warning: often the detail of an error */
} png_state;

static void on_error(png_structp png, png_const_charp msg)
{
    png_state *st = png_get_error_ptr(png);
    if (st->warning[0])
        snprintf(st->msg, sizeof st->msg, "%s (%s)", msg ? msg : "libpng error", st->warning);
    else
        snprintf(st->msg, sizeof st->msg, "%s", msg ? msg : "libpng error");
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    /* Warnings (bad ancillary chunks, ...) are not fatal; keep the last one
     * to explain an error that may follow. */
    png_state *st = png_get_error_ptr(png);
    snprintf(st->warning, sizeof st->warning, "%s", msg ? msg : "");
}

/* Reads through stdio, calling a short read what it is. */
static void on_read(png_structp png, png_bytep data, size_t length)
{
    png_state *st = png_get_io_ptr(png);
    if (fread(data, 1, length, st->fp) != length)
        png_error(png, ferror(st->fp) ? "read error" : "unexpected end of file (truncated PNG)");
}

void tc_image16_free(tc_image16 *img)
{
    if (!img)
        return;
    free(img->data);
    img->data = NULL;
    img->width = img->height = img->channels = 0;
}

/* Walk the file's chunks (after the signature) before libpng sees them:
 * every declared length must fit in what is left of the file. libpng
 * allocates (and zeroes) a text chunk's declared length before it finds the
 * file short: a 90-byte file declaring 2 GB took seconds and as many bytes.
 * The file is regular (tc_file_open_read), so it can be walked and rewound.
 * Returns 0, or -1 with st->msg. */
static int check_chunks(png_state *st, long long file_size)
{
    long long pos = 8;
    for (;;) {
        uint8_t h[8];
        if (pos + 12 > file_size || fread(h, 1, 8, st->fp) != 8) {
            snprintf(st->msg, sizeof st->msg, "file ends before its IEND chunk (truncated PNG)");
            return -1;
        }
        uint32_t len = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
        char type[5] = { 0 };
        for (int i = 0; i < 4; i++)
            type[i] = (h[4 + i] >= 0x20 && h[4 + i] < 0x7F) ? (char)h[4 + i] : '?';
        if (len > 0x7FFFFFFFu || pos + 12 + (long long)len > file_size) {
            snprintf(st->msg, sizeof st->msg,
                     "chunk %s at byte %lld declares %lu bytes, past the end of the file (%lld bytes)",
                     type, pos, (unsigned long)len, file_size);
            return -1;
        }
        pos += 12 + (long long)len;
        if (!memcmp(h + 4, "IEND", 4))
            break;
        if (fseeko(st->fp, (off_t)len + 4, SEEK_CUR) != 0) {
            snprintf(st->msg, sizeof st->msg, "cannot seek: %s", strerror(errno));
            return -1;
        }
    }
    if (fseeko(st->fp, 8, SEEK_SET) != 0) {
        snprintf(st->msg, sizeof st->msg, "cannot seek: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Ancillary chunks the camera has no use for (a scene is samples only):
 * libpng skips them unread instead of allocating for them. */
static const png_byte unused_chunks[] = {
    'b', 'K', 'G', 'D', 0, 'c', 'H', 'R', 'M', 0, 'e', 'X', 'I', 'f', 0, 'g', 'A', 'M', 'A', 0,
    'h', 'I', 'S', 'T', 0, 'i', 'C', 'C', 'P', 0, 'i', 'T', 'X', 't', 0, 'o', 'F', 'F', 's', 0,
    'p', 'C', 'A', 'L', 0, 'p', 'H', 'Y', 's', 0, 's', 'B', 'I', 'T', 0, 's', 'C', 'A', 'L', 0,
    's', 'P', 'L', 'T', 0, 's', 'R', 'G', 'B', 0, 't', 'E', 'X', 't', 0, 't', 'I', 'M', 'E', 0,
    't', 'R', 'N', 'S', 0, 'z', 'T', 'X', 't', 0,
};

/* The reading proper; on any failure st->msg says why and the caller frees
 * what st holds. Returns 0 or -1. */
static int read_png(png_state *st, tc_image16 *out)
{
    uint8_t sig[8];
    if (fread(sig, 1, sizeof sig, st->fp) != sizeof sig || png_sig_cmp(sig, 0, sizeof sig) != 0) {
        snprintf(st->msg, sizeof st->msg, "not a PNG file");
        return -1;
    }
    struct stat sb;
    long long file_size = fstat(fileno(st->fp), &sb) == 0 ? (long long)sb.st_size : -1;
    if (file_size < 0 || check_chunks(st, file_size) != 0) {
        if (file_size < 0)
            snprintf(st->msg, sizeof st->msg, "cannot stat: %s", strerror(errno));
        return -1;
    }

    st->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, st, on_error, on_warning);
    if (!st->png) {
        snprintf(st->msg, sizeof st->msg, "out of memory");
        return -1;
    }
    st->info = png_create_info_struct(st->png);
    if (!st->info) {
        snprintf(st->msg, sizeof st->msg, "out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(st->png)))
        return -1; /* on_error filled st->msg */

    png_set_read_fn(st->png, st, on_read);
    png_set_sig_bytes(st->png, sizeof sig);
    png_set_user_limits(st->png, TC_PNG_MAX_DIM, TC_PNG_MAX_DIM);
    png_set_chunk_cache_max(st->png, 128);
    png_set_chunk_malloc_max(st->png, 8u << 20);
    png_set_keep_unknown_chunks(st->png, PNG_HANDLE_CHUNK_NEVER, unused_chunks,
                                (int)(sizeof unused_chunks / 5));
    png_read_info(st->png, st->info);
    st->warning[0] = 0; /* header read: older warnings explain nothing below */

    png_uint_32 w, h;
    int depth, color, interlace;
    png_get_IHDR(st->png, st->info, &w, &h, &depth, &color, &interlace, NULL, NULL);
    if (w == 0 || h == 0 || w > TC_PNG_MAX_DIM || h > TC_PNG_MAX_DIM) {
        snprintf(st->msg, sizeof st->msg, "image %lux%lu is outside 1..%u per side",
                 (unsigned long)w, (unsigned long)h, TC_PNG_MAX_DIM);
        return -1;
    }
    /* What the decoded image will take (gray stays 1 sample a pixel, all
     * else becomes RGB; 16 bits a sample), before a row is decoded. */
    unsigned out_channels = (color & PNG_COLOR_MASK_COLOR) ? 3u : 1u;
    unsigned long long decoded = (unsigned long long)w * h * out_channels * sizeof(uint16_t);
    if (decoded > TC_PNG_MAX_DECODED) {
        snprintf(st->msg, sizeof st->msg,
                 "image %lux%lu (%s) needs %llu MiB decoded, over the memory budget of %u MiB",
                 (unsigned long)w, (unsigned long)h, out_channels == 3 ? "colour" : "gray",
                 decoded >> 20, (unsigned)(TC_PNG_MAX_DECODED >> 20));
        return -1;
    }
    /* The filtered image data the file must decompress to (non-interlaced:
     * the least any layout needs). */
    unsigned in_channels = (unsigned)png_get_channels(st->png, st->info);
    unsigned long long raw =
        (unsigned long long)h * (((unsigned long long)w * in_channels * (unsigned)depth + 7) / 8 + 1);
    if (file_size >= 0 && (unsigned long long)file_size * DEFLATE_MAX_RATIO < raw) {
        snprintf(st->msg, sizeof st->msg,
                 "file of %lld bytes is too short for a %lux%lu image (truncated?)", file_size,
                 (unsigned long)w, (unsigned long)h);
        return -1;
    }

    /* Everything to 8- or 16-bit gray or RGB without alpha. */
    if (color == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(st->png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(st->png);
    if (color & PNG_COLOR_MASK_ALPHA)
        png_set_strip_alpha(st->png);
    /* A tRNS chunk is transparency only, and alpha is dropped: not expanded. */
    png_set_interlace_handling(st->png);
    png_read_update_info(st->png, st->info);

    unsigned channels = (unsigned)png_get_channels(st->png, st->info);
    unsigned bits = (unsigned)png_get_bit_depth(st->png, st->info);
    size_t rowbytes = png_get_rowbytes(st->png, st->info);
    if ((channels != 1 && channels != 3) || (bits != 8 && bits != 16)) {
        snprintf(st->msg, sizeof st->msg, "unsupported PNG layout (%u channels, %u bits)",
                 channels, bits);
        return -1;
    }
    size_t samples_per_row = (size_t)w * channels;
    if (rowbytes != samples_per_row * (bits / 8)) {
        snprintf(st->msg, sizeof st->msg, "unexpected PNG row size");
        return -1;
    }
    size_t n = samples_per_row * h; /* <= 16384^2 * 3, fits size_t on 64 bit */
    if (n > SIZE_MAX / 2 / sizeof(uint16_t)) {
        snprintf(st->msg, sizeof st->msg, "image too large");
        return -1;
    }
    st->data = malloc(n * sizeof(uint16_t));
    st->rows = malloc((size_t)h * sizeof *st->rows);
    if (!st->data || !st->rows) {
        snprintf(st->msg, sizeof st->msg, "out of memory for a %lux%lu image", (unsigned long)w,
                 (unsigned long)h);
        return -1;
    }
    /* libpng decodes straight into the output buffer, then samples are
     * widened in place. 16 bit: row y at its final place, big-endian bytes
     * swapped to host order sample by sample. 8 bit: the rows occupy the
     * second half of the buffer, and sample i (byte n + i) is read before
     * sample i is written at bytes 2i, 2i+1 < n + i + 1, so going forwards
     * never overwrites a byte still to be read. */
    uint8_t *bytes = (uint8_t *)st->data;
    for (png_uint_32 y = 0; y < h; y++)
        st->rows[y] = bytes + (bits == 16 ? 0 : n) + (size_t)y * rowbytes;
    png_read_image(st->png, st->rows);
    png_read_end(st->png, NULL);

    if (bits == 16) {
        for (size_t i = 0; i < n; i++) {
            uint16_t v = (uint16_t)(bytes[2 * i] << 8 | bytes[2 * i + 1]);
            st->data[i] = v;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            uint16_t v = (uint16_t)(bytes[n + i] * 257u); /* 0..255 -> 0..65535 */
            st->data[i] = v;
        }
    }
    out->width = (unsigned)w;
    out->height = (unsigned)h;
    out->channels = channels;
    out->data = st->data;
    st->data = NULL;
    return 0;
}

int tc_png_read(const char *path, tc_image16 *out, char *err, size_t errlen)
{
    if (!out) {
        set_err(err, errlen, "no output image");
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (!path) {
        set_err(err, errlen, "no path");
        return -1;
    }
    png_state st;
    memset(&st, 0, sizeof st);
    char why[160];
    int fd = tc_file_open_read(AT_FDCWD, path, 0, TC_PNG_MAX_FILE, why, sizeof why);
    if (fd < 0) {
        set_err(err, errlen, "%s: %s", path, why);
        return -1;
    }
    st.fp = fdopen(fd, "rb");
    if (!st.fp) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    int rc = read_png(&st, out);
    if (rc != 0)
        set_err(err, errlen, "%s: %s", path, st.msg[0] ? st.msg : "unreadable PNG");
    if (st.png)
        png_destroy_read_struct(&st.png, st.info ? &st.info : NULL, NULL);
    free(st.rows);
    free(st.data);
    fclose(st.fp);
    return rc;
}

static int write_png(png_state *st, const uint8_t *pixels, unsigned width, unsigned height,
                     unsigned channels, tc_png_progress_fn progress, void *ctx)
{
    st->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, st, on_error, on_warning);
    if (!st->png) {
        snprintf(st->msg, sizeof st->msg, "out of memory");
        return -1;
    }
    st->info = png_create_info_struct(st->png);
    if (!st->info) {
        snprintf(st->msg, sizeof st->msg, "out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(st->png)))
        return -1;
    png_init_io(st->png, st->fp);
    png_set_IHDR(st->png, st->info, width, height, 8,
                 channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(st->png, st->info);
    size_t stride = (size_t)width * channels;
    for (unsigned y = 0; y < height; y++) {
        png_write_row(st->png, pixels + (size_t)y * stride);
        if (progress)
            progress(ctx, y + 1, height);
    }
    png_write_end(st->png, NULL);
    return 0;
}

int tc_png_write8(const char *path, const uint8_t *pixels, unsigned width, unsigned height,
                  unsigned channels, char *err, size_t errlen)
{
    return tc_png_write8_progress(path, pixels, width, height, channels, NULL, NULL, err, errlen);
}

int tc_png_write8_progress(const char *path, const uint8_t *pixels, unsigned width,
                           unsigned height, unsigned channels, tc_png_progress_fn progress,
                           void *ctx, char *err, size_t errlen)
{
    if (!path || !pixels) {
        set_err(err, errlen, "no path or no pixels");
        return -1;
    }
    if (channels != 1 && channels != 3) {
        set_err(err, errlen, "%s: %u channels (1 or 3 expected)", path, channels);
        return -1;
    }
    if (width == 0 || height == 0) { /* libpng checks the upper limits */
        set_err(err, errlen, "%s: bad image size %ux%u", path, width, height);
        return -1;
    }
    png_state st;
    memset(&st, 0, sizeof st);
    st.fp = fopen(path, "wb");
    if (!st.fp) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = write_png(&st, pixels, width, height, channels, progress, ctx);
    if (st.png)
        png_destroy_write_struct(&st.png, st.info ? &st.info : NULL);
    if (fclose(st.fp) != 0 && rc == 0) {
        snprintf(st.msg, sizeof st.msg, "%s", strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        set_err(err, errlen, "%s: %s", path, st.msg[0] ? st.msg : "cannot write PNG");
        remove(path); /* no half-written file left behind */
    }
    return rc;
}

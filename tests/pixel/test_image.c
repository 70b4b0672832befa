/* PNG I/O (tc_png_read / tc_png_write8) and the demosaicked preview. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <png.h>

#include "image/png_io.h"
#include "image/preview.h"

/* A fresh temporary file name under /tmp (the file exists, empty). */
static void temp_path(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/tc_test_image_XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    close(fd);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    uint8_t *buf = malloc((size_t)size);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *n = (size_t)size;
    return buf;
}

/* ---- write8 / read round trips ------------------------------------------- */

static void roundtrip8(unsigned channels, unsigned w, unsigned h)
{
    char path[64], err[256] = "";
    temp_path(path, sizeof path);
    size_t n = (size_t)w * h * channels;
    uint8_t *px = malloc(n);
    assert_non_null(px);
    for (size_t i = 0; i < n; i++)
        px[i] = (uint8_t)(i * 7 + i / 13);
    assert_int_equal(tc_png_write8(path, px, w, h, channels, err, sizeof err), 0);

    tc_image16 img;
    assert_int_equal(tc_png_read(path, &img, err, sizeof err), 0);
    assert_int_equal(img.width, w);
    assert_int_equal(img.height, h);
    assert_int_equal(img.channels, channels);
    assert_non_null(img.data);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(img.data[i], px[i] * 257u); /* 8 bit scaled to 0..65535 */
    tc_image16_free(&img);
    assert_null(img.data);
    free(px);
    unlink(path);
}

/* The progress callback of a write sees every row once, in order, with the
 * total, and the file is the same as one written without it. */
typedef struct progress_log {
    unsigned calls, last, total;
    int in_order;
} progress_log;

static void on_progress(void *ctx, unsigned done, unsigned total)
{
    progress_log *p = ctx;
    if (done != p->last + 1)
        p->in_order = 0;
    p->last = done;
    p->total = total;
    p->calls++;
}

static void test_write8_progress(void **state)
{
    (void)state;
    enum { W = 19, H = 31 };
    char a[64], b[64], err[256] = "";
    temp_path(a, sizeof a);
    temp_path(b, sizeof b);
    uint8_t px[W * H * 3];
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (uint8_t)(i * 5 + i / 11);
    progress_log p = { .in_order = 1 };
    assert_int_equal(tc_png_write8_progress(a, px, W, H, 3, on_progress, &p, err, sizeof err), 0);
    assert_int_equal(p.calls, H);
    assert_int_equal(p.last, H);
    assert_int_equal(p.total, H);
    assert_true(p.in_order);
    assert_int_equal(tc_png_write8(b, px, W, H, 3, err, sizeof err), 0);
    size_t na, nb;
    uint8_t *fa = slurp(a, &na), *fb = slurp(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(fa, fb, na);
    free(fa);
    free(fb);
    unlink(a);
    unlink(b);
}

static void test_rgb8_roundtrip(void **state)
{
    (void)state;
    roundtrip8(3, 37, 23);
    roundtrip8(3, 1, 1);
}

static void test_gray8_roundtrip(void **state)
{
    (void)state;
    roundtrip8(1, 64, 9);
    roundtrip8(1, 5, 300);
}

/* The size limit is 16384 per side: 16384 reads, 16385 does not. */
static void test_size_limit(void **state)
{
    (void)state;
    char path[64], err[256] = "";
    temp_path(path, sizeof path);
    uint8_t *px = calloc(16385, 2);
    assert_non_null(px);
    for (unsigned i = 0; i < 16385 * 2; i++)
        px[i] = (uint8_t)i;
    assert_int_equal(tc_png_write8(path, px, 16384, 2, 1, err, sizeof err), 0);
    tc_image16 img;
    assert_int_equal(tc_png_read(path, &img, err, sizeof err), 0);
    assert_int_equal(img.width, 16384);
    assert_int_equal(img.height, 2);
    assert_int_equal(img.data[16384 + 5], (uint8_t)(16384 + 5) * 257u);
    tc_image16_free(&img);
    assert_int_equal(tc_png_write8(path, px, 1, 16385, 1, err, sizeof err), 0);
    err[0] = 0;
    assert_int_equal(tc_png_read(path, &img, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    assert_null(img.data);
    print_message("  16385 rows -> %s\n", err);
    free(px);
    unlink(path);
}

static void test_write8_rejects(void **state)
{
    (void)state;
    char path[64], err[256] = "";
    uint8_t px[12] = {0};
    temp_path(path, sizeof path);
    assert_int_equal(tc_png_write8(path, px, 2, 2, 2, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    err[0] = 0;
    assert_int_equal(tc_png_write8(path, px, 0, 2, 3, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    err[0] = 0;
    assert_int_equal(tc_png_write8("/nonexistent-dir/x.png", px, 2, 2, 3, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    unlink(path);
}

/* ---- files written with libpng directly ---------------------------------- */

typedef struct raw_png {
    unsigned w, h;
    int depth, color, interlace;
    const uint8_t *rows; /* packed rows in PNG byte order */
    size_t rowbytes;
    const png_color *palette;
    int npalette;
} raw_png;

static void write_raw_png(const char *path, const raw_png *r)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(png);
    assert_non_null(info);
    if (setjmp(png_jmpbuf(png)))
        fail_msg("libpng failed writing the test file");
    png_init_io(png, f);
    png_set_IHDR(png, info, r->w, r->h, r->depth, r->color, r->interlace,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (r->palette)
        png_set_PLTE(png, info, r->palette, r->npalette);
    png_write_info(png, info);
    int passes = png_set_interlace_handling(png);
    for (int p = 0; p < passes; p++)
        for (unsigned y = 0; y < r->h; y++)
            png_write_row(png, r->rows + (size_t)y * r->rowbytes);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    assert_int_equal(fclose(f), 0);
}

static void test_read16(void **state)
{
    (void)state;
    enum { W = 19, H = 7 };
    static const int kinds[][2] = {
        {PNG_COLOR_TYPE_GRAY, 1},
        {PNG_COLOR_TYPE_RGB, 3},
        {PNG_COLOR_TYPE_RGB_ALPHA, 4},
        {PNG_COLOR_TYPE_GRAY_ALPHA, 2},
    };
    for (unsigned k = 0; k < 4; k++)
        for (int interlace = 0; interlace < 2; interlace++) {
            unsigned ch = (unsigned)kinds[k][1], out_ch = ch >= 3 ? 3 : 1;
            uint16_t want[W * H * 4];
            uint8_t rows[W * H * 4 * 2];
            for (unsigned i = 0; i < W * H * ch; i++) {
                want[i] = (uint16_t)(i * 40503u + 17u); /* all 16 bits vary */
                rows[2 * i] = (uint8_t)(want[i] >> 8);   /* PNG: big-endian */
                rows[2 * i + 1] = (uint8_t)want[i];
            }
            char path[64], err[256] = "";
            temp_path(path, sizeof path);
            raw_png r = {W, H, 16, kinds[k][0],
                         interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                         rows, (size_t)W * ch * 2, NULL, 0};
            write_raw_png(path, &r);
            tc_image16 img;
            assert_int_equal(tc_png_read(path, &img, err, sizeof err), 0);
            assert_int_equal(img.width, W);
            assert_int_equal(img.height, H);
            assert_int_equal(img.channels, out_ch);
            for (unsigned p = 0; p < W * H; p++)
                for (unsigned c = 0; c < out_ch; c++)
                    assert_int_equal(img.data[p * out_ch + c], want[p * ch + c]); /* alpha dropped */
            tc_image16_free(&img);
            unlink(path);
        }
}

static void test_read_low_depth_gray_and_palette(void **state)
{
    (void)state;
    char path[64], err[256] = "";
    tc_image16 img;
    /* 1-bit gray, 10 px: 1 0 1 1 0 0 1 0 | 1 1 -> bytes 0xB2, 0xC0 */
    {
        temp_path(path, sizeof path);
        static const uint8_t rows[] = {0xB2, 0xC0};
        raw_png r = {10, 1, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, rows, 2, NULL, 0};
        write_raw_png(path, &r);
        assert_int_equal(tc_png_read(path, &img, err, sizeof err), 0);
        static const unsigned bitsv[] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1};
        assert_int_equal(img.channels, 1);
        for (unsigned i = 0; i < 10; i++)
            assert_int_equal(img.data[i], bitsv[i] ? 65535 : 0);
        tc_image16_free(&img);
        unlink(path);
    }
    /* 2-bit gray: 0,1,2,3 -> 0, 1/3, 2/3, 1 of full scale */
    {
        temp_path(path, sizeof path);
        static const uint8_t rows[] = {0x1B}; /* 00 01 10 11 */
        raw_png r = {4, 1, 2, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, rows, 1, NULL, 0};
        write_raw_png(path, &r);
        assert_int_equal(tc_png_read(path, &img, err, sizeof err), 0);
        assert_int_equal(img.data[0], 0);
        assert_int_equal(img.data[1], 0x5555);
        assert_int_equal(img.data[2], 0xAAAA);
        assert_int_equal(img.data[3], 0xFFFF);
        tc_image16_free(&img);
        unlink(path);
    }
    /* 4-bit gray: 0x0, 0xF, 0x8 -> 0, 65535, 0x8888 */
    {
        temp_path(path, sizeof path);
        static const uint8_t rows[] = {0x0F, 0x80};
        raw_png r = {3, 1, 4, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, rows, 2, NULL, 0};
        write_raw_png(path, &r);
        assert_int_equal(tc_png_read(path, &img, err, sizeof err), 0);
        assert_int_equal(img.data[0], 0);
        assert_int_equal(img.data[1], 0xFFFF);
        assert_int_equal(img.data[2], 0x8888);
        tc_image16_free(&img);
        unlink(path);
    }
    /* 4-bit palette -> RGB */
    {
        temp_path(path, sizeof path);
        static const png_color pal[3] = {{255, 0, 0}, {0, 128, 0}, {1, 2, 3}};
        static const uint8_t rows[] = {0x01, 0x20, 0x21, 0x00}; /* 0 1 2 0 | 2 1 0 0 */
        raw_png r = {4, 2, 4, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, rows, 2, pal, 3};
        write_raw_png(path, &r);
        assert_int_equal(tc_png_read(path, &img, err, sizeof err), 0);
        assert_int_equal(img.channels, 3);
        static const unsigned idx[8] = {0, 1, 2, 0, 2, 1, 0, 0};
        for (unsigned i = 0; i < 8; i++) {
            assert_int_equal(img.data[3 * i + 0], pal[idx[i]].red * 257u);
            assert_int_equal(img.data[3 * i + 1], pal[idx[i]].green * 257u);
            assert_int_equal(img.data[3 * i + 2], pal[idx[i]].blue * 257u);
        }
        tc_image16_free(&img);
        unlink(path);
    }
}

/* ---- hostile files ------------------------------------------------------- */

/* PNG chunk CRC (CRC-32, polynomial 0xEDB88320), bit by bit. */
static uint32_t png_crc(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static void expect_read_fails(const char *path, const char *what)
{
    tc_image16 img;
    char err[256] = "";
    memset(&img, 0x5A, sizeof img);
    if (tc_png_read(path, &img, err, sizeof err) != -1)
        fail_msg("%s: read succeeded", what);
    if (strlen(err) == 0)
        fail_msg("%s: no error message", what);
    print_message("  %-24s -> %s\n", what, err);
    assert_null(img.data);
    tc_image16_free(&img); /* safe on a failed read */
}

static void test_read_hostile(void **state)
{
    (void)state;
    char good[64], bad[64];
    temp_path(good, sizeof good);
    temp_path(bad, sizeof bad);
    enum { W = 64, H = 48 };
    uint8_t *px = malloc(W * H * 3);
    assert_non_null(px);
    uint32_t x = 1;
    for (size_t i = 0; i < W * H * 3; i++) { /* noise: compresses badly, so IDAT is long */
        x = x * 1103515245u + 12345u;
        px[i] = (uint8_t)(x >> 24);
    }
    char err[256];
    assert_int_equal(tc_png_write8(good, px, W, H, 3, err, sizeof err), 0);
    free(px);
    size_t n;
    uint8_t *file = slurp(good, &n);
    assert_true(n > 1000);

    /* missing file */
    expect_read_fails("/nonexistent-dir/none.png", "missing file");
    /* empty file */
    write_bytes(bad, file, 0);
    expect_read_fails(bad, "empty");
    /* not a PNG at all */
    write_bytes(bad, "hello, this is not a PNG file at all", 36);
    expect_read_fails(bad, "text");
    /* truncated at many points: signature, IHDR, inside IDAT, before IEND */
    static const size_t cuts[] = {4, 8, 12, 20, 33, 40, 60, 200, 1000};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        write_bytes(bad, file, cuts[i]);
        expect_read_fails(bad, "truncated");
    }
    write_bytes(bad, file, n - n / 3);
    expect_read_fails(bad, "truncated in IDAT");
    write_bytes(bad, file, n - 12); /* no IEND */
    expect_read_fails(bad, "no IEND");
    /* garbage after a valid header */
    uint8_t *g = malloc(n);
    assert_non_null(g);
    memcpy(g, file, n);
    for (size_t i = 33; i < n; i++)
        g[i] = (uint8_t)(i * 131 + 7);
    write_bytes(bad, g, n);
    expect_read_fails(bad, "garbage after IHDR");
    /* corrupted bytes in the image data (the CRC no longer matches) */
    memcpy(g, file, n);
    g[n / 2] ^= 0x40;
    write_bytes(bad, g, n);
    expect_read_fails(bad, "corrupted IDAT");
    /* oversized: IHDR says 20000 x 10 (the CRC fixed up so only the size is wrong) */
    memcpy(g, file, n);
    g[16] = 0;
    g[17] = 0;
    g[18] = 0x4E;
    g[19] = 0x20; /* width 20000 */
    uint32_t crc = png_crc(g + 12, 17);
    g[29] = (uint8_t)(crc >> 24);
    g[30] = (uint8_t)(crc >> 16);
    g[31] = (uint8_t)(crc >> 8);
    g[32] = (uint8_t)crc;
    write_bytes(bad, g, n);
    expect_read_fails(bad, "width 20000");
    /* 16384 x 16384 declared in a small file: refused before allocating 1.5 GiB */
    g[16] = 0; g[17] = 0; g[18] = 0x40; g[19] = 0x00;
    g[20] = 0; g[21] = 0; g[22] = 0x40; g[23] = 0x00;
    crc = png_crc(g + 12, 17);
    g[29] = (uint8_t)(crc >> 24);
    g[30] = (uint8_t)(crc >> 16);
    g[31] = (uint8_t)(crc >> 8);
    g[32] = (uint8_t)crc;
    write_bytes(bad, g, n);
    expect_read_fails(bad, "16384^2 in a few KiB");
    free(g);

    /* the good file still reads */
    tc_image16 img;
    assert_int_equal(tc_png_read(good, &img, err, sizeof err), 0);
    tc_image16_free(&img);
    free(file);
    unlink(good);
    unlink(bad);
}

/* ---- preview ------------------------------------------------------------- */

static void test_preview_uniform_grey(void **state)
{
    (void)state;
    enum { W = 10, H = 7 }; /* odd height: mirrored bottom edge */
    static const struct { unsigned bits, value; uint8_t want; } cases[] = {
        {12, 4095, 255},
        {12, 0, 0},
        /* 2048/4095 = 0.50012; ^(1/2.2) = 0.72999; x255 = 186.1 -> 186 */
        {12, 2048, 186},
        {8, 128, 186},  /* 128/255 = 0.50196 -> 0.73083 x 255 = 186.4 */
        {16, 65535, 255},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint16_t raw[W * H];
        uint8_t rgb[W * H * 3];
        for (unsigned i = 0; i < W * H; i++)
            raw[i] = (uint16_t)cases[k].value;
        memset(rgb, 0x77, sizeof rgb);
        tc_preview_demosaic_gr(raw, W, H, cases[k].bits, NULL, rgb);
        for (unsigned i = 0; i < W * H * 3; i++)
            assert_int_equal(rgb[i], cases[k].want);
    }
    /* white balance: gains scale each channel before gamma */
    uint16_t raw[W * H];
    uint8_t rgb[W * H * 3];
    for (unsigned i = 0; i < W * H; i++)
        raw[i] = 1024; /* 12 bit: 0.25006 */
    const float wb[3] = {2.0f, 1.0f, 4.0f};
    tc_preview_demosaic_gr(raw, W, H, 12, wb, rgb);
    for (unsigned i = 0; i < W * H; i++) {
        assert_int_equal(rgb[3 * i + 0], 186); /* 0.50012 -> 186 */
        assert_int_equal(rgb[3 * i + 1], 136); /* 0.25006^(1/2.2) = 0.5325 x 255 = 135.8 */
        assert_int_equal(rgb[3 * i + 2], 255); /* 1.0002 clamps */
    }
}

static void test_preview_pure_red(void **state)
{
    (void)state;
    enum { W = 12, H = 8 };
    uint16_t raw[W * H];
    uint8_t rgb[W * H * 3];
    /* Bayer GR: R sites are even rows, odd columns. */
    for (unsigned y = 0; y < H; y++)
        for (unsigned x = 0; x < W; x++)
            raw[y * W + x] = (y % 2 == 0 && x % 2 == 1) ? 4095 : 0;
    tc_preview_demosaic_gr(raw, W, H, 12, NULL, rgb);
    for (unsigned y = 1; y + 1 < H; y++)
        for (unsigned x = 1; x + 1 < W; x++) {
            const uint8_t *p = rgb + (y * W + x) * 3;
            if (p[0] != 255 || p[1] != 0 || p[2] != 0)
                fail_msg("pixel (%u,%u) is (%u,%u,%u), want red", x, y, p[0], p[1], p[2]);
        }
    /* and with mirrored edges the border stays red too */
    for (unsigned i = 0; i < W * H; i++) {
        assert_int_equal(rgb[3 * i], 255);
        assert_int_equal(rgb[3 * i + 1], 0);
        assert_int_equal(rgb[3 * i + 2], 0);
    }

    /* pure blue (B sites: odd rows, even columns) gives blue, pure green gives green */
    for (unsigned y = 0; y < H; y++)
        for (unsigned x = 0; x < W; x++)
            raw[y * W + x] = (y % 2 == 1 && x % 2 == 0) ? 4095 : 0;
    tc_preview_demosaic_gr(raw, W, H, 12, NULL, rgb);
    for (unsigned i = 0; i < W * H; i++) {
        assert_int_equal(rgb[3 * i], 0);
        assert_int_equal(rgb[3 * i + 1], 0);
        assert_int_equal(rgb[3 * i + 2], 255);
    }
    for (unsigned y = 0; y < H; y++)
        for (unsigned x = 0; x < W; x++)
            raw[y * W + x] = (x + y) % 2 == 0 ? 4095 : 0;
    tc_preview_demosaic_gr(raw, W, H, 12, NULL, rgb);
    for (unsigned i = 0; i < W * H; i++) {
        assert_int_equal(rgb[3 * i], 0);
        assert_int_equal(rgb[3 * i + 1], 255);
        assert_int_equal(rgb[3 * i + 2], 0);
    }
}

/* Bilinear values: a horizontal ramp on the R sites only; at a G site of an
 * R row, R is the mean of its left and right neighbours. */
static void test_preview_interpolates(void **state)
{
    (void)state;
    enum { W = 8, H = 4 };
    uint16_t raw[W * H];
    uint8_t rgb[W * H * 3];
    memset(raw, 0, sizeof raw);
    raw[0 * W + 1] = 255; /* R at (1,0) */
    raw[0 * W + 3] = 0;   /* R at (3,0) */
    tc_preview_demosaic_gr(raw, W, H, 8, NULL, rgb);
    /* G site (2,0): R = (255 + 0) / 2 = 127.5/255 = 0.5 -> 0.7297 x 255 = 186.1 */
    assert_int_equal(rgb[(0 * W + 2) * 3 + 0], 186);
    /* G site (0,0): left neighbour mirrors to (1,0): R = 255 */
    assert_int_equal(rgb[(0 * W + 0) * 3 + 0], 255);
    /* B site (2,1): R = mean of diagonals (1,0),(3,0),(1,2),(3,2) = 255/4 -> 0.25^(1/2.2) = 0.5325 -> 136 */
    assert_int_equal(rgb[(1 * W + 2) * 3 + 0], 136);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rgb8_roundtrip),
        cmocka_unit_test(test_write8_progress),
        cmocka_unit_test(test_gray8_roundtrip),
        cmocka_unit_test(test_write8_rejects),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_read16),
        cmocka_unit_test(test_read_low_depth_gray_and_palette),
        cmocka_unit_test(test_read_hostile),
        cmocka_unit_test(test_preview_uniform_grey),
        cmocka_unit_test(test_preview_pure_red),
        cmocka_unit_test(test_preview_interpolates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Pixel formats: table, row sizes, and pack/unpack of every format.
 *
 * The byte vectors below were worked out by hand from the layout text in
 * docs (../shared/reference/facts.md section 3), not produced by the packer:
 * each carries the derivation next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pixel/pixel_format.h"

static const tc_pixel_format *fmt(uint32_t code)
{
    const tc_pixel_format *f = tc_pixel_format_by_code(code);
    assert_non_null(f);
    return f;
}

/* ---- table and lookups --------------------------------------------------- */

static void test_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint32_t code;
        unsigned bits, bits_per_px, group_px;
    } want[] = {
        {"BayerGR8", 0x01080008, 8, 8, 1},
        {"BayerGR10", 0x0110000C, 10, 16, 1},
        {"BayerGR12", 0x01100010, 12, 16, 1},
        {"BayerGR10p", 0x010A0056, 10, 10, 4},
        {"BayerGR12p", 0x010C0057, 12, 12, 2},
        {"BayerGR10g40IDS", 0x40000003, 10, 10, 4},
        {"BayerGR12g24IDS", 0x40000013, 12, 12, 2},
    };
    assert_int_equal(tc_pixel_format_count, 7);
    for (unsigned i = 0; i < 7; i++) {
        const tc_pixel_format *f = &tc_pixel_formats[i];
        assert_string_equal(f->name, want[i].name);
        assert_int_equal(f->code, want[i].code);
        assert_int_equal(f->bits, want[i].bits);
        assert_int_equal(f->bits_per_px, want[i].bits_per_px);
        assert_int_equal(f->group_px, want[i].group_px);
        assert_non_null(f->description);
        assert_true(strlen(f->description) > 0);
        assert_ptr_equal(tc_pixel_format_by_code(want[i].code), f);
        assert_ptr_equal(tc_pixel_format_by_name(want[i].name), f);
    }
}

static void test_lookup_unknown(void **state)
{
    (void)state;
    assert_null(tc_pixel_format_by_code(0));
    assert_null(tc_pixel_format_by_code(0x01080009));  /* BayerRG8 */
    assert_null(tc_pixel_format_by_code(0x01080001));  /* Mono8 */
    assert_null(tc_pixel_format_by_code(0x40000004));
    assert_null(tc_pixel_format_by_code(0xFFFFFFFFu));
    assert_null(tc_pixel_format_by_name("BayerRG8"));
    assert_null(tc_pixel_format_by_name("bayergr8")); /* enum names are case-sensitive */
    assert_null(tc_pixel_format_by_name("BayerGR8 "));
    assert_null(tc_pixel_format_by_name(""));
    assert_null(tc_pixel_format_by_name(NULL));
}

static void test_row_bytes(void **state)
{
    (void)state;
    static const struct {
        uint32_t code;
        size_t w0, w1, w2, w3, w5, w4056, w4095, w4093;
    } t[] = {
        /*                         0  1  2  3  5  4056  4095  4093 */
        {TC_PFNC_BAYERGR8,         0, 1, 2, 3, 5, 4056, 4095, 4093},
        {TC_PFNC_BAYERGR10,        0, 2, 4, 6, 10, 8112, 8190, 8186},
        {TC_PFNC_BAYERGR12,        0, 2, 4, 6, 10, 8112, 8190, 8186},
        /* 10 bits/px: 4056*10/8 = 5070; 4095*10 = 40950 bits -> 5119 bytes;
         * 4093*10 = 40930 -> 5117 (5116.25 rounded up); 3 px = 30 bits -> 4 */
        {TC_PFNC_BAYERGR10P,       0, 2, 3, 4, 7, 5070, 5119, 5117},
        {TC_PFNC_BAYERGR10G40IDS,  0, 2, 3, 4, 7, 5070, 5119, 5117},
        /* 12 bits/px: 4056*12/8 = 6084; 4095 -> 49140 bits = 6142.5 -> 6143 */
        {TC_PFNC_BAYERGR12P,       0, 2, 3, 5, 8, 6084, 6143, 6140},
        {TC_PFNC_BAYERGR12G24IDS,  0, 2, 3, 5, 8, 6084, 6143, 6140},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const tc_pixel_format *f = fmt(t[i].code);
        assert_int_equal(tc_pixel_row_bytes(f, 0), t[i].w0);
        assert_int_equal(tc_pixel_row_bytes(f, 1), t[i].w1);
        assert_int_equal(tc_pixel_row_bytes(f, 2), t[i].w2);
        assert_int_equal(tc_pixel_row_bytes(f, 3), t[i].w3);
        assert_int_equal(tc_pixel_row_bytes(f, 5), t[i].w5);
        assert_int_equal(tc_pixel_row_bytes(f, 4056), t[i].w4056);
        assert_int_equal(tc_pixel_row_bytes(f, 4095), t[i].w4095);
        assert_int_equal(tc_pixel_row_bytes(f, 4093), t[i].w4093);
        /* and in general: ceil(width * bits_per_px / 8) */
        for (size_t w = 0; w < 100; w++)
            assert_int_equal(tc_pixel_row_bytes(f, w), (w * f->bits_per_px + 7) / 8);
    }
    /* A full 4056 x 3040 frame of BayerGR12p: the PayloadSize the camera reports. */
    assert_int_equal(tc_pixel_row_bytes(fmt(TC_PFNC_BAYERGR12P), 4056) * 3040, 18495360);
}

/* ---- byte-exact vectors -------------------------------------------------- */

typedef struct vec {
    uint32_t code;
    unsigned n;          /* pixels */
    uint16_t px[4];      /* 12-bit ADC input */
    unsigned nbytes;
    uint8_t bytes[8];    /* expected wire bytes, derived by hand */
} vec;

/* 12-bit pixels 0x123, 0xABC, 0x456, 0x789.
 * 10-bit pixels 0x123, 0x3C5, 0x0F0, 0x2A9, fed as 12-bit v10 << 2 | 0b11
 * (the two dropped LSBs are ones, so truncation is checked too):
 *   0x48F, 0xF17, 0x3C3, 0xAA7. */
static const vec vectors[] = {
    /* BayerGR8: v >> 4: 0x12, 0xAB, 0x45, 0x78. */
    {TC_PFNC_BAYERGR8, 4, {0x123, 0xABC, 0x456, 0x789}, 4, {0x12, 0xAB, 0x45, 0x78}},
    /* BayerGR10: v >> 2 = 0x048, 0x2AF, 0x115, 0x1E2, little-endian 16 bit. */
    {TC_PFNC_BAYERGR10, 4, {0x123, 0xABC, 0x456, 0x789}, 8,
     {0x48, 0x00, 0xAF, 0x02, 0x15, 0x01, 0xE2, 0x01}},
    /* BayerGR12: v, little-endian 16 bit. */
    {TC_PFNC_BAYERGR12, 4, {0x123, 0xABC, 0x456, 0x789}, 8,
     {0x23, 0x01, 0xBC, 0x0A, 0x56, 0x04, 0x89, 0x07}},
    /* BayerGR12p: B0 = P0[7:0] = 0x23; B1 = P1[3:0]<<4 | P0[11:8] = 0xC<<4 | 0x1 = 0xC1;
     * B2 = P1[11:4] = 0xAB; next group: 0x56, 0x9<<4 | 0x4 = 0x94, 0x78. */
    {TC_PFNC_BAYERGR12P, 4, {0x123, 0xABC, 0x456, 0x789}, 6,
     {0x23, 0xC1, 0xAB, 0x56, 0x94, 0x78}},
    /* BayerGR12g24IDS: B0 = P0[11:4] = 0x12; B1 = P1[11:4] = 0xAB;
     * B2 = P1[3:0]<<4 | P0[3:0] = 0xC<<4 | 0x3 = 0xC3; then 0x45, 0x78, 0x9<<4 | 0x6 = 0x96. */
    {TC_PFNC_BAYERGR12G24IDS, 4, {0x123, 0xABC, 0x456, 0x789}, 6,
     {0x12, 0xAB, 0xC3, 0x45, 0x78, 0x96}},
    /* BayerGR10p, 10-bit P = 0x123 (01 0010 0011), 0x3C5 (11 1100 0101),
     * 0x0F0 (00 1111 0000), 0x2A9 (10 1010 1001); stream bits 10i..10i+9:
     * B0 = P0[7:0] = 0x23
     * B1 = P1[5:0]<<2 | P0[9:8] = 000101<<2 | 01 = 0x15
     * B2 = P2[3:0]<<4 | P1[9:6] = 0000<<4 | 1111 = 0x0F
     * B3 = P3[1:0]<<6 | P2[9:4] = 01<<6 | 001111 = 0x4F
     * B4 = P3[9:2] = 10101010 = 0xAA */
    {TC_PFNC_BAYERGR10P, 4, {0x48F, 0xF17, 0x3C3, 0xAA7}, 5, {0x23, 0x15, 0x0F, 0x4F, 0xAA}},
    /* BayerGR10g40IDS: B0..B3 = P[9:2] = 0x48, 0xF1, 0x3C, 0xAA;
     * B4 = P3[1:0]<<6 | P2[1:0]<<4 | P1[1:0]<<2 | P0[1:0] = 01<<6 | 00<<4 | 01<<2 | 11 = 0x47. */
    {TC_PFNC_BAYERGR10G40IDS, 4, {0x48F, 0xF17, 0x3C3, 0xAA7}, 5,
     {0x48, 0xF1, 0x3C, 0xAA, 0x47}},

    /* Partial groups (odd widths): the group completed with zero pixels,
     * truncated to ceil(n * bits_per_px / 8) bytes. */
    /* 10p, 1 px: stream = 0x123 in 10 bits -> 0x23, 0x01 */
    {TC_PFNC_BAYERGR10P, 1, {0x48F}, 2, {0x23, 0x01}},
    /* 10p, 2 px: 20 bits -> 0x23, 0x15, then P1[9:6] = 0x0F */
    {TC_PFNC_BAYERGR10P, 2, {0x48F, 0xF17}, 3, {0x23, 0x15, 0x0F}},
    /* 10p, 3 px: 30 bits -> B3 = P2[9:4] with zero padding = 0x0F */
    {TC_PFNC_BAYERGR10P, 3, {0x48F, 0xF17, 0x3C3}, 4, {0x23, 0x15, 0x0F, 0x0F}},
    /* 10g40, 1 px: MSB byte 0x48, LSB byte P0[1:0] = 0x03 */
    {TC_PFNC_BAYERGR10G40IDS, 1, {0x48F}, 2, {0x48, 0x03}},
    /* 10g40, 3 px: 0x48 0xF1 0x3C, LSB byte 00<<4 | 01<<2 | 11 = 0x07 */
    {TC_PFNC_BAYERGR10G40IDS, 3, {0x48F, 0xF17, 0x3C3}, 4, {0x48, 0xF1, 0x3C, 0x07}},
    /* 12p, 1 px: P0[7:0] = 0x23, P0[11:8] = 0x01 */
    {TC_PFNC_BAYERGR12P, 1, {0x123}, 2, {0x23, 0x01}},
    /* 12p, 3 px: 0x23 0xC1 0xAB, then 0x56, 0x04 */
    {TC_PFNC_BAYERGR12P, 3, {0x123, 0xABC, 0x456}, 5, {0x23, 0xC1, 0xAB, 0x56, 0x04}},
    /* 12g24, 1 px: P0[11:4] = 0x12, then P0[3:0] = 0x03 */
    {TC_PFNC_BAYERGR12G24IDS, 1, {0x123}, 2, {0x12, 0x03}},
    /* 12g24, 3 px: 0x12 0xAB 0xC3, then 0x45, 0x06 */
    {TC_PFNC_BAYERGR12G24IDS, 3, {0x123, 0xABC, 0x456}, 5, {0x12, 0xAB, 0xC3, 0x45, 0x06}},
    /* 8/10/12 unpacked, 1 px */
    {TC_PFNC_BAYERGR8, 1, {0xFFF}, 1, {0xFF}},
    {TC_PFNC_BAYERGR10, 1, {0xFFF}, 2, {0xFF, 0x03}},
    {TC_PFNC_BAYERGR12, 1, {0xFFF}, 2, {0xFF, 0x0F}},
};

static void check_vector(const vec *v, const uint16_t *px)
{
    const tc_pixel_format *f = fmt(v->code);
    assert_int_equal(tc_pixel_row_bytes(f, v->n), v->nbytes);
    uint8_t *out = malloc(v->nbytes); /* exact size: ASan catches any overrun */
    assert_non_null(out);
    memset(out, 0xEE, v->nbytes);
    tc_pixel_pack_row(f, px, v->n, out);
    if (memcmp(out, v->bytes, v->nbytes) != 0) {
        for (unsigned i = 0; i < v->nbytes; i++)
            print_message("%s n=%u byte %u: got 0x%02X want 0x%02X\n", f->name, v->n, i, out[i],
                          v->bytes[i]);
        fail();
    }
    /* and back: values at the format's depth */
    uint16_t back[4];
    tc_pixel_unpack_row(f, v->bytes, v->n, back);
    for (unsigned i = 0; i < v->n; i++)
        assert_int_equal(back[i], (v->px[i] & 0xFFF) >> (12 - f->bits));
    free(out);
}

static void test_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        check_vector(&vectors[i], vectors[i].px);
        /* Bits above the 12 ADC bits are ignored. */
        uint16_t hi[4];
        for (unsigned k = 0; k < 4; k++)
            hi[k] = (uint16_t)(vectors[i].px[k] | 0xF000);
        check_vector(&vectors[i], hi);
    }
}

/* The same 4-pixel vector repeated along long rows: the whole-group and bulk
 * code of the packer (not only the tail) must produce the hand-derived bytes
 * in every group, and an odd tail after them. */
static void test_vectors_repeated(void **state)
{
    (void)state;
    static const size_t widths[] = {4, 8, 12, 16, 20, 36, 64, 1020, 1024, 1028, 4056, 4096,
                                    4097, 4098, 4099, 4101};
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const vec *v = &vectors[i];
        if (v->n != 4)
            continue;
        const tc_pixel_format *f = fmt(v->code);
        for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
            size_t w = widths[wi], groups = w / 4, tail = w % 4;
            uint16_t *px = malloc(w * sizeof *px);
            size_t rb = tc_pixel_row_bytes(f, w);
            uint8_t *out = malloc(rb);
            assert_non_null(px);
            assert_non_null(out);
            for (size_t k = 0; k < w; k++)
                px[k] = v->px[k % 4];
            memset(out, 0xEE, rb);
            tc_pixel_pack_row(f, px, w, out);
            for (size_t g = 0; g < groups; g++)
                if (memcmp(out + g * v->nbytes, v->bytes, v->nbytes) != 0) {
                    print_message("%s width %zu: group %zu differs\n", f->name, w, g);
                    fail();
                }
            if (tail) { /* the tail equals the hand vector for that many pixels */
                const vec *t = NULL;
                for (size_t j = 0; j < sizeof vectors / sizeof vectors[0]; j++)
                    if (vectors[j].code == v->code && vectors[j].n == tail &&
                        memcmp(vectors[j].px, v->px, tail * sizeof v->px[0]) == 0)
                        t = &vectors[j];
                if (t) {
                    assert_int_equal(rb - groups * v->nbytes, t->nbytes);
                    assert_memory_equal(out + groups * v->nbytes, t->bytes, t->nbytes);
                }
            }
            free(px);
            free(out);
        }
    }
}

/* ---- round trips --------------------------------------------------------- */

/* All 4096 12-bit values, in rows of `width` pixels (the last row wraps
 * around to 0), must come back as v >> (12 - bits). Each row buffer is
 * allocated at exactly tc_pixel_row_bytes, so ASan reports any overrun, and
 * every byte is checked to be written (two fills, 0x00 and 0xFF). */
static void roundtrip(const tc_pixel_format *f, size_t width)
{
    size_t rb = tc_pixel_row_bytes(f, width);
    uint16_t *px = malloc(width * sizeof *px);
    uint16_t *back = malloc(width * sizeof *back);
    uint8_t *a = malloc(rb), *b = malloc(rb);
    assert_non_null(px);
    assert_non_null(back);
    assert_non_null(a);
    assert_non_null(b);
    for (size_t start = 0; start < 4096; start += width) {
        for (size_t i = 0; i < width; i++)
            px[i] = (uint16_t)((start + i) % 4096);
        memset(a, 0x00, rb);
        memset(b, 0xFF, rb);
        tc_pixel_pack_row(f, px, width, a);
        tc_pixel_pack_row(f, px, width, b);
        if (memcmp(a, b, rb) != 0) {
            print_message("%s width %zu: pack left bytes unwritten\n", f->name, width);
            fail();
        }
        memset(back, 0xAB, width * sizeof *back);
        tc_pixel_unpack_row(f, a, width, back);
        for (size_t i = 0; i < width; i++) {
            unsigned want = px[i] >> (12 - f->bits);
            if (back[i] != want) {
                print_message("%s width %zu: pixel %zu value 0x%03X came back 0x%03X\n", f->name,
                              width, i, px[i], back[i]);
                fail();
            }
        }
    }
    free(px);
    free(back);
    free(a);
    free(b);
}

static void test_roundtrip_all_values(void **state)
{
    (void)state;
    static const size_t widths[] = {4096, 4095, 4094, 4093, 4056, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13,
                                    15, 17, 31, 33, 1023, 1025};
    for (unsigned fi = 0; fi < tc_pixel_format_count; fi++)
        for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
            roundtrip(&tc_pixel_formats[fi], widths[wi]);
}

/* With every pixel at full scale, exactly width * bits bits are set: padding
 * bits of partial groups (and the unused high bits of the 16-bit containers)
 * are zero. With every pixel zero, the whole row is zero. */
static void test_padding_zero(void **state)
{
    (void)state;
    for (unsigned fi = 0; fi < tc_pixel_format_count; fi++) {
        const tc_pixel_format *f = &tc_pixel_formats[fi];
        for (size_t w = 1; w <= 67; w++) {
            size_t rb = tc_pixel_row_bytes(f, w);
            uint16_t px[67];
            uint8_t out[140];
            for (size_t i = 0; i < w; i++)
                px[i] = 0xFFFF;
            memset(out, 0xAA, sizeof out);
            tc_pixel_pack_row(f, px, w, out);
            size_t ones = 0;
            for (size_t i = 0; i < rb; i++)
                for (unsigned b = 0; b < 8; b++)
                    ones += out[i] >> b & 1;
            assert_int_equal(ones, w * f->bits);
            assert_int_equal(out[rb], 0xAA); /* nothing past the row */

            for (size_t i = 0; i < w; i++)
                px[i] = 0;
            tc_pixel_pack_row(f, px, w, out);
            for (size_t i = 0; i < rb; i++)
                assert_int_equal(out[i], 0);
            assert_int_equal(out[rb], 0xAA);
        }
    }
}

/* An independent reference written from the layout text, bit by bit, checked
 * against the packer on rows of pseudo-random values of many widths (this
 * covers the bulk path at every alignment, where the short vectors above
 * cannot reach). */
static void put_bits(uint8_t *out, size_t bitpos, unsigned value, unsigned nbits)
{
    for (unsigned i = 0; i < nbits; i++)
        if (value >> i & 1)
            out[(bitpos + i) / 8] |= (uint8_t)(1u << ((bitpos + i) % 8));
}

static void reference_pack(const tc_pixel_format *f, const uint16_t *px, size_t n, uint8_t *out)
{
    memset(out, 0, tc_pixel_row_bytes(f, n));
    for (size_t i = 0; i < n; i++) {
        unsigned v = (px[i] & 0xFFF) >> (12 - f->bits);
        switch (f->code) {
        case TC_PFNC_BAYERGR8: out[i] = (uint8_t)v; break;
        case TC_PFNC_BAYERGR10:
        case TC_PFNC_BAYERGR12: put_bits(out, 16 * i, v, 16); break;
        case TC_PFNC_BAYERGR10P:
        case TC_PFNC_BAYERGR12P: put_bits(out, (size_t)f->bits * i, v, f->bits); break;
        case TC_PFNC_BAYERGR10G40IDS: {
            size_t g = i / 4, j = i % 4, k = n - 4 * g < 4 ? n - 4 * g : 4; /* px in group */
            out[5 * g + j] = (uint8_t)(v >> 2);                 /* Bj = Pj[9:2] */
            put_bits(out, 8 * (5 * g + k) + 2 * j, v & 3, 2);  /* LSB byte after the MSBs */
            break;
        }
        case TC_PFNC_BAYERGR12G24IDS: {
            size_t g = i / 2, j = i % 2, k = n - 2 * g < 2 ? n - 2 * g : 2;
            out[3 * g + j] = (uint8_t)(v >> 4);
            put_bits(out, 8 * (3 * g + k) + 4 * j, v & 0xF, 4);
            break;
        }
        default: fail();
        }
    }
}

static void test_against_reference(void **state)
{
    (void)state;
    uint32_t x = 12345;
    for (unsigned fi = 0; fi < tc_pixel_format_count; fi++) {
        const tc_pixel_format *f = &tc_pixel_formats[fi];
        for (size_t w = 1; w <= 1100; w += (w < 40 ? 1 : 37)) {
            size_t rb = tc_pixel_row_bytes(f, w);
            uint16_t *px = malloc(w * sizeof *px);
            uint8_t *got = malloc(rb), *want = malloc(rb);
            assert_non_null(px);
            assert_non_null(got);
            assert_non_null(want);
            for (size_t i = 0; i < w; i++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                px[i] = (uint16_t)x; /* all 16 bits random: the packer masks to 12 */
            }
            reference_pack(f, px, w, want);
            tc_pixel_pack_row(f, px, w, got);
            if (memcmp(got, want, rb) != 0) {
                for (size_t i = 0; i < rb; i++)
                    if (got[i] != want[i]) {
                        print_message("%s width %zu: first difference at byte %zu\n", f->name, w,
                                      i);
                        break;
                    }
                fail();
            }
            free(px);
            free(got);
            free(want);
        }
    }
}

/* Packing into a row of a larger buffer at any byte offset (no alignment
 * assumptions) and from unaligned-by-one-pixel input. */
static void test_unaligned(void **state)
{
    (void)state;
    enum { W = 203 };
    uint16_t src[W + 3];
    for (unsigned i = 0; i < W + 3; i++)
        src[i] = (uint16_t)(i * 37 % 4096);
    for (unsigned fi = 0; fi < tc_pixel_format_count; fi++) {
        const tc_pixel_format *f = &tc_pixel_formats[fi];
        size_t rb = tc_pixel_row_bytes(f, W);
        uint8_t ref[2 * W], buf[2 * W + 16];
        tc_pixel_pack_row(f, src + 1, W, ref);
        for (size_t off = 0; off < 8; off++) {
            memset(buf, 0x5C, sizeof buf);
            tc_pixel_pack_row(f, src + 1, W, buf + off);
            assert_memory_equal(buf + off, ref, rb);
            for (size_t i = 0; i < off; i++)
                assert_int_equal(buf[i], 0x5C);
            assert_int_equal(buf[off + rb], 0x5C);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_lookup_unknown),
        cmocka_unit_test(test_row_bytes),
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_vectors_repeated),
        cmocka_unit_test(test_roundtrip_all_values),
        cmocka_unit_test(test_padding_zero),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_unaligned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

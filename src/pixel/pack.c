/* Row packers between 12-bit ADC values and the wire layouts of
 * pixel_format.h.
 *
 * tc_pixel_pack_row and tc_pixel_unpack_row dispatch on the format once per
 * row; every per-format loop below is straight-line code per group, with no
 * branches on the format or per pixel.
 *
 * Packed formats (10p, 12p, 10g40IDS, 12g24IDS) are written in two steps.
 *  - The bulk of the row, in blocks of 4 pixels, on little-endian hosts: a
 *    loop that the compiler vectorises turns each block (four 16-bit samples
 *    read as one 64-bit word) into the block's 5 or 6 wire bytes held in the
 *    low bytes of a 64-bit word, by shifts and masks only (SWAR); a second
 *    loop stores those words 8 bytes at a time at a 5- or 6-byte stride, each
 *    store's excess bytes being overwritten by the next one. The last whole
 *    block of the row is left to the generic code so no store passes the end
 *    of the row.
 *  - The rest of the row (that last block, any remaining whole groups and the
 *    partial group of an odd-width row; on big-endian hosts the whole row):
 *    generic per-group code with byte stores, which is also the reference the
 *    bulk code must agree with (the tests check both paths against vectors
 *    derived by hand from the layout text).
 *
 * Partial groups. A row whose width is not a multiple of the group size ends
 * with k < group_px pixels. They are encoded as if the group were completed
 * with zero pixels, and only the first tc_pixel_row_bytes() bytes of it are
 * kept (ceil(k * bits_per_px / 8)); bits that belong to no real pixel are 0:
 *   - 10p / 12p (LSB-first bit stream): the stream stops after pixel k-1,
 *     padded with zero bits to the next byte.
 *   - 10g40IDS (k = 1..3): the k MSB bytes, then one byte holding the 2-bit
 *     LSBs of the k pixels at their usual positions (k + 1 bytes).
 *   - 12g24IDS (k = 1): P0[11:4], then a byte with P0[3:0] in its low nibble
 *     (2 bytes).
 * Unpack reads a partial group back without looking past the row end. */
#include "pixel/pixel_format.h"

#include <string.h>

#define DN12_MASK 0x0FFFu

/* (-DTC_PACK_NO_SWAR and -DTC_PACK_NO_CLONES turn the bulk path and the
 * AVX2 clones off, to test the generic and baseline code on any host.) */

/* Vectorised bulk path: needs a little-endian host (a 64-bit load of four
 * uint16_t puts pixel i in bits 16i..16i+15, and a 64-bit store puts bits
 * 8k..8k+7 in byte k). */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && !defined(TC_PACK_NO_SWAR)
#define TC_PACK_SWAR 1
#else
#define TC_PACK_SWAR 0
#endif

/* On x86-64 glibc with gcc or clang >= 14, build an AVX2 clone of the vectorisable
 * loops next to the baseline one, chosen at load time (ifunc). Integer code
 * only, so every clone gives identical bytes. */
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(TC_PACK_NO_CLONES) && \
    ((defined(__clang__) && __clang_major__ >= 14) || (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 8))
#define TC_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TC_SIMD_CLONES
#endif

/* ---- BayerGR8 ----------------------------------------------------------- */

TC_SIMD_CLONES
static void pack8(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)((in[i] & DN12_MASK) >> 4);
}

static void unpack8(const uint8_t *restrict in, size_t n, uint16_t *restrict out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[i];
}

/* ---- BayerGR10 / BayerGR12: 16-bit little-endian containers ------------- */

TC_SIMD_CLONES
static void pack10(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = (in[i] & DN12_MASK) >> 2;
        out[2 * i] = (uint8_t)v;
        out[2 * i + 1] = (uint8_t)(v >> 8);
    }
}

TC_SIMD_CLONES
static void pack12(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = in[i] & DN12_MASK;
        out[2 * i] = (uint8_t)v;
        out[2 * i + 1] = (uint8_t)(v >> 8);
    }
}

static void unpack16le(const uint8_t *restrict in, size_t n, unsigned mask, uint16_t *restrict out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint16_t)((in[2 * i] | (unsigned)in[2 * i + 1] << 8) & mask);
}

/* ---- generic group packers (byte stores; any host byte order) ----------- */

/* BayerGR10p: LSB-first stream, pixel i in stream bits 10i..10i+9. */
static inline void pack10p_group(const uint16_t *in, uint8_t *out)
{
    unsigned a = (in[0] & DN12_MASK) >> 2, b = (in[1] & DN12_MASK) >> 2;
    unsigned c = (in[2] & DN12_MASK) >> 2, d = (in[3] & DN12_MASK) >> 2;
    out[0] = (uint8_t)a;
    out[1] = (uint8_t)(a >> 8 | b << 2);
    out[2] = (uint8_t)(b >> 6 | c << 4);
    out[3] = (uint8_t)(c >> 4 | d << 6);
    out[4] = (uint8_t)(d >> 2);
}

static void pack10p_generic(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    size_t groups = n / 4;
    for (size_t g = 0; g < groups; g++)
        pack10p_group(in + 4 * g, out + 5 * g);
    size_t k = n % 4;
    if (k) {
        uint16_t px[4] = {0, 0, 0, 0};
        uint8_t tmp[5];
        memcpy(px, in + 4 * groups, k * sizeof px[0]);
        pack10p_group(px, tmp);
        memcpy(out + 5 * groups, tmp, (k * 10 + 7) / 8);
    }
}

/* BayerGR12p: B0 = P0[7:0], B1 = P1[3:0]<<4 | P0[11:8], B2 = P1[11:4]. */
static void pack12p_generic(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    size_t groups = n / 2;
    for (size_t g = 0; g < groups; g++) {
        unsigned a = in[2 * g] & DN12_MASK, b = in[2 * g + 1] & DN12_MASK;
        uint8_t *o = out + 3 * g;
        o[0] = (uint8_t)a;
        o[1] = (uint8_t)(a >> 8 | b << 4);
        o[2] = (uint8_t)(b >> 4);
    }
    if (n % 2) {
        unsigned a = in[n - 1] & DN12_MASK;
        out[3 * groups] = (uint8_t)a;
        out[3 * groups + 1] = (uint8_t)(a >> 8);
    }
}

/* BayerGR10g40IDS: B0..B3 = P0..P3 [9:2], B4 = P3[1:0]<<6 | .. | P0[1:0]. */
static void pack10g40_generic(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    size_t groups = n / 4;
    for (size_t g = 0; g < groups; g++) {
        const uint16_t *p = in + 4 * g;
        uint8_t *o = out + 5 * g;
        unsigned lsb = 0;
        for (unsigned i = 0; i < 4; i++) {
            unsigned v = (p[i] & DN12_MASK) >> 2;
            o[i] = (uint8_t)(v >> 2);
            lsb |= (v & 3) << (2 * i);
        }
        o[4] = (uint8_t)lsb;
    }
    size_t k = n % 4;
    if (k) {
        const uint16_t *p = in + 4 * groups;
        uint8_t *o = out + 5 * groups;
        unsigned lsb = 0;
        for (size_t i = 0; i < k; i++) {
            unsigned v = (p[i] & DN12_MASK) >> 2;
            o[i] = (uint8_t)(v >> 2);
            lsb |= (v & 3) << (2 * i);
        }
        o[k] = (uint8_t)lsb;
    }
}

/* BayerGR12g24IDS: B0 = P0[11:4], B1 = P1[11:4], B2 = P1[3:0]<<4 | P0[3:0]. */
static void pack12g24_generic(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    size_t groups = n / 2;
    for (size_t g = 0; g < groups; g++) {
        unsigned a = in[2 * g] & DN12_MASK, b = in[2 * g + 1] & DN12_MASK;
        uint8_t *o = out + 3 * g;
        o[0] = (uint8_t)(a >> 4);
        o[1] = (uint8_t)(b >> 4);
        o[2] = (uint8_t)((b & 0xF) << 4 | (a & 0xF));
    }
    if (n % 2) {
        unsigned a = in[n - 1] & DN12_MASK;
        out[3 * groups] = (uint8_t)(a >> 4);
        out[3 * groups + 1] = (uint8_t)(a & 0xF);
    }
}

/* ---- vectorised bulk (little-endian hosts) ------------------------------ */

#if TC_PACK_SWAR

/* Blocks converted per pass: 256 blocks = 1024 pixels, 2 KiB of words on the
 * stack, so both passes stay in L1. */
#define BULK_CHUNK 256

/* Pixels 4j..4j+3 as one word, lane i = pixel i, each masked to 12 bits. */
static inline uint64_t load4(const uint16_t *p)
{
    uint64_t q;
    memcpy(&q, p, sizeof q);
    return q & 0x0FFF0FFF0FFF0FFFull;
}

/* Each function turns `m` blocks of 4 pixels into one word per block whose
 * low 5 (10-bit formats) or 6 (12-bit formats) bytes, stored little-endian,
 * are the block's wire bytes. */
TC_SIMD_CLONES
static void words10p(const uint16_t *restrict in, size_t m, uint64_t *restrict w)
{
    for (size_t j = 0; j < m; j++) {
        uint64_t q = (load4(in + 4 * j) >> 2) & 0x03FF03FF03FF03FFull; /* 10-bit lanes */
        q = (q & 0x000003FF000003FFull) | ((q >> 6) & 0x000FFC00000FFC00ull); /* pairs */
        w[j] = (q & 0x00000000000FFFFFull) | ((q >> 12) & 0x000000FFFFF00000ull);
    }
}

TC_SIMD_CLONES
static void words12p(const uint16_t *restrict in, size_t m, uint64_t *restrict w)
{
    for (size_t j = 0; j < m; j++) {
        uint64_t q = load4(in + 4 * j);
        q = (q & 0x00000FFF00000FFFull) | ((q >> 4) & 0x00FFF00000FFF000ull); /* pairs */
        w[j] = (q & 0x0000000000FFFFFFull) | ((q >> 8) & 0x0000FFFFFF000000ull);
    }
}

TC_SIMD_CLONES
static void words10g40(const uint16_t *restrict in, size_t m, uint64_t *restrict w)
{
    for (size_t j = 0; j < m; j++) {
        uint64_t q = load4(in + 4 * j);
        /* bytes 0..3: bits [11:4] of the 12-bit value = [9:2] of the 10-bit one */
        uint64_t msb = (q >> 4) & 0x00FF00FF00FF00FFull;
        msb = (msb | msb >> 8) & 0x0000FFFF0000FFFFull;
        msb = (msb | msb >> 16) & 0x00000000FFFFFFFFull;
        /* byte 4: bits [3:2] of each 12-bit value = [1:0] of the 10-bit one */
        uint64_t lsb = (q >> 2) & 0x0003000300030003ull;
        lsb = (lsb | lsb >> 14) & 0x0000000F0000000Full;
        lsb = (lsb | lsb >> 28) & 0x00000000000000FFull;
        w[j] = msb | lsb << 32;
    }
}

TC_SIMD_CLONES
static void words12g24(const uint16_t *restrict in, size_t m, uint64_t *restrict w)
{
    for (size_t j = 0; j < m; j++) {
        uint64_t q = load4(in + 4 * j);
        uint64_t msb = (q >> 4) & 0x00FF00FF00FF00FFull;
        msb = (msb | msb >> 8) & 0x0000FFFF0000FFFFull;  /* P0,P1 | P2,P3 MSB bytes */
        uint64_t lsb = q & 0x000F000F000F000Full;
        lsb = (lsb | lsb >> 12) & 0x000000FF000000FFull; /* P1[3:0]<<4 | P0[3:0], same for P2,P3 */
        uint64_t y = msb | lsb << 16;
        w[j] = (y & 0x0000000000FFFFFFull) | ((y >> 8) & 0x0000FFFFFF000000ull);
    }
}

/* Store each word's low `stride` bytes at out + stride*j, as 8-byte stores
 * (stride 5 or 6): writes out[0 .. stride*(m-1)+8). */
static inline void store_words(uint8_t *restrict out, const uint64_t *restrict w, size_t m,
                               size_t stride)
{
    for (size_t j = 0; j < m; j++)
        memcpy(out + stride * j, &w[j], sizeof w[j]);
}

typedef void words_fn(const uint16_t *restrict in, size_t m, uint64_t *restrict w);

/* Packs the first 4*(n/4 - 1) pixels of the row (all whole 4-pixel blocks but
 * the last, whose 8-byte store would pass the end of the row) and returns that
 * pixel count; the caller finishes the row with the generic code. */
static inline size_t pack_bulk(words_fn *words, const uint16_t *restrict in, size_t n,
                               uint8_t *restrict out, size_t stride)
{
    if (n < 8)
        return 0;
    size_t blocks = n / 4 - 1;
    uint64_t w[BULK_CHUNK];
    for (size_t b0 = 0; b0 < blocks; b0 += BULK_CHUNK) {
        size_t m = blocks - b0 < BULK_CHUNK ? blocks - b0 : BULK_CHUNK;
        words(in + 4 * b0, m, w);
        store_words(out + stride * b0, w, m, stride);
    }
    return 4 * blocks;
}

#endif /* TC_PACK_SWAR */

static void pack10p(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    size_t done = 0;
#if TC_PACK_SWAR
    done = pack_bulk(words10p, in, n, out, 5);
#endif
    pack10p_generic(in + done, n - done, out + done / 4 * 5);
}

static void pack12p(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    size_t done = 0;
#if TC_PACK_SWAR
    done = pack_bulk(words12p, in, n, out, 6);
#endif
    pack12p_generic(in + done, n - done, out + done / 4 * 6);
}

static void pack10g40(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    size_t done = 0;
#if TC_PACK_SWAR
    done = pack_bulk(words10g40, in, n, out, 5);
#endif
    pack10g40_generic(in + done, n - done, out + done / 4 * 5);
}

static void pack12g24(const uint16_t *restrict in, size_t n, uint8_t *restrict out)
{
    size_t done = 0;
#if TC_PACK_SWAR
    done = pack_bulk(words12g24, in, n, out, 6);
#endif
    pack12g24_generic(in + done, n - done, out + done / 4 * 6);
}

/* ---- unpackers (not on the hot path: tests, tools, host-side decoding) --- */

static void unpack10p(const uint8_t *restrict in, size_t n, uint16_t *restrict out)
{
    /* Pixel i is stream bits 10i..10i+9: two bytes starting at byte 10i/8. */
    size_t full = n / 4 * 4;
    for (size_t i = 0; i < full; i++) {
        size_t bit = 10 * i, byte = bit / 8;
        out[i] = (uint16_t)(((in[byte] | (unsigned)in[byte + 1] << 8) >> (bit % 8)) & 0x3FF);
    }
    for (size_t i = full; i < n; i++) { /* partial group: 2nd byte may not exist */
        size_t bit = 10 * i, byte = bit / 8, last = (10 * n + 7) / 8 - 1;
        unsigned hi = byte + 1 <= last ? in[byte + 1] : 0;
        out[i] = (uint16_t)(((in[byte] | hi << 8) >> (bit % 8)) & 0x3FF);
    }
}

static void unpack12p(const uint8_t *restrict in, size_t n, uint16_t *restrict out)
{
    size_t groups = n / 2;
    for (size_t g = 0; g < groups; g++) {
        const uint8_t *p = in + 3 * g;
        out[2 * g] = (uint16_t)((p[0] | (unsigned)p[1] << 8) & 0xFFF);
        out[2 * g + 1] = (uint16_t)(p[1] >> 4 | (unsigned)p[2] << 4);
    }
    if (n % 2) {
        const uint8_t *p = in + 3 * groups;
        out[n - 1] = (uint16_t)((p[0] | (unsigned)p[1] << 8) & 0xFFF);
    }
}

static void unpack10g40(const uint8_t *restrict in, size_t n, uint16_t *restrict out)
{
    size_t groups = n / 4;
    for (size_t g = 0; g < groups; g++) {
        const uint8_t *p = in + 5 * g;
        for (unsigned i = 0; i < 4; i++)
            out[4 * g + i] = (uint16_t)((unsigned)p[i] << 2 | (p[4] >> (2 * i) & 3));
    }
    size_t k = n % 4;
    if (k) {
        const uint8_t *p = in + 5 * groups; /* k MSB bytes, then the LSB byte */
        for (size_t i = 0; i < k; i++)
            out[4 * groups + i] = (uint16_t)((unsigned)p[i] << 2 | (p[k] >> (2 * i) & 3));
    }
}

static void unpack12g24(const uint8_t *restrict in, size_t n, uint16_t *restrict out)
{
    size_t groups = n / 2;
    for (size_t g = 0; g < groups; g++) {
        const uint8_t *p = in + 3 * g;
        out[2 * g] = (uint16_t)((unsigned)p[0] << 4 | (p[2] & 0xF));
        out[2 * g + 1] = (uint16_t)((unsigned)p[1] << 4 | p[2] >> 4);
    }
    if (n % 2) {
        const uint8_t *p = in + 3 * groups;
        out[n - 1] = (uint16_t)((unsigned)p[0] << 4 | (p[1] & 0xF));
    }
}

/* ---- dispatch ----------------------------------------------------------- */

void tc_pixel_pack_row(const tc_pixel_format *f, const uint16_t *dn12, size_t n, uint8_t *out)
{
    switch (f->code) {
    case TC_PFNC_BAYERGR8: pack8(dn12, n, out); break;
    case TC_PFNC_BAYERGR10: pack10(dn12, n, out); break;
    case TC_PFNC_BAYERGR12: pack12(dn12, n, out); break;
    case TC_PFNC_BAYERGR10P: pack10p(dn12, n, out); break;
    case TC_PFNC_BAYERGR12P: pack12p(dn12, n, out); break;
    case TC_PFNC_BAYERGR10G40IDS: pack10g40(dn12, n, out); break;
    case TC_PFNC_BAYERGR12G24IDS: pack12g24(dn12, n, out); break;
    default: /* not one of the table's formats: keep the size contract, send zeros */
        memset(out, 0, tc_pixel_row_bytes(f, n));
        break;
    }
}

void tc_pixel_unpack_row(const tc_pixel_format *f, const uint8_t *in, size_t n, uint16_t *out)
{
    switch (f->code) {
    case TC_PFNC_BAYERGR8: unpack8(in, n, out); break;
    case TC_PFNC_BAYERGR10: unpack16le(in, n, 0x3FF, out); break;
    case TC_PFNC_BAYERGR12: unpack16le(in, n, 0xFFF, out); break;
    case TC_PFNC_BAYERGR10P: unpack10p(in, n, out); break;
    case TC_PFNC_BAYERGR12P: unpack12p(in, n, out); break;
    case TC_PFNC_BAYERGR10G40IDS: unpack10g40(in, n, out); break;
    case TC_PFNC_BAYERGR12G24IDS: unpack12g24(in, n, out); break;
    default: memset(out, 0, n * sizeof out[0]); break;
    }
}

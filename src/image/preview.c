/* Bilinear demosaicking of Bayer GR with white balance and display gamma.
 *
 * CFA (x, y from 0):          colour at each site, bilinear:
 *   y even: G R G R ...         G on an R row: R = mean(left, right), B = mean(up, down)
 *   y odd:  B G B G ...         R site: G = mean of the 4 edge neighbours, B = mean of the 4 diagonals
 *                               B site: G = mean of the 4 edge neighbours, R = mean of the 4 diagonals
 *                               G on a B row: B = mean(left, right), R = mean(up, down)
 * Edges: coordinates outside the image are mirrored about the edge pixel
 * (-1 -> 1, w -> w-2), which keeps the colour of every CFA site, so a border
 * pixel's missing neighbours are replaced by same-colour pixels inside.
 *
 * Each output channel is first formed as 4x its value in integers (sum of 4,
 * 2 x sum of 2, or 4 x the site value), then mapped through a per-channel
 * table: v / (2^bits - 1) * gain, clamped to 0..1, ^(1/2.2), rounded to 8 bits. */
#include "image/preview.h"

#include <math.h>
#include <stdlib.h>

static inline unsigned mirror(long i, unsigned n)
{
    /* n >= 2; the steps below cover anything within one image size */
    if (i < 0)
        i = -i;
    if (i >= (long)n)
        i = 2 * ((long)n - 1) - i;
    if (i < 0) /* only for |i| far beyond the image: never from this file */
        i = 0;
    return (unsigned)i;
}

/* A raw sample clamped to the declared depth (out-of-range input stays sane). */
static inline unsigned sample(const uint16_t *row, unsigned x, unsigned maxv)
{
    return row[x] > maxv ? maxv : row[x];
}

static uint8_t encode(double x4, double scale, double gain)
{
    double v = x4 * scale * gain;
    if (!(v > 0.0)) /* also NaN gains */
        return 0;
    if (v >= 1.0)
        return 255;
    return (uint8_t)lround(255.0 * pow(v, 1.0 / 2.2));
}

void tc_preview_demosaic_gr(const uint16_t *raw, unsigned width, unsigned height, unsigned bits,
                            const float wb[3], uint8_t *rgb)
{
    if (!raw || !rgb || width < 2 || height < 2)
        return;
    if (bits < 1)
        bits = 1;
    if (bits > 16)
        bits = 16;
    const unsigned maxv = (1u << bits) - 1;
    const double scale = 1.0 / (4.0 * maxv);
    const double gain[3] = {wb ? wb[0] : 1.0, wb ? wb[1] : 1.0, wb ? wb[2] : 1.0};

    /* Per-channel tables over 0..4*maxv (at most 3 x 256 KiB for 16-bit
     * input); without memory, compute each pixel directly. */
    size_t lut_n = 4 * (size_t)maxv + 1;
    uint8_t *lut = malloc(3 * lut_n);
    if (lut)
        for (unsigned c = 0; c < 3; c++)
            for (size_t i = 0; i < lut_n; i++)
                lut[c * lut_n + i] = encode((double)i, scale, gain[c]);

    for (unsigned y = 0; y < height; y++) {
        /* the rows above and below, mirrored at the top and bottom */
        const uint16_t *r0 = raw + (size_t)y * width;
        const uint16_t *rm = raw + (size_t)mirror((long)y - 1, height) * width;
        const uint16_t *rp = raw + (size_t)mirror((long)y + 1, height) * width;
        for (unsigned x = 0; x < width; x++) {
            unsigned xm = mirror((long)x - 1, width), xp = mirror((long)x + 1, width);
            unsigned here = sample(r0, x, maxv);
            unsigned horiz = 2 * (sample(r0, xm, maxv) + sample(r0, xp, maxv));
            unsigned vert = 2 * (sample(rm, x, maxv) + sample(rp, x, maxv));
            unsigned c4[3]; /* 4 x R, G, B */
            if ((x + y) % 2 == 0) { /* a G site */
                c4[1] = 4 * here;
                c4[0] = y % 2 == 0 ? horiz : vert; /* R beside it on an R row, else above/below */
                c4[2] = y % 2 == 0 ? vert : horiz;
            } else { /* an R or B site: G on the cross, the other colour on the diagonals */
                unsigned cross = (horiz + vert) / 2;
                unsigned diag = sample(rm, xm, maxv) + sample(rm, xp, maxv) +
                                sample(rp, xm, maxv) + sample(rp, xp, maxv);
                c4[1] = cross;
                c4[0] = y % 2 == 0 ? 4 * here : diag;
                c4[2] = y % 2 == 0 ? diag : 4 * here;
            }
            uint8_t *o = rgb + ((size_t)y * width + x) * 3;
            for (unsigned c = 0; c < 3; c++)
                o[c] = lut ? lut[c * lut_n + c4[c]] : encode((double)c4[c], scale, gain[c]);
        }
    }
    free(lut);
}

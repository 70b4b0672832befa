/* Binning and mirror stage, on 12-bit rows; both keep the output Bayer GR.
 *
 * Colour-aware 2x2 binning ("M/C automatic", datasheet): output pixel (bx, by)
 * with parity (px, py) = (bx & 1, by & 1) is the mean, rounded half up, of
 * the four same-colour sensor pixels
 *     x = 4 * (bx >> 1) + px + {0, 2},   y = 4 * (by >> 1) + py + {0, 2}
 * (relative to the binned region, which starts on a multiple of 4).
 *
 * Mirror: output column x reads column (W - 1 - x) ^ 1 of a W-wide row, i.e.
 * each colour plane is mirrored and G stays at even columns of G R rows (W
 * even). Rows mirror the same way, which the sensor does by choosing rows. */
#ifndef TC_SENSOR_BINNING_H
#define TC_SENSOR_BINNING_H

#include <stddef.h>
#include <stdint.h>

/* First sensor row (relative to the region) of binned row by; the second is
 * 2 further down. */
static inline unsigned tc_bin2_first_row(unsigned by) { return 4 * (by >> 1) + (by & 1); }

/* Row index that mirrored row i of an n-row (or n-column) image reads. n even. */
static inline unsigned tc_mirror_index(unsigned i, unsigned n) { return (n - 1 - i) ^ 1u; }

/* One binned row of n_out pixels from sensor rows r0 (row y) and r2 (row
 * y + 2), each holding at least 2 * n_out pixels from a column that is a
 * multiple of 4. */
void tc_bin2_row(const uint16_t *r0, const uint16_t *r2, size_t n_out, uint16_t *out);

/* out[x] = in[(n - 1 - x) ^ 1] for n even; in and out must not overlap. */
void tc_mirror_row(const uint16_t *in, size_t n, uint16_t *out);

#endif

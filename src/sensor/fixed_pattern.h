/* Fixed-pattern stage data: per-unit PRNU, DSNU and hot pixels.
 *
 * A real sensor's non-uniformities are fixed at manufacture; the twin derives
 * them from a 64-bit seed (the sensor hashes its serial number), so one serial
 * always shows the same pattern and two serials differ. Computed once, stored
 * compactly: one int8 each for PRNU and DSNU per pixel (24.7 MB at full size)
 * and a sparse, row-indexed list of hot pixels. */
#ifndef TC_SENSOR_FIXED_PATTERN_H
#define TC_SENSOR_FIXED_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* PRNU gain = 1 + prnu * TC_FP_PRNU_STEP (sigma 1 % = 20 steps).
 * DSNU offset = dsnu * TC_FP_DSNU_STEP_E electrons (sigma 1.5 e- = 15 steps).
 * Both are quantised normal deviates; the table they come from spans
 * +-4.3 sigma (a 16-bit uniform index), well inside int8. */
#define TC_FP_PRNU_STEP 0.0005f
#define TC_FP_DSNU_STEP_E 0.1f

typedef struct tc_fixed_pattern {
    unsigned width, height;
    int8_t *prnu;             /* width * height, row-major */
    int8_t *dsnu;             /* width * height, row-major */
    uint32_t hot_count;
    uint32_t *hot_index;      /* hot_count pixel indices y * width + x, ascending */
    float *hot_factor;        /* dark-current multiplier of each hot pixel */
    uint32_t *hot_row_start;  /* height + 1: hot pixels of row y are
                                 [hot_row_start[y], hot_row_start[y + 1]) */
} tc_fixed_pattern;

/* Fill fp for a width x height sensor from `seed`; hot pixels are
 * round(hot_fraction * width * height) distinct positions. Returns 0, or -1 on
 * allocation failure (fp is then empty and safe to free). */
int tc_fixed_pattern_init(tc_fixed_pattern *fp, uint64_t seed, unsigned width,
                          unsigned height, double hot_fraction);
void tc_fixed_pattern_free(tc_fixed_pattern *fp); /* NULL-safe, leaves fp empty */

/* Bytes held by fp (for memory accounting). */
size_t tc_fixed_pattern_bytes(const tc_fixed_pattern *fp);

#endif

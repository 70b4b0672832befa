/* Fixed-pattern stage data: per-unit PRNU, DSNU and hot pixels.
 *
 * A real sensor's non-uniformities are fixed at manufacture; the twin derives
 * them from a 64-bit seed (the sensor hashes its serial number), so one serial
 * always shows the same pattern and two serials differ. Stored compactly:
 * one int8 each for PRNU and DSNU per pixel (24.7 MB at full size) and a
 * sparse, row-indexed list of hot pixels. The two planes are optional: any
 * stretch of a row can be made again from the seed (0.5 ns a pixel), so
 * a user that needs them only now and then (the sensor, for a static scene,
 * when it rebuilds its mean image) can keep just the hot pixels. */
#ifndef TC_SENSOR_FIXED_PATTERN_H
#define TC_SENSOR_FIXED_PATTERN_H

#include <stdbool.h>
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
    uint64_t seed;
    int8_t *prnu;             /* width * height, row-major, or NULL (released) */
    int8_t *dsnu;             /* width * height, row-major, or NULL (released) */
    int8_t *prnu_tab, *dsnu_tab; /* 65536-entry quantile tables the rows come from */
    uint32_t hot_count;
    uint32_t *hot_index;      /* hot_count pixel indices y * width + x, ascending */
    float *hot_factor;        /* dark-current multiplier of each hot pixel */
    uint32_t *hot_row_start;  /* height + 1: hot pixels of row y are
                                 [hot_row_start[y], hot_row_start[y + 1]) */
} tc_fixed_pattern;

/* Fill fp for a width x height sensor from `seed`; hot pixels are
 * round(hot_fraction * width * height) distinct positions; the PRNU and DSNU
 * planes are made now if `planes`. Returns 0, or -1 on allocation failure (fp
 * is then empty and safe to free). */
int tc_fixed_pattern_init(tc_fixed_pattern *fp, uint64_t seed, unsigned width,
                          unsigned height, double hot_fraction, bool planes);
void tc_fixed_pattern_free(tc_fixed_pattern *fp); /* NULL-safe, leaves fp empty */

/* Make the planes (no-op if there), or free them. 0 or -1 (allocation). */
int tc_fixed_pattern_materialise(tc_fixed_pattern *fp);
void tc_fixed_pattern_release(tc_fixed_pattern *fp);

/* PRNU or DSNU steps of row y, columns [x0, x0 + n): a pointer into the plane
 * if it is there, else the same values made into buf[n]. */
const int8_t *tc_fixed_pattern_prnu_row(const tc_fixed_pattern *fp, unsigned y, unsigned x0,
                                        unsigned n, int8_t *buf);
const int8_t *tc_fixed_pattern_dsnu_row(const tc_fixed_pattern *fp, unsigned y, unsigned x0,
                                        unsigned n, int8_t *buf);

/* Bytes held by fp (for memory accounting). */
size_t tc_fixed_pattern_bytes(const tc_fixed_pattern *fp);

#endif

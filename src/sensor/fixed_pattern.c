/* Fixed-pattern noise of one sensor unit, derived from a seed.
 *
 * Normal deviates for 24.6 million pixels would take most of a second through
 * Box-Muller; since they are stored as int8 steps anyway, each is drawn
 * exactly from the quantised normal distribution instead: a 16-bit uniform
 * indexes a 65536-entry inverse-CDF table of step values (built from 255 erfc
 * evaluations). Four deviates come out of one 64-bit draw. Every row has its
 * own keyed stream, so a pattern does not depend on the order rows are made,
 * and any stretch of a row can be made again on its own: a SplitMix64
 * stream's draw k is its state advanced by k increments, so a row made from
 * column x0 starts x0 / 4 increments in. That is what lets the sensor keep no
 * planes at all for a static scene (tc_fixed_pattern_release). */
#include "sensor/fixed_pattern.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/sensor_model.h"
#include "util/rng.h"

enum { TAG_PRNU = 1, TAG_DSNU = 2, TAG_HOT = 3 };

static double normal_cdf(double z) { return 0.5 * erfc(-z * M_SQRT1_2); }

/* tab[i] = the int8 step k whose interval [(k - 0.5) / s, (k + 0.5) / s) (in
 * sigma) holds the normal quantile of (i + 0.5) / 65536; s = steps per sigma. */
static void quantile_table(int8_t *tab, double steps_per_sigma)
{
    int k = -127;
    double bound = normal_cdf((k + 0.5) / steps_per_sigma);
    for (unsigned i = 0; i < 65536u; i++) {
        const double p = (i + 0.5) / 65536.0;
        while (k < 127 && p >= bound) {
            k++;
            bound = normal_cdf((k + 0.5) / steps_per_sigma);
        }
        tab[i] = (int8_t)k;
    }
}

/* SplitMix64's increment (util/rng.h: every draw adds it to the state);
 * test_fixed_pattern checks that rows made from any column match. */
#define SPLITMIX_GAMMA 0x9E3779B97F4A7C15ull

/* Columns [x0, x0 + n) of row y of one plane: pixel x takes 16 bits
 * (x % 4) of draw x / 4 of the row's stream. */
static void make_row(const int8_t *tab, uint64_t seed, uint64_t tag, unsigned y, unsigned x0,
                     unsigned n, int8_t *out)
{
    tc_rng r = tc_rng_keyed(seed, tag, y);
    r.state += (uint64_t)(x0 / 4) * SPLITMIX_GAMMA;
    const unsigned end = x0 + n;
    unsigned x = x0;
    if (x & 3u) { /* the rest of a draw begun left of x0 */
        uint64_t u = tc_rng_next(&r) >> (16 * (x & 3u));
        for (; (x & 3u) && x < end; x++, u >>= 16)
            out[x - x0] = tab[u & 0xFFFFu];
    }
    for (; x + 4 <= end; x += 4) {
        const uint64_t u = tc_rng_next(&r);
        int8_t *o = out + (x - x0);
        o[0] = tab[u & 0xFFFFu];
        o[1] = tab[(u >> 16) & 0xFFFFu];
        o[2] = tab[(u >> 32) & 0xFFFFu];
        o[3] = tab[u >> 48];
    }
    if (x < end) {
        uint64_t u = tc_rng_next(&r);
        for (; x < end; x++, u >>= 16)
            out[x - x0] = tab[u & 0xFFFFu];
    }
}

static void fill_plane(int8_t *plane, const int8_t *tab, uint64_t seed, uint64_t tag,
                       unsigned width, unsigned height)
{
    for (unsigned y = 0; y < height; y++)
        make_row(tab, seed, tag, y, 0, width, plane + (size_t)y * width);
}

typedef struct hot_px {
    uint32_t index;
    float factor;
} hot_px;

static int hot_cmp(const void *a, const void *b)
{
    const hot_px *p = a, *q = b;
    return (p->index > q->index) - (p->index < q->index);
}

static int make_hot_pixels(tc_fixed_pattern *fp, uint64_t seed, double fraction)
{
    const uint64_t npix = (uint64_t)fp->width * fp->height;
    double want_d = fraction > 0 ? floor(fraction * (double)npix + 0.5) : 0;
    uint32_t want = want_d > (double)npix ? (uint32_t)npix : (uint32_t)want_d;
    fp->hot_row_start = calloc((size_t)fp->height + 1, sizeof *fp->hot_row_start);
    hot_px *list = malloc(((size_t)want + 1) * sizeof *list);
    if (!fp->hot_row_start || !list) {
        free(list);
        return -1;
    }
    const double lmin = log(TC_MODEL_HOT_FACTOR_MIN), lmax = log(TC_MODEL_HOT_FACTOR_MAX);
    tc_rng r = tc_rng_keyed(seed, TAG_HOT, 0);
    uint32_t have = 0;
    while (have < want) {
        /* Draw the missing ones, then sort and drop repeated positions. */
        while (have < want) {
            uint64_t pos = ((tc_rng_next(&r) >> 32) * npix) >> 32;
            double f = exp(lmin + tc_rng_uniform(&r) * (lmax - lmin));
            list[have++] = (hot_px){ (uint32_t)pos, (float)f };
        }
        qsort(list, have, sizeof *list, hot_cmp);
        uint32_t k = 0;
        for (uint32_t i = 0; i < have; i++)
            if (k == 0 || list[i].index != list[k - 1].index)
                list[k++] = list[i];
        have = k;
    }
    fp->hot_index = malloc(((size_t)have + 1) * sizeof *fp->hot_index);
    fp->hot_factor = malloc(((size_t)have + 1) * sizeof *fp->hot_factor);
    if (!fp->hot_index || !fp->hot_factor) {
        free(list);
        return -1;
    }
    for (uint32_t i = 0; i < have; i++) {
        fp->hot_index[i] = list[i].index;
        fp->hot_factor[i] = list[i].factor;
    }
    fp->hot_count = have;
    free(list);
    /* Row starts: count per row, then prefix sums. */
    for (uint32_t i = 0; i < have; i++)
        fp->hot_row_start[fp->hot_index[i] / fp->width + 1]++;
    for (unsigned y = 0; y < fp->height; y++)
        fp->hot_row_start[y + 1] += fp->hot_row_start[y];
    return 0;
}

int tc_fixed_pattern_init(tc_fixed_pattern *fp, uint64_t seed, unsigned width,
                          unsigned height, double hot_fraction, bool planes)
{
    memset(fp, 0, sizeof *fp);
    if (width == 0 || height == 0)
        return -1;
    fp->width = width;
    fp->height = height;
    fp->seed = seed;
    fp->prnu_tab = malloc(65536);
    fp->dsnu_tab = malloc(65536);
    if (!fp->prnu_tab || !fp->dsnu_tab)
        goto fail;
    quantile_table(fp->prnu_tab, TC_MODEL_PRNU_SIGMA / TC_FP_PRNU_STEP);
    quantile_table(fp->dsnu_tab, TC_MODEL_DSNU_SIGMA_E / TC_FP_DSNU_STEP_E);
    if (make_hot_pixels(fp, seed, hot_fraction) != 0 ||
        (planes && tc_fixed_pattern_materialise(fp) != 0))
        goto fail;
    return 0;
fail:
    tc_fixed_pattern_free(fp);
    return -1;
}

int tc_fixed_pattern_materialise(tc_fixed_pattern *fp)
{
    if (fp->prnu)
        return 0;
    const size_t npix = (size_t)fp->width * fp->height;
    fp->prnu = malloc(npix);
    fp->dsnu = malloc(npix);
    if (!fp->prnu || !fp->dsnu) {
        tc_fixed_pattern_release(fp);
        return -1;
    }
    fill_plane(fp->prnu, fp->prnu_tab, fp->seed, TAG_PRNU, fp->width, fp->height);
    fill_plane(fp->dsnu, fp->dsnu_tab, fp->seed, TAG_DSNU, fp->width, fp->height);
    return 0;
}

void tc_fixed_pattern_release(tc_fixed_pattern *fp)
{
    free(fp->prnu);
    free(fp->dsnu);
    fp->prnu = NULL;
    fp->dsnu = NULL;
}

const int8_t *tc_fixed_pattern_prnu_row(const tc_fixed_pattern *fp, unsigned y, unsigned x0,
                                        unsigned n, int8_t *buf)
{
    if (fp->prnu)
        return fp->prnu + (size_t)y * fp->width + x0;
    make_row(fp->prnu_tab, fp->seed, TAG_PRNU, y, x0, n, buf);
    return buf;
}

const int8_t *tc_fixed_pattern_dsnu_row(const tc_fixed_pattern *fp, unsigned y, unsigned x0,
                                        unsigned n, int8_t *buf)
{
    if (fp->dsnu)
        return fp->dsnu + (size_t)y * fp->width + x0;
    make_row(fp->dsnu_tab, fp->seed, TAG_DSNU, y, x0, n, buf);
    return buf;
}

void tc_fixed_pattern_free(tc_fixed_pattern *fp)
{
    if (!fp)
        return;
    tc_fixed_pattern_release(fp);
    free(fp->prnu_tab);
    free(fp->dsnu_tab);
    free(fp->hot_index);
    free(fp->hot_factor);
    free(fp->hot_row_start);
    memset(fp, 0, sizeof *fp);
}

size_t tc_fixed_pattern_bytes(const tc_fixed_pattern *fp)
{
    const size_t npix = (size_t)fp->width * fp->height;
    return (fp->prnu ? 2 * npix : 0) + (fp->prnu_tab ? 2 * 65536 : 0) +
           (size_t)fp->hot_count * 8 + ((size_t)fp->height + 1) * 4;
}

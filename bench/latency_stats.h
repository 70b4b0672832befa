/* Latency figures for the trigger benchmarks: sort the samples (us) and
 * print mean, jitter (sd), p50, p99 and max, and the excess over theory. */
#ifndef TC_BENCH_LATENCY_STATS_H
#define TC_BENCH_LATENCY_STATS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int latency_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void latency_report(double *lat, int n, double theory_us)
{
    if (n <= 0) {
        printf("measured: no samples\n");
        return;
    }
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++)
        sum += lat[i];
    double mean = sum / n;
    for (int i = 0; i < n; i++)
        sq += (lat[i] - mean) * (lat[i] - mean);
    qsort(lat, (size_t)n, sizeof(double), latency_cmp);
    double p99 = lat[n * 99 / 100];
    printf("measured: mean %.1f us, jitter (sd) %.1f us, p50 %.1f, p99 %.1f, max %.1f us\n", mean,
           sqrt(sq / n), lat[n / 2], p99, lat[n - 1]);
    printf("excess over theory: mean %.1f us, p99 %.1f us\n", mean - theory_us, p99 - theory_us);
}

#endif

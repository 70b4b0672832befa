/* Pack throughput: tc_pixel_pack_row for every pixel format over a full
 * 4056 x 3040 frame, against memcpy of the same payload size.
 *
 *   pack_bench [repetitions]      (default 20)
 *
 * For each format: the frame rate (3040 rows from a 24.7 MB 12-bit frame
 * into a frame-sized payload, i.e. through main memory), the memcpy rate of
 * the same payload row by row, and the "row hot" rate (one row packed 3040
 * times, input and output in L1/L2: what the sensor pipeline sees when it
 * packs a row it has just computed). Best and mean over the repetitions, in
 * Mpix/s, plus output MB/s. One core, no threads. */
#include "pixel/pixel_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W 4056u
#define H 3040u

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Keeps the compiler from dropping work whose result is never read. */
static volatile uint8_t sink;

static void report(const char *name, double best, double total, int reps, size_t bytes)
{
    double px = (double)W * H;
    printf("%-16s %9.0f Mpix/s best %9.0f Mpix/s mean %8.0f MB/s out (%zu bytes/frame)\n", name,
           px / best * 1e-6, px * reps / total * 1e-6, (double)bytes / best * 1e-6, bytes);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 20;
    if (reps < 1)
        reps = 1;
    size_t npx = (size_t)W * H;
    uint16_t *in = malloc(npx * sizeof *in);
    uint8_t *out = malloc(npx * 2);
    uint8_t *src = malloc(npx * 2);
    if (!in || !out || !src) {
        fprintf(stderr, "pack_bench: out of memory\n");
        return 1;
    }
    /* A deterministic, non-constant 12-bit pattern (xorshift). */
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < npx; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        in[i] = (uint16_t)(x & 0xFFF);
    }
    memset(src, 0x5A, npx * 2);
    memset(out, 0, npx * 2);

    printf("pack_bench: %ux%u frame (%.1f Mpix), %d repetitions, one core\n", W, H,
           (double)npx * 1e-6, reps);
    for (unsigned fi = 0; fi < tc_pixel_format_count; fi++) {
        const tc_pixel_format *f = &tc_pixel_formats[fi];
        size_t rb = tc_pixel_row_bytes(f, W);
        double best = 1e30, total = 0;
        for (int r = 0; r < reps + 1; r++) {
            double t0 = now_s();
            for (unsigned y = 0; y < H; y++)
                tc_pixel_pack_row(f, in + (size_t)y * W, W, out + (size_t)y * rb);
            double dt = now_s() - t0;
            sink = out[(size_t)r % (rb * H)];
            if (r == 0)
                continue; /* warm-up: page faults, caches */
            total += dt;
            if (dt < best)
                best = dt;
        }
        report(f->name, best, total, reps, rb * H);

        /* memcpy of the same payload, row by row as the packer writes it */
        best = 1e30;
        total = 0;
        for (int r = 0; r < reps + 1; r++) {
            double t0 = now_s();
            for (unsigned y = 0; y < H; y++)
                memcpy(out + (size_t)y * rb, src + (size_t)y * rb, rb);
            double dt = now_s() - t0;
            sink = out[(size_t)r % (rb * H)];
            if (r == 0)
                continue;
            total += dt;
            if (dt < best)
                best = dt;
        }
        char label[40];
        snprintf(label, sizeof label, "  memcpy %zuB/row", rb);
        report(label, best, total, reps, rb * H);

        /* one row, hot in cache */
        best = 1e30;
        total = 0;
        for (int r = 0; r < reps + 1; r++) {
            double t0 = now_s();
            for (unsigned y = 0; y < H; y++)
                tc_pixel_pack_row(f, in + (size_t)(r % 8) * W, W, out);
            double dt = now_s() - t0;
            sink = out[(size_t)r % rb];
            if (r == 0)
                continue;
            total += dt;
            if (dt < best)
                best = dt;
        }
        report("  row hot", best, total, reps, rb * H);
    }
    free(in);
    free(out);
    free(src);
    return 0;
}

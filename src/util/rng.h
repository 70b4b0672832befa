/* Seeded, reproducible random numbers.
 *
 * SplitMix64 (Steele, Lea, Flood 2014) derives independent streams from a
 * seed and a few integers (serial, block id, row); xoshiro-style state is not
 * needed because every consumer asks for a fresh stream keyed by what it is
 * drawing for, which is what makes frames bit-identical for the same seed. */
#ifndef TC_UTIL_RNG_H
#define TC_UTIL_RNG_H

#include <stdint.h>

typedef struct tc_rng { uint64_t state; } tc_rng;

static inline uint64_t tc_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A stream keyed by (seed, a, b): the same key always gives the same stream. */
static inline tc_rng tc_rng_keyed(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t s = seed;
    uint64_t k1 = tc_splitmix64(&s) ^ a;
    uint64_t s2 = k1;
    uint64_t k2 = tc_splitmix64(&s2) ^ b;
    tc_rng r = { k2 };
    (void)tc_splitmix64(&r.state);
    return r;
}

static inline uint64_t tc_rng_next(tc_rng *r) { return tc_splitmix64(&r->state); }

/* Uniform double in [0, 1). */
static inline double tc_rng_uniform(tc_rng *r) { return (double)(tc_rng_next(r) >> 11) * 0x1.0p-53; }

/* Standard normal deviate (Box-Muller; one of the pair is discarded, which
 * keeps the function stateless; only used off the per-frame path). */
double tc_rng_normal(tc_rng *r);

/* Stable 64-bit hash of a string (FNV-1a), used to seed fixed patterns from
 * the serial number. */
uint64_t tc_hash_string(const char *s);

#endif

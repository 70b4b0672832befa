/* Seeded random numbers: the parts that are not inline. */
#include "util/rng.h"

#include <math.h>

double tc_rng_normal(tc_rng *r)
{
    double u1 = tc_rng_uniform(r);
    double u2 = tc_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300; /* log(0) guard; probability 2^-53 */
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

uint64_t tc_hash_string(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; s && *s; s++) {
        h ^= (uint8_t)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

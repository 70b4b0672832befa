/* Helpers shared by the sensor stages (private to src/sensor and its tests). */
#ifndef TC_SENSOR_INT_H
#define TC_SENSOR_INT_H

#include <stdint.h>
#include <string.h>

/* Colour channel of a Bayer GR site: even rows G R G R ..., odd rows B G B G ...
 * (datasheet; facts.md section 1). Coordinates are absolute sensor pixels. */
enum { TC_CH_R = 0, TC_CH_G = 1, TC_CH_B = 2 };

static inline unsigned tc_bayer_channel(unsigned x, unsigned y)
{
    if ((y & 1u) == 0)
        return (x & 1u) ? TC_CH_R : TC_CH_G;
    return (x & 1u) ? TC_CH_G : TC_CH_B;
}

/* The per-frame path works in fixed-point DN, 1/2^TC_FX_BITS DN steps: the
 * mean codes of adc.h and the noise of noise.h. */
#define TC_FX_BITS 3

/* Per-pixel helpers are forced inline so that they vectorise inside the row
 * loops of both kernel copies below. */
#define TC_INLINE static inline __attribute__((always_inline))

/* Hot row kernels come in two copies, AVX2 and baseline x86-64, chosen per
 * call by the CPU (one predictable branch per row). TC_HOT_FN(name, (params),
 * (args)) defines `void name(params)` from `TC_INLINE void name##_impl`.
 * Both copies do the same IEEE operations in the same order (-ffp-contract=off,
 * no FMA) or the same integer ones, so frames are bit-identical whichever copy
 * runs, and between gcc and clang. (Not target_clones: clang 14 names its
 * ifunc "name.ifunc", which callers in other files cannot link against.) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(TC_NO_SIMD_DISPATCH)
#define TC_HOT_FN(name, params, args)                                                      \
    __attribute__((target("avx2"))) static void name##_avx2 params { name##_impl args; } \
    static void name##_base params { name##_impl args; }                                   \
    void name params                                                                       \
    {                                                                                      \
        if (__builtin_cpu_supports("avx2"))                                                \
            name##_avx2 args;                                                              \
        else                                                                               \
            name##_base args;                                                              \
    }
#else
#define TC_HOT_FN(name, params, args)                                                      \
    void name params { name##_impl args; }
#endif

/* min(max(v, 0), hi) for hi >= 0 (NaN gives hi), done on the IEEE bit
 * patterns as signed integers: non-negative floats order like their bits, and
 * every negative float has a negative pattern. Written this way because gcc
 * turns the obvious float selects followed by a float-to-int conversion into
 * a long integer blend sequence, while integer min/max vectorises to two
 * instructions in both compilers. The result is exactly the float clamp. */
TC_INLINE float tc_clamp_nonneg(float v, float hi)
{
    int32_t b, h;
    memcpy(&b, &v, sizeof b);
    memcpy(&h, &hi, sizeof h);
    b = b > 0 ? b : 0;
    b = b < h ? b : h;
    memcpy(&v, &b, sizeof v);
    return v;
}

#endif

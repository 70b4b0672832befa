/* Explicit byte-order loads and stores on byte buffers.
 *
 * Wire data is never cast to structs: every field is read and written byte by
 * byte, which is alignment-free and UBSan-clean. */
#ifndef TC_UTIL_ENDIAN_H
#define TC_UTIL_ENDIAN_H

#include <stdint.h>

static inline uint16_t tc_load_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t tc_load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t tc_load_be64(const uint8_t *p)
{
    return (uint64_t)tc_load_be32(p) << 32 | tc_load_be32(p + 4);
}
static inline uint16_t tc_load_le16(const uint8_t *p) { return (uint16_t)(p[1] << 8 | p[0]); }
static inline uint32_t tc_load_le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}
static inline uint64_t tc_load_le64(const uint8_t *p)
{
    return (uint64_t)tc_load_le32(p + 4) << 32 | tc_load_le32(p);
}
static inline void tc_store_be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void tc_store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline void tc_store_be64(uint8_t *p, uint64_t v)
{
    tc_store_be32(p, (uint32_t)(v >> 32)); tc_store_be32(p + 4, (uint32_t)v);
}
static inline void tc_store_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void tc_store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void tc_store_le64(uint8_t *p, uint64_t v)
{
    tc_store_le32(p, (uint32_t)v); tc_store_le32(p + 4, (uint32_t)(v >> 32));
}

/* Load or store an unsigned integer of 1..8 bytes in the given order. */
static inline uint64_t tc_load_uint(const uint8_t *p, unsigned len, int big_endian)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < len; i++)
        v |= (uint64_t)p[big_endian ? len - 1 - i : i] << (8 * i);
    return v;
}
static inline void tc_store_uint(uint8_t *p, unsigned len, int big_endian, uint64_t v)
{
    for (unsigned i = 0; i < len; i++)
        p[big_endian ? len - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

#endif
